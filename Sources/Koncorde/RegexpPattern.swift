/// A `regexp` condition's pattern and flags, compiled with Swift's regex engine (no Foundation).
///
/// Flags follow JavaScript: `i` (ignore case), `m` (multi-line anchors), `s` (dot matches newline);
/// `g`, `y`, `u` and `d` do not change whether a string matches and are accepted as no-ops.
struct RegexpPattern: Hashable, Sendable {
    let pattern: String
    /// The flags, sorted and without duplicates.
    let flags: String

    private static let knownFlags: Set<Character> = ["d", "g", "i", "m", "s", "u", "y"]

    /// Validates `pattern` and `flags`; the error text explains why they were rejected.
    init(pattern: String, flags: String) throws(RegexpError) {
        for flag in flags where !Self.knownFlags.contains(flag) {
            throw RegexpError(description: "Invalid flags supplied to RegExp constructor '\(flags)'")
        }
        if Set(flags).count != flags.count {
            throw RegexpError(description: "Invalid flags supplied to RegExp constructor '\(flags)'")
        }
        self.pattern = pattern
        self.flags = String(flags.sorted())
        do {
            _ = try Regex(pattern)
        } catch {
            throw RegexpError(description: "\(error)")
        }
    }

    /// The compiled expression.
    func compile() -> Regex<AnyRegexOutput>? {
        guard var regex = try? Regex(pattern) else { return nil }
        if flags.contains("i") { regex = regex.ignoresCase() }
        if flags.contains("m") { regex = regex.anchorsMatchLineEndings() }
        if flags.contains("s") { regex = regex.dotMatchesNewlines() }
        return regex
    }
}

/// Why a regular expression was rejected.
struct RegexpError: Error {
    let description: String
}

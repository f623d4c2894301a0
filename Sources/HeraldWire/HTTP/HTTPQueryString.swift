/// The query string of a Kuzzle HTTP request, typed as Kuzzle's request accessors read it.
///
/// Kuzzle's rules: a boolean option is true when present, whatever its value (`?silent`,
/// `?silent=true`, even `?silent=false`); numbers are numbers. Herald types each argument once,
/// here: an empty value, `true` or `false` gives `true`; an integer or decimal gives a number;
/// anything else, and every argument named in the route table's `stringArguments` (`_id`,
/// `refresh`, ...), stays a string.
public enum HTTPQueryString {
    /// Splits a raw query string (`a=1&b&c=x%20y`, without `?`) into decoded `name=value` pairs,
    /// `+` read as a space. A pair without `=` has an empty value.
    public static func pairs(_ raw: String) -> [(name: String, value: String)] {
        raw.split(separator: "&", omittingEmptySubsequences: true).map { part in
            let name: Substring
            let value: Substring
            if let equals = part.firstIndex(of: "=") {
                name = part[..<equals]
                value = part[part.index(after: equals)...]
            } else {
                name = part
                value = ""
            }
            return (percentDecoded(name), percentDecoded(value))
        }
    }

    /// Splits already-decoded `name=value` fragments (as libwebsockets hands them over).
    public static func pairs(fragments: [String]) -> [(name: String, value: String)] {
        fragments.compactMap { fragment in
            guard !fragment.isEmpty else { return nil }
            guard let equals = fragment.firstIndex(of: "=") else { return (fragment, "") }
            return (String(fragment[..<equals]), String(fragment[fragment.index(after: equals)...]))
        }
    }

    /// The typed value of one argument.
    public static func typed(name: String, value: String, stringArguments: Set<String>) -> JSONValue {
        if stringArguments.contains(name) { return .string(value) }
        if value.isEmpty || value == "true" || value == "false" { return .bool(true) }
        if let integer = Int(value), isPlainNumber(value) { return .int(integer) }
        if let number = Double(value), isPlainNumber(value), number.isFinite { return .double(number) }
        return .string(value)
    }

    /// Digits with an optional sign, fraction and exponent (no `inf`, `nan`, hex or spaces).
    private static func isPlainNumber(_ text: String) -> Bool {
        var sawDigit = false
        for (offset, byte) in text.utf8.enumerated() {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): sawDigit = true
            case UInt8(ascii: "-"), UInt8(ascii: "+"):
                if offset != 0 { return false }
            case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"):
                if !sawDigit { return false }
            default: return false
            }
        }
        return sawDigit
    }

    /// `%XX` escapes decoded and `+` read as a space; invalid escapes are kept as they are.
    static func percentDecoded(_ text: Substring) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) else {
            return String(text)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), iterator.count >= 2,
                      let high = hexValue(iterator[iterator.startIndex]),
                      let low = hexValue(iterator[iterator.startIndex + 1]) {
                bytes.append(high << 4 | low)
                iterator = iterator.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

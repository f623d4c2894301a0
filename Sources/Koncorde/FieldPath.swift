import HeraldWire

/// Parses the field operand of `exists` / `missing`: `path.to.field`, or `path.to.array["value"]`
/// to test that an array holds a value. `\[` and `\]` stand for literal brackets in a field name.
enum FieldPath {
    /// The condition an `exists` on `field` tests; `path` names the operand in error messages.
    static func condition(for field: String, path: String) throws(KoncordeError) -> Condition {
        let scalars = Array(field.unicodeScalars)
        guard let (bracket, raw) = arraySyntax(scalars) else {
            return .exists(field: unescape(scalars[...]))
        }
        guard let value = BracketValueParser.parse(raw) else {
            throw KoncordeError("contains an invalid array value (\"\(raw)\")", at: path)
        }
        return .contains(field: unescape(scalars[..<bracket]), value: value)
    }

    /// Finds the array-value form: a name of at least one character not ending with a backslash,
    /// then `[`, any text, and a final `]`; the shortest name wins. Line terminators never match.
    private static func arraySyntax(_ scalars: [Unicode.Scalar]) -> (bracket: Int, raw: String)? {
        guard scalars.count >= 3, scalars[scalars.count - 1] == "]" else { return nil }
        let end = scalars.count - 1
        var bracket = 1
        while bracket < end {
            // The name, except its last character, must be free of line terminators.
            if bracket >= 2 && isLineTerminator(scalars[bracket - 2]) { return nil }
            if scalars[bracket] == "[" && scalars[bracket - 1] != "\\" {
                let inside = scalars[(bracket + 1)..<end]
                if inside.contains(where: isLineTerminator) { return nil }
                var raw = ""
                raw.unicodeScalars.append(contentsOf: inside)
                return (bracket, raw)
            }
            bracket += 1
        }
        return nil
    }

    private static func isLineTerminator(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "\n" || scalar == "\r" || scalar == "\u{2028}" || scalar == "\u{2029}"
    }

    private static func unescape(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var result = String.UnicodeScalarView()
        var index = scalars.startIndex
        while index < scalars.endIndex {
            let scalar = scalars[index]
            if scalar == "\\", index + 1 < scalars.endIndex, scalars[index + 1] == "[" || scalars[index + 1] == "]" {
                result.append(scalars[index + 1])
                index += 2
            } else {
                result.append(scalar)
                index += 1
            }
        }
        return String(result)
    }
}

import HeraldWire

/// JavaScript conversions Koncorde relies on: `parseFloat` for coordinates and distances, `String(value)`.
enum JavaScriptValue {
    /// The number at the start of `text` (after leading white space), or NaN when there is none.
    static func parseFloat(_ text: Substring) -> Double {
        var scalars = text.unicodeScalars[...]
        while let first = scalars.first, isWhiteSpace(first) { scalars = scalars.dropFirst() }
        var negative = false
        if let sign = scalars.first, sign == "+" || sign == "-" {
            negative = sign == "-"
            scalars = scalars.dropFirst()
        }
        if scalars.starts(with: "Infinity".unicodeScalars) { return negative ? -.infinity : .infinity }
        var literal = negative ? "-" : ""
        var digits = 0
        var index = scalars.startIndex
        func takeDigits() {
            while index < scalars.endIndex, ("0"..."9").contains(scalars[index]) {
                literal.unicodeScalars.append(scalars[index])
                digits += 1
                index = scalars.index(after: index)
            }
        }
        takeDigits()
        let integerDigits = digits
        if index < scalars.endIndex, scalars[index] == "." {
            index = scalars.index(after: index)
            if integerDigits == 0 { literal += "0" }
            literal += "."
            takeDigits()
            if digits == integerDigits { literal += "0" }
        }
        guard digits > 0 else { return .nan }
        if index < scalars.endIndex, scalars[index] == "e" || scalars[index] == "E" {
            var exponent = "e"
            var cursor = scalars.index(after: index)
            if cursor < scalars.endIndex, scalars[cursor] == "+" || scalars[cursor] == "-" {
                exponent.unicodeScalars.append(scalars[cursor])
                cursor = scalars.index(after: cursor)
            }
            var exponentDigits = 0
            while cursor < scalars.endIndex, ("0"..."9").contains(scalars[cursor]) {
                exponent.unicodeScalars.append(scalars[cursor])
                exponentDigits += 1
                cursor = scalars.index(after: cursor)
            }
            if exponentDigits > 0 { literal += exponent }
        }
        return Double(literal) ?? .nan
    }

    /// `parseFloat(value)` for any JSON value: JavaScript first turns the value into a string.
    static func parseFloat(_ value: JSONValue) -> Double {
        switch value {
        case .int(let int): return Double(int)
        case .double(let double): return double
        case .string(let string): return parseFloat(string[...])
        case .array: return parseFloat(string(of: value)[...])
        case .null, .bool, .object: return .nan
        }
    }

    /// JavaScript's `String(value)` (arrays are joined with commas, their null elements left empty).
    static func string(of value: JSONValue) -> String {
        switch value {
        case .string(let string): return string
        case .null: return "null"
        case .bool(let bool): return bool ? "true" : "false"
        case .int(let int): return String(int)
        case .double(let double): return JSONWriter.encodeToString(.double(double))
        case .array(let elements):
            return elements.map { element in element.isNull ? "" : string(of: element) }.joined(separator: ",")
        case .object: return "[object Object]"
        }
    }

    /// JavaScript's white space and line terminators (what `String.prototype.trim` removes).
    static func isWhiteSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x20, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF:
            return true
        default:
            return false
        }
    }
}

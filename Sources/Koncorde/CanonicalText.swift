import HeraldWire

/// Writes values in one canonical text form, used for sorting conditions and hashing room ids.
enum CanonicalText {
    /// Appends `string` quoted, with quotes, backslashes and control characters escaped.
    static func append(string: String, to text: inout String) {
        text += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case _ where scalar.value < 0x20:
                text += "\\u"
                let hex = String(scalar.value, radix: 16)
                text += String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }

    /// Appends a number so that numerically equal values (`1`, `1.0`) give the same text.
    static func append(number: Double, to text: inout String) {
        if let exact = Int(exactly: number) {
            text += String(exact)
        } else {
            text += number.description
        }
    }

    /// Appends any JSON value; objects are written with sorted keys.
    static func append(value: JSONValue, to text: inout String) {
        switch value {
        case .null: text += "null"
        case .bool(let bool): text += bool ? "true" : "false"
        case .int(let int): text += String(int)
        case .double(let double): append(number: double, to: &text)
        case .string(let string): append(string: string, to: &text)
        case .array(let array):
            text += "["
            for (position, element) in array.enumerated() {
                if position > 0 { text += "," }
                append(value: element, to: &text)
            }
            text += "]"
        case .object(let object):
            text += "{"
            for (position, key) in object.keys.sorted().enumerated() {
                if position > 0 { text += "," }
                append(string: key, to: &text)
                text += ":"
                append(value: object[key] ?? .null, to: &text)
            }
            text += "}"
        }
    }
}

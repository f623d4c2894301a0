/// Writes a JSON value as a YAML 1.2 document in block style (`server:openapi` with
/// `format: yaml`).
///
/// Strings are always double-quoted with JSON's escapes (a JSON string is a valid YAML
/// double-quoted scalar); keys are written bare only when YAML cannot read them as anything but
/// that string. Stateless: safe from any thread.
public enum YAMLWriter {
    /// The document, starting with `---` and ending with a newline.
    public static func encode(_ value: JSONValue) -> [UInt8] {
        var lines = ["---"]
        switch value {
        case .object(let object) where !object.isEmpty: write(object, indent: 0, into: &lines)
        case .array(let array) where !array.isEmpty: write(array, indent: 0, into: &lines)
        default: lines.append(scalar(value))
        }
        return Array((lines.joined(separator: "\n") + "\n").utf8)
    }

    private static func write(_ object: JSONObject, indent: Int, into lines: inout [String]) {
        let pad = String(repeating: " ", count: indent)
        for (key, value) in object {
            let name = pad + self.key(key) + ":"
            switch value {
            case .object(let nested) where !nested.isEmpty:
                lines.append(name)
                write(nested, indent: indent + 2, into: &lines)
            case .array(let items) where !items.isEmpty:
                lines.append(name)
                write(items, indent: indent + 2, into: &lines)
            default:
                lines.append(name + " " + scalar(value))
            }
        }
    }

    private static func write(_ items: [JSONValue], indent: Int, into lines: inout [String]) {
        let pad = String(repeating: " ", count: indent)
        for item in items {
            var nested: [String] = []
            switch item {
            case .object(let object) where !object.isEmpty: write(object, indent: indent + 2, into: &nested)
            case .array(let array) where !array.isEmpty: write(array, indent: indent + 2, into: &nested)
            default:
                lines.append(pad + "- " + scalar(item))
                continue
            }
            // The first nested line moves up beside the dash.
            nested[0] = pad + "- " + nested[0].dropFirst(indent + 2)
            lines.append(contentsOf: nested)
        }
    }

    /// Empty containers, numbers, booleans and `null` as JSON spells them; strings quoted.
    private static func scalar(_ value: JSONValue) -> String {
        JSONWriter.encodeToString(value)
    }

    /// Words YAML 1.1 readers take for booleans or null when bare.
    private static let reserved: Set<String> = ["true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"]

    private static func key(_ key: String) -> String {
        guard let first = key.unicodeScalars.first, first.properties.isAlphabetic || first == "_",
              !reserved.contains(key.lowercased()),
              key.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)
                  || "_-.".unicodeScalars.contains($0)) })
        else { return JSONWriter.encodeToString(.string(key)) }
        return key
    }
}

/// Writes JSON indented by two spaces per level, as `JSON.stringify(value, null, 2)` does
/// (`?pretty` on Kuzzle's HTTP API). Empty objects and arrays stay `{}` and `[]`.
public enum JSONPrettyWriter {
    public static func encode(_ value: JSONValue) -> [UInt8] {
        var bytes: [UInt8] = []
        write(value, depth: 0, into: &bytes)
        return bytes
    }

    private static func write(_ value: JSONValue, depth: Int, into bytes: inout [UInt8]) {
        switch value {
        case .object(let object) where !object.isEmpty:
            bytes.append(UInt8(ascii: "{"))
            for (position, member) in object.enumerated() {
                if position > 0 { bytes.append(UInt8(ascii: ",")) }
                newline(depth: depth + 1, into: &bytes)
                JSONWriter.writeString(member.key, into: &bytes)
                bytes.append(contentsOf: [UInt8(ascii: ":"), UInt8(ascii: " ")])
                write(member.value, depth: depth + 1, into: &bytes)
            }
            newline(depth: depth, into: &bytes)
            bytes.append(UInt8(ascii: "}"))
        case .array(let array) where !array.isEmpty:
            bytes.append(UInt8(ascii: "["))
            for (position, element) in array.enumerated() {
                if position > 0 { bytes.append(UInt8(ascii: ",")) }
                newline(depth: depth + 1, into: &bytes)
                write(element, depth: depth + 1, into: &bytes)
            }
            newline(depth: depth, into: &bytes)
            bytes.append(UInt8(ascii: "]"))
        default:
            JSONWriter.write(value, into: &bytes)
        }
    }

    private static func newline(depth: Int, into bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\n"))
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: depth * 2))
    }
}

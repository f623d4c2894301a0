public import HeraldWire

/// Reads the values a document holds at a dotted field path, the way a search engine indexes them:
/// objects are walked (a key may itself contain dots), arrays are flattened, and only scalar
/// leaves (strings, numbers, booleans, `null`) are reported.
public enum FieldPathValues {
    /// The scalar leaves of `source` at `path`, in document order.
    public static func leaves(of source: JSONObject, at path: String) -> [JSONValue] {
        var leaves: [JSONValue] = []
        collect(source, path: Substring(path), into: &leaves)
        return leaves
    }

    /// Appends the scalar leaves of `source` at `path` to `leaves`.
    public static func collect(_ source: JSONObject, path: Substring, into leaves: inout [JSONValue]) {
        for (key, value) in source {
            if path == key {
                flatten(value, into: &leaves)
            } else if path.utf8.count > key.utf8.count, path.utf8.starts(with: key.utf8) {
                let dot = path.utf8.index(path.startIndex, offsetBy: key.utf8.count)
                guard path.utf8[dot] == UInt8(ascii: ".") else { continue }
                descend(value, path: path[path.utf8.index(after: dot)...], into: &leaves)
            }
        }
    }

    private static func descend(_ value: JSONValue, path: Substring, into leaves: inout [JSONValue]) {
        switch value {
        case .object(let object):
            collect(object, path: path, into: &leaves)
        case .array(let elements):
            for element in elements { descend(element, path: path, into: &leaves) }
        default:
            break
        }
    }

    private static func flatten(_ value: JSONValue, into leaves: inout [JSONValue]) {
        switch value {
        case .array(let elements):
            for element in elements { flatten(element, into: &leaves) }
        case .object:
            break
        default:
            leaves.append(value)
        }
    }
}

import HeraldWire

/// The `_updatedFields` list of an update notification, spelled as Kuzzle spells it.
///
/// Kuzzle flattens the request's changes: nested objects are walked and every leaf (scalar,
/// `null` or array, arrays being leaves) contributes its dotted path, in the order of the
/// changes. An empty nested object contributes nothing. A key named `_kuzzle_info` is skipped
/// at every depth, as Kuzzle does.
enum UpdatedFields {
    /// The dotted paths of the leaves of `changes`.
    static func paths(of changes: JSONObject) -> [String] {
        var paths: [String] = []
        collect(changes, prefix: nil, into: &paths)
        return paths
    }

    private static func collect(_ object: JSONObject, prefix: String?, into paths: inout [String]) {
        for (key, value) in object where key != KuzzleInfo.key {
            let path = prefix.map { "\($0).\(key)" } ?? key
            if case .object(let nested) = value {
                collect(nested, prefix: path, into: &paths)
            } else {
                paths.append(path)
            }
        }
    }
}

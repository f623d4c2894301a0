import HeraldWire

/// A document flattened as Koncorde sees it: every object is listed under its dotted path and so
/// are its members (`info` and `info.city`); arrays are values, not traversed. `_id` is added.
struct DocumentFields {
    private(set) var paths: [String] = []
    private(set) var values: [JSONValue] = []

    /// Flattens `source`; `id`, when given, is listed as `_id` (replacing any `_id` in the source).
    init(source: JSONObject, id: String?) {
        paths.reserveCapacity(source.count + 1)
        values.reserveCapacity(source.count + 1)
        for (key, value) in source where id == nil || key != "_id" {
            add(path: key, value: value)
        }
        if let id {
            paths.append("_id")
            values.append(.string(id))
        }
    }

    /// The fields by path (a later duplicate path wins, as when JavaScript flattens the document).
    func lookup() -> [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        result.reserveCapacity(paths.count)
        for position in paths.indices { result[paths[position]] = values[position] }
        return result
    }

    private mutating func add(path: String, value: JSONValue) {
        paths.append(path)
        values.append(value)
        if case .object(let object) = value {
            for (key, member) in object {
                add(path: path + "." + key, value: member)
            }
        }
    }
}

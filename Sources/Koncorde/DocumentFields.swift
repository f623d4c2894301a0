import HeraldWire

/// A document flattened as Koncorde sees it: every object is listed under its dotted path and so
/// are its members (`info` and `info.city`); arrays are values, not traversed. `_id` is added.
struct DocumentFields {
    private(set) var paths: [String] = []
    private(set) var values: [JSONValue] = []

    init(source: JSONObject, id: String) {
        paths.reserveCapacity(source.count + 1)
        values.reserveCapacity(source.count + 1)
        for (key, value) in source where key != "_id" {
            add(path: key, value: value)
        }
        paths.append("_id")
        values.append(.string(id))
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

public import HeraldWire

/// A collection's Elasticsearch-style mappings, as Kuzzle reports them. Herald stores and returns
/// them; documents are not checked against them.
public struct CollectionMapping: Sendable, Equatable {
    /// `"true"`, `"false"` or `"strict"`; Kuzzle's default is `"false"`.
    public var dynamic: String = "false"
    /// Free-form metadata, absent until set.
    public var meta: JSONObject?
    /// Field mappings (without Kuzzle's own `_kuzzle_info` mapping).
    public var properties = JSONObject()

    /// Values `dynamic` may take.
    static let dynamicValues = ["true", "false", "strict"]

    /// The mapping of the `_kuzzle_info` metadata every collection has.
    static let metadataProperties: JSONValue = [
        "properties": [
            "author": ["type": "keyword"],
            "createdAt": ["type": "date"],
            "updater": ["type": "keyword"],
            "updatedAt": ["type": "date"],
        ],
    ]

    public init() {}

    /// Applies a mappings update: `dynamic` and `_meta` replace the current ones when given,
    /// `properties` merge into the current ones. Throws `services.storage.invalid_mapping` for
    /// an unknown root key or a bad `dynamic` value, leaving the mapping unchanged.
    public mutating func update(with mappings: JSONObject) throws(KuzzleError) {
        for key in mappings.keys where !["dynamic", "_meta", "properties"].contains(key) {
            throw .invalidMapping(path: key, detail: "")
        }
        var normalized = mappings
        try Self.normalizeDynamic(&normalized, path: [])
        var updated = self
        if let dynamic = normalized["dynamic"]?.stringValue { updated.dynamic = dynamic }
        if let meta = normalized["_meta"] {
            guard case .object(let object) = meta else { throw .invalidType("body._meta", expected: "object") }
            updated.meta = object
        }
        if let properties = normalized["properties"] {
            guard case .object(let object) = properties else {
                throw .invalidType("body.properties", expected: "object")
            }
            for (key, value) in object { updated.properties.merge(value, forKey: key) }
        }
        self = updated
    }

    /// The mapping as `collection:getMapping` answers it: `{_meta?, dynamic, properties}`.
    public func json(includeKuzzleMeta: Bool = false) -> JSONValue {
        var result = JSONObject()
        if let meta { result.append("_meta", .object(meta)) }
        result.append("dynamic", .string(dynamic))
        var properties = self.properties
        if includeKuzzleMeta { properties["_kuzzle_info"] = Self.metadataProperties }
        result.append("properties", .object(properties))
        return .object(result)
    }

    /// Turns boolean `dynamic` values into strings, at every depth, and rejects any other value.
    private static func normalizeDynamic(_ object: inout JSONObject, path: [String]) throws(KuzzleError) {
        for key in object.keys {
            let value = object[key]!
            if key == "dynamic" {
                let dotted = (path + ["dynamic"]).joined(separator: ".")
                let text: String
                switch value {
                case .bool(let flag): text = flag ? "true" : "false"
                case .string(let string): text = string
                default: throw .invalidMapping(path: dotted, detail: "Dynamic property value should be a string.")
                }
                guard dynamicValues.contains(text) else {
                    throw .invalidMapping(
                        path: dotted,
                        detail: "Incorrect dynamic property value (\(text)). Should be one of \"true\", \"false\", \"strict\"")
                }
                object[key] = .string(text)
            } else if case .object(var nested) = value {
                try normalizeDynamic(&nested, path: path + [key])
                object[key] = .object(nested)
            }
        }
    }
}

import HeraldWire

extension JSONObject {
    /// Applies one key of a partial update the way Elasticsearch merges a partial document:
    /// when both the stored and the incoming value are objects they merge key by key,
    /// recursively; anything else (arrays, scalars, `null`, a change of kind) replaces the
    /// stored value. Existing keys keep their place; new keys are appended.
    mutating func merge(_ incoming: JSONValue, forKey key: String) {
        guard case .object(let changes) = incoming,
              let position = position(of: key),
              case .object(var merged) = values[position]
        else {
            self[key] = incoming
            return
        }
        for (nestedKey, nestedValue) in changes {
            merged.merge(nestedValue, forKey: nestedKey)
        }
        self[key] = .object(merged)
    }
}

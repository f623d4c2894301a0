import HeraldWire

/// A hash index of one field of one collection: for each scalar value the field holds (arrays
/// contribute each element), the ids of the documents holding it.
///
/// Built on first use by a query and kept up to date by every later write to the collection.
final class FieldValueIndex {
    let path: String
    private var buckets: [JSONValue: Set<String>] = [:]

    init(path: String) { self.path = path }

    /// The ids of the documents holding `value` at this field.
    func ids(for value: JSONValue) -> Set<String>? { buckets[value] }

    /// How many documents hold `value` at this field.
    func count(for value: JSONValue) -> Int { buckets[value]?.count ?? 0 }

    func add(_ document: StoredDocument) {
        for value in FieldPathValues.leaves(of: document.source, at: path) {
            buckets[value, default: []].insert(document.id)
        }
    }

    func remove(_ document: StoredDocument) {
        for value in FieldPathValues.leaves(of: document.source, at: path) {
            guard var ids = buckets.removeValue(forKey: value) else { continue }
            ids.remove(document.id)
            if !ids.isEmpty { buckets[value] = ids }
        }
    }

    /// Replaces `previous` by `document` (same id), touching the buckets only when the field changed.
    func replace(_ previous: StoredDocument, with document: StoredDocument) {
        let before = FieldPathValues.leaves(of: previous.source, at: path)
        let after = FieldPathValues.leaves(of: document.source, at: path)
        guard before != after else { return }
        remove(previous)
        add(document)
    }

    func removeAll() { buckets = [:] }
}

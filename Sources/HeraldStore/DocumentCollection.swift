import HeraldWire

/// The documents of one collection: a hash lookup by id, iterated in insertion order.
///
/// Removal leaves a hole in the ordered slots; holes are compacted away once they make up
/// half the slots, so every operation stays amortized O(1). A rewrite keeps the document's slot.
/// Field indexes, created by the first query that needs one, are updated by every write.
final class DocumentCollection {
    private var slots: [StoredDocument?] = []
    private var positions: [String: Int] = [:]
    private var holes = 0
    private var fieldIndexes: [String: FieldValueIndex] = [:]
    /// The collection's mappings: stored and reported, not enforced.
    var mapping = CollectionMapping()
    /// The index settings given on creation and update: kept and reported, never applied.
    var settings = JSONObject()

    /// Number of documents.
    var count: Int { positions.count }

    /// The document with this id, or `nil`.
    subscript(id: String) -> StoredDocument? {
        guard let position = positions[id] else { return nil }
        return slots[position]
    }

    /// `true` when a document has this id.
    func contains(_ id: String) -> Bool {
        positions[id] != nil
    }

    /// Stores `document`, in place of the one with the same id if any.
    func put(_ document: StoredDocument) {
        if let position = positions[document.id] {
            if let previous = slots[position] {
                for index in fieldIndexes.values { index.replace(previous, with: document) }
            }
            slots[position] = document
        } else {
            positions[document.id] = slots.count
            slots.append(document)
            for index in fieldIndexes.values { index.add(document) }
        }
    }

    /// Removes and returns the document with this id, if present.
    func remove(_ id: String) -> StoredDocument? {
        guard let position = positions.removeValue(forKey: id) else { return nil }
        let removed = slots[position]
        if let removed {
            for index in fieldIndexes.values { index.remove(removed) }
        }
        slots[position] = nil
        holes += 1
        if holes > 16, holes * 2 > slots.count { compact() }
        return removed
    }

    /// Removes every document and returns them in insertion order.
    func removeAll() -> [StoredDocument] {
        let removed = slots.compactMap { $0 }
        slots = []
        positions = [:]
        holes = 0
        for index in fieldIndexes.values { index.removeAll() }
        return removed
    }

    /// The documents in insertion order, as a snapshot unaffected by later writes.
    var documents: some Sequence<StoredDocument> {
        slots.lazy.compactMap { $0 }
    }

    /// The insertion rank of a document: documents listed by rank come in insertion order.
    func rank(of id: String) -> Int? { positions[id] }

    /// The index of a field, built from the current documents on first use.
    func fieldIndex(_ path: String) -> FieldValueIndex {
        if let index = fieldIndexes[path] { return index }
        let index = FieldValueIndex(path: path)
        for case let document? in slots { index.add(document) }
        fieldIndexes[path] = index
        return index
    }

    private func compact() {
        slots.removeAll { $0 == nil }
        for (position, slot) in slots.enumerated() {
            if let document = slot { positions[document.id] = position }
        }
        holes = 0
    }
}

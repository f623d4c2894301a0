/// The documents of one collection: a hash lookup by id, iterated in insertion order.
///
/// Removal leaves a hole in the ordered slots; holes are compacted away once they make up
/// half the slots, so every operation stays amortized O(1). A rewrite keeps the document's slot.
final class DocumentCollection {
    private var slots: [StoredDocument?] = []
    private var positions: [String: Int] = [:]
    private var holes = 0

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
            slots[position] = document
        } else {
            positions[document.id] = slots.count
            slots.append(document)
        }
    }

    /// Removes and returns the document with this id, if present.
    func remove(_ id: String) -> StoredDocument? {
        guard let position = positions.removeValue(forKey: id) else { return nil }
        let removed = slots[position]
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
        return removed
    }

    /// The documents in insertion order, as a snapshot unaffected by later writes.
    var documents: some Sequence<StoredDocument> {
        slots.lazy.compactMap { $0 }
    }

    private func compact() {
        slots.removeAll { $0 == nil }
        for (position, slot) in slots.enumerated() {
            if let document = slot { positions[document.id] = position }
        }
        holes = 0
    }
}

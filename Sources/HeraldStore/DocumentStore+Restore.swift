public import HeraldWire

/// Writes that bypass Kuzzle's semantics, for the journal: loading documents as they were stored,
/// and putting back the state a failed durable write had changed.
extension DocumentStore {
    /// Stores `document` exactly as given (id, `_version`, `_source` with its `_kuzzle_info`),
    /// in place of the one with the same id if any; the collection must exist.
    public func restore(_ document: StoredDocument, index: String, collection: String) throws(KuzzleError) {
        try storage(index, collection).put(document)
    }

    /// Removes the document with this id if the collection holds one.
    public func discard(id: String, index: String, collection: String) {
        _ = try? storage(index, collection).remove(id)
    }
}

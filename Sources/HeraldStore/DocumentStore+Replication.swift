import HeraldWire

extension DocumentStore {
    /// Puts a document exactly as another node (or the shared store) wrote it: same id, source and
    /// `_version`, no metadata of its own. The index and collection are created when missing.
    /// Returns the document it replaced, if any.
    @discardableResult
    public func putReplicated(index: String, collection: String, document: StoredDocument) -> StoredDocument? {
        createCollection(index: index, collection: collection)
        guard let documents = try? storage(index, collection) else { return nil }
        let previous = documents[document.id]
        documents.put(document)
        return previous
    }

    /// Removes a document another node removed; returns it, `nil` when it was not here.
    @discardableResult
    public func removeReplicated(index: String, collection: String, id: String) -> StoredDocument? {
        guard let documents = try? storage(index, collection) else { return nil }
        return documents.remove(id)
    }

    /// The document, or `nil` when it (or its collection) does not exist.
    public func replicaDocument(index: String, collection: String, id: String) -> StoredDocument? {
        guard let documents = try? storage(index, collection) else { return nil }
        return documents[id]
    }
}

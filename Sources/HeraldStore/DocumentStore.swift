public import HeraldWire

/// Herald's in-memory document storage: indexes, their collections, and versioned documents,
/// with Kuzzle's write semantics and errors.
///
/// Not thread-safe by design: all server state lives on the event-loop thread, so writes to
/// one document are serialized and never conflict.
public final class DocumentStore {
    private var indexes: [String: [String: DocumentCollection]] = [:]
    private var idGenerator = DocumentIdGenerator()

    public init() {}

    // MARK: - Indexes

    /// Creates an empty index; `services.storage.index_already_exists` if it exists.
    public func createIndex(_ index: String) throws(KuzzleError) {
        guard indexes[index] == nil else { throw KuzzleError.indexAlreadyExists(index) }
        indexes[index] = [:]
    }

    /// Deletes an index and all its collections; `services.storage.unknown_index` if missing.
    public func deleteIndex(_ index: String) throws(KuzzleError) {
        guard indexes.removeValue(forKey: index) != nil else { throw KuzzleError.unknownIndex(index) }
    }

    /// Removes every index, collection and document (before reloading the journal).
    public func removeAll() {
        indexes = [:]
    }

    /// `true` when the index exists.
    public func indexExists(_ index: String) -> Bool {
        indexes[index] != nil
    }

    /// The index names, sorted.
    public func listIndexes() -> [String] {
        indexes.keys.sorted()
    }

    // MARK: - Collections

    /// Creates a collection, and its index when missing; an existing collection is left as is.
    public func createCollection(index: String, collection: String) {
        if indexes[index]?[collection] != nil { return }
        indexes[index, default: [:]][collection] = DocumentCollection()
    }

    /// `true` when the index exists and holds this collection.
    public func collectionExists(index: String, collection: String) -> Bool {
        indexes[index]?[collection] != nil
    }

    /// The collection names of an index, sorted; `services.storage.unknown_index` if missing.
    public func listCollections(index: String) throws(KuzzleError) -> [String] {
        guard let collections = indexes[index] else { throw KuzzleError.unknownIndex(index) }
        return collections.keys.sorted()
    }

    /// Removes every document of a collection and returns them, in insertion order.
    public func truncateCollection(index: String, collection: String) throws(KuzzleError) -> [StoredDocument] {
        try storage(index, collection).removeAll()
    }

    /// Deletes a collection and its documents.
    public func deleteCollection(index: String, collection: String) throws(KuzzleError) {
        try checkCollection(index: index, collection: collection)
        indexes[index]?[collection] = nil
    }

    /// Throws `services.storage.unknown_index`, then `services.storage.unknown_collection`,
    /// unless the collection exists.
    public func checkCollection(index: String, collection: String) throws(KuzzleError) {
        _ = try storage(index, collection)
    }

    /// Number of documents in a collection; 0 when it does not exist.
    public func documentCount(index: String, collection: String) -> Int {
        indexes[index]?[collection]?.count ?? 0
    }

    // MARK: - Reads

    /// The document with this id; `services.storage.not_found` if missing.
    public func get(index: String, collection: String, id: String) throws(KuzzleError) -> StoredDocument {
        guard let document = try storage(index, collection)[id] else {
            throw KuzzleError.documentNotFound(id, index: index, collection: collection)
        }
        return document
    }

    /// `true` when the collection holds a document with this id.
    public func exists(index: String, collection: String, id: String) throws(KuzzleError) -> Bool {
        try storage(index, collection).contains(id)
    }

    /// The documents of a collection in insertion order, as a snapshot unaffected by later writes.
    public func documents(index: String, collection: String) throws(KuzzleError) -> some Sequence<StoredDocument> {
        try storage(index, collection).documents
    }

    // MARK: - Writes

    /// Creates a document: `_version` 1, creation metadata. A `nil` id gets a generated
    /// 20-character id; an id already present is `services.storage.document_already_exists`.
    public func create(
        index: String, collection: String, id: String?, source: consuming JSONObject, context: WriteContext
    ) throws(KuzzleError) -> DocumentWrite {
        let documents = try storage(index, collection)
        let documentId: String
        if let id {
            guard !documents.contains(id) else { throw KuzzleError.documentAlreadyExists }
            documentId = id
        } else {
            documentId = freshId(in: documents)
        }
        source.seal(with: KuzzleInfo.created(context))
        let document = StoredDocument(id: documentId, source: source, version: 1)
        documents.put(document)
        return DocumentWrite(document: document, created: true, previous: nil, updatedFields: [])
    }

    /// Creates the document or replaces it whole (`_version` + 1). Either way the metadata
    /// names this write in all four fields, as Kuzzle does.
    public func createOrReplace(
        index: String, collection: String, id: String, source: consuming JSONObject, context: WriteContext
    ) throws(KuzzleError) -> DocumentWrite {
        let documents = try storage(index, collection)
        return rewrite(documents[id], id: id, source: source, context: context, in: documents)
    }

    /// Replaces an existing document whole (`_version` + 1, metadata reset to this write);
    /// `services.storage.not_found` if missing.
    public func replace(
        index: String, collection: String, id: String, source: consuming JSONObject, context: WriteContext
    ) throws(KuzzleError) -> DocumentWrite {
        let documents = try storage(index, collection)
        guard let previous = documents[id] else {
            throw KuzzleError.documentNotFound(id, index: index, collection: collection)
        }
        return rewrite(previous, id: id, source: source, context: context, in: documents)
    }

    /// Deep-merges `changes` into an existing document (`_version` + 1, `updatedAt`/`updater`
    /// set); `services.storage.not_found` if missing.
    public func update(
        index: String, collection: String, id: String, changes: JSONObject, context: WriteContext
    ) throws(KuzzleError) -> DocumentWrite {
        let documents = try storage(index, collection)
        guard let previous = documents[id] else {
            throw KuzzleError.documentNotFound(id, index: index, collection: collection)
        }
        return merge(changes, into: previous, context: context, in: documents)
    }

    /// Updates the document as ``update(index:collection:id:changes:context:)`` does, or, when it
    /// is missing, creates it from `defaults` overlaid with `changes` (Kuzzle's top-level spread:
    /// a key of `changes` replaces the same key of `defaults` whole), `_version` 1 and full
    /// creation metadata.
    public func upsert(
        index: String, collection: String, id: String, changes: JSONObject, defaults: consuming JSONObject?,
        context: WriteContext
    ) throws(KuzzleError) -> DocumentWrite {
        let documents = try storage(index, collection)
        if let previous = documents[id] {
            return merge(changes, into: previous, context: context, in: documents)
        }
        var source = defaults ?? JSONObject()
        for (key, value) in changes where key != KuzzleInfo.key {
            source[key] = value
        }
        source.seal(with: KuzzleInfo.created(context))
        let document = StoredDocument(id: id, source: source, version: 1)
        documents.put(document)
        return DocumentWrite(document: document, created: true, previous: nil, updatedFields: [])
    }

    /// Creates or replaces a document exactly as given, without `_kuzzle_info` metadata
    /// (`bulk:write`); a `nil` id gets a generated one.
    public func writeWithoutMetadata(
        index: String, collection: String, id: String?, source: JSONObject
    ) throws(KuzzleError) -> DocumentWrite {
        let documents = try storage(index, collection)
        let documentId = id ?? freshId(in: documents)
        let previous = documents[documentId]
        let document = StoredDocument(id: documentId, source: source, version: (previous?.version ?? 0) + 1)
        documents.put(document)
        return DocumentWrite(document: document, created: previous == nil, previous: previous, updatedFields: [])
    }

    /// Deep-merges `changes` into an existing document without touching its metadata
    /// (`bulk:updateByQuery`); `services.storage.not_found` if missing.
    public func updateWithoutMetadata(
        index: String, collection: String, id: String, changes: JSONObject
    ) throws(KuzzleError) -> DocumentWrite {
        let documents = try storage(index, collection)
        guard let previous = documents[id] else {
            throw KuzzleError.documentNotFound(id, index: index, collection: collection)
        }
        var source = previous.source
        for (key, value) in changes { source.merge(value, forKey: key) }
        let document = StoredDocument(id: id, source: source, version: previous.version + 1)
        documents.put(document)
        return DocumentWrite(
            document: document, created: false, previous: previous, updatedFields: UpdatedFields.paths(of: changes))
    }

    /// Removes a document; `services.storage.not_found` if missing. The result's `document` and
    /// `previous` are both the removed document.
    public func delete(index: String, collection: String, id: String) throws(KuzzleError) -> DocumentWrite {
        guard let removed = try storage(index, collection).remove(id) else {
            throw KuzzleError.documentNotFound(id, index: index, collection: collection)
        }
        return DocumentWrite(document: removed, created: false, previous: removed, updatedFields: [])
    }

    // MARK: - Helpers

    /// The collection's storage, checking the index first, then the collection.
    func storage(_ index: String, _ collection: String) throws(KuzzleError) -> DocumentCollection {
        guard let collections = indexes[index] else { throw KuzzleError.unknownIndex(index) }
        guard let documents = collections[collection] else {
            throw KuzzleError.unknownCollection(index, collection)
        }
        return documents
    }

    private func freshId(in documents: DocumentCollection) -> String {
        while true {
            let id = idGenerator.next()
            if !documents.contains(id) { return id }
        }
    }

    private func rewrite(
        _ previous: StoredDocument?, id: String, source: consuming JSONObject, context: WriteContext,
        in documents: DocumentCollection
    ) -> DocumentWrite {
        source.seal(with: KuzzleInfo.rewritten(context))
        let document = StoredDocument(id: id, source: source, version: (previous?.version ?? 0) + 1)
        documents.put(document)
        return DocumentWrite(document: document, created: previous == nil, previous: previous, updatedFields: [])
    }

    private func merge(
        _ changes: JSONObject, into previous: StoredDocument, context: WriteContext, in documents: DocumentCollection
    ) -> DocumentWrite {
        var source = previous.source
        for (key, value) in changes where key != KuzzleInfo.key {
            source.merge(value, forKey: key)
        }
        source.seal(with: KuzzleInfo.updated(previous.source[KuzzleInfo.key], context))
        let document = StoredDocument(id: previous.id, source: source, version: previous.version + 1)
        documents.put(document)
        return DocumentWrite(
            document: document, created: false, previous: previous, updatedFields: UpdatedFields.paths(of: changes))
    }
}

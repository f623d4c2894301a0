import HeraldStore
import HeraldWire
import Koncorde

/// The validation specifications of every collection.
///
/// Each one is stored as Kuzzle stores it: a document `{collection, index, validation}` with id
/// `index#collection` in collection `validations` of the internal index, so that whatever persists
/// or replicates documents (the journal, the cluster) carries it and a rollback puts it back. The
/// registry keeps their curated form in memory (what writes are checked against, one dictionary
/// lookup per write) and rebuilds it from those documents with ``load()``.
///
/// Single-threaded: used on the event-loop thread only, like the gateway that owns it.
final class SpecificationRegistry {
    /// One collection's specification.
    struct Entry {
        let index: String
        let collection: String
        let raw: JSONObject
        let curated: CollectionSpecification
    }

    private struct Key: Hashable {
        let index: String
        let collection: String
    }

    /// The collection of the internal index that holds the specification documents.
    static let collection = "validations"

    private var entries: [Key: Entry] = [:]
    private let documents: DocumentStore
    /// Normalizes `validators` filters (never stores them).
    let koncorde: Koncorde

    init(koncorde: Koncorde, documents: DocumentStore) {
        self.koncorde = koncorde
        self.documents = documents
    }

    /// Curates `raw`; on failure, the message of every problem found.
    func curate(_ raw: JSONObject, index: String, collection: String) -> Result<CollectionSpecification, SpecificationProblems> {
        CollectionSpecification.curate(raw, index: index, collection: collection, koncorde: koncorde)
    }

    /// Stores a curated specification as its document, replacing the collection's previous one, and
    /// appends the effects that persist it: the `validations` collection (so that a journal or a
    /// Redis that never held it has it before the document), then the document, silent.
    func store(_ raw: JSONObject, curated: CollectionSpecification, index: String, collection: String,
               context: WriteContext, effects: inout [Effect]) throws(KuzzleError)
    {
        let internalIndex = SecurityStore.internalIndex
        documents.createCollection(index: internalIndex, collection: Self.collection)
        let write = try documents.createOrReplace(
            index: internalIndex, collection: Self.collection, id: Self.id(index: index, collection: collection),
            source: Self.source(raw, index: index, collection: collection), context: context)
        effects.append(.collectionChanged(index: internalIndex, collection: Self.collection,
                                          mapping: try documents.mapping(index: internalIndex, collection: Self.collection)))
        effects.append(.document(DocumentChange(index: internalIndex, collection: Self.collection, write: write,
                                                verb: write.created ? .create : .replace, silent: true)))
        entries[Key(index: index, collection: collection)] = Entry(index: index, collection: collection, raw: raw,
                                                                   curated: curated)
    }

    /// Removes a collection's specification and its document, appending the deletion's effect
    /// (none when it had no specification).
    func remove(index: String, collection: String, effects: inout [Effect]) {
        guard entries.removeValue(forKey: Key(index: index, collection: collection)) != nil,
              let write = try? documents.delete(index: SecurityStore.internalIndex, collection: Self.collection,
                                                id: Self.id(index: index, collection: collection))
        else { return }
        effects.append(.document(DocumentChange(index: SecurityStore.internalIndex, collection: Self.collection,
                                                write: write, verb: .delete, silent: true)))
    }

    /// Rebuilds the curated specifications from the stored documents (after a restart, a rollback,
    /// another node's change). A document that does not curate is left out, as Kuzzle leaves out a
    /// stored specification it cannot curate; its id is returned so that the caller can report it.
    @discardableResult
    func load() -> [String] {
        entries.removeAll()
        guard let stored = try? documents.documents(index: SecurityStore.internalIndex, collection: Self.collection)
        else { return [] }
        var skipped: [String] = []
        for document in stored {
            guard case .string(let index)? = document.source["index"],
                  case .string(let collection)? = document.source["collection"],
                  case .object(let raw)? = document.source["validation"],
                  case .success(let curated) = curate(raw, index: index, collection: collection)
            else {
                skipped.append(document.id)
                continue
            }
            entries[Key(index: index, collection: collection)] = Entry(index: index, collection: collection, raw: raw,
                                                                       curated: curated)
        }
        return skipped
    }

    func entry(index: String, collection: String) -> Entry? {
        entries.isEmpty ? nil : entries[Key(index: index, collection: collection)]
    }

    /// Every specification, sorted by index then collection.
    var all: [Entry] {
        entries.values.sorted { ($0.index, $0.collection) < ($1.index, $1.collection) }
    }

    /// The validator of a collection, `nil` when it has no specification (writes go unchecked).
    func validator(index: String, collection: String, now: Int) -> DocumentValidator? {
        entry(index: index, collection: collection).map { DocumentValidator(specification: $0.curated, now: now) }
    }

    /// The form `searchSpecifications` answers, as Kuzzle keeps it in its internal index:
    /// `{collection, index, validation}`, id `index#collection`.
    static func document(_ entry: Entry) -> StoredDocument {
        StoredDocument(id: id(index: entry.index, collection: entry.collection),
                       source: source(entry.raw, index: entry.index, collection: entry.collection), version: 1)
    }

    private static func id(index: String, collection: String) -> String { "\(index)#\(collection)" }

    private static func source(_ raw: JSONObject, index: String, collection: String) -> JSONObject {
        var source = JSONObject()
        source.append("collection", .string(collection))
        source.append("index", .string(index))
        source.append("validation", .object(raw))
        return source
    }
}

/// Applies a collection's specification to the writes of one request: checks each document and
/// fills the specification's default values in.
///
/// A value used within one request, on the event loop.
struct WriteValidation {
    let specifications: SpecificationRegistry
    let store: DocumentStore

    /// Checks a whole document (create, replace, createOrReplace); answers it with defaults applied.
    func whole(_ body: JSONObject, index: String, collection: String, id: String?, now: Int)
        throws(KuzzleError) -> JSONObject
    {
        guard let validator = specifications.validator(index: index, collection: collection, now: now) else {
            return body
        }
        var checked = body
        checked["_kuzzle_info"] = nil
        try validator.check(checked, id: id)
        return validator.applyingDefaults(to: body, isUpdate: false)
    }

    /// Checks a partial update as the document it produces (the changes over the stored document);
    /// answers the changes with defaults applied (to fields they set to `null`). A document that
    /// does not exist is left to the store, which refuses it.
    func changes(_ changes: JSONObject, index: String, collection: String, id: String, now: Int)
        throws(KuzzleError) -> JSONObject
    {
        guard let validator = specifications.validator(index: index, collection: collection, now: now),
              let stored = try? store.get(index: index, collection: collection, id: id)
        else { return changes }
        var merged = Self.filled(changes, from: stored.source)
        merged["_kuzzle_info"] = nil
        try validator.check(merged, id: id)
        return validator.applyingDefaults(to: changes, isUpdate: true)
    }

    /// Checks an upsert: as an update when the document exists, else as the document it creates
    /// (`changes` over `defaults`). Answers the changes to apply.
    func upsert(_ changes: JSONObject, defaults: JSONObject?, index: String, collection: String, id: String,
                now: Int) throws(KuzzleError) -> JSONObject
    {
        guard specifications.entry(index: index, collection: collection) != nil else { return changes }
        if (try? store.exists(index: index, collection: collection, id: id)) == true {
            return try self.changes(changes, index: index, collection: collection, id: id, now: now)
        }
        let created = Self.filled(changes, from: defaults ?? JSONObject())
        return try whole(created, index: index, collection: collection, id: id, now: now)
    }

    /// `body` with what it leaves out taken from `stored`, objects filled in recursively.
    static func filled(_ body: JSONObject, from stored: JSONObject) -> JSONObject {
        var result = body
        for (key, value) in stored {
            switch (body[key], value) {
            case (nil, _): result.append(key, value)
            case (.object(let given)?, .object(let kept)): result[key] = .object(filled(given, from: kept))
            default: break
            }
        }
        return result
    }
}

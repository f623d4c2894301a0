import HeraldStore
import HeraldWire
import Koncorde

/// The validation specifications of every collection: as given (what `getSpecifications` answers
/// and the journal keeps) and curated (what writes are checked against).
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

    private var entries: [Key: Entry] = [:]
    /// Normalizes `validators` filters (never stores them).
    let koncorde: Koncorde

    init(koncorde: Koncorde) {
        self.koncorde = koncorde
    }

    /// Curates `raw`; on failure, the message of every problem found.
    func curate(_ raw: JSONObject, index: String, collection: String) -> Result<CollectionSpecification, SpecificationProblems> {
        CollectionSpecification.curate(raw, index: index, collection: collection, koncorde: koncorde)
    }

    /// Stores a curated specification, replacing the collection's previous one.
    func set(_ raw: JSONObject, curated: CollectionSpecification, index: String, collection: String) {
        entries[Key(index: index, collection: collection)] = Entry(index: index, collection: collection, raw: raw,
                                                                   curated: curated)
    }

    /// Removes a collection's specification; `false` when it had none.
    @discardableResult
    func remove(index: String, collection: String) -> Bool {
        entries.removeValue(forKey: Key(index: index, collection: collection)) != nil
    }

    /// Removes every specification.
    func removeAll() { entries.removeAll() }

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

    /// The stored form Kuzzle keeps in its internal index: `{collection, index, validation}`, id
    /// `index#collection`.
    static func document(_ entry: Entry) -> StoredDocument {
        var source = JSONObject()
        source.append("collection", .string(entry.collection))
        source.append("index", .string(entry.index))
        source.append("validation", .object(entry.raw))
        return StoredDocument(id: "\(entry.index)#\(entry.collection)", source: source, version: 1)
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

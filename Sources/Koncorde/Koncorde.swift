public import HeraldWire

/// Koncorde 4's filter engine: validates filters, normalizes them into rooms with stable ids,
/// and tells which rooms match a document.
///
/// Single-threaded: use one instance from one thread (or actor) only.
public final class Koncorde {
    private struct CollectionKey: Hashable {
        let index: String
        let collection: String
    }

    private let maxConditions: Int
    private let maxConjunctions: Int
    private let standardizer: Standardizer
    private var collections: [CollectionKey: CollectionIndex] = [:]
    private var roomCollections: [String: CollectionKey] = [:]

    /// - Parameters:
    ///   - maxConditions: most conditions a filter may hold once `in`/`ids` are split into single
    ///     values (0: no limit).
    ///   - maxConjunctions: most conjunctions a filter may expand to once in disjunctive normal form.
    public init(maxConditions: Int = 100, maxConjunctions: Int = 10_000) {
        self.maxConditions = maxConditions
        self.maxConjunctions = maxConjunctions
        standardizer = Standardizer(maxConjunctions: maxConjunctions)
    }

    /// Validates and normalizes a filter for one index/collection; does not register it.
    public func normalize(index: String, collection: String, filter: JSONValue) throws(KoncordeError)
        -> NormalizedFilter
    {
        let node = try standardizer.standardize(filter)
        let count = node.conditionCount
        if maxConditions > 0 && count > maxConditions {
            throw KoncordeError(
                message: "Filter too complex: exceeds the configured maximum number of conditions "
                    + "(conditions: \(count), max: \(maxConditions))")
        }
        let form = try DisjunctiveNormalForm(node, maxConjunctions: maxConjunctions)
        let isEmptyFilter = if case .everything = node { true } else { false }
        return NormalizedFilter(index: index, collection: collection, form: form, isEmptyFilter: isEmptyFilter)
    }

    /// Registers a normalized filter (idempotent for the same id) and returns its room id.
    @discardableResult
    public func store(_ filter: NormalizedFilter) -> String {
        let key = CollectionKey(index: filter.index, collection: filter.collection)
        let collectionIndex: CollectionIndex
        if let existing = collections[key] {
            collectionIndex = existing
        } else {
            collectionIndex = CollectionIndex()
            collections[key] = collectionIndex
        }
        collectionIndex.store(filter)
        roomCollections[filter.id] = key
        return filter.id
    }

    /// Unregisters a room id (no-op if unknown).
    public func remove(_ roomId: String) {
        guard let key = roomCollections.removeValue(forKey: roomId), let collectionIndex = collections[key] else {
            return
        }
        collectionIndex.remove(roomId)
        if collectionIndex.roomCount == 0 { collections[key] = nil }
    }

    /// Room ids of the stored filters of index/collection matching the document (its `_source` plus `_id`).
    public func test(index: String, collection: String, document: JSONObject, id: String) -> [String] {
        guard let collectionIndex = collections[CollectionKey(index: index, collection: collection)] else {
            return []
        }
        return collectionIndex.match(source: document, id: id)
    }

    /// `true` when a filter with this room id is stored.
    public func hasRoom(_ roomId: String) -> Bool {
        roomCollections[roomId] != nil
    }
}

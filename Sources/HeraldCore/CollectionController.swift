import HeraldStore
import HeraldWire

/// `collection`: create (with mappings), test, list, truncate, refresh and delete collections, read
/// or update their mappings (stored and reported, not enforced) and settings (kept and reported,
/// not applied: Herald has no Elasticsearch index behind a collection), and manage their validation
/// specifications (``SpecificationActions``, enforced on every write).
final class CollectionController: Controller {
    let name = "collection"

    private let store: DocumentStore
    private let registry: RoomRegistry
    private let specificationActions: SpecificationActions

    init(store: DocumentStore, registry: RoomRegistry, specifications: SpecificationRegistry, limits: StorageLimits,
         cursors: ScrollCursors) {
        self.store = store
        self.registry = registry
        specificationActions = SpecificationActions(specifications: specifications, limits: limits, cursors: cursors)
    }

    func actions() -> [String: Action] {
        let own: [String: Action] = [
            "create": { request, effects throws(KuzzleError) in try self.create(request, &effects) },
            "exists": { request, _ throws(KuzzleError) in
                let target = try CollectionTarget(request)
                return .value(.bool(self.store.collectionExists(index: target.index, collection: target.collection)))
            },
            "list": { request, _ throws(KuzzleError) in try self.list(request) },
            "truncate": { request, effects throws(KuzzleError) in
                let target = try CollectionTarget(request)
                _ = try self.store.truncateCollection(index: target.index, collection: target.collection)
                effects.append(.collectionTruncated(index: target.index, collection: target.collection))
                return .value(["acknowledged": true])
            },
            "delete": { request, effects throws(KuzzleError) in
                let target = try CollectionTarget(request)
                try self.store.deleteCollection(index: target.index, collection: target.collection)
                effects.append(.collectionDeleted(index: target.index, collection: target.collection))
                return .value(["acknowledged": true])
            },
            "getMapping": { request, _ throws(KuzzleError) in try self.getMapping(request) },
            "getSettings": { request, _ throws(KuzzleError) in
                let target = try CollectionTarget(request)
                return .value(.object(try self.store.settings(index: target.index, collection: target.collection)))
            },
            "updateMapping": { request, effects throws(KuzzleError) in try self.updateMapping(request, &effects) },
            "update": { request, effects throws(KuzzleError) in try self.update(request, &effects) },
            "refresh": { request, _ throws(KuzzleError) in
                let target = try CollectionTarget(request)
                try self.store.checkCollection(index: target.index, collection: target.collection)
                return .value(.null)
            },
        ]
        return own.merging(specificationActions.actions()) { first, _ in first }
    }

    /// `collection:update`: the body's `mappings` update the collection's mapping (as
    /// `updateMapping`); its `settings` merge into the ones `getSettings` reports. Answers `null`.
    private func update(_ request: KuzzleRequest, _ effects: inout [Effect]) throws(KuzzleError) -> ActionResult {
        let body = try request.optionalBody()
        let target = try CollectionTarget(request)
        let settings = try body.optionalObject("settings")
        let mappings = try body.optionalObject("mappings") ?? JSONObject()
        let mapping = try store.updateMapping(index: target.index, collection: target.collection, mappings: mappings)
        if let settings { try store.updateSettings(index: target.index, collection: target.collection, settings: settings) }
        effects.append(.collectionChanged(index: target.index, collection: target.collection, mapping: mapping))
        return .value(.null)
    }

    /// The body is `{mappings, settings}`, or (Kuzzle's deprecated form) the mappings themselves
    /// when it holds `properties`, `dynamic` or `_meta`. Settings are kept for `getSettings`
    /// (in memory: they are neither journaled nor replicated) and applied to nothing.
    private func create(_ request: KuzzleRequest, _ effects: inout [Effect]) throws(KuzzleError) -> ActionResult {
        let body = try request.optionalBody()
        let index = try request.index()
        let collection = try request.collection()
        var mappings = JSONObject()
        var settings: JSONObject?
        if body["properties"] != nil || body["dynamic"] != nil || body["_meta"] != nil {
            mappings = body
        } else {
            if let given = try body.optionalObject("mappings") { mappings = given }
            settings = try body.optionalObject("settings")
        }
        try store.createCollection(index: index, collection: collection, mappings: mappings)
        if let settings { try store.updateSettings(index: index, collection: collection, settings: settings) }
        effects.append(.collectionChanged(index: index, collection: collection,
                                          mapping: try store.mapping(index: index, collection: collection)))
        return .value(["acknowledged": true])
    }

    private func getMapping(_ request: KuzzleRequest) throws(KuzzleError) -> ActionResult {
        let index = try request.index()
        let collection = try request.collection()
        let includeKuzzleMeta = try request.bool("includeKuzzleMeta")
        return .value(try store.mapping(index: index, collection: collection).json(includeKuzzleMeta: includeKuzzleMeta))
    }

    /// Answers the whole mapping after the update, `_kuzzle_info` included, as Kuzzle does.
    private func updateMapping(_ request: KuzzleRequest, _ effects: inout [Effect]) throws(KuzzleError) -> ActionResult {
        let index = try request.index()
        let collection = try request.collection()
        let mappings = try request.body()
        let mapping = try store.updateMapping(index: index, collection: collection, mappings: mappings)
        effects.append(.collectionChanged(index: index, collection: collection, mapping: mapping))
        return .value(mapping.json(includeKuzzleMeta: true))
    }

    /// Realtime collections (those with subscriptions) and stored ones, sorted by name; a
    /// collection that is both is listed twice. `from` and `size` paginate.
    private func list(_ request: KuzzleRequest) throws(KuzzleError) -> ActionResult {
        let index = try request.index()
        let from = try request.integer("from", default: 0)
        let size = try request.integer("size", default: 0)
        let type = try request.optionalString("type") ?? "all"
        guard ["all", "stored", "realtime"].contains(type) else {
            throw .invalidArgument("type", expected: "\"all\", \"stored\", \"realtime\"")
        }
        var entries: [(name: String, type: String)] = []
        if type != "stored" {
            let realtime = Set(registry.rooms.values.lazy.filter { $0.index == index }.map(\.collection))
            entries += realtime.map { ($0, "realtime") }
        }
        if type != "realtime" {
            entries += try store.listCollections(index: index).map { ($0, "stored") }
        }
        entries = entries.enumerated().sorted { lhs, rhs in
            lhs.element.name == rhs.element.name ? lhs.offset < rhs.offset : lhs.element.name < rhs.element.name
        }.map(\.element)
        var result = JSONObject()
        if from > 0 || size > 0 {
            let start = min(max(from, 0), entries.count)
            let end = size > 0 ? min(start + size, entries.count) : entries.count
            entries = Array(entries[start..<end])
        }
        result.append("collections", .array(entries.map { ["name": .string($0.name), "type": .string($0.type)] }))
        result.append("type", .string(type))
        if from > 0 || size > 0 {
            result.append("from", .int(from))
            if size > 0 { result.append("size", .int(size)) }
        }
        return .value(.object(result))
    }
}

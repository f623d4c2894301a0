import HeraldStore
import HeraldWire

/// `admin`: test and maintenance set-up of the stored data.
///
/// `loadMappings` creates (or updates the mappings of) the collections a `{index: {collection:
/// mappings}}` body names; `loadFixtures` imports `{index: {collection: [bulk lines]}}` into
/// existing collections, without notifications; `resetDatabase` deletes every public index (the
/// security index and the validation specifications, internal in Kuzzle, stay). `shutdown`, `dump`,
/// `resetCache`, `resetSecurity`, `loadSecurities` and `refreshIndexCache` are not offered.
final class AdminController: Controller {
    let name = "admin"

    private let store: DocumentStore
    private let bulk: BulkController

    init(store: DocumentStore, bulk: BulkController) {
        self.store = store
        self.bulk = bulk
    }

    func actions() -> [String: Action] {
        [
            "loadMappings": { request, effects throws(KuzzleError) in try self.loadMappings(request, &effects) },
            "loadFixtures": { request, effects throws(KuzzleError) in try self.loadFixtures(request, &effects) },
            "resetDatabase": { _, effects throws(KuzzleError) in
                for index in self.store.listIndexes().sorted() where index != SecurityStore.internalIndex {
                    try self.store.deleteIndex(index)
                    effects.append(.indexDeleted(index: index))
                }
                return .value(["acknowledged": true])
            },
        ]
    }

    private func loadMappings(_ request: KuzzleRequest, _ effects: inout [Effect]) throws(KuzzleError) -> ActionResult {
        let body = try request.body()
        try request.validateRefresh()
        for (index, collections) in body {
            guard case .object(let byCollection) = collections else {
                throw .invalidType("body.\(index)", expected: "object")
            }
            if !store.indexExists(index) {
                try store.createIndex(index)
                effects.append(.indexCreated(index: index))
            }
            for (collection, mappings) in byCollection {
                guard case .object(let given) = mappings else {
                    throw .invalidType("body.\(index).\(collection)", expected: "object")
                }
                try store.createCollection(index: index, collection: collection, mappings: given)
                effects.append(.collectionChanged(index: index, collection: collection,
                                                  mapping: try store.mapping(index: index, collection: collection)))
            }
        }
        return .value(["acknowledged": true])
    }

    private func loadFixtures(_ request: KuzzleRequest, _ effects: inout [Effect]) throws(KuzzleError) -> ActionResult {
        let body = try request.body()
        try request.validateRefresh()
        let context = DocumentController.context(request)
        var failed = false
        for (index, collections) in body {
            guard case .object(let byCollection) = collections else {
                throw .invalidType("body.\(index)", expected: "object")
            }
            for (collection, lines) in byCollection {
                guard case .array(let bulkLines) = lines else {
                    throw .invalidType("body.\(index).\(collection)", expected: "array")
                }
                let outcome = try bulk.importLines(bulkLines, into: CollectionTarget(index: index, collection: collection),
                                                   context: context, &effects)
                failed = failed || !outcome.errors.isEmpty
            }
        }
        if failed { throw .importFailed }
        return .value(["acknowledged": true])
    }
}

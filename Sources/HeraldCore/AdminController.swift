import HeraldStore
import HeraldWire

/// `admin`: test and maintenance set-up of the stored data and of security, caches, and the
/// node's shutdown.
///
/// `loadMappings` creates (or updates the mappings of) the collections a `{index: {collection:
/// mappings}}` body names; `loadFixtures` imports `{index: {collection: [bulk lines]}}` into
/// existing collections, without notifications; `resetDatabase` deletes every public index (the
/// security index and the validation specifications, internal in Kuzzle, stay); `resetSecurity`
/// and `loadSecurities` rewrite users, profiles and roles (``SecurityLoader``); `resetCache` and
/// `refreshIndexCache` act on Herald's caches; `shutdown` stops the node as SIGTERM does, once
/// its answer is out. `dump` (Kuzzle's diagnostic dump of its configuration, Elasticsearch and
/// Node.js process) is not offered.
final class AdminController: Controller {
    let name = "admin"

    private let store: DocumentStore
    private let bulk: BulkController
    private let security: SecurityGate
    private let loader: SecurityLoader
    /// Asks for the node's graceful shutdown after this request's answer; `false` when one is
    /// already under way.
    private let requestShutdown: (KuzzleRequest) -> Bool

    /// - Parameter securityActions: the `security` controller's actions, which `loadSecurities`
    ///   runs for each role, profile and user.
    init(store: DocumentStore, bulk: BulkController, security: SecurityGate, securityActions: [String: Action],
         requestShutdown: @escaping (KuzzleRequest) -> Bool) {
        self.store = store
        self.bulk = bulk
        self.security = security
        loader = SecurityLoader(model: security.store.model, actions: securityActions)
        self.requestShutdown = requestShutdown
    }

    func actions() -> [String: Action] {
        [
            "loadMappings": { request, effects throws(KuzzleError) in try self.loadMappings(request, &effects) },
            "loadFixtures": { request, effects throws(KuzzleError) in try self.loadFixtures(request, &effects) },
            "loadSecurities": { request, effects throws(KuzzleError) in try self.loader.load(request, &effects) },
            "resetDatabase": { _, effects throws(KuzzleError) in
                for index in self.store.listIndexes().sorted() where index != SecurityStore.internalIndex {
                    try self.store.deleteIndex(index)
                    effects.append(.indexDeleted(index: index))
                }
                return .value(["acknowledge": true])
            },
            "resetSecurity": { request, effects in self.resetSecurity(request, &effects) },
            "resetCache": { request, _ throws(KuzzleError) in try self.resetCache(request) },
            // Kuzzle refreshes its cache of the index and collection names stored in
            // Elasticsearch, which other nodes or tools may change behind its back. Herald's
            // store is that list: there is nothing to reload, and the answer is Kuzzle's (none).
            "refreshIndexCache": { _, _ in .none },
            "shutdown": { request, _ throws(KuzzleError) in
                guard self.requestShutdown(request) else { throw .actionLocked("Kuzzle is already shutting down.") }
                return .value(["acknowledge": true])
            },
        ]
    }

    /// Deletes every user, profile and role and restores the built-ins; the deleted users'
    /// tokens stop working at once. Answers the counts, as Kuzzle does.
    private func resetSecurity(_ request: KuzzleRequest, _ effects: inout [Effect]) -> ActionResult {
        let deleted = security.store.reset()
        for user in deleted.users { security.revokeTokens(of: user, nowMilliseconds: request.timestamp) }
        effects.append(contentsOf: security.store.takeEffects())
        return .value([
            "deletedUsers": .int(deleted.users.count), "deletedProfiles": .int(deleted.profiles),
            "deletedRoles": .int(deleted.roles),
        ])
    }

    /// Kuzzle flushes one of its two Redis databases. Herald has no Redis: its `internalCache`
    /// is the gateway's cache of verified tokens, which is emptied (each token is then verified
    /// again on its next use, nothing else changes); `memoryStorage` is the data of Kuzzle's `ms`
    /// controller, which Herald does not offer, so there is nothing stored to flush.
    private func resetCache(_ request: KuzzleRequest) throws(KuzzleError) -> ActionResult {
        let database = try request.string("database")
        switch database {
        case "internalCache": security.flushTokenCache()
        case "memoryStorage": break
        default: throw .cacheDatabaseNotFound(database)
        }
        return .value(["acknowledge": true])
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
        return .value(["acknowledge": true])
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
        return .value(["acknowledge": true])
    }
}

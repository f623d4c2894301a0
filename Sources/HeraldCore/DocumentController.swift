import HeraldStore
import HeraldWire
import Koncorde

/// `document`: reads and writes of single documents, of several documents at once
/// (``BulkDocumentActions``) and of the documents a query selects (``QueryDocumentActions``).
/// Each write notifies the matching subscribers unless the request says `silent: true`.
///
/// Argument checks follow Kuzzle's order: `_id`, body and its members, options (`silent`,
/// `refresh`, `retryOnConflict`, `source`), `index`, `collection`; storage checks come last.
final class DocumentController: Controller {
    let name = "document"
    let actions: Set<String>

    private let store: DocumentStore
    private let notifier: Notifier
    private let bulk: BulkDocumentActions
    private let queries: QueryDocumentActions

    private static let singleActions: Set<String> = [
        "create", "createOrReplace", "delete", "exists", "get", "replace", "update", "upsert",
    ]

    init(store: DocumentStore, notifier: Notifier, koncorde: Koncorde, limits: StorageLimits) {
        self.store = store
        self.notifier = notifier
        bulk = BulkDocumentActions(store: store, notifier: notifier, limits: limits)
        queries = QueryDocumentActions(store: store, notifier: notifier, koncorde: koncorde, limits: limits)
        actions = Self.singleActions.union(BulkDocumentActions.actions).union(QueryDocumentActions.actions)
    }

    func handle(_ request: KuzzleRequest) throws(KuzzleError) -> ActionResult {
        if BulkDocumentActions.actions.contains(request.action) { return try bulk.handle(request) }
        if QueryDocumentActions.actions.contains(request.action) { return try queries.handle(request) }
        switch request.action {
        case "upsert": return try upsert(request)
        case "create": return try create(request)
        case "createOrReplace": return try createOrReplace(request)
        case "replace": return try replace(request)
        case "update": return try update(request)
        case "get": return try get(request)
        case "exists": return try exists(request)
        default: return try delete(request)
        }
    }

    /// The author and time of a request's writes.
    static func context(_ request: KuzzleRequest) -> WriteContext {
        WriteContext(user: request.userID, timestamp: request.timestamp)
    }

    // MARK: - Actions

    private func upsert(_ request: KuzzleRequest) throws(KuzzleError) -> ActionResult {
        let id = try request.string("_id")
        let body = try request.body()
        let changes = try body.requiredObject("changes")
        let defaults = try Self.defaults(of: request, body: body)
        let silent = try request.bool("silent")
        try request.validateRefresh()
        let source = try request.bool("source")
        try request.validateRetryOnConflict()
        let index = try request.index()
        let collection = try request.collection()
        let write = try store.upsert(index: index, collection: collection, id: id, changes: changes,
                                     defaults: defaults, context: Self.context(request))
        if !silent {
            notifier.documentWritten(request, index: index, collection: collection, document: write.document,
                                     action: write.created ? .create : .update,
                                     updatedFields: write.created ? nil : write.updatedFields)
        }
        var result = JSONObject()
        result.append("_id", .string(write.document.id))
        result.append("_version", .int(write.document.version))
        result.append("created", .bool(write.created))
        if source { result.append("_source", .object(write.document.source)) }
        return .value(.object(result))
    }

    /// The arguments of the actions that write a whole document, read in Kuzzle's order.
    private struct WholeDocumentArguments {
        let id: String?
        let body: JSONObject
        let silent: Bool
        let index: String
        let collection: String

        init(_ request: KuzzleRequest, idRequired: Bool) throws(KuzzleError) {
            id = idRequired ? try request.string("_id") : try request.optionalString("_id")
            body = try request.body()
            silent = try request.bool("silent")
            try request.validateRefresh()
            index = try request.index()
            collection = try request.collection()
        }
    }

    private func notify(_ request: KuzzleRequest, _ arguments: WholeDocumentArguments, _ write: DocumentWrite,
                        action: Notifier.DocumentAction) {
        guard !arguments.silent else { return }
        notifier.documentWritten(request, index: arguments.index, collection: arguments.collection,
                                 document: write.document, action: action)
    }

    private func create(_ request: KuzzleRequest) throws(KuzzleError) -> ActionResult {
        let arguments = try WholeDocumentArguments(request, idRequired: false)
        let write = try store.create(index: arguments.index, collection: arguments.collection, id: arguments.id,
                                     source: arguments.body, context: Self.context(request))
        notify(request, arguments, write, action: .create)
        return .value(Self.document(write.document))
    }

    private func createOrReplace(_ request: KuzzleRequest) throws(KuzzleError) -> ActionResult {
        let arguments = try WholeDocumentArguments(request, idRequired: true)
        let write = try store.createOrReplace(index: arguments.index, collection: arguments.collection,
                                              id: arguments.id ?? "", source: arguments.body,
                                              context: Self.context(request))
        notify(request, arguments, write, action: write.created ? .create : .replace)
        var result = Self.documentObject(write.document)
        result.append("created", .bool(write.created))
        return .value(.object(result))
    }

    private func replace(_ request: KuzzleRequest) throws(KuzzleError) -> ActionResult {
        let arguments = try WholeDocumentArguments(request, idRequired: true)
        let write = try store.replace(index: arguments.index, collection: arguments.collection, id: arguments.id ?? "",
                                      source: arguments.body, context: Self.context(request))
        notify(request, arguments, write, action: .replace)
        return .value(Self.document(write.document))
    }

    private func update(_ request: KuzzleRequest) throws(KuzzleError) -> ActionResult {
        let id = try request.string("_id")
        let changes = try request.body()
        let silent = try request.bool("silent")
        try request.validateRefresh()
        try request.validateRetryOnConflict()
        let source = try request.bool("source")
        let index = try request.index()
        let collection = try request.collection()
        let write = try store.update(index: index, collection: collection, id: id, changes: changes, context: Self.context(request))
        if !silent {
            notifier.documentWritten(request, index: index, collection: collection, document: write.document,
                                     action: .update, updatedFields: write.updatedFields)
        }
        if source { return .value(Self.document(write.document)) }
        var partial = changes
        partial["_kuzzle_info"] = nil
        if case .object(let info)? = write.document.source["_kuzzle_info"] {
            partial.append("_kuzzle_info", ["updatedAt": info["updatedAt"] ?? .null, "updater": info["updater"] ?? .null])
        }
        var result = JSONObject()
        result.append("_id", .string(write.document.id))
        result.append("_source", .object(partial))
        result.append("_version", .int(write.document.version))
        return .value(.object(result))
    }

    private func get(_ request: KuzzleRequest) throws(KuzzleError) -> ActionResult {
        let id = try request.string("_id")
        let index = try request.index()
        let collection = try request.collection()
        return .value(Self.document(try store.get(index: index, collection: collection, id: id)))
    }

    private func exists(_ request: KuzzleRequest) throws(KuzzleError) -> ActionResult {
        let id = try request.string("_id")
        let index = try request.index()
        let collection = try request.collection()
        return .value(.bool(try store.exists(index: index, collection: collection, id: id)))
    }

    private func delete(_ request: KuzzleRequest) throws(KuzzleError) -> ActionResult {
        let id = try request.string("_id")
        let silent = try request.bool("silent")
        try request.validateRefresh()
        let source = try request.bool("source")
        let index = try request.index()
        let collection = try request.collection()
        let write = try store.delete(index: index, collection: collection, id: id)
        if !silent {
            notifier.documentDeleted(request, index: index, collection: collection, document: write.document)
        }
        var result = JSONObject()
        result.append("_id", .string(write.document.id))
        if source {
            result.append("_source", .object(write.document.source))
            result.append("_version", .int(write.document.version))
        }
        return .value(.object(result))
    }

    // MARK: - Helpers

    /// The upsert defaults: `body.default`, else `body.defaults`, else a top-level `default` or `defaults`.
    private static func defaults(of request: KuzzleRequest, body: JSONObject) throws(KuzzleError) -> JSONObject? {
        if body["default"] != nil { return try body.optionalObject("default") }
        if body["defaults"] != nil { return try body.optionalObject("defaults") }
        for name in ["default", "defaults"] {
            guard let value = request.frame[name], !value.isNull else { continue }
            guard case .object(let object) = value else { throw .invalidType(name, expected: "object") }
            return object
        }
        return nil
    }

    /// `{_id, _source, _version}`.
    static func documentObject(_ document: StoredDocument) -> JSONObject {
        var result = JSONObject()
        result.append("_id", .string(document.id))
        result.append("_source", .object(document.source))
        result.append("_version", .int(document.version))
        return result
    }

    /// `{_id, _source, _version}` as a value.
    static func document(_ document: StoredDocument) -> JSONValue { .object(documentObject(document)) }
}

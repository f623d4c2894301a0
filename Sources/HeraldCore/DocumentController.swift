import HeraldStore
import HeraldWire
import Koncorde

/// `document`: reads and writes of single documents, of several documents at once
/// (``BulkDocumentActions``) and of the documents a query selects (``QueryDocumentActions``), and
/// their export as a file over HTTP (``DocumentExport``).
/// Each write records a ``DocumentChange``; subscribers are notified of it unless the request says
/// `silent: true`.
///
/// Argument checks follow Kuzzle's order: `_id`, body and its members, options (`silent`,
/// `refresh`, `retryOnConflict`, `source`), `index`, `collection`; then the collection's validation
/// specification (``WriteValidation``); storage checks come last.
final class DocumentController: Controller {
    let name = "document"

    private let store: DocumentStore
    private let bulk: BulkDocumentActions
    private let queries: QueryDocumentActions
    private let exporter: DocumentExport
    private let validation: WriteValidation
    private let specifications: SpecificationRegistry

    init(store: DocumentStore, koncorde: Koncorde, limits: StorageLimits, specifications: SpecificationRegistry,
         cursors: ScrollCursors) {
        self.store = store
        self.specifications = specifications
        validation = WriteValidation(specifications: specifications, store: store)
        bulk = BulkDocumentActions(store: store, limits: limits, validation: validation)
        queries = QueryDocumentActions(store: store, koncorde: koncorde, limits: limits, validation: validation,
                                       cursors: cursors)
        exporter = DocumentExport(store: store, koncorde: koncorde)
    }

    func actions() -> [String: Action] {
        let single: [String: Action] = [
            "upsert": { request, effects throws(KuzzleError) in try self.upsert(request, &effects) },
            "create": { request, effects throws(KuzzleError) in try self.create(request, &effects) },
            "createOrReplace": { request, effects throws(KuzzleError) in try self.createOrReplace(request, &effects) },
            "replace": { request, effects throws(KuzzleError) in try self.replace(request, &effects) },
            "update": { request, effects throws(KuzzleError) in try self.update(request, &effects) },
            "get": { request, _ throws(KuzzleError) in try self.get(request) },
            "exists": { request, _ throws(KuzzleError) in try self.exists(request) },
            "delete": { request, effects throws(KuzzleError) in try self.delete(request, &effects) },
            "validate": { request, _ throws(KuzzleError) in try self.validate(request) },
            "export": { request, _ throws(KuzzleError) in try self.exporter.export(request) },
        ]
        return single.merging(bulk.actions()) { first, _ in first }.merging(queries.actions()) { first, _ in first }
    }

    /// The author and time of a request's writes.
    static func context(_ request: KuzzleRequest) -> WriteContext {
        WriteContext(user: request.userID, timestamp: request.timestamp)
    }

    // MARK: - Actions

    private func upsert(_ request: KuzzleRequest, _ effects: inout [Effect]) throws(KuzzleError) -> ActionResult {
        let id = try request.string("_id")
        let body = try request.body()
        let changes = try body.requiredObject("changes")
        let defaults = try Self.defaults(of: request, body: body)
        let options = try WriteOptions(request, retries: true, source: true)
        let target = try CollectionTarget(request)
        let checked = try validation.upsert(changes, defaults: defaults, index: target.index,
                                            collection: target.collection, id: id, now: request.timestamp)
        let write = try store.upsert(index: target.index, collection: target.collection, id: id, changes: checked,
                                     defaults: defaults, context: Self.context(request))
        effects.append(.document(DocumentChange(
            index: target.index, collection: target.collection, write: write, verb: write.created ? .create : .update,
            updatedFields: write.created ? nil : write.updatedFields, silent: options.silent)))
        var result = JSONObject()
        result.append("_id", .string(write.document.id))
        result.append("_version", .int(write.document.version))
        result.append("created", .bool(write.created))
        if options.source { result.append("_source", .object(write.document.source)) }
        return .value(.object(result))
    }

    /// The arguments of the actions that write a whole document, read in Kuzzle's order.
    private struct WholeDocumentArguments {
        let id: String?
        /// The body, checked against the collection's specification, defaults applied.
        let body: JSONObject
        let options: WriteOptions
        let target: CollectionTarget

        init(_ request: KuzzleRequest, idRequired: Bool, validation: WriteValidation) throws(KuzzleError) {
            id = idRequired ? try request.string("_id") : try request.optionalString("_id")
            let given = try request.body()
            options = try WriteOptions(request)
            target = try CollectionTarget(request)
            body = try validation.whole(given, index: target.index, collection: target.collection, id: id,
                                        now: request.timestamp)
        }

        func change(_ write: DocumentWrite, _ verb: DocumentChange.Verb) -> Effect {
            .document(DocumentChange(index: target.index, collection: target.collection, write: write, verb: verb,
                                     silent: options.silent))
        }
    }

    private func create(_ request: KuzzleRequest, _ effects: inout [Effect]) throws(KuzzleError) -> ActionResult {
        let arguments = try WholeDocumentArguments(request, idRequired: false, validation: validation)
        let write = try store.create(index: arguments.target.index, collection: arguments.target.collection,
                                     id: arguments.id, source: arguments.body, context: Self.context(request))
        effects.append(arguments.change(write, .create))
        return .value(Self.document(write.document))
    }

    private func createOrReplace(_ request: KuzzleRequest, _ effects: inout [Effect]) throws(KuzzleError)
        -> ActionResult
    {
        let arguments = try WholeDocumentArguments(request, idRequired: true, validation: validation)
        let write = try store.createOrReplace(index: arguments.target.index, collection: arguments.target.collection,
                                              id: arguments.id ?? "", source: arguments.body,
                                              context: Self.context(request))
        effects.append(arguments.change(write, write.created ? .create : .replace))
        var result = Self.documentObject(write.document)
        result.append("created", .bool(write.created))
        return .value(.object(result))
    }

    private func replace(_ request: KuzzleRequest, _ effects: inout [Effect]) throws(KuzzleError) -> ActionResult {
        let arguments = try WholeDocumentArguments(request, idRequired: true, validation: validation)
        let write = try store.replace(index: arguments.target.index, collection: arguments.target.collection,
                                      id: arguments.id ?? "", source: arguments.body, context: Self.context(request))
        effects.append(arguments.change(write, .replace))
        return .value(Self.document(write.document))
    }

    private func update(_ request: KuzzleRequest, _ effects: inout [Effect]) throws(KuzzleError) -> ActionResult {
        let id = try request.string("_id")
        let given = try request.body()
        let options = try WriteOptions(request, retries: true, source: true)
        let target = try CollectionTarget(request)
        let changes = try validation.changes(given, index: target.index, collection: target.collection, id: id,
                                             now: request.timestamp)
        let write = try store.update(index: target.index, collection: target.collection, id: id, changes: changes,
                                     context: Self.context(request))
        effects.append(.document(DocumentChange(
            index: target.index, collection: target.collection, write: write, verb: .update,
            updatedFields: write.updatedFields, silent: options.silent)))
        if options.source { return .value(Self.document(write.document)) }
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
        let target = try CollectionTarget(request)
        return .value(Self.document(try store.get(index: target.index, collection: target.collection, id: id)))
    }

    private func exists(_ request: KuzzleRequest) throws(KuzzleError) -> ActionResult {
        let id = try request.string("_id")
        let target = try CollectionTarget(request)
        return .value(.bool(try store.exists(index: target.index, collection: target.collection, id: id)))
    }

    private func delete(_ request: KuzzleRequest, _ effects: inout [Effect]) throws(KuzzleError) -> ActionResult {
        let id = try request.string("_id")
        let options = try WriteOptions(request, source: true)
        let target = try CollectionTarget(request)
        let write = try store.delete(index: target.index, collection: target.collection, id: id)
        effects.append(.document(DocumentChange(
            index: target.index, collection: target.collection, write: write, verb: .delete, silent: options.silent)))
        var result = JSONObject()
        result.append("_id", .string(write.document.id))
        if options.source {
            result.append("_source", .object(write.document.source))
            result.append("_version", .int(write.document.version))
        }
        return .value(.object(result))
    }

    /// `document:validate`: the body checked against the collection's specification, every
    /// violation reported (`{errorMessages, valid}`); nothing is written.
    private func validate(_ request: KuzzleRequest) throws(KuzzleError) -> ActionResult {
        let body = try request.body()
        let target = try CollectionTarget(request)
        guard let validator = specifications.validator(index: target.index, collection: target.collection,
                                                       now: request.timestamp)
        else { return .value(["errorMessages": [:], "valid": true]) }
        var document = body
        document["_kuzzle_info"] = nil
        return .value(validator.report(document, id: try request.optionalString("_id")))
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

import HeraldStore
import HeraldWire

/// The multi-document actions of `document`: `mCreate`, `mCreateOrReplace`, `mReplace`, `mUpdate`,
/// `mUpsert`, `mGet`, `mExists` and `mDelete`.
///
/// Each item is written with the rules of the matching single-document action and notified on its
/// own; failed items are reported in `errors` with Kuzzle's reasons and statuses. With
/// `strict: true`, any failure turns the answer into `api.process.incomplete_multiple_request`
/// (the items that succeeded stay written and notified). Each item is checked against the
/// collection's validation specification; an item that breaks it is rejected with the
/// `validation.check.*` message and status 400.
struct BulkDocumentActions {
    /// The write an `m*` change action applies to each item.
    private enum Change: String {
        case create = "mCreate"
        case createOrReplace = "mCreateOrReplace"
        case replace = "mReplace"
        case update = "mUpdate"
        case upsert = "mUpsert"

        var requiresId: Bool { self != .create }
        var retries: Bool { self == .update || self == .upsert }
    }

    /// What became of one item.
    private enum Outcome {
        case written(DocumentWrite, DocumentChange.Verb, success: JSONValue)
        case rejected(Failure)
    }

    /// A rejected item, as `errors` lists it.
    private struct Failure {
        let document: JSONValue
        let reason: String
        let status: Int

        var json: JSONValue {
            ["document": document, "reason": .string(reason), "status": .int(status)]
        }
    }

    let store: DocumentStore
    let limits: StorageLimits
    let validation: WriteValidation

    func actions() -> [String: Action] {
        [
            "mGet": { request, _ throws(KuzzleError) in try mGet(request) },
            "mExists": { request, _ throws(KuzzleError) in try mExists(request) },
            "mDelete": { request, effects throws(KuzzleError) in try mDelete(request, &effects) },
            "mCreate": { request, effects throws(KuzzleError) in try changes(request, .create, &effects) },
            "mCreateOrReplace": { request, effects throws(KuzzleError) in
                try changes(request, .createOrReplace, &effects)
            },
            "mReplace": { request, effects throws(KuzzleError) in try changes(request, .replace, &effects) },
            "mUpdate": { request, effects throws(KuzzleError) in try changes(request, .update, &effects) },
            "mUpsert": { request, effects throws(KuzzleError) in try changes(request, .upsert, &effects) },
        ]
    }

    // MARK: - Writes

    private func changes(_ request: KuzzleRequest, _ change: Change, _ effects: inout [Effect]) throws(KuzzleError)
        -> ActionResult
    {
        let strict = try request.bool("strict")
        let silent = try request.bool("silent")
        try request.validateRefresh()
        let items = try Self.bodyArray(request, "documents")
        let index = try request.index()
        let collection = try request.collection()
        if change.retries { try request.validateRetryOnConflict() }
        guard items.count <= limits.documentsWriteCount else { throw .documentsWriteLimitExceeded }
        let source = request.frame["source"] == .string("false") ? false : try request.bool("source", default: true)
        for (position, item) in items.enumerated() where item.objectValue?["_source"] != nil {
            throw .unexpectedArgument("documents[\(position)]._source", accepted: "documents[\(position)].body")
        }
        if items.isEmpty { return .value(["errors": [], "successes": []]) }
        try store.checkCollection(index: index, collection: collection)

        let context = DocumentController.context(request)
        var successes: [JSONValue] = []
        var errors: [JSONValue] = []
        for item in items {
            switch try apply(change, item, index: index, collection: collection, context: context, source: source) {
            case .written(let write, let verb, let success):
                successes.append(success)
                effects.append(.document(DocumentChange(
                    index: index, collection: collection, write: write, verb: verb,
                    updatedFields: verb == .update ? write.updatedFields : nil, silent: silent)))
            case .rejected(let failure):
                errors.append(failure.json)
            }
        }
        if strict && !errors.isEmpty { throw .incompleteMultipleRequest(change.rawValue) }
        return .value(["errors": .array(errors), "successes": .array(successes)])
    }

    /// Writes one item, or says why it cannot be written; collection-level errors are thrown.
    private func apply(
        _ change: Change, _ item: JSONValue, index: String, collection: String, context: WriteContext, source: Bool
    ) throws(KuzzleError) -> Outcome {
        let fields = item.objectValue ?? JSONObject()
        let id: String?
        switch fields["_id"] {
        case nil, .null?:
            if change.requiresId { return .rejected(Failure(document: item, reason: "document _id must be a string", status: 400)) }
            id = nil
        case .string(let given)?:
            id = given
        default:
            return .rejected(Failure(document: item, reason: "document _id must be a string", status: 400))
        }
        if let id, change == .upsert {
            return try upsert(item, fields: fields, id: id, index: index, collection: collection, context: context)
        }

        guard case .object(var body)? = fields["body"] else {
            return .rejected(Failure(document: item, reason: "document body must be an object", status: 400))
        }
        body["_kuzzle_info"] = nil
        let write: DocumentWrite
        do {
            let checked: JSONObject
            if change == .update {
                checked = try validation.changes(body, index: index, collection: collection, id: id ?? "",
                                                 now: context.timestamp)
            } else {
                checked = try validation.whole(body, index: index, collection: collection, id: id,
                                               now: context.timestamp)
            }
            write = try apply(change, id: id, body: checked, index: index, collection: collection, context: context)
        } catch {
            let rejected: JSONValue = ["_id": id.map { .string($0) } ?? .null, "body": .object(body)]
            if error.id.hasPrefix("validation.") {
                return .rejected(Failure(document: rejected, reason: error.message, status: error.status))
            }
            if error == .documentAlreadyExists {
                return .rejected(Failure(document: rejected, reason: "document already exists", status: 400))
            }
            if error.id == "services.storage.not_found" {
                return .rejected(Failure(document: rejected, reason: "document not found", status: 404))
            }
            throw error
        }
        var success = JSONObject()
        success.append("_id", .string(write.document.id))
        if source || change == .update { success.append("_source", .object(write.document.source)) }
        success.append("_version", .int(write.document.version))
        if change != .update {
            success.append("created", .bool(write.created))
            success.append("result", write.created ? "created" : "updated")
        }
        success.append("status", write.created ? 201 : 200)
        let verb: DocumentChange.Verb
        switch change {
        case .create: verb = .create
        case .createOrReplace: verb = write.created ? .create : .replace
        case .replace: verb = .replace
        case .update, .upsert: verb = .update
        }
        return .written(write, verb, success: .object(success))
    }

    private func apply(
        _ change: Change, id: String?, body: JSONObject, index: String, collection: String, context: WriteContext
    ) throws(KuzzleError) -> DocumentWrite {
        switch change {
        case .create:
            return try store.create(index: index, collection: collection, id: id, source: body, context: context)
        case .createOrReplace:
            return try store.createOrReplace(index: index, collection: collection, id: id ?? "", source: body,
                                             context: context)
        case .replace:
            return try store.replace(index: index, collection: collection, id: id ?? "", source: body, context: context)
        case .update, .upsert:
            return try store.update(index: index, collection: collection, id: id ?? "", changes: body, context: context)
        }
    }

    private func upsert(
        _ item: JSONValue, fields: JSONObject, id: String, index: String, collection: String, context: WriteContext
    ) throws(KuzzleError) -> Outcome {
        guard case .object(let changes)? = fields["changes"] else {
            return .rejected(Failure(document: item, reason: "document changes must be an object", status: 400))
        }
        let defaults: JSONObject?
        switch fields["default"] {
        case nil, .null?: defaults = nil
        case .object(let object)?: defaults = object
        default: return .rejected(Failure(document: item, reason: "document default must be an object", status: 400))
        }
        let checked: JSONObject
        do {
            checked = try validation.upsert(changes, defaults: defaults, index: index, collection: collection, id: id,
                                            now: context.timestamp)
        } catch {
            return .rejected(Failure(document: item, reason: error.message, status: error.status))
        }
        let write = try store.upsert(index: index, collection: collection, id: id, changes: checked,
                                     defaults: defaults, context: context)
        var success = JSONObject()
        success.append("_id", .string(write.document.id))
        success.append("_source", .object(write.document.source))
        success.append("_version", .int(write.document.version))
        success.append("created", .bool(write.created))
        success.append("status", write.created ? 201 : 200)
        return .written(write, write.created ? .create : .update, success: .object(success))
    }

    // MARK: - Reads and deletes

    private func mGet(_ request: KuzzleRequest) throws(KuzzleError) -> ActionResult {
        try mFetch(request, verb: "get") { index, collection, id in
            (try? store.get(index: index, collection: collection, id: id)).map(DocumentController.document)
        }
    }

    /// `mExists`: the ids that exist in `successes`, the others in `errors` (arguments as `mGet`).
    private func mExists(_ request: KuzzleRequest) throws(KuzzleError) -> ActionResult {
        try mFetch(request, verb: "exists") { index, collection, id in
            (try? store.exists(index: index, collection: collection, id: id)) == true ? .string(id) : nil
        }
    }

    /// `mGet` and `mExists` take the same arguments and answer the same shape: `successes` holds
    /// what `found` gives for each id, `errors` the ids it gives nothing for.
    private func mFetch(_ request: KuzzleRequest, verb: String,
                        found: (_ index: String, _ collection: String, _ id: String) -> JSONValue?)
        throws(KuzzleError) -> ActionResult
    {
        let ids = try Self.fetchIds(request)
        let index = try request.index()
        let collection = try request.collection()
        let strict = try request.bool("strict")
        guard ids.count <= limits.documentsFetchCount else { throw .documentsFetchLimitExceeded }
        try store.checkCollection(index: index, collection: collection)
        var successes: [JSONValue] = []
        var errors: [JSONValue] = []
        for id in ids {
            if let string = id.stringValue, let success = found(index, collection, string) {
                successes.append(success)
            } else {
                errors.append(id)
            }
        }
        if strict && !errors.isEmpty { throw .incompleteMultipleRequest(verb) }
        return .value(["errors": .array(errors), "successes": .array(successes)])
    }

    /// The ids of `mGet` and `mExists`: a non-empty `body.ids`, else the `ids` argument (a
    /// comma-separated list when it is a string: `GET /:index/:collection/_mGet?ids=a,b`).
    private static func fetchIds(_ request: KuzzleRequest) throws(KuzzleError) -> [JSONValue] {
        if case .array(let given)? = request.frame["body"]?.objectValue?["ids"], !given.isEmpty {
            return given
        }
        guard let ids = try request.listArgument("ids") else { throw .missingArgument("ids") }
        return ids
    }

    private func mDelete(_ request: KuzzleRequest, _ effects: inout [Effect]) throws(KuzzleError) -> ActionResult {
        let ids = try Self.bodyArray(request, "ids")
        let strict = try request.bool("strict")
        let silent = try request.bool("silent")
        try request.validateRefresh()
        let index = try request.index()
        let collection = try request.collection()
        guard ids.count <= limits.documentsWriteCount else { throw .documentsWriteLimitExceeded }
        try store.checkCollection(index: index, collection: collection)
        var deleted: [JSONValue] = []
        var errors: [JSONValue] = []
        for id in ids {
            guard case .string(let string) = id else {
                errors.append(["_id": id, "reason": "document _id must be a string", "status": 400])
                continue
            }
            do {
                let write = try store.delete(index: index, collection: collection, id: string)
                deleted.append(.string(write.document.id))
                effects.append(.document(DocumentChange(index: index, collection: collection, write: write,
                                                        verb: .delete, silent: silent)))
            } catch {
                errors.append(["_id": id, "reason": "document not found", "status": 404])
            }
        }
        if strict && !errors.isEmpty { throw .incompleteMultipleRequest("delete") }
        return .value(["errors": .array(errors), "successes": .array(deleted)])
    }

    /// A required array member of the body (`body.<name>`).
    static func bodyArray(_ request: KuzzleRequest, _ name: String) throws(KuzzleError) -> [JSONValue] {
        let body = try request.body()
        guard let value = body[name], !value.isNull else { throw .missingArgument("body.\(name)") }
        guard case .array(let array) = value else { throw .invalidType("body.\(name)", expected: "array") }
        return array
    }
}

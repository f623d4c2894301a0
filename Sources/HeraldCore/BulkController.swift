import HeraldStore
import HeraldWire
import Koncorde

/// `bulk`: fast writes that skip what `document` does for each document, as Kuzzle's do.
///
/// `import` applies Elasticsearch bulk lines (`index`, `create`, `update`, `delete`) with Kuzzle
/// metadata and no notifications; `write` and `mWrite` store documents exactly as given (no
/// metadata, no validation) and notify only with `notify: true`; `deleteByQuery` and
/// `updateByQuery` apply no write limit, no metadata and notify nobody. Every change is still
/// recorded as an effect (silent), so it reaches the journal like any other write.
final class BulkController: Controller {
    let name = "bulk"

    private let store: DocumentStore
    private let koncorde: Koncorde

    init(store: DocumentStore, koncorde: Koncorde) {
        self.store = store
        self.koncorde = koncorde
    }

    func actions() -> [String: Action] {
        [
            "import": { request, effects throws(KuzzleError) in try self.importLines(request, &effects) },
            "write": { request, effects throws(KuzzleError) in try self.write(request, &effects) },
            "mWrite": { request, effects throws(KuzzleError) in try self.mWrite(request, &effects) },
            "deleteByQuery": { request, effects throws(KuzzleError) in try self.deleteByQuery(request, &effects) },
            "updateByQuery": { request, effects throws(KuzzleError) in try self.updateByQuery(request, &effects) },
        ]
    }

    // MARK: - import

    /// One bulk operation: its action line, and the source line that follows it (not for `delete`).
    private enum Operation: String {
        case index, create, update, delete
    }

    private func importLines(_ request: KuzzleRequest, _ effects: inout [Effect]) throws(KuzzleError) -> ActionResult {
        let target = try CollectionTarget(request)
        let strict = try request.bool("strict")
        try request.validateRefresh()
        let lines = try BulkDocumentActions.bodyArray(request, "bulkData")
        let (successes, errors) = try importLines(lines, into: target, context: DocumentController.context(request),
                                                  &effects)
        if strict && !errors.isEmpty { throw .incompleteMultipleRequest("import") }
        return .value(["errors": .array(errors), "successes": .array(successes)])
    }

    /// Applies bulk lines to a collection (also `admin:loadFixtures`); answers the successes and
    /// the failed items, Elasticsearch-style. A malformed line fails the whole call.
    func importLines(
        _ lines: [JSONValue], into target: CollectionTarget, context: WriteContext, _ effects: inout [Effect]
    ) throws(KuzzleError) -> (successes: [JSONValue], errors: [JSONValue]) {
        try store.checkCollection(index: target.index, collection: target.collection)
        var successes: [JSONValue] = []
        var errors: [JSONValue] = []
        var position = 0
        while position < lines.count {
            guard case .object(let actionLine) = lines[position], actionLine.count == 1,
                  let (name, value) = actionLine.first(where: { _ in true }), let operation = Operation(rawValue: name),
                  case .object(let metadata) = value
            else {
                throw .malformedQuery("Malformed action/metadata line [\(position + 1)], expected one of "
                    + "index, create, update or delete with an object")
            }
            let id = metadata["_id"]?.stringValue
            var source = JSONObject()
            if operation != .delete {
                guard position + 1 < lines.count, case .object(let given) = lines[position + 1] else {
                    throw .malformedQuery("The bulk line [\(position + 2)] must be an object")
                }
                source = given
                position += 1
            }
            position += 1
            let outcome = apply(operation, id: id, source: source, target: target, context: context)
            switch outcome {
            case .success(let change, let status, let documentId):
                effects.append(.document(change))
                successes.append([name: ["_id": .string(documentId), "status": .int(status)]])
            case .failure(let failure):
                errors.append([name: .object(failure)])
            }
        }
        return (successes, errors)
    }

    private enum ImportOutcome {
        case success(DocumentChange, status: Int, id: String)
        case failure(JSONObject)
    }

    private func apply(
        _ operation: Operation, id: String?, source: JSONObject, target: CollectionTarget, context: WriteContext
    ) -> ImportOutcome {
        let index = target.index, collection = target.collection
        var body = source
        body["_kuzzle_info"] = nil
        do {
            let write: DocumentWrite
            let verb: DocumentChange.Verb
            switch operation {
            case .create:
                write = try store.create(index: index, collection: collection, id: id, source: body, context: context)
                verb = .create
            case .index:
                if let id {
                    write = try store.createOrReplace(index: index, collection: collection, id: id, source: body,
                                                      context: context)
                } else {
                    write = try store.create(index: index, collection: collection, id: nil, source: body,
                                             context: context)
                }
                verb = write.created ? .create : .replace
            case .update:
                guard let id else { return .failure(Self.failure(nil, 400, "action_request_validation_exception",
                                                                 "Validation Failed: 1: id is missing;")) }
                let changes = body["doc"]?.objectValue ?? JSONObject()
                write = try store.update(index: index, collection: collection, id: id, changes: changes,
                                         context: context)
                verb = .update
            case .delete:
                guard let id else { return .failure(Self.failure(nil, 400, "action_request_validation_exception",
                                                                 "Validation Failed: 1: id is missing;")) }
                write = try store.delete(index: index, collection: collection, id: id)
                verb = .delete
            }
            let change = DocumentChange(index: index, collection: collection, write: write, verb: verb,
                                        updatedFields: verb == .update ? write.updatedFields : nil, silent: true)
            return .success(change, status: write.created ? 201 : 200, id: write.document.id)
        } catch {
            let documentId = id ?? ""
            if error == .documentAlreadyExists {
                return .failure(Self.failure(id, 409, "version_conflict_engine_exception",
                                             "[\(documentId)]: version conflict, document already exists"))
            }
            if operation == .delete { return .failure(["_id": .string(documentId), "status": 404]) }
            return .failure(Self.failure(id, 404, "document_missing_exception", "[\(documentId)]: document missing"))
        }
    }

    private static func failure(_ id: String?, _ status: Int, _ type: String, _ reason: String) -> JSONObject {
        ["_id": id.map { .string($0) } ?? .null, "status": .int(status),
         "error": ["reason": .string(reason), "type": .string(type)]]
    }

    // MARK: - write, mWrite

    private func write(_ request: KuzzleRequest, _ effects: inout [Effect]) throws(KuzzleError) -> ActionResult {
        let target = try CollectionTarget(request)
        let id = try request.optionalString("_id")
        let content = try request.body()
        try request.validateRefresh()
        let notify = try request.bool("notify")
        let write = try store.writeWithoutMetadata(index: target.index, collection: target.collection, id: id,
                                                   source: content)
        effects.append(.document(DocumentChange(index: target.index, collection: target.collection, write: write,
                                                verb: write.created ? .create : .replace, silent: !notify)))
        return .value(DocumentController.document(write.document))
    }

    private func mWrite(_ request: KuzzleRequest, _ effects: inout [Effect]) throws(KuzzleError) -> ActionResult {
        let target = try CollectionTarget(request)
        let documents = try BulkDocumentActions.bodyArray(request, "documents")
        let strict = try request.bool("strict")
        try request.validateRefresh()
        let notify = try request.bool("notify")
        try store.checkCollection(index: target.index, collection: target.collection)
        var successes: [JSONValue] = []
        var errors: [JSONValue] = []
        var changes: [Effect] = []
        for item in documents {
            let fields = item.objectValue ?? JSONObject()
            let id: String?
            switch fields["_id"] {
            case nil, .null?: id = nil
            case .string(let given)?: id = given
            default:
                errors.append(["document": item, "reason": "document _id must be a string", "status": 400])
                continue
            }
            guard case .object(let body)? = fields["body"] else {
                errors.append(["document": item, "reason": "document body must be an object", "status": 400])
                continue
            }
            let write = try store.writeWithoutMetadata(index: target.index, collection: target.collection, id: id,
                                                       source: body)
            changes.append(.document(DocumentChange(index: target.index, collection: target.collection, write: write,
                                                    verb: write.created ? .create : .replace, silent: !notify)))
            successes.append(DocumentController.document(write.document))
        }
        effects += changes
        if strict && !errors.isEmpty { throw .incompleteMultipleRequest("write") }
        return .value(["errors": .array(errors), "successes": .array(successes)])
    }

    // MARK: - By query

    private func deleteByQuery(_ request: KuzzleRequest, _ effects: inout [Effect]) throws(KuzzleError)
        -> ActionResult
    {
        let target = try CollectionTarget(request)
        let query = try Self.bodyObject(request, "query")
        try request.validateRefresh()
        let compiled = try SearchParameters.query(.object(query), lang: try SearchParameters.language(of: request),
                                                  koncorde: koncorde, index: target.index,
                                                  collection: target.collection)
        let matching = try store.matching(index: target.index, collection: target.collection, query: compiled)
        for document in matching {
            let write = try store.delete(index: target.index, collection: target.collection, id: document.id)
            effects.append(.document(DocumentChange(index: target.index, collection: target.collection, write: write,
                                                    verb: .delete, silent: true)))
        }
        return .value(["deleted": .int(matching.count)])
    }

    private func updateByQuery(_ request: KuzzleRequest, _ effects: inout [Effect]) throws(KuzzleError)
        -> ActionResult
    {
        let target = try CollectionTarget(request)
        let query = try Self.bodyObject(request, "query")
        let changes = try Self.bodyObject(request, "changes")
        try request.validateRefresh()
        let compiled = try SearchParameters.query(.object(query), lang: try SearchParameters.language(of: request),
                                                  koncorde: koncorde, index: target.index,
                                                  collection: target.collection)
        let matching = try store.matching(index: target.index, collection: target.collection, query: compiled)
        for document in matching {
            let write = try store.updateWithoutMetadata(index: target.index, collection: target.collection,
                                                        id: document.id, changes: changes)
            effects.append(.document(DocumentChange(index: target.index, collection: target.collection, write: write,
                                                    verb: .update, updatedFields: write.updatedFields, silent: true)))
        }
        return .value(["updated": .int(matching.count)])
    }

    /// A required object member of the body.
    private static func bodyObject(_ request: KuzzleRequest, _ name: String) throws(KuzzleError) -> JSONObject {
        let body = try request.body()
        guard let value = body[name], !value.isNull else { throw .missingArgument("body.\(name)") }
        guard case .object(let object) = value else { throw .invalidType("body.\(name)", expected: "object") }
        return object
    }
}

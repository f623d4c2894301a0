import HeraldStore
import HeraldWire
import Koncorde

/// The query-driven actions of `document`: `search` (with `scroll`, then `scroll` itself), `count`, `deleteByQuery`, `updateByQuery`,
/// and `deleteFields` (a partial removal, notified as an update whose `_updatedFields` are the
/// removed paths, where Kuzzle leaves that list out).
///
/// Queries use the Elasticsearch DSL subset of ``ElasticsearchQuery``, or a Koncorde filter with
/// `lang: "koncorde"`. By-query writes refuse to touch more documents than the write limit and
/// notify each document they change; `updateByQuery` checks each changed document against the
/// collection's validation specification and lists those that break it in `errors`.
struct QueryDocumentActions {
    let store: DocumentStore
    let koncorde: Koncorde
    let limits: StorageLimits
    let validation: WriteValidation
    let cursors: ScrollCursors

    func actions() -> [String: Action] {
        [
            "search": { request, _ throws(KuzzleError) in try search(request) },
            "scroll": { request, _ throws(KuzzleError) in try scroll(request) },
            "count": { request, _ throws(KuzzleError) in try count(request) },
            "deleteByQuery": { request, effects throws(KuzzleError) in try deleteByQuery(request, &effects) },
            "updateByQuery": { request, effects throws(KuzzleError) in try updateByQuery(request, &effects) },
            "deleteFields": { request, effects throws(KuzzleError) in try deleteFields(request, &effects) },
        ]
    }

    // MARK: - Reads

    private func search(_ request: KuzzleRequest) throws(KuzzleError) -> ActionResult {
        let from = try request.integer("from", default: 0)
        let size = try request.integer("size", default: 10)
        let scrollTTL = try request.optionalString("scroll").map { text throws(KuzzleError) in try cursors.ttl(text) }
        let body = try request.optionalBody()
        let index = try request.optionalString("index")
        let collection = try request.optionalString("collection")
        if (index ?? "").isEmpty && (collection ?? "").isEmpty { throw .missingArgument("index, collection or targets") }
        let lang = try SearchParameters.language(of: request)
        guard size <= limits.documentsFetchCount else { throw .documentsFetchLimitExceeded }
        guard let index, !index.isEmpty else { throw .missingArgument("index") }
        guard let collection, !collection.isEmpty else { throw .missingArgument("collection") }
        try SearchParameters.checkBodyKeys(body)
        let query = try SearchParameters.query(body["query"], lang: lang, koncorde: koncorde, index: index,
                                               collection: collection)
        let sort = try SearchParameters.sort(body["sort"])
        if let scrollTTL {
            let all = try store.search(index: index, collection: collection, query: query, sort: sort, from: 0,
                                       size: .max).documents
            let source = ScrollCursors.Source.documents(index: index, collection: collection)
            let scrollId = try cursors.open(all, from: from, pageSize: size, ttl: scrollTTL, now: request.timestamp,
                                            source: source, scored: sort.isEmpty)
            let start = min(max(from, 0), all.count)
            let first = all[start..<min(start + max(size, 0), all.count)]
            return .value(["hits": ScrollCursors.hits(first, source: source, scored: sort.isEmpty),
                           "scrollId": .string(scrollId), "total": .int(all.count)])
        }
        let page = try store.search(index: index, collection: collection, query: query, sort: sort, from: from,
                                    size: size)
        let score: JSONValue = sort.isEmpty ? 1 : .null
        let hits = page.documents.map { document -> JSONValue in
            var hit = JSONObject()
            hit.append("_id", .string(document.id))
            hit.append("_score", score)
            hit.append("_source", .object(document.source))
            hit.append("collection", .string(collection))
            hit.append("index", .string(index))
            return .object(hit)
        }
        return .value(["hits": .array(hits), "total": .int(page.total)])
    }

    /// The next page of a cursor a `search` with `scroll` opened.
    private func scroll(_ request: KuzzleRequest) throws(KuzzleError) -> ActionResult {
        let ttl = try request.optionalString("scroll").map { text throws(KuzzleError) in try cursors.ttl(text) }
        let id = try request.string("scrollId")
        let page = try cursors.next(id, ttl: ttl, now: request.timestamp)
        return .value(["hits": page.cursor.hits(page.documents), "scrollId": .string(id), "total": .int(page.total)])
    }

    private func count(_ request: KuzzleRequest) throws(KuzzleError) -> ActionResult {
        let body = try request.optionalBody()
        let index = try request.index()
        let collection = try request.collection()
        let lang = try SearchParameters.language(of: request)
        try SearchParameters.checkBodyKeys(body)
        let query = try SearchParameters.query(body["query"], lang: lang, koncorde: koncorde, index: index,
                                               collection: collection)
        return .value(["count": .int(try store.count(index: index, collection: collection, query: query))])
    }

    // MARK: - Writes

    private func deleteByQuery(_ request: KuzzleRequest, _ effects: inout [Effect]) throws(KuzzleError)
        -> ActionResult
    {
        let body = try request.optionalBody()
        let filter = try Self.queryObject(body, required: false)
        let silent = try request.bool("silent")
        try request.validateRefresh()
        let source = try request.bool("source")
        let index = try request.index()
        let collection = try request.collection()
        let lang = try SearchParameters.language(of: request)
        let query = try SearchParameters.query(filter, lang: lang, koncorde: koncorde, index: index, collection: collection)
        let targets = try store.matching(index: index, collection: collection, query: query)
        guard targets.count <= limits.documentsWriteCount else { throw .documentsWriteLimitExceeded }
        var documents: [JSONValue] = []
        var ids: [JSONValue] = []
        for target in targets {
            let write = try store.delete(index: index, collection: collection, id: target.id)
            effects.append(.document(DocumentChange(index: index, collection: collection, write: write, verb: .delete,
                                                    silent: silent)))
            let removed = write.document
            var entry = JSONObject()
            entry.append("_id", .string(removed.id))
            if source { entry.append("_source", .object(removed.source)) }
            documents.append(.object(entry))
            ids.append(.string(removed.id))
        }
        return .value(["documents": .array(documents), "ids": .array(ids)])
    }

    private func updateByQuery(_ request: KuzzleRequest, _ effects: inout [Effect]) throws(KuzzleError)
        -> ActionResult
    {
        let body = try request.body()
        let filter = try Self.queryObject(body, required: true)
        var changes = try body.requiredObject("changes")
        let silent = try request.bool("silent")
        try request.validateRefresh()
        let source = try request.bool("source")
        let index = try request.index()
        let collection = try request.collection()
        let lang = try SearchParameters.language(of: request)
        changes["_kuzzle_info"] = nil
        let query = try SearchParameters.query(filter, lang: lang, koncorde: koncorde, index: index, collection: collection)
        let targets = try store.matching(index: index, collection: collection, query: query)
        guard targets.count <= limits.documentsWriteCount else { throw .documentsWriteLimitExceeded }
        let context = DocumentController.context(request)
        var successes: [JSONValue] = []
        var errors: [JSONValue] = []
        for target in targets {
            let checked: JSONObject
            do {
                checked = try validation.changes(changes, index: index, collection: collection, id: target.id,
                                                 now: request.timestamp)
            } catch {
                errors.append(["document": ["_id": .string(target.id), "_source": .object(changes)],
                               "reason": .string(error.message), "status": .int(error.status)])
                continue
            }
            let write = try store.update(index: index, collection: collection, id: target.id, changes: checked,
                                         context: context)
            effects.append(.document(DocumentChange(index: index, collection: collection, write: write, verb: .update,
                                                    updatedFields: write.updatedFields, silent: silent)))
            var entry = JSONObject()
            entry.append("_id", .string(write.document.id))
            if source { entry.append("_source", .object(write.document.source)) }
            entry.append("_version", .int(write.document.version))
            entry.append("status", 200)
            successes.append(.object(entry))
        }
        return .value(["errors": .array(errors), "successes": .array(successes)])
    }

    private func deleteFields(_ request: KuzzleRequest, _ effects: inout [Effect]) throws(KuzzleError)
        -> ActionResult
    {
        let id = try request.string("_id")
        let fields = try BulkDocumentActions.bodyArray(request, "fields")
        let silent = try request.bool("silent")
        try request.validateRefresh()
        let source = try request.bool("source")
        let index = try request.index()
        let collection = try request.collection()
        var paths: [String] = []
        for (position, field) in fields.enumerated() {
            guard case .string(let path) = field else { throw .invalidType("body.fields[\(position)]", expected: "string") }
            paths.append(path)
        }
        let write = try store.deleteFields(index: index, collection: collection, id: id, fields: paths,
                                           context: DocumentController.context(request))
        effects.append(.document(DocumentChange(index: index, collection: collection, write: write, verb: .update,
                                                updatedFields: paths, silent: silent)))
        if source { return .value(DocumentController.document(write.document)) }
        return .value(["_id": .string(write.document.id), "_version": .int(write.document.version)])
    }

    /// `body.query`: an object; absent means every document unless `required`.
    private static func queryObject(_ body: JSONObject, required: Bool) throws(KuzzleError) -> JSONValue? {
        guard let value = body["query"], !value.isNull else {
            if required { throw .missingArgument("body.query") }
            return nil
        }
        guard case .object = value else { throw .invalidType("body.query", expected: "object") }
        return value
    }
}

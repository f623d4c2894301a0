import HeraldStore
import HeraldWire

/// The validation-specification actions of `collection`: `updateSpecifications`,
/// `getSpecifications`, `deleteSpecifications`, `validateSpecifications`, `searchSpecifications`
/// (with `scroll`) and `scrollSpecifications`.
///
/// A specification is stored as given, as a document of the internal index
/// (``SpecificationRegistry``), once it curates; a collection need not exist to have one, and
/// deleting the collection or its index keeps it, as in Kuzzle.
struct SpecificationActions {
    let specifications: SpecificationRegistry
    let limits: StorageLimits
    let cursors: ScrollCursors

    func actions() -> [String: Action] {
        [
            "updateSpecifications": { request, effects throws(KuzzleError) in try update(request, &effects) },
            "getSpecifications": { request, _ throws(KuzzleError) in try get(request) },
            "deleteSpecifications": { request, effects throws(KuzzleError) in try delete(request, &effects) },
            "validateSpecifications": { request, _ throws(KuzzleError) in try validate(request) },
            "searchSpecifications": { request, _ throws(KuzzleError) in try search(request) },
            "scrollSpecifications": { request, _ throws(KuzzleError) in
                let ttl = try request.optionalString("scroll").map { text throws(KuzzleError) in try cursors.ttl(text) }
                let id = try request.string("scrollId")
                let page = try cursors.next(id, ttl: ttl, now: request.timestamp)
                return .value(["hits": page.cursor.hits(page.documents), "scrollId": .string(id),
                               "total": .int(page.total)])
            },
        ]
    }

    /// Answers the specification as given.
    private func update(_ request: KuzzleRequest, _ effects: inout [Effect]) throws(KuzzleError) -> ActionResult {
        let target = try CollectionTarget(request)
        let raw = try request.body()
        switch specifications.curate(raw, index: target.index, collection: target.collection) {
        case .failure(let errors):
            throw .invalidSpecifications(errors.messages.joined(separator: "\n\t- "))
        case .success(let curated):
            try specifications.store(raw, curated: curated, index: target.index, collection: target.collection,
                                     context: DocumentController.context(request), effects: &effects)
            return .value(.object(raw))
        }
    }

    /// `{collection, index, validation}`.
    private func get(_ request: KuzzleRequest) throws(KuzzleError) -> ActionResult {
        let target = try CollectionTarget(request)
        guard let entry = specifications.entry(index: target.index, collection: target.collection) else {
            throw .specificationsNotFound(index: target.index, collection: target.collection)
        }
        return .value(.object(SpecificationRegistry.document(entry).source))
    }

    /// Acknowledged whether or not the collection had a specification.
    private func delete(_ request: KuzzleRequest, _ effects: inout [Effect]) throws(KuzzleError) -> ActionResult {
        let target = try CollectionTarget(request)
        specifications.remove(index: target.index, collection: target.collection, effects: &effects)
        return .value(["acknowledged": true])
    }

    private func validate(_ request: KuzzleRequest) throws(KuzzleError) -> ActionResult {
        let target = try CollectionTarget(request)
        let raw = try request.body()
        switch specifications.curate(raw, index: target.index, collection: target.collection) {
        case .success:
            return .value(["valid": true])
        case .failure(let errors):
            return .value([
                "description": "Some errors with provided specifications.",
                "details": .array(errors.messages.map { JSONValue.string($0) }),
                "valid": false,
            ])
        }
    }

    /// Searches the stored specifications as documents `{collection, index, validation}` with id
    /// `index#collection`, with the query DSL of `document:search`.
    private func search(_ request: KuzzleRequest) throws(KuzzleError) -> ActionResult {
        let from = try request.integer("from", default: 0)
        let size = try request.integer("size", default: 10)
        let scrollTTL = try request.optionalString("scroll").map { text throws(KuzzleError) in try cursors.ttl(text) }
        let body = try request.optionalBody()
        if let query = body["query"], !query.isNull, query.objectValue == nil {
            throw .invalidType("body.query", expected: "object")
        }
        guard size - from <= limits.documentsFetchCount else { throw .documentsFetchLimitExceeded }
        try SearchParameters.checkBodyKeys(body)
        let query: DocumentQuery
        if let given = body["query"], !given.isNull { query = try ElasticsearchQuery.compile(given) } else { query = .all }
        let matching = specifications.all.map(SpecificationRegistry.document).filter(query.matches)
        let start = min(max(from, 0), matching.count)
        let end = min(start + max(size, 0), matching.count)
        let hits = ScrollCursors.hits(matching[start..<end], source: .specifications, scored: true)
        guard let scrollTTL else { return .value(["hits": hits, "total": .int(matching.count)]) }
        let scrollId = try cursors.open(matching, from: from, pageSize: size, ttl: scrollTTL, now: request.timestamp,
                                        source: .specifications, scored: true)
        return .value(["hits": hits, "scrollId": .string(scrollId), "total": .int(matching.count)])
    }
}

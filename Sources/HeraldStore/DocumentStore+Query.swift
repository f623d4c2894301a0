public import HeraldWire

extension DocumentStore {
    // MARK: - Queries

    /// The matching documents from `from`, at most `size` of them, in `sort` order (insertion
    /// order when empty, and to break ties), with the number of matches.
    public func search(
        index: String, collection: String, query: DocumentQuery, sort: [SortKey] = [], from: Int = 0, size: Int
    ) throws(KuzzleError) -> SearchPage {
        let documents = try storage(index, collection)
        var matches = Self.matches(of: query, in: documents)
        if !sort.isEmpty { DocumentOrdering.sort(&matches, by: sort) }
        let start = min(max(from, 0), matches.count)
        let end = min(start + max(size, 0), matches.count)
        return SearchPage(documents: Array(matches[start..<end]), total: matches.count)
    }

    /// How many documents match.
    public func count(index: String, collection: String, query: DocumentQuery) throws(KuzzleError) -> Int {
        Self.matches(of: query, in: try storage(index, collection)).count
    }

    /// Every matching document, in insertion order.
    public func matching(index: String, collection: String, query: DocumentQuery) throws(KuzzleError)
        -> [StoredDocument]
    {
        Self.matches(of: query, in: try storage(index, collection))
    }

    // MARK: - Field removal

    /// Removes fields (dotted paths) from an existing document (`_version` + 1, `updatedAt` and
    /// `updater` set); `services.storage.not_found` if missing. Paths that are absent are ignored.
    public func deleteFields(
        index: String, collection: String, id: String, fields: [String], context: WriteContext
    ) throws(KuzzleError) -> DocumentWrite {
        let documents = try storage(index, collection)
        guard let previous = documents[id] else {
            throw KuzzleError.documentNotFound(id, index: index, collection: collection)
        }
        var source = previous.source
        for field in fields where !field.isEmpty {
            source.removeValue(atPath: field.split(separator: ".", omittingEmptySubsequences: false)[...])
        }
        source.seal(with: KuzzleInfo.updated(previous.source[KuzzleInfo.key], context))
        let document = StoredDocument(id: id, source: source, version: previous.version + 1)
        documents.put(document)
        return DocumentWrite(document: document, created: false, previous: previous, updatedFields: [])
    }

    // MARK: - Mappings

    /// The mappings of a collection.
    public func mapping(index: String, collection: String) throws(KuzzleError) -> CollectionMapping {
        try storage(index, collection).mapping
    }

    /// Creates a collection (and its index when missing) with these mappings, or applies them to
    /// the existing collection. An invalid mapping changes nothing.
    public func createCollection(index: String, collection: String, mappings: JSONObject) throws(KuzzleError) {
        var mapping = (try? storage(index, collection))?.mapping ?? CollectionMapping()
        try mapping.update(with: mappings)
        createCollection(index: index, collection: collection)
        try storage(index, collection).mapping = mapping
    }

    /// Updates the mappings of a collection and returns them.
    @discardableResult
    public func updateMapping(index: String, collection: String, mappings: JSONObject) throws(KuzzleError)
        -> CollectionMapping
    {
        let documents = try storage(index, collection)
        try documents.mapping.update(with: mappings)
        return documents.mapping
    }

    /// The Elasticsearch settings given to the collection (`collection:getSettings`); Herald
    /// keeps them in memory and reports them, and applies none.
    public func settings(index: String, collection: String) throws(KuzzleError) -> JSONObject {
        try storage(index, collection).settings
    }

    /// Merges settings into the collection's, objects key by key as Elasticsearch does.
    public func updateSettings(index: String, collection: String, settings: JSONObject) throws(KuzzleError) {
        let documents = try storage(index, collection)
        for (key, value) in settings { documents.settings.merge(value, forKey: key) }
    }

    // MARK: - Helpers

    private static func matches(of query: DocumentQuery, in documents: DocumentCollection) -> [StoredDocument] {
        guard let ids = candidates(query.access, in: documents) else {
            return documents.documents.filter(query.matches)
        }
        var seen = Set<String>(minimumCapacity: ids.count)
        var ranked: [(rank: Int, document: StoredDocument)] = []
        ranked.reserveCapacity(ids.count)
        for id in ids where seen.insert(id).inserted {
            guard let rank = documents.rank(of: id), let document = documents[id], query.matches(document) else {
                continue
            }
            ranked.append((rank, document))
        }
        ranked.sort { $0.rank < $1.rank }
        return ranked.map(\.document)
    }

    /// The candidate ids of an access, or `nil` for a scan.
    private static func candidates(_ access: DocumentQuery.Access, in documents: DocumentCollection) -> [String]? {
        switch access {
        case .scan:
            return nil
        case .ids(let ids):
            return ids
        case .values(let field, let values):
            if field == "_id" { return values.compactMap(\.stringValue) }
            let index = documents.fieldIndex(field)
            var ids: [String] = []
            for value in values {
                if let bucket = index.ids(for: value) { ids.append(contentsOf: bucket) }
            }
            return ids
        case .union(let parts):
            var ids: [String] = []
            for part in parts {
                guard let partIds = candidates(part, in: documents) else { return nil }
                ids.append(contentsOf: partIds)
            }
            return ids
        case .narrowest(let parts):
            var best: (access: DocumentQuery.Access, size: Int)?
            for part in parts {
                guard let size = estimate(part, in: documents) else { continue }
                if best == nil || size < best!.size { best = (part, size) }
            }
            guard let best else { return nil }
            return candidates(best.access, in: documents)
        }
    }

    /// How many candidates an access yields, or `nil` for a scan.
    private static func estimate(_ access: DocumentQuery.Access, in documents: DocumentCollection) -> Int? {
        switch access {
        case .scan:
            return nil
        case .ids(let ids):
            return ids.count
        case .values(let field, let values):
            if field == "_id" { return values.count }
            let index = documents.fieldIndex(field)
            return values.reduce(0) { $0 + index.count(for: $1) }
        case .union(let parts):
            var total = 0
            for part in parts {
                guard let size = estimate(part, in: documents) else { return nil }
                total += size
            }
            return total
        case .narrowest(let parts):
            return parts.compactMap { estimate($0, in: documents) }.min()
        }
    }
}

extension JSONObject {
    /// Removes the value at a dotted path, walking nested objects; absent paths are ignored.
    mutating func removeValue(atPath components: ArraySlice<Substring>) {
        guard let first = components.first else { return }
        let key = String(first)
        if components.count == 1 {
            removeValue(forKey: key)
            return
        }
        guard case .object(var nested)? = self[key] else { return }
        nested.removeValue(atPath: components.dropFirst())
        self[key] = .object(nested)
    }
}

import HeraldStore
import HeraldWire
import Koncorde

/// The query-related arguments of `document:search`, `count`, `deleteByQuery` and `updateByQuery`.
struct SearchParameters {
    /// Search body keys Kuzzle lets through to the storage engine.
    private static let allowedBodyKeys: Set<String> = [
        "aggregations", "aggs", "collapse", "explain", "fields", "from", "highlight", "query", "search_after",
        "search_timeout", "size", "sort", "suggest", "_name", "_source", "_source_excludes", "_source_includes",
    ]

    /// `lang`: `"elasticsearch"` (default) or `"koncorde"`.
    static func language(of request: KuzzleRequest) throws(KuzzleError) -> String {
        let lang = try request.optionalString("lang") ?? "elasticsearch"
        guard lang == "elasticsearch" || lang == "koncorde" else {
            throw .invalidArgument("lang", expected: "\"elasticsearch\" or \"koncorde\"")
        }
        return lang
    }

    /// Checks the top-level keys of a search body as Kuzzle does.
    static func checkBodyKeys(_ body: JSONObject) throws(KuzzleError) {
        for (key, value) in body where !value.isNull && !allowedBodyKeys.contains(key) {
            throw .invalidSearchQuery(key)
        }
    }

    /// Compiles a query (an Elasticsearch query, or a Koncorde filter when `lang` says so).
    static func query(
        _ query: JSONValue?, lang: String, koncorde: Koncorde, index: String, collection: String
    ) throws(KuzzleError) -> DocumentQuery {
        guard let query, !query.isNull else { return .all }
        if lang == "koncorde" {
            return try KoncordeQuery.compile(query, koncorde: koncorde, index: index, collection: collection)
        }
        return try ElasticsearchQuery.compile(query)
    }

    /// The sort keys of a search body: a field name, `{field: "asc"|"desc"}`,
    /// `{field: {order: …}}`, or an array of those. `_score` (every hit scores alike) is skipped.
    static func sort(_ value: JSONValue?) throws(KuzzleError) -> [SortKey] {
        guard let value, !value.isNull else { return [] }
        var keys: [SortKey] = []
        let items: [JSONValue]
        if case .array(let array) = value { items = array } else { items = [value] }
        for item in items {
            switch item {
            case .string(let field):
                keys.append(SortKey(field: field))
            case .object(let object):
                for (field, order) in object {
                    keys.append(SortKey(field: field, descending: try descending(order, field: field)))
                }
            default:
                throw .malformedQuery("[sort] expected a field name or an object, found [\(item.typeName)]")
            }
        }
        return keys.filter { $0.field != "_score" }
    }

    private static func descending(_ order: JSONValue, field: String) throws(KuzzleError) -> Bool {
        var text = order.stringValue
        if case .object(let options) = order {
            guard let given = options["order"] else { return false }
            text = given.stringValue
        }
        switch text?.lowercased() {
        case "asc": return false
        case "desc": return true
        default: throw .malformedQuery("[sort] unknown order for field [\(field)], expected [asc] or [desc]")
        }
    }
}

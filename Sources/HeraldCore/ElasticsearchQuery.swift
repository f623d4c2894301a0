import HeraldStore
import HeraldWire

/// Compiles the supported subset of the Elasticsearch query DSL into a ``DocumentQuery``:
/// `match_all`, `match_none`, `term`, `terms`, `ids`, `range`, `exists`, `match` and `bool`
/// (`must`, `filter`, `should`, `must_not`, `minimum_should_match`).
///
/// Fields are dotted paths; array values match when any element does. Equality tests (`term`,
/// `terms`, `ids`, `match` on a non-string) give index lookups; a conjunction uses its most
/// selective one. `match` on a string is a case-insensitive word match: any word of the query
/// found among the words of the field matches, as with Elasticsearch's default text analysis.
enum ElasticsearchQuery {
    /// A compiled query clause.
    private typealias Clause = DocumentQuery

    static func compile(_ query: JSONValue) throws(KuzzleError) -> DocumentQuery {
        if case .object(let object) = query, object.isEmpty { return .all }
        return try clause(query, context: "query")
    }

    private static func clause(_ value: JSONValue, context: String) throws(KuzzleError) -> Clause {
        guard case .object(let object) = value else {
            throw .malformedQuery("[\(context)] query malformed, no start_object after query name")
        }
        guard object.count == 1 else {
            throw .malformedQuery(object.isEmpty
                ? "query malformed, empty clause found"
                : "[\(object.keys[0])] malformed query, expected [END_OBJECT] but found [FIELD_NAME]")
        }
        let keyword = object.keys[0]
        let body = object.values[0]
        switch keyword {
        case "match_all": return .all
        case "match_none": return DocumentQuery(access: .ids([])) { _ in false }
        case "term": return try term(body)
        case "terms": return try terms(body)
        case "ids": return try ids(body)
        case "range": return try range(body)
        case "exists": return try exists(body)
        case "match": return try match(body)
        case "bool": return try bool(body)
        default: throw .unknownQueryKeyword(keyword)
        }
    }

    // MARK: - Leaf clauses

    /// The single `{field: parameters}` member of a leaf clause.
    private static func singleField(_ body: JSONValue, keyword: String) throws(KuzzleError) -> (String, JSONValue) {
        guard case .object(let object) = body else {
            throw .malformedQuery("[\(keyword)] query malformed, no start_object after query name")
        }
        guard object.count == 1 else {
            throw .malformedQuery(object.isEmpty
                ? "[\(keyword)] query malformed, no field specified"
                : "[\(keyword)] query doesn't support multiple fields, found [\(object.keys[0])] and [\(object.keys[1])]")
        }
        return (object.keys[0], object.values[0])
    }

    private static func scalar(_ value: JSONValue, keyword: String) throws(KuzzleError) -> JSONValue {
        switch value {
        case .string, .int, .double, .bool: return value
        default: throw .malformedQuery("[\(keyword)] query does not support [\(value.typeName)] values")
        }
    }

    private static func term(_ body: JSONValue) throws(KuzzleError) -> Clause {
        let (field, parameters) = try singleField(body, keyword: "term")
        var raw = parameters
        if case .object(let options) = parameters {
            guard let value = options["value"] else { throw .malformedQuery("[term] query requires a value") }
            raw = value
        }
        let value = try scalar(raw, keyword: "term")
        return equality(field: field, values: [value])
    }

    private static func terms(_ body: JSONValue) throws(KuzzleError) -> Clause {
        let (field, parameters) = try singleField(body, keyword: "terms")
        guard case .array(let elements) = parameters else {
            throw .malformedQuery("[terms] query does not support [\(field)]")
        }
        var values: [JSONValue] = []
        for element in elements { values.append(try scalar(element, keyword: "terms")) }
        return equality(field: field, values: values)
    }

    private static func ids(_ body: JSONValue) throws(KuzzleError) -> Clause {
        guard case .object(let object) = body, case .array(let elements)? = object["values"] else {
            throw .malformedQuery("[ids] query malformed, expected [values] array")
        }
        let ids = elements.compactMap(\.stringValue)
        return equality(field: "_id", values: ids.map { .string($0) })
    }

    /// A test for one of `values` at `field`, looked up through the field index.
    private static func equality(field: String, values: [JSONValue]) -> Clause {
        if field == "_id" {
            let ids = Set(values.compactMap(\.stringValue))
            return DocumentQuery(access: .ids(Array(ids))) { ids.contains($0.id) }
        }
        let wanted = Set(values)
        return DocumentQuery(access: .values(field: field, values)) { document in
            FieldPathValues.leaves(of: document.source, at: field).contains { !$0.isNull && wanted.contains($0) }
        }
    }

    private static func range(_ body: JSONValue) throws(KuzzleError) -> Clause {
        let (field, parameters) = try singleField(body, keyword: "range")
        guard case .object(let options) = parameters else {
            throw .malformedQuery("[range] query malformed, no start_object after query name")
        }
        var bounds: [(JSONValue, (Int) -> Bool)] = []
        for (name, bound) in options {
            let accept: (Int) -> Bool
            switch name {
            case "gt": accept = { $0 > 0 }
            case "gte": accept = { $0 >= 0 }
            case "lt": accept = { $0 < 0 }
            case "lte": accept = { $0 <= 0 }
            case "format", "time_zone", "boost", "relation": continue
            default: throw .malformedQuery("[range] query does not support [\(name)]")
            }
            if bound.isNull { continue }
            bounds.append((try scalar(bound, keyword: "range"), accept))
        }
        return DocumentQuery(access: .scan) { document in
            FieldPathValues.leaves(of: document.source, at: field).contains { leaf in
                bounds.allSatisfy { bound, accept in
                    guard let order = comparable(leaf, bound) else { return false }
                    return accept(order)
                }
            }
        }
    }

    /// The order of a document value against a range bound, when both are numbers or both strings.
    private static func comparable(_ value: JSONValue, _ bound: JSONValue) -> Int? {
        if let left = value.numberValue, let right = bound.numberValue {
            return left < right ? -1 : (left > right ? 1 : 0)
        }
        if case .string(let left) = value, case .string(let right) = bound {
            return left == right ? 0 : (left.unicodeScalars.lexicographicallyPrecedes(right.unicodeScalars) ? -1 : 1)
        }
        return nil
    }

    private static func exists(_ body: JSONValue) throws(KuzzleError) -> Clause {
        guard case .object(let object) = body, case .string(let field)? = object["field"] else {
            throw .malformedQuery("[exists] must be provided with a [field]")
        }
        if field == "_id" { return .all }
        return DocumentQuery(access: .scan) { document in
            FieldPathValues.leaves(of: document.source, at: field).contains { !$0.isNull }
        }
    }

    private static func match(_ body: JSONValue) throws(KuzzleError) -> Clause {
        let (field, parameters) = try singleField(body, keyword: "match")
        var raw = parameters
        if case .object(let options) = parameters {
            guard let query = options["query"] else { throw .malformedQuery("[match] requires query value") }
            raw = query
        }
        let value = try scalar(raw, keyword: "match")
        guard case .string(let text) = value else { return equality(field: field, values: [value]) }
        let words = Set(Self.words(text))
        if field == "_id" { return DocumentQuery(access: .ids([text])) { $0.id == text } }
        return DocumentQuery(access: .scan) { document in
            FieldPathValues.leaves(of: document.source, at: field).contains { leaf in
                guard case .string(let string) = leaf else { return false }
                return Self.words(string).contains { words.contains($0) }
            }
        }
    }

    /// Lower-cased runs of letters and digits.
    private static func words(_ text: String) -> [String] {
        text.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init)
    }

    // MARK: - bool

    private static func bool(_ body: JSONValue) throws(KuzzleError) -> Clause {
        guard case .object(let options) = body else {
            throw .malformedQuery("[bool] query malformed, no start_object after query name")
        }
        var must: [Clause] = []
        var should: [Clause] = []
        var mustNot: [Clause] = []
        var minimumShouldMatch: Int?
        for (name, value) in options {
            switch name {
            case "must", "filter": must += try clauses(value, context: name)
            case "should": should += try clauses(value, context: name)
            case "must_not": mustNot += try clauses(value, context: name)
            case "minimum_should_match":
                guard let number = value.integerValue ?? value.stringValue.flatMap({ Int($0) }) else {
                    throw .malformedQuery("[bool] query does not support [minimum_should_match] value \(value.typeName)")
                }
                minimumShouldMatch = number
            case "boost", "_name": continue
            default: throw .malformedQuery("[bool] query does not support [\(name)]")
            }
        }
        let required = min(minimumShouldMatch ?? (must.isEmpty && !should.isEmpty ? 1 : 0), should.count)
        var narrowing = must.map(\.access)
        if required > 0 { narrowing.append(.union(should.map(\.access))) }
        let access: DocumentQuery.Access = narrowing.isEmpty ? .scan : (narrowing.count == 1 ? narrowing[0] : .narrowest(narrowing))
        return DocumentQuery(access: access) { document in
            guard must.allSatisfy({ $0.matches(document) }) else { return false }
            guard !mustNot.contains(where: { $0.matches(document) }) else { return false }
            if required == 0 { return true }
            var matched = 0
            for clause in should where clause.matches(document) {
                matched += 1
                if matched >= required { return true }
            }
            return false
        }
    }

    private static func clauses(_ value: JSONValue, context: String) throws(KuzzleError) -> [Clause] {
        if case .array(let elements) = value {
            var result: [Clause] = []
            for element in elements { result.append(try clause(element, context: context)) }
            return result
        }
        return [try clause(value, context: context)]
    }
}

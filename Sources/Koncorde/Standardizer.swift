import HeraldWire

/// Validates a Koncorde filter and rewrites its keywords into ``FilterNode`` operators.
///
/// Error messages and the filter paths they name follow Koncorde 4.
struct Standardizer {
    /// Most conjunctions a `select` sub-query may expand to.
    let maxConjunctions: Int
    private static let keywords: Set<String> = [
        "and", "bool", "equals", "exists", "geoBoundingBox", "geoDistance", "geoDistanceRange",
        "geoPolygon", "ids", "in", "match", "missing", "not", "nothing", "or", "select", "range", "regexp",
    ]
    private static let boolAttributes = ["must", "must_not", "should", "should_not"]

    /// Standardizes a whole filter (a request body's `filters` or `body`).
    func standardize(_ filter: JSONValue) throws(KoncordeError) -> FilterNode {
        switch filter {
        case .object(let object):
            return try standardize(object, path: nil)
        case .string(let string):
            // JavaScript enumerates a string's indexes as its keys.
            return try standardizeIndexKeys(count: string.utf16.count)
        case .array(let array):
            return try standardizeIndexKeys(count: array.count)
        case .null, .bool, .int, .double:
            return .everything
        }
    }

    private func standardizeIndexKeys(count: Int) throws(KoncordeError) -> FilterNode {
        if count == 0 { return .everything }
        if count > 1 { throw KoncordeError("Invalid filter syntax. Filters must have one keyword only", at: nil) }
        throw KoncordeError("unknown keyword", at: "0")
    }

    private func standardize(_ filter: JSONObject, path: String?) throws(KoncordeError) -> FilterNode {
        if filter.isEmpty { return .everything }
        guard filter.count == 1 else {
            throw KoncordeError("Invalid filter syntax. Filters must have one keyword only", at: path)
        }
        let keyword = filter.keys[0]
        let value = filter.values[0]
        let keywordPath = Self.join(path, keyword)
        guard Self.keywords.contains(keyword) else { throw KoncordeError("unknown keyword", at: keywordPath) }
        switch keyword {
        case "equals": return try equals(value, path: keywordPath)
        case "in": return try inValues(value, path: keywordPath)
        case "ids": return try ids(value, path: keywordPath)
        case "range": return try range(value, path: keywordPath)
        case "exists": return try exists(value, keyword: keyword, path: keywordPath)
        case "missing": return .not(try exists(value, keyword: keyword, path: keywordPath))
        case "nothing": return .condition(.nothing)
        case "and": return .and(try filterArray(value, keyword: keyword, path: keywordPath))
        case "or": return .or(try filterArray(value, keyword: keyword, path: keywordPath))
        case "not": return try not(value, path: keywordPath)
        case "bool": return try bool(value, path: keywordPath)
        case "regexp": return try regexp(value, path: keywordPath)
        case "match": return try match(value, path: keywordPath)
        case "select": return try select(value, path: keywordPath)
        case "geoBoundingBox": return .condition(try GeoStandardizer.boundingBox(value, path: keywordPath))
        case "geoDistance": return .condition(try GeoStandardizer.distance(value, path: keywordPath))
        case "geoDistanceRange": return .condition(try GeoStandardizer.distanceRange(value, path: keywordPath))
        default: return .condition(try GeoStandardizer.polygon(value, path: keywordPath))
        }
    }

    // MARK: Terms

    private func equals(_ value: JSONValue, path: String) throws(KoncordeError) -> FilterNode {
        let object = try Self.object(value, path: path, properties: 1)
        let field = object.keys[0]
        let operand = object.values[0]
        switch operand {
        case .array, .object:
            throw KoncordeError("must either be a string, a number, a boolean, or null", at: Self.join(path, field))
        default:
            return .condition(.equals(field: field, value: operand))
        }
    }

    private func inValues(_ value: JSONValue, path: String) throws(KoncordeError) -> FilterNode {
        let object = try Self.object(value, path: path, properties: 1)
        let field = object.keys[0]
        let values = try Self.stringArray(object.values[0], path: Self.join(path, field))
        return .or(values.map { .condition(.equals(field: field, value: .string($0))) })
    }

    private func ids(_ value: JSONValue, path: String) throws(KoncordeError) -> FilterNode {
        let object = try Self.object(value, path: path, properties: 1, required: ["values"])
        let values = try Self.stringArray(object["values"] ?? .null, path: Self.join(path, "values"))
        return .or(values.map { .condition(.equals(field: "_id", value: .string($0))) })
    }

    private func range(_ value: JSONValue, path: String) throws(KoncordeError) -> FilterNode {
        let object = try Self.object(value, path: path, properties: 1)
        let field = object.keys[0]
        let fieldPath = "\(path).\(field)"
        let limits = try Self.object(
            object.values[0], path: fieldPath, nonEmpty: true, allowed: ["gt", "gte", "lt", "lte"])
        var bounds = RangeBounds()
        var hasUpper = false
        var hasLower = false
        for (key, limit) in limits {
            guard let number = limit.numberValue else {
                throw KoncordeError("must be a number", at: Self.join(fieldPath, key))
            }
            if key == "lt" || key == "lte" {
                if hasUpper { throw KoncordeError("only 1 upper boundary allowed", at: fieldPath) }
                hasUpper = true
                bounds.upper = number
                bounds.upperInclusive = key == "lte"
            } else {
                if hasLower { throw KoncordeError("only 1 lower boundary allowed", at: fieldPath) }
                hasLower = true
                bounds.lower = number
                bounds.lowerInclusive = key == "gte"
            }
        }
        if bounds.upper <= bounds.lower {
            throw KoncordeError("lower boundary must be strictly inferior to the upper one", at: fieldPath)
        }
        return .condition(.range(field: field, bounds: bounds))
    }

    private func exists(_ value: JSONValue, keyword: String, path: String) throws(KoncordeError) -> FilterNode {
        if case .string(let field) = value {
            if field.isEmpty { throw KoncordeError("cannot test empty field name", at: path) }
            return .condition(try FieldPath.condition(for: field, path: path))
        }
        let object = try Self.object(value, path: path, properties: 1, required: ["field"])
        let fieldPath = Self.join(path, "field")
        let field = try Self.string(object["field"] ?? .null, path: fieldPath)
        return .condition(try FieldPath.condition(for: field, path: fieldPath))
    }

    private func regexp(_ value: JSONValue, path: String) throws(KoncordeError) -> FilterNode {
        let object = try Self.object(value, path: path, properties: 1)
        let field = object.keys[0]
        let fieldPath = Self.join(path, field)
        let pattern: JSONValue
        var flags: String?
        switch object.values[0] {
        case .string:
            pattern = object.values[0]
        case .object:
            let options = try Self.object(
                object.values[0], path: fieldPath, nonEmpty: true, required: ["value"], allowed: ["flags", "value"])
            pattern = options["value"] ?? .null
            if let flagsValue = options["flags"], Self.isTruthy(flagsValue) {
                flags = try Self.string(flagsValue, path: Self.join(fieldPath, "flags"))
            }
        default:
            throw KoncordeError("must be either a string or a non-empty object", at: fieldPath)
        }
        let source = JavaScriptValue.string(of: pattern)
        do {
            let expression = try RegexpPattern(pattern: source, flags: flags ?? "")
            return .condition(.regexp(field: field, expression: expression))
        } catch {
            throw KoncordeError(
                "cannot parse regexp expression \"/\(source)/\(flags ?? "undefined")\" (\(error.description))",
                at: fieldPath)
        }
    }

    private func match(_ value: JSONValue, path: String) throws(KoncordeError) -> FilterNode {
        let pattern = try Self.object(value, path: path, nonEmpty: true)
        return .condition(.match(MatchPattern(pattern)))
    }

    private func select(_ value: JSONValue, path: String) throws(KoncordeError) -> FilterNode {
        let operand = try Self.object(value, path: path, properties: 3)
        let field = try Self.string(operand["field"] ?? .null, path: Self.join(path, "field"))
        let indexPath = Self.join(path, "index")
        let index: Int
        switch operand["index"] {
        case .int(let int)?:
            index = int
        case .double(let double)?:
            guard double.rounded(.down) == double else {
                throw KoncordeError("cannot have decimals, must be an integer", at: indexPath)
            }
            // Beyond Int's range no array element can be selected anyway.
            index = Int(exactly: double) ?? Int.max
        default:
            throw KoncordeError("must be an integer", at: indexPath)
        }
        let queryPath = Self.join(path, "query")
        let query = try Self.object(operand["query"] ?? .null, path: queryPath, nonEmpty: true)
        let node = try standardize(query, path: queryPath)
        let form = try DisjunctiveNormalForm(node, maxConjunctions: maxConjunctions)
        return .condition(.select(SelectQuery(field: field, index: index, query: form)))
    }

    // MARK: Operands

    private func filterArray(_ value: JSONValue, keyword: String, path: String) throws(KoncordeError) -> [FilterNode] {
        guard case .array(let elements) = value else { throw KoncordeError("must be an array", at: path) }
        if elements.isEmpty { throw KoncordeError("cannot be empty", at: path) }
        var objects: [JSONObject] = []
        objects.reserveCapacity(elements.count)
        for element in elements {
            guard case .object(let object) = element, !object.isEmpty else {
                throw KoncordeError("can only contain non-empty objects", at: path)
            }
            objects.append(object)
        }
        var nodes: [FilterNode] = []
        nodes.reserveCapacity(objects.count)
        for object in objects {
            nodes.append(try standardize(object, path: path))
        }
        return nodes
    }

    private func not(_ value: JSONValue, path: String) throws(KoncordeError) -> FilterNode {
        let object = try Self.object(value, path: path, properties: 1)
        return .not(try standardize(object, path: path))
    }

    private func bool(_ value: JSONValue, path: String) throws(KoncordeError) -> FilterNode {
        let object = try Self.object(value, path: path, nonEmpty: true, allowed: Self.boolAttributes)
        var clauses: [JSONValue] = []
        if let must = object["must"], Self.isTruthy(must) {
            if case .array(let elements) = must { clauses += elements } else { clauses.append(must) }
        }
        if let mustNot = object["must_not"], Self.isTruthy(mustNot) {
            clauses.append(["not": ["or": mustNot]])
        }
        if let should = object["should"], Self.isTruthy(should) {
            clauses.append(["or": should])
        }
        if let shouldNot = object["should_not"], Self.isTruthy(shouldNot) {
            clauses.append(["not": ["and": shouldNot]])
        }
        return try standardize(["and": .array(clauses)], path: path)
    }

    // MARK: Checks shared by keywords

    /// Checks that `value` is an object, in the order Koncorde checks: emptiness, size, required, allowed.
    static func object(
        _ value: JSONValue, path: String, nonEmpty: Bool = false, properties: Int? = nil,
        required: [String] = [], allowed: [String]? = nil
    ) throws(KoncordeError) -> JSONObject {
        guard case .object(let object) = value else { throw KoncordeError("must be an object", at: path) }
        if nonEmpty && object.isEmpty { throw KoncordeError("must be a non-empty object", at: path) }
        if let properties, object.count != properties {
            let noun = properties > 1 ? "properties" : "property"
            throw KoncordeError(
                "expected object to have exactly \(properties) \(noun), got \(object.count)", at: path)
        }
        for name in required where object[name] == nil {
            throw KoncordeError("the property \"\(name)\" is missing", at: path)
        }
        if let allowed {
            for key in object.keys where !allowed.contains(key) {
                throw KoncordeError(
                    "\"\(key)\" is not an allowed attribute (allowed: \(allowed.joined(separator: ",")))", at: path)
            }
        }
        return object
    }

    static func string(_ value: JSONValue, path: String) throws(KoncordeError) -> String {
        guard case .string(let string) = value else { throw KoncordeError("must be a string", at: path) }
        if string.isEmpty { throw KoncordeError("cannot be empty", at: path) }
        return string
    }

    private static func stringArray(_ value: JSONValue, path: String) throws(KoncordeError) -> [String] {
        guard case .array(let elements) = value else { throw KoncordeError("must be an array", at: path) }
        if elements.isEmpty { throw KoncordeError("cannot be empty", at: path) }
        var strings: [String] = []
        strings.reserveCapacity(elements.count)
        for element in elements {
            guard case .string(let string) = element else {
                throw KoncordeError("must hold only values of type \"string\"", at: path)
            }
            strings.append(string)
        }
        return strings
    }

    /// JavaScript truthiness of a JSON value.
    static func isTruthy(_ value: JSONValue) -> Bool {
        switch value {
        case .null: return false
        case .bool(let bool): return bool
        case .int(let int): return int != 0
        case .double(let double): return double != 0 && !double.isNaN
        case .string(let string): return !string.isEmpty
        case .array, .object: return true
        }
    }

    static func join(_ path: String?, _ leaf: String) -> String {
        guard let path else { return leaf }
        return "\(path).\(leaf)"
    }
}

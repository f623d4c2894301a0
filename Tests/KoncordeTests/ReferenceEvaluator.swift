import HeraldWire

/// A direct, unindexed reading of the filter language, used to check the engine.
struct ReferenceEvaluator {
    private var fields: [String: JSONValue] = [:]

    init(document: JSONObject, id: String) {
        flatten(document, prefix: nil)
        fields["_id"] = .string(id)
    }

    private mutating func flatten(_ object: JSONObject, prefix: String?) {
        for (key, value) in object {
            let path = prefix.map { "\($0).\(key)" } ?? key
            fields[path] = value
            if case .object(let member) = value { flatten(member, prefix: path) }
        }
    }

    func evaluate(_ filter: JSONValue) -> Bool {
        guard case .object(let object) = filter, let keyword = object.keys.first else { return true }
        let operand = object.values[0]
        switch keyword {
        case "equals":
            let (field, value) = Self.single(operand)
            return Self.strictlyEqual(fields[field], value)
        case "in":
            let (field, values) = Self.single(operand)
            return values.arrayValue!.contains { Self.strictlyEqual(fields[field], $0) }
        case "ids":
            return operand.objectValue!["values"]!.arrayValue!.contains { Self.strictlyEqual(fields["_id"], $0) }
        case "range":
            let (field, bounds) = Self.single(operand)
            guard let number = fields[field]?.numberValue, fields[field]?.boolValue == nil else { return false }
            return bounds.objectValue!.allSatisfy { key, limit in
                let bound = limit.numberValue!
                switch key {
                case "gt": return number > bound
                case "gte": return number >= bound
                case "lt": return number < bound
                default: return number <= bound
                }
            }
        case "exists": return exists(operand.stringValue!)
        case "missing": return !exists(operand.stringValue!)
        case "regexp":
            let (field, operand) = Self.single(operand)
            guard case .string(let string) = fields[field] else { return false }
            let pattern = operand.stringValue ?? operand.objectValue!["value"]!.stringValue!
            let ignoreCase = operand.objectValue?["flags"] == "i"
            // Generated patterns are literal characters, a class and anchors: compare by hand.
            return Self.simpleMatch(pattern, ignoreCase ? string.uppercased() : string)
        case "nothing": return false
        case "and": return operand.arrayValue!.allSatisfy(evaluate)
        case "or": return operand.arrayValue!.contains(where: evaluate)
        case "not": return !evaluate(operand)
        case "bool":
            let clauses = operand.objectValue!
            if let must = clauses["must"]?.arrayValue, !must.allSatisfy(evaluate) { return false }
            if let mustNot = clauses["must_not"]?.arrayValue, mustNot.contains(where: evaluate) { return false }
            if let should = clauses["should"]?.arrayValue, !should.contains(where: evaluate) { return false }
            if let shouldNot = clauses["should_not"]?.arrayValue, shouldNot.allSatisfy(evaluate) { return false }
            return true
        default:
            fatalError("keyword \(keyword) not generated")
        }
    }

    private func exists(_ path: String) -> Bool {
        guard path.hasSuffix("]"), let bracket = path.firstIndex(of: "[") else { return fields[path] != nil }
        let name = String(path[..<bracket])
        let raw = String(path[path.index(after: bracket)..<path.index(before: path.endIndex)])
        let value: JSONValue
        switch raw {
        case "true": value = true
        case "false": value = false
        case "null": value = nil
        default: value = raw.hasPrefix("\"") ? .string(String(raw.dropFirst().dropLast())) : .int(Int(raw)!)
        }
        guard case .array(let elements) = fields[name] else { return false }
        return elements.contains { Self.strictlyEqual($0, value) }
    }

    /// Matches the generated patterns: optional `^`, literal characters or one `[..]` class, optional `$`.
    private static func simpleMatch(_ pattern: String, _ string: String) -> Bool {
        var body = Substring(pattern)
        let anchoredStart = body.hasPrefix("^")
        if anchoredStart { body = body.dropFirst() }
        let anchoredEnd = body.hasSuffix("$")
        if anchoredEnd { body = body.dropLast() }
        let alternatives: [String]
        if body.hasPrefix("[") {
            alternatives = body.dropFirst().dropLast().map { String($0) }
        } else {
            alternatives = [String(body)]
        }
        return alternatives.contains { literal in
            switch (anchoredStart, anchoredEnd) {
            case (true, true): return string == literal
            case (true, false): return string.hasPrefix(literal)
            case (false, true): return string.hasSuffix(literal)
            case (false, false): return string.contains(literal)
            }
        }
    }

    private static func single(_ operand: JSONValue) -> (String, JSONValue) {
        let object = operand.objectValue!
        return (object.keys[0], object.values[0])
    }

    /// JavaScript `===` on scalars; containers never equal a scalar.
    private static func strictlyEqual(_ documentValue: JSONValue?, _ value: JSONValue) -> Bool {
        guard let documentValue else { return false }
        switch documentValue {
        case .array, .object: return false
        default: return documentValue == value
        }
    }
}

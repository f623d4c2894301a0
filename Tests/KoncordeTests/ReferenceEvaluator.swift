import HeraldWire
import Glibc

/// A direct, unindexed reading of the filter language, used to check the engine.
struct ReferenceEvaluator {
    private var fields: [String: JSONValue] = [:]

    init(document: JSONObject, id: String?) {
        flatten(document, prefix: nil)
        if let id { fields["_id"] = .string(id) }
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
        case "match":
            return operand.objectValue!.allSatisfy { key, expected in Self.contains(fields[key], expected) }
        case "select":
            let select = operand.objectValue!
            guard case .array(let elements) = fields[select["field"]!.stringValue!] else { return false }
            let index = select["index"]!.integerValue!
            let position = index < 0 ? elements.count + index : index
            guard elements.indices.contains(position) else { return false }
            return ReferenceEvaluator(document: ["value": elements[position]], id: nil).evaluate(select["query"]!)
        case "geoBoundingBox", "geoDistance", "geoDistanceRange", "geoPolygon":
            return evaluateGeo(keyword, operand.objectValue!)
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

    /// Geo terms as generated: whole-degree shapes, documents at half degrees near the equator,
    /// distances on a sphere (the generator keeps radii far from every possible distance).
    private func evaluateGeo(_ keyword: String, _ operand: JSONObject) -> Bool {
        guard let point = Self.point(fields["g"]) else { return false }
        switch keyword {
        case "geoBoundingBox":
            let corners = operand["g"]!.objectValue!
            let top, left, bottom, right: Double
            if let value = corners["top"] {
                (top, left) = (value.numberValue!, corners["left"]!.numberValue!)
                (bottom, right) = (corners["bottom"]!.numberValue!, corners["right"]!.numberValue!)
            } else {
                let parts = corners["top_left"]!.stringValue!.split(separator: ",")
                (top, left) = (Double(parts[0].trimmingPrefix(" "))!, Double(parts[1].trimmingPrefix(" "))!)
                let bottomRight = corners["bottomRight"]!.arrayValue!
                (bottom, right) = (bottomRight[0].numberValue!, bottomRight[1].numberValue!)
            }
            return point.lat >= bottom && point.lat <= top && point.lon >= left && point.lon <= right
        case "geoDistance", "geoDistanceRange":
            let center = Self.point(operand["g"])!
            let distance = Self.sphericalDistance(center, point)
            if keyword == "geoDistance" { return distance <= Self.kilometers(operand["distance"]!) }
            return distance >= Self.kilometers(operand["from"]!) && distance <= Self.kilometers(operand["to"]!)
        default:
            let vertices = operand["g"]!.objectValue!["points"]!.arrayValue!.map { Self.point($0)! }
            return Self.polygon(vertices, holds: point)
        }
    }

    private static func point(_ value: JSONValue?) -> (lat: Double, lon: Double)? {
        switch value {
        case .array(let pair)?: return (pair[0].numberValue!, pair[1].numberValue!)
        case .string(let text)? where text.contains(","):
            let parts = text.split(separator: ",")
            return (Double(parts[0])!, Double(parts[1].trimmingPrefix(" "))!)
        case .object(let object)?:
            if let pair = object["lat_lon"] { return point(pair) }
            return (object["lat"]!.numberValue!, object["lon"]!.numberValue!)
        default: return nil
        }
    }

    private static func kilometers(_ value: JSONValue) -> Double {
        let text = value.stringValue!
        let digits = Double(text.prefix { $0.isNumber })!
        return text.hasSuffix("m") && !text.hasSuffix("km") ? digits / 1000 : digits
    }

    private static func sphericalDistance(_ a: (lat: Double, lon: Double), _ b: (lat: Double, lon: Double)) -> Double {
        let radians = Double.pi / 180
        let dLat = (b.lat - a.lat) * radians
        let dLon = (b.lon - a.lon) * radians * cos((a.lat + b.lat) / 2 * radians)
        return 6_371.0 * (dLat * dLat + dLon * dLon).squareRoot()
    }

    /// Winding number, with points on an edge inside.
    private static func polygon(_ vertices: [(lat: Double, lon: Double)], holds point: (lat: Double, lon: Double)) -> Bool {
        var winding = 0
        for index in vertices.indices {
            let a = vertices[index], b = vertices[(index + 1) % vertices.count]
            let side = (b.lon - a.lon) * (point.lat - a.lat) - (point.lon - a.lon) * (b.lat - a.lat)
            if side == 0 && min(a.lon, b.lon) <= point.lon && point.lon <= max(a.lon, b.lon)
                && min(a.lat, b.lat) <= point.lat && point.lat <= max(a.lat, b.lat)
            {
                return true
            }
            if a.lat <= point.lat {
                if b.lat > point.lat && side > 0 { winding += 1 }
            } else if b.lat <= point.lat && side < 0 {
                winding -= 1
            }
        }
        return winding != 0
    }

    /// `match`: same JSON type; objects by subset; arrays when each pattern element takes a distinct
    /// document element (first fit); scalars by strict equality.
    private static func contains(_ value: JSONValue?, _ expected: JSONValue) -> Bool {
        guard let value else { return false }
        if case .object(let pattern) = expected {
            guard case .object(let object) = value else { return false }
            return pattern.allSatisfy { key, member in contains(object[key], member) }
        }
        if case .array(let pattern) = expected {
            guard case .array(var pool) = value else { return false }
            for element in pattern {
                guard let found = pool.firstIndex(where: { contains($0, element) }) else { return false }
                pool.remove(at: found)
            }
            return true
        }
        switch value {
        case .array, .object: return false
        default: return value == expected
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

import HeraldWire

/// A seeded generator of filters and documents over a small vocabulary, so that they often meet.
struct RandomFilters {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    /// SplitMix64.
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    mutating func pick<T>(_ choices: [T]) -> T { choices[below(choices.count)] }

    private static let fields = ["a", "b", "c.d", "c", "e"]
    private static let scalars: [JSONValue] = ["x", "y", "z", 1, 2, 3, 1.5, true, false, nil, "1"]
    private static let strings = ["x", "y", "z", "1"]
    private static let ids = ["d1", "d2", "d3"]

    mutating func scalar() -> JSONValue { pick(Self.scalars) }

    mutating func filter(depth: Int = 0) -> JSONValue {
        let choice = depth >= 3 ? below(8) : below(15)
        switch choice {
        case 0: return ["equals": .object([pick(Self.fields): scalar()])]
        case 1:
            let values = (0...below(3)).map { _ in JSONValue.string(pick(Self.strings)) }
            return ["in": .object([pick(Self.fields): .array(values)])]
        case 2:
            var bounds = JSONObject()
            let low = below(4)
            let width = 1 + below(3)
            switch below(3) {
            case 0: bounds[pick(["gt", "gte"])] = .int(low)
            case 1: bounds[pick(["lt", "lte"])] = .int(low)
            default:
                bounds[pick(["gt", "gte"])] = .int(low)
                bounds[pick(["lt", "lte"])] = .double(Double(low + width) - 0.5 * Double(below(2)))
            }
            return ["range": .object([pick(Self.fields): .object(bounds)])]
        case 3: return ["exists": .string(pick(Self.fields))]
        case 4: return ["missing": .string(pick(Self.fields))]
        case 5:
            let element = pick(["\"x\"", "\"y\"", "1", "2", "true"])
            return [pick(["exists", "missing"]): .string("e[\(element)]")]
        case 6:
            if below(4) == 0 { return ["nothing": true] }
            return ["ids": ["values": .array((0...below(2)).map { _ in .string(pick(Self.ids)) })]]
        case 7:
            let pattern = pick(["^x", "y", "^[xz]$", "1"])
            if below(2) == 0 { return ["regexp": .object([pick(Self.fields): .string(pattern)])] }
            return ["regexp": .object([pick(Self.fields): ["value": .string(pattern.uppercased()), "flags": "i"]])]
        case 8, 9:
            let children = (0...below(3)).map { _ in filter(depth: depth + 1) }
            return [choice == 8 ? "and" : "or": .array(children)]
        case 10: return ["not": filter(depth: depth + 1)]
        case 11: return geoFilter()
        case 12: return matchFilter()
        case 13: return selectFilter()
        default:
            var clauses = JSONObject()
            for clause in ["must", "must_not", "should", "should_not"] where below(2) == 0 {
                clauses[clause] = .array((0...below(2)).map { _ in filter(depth: depth + 1) })
            }
            if clauses.isEmpty { clauses["must"] = [filter(depth: depth + 1)] }
            return ["bool": .object(clauses)]
        }
    }

    /// Shapes with whole-degree corners, centres and radii far from any distance between a whole
    /// and a half-degree point, so that documents (at half degrees) never sit on a border.
    mutating func geoFilter() -> JSONValue {
        func corner() -> Int { below(5) }
        switch below(4) {
        case 0:
            let bottom = below(4), left = below(4)
            let top = bottom + 1 + below(3), right = left + 1 + below(3)
            if below(2) == 0 {
                return ["geoBoundingBox": ["g": ["top": .int(top), "left": .int(left), "bottom": .int(bottom),
                                                 "right": .int(right)]]]
            }
            return ["geoBoundingBox": ["g": ["top_left": .string("\(top), \(left)"),
                                             "bottomRight": [.int(bottom), .int(right)]]]]
        case 1:
            return ["geoDistance": ["g": [.int(corner()), .int(corner())],
                                    "distance": .string(pick(["120km", "200 km", "260000m", "305 kilometers"]))]]
        case 2:
            let inner = pick(["120km", "200km"])
            return ["geoDistanceRange": ["g": ["lat": .int(corner()), "lon": .int(corner())], "from": .string(inner),
                                         "to": .string(pick(["260km", "305km"]))]]
        default:
            let points = (0..<(3 + below(2))).map { _ in JSONValue.array([.int(corner()), .int(corner())]) }
            return ["geoPolygon": ["g": ["points": .array(points)]]]
        }
    }

    mutating func matchFilter() -> JSONValue {
        var pattern = JSONObject()
        for _ in 0...below(2) {
            switch below(4) {
            case 0: pattern[pick(Self.fields)] = scalar()
            case 1: pattern["c"] = below(3) == 0 ? [:] : ["d": scalar()]
            case 2: pattern["e"] = .array((0..<below(3)).map { _ in pick(["x", "y", 1, 2, true, ["x"]]) })
            default: pattern["c.d"] = scalar()
            }
        }
        return ["match": .object(pattern)]
    }

    mutating func selectFilter() -> JSONValue {
        let query: JSONValue
        switch below(5) {
        case 0: query = ["equals": ["value": scalar()]]
        case 1: query = ["range": ["value": [pick(["gt", "gte", "lt", "lte"]): .int(below(3))]]]
        case 2: query = ["exists": "value"]
        case 3: query = ["not": ["equals": ["value": scalar()]]]
        default: query = ["or": [["equals": ["value": scalar()]], ["match": ["value": ["x"]]]]]
        }
        return ["select": ["field": "e", "index": .int(below(5) - 2), "query": query]]
    }

    mutating func document() -> (JSONObject, String) {
        var document = JSONObject()
        for field in ["a", "b"] where below(4) != 0 { document[field] = scalar() }
        switch below(3) {
        case 0: document["c"] = scalar()
        case 1: document["c"] = below(4) == 0 ? [:] : ["d": scalar()]
        default: break
        }
        switch below(3) {
        case 0: document["e"] = .array((0..<below(4)).map { _ in pick(["x", "y", 1, 2, true, "1", ["x"]]) })
        case 1: document["e"] = scalar()
        default: break
        }
        let lat = Double(below(5)) + 0.5, lon = Double(below(5)) + 0.5
        switch below(6) {
        case 0: document["g"] = [.double(lat), .double(lon)]
        case 1: document["g"] = .string("\(lat), \(lon)")
        case 2: document["g"] = ["lat": .double(lat), "lon": .double(lon)]
        case 3: document["g"] = ["lat_lon": [.double(lat), .double(lon)]]
        case 4: document["g"] = "zz"
        default: break
        }
        return (document, pick(Self.ids))
    }
}

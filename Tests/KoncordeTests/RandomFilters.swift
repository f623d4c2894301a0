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
        let choice = depth >= 3 ? below(8) : below(12)
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
        default:
            var clauses = JSONObject()
            for clause in ["must", "must_not", "should", "should_not"] where below(2) == 0 {
                clauses[clause] = .array((0...below(2)).map { _ in filter(depth: depth + 1) })
            }
            if clauses.isEmpty { clauses["must"] = [filter(depth: depth + 1)] }
            return ["bool": .object(clauses)]
        }
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
        return (document, pick(Self.ids))
    }
}

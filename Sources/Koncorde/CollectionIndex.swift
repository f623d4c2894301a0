import HeraldWire

/// The stored filters of one index/collection and the structures that match documents against them.
///
/// Conditions are shared between filters and indexed by field. Each conjunction ("subfilter") is
/// filed under one of its positive conditions, its anchor: the most selective one (an exact value
/// before a range, a range before a mere `exists`). A document first stamps every condition it
/// satisfies, touching only the indexes of the fields it has; then only the subfilters anchored on
/// those conditions are checked, each literal by its condition's stamp (a negated literal holds
/// when its condition was not stamped). So a condition shared by every room, such as an `exists`,
/// costs nothing unless it is the most selective test of a subfilter. Subfilters made only of
/// negations are checked on every document. A `match` condition is indexed by one of its
/// properties and decided against the whole document only when that property matched.
final class CollectionIndex {
    private struct ConditionEntry {
        var condition: Condition
        /// Subfilters using this condition, negated or not.
        var users: Int32 = 0
        /// Subfilters whose anchor this condition is.
        var anchored: [Int32] = []
    }

    private struct SubfilterEntry {
        /// Literal codes: condition id * 2, plus 1 when negated.
        var literals: [Int32]
        /// The anchor condition, or -1 when every literal is negated.
        var anchor: Int32
        var rooms: [Int32] = []
    }

    private struct RoomEntry {
        var id: String
        var subfilters: [Int32]
    }

    // Conditions.
    private var conditionIds: [Condition: Int32] = [:]
    private var conditions: [ConditionEntry?] = []
    private var freeConditions: [Int32] = []
    private var fields: [String: FieldIndex] = [:]
    // Subfilters (conjunctions), keyed by their sorted literal codes.
    private var subfilterIds: [[Int32]: Int32] = [:]
    private var subfilters: [SubfilterEntry?] = []
    private var freeSubfilters: [Int32] = []
    private var negativeOnly: [Int32] = []
    // Rooms.
    private var roomSlots: [String: Int32] = [:]
    private var rooms: [RoomEntry?] = []
    private var freeRooms: [Int32] = []
    // Per-document scratch state: a condition matched the current document when its stamp equals
    // `generation`; likewise a room already reported.
    private var generation: UInt32 = 0
    private var conditionStamps: [UInt32] = []
    private var roomStamps: [UInt32] = []
    private var candidates: [Int32] = []
    private var matchedConditions: [Int32] = []
    private var candidateConditions: [Int32] = []

    /// Number of stored rooms.
    var roomCount: Int { roomSlots.count }

    func contains(_ roomId: String) -> Bool { roomSlots[roomId] != nil }

    /// Stores `filter` under its id, unless a room with that id exists already.
    func store(_ filter: NormalizedFilter) {
        guard roomSlots[filter.id] == nil else { return }
        let room = allocate(&rooms, free: &freeRooms, RoomEntry(id: filter.id, subfilters: []))
        if Int(room) >= roomStamps.count { roomStamps.append(0) }
        roomSlots[filter.id] = room
        var roomSubfilters: [Int32] = []
        for conjunction in filter.form.conjunctions {
            let codes = conjunction.map { literal in
                conditionId(for: literal.condition) * 2 + (literal.negated ? 1 : 0)
            }.sorted()
            let subfilter = subfilterId(for: codes)
            subfilters[Int(subfilter)]!.rooms.append(room)
            roomSubfilters.append(subfilter)
        }
        rooms[Int(room)]!.subfilters = roomSubfilters
    }

    /// Removes a room; returns `false` when it is unknown.
    @discardableResult
    func remove(_ roomId: String) -> Bool {
        guard let room = roomSlots.removeValue(forKey: roomId), let entry = rooms[Int(room)] else { return false }
        rooms[Int(room)] = nil
        freeRooms.append(room)
        for subfilter in entry.subfilters {
            subfilters[Int(subfilter)]!.rooms.removeAll { $0 == room }
            if subfilters[Int(subfilter)]!.rooms.isEmpty { release(subfilter: subfilter) }
        }
        return true
    }

    /// Ids of the rooms whose filter matches the document. The document is flattened only when
    /// some stored condition reads a field: filters such as `{}` match without looking at it.
    func match(source: JSONObject, id: String) -> [String] {
        advanceGeneration()
        candidates.removeAll(keepingCapacity: true)
        if !fields.isEmpty { stampConditions(of: DocumentFields(source: source, id: id)) }
        var result: [String] = []
        for subfilter in candidates { check(subfilter, into: &result) }
        for subfilter in negativeOnly { check(subfilter, into: &result) }
        return result
    }

    /// Stamps the conditions the document satisfies, collecting the subfilters anchored on them.
    private func stampConditions(of document: DocumentFields) {
        candidateConditions.removeAll(keepingCapacity: true)
        let paths = document.paths
        let values = document.values
        for position in paths.indices {
            guard let field = fields[paths[position]] else { continue }
            matchedConditions.removeAll(keepingCapacity: true)
            field.collect(values[position], into: &matchedConditions, candidates: &candidateConditions)
            for condition in matchedConditions { conditionMatched(condition) }
        }
        if !candidateConditions.isEmpty { checkCandidates(document) }
    }

    /// Decides the `match` conditions whose anchor field matched, against the whole document.
    private func checkCandidates(_ document: DocumentFields) {
        let lookup = document.lookup()
        for condition in candidateConditions where conditionStamps[Int(condition)] != generation {
            guard case .match(let pattern)? = conditions[Int(condition)]?.condition, pattern.matches(lookup) else {
                continue
            }
            conditionMatched(condition)
        }
    }

    private func advanceGeneration() {
        generation &+= 1
        if generation == 0 {
            // Wrapped around: clear every stamp so that no stale one looks current.
            for index in conditionStamps.indices { conditionStamps[index] = 0 }
            for index in roomStamps.indices { roomStamps[index] = 0 }
            generation = 1
        }
    }

    @inline(__always)
    private func conditionMatched(_ condition: Int32) {
        let index = Int(condition)
        if conditionStamps[index] == generation { return }
        conditionStamps[index] = generation
        if let anchored = conditions[index]?.anchored, !anchored.isEmpty { candidates.append(contentsOf: anchored) }
    }

    /// Emits the rooms of `subfilter` when every literal holds for the current document.
    @inline(__always)
    private func check(_ subfilter: Int32, into result: inout [String]) {
        guard let entry = subfilters[Int(subfilter)] else { return }
        for code in entry.literals {
            let matched = conditionStamps[Int(code >> 1)] == generation
            if matched == (code & 1 == 1) { return }
        }
        for room in entry.rooms where roomStamps[Int(room)] != generation {
            roomStamps[Int(room)] = generation
            result.append(rooms[Int(room)]!.id)
        }
    }

    // MARK: Storage

    private func conditionId(for condition: Condition) -> Int32 {
        if let id = conditionIds[condition] { return id }
        let id = allocate(&conditions, free: &freeConditions, ConditionEntry(condition: condition))
        if Int(id) >= conditionStamps.count { conditionStamps.append(0) }
        conditionStamps[Int(id)] = 0
        conditionIds[condition] = id
        if let name = condition.field {
            let field: FieldIndex
            if let existing = fields[name] {
                field = existing
            } else {
                field = FieldIndex()
                fields[name] = field
            }
            field.add(condition, id: id)
        }
        return id
    }

    private func subfilterId(for codes: [Int32]) -> Int32 {
        if let id = subfilterIds[codes] { return id }
        let anchor = chooseAnchor(codes)
        let id = allocate(&subfilters, free: &freeSubfilters, SubfilterEntry(literals: codes, anchor: anchor))
        subfilterIds[codes] = id
        for code in codes { conditions[Int(code >> 1)]!.users += 1 }
        if anchor >= 0 {
            conditions[Int(anchor)]!.anchored.append(id)
        } else {
            negativeOnly.append(id)
        }
        return id
    }

    /// The positive condition of the conjunction least likely to match an arbitrary document.
    private func chooseAnchor(_ codes: [Int32]) -> Int32 {
        var best: Int32 = -1
        var bestScore = Int.max
        for code in codes where code & 1 == 0 {
            let entry = conditions[Int(code >> 1)]!
            let score = Self.rank(entry.condition) * 1_000_000_000 + entry.anchored.count
            if score < bestScore {
                best = code >> 1
                bestScore = score
            }
        }
        return best
    }

    /// Lower for conditions that usually match fewer documents.
    private static func rank(_ condition: Condition) -> Int {
        switch condition {
        case .equals, .contains: return 0
        case .match(let pattern): return pattern.anchorValue == nil ? 2 : 1
        case .range, .regexp, .geo, .select: return 2
        case .exists: return 3
        case .nothing: return 4
        }
    }

    private func release(subfilter: Int32) {
        guard let entry = subfilters[Int(subfilter)] else { return }
        subfilters[Int(subfilter)] = nil
        freeSubfilters.append(subfilter)
        subfilterIds[entry.literals] = nil
        if entry.anchor >= 0 {
            conditions[Int(entry.anchor)]!.anchored.removeAll { $0 == subfilter }
        } else {
            negativeOnly.removeAll { $0 == subfilter }
        }
        for code in entry.literals {
            let condition = Int(code >> 1)
            conditions[condition]!.users -= 1
            if conditions[condition]!.users == 0 { release(condition: Int32(condition)) }
        }
    }

    private func release(condition: Int32) {
        guard let entry = conditions[Int(condition)] else { return }
        conditions[Int(condition)] = nil
        freeConditions.append(condition)
        conditionIds[entry.condition] = nil
        if let name = entry.condition.field, let field = fields[name] {
            field.remove(entry.condition, id: condition)
            if field.isEmpty { fields[name] = nil }
        }
    }

    private func allocate<Entry>(_ slots: inout [Entry?], free: inout [Int32], _ entry: Entry) -> Int32 {
        if let slot = free.popLast() {
            slots[Int(slot)] = entry
            return slot
        }
        slots.append(entry)
        return Int32(slots.count - 1)
    }
}

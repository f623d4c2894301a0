import HeraldWire

/// The stored filters of one index/collection and the structures that match documents against them.
///
/// Conditions are shared between filters and indexed by field; each conjunction ("subfilter") keeps
/// a counter of its positive literals matched by the current document. A negated literal is
/// violated when its positive condition matches, so a document only touches the conditions on the
/// fields it has; conjunctions made only of negations are checked on every document.
final class CollectionIndex {
    private struct ConditionEntry {
        var condition: Condition
        var positiveUsers: [Int32] = []
        var negativeUsers: [Int32] = []
    }

    private struct SubfilterEntry {
        var literals: [Int32]
        var positiveCount: Int32
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
    // Subfilters (conjunctions), keyed by their literal codes (condition id * 2 + negated).
    private var subfilterIds: [[Int32]: Int32] = [:]
    private var subfilters: [SubfilterEntry?] = []
    private var freeSubfilters: [Int32] = []
    private var negativeOnly: [Int32] = []
    // Rooms.
    private var roomSlots: [String: Int32] = [:]
    private var rooms: [RoomEntry?] = []
    private var freeRooms: [Int32] = []
    // Per-document scratch state, valid when the stamp equals `generation`.
    private var generation: UInt32 = 0
    private var conditionStamps: [UInt32] = []
    private var subfilterStamps: [UInt32] = []
    private var hits: [Int32] = []
    private var violated: [Bool] = []
    private var roomStamps: [UInt32] = []
    private var touched: [Int32] = []
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

    /// Ids of the rooms whose filter matches the document.
    func match(_ document: DocumentFields) -> [String] {
        advanceGeneration()
        touched.removeAll(keepingCapacity: true)
        let paths = document.paths
        let values = document.values
        candidateConditions.removeAll(keepingCapacity: true)
        for position in paths.indices {
            guard let field = fields[paths[position]] else { continue }
            matchedConditions.removeAll(keepingCapacity: true)
            field.collect(values[position], into: &matchedConditions, candidates: &candidateConditions)
            for condition in matchedConditions { conditionMatched(condition) }
        }
        if !candidateConditions.isEmpty { checkCandidates(document) }
        var result: [String] = []
        for subfilter in touched {
            let index = Int(subfilter)
            guard !violated[index], let entry = subfilters[index], entry.positiveCount > 0,
                hits[index] == entry.positiveCount
            else { continue }
            emit(entry.rooms, into: &result)
        }
        for subfilter in negativeOnly {
            let index = Int(subfilter)
            if subfilterStamps[index] == generation && violated[index] { continue }
            emit(subfilters[index]!.rooms, into: &result)
        }
        return result
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
            for index in subfilterStamps.indices { subfilterStamps[index] = 0 }
            for index in roomStamps.indices { roomStamps[index] = 0 }
            generation = 1
        }
    }

    @inline(__always)
    private func conditionMatched(_ condition: Int32) {
        let index = Int(condition)
        if conditionStamps[index] == generation { return }
        conditionStamps[index] = generation
        guard let entry = conditions[index] else { return }
        for subfilter in entry.positiveUsers {
            touch(subfilter)
            hits[Int(subfilter)] += 1
        }
        for subfilter in entry.negativeUsers {
            touch(subfilter)
            violated[Int(subfilter)] = true
        }
    }

    @inline(__always)
    private func touch(_ subfilter: Int32) {
        let index = Int(subfilter)
        if subfilterStamps[index] != generation {
            subfilterStamps[index] = generation
            hits[index] = 0
            violated[index] = false
            touched.append(subfilter)
        }
    }

    @inline(__always)
    private func emit(_ roomList: [Int32], into result: inout [String]) {
        for room in roomList where roomStamps[Int(room)] != generation {
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
        let positiveCount = Int32(codes.count { $0 & 1 == 0 })
        let id = allocate(&subfilters, free: &freeSubfilters,
                          SubfilterEntry(literals: codes, positiveCount: positiveCount))
        if Int(id) >= subfilterStamps.count {
            subfilterStamps.append(0)
            hits.append(0)
            violated.append(false)
        }
        subfilterStamps[Int(id)] = 0
        subfilterIds[codes] = id
        for code in codes {
            let condition = Int(code >> 1)
            if code & 1 == 0 {
                conditions[condition]!.positiveUsers.append(id)
            } else {
                conditions[condition]!.negativeUsers.append(id)
            }
        }
        if positiveCount == 0 { negativeOnly.append(id) }
        return id
    }

    private func release(subfilter: Int32) {
        guard let entry = subfilters[Int(subfilter)] else { return }
        subfilters[Int(subfilter)] = nil
        freeSubfilters.append(subfilter)
        subfilterIds[entry.literals] = nil
        if entry.positiveCount == 0 { negativeOnly.removeAll { $0 == subfilter } }
        for code in entry.literals {
            let condition = Int(code >> 1)
            if code & 1 == 0 {
                conditions[condition]!.positiveUsers.removeAll { $0 == subfilter }
            } else {
                conditions[condition]!.negativeUsers.removeAll { $0 == subfilter }
            }
            let users = conditions[condition]!
            if users.positiveUsers.isEmpty && users.negativeUsers.isEmpty { release(condition: Int32(condition)) }
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

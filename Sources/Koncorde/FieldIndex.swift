import HeraldWire

/// The conditions on one document field, indexed by operator.
final class FieldIndex {
    /// The `exists` condition on this field, if any.
    var exists: Int32?
    /// `equals` conditions by value.
    var equals: [JSONValue: Int32] = [:]
    /// Array-membership conditions by the value looked for.
    var contains: [JSONValue: Int32] = [:]
    /// `range` conditions.
    var ranges = IntervalTree()
    /// Geospatial conditions.
    private var shapes = GeoIndex()
    /// `regexp` conditions, tested one by one on string values.
    private var regexps: [(id: Int32, regex: Regex<AnyRegexOutput>)] = []
    /// `match` conditions anchored on this field with a scalar value, by that value.
    private var matchesByValue: [JSONValue: [Int32]] = [:]
    /// `match` conditions anchored on this field with an object or array value.
    private var matchesOnPresence: [Int32] = []
    /// `select` conditions on this field, tested one by one on array values.
    private var selects: [(id: Int32, query: SelectQuery)] = []

    var isEmpty: Bool {
        exists == nil && equals.isEmpty && contains.isEmpty && ranges.count == 0 && regexps.isEmpty
            && shapes.count == 0 && matchesByValue.isEmpty && matchesOnPresence.isEmpty && selects.isEmpty
    }

    func add(_ condition: Condition, id: Int32) {
        switch condition {
        case .exists: exists = id
        case .equals(_, let value): equals[value] = id
        case .contains(_, let value): contains[value] = id
        case .range(_, let bounds): ranges.insert(bounds, condition: id)
        case .regexp(_, let expression):
            if let regex = expression.compile() { regexps.append((id, regex)) }
        case .geo(_, let shape): shapes.insert(shape, condition: id)
        case .match(let pattern):
            if let value = pattern.anchorValue {
                matchesByValue[value, default: []].append(id)
            } else {
                matchesOnPresence.append(id)
            }
        case .select(let query): selects.append((id, query))
        case .nothing: break
        }
    }

    func remove(_ condition: Condition, id: Int32) {
        switch condition {
        case .exists: exists = nil
        case .equals(_, let value): equals[value] = nil
        case .contains(_, let value): contains[value] = nil
        case .range(_, let bounds): ranges.remove(bounds, condition: id)
        case .regexp: regexps.removeAll { $0.id == id }
        case .geo(_, let shape): shapes.remove(shape, condition: id)
        case .match(let pattern):
            if let value = pattern.anchorValue {
                matchesByValue[value]?.removeAll { $0 == id }
                if matchesByValue[value]?.isEmpty == true { matchesByValue[value] = nil }
            } else {
                matchesOnPresence.removeAll { $0 == id }
            }
        case .select: selects.removeAll { $0.id == id }
        case .nothing: break
        }
    }

    /// Appends the conditions this field value satisfies to `matches`, and to `candidates` the
    /// `match` conditions that need the whole document to be decided.
    func collect(_ value: JSONValue, into matches: inout [Int32], candidates: inout [Int32]) {
        if let exists { matches.append(exists) }
        if !matchesOnPresence.isEmpty { candidates.append(contentsOf: matchesOnPresence) }
        switch value {
        case .string(let string):
            if !equals.isEmpty, let id = equals[value] { matches.append(id) }
            for (id, regex) in regexps where (try? regex.firstMatch(in: string)) != nil {
                matches.append(id)
            }
            collectMatchCandidates(value, into: &candidates)
            collectShapes(value, into: &matches)
        case .bool, .null:
            if !equals.isEmpty, let id = equals[value] { matches.append(id) }
            collectMatchCandidates(value, into: &candidates)
        case .int(let int):
            if let id = equals[value] { matches.append(id) }
            if ranges.count > 0 { ranges.stab(Double(int), into: &matches) }
            collectMatchCandidates(value, into: &candidates)
        case .double(let double):
            if let id = equals[value] { matches.append(id) }
            if ranges.count > 0 { ranges.stab(double, into: &matches) }
            collectMatchCandidates(value, into: &candidates)
        case .array(let elements):
            collectShapes(value, into: &matches)
            for (id, query) in selects where query.matches(value) { matches.append(id) }
            guard !contains.isEmpty else { return }
            for element in elements where element.isScalar {
                if let id = contains[element] { matches.append(id) }
            }
        case .object:
            collectShapes(value, into: &matches)
        }
    }

    @inline(__always)
    private func collectMatchCandidates(_ value: JSONValue, into candidates: inout [Int32]) {
        if !matchesByValue.isEmpty, let ids = matchesByValue[value] { candidates.append(contentsOf: ids) }
    }

    @inline(__always)
    private func collectShapes(_ value: JSONValue, into matches: inout [Int32]) {
        if shapes.count > 0, let point = GeoPoint.parse(value) { shapes.query(point, into: &matches) }
    }
}

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
    /// `regexp` conditions, tested one by one on string values.
    private var regexps: [(id: Int32, regex: Regex<AnyRegexOutput>)] = []

    var isEmpty: Bool {
        exists == nil && equals.isEmpty && contains.isEmpty && ranges.count == 0 && regexps.isEmpty
    }

    func add(_ condition: Condition, id: Int32) {
        switch condition {
        case .exists: exists = id
        case .equals(_, let value): equals[value] = id
        case .contains(_, let value): contains[value] = id
        case .range(_, let bounds): ranges.insert(bounds, condition: id)
        case .regexp(_, let expression):
            if let regex = expression.compile() { regexps.append((id, regex)) }
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
        case .nothing: break
        }
    }

    /// Appends the conditions this field value satisfies.
    func collect(_ value: JSONValue, into matches: inout [Int32]) {
        if let exists { matches.append(exists) }
        switch value {
        case .string(let string):
            if !equals.isEmpty, let id = equals[value] { matches.append(id) }
            for (id, regex) in regexps where (try? regex.firstMatch(in: string)) != nil {
                matches.append(id)
            }
        case .bool, .null:
            if !equals.isEmpty, let id = equals[value] { matches.append(id) }
        case .int(let int):
            if let id = equals[value] { matches.append(id) }
            if ranges.count > 0 { ranges.stab(Double(int), into: &matches) }
        case .double(let double):
            if let id = equals[value] { matches.append(id) }
            if ranges.count > 0 { ranges.stab(double, into: &matches) }
        case .array(let elements):
            guard !contains.isEmpty else { return }
            for element in elements {
                switch element {
                case .array, .object: continue
                default: if let id = contains[element] { matches.append(id) }
                }
            }
        case .object:
            break
        }
    }
}

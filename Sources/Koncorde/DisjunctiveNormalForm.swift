import HeraldWire

/// A filter as an OR of ANDs of literals, in canonical order.
///
/// No conjunction at all means the filter never matches; one empty conjunction means it always does.
struct DisjunctiveNormalForm: Sendable {
    /// Conjunctions sorted by their text; literals inside each sorted by key, without duplicates.
    let conjunctions: [[Literal]]

    /// Conjunctions up to which redundant conjunctions (supersets of another one) are removed.
    private static let absorptionLimit = 512

    /// Converts a standardized filter; throws when it expands to more than `maxConjunctions` conjunctions.
    init(_ node: FilterNode, maxConjunctions: Int) throws(KoncordeError) {
        var builder = Builder(maxConjunctions: maxConjunctions)
        var result = try builder.expand(node, negated: false)
        if result.count <= Self.absorptionLimit { result = Self.absorb(result) }
        conjunctions = result.sorted { Self.text(of: $0) < Self.text(of: $1) }
    }

    /// The canonical text of the whole filter.
    var canonicalText: String {
        if conjunctions.isEmpty { return "nothing" }
        return conjunctions.map(Self.text(of:)).joined(separator: " | ")
    }

    private static func text(of conjunction: [Literal]) -> String {
        conjunction.map(\.key).joined(separator: " & ")
    }

    /// Drops every conjunction that contains all the literals of another one.
    private static func absorb(_ conjunctions: [[Literal]]) -> [[Literal]] {
        let bySize = conjunctions.sorted { $0.count < $1.count }
        var kept: [Set<Literal>] = []
        var result: [[Literal]] = []
        for conjunction in bySize {
            let set = Set(conjunction)
            if kept.contains(where: { $0.isSubset(of: set) }) { continue }
            kept.append(set)
            result.append(conjunction)
        }
        return result
    }

    private struct Builder {
        let maxConjunctions: Int

        mutating func expand(_ node: FilterNode, negated: Bool) throws(KoncordeError) -> [[Literal]] {
            switch node {
            case .everything:
                return negated ? [] : [[]]
            case .condition(.nothing):
                return negated ? [[]] : []
            case .condition(let condition):
                return [[Literal(condition, negated: negated)]]
            case .not(let inner):
                return try expand(inner, negated: !negated)
            case .and(let nodes):
                return negated ? try union(nodes, negated: true) : try product(nodes, negated: false)
            case .or(let nodes):
                return negated ? try product(nodes, negated: true) : try union(nodes, negated: false)
            }
        }

        private mutating func union(_ nodes: [FilterNode], negated: Bool) throws(KoncordeError) -> [[Literal]] {
            var seen = Set<[Literal]>()
            var result: [[Literal]] = []
            for node in nodes {
                for conjunction in try expand(node, negated: negated) where seen.insert(conjunction).inserted {
                    if conjunction.isEmpty { return [[]] }
                    result.append(conjunction)
                    try check(result.count)
                }
            }
            return result
        }

        private mutating func product(_ nodes: [FilterNode], negated: Bool) throws(KoncordeError) -> [[Literal]] {
            var result: [[Literal]] = [[]]
            for node in nodes {
                let factor = try expand(node, negated: negated)
                var seen = Set<[Literal]>()
                var next: [[Literal]] = []
                for left in result {
                    for right in factor {
                        let merged = Self.merge(left, right)
                        guard Self.isSatisfiable(merged), seen.insert(merged).inserted else { continue }
                        next.append(merged)
                        try check(next.count)
                    }
                }
                result = next
                if result.isEmpty { return [] }
            }
            return result
        }

        private func check(_ count: Int) throws(KoncordeError) {
            if count > maxConjunctions {
                throw KoncordeError(
                    message: "Filter too complex: its normalized form exceeds \(maxConjunctions) conjunctions")
            }
        }

        /// Merges two sorted literal lists, dropping duplicates.
        private static func merge(_ left: [Literal], _ right: [Literal]) -> [Literal] {
            if left.isEmpty { return right }
            if right.isEmpty { return left }
            var merged: [Literal] = []
            merged.reserveCapacity(left.count + right.count)
            var i = 0
            var j = 0
            while i < left.count, j < right.count {
                if left[i].key == right[j].key {
                    merged.append(left[i])
                    i += 1
                    j += 1
                } else if left[i].key < right[j].key {
                    merged.append(left[i])
                    i += 1
                } else {
                    merged.append(right[j])
                    j += 1
                }
            }
            merged.append(contentsOf: left[i...])
            merged.append(contentsOf: right[j...])
            return merged
        }

        /// `false` for conjunctions that no document can satisfy (a literal and its negation, two
        /// different values for one field, a test on a field required to be missing, ...).
        private static func isSatisfiable(_ conjunction: [Literal]) -> Bool {
            guard conjunction.count > 1 else { return true }
            var keys = Set<String>()
            var equalsByField: [String: Literal] = [:]
            var missingFields = Set<String>()
            var presentFields = Set<String>()
            var rangesByField: [String: [RangeBounds]] = [:]
            for literal in conjunction {
                keys.insert(literal.key)
                if literal.negated {
                    if case .exists(let field) = literal.condition { missingFields.insert(field) }
                    continue
                }
                guard let field = literal.condition.field else { continue }
                presentFields.insert(field)
                switch literal.condition {
                case .equals:
                    if equalsByField.updateValue(literal, forKey: field) != nil { return false }
                case .range(_, let bounds):
                    rangesByField[field, default: []].append(bounds)
                default:
                    break
                }
            }
            for literal in conjunction where literal.negated && keys.contains(String(literal.key.dropFirst())) {
                return false
            }
            if !missingFields.isDisjoint(with: presentFields) { return false }
            for (field, ranges) in rangesByField {
                guard let equals = equalsByField[field], case .equals(_, let value) = equals.condition else { continue }
                guard let number = value.numberValue else { return false }
                if ranges.contains(where: { !$0.contains(number) }) { return false }
            }
            return true
        }
    }
}

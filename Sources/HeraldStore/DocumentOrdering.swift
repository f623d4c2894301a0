import HeraldWire

/// Orders documents by sort keys as Elasticsearch does: numbers numerically, strings by code
/// point, booleans false first; a multi-valued field sorts by its smallest value ascending and
/// its largest descending; documents missing the field come last in either direction. The sort is
/// stable, so equal documents keep their order.
enum DocumentOrdering {
    static func sort(_ documents: inout [StoredDocument], by keys: [SortKey]) {
        let decorated = documents.map { document in
            (document, keys.map { key(of: document, for: $0) })
        }
        let ordered = decorated.enumerated().sorted { lhs, rhs in
            for position in keys.indices {
                let order = compare(lhs.element.1[position], rhs.element.1[position], descending: keys[position].descending)
                if order != 0 { return order < 0 }
            }
            return lhs.offset < rhs.offset
        }
        documents = ordered.map(\.element.0)
    }

    /// The value a document sorts by for one key, `nil` when it has none.
    private static func key(of document: StoredDocument, for sortKey: SortKey) -> JSONValue? {
        if sortKey.field == "_id" { return .string(document.id) }
        let values = FieldPathValues.leaves(of: document.source, at: sortKey.field).filter { !$0.isNull }
        guard var chosen = values.first else { return nil }
        for value in values.dropFirst() {
            let order = compareValues(value, chosen)
            if sortKey.descending ? order > 0 : order < 0 { chosen = value }
        }
        return chosen
    }

    /// Negative when `lhs` sorts first.
    private static func compare(_ lhs: JSONValue?, _ rhs: JSONValue?, descending: Bool) -> Int {
        switch (lhs, rhs) {
        case (nil, nil): return 0
        case (nil, _): return 1
        case (_, nil): return -1
        case (let left?, let right?):
            let order = compareValues(left, right)
            return descending ? -order : order
        }
    }

    /// Total order on scalars: booleans, then numbers, then strings.
    static func compareValues(_ lhs: JSONValue, _ rhs: JSONValue) -> Int {
        let (leftRank, rightRank) = (rank(lhs), rank(rhs))
        if leftRank != rightRank { return leftRank < rightRank ? -1 : 1 }
        switch (lhs, rhs) {
        case (.bool(let a), .bool(let b)): return a == b ? 0 : (a ? 1 : -1)
        case (.string(let a), .string(let b)):
            return a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars) ? -1 : (a == b ? 0 : 1)
        default:
            let (a, b) = (lhs.numberValue ?? 0, rhs.numberValue ?? 0)
            return a < b ? -1 : (a > b ? 1 : 0)
        }
    }

    private static func rank(_ value: JSONValue) -> Int {
        switch value {
        case .bool: return 0
        case .int, .double: return 1
        case .string: return 2
        default: return 3
        }
    }
}

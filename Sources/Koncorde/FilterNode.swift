/// A validated filter, reduced to atomic conditions joined by boolean operators.
indirect enum FilterNode: Sendable {
    /// The empty filter: matches every document.
    case everything
    /// One atomic condition.
    case condition(Condition)
    case not(FilterNode)
    case and([FilterNode])
    case or([FilterNode])

    /// Number of atomic conditions, as Koncorde counts them against its maximum.
    var conditionCount: Int {
        switch self {
        case .everything: return 0
        case .condition: return 1
        case .not(let node): return node.conditionCount
        case .and(let nodes), .or(let nodes): return nodes.reduce(0) { $0 + $1.conditionCount }
        }
    }
}

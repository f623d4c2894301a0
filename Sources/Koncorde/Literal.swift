/// A condition or its negation, with its canonical text (used to sort, deduplicate and hash).
struct Literal: Hashable, Sendable {
    let condition: Condition
    let negated: Bool
    let key: String

    init(_ condition: Condition, negated: Bool) {
        self.condition = condition
        self.negated = negated
        key = (negated ? "!" : "") + condition.canonicalText
    }

    static func == (lhs: Literal, rhs: Literal) -> Bool { lhs.key == rhs.key }
    func hash(into hasher: inout Hasher) { hasher.combine(key) }
}

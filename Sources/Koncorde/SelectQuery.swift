import HeraldWire

/// The operand of a `select` term: the element at `index` of the array field `field` (negative
/// indexes count from the end) must match `query`, a filter in which that element is named `value`.
struct SelectQuery: Hashable, Sendable {
    let field: String
    let index: Int
    let query: DisjunctiveNormalForm
    let canonicalText: String

    init(field: String, index: Int, query: DisjunctiveNormalForm) {
        self.field = field
        self.index = index
        self.query = query
        var text = ""
        CanonicalText.append(string: field, to: &text)
        text += "[\(index)]{" + query.canonicalText + "}"
        canonicalText = text
    }

    static func == (lhs: SelectQuery, rhs: SelectQuery) -> Bool { lhs.canonicalText == rhs.canonicalText }
    func hash(into hasher: inout Hasher) { hasher.combine(canonicalText) }

    /// `true` when `value` (the document's field) is an array whose selected element matches.
    func matches(_ value: JSONValue?) -> Bool {
        guard case .array(let elements)? = value else { return false }
        let position = index >= 0 ? index : elements.count + index
        guard position >= 0, position < elements.count else { return false }
        let document = DocumentFields(source: ["value": elements[position]], id: nil)
        return query.evaluate(document.lookup())
    }
}

extension DisjunctiveNormalForm {
    /// Tests a flattened document directly, without any index.
    func evaluate(_ document: [String: JSONValue]) -> Bool {
        conjunctions.contains { conjunction in
            conjunction.allSatisfy { literal in literal.condition.isSatisfied(by: document) != literal.negated }
        }
    }
}

extension Condition {
    /// Tests a flattened document directly, without any index.
    func isSatisfied(by document: [String: JSONValue]) -> Bool {
        switch self {
        case .equals(let field, let value):
            guard let actual = document[field], actual.isScalar else { return false }
            return actual == value
        case .exists(let field):
            return document[field] != nil
        case .contains(let field, let value):
            guard case .array(let elements)? = document[field] else { return false }
            return elements.contains { $0.isScalar && $0 == value }
        case .range(let field, let bounds):
            switch document[field] {
            case .int(let int)?: return bounds.contains(Double(int))
            case .double(let double)?: return bounds.contains(double)
            default: return false
            }
        case .regexp(let field, let expression):
            guard case .string(let string)? = document[field], let regex = expression.compile() else { return false }
            return (try? regex.firstMatch(in: string)) != nil
        case .geo(let field, let shape):
            guard let value = document[field], let point = GeoPoint.parse(value) else { return false }
            return shape.contains(point)
        case .match(let pattern):
            return pattern.matches(document)
        case .select(let query):
            return query.matches(document[query.field])
        case .nothing:
            return false
        }
    }
}

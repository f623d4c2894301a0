public import HeraldWire

/// Tests documents one at a time against one normalized filter, without registering it: what a
/// search over stored documents needs, where the room index of ``Koncorde`` serves notifications.
///
/// Also tells which equality tests every match must pass, so that a caller holding value indexes
/// can look candidates up instead of testing every document.
public final class FilterEvaluator {
    private struct Test {
        let condition: Condition
        let negated: Bool
        let regex: Regex<AnyRegexOutput>?
    }

    private let conjunctions: [[Test]]

    public init(_ filter: NormalizedFilter) {
        conjunctions = filter.form.conjunctions.map { conjunction in
            conjunction.map { literal in
                var regex: Regex<AnyRegexOutput>?
                if case .regexp(_, let expression) = literal.condition { regex = expression.compile() }
                return Test(condition: literal.condition, negated: literal.negated, regex: regex)
            }
        }
    }

    /// `true` when the document (its `_source` plus `_id`) matches the filter.
    public func matches(source: JSONObject, id: String) -> Bool {
        if conjunctions.isEmpty { return false }
        let fields = DocumentFields(source: source, id: id)
        return conjunctions.contains { conjunction in
            conjunction.allSatisfy { test in holds(test, in: fields) != test.negated }
        }
    }

    /// For each conjunction of the filter, the positive `(field, value)` tests it requires: a value
    /// equal to a scalar, or an array holding it. A conjunction with none makes the list's entry
    /// empty; a filter that never matches has no entry at all.
    public var requiredValues: [[(field: String, value: JSONValue)]] {
        conjunctions.map { conjunction in
            conjunction.compactMap { test in
                guard !test.negated else { return nil }
                switch test.condition {
                case .equals(let field, let value), .contains(let field, let value): return (field, value)
                default: return nil
                }
            }
        }
    }

    private func holds(_ test: Test, in fields: DocumentFields) -> Bool {
        guard let field = test.condition.field else { return false }
        guard let position = fields.paths.firstIndex(of: field) else { return false }
        let value = fields.values[position]
        switch test.condition {
        case .exists:
            return true
        case .equals(_, let expected):
            switch value {
            case .array, .object: return false
            default: return value == expected
            }
        case .contains(_, let expected):
            guard case .array(let elements) = value else { return false }
            return elements.contains { element in
                switch element {
                case .array, .object: return false
                default: return element == expected
                }
            }
        case .range(_, let bounds):
            guard let number = value.numberValue else { return false }
            return bounds.contains(number)
        case .regexp:
            guard case .string(let string) = value, let regex = test.regex else { return false }
            return (try? regex.firstMatch(in: string)) != nil
        case .nothing:
            return false
        }
    }
}

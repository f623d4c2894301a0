import HeraldWire

/// The operand of a `match` term: a document matches when it holds every property of the pattern,
/// recursively; arrays in the pattern must find each of their elements in the document's array.
struct MatchPattern: Hashable, Sendable {
    let pattern: JSONObject
    /// The pattern written with sorted keys.
    let canonicalText: String
    /// The property the engine indexes the term by: the first one with a scalar value if any.
    let anchor: String
    /// The anchor's value when it is a scalar: only documents with that exact value are candidates.
    let anchorValue: JSONValue?

    init(_ pattern: JSONObject) {
        self.pattern = pattern
        var text = ""
        CanonicalText.append(value: .object(pattern), to: &text)
        canonicalText = text
        if let position = pattern.values.firstIndex(where: \.isScalar) {
            anchor = pattern.keys[position]
            anchorValue = pattern.values[position]
        } else {
            anchor = pattern.keys[0]
            anchorValue = nil
        }
    }

    static func == (lhs: MatchPattern, rhs: MatchPattern) -> Bool { lhs.canonicalText == rhs.canonicalText }
    func hash(into hasher: inout Hasher) { hasher.combine(canonicalText) }

    /// `true` when the flattened document holds the pattern.
    func matches(_ document: [String: JSONValue]) -> Bool {
        for (key, expected) in pattern where !Self.matches(document[key], expected) {
            return false
        }
        return true
    }

    /// Koncorde's recursive comparison: same JSON type, objects by subset, arrays by multiset inclusion
    /// (each pattern element takes the first unused document element it matches), scalars strictly.
    static func matches(_ value: JSONValue?, _ expected: JSONValue) -> Bool {
        guard let value else { return false }
        switch (value, expected) {
        case (.object(let object), .object(let pattern)):
            for (key, member) in pattern where !matches(object[key], member) { return false }
            return true
        case (.array(let array), .array(let pattern)):
            guard array.count >= pattern.count else { return false }
            var remaining = array
            for element in pattern {
                guard let position = remaining.firstIndex(where: { matches($0, element) }) else { return false }
                remaining.remove(at: position)
            }
            return true
        case (.array, _), (_, .array), (.object, _), (_, .object):
            return false
        default:
            return value == expected
        }
    }
}

extension JSONValue {
    /// `true` for strings, numbers, booleans and null.
    var isScalar: Bool {
        switch self {
        case .array, .object: return false
        default: return true
        }
    }
}

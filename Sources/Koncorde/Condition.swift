import HeraldWire

/// One atomic test on a document, as stored in the index (never negated itself).
enum Condition: Hashable, Sendable {
    /// The field holds this scalar, with the same type (`1` and `1.0` are equal, `1` and `"1"` are not).
    case equals(field: String, value: JSONValue)
    /// The field is present (a `null` value counts as present).
    case exists(field: String)
    /// The field is an array holding this scalar.
    case contains(field: String, value: JSONValue)
    /// The field is a number inside these bounds.
    case range(field: String, bounds: RangeBounds)
    /// The field is a string in which the expression finds a match.
    case regexp(field: String, expression: RegexpPattern)
    /// The field holds a geopoint inside this shape.
    case geo(field: String, shape: GeoShape)
    /// The flattened document holds this pattern (see ``MatchPattern``).
    case match(MatchPattern)
    /// An element of an array field matches a sub-filter (see ``SelectQuery``).
    case select(SelectQuery)
    /// Never true.
    case nothing

    /// The document field this condition is indexed by, if any (a field it cannot match without).
    var field: String? {
        switch self {
        case .equals(let field, _), .exists(let field), .contains(let field, _), .range(let field, _),
            .regexp(let field, _), .geo(let field, _):
            return field
        case .match(let pattern):
            return pattern.anchor
        case .select(let query):
            return query.field
        case .nothing:
            return nil
        }
    }

    /// A stable text form: equal conditions give equal text, whatever the filter's spelling.
    var canonicalText: String {
        var text = ""
        switch self {
        case .equals(let field, let value):
            text += "eq:"
            CanonicalText.append(string: field, to: &text)
            text += "="
            CanonicalText.append(value: value, to: &text)
        case .exists(let field):
            text += "ex:"
            CanonicalText.append(string: field, to: &text)
        case .contains(let field, let value):
            text += "has:"
            CanonicalText.append(string: field, to: &text)
            text += "="
            CanonicalText.append(value: value, to: &text)
        case .range(let field, let bounds):
            text += "rg:"
            CanonicalText.append(string: field, to: &text)
            text += bounds.lowerInclusive ? "[" : "("
            CanonicalText.append(number: bounds.lower, to: &text)
            text += ","
            CanonicalText.append(number: bounds.upper, to: &text)
            text += bounds.upperInclusive ? "]" : ")"
        case .regexp(let field, let expression):
            text += "re:"
            CanonicalText.append(string: field, to: &text)
            text += "/"
            CanonicalText.append(string: expression.pattern, to: &text)
            text += "/" + expression.flags
        case .geo(let field, let shape):
            text += "geo:"
            CanonicalText.append(string: field, to: &text)
            text += shape.canonicalText
        case .match(let pattern):
            text += "match:" + pattern.canonicalText
        case .select(let query):
            text += "select:" + query.canonicalText
        case .nothing:
            text += "nothing"
        }
        return text
    }
}

/// The bounds of a `range` condition; a missing bound is an infinite, exclusive one.
struct RangeBounds: Hashable, Sendable {
    var lower: Double = -.infinity
    var lowerInclusive = false
    var upper: Double = .infinity
    var upperInclusive = false

    /// `true` when `value` lies between the bounds.
    @inline(__always) func contains(_ value: Double) -> Bool {
        (lowerInclusive ? value >= lower : value > lower) && (upperInclusive ? value <= upper : value < upper)
    }
}

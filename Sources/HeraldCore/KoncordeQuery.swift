import HeraldStore
import HeraldWire
import Koncorde

/// Compiles a Koncorde filter (`lang: "koncorde"`) into a ``DocumentQuery``: documents are tested
/// with Koncorde's own semantics, and candidates come from the value indexes whenever every
/// conjunction of the normalized filter requires some field value.
enum KoncordeQuery {
    static func compile(_ filter: JSONValue, koncorde: Koncorde, index: String, collection: String) throws(KuzzleError)
        -> DocumentQuery
    {
        if case .object(let object) = filter, object.isEmpty { return .all }
        guard case .object = filter else { throw .invalidType("body.query", expected: "object") }
        let normalized: NormalizedFilter
        do {
            normalized = try koncorde.normalize(index: index, collection: collection, filter: filter)
        } catch {
            throw .koncordeDSLError(error.message)
        }
        let evaluator = FilterEvaluator(normalized)
        return DocumentQuery(access: access(evaluator.requiredValues)) { document in
            evaluator.matches(source: document.source, id: document.id)
        }
    }

    /// A union over the conjunctions, each narrowed to its most selective required value; a scan
    /// when some conjunction requires none.
    private static func access(_ conjunctions: [[(field: String, value: JSONValue)]]) -> DocumentQuery.Access {
        var parts: [DocumentQuery.Access] = []
        for required in conjunctions {
            guard !required.isEmpty else { return .scan }
            let lookups = required.map { DocumentQuery.Access.values(field: $0.field, [$0.value]) }
            parts.append(lookups.count == 1 ? lookups[0] : .narrowest(lookups))
        }
        return parts.count == 1 ? parts[0] : .union(parts)
    }
}

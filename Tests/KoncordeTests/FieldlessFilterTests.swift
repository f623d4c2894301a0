import HeraldWire
import Koncorde
import Testing

/// A collection whose filters read no field matches without flattening documents; once a filter
/// reading a field is stored (and after it is gone again) matching stays exact.
struct FieldlessFilterTests {
    private let koncorde = Koncorde()

    private func store(_ filter: JSONValue) throws -> String {
        koncorde.store(try koncorde.normalize(index: "i", collection: "c", filter: filter))
    }

    private func matches(_ document: JSONObject) -> Set<String> {
        Set(koncorde.test(index: "i", collection: "c", document: document, id: "d"))
    }

    @Test func matchingStaysExactAsFieldFiltersComeAndGo() throws {
        let everything = try store([:])
        let nothing = try store(["nothing": true])
        #expect(matches(["a": 1]) == [everything])
        #expect(matches([:]) == [everything])

        let equals = try store(["equals": ["a": 1]])
        let missing = try store(["missing": "a"])
        #expect(matches(["a": 1]) == [everything, equals])
        #expect(matches(["a": 2]) == [everything])
        #expect(matches(["b": 1]) == [everything, missing])

        koncorde.remove(equals)
        koncorde.remove(missing)
        #expect(matches(["a": 1]) == [everything])
        #expect(matches(["b": 1]) == [everything])
        koncorde.remove(everything)
        #expect(matches(["a": 1]).isEmpty)
        koncorde.remove(nothing)
    }
}

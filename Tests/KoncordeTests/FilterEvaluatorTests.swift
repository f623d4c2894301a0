import HeraldWire
import Koncorde
import Testing

struct FilterEvaluatorTests {
    /// The one-filter evaluator agrees with the reference evaluator on random filters and documents.
    @Test func agreesWithReference() throws {
        var random = RandomFilters(seed: 0xE7A1_2026)
        let koncorde = Koncorde()
        var checked = 0
        for _ in 0..<400 {
            let filter = random.filter()
            let evaluator = FilterEvaluator(try koncorde.normalize(index: "i", collection: "c", filter: filter))
            for _ in 0..<25 {
                let (document, id) = random.document()
                let expected = ReferenceEvaluator(document: document, id: id).evaluate(filter)
                #expect(evaluator.matches(source: document, id: id) == expected, "\(filter) on \(document) _id \(id)")
                checked += 1
            }
        }
        #expect(checked == 10_000)
    }

    @Test func requiredValuesListEachConjunctionsPositiveEqualities() throws {
        let koncorde = Koncorde()
        func required(_ filter: JSONValue) throws -> [[String]] {
            let evaluator = FilterEvaluator(try koncorde.normalize(index: "i", collection: "c", filter: filter))
            return evaluator.requiredValues.map { $0.map { "\($0.field)=\(JSONWriter.encodeToString($0.value))" }.sorted() }
        }
        #expect(try required(["equals": ["a": 1]]) == [["a=1"]])
        #expect(try required(["in": ["a": ["x", "y"]]]).sorted { $0[0] < $1[0] } == [["a=\"x\""], ["a=\"y\""]])
        #expect(try required(["and": [["equals": ["a": 1]], ["not": ["equals": ["b": 2]]], ["range": ["c": ["gt": 0]]]]])
            == [["a=1"]])
        #expect(try required(["exists": "tags[\"x\"]"]) == [["tags=\"x\""]])
        #expect(try required(["range": ["c": ["gt": 0]]]) == [[]])
        #expect(try required(["ids": ["values": ["d1"]]]) == [["_id=\"d1\""]])
    }
}

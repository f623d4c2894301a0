import HeraldWire
import Koncorde
import Testing

struct MatchSelectTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let filter: JSONValue
        let expected: Bool
        var testDescription: String { name }
    }

    static let document: JSONObject = [
        "name": "Ada", "age": 36, "info": ["city": "London", "langs": ["en", "fr"], "geo": ["floor": 3]],
        "tags": ["math", "code", 42], "items": [["sku": "a", "qty": 1], ["sku": "b", "qty": 5]],
        "empty": nil,
    ]

    static let cases: [Case] = [
        // match
        Case(name: "match scalar", filter: ["match": ["name": "Ada"]], expected: true),
        Case(name: "match several", filter: ["match": ["name": "Ada", "age": 36.0]], expected: true),
        Case(name: "match wrong value", filter: ["match": ["name": "Ada", "age": 37]], expected: false),
        Case(name: "match strict type", filter: ["match": ["age": "36"]], expected: false),
        Case(name: "match nested subset", filter: ["match": ["info": ["geo": ["floor": 3]]]], expected: true),
        Case(name: "match dotted path", filter: ["match": ["info.city": "London"]], expected: true),
        Case(name: "match nested mismatch", filter: ["match": ["info": ["city": "Paris"]]], expected: false),
        Case(name: "match array subset", filter: ["match": ["tags": [42, "math"]]], expected: true),
        Case(name: "match array element missing", filter: ["match": ["tags": ["art"]]], expected: false),
        Case(name: "match array needs distinct elements", filter: ["match": ["tags": ["math", "math"]]],
             expected: false),
        Case(name: "match empty array", filter: ["match": ["tags": []]], expected: true),
        Case(name: "match array of objects", filter: ["match": ["items": [["sku": "b"]]]], expected: true),
        Case(name: "match object is not array", filter: ["match": ["info": []]], expected: false),
        Case(name: "match null", filter: ["match": ["empty": nil]], expected: true),
        Case(name: "match null vs object", filter: ["match": ["info": nil]], expected: false),
        Case(name: "match missing field", filter: ["match": ["absent": nil]], expected: false),
        Case(name: "match _id", filter: ["match": ["_id": "doc-1"]], expected: true),
        Case(name: "not match", filter: ["not": ["match": ["name": "Bob"]]], expected: true),
        Case(name: "not match hit", filter: ["not": ["match": ["info": ["city": "London"]]]], expected: false),
        // select
        Case(name: "select first", filter: ["select": ["field": "tags", "index": 0, "query": ["equals": ["value": "math"]]]],
             expected: true),
        Case(name: "select wrong element",
             filter: ["select": ["field": "tags", "index": 1, "query": ["equals": ["value": "math"]]]], expected: false),
        Case(name: "select from end",
             filter: ["select": ["field": "tags", "index": -1, "query": ["range": ["value": ["gt": 40]]]]],
             expected: true),
        Case(name: "select out of bounds",
             filter: ["select": ["field": "tags", "index": 3, "query": ["exists": "value"]]], expected: false),
        Case(name: "select object element",
             filter: ["select": ["field": "items", "index": 1,
                                 "query": ["and": [["equals": ["value.sku": "b"]], ["range": ["value.qty": ["gte": 5]]]]]]],
             expected: true),
        Case(name: "select nested array field",
             filter: ["select": ["field": "info.langs", "index": 0, "query": ["regexp": ["value": "^e"]]]],
             expected: true),
        Case(name: "select on non-array",
             filter: ["select": ["field": "name", "index": 0, "query": ["exists": "value"]]], expected: false),
        Case(name: "select query has no _id",
             filter: ["select": ["field": "tags", "index": 0, "query": ["exists": "_id"]]], expected: false),
        Case(name: "not select",
             filter: ["not": ["select": ["field": "tags", "index": 0, "query": ["equals": ["value": "code"]]]]],
             expected: true),
        Case(name: "not select hit",
             filter: ["not": ["select": ["field": "tags", "index": 0, "query": ["equals": ["value": "math"]]]]],
             expected: false),
        Case(name: "select with negated query",
             filter: ["select": ["field": "tags", "index": 0, "query": ["not": ["equals": ["value": "code"]]]]],
             expected: true),
        // nothing
        Case(name: "nothing", filter: ["nothing": 1], expected: false),
        Case(name: "nothing or match", filter: ["or": [["nothing": true], ["match": ["name": "Ada"]]]], expected: true),
    ]

    @Test(arguments: cases)
    func termMatches(_ testCase: Case) throws {
        #expect(try matches(testCase.filter, Self.document) == testCase.expected)
    }

    /// Koncorde gives `{}` its own room id; a filter that is merely always true keeps another one,
    /// while both match every document.
    @Test func emptyFilterHasItsOwnRoomId() throws {
        let koncorde = Koncorde()
        let empty = try koncorde.normalize(index: "i", collection: "c", filter: [:])
        let alwaysTrue = try koncorde.normalize(index: "i", collection: "c", filter: ["not": ["nothing": true]])
        #expect(empty.id != alwaysTrue.id)
        #expect(try koncorde.normalize(index: "i", collection: "c", filter: .null).id == empty.id)
        koncorde.store(empty)
        koncorde.store(alwaysTrue)
        #expect(Set(koncorde.test(index: "i", collection: "c", document: ["a": 1], id: "x"))
            == [empty.id, alwaysTrue.id])
    }
}

import HeraldWire
import Koncorde
import Testing

/// `true` when `filter` matches `document` (with `_id` "doc-1") on a fresh engine.
func matches(_ filter: JSONValue, _ document: JSONObject) throws -> Bool {
    let koncorde = Koncorde()
    let room = koncorde.store(try koncorde.normalize(index: "i", collection: "c", filter: filter))
    return koncorde.test(index: "i", collection: "c", document: document, id: "doc-1") == [room]
}

struct OperatorTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let filter: JSONValue
        let document: JSONObject
        let expected: Bool
        var testDescription: String { name }
    }

    static let document: JSONObject = [
        "name": "Ada", "age": 36, "score": 7.5, "active": true, "nothing": nil,
        "info": ["city": "London", "zip": "N1", "geo": ["floor": 3]],
        "tags": ["math", "code", 42, true], "count": "36",
    ]

    static let cases: [Case] = [
        // equals
        Case(name: "equals string", filter: ["equals": ["name": "Ada"]], document: document, expected: true),
        Case(name: "equals other string", filter: ["equals": ["name": "Bob"]], document: document, expected: false),
        Case(name: "equals int vs double", filter: ["equals": ["age": 36.0]], document: document, expected: true),
        Case(name: "equals strict type", filter: ["equals": ["count": 36]], document: document, expected: false),
        Case(name: "equals number vs string", filter: ["equals": ["age": "36"]], document: document, expected: false),
        Case(name: "equals bool", filter: ["equals": ["active": true]], document: document, expected: true),
        Case(name: "equals null", filter: ["equals": ["nothing": nil]], document: document, expected: true),
        Case(name: "equals null on missing", filter: ["equals": ["absent": nil]], document: document, expected: false),
        Case(name: "equals nested", filter: ["equals": ["info.city": "London"]], document: document, expected: true),
        Case(name: "equals deep", filter: ["equals": ["info.geo.floor": 3]], document: document, expected: true),
        Case(name: "equals array not traversed", filter: ["equals": ["tags": "math"]], document: document,
             expected: false),
        Case(name: "equals _id", filter: ["equals": ["_id": "doc-1"]], document: document, expected: true),
        Case(name: "not equals", filter: ["not": ["equals": ["name": "Bob"]]], document: document, expected: true),
        Case(name: "not equals same", filter: ["not": ["equals": ["name": "Ada"]]], document: document,
             expected: false),
        Case(name: "not equals on missing field", filter: ["not": ["equals": ["absent": "x"]]], document: document,
             expected: true),
        // in / ids
        Case(name: "in", filter: ["in": ["name": ["Bob", "Ada"]]], document: document, expected: true),
        Case(name: "in miss", filter: ["in": ["name": ["Bob", "Eve"]]], document: document, expected: false),
        Case(name: "not in", filter: ["not": ["in": ["name": ["Bob", "Eve"]]]], document: document, expected: true),
        Case(name: "not in hit", filter: ["not": ["in": ["name": ["Bob", "Ada"]]]], document: document,
             expected: false),
        Case(name: "ids", filter: ["ids": ["values": ["x", "doc-1"]]], document: document, expected: true),
        Case(name: "ids miss", filter: ["ids": ["values": ["x"]]], document: document, expected: false),
        Case(name: "not ids", filter: ["not": ["ids": ["values": ["x"]]]], document: document, expected: true),
        // range
        Case(name: "range gt", filter: ["range": ["age": ["gt": 35]]], document: document, expected: true),
        Case(name: "range gt bound", filter: ["range": ["age": ["gt": 36]]], document: document, expected: false),
        Case(name: "range gte bound", filter: ["range": ["age": ["gte": 36]]], document: document, expected: true),
        Case(name: "range lt bound", filter: ["range": ["age": ["lt": 36]]], document: document, expected: false),
        Case(name: "range lte bound", filter: ["range": ["age": ["lte": 36]]], document: document, expected: true),
        Case(name: "range both", filter: ["range": ["score": ["gt": 7, "lt": 8]]], document: document,
             expected: true),
        Case(name: "range outside", filter: ["range": ["score": ["gt": 8, "lt": 9]]], document: document,
             expected: false),
        Case(name: "range on string", filter: ["range": ["count": ["gt": 0]]], document: document, expected: false),
        Case(name: "range on missing", filter: ["range": ["absent": ["gt": 0]]], document: document,
             expected: false),
        Case(name: "not range outside", filter: ["not": ["range": ["age": ["gt": 40]]]], document: document,
             expected: true),
        Case(name: "not range inside", filter: ["not": ["range": ["age": ["gt": 30]]]], document: document,
             expected: false),
        Case(name: "not range on missing", filter: ["not": ["range": ["absent": ["gt": 0]]]], document: document,
             expected: true),
        // exists / missing
        Case(name: "exists", filter: ["exists": "name"], document: document, expected: true),
        Case(name: "exists null value", filter: ["exists": "nothing"], document: document, expected: true),
        Case(name: "exists object", filter: ["exists": "info"], document: document, expected: true),
        Case(name: "exists nested", filter: ["exists": "info.geo.floor"], document: document, expected: true),
        Case(name: "exists missing", filter: ["exists": "absent"], document: document, expected: false),
        Case(name: "exists object form", filter: ["exists": ["field": "info.zip"]], document: document,
             expected: true),
        Case(name: "missing", filter: ["missing": "absent"], document: document, expected: true),
        Case(name: "missing present", filter: ["missing": "name"], document: document, expected: false),
        Case(name: "not missing", filter: ["not": ["missing": "name"]], document: document, expected: true),
        Case(name: "exists array value", filter: ["exists": "tags[\"code\"]"], document: document, expected: true),
        Case(name: "exists array number", filter: ["exists": "tags[42]"], document: document, expected: true),
        Case(name: "exists array bool", filter: ["exists": "tags[true]"], document: document, expected: true),
        Case(name: "exists array strict", filter: ["exists": "tags[\"42\"]"], document: document, expected: false),
        Case(name: "exists array absent value", filter: ["exists": "tags[\"art\"]"], document: document,
             expected: false),
        Case(name: "exists array on scalar", filter: ["exists": "name[\"Ada\"]"], document: document,
             expected: false),
        Case(name: "missing array value", filter: ["missing": "tags[\"art\"]"], document: document, expected: true),
        Case(name: "missing array present", filter: ["missing": "tags[\"math\"]"], document: document,
             expected: false),
        Case(name: "missing array on missing field", filter: ["missing": "absent[\"x\"]"], document: document,
             expected: true),
        Case(name: "escaped brackets", filter: ["exists": "a\\[b\\]"], document: ["a[b]": 1], expected: true),
        // regexp
        Case(name: "regexp", filter: ["regexp": ["name": "^A.a$"]], document: document, expected: true),
        Case(name: "regexp search", filter: ["regexp": ["info.city": "ndo"]], document: document, expected: true),
        Case(name: "regexp case", filter: ["regexp": ["name": "^ada"]], document: document, expected: false),
        Case(name: "regexp flag i", filter: ["regexp": ["name": ["value": "^ada", "flags": "i"]]],
             document: document, expected: true),
        Case(name: "regexp on number", filter: ["regexp": ["age": "3"]], document: document, expected: false),
        Case(name: "not regexp", filter: ["not": ["regexp": ["name": "^B"]]], document: document, expected: true),
        Case(name: "not regexp hit", filter: ["not": ["regexp": ["name": "d"]]], document: document, expected: false),
        Case(name: "not regexp on missing", filter: ["not": ["regexp": ["absent": "x"]]], document: document,
             expected: true),
        // nothing
        Case(name: "nothing", filter: ["nothing": true], document: document, expected: false),
        Case(name: "not nothing", filter: ["not": ["nothing": true]], document: document, expected: true),
        // and / or / not
        Case(name: "and", filter: ["and": [["equals": ["name": "Ada"]], ["range": ["age": ["gte": 18]]]]],
             document: document, expected: true),
        Case(name: "and fails", filter: ["and": [["equals": ["name": "Ada"]], ["range": ["age": ["lt": 18]]]]],
             document: document, expected: false),
        Case(name: "or", filter: ["or": [["equals": ["name": "Bob"]], ["exists": "info.city"]]],
             document: document, expected: true),
        Case(name: "or fails", filter: ["or": [["equals": ["name": "Bob"]], ["exists": "absent"]]],
             document: document, expected: false),
        Case(name: "not and", filter: ["not": ["and": [["equals": ["name": "Ada"]], ["exists": "absent"]]]],
             document: document, expected: true),
        Case(name: "not or", filter: ["not": ["or": [["equals": ["name": "Bob"]], ["exists": "name"]]]],
             document: document, expected: false),
        Case(name: "double not", filter: ["not": ["not": ["equals": ["name": "Ada"]]]], document: document,
             expected: true),
        Case(name: "only negations", filter: ["and": [["missing": "absent"], ["not": ["equals": ["name": "Bob"]]]]],
             document: document, expected: true),
        Case(name: "contradiction", filter: ["and": [["exists": "name"], ["missing": "name"]]], document: document,
             expected: false),
        // bool
        Case(name: "bool must", filter: ["bool": ["must": [["equals": ["name": "Ada"]], ["exists": "age"]]]],
             document: document, expected: true),
        Case(name: "bool must_not", filter: ["bool": ["must_not": [["equals": ["name": "Ada"]]]]],
             document: document, expected: false),
        Case(name: "bool should", filter: ["bool": ["should": [["equals": ["name": "X"]], ["exists": "age"]]]],
             document: document, expected: true),
        Case(name: "bool should none", filter: ["bool": ["should": [["equals": ["name": "X"]]]]],
             document: document, expected: false),
        Case(name: "bool should_not partial",
             filter: ["bool": ["should_not": [["equals": ["name": "Ada"]], ["exists": "absent"]]]],
             document: document, expected: true),
        Case(name: "bool should_not all",
             filter: ["bool": ["should_not": [["equals": ["name": "Ada"]], ["exists": "age"]]]],
             document: document, expected: false),
        Case(name: "bool combined",
             filter: [
                 "bool": [
                     "must": [["range": ["age": ["gt": 30]]]], "must_not": [["equals": ["info.city": "Paris"]]],
                     "should": [["in": ["name": ["Ada", "Bob"]]]],
                 ],
             ],
             document: document, expected: true),
        Case(name: "bool must object", filter: ["bool": ["must": ["equals": ["name": "Ada"]]]], document: document,
             expected: true),
        Case(name: "empty filter", filter: [:], document: document, expected: true),
    ]

    @Test(arguments: cases)
    func operatorMatches(_ testCase: Case) throws {
        #expect(try matches(testCase.filter, testCase.document) == testCase.expected)
    }
}

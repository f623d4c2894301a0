import HeraldWire
import Koncorde
import Testing

struct ValidationTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let filter: JSONValue
        let message: String
        var testDescription: String { message }
    }

    static let cases: [Case] = [
        Case(filter: ["equals": ["a": 1], "exists": "b"],
             message: "Invalid filter syntax. Filters must have one keyword only"),
        Case(filter: ["foo": ["a": 1]], message: "\"foo\": unknown keyword"),
        Case(filter: ["and": [["foo": 1]]], message: "\"and.foo\": unknown keyword"),
        Case(filter: ["and": [["equals": ["a": 1], "exists": "b"]]],
             message: "\"and\": Invalid filter syntax. Filters must have one keyword only"),
        Case(filter: ["equals": "x"], message: "\"equals\": must be an object"),
        Case(filter: ["equals": [:]], message: "\"equals\": expected object to have exactly 1 property, got 0"),
        Case(filter: ["equals": ["a": 1, "b": 2]],
             message: "\"equals\": expected object to have exactly 1 property, got 2"),
        Case(filter: ["equals": ["a": ["b": 1]]],
             message: "\"equals.a\": must either be a string, a number, a boolean, or null"),
        Case(filter: ["equals": ["a": [1]]],
             message: "\"equals.a\": must either be a string, a number, a boolean, or null"),
        Case(filter: ["in": ["a": []]], message: "\"in.a\": cannot be empty"),
        Case(filter: ["in": ["a": "x"]], message: "\"in.a\": must be an array"),
        Case(filter: ["in": ["a": ["x", 1]]], message: "\"in.a\": must hold only values of type \"string\""),
        Case(filter: ["ids": ["foo": ["a"]]], message: "\"ids\": the property \"values\" is missing"),
        Case(filter: ["ids": ["values": []]], message: "\"ids.values\": cannot be empty"),
        Case(filter: ["ids": ["values": [1]]], message: "\"ids.values\": must hold only values of type \"string\""),
        Case(filter: ["range": ["a": ["gt": "x"]]], message: "\"range.a.gt\": must be a number"),
        Case(filter: ["range": ["a": ["foo": 1]]],
             message: "\"range.a\": \"foo\" is not an allowed attribute (allowed: gt,gte,lt,lte)"),
        Case(filter: ["range": ["a": [:]]], message: "\"range.a\": must be a non-empty object"),
        Case(filter: ["range": ["a": 3]], message: "\"range.a\": must be an object"),
        Case(filter: ["range": ["a": ["gt": 1, "gte": 2]]], message: "\"range.a\": only 1 lower boundary allowed"),
        Case(filter: ["range": ["a": ["lt": 1, "lte": 2]]], message: "\"range.a\": only 1 upper boundary allowed"),
        Case(filter: ["range": ["a": ["gt": 5, "lt": 5]]],
             message: "\"range.a\": lower boundary must be strictly inferior to the upper one"),
        Case(filter: ["exists": ""], message: "\"exists\": cannot test empty field name"),
        Case(filter: ["missing": ""], message: "\"missing\": cannot test empty field name"),
        Case(filter: ["exists": ["field": ""]], message: "\"exists.field\": cannot be empty"),
        Case(filter: ["exists": ["field": 3]], message: "\"exists.field\": must be a string"),
        Case(filter: ["exists": ["name": "a"]], message: "\"exists\": the property \"field\" is missing"),
        Case(filter: ["exists": 42], message: "\"exists\": must be an object"),
        Case(filter: ["exists": "a[invalid]"], message: "\"exists\": contains an invalid array value (\"invalid\")"),
        Case(filter: ["and": []], message: "\"and\": cannot be empty"),
        Case(filter: ["or": "x"], message: "\"or\": must be an array"),
        Case(filter: ["and": [[:]]], message: "\"and\": can only contain non-empty objects"),
        Case(filter: ["or": [["exists": "a"], 3]], message: "\"or\": can only contain non-empty objects"),
        Case(filter: ["not": [:]], message: "\"not\": expected object to have exactly 1 property, got 0"),
        Case(filter: ["not": ["equals": ["a": []]]],
             message: "\"not.equals.a\": must either be a string, a number, a boolean, or null"),
        Case(filter: ["bool": ["filter": []]],
             message: "\"bool\": \"filter\" is not an allowed attribute (allowed: must,must_not,should,should_not)"),
        Case(filter: ["bool": [:]], message: "\"bool\": must be a non-empty object"),
        Case(filter: ["bool": ["must": []]], message: "\"bool.and\": cannot be empty"),
        Case(filter: ["bool": ["should": []]], message: "\"bool.and.or\": cannot be empty"),
        Case(filter: ["bool": ["must_not": [["foo": 1]]]], message: "\"bool.and.not.or.foo\": unknown keyword"),
        Case(filter: ["bool": ["must": "x"]], message: "\"bool.and\": can only contain non-empty objects"),
        Case(filter: ["regexp": ["a": 3]], message: "\"regexp.a\": must be either a string or a non-empty object"),
        Case(filter: ["regexp": ["a": [:]]], message: "\"regexp.a\": must be a non-empty object"),
        Case(filter: ["regexp": ["a": ["flags": "i"]]], message: "\"regexp.a\": the property \"value\" is missing"),
        Case(filter: ["regexp": ["a": ["value": "x", "foo": 1]]],
             message: "\"regexp.a\": \"foo\" is not an allowed attribute (allowed: flags,value)"),
        Case(filter: ["regexp": ["a": ["value": "x", "flags": 3]]], message: "\"regexp.a.flags\": must be a string"),
        Case(filter: ["regexp": ["a": ["value": "x", "flags": "q"]]],
             message: "\"regexp.a\": cannot parse regexp expression \"/x/q\" "
                 + "(Invalid flags supplied to RegExp constructor 'q')"),
        Case(filter: ["regexp": [:]], message: "\"regexp\": expected object to have exactly 1 property, got 0"),
    ]

    @Test(arguments: cases)
    func rejectsWithKoncordeMessage(_ testCase: Case) {
        #expect(throws: KoncordeError(message: testCase.message)) {
            try Koncorde().normalize(index: "i", collection: "c", filter: testCase.filter)
        }
    }

    @Test func rejectsInvalidRegularExpressions() {
        #expect {
            try Koncorde().normalize(index: "i", collection: "c", filter: ["regexp": ["a": "(unclosed"]])
        } throws: { error in
            (error as? KoncordeError)?.message.hasPrefix(
                "\"regexp.a\": cannot parse regexp expression \"/(unclosed/undefined\" (") == true
        }
    }

    @Test func countsConditionsAfterSplittingIn() throws {
        let koncorde = Koncorde(maxConditions: 3)
        _ = try koncorde.normalize(index: "i", collection: "c", filter: ["in": ["a": ["x", "y", "z"]]])
        #expect(
            throws: KoncordeError(
                message: "Filter too complex: exceeds the configured maximum number of conditions "
                    + "(conditions: 4, max: 3)")
        ) {
            try koncorde.normalize(
                index: "i", collection: "c", filter: ["and": [["in": ["a": ["x", "y", "z"]]], ["exists": "b"]]])
        }
    }

    @Test func defaultLimitIsOneHundredConditions() throws {
        let values = (0..<100).map { JSONValue.string("v\($0)") }
        _ = try Koncorde().normalize(index: "i", collection: "c", filter: ["in": ["a": .array(values)]])
        #expect(throws: KoncordeError.self) {
            try Koncorde().normalize(index: "i", collection: "c", filter: ["in": ["a": .array(values + ["w"])]])
        }
    }

    @Test func rejectsExpansionBeyondConjunctionLimit() {
        let koncorde = Koncorde(maxConjunctions: 8)
        let filter: JSONValue = [
            "and": [["in": ["a": ["1", "2", "3"]]], ["in": ["b": ["1", "2", "3"]]]],
        ]
        #expect(throws: KoncordeError(message: "Filter too complex: its normalized form exceeds 8 conjunctions")) {
            try koncorde.normalize(index: "i", collection: "c", filter: filter)
        }
    }

    @Test(arguments: [JSONValue.null, [:], 3, "", []])
    func nonKeywordFiltersMatchEverything(_ filter: JSONValue) throws {
        let koncorde = Koncorde()
        let room = koncorde.store(try koncorde.normalize(index: "i", collection: "c", filter: filter))
        #expect(koncorde.test(index: "i", collection: "c", document: ["x": 1], id: "d") == [room])
    }

    @Test func stringAndArrayFiltersFollowJavaScriptKeys() {
        #expect(throws: KoncordeError(message: "\"0\": unknown keyword")) {
            try Koncorde().normalize(index: "i", collection: "c", filter: ["x"])
        }
        #expect(throws: KoncordeError(message: "Invalid filter syntax. Filters must have one keyword only")) {
            try Koncorde().normalize(index: "i", collection: "c", filter: "ab")
        }
    }
}

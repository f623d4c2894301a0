import HeraldWire
import Koncorde
import Testing

struct RoomIdTests {
    static func id(_ filter: JSONValue, index: String = "i", collection: String = "c") throws -> String {
        try Koncorde().normalize(index: index, collection: collection, filter: filter).id
    }

    static let equivalent: [(JSONValue, JSONValue)] = [
        (["and": [["equals": ["a": 1]], ["exists": "b"]]], ["and": [["exists": "b"], ["equals": ["a": 1]]]]),
        (["and": [["equals": ["a": 1]], ["and": [["exists": "b"], ["exists": "c"]]]]],
         ["and": [["and": [["equals": ["a": 1]], ["exists": "b"]]], ["exists": "c"]]]),
        (["in": ["a": ["x", "y"]]], ["or": [["equals": ["a": "y"]], ["equals": ["a": "x"]]]]),
        (["ids": ["values": ["1", "2"]]], ["in": ["_id": ["2", "1"]]]),
        (["missing": "a"], ["not": ["exists": "a"]]),
        (["missing": "a"], ["not": ["exists": ["field": "a"]]]),
        (["equals": ["a": 1]], ["equals": ["a": 1.0]]),
        (["regexp": ["a": "^x"]], ["regexp": ["a": ["value": "^x"]]]),
        (["regexp": ["a": ["value": "^x", "flags": "im"]]], ["regexp": ["a": ["value": "^x", "flags": "mi"]]]),
        (["not": ["and": [["equals": ["a": 1]], ["exists": "b"]]]],
         ["or": [["not": ["equals": ["a": 1]]], ["missing": "b"]]]),
        (["not": ["or": [["equals": ["a": 1]], ["exists": "b"]]]],
         ["and": [["not": ["equals": ["a": 1]]], ["missing": "b"]]]),
        (["bool": ["must": [["equals": ["a": 1]]], "must_not": [["exists": "b"]]]],
         ["and": [["equals": ["a": 1]], ["missing": "b"]]]),
        (["bool": ["should": [["equals": ["a": 1]], ["exists": "b"]]]],
         ["or": [["exists": "b"], ["equals": ["a": 1]]]]),
        (["not": ["not": ["range": ["a": ["gt": 1]]]]], ["range": ["a": ["gt": 1]]]),
        (["and": [["equals": ["a": 1]], ["or": [["exists": "b"], ["exists": "c"]]]]],
         ["or": [["and": [["equals": ["a": 1]], ["exists": "b"]]], ["and": [["exists": "c"], ["equals": ["a": 1]]]]]]),
        (["or": [["equals": ["a": 1]], ["and": [["equals": ["a": 1]], ["exists": "b"]]]]], ["equals": ["a": 1]]),
        (["and": [["equals": ["a": 1]], ["equals": ["a": 1]]]], ["equals": ["a": 1]]),
        (["and": [["equals": ["a": 1]], ["equals": ["a": 2]]]], ["nothing": true]),
    ]

    @Test func equivalentFiltersShareARoomId() throws {
        for (left, right) in Self.equivalent {
            #expect(try Self.id(left) == Self.id(right), "\(left) vs \(right)")
        }
    }

    @Test func differentFiltersHaveDifferentIds() throws {
        let filters: [JSONValue] = [
            [:], ["nothing": true], ["equals": ["a": 1]], ["equals": ["a": "1"]], ["equals": ["a": true]],
            ["equals": ["a": nil]], ["equals": ["b": 1]], ["not": ["equals": ["a": 1]]], ["exists": "a"],
            ["exists": "a[1]"], ["exists": "a[\"1\"]"], ["range": ["a": ["gt": 1]]], ["range": ["a": ["gte": 1]]],
            ["range": ["a": ["lt": 1]]], ["range": ["a": ["gt": 1, "lt": 2]]],
            ["or": [["equals": ["a": 1]], ["exists": "b"]]], ["and": [["equals": ["a": 1]], ["exists": "b"]]],
        ]
        let ids = try filters.map { try Self.id($0) }
        #expect(Set(ids).count == filters.count)
        #expect(ids.allSatisfy { $0.count == 32 && $0.allSatisfy(\.isHexDigit) })
    }

    @Test func indexAndCollectionArePartOfTheId() throws {
        let filter: JSONValue = ["equals": ["a": 1]]
        let base = try Self.id(filter)
        #expect(try Self.id(filter, index: "j") != base)
        #expect(try Self.id(filter, collection: "d") != base)
        #expect(try Self.id(filter, index: "i/c", collection: "") != Self.id(filter, index: "i", collection: "c/"))
    }

    @Test func idsAreStableAcrossInstances() throws {
        let filter: JSONValue = ["bool": ["must": [["range": ["a": ["gte": 1.5]]]], "should": [["exists": "b"]]]]
        let first = try Koncorde().normalize(index: "i", collection: "c", filter: filter).id
        let second = try Koncorde(maxConditions: 5).normalize(index: "i", collection: "c", filter: filter).id
        #expect(first == second)
    }

    @Test func storeIsIdempotentAndRemoveUnregisters() throws {
        let koncorde = Koncorde()
        let normalized = try koncorde.normalize(index: "i", collection: "c", filter: ["equals": ["a": 1]])
        let room = koncorde.store(normalized)
        #expect(koncorde.store(normalized) == room)
        #expect(room == normalized.id)
        #expect(koncorde.hasRoom(room))
        #expect(koncorde.test(index: "i", collection: "c", document: ["a": 1], id: "x") == [room])
        #expect(koncorde.test(index: "i", collection: "other", document: ["a": 1], id: "x").isEmpty)
        koncorde.remove(room)
        #expect(!koncorde.hasRoom(room))
        #expect(koncorde.test(index: "i", collection: "c", document: ["a": 1], id: "x").isEmpty)
        koncorde.remove(room)
        koncorde.remove("unknown")
    }

    @Test func roomsSharingConditionsMatchIndependently() throws {
        let koncorde = Koncorde()
        let both = koncorde.store(try koncorde.normalize(
            index: "i", collection: "c", filter: ["and": [["equals": ["a": 1]], ["exists": "b"]]]))
        let onlyA = koncorde.store(try koncorde.normalize(index: "i", collection: "c", filter: ["equals": ["a": 1]]))
        let notB = koncorde.store(try koncorde.normalize(index: "i", collection: "c", filter: ["missing": "b"]))
        #expect(Set(koncorde.test(index: "i", collection: "c", document: ["a": 1, "b": 0], id: "x")) == [both, onlyA])
        #expect(Set(koncorde.test(index: "i", collection: "c", document: ["a": 1], id: "x")) == [onlyA, notB])
        koncorde.remove(onlyA)
        #expect(Set(koncorde.test(index: "i", collection: "c", document: ["a": 1, "b": 0], id: "x")) == [both])
        #expect(Set(koncorde.test(index: "i", collection: "c", document: ["a": 2], id: "x")) == [notB])
    }
}

import HeraldStore
import HeraldWire
import Testing

/// `updatedFields` lists the leaves of the changes as dotted paths, as Kuzzle's `_updatedFields`.
@Suite struct UpdatedFieldsTests {
    func fields(_ changes: JSONObject) throws -> [String] {
        let store = makeStore()
        _ = try store.create(index: "i", collection: "c", id: "d", source: ["o": ["p": 1]], context: alice)
        return try store.update(index: "i", collection: "c", id: "d", changes: changes, context: bob).updatedFields
    }

    @Test func topLevelKeysInChangeOrder() throws {
        #expect(try fields(["b": 1, "a": "x", "c": true]) == ["b", "a", "c"])
    }

    @Test func nestedObjectsAreFlattened() throws {
        #expect(try fields(["o": ["p": 2, "q": ["r": 3]], "s": 1]) == ["o.p", "o.q.r", "s"])
    }

    @Test func arraysAndNullsAreLeaves() throws {
        #expect(try fields(["list": [1, ["a": 1]], "gone": nil, "o": ["n": nil]]) == ["list", "gone", "o.n"])
    }

    @Test func emptyObjectsContributeNothing() throws {
        #expect(try fields(["o": [:], "x": ["y": [:]]]) == [])
    }

    @Test func kuzzleInfoIsSkippedAtEveryDepth() throws {
        #expect(try fields(["_kuzzle_info": ["author": "x"], "o": ["_kuzzle_info": 1, "p": 2]]) == ["o.p"])
    }

    @Test func listsChangedFieldsEvenWhenTheValueIsUnchanged() throws {
        #expect(try fields(["o": ["p": 1]]) == ["o.p"])
    }

    @Test func emptyForEveryNonUpdateWrite() throws {
        let store = makeStore()
        let writes = [
            try store.create(index: "i", collection: "c", id: "d", source: ["a": 1], context: alice),
            try store.replace(index: "i", collection: "c", id: "d", source: ["a": 2], context: alice),
            try store.createOrReplace(index: "i", collection: "c", id: "d", source: ["a": 3], context: alice),
            try store.upsert(index: "i", collection: "c", id: "e", changes: ["a": 4], defaults: nil, context: alice),
            try store.delete(index: "i", collection: "c", id: "d"),
        ]
        #expect(writes.allSatisfy { $0.updatedFields.isEmpty })
    }
}

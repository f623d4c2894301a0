import HeraldStore
import HeraldWire
import Testing

/// Partial updates merge like Elasticsearch's partial documents.
@Suite struct MergeTests {
    func updated(_ source: JSONObject, with changes: JSONObject) throws -> JSONObject {
        let store = makeStore()
        _ = try store.create(index: "i", collection: "c", id: "d", source: source, context: alice)
        var result = try store.update(index: "i", collection: "c", id: "d", changes: changes, context: bob).document.source
        #expect(result.removeValue(forKey: "_kuzzle_info") == updatedInfo(createdBy: alice, updatedBy: bob))
        return result
    }

    @Test func nestedObjectsMergeRecursively() throws {
        let result = try updated(
            ["a": ["b": ["c": 1, "d": 2], "e": 3], "f": 4],
            with: ["a": ["b": ["d": 20, "g": 5]]])
        #expect(result == ["a": ["b": ["c": 1, "d": 20, "g": 5], "e": 3], "f": 4])
    }

    @Test func arraysAreReplacedNotConcatenated() throws {
        let result = try updated(["tags": ["x", "y", "z"], "objs": [["a": 1]]], with: ["tags": ["w"], "objs": [["b": 2]]])
        #expect(result == ["tags": ["w"], "objs": [["b": 2]]])
    }

    @Test func scalarsAreReplaced() throws {
        let result = try updated(["n": 1, "s": "a", "b": true, "d": 1.5], with: ["n": 2.5, "s": 3, "b": false, "d": "x"])
        #expect(result == ["n": 2.5, "s": 3, "b": false, "d": "x"])
    }

    @Test func nullSetsNullWithoutRemovingTheField() throws {
        let result = try updated(["a": 1, "o": ["x": 1, "y": 2]], with: ["a": nil, "o": ["x": nil], "new": nil])
        #expect(result == ["a": nil, "o": ["x": nil, "y": 2], "new": nil])
        #expect(result.keys == ["a", "o", "new"])
    }

    @Test func aChangeOfKindReplacesTheValue() throws {
        let result = try updated(
            ["obj": ["a": 1], "arr": [1], "num": 1, "nul": nil],
            with: ["obj": [1, 2], "arr": ["k": 1], "num": ["k": 2], "nul": ["k": 3]])
        #expect(result == ["obj": [1, 2], "arr": ["k": 1], "num": ["k": 2], "nul": ["k": 3]])
    }

    @Test func emptyObjectChangesNothingInAnObject() throws {
        let result = try updated(["o": ["a": 1], "s": 1], with: ["o": [:], "s": [:]])
        #expect(result == ["o": ["a": 1], "s": [:]])
    }

    @Test func emptyChangesOnlyTouchMetadata() throws {
        let store = makeStore()
        _ = try store.create(index: "i", collection: "c", id: "d", source: ["a": 1], context: alice)
        let write = try store.update(index: "i", collection: "c", id: "d", changes: [:], context: bob)
        #expect(write.document.version == 2)
        #expect(write.document.source == ["a": 1, "_kuzzle_info": updatedInfo(createdBy: alice, updatedBy: bob)])
        #expect(write.updatedFields == [])
    }

    @Test func dottedKeysAreLiteral() throws {
        let result = try updated(["a": ["b": 1]], with: ["a.b": 2])
        #expect(result == ["a": ["b": 1], "a.b": 2])
    }

    @Test func existingKeysKeepTheirPlaceNewKeysAppendedMetadataLast() throws {
        let store = makeStore()
        _ = try store.create(
            index: "i", collection: "c", id: "d", source: ["z": 1, "a": ["y": 1, "b": 2], "m": 3], context: alice)
        let write = try store.update(
            index: "i", collection: "c", id: "d", changes: ["new": 1, "a": ["c": 3, "y": 9], "z": 0], context: bob)
        let source = write.document.source
        #expect(source.keys == ["z", "a", "m", "new", "_kuzzle_info"])
        #expect(source["a"]?.objectValue?.keys == ["y", "b", "c"])
    }

    @Test func createAndReplaceKeepTheClientsKeyOrder() throws {
        let store = makeStore()
        let created = try store.create(
            index: "i", collection: "c", id: "d", source: ["b": 1, "_kuzzle_info": 0, "a": 2], context: alice)
        #expect(created.document.source.keys == ["b", "a", "_kuzzle_info"])
        let replaced = try store.replace(index: "i", collection: "c", id: "d", source: ["y": 1, "x": 2], context: alice)
        #expect(replaced.document.source.keys == ["y", "x", "_kuzzle_info"])
    }

    @Test func largeDocumentsMergeCorrectly() throws {
        // Past JSONObject's hash-index threshold, on both levels.
        var source = JSONObject()
        var nested = JSONObject()
        for n in 0..<40 {
            source["k\(n)"] = .int(n)
            nested["n\(n)"] = .int(n)
        }
        source["nested"] = .object(nested)
        let result = try updated(source, with: ["k7": "seven", "nested": ["n39": nil, "n40": 40], "k40": 40])
        #expect(result.count == 42)
        #expect(result["k7"] == "seven")
        #expect(result["k40"] == 40)
        #expect(result["nested"]?.objectValue?.count == 41)
        #expect(result["nested"]?.objectValue?["n39"]?.isNull == true)
        #expect(result["nested"]?.objectValue?["n0"] == 0)
    }
}

import HeraldStore
import HeraldWire
import Testing

@Suite struct UpsertTests {
    /// The contract's §5 sequence: three upserts on one id.
    @Test func contractSequenceOfThreeUpserts() throws {
        let store = makeStore()
        let first = try store.upsert(
            index: "i", collection: "c", id: "doc", changes: ["name": "document-1", "age": 42],
            defaults: ["foo": "bar"], context: alice)
        #expect(first.created)
        #expect(first.document.version == 1)
        #expect(first.document.source == [
            "foo": "bar", "name": "document-1", "age": 42, "_kuzzle_info": createdInfo(alice),
        ])

        let second = try store.upsert(
            index: "i", collection: "c", id: "doc", changes: ["name": "updated1"],
            defaults: ["foo": "oh noes"], context: bob)
        #expect(!second.created)
        #expect(second.document.version == 2)
        #expect(second.previous == first.document)
        #expect(second.document.source == [
            "name": "updated1", "age": 42, "foo": "bar",
            "_kuzzle_info": updatedInfo(createdBy: alice, updatedBy: bob),
        ])
        #expect(second.updatedFields == ["name"])

        let third = try store.upsert(
            index: "i", collection: "c", id: "doc", changes: ["name": "updated2"], defaults: nil, context: bob)
        #expect(!third.created)
        #expect(third.document.version == 3)
        #expect(third.document.source["name"] == "updated2")
    }

    @Test func creationWithoutDefaults() throws {
        let store = makeStore()
        let write = try store.upsert(
            index: "i", collection: "c", id: "d", changes: ["a": 1], defaults: nil, context: anonymous)
        #expect(write.created)
        #expect(write.previous == nil)
        #expect(write.updatedFields == [])
        #expect(write.document.source == ["a": 1, "_kuzzle_info": createdInfo(anonymous)])
        #expect(try store.get(index: "i", collection: "c", id: "d") == write.document)
    }

    /// Kuzzle builds the created document as `{...default, ...changes}`: a top-level key of
    /// `changes` replaces the same key of `default` whole, nested objects included.
    @Test func creationOverlaysChangesOnDefaultsKeyByKey() throws {
        let store = makeStore()
        let write = try store.upsert(
            index: "i", collection: "c", id: "d",
            changes: ["nested": ["b": 2], "list": [3], "new": true],
            defaults: ["first": 0, "nested": ["a": 1, "b": 1], "list": [1, 2], "last": nil],
            context: alice)
        #expect(write.document.source == [
            "first": 0, "nested": ["b": 2], "list": [3], "last": nil, "new": true,
            "_kuzzle_info": createdInfo(alice),
        ])
        #expect(write.document.source.keys == ["first", "nested", "list", "last", "new", "_kuzzle_info"])
    }

    @Test func updateIgnoresDefaultsAndDeepMerges() throws {
        let store = makeStore()
        _ = try store.create(index: "i", collection: "c", id: "d", source: ["o": ["a": 1, "b": 1]], context: alice)
        let write = try store.upsert(
            index: "i", collection: "c", id: "d", changes: ["o": ["b": 2]], defaults: ["extra": 1], context: bob)
        #expect(write.document.source == ["o": ["a": 1, "b": 2], "_kuzzle_info": updatedInfo(createdBy: alice, updatedBy: bob)])
        #expect(write.updatedFields == ["o.b"])
    }
}

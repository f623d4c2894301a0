import HeraldStore
import HeraldWire
import Testing

/// A query for documents whose `field` holds `value`, found through the field index.
private func equals(_ field: String, _ value: JSONValue) -> DocumentQuery {
    DocumentQuery(access: .values(field: field, [value])) { document in
        FieldPathValues.leaves(of: document.source, at: field).contains(value)
    }
}

private func store(with sources: [(String, JSONObject)]) throws -> DocumentStore {
    let store = makeStore()
    for (id, source) in sources {
        _ = try store.create(index: "i", collection: "c", id: id, source: source, context: alice)
    }
    return store
}

private func ids(_ page: SearchPage) -> [String] { page.documents.map(\.id) }

@Suite struct FieldPathValuesTests {
    @Test func walksObjectsFlattensArraysAndKeepsScalars() {
        let source: JSONObject = [
            "a": ["b": 1, "c": [2, [3], ["d": 4]]],
            "tags": [["name": "x"], ["name": "y"]],
            "dotted.key": "v",
            "n": nil,
        ]
        #expect(FieldPathValues.leaves(of: source, at: "a.b") == [1])
        #expect(FieldPathValues.leaves(of: source, at: "a.c") == [2, 3])
        #expect(FieldPathValues.leaves(of: source, at: "tags.name") == ["x", "y"])
        #expect(FieldPathValues.leaves(of: source, at: "dotted.key") == ["v"])
        #expect(FieldPathValues.leaves(of: source, at: "n") == [nil])
        #expect(FieldPathValues.leaves(of: source, at: "a").isEmpty)
        #expect(FieldPathValues.leaves(of: source, at: "missing").isEmpty)
    }
}

@Suite struct SearchTests {
    @Test func indexLookupFindsDocumentsInInsertionOrder() throws {
        let store = try store(with: [("a", ["k": 1]), ("b", ["k": 2]), ("c", ["k": 1]), ("d", ["k": [1, 3]])])
        let page = try store.search(index: "i", collection: "c", query: equals("k", 1), size: 10)
        #expect(ids(page) == ["a", "c", "d"])
        #expect(page.total == 3)
    }

    @Test func indexFollowsEveryKindOfWrite() throws {
        let store = try store(with: [("a", ["k": 1]), ("b", ["k": 2])])
        #expect(try store.count(index: "i", collection: "c", query: equals("k", 1)) == 1)
        _ = try store.update(index: "i", collection: "c", id: "b", changes: ["k": 1], context: bob)
        _ = try store.replace(index: "i", collection: "c", id: "a", source: ["k": 5], context: bob)
        _ = try store.create(index: "i", collection: "c", id: "c", source: ["k": 1], context: bob)
        _ = try store.upsert(index: "i", collection: "c", id: "d", changes: ["k": 1], defaults: nil, context: bob)
        #expect(ids(try store.search(index: "i", collection: "c", query: equals("k", 1), size: 10)) == ["b", "c", "d"])
        _ = try store.delete(index: "i", collection: "c", id: "c")
        _ = try store.deleteFields(index: "i", collection: "c", id: "d", fields: ["k"], context: bob)
        #expect(ids(try store.search(index: "i", collection: "c", query: equals("k", 1), size: 10)) == ["b"])
        #expect(ids(try store.search(index: "i", collection: "c", query: equals("k", 5), size: 10)) == ["a"])
        _ = try store.truncateCollection(index: "i", collection: "c")
        #expect(try store.count(index: "i", collection: "c", query: equals("k", 1)) == 0)
        _ = try store.create(index: "i", collection: "c", id: "e", source: ["k": 1], context: bob)
        #expect(ids(try store.search(index: "i", collection: "c", query: equals("k", 1), size: 10)) == ["e"])
    }

    @Test func indexedAccessStillAppliesTheExactTest() throws {
        let store = try store(with: [("a", ["k": 1, "x": true]), ("b", ["k": 1, "x": false])])
        let query = DocumentQuery(access: .values(field: "k", [1])) { $0.source["x"] == true }
        #expect(ids(try store.search(index: "i", collection: "c", query: query, size: 10)) == ["a"])
    }

    @Test func accessesCombine() throws {
        let store = try store(with: [("a", ["k": 1, "j": 1]), ("b", ["k": 2, "j": 1]), ("c", ["k": 1, "j": 2])])
        let both = DocumentQuery(access: .narrowest([.values(field: "k", [1]), .values(field: "j", [1]), .scan])) {
            $0.source["k"] == 1 && $0.source["j"] == 1
        }
        #expect(ids(try store.search(index: "i", collection: "c", query: both, size: 10)) == ["a"])
        let either = DocumentQuery(access: .union([.ids(["c"]), .values(field: "k", [2])])) {
            $0.id == "c" || $0.source["k"] == 2
        }
        #expect(ids(try store.search(index: "i", collection: "c", query: either, size: 10)) == ["b", "c"])
        let scanning = DocumentQuery(access: .union([.ids(["c"]), .scan])) { $0.source["j"] == 1 || $0.id == "c" }
        #expect(try store.count(index: "i", collection: "c", query: scanning) == 3)
        let byId = DocumentQuery(access: .values(field: "_id", ["b", "zz"])) { $0.id == "b" }
        #expect(ids(try store.search(index: "i", collection: "c", query: byId, size: 10)) == ["b"])
    }

    @Test func pagesCountEveryMatch() throws {
        let store = try store(with: (0..<7).map { ("d\($0)", ["n": .int($0)]) })
        let page = try store.search(index: "i", collection: "c", query: .all, from: 2, size: 3)
        #expect(ids(page) == ["d2", "d3", "d4"])
        #expect(page.total == 7)
        #expect(try store.search(index: "i", collection: "c", query: .all, from: 10, size: 3).documents.isEmpty)
    }

    @Test func sortsLikeElasticsearch() throws {
        let store = try store(with: [
            ("a", ["n": 2, "s": "b"]), ("b", ["s": "a"]), ("c", ["n": 10, "s": "a"]), ("d", ["n": [1, 20], "s": "c"]),
        ])
        func sorted(_ keys: [SortKey]) throws -> [String] {
            ids(try store.search(index: "i", collection: "c", query: .all, sort: keys, size: 10))
        }
        #expect(try sorted([SortKey(field: "n")]) == ["d", "a", "c", "b"])
        #expect(try sorted([SortKey(field: "n", descending: true)]) == ["d", "c", "a", "b"])
        #expect(try sorted([SortKey(field: "s"), SortKey(field: "n", descending: true)]) == ["c", "b", "a", "d"])
        #expect(try sorted([SortKey(field: "_id", descending: true)]) == ["d", "c", "b", "a"])
    }

    @Test func unknownCollectionIsReported() {
        let store = makeStore()
        #expect(kuzzleError { () throws(KuzzleError) in _ = try store.count(index: "i", collection: "nope", query: .all) }
            == .unknownCollection("i", "nope"))
    }
}

@Suite struct DeleteFieldsTests {
    @Test func removesPathsAndStampsTheUpdate() throws {
        let store = try store(with: [("a", ["x": 1, "o": ["p": 1, "q": 2], "keep": true])])
        let write = try store.deleteFields(index: "i", collection: "c", id: "a", fields: ["x", "o.p", "nope.z"],
                                           context: bob)
        #expect(write.document.version == 2)
        #expect(write.document.source == ["o": ["q": 2], "keep": true,
                                          "_kuzzle_info": updatedInfo(createdBy: alice, updatedBy: bob)])
        #expect(kuzzleError { () throws(KuzzleError) in _ = try store.deleteFields(index: "i", collection: "c", id: "z", fields: [], context: bob) }
            == .documentNotFound("z", index: "i", collection: "c"))
    }
}

@Suite struct MappingTests {
    @Test func defaultsThenUpdatesMerge() throws {
        let store = makeStore()
        #expect(try store.mapping(index: "i", collection: "c").json() == ["dynamic": "false", "properties": [:]])
        try store.updateMapping(index: "i", collection: "c", mappings: [
            "dynamic": true, "_meta": ["v": 1], "properties": ["a": ["type": "keyword"]],
        ])
        let updated = try store.updateMapping(index: "i", collection: "c", mappings: [
            "properties": ["b": ["properties": ["c": ["type": "long"]]]],
        ])
        #expect(updated.json() == [
            "_meta": ["v": 1], "dynamic": "true",
            "properties": ["a": ["type": "keyword"], "b": ["properties": ["c": ["type": "long"]]]],
        ])
        #expect(updated.json(includeKuzzleMeta: true).objectValue?["properties"]?.objectValue?["_kuzzle_info"] != nil)
    }

    @Test func rejectsBadMappingsWithoutChange() throws {
        let store = makeStore()
        #expect(kuzzleError { () throws(KuzzleError) in try store.updateMapping(index: "i", collection: "c", mappings: ["dynamic": "maybe"]) }?.id
            == "services.storage.invalid_mapping")
        #expect(kuzzleError { () throws(KuzzleError) in try store.updateMapping(index: "i", collection: "c", mappings: ["settings": [:]]) }
            == .invalidMapping(path: "settings", detail: ""))
        #expect(try store.mapping(index: "i", collection: "c") == CollectionMapping())
        #expect(kuzzleError { () throws(KuzzleError) in try store.createCollection(index: "j", collection: "k", mappings: ["dynamic": 3]) } != nil)
        #expect(!store.indexExists("j"))
        try store.createCollection(index: "j", collection: "k", mappings: ["dynamic": "strict"])
        #expect(try store.mapping(index: "j", collection: "k").dynamic == "strict")
    }
}

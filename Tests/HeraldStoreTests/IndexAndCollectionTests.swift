import HeraldStore
import HeraldWire
import Testing

@Suite struct IndexAndCollectionTests {
    @Test func createIndexThenListAndExists() throws {
        let store = DocumentStore()
        #expect(store.listIndexes() == [])
        try store.createIndex("zeta")
        try store.createIndex("alpha")
        #expect(store.listIndexes() == ["alpha", "zeta"])
        #expect(store.indexExists("alpha"))
        #expect(!store.indexExists("beta"))
        #expect(try store.listCollections(index: "alpha") == [])
    }

    @Test func createExistingIndexFails() throws {
        let store = DocumentStore()
        try store.createIndex("i")
        let error = kuzzleError { () throws(KuzzleError) in try store.createIndex("i") }
        #expect(error?.id == "services.storage.index_already_exists")
        #expect(error?.status == 412)
        #expect(error?.code == 16_842_790)
        #expect(error?.message == "A public index named \"i\" already exists")
    }

    @Test func deleteIndexRemovesItsCollections() throws {
        let store = makeStore()
        try store.deleteIndex("i")
        #expect(!store.indexExists("i"))
        #expect(!store.collectionExists(index: "i", collection: "c"))
        store.createCollection(index: "i", collection: "other")
        #expect(!store.collectionExists(index: "i", collection: "c"))
    }

    @Test func deleteUnknownIndexFails() {
        let store = DocumentStore()
        let error = kuzzleError { () throws(KuzzleError) in try store.deleteIndex("nope") }
        #expect(error == .unknownIndex("nope"))
        #expect(error?.id == "services.storage.unknown_index")
        #expect(error?.code == 16_842_753)
        #expect(error?.message == "The index \"nope\" does not exist.")
    }

    @Test func createCollectionCreatesMissingIndex() throws {
        let store = DocumentStore()
        store.createCollection(index: "i", collection: "b")
        store.createCollection(index: "i", collection: "a")
        #expect(store.indexExists("i"))
        #expect(store.collectionExists(index: "i", collection: "a"))
        #expect(!store.collectionExists(index: "i", collection: "z"))
        #expect(!store.collectionExists(index: "x", collection: "a"))
        #expect(try store.listCollections(index: "i") == ["a", "b"])
    }

    @Test func createExistingCollectionKeepsItsDocuments() throws {
        let store = makeStore()
        _ = try store.create(index: "i", collection: "c", id: "d", source: ["a": 1], context: alice)
        store.createCollection(index: "i", collection: "c")
        #expect(store.documentCount(index: "i", collection: "c") == 1)
    }

    @Test func listCollectionsOfUnknownIndexFails() {
        let store = DocumentStore()
        let error = kuzzleError { () throws(KuzzleError) in _ = try store.listCollections(index: "nope") }
        #expect(error == .unknownIndex("nope"))
    }

    @Test func checkCollectionReportsIndexBeforeCollection() throws {
        let store = makeStore()
        try store.checkCollection(index: "i", collection: "c")
        let noIndex = kuzzleError { () throws(KuzzleError) in try store.checkCollection(index: "x", collection: "y") }
        #expect(noIndex == .unknownIndex("x"))
        let noCollection = kuzzleError { () throws(KuzzleError) in
            try store.checkCollection(index: "i", collection: "y")
        }
        #expect(noCollection?.id == "services.storage.unknown_collection")
        #expect(noCollection?.status == 412)
        #expect(noCollection?.code == 16_842_754)
        #expect(noCollection?.message == "The collection \"i\":\"y\" does not exist.")
    }

    @Test func truncateReturnsRemovedDocumentsInOrderAndKeepsCollection() throws {
        let store = makeStore()
        for id in ["b", "a", "c"] {
            _ = try store.create(index: "i", collection: "c", id: id, source: ["n": .string(id)], context: alice)
        }
        let removed = try store.truncateCollection(index: "i", collection: "c")
        #expect(removed.map(\.id) == ["b", "a", "c"])
        #expect(removed.first?.source["n"] == "b")
        #expect(store.collectionExists(index: "i", collection: "c"))
        #expect(store.documentCount(index: "i", collection: "c") == 0)
        #expect(try !store.exists(index: "i", collection: "c", id: "a"))
    }

    @Test func truncateUnknownCollectionFails() {
        let store = makeStore()
        let error = kuzzleError { () throws(KuzzleError) in
            _ = try store.truncateCollection(index: "i", collection: "nope")
        }
        #expect(error == .unknownCollection("i", "nope"))
    }

    @Test func deleteCollection() throws {
        let store = makeStore()
        store.createCollection(index: "i", collection: "keep")
        try store.deleteCollection(index: "i", collection: "c")
        #expect(!store.collectionExists(index: "i", collection: "c"))
        #expect(try store.listCollections(index: "i") == ["keep"])
        let again = kuzzleError { () throws(KuzzleError) in try store.deleteCollection(index: "i", collection: "c") }
        #expect(again == .unknownCollection("i", "c"))
        let noIndex = kuzzleError { () throws(KuzzleError) in try store.deleteCollection(index: "x", collection: "c") }
        #expect(noIndex == .unknownIndex("x"))
    }

    @Test func documentCountOfMissingCollectionIsZero() throws {
        let store = makeStore()
        #expect(store.documentCount(index: "x", collection: "c") == 0)
        #expect(store.documentCount(index: "i", collection: "x") == 0)
        _ = try store.create(index: "i", collection: "c", id: nil, source: [:], context: alice)
        _ = try store.create(index: "i", collection: "c", id: nil, source: [:], context: alice)
        #expect(store.documentCount(index: "i", collection: "c") == 2)
    }

    @Test func collectionsAreIsolated() throws {
        let store = makeStore()
        store.createCollection(index: "i", collection: "other")
        store.createCollection(index: "j", collection: "c")
        _ = try store.create(index: "i", collection: "c", id: "d", source: ["a": 1], context: alice)
        #expect(try !store.exists(index: "i", collection: "other", id: "d"))
        #expect(try !store.exists(index: "j", collection: "c", id: "d"))
    }
}

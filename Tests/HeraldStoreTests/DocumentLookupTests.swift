import HeraldStore
import HeraldWire
import Testing

/// Every document method checks the index, then the collection, then the document.
@Suite struct DocumentLookupTests {
    enum Operation: CaseIterable, Sendable {
        case get, exists, create, createOrReplace, replace, update, upsert, delete, documents

        func run(_ store: DocumentStore, _ index: String, _ collection: String) throws(KuzzleError) {
            switch self {
            case .get: _ = try store.get(index: index, collection: collection, id: "d")
            case .exists: _ = try store.exists(index: index, collection: collection, id: "d")
            case .create:
                _ = try store.create(index: index, collection: collection, id: "d", source: [:], context: alice)
            case .createOrReplace:
                _ = try store.createOrReplace(index: index, collection: collection, id: "d", source: [:], context: alice)
            case .replace:
                _ = try store.replace(index: index, collection: collection, id: "d", source: [:], context: alice)
            case .update:
                _ = try store.update(index: index, collection: collection, id: "d", changes: [:], context: alice)
            case .upsert:
                _ = try store.upsert(
                    index: index, collection: collection, id: "d", changes: [:], defaults: nil, context: alice)
            case .delete: _ = try store.delete(index: index, collection: collection, id: "d")
            case .documents: _ = try store.documents(index: index, collection: collection)
            }
        }
    }

    @Test(arguments: Operation.allCases)
    func unknownIndexThenUnknownCollection(_ operation: Operation) {
        let store = makeStore()
        #expect(kuzzleError { () throws(KuzzleError) in try operation.run(store, "x", "y") } == .unknownIndex("x"))
        #expect(kuzzleError { () throws(KuzzleError) in try operation.run(store, "i", "y") }
            == .unknownCollection("i", "y"))
    }

    @Test func missingDocument() throws {
        let store = makeStore()
        let notFound = KuzzleError.documentNotFound("d", index: "i", collection: "c")
        #expect(notFound.id == "services.storage.not_found")
        #expect(notFound.status == 404)
        #expect(notFound.code == 16_842_763)
        #expect(notFound.message == "Document \"d\" not found in \"i\":\"c\".")
        #expect(kuzzleError { () throws(KuzzleError) in _ = try store.get(index: "i", collection: "c", id: "d") }
            == notFound)
        #expect(kuzzleError { () throws(KuzzleError) in
            _ = try store.replace(index: "i", collection: "c", id: "d", source: [:], context: alice)
        } == notFound)
        #expect(kuzzleError { () throws(KuzzleError) in
            _ = try store.update(index: "i", collection: "c", id: "d", changes: [:], context: alice)
        } == notFound)
        #expect(kuzzleError { () throws(KuzzleError) in _ = try store.delete(index: "i", collection: "c", id: "d") }
            == notFound)
        #expect(try store.exists(index: "i", collection: "c", id: "d") == false)
        #expect(store.documentCount(index: "i", collection: "c") == 0)
    }
}

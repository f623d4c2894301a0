import HeraldStore
import HeraldWire
import Testing

@Suite struct DocumentWriteTests {
    @Test func createStoresVersionOneWithCreationMetadata() throws {
        let store = makeStore()
        let write = try store.create(index: "i", collection: "c", id: "d", source: ["foo": "bar"], context: alice)
        #expect(write.created)
        #expect(write.previous == nil)
        #expect(write.updatedFields == [])
        #expect(write.document.id == "d")
        #expect(write.document.version == 1)
        #expect(write.document.source == ["foo": "bar", "_kuzzle_info": createdInfo(alice)])
        #expect(write.document.source["_kuzzle_info"]?.objectValue?.keys == ["author", "createdAt", "updatedAt", "updater"])
        #expect(try store.get(index: "i", collection: "c", id: "d") == write.document)
        #expect(try store.exists(index: "i", collection: "c", id: "d"))
    }

    @Test func createExistingIdFails() throws {
        let store = makeStore()
        _ = try store.create(index: "i", collection: "c", id: "d", source: ["v": 1], context: alice)
        let error = kuzzleError { () throws(KuzzleError) in
            _ = try store.create(index: "i", collection: "c", id: "d", source: ["v": 2], context: bob)
        }
        #expect(error?.id == "services.storage.document_already_exists")
        #expect(error?.status == 400)
        #expect(error?.code == 16_842_769)
        #expect(error?.message == "Document already exists.")
        let kept = try store.get(index: "i", collection: "c", id: "d")
        #expect(kept.source["v"] == 1)
        #expect(kept.version == 1)
    }

    @Test func anonymousAuthor() throws {
        let store = makeStore()
        let write = try store.create(index: "i", collection: "c", id: nil, source: [:], context: anonymous)
        #expect(write.document.source["_kuzzle_info"]?.objectValue?["author"] == "-1")
    }

    @Test func clientSuppliedKuzzleInfoIsReplacedOnEveryWritePath() throws {
        let store = makeStore()
        let forged: JSONValue = ["author": "mallory", "createdAt": 1, "extra": true]
        let created = try store.create(
            index: "i", collection: "c", id: "d", source: ["_kuzzle_info": forged, "a": 1], context: alice)
        #expect(created.document.source == ["a": 1, "_kuzzle_info": createdInfo(alice)])

        let updated = try store.update(
            index: "i", collection: "c", id: "d", changes: ["_kuzzle_info": forged, "b": 2], context: bob)
        #expect(updated.document.source == ["a": 1, "b": 2, "_kuzzle_info": updatedInfo(createdBy: alice, updatedBy: bob)])

        let replaced = try store.replace(
            index: "i", collection: "c", id: "d", source: ["_kuzzle_info": forged], context: alice)
        #expect(replaced.document.source == ["_kuzzle_info": rewrittenInfo(alice)])

        let written = try store.createOrReplace(
            index: "i", collection: "c", id: "e", source: ["_kuzzle_info": forged], context: bob)
        #expect(written.document.source == ["_kuzzle_info": rewrittenInfo(bob)])

        let upserted = try store.upsert(
            index: "i", collection: "c", id: "f", changes: ["_kuzzle_info": forged],
            defaults: ["_kuzzle_info": forged, "x": 1], context: alice)
        #expect(upserted.document.source == ["x": 1, "_kuzzle_info": createdInfo(alice)])
    }

    @Test func replaceResetsContentAndMetadata() throws {
        let store = makeStore()
        _ = try store.create(index: "i", collection: "c", id: "d", source: ["a": 1, "b": ["c": 2]], context: alice)
        _ = try store.update(index: "i", collection: "c", id: "d", changes: ["a": 5], context: alice)
        let before = try store.get(index: "i", collection: "c", id: "d")
        let write = try store.replace(index: "i", collection: "c", id: "d", source: ["z": true], context: bob)
        #expect(!write.created)
        #expect(write.previous == before)
        #expect(write.updatedFields == [])
        #expect(write.document.version == 3)
        #expect(write.document.source == ["z": true, "_kuzzle_info": rewrittenInfo(bob)])
        #expect(try store.get(index: "i", collection: "c", id: "d") == write.document)
    }

    @Test func createOrReplaceCreatesThenReplaces() throws {
        let store = makeStore()
        let first = try store.createOrReplace(index: "i", collection: "c", id: "d", source: ["a": 1], context: alice)
        #expect(first.created)
        #expect(first.previous == nil)
        #expect(first.document.version == 1)
        #expect(first.document.source == ["a": 1, "_kuzzle_info": rewrittenInfo(alice)])

        let second = try store.createOrReplace(index: "i", collection: "c", id: "d", source: ["b": 2], context: bob)
        #expect(!second.created)
        #expect(second.previous == first.document)
        #expect(second.document.version == 2)
        #expect(second.document.source == ["b": 2, "_kuzzle_info": rewrittenInfo(bob)])
        #expect(second.updatedFields == [])
    }

    @Test func updateKeepsAuthorAndSetsUpdater() throws {
        let store = makeStore()
        let created = try store.create(index: "i", collection: "c", id: "d", source: ["a": 1], context: alice)
        let write = try store.update(index: "i", collection: "c", id: "d", changes: ["a": 2], context: bob)
        #expect(!write.created)
        #expect(write.previous == created.document)
        #expect(write.document.version == 2)
        #expect(write.document.source == ["a": 2, "_kuzzle_info": updatedInfo(createdBy: alice, updatedBy: bob)])
        #expect(write.document.source["_kuzzle_info"]?.objectValue?.keys == ["author", "createdAt", "updatedAt", "updater"])
    }

    @Test func updateAfterReplaceKeepsTheReplacersAuthorship() throws {
        let store = makeStore()
        _ = try store.create(index: "i", collection: "c", id: "d", source: [:], context: anonymous)
        _ = try store.replace(index: "i", collection: "c", id: "d", source: [:], context: alice)
        let write = try store.update(index: "i", collection: "c", id: "d", changes: ["a": 1], context: bob)
        #expect(write.document.source["_kuzzle_info"] == updatedInfo(createdBy: alice, updatedBy: bob))
    }

    @Test func deleteReturnsTheRemovedDocument() throws {
        let store = makeStore()
        _ = try store.create(index: "i", collection: "c", id: "d", source: ["a": 1], context: alice)
        let updated = try store.update(index: "i", collection: "c", id: "d", changes: ["a": 2], context: alice)
        let write = try store.delete(index: "i", collection: "c", id: "d")
        #expect(write.document == updated.document)
        #expect(write.previous == updated.document)
        #expect(!write.created)
        #expect(write.updatedFields == [])
        #expect(try !store.exists(index: "i", collection: "c", id: "d"))
        #expect(store.documentCount(index: "i", collection: "c") == 0)
    }

    @Test func recreateAfterDeleteStartsAtVersionOne() throws {
        let store = makeStore()
        _ = try store.create(index: "i", collection: "c", id: "d", source: [:], context: alice)
        _ = try store.update(index: "i", collection: "c", id: "d", changes: [:], context: alice)
        _ = try store.delete(index: "i", collection: "c", id: "d")
        let again = try store.create(index: "i", collection: "c", id: "d", source: [:], context: bob)
        #expect(again.created)
        #expect(again.document.version == 1)
        #expect(again.document.source["_kuzzle_info"] == createdInfo(bob))
    }

    @Test func versionCountsEveryWrite() throws {
        let store = makeStore()
        _ = try store.create(index: "i", collection: "c", id: "d", source: ["n": 0], context: alice)
        for step in 1...500 {
            let write: DocumentWrite
            switch step % 4 {
            case 0: write = try store.update(index: "i", collection: "c", id: "d", changes: ["n": .int(step)], context: bob)
            case 1: write = try store.replace(index: "i", collection: "c", id: "d", source: ["n": .int(step)], context: bob)
            case 2:
                write = try store.upsert(
                    index: "i", collection: "c", id: "d", changes: ["n": .int(step)], defaults: nil, context: bob)
            default:
                write = try store.createOrReplace(
                    index: "i", collection: "c", id: "d", source: ["n": .int(step)], context: bob)
            }
            #expect(write.document.version == step + 1)
            #expect(write.previous?.version == step)
        }
        let final = try store.get(index: "i", collection: "c", id: "d")
        #expect(final.version == 501)
        #expect(final.source["n"] == 500)
    }

    @Test func storedDocumentsAreSnapshots() throws {
        let store = makeStore()
        let created = try store.create(index: "i", collection: "c", id: "d", source: ["a": ["b": 1]], context: alice)
        _ = try store.update(index: "i", collection: "c", id: "d", changes: ["a": ["b": 2]], context: bob)
        #expect(created.document.source["a"] == ["b": 1])
        #expect(created.document.version == 1)
    }
}

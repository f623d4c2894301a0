import HeraldStore
import HeraldWire
import Testing

@Suite struct DocumentIterationTests {
    @Test func documentsComeInInsertionOrderAndRewritesKeepTheirPlace() throws {
        let store = makeStore()
        for id in ["c", "a", "b"] {
            _ = try store.create(index: "i", collection: "c", id: id, source: [:], context: alice)
        }
        _ = try store.update(index: "i", collection: "c", id: "c", changes: ["x": 1], context: bob)
        _ = try store.replace(index: "i", collection: "c", id: "a", source: ["y": 1], context: bob)
        let documents = Array(try store.documents(index: "i", collection: "c"))
        #expect(documents.map(\.id) == ["c", "a", "b"])
        #expect(documents.map(\.version) == [2, 2, 1])
    }

    @Test func documentsAreASnapshot() throws {
        let store = makeStore()
        _ = try store.create(index: "i", collection: "c", id: "a", source: [:], context: alice)
        let snapshot = try store.documents(index: "i", collection: "c")
        _ = try store.create(index: "i", collection: "c", id: "b", source: [:], context: alice)
        _ = try store.delete(index: "i", collection: "c", id: "a")
        #expect(Array(snapshot).map(\.id) == ["a"])
        #expect(Array(try store.documents(index: "i", collection: "c")).map(\.id) == ["b"])
    }

    @Test func manyDeletionsKeepOrderAndLookups() throws {
        let store = makeStore()
        for n in 0..<1_000 {
            _ = try store.create(index: "i", collection: "c", id: "d\(n)", source: ["n": .int(n)], context: alice)
        }
        // Delete every document whose number is not a multiple of 3, forcing compactions.
        for n in 0..<1_000 where n % 3 != 0 {
            _ = try store.delete(index: "i", collection: "c", id: "d\(n)")
        }
        let kept = Array(stride(from: 0, to: 1_000, by: 3))
        #expect(store.documentCount(index: "i", collection: "c") == kept.count)
        #expect(Array(try store.documents(index: "i", collection: "c")).map(\.id) == kept.map { "d\($0)" })
        for n in kept {
            #expect(try store.get(index: "i", collection: "c", id: "d\(n)").source["n"] == .int(n))
        }
        #expect(try !store.exists(index: "i", collection: "c", id: "d1"))
        // Writes after compaction land in the right slots.
        _ = try store.update(index: "i", collection: "c", id: "d999", changes: ["n": -1], context: bob)
        _ = try store.create(index: "i", collection: "c", id: "d1", source: [:], context: bob)
        let ids = Array(try store.documents(index: "i", collection: "c")).map(\.id)
        #expect(ids.suffix(2) == ["d999", "d1"])
        #expect(try store.get(index: "i", collection: "c", id: "d999").source["n"] == -1)
    }
}

import HeraldStore
import HeraldWire
import Testing

@Suite struct DocumentIdTests {
    static let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

    @Test func generatedIdsAreTwentyUrlSafeCharactersAndUnique() throws {
        let store = makeStore()
        var ids = Set<String>()
        var seen = Set<Character>()
        for _ in 0..<5_000 {
            let write = try store.create(index: "i", collection: "c", id: nil, source: [:], context: alice)
            let id = write.document.id
            #expect(id.count == 20)
            #expect(id.allSatisfy(Self.alphabet.contains))
            seen.formUnion(id)
            ids.insert(id)
        }
        #expect(ids.count == 5_000)
        #expect(store.documentCount(index: "i", collection: "c") == 5_000)
        // 100k random characters cover the 64-character alphabet.
        #expect(seen == Self.alphabet)
    }

    @Test func generatedIdIsReadable() throws {
        let store = makeStore()
        let write = try store.create(index: "i", collection: "c", id: nil, source: ["a": 1], context: alice)
        #expect(try store.get(index: "i", collection: "c", id: write.document.id) == write.document)
    }

    @Test func anyIdStringIsAccepted() throws {
        let store = makeStore()
        for id in ["", " ", "é/ü?#", String(repeating: "x", count: 1_000)] {
            let write = try store.create(index: "i", collection: "c", id: id, source: [:], context: alice)
            #expect(write.document.id == id)
            #expect(try store.exists(index: "i", collection: "c", id: id))
        }
    }
}

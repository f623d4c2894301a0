import HeraldStore
import HeraldWire
import Testing

#if !DEBUG
/// Times a selective equality search over 100 000 documents (release builds only; prints, never asserts on time).
@Suite struct SearchBenchmarkTests {
    @Test func selectiveEqualityOverOneHundredThousandDocuments() throws {
        let store = makeStore()
        for number in 0..<100_000 {
            let source: JSONObject = ["group": .int(number % 10_000), "name": .string("doc-\(number)"), "even": .bool(number % 2 == 0)]
            _ = try store.create(index: "i", collection: "c", id: "d\(number)", source: source, context: alice)
        }
        let query = DocumentQuery(access: .values(field: "group", [42])) { document in
            FieldPathValues.leaves(of: document.source, at: "group").contains(42)
        }
        let first = ContinuousClock.now
        let warm = try store.search(index: "i", collection: "c", query: query, size: 10)
        let firstDuration = ContinuousClock.now - first
        #expect(warm.total == 10)
        let rounds = 1_000
        let start = ContinuousClock.now
        var total = 0
        for _ in 0..<rounds {
            total += try store.search(index: "i", collection: "c", query: query, size: 10).total
        }
        let elapsed = ContinuousClock.now - start
        #expect(total == 10 * rounds)
        print("search, 100k documents, equality on an indexed field (10 hits): \(elapsed / rounds) per search; "
            + "first search, index build included: \(firstDuration)")
    }
}
#endif

@testable import HeraldCore
import HeraldStore
import HeraldWire
import Testing

/// `document:search` with `scroll`, `document:scroll`, `collection:scrollSpecifications`, and the
/// cursor bounds.
@Suite struct ScrollTests {
    @Test func searchWithScrollThenScrollThroughEveryPage() {
        let harness = GatewayHarness()
        harness.ready()
        for number in 0..<5 { harness.document("create", ["_id": .string("d\(number)"), "body": ["n": .int(number)]]) }
        let first = harness.document("search", ["scroll": "10s", "size": 2, "body": ["sort": ["n": "asc"]]])
        #expect(first.at("result.total") == 5)
        #expect(first.at("result.hits")?.arrayValue?.map { $0.objectValue?["_id"] } == ["d0", "d1"])
        guard let scrollId = first.at("result.scrollId") else {
            Issue.record("no scrollId")
            return
        }
        harness.document("delete", ["_id": "d3"])
        var seen: [JSONValue?] = []
        for _ in 0..<2 {
            let page = harness.request(["controller": "document", "action": "scroll", "scrollId": scrollId])
            #expect(page.at("result.total") == 5)
            #expect(page.at("result.scrollId") == scrollId)
            seen += page.at("result.hits")?.arrayValue?.map { $0.objectValue?["_id"] } ?? []
        }
        #expect(seen == ["d2", "d3", "d4"])
        #expect(harness.request(["controller": "document", "action": "scroll", "scrollId": scrollId]).errorId
            == "services.storage.unknown_scroll_id")
    }

    @Test func scrollArgumentsAreChecked() {
        let harness = GatewayHarness()
        harness.ready()
        #expect(harness.document("search", ["scroll": "2h"]).errorId == "services.storage.scroll_duration_too_great")
        #expect(harness.document("search", ["scroll": "soon"]).errorId == "api.assert.invalid_argument")
        #expect(harness.document("search", ["scroll": 10]).errorId == "api.assert.invalid_type")
        #expect(harness.request(["controller": "document", "action": "scroll"]).errorId == "api.assert.missing_argument")
        #expect(harness.request(["controller": "document", "action": "scroll", "scrollId": "nope"]).errorId
            == "services.storage.unknown_scroll_id")
    }

    @Test func specificationsScroll() {
        let harness = GatewayHarness()
        for name in ["a", "b", "c"] {
            harness.request(["controller": "collection", "action": "updateSpecifications", "index": "i",
                             "collection": .string(name), "body": ["strict": false]])
        }
        let first = harness.request(["controller": "collection", "action": "searchSpecifications", "scroll": "5s",
                                     "size": 2])
        #expect(first.at("result.hits")?.arrayValue?.count == 2)
        let next = harness.request(["controller": "collection", "action": "scrollSpecifications",
                                    "scrollId": first.at("result.scrollId") ?? .null])
        #expect(next.at("result.hits") == [["_id": "i#c", "_score": 1, "_source": [
            "collection": "c", "index": "i", "validation": ["strict": false],
        ]]])
    }

    @Test func cursorsExpireAndAreBounded() throws {
        let documents = (0..<10).map { StoredDocument(id: "d\($0)", source: [:], version: 1) }
        let cursors = ScrollCursors(limits: ScrollLimits(defaultTTLMilliseconds: 100, maxDurationMilliseconds: 1000,
                                                         maxCursors: 2, maxDocuments: 15))
        let source = ScrollCursors.Source.documents(index: "i", collection: "c")
        let first = try cursors.open(documents, from: 0, pageSize: 3, ttl: 50, now: 0, source: source, scored: true)
        #expect(cursors.documentCount == 10)
        #expect(throws: KuzzleError.self) {
            try cursors.open(documents, from: 0, pageSize: 3, ttl: 50, now: 0, source: source, scored: true)
        }
        let page = try cursors.next(first, ttl: nil, now: 10)
        #expect(page.documents.map(\.id) == ["d3", "d4", "d5"])
        #expect(throws: KuzzleError.unknownScrollId) { try cursors.next(first, ttl: nil, now: 200) }
        #expect(cursors.count == 0 && cursors.documentCount == 0)
        _ = try cursors.open(documents, from: 0, pageSize: 3, ttl: 50, now: 300, source: source, scored: true)
        _ = try cursors.open([], from: 0, pageSize: 3, ttl: 50, now: 300, source: source, scored: true)
        #expect(throws: KuzzleError.self) {
            try cursors.open([], from: 0, pageSize: 3, ttl: 50, now: 300, source: source, scored: true)
        }
        #expect(ScrollCursors.milliseconds("1m") == 60_000)
        #expect(ScrollCursors.milliseconds("250ms") == 250)
        #expect(ScrollCursors.milliseconds("-1s") == nil)
        #expect(throws: KuzzleError.scrollDurationTooGreat("2s")) { try cursors.ttl("2s") }
    }
}

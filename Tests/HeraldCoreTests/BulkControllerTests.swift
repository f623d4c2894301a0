import HeraldCore
import HeraldWire
import Testing

/// `bulk:*` and `document:mExists`.
@Suite struct BulkControllerTests {
    @discardableResult
    private func bulk(_ harness: GatewayHarness, _ action: String, _ extra: JSONObject = [:]) -> JSONObject {
        var frame: JSONObject = ["controller": "bulk", "action": .string(action), "index": "i", "collection": "c"]
        for (key, value) in extra { frame[key] = value }
        return harness.request(frame)
    }

    @Test func importAppliesEveryLineWithMetadataAndNoNotification() {
        let harness = GatewayHarness()
        harness.ready()
        harness.subscribe([:])
        harness.document("create", ["_id": "old", "body": ["n": 0]])
        let response = bulk(harness, "import", ["body": ["bulkData": [
            ["index": ["_id": "a"]], ["n": 1],
            ["create": [:]], ["n": 2],
            ["create": ["_id": "old"]], ["n": 3],
            ["update": ["_id": "a"]], ["doc": ["m": 1]],
            ["update": ["_id": "ghost"]], ["doc": ["m": 1]],
            ["delete": ["_id": "old"]],
            ["delete": ["_id": "ghost"]],
        ]]])
        #expect(harness.notifications.isEmpty)
        let successes = response.at("result.successes")?.arrayValue ?? []
        #expect(successes.count == 4)
        #expect(successes.first == ["index": ["_id": "a", "status": 201]])
        #expect(successes.last == ["delete": ["_id": "old", "status": 200]])
        let errors = response.at("result.errors")?.arrayValue ?? []
        #expect(errors.count == 3)
        #expect(errors.first?.objectValue?["create"]?.objectValue?["status"] == 409)
        #expect(errors.last == ["delete": ["_id": "ghost", "status": 404]])
        let stored = harness.document("get", ["_id": "a"])
        #expect(stored.at("result._source.m") == 1)
        #expect(stored.at("result._source._kuzzle_info.author") == "-1")
        #expect(harness.document("count").at("result.count") == 2)
        #expect(bulk(harness, "import", ["strict": true, "body": ["bulkData": [["delete": ["_id": "ghost"]]]]]).errorId
            == "api.process.incomplete_multiple_request")
        #expect(bulk(harness, "import", ["body": ["bulkData": [["nope": [:]]]]]).errorId
            == "services.storage.unexpected_bad_request")
        #expect(bulk(harness, "import", ["body": ["bulkData": [["index": [:]]]]]).errorId
            == "services.storage.unexpected_bad_request")
        #expect(bulk(harness, "import").errorId == "api.assert.body_required")
        #expect(bulk(harness, "import", ["collection": "x", "body": ["bulkData": []]]).errorId
            == "services.storage.unknown_collection")
    }

    @Test func writeAndMWriteStoreAsGivenAndNotifyOnRequest() {
        let harness = GatewayHarness()
        harness.ready()
        harness.subscribe([:])
        let written = bulk(harness, "write", ["_id": "w", "body": ["n": 1, "_kuzzle_info": ["author": "someone"]]])
        #expect(written.at("result") == ["_id": "w", "_source": ["n": 1, "_kuzzle_info": ["author": "someone"]],
                                         "_version": 1])
        #expect(harness.notifications.isEmpty)
        bulk(harness, "write", ["_id": "w", "notify": true, "body": ["n": 2]])
        #expect(harness.notifications.count == 1)
        #expect(harness.document("get", ["_id": "w"]).at("result._version") == 2)
        let many = bulk(harness, "mWrite", ["notify": true, "body": ["documents": [
            ["_id": "x", "body": ["n": 1]], ["body": ["n": 2]], ["_id": 3, "body": [:]],
        ]]])
        #expect(many.at("result.successes")?.arrayValue?.count == 2)
        #expect(many.at("result.errors")?.arrayValue?.count == 1)
        #expect(harness.notifications.count == 2)
        #expect(bulk(harness, "mWrite", ["strict": true, "body": ["documents": [["body": 1]]]]).errorId
            == "api.process.incomplete_multiple_request")
        #expect(bulk(harness, "write").errorId == "api.assert.body_required")
    }

    @Test func byQueryWritesIgnoreTheLimitAndNotifyNobody() {
        let harness = GatewayHarness()
        harness.ready()
        for number in 0..<5 { harness.document("create", ["_id": .string("d\(number)"), "body": ["n": .int(number)]]) }
        harness.subscribe([:])
        let updated = bulk(harness, "updateByQuery", ["body": [
            "query": ["range": ["n": ["gte": 2]]], "changes": ["big": true],
        ]])
        #expect(updated.at("result") == ["updated": 3])
        #expect(harness.document("get", ["_id": "d4"]).at("result._source.big") == true)
        let deleted = bulk(harness, "deleteByQuery", ["body": ["query": ["term": ["big": true]]]])
        #expect(deleted.at("result") == ["deleted": 3])
        #expect(harness.notifications.isEmpty)
        #expect(harness.document("count").at("result.count") == 2)
        #expect(bulk(harness, "deleteByQuery", ["body": [:]]).errorId == "api.assert.missing_argument")
        #expect(bulk(harness, "updateByQuery", ["body": ["query": [:], "changes": 1]]).errorId
            == "api.assert.invalid_type")
    }

    @Test func mExistsSplitsIdsByExistence() {
        let harness = GatewayHarness()
        harness.ready()
        harness.document("create", ["_id": "a", "body": [:]])
        let response = harness.document("mExists", ["body": ["ids": ["a", "b", 3]]])
        #expect(response.at("result") == ["errors": ["b", 3], "successes": ["a"]])
        #expect(harness.document("mExists", ["ids": ["a"]]).at("result.successes") == ["a"])
        #expect(harness.document("mExists", ["strict": true, "body": ["ids": ["b"]]]).errorId
            == "api.process.incomplete_multiple_request")
        #expect(harness.document("mExists").errorId == "api.assert.missing_argument")
    }
}

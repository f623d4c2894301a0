import HeraldCore
import HeraldWire
import Testing

@Suite struct CollectionAndIndexActionsTests {
    private func collection(_ harness: GatewayHarness, _ action: String, _ extra: JSONObject = [:]) -> JSONObject {
        var frame: JSONObject = ["controller": "collection", "action": .string(action), "index": "i", "collection": "c"]
        for (key, value) in extra { frame[key] = value }
        return harness.request(frame)
    }

    @Test func createWithMappingsThenReadAndUpdateThem() {
        let harness = GatewayHarness()
        let created = collection(harness, "create", ["body": ["mappings": [
            "dynamic": "strict", "_meta": ["owner": "me"], "properties": ["name": ["type": "keyword"]],
        ]]])
        #expect(created.at("result") == ["acknowledged": true])
        #expect(collection(harness, "getMapping").at("result") == [
            "_meta": ["owner": "me"], "dynamic": "strict", "properties": ["name": ["type": "keyword"]],
        ])
        let updated = collection(harness, "updateMapping", ["body": ["properties": ["age": ["type": "integer"]]]])
        #expect(updated.at("result.dynamic") == "strict")
        #expect(updated.at("result.properties.age") == ["type": "integer"])
        #expect(updated.at("result.properties._kuzzle_info") != nil)
        #expect(collection(harness, "getMapping", ["includeKuzzleMeta": true]).at("result.properties._kuzzle_info") != nil)
        #expect(collection(harness, "getMapping").at("result.properties._kuzzle_info") == nil)
        _ = collection(harness, "create", ["body": ["dynamic": "true"]])
        #expect(collection(harness, "getMapping").at("result.dynamic") == "true")
        #expect(collection(harness, "create", ["body": ["mappings": ["dynamic": "sometimes"]]]).errorId
            == "services.storage.invalid_mapping")
        #expect(collection(harness, "updateMapping").errorId == "api.assert.body_required")
        #expect(collection(harness, "getMapping", ["collection": "nope"]).errorId == "services.storage.unknown_collection")
    }

    @Test func listShowsStoredAndRealtimeCollections() {
        let harness = GatewayHarness()
        harness.ready(collection: "b")
        harness.ready(collection: "c")
        harness.subscribe([:])
        #expect(collection(harness, "list").at("result") == [
            "collections": [["name": "b", "type": "stored"], ["name": "c", "type": "realtime"], ["name": "c", "type": "stored"]],
            "type": "all",
        ])
        #expect(collection(harness, "list", ["type": "realtime"]).at("result.collections") == [["name": "c", "type": "realtime"]])
        #expect(collection(harness, "list", ["from": 1, "size": 1]).at("result") == [
            "collections": [["name": "c", "type": "realtime"]], "type": "all", "from": 1, "size": 1,
        ])
        #expect(collection(harness, "list", ["type": "other"]).errorId == "api.assert.invalid_argument")
    }

    @Test func indexMDeleteDeletesTheExistingOnes() {
        let harness = GatewayHarness()
        harness.ready(index: "a")
        harness.ready(index: "b")
        let response = harness.request(["controller": "index", "action": "mDelete", "body": ["indexes": ["b", "zz", "a"]]])
        #expect(response.at("result") == ["deleted": ["b", "a"]])
        #expect(harness.request(["controller": "index", "action": "list"]).at("result") == ["indexes": []])
        #expect(harness.request(["controller": "index", "action": "mDelete", "body": [:]]).errorId
            == "api.assert.missing_argument")
    }
}

@testable import HeraldCore
import HeraldStore
import HeraldWire
import Testing

/// `server:capabilities/getConfig/healthCheck/get*Stats`, `index:stats`, `admin:*`.
@Suite struct ServerAndAdminActionsTests {
    private func call(_ harness: GatewayHarness, _ controller: String, _ action: String,
                      _ extra: JSONObject = [:]) -> JSONObject {
        var frame: JSONObject = ["controller": .string(controller), "action": .string(action)]
        for (key, value) in extra { frame[key] = value }
        return harness.request(frame)
    }

    @Test func capabilitiesConfigAndHealth() {
        let harness = GatewayHarness()
        #expect(call(harness, "server", "healthCheck").at("result") == [
            "services": ["storageEngine": "green"], "status": "green",
        ])
        let capabilities = call(harness, "server", "capabilities")
        #expect(capabilities.at("result.limits.documentsWriteCount") == 200)
        #expect(capabilities.at("result.routes.bulk.import") == [
            "controller": "bulk", "action": "import", "http": [["url": "/:index/:collection/_bulk", "verb": "POST"]],
        ])
        #expect(capabilities.at("result.version") == .string(HeraldVersion.kuzzleCompatibility))
        let configuration = call(harness, "server", "getConfig")
        #expect(configuration.at("result.limits.documentsFetchCount") == 10_000)
        #expect(configuration.at("result.services.storageEngine.maxScrollDuration") == "60000ms")
    }

    @Test func statisticsFramesCountRequestsPerProtocol() {
        var now = 0
        let frames = StatisticsFrames(interval: 100, retention: 1000, now: now) { ["websocket": 2] }
        frames.record(protocolName: "websocket", status: 200, now: 10)
        frames.record(protocolName: "websocket", status: 404, now: 20)
        frames.record(protocolName: "http", status: 200, now: 30)
        #expect(frames.all(now: 50).isEmpty)
        now = 150
        let closed = frames.all(now: now)
        #expect(closed.count == 1)
        #expect(closed.first?.completedRequests == ["websocket": 1, "http": 1])
        #expect(closed.first?.failedRequests == ["websocket": 1])
        #expect(closed.first?.connections == ["websocket": 2] && closed.first?.timestamp == 100)
        frames.record(protocolName: "websocket", status: 200, now: 250)
        #expect(frames.all(now: 5000).isEmpty)

        let harness = GatewayHarness()
        #expect(call(harness, "server", "getAllStats").at("result") == ["hits": [], "total": 0])
        #expect(call(harness, "server", "getLastStats").at("result") == [:])
        #expect(call(harness, "server", "getStats", ["startTime": 0]).at("result.total") == 0)
        #expect(call(harness, "server", "getStats", ["startTime": "x"]).errorId == "api.assert.invalid_type")
    }

    @Test func indexStatsCountsDocumentsAndBytes() {
        let harness = GatewayHarness()
        harness.ready()
        harness.document("create", ["_id": "a", "body": ["n": 1]])
        let stats = call(harness, "index", "stats")
        #expect(stats.at("result.indexes")?.arrayValue?.count == 1)
        let collection = stats.at("result.indexes")?.arrayValue?.first?.objectValue?["collections"]?.arrayValue?.first
        #expect(collection?.objectValue?["documentCount"] == 1)
        #expect((collection?.objectValue?["size"]?.integerValue ?? 0) > 0)
        #expect(stats.at("result.size") == collection?.objectValue?["size"])
    }

    @Test func loadMappingsLoadFixturesAndResetDatabase() {
        let harness = GatewayHarness()
        #expect(call(harness, "admin", "loadMappings", ["body": ["shop": ["items": [
            "properties": ["name": ["type": "keyword"]],
        ]]]]).at("result") == ["acknowledge": true])
        #expect(call(harness, "collection", "getMapping", ["index": "shop", "collection": "items"])
            .at("result.properties.name") == ["type": "keyword"])
        #expect(call(harness, "admin", "loadFixtures", ["body": ["shop": ["items": [
            ["create": ["_id": "a"]], ["name": "apple"], ["index": [:]], ["name": "pear"],
        ]]]]).at("result") == ["acknowledge": true])
        #expect(call(harness, "document", "count", ["index": "shop", "collection": "items"]).at("result.count") == 2)
        #expect(call(harness, "admin", "loadFixtures", ["body": ["shop": ["items": [
            ["create": ["_id": "a"]], ["name": "again"],
        ]]]]).errorId == "services.storage.import_failed")
        #expect(call(harness, "admin", "loadFixtures", ["body": ["shop": ["nope": []]]]).errorId
            == "services.storage.unknown_collection")
        #expect(call(harness, "admin", "loadMappings", ["body": ["shop": 1]]).errorId == "api.assert.invalid_type")
        #expect(call(harness, "admin", "resetDatabase").at("result") == ["acknowledge": true])
        #expect(call(harness, "index", "list").at("result.indexes") == [])
        #expect(harness.gateway.store.indexExists(SecurityStore.internalIndex))
    }
}

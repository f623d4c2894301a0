import HeraldCore
import HeraldWire
import Testing

@Suite struct GatewayMetricsTests {
    private func count(_ gateway: Gateway, _ controller: String, _ action: String, _ status: Int) -> Int {
        gateway.metrics.requests[.init(controller: controller, action: action, status: status)] ?? 0
    }

    @Test func requestsAreCountedByControllerActionAndStatus() {
        let harness = GatewayHarness()
        harness.request(["controller": "server", "action": "now"])
        harness.request(["controller": "server", "action": "now"])
        harness.ready()
        let missing = harness.request(["controller": "document", "action": "get", "index": "i", "collection": "c", "_id": "x"])
        let gateway = harness.gateway
        #expect(count(gateway, "server", "now", 200) == 2)
        #expect(missing["status"] == 404)
        #expect(count(gateway, "document", "get", 404) == 1)
        #expect(gateway.metrics.latencyBuckets.reduce(0, +) == 4)
    }

    @Test func unknownNamesShareOneSeries() {
        let harness = GatewayHarness()
        for name in ["a", "b", "c"] { harness.request(["controller": .string(name), "action": "x"]) }
        harness.request(["controller": "server", "action": "nothing"])
        let requests = harness.gateway.metrics.requests
        #expect(requests[.init(controller: "_unknown", action: "_unknown", status: 404)] == 3)
        #expect(requests[.init(controller: "server", action: "_unknown", status: 404)] == 1)
        #expect(requests.count == 2)
    }

    @Test func notificationsAndRealtimeFiguresFollowSubscriptions() {
        let harness = GatewayHarness()
        harness.ready()
        for connection: UInt64 in [2, 3] {
            harness.request(["controller": "realtime", "action": "subscribe", "index": "i", "collection": "c", "body": [:]],
                            from: connection)
        }
        harness.request(["controller": "realtime", "action": "subscribe", "index": "i", "collection": "c", "body": [:],
                         "scope": "out"], from: 4)
        let figures = harness.gateway.realtimeFigures
        #expect(figures == .init(rooms: 1, channels: 2, subscriptions: 3))
        harness.request(["controller": "document", "action": "create", "index": "i", "collection": "c", "body": ["a": 1]])
        #expect(harness.gateway.metrics.notificationsSent == harness.lastNotifications.count)
        #expect(harness.gateway.metrics.notificationsSent == 2)
        #expect(harness.gateway.documentsPerIndex.map { "\($0.index)=\($0.documents)" } == ["i=1"])
    }

    @Test func malformedMessagesAreCounted() {
        let harness = GatewayHarness()
        harness.sendRaw("{nope")
        harness.sendRaw("[1]")
        #expect(harness.gateway.metrics.malformedMessages == 2)
    }

    @Test func serverMetricsHasKuzzleShape() {
        let harness = GatewayHarness()
        harness.ready()
        harness.request(["controller": "realtime", "action": "subscribe", "index": "i", "collection": "c", "body": [:]],
                        from: 2)
        let result = harness.request(["controller": "server", "action": "metrics"])["result"]
        let expected: JSONValue = [
            "api": ["concurrentRequests": 1, "pendingRequests": 0],
            "network": ["connections": ["websocket": 4]],
            "realtime": ["rooms": 1, "subscriptions": 1],
        ]
        #expect(result == expected)
    }

    @Test func serverInfoReportsRoutesMemoryAndUptime() throws {
        let harness = GatewayHarness()
        let result = harness.request(["controller": "server", "action": "info"])["result"]
        let kuzzle = try #require(result?.objectValue?["serverInfo"]?.objectValue?["kuzzle"]?.objectValue)
        let routes = try #require(kuzzle["api"]?.objectValue?["routes"]?.objectValue)
        #expect(routes["server"]?.objectValue?["metrics"] == [
            "controller": "server", "action": "metrics", "http": [["url": "/_metrics", "verb": "GET"]],
        ])
        #expect(routes["realtime"]?.objectValue?["subscribe"] == ["controller": "realtime", "action": "subscribe"],
                "an action without an HTTP route lists none")
        #expect(kuzzle["api"]?.objectValue?["protocols"] == ["websocket", "http"])
        #expect(routes["document"]?.objectValue?["upsert"] != nil)
        guard case .int(let memory)? = kuzzle["memoryUsed"] else {
            Issue.record("memoryUsed missing")
            return
        }
        #expect(memory > 1_000_000)
        #expect(kuzzle["uptime"] == "0.000s")
        #expect(kuzzle["statistics"]?.objectValue?["connections"] == 4)
    }
}

@Suite struct PublicAPITests {
    @Test func publicApiListsImplementedActionsWithTheirRoutes() throws {
        let harness = GatewayHarness()
        let result = try #require(harness.request(["controller": "server", "action": "publicApi"])["result"]?.objectValue)
        #expect(result["document"]?.objectValue?["get"] == [
            "controller": "document", "action": "get", "http": [["url": "/:index/:collection/:_id", "verb": "GET"]],
        ])
        #expect(result["server"]?.objectValue?["publicApi"] != nil)
        #expect(result["security"]?.objectValue?["getUserStrategies"] == nil, "actions the gateway does not run are left out")
        #expect(result["realtime"]?.objectValue?["subscribe"] == nil, "actions without an HTTP route are left out")
    }
}

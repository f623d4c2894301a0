import HeraldCore
import HeraldWire
import Testing

@Suite struct NotificationTests {
    private func subscribe(_ harness: GatewayHarness, _ filter: JSONValue, from connection: UInt64 = 2,
                           scope: String = "all") -> String {
        let response = harness.request(["controller": "realtime", "action": "subscribe", "index": "i", "collection": "c",
                                        "body": filter, "scope": .string(scope)], from: connection)
        return response["result"]!.objectValue!["channel"]!.stringValue!
    }

    private func upsert(_ harness: GatewayHarness, _ changes: JSONValue, silent: Bool = false) {
        harness.request(["controller": "document", "action": "upsert", "index": "i", "collection": "c", "_id": "d1",
                         "body": ["changes": changes], "silent": .bool(silent), "volatile": ["tag": "w"]])
    }

    @Test func upsertCreatesThenUpdates() {
        let harness = GatewayHarness()
        harness.ready()
        let channel = subscribe(harness, ["equals": ["status": "open"]])
        upsert(harness, ["status": "open", "n": 1])
        let created = harness.lastNotifications.map { $0.frame.objectValue! }
        #expect(created.count == 1)
        #expect(harness.lastNotifications.first?.connection == ConnectionID(2))
        let create = created[0]
        #expect(create["action"] == "create")
        #expect(create["scope"] == "in")
        #expect(create["event"] == "write")
        #expect(create["room"] == .string(channel))
        #expect(create["volatile"] == ["tag": "w"])
        #expect(create["controller"] == "document")
        #expect(create["protocol"] == "websocket")
        #expect(create["timestamp"] == .int(GatewayHarness.now))
        #expect(create["result"]?.objectValue?["_version"] == 1)
        upsert(harness, ["n": 2])
        let update = harness.lastNotifications[0].frame.objectValue!
        #expect(update["action"] == "update")
        #expect(update["result"]?.objectValue?["_updatedFields"] == ["n"])
        upsert(harness, ["status": "closed"])
        let out = harness.lastNotifications.map { $0.frame.objectValue! }
        #expect(out.count == 1)
        #expect(out.first?["scope"] == "out")
        upsert(harness, ["n": 3])
        #expect(harness.lastNotifications.isEmpty)
    }

    @Test func silentWritesNotifyNobody() {
        let harness = GatewayHarness()
        harness.ready()
        _ = subscribe(harness, [:])
        upsert(harness, ["a": 1], silent: true)
        #expect(harness.lastNotifications.isEmpty)
    }

    @Test func writerSubscriberGetsNotificationBeforeResponse() {
        let harness = GatewayHarness()
        harness.ready()
        _ = subscribe(harness, [:], from: 1)
        let frames = harness.sendRaw(#"{"controller":"document","action":"create","index":"i","collection":"c","body":{"a":1},"requestId":"w1"}"#)
        #expect(frames.count == 2)
        #expect(frames[0].frame.objectValue?["type"] == "document")
        #expect(frames[1].frame.objectValue?["room"] == "w1")
    }

    @Test func disconnectLeavesRooms() {
        let harness = GatewayHarness()
        harness.ready()
        let roomResponse = harness.request(["controller": "realtime", "action": "subscribe", "index": "i", "collection": "c",
                                            "body": [:]], from: 2)
        let roomId = roomResponse["result"]!.objectValue!["roomId"]!
        #expect(harness.request(["controller": "realtime", "action": "count", "body": ["roomId": roomId]])["result"] == ["count": 1])
        harness.gateway.connectionClosed(ConnectionID(2))
        #expect(harness.request(["controller": "realtime", "action": "count", "body": ["roomId": roomId]])["result"] == ["count": 0])
        let unsubscribe = harness.request(["controller": "realtime", "action": "unsubscribe", "body": ["roomId": roomId]])
        #expect(unsubscribe["error"]?.objectValue?["id"] == "core.realtime.not_subscribed")
    }

    @Test func scopeOptionFiltersNotifications() {
        let harness = GatewayHarness()
        harness.ready()
        _ = subscribe(harness, ["equals": ["s": 1]], from: 2, scope: "out")
        upsert(harness, ["s": 1])
        #expect(harness.lastNotifications.isEmpty)
        upsert(harness, ["s": 2])
        #expect(harness.lastNotifications.map { $0.frame.objectValue?["scope"] } == ["out"])
    }
}

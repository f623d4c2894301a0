@testable import HeraldCore
import HeraldWire
import Testing

/// `realtime:count` and `realtime:list` add the other nodes' rooms (cluster mode) to this node's.
@Suite struct SharedRoomCountTests {
    @Test func countsAndListsAddTheOtherNodesRooms() throws {
        let harness = GatewayHarness()
        harness.request(["controller": "collection", "action": "create", "index": "i", "collection": "c"])
        let subscribed = harness.request(["controller": "realtime", "action": "subscribe", "index": "i",
                                          "collection": "c", "body": [:]], from: 2)
        let roomId = try #require(subscribed["result"]?.objectValue?["roomId"]?.stringValue)
        #expect(harness.gateway.registry.localRooms == [roomId: .init(index: "i", collection: "c", count: 1)])

        harness.gateway.registry.otherNodes = [
            roomId: .init(index: "i", collection: "c", count: 2),
            "elsewhere": .init(index: "j", collection: "d", count: 4),
        ]
        func count(_ id: String) -> JSONValue? {
            harness.request(["controller": "realtime", "action": "count", "body": ["roomId": .string(id)]])["result"]?
                .objectValue?["count"]
        }
        #expect(count(roomId) == .int(3))
        #expect(count("elsewhere") == .int(4))
        #expect(count("nowhere") == .int(0))
        let listed = harness.request(["controller": "realtime", "action": "list"])["result"]
        #expect(listed == .object(["i": ["c": .object([roomId: 3])], "j": ["d": ["elsewhere": 4]]]))
    }

    @Test func userNotificationsCountTheOtherNodesConnectionsToo() throws {
        let harness = GatewayHarness()
        harness.request(["controller": "collection", "action": "create", "index": "i", "collection": "c"])
        func subscribe(from connection: UInt64) -> String? {
            harness.request(["controller": "realtime", "action": "subscribe", "index": "i", "collection": "c",
                             "body": [:], "users": "all"], from: connection)["result"]?.objectValue?["roomId"]?
                .stringValue
        }
        let roomId = try #require(subscribe(from: 2))
        harness.gateway.registry.otherNodes = [roomId: .init(index: "i", collection: "c", count: 2)]
        _ = subscribe(from: 3)
        func counts() -> [JSONValue?] {
            harness.lastNotifications.map { $0.frame.objectValue?["result"]?.objectValue?["count"] }
        }
        #expect(counts() == [.int(4), .int(4)], "both subscribers of the channel are told")
        harness.request(["controller": "realtime", "action": "unsubscribe", "body": ["roomId": .string(roomId)]],
                        from: 3)
        #expect(counts() == [.int(3)])
    }
}

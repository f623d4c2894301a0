import HeraldCore
import HeraldWire
import Testing

/// Who receives a user `in`: the channels that existed before the subscription (Kuzzle's
/// `subscribeToRoom` picks them before creating the new subscriber's channel).
@Suite struct UserNotificationTests {
    private func subscribe(_ harness: GatewayHarness, from connection: UInt64, scope: String = "all") -> String {
        let response = harness.request(
            ["controller": "realtime", "action": "subscribe", "index": "i", "collection": "c",
             "body": ["equals": ["a": 1]], "users": "all", "scope": .string(scope)], from: connection)
        return response["result"]!.objectValue!["channel"]!.stringValue!
    }

    private func userIns(_ harness: GatewayHarness) -> [(ConnectionID, String, Int)] {
        harness.lastNotifications.compactMap { sent in
            let frame = sent.frame.objectValue!
            guard frame["type"] == "user", frame["user"] == "in" else { return nil }
            return (sent.connection, frame["room"]!.stringValue!, frame["result"]!.objectValue!["count"]!.integerValue!)
        }
    }

    @Test func theFirstSubscriberOfANewChannelIsNotToldOfItsOwnArrival() {
        let harness = GatewayHarness()
        _ = subscribe(harness, from: 1)
        #expect(userIns(harness).isEmpty)
    }

    @Test func aSubscriberJoiningAnExistingChannelIsToldAsAreTheOthers() {
        let harness = GatewayHarness()
        let channel = subscribe(harness, from: 1)
        #expect(subscribe(harness, from: 2) == channel)
        let ins = userIns(harness)
        #expect(Set(ins.map(\.0)) == [ConnectionID(1), ConnectionID(2)])
        #expect(ins.allSatisfy { $0.1 == channel && $0.2 == 2 })
    }

    @Test func aSubscriberWhoseOptionsCreateANewChannelIsNotToldButTheRoomsOtherChannelsAre() {
        let harness = GatewayHarness()
        let first = subscribe(harness, from: 1)
        let second = subscribe(harness, from: 2, scope: "in")
        #expect(first != second)
        let ins = userIns(harness)
        #expect(ins.map(\.0) == [ConnectionID(1)])
        #expect(ins.first?.1 == first)
        #expect(ins.first?.2 == 2)
    }

    @Test func aSecondSubscriptionOfTheSameConnectionToTheRoomSendsNothing() {
        let harness = GatewayHarness()
        _ = subscribe(harness, from: 1)
        _ = subscribe(harness, from: 2)
        _ = subscribe(harness, from: 2, scope: "out")
        #expect(userIns(harness).isEmpty)
    }
}

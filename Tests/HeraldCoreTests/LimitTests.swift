@testable import HeraldCore
import HeraldWire
import Logging
import Testing

@Suite struct LimitTests {
    private func gateway(_ configure: (inout GatewayConfiguration) -> Void) -> (Gateway, RecordingOutbox) {
        var configuration = GatewayConfiguration(nodeID: "node-test")
        configure(&configuration)
        let outbox = RecordingOutbox()
        let gateway = Gateway(configuration: configuration, outbox: outbox, clock: FixedClock(now: 1_700_000_000_000),
                              logger: Logger(label: "test"))
        for connection in 1...3 { gateway.connectionOpened(ConnectionID(UInt64(connection))) }
        return (gateway, outbox)
    }

    private func send(_ gateway: Gateway, _ text: String, from connection: UInt64 = 1) {
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { gateway.receive(UnsafeRawBufferPointer($0), from: ConnectionID(connection)) }
    }

    private func subscribe(_ gateway: Gateway, _ outbox: RecordingOutbox, value: Int, from connection: UInt64 = 1) -> JSONValue? {
        send(gateway, #"{"controller":"realtime","action":"subscribe","index":"i","collection":"c","requestId":"s","body":{"equals":{"n":\#(value)}}}"#,
             from: connection)
        return outbox.drain().last { $0.connection == ConnectionID(connection) }?.frame.objectValue?["error"]
    }

    @Test func rateLimiterCountsPerConnectionPerSecond() {
        var limiter = RequestRateLimiter(maxPerSecond: 3)
        let a = ConnectionID(1), b = ConnectionID(2)
        var admitted = 0
        for _ in 0..<3 where limiter.admit(a, nowMilliseconds: 10_000) { admitted += 1 }
        #expect(admitted == 3)
        let fourth = limiter.admit(a, nowMilliseconds: 10_999)
        let otherConnection = limiter.admit(b, nowMilliseconds: 10_999)
        let nextSecond = limiter.admit(a, nowMilliseconds: 11_000)
        #expect(!fourth)
        #expect(otherConnection)
        #expect(nextSecond)
        var unlimited = RequestRateLimiter(maxPerSecond: 0)
        var refused = 0
        for _ in 0..<10_000 where !unlimited.admit(a, nowMilliseconds: 0) { refused += 1 }
        #expect(refused == 0)
    }

    @Test func excessRequestsGetTheRateLimitFrameWithoutRoom() {
        let (gateway, outbox) = gateway { $0.maxRequestsPerSecond = 2 }
        for _ in 0..<3 { send(gateway, #"{"controller":"server","action":"now","requestId":"x"}"#) }
        send(gateway, #"{"p":1}"#)
        let frames = outbox.drain().map { $0.frame.objectValue! }
        #expect(frames.count == 4)
        #expect(frames[0]["room"] == "x" && frames[1]["room"] == "x")
        #expect(frames[2]["room"] == nil)
        #expect(frames[2]["status"] == 429)
        #expect(frames[2]["error"]?.objectValue?["id"] == "network.websocket.ratelimit_exceeded")
        #expect(frames[2]["error"]?.objectValue?["message"] == "Rejected: too many requests received from that socket")
        #expect(frames[3] == ["p": 2])
        send(gateway, #"{"controller":"server","action":"now","requestId":"y"}"#, from: 2)
        #expect(outbox.drain().first?.frame.objectValue?["room"] == "y")
    }

    @Test func roomLimitsRejectWithTooManyRooms() {
        let (gateway, outbox) = gateway {
            $0.maxRooms = 3
            $0.maxSubscriptionsPerConnection = 2
        }
        #expect(subscribe(gateway, outbox, value: 1) == .null)
        #expect(subscribe(gateway, outbox, value: 2) == .null)
        #expect(subscribe(gateway, outbox, value: 1) == .null, "an existing membership does not count twice")
        let perConnection = subscribe(gateway, outbox, value: 3)?.objectValue
        #expect(perConnection?["id"] == "core.realtime.too_many_rooms")
        #expect(perConnection?["status"] == 413)
        #expect(perConnection?["code"] == 65543)
        #expect(subscribe(gateway, outbox, value: 3, from: 2) == .null)
        #expect(subscribe(gateway, outbox, value: 4, from: 2)?.objectValue?["id"] == "core.realtime.too_many_rooms")
        #expect(subscribe(gateway, outbox, value: 1, from: 3) == .null, "joining an existing room is not a new room")
        gateway.connectionClosed(ConnectionID(1))
        #expect(subscribe(gateway, outbox, value: 4, from: 3) == .null, "rooms freed by a disconnect are reusable")
    }

    @Test func jsonDepthIsConfigurable() {
        let (gateway, outbox) = gateway { $0.maxJSONDepth = 4 }
        send(gateway, #"{"controller":"server","action":"now","requestId":"ok","volatile":{"a":{"b":[1]}}}"#)
        #expect(outbox.drain().first?.frame.objectValue?["room"] == "ok")
        send(gateway, #"{"controller":"server","action":"now","requestId":"deep","volatile":{"a":{"b":[[1]]}}}"#)
        let frame = outbox.drain().first?.frame.objectValue
        #expect(frame?["room"] == nil)
        #expect(frame?["error"]?.objectValue?["id"] == "network.websocket.unexpected_error")
    }
}

import HeraldCore
import HeraldWire
import Logging

/// Records every frame the gateway sends, with its recipient.
final class RecordingOutbox: ClientOutbox {
    private(set) var sent: [(connection: ConnectionID, frame: JSONValue)] = []

    func send(_ frame: [UInt8], to connection: ConnectionID) {
        let value = frame.withUnsafeBytes { try! JSONParser.parse($0) }
        sent.append((connection, value))
    }

    func drain() -> [(connection: ConnectionID, frame: JSONValue)] {
        defer { sent.removeAll() }
        return sent
    }
}

struct FixedClock: EpochClock {
    let now: Int
    func nowMilliseconds() -> Int { now }
}

/// A gateway with a recording outbox and a fixed clock.
final class GatewayHarness {
    let outbox = RecordingOutbox()
    let gateway: Gateway
    static let now = 1_700_000_000_000

    init(sink: (any CommitSink)? = nil) {
        gateway = Gateway(configuration: GatewayConfiguration(nodeID: "node-test"), outbox: outbox,
                          clock: FixedClock(now: Self.now), sink: sink, logger: Logger(label: "test"))
        for connection in 1...4 { gateway.connectionOpened(ConnectionID(UInt64(connection))) }
    }

    /// Sends raw text and returns every frame sent as a consequence.
    @discardableResult
    func sendRaw(_ text: String, from connection: UInt64 = 1) -> [(connection: ConnectionID, frame: JSONValue)] {
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { gateway.receive(UnsafeRawBufferPointer($0), from: ConnectionID(connection)) }
        return outbox.drain()
    }

    /// Sends a request and returns the response addressed to the sender (room == requestId).
    @discardableResult
    func request(_ frame: JSONObject, from connection: UInt64 = 1) -> JSONObject {
        var frame = frame
        if frame["requestId"] == nil { frame["requestId"] = .string("r-\(counter)") }
        counter += 1
        let requestId = frame["requestId"]!
        let frames = sendRaw(JSONWriter.encodeToString(.object(frame)), from: connection)
        lastNotifications = frames.filter { $0.frame.objectValue?["room"] != requestId }
        guard let response = frames.last(where: { $0.frame.objectValue?["room"] == requestId })?.frame.objectValue else {
            fatalError("no response to \(frame)")
        }
        return response
    }

    /// Notifications sent while the last request ran.
    private(set) var lastNotifications: [(connection: ConnectionID, frame: JSONValue)] = []
    private var counter = 0

    func ready(index: String = "i", collection: String = "c") {
        request(["controller": "collection", "action": "create", "index": .string(index), "collection": .string(collection)])
    }
}

extension GatewayHarness {
    /// Runs a frame as the HTTP transport does and returns the action's outcome.
    func http(_ frame: JSONObject, from connection: UInt64 = 9) -> Result<ActionResult, KuzzleError> {
        let box = OutcomeBox()
        gateway.connectionOpened(ConnectionID(connection))
        gateway.execute(frame: frame, protocolName: "http", connection: ConnectionID(connection),
                        reply: .handler { request, outcome in box.record(request, outcome) })
        gateway.connectionClosed(ConnectionID(connection))
        guard let outcome = box.outcome else { fatalError("no outcome for \(frame)") }
        return outcome
    }
}

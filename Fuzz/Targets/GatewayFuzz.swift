import HeraldCore
import HeraldWire
import Logging

/// Checks every frame the gateway sends: valid JSON, and routable by the SDK (a `room`, a
/// non-null `error`, or the `{"p":2}` heartbeat answer).
final class CheckingOutbox: ClientOutbox {
    func send(_ frame: [UInt8], to connection: ConnectionID) {
        guard case .object(let object)? = try? JSONParser.parse(frame) else {
            fatalError("unparsable frame: \(String(decoding: frame, as: UTF8.self))")
        }
        let routable = object["room"] != nil || (object["error"] ?? .null) != .null || object == ["p": 2]
        precondition(routable, "frame without room or error: \(String(decoding: frame, as: UTF8.self))")
    }
}

/// libFuzzer entry: the input is split into messages at newlines, sent in turn from three
/// connections of a fresh gateway; then every connection closes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGateway(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let outbox = CheckingOutbox()
    let gateway = Gateway(configuration: GatewayConfiguration(nodeID: "fuzz"), outbox: outbox,
                          logger: Logger(label: "fuzz", factory: { _ in SwiftLogNoOpLogHandler() }))
    let connections = (1...3).map { ConnectionID(UInt64($0)) }
    for connection in connections { gateway.connectionOpened(connection) }
    let input = UnsafeRawBufferPointer(start: data, count: size)
    var start = 0
    var line = 0
    while start <= size {
        let end = input[start...].firstIndex(of: UInt8(ascii: "\n")) ?? size
        gateway.receive(UnsafeRawBufferPointer(rebasing: input[start..<end]), from: connections[line % 3])
        line += 1
        start = end + 1
    }
    connections.forEach(gateway.connectionClosed)
    precondition(gateway.registry.roomCount == 0, "rooms left after every connection closed")
    return 0
}

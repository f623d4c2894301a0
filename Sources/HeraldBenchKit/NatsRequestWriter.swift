/// Writes the NATS client operations the scenarios send.
enum NatsRequestWriter {
    /// `CONNECT` with no echo of +OK, no headers: the plainest client.
    static let connect = Array(
        "CONNECT {\"verbose\":false,\"pedantic\":false,\"headers\":false,\"no_responders\":false}\r\n".utf8)

    /// `PING`: the server answers `PONG` once it has processed everything sent before.
    static let ping = Array("PING\r\n".utf8)

    /// `PONG`, the answer to a server `PING`.
    static let pong = Array("PONG\r\n".utf8)

    /// Appends `SUB <subject> <sid>`.
    static func appendSubscribe(subject: String, sid: Int, to buffer: inout [UInt8]) {
        buffer.append(contentsOf: "SUB \(subject) \(sid)\r\n".utf8)
    }

    /// Appends `PUB <subject> <size>` and `payload`.
    static func appendPublish(subject: [UInt8], payload: [UInt8], to buffer: inout [UInt8]) {
        buffer.append(contentsOf: "PUB ".utf8)
        buffer.append(contentsOf: subject)
        buffer.append(UInt8(ascii: " "))
        KuzzleRequestWriter.appendDecimal(payload.count, to: &buffer)
        buffer.append(contentsOf: "\r\n".utf8)
        buffer.append(contentsOf: payload)
        buffer.append(contentsOf: "\r\n".utf8)
    }

    /// Appends a JSON document `{"t":sentAt,"g":room,"pad":"x…"}` padded to `size` bytes when it is shorter.
    static func appendTimestampedDocument(sentAt: UInt64, room: Int, size: Int, to buffer: inout [UInt8]) {
        let start = buffer.count
        buffer.append(contentsOf: "{\"t\":".utf8)
        KuzzleRequestWriter.appendDecimal(sentAt, to: &buffer)
        buffer.append(contentsOf: ",\"g\":".utf8)
        KuzzleRequestWriter.appendDecimal(room, to: &buffer)
        buffer.append(contentsOf: ",\"pad\":\"".utf8)
        let padding = max(0, size - (buffer.count - start) - 2)
        buffer.append(contentsOf: repeatElement(UInt8(ascii: "x"), count: padding))
        buffer.append(contentsOf: "\"}".utf8)
    }
}

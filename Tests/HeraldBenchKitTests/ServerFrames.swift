@testable import HeraldBenchKit

/// Builds frames as a server sends them (unmasked), for the decoder tests.
enum ServerFrames {
    /// One frame with `opcode`, FIN set unless `final` is false, and the shortest length encoding.
    static func frame(_ opcode: UInt8, _ payload: [UInt8], final: Bool = true) -> [UInt8] {
        var bytes: [UInt8] = [(final ? 0x80 : 0) | opcode]
        appendLength(payload.count, to: &bytes)
        return bytes + payload
    }

    /// The length field of an unmasked frame: 7 bits, or 126 + 16 bits, or 127 + 64 bits.
    static func appendLength(_ length: Int, to bytes: inout [UInt8]) {
        if length < 126 {
            bytes.append(UInt8(length))
        } else if length <= 0xFFFF {
            bytes += [126, UInt8(length >> 8), UInt8(length & 0xFF)]
        } else {
            bytes.append(127)
            for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8((length >> shift) & 0xFF)) }
        }
    }

    static func text(_ text: String, final: Bool = true) -> [UInt8] { frame(0x1, Array(text.utf8), final: final) }
}

/// A decoded event with its payload copied, so it can outlive the callback and be compared.
enum DecodedEvent: Equatable {
    case text(String)
    case binary([UInt8])
    case ping([UInt8])
    case pong([UInt8])
    case close(UInt16?)

    init(_ event: WebSocketFrameEvent) {
        switch event {
        case .text(let payload): self = .text(String(decoding: payload, as: UTF8.self))
        case .binary(let payload): self = .binary(Array(payload))
        case .ping(let payload): self = .ping(Array(payload))
        case .pong(let payload): self = .pong(Array(payload))
        case .close(let code): self = .close(code)
        }
    }
}

extension WebSocketFrameDecoder {
    /// Feeds `stream` in slices of `chunkSize` bytes the way the connection does (keeping what was not
    /// consumed) and returns every event, in order.
    mutating func decodeAll(_ stream: [UInt8], chunkSize: Int) throws(WebSocketProtocolError) -> [DecodedEvent] {
        var events: [DecodedEvent] = []
        var pending: [UInt8] = []
        var offset = 0
        while offset < stream.count {
            let end = min(offset + chunkSize, stream.count)
            pending += stream[offset..<end]
            offset = end
            var decoder = self
            let result = pending.withUnsafeBytes { bytes in
                Result { () throws(WebSocketProtocolError) -> Int in
                    try decoder.decode(bytes) { events.append(DecodedEvent($0)) }
                }
            }
            self = decoder
            pending.removeFirst(try result.get())
        }
        return events
    }
}

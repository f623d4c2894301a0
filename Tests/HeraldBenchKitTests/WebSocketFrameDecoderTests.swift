@testable import HeraldBenchKit
import Testing

@Suite("WebSocketFrameDecoder")
struct WebSocketFrameDecoderTests {
    /// A stream with every kind of frame, control frames between fragments, and 7- and 16-bit lengths.
    static let stream: [UInt8] = {
        var bytes = ServerFrames.text("hello")
        bytes += ServerFrames.frame(0x9, Array("are you there".utf8))
        bytes += ServerFrames.text("frag", final: false)
        bytes += ServerFrames.frame(0x9, [1, 2, 3])
        bytes += ServerFrames.frame(0x0, Array("ment".utf8), final: false)
        bytes += ServerFrames.frame(0xA, [])
        bytes += ServerFrames.frame(0x0, Array("ed".utf8))
        bytes += ServerFrames.frame(0x2, [0, 255, 7])
        bytes += ServerFrames.text(String(repeating: "m", count: 126))
        bytes += ServerFrames.text(String(repeating: "l", count: 300))
        bytes += ServerFrames.text("")
        bytes += ServerFrames.frame(0x8, [0x03, 0xE8, UInt8(ascii: "b"), UInt8(ascii: "y")])
        return bytes
    }()

    static let expected: [DecodedEvent] = [
        .text("hello"), .ping(Array("are you there".utf8)), .ping([1, 2, 3]), .pong([]), .text("fragmented"),
        .binary([0, 255, 7]), .text(String(repeating: "m", count: 126)), .text(String(repeating: "l", count: 300)),
        .text(""), .close(1000),
    ]

    @Test("Chunks of every size from 1 byte to the whole stream decode to the same events")
    func everyChunkSize() throws {
        for chunkSize in 1...Self.stream.count {
            var decoder = WebSocketFrameDecoder(maxMessageBytes: 1 << 20)
            let events = try decoder.decodeAll(Self.stream, chunkSize: chunkSize)
            #expect(events == Self.expected, "chunk size \(chunkSize)")
            #expect(decoder.sawClose)
        }
    }

    @Test("A 64-bit length frame decodes whole and in chunks", arguments: [1, 7, 4096, 70_000])
    func longFrame(chunkSize: Int) throws {
        let payload = (0..<70_000).map { UInt8(truncatingIfNeeded: $0 * 31) }
        var decoder = WebSocketFrameDecoder(maxMessageBytes: 1 << 20)
        let events = try decoder.decodeAll(ServerFrames.frame(0x2, payload) + ServerFrames.text("after"), chunkSize: chunkSize)
        #expect(events == [.binary(payload), .text("after")])
    }

    @Test("Nothing after a close frame is decoded")
    func stopsAtClose() throws {
        var decoder = WebSocketFrameDecoder(maxMessageBytes: 1024)
        let bytes = ServerFrames.frame(0x8, []) + ServerFrames.text("late")
        var events: [DecodedEvent] = []
        let consumed = try bytes.withUnsafeBytes { raw throws(WebSocketProtocolError) in
            try decoder.decode(raw) { events.append(DecodedEvent($0)) }
        }
        #expect(events == [.close(nil)])
        #expect(consumed == 2)
    }

    @Test("Protocol violations", arguments: [
        ([0xC1, 0x00], WebSocketProtocolError.reservedBitsSet),
        ([0x83, 0x00], .unknownOpcode(3)),
        ([0x81, 0x80, 1, 2, 3, 4], .maskedServerFrame),
        ([0x09, 0x00], .fragmentedControlFrame),
        ([0x89, 126, 0, 126] + [UInt8](repeating: 0, count: 126), .controlFrameTooLong),
        ([0x80, 0x00], .unexpectedContinuation),
        ([0x01, 0x01, 0x61, 0x81, 0x01, 0x62], .interleavedDataFrame),
        ([0x81, 126, 0, 125], .nonMinimalLength),
        ([0x81, 127, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF], .nonMinimalLength),
        ([0x81, 127, 0x80, 0, 0, 0, 0, 0, 0, 0], .lengthOverflow),
        ([0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0], .messageTooLarge(limit: 1024)),
        ([0x82, 126, 0x04, 0x01], .messageTooLarge(limit: 1024)),
        ([0x88, 0x01, 0x03], .invalidClosePayload),
    ] as [([UInt8], WebSocketProtocolError)])
    func violations(bytes: [UInt8], error: WebSocketProtocolError) {
        var decoder = WebSocketFrameDecoder(maxMessageBytes: 1024)
        #expect(throws: error) { _ = try decoder.decodeAll(bytes, chunkSize: bytes.count) }
    }

    @Test("Fragments adding up past the limit are refused")
    func fragmentsOverLimit() {
        var decoder = WebSocketFrameDecoder(maxMessageBytes: 10)
        let bytes = ServerFrames.text("123456", final: false) + ServerFrames.frame(0x0, Array("78901".utf8))
        #expect(throws: WebSocketProtocolError.messageTooLarge(limit: 10)) {
            _ = try decoder.decodeAll(bytes, chunkSize: bytes.count)
        }
    }
}

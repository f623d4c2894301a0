@testable import HeraldBenchKit
import Testing

@Suite("NATS protocol")
struct NatsProtocolTests {
    private enum Seen: Equatable {
        case info, message(Int, String), ping, pong, ok, error(String)
    }

    private static func parse(_ stream: [UInt8], chunkSize: Int) throws -> [Seen] {
        var parser = NatsProtocolParser(maxLineBytes: 256)
        var seen: [Seen] = []
        var offset = 0
        while offset < stream.count {
            let end = min(offset + chunkSize, stream.count)
            try Array(stream[offset..<end]).withUnsafeBytes { raw in
                try parser.receive(raw) { operation in
                    switch operation {
                    case .info: seen.append(.info)
                    case .message(let sid, let payload): seen.append(.message(sid, String(decoding: payload, as: UTF8.self)))
                    case .ping: seen.append(.ping)
                    case .pong: seen.append(.pong)
                    case .ok: seen.append(.ok)
                    case .error(let text): seen.append(.error(text))
                    }
                }
            }
            offset = end
        }
        #expect(parser.bufferedCount == 0)
        return seen
    }

    static let stream = Array((#"INFO {"server_id":"x","max_payload":1048576}"# + "\r\n"
        + "+OK\r\nPING\r\nMSG bench.0 1 5\r\nhello\r\nmsg  bench.1\t22 reply.to 4\r\na\r\nb\r\n"
        + "MSG s 3 0\r\n\r\npong\r\n-ERR 'Slow Consumer'\r\n").utf8)

    @Test("Chunks of every size give the same operations, payloads may hold CRLF")
    func everyChunkSize() throws {
        for chunkSize in 1...Self.stream.count {
            let seen = try Self.parse(Self.stream, chunkSize: chunkSize)
            #expect(seen == [.info, .ok, .ping, .message(1, "hello"), .message(22, "a\r\nb"), .message(3, ""),
                             .pong, .error("Slow Consumer")], "chunk size \(chunkSize)")
        }
    }

    @Test("Malformed input", arguments: [
        ("HELLO\r\n", NatsProtocolError.unknownOperation("HELLO")),
        ("MSG a 1\r\n", .malformedMessage("MSG a 1")),
        ("MSG a b 2\r\nxy\r\n", .malformedMessage("MSG a b 2")),
        ("MSG a 1 2\r\nxyz\r\n", .malformedMessage("MSG a 1 2")),
        (String(repeating: "I", count: 300), .lineTooLong),
    ])
    func malformed(text: String, error: NatsProtocolError) {
        #expect(throws: error) { _ = try Self.parse(Array(text.utf8), chunkSize: 1000) }
    }

    @Test("Publish and subscribe operations")
    func writer() {
        var buffer = NatsRequestWriter.connect
        #expect(String(decoding: buffer, as: UTF8.self)
            == #"CONNECT {"verbose":false,"pedantic":false,"headers":false,"no_responders":false}"# + "\r\n")
        buffer.removeAll()
        NatsRequestWriter.appendSubscribe(subject: "bench.3", sid: 9, to: &buffer)
        NatsRequestWriter.appendPublish(subject: Array("bench.3".utf8), payload: Array("{}".utf8), to: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self) == "SUB bench.3 9\r\nPUB bench.3 2\r\n{}\r\n")
    }

    @Test("Time-stamped documents have the asked size and carry their timestamp", arguments: [0, 20, 40, 163, 500])
    func document(size: Int) {
        var buffer: [UInt8] = []
        NatsRequestWriter.appendTimestampedDocument(sentAt: 1_234_567_890_123, room: 4, size: size, to: &buffer)
        let minimum = #"{"t":1234567890123,"g":4,"pad":""}"#.utf8.count
        #expect(buffer.count == max(size, minimum))
        buffer.withUnsafeBytes { frame in
            #expect(KuzzleFrameScanner.integer(KuzzleFrameScanner.timestamp, in: frame) == 1_234_567_890_123)
        }
    }
}

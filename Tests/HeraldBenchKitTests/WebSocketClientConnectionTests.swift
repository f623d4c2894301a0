@testable import HeraldBenchKit
import Testing

@Suite("WebSocketClientConnection")
struct WebSocketClientConnectionTests {
    private enum Seen: Equatable {
        case opened, text(String), binary([UInt8]), closed(UInt16?)
    }

    private static func feed(_ connection: inout WebSocketClientConnection, _ bytes: [UInt8]) throws -> [Seen] {
        var seen: [Seen] = []
        try bytes.withUnsafeBytes { raw in
            try connection.receive(raw) { event in
                switch event {
                case .opened: seen.append(.opened)
                case .text(let payload): seen.append(.text(String(decoding: payload, as: UTF8.self)))
                case .binary(let payload): seen.append(.binary(Array(payload)))
                case .closed(let code): seen.append(.closed(code))
                }
            }
        }
        return seen
    }

    private static let answer = Array(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Accept: \(WebSocketHandshakeTests.rfcAccept)\r\n\r\n").utf8)

    @Test("Handshake and frames in one read, then byte by byte; pings owe a pong, close owes its echo")
    func fullExchange() throws {
        let stream = Self.answer + ServerFrames.text("one") + ServerFrames.frame(0x9, [9, 9])
            + ServerFrames.frame(0x2, [1]) + ServerFrames.frame(0x8, [0x03, 0xE9])
        for oneByteAtATime in [false, true] {
            var connection = WebSocketClientConnection(
                handshake: WebSocketHandshake(host: "h", path: "/", key: WebSocketHandshakeTests.rfcKey))
            var seen: [Seen] = []
            var replies: [WebSocketClientConnection.ControlReply] = []
            let chunks = oneByteAtATime ? stream.map { [$0] } : [stream]
            for chunk in chunks {
                seen += try Self.feed(&connection, chunk)
                if connection.hasControlReplies { replies += connection.takeControlReplies() }
            }
            #expect(seen == [.opened, .text("one"), .binary([1]), .closed(1001)])
            // Read in one go, the close supersedes the ping; read byte by byte, the pong was taken first.
            #expect(replies == (oneByteAtATime ? [.pong([9, 9]), .close(code: 1001)] : [.close(code: 1001)]))
            #expect(connection.state == .closed(code: 1001))
        }
    }

    @Test("Pong owed for a ping read before the close")
    func pongBeforeClose() throws {
        var connection = WebSocketClientConnection(
            handshake: WebSocketHandshake(host: "h", path: "/", key: WebSocketHandshakeTests.rfcKey))
        _ = try Self.feed(&connection, Self.answer + ServerFrames.frame(0x9, [5]))
        #expect(connection.takeControlReplies() == [.pong([5])])
        #expect(!connection.hasControlReplies)
    }

    @Test("Protocol errors and bad handshakes surface as errors")
    func errors() {
        var connection = WebSocketClientConnection(
            handshake: WebSocketHandshake(host: "h", path: "/", key: WebSocketHandshakeTests.rfcKey))
        #expect(throws: WebSocketClientError.protocolViolation(.maskedServerFrame)) {
            _ = try Self.feed(&connection, Self.answer + [0x81, 0x81, 0, 0, 0, 0, 0x61])
        }
        var refused = WebSocketClientConnection(
            handshake: WebSocketHandshake(host: "h", path: "/", key: "other"))
        #expect(throws: WebSocketClientError.handshake(.badAccept)) { _ = try Self.feed(&refused, Self.answer) }
    }
}

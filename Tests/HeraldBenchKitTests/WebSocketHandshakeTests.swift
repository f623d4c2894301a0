@testable import HeraldBenchKit
import Testing

@Suite("WebSocketHandshake")
struct WebSocketHandshakeTests {
    /// The example of RFC 6455 §1.3.
    static let rfcKey = "dGhlIHNhbXBsZSBub25jZQ=="
    static let rfcAccept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="

    private static func parse(_ handshake: WebSocketHandshake, _ text: String) throws
        -> WebSocketHandshake.Outcome {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBytes { raw in try handshake.parse(raw) }
    }

    private static func answer(accept: String = rfcAccept, extra: String = "") -> String {
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Accept: \(accept)\r\n\(extra)\r\n"
    }

    @Test("The accept value of the RFC 6455 example")
    func rfcExample() {
        let handshake = WebSocketHandshake(host: "server.example.com", path: "/chat", key: Self.rfcKey)
        #expect(handshake.expectedAccept == Self.rfcAccept)
        let request = String(decoding: handshake.request, as: UTF8.self)
        #expect(request.hasPrefix("GET /chat HTTP/1.1\r\nHost: server.example.com\r\n"))
        #expect(request.contains("Sec-WebSocket-Key: \(Self.rfcKey)\r\n"))
        #expect(request.contains("Sec-WebSocket-Version: 13\r\n"))
        #expect(request.hasSuffix("\r\n\r\n"))
    }

    @Test("Accepted answer reports its header length, leaving frame bytes after it")
    func accepted() throws {
        let handshake = WebSocketHandshake(host: "h", path: "/", key: Self.rfcKey)
        let header = Self.answer()
        #expect(try Self.parse(handshake, header + "\u{81}\u{0}") == .accepted(headerLength: header.utf8.count))
    }

    @Test("Header names and values are matched without regard to case; Connection may list several tokens")
    func caseInsensitive() throws {
        let handshake = WebSocketHandshake(host: "h", path: "/", key: Self.rfcKey)
        let header = "HTTP/1.1 101 OK\r\nupgrade: WebSocket \r\nconnection: keep-alive, upgrade\r\n"
            + "sec-websocket-accept:\(Self.rfcAccept)\r\n\r\n"
        #expect(try Self.parse(handshake, header) == .accepted(headerLength: header.utf8.count))
    }

    @Test("Every prefix of the answer asks for more data")
    func partial() throws {
        let handshake = WebSocketHandshake(host: "h", path: "/", key: Self.rfcKey)
        let header = Array(Self.answer().utf8)
        for length in 0..<header.count {
            let outcome = try Array(header[0..<length]).withUnsafeBytes { raw in
                try handshake.parse(raw)
            }
            #expect(outcome == .needMoreData)
        }
    }

    @Test("Refused answers")
    func refused() {
        let handshake = WebSocketHandshake(host: "h", path: "/", key: Self.rfcKey)
        #expect(throws: WebSocketHandshake.Failure.notSwitchingProtocols(statusLine: "HTTP/1.1 404 Not Found")) {
            try Self.parse(handshake, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
        }
        #expect(throws: WebSocketHandshake.Failure.missingUpgrade) {
            try Self.parse(handshake, "HTTP/1.1 101 x\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: \(Self.rfcAccept)\r\n\r\n")
        }
        #expect(throws: WebSocketHandshake.Failure.missingConnectionUpgrade) {
            try Self.parse(handshake, "HTTP/1.1 101 x\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: \(Self.rfcAccept)\r\n\r\n")
        }
        #expect(throws: WebSocketHandshake.Failure.badAccept) {
            try Self.parse(handshake, Self.answer(accept: "AAAAAAAAAAAAAAAAAAAAAAAAAAA="))
        }
        #expect(throws: WebSocketHandshake.Failure.headerTooLarge) {
            try Self.parse(handshake, "HTTP/1.1 101 x\r\n" + String(repeating: "X-Filler: 0123456789\r\n", count: 1000))
        }
    }

    @Test("Random keys are 16 bytes of base64 and differ")
    func randomKeys() {
        var generator = SystemRandomNumberGenerator()
        let first = WebSocketHandshake.randomKey(using: &generator)
        let second = WebSocketHandshake.randomKey(using: &generator)
        #expect(first.count == 24 && first.hasSuffix("=="))
        #expect(first != second)
    }
}

@Suite("Base64 and SHA-1")
struct DigestTests {
    @Test("Base64 of every padding case (RFC 4648 §10)")
    func base64() {
        let cases = ["": "", "f": "Zg==", "fo": "Zm8=", "foo": "Zm9v", "foob": "Zm9vYg==", "fooba": "Zm9vYmE=",
                     "foobar": "Zm9vYmFy"]
        for (input, output) in cases { #expect(Base64.encode(Array(input.utf8)) == output) }
    }

    @Test("SHA-1 test vectors (FIPS 180), including a multi-block input")
    func sha1() {
        let hex = { (bytes: [UInt8]) in bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined() }
        #expect(hex(SHA1.digest(Array("abc".utf8))) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(hex(SHA1.digest([])) == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        #expect(hex(SHA1.digest(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)))
            == "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
    }
}

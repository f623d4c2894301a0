/// The client side of the RFC 6455 opening handshake: the upgrade request and the check of the server's answer.
///
/// Pure value type: it never touches a socket.
struct WebSocketHandshake {
    /// Why the server's answer was refused.
    enum Failure: Error, Equatable {
        case headerTooLarge
        case notSwitchingProtocols(statusLine: String)
        case missingUpgrade
        case missingConnectionUpgrade
        case badAccept
    }

    /// Outcome of feeding the bytes received so far.
    enum Outcome: Equatable {
        /// The header block is not complete yet.
        case needMoreData
        /// Upgrade accepted; the header block took `headerLength` bytes, anything after it is frame data.
        case accepted(headerLength: Int)
    }

    private static let guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
    private static let maxHeaderBytes = 16 * 1024

    /// The bytes of the upgrade request to send.
    let request: [UInt8]
    /// The `Sec-WebSocket-Accept` value the server must answer with.
    let expectedAccept: String

    /// A handshake for `path` on `host` (the `Host` header value, port included when not default) with a
    /// base64 `key` of 16 random bytes.
    init(host: String, path: String, key: String) {
        let text = "GET \(path) HTTP/1.1\r\nHost: \(host)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: \(key)\r\nSec-WebSocket-Version: 13\r\n\r\n"
        request = Array(text.utf8)
        expectedAccept = Base64.encode(SHA1.digest(Array((key + Self.guid).utf8)))
    }

    /// A fresh random key, as the RFC requires: base64 of 16 random bytes.
    static func randomKey<G: RandomNumberGenerator>(using generator: inout G) -> String {
        Base64.encode((0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    /// Looks at the bytes received so far (from the start of the response).
    func parse(_ bytes: UnsafeRawBufferPointer) throws(Failure) -> Outcome {
        guard let end = Self.headerEnd(in: bytes) else {
            if bytes.count > Self.maxHeaderBytes { throw .headerTooLarge }
            return .needMoreData
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[0..<end]), as: UTF8.self)
        var lines = text.split(separator: "\r\n", omittingEmptySubsequences: false)[...]
        let statusLine = lines.popFirst().map(String.init) ?? ""
        let statusParts = statusLine.split(separator: " ", maxSplits: 2)
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1.1"), statusParts[1] == "101" else {
            throw .notSwitchingProtocols(statusLine: statusLine)
        }
        var upgrade = false
        var connection = false
        var accept: Substring?
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].drop(while: { $0 == " " || $0 == "\t" })
            switch name {
            case "upgrade":
                upgrade = value.lowercased().trimmingTrailingSpaces() == "websocket"
            case "connection":
                connection = value.split(separator: ",").contains {
                    $0.lowercased().trimmingLeadingAndTrailingSpaces() == "upgrade"
                }
            case "sec-websocket-accept":
                accept = Substring(value.trimmingTrailingSpaces())
            default:
                continue
            }
        }
        guard upgrade else { throw .missingUpgrade }
        guard connection else { throw .missingConnectionUpgrade }
        guard accept == Substring(expectedAccept) else { throw .badAccept }
        return .accepted(headerLength: end + 4)
    }

    /// Offset of the `\r\n\r\n` that ends the header block.
    private static func headerEnd(in bytes: UnsafeRawBufferPointer) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4)
        where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index
        }
        return nil
    }
}

extension StringProtocol {
    fileprivate func trimmingTrailingSpaces() -> String {
        var result = String(self)
        while let last = result.last, last == " " || last == "\t" { result.removeLast() }
        return result
    }

    fileprivate func trimmingLeadingAndTrailingSpaces() -> String {
        String(drop(while: { $0 == " " || $0 == "\t" })).trimmingTrailingSpaces()
    }
}

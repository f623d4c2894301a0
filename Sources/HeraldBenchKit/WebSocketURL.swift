/// A `ws://host:port/path` address (TLS is not supported).
public struct WebSocketURL: Equatable, Sendable {
    public let host: String
    public let port: UInt16
    public let path: String

    /// The `Host` header value.
    var hostHeader: String { port == 80 ? host : "\(host):\(port)" }

    /// Parses `text`; `nil` unless it is a `ws://` URL with a valid port.
    public init?(_ text: String) {
        guard text.hasPrefix("ws://") else { return nil }
        let rest = text.dropFirst(5)
        let authority = rest.prefix { $0 != "/" }
        let path = rest.dropFirst(authority.count)
        self.path = path.isEmpty ? "/" : String(path)
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let afterHost = authority[authority.index(after: close)...]
            if afterHost.isEmpty {
                port = 80
            } else {
                guard afterHost.hasPrefix(":"), let port = UInt16(afterHost.dropFirst()) else { return nil }
                self.port = port
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            guard let port = UInt16(authority[authority.index(after: colon)...]) else { return nil }
            self.port = port
        } else {
            host = String(authority)
            port = 80
        }
        guard !host.isEmpty else { return nil }
    }
}

extension WebSocketURL: CustomStringConvertible {
    public var description: String {
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return "ws://\(hostPart):\(port)\(path)"
    }
}

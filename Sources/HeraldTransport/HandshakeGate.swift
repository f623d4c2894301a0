/// Decides whether a WebSocket upgrade may proceed: the server must not be shutting down or full,
/// and a browser's `Origin` must be on the allow-list when there is one. Pure logic; the server
/// reads the header and applies the verdict.
struct HandshakeGate {
    /// What to do with an upgrade request.
    enum Verdict: Equatable {
        case accept
        /// Answer with this HTTP status and close.
        case refuse(status: UInt32, reason: String)
    }

    let maxConnections: Int
    /// Origins (`scheme://host[:port]`, normalized) allowed; empty allows every origin.
    let allowedOrigins: Set<String>

    init(maxConnections: Int, allowedOrigins: Set<String>) {
        self.maxConnections = maxConnections
        self.allowedOrigins = Set(allowedOrigins.map(Self.normalized))
    }

    /// `origin` is `nil` when the client sent no `Origin` header (not a browser): the allow-list
    /// only guards against pages from other sites, so such clients are accepted.
    func verdict(origin: String?, openConnections: Int, shuttingDown: Bool) -> Verdict {
        if shuttingDown { return .refuse(status: 503, reason: "server shutting down") }
        if maxConnections > 0, openConnections >= maxConnections {
            return .refuse(status: 503, reason: "too many connections")
        }
        if !allowedOrigins.isEmpty, let origin, !allowedOrigins.contains(Self.normalized(origin)) {
            return .refuse(status: 403, reason: "origin not allowed")
        }
        return .accept
    }

    /// Origins compare case-insensitively and without a trailing slash.
    static func normalized(_ origin: String) -> String {
        var text = origin.lowercased()
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }
}

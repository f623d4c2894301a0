/// The settings that bound what clients can do: connections, request rate, rooms, JSON depth,
/// read pausing, socket buffers, browser origins, TLS and shutdown.
extension HeraldConfiguration {
    static var hardeningSettings: [ConfigurationSetting] {
        [
            .init("maxConnections", \.maxConnections,
                  "Most open WebSocket connections; further handshakes get HTTP 503 (0: no limit).", range: 0...Int.max),
            .init("maxRequestsPerSecond", \.maxRequestsPerSecond,
                  "Requests per second one connection may send; excess ones get a 429 error frame (0: no limit).",
                  range: 0...Int.max),
            .init("pauseReadingAboveBytes", \.pauseReadingAboveBytes,
                  "Queued outbound bytes above which a connection's requests are not read until it drains (0: never).",
                  range: 0...Int.max),
            .init("socketSendBufferBytes", \.socketSendBufferBytes,
                  "SO_SNDBUF of each client socket in bytes (0: kernel default).", range: 0...Int(Int32.max)),
            .init("maxTotalOutboundBytes", \.maxTotalOutboundBytes,
                  "Queued outbound bytes across all connections; past it the largest queues are closed first (1011) "
                    + "(0: no limit).", range: 0...Int.max),
            .init("maxRooms", \.maxRooms, "Most distinct rooms (subscription filters) on the server (0: no limit).",
                  range: 0...Int.max),
            .init("maxSubscriptionsPerConnection", \.maxSubscriptionsPerConnection,
                  "Most rooms one connection may subscribe to (0: no limit).", range: 0...Int.max),
            .init("maxJsonDepth", \.maxJsonDepth, "Deepest nesting of arrays and objects accepted in a request.",
                  range: 1...100_000),
            .init("allowedOrigins", \.allowedOrigins,
                  "Comma-separated browser origins allowed to connect, e.g. https://app.example.com (default: any).",
                  check: { $0.flatMap(Self.badOrigin) }),
            .init("tlsCert", \.tlsCert, "PEM certificate (chain): serve wss:// and https:// on the port (with tlsKey)."),
            .init("tlsKey", \.tlsKey, "PEM private key of tlsCert."),
            .init("shutdownTimeout", \.shutdownTimeout,
                  "Seconds a shutdown (SIGTERM/SIGINT) waits for queued frames to be written.", range: 1...3600),
        ]
    }

    /// The allow-list, split at commas, blanks removed.
    public var originList: [String] {
        guard let allowedOrigins else { return [] }
        return allowedOrigins.split(separator: ",").map { String($0.filter { $0 != " " }) }.filter { !$0.isEmpty }
    }

    /// A problem with a comma-separated origin list, or `nil`.
    private static func badOrigin(_ list: String) -> String? {
        var probe = HeraldConfiguration()
        probe.allowedOrigins = list
        guard let bad = probe.originList.first(where: { !($0.hasPrefix("http://") || $0.hasPrefix("https://")) }) else {
            return nil
        }
        return "'\(bad)' is not an http(s) origin"
    }
}

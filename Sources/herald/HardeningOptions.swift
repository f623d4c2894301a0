import ArgumentParser
import Glibc
import HeraldCore
import HeraldTransport
import HeraldWire

/// Command-line flags for limits, TLS, allowed origins and shutdown; applied to the transport and
/// API core configurations.
struct HardeningOptions: ParsableArguments {
    @Option(help: "Most open WebSocket connections; further handshakes get HTTP 503 (0: no limit).")
    var maxConnections = 0

    @Option(help: "Requests per second one connection may send; excess requests get a 429 error (0: no limit).")
    var maxRequestsPerSecond = 0

    @Option(help: "Queued outbound bytes above which a connection's requests are no longer read until it drains (0: never pause).")
    var pauseReadingAboveBytes = 1 << 20

    @Option(help: "SO_SNDBUF of each client socket in bytes (0: kernel default).")
    var socketSendBufferBytes = 0

    @Option(help: "Most distinct rooms (subscription filters) on the server (0: no limit).")
    var maxRooms = 0

    @Option(help: "Most rooms one connection may subscribe to (0: no limit).")
    var maxSubscriptionsPerConnection = 0

    @Option(help: "Deepest nesting of arrays and objects accepted in a request.")
    var maxJsonDepth = JSONParser.defaultMaximumDepth

    @Option(help: "Comma-separated browser origins allowed to connect, e.g. https://app.example.com (default: any).")
    var allowedOrigins: String?

    @Option(help: "PEM certificate (chain): serve wss:// and https:// on the port. Needs --tls-key.")
    var tlsCert: String?

    @Option(help: "PEM private key of --tls-cert.")
    var tlsKey: String?

    @Option(help: "Seconds a shutdown (SIGTERM/SIGINT) waits for queued frames to be written and clients to close.")
    var shutdownTimeout = 5.0

    func validate() throws {
        let counts: [(String, Int)] = [
            ("--max-connections", maxConnections), ("--max-requests-per-second", maxRequestsPerSecond),
            ("--pause-reading-above-bytes", pauseReadingAboveBytes),
            ("--socket-send-buffer-bytes", socketSendBufferBytes), ("--max-rooms", maxRooms),
            ("--max-subscriptions-per-connection", maxSubscriptionsPerConnection),
        ]
        for (flag, value) in counts where value < 0 {
            throw ValidationError("\(flag) must be 0 or more")
        }
        guard (1...100_000).contains(maxJsonDepth) else { throw ValidationError("--max-json-depth must be 1 to 100000") }
        guard shutdownTimeout > 0, shutdownTimeout <= 3600 else {
            throw ValidationError("--shutdown-timeout must be more than 0 and at most 3600 seconds")
        }
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
        for path in [tlsCert, tlsKey].compactMap({ $0 }) where access(path, R_OK) != 0 {
            throw ValidationError("cannot read '\(path)'")
        }
        for origin in origins where !(origin.hasPrefix("http://") || origin.hasPrefix("https://")) {
            throw ValidationError("--allowed-origins: '\(origin)' is not an http(s) origin")
        }
    }

    /// The allow-list, split and trimmed.
    var origins: [String] {
        guard let allowedOrigins else { return [] }
        return allowedOrigins.split(separator: ",").map { String($0.filter { $0 != " " }) }.filter { !$0.isEmpty }
    }

    func apply(to configuration: inout WebSocketServerConfiguration) {
        configuration.limits = ConnectionLimits(
            maxConnections: maxConnections, pauseReadingAboveBytes: pauseReadingAboveBytes,
            socketSendBufferBytes: socketSendBufferBytes)
        configuration.allowedOrigins = Set(origins)
        if let tlsCert, let tlsKey { configuration.tls = TLSFiles(certificatePath: tlsCert, privateKeyPath: tlsKey) }
        configuration.shutdownGraceSeconds = shutdownTimeout
    }

    func apply(to configuration: inout GatewayConfiguration) {
        configuration.maxRequestsPerSecond = maxRequestsPerSecond
        configuration.maxRooms = maxRooms
        configuration.maxSubscriptionsPerConnection = maxSubscriptionsPerConnection
        configuration.maxJSONDepth = maxJsonDepth
    }
}

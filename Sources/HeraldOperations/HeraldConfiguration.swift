import HeraldRedis
public import HeraldWire
public import Logging

/// Every setting of the herald server, with its default.
///
/// Adding a setting: a stored property here and one entry in ``settings``; the file key, flag,
/// environment variable, `--help` line and `--print-config` entry all follow from that entry.
public struct HeraldConfiguration: Equatable, Sendable {
    public var host = "0.0.0.0"
    public var port = 7512
    public var maxMessageBytes = 1 << 20
    public var idleTimeout = 60
    public var maxOutboundBytes = 16 << 20
    public var maxFilterConditions = 100
    public var nodeId: String?
    /// Cluster mode: the Redis server every node shares (`nil`: embedded, no service needed).
    public var redisUrl: String?
    /// Processes serving the port together (see ``checkWorkers()``).
    public var workers = 1
    public var logLevel = Logger.Level.info
    public var logFormat = LogFormat.text
    public var staticDir: String?
    public var maxConnections = 0
    public var maxRequestsPerSecond = 0
    public var pauseReadingAboveBytes = 1 << 20
    public var socketSendBufferBytes = 0
    public var maxTotalOutboundBytes = 0
    public var maxRooms = 0
    public var maxSubscriptionsPerConnection = 0
    public var maxJsonDepth = JSONParser.defaultMaximumDepth
    public var allowedOrigins: String?
    public var tlsCert: String?
    public var tlsKey: String?
    public var shutdownTimeout = 5
    public var dataDir: String?
    public var fsync = FsyncSetting.always
    public var documentsWriteCount = 200
    public var documentsFetchCount = 10_000
    public var scrollTtl = 15
    public var maxScrollDuration = 60
    public var maxScrollCursors = 500
    public var maxScrollDocuments = 1_000_000
    public var jwtSecret: String?
    public var tokenTtl = 3600
    public var maxTokenTtl = 0
    public var loginAttemptsPerMinute = 10
    public var passwordIterations = 210_000
    public var passwordWorkers = 0
    public var tokenExpiryWarning = 0

    public init() {}

    /// The settings, in the order `--help` and `--print-config` list them.
    public static var settings: [ConfigurationSetting] {
        [
            .init("host", \.host, "Interface to listen on."),
            .init("port", \.port, "Port for WebSocket and HTTP (0 picks a free port).", range: 0...65535),
            .init("maxMessageBytes", \.maxMessageBytes,
                  "Largest inbound message in bytes; a larger one closes the connection (1009).", range: 1...Int.max),
            .init("idleTimeout", \.idleTimeout,
                  "Seconds without inbound traffic (messages or pings) before a connection is closed.", range: 1...65535),
            .init("maxOutboundBytes", \.maxOutboundBytes,
                  "Bytes of queued outbound data after which a slow client is closed (1011).", range: 1...Int.max),
            .init("maxFilterConditions", \.maxFilterConditions,
                  "Most conditions per subscription filter once normalized.", range: 1...Int.max),
            .init("nodeId", \.nodeId, "Node id reported in every frame (default: random)."),
            .init("redisUrl", \.redisUrl,
                  "Cluster mode: redis://[:password@]host:port[/db] shared by every node (default: embedded).",
                  check: { url in
                      guard let url else { return nil }
                      do { _ = try RedisURL(parsing: url) } catch { return "\(error)" }
                      return nil
                  }),
            .init("logLevel", \.logLevel, "trace, debug, info, notice, warning, error or critical."),
            .init("logFormat", \.logFormat, "text, or json for one JSON object per line."),
            .init("staticDir", \.staticDir, "Serve this folder over HTTP instead of the built-in test page."),
            .init("dataDir", \.dataDir,
                  "Keep indexes, collections and documents in this directory (SQLite), loaded at start (default: memory only)."),
            .init("fsync", \.fsync,
                  "With dataDir: always (each group commit fsynced before its answers) or interval (fsync once a second)."),
        ] + workerSettings + hardeningSettings + securitySettings + storageSettings
    }

    /// The configuration as a JSON object, every setting in order (what `--print-config` prints).
    public var json: JSONObject {
        var object = JSONObject()
        for setting in Self.settings { object.append(setting.key, setting.value(in: self)) }
        return object
    }

    /// The object one key per line, as a configuration file would be written.
    public var prettyJSON: String {
        let lines = json.map { "  " + JSONWriter.encodeToString(.string($0.key)) + ": " + JSONWriter.encodeToString($0.value) }
        return "{\n" + lines.joined(separator: ",\n") + "\n}\n"
    }

    /// The settings as `--help` lists them: flag, environment variable, default and help.
    public static var helpText: String {
        let defaults = HeraldConfiguration()
        return settings.map { setting in
            let value = setting.value(in: defaults)
            let shown = value == .null ? "none" : JSONWriter.encodeToString(value)
            return "  \(setting.flag) <value>  (\(setting.environmentName); file key \"\(setting.key)\"; default \(shown))\n"
                + "        \(setting.help)"
        }.joined(separator: "\n")
    }
}

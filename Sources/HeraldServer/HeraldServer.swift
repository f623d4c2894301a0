public import HeraldOperations
import HeraldCluster
import HeraldCore
import HeraldDurability
import HeraldRedis
import HeraldPageAssets
import HeraldSecurity
public import HeraldTransport
public import Logging

/// A whole Herald server built from one ``HeraldConfiguration``: the libwebsockets listener, the
/// API core behind it, the static site and the metrics page. The `herald` executable is a command
/// line around this; Swift tests start one in-process on port 0.
///
/// Concurrency: ``start()`` and ``run()`` are called on one thread, the service thread, which then
/// runs every callback and every core entry (checked in debug builds); other threads use
/// ``control`` only (shutdown, scheduled jobs).
public final class HeraldServer {
    /// Settings that cannot be used together.
    public struct StartupConflict: Error, CustomStringConvertible {
        public let description: String
    }

    private let server: WebSocketServer
    private let bridge: TransportBridge
    /// `--data-dir`: the open data directory and its journal (`nil`: in memory).
    private let durable: DurableStart?
    /// Cluster mode's Redis connections (`nil`: embedded).
    private let cluster: ClusterNode?
    /// The node id every frame carries.
    public let nodeID: String

    /// Builds the server and, with a data directory, loads it; nothing listens before ``start()``.
    public init(configuration: HeraldConfiguration, logger: Logger) throws {
        var transport = WebSocketServerConfiguration(
            host: configuration.host, port: configuration.port, maxMessageBytes: configuration.maxMessageBytes,
            idleTimeoutSeconds: configuration.idleTimeout, maxOutboundBytes: configuration.maxOutboundBytes)
        configuration.applyLimits(to: &transport)
        var core = GatewayConfiguration(maxFilterConditions: configuration.maxFilterConditions)
        configuration.applyLimits(to: &core)
        if let nodeId = configuration.nodeId { core.nodeID = nodeId }
        nodeID = core.nodeID
        server = WebSocketServer(configuration: transport, logger: logger)
        let site = Self.staticSite(directory: configuration.staticDir, logger: logger)
        guard configuration.dataDir == nil || configuration.redisUrl == nil else {
            throw StartupConflict(description: "dataDir and redisUrl cannot be combined: in cluster mode Redis holds the data")
        }
        let control = server.control
        durable = try configuration.dataDir.map { path in
            try DurableStart(directory: path, fsync: configuration.fsync, control: control, logger: logger)
        }
        if let durable, configuration.jwtSecret == nil {
            // Tokens outlive a restart: the signing secret is kept in the data directory.
            core.security.jwtSecret = try JWTSecretFile.loadOrCreate(directory: durable.path)
        }
        // The URL was checked when the configuration was read (the `redisUrl` setting refuses others).
        let redisURL = configuration.redisUrl.flatMap { try? RedisURL(parsing: $0) }
        if let redisURL, configuration.jwtSecret == nil {
            // A token issued by one node verifies on every node: they share one secret, kept in Redis.
            core.security.jwtSecret = try SharedTokenSecret.loadOrCreate(url: redisURL)
        }
        let loop = server.eventLoop, nodeID = core.nodeID
        cluster = redisURL.map { ClusterNode(url: $0, loop: loop, nodeID: nodeID, logger: logger) }
        let sink: (any CommitSink)? = durable?.sink ?? cluster?.sink
        bridge = TransportBridge(server: server, configuration: core, site: site, sink: sink, logger: logger)
        server.delegate = bridge
        server.httpHandler = bridge
        // `admin:shutdown`, once answered, stops the node as SIGTERM does.
        bridge.core.shutdownHandler = { control.requestShutdown() }
        try durable?.load(into: bridge)
    }

    /// The thread-safe handle: shutdown, and jobs to run on the service thread.
    public var control: ServerControl { server.control }

    /// The port the listener is bound to (the one the kernel picked for port 0).
    public var boundPort: Int { server.boundPort }

    /// Binds the listener; the calling thread becomes the service thread.
    public func start() throws(WebSocketServer.StartError) {
        try server.start()
        cluster?.start(gateway: bridge.core)
    }

    /// Serves until a shutdown (``ServerControl/requestShutdown()``) completes.
    public func run() {
        server.run()
        durable?.close()
        cluster?.stop()
    }

    /// The folder to serve, else the built-in page. A folder that cannot be loaded is a warning, not
    /// a failure: the API serves and every HTTP file path answers 404.
    private static func staticSite(directory: String?, logger: Logger) -> StaticSite {
        guard let directory else { return StaticSite(page: PageAssets.files) }
        do {
            return try StaticSite(directory: directory)
        } catch {
            logger.warning("static files not served (every file path answers 404)", metadata: ["reason": "\(error)"])
            return StaticSite()
        }
    }
}

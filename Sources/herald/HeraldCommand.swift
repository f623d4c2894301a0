import ArgumentParser
import HeraldCluster
import HeraldCore
import HeraldRedis
import HeraldOperations
import HeraldPageAssets
import HeraldTransport
import Logging

/// `herald`: the Kuzzle-protocol realtime gateway.
struct HeraldCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "herald",
        abstract: "A realtime pub/sub gateway speaking the Kuzzle protocol over WebSocket.",
        discussion: """
            SETTINGS (precedence: flag > environment variable > configuration file > default):
            \(HeraldConfiguration.helpText)
            """,
        version: HeraldVersion.current)

    @Option(help: "JSON configuration file (default: $\(ConfigurationLoader.fileVariable), else none).")
    var config: String?

    @Flag(help: "Print the effective configuration as JSON and exit.")
    var printConfig = false

    @Option(help: ArgumentHelp("Probe an http:// URL, exit 0 if it answers 200, else 1 (container health checks).",
                               valueName: "url"))
    var healthcheck: String?

    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("Setting flags (listed below).", valueName: "settings"))
    var settings: [String] = []

    func run() throws {
        if let healthcheck { throw ExitCode(HealthProbe.run(url: healthcheck)) }
        let effective: HeraldConfiguration
        do {
            effective = try ConfigurationLoader(environment: ProcessEnvironment.current).load(file: config, arguments: settings)
            try effective.checkTLSFiles()
        } catch {
            throw ValidationError(error.description)
        }
        if printConfig {
            print(effective.prettyJSON, terminator: "")
            return
        }
        LoggingSetup.bootstrap(level: effective.logLevel, format: effective.logFormat)
        let logger = Logger(label: "herald")
        FileDescriptorLimit.raiseToMaximum()
        let site = Self.staticSite(directory: effective.staticDir, logger: logger)

        var serverConfiguration = WebSocketServerConfiguration(
            host: effective.host, port: effective.port, maxMessageBytes: effective.maxMessageBytes,
            idleTimeoutSeconds: effective.idleTimeout, maxOutboundBytes: effective.maxOutboundBytes)
        effective.applyLimits(to: &serverConfiguration)
        let server = WebSocketServer(configuration: serverConfiguration, logger: logger)
        var gatewayConfiguration = GatewayConfiguration(maxFilterConditions: effective.maxFilterConditions)
        effective.applyLimits(to: &gatewayConfiguration)
        if let nodeId = effective.nodeId { gatewayConfiguration.nodeID = nodeId }
        let cluster: ClusterNode?
        if let redisUrl = effective.redisUrl {
            let url: RedisURL
            do {
                url = try RedisURL(parsing: redisUrl)
            } catch {
                logger.critical("invalid --redis-url: \(error)")
                throw ExitCode.failure
            }
            cluster = ClusterNode(url: url, loop: server.eventLoop, nodeID: gatewayConfiguration.nodeID, logger: logger)
        } else {
            cluster = nil
        }
        let bridge = TransportBridge(server: server, configuration: gatewayConfiguration, site: site,
                                     sink: cluster?.sink, logger: logger)
        server.delegate = bridge
        cluster?.start(gateway: bridge.core)
        do {
            try server.start()
        } catch {
            logger.critical("\(error)")
            throw ExitCode.failure
        }
        logger.info("herald listening", metadata: [
            "host": "\(effective.host)", "port": "\(server.boundPort)", "node": "\(gatewayConfiguration.nodeID)",
        ])
        SignalWaiter.start(control: server.control, logger: logger)
        server.run()
        cluster?.stop()
        withExtendedLifetime(bridge) {}
        logger.info("herald stopped")
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

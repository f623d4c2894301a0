import ArgumentParser
import HeraldCore
import HeraldTransport
import Logging

/// `herald`: the Kuzzle-protocol realtime gateway.
struct HeraldCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "herald",
        abstract: "A realtime pub/sub gateway speaking the Kuzzle protocol over WebSocket.",
        version: HeraldVersion.current)

    @Option(help: "Interface to listen on.")
    var host = "0.0.0.0"

    @Option(help: "Port for WebSocket and HTTP (0 picks a free port).")
    var port = 7512

    @Option(help: "Largest inbound message in bytes; a larger one closes the connection (1009).")
    var maxMessageBytes = 1 << 20

    @Option(help: "Seconds without inbound traffic before a connection is pinged, then closed.")
    var idleTimeout = 60

    @Option(help: "Bytes of queued outbound data after which a slow client is closed (1011).")
    var maxOutboundBytes = 16 << 20

    @Option(help: "Most conditions per subscription filter once normalized.")
    var maxFilterConditions = 100

    @Option(help: "Node id reported in every frame (default: random).")
    var nodeId: String?

    @Option(help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    @OptionGroup(title: "Limits, TLS and shutdown")
    var hardening: HardeningOptions

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("unknown log level '\(logLevel)'")
        }
        guard (0...65535).contains(port) else { throw ValidationError("port must be between 0 and 65535") }
        guard maxMessageBytes > 0 else { throw ValidationError("--max-message-bytes must be positive") }
        guard (1...65535).contains(idleTimeout) else { throw ValidationError("--idle-timeout must be 1 to 65535 seconds") }
        guard maxOutboundBytes > 0 else { throw ValidationError("--max-outbound-bytes must be positive") }
        guard maxFilterConditions > 0 else { throw ValidationError("--max-filter-conditions must be positive") }
    }

    func run() throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "herald")
        FileDescriptorLimit.raiseToMaximum()

        var serverConfiguration = WebSocketServerConfiguration(
            host: host, port: port, maxMessageBytes: maxMessageBytes, idleTimeoutSeconds: idleTimeout,
            maxOutboundBytes: maxOutboundBytes)
        hardening.apply(to: &serverConfiguration)
        let server = WebSocketServer(configuration: serverConfiguration, logger: logger)
        var gatewayConfiguration = GatewayConfiguration(maxFilterConditions: maxFilterConditions)
        hardening.apply(to: &gatewayConfiguration)
        if let nodeId { gatewayConfiguration.nodeID = nodeId }
        let bridge = TransportBridge(server: server, configuration: gatewayConfiguration, logger: logger)
        server.delegate = bridge
        do {
            try server.start()
        } catch {
            logger.critical("\(error)")
            throw ExitCode.failure
        }
        logger.info("herald listening", metadata: [
            "host": "\(host)", "port": "\(server.boundPort)", "node": "\(gatewayConfiguration.nodeID)",
        ])
        SignalWaiter.start(control: server.control, logger: logger)
        server.run()
        withExtendedLifetime(bridge) {}
        logger.info("herald stopped")
    }
}

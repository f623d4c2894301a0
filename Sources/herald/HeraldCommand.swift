import ArgumentParser
import HeraldCore
import HeraldOperations
import HeraldServer
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

    /// Set by the supervisor of `--workers` on the workers it starts: this process is worker K.
    @Option(help: .private)
    var workerIndex: Int?

    /// With `--worker-index`: the supervisor's lifeline pipe (see `SupervisorLifeline`).
    @Option(help: .private)
    var lifelineFd: Int32?

    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("Setting flags (listed below).", valueName: "settings"))
    var settings: [String] = []

    func run() throws {
        if let healthcheck { throw ExitCode(HealthProbe.run(url: healthcheck)) }
        var effective: HeraldConfiguration
        do {
            effective = try ConfigurationLoader(environment: ProcessEnvironment.current).load(file: config, arguments: settings)
            try effective.checkTLSFiles()
            try effective.checkWorkers()
        } catch {
            throw ValidationError(error.description)
        }
        if printConfig {
            print(effective.prettyJSON, terminator: "")
            return
        }
        LoggingSetup.bootstrap(level: effective.logLevel, format: effective.logFormat)
        let logger = Logger(label: "herald")
        if workerIndex == nil, effective.isSupervised {
            logger.info("herald supervising workers", metadata: [
                "host": "\(effective.host)", "port": "\(effective.port)", "workers": "\(effective.workerCount)",
            ])
            var supervisor = WorkerSupervisor(count: effective.workerCount, arguments: Array(CommandLine.arguments.dropFirst()),
                                              stopGraceSeconds: effective.shutdownTimeout + 5, logger: logger)
            throw ExitCode(supervisor.run())
        }
        if let workerIndex { effective.nodeId = effective.nodeId.map { "\($0)-w\(workerIndex)" } }
        FileDescriptorLimit.raiseToMaximum()
        let server: HeraldServer
        do {
            server = try HeraldServer(configuration: effective, logger: logger)
        } catch {
            logger.critical("\(error)")
            throw ExitCode.failure
        }
        do {
            try server.start()
        } catch {
            logger.critical("\(error)")
            throw ExitCode.failure
        }
        logger.info("herald listening", metadata: [
            "host": "\(effective.host)", "port": "\(server.boundPort)", "node": "\(server.nodeID)",
        ])
        SignalWaiter.start(control: server.control, logger: logger)
        if let lifelineFd { SupervisorLifeline.watch(descriptor: lifelineFd, control: server.control, logger: logger) }
        server.run()
        logger.info("herald stopped")
    }
}

import ArgumentParser
import HeraldBenchKit

/// `herald-bench connections`: how many subscribed connections the server takes, how fast, at what memory.
struct ConnectionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connections",
        abstract: "Ramp to many subscribed connections and hold them (--duration is the hold time).")

    @OptionGroup var common: CommonOptions

    @OptionGroup var peer: PeerOptions

    @Option(help: "Number of connections.")
    var connections = 10_000

    @Option(help: "Server process id, to read its resident memory from /proc.")
    var serverPid: Int32?

    func validate() throws {
        guard connections > 0 else { throw ValidationError("--connections must be positive") }
    }

    func run() throws {
        common.raiseOpenFileLimit()
        var configuration = ConnectionsScenario.Configuration(
            url: try common.webSocketURL(), index: common.index, collection: common.collection,
            durationSeconds: common.duration, connections: connections,
            rampConcurrency: common.rampConcurrency, serverPID: serverPid)
        let herald = try ConnectionsScenario(configuration).run()
        guard peer.against == .nats else { return try common.emit(herald) }
        let server = try peer.startNats()
        defer { server.stop() }
        configuration.url = server.webSocketURL
        configuration.serverPID = server.pid
        let nats = try NatsConnectionsScenario(configuration).run()
        try common.emit(BenchComparison(herald: herald, nats: nats))
    }
}

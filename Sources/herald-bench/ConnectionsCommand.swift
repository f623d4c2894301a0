import ArgumentParser

/// `herald-bench connections`: how many subscribed connections the server takes, how fast, at what memory.
struct ConnectionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connections",
        abstract: "Ramp to many subscribed connections and hold them (--duration is the hold time).")

    @OptionGroup var common: CommonOptions

    @Option(help: "Number of connections.")
    var connections = 10_000

    @Option(help: "Server process id, to read its resident memory from /proc.")
    var serverPid: Int32?

    func validate() throws {
        guard connections > 0 else { throw ValidationError("--connections must be positive") }
    }

    func run() throws {
        common.raiseOpenFileLimit()
        let scenario = ConnectionsScenario(.init(
            url: try common.webSocketURL(), index: common.index, collection: common.collection,
            durationSeconds: common.duration, connections: connections,
            rampConcurrency: common.rampConcurrency, serverPID: serverPid))
        try common.emit(try scenario.run())
    }
}

import ArgumentParser

/// Herald's load generator: event-driven WebSocket clients speaking the Kuzzle protocol.
@main
struct HeraldBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "herald-bench",
        abstract: "Load-test a Kuzzle-protocol WebSocket server.",
        subcommands: [UpsertCommand.self, HTTPUpsertCommand.self, FanoutCommand.self, ConnectionsCommand.self, MatchCommand.self])
}

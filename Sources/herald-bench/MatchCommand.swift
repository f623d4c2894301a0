import ArgumentParser
import HeraldBenchKit

/// `herald-bench match`: upsert throughput and notification latency with many live rooms, next to
/// the same run without rooms.
struct MatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "match",
        abstract: "Upserts with R live rooms of one filter kind, compared with the same upserts and no room.")

    @OptionGroup var common: CommonOptions

    @Option(help: "Live rooms (one filter each; every upsert matches exactly one).")
    var rooms = 10_000

    @Option(help: "Filter kind of the rooms: equals, range or bool.")
    var kind = MatchFilterKind.range.rawValue

    @Option(help: "Subscriber connections the rooms are spread over (round robin).")
    var subscribers = 100

    @Option(help: "Upserting connections.")
    var clients = 50

    @Option(help: "Upserts in flight per upserting connection.")
    var window = 16

    @Option(help: "Share of upserts that match a room (the others match none), from 0 to 1.")
    var hits = 1.0

    @Option(help: "Seconds to wait after each run for outstanding answers and notifications.")
    var drain = 5.0

    func validate() throws {
        guard rooms > 0, subscribers > 0, clients > 0, window > 0 else {
            throw ValidationError("--rooms, --subscribers, --clients and --window must be positive")
        }
        guard MatchFilterKind(rawValue: kind) != nil else {
            throw ValidationError("--kind must be one of: equals, range, bool")
        }
        guard drain >= 0 else { throw ValidationError("--drain must be >= 0") }
        guard (0...1).contains(hits) else { throw ValidationError("--hits must be between 0 and 1") }
    }

    func run() throws {
        common.raiseOpenFileLimit()
        let scenario = MatchScenario(.init(
            url: try common.webSocketURL(), index: common.index, collection: common.collection,
            durationSeconds: common.duration, rooms: rooms, kind: MatchFilterKind(rawValue: kind) ?? .range, subscribers: subscribers, clients: clients,
            window: window, hits: hits, rampConcurrency: common.rampConcurrency, drainSeconds: drain))
        try common.emit(try scenario.run())
    }
}

import ArgumentParser
import HeraldBenchKit

/// `herald-bench upsert`: request throughput and latency of `document:upsert`.
struct UpsertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upsert",
        abstract: "Pipelined document:upsert requests over many connections.")

    @OptionGroup var common: CommonOptions

    @Option(help: "Number of connections.")
    var connections = 100

    @Option(help: "Requests in flight per connection.")
    var window = 16

    @Option(help: "Draw document ids from this many hot ids (0: a new id per request).")
    var hotIds = 0

    @Option(help: "Size of the padding string added to each document.")
    var payloadBytes = 64

    @Option(help: "JWT every request carries (from auth:login); default: anonymous.")
    var jwt: String?

    func validate() throws {
        guard connections > 0, window > 0 else { throw ValidationError("--connections and --window must be positive") }
        guard hotIds >= 0, payloadBytes >= 0 else { throw ValidationError("--hot-ids and --payload-bytes must be >= 0") }
    }

    func run() throws {
        common.raiseOpenFileLimit()
        var configuration = UpsertScenario.Configuration(
            url: try common.webSocketURL(), index: common.index, collection: common.collection,
            durationSeconds: common.duration, connections: connections, window: window, hotIDs: hotIds,
            payloadBytes: payloadBytes, rampConcurrency: common.rampConcurrency)
        configuration.jwt = jwt
        let scenario = UpsertScenario(configuration)
        try common.emit(try scenario.run())
    }
}

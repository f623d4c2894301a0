import ArgumentParser
import HeraldBenchKit

/// `herald-bench http-upsert`: `document:upsert` over Kuzzle's HTTP API on keep-alive connections.
struct HTTPUpsertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "http-upsert",
        abstract: "document:upsert over HTTP/1.1 keep-alive connections (POST /index/collection/id/_upsert).")

    @OptionGroup var common: CommonOptions

    @Option(help: "Number of keep-alive connections.")
    var connections = 50

    @Option(help: "Requests in flight per connection (above 1: pipelined; Herald refuses pipelined bodies).")
    var window = 1

    @Option(help: "Size of the padding string added to each document.")
    var payloadBytes = 64

    func validate() throws {
        guard connections > 0, window > 0 else { throw ValidationError("--connections and --window must be positive") }
        guard payloadBytes >= 0 else { throw ValidationError("--payload-bytes must be >= 0") }
    }

    func run() throws {
        common.raiseOpenFileLimit()
        let scenario = try HTTPUpsertScenario(.init(
            url: try common.webSocketURL(), index: common.index, collection: common.collection,
            durationSeconds: common.duration, connections: connections, window: window, payloadBytes: payloadBytes))
        try common.emit(try scenario.run())
    }
}

import ArgumentParser
import HeraldBenchKit

/// `herald-bench fanout`: notification delivery rate, loss and latency.
struct FanoutCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fanout",
        abstract: "Subscribers on one or more rooms, publishers upserting time-stamped documents.")

    @OptionGroup var common: CommonOptions

    @OptionGroup var peer: PeerOptions

    @Option(help: "Number of subscriber connections.")
    var subscribers = 1000

    @Option(help: "Rooms the subscribers are spread over (round robin; one filter on field g per room).")
    var rooms = 1

    @Option(help: "Number of publisher connections.")
    var publishers = 1

    @Option(help: "Upserts per second over all publishers (0: as fast as the window allows).")
    var rate = 0.0

    @Option(help: "Upserts in flight per publisher at maximum rate.")
    var window = 16

    @Option(help: "Seconds to wait after the run for outstanding notifications.")
    var drain = 5.0

    @Option(name: .customLong("subscriber-url"),
            help: "A server the subscribers connect to instead of --url, round robin when repeated (the nodes of one cluster; publishers stay on --url).")
    var subscriberURLs: [String] = []

    @Option(help: "JWT every request carries (from auth:login); default: anonymous.")
    var jwt: String?

    func validate() throws {
        guard subscribers > 0, rooms > 0, publishers > 0, window > 0 else {
            throw ValidationError("--subscribers, --rooms, --publishers and --window must be positive")
        }
        guard rate >= 0, drain >= 0 else { throw ValidationError("--rate and --drain must be >= 0") }
        _ = try parsedSubscriberURLs()
        if peer.against != nil && (!subscriberURLs.isEmpty || jwt != nil) {
            throw ValidationError("--against compares one server: it takes neither --subscriber-url nor --jwt")
        }
    }

    private func parsedSubscriberURLs() throws -> [WebSocketURL] {
        try subscriberURLs.map { text in
            guard let url = WebSocketURL(text) else { throw ValidationError("--subscriber-url must look like ws://host:port/path") }
            return url
        }
    }

    func run() throws {
        common.raiseOpenFileLimit()
        var configuration = FanoutScenario.Configuration(
            url: try common.webSocketURL(), index: common.index, collection: common.collection,
            durationSeconds: common.duration, subscribers: subscribers, rooms: rooms, publishers: publishers,
            rate: rate, window: window, rampConcurrency: common.rampConcurrency, drainSeconds: drain)
        configuration.subscriberURLs = try parsedSubscriberURLs()
        configuration.jwt = jwt
        let herald = try FanoutScenario(configuration).run()
        guard peer.against == .nats else { return try common.emit(herald) }
        // Same payload size as Herald's notification frames, so both servers move the same bytes.
        let heraldBytes = Int(herald.metric("notification bytes") ?? 0)
        let server = try peer.startNats()
        defer { server.stop() }
        configuration.url = server.webSocketURL
        let nats = try NatsFanoutScenario(configuration, payloadBytes: heraldBytes > 0 ? heraldBytes : 256).run()
        try common.emit(BenchComparison(herald: herald, nats: nats))
    }
}

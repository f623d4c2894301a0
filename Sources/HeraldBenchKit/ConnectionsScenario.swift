/// `connections`: ramps to C connections, each subscribed, then holds them; measures handshakes per
/// second, survivors, and (given the server's pid) server memory per connection.
public final class ConnectionsScenario: ConnectionPoolDelegate {
    /// What to run.
    public struct Configuration: Sendable {
        public var url: WebSocketURL
        public var index: String
        public var collection: String
        /// How long to hold the connections after the ramp.
        public var durationSeconds: Double
        public var connections: Int
        public var rampConcurrency: Int
        public var serverPID: Int32?

        public init(
            url: WebSocketURL, index: String, collection: String, durationSeconds: Double, connections: Int,
            rampConcurrency: Int, serverPID: Int32?
        ) {
            self.url = url
            self.index = index
            self.collection = collection
            self.durationSeconds = durationSeconds
            self.connections = connections
            self.rampConcurrency = rampConcurrency
            self.serverPID = serverPID
        }
    }

    private let configuration: Configuration
    private var ramp: ConnectionRamp
    private var opened: [Bool]
    private var handshakes = 0
    private var subscribed = 0
    private var subscribeFailures = 0
    private var failedConnections = 0
    private var lastFailure: String?

    public init(_ configuration: Configuration) {
        self.configuration = configuration
        ramp = ConnectionRamp(target: configuration.connections, concurrency: configuration.rampConcurrency)
        opened = Array(repeating: false, count: configuration.connections)
    }

    /// Sets up, ramps, holds for the configured duration and reports.
    public func run() throws(BenchError) -> BenchReport {
        try CollectionSetup(index: configuration.index, collection: configuration.collection).run(url: configuration.url)
        let rssBefore = configuration.serverPID.flatMap(ServerMemory.residentKilobytes(pid:))
        let pool = try ConnectionPool(url: configuration.url)
        let start = MonotonicClock.now()
        var progress = ProgressLine(start: start)
        while !(ramp.isComplete && subscribed + subscribeFailures >= pool.openCount) {
            try ramp.fill(pool) { _ in }
            try pool.poll(timeoutMilliseconds: 10, delegate: self)
            progress.update(now: MonotonicClock.now(), count: handshakes, label: "handshakes",
                            detail: "open \(pool.openCount)  subscribed \(subscribed)  failed \(failedConnections)")
        }
        let rampSeconds = Double(MonotonicClock.now() - start) / 1e9
        let holdEnd = MonotonicClock.now() + UInt64(configuration.durationSeconds * 1e9)
        while MonotonicClock.now() < holdEnd {
            try pool.poll(timeoutMilliseconds: 100, delegate: self)
            progress.update(now: MonotonicClock.now(), count: handshakes, label: "handshakes",
                            detail: "open \(pool.openCount)  failed \(failedConnections)")
        }
        progress.finish()
        let survivors = pool.openCount
        let rssAfter = configuration.serverPID.flatMap(ServerMemory.residentKilobytes(pid:))
        pool.closeAll()

        var parameters = [
            "connections": String(configuration.connections), "hold": "\(configuration.durationSeconds) s",
            "ramp concurrency": String(configuration.rampConcurrency),
        ]
        if let pid = configuration.serverPID { parameters["server pid"] = String(pid) }
        var report = BenchReport(scenario: "connections", url: "\(configuration.url)", parameters: parameters)
        report.add("handshakes", handshakes)
        report.add("handshakes/s", Double(handshakes) / rampSeconds)
        report.add("ramp time", rampSeconds, unit: "s")
        report.add("subscribed", subscribed)
        report.add("subscribe failures", subscribeFailures)
        report.add("connections failed", failedConnections)
        report.add("survivors", survivors)
        report.addServerMemory(beforeKilobytes: rssBefore, afterKilobytes: rssAfter, connections: survivors)
        if let lastFailure, failedConnections + subscribeFailures > 0 {
            StandardError.write("last failure: \(lastFailure)\n")
        }
        return report
    }

    func connectionDidOpen(_ id: Int, pool: ConnectionPool) {
        opened[id] = true
        handshakes += 1
        ramp.didSettle()
        pool.sendText(id, KuzzleRequestWriter.request(
            ["controller": "\"realtime\"", "action": "\"subscribe\"",
             "index": KuzzleRequestWriter.quoted(configuration.index),
             "collection": KuzzleRequestWriter.quoted(configuration.collection), "body": "{}"],
            requestID: "subscribe"))
    }

    func connection(_ id: Int, didReceive payload: UnsafeRawBufferPointer, pool: ConnectionPool) {
        guard KuzzleFrameScanner.string(KuzzleFrameScanner.room, in: payload, equals: "subscribe") else { return }
        if KuzzleFrameScanner.integer(KuzzleFrameScanner.status, in: payload) == 200 {
            subscribed += 1
        } else {
            subscribeFailures += 1
            lastFailure = String(decoding: payload, as: UTF8.self)
        }
    }

    func connectionDidClose(_ id: Int, reason: String, pool: ConnectionPool) {
        failedConnections += 1
        lastFailure = reason
        if !opened[id] { ramp.didSettle() }
    }
}

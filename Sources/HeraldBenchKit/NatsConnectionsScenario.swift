/// `connections` against nats-server: ramps to C connections, each sending `CONNECT`, one `SUB` and a
/// `PING` (its `PONG` confirms the subscription), then holds them; the counterpart of ``ConnectionsScenario``.
public final class NatsConnectionsScenario: ConnectionPoolDelegate {
    private let configuration: ConnectionsScenario.Configuration
    private var ramp: ConnectionRamp
    private var opened: [Bool]
    private var parsers: [NatsProtocolParser]
    private var handshakes = 0
    private var subscribed = 0
    private var serverErrors = 0
    private var failedConnections = 0
    private var lastFailure: String?
    private let greeting: [UInt8]

    /// The run `configuration` describes; its `url` is the nats-server WebSocket listener and its
    /// `serverPID` the nats-server process.
    public init(_ configuration: ConnectionsScenario.Configuration) {
        self.configuration = configuration
        ramp = ConnectionRamp(target: configuration.connections, concurrency: configuration.rampConcurrency)
        opened = Array(repeating: false, count: configuration.connections)
        parsers = Array(repeating: NatsProtocolParser(), count: configuration.connections)
        var greeting = NatsRequestWriter.connect
        NatsRequestWriter.appendSubscribe(subject: "bench.0", sid: 1, to: &greeting)
        greeting += NatsRequestWriter.ping
        self.greeting = greeting
    }

    /// Ramps, holds for the configured duration and reports.
    public func run() throws(BenchError) -> BenchReport {
        let rssBefore = configuration.serverPID.flatMap(ServerMemory.residentKilobytes(pid:))
        let pool = try ConnectionPool(url: configuration.url)
        let start = MonotonicClock.now()
        var progress = ProgressLine(start: start)
        while !(ramp.isComplete && subscribed + serverErrors >= pool.openCount) {
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
            "server": "nats-server",
            "connections": String(configuration.connections), "hold": "\(configuration.durationSeconds) s",
            "ramp concurrency": String(configuration.rampConcurrency),
        ]
        if let pid = configuration.serverPID { parameters["server pid"] = String(pid) }
        var report = BenchReport(scenario: "connections", url: "\(configuration.url)", parameters: parameters)
        report.add("handshakes", handshakes)
        report.add("handshakes/s", Double(handshakes) / rampSeconds)
        report.add("ramp time", rampSeconds, unit: "s")
        report.add("subscribed", subscribed)
        report.add("server errors", serverErrors)
        report.add("connections failed", failedConnections)
        report.add("survivors", survivors)
        report.addServerMemory(beforeKilobytes: rssBefore, afterKilobytes: rssAfter, connections: survivors)
        if let lastFailure, failedConnections + serverErrors > 0 {
            StandardError.write("last failure: \(lastFailure)\n")
        }
        return report
    }

    func connectionDidOpen(_ id: Int, pool: ConnectionPool) {
        opened[id] = true
        handshakes += 1
        ramp.didSettle()
        pool.sendText(id, greeting)
    }

    func connection(_ id: Int, didReceive payload: UnsafeRawBufferPointer, pool: ConnectionPool) {
        do throws(NatsProtocolError) {
            try parsers[id].receive(payload) { operation in
                switch operation {
                case .pong: subscribed += 1
                case .ping: pool.sendText(id, NatsRequestWriter.pong)
                case .error(let text):
                    serverErrors += 1
                    lastFailure = "-ERR \(text)"
                case .info, .ok, .message: break
                }
            }
        } catch {
            serverErrors += 1
            lastFailure = "\(error)"
        }
    }

    func connectionDidClose(_ id: Int, reason: String, pool: ConnectionPool) {
        failedConnections += 1
        lastFailure = reason
        if !opened[id] { ramp.didSettle() }
    }
}

import Glibc

/// `upsert`: C connections each keeping W `document:upsert` requests in flight; measures throughput and
/// request latency.
public final class UpsertScenario: ConnectionPoolDelegate {
    /// What to run.
    public struct Configuration: Sendable {
        public var url: WebSocketURL
        public var index: String
        public var collection: String
        public var durationSeconds: Double
        public var connections: Int
        public var window: Int
        /// Draw ids from this many hot ids; 0 gives every request a new id.
        public var hotIDs: Int
        public var payloadBytes: Int
        public var rampConcurrency: Int
        /// A token every request carries (`auth:login` of the user the run acts as); `nil`: anonymous.
        public var jwt: String?

        public init(
            url: WebSocketURL, index: String, collection: String, durationSeconds: Double, connections: Int,
            window: Int, hotIDs: Int, payloadBytes: Int, rampConcurrency: Int
        ) {
            self.url = url
            self.index = index
            self.collection = collection
            self.durationSeconds = durationSeconds
            self.connections = connections
            self.window = window
            self.hotIDs = hotIDs
            self.payloadBytes = payloadBytes
            self.rampConcurrency = rampConcurrency
        }
    }

    private let configuration: Configuration
    private let writer: KuzzleRequestWriter
    private let padding: [UInt8]
    private var ramp: ConnectionRamp
    /// Send time of each request slot (connection × window), 0 when the slot is free.
    private var sendTimes: [UInt64]
    private var sequence: [Int]
    private var opened: [Bool]
    private var buffer: [UInt8] = []
    private var random: UInt64 = 0x2545_F491_4F6C_DD1D
    private var sending = false
    private var inFlight = 0
    private var completed = 0
    private var errors = 0
    private var unexpected = 0
    private var failedConnections = 0
    private var lastFailure: String?
    private var latency = LatencyRecorder()

    public init(_ configuration: Configuration) {
        self.configuration = configuration
        writer = KuzzleRequestWriter(index: configuration.index, collection: configuration.collection,
                                     jwt: configuration.jwt)
        padding = Array(",\"pad\":\"\(String(repeating: "x", count: configuration.payloadBytes))\"".utf8)
        ramp = ConnectionRamp(target: configuration.connections, concurrency: configuration.rampConcurrency)
        sendTimes = Array(repeating: 0, count: configuration.connections * configuration.window)
        sequence = Array(repeating: 0, count: configuration.connections)
        opened = Array(repeating: false, count: configuration.connections)
    }

    /// Sets up the collection, opens the connections, runs for the configured duration and reports.
    public func run() throws(BenchError) -> BenchReport {
        try CollectionSetup(index: configuration.index, collection: configuration.collection, jwt: configuration.jwt)
            .run(url: configuration.url)
        let pool = try ConnectionPool(url: configuration.url)
        while !ramp.isComplete {
            try ramp.fill(pool) { _ in }
            try pool.poll(timeoutMilliseconds: 10, delegate: self)
        }
        guard pool.openCount > 0 else { throw BenchError("no connection opened: \(lastFailure ?? "unknown")") }

        sending = true
        for id in 0..<configuration.connections where pool.isOpen(id) {
            for slot in 0..<configuration.window { send(id, slot: slot, pool: pool) }
        }
        let cpuStart = ProcessCPUTime.seconds()
        let start = MonotonicClock.now()
        let end = start + UInt64(configuration.durationSeconds * 1e9)
        var progress = ProgressLine(start: start)
        var now = start
        while now < end {
            try pool.poll(timeoutMilliseconds: 1, delegate: self)
            now = MonotonicClock.now()
            progress.update(now: now, count: completed, label: "req",
                            detail: "errors \(errors)  open \(pool.openCount)")
        }
        let completedInWindow = completed
        let elapsed = Double(now - start) / 1e9
        let cpuSeconds = ProcessCPUTime.seconds() - cpuStart
        sending = false
        let drainEnd = MonotonicClock.now() + 5_000_000_000
        while inFlight > 0 && pool.openCount > 0 && MonotonicClock.now() < drainEnd {
            try pool.poll(timeoutMilliseconds: 10, delegate: self)
        }
        progress.finish()
        let open = pool.openCount
        pool.closeAll()

        var report = BenchReport(scenario: "upsert", url: "\(configuration.url)", parameters: [
            "connections": String(configuration.connections), "window": String(configuration.window),
            "hot ids": configuration.hotIDs == 0 ? "unique" : String(configuration.hotIDs),
            "payload bytes": String(configuration.payloadBytes), "duration": "\(configuration.durationSeconds) s",
        ])
        report.add("requests/s", Double(completedInWindow) / elapsed)
        report.add("client CPU", cpuSeconds / elapsed * 100, unit: "% of one core")
        report.add("requests completed", completed)
        report.add("errors", errors)
        report.add("unanswered", inFlight)
        report.add("unexpected frames", unexpected)
        report.add("connections failed", failedConnections)
        report.add("connections open at end", open)
        report.latency = latency.summary
        if let lastFailure, failedConnections > 0 { StandardError.write("last connection failure: \(lastFailure)\n") }
        return report
    }

    func connectionDidOpen(_ id: Int, pool: ConnectionPool) {
        opened[id] = true
        ramp.didSettle()
    }

    func connection(_ id: Int, didReceive payload: UnsafeRawBufferPointer, pool: ConnectionPool) {
        let now = MonotonicClock.now()
        let window = configuration.window
        guard let requestID = KuzzleFrameScanner.integerString(KuzzleFrameScanner.room, in: payload),
              requestID >= id * window, requestID < (id + 1) * window, sendTimes[requestID] != 0
        else {
            unexpected += 1
            return
        }
        latency.record(nanoseconds: now &- sendTimes[requestID])
        sendTimes[requestID] = 0
        inFlight -= 1
        completed += 1
        if KuzzleFrameScanner.integer(KuzzleFrameScanner.status, in: payload) != 200 { errors += 1 }
        if sending { send(id, slot: requestID - id * window, pool: pool) }
    }

    func connectionDidClose(_ id: Int, reason: String, pool: ConnectionPool) {
        failedConnections += 1
        lastFailure = reason
        if !opened[id] { ramp.didSettle() }
        let base = id * configuration.window
        for slot in base..<(base + configuration.window) where sendTimes[slot] != 0 {
            sendTimes[slot] = 0
            inFlight -= 1
        }
    }

    private func send(_ id: Int, slot: Int, pool: ConnectionPool) {
        let requestID = id * configuration.window + slot
        let now = MonotonicClock.now()
        let hotIDs = configuration.hotIDs
        let sequenceNumber = sequence[id]
        sequence[id] += 1
        let hot = hotIDs > 0 ? nextRandom() % UInt64(hotIDs) : 0
        writer.upsert(into: &buffer, id: { buffer in
            if hotIDs > 0 {
                buffer.append(UInt8(ascii: "h"))
                KuzzleRequestWriter.appendDecimal(hot, to: &buffer)
            } else {
                buffer.append(UInt8(ascii: "c"))
                KuzzleRequestWriter.appendDecimal(id, to: &buffer)
                buffer.append(UInt8(ascii: "-"))
                KuzzleRequestWriter.appendDecimal(sequenceNumber, to: &buffer)
            }
        }, changes: { buffer in
            buffer.append(contentsOf: "\"t\":".utf8)
            KuzzleRequestWriter.appendDecimal(now, to: &buffer)
            buffer.append(contentsOf: padding)
        }, requestID: requestID)
        sendTimes[requestID] = now
        inFlight += 1
        pool.sendText(id, buffer)
    }

    private func nextRandom() -> UInt64 {
        random ^= random << 13
        random ^= random >> 7
        random ^= random << 17
        return random
    }
}

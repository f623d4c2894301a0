/// `match`: C connections upsert documents as fast as their window allows, first with no room at
/// all, then with R rooms (one filter each, spread over S subscriber connections) so that every
/// upsert notifies exactly one of them (or, with `hits` below 1, that share of the upserts while the
/// others match no room). Reports both runs side by side: the cost of matching and notifying.
public final class MatchScenario: ConnectionPoolDelegate {
    /// What to run.
    public struct Configuration: Sendable {
        public var url: WebSocketURL
        public var index: String
        public var collection: String
        public var durationSeconds: Double
        public var rooms: Int
        public var kind: MatchFilterKind
        public var subscribers: Int
        public var clients: Int
        public var window: Int
        /// Share of upserts written to match a room.
        public var hits: Double
        public var rampConcurrency: Int
        public var drainSeconds: Double

        public init(
            url: WebSocketURL, index: String, collection: String, durationSeconds: Double, rooms: Int,
            kind: MatchFilterKind, subscribers: Int, clients: Int, window: Int, hits: Double, rampConcurrency: Int,
            drainSeconds: Double
        ) {
            self.url = url
            self.index = index
            self.collection = collection
            self.durationSeconds = durationSeconds
            self.rooms = rooms
            self.kind = kind
            self.subscribers = subscribers
            self.clients = clients
            self.window = window
            self.hits = hits
            self.rampConcurrency = rampConcurrency
            self.drainSeconds = drainSeconds
        }
    }

    /// What one timed run measured.
    private struct RunResult {
        var upsertsPerSecond = 0.0
        var acknowledged = 0
        var errors = 0
        var notificationsExpected = 0
        var notificationsReceived = 0
        var upsertLatency: LatencySummary
        var notificationLatency: LatencySummary
    }

    private enum Role {
        case client
        case subscriber
    }

    private let configuration: Configuration
    private let writer: KuzzleRequestWriter
    private var ramp = ConnectionRamp(target: 0, concurrency: 1)
    private var roles: [Role] = []
    private var opened: [Bool] = []
    private var clientIDs: [Int] = []
    private var subscriberIDs: [Int] = []
    private var inFlightByConnection: [Int] = []
    private var failedConnections = 0
    private var lastFailure: String?
    private var subscribeAnswers = 0
    private var subscribeFailures = 0
    private var roomsLive = false
    private var buffer: [UInt8] = []
    private var sending = false
    // Per-run counters.
    private var nextRequest = 0
    private var sendTimes: [UInt64] = []
    private var acknowledged = 0
    private var errors = 0
    private var expected = 0
    private var received = 0
    private var unexpected = 0
    private var upsertLatency = LatencyRecorder()
    private var notificationLatency = LatencyRecorder()

    public init(_ configuration: Configuration) {
        self.configuration = configuration
        writer = KuzzleRequestWriter(index: configuration.index, collection: configuration.collection)
    }

    /// Connects everyone, runs without rooms, subscribes the rooms, runs again, and reports both.
    public func run() throws(BenchError) -> BenchReport {
        try CollectionSetup(index: configuration.index, collection: configuration.collection).run(url: configuration.url)
        let pool = try ConnectionPool(url: configuration.url)
        try open(configuration.clients, role: .client, pool: pool)
        try open(configuration.subscribers, role: .subscriber, pool: pool)
        guard clientIDs.contains(where: { pool.isOpen($0) }) else {
            throw BenchError("no upserting connection opened: \(lastFailure ?? "unknown")")
        }

        let withoutRooms = try timedRun(pool: pool, label: "no rooms")
        let subscribeStart = MonotonicClock.now()
        try subscribeRooms(pool: pool)
        let subscribeSeconds = Double(MonotonicClock.now() - subscribeStart) / 1e9
        roomsLive = true
        let withRooms = try timedRun(pool: pool, label: "\(configuration.rooms) rooms")
        let open = pool.openCount
        pool.closeAll()

        var report = BenchReport(scenario: "match", url: "\(configuration.url)", parameters: [
            "rooms": String(configuration.rooms), "kind": configuration.kind.rawValue,
            "subscribers": String(configuration.subscribers), "clients": String(configuration.clients),
            "window": String(configuration.window), "hits": "\(configuration.hits)", "duration": "\(configuration.durationSeconds) s per run",
        ])
        report.add("upserts/s, no rooms", withoutRooms.upsertsPerSecond)
        report.add("upserts/s, \(configuration.rooms) rooms", withRooms.upsertsPerSecond)
        report.add("throughput with rooms", withRooms.upsertsPerSecond / max(withoutRooms.upsertsPerSecond, 1e-9) * 100,
                   unit: "% of no rooms")
        for (label, result) in [("no rooms", withoutRooms), ("\(configuration.rooms) rooms", withRooms)] {
            report.add("upsert p50, \(label)", Double(result.upsertLatency.p50), unit: "µs")
            report.add("upsert p99, \(label)", Double(result.upsertLatency.p99), unit: "µs")
            report.add("upserts acknowledged, \(label)", result.acknowledged)
            report.add("upsert errors, \(label)", result.errors)
        }
        report.add("notifications expected", withRooms.notificationsExpected)
        report.add("notifications received", withRooms.notificationsReceived)
        report.add("notifications without rooms", withoutRooms.notificationsReceived)
        report.add("notification p50", Double(withRooms.notificationLatency.p50), unit: "µs")
        report.add("notification p99", Double(withRooms.notificationLatency.p99), unit: "µs")
        report.add("notification max", Double(withRooms.notificationLatency.max), unit: "µs")
        report.add("rooms subscribed", subscribeAnswers)
        report.add("subscribe failures", subscribeFailures)
        report.add("subscribing took", subscribeSeconds, unit: "s")
        report.add("unexpected frames", unexpected)
        report.add("connections failed", failedConnections)
        report.add("connections open at end", open)
        report.latency = withRooms.notificationLatency
        if let lastFailure, failedConnections + subscribeFailures > 0 {
            StandardError.write("last failure: \(lastFailure)\n")
        }
        return report
    }

    private func open(_ count: Int, role: Role, pool: ConnectionPool) throws(BenchError) {
        ramp = ConnectionRamp(target: count, concurrency: configuration.rampConcurrency)
        while !ramp.isComplete {
            try ramp.fill(pool) { id in
                precondition(id == roles.count, "connection ids are dense")
                roles.append(role)
                opened.append(false)
                inFlightByConnection.append(0)
                if role == .client { clientIDs.append(id) } else { subscriberIDs.append(id) }
            }
            try pool.poll(timeoutMilliseconds: 10, delegate: self)
        }
    }

    /// Sends one subscribe per room over the subscriber connections and waits for every answer.
    private func subscribeRooms(pool: ConnectionPool) throws(BenchError) {
        let live = subscriberIDs.filter { pool.isOpen($0) }
        guard !live.isEmpty else { throw BenchError("no subscriber connection opened: \(lastFailure ?? "unknown")") }
        let index = KuzzleRequestWriter.quoted(configuration.index)
        let collection = KuzzleRequestWriter.quoted(configuration.collection)
        var sent = 0
        while subscribeAnswers + subscribeFailures < configuration.rooms {
            // Keep at most a few thousand subscribes outstanding.
            while sent < configuration.rooms && sent - subscribeAnswers - subscribeFailures < 4_096 {
                pool.sendText(live[sent % live.count], KuzzleRequestWriter.request(
                    ["controller": "\"realtime\"", "action": "\"subscribe\"", "index": index,
                     "collection": collection, "body": configuration.kind.filter(room: sent)],
                    requestID: "subscribe"))
                sent += 1
            }
            try pool.poll(timeoutMilliseconds: 10, delegate: self)
            if live.allSatisfy({ !pool.isOpen($0) }) { throw BenchError("subscribers disconnected") }
        }
    }

    private func timedRun(pool: ConnectionPool, label: String) throws(BenchError) -> RunResult {
        nextRequest = 0
        sendTimes.removeAll(keepingCapacity: true)
        acknowledged = 0
        errors = 0
        expected = 0
        received = 0
        upsertLatency = LatencyRecorder()
        notificationLatency = LatencyRecorder()
        sending = true
        let start = MonotonicClock.now()
        let end = start + UInt64(configuration.durationSeconds * 1e9)
        var progress = ProgressLine(start: start)
        var now = start
        for id in clientIDs where pool.isOpen(id) {
            while inFlightByConnection[id] < configuration.window { sendUpsert(id, pool: pool) }
        }
        while now < end {
            try pool.poll(timeoutMilliseconds: 5, delegate: self)
            now = MonotonicClock.now()
            progress.update(now: now, count: acknowledged, label: "upserts (\(label))",
                            detail: "errors \(errors)  notifications \(received)")
        }
        sending = false
        let elapsed = Double(now - start) / 1e9
        let acknowledgedInWindow = acknowledged
        let drainEnd = MonotonicClock.now() + UInt64(configuration.drainSeconds * 1e9)
        while (acknowledged < nextRequest || received < expected) && MonotonicClock.now() < drainEnd {
            try pool.poll(timeoutMilliseconds: 10, delegate: self)
        }
        progress.finish()
        return RunResult(
            upsertsPerSecond: Double(acknowledgedInWindow) / elapsed, acknowledged: acknowledged, errors: errors,
            notificationsExpected: expected, notificationsReceived: received,
            upsertLatency: upsertLatency.summary, notificationLatency: notificationLatency.summary)
    }

    func connectionDidOpen(_ id: Int, pool: ConnectionPool) {
        opened[id] = true
        ramp.didSettle()
    }

    func connection(_ id: Int, didReceive payload: UnsafeRawBufferPointer, pool: ConnectionPool) {
        switch roles[id] {
        case .subscriber:
            if let sentAt = KuzzleFrameScanner.integer(KuzzleFrameScanner.timestamp, in: payload),
               KuzzleFrameScanner.string(KuzzleFrameScanner.type, in: payload, equals: "document") {
                received += 1
                notificationLatency.record(nanoseconds: MonotonicClock.now() &- UInt64(truncatingIfNeeded: sentAt))
            } else if KuzzleFrameScanner.string(KuzzleFrameScanner.room, in: payload, equals: "subscribe") {
                if KuzzleFrameScanner.integer(KuzzleFrameScanner.status, in: payload) == 200 {
                    subscribeAnswers += 1
                } else {
                    subscribeFailures += 1
                    lastFailure = String(decoding: payload, as: UTF8.self)
                }
            } else {
                unexpected += 1
            }
        case .client:
            guard let requestID = KuzzleFrameScanner.integerString(KuzzleFrameScanner.room, in: payload),
                  requestID < sendTimes.count, inFlightByConnection[id] > 0 else {
                unexpected += 1
                return
            }
            acknowledged += 1
            inFlightByConnection[id] -= 1
            upsertLatency.record(nanoseconds: MonotonicClock.now() &- sendTimes[requestID])
            if KuzzleFrameScanner.integer(KuzzleFrameScanner.status, in: payload) == 200 {
                if roomsLive && isHit(requestID) { expected += 1 }
            } else {
                errors += 1
                lastFailure = String(decoding: payload, as: UTF8.self)
            }
            if sending { sendUpsert(id, pool: pool) }
        }
    }

    func connectionDidClose(_ id: Int, reason: String, pool: ConnectionPool) {
        failedConnections += 1
        lastFailure = reason
        if !opened[id] { ramp.didSettle() }
        acknowledged += inFlightByConnection[id]
        inFlightByConnection[id] = 0
    }

    /// Whether request `requestID` is written to match its room: spread evenly over every 1000 requests.
    private func isHit(_ requestID: Int) -> Bool {
        Double(requestID % 1000) < configuration.hits * 1000
    }

    /// Upserts the document of room `n mod R`: id `m<room>` and `v` the room's value, or id `n<room>`
    /// and a value no room matches; `t` the send time.
    private func sendUpsert(_ id: Int, pool: ConnectionPool) {
        let requestID = nextRequest
        nextRequest += 1
        let room = requestID % configuration.rooms
        let hit = isHit(requestID)
        let now = MonotonicClock.now()
        sendTimes.append(now)
        writer.upsert(into: &buffer, id: { buffer in
            // Documents that match and documents that do not are kept apart, so none ever leaves a room.
            buffer.append(UInt8(ascii: hit ? "m" : "n"))
            KuzzleRequestWriter.appendDecimal(room, to: &buffer)
        }, changes: { buffer in
            buffer.append(contentsOf: "\"t\":".utf8)
            KuzzleRequestWriter.appendDecimal(now, to: &buffer)
            buffer.append(contentsOf: ",\"v\":".utf8)
            KuzzleRequestWriter.appendDecimal(
                hit ? configuration.kind.value(room: room) : configuration.kind.missingValue(room: room), to: &buffer)
            buffer.append(contentsOf: ",\"w\":1".utf8)
        }, requestID: requestID)
        inFlightByConnection[id] += 1
        pool.sendText(id, buffer)
    }
}

import Glibc

/// `fanout`: S subscribers spread over R rooms, P publishers upserting documents that carry their send
/// time; measures deliveries per second, loss and delivery latency.
public final class FanoutScenario: ConnectionPoolDelegate {
    /// What to run.
    public struct Configuration: Sendable {
        public var url: WebSocketURL
        public var index: String
        public var collection: String
        public var durationSeconds: Double
        public var subscribers: Int
        public var rooms: Int
        public var publishers: Int
        /// Notifications per second over all publishers; 0 means as fast as the window allows.
        public var rate: Double
        /// In-flight upserts per publisher at maximum rate.
        public var window: Int
        public var rampConcurrency: Int
        public var drainSeconds: Double
        /// The servers the subscribers connect to, round robin (the nodes of one cluster); empty means
        /// `url`, where the publishers always connect.
        public var subscriberURLs: [WebSocketURL] = []
        /// A token (from `auth:login`) every request carries; `nil`: anonymous.
        public var jwt: String?

        public init(
            url: WebSocketURL, index: String, collection: String, durationSeconds: Double, subscribers: Int,
            rooms: Int, publishers: Int, rate: Double, window: Int, rampConcurrency: Int, drainSeconds: Double
        ) {
            self.url = url
            self.index = index
            self.collection = collection
            self.durationSeconds = durationSeconds
            self.subscribers = subscribers
            self.rooms = rooms
            self.publishers = publishers
            self.rate = rate
            self.window = window
            self.rampConcurrency = rampConcurrency
            self.drainSeconds = drainSeconds
        }
    }

    private enum Role {
        case subscriber(room: Int)
        case publisher
    }

    private let configuration: Configuration
    private let writer: KuzzleRequestWriter
    private var ramp = ConnectionRamp(target: 0, concurrency: 1)
    private var roles: [Role] = []
    private var opened: [Bool] = []
    private var publisherIDs: [Int] = []
    private var inFlightByConnection: [Int] = []
    private var subscribedPerRoom: [Int]
    private var subscribeAnswers = 0
    private var subscribeFailures = 0
    private var failedConnections = 0
    private var lastFailure: String?
    private var buffer: [UInt8] = []
    private var sending = false
    private var nextRequest = 0
    private var sent = 0
    private var acknowledged = 0
    private var errors = 0
    private var expected = 0
    private var delivered = 0
    private var notificationBytes = 0
    private var unexpected = 0
    private var latency = LatencyRecorder()

    public init(_ configuration: Configuration) {
        self.configuration = configuration
        writer = KuzzleRequestWriter(index: configuration.index, collection: configuration.collection,
                                     jwt: configuration.jwt)
        subscribedPerRoom = Array(repeating: 0, count: configuration.rooms)
    }

    /// Sets up, subscribes, publishes for the configured duration, drains and reports.
    public func run() throws(BenchError) -> BenchReport {
        try CollectionSetup(index: configuration.index, collection: configuration.collection, jwt: configuration.jwt)
            .run(url: configuration.url)
        // Endpoint 0 is the publishers' server; subscribers use endpoints 1... when other servers are given.
        let subscriberURLs = configuration.subscriberURLs
        let pool = try ConnectionPool(urls: [configuration.url] + subscriberURLs)
        let subscriberEndpoint: (Int) -> Int = { n in subscriberURLs.isEmpty ? 0 : 1 + n % subscriberURLs.count }

        ramp = ConnectionRamp(target: configuration.subscribers, concurrency: configuration.rampConcurrency)
        let rampStart = MonotonicClock.now()
        while !(ramp.isComplete && subscribeAnswers + subscribeFailures >= pool.openCount) {
            try ramp.fill(pool, endpoint: subscriberEndpoint) { id in
                addConnection(id, role: .subscriber(room: id % configuration.rooms))
            }
            try pool.poll(timeoutMilliseconds: 10, delegate: self)
        }
        let rampSeconds = Double(MonotonicClock.now() - rampStart) / 1e9
        ramp = ConnectionRamp(target: configuration.publishers, concurrency: configuration.rampConcurrency)
        while !ramp.isComplete {
            try ramp.fill(pool) { id in
                addConnection(id, role: .publisher)
                publisherIDs.append(id)
            }
            try pool.poll(timeoutMilliseconds: 10, delegate: self)
        }
        guard publisherIDs.contains(where: { pool.isOpen($0) }) else {
            throw BenchError("no publisher connected: \(lastFailure ?? "unknown")")
        }

        sending = true
        var deliveredInWindow = 0
        var sentInWindow = 0
        let window = try MeasuredWindow(
            pool: pool, delegate: self, durationSeconds: configuration.durationSeconds,
            drainSeconds: configuration.drainSeconds, pollMilliseconds: configuration.rate > 0 ? 1 : 5,
            act: { now, start in publish(now: now, start: start, pool: pool) },
            count: { delivered },
            detail: { "sent \(sent)  errors \(errors)  lost so far \(max(0, expected - delivered))" },
            windowEnded: {
                deliveredInWindow = delivered
                sentInWindow = sent
                sending = false
            },
            outstanding: { inFlight > 0 || delivered < expected })
        let elapsed = window.elapsed
        let cpuSeconds = window.cpuSeconds
        let open = pool.openCount
        pool.closeAll()

        var parameters = [
            "subscribers": String(configuration.subscribers), "rooms": String(configuration.rooms),
            "publishers": String(configuration.publishers),
            "rate": configuration.rate > 0 ? "\(configuration.rate)/s" : "max (window \(configuration.window))",
            "duration": "\(configuration.durationSeconds) s",
            "authenticated": configuration.jwt == nil ? "no" : "yes",
        ]
        if !subscriberURLs.isEmpty { parameters["subscriber servers"] = subscriberURLs.map { "\($0)" }.joined(separator: " ") }
        var report = BenchReport(scenario: "fanout", url: "\(configuration.url)", parameters: parameters)
        report.add("deliveries/s", Double(deliveredInWindow) / elapsed)
        report.add("upserts/s", Double(sentInWindow) / elapsed)
        report.add("client CPU", cpuSeconds / elapsed * 100, unit: "% of one core")
        report.add("deliveries per client CPU second", Double(deliveredInWindow) / max(cpuSeconds, 1e-6))
        report.add("upserts acknowledged", acknowledged)
        report.add("upsert errors", errors)
        report.add("notifications expected", expected)
        report.add("notifications received", delivered)
        report.add("notifications lost", max(0, expected - delivered))
        report.add("notification bytes", delivered == 0 ? 0 : notificationBytes / delivered, unit: "B")
        report.add("unexpected frames", unexpected)
        report.add("subscribed", subscribeAnswers)
        report.add("subscribe failures", subscribeFailures)
        report.add("subscribe ramp", rampSeconds, unit: "s")
        report.add("connections failed", failedConnections)
        report.add("connections open at end", open)
        report.latency = latency.summary
        if let lastFailure, failedConnections + subscribeFailures > 0 {
            StandardError.write("last failure: \(lastFailure)\n")
        }
        return report
    }

    private var inFlight: Int { sent - acknowledged }

    func connectionDidOpen(_ id: Int, pool: ConnectionPool) {
        opened[id] = true
        ramp.didSettle()
        guard case .subscriber(let room) = roles[id] else { return }
        let filter = configuration.rooms == 1 ? "{}" : "{\"equals\":{\"g\":\(room)}}"
        let token = configuration.jwt.map { [("jwt", KuzzleRequestWriter.quoted($0))] } ?? []
        pool.sendText(id, KuzzleRequestWriter.request([
            ("controller", "\"realtime\""), ("action", "\"subscribe\""),
            ("index", KuzzleRequestWriter.quoted(configuration.index)),
            ("collection", KuzzleRequestWriter.quoted(configuration.collection)), ("body", filter),
        ] + token, requestID: "subscribe"))
    }

    func connection(_ id: Int, didReceive payload: UnsafeRawBufferPointer, pool: ConnectionPool) {
        switch roles[id] {
        case .subscriber(let room):
            if let sentAt = KuzzleFrameScanner.integer(KuzzleFrameScanner.timestamp, in: payload),
               KuzzleFrameScanner.string(KuzzleFrameScanner.type, in: payload, equals: "document") {
                delivered += 1
                notificationBytes += payload.count
                latency.record(nanoseconds: MonotonicClock.now() &- UInt64(truncatingIfNeeded: sentAt))
            } else if KuzzleFrameScanner.string(KuzzleFrameScanner.room, in: payload, equals: "subscribe") {
                if KuzzleFrameScanner.integer(KuzzleFrameScanner.status, in: payload) == 200 {
                    subscribeAnswers += 1
                    subscribedPerRoom[room] += 1
                } else {
                    subscribeFailures += 1
                    lastFailure = String(decoding: payload, as: UTF8.self)
                }
            } else {
                unexpected += 1
            }
        case .publisher:
            guard let requestID = KuzzleFrameScanner.integerString(KuzzleFrameScanner.room, in: payload),
                  inFlightByConnection[id] > 0 else {
                unexpected += 1
                return
            }
            acknowledged += 1
            inFlightByConnection[id] -= 1
            if KuzzleFrameScanner.integer(KuzzleFrameScanner.status, in: payload) == 200 {
                expected += subscribedPerRoom[requestID % configuration.rooms]
            } else {
                errors += 1
            }
            if sending && configuration.rate == 0 { sendUpsert(id, pool: pool) }
        }
    }

    func connectionDidClose(_ id: Int, reason: String, pool: ConnectionPool) {
        failedConnections += 1
        lastFailure = reason
        if !opened[id] { ramp.didSettle() }
        if case .subscriber(let room) = roles[id], opened[id] {
            subscribedPerRoom[room] = max(0, subscribedPerRoom[room] - 1)
        }
        acknowledged += inFlightByConnection[id]
        inFlightByConnection[id] = 0
    }

    private func addConnection(_ id: Int, role: Role) {
        precondition(id == roles.count, "connection ids are dense")
        roles.append(role)
        opened.append(false)
        inFlightByConnection.append(0)
    }

    /// Sends what is due: the whole window at maximum rate (refilled on each answer), else the paced count.
    private func publish(now: UInt64, start: UInt64, pool: ConnectionPool) {
        if configuration.rate == 0 {
            for id in publisherIDs where pool.isOpen(id) {
                while inFlightByConnection[id] < configuration.window { sendUpsert(id, pool: pool) }
            }
            return
        }
        let due = Int(Double(now - start) * configuration.rate / 1e9) - sent
        guard due > 0 else { return }
        let live = publisherIDs.filter { pool.isOpen($0) }
        guard !live.isEmpty else { return }
        let first = sent
        for index in 0..<due { sendUpsert(live[(first + index) % live.count], pool: pool) }
    }

    private func sendUpsert(_ id: Int, pool: ConnectionPool) {
        let requestID = nextRequest
        nextRequest += 1
        let room = requestID % configuration.rooms
        let now = MonotonicClock.now()
        writer.upsert(into: &buffer, id: { buffer in
            buffer.append(UInt8(ascii: "f"))
            KuzzleRequestWriter.appendDecimal(id, to: &buffer)
            buffer.append(UInt8(ascii: "-"))
            KuzzleRequestWriter.appendDecimal(room, to: &buffer)
        }, changes: { buffer in
            buffer.append(contentsOf: "\"t\":".utf8)
            KuzzleRequestWriter.appendDecimal(now, to: &buffer)
            buffer.append(contentsOf: ",\"g\":".utf8)
            KuzzleRequestWriter.appendDecimal(room, to: &buffer)
        }, requestID: requestID)
        inFlightByConnection[id] += 1
        sent += 1
        pool.sendText(id, buffer)
    }
}

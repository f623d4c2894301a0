/// `fanout` against nats-server: the shape of ``FanoutScenario`` (S subscribers over R subjects, P publishers,
/// a rate or a window) in the NATS text protocol over the same WebSocket client.
///
/// Each `PUB` is followed by a `PING`; its `PONG` plays the part of Herald's upsert answer (the server
/// answers in order, so it means the publish was processed), which keeps the window and the loss count
/// identical in meaning. Subscriptions are confirmed the same way (`SUB` then `PING`).
public final class NatsFanoutScenario: ConnectionPoolDelegate {
    private enum Role {
        case subscriber(room: Int)
        case publisher
    }

    private let configuration: FanoutScenario.Configuration
    private let payloadBytes: Int
    private let subjects: [[UInt8]]
    private var ramp = ConnectionRamp(target: 0, concurrency: 1)
    private var roles: [Role] = []
    private var opened: [Bool] = []
    private var parsers: [NatsProtocolParser] = []
    private var publisherIDs: [Int] = []
    /// Per publisher, the rooms of the publishes not acknowledged yet, oldest first from `pendingHead`.
    private var pendingRooms: [[Int]] = []
    private var pendingHead: [Int] = []
    private var subscribedPerRoom: [Int]
    private var subscribeAnswers = 0
    private var failedConnections = 0
    private var lastFailure: String?
    private var buffer: [UInt8] = []
    private var document: [UInt8] = []
    private var sending = false
    private var nextRequest = 0
    private var sent = 0
    private var acknowledged = 0
    private var serverErrors = 0
    private var expected = 0
    private var delivered = 0
    private var messageBytes = 0
    private var unexpected = 0
    private var latency = LatencyRecorder()

    /// The run `configuration` describes (its `url` is the nats-server WebSocket listener), with message
    /// payloads of `payloadBytes` (at least the bytes the timestamp needs).
    public init(_ configuration: FanoutScenario.Configuration, payloadBytes: Int) {
        self.configuration = configuration
        self.payloadBytes = payloadBytes
        subscribedPerRoom = Array(repeating: 0, count: configuration.rooms)
        subjects = (0..<configuration.rooms).map { Array("bench.\($0)".utf8) }
    }

    /// Subscribes, publishes for the configured duration, drains and reports.
    public func run() throws(BenchError) -> BenchReport {
        let pool = try ConnectionPool(url: configuration.url)
        ramp = ConnectionRamp(target: configuration.subscribers, concurrency: configuration.rampConcurrency)
        let rampStart = MonotonicClock.now()
        while !(ramp.isComplete && subscribeAnswers >= pool.openCount) {
            try ramp.fill(pool) { id in addConnection(id, role: .subscriber(room: id % configuration.rooms)) }
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
        // The publishers' CONNECT/PING round trip: wait for it so the window starts empty.
        while publisherIDs.contains(where: { pool.isOpen($0) && inFlight(of: $0) > 0 }) {
            try pool.poll(timeoutMilliseconds: 10, delegate: self)
        }

        sending = true
        var deliveredInWindow = 0
        var sentInWindow = 0
        let window = try MeasuredWindow(
            pool: pool, delegate: self, durationSeconds: configuration.durationSeconds,
            drainSeconds: configuration.drainSeconds, pollMilliseconds: configuration.rate > 0 ? 1 : 5,
            act: { now, start in publish(now: now, start: start, pool: pool) },
            count: { delivered },
            detail: { "sent \(sent)  lost so far \(max(0, expected - delivered))" },
            windowEnded: {
                deliveredInWindow = delivered
                sentInWindow = sent
                sending = false
            },
            outstanding: { acknowledged < sent || delivered < expected })
        let elapsed = window.elapsed
        let cpuSeconds = window.cpuSeconds
        let open = pool.openCount
        pool.closeAll()

        var report = BenchReport(scenario: "fanout", url: "\(configuration.url)", parameters: [
            "server": "nats-server",
            "subscribers": String(configuration.subscribers), "rooms": String(configuration.rooms),
            "publishers": String(configuration.publishers),
            "rate": configuration.rate > 0 ? "\(configuration.rate)/s" : "max (window \(configuration.window))",
            "duration": "\(configuration.durationSeconds) s",
        ])
        report.add("deliveries/s", Double(deliveredInWindow) / elapsed)
        report.add("publishes/s", Double(sentInWindow) / elapsed)
        report.add("client CPU", cpuSeconds / elapsed * 100, unit: "% of one core")
        report.add("deliveries per client CPU second", Double(deliveredInWindow) / max(cpuSeconds, 1e-6))
        report.add("publishes acknowledged", acknowledged)
        report.add("server errors", serverErrors)
        report.add("notifications expected", expected)
        report.add("notifications received", delivered)
        report.add("notifications lost", max(0, expected - delivered))
        report.add("payload bytes", payloadBytes, unit: "B")
        report.add("MSG bytes", delivered == 0 ? 0 : messageBytes / delivered, unit: "B")
        report.add("unexpected frames", unexpected)
        report.add("subscribed", subscribeAnswers)
        report.add("subscribe ramp", rampSeconds, unit: "s")
        report.add("connections failed", failedConnections)
        report.add("connections open at end", open)
        report.latency = latency.summary
        if let lastFailure, failedConnections + serverErrors > 0 {
            StandardError.write("last failure: \(lastFailure)\n")
        }
        return report
    }

    private func inFlight(of id: Int) -> Int { pendingRooms[id].count - pendingHead[id] }

    func connectionDidOpen(_ id: Int, pool: ConnectionPool) {
        opened[id] = true
        ramp.didSettle()
        buffer.removeAll(keepingCapacity: true)
        buffer.append(contentsOf: NatsRequestWriter.connect)
        switch roles[id] {
        case .subscriber(let room):
            NatsRequestWriter.appendSubscribe(subject: "bench.\(room)", sid: 1, to: &buffer)
        case .publisher:
            pendingRooms[id].append(-1)
        }
        buffer.append(contentsOf: NatsRequestWriter.ping)
        pool.sendText(id, buffer)
    }

    func connection(_ id: Int, didReceive payload: UnsafeRawBufferPointer, pool: ConnectionPool) {
        do throws(NatsProtocolError) {
            try parsers[id].receive(payload) { operation in handle(operation, on: id, pool: pool) }
        } catch {
            serverErrors += 1
            lastFailure = "\(error)"
        }
    }

    private func handle(_ operation: NatsServerOperation, on id: Int, pool: ConnectionPool) {
        switch (operation, roles[id]) {
        case (.message(_, let payload), .subscriber(let room)):
            if let sentAt = KuzzleFrameScanner.integer(KuzzleFrameScanner.timestamp, in: payload) {
                delivered += 1
                messageBytes += payload.count + messageOverhead(payload.count, room: room)
                latency.record(nanoseconds: MonotonicClock.now() &- UInt64(truncatingIfNeeded: sentAt))
            } else {
                unexpected += 1
            }
        case (.pong, .subscriber(let room)):
            subscribeAnswers += 1
            subscribedPerRoom[room] += 1
        case (.pong, .publisher):
            guard inFlight(of: id) > 0 else {
                unexpected += 1
                return
            }
            let room = pendingRooms[id][pendingHead[id]]
            pendingHead[id] += 1
            if pendingHead[id] == pendingRooms[id].count {
                pendingRooms[id].removeAll(keepingCapacity: true)
                pendingHead[id] = 0
            }
            guard room >= 0 else { return }
            acknowledged += 1
            expected += subscribedPerRoom[room]
            if sending && configuration.rate == 0 { sendPublish(id, pool: pool) }
        case (.ping, _):
            pool.sendText(id, NatsRequestWriter.pong)
        case (.error(let text), _):
            serverErrors += 1
            lastFailure = "-ERR \(text)"
        case (.info, _), (.ok, _):
            return
        case (.message, .publisher):
            unexpected += 1
        }
    }

    /// Bytes of `MSG bench.<room> 1 <size>\r\n` and the closing `\r\n` around a payload of `size` bytes.
    private func messageOverhead(_ size: Int, room: Int) -> Int {
        var digits = 1
        var rest = size
        while rest >= 10 {
            rest /= 10
            digits += 1
        }
        return "MSG  1 \r\n\r\n".utf8.count + subjects[room].count + digits
    }

    func connectionDidClose(_ id: Int, reason: String, pool: ConnectionPool) {
        failedConnections += 1
        lastFailure = reason
        if !opened[id] { ramp.didSettle() }
        if case .subscriber(let room) = roles[id], opened[id] {
            subscribedPerRoom[room] = max(0, subscribedPerRoom[room] - 1)
        }
        if case .publisher = roles[id] {
            acknowledged += pendingRooms[id][pendingHead[id]...].filter { $0 >= 0 }.count
            pendingRooms[id].removeAll()
            pendingHead[id] = 0
        }
    }

    private func addConnection(_ id: Int, role: Role) {
        precondition(id == roles.count, "connection ids are dense")
        roles.append(role)
        opened.append(false)
        parsers.append(NatsProtocolParser())
        pendingRooms.append([])
        pendingHead.append(0)
    }

    /// Sends what is due: the whole window at maximum rate (refilled on each PONG), else the paced count.
    private func publish(now: UInt64, start: UInt64, pool: ConnectionPool) {
        if configuration.rate == 0 {
            for id in publisherIDs where pool.isOpen(id) {
                while inFlight(of: id) < configuration.window { sendPublish(id, pool: pool) }
            }
            return
        }
        let due = Int(Double(now - start) * configuration.rate / 1e9) - sent
        guard due > 0 else { return }
        let live = publisherIDs.filter { pool.isOpen($0) }
        guard !live.isEmpty else { return }
        let first = sent
        for index in 0..<due { sendPublish(live[(first + index) % live.count], pool: pool) }
    }

    private func sendPublish(_ id: Int, pool: ConnectionPool) {
        let room = nextRequest % configuration.rooms
        nextRequest += 1
        document.removeAll(keepingCapacity: true)
        NatsRequestWriter.appendTimestampedDocument(sentAt: MonotonicClock.now(), room: room, size: payloadBytes, to: &document)
        buffer.removeAll(keepingCapacity: true)
        NatsRequestWriter.appendPublish(subject: subjects[room], payload: document, to: &buffer)
        buffer.append(contentsOf: NatsRequestWriter.ping)
        pendingRooms[id].append(room)
        sent += 1
        pool.sendText(id, buffer)
    }
}

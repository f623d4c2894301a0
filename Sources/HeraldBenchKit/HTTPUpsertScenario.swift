import Glibc

/// `http-upsert`: C keep-alive HTTP/1.1 connections, each sending `POST
/// /<index>/<collection>/<id>/_upsert` and the next one when the answer is in (or W requests in
/// flight with `window` > 1: Herald refuses a pipelined request with a body and closes the
/// connection, so a window above 1 measures that refusal). Measures throughput and latency.
///
/// Single-threaded: one epoll loop drives every connection.
public final class HTTPUpsertScenario {
    /// What to run.
    public struct Configuration: Sendable {
        public var url: WebSocketURL
        public var index: String
        public var collection: String
        public var durationSeconds: Double
        public var connections: Int
        public var window: Int
        public var payloadBytes: Int

        public init(url: WebSocketURL, index: String, collection: String, durationSeconds: Double, connections: Int,
                    window: Int, payloadBytes: Int) {
            self.url = url
            self.index = index
            self.collection = collection
            self.durationSeconds = durationSeconds
            self.connections = connections
            self.window = window
            self.payloadBytes = payloadBytes
        }
    }

    private struct Connection {
        let socket: TCPSocket
        var pendingOut: [UInt8] = []
        var received: [UInt8] = []
        /// Send times of the requests in flight, oldest first (answers come in order).
        var sent: [UInt64] = []
        var sequence = 0
        var open = true
    }

    private let configuration: Configuration
    private let padding: String
    private var connections: [Connection] = []
    private let loop: EventLoop
    private var latency = LatencyRecorder()
    private var completed = 0
    private var errors = 0
    private var closedByServer = 0
    private var sending = true
    private var readBuffer = [UInt8](repeating: 0, count: 65_536)

    public init(_ configuration: Configuration) throws(BenchError) {
        self.configuration = configuration
        padding = String(repeating: "x", count: configuration.payloadBytes)
        loop = try EventLoop()
    }

    public func run() throws(BenchError) -> BenchReport {
        try CollectionSetup(index: configuration.index, collection: configuration.collection).run(url: configuration.url)
        let address = try SocketAddress.resolve(host: configuration.url.host, port: configuration.url.port)
        for id in 0..<configuration.connections {
            let socket = try TCPSocket.connect(to: address)
            connections.append(Connection(socket: socket))
            try loop.add(socket.fd, token: UInt64(id), interest: EventLoop.readableAndWritable)
            for _ in 0..<configuration.window { enqueue(id) }
        }
        let cpuStart = ProcessCPUTime.seconds()
        let start = MonotonicClock.now()
        let end = start + UInt64(configuration.durationSeconds * 1e9)
        var progress = ProgressLine(start: start)
        var now = start
        var completedInWindow = 0
        while now < end {
            try loop.wait(timeoutMilliseconds: 1) { readiness in service(readiness) }
            now = MonotonicClock.now()
            completedInWindow = completed
            progress.update(now: now, count: completed, label: "req", detail: "errors \(errors)")
        }
        let elapsed = Double(now - start) / 1e9
        let cpuSeconds = ProcessCPUTime.seconds() - cpuStart
        sending = false
        let drainEnd = MonotonicClock.now() + 5_000_000_000
        while connections.contains(where: { $0.open && !$0.sent.isEmpty }) && MonotonicClock.now() < drainEnd {
            try loop.wait(timeoutMilliseconds: 10) { readiness in service(readiness) }
        }
        progress.finish()
        let unanswered = connections.reduce(0) { $0 + $1.sent.count }
        let open = connections.filter(\.open).count
        for connection in connections where connection.open { connection.socket.close() }

        var report = BenchReport(scenario: "http-upsert", url: "\(configuration.url)", parameters: [
            "connections": String(configuration.connections), "window": String(configuration.window),
            "payload bytes": String(configuration.payloadBytes), "duration": "\(configuration.durationSeconds) s",
        ])
        report.add("requests/s", Double(completedInWindow) / elapsed)
        report.add("client CPU", cpuSeconds / elapsed * 100, unit: "% of one core")
        report.add("requests completed", completed)
        report.add("errors", errors)
        report.add("unanswered", unanswered)
        report.add("connections closed by the server", closedByServer)
        report.add("connections open at end", open)
        report.latency = latency.summary
        return report
    }

    private func service(_ readiness: EventLoop.Readiness) {
        let id = Int(readiness.token)
        guard connections[id].open else { return }
        if readiness.isReadable { read(id) }
        if connections[id].open, readiness.isWritable || !connections[id].pendingOut.isEmpty { flush(id) }
    }

    private func enqueue(_ id: Int) {
        let number = connections[id].sequence
        connections[id].sequence += 1
        let now = MonotonicClock.now()
        let body = "{\"changes\":{\"t\":\(now),\"pad\":\"\(padding)\"}}"
        let request = "POST /\(configuration.index)/\(configuration.collection)/h\(id)-\(number)/_upsert HTTP/1.1\r\n"
            + "Host: \(configuration.url.host)\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(body.utf8.count)\r\n\r\n" + body
        connections[id].pendingOut.append(contentsOf: request.utf8)
        connections[id].sent.append(now)
    }

    private func flush(_ id: Int) {
        while !connections[id].pendingOut.isEmpty {
            let result = connections[id].pendingOut.withUnsafeBytes { connections[id].socket.write($0) }
            switch result {
            case .success(0): return
            case .success(let count): connections[id].pendingOut.removeFirst(count)
            case .failure: drop(id)
                return
            }
        }
        try? loop.modify(connections[id].socket.fd, token: UInt64(id), interest: EventLoop.readable)
    }

    private func read(_ id: Int) {
        while true {
            let result = readBuffer.withUnsafeMutableBytes { connections[id].socket.read(into: $0) }
            switch result {
            case .bytes(let count):
                connections[id].received.append(contentsOf: readBuffer[0..<count])
            case .wouldBlock:
                consumeAnswers(id)
                return
            case .endOfStream, .failed:
                consumeAnswers(id)
                closedByServer += 1
                drop(id)
                return
            }
        }
    }

    /// Takes the complete answers off the front of the received bytes.
    private func consumeAnswers(_ id: Int) {
        var answered = 0
        while let answer = Self.nextAnswer(in: connections[id].received) {
            connections[id].received.removeFirst(answer.length)
            guard !connections[id].sent.isEmpty else { break }
            latency.record(nanoseconds: MonotonicClock.now() &- connections[id].sent.removeFirst())
            completed += 1
            if answer.status != 200 { errors += 1 }
            answered += 1
        }
        guard sending, answered > 0 else { return }
        for _ in 0..<answered { enqueue(id) }
        flush(id)
        if !connections[id].pendingOut.isEmpty {
            try? loop.modify(connections[id].socket.fd, token: UInt64(id), interest: EventLoop.readableAndWritable)
        }
    }

    private func drop(_ id: Int) {
        connections[id].open = false
        loop.remove(connections[id].socket.fd)
        connections[id].socket.close()
    }

    /// The status and total length of the first complete Content-Length answer in `bytes`.
    static func nextAnswer(in bytes: [UInt8]) -> (status: Int, length: Int)? {
        guard bytes.count >= 16 else { return nil }
        var headerEnd: Int?
        var index = 3
        while index < bytes.count {
            if bytes[index] == 10, bytes[index - 1] == 13, bytes[index - 2] == 10, bytes[index - 3] == 13 {
                headerEnd = index + 1
                break
            }
            index += 1
        }
        guard let headerEnd else { return nil }
        let head = String(decoding: bytes[0..<headerEnd], as: UTF8.self).lowercased()
        let status = Int(head.split(separator: " ").dropFirst().first ?? "") ?? 0
        guard let line = head.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
              let length = Int(line.dropFirst("content-length:".count).filter(\.isNumber)),
              headerEnd + length <= bytes.count else { return nil }
        return (status, headerEnd + length)
    }
}

import CHiredis
import Glibc

/// An asynchronous Redis client on a libev loop the caller runs (hiredis with its libev adapter):
/// commands are pipelined and answered in the order they were sent.
///
/// The client logs in (`AUTH`, `SELECT`) on every connection, reconnects with a growing delay when
/// the connection is lost or cannot be made, and drops a connection whose oldest command has waited
/// more than ``Configuration/commandTimeout`` (so a hung Redis fails commands instead of stalling
/// them). While it is not connected, ``send(_:completion:)`` fails at once with
/// ``RedisClientError/notConnected``.
///
/// Concurrency: single-threaded; every method, and every callback, runs on the thread that runs
/// the loop.
public final class RedisClient {
    /// Timings of the connection's life.
    public struct Configuration: Sendable {
        /// First delay before reconnecting; doubled after each failed attempt.
        public var initialReconnectDelay: Double = 0.05
        /// Longest delay between two attempts.
        public var maximumReconnectDelay: Double = 1.0
        /// A connection whose oldest command waits longer than this (seconds) is dropped.
        public var commandTimeout: Double = 3.0

        public init() {}
    }

    /// Where the client is in its connection's life.
    public enum State: Equatable, Sendable {
        /// Not started, or closed.
        case idle
        /// Connecting or logging in.
        case connecting
        /// Logged in: commands are sent.
        case ready
        /// Waiting to try again after a failure.
        case waiting
    }

    public let url: RedisURL
    public let configuration: Configuration
    public private(set) var state: State = .idle
    /// Called each time a connection is ready (logged in, database selected).
    public var onReady: (() -> Void)?
    /// Called each time a connection ends or cannot be made, with the reason.
    public var onDisconnect: ((String) -> Void)?

    private let loop: OpaquePointer
    private var context: UnsafeMutablePointer<redisAsyncContext>?
    private let reconnectTimer = UnsafeMutablePointer<ev_timer>.allocate(capacity: 1)
    private let watchdogTimer = UnsafeMutablePointer<ev_timer>.allocate(capacity: 1)
    private var reconnectDelay: Double
    /// When each command still waiting for its reply was sent (monotonic seconds), oldest first.
    private var sentAt: [Double] = []
    private var sentHead = 0
    /// Why the current connection is being dropped, when the client drops it itself.
    private var dropReason: String?
    private var started = false

    /// - Parameter loop: the libev loop that will drive the connection (`struct ev_loop *`).
    public init(url: RedisURL, loop: OpaquePointer, configuration: Configuration = Configuration()) {
        self.url = url
        self.loop = loop
        self.configuration = configuration
        self.reconnectDelay = configuration.initialReconnectDelay
        reconnectTimer.initialize(to: ev_timer())
        watchdogTimer.initialize(to: ev_timer())
    }

    deinit {
        close()
        reconnectTimer.deallocate()
        watchdogTimer.deallocate()
    }

    /// Connects (and keeps reconnecting until ``close()``).
    public func start() {
        guard !started else { return }
        started = true
        let me = Unmanaged.passUnretained(self).toOpaque()
        let period = min(0.25, configuration.commandTimeout / 4)
        herald_redis_start_timer(loop, watchdogTimer, period, period, heraldRedisWatchdog, me)
        connect()
    }

    /// Closes the connection for good: commands waiting for a reply fail with ``RedisClientError/closed``.
    public func close() {
        guard started else { return }
        started = false
        herald_redis_stop_timer(loop, reconnectTimer)
        herald_redis_stop_timer(loop, watchdogTimer)
        dropReason = "closed"
        if let context {
            self.context = nil
            context.pointee.data = nil
            redisAsyncFree(context)
        }
        sentAt.removeAll()
        sentHead = 0
        state = .idle
    }

    /// Commands sent and not answered yet.
    public var waitingCount: Int { sentAt.count - sentHead }

    /// Sends one command (pipelined behind the ones before it); `completion` gets its reply, or why
    /// there is none. Fails at once, before returning, when the client is not ``State/ready``.
    public func send(_ arguments: [String], completion: @escaping (Result<RedisReply, RedisClientError>) -> Void) {
        guard state == .ready, let context else {
            completion(.failure(started ? .notConnected : .closed))
            return
        }
        enqueue(arguments, on: context, completion: completion)
    }

    // MARK: - Connection life

    private func connect() {
        state = .connecting
        dropReason = nil
        guard let created = redisAsyncConnect(url.host, Int32(url.port)) else {
            connectionEnded("cannot allocate a Redis context")
            return
        }
        if created.pointee.err != 0 {
            let reason = String(cString: herald_redis_error_text(created))
            redisAsyncFree(created)
            connectionEnded(reason)
            return
        }
        created.pointee.data = Unmanaged.passUnretained(self).toOpaque()
        _ = herald_redis_attach(loop, created)
        _ = redisAsyncSetConnectCallback(created, heraldRedisConnected)
        _ = redisAsyncSetDisconnectCallback(created, heraldRedisDisconnected)
        context = created
        logIn(on: created)
    }

    /// `AUTH` and `SELECT` go first on the wire (hiredis queues them until the socket connects);
    /// the connection is ready once the last of them succeeds.
    private func logIn(on context: UnsafeMutablePointer<redisAsyncContext>) {
        var steps: [[String]] = []
        if let password = url.password { steps.append(["AUTH", password]) }
        if url.database != 0 { steps.append(["SELECT", String(url.database)]) }
        if steps.isEmpty { steps.append(["PING"]) }
        for (position, step) in steps.enumerated() {
            let isLast = position == steps.count - 1
            enqueue(step, on: context) { [weak self] result in
                guard let self, self.context == context else { return }
                switch result {
                case .success(.error(let message)):
                    self.drop("\(step[0]) refused: \(message)")
                case .success:
                    if isLast { self.becameReady() }
                case .failure:
                    break // the connection ended; connectionEnded handles it
                }
            }
        }
    }

    private func becameReady() {
        state = .ready
        reconnectDelay = configuration.initialReconnectDelay
        onReady?()
    }

    /// Drops the current connection: its waiting commands fail, and the client reconnects.
    private func drop(_ reason: String) {
        guard let context else { return }
        dropReason = reason
        // hiredis calls the disconnect callback only for a connection that was made: detach it
        // and end the connection here. Inside a reply callback hiredis defers the free.
        context.pointee.data = nil
        redisAsyncFree(context)
        connectionEnded(reason)
    }

    /// hiredis reported that the connection could not be made or ended.
    fileprivate func connectionEnded(_ reason: String) {
        context = nil
        sentAt.removeAll(keepingCapacity: true)
        sentHead = 0
        guard started else { return }
        state = .waiting
        onDisconnect?(reason)
        let me = Unmanaged.passUnretained(self).toOpaque()
        herald_redis_start_timer(loop, reconnectTimer, reconnectDelay, 0, heraldRedisReconnect, me)
        reconnectDelay = min(reconnectDelay * 2, configuration.maximumReconnectDelay)
    }

    fileprivate func reason(of context: UnsafePointer<redisAsyncContext>) -> String {
        if let dropReason { return dropReason }
        let text = String(cString: herald_redis_error_text(context))
        return text.isEmpty ? "connection closed by Redis" : text
    }

    fileprivate func reconnectNow() {
        guard started, context == nil else { return }
        connect()
    }

    fileprivate func checkTimeout() {
        guard sentHead < sentAt.count else { return }
        if Self.now() - sentAt[sentHead] > configuration.commandTimeout {
            drop("no reply from Redis within \(configuration.commandTimeout) s")
        }
    }

    // MARK: - Commands

    private func enqueue(
        _ arguments: [String], on context: UnsafeMutablePointer<redisAsyncContext>,
        completion: @escaping (Result<RedisReply, RedisClientError>) -> Void
    ) {
        let pending = PendingCommand(client: self, completion: completion)
        let box = Unmanaged.passRetained(pending).toOpaque()
        var bytes: [UInt8] = []
        var lengths: [Int] = []
        for argument in arguments {
            lengths.append(argument.utf8.count)
            bytes.append(contentsOf: argument.utf8)
        }
        let status: Int32 = bytes.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!)
            var offset = 0
            var pointers: [UnsafePointer<CChar>?] = []
            pointers.reserveCapacity(lengths.count)
            for length in lengths {
                pointers.append((base + offset).assumingMemoryBound(to: CChar.self))
                offset += length
            }
            return pointers.withUnsafeMutableBufferPointer { argv in
                lengths.withUnsafeBufferPointer { argvlen in
                    redisAsyncCommandArgv(context, heraldRedisReplied, box, Int32(lengths.count), argv.baseAddress,
                                          argvlen.baseAddress)
                }
            }
        }
        if status != herald_redis_ok {
            Unmanaged<PendingCommand>.fromOpaque(box).release()
            completion(.failure(.notConnected))
            return
        }
        sentAt.append(Self.now())
    }

    fileprivate func replied() {
        guard sentHead < sentAt.count else { return }
        sentHead += 1
        if sentHead == sentAt.count {
            sentAt.removeAll(keepingCapacity: true)
            sentHead = 0
        } else if sentHead > 4096 {
            sentAt.removeFirst(sentHead)
            sentHead = 0
        }
    }

    fileprivate var failureForLostReply: RedisClientError {
        started ? .connectionLost(dropReason ?? "connection closed") : .closed
    }

    private static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}

/// A command waiting for its reply: the box handed to hiredis as the callback's private data.
private final class PendingCommand {
    weak var client: RedisClient?
    let completion: (Result<RedisReply, RedisClientError>) -> Void

    init(client: RedisClient, completion: @escaping (Result<RedisReply, RedisClientError>) -> Void) {
        self.client = client
        self.completion = completion
    }
}

private func heraldRedisReplied(_ context: UnsafeMutablePointer<redisAsyncContext>?, _ reply: UnsafeMutableRawPointer?,
                                _ data: UnsafeMutableRawPointer?) {
    guard let data else { return }
    let pending = Unmanaged<PendingCommand>.fromOpaque(data).takeRetainedValue()
    if let reply {
        pending.client?.replied()
        pending.completion(.success(RedisReply(reply.assumingMemoryBound(to: redisReply.self))))
    } else {
        pending.completion(.failure(pending.client?.failureForLostReply ?? .closed))
    }
}

private func client(of context: UnsafePointer<redisAsyncContext>?) -> RedisClient? {
    guard let data = context?.pointee.data else { return nil }
    return Unmanaged<RedisClient>.fromOpaque(data).takeUnretainedValue()
}

private func heraldRedisConnected(_ context: UnsafePointer<redisAsyncContext>?, _ status: Int32) {
    guard status != herald_redis_ok, let context, let owner = client(of: context) else { return }
    owner.connectionEnded(owner.reason(of: context))
}

private func heraldRedisDisconnected(_ context: UnsafePointer<redisAsyncContext>?, _ status: Int32) {
    guard let context, let owner = client(of: context) else { return }
    owner.connectionEnded(owner.reason(of: context))
}

private func heraldRedisReconnect(_ loop: OpaquePointer?, _ timer: UnsafeMutablePointer<ev_timer>?, _ events: Int32) {
    guard let timer, let data = herald_redis_timer_data(timer) else { return }
    Unmanaged<RedisClient>.fromOpaque(data).takeUnretainedValue().reconnectNow()
}

private func heraldRedisWatchdog(_ loop: OpaquePointer?, _ timer: UnsafeMutablePointer<ev_timer>?, _ events: Int32) {
    guard let timer, let data = herald_redis_timer_data(timer) else { return }
    Unmanaged<RedisClient>.fromOpaque(data).takeUnretainedValue().checkTimeout()
}

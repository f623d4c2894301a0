import CLibWebSockets
import Glibc
public import Logging

/// A WebSocket and plain-HTTP server on one libwebsockets context, run on the libev event loop:
/// the thin adapter that feeds socket events to each connection's ``ConnectionMachine`` and
/// performs the actions it returns.
///
/// Concurrency: every method except ``control`` must be called on the service thread, the one
/// that calls ``start()`` and ``run()``; the delegate is called on that thread too (checked in
/// debug builds, see ``ServiceThread``). Other threads use ``control`` only.
public final class WebSocketServer {
    public let configuration: WebSocketServerConfiguration
    /// The thread-safe handle for other threads (shutdown, scheduled jobs).
    public let control = ServerControl()
    /// Counters for monitoring, as of now.
    public var metrics: TransportMetrics { counters }
    /// The live counters (internal, so whole-module optimization sees every access).
    var counters = TransportMetrics()
    /// Receives connection events and messages; set before ``start()``.
    public weak var delegate: (any WebSocketServerDelegate)?
    /// The plain-HTTP exchanges in progress (see ``httpHandler``).
    let http: HTTPExchanges

    let logger: Logger
    let rules: ConnectionRules
    let budget: OutboundBudget
    /// Checks, in debug builds, that a caller runs on the service thread.
    public let serviceThread = ServiceThread()
    private var context: OpaquePointer?
    /// The listening socket, once started.
    var listener: Listener?
    let watchers: LoopWatchers
    /// Connections with messages queued during the current loop pass.
    private var pendingFlush: [ClientConnection] = []
    /// When the last loop pass ended (the loop then waited for events), the complete messages read
    /// in the pass under way, and whether its first one came after a wait of at least
    /// ``idleWakeNanoseconds``: the case ``send(_:to:)`` writes through.
    private var passEndedAt: UInt64 = 0
    private var messagesThisPass = 0
    private var wokeFromIdle = false
    /// The wait before a message that makes the loop count as idle when it arrived.
    static let idleWakeNanoseconds: UInt64 = 200_000
    /// Connections being cut by the server, dropped if their close frame cannot be sent in time.
    var closing: [ClientConnection] = []
    /// Connections whose reading is paused because their outbound queue is backlogged.
    private var pausedReaders: [ClientConnection] = []
    var connections: [ConnectionNumber: ClientConnection] = [:]
    var nextNumber: ConnectionNumber = 1
    var shuttingDown = false
    /// Outbound bytes queued across every connection (for the server-wide budget).
    private(set) var totalOutboundBytes = 0
    let resources: ContextResources
    let gate: HandshakeGate
    private var writeBuffer: WriteBuffer

    public init(configuration: WebSocketServerConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.rules = ConnectionRules(configuration)
        self.budget = OutboundBudget(maxTotalBytes: configuration.limits.maxTotalOutboundBytes)
        self.resources = ContextResources(configuration: configuration)
        self.gate = HandshakeGate(
            maxConnections: configuration.limits.maxConnections, allowedOrigins: configuration.allowedOrigins)
        self.writeBuffer = WriteBuffer(capacity: configuration.maxBytesPerWrite)
        self.http = HTTPExchanges(
            maxBodyBytes: configuration.maxMessageBytes, bodyTimeoutSeconds: configuration.httpBodyTimeoutSeconds)
        self.watchers = LoopWatchers()
    }

    deinit {
        if let context { lws_context_destroy(context) }
        watchers.release()
        resources.release()
        writeBuffer.release()
    }

    /// The libev loop (`struct ev_loop *`) the server runs on, for other watchers of the service
    /// thread (the Redis connections of cluster mode); use it on the service thread only.
    public var eventLoop: OpaquePointer { watchers.loop }

    /// The port the listener is bound to (useful with port 0).
    public private(set) var boundPort = 0

    /// Number of open WebSocket connections.
    public var connectionCount: Int { connections.count }

    /// Payload bytes queued for every connection, not yet handed to the socket.
    public var outboundQueueBytes: Int { totalOutboundBytes }

    /// Creates the context and binds the listening socket; the calling thread becomes the service thread.
    public func start() throws(StartError) {
        precondition(context == nil, "start() called twice")
        serviceThread.claim()
        lws_set_log_level(LLL_ERR | LLL_WARN, nil)
        var info = lws_context_creation_info()
        listener = try Listener(host: configuration.host, port: configuration.port, shared: configuration.sharesPort)
        info.port = CONTEXT_PORT_NO_LISTEN_SERVER
        info.protocols = UnsafePointer(resources.protocols)
        info.pt_serv_buf_size = 64 * 1024
        info.ssl_cert_filepath = UnsafePointer(resources.certificatePath)
        info.ssl_private_key_filepath = UnsafePointer(resources.privateKeyPath)
        info.count_threads = 1
        info.user = Unmanaged.passUnretained(self).toOpaque()
        info.foreign_loops = watchers.foreignLoops
        // Text messages are checked for UTF-8 by the connection machine, eight ASCII bytes at a time.
        var options = UInt64(LWS_SERVER_OPTION_LIBEV)
        if !configuration.host.contains(":") { options |= UInt64(LWS_SERVER_OPTION_DISABLE_IPV6) }
        if configuration.tls != nil { options |= UInt64(LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT) }
        info.options = options
        guard let created = lws_create_context(&info) else {
            listener = nil
            throw StartError(description: "cannot start the server on \(configuration.host):\(configuration.port): libwebsockets refused its settings (TLS files?)")
        }
        context = created
        watchers.start(owner: Unmanaged.passUnretained(self).toOpaque())
        listener?.start(loop: watchers.loop)
        boundPort = listener?.port ?? configuration.port
        control.attach(context: created)
    }

    /// Runs the event loop until a shutdown completes, then destroys the context.
    ///
    /// A shutdown closes every connection with 1001 and ends when they are all gone, or after
    /// ``WebSocketServerConfiguration/shutdownGraceSeconds`` at most.
    public func run() {
        guard let context else { return }
        serviceThread.check()
        ev_run(watchers.loop, 0)
        listener?.stop()
        watchers.stop()
        control.detach()
        lws_context_destroy(context)
        self.context = nil
    }

    /// The listener has connections pending.
    func acceptConnections() {
        guard let context, !shuttingDown, let listener else { return }
        switch listener.acceptPending(into: context) {
        case nil:
            break
        case EMFILE, ENFILE:
            logger.warning("out of file descriptors: not accepting connections for a second")
        case let failure?:
            logger.warning("cannot accept connections: not accepting for a second",
                           metadata: ["reason": "\(String(cString: strerror(failure)))"])
        }
    }

    func stopLoop() {
        ev_break(watchers.loop, Int32(EVBREAK_ALL))
    }

    /// Queues a complete text message for a connection. Unknown or closing connections are ignored.
    ///
    /// While the loop serves the one message that arrived after it waited idle, what is queued is
    /// written at once: a lone request's notifications leave one by one, the first before the
    /// next is even queued, and its answer as soon as it is encoded. When messages come back to
    /// back, the writes of a pass are merged into one per connection at its end.
    public func send(_ message: [UInt8], to number: ConnectionNumber) {
        serviceThread.check()
        guard let connection = connections[number], connection.machine.acceptsMessages else {
            counters.messagesDropped &+= 1
            return
        }
        counters.messagesQueued &+= 1
        let actions = update(connection) { $0.enqueue(message, rules: rules, now: MonotonicClock.nanoseconds()) }
        perform(actions, on: connection)
        // The end of the pass then finds nothing left to write for it.
        if wokeFromIdle && messagesThisPass == 1 { flush(connection) }
    }

    /// Closes a connection with a status code once its pending writes turn.
    public func close(_ number: ConnectionNumber, status: UInt16, reason: String) {
        serviceThread.check()
        guard let connection = connections[number] else { return }
        perform(update(connection) { $0.close(status: status, reason: reason) }, on: connection)
    }

    /// The prepare watcher, once per loop pass before the loop blocks: the delegate's end of pass,
    /// the merged flush, the server-wide budget, then paused readers whose queue drained.
    func endOfLoopPass() {
        delegate?.endOfLoopPass()
        flushPendingWrites()
        enforceOutboundBudget()
        resumeDrainedReaders()
        messagesThisPass = 0
        wokeFromIdle = false
        passEndedAt = MonotonicClock.nanoseconds()
    }

    /// A complete message was read at `now` (for the write-through of ``send(_:to:)``).
    func countMessage(now: UInt64) {
        if messagesThisPass == 0 { wokeFromIdle = now &- passEndedAt >= Self.idleWakeNanoseconds }
        messagesThisPass &+= 1
    }

    /// Writes what every connection queued during this loop pass, merging its messages into as few
    /// socket writes as possible. A connection whose socket does not take everything is left to
    /// `LWS_CALLBACK_SERVER_WRITEABLE`.
    private func flushPendingWrites() {
        guard !pendingFlush.isEmpty else { return }
        let flushed = pendingFlush
        pendingFlush.removeAll(keepingCapacity: true)
        for connection in flushed { flush(connection) }
    }

    /// Writes what a connection has queued, unless it waits for its socket or is closing.
    private func flush(_ connection: ClientConnection) {
        guard connection.isOpen, connection.machine.beginFlush() else { return }
        while !connection.machine.outbound.isEmpty {
            if lws_partial_buffered(connection.wsi) != 0 {
                perform(connection.machine.socketBusy(), on: connection)
                return
            }
            if !writeBatch(to: connection) {
                perform(update(connection) { $0.writeFailed() }, on: connection)
                return
            }
        }
    }

    /// Cuts the connections with the largest queues while the total is over the budget.
    private func enforceOutboundBudget() {
        guard budget.isExceeded(byTotal: totalOutboundBytes) else { return }
        let queues = connections.values.map { (connection: $0.number, bytes: $0.machine.outbound.byteCount) }
        let now = MonotonicClock.nanoseconds()
        for number in budget.connectionsToCut(totalBytes: totalOutboundBytes, queues: queues) {
            guard let connection = connections[number] else { continue }
            perform(update(connection) { $0.cutForBudget(rules: rules, now: now) }, on: connection)
        }
    }

    /// Reads again from paused connections whose queue drained below half the threshold.
    private func resumeDrainedReaders() {
        guard !pausedReaders.isEmpty else { return }
        pausedReaders.removeAll { connection in
            guard connection.isOpen else { return true }
            let actions = connection.machine.resumeIfDrained(rules: rules)
            perform(actions, on: connection)
            return !actions.isEmpty
        }
    }

    /// `LWS_CALLBACK_SERVER_WRITEABLE`: the next batch, or the close frame; -1 ends the connection.
    func writable(_ connection: ClientConnection) -> Int32 {
        switch connection.machine.writable() {
        case .idle:
            return 0
        case .write:
            if !writeBatch(to: connection) { return -1 }
            perform(connection.machine.wrote(), on: connection)
            return 0
        case .close(let status, let reason):
            LWSCalls.setCloseReason(connection.wsi, status: status, reason: reason)
            return -1
        }
    }

    /// Sends the next batch of queued messages in one raw write; `false` when the write failed.
    private func writeBatch(to connection: ClientConnection) -> Bool {
        let batch = writeBuffer.fill(
            from: connection.machine.outbound, maxFrames: configuration.maxFramesPerWrite,
            maxBytes: configuration.maxBytesPerWrite)
        update(connection) { $0.removeWritten(batch.frames) }
        counters.socketWrites &+= 1
        counters.bytesWritten &+= batch.bytes
        return lws_write(connection.wsi, batch.start, batch.bytes, herald_lws_write_raw) >= 0
    }

    /// Runs one machine event, keeping the server-wide queued byte count in step.
    func update<Result>(_ connection: ClientConnection, _ event: (inout ConnectionMachine) -> Result) -> Result {
        let before = connection.machine.outbound.byteCount
        let result = event(&connection.machine)
        totalOutboundBytes += connection.machine.outbound.byteCount - before
        return result
    }

    /// Performs what a machine event asked for.
    func perform(_ actions: ConnectionActions, on connection: ClientConnection) {
        counters.messagesDropped &+= actions.discardedMessages
        if let cut = actions.cut { record(cut, on: connection) }
        for action in actions {
            switch action {
            case .scheduleFlush:
                pendingFlush.append(connection)
            case .requestWritable:
                lws_callback_on_writable(connection.wsi)
            case .pauseReading:
                pausedReaders.append(connection)
                lws_rx_flow_control(connection.wsi, 0)
            case .resumeReading:
                lws_rx_flow_control(connection.wsi, 1)
            case .drop:
                logger.debug("dropping a connection that did not take its close frame",
                             metadata: ["connection": "\(connection.number)"])
                herald_abort_socket(lws_get_socket_fd(connection.wsi))
            }
        }
    }

    private func record(_ cut: ConnectionCut, on connection: ClientConnection) {
        let metadata: Logger.Metadata = ["connection": "\(connection.number)"]
        switch cut {
        case .slowConsumer, .outboundBudget:
            logger.warning(cut == .slowConsumer ? "closing slow consumer" : "closing slow consumer: outbound budget",
                           metadata: metadata)
            counters.slowConsumerDisconnects += 1
            closing.append(connection)
        case .idle:
            logger.debug("closing idle connection", metadata: metadata)
            counters.idleDisconnects += 1
            closing.append(connection)
        case .messageTooLarge:
            logger.notice("closing connection: message too large", metadata: metadata)
            counters.oversizedMessageDisconnects += 1
        }
    }

    /// Once a second: watches again a listener paused for lack of descriptors, closes idle
    /// connections (messages are tracked by the machine; control frames, the SDK's pings, only show
    /// in the kernel's last-receive time, read for those that look idle), drops the cut connections
    /// whose close frame is overdue, then tells the delegate.
    func sweep() {
        listener?.resume()
        sweepConnections()
        delegate?.secondElapsed()
    }

    private func sweepConnections() {
        let now = MonotonicClock.nanoseconds()
        http.dropSlowBodies(now: now)
        for connection in connections.values where connection.machine.looksIdle(rules: rules, now: now) {
            let quiet = herald_ms_since_last_receive(lws_get_socket_fd(connection.wsi))
            perform(update(connection) {
                $0.confirmIdle(kernelMillisecondsSinceReceive: quiet >= 0 ? UInt64(quiet) : nil, rules: rules, now: now)
            }, on: connection)
        }
        guard !closing.isEmpty else { return }
        var overdue: [ClientConnection] = []
        closing.removeAll { connection in
            guard connection.isOpen else { return true }
            let actions = connection.machine.closeDeadlinePassed(now: now)
            if actions.isEmpty { return false }
            overdue.append(connection)
            return true
        }
        for connection in overdue where connection.isOpen {
            perform(connection.machine.closeDeadlinePassed(now: now), on: connection)
        }
    }
}

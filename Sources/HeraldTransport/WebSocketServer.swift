import CLibWebSockets
import Glibc
public import Logging

/// A WebSocket and plain-HTTP server on one libwebsockets context, run on the libev event loop.
///
/// Concurrency: every method except ``control`` must be called on the thread that calls ``run()``
/// (the service thread); the delegate is called on that thread too. Other threads use
/// ``control`` only.
public final class WebSocketServer {
    /// Errors raised while starting the listener.
    public struct StartError: Error, CustomStringConvertible {
        public let description: String
    }

    public let configuration: WebSocketServerConfiguration
    /// The thread-safe handle for other threads (shutdown).
    public let control = ServerControl()
    /// Counters for monitoring, as of now.
    public var metrics: TransportMetrics { counters }
    /// The live counters (internal, so whole-module optimization sees every access).
    private var counters = TransportMetrics()
    /// Receives connection events and messages; set before ``start()``.
    public weak var delegate: (any WebSocketServerDelegate)?

    let logger: Logger
    private var context: OpaquePointer?
    /// The libev loop the context runs on; owned here so the server can leave it when done.
    private let loop: OpaquePointer
    private var foreignLoops: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    /// Ends the loop if connections are slow to close during a shutdown.
    private let shutdownTimer = UnsafeMutablePointer<ev_timer>.allocate(capacity: 1)
    /// Flushes the connections written to during a loop iteration, before the loop blocks.
    private let flushWatcher = UnsafeMutablePointer<ev_prepare>.allocate(capacity: 1)
    /// Connections with messages queued during the current loop iteration.
    private var pendingFlush: [ClientConnection] = []
    /// Connections being closed by the server, dropped if their close frame cannot be sent in time.
    private var closing: [ClientConnection] = []
    /// Connections whose reading is paused because their outbound queue is backlogged.
    private var pausedReaders: [ClientConnection] = []
    /// Closes idle connections once a second.
    private let idleTimer = UnsafeMutablePointer<ev_timer>.allocate(capacity: 1)
    private var connections: [ConnectionNumber: ClientConnection] = [:]
    private var nextNumber: ConnectionNumber = 1
    private var shuttingDown = false
    private let resources: ContextResources
    private let gate: HandshakeGate
    private var writeBuffer: WriteBuffer

    public init(configuration: WebSocketServerConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.resources = ContextResources(configuration: configuration)
        self.gate = HandshakeGate(
            maxConnections: configuration.limits.maxConnections, allowedOrigins: configuration.allowedOrigins)
        self.writeBuffer = WriteBuffer(capacity: configuration.maxBytesPerWrite)
        self.loop = ev_loop_new(UInt32(EVFLAG_AUTO))
        self.foreignLoops = .allocate(capacity: 1)
        foreignLoops.initialize(to: UnsafeMutableRawPointer(loop))
    }

    deinit {
        if let context { lws_context_destroy(context) }
        ev_loop_destroy(loop)
        foreignLoops.deallocate()
        shutdownTimer.deallocate()
        idleTimer.deallocate()
        flushWatcher.deallocate()
        resources.release()
        writeBuffer.release()
    }

    /// The libev loop (`struct ev_loop *`) the server runs on, for other watchers of the service
    /// thread (the Redis connections of cluster mode); use it on the service thread only.
    public var eventLoop: OpaquePointer { loop }

    /// The port the listener is bound to (useful with port 0).
    public private(set) var boundPort = 0

    /// Number of open WebSocket connections.
    public var connectionCount: Int { connections.count }

    /// Payload bytes queued for every connection, not yet handed to the socket (walks every
    /// connection: for scrapes, not hot paths).
    public var outboundQueueBytes: Int { connections.values.reduce(0) { $0 + $1.outbound.byteCount } }

    /// Creates the context and binds the listening socket.
    public func start() throws(StartError) {
        precondition(context == nil, "start() called twice")
        lws_set_log_level(LLL_ERR | LLL_WARN, nil)
        var info = lws_context_creation_info()
        info.port = Int32(configuration.port)
        info.iface = UnsafePointer(resources.interface)
        info.protocols = UnsafePointer(resources.protocols)
        info.pt_serv_buf_size = 64 * 1024
        info.ssl_cert_filepath = UnsafePointer(resources.certificatePath)
        info.ssl_private_key_filepath = UnsafePointer(resources.privateKeyPath)
        info.count_threads = 1
        info.user = Unmanaged.passUnretained(self).toOpaque()
        info.foreign_loops = foreignLoops
        var options = UInt64(LWS_SERVER_OPTION_LIBEV) | UInt64(LWS_SERVER_OPTION_VALIDATE_UTF8)
        if !configuration.host.contains(":") { options |= UInt64(LWS_SERVER_OPTION_DISABLE_IPV6) }
        if configuration.tls != nil { options |= UInt64(LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT) }
        info.options = options
        guard let created = lws_create_context(&info) else {
            throw StartError(description: "cannot listen on \(configuration.host):\(configuration.port)")
        }
        context = created
        ev_set_userdata(loop, Unmanaged.passUnretained(self).toOpaque())
        herald_start_repeating_timer(loop, idleTimer, 1.0, heraldIdleSweep)
        herald_start_prepare(loop, flushWatcher, heraldFlush)
        boundPort = Self.listeningPort(of: created) ?? configuration.port
        control.attach(context: created)
    }

    /// Runs the event loop until a shutdown completes, then destroys the context.
    ///
    /// A shutdown closes every connection with 1001 and ends when they are all gone, or after
    /// ``WebSocketServerConfiguration/shutdownGraceSeconds`` at most.
    public func run() {
        guard let context else { return }
        ev_run(loop, 0)
        herald_stop_timer(loop, idleTimer)
        herald_stop_prepare(loop, flushWatcher)
        control.detach()
        lws_context_destroy(context)
        self.context = nil
    }

    private func stopLoop() {
        ev_break(loop, Int32(EVBREAK_ALL))
    }

    /// Queues a complete text message for a connection. Unknown or closing connections are ignored.
    public func send(_ message: [UInt8], to number: ConnectionNumber) {
        guard let connection = connections[number], connection.closeRequest?.drainFirst ?? true else {
            counters.messagesDropped &+= 1
            return
        }
        counters.messagesQueued &+= 1
        connection.outbound.append(message)
        if connection.closeRequest != nil {
            requestWritable(connection)
            return
        }
        pauseReadingIfBacklogged(connection)
        if connection.outbound.byteCount > configuration.maxOutboundBytes {
            logger.warning("closing slow consumer", metadata: ["connection": "\(number)"])
            counters.slowConsumerDisconnects += 1
            counters.messagesDropped &+= connection.outbound.count
            connection.outbound.removeAll()
            connection.closeRequest = .init(status: 1011, reason: "too much backpressure: client is too slow")
            requestWritable(connection)
            dropIfNotClosedSoon(connection)
            return
        }
        if !connection.flushPending {
            connection.flushPending = true
            pendingFlush.append(connection)
        }
    }

    /// Writes what every connection queued during this loop iteration, merging its messages into
    /// as few socket writes as possible. A connection whose socket does not take everything is
    /// left to `LWS_CALLBACK_SERVER_WRITEABLE`.
    func flushPendingWrites() {
        guard !pendingFlush.isEmpty else { return }
        let connections = pendingFlush
        pendingFlush.removeAll(keepingCapacity: true)
        for connection in connections {
            connection.flushPending = false
            guard connection.isOpen, connection.closeRequest == nil, !connection.writableRequested else { continue }
            while !connection.outbound.isEmpty {
                if lws_partial_buffered(connection.wsi) != 0 {
                    requestWritable(connection)
                    break
                }
                if !writeBatch(to: connection) {
                    connection.outbound.removeAll()
                    connection.closeRequest = .init(status: 1011, reason: "write failed")
                    requestWritable(connection)
                    break
                }
            }
        }
    }

    /// Closes a connection with a status code once its pending writes turn.
    public func close(_ number: ConnectionNumber, status: UInt16, reason: String) {
        guard let connection = connections[number], connection.closeRequest == nil else { return }
        connection.outbound.removeAll()
        connection.closeRequest = .init(status: status, reason: reason)
        requestWritable(connection)
    }

    // MARK: - Callback handlers (service thread)

    func handle(
        wsi: OpaquePointer, reason: lws_callback_reasons, session: UnsafeMutableRawPointer?,
        input: UnsafeMutableRawPointer?, length: Int
    ) -> Int32 {
        switch reason {
        case LWS_CALLBACK_FILTER_NETWORK_CONNECTION:
            return shuttingDown ? -1 : 0
        case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
            return admitHandshake(wsi)
        case LWS_CALLBACK_ESTABLISHED:
            guard let session else { return -1 }
            return opened(wsi: wsi, session: session)
        case LWS_CALLBACK_RECEIVE:
            guard let connection = connection(for: session) else { return -1 }
            return received(on: connection, input: input, length: length)
        case LWS_CALLBACK_SERVER_WRITEABLE:
            guard let connection = connection(for: session) else { return -1 }
            return writeQueued(to: connection)
        case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
            return peerClosing(connection(for: session), payload: UnsafeRawBufferPointer(start: input, count: length))
        case LWS_CALLBACK_CLOSED:
            if let connection = connection(for: session) { closed(connection) }
            return 0
        case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
            serviceWoken()
            return 0
        case LWS_CALLBACK_HTTP:
            return HTTPResponder.respond(wsi: wsi, input: input, length: length, delegate: delegate)
        default:
            return lws_callback_http_dummy(wsi, reason, session, input, length)
        }
    }

    private func connection(for session: UnsafeMutableRawPointer?) -> ClientConnection? {
        guard let session else { return nil }
        return connections[session.load(as: ConnectionNumber.self)]
    }

    private func opened(wsi: OpaquePointer, session: UnsafeMutableRawPointer) -> Int32 {
        if shuttingDown {
            counters.handshakesRefused += 1
            return -1
        }
        counters.handshakes += 1
        let number = nextNumber
        nextNumber += 1
        session.storeBytes(of: number, as: ConnectionNumber.self)
        connections[number] = ClientConnection(number: number, wsi: wsi, now: MonotonicClock.nanoseconds())
        if configuration.limits.socketSendBufferBytes > 0 {
            herald_set_send_buffer(lws_get_socket_fd(wsi), Int32(clamping: configuration.limits.socketSendBufferBytes))
        }
        delegate?.connectionOpened(number)
        return 0
    }

    private func received(on connection: ClientConnection, input: UnsafeMutableRawPointer?, length: Int) -> Int32 {
        if !(connection.closeRequest?.drainFirst ?? true) { return 0 }
        connection.lastInbound = MonotonicClock.nanoseconds()
        let remaining = Int(lws_remaining_packet_payload(connection.wsi))
        if connection.partialMessage.count + length + remaining > configuration.maxMessageBytes {
            logger.notice("closing connection: message too large", metadata: ["connection": "\(connection.number)"])
            counters.oversizedMessageDisconnects += 1
            Self.setCloseReason(connection.wsi, status: 1009, reason: "message too large")
            return -1
        }
        let complete = lws_is_final_fragment(connection.wsi) != 0 && remaining == 0
        let bytes = UnsafeRawBufferPointer(start: input, count: input == nil ? 0 : length)
        if complete { counters.messagesReceived &+= 1 }
        if complete && connection.partialMessage.isEmpty {
            delegate?.received(bytes, from: connection.number)
            return 0
        }
        connection.partialMessage.append(contentsOf: bytes)
        if complete {
            let message = connection.partialMessage
            connection.partialMessage = []
            message.withUnsafeBytes { delegate?.received($0, from: connection.number) }
        }
        return 0
    }

    /// Closes connections with no inbound traffic for the idle timeout. Messages are tracked
    /// here; control frames (the SDK's pings) only show in the kernel's last-receive time, read
    /// for the connections that look idle.
    func sweepIdleConnections() {
        let now = MonotonicClock.nanoseconds()
        let timeout = UInt64(configuration.idleTimeoutSeconds) * 1_000_000_000
        for connection in connections.values where connection.closeRequest == nil {
            guard now &- connection.lastInbound > timeout else { continue }
            let quietMilliseconds = herald_ms_since_last_receive(lws_get_socket_fd(connection.wsi))
            if quietMilliseconds >= 0, UInt64(quietMilliseconds) * 1_000_000 < timeout {
                connection.lastInbound = now &- UInt64(quietMilliseconds) * 1_000_000
                continue
            }
            logger.debug("closing idle connection", metadata: ["connection": "\(connection.number)"])
            counters.idleDisconnects += 1
            connection.outbound.removeAll()
            connection.closeRequest = .init(status: 1000, reason: "idle timeout")
            requestWritable(connection)
            dropIfNotClosedSoon(connection)
        }
    }

    private func writeQueued(to connection: ClientConnection) -> Int32 {
        connection.writableRequested = false
        if let close = connection.closeRequest {
            if close.drainFirst, !connection.outbound.isEmpty {
                if !writeBatch(to: connection) { return -1 }
                requestWritable(connection)
                return 0
            }
            Self.setCloseReason(connection.wsi, status: close.status, reason: close.reason)
            return -1
        }
        guard !connection.outbound.isEmpty else { return 0 }
        if !writeBatch(to: connection) { return -1 }
        if !connection.outbound.isEmpty { requestWritable(connection) }
        return 0
    }

    /// Sends the next batch of queued messages in one raw write; `false` when the write failed.
    private func writeBatch(to connection: ClientConnection) -> Bool {
        let batch = writeBuffer.fill(
            from: connection.outbound, maxFrames: configuration.maxFramesPerWrite,
            maxBytes: configuration.maxBytesPerWrite)
        connection.outbound.removeFirst(batch.frames)
        counters.socketWrites &+= 1
        counters.bytesWritten &+= batch.bytes
        return lws_write(connection.wsi, batch.start, batch.bytes, herald_lws_write_raw) >= 0
    }

    private func closed(_ connection: ClientConnection) {
        connection.isOpen = false
        connections[connection.number] = nil
        delegate?.connectionClosed(connection.number)
        if shuttingDown && connections.isEmpty { stopLoop() }
    }

    private func serviceWoken() {
        guard control.shutdownRequested, !shuttingDown else { return }
        shuttingDown = true
        logger.info("shutting down", metadata: ["connections": "\(connections.count)"])
        if connections.isEmpty {
            stopLoop()
            return
        }
        for connection in connections.values where connection.closeRequest == nil {
            connection.closeRequest = .init(status: 1001, reason: "server shutting down", drainFirst: true)
            requestWritable(connection)
        }
        herald_break_loop_after(loop, shutdownTimer, configuration.shutdownGraceSeconds)
    }

    // MARK: - Admission and read pausing

    /// `LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION`: refuses the upgrade with an HTTP status when the
    /// server is full or shutting down, or the browser origin is not allowed.
    private func admitHandshake(_ wsi: OpaquePointer) -> Int32 {
        let verdict = gate.verdict(
            origin: Self.header(wsi, WSI_TOKEN_ORIGIN), openConnections: connections.count, shuttingDown: shuttingDown)
        guard case .refuse(let status, let reason) = verdict else { return 0 }
        counters.handshakesRefused += 1
        logger.notice("handshake refused", metadata: ["status": "\(status)", "reason": "\(reason)"])
        _ = reason.withCString { lws_return_http_status(wsi, status, $0) }
        return -1
    }

    /// The client sent a close frame: nothing more is read from or queued for it. A close frame
    /// with a code no peer may send, or a reason that is not UTF-8, fails the connection at once
    /// instead of being echoed.
    private func peerClosing(_ connection: ClientConnection?, payload: UnsafeRawBufferPointer) -> Int32 {
        if let connection, connection.closeRequest == nil {
            connection.outbound.removeAll()
            connection.closeRequest = .init(status: 1000, reason: "")
        }
        return ClosePayload.isValid(payload) ? 0 : -1
    }

    /// Nanoseconds a connection the server is closing gets to become writable for its close frame.
    static let closeFrameGraceNanoseconds: UInt64 = 2_000_000_000

    /// A client that stopped reading never makes its socket writable, so its close frame could
    /// wait forever: past a short grace the TCP connection is dropped instead (see
    /// ``dropOverdueClosers()``).
    private func dropIfNotClosedSoon(_ connection: ClientConnection) {
        connection.dropDeadline = MonotonicClock.nanoseconds() + Self.closeFrameGraceNanoseconds
        closing.append(connection)
    }

    /// Runs with the idle sweep: drops the connections whose close frame is overdue.
    func dropOverdueClosers() {
        guard !closing.isEmpty else { return }
        let now = MonotonicClock.nanoseconds()
        var overdue: [ClientConnection] = []
        closing.removeAll { connection in
            guard connection.isOpen else { return true }
            guard now >= connection.dropDeadline else { return false }
            overdue.append(connection)
            return true
        }
        for connection in overdue where connection.isOpen {
            logger.debug("dropping a connection that did not take its close frame",
                         metadata: ["connection": "\(connection.number)"])
            // libwebsockets would wait to flush what it buffered; shutting the socket down makes
            // its next read see the end of the stream, and it closes the connection.
            shutdown(lws_get_socket_fd(connection.wsi), Int32(SHUT_RDWR))
        }
    }

    /// Stops reading a connection whose responses and notifications are piling up.
    private func pauseReadingIfBacklogged(_ connection: ClientConnection) {
        let threshold = configuration.limits.pauseReadingAboveBytes
        guard threshold > 0, !connection.readingPaused, connection.outbound.byteCount > threshold else { return }
        connection.readingPaused = true
        pausedReaders.append(connection)
        lws_rx_flow_control(connection.wsi, 0)
    }

    /// Reads again from paused connections whose queue drained below half the threshold; runs
    /// after the end-of-iteration flush.
    func resumeDrainedReaders() {
        guard !pausedReaders.isEmpty else { return }
        let threshold = configuration.limits.pauseReadingAboveBytes / 2
        pausedReaders.removeAll { connection in
            guard connection.isOpen else { return true }
            guard connection.outbound.byteCount <= threshold else { return false }
            connection.readingPaused = false
            lws_rx_flow_control(connection.wsi, 1)
            return true
        }
    }

    /// A request header's value, or `nil` when absent.
    private static func header(_ wsi: OpaquePointer, _ token: lws_token_indexes) -> String? {
        let length = Int(lws_hdr_total_length(wsi, token))
        guard length > 0, length < 4096 else { return nil }
        var buffer = [CChar](repeating: 0, count: length + 1)
        guard lws_hdr_copy(wsi, &buffer, Int32(buffer.count), token) >= 0 else { return nil }
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private func requestWritable(_ connection: ClientConnection) {
        guard !connection.writableRequested else { return }
        connection.writableRequested = true
        lws_callback_on_writable(connection.wsi)
    }

    private static func setCloseReason(_ wsi: OpaquePointer, status: UInt16, reason: String) {
        var bytes = Array(reason.utf8.prefix(120))
        bytes.withUnsafeMutableBufferPointer { buffer in
            lws_close_reason(wsi, lws_close_status(rawValue: UInt32(status)), buffer.baseAddress, buffer.count)
        }
    }

    private static func listeningPort(of context: OpaquePointer) -> Int? {
        guard let vhost = lws_get_vhost_by_name(context, "default") else { return nil }
        let port = lws_get_vhost_listen_port(vhost)
        return port > 0 ? Int(port) : nil
    }
}

/// The C entry point libwebsockets calls for every protocol event; forwards to the server that owns the context.
func heraldServerCallback(
    _ wsi: OpaquePointer?, _ reason: lws_callback_reasons, _ session: UnsafeMutableRawPointer?,
    _ input: UnsafeMutableRawPointer?, _ length: Int
) -> Int32 {
    guard let wsi, let context = lws_get_context(wsi), let owner = lws_context_user(context) else {
        return lws_callback_http_dummy(wsi, reason, session, input, length)
    }
    let server = Unmanaged<WebSocketServer>.fromOpaque(owner).takeUnretainedValue()
    return server.handle(wsi: wsi, reason: reason, session: session, input: input, length: length)
}

/// The libev timer callback that runs the idle sweep of the server owning the loop.
func heraldIdleSweep(_ loop: OpaquePointer?, _ timer: UnsafeMutablePointer<ev_timer>?, _ events: Int32) {
    guard let loop, let owner = ev_userdata(loop) else { return }
    let server = Unmanaged<WebSocketServer>.fromOpaque(owner).takeUnretainedValue()
    server.sweepIdleConnections()
    server.dropOverdueClosers()
    server.delegate?.secondElapsed()
}

/// The libev prepare callback: flushes the writes queued during the loop iteration.
func heraldFlush(_ loop: OpaquePointer?, _ watcher: UnsafeMutablePointer<ev_prepare>?, _ events: Int32) {
    guard let loop, let owner = ev_userdata(loop) else { return }
    let server = Unmanaged<WebSocketServer>.fromOpaque(owner).takeUnretainedValue()
    server.flushPendingWrites()
    server.resumeDrainedReaders()
}

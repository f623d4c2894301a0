/// The rules of one WebSocket connection as a pure state machine: outbound queue bounds and the
/// slow-consumer cut, read pausing, the idle timeout, the close-frame deadline, the shutdown drain,
/// and inbound reassembly with its size limit. It does no I/O and reads no clock: every event
/// takes `now` (monotonic nanoseconds) and returns the ``ConnectionAction``s the adapter performs.
///
/// Concurrency: a value owned by one connection on the service thread; never shared.
struct ConnectionMachine: Sendable {
    /// Why and how the server is closing this connection.
    struct CloseRequest: Equatable, Sendable {
        var status: UInt16
        var reason: String
        /// Write what is queued before closing (graceful shutdown), and keep answering meanwhile.
        var drainFirst = false
    }

    /// What to do with an inbound piece of a message.
    enum Inbound: Equatable, Sendable {
        /// Nothing: the connection is closing and reads nothing more.
        case ignored
        /// A fragment was kept; the message is not complete yet.
        case buffered
        /// The piece just received is a whole message: hand it on as it is.
        case completeInput
        /// The message was assembled from several pieces.
        case completeAssembled([UInt8])
        /// The message passes the size limit: close with 1009.
        case tooLarge
        /// A text message that is not UTF-8: close with 1007.
        case invalidText
    }

    /// What a writable callback must do.
    enum Writable: Equatable, Sendable {
        /// Nothing is queued.
        case idle
        /// Write the next batch of queued messages, then report ``ConnectionMachine/wrote()``.
        case write
        /// Send this close frame and end the connection.
        case close(status: UInt16, reason: String)
    }

    /// Messages waiting for the socket.
    private(set) var outbound = OutboundQueue()
    private(set) var closeRequest: CloseRequest?
    private(set) var readingPaused = false
    /// Listed for the merged flush at the end of the current loop pass.
    private(set) var flushPending = false
    private(set) var writableRequested = false
    /// Monotonic time after which a server-initiated close gives up on the close frame.
    private(set) var dropDeadline: UInt64?
    /// Monotonic time of the last inbound message, or of the last inbound traffic the kernel saw.
    private(set) var lastInbound: UInt64
    /// Pieces of a message that arrived over several callbacks.
    private var partialMessage: [UInt8] = []
    /// The UTF-8 check of the text message being received.
    private var text = UTF8Validator()

    init(now: UInt64) {
        lastInbound = now
    }

    /// Whether messages are still accepted (open, or draining for a graceful shutdown).
    var acceptsMessages: Bool { closeRequest?.drainFirst ?? true }

    // MARK: - Outbound

    /// Queues a complete message for the client. `now` is read only when the message gets the
    /// connection cut (the hot path reads no clock).
    mutating func enqueue(
        _ message: [UInt8], rules: ConnectionRules, now: @autoclosure () -> UInt64
    ) -> ConnectionActions {
        guard acceptsMessages else {
            var discarded = ConnectionActions()
            discarded.discardedMessages = 1
            return discarded
        }
        outbound.append(message)
        var actions = ConnectionActions()
        if closeRequest != nil {
            requestWritable(into: &actions)
            return actions
        }
        if rules.pauseReadingAboveBytes > 0, !readingPaused, outbound.byteCount > rules.pauseReadingAboveBytes {
            readingPaused = true
            actions.append(.pauseReading)
        }
        if outbound.byteCount > rules.maxOutboundBytes {
            cut(.slowConsumer, rules: rules, now: now(), into: &actions)
            return actions
        }
        if !flushPending {
            flushPending = true
            actions.append(.scheduleFlush)
        }
        return actions
    }

    /// The end-of-pass flush reached this connection: `true` when it should write its queue now
    /// (it is open, not closing, and not already waiting for a writable callback).
    mutating func beginFlush() -> Bool {
        flushPending = false
        return closeRequest == nil && !writableRequested && !outbound.isEmpty
    }

    /// The socket still holds unsent bytes: wait for it to become writable.
    mutating func socketBusy() -> ConnectionActions {
        var actions = ConnectionActions()
        requestWritable(into: &actions)
        return actions
    }

    /// The first `frames` queued messages were handed to the socket.
    mutating func removeWritten(_ frames: Int) {
        outbound.removeFirst(frames)
    }

    /// A socket write failed: nothing more is sent, the connection closes with 1011.
    mutating func writeFailed() -> ConnectionActions {
        var actions = ConnectionActions()
        outbound.removeAll()
        closeRequest = CloseRequest(status: 1011, reason: "write failed")
        requestWritable(into: &actions)
        return actions
    }

    /// libwebsockets reports the socket writable.
    mutating func writable() -> Writable {
        writableRequested = false
        if let close = closeRequest {
            if close.drainFirst, !outbound.isEmpty { return .write }
            return .close(status: close.status, reason: close.reason)
        }
        return outbound.isEmpty ? .idle : .write
    }

    /// The batch ``writable()`` asked for was written: ask for the next turn if more is due.
    mutating func wrote() -> ConnectionActions {
        var actions = ConnectionActions()
        if closeRequest != nil || !outbound.isEmpty { requestWritable(into: &actions) }
        return actions
    }

    /// Runs after the end-of-pass flush for a paused connection: reading resumes once the queue
    /// drained to half the pause threshold or below.
    mutating func resumeIfDrained(rules: ConnectionRules) -> ConnectionActions {
        guard readingPaused, outbound.byteCount <= rules.pauseReadingAboveBytes / 2 else { return .none }
        readingPaused = false
        return ConnectionActions(.resumeReading)
    }

    // MARK: - Closing

    /// The application closes the connection: the queue is dropped and the close frame goes next.
    mutating func close(status: UInt16, reason: String) -> ConnectionActions {
        guard closeRequest == nil else { return .none }
        var actions = ConnectionActions()
        outbound.removeAll()
        closeRequest = CloseRequest(status: status, reason: reason)
        requestWritable(into: &actions)
        return actions
    }

    /// The server-wide outbound budget picked this connection: cut it like a slow consumer.
    mutating func cutForBudget(rules: ConnectionRules, now: UInt64) -> ConnectionActions {
        guard closeRequest == nil else { return .none }
        var actions = ConnectionActions()
        cut(.outboundBudget, rules: rules, now: now, into: &actions)
        return actions
    }

    /// The client sent a close frame: nothing more is read from or queued for it.
    mutating func peerClosing() {
        guard closeRequest == nil else { return }
        outbound.removeAll()
        closeRequest = CloseRequest(status: 1000, reason: "")
    }

    /// libwebsockets closed the connection: whatever is still queued is gone.
    mutating func closed() {
        outbound.removeAll()
        partialMessage = []
    }

    /// The server shuts down: what is queued is written, then the connection closes with 1001.
    mutating func shutdown() -> ConnectionActions {
        guard closeRequest == nil else { return .none }
        closeRequest = CloseRequest(status: 1001, reason: "server shutting down", drainFirst: true)
        var actions = ConnectionActions()
        requestWritable(into: &actions)
        return actions
    }

    /// Checked once a second for connections being cut: past the close-frame deadline the
    /// connection is dropped (a client that stopped reading never takes its close frame).
    func closeDeadlinePassed(now: UInt64) -> ConnectionActions {
        guard let dropDeadline, now >= dropDeadline else { return .none }
        return ConnectionActions(.drop)
    }

    // MARK: - Inbound

    /// A piece of an inbound message arrived; `remaining` more bytes of this frame are coming. The
    /// pieces of a text message (`isText`) are checked for UTF-8 as they come.
    mutating func received(
        _ bytes: UnsafeRawBufferPointer, isText: Bool = true, isFinalFragment: Bool, remaining: Int,
        rules: ConnectionRules, now: UInt64
    ) -> Inbound {
        guard acceptsMessages else { return .ignored }
        lastInbound = now
        if partialMessage.count + bytes.count + remaining > rules.maxMessageBytes { return .tooLarge }
        let complete = isFinalFragment && remaining == 0
        if isText {
            guard text.consume(bytes), !complete || text.endsOnCodePoint else { return .invalidText }
            if complete { text.reset() }
        }
        if complete && partialMessage.isEmpty { return .completeInput }
        partialMessage.append(contentsOf: bytes)
        guard complete else { return .buffered }
        let message = partialMessage
        partialMessage = []
        return .completeAssembled(message)
    }

    /// Whether the connection saw no inbound message for the idle timeout; only then is the
    /// kernel asked when it last received anything (control frames do not reach the machine).
    func looksIdle(rules: ConnectionRules, now: UInt64) -> Bool {
        closeRequest == nil && now &- lastInbound > rules.idleTimeoutNanoseconds
    }

    /// Completes the idle check of a connection that ``looksIdle(rules:now:)``:
    /// `kernelMillisecondsSinceReceive` is the kernel's time since the socket last received data
    /// (`nil` when it cannot tell). Recent traffic (pings) counts as activity; otherwise the
    /// connection is closed with 1000.
    mutating func confirmIdle(
        kernelMillisecondsSinceReceive: UInt64?, rules: ConnectionRules, now: UInt64
    ) -> ConnectionActions {
        if let quiet = kernelMillisecondsSinceReceive, quiet * 1_000_000 < rules.idleTimeoutNanoseconds {
            lastInbound = now &- quiet * 1_000_000
            return .none
        }
        var actions = ConnectionActions()
        outbound.removeAll()
        closeRequest = CloseRequest(status: 1000, reason: "idle timeout")
        requestWritable(into: &actions)
        dropDeadline = now + rules.closeFrameGraceNanoseconds
        actions.cut = .idle
        return actions
    }

    // MARK: - Helpers

    private mutating func cut(
        _ cause: ConnectionCut, rules: ConnectionRules, now: UInt64, into actions: inout ConnectionActions
    ) {
        actions.cut = cause
        actions.discardedMessages = outbound.count
        outbound.removeAll()
        closeRequest = CloseRequest(status: 1011, reason: "too much backpressure: client is too slow")
        requestWritable(into: &actions)
        dropDeadline = now + rules.closeFrameGraceNanoseconds
    }

    private mutating func requestWritable(into actions: inout ConnectionActions) {
        guard !writableRequested else { return }
        writableRequested = true
        actions.append(.requestWritable)
    }
}

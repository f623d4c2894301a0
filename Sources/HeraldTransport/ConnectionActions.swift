/// One thing the transport adapter must do to a connection's socket after a state-machine event.
enum ConnectionAction: Equatable, Sendable {
    /// List the connection for the merged flush at the end of this loop pass.
    case scheduleFlush
    /// Ask libwebsockets for a writable callback (at most one is outstanding).
    case requestWritable
    /// Stop reading the connection's requests (its outbound queue is backlogged).
    case pauseReading
    /// Read the connection's requests again.
    case resumeReading
    /// Abort the TCP connection: its close frame could not be delivered in time.
    case drop
}

/// Why the server started closing a connection, for logs and counters.
enum ConnectionCut: Equatable, Sendable {
    /// Its outbound queue passed the per-connection limit.
    case slowConsumer
    /// It had one of the largest queues while the server-wide outbound budget was exceeded.
    case outboundBudget
    /// No inbound traffic for the idle timeout.
    case idle
    /// An inbound message passed the size limit.
    case messageTooLarge
}

/// What one event asks of the adapter: up to three actions in order, without allocating, plus what
/// the event discarded. A value type built and read on the service thread.
struct ConnectionActions: Equatable, Sendable, Sequence {
    private var first: ConnectionAction?
    private var second: ConnectionAction?
    private var third: ConnectionAction?
    /// Messages thrown away by the event: one refused by a closing connection, or the queue of a
    /// slow consumer being cut (counted in ``TransportMetrics/messagesDropped``).
    var discardedMessages = 0
    /// Set when the event made the server start closing the connection.
    var cut: ConnectionCut?

    static let none = ConnectionActions()

    init() {}

    init(_ actions: ConnectionAction...) {
        for action in actions { append(action) }
    }

    var isEmpty: Bool { first == nil }

    mutating func append(_ action: ConnectionAction) {
        if first == nil {
            first = action
        } else if second == nil {
            second = action
        } else {
            precondition(third == nil, "a connection event yields three actions at most")
            third = action
        }
    }

    struct Iterator: IteratorProtocol {
        fileprivate var remaining: ConnectionActions

        mutating func next() -> ConnectionAction? {
            guard let action = remaining.first else { return nil }
            remaining.first = remaining.second
            remaining.second = remaining.third
            remaining.third = nil
            return action
        }
    }

    func makeIterator() -> Iterator { Iterator(remaining: self) }
}

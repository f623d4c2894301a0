/// Counters of the WebSocket server, bumped on the service thread and read when metrics are scraped.
///
/// Plain integers (no atomics): only the service thread writes or reads them.
public struct TransportMetrics: Sendable {
    /// WebSocket handshakes completed and accepted.
    public internal(set) var handshakes = 0
    /// Handshakes refused: the server was shutting down or full, or the origin was not allowed.
    public internal(set) var handshakesRefused = 0
    /// Complete inbound messages handed to the delegate.
    public internal(set) var messagesReceived = 0
    /// Messages queued for a connection.
    public internal(set) var messagesQueued = 0
    /// Messages discarded: sent to a closing or unknown connection, or still queued when a
    /// connection was closed for being too slow.
    public internal(set) var messagesDropped = 0
    /// Connections closed because their outbound queue passed the limit.
    public internal(set) var slowConsumerDisconnects = 0
    /// Connections closed for exceeding the inbound message size.
    public internal(set) var oversizedMessageDisconnects = 0
    /// Connections closed by the idle timeout.
    public internal(set) var idleDisconnects = 0
    /// Socket writes (each carries one or more merged messages).
    public internal(set) var socketWrites = 0
    /// Bytes handed to the socket layer in those writes.
    public internal(set) var bytesWritten = 0
}

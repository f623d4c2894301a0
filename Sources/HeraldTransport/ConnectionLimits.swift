/// Per-server and per-connection bounds that keep one client, or too many, from hurting the rest.
public struct ConnectionLimits: Sendable, Equatable {
    /// Open WebSocket connections at most; further handshakes are refused with 503 (`0`: no limit).
    public var maxConnections: Int
    /// Queued outbound bytes above which the server stops reading a connection's requests; it
    /// reads again once the queue has drained below half of it (`0`: never pause).
    public var pauseReadingAboveBytes: Int
    /// `SO_SNDBUF` applied to every accepted socket (`0`: the kernel's default and autotuning).
    public var socketSendBufferBytes: Int
    /// Outbound bytes queued across every connection at most; past it the connections with the
    /// largest queues are closed with 1011 until the rest fits (`0`: no server-wide bound).
    public var maxTotalOutboundBytes: Int

    public init(
        maxConnections: Int = 0, pauseReadingAboveBytes: Int = 1 << 20, socketSendBufferBytes: Int = 0,
        maxTotalOutboundBytes: Int = 0
    ) {
        self.maxConnections = maxConnections
        self.pauseReadingAboveBytes = pauseReadingAboveBytes
        self.socketSendBufferBytes = socketSendBufferBytes
        self.maxTotalOutboundBytes = maxTotalOutboundBytes
    }
}

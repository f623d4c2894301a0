/// Settings of the WebSocket/HTTP listener.
public struct WebSocketServerConfiguration: Sendable {
    /// Interface to bind (`0.0.0.0` for every IPv4 interface).
    public var host: String
    /// TCP port; `0` lets the kernel pick one (read it back from ``WebSocketServer/boundPort``).
    public var port: Int
    /// Largest inbound message; a larger one closes the connection with 1009.
    public var maxMessageBytes: Int
    /// Seconds without valid inbound traffic before the server pings, then hangs up.
    public var idleTimeoutSeconds: Int
    /// Outbound bytes a connection may have queued; past it the connection is closed with 1011.
    public var maxOutboundBytes: Int
    /// Queued messages merged into one socket write at most.
    public var maxFramesPerWrite: Int
    /// Bytes merged into one socket write at most (a single larger message is still written whole).
    public var maxBytesPerWrite: Int
    /// Connection count, read pausing and socket buffer bounds.
    public var limits = ConnectionLimits()
    /// Browser origins allowed to open a WebSocket (`scheme://host[:port]`); empty allows all.
    public var allowedOrigins: Set<String> = []
    /// Serve TLS (wss/https) with these files instead of plain ws/http.
    public var tls: TLSFiles?
    /// Let other processes listen on the same address and port (`SO_REUSEPORT`, each of them
    /// asking for it too): the kernel spreads new connections among them.
    public var sharesPort = false
    /// Longest wait, during a shutdown, for queued frames to be written and clients to close.
    public var shutdownGraceSeconds = 5.0
    /// Longest time a plain-HTTP request body may take to arrive; past it the connection is dropped.
    public var httpBodyTimeoutSeconds = 10.0

    public init(
        host: String = "0.0.0.0",
        port: Int = 7512,
        maxMessageBytes: Int = 1 << 20,
        idleTimeoutSeconds: Int = 60,
        maxOutboundBytes: Int = 16 << 20,
        maxFramesPerWrite: Int = 64,
        maxBytesPerWrite: Int = 64 << 10
    ) {
        self.host = host
        self.port = port
        self.maxMessageBytes = maxMessageBytes
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.maxOutboundBytes = maxOutboundBytes
        self.maxFramesPerWrite = maxFramesPerWrite
        self.maxBytesPerWrite = maxBytesPerWrite
    }
}

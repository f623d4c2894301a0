/// The per-connection bounds and deadlines the ``ConnectionMachine`` enforces, in bytes and
/// nanoseconds. An immutable value shared by every connection of a server.
struct ConnectionRules: Sendable, Equatable {
    /// Largest inbound message; a larger one closes the connection with 1009.
    var maxMessageBytes: Int
    /// Outbound bytes a connection may have queued; past it the connection is closed with 1011.
    var maxOutboundBytes: Int
    /// Queued bytes above which reading pauses; it resumes below half of it (`0`: never pause).
    var pauseReadingAboveBytes: Int
    /// Nanoseconds without inbound traffic before the connection is closed with 1000.
    var idleTimeoutNanoseconds: UInt64
    /// Nanoseconds a connection the server cut gets to take its close frame before it is dropped.
    var closeFrameGraceNanoseconds: UInt64 = 2_000_000_000

    init(
        maxMessageBytes: Int, maxOutboundBytes: Int, pauseReadingAboveBytes: Int, idleTimeoutNanoseconds: UInt64
    ) {
        self.maxMessageBytes = maxMessageBytes
        self.maxOutboundBytes = maxOutboundBytes
        self.pauseReadingAboveBytes = pauseReadingAboveBytes
        self.idleTimeoutNanoseconds = idleTimeoutNanoseconds
    }

    init(_ configuration: WebSocketServerConfiguration) {
        self.init(
            maxMessageBytes: configuration.maxMessageBytes, maxOutboundBytes: configuration.maxOutboundBytes,
            pauseReadingAboveBytes: configuration.limits.pauseReadingAboveBytes,
            idleTimeoutNanoseconds: UInt64(max(configuration.idleTimeoutSeconds, 0)) * 1_000_000_000)
    }
}

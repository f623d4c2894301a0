/// The server-side state of one WebSocket connection. Owned by the service thread.
final class ClientConnection {
    /// Why and how the server wants this connection closed at its next writable callback.
    struct CloseRequest {
        var status: UInt16
        var reason: String
        /// Write what is queued before closing (graceful shutdown), and keep answering meanwhile.
        var drainFirst = false
    }

    let number: ConnectionNumber
    /// The libwebsockets handle; valid until `LWS_CALLBACK_CLOSED`.
    let wsi: OpaquePointer
    var outbound = OutboundQueue()
    /// Pieces of a message that arrived over several callbacks.
    var partialMessage: [UInt8] = []
    var writableRequested = false
    /// `false` once libwebsockets reported the connection closed; `wsi` is then invalid.
    var isOpen = true
    /// Listed for the flush at the end of the current loop iteration.
    var flushPending = false
    /// Monotonic time (ns) of the last inbound message, or of the last time the kernel showed
    /// other inbound traffic (control frames).
    var lastInbound: UInt64
    var closeRequest: CloseRequest?
    /// Monotonic time (ns) after which a server-initiated close gives up on the close frame.
    var dropDeadline: UInt64 = 0
    /// Reading is paused until the outbound queue drains (see ``ConnectionLimits``).
    var readingPaused = false

    init(number: ConnectionNumber, wsi: OpaquePointer, now: UInt64) {
        self.number = number
        self.wsi = wsi
        self.lastInbound = now
    }
}

/// Identifies one WebSocket connection for the lifetime of the server process (never reused).
public typealias ConnectionNumber = UInt64

/// A plain HTTP answer for a request that is not a WebSocket upgrade.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var contentType: String
    public var body: [UInt8]
    /// Headers sent after the common ones, e.g. `("Content-Security-Policy", "default-src 'self'")`.
    public var extraHeaders: [(name: String, value: String)]
    /// A body produced piece by piece instead of `body`: the answer is sent chunked, one piece per
    /// writable callback, until the stream returns `nil`; called on the service thread only.
    public var bodyStream: (@Sendable () -> [UInt8]?)?

    public init(status: Int, contentType: String, body: [UInt8], extraHeaders: [(name: String, value: String)] = [],
                bodyStream: (@Sendable () -> [UInt8]?)? = nil) {
        self.status = status
        self.contentType = contentType
        self.body = body
        self.extraHeaders = extraHeaders
        self.bodyStream = bodyStream
    }
}

/// What the server tells the application. Every call happens on the service thread.
public protocol WebSocketServerDelegate: AnyObject {
    /// A WebSocket handshake completed; `address` is the client's IP address when known.
    func connectionOpened(_ connection: ConnectionNumber, address: String?)
    /// One complete message (text or binary). The bytes are only valid during the call.
    func received(_ message: UnsafeRawBufferPointer, from connection: ConnectionNumber)
    /// The connection is gone; nothing more can be sent to it.
    func connectionClosed(_ connection: ConnectionNumber)
    /// Once per loop pass, from the prepare watcher, right before the merged flush of the writes
    /// queued during the pass (a place to finish per-pass work, e.g. a commit pipeline's batch).
    func endOfLoopPass()
    /// About one second passed (timers of the application: token expiry).
    func secondElapsed()
}

extension WebSocketServerDelegate {
    /// Nothing to do at the end of a pass.
    public func endOfLoopPass() {}
    public func secondElapsed() {}
}

/// Bytes queued for one client connection: the handshake request, then masked frames.
///
/// Whole frames are appended and written in order, so partial socket writes never interleave two frames.
struct WebSocketOutbound {
    private var buffer: [UInt8] = []
    private var written = 0
    private var encoder: WebSocketFrameEncoder

    /// An empty queue whose frames are masked with keys derived from `maskSeed`.
    init(maskSeed: UInt64) {
        encoder = WebSocketFrameEncoder(seed: maskSeed)
    }

    /// Bytes queued and not written yet.
    var unsentCount: Int { buffer.count - written }

    /// Queues raw bytes (the handshake request).
    mutating func appendRaw(_ bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
    }

    /// Queues one text frame.
    mutating func appendText(_ payload: UnsafeRawBufferPointer) {
        encoder.append(.text, payload: payload, to: &buffer)
    }

    /// Queues the control frame a ``WebSocketClientConnection`` asked for.
    mutating func append(_ reply: WebSocketClientConnection.ControlReply) {
        switch reply {
        case .pong(let payload):
            payload.withUnsafeBytes { encoder.append(.pong, payload: $0, to: &buffer) }
        case .close(let code):
            let payload = [UInt8(truncatingIfNeeded: code >> 8), UInt8(truncatingIfNeeded: code)]
            payload.withUnsafeBytes { encoder.append(.close, payload: $0, to: &buffer) }
        }
    }

    /// Calls `body` with the unsent bytes; `body` returns how many it wrote.
    mutating func write(_ body: (UnsafeRawBufferPointer) -> Int) {
        guard unsentCount > 0 else { return }
        let start = written
        let count = buffer.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[start...])) }
        written += count
        if written == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= 256 * 1024)
            written = 0
        } else if written > 64 * 1024 {
            buffer.removeFirst(written)
            written = 0
        }
    }
}

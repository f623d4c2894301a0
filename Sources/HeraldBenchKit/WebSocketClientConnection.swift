/// Everything that can end a client connection on the protocol side.
enum WebSocketClientError: Error, Equatable {
    case handshake(WebSocketHandshake.Failure)
    case protocolViolation(WebSocketProtocolError)
}

/// The inbound side of one client WebSocket connection: handshake answer, then frames.
///
/// A pure state machine: bytes go in, events come out, and the control replies it owes (pong, close echo)
/// wait in ``takeControlReplies()`` for the I/O layer to queue. It never touches a socket.
struct WebSocketClientConnection {
    /// Where the connection stands.
    enum State: Equatable {
        case handshaking
        case open
        /// The server sent a close frame.
        case closed(code: UInt16?)
    }

    /// What the application sees.
    enum Event {
        /// The upgrade was accepted; messages may be sent.
        case opened
        /// A complete text message; the pointer is valid only during the callback.
        case text(UnsafeRawBufferPointer)
        /// A complete binary message; the pointer is valid only during the callback.
        case binary(UnsafeRawBufferPointer)
        /// The server closed the connection.
        case closed(code: UInt16?)
    }

    /// A control frame the connection owes the server.
    enum ControlReply: Equatable {
        case pong([UInt8])
        case close(code: UInt16)
    }

    private(set) var state: State = .handshaking
    private let handshake: WebSocketHandshake
    private var decoder: WebSocketFrameDecoder
    private var pending: [UInt8] = []
    private var pongDue: [UInt8]?
    private var closeReplyDue: UInt16?

    /// A connection that will answer `handshake`, accepting messages up to `maxMessageBytes`.
    init(handshake: WebSocketHandshake, maxMessageBytes: Int = 16 * 1024 * 1024) {
        self.handshake = handshake
        decoder = WebSocketFrameDecoder(maxMessageBytes: maxMessageBytes)
    }

    /// The upgrade request to write once the TCP connection is up.
    var handshakeRequest: [UInt8] { handshake.request }

    /// True when ``takeControlReplies()`` has something.
    var hasControlReplies: Bool { pongDue != nil || closeReplyDue != nil }

    /// Processes bytes read from the socket, in order, calling `onEvent` for what they complete.
    mutating func receive(
        _ bytes: UnsafeRawBufferPointer,
        _ onEvent: (Event) -> Void
    ) throws(WebSocketClientError) {
        guard !bytes.isEmpty else { return }
        if case .closed = state { return }
        if pending.isEmpty {
            let consumed = try process(bytes, onEvent)
            if consumed < bytes.count {
                pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[consumed...]))
            }
        } else {
            pending.append(contentsOf: bytes)
            var buffered = pending
            pending = []
            let result = buffered.withUnsafeBytes { all in
                Result { () throws(WebSocketClientError) -> Int in try process(all, onEvent) }
            }
            buffered.removeFirst(try result.get())
            pending = buffered
        }
    }

    /// The control frames owed since the last call, oldest first; only the latest ping is answered.
    mutating func takeControlReplies() -> [ControlReply] {
        var replies: [ControlReply] = []
        if let pong = pongDue { replies.append(.pong(pong)) }
        if let code = closeReplyDue { replies.append(.close(code: code)) }
        pongDue = nil
        closeReplyDue = nil
        return replies
    }

    private mutating func process(
        _ bytes: UnsafeRawBufferPointer,
        _ onEvent: (Event) -> Void
    ) throws(WebSocketClientError) -> Int {
        var offset = 0
        if state == .handshaking {
            let outcome: WebSocketHandshake.Outcome
            do throws(WebSocketHandshake.Failure) {
                outcome = try handshake.parse(bytes)
            } catch {
                throw .handshake(error)
            }
            guard case .accepted(let headerLength) = outcome else { return 0 }
            state = .open
            offset = headerLength
            onEvent(.opened)
        }
        var ping: [UInt8]?
        var closeCode: UInt16??
        let consumed: Int
        do throws(WebSocketProtocolError) {
            consumed = try decoder.decode(UnsafeRawBufferPointer(rebasing: bytes[offset...])) { event in
                switch event {
                case .text(let payload): onEvent(.text(payload))
                case .binary(let payload): onEvent(.binary(payload))
                case .ping(let payload): ping = Array(payload)
                case .pong: break
                case .close(let code): closeCode = .some(code)
                }
            }
        } catch {
            throw .protocolViolation(error)
        }
        if let ping { pongDue = ping }
        if let closeCode {
            state = .closed(code: closeCode)
            closeReplyDue = closeCode ?? 1000
            pongDue = nil
            onEvent(.closed(code: closeCode))
        }
        return offset + consumed
    }
}

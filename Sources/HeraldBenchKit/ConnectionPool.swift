import Glibc

/// Told what happens on a ``ConnectionPool``'s connections; always called on the pool's thread, from
/// inside ``ConnectionPool/poll(timeoutMilliseconds:delegate:)``.
protocol ConnectionPoolDelegate: AnyObject {
    /// The upgrade was accepted: the connection may send.
    func connectionDidOpen(_ id: Int, pool: ConnectionPool)
    /// A complete text (or binary) message; `payload` is valid only during the call.
    func connection(_ id: Int, didReceive payload: UnsafeRawBufferPointer, pool: ConnectionPool)
    /// The connection is gone (failed connect, refused upgrade, protocol error, server close, reset).
    func connectionDidClose(_ id: Int, reason: String, pool: ConnectionPool)
}

/// Many client WebSocket connections driven by one epoll loop on the calling thread.
///
/// Connections are numbered from 0 in the order ``connect()`` is called. Writes are queued per
/// connection and flushed once per poll, so frames queued together leave in one `send`.
/// Single-threaded: create, poll and use it on one thread only.
final class ConnectionPool {
    private final class Connection {
        let socket: TCPSocket
        var state: WebSocketClientConnection
        var outbound: WebSocketOutbound
        var isConnecting = true
        var watchesWritable = true
        var isQueuedForFlush = false
        var isClosed = false

        init(socket: TCPSocket, state: WebSocketClientConnection, maskSeed: UInt64) {
            self.socket = socket
            self.state = state
            outbound = WebSocketOutbound(maskSeed: maskSeed)
        }
    }

    private let endpoints: [(url: WebSocketURL, address: SocketAddress)]
    private let loop: EventLoop
    private var connections: [Connection] = []
    private var flushQueue: [Int] = []
    private let readBuffer: UnsafeMutableRawBufferPointer
    private var random = SystemRandomNumberGenerator()

    /// Connections whose upgrade completed and that are not closed.
    private(set) var openCount = 0
    /// Connections started and not yet open nor closed.
    private(set) var connectingCount = 0
    /// Bytes read from all sockets.
    private(set) var bytesReceived = 0

    /// A pool for `url`, resolving its host once.
    convenience init(url: WebSocketURL, readBufferBytes: Int = 256 * 1024) throws(BenchError) {
        try self.init(urls: [url], readBufferBytes: readBufferBytes)
    }

    /// A pool whose connections go to one of `urls` each (see ``connect(endpoint:)``), resolving
    /// every host once.
    init(urls: [WebSocketURL], readBufferBytes: Int = 256 * 1024) throws(BenchError) {
        precondition(!urls.isEmpty, "a pool needs at least one server")
        var endpoints: [(url: WebSocketURL, address: SocketAddress)] = []
        for url in urls { endpoints.append((url, try SocketAddress.resolve(host: url.host, port: url.port))) }
        self.endpoints = endpoints
        loop = try EventLoop()
        readBuffer = .allocate(byteCount: readBufferBytes, alignment: 16)
    }

    deinit {
        for connection in connections where !connection.isClosed { connection.socket.close() }
        readBuffer.deallocate()
    }

    /// Number of connections ever started.
    var count: Int { connections.count }

    /// Starts a connection (TCP connect, then upgrade) to the `endpoint`th server of the pool (modulo
    /// their number) and returns its id.
    func connect(endpoint: Int = 0) throws(BenchError) -> Int {
        let (url, address) = endpoints[endpoint % endpoints.count]
        let socket = try TCPSocket.connect(to: address)
        let handshake = WebSocketHandshake(
            host: url.hostHeader, path: url.path, key: WebSocketHandshake.randomKey(using: &random))
        let id = connections.count
        connections.append(
            Connection(socket: socket, state: WebSocketClientConnection(handshake: handshake), maskSeed: random.next()))
        connectingCount += 1
        do throws(BenchError) {
            try loop.add(socket.fd, token: UInt64(id), interest: EventLoop.readableAndWritable)
        } catch {
            close(id)
            throw error
        }
        return id
    }

    /// True while connection `id` is open (upgraded and not closed).
    func isOpen(_ id: Int) -> Bool {
        let connection = connections[id]
        return !connection.isClosed && connection.state.state == .open
    }

    /// Queues a text message on connection `id`; it leaves at the end of the current poll.
    func sendText(_ id: Int, _ payload: UnsafeRawBufferPointer) {
        let connection = connections[id]
        guard !connection.isClosed else { return }
        connection.outbound.appendText(payload)
        queueFlush(id, connection)
    }

    /// Queues a text message on connection `id`.
    func sendText(_ id: Int, _ payload: [UInt8]) {
        payload.withUnsafeBytes { sendText(id, $0) }
    }

    /// Waits up to `timeoutMilliseconds` for socket activity, handles it, then flushes queued writes.
    func poll<Delegate: ConnectionPoolDelegate>(timeoutMilliseconds: Int32, delegate: Delegate) throws(BenchError) {
        flush(delegate)
        try loop.wait(timeoutMilliseconds: timeoutMilliseconds) { readiness in
            let id = Int(readiness.token)
            let connection = connections[id]
            guard !connection.isClosed else { return }
            if connection.isConnecting {
                if readiness.isWritable { finishConnect(id, connection, delegate) }
                return
            }
            if readiness.isReadable { read(id, connection, delegate) }
            if readiness.isWritable && !connection.isClosed { write(id, connection, delegate) }
        }
        flush(delegate)
    }

    /// Sends a close frame (1000) on every open connection, writes what it can, then closes all sockets.
    func closeAll() {
        for (id, connection) in connections.enumerated() where !connection.isClosed {
            if connection.state.state == .open {
                connection.outbound.append(.close(code: 1000))
                connection.outbound.write { bytes in
                    if case .success(let count) = connection.socket.write(bytes) { return count }
                    return 0
                }
            }
            close(id)
        }
        flushQueue.removeAll()
    }

    private func finishConnect<Delegate: ConnectionPoolDelegate>(
        _ id: Int, _ connection: Connection, _ delegate: Delegate
    ) {
        let code = connection.socket.connectError()
        guard code == 0 else {
            fail(id, reason: BenchError.system("connect", errno: code).description, delegate)
            return
        }
        connection.isConnecting = false
        connection.outbound.appendRaw(connection.state.handshakeRequest)
        queueFlush(id, connection)
    }

    private func read<Delegate: ConnectionPoolDelegate>(_ id: Int, _ connection: Connection, _ delegate: Delegate) {
        switch connection.socket.read(into: readBuffer) {
        case .bytes(let count):
            bytesReceived += count
            do {
                try connection.state.receive(UnsafeRawBufferPointer(rebasing: readBuffer[0..<count])) { event in
                    switch event {
                    case .opened:
                        connectingCount -= 1
                        openCount += 1
                        delegate.connectionDidOpen(id, pool: self)
                    case .text(let payload), .binary(let payload):
                        delegate.connection(id, didReceive: payload, pool: self)
                    case .closed:
                        break
                    }
                }
            } catch {
                fail(id, reason: "\(error)", delegate)
                return
            }
            if connection.state.hasControlReplies {
                for reply in connection.state.takeControlReplies() { connection.outbound.append(reply) }
                queueFlush(id, connection)
            }
            if case .closed(let code) = connection.state.state {
                connection.outbound.write { bytes in
                    if case .success(let count) = connection.socket.write(bytes) { return count }
                    return 0
                }
                fail(id, reason: "closed by server (\(code.map(String.init) ?? "no code"))", delegate)
            }
        case .wouldBlock:
            return
        case .endOfStream:
            fail(id, reason: "connection closed by peer", delegate)
        case .failed(let code):
            fail(id, reason: BenchError.system("read", errno: code).description, delegate)
        }
    }

    private func write<Delegate: ConnectionPoolDelegate>(_ id: Int, _ connection: Connection, _ delegate: Delegate) {
        var failure: BenchError?
        connection.outbound.write { bytes in
            switch connection.socket.write(bytes) {
            case .success(let count): return count
            case .failure(let error): failure = error; return 0
            }
        }
        if let failure {
            fail(id, reason: failure.description, delegate)
            return
        }
        let wantsWritable = connection.outbound.unsentCount > 0
        guard wantsWritable != connection.watchesWritable else { return }
        connection.watchesWritable = wantsWritable
        do throws(BenchError) {
            try loop.modify(
                connection.socket.fd, token: UInt64(id),
                interest: wantsWritable ? EventLoop.readableAndWritable : EventLoop.readable)
        } catch {
            fail(id, reason: error.description, delegate)
        }
    }

    private func flush<Delegate: ConnectionPoolDelegate>(_ delegate: Delegate) {
        guard !flushQueue.isEmpty else { return }
        let queued = flushQueue
        flushQueue.removeAll(keepingCapacity: true)
        for id in queued {
            let connection = connections[id]
            connection.isQueuedForFlush = false
            guard !connection.isClosed, !connection.isConnecting else { continue }
            write(id, connection, delegate)
        }
    }

    private func queueFlush(_ id: Int, _ connection: Connection) {
        guard !connection.isQueuedForFlush else { return }
        connection.isQueuedForFlush = true
        flushQueue.append(id)
    }

    private func fail<Delegate: ConnectionPoolDelegate>(_ id: Int, reason: String, _ delegate: Delegate) {
        close(id)
        delegate.connectionDidClose(id, reason: reason, pool: self)
    }

    private func close(_ id: Int) {
        let connection = connections[id]
        guard !connection.isClosed else { return }
        connection.isClosed = true
        if connection.state.state == .handshaking {
            connectingCount -= 1
        } else {
            openCount -= 1
        }
        loop.remove(connection.socket.fd)
        connection.socket.close()
    }
}

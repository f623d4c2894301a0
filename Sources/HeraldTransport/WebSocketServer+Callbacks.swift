import CLibWebSockets
import Logging

/// The libwebsockets callback reasons the server handles, each turned into a machine event or a
/// delegate call (service thread).
extension WebSocketServer {
    /// Answers plain-HTTP requests; set before ``start()``.
    public var httpHandler: (any HTTPRequestHandler)? {
        get { http.handler }
        set { http.handler = newValue }
    }

    func handle(
        wsi: OpaquePointer, reason: lws_callback_reasons, session: UnsafeMutableRawPointer?,
        input: UnsafeMutableRawPointer?, length: Int
    ) -> Int32 {
        serviceThread.check()
        switch reason {
        case LWS_CALLBACK_FILTER_NETWORK_CONNECTION:
            return shuttingDown ? -1 : 0
        case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
            resources.offerFirstProtocol(of: wsi)
            return 0
        case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
            return admitHandshake(wsi)
        case LWS_CALLBACK_ESTABLISHED:
            guard let session else { return -1 }
            return opened(wsi: wsi, session: session)
        case LWS_CALLBACK_RECEIVE:
            guard let connection = connection(for: session) else { return -1 }
            return received(on: connection, input: input, length: length)
        case LWS_CALLBACK_SERVER_WRITEABLE:
            guard let connection = connection(for: session) else { return -1 }
            return writable(connection)
        case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
            // The client sent a close frame. One with a code no peer may send, or a reason that is
            // not UTF-8, fails the connection at once instead of being echoed.
            if let connection = connection(for: session) { update(connection) { $0.peerClosing() } }
            return ClosePayload.isValid(UnsafeRawBufferPointer(start: input, count: length)) ? 0 : -1
        case LWS_CALLBACK_CLOSED:
            if let connection = connection(for: session) { closed(connection) }
            return 0
        case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
            serviceWoken()
            return 0
        case LWS_CALLBACK_HTTP, LWS_CALLBACK_HTTP_BODY, LWS_CALLBACK_HTTP_BODY_COMPLETION,
             LWS_CALLBACK_HTTP_WRITEABLE, LWS_CALLBACK_CLOSED_HTTP, LWS_CALLBACK_HTTP_DROP_PROTOCOL:
            return http(wsi: wsi, reason: reason, session: session, input: input, length: length)
        default:
            return lws_callback_http_dummy(wsi, reason, session, input, length)
        }
    }

    /// Every plain-HTTP callback reason goes through here, and only here, to the HTTP handler.
    private func http(
        wsi: OpaquePointer, reason: lws_callback_reasons, session: UnsafeMutableRawPointer?,
        input: UnsafeMutableRawPointer?, length: Int
    ) -> Int32 {
        if let handled = http.handle(wsi: wsi, reason: reason, input: input, length: length) {
            if shuttingDown { stopWhenIdle() }
            return handled
        }
        return lws_callback_http_dummy(wsi, reason, session, input, length)
    }

    private func connection(for session: UnsafeMutableRawPointer?) -> ClientConnection? {
        guard let session else { return nil }
        return connections[session.load(as: ConnectionNumber.self)]
    }

    /// `LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION`: refuses the upgrade with an HTTP status when the
    /// server is full or shutting down, or the browser origin is not allowed.
    private func admitHandshake(_ wsi: OpaquePointer) -> Int32 {
        let verdict = gate.verdict(
            origin: LWSCalls.header(wsi, WSI_TOKEN_ORIGIN), openConnections: connections.count,
            shuttingDown: shuttingDown)
        guard case .refuse(let status, let reason) = verdict else { return 0 }
        counters.handshakesRefused += 1
        logger.notice("handshake refused", metadata: ["status": "\(status)", "reason": "\(reason)"])
        _ = reason.withCString { lws_return_http_status(wsi, status, $0) }
        return -1
    }

    private func opened(wsi: OpaquePointer, session: UnsafeMutableRawPointer) -> Int32 {
        if shuttingDown {
            counters.handshakesRefused += 1
            return -1
        }
        counters.handshakes += 1
        let number = nextNumber
        nextNumber += 1
        session.storeBytes(of: number, as: ConnectionNumber.self)
        connections[number] = ClientConnection(number: number, wsi: wsi, now: MonotonicClock.nanoseconds())
        if configuration.limits.socketSendBufferBytes > 0 {
            herald_set_send_buffer(lws_get_socket_fd(wsi), Int32(clamping: configuration.limits.socketSendBufferBytes))
        }
        delegate?.connectionOpened(number, address: LWSCalls.peerAddress(wsi))
        return 0
    }

    private func received(on connection: ClientConnection, input: UnsafeMutableRawPointer?, length: Int) -> Int32 {
        let bytes = UnsafeRawBufferPointer(start: input, count: input == nil ? 0 : length)
        let now = MonotonicClock.nanoseconds()
        let inbound = connection.machine.received(
            bytes, isText: lws_frame_is_binary(connection.wsi) == 0,
            isFinalFragment: lws_is_final_fragment(connection.wsi) != 0,
            remaining: Int(lws_remaining_packet_payload(connection.wsi)), rules: rules, now: now)
        switch inbound {
        case .ignored, .buffered:
            return 0
        case .tooLarge:
            var cut = ConnectionActions()
            cut.cut = .messageTooLarge
            perform(cut, on: connection)
            LWSCalls.setCloseReason(connection.wsi, status: 1009, reason: "message too large")
            return -1
        case .invalidText:
            LWSCalls.setCloseReason(connection.wsi, status: 1007, reason: "text message is not UTF-8")
            return -1
        case .completeInput:
            counters.messagesReceived &+= 1
            countMessage(now: now)
            delegate?.received(bytes, from: connection.number)
        case .completeAssembled(let message):
            counters.messagesReceived &+= 1
            countMessage(now: now)
            message.withUnsafeBytes { delegate?.received($0, from: connection.number) }
        }
        return 0
    }

    private func closed(_ connection: ClientConnection) {
        update(connection) { $0.closed() }
        connection.isOpen = false
        connections[connection.number] = nil
        delegate?.connectionClosed(connection.number)
        if shuttingDown { stopWhenIdle() }
    }

    /// Ends a shutdown once every WebSocket connection is gone and every HTTP request read has
    /// had its answer written (an answer may come in a later pass, once its commit is safe).
    @discardableResult
    private func stopWhenIdle() -> Bool {
        guard connections.isEmpty, !http.awaitingAnswers else { return false }
        stopLoop()
        return true
    }

    /// `lws_cancel_service` woke the loop: run the scheduled jobs, then start a requested shutdown.
    private func serviceWoken() {
        for job in control.takeJobs() { job() }
        guard control.shutdownRequested, !shuttingDown else { return }
        shuttingDown = true
        listener?.stop()
        logger.info("shutting down", metadata: ["connections": "\(connections.count)"])
        for connection in connections.values {
            perform(update(connection) { $0.shutdown() }, on: connection)
        }
        if !stopWhenIdle() { watchers.breakLoop(after: configuration.shutdownGraceSeconds) }
    }
}

import HeraldCore
import HeraldOperations
import HeraldTransport

/// Renders `GET /metrics`: the transport's and the API core's counters, and gauges read from the
/// live state. Everything is read on the service thread at scrape time.
enum PrometheusExporter {
    static func render(gateway: Gateway, server: WebSocketServer) -> [UInt8] {
        var page = PrometheusTextWriter()
        let transport = server.metrics
        page.single("herald_connections", .gauge, help: "Open WebSocket connections.", server.connectionCount)
        page.single("herald_handshakes_total", .counter, help: "WebSocket handshakes accepted.", transport.handshakes)
        page.single("herald_handshakes_refused_total", .counter,
                    help: "WebSocket handshakes refused (shutting down, full, or origin not allowed).", transport.handshakesRefused)
        page.single("herald_messages_received_total", .counter, help: "Complete inbound messages.",
                    transport.messagesReceived)
        page.single("herald_outbound_messages_total", .counter, help: "Messages queued for clients.",
                    transport.messagesQueued)
        page.single("herald_outbound_messages_dropped_total", .counter,
                    help: "Messages discarded: to a closing connection, or queued when a slow consumer was closed.",
                    transport.messagesDropped)
        page.single("herald_outbound_queue_bytes", .gauge, help: "Payload bytes queued and not yet written.",
                    server.outboundQueueBytes)
        page.single("herald_socket_writes_total", .counter, help: "Socket writes (each merges queued messages).",
                    transport.socketWrites)
        page.single("herald_socket_written_bytes_total", .counter, help: "Bytes handed to socket writes.",
                    transport.bytesWritten)
        page.family("herald_disconnects_total", .counter, help: "Connections closed by the server, by reason.")
        page.sample("herald_disconnects_total", labels: ["reason": "slow_consumer"], transport.slowConsumerDisconnects)
        page.sample("herald_disconnects_total", labels: ["reason": "message_too_large"],
                    transport.oversizedMessageDisconnects)
        page.sample("herald_disconnects_total", labels: ["reason": "idle"], transport.idleDisconnects)

        let core = gateway.metrics
        page.family("herald_requests_total", .counter, help: "API requests answered, by controller, action and status.")
        let keys = core.requests.keys.sorted { ($0.controller, $0.action, $0.status) < ($1.controller, $1.action, $1.status) }
        for key in keys {
            page.sample("herald_requests_total",
                        labels: ["controller": key.controller, "action": key.action, "status": String(key.status)],
                        core.requests[key] ?? 0)
        }
        page.histogram("herald_request_duration_seconds", help: "Time to handle a request and encode its response.",
                       bounds: GatewayMetrics.latencyBounds, counts: core.latencyBuckets,
                       sum: Double(core.latencySumNanoseconds) / 1e9)
        page.single("herald_malformed_messages_total", .counter, help: "Inbound messages that were not request frames.",
                    core.malformedMessages)
        page.single("herald_notifications_sent_total", .counter, help: "Notifications handed to the transport.",
                    core.notificationsSent)

        let realtime = gateway.realtimeFigures
        page.single("herald_rooms", .gauge, help: "Active realtime rooms (distinct filters).", realtime.rooms)
        page.single("herald_channels", .gauge, help: "Active channels (room and subscription options).",
                    realtime.channels)
        page.single("herald_subscriptions", .gauge, help: "Subscriptions (one per connection and channel).",
                    realtime.subscriptions)
        page.family("herald_documents", .gauge, help: "Stored documents per index.")
        for (index, documents) in gateway.documentsPerIndex {
            page.sample("herald_documents", labels: ["index": index], documents)
        }
        return Array(page.text.utf8)
    }
}

import HeraldCore
import HeraldOperations
import HeraldTransport
import HeraldWire
import Logging

/// Connects the libwebsockets server to the API core: inbound events go to the gateway, the
/// gateway's frames go back to the server. Lives on the service thread, like both of them: every
/// gateway entry checks it in debug builds (``ServiceThread``).
final class TransportBridge: WebSocketServerDelegate, ClientOutbox {
    private unowned let server: WebSocketServer
    private var gateway: Gateway!
    private let site: StaticSite

    /// - Parameter sink: where commits are made safe (`nil`: in memory).
    init(server: WebSocketServer, configuration: GatewayConfiguration, site: StaticSite, sink: (any CommitSink)? = nil,
         logger: Logger) {
        self.server = server
        self.site = site
        gateway = Gateway(configuration: configuration, outbox: self, sink: sink, logger: logger)
    }

    /// The API core the bridge feeds.
    var core: Gateway { gateway }

    func connectionOpened(_ connection: ConnectionNumber) {
        server.serviceThread.check()
        gateway.connectionOpened(ConnectionID(connection))
    }

    func received(_ message: UnsafeRawBufferPointer, from connection: ConnectionNumber) {
        server.serviceThread.check()
        gateway.receive(message, from: ConnectionID(connection))
    }

    func secondElapsed() {
        server.serviceThread.check()
        gateway.secondElapsed()
    }

    func connectionClosed(_ connection: ConnectionNumber) {
        server.serviceThread.check()
        gateway.connectionClosed(ConnectionID(connection))
    }

    func endOfLoopPass() {
        server.serviceThread.check()
        gateway.endOfPass()
    }

    func httpRequest(path: String) -> HTTPResponse {
        server.serviceThread.check()
        switch path {
        case "/_healthcheck":
            let status: JSONValue = [
                "status": "green", "connections": .int(gateway.connectionCount),
                "rooms": .int(gateway.registry.roomCount), "version": .string(HeraldVersion.current),
            ]
            return HTTPResponse(
                status: 200, contentType: "application/json", body: JSONWriter.encode(status),
                extraHeaders: StaticSite.securityHeaders)
        case "/metrics":
            return HTTPResponse(status: 200, contentType: PrometheusTextWriter.contentType,
                                body: PrometheusExporter.render(gateway: gateway, server: server))
        default:
            return site.response(for: path) ?? HTTPResponse(
                status: 404, contentType: "text/plain; charset=utf-8", body: Array("Not found\n".utf8),
                extraHeaders: StaticSite.securityHeaders)
        }
    }

    func send(_ frame: [UInt8], to connection: ConnectionID) {
        server.send(frame, to: connection.rawValue)
    }
}

import HeraldCore
import HeraldOperations
import HeraldStore
import HeraldTransport
import HeraldWire
import Logging

/// Connects the libwebsockets server to the API core: inbound events go to the gateway, the
/// gateway's frames go back to the server; plain HTTP goes to the server's own pages or to Kuzzle's
/// HTTP API. Lives on the service thread, like both of them: every gateway entry checks it in debug
/// builds (``ServiceThread``).
final class TransportBridge: WebSocketServerDelegate, HTTPRequestHandler, ClientOutbox {
    private unowned let server: WebSocketServer
    private var gateway: Gateway!
    private let site: StaticSite
    private var api: HTTPAPI!

    /// - Parameter sink: where commits are made safe (the journal of `--data-dir`); `nil` keeps them in memory.
    init(server: WebSocketServer, configuration: GatewayConfiguration, site: StaticSite, sink: (any CommitSink)?,
         logger: Logger) {
        self.server = server
        self.site = site
        let workers = WorkerQueueExecutor(threads: configuration.security.passwordWorkers, control: server.control,
                                          serviceThread: server.serviceThread)
        gateway = Gateway(configuration: configuration, outbox: self, sink: sink, offLoop: workers, logger: logger)
        api = HTTPAPI(gateway: gateway, allowedOrigins: server.configuration.allowedOrigins)
    }

    /// The documents the gateway serves (loaded from the data directory before the port opens).
    var store: DocumentStore { gateway.store }

    /// The pipeline a durable sink reports to.
    var commitPipeline: CommitPipeline { gateway.commitPipeline }

    /// Rebuilds the security model and the validation specifications from the store (after a
    /// load or a rollback).
    func reloadInternalState() {
        gateway.reloadInternalState()
    }

    /// The API core the bridge feeds.
    var core: Gateway { gateway }

    func connectionOpened(_ connection: ConnectionNumber, address: String?) {
        server.serviceThread.check()
        gateway.connectionOpened(ConnectionID(connection), address: address)
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

    /// Plain HTTP: the server's own pages (health, readiness, metrics, the test page and its files)
    /// for GET and HEAD, Kuzzle's API for everything else. `GET /` is the page for browsers
    /// (`Accept: text/html`) and `server:info` for API clients.
    func httpRequest(_ request: HTTPRequest, reply: HTTPReply) {
        server.serviceThread.check()
        guard api.allows(origin: request.headers["origin"]) else {
            reply.send(HTTPResponse(status: 403, contentType: "text/plain; charset=utf-8",
                                    body: Array("origin not allowed\n".utf8), extraHeaders: StaticSite.securityHeaders))
            return
        }
        if request.method == "GET" || request.method == "HEAD" {
            let browser = request.headers["accept"]?.contains("text/html") ?? false
            switch request.path {
            case "/_healthcheck", "/_ready", "/metrics":
                reply.send(page(path: request.path))
                return
            case "/" where !browser:
                break
            case "/":
                // A browser asking for the page when none is served gets 404, not the API.
                reply.send(site.response(for: "/") ?? Self.notFound)
                return
            default:
                if let file = site.response(for: request.path) {
                    reply.send(file)
                    return
                }
            }
        }
        api.handle(request, reply: reply)
    }

    /// The answer to a page path with no file.
    private static let notFound = HTTPResponse(
        status: 404, contentType: "text/plain; charset=utf-8", body: Array("Not found\n".utf8),
        extraHeaders: StaticSite.securityHeaders)

    /// `/_ready`, `/_healthcheck`, or else `/metrics`.
    private func page(path: String) -> HTTPResponse {
        switch path {
        case "/_ready":
            return HTTPResponse(status: 200, contentType: "application/json", body: Array(#"{"status":"ready"}"#.utf8),
                                extraHeaders: StaticSite.securityHeaders)
        case "/_healthcheck":
            let status: JSONValue = [
                "status": "green", "connections": .int(gateway.connectionCount),
                "rooms": .int(gateway.registry.roomCount), "version": .string(HeraldVersion.current),
            ]
            return HTTPResponse(
                status: 200, contentType: "application/json", body: JSONWriter.encode(status),
                extraHeaders: StaticSite.securityHeaders)
        default:
            return HTTPResponse(status: 200, contentType: PrometheusTextWriter.contentType,
                                body: PrometheusExporter.render(gateway: gateway, server: server))
        }
    }

    func send(_ frame: [UInt8], to connection: ConnectionID) {
        server.send(frame, to: connection.rawValue)
    }
}

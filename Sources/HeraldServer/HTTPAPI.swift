import HeraldCore
import HeraldTransport
import HeraldWire

/// Kuzzle's HTTP API on the server's port: CORS preflight, the origin check, then each request
/// mapped to the request frame the WebSocket path would carry and run by the same gateway. The
/// answer is Kuzzle's HTTP envelope with the Kuzzle status, sent when the commit pipeline
/// releases it (possibly in a later loop pass).
///
/// Each request runs as its own short-lived gateway connection, opened before and closed after
/// its answer, as Kuzzle does for HTTP.
///
/// Concurrency: used on the service thread only (the server calls it there, and the pipeline
/// releases answers there); `@unchecked Sendable` so the gateway's `@Sendable` reply closure may
/// hold it.
final class HTTPAPI: @unchecked Sendable {
    /// Kuzzle's default `Access-Control-Allow-Headers` and `-Methods`.
    static let allowHeaders =
        "Content-Type, Access-Control-Allow-Headers, Authorization, X-Requested-With, Content-Length, Content-Encoding, X-Kuzzle-Volatile"
    static let allowMethods = "GET,POST,PUT,PATCH,DELETE,OPTIONS,HEAD"
    /// HTTP requests get connection numbers from the top half of the space, so they never meet
    /// the WebSocket server's.
    private static let firstConnection: UInt64 = 1 << 63

    private unowned let gateway: Gateway
    private let mapper: HTTPRequestMapper
    private let allowedOrigins: Set<String>
    private let nodeID: String
    private var nextConnection = HTTPAPI.firstConnection
    /// Numbers the requests that fail before reaching the gateway and sent no request id.
    private var unroutedCount = 0

    init(gateway: Gateway, allowedOrigins: Set<String>) {
        self.gateway = gateway
        self.allowedOrigins = allowedOrigins
        nodeID = gateway.configuration.nodeID
        mapper = HTTPRequestMapper(routes: .builtIn(implemented: gateway.implementedActions),
                                   maximumJSONDepth: gateway.configuration.maxJSONDepth)
    }

    /// Whether a browser origin may call the API (no `Origin` header: not a browser, allowed).
    func allows(origin: String?) -> Bool {
        guard let origin, !allowedOrigins.isEmpty else { return true }
        return allowedOrigins.contains(origin)
    }

    /// Runs one API request and answers it through `reply`.
    func handle(_ request: HTTPRequest, reply: HTTPReply) {
        let origin = request.headers["origin"]
        let pretty = request.queryFragments.contains { $0 == "pretty" || $0.hasPrefix("pretty=") }
        if request.method == "OPTIONS" {
            let echo = HTTPEnvelope.Echo(frame: JSONObject(), requestId: request.headers["x-kuzzle-request-id"] ?? unroutedID())
            reply.send(response(HTTPEnvelope.encode(echo, result: .success(.object(JSONObject())), nodeID: nodeID),
                                status: 200, requestId: echo.requestId, origin: origin))
            return
        }
        if request.pipelinedBody {
            fail(.unexpectedHTTPError("a request with a body cannot be pipelined; send it after the previous answer"),
                 partial: JSONObject(), request: request, pretty: pretty, reply: reply)
            return
        }
        if request.bodyExceededLimit {
            fail(.requestTooLarge, partial: JSONObject(), request: request, pretty: pretty, reply: reply)
            return
        }
        let apiRequest = HTTPAPIRequest(
            verb: request.method == "HEAD" ? "GET" : request.method, path: request.path,
            query: HTTPQueryString.pairs(fragments: request.queryFragments),
            contentType: request.headers["content-type"], authorization: request.headers["authorization"],
            volatile: request.headers["x-kuzzle-volatile"], requestId: request.headers["x-kuzzle-request-id"],
            body: request.body)
        switch mapper.map(apiRequest) {
        case .failure(let error, let partial):
            fail(error, partial: partial, request: request, pretty: pretty, reply: reply)
        case .frame(let frame):
            let connection = ConnectionID(nextConnection)
            nextConnection &+= 1
            gateway.connectionOpened(connection, address: request.peerAddress)
            gateway.execute(frame: frame, protocolName: "http", connection: connection, reply: .handler { [self] done, outcome in
                if case .success(.raw(let answer)) = outcome {
                    reply.send(rawResponse(answer, requestId: done.requestId, origin: origin))
                    gateway.connectionClosed(connection)
                    return
                }
                let result: Result<JSONValue?, KuzzleError> = outcome.map { action in
                    if case .value(let value) = action { return value }
                    return nil
                }
                let echo = HTTPEnvelope.Echo(frame: done.frame, requestId: done.requestId)
                let status: Int
                if case .failure(let error) = outcome { status = error.status } else { status = 200 }
                reply.send(response(HTTPEnvelope.encode(echo, result: result, nodeID: nodeID, pretty: pretty),
                                    status: status, requestId: done.requestId, origin: origin))
                gateway.connectionClosed(connection)
            })
        }
    }

    /// Answers an error found before the gateway ran (mapping, size).
    private func fail(_ error: KuzzleError, partial: JSONObject, request: HTTPRequest, pretty: Bool, reply: HTTPReply) {
        let requestId = partial["requestId"]?.stringValue ?? request.headers["x-kuzzle-request-id"] ?? unroutedID()
        let echo = HTTPEnvelope.Echo(frame: partial, requestId: requestId)
        reply.send(response(HTTPEnvelope.encode(echo, result: .failure(error), nodeID: nodeID, pretty: pretty),
                            status: error.status, requestId: requestId, origin: request.headers["origin"]))
    }

    /// A request id for an answer the gateway does not give one.
    private func unroutedID() -> String {
        unroutedCount += 1
        return "\(nodeID)-http-\(unroutedCount)"
    }

    /// An action's own body (Kuzzle's raw answers), with Kuzzle's headers then the action's.
    private func rawResponse(_ answer: RawAnswer, requestId: String, origin: String?) -> HTTPResponse {
        var headers = kuzzleHeaders(requestId: requestId, origin: origin)
        for name in answer.headers.keys.sorted() { headers.append((name, answer.headers[name]!)) }
        return HTTPResponse(status: 200, contentType: answer.contentType, body: answer.body, extraHeaders: headers,
                            bodyStream: answer.stream)
    }

    /// A JSON answer with Kuzzle's headers.
    private func response(_ body: [UInt8], status: Int, requestId: String, origin: String?) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "application/json", body: body,
                     extraHeaders: kuzzleHeaders(requestId: requestId, origin: origin))
    }

    /// CORS, request id and `nosniff`, on every API answer.
    private func kuzzleHeaders(requestId: String, origin: String?) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = [
            ("Access-Control-Allow-Headers", Self.allowHeaders),
            ("Access-Control-Allow-Methods", Self.allowMethods),
        ]
        if let origin {
            headers.append(("Access-Control-Allow-Origin", origin))
            headers.append(("Vary", "Origin"))
        } else {
            headers.append(("Access-Control-Allow-Origin", "*"))
        }
        headers.append(("X-Kuzzle-Request-Id", requestId))
        headers.append(("X-Content-Type-Options", "nosniff"))
        return headers
    }
}

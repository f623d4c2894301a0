/// One complete plain-HTTP request (not a WebSocket upgrade), as read by the server.
public struct HTTPRequest: Sendable {
    /// Upper-case verb: `GET`, `POST`, `PUT`, `PATCH`, `DELETE`, `OPTIONS` or `HEAD`.
    public var method: String
    /// The path, percent-decoded by libwebsockets, without the query string.
    public var path: String
    /// Query arguments as decoded `name=value` fragments, in order.
    public var queryFragments: [String]
    /// The request headers the API reads, by lower-case name (see ``HTTPRequest/readHeaders``).
    public var headers: [String: String]
    /// The whole body (Content-Length or chunked).
    public var body: [UInt8]
    /// The client's IP address, when known.
    public var peerAddress: String?
    /// The body went over the size limit: it was read and dropped, and ``body`` is empty.
    public var bodyExceededLimit = false
    /// The request has a body but was pipelined behind the previous one, which libwebsockets
    /// cannot read reliably: ``body`` is empty, the request must be refused, and the connection
    /// closes after the answer.
    public var pipelinedBody = false

    public init(method: String, path: String, queryFragments: [String] = [], headers: [String: String] = [:],
                body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.queryFragments = queryFragments
        self.headers = headers
        self.body = body
    }

    /// The headers read from each request.
    public static let readHeaders = [
        "accept", "authorization", "content-type", "origin", "access-control-request-headers",
        "x-kuzzle-volatile", "x-kuzzle-request-id",
    ]
}

/// Answers one HTTP request, now or later.
///
/// Concurrency: a reply is used on the service thread only, like the server that made it; it may
/// be kept and used in a later loop pass (an answer the commit pipeline holds back).
public final class HTTPReply: @unchecked Sendable {
    private weak var exchanges: HTTPExchanges?
    private let wsi: OpaquePointer
    private let exchange: UInt64
    private var used = false

    init(exchanges: HTTPExchanges, wsi: OpaquePointer, exchange: UInt64) {
        self.exchanges = exchanges
        self.wsi = wsi
        self.exchange = exchange
    }

    /// Sends the answer; later calls are ignored, and so is an answer to a closed connection.
    public func send(_ response: HTTPResponse) {
        guard !used else { return }
        used = true
        exchanges?.answer(response, wsi: wsi, exchange: exchange)
    }
}

/// What the server asks of the application for plain HTTP. Called on the service thread.
public protocol HTTPRequestHandler: AnyObject {
    /// A complete request; answer it exactly once through `reply`, during the call or later.
    /// Requests on one connection are handed over one at a time, in order: the next one comes
    /// after this one is answered.
    func httpRequest(_ request: HTTPRequest, reply: HTTPReply)
}

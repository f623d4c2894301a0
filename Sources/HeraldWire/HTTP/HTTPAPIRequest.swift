/// An HTTP request as the Kuzzle API mapping needs it: verb, decoded path, query arguments, the
/// few headers Kuzzle reads, and the whole body.
public struct HTTPAPIRequest: Sendable {
    /// Upper-case verb.
    public var verb: String
    /// The percent-decoded path, without the query string.
    public var path: String
    /// Decoded query arguments in order (an argument given without `=` has an empty value).
    public var query: [(name: String, value: String)]
    /// `Content-Type`, if sent.
    public var contentType: String?
    /// `Authorization`, if sent.
    public var authorization: String?
    /// `X-Kuzzle-Volatile`, if sent.
    public var volatile: String?
    /// `X-Kuzzle-Request-Id`, if sent: the request id to answer with.
    public var requestId: String?
    public var body: [UInt8]

    public init(verb: String, path: String, query: [(name: String, value: String)] = [], contentType: String? = nil,
                authorization: String? = nil, volatile: String? = nil, requestId: String? = nil, body: [UInt8] = []) {
        self.verb = verb.uppercased()
        self.path = path
        self.query = query
        self.contentType = contentType
        self.authorization = authorization
        self.volatile = volatile
        self.requestId = requestId
        self.body = body
    }

    /// Whether `?pretty` asks for an indented answer.
    public var wantsPrettyOutput: Bool { query.contains { $0.name == "pretty" } }
}

/// What an action answers: a `result` value, nothing (the `result` key is then left out), or a
/// body of its own for HTTP.
public enum ActionResult: Sendable, Equatable {
    case value(JSONValue)
    case none
    /// Kuzzle's raw answers (`server:openapi`, `document:export`): HTTP sends the body as is,
    /// with its own content type, instead of the envelope; other transports carry `value` as
    /// the envelope's `result`.
    case raw(RawAnswer)
}

/// A whole HTTP answer body an action built itself, at once (`body`) or piece by piece
/// (`stream`). Safe to share across threads; a stream is called on the thread the action ran on.
public struct RawAnswer: Sendable, Equatable {
    /// The `Content-Type` of the body.
    public let contentType: String
    /// Headers sent after Kuzzle's own (for instance `Content-Disposition`).
    public let headers: [String: String]
    public let body: [UInt8]
    /// When set, the body is these pieces, in order, until `nil` (HTTP sends them chunked, each
    /// as the socket takes the previous one), and `body` is unused.
    public let stream: (@Sendable () -> [UInt8]?)?
    /// The `result` of the envelope on transports that cannot send a raw body.
    public let value: JSONValue

    public init(contentType: String, headers: [String: String] = [:], body: [UInt8] = [],
                stream: (@Sendable () -> [UInt8]?)? = nil, value: JSONValue) {
        self.contentType = contentType
        self.headers = headers
        self.body = body
        self.stream = stream
        self.value = value
    }

    /// Equal members; two streams compare equal only as both present or both absent.
    public static func == (lhs: RawAnswer, rhs: RawAnswer) -> Bool {
        lhs.contentType == rhs.contentType && lhs.headers == rhs.headers && lhs.body == rhs.body
            && (lhs.stream == nil) == (rhs.stream == nil) && lhs.value == rhs.value
    }
}

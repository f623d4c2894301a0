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

/// A whole HTTP answer body an action built itself. A value: safe to share across threads.
public struct RawAnswer: Sendable, Equatable {
    /// The `Content-Type` of the body.
    public let contentType: String
    /// Headers sent after Kuzzle's own (for instance `Content-Disposition`).
    public let headers: [String: String]
    public let body: [UInt8]
    /// The `result` of the envelope on transports that cannot send a raw body.
    public let value: JSONValue

    public init(contentType: String, headers: [String: String] = [:], body: [UInt8], value: JSONValue) {
        self.contentType = contentType
        self.headers = headers
        self.body = body
        self.value = value
    }
}

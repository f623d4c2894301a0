/// The JSON body of a Kuzzle HTTP answer: the response envelope the WebSocket frame carries,
/// without `room` (HTTP answers are matched by their connection, not by a room).
///
/// Keys in Kuzzle's order (`action`, `collection`, `controller`, `error`, `headers`, `index`,
/// `node`, `requestId`, `result`, `status`, `volatile`); `?pretty` indents by two spaces as
/// `JSON.stringify(value, null, 2)` does.
public enum HTTPEnvelope {
    /// The echoed members of the request, read from its frame as the WebSocket envelope reads them.
    public struct Echo: Sendable {
        public var requestId: String
        public var controller: JSONValue
        public var action: JSONValue
        public var index: JSONValue
        public var collection: JSONValue
        public var volatile: JSONValue

        /// Echoes from a request frame: strings or `null`; `volatile` an object or `null`.
        public init(frame: JSONObject, requestId: String) {
            func echo(_ key: String) -> JSONValue {
                if case .string? = frame[key] { return frame[key]! }
                return .null
            }
            self.requestId = requestId
            controller = echo("controller")
            action = echo("action")
            index = echo("index")
            collection = echo("collection")
            if case .object? = frame["volatile"] { volatile = frame["volatile"]! } else { volatile = .null }
        }
    }

    /// The body for an action's outcome; `result` nil leaves the key out (as for `index:create`).
    public static func encode(_ echo: Echo, result: Result<JSONValue?, KuzzleError>, nodeID: String,
                              pretty: Bool = false) -> [UInt8] {
        var envelope = JSONObject()
        envelope.append("action", echo.action)
        envelope.append("collection", echo.collection)
        envelope.append("controller", echo.controller)
        switch result {
        case .success: envelope.append("error", .null)
        case .failure(let error): envelope.append("error", error.json)
        }
        envelope.append("headers", .object(JSONObject()))
        envelope.append("index", echo.index)
        envelope.append("node", .string(nodeID))
        envelope.append("requestId", .string(echo.requestId))
        switch result {
        case .success(let value?): envelope.append("result", value)
        case .success(nil): break
        case .failure: envelope.append("result", .null)
        }
        let status: Int
        if case .failure(let error) = result { status = error.status } else { status = 200 }
        envelope.append("status", .int(status))
        envelope.append("volatile", echo.volatile)
        return pretty ? JSONPrettyWriter.encode(.object(envelope)) : JSONWriter.encode(.object(envelope))
    }
}

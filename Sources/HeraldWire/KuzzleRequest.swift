/// One parsed request frame, with Kuzzle's argument accessors.
///
/// Every accessor throws the exact Kuzzle error for a missing or mistyped argument, so an action
/// states its checks in the order Kuzzle makes them.
public struct KuzzleRequest: Sendable {
    /// The whole frame as received.
    public let frame: JSONObject
    public let requestId: String
    public let controller: String
    public let action: String
    /// Epoch milliseconds when the request was received.
    public let timestamp: Int
    /// The connection it came from.
    public let connection: ConnectionID
    /// The kuid of the user the request runs as; set by the gateway once the `jwt` is checked.
    public var userID = "-1"
    /// The transport it came over, as notifications name it: `websocket` or `http`.
    public let protocolName: String

    public init(frame: JSONObject, requestId: String, controller: String, action: String, timestamp: Int,
                connection: ConnectionID, protocolName: String = "websocket") {
        self.frame = frame
        self.requestId = requestId
        self.controller = controller
        self.action = action
        self.timestamp = timestamp
        self.connection = connection
        self.protocolName = protocolName
    }

    /// The `volatile` object, or `null` when absent or not an object.
    public var volatile: JSONValue {
        guard let volatile = frame["volatile"], case .object = volatile else { return .null }
        return volatile
    }

    /// `controller` as echoed in responses (`null` when absent or not a string).
    public var controllerEcho: JSONValue { echo("controller") }
    /// `action` as echoed in responses (`null` when absent or not a string).
    public var actionEcho: JSONValue { echo("action") }
    /// The token the request carries (`jwt`; HTTP fills it from `Authorization: Bearer`).
    public var jwt: String? {
        guard case .string(let token)? = frame["jwt"], !token.isEmpty else { return nil }
        return token
    }

    /// `index` as echoed in responses (`null` when absent).
    public var indexEcho: JSONValue { echo("index") }
    /// `collection` as echoed in responses (`null` when absent).
    public var collectionEcho: JSONValue { echo("collection") }

    private func echo(_ key: String) -> JSONValue {
        guard let value = frame[key], case .string = value else { return .null }
        return value
    }

    /// A required, non-empty string argument.
    public func string(_ name: String) throws(KuzzleError) -> String {
        guard let value = frame[name], !value.isNull else { throw .missingArgument(name) }
        guard case .string(let string) = value else { throw .invalidType(name, expected: "string") }
        guard !string.isEmpty else { throw .missingArgument(name) }
        return string
    }

    /// An optional string argument (`nil` when absent or null).
    public func optionalString(_ name: String) throws(KuzzleError) -> String? {
        guard let value = frame[name], !value.isNull else { return nil }
        guard case .string(let string) = value else { throw .invalidType(name, expected: "string") }
        return string
    }

    /// The index argument.
    public func index() throws(KuzzleError) -> String { try string("index") }
    /// The collection argument.
    public func collection() throws(KuzzleError) -> String { try string("collection") }

    /// An optional boolean argument; absent or null gives `defaultValue`.
    public func bool(_ name: String, default defaultValue: Bool = false) throws(KuzzleError) -> Bool {
        guard let value = frame[name], !value.isNull else { return defaultValue }
        guard case .bool(let bool) = value else { throw .invalidType(name, expected: "boolean") }
        return bool
    }

    /// An optional integer argument; absent or null gives `defaultValue`.
    public func integer(_ name: String, default defaultValue: Int) throws(KuzzleError) -> Int {
        guard let value = frame[name], !value.isNull else { return defaultValue }
        guard let integer = value.integerValue else { throw .invalidType(name, expected: "integer") }
        return integer
    }

    /// The request body; it must be present and an object.
    public func body() throws(KuzzleError) -> JSONObject {
        guard let value = frame["body"], !value.isNull else { throw .bodyRequired }
        guard case .object(let body) = value else { throw .invalidType("body", expected: "object") }
        return body
    }

    /// The body, or an empty object when absent.
    public func optionalBody() throws(KuzzleError) -> JSONObject {
        guard let value = frame["body"], !value.isNull else { return JSONObject() }
        guard case .object(let body) = value else { throw .invalidType("body", expected: "object") }
        return body
    }

    /// The `refresh` option: `"wait_for"`, `"false"`, `false` or absent.
    public func validateRefresh() throws(KuzzleError) {
        switch frame["refresh"] {
        case nil, .null, .string("wait_for"), .string("false"), .bool(false): return
        default: throw .invalidRefresh
        }
    }

    /// The `retryOnConflict` option: an integer ≥ 0.
    public func validateRetryOnConflict() throws(KuzzleError) {
        _ = try retryOnConflict()
    }

    /// How many times a write refused for a version conflict runs again (`retryOnConflict`, 0 when absent).
    public func retryOnConflict() throws(KuzzleError) -> Int {
        let retries = try integer("retryOnConflict", default: 0)
        guard retries >= 0 else { throw .invalidArgument("retryOnConflict", expected: "positive integer") }
        return retries
    }
}

extension JSONObject {
    /// A required object member of a body (`body.<name>`), reported with its dotted name.
    public func requiredObject(_ name: String) throws(KuzzleError) -> JSONObject {
        guard let value = self[name], !value.isNull else { throw .missingArgument("body.\(name)") }
        guard case .object(let object) = value else { throw .invalidType("body.\(name)", expected: "object") }
        return object
    }

    /// An optional object member of a body.
    public func optionalObject(_ name: String) throws(KuzzleError) -> JSONObject? {
        guard let value = self[name], !value.isNull else { return nil }
        guard case .object(let object) = value else { throw .invalidType("body.\(name)", expected: "object") }
        return object
    }

    /// A required string member of a body.
    public func requiredString(_ name: String) throws(KuzzleError) -> String {
        guard let value = self[name], !value.isNull else { throw .missingArgument("body.\(name)") }
        guard case .string(let string) = value else { throw .invalidType("body.\(name)", expected: "string") }
        return string
    }
}

/// A Kuzzle API error: the `error` object of a response frame.
///
/// Ids, codes, statuses and messages are Kuzzle's own, byte for byte. Build errors through the
/// static factories, one per catalogue row, so every message is spelled in one place.
public struct KuzzleError: Error, Sendable, Equatable {
    /// Dotted error id, e.g. `api.assert.missing_argument`.
    public let id: String
    /// `domain << 24 | subdomain << 16 | error`.
    public let code: Int
    /// HTTP-like status, also the envelope's `status`.
    public let status: Int
    /// Human-readable message.
    public let message: String
    /// The values substituted into the message.
    public let props: [String]

    public init(id: String, code: Int, status: Int, message: String, props: [String] = []) {
        self.id = id
        self.code = code
        self.status = status
        self.message = message
        self.props = props
    }

    /// The error as the `error` member of a response frame.
    public var json: JSONValue {
        .object([
            "code": .int(code),
            "id": .string(id),
            "message": .string(message),
            "props": .array(props.map { .string($0) }),
            "status": .int(status),
        ])
    }
}

// MARK: - api.assert

extension KuzzleError {
    public static func missingArgument(_ name: String) -> KuzzleError {
        KuzzleError(id: "api.assert.missing_argument", code: 33_619_971, status: 400,
                    message: "Missing argument \"\(name)\".", props: [name])
    }

    public static let bodyRequired = KuzzleError(
        id: "api.assert.body_required", code: 33_619_976, status: 400,
        message: "The request must specify a body.")

    public static func invalidType(_ name: String, expected: String) -> KuzzleError {
        KuzzleError(id: "api.assert.invalid_type", code: 33_619_969, status: 400,
                    message: "Wrong type for argument \"\(name)\" (expected: \(expected))",
                    props: [name, expected])
    }

    public static func invalidArgument(_ name: String, expected: String) -> KuzzleError {
        KuzzleError(id: "api.assert.invalid_argument", code: 33_619_970, status: 400,
                    message: "Invalid argument \"\(name)\". Expected: \(expected)",
                    props: [name, expected])
    }

    public static func koncordeDSLError(_ message: String) -> KuzzleError {
        KuzzleError(id: "api.assert.koncorde_dsl_error", code: 33_619_982, status: 400,
                    message: message, props: [message])
    }
}

// MARK: - api.process

extension KuzzleError {
    public static func controllerNotFound(_ controller: String) -> KuzzleError {
        KuzzleError(id: "api.process.controller_not_found", code: 33_685_508, status: 404,
                    message: "API controller \"\(controller)\" not found.", props: [controller])
    }

    public static func actionNotFound(controller: String, action: String) -> KuzzleError {
        KuzzleError(id: "api.process.action_not_found", code: 33_685_509, status: 404,
                    message: "API action \"\(controller)\":\"\(action)\" not found",
                    props: [controller, action])
    }

    public static func incompleteMultipleRequest(_ action: String) -> KuzzleError {
        KuzzleError(id: "api.process.incomplete_multiple_request", code: 33_685_514, status: 400,
                    message: "At least one of the \(action) actions failed.", props: [action])
    }
}

// MARK: - network.websocket

extension KuzzleError {
    public static func unexpectedWebSocketError(_ detail: String) -> KuzzleError {
        KuzzleError(id: "network.websocket.unexpected_error", code: 50_528_257, status: 400,
                    message: "Caught an unexpected WebSocket error: \(detail)", props: [detail])
    }

    public static let rateLimitExceeded = KuzzleError(
        id: "network.websocket.ratelimit_exceeded", code: 50_528_258, status: 429,
        message: "Rejected: too many requests received from that socket")
}

// MARK: - network.http

extension KuzzleError {
    public static let requestTooLarge = KuzzleError(
        id: "network.http.request_too_large", code: 50_397_185, status: 413,
        message: "Maximum HTTP request size exceeded.")

    public static func unexpectedHTTPError(_ detail: String) -> KuzzleError {
        KuzzleError(id: "network.http.unexpected_error", code: 50_397_186, status: 400,
                    message: "Caught an unexpected HTTP error: \(detail)", props: [detail])
    }

    public static func unsupportedVerb(_ verb: String) -> KuzzleError {
        KuzzleError(id: "network.http.unsupported_verb", code: 50_397_190, status: 400,
                    message: "Unsupported HTTP verb \"\(verb)\".", props: [verb])
    }

    public static func urlNotFound(_ url: String) -> KuzzleError {
        KuzzleError(id: "network.http.url_not_found", code: 50_397_191, status: 404,
                    message: "API URL not found: \(url).", props: [url])
    }

    public static func unsupportedContent(_ contentType: String) -> KuzzleError {
        KuzzleError(id: "network.http.unsupported_content", code: 50_397_192, status: 400,
                    message: "Invalid request content-type. Expected \"application/json\", got: \"\(contentType)\".",
                    props: [contentType])
    }

    public static func unsupportedCharset(_ charset: String) -> KuzzleError {
        KuzzleError(id: "network.http.unsupported_charset", code: 50_397_193, status: 400,
                    message: "Unsupported request charset. Expected \"utf-8\", got: \"\(charset)\".",
                    props: [charset])
    }

    public static func volatileParseFailed(_ detail: String) -> KuzzleError {
        KuzzleError(id: "network.http.volatile_parse_failed", code: 50_397_195, status: 400,
                    message: "Unable to convert the \"x-kuzzle-volatile\" HTTP header to JSON: \(detail)",
                    props: [detail])
    }

    public static func bodyParseFailed(_ excerpt: String) -> KuzzleError {
        KuzzleError(id: "network.http.body_parse_failed", code: 50_397_196, status: 400,
                    message: "Unable to convert the HTTP body to JSON: \(excerpt)", props: [excerpt])
    }
}

// MARK: - services.storage

extension KuzzleError {
    public static func documentNotFound(_ id: String, index: String, collection: String) -> KuzzleError {
        KuzzleError(id: "services.storage.not_found", code: 16_842_763, status: 404,
                    message: "Document \"\(id)\" not found in \"\(index)\":\"\(collection)\".",
                    props: [id, index, collection])
    }

    public static let documentAlreadyExists = KuzzleError(
        id: "services.storage.document_already_exists", code: 16_842_769, status: 400,
        message: "Document already exists.")

    public static func unknownIndex(_ index: String) -> KuzzleError {
        KuzzleError(id: "services.storage.unknown_index", code: 16_842_753, status: 412,
                    message: "The index \"\(index)\" does not exist.", props: [index])
    }

    public static func unknownCollection(_ index: String, _ collection: String) -> KuzzleError {
        KuzzleError(id: "services.storage.unknown_collection", code: 16_842_754, status: 412,
                    message: "The collection \"\(index)\":\"\(collection)\" does not exist.",
                    props: [index, collection])
    }

    public static func indexAlreadyExists(_ index: String) -> KuzzleError {
        KuzzleError(id: "services.storage.index_already_exists", code: 16_842_790, status: 412,
                    message: "A public index named \"\(index)\" already exists", props: ["public", index])
    }

    public static let invalidRefresh = KuzzleError(
        id: "services.storage.invalid_argument", code: 16_842_771, status: 400,
        message: "Argument \"refresh\" is invalid (expected: \"wait_for\", false)",
        props: ["refresh", "\"wait_for\", false"])
}

// MARK: - core.realtime

extension KuzzleError {
    public static func roomNotFound(_ roomId: String) -> KuzzleError {
        KuzzleError(id: "core.realtime.room_not_found", code: 65_537, status: 404,
                    message: "The room \"\(roomId)\" doesn't exist", props: [roomId])
    }

    public static func notSubscribed(user: String, roomId: String) -> KuzzleError {
        KuzzleError(id: "core.realtime.not_subscribed", code: 65_544, status: 412,
                    message: "User \"\(user)\" has not subscribed to \"\(roomId)\".", props: [user, roomId])
    }

    public static let invalidScope = KuzzleError(
        id: "core.realtime.invalid_scope", code: 65_540, status: 400,
        message: "Invalid value for the \"scope\" parameter (allowed: \"all\", \"in\", \"out\", \"none\").")

    public static let invalidUsers = KuzzleError(
        id: "core.realtime.invalid_users", code: 65_541, status: 400,
        message: "Invalid value for the \"users\" parameter (allowed: \"all\", \"in\", \"out\", \"none\").")

    public static let tooManyRooms = KuzzleError(
        id: "core.realtime.too_many_rooms", code: 65_543, status: 413,
        message: "Unable to subscribe: maximum number of unique rooms reached.")
}

// MARK: - security

extension KuzzleError {
    public static func unauthorized(controller: String, action: String) -> KuzzleError {
        KuzzleError(id: "security.rights.unauthorized", code: 117_637_121, status: 401,
                    message: "Unauthorized action [\(controller)/\(action)] for anonymous user.",
                    props: [controller, action])
    }

    public static let invalidToken = KuzzleError(
        id: "security.token.invalid", code: 117_506_049, status: 401, message: "Invalid token.")

    public static let expiredToken = KuzzleError(
        id: "security.token.expired", code: 117_506_054, status: 401, message: "Token expired")
}

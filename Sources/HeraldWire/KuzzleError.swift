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

// MARK: - security (Kuzzle's whole 0x07 domain)

extension KuzzleError {
    // security.rights

    /// An anonymous user may not run the action: log in first.
    public static func unauthorized(controller: String, action: String) -> KuzzleError {
        KuzzleError(id: "security.rights.unauthorized", code: 117_637_121, status: 401,
                    message: "Unauthorized: authentication required to execute the action \"\(controller):\(action)\".",
                    props: [controller, action])
    }

    /// An authenticated user lacks the right to run the action.
    public static func forbidden(controller: String, action: String, user: String) -> KuzzleError {
        KuzzleError(id: "security.rights.forbidden", code: 117_637_122, status: 403,
                    message: "Insufficient permissions to execute the action \"\(controller):\(action)\" (User \"\(user)\").",
                    props: [controller, action, user])
    }

    // security.token

    public static let invalidToken = KuzzleError(
        id: "security.token.invalid", code: 117_506_049, status: 401, message: "Invalid token.")

    public static let unknownTokenUser = KuzzleError(
        id: "security.token.unknown_user", code: 117_506_050, status: 500,
        message: "Unknown User : cannot generate token")

    public static let unknownTokenConnection = KuzzleError(
        id: "security.token.unknown_connection", code: 117_506_051, status: 500,
        message: "Unknown connection : cannot generate token")

    public static let tokenTTLExceeded = KuzzleError(
        id: "security.token.ttl_exceeded", code: 117_506_052, status: 400,
        message: "expiresIn value exceeds maximum allowed value")

    public static func tokenGenerationFailed(_ detail: String) -> KuzzleError {
        KuzzleError(id: "security.token.generation_failed", code: 117_506_053, status: 500,
                    message: "Error while generating token: \(detail)", props: [detail])
    }

    public static let expiredToken = KuzzleError(
        id: "security.token.expired", code: 117_506_054, status: 401, message: "Token expired")

    public static func tokenVerificationError(_ detail: String) -> KuzzleError {
        KuzzleError(id: "security.token.verification_error", code: 117_506_055, status: 500,
                    message: "Error verifying token: \(detail)", props: [detail])
    }

    public static let tokenRefreshForbidden = KuzzleError(
        id: "security.token.refresh_forbidden", code: 117_506_056, status: 401,
        message: "Token cannot be refreshed.")

    // security.credentials

    public static func unknownStrategy(_ strategy: String) -> KuzzleError {
        KuzzleError(id: "security.credentials.unknown_strategy", code: 117_571_585, status: 400,
                    message: "Unknown authentication strategy \"\(strategy)\"", props: [strategy])
    }

    public static func credentialsDatabaseInconsistency(_ user: String) -> KuzzleError {
        KuzzleError(id: "security.credentials.database_inconsistency", code: 117_571_586, status: 500,
                    message: "Internal database inconsistency detected: existing credentials found on non-existing user \(user).",
                    props: [user])
    }

    public static func credentialsRejected(_ reason: String) -> KuzzleError {
        KuzzleError(id: "security.credentials.rejected", code: 117_571_587, status: 400,
                    message: "Credentials rejected: \(reason)", props: [reason])
    }

    // security.user

    public static func userAlreadyExists(_ user: String) -> KuzzleError {
        KuzzleError(id: "security.user.already_exists", code: 117_702_657, status: 412,
                    message: "User \(user) already exists.", props: [user])
    }

    public static func userNotFound(_ user: String) -> KuzzleError {
        KuzzleError(id: "security.user.not_found", code: 117_702_658, status: 404,
                    message: "User \"\(user)\" not found.", props: [user])
    }

    public static let anonymousProfileRequired = KuzzleError(
        id: "security.user.anonymous_profile_required", code: 117_702_659, status: 400,
        message: "The anonymous user must be assigned to the anonymous profile")

    public static func userCannotHydrate(_ user: String) -> KuzzleError {
        KuzzleError(id: "security.user.cannot_hydrate", code: 117_702_660, status: 500,
                    message: "Unable to hydrate the user \"\(user)\": missing profile(s) in the database",
                    props: [user])
    }

    public static func userUninitialized(_ user: String) -> KuzzleError {
        KuzzleError(id: "security.user.uninitialized", code: 117_702_661, status: 500,
                    message: "Cannot get profiles for uninitialized user \"\(user)\"", props: [user])
    }

    public static let userPreventOverwrite = KuzzleError(
        id: "security.user.prevent_overwrite", code: 117_702_662, status: 400,
        message: "Cannot overwrite existing users.")

    public static func userNoProfile(_ user: String) -> KuzzleError {
        KuzzleError(id: "security.user.no_profile", code: 117_702_663, status: 500,
                    message: "Cannot load user \"\(user)\": there is no security profiles associated to it",
                    props: [user])
    }

    // security.role

    public static func roleNotFound(_ role: String) -> KuzzleError {
        KuzzleError(id: "security.role.not_found", code: 117_768_193, status: 404,
                    message: "Role \"\(role)\" not found.", props: [role])
    }

    public static let roleLoginRequired = KuzzleError(
        id: "security.role.login_required", code: 117_768_194, status: 400,
        message: "Cannot remove the \"login\" action from the anonymous role.")

    public static let roleCannotDelete = KuzzleError(
        id: "security.role.cannot_delete", code: 117_768_195, status: 400,
        message: "The following roles are protected and cannot be deleted: anonymous, default, admin")

    public static func roleInUse(_ role: String) -> KuzzleError {
        KuzzleError(id: "security.role.in_use", code: 117_768_196, status: 412,
                    message: "The role \"\(role)\" is still used and cannot be deleted.", props: [role])
    }

    public static func roleUninitialized(_ role: String) -> KuzzleError {
        KuzzleError(id: "security.role.uninitialized", code: 117_768_197, status: 500,
                    message: "Cannot check permissions on the uninitialized role \"\(role)\"", props: [role])
    }

    public static func roleInvalidRights(_ role: String, path: String, detail: String) -> KuzzleError {
        KuzzleError(id: "security.role.invalid_rights", code: 117_768_198, status: 400,
                    message: "Invalid rights for role \"\(role)\" (path: \"\(path)\"): \(detail)",
                    props: [role, path, detail])
    }

    public static func roleClosureExecFailed(_ first: String, _ second: String, detail: String) -> KuzzleError {
        KuzzleError(id: "security.role.closure_exec_failed", code: 117_768_199, status: 400,
                    message: "Invalid definition for [\(first), \(second)]: \(detail)", props: [first, second, detail])
    }

    public static func roleClosureMissingTest(_ role: String, _ path: String, detail: String) -> KuzzleError {
        KuzzleError(id: "security.role.closure_missing_test", code: 117_768_200, status: 400,
                    message: "Missing or malformed \"test\" attribute  for role \(role) (\(path)) : \(detail)",
                    props: [role, path, detail])
    }

    public static func roleUnknownController(_ role: String, controller: String, hint: String) -> KuzzleError {
        KuzzleError(id: "security.role.unknown_controller", code: 117_768_201, status: 400,
                    message: "Trying to set role \(role) with a non-existing controller '\(controller)'. \(hint)",
                    props: [role, controller, hint])
    }

    public static func roleUnknownAction(_ role: String, action: String, controller: String, hint: String)
        -> KuzzleError
    {
        KuzzleError(id: "security.role.unknown_action", code: 117_768_202, status: 400,
                    message: "Trying to set role \(role) with a non-existing action '\(action)' in controller '\(controller)'. \(hint)",
                    props: [role, action, controller, hint])
    }

    // security.profile

    public static func profileNotFound(_ profile: String) -> KuzzleError {
        KuzzleError(id: "security.profile.not_found", code: 117_833_729, status: 404,
                    message: "Profile \"\(profile)\" not found.", props: [profile])
    }

    public static let profileCannotDelete = KuzzleError(
        id: "security.profile.cannot_delete", code: 117_833_730, status: 400,
        message: "The following profiles are protected and cannot be deleted: anonymous, default, admin")

    public static func profileInUse(_ profile: String) -> KuzzleError {
        KuzzleError(id: "security.profile.in_use", code: 117_833_731, status: 412,
                    message: "The profile \"\(profile)\" is still used and cannot be deleted.", props: [profile])
    }

    public static func profileCannotHydrate(_ profile: String) -> KuzzleError {
        KuzzleError(id: "security.profile.cannot_hydrate", code: 117_833_732, status: 500,
                    message: "Unable to hydrate the profile \"\(profile)\": missing role(s) in the database",
                    props: [profile])
    }

    public static let profileMissingAnonymousRole = KuzzleError(
        id: "security.profile.missing_anonymous_role", code: 117_833_733, status: 400,
        message: "The anonymous profile must include the anonymous role")

    public static func profileUninitialized(_ profile: String) -> KuzzleError {
        KuzzleError(id: "security.profile.uninitialized", code: 117_833_734, status: 500,
                    message: "Cannot get roles for uninitialized profile \"\(profile)\"", props: [profile])
    }

    // security.cookie

    public static let invalidCookie = KuzzleError(
        id: "security.cookie.invalid", code: 117_899_265, status: 401, message: "Invalid cookie.")

    public static let cookieUnsupported = KuzzleError(
        id: "security.cookie.unsupported", code: 117_899_266, status: 500,
        message: "Cookie authentication not supported.")
}

// MARK: - api errors the security actions raise

extension KuzzleError {
    public static func emptyArgument(_ name: String) -> KuzzleError {
        KuzzleError(id: "api.assert.empty_argument", code: 33_619_972, status: 400,
                    message: "The argument \"\(name)\" is empty.", props: [name])
    }

    public static func unexpectedArgument(_ name: String, accepted: String) -> KuzzleError {
        KuzzleError(id: "api.assert.unexpected_argument", code: 33_619_975, status: 400,
                    message: "Unexpected argument \"\(name)\" (accepted arguments: \(accepted))",
                    props: [name, accepted])
    }

    public static func forbiddenArgument(_ name: String) -> KuzzleError {
        KuzzleError(id: "api.assert.forbidden_argument", code: 33_619_979, status: 400,
                    message: "The argument \"\(name)\" is not allowed by this API action.", props: [name])
    }

    public static let adminExists = KuzzleError(
        id: "api.process.admin_exists", code: 33_685_513, status: 412, message: "Admin user is already set.")

    /// A request refused because the work it needs cannot be queued now (password derivations).
    public static let overloaded = KuzzleError(
        id: "api.process.overloaded", code: 33_685_506, status: 503,
        message: "Request discarded: Kuzzle Server is temporarily overloaded.")

    /// Too many failed logins, or more requests in a second than the user's profiles allow.
    public static let tooManyRequests = KuzzleError(
        id: "api.process.too_many_requests", code: 33_685_512, status: 429,
        message: "Rejected: requests rate limit exceeded for this user.")

    /// A strategy refused the credentials of a login (`reason` is the strategy's message).
    public static func loginRefused(_ reason: String) -> KuzzleError {
        KuzzleError(id: "plugin.strategy.missing_user", code: 67_305_492, status: 401,
                    message: reason, props: [reason])
    }

    /// A local login with an unknown username or a wrong password (the local strategy's answer).
    public static let wrongCredentials = loginRefused("wrong username or password")
}

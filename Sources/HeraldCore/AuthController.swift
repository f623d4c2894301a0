import HeraldSecurity
import HeraldWire

/// `auth`: local login with JWTs, logout, token checks and the current user's own data.
///
/// The gateway has already checked the request's token and rights and set its `userID`.
final class AuthController: Controller {
    let name = "auth"
    static let strategies = ["local"]

    private let gate: SecurityGate
    private let clock: any EpochClock
    private var store: SecurityStore { gate.store }

    init(gate: SecurityGate, clock: any EpochClock) {
        self.gate = gate
        self.clock = clock
    }

    func actions() -> [String: Action] {
        [
            "checkToken": { request, _ throws(KuzzleError) in try self.checkToken(request) },
            "login": { request, _ throws(KuzzleError) in try self.login(request) },
            "getStrategies": { _, _ in .value(.array(Self.strategies.map { .string($0) })) },
            "getCurrentUser": { request, _ in .value(self.currentUser(request)) },
            "getMyRights": { request, _ in
                let rights = self.store.model.rights(ofUser: request.userID)
                return .value(["hits": .array(rights.map(\.json)), "total": .int(rights.count)])
            },
            "logout": { request, _ throws(KuzzleError) in
                try Self.requireAuthenticated(request)
                return try self.logout(request)
            },
            "refreshToken": { request, _ throws(KuzzleError) in
                try Self.requireAuthenticated(request)
                return try self.refreshToken(request)
            },
            "credentialsExist": { request, _ throws(KuzzleError) in
                try Self.requireAuthenticated(request)
                try Self.checkStrategy(request)
                return .value(.bool(self.store.username(of: request.userID) != nil))
            },
            "checkRights": { request, _ throws(KuzzleError) in try self.checkRights(request) },
            "createMyCredentials": { request, effects throws(KuzzleError) in
                try self.myCredentials(request, &effects)
            },
            "updateMyCredentials": { request, effects throws(KuzzleError) in
                try self.myCredentials(request, &effects)
            },
            "validateMyCredentials": { request, _ throws(KuzzleError) in
                try Self.requireAuthenticated(request)
                try Self.checkStrategy(request)
                _ = try SecurityController.validate(try request.body(), kuid: request.userID, in: self.store)
                return .value(true)
            },
            "deleteMyCredentials": { request, effects throws(KuzzleError) in
                try Self.requireAuthenticated(request)
                try Self.checkStrategy(request)
                self.store.deleteCredentials(of: request.userID)
                effects.append(contentsOf: self.store.takeEffects())
                return .value(["acknowledged": true])
            },
            "getMyCredentials": { request, _ throws(KuzzleError) in
                try Self.requireAuthenticated(request)
                try Self.checkStrategy(request)
                guard let username = self.store.username(of: request.userID) else { return .value([:]) }
                return .value(["kuid": .string(request.userID), "username": .string(username)])
            },
            "updateSelf": { request, effects throws(KuzzleError) in
                try Self.requireAuthenticated(request)
                let result = try self.updateSelf(request)
                effects.append(contentsOf: self.store.takeEffects())
                return result
            },
        ]
    }

    /// Kuzzle's `assertIsAuthenticated`.
    static func requireAuthenticated(_ request: KuzzleRequest) throws(KuzzleError) {
        if request.userID == SecurityUser.anonymousID {
            throw .unauthorized(controller: request.controller, action: request.action)
        }
    }

    /// The `strategy` argument, which must be `local`.
    @discardableResult
    static func checkStrategy(_ request: KuzzleRequest) throws(KuzzleError) -> String {
        let strategy = try request.string("strategy")
        guard strategies.contains(strategy) else { throw .unknownStrategy(strategy) }
        return strategy
    }

    private func checkToken(_ request: KuzzleRequest) throws(KuzzleError) -> ActionResult {
        let body = try request.optionalBody()
        let token = body["token"] ?? .null
        if token.isNull || token == .string("") {
            return .value(["expiresAt": .null, "kuid": "-1", "valid": true])
        }
        guard case .string(let jwt) = token else { throw .invalidType("body.token", expected: "string") }
        do {
            let claims = try gate.verify(jwt, nowMilliseconds: clock.nowMilliseconds())
            return .value(["expiresAt": claims.expiresAtMilliseconds.map { .int($0) } ?? .int(-1),
                           "kuid": .string(claims.userID), "valid": true])
        } catch {
            return .value(["state": .string(error.message), "valid": false])
        }
    }

    private func login(_ request: KuzzleRequest) throws(KuzzleError) -> ActionResult {
        try Self.checkStrategy(request)
        let body = try request.optionalBody()
        guard case .string(let username)? = body["username"], case .string(let password)? = body["password"] else {
            throw .loginRefused("Missing credentials")
        }
        let now = clock.nowMilliseconds()
        let kuid = try gate.login(username: username, password: password, connection: request.connection,
                                  nowMilliseconds: now)
        let token = try gate.issue(for: kuid, expiresIn: request.frame["expiresIn"], nowMilliseconds: now)
        _ = try gate.verify(token.jwt, nowMilliseconds: now)
        gate.link(token.jwt, to: request.connection)
        return .value(token.json)
    }

    private func logout(_ request: KuzzleRequest) throws(KuzzleError) -> ActionResult {
        if try request.bool("global") {
            gate.revokeTokens(of: request.userID, nowMilliseconds: clock.nowMilliseconds())
        } else if let jwt = request.jwt {
            gate.revoke(jwt)
        }
        return .value(["acknowledged": true])
    }

    private func refreshToken(_ request: KuzzleRequest) throws(KuzzleError) -> ActionResult {
        let now = clock.nowMilliseconds()
        let token = try gate.issue(for: request.userID, expiresIn: request.frame["expiresIn"], nowMilliseconds: now)
        _ = try gate.verify(token.jwt, nowMilliseconds: now)
        gate.link(token.jwt, to: request.connection)
        if let old = request.jwt, old != token.jwt { gate.revoke(old) }
        return .value(token.json)
    }

    private func currentUser(_ request: KuzzleRequest) -> JSONValue {
        var user = SecurityObjects.user(request.userID, in: store)
        let strategies: [JSONValue] = store.username(of: request.userID) == nil ? [] : ["local"]
        user["strategies"] = .array(strategies)
        return .object(user)
    }

    /// `checkRights`: whether the current user may run the request described by the body.
    private func checkRights(_ request: KuzzleRequest) throws(KuzzleError) -> ActionResult {
        let body = try request.body()
        guard case .string(let controller)? = body["controller"] else { throw .missingArgument("body.controller") }
        guard case .string(let action)? = body["action"] else { throw .missingArgument("body.action") }
        let allowed = store.model.isAllowed(RightsQuery(
            user: request.userID, controller: controller, action: action, index: body["index"]?.stringValue,
            collection: body["collection"]?.stringValue))
        return .value(["allowed": .bool(allowed)])
    }

    /// `createMyCredentials` / `updateMyCredentials`: the current user's `local` credentials.
    private func myCredentials(_ request: KuzzleRequest, _ effects: inout [Effect]) throws(KuzzleError) -> ActionResult {
        try Self.requireAuthenticated(request)
        try Self.checkStrategy(request)
        let creating = request.action == "createMyCredentials"
        let current = store.username(of: request.userID)
        if creating, current != nil {
            throw .credentialsRejected("A strategy already exists for user \"\(request.userID)\".")
        }
        if !creating, current == nil {
            throw .credentialsRejected("A strategy does not exist for user \"\(request.userID)\".")
        }
        let local = try SecurityController.validate(try request.body(), kuid: request.userID, in: store,
                                                    partial: !creating)
        store.setCredentials(of: request.userID, username: local.username, password: local.password,
                             by: DocumentController.context(request))
        effects.append(contentsOf: store.takeEffects())
        return .value(["kuid": .string(request.userID), "username": .string(local.username)])
    }

    private func updateSelf(_ request: KuzzleRequest) throws(KuzzleError) -> ActionResult {
        let body = try request.body()
        for forbidden in ["_id", "profileIds"] where body[forbidden] != nil {
            throw .forbiddenArgument("body.\(forbidden)")
        }
        guard let user = store.model.users[request.userID] else { throw .userNotFound(request.userID) }
        var content = user.content
        for (key, value) in body { content[key] = value }
        store.put(SecurityUser(id: user.id, profileIds: user.profileIds, content: content),
                  by: DocumentController.context(request))
        return .value(.object(SecurityObjects.user(user.id, in: store)))
    }
}

import HeraldSecurity
import HeraldWire

/// A token handed out by `auth:login` or `auth:refreshToken`.
struct IssuedToken {
    let userID: String
    let jwt: String
    /// Milliseconds since the epoch; `nil` for a token that never expires.
    let expiresAt: Int?
    /// Lifetime in milliseconds; -1 for a token that never expires.
    let ttl: Int

    var json: JSONValue {
        ["_id": .string(userID), "jwt": .string(jwt), "expiresAt": expiresAt.map { .int($0) } ?? .int(-1),
         "ttl": .int(ttl)]
    }
}

/// The token a connection sent last, its claims, and the form the parser can recognize it in.
private final class LastToken {
    let jwt: String
    let claims: TokenClaims
    let reusable: ReusableString?

    init(jwt: String, claims: TokenClaims) {
        self.jwt = jwt
        self.claims = claims
        reusable = ReusableString(jwt)
    }
}

/// The last token of each connection. The parser and then the rights check ask for the same
/// connection one after the other, so the entry found last is kept aside and the second asks
/// no dictionary.
private struct LastTokens {
    private var byConnection: [ConnectionID: LastToken] = [:]
    private var recentConnection: ConnectionID?
    private var recentToken: LastToken?

    var isEmpty: Bool { byConnection.isEmpty }
    var tokens: Dictionary<ConnectionID, LastToken>.Values { byConnection.values }

    subscript(connection: ConnectionID) -> LastToken? {
        mutating get {
            if recentConnection == connection { return recentToken }
            let token = byConnection[connection]
            recentConnection = connection
            recentToken = token
            return token
        }
        set {
            byConnection[connection] = newValue
            recentConnection = nil
            recentToken = nil
        }
    }

    mutating func removeAll() {
        byConnection.removeAll()
        recentConnection = nil
        recentToken = nil
    }
}

/// Who a request runs as: the user its `jwt` names (or anonymous), and whether it may run.
///
/// A connection's last token and its claims are kept, so a request that repeats it pays one
/// comparison, an expiry check and one cached rights decision; other tokens are verified once and
/// cached by their text. Tokens are linked to the connections that used
/// them, so that their expiry can be told to each. Not thread-safe: owned by the gateway.
final class SecurityGate {
    let store: SecurityStore
    let settings: SecuritySettings
    private let signer: JSONWebTokenSigner
    private var revocations = TokenRevocations()
    private var verified: [String: TokenClaims] = [:]
    private var limiter: LoginAttemptLimiter
    /// token → connections that authenticated with it; connection → its tokens.
    private var connectionsByToken: [String: Set<ConnectionID>] = [:]
    private var tokensByConnection: [ConnectionID: Set<String>] = [:]
    /// token → its expiry (ms), for the tokens linked to a connection.
    private var expiryByToken: [String: Int] = [:]
    /// Tokens already warned of their coming expiry.
    private var warned: Set<String> = []
    /// (connection, room) subscriptions made with a token.
    private var subscriptionsByToken: [String: [(ConnectionID, String)]] = [:]
    private static let maximumCachedTokens = 100_000
    /// user → second since which its older tokens are void (`logout` with `global`).
    private var voidBefore: [String: Int] = [:]
    /// The token each connection sent last and its claims: a client repeats its token on every
    /// request, so most checks compare it with this one instead of hashing it. The parser is
    /// handed it too (``repeatedToken(of:)``), so the repeat shares its storage and compares at once.
    private var lastTokenByConnection = LastTokens()
    /// The client address of each connection whose transport gave one.
    private var addressByConnection: [ConnectionID: String] = [:]

    init(store: SecurityStore, settings: SecuritySettings) {
        self.store = store
        self.settings = settings
        signer = JSONWebTokenSigner(secret: settings.jwtSecret)
        limiter = LoginAttemptLimiter(maxFailures: settings.loginAttemptsPerMinute)
    }

    // MARK: - Per request

    /// Checks the request's token and rights; returns the kuid it runs as.
    ///
    /// `auth:login` and `auth:checkToken` run as anonymous when their token is bad (a client
    /// with a stale token must still be able to log in again).
    func authorize(_ request: KuzzleRequest, index: String?, collection: String?, nowMilliseconds: Int)
        throws(KuzzleError) -> String
    {
        var userID = SecurityUser.anonymousID
        if let jwt = request.jwt {
            do throws(KuzzleError) {
                if let last = lastTokenByConnection[request.connection], last.jwt == jwt {
                    if let expiry = last.claims.expiresAtMilliseconds, expiry <= nowMilliseconds { throw .expiredToken }
                    userID = last.claims.userID
                } else {
                    let claims = try verify(jwt, nowMilliseconds: nowMilliseconds)
                    link(jwt, to: request.connection)
                    lastTokenByConnection[request.connection] = LastToken(jwt: jwt, claims: claims)
                    userID = claims.userID
                }
            } catch {
                let lenient = request.controller == "auth" && (request.action == "login" || request.action == "checkToken")
                if !lenient { throw error }
            }
        }
        let query = RightsQuery(user: userID, controller: request.controller, action: request.action,
                                index: index, collection: collection)
        if store.model.isAllowed(query) { return userID }
        if userID == SecurityUser.anonymousID {
            throw .unauthorized(controller: request.controller, action: request.action)
        }
        throw .forbidden(controller: request.controller, action: request.action, user: userID)
    }

    /// The token `connection` sent last, for the parser to recognize in its next request.
    func repeatedToken(of connection: ConnectionID) -> ReusableString? {
        if lastTokenByConnection.isEmpty { return nil }
        return lastTokenByConnection[connection]?.reusable
    }

    /// The claims of a valid, unrevoked token whose user still exists.
    func verify(_ jwt: String, nowMilliseconds: Int) throws(KuzzleError) -> TokenClaims {
        if let claims = verified[jwt] {
            if let expiry = claims.expiresAtMilliseconds, expiry <= nowMilliseconds { throw .expiredToken }
            return claims
        }
        if revocations.isRevoked(jwt) { throw .invalidToken }
        let claims: TokenClaims
        do {
            claims = try signer.verify(jwt, nowMilliseconds: nowMilliseconds)
        } catch .expired {
            throw .expiredToken
        } catch {
            throw .invalidToken
        }
        guard store.model.users[claims.userID] != nil else { throw .invalidToken }
        if let cutoff = voidBefore[claims.userID], claims.issuedAt < cutoff { throw .invalidToken }
        if verified.count >= Self.maximumCachedTokens { verified.removeAll(keepingCapacity: true) }
        verified[jwt] = claims
        return claims
    }

    // MARK: - Login

    /// Records the client address of a connection, which login attempts are then counted against.
    func connectionOpened(_ connection: ConnectionID, address: String) {
        addressByConnection[connection] = address
    }

    /// The limiter keys of a login: its username, and its client address (else its connection).
    private func loginKeys(username: String, connection: ConnectionID) -> (user: String, client: String) {
        ("user:" + username, addressByConnection[connection].map { "address:" + $0 } ?? "connection:\(connection.rawValue)")
    }

    /// Whether a request that is an `auth:login` may try now (anything else may): a refused login
    /// is answered without deriving its password.
    func admitsLogin(_ request: KuzzleRequest, nowMilliseconds: Int) -> Bool {
        guard request.controller == "auth", request.action == "login",
              case .object(let body)? = request.frame["body"], case .string(let username)? = body["username"]
        else { return true }
        let keys = loginKeys(username: username, connection: request.connection)
        return limiter.admits(keys.user, nowMilliseconds: nowMilliseconds)
            && limiter.admits(keys.client, nowMilliseconds: nowMilliseconds)
    }

    /// The kuid for a local login, with attempt limiting per username and per client address
    /// (per connection when the transport gave no address).
    func login(username: String, password: String, connection: ConnectionID, nowMilliseconds: Int)
        throws(KuzzleError) -> String
    {
        let (userKey, clientKey) = loginKeys(username: username, connection: connection)
        guard limiter.admits(userKey, nowMilliseconds: nowMilliseconds),
              limiter.admits(clientKey, nowMilliseconds: nowMilliseconds)
        else { throw .tooManyRequests }
        guard let kuid = store.authenticate(username: username, password: password),
              store.model.users[kuid] != nil
        else {
            limiter.recordFailure(userKey, nowMilliseconds: nowMilliseconds)
            limiter.recordFailure(clientKey, nowMilliseconds: nowMilliseconds)
            throw .wrongCredentials
        }
        limiter.recordSuccess(userKey)
        return kuid
    }

    /// A new token for `userID`; `expiresIn` in Kuzzle's formats, the default TTL when absent.
    func issue(for userID: String, expiresIn: JSONValue?, nowMilliseconds: Int) throws(KuzzleError) -> IssuedToken {
        var lifetime = TokenLifetime.milliseconds(settings.defaultTokenTTL)
        if let expiresIn, !expiresIn.isNull { lifetime = try TokenLifetime.parse(expiresIn) }
        let expiresAt: Int?
        let ttl: Int
        switch lifetime {
        case .unlimited:
            if settings.maxTokenTTL != nil { throw .tokenTTLExceeded }
            expiresAt = nil
            ttl = -1
        case .milliseconds(let milliseconds):
            if let maximum = settings.maxTokenTTL, milliseconds > maximum { throw .tokenTTLExceeded }
            expiresAt = nowMilliseconds + milliseconds
            ttl = milliseconds
        }
        let jwt = signer.sign(TokenClaims(userID: userID, issuedAt: nowMilliseconds / 1000,
                                          expiresAtMilliseconds: expiresAt))
        return IssuedToken(userID: userID, jwt: jwt, expiresAt: expiresAt, ttl: ttl)
    }

    // MARK: - Sessions

    /// Records that `connection` authenticated with `jwt` (it is told when the token expires).
    func link(_ jwt: String, to connection: ConnectionID) {
        guard connectionsByToken[jwt]?.contains(connection) != true else { return }
        connectionsByToken[jwt, default: []].insert(connection)
        tokensByConnection[connection, default: []].insert(jwt)
        if let expiry = verified[jwt]?.expiresAtMilliseconds { expiryByToken[jwt] = expiry }
    }

    /// Records a subscription made with `jwt`, dropped when the token expires or is revoked.
    func subscribed(_ jwt: String, connection: ConnectionID, roomId: String) {
        subscriptionsByToken[jwt, default: []].append((connection, roomId))
    }

    /// Revokes one token (logout).
    func revoke(_ jwt: String) {
        let expiry = verified[jwt]?.expiresAtMilliseconds
        verified[jwt] = nil
        revocations.revoke(jwt, expiresAtMilliseconds: expiry)
        unlink(jwt)
    }

    /// Revokes every token of the user (user deletion, `logout` with `global`): the cached ones
    /// now, the others (issued before this second) when they next show up.
    func revokeTokens(of userID: String, nowMilliseconds: Int) {
        voidBefore[userID] = nowMilliseconds / 1000
        // Only the caches can hold a token of the user without checking that the user exists.
        let cached = verified.filter { $0.value.userID == userID }.map(\.key)
            + lastTokenByConnection.tokens.filter { $0.claims.userID == userID }.map(\.jwt)
        for jwt in Set(cached) { revoke(jwt) }
    }

    /// Forgets every verified token (`admin:resetCache` of `internalCache`): each is verified
    /// again on its next use. Revocations and token expiry tracking are state, not cache: kept.
    func flushTokenCache() {
        verified.removeAll()
        lastTokenByConnection.removeAll()
    }

    /// Subscriptions to drop for a revoked or expired token.
    func takeSubscriptions(of jwt: String) -> [(ConnectionID, String)] {
        subscriptionsByToken.removeValue(forKey: jwt) ?? []
    }

    private func unlink(_ jwt: String) {
        for connection in connectionsByToken.removeValue(forKey: jwt) ?? [] {
            if lastTokenByConnection[connection]?.jwt == jwt { lastTokenByConnection[connection] = nil }
            tokensByConnection[connection]?.remove(jwt)
            if tokensByConnection[connection]?.isEmpty == true { tokensByConnection[connection] = nil }
        }
        expiryByToken[jwt] = nil
        warned.remove(jwt)
    }

    func connectionClosed(_ connection: ConnectionID) {
        lastTokenByConnection[connection] = nil
        addressByConnection[connection] = nil
        for jwt in tokensByConnection.removeValue(forKey: connection) ?? [] {
            connectionsByToken[jwt]?.remove(connection)
            if connectionsByToken[jwt]?.isEmpty == true {
                connectionsByToken[jwt] = nil
                expiryByToken[jwt] = nil
                warned.remove(jwt)
            }
            subscriptionsByToken[jwt]?.removeAll { $0.0 == connection }
        }
    }

    /// Tokens that expired by `now`, each with the connections that used it; forgets them.
    func expire(nowMilliseconds: Int) -> [(jwt: String, connections: Set<ConnectionID>)] {
        let due = expiryByToken.filter { $0.value <= nowMilliseconds }.map(\.key)
        var expired: [(String, Set<ConnectionID>)] = []
        for jwt in due {
            let connections = connectionsByToken[jwt] ?? []
            unlink(jwt)
            verified[jwt] = nil
            expired.append((jwt, connections))
        }
        if !due.isEmpty { revocations.prune(nowMilliseconds: nowMilliseconds) }
        return expired
    }

    /// Tokens that expire within the warning delay and were not warned yet, with their
    /// connections and expiry.
    func expiringSoon(nowMilliseconds: Int) -> [(connections: Set<ConnectionID>, expiresAt: Int)] {
        guard settings.expiryWarningMilliseconds > 0 else { return [] }
        var soon: [(Set<ConnectionID>, Int)] = []
        for (jwt, expiry) in expiryByToken
        where expiry - nowMilliseconds <= settings.expiryWarningMilliseconds && !warned.contains(jwt) {
            warned.insert(jwt)
            soon.append((connectionsByToken[jwt] ?? [], expiry))
        }
        return soon
    }
}

/// Tokens revoked before their expiry (logout, user deletion), kept until they would have
/// expired anyway, so a check is one set lookup and the set never outgrows the live tokens.
///
/// Not thread-safe: owned by the thread that serves requests.
public struct TokenRevocations: Sendable {
    private var revoked: [String: Int?] = [:]
    private var checksSincePrune = 0

    public init() {}

    /// Revokes `token`, which would expire at `expiresAtMilliseconds` (`nil`: never).
    public mutating func revoke(_ token: String, expiresAtMilliseconds: Int?) {
        revoked[token] = .some(expiresAtMilliseconds)
    }

    public func isRevoked(_ token: String) -> Bool { revoked[token] != nil }

    public var count: Int { revoked.count }

    /// Forgets revoked tokens that have expired since.
    public mutating func prune(nowMilliseconds: Int) {
        revoked = revoked.filter { _, expiry in
            guard let expiry else { return true }
            return expiry > nowMilliseconds
        }
    }
}

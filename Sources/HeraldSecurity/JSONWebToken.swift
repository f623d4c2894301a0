import Crypto
import HeraldWire

/// The claims Herald puts in a token: the user, when it was issued, when it expires.
public struct TokenClaims: Sendable, Equatable {
    /// The user's kuid.
    public let userID: String
    /// Issue time, seconds since the epoch.
    public let issuedAt: Int
    /// Expiry, milliseconds since the epoch; `nil` for a token that never expires.
    public let expiresAtMilliseconds: Int?

    public init(userID: String, issuedAt: Int, expiresAtMilliseconds: Int?) {
        self.userID = userID
        self.issuedAt = issuedAt
        self.expiresAtMilliseconds = expiresAtMilliseconds
    }
}

/// Why a token was refused.
public enum TokenRejection: Error, Sendable, Equatable {
    /// Malformed, wrong algorithm or bad signature.
    case invalid
    /// Well signed, but past its expiry.
    case expired
}

/// HS256 JSON Web Tokens (`{"alg":"HS256","typ":"JWT"}`) carrying `_id`, `iat` and `exp`.
///
/// `exp` is in seconds (RFC 7519); Herald keeps the millisecond expiry in a private `ms` claim
/// so that `expiresAt` round-trips exactly. A value type holding the key; thread-safe.
public struct JSONWebTokenSigner: Sendable {
    private let key: SymmetricKey
    private static let header = Base64URL.encode(Array(#"{"alg":"HS256","typ":"JWT"}"#.utf8))

    /// A signer for `secret` (any length; HMAC hashes long keys).
    public init(secret: [UInt8]) {
        key = SymmetricKey(data: secret)
    }

    /// The signed token for `claims`; a random `jti` makes every token unique (a token revoked
    /// at logout must not come back from a new login in the same millisecond).
    public func sign(_ claims: TokenClaims) -> String {
        var generator = SystemRandomNumberGenerator()
        let nonce = Base64URL.encode((0..<12).map { _ in UInt8.random(in: 0...255, using: &generator) })
        var payload: JSONObject = ["_id": .string(claims.userID), "iat": .int(claims.issuedAt), "jti": .string(nonce)]
        if let expiry = claims.expiresAtMilliseconds {
            payload["exp"] = .int(expiry / 1000)
            payload["ms"] = .int(expiry)
        }
        let signingInput = Self.header + "." + Base64URL.encode(JSONWriter.encode(.object(payload)))
        let signature = HMAC<SHA256>.authenticationCode(for: Array(signingInput.utf8), using: key)
        return signingInput + "." + Base64URL.encode(Array(signature))
    }

    /// The claims of a token this signer made, checked against `nowMilliseconds`.
    public func verify(_ token: String, nowMilliseconds: Int) throws(TokenRejection) -> TokenClaims {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == Self.header[...],
              let signature = Base64URL.decode(parts[2]),
              let payloadBytes = Base64URL.decode(parts[1])
        else { throw .invalid }
        let signingInput = token.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count)
        guard HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: Array(signingInput), using: key) else {
            throw .invalid
        }
        guard case .object(let payload)? = try? JSONParser.parse(payloadBytes),
              case .string(let userID)? = payload["_id"],
              let issuedAt = payload["iat"]?.integerValue
        else { throw .invalid }
        var expiry: Int?
        if let exp = payload["exp"] {
            guard let seconds = exp.integerValue else { throw .invalid }
            expiry = payload["ms"]?.integerValue ?? seconds * 1000
        }
        if let expiry, expiry <= nowMilliseconds { throw .expired }
        return TokenClaims(userID: userID, issuedAt: issuedAt, expiresAtMilliseconds: expiry)
    }
}

/// Settings of authentication: token signing and lifetimes, login limits, password cost.
public struct SecuritySettings: Sendable {
    /// The HS256 key (`--jwt-secret`, else generated and kept in the data directory).
    public var jwtSecret: [UInt8]
    /// Lifetime of a token when `expiresIn` is not given, in milliseconds.
    public var defaultTokenTTL: Int = 3_600_000
    /// Longest lifetime a login may ask for, in milliseconds; `nil`: no maximum (Kuzzle's -1).
    public var maxTokenTTL: Int?
    /// Failed logins allowed per username and per client address each minute; 0: no limit.
    public var loginAttemptsPerMinute = 10
    /// PBKDF2-SHA512 iterations for new password hashes.
    public var passwordIterations = 210_000
    /// Password derivations (logins, stored credentials) that may run at once off the event loop.
    public var passwordWorkers = 1
    /// How long before a token expires its connections are warned (`TokenExpiresSoon`); 0: never.
    public var expiryWarningMilliseconds = 0

    public init(jwtSecret: [UInt8]) {
        self.jwtSecret = jwtSecret
    }

    /// 32 random bytes, for a server started without a secret (tokens then die with the process).
    public static func randomSecret() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }
}

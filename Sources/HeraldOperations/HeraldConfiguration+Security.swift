/// The settings of authentication: the token secret and lifetimes, login limits, expiry warnings.
extension HeraldConfiguration {
    static var securitySettings: [ConfigurationSetting] {
        [
            .init("jwtSecret", \.jwtSecret,
                  "Secret that signs the HS256 tokens (default: random at each start, so tokens do not outlive the process)."),
            .init("tokenTtl", \.tokenTtl, "Seconds a login token lasts when the login gives no expiresIn.",
                  range: 1...Int(Int32.max)),
            .init("maxTokenTtl", \.maxTokenTtl, "Longest token lifetime a login may ask for, in seconds (0: no maximum).",
                  range: 0...Int(Int32.max)),
            .init("loginAttemptsPerMinute", \.loginAttemptsPerMinute,
                  "Failed logins allowed per username and per client IP address each minute (0: no limit).", range: 0...Int.max),
            .init("passwordIterations", \.passwordIterations,
                  "PBKDF2-SHA512 iterations of new password hashes (stored hashes keep their own count).",
                  range: 210_000...100_000_000),
            .init("passwordWorkers", \.passwordWorkers,
                  "Password derivations (logins, new credentials) run at once off the event loop (0: cores - 1).",
                  range: 0...64),
            .init("tokenExpiryWarning", \.tokenExpiryWarning,
                  "Seconds before a token expires that its connections get a TokenExpiresSoon notification (0: never).",
                  range: 0...Int(Int32.max)),
        ]
    }
}

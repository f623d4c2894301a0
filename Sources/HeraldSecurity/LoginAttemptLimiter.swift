/// Counts failed logins per key (a username, a client address or connection) in fixed windows,
/// and refuses further attempts on a key once it has failed `maxFailures` times in the window.
///
/// Not thread-safe: owned by the thread that serves requests.
public struct LoginAttemptLimiter: Sendable {
    /// Failures allowed per key and window; 0 disables limiting.
    public let maxFailures: Int
    public let windowMilliseconds: Int
    private var failures: [String: (windowStart: Int, count: Int)] = [:]
    private static let pruneThreshold = 10_000

    public init(maxFailures: Int, windowMilliseconds: Int = 60_000) {
        self.maxFailures = maxFailures
        self.windowMilliseconds = windowMilliseconds
    }

    /// Whether `key` may try to log in now.
    public func admits(_ key: String, nowMilliseconds: Int) -> Bool {
        guard maxFailures > 0, let entry = failures[key] else { return true }
        if nowMilliseconds - entry.windowStart >= windowMilliseconds { return true }
        return entry.count < maxFailures
    }

    /// One more failure for `key`.
    public mutating func recordFailure(_ key: String, nowMilliseconds: Int) {
        guard maxFailures > 0 else { return }
        if failures.count >= Self.pruneThreshold { prune(nowMilliseconds: nowMilliseconds) }
        if let entry = failures[key], nowMilliseconds - entry.windowStart < windowMilliseconds {
            failures[key] = (entry.windowStart, entry.count + 1)
        } else {
            failures[key] = (nowMilliseconds, 1)
        }
    }

    /// A successful login clears the key's failures.
    public mutating func recordSuccess(_ key: String) {
        failures[key] = nil
    }

    private mutating func prune(nowMilliseconds: Int) {
        failures = failures.filter { nowMilliseconds - $0.value.windowStart < windowMilliseconds }
    }
}

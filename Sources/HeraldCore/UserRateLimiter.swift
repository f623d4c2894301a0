/// Counts each user's requests in the current wall-clock second, for the profiles' `rateLimit`
/// (Kuzzle resets every user's count each second; every anonymous client counts as user `-1`).
///
/// Not thread-safe: owned by the gateway's thread.
struct UserRateLimiter {
    private var second = Int.min
    private var counts: [String: Int] = [:]

    /// Counts one request of `user` at `nowMilliseconds`; `false` when it goes over `limit` per second.
    mutating func admit(_ user: String, limit: Int, nowMilliseconds: Int) -> Bool {
        let now = nowMilliseconds / 1000
        if now != second {
            second = now
            counts.removeAll(keepingCapacity: true)
        }
        let count = counts[user, default: 0] + 1
        counts[user] = count
        return count <= limit
    }
}

public import HeraldRedis

/// The token-signing secret every node of a cluster shares, so a token issued by one node verifies
/// on all of them: created once in Redis (`SET NX` of 64 random hex digits under
/// ``key``), then read by every node at start.
///
/// For cluster mode without `--jwt-secret`. Stateless; blocks the calling thread (a start-up step).
public enum SharedTokenSecret {
    public static let key = "herald:jwt-secret"

    /// The shared secret's bytes (its hex text), creating it on the first start of the cluster;
    /// waits up to `timeout` seconds for Redis.
    public static func loadOrCreate(url: RedisURL, timeout: Double = 15) throws(RedisBlockingCommands.Failure)
        -> [UInt8]
    {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef")
        let candidate = String((0..<64).map { _ in digits[Int.random(in: 0..<16, using: &generator)] })
        let replies: [RedisReply]
        do {
            replies = try RedisBlockingCommands.run([["SET", key, candidate, "NX"], ["GET", key]], url: url,
                                                    timeout: timeout)
        } catch {
            throw Self.failure(error.description)
        }
        guard case .string(let secret) = replies[1], !secret.isEmpty else { throw Self.failure("\(replies)") }
        return Array(secret.utf8)
    }

    private static func failure(_ reason: String) -> RedisBlockingCommands.Failure {
        RedisBlockingCommands.Failure(description:
            "cannot read the cluster's shared token secret \(key) (give --jwt-secret, or make Redis reachable): \(reason)")
    }
}

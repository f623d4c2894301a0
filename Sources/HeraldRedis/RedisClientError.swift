/// Why a command got no reply from Redis.
public enum RedisClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No connection is open (Redis is down or the client is reconnecting): nothing was sent.
    case notConnected
    /// The connection was lost (or dropped for being too slow) before the reply came.
    case connectionLost(String)
    /// The client was closed.
    case closed

    public var description: String {
        switch self {
        case .notConnected: return "not connected to Redis"
        case .connectionLost(let reason): return "connection to Redis lost: \(reason)"
        case .closed: return "Redis client closed"
        }
    }
}

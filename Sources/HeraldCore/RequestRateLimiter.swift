import HeraldWire

/// Counts each connection's requests per wall-clock second and tells when one goes over the limit,
/// as Kuzzle's per-socket `rateLimit` does (the count restarts every second).
struct RequestRateLimiter {
    private struct Window {
        var second: Int
        var count: Int
    }

    /// Requests a connection may send per second; `0` disables the limit.
    let maxPerSecond: Int
    private var windows: [ConnectionID: Window] = [:]

    init(maxPerSecond: Int) {
        self.maxPerSecond = maxPerSecond
    }

    /// Counts one request at `nowMilliseconds`; `false` when it is over the limit.
    mutating func admit(_ connection: ConnectionID, nowMilliseconds: Int) -> Bool {
        guard maxPerSecond > 0 else { return true }
        let second = nowMilliseconds / 1000
        var window = windows[connection] ?? Window(second: second, count: 0)
        if window.second != second { window = Window(second: second, count: 0) }
        window.count += 1
        windows[connection] = window
        return window.count <= maxPerSecond
    }

    /// Forgets a closed connection.
    mutating func remove(_ connection: ConnectionID) {
        windows[connection] = nil
    }
}

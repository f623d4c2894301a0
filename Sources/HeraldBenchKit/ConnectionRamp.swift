/// Opens a target number of connections with a bound on how many handshakes are in flight at once.
struct ConnectionRamp {
    /// Connections wanted in all.
    let target: Int
    /// Most connections connecting (TCP or upgrade) at the same time.
    let concurrency: Int
    /// Connections started so far.
    private(set) var started = 0
    /// Connections that finished connecting, one way or the other.
    private(set) var settled = 0

    init(target: Int, concurrency: Int) {
        self.target = target
        self.concurrency = max(1, concurrency)
    }

    /// True once every connection has opened or failed.
    var isComplete: Bool { settled >= target }

    /// Starts connections on `pool` up to the concurrency bound, the nth one to the pool's server
    /// `endpoint(n)` (its first by default), and hands each id to `onStart`.
    mutating func fill(
        _ pool: ConnectionPool, endpoint: (Int) -> Int = { _ in 0 }, onStart: (Int) -> Void
    ) throws(BenchError) {
        while started < target && started - settled < concurrency {
            let id = try pool.connect(endpoint: endpoint(started))
            started += 1
            onStart(id)
        }
    }

    /// Records that one started connection opened or failed.
    mutating func didSettle() {
        settled += 1
    }
}

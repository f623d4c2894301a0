import Glibc

/// `workers`: one machine's every core, as several processes sharing the port in cluster mode.
extension HeraldConfiguration {
    /// The largest `workers` value accepted.
    public static let maxWorkers = 1024

    static var workerSettings: [ConfigurationSetting] {
        [
            .init("workers", \.workers,
                  "Processes sharing the port (SO_REUSEPORT), each a cluster node on redisUrl (0: one per core).",
                  range: 0...maxWorkers),
        ]
    }

    /// Whether `herald` supervises worker processes instead of serving itself.
    public var isSupervised: Bool { workers != 1 }

    /// How many worker processes to start: `workers`, or for `0` one per online core.
    public var workerCount: Int {
        workers > 0 ? workers : max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    /// Checks the settings that go with several workers: they share their data through Redis (so
    /// `redisUrl`, and no `dataDir`), and a fixed port (a port the kernel picks cannot be shared).
    public func checkWorkers() throws(ConfigurationError) {
        guard isSupervised else { return }
        guard redisUrl != nil else {
            throw ConfigurationError("--workers \(workers) needs --redis-url: the workers share their data through Redis")
        }
        guard dataDir == nil else {
            throw ConfigurationError("--workers and --data-dir cannot be combined: the workers keep their data in Redis")
        }
        guard port != 0 else {
            throw ConfigurationError("--workers needs a fixed --port: a port the kernel picks (0) cannot be shared")
        }
    }
}

/// When the supervisor of `--workers` starts a worker that exited again, and when it gives up.
///
/// A worker that exits within ``startupWindowSeconds`` of its start failed to start (port taken,
/// unreadable file): each such failure in a row doubles the wait before the next start, from
/// ``initialDelaySeconds`` up to ``maxDelaySeconds``, and the ``maxStartFailures``-th in a row
/// makes the supervisor give up. A worker that ran longer is started again after
/// ``initialDelaySeconds``, its failures forgotten.
///
/// Concurrency: a value type; the supervisor keeps one per worker on its one thread.
public struct WorkerRestartPolicy: Equatable, Sendable {
    /// What to do about a worker that exited.
    public enum Decision: Equatable, Sendable {
        /// Start it again after this many seconds.
        case restart(afterSeconds: Double)
        /// It keeps failing at start: stop every worker and exit with a failure.
        case giveUp
    }

    public var startupWindowSeconds = 10.0
    public var initialDelaySeconds = 0.25
    public var maxDelaySeconds = 30.0
    public var maxStartFailures = 5
    /// Start failures in a row so far.
    public private(set) var startFailures = 0

    public init() {}

    /// Records that the worker exited after running that long, and decides what follows.
    public mutating func workerExited(afterRunningSeconds seconds: Double) -> Decision {
        startFailures = seconds < startupWindowSeconds ? startFailures + 1 : 0
        if startFailures >= maxStartFailures { return .giveUp }
        var delay = initialDelaySeconds
        for _ in 1..<max(1, startFailures) { delay *= 2 }
        return .restart(afterSeconds: min(delay, maxDelaySeconds))
    }
}

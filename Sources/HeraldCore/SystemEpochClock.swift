import Glibc

/// Wall-clock time from `CLOCK_REALTIME`.
public struct SystemEpochClock: EpochClock {
    public init() {}

    public func nowMilliseconds() -> Int {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return now.tv_sec * 1000 + now.tv_nsec / 1_000_000
    }
}

import CHiredis
import Glibc

/// A libev loop of the test's own, run until a condition holds (or a deadline passes).
final class EventLoop {
    let loop: OpaquePointer

    init() { loop = ev_loop_new(UInt32(EVFLAG_AUTO)) }

    deinit { ev_loop_destroy(loop) }

    /// Runs loop iterations until `condition` is true; `false` when `seconds` passed first.
    @discardableResult
    func run(for seconds: Double = 5, until condition: () -> Bool) -> Bool {
        let deadline = Self.now() + seconds
        let tick = UnsafeMutablePointer<ev_timer>.allocate(capacity: 1)
        tick.initialize(to: ev_timer())
        defer { herald_redis_stop_timer(loop, tick); tick.deallocate() }
        // A short repeating timer so that each iteration returns even when nothing happens.
        herald_redis_start_timer(loop, tick, 0.01, 0.01, { _, _, _ in }, nil)
        while !condition() {
            if Self.now() > deadline { return false }
            ev_run(loop, Int32(EVRUN_ONCE))
        }
        return true
    }

    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}

import CHiredis

/// A repeating libev timer on a loop the caller runs (the cluster's heartbeat).
///
/// Concurrency: single-threaded; every method, and the action, runs on the loop's thread.
public final class LoopTimer {
    private let loop: OpaquePointer
    private let timer = UnsafeMutablePointer<ev_timer>.allocate(capacity: 1)
    private let action: () -> Void

    /// - Parameter loop: the libev loop (`struct ev_loop *`) that fires it.
    public init(loop: OpaquePointer, action: @escaping () -> Void) {
        self.loop = loop
        self.action = action
        timer.initialize(to: ev_timer())
    }

    deinit {
        stop()
        timer.deallocate()
    }

    /// Fires the action every `interval` seconds, the first time after one interval.
    public func start(every interval: Double) {
        herald_redis_start_timer(loop, timer, interval, interval, heraldLoopTimerFired,
                                 Unmanaged.passUnretained(self).toOpaque())
    }

    public func stop() {
        herald_redis_stop_timer(loop, timer)
    }

    fileprivate func fire() { action() }
}

private func heraldLoopTimerFired(_ loop: OpaquePointer?, _ timer: UnsafeMutablePointer<ev_timer>?, _ events: Int32) {
    guard let timer, let data = herald_redis_timer_data(timer) else { return }
    Unmanaged<LoopTimer>.fromOpaque(data).takeUnretainedValue().fire()
}

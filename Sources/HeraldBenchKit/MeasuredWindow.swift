/// The measuring loop the fan-out scenarios share: act on schedule and poll the pool until the
/// duration ends, then poll on until nothing is outstanding or the drain deadline passes.
struct MeasuredWindow {
    /// Seconds the window lasted.
    let elapsed: Double
    /// Client CPU seconds used during the window.
    let cpuSeconds: Double

    /// Runs the window. `act` is called once per pass with the current and start times; `count` and
    /// `detail` feed the progress line (`detail` only when it prints); `windowEnded` runs when the duration is over,
    /// before the drain (to snapshot counters); `outstanding` tells whether to keep draining.
    init<Delegate: ConnectionPoolDelegate>(
        pool: ConnectionPool, delegate: Delegate, durationSeconds: Double, drainSeconds: Double,
        pollMilliseconds: Int32, act: (_ now: UInt64, _ start: UInt64) -> Void,
        count: () -> Int, detail: () -> String, windowEnded: () -> Void, outstanding: () -> Bool
    ) throws(BenchError) {
        let cpuStart = ProcessCPUTime.seconds()
        let start = MonotonicClock.now()
        let end = start + UInt64(durationSeconds * 1e9)
        var progress = ProgressLine(start: start)
        var now = start
        while now < end {
            act(now, start)
            try pool.poll(timeoutMilliseconds: pollMilliseconds, delegate: delegate)
            now = MonotonicClock.now()
            progress.update(now: now, count: count(), label: "deliveries", detail: detail())
        }
        elapsed = Double(now - start) / 1e9
        cpuSeconds = ProcessCPUTime.seconds() - cpuStart
        windowEnded()
        let drainEnd = MonotonicClock.now() + UInt64(drainSeconds * 1e9)
        while outstanding() && MonotonicClock.now() < drainEnd {
            try pool.poll(timeoutMilliseconds: 10, delegate: delegate)
        }
        progress.finish()
    }
}

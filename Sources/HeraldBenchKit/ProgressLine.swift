import Glibc

/// Prints one status line on stderr per second while a run is going (overwritten in place on a terminal).
struct ProgressLine {
    private let start: UInt64
    private var nextPrint: UInt64
    private var lastCount = 0
    private var lastTime: UInt64
    private let overwrite = isatty(2) != 0

    init(start: UInt64) {
        self.start = start
        lastTime = start
        nextPrint = start + 1_000_000_000
    }

    /// Prints when a second has passed: the rate of `count` since the last line, plus `detail`.
    mutating func update(now: UInt64, count: Int, label: String, detail: @autoclosure () -> String) {
        guard now >= nextPrint else { return }
        let rate = Double(count - lastCount) * 1e9 / Double(now - lastTime)
        let elapsed = Double(now - start) / 1e9
        let line = "[\(Int(elapsed.rounded()))s] \(Int(rate)) \(label)/s  \(detail())"
        StandardError.write(overwrite ? "\r\u{1B}[K" + line : line + "\n")
        lastCount = count
        lastTime = now
        nextPrint += 1_000_000_000
        if nextPrint <= now { nextPrint = now + 1_000_000_000 }
    }

    /// Ends the live line so the table starts on a fresh line.
    func finish() {
        if overwrite { StandardError.write("\n") }
    }
}

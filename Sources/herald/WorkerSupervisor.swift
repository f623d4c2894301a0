import Glibc
import HeraldOperations
import Logging

/// `herald --workers N`: starts N worker processes (this executable again, with the supervisor's
/// own command line after `--worker-index K`), each a cluster node listening on the shared port;
/// starts again those that exit (``WorkerRestartPolicy``), and on SIGTERM/SIGINT stops them all
/// and returns once they have exited.
///
/// Concurrency: runs on the main thread and starts no other; it waits for SIGTERM, SIGINT and
/// SIGCHLD (all blocked) with `sigtimedwait`.
struct WorkerSupervisor {
    /// One worker process and its restarts.
    private struct Slot {
        let index: Int
        var pid: pid_t?
        var startedAt: ContinuousClock.Instant
        /// When to start it again (it exited and is waiting out its backoff).
        var restartAt: ContinuousClock.Instant?
        var policy = WorkerRestartPolicy()
    }

    /// The setting arguments every worker gets (the supervisor's own).
    private let arguments: [String]
    /// How long stopping workers may take before they are killed.
    private let stopGrace: Duration
    private let logger: Logger
    private let clock = ContinuousClock()
    private var slots: [Slot]
    /// The read end of a pipe every worker inherits; only the supervisor holds the write end, so a
    /// worker reads end-of-file when the supervisor is gone, even killed (``SupervisorLifeline``).
    private var lifeline: Int32 = -1
    private var stopDeadline: ContinuousClock.Instant?
    private var failed = false

    init(count: Int, arguments: [String], stopGraceSeconds: Int, logger: Logger) {
        self.arguments = arguments
        self.stopGrace = .seconds(stopGraceSeconds)
        self.logger = logger
        let now = clock.now
        slots = (1...count).map { Slot(index: $0, startedAt: now, restartAt: now) }
    }

    /// Supervises until every worker has stopped; returns the process exit status (1 when a
    /// worker kept failing at start).
    mutating func run() -> Int32 {
        var childSignal = sigset_t()
        sigemptyset(&childSignal)
        sigaddset(&childSignal, SIGCHLD)
        pthread_sigmask(SIG_BLOCK, &childSignal, nil)
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0, fcntl(ends[1], F_SETFD, FD_CLOEXEC) == 0 else {
            logger.critical("cannot create the workers' lifeline pipe: \(String(cString: strerror(errno)))")
            return 1
        }
        lifeline = ends[0]
        var awaited = SignalWaiter.terminationSignals
        sigaddset(&awaited, SIGCHLD)
        while true {
            startDueWorkers()
            let received = waitForSignal(in: &awaited)
            if received == SIGINT || received == SIGTERM, stopDeadline == nil {
                logger.info("signal received, stopping the workers", metadata: ["signal": "\(received)"])
                stop()
            }
            reapExitedWorkers()
            if let stopDeadline {
                if slots.allSatisfy({ $0.pid == nil }) { return failed ? 1 : 0 }
                if clock.now >= stopDeadline { killRemainingWorkers() }
            }
        }
    }

    /// Waits for one of the signals until the next thing to do is due (at most a second).
    private func waitForSignal(in set: inout sigset_t) -> Int32 {
        var next = clock.now.advanced(by: .seconds(1))
        for slot in slots { if let restartAt = slot.restartAt { next = min(next, restartAt) } }
        if let stopDeadline { next = min(next, stopDeadline) }
        let (seconds, attoseconds) = max(.zero, clock.now.duration(to: next)).components
        var timeout = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
        var info = siginfo_t()
        return sigtimedwait(&set, &info, &timeout)
    }

    private mutating func startDueWorkers() {
        guard stopDeadline == nil else { return }
        let now = clock.now
        for position in slots.indices {
            guard let restartAt = slots[position].restartAt, restartAt <= now else { continue }
            slots[position].restartAt = nil
            slots[position].startedAt = now
            if let pid = spawnWorker(index: slots[position].index) {
                slots[position].pid = pid
                logger.info("worker started", metadata: ["worker": "\(slots[position].index)", "pid": "\(pid)"])
            } else {
                workerEnded(at: position)
            }
        }
    }

    /// Starts this executable again as worker `index`, with termination signals blocked as here.
    private func spawnWorker(index: Int) -> pid_t? {
        let argv = [CommandLine.arguments[0], "--worker-index", "\(index)", "--lifeline-fd", "\(lifeline)"] + arguments
        var cArguments = argv.map { strdup($0) } + [nil]
        defer { for argument in cArguments { free(argument) } }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var mask = SignalWaiter.terminationSignals
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        var pid: pid_t = 0
        let result = posix_spawn(&pid, "/proc/self/exe", nil, &attributes, &cArguments, environ)
        guard result == 0 else {
            logger.error("cannot start worker", metadata: ["worker": "\(index)", "reason": "\(String(cString: strerror(result)))"])
            return nil
        }
        return pid
    }

    private mutating func reapExitedWorkers() {
        while true {
            var status: Int32 = 0
            let pid = waitpid(-1, &status, WNOHANG)
            guard pid > 0 else { return }
            guard let position = slots.firstIndex(where: { $0.pid == pid }) else { continue }
            slots[position].pid = nil
            logger.log(level: stopDeadline == nil ? .error : .info, "worker exited", metadata: [
                "worker": "\(slots[position].index)", "pid": "\(pid)", "status": "\(Self.describe(status: status))",
            ])
            if stopDeadline == nil { workerEnded(at: position) }
        }
    }

    /// A worker exited (or could not be started) while not stopping: schedule it, or give up.
    private mutating func workerEnded(at position: Int) {
        let ran = slots[position].startedAt.duration(to: clock.now)
        let seconds = Double(ran.components.seconds) + Double(ran.components.attoseconds) / 1e18
        switch slots[position].policy.workerExited(afterRunningSeconds: seconds) {
        case .restart(let delay):
            logger.warning("restarting worker", metadata: ["worker": "\(slots[position].index)", "inSeconds": "\(delay)"])
            slots[position].restartAt = clock.now.advanced(by: .milliseconds(Int(delay * 1000)))
        case .giveUp:
            logger.critical("worker keeps failing at start, stopping every worker", metadata: [
                "worker": "\(slots[position].index)", "failures": "\(slots[position].policy.startFailures)",
            ])
            failed = true
            stop()
        }
    }

    /// SIGTERM to every worker; those still running after the grace period are killed.
    private mutating func stop() {
        stopDeadline = clock.now.advanced(by: stopGrace)
        for position in slots.indices {
            slots[position].restartAt = nil
            if let pid = slots[position].pid { kill(pid, SIGTERM) }
        }
    }

    private func killRemainingWorkers() {
        for slot in slots {
            guard let pid = slot.pid else { continue }
            logger.warning("worker did not stop in time, killing it", metadata: ["worker": "\(slot.index)", "pid": "\(pid)"])
            kill(pid, SIGKILL)
        }
    }

    /// A `waitpid` status in words.
    static func describe(status: Int32) -> String {
        let signal = status & 0x7f
        return signal == 0 ? "exit status \((status >> 8) & 0xff)" : "signal \(signal)"
    }
}

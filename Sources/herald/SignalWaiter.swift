import Glibc
import HeraldThreads
import HeraldTransport
import Logging

/// SIGINT/SIGTERM handling: the signals stay blocked everywhere and one thread waits for them
/// with `sigwait`, then asks the server to shut down.
enum SignalWaiter {
    /// SIGINT and SIGTERM.
    static var terminationSignals: sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        return set
    }

    /// Blocks SIGINT and SIGTERM for this thread and every thread it starts later.
    static func blockTerminationSignals() {
        var set = terminationSignals
        pthread_sigmask(SIG_BLOCK, &set, nil)
        signal(SIGPIPE, SIG_IGN)
    }

    /// Starts the waiting thread.
    static func start(control: ServerControl, logger: Logger) {
        DedicatedThread.start(name: "herald-signals") {
            var set = terminationSignals
            var received: Int32 = 0
            sigwait(&set, &received)
            logger.info("signal received, shutting down", metadata: ["signal": "\(received)"])
            control.requestShutdown()
        }
    }
}

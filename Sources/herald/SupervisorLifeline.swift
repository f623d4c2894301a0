import Glibc
import HeraldThreads
import HeraldTransport
import Logging

/// A worker's end of the supervisor's lifeline pipe (see ``WorkerSupervisor``): one thread reads
/// it, and end-of-file, meaning the supervisor is gone, shuts the worker down as SIGTERM does.
enum SupervisorLifeline {
    /// Starts the reading thread.
    static func watch(descriptor: Int32, control: ServerControl, logger: Logger) {
        DedicatedThread.start(name: "herald-lifeline") {
            var byte: UInt8 = 0
            while true {
                let count = read(descriptor, &byte, 1)
                if count == 0 || (count < 0 && errno != EINTR) { break }
            }
            logger.warning("supervisor gone, shutting down")
            control.requestShutdown()
        }
    }
}

import Glibc
import Synchronization

/// Runs a server on a thread of its own, from its start until its run loop returns: `start` and
/// `run` are called on that thread, which becomes the server's service thread.
final class ServiceThread: @unchecked Sendable {
    private let startServer: () throws -> Int
    private let runServer: () -> Void
    private var thread = pthread_t()
    /// The bound port once listening, or -1 if the server could not start.
    private let port = Mutex<Int?>(nil)

    /// - Parameters:
    ///   - start: starts the server and returns the port it listens on.
    ///   - run: runs its loop until it shuts down.
    init(start: @escaping () throws -> Int, run: @escaping () -> Void) {
        startServer = start
        runServer = run
    }

    /// Starts the thread and returns the bound port once the server listens.
    func start() throws -> Int {
        pthread_create(&thread, nil, { raw in
            let running = Unmanaged<ServiceThread>.fromOpaque(raw!).takeRetainedValue()
            do {
                let bound = try running.startServer()
                running.port.withLock { $0 = bound }
            } catch {
                running.port.withLock { $0 = -1 }
                return nil
            }
            running.runServer()
            return nil
        }, Unmanaged.passRetained(self).toOpaque())
        while true {
            if let port = port.withLock({ $0 }) {
                guard port > 0 else { throw TestWebSocket.Failure(description: "server did not start") }
                return port
            }
            usleep(1_000)
        }
    }

    /// Waits until the server's run loop returns.
    func join() {
        pthread_join(thread, nil)
    }
}

import Glibc

/// The rule "every libwebsockets callback, every delegate call and every core entry runs on the
/// service thread" (the thread that calls ``WebSocketServer/start()`` and ``WebSocketServer/run()``),
/// checked in debug builds: ``check()`` traps anywhere else. Release builds check nothing.
///
/// Concurrency: claimed once by the service thread before any other thread can see the server,
/// then only read.
public final class ServiceThread: @unchecked Sendable {
    private var owner: pthread_t?

    init() {}

    /// Makes the calling thread the service thread.
    func claim() {
        owner = pthread_self()
    }

    /// Traps in debug builds unless called on the service thread (or before one was claimed).
    public func check(_ file: StaticString = #fileID, line: UInt = #line) {
        assert(owner.map { pthread_equal($0, pthread_self()) != 0 } ?? true,
               "called off the service thread", file: file, line: line)
    }
}

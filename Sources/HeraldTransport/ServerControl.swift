import CLibWebSockets
import Synchronization

/// The only part of a ``WebSocketServer`` other threads may touch: it records a request (a
/// shutdown, a job) and wakes the service thread with `lws_cancel_service`, the one thread-safe
/// libwebsockets call.
///
/// Concurrency: every member is thread-safe; the state sits behind one mutex, and the context is
/// woken under it so it cannot be destroyed in between (see `detach`).
public final class ServerControl: Sendable {
    private struct State {
        var contextAddress: UInt?
        var shutdownRequested = false
        var jobs: [@Sendable () -> Void] = []
    }

    private let state = Mutex(State())

    init() {}

    /// Asks the server to close every connection with 1001 and return from ``WebSocketServer/run()``.
    public func requestShutdown() {
        state.withLock { state in
            state.shutdownRequested = true
            Self.wake(state.contextAddress)
        }
    }

    /// Runs `job` on the service thread soon, in the loop pass after this call (callable from any
    /// thread). Jobs run in the order they were scheduled; a job scheduled before ``WebSocketServer/start()``
    /// runs once the loop runs, one scheduled after ``WebSocketServer/run()`` returned never runs.
    public func schedule(_ job: @escaping @Sendable () -> Void) {
        state.withLock { state in
            state.jobs.append(job)
            if state.jobs.count == 1 { Self.wake(state.contextAddress) }
        }
    }

    var shutdownRequested: Bool { state.withLock { $0.shutdownRequested } }

    /// Takes the jobs scheduled so far (service thread, on `LWS_CALLBACK_EVENT_WAIT_CANCELLED`).
    func takeJobs() -> [@Sendable () -> Void] {
        state.withLock { state in
            let jobs = state.jobs
            state.jobs = []
            return jobs
        }
    }

    func attach(context: OpaquePointer) {
        let pending = state.withLock { state -> Bool in
            state.contextAddress = UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(context)))
            return state.shutdownRequested || !state.jobs.isEmpty
        }
        if pending { lws_cancel_service(context) }
    }

    func detach() {
        state.withLock { state in
            state.contextAddress = nil
            state.jobs = []
        }
    }

    private static func wake(_ address: UInt?) {
        guard let address, let pointer = OpaquePointer(bitPattern: address) else { return }
        lws_cancel_service(pointer)
    }
}

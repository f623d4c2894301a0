import CLibWebSockets
import Synchronization

/// The only part of a ``WebSocketServer`` other threads may touch: it records a request (a
/// shutdown, a job to run) and wakes the service thread with `lws_cancel_service`, the one
/// thread-safe libwebsockets call.
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
        // Wake under the lock so the context cannot be destroyed in between (see `detach`).
        state.withLock { state in
            state.shutdownRequested = true
            Self.wake(state.contextAddress)
        }
    }

    /// Runs `job` on the service thread soon (at its next wake-up); callable from any thread.
    public func schedule(_ job: @escaping @Sendable () -> Void) {
        state.withLock { state in
            state.jobs.append(job)
            Self.wake(state.contextAddress)
        }
    }

    /// The jobs scheduled since the last call, in order (service thread).
    func takeJobs() -> [@Sendable () -> Void] {
        state.withLock { state in
            defer { state.jobs.removeAll() }
            return state.jobs
        }
    }

    var shutdownRequested: Bool { state.withLock { $0.shutdownRequested } }

    func attach(context: OpaquePointer) {
        let requested = state.withLock { state -> Bool in
            state.contextAddress = UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(context)))
            return state.shutdownRequested || !state.jobs.isEmpty
        }
        if requested { lws_cancel_service(context) }
    }

    func detach() {
        state.withLock { $0.contextAddress = nil }
    }

    private static func wake(_ address: UInt?) {
        guard let address, let pointer = OpaquePointer(bitPattern: address) else { return }
        lws_cancel_service(pointer)
    }
}

import CHeraldThreadName
import Glibc

/// Starts a detached thread of Herald's own for one long job, such as a loop that blocks in
/// `sigwait` or `read` for the life of the process.
///
/// Herald runs nothing on Dispatch's global queues: libdispatch on Linux watches the threads of
/// those queues by opening `/proc/<tid>/stat`, and traps when the open fails, as it does in a
/// process out of file descriptors. A thread started here needs no descriptor.
///
/// Concurrency: ``start(name:_:)`` may be called from any thread; the body runs on the new thread.
public enum DedicatedThread {
    /// Runs `body` on a new detached thread named `name` (the kernel keeps its first 15 bytes).
    /// Traps if the system cannot create a thread, which Herald cannot run without.
    public static func start(name: String, _ body: @escaping @Sendable () -> Void) {
        let context = Unmanaged.passRetained(ThreadBody(name: name, body: body)).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(&thread, nil, { context in
            let body = Unmanaged<ThreadBody>.fromOpaque(context!).takeRetainedValue()
            herald_name_this_thread(body.name)
            body.body()
            return nil
        }, context)
        guard result == 0 else {
            Unmanaged<ThreadBody>.fromOpaque(context).release()
            fatalError("cannot start thread \(name): \(String(cString: strerror(result)))")
        }
        pthread_detach(thread)
    }
}

/// What a new thread runs, handed over through `pthread_create`'s argument.
private final class ThreadBody: Sendable {
    let name: String
    let body: @Sendable () -> Void

    init(name: String, body: @escaping @Sendable () -> Void) {
        self.name = name
        self.body = body
    }
}

import HeraldCore
import HeraldThreads
import HeraldTransport

/// Runs the core's slow work (password derivations) on threads of its own and brings
/// each result back to the service thread with ``ServerControl/schedule(_:)``.
///
/// Concurrency: ``run(_:completion:)`` is called on the service thread; the work runs on the
/// threads; the completion runs on the service thread again (checked in debug builds). A result
/// that arrives after the server stopped is dropped with its completion.
final class WorkerQueueExecutor: OffLoopExecutor {
    private let threads: JobThreads
    private let control: ServerControl
    private let serviceThread: ServiceThread

    /// - Parameter threads: how many derivations run at once (the gateway never asks for more).
    init(threads: Int, control: ServerControl, serviceThread: ServiceThread) {
        self.threads = JobThreads(count: threads, name: "herald-passwords")
        self.control = control
        self.serviceThread = serviceThread
    }

    func run<Output: Sendable>(_ work: @escaping @Sendable () -> Output, completion: @escaping (Output) -> Void) {
        serviceThread.check()
        let handBack = ServiceThreadOnly(completion)
        let control = self.control, serviceThread = self.serviceThread
        threads.submit {
            let output = work()
            control.schedule {
                serviceThread.check()
                handBack.value(output)
            }
        }
    }
}

/// A value that crosses threads but is only used on the service thread (a completion that
/// captures loop state): the executor guarantees where it is called.
private struct ServiceThreadOnly<Value>: @unchecked Sendable {
    let value: Value

    init(_ value: Value) {
        self.value = value
    }
}

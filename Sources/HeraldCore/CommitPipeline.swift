public import HeraldWire

/// Where commits go to be made safe before anyone sees them: in memory (at once), a journal on disk
/// (after its group commit), a replicated log (once ordered).
///
/// A sink is called on the event-loop thread, and calls the pipeline back on that thread.
public protocol CommitSink: AnyObject {
    /// `true` for a sink that makes every commit safe the moment it is made (nothing to wait for):
    /// the pipeline then releases commits without handing them over.
    var isImmediate: Bool { get }
    /// Whether `commit` waits for this sink before it is released (and is handed to
    /// ``accept(_:sequence:)``); by default, when it changes the store.
    func holds(_ commit: Commit) -> Bool
    /// Takes a commit the sink does not hold (it is released without waiting for the sink), for a
    /// sink that passes such commits on; by default it is ignored.
    func pass(_ commit: Commit, sequence: UInt64)
    /// Takes a commit the sink holds. The sink later calls
    /// ``CommitPipeline/durable(through:)`` or ``CommitPipeline/failed(through:error:)`` with
    /// this sequence number (or a later one), possibly from inside this call.
    func accept(_ commit: Commit, sequence: UInt64)
    /// The event loop finished a pass: a good moment to write what was accepted during it.
    func endOfPass()
}

extension CommitSink {
    public func holds(_ commit: Commit) -> Bool { commit.changesStore }

    public func pass(_ commit: Commit, sequence: UInt64) {}
}

/// The sink of a server without persistence: every commit is safe as soon as it is made.
public final class InMemorySink: CommitSink {
    /// Set by the pipeline that owns the sink.
    public weak var pipeline: CommitPipeline?

    public init() {}

    public var isImmediate: Bool { true }

    public func accept(_ commit: Commit, sequence: UInt64) {
        pipeline?.durable(through: sequence)
    }

    public func endOfPass() {}
}

/// Releases commits strictly in the order they were submitted, each once its sink made it safe.
///
/// The ordering rule: no client sees a write (answer or notification) that a crash could take
/// back, so every commit (reads included) waits behind the commits submitted before it.
/// Single-threaded: used on the event-loop thread only, like the gateway that owns it.
public final class CommitPipeline {
    private struct Pending {
        let sequence: UInt64
        var commit: Commit
        /// Whether the sink holds it (it then waits for the sink's answer).
        let held: Bool
        /// Failed and withdrawn: leaves the queue in its turn without being released.
        var withdrawn = false
    }

    private let sink: any CommitSink
    /// Read once from the sink: whether commits can skip it.
    private let sinkIsImmediate: Bool
    private let release: (Commit) -> Void
    private var pending: [Pending] = []
    /// Index of the first entry of `pending` still waiting (entries before it are released).
    private var head = 0
    private var nextSequence: UInt64 = 1
    /// Every commit up to this sequence number is safe.
    private var safeThrough: UInt64 = 0
    /// Set while releasing: a sink that answers during a release only moves ``safeThrough``.
    private var releasing = false

    /// - Parameter release: sends a released commit's notifications, then its answer.
    init(sink: any CommitSink, release: @escaping (Commit) -> Void) {
        self.sink = sink
        self.sinkIsImmediate = sink.isImmediate
        self.release = release
    }

    /// Commits submitted and not yet released.
    public var waitingCount: Int { pending.count - head }

    /// Takes a new commit: released at once when nothing waits ahead of it and it needs nothing
    /// from the sink (the sink does not hold it, or is immediate); otherwise queued, and handed to
    /// the sink when the sink holds it (commits it does not hold are passed to it at once).
    func submit(_ commit: Commit) {
        let sequence = nextSequence
        nextSequence += 1
        let held = sink.holds(commit)
        if !held { sink.pass(commit, sequence: sequence) }
        if waitingCount == 0 && (sinkIsImmediate || !held) {
            release(commit)
            return
        }
        pending.append(Pending(sequence: sequence, commit: commit, held: held))
        if held { sink.accept(commit, sequence: sequence) }
    }

    /// The sink made every commit up to `sequence` safe: they are released, in order, and so are the
    /// commits after them that needed nothing from the sink.
    public func durable(through sequence: UInt64) {
        safeThrough = max(safeThrough, sequence)
        releaseSafeCommits()
    }

    /// The sink could not make the commits up to `sequence` safe (it has put the stored state back
    /// to what is safe): they answer `error` and notify nothing, except those in `withdrawing`,
    /// which leave without a word (the sink runs their requests again).
    public func failed(through sequence: UInt64, error: KuzzleError, withdrawing: Set<UInt64> = []) {
        for position in head..<pending.count where pending[position].sequence <= sequence {
            pending[position].commit.outcome = .failure(error)
            pending[position].commit.effects = []
            if withdrawing.contains(pending[position].sequence) { pending[position].withdrawn = true }
        }
        durable(through: sequence)
    }

    /// The sink's hook at the end of each event-loop pass.
    public func endOfPass() { sink.endOfPass() }

    private func releaseSafeCommits() {
        guard !releasing else { return }
        releasing = true
        defer { releasing = false }
        while head < pending.count,
              pending[head].sequence <= safeThrough || !pending[head].held {
            let commit = pending[head].commit, withdrawn = pending[head].withdrawn
            head += 1
            if !withdrawn { release(commit) }
        }
        if head == pending.count {
            pending.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 1024 {
            pending.removeFirst(head)
            head = 0
        }
    }
}

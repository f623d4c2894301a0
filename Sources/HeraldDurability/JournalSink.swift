public import HeraldCore
public import HeraldStore
import HeraldWire
import Logging

/// Runs a job on the event-loop thread soon (the transport's `ServerControl.schedule`);
/// callable from any thread.
public typealias LoopScheduler = @Sendable (@escaping @Sendable () -> Void) -> Void

/// The commit sink of a durable server: group commits of the commits accepted during one
/// event-loop pass, written in one SQLite transaction off the loop thread.
///
/// Ordering rule: no client sees a write (ack or notification) that a crash could take back, so
/// a commit is reported durable only once the transaction holding it is committed (and, with
/// `--fsync always`, fsynced).
///
/// Concurrency: every method runs on the event-loop thread; the writer's completion comes back
/// to that thread through the ``LoopScheduler`` before touching any state.
public final class JournalSink: CommitSink {
    /// The commits of a group: their operations for the database, their effects for a rollback.
    private struct Group {
        var operations: [JournalOperation] = []
        var effects: [[Effect]] = []
        var through: UInt64 = 0
        var isEmpty: Bool { effects.isEmpty }
    }

    /// Set by the owner once the gateway exists.
    public weak var pipeline: CommitPipeline?
    /// The store a failed write is rolled back in.
    public weak var store: DocumentStore?
    /// Called after a rollback, for state derived from the store (the security model, the
    /// validation specifications).
    public var afterRollback: () -> Void = {}
    private let writer: JournalWriter
    private let schedule: LoopScheduler
    private let reload: (DocumentStore) throws(DurabilityError) -> Void
    private let logger: Logger
    /// Accepted since the group in flight left.
    private var collecting = Group()
    /// Handed to the writer, not yet reported.
    private var inFlight: Group?

    init(writer: JournalWriter, schedule: @escaping LoopScheduler, logger: Logger,
         reload: @escaping (DocumentStore) throws(DurabilityError) -> Void) {
        self.writer = writer
        self.schedule = schedule
        self.logger = logger
        self.reload = reload
    }

    public var isImmediate: Bool { false }

    /// Whether a group is being written.
    public var isWriting: Bool { inFlight != nil }

    public func accept(_ commit: Commit, sequence: UInt64) {
        collecting.operations.append(contentsOf: commit.effects.compactMap(JournalOperation.init))
        collecting.effects.append(commit.effects)
        collecting.through = sequence
    }

    /// Hands the pass's commits to the writer, unless a group is still being written (they then
    /// go together as the next group, as soon as it is done).
    public func endOfPass() {
        startGroupIfIdle()
    }

    /// Waits for the group being written and closes the database (clean shutdown).
    public func close() {
        writer.close()
    }

    private func startGroupIfIdle() {
        guard inFlight == nil, !collecting.isEmpty else { return }
        let group = collecting
        collecting = Group()
        inFlight = group
        let reference = LoopThreadReference(self)
        let schedule = self.schedule
        writer.write(group.operations) { error in
            schedule { reference.object.groupFinished(error: error) }
        }
    }

    private func groupFinished(error: SQLiteError?) {
        guard let group = inFlight else { return }
        inFlight = nil
        guard let error else {
            pipeline?.durable(through: group.through)
            startGroupIfIdle()
            return
        }
        // Everything not durable is rolled back: the failed group and the commits accepted on top of it.
        logger.error("journal write failed; the writes are refused and rolled back", metadata: ["error": "\(error)"])
        let waiting = collecting
        collecting = Group()
        rollBack(group.effects + waiting.effects)
        pipeline?.failed(through: max(group.through, waiting.through),
                         error: .storageFailure("the write could not be stored: \(error.message)"))
    }

    private func rollBack(_ effects: [[Effect]]) {
        defer { afterRollback() }
        guard let store, !StoreRollback.undo(effects, in: store) else { return }
        do throws(DurabilityError) {
            store.removeAll()
            try reload(store)
        } catch {
            logger.critical("cannot reload the store after a failed write", metadata: ["error": "\(error)"])
        }
    }
}

/// Carries a loop-thread object through a job that runs on the loop thread again.
///
/// `@unchecked Sendable` because the object is only dereferenced by jobs the ``LoopScheduler``
/// runs on the event-loop thread.
private struct LoopThreadReference<Object: AnyObject>: @unchecked Sendable {
    let object: Object
    init(_ object: Object) { self.object = object }
}

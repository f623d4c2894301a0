import Glibc
import HeraldThreads

/// Runs the journal's group commits on a background thread of its own, off the event-loop thread.
///
/// Concurrency: `@unchecked Sendable` because its mutable state (the database, opened lazily and
/// dropped after a failure) is only touched by jobs on `thread`, one at a time.
final class JournalWriter: @unchecked Sendable {
    private let thread = JobThreads(count: 1, name: "herald-journal")
    private let path: String
    private let policy: FsyncPolicy
    private var database: JournalDatabase?
    private var syncScheduled = false

    init(path: String, policy: FsyncPolicy) {
        self.path = path
        self.policy = policy
    }

    /// Writes one group commit in one transaction, then calls `completion` on the writer's thread.
    /// After a failure the database is reopened for the next batch, so a disk that recovers is used again.
    func write(_ operations: [JournalOperation], completion: @escaping @Sendable (SQLiteError?) -> Void) {
        thread.submit { [self] in
            do throws(SQLiteError) {
                let database = try openDatabase()
                try database.write(operations)
                if policy == .interval { scheduleSync() }
                completion(nil)
            } catch {
                database = nil
                completion(error)
            }
        }
    }

    /// Waits for the writes handed over so far, syncs them and closes the database.
    func close() {
        thread.submitAndWait { [self] in
            try? database?.sync()
            database = nil
        }
    }

    private func openDatabase() throws(SQLiteError) -> JournalDatabase {
        if let database { return database }
        let opened = try JournalDatabase(path: path, policy: policy)
        database = opened
        return opened
    }

    /// Syncs the interval policy's commits one second after the first unsynced one.
    private func scheduleSync() {
        guard !syncScheduled else { return }
        syncScheduled = true
        thread.submit(after: 1) { [self] in
            syncScheduled = false
            do throws(SQLiteError) {
                try database?.sync()
            } catch {
                database = nil
            }
        }
    }
}

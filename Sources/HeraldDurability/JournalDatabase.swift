import CSQLite
import HeraldStore
import HeraldWire

/// When the journal's writes reach the disk.
public enum FsyncPolicy: String, Sendable, CaseIterable {
    /// Every group commit is fsynced before its answers go out (SQLite `synchronous = FULL`).
    case always
    /// Group commits reach the OS before their answers go out; the disk is synced at most every
    /// second (`synchronous = NORMAL` and a WAL checkpoint a second).
    case interval
}

/// The write side of the database: applies group commits, each in one transaction.
///
/// Not thread-safe: owned by the journal's writer queue, the only thread that touches it.
final class JournalDatabase {
    let path: String
    private let policy: FsyncPolicy
    private let connection: SQLiteConnection
    private let putDocument: SQLiteStatement
    private let deleteDocument: SQLiteStatement
    private let putIndex: SQLiteStatement
    private let deleteIndexDocuments: SQLiteStatement
    private let deleteIndexCollections: SQLiteStatement
    private let deleteIndex: SQLiteStatement
    private let putCollection: SQLiteStatement
    private let deleteCollectionDocuments: SQLiteStatement
    private let deleteCollection: SQLiteStatement
    /// The buffer documents are encoded into, reused.
    private var encoded: [UInt8] = []
    /// Whether a commit has not been synced yet (interval policy).
    private(set) var unsynced = false

    init(path: String, policy: FsyncPolicy) throws(SQLiteError) {
        self.path = path
        self.policy = policy
        connection = try SQLiteConnection(path: path)
        try connection.execute("PRAGMA journal_mode = WAL")
        try connection.execute(policy == .always ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL")
        // The id index takes random keys: a 64 MiB page cache keeps its inner pages in memory, and
        // checkpoints every 16 MiB of WAL instead of 4 take fewer pauses on the writer thread.
        try connection.execute("PRAGMA cache_size = -65536; PRAGMA wal_autocheckpoint = 4000")
        putDocument = try connection.prepare("""
            INSERT INTO documents (index_name, collection, id, version, source) VALUES (?1, ?2, ?3, ?4, ?5)
            ON CONFLICT (index_name, collection, id) DO UPDATE SET version = excluded.version, source = excluded.source
            """)
        deleteDocument = try connection.prepare(
            "DELETE FROM documents WHERE index_name = ?1 AND collection = ?2 AND id = ?3")
        putIndex = try connection.prepare("INSERT OR IGNORE INTO indexes (name) VALUES (?1)")
        deleteIndexDocuments = try connection.prepare("DELETE FROM documents WHERE index_name = ?1")
        deleteIndexCollections = try connection.prepare("DELETE FROM collections WHERE index_name = ?1")
        deleteIndex = try connection.prepare("DELETE FROM indexes WHERE name = ?1")
        putCollection = try connection.prepare("""
            INSERT INTO collections (index_name, name, mapping) VALUES (?1, ?2, ?3)
            ON CONFLICT (index_name, name) DO UPDATE SET mapping = excluded.mapping
            """)
        deleteCollectionDocuments = try connection.prepare(
            "DELETE FROM documents WHERE index_name = ?1 AND collection = ?2")
        deleteCollection = try connection.prepare("DELETE FROM collections WHERE index_name = ?1 AND name = ?2")
    }

    /// Writes `operations` in one transaction: all of them, or (on error) none.
    func write(_ operations: [JournalOperation]) throws(SQLiteError) {
        try connection.execute("BEGIN IMMEDIATE")
        do throws(SQLiteError) {
            for operation in operations { try apply(operation) }
            try connection.execute("COMMIT")
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
        if policy == .interval { unsynced = true }
    }

    /// Syncs the commits written since the last sync (interval policy): a passive checkpoint,
    /// which fsyncs the WAL first.
    func sync() throws(SQLiteError) {
        guard unsynced else { return }
        try connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
        unsynced = false
    }

    private func apply(_ operation: JournalOperation) throws(SQLiteError) {
        switch operation {
        case .putDocument(let index, let collection, let document):
            putDocument.bind(index, at: 1)
            putDocument.bind(collection, at: 2)
            putDocument.bind(document.id, at: 3)
            putDocument.bind(document.version, at: 4)
            encoded.removeAll(keepingCapacity: true)
            JSONWriter.write(.object(document.source), into: &encoded)
            putDocument.bind(utf8: encoded, at: 5)
            try putDocument.run()
        case .deleteDocument(let index, let collection, let id):
            deleteDocument.bind(index, at: 1)
            deleteDocument.bind(collection, at: 2)
            deleteDocument.bind(id, at: 3)
            try deleteDocument.run()
        case .createIndex(let index):
            putIndex.bind(index, at: 1)
            try putIndex.run()
        case .deleteIndex(let index):
            for statement in [deleteIndexDocuments, deleteIndexCollections, deleteIndex] {
                statement.bind(index, at: 1)
                try statement.run()
            }
        case .putCollection(let index, let collection, let mapping):
            putIndex.bind(index, at: 1)
            try putIndex.run()
            putCollection.bind(index, at: 1)
            putCollection.bind(collection, at: 2)
            putCollection.bind(utf8: JSONWriter.encode(mapping.json()), at: 3)
            try putCollection.run()
        case .truncateCollection(let index, let collection):
            deleteCollectionDocuments.bind(index, at: 1)
            deleteCollectionDocuments.bind(collection, at: 2)
            try deleteCollectionDocuments.run()
        case .deleteCollection(let index, let collection):
            for statement in [deleteCollectionDocuments, deleteCollection] {
                statement.bind(index, at: 1)
                statement.bind(collection, at: 2)
                try statement.run()
            }
        }
    }
}

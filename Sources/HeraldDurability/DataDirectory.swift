import Glibc
public import HeraldStore
public import Logging

/// A Herald data directory: `herald.lock` (held while this process runs) and `herald.sqlite`
/// (the store's journal and snapshot, in WAL mode).
///
/// Opened once at start, on the thread that then runs the event loop; not used from other threads.
public final class DataDirectory {
    /// The database's file name inside the directory.
    public static let databaseName = "herald.sqlite"

    public let path: String
    /// The database file.
    public let databasePath: String
    private let lock: DataDirectoryLock

    /// Creates the directory if missing, takes its lock, and creates or checks the database format.
    /// Throws ``DurabilityError/locked(_:)`` when another Herald uses it, and
    /// ``DurabilityError/newerFormat(path:found:supported:)`` for a newer Herald's data.
    public init(path: String) throws(DurabilityError) {
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw .cannotOpen(path, reason: String(cString: strerror(errno)))
        }
        self.path = path
        databasePath = path + "/" + Self.databaseName
        lock = try DataDirectoryLock(path: path + "/herald.lock")
        let connection = try Self.connect(databasePath)
        try JournalSchema.prepare(connection, path: databasePath)
        // A file-size limit (RLIMIT_FSIZE) then fails the write with EFBIG instead of killing the server.
        signal(SIGXFSZ, SIG_IGN)
    }

    /// Loads everything stored into `store` (call before the port opens); returns the number of documents.
    @discardableResult
    public func load(into store: DocumentStore) throws(DurabilityError) -> Int {
        try StoreLoader.load(try Self.connect(databasePath), into: store, path: databasePath)
    }

    /// Writes the indexes of `store` the database does not hold yet (built in memory at every
    /// start, like the security built-ins), so that the database alone rebuilds the store.
    public func persistMissingIndexes(of store: DocumentStore) throws(DurabilityError) {
        do throws(SQLiteError) {
            let connection = try SQLiteConnection(path: databasePath)
            var stored: Set<String> = []
            let names = try connection.prepare("SELECT name FROM indexes")
            while try names.step() { stored.insert(names.text(at: 0)) }
            var operations: [JournalOperation] = []
            for index in store.listIndexes() where !stored.contains(index) {
                operations.append(.createIndex(index))
                for collection in (try? store.listCollections(index: index)) ?? [] {
                    if let mapping = try? store.mapping(index: index, collection: collection) {
                        operations.append(.putCollection(index: index, collection: collection, mapping: mapping))
                    }
                    for document in (try? store.documents(index: index, collection: collection)).map(Array.init) ?? [] {
                        operations.append(.putDocument(index: index, collection: collection, document: document))
                    }
                }
            }
            guard !operations.isEmpty else { return }
            try JournalDatabase(path: databasePath, policy: .always).write(operations)
        } catch {
            throw .storage(path: databasePath, error)
        }
    }

    /// The commit sink writing to this directory; `schedule` brings the writer's results back to the loop thread.
    public func makeSink(fsync: FsyncPolicy, schedule: @escaping LoopScheduler, logger: Logger) -> JournalSink {
        let databasePath = databasePath
        return JournalSink(
            writer: JournalWriter(path: databasePath, policy: fsync), schedule: schedule, logger: logger
        ) { (store) throws(DurabilityError) in
            _ = try StoreLoader.load(try Self.connect(databasePath), into: store, path: databasePath)
        }
    }

    private static func connect(_ path: String) throws(DurabilityError) -> SQLiteConnection {
        do throws(SQLiteError) {
            return try SQLiteConnection(path: path)
        } catch {
            throw .storage(path: path, error)
        }
    }
}

/// The database layout, versioned through SQLite's `user_version`.
///
/// Version 1: `indexes`, `collections` (with their mapping as JSON) and `documents` (with
/// `_version`, and `_source` as JSON holding `_kuzzle_info`). Documents load in `rowid` order,
/// which is the in-memory insertion order (a rewrite keeps its row, a re-creation gets a new one).
enum JournalSchema {
    /// The format this Herald writes, and the newest it reads.
    static let currentVersion = 1

    static let creation = """
        CREATE TABLE indexes (name TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID;
        CREATE TABLE collections (
            index_name TEXT NOT NULL, name TEXT NOT NULL, mapping TEXT NOT NULL,
            PRIMARY KEY (index_name, name)) WITHOUT ROWID;
        CREATE TABLE documents (
            index_name TEXT NOT NULL, collection TEXT NOT NULL, id TEXT NOT NULL,
            version INTEGER NOT NULL, source TEXT NOT NULL,
            PRIMARY KEY (index_name, collection, id));
        PRAGMA user_version = \(currentVersion);
        """

    /// Makes `connection` hold the current format: creates it in an empty database, refuses a
    /// newer one.
    static func prepare(_ connection: SQLiteConnection, path: String) throws(DurabilityError) {
        let version: Int
        do throws(SQLiteError) {
            try connection.execute("PRAGMA journal_mode = WAL")
            version = try connection.integer("PRAGMA user_version")
        } catch {
            throw .storage(path: path, error)
        }
        if version > currentVersion {
            throw .newerFormat(path: path, found: version, supported: currentVersion)
        }
        guard version == 0 else { return }
        do throws(SQLiteError) {
            try connection.execute("BEGIN IMMEDIATE; " + creation + " COMMIT;")
        } catch {
            throw .storage(path: path, error)
        }
    }
}

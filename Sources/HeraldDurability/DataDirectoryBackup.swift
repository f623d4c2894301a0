import Glibc

/// `herald backup`: a consistent copy of a data directory's database, taken while Herald runs.
///
/// `VACUUM INTO` reads one snapshot (a WAL read transaction), so the copy holds exactly the
/// commits made before it started; writers go on meanwhile. Restoring is starting Herald on a
/// directory holding the copy as `herald.sqlite`.
public enum DataDirectoryBackup {
    /// Writes the database of the data directory at `directory` to `destination`, a file that
    /// must not exist yet.
    public static func copy(directory: String, to destination: String) throws(DurabilityError) {
        let source = directory + "/" + DataDirectory.databaseName
        guard access(source, F_OK) == 0 else { throw .cannotOpen(source, reason: "no Herald database there") }
        guard access(destination, F_OK) != 0 else { throw .cannotOpen(destination, reason: "the file already exists") }
        do throws(SQLiteError) {
            let connection = try SQLiteConnection(path: source, readOnly: true)
            let version = try connection.integer("PRAGMA user_version")
            guard version <= JournalSchema.currentVersion else {
                throw SQLiteError(code: 0, message: "data format version \(version) is newer than this Herald's")
            }
            let statement = try connection.prepare("VACUUM INTO ?1")
            statement.bind(destination, at: 1)
            try statement.run()
        } catch {
            throw .storage(path: source, error)
        }
    }
}

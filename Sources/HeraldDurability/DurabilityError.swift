/// Why a data directory cannot be used; each case reads as a message for the operator.
public enum DurabilityError: Error, CustomStringConvertible, Sendable {
    /// Another running Herald holds the directory's lock file.
    case locked(String)
    /// The database was written by a newer Herald.
    case newerFormat(path: String, found: Int, supported: Int)
    /// A file or directory cannot be created or opened.
    case cannotOpen(String, reason: String)
    /// SQLite failed while reading or writing the database.
    case storage(path: String, SQLiteError)
    /// A stored row cannot be read back.
    case corrupt(path: String, detail: String)

    public var description: String {
        switch self {
        case .locked(let path):
            return "the data directory is in use by another running Herald (lock held on \(path))"
        case .newerFormat(let path, let found, let supported):
            return "\(path) has data format version \(found), written by a newer Herald; "
                + "this Herald reads format versions up to \(supported)"
        case .cannotOpen(let path, let reason):
            return "cannot open \(path): \(reason)"
        case .storage(let path, let error):
            return "\(path): \(error)"
        case .corrupt(let path, let detail):
            return "\(path): unreadable stored data (\(detail))"
        }
    }
}

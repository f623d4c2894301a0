import CSQLite

/// An SQLite failure: the result code and SQLite's message.
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    /// The extended result code (`SQLITE_FULL`, `SQLITE_IOERR_WRITE`, ...).
    public let code: Int32
    public let message: String

    public var description: String { "\(message) (SQLite code \(code))" }
}

/// One open SQLite database, with the few calls Herald needs.
///
/// Not thread-safe: each connection is used by one thread at a time (the journal's writer queue,
/// or the event loop while it loads), as SQLite's serialized mode is not relied upon.
final class SQLiteConnection {
    let handle: OpaquePointer

    /// Opens (creating when allowed) the database file at `path`.
    init(path: String, readOnly: Bool = false) throws(SQLiteError) {
        var opened: OpaquePointer?
        let flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX
        let status = sqlite3_open_v2(path, &opened, flags, nil)
        guard let opened else { throw SQLiteError(code: status, message: "cannot open \(path)") }
        guard status == SQLITE_OK else {
            let error = SQLiteError(code: sqlite3_extended_errcode(opened), message: String(cString: sqlite3_errmsg(opened)))
            sqlite3_close_v2(opened)
            throw error
        }
        handle = opened
        sqlite3_extended_result_codes(handle, 1)
        sqlite3_busy_timeout(handle, 5_000)
    }

    deinit { sqlite3_close_v2(handle) }

    /// Runs one or more statements that return no rows of interest.
    func execute(_ sql: String) throws(SQLiteError) {
        guard sqlite3_exec(handle, sql, nil, nil, nil) == SQLITE_OK else { throw lastError }
    }

    /// Compiles one statement.
    func prepare(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil) == SQLITE_OK,
              let statement
        else { throw lastError }
        return SQLiteStatement(handle: statement, connection: self)
    }

    /// The integer the first column of the first row of `sql` holds (a pragma's value).
    func integer(_ sql: String) throws(SQLiteError) -> Int {
        let statement = try prepare(sql)
        guard try statement.step() else { return 0 }
        return statement.integer(at: 0)
    }

    /// The error of the last failed call.
    var lastError: SQLiteError {
        SQLiteError(code: sqlite3_extended_errcode(handle), message: String(cString: sqlite3_errmsg(handle)))
    }
}

/// One compiled statement; parameters and columns count from 1 and 0 respectively, as in SQLite.
///
/// Used on the thread of its connection only.
final class SQLiteStatement {
    private let handle: OpaquePointer
    private let connection: SQLiteConnection

    fileprivate init(handle: OpaquePointer, connection: SQLiteConnection) {
        self.handle = handle
        self.connection = connection
    }

    deinit { sqlite3_finalize(handle) }

    func bind(_ value: Int, at position: Int32) {
        sqlite3_bind_int64(handle, position, Int64(value))
    }

    func bind(_ text: String, at position: Int32) {
        var text = text
        text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { characters in
                _ = herald_sqlite_bind_text(handle, position, characters.baseAddress, Int32(characters.count))
            }
        }
    }

    func bind(utf8 bytes: [UInt8], at position: Int32) {
        bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { characters in
                _ = herald_sqlite_bind_text(handle, position, characters.baseAddress, Int32(characters.count))
            }
        }
    }

    /// Advances: `true` when a row is ready, `false` when the statement is done.
    func step() throws(SQLiteError) -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw connection.lastError
        }
    }

    /// Runs a statement that returns no row, then makes it ready to run again.
    func run() throws(SQLiteError) {
        defer { reset() }
        _ = try step()
    }

    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    func integer(at column: Int32) -> Int {
        Int(sqlite3_column_int64(handle, column))
    }

    func text(at column: Int32) -> String {
        guard let characters = sqlite3_column_text(handle, column) else { return "" }
        return String(cString: characters)
    }

    /// The column's UTF-8 bytes, valid until the next step.
    func withBytes<T>(at column: Int32, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        let start = sqlite3_column_blob(handle, column)
        let count = Int(sqlite3_column_bytes(handle, column))
        return try body(UnsafeRawBufferPointer(start: start, count: count))
    }
}

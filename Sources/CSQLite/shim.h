#ifndef HERALD_CSQLITE_SHIM_H
#define HERALD_CSQLITE_SHIM_H

#include <sqlite3.h>

/// Binds text that SQLite copies at once (`SQLITE_TRANSIENT` is a macro Swift cannot import).
static inline int herald_sqlite_bind_text(sqlite3_stmt *statement, int position, const char *text, int length) {
    return sqlite3_bind_text(statement, position, text, length, SQLITE_TRANSIENT);
}

#endif

/* powerhouse_fts.c -- a loadable SQLite extension with the store's FTS5
 * tokenizer (src/store/sqlite_fts.c), so that the sqlite3 shell can read a
 * store's notice_fts table: tests/e2e/lib.sh's sql() loads it
 * (`.load build/opt/powerhouse_fts`). Built by `make` as
 * build/opt/powerhouse_fts.so, linked against the same libsqlite3 as the
 * shell (Debian's), so it calls the library directly. */
#include <sqlite3.h>

#include "store/sqlite_fts.h"

int sqlite3_powerhousefts_init(sqlite3 *db, char **err, const void *api);
int sqlite3_powerhousefts_init(sqlite3 *db, char **err, const void *api) { return store_sqlite_fts_register(db); }

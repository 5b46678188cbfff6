/* sqlite_fts.h -- the FTS5 tokenizer of the SQLite store (see sqlite_fts.c). */
#ifndef STORE_SQLITE_FTS_H
#define STORE_SQLITE_FTS_H

#include <sqlite3.h>

#define STORE_SQLITE_TOKENIZER "powerhouse"

/* Registers the tokenizer on db (once per connection, before notice_fts is
 * used). SQLITE_OK, or an SQLite error code. */
int store_sqlite_fts_register(sqlite3 *db);

#endif

/* sqlite_sources.c -- the sources aggregate (store/sources.h) on SQLite: one
 * GROUP BY over the notice table. */
#include <sqlite3.h>
#include <stdlib.h>

#include "store/sqlite_impl.h"
#include "store/sources.h"

static int sqlite_sources(void *impl, StoreSource **out, size_t *n, Err *err) {
  const char *path;
  sqlite3 *db = store_sqlite_db(impl, &path);
  sqlite3_stmt *q = NULL;
  *out = NULL;
  *n = 0;
  if (sqlite3_prepare_v2(db,
                         "SELECT publisher, count(*), max(updated), min(ocid), max(ocid) FROM notice WHERE release_count > 0"
                         " GROUP BY publisher ORDER BY count(*) DESC, publisher IS NULL, publisher",
                         -1, &q, NULL) != SQLITE_OK)
    return err_set(err, ERR_DB, "cannot read the sources: %s (database %s)", sqlite3_errmsg(db), path);
  StoreSource *s = NULL;
  size_t len = 0, cap = 0;
  int rc;
  while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
    if (len == cap) s = xrealloc(s, (cap = cap ? cap * 2 : 8) * sizeof *s);
    s[len].name = col_dup(q, 0);
    s[len].notices = sqlite3_column_int64(q, 1);
    s[len].latest = col_dup(q, 2);
    s[len].first_ocid = col_dup(q, 3);
    s[len].last_ocid = col_dup(q, 4);
    len++;
  }
  sqlite3_finalize(q);
  if (rc != SQLITE_DONE) {
    store_sources_free(s, len);
    return err_set(err, ERR_DB, "cannot read the sources: %s (database %s)", sqlite3_errmsg(db), path);
  }
  *out = s;
  *n = len;
  return 0;
}

const StoreSourceOps store_sqlite_source_ops = {
    .sources = sqlite_sources,
};

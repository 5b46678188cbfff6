/* sqlite_orgs.c -- the organisations aggregate (store/orgs.h) on SQLite.
 * Organisations are written with the notices that name them
 * (sqlite_notices.c); this file reads them. */
#include <sqlite3.h>

#include "store/sqlite_impl.h"

int store_sqlite_org_get(void *impl, long long id, Org *o, Err *err) {
  const char *path;
  sqlite3 *db = store_sqlite_db(impl, &path);
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(db,
                         "SELECT name, scheme, identifier, postcode, locality, region, country, scale, vcse"
                         " FROM org WHERE id = ?1",
                         -1, &st, NULL) != SQLITE_OK)
    return err_set(err, ERR_DB, "cannot read an organisation: %s (database %s)", sqlite3_errmsg(db), path);
  sqlite3_bind_int64(st, 1, id);
  int rc = sqlite3_step(st), found = rc == SQLITE_ROW;
  if (found) {
    o->name = col_dup(st, 0);
    o->scheme = col_dup(st, 1);
    o->identifier = col_dup(st, 2);
    o->postcode = col_dup(st, 3);
    o->locality = col_dup(st, 4);
    o->region = col_dup(st, 5);
    o->country = col_dup(st, 6);
    o->scale = col_dup(st, 7);
    o->vcse = sqlite3_column_type(st, 8) == SQLITE_NULL ? FLAG_UNKNOWN : sqlite3_column_int(st, 8) ? FLAG_YES : FLAG_NO;
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return err_set(err, ERR_DB, "cannot read an organisation: %s (database %s)", sqlite3_errmsg(db), path);
  return found;
}

const StoreOrgOps store_sqlite_org_ops = {
    .org_get = store_sqlite_org_get,
};

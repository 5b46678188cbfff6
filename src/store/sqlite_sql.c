/* sqlite_sql.c -- the statement runner (store/sql.h) on SQLite: statements
 * prepared once per connection (SQLITE_PREPARE_PERSISTENT), found again by
 * the address of their text; parameters "$1".."$n" bound by name. */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "store/sql.h"
#include "store/sqlite_impl.h"

static int row_null(const SqlRow *r, int c) { return sqlite3_column_type(r->h, c) == SQLITE_NULL; }
static long long row_int(const SqlRow *r, int c) { return sqlite3_column_int64(r->h, c); }
static const char *row_text(const SqlRow *r, int c) { return (const char *)sqlite3_column_text(r->h, c); }

/* The statement of sql; *cached says whether it stays prepared (else the
 * caller finalizes it: the cache is full). */
static sqlite3_stmt *prepared(Sqlite *s, const char *sql, int *cached, Err *err) {
  *cached = 1;
  for (int i = 0; i < s->n_sqlc; i++)
    if (s->sqlc[i].sql == sql) return s->sqlc[i].st;
  sqlite3_stmt *st = NULL;
  int keep = *cached = s->n_sqlc < SQLITE_SQL_CACHE;
  if (sqlite3_prepare_v3(s->db, sql, -1, keep ? SQLITE_PREPARE_PERSISTENT : 0, &st, NULL) != SQLITE_OK) {
    db_err(s, err, "cannot prepare a statement");
    return NULL;
  }
  if (keep) {
    s->sqlc[s->n_sqlc].sql = sql;
    s->sqlc[s->n_sqlc].st = st;
    s->n_sqlc++;
  }
  return st;
}

static int sqlite_sql_run(void *impl, const char *sql, const SqlArg *args, int n, SqlRowFn fn, void *ctx,
                          long long *changes, Err *err) {
  Sqlite *s = impl;
  int cached;
  sqlite3_stmt *st = prepared(s, sql, &cached, err);
  if (!st) return ERR_DB;
  int rc = 0;
  if (sqlite3_bind_parameter_count(st) != n) {
    rc = err_set(err, ERR_DB, "a statement takes %d parameters, %d given: %.60s", sqlite3_bind_parameter_count(st), n, sql);
    goto out;
  }
  for (int i = 0; i < n; i++) {
    char name[16];
    snprintf(name, sizeof name, "$%d", i + 1);
    int at = sqlite3_bind_parameter_index(st, name);
    if (!at) {
      rc = err_set(err, ERR_DB, "a statement has no parameter %s: %.60s", name, sql);
      goto out;
    }
    if (args[i].type == SQLV_INT) sqlite3_bind_int64(st, at, args[i].i);
    else if (args[i].type == SQLV_TEXT) sqlite3_bind_text(st, at, args[i].s, -1, SQLITE_STATIC);
    else sqlite3_bind_null(st, at);
  }
  SqlRow row = {row_null, row_int, row_text, st, 0};
  int step;
  while ((step = sqlite3_step(st)) == SQLITE_ROW) {
    if (fn && (rc = fn(ctx, &row)) != 0) break;
    row.row++;
  }
  if (!rc && step != SQLITE_DONE) rc = db_err(s, err, "a statement failed");
  if (!rc && changes) *changes = sqlite3_changes64(s->db);
out:
  if (cached) {
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
  } else {
    sqlite3_finalize(st);
  }
  return rc;
}

void store_sqlite_sql_close(Sqlite *s) {
  for (int i = 0; i < s->n_sqlc; i++) sqlite3_finalize(s->sqlc[i].st);
  s->n_sqlc = 0;
}

const StoreSqlOps store_sqlite_sql_ops = {
    .run = sqlite_sql_run,
};

/* pg_sql.c -- the statement runner (store/sql.h) on PostgreSQL: statements
 * prepared once per connection (slot i as "ps<i>"), found again by the
 * address of their text, run with text parameters whose types the server
 * infers from where they stand. A read outside a transaction that finds the
 * connection lost resets it once and retries, as pg_impl.h's run() does. */
#include <libpq-fe.h>
#include <stdio.h>
#include <string.h>

#include "store/pg_impl.h"
#include "store/sql.h"

static int row_null(const SqlRow *r, int c) { return PQgetisnull(r->h, r->row, c); }
static long long row_int(const SqlRow *r, int c) { return col_int(r->h, r->row, c); }
static const char *row_text(const SqlRow *r, int c) { return col(r->h, r->row, c); }

/* The slot of sql (added when new), or -1 when the cache is full. */
static int slot(Pg *p, const char *sql) {
  for (int i = 0; i < p->n_sqlc; i++)
    if (p->sqlc[i].sql == sql) return i;
  if (p->n_sqlc == PG_SQL_CACHE) return -1;
  p->sqlc[p->n_sqlc].sql = sql;
  p->sqlc[p->n_sqlc].params = sql_param_count(sql);
  p->sqlc[p->n_sqlc].prepared = 0;
  return p->n_sqlc++;
}

static PGresult *execute(Pg *p, int i, const char *sql, const char *const *v, int n) {
  if (i < 0) return PQexecParams(p->conn, sql, n, NULL, v, NULL, NULL, 0);
  char name[16];
  snprintf(name, sizeof name, "ps%d", i);
  if (!p->sqlc[i].prepared) {
    PGresult *r = PQprepare(p->conn, name, sql, 0, NULL);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) return r;
    PQclear(r);
    p->sqlc[i].prepared = 1;
  }
  return PQexecPrepared(p->conn, name, n, v, NULL, NULL, 0);
}

static int pg_sql_run(void *impl, const char *sql, const SqlArg *args, int n, SqlRowFn fn, void *ctx, long long *changes,
                      Err *err) {
  Pg *p = impl;
  int i = slot(p, sql);
  int want = i >= 0 ? p->sqlc[i].params : sql_param_count(sql);
  if (want != n) return err_set(err, ERR_DB, "a statement takes %d parameters, %d given: %.60s", want, n, sql);
  if (n > MAX_PARAMS) return err_set(err, ERR_DB, "a statement with more than %d parameters", MAX_PARAMS);
  const char *v[MAX_PARAMS];
  char num[MAX_PARAMS][24];
  for (int k = 0; k < n; k++) {
    if (args[k].type == SQLV_INT) {
      snprintf(num[k], sizeof num[k], "%lld", args[k].i);
      v[k] = num[k];
    } else {
      v[k] = args[k].type == SQLV_TEXT ? args[k].s : NULL;
    }
  }
  int read = strncmp(sql, "SELECT", 6) == 0;
  PGresult *r;
  for (int attempt = 0;; attempt++) {
    r = execute(p, i, sql, v, n);
    ExecStatusType s = PQresultStatus(r);
    if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK) break;
    if (attempt == 0 && read && !p->in_txn && PQstatus(p->conn) == CONNECTION_BAD && reconnect(p)) {
      PQclear(r);
      continue;
    }
    int rc = pg_err(p, err, "a statement failed", r);
    PQclear(r);
    return rc;
  }
  int rc = 0;
  SqlRow row = {row_null, row_int, row_text, r, 0};
  for (int k = 0, rows = PQntuples(r); fn && k < rows && !rc; k++) {
    row.row = k;
    rc = fn(ctx, &row);
  }
  if (changes) *changes = strtoll(PQcmdTuples(r), NULL, 10);
  PQclear(r);
  return rc;
}

const StoreSqlOps store_pg_sql_ops = {
    .run = pg_sql_run,
};

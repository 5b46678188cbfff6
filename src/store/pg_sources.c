/* pg_sources.c -- the sources aggregate (store/sources.h) on PostgreSQL: one
 * GROUP BY over the notice table, retried once on a new connection when the
 * old one was lost (as pg_impl.h's run does for reads). */
#include <stdlib.h>

#include "store/pg_impl.h"
#include "store/sources.h"

static const char SOURCES_SQL[] =
    "SELECT publisher, count(*), max(updated), min(ocid), max(ocid) FROM notice WHERE release_count > 0"
    " GROUP BY publisher ORDER BY count(*) DESC, publisher IS NULL, publisher COLLATE \"C\"";

static int pg_sources(void *impl, StoreSource **out, size_t *n, Err *err) {
  Pg *p = impl;
  *out = NULL;
  *n = 0;
  PGresult *r = PQexecParams(p->conn, SOURCES_SQL, 0, NULL, NULL, NULL, NULL, 0);
  if (PQresultStatus(r) != PGRES_TUPLES_OK && !p->in_txn && PQstatus(p->conn) == CONNECTION_BAD && reconnect(p)) {
    PQclear(r);
    r = PQexecParams(p->conn, SOURCES_SQL, 0, NULL, NULL, NULL, NULL, 0);
  }
  if (PQresultStatus(r) != PGRES_TUPLES_OK) {
    int rc = pg_err(p, err, "cannot read the sources", r);
    PQclear(r);
    return rc;
  }
  int rows = PQntuples(r);
  StoreSource *s = rows ? xcalloc((size_t)rows, sizeof *s) : NULL;
  for (int i = 0; i < rows; i++) {
    s[i].name = col_dup(r, i, 0);
    s[i].notices = col_int(r, i, 1);
    s[i].latest = col_dup(r, i, 2);
    s[i].first_ocid = col_dup(r, i, 3);
    s[i].last_ocid = col_dup(r, i, 4);
  }
  PQclear(r);
  *out = s;
  *n = (size_t)rows;
  return 0;
}

const StoreSourceOps store_pg_source_ops = {
    .sources = pg_sources,
};

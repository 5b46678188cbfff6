/* pg_feed.c -- the bulk reads of the in-memory search index on PostgreSQL
 * (store/feed.h): every notice in row id order through a cursor, SCAN_FETCH
 * rows per round trip, and the change feed, each in one snapshot. */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "store/pg_impl.h"
#include "store/search_sql.h"

/* ---- bulk reads for the in-memory search index ---------------------------------------------- */

#define SCAN_FETCH "2000" /* rows per round trip */
#define SCAN_MAX_CODES 64 /* per notice, as sqlite_search.c */

/* Splits s (codes separated by 0x1f; for CPV each "code\x1ekind") into v, at
 * most SCAN_MAX_CODES, in s's order; with kinds, the main code (lowest kind,
 * first in code order) moves to the front, as the SQLite scan orders them.
 * s is modified in place. */
static size_t split_codes(char *s, int kinds, const char **v) {
  size_t n = 0, best = 0;
  int kind[SCAN_MAX_CODES];
  while (s && *s && n < SCAN_MAX_CODES) {
    char *end = strchr(s, 0x1f);
    if (end) *end = 0;
    kind[n] = 0;
    if (kinds) {
      char *k = strchr(s, 0x1e);
      if (k) {
        *k = 0;
        kind[n] = (int)strtol(k + 1, NULL, 10);
      }
    }
    v[n] = s;
    if (kind[n] < kind[best]) best = n;
    n++;
    s = end ? end + 1 : NULL;
  }
  if (best) {
    const char *b = v[best];
    memmove(v + 1, v, best * sizeof *v);
    v[0] = b;
  }
  return n;
}

/* Every notice (after_seq < 0) or those changed after after_seq, in one
 * snapshot, fetched through a cursor. */
static int index_read(Pg *p, int64_t after_seq, long long after_id, long long upto_id, StoreIndexFn fn, void *ctx,
                      int64_t *last_seq, Err *err) {
  const char *what = "cannot read the notices for the search index";
  int rc = ERR_DB, in_tx = 0;
  PGresult *r = NULL;
  char *regions = NULL, *cpvs = NULL;
  const char *rv[SCAN_MAX_CODES], *cv[SCAN_MAX_CODES];
  if (p->in_txn) return err_set(err, ERR_DB, "%s: a write transaction is open", what);
  r = PQexec(p->conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  if (PQresultStatus(r) != PGRES_COMMAND_OK && PQstatus(p->conn) == CONNECTION_BAD && reconnect(p)) {
    PQclear(r);
    r = PQexec(p->conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  }
  if (PQresultStatus(r) != PGRES_COMMAND_OK) {
    pg_err(p, err, what, r);
    goto out;
  }
  PQclear(r);
  r = NULL;
  in_tx = p->in_txn = 1; /* no retry on another connection: it would leave the snapshot */
  if (pg_last_seq(p, last_seq, err)) goto out;
  char after[32], lo[32], hi[32];
  snprintf(after, sizeof after, "%lld", (long long)after_seq);
  snprintf(lo, sizeof lo, "%lld", after_id);
  snprintf(hi, sizeof hi, "%lld", upto_id);
  const char *av[3] = {after, lo, hi};
  r = PQexecParams(p->conn,
                   "DECLARE ph_scan NO SCROLL CURSOR FOR SELECT n.id, n.ocid, n.title, " SEARCH_SQL_DESCRIPTION ", n.buyer_name,"
                   " n.cpv_text, n.status, n.deadline, n.published, n.buyer_id, n.value, n.sme, n.vcse,"
                   " (SELECT string_agg(region, chr(31) ORDER BY region) FROM notice_region WHERE notice_id = n.id),"
                   " (SELECT string_agg(code || chr(30) || kind, chr(31) ORDER BY code) FROM notice_cpv"
                   "  WHERE notice_id = n.id), n.last_seq, " SEARCH_SQL_AWARD_DATE ", " SEARCH_SQL_STAGE
                   ", " SEARCH_SQL_RESERVED ", " SEARCH_SQL_SECTOR ", " SEARCH_SQL_SUBCONTRACT
                   " FROM notice n WHERE ($1::bigint < 0 OR n.last_seq > $1::bigint)"
                   " AND n.id > $2::bigint AND n.id <= $3::bigint ORDER BY n.id",
                   3, NULL, av, NULL, NULL, 0);
  if (PQresultStatus(r) != PGRES_COMMAND_OK) {
    pg_err(p, err, what, r);
    goto out;
  }
  PQclear(r);
  r = NULL;
  for (;;) {
    r = PQexec(p->conn, "FETCH FORWARD " SCAN_FETCH " FROM ph_scan");
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
      pg_err(p, err, what, r);
      goto out;
    }
    int rows = PQntuples(r);
    if (!rows) break;
    for (int i = 0; i < rows; i++) {
      StoreIndexDoc d;
      memset(&d, 0, sizeof d);
      d.id = col_int(r, i, 0);
      d.ocid = col(r, i, 1);
      d.title = col(r, i, 2);
      d.description = col(r, i, 3);
      d.buyer_name = col(r, i, 4);
      d.cpv_text = col(r, i, 5);
      d.status = col(r, i, 6);
      d.deadline = col(r, i, 7);
      d.published = col(r, i, 8);
      d.buyer_id = col_int(r, i, 9);
      d.has_value = col_double(r, i, 10, &d.value);
      d.sme = col_flag(r, i, 11);
      d.vcse = col_flag(r, i, 12);
      d.seq = col_int(r, i, 15);
      d.award_date = col(r, i, 16);
      d.stage = col(r, i, 17);
      d.reserved = col(r, i, 18);
      d.sector = notice_sector_of(col(r, i, 19));
      d.subcontract = col_int(r, i, 20) != 0;
      free(regions);
      free(cpvs);
      regions = col_dup(r, i, 13);
      cpvs = col_dup(r, i, 14);
      d.n_regions = split_codes(regions, 0, rv);
      d.regions = rv;
      d.n_cpv = split_codes(cpvs, 1, cv);
      d.cpv = cv;
      if ((rc = fn(ctx, &d, err))) goto out;
    }
    PQclear(r);
    r = NULL;
  }
  rc = 0;
out:
  PQclear(r);
  free(regions);
  free(cpvs);
  if (in_tx) {
    r = PQexec(p->conn, "COMMIT"); /* closes the cursor */
    PQclear(r);
    p->in_txn = 0;
  }
  return rc;
}

static int pg_index_scan(void *impl, long long after_id, long long upto_id, StoreIndexFn fn, void *ctx,
                         int64_t *last_seq, Err *err) {
  return index_read(impl, -1, after_id, upto_id, fn, ctx, last_seq, err);
}

static int pg_index_changes(void *impl, int64_t after_seq, StoreIndexFn fn, void *ctx, int64_t *last_seq, Err *err) {
  return index_read(impl, after_seq < 0 ? 0 : after_seq, 0, INT64_MAX, fn, ctx, last_seq, err);
}

const StoreFeedOps store_pg_feed_ops = {
    .index_scan = pg_index_scan,
    .index_changes = pg_index_changes,
};

/* sqlite_search.c -- the search aggregate (store/search.h) on SQLite:
 * model/query.h queries with FTS5 for the keywords, SQL for the filters, sorts
 * and cursors; and store_fts, plain FTS5 matching for the CLI and tests.
 *
 * The statement is assembled from fixed fragments according to which filters
 * a query uses; every value is a bound parameter (the text never contains user
 * input). Keywords become an FTS5 expression in which every word is a quoted
 * string (query_fts5_part), so user text cannot be FTS5 syntax either.
 *
 * The filters, sorts and cursors are written once for both backends
 * (search_sql.h); this file adds what is SQLite's own: FTS5 for the keywords,
 * bm25 for relevance, snippets, and counting from the full-text index alone.
 * Dates are stored as "YYYY-MM-DDTHH:MM:SSZ" text, so they compare as text
 * with the bound bounds.
 *
 * This is the reference engine: correct for every query, fast for selective
 * ones. Ranking every match of a very common word with bm25 is what it cannot
 * do quickly at a million notices; see BENCHMARKS.md. */
#include <math.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"
#include "model/query.h"
#include "store/search_sql.h"
#include "store/sqlite_impl.h"

#define RANK "-bm25(notice_fts, 10.0, 1.0, 3.0, 2.0)"

static int apply_binds(sqlite3_stmt *q, const SqlBinds *b) {
  for (int k = 0; k < b->n; k++) {
    int rc = b->kind[k] == SQL_TEXT  ? sqlite3_bind_text(q, k + 1, b->text[k], -1, SQLITE_STATIC)
             : b->kind[k] == SQL_INT ? sqlite3_bind_int64(q, k + 1, b->i[k])
                                     : sqlite3_bind_double(q, k + 1, b->d[k]);
    if (rc != SQLITE_OK) return rc;
  }
  /* every placeholder the text names has a value (a mismatch is a bug here) */
  return sqlite3_bind_parameter_count(q) == b->n ? SQLITE_OK : SQLITE_RANGE;
}

static int sqlite_awards(void *impl, const long long *ids, StoreHit *hits, size_t n, Err *err) {
  /* only awarded notices have one: most pages need no query at all */
  size_t awarded = 0;
  for (size_t i = 0; i < n; i++) awarded += hits[i].status && strcmp(hits[i].status, notice_status_name(NOTICE_AWARDED)) == 0;
  if (!awarded) return 0;
  const char *path;
  sqlite3 *db = store_sqlite_db(impl, &path);
  if (!n) return 0;
  SqlBinds b;
  sql_binds_init(&b, SQL_SQLITE, RANK);
  Buf sql = BUF_INIT;
  sqlite3_stmt *st = NULL;
  search_sql_awards(ids, n, &b, &sql);
  int rc = ERR_DB, step;
  if (b.overflow || sqlite3_prepare_v2(db, sql.data, -1, &st, NULL) != SQLITE_OK || apply_binds(st, &b) != SQLITE_OK)
    goto out;
  long long prev = 0;
  while ((step = sqlite3_step(st)) == SQLITE_ROW) {
    long long id = sqlite3_column_int64(st, 0);
    if (id == prev) continue; /* the notice's latest came first */
    prev = id;
    for (size_t i = 0; i < n; i++) {
      if (ids[i] != id) continue;
      StoreHit *h = &hits[i];
      if ((h->has_award_value = sqlite3_column_type(st, 1) != SQLITE_NULL)) h->award_value = sqlite3_column_double(st, 1);
      h->award_currency = col_dup(st, 2);
      h->award_date = col_dup(st, 3);
      h->winner = col_dup(st, 4);
    }
  }
  if (step == SQLITE_DONE) rc = 0;
out:
  if (rc) err_set(err, ERR_DB, "search failed: cannot read awards: %s (database %s)", sqlite3_errmsg(db), path);
  sqlite3_finalize(st);
  buf_release(&sql);
  return rc;
}

/* One page of q, without open_first (hits_open_first runs it per group). */
static int search_page(void *impl, const Query *q, time_t now, StoreResults *out, Err *err) {
  const char *path;
  sqlite3 *db = store_sqlite_db(impl, &path);
  memset(out, 0, sizeof *out);
  SqlBinds b;
  sql_binds_init(&b, SQL_SQLITE, RANK);
  Buf sql = BUF_INIT, pos = BUF_INIT, neg = BUF_INIT;
  sqlite3_stmt *st = NULL;
  int rc = ERR_DB;
  char now_text[DATE_LEN];
  date_format(now, now_text);
  if (q->n_positive) query_fts5_part(q, 0, &pos);
  query_fts5_part(q, 1, &neg);
  SqlKeywords kw = {q->n_positive ? pos.data : NULL, neg.len ? neg.data : NULL};
  if (q->sort == QUERY_SORT_RELEVANCE && !q->n_positive) {
    rc = err_set(err, ERR_USAGE, "sort=relevance needs keywords");
    goto out;
  }
  const char *from = q->n_positive ? " FROM notice_fts JOIN notice n ON n.id = notice_fts.rowid" : " FROM notice n";

  /* the total: from the full-text index alone when keywords are the only
   * condition (joining every match to its notice row cost 50x more) */
  int keywords_only = q->n_positive && !kw.neg && !query_filtered(q);
  if (keywords_only) {
    buf_adds(&sql, "SELECT count(*) FROM notice_fts WHERE notice_fts MATCH ");
    sql_bind_text(&b, &sql, kw.pos);
  } else {
    buf_adds(&sql, "SELECT count(*)");
    buf_adds(&sql, from);
    search_sql_where(q, &kw, now_text, &b, &sql);
  }
  if (b.overflow) goto toomany;
  if (sqlite3_prepare_v2(db, sql.data, -1, &st, NULL) != SQLITE_OK || apply_binds(st, &b) != SQLITE_OK) goto dberr;
  if (sqlite3_step(st) != SQLITE_ROW) goto dberr;
  out->total = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  st = NULL;

  /* the page: ?1 is now */
  buf_reset(&sql);
  sql_binds_init(&b, SQL_SQLITE, RANK);
  sql_bind_text(&b, NULL, now_text);
  buf_adds(&sql, "SELECT n.ocid, n.title, n.buyer_name, n.buyer_id,");
  search_sql_shown_status(&b, 1, &sql);
  buf_addf(&sql,
           ", n.deadline, n.published, n.value, n.currency, n.sme, n.vcse,"
           " (SELECT group_concat(region, ',') FROM (SELECT region FROM notice_region WHERE notice_id = n.id ORDER BY region)),"
           " (SELECT code FROM notice_cpv WHERE notice_id = n.id ORDER BY kind, code LIMIT 1), %s, %s, n.id, "
           SEARCH_SQL_STAGE ", " SEARCH_SQL_SECTOR ", " SEARCH_SQL_SUBCONTRACT,
           q->n_positive ? RANK : "0",
           q->n_positive ? "snippet(notice_fts, -1, char(2), char(3), '…', 24)" : "substr(" SEARCH_SQL_DESCRIPTION ", 1, 240)");
  buf_adds(&sql, from);
  search_sql_where(q, &kw, now_text, &b, &sql);
  if (q->has_cursor) search_sql_after_cursor(q, &b, &sql);
  search_sql_order_by(q, &b, &sql);
  buf_adds(&sql, " LIMIT ");
  sql_bind_int(&b, &sql, q->limit + 1);
  if (b.overflow) goto toomany;
  if (sqlite3_prepare_v2(db, sql.data, -1, &st, NULL) != SQLITE_OK || apply_binds(st, &b) != SQLITE_OK) goto dberr;
  out->hits = xcalloc((size_t)q->limit + 1, sizeof *out->hits);
  long long ids[QUERY_MAX_LIMIT + 1];
  int step;
  while ((step = sqlite3_step(st)) == SQLITE_ROW) {
    if (out->n == (size_t)q->limit) {
      out->has_more = 1;
      break;
    }
    StoreHit *h = &out->hits[out->n++];
    h->ocid = col_dup(st, 0);
    h->title = col_dup(st, 1);
    h->buyer_name = col_dup(st, 2);
    h->buyer_id = sqlite3_column_int64(st, 3);
    h->status = col_dup(st, 4);
    h->deadline = col_dup(st, 5);
    h->published = col_dup(st, 6);
    if ((h->has_value = sqlite3_column_type(st, 7) != SQLITE_NULL)) h->value = sqlite3_column_double(st, 7);
    h->currency = col_dup(st, 8);
    h->sme = sqlite3_column_type(st, 9) == SQLITE_NULL ? FLAG_UNKNOWN : sqlite3_column_int(st, 9) ? FLAG_YES : FLAG_NO;
    h->vcse = sqlite3_column_type(st, 10) == SQLITE_NULL ? FLAG_UNKNOWN : sqlite3_column_int(st, 10) ? FLAG_YES : FLAG_NO;
    h->regions = col_dup(st, 11);
    h->cpv = col_dup(st, 12);
    h->score = sqlite3_column_double(st, 13);
    h->snippet = col_dup(st, 14);
    ids[out->n - 1] = sqlite3_column_int64(st, 15);
    h->stage = notice_stage_name(notice_stage_parse((const char *)sqlite3_column_text(st, 16)));
    h->sector = notice_sector_of((const char *)sqlite3_column_text(st, 17));
    h->subcontract = sqlite3_column_int(st, 18) != 0;
  }
  if (step != SQLITE_ROW && step != SQLITE_DONE) goto dberr;
  sqlite3_finalize(st);
  st = NULL;
  if ((rc = sqlite_awards(impl, ids, out->hits, out->n, err))) {
    store_results_release(out);
    goto out;
  }
  rc = 0;
  goto out;
toomany:
  rc = err_set(err, ERR_USAGE, "the search has too many conditions");
  goto out;
dberr:
  rc = err_set(err, ERR_DB, "search failed: %s (database %s)", sqlite3_errmsg(db), path);
  store_results_release(out);
out:
  sqlite3_finalize(st);
  buf_release(&sql);
  buf_release(&pos);
  buf_release(&neg);
  return rc;
}

int store_sqlite_search(void *impl, const Query *q, time_t now, StoreResults *out, Err *err) {
  return hits_open_first(q, now, search_page, impl, out, err);
}

/* User words are quoted before they reach FTS5, so `body:x` or `road"` can
 * never become FTS5 syntax: each word is a quoted phrase, all must match. */
static void fts_quote(const char *terms, Buf *out) {
  const char *p = terms;
  while (*p) {
    while (*p == ' ' || *p == '\t') p++;
    if (!*p) break;
    const char *w = p;
    while (*p && *p != ' ' && *p != '\t') p++;
    if (out->len) buf_addc(out, ' ');
    buf_addc(out, '"');
    for (const char *c = w; c < p; c++) {
      if (*c == '"') buf_addc(out, '"');
      buf_addc(out, *c);
    }
    buf_addc(out, '"');
  }
}

static int sqlite_fts(void *impl, const char *terms, int limit, StoreHitFn fn, void *ctx, Err *err) {
  Sqlite *s = impl;
  Buf m = BUF_INIT;
  fts_quote(terms, &m);
  if (!m.len) return 0;
  sqlite3_stmt *q = stmt(s, Q_FTS_SEARCH, err);
  if (!q) {
    buf_release(&m);
    return ERR_DB;
  }
  sqlite3_bind_text(q, 1, m.data, (int)m.len, SQLITE_STATIC);
  sqlite3_bind_int(q, 2, limit);
  int rc;
  while ((rc = sqlite3_step(q)) == SQLITE_ROW)
    if (fn(ctx, (const char *)sqlite3_column_text(q, 0), (const char *)sqlite3_column_text(q, 1))) break;
  sqlite3_reset(q);
  buf_release(&m);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return db_err(s, err, "search failed");
  return 0;
}

const StoreSearchOps store_sqlite_search_ops = {
    .search = store_sqlite_search,
    .fts = sqlite_fts,
    .awards = sqlite_awards,
};

/* sqlite_search.c -- model/query.h queries on the SQLite store: FTS5 for the
 * keywords, SQL for the filters, sorts and cursors.
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

static char *dup_col(sqlite3_stmt *st, int i) {
  const unsigned char *t = sqlite3_column_text(st, i);
  return t ? xstrdup((const char *)t) : NULL;
}

int store_sqlite_search(void *impl, const Query *q, time_t now, StoreResults *out, Err *err) {
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
  int keywords_only = q->n_positive && !kw.neg && !q->status && !q->has_closing_from && !q->has_closing_to &&
                      !q->has_value_min && !q->has_value_max && !q->n_cpv && !q->n_region && !q->buyer &&
                      q->sme == FLAG_UNKNOWN && q->vcse == FLAG_UNKNOWN;
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
           " (SELECT code FROM notice_cpv WHERE notice_id = n.id ORDER BY kind, code LIMIT 1), %s, %s",
           q->n_positive ? RANK : "0",
           q->n_positive ? "snippet(notice_fts, -1, char(2), char(3), '…', 24)" : "substr(n.description, 1, 240)");
  buf_adds(&sql, from);
  search_sql_where(q, &kw, now_text, &b, &sql);
  if (q->has_cursor) search_sql_after_cursor(q, &b, &sql);
  search_sql_order_by(q, &b, &sql);
  buf_adds(&sql, " LIMIT ");
  sql_bind_int(&b, &sql, q->limit + 1);
  if (b.overflow) goto toomany;
  if (sqlite3_prepare_v2(db, sql.data, -1, &st, NULL) != SQLITE_OK || apply_binds(st, &b) != SQLITE_OK) goto dberr;
  out->hits = xcalloc((size_t)q->limit + 1, sizeof *out->hits);
  int step;
  while ((step = sqlite3_step(st)) == SQLITE_ROW) {
    if (out->n == (size_t)q->limit) {
      out->has_more = 1;
      break;
    }
    StoreHit *h = &out->hits[out->n++];
    h->ocid = dup_col(st, 0);
    h->title = dup_col(st, 1);
    h->buyer_name = dup_col(st, 2);
    h->buyer_id = sqlite3_column_int64(st, 3);
    h->status = dup_col(st, 4);
    h->deadline = dup_col(st, 5);
    h->published = dup_col(st, 6);
    if ((h->has_value = sqlite3_column_type(st, 7) != SQLITE_NULL)) h->value = sqlite3_column_double(st, 7);
    h->currency = dup_col(st, 8);
    h->sme = sqlite3_column_type(st, 9) == SQLITE_NULL ? FLAG_UNKNOWN : sqlite3_column_int(st, 9) ? FLAG_YES : FLAG_NO;
    h->vcse = sqlite3_column_type(st, 10) == SQLITE_NULL ? FLAG_UNKNOWN : sqlite3_column_int(st, 10) ? FLAG_YES : FLAG_NO;
    h->regions = dup_col(st, 11);
    h->cpv = dup_col(st, 12);
    h->score = sqlite3_column_double(st, 13);
    h->snippet = dup_col(st, 14);
  }
  if (step != SQLITE_ROW && step != SQLITE_DONE) goto dberr;
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
    o->name = dup_col(st, 0);
    o->scheme = dup_col(st, 1);
    o->identifier = dup_col(st, 2);
    o->postcode = dup_col(st, 3);
    o->locality = dup_col(st, 4);
    o->region = dup_col(st, 5);
    o->country = dup_col(st, 6);
    o->scale = dup_col(st, 7);
    o->vcse = sqlite3_column_type(st, 8) == SQLITE_NULL ? FLAG_UNKNOWN : sqlite3_column_int(st, 8) ? FLAG_YES : FLAG_NO;
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return err_set(err, ERR_DB, "cannot read an organisation: %s (database %s)", sqlite3_errmsg(db), path);
  return found;
}

/* ---- bulk reads for the in-memory search index ------------------------------ */

int store_sqlite_last_seq(void *impl, int64_t *out, Err *err) {
  const char *path;
  sqlite3 *db = store_sqlite_db(impl, &path);
  sqlite3_stmt *st = NULL;
  *out = 0;
  int rc = sqlite3_prepare_v2(db, "SELECT coalesce(max(seq), 0) FROM release", -1, &st, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) *out = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  if (rc != SQLITE_ROW)
    return err_set(err, ERR_DB, "cannot read the change sequence: %s (database %s)", sqlite3_errmsg(db), path);
  return 0;
}

static Flag flag_col(sqlite3_stmt *st, int i) {
  return sqlite3_column_type(st, i) == SQLITE_NULL ? FLAG_UNKNOWN : sqlite3_column_int(st, i) ? FLAG_YES : FLAG_NO;
}

static const char *text_col(sqlite3_stmt *st, int i) { return (const char *)sqlite3_column_text(st, i); }

/* Codes of one notice gathered from a (notice_id, ...) ordered statement. */
typedef struct {
  sqlite3_stmt *st;
  int step;  /* last sqlite3_step result */
  Buf text;  /* the codes, NUL-separated */
  const char **v;
  int *kind;
  size_t n, cap;
} Side;

/* Collects the rows of side s for notice id (the statement is ordered by
 * notice id, so rows for smaller ids were for notices read before: none). */
static int side_collect(Side *s, long long id) {
  buf_reset(&s->text);
  s->n = 0;
  size_t offs[64];
  while (s->step == SQLITE_ROW && sqlite3_column_int64(s->st, 0) <= id) {
    if (sqlite3_column_int64(s->st, 0) == id && s->n < 64) {
      const char *t = text_col(s->st, 1);
      if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 16;
        s->v = xrealloc(s->v, s->cap * sizeof *s->v);
        s->kind = xrealloc(s->kind, s->cap * sizeof *s->kind);
      }
      offs[s->n] = s->text.len;
      s->kind[s->n] = sqlite3_column_count(s->st) > 2 ? sqlite3_column_int(s->st, 2) : 0;
      buf_adds(&s->text, t ? t : "");
      buf_addc(&s->text, 0);
      s->n++;
    }
    s->step = sqlite3_step(s->st);
  }
  for (size_t i = 0; i < s->n; i++) s->v[i] = s->text.data + offs[i];
  /* the main code first: the one with the lowest kind (then code), as the
   * search's hit does; the rest stay in code order */
  size_t best = 0;
  for (size_t i = 1; i < s->n; i++)
    if (s->kind[i] < s->kind[best]) best = i;
  if (best) {
    const char *b = s->v[best];
    memmove(s->v + 1, s->v, best * sizeof *s->v);
    s->v[0] = b;
  }
  return s->step == SQLITE_ROW || s->step == SQLITE_DONE ? 0 : -1;
}

/* Notices read per read transaction: a snapshot held for the whole of a
 * million-notice scan (7 s and more) kept the checkpointer from rewinding the
 * log for as long; a chunk holds one for a fraction of a second. */
int store_sqlite_scan_chunk = 20000;

#define DOC_COLS                                                                                                 \
  "SELECT id, ocid, title, description, buyer_name, cpv_text, status, deadline, published, buyer_id, value, sme, " \
  "vcse, last_seq FROM notice"

/* A notice row of DOC_COLS with its regions and CPV codes as the index needs it. */
static void doc_from_row(sqlite3_stmt *st, const Side *reg, const Side *cpv, StoreIndexDoc *d) {
  memset(d, 0, sizeof *d);
  d->id = sqlite3_column_int64(st, 0);
  d->ocid = text_col(st, 1);
  d->title = text_col(st, 2);
  d->description = text_col(st, 3);
  d->buyer_name = text_col(st, 4);
  d->cpv_text = text_col(st, 5);
  d->status = text_col(st, 6);
  d->deadline = text_col(st, 7);
  d->published = text_col(st, 8);
  d->buyer_id = sqlite3_column_int64(st, 9);
  if ((d->has_value = sqlite3_column_type(st, 10) != SQLITE_NULL)) d->value = sqlite3_column_double(st, 10);
  d->sme = flag_col(st, 11);
  d->vcse = flag_col(st, 12);
  d->seq = sqlite3_column_int64(st, 13);
  d->regions = reg->v;
  d->n_regions = reg->n;
  d->cpv = cpv->v;
  d->n_cpv = cpv->n;
}

static void side_release(Side *s) {
  sqlite3_finalize(s->st);
  buf_release(&s->text);
  free(s->v);
  free(s->kind);
}

int store_sqlite_index_scan(void *impl, long long after_id, long long upto_id, StoreIndexFn fn, void *ctx,
                            int64_t *last_seq, Err *err) {
  const char *path;
  sqlite3 *db = store_sqlite_db(impl, &path);
  sqlite3_stmt *st = NULL, *hi_q = NULL;
  Side reg = {0}, cpv = {0};
  int rc = ERR_DB, in_tx = 0;
  /* the sequence first: whatever the chunks read is at least this new */
  if (store_sqlite_last_seq(impl, last_seq, err)) return ERR_DB;
  if (sqlite3_prepare_v2(db, "SELECT id FROM notice WHERE id > ?1 ORDER BY id LIMIT 1 OFFSET ?2", -1, &hi_q,
                         NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(db, DOC_COLS " WHERE id > ?1 AND id <= ?2 ORDER BY id", -1, &st, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(db,
                         "SELECT notice_id, region FROM notice_region WHERE notice_id > ?1 AND notice_id <= ?2"
                         " ORDER BY notice_id, region",
                         -1, &reg.st, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(db,
                         "SELECT notice_id, code, kind FROM notice_cpv WHERE notice_id > ?1 AND notice_id <= ?2"
                         " ORDER BY notice_id, code",
                         -1, &cpv.st, NULL) != SQLITE_OK)
    goto dberr;
  for (sqlite3_int64 lo = after_id < 0 ? 0 : after_id;;) {
    if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) goto dberr;
    in_tx = 1;
    /* this chunk: ids in (lo, hi] */
    sqlite3_int64 hi = INT64_MAX;
    sqlite3_bind_int64(hi_q, 1, lo);
    sqlite3_bind_int(hi_q, 2, (store_sqlite_scan_chunk > 1 ? store_sqlite_scan_chunk : 1) - 1);
    int step = sqlite3_step(hi_q);
    if (step == SQLITE_ROW) hi = sqlite3_column_int64(hi_q, 0);
    else if (step != SQLITE_DONE) goto dberr;
    if (hi >= upto_id) hi = upto_id;
    sqlite3_reset(hi_q);
    sqlite3_stmt *three[] = {st, reg.st, cpv.st};
    for (int k = 0; k < 3; k++) {
      sqlite3_reset(three[k]);
      sqlite3_bind_int64(three[k], 1, lo);
      sqlite3_bind_int64(three[k], 2, hi);
    }
    reg.step = sqlite3_step(reg.st);
    cpv.step = sqlite3_step(cpv.st);
    sqlite3_int64 last = lo;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
      StoreIndexDoc d;
      last = sqlite3_column_int64(st, 0);
      if (side_collect(&reg, last) || side_collect(&cpv, last)) goto dberr;
      doc_from_row(st, &reg, &cpv, &d);
      if (!d.ocid) continue;
      if ((rc = fn(ctx, &d, err))) goto out;
    }
    if (step != SQLITE_DONE) goto dberr;
    for (int k = 0; k < 3; k++) sqlite3_reset(three[k]);
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    in_tx = 0;
    if (hi == upto_id || last == lo) break;
    lo = hi;
  }
  rc = 0;
  goto out;
dberr:
  rc = err_set(err, ERR_DB, "cannot read the notices for the search index: %s (database %s)", sqlite3_errmsg(db),
               path);
out:
  sqlite3_finalize(st);
  sqlite3_finalize(hi_q);
  side_release(&reg);
  side_release(&cpv);
  if (in_tx) sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
  return rc;
}

/* The notices changed after a sequence number are few (what one poll of a
 * running portal sees): found by the notice_last_seq index, their codes read
 * notice by notice, all in one read transaction. INDEXED BY: without
 * statistics SQLite reads the whole table in row id order rather than sort a
 * few rows found by the index. */
int store_sqlite_index_changes(void *impl, int64_t after_seq, StoreIndexFn fn, void *ctx, int64_t *last_seq, Err *err) {
  const char *path;
  sqlite3 *db = store_sqlite_db(impl, &path);
  sqlite3_stmt *st = NULL;
  Side reg = {0}, cpv = {0};
  int rc = ERR_DB, in_tx = 0;
  if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) goto dberr;
  in_tx = 1;
  if (store_sqlite_last_seq(impl, last_seq, err)) {
    rc = ERR_DB;
    goto out;
  }
  if (sqlite3_prepare_v2(db, DOC_COLS " INDEXED BY notice_last_seq WHERE last_seq > ?1 ORDER BY id", -1, &st, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(db, "SELECT notice_id, region FROM notice_region WHERE notice_id = ?1 ORDER BY region", -1,
                         &reg.st, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(db, "SELECT notice_id, code, kind FROM notice_cpv WHERE notice_id = ?1 ORDER BY code", -1,
                         &cpv.st, NULL) != SQLITE_OK)
    goto dberr;
  sqlite3_bind_int64(st, 1, after_seq);
  int step;
  while ((step = sqlite3_step(st)) == SQLITE_ROW) {
    sqlite3_int64 id = sqlite3_column_int64(st, 0);
    Side *sides[] = {&reg, &cpv};
    for (int k = 0; k < 2; k++) {
      sqlite3_reset(sides[k]->st);
      sqlite3_bind_int64(sides[k]->st, 1, id);
      sides[k]->step = sqlite3_step(sides[k]->st);
      if (side_collect(sides[k], id)) goto dberr;
    }
    StoreIndexDoc d;
    doc_from_row(st, &reg, &cpv, &d);
    if (!d.ocid) continue;
    if ((rc = fn(ctx, &d, err))) goto out;
  }
  if (step != SQLITE_DONE) goto dberr;
  rc = 0;
  goto out;
dberr:
  rc = err_set(err, ERR_DB, "cannot read the changed notices for the search index: %s (database %s)",
               sqlite3_errmsg(db), path);
out:
  sqlite3_finalize(st);
  side_release(&reg);
  side_release(&cpv);
  if (in_tx) sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
  return rc;
}

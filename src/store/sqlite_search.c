/* sqlite_search.c -- search/query.h queries on the SQLite store: FTS5 for the
 * keywords, SQL for the filters, sorts and cursors.
 *
 * The statement is assembled from fixed fragments according to which filters
 * a query uses; every value is a bound parameter (the text never contains user
 * input). Keywords become an FTS5 expression in which every word is a quoted
 * string (query_fts5_part), so user text cannot be FTS5 syntax either.
 *
 * Status is evaluated at query time: a notice stored as open whose deadline has
 * passed is closed. Dates are stored as "YYYY-MM-DDTHH:MM:SSZ" text, so they
 * compare as text with the bound bounds.
 *
 * This is the reference engine: correct for every query, fast for selective
 * ones. Ranking every match of a very common word with bm25 is what it cannot
 * do quickly at a million notices; see BENCHMARKS.md. */
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"
#include "search/query.h"
#include "store/store_impl.h"

#define MAX_BINDS 96

typedef struct {
  enum { B_TEXT, B_INT, B_DOUBLE } kind[MAX_BINDS];
  const char *text[MAX_BINDS];
  long long i[MAX_BINDS];
  double d[MAX_BINDS];
  int n;
  char dates[8][DATE_LEN]; /* storage for formatted dates */
  int n_dates;
  Buf fts_pos, fts_neg;
} Binds;

/* Adds a parameter and writes its placeholder ?N. */
static void bind_t(Binds *b, Buf *sql, const char *v) {
  b->kind[b->n] = B_TEXT;
  b->text[b->n] = v;
  buf_addf(sql, "?%d", ++b->n);
}
static void bind_i(Binds *b, Buf *sql, long long v) {
  b->kind[b->n] = B_INT;
  b->i[b->n] = v;
  buf_addf(sql, "?%d", ++b->n);
}
static void bind_d(Binds *b, Buf *sql, double v) {
  b->kind[b->n] = B_DOUBLE;
  b->d[b->n] = v;
  buf_addf(sql, "?%d", ++b->n);
}
static const char *date_text(Binds *b, time_t t) {
  char *d = b->dates[b->n_dates++];
  date_format(t, d);
  return d;
}

static int apply_binds(sqlite3_stmt *q, const Binds *b) {
  for (int k = 0; k < b->n; k++) {
    int rc = b->kind[k] == B_TEXT     ? sqlite3_bind_text(q, k + 1, b->text[k], -1, SQLITE_STATIC)
             : b->kind[k] == B_INT    ? sqlite3_bind_int64(q, k + 1, b->i[k])
                                      : sqlite3_bind_double(q, k + 1, b->d[k]);
    if (rc != SQLITE_OK) return rc;
  }
  return SQLITE_OK;
}

/* The WHERE clause shared by the count and the page (without the cursor). */
static void where(const Query *q, const char *now, Binds *b, Buf *sql) {
  /* Readers never see a notice row without its releases: the first release
   * makes the row and the notice fills it in the same transaction. */
  buf_adds(sql, " WHERE 1");
  if (q->n_positive) {
    buf_adds(sql, " AND notice_fts MATCH ");
    bind_t(b, sql, b->fts_pos.data);
  }
  if (b->fts_neg.len) {
    buf_adds(sql, " AND n.id NOT IN (SELECT rowid FROM notice_fts WHERE notice_fts MATCH ");
    bind_t(b, sql, b->fts_neg.data);
    buf_addc(sql, ')');
  }
  if (q->status) {
    static const char *const names[] = {"open", "closed", "awarded", "cancelled", "planned"};
    buf_adds(sql, " AND (0");
    for (int s = 0; s < 5; s++) {
      if (!(q->status & (1u << s))) continue;
      if (s == NOTICE_OPEN) {
        buf_adds(sql, " OR (n.status = 'open' AND (n.deadline IS NULL OR n.deadline >= ");
        bind_t(b, sql, now);
        buf_adds(sql, "))");
      } else if (s == NOTICE_CLOSED) {
        buf_adds(sql, " OR n.status = 'closed' OR (n.status = 'open' AND n.deadline < ");
        bind_t(b, sql, now);
        buf_addc(sql, ')');
      } else {
        buf_addf(sql, " OR n.status = '%s'", names[s]);
      }
    }
    buf_addc(sql, ')');
  }
  if (q->has_closing_from) {
    buf_adds(sql, " AND n.deadline >= ");
    bind_t(b, sql, date_text(b, q->closing_from));
  }
  if (q->has_closing_to) {
    buf_adds(sql, " AND n.deadline < ");
    bind_t(b, sql, date_text(b, q->closing_to));
  }
  if (q->has_value_min) {
    buf_adds(sql, " AND n.value >= ");
    bind_d(b, sql, q->value_min);
  }
  if (q->has_value_max) {
    buf_adds(sql, " AND n.value <= ");
    bind_d(b, sql, q->value_max);
  }
  if (q->n_cpv) {
    /* a prefix p matches codes in [p, p + 1): "722" -> "722" <= code < "723" */
    buf_adds(sql, " AND EXISTS (SELECT 1 FROM notice_cpv c WHERE c.notice_id = n.id AND (0");
    for (size_t i = 0; i < q->n_cpv; i++) {
      buf_adds(sql, " OR (c.code >= ");
      bind_t(b, sql, q->cpv[i]);
      buf_adds(sql, " AND c.code < ");
      bind_t(b, sql, q->cpv[i]);
      buf_adds(sql, " || char(255))"); /* every 8-digit code with the prefix sorts below prefix + 0xFF */
    }
    buf_adds(sql, "))");
  }
  if (q->n_region) {
    buf_adds(sql, " AND EXISTS (SELECT 1 FROM notice_region r WHERE r.notice_id = n.id AND r.region IN (");
    for (size_t i = 0; i < q->n_region; i++) {
      if (i) buf_addc(sql, ',');
      bind_t(b, sql, q->region[i]);
    }
    buf_adds(sql, "))");
  }
  if (q->buyer) {
    buf_adds(sql, " AND n.buyer_id = ");
    bind_i(b, sql, q->buyer);
  }
  if (q->sme == FLAG_YES) buf_adds(sql, " AND n.sme = 1");
  if (q->sme == FLAG_NO) buf_adds(sql, " AND (n.sme IS NULL OR n.sme = 0)");
  if (q->vcse == FLAG_YES) buf_adds(sql, " AND n.vcse = 1");
  if (q->vcse == FLAG_NO) buf_adds(sql, " AND (n.vcse IS NULL OR n.vcse = 0)");
}

/* The sort expression for a query's order and its direction. */
static const char *sort_expr(QuerySort s) {
  switch (s) {
  case QUERY_SORT_RELEVANCE: return "-bm25(notice_fts, 10.0, 1.0, 3.0, 2.0)";
  case QUERY_SORT_CLOSING: return "n.deadline";
  case QUERY_SORT_NEWEST: return "n.published";
  default: return "n.value";
  }
}

/* Items strictly after the cursor, in the order of the sort (see query.h). */
static void after_cursor(const Query *q, Binds *b, Buf *sql) {
  const QueryCursor *c = &q->cursor;
  const char *e = sort_expr(q->sort);
  int asc = q->sort == QUERY_SORT_CLOSING;
  if (!c->has_key) {
    buf_addf(sql, " AND %s IS NULL AND n.ocid > ", e);
    bind_t(b, sql, c->ocid);
    return;
  }
  buf_addf(sql, " AND (%s %c ", e, asc ? '>' : '<');
  if (q->sort == QUERY_SORT_CLOSING || q->sort == QUERY_SORT_NEWEST) {
    const char *k = date_text(b, (time_t)c->key);
    bind_t(b, sql, k);
    buf_addf(sql, " OR (%s = ", e);
    bind_t(b, sql, k);
  } else {
    bind_d(b, sql, c->key);
    buf_addf(sql, " OR (%s = ", e);
    bind_d(b, sql, c->key);
  }
  buf_adds(sql, " AND n.ocid > ");
  bind_t(b, sql, c->ocid);
  buf_addc(sql, ')');
  if (q->sort != QUERY_SORT_RELEVANCE) buf_addf(sql, " OR %s IS NULL", e);
  buf_addc(sql, ')');
}

static void order_by(const Query *q, Buf *sql) {
  const char *e = sort_expr(q->sort);
  if (q->sort == QUERY_SORT_RELEVANCE) buf_addf(sql, " ORDER BY %s DESC, n.ocid", e);
  else if (q->sort == QUERY_SORT_CLOSING) buf_addf(sql, " ORDER BY %s IS NULL, %s, n.ocid", e, e);
  else buf_addf(sql, " ORDER BY %s IS NULL, %s DESC, n.ocid", e, e);
}

static char *dup_col(sqlite3_stmt *st, int i) {
  const unsigned char *t = sqlite3_column_text(st, i);
  return t ? xstrdup((const char *)t) : NULL;
}

int store_sqlite_search(void *impl, const Query *q, time_t now, StoreResults *out, Err *err) {
  const char *path;
  sqlite3 *db = store_sqlite_db(impl, &path);
  memset(out, 0, sizeof *out);
  Binds b;
  memset(&b, 0, sizeof b);
  Buf sql = BUF_INIT;
  sqlite3_stmt *st = NULL;
  int rc = ERR_DB;
  char now_text[DATE_LEN];
  date_format(now, now_text);
  if (q->n_positive) query_fts5_part(q, 0, &b.fts_pos);
  query_fts5_part(q, 1, &b.fts_neg);
  if (q->sort == QUERY_SORT_RELEVANCE && !q->n_positive) {
    rc = err_set(err, ERR_USAGE, "sort=relevance needs keywords");
    goto out;
  }
  const char *from = q->n_positive ? " FROM notice_fts JOIN notice n ON n.id = notice_fts.rowid" : " FROM notice n";

  /* the total: from the full-text index alone when keywords are the only
   * condition (joining every match to its notice row cost 50x more) */
  int keywords_only = q->n_positive && !b.fts_neg.len && !q->status && !q->has_closing_from && !q->has_closing_to &&
                      !q->has_value_min && !q->has_value_max && !q->n_cpv && !q->n_region && !q->buyer &&
                      q->sme == FLAG_UNKNOWN && q->vcse == FLAG_UNKNOWN;
  if (keywords_only) {
    buf_adds(&sql, "SELECT count(*) FROM notice_fts WHERE notice_fts MATCH ");
    bind_t(&b, &sql, b.fts_pos.data);
  } else {
    buf_adds(&sql, "SELECT count(*)");
    buf_adds(&sql, from);
    where(q, now_text, &b, &sql);
  }
  if (sqlite3_prepare_v2(db, sql.data, -1, &st, NULL) != SQLITE_OK || apply_binds(st, &b) != SQLITE_OK) goto dberr;
  if (sqlite3_step(st) != SQLITE_ROW) goto dberr;
  out->total = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  st = NULL;

  /* the page */
  buf_reset(&sql);
  b.n = 0;
  b.n_dates = 0;
  buf_addf(&sql,
           "SELECT n.ocid, n.title, n.buyer_name, n.buyer_id,"
           " CASE WHEN n.status = 'open' AND n.deadline < ?%d THEN 'closed' ELSE n.status END,"
           " n.deadline, n.published, n.value, n.currency, n.sme, n.vcse,"
           " (SELECT group_concat(region, ',') FROM (SELECT region FROM notice_region WHERE notice_id = n.id ORDER BY region)),"
           " (SELECT code FROM notice_cpv WHERE notice_id = n.id ORDER BY kind, code LIMIT 1), %s, %s",
           MAX_BINDS, q->n_positive ? sort_expr(QUERY_SORT_RELEVANCE) : "0",
           q->n_positive ? "snippet(notice_fts, -1, char(2), char(3), '…', 24)" : "substr(n.description, 1, 240)");
  buf_adds(&sql, from);
  where(q, now_text, &b, &sql);
  if (q->has_cursor) after_cursor(q, &b, &sql);
  order_by(q, &sql);
  buf_adds(&sql, " LIMIT ");
  bind_i(&b, &sql, q->limit + 1);
  if (sqlite3_prepare_v2(db, sql.data, -1, &st, NULL) != SQLITE_OK || apply_binds(st, &b) != SQLITE_OK ||
      sqlite3_bind_text(st, MAX_BINDS, now_text, -1, SQLITE_STATIC) != SQLITE_OK)
    goto dberr;
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
dberr:
  rc = err_set(err, ERR_DB, "search failed: %s (database %s)", sqlite3_errmsg(db), path);
  store_results_release(out);
out:
  sqlite3_finalize(st);
  buf_release(&sql);
  buf_release(&b.fts_pos);
  buf_release(&b.fts_neg);
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

int store_sqlite_index_scan(void *impl, StoreIndexFn fn, void *ctx, int64_t *last_seq, Err *err) {
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
  if (sqlite3_prepare_v2(db,
                         "SELECT id, ocid, title, description, buyer_name, cpv_text, status, deadline, published,"
                         " buyer_id, value, sme, vcse FROM notice ORDER BY id",
                         -1, &st, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(db, "SELECT notice_id, region FROM notice_region ORDER BY notice_id, region", -1, &reg.st,
                         NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(db, "SELECT notice_id, code, kind FROM notice_cpv ORDER BY notice_id, code", -1, &cpv.st,
                         NULL) != SQLITE_OK)
    goto dberr;
  reg.step = sqlite3_step(reg.st);
  cpv.step = sqlite3_step(cpv.st);
  int step;
  while ((step = sqlite3_step(st)) == SQLITE_ROW) {
    StoreIndexDoc d;
    memset(&d, 0, sizeof d);
    d.id = sqlite3_column_int64(st, 0);
    if (side_collect(&reg, d.id) || side_collect(&cpv, d.id)) goto dberr;
    d.ocid = text_col(st, 1);
    d.title = text_col(st, 2);
    d.description = text_col(st, 3);
    d.buyer_name = text_col(st, 4);
    d.cpv_text = text_col(st, 5);
    d.status = text_col(st, 6);
    d.deadline = text_col(st, 7);
    d.published = text_col(st, 8);
    d.buyer_id = sqlite3_column_int64(st, 9);
    if ((d.has_value = sqlite3_column_type(st, 10) != SQLITE_NULL)) d.value = sqlite3_column_double(st, 10);
    d.sme = flag_col(st, 11);
    d.vcse = flag_col(st, 12);
    d.regions = reg.v;
    d.n_regions = reg.n;
    d.cpv = cpv.v;
    d.n_cpv = cpv.n;
    if (!d.ocid) continue;
    if ((rc = fn(ctx, &d, err))) goto out;
  }
  if (step != SQLITE_DONE) goto dberr;
  rc = 0;
  goto out;
dberr:
  rc = err_set(err, ERR_DB, "cannot read the notices for the search index: %s (database %s)", sqlite3_errmsg(db),
               path);
out:
  sqlite3_finalize(st);
  sqlite3_finalize(reg.st);
  sqlite3_finalize(cpv.st);
  buf_release(&reg.text);
  buf_release(&cpv.text);
  free(reg.v);
  free(reg.kind);
  free(cpv.v);
  free(cpv.kind);
  if (in_tx) sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
  return rc;
}

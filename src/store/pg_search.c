/* pg_search.c -- the search aggregate (store/search.h) on PostgreSQL:
 * model/query.h queries with the tsvector column for the keywords (the query
 * words folded and stemmed by base/token.h, as the notices' words were) and the filters,
 * sorts and cursors of store/search_sql.h in PostgreSQL's dialect; and
 * store_fts. */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/snippet.h"
#include "base/token.h"
#include "model/query.h"
#include "store/pg_impl.h"
#include "store/search_sql.h"

/* ---- full-text: tsquery text ---- */

/* One query word as a lexeme: its term (folded and stemmed, base/token.h) as
 * the notices' words were written and as the index holds it. A word that folds
 * to nothing becomes U+0001, which no text has as a word (it separates), so
 * it matches nothing -- as in the in-memory index. */
static void tsq_word(Buf *out, const char *w) {
  Buf f = BUF_INIT;
  token_term(w, strlen(w), &f);
  if (f.len) ts_quote(out, f.data, f.len);
  else ts_quote(out, "\x01", 1);
  buf_release(&f);
}

/* tsquery text of the clauses with negated == neg: the positive ones AND-ed
 * (a notice must match), or the exclusions OR-ed (a notice matching it is
 * left out). Returns how many clauses were written. */
static size_t tsq_part(const Query *q, int neg, Buf *out) {
  size_t n = 0;
  for (size_t i = 0; i < q->n_clauses; i++) {
    const QueryClause *c = &q->clauses[i];
    if (!c->negated != !neg) continue;
    if (n++) buf_adds(out, neg ? " | " : " & ");
    buf_addc(out, '(');
    for (size_t a = 0; a < c->n_alts; a++) {
      if (a) buf_adds(out, " | ");
      buf_addc(out, '(');
      for (size_t k = 0; k < c->alts[a].n_words; k++) {
        if (k) buf_adds(out, " <-> ");
        tsq_word(out, c->alts[a].words[k]);
      }
      buf_addc(out, ')');
    }
    buf_addc(out, ')');
  }
  return n;
}

typedef struct {
  Buf *out;
  size_t words;
} FtsChunk;

static int fts_word(void *ctx, const char *w, size_t len, size_t start, size_t end) {
  FtsChunk *c = ctx;
  if (c->words++) buf_adds(c->out, " <-> ");
  ts_quote(c->out, w, len);
  return 0;
}

/* As sqlite_search.c: every whitespace-separated chunk of terms is a phrase of its
 * words, all must match; a chunk without words matches nothing (an FTS5
 * phrase without tokens). */
static int pg_fts(void *impl, const char *terms, int limit, StoreHitFn fn, void *ctx, Err *err) {
  Pg *p = impl;
  Buf m = BUF_INIT;
  int rc = 0, chunks = 0, empty = 0;
  for (const char *s = terms; *s;) {
    while (*s == ' ' || *s == '\t') s++;
    if (!*s) break;
    const char *w = s;
    while (*s && *s != ' ' && *s != '\t') s++;
    if (chunks++) buf_adds(&m, " & ");
    buf_addc(&m, '(');
    FtsChunk c = {&m, 0};
    token_each(w, (size_t)(s - w), fts_word, &c);
    buf_addc(&m, ')');
    if (!c.words) empty = 1;
  }
  if (chunks && !empty) {
    Params ps = {.n = 0};
    p_text(&ps, m.data);
    p_int(&ps, limit);
    PGresult *r = run(p, Q_FTS_SEARCH, &ps, err, "search failed");
    if (!r) {
      rc = ERR_DB;
    } else {
      for (int i = 0, n = PQntuples(r); i < n; i++)
        if (fn(ctx, PQgetvalue(r, i, 0), col(r, i, 1))) break;
      PQclear(r);
    }
  }
  buf_release(&m);
  return rc;
}

/* ---- search ----------------------------------------------------------------------------- */
/* The filters, sorts and cursors are search_sql.h's, in PostgreSQL's dialect;
 * this adds the tsquery keywords and ts_rank. Snippets are cut here in C by
 * base/snippet.h, as the index cuts them: ts_headline would need PostgreSQL's
 * own parser to find the stems, and it finds other words than base/token.h. */

/* The first n characters of s, as left(s, n) (NULL for NULL). */
static char *text_prefix(const char *s, size_t n) {
  if (!s) return NULL;
  size_t i = 0;
  for (size_t k = 0; s[i] && k < n; k++) {
    i++;
    while ((s[i] & 0xC0) == 0x80) i++;
  }
  return xstrndup(s, i);
}

/* The terms of q's positive words (for snippets); *n of them. */
static char **snippet_terms(const Query *q, size_t *n) {
  char **w = xcalloc(q->n_words + 1, sizeof *w);
  *n = 0;
  for (size_t c = 0; c < q->n_clauses; c++) {
    if (q->clauses[c].negated) continue;
    for (size_t a = 0; a < q->clauses[c].n_alts; a++)
      for (size_t k = 0; k < q->clauses[c].alts[a].n_words; k++) {
        const char *word = q->clauses[c].alts[a].words[k];
        Buf t = BUF_INIT;
        token_term(word, strlen(word), &t);
        w[(*n)++] = buf_detach(&t, NULL);
      }
  }
  return w;
}

#define PG_RANK "ts_rank(" RANK_WEIGHTS ", n.tsv, $2::tsquery)::float8"

/* Runs text with the binds (not prepared: the text depends on the query). The
 * first n_typed parameters are declared text (a statement may leave them
 * unused); the server infers the others from where they stand. */
static PGresult *run_text(Pg *p, const char *text, const SqlBinds *b, int n_typed, Err *err, const char *what) {
  const char *v[SQL_MAX_BINDS];
  Oid type[SQL_MAX_BINDS];
  char num[SQL_MAX_BINDS][32];
  for (int k = 0; k < b->n; k++) {
    type[k] = k < n_typed ? TEXT_OID : 0;
    if (b->kind[k] == SQL_TEXT) {
      v[k] = b->text[k];
      continue;
    }
    if (b->kind[k] == SQL_INT) snprintf(num[k], sizeof num[k], "%lld", b->i[k]);
    else snprintf(num[k], sizeof num[k], "%.17g", b->d[k]);
    v[k] = num[k];
  }
  for (int attempt = 0;; attempt++) {
    PGresult *r = PQexecParams(p->conn, text, b->n, type, v, NULL, NULL, 0);
    if (PQresultStatus(r) == PGRES_TUPLES_OK) return r;
    if (attempt == 0 && !p->in_txn && PQstatus(p->conn) == CONNECTION_BAD && reconnect(p)) {
      PQclear(r);
      continue;
    }
    pg_err(p, err, what, r);
    PQclear(r);
    return NULL;
  }
}

static int pg_awards(void *impl, const long long *ids, StoreHit *hits, size_t n, Err *err) {
  /* only awarded notices have one: most pages need no query at all */
  size_t awarded = 0;
  for (size_t i = 0; i < n; i++) awarded += hits[i].status && strcmp(hits[i].status, notice_status_name(NOTICE_AWARDED)) == 0;
  if (!awarded) return 0;
  if (!n) return 0;
  SqlBinds b;
  sql_binds_init(&b, SQL_PG, PG_RANK);
  Buf s = BUF_INIT;
  search_sql_awards(ids, n, &b, &s);
  PGresult *r = b.overflow ? NULL : run_text(impl, s.data, &b, 0, err, "search failed: cannot read awards");
  buf_release(&s);
  if (b.overflow) return err_set(err, ERR_USAGE, "the search has too many conditions");
  if (!r) return ERR_DB;
  long long prev = 0;
  for (int k = 0, rows = PQntuples(r); k < rows; k++) {
    long long id = col_int(r, k, 0);
    if (id == prev) continue; /* the notice's latest came first */
    prev = id;
    for (size_t i = 0; i < n; i++) {
      if (ids[i] != id) continue;
      StoreHit *h = &hits[i];
      h->has_award_value = col_double(r, k, 1, &h->award_value);
      h->award_currency = col_dup(r, k, 2);
      h->award_date = col_dup(r, k, 3);
      h->winner = col_dup(r, k, 4);
    }
  }
  PQclear(r);
  return 0;
}

/* One page of q, without open_first (hits_open_first runs it per group). */
static int search_page(void *impl, const Query *q, time_t now, StoreResults *out, Err *err) {
  Pg *p = impl;
  memset(out, 0, sizeof *out);
  SqlBinds b;
  sql_binds_init(&b, SQL_PG, PG_RANK);
  Buf s = BUF_INIT, pos = BUF_INIT, neg = BUF_INIT;
  PGresult *r = NULL;
  int rc = ERR_DB;
  char now_text[DATE_LEN];
  date_format(now, now_text);
  if (q->sort == QUERY_SORT_RELEVANCE && !q->n_positive) {
    rc = err_set(err, ERR_USAGE, "sort=relevance needs keywords");
    goto out;
  }
  SqlKeywords kw = {NULL, NULL};
  if (tsq_part(q, 0, &pos)) kw.pos = pos.data;
  if (tsq_part(q, 1, &neg)) kw.neg = neg.data;

  /* the total */
  buf_adds(&s, "SELECT count(*) FROM notice n");
  search_sql_where(q, &kw, now_text, &b, &s);
  if (b.overflow) goto toomany;
  if (!(r = run_text(p, s.data, &b, 0, err, "search failed"))) goto out;
  out->total = col_int(r, 0, 0);
  PQclear(r);
  r = NULL;

  /* the page: $1 is now, $2 the positive keywords (for the rank); the
   * expensive columns are computed for the page only */
  buf_reset(&s);
  sql_binds_init(&b, SQL_PG, PG_RANK);
  sql_bind_text(&b, NULL, now_text);
  sql_bind_text(&b, NULL, kw.pos ? kw.pos : "");
  buf_adds(&s, "SELECT n.ocid, n.title, n.buyer_name, n.buyer_id,");
  search_sql_shown_status(&b, 1, &s);
  buf_addf(&s,
           ", n.deadline, n.published, n.value, n.currency, n.sme, n.vcse,"
           " (SELECT string_agg(region, ',' ORDER BY region) FROM notice_region WHERE notice_id = n.id),"
           " (SELECT code FROM notice_cpv WHERE notice_id = n.id ORDER BY kind, code LIMIT 1), %s, %s, n.id, "
           SEARCH_SQL_STAGE ", " SEARCH_SQL_SECTOR ", " SEARCH_SQL_SUBCONTRACT " FROM notice n",
           kw.pos ? PG_RANK : "0::float8",
           kw.pos ? SEARCH_SQL_DESCRIPTION ", n.cpv_text" : "left(" SEARCH_SQL_DESCRIPTION ", 240), NULL");
  /* columns: ... 14, 15 the snippet's texts, 16 the row id, 17 the stage, 18 the sector, 19 sub-contract */
  search_sql_where(q, &kw, now_text, &b, &s);
  if (q->has_cursor) search_sql_after_cursor(q, &b, &s);
  search_sql_order_by(q, &b, &s);
  buf_adds(&s, " LIMIT ");
  sql_bind_int(&b, &s, q->limit + 1);
  if (b.overflow) goto toomany;
  if (!(r = run_text(p, s.data, &b, 2, err, "search failed"))) goto out;
  int rows = PQntuples(r);
  size_t n_terms = 0;
  char **terms = kw.pos ? snippet_terms(q, &n_terms) : NULL;
  long long ids[QUERY_MAX_LIMIT + 1];
  out->hits = xcalloc((size_t)q->limit + 1, sizeof *out->hits);
  for (int i = 0; i < rows; i++) {
    if (out->n == (size_t)q->limit) {
      out->has_more = 1;
      break;
    }
    StoreHit *h = &out->hits[out->n++];
    h->ocid = col_dup(r, i, 0);
    h->title = col_dup(r, i, 1);
    h->buyer_name = col_dup(r, i, 2);
    h->buyer_id = col_int(r, i, 3);
    h->status = col_dup(r, i, 4);
    h->deadline = col_dup(r, i, 5);
    h->published = col_dup(r, i, 6);
    h->has_value = col_double(r, i, 7, &h->value);
    h->currency = col_dup(r, i, 8);
    h->sme = col_flag(r, i, 9);
    h->vcse = col_flag(r, i, 10);
    h->regions = col_dup(r, i, 11);
    h->cpv = col_dup(r, i, 12);
    col_double(r, i, 13, &h->score);
    if (terms) {
      Buf sn = BUF_INIT;
      const char *cols[4] = {h->title, col(r, i, 14), h->buyer_name, col(r, i, 15)};
      snippet_make(cols, 4, (const char *const *)terms, n_terms, &sn);
      if (sn.len) h->snippet = buf_detach(&sn, NULL);
      buf_release(&sn);
    }
    if (!h->snippet && terms) h->snippet = text_prefix(col(r, i, 14), 240);
    else if (!h->snippet) h->snippet = col_dup(r, i, 14);
    ids[out->n - 1] = col_int(r, i, 16);
    h->stage = notice_stage_name(notice_stage_parse(col(r, i, 17)));
    h->sector = notice_sector_of(col(r, i, 18));
    h->subcontract = col_int(r, i, 19) != 0;
  }
  for (size_t k = 0; k < n_terms; k++) free(terms[k]);
  free(terms);
  if ((rc = pg_awards(p, ids, out->hits, out->n, err))) {
    store_results_release(out);
    goto out;
  }
  rc = 0;
  goto out;
toomany:
  rc = err_set(err, ERR_USAGE, "the search has too many conditions");
out:
  PQclear(r);
  buf_release(&s);
  buf_release(&pos);
  buf_release(&neg);
  return rc;
}

static int pg_search(void *impl, const Query *q, time_t now, StoreResults *out, Err *err) {
  return hits_open_first(q, now, search_page, impl, out, err);
}

const StoreSearchOps store_pg_search_ops = {
    .search = pg_search,
    .fts = pg_fts,
    .awards = pg_awards,
};

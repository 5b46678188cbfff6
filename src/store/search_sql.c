/* search_sql.c -- see search_sql.h. */
#include "store/search_sql.h"

#include <string.h>

#include "model/notice.h"

void sql_binds_init(SqlBinds *b, SqlDialect dialect, const char *rank) {
  b->dialect = dialect;
  b->rank = rank;
  b->n = 0;
  b->overflow = 0;
  b->n_dates = 0;
}

/* The next parameter's slot, or -1 (and overflow) when there is none. */
static int slot(SqlBinds *b, Buf *sql) {
  if (b->n >= SQL_MAX_BINDS) {
    b->overflow = 1;
    if (sql) buf_adds(sql, "NULL");
    return -1;
  }
  if (sql) buf_addf(sql, b->dialect == SQL_PG ? "$%d" : "?%d", b->n + 1);
  return b->n++;
}

void sql_bind_text(SqlBinds *b, Buf *sql, const char *v) {
  int k = slot(b, sql);
  if (k < 0) return;
  b->kind[k] = SQL_TEXT;
  b->text[k] = v;
}

void sql_bind_int(SqlBinds *b, Buf *sql, long long v) {
  int k = slot(b, sql);
  if (k < 0) return;
  b->kind[k] = SQL_INT;
  b->i[k] = v;
}

void sql_bind_double(SqlBinds *b, Buf *sql, double v) {
  int k = slot(b, sql);
  if (k < 0) return;
  b->kind[k] = SQL_DOUBLE;
  b->d[k] = v;
}

static const char *date_text(SqlBinds *b, time_t t) {
  if (b->n_dates >= (int)(sizeof b->dates / sizeof *b->dates)) {
    b->overflow = 1;
    return "";
  }
  char *d = b->dates[b->n_dates++];
  date_format(t, d);
  return d;
}

static const char *truth(const SqlBinds *b, int v) {
  if (b->dialect == SQL_PG) return v ? "true" : "false";
  return v ? "1" : "0";
}

/* The status filter: for each status asked for, the stored rows that show as
 * it at now (model/notice.h's rule). */
static void status_where(unsigned want, const char *now, SqlBinds *b, Buf *sql) {
  buf_addf(sql, " AND (%s", truth(b, 0));
  for (int s = 0; s < NOTICE_N_STATUS; s++) {
    if (!(want & (1u << s))) continue;
    buf_addf(sql, " OR (n.status = '%s'", notice_status_name((NoticeStatus)s));
    if (s == NOTICE_STATUS_EXPIRING) { /* until its deadline */
      buf_adds(sql, " AND (n.deadline IS NULL OR n.deadline >= ");
      sql_bind_text(b, sql, now);
      buf_addc(sql, ')');
    }
    buf_addc(sql, ')');
    if (s == NOTICE_STATUS_EXPIRED) { /* and the expiring ones past it */
      buf_addf(sql, " OR (n.status = '%s' AND n.deadline < ", notice_status_name(NOTICE_STATUS_EXPIRING));
      sql_bind_text(b, sql, now);
      buf_addc(sql, ')');
    }
  }
  buf_addc(sql, ')');
}

void search_sql_shown_status(const SqlBinds *b, int now_param, Buf *sql) {
  buf_addf(sql, " CASE WHEN n.status = '%s' AND n.deadline < %c%d THEN '%s' ELSE n.status END",
           notice_status_name(NOTICE_STATUS_EXPIRING), b->dialect == SQL_PG ? '$' : '?', now_param,
           notice_status_name(NOTICE_STATUS_EXPIRED));
}

/* " AND col >= from AND col < to", each bound when it is given. */
static void date_window(SqlBinds *b, Buf *sql, const char *col, int has_from, time_t from, int has_to, time_t to) {
  if (has_from) {
    buf_addf(sql, " AND %s >= ", col);
    sql_bind_text(b, sql, date_text(b, from));
  }
  if (has_to) {
    buf_addf(sql, " AND %s < ", col);
    sql_bind_text(b, sql, date_text(b, to));
  }
}

void search_sql_where(const Query *q, const SqlKeywords *kw, const char *now, SqlBinds *b, Buf *sql) {
  int pg = b->dialect == SQL_PG;
  /* Readers never see a notice row without its releases: the first release
   * makes the row and the notice fills it in the same transaction. */
  buf_addf(sql, " WHERE %s", truth(b, 1));
  if (kw->pos) {
    buf_adds(sql, pg ? " AND n.tsv @@ " : " AND notice_fts MATCH ");
    sql_bind_text(b, sql, kw->pos);
    if (pg) buf_adds(sql, "::tsquery");
  }
  if (kw->neg) {
    buf_adds(sql, pg ? " AND NOT (n.tsv @@ " : " AND n.id NOT IN (SELECT rowid FROM notice_fts WHERE notice_fts MATCH ");
    sql_bind_text(b, sql, kw->neg);
    buf_adds(sql, pg ? "::tsquery)" : ")");
  }
  if (q->status) status_where(q->status, now, b, sql);
  if (q->stage || q->reserved) { /* names from model/notice.h's tables, never the user's text */
    buf_adds(sql, " AND n.id IN (SELECT x.notice_id FROM notice_detail x WHERE ");
    if (q->stage) {
      buf_adds(sql, "x.stage IN (");
      for (int i = 0, k = 0; i < NOTICE_N_STAGE; i++)
        if (q->stage & (1u << i)) buf_addf(sql, "%s'%s'", k++ ? ", " : "", notice_stage_name(i));
      buf_adds(sql, ")");
    }
    if (q->reserved) {
      buf_adds(sql, q->stage ? " AND (" : "(");
      for (int i = 0, k = 0; i < NOTICE_N_RESERVED; i++)
        if (q->reserved & (1u << i)) buf_addf(sql, "%sx.reserved LIKE '%%%s%%'", k++ ? " OR " : "", notice_reserved_name(i));
      buf_adds(sql, ")");
    }
    buf_adds(sql, ")");
  }
  /* a notice without a detail row is public and no sub-contract; both sectors asked for are any */
  if (q->sector == 1u << NOTICE_PUBLIC || q->sector == 1u << NOTICE_PRIVATE)
    buf_addf(sql, " AND n.id %sIN (SELECT x.notice_id FROM notice_detail x WHERE x.sector = 'private')",
             q->sector == 1u << NOTICE_PUBLIC ? "NOT " : "");
  if (q->subcontract != FLAG_UNKNOWN)
    buf_addf(sql, " AND n.id %sIN (SELECT x.notice_id FROM notice_detail x WHERE x.subcontract = 1)",
             q->subcontract == FLAG_NO ? "NOT " : "");
  date_window(b, sql, "n.deadline", q->has_closing_from, q->closing_from, q->has_closing_to, q->closing_to);
  date_window(b, sql, "n.published", q->has_published_from, q->published_from, q->has_published_to, q->published_to);
  if (q->has_value_min) {
    buf_adds(sql, " AND n.value >= ");
    sql_bind_double(b, sql, q->value_min);
  }
  if (q->has_value_max) {
    buf_adds(sql, " AND n.value <= ");
    sql_bind_double(b, sql, q->value_max);
  }
  if (q->n_cpv) {
    /* a prefix p matches the codes that start with it */
    buf_addf(sql, " AND EXISTS (SELECT 1 FROM notice_cpv c WHERE c.notice_id = n.id AND (%s", truth(b, 0));
    for (size_t i = 0; i < q->n_cpv; i++) {
      if (pg) {
        buf_adds(sql, " OR starts_with(c.code, ");
        sql_bind_text(b, sql, q->cpv[i]);
        buf_addc(sql, ')');
      } else { /* an index range: every code with the prefix sorts in [p, p || x'FF') */
        buf_adds(sql, " OR (c.code >= ");
        sql_bind_text(b, sql, q->cpv[i]);
        buf_adds(sql, " AND c.code < ");
        sql_bind_text(b, sql, q->cpv[i]);
        buf_adds(sql, " || char(255))");
      }
    }
    buf_adds(sql, "))");
  }
  if (q->n_region) {
    buf_adds(sql, " AND EXISTS (SELECT 1 FROM notice_region r WHERE r.notice_id = n.id AND r.region IN (");
    for (size_t i = 0; i < q->n_region; i++) {
      if (i) buf_addc(sql, ',');
      sql_bind_text(b, sql, q->region[i]);
    }
    buf_adds(sql, "))");
  }
  if (q->buyer) {
    buf_adds(sql, " AND n.buyer_id = ");
    sql_bind_int(b, sql, q->buyer);
  }
  if (q->sme == FLAG_YES) buf_adds(sql, " AND n.sme = 1");
  if (q->sme == FLAG_NO) buf_adds(sql, " AND (n.sme IS NULL OR n.sme = 0)");
  if (q->vcse == FLAG_YES) buf_adds(sql, " AND n.vcse = 1");
  if (q->vcse == FLAG_NO) buf_adds(sql, " AND (n.vcse IS NULL OR n.vcse = 0)");
}

const char *search_sql_sort_expr(const SqlBinds *b, QuerySort s) {
  switch (s) {
  case QUERY_SORT_RELEVANCE: return b->rank;
  case QUERY_SORT_CLOSING: return "n.deadline";
  case QUERY_SORT_NEWEST: return "n.published";
  case QUERY_SORT_AWARD_DATE: return SEARCH_SQL_AWARD_DATE;
  default: return "n.value";
  }
}

void search_sql_after_cursor(const Query *q, SqlBinds *b, Buf *sql) {
  const QueryCursor *c = &q->cursor;
  const char *e = search_sql_sort_expr(b, q->sort);
  int asc = q->sort == QUERY_SORT_CLOSING;
  if (!c->has_key) {
    buf_addf(sql, " AND %s IS NULL AND n.ocid > ", e);
    sql_bind_text(b, sql, c->ocid);
    return;
  }
  buf_addf(sql, " AND (%s %c ", e, asc ? '>' : '<');
  if (q->sort == QUERY_SORT_CLOSING || q->sort == QUERY_SORT_NEWEST || q->sort == QUERY_SORT_AWARD_DATE) {
    const char *k = date_text(b, (time_t)c->key);
    sql_bind_text(b, sql, k);
    buf_addf(sql, " OR (%s = ", e);
    sql_bind_text(b, sql, k);
  } else {
    sql_bind_double(b, sql, c->key);
    buf_addf(sql, " OR (%s = ", e);
    sql_bind_double(b, sql, c->key);
  }
  buf_adds(sql, " AND n.ocid > ");
  sql_bind_text(b, sql, c->ocid);
  buf_addc(sql, ')');
  if (q->sort != QUERY_SORT_RELEVANCE) buf_addf(sql, " OR %s IS NULL", e);
  buf_addc(sql, ')');
}

void search_sql_order_by(const Query *q, const SqlBinds *b, Buf *sql) {
  const char *e = search_sql_sort_expr(b, q->sort);
  if (q->sort == QUERY_SORT_RELEVANCE) buf_addf(sql, " ORDER BY %s DESC, n.ocid", e);
  else if (q->sort == QUERY_SORT_CLOSING) buf_addf(sql, " ORDER BY %s IS NULL, %s, n.ocid", e, e);
  else buf_addf(sql, " ORDER BY %s IS NULL, %s DESC, n.ocid", e, e);
}

void search_sql_awards(const long long *ids, size_t n, SqlBinds *b, Buf *sql) {
  buf_addf(sql,
           "SELECT a.notice_id, a.value, a.currency, a.date,"
           " (SELECT o.name FROM award_supplier s JOIN org o ON o.id = s.org_id WHERE s.award_id = a.id"
           " ORDER BY s.pos LIMIT 1)"
           " FROM award a JOIN notice n ON n.id = a.notice_id"
           " WHERE n.status = '%s' AND a.status = 'active' AND a.notice_id IN (",
           notice_status_name(NOTICE_AWARDED));
  for (size_t i = 0; i < n; i++) {
    if (i) buf_addc(sql, ',');
    sql_bind_int(b, sql, ids[i]);
  }
  buf_adds(sql, ") ORDER BY a.notice_id, a.date IS NULL, a.date DESC, a.id DESC");
}

/* ------------------------------------------------------- FTS5, tsquery */

static void fts5_word(Buf *out, const char *w) {
  buf_addc(out, '"');
  for (; *w; w++) {
    if (*w == '"') buf_addc(out, '"');
    buf_addc(out, *w);
  }
  buf_addc(out, '"');
}

static void fts5_term(Buf *out, const QueryTerm *t) {
  for (size_t i = 0; i < t->n_words; i++) {
    if (i) buf_adds(out, " + ");
    fts5_word(out, t->words[i]);
  }
}

size_t query_fts5_part(const Query *q, int negated, Buf *out) {
  size_t k = 0;
  for (size_t i = 0; i < q->n_clauses; i++) {
    const QueryClause *c = &q->clauses[i];
    if (!c->negated != !negated) continue;
    if (negated) {
      for (size_t j = 0; j < c->n_alts; j++) {
        if (k || j) buf_adds(out, " OR ");
        fts5_term(out, &c->alts[j]);
      }
    } else {
      if (k) buf_adds(out, " AND ");
      if (c->n_alts > 1) buf_addc(out, '(');
      for (size_t j = 0; j < c->n_alts; j++) {
        if (j) buf_adds(out, " OR ");
        fts5_term(out, &c->alts[j]);
      }
      if (c->n_alts > 1) buf_addc(out, ')');
    }
    k++;
  }
  return k;
}

int query_fts5(const Query *q, Buf *out) {
  if (!q->n_positive) return -1;
  if (q->n_clauses == q->n_positive) {
    query_fts5_part(q, 0, out);
    return 0;
  }
  buf_addc(out, '(');
  query_fts5_part(q, 0, out);
  buf_adds(out, ") NOT (");
  query_fts5_part(q, 1, out);
  buf_addc(out, ')');
  return 0;
}

static void ts_term(Buf *out, const QueryTerm *t, int wrap) {
  wrap = wrap && t->n_words > 1;
  if (wrap) buf_addc(out, '(');
  for (size_t i = 0; i < t->n_words; i++) {
    if (i) buf_adds(out, " <-> ");
    buf_addc(out, '\'');
    for (const char *w = t->words[i]; *w; w++) {
      if (*w == '\'' || *w == '\\') buf_addc(out, *w);
      buf_addc(out, *w);
    }
    buf_addc(out, '\'');
  }
  if (wrap) buf_addc(out, ')');
}

size_t query_tsquery(const Query *q, Buf *out) {
  for (size_t i = 0; i < q->n_clauses; i++) {
    const QueryClause *c = &q->clauses[i];
    if (i) buf_adds(out, " & ");
    if (c->negated) buf_addc(out, '!');
    int wrap = c->n_alts > 1;
    if (wrap) buf_addc(out, '(');
    for (size_t j = 0; j < c->n_alts; j++) {
      if (j) buf_adds(out, " | ");
      ts_term(out, &c->alts[j], c->negated || c->n_alts > 1 || q->n_clauses > 1);
    }
    if (wrap) buf_addc(out, ')');
  }
  return q->n_clauses;
}

/* search_sql.h -- the one definition of a model/query.h Query in SQL, for
 * both backends. The store's own search engine is the reference the in-memory
 * index is checked against (tests/unit/test_index.c, bit for bit), so it stays;
 * what was written twice, filter by filter (sqlite_search.c and pg.c), is now
 * written once here and printed in each backend's dialect:
 *
 *                     SQLite                          PostgreSQL
 *   placeholder       ?N                              $N
 *   keywords          notice_fts MATCH ?  (FTS5)      n.tsv @@ $N::tsquery
 *   without words     n.id NOT IN (... MATCH ?)       NOT (n.tsv @@ $N::tsquery)
 *   CPV prefix p      code >= p AND code < p||x'FF'   starts_with(code, p)
 *   relevance         -bm25(notice_fts, 10,1,3,2)     ts_rank(...) over $2
 *
 * The status filter is built from model/notice.h's rule (an expiring status
 * past its deadline shows as the expired one) and its names; the SQL text
 * holds fragments only, every value is a bound parameter.
 *
 * Binds are bounds-checked: a query that would need more than SQL_MAX_BINDS
 * parameters sets overflow (and adds no more); the caller refuses it. No valid
 * Query comes near (search/query.h caps words, CPV codes and regions).
 *
 * The keywords in each engine's full-text syntax are written here too
 * (query_fts5, query_tsquery): they are the store's query languages, not the
 * query model's. */
#ifndef STORE_SEARCH_SQL_H
#define STORE_SEARCH_SQL_H

#include <time.h>

#include "base/buf.h"
#include "base/date.h"
#include "model/query.h"

#define SQL_MAX_BINDS 128

typedef enum { SQL_SQLITE, SQL_PG } SqlDialect;
typedef enum { SQL_TEXT, SQL_INT, SQL_DOUBLE } SqlBindKind;

typedef struct {
  SqlDialect dialect;
  const char *rank;   /* the relevance expression (dialect-specific, see above) */
  int n, overflow;
  SqlBindKind kind[SQL_MAX_BINDS];
  const char *text[SQL_MAX_BINDS]; /* borrowed: must outlive the statement */
  long long i[SQL_MAX_BINDS];
  double d[SQL_MAX_BINDS];
  char dates[8][DATE_LEN]; /* formatted dates the binds point to */
  int n_dates;
} SqlBinds;

/* Starts (or restarts) b for dialect with no parameters. */
void sql_binds_init(SqlBinds *b, SqlDialect dialect, const char *rank);

/* Adds a parameter; appends its placeholder to sql when sql is not NULL. */
void sql_bind_text(SqlBinds *b, Buf *sql, const char *v);
void sql_bind_int(SqlBinds *b, Buf *sql, long long v);
void sql_bind_double(SqlBinds *b, Buf *sql, double v);

/* Keyword conditions, already in the dialect's full-text syntax (FTS5
 * expression or tsquery text), NULL when the query has none. */
typedef struct {
  const char *pos, *neg;
} SqlKeywords;

/* " WHERE ...": every filter of q over `notice n`, at now (formatted date). */
void search_sql_where(const Query *q, const SqlKeywords *kw, const char *now, SqlBinds *b, Buf *sql);
/* " AND (...)": the items strictly after q's cursor in q's order. */
void search_sql_after_cursor(const Query *q, SqlBinds *b, Buf *sql);
/* " ORDER BY ...": q's sort with the ocid as the tie-break. */
void search_sql_order_by(const Query *q, const SqlBinds *b, Buf *sql);
/* The expression a sort orders by. */
const char *search_sql_sort_expr(const SqlBinds *b, QuerySort s);
/* " CASE ... END": the status shown at now (parameter number now_param), as
 * notice_status_at computes it. */
void search_sql_shown_status(const SqlBinds *b, int now_param, Buf *sql);

/* The date of notice n's award as hits show it (search_sql_awards: the
 * latest active award of an awarded notice), NULL without one: sort=award_date
 * orders by it, and the index reads it with each notice (store/feed.h). */
/* The description as the engines search it, over notice n: its
 * description, a line break and its lots' and items' text when it has some
 * (model/notice.h's notice_search_text). */
#define SEARCH_SQL_DESCRIPTION                                                                                 \
  "coalesce((SELECT CASE WHEN x.lots_text IS NULL THEN n.description WHEN n.description IS NULL THEN x.lots_text" \
  " ELSE n.description || '\n' || x.lots_text END FROM notice_detail x WHERE x.notice_id = n.id), n.description)"

/* A notice's stage and reserved participation, as columns of a query over notice n. */
#define SEARCH_SQL_STAGE "(SELECT x.stage FROM notice_detail x WHERE x.notice_id = n.id)"
#define SEARCH_SQL_RESERVED "(SELECT x.reserved FROM notice_detail x WHERE x.notice_id = n.id)"
/* Its sector's name and whether it is a sub-contract (0, 1): a notice
 * without a detail row is public and no sub-contract. */
#define SEARCH_SQL_SECTOR "coalesce((SELECT x.sector FROM notice_detail x WHERE x.notice_id = n.id), 'public')"
#define SEARCH_SQL_SUBCONTRACT "coalesce((SELECT x.subcontract FROM notice_detail x WHERE x.notice_id = n.id), 0)"

#define SEARCH_SQL_AWARD_DATE                                                                          \
  "(SELECT a.date FROM award a WHERE a.notice_id = n.id AND n.status = 'awarded' AND a.status = 'active'" \
  " ORDER BY a.date IS NULL, a.date DESC, a.id DESC LIMIT 1)"

/* The award rows of the notices with row ids ids[0..n) that are awarded:
 * their active awards, latest first per notice (award date, no date last,
 * then the newest award row), with the first supplier's name. Columns:
 * notice id, value, currency, date, winner. The first row of each notice is
 * its hit's award (model/hits.h). */
void search_sql_awards(const long long *ids, size_t n, SqlBinds *b, Buf *sql);

/* An SQLite FTS5 MATCH expression for the keywords, every word a
 * double-quoted string (so no user text is FTS5 syntax: a word cannot be a
 * column filter, an operator, NEAR or a syntax error), phrases joined with
 * '+', alternatives in parentheses with OR, clauses with AND, exclusions after
 * NOT:  "a" AND ("b" OR "c" + "d")  or  ("a") NOT ("x" OR "y")
 * Returns 0; or -1, writing nothing, when q has no positive clause: FTS5
 * cannot match "everything but", so use query_fts5_part(q, 1, ...) and
 * exclude its matches (rowid NOT IN (... MATCH ?)). */
int query_fts5(const Query *q, Buf *out);
/* Only the positive clauses (negated 0), AND-ed: a notice must match; or only
 * the exclusions (negated 1), OR-ed: a notice matching it is excluded.
 * Returns the number of clauses written; 0 writes nothing. */
size_t query_fts5_part(const Query *q, int negated, Buf *out);
/* A PostgreSQL tsquery text for to_tsquery(config, $1):
 * 'a' & ('b' | ('c' <-> 'd')) & !'x', each word single-quoted. Returns the number of clauses written
 * (0: no keywords, nothing written). A query of exclusions only is valid
 * tsquery text and matches the notices that have none of them. */
size_t query_tsquery(const Query *q, Buf *out);

#endif

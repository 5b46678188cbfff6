/* test_status.c -- the one status rule (model/notice.h) and the one SQL
 * definition of a search's filters (store/search_sql.h) built from it: names,
 * the open-past-deadline rule at its boundary, both dialects' placeholders
 * numbered as their binds, and binds bounds-checked. */
#include <string.h>

#include "../tap.h"
#include "base/date.h"
#include "model/notice.h"
#include "search/query.h"
#include "store/search_sql.h"

static void test_rule(void) {
  const char *names[] = {"open", "closed", "awarded", "cancelled", "planned"};
  for (int s = 0; s < NOTICE_N_STATUS; s++) {
    NoticeStatus back;
    is_str(notice_status_name((NoticeStatus)s), names[s], "status %d is named %s", s, names[s]);
    ok(notice_status_parse(names[s], &back) == 0 && back == (NoticeStatus)s, "%s parses back", names[s]);
  }
  NoticeStatus x;
  ok(notice_status_parse("Open", &x) != 0 && notice_status_parse("", &x) != 0, "unknown names are refused");
  is_str(notice_status_name((NoticeStatus)7), "unknown", "a number out of range has no name");

  long long d = 1000000;
  is_int(notice_status_at(NOTICE_OPEN, 1, d, d - 1), NOTICE_OPEN, "open before its deadline");
  is_int(notice_status_at(NOTICE_OPEN, 1, d, d), NOTICE_OPEN, "open at its deadline");
  is_int(notice_status_at(NOTICE_OPEN, 1, d, d + 1), NOTICE_CLOSED, "closed after its deadline");
  is_int(notice_status_at(NOTICE_OPEN, 0, 0, d), NOTICE_OPEN, "open with no deadline stays open");
  is_int(notice_status_at(NOTICE_AWARDED, 1, d, d + 1), NOTICE_AWARDED, "only open notices close with the date");
  is_int(notice_status_at(NOTICE_PLANNED, 1, d, d + 1), NOTICE_PLANNED, "a planned notice stays planned");

  time_t t;
  date_parse("2026-12-01T12:00:00Z", &t);
  is_str(notice_status_text_at("open", "2026-12-01T12:00:00Z", (long long)t + 1), "closed", "text: open past deadline");
  is_str(notice_status_text_at("open", "2026-12-01T12:00:00Z", (long long)t), "open", "text: open at deadline");
  is_str(notice_status_text_at("open", NULL, (long long)t), "open", "text: open without deadline");
  is_str(notice_status_text_at(NULL, NULL, 0), "closed", "text: no status shows as closed");
  is_str(notice_status_text_at("awarded", "2000-01-01T00:00:00Z", (long long)t), "awarded", "text: awarded stays");
}

/* The highest placeholder number in sql, for a dialect's mark. */
static int max_placeholder(const char *sql, char mark) {
  int max = 0;
  for (const char *p = sql; (p = strchr(p, mark)); p++) {
    int v = 0;
    for (const char *q = p + 1; *q >= '0' && *q <= '9'; q++) v = v * 10 + (*q - '0');
    if (v > max) max = v;
  }
  return max;
}

static void test_sql(void) {
  Query q;
  query_init(&q);
  q.status = (1u << NOTICE_OPEN) | (1u << NOTICE_CLOSED) | (1u << NOTICE_AWARDED);
  q.has_value_min = 1;
  q.value_min = 1000;
  q.n_cpv = 2;
  memcpy(q.cpv[0], "72", 3);
  memcpy(q.cpv[1], "4800", 5);
  q.n_region = 1;
  memcpy(q.region[0], "TLD", 4);
  q.buyer = 9;
  SqlKeywords kw = {"\"software\"", NULL};
  for (int dialect = 0; dialect < 2; dialect++) {
    SqlBinds b;
    Buf sql = BUF_INIT;
    sql_binds_init(&b, dialect ? SQL_PG : SQL_SQLITE, "0");
    search_sql_where(&q, &kw, "2026-12-01T12:00:00Z", &b, &sql);
    char mark = dialect ? '$' : '?', other = dialect ? '?' : '$';
    const char *name = dialect ? "PostgreSQL" : "SQLite";
    is_int(max_placeholder(sql.data, mark), b.n, "%s: placeholders numbered 1..n as the binds", name);
    ok(!strchr(sql.data, other), "%s: no placeholder of the other dialect", name);
    ok(strstr(sql.data, "n.status = 'open' AND (n.deadline IS NULL OR n.deadline >= ") != NULL,
       "%s: open means open and not past its deadline", name);
    ok(strstr(sql.data, "OR (n.status = 'open' AND n.deadline < ") != NULL,
       "%s: closed includes open notices past their deadline", name);
    ok(!b.overflow, "%s: a full query fits the binds", name);
    buf_release(&sql);
  }
  /* bounds: the 129th parameter is refused, not written past the arrays */
  SqlBinds b;
  sql_binds_init(&b, SQL_SQLITE, "0");
  Buf sql = BUF_INIT;
  for (int i = 0; i < SQL_MAX_BINDS + 5; i++) sql_bind_int(&b, &sql, i);
  ok(b.overflow && b.n == SQL_MAX_BINDS, "binds past SQL_MAX_BINDS set overflow and are not stored");
  buf_release(&sql);
  query_release(&q);
}

int main(void) {
  test_rule();
  test_sql();
  return done_testing();
}

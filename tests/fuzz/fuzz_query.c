/* fuzz_query.c -- libFuzzer target for the search query (src/search/query.c).
 *
 * The input is a query string: split on '&' (and NUL), then on the first
 * '=', percent-decoded, each pair given to query_set; then query_finish at a
 * fixed time. Checked for each run:
 *  - query_set returns 0, ERR_USAGE or ERR_NOTFOUND; an ERR_USAGE message
 *    starts with the parameter's name, every message is printable ASCII;
 *  - the keyword structure holds its invariants after every call: at most 32
 *    words, every clause has alternatives, every term words, every word is
 *    non-empty with no ASCII upper case or ASCII punctuation, an exclusion
 *    has one alternative, n_positive/n_words agree with the clauses;
 *  - after a successful finish: the URL parses back into an equal query with
 *    the same URL; every "loosen this filter" URL and the first-page URL
 *    parse and finish without error; the FTS5 expression has no user byte
 *    outside a quoted string; describe and tsquery run;
 *  - the whole input as a cursor: if it decodes, encoding gives it back;
 *    a cursor built from the input's bytes decodes to the same fields.
 * Build: see the Makefile's fuzz target, or
 *   clang ... -fsanitize=fuzzer,address,undefined tests/fuzz/fuzz_query.c src/search/query.c
 *         src/base/buf.c src/base/err.c src/base/date.c src/base/utf8.c src/model/region.c
 *         src/model/cpv.c build/gen/cpv_data.c -lm */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "search/query.h"
#include "store/search_sql.h" /* query_fts5, query_tsquery */

#define CHECK(cond, ...)                                                   \
  do {                                                                     \
    if (!(cond)) {                                                         \
      fprintf(stderr, "fuzz_query: check failed: %s: ", #cond);            \
      fprintf(stderr, __VA_ARGS__);                                        \
      fputc('\n', stderr);                                                 \
      abort();                                                             \
    }                                                                      \
  } while (0)

static const time_t NOW = 1740787200; /* 2025-03-01T00:00:00Z */

static int hexval(int c) {
  return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int printable(const char *s) {
  for (; *s; s++)
    if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f) return 0;
  return 1;
}

static void check_keywords(const Query *q) {
  size_t words = 0, pos = 0;
  CHECK(q->n_clauses == 0 || q->clauses, "clauses");
  for (size_t i = 0; i < q->n_clauses; i++) {
    const QueryClause *c = &q->clauses[i];
    CHECK(c->n_alts >= 1, "clause %zu has no alternatives", i);
    CHECK(!c->negated || c->n_alts == 1, "exclusion %zu has %zu alternatives", i, c->n_alts);
    pos += !c->negated;
    for (size_t j = 0; j < c->n_alts; j++) {
      CHECK(c->alts[j].n_words >= 1, "empty term");
      for (size_t w = 0; w < c->alts[j].n_words; w++) {
        const char *s = c->alts[j].words[w];
        CHECK(*s, "empty word");
        for (; *s; s++) {
          unsigned char b = (unsigned char)*s;
          CHECK(b >= 0x80 || (b >= '0' && b <= '9') || (b >= 'a' && b <= 'z'), "byte %02x in a word", b);
        }
        words++;
      }
    }
  }
  CHECK(words <= QUERY_MAX_WORDS && words == q->n_words, "%zu words, n_words %zu", words, q->n_words);
  CHECK(pos == q->n_positive, "n_positive");
}

/* Parses a query string; 0 ok or the first error code. */
static int parse(Query *q, const char *s, size_t n, int checks) {
  Err err = ERR_INIT;
  char *value = malloc(n + 1), *name = malloc(n + 1);
  size_t i = 0;
  int rc = 0;
  query_init(q);
  while (i <= n && rc == 0) {
    size_t k = 0, end = i;
    while (end < n && s[end] != '&' && s[end] != 0) end++;
    while (i < end && s[i] != '=') name[k++] = s[i++];
    name[k] = 0;
    if (i < end) i++;
    for (k = 0; i < end; i++) { /* %00 stays as it is: a C string ends at NUL */
      if (s[i] == '%' && i + 2 < end && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0 &&
          (hexval(s[i + 1]) || hexval(s[i + 2]))) {
        value[k++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
        i += 2;
      } else {
        value[k++] = s[i];
      }
    }
    value[k] = 0;
    i = end + 1;
    if (!*name) continue;
    err_clear(&err);
    rc = query_set(q, name, value, &err);
    if (checks) {
      CHECK(rc == 0 || rc == ERR_USAGE || rc == ERR_NOTFOUND, "rc %d", rc);
      if (rc) CHECK(*err.msg && printable(err.msg), "message '%s'", err.msg);
      if (rc == ERR_USAGE) {
        size_t len = strlen(name);
        CHECK(strncmp(err.msg, name, len) == 0 && (err.msg[len] == ' ' || err.msg[len] == ':'),
              "message '%s' does not start with '%s'", err.msg, name);
      }
      check_keywords(q);
    }
    if (rc == ERR_NOTFOUND) rc = 0;
  }
  free(name);
  free(value);
  if (rc == 0) {
    err_clear(&err);
    rc = query_finish(q, NOW, &err);
    if (checks && rc) CHECK(rc == ERR_USAGE && *err.msg && printable(err.msg), "finish '%s'", err.msg);
  }
  return rc;
}

static int same(const Query *a, const Query *b) {
  if (a->n_clauses != b->n_clauses || a->n_positive != b->n_positive || a->n_words != b->n_words) return 0;
  for (size_t i = 0; i < a->n_clauses; i++) {
    const QueryClause *x = &a->clauses[i], *y = &b->clauses[i];
    if (x->negated != y->negated || x->n_alts != y->n_alts) return 0;
    for (size_t j = 0; j < x->n_alts; j++) {
      if (x->alts[j].n_words != y->alts[j].n_words) return 0;
      for (size_t w = 0; w < x->alts[j].n_words; w++)
        if (strcmp(x->alts[j].words[w], y->alts[j].words[w])) return 0;
    }
  }
  if (a->status != b->status || a->n_cpv != b->n_cpv || a->n_region != b->n_region ||
      memcmp(a->cpv, b->cpv, a->n_cpv * sizeof a->cpv[0]) ||
      memcmp(a->region, b->region, a->n_region * sizeof a->region[0]))
    return 0;
  if (a->buyer != b->buyer || a->has_value_min != b->has_value_min || a->has_value_max != b->has_value_max ||
      (a->has_value_min && a->value_min != b->value_min) || (a->has_value_max && a->value_max != b->value_max))
    return 0;
  if (a->closing_within != b->closing_within || strcmp(a->closing_after, b->closing_after) ||
      strcmp(a->closing_before, b->closing_before) || a->has_closing_from != b->has_closing_from ||
      a->has_closing_to != b->has_closing_to || a->closing_from != b->closing_from || a->closing_to != b->closing_to)
    return 0;
  if (a->sme != b->sme || a->vcse != b->vcse || a->sort != b->sort || a->limit != b->limit ||
      a->has_cursor != b->has_cursor)
    return 0;
  return !a->has_cursor ||
         (a->cursor.sort == b->cursor.sort && a->cursor.has_key == b->cursor.has_key &&
          !memcmp(&a->cursor.key, &b->cursor.key, sizeof a->cursor.key) && !strcmp(a->cursor.ocid, b->cursor.ocid));
}

static int fts5_safe(const char *s) {
  while (*s) {
    if (*s == '"') {
      for (s++;; s++) {
        if (!*s) return 0;
        if (*s == '"') {
          if (s[1] == '"') {
            s++;
            continue;
          }
          s++;
          break;
        }
      }
    } else if (*s == '(' || *s == ')' || *s == ' ' || *s == '+') {
      s++;
    } else if (!strncmp(s, "AND ", 4) || !strncmp(s, "NOT ", 4)) {
      s += 4;
    } else if (!strncmp(s, "OR ", 3)) {
      s += 3;
    } else {
      return 0;
    }
  }
  return 1;
}

/* A URL derived from q must parse and finish. */
static void check_parses(Buf *u, const char *what) {
  Query r;
  int rc = parse(&r, buf_cstr(u), u->len, 0);
  CHECK(rc == 0, "%s URL '%s' does not parse", what, buf_cstr(u));
  query_release(&r);
}

static void check_finished(const Query *q) {
  Buf u = BUF_INIT, v = BUF_INIT, t = BUF_INIT;
  Query r;
  query_to_url(q, &u);
  CHECK(parse(&r, buf_cstr(&u), u.len, 0) == 0, "URL '%s' does not parse", buf_cstr(&u));
  query_to_url(&r, &v);
  CHECK(same(q, &r), "URL '%s' gives another query", buf_cstr(&u));
  CHECK(strcmp(buf_cstr(&u), buf_cstr(&v)) == 0, "URL '%s' then '%s'", buf_cstr(&u), buf_cstr(&v));
  query_release(&r);

  static const char *const names[] = {"q",      "status",         "closing_within", "closing_after",
                                      "closing_before", "value_min", "value_max", "cpv",
                                      "region", "buyer", "sme", "vcse", "sort", "limit", "cursor"};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
    buf_reset(&v);
    query_to_url_without(q, names[i], NULL, &v);
    check_parses(&v, names[i]);
  }
  for (size_t i = 0; i < q->n_clauses; i++) {
    buf_reset(&t);
    query_clause_text(&q->clauses[i], &t);
    buf_reset(&v);
    query_to_url_without(q, "q", buf_cstr(&t), &v);
    check_parses(&v, "q clause");
  }
  for (size_t i = 0; i < q->n_cpv; i++) {
    buf_reset(&v);
    query_to_url_without(q, "cpv", q->cpv[i], &v);
    check_parses(&v, "cpv value");
  }
  buf_reset(&v);
  query_to_url_page(q, NULL, &v);
  check_parses(&v, "first page");

  buf_reset(&t);
  int rc = query_fts5(q, &t);
  CHECK(rc == (q->n_positive ? 0 : -1), "fts5 rc %d", rc);
  CHECK(fts5_safe(buf_cstr(&t)), "FTS5 '%s'", buf_cstr(&t));
  buf_reset(&t);
  query_fts5_part(q, 1, &t);
  CHECK(fts5_safe(buf_cstr(&t)), "FTS5 part '%s'", buf_cstr(&t));
  buf_reset(&t);
  CHECK(query_tsquery(q, &t) == q->n_clauses, "tsquery count");
  buf_reset(&t);
  query_describe(q, &t);
  CHECK(t.len >= 7, "describe '%s'", buf_cstr(&t));
  buf_release(&u);
  buf_release(&v);
  buf_release(&t);
}

static void check_cursor(const uint8_t *data, size_t size) {
  char *s = malloc(size + 1);
  memcpy(s, data, size);
  s[size] = 0;
  QueryCursor c;
  Err err = ERR_INIT;
  Buf b = BUF_INIT;
  if (query_cursor_decode(s, &c, &err) == 0) {
    CHECK(query_cursor_encode(c.sort, c.has_key ? &c.key : NULL, c.ocid, &b, &err) == 0, "re-encode: %s", err.msg);
    CHECK(strcmp(buf_cstr(&b), s) == 0, "cursor '%s' re-encodes as '%s'", s, buf_cstr(&b));
  } else {
    CHECK(strncmp(err.msg, "cursor is invalid: ", 19) == 0, "'%s'", err.msg);
  }
  /* a cursor from the input's bytes: sort, flag, 8 key bytes, then the ocid */
  if (size >= 10) {
    double key;
    memcpy(&key, data + 2, sizeof key);
    buf_reset(&b);
    QuerySort sort = (QuerySort)(data[0] % 6);
    const char *ocid = s + 10;
    if (query_cursor_encode(sort, data[1] & 1 ? &key : NULL, ocid, &b, &err) == 0) {
      /* 3 + 8 + 1 + QUERY_OCID_MAX + 16 (the MAC) bytes, base64url: 304 */
      CHECK(b.len <= 304, "cursor of %zu characters", b.len);
      CHECK(query_cursor_decode(buf_cstr(&b), &c, &err) == 0, "decode own cursor: %s", err.msg);
      CHECK(c.sort == sort && c.has_key == (data[1] & 1) && (!c.has_key || !memcmp(&c.key, &key, sizeof key)) &&
                !strcmp(c.ocid, ocid),
            "cursor fields differ");
    }
  }
  buf_release(&b);
  free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 4096) return 0;
  Query q;
  if (parse(&q, (const char *)data, size, 1) == 0) {
    check_keywords(&q);
    check_finished(&q);
  }
  query_release(&q);
  check_cursor(data, size);
  return 0;
}

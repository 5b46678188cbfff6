/* query.c -- see query.h. Parameters are parsed into locals and copied into
 * the Query only when the whole value is good, so an error leaves the Query
 * as it was. The keyword parser is a lexer (chunks, phrases, '-', OR) and a
 * grouping pass (OR joins the previous positive clause); it never fails, so
 * the only errors for q are its limits. */
#include "search/query.h"
#include "base/token.h"

#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/utf8.h"
#include "model/cpv.h"
#include "model/region.h"

/* Once-only parameters, as bits of Query.given. */
enum {
  P_Q = 1u << 0,
  P_WITHIN = 1u << 1,
  P_AFTER = 1u << 2,
  P_BEFORE = 1u << 3,
  P_VMIN = 1u << 4,
  P_VMAX = 1u << 5,
  P_BUYER = 1u << 6,
  P_SME = 1u << 7,
  P_VCSE = 1u << 8,
  P_SORT = 1u << 9,
  P_LIMIT = 1u << 10,
  P_CURSOR = 1u << 11,
  P_PFROM = 1u << 12,
  P_PTO = 1u << 13,
  P_SUB = 1u << 14
};

#define N_STATUS NOTICE_N_STATUS /* names: model/notice.h */

static const char *const sort_names[] = {"", "relevance", "closing", "newest", "value", "award_date"};

const char *query_sort_name(QuerySort s) {
  return (unsigned)s < sizeof sort_names / sizeof *sort_names ? sort_names[s] : "";
}

/* ---------------------------------------------------------------- helpers */

static int is_blank(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_alnum(int c) { return is_digit(c) || ((c | 32) >= 'a' && (c | 32) <= 'z'); }
static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

static int ieq(const char *a, const char *b) {
  for (; *a && *b; a++, b++)
    if (lower((unsigned char)*a) != lower((unsigned char)*b)) return 0;
  return *a == *b;
}

/* A value as it may appear inside an error message: at most 40 bytes,
 * printable ASCII only (other bytes as '?'), "..." when cut. */
typedef struct {
  char s[48];
} Echo;

static Echo echo(const char *v) {
  Echo e;
  size_t i = 0;
  for (; v[i] && i < 40; i++) {
    unsigned char c = (unsigned char)v[i];
    e.s[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
  }
  if (v[i]) {
    memcpy(e.s + i, "...", 3);
    i += 3;
  }
  e.s[i] = 0;
  return e;
}

static uint32_t decode(const unsigned char *p, size_t n, size_t *len) { return token_decode(p, n, len); }
static int is_separator(uint32_t c) { return token_is_separator(c); }

/* Ends a chunk, as ASCII white space does. All of these are separators too. */
static int is_space(uint32_t c) {
  return (c < 0x80 && is_blank((int)c)) || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200B) ||
         c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000 || c == 0xFEFF;
}

static int is_quote(uint32_t c) { return c == '"' || c == 0x201C || c == 0x201D || c == 0x201E; }

/* ------------------------------------------------------------- keywords */

static void term_release(QueryTerm *t) {
  for (size_t i = 0; i < t->n_words; i++) free(t->words[i]);
  free(t->words);
  t->words = NULL;
  t->n_words = 0;
}

static void clauses_free(QueryClause *c, size_t n) {
  for (size_t i = 0; i < n; i++) {
    for (size_t j = 0; j < c[i].n_alts; j++) term_release(&c[i].alts[j]);
    free(c[i].alts);
  }
  free(c);
}

/* Splits s[0..n) into words, appending them to t. Returns the words added. */
static size_t tokenize(const char *s, size_t n, QueryTerm *t) {
  size_t added = 0, i = 0;
  Buf w = BUF_INIT;
  while (i <= n) {
    size_t len = 1;
    uint32_t c = i < n ? decode((const unsigned char *)s + i, n - i, &len) : ' ';
    if (is_separator(c)) {
      if (w.len) {
        t->words = xrealloc(t->words, (t->n_words + 1) * sizeof *t->words);
        t->words[t->n_words++] = buf_detach(&w, NULL);
        added++;
      }
    } else if (c < 0x80) {
      buf_addc(&w, (char)lower((int)c));
    } else {
      buf_add(&w, s + i, len);
    }
    i += len;
  }
  buf_release(&w);
  return added;
}

typedef struct {
  QueryTerm term;
  int negated, is_or;
} Item;

typedef struct {
  Item *v;
  size_t n;
} Items;

static Item *item_push(Items *it) {
  it->v = xrealloc(it->v, (it->n + 1) * sizeof *it->v);
  Item *x = &it->v[it->n++];
  memset(x, 0, sizeof *x);
  return x;
}

/* The lexer: chunks separated by white space; a quote opens a phrase that
 * runs to the next quote or the end; '-' at the start of a chunk negates it;
 * a bare chunk "OR" is the operator. Terms without words are dropped. */
static void lex(const char *s, size_t n, Items *it) {
  size_t i = 0, len;
  while (i < n) {
    uint32_t c = decode((const unsigned char *)s + i, n - i, &len);
    if (is_space(c)) {
      i += len;
      continue;
    }
    int negated = 0;
    if (c == '-') {
      negated = 1;
      while (i < n && s[i] == '-') i++; /* "--x" is "-x" */
      if (i >= n) break;
      c = decode((const unsigned char *)s + i, n - i, &len);
      if (is_space(c)) continue; /* a lone '-' */
    }
    size_t start, end;
    int quoted = is_quote(c);
    if (quoted) {
      i += len;
      start = i;
      while (i < n && !is_quote(decode((const unsigned char *)s + i, n - i, &len))) i += len;
      end = i;
      if (i < n) i += len; /* the closing quote */
    } else {
      start = i;
      while (i < n) {
        uint32_t d = decode((const unsigned char *)s + i, n - i, &len);
        if (is_space(d) || is_quote(d)) break;
        i += len;
      }
      end = i;
    }
    if (!quoted && !negated && end - start == 2 && s[start] == 'O' && s[start + 1] == 'R') {
      item_push(it)->is_or = 1;
      continue;
    }
    QueryTerm t = {NULL, 0};
    if (tokenize(s + start, end - start, &t)) {
      Item *x = item_push(it);
      x->term = t;
      x->negated = negated;
    }
  }
}

/* Groups items into clauses: OR adds the next positive term to the previous
 * positive clause; any other OR is ignored. Moves the terms out of it. */
static void group(Items *it, QueryClause **out, size_t *n_out) {
  QueryClause *cl = NULL;
  size_t n = 0;
  long last_pos = -1; /* index of the clause an OR may extend */
  int pending_or = 0;
  for (size_t i = 0; i < it->n; i++) {
    Item *x = &it->v[i];
    if (x->is_or) {
      if (last_pos >= 0) pending_or = 1;
      continue;
    }
    if (!x->negated && pending_or) {
      QueryClause *c = &cl[last_pos];
      c->alts = xrealloc(c->alts, (c->n_alts + 1) * sizeof *c->alts);
      c->alts[c->n_alts++] = x->term;
    } else {
      cl = xrealloc(cl, (n + 1) * sizeof *cl);
      cl[n].alts = xmalloc(sizeof *cl[n].alts);
      cl[n].alts[0] = x->term;
      cl[n].n_alts = 1;
      cl[n].negated = x->negated;
      last_pos = x->negated ? -1 : (long)n;
      n++;
    }
    pending_or = 0;
    x->term.words = NULL;
    x->term.n_words = 0;
  }
  *out = cl;
  *n_out = n;
}

static int set_q(Query *q, const char *v, Err *err) {
  size_t n = strlen(v), bad_at;
  if (n > QUERY_MAX_Q_BYTES)
    return err_set(err, ERR_USAGE, "q is too long: %zu bytes, at most %d", n, QUERY_MAX_Q_BYTES);
  if (utf8_check(v, n, &bad_at))
    return err_set(err, ERR_USAGE, "q must be UTF-8 text: invalid byte at offset %zu", bad_at);
  Items it = {NULL, 0};
  lex(v, n, &it);
  size_t words = 0;
  for (size_t i = 0; i < it.n; i++) words += it.v[i].term.n_words;
  if (words > QUERY_MAX_WORDS) {
    for (size_t i = 0; i < it.n; i++) term_release(&it.v[i].term);
    free(it.v);
    return err_set(err, ERR_USAGE, "q has too many words: %zu, at most %d", words, QUERY_MAX_WORDS);
  }
  QueryClause *cl;
  size_t ncl;
  group(&it, &cl, &ncl);
  free(it.v);
  clauses_free(q->clauses, q->n_clauses);
  q->clauses = cl;
  q->n_clauses = ncl;
  q->n_positive = 0;
  for (size_t i = 0; i < ncl; i++) q->n_positive += !cl[i].negated;
  q->n_words = words;
  return 0;
}

/* ------------------------------------------------------------ parameters */

/* Calls fn on each comma-separated, trimmed, non-empty item of v. */
static int each_item(const char *v, int (*fn)(void *ctx, const char *item, Err *err), void *ctx, Err *err) {
  int rc = 0;
  char *copy = xstrdup(v);
  char *p = copy;
  for (;;) {
    char *comma = strchr(p, ',');
    char *end = comma ? comma : p + strlen(p);
    while (p < end && is_blank((unsigned char)*p)) p++;
    while (end > p && is_blank((unsigned char)end[-1])) end--;
    char keep = *end;
    *end = 0;
    if (*p && (rc = fn(ctx, p, err))) break;
    *end = keep;
    if (!comma) break;
    p = comma + 1;
  }
  free(copy);
  return rc;
}

static int status_item(void *ctx, const char *s, Err *err) {
  for (size_t i = 0; i < N_STATUS; i++)
    if (ieq(s, notice_status_name((NoticeStatus)i))) {
      *(unsigned *)ctx |= 1u << i;
      return 0;
    }
  return err_set(err, ERR_USAGE, "status must be one of open, closed, awarded, cancelled, planned; got '%s'",
                 echo(s).s);
}

static int stage_item(void *ctx, const char *s, Err *err) {
  for (int i = 0; i < NOTICE_N_STAGE; i++)
    if (ieq(s, notice_stage_name(i))) {
      *(unsigned *)ctx |= 1u << i;
      return 0;
    }
  return err_set(err, ERR_USAGE,
                 "stage must be one of pipeline, engagement, planned, tender, transparency, award, contract, "
                 "performance, change, terminated, dynamic-market, payments; got '%s'",
                 echo(s).s);
}

static int reserved_item(void *ctx, const char *s, Err *err) {
  for (int i = 0; i < NOTICE_N_RESERVED; i++)
    if (ieq(s, notice_reserved_name(i))) {
      *(unsigned *)ctx |= 1u << i;
      return 0;
    }
  return err_set(err, ERR_USAGE, "reserved must be sme-vcse or location; got '%s'", echo(s).s);
}

static int sector_item(void *ctx, const char *s, Err *err) {
  for (int i = 0; i < NOTICE_N_SECTOR; i++)
    if (ieq(s, notice_sector_name(i))) {
      *(unsigned *)ctx |= 1u << i;
      return 0;
    }
  return err_set(err, ERR_USAGE, "sector must be public or private; got '%s'", echo(s).s);
}

typedef struct {
  char v[QUERY_MAX_CPV][9];
  size_t n;
} CpvSet;

static int cmp_code(const void *key, const void *elem) {
  return strcmp((const char *)key, ((const CpvEntry *)elem)->code);
}

/* Whether some code of the CPV list starts with prefix: the first code not
 * below it in the sorted table is the only candidate. */
static int cpv_prefix_known(const char *prefix) {
  size_t lo = 0, hi = cpv_table_len;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (cmp_code(prefix, &cpv_table[mid]) > 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < cpv_table_len && strncmp(cpv_table[lo].code, prefix, strlen(prefix)) == 0;
}

static int cpv_item(void *ctx, const char *s, Err *err) {
  CpvSet *set = ctx;
  size_t n = 0;
  while (is_digit((unsigned char)s[n])) n++;
  int ok = n >= 2 && n <= 8 &&
           (s[n] == 0 || (n == 8 && s[n] == '-' && is_digit((unsigned char)s[n + 1]) && s[n + 2] == 0));
  if (!ok)
    return err_set(err, ERR_USAGE,
                   "cpv must be a CPV code or prefix of 2 to 8 digits (e.g. 72, 7222 or 72220000-3), got '%s'",
                   echo(s).s);
  char code[9];
  memset(code, '0', 8);
  memcpy(code, s, n);
  size_t len = 8;
  while (len > 2 && code[len - 1] == '0') len--;
  memset(code + len, 0, sizeof code - len); /* zero-padded: equal sets are equal bytes */
  if (!cpv_prefix_known(code))
    return err_set(err, ERR_USAGE, "cpv '%s' matches no code in CPV 2008", echo(s).s);
  size_t at = 0;
  while (at < set->n && strcmp(set->v[at], code) < 0) at++;
  if (at < set->n && strcmp(set->v[at], code) == 0) return 0;
  if (set->n == QUERY_MAX_CPV) return err_set(err, ERR_USAGE, "cpv: at most %d codes", QUERY_MAX_CPV);
  memmove(set->v[at + 1], set->v[at], (set->n - at) * sizeof set->v[0]);
  memcpy(set->v[at], code, sizeof code);
  set->n++;
  return 0;
}

static int region_item(void *ctx, const char *s, Err *err) {
  unsigned *mask = ctx;
  if (strlen(s) != 3 || !region_name(s))
    return err_set(err, ERR_USAGE, "region must be an ITL1 code from TLC to TLN (e.g. TLD), got '%s'",
                   echo(s).s);
  *mask |= 1u << (lower((unsigned char)s[2]) - 'c');
  return 0;
}

/* Digits only, 1..max (no sign, leading zeros allowed). 0 ok, -1 otherwise. */
static int parse_uint(const char *s, long long max, long long *out) {
  long long v = 0;
  if (!*s) return -1;
  for (; *s; s++) {
    if (!is_digit((unsigned char)*s)) return -1;
    if (v > (max - (*s - '0')) / 10) return -1;
    v = v * 10 + (*s - '0');
  }
  if (v < 1) return -1;
  *out = v;
  return 0;
}

/* An amount: optional '£', digits (commas allowed between digits), optional
 * '.' and 1-2 digits. 0 and *pence; -1 malformed; -2 above the cap. */
static int parse_amount(const char *s, long long *pence) {
  long long whole = 0;
  int digits = 0, frac = 0, nfrac = 0;
  if ((unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA3) s += 2;
  if (!is_digit((unsigned char)*s)) return -1;
  for (; *s && *s != '.'; s++) {
    if (*s == ',' && is_digit((unsigned char)s[-1]) && is_digit((unsigned char)s[1])) continue;
    if (!is_digit((unsigned char)*s)) return -1;
    if (whole > 0 || *s != '0') digits++;
    if (digits > 13) return -2;
    whole = whole * 10 + (*s - '0');
  }
  if (*s == '.') {
    for (s++; is_digit((unsigned char)*s); s++) {
      if (++nfrac > 2) return -1;
      frac = frac * 10 + (*s - '0');
    }
    if (nfrac == 0 || *s) return -1;
    if (nfrac == 1) frac *= 10;
  }
  if (whole > (long long)QUERY_MAX_VALUE || (whole == (long long)QUERY_MAX_VALUE && frac)) return -2;
  *pence = whole * 100 + frac;
  return 0;
}

/* "YYYY-MM-DD" exactly, a real day. */
static int parse_day(const char *s, time_t *t) {
  if (strlen(s) != 10 || s[4] != '-' || s[7] != '-') return -1;
  return date_parse(s, t);
}

static int parse_flag(const char *s, Flag *f) {
  static const char *const yes[] = {"true", "1", "yes", "on"}, *const no[] = {"false", "0", "no", "off"};
  for (size_t i = 0; i < 4; i++) {
    if (ieq(s, yes[i])) return *f = FLAG_YES, 0;
    if (ieq(s, no[i])) return *f = FLAG_NO, 0;
  }
  return -1;
}

static int set_amount(const char *name, const char *v, int *has, double *out, Err *err) {
  long long pence;
  int rc = parse_amount(v, &pence);
  if (rc == -2)
    return err_set(err, ERR_USAGE, "%s must be at most 1000000000000, got '%s'", name, echo(v).s);
  if (rc)
    return err_set(err, ERR_USAGE,
                   "%s must be a non-negative number (at most 2 decimal places), got '%s'", name,
                   echo(v).s);
  *has = 1;
  *out = (double)pence / 100.0;
  return 0;
}

static int set_date(const char *name, const char *v, char out[11], Err *err) {
  time_t t;
  if (parse_day(v, &t))
    return err_set(err, ERR_USAGE, "%s must be a date YYYY-MM-DD, got '%s'", name, echo(v).s);
  memcpy(out, v, 11);
  return 0;
}

static int set_value(Query *q, const char *name, unsigned bit, const char *v, Err *err) {
  long long n;
  Flag f;
  switch (bit) {
  case P_Q: return set_q(q, v, err);
  case P_WITHIN:
    if (parse_uint(v, QUERY_MAX_CLOSING_DAYS, &n))
      return err_set(err, ERR_USAGE, "closing_within must be a whole number of days from 1 to %d, got '%s'",
                     QUERY_MAX_CLOSING_DAYS, echo(v).s);
    q->closing_within = (int)n;
    return 0;
  case P_AFTER: return set_date(name, v, q->closing_after, err);
  case P_BEFORE: return set_date(name, v, q->closing_before, err);
  case P_PFROM: return set_date(name, v, q->published_from_day, err);
  case P_PTO: return set_date(name, v, q->published_to_day, err);
  case P_VMIN: return set_amount(name, v, &q->has_value_min, &q->value_min, err);
  case P_VMAX: return set_amount(name, v, &q->has_value_max, &q->value_max, err);
  case P_BUYER:
    if (parse_uint(v, LLONG_MAX, &n))
      return err_set(err, ERR_USAGE, "buyer must be a positive whole number (an organisation id), got '%s'",
                     echo(v).s);
    q->buyer = n;
    return 0;
  case P_SME:
  case P_VCSE:
  case P_SUB:
    if (parse_flag(v, &f))
      return err_set(err, ERR_USAGE, "%s must be one of true, false, 1, 0, yes, no; got '%s'", name, echo(v).s);
    *(bit == P_SME ? &q->sme : bit == P_VCSE ? &q->vcse : &q->subcontract) = f;
    return 0;
  case P_SORT:
    for (int s = QUERY_SORT_RELEVANCE; s <= QUERY_SORT_AWARD_DATE; s++)
      if (ieq(v, sort_names[s])) {
        q->sort = (QuerySort)s;
        return 0;
      }
    return err_set(err, ERR_USAGE, "sort must be one of relevance, closing, newest, value, award_date; got '%s'", echo(v).s);
  case P_LIMIT:
    if (parse_uint(v, QUERY_MAX_LIMIT, &n))
      return err_set(err, ERR_USAGE, "limit must be a whole number from 1 to %d, got '%s'", QUERY_MAX_LIMIT,
                     echo(v).s);
    q->limit = (int)n;
    return 0;
  case P_CURSOR: {
    QueryCursor c;
    int rc = query_cursor_decode(v, &c, err);
    if (rc) return rc;
    q->cursor = c;
    q->has_cursor = 1;
    return 0;
  }
  }
  return 0;
}

static const struct {
  const char *name;
  unsigned bit; /* 0: repeatable */
} params[] = {
    {"q", P_Q},           {"status", 0},          {"closing_within", P_WITHIN}, {"closing_after", P_AFTER},
    {"closing_before", P_BEFORE}, {"value_min", P_VMIN}, {"value_max", P_VMAX}, {"cpv", 0},
    {"region", 0},        {"buyer", P_BUYER},     {"sme", P_SME},           {"vcse", P_VCSE},
    {"sort", P_SORT},     {"limit", P_LIMIT},     {"cursor", P_CURSOR},  {"published_from", P_PFROM},
    {"published_to", P_PTO}, {"stage", 0},        {"reserved", 0},       {"sector", 0},
    {"subcontract", P_SUB},
};

int query_set(Query *q, const char *name, const char *value, Err *err) {
  size_t i = 0;
  const size_t np = sizeof params / sizeof *params;
  while (i < np && (!name || strcmp(name, params[i].name) != 0)) i++;
  if (i == np) return err_set(err, ERR_NOTFOUND, "unknown parameter '%s'", echo(name ? name : "").s);
  if (!value) value = "";
  const char *b = value, *e = value + strlen(value);
  while (b < e && is_blank((unsigned char)*b)) b++;
  while (e > b && is_blank((unsigned char)e[-1])) e--;
  if (b == e) return 0; /* empty: not given */
  unsigned bit = params[i].bit;
  if (bit && (q->given & bit)) return err_set(err, ERR_USAGE, "%s may be given only once", name);

  int rc;
  char *v = bit == P_Q ? xstrdup(value) : xstrndup(b, (size_t)(e - b));
  if (strcmp(name, "status") == 0) {
    unsigned mask = q->status;
    if (!(rc = each_item(v, status_item, &mask, err))) q->status = mask;
  } else if (strcmp(name, "stage") == 0) {
    unsigned mask = q->stage;
    if (!(rc = each_item(v, stage_item, &mask, err))) q->stage = mask;
  } else if (strcmp(name, "reserved") == 0) {
    unsigned mask = q->reserved;
    if (!(rc = each_item(v, reserved_item, &mask, err))) q->reserved = mask;
  } else if (strcmp(name, "sector") == 0) {
    unsigned mask = q->sector;
    if (!(rc = each_item(v, sector_item, &mask, err))) q->sector = mask;
  } else if (strcmp(name, "cpv") == 0) {
    CpvSet set;
    memcpy(set.v, q->cpv, sizeof set.v);
    set.n = q->n_cpv;
    if (!(rc = each_item(v, cpv_item, &set, err))) {
      memcpy(q->cpv, set.v, sizeof set.v);
      q->n_cpv = set.n;
    }
  } else if (strcmp(name, "region") == 0) {
    unsigned mask = 0;
    for (size_t r = 0; r < q->n_region; r++) mask |= 1u << (q->region[r][2] - 'C');
    if (!(rc = each_item(v, region_item, &mask, err))) {
      q->n_region = 0;
      for (int r = 0; r < QUERY_MAX_REGIONS; r++)
        if (mask & (1u << r)) {
          char *code = q->region[q->n_region++];
          code[0] = 'T', code[1] = 'L', code[2] = (char)('C' + r), code[3] = 0;
        }
    }
  } else {
    rc = set_value(q, name, bit, v, err);
  }
  free(v);
  if (!rc) q->given |= bit;
  return rc;
}

/* ------------------------------------------------------------- lifecycle */

void query_init(Query *q) {
  memset(q, 0, sizeof *q);
  q->sme = q->vcse = q->subcontract = FLAG_UNKNOWN;
  q->limit = QUERY_DEFAULT_LIMIT;
}

void query_release(Query *q) {
  clauses_free(q->clauses, q->n_clauses);
  query_init(q);
}

static QuerySort default_sort(const Query *q) {
  return q->n_positive ? QUERY_SORT_RELEVANCE : QUERY_SORT_NEWEST;
}

int query_finish(Query *q, time_t now, Err *err) {
  time_t after = 0, before = 0;
  int has_after = q->closing_after[0] && parse_day(q->closing_after, &after) == 0;
  int has_before = q->closing_before[0] && parse_day(q->closing_before, &before) == 0;
  if (q->has_value_min && q->has_value_max && q->value_min > q->value_max)
    return err_set(err, ERR_USAGE, "value_min (%.2f) must not be more than value_max (%.2f)", q->value_min,
                   q->value_max);
  if (has_after && has_before && after > before)
    return err_set(err, ERR_USAGE, "closing_after (%s) must not be later than closing_before (%s)",
                   q->closing_after, q->closing_before);
  time_t pfrom = 0, pto = 0;
  int has_pfrom = q->published_from_day[0] && parse_day(q->published_from_day, &pfrom) == 0;
  int has_pto = q->published_to_day[0] && parse_day(q->published_to_day, &pto) == 0;
  if (has_pfrom && has_pto && pfrom > pto)
    return err_set(err, ERR_USAGE, "published_from (%s) must not be later than published_to (%s)",
                   q->published_from_day, q->published_to_day);
  QuerySort sort = q->sort;
  if (sort == QUERY_SORT_UNSET || (sort == QUERY_SORT_RELEVANCE && !q->n_positive)) sort = default_sort(q);
  if (q->has_cursor && q->cursor.sort != sort)
    return err_set(err, ERR_USAGE,
                   "cursor was made for sort=%s, but this query sorts by %s; start again from the first page",
                   query_sort_name(q->cursor.sort), query_sort_name(sort));
  q->sort = sort;
  q->open_first = !(q->given & P_SORT);

  q->has_published_from = has_pfrom;
  q->published_from = has_pfrom ? pfrom : 0;
  q->has_published_to = has_pto;
  q->published_to = has_pto ? pto + 86400 : 0;

  q->has_closing_from = q->has_closing_to = 0;
  q->closing_from = q->closing_to = 0;
  if (q->closing_within) {
    q->has_closing_from = q->has_closing_to = 1;
    q->closing_from = now;
    q->closing_to = now + (time_t)q->closing_within * 86400;
  }
  if (has_after && (!q->has_closing_from || after > q->closing_from)) {
    q->has_closing_from = 1;
    q->closing_from = after;
  }
  if (has_before && (!q->has_closing_to || before + 86400 < q->closing_to)) {
    q->has_closing_to = 1;
    q->closing_to = before + 86400;
  }
  return 0;
}

/* ------------------------------------------------------- text renderings */

static void add_term(Buf *out, const QueryTerm *t) {
  if (t->n_words == 1) {
    buf_adds(out, t->words[0]);
    return;
  }
  buf_addc(out, '"');
  for (size_t i = 0; i < t->n_words; i++) {
    if (i) buf_addc(out, ' ');
    buf_adds(out, t->words[i]);
  }
  buf_addc(out, '"');
}

void query_clause_text(const QueryClause *c, Buf *out) {
  buf_grow(out, 0);
  for (size_t i = 0; i < c->n_alts; i++) {
    if (i) buf_adds(out, " OR ");
    if (c->negated) buf_addc(out, '-');
    add_term(out, &c->alts[i]);
  }
}

/* The canonical keywords, leaving out clauses whose text is skip. */
static void keywords(const Query *q, const char *skip, Buf *out) {
  Buf one = BUF_INIT;
  int first = 1;
  buf_grow(out, 0);
  for (size_t i = 0; i < q->n_clauses; i++) {
    buf_reset(&one);
    query_clause_text(&q->clauses[i], &one);
    if (skip && strcmp(buf_cstr(&one), skip) == 0) continue;
    if (!first) buf_addc(out, ' ');
    buf_add(out, one.data, one.len);
    first = 0;
  }
  buf_release(&one);
}

void query_keywords(const Query *q, Buf *out) { keywords(q, NULL, out); }

/* Amount without trailing zeros: "10000", "10000.5", "0.05". */
static void add_amount(Buf *out, double v) {
  char s[64];
  int n = snprintf(s, sizeof s, "%.2f", v);
  while (n > 0 && s[n - 1] == '0') n--;
  if (n > 0 && s[n - 1] == '.') n--;
  buf_add(out, s, (size_t)n);
}

static void url_value(Buf *out, const char *s, size_t n) {
  static const char hex[] = "0123456789ABCDEF";
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      buf_addc(out, (char)c);
    } else {
      buf_addc(out, '%');
      buf_addc(out, hex[c >> 4]);
      buf_addc(out, hex[c & 15]);
    }
  }
}

/* name=value& (write_url drops the last '&'). */
static void url_param(Buf *out, const char *name, const char *value, size_t n) {
  buf_adds(out, name);
  buf_addc(out, '=');
  url_value(out, value, n);
  buf_addc(out, '&');
}

/* skip_name/skip_value: what query_to_url_without leaves out. cursor_mode 0:
 * the query's own; 1: the given one (NULL = none). */
static void write_url(const Query *q, const char *skip_name, const char *skip_value, int cursor_mode,
                      const char *cursor, Buf *out) {
  Buf b = BUF_INIT, t = BUF_INIT;
  char num[32];
/* A repeatable parameter loses one value (or all, skip_value NULL); a
 * once-only one is left out whatever skip_value says. */
#define SKIP(name, value) \
  (skip_name && strcmp(skip_name, name) == 0 && (!skip_value || strcmp(skip_value, (value)) == 0))
#define SKIP1(name) (skip_name && strcmp(skip_name, name) == 0)
  if (!(skip_name && strcmp(skip_name, "q") == 0 && !skip_value)) {
    keywords(q, skip_name && strcmp(skip_name, "q") == 0 ? skip_value : NULL, &t);
    if (t.len) url_param(&b, "q", t.data, t.len);
  }
  for (size_t i = 0; i < N_STATUS; i++)
    if ((q->status & (1u << i)) && !SKIP("status", notice_status_name((NoticeStatus)i)))
      url_param(&b, "status", notice_status_name((NoticeStatus)i), strlen(notice_status_name((NoticeStatus)i)));
  for (int i = 0; i < NOTICE_N_STAGE; i++)
    if ((q->stage & (1u << i)) && !SKIP("stage", notice_stage_name(i)))
      url_param(&b, "stage", notice_stage_name(i), strlen(notice_stage_name(i)));
  for (int i = 0; i < NOTICE_N_RESERVED; i++)
    if ((q->reserved & (1u << i)) && !SKIP("reserved", notice_reserved_name(i)))
      url_param(&b, "reserved", notice_reserved_name(i), strlen(notice_reserved_name(i)));
  for (int i = 0; i < NOTICE_N_SECTOR; i++)
    if ((q->sector & (1u << i)) && !SKIP("sector", notice_sector_name(i)))
      url_param(&b, "sector", notice_sector_name(i), strlen(notice_sector_name(i)));
  for (size_t i = 0; i < q->n_cpv; i++)
    if (!SKIP("cpv", q->cpv[i])) url_param(&b, "cpv", q->cpv[i], strlen(q->cpv[i]));
  for (size_t i = 0; i < q->n_region; i++)
    if (!SKIP("region", q->region[i])) url_param(&b, "region", q->region[i], 3);
  if (q->buyer && !SKIP1("buyer")) {
    snprintf(num, sizeof num, "%lld", q->buyer);
    url_param(&b, "buyer", num, strlen(num));
  }
  if (q->has_value_min && !SKIP1("value_min")) {
    buf_reset(&t);
    add_amount(&t, q->value_min);
    url_param(&b, "value_min", t.data, t.len);
  }
  if (q->has_value_max && !SKIP1("value_max")) {
    buf_reset(&t);
    add_amount(&t, q->value_max);
    url_param(&b, "value_max", t.data, t.len);
  }
  if (q->closing_within && !SKIP1("closing_within")) {
    snprintf(num, sizeof num, "%d", q->closing_within);
    url_param(&b, "closing_within", num, strlen(num));
  }
  if (q->closing_after[0] && !SKIP1("closing_after")) url_param(&b, "closing_after", q->closing_after, 10);
  if (q->closing_before[0] && !SKIP1("closing_before"))
    url_param(&b, "closing_before", q->closing_before, 10);
  if (q->published_from_day[0] && !SKIP1("published_from"))
    url_param(&b, "published_from", q->published_from_day, 10);
  if (q->published_to_day[0] && !SKIP1("published_to")) url_param(&b, "published_to", q->published_to_day, 10);
  if (q->sme != FLAG_UNKNOWN && !SKIP1("sme")) url_param(&b, "sme", q->sme == FLAG_YES ? "true" : "false",
                                                             q->sme == FLAG_YES ? 4 : 5);
  if (q->vcse != FLAG_UNKNOWN && !SKIP1("vcse"))
    url_param(&b, "vcse", q->vcse == FLAG_YES ? "true" : "false", q->vcse == FLAG_YES ? 4 : 5);
  if (q->subcontract != FLAG_UNKNOWN && !SKIP1("subcontract"))
    url_param(&b, "subcontract", q->subcontract == FLAG_YES ? "true" : "false", q->subcontract == FLAG_YES ? 4 : 5);
  /* a sort asked for stays even when it is the default: it turns open_first off */
  if (q->sort != QUERY_SORT_UNSET && (q->sort != default_sort(q) || (q->given & P_SORT)) && !SKIP1("sort")) {
    const char *s = query_sort_name(q->sort);
    url_param(&b, "sort", s, strlen(s));
  }
  if (q->limit != QUERY_DEFAULT_LIMIT && !SKIP1("limit")) {
    snprintf(num, sizeof num, "%d", q->limit);
    url_param(&b, "limit", num, strlen(num));
  }
  if (cursor_mode == 0 && q->has_cursor) {
    buf_reset(&t);
    const QueryCursor *c = &q->cursor;
    if (query_cursor_encode(c->sort, c->has_key ? &c->key : NULL, c->ocid, &t, NULL) == 0)
      url_param(&b, "cursor", t.data, t.len);
  } else if (cursor_mode == 1 && cursor && *cursor) {
    url_param(&b, "cursor", cursor, strlen(cursor));
  }
#undef SKIP
#undef SKIP1
  if (b.len) b.len--; /* the last '&' */
  buf_add(out, b.data ? b.data : "", b.len);
  buf_release(&b);
  buf_release(&t);
}

void query_to_url(const Query *q, Buf *out) { write_url(q, NULL, NULL, 0, NULL, out); }

void query_to_url_without(const Query *q, const char *name, const char *value, Buf *out) {
  write_url(q, name ? name : "", value, 1, NULL, out);
}

void query_to_url_page(const Query *q, const char *cursor, Buf *out) { write_url(q, NULL, NULL, 1, cursor, out); }

/* ------------------------------------------------------------- describe */

static void describe_term(Buf *out, const QueryTerm *t) {
  buf_addc(out, '"');
  for (size_t i = 0; i < t->n_words; i++) {
    if (i) buf_addc(out, ' ');
    buf_adds(out, t->words[i]);
  }
  buf_addc(out, '"');
}

static void describe_money(Buf *out, double v) {
  char s[64];
  long long pence = llround(v * 100);
  snprintf(s, sizeof s, "%lld", pence / 100);
  size_t n = strlen(s);
  buf_adds(out, "\xC2\xA3");
  for (size_t i = 0; i < n; i++) {
    if (i && (n - i) % 3 == 0) buf_addc(out, ',');
    buf_addc(out, s[i]);
  }
  if (pence % 100) buf_addf(out, ".%02lld", pence % 100);
}

static void describe_day(Buf *out, const char *ymd) {
  static const char *const months[] = {"January", "February", "March",     "April",   "May",      "June",
                                       "July",    "August",   "September", "October", "November", "December"};
  int m = (ymd[5] - '0') * 10 + (ymd[6] - '0'), d = (ymd[8] - '0') * 10 + (ymd[9] - '0');
  if (m < 1 || m > 12) {
    buf_adds(out, ymd);
    return;
  }
  buf_addf(out, "%d %s %.4s", d, months[m - 1], ymd);
}


void query_describe(const Query *q, Buf *out) {
  buf_grow(out, 0);
  int n = 0;
  for (size_t i = 0; i < N_STATUS; i++)
    if (q->status & (1u << i)) {
      buf_adds(out, n++ ? " or " : "");
      buf_adds(out, notice_status_name((NoticeStatus)i));
    }
  /* one sector asked for goes before the noun ("open private sector notices"); both is any */
  const char *sector = q->sector == 1u << NOTICE_PUBLIC    ? "public sector "
                       : q->sector == 1u << NOTICE_PRIVATE ? "private sector "
                                                           : "";
  buf_addf(out, "%s%snotices", n ? " " : "", sector);
  if (q->stage) {
    int k = 0;
    buf_adds(out, " at stage ");
    for (int i = 0; i < NOTICE_N_STAGE; i++)
      if (q->stage & (1u << i)) {
        buf_adds(out, k++ ? " or " : "");
        buf_adds(out, notice_stage_name(i));
      }
  }
  if (q->reserved)
    buf_adds(out, q->reserved == 1u ? " reserved to SMEs and VCSEs"
                  : q->reserved == 2u ? " reserved to local suppliers"
                                      : " reserved to SMEs and VCSEs or to local suppliers");

  if (q->n_positive) {
    buf_adds(out, " matching ");
    size_t k = 0;
    for (size_t i = 0; i < q->n_clauses; i++) {
      const QueryClause *c = &q->clauses[i];
      if (c->negated) continue;
      if (k++) buf_adds(out, " and ");
      int paren = c->n_alts > 1 && q->n_positive > 1;
      if (paren) buf_addc(out, '(');
      for (size_t j = 0; j < c->n_alts; j++) {
        if (j) buf_adds(out, " or ");
        describe_term(out, &c->alts[j]);
      }
      if (paren) buf_addc(out, ')');
    }
  }
  if (q->n_region) {
    buf_adds(out, " in ");
    for (size_t i = 0; i < q->n_region; i++) {
      if (i) buf_adds(out, " or ");
      buf_adds(out, region_name(q->region[i]));
    }
  }

  /* the parts after the head of the sentence are a comma list */
  if (q->n_clauses > q->n_positive) {
    buf_adds(out, ", without ");
    size_t k = 0;
    for (size_t i = 0; i < q->n_clauses; i++) {
      const QueryClause *c = &q->clauses[i];
      if (!c->negated) continue;
      for (size_t j = 0; j < c->n_alts; j++) {
        if (k++) buf_adds(out, " or ");
        describe_term(out, &c->alts[j]);
      }
    }
  }
  if (q->n_cpv) {
    buf_adds(out, ", classified under CPV ");
    for (size_t i = 0; i < q->n_cpv; i++) {
      if (i) buf_adds(out, " or ");
      buf_adds(out, q->cpv[i]);
    }
  }
  if (q->buyer) {
    buf_adds(out, ", ");
    buf_addf(out, "from buyer %lld", q->buyer);
  }
  if (q->sme != FLAG_UNKNOWN) {
    buf_adds(out, ", ");
    buf_adds(out, q->sme == FLAG_YES ? "suitable for SMEs" : "not marked suitable for SMEs");
  }
  if (q->vcse != FLAG_UNKNOWN) {
    buf_adds(out, ", ");
    buf_adds(out, q->vcse == FLAG_YES ? "suitable for VCSEs" : "not marked suitable for VCSEs");
  }
  if (q->subcontract != FLAG_UNKNOWN)
    buf_adds(out, q->subcontract == FLAG_YES ? ", sub-contracting opportunities only" : ", no sub-contracting opportunities");
  if (q->has_value_min || q->has_value_max) {
    buf_adds(out, ", ");
    if (q->has_value_min && q->has_value_max) {
      buf_adds(out, "valued ");
      describe_money(out, q->value_min);
      buf_adds(out, " to ");
      describe_money(out, q->value_max);
    } else {
      buf_adds(out, q->has_value_min ? "valued at least " : "valued at most ");
      describe_money(out, q->has_value_min ? q->value_min : q->value_max);
    }
  }
  if (q->closing_within || q->closing_after[0] || q->closing_before[0]) {
    buf_adds(out, ", ");
    buf_adds(out, "closing");
    if (q->closing_within)
      buf_addf(out, " within %d day%s", q->closing_within, q->closing_within == 1 ? "" : "s");
    if (q->closing_within && (q->closing_after[0] || q->closing_before[0])) buf_adds(out, " and");
    if (q->closing_after[0] && q->closing_before[0]) {
      buf_adds(out, " between ");
      describe_day(out, q->closing_after);
      buf_adds(out, " and ");
      describe_day(out, q->closing_before);
    } else if (q->closing_after[0]) {
      buf_adds(out, " on or after ");
      describe_day(out, q->closing_after);
    } else if (q->closing_before[0]) {
      buf_adds(out, " on or before ");
      describe_day(out, q->closing_before);
    }
  }
  if (q->published_from_day[0] || q->published_to_day[0]) {
    buf_adds(out, ", published");
    if (q->published_from_day[0] && q->published_to_day[0]) {
      buf_adds(out, " between ");
      describe_day(out, q->published_from_day);
      buf_adds(out, " and ");
      describe_day(out, q->published_to_day);
    } else {
      buf_adds(out, q->published_from_day[0] ? " on or after " : " on or before ");
      describe_day(out, q->published_from_day[0] ? q->published_from_day : q->published_to_day);
    }
  }
}

/* --------------------------------------------------------------- cursor */

/* Layout: version 2, sort, flags (bit 0: has key; bit 1: group 1, past the
 * open notices of an open_first order), key as IEEE 754 binary64
 * big-endian (zero without a key), ocid length n, n bytes of ocid, then a
 * 16-byte MAC of everything before it: keyed BLAKE2b (libsodium's
 * crypto_generichash) with the portal's cursor key, so a cursor cannot be
 * forged. Then base64url without padding. */
#define CUR_VERSION 2
#define CUR_HEAD 12
#define CUR_MAC 16
#define CUR_MAX (CUR_HEAD + QUERY_OCID_MAX + CUR_MAC)

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* The key: set once before threads start (query_cursor_key); all zero
 * until then (tests, tools). */
static unsigned char cur_key[QUERY_CURSOR_KEY];

static pthread_once_t sodium_once = PTHREAD_ONCE_INIT;
static void sodium_start(void) {
  if (sodium_init() < 0) abort(); /* libsodium cannot run at all: nothing it signs is safe */
}

void query_cursor_key(const unsigned char key[QUERY_CURSOR_KEY]) {
  pthread_once(&sodium_once, sodium_start);
  memcpy(cur_key, key, sizeof cur_key);
}

static void cur_mac(const unsigned char *p, size_t n, unsigned char out[CUR_MAC]) {
  pthread_once(&sodium_once, sodium_start);
  crypto_generichash(out, CUR_MAC, p, n, cur_key, sizeof cur_key);
}

/* Any ocid a notice can be stored under: 1 to QUERY_OCID_MAX bytes of
 * UTF-8 without NUL (control characters included: a cursor must carry
 * every stored ocid, or paging would stop at it). */
static int ocid_ok(const char *s, size_t n) {
  return n >= 1 && n <= QUERY_OCID_MAX && !memchr(s, 0, n) && !utf8_check(s, n, NULL);
}

/* Whether key can be a sort key of sort: a time (closing, newest) is a
 * whole number of seconds in the years 0000-9999, which every engine turns
 * into an integer and a date; a score is finite and not negative; a value
 * is finite. */
#define CUR_TIME_MIN (-62167219200.0) /* 0000-01-01T00:00:00Z */
#define CUR_TIME_MAX 253402300799.0   /* 9999-12-31T23:59:59Z */
static int key_ok(QuerySort sort, double key) {
  if (!isfinite(key)) return 0;
  if (sort == QUERY_SORT_CLOSING || sort == QUERY_SORT_NEWEST || sort == QUERY_SORT_AWARD_DATE)
    return key >= CUR_TIME_MIN && key <= CUR_TIME_MAX && floor(key) == key;
  if (sort == QUERY_SORT_RELEVANCE) return key >= 0;
  return 1;
}

int query_cursor_encode(QuerySort sort, const double *last_key, const char *last_ocid, Buf *out, Err *err) {
  return query_cursor_encode_group(sort, 0, last_key, last_ocid, out, err);
}

int query_cursor_encode_group(QuerySort sort, int group, const double *last_key, const char *last_ocid, Buf *out,
                              Err *err) {
  if (sort < QUERY_SORT_RELEVANCE || sort > QUERY_SORT_AWARD_DATE)
    return err_set(err, ERR_USAGE, "cursor: unknown sort %d", (int)sort);
  if (sort == QUERY_SORT_RELEVANCE && !last_key)
    return err_set(err, ERR_USAGE, "cursor: sort=relevance needs a score");
  if (last_key && !key_ok(sort, *last_key))
    return err_set(err, ERR_USAGE, "cursor: the sort key is out of range for sort=%s", query_sort_name(sort));
  size_t n = last_ocid ? strnlen(last_ocid, QUERY_OCID_MAX + 1) : 0;
  if (!last_ocid || !ocid_ok(last_ocid, n))
    return err_set(err, ERR_USAGE, "cursor: the ocid must be 1 to %d bytes of UTF-8", QUERY_OCID_MAX);
  unsigned char raw[CUR_MAX];
  uint64_t bits = 0;
  if (last_key) memcpy(&bits, last_key, sizeof bits);
  raw[0] = CUR_VERSION;
  raw[1] = (unsigned char)sort;
  raw[2] = (unsigned char)((last_key ? 1 : 0) | (group ? 2 : 0));
  for (int i = 0; i < 8; i++) raw[3 + i] = (unsigned char)(bits >> (56 - 8 * i));
  raw[11] = (unsigned char)n;
  memcpy(raw + CUR_HEAD, last_ocid, n);
  size_t len = CUR_HEAD + n;
  cur_mac(raw, len, raw + len);
  len += CUR_MAC;
  for (size_t i = 0; i < len; i += 3) {
    uint32_t v = (uint32_t)raw[i] << 16 | (i + 1 < len ? (uint32_t)raw[i + 1] << 8 : 0) |
                 (i + 2 < len ? raw[i + 2] : 0);
    size_t chars = len - i >= 3 ? 4 : len - i + 1;
    for (size_t j = 0; j < chars; j++) buf_addc(out, b64[(v >> (18 - 6 * j)) & 63]);
  }
  return 0;
}

static int b64_val(char c) {
  const char *p = c ? strchr(b64, c) : NULL;
  return p ? (int)(p - b64) : -1;
}

int query_cursor_decode(const char *s, QueryCursor *out, Err *err) {
  size_t n = s ? strnlen(s, 4 * CUR_MAX) : 0;
  /* the shortest record (1-byte ocid) is 29 bytes, 39 characters */
  if (n < 39 || n > (CUR_MAX * 4 + 2) / 3 || n % 4 == 1)
    return err_set(err, ERR_USAGE, "cursor is invalid: wrong length; start again from the first page");
  unsigned char raw[CUR_MAX + 3];
  size_t len = 0;
  for (size_t i = 0; i < n; i += 4) {
    uint32_t v = 0;
    size_t chars = n - i >= 4 ? 4 : n - i;
    for (size_t j = 0; j < 4; j++) {
      int d = j < chars ? b64_val(s[i + j]) : 0;
      if (d < 0) return err_set(err, ERR_USAGE, "cursor is invalid: not base64url; start again from the first page");
      v = v << 6 | (uint32_t)d;
    }
    size_t bytes = chars - 1;
    /* canonical: the bits after the last byte must be zero */
    if ((chars == 2 && (v & 0xFFFF)) || (chars == 3 && (v & 0xFF)))
      return err_set(err, ERR_USAGE, "cursor is invalid: not base64url; start again from the first page");
    for (size_t j = 0; j < bytes; j++) raw[len++] = (unsigned char)(v >> (16 - 8 * j));
  }
  if (len < CUR_HEAD + 1 + CUR_MAC || len != CUR_HEAD + (size_t)raw[11] + CUR_MAC)
    return err_set(err, ERR_USAGE, "cursor is invalid: wrong length; start again from the first page");
  unsigned char mac[CUR_MAC];
  cur_mac(raw, len - CUR_MAC, mac);
  if (sodium_memcmp(mac, raw + len - CUR_MAC, CUR_MAC) != 0)
    return err_set(err, ERR_USAGE,
                   "cursor is invalid: not signed by this portal (or made before its key changed); start again from "
                   "the first page");
  if (raw[0] != CUR_VERSION)
    return err_set(err, ERR_USAGE, "cursor is invalid: unknown version %d; start again from the first page", raw[0]);
  int group = raw[2] >> 1 & 1;
  raw[2] &= 0xFD;
  if (raw[1] < QUERY_SORT_RELEVANCE || raw[1] > QUERY_SORT_AWARD_DATE || raw[2] > 1 ||
      (raw[1] == QUERY_SORT_RELEVANCE && !raw[2]))
    return err_set(err, ERR_USAGE, "cursor is invalid: bad sort; start again from the first page");
  uint64_t bits = 0;
  for (int i = 0; i < 8; i++) bits = bits << 8 | raw[3 + i];
  double key;
  memcpy(&key, &bits, sizeof key);
  if ((raw[2] && !key_ok((QuerySort)raw[1], key)) || (!raw[2] && bits))
    return err_set(err, ERR_USAGE, "cursor is invalid: bad sort key; start again from the first page");
  if (!ocid_ok((const char *)raw + CUR_HEAD, raw[11]))
    return err_set(err, ERR_USAGE, "cursor is invalid: bad ocid; start again from the first page");
  memset(out, 0, sizeof *out);
  out->sort = (QuerySort)raw[1];
  out->group = group;
  out->has_key = raw[2];
  out->key = raw[2] ? key : 0;
  memcpy(out->ocid, raw + CUR_HEAD, raw[11]);
  out->ocid[raw[11]] = 0;
  return 0;
}

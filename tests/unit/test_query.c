/* test_query.c -- the search query (search/query.h): every parameter's valid
 * and invalid forms with their messages, keyword parsing, CPV prefixes,
 * cursors, canonical URLs, descriptions and the FTS5/tsquery renderings. */
#include "search/query.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "../tap.h"
#include "base/date.h"
#include "model/cpv.h"
#include "store/search_sql.h" /* query_fts5, query_tsquery */

static Err err;
static const time_t NOW = 1740787200; /* 2025-03-01T00:00:00Z */

/* query_set on a fresh query; returns its rc, err holds the message. */
static int set1(Query *q, const char *name, const char *value) {
  err_clear(&err);
  return query_set(q, name, value, &err);
}

/* The error message of one name=value on an empty query ("" when accepted). */
static const char *msg_of(const char *name, const char *value) {
  static char msg[sizeof err.msg];
  Query q;
  query_init(&q);
  int rc = set1(&q, name, value);
  snprintf(msg, sizeof msg, "%s", rc ? err.msg : "");
  query_release(&q);
  return msg;
}

static int hexval(int c) {
  return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Parses a query string as the web layer will (split on & and =, then
 * percent-decode), then finishes at NOW. 0 ok, else the first error. */
static int parse_qs(Query *q, const char *qs) {
  query_init(q);
  err_clear(&err);
  const char *p = qs;
  while (*p) {
    const char *amp = strchr(p, '&');
    size_t n = amp ? (size_t)(amp - p) : strlen(p);
    char name[64] = "", *value = calloc(n + 1, 1);
    size_t i = 0, k = 0;
    while (i < n && p[i] != '=' && k + 1 < sizeof name) name[k++] = p[i++];
    name[k] = 0;
    if (i < n && p[i] == '=') i++;
    for (k = 0; i < n; i++) {
      if (p[i] == '%' && i + 2 < n + 1 && hexval(p[i + 1]) >= 0 && hexval(p[i + 2]) >= 0) {
        value[k++] = (char)(hexval(p[i + 1]) * 16 + hexval(p[i + 2]));
        i += 2;
      } else {
        value[k++] = p[i];
      }
    }
    int rc = query_set(q, name, value, &err);
    free(value);
    if (rc && rc != ERR_NOTFOUND) return rc;
    p = amp ? amp + 1 : p + n;
  }
  return query_finish(q, NOW, &err);
}

/* The clause structure, independent of query_keywords: clauses joined by
 * " & ", alternatives by "|", phrase words by "+", exclusions with "!". */
static Buf structure_buf; /* released at the end of main */
static const char *structure(const Query *q) {
  Buf *b = &structure_buf;
  buf_reset(b);
  buf_grow(b, 0);
  for (size_t i = 0; i < q->n_clauses; i++) {
    if (i) buf_adds(b, " & ");
    if (q->clauses[i].negated) buf_addc(b, '!');
    for (size_t j = 0; j < q->clauses[i].n_alts; j++) {
      if (j) buf_addc(b, '|');
      for (size_t w = 0; w < q->clauses[i].alts[j].n_words; w++) {
        if (w) buf_addc(b, '+');
        buf_adds(b, q->clauses[i].alts[j].words[w]);
      }
    }
  }
  return b->data;
}

/* structure() of q=s, or "ERR: message". */
static const char *kw(const char *s) {
  static char out[2048];
  Query q;
  query_init(&q);
  if (set1(&q, "q", s))
    snprintf(out, sizeof out, "ERR: %s", err.msg);
  else
    snprintf(out, sizeof out, "%s", structure(&q));
  query_release(&q);
  return out;
}

/* Canonical keywords of q=s. */
static const char *canon(const char *s) {
  static char out[2048];
  Query q;
  Buf b = BUF_INIT;
  query_init(&q);
  set1(&q, "q", s);
  query_keywords(&q, &b);
  snprintf(out, sizeof out, "%s", buf_cstr(&b));
  buf_release(&b);
  query_release(&q);
  return out;
}

static int same_query(const Query *a, const Query *b) {
  if (strcmp(structure(a), structure(b)) != 0) return 0; /* structure() reuses its buffer */
  if (a->n_clauses != b->n_clauses || a->n_positive != b->n_positive || a->n_words != b->n_words) return 0;
  for (size_t i = 0; i < a->n_clauses; i++) {
    const QueryClause *x = &a->clauses[i], *y = &b->clauses[i];
    if (x->negated != y->negated || x->n_alts != y->n_alts) return 0;
    for (size_t j = 0; j < x->n_alts; j++) {
      if (x->alts[j].n_words != y->alts[j].n_words) return 0;
      for (size_t w = 0; w < x->alts[j].n_words; w++)
        if (strcmp(x->alts[j].words[w], y->alts[j].words[w]) != 0) return 0;
    }
  }
  if (a->status != b->status || a->n_cpv != b->n_cpv || a->n_region != b->n_region) return 0;
  for (size_t i = 0; i < a->n_cpv; i++)
    if (strcmp(a->cpv[i], b->cpv[i])) return 0;
  for (size_t i = 0; i < a->n_region; i++)
    if (strcmp(a->region[i], b->region[i])) return 0;
  if (a->buyer != b->buyer || a->has_value_min != b->has_value_min || a->has_value_max != b->has_value_max ||
      a->value_min != b->value_min || a->value_max != b->value_max)
    return 0;
  if (a->closing_within != b->closing_within || strcmp(a->closing_after, b->closing_after) ||
      strcmp(a->closing_before, b->closing_before) || a->has_closing_from != b->has_closing_from ||
      a->has_closing_to != b->has_closing_to || a->closing_from != b->closing_from ||
      a->closing_to != b->closing_to)
    return 0;
  if (strcmp(a->published_from_day, b->published_from_day) || strcmp(a->published_to_day, b->published_to_day) ||
      a->has_published_from != b->has_published_from || a->has_published_to != b->has_published_to ||
      a->published_from != b->published_from || a->published_to != b->published_to)
    return 0;
  if (a->sme != b->sme || a->vcse != b->vcse || a->sort != b->sort || a->limit != b->limit) return 0;
  if (a->sector != b->sector || a->subcontract != b->subcontract) return 0;
  if (a->has_cursor != b->has_cursor) return 0;
  if (a->has_cursor && (a->cursor.sort != b->cursor.sort || a->cursor.has_key != b->cursor.has_key ||
                        memcmp(&a->cursor.key, &b->cursor.key, sizeof a->cursor.key) ||
                        strcmp(a->cursor.ocid, b->cursor.ocid)))
    return 0;
  return 1;
}

/* to_url of the query string qs after parsing, or "ERR: ...". */
static const char *url_of(const char *qs) {
  static char out[4096];
  Query q;
  Buf b = BUF_INIT;
  if (parse_qs(&q, qs)) {
    snprintf(out, sizeof out, "ERR: %s", err.msg);
  } else {
    query_to_url(&q, &b);
    snprintf(out, sizeof out, "%s", buf_cstr(&b));
  }
  buf_release(&b);
  query_release(&q);
  return out;
}

/* Parses qs, writes its URL, parses that again: an equal query, same URL. */
static int round_trips(const char *qs) {
  Query a, b;
  Buf u1 = BUF_INIT, u2 = BUF_INIT;
  int good = parse_qs(&a, qs) == 0;
  if (good) {
    query_to_url(&a, &u1);
    good = parse_qs(&b, buf_cstr(&u1)) == 0;
    if (good) {
      query_to_url(&b, &u2);
      good = same_query(&a, &b) && strcmp(buf_cstr(&u1), buf_cstr(&u2)) == 0;
      if (!good) printf("#   %s\n#   %s\n", buf_cstr(&u1), buf_cstr(&u2));
    }
    query_release(&b);
  }
  if (!good) printf("#   round trip of '%s' failed: %s\n", qs, err.msg);
  query_release(&a);
  buf_release(&u1);
  buf_release(&u2);
  return good;
}

static const char *describe_of(const char *qs) {
  static char out[2048];
  Query q;
  Buf b = BUF_INIT;
  if (parse_qs(&q, qs)) {
    snprintf(out, sizeof out, "ERR: %s", err.msg);
  } else {
    query_describe(&q, &b);
    snprintf(out, sizeof out, "%s", buf_cstr(&b));
  }
  buf_release(&b);
  query_release(&q);
  return out;
}

static const char *fts_of(const char *s, int *rc) {
  static char out[4096];
  Query q;
  Buf b = BUF_INIT;
  query_init(&q);
  set1(&q, "q", s);
  *rc = query_fts5(&q, &b);
  snprintf(out, sizeof out, "%s", buf_cstr(&b));
  buf_release(&b);
  query_release(&q);
  return out;
}

/* Every byte outside a double-quoted string is FTS5 syntax we put there:
 * ( ) + space, and the operators AND OR NOT. A quoted string ends at a '"'
 * not doubled. */
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
    } else if (strncmp(s, "AND ", 4) == 0 || strncmp(s, "NOT ", 4) == 0) {
      s += 4;
    } else if (strncmp(s, "OR ", 3) == 0) {
      s += 3;
    } else {
      return 0;
    }
  }
  return 1;
}

/* ---- cursor forging, to show each validation can reject ---- */
/* Cursors are signed with a keyed BLAKE2b of 16 bytes; these tests set the
 * key, so they can sign fields of their choosing (as the portal would) and
 * show that each check behind the signature rejects what it should. */
static const unsigned char KEY[QUERY_CURSOR_KEY] = "0123456789abcdef0123456789abcdef";

static void b64url(const unsigned char *raw, size_t len, char *out) {
  static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  size_t k = 0;
  for (size_t i = 0; i < len; i += 3) {
    uint32_t v = (uint32_t)raw[i] << 16 | (i + 1 < len ? (uint32_t)raw[i + 1] << 8 : 0) | (i + 2 < len ? raw[i + 2] : 0);
    size_t chars = len - i >= 3 ? 4 : len - i + 1;
    for (size_t j = 0; j < chars; j++) out[k++] = a[(v >> (18 - 6 * j)) & 63];
  }
  out[k] = 0;
}

/* A cursor signed with KEY around the given fields. */
static const char *forge(int version, int sort, int flags, uint64_t keybits, const char *ocid, int ocid_len) {
  static char out[512];
  unsigned char raw[300];
  raw[0] = (unsigned char)version, raw[1] = (unsigned char)sort, raw[2] = (unsigned char)flags;
  for (int i = 0; i < 8; i++) raw[3 + i] = (unsigned char)(keybits >> (56 - 8 * i));
  raw[11] = (unsigned char)ocid_len;
  memcpy(raw + 12, ocid, strlen(ocid));
  size_t len = 12 + strlen(ocid);
  crypto_generichash(raw + len, 16, raw, len, KEY, sizeof KEY);
  b64url(raw, len + 16, out);
  return out;
}

static const char *decode_msg(const char *s) {
  static char msg[sizeof err.msg];
  QueryCursor c;
  err_clear(&err);
  snprintf(msg, sizeof msg, "%s", query_cursor_decode(s, &c, &err) ? err.msg : "");
  return msg;
}

static void test_keywords(void) {
  is_str(kw("telecare alarm"), "telecare & alarm", "words are ANDed");
  is_str(kw("TeleCare ALARM"), "telecare & alarm", "ASCII is lower-cased");
  is_str(kw("\"digital care\""), "digital+care", "a quoted phrase");
  is_str(kw("\"Digital   Care\" platform"), "digital+care & platform", "phrase then word");
  is_str(kw("-cleaning"), "!cleaning", "an exclusion");
  is_str(kw("-\"deep clean\""), "!deep+clean", "an excluded phrase");
  is_str(kw("telecare OR alarm"), "telecare|alarm", "OR between two words");
  is_str(kw("a b OR c"), "a & b|c", "OR binds tighter than AND (right)");
  is_str(kw("a OR b c"), "a|b & c", "OR binds tighter than AND (left)");
  is_str(kw("a OR b OR c d"), "a|b|c & d", "a chain of ORs is one clause");
  is_str(kw("\"telecare alarm\" OR pendant"), "telecare+alarm|pendant", "a phrase as an alternative");
  is_str(kw("\"unterminated phrase"), "unterminated+phrase", "an unterminated phrase runs to the end");
  is_str(kw("a \"b c"), "a & b+c", "an unterminated phrase after a word");
  is_str(kw("-"), "", "a lone dash is ignored");
  is_str(kw("- a"), "a", "a dash followed by space negates nothing");
  is_str(kw("--a"), "!a", "a double dash still excludes");
  is_str(kw("--\"a b\""), "!a+b", "a double dash before a phrase excludes it");
  is_str(kw("OR OR"), "", "OR OR is nothing");
  is_str(kw("a OR"), "a", "a trailing OR is ignored");
  is_str(kw("OR a"), "a", "a leading OR is ignored");
  is_str(kw("a OR OR b"), "a|b", "a repeated OR counts once");
  is_str(kw("a or b"), "a & or & b", "lower-case or is a word");
  is_str(kw("a Or b"), "a & or & b", "mixed-case Or is a word");
  is_str(kw("-a OR b"), "!a & b", "OR after an exclusion is ignored");
  is_str(kw("a OR -b"), "a & !b", "OR before an exclusion is ignored");
  is_str(kw("\"this OR that\""), "this+or+that", "OR inside quotes is a word");
  is_str(kw("-OR"), "!or", "-OR excludes the word or");
  is_str(kw("e-mail"), "e+mail", "a hyphenated chunk is a phrase");
  is_str(kw("covid-19 -e-mail"), "covid+19 & !e+mail", "hyphenated words, excluded too");
  is_str(kw("a\"b c\"d"), "a & b+c & d", "a quote inside a chunk opens a phrase");
  is_str(kw("\"\" \" \" !!! ... -\"\""), "", "terms without words are ignored");
  is_str(kw("a OR !!! b"), "a|b", "a wordless term between OR and a word vanishes");
  is_str(kw(""), "", "empty q");
  is_str(kw("title:x NEAR(a b) c*"), "title+x & near+a & b & c", "FTS5 syntax is just words");
  is_str(kw("caf\xC3\xA9"), "caf\xC3\xA9", "non-ASCII letters stay in the word");
  is_str(kw("CAF\xC3\x89"), "caf\xC3\x89", "only ASCII is lower-cased");
  is_str(kw("\xE6\x97\xA5\xE6\x9C\xAC"), "\xE6\x97\xA5\xE6\x9C\xAC", "CJK text is a word");
  is_str(kw("telecare \xC2\xA3"), "telecare", "a lone pound sign is no word");
  is_str(kw("\xC2\xA3" "500k"), "500k", "the pound sign separates");
  is_str(kw("don\xE2\x80\x99t"), "don+t", "a curly apostrophe separates, like '");
  is_str(kw("a\xC2\xA0" "b"), "a & b", "NBSP separates chunks");
  is_str(kw("a\xE2\x80\x94" "b"), "a+b", "an em dash separates words");
  is_str(kw("\xE2\x80\x9C" "digital care\xE2\x80\x9D x"), "digital+care & x", "curly quotes delimit phrases");
  is_str(kw("-\xE2\x80\x9C" "deep clean\xE2\x80\x9D"), "!deep+clean", "curly quotes after a dash");
  is_str(kw("x\xC2\xB2 \xC2\xBD"), "x\xC2\xB2 & \xC2\xBD", "superscripts and fractions are token characters");

  /* limits */
  {
    char big[2001];
    for (int i = 0; i < 1000; i++) big[2 * i] = 'a', big[2 * i + 1] = ' ';
    big[2000] = 0;
    is_str(kw(big), "ERR: q is too long: 2000 bytes, at most 512", "1000 terms: too long");
    char s[200] = "";
    size_t n = 0;
    for (int i = 0; i < 33; i++) n += (size_t)snprintf(s + n, sizeof s - n, "%c%c ", 'a' + i % 26, 'a' + i / 26);
    is_str(kw(s), "ERR: q has too many words: 33, at most 32", "33 words: too many");
    s[n - 4] = 0; /* 32 words */
    ok(strncmp(kw(s), "ERR", 3) != 0, "32 words are fine");
    char ph[200] = "\"";
    n = 1;
    for (int i = 0; i < 33; i++) n += (size_t)snprintf(ph + n, sizeof ph - n, "w%d ", i);
    is_str(kw(ph), "ERR: q has too many words: 33, at most 32", "the words of a phrase count");
    char edge[514];
    memset(edge, 'x', 513);
    edge[513] = 0;
    is_str(kw(edge), "ERR: q is too long: 513 bytes, at most 512", "513 bytes are too long");
    edge[512] = 0;
    is_int(strlen(kw(edge)), 512, "512 bytes are fine");
  }
  is_str(kw("caf\xC3"), "ERR: q must be UTF-8 text: invalid byte at offset 3", "truncated UTF-8 is rejected");
  is_str(kw("a \xFF"), "ERR: q must be UTF-8 text: invalid byte at offset 2", "a stray byte is rejected");
  {
    Query q;
    query_init(&q);
    set1(&q, "q", "a");
    is_int(set1(&q, "q", "b"), ERR_USAGE, "q twice is an error");
    is_str(err.msg, "q may be given only once", "q twice: message");
    is_str(structure(&q), "a", "the first q stays after the error");
    is_int(set1(&q, "q", "x \xFF"), ERR_USAGE, "...");
    is_str(structure(&q), "a", "a failed q leaves the clauses alone");
    query_release(&q);
    query_init(&q);
    is_int(set1(&q, "q", "   "), 0, "a blank q is accepted");
    is_int(set1(&q, "q", "x"), 0, "a blank q does not count as given");
    is_int(q.n_clauses, 1, "then q=x is one clause");
    query_release(&q);
    query_init(&q);
    set1(&q, "q", "a b OR c -d \"e f\"");
    is_int(q.n_clauses, 4, "clause count");
    is_int(q.n_positive, 3, "positive clause count");
    is_int(q.n_words, 6, "word count");
    query_release(&q);
  }

  /* canonical form */
  is_str(canon("Telecare   OR \"digital  care\" -\"deep clean\" e-mail"),
         "telecare OR \"digital care\" -\"deep clean\" \"e mail\"", "canonical keywords");
  is_str(canon("a OR"), "a", "canonical drops the stray OR");
  is_str(canon("\"solo\""), "solo", "a one-word phrase is a word");
  {
    const char *inputs[] = {"a b OR c", "-x -\"y z\" w", "\"this OR that\" or", "caf\xC3\xA9 \xE2\x80\x9Cna\xC3\xAFve art\xE2\x80\x9D",
                            "\"unterminated", "a OR b OR \"c d\" -e f"};
    int all = 1;
    for (size_t i = 0; i < sizeof inputs / sizeof *inputs; i++) {
      char first[2048], again[2048];
      snprintf(first, sizeof first, "%s", kw(inputs[i]));
      snprintf(again, sizeof again, "%s", kw(canon(inputs[i])));
      if (strcmp(first, again)) {
        all = 0;
        printf("#   '%s': '%s' vs '%s'\n", inputs[i], first, again);
      }
    }
    ok(all, "parsing the canonical keywords gives the same clauses");
  }
  {
    Query q;
    Buf b = BUF_INIT;
    query_init(&q);
    set1(&q, "q", "telecare OR \"digital care\" -clean");
    query_clause_text(&q.clauses[0], &b);
    is_str(buf_cstr(&b), "telecare OR \"digital care\"", "clause text of an OR clause");
    buf_reset(&b);
    query_clause_text(&q.clauses[1], &b);
    is_str(buf_cstr(&b), "-clean", "clause text of an exclusion");
    buf_release(&b);
    query_release(&q);
  }
}

static void test_fts(void) {
  int rc;
  is_str(fts_of("a b OR \"c d\" -x -\"y z\"", &rc), "(\"a\" AND (\"b\" OR \"c\" + \"d\")) NOT (\"x\" OR \"y\" + \"z\")",
         "FTS5: clauses, alternatives, phrases, exclusions");
  is_int(rc, 0, "FTS5: 0 with positive clauses");
  is_str(fts_of("telecare", &rc), "\"telecare\"", "FTS5: one word");
  is_str(fts_of("a AND b", &rc), "\"a\" AND \"and\" AND \"b\"", "FTS5: a typed AND is a quoted word");
  is_str(fts_of("-x", &rc), "", "FTS5: exclusions only write nothing");
  is_int(rc, -1, "FTS5: exclusions only return -1");
  is_str(fts_of("", &rc), "", "FTS5: no keywords write nothing");
  is_int(rc, -1, "FTS5: no keywords return -1");
  {
    Query q;
    Buf b = BUF_INIT;
    query_init(&q);
    set1(&q, "q", "-x -\"y z\"");
    is_int(query_fts5_part(&q, 1, &b), 2, "FTS5 part: two exclusions");
    is_str(buf_cstr(&b), "\"x\" OR \"y\" + \"z\"", "FTS5 part: exclusions ORed");
    buf_reset(&b);
    is_int(query_fts5_part(&q, 0, &b), 0, "FTS5 part: no positive clause");
    is_int(b.len, 0, "FTS5 part: nothing written");
    buf_release(&b);
    query_release(&q);
  }
  {
    const char *nasty[] = {"title:x",       "NEAR(a b, 2)", "a* ^b",           "{title body}: x",   "\"a\"\"b\"",
                           "a AND NOT b",   "'; DROP TABLE", "col : \"x\" - y", "(((",              ")) OR ((",
                           "a + b",         "x\" OR 1=1 --", "\xE2\x80\x9Cx\xE2\x80\x9D y\"", "caf\xC3\xA9 - na\xC3\xAFve",
                           "OR -\"",        "\\\" \\"};
    int safe = 1;
    for (size_t i = 0; i < sizeof nasty / sizeof *nasty; i++) {
      const char *f = fts_of(nasty[i], &rc);
      if (!fts5_safe(f)) {
        safe = 0;
        printf("#   unsafe: '%s' -> '%s'\n", nasty[i], f);
      }
    }
    ok(safe, "FTS5: no user character outside a quoted string");
    ok(!fts5_safe("\"a\" AND b"), "the FTS5 checker catches a bare word");
    ok(!fts5_safe("\"a"), "the FTS5 checker catches an open quote");
  }
  {
    Query q;
    Buf b = BUF_INIT;
    query_init(&q);
    set1(&q, "q", "a b OR \"c d\" -x -\"y z\"");
    is_int(query_tsquery(&q, &b), 4, "tsquery: four clauses");
    is_str(buf_cstr(&b), "'a' & ('b' | ('c' <-> 'd')) & !'x' & !('y' <-> 'z')", "tsquery text");
    query_release(&q);
    buf_reset(&b);
    query_init(&q);
    is_int(query_tsquery(&q, &b), 0, "tsquery: nothing without keywords");
    buf_release(&b);
    query_release(&q);
  }
}

static void test_params(void) {
  Query q;

  /* status */
  query_init(&q);
  is_int(set1(&q, "status", "open"), 0, "status=open");
  is_int(q.status, 1u << NOTICE_OPEN, "status=open sets the open bit");
  is_int(set1(&q, "status", " Awarded , CANCELLED,"), 0, "status comma list, any case, blanks");
  is_int(q.status, (1u << NOTICE_OPEN) | (1u << NOTICE_AWARDED) | (1u << NOTICE_CANCELLED),
         "repeats and lists add up");
  is_int(set1(&q, "status", "closed,bogus"), ERR_USAGE, "a bad status in a list");
  is_int(q.status, (1u << NOTICE_OPEN) | (1u << NOTICE_AWARDED) | (1u << NOTICE_CANCELLED),
         "a bad list changes nothing");
  is_int(set1(&q, "status", "planned"), 0, "status=planned");
  query_release(&q);
  is_str(msg_of("status", "opened"), "status must be one of open, closed, awarded, cancelled, planned; got 'opened'",
         "status error message");
  is_str(msg_of("status", ","), "", "a list of nothing is nothing");

  /* closing_within */
  is_str(msg_of("closing_within", "30"), "", "closing_within=30");
  is_str(msg_of("closing_within", "3650"), "", "closing_within=3650");
  is_str(msg_of("closing_within", "1"), "", "closing_within=1");
  is_str(msg_of("closing_within", "0"), "closing_within must be a whole number of days from 1 to 3650, got '0'",
         "closing_within=0");
  is_str(msg_of("closing_within", "3651"),
         "closing_within must be a whole number of days from 1 to 3650, got '3651'", "closing_within=3651");
  is_str(msg_of("closing_within", "1.5"), "closing_within must be a whole number of days from 1 to 3650, got '1.5'",
         "closing_within=1.5");
  is_str(msg_of("closing_within", "-7"), "closing_within must be a whole number of days from 1 to 3650, got '-7'",
         "closing_within=-7");
  is_str(msg_of("closing_within", "99999999999999999999999"),
         "closing_within must be a whole number of days from 1 to 3650, got '99999999999999999999999'",
         "closing_within overflow");

  /* dates */
  is_str(msg_of("closing_after", "2025-03-01"), "", "closing_after=2025-03-01");
  is_str(msg_of("closing_before", "2024-02-29"), "", "closing_before on a leap day");
  is_str(msg_of("closing_after", "2025-02-29"), "closing_after must be a date YYYY-MM-DD, got '2025-02-29'",
         "closing_after not a day");
  is_str(msg_of("closing_after", "2025-3-1"), "closing_after must be a date YYYY-MM-DD, got '2025-3-1'",
         "closing_after without zero padding");
  is_str(msg_of("closing_before", "2025-03-01T00:00:00Z"),
         "closing_before must be a date YYYY-MM-DD, got '2025-03-01T00:00:00Z'", "closing_before with a time");
  is_str(msg_of("closing_before", "tomorrow"), "closing_before must be a date YYYY-MM-DD, got 'tomorrow'",
         "closing_before=tomorrow");
  /* published_from and published_to: name, value, the error ("" none) */
  const char *pub[][3] = {
      {"published_from", "2025-03-01", ""},
      {"published_to", "2024-02-29", ""},
      {"published_from", "2025-13-01", "published_from must be a date YYYY-MM-DD, got '2025-13-01'"},
      {"published_to", "1/3/2025", "published_to must be a date YYYY-MM-DD, got '1/3/2025'"},
  };
  for (size_t i = 0; i < sizeof pub / sizeof *pub; i++)
    is_str(msg_of(pub[i][0], pub[i][1]), pub[i][2], "%s=%s", pub[i][0], pub[i][1]);

  /* values */
  query_init(&q);
  is_int(set1(&q, "value_min", "10000"), 0, "value_min=10000");
  is_dbl(q.value_min, 10000, 0, "value_min is 10000");
  ok(q.has_value_min && !q.has_value_max, "only value_min is set");
  is_int(set1(&q, "value_max", "\xC2\xA3" "250,000.5"), 0, "value_max with pound sign, commas, decimals");
  is_dbl(q.value_max, 250000.5, 0, "value_max is 250000.5");
  query_release(&q);
  is_str(msg_of("value_min", "0"), "", "value_min=0");
  is_str(msg_of("value_min", "0.05"), "", "value_min=0.05");
  is_str(msg_of("value_min", "1000000000000"), "", "value_min at the cap");
  is_str(msg_of("value_min", "abc"), "value_min must be a non-negative number (at most 2 decimal places), got 'abc'",
         "value_min=abc");
  is_str(msg_of("value_min", "-5"), "value_min must be a non-negative number (at most 2 decimal places), got '-5'",
         "value_min=-5");
  is_str(msg_of("value_max", "1.234"),
         "value_max must be a non-negative number (at most 2 decimal places), got '1.234'", "value_max=1.234");
  is_str(msg_of("value_max", "1e5"), "value_max must be a non-negative number (at most 2 decimal places), got '1e5'",
         "value_max=1e5");
  is_str(msg_of("value_max", "1,"), "value_max must be a non-negative number (at most 2 decimal places), got '1,'",
         "value_max=1,");
  is_str(msg_of("value_max", ".5"), "value_max must be a non-negative number (at most 2 decimal places), got '.5'",
         "value_max=.5");
  is_str(msg_of("value_max", "5."), "value_max must be a non-negative number (at most 2 decimal places), got '5.'",
         "value_max=5.");
  is_str(msg_of("value_max", "inf"), "value_max must be a non-negative number (at most 2 decimal places), got 'inf'",
         "value_max=inf");
  is_str(msg_of("value_min", "1000000000000.01"), "value_min must be at most 1000000000000, got '1000000000000.01'",
         "value_min just over the cap");
  is_str(msg_of("value_min", "99999999999999999999999999"),
         "value_min must be at most 1000000000000, got '99999999999999999999999999'", "value_min far over the cap");
  is_str(msg_of("value_min", "0000000000000000000001"), "", "leading zeros do not count towards the cap");

  /* cpv */
  {
    struct {
      const char *in, *want;
    } cases[] = {{"72", "72"},         {"722", "722"},        {"7222", "7222"},     {"72220000", "7222"},
                 {"72220000-3", "7222"}, {"72000000", "72"},    {"72200000", "722"},  {"72222000", "72222"},
                 {"72222300", "722223"}, {"7220", "722"},       {"720", "72"},        {"03000000", "03"},
                 {"03100000-2", "031"},  {"3019212", "3019212"}, {"30192121", "30192121"}, {" 45 ", "45"}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
      query_init(&q);
      int rc = set1(&q, "cpv", cases[i].in);
      char name[64];
      snprintf(name, sizeof name, "cpv '%s' -> %s", cases[i].in, cases[i].want);
      is_str(rc == 0 && q.n_cpv == 1 ? q.cpv[0] : err.msg, cases[i].want, "%s", name);
      query_release(&q);
    }
  }
  is_str(msg_of("cpv", "7a"), "cpv must be a CPV code or prefix of 2 to 8 digits (e.g. 72, 7222 or 72220000-3), got '7a'",
         "cpv with a letter");
  is_str(msg_of("cpv", "7"), "cpv must be a CPV code or prefix of 2 to 8 digits (e.g. 72, 7222 or 72220000-3), got '7'",
         "cpv of one digit");
  is_str(msg_of("cpv", "722-3"), "cpv must be a CPV code or prefix of 2 to 8 digits (e.g. 72, 7222 or 72220000-3), got '722-3'",
         "a check digit on a prefix");
  is_str(msg_of("cpv", "722200001"),
         "cpv must be a CPV code or prefix of 2 to 8 digits (e.g. 72, 7222 or 72220000-3), got '722200001'",
         "cpv of nine digits");
  is_str(msg_of("cpv", "72220000-"),
         "cpv must be a CPV code or prefix of 2 to 8 digits (e.g. 72, 7222 or 72220000-3), got '72220000-'",
         "cpv with a dash and no check digit");
  is_str(msg_of("cpv", "72220000-34"),
         "cpv must be a CPV code or prefix of 2 to 8 digits (e.g. 72, 7222 or 72220000-3), got '72220000-34'",
         "cpv with two check digits");
  is_str(msg_of("cpv", "99"), "cpv '99' matches no code in CPV 2008", "an unknown division");
  is_str(msg_of("cpv", "72990000"), "cpv '72990000' matches no code in CPV 2008", "an unknown class");
  query_init(&q);
  is_int(set1(&q, "cpv", "7222,72"), 0, "cpv comma list");
  is_int(set1(&q, "cpv", "72000000-5"), 0, "cpv repeat of the same prefix");
  is_int(set1(&q, "cpv", "48"), 0, "cpv another");
  is_int(q.n_cpv, 3, "cpv de-duplicated");
  ok(q.n_cpv == 3 && !strcmp(q.cpv[0], "48") && !strcmp(q.cpv[1], "72") && !strcmp(q.cpv[2], "7222"), "cpv sorted");
  is_int(set1(&q, "cpv", "45,99"), ERR_USAGE, "a bad cpv in a list");
  is_int(q.n_cpv, 3, "a bad cpv list changes nothing");
  query_release(&q);
  {
    /* 33 distinct divisions */
    char list[33 * 3 + 1] = "", last[3] = "";
    size_t n = 0, len = 0;
    for (size_t i = 0; i < cpv_table_len && n < 33; i++)
      if (strncmp(cpv_table[i].code, last, 2) != 0) {
        memcpy(last, cpv_table[i].code, 2);
        len += (size_t)snprintf(list + len, sizeof list - len, "%s%.2s", n ? "," : "", last);
        n++;
      }
    query_init(&q);
    is_int(set1(&q, "cpv", list), ERR_USAGE, "33 CPV prefixes are too many");
    is_str(err.msg, "cpv: at most 32 codes", "too many CPV prefixes: message");
    list[len - 3] = 0;
    is_int(set1(&q, "cpv", list), 0, "32 CPV prefixes are fine");
    is_int(q.n_cpv, 32, "32 stored");
    query_release(&q);
  }

  /* region */
  query_init(&q);
  is_int(set1(&q, "region", "tle"), 0, "region=tle");
  is_int(set1(&q, "region", "TLC, tld,TLE"), 0, "region list");
  ok(q.n_region == 3 && !strcmp(q.region[0], "TLC") && !strcmp(q.region[1], "TLD") && !strcmp(q.region[2], "TLE"),
     "regions upper-case, sorted, distinct");
  is_int(set1(&q, "region", "TLN,TLZ"), ERR_USAGE, "a bad region in a list");
  is_int(q.n_region, 3, "a bad region list changes nothing");
  query_release(&q);
  is_str(msg_of("region", "TLZ"), "region must be an ITL1 code from TLC to TLN (e.g. TLD), got 'TLZ'", "region=TLZ");
  is_str(msg_of("region", "North West"), "region must be an ITL1 code from TLC to TLN (e.g. TLD), got 'North West'",
         "region names are not codes");
  is_str(msg_of("region", "UKD"), "region must be an ITL1 code from TLC to TLN (e.g. TLD), got 'UKD'",
         "NUTS codes are not ITL codes");
  is_str(msg_of("region", "TLD3"), "region must be an ITL1 code from TLC to TLN (e.g. TLD), got 'TLD3'",
         "ITL2 codes are not ITL1");

  /* buyer */
  query_init(&q);
  is_int(set1(&q, "buyer", "42"), 0, "buyer=42");
  is_int(q.buyer, 42, "buyer is 42");
  is_int(set1(&q, "buyer", "43"), ERR_USAGE, "buyer twice");
  is_str(err.msg, "buyer may be given only once", "buyer twice: message");
  is_int(q.buyer, 42, "buyer keeps the first");
  query_release(&q);
  is_str(msg_of("buyer", "9223372036854775807"), "", "the largest buyer id");
  is_str(msg_of("buyer", "9223372036854775808"),
         "buyer must be a positive whole number (an organisation id), got '9223372036854775808'", "buyer overflow");
  is_str(msg_of("buyer", "0"), "buyer must be a positive whole number (an organisation id), got '0'", "buyer=0");
  is_str(msg_of("buyer", "-3"), "buyer must be a positive whole number (an organisation id), got '-3'", "buyer=-3");
  is_str(msg_of("buyer", "x1"), "buyer must be a positive whole number (an organisation id), got 'x1'", "buyer=x1");

  /* sme, vcse */
  {
    const char *yes[] = {"true", "1", "yes", "YES", "True", "on"}, *no[] = {"false", "0", "no", "No", "off"};
    int all = 1;
    for (size_t i = 0; i < 6; i++) {
      query_init(&q);
      all &= set1(&q, "sme", yes[i]) == 0 && q.sme == FLAG_YES;
      all &= set1(&q, "vcse", yes[i]) == 0 && q.vcse == FLAG_YES;
      query_release(&q);
    }
    ok(all, "sme/vcse yes forms");
    all = 1;
    for (size_t i = 0; i < 5; i++) {
      query_init(&q);
      all &= set1(&q, "sme", no[i]) == 0 && q.sme == FLAG_NO;
      all &= set1(&q, "vcse", no[i]) == 0 && q.vcse == FLAG_NO;
      query_release(&q);
    }
    ok(all, "sme/vcse no forms");
  }
  is_str(msg_of("sme", "maybe"), "sme must be one of true, false, 1, 0, yes, no; got 'maybe'", "sme=maybe");
  is_str(msg_of("vcse", "2"), "vcse must be one of true, false, 1, 0, yes, no; got '2'", "vcse=2");

  /* sector, subcontract */
  query_init(&q);
  ok(set1(&q, "sector", "Private") == 0 && q.sector == 1u << NOTICE_PRIVATE && set1(&q, "subcontract", "on") == 0 &&
         q.subcontract == FLAG_YES && query_filtered(&q),
     "sector=Private, subcontract=on: a private sector filter and sub-contracts only");
  ok(set1(&q, "sector", "public") == 0 && q.sector == 3u, "sector repeats: both sectors");
  is_int(set1(&q, "subcontract", "false"), ERR_USAGE, "subcontract given twice is an error");
  query_release(&q);
  is_str(msg_of("sector", "third"), "sector must be public or private; got 'third'", "sector=third");
  is_str(msg_of("subcontract", "maybe"), "subcontract must be one of true, false, 1, 0, yes, no; got 'maybe'",
         "subcontract=maybe");

  /* sort */
  query_init(&q);
  is_int(set1(&q, "sort", "Closing"), 0, "sort=Closing");
  is_int(q.sort, QUERY_SORT_CLOSING, "sort is closing");
  query_release(&q);
  is_str(msg_of("sort", "value"), "", "sort=value");
  is_str(msg_of("sort", "newest"), "", "sort=newest");
  is_str(msg_of("sort", "relevance"), "", "sort=relevance");
  is_str(msg_of("sort", "award_date"), "", "sort=award_date");
  is_str(msg_of("sort", "price"), "sort must be one of relevance, closing, newest, value, award_date; got 'price'",
         "sort=price");
  {
    QueryCursor ac;
    Buf ab = BUF_INIT;
    double at = 1735689600; /* 2025-01-01 */
    ok(query_cursor_encode(QUERY_SORT_AWARD_DATE, &at, "ocds-x", &ab, &err) == 0 &&
           query_cursor_decode(ab.data, &ac, &err) == 0 && ac.sort == QUERY_SORT_AWARD_DATE && ac.key == at,
       "a cursor for sort=award_date round-trips");
    buf_reset(&ab);
    double half = 1735689600.5;
    ok(query_cursor_encode(QUERY_SORT_AWARD_DATE, &half, "ocds-x", &ab, &err) != 0,
       "an award date key is whole seconds");
    buf_release(&ab);
  }

  /* limit */
  query_init(&q);
  is_int(q.limit, 20, "limit defaults to 20");
  is_int(set1(&q, "limit", "100"), 0, "limit=100");
  is_int(q.limit, 100, "limit is 100");
  query_release(&q);
  is_str(msg_of("limit", "1"), "", "limit=1");
  is_str(msg_of("limit", "0"), "limit must be a whole number from 1 to 100, got '0'", "limit=0");
  is_str(msg_of("limit", "101"), "limit must be a whole number from 1 to 100, got '101'", "limit=101");
  is_str(msg_of("limit", "ten"), "limit must be a whole number from 1 to 100, got 'ten'", "limit=ten");

  /* general */
  query_init(&q);
  is_int(set1(&q, "page", "2"), ERR_NOTFOUND, "an unknown parameter is ERR_NOTFOUND");
  is_str(err.msg, "unknown parameter 'page'", "unknown parameter: message");
  is_int(set1(&q, "Limit", "5"), ERR_NOTFOUND, "names are case-sensitive");
  is_int(set1(&q, "limit", ""), 0, "an empty value is accepted");
  is_int(set1(&q, "limit", " \t"), 0, "a blank value is accepted");
  is_int(set1(&q, "limit", NULL), 0, "a NULL value is accepted");
  is_int(q.limit, 20, "empty values change nothing");
  is_int(set1(&q, "limit", " 5 "), 0, "then a real value, trimmed");
  is_int(q.limit, 5, "limit is 5");
  query_release(&q);
  is_str(msg_of("value_min", "\x01\xFF" "0123456789012345678901234567890123456789xyz"),
         "value_min must be a non-negative number (at most 2 decimal places), got "
         "'??01234567890123456789012345678901234567...'",
         "echoed values are cut and printable");
}

static void test_finish(void) {
  Query q;
  is_int(parse_qs(&q, "q=telecare"), 0, "no sort");
  ok(q.open_first && q.sort == QUERY_SORT_RELEVANCE, "no sort: open notices first, then relevance");
  query_release(&q);
  is_int(parse_qs(&q, "q=telecare&sort=relevance"), 0, "sort=relevance");
  ok(!q.open_first && q.sort == QUERY_SORT_RELEVANCE, "a sort asked for: no open-first");
  query_release(&q);
  is_int(parse_qs(&q, "value_min=5000&value_max=1000"), ERR_USAGE, "value_min > value_max");
  is_str(err.msg, "value_min (5000.00) must not be more than value_max (1000.00)", "value_min > value_max: message");
  query_release(&q);
  is_int(parse_qs(&q, "value_min=1000&value_max=1000"), 0, "value_min == value_max");
  query_release(&q);
  is_int(parse_qs(&q, "closing_after=2025-03-02&closing_before=2025-03-01"), ERR_USAGE, "after > before");
  is_str(err.msg, "closing_after (2025-03-02) must not be later than closing_before (2025-03-01)",
         "after > before: message");
  query_release(&q);

  is_int(parse_qs(&q, "published_from=2025-03-02&published_to=2025-03-01"), ERR_USAGE, "published from > to");
  is_str(err.msg, "published_from (2025-03-02) must not be later than published_to (2025-03-01)",
         "published from > to: message");
  query_release(&q);
  is_int(parse_qs(&q, "published_from=2025-03-01&published_from=2025-03-02"), ERR_USAGE, "published_from once only");
  query_release(&q);

  time_t d1, d2;
  date_parse("2025-03-10", &d1);
  date_parse("2025-03-11", &d2);
  is_int(parse_qs(&q, "published_from=2025-03-10&published_to=2025-03-10"), 0, "a one-day published window");
  ok(q.has_published_from && q.published_from == d1, "published_from is 00:00 UTC that day");
  ok(q.has_published_to && q.published_to == d2, "published_to is the start of the next day (exclusive)");
  query_release(&q);
  is_int(parse_qs(&q, "published_to=2025-03-10"), 0, "published_to alone");
  ok(!q.has_published_from && q.has_published_to, "published_to alone: no lower bound");
  query_release(&q);
  is_int(parse_qs(&q, "closing_after=2025-03-10&closing_before=2025-03-10"), 0, "a one-day window");
  ok(q.has_closing_from && q.closing_from == d1, "closing_after is 00:00 UTC that day");
  ok(q.has_closing_to && q.closing_to == d2, "closing_before is the start of the next day (exclusive)");
  query_release(&q);
  is_int(parse_qs(&q, "closing_within=30"), 0, "closing_within=30");
  ok(q.has_closing_from && q.closing_from == NOW && q.has_closing_to && q.closing_to == NOW + 30 * 86400,
     "closing_within is [now, now + 30 days)");
  query_release(&q);
  is_int(parse_qs(&q, "closing_within=30&closing_after=2025-03-10&closing_before=2026-01-01"), 0,
         "closing_within with dates");
  ok(q.closing_from == d1 && q.closing_to == NOW + 30 * 86400, "the windows intersect");
  query_release(&q);
  is_int(parse_qs(&q, "closing_within=30&closing_before=2025-03-10"), 0, "closing_within with an earlier end");
  ok(q.closing_from == NOW && q.closing_to == d2, "the earlier end wins, at the end of its day");
  query_release(&q);
  is_int(parse_qs(&q, "closing_within=9&closing_before=2025-03-10"), 0, "closing_within ending inside the day");
  is_int(query_finish(&q, NOW + 43200, &err), 0, "finished at noon");
  ok(q.closing_from == NOW + 43200 && q.closing_to == NOW + 43200 + 9 * 86400,
     "within 9 days from noon ends before the end of closing_before's day");
  query_release(&q);
  is_int(parse_qs(&q, "closing_within=30&closing_after=2025-02-01"), 0, "closing_within with an earlier start");
  ok(q.closing_from == NOW, "the later start wins");
  query_release(&q);
  is_int(parse_qs(&q, "status=open"), 0, "no dates");
  ok(!q.has_closing_from && !q.has_closing_to, "no window without dates");
  query_release(&q);

  is_int(parse_qs(&q, "q=telecare"), 0, "q only");
  is_int(q.sort, QUERY_SORT_RELEVANCE, "relevance is the default with keywords");
  query_release(&q);
  is_int(parse_qs(&q, "status=open"), 0, "no q");
  is_int(q.sort, QUERY_SORT_NEWEST, "newest is the default without keywords");
  query_release(&q);
  is_int(parse_qs(&q, "sort=relevance"), 0, "sort=relevance without q");
  is_int(q.sort, QUERY_SORT_NEWEST, "relevance without keywords becomes newest");
  query_release(&q);
  is_int(parse_qs(&q, "q=-cleaning"), 0, "exclusions only");
  is_int(q.sort, QUERY_SORT_NEWEST, "exclusions only sort by newest");
  query_release(&q);
  is_int(parse_qs(&q, "q=telecare&sort=value"), 0, "explicit sort with q");
  is_int(q.sort, QUERY_SORT_VALUE, "an explicit sort wins");
  is_int(query_finish(&q, NOW, &err), 0, "finishing twice is fine");
  is_int(q.sort, QUERY_SORT_VALUE, "and changes nothing");
  query_release(&q);
}

static void test_cursor(void) {
  Buf b = BUF_INIT;
  QueryCursor c;
  query_cursor_key(KEY);
  double k = 12.375;
  is_int(query_cursor_encode(QUERY_SORT_RELEVANCE, &k, "ocds-b5fd17-0001", &b, &err), 0, "encode a relevance cursor");
  ok(b.len > 0 && strspn(b.data, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == b.len,
     "a cursor is base64url");
  is_int(query_cursor_decode(b.data, &c, &err), 0, "decode it");
  ok(c.sort == QUERY_SORT_RELEVANCE && c.has_key && c.key == k && !strcmp(c.ocid, "ocds-b5fd17-0001"),
     "relevance cursor round trip");
  {
    /* every single-character change is rejected */
    char s[400];
    snprintf(s, sizeof s, "%s", b.data);
    const char *alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    int caught = 1;
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i++) {
      char keep = s[i];
      for (const char *a = alpha; *a; a++) {
        if (*a == keep) continue;
        s[i] = *a;
        if (query_cursor_decode(s, &c, &err) == 0) {
          caught = 0;
          printf("#   accepted %s\n", s);
        }
      }
      s[i] = keep;
    }
    ok(caught, "every altered character of a cursor is caught");
    s[n - 1] = 0;
    ok(strncmp(decode_msg(s), "cursor is invalid: ", 19) == 0, "a cursor cut by 1 character");
    s[n - 4] = 0;
    ok(strncmp(decode_msg(s), "cursor is invalid: ", 19) == 0, "a cursor cut by 4 characters");
    snprintf(s, sizeof s, "%s=", b.data);
    ok(strncmp(decode_msg(s), "cursor is invalid: ", 19) == 0, "padding is not accepted");
  }
  buf_reset(&b);
  is_int(query_cursor_encode(QUERY_SORT_CLOSING, NULL, "ocds-x-9", &b, &err), 0, "encode a closing cursor without key");
  is_int(query_cursor_decode(b.data, &c, &err), 0, "decode it");
  ok(c.sort == QUERY_SORT_CLOSING && !c.has_key && c.key == 0 && !strcmp(c.ocid, "ocds-x-9"), "keyless round trip");
  {
    char ocid[QUERY_OCID_MAX + 2];
    memset(ocid, 'o', QUERY_OCID_MAX);
    ocid[QUERY_OCID_MAX] = 0;
    double v = 1e12;
    buf_reset(&b);
    is_int(query_cursor_encode(QUERY_SORT_VALUE, &v, ocid, &b, &err), 0, "a 200-byte ocid");
    ok(b.len <= 304, "the longest cursor has at most 304 characters");
    is_int(query_cursor_decode(b.data, &c, &err), 0, "the longest cursor decodes");
    is_int(strlen(c.ocid), QUERY_OCID_MAX, "with its whole ocid");
    ocid[QUERY_OCID_MAX] = 'o', ocid[QUERY_OCID_MAX + 1] = 0;
    size_t len = b.len;
    is_int(query_cursor_encode(QUERY_SORT_VALUE, &v, ocid, &b, &err), ERR_USAGE, "a 201-byte ocid");
    is_int(b.len, len, "a failed encode writes nothing");
  }
  {
    double nan = NAN, inf = INFINITY, zero = 0;
    is_int(query_cursor_encode(QUERY_SORT_VALUE, &nan, "o", &b, &err), ERR_USAGE, "a NaN key");
    is_int(query_cursor_encode(QUERY_SORT_VALUE, &inf, "o", &b, &err), ERR_USAGE, "an infinite key");
    is_int(query_cursor_encode(QUERY_SORT_RELEVANCE, NULL, "o", &b, &err), ERR_USAGE, "relevance without score");
    is_int(query_cursor_encode(QUERY_SORT_UNSET, &zero, "o", &b, &err), ERR_USAGE, "sort UNSET");
    is_int(query_cursor_encode(QUERY_SORT_VALUE, &zero, "", &b, &err), ERR_USAGE, "an empty ocid");
    buf_reset(&b);
    is_int(query_cursor_encode(QUERY_SORT_VALUE, &zero, "a\nb\x01", &b, &err), 0,
           "an ocid with control characters (a stored ocid may have them)");
    is_int(query_cursor_decode(b.data, &c, &err), 0, "and it decodes");
    is_str(c.ocid, "a\nb\x01", "to the same ocid");
    double big = 1e300, half = 1.5e9 + 0.5, neg = -1;
    is_int(query_cursor_encode(QUERY_SORT_CLOSING, &big, "o", &b, &err), ERR_USAGE, "a time key past the year 9999");
    is_int(query_cursor_encode(QUERY_SORT_NEWEST, &half, "o", &b, &err), ERR_USAGE, "a time key not whole seconds");
    is_int(query_cursor_encode(QUERY_SORT_RELEVANCE, &neg, "o", &b, &err), ERR_USAGE, "a negative score");
    is_int(query_cursor_encode(QUERY_SORT_VALUE, &zero, "a\xFF", &b, &err), ERR_USAGE, "invalid UTF-8 in the ocid");
    is_int(query_cursor_encode(QUERY_SORT_VALUE, &zero, NULL, &b, &err), ERR_USAGE, "a NULL ocid");
  }
  /* cursors signed with the key around fields of the test's choosing */
  uint64_t one;
  double d1 = 1;
  memcpy(&one, &d1, sizeof one);
  is_str(decode_msg(forge(2, 4, 1, one, "ocid", 4)), "", "a well-formed cursor signed with the key is accepted");
  {
    const char *good = forge(2, 4, 1, one, "ocid", 4);
    char saved[512];
    snprintf(saved, sizeof saved, "%s", good);
    unsigned char other[QUERY_CURSOR_KEY];
    memset(other, 7, sizeof other);
    query_cursor_key(other);
    is_str(decode_msg(saved),
           "cursor is invalid: not signed by this portal (or made before its key changed); start again from the "
           "first page",
           "the same cursor under another key: refused");
    query_cursor_key(KEY);
    /* the attack report's forgery: version 1, a public FNV-1a checksum, a
     * closing key of 1e300 (reproducers/attack/http/ubsan_cursor_repro.txt) */
    ok(strncmp(decode_msg("AQIBfjfkPIgAdZwBeKuFEH4"), "cursor is invalid: ", 19) == 0,
       "the report's forged cursor is refused (%s)", decode_msg("AQIBfjfkPIgAdZwBeKuFEH4"));
  }
  is_str(decode_msg(forge(3, 4, 1, one, "ocid", 4)),
         "cursor is invalid: unknown version 3; start again from the first page", "unknown version");
  is_str(decode_msg(forge(2, 6, 1, one, "ocid", 4)), "cursor is invalid: bad sort; start again from the first page",
         "unknown sort");
  is_str(decode_msg(forge(2, 0, 1, one, "ocid", 4)), "cursor is invalid: bad sort; start again from the first page",
         "sort 0");
  is_str(decode_msg(forge(2, 1, 0, 0, "ocid", 4)), "cursor is invalid: bad sort; start again from the first page",
         "relevance without a key");
  is_str(decode_msg(forge(2, 4, 4, one, "ocid", 4)), "cursor is invalid: bad sort; start again from the first page",
         "unknown flags");
  {
    QueryCursor gc;
    Buf gb = BUF_INIT;
    double gk = 1234.5;
    ok(query_cursor_encode_group(QUERY_SORT_VALUE, 1, &gk, "ocds-x", &gb, &err) == 0 &&
           query_cursor_decode(gb.data, &gc, &err) == 0 && gc.group == 1 && gc.has_key && gc.key == gk,
       "a cursor carries its group (past the open notices)");
    buf_reset(&gb);
    ok(query_cursor_encode(QUERY_SORT_VALUE, &gk, "ocds-x", &gb, &err) == 0 &&
           query_cursor_decode(gb.data, &gc, &err) == 0 && gc.group == 0,
       "group 0 by default");
    buf_release(&gb);
  }
  is_str(decode_msg(forge(2, 4, 1, 0x7FF8000000000000ull, "ocid", 4)),
         "cursor is invalid: bad sort key; start again from the first page", "a NaN key");
  is_str(decode_msg(forge(2, 4, 0, one, "ocid", 4)),
         "cursor is invalid: bad sort key; start again from the first page", "a key without the flag");
  is_str(decode_msg(forge(2, 4, 1, one, "oc\nid", 5)), "", "a control character in the ocid is carried");
  /* time keys: a whole number of seconds in the years 0000-9999; engines
   * turn them into integers and dates (1e300 was undefined behaviour there) */
  uint64_t kb;
  double kv[] = {1e300, -1e300, 253402300800.0, -62167219201.0, 1700000000.5};
  const char *why[] = {"1e300", "-1e300", "the first second of the year 10000", "before the year 0000",
                       "a fraction of a second"};
  for (int sort = 2; sort <= 3; sort++)
    for (size_t i = 0; i < sizeof kv / sizeof *kv; i++) {
      memcpy(&kb, &kv[i], sizeof kb);
      is_str(decode_msg(forge(2, sort, 1, kb, "ocid", 4)),
             "cursor is invalid: bad sort key; start again from the first page", "a %s time key: %s",
             sort == 2 ? "closing" : "newest", why[i]);
    }
  double edge[] = {253402300799.0, -62167219200.0, 0};
  for (size_t i = 0; i < sizeof edge / sizeof *edge; i++) {
    memcpy(&kb, &edge[i], sizeof kb);
    is_str(decode_msg(forge(2, 2, 1, kb, "ocid", 4)), "", "a closing key of %.0f s is accepted", edge[i]);
  }
  double negative = -0.5;
  memcpy(&kb, &negative, sizeof kb);
  is_str(decode_msg(forge(2, 1, 1, kb, "ocid", 4)), "cursor is invalid: bad sort key; start again from the first page",
         "a negative score");
  memcpy(&kb, &kv[0], sizeof kb);
  is_str(decode_msg(forge(2, 4, 1, kb, "ocid", 4)), "", "a value key of 1e300 is a value (compared as a number)");
  is_str(decode_msg(forge(2, 4, 1, one, "ocid", 5)), "cursor is invalid: wrong length; start again from the first page",
         "an ocid length that does not fit");
  is_str(decode_msg("abc"), "cursor is invalid: wrong length; start again from the first page", "a short cursor");
  is_str(decode_msg("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+AAA"), "cursor is invalid: not base64url; start again from the first page",
         "standard base64 is not base64url");
  is_str(decode_msg(NULL), "cursor is invalid: wrong length; start again from the first page", "a NULL cursor");

  /* in a query */
  Query q;
  double score = 3.5;
  buf_reset(&b);
  query_cursor_encode(QUERY_SORT_VALUE, &score, "ocds-1", &b, &err);
  char qs[600];
  snprintf(qs, sizeof qs, "status=open&cursor=%s", b.data);
  is_int(parse_qs(&q, qs), ERR_USAGE, "a value cursor with the default sort");
  is_str(err.msg, "cursor was made for sort=value, but this query sorts by newest; start again from the first page",
         "wrong sort: message");
  query_release(&q);
  snprintf(qs, sizeof qs, "status=open&sort=value&cursor=%s", b.data);
  is_int(parse_qs(&q, qs), 0, "a value cursor with sort=value");
  ok(q.has_cursor && q.cursor.key == 3.5 && !strcmp(q.cursor.ocid, "ocds-1"), "the query holds the cursor");
  query_release(&q);
  is_str(msg_of("cursor", "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"), "cursor is invalid: not base64url; start again from the first page",
         "query_set names the cursor");
  buf_release(&b);
}

static void test_urls(void) {
  is_str(url_of(""), "", "the empty query has an empty URL");
  is_str(url_of("status=open"), "status=open", "one filter");
  const char *full = "q=telecare%20OR%20alarm&status=open&status=awarded&cpv=48&cpv=722&region=TLD&region=TLE&"
                     "buyer=42&value_min=10000&value_max=50000.5&closing_within=30&closing_after=2025-03-01&"
                     "closing_before=2025-03-31&published_from=2025-01-01&published_to=2025-02-28&sme=true&"
                     "vcse=false&sort=closing&limit=50";
  is_str(url_of(full), full, "every parameter, canonical");
  is_str(url_of("limit=50&sort=closing&vcse=no&sme=1&published_to=2025-02-28&published_from=%202025-01-01%20&"
                "closing_before=2025-03-31&closing_after=2025-03-01&"
                "closing_within=30&value_max=50,000.50&value_min=%C2%A310000.00&buyer=042&region=tle,TLD&"
                "cpv=72200000-5&cpv=48000000&status=awarded,open&q=Telecare%20%20OR%20ALARM"),
         full, "the same query in another order and spelling gives the same URL");
  is_str(url_of("q=telecare&limit=20"), "q=telecare", "defaults are left out");
  is_str(url_of("q=telecare&sort=relevance"), "q=telecare&sort=relevance",
         "a sort asked for stays, even the default one (it turns open-first off)");
  is_str(url_of("q=telecare&sort=newest"), "q=telecare&sort=newest", "a non-default sort stays");
  is_str(url_of("q=caf%C3%A9%20%22digital%20care%22%20-x"), "q=caf%C3%A9%20%22digital%20care%22%20-x",
         "non-ASCII, quotes and dashes are encoded");
  is_str(url_of("q=OR%20OR"), "", "keywords without words leave no q");
  ok(round_trips(full), "round trip: every parameter");
  ok(round_trips("q=a%20b%20OR%20%22c%20d%22%20-e%20-%22f%20g%22%20caf%C3%A9%20%E6%97%A5"), "round trip: keywords");
  ok(round_trips("q=%22unterminated%20phrase&status=cancelled&status=planned"), "round trip: unterminated phrase");
  ok(round_trips("value_min=0.05&value_max=1000000000000"), "round trip: amounts at the edges");
  ok(round_trips("value_min=999999999999.99"), "round trip: the largest amount with pence");
  ok(round_trips("sme=false&closing_within=1&buyer=9223372036854775807"), "round trip: flags and ids");
  ok(round_trips("cpv=3019212&cpv=03&region=TLN&region=TLC"), "round trip: cpv and regions");
  is_str(url_of("subcontract=yes&sector=PRIVATE,public&q=x"), "q=x&sector=public&sector=private&subcontract=true",
         "sector and subcontract, canonical");
  ok(round_trips("sector=private&subcontract=0"), "round trip: sector and subcontract");
  {
    Buf b = BUF_INIT;
    double k = 2.0000000000000004;
    query_cursor_encode(QUERY_SORT_RELEVANCE, &k, "ocds-\xC3\xA9-1", &b, &err);
    char qs[600];
    snprintf(qs, sizeof qs, "q=x&cursor=%s", b.data);
    ok(round_trips(qs), "round trip: a cursor");
    is_str(url_of(qs), qs, "the cursor is written back as it came");

    Query q;
    parse_qs(&q, qs);
    buf_reset(&b);
    query_to_url_page(&q, "NEXT", &b);
    is_str(buf_cstr(&b), "q=x&cursor=NEXT", "page link with a new cursor");
    buf_reset(&b);
    query_to_url_page(&q, NULL, &b);
    is_str(buf_cstr(&b), "q=x", "page link back to the first page");
    buf_reset(&b);
    query_to_url_without(&q, NULL, NULL, &b);
    is_str(buf_cstr(&b), "q=x", "without nothing still drops the cursor");
    query_release(&q);
    buf_release(&b);
  }
  {
    Query q;
    Buf b = BUF_INIT;
    parse_qs(&q, "q=telecare%20-cleaning%20a%20OR%20b&status=open&status=closed&cpv=72&cpv=722&region=TLD&"
                 "limit=50&value_min=5&sme=yes");
    query_to_url_without(&q, "status", "open", &b);
    is_str(buf_cstr(&b), "q=telecare%20-cleaning%20a%20OR%20b&status=closed&cpv=72&cpv=722&region=TLD&value_min=5&sme=true&limit=50",
           "without one status");
    buf_reset(&b);
    query_to_url_without(&q, "status", NULL, &b);
    is_str(buf_cstr(&b), "q=telecare%20-cleaning%20a%20OR%20b&cpv=72&cpv=722&region=TLD&value_min=5&sme=true&limit=50",
           "without any status");
    buf_reset(&b);
    query_to_url_without(&q, "q", "-cleaning", &b);
    is_str(buf_cstr(&b), "q=telecare%20a%20OR%20b&status=open&status=closed&cpv=72&cpv=722&region=TLD&value_min=5&sme=true&limit=50",
           "without one exclusion");
    buf_reset(&b);
    query_to_url_without(&q, "q", "a OR b", &b);
    is_str(buf_cstr(&b), "q=telecare%20-cleaning&status=open&status=closed&cpv=72&cpv=722&region=TLD&value_min=5&sme=true&limit=50",
           "without one OR clause");
    buf_reset(&b);
    query_to_url_without(&q, "cpv", "722", &b);
    ok(strstr(buf_cstr(&b), "cpv=72&") && !strstr(buf_cstr(&b), "cpv=722"), "without one cpv prefix");
    buf_reset(&b);
    query_to_url_without(&q, "limit", NULL, &b);
    ok(!strstr(buf_cstr(&b), "limit"), "without limit");
    buf_reset(&b);
    query_to_url_without(&q, "sme", NULL, &b);
    ok(!strstr(buf_cstr(&b), "sme"), "without sme");
    buf_reset(&b);
    query_to_url_without(&q, "value_min", "5", &b);
    ok(!strstr(buf_cstr(&b), "value_min"), "without a once-only parameter, whatever the value");
    query_release(&q);

    parse_qs(&q, "q=telecare&status=open");
    buf_reset(&b);
    query_to_url_without(&q, "q", NULL, &b);
    is_str(buf_cstr(&b), "status=open", "without q: the default sort goes too");
    query_release(&q);
    parse_qs(&q, "q=telecare&sort=closing");
    buf_reset(&b);
    query_to_url_without(&q, "q", NULL, &b);
    is_str(buf_cstr(&b), "sort=closing", "without q: a chosen sort stays");
    query_release(&q);
    buf_release(&b);
  }
}

static void test_describe(void) {
  is_str(describe_of("q=telecare&status=open&region=TLD&closing_within=30"),
         "open notices matching \"telecare\" in North West, closing within 30 days", "the issue's example");
  is_str(describe_of(""), "notices", "the empty query");
  is_str(describe_of("status=open&sector=private&subcontract=true&q=x"),
         "open private sector notices matching \"x\", sub-contracting opportunities only", "a sector and sub-contracts");
  is_str(describe_of("sector=public,private&subcontract=false"), "notices, no sub-contracting opportunities",
         "both sectors are any; no sub-contracts");
  is_str(describe_of("sector=public"), "public sector notices", "public sector");
  is_str(describe_of("q=%22digital%20care%22%20alarm%20OR%20pendant%20-cleaning%20-catering&status=open&"
                     "status=awarded&cpv=72&cpv=48&value_min=10000&value_max=50000&buyer=7&sme=1&vcse=0"),
         "open or awarded notices matching \"digital care\" and (\"alarm\" or \"pendant\"), without \"cleaning\" or "
         "\"catering\", classified under CPV 48 or 72, from buyer 7, suitable for SMEs, not marked suitable for VCSEs, "
         "valued \xC2\xA3" "10,000 to \xC2\xA3" "50,000",
         "a long description");
  is_str(describe_of("q=%22digital%20care%22%20alarm%20OR%20pendant%20-cleaning&cpv=72&cpv=48&value_min=10000&"
                     "value_max=50000"),
         "notices matching \"digital care\" and (\"alarm\" or \"pendant\"), without \"cleaning\", classified under "
         "CPV 48 or 72, valued \xC2\xA3" "10,000 to \xC2\xA3" "50,000",
         "the header's example");
  is_str(describe_of("q=a%20OR%20b&value_min=1234567.5"),
         "notices matching \"a\" or \"b\", valued at least \xC2\xA3" "1,234,567.50", "one OR clause, a minimum");
  is_str(describe_of("value_max=999"), "notices, valued at most \xC2\xA3" "999", "a maximum");
  is_str(describe_of("closing_after=2025-03-01&closing_before=2025-03-31"),
         "notices, closing between 1 March 2025 and 31 March 2025", "a date range");
  is_str(describe_of("closing_before=2025-12-05&closing_within=1"),
         "notices, closing within 1 day and on or before 5 December 2025", "within and before");
  is_str(describe_of("closing_after=2025-01-09"), "notices, closing on or after 9 January 2025", "after only");
  is_str(describe_of("published_from=2025-03-01&published_to=2025-03-31"),
         "notices, published between 1 March 2025 and 31 March 2025", "a published range");
  is_str(describe_of("published_to=2025-03-31"), "notices, published on or before 31 March 2025", "published to only");
  is_str(describe_of("q=-x&region=TLE&region=TLC"), "notices in North East or Yorkshire and The Humber, without \"x\"",
         "exclusions and regions");
}

int main(void) {
  test_keywords();
  test_fts();
  test_params();
  test_finish();
  test_cursor();
  test_urls();
  test_describe();
  buf_release(&structure_buf);
  return done_testing();
}

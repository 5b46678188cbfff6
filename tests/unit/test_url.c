/* test_url.c -- percent-encoding, decoding and the query-string parser. */
#include "base/url.h"

#include <string.h>

#include "../tap.h"

static const char *enc(const char *s, size_t n) {
  static Buf b = BUF_INIT;
  buf_reset(&b);
  url_encode(&b, s, n);
  return buf_cstr(&b);
}
#define ENC(lit) enc(lit, sizeof(lit) - 1)

/* Decodes s; returns the result, or "ERR <code>: <message>". */
static const char *dec(const char *s, size_t n, int flags) {
  static Buf b = BUF_INIT;
  static char msg[600];
  Err err = ERR_INIT;
  buf_reset(&b);
  if (url_decode(&b, s, n, flags, &err) == 0) return buf_cstr(&b);
  snprintf(msg, sizeof msg, "ERR %d: %s", err.code, err.msg);
  return msg;
}
#define DEC(lit, flags) dec(lit, sizeof(lit) - 1, flags)

static int starts(const char *s, const char *prefix) { return strncmp(s, prefix, strlen(prefix)) == 0; }

static void test_encode(void) {
  is_str(ENC("AZaz09-._~"), "AZaz09-._~", "unreserved characters are kept");
  is_str(ENC("a b/c?d&e=f+g#h%i"), "a%20b%2Fc%3Fd%26e%3Df%2Bg%23h%25i",
         "space / ? & = + # %% are encoded (path segment and query value safe)");
  is_str(ENC("<script>\"'`"), "%3Cscript%3E%22%27%60", "HTML specials are encoded");
  is_str(ENC("caf\xC3\xA9"), "caf%C3%A9", "UTF-8 bytes are encoded, upper-case hex");
  is_str(ENC("a\0b"), "a%00b", "a NUL inside the length is encoded");
  is_str(ENC("\xff\x01\x7f"), "%FF%01%7F", "control and high bytes are encoded");
  is_str(ENC(""), "", "empty input gives empty output");
  Buf b = BUF_INIT;
  buf_adds(&b, "/notices/");
  url_encode(&b, "../x", 4);
  is_str(buf_cstr(&b), "/notices/..%2Fx", "url_encode appends; '/' cannot start a new segment");
  buf_release(&b);
}

static void test_decode(void) {
  is_str(DEC("a%20b", 0), "a b", "%%20 decodes to space");
  is_str(DEC("a+b", URL_PLUS_SPACE), "a b", "'+' is space with URL_PLUS_SPACE");
  is_str(DEC("a+b", 0), "a+b", "'+' is kept without URL_PLUS_SPACE");
  is_str(DEC("%2B", URL_PLUS_SPACE), "+", "%%2B is a literal '+'");
  is_str(DEC("caf%c3%a9", 0), "caf\xC3\xA9", "lower-case hex is accepted");
  is_str(DEC("", 0), "", "empty input decodes to empty");
  is_str(DEC("\xC3\xA9", 0), "\xC3\xA9", "raw valid UTF-8 passes through");

  const char *r;
  r = DEC("ab%", 0);
  ok(starts(r, "ERR -6:") && strstr(r, "byte 2"), "lone '%%' at the end is an ERR_USAGE at its byte: %s", r);
  r = DEC("%4", 0);
  ok(starts(r, "ERR -6:") && strstr(r, "two hex digits"), "'%%4' (one digit) is refused: %s", r);
  r = DEC("x%G1", 0);
  ok(starts(r, "ERR -6:") && strstr(r, "byte 1"), "'%%G1' is refused at byte 1: %s", r);
  r = DEC("%4G", 0);
  ok(starts(r, "ERR -6:"), "'%%4G' is refused: %s", r);
  r = DEC("a%00b", 0);
  ok(starts(r, "ERR -6:") && strstr(r, "%00") && strstr(r, "byte 1"), "%%00 is refused, naming it: %s", r);
  r = DEC("a\0b", 0);
  ok(starts(r, "ERR -6:") && strstr(r, "NUL"), "a raw NUL byte is refused: %s", r);
  r = DEC("ab%FF", 0);
  ok(starts(r, "ERR -8:") && strstr(r, "byte 2"), "%%FF is invalid UTF-8, at the escape's byte: %s", r);
  r = DEC("%41+%42%FF", URL_PLUS_SPACE);
  ok(starts(r, "ERR -8:") && strstr(r, "byte 7"), "UTF-8 error offsets count raw bytes, not decoded ones: %s", r);
  r = DEC("%C3", 0);
  ok(starts(r, "ERR -8:"), "a truncated sequence is ERR_UTF8: %s", r);
  r = DEC("%C3%28", 0);
  ok(starts(r, "ERR -8:"), "a bad continuation byte is ERR_UTF8: %s", r);
  r = DEC("%C0%AF", 0);
  ok(starts(r, "ERR -8:"), "an overlong '/' (%%C0%%AF) is ERR_UTF8: %s", r);
  r = DEC("%ED%A0%80", 0);
  ok(starts(r, "ERR -8:"), "a UTF-16 surrogate is ERR_UTF8: %s", r);
  r = DEC("ok\xff", 0);
  ok(starts(r, "ERR -8:") && strstr(r, "byte 2"), "a raw invalid byte is ERR_UTF8: %s", r);

  Buf b = BUF_INIT;
  Err err = ERR_INIT;
  buf_adds(&b, "keep");
  int rc = url_decode(&b, "x%zz", 4, 0, &err);
  is_int(rc, ERR_USAGE, "url_decode returns the error code");
  is_str(buf_cstr(&b), "keep", "on error the output buffer is left as it was");
  is_int(b.len, 4, "on error the output length is restored");
  rc = url_decode(&b, "%FF", 3, 0, &err);
  is_str(buf_cstr(&b), "keep", "also after a UTF-8 error (bytes were already decoded)");
  is_int(url_decode(&b, "%FF", 3, 0, NULL), ERR_UTF8, "err may be NULL; the code is still right");
  is_int(url_decode(&b, "%", 1, 0, NULL), ERR_USAGE, "err NULL, bad escape: ERR_USAGE");
  rc = url_decode(&b, "+%21", 4, URL_PLUS_SPACE, &err);
  is_str(buf_cstr(&b), "keep !", "url_decode appends to what out holds");
  buf_release(&b);

  /* Round trip of hostile strings. */
  const char *samples[] = {"<script>alert(1)</script>", "\" onmouseover=\"x", "a+b c&d=e",
                           "javascript:alert('x')", "caf\xC3\xA9 \xF0\x9F\x98\x80", "%00", "100%"};
  for (size_t i = 0; i < sizeof samples / sizeof *samples; i++) {
    Buf e = BUF_INIT, d = BUF_INIT;
    url_encode(&e, samples[i], strlen(samples[i]));
    int rc2 = url_decode(&d, e.data, e.len, URL_PLUS_SPACE, NULL);
    ok(rc2 == 0 && !strcmp(buf_cstr(&d), samples[i]), "decode(encode(x)) == x for '%s'", samples[i]);
    buf_release(&e);
    buf_release(&d);
  }
}

/* ---- query strings ---- */

typedef struct {
  Buf seen; /* "name|value;" per call */
  int calls, stop_after, stop_rc;
} Seen;

static int collect(void *ctx, const char *name, const char *value, Err *err) {
  Seen *s = ctx;
  s->calls++;
  buf_addf(&s->seen, "%s|%s;", name, value);
  if (s->stop_after && s->calls == s->stop_after) return s->stop_rc;
  return 0;
}

static int rc_;
static char msg_[600];

/* Parses qs with the given limits; returns what the callback saw. */
static const char *parse(const char *qs, size_t n, size_t max_pairs, size_t max_len) {
  static Seen s;
  buf_release(&s.seen);
  s.calls = s.stop_after = s.stop_rc = 0;
  Err err = ERR_INIT;
  rc_ = url_query_parse(qs, n, max_pairs, max_len, collect, &s, &err);
  snprintf(msg_, sizeof msg_, "%s", err.msg);
  return buf_cstr(&s.seen);
}
#define PARSE(lit) parse(lit, sizeof(lit) - 1, URL_QUERY_MAX_PAIRS, URL_QUERY_MAX_LEN)

static void test_query(void) {
  is_str(PARSE(""), "", "empty query: no pairs");
  is_int(rc_, 0, "empty query: ok");
  is_str(parse(NULL, 0, 4, 100), "", "NULL with length 0: no pairs");
  is_int(rc_, 0, "NULL with length 0: ok");
  is_str(PARSE("a=1&b=2"), "a|1;b|2;", "two pairs, in order");
  is_str(PARSE("a=&=b"), "a|;", "'a=' is a with value \"\"; '=b' (empty name) is ignored");
  is_int(rc_, 0, "'a=&=b' is not an error");
  is_str(PARSE("flag"), "flag|;", "a name without '=' has value \"\"");
  is_str(PARSE("a=1&a=2&a=3"), "a|1;a|2;a|3;", "repeated names are each delivered");
  is_str(PARSE("&&a=1&&"), "a|1;", "empty pieces are ignored");
  is_str(PARSE("q=road+works%21"), "q|road works!;", "'+' is space and escapes decode in values");
  is_str(PARSE("my+name=x"), "my name|x;", "names are decoded too");
  is_str(PARSE("a=b=c"), "a|b=c;", "only the first '=' separates");
  is_str(PARSE("%3D=%26"), "=|&;", "encoded '=' and '&' are data, not syntax");
  is_str(PARSE("q=%3Cscript%3E"), "q|<script>;", "decoded values are raw text (escape on output)");
  is_str(PARSE("a;b=1"), "a;b|1;", "';' is not a separator");
  is_str(PARSE("=&="), "", "only empty names: no pairs");

  /* limits */
  is_str(parse("a=1&b=2&c=3", 11, 2, 100), "", "over max_pairs: no callback runs");
  ok(rc_ == ERR_LIMIT && strstr(msg_, "3 parameters") && strstr(msg_, "limit is 2"),
     "over max_pairs is ERR_LIMIT naming count and limit: %s", msg_);
  is_str(parse("a=1&b=2&c=3", 11, 3, 100), "a|1;b|2;c|3;", "exactly max_pairs is accepted");
  is_str(parse("a=1&&b=2&", 9, 2, 100), "a|1;b|2;", "empty pieces do not count towards max_pairs");
  is_str(parse("a=1&b=2", 7, 0, 100), "", "max_pairs 0 refuses any pair");
  is_int(rc_, ERR_LIMIT, "max_pairs 0: ERR_LIMIT");
  is_str(parse("a=12345", 7, 4, 6), "", "over max_len: no callback runs");
  ok(rc_ == ERR_LIMIT && strstr(msg_, "7 bytes") && strstr(msg_, "limit is 6"),
     "over max_len is ERR_LIMIT naming length and limit: %s", msg_);
  is_str(parse("a=12345", 7, 4, 7), "a|12345;", "exactly max_len is accepted");

  /* malformed pairs refuse the whole query, before any callback */
  is_str(PARSE("a=1&b=%zz"), "", "a bad escape in pair 2: pair 1 is not delivered either");
  ok(rc_ == ERR_USAGE && strstr(msg_, "parameter 2 ('b')") && strstr(msg_, "value") &&
         strstr(msg_, "byte 6"),
     "bad escape: names the parameter, the part, and the byte in the query: %s", msg_);
  is_str(PARSE("a=1&x%00y=2"), "", "%%00 in a name refuses the query");
  ok(rc_ == ERR_USAGE && strstr(msg_, "name") && strstr(msg_, "%00") && strstr(msg_, "byte 5"),
     "%%00 in a name: ERR_USAGE, says name and byte: %s", msg_);
  is_str(PARSE("q=%FF"), "", "invalid UTF-8 refuses the query");
  ok(rc_ == ERR_UTF8 && strstr(msg_, "('q')"), "invalid UTF-8: ERR_UTF8 naming q: %s", msg_);
  is_str(PARSE("q=%C0%AF"), "", "overlong UTF-8 refuses the query");
  is_str(parse("a=1\0&b=2", 8, 4, 100), "", "a raw NUL refuses the query");
  is_int(rc_, ERR_USAGE, "a raw NUL: ERR_USAGE");
  is_str(PARSE("%3Cscript%3E=%zz"), "", "hostile name with a bad value is refused");
  ok(rc_ == ERR_USAGE && !strstr(msg_, "script") && !strstr(msg_, "%3C"),
     "a name that is not a plain identifier is not echoed in the message: %s", msg_);
  is_str(PARSE("q=%"), "", "a trailing '%%' refuses the query");
  is_int(rc_, ERR_USAGE, "trailing '%%': ERR_USAGE");

  /* the callback can stop the parse */
  static Seen s;
  s.stop_after = 1, s.stop_rc = 7;
  int rc = url_query_parse("a=1&b=2", 7, 4, 100, collect, &s, NULL);
  is_int(rc, 7, "a callback's non-zero result is returned");
  is_int(s.calls, 1, "and no further callback runs");
  buf_release(&s.seen);
}

static void test_query_add(void) {
  Buf b = BUF_INIT;
  buf_adds(&b, "/search?");
  url_query_add(&b, "q", "a&b=c");
  url_query_add(&b, "page", "2");
  is_str(buf_cstr(&b), "/search?q=a%26b%3Dc&page=2", "pairs after '?' are joined with '&'");
  buf_reset(&b);
  url_query_add(&b, "q", NULL);
  is_str(buf_cstr(&b), "q=", "into an empty buffer, no separator; NULL value is empty");
  buf_addc(&b, '&');
  url_query_add(&b, "x y", "\"><script>alert(1)</script>");
  is_str(buf_cstr(&b), "q=&x%20y=%22%3E%3Cscript%3Ealert%281%29%3C%2Fscript%3E",
         "after '&' no second '&'; names and values are encoded");

  /* round trip through the parser */
  buf_reset(&b);
  const char *vals[] = {"a+b", "x&y=z", "caf\xC3\xA9", "", "50%"};
  for (size_t i = 0; i < 5; i++) url_query_add(&b, "k", vals[i]);
  const char *got = parse(b.data, b.len, 10, 1000);
  is_str(got, "k|a+b;k|x&y=z;k|caf\xC3\xA9;k|;k|50%;", "url_query_parse reads back what url_query_add wrote");
  buf_release(&b);
}

int main(void) {
  test_encode();
  test_decode();
  test_query();
  test_query_add();
  return done_testing();
}

/* test_form.c -- form bodies (form_parse, form_get, form_count), Cookie
 * headers (cookie_get) and Set-Cookie values (cookie_format). */
#include "web/form.h"

#include <string.h>

#include "../tap.h"

/* Parses body and renders the fields as "name=value|name=value", or
 * "ERR: why". */
static const char *parse(const char *body, size_t len) {
  static char out[8192];
  FormField *f = (FormField *)1;
  size_t n = 99;
  const char *why = NULL;
  if (form_parse(body, len, &f, &n, &why) != 0) {
    snprintf(out, sizeof out, "ERR: %s%s", why ? why : "(no reason)", f == NULL && n == 0 ? "" : " (outputs not reset)");
    return out;
  }
  size_t o = 0;
  out[0] = 0;
  for (size_t i = 0; i < n && o < sizeof out; i++)
    o += (size_t)snprintf(out + o, sizeof out - o, "%s%s=%s", i ? "|" : "", f[i].name, f[i].value);
  if (n == 0 && f != NULL) snprintf(out, sizeof out, "no fields but a block");
  free(f);
  return out;
}
#define PARSE(lit) parse(lit, sizeof(lit) - 1)

static void test_parse(void) {
  is_str(PARSE("a=1&b=2"), "a=1|b=2", "two fields in order");
  is_str(PARSE("email=jo%40example.com&name=Jo+Bloggs"), "email=jo@example.com|name=Jo Bloggs", "%%XX and '+'");
  is_str(PARSE("a=1+%2B+2"), "a=1 + 2", "'+' is a space, %%2B a plus");
  is_str(PARSE("a+b=c"), "a b=c", "'+' in a name is a space too");
  is_str(PARSE("a=1&&b=2&"), "a=1|b=2", "empty parts are skipped");
  is_str(PARSE("&&&"), "", "only separators: no fields");
  is_str(PARSE(""), "", "an empty body: no fields");
  is_str(parse(NULL, 0), "", "a NULL body: no fields");
  is_str(PARSE("flag&b=2"), "flag=|b=2", "a part without '=' has the value \"\"");
  is_str(PARSE("a=&b="), "a=|b=", "empty values");
  is_str(PARSE("=x&a=1"), "a=1", "a part with an empty name is skipped");
  is_str(PARSE("a=b=c"), "a=b=c", "the first '=' splits; the value keeps the rest");
  is_str(PARSE("t=a&t=b&t=c"), "t=a|t=b|t=c", "repeated names are kept in order");
  is_str(PARSE("n=caf%C3%A9"), "n=caf\xC3\xA9", "a two-byte character in %%-escapes");
  is_str(PARSE("n=%E2%82%AC%F0%9F%98%80"), "n=\xE2\x82\xAC\xF0\x9F\x98\x80", "three- and four-byte characters");
  is_str(PARSE("n=caf\xC3\xA9"), "n=caf\xC3\xA9", "raw UTF-8 is accepted");
  is_str(PARSE("n=%e2%82%ac"), "n=\xE2\x82\xAC", "lower-case hex");

  is_str(PARSE("a=%"), "ERR: a bad %-escape", "a lone '%%'");
  is_str(PARSE("a=%4"), "ERR: a bad %-escape", "'%%' and one hex digit");
  is_str(PARSE("a=%zz"), "ERR: a bad %-escape", "'%%' and non-hex");
  is_str(PARSE("a%G1=1"), "ERR: a bad %-escape", "a bad escape in a name");
  is_str(PARSE("a=%00"), "ERR: a NUL byte", "%%00 is refused");
  is_str(PARSE("a%00=1"), "ERR: a NUL byte", "%%00 in a name");
  is_str(PARSE("a=x\0y"), "ERR: a NUL byte", "a raw NUL byte");
  is_str(PARSE("a=%C3"), "ERR: not UTF-8", "a truncated sequence");
  is_str(PARSE("a=%C0%AF"), "ERR: not UTF-8", "an overlong '/' (C0 AF)");
  is_str(PARSE("a=%E0%80%AF"), "ERR: not UTF-8", "an overlong three-byte form");
  is_str(PARSE("a=%ED%A0%80"), "ERR: not UTF-8", "a UTF-16 surrogate");
  is_str(PARSE("a=%F4%90%80%80"), "ERR: not UTF-8", "above U+10FFFF");
  is_str(PARSE("a=%FF"), "ERR: not UTF-8", "0xFF");
  is_str(PARSE("a=\xC3"), "ERR: not UTF-8", "raw invalid UTF-8");
  is_str(PARSE("a=%80"), "ERR: not UTF-8", "a stray continuation byte");
  is_str(PARSE("a=1&b=%ZZ&c=3"), "ERR: a bad %-escape", "one bad part refuses the whole body");

  /* 64 fields, 65 fields */
  char body[2048];
  size_t o = 0;
  for (int i = 0; i < 64; i++) o += (size_t)snprintf(body + o, sizeof body - o, "%sf%d=%d", i ? "&" : "", i, i);
  FormField *f = NULL;
  size_t n = 0;
  const char *why = NULL;
  is_int(form_parse(body, o, &f, &n, &why), 0, "64 fields are accepted");
  is_int(n, 64, "all 64 are returned");
  is_str(n == 64 ? f[63].name : NULL, "f63", "the last field's name");
  is_str(n == 64 ? f[63].value : NULL, "63", "the last field's value");
  free(f);
  size_t o64 = o;
  o += (size_t)snprintf(body + o, sizeof body - o, "&x=1");
  is_str(parse(body, o), "ERR: more than 64 fields", "65 fields are refused");
  o = o64 + (size_t)snprintf(body + o64, sizeof body - o64, "&&&&");
  is_int(form_parse(body, o, &f, &n, &why), 0, "64 fields and empty parts are accepted (empties do not count)");
  free(f);

  /* the block: one free() releases everything; strings are C strings */
  is_int(form_parse("a=1&b=two&c", 11, &f, &n, &why), 0, "parse for the lookups");
  is_str(form_get(f, n, "b"), "two", "form_get finds a value");
  is_str(form_get(f, n, "c"), "", "form_get of a field without '='");
  ok(form_get(f, n, "d") == NULL, "form_get of a missing name is NULL");
  ok(form_get(f, n, "B") == NULL, "names are case-sensitive");
  is_int(form_count(f, n, "a"), 1, "form_count of a single field");
  is_int(form_count(f, n, "zz"), 0, "form_count of a missing field");
  free(f);
  is_int(form_parse("t=1&u=0&t=2&t=3", 15, &f, &n, &why), 0, "parse with repeats");
  is_int(form_count(f, n, "t"), 3, "form_count counts repeats");
  is_str(form_get(f, n, "t"), "1", "form_get gives the first");
  free(f);
  ok(form_get(NULL, 0, "a") == NULL && form_count(NULL, 0, "a") == 0, "no fields: NULL and 0");
}

/* cookie_get as a string: the value, "(none)" or "(bad)" */
static const char *ck(const char *header, const char *name, size_t cap) {
  static char out[256];
  int rc = cookie_get(header, name, out, cap);
  return rc == 1 ? out : rc == 0 ? "(none)" : "(bad)";
}

static void test_cookie_get(void) {
  is_str(ck("sid=abc", "sid", 64), "abc", "a single cookie");
  is_str(ck("a=1; sid=abc; b=2", "sid", 64), "abc", "among several pairs");
  is_str(ck("a=1;sid=abc;b=2", "sid", 64), "abc", "without spaces");
  is_str(ck("  a=1 ;  sid = abc ;b=2  ", "sid", 64), "abc", "extra spaces around ';' and '='");
  is_str(ck("xsid=evil; sid=good", "sid", 64), "good", "\"xsid\" is not \"sid\"");
  is_str(ck("sidx=evil; sid=good", "sid", 64), "good", "\"sidx\" is not \"sid\"");
  is_str(ck("xsid=evil", "sid", 64), "(none)", "only a longer name: not found");
  is_str(ck("SID=upper", "sid", 64), "(none)", "names are case-sensitive");
  is_str(ck("sid=first; sid=second", "sid", 64), "first", "the first of two");
  is_str(ck("sid=\"quoted\"", "sid", 64), "quoted", "quotes are removed");
  is_str(ck("sid=\"\"", "sid", 64), "", "an empty quoted value");
  is_str(ck("sid=", "sid", 64), "", "an empty value");
  is_str(ck("sid=\"half", "sid", 64), "(bad)", "one quote: not a cookie-octet");
  is_str(ck("sid=a b", "sid", 64), "(bad)", "a space inside the value");
  is_str(ck("sid=a,b", "sid", 64), "(bad)", "a comma inside the value");
  is_str(ck("sid=a\\b", "sid", 64), "(bad)", "a backslash inside the value");
  is_str(ck("sid=caf\xC3\xA9", "sid", 64), "(bad)", "non-ASCII inside the value");
  is_str(ck("sid=a=b", "sid", 64), "a=b", "'=' is a cookie-octet");
  is_str(ck("junk; sid=abc", "sid", 64), "abc", "a pair without '=' is skipped");
  is_str(ck("=x; sid=abc", "sid", 64), "abc", "a pair with an empty name is skipped");
  is_str(ck(";;; sid=abc;", "sid", 64), "abc", "empty pairs are skipped");
  is_str(ck("a=1 b=2; sid=abc", "sid", 64), "abc", "a malformed pair is skipped");
  is_str(ck("", "sid", 64), "(none)", "an empty header");
  is_str(ck(NULL, "sid", 64), "(none)", "no header");
  is_str(ck("sid=abc", "", 64), "(none)", "an empty name is never found");
  is_str(ck("sid=abcdefgh", "sid", 9), "abcdefgh", "a value of exactly cap - 1");
  is_str(ck("sid=abcdefghi", "sid", 9), "(bad)", "a value longer than cap - 1");
  is_str(ck("sid=\"abcdefgh\"", "sid", 9), "abcdefgh", "quotes do not count towards cap");
  char out[4] = "xyz";
  is_int(cookie_get("sid=toolong", "sid", out, sizeof out), -1, "too long: -1");
  is_str(out, "", "too long: out is emptied");
}

static const char *fmt(const char *name, const char *value, long max_age, int secure) {
  static Buf b = BUF_INIT;
  buf_reset(&b);
  buf_adds(&b, "[");
  if (cookie_format(&b, name, value, max_age, secure) != 0) {
    if (b.len != 1) return "changed on refusal";
    return "(refused)";
  }
  return buf_cstr(&b) + 1;
}

static void test_cookie_format(void) {
  is_str(fmt("sid", "abc", -1, 0), "sid=abc; Path=/; HttpOnly; SameSite=Lax", "a session cookie");
  is_str(fmt("sid", "abc", 3600, 1), "sid=abc; Path=/; Max-Age=3600; HttpOnly; SameSite=Lax; Secure",
         "Max-Age and Secure");
  is_str(fmt("sid", "", 0, 0), "sid=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax", "delete: Max-Age=0");
  is_str(fmt("__Host-sid", "A-z_09", -1, 1), "__Host-sid=A-z_09; Path=/; HttpOnly; SameSite=Lax; Secure",
         "a prefixed name");
  is_str(fmt("s id", "abc", -1, 0), "(refused)", "a name with a space");
  is_str(fmt("s=id", "abc", -1, 0), "(refused)", "a name with '='");
  is_str(fmt("s;id", "abc", -1, 0), "(refused)", "a name with ';'");
  is_str(fmt("", "abc", -1, 0), "(refused)", "an empty name");
  is_str(fmt(NULL, "abc", -1, 0), "(refused)", "a NULL name");
  is_str(fmt("sid", "a;b", -1, 0), "(refused)", "a value with ';' (would add an attribute)");
  is_str(fmt("sid", "a b", -1, 0), "(refused)", "a value with a space");
  is_str(fmt("sid", "a\r\nSet-Cookie: x=1", -1, 0), "(refused)", "a value with CR LF (header injection)");
  is_str(fmt("sid", "\"q\"", -1, 0), "(refused)", "a value with quotes");
  is_str(fmt("sid", NULL, -1, 0), "(refused)", "a NULL value");

  /* what cookie_format writes, a browser sends back as name=value */
  Buf b = BUF_INIT;
  char out[64];
  cookie_format(&b, "sid", "tok-EN_1", 60, 1);
  ok(cookie_get(buf_cstr(&b), "sid", out, sizeof out) == 1 && strcmp(out, "tok-EN_1") == 0,
     "a formatted cookie reads back");
  buf_release(&b);
}

int main(void) {
  test_parse();
  test_cookie_get();
  test_cookie_format();
  return done_testing();
}

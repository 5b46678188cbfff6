/* fuzz_form.c -- libFuzzer target for what browsers send back
 * (src/web/form.c): form bodies, Cookie headers, and the Set-Cookie values
 * written from what was read.
 *
 * The whole input is a form body. Checked for each run:
 *  - form_parse either refuses it (a reason among form.h's four, no block, no
 *    count) or returns at most 64 fields whose names are non-empty and whose
 *    names and values are valid UTF-8 without NUL, each inside the one block;
 *  - parsing is deterministic: the same input gives the same fields;
 *  - each field percent-encoded again (url_query_add) and the result parsed
 *    gives the same fields back, in order.
 *
 * The input is also a cookie name and a Cookie header: the bytes before the
 * first '\n' are the name (or "sid" without a '\n'), the rest up to a NUL
 * the header. Checked: a value cookie_get finds fits cap, holds only
 * cookie-octets, is found again with cap just big enough and refused with one
 * byte less; and when the name is a token, cookie_format writes it without
 * error and cookie_get reads the same value back from what it wrote. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/url.h"
#include "base/utf8.h"
#include "web/form.h"

#define FUZZ_TARGET "fuzz_form"
#include "check.h"

static int same_fields(const FormField *a, size_t na, const FormField *b, size_t nb) {
  if (na != nb) return 0;
  for (size_t i = 0; i < na; i++)
    if (strcmp(a[i].name, b[i].name) != 0 || strcmp(a[i].value, b[i].value) != 0) return 0;
  return 1;
}

static int valid_text(const char *s) {
  size_t bad;
  return utf8_check(s, strlen(s), &bad) == 0;
}

static void check_form(const char *body, size_t size) {
  FormField *f = (FormField *)1;
  size_t n = 99;
  const char *why = NULL;
  if (form_parse(body, size, &f, &n, &why) != 0) {
    CHECK(f == NULL && n == 0, "a refused body left outputs set");
    CHECK(why && (!strcmp(why, "a bad %-escape") || !strcmp(why, "more than 64 fields") ||
                  !strcmp(why, "not UTF-8") || !strcmp(why, "a NUL byte")),
          "unknown reason '%s'", why ? why : "(null)");
    return;
  }
  CHECK(n <= FORM_MAX_FIELDS, "%zu fields", n);
  CHECK((n == 0) == (f == NULL), "n %zu with block %p", n, (void *)f);
  for (size_t i = 0; i < n; i++) {
    CHECK(f[i].name[0] != 0, "field %zu has an empty name", i);
    CHECK(valid_text(f[i].name) && valid_text(f[i].value), "field %zu is not valid UTF-8", i);
    /* NUL-free: strlen is the decoded length; nothing else to check in a C string */
  }

  FormField *g = NULL;
  size_t m = 0;
  CHECK(form_parse(body, size, &g, &m, &why) == 0 && same_fields(f, n, g, m), "a second parse differs");
  free(g);

  Buf again = BUF_INIT;
  for (size_t i = 0; i < n; i++) url_query_add(&again, f[i].name, f[i].value);
  g = NULL;
  m = 0;
  CHECK(form_parse(again.data, again.len, &g, &m, &why) == 0, "re-encoded fields refused: %s", why);
  CHECK(same_fields(f, n, g, m), "re-encoded fields parse differently");
  CHECK(form_get(g, m, n ? f[0].name : "x") == (n ? g[0].value : NULL), "form_get is not the first");
  free(g);
  buf_release(&again);
  free(f);
}

static int cookie_octet(unsigned char c) {
  return c >= 0x21 && c <= 0x7E && c != '"' && c != ',' && c != ';' && c != '\\';
}

static int token(const char *s) {
  if (!*s) return 0;
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
          strchr("!#$%&'*+-.^_`|~", c)))
      return 0;
  }
  return 1;
}

static void check_cookie(const char *data, size_t size) {
  const char *nl = memchr(data, '\n', size);
  char *name = nl ? xstrndup(data, (size_t)(nl - data)) : xstrdup("sid");
  char *header = nl ? xstrndup(nl + 1, size - (size_t)(nl - data) - 1) : xstrndup(data, size);
  char out[4096];
  int rc = cookie_get(header, name, out, sizeof out);
  CHECK(rc >= -1 && rc <= 1, "rc %d", rc);
  if (rc == 1) {
    size_t len = strlen(out);
    CHECK(len < sizeof out, "value longer than cap");
    for (size_t i = 0; i < len; i++) CHECK(cookie_octet((unsigned char)out[i]), "byte %zu of the value", i);
    char *exact = xmalloc(len + 1);
    CHECK(cookie_get(header, name, exact, len + 1) == 1 && strcmp(exact, out) == 0, "cap = len + 1 fails");
    if (len > 0) CHECK(cookie_get(header, name, exact, len) == -1, "cap = len accepted");
    free(exact);
    if (token(name)) {
      Buf set = BUF_INIT;
      CHECK(cookie_format(&set, name, out, 3600, 1) == 0, "a value read does not format");
      char back[4096];
      CHECK(cookie_get(buf_cstr(&set), name, back, sizeof back) == 1 && strcmp(back, out) == 0,
            "the formatted cookie reads back differently: %s", buf_cstr(&set));
      buf_release(&set);
    }
  } else if (rc == 0) {
    CHECK(cookie_get(header, name, out, sizeof out) == 0, "not deterministic");
  }
  free(header);
  free(name);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 65536) return 0;
  check_form((const char *)data, size);
  check_cookie((const char *)data, size);
  return 0;
}

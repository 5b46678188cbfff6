/* fuzz_query_string.c -- libFuzzer target for the query-string parser and
 * percent-decoding (src/base/url.c), and for the HTML writer on what they
 * produce (src/web/html.c).
 *
 * The input is the query string. Checked for each run:
 *  - url_query_parse agrees with a slow reference parser written here from
 *    url.h's rules: the same pairs, or the same kind of error (ERR_USAGE for
 *    a bad escape or a NUL, ERR_UTF8 for invalid UTF-8, the first failing
 *    name or value deciding), with a message, and then no callback at all;
 *  - limits: max_len = n and max_pairs = the number of non-empty pieces
 *    change nothing; one less of either is ERR_LIMIT with no callback;
 *  - every name is non-empty; names and values are valid UTF-8;
 *  - the pairs written back with url_query_add parse to the same pairs;
 *    url_encode writes only unreserved characters and %XX, and decoding it
 *    gives the input back;
 *  - url_decode of the whole input leaves the buffer untouched on error;
 *  - html_escape, html_attr_url and html_snippet of every name and value give
 *    inert text: no < > " ', only the five entities, valid UTF-8, no control
 *    characters but tab, LF and CR (html_snippet: once its <mark>s are gone);
 *    html_attr_url gives "#", a path from the root, or an http(s) URL.
 * Build: see the Makefile's fuzz target, or
 *   clang -fsanitize=fuzzer,address,undefined -Isrc -include src/base/banned.h
 *     tests/fuzz/fuzz_query_string.c src/base/url.c src/web/html.c
 *     src/base/utf8.c src/base/buf.c src/base/err.c -lm */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/url.h"
#include "base/utf8.h"
#include "web/html.h"

#define CHECK(cond, ...)                                                   \
  do {                                                                     \
    if (!(cond)) {                                                         \
      fprintf(stderr, "fuzz_query_string: check failed: %s: ", #cond);     \
      fprintf(stderr, __VA_ARGS__);                                        \
      fputc('\n', stderr);                                                 \
      abort();                                                             \
    }                                                                      \
  } while (0)

/* ---- reference parser ---- */

static int hexv(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Decodes s[0..n) onto out; 0, ERR_USAGE or ERR_UTF8. */
static int ref_decode(Buf *out, const unsigned char *s, size_t n) {
  size_t start = out->len;
  for (size_t i = 0; i < n; i++) {
    int c = s[i];
    if (c == 0) return ERR_USAGE;
    if (c == '+') c = ' ';
    else if (c == '%') {
      if (n - i < 3) return ERR_USAGE;
      int h = hexv(s[i + 1]), l = hexv(s[i + 2]);
      if (h < 0 || l < 0) return ERR_USAGE;
      c = h * 16 + l;
      if (c == 0) return ERR_USAGE;
      i += 2;
    }
    buf_addc(out, (char)c);
  }
  size_t bad;
  return utf8_check(out->data ? out->data + start : "", out->len - start, &bad) ? ERR_UTF8 : 0;
}

/* "name\0value\0..." in ref, and the number of non-empty pieces. */
static int ref_parse(const unsigned char *q, size_t n, Buf *ref, size_t *pieces) {
  *pieces = 0;
  int rc = 0;
  size_t i = 0;
  while (i <= n) {
    size_t j = i;
    while (j < n && q[j] != '&') j++;
    if (j > i) {
      ++*pieces;
      size_t e = i;
      while (e < j && q[e] != '=') e++;
      if (!rc) {
        size_t mark = ref->len;
        rc = ref_decode(ref, q + i, e - i);
        if (!rc && ref->len > mark) { /* an empty name drops the piece, value unread */
          buf_addc(ref, 0);
          rc = ref_decode(ref, q + (e < j ? e + 1 : j), j - (e < j ? e + 1 : j));
          if (!rc) buf_addc(ref, 0);
        }
      }
    }
    i = j + 1;
  }
  return rc;
}

/* ---- what the parser delivers ---- */

typedef struct {
  Buf got; /* "name\0value\0..." */
  size_t calls, stop_at;
} Got;

static int collect(void *ctx, const char *name, const char *value, Err *err) {
  Got *g = ctx;
  g->calls++;
  CHECK(name[0] != 0, "empty name delivered");
  size_t bad;
  CHECK(utf8_check(name, strlen(name), &bad) == 0, "name not UTF-8");
  CHECK(utf8_check(value, strlen(value), &bad) == 0, "value not UTF-8");
  buf_add(&g->got, name, strlen(name) + 1);
  buf_add(&g->got, value, strlen(value) + 1);
  if (g->stop_at && g->calls == g->stop_at) return 42;
  return 0;
}

static int run(const char *q, size_t n, size_t max_pairs, size_t max_len, Got *g, Err *err) {
  buf_reset(&g->got);
  g->calls = 0;
  err_clear(err);
  return url_query_parse(q, n, max_pairs, max_len, collect, g, err);
}

static int same(const Buf *a, const Buf *b) {
  return a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

/* ---- HTML checks ---- */

static void check_inert(const char *s, size_t n, const char *what) {
  size_t bad;
  CHECK(utf8_check(s, n, &bad) == 0, "%s: output not UTF-8 at %zu", what, bad);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    CHECK(c != '<' && c != '>' && c != '"' && c != '\'', "%s: markup char at %zu", what, i);
    CHECK(c >= 0x20 || c == '\t' || c == '\n' || c == '\r', "%s: control at %zu", what, i);
    CHECK(c != 0x7F && !(c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] < 0xA0), "%s: DEL/C1", what);
    if (c == '&')
      CHECK(!strncmp(s + i, "&amp;", 5) || !strncmp(s + i, "&lt;", 4) || !strncmp(s + i, "&gt;", 4) ||
                !strncmp(s + i, "&quot;", 6) || !strncmp(s + i, "&#39;", 5),
            "%s: bare '&' at %zu", what, i);
  }
}

static void check_html(const char *s, const char *const *terms, size_t nterms) {
  Buf h = BUF_INIT, t = BUF_INIT;
  html_escape(&h, s, strlen(s));
  check_inert(h.data, h.len, "html_escape");

  buf_reset(&h);
  html_attr_url(&h, s);
  check_inert(h.data, h.len, "html_attr_url");
  const char *u = h.data;
  int ok = !strcmp(u, "#") || (u[0] == '/' && u[1] != '/' && u[1] != '\\') ||
           !strncasecmp(u, "http:", 5) || !strncasecmp(u, "https:", 6);
  CHECK(ok, "html_attr_url let through '%s'", u);

  buf_reset(&h);
  html_snippet(&h, s, terms, nterms, strlen(s) % 7 ? 0 : 1 + strlen(s) % 23);
  for (const char *p = buf_cstr(&h); *p;) {
    if (!strncmp(p, "<mark>", 6)) p += 6;
    else if (!strncmp(p, "</mark>", 7)) p += 7;
    else buf_addc(&t, *p++);
  }
  check_inert(buf_cstr(&t), t.len, "html_snippet");
  buf_release(&h);
  buf_release(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *q = (const char *)data;
  Err err = ERR_INIT;
  Got g = {BUF_INIT, 0, 0};
  Buf ref = BUF_INIT;
  size_t pieces;
  int ref_rc = ref_parse(data, size, &ref, &pieces);

  int rc = run(q, size, SIZE_MAX, SIZE_MAX, &g, &err);
  CHECK(rc == ref_rc, "rc %d, reference %d (%s)", rc, ref_rc, err.msg);
  if (rc) {
    CHECK(g.calls == 0, "callbacks ran before an error");
    CHECK(err.code == rc && err.msg[0], "error without a message");
    CHECK(strstr(err.msg, "query parameter ") == err.msg, "message does not name the parameter: %s", err.msg);
  } else {
    CHECK(same(&g.got, &ref), "pairs differ from the reference");
    CHECK(g.calls <= pieces, "more pairs than pieces");
  }

  /* limits at the edge */
  Got g2 = {BUF_INIT, 0, 0};
  int rc2 = run(q, size, pieces, size, &g2, &err);
  CHECK(rc2 == rc && same(&g2.got, &g.got), "exact limits changed the result");
  if (size > 0) {
    rc2 = run(q, size, SIZE_MAX, size - 1, &g2, &err);
    CHECK(rc2 == ERR_LIMIT && g2.calls == 0 && err.msg[0], "max_len - 1 not refused");
  }
  if (pieces > 0) {
    rc2 = run(q, size, pieces - 1, SIZE_MAX, &g2, &err);
    CHECK(rc2 == ERR_LIMIT && g2.calls == 0 && err.msg[0], "max_pairs - 1 not refused");
  }

  if (rc == 0 && g.calls > 0) {
    /* stopping early */
    g2.stop_at = 1;
    rc2 = run(q, size, SIZE_MAX, SIZE_MAX, &g2, &err);
    CHECK(rc2 == 42 && g2.calls == 1, "callback result not returned");

    /* write back, parse again; encode/decode each string */
    Buf rebuilt = BUF_INIT, enc = BUF_INIT, dec = BUF_INIT;
    const char *terms[8];
    size_t nterms = 0;
    for (size_t p = 0; p < g.got.len;) {
      const char *name = g.got.data + p;
      p += strlen(name) + 1;
      const char *value = g.got.data + p;
      p += strlen(value) + 1;
      url_query_add(&rebuilt, name, value);
      if (nterms < 8) terms[nterms++] = value;
      for (int k = 0; k < 2; k++) {
        const char *s = k ? value : name;
        buf_reset(&enc);
        buf_reset(&dec);
        url_encode(&enc, s, strlen(s));
        for (size_t i = 0; i < enc.len; i++) {
          unsigned char c = (unsigned char)enc.data[i];
          if (c == '%') {
            CHECK(i + 2 < enc.len && strchr("0123456789ABCDEF", enc.data[i + 1]) &&
                      strchr("0123456789ABCDEF", enc.data[i + 2]),
                  "bad escape in url_encode output");
            i += 2;
          } else {
            CHECK((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~',
                  "reserved char %02x in url_encode output", c);
          }
        }
        CHECK(url_decode(&dec, enc.data ? enc.data : "", enc.len, 0, NULL) == 0 &&
                  !strcmp(buf_cstr(&dec), s),
              "decode(encode(x)) != x");
      }
    }
    Got g3 = {BUF_INIT, 0, 0};
    rc2 = run(rebuilt.data, rebuilt.len, SIZE_MAX, SIZE_MAX, &g3, &err);
    CHECK(rc2 == 0 && same(&g3.got, &g.got), "url_query_add output does not parse back: %s", err.msg);
    for (size_t p = 0; p < g.got.len; p += strlen(g.got.data + p) + 1)
      check_html(g.got.data + p, terms, nterms);
    buf_release(&g3.got);
    buf_release(&rebuilt);
    buf_release(&enc);
    buf_release(&dec);
  }

  /* url_decode of the whole input: untouched buffer on error */
  Buf d = BUF_INIT;
  buf_adds(&d, "keep");
  int drc = url_decode(&d, q, size, URL_PLUS_SPACE, &err);
  if (drc) {
    CHECK(d.len == 4 && !strcmp(d.data, "keep"), "buffer changed on error");
    CHECK(drc == ERR_USAGE || drc == ERR_UTF8, "unexpected code %d", drc);
  } else {
    size_t bad;
    CHECK(d.len <= 4 + size && strlen(d.data) == d.len, "NUL in decoded text");
    CHECK(utf8_check(d.data, d.len, &bad) == 0, "decoded text not UTF-8");
  }
  /* the raw input through the HTML writer, whatever it holds */
  Buf raw = BUF_INIT;
  buf_add(&raw, data, size);
  check_html(raw.data, NULL, 0);

  buf_release(&raw);
  buf_release(&d);
  buf_release(&g.got);
  buf_release(&g2.got);
  buf_release(&ref);
  return 0;
}

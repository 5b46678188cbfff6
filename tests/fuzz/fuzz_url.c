/* fuzz_url.c -- libFuzzer target for URL path parts: the percent-decoding the
 * server applies to a request's path (src/base/url.c, as src/web/server.c
 * calls it: url_decode without '+' as space, then routes match the decoded
 * path and a '*' route's capture is the rest), and the links the pages build
 * to a path part with html_printf's %U (src/web/html.c).
 *
 * The input is the raw path of a request target. Checked for each run:
 *  - url_decode either fails (ERR_USAGE for a bad escape or a NUL, ERR_UTF8)
 *    with a message and the buffer as it was, or gives valid UTF-8 without a
 *    NUL, no longer than the input, with every byte that was not part of a
 *    %XX escape kept as it was ('+' stays '+' in a path);
 *  - a path part (what a "/notices/" route captures: the decoded rest, which
 *    may hold '/', '?', '#', '%', "..") written into a link with
 *    "/notices/%U" gives an attribute value with only unreserved characters
 *    and %XX, that decodes back to "/notices/" and the same part: a link built
 *    to any ocid routes back to that ocid;
 *  - each '/'-separated segment of the raw path, encoded with url_encode and
 *    joined again, decodes to what the raw path decodes to. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/url.h"
#include "base/utf8.h"
#include "web/html.h"

#define CHECK(cond, ...)                                                   \
  do {                                                                     \
    if (!(cond)) {                                                         \
      fprintf(stderr, "fuzz_url: check failed: %s: ", #cond);              \
      fprintf(stderr, __VA_ARGS__);                                        \
      fputc('\n', stderr);                                                 \
      abort();                                                             \
    }                                                                      \
  } while (0)

static int hex(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

/* Only unreserved characters and %XX (upper-case hex). */
static int only_encoded(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '%') {
      if (i + 2 >= n) return 0;
      unsigned char a = (unsigned char)s[i + 1], b = (unsigned char)s[i + 2];
      if (!hex(a) || !hex(b) || (a >= 'a' && a <= 'f') || (b >= 'a' && b <= 'f')) return 0;
      i += 2;
    } else if (!unreserved(c)) {
      return 0;
    }
  }
  return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 16384) return 0;
  const char *raw = (const char *)data;
  Buf path = BUF_INIT;
  buf_adds(&path, "keep");
  Err e = ERR_INIT;
  int rc = url_decode(&path, raw, size, 0, &e);
  if (rc != 0) {
    CHECK((rc == ERR_USAGE || rc == ERR_UTF8) && e.msg[0], "rc %d without a message", rc);
    CHECK(path.len == 4 && memcmp(path.data, "keep", 4) == 0, "a failed decode changed the buffer");
    buf_release(&path);
    return 0;
  }
  const char *dec = path.data + 4;
  size_t dlen = path.len - 4;
  CHECK(dlen <= size, "decoded %zu bytes from %zu", dlen, size);
  CHECK(memchr(dec, 0, dlen) == NULL, "a NUL in the decoded path");
  size_t bad_at;
  CHECK(utf8_check(dec, dlen, &bad_at) == 0, "the decoded path is not valid UTF-8 at %zu", bad_at);
  /* bytes outside escapes are kept, '+' included */
  size_t j = 0;
  for (size_t i = 0; i < size; i++, j++) {
    if (raw[i] == '%') i += 2;
    else CHECK(dec[j] == raw[i], "byte %zu changed", i);
  }
  CHECK(j == dlen, "decoded length");

  /* a link to the captured part routes back to it */
  Buf html = BUF_INIT;
  CHECK(html_printf(&html, "<a href=\"/notices/%U\">x</a>", dec) == 0, "html_printf refused the link");
  const char *href = strstr(buf_cstr(&html), "href=\""), *close = href ? strchr(href + 6, '"') : NULL;
  CHECK(href && close, "no href in %s", buf_cstr(&html));
  href += 6;
  size_t hlen = (size_t)(close - href);
  CHECK(hlen >= 9 && memcmp(href, "/notices/", 9) == 0, "the link's path: %s", buf_cstr(&html));
  CHECK(only_encoded(href + 9, hlen - 9), "%%U wrote a reserved character: %s", buf_cstr(&html));
  Buf back = BUF_INIT;
  Err e2 = ERR_INIT;
  CHECK(url_decode(&back, href, hlen, 0, &e2) == 0, "the link does not decode: %s", e2.msg);
  CHECK(back.len == 9 + dlen && memcmp(back.data + 9, dec, dlen) == 0, "the link decodes to another part");
  buf_release(&back);
  buf_release(&html);

  /* segment by segment */
  Buf enc = BUF_INIT;
  size_t start = 0;
  for (size_t i = 0; i <= dlen; i++) {
    if (i == dlen || dec[i] == '/') {
      url_encode(&enc, dec + start, i - start);
      if (i < dlen) buf_addc(&enc, '/');
      start = i + 1;
    }
  }
  Buf again = BUF_INIT;
  Err e3 = ERR_INIT;
  CHECK(url_decode(&again, enc.data ? enc.data : "", enc.len, 0, &e3) == 0 && again.len == dlen &&
            (dlen == 0 || memcmp(again.data, dec, dlen) == 0),
        "segments encoded and joined decode differently: %s", e3.msg);
  buf_release(&again);
  buf_release(&enc);
  buf_release(&path);
  return 0;
}

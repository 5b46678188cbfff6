/* test_coding.c -- content codings (web/coding.h): which Accept-Encoding
 * values accept gzip (weights, q=0, "*", malformed weights), which content
 * types are compressed, the gzip representation's ETag, and gzip output that
 * zlib's inflate reads back to exactly the input, whole or in parts. */
#include <string.h>
#include <zlib.h>

#include "../tap.h"
#include "base/buf.h"
#include "web/coding.h"

/* Inflates a gzip member; 0 and the bytes in out, or -1. */
static int gunzip(const Buf *in, Buf *out) {
  z_stream zs = {0};
  if (inflateInit2(&zs, 15 + 16) != Z_OK) return -1;
  zs.next_in = (unsigned char *)in->data;
  zs.avail_in = (uInt)in->len;
  int rc;
  do {
    buf_grow(out, 65536);
    zs.next_out = (unsigned char *)out->data + out->len;
    zs.avail_out = 65536;
    rc = inflate(&zs, Z_NO_FLUSH);
    out->len += 65536 - zs.avail_out;
  } while (rc == Z_OK);
  int trailing = zs.avail_in != 0;
  inflateEnd(&zs);
  return rc == Z_STREAM_END && !trailing ? 0 : -1;
}

static void test_accepts(void) {
  static const struct {
    const char *ae;
    int want;
  } cases[] = {
      {NULL, 0},
      {"", 0},
      {"gzip", 1},
      {"GZip", 1},
      {"x-gzip", 1},
      {"gzip, deflate, br", 1},
      {"br;q=1.0, gzip;q=0.8, *;q=0.1", 1},
      {"deflate, br", 0},
      {"identity", 0},
      {"gzip;q=0", 0},
      {"gzip;q=0.0", 0},
      {"gzip;q=0.000", 0},
      {"gzip ; q=0 , deflate", 0},
      {"gzip;Q=0", 0},
      {"gzip;q=0.001", 1},
      {"gzip;q=1", 1},
      {"gzip;q=1.000", 1},
      {"gzip;q=1.5", 0},    /* not a qvalue: taken as 0 */
      {"gzip;q=0.0001", 0}, /* too many digits */
      {"gzip;q=", 0},
      {"gzip;q=abc", 0},
      {"*", 1},
      {"*;q=0", 0},
      {"*, gzip;q=0", 0}, /* an explicit gzip wins over * */
      {"gzip;q=0, *", 0},
      {"br, *;q=0.5", 1},
      {"gzipx", 0},
      {"xgzip", 0},
      {"gzip;level=9", 1},
      {",,, gzip ,", 1},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
    is_int(coding_accepts_gzip(cases[i].ae), cases[i].want, "Accept-Encoding: %s -> %s",
           cases[i].ae ? cases[i].ae : "(absent)", cases[i].want ? "gzip" : "identity");
}

static void test_compressible(void) {
  static const char *const yes[] = {"text/html; charset=utf-8", "text/css", "text/csv; charset=utf-8",
                                    "text/plain", "application/json", "application/problem+json",
                                    "application/javascript", "image/svg+xml", "application/atom+xml",
                                    "Application/JSON ; charset=utf-8", "application/xml"};
  for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) ok(coding_compressible(yes[i]), "%s is compressed", yes[i]);
  ok(coding_compressible(NULL), "the server's default type (HTML) is compressed");
  static const char *const no[] = {"image/x-icon", "image/png", "font/woff2", "application/octet-stream",
                                   "application/gzip", "text/", "application/jsonx", "application/x-json+"};
  for (size_t i = 0; i < sizeof no / sizeof *no; i++) ok(!coding_compressible(no[i]), "%s is sent as it is", no[i]);
}

static void test_etag(void) {
  char *a = coding_gzip_etag("\"v1\""), *b = coding_gzip_etag("W/\"abc\""), *c = coding_gzip_etag("bare");
  is_str(a, "\"v1-gz\"", "a strong tag gets -gz inside the quotes");
  is_str(b, "W/\"abc-gz\"", "a weak tag stays weak");
  is_str(c, "bare-gz", "an unquoted tag still differs");
  ok(coding_gzip_etag(NULL) == NULL, "no tag, no tag");
  free(a);
  free(b);
  free(c);
}

static void test_gzip(void) {
  Buf text = BUF_INIT, z = BUF_INIT, back = BUF_INIT;
  for (int i = 0; i < 20000; i++) buf_addf(&text, "<li>notice %d: road maintenance &amp; repairs</li>\n", i % 977);
  ok(coding_gzip(text.data, text.len, &z) == 0, "whole body compressed");
  ok(z.len > 10 && (unsigned char)z.data[0] == 0x1f && (unsigned char)z.data[1] == 0x8b, "gzip magic 1f 8b");
  ok(z.len * 10 < text.len, "repetitive HTML shrinks over 10 times (%zu -> %zu)", text.len, z.len);
  ok(gunzip(&z, &back) == 0 && back.len == text.len && memcmp(back.data, text.data, text.len) == 0,
     "inflate gives back exactly the body");

  /* in parts of every size, as a streamed body comes */
  buf_reset(&z);
  buf_reset(&back);
  CodingStream *s = coding_gzip_new();
  ok(s != NULL, "stream made");
  size_t at = 0, part = 1;
  int failed = 0;
  while (at < text.len) {
    size_t n = text.len - at < part ? text.len - at : part;
    failed |= coding_gzip_add(s, text.data + at, n, 0, &z);
    at += n;
    part = part * 3 + 7;
  }
  failed |= coding_gzip_add(s, "", 0, 1, &z);
  coding_gzip_free(s);
  ok(!failed && gunzip(&z, &back) == 0 && back.len == text.len && memcmp(back.data, text.data, text.len) == 0,
     "in parts, then an empty last part: inflate gives back exactly the body");

  buf_reset(&z);
  buf_reset(&back);
  ok(coding_gzip("", 0, &z) == 0 && gunzip(&z, &back) == 0 && back.len == 0, "an empty body is a valid empty member");
  coding_gzip_free(NULL);
  buf_release(&text);
  buf_release(&z);
  buf_release(&back);
}

int main(void) {
  test_accepts();
  test_compressible();
  test_etag();
  test_gzip();
  return done_testing();
}

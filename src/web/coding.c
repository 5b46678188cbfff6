/* coding.c -- gzip negotiation and compression for responses (coding.h). */
#include "web/coding.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

struct CodingStream {
  z_stream zs;
};

static int is_ows(char c) { return c == ' ' || c == '\t'; }

/* A qvalue (RFC 9110 12.4.2: "0" [ "." 0*3DIGIT ] / "1" [ "." 0*3"0" ]) of
 * length n: 1 above zero, 0 for zero or anything malformed. */
static int qvalue_positive(const char *s, size_t n) {
  if (n == 0 || (s[0] != '0' && s[0] != '1')) return 0;
  if (n > 1 && (s[1] != '.' || n > 5)) return 0;
  int nonzero = s[0] == '1';
  for (size_t i = 2; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return 0;
    if (s[i] != '0') {
      if (s[0] == '1') return 0; /* 1.5 is not a qvalue */
      nonzero = 1;
    }
  }
  return nonzero;
}

int coding_accepts_gzip(const char *ae) {
  if (!ae) return 0;
  int gzip = -1, star = -1; /* -1: not listed; else 1/0 by weight */
  const char *p = ae;
  while (*p) {
    while (*p == ',' || is_ows(*p)) p++;
    if (!*p) break;
    const char *name = p;
    while (*p && *p != ',' && *p != ';' && !is_ows(*p)) p++;
    size_t nlen = (size_t)(p - name);
    int positive = 1;
    while (*p && *p != ',') { /* parameters: only q matters */
      while (is_ows(*p) || *p == ';') p++;
      const char *par = p;
      while (*p && *p != ',' && *p != ';') p++;
      const char *end = p;
      while (end > par && is_ows(end[-1])) end--;
      if (end - par >= 2 && (par[0] == 'q' || par[0] == 'Q') && par[1] == '=')
        positive = qvalue_positive(par + 2, (size_t)(end - par - 2));
    }
    if ((nlen == 4 && strncasecmp(name, "gzip", 4) == 0) || (nlen == 6 && strncasecmp(name, "x-gzip", 6) == 0))
      gzip = gzip == 1 ? 1 : positive;
    else if (nlen == 1 && name[0] == '*')
      star = positive;
  }
  return gzip >= 0 ? gzip : star == 1;
}

int coding_compressible(const char *ct) {
  if (!ct) return 1; /* the server's default: text/html */
  while (is_ows(*ct)) ct++;
  size_t n = strcspn(ct, ";");
  while (n > 0 && is_ows(ct[n - 1])) n--;
  static const char *const exact[] = {"application/json", "application/javascript", "application/ecmascript",
                                      "application/xml", "application/x-ndjson"};
  for (size_t i = 0; i < sizeof exact / sizeof *exact; i++)
    if (strlen(exact[i]) == n && strncasecmp(ct, exact[i], n) == 0) return 1;
  if (n > 5 && strncasecmp(ct, "text/", 5) == 0) return 1;
  if (n > 5 && strncasecmp(ct + n - 5, "+json", 5) == 0) return 1;
  if (n > 4 && strncasecmp(ct + n - 4, "+xml", 4) == 0) return 1;
  return 0;
}

char *coding_gzip_etag(const char *etag) {
  if (!etag) return NULL;
  size_t n = strlen(etag);
  Buf b = BUF_INIT;
  if (n >= 2 && etag[n - 1] == '"') {
    buf_add(&b, etag, n - 1);
    buf_adds(&b, "-gz\"");
  } else { /* not a quoted tag: still distinct */
    buf_adds(&b, etag);
    buf_adds(&b, "-gz");
  }
  return buf_detach(&b, NULL);
}

CodingStream *coding_gzip_new(void) {
  CodingStream *z = calloc(1, sizeof *z);
  if (!z) return NULL;
  /* windowBits 15 + 16: a gzip header and trailer rather than zlib's */
  if (deflateInit2(&z->zs, CODING_LEVEL, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    free(z);
    return NULL;
  }
  return z;
}

void coding_gzip_free(CodingStream *z) {
  if (!z) return;
  deflateEnd(&z->zs);
  free(z);
}

int coding_gzip_add(CodingStream *z, const void *in, size_t n, int finish, Buf *out) {
  const unsigned char *p = in;
  for (;;) {
    /* zlib counts in uInt: feed at most 1 GB at a time */
    size_t chunk = n > (1u << 30) ? (1u << 30) : n;
    int last = finish && chunk == n;
    z->zs.next_in = (unsigned char *)p;
    z->zs.avail_in = (uInt)chunk;
    int rc;
    do {
      size_t room = deflateBound(&z->zs, z->zs.avail_in) + 64;
      if (room > (1u << 20)) room = 1u << 20;
      buf_grow(out, room);
      z->zs.next_out = (unsigned char *)out->data + out->len;
      z->zs.avail_out = (uInt)room;
      rc = deflate(&z->zs, last ? Z_FINISH : Z_NO_FLUSH);
      if (rc == Z_STREAM_ERROR) return -1;
      out->len += room - z->zs.avail_out;
      out->data[out->len] = 0;
    } while (last ? rc != Z_STREAM_END : (z->zs.avail_in > 0 || z->zs.avail_out == 0));
    p += chunk;
    n -= chunk;
    if (n == 0) return 0;
  }
}

int coding_gzip(const void *in, size_t n, Buf *out) {
  CodingStream *z = coding_gzip_new();
  if (!z) return -1;
  int rc = coding_gzip_add(z, in, n, 1, out);
  coding_gzip_free(z);
  return rc;
}

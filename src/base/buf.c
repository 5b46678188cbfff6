/* buf.c -- see buf.h. */
#include "base/buf.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(void) {
  fputs("powerhouse: out of memory\n", stderr);
  abort();
}

void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) oom();
  return p;
}

void *xcalloc(size_t n, size_t m) {
  void *p = calloc(n ? n : 1, m ? m : 1);
  if (!p) oom();
  return p;
}

void *xrealloc(void *p, size_t n) {
  p = realloc(p, n ? n : 1);
  if (!p) oom();
  return p;
}

char *xstrdup(const char *s) { return xstrndup(s, strlen(s)); }

char *xstrndup(const char *s, size_t n) {
  char *p = xmalloc(n + 1);
  memcpy(p, s, n);
  p[n] = 0;
  return p;
}

void buf_init(Buf *b) {
  b->data = NULL;
  b->len = b->cap = 0;
}

void buf_release(Buf *b) {
  free(b->data);
  buf_init(b);
}

void buf_reset(Buf *b) {
  b->len = 0;
  if (b->data) b->data[0] = 0;
}

void buf_grow(Buf *b, size_t extra) {
  size_t need = b->len + extra + 1;
  if (need <= b->cap) return;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < need) cap *= 2;
  b->data = xrealloc(b->data, cap);
  b->cap = cap;
  b->data[b->len] = 0; /* a grown buffer is always a valid C string */
}

void buf_add(Buf *b, const void *p, size_t n) {
  buf_grow(b, n);
  if (n) memcpy(b->data + b->len, p, n);
  b->len += n;
  b->data[b->len] = 0;
}

void buf_adds(Buf *b, const char *s) { buf_add(b, s, strlen(s)); }

void buf_addc(Buf *b, char c) {
  buf_grow(b, 1);
  b->data[b->len++] = c;
  b->data[b->len] = 0;
}

void buf_vaddf(Buf *b, const char *fmt, va_list ap) {
  va_list cp;
  va_copy(cp, ap);
  buf_grow(b, 64);
  int n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, cp);
  va_end(cp);
  if (n < 0) return;
  if ((size_t)n >= b->cap - b->len) {
    buf_grow(b, (size_t)n);
    vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
  }
  b->len += (size_t)n;
}

void buf_addf(Buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  buf_vaddf(b, fmt, ap);
  va_end(ap);
}

void buf_add_json_num(Buf *b, double v) {
  if (!isfinite(v)) {
    buf_adds(b, "null");
  } else if (v == floor(v) && fabs(v) < 1e15) {
    buf_addf(b, "%.0f", v);
  } else {
    char t[32];
    for (int prec = 15; prec <= 17; prec++) {
      snprintf(t, sizeof t, "%.*g", prec, v);
      if (strtod(t, NULL) == v) break;
    }
    buf_adds(b, t);
  }
}

void buf_add_json_str(Buf *b, const char *s) {
  static const char hex[] = "0123456789abcdef";
  buf_addc(b, '"');
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    switch (*p) {
    case '"': buf_add(b, "\\\"", 2); break;
    case '\\': buf_add(b, "\\\\", 2); break;
    case '\n': buf_add(b, "\\n", 2); break;
    case '\r': buf_add(b, "\\r", 2); break;
    case '\t': buf_add(b, "\\t", 2); break;
    default:
      if (*p < 0x20) {
        char e[6] = {'\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15]};
        buf_add(b, e, 6);
      } else {
        buf_addc(b, (char)*p);
      }
    }
  }
  buf_addc(b, '"');
}

char *buf_detach(Buf *b, size_t *len) {
  if (!b->data) buf_grow(b, 0), b->data[0] = 0;
  char *p = b->data;
  if (len) *len = b->len;
  buf_init(b);
  return p;
}

const char *buf_cstr(Buf *b) { return b->data ? b->data : ""; }

/* buf.h -- a growable byte buffer (git's strbuf). Always NUL-terminated once
 * anything was added; data may also hold NULs. Aborts on out-of-memory: a
 * portal that cannot allocate a few KB cannot do anything useful. */
#ifndef BUF_H
#define BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct {
  char *data;
  size_t len, cap;
} Buf;

#define BUF_INIT {NULL, 0, 0}

void buf_init(Buf *b);                  /* never allocates */
void buf_release(Buf *b);               /* frees what b holds; b is reusable */
void buf_reset(Buf *b);                 /* len = 0, keeps the memory */
void buf_grow(Buf *b, size_t extra);    /* room for extra more bytes + NUL; data stays NUL-terminated */
void buf_add(Buf *b, const void *p, size_t n);
void buf_adds(Buf *b, const char *s);
void buf_addc(Buf *b, char c);
void buf_addf(Buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vaddf(Buf *b, const char *fmt, va_list ap);
/* A JSON number: the shortest text that reads back as v; "null" when v is
 * not finite. */
void buf_add_json_num(Buf *b, double v);
/* JSON string literal of s (with quotes), escaping per RFC 8259. */
void buf_add_json_str(Buf *b, const char *s);
char *buf_detach(Buf *b, size_t *len);  /* caller frees the result; b is reset */
const char *buf_cstr(Buf *b);           /* "" for an empty buffer, never NULL */

/* Allocation helpers that abort on failure. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif

/* coding.h -- content codings for responses: whether a client accepts gzip
 * (Accept-Encoding, RFC 9110 12.5.3), whether a content type is worth
 * compressing (text: HTML, CSS, CSV, JSON, JavaScript, SVG, Atom...), and
 * gzip compression of a body whole or part by part.
 *
 * The server (server.c) compresses a response when all three hold and the
 * body is at least CODING_MIN_BYTES (a streamed body always); below that the
 * gzip header and trailer (18 bytes) and the CPU cost more than they save.
 *
 * Memory: a CodingStream holds zlib's window and hash tables, about 270 KB
 * (windowBits 15, memLevel 8), for the life of one response; it buffers at
 * most what zlib holds internally, so a streamed download through it stays
 * bounded by one part plus that.
 *
 * Level 1, measured on the dev data (CPU per response, one core; bytes):
 *                          plain   level 1          level 5          level 6
 *   home page              5774    2049   21 us     1939   29 us     1940   29 us
 *   search "road"         21812    4950   47 us     4537   90 us     4481  103 us
 *   /api/v1/notices?limit=100
 *                         62827   19366  382 us    17050  819 us    16861 1084 us
 * Level 5 (nginx's) saves 5-14% more bytes for twice the CPU; serve's CPU is
 * what the portal runs short of first, so it takes level 1. */
#ifndef CODING_H
#define CODING_H

#include <stddef.h>

#include "base/buf.h"

#define CODING_MIN_BYTES 1024
#ifndef CODING_LEVEL
#define CODING_LEVEL 1
#endif

/* 1 when accept_encoding (an Accept-Encoding value; NULL or "" when absent)
 * accepts gzip: "gzip" or "x-gzip" listed with a weight above 0, or not
 * listed and "*" with a weight above 0. A malformed weight counts as 0. */
int coding_accepts_gzip(const char *accept_encoding);

/* 1 when content_type (a Content-Type value, parameters allowed; NULL: the
 * server's default, HTML) is text that compresses: any text/ type, JSON and XML
 * (also +json, +xml: problem+json, atom+xml, svg+xml), JavaScript. */
int coding_compressible(const char *content_type);

/* An ETag for the gzip representation of the one tagged etag: "-gz" before
 * the closing quote ("v1" -> "v1-gz", W/"v1" -> W/"v1-gz"), so the two
 * representations never share a tag (RFC 9110 8.8.3: a strong tag names
 * one representation's bytes). Caller frees; NULL for NULL. */
char *coding_gzip_etag(const char *etag);

typedef struct CodingStream CodingStream;

/* A gzip stream (one gzip member). NULL when zlib cannot allocate.
 * coding_gzip_free(NULL) does nothing. */
CodingStream *coding_gzip_new(void);
void coding_gzip_free(CodingStream *z);
/* Compresses n bytes of in, appending what zlib emits to out (possibly
 * nothing: zlib keeps up to a block until more comes); finish: in is the
 * last part and the member is ended (trailer written). 0, or -1 when zlib
 * fails (the stream is then unusable). */
int coding_gzip_add(CodingStream *z, const void *in, size_t n, int finish, Buf *out);
/* The whole of in as one gzip member appended to out. 0 or -1. */
int coding_gzip(const void *in, size_t n, Buf *out);

#endif

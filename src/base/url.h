/* url.h -- percent-encoding (RFC 3986), percent-decoding and query strings.
 *
 * Encoding keeps only the unreserved characters (A-Z a-z 0-9 - . _ ~) and
 * turns every other byte into %XX (upper-case hex), so the result is safe as
 * one path segment ('/' is encoded) and as a query name or value ('&', '=',
 * '+', '#' are encoded). It contains no HTML special character either.
 *
 * Decoding is strict: '%' must be followed by two hex digits, and the decoded
 * text must be valid UTF-8 (utf8.h) without NUL bytes (%00 or a raw NUL), so
 * every decoded string is a C string a handler can use as it is.
 *
 * The query parser reads "a=1&b=x+y" (a query string without its '?', or an
 * application/x-www-form-urlencoded body) with '+' as space. It decodes and
 * checks every pair before the first callback runs: a bad request is refused
 * as a whole, never half-applied.
 *
 * Errors (Err, err.h): ERR_USAGE for a malformed escape or a NUL, ERR_UTF8
 * for invalid UTF-8, ERR_LIMIT for a query over its limits. Messages name the
 * parameter (by position, and by name when it is a short plain identifier)
 * and the byte offset. Owns nothing. */
#ifndef URL_H
#define URL_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"

/* Limits a caller may pass to url_query_parse when it has no better ones. */
#define URL_QUERY_MAX_PAIRS 64
#define URL_QUERY_MAX_LEN 8192

/* Appends s[0..n) to out percent-encoded as above. */
void url_encode(Buf *out, const char *s, size_t n);

/* Flags for url_decode. */
#define URL_PLUS_SPACE 1 /* '+' means ' ' (query strings, form bodies) */

/* Appends the decoding of s[0..n) to out. On error returns a negative code,
 * sets err, and leaves out as it was (same length). */
int url_decode(Buf *out, const char *s, size_t n, int flags, Err *err);

/* Called once per pair, in order; repeated names are delivered each time.
 * name is never empty; name and value are decoded, valid UTF-8, without NULs,
 * and live only until the callback returns (copy what you keep). A non-zero
 * return stops the parse and is returned by url_query_parse (the callback
 * sets err if it wants a message). */
typedef int (*UrlQueryFn)(void *ctx, const char *name, const char *value, Err *err);

/* Parses the n bytes at qs (may be NULL when n is 0). Pairs are separated by
 * '&'; empty pieces ("a=1&&b=2", a trailing '&') are ignored; a piece without
 * '=' is a name with value ""; a piece with an empty name ("=x") is ignored.
 * Refused with ERR_LIMIT, before any decoding: n > max_len, or more than
 * max_pairs non-empty pieces. Returns 0, an error code, or the callback's
 * non-zero result. No callback runs unless the whole query decodes. */
int url_query_parse(const char *qs, size_t n, size_t max_pairs, size_t max_len,
                    UrlQueryFn fn, void *ctx, Err *err);

/* Appends "name=value", both percent-encoded, preceded by '&' unless out is
 * empty or ends in '?' or '&'. So "/search?" + ("q", "a&b") + ("page", "2")
 * gives "/search?q=a%26b&page=2". value NULL means "". Put the result into
 * HTML with html_printf's %s or %H (which turn '&' into "&amp;"). */
void url_query_add(Buf *out, const char *name, const char *value);

#endif

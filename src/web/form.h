/* form.h -- what a browser sends back: form bodies
 * (application/x-www-form-urlencoded) and cookies, read; Set-Cookie values,
 * written. Pure functions over bytes, with no Request in sight, so that each
 * can be unit-tested and fuzzed (tests/fuzz/fuzz_form.c).
 *
 * Form bodies: '&'-separated name=value parts, '+' is a space, %XX decoded
 * (by url_decode, base/url.h: one decoder for queries and forms). Empty parts
 * ("a=1&&b=2", a trailing '&') are skipped; a part without '=' has the value
 * ""; a part with an empty name ("=x") is skipped, as url_query_parse does.
 * Every name and value must decode to valid UTF-8 without NUL, so a handler
 * can use each as a C string: a body that breaks any rule is refused whole,
 * never half-read. Repeated names are kept in order (checkboxes).
 *
 * Cookies (RFC 6265): the Cookie request header is "a=1; b=2"; values are
 * cookie-octets (printable ASCII except space, '"', ',', ';' and '\'),
 * optionally in double quotes. Names are compared exactly (case-sensitive):
 * "sid" never matches "xsid" or "SID". Our cookies carry tokens
 * (base64url), so a value outside cookie-octet is a forgery or damage, and is
 * reported, not repaired.
 *
 * Set-Cookie: always Path=/, HttpOnly and SameSite=Lax (a cross-site POST
 * carries no session: the first line of defence against CSRF; the token
 * checked on every POST is the second); Secure when the site is served over
 * HTTPS. Owns nothing but what form_parse returns. */
#ifndef FORM_H
#define FORM_H

#include <stddef.h>

#include "base/buf.h"

typedef struct {
  const char *name, *value;
} FormField;

#define FORM_MAX_FIELDS 64

/* Parses body[0..len) (body may be NULL when len is 0). 0: *fields is one
 * malloc'd block holding the array and every decoded string (free(*fields);
 * NULL when *n is 0) and *n the number of fields, in body order. -1: *fields
 * NULL, *n 0, *why one of "a bad %-escape", "more than 64 fields", "not
 * UTF-8", "a NUL byte" (static strings). */
int form_parse(const char *body, size_t len, FormField **fields, size_t *n, const char **why);

/* The value of the first field called name, or NULL. */
const char *form_get(const FormField *f, size_t n, const char *name);

/* How many fields are called name. */
size_t form_count(const FormField *f, size_t n, const char *name);

/* The value of the first cookie called name in a Cookie header, quotes
 * removed, into out[cap] (NUL-terminated). 1 found; 0 not found (also for a
 * NULL header or name); -1 found but longer than cap - 1 or with a character
 * outside cookie-octet (out is then "" when cap > 0). Tolerant of missing or
 * extra spaces around ';' and '='; pairs without '=' or with an empty name
 * are skipped. */
int cookie_get(const char *header, const char *name, char *out, size_t cap);

/* Appends a Set-Cookie header value to out:
 *   name=value; Path=/; [Max-Age=n; ]HttpOnly; SameSite=Lax[; Secure]
 * max_age < 0: a session cookie (no Max-Age); 0: delete it now (Max-Age=0);
 * > 0: seconds. 0 ok; -1 (out unchanged) when name is not a token (RFC 9110:
 * letters, digits and !#$%&'*+-.^_`|~, at least one) or value has a character
 * outside cookie-octet (value may be empty). */
int cookie_format(Buf *out, const char *name, const char *value, long max_age, int secure);

#endif

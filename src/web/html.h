/* html.h -- the HTML writer: a printf over Buf whose verbs escape.
 *
 *   html_printf(&r->out, "<li><a href=\"/notices/%U\">%s</a> %m</li>",
 *               n->ocid, n->title, n->value, n->currency);
 *
 * The format is trusted markup written by us (a string literal); every
 * argument is data and is escaped for where it goes:
 *   %s   text: & < > " ' become entities; C0/C1 control characters other than
 *        tab, LF and CR are dropped; invalid UTF-8 becomes U+FFFD (one per bad
 *        byte). NULL prints nothing.
 *   %U   one URL path segment or query value: percent-encoded (url.h: all but
 *        A-Z a-z 0-9 - . _ ~), which leaves nothing to HTML-escape. NULL: "".
 *   %H   a whole URL from the data, for href/src: html_attr_url below.
 *   %d %ld %lld %zu   int, long, long long, size_t.
 *   %m   money: a double and then a currency code (const char *), e.g.
 *        (145017.8, "GBP") "£145,017.80", (5000, "EUR") "€5,000",
 *        (1234, "COP") "1,234 COP", (-2.5, "USD") "-$2.50". Pence only when
 *        the amount is not whole (after rounding to 2 places); NaN and
 *        infinities print "—"; a NULL or empty code prints the bare number;
 *        a code that is not three letters is escaped like %s.
 *   %%   a '%'.
 *   %R   RAW markup, copied unescaped. Rare by design: only for trusted,
 *        complete fragments our own code produced (e.g. a Buf filled by
 *        another html_printf). Never for anything that came from the data.
 *
 * Context check. The format's own markup is followed as it is written, and a
 * verb is refused where no escaping can make data safe:
 *   - inside <script> or <style> elements, comments, tag or attribute names;
 *   - in unquoted or single-quoted attribute values (attributes are always
 *     double-quoted);
 *   - in on* event-handler attributes and style attributes;
 *   - %R in URL attributes (href, src, action, formaction, poster, cite,
 *     srcset, data, ping, background, ...), and %s there too unless the
 *     format already wrote a '?' or '#' in that value (so data cannot pick
 *     the scheme, host or path; "/notices?%s" with a query string built by
 *     url_query_add is fine): use %U for a piece of a URL we build
 *     ("/notices/%U"), %H for a whole URL from the data;
 *   - %R anywhere but in text between tags.
 * The check starts in text context at the start of each call, so keep a tag
 * within one call (a format starting mid-tag is not checked). A literal '<'
 * in the format always opens a tag: write "&lt;" for a less-than sign.
 *
 * Programming errors: an unknown verb (anything not listed, incl. widths and
 * flags such as "%5s" or "%x") or a verb in a refused context. They are found
 * on the first run of the code path, so they fail loudly: the message goes to
 * stderr and, unless NDEBUG is defined, the process aborts. With NDEBUG,
 * html_printf writes nothing at all for that call (out keeps its length) and
 * returns ERR_USAGE; it returns 0 otherwise. Argument types cannot be checked
 * (the verbs are not printf's, so the compiler's format check cannot help):
 * %m takes a double AND a const char *.
 *
 * Nothing here allocates except through out (Buf); no function keeps a
 * pointer to its arguments. */
#ifndef HTML_H
#define HTML_H

#include <stdarg.h>
#include <stddef.h>

#include "base/buf.h"

int html_printf(Buf *out, const char *fmt, ...);
int html_vprintf(Buf *out, const char *fmt, va_list ap);

/* Appends s[0..n) escaped as %s does (n bytes; NUL bytes are dropped). */
void html_escape(Buf *out, const char *s, size_t n);

/* Appends url, escaped, for use inside a double-quoted href or src, if it is
 * harmless to follow: it starts with "http:" or "https:" (any case), or it is
 * a path starting with '/' but not "//" or "/\" (those are other hosts).
 * Anything else -- javascript:, data:, vbscript:, relative paths, leading
 * spaces, any control character anywhere (browsers drop tabs and newlines
 * inside URLs) -- and NULL are written as "#". */
void html_attr_url(Buf *out, const char *url);

/* Appends text escaped as %s, with every whole word that equals one of the
 * terms (ASCII case-insensitive) wrapped in <mark>...</mark>. A word is a
 * maximal run of ASCII letters and digits and non-ASCII bytes (so "café" is
 * one word and "caf" does not match in it). Terms containing other characters
 * never match; NULL or empty terms are skipped. With max_bytes > 0 and a
 * longer text, only a window of at most max_bytes of text is shown, cut at
 * word boundaries, starting a little before the first match, with "… " and
 * " …" where text was left out. The only markup ever written is the constant
 * "<mark>", "</mark>"; all text goes through html_escape. */
void html_snippet(Buf *out, const char *text, const char *const *terms, size_t nterms,
                  size_t max_bytes);

#endif

/* multipart.h -- multipart/form-data bodies (RFC 7578, framing of RFC 2046),
 * held whole in memory: what a browser sends when a form carries files (a
 * buyer's specifications and forms for a notice). Pure functions over bytes,
 * beside form.h's urlencoded parser, unit-tested and fuzzed
 * (tests/fuzz/fuzz_multipart.c).
 *
 * The body is a preamble, then parts each opened by a line "--BOUNDARY", then
 * a line "--BOUNDARY--" and an epilogue (both ignored). A delimiter counts only
 * at the start of a line and followed by optional spaces or tabs and a line
 * end ("--BOUNDARY--" by anything): "--BOUNDARY" elsewhere, or followed by
 * other bytes, is data. The line end before a delimiter belongs to it, not to
 * the data. Lines end in CRLF; a bare LF is accepted too (hand-written
 * clients), so a data part of an LF-only body cannot end in CR.
 *
 * Each part has header lines (at most MULTIPART_HEADERS_MAX, each at most
 * MULTIPART_LINE_MAX bytes), a blank line, and its data. Folded headers
 * (continuation lines starting with a space or tab) are refused, as RFC 9112
 * asks of a server, and so is a control character other than tab in a header
 * line. Bytes >= 0x80 are allowed: browsers send file names as raw UTF-8.
 *   Content-Disposition: form-data; name="..." [; filename="..."]
 *                        [; filename*=UTF-8''%e2%82%ac.pdf]
 * is required, once, with a non-empty name (valid UTF-8). filename*
 * (RFC 5987: UTF-8 or ISO-8859-1, turned into UTF-8) wins over filename when
 * it decodes; a broken filename* with a filename beside it is ignored, alone
 * it refuses the body. Parameter names are case-insensitive and may not
 * repeat (two names would let two readers see two different fields).
 * Quoted strings: a backslash escapes only '"' and '\'; any other backslash is
 * itself (as Go's mime package does: old Internet Explorer sends whole paths,
 * "C:\Users\jo\spec.pdf", unescaped, and such a name must keep its '\' so that
 * filetype_check refuses it as a folder rather than see "C:Usersjospec.pdf").
 * Browsers send '"' in a file name as %22 (WHATWG HTML); that is kept as sent.
 * Content-Type is optional; Content-Transfer-Encoding, if present, must be
 * 7bit, 8bit or binary (anything else would make the data mean something
 * else); other headers are ignored.
 *
 * A part's strings are copied into fixed arrays inside MultipartPart, not
 * pointed at, so a part can be copied or sorted freely; its data points into
 * the body (no copy): keep the body while the parts are used. Nothing is
 * allocated: the caller gives the array of parts (an array of 64 is ~43 KB).
 * Never reads outside body[0..len). A body that breaks a rule is refused
 * whole, never half-read. Owns nothing. */
#ifndef MULTIPART_H
#define MULTIPART_H

#include <stddef.h>

#define MULTIPART_BOUNDARY_MAX 70 /* RFC 2046 */
#define MULTIPART_NAME_MAX 200    /* a field name, a file name (bytes) */
#define MULTIPART_TYPE_MAX 255    /* a part's Content-Type value (bytes) */
#define MULTIPART_LINE_MAX 1024   /* a header line without its line end */
#define MULTIPART_HEADERS_MAX 16  /* header lines in one part */

typedef struct {
  char name[MULTIPART_NAME_MAX + 1];     /* the field's name, never "" */
  int is_file;                           /* 1 when a filename was sent */
  char filename[MULTIPART_NAME_MAX + 1]; /* as sent (filename* decoded); "" when not a file,
                                            and "" from a file input left empty */
  char content_type[MULTIPART_TYPE_MAX + 1]; /* as sent, trimmed; "" when absent */
  const char *data;                      /* into the body; never NULL */
  size_t size;
} MultipartPart;

/* Reads the boundary of a request's Content-Type header
 * ("multipart/form-data; boundary=..." ; the type is case-insensitive, the
 * boundary quoted or not) into out[cap], NUL-terminated. Returns its length
 * (1..70), or -1 (out "" when cap > 0) when content_type is NULL, not
 * multipart/form-data, has no boundary, two, or one that is not 1..70 of
 * RFC 2046's bchars (letters, digits, '()+_,-./:=? and space, not last), or
 * longer than cap - 1. */
int multipart_boundary(const char *content_type, char *out, size_t cap);

/* Parses body[0..len) (NULL only when len is 0) with boundary (as
 * multipart_boundary gives it) into parts[0..max_parts), in body order.
 * 0: *n parts (a body of only "--BOUNDARY--" has none). -1: *n 0 and *why (if
 * not NULL) one of these static messages, for people:
 *   "The upload could not be read"          broken framing or headers
 *   "The upload was cut short"              no closing boundary
 *   "The form has too many fields or files" more than max_parts
 *   "A field name is too long"              over MULTIPART_NAME_MAX
 *   "The file name is too long"             over MULTIPART_NAME_MAX */
int multipart_parse(const char *body, size_t len, const char *boundary, MultipartPart *parts,
                    size_t max_parts, size_t *n, const char **why);

/* The first part called name, or NULL. */
const MultipartPart *multipart_get(const MultipartPart *parts, size_t n, const char *name);

#endif

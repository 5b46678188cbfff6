/* multipart.c -- multipart/form-data bodies (multipart.h).
 *
 * One pass: the first delimiter (at offset 0 or after a '\n' of the
 * preamble), then for each part its header lines up to the blank line, then
 * a search for the next delimiter: a '\n' followed by "--BOUNDARY" and a line
 * end (or "--"). memchr finds each '\n' and one memcmp of the boundary tests
 * it, so a 25 MB file costs one scan and nothing is allocated. Every read is
 * checked against len first: a body is any bytes (fuzz_multipart checks
 * that each part's data lies inside it).
 *
 * Header values are read by one parameter reader (param_next) shared by the
 * request's Content-Type (the boundary) and each part's Content-Disposition. */
#include "web/multipart.h"

#include <string.h>

#include "base/utf8.h"

static const char MSG_BAD[] = "The upload could not be read";
static const char MSG_CUT[] = "The upload was cut short";
static const char MSG_MANY[] = "The form has too many fields or files";
static const char MSG_NAME_LONG[] = "A field name is too long";
static const char MSG_FILE_LONG[] = "The file name is too long";

static int is_ws(char c) { return c == ' ' || c == '\t'; }

static int lower(unsigned char c) { return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c; }

/* s[0..n) is the lower-case word w, ignoring the case of s */
static int word_is(const char *s, size_t n, const char *w) {
  if (n != strlen(w)) return 0;
  for (size_t i = 0; i < n; i++)
    if (lower((unsigned char)s[i]) != w[i]) return 0;
  return 1;
}

/* RFC 2045 token: printable ASCII but space and tspecials */
static int tchar(unsigned char c) { return c > 0x20 && c < 0x7F && !strchr("()<>@,;:\\\"/[]?=", c); }

/* The parameters of a header value, after its type. */
typedef struct {
  const char *p, *end;
} Params;

/* Splits a header value [s, e) into its type (up to ';', trimmed) and the
 * parameters after it. */
static void header_type(const char *s, const char *e, const char **type, size_t *tlen, Params *ps) {
  const char *semi = memchr(s, ';', (size_t)(e - s));
  const char *te = semi ? semi : e;
  while (s < te && is_ws(*s)) s++;
  while (te > s && is_ws(te[-1])) te--;
  *type = s;
  *tlen = (size_t)(te - s);
  ps->p = semi ? semi : e;
  ps->end = e;
}

/* The next "; name=value": 1 with the name at *name (*nlen bytes) and the
 * value, unquoted, in val (NUL-terminated, *vlen bytes; val has room for the
 * whole header value, so it never overflows); 0 at the end (a trailing ';'
 * is allowed); -1 when malformed. */
static int param_next(Params *ps, const char **name, size_t *nlen, char *val, size_t *vlen) {
  const char *p = ps->p, *e = ps->end;
  while (p < e && is_ws(*p)) p++;
  if (p == e) return 0;
  if (*p++ != ';') return -1;
  while (p < e && is_ws(*p)) p++;
  if (p == e) {
    ps->p = p;
    return 0;
  }
  *name = p;
  while (p < e && tchar((unsigned char)*p)) p++;
  *nlen = (size_t)(p - *name);
  if (*nlen == 0) return -1;
  while (p < e && is_ws(*p)) p++;
  if (p == e || *p++ != '=') return -1;
  while (p < e && is_ws(*p)) p++;
  size_t o = 0;
  if (p < e && *p == '"') {
    for (p++;; p++) {
      if (p == e) return -1; /* no closing quote */
      if (*p == '"') break;
      /* only \" and \\ are escapes: "C:\dir\x.pdf" keeps its backslashes */
      if (*p == '\\' && p + 1 < e && (p[1] == '"' || p[1] == '\\')) p++;
      val[o++] = *p;
    }
    p++;
  } else {
    while (p < e && !is_ws(*p) && *p != ';' && *p != '"') val[o++] = *p++;
    if (o == 0) return -1;
  }
  val[o] = 0;
  *vlen = o;
  ps->p = p;
  return 1;
}

/* RFC 2046 bchars; a space may not be last */
static int boundary_ok(const char *b, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)b[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
          (c && strchr("'()+_,-./:=? ", c))))
      return 0;
  }
  return n > 0 && b[n - 1] != ' ';
}

int multipart_boundary(const char *content_type, char *out, size_t cap) {
  if (cap > 0) out[0] = 0;
  if (!content_type) return -1;
  size_t len = strlen(content_type);
  if (len > MULTIPART_LINE_MAX) return -1;
  const char *type, *name;
  size_t tlen, nlen, vlen, blen = 0;
  Params ps;
  header_type(content_type, content_type + len, &type, &tlen, &ps);
  if (!word_is(type, tlen, "multipart/form-data")) return -1;
  char val[MULTIPART_LINE_MAX + 1], got[MULTIPART_BOUNDARY_MAX + 1];
  int rc, found = 0;
  while ((rc = param_next(&ps, &name, &nlen, val, &vlen)) == 1) {
    if (!word_is(name, nlen, "boundary")) continue;
    if (found++ || vlen > MULTIPART_BOUNDARY_MAX || !boundary_ok(val, vlen)) return -1;
    memcpy(got, val, vlen + 1);
    blen = vlen;
  }
  if (rc < 0 || !found || blen + 1 > cap) return -1;
  memcpy(out, got, blen + 1);
  return (int)blen;
}

static int hex(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = (unsigned char)lower(c);
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* An RFC 5987 ext-value "charset'language'pct-encoded" decoded into
 * out[MULTIPART_NAME_MAX + 1] as UTF-8 (ISO-8859-1 is converted). 0 ok; -1
 * another charset, a bad escape or a NUL; -2 longer than MULTIPART_NAME_MAX. */
static int ext_value(const char *v, size_t n, char *out) {
  const char *q1 = memchr(v, '\'', n);
  const char *q2 = q1 ? memchr(q1 + 1, '\'', n - (size_t)(q1 + 1 - v)) : NULL;
  if (!q2) return -1;
  int latin1 = word_is(v, (size_t)(q1 - v), "iso-8859-1");
  if (!latin1 && !word_is(v, (size_t)(q1 - v), "utf-8")) return -1;
  size_t o = 0;
  for (const char *p = q2 + 1, *e = v + n; p < e; p++) {
    unsigned char c = (unsigned char)*p;
    if (c == '%') {
      int hi = e - p > 2 ? hex((unsigned char)p[1]) : -1, lo = hi >= 0 ? hex((unsigned char)p[2]) : -1;
      if (lo < 0) return -1;
      c = (unsigned char)(hi * 16 + lo);
      p += 2;
    }
    if (c == 0) return -1;
    if (o + (latin1 && c >= 0x80 ? 2 : 1) > MULTIPART_NAME_MAX) return -2;
    if (latin1 && c >= 0x80) {
      out[o++] = (char)(0xC0 | c >> 6);
      c = (unsigned char)(0x80 | (c & 0x3F));
    }
    out[o++] = (char)c;
  }
  out[o] = 0;
  return 0;
}

/* Content-Disposition: form-data; name="..."[; filename="..."][; filename*=...] */
static const char *disposition(const char *v, const char *e, MultipartPart *part) {
  const char *type, *name;
  size_t tlen, nlen, vlen;
  Params ps;
  header_type(v, e, &type, &tlen, &ps);
  if (!word_is(type, tlen, "form-data")) return MSG_BAD;
  char val[MULTIPART_LINE_MAX + 1], ext[MULTIPART_NAME_MAX + 1];
  int rc, has_name = 0, has_filename = 0, has_ext = 0, ext_rc = 0;
  while ((rc = param_next(&ps, &name, &nlen, val, &vlen)) == 1) {
    if (word_is(name, nlen, "name")) {
      if (has_name++ || vlen == 0 || utf8_check(val, vlen, NULL) != 0) return MSG_BAD;
      if (vlen > MULTIPART_NAME_MAX) return MSG_NAME_LONG;
      memcpy(part->name, val, vlen + 1);
    } else if (word_is(name, nlen, "filename")) {
      if (has_filename++) return MSG_BAD;
      if (vlen > MULTIPART_NAME_MAX) return MSG_FILE_LONG;
      memcpy(part->filename, val, vlen + 1);
    } else if (word_is(name, nlen, "filename*")) {
      if (has_ext++) return MSG_BAD;
      ext_rc = ext_value(val, vlen, ext);
    }
  }
  if (rc < 0 || !has_name) return MSG_BAD;
  if (has_ext && ext_rc == 0)
    memcpy(part->filename, ext, strlen(ext) + 1);
  else if (has_ext && !has_filename)
    return ext_rc == -2 ? MSG_FILE_LONG : MSG_BAD;
  part->is_file = has_filename || has_ext;
  return NULL;
}

/* Which headers a part has had. */
typedef struct {
  int disposition, type;
} Seen;

/* One header line [s, s + n), without its line end. */
static const char *header_line(const char *s, size_t n, MultipartPart *part, Seen *seen) {
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if ((c < 0x20 && c != '\t') || c == 0x7F) return MSG_BAD;
  }
  const char *colon = memchr(s, ':', n), *e = s + n;
  if (!colon || colon == s) return MSG_BAD; /* also a folded line: it starts with a space */
  for (const char *p = s; p < colon; p++)
    if (!tchar((unsigned char)*p)) return MSG_BAD;
  size_t nlen = (size_t)(colon - s);
  const char *v = colon + 1;
  while (v < e && is_ws(*v)) v++;
  while (e > v && is_ws(e[-1])) e--;
  size_t vlen = (size_t)(e - v);
  if (word_is(s, nlen, "content-disposition")) {
    if (seen->disposition++) return MSG_BAD;
    return disposition(v, e, part);
  }
  if (word_is(s, nlen, "content-type")) {
    if (seen->type++ || vlen > MULTIPART_TYPE_MAX) return MSG_BAD;
    memcpy(part->content_type, v, vlen);
    part->content_type[vlen] = 0;
  } else if (word_is(s, nlen, "content-transfer-encoding")) {
    if (!word_is(v, vlen, "binary") && !word_is(v, vlen, "8bit") && !word_is(v, vlen, "7bit")) return MSG_BAD;
  }
  return NULL;
}

typedef struct {
  const char *body, *boundary;
  size_t len, blen;
} Scan;

/* The header lines of a part from *pos to its blank line; *pos is then the
 * start of its data. NULL, or why not. */
static const char *headers(const Scan *s, size_t *pos, MultipartPart *part) {
  Seen seen = {0, 0};
  part->name[0] = part->filename[0] = part->content_type[0] = 0;
  part->is_file = 0;
  for (size_t p = *pos, count = 0;;) {
    size_t room = s->len - p, lim = room < MULTIPART_LINE_MAX + 2 ? room : MULTIPART_LINE_MAX + 2;
    const char *nl = memchr(s->body + p, '\n', lim);
    if (!nl) return lim == room ? MSG_CUT : MSG_BAD;
    size_t e = (size_t)(nl - s->body);
    if (e > p && s->body[e - 1] == '\r') e--;
    if (e - p > MULTIPART_LINE_MAX) return MSG_BAD;
    if (e == p) {
      *pos = (size_t)(nl - s->body) + 1;
      break;
    }
    if (++count > MULTIPART_HEADERS_MAX) return MSG_BAD;
    const char *why = header_line(s->body + p, e - p, part, &seen);
    if (why) return why;
    p = (size_t)(nl - s->body) + 1;
  }
  return seen.disposition ? NULL : MSG_BAD;
}

/* Whether "--BOUNDARY" at body + at is a delimiter: 1 one that opens a part,
 * *next then the start of the line after it; 2 the closing one; 0 data. */
static int delimiter_at(const Scan *s, size_t at, size_t *next) {
  size_t p = at + 2 + s->blen;
  if (s->len - at < 2 + s->blen || s->body[at] != '-' || s->body[at + 1] != '-' ||
      memcmp(s->body + at + 2, s->boundary, s->blen) != 0)
    return 0;
  if (s->len - p >= 2 && s->body[p] == '-' && s->body[p + 1] == '-') return 2;
  while (p < s->len && is_ws(s->body[p])) p++;
  if (p < s->len && s->body[p] == '\r') p++;
  if (p < s->len && s->body[p] == '\n') {
    *next = p + 1;
    return 1;
  }
  return 0;
}

/* The first '\n' at or after from that a delimiter follows: its offset, with
 * *kind and *next as delimiter_at gives them; *kind 0 when there is none. */
static size_t find_delimiter(const Scan *s, size_t from, int *kind, size_t *next) {
  *kind = 0;
  for (size_t q = from; q < s->len; q++) {
    const char *nl = memchr(s->body + q, '\n', s->len - q);
    if (!nl) break;
    q = (size_t)(nl - s->body);
    if ((*kind = delimiter_at(s, q + 1, next)) != 0) return q;
  }
  return s->len;
}

static int fail(size_t *n, const char **why, const char *msg) {
  *n = 0;
  if (why) *why = msg;
  return -1;
}

int multipart_parse(const char *body, size_t len, const char *boundary, MultipartPart *parts,
                    size_t max_parts, size_t *n, const char **why) {
  *n = 0;
  size_t blen = boundary ? strlen(boundary) : 0;
  if (!body || blen == 0 || blen > MULTIPART_BOUNDARY_MAX) return fail(n, why, MSG_BAD);
  Scan s = {body, boundary, len, blen};
  size_t next = 0, count = 0;
  int kind = delimiter_at(&s, 0, &next);
  if (!kind) find_delimiter(&s, 0, &kind, &next);
  if (!kind) return fail(n, why, MSG_BAD);
  while (kind == 1) {
    if (count == max_parts) return fail(n, why, MSG_MANY);
    MultipartPart *part = &parts[count];
    size_t pos = next;
    const char *bad = headers(&s, &pos, part);
    if (bad) return fail(n, why, bad);
    /* from the '\n' of the blank line: a delimiter right after it leaves the
     * data empty */
    size_t end = find_delimiter(&s, pos - 1, &kind, &next);
    if (!kind) return fail(n, why, MSG_CUT);
    if (end > pos && body[end - 1] == '\r') end--;
    if (end < pos) end = pos;
    part->data = body + pos;
    part->size = end - pos;
    count++;
  }
  *n = count;
  return 0;
}

const MultipartPart *multipart_get(const MultipartPart *parts, size_t n, const char *name) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(parts[i].name, name) == 0) return &parts[i];
  return NULL;
}

/* fuzz_multipart.c -- libFuzzer target for multipart/form-data bodies
 * (src/web/multipart.c).
 *
 * The whole input is a body, parsed twice: with the fixed boundary "XyZ", and
 * with the boundary its first line names (the bytes after a leading "--" up
 * to the first CR or LF, when 1..70 bytes without NUL). Checked each time:
 *  - a refusal leaves n 0 and gives one of multipart.h's five reasons;
 *  - otherwise at most max_parts parts, each with its data inside the input,
 *    a non-empty UTF-8 name of at most 200 bytes, a file name of at most 200
 *    ("" when not a file), a Content-Type of at most 255;
 *  - parsing is deterministic;
 *  - the parts written out again (a fresh boundary absent from every part's
 *    data, names quoted with \" and \\, file names as filename*=UTF-8''%XX)
 *    parse back to the same parts.
 * The first line is also a Content-Type header for multipart_boundary:
 * what it returns is 1..70 bchars, has the length it says, and quoted in a
 * header of our own reads back the same. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/utf8.h"
#include "web/multipart.h"

#define FUZZ_TARGET "fuzz_multipart"
#include "check.h"

#define MAX_PARTS 8

static MultipartPart parts[MAX_PARTS], again[MAX_PARTS];

static int known_reason(const char *why) {
  static const char *const reasons[] = {"The upload could not be read", "The upload was cut short",
                                        "The form has too many fields or files", "A field name is too long",
                                        "The file name is too long"};
  for (size_t i = 0; why && i < sizeof reasons / sizeof reasons[0]; i++)
    if (strcmp(why, reasons[i]) == 0) return 1;
  return 0;
}

static int same_part(const MultipartPart *a, const MultipartPart *b) {
  return strcmp(a->name, b->name) == 0 && a->is_file == b->is_file && strcmp(a->filename, b->filename) == 0 &&
         strcmp(a->content_type, b->content_type) == 0 && a->size == b->size &&
         memcmp(a->data, b->data, a->size) == 0;
}

static int contains(const char *hay, size_t n, const char *needle) {
  size_t k = strlen(needle);
  for (size_t i = 0; i + k <= n; i++)
    if (memcmp(hay + i, needle, k) == 0) return 1;
  return 0;
}

/* The parts as a body of our own; 0 when they cannot be (a header line would
 * be too long, or the boundary occurs in some data). */
static int write_body(Buf *out, const MultipartPart *p, size_t n, const char *boundary) {
  char delim[96];
  snprintf(delim, sizeof delim, "--%s", boundary);
  for (size_t i = 0; i < n; i++) {
    if (contains(p[i].data, p[i].size, delim)) return 0;
    Buf line = BUF_INIT;
    buf_adds(&line, "Content-Disposition: form-data; name=\"");
    for (const char *s = p[i].name; *s; s++) {
      if (*s == '"' || *s == '\\') buf_addc(&line, '\\');
      buf_addc(&line, *s);
    }
    buf_addc(&line, '"');
    if (p[i].is_file) {
      buf_adds(&line, "; filename*=UTF-8''");
      for (const unsigned char *s = (const unsigned char *)p[i].filename; *s; s++) buf_addf(&line, "%%%02X", *s);
    }
    int fits = line.len <= MULTIPART_LINE_MAX;
    buf_addf(out, "%s\r\n%s\r\n", delim, buf_cstr(&line));
    buf_release(&line);
    if (!fits) return 0;
    if (p[i].content_type[0]) buf_addf(out, "Content-Type: %s\r\n", p[i].content_type);
    buf_adds(out, "\r\n");
    buf_add(out, p[i].data, p[i].size);
    buf_adds(out, "\r\n");
  }
  buf_addf(out, "%s--\r\n", delim);
  return 1;
}

static void check_parse(const char *body, size_t size, const char *boundary) {
  size_t n = 99;
  const char *why = NULL;
  if (multipart_parse(body, size, boundary, parts, MAX_PARTS, &n, &why) != 0) {
    CHECK(n == 0, "a refused body left n %zu", n);
    CHECK(known_reason(why), "unknown reason '%s'", why ? why : "(null)");
    return;
  }
  CHECK(n <= MAX_PARTS, "%zu parts", n);
  for (size_t i = 0; i < n; i++) {
    const MultipartPart *p = &parts[i];
    CHECK(p->data && p->data >= body && p->size <= size && (size_t)(p->data - body) <= size - p->size,
          "part %zu's data is outside the input", i);
    size_t nl = strlen(p->name);
    CHECK(nl > 0 && nl <= MULTIPART_NAME_MAX && utf8_check(p->name, nl, NULL) == 0, "part %zu's name", i);
    CHECK(strlen(p->filename) <= MULTIPART_NAME_MAX, "part %zu's file name", i);
    CHECK(p->is_file || p->filename[0] == 0, "part %zu has a file name but is not a file", i);
    CHECK(strlen(p->content_type) <= MULTIPART_TYPE_MAX, "part %zu's type", i);
  }

  size_t m = 0;
  CHECK(multipart_parse(body, size, boundary, again, MAX_PARTS, &m, &why) == 0 && m == n, "a second parse differs");
  for (size_t i = 0; i < n; i++) CHECK(same_part(&parts[i], &again[i]), "part %zu differs the second time", i);

  Buf out = BUF_INIT;
  if (write_body(&out, parts, n, "fuzz-round-trip")) {
    CHECK(multipart_parse(out.data, out.len, "fuzz-round-trip", again, MAX_PARTS, &m, &why) == 0,
          "the parts written out are refused: %s", why);
    CHECK(m == n, "%zu parts written, %zu read back", n, m);
    for (size_t i = 0; i < n; i++) CHECK(same_part(&parts[i], &again[i]), "part %zu reads back differently", i);
  }
  buf_release(&out);
}

static int bchar(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || (c && strchr("'()+_,-./:=? ", c));
}

static void check_header(const char *data, size_t size) {
  const char *nl = memchr(data, '\n', size);
  size_t len = nl ? (size_t)(nl - data) : size;
  if (len > 2000 || memchr(data, 0, len)) return;
  char header[2001], b[MULTIPART_BOUNDARY_MAX + 1], back[MULTIPART_BOUNDARY_MAX + 1];
  memcpy(header, data, len);
  header[len] = 0;
  int rc = multipart_boundary(header, b, sizeof b);
  if (rc < 0) {
    CHECK(b[0] == 0, "a refused header left a boundary");
    return;
  }
  CHECK(rc >= 1 && rc <= MULTIPART_BOUNDARY_MAX && (size_t)rc == strlen(b), "length %d of '%s'", rc, b);
  for (int i = 0; i < rc; i++) CHECK(bchar((unsigned char)b[i]), "byte %d of '%s'", i, b);
  CHECK(b[rc - 1] != ' ', "a boundary ending in a space");
  char ours[128];
  snprintf(ours, sizeof ours, "multipart/form-data; boundary=\"%s\"", b);
  CHECK(multipart_boundary(ours, back, sizeof back) == rc && strcmp(back, b) == 0, "'%s' reads back differently", ours);
  CHECK(multipart_boundary(header, back, (size_t)rc) == -1, "cap one short accepted");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 65536) return 0;
  const char *body = (const char *)data;
  check_parse(body, size, "XyZ");
  if (size > 2 && body[0] == '-' && body[1] == '-') {
    size_t e = 2;
    while (e < size && e < 2 + MULTIPART_BOUNDARY_MAX + 1 && body[e] != '\r' && body[e] != '\n' && body[e]) e++;
    if (e > 2 && e - 2 <= MULTIPART_BOUNDARY_MAX) {
      char b[MULTIPART_BOUNDARY_MAX + 1];
      memcpy(b, body + 2, e - 2);
      b[e - 2] = 0;
      check_parse(body, size, b);
    }
  }
  check_header(body, size);
  return 0;
}

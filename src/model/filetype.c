/* filetype.c -- the documents a buyer may attach (filetype.h): name rules,
 * extension, size, then content sniffing, in that order, so the message names
 * the first thing a person can fix.
 *
 * ZIP: every read of a header is bounds-checked against size before it is
 * made (the input is any bytes; tests/fuzz/fuzz_filetype.c). The central
 * directory is the archive's own table of contents: an entry that is only in
 * the bytes (a stray "PK\3\4" inside compressed data) is not an entry, so we
 * read names from there, as unzip, LibreOffice and Word do, and do not scan
 * for local headers. Nothing is decompressed. */
#include "model/filetype.h"

#include <stdint.h>
#include <string.h>

#include "base/buf.h"
#include "base/url.h"
#include "base/utf8.h"

static const char MSG_CHOOSE[] = "Choose a PDF, DOCX, XLSX, ODT, CSV or ZIP file";

typedef struct {
  const char *ext, *mime, *not_it;
} Type;

static const Type TYPES[] = {
    {"pdf", "application/pdf", "A .pdf file must be a PDF document; this one is not"},
    {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
     "A .docx file must be a Word document; this one is not"},
    {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
     "A .xlsx file must be an Excel spreadsheet; this one is not"},
    {"odt", "application/vnd.oasis.opendocument.text", "A .odt file must be an OpenDocument text; this one is not"},
    {"csv", "text/csv", "A .csv file must be plain text (UTF-8); this one is not"},
    {"zip", "application/zip", "A .zip file must be a ZIP archive; this one is not"},
};

/* A character a name must not hold: C0 and C1 controls, DEL, and the
 * bidirectional marks and overrides that make "gpj.exe" display backwards
 * (U+200E-200F, U+202A-202E, U+2066-2069). The length of the one at s, or 0. */
static size_t bad_char(const unsigned char *s) {
  if (s[0] < 0x20 || s[0] == 0x7F) return 1;
  if (s[0] == 0xC2 && s[1] >= 0x80 && s[1] <= 0x9F) return 2;
  if (s[0] == 0xE2 && s[1] == 0x80 && (s[2] == 0x8E || s[2] == 0x8F || (s[2] >= 0xAA && s[2] <= 0xAE))) return 3;
  if (s[0] == 0xE2 && s[1] == 0x81 && s[2] >= 0xA6 && s[2] <= 0xA9) return 3;
  return 0;
}

static const char *name_problem(const char *name) {
  if (!name || !*name) return "Choose a file to upload";
  if (strpbrk(name, "/\\")) return "The file name must not contain a folder";
  if (strstr(name, "..")) return "The file name must not contain \"..\"";
  /* s[1] and s[2] are read only after s[0] and s[1] matched non-NUL bytes */
  for (const unsigned char *s = (const unsigned char *)name; *s; s++)
    if (bad_char(s)) return "The file name contains a character that is not allowed";
  if (name[0] == '.') return "The file name must not start with a dot";
  size_t n = strlen(name);
  if (n > FILETYPE_NAME_MAX) return "The file name is too long";
  if (utf8_check(name, n, NULL) != 0) return "The file name is not valid text (UTF-8)";
  return NULL;
}

static const Type *type_of(const char *name) {
  const char *dot = strrchr(name, '.');
  if (!dot) return NULL;
  const char *ext = dot + 1;
  for (size_t i = 0; i < sizeof TYPES / sizeof TYPES[0]; i++) {
    size_t k = strlen(TYPES[i].ext), j = 0;
    while (j < k && ext[j] && (ext[j] | 0x20) == TYPES[i].ext[j]) j++;
    if (j == k && ext[k] == 0) return &TYPES[i];
  }
  return NULL;
}

static unsigned le16(const unsigned char *p) { return (unsigned)p[0] | (unsigned)p[1] << 8; }
static uint32_t le32(const unsigned char *p) { return (uint32_t)le16(p) | (uint32_t)le16(p + 2) << 16; }

/* What the central directory lists. */
typedef struct {
  int content_types, word, xl;
} Entries;

static int has_prefix(const unsigned char *name, size_t n, const char *prefix) {
  size_t k = strlen(prefix);
  return n >= k && memcmp(name, prefix, k) == 0;
}

/* The central directory from the end record: each entry inside it and
 * pointing at a local header inside the file. 0 a ZIP archive, -1 not. */
static int zip_read(const unsigned char *d, size_t size, Entries *seen) {
  memset(seen, 0, sizeof *seen);
  if (size < 22) return -1;
  /* the last end record: 22 bytes and a comment of at most 65535 */
  size_t lo = size - 22 > 65535 ? size - 22 - 65535 : 0, at = size - 22;
  for (;; at--) {
    if (memcmp(d + at, "PK\5\6", 4) == 0 && at + 22 + le16(d + at + 20) <= size) break;
    if (at == lo) return -1;
  }
  size_t count = le16(d + at + 10), cd_size = le32(d + at + 12), cd_off = le32(d + at + 16);
  if (le16(d + at + 4) != 0 || le16(d + at + 6) != 0 || le16(d + at + 8) != count) return -1; /* one disk */
  if (cd_off > at || cd_size > at - cd_off) return -1;
  size_t p = cd_off, end = cd_off + cd_size;
  for (size_t i = 0; i < count; i++) {
    if (end - p < 46 || memcmp(d + p, "PK\1\2", 4) != 0) return -1;
    size_t n = le16(d + p + 28), extra = le16(d + p + 30), comment = le16(d + p + 32), local = le32(d + p + 42);
    if (end - p - 46 < n + extra + comment) return -1;
    if (local > cd_off || cd_off - local < 30 || memcmp(d + local, "PK\3\4", 4) != 0) return -1;
    const unsigned char *name = d + p + 46;
    seen->content_types |= n == 19 && memcmp(name, "[Content_Types].xml", 19) == 0;
    seen->word |= has_prefix(name, n, "word/");
    seen->xl |= has_prefix(name, n, "xl/");
    p += 46 + n + extra + comment;
  }
  return 0;
}

/* ODF: the first local header is "mimetype", stored, holding exactly the
 * type (the rest of the archive has been read by zip_read). */
static int odt_mimetype(const unsigned char *d, size_t size) {
  static const char want[] = "application/vnd.oasis.opendocument.text";
  size_t len = sizeof want - 1;
  if (size < 38 || memcmp(d, "PK\3\4", 4) != 0 || le16(d + 8) != 0 || le32(d + 18) != len ||
      le32(d + 22) != len || le16(d + 26) != 8 || memcmp(d + 30, "mimetype", 8) != 0)
    return 0;
  size_t at = 38 + le16(d + 28);
  return at <= size && size - at >= len && memcmp(d + at, want, len) == 0;
}

/* NULL when d is CSV we accept, else why not. */
static const char *csv_problem(const unsigned char *d, size_t size, const Type *t) {
  size_t i = size >= 3 && memcmp(d, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
  if (i == size) return "The file is empty";
  if (utf8_check((const char *)d + i, size - i, NULL) != 0) return t->not_it;
  for (size_t k = i; k < size; k++) {
    unsigned char c = d[k];
    if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7F) return t->not_it;
    if (c == 0xC2 && d[k + 1] <= 0x9F) return t->not_it; /* C1; valid UTF-8, so k + 1 < size */
  }
  while (i < size && (d[i] == ' ' || d[i] == '\t' || d[i] == '\r' || d[i] == '\n')) i++;
  if (i < size && d[i] == '<') return "A .csv file must be plain text; this one looks like a web page";
  return NULL;
}

/* NULL when the content is what t says, else why not. */
static const char *content_problem(const unsigned char *d, size_t size, const Type *t) {
  if (!strcmp(t->ext, "pdf")) return size >= 5 && memcmp(d, "%PDF-", 5) == 0 ? NULL : t->not_it;
  if (!strcmp(t->ext, "csv")) return csv_problem(d, size, t);
  Entries seen;
  if (size < 4 || (memcmp(d, "PK\3\4", 4) != 0 && memcmp(d, "PK\5\6", 4) != 0) || zip_read(d, size, &seen) != 0)
    return t->not_it;
  int good = !strcmp(t->ext, "zip") || (!strcmp(t->ext, "docx") && seen.content_types && seen.word) ||
             (!strcmp(t->ext, "xlsx") && seen.content_types && seen.xl) ||
             (!strcmp(t->ext, "odt") && odt_mimetype(d, size));
  return good ? NULL : t->not_it;
}

const char *filetype_check(const char *filename, const unsigned char *data, size_t size, const char **mime,
                           const char **why) {
  const char *problem = name_problem(filename);
  const Type *t = NULL;
  if (!problem && !(t = type_of(filename))) problem = MSG_CHOOSE;
  if (!problem && (size == 0 || !data)) problem = "The file is empty";
  if (!problem && size > FILETYPE_MAX) problem = "The file must be 25 MB or smaller";
  if (!problem) problem = content_problem(data, size, t);
  if (mime) *mime = problem ? NULL : t->mime;
  if (problem && why) *why = problem;
  return problem ? NULL : t->ext;
}

void filetype_safe_name(const char *name, char *out, size_t cap) {
  if (cap == 0) return;
  size_t o = 0;
  unsigned char prev = 0;
  for (const unsigned char *s = (const unsigned char *)(name ? name : ""); *s && o + 1 < cap; prev = *s++) {
    unsigned char c = *s;
    if (c >= 0x80 && c <= 0xBF && prev >= 0x80) continue; /* the rest of a character already replaced */
    out[o++] = c < 0x20 || c >= 0x7F || c == '"' || c == '\\' || c == '%' ? '_' : (char)c;
  }
  out[o] = 0;
}

size_t filetype_disposition(const char *name, char *out, size_t cap) {
  Buf b = BUF_INIT;
  buf_adds(&b, "attachment");
  if (name && *name) {
    size_t len = strlen(name);
    char *safe = xmalloc(len + 1);
    filetype_safe_name(name, safe, len + 1);
    buf_addf(&b, "; filename=\"%s\"", safe);
    free(safe);
    if (utf8_check(name, len, NULL) == 0) {
      buf_adds(&b, "; filename*=UTF-8''");
      url_encode(&b, name, len); /* unreserved characters only: a subset of RFC 8187's attr-char */
    }
  }
  size_t n = b.len;
  if (n + 1 > cap) n = 0;
  if (cap > 0) {
    memcpy(out, b.data, n);
    out[n] = 0;
  }
  buf_release(&b);
  return n;
}

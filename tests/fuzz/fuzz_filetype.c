/* fuzz_filetype.c -- libFuzzer target for the documents a buyer may attach
 * (src/model/filetype.c).
 *
 * An input "NAME\nDATA" (the first '\n' within 256 bytes) is the file name and
 * the file; any other input is the file under each of the six names
 * "f.pdf", "f.docx", ... Checked for each filetype_check:
 *  - a refusal gives a reason and no MIME type; an acceptance an extension
 *    among the six, the MIME type that goes with it, and no reason;
 *  - an accepted name has no '/', '\', "..", control character or leading
 *    '.', is valid UTF-8 of at most 200 bytes and ends in '.' and the
 *    extension (in any case); the size is 1..25 MB; a PDF starts with
 *    "%PDF-", the ZIP family with "PK"; a CSV has no NUL and does not start
 *    with '<';
 *  - checking is deterministic.
 * The name also goes through filetype_safe_name (printable ASCII without '"',
 * '\' or '%', cut at cap - 1, for several caps) and filetype_disposition (no
 * CR, LF or NUL, the length it says, the same with cap just big enough and
 * nothing with one byte less). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/utf8.h"
#include "model/filetype.h"

#define FUZZ_TARGET "fuzz_filetype"
#include "check.h"

static const char *const EXTS[] = {"pdf", "docx", "xlsx", "odt", "csv", "zip"};
static const char *const MIMES[] = {
    "application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/vnd.oasis.opendocument.text",
    "text/csv", "application/zip"};

static int ends_with_ext(const char *name, const char *ext) {
  size_t n = strlen(name), k = strlen(ext);
  if (n < k + 1 || name[n - k - 1] != '.') return 0;
  for (size_t i = 0; i < k; i++)
    if ((name[n - k + i] | 0x20) != ext[i]) return 0;
  return 1;
}

static void check_file(const char *name, const unsigned char *data, size_t size) {
  const char *mime = "(unset)", *why = NULL;
  const char *ext = filetype_check(name, data, size, &mime, &why);
  if (!ext) {
    CHECK(why && *why && mime == NULL, "a refusal without a reason, or with a type");
  } else {
    size_t i = 0;
    while (i < 6 && strcmp(ext, EXTS[i]) != 0) i++;
    CHECK(i < 6, "unknown extension '%s'", ext);
    CHECK(mime && strcmp(mime, MIMES[i]) == 0, "'%s' with type '%s'", ext, mime ? mime : "(null)");
    size_t n = strlen(name);
    CHECK(n <= FILETYPE_NAME_MAX && utf8_check(name, n, NULL) == 0, "an accepted name that is long or not UTF-8");
    CHECK(!strpbrk(name, "/\\") && !strstr(name, "..") && name[0] != '.', "an accepted name '%s'", name);
    for (size_t k = 0; k < n; k++) CHECK((unsigned char)name[k] >= 0x20 && name[k] != 0x7F, "a control in a name");
    CHECK(ends_with_ext(name, ext), "'%s' accepted as %s", name, ext);
    CHECK(size >= 1 && size <= FILETYPE_MAX, "size %zu", size);
    if (i == 0) CHECK(memcmp(data, "%PDF-", 5) == 0, "a PDF without its header");
    if (i >= 1 && i != 4) CHECK(size >= 4 && memcmp(data, "PK", 2) == 0, "a %s that is not a zip", ext);
    if (i == 4) {
      CHECK(!memchr(data, 0, size), "a CSV with a NUL");
      size_t k = size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
      while (k < size && strchr(" \t\r\n", data[k]) && data[k]) k++;
      CHECK(k == size || data[k] != '<', "a CSV that starts with '<'");
    }
    CHECK(why == NULL, "an acceptance with a reason");
  }
  const char *mime2 = NULL, *why2 = NULL;
  const char *ext2 = filetype_check(name, data, size, &mime2, &why2);
  CHECK(ext2 == ext && mime2 == (ext ? mime : NULL) && (ext || why2 == why), "not deterministic");
}

static void check_names_out(const char *name) {
  size_t n = strlen(name);
  char out[1024];
  size_t caps[] = {0, 1, 2, 7, n, n + 1, sizeof out};
  for (size_t c = 0; c < sizeof caps / sizeof caps[0]; c++) {
    size_t cap = caps[c] < sizeof out ? caps[c] : sizeof out;
    out[0] = '#';
    filetype_safe_name(name, out, cap);
    if (cap == 0) {
      CHECK(out[0] == '#', "cap 0 wrote");
      continue;
    }
    size_t len = strlen(out);
    CHECK(len < cap, "safe name of %zu bytes with cap %zu", len, cap);
    for (size_t k = 0; k < len; k++) {
      unsigned char ch = (unsigned char)out[k];
      CHECK(ch >= 0x20 && ch < 0x7F && ch != '"' && ch != '\\' && ch != '%', "byte 0x%02X in a safe name", ch);
    }
  }
  char *disp = malloc(4 * n + 100);
  size_t len = filetype_disposition(name, disp, 4 * n + 100);
  CHECK(len > 0 && len == strlen(disp), "disposition length %zu", len);
  CHECK(!strpbrk(disp, "\r\n") && strncmp(disp, "attachment", 10) == 0, "disposition '%s'", disp);
  char *exact = malloc(len + 1);
  CHECK(filetype_disposition(name, exact, len + 1) == len && strcmp(exact, disp) == 0, "cap len + 1 differs");
  CHECK(filetype_disposition(name, exact, len) == 0 && exact[0] == 0, "cap len accepted");
  free(exact);
  free(disp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 65536) return 0;
  const uint8_t *nl = memchr(data, '\n', size < 256 ? size : 256);
  if (nl && !memchr(data, 0, (size_t)(nl - data))) {
    char name[256];
    size_t n = (size_t)(nl - data);
    memcpy(name, data, n);
    name[n] = 0;
    check_file(name, nl + 1, size - n - 1);
    check_names_out(name);
    return 0;
  }
  for (size_t i = 0; i < 6; i++) {
    char name[16];
    snprintf(name, sizeof name, "f.%s", EXTS[i]);
    check_file(name, data, size);
  }
  return 0;
}

/* test_filetype.c -- the documents a buyer may attach (filetype_check) and
 * how their names go back out (filetype_safe_name, filetype_disposition).
 * The DOCX, XLSX, ODT and ZIP files are built here, entry by entry, as a zip
 * program writes them (stored, with a central directory). */
#include "model/filetype.h"

#include <stdint.h>
#include <string.h>
#include <zlib.h>

#include "../tap.h"

static const char DOCX[] = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
static const char XLSX[] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
static const char ODT[] = "application/vnd.oasis.opendocument.text";
static const char ODT_TYPE[] = "application/vnd.oasis.opendocument.text";
static const char NOT_DOCX[] = "A .docx file must be a Word document; this one is not";
static const char NOT_XLSX[] = "A .xlsx file must be an Excel spreadsheet; this one is not";
static const char NOT_ODT[] = "A .odt file must be an OpenDocument text; this one is not";
static const char NOT_ZIP[] = "A .zip file must be a ZIP archive; this one is not";
static const char NOT_PDF[] = "A .pdf file must be a PDF document; this one is not";
static const char NOT_CSV[] = "A .csv file must be plain text (UTF-8); this one is not";
static const char WEB_CSV[] = "A .csv file must be plain text; this one looks like a web page";
static const char CHOOSE[] = "Choose a PDF, DOCX, XLSX, ODT, CSV or ZIP file";
static const char FOLDER[] = "The file name must not contain a folder";

/* filetype_check as one string: "ext mime" or "ERR: why" */
static const char *check(const char *name, const void *data, size_t size) {
  static char out[512];
  const char *mime = "(unset)", *why = NULL;
  const char *ext = filetype_check(name, data, size, &mime, &why);
  if (!ext)
    snprintf(out, sizeof out, "ERR: %s%s", why ? why : "(no reason)", mime ? " (mime set)" : "");
  else
    snprintf(out, sizeof out, "%s %s", ext, mime ? mime : "(null)");
  return out;
}
#define CHECK_LIT(name, lit) check(name, lit, sizeof(lit) - 1)

static const char *err(const char *why) {
  static char out[512];
  snprintf(out, sizeof out, "ERR: %s", why);
  return out;
}

static const char *okay(const char *ext, const char *mime) {
  static char out[512];
  snprintf(out, sizeof out, "%s %s", ext, mime);
  return out;
}

/* ---- a tiny zip writer: stored entries, then the central directory ---- */

typedef struct {
  unsigned char data[4096];
  size_t len;
} Zip;

static void put16(Zip *z, unsigned v) {
  z->data[z->len++] = (unsigned char)(v & 0xFF);
  z->data[z->len++] = (unsigned char)(v >> 8 & 0xFF);
}
static void put32(Zip *z, uint32_t v) {
  put16(z, v & 0xFFFF);
  put16(z, v >> 16);
}
static void put(Zip *z, const void *p, size_t n) {
  memcpy(z->data + z->len, p, n);
  z->len += n;
}

/* entries: name, content, name, content, ..., NULL */
static Zip *zip_of(const char *const *entries) {
  static Zip z;
  uint32_t offsets[16];
  size_t n = 0;
  z.len = 0;
  for (const char *const *e = entries; *e; e += 2, n++) {
    size_t nl = strlen(e[0]), dl = strlen(e[1]);
    uint32_t crc = (uint32_t)crc32(0, (const unsigned char *)e[1], (uInt)dl);
    offsets[n] = (uint32_t)z.len;
    put32(&z, 0x04034b50);
    put16(&z, 20), put16(&z, 0), put16(&z, 0), put16(&z, 0), put16(&z, 0x21);
    put32(&z, crc), put32(&z, (uint32_t)dl), put32(&z, (uint32_t)dl);
    put16(&z, (unsigned)nl), put16(&z, 0);
    put(&z, e[0], nl);
    put(&z, e[1], dl);
  }
  size_t cd = z.len;
  n = 0;
  for (const char *const *e = entries; *e; e += 2, n++) {
    size_t nl = strlen(e[0]), dl = strlen(e[1]);
    put32(&z, 0x02014b50);
    put16(&z, 20), put16(&z, 20), put16(&z, 0), put16(&z, 0), put16(&z, 0), put16(&z, 0x21);
    put32(&z, (uint32_t)crc32(0, (const unsigned char *)e[1], (uInt)dl)), put32(&z, (uint32_t)dl),
        put32(&z, (uint32_t)dl);
    put16(&z, (unsigned)nl), put16(&z, 0), put16(&z, 0), put16(&z, 0), put16(&z, 0), put32(&z, 0);
    put32(&z, offsets[n]);
    put(&z, e[0], nl);
  }
  size_t cd_size = z.len - cd;
  put32(&z, 0x06054b50);
  put16(&z, 0), put16(&z, 0), put16(&z, (unsigned)n), put16(&z, (unsigned)n);
  put32(&z, (uint32_t)cd_size), put32(&z, (uint32_t)cd), put16(&z, 0);
  return &z;
}

static const char *const WORD[] = {"[Content_Types].xml", "<Types/>", "_rels/.rels", "<Relationships/>",
                                   "word/document.xml", "<w:document/>", NULL};
static const char *const WORD2[] = {"[Content_Types].xml", "<Types/>", "word/document2.xml", "<w:document/>", NULL};
static const char *const EXCEL[] = {"[Content_Types].xml", "<Types/>", "xl/workbook.xml", "<workbook/>",
                                    "xl/worksheets/sheet1.xml", "<worksheet/>", NULL};
static const char *const NO_WORD[] = {"[Content_Types].xml", "<Types/>", "docs/document.xml", "<x/>", NULL};
static const char *const NO_TYPES[] = {"word/document.xml", "<w:document/>", NULL};
static const char *const OPENDOC[] = {"mimetype", ODT_TYPE, "content.xml", "<office:document-content/>",
                                      "META-INF/manifest.xml", "<manifest/>", NULL};
static const char *const OPENDOC_LATE[] = {"content.xml", "<x/>", "mimetype", ODT_TYPE, NULL};
static const char *const TEMPLATE[] = {"mimetype", "application/vnd.oasis.opendocument.text-template",
                                       "content.xml", "<x/>", NULL};
static const char *const SHEET[] = {"mimetype", "application/vnd.oasis.opendocument.spreadsheet", NULL};
static const char *const PLAIN[] = {"notes.txt", "hello", "data/a.csv", "a,b\n", NULL};

static const char *check_zip(const char *name, const char *const *entries) {
  Zip *z = zip_of(entries);
  return check(name, z->data, z->len);
}

static void test_names(void) {
  const char pdf[] = "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n";
  is_str(check("spec.pdf", pdf, sizeof pdf - 1), okay("pdf", "application/pdf"), "a PDF");
  is_str(check("SPEC.PDF", pdf, sizeof pdf - 1), okay("pdf", "application/pdf"), "the extension in capitals");
  is_str(check("Spec.PdF", pdf, sizeof pdf - 1), okay("pdf", "application/pdf"), "the extension in mixed case");
  is_str(check("caf\xC3\xA9 \xE2\x82\xAC.pdf", pdf, sizeof pdf - 1), okay("pdf", "application/pdf"),
         "a UTF-8 name with a space");
  is_str(check("report.docx.pdf", pdf, sizeof pdf - 1), okay("pdf", "application/pdf"), "the last extension counts");
  is_str(check("a/b.pdf", pdf, sizeof pdf - 1), err(FOLDER), "a '/'");
  is_str(check("a\\b.pdf", pdf, sizeof pdf - 1), err(FOLDER), "a '\\'");
  is_str(check("C:\\Users\\jo\\spec.pdf", pdf, sizeof pdf - 1), err(FOLDER), "a Windows path");
  is_str(check("/etc/passwd.pdf", pdf, sizeof pdf - 1), err(FOLDER), "an absolute path");
  is_str(check("a..pdf", pdf, sizeof pdf - 1), err("The file name must not contain \"..\""), "\"..\" inside");
  is_str(check("..", pdf, sizeof pdf - 1), err("The file name must not contain \"..\""), "\"..\" alone");
  is_str(check(".hidden.pdf", pdf, sizeof pdf - 1), err("The file name must not start with a dot"), "a leading dot");
  is_str(check(".pdf", pdf, sizeof pdf - 1), err("The file name must not start with a dot"), "only an extension");
  const char *bad = "The file name contains a character that is not allowed";
  is_str(check("a\tb.pdf", pdf, sizeof pdf - 1), err(bad), "a tab");
  is_str(check("a\nb.pdf", pdf, sizeof pdf - 1), err(bad), "a line feed (header injection)");
  is_str(check("a\x7F.pdf", pdf, sizeof pdf - 1), err(bad), "DEL");
  is_str(check("a\xC2\x85.pdf", pdf, sizeof pdf - 1), err(bad), "a C1 control (NEL)");
  is_str(check("invoice\xE2\x80\xAE" "fdp.pdf", pdf, sizeof pdf - 1), err(bad), "a right-to-left override");
  is_str(check("a\xE2\x81\xA6.pdf", pdf, sizeof pdf - 1), err(bad), "a left-to-right isolate");
  is_str(check("a\xE2\x80\x8F.pdf", pdf, sizeof pdf - 1), err(bad), "a right-to-left mark");
  is_str(check("caf\xE9.pdf", pdf, sizeof pdf - 1), err("The file name is not valid text (UTF-8)"), "Latin-1, not UTF-8");
  is_str(check("a\xC0\xAF.pdf", pdf, sizeof pdf - 1), err("The file name is not valid text (UTF-8)"),
         "an overlong '/'");
  char name[256];
  memset(name, 'n', sizeof name);
  memcpy(name + 196, ".pdf", 5);
  is_str(check(name, pdf, sizeof pdf - 1), okay("pdf", "application/pdf"), "a name of 200 bytes");
  name[196] = 'n';
  memcpy(name + 197, ".pdf", 5);
  is_str(check(name, pdf, sizeof pdf - 1), err("The file name is too long"), "a name of 201 bytes");
  is_str(check(NULL, pdf, sizeof pdf - 1), err("Choose a file to upload"), "no name");
  is_str(check("", pdf, sizeof pdf - 1), err("Choose a file to upload"), "an empty name (a file input left empty)");
  is_str(check("readme", pdf, sizeof pdf - 1), err(CHOOSE), "no extension");
  is_str(check("setup.exe", pdf, sizeof pdf - 1), err(CHOOSE), ".exe");
  is_str(check("spec.pdf.exe", pdf, sizeof pdf - 1), err(CHOOSE), "a double extension ending in .exe");
  is_str(check("page.html", pdf, sizeof pdf - 1), err(CHOOSE), ".html");
  is_str(check("spec.pdf ", pdf, sizeof pdf - 1), err(CHOOSE), "a trailing space");
  is_str(check("spec.pdf.", pdf, sizeof pdf - 1), err(CHOOSE), "a trailing dot");
  is_str(check("spec.pd", pdf, sizeof pdf - 1), err(CHOOSE), "a prefix of an extension");
  is_str(check("spec.pdfx", pdf, sizeof pdf - 1), err(CHOOSE), "an extension that starts like one");
  is_str(check("spec.doc", pdf, sizeof pdf - 1), err(CHOOSE), "old Word (.doc)");
  is_str(check("spec", "", 0), err(CHOOSE), "the name is judged before the size");
}

static void test_sizes(void) {
  is_str(check("spec.pdf", "", 0), err("The file is empty"), "an empty file");
  is_str(check("spec.pdf", NULL, 0), err("The file is empty"), "no data");
  is_str(CHECK_LIT("spec.pdf", "%"), err(NOT_PDF), "one byte is not empty");
  unsigned char *big = malloc(FILETYPE_MAX + 1);
  memset(big, 'a', FILETYPE_MAX + 1);
  memcpy(big, "%PDF-1.4\n", 9);
  is_str(check("big.pdf", big, FILETYPE_MAX), okay("pdf", "application/pdf"), "exactly 25 MB");
  is_str(check("big.pdf", big, FILETYPE_MAX + 1), err("The file must be 25 MB or smaller"), "25 MB and one byte");
  is_str(check("big.csv", big + 9, FILETYPE_MAX - 9), okay("csv", "text/csv"), "a CSV of nearly 25 MB");
  free(big);
}

static void test_pdf(void) {
  is_str(CHECK_LIT("a.pdf", "%PDF-"), okay("pdf", "application/pdf"), "just the header");
  is_str(CHECK_LIT("a.pdf", "%PDF"), err(NOT_PDF), "four bytes of the header");
  is_str(CHECK_LIT("a.pdf", " %PDF-1.4"), err(NOT_PDF), "a byte before the header (polyglot)");
  is_str(CHECK_LIT("a.pdf", "%pdf-1.4"), err(NOT_PDF), "the header in lower case");
  is_str(CHECK_LIT("a.pdf", "<html>%PDF-1.4"), err(NOT_PDF), "a web page");
  is_str(check_zip("a.pdf", WORD), err(NOT_PDF), "a Word document named .pdf");
  is_str(CHECK_LIT("a.docx", "%PDF-1.4\n"), err(NOT_DOCX), "a PDF named .docx");
  is_str(CHECK_LIT("a.csv", "%PDF-1.4\n\x80\x81\n"), err(NOT_CSV), "a PDF named .csv");
}

static void test_office(void) {
  is_str(check_zip("spec.docx", WORD), okay("docx", DOCX), "a Word document");
  is_str(check_zip("spec.DOCX", WORD2), okay("docx", DOCX), "word/document2.xml (Word Online)");
  is_str(check_zip("spec.docx", NO_WORD), err(NOT_DOCX), "a zip named .docx without word/");
  is_str(check_zip("spec.docx", NO_TYPES), err(NOT_DOCX), "word/ without [Content_Types].xml");
  is_str(check_zip("spec.docx", EXCEL), err(NOT_DOCX), "a spreadsheet named .docx");
  is_str(check_zip("spec.docx", OPENDOC), err(NOT_DOCX), "an ODT named .docx");
  is_str(check_zip("spec.docx", PLAIN), err(NOT_DOCX), "a plain zip named .docx");
  is_str(check_zip("prices.xlsx", EXCEL), okay("xlsx", XLSX), "a spreadsheet");
  is_str(check_zip("prices.xlsx", WORD), err(NOT_XLSX), "a Word document named .xlsx");
  is_str(check_zip("prices.xlsx", PLAIN), err(NOT_XLSX), "a plain zip named .xlsx");
  is_str(check_zip("spec.odt", OPENDOC), okay("odt", ODT), "an OpenDocument text");
  is_str(check_zip("spec.odt", OPENDOC_LATE), err(NOT_ODT), "mimetype not the first entry");
  is_str(check_zip("spec.odt", TEMPLATE), err(NOT_ODT), "an OpenDocument template (.ott)");
  is_str(check_zip("spec.odt", SHEET), err(NOT_ODT), "an OpenDocument spreadsheet");
  is_str(check_zip("spec.odt", WORD), err(NOT_ODT), "a Word document named .odt");
  Zip *z = zip_of(OPENDOC);
  z->data[8] = 8; /* method: deflate */
  is_str(check("spec.odt", z->data, z->len), err(NOT_ODT), "a compressed mimetype");
  z = zip_of(OPENDOC);
  z->data[28] = 4; /* an extra field of 4 bytes: the content no longer sits at byte 38 */
  is_str(check("spec.odt", z->data, z->len), err(NOT_ODT), "mimetype's content not where the header says");
  is_str(CHECK_LIT("spec.odt", "PK\3\4mimetype"), err(NOT_ODT), "a local header cut short");
}

static void test_zip(void) {
  is_str(check_zip("all.zip", PLAIN), okay("zip", "application/zip"), "a zip");
  is_str(check_zip("all.zip", WORD), okay("zip", "application/zip"), "a Word document is a zip too");
  is_str(check_zip("all.zip", OPENDOC), okay("zip", "application/zip"), "an ODT is a zip too");
  const char empty[] = "PK\5\6\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0";
  is_str(check("none.zip", empty, sizeof empty - 1), okay("zip", "application/zip"), "an empty zip");
  is_str(check("none.docx", empty, sizeof empty - 1), err(NOT_DOCX), "an empty zip named .docx");
  is_str(check("none.odt", empty, sizeof empty - 1), err(NOT_ODT), "an empty zip named .odt");
  is_str(CHECK_LIT("a.zip", "PK\3\4 and nothing else"), err(NOT_ZIP), "a local header without a directory");
  is_str(CHECK_LIT("a.zip", "PK"), err(NOT_ZIP), "two bytes");
  is_str(CHECK_LIT("a.zip", "%PDF-1.4"), err(NOT_ZIP), "a PDF named .zip");

  Zip *z = zip_of(PLAIN);
  is_str(check("a.zip", z->data, z->len - 1), err(NOT_ZIP), "the end record cut by one byte");
  is_str(check("a.zip", z->data, z->len - 30), err(NOT_ZIP), "cut inside the central directory");
  z->data[z->len - 2] = 5; /* a comment of 5 bytes */
  memcpy(z->data + z->len, "hello", 5);
  is_str(check("a.zip", z->data, z->len + 5), okay("zip", "application/zip"), "a zip with a comment");
  is_str(check("a.zip", z->data, z->len + 4), err(NOT_ZIP), "a comment longer than the file");
  z = zip_of(PLAIN);
  z->data[z->len - 6] ^= 0x40; /* the directory's offset, moved */
  is_str(check("a.zip", z->data, z->len), err(NOT_ZIP), "a directory offset past the directory");
  z = zip_of(PLAIN);
  z->data[z->len - 12] = 3; /* three entries where there are two */
  z->data[z->len - 14] = 3;
  is_str(check("a.zip", z->data, z->len), err(NOT_ZIP), "more entries than the directory holds");
  z = zip_of(PLAIN);
  z->data[z->len - 18] = 1; /* another disk */
  is_str(check("a.zip", z->data, z->len), err(NOT_ZIP), "a multi-disk archive");

  /* a Windows program with a zip appended (a self-extractor) */
  static unsigned char sfx[8192];
  z = zip_of(PLAIN);
  memcpy(sfx, "MZ\x90\0", 4);
  memcpy(sfx + 4, z->data, z->len);
  is_str(check("a.zip", sfx, z->len + 4), err(NOT_ZIP), "bytes before the first local header");
}

static void test_csv(void) {
  is_str(CHECK_LIT("prices.csv", "item,price\r\nroad,1000\r\n"), okay("csv", "text/csv"), "a CSV");
  is_str(CHECK_LIT("prices.csv", "\xEF\xBB\xBFitem,price\n"), okay("csv", "text/csv"), "a UTF-8 BOM");
  is_str(CHECK_LIT("prices.csv", "caf\xC3\xA9\t\xE2\x82\xAC\n"), okay("csv", "text/csv"), "UTF-8 and tabs");
  is_str(CHECK_LIT("prices.csv", "a,\"<b>bold</b>\"\n"), okay("csv", "text/csv"), "'<' after the start is data");
  is_str(CHECK_LIT("prices.csv", "=1+1,x\n"), okay("csv", "text/csv"), "a formula is text (escaped on export)");
  is_str(CHECK_LIT("prices.csv", "a,b\0c\n"), err(NOT_CSV), "a NUL byte");
  is_str(CHECK_LIT("prices.csv", "a,b\x01\n"), err(NOT_CSV), "a control character");
  is_str(CHECK_LIT("prices.csv", "a,b\x0C\n"), err(NOT_CSV), "a form feed");
  is_str(CHECK_LIT("prices.csv", "a,b\x7F\n"), err(NOT_CSV), "DEL");
  is_str(CHECK_LIT("prices.csv", "a,b\xC2\x9B\n"), err(NOT_CSV), "a C1 control (CSI)");
  is_str(CHECK_LIT("prices.csv", "a,\xC2\xA0\n"), okay("csv", "text/csv"), "a no-break space is text");
  is_str(CHECK_LIT("prices.csv", "caf\xE9\n"), err(NOT_CSV), "Latin-1, not UTF-8");
  is_str(CHECK_LIT("prices.csv", "\xFF\xFE" "a\0,\0"), err(NOT_CSV), "UTF-16");
  is_str(CHECK_LIT("prices.csv", "a,b\xC3"), err(NOT_CSV), "a truncated character at the end");
  is_str(CHECK_LIT("page.csv", "<html><script>alert(1)</script>"), err(WEB_CSV), "an HTML file named .csv");
  is_str(CHECK_LIT("page.csv", " \r\n\t<!DOCTYPE html>"), err(WEB_CSV), "HTML after white space");
  is_str(CHECK_LIT("page.csv", "\xEF\xBB\xBF<svg onload=alert(1)>"), err(WEB_CSV), "SVG after a BOM");
  is_str(CHECK_LIT("page.csv", "<?xml version=\"1.0\"?>"), err(WEB_CSV), "XML");
  is_str(CHECK_LIT("prices.csv", "\xEF\xBB\xBF"), err("The file is empty"), "only a BOM");
  is_str(CHECK_LIT("prices.csv", "\n"), okay("csv", "text/csv"), "one line end");
  is_str(check_zip("prices.csv", PLAIN), err(NOT_CSV), "a zip named .csv");
}

static const char *safe(const char *name, size_t cap) {
  static char out[512];
  memset(out, '#', sizeof out);
  filetype_safe_name(name, out, cap);
  return cap ? out : out[0] == '#' ? "(untouched)" : "(written)";
}

static const char *disp(const char *name, size_t cap, size_t *len) {
  static char out[2048];
  memset(out, '#', sizeof out);
  *len = filetype_disposition(name, out, cap);
  return out;
}

/* filetype_safe_name: name, cap, what it writes */
static const struct {
  const char *name;
  size_t cap;
  const char *want, *what;
} SAFE[] = {
    {"spec.pdf", 64, "spec.pdf", "a plain name is kept"},
    {"caf\xC3\xA9.pdf", 64, "caf_.pdf", "one '_' for a two-byte character"},
    {"\xF0\x9F\x98\x80 x.pdf", 64, "_ x.pdf", "one '_' for a four-byte character"},
    {"a\"b\\c%d;e.pdf", 64, "a_b_c_d;e.pdf", "quotes, backslashes and '%' become '_'"},
    {"a\r\nb\x7F.pdf", 64, "a__b_.pdf", "control characters become '_'"},
    {"caf\xE9.pdf", 64, "caf_.pdf", "an invalid byte becomes '_'"},
    {"\x80x.pdf", 64, "_x.pdf", "a stray continuation byte becomes '_'"},
    {"spec.pdf", 5, "spec", "cut at cap - 1"},
    {"spec.pdf", 1, "", "cap 1: empty"},
    {"spec.pdf", 0, "(untouched)", "cap 0: nothing written"},
    {NULL, 64, "", "NULL"},
};

static void test_names_out(void) {
  for (size_t i = 0; i < sizeof SAFE / sizeof SAFE[0]; i++)
    is_str(safe(SAFE[i].name, SAFE[i].cap), SAFE[i].want, "%s", SAFE[i].what);

  size_t len;
  is_str(disp("spec.pdf", 2048, &len), "attachment; filename=\"spec.pdf\"; filename*=UTF-8''spec.pdf", "a plain name");
  is_int(len, strlen("attachment; filename=\"spec.pdf\"; filename*=UTF-8''spec.pdf"), "its length");
  is_str(disp("\xE2\x82\xAC rates \"2025\".pdf", 2048, &len),
         "attachment; filename=\"_ rates _2025_.pdf\"; filename*=UTF-8''%E2%82%AC%20rates%20%222025%22.pdf",
         "a UTF-8 name with quotes");
  is_str(disp("a\r\nSet-Cookie: x=1.pdf", 2048, &len),
         "attachment; filename=\"a__Set-Cookie: x=1.pdf\"; filename*=UTF-8''a%0D%0ASet-Cookie%3A%20x%3D1.pdf",
         "CR LF cannot end the header");
  is_str(disp("caf\xE9.pdf", 2048, &len), "attachment; filename=\"caf_.pdf\"", "not UTF-8: no filename*");
  is_str(disp(NULL, 2048, &len), "attachment", "no name");
  is_str(disp("", 2048, &len), "attachment", "an empty name");
  const char *want = "attachment; filename=\"a.pdf\"; filename*=UTF-8''a.pdf";
  is_str(disp("a.pdf", strlen(want) + 1, &len), want, "cap just big enough");
  is_int(len, strlen(want), "its length");
  is_str(disp("a.pdf", strlen(want), &len), "", "cap one short: nothing");
  is_int(len, 0, "and 0");
  char name[256] = "";
  for (int i = 0; i < 49; i++) memcpy(name + 4 * i, "\xF0\x9F\x98\x80", 4);
  memcpy(name + 196, ".pdf", 5);
  is_str(check(name, "%PDF-", 5), okay("pdf", "application/pdf"), "200 bytes of emoji and .pdf are accepted");
  disp(name, 1024, &len);
  ok(len > 0 && len < 1024, "and their disposition fits in 1024 bytes (%zu)", len);
}

int main(void) {
  test_names();
  test_sizes();
  test_pdf();
  test_office();
  test_zip();
  test_csv();
  test_names_out();
  return done_testing();
}

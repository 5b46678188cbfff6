/* test_multipart.c -- multipart/form-data bodies (multipart_boundary,
 * multipart_parse, multipart_get): framing, headers, parameters, limits. */
#include "web/multipart.h"

#include <string.h>

#include "../tap.h"

#define B "XyZ"

/* multipart_boundary as a string: the boundary or "(bad)" */
static const char *bnd(const char *ct, size_t cap) {
  static char out[128];
  int rc = multipart_boundary(ct, out, cap);
  if (rc < 0) return out[0] == 0 || cap == 0 ? "(bad)" : "(bad, out not cleared)";
  return (size_t)rc == strlen(out) ? out : "(length differs)";
}

/* multipart_boundary with cap 128: what it reads, "(bad)" when refused */
static const struct {
  const char *header, *want, *what;
} BOUNDARIES[] = {
    {"multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW", "----WebKitFormBoundary7MA4YWxkTrZu0gW",
     "Chrome's boundary"},
    {"multipart/form-data; boundary=\"a b:c=d?\"", "a b:c=d?", "a quoted boundary with bchars"},
    {"Multipart/Form-Data;BOUNDARY=abc", "abc", "type and parameter name are case-insensitive"},
    {"multipart/form-data; charset=utf-8; boundary=abc", "abc", "after another parameter"},
    {"multipart/form-data; boundary=abc;", "abc", "a trailing ';'"},
    {"multipart/form-data; boundary=\"a\\\"b\"", "(bad)", "an escaped quote is not a bchar"},
    {"multipart/form-data", "(bad)", "no boundary"},
    {"multipart/form-data; boundary=", "(bad)", "an empty boundary"},
    {"multipart/form-data; boundary=\"\"", "(bad)", "an empty quoted boundary"},
    {"multipart/form-data; boundary=a; boundary=b", "(bad)", "two boundaries"},
    {"multipart/mixed; boundary=abc", "(bad)", "another multipart type"},
    {"application/x-www-form-urlencoded", "(bad)", "a urlencoded form"},
    {NULL, "(bad)", "no header"},
    {"multipart/form-data; boundary=\"abc ", "(bad)", "an unterminated quote"},
    {"multipart/form-data; boundary=\"abc \"", "(bad)", "a space last"},
    {"multipart/form-data; boundary=a<b", "(bad)", "'<' is not a bchar"},
    {"multipart/form-data; boundary", "(bad)", "a parameter without '='"},
};

static void test_boundary(void) {
  for (size_t i = 0; i < sizeof BOUNDARIES / sizeof BOUNDARIES[0]; i++)
    is_str(bnd(BOUNDARIES[i].header, 128), BOUNDARIES[i].want, "%s", BOUNDARIES[i].what);
  char b70[80], ct[128];
  memset(b70, 'x', 70);
  b70[70] = 0;
  snprintf(ct, sizeof ct, "multipart/form-data; boundary=%s", b70);
  is_str(bnd(ct, 128), b70, "70 characters: the longest allowed");
  is_str(bnd(ct, 71), b70, "cap just big enough");
  is_str(bnd(ct, 70), "(bad)", "cap one short");
  snprintf(ct, sizeof ct, "multipart/form-data; boundary=%sx", b70);
  is_str(bnd(ct, 128), "(bad)", "71 characters");
  char longct[1100];
  memset(longct, ' ', sizeof longct - 1);
  longct[sizeof longct - 1] = 0;
  memcpy(longct, "multipart/form-data; boundary=abc;", 34);
  is_str(bnd(longct, 128), "(bad)", "a header over 1024 bytes");
}

static MultipartPart parts[8];

/* Parses body with boundary B and renders "name[file:fn|type:ct]=data;..." or
 * "ERR: why". */
static const char *parse_with(const char *body, size_t len, size_t max) {
  static char out[4096];
  size_t n = 99;
  const char *why = NULL;
  if (multipart_parse(body, len, B, parts, max, &n, &why) != 0) {
    snprintf(out, sizeof out, "ERR: %s%s", why ? why : "(no reason)", n == 0 ? "" : " (n not reset)");
    return out;
  }
  size_t o = 0;
  out[0] = 0;
  for (size_t i = 0; i < n && o < sizeof out; i++) {
    const MultipartPart *p = &parts[i];
    o += (size_t)snprintf(out + o, sizeof out - o, "%s%s", i ? ";" : "", p->name);
    if (p->is_file) o += (size_t)snprintf(out + o, sizeof out - o, "[file:%s]", p->filename);
    if (p->content_type[0]) o += (size_t)snprintf(out + o, sizeof out - o, "[type:%s]", p->content_type);
    if (o < sizeof out) o += (size_t)snprintf(out + o, sizeof out - o, "=%.*s", (int)p->size, p->data);
  }
  return out;
}
#define CD "Content-Disposition: form-data; "

/* Parsed with boundary B and max_parts 8. */
typedef struct {
  const char *body;
  size_t len;
  const char *want, *what;
} Case;
#define LIT(s) s, sizeof(s) - 1
/* one part with these header lines and the data "x" */
#define ONE(headers) LIT("--" B "\r\n" headers "\r\n\r\nx\r\n--" B "--")

static const Case PARSES[] = {
    {LIT("--" B "\r\n" CD "name=\"a\"\r\n\r\n1\r\n--" B "\r\n" CD "name=\"b\"\r\n\r\ntwo\r\n--" B "--\r\n"),
     "a=1;b=two", "two fields in order"},
    {LIT("--" B "\r\n" CD "name=\"doc\"; filename=\"spec.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
         "%PDF-1.4\r\nbinary\r\n--" B "--"),
     "doc[file:spec.pdf][type:application/pdf]=%PDF-1.4\r\nbinary", "a file with its type; CRLF inside data kept"},
    {LIT("--" B "\n" CD "name=a\n\nx\n--" B "\n" CD "name=b\n\ny\n--" B "--\n"), "a=x;b=y",
     "LF line ends are accepted"},
    {LIT("preamble text\r\nmore\r\n--" B "\r\n" CD "name=a\r\n\r\nx\r\n--" B "--\r\nepilogue\r\n--" B "\r\n"), "a=x",
     "preamble and epilogue are ignored"},
    {LIT("--" B "--"), "", "only a closing boundary: no parts"},
    {LIT("--" B "\r\n" CD "name=a\r\n\r\n\r\n--" B "--"), "a=", "empty data"},
    {LIT("--" B "\r\n" CD "name=a\r\n\r\n--" B "--"), "a=", "a delimiter right after the blank line"},
    {LIT("--" B "\r\n" CD "name=a\r\n\r\nx--" B "y\r\n--" B "z\r\n--" B "--\r\n"), "a=x--" B "y\r\n--" B "z",
     "the boundary not at a line start, or followed by more, is data"},
    {LIT("--" B " \t\r\n" CD "name=a\r\n\r\nx\r\n--" B "\t\r\n" CD "name=b\r\n\r\ny\r\n--" B "--  \r\n"), "a=x;b=y",
     "spaces and tabs after a delimiter (transport padding)"},
    {LIT("--" B "\r\n" CD "name=a\r\n\r\nx\r\r\n--" B "--"), "a=x\r", "only one CR belongs to the delimiter"},
    {ONE(CD "name=a\r\nX-Other: whatever\r\nContent-Transfer-Encoding: binary"), "a=x",
     "other headers are ignored; binary transfer encoding"},
    {LIT("--" B "\r\ncontent-disposition: FORM-DATA; NAME=\"a\"\r\n\r\nx\r\n--" B "--"), "a=x",
     "header, type and parameter names are case-insensitive"},
    {LIT("--" B "\r\n" CD "name=\"f\"; filename=\"\"\r\nContent-Type: application/octet-stream\r\n\r\n\r\n--" B "--"),
     "f[file:][type:application/octet-stream]=", "a file input left empty: a file with an empty name"},
    {LIT("--" B "\r\n" CD " name = \"a\" ;filename=x.csv ; \r\n\r\n1\r\n--" B "--"), "a[file:x.csv]=1",
     "spaces around ';' and '=', unquoted values, a trailing ';'"},
    {ONE(CD "name=\"caf\xC3\xA9\"; filename=\"\xE2\x82\xAC.pdf\""), "caf\xC3\xA9[file:\xE2\x82\xAC.pdf]=x",
     "raw UTF-8 in a name and a file name"},

    /* quoted strings */
    {ONE(CD "name=\"a\\\"b\"; filename=\"c\\\\d\""), "a\"b[file:c\\d]=x", "\\\" and \\\\ are escapes"},
    {ONE(CD "name=a; filename=\"C:\\Users\\jo\\spec.pdf\""), "a[file:C:\\Users\\jo\\spec.pdf]=x",
     "any other backslash is itself (a Windows path keeps its folders)"},
    {ONE(CD "name=a; filename=\"a;b=c.pdf\""), "a[file:a;b=c.pdf]=x", "';' and '=' inside quotes"},
    {ONE(CD "name=a; filename=\"a%22b.pdf\""), "a[file:a%22b.pdf]=x", "a browser's %22 is kept as sent"},

    /* filename* */
    {ONE(CD "name=a; filename=\"EUR.pdf\"; filename*=UTF-8''%E2%82%AC%20rates.pdf"), "a[file:\xE2\x82\xAC rates.pdf]=x",
     "filename* wins over filename"},
    {ONE(CD "name=a; filename*=utf-8'en'x.pdf; filename=\"y.pdf\""), "a[file:x.pdf]=x",
     "filename* first, charset in lower case, a language"},
    {ONE(CD "name=a; filename*=ISO-8859-1''caf%E9.csv"), "a[file:caf\xC3\xA9.csv]=x",
     "ISO-8859-1 is turned into UTF-8"},
    {ONE(CD "name=a; filename*=UTF-8''bad%zz.pdf; filename=\"ok.pdf\""), "a[file:ok.pdf]=x",
     "a broken filename* beside a filename is ignored"},
    {ONE(CD "name=a; filename*=KOI8-R''x.pdf; filename=\"ok.pdf\""), "a[file:ok.pdf]=x",
     "another charset beside a filename is ignored"},
    {ONE(CD "name=a; filename*=UTF-8''bad%zz.pdf"), "ERR: The upload could not be read", "a broken filename* alone"},
    {ONE(CD "name=a; filename*=UTF-8''a%00.pdf"), "ERR: The upload could not be read", "%00 in filename*"},
    {ONE(CD "name=a; filename*=UTF-8''a%4"), "ERR: The upload could not be read",
     "a truncated escape at the end of filename*"},
    {ONE(CD "name=a; filename*=x.pdf"), "ERR: The upload could not be read", "filename* without charset and language"},

    /* refused framing */
    {LIT(""), "ERR: The upload could not be read", "an empty body"},
    {LIT("just text"), "ERR: The upload could not be read", "no boundary at all"},
    {LIT("--" B "\r\n" CD "name=a\r\n\r\nx\r\n"), "ERR: The upload was cut short", "no closing boundary"},
    {LIT("--" B "\r\n" CD "name=a\r\n\r\nx\r\n--" B), "ERR: The upload was cut short",
     "a final delimiter without line end or \"--\""},
    {LIT("--" B "\r\n" CD "name=a\r\n\r\nx\r\n--" B "-"), "ERR: The upload was cut short", "one '-' of two"},
    {LIT("--" B "\r\n" CD "name=a\r\n"), "ERR: The upload was cut short", "headers without the blank line"},
    {LIT("--" B "\r\n" CD "name=a"), "ERR: The upload was cut short", "cut inside a header"},
    {LIT("--" B "\r\n\r\nx\r\n--" B "--"), "ERR: The upload could not be read", "no Content-Disposition"},
    {LIT("--" B "\r\nContent-Disposition: attachment; name=a\r\n\r\nx\r\n--" B "--"),
     "ERR: The upload could not be read", "not form-data"},
    {ONE(CD "filename=\"x.pdf\""), "ERR: The upload could not be read", "no name"},
    {ONE(CD "name=\"\""), "ERR: The upload could not be read", "an empty name"},
    {ONE(CD "name=a; name=b"), "ERR: The upload could not be read", "two names"},
    {ONE(CD "name=a; filename=x; FILENAME=y"), "ERR: The upload could not be read", "two filenames"},
    {ONE(CD "name=a\r\n" CD "name=b"), "ERR: The upload could not be read", "two Content-Disposition headers"},
    {ONE(CD "name=a\r\nContent-Type: a/b\r\nContent-Type: c/d"), "ERR: The upload could not be read",
     "two Content-Type headers"},
    {ONE(CD "name=\"a"), "ERR: The upload could not be read", "an unterminated quoted string"},
    {ONE(CD "name=\"a\"x"), "ERR: The upload could not be read", "bytes after a quoted string"},
    {ONE(CD "name=\"\xC3\""), "ERR: The upload could not be read", "a name that is not UTF-8"},
    {ONE(CD "\r\n name=a"), "ERR: The upload could not be read", "a folded header line"},
    {LIT("--" B "\r\nContent-Disposition : form-data; name=a\r\n\r\nx\r\n--" B "--"),
     "ERR: The upload could not be read", "a space before the colon"},
    {LIT("--" B "\r\nno colon here\r\n\r\nx\r\n--" B "--"), "ERR: The upload could not be read",
     "a header line without a colon"},
    {ONE(CD "name=a\x01"), "ERR: The upload could not be read", "a control character in a header"},
    {ONE(CD "name=a\rb"), "ERR: The upload could not be read", "a bare CR in a header"},
    {LIT("--" B "\r\n" CD "name=a\0b\r\n\r\nx\r\n--" B "--"), "ERR: The upload could not be read", "a NUL in a header"},
    {LIT("--" B "\r\n" CD "name=a\r\nContent-Transfer-Encoding: base64\r\n\r\neA==\r\n--" B "--"),
     "ERR: The upload could not be read", "base64 transfer encoding"},
};

static void test_parse(void) {
  for (size_t i = 0; i < sizeof PARSES / sizeof PARSES[0]; i++)
    is_str(parse_with(PARSES[i].body, PARSES[i].len, 8), PARSES[i].want, "%s", PARSES[i].what);
  is_str(parse_with(NULL, 0, 8), "ERR: The upload could not be read", "a NULL body");

  /* limits: parts */
  const char *three = "--" B "\r\n" CD "name=a\r\n\r\n1\r\n--" B "\r\n" CD "name=b\r\n\r\n2\r\n--" B "\r\n" CD
                      "name=c\r\n\r\n3\r\n--" B "--";
  is_str(parse_with(three, strlen(three), 3), "a=1;b=2;c=3", "as many parts as max_parts");
  is_str(parse_with(three, strlen(three), 2), "ERR: The form has too many fields or files", "one more than max_parts");
  is_str(parse_with("--" B "--", 7, 0), "", "no parts with max_parts 0");

  /* limits: headers per part, header line length, names */
  char body[8192];
  size_t o = (size_t)snprintf(body, sizeof body, "--" B "\r\n" CD "name=a\r\n");
  for (int i = 0; i < 15; i++) o += (size_t)snprintf(body + o, sizeof body - o, "X-H%d: v\r\n", i);
  size_t o16 = o;
  o += (size_t)snprintf(body + o, sizeof body - o, "\r\nx\r\n--" B "--");
  is_str(parse_with(body, o, 8), "a=x", "16 headers");
  o = o16 + (size_t)snprintf(body + o16, sizeof body - o16, "X-Last: v\r\n\r\nx\r\n--" B "--");
  is_str(parse_with(body, o, 8), "ERR: The upload could not be read", "17 headers");

  o = (size_t)snprintf(body, sizeof body, "--" B "\r\n" CD "name=a\r\nX-Long: ");
  while (o < 6 + 1 + (sizeof CD - 1) + 8 + 1024) body[o++] = 'v'; /* the line is now 1024 bytes */
  size_t at1024 = o;
  o += (size_t)snprintf(body + o, sizeof body - o, "\r\n\r\nx\r\n--" B "--");
  is_str(parse_with(body, o, 8), "a=x", "a header line of 1024 bytes");
  body[at1024] = 'v';
  o = at1024 + 1 + (size_t)snprintf(body + at1024 + 1, sizeof body - at1024 - 1, "\r\n\r\nx\r\n--" B "--");
  is_str(parse_with(body, o, 8), "ERR: The upload could not be read", "a header line of 1025 bytes");
  o = at1024 + 1 + (size_t)snprintf(body + at1024 + 1, sizeof body - at1024 - 1, "\n\nx\n--" B "--");
  is_str(parse_with(body, o, 8), "ERR: The upload could not be read", "1025 bytes with an LF line end");
  is_str(parse_with(body, at1024 + 1, 8), "ERR: The upload was cut short", "a header line cut at 1025 bytes");
  memset(body + at1024, 'v', 100);
  is_str(parse_with(body, at1024 + 100, 8), "ERR: The upload could not be read",
         "a header line already too long when the body ends");

  char name[256];
  memset(name, 'n', 200);
  name[200] = 0;
  o = (size_t)snprintf(body, sizeof body, "--" B "\r\n" CD "name=\"%s\"; filename=\"%s\"\r\n\r\nx\r\n--" B "--", name,
                       name);
  ok(strncmp(parse_with(body, o, 8), "ERR", 3) != 0 && parts[0].name[199] == 'n' && strlen(parts[0].filename) == 200,
     "a name and a file name of 200 bytes");
  o = (size_t)snprintf(body, sizeof body, "--" B "\r\n" CD "name=\"%sn\"\r\n\r\nx\r\n--" B "--", name);
  is_str(parse_with(body, o, 8), "ERR: A field name is too long", "a name of 201 bytes");
  o = (size_t)snprintf(body, sizeof body, "--" B "\r\n" CD "name=a; filename=\"%sn\"\r\n\r\nx\r\n--" B "--", name);
  is_str(parse_with(body, o, 8), "ERR: The file name is too long", "a file name of 201 bytes");
  o = (size_t)snprintf(body, sizeof body, "--" B "\r\n" CD "name=a; filename*=UTF-8''%sn\r\n\r\nx\r\n--" B "--", name);
  is_str(parse_with(body, o, 8), "ERR: The file name is too long", "a filename* of 201 bytes");
  memset(name, 0, sizeof name);
  for (int i = 0; i < 67; i++) memcpy(name + 3 * i, "%E9", 3);
  o = (size_t)snprintf(body, sizeof body, "--" B "\r\n" CD "name=a; filename*=iso-8859-1''%.198s\r\n\r\nx\r\n--" B "--",
                       name);
  ok(strncmp(parse_with(body, o, 8), "ERR", 3) != 0 && strlen(parts[0].filename) == 132,
     "66 Latin-1 characters: 132 bytes of UTF-8");
  o = (size_t)snprintf(body, sizeof body, "--" B "\r\n" CD "name=a; filename*=iso-8859-1''%s\r\n\r\nx\r\n--" B "--",
                       name);
  ok(strncmp(parse_with(body, o, 8), "ERR", 3) != 0 && strlen(parts[0].filename) == 134, "67 Latin-1 characters fit");
  char type[300];
  memset(type, 't', 255);
  type[255] = 0;
  o = (size_t)snprintf(body, sizeof body, "--" B "\r\n" CD "name=a\r\nContent-Type: %s\r\n\r\nx\r\n--" B "--", type);
  ok(strncmp(parse_with(body, o, 8), "ERR", 3) != 0 && strlen(parts[0].content_type) == 255,
     "a Content-Type of 255 bytes");
  o = (size_t)snprintf(body, sizeof body, "--" B "\r\n" CD "name=a\r\nContent-Type: %st\r\n\r\nx\r\n--" B "--", type);
  is_str(parse_with(body, o, 8), "ERR: The upload could not be read", "a Content-Type of 256 bytes");

  /* data points into the body, not past it */
  const char *lit = "--" B "\r\n" CD "name=a\r\n\r\nhello\r\n--" B "--";
  size_t n = 0;
  const char *why = NULL;
  is_int(multipart_parse(lit, strlen(lit), B, parts, 8, &n, &why), 0, "parse for the pointers");
  ok(n == 1 && parts[0].data == strstr(lit, "hello") && parts[0].size == 5, "data points into the body");
  ok(multipart_get(parts, n, "a") == &parts[0] && multipart_get(parts, n, "b") == NULL, "multipart_get");
  is_int(multipart_parse(lit, strlen(lit), "", parts, 8, &n, &why), -1, "an empty boundary is refused");
  is_int(multipart_parse(lit, strlen(lit), NULL, parts, 8, &n, &why), -1, "a NULL boundary is refused");
  is_int(multipart_parse(lit, strlen(lit), "XyZz", parts, 8, &n, &why), -1, "another boundary finds nothing");

  /* a copy on the heap of exactly its size: ASan and valgrind catch a read past it */
  const char *cut = "--" B "\r\n" CD "name=a\r\n\r\nx\r\n--" B;
  char *exact = malloc(strlen(cut));
  memcpy(exact, cut, strlen(cut));
  for (size_t k = 0; k <= strlen(cut); k++) multipart_parse(exact, k, B, parts, 8, &n, &why);
  ok(1, "every prefix of a body parses without reading past it");
  free(exact);
}

int main(void) {
  test_boundary();
  test_parse();
  return done_testing();
}

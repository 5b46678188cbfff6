/* test_scan.c -- the streaming scanner: every input shape, exact offsets and
 * lines, publisher capture, every error with its message, resumption after
 * errors, independence from chunk boundaries and compression, bounded memory
 * on 100,000 releases, and the development data set against cJSON. */
#include "ocds/scan.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <stdint.h>
#include <sys/resource.h>
#include <unistd.h>
#include <zlib.h>

#include "base/buf.h"
#include "../tap.h"

typedef unsigned long long ull;

#define MAXEV 64

/* Everything one scan produced: a compact log plus messages and texts. */
typedef struct {
  int n;
  Buf log;                   /* "R@off:line/uU[pub] E-2 ..." */
  char msg[MAXEV][512];      /* error messages, by event */
  char *text[MAXEV];         /* item texts, by event (NULL for errors) */
  uint64_t off[MAXEV];
  size_t len[MAXEV];
  char last_msg[512];        /* the last error message */
  int trailing_ok;           /* scan_next kept returning 0 after the end */
  uint64_t bytes;
} Run;

static void run_release(Run *r) {
  buf_release(&r->log);
  for (int i = 0; i < MAXEV; i++) free(r->text[i]);
  memset(r, 0, sizeof *r);
}

static void drain(Scanner *s, Run *r) {
  ScanItem it;
  Err err = ERR_INIT;
  int rc;
  memset(r, 0, sizeof *r);
  while ((rc = scan_next(s, &it, &err)) != 0) {
    if (r->n) buf_addc(&r->log, ' ');
    if (rc < 0) {
      buf_addf(&r->log, "E%d", rc);
      if (r->n < MAXEV) snprintf(r->msg[r->n], sizeof r->msg[0], "%s", err.msg);
      snprintf(r->last_msg, sizeof r->last_msg, "%s", err.msg);
    } else {
      buf_addf(&r->log, "%c@%llu:%llu/u%llu", it.kind == SCAN_RECORD ? 'C' : 'R', (ull)it.offset, (ull)it.line,
               (ull)it.unit);
      if (it.publisher) buf_addf(&r->log, "[%s]", it.publisher);
      if (r->n < MAXEV) {
        r->text[r->n] = xstrndup(it.text, it.len);
        r->off[r->n] = it.offset;
        r->len[r->n] = it.len;
      }
    }
    if (++r->n > 100000000) break;
  }
  r->trailing_ok = scan_next(s, &it, &err) == 0 && scan_next(s, &it, &err) == 0;
  r->bytes = scan_bytes(s);
  scan_free(s);
}

static void run_mem(Run *r, const char *in, size_t n, size_t chunk, size_t max_item, int jsonl) {
  Scanner *s = scan_open_mem(in, n);
  if (chunk) scan_set_chunk(s, chunk);
  if (max_item) scan_set_max_item(s, max_item);
  if (jsonl) scan_set_jsonl(s, 1);
  drain(s, r);
}

/* gzip (RFC 1952) of in; caller frees. */
static char *gzip_of(const char *in, size_t n, size_t *out_n) {
  z_stream z;
  memset(&z, 0, sizeof z);
  deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  size_t cap = deflateBound(&z, (uLong)n) + 64;
  char *out = xmalloc(cap);
  z.next_in = (Bytef *)(uintptr_t)in;
  z.avail_in = (uInt)n;
  z.next_out = (Bytef *)out;
  z.avail_out = (uInt)cap;
  int rc = deflate(&z, Z_FINISH);
  if (rc != Z_STREAM_END) abort();
  *out_n = z.total_out;
  deflateEnd(&z);
  return out;
}

static char tmpdir[64];

static char *tmp_path(const char *name) {
  static char p[4][256];
  static int k;
  char *o = p[k++ & 3];
  snprintf(o, sizeof p[0], "%s/%s", tmpdir, name);
  return o;
}

static void write_file(const char *path, const char *data, size_t n) {
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(data, 1, n, f) != n || fclose(f) != 0) {
    printf("Bail out! cannot write %s\n", path);
    exit(1);
  }
}

static char *read_file(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  Buf b = BUF_INIT;
  char tmp[65536];
  size_t k;
  while ((k = fread(tmp, 1, sizeof tmp, f)) > 0) buf_add(&b, tmp, k);
  fclose(f);
  return buf_detach(&b, n);
}

/* Appends n copies of c. */
static void add_run(Buf *b, char c, int n) {
  for (int i = 0; i < n; i++) buf_addc(b, c);
}

static uint64_t off_of(const char *in, const char *needle) {
  const char *p = strstr(in, needle);
  if (!p) {
    printf("Bail out! test bug: '%s' not in input\n", needle);
    exit(1);
  }
  return (uint64_t)(p - in);
}

/* Runs `in` through every way of reading it -- memory with the default chunk
 * and with chunks of 1 and 7 bytes, gzip in memory (chunks 3 and default), a
 * file and a gzip file -- and checks each gives the expected log and messages
 * (msgs[i] is the message of event i, NULL to skip) and items that are exactly
 * the input's bytes at their offsets. */
static void check_case_opt(const char *name, const char *in, size_t n, const char *want, const char *const *msgs,
                           size_t max_item, int jsonl) {
  Run r;
  run_mem(&r, in, n, 0, max_item, jsonl);
  int good = 1;
  if (strcmp(buf_cstr(&r.log), want) != 0) {
    good = 0;
    printf("#   got  '%s'\n#   want '%s'\n", buf_cstr(&r.log), want);
  }
  for (int i = 0; msgs && i < r.n && i < MAXEV && msgs[i]; i++) {
    if (*msgs[i] && strcmp(r.msg[i], msgs[i]) != 0) {
      good = 0;
      printf("#   message %d\n#   got  '%s'\n#   want '%s'\n", i, r.msg[i], msgs[i]);
    }
  }
  for (int i = 0; i < r.n && i < MAXEV; i++) {
    if (r.text[i] && (r.off[i] + r.len[i] > n || memcmp(in + r.off[i], r.text[i], r.len[i]) != 0)) {
      good = 0;
      printf("#   item %d is not the input's bytes at offset %llu\n", i, (ull)r.off[i]);
    }
  }
  if (!r.trailing_ok) good = 0, printf("#   scan_next did not keep returning 0 at the end\n");
  ok(good, "%s: events and messages", name);

  size_t gzn;
  char *gz = gzip_of(in, n, &gzn);
  struct {
    const char *how;
    size_t chunk;
    int gz, file;
  } ways[] = {{"1-byte chunks", 1, 0, 0}, {"7-byte chunks", 7, 0, 0}, {"gzip", 0, 1, 0}, {"gzip, 3-byte chunks", 3, 1, 0},
              {"file", 0, 0, 1},        {"gzip file", 0, 1, 1}};
  int same = 1;
  for (size_t w = 0; w < sizeof ways / sizeof ways[0]; w++) {
    Run o;
    const char *data = ways[w].gz ? gz : in;
    size_t dn = ways[w].gz ? gzn : n;
    if (ways[w].file) {
      const char *p = tmp_path(ways[w].gz ? "case.json.gz" : "case.json");
      write_file(p, data, dn);
      Err err = ERR_INIT;
      Scanner *s = scan_open_path(p, &err);
      if (max_item) scan_set_max_item(s, max_item);
      if (jsonl) scan_set_jsonl(s, 1);
      drain(s, &o);
    } else {
      run_mem(&o, data, dn, ways[w].chunk, max_item, jsonl);
    }
    int eq = strcmp(buf_cstr(&o.log), buf_cstr(&r.log)) == 0 && o.n == r.n;
    for (int i = 0; eq && i < r.n && i < MAXEV; i++) {
      eq = strcmp(o.msg[i], r.msg[i]) == 0 && (!r.text[i]) == (!o.text[i]) && (!r.text[i] || !strcmp(r.text[i], o.text[i]));
      if (!eq) printf("#   event %d differs: '%s' vs '%s'\n", i, o.msg[i], r.msg[i]);
    }
    if (!eq) {
      same = 0;
      printf("#   %s: got '%s'\n", ways[w].how, buf_cstr(&o.log));
    }
    run_release(&o);
  }
  ok(same, "%s: same events in small chunks, gzip, and from files", name);
  free(gz);
  run_release(&r);
}

static void check_case(const char *name, const char *in, const char *want, const char *const *msgs) {
  check_case_opt(name, in, strlen(in), want, msgs, 0, 0);
}

/* ---- shapes ---------------------------------------------------------------- */

static void test_shapes(void) {
  char want[512];
  {
    const char *in = "{\"uri\":\"x\",\"publisher\":{\"scheme\":\"s\",\"name\":\"Pub \\u00e9\\\"q\\ud83d\\ude00\"},"
                     "\"releases\":[{\"ocid\":\"a\",\"id\":\"1\"},\n"
                     "  {\"ocid\":\"b\",\"id\":\"2\",\"n\":[1,-2.5e+3,0.5E-2,true,false,null,{}]}],\"version\":\"1.1\"}";
    snprintf(want, sizeof want, "R@%llu:1/u0[Pub \xc3\xa9\"q\xf0\x9f\x98\x80] R@%llu:2/u0[Pub \xc3\xa9\"q\xf0\x9f\x98\x80]",
             (ull)off_of(in, "{\"ocid\":\"a\""), (ull)off_of(in, "{\"ocid\":\"b\""));
    check_case("release package: each release, publisher.name decoded", in, want, NULL);
  }
  {
    const char *in = "{\"publisher\":{\"name\":\"DNCP\"},\"records\":[{\"ocid\":\"a\",\"releases\":[{\"url\":\"u\"}],"
                     "\"compiledRelease\":{\"ocid\":\"a\"}},{\"ocid\":\"b\"}]}";
    snprintf(want, sizeof want, "C@%llu:1/u0[DNCP] C@%llu:1/u0[DNCP]", (ull)off_of(in, "{\"ocid\":\"a\""),
             (ull)off_of(in, "{\"ocid\":\"b\""));
    check_case("record package: each record, kind SCAN_RECORD", in, want, NULL);
  }
  check_case("bare release: the whole object", "{\"ocid\":\"a\",\"id\":\"1\",\"tender\":{\"id\":\"t\"}}", "R@0:1/u0", NULL);
  check_case("bare record with ocid first: whole, SCAN_RECORD",
             "{\"ocid\":\"a\",\"releases\":[{\"ocid\":\"a\",\"id\":\"1\"}],\"compiledRelease\":{\"ocid\":\"a\"}}", "C@0:1/u0",
             NULL);
  check_case("bare record with versionedRelease first, no ocid: whole, SCAN_RECORD",
             "{\"versionedRelease\":{},\"releases\":[{\"id\":\"1\"}],\"compiledRelease\":{}}", "C@0:1/u0", NULL);
  check_case("object with compiledRelease only: SCAN_RECORD", "{\"compiledRelease\":{\"ocid\":\"a\"}}", "C@0:1/u0", NULL);
  check_case("object whose releases member is not an array: whole, SCAN_RECORD", "{\"releases\":null,\"id\":\"1\"}",
             "C@0:1/u0", NULL);
  check_case("releases nested below the unit's own members do not make a package",
             "{\"x\":{\"releases\":[{\"ocid\":\"a\"}]}}", "R@0:1/u0", NULL);
  {
    const char *in = "[\n {\"publisher\":{\"name\":\"A\"},\"releases\":[{\"ocid\":\"a\"}]},\n"
                     " {\"publisher\":{\"name\":\"B\"},\"releases\":[{\"ocid\":\"b\"},{\"ocid\":\"c\"}]}\n]\n";
    snprintf(want, sizeof want, "R@%llu:2/u0[A] R@%llu:3/u1[B] R@%llu:3/u1[B]", (ull)off_of(in, "{\"ocid\":\"a\""),
             (ull)off_of(in, "{\"ocid\":\"b\""), (ull)off_of(in, "{\"ocid\":\"c\""));
    check_case("array of packages: each package a unit with its own publisher", in, want, NULL);
  }
  check_case("array of releases: each element a unit", "[{\"ocid\":\"a\"}, {\"ocid\":\"b\"}]", "R@1:1/u0 R@15:1/u1", NULL);
  check_case("JSON Lines, CRLF, trailing blank line",
             "{\"ocid\":\"a\"}\r\n{\"ocid\":\"b\"}\r\n{\"ocid\":\"c\"}\r\n\r\n",
             "R@0:1/u0 R@14:2/u1 R@28:3/u2", NULL);
  check_case("JSON Lines mixing a package and a release",
             "{\"publisher\":{\"name\":\"P\"},\"releases\":[{\"ocid\":\"a\"}]}\n{\"ocid\":\"b\"}",
             "R@38:1/u0[P] R@53:2/u1", NULL);
  check_case("concatenated values, with and without whitespace",
             "{\"ocid\":\"a\"}{\"ocid\":\"b\"} \n\n {\"ocid\":\"c\"}", "R@0:1/u0 R@12:1/u1 R@28:3/u2", NULL);
  check_case("UTF-8 BOM and whitespace before the first value", "\xEF\xBB\xBF \r\n\t{\"ocid\":\"a\"}\n", "R@7:2/u0", NULL);
  check_case("publisher after the releases array is not attached to them",
             "{\"releases\":[{\"ocid\":\"a\"}],\"publisher\":{\"name\":\"late\"}}", "R@13:1/u0", NULL);
  check_case("publisher.name that is not a string is ignored",
             "{\"publisher\":{\"name\":7},\"releases\":[{\"ocid\":\"a\"}]}", "R@36:1/u0", NULL);
  check_case("a key spelled with an escape is still recognised", "{\"rel\\u0065ases\":[{\"ocid\":\"a\"}]}",
             "R@18:1/u0", NULL);
  check_case("paired surrogate escape is fine", "{\"ocid\":\"\\ud83d\\ude00\"}", "R@0:1/u0", NULL);
  check_case("empty input", "", "", NULL);
  check_case("only whitespace", " \n\t\r\n", "", NULL);
  check_case("empty top-level array", "[ ]", "", NULL);
  check_case("empty releases array", "{\"releases\":[]}", "", NULL);
  {
    Buf b = BUF_INIT;
    buf_adds(&b, "{\"publisher\":{\"name\":\"");
    add_run(&b, 'x', 1100);
    buf_adds(&b, "\"},\"releases\":[{\"ocid\":\"a\"}]}");
    snprintf(want, sizeof want, "R@%llu:1/u0", (ull)off_of(b.data, "{\"ocid\""));
    check_case("an absurdly long publisher.name (over 1 KiB) is dropped", b.data, want, NULL);
    buf_release(&b);
  }
  {
    /* 64 levels in all are allowed: the unit object plus 63 arrays. */
    Buf b = BUF_INIT;
    buf_adds(&b, "{\"ocid\":\"a\",\"x\":");
    add_run(&b, '[', 63);
    add_run(&b, ']', 63);
    buf_addc(&b, '}');
    check_case("nesting of exactly SCAN_MAX_DEPTH levels is accepted", b.data, "R@0:1/u0", NULL);
    buf_release(&b);
  }
}

/* ---- offsets, lines, publisher, on a bigger generated package -------------- */

/* A package of n releases with strings that cross chunk boundaries in every
 * way: escapes, \u escapes, surrogate pairs, multi-byte UTF-8, numbers. */
static char *make_package(int n, size_t *len, int pretty) {
  Buf b = BUF_INIT;
  buf_adds(&b, "{\n  \"uri\": \"https://example.org/p\",\n  \"publisher\": {\"name\": \"Caf\\u00e9 \\\"Ltd\\\"\"},\n"
               "  \"releases\": [");
  for (int i = 0; i < n; i++) {
    buf_addf(&b, "%s\n    {\"ocid\": \"ocds-x-%d\", \"id\": \"%d\", \"date\": \"2024-01-01T00:00:00Z\",", i ? "," : "", i, i);
    if (pretty) buf_adds(&b, "\n      ");
    buf_addf(&b, "\"tender\": {\"title\": \"Road \\\"%d\\\" repair \\u00e9\\ud83d\\ude00 caf\xc3\xa9 \xe2\x82\xac\","
                 " \"value\": {\"amount\": %d.%02de+%d, \"currency\": \"GBP\"}, \"flags\": [true, false, null],"
                 " \"path\": \"a\\\\b\\/c\\n\"}}",
             i, i * 37 % 100000, i % 100, i % 5);
  }
  buf_adds(&b, "\n  ]\n}\n");
  return buf_detach(&b, len);
}

static void test_generated(void) {
  size_t n;
  char *in = make_package(3000, &n, 1);
  /* Reference: memory, default chunk. Check every item against the input. */
  Scanner *s = scan_open_mem(in, n);
  ScanItem it;
  Err err = ERR_INIT;
  int rc, count = 0, bad_text = 0, bad_line = 0, bad_pub = 0, bad_json = 0;
  uint64_t line = 1, pos = 0;
  Buf log = BUF_INIT;
  while ((rc = scan_next(s, &it, &err)) == 1) {
    if (it.offset + it.len > n || memcmp(in + it.offset, it.text, it.len) != 0 || it.text[it.len] != 0) bad_text++;
    for (; pos < it.offset; pos++) line += in[pos] == '\n';
    if (it.line != line) bad_line++;
    if (!it.publisher || strcmp(it.publisher, "Caf\xc3\xa9 \"Ltd\"") != 0) bad_pub++;
    cJSON *j = cJSON_ParseWithLength(it.text, it.len);
    char want_ocid[32];
    snprintf(want_ocid, sizeof want_ocid, "ocds-x-%d", count);
    if (!j || !cJSON_IsString(cJSON_GetObjectItem(j, "ocid")) ||
        strcmp(cJSON_GetObjectItem(j, "ocid")->valuestring, want_ocid) != 0)
      bad_json++;
    cJSON_Delete(j);
    buf_addf(&log, "%llu:%llu:%zu ", (ull)it.offset, (ull)it.line, it.len);
    count++;
  }
  is_int(rc, 0, "generated package: ends cleanly");
  is_int(count, 3000, "generated package: 3000 releases");
  is_int(bad_text, 0, "generated package: each item is the input's bytes at its offset, NUL-terminated");
  is_int(bad_line, 0, "generated package: each item's line is its first byte's line");
  is_int(bad_pub, 0, "generated package: each item carries the decoded publisher.name");
  is_int(bad_json, 0, "generated package: each item parses with cJSON and is the right release, in order");
  is_int(scan_bytes(s), n, "generated package: scan_bytes is the input size at the end");
  scan_free(s);

  /* The same through odd chunk sizes, gzip, and a file. */
  size_t gzn;
  char *gz = gzip_of(in, n, &gzn);
  const char *p = tmp_path("gen.json"), *pgz = tmp_path("gen.json.gz");
  write_file(p, in, n);
  write_file(pgz, gz, gzn);
  struct {
    const char *how;
    const char *data;
    size_t len, chunk;
    const char *path;
  } ways[] = {{"13-byte chunks", in, n, 13, NULL},       {"4093-byte chunks", in, n, 4093, NULL},
              {"gzip in memory", gz, gzn, 0, NULL},        {"gzip, 1000-byte chunks", gz, gzn, 1000, NULL},
              {"file", NULL, 0, 0, p},                     {"gzip file", NULL, 0, 0, pgz},
              {"file, 65537-byte chunks", NULL, 0, 65537, p}, {"file, 1000-byte chunks", NULL, 0, 1000, p},
              {"gzip file, 777-byte chunks", NULL, 0, 777, pgz}};
  for (size_t w = 0; w < sizeof ways / sizeof ways[0]; w++) {
    Scanner *t = ways[w].path ? scan_open_path(ways[w].path, &err) : scan_open_mem(ways[w].data, ways[w].len);
    if (ways[w].chunk) scan_set_chunk(t, ways[w].chunk);
    Buf l2 = BUF_INIT;
    int textdiff = 0;
    while ((rc = scan_next(t, &it, &err)) == 1) {
      buf_addf(&l2, "%llu:%llu:%zu ", (ull)it.offset, (ull)it.line, it.len);
      if (memcmp(in + it.offset, it.text, it.len) != 0) textdiff++;
    }
    ok(rc == 0 && textdiff == 0 && strcmp(buf_cstr(&l2), buf_cstr(&log)) == 0,
       "generated package, %s: same items, offsets and lines", ways[w].how);
    buf_release(&l2);
    scan_free(t);
  }
  buf_release(&log);
  free(gz);
  free(in);
}

/* ---- errors ---------------------------------------------------------------- */

static void test_errors(void) {
  char want[512], m0[512], m1[512], m2[512];
  {
    const char *in = "{\"releases\":[{\"ocid\":\"a\"},\n{\"ocid\":\"b\",\"x\":[1,2";
    uint64_t b = off_of(in, "{\"ocid\":\"b\"");
    snprintf(want, sizeof want, "R@13:1/u0 E%d", ERR_JSON);
    snprintf(m1, sizeof m1, "unexpected end of input at byte %zu (line 2) inside a release that started at byte %llu (line 2)",
             strlen(in), (ull)b);
    const char *msgs[] = {"", m1, NULL};
    check_case("truncated JSON: the complete release, then where and inside what it ended", in, want, msgs);
  }
  check_case("truncated inside a string says so", "{\"ocid\":\"abc",
             "E-2", (const char *const[]){"unexpected end of input inside a string at byte 12 (line 1) inside the object "
                                          "that started at byte 0 (line 1)", NULL});
  check_case("truncated package header", "{\"uri\":\"x\",\"releases\":[",
             "E-2", (const char *const[]){"unexpected end of input at byte 23 (line 1) inside the release package that "
                                          "started at byte 0 (line 1)", NULL});

  /* Invalid UTF-8 in one release of three: the other two still come out. */
  struct {
    const char *name, *bytes;
    int at; /* offset of the bad sequence within bytes */
  } bad[] = {{"invalid continuation", "b\xC3\x28", 1},      {"overlong '/'", "b\xC0\xAF", 1},
             {"overlong 3-byte", "bb\xE0\x80\xAF", 2},     {"UTF-8-encoded surrogate", "b\xED\xA0\x80", 1},
             {"above U+10FFFF", "b\xF4\x90\x80\x80", 1},   {"truncated sequence", "b\xE2\x82", 1},
             {"stray continuation byte", "ok \x80", 3},    {"byte 0xFF", "\xFF", 0}};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char in[256], name[128];
    snprintf(in, sizeof in, "{\"releases\":[{\"ocid\":\"a\"},\n{\"ocid\":\"%s\"},\n{\"ocid\":\"c\"}]}", bad[i].bytes);
    uint64_t b = (uint64_t)(strstr(in + 14, "{\"ocid\"") - in); /* the second release */
    uint64_t c = off_of(in, "{\"ocid\":\"c\"");
    snprintf(want, sizeof want, "R@13:1/u0 E%d R@%llu:3/u0", ERR_UTF8, (ull)c);
    snprintf(m1, sizeof m1, "invalid UTF-8 at byte %llu (line 2) in the release that started at byte %llu (line 2); skipped",
             (ull)(b + 9 + (uint64_t)bad[i].at), (ull)b);
    snprintf(name, sizeof name, "invalid UTF-8 (%s) in one release of three: exact byte, others still read", bad[i].name);
    check_case(name, in, want, (const char *const[]){"", m1, "", NULL});
  }
  check_case("invalid UTF-8 on a later line of a release names that line",
             "{\"ocid\":\"a\",\n\"t\":\"\xC3\"}", "E-8",
             (const char *const[]){"invalid UTF-8 at byte 18 (line 2) in the release that started at byte 0 (line 1); skipped",
                                   NULL});
  check_case("unpaired \\u surrogate (high, then text) is ERR_UTF8 and skips only that release",
             "{\"ocid\":\"\\ud800x\"}\n{\"ocid\":\"b\"}", "E-8 R@19:2/u1",
             (const char *const[]){"unpaired UTF-16 surrogate in a \\u escape (not representable in UTF-8) at byte 9 (line 1) "
                                   "in the release that started at byte 0 (line 1); skipped", NULL});
  check_case("unpaired \\u surrogate (lone low)", "{\"ocid\":\"x\\udc00\"}", "E-8",
             (const char *const[]){"unpaired UTF-16 surrogate in a \\u escape (not representable in UTF-8) at byte 10 (line 1) "
                                   "in the release that started at byte 0 (line 1); skipped", NULL});
  check_case("unpaired \\u surrogate (high followed by another escape)", "{\"ocid\":\"\\ud800\\n\"}", "E-8", NULL);
  check_case("unpaired \\u surrogate (high followed by a non-low \\u)", "{\"ocid\":\"\\ud800\\u0041\"}", "E-8", NULL);

  /* Over the size limit: skipped, the next one comes out. */
  {
    Buf b = BUF_INIT;
    buf_adds(&b, "[{\"ocid\":\"a\"},\n{\"ocid\":\"b\",\"pad\":\"");
    add_run(&b, 'x', 100);
    buf_adds(&b, "\"},\n{\"ocid\":\"c\"}]");
    uint64_t ob = off_of(b.data, "{\"ocid\":\"b\""), oc = off_of(b.data, "{\"ocid\":\"c\"");
    snprintf(want, sizeof want, "R@1:1/u0 E%d R@%llu:3/u2", ERR_LIMIT, (ull)oc);
    snprintf(m1, sizeof m1, "the release at byte %llu (line 2) is 121 bytes, over the limit of 60 bytes; skipped", (ull)ob);
    const char *msgs[] = {"", m1, "", NULL};
    check_case_opt("oversize item: ERR_LIMIT with offset and size, then the next item", b.data, b.len, want, msgs, 60, 0);
    buf_release(&b);
  }
  /* Over the limit by far, across many chunks: not buffered. */
  {
    Buf b = BUF_INIT;
    buf_adds(&b, "{\"releases\":[{\"ocid\":\"a\",\"pad\":\"");
    for (int i = 0; i < (3 << 20); i++) buf_addc(&b, (char)('a' + i % 26));
    buf_adds(&b, "\"},{\"ocid\":\"b\"}]}");
    Run r;
    run_mem(&r, b.data, b.len, 4096, 1 << 20, 0);
    snprintf(want, sizeof want, "E%d R@%llu:1/u0", ERR_LIMIT, (ull)off_of(b.data, "{\"ocid\":\"b\""));
    is_str(buf_cstr(&r.log), want, "a 3 MiB release over a 1 MiB limit, 4 KiB chunks: skipped, the next one read");
    snprintf(m0, sizeof m0, "the release at byte 13 (line 1) is %d bytes, over the limit of 1048576 bytes; skipped",
             (3 << 20) + 21);
    is_str(r.msg[0], m0, "... and the message gives its full size");
    run_release(&r);
    buf_release(&b);
  }

  /* Too deep. */
  {
    Buf b = BUF_INIT;
    buf_adds(&b, "{\"ocid\":\"a\"}\n{\"ocid\":\"b\",\"x\":");
    add_run(&b, '[', 64);
    add_run(&b, ']', 64);
    buf_adds(&b, "}\n{\"ocid\":\"c\"}\n");
    snprintf(m1, sizeof m1, "nesting deeper than 64 levels at byte %d (line 2) in the release that started at byte 13 "
             "(line 2); skipped", 13 + 16 + 63);
    snprintf(want, sizeof want, "R@0:1/u0 E-5 R@%llu:3/u2", (ull)off_of(b.data, "{\"ocid\":\"c\""));
    check_case("nesting deeper than SCAN_MAX_DEPTH: that release rejected (ERR_LIMIT), the next one read", b.data, want,
               (const char *const[]){"", m1, "", NULL});
    buf_release(&b);
  }

  /* JSON Lines resumption. */
  check_case("garbage line between JSON Lines: error, then the next line",
             "{\"ocid\":\"a\"}\nxyz\n{\"ocid\":\"b\"}\n", "R@0:1/u0 E-2 R@17:3/u1",
             (const char *const[]){"", "unexpected 'x', expected a JSON value at byte 13 (line 2)", "", NULL});
  check_case("JSON Lines line cut short: the intact line after it is not lost",
             "{\"ocid\":\"a\"}\n{\"ocid\":\"b\",\n{\"ocid\":\"c\"}\n", "R@0:1/u0 E-2 R@26:3/u2",
             (const char *const[]){"", "unexpected '{', expected a key (a string) at byte 26 (line 3) inside the object "
                                       "that started at byte 13 (line 2)", "", NULL});
  check_case("JSON Lines line cut inside a string",
             "{\"ocid\":\"a\"}\n{\"ocid\":\"b\n{\"ocid\":\"c\"}\n", "R@0:1/u0 E-2 R@24:3/u2",
             (const char *const[]){"", "unterminated string (a line break inside a string) at byte 23 (line 2) inside the "
                                       "object that started at byte 13 (line 2)", "", NULL});
  check_case("JSON Lines: garbage after a value on the same line", "{\"ocid\":\"a\"} x\n{\"ocid\":\"b\"}\n",
             "R@0:1/u0 E-2 R@15:2/u1", NULL);
  check_case("broken first line: resumes at the next line once", "{\"ocid\":\"a\",,}\n{\"ocid\":\"b\"}\n",
             "E-2 R@15:2/u1", NULL);
  check_case("two broken lines and no proof of JSON Lines: stops after the second", "{,}\n{,}\n{\"ocid\":\"c\"}\n",
             "E-2 E-2", NULL);
  check_case_opt("two broken lines, declared JSON Lines: the third is read", "{,}\n{,}\n{\"ocid\":\"c\"}\n", 21,
                 "E-2 E-2 R@8:3/u2", NULL, 0, 1);
  check_case("error on a later line of a multi-line value, not JSON Lines: the rest is skipped",
             "{\n \"releases\": [\n  {\"ocid\":\"a\"},\n  {\"ocid\":\"b\" \"x\"},\n  {\"ocid\":\"c\"}\n ]\n}\n{\"ocid\":\"d\"}\n",
             "R@19:3/u0 E-2",
             (const char *const[]){"", "unexpected '\"', expected ',' or '}' at byte 47 (line 4) inside a release that "
                                       "started at byte 35 (line 4)", NULL});

  /* Bad tokens, each with its exact position. */
  struct {
    const char *in, *msg;
  } tok[] = {
      {"{\"ocid\":\"a\" \"id\":\"1\"}", "unexpected '\"', expected ',' or '}' at byte 12 (line 1)"},
      {"{\"a\":tru}", "unexpected '}' inside a literal (true, false or null) at byte 8 (line 1)"},
      {"{\"a\":nulL}", "unexpected 'L' inside a literal (true, false or null) at byte 8 (line 1)"},
      {"{\"a\":01}", "unexpected '1', expected ',' or '}' at byte 6 (line 1)"},
      {"{\"a\":-}", "unexpected '}', expected a digit after '-' at byte 6 (line 1)"},
      {"{\"a\":1.}", "unexpected '}' in a number, expected a digit at byte 7 (line 1)"},
      {"{\"a\":1e}", "unexpected '}' in a number's exponent, expected a digit or a sign at byte 7 (line 1)"},
      {"{\"a\":1e+}", "unexpected '}' in a number, expected a digit at byte 8 (line 1)"},
      {"{\"a\":.5}", "unexpected '.', expected a value at byte 5 (line 1)"},
      {"{\"a\":\"\\x\"}", "invalid escape: backslash followed by 'x' at byte 7 (line 1)"},
      {"{\"a\":\"\\u12g4\"}", "invalid \\u escape: 'g' is not a hex digit at byte 10 (line 1)"},
      {"{\"a\":\"x\ty\"}", "unescaped control character 0x09 in a string at byte 7 (line 1)"},
      {"{\"a\" 1}", "unexpected '1', expected ':' after a key at byte 5 (line 1)"},
      {"{,}", "unexpected ',', expected a key (a string) or '}' at byte 1 (line 1)"},
      {"{\"a\":1,}", "unexpected '}', expected a key (a string) at byte 7 (line 1)"},
      {"{\"a\":[1,]}", "unexpected ']', expected a value at byte 8 (line 1)"},
      {"{\"a\":[1}", "unexpected '}', expected ',' or ']' (brackets do not balance) at byte 7 (line 1)"},
      {"{\"a\":x}", "unexpected 'x', expected a value at byte 5 (line 1)"},
      {"{1:2}", "unexpected '1', expected a key (a string) or '}' at byte 1 (line 1)"},
      {"{\"a\":'x'}", "unexpected byte 0x27, expected a value at byte 5 (line 1)"},
      {"{\"a\":\xC3\xA9}", "unexpected byte 0xc3, expected a value at byte 5 (line 1)"},
      {"{\"a\":nul", "unexpected end of input at byte 8 (line 1)"},
      {"{\"a\":1", "unexpected end of input at byte 6 (line 1)"},
      {"{\"a\":\"\\u12", "unexpected end of input inside a string at byte 10 (line 1)"},
  };
  for (size_t i = 0; i < sizeof tok / sizeof tok[0]; i++) {
    char name[160], m[512];
    snprintf(m, sizeof m, "%s inside the object that started at byte 0 (line 1)", tok[i].msg);
    snprintf(name, sizeof name, "syntax error %s", tok[i].in);
    check_case(name, tok[i].in, "E-2", (const char *const[]){m, NULL});
  }
  check_case("closing bracket at the top level", "{\"ocid\":\"a\"}]", "R@0:1/u0 E-2",
             (const char *const[]){"", "unexpected ']' outside any object or array at byte 12 (line 1)", NULL});
  check_case("unbalanced brackets in a package",
             "{\"releases\":[{\"ocid\":\"a\"}}", "R@13:1/u0 E-2",
             (const char *const[]){"", "unexpected '}', expected ',' or ']' (brackets do not balance) at byte 25 (line 1) "
                                       "inside the release package that started at byte 0 (line 1)", NULL});
  check_case("a broken byte order mark", "\xEF\xBB{}", "E-2",
             (const char *const[]){"unexpected '{' in what starts like a UTF-8 byte order mark at byte 2 (line 1)", NULL});
  check_case("a top-level number's end is fine at the end of input", "{\"ocid\":\"a\"}\n12", "R@0:1/u0 E-3", NULL);

  /* Not objects: ERR_OCDS, skipped. */
  check_case("non-object elements of releases are reported and skipped",
             "{\"releases\":[1,{\"ocid\":\"a\"},\"x\",[{}]]}", "E-3 R@15:1/u0 E-3 E-3",
             (const char *const[]){"element 0 of \"releases\", at byte 13 (line 1), is a number, not an object; skipped", "",
                                   "element 2 of \"releases\", at byte 28 (line 1), is a string, not an object; skipped",
                                   "element 3 of \"releases\", at byte 32 (line 1), is an array, not an object; skipped", NULL});
  check_case("top-level values that are not objects are reported and skipped",
             "1\n{\"ocid\":\"a\"}\n\"s\"\nnull\n", "E-3 R@2:2/u1 E-3 E-3",
             (const char *const[]){"the top-level value at byte 0 (line 1) is a number, not an object; skipped", "",
                                   "the top-level value at byte 15 (line 3) is a string, not an object; skipped",
                                   "the top-level value at byte 19 (line 4) is null, not an object; skipped", NULL});
  check_case("elements of a top-level array that are not objects",
             "[{\"ocid\":\"a\"},true]", "R@1:1/u0 E-3",
             (const char *const[]){"", "element 1 of the top-level array, at byte 14 (line 1), is a boolean, not an object; "
                                       "skipped", NULL});
  (void)m2;
}

static void test_gzip_errors(void) {
  size_t n, gzn;
  char *in = make_package(2000, &n, 0);
  char *gz = gzip_of(in, n, &gzn);
  char want[512];

  /* Truncated: the compressed stream cut at 60%. */
  size_t cut = gzn * 6 / 10;
  const char *p = tmp_path("trunc.json.gz");
  write_file(p, gz, cut);
  for (int from_file = 0; from_file <= 1; from_file++) {
    Err err = ERR_INIT;
    Scanner *s = from_file ? scan_open_path(p, &err) : scan_open_mem(gz, cut);
    ScanItem it;
    int rc, items = 0, last_rc = 0;
    char msg[512] = "";
    while ((rc = scan_next(s, &it, &err)) != 0) {
      if (rc == 1) items++;
      else {
        last_rc = rc;
        snprintf(msg, sizeof msg, "%s", err.msg);
        break;
      }
    }
    uint64_t got = scan_bytes(s);
    ok(items > 500 && items < 2000, "truncated gzip (%s): the releases before the cut come out (%d)",
       from_file ? "file" : "memory", items);
    is_int(last_rc, ERR_IO, "truncated gzip (%s): then ERR_IO", from_file ? "file" : "memory");
    snprintf(want, sizeof want, "truncated gzip stream: the compressed input ends before the end of the gzip data (after "
             "decompressed byte %llu, line", (ull)got);
    ok(strncmp(msg, want, strlen(want)) == 0, "truncated gzip (%s): message names the decompressed offset", from_file ? "file" : "memory");
    if (strncmp(msg, want, strlen(want)) != 0) printf("#   got '%s'\n#   want '%s...'\n", msg, want);
    is_int(scan_next(s, &it, &err), 0, "truncated gzip (%s): then the end", from_file ? "file" : "memory");
    scan_free(s);
  }
  /* Truncated right after the header: no data at all. */
  {
    Run r;
    run_mem(&r, gz, 12, 0, 0, 0);
    ok(strcmp(buf_cstr(&r.log), "E-1") == 0 && strstr(r.msg[0], "truncated gzip stream") != NULL,
       "gzip cut inside its first block: ERR_IO at once");
    run_release(&r);
  }
  /* Corrupt: a wrong CRC in the trailer (all data inflates, the check fails),
   * and a wrong compression method in the header. */
  {
    char *bad = xmalloc(gzn);
    memcpy(bad, gz, gzn);
    bad[gzn - 8] ^= 0x55;
    Err err = ERR_INIT;
    Scanner *s = scan_open_mem(bad, gzn);
    ScanItem it;
    int rc, items = 0;
    while ((rc = scan_next(s, &it, &err)) == 1) items++;
    snprintf(want, sizeof want, "corrupt gzip data after decompressed byte %zu: incorrect data check", n);
    ok(rc == ERR_IO && !strcmp(err.msg, want), "gzip with a bad CRC: ERR_IO at the end (%s)", err.msg);
    is_int(items, 2000, "gzip with a bad CRC: the data before the check was read");
    scan_free(s);
    memcpy(bad, gz, gzn);
    bad[2] = 7;
    Run r;
    run_mem(&r, bad, gzn, 0, 0, 0);
    ok(!strcmp(buf_cstr(&r.log), "E-1") && strstr(r.msg[0], "corrupt gzip data after decompressed byte 0"),
       "gzip with an unknown method: ERR_IO at once (%s)", r.msg[0]);
    run_release(&r);
    free(bad);
  }
  /* Two gzip members back to back are one stream (as gzip -c a b > ab). */
  {
    size_t n2;
    const char *one = "{\"ocid\":\"a\"}\n";
    char *g1 = gzip_of(one, strlen(one), &n2);
    char *two = xmalloc(2 * n2 + 4);
    memcpy(two, g1, n2);
    memcpy(two + n2, g1, n2);
    Run r;
    run_mem(&r, two, 2 * n2, 0, 0, 0);
    is_str(buf_cstr(&r.log), "R@0:1/u0 R@13:2/u1", "multi-member gzip: both members read");
    run_release(&r);
    memcpy(two + 2 * n2, "xyz!", 4);
    for (size_t chunk = 0; chunk <= 5; chunk += 5) {
      run_mem(&r, two, 2 * n2 + 4, chunk, 0, 0);
      is_str(buf_cstr(&r.log), "R@0:1/u0 R@13:2/u1 E-1", "gzip followed by garbage: the members read, then ERR_IO (chunk %zu)",
             chunk);
      snprintf(want, sizeof want,
               "data after the end of the gzip data (after decompressed byte 26): 'x' at compressed byte %zu does not "
               "start another gzip member; the rest of the file is not read", 2 * n2);
      is_str(r.msg[2], want, "... and the message names the byte and where it is");
      run_release(&r);
    }
    two[2 * n2] = 0x1f; /* one byte of a magic number, then the end */
    run_mem(&r, two, 2 * n2 + 1, 0, 0, 0);
    ok(!strcmp(buf_cstr(&r.log), "R@0:1/u0 R@13:2/u1 E-1") && strstr(r.msg[2], "byte 0x1f at compressed byte"),
       "gzip followed by a lone 0x1f byte: ERR_IO (%s)", r.msg[2]);
    run_release(&r);
    free(two);
    free(g1);
  }
  free(gz);
  free(in);
}

/* ---- nesting deeper than SCAN_MAX_DEPTH (attack report, finding 9) ------- */

/* A pretty-printed package: one good release, one with `depth` arrays nested
 * inside it, then `after` good releases. */
static char *deep_package(int depth, int after, size_t *len) {
  Buf b = BUF_INIT;
  buf_adds(&b, "{\n  \"version\": \"1.1\",\n  \"releases\": [\n    {\"ocid\": \"ocds-before\", \"id\": \"1\"},\n"
               "    {\"ocid\": \"ocds-deep\", \"id\": \"2\",\n      \"deep\": ");
  add_run(&b, '[', depth);
  buf_adds(&b, "\"]}[{\\\"\", {\"k\": \"[[\"}"); /* brackets in strings do not count */
  add_run(&b, ']', depth);
  buf_adds(&b, ",\n      \"tender\": {\"title\": \"t\"}}");
  for (int i = 0; i < after; i++) buf_addf(&b, ",\n    {\"ocid\": \"ocds-after-%d\", \"id\": \"%d\"}", i, i);
  buf_adds(&b, "\n  ]\n}\n");
  return buf_detach(&b, len);
}

static int count_items(Run *r) {
  int n = 0;
  for (const char *p = buf_cstr(&r->log); (p = strstr(p, "R@")); p++) n++;
  return n;
}

static void test_deep(void) {
  char want[512];
  /* The report's case: 70 levels inside a release, 1000 releases after it. */
  {
    size_t n;
    char *in = deep_package(70, 1000, &n);
    uint64_t d = off_of(in, "{\"ocid\": \"ocds-deep\""), deep_at = off_of(in, "[[[") + 64 - 3;
    Run r, r7, rg;
    run_mem(&r, in, n, 0, 0, 0);
    is_int(count_items(&r), 1001, "a release nested 70 deep in a package: the 1000 releases after it are read");
    snprintf(want, sizeof want, "R@%llu:4/u0 E-5 R@", (ull)off_of(in, "{\"ocid\": \"ocds-before\""));
    ok(!strncmp(buf_cstr(&r.log), want, strlen(want)), "... the one before it too, and it is rejected with ERR_LIMIT");
    snprintf(want, sizeof want, "nesting deeper than 64 levels at byte %llu (line 6) in the release that started at byte "
             "%llu (line 5); skipped", (ull)deep_at, (ull)d);
    is_str(r.msg[1], want, "... the message names where it is too deep and which release is skipped");
    ok(r.trailing_ok, "... and the scan ends cleanly");
    run_mem(&r7, in, n, 7, 0, 0);
    size_t gzn;
    char *gz = gzip_of(in, n, &gzn);
    run_mem(&rg, gz, gzn, 3, 0, 0);
    ok(!strcmp(buf_cstr(&r.log), buf_cstr(&r7.log)) && !strcmp(buf_cstr(&r.log), buf_cstr(&rg.log)) &&
           !strcmp(r.msg[1], r7.msg[1]) && !strcmp(r.msg[1], rg.msg[1]),
       "... the same in 7-byte chunks and gzipped in 3-byte chunks");
    run_release(&r);
    run_release(&r7);
    run_release(&rg);
    free(gz);
    free(in);
  }
  /* Any depth: the scanner keeps a count there, not a stack. */
  {
    static const int depths[] = {60, 61, 100, 100000, 3000000};
    for (size_t i = 0; i < sizeof depths / sizeof depths[0]; i++) {
      size_t n;
      char *in = deep_package(depths[i], 2, &n);
      Run r;
      run_mem(&r, in, n, 0, 0, 0);
      /* a release at depth 3 in a package, 60 arrays in it, an object in those: 64 levels */
      char got[64];
      snprintf(got, sizeof got, "%s", buf_cstr(&r.log));
      for (char *p = got; *p; p++) /* keep only the kinds: "R@12:4/u0" -> "R" */
        if (*p == '@') {
          char *q = strchr(p, ' ');
          memmove(p, q ? q : p + strlen(p), strlen(q ? q : p + strlen(p)) + 1);
        }
      is_str(got, depths[i] <= 60 ? "R R R R" : "R E-5 R R", "a release nested %d deep: %s", depths[i],
             depths[i] <= 60 ? "accepted" : "rejected, the rest read");
      run_release(&r);
      free(in);
    }
  }
  /* The report's files (../shared/reproducers/attack/ingest). */
  {
    static const char *const files[] = {"nest_pkg_63.json", "nest_pkg_64.json", "nest_pkg_65.json", "nest_pkg_100.json",
                                        "nest_pkg_100000.json"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
      char path[512];
      snprintf(path, sizeof path, "%s/reproducers/attack/ingest/%s", tap_shared(), files[i]);
      Err err = ERR_INIT;
      Scanner *sc = scan_open_path(path, &err);
      if (!sc) {
        ok(0, "%s: %s", files[i], err.msg);
        continue;
      }
      Run r;
      drain(sc, &r);
      ok(count_items(&r) == 2 && strstr(buf_cstr(&r.log), " E-5 ") && !strncmp(r.msg[1], "nesting deeper than 64 levels at byte ", 38),
         "%s: the deep release rejected (%s), the one after it read", files[i], r.msg[1]);
      run_release(&r);
    }
  }
  /* Too deep outside any release: package metadata is skipped silently, the
   * releases after it read; a top-level array of arrays is reported once. */
  {
    Buf b = BUF_INIT;
    buf_adds(&b, "{\"extensions\":");
    add_run(&b, '[', 80);
    add_run(&b, ']', 80);
    buf_adds(&b, ",\"releases\":[{\"ocid\":\"a\"}]}");
    snprintf(want, sizeof want, "R@%llu:1/u0", (ull)off_of(b.data, "{\"ocid\""));
    check_case("too deep in a package's metadata: skipped, its releases read", b.data, want, NULL);
    buf_reset(&b);
    add_run(&b, '[', 80);
    add_run(&b, ']', 80);
    buf_adds(&b, "\n{\"ocid\":\"a\"}\n");
    check_case("a top-level array of arrays 80 deep: one error, the next value read", b.data, "E-3 R@161:2/u1",
               (const char *const[]){"element 0 of the top-level array, at byte 1 (line 1), is an array, not an object; skipped",
                                     "", NULL});
    buf_reset(&b);
    buf_adds(&b, "{\"ocid\":\"a\",\"x\":");
    add_run(&b, '[', 80);
    check_case("too deep, then the end of input: the end is reported", b.data, "E-2",
               (const char *const[]){"unexpected end of input at byte 96 (line 1) inside the object that started at byte 0 "
                                     "(line 1)", NULL});
    buf_reset(&b);
    buf_adds(&b, "{\"ocid\":\"a\",\"x\":");
    add_run(&b, '[', 80);
    buf_adds(&b, "\"\\\"]]]\\\\\"");
    add_run(&b, ']', 80);
    buf_adds(&b, "}\n{\"ocid\":\"b\"}");
    snprintf(want, sizeof want, "E-5 R@%llu:2/u1", (ull)off_of(b.data, "{\"ocid\":\"b\""));
    check_case("too deep: escaped quotes and backslashes in its strings are followed", b.data, want, NULL);
    buf_release(&b);
  }
  /* JSON Lines: a line must close what it opens; a deep line cut short costs
   * only itself. */
  {
    Buf b = BUF_INIT;
    buf_adds(&b, "{\"ocid\":\"a\"}\n{\"ocid\":\"b\",\"x\":");
    add_run(&b, '[', 70);
    buf_adds(&b, "1\n{\"ocid\":\"c\"}\n");
    uint64_t c = off_of(b.data, "{\"ocid\":\"c\""), at = off_of(b.data, "[") + 63;
    snprintf(want, sizeof want, "R@0:1/u0 E-5 R@%llu:3/u2", (ull)c);
    char m1[512];
    snprintf(m1, sizeof m1, "nesting deeper than 64 levels from byte %llu (line 2) still open at the end of the line at "
             "byte %llu (line 2) inside the object that started at byte 13 (line 2)", (ull)at, (ull)(c - 1));
    check_case("JSON Lines: a line nested too deep and cut short, the next line read", b.data, want,
               (const char *const[]){"", m1, "", NULL});
    buf_release(&b);
    char path[512];
    snprintf(path, sizeof path, "%s/reproducers/attack/ingest/nest_jsonl_100000.jsonl", tap_shared());
    Err err = ERR_INIT;
    Scanner *sc = scan_open_path(path, &err);
    if (sc) {
      Run r;
      drain(sc, &r);
      ok(count_items(&r) == 2 && strstr(buf_cstr(&r.log), " E-5 "), "nest_jsonl_100000.jsonl: the deep line rejected, the next read (%s)",
         buf_cstr(&r.log));
      run_release(&r);
    } else {
      ok(0, "nest_jsonl_100000.jsonl: %s", err.msg);
    }
  }
}

/* ---- gzip: what follows a member, and bombs (findings 18 and 19) ---------- */

static void test_gzip_limits(void) {
  char want[512];
  /* The report's files. */
  {
    static const struct {
      const char *file, *log, *msg;
    } cases[] = {
        {"gz_two_members.json", "R@0:1/u0 R@", NULL},
        {"gz_then_plain.json", "R@0:1/u0 E-1", "data after the end of the gzip data (after decompressed byte "},
        {"gz_trailing_garbage.json", "R@", "data after the end of the gzip data (after decompressed byte "},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
      char path[512];
      snprintf(path, sizeof path, "%s/reproducers/attack/ingest/%s", tap_shared(), cases[i].file);
      Err err = ERR_INIT;
      Scanner *sc = scan_open_path(path, &err);
      if (!sc) {
        ok(0, "%s: %s", cases[i].file, err.msg);
        continue;
      }
      Run r;
      drain(sc, &r);
      const char *log = buf_cstr(&r.log);
      int good = !strncmp(log, cases[i].log, strlen(cases[i].log));
      if (cases[i].msg) {
        good = good && r.n >= 2 && !strcmp(log + strlen(log) - 4, " E-1") && !strncmp(r.last_msg, cases[i].msg, strlen(cases[i].msg));
      } else {
        good = good && count_items(&r) == 2 && !strstr(log, "E");
      }
      ok(good, "%s: %s (%d events%s%s)", cases[i].file, cases[i].msg ? "the data before read, then ERR_IO" : "both members read",
         r.n, cases[i].msg ? ": " : "", r.last_msg);
      run_release(&r);
    }
  }
  /* A bomb: 4 MiB of blanks between two releases gzip to about 4 KiB; the
   * default ratio limit stops it after 1 MiB. */
  {
    size_t n = (4u << 20) + 32, gzn;
    char *in = xmalloc(n);
    memset(in, ' ', n);
    memcpy(in, "{\"ocid\":\"a\"}", 12);
    memcpy(in + n - 13, "{\"ocid\":\"b\"}\n", 13);
    char *gz = gzip_of(in, n, &gzn);
    for (int from_file = 0; from_file < 2; from_file++) {
      Run r;
      if (from_file) {
        const char *p = tmp_path("bomb.json.gz");
        write_file(p, gz, gzn);
        Err err = ERR_INIT;
        drain(scan_open_path(p, &err), &r);
      } else {
        run_mem(&r, gz, gzn, 0, 0, 0);
      }
      is_str(buf_cstr(&r.log), "R@0:1/u0 E-1", "gzip bomb (%zu bytes to %zu, %s): the release before read, then ERR_IO", gzn, n,
             from_file ? "file" : "memory");
      snprintf(want, sizeof want,
               "gzip data expands more than 100 times its compressed size, %zu bytes (after decompressed byte %u), over "
               "the limit for a real file (a gzip bomb?); the rest of the file is not read",
               gzn, SCAN_GZ_RATIO_FLOOR);
      is_str(r.msg[1], want, "... the message names the limit");
      ok(r.bytes == SCAN_GZ_RATIO_FLOOR, "... and no more than the limit was decompressed (%llu)", (ull)r.bytes);
      run_release(&r);
    }
    /* Through a pipe (its size unknown): the bytes read so far count. */
    int fds[2], saved = dup(0);
    if (saved >= 0 && pipe(fds) == 0 && write(fds[1], gz, gzn) == (ssize_t)gzn && close(fds[1]) == 0 &&
        dup2(fds[0], 0) == 0) {
      close(fds[0]);
      Run r;
      Err err = ERR_INIT;
      drain(scan_open_path("-", &err), &r);
      snprintf(want, sizeof want,
               "gzip data expands more than 100 times the %zu compressed bytes read so far (after decompressed byte %u), "
               "over the limit for a real file (a gzip bomb?); the rest of the file is not read",
               gzn, SCAN_GZ_RATIO_FLOOR);
      ok(!strcmp(buf_cstr(&r.log), "R@0:1/u0 E-1") && !strcmp(r.msg[1], want), "gzip bomb through a pipe: stopped (%s)",
         r.msg[1]);
      run_release(&r);
    } else {
      ok(0, "gzip bomb through a pipe: cannot set up the pipe");
    }
    if (saved >= 0) {
      dup2(saved, 0);
      close(saved);
    }
    /* A ratio of 10,000 lets it through. */
    Scanner *s = scan_open_mem(gz, gzn);
    scan_set_gz_limits(s, 0, 10000);
    Run r;
    drain(s, &r);
    snprintf(want, sizeof want, "R@0:1/u0 R@%zu:1/u1", n - 13);
    is_str(buf_cstr(&r.log), want, "the same bomb with a ratio limit of 10,000: read whole");
    run_release(&r);
    free(gz);
    free(in);
  }
  /* The size limit: output stops exactly there, whatever the chunk size; at
   * exactly the limit the file is whole. */
  {
    size_t n, gzn;
    char *in = make_package(300, &n, 0);
    char *gz = gzip_of(in, n, &gzn);
    uint64_t limit = n / 2;
    Buf logs[3] = {BUF_INIT, BUF_INIT, BUF_INIT};
    static const size_t chunks[] = {0, 1, 4093};
    int items[3] = {0};
    for (int k = 0; k < 3; k++) {
      Scanner *s = scan_open_mem(gz, gzn);
      scan_set_chunk(s, chunks[k]);
      scan_set_gz_limits(s, limit, 0);
      Run r;
      drain(s, &r);
      buf_adds(&logs[k], buf_cstr(&r.log));
      buf_addf(&logs[k], " %s %llu", r.last_msg, (ull)r.bytes);
      items[k] = count_items(&r);
      run_release(&r);
    }
    snprintf(want, sizeof want,
             "gzip data over the limit of %llu decompressed bytes for one file (after decompressed byte %llu); the rest of "
             "the file is not read (decompress it to ingest it as plain JSON) %llu",
             (ull)limit, (ull)limit, (ull)limit);
    const char *l0 = buf_cstr(&logs[0]);
    ok(strlen(l0) > strlen(want) && !strcmp(l0 + strlen(l0) - strlen(want), want) && items[0] > 100 && items[0] < 160,
       "gzip over a %llu-byte size limit: %d releases, then ERR_IO naming the limit", (ull)limit, items[0]);
    ok(!strcmp(l0, buf_cstr(&logs[1])) && !strcmp(l0, buf_cstr(&logs[2])), "... the same in 1-byte and 4093-byte chunks");
    for (int k = 0; k < 3; k++) buf_release(&logs[k]);
    Scanner *s = scan_open_mem(gz, gzn);
    scan_set_gz_limits(s, n, 0);
    Run r;
    drain(s, &r);
    ok(count_items(&r) == 300 && !strstr(buf_cstr(&r.log), "E"), "gzip of exactly the size limit: read whole");
    run_release(&r);
    free(gz);
    free(in);
  }
}

static void test_open(void) {
  Err err = ERR_INIT;
  Scanner *s = scan_open_path("/nonexistent/x.json", &err);
  ok(s == NULL && err.code == ERR_IO && strstr(err.msg, "'/nonexistent/x.json'") && strstr(err.msg, "No such file"),
     "open a missing file: NULL, ERR_IO naming the path (%s)", err.msg);
  err_clear(&err);
  s = scan_open_path(tmpdir, &err);
  ok(s == NULL && err.code == ERR_IO && strstr(err.msg, "directory"), "open a directory: NULL, ERR_IO (%s)", err.msg);
  /* A .jsonl path is declared JSON Lines. */
  const char *in = "{\"ocid\":\"a\",\n1}\n{\"ocid\":\"b\"}\n";
  const char *p = tmp_path("x.jsonl");
  write_file(p, in, strlen(in));
  s = scan_open_path(p, &err);
  Run r;
  drain(s, &r);
  is_str(buf_cstr(&r.log), "E-2 R@16:3/u1", "a .jsonl path is JSON Lines: the line after a broken one is read");
  run_release(&r);
  p = tmp_path("x.json");
  write_file(p, in, strlen(in));
  drain(scan_open_path(p, &err), &r);
  is_str(buf_cstr(&r.log), "E-2", "the same bytes as .json: a multi-line value broke, the rest is skipped");
  run_release(&r);
  /* Standard input. */
  p = tmp_path("stdin.json");
  write_file(p, "{\"ocid\":\"a\"}", 12);
  if (freopen(p, "rb", stdin)) {
    drain(scan_open_path("-", &err), &r);
    is_str(buf_cstr(&r.log), "R@0:1/u0", "\"-\" reads standard input");
    run_release(&r);
  } else {
    ok(0, "\"-\" reads standard input (freopen failed)");
  }
}

/* ---- 100,000 releases stream in bounded memory ----------------------------- */

static long max_rss_kb(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

static void test_streaming(void) {
  const char *p = tmp_path("big.json");
  FILE *f = fopen(p, "wb");
  if (!f) {
    printf("Bail out! cannot write %s\n", p);
    exit(1);
  }
  fputs("{\"publisher\":{\"name\":\"Big\"},\"releases\":[\n", f);
  char pad[400];
  memset(pad, 'x', sizeof pad - 1);
  pad[sizeof pad - 1] = 0;
  for (int i = 0; i < 100000; i++)
    fprintf(f, "%s{\"ocid\":\"ocds-%d\",\"id\":\"%d\",\"tender\":{\"title\":\"%s\",\"value\":{\"amount\":%d}}}\n",
            i ? "," : "", i, i, pad, i);
  fputs("]}\n", f);
  long size = ftell(f);
  fclose(f);
  long before = max_rss_kb();
  Err err = ERR_INIT;
  Scanner *s = scan_open_path(p, &err);
  ScanItem it;
  int rc, items = 0, wrong = 0;
  while ((rc = scan_next(s, &it, &err)) == 1) {
    if (it.line != (uint64_t)items + 2 || !it.publisher) wrong++;
    items++;
  }
  is_int(rc, 0, "100,000 releases: clean end");
  is_int(items, 100000, "100,000 releases: all streamed");
  is_int(wrong, 0, "100,000 releases: lines and publisher right throughout");
  is_int(scan_bytes(s), size, "100,000 releases: every byte consumed");
  scan_free(s);
  long grew = max_rss_kb() - before;
  ok(grew < 16 * 1024, "100,000 releases (%ld MB file): peak RSS grew by %ld KB, not by the file size", size >> 20, grew);
  remove(p);
}

/* ---- the development data set ---------------------------------------------- */

/* What cJSON says a file holds: items per the rules in scan.h. */
static int expected_items(cJSON *unit, int *records) {
  if (!cJSON_IsObject(unit)) return 0;
  int blocked = 0;
  for (cJSON *m = unit->child; m; m = m->next) {
    if (!strcmp(m->string, "ocid") || !strcmp(m->string, "compiledRelease") || !strcmp(m->string, "versionedRelease"))
      blocked = 1;
    if (!blocked && cJSON_IsArray(m) && (!strcmp(m->string, "releases") || !strcmp(m->string, "records"))) {
      int k = cJSON_GetArraySize(m);
      if (!strcmp(m->string, "records")) *records += k;
      return k;
    }
  }
  if (cJSON_GetObjectItemCaseSensitive(unit, "compiledRelease") || cJSON_GetObjectItemCaseSensitive(unit, "releases") ||
      cJSON_GetObjectItemCaseSensitive(unit, "versionedRelease"))
    ++*records;
  return 1;
}

static void test_dev_data(void) {
  static const struct {
    const char *dir;
    int items, records;
  } folders[] = {
      {"uk-contracts-finder/api-2022-2025", 300, 0},
      {"uk-contracts-finder/legacy-2014-2015/packages", 200, 0},
      {"uk-contracts-finder/legacy-2014-2015/releases", 21, 0},
      {"uk-contracts-finder/legacy-2014-2015/records", 11, 11},
      {"colombia-compra-eficiente", 100, 0},
      {"portugal-impic", 100, 0},
      {"paraguay-dncp/records", 16, 12},
  };
  int per_file_ok = 1, files = 0, gz_errors = 0;
  size_t gz_ratio = 0;
  for (size_t d = 0; d < sizeof folders / sizeof folders[0]; d++) {
    char dir[512];
    snprintf(dir, sizeof dir, "%s/data/ocds/dev/%s", tap_shared(), folders[d].dir);
    DIR *dh = opendir(dir);
    if (!dh) {
      ok(0, "dev data %s: cannot open %s", folders[d].dir, dir);
      continue;
    }
    int items = 0, records = 0, errors = 0, mismatch = 0, cj_items = 0, cj_records = 0, nfiles = 0;
    struct dirent *e;
    while ((e = readdir(dh))) {
      size_t nl = strlen(e->d_name);
      if (nl < 5 || strcmp(e->d_name + nl - 5, ".json") != 0) continue;
      char path[1024];
      snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
      size_t n;
      char *data = read_file(path, &n);
      cJSON *whole = cJSON_ParseWithLength(data, n);
      int file_items = 0;
      if (cJSON_IsArray(whole)) {
        for (cJSON *u = whole->child; u; u = u->next) file_items += expected_items(u, &cj_records);
      } else {
        file_items = expected_items(whole, &cj_records);
      }
      cj_items += file_items;
      Err err = ERR_INIT;
      Scanner *s = scan_open_path(path, &err);
      ScanItem it;
      int rc, got = 0;
      uint64_t line = 1, pos = 0;
      while ((rc = scan_next(s, &it, &err)) != 0) {
        if (rc < 0) {
          errors++;
          printf("#   %s: %s\n", e->d_name, err.msg);
          continue;
        }
        got++;
        items++;
        records += it.kind == SCAN_RECORD;
        for (; pos < it.offset; pos++) line += data[pos] == '\n';
        cJSON *j = cJSON_ParseWithLength(it.text, it.len);
        if (!j || it.line != line || memcmp(data + it.offset, it.text, it.len) != 0) mismatch++;
        cJSON_Delete(j);
      }
      if (got != file_items) {
        per_file_ok = 0;
        printf("#   %s: %d items, cJSON says %d\n", e->d_name, got, file_items);
      }
      scan_free(s);
      { /* gzipped with the default limits, the file reads the same */
        size_t gzn;
        char *gz = gzip_of(data, n, &gzn);
        s = scan_open_mem(gz, gzn);
        int gz_got = 0;
        while ((rc = scan_next(s, &it, &err)) != 0) {
          if (rc > 0) gz_got++;
          else gz_errors++, printf("#   %s gzipped: %s\n", e->d_name, err.msg);
        }
        if (gz_got != got) gz_errors++;
        if (n / gzn > gz_ratio) gz_ratio = n / gzn;
        scan_free(s);
        free(gz);
      }
      cJSON_Delete(whole);
      free(data);
      nfiles++;
      files++;
    }
    closedir(dh);
    ok(items == folders[d].items && records == folders[d].records && errors == 0,
       "dev data %s (%d files): %d items, %d of them records, no errors", folders[d].dir, nfiles, items, records);
    if (items != folders[d].items || records != folders[d].records)
      printf("#   want %d items, %d records\n", folders[d].items, folders[d].records);
    ok(cj_items == items && cj_records == records, "dev data %s: counts agree with cJSON's view of the whole files",
       folders[d].dir);
    is_int(mismatch, 0, "dev data %s: every item parses, is the file's bytes at its offset, line right", folders[d].dir);
  }
  ok(per_file_ok, "dev data: per file, the item count agrees with cJSON");
  is_int(files, 253, "dev data: all 253 files scanned");
  ok(gz_errors == 0 && gz_ratio < SCAN_GZ_MAX_RATIO_DEFAULT,
     "dev data gzipped: every file reads the same within the default gzip limits (highest ratio %zu:1)", gz_ratio);

  /* Gzip copies of the UK pages read the same. */
  char path[512];
  snprintf(path, sizeof path, "%s/data/ocds/dev/uk-contracts-finder/api-2022-2025/contracts-finder-ocds-search-2025-01-23.json",
           tap_shared());
  size_t n, gzn;
  char *data = read_file(path, &n);
  if (!data) {
    ok(0, "dev data: read %s", path);
    return;
  }
  char *gz = gzip_of(data, n, &gzn);
  const char *p = tmp_path("uk.json.gz");
  write_file(p, gz, gzn);
  Err err = ERR_INIT;
  Scanner *a = scan_open_path(path, &err), *b = scan_open_path(p, &err);
  ScanItem ia, ib;
  int ra, rb, same = 1, count = 0, pub = 0;
  do {
    ra = scan_next(a, &ia, &err);
    rb = scan_next(b, &ib, &err);
    if (ra != rb || (ra == 1 && (ia.offset != ib.offset || ia.line != ib.line || ia.len != ib.len ||
                                 memcmp(ia.text, ib.text, ia.len) != 0 || !ia.publisher || !ib.publisher ||
                                 strcmp(ia.publisher, ib.publisher) != 0)))
      same = 0;
    if (ra == 1 && ia.publisher && !strcmp(ia.publisher, "Cabinet Office")) pub++;
    count += ra == 1;
  } while (ra == 1 && rb == 1);
  ok(same && count == 100, "dev data: the 2025 UK page gzipped gives the same 100 releases");
  is_int(pub, 100, "dev data: each UK release carries publisher \"Cabinet Office\"");
  scan_free(a);
  scan_free(b);
  free(gz);
  free(data);
}

static void test_publisher_dev(void) {
  char path[512];
  snprintf(path, sizeof path, "%s/data/ocds/dev/portugal-impic/collection_file.json", tap_shared());
  Err err = ERR_INIT;
  Scanner *s = scan_open_path(path, &err);
  if (!s) {
    ok(0, "portugal: open (%s)", err.msg);
    return;
  }
  ScanItem it;
  int rc = scan_next(s, &it, &err);
  ok(rc == 1 && it.publisher && !strcmp(it.publisher, "IMPIC"), "portugal (array wrapping a package): publisher IMPIC");
  ok(rc == 1 && it.offset == 664 && it.line == 18 && it.unit == 0, "portugal: first release at byte 664, line 18, unit 0");
  scan_free(s);
}

int main(void) {
  snprintf(tmpdir, sizeof tmpdir, "/tmp/test_scan.XXXXXX");
  if (!mkdtemp(tmpdir)) {
    printf("Bail out! mkdtemp failed\n");
    return 1;
  }
  test_streaming();
  test_shapes();
  test_generated();
  test_errors();
  test_gzip_errors();
  test_deep();
  test_gzip_limits();
  test_open();
  test_dev_data();
  test_publisher_dev();
  const char *names[] = {"case.json", "case.json.gz", "gen.json", "gen.json.gz", "trunc.json.gz", "x.jsonl",
                         "x.json",    "stdin.json",   "uk.json.gz", "bomb.json.gz"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) remove(tmp_path(names[i]));
  rmdir(tmpdir);
  return done_testing();
}

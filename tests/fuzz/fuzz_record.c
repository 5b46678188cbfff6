/* fuzz_record.c -- libFuzzer target for record splitting: the scanner
 * (src/ocds/scan.c) cutting any input into items, and release_record_split
 * (src/ocds/release.c) cutting each record into the releases to store.
 *
 * Checked for each run:
 *  - every item parses as a JSON object;
 *  - a record the scanner yields is yielded again, byte for byte and still a
 *    record, when it is put alone into a record package;
 *  - release_record_split gives the record's full releases in order (each
 *    equal to that element: linked ones -- an object with a "url" and no
 *    "ocid" -- left out), or its compiledRelease when there is none, or fails
 *    with ERR_OCDS and a message when there is neither;
 *  - every release it gives that release_parse accepts has the same
 *    release_hash printed compact and printed indented (whitespace between
 *    tokens never counts);
 *  - the scan ends, with a bound on the events. */
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "ocds/release.h"
#include "ocds/scan.h"

#define CHECK(cond, ...)                                                   \
  do {                                                                     \
    if (!(cond)) {                                                         \
      fprintf(stderr, "fuzz_record: check failed: %s: ", #cond);           \
      fprintf(stderr, __VA_ARGS__);                                        \
      fputc('\n', stderr);                                                 \
      abort();                                                             \
    }                                                                      \
  } while (0)

/* The first direct member named key, found by walking the object (not through
 * the cJSON lookup release.c uses). */
static const cJSON *member(const cJSON *obj, const char *key) {
  for (const cJSON *c = obj->child; c; c = c->next)
    if (c->string && strcmp(c->string, key) == 0) return c;
  return NULL;
}

/* The same tree: the same compact text (cJSON_Compare looks object members up
 * by name, so an object with a repeated key differs even from its own copy). */
static int same(const cJSON *a, const cJSON *b) {
  char *x = cJSON_PrintUnformatted(a), *y = cJSON_PrintUnformatted(b);
  int eq = x && y && strcmp(x, y) == 0;
  free(x);
  free(y);
  return eq;
}

static int linked(const cJSON *r) { return cJSON_IsObject(r) && !member(r, "ocid") && member(r, "url"); }

static void check_hash(const cJSON *tree) {
  char *compact = cJSON_PrintUnformatted(tree), *pretty = cJSON_Print(tree);
  if (compact && pretty) {
    Release r;
    Err e = ERR_INIT;
    if (release_parse(compact, strlen(compact), &r, &e) == 0) {
      CHECK(release_hash(compact, strlen(compact)) == release_hash(pretty, strlen(pretty)), "%s", compact);
      release_release(&r);
    } else {
      CHECK(e.msg[0], "release_parse failed without a message");
    }
  }
  free(compact);
  free(pretty);
}

static void check_record(const ScanItem *it, const cJSON *rec) {
  /* the expected releases */
  const cJSON *rels = member(rec, "releases"), *compiled = member(rec, "compiledRelease");
  size_t want = 0;
  if (cJSON_IsArray(rels))
    for (const cJSON *x = rels->child; x; x = x->next) want += !linked(x);

  /* refused for its identity: an ocid given twice, a release (or the
   * compiledRelease) filed under another ocid than the record's, a NUL */
  int ocids = 0, moved = 0;
  for (const cJSON *c = rec->child; c; c = c->next) ocids += c->string && strcmp(c->string, "ocid") == 0;
  const cJSON *ro = member(rec, "ocid");
  if (cJSON_IsString(ro)) {
    const cJSON *first = cJSON_IsArray(rels) ? rels->child : NULL;
    for (const cJSON *x = first;; x = x->next) {
      const cJSON *r = x ? x : compiled;
      if (!x && !r) break;
      const cJSON *o = cJSON_IsObject(r) && !(x && linked(x)) ? member(r, "ocid") : NULL;
      if (cJSON_IsString(o) && strcmp(o->valuestring, ro->valuestring) != 0) moved = 1;
      if (!x) break;
    }
  }
  cJSON **trees = NULL;
  size_t n = 0;
  Err e = ERR_INIT;
  int rc = release_record_split(it->text, it->len, &trees, &n, &e);
  int refused = rc == ERR_OCDS && n == 0 && trees == NULL &&
                ((ocids > 1 && strstr(e.msg, "more than once")) || (moved && strstr(e.msg, "not the record's")) ||
                 strstr(e.msg, "NUL"));
  CHECK(!moved || ocids > 1 || rc != 0, "a release filed under another ocid than its record's was taken");
  if (refused) {
    /* nothing split: nothing more to compare */
  } else if (want) {
    CHECK(rc == 0 && n == want, "rc %d, %zu releases, want %zu: %s", rc, n, want, e.msg);
    size_t i = 0;
    for (const cJSON *x = rels->child; x; x = x->next) {
      if (linked(x)) continue;
      CHECK(same(trees[i], x), "release %zu differs from the record's", i);
      i++;
    }
  } else if (compiled) {
    CHECK(rc == 0 && n == 1 && same(trees[0], compiled), "rc %d n %zu: the compiledRelease", rc, n);
  } else {
    CHECK(rc == ERR_OCDS && n == 0 && trees == NULL && e.msg[0], "rc %d n %zu: a record with nothing to store", rc,
          n);
  }
  for (size_t i = 0; i < n; i++) {
    check_hash(trees[i]);
    cJSON_Delete(trees[i]);
  }
  free(trees);

  /* alone in a record package: the same item again */
  Buf pkg = BUF_INIT;
  buf_adds(&pkg, "{\"records\":[");
  buf_add(&pkg, it->text, it->len);
  buf_adds(&pkg, "]}");
  Scanner *s = scan_open_mem(pkg.data, pkg.len);
  ScanItem again;
  Err e2 = ERR_INIT;
  int r2 = scan_next(s, &again, &e2);
  /* the package adds two levels: a record nested near the limit may not fit */
  if (!(r2 == ERR_LIMIT && strstr(e2.msg, "nesting deeper")))
    CHECK(r2 == 1 && again.kind == SCAN_RECORD && again.len == it->len && memcmp(again.text, it->text, it->len) == 0,
        "rc %d: a record put into a record package does not come out the same: %s", r2, e2.msg);
  scan_free(s);
  buf_release(&pkg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 65536) return 0;
  Scanner *s = scan_open_mem((const char *)data, size);
  scan_set_max_item(s, 32768);
  ScanItem it;
  Err e = ERR_INIT;
  size_t events = 0;
  int rc;
  while ((rc = scan_next(s, &it, &e)) != 0) {
    CHECK(++events <= size + 2, "more events than bytes");
    if (rc < 0) continue;
    cJSON *item = cJSON_ParseWithLength(it.text, it.len);
    if (!item) continue; /* cJSON refuses numbers over 63 characters; fuzz_scan checks the rest */
    CHECK(cJSON_IsObject(item), "an item that is not an object at byte %llu", (unsigned long long)it.offset);
    /* (an element of a package's "records" is a record whatever it holds) */
    if (it.kind == SCAN_RECORD) check_record(&it, item);
    cJSON_Delete(item);
  }
  scan_free(s);
  return 0;
}

/* fuzz_merge.c -- libFuzzer target for merging different releases of one
 * contracting process (src/ocds/merge.c).
 *
 * The input is up to 8 JSON texts, one per line. Each one that parses as an
 * object becomes a release of the ocid "ocds-fuzz" (its own ocid replaced);
 * one without a string `date` gets one from a short list (so dates repeat and
 * tie), one without an `id` gets "r<line>". Checked for each run:
 *  - merge_compile either fails with a message, or gives an object with the
 *    ocid, `date` = the latest date (merge.h's order: date_order), `id` =
 *    "{ocid}-{date}" and `tag` = ["compiled"];
 *  - it does not depend on the order the releases are given in (merge.h: they
 *    are merged by date, stable for equal dates: so only when dates differ);
 *  - merging the releases one by one with merge_into, in date order, into an
 *    empty object gives the same compiled release;
 *  - merge_into refuses a release dated before what is already merged, and
 *    one of another ocid, leaving the compiled release unchanged;
 *  (compiled releases compare by their text: see same());
 *  - merge_versioned gives an object with the plain ocid, or fails with a
 *    message. Nothing may crash, leak or read out of bounds. */
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "ocds/merge.h"

#define CHECK(cond, ...)                                                   \
  do {                                                                     \
    if (!(cond)) {                                                         \
      fprintf(stderr, "fuzz_merge: check failed: %s: ", #cond);            \
      fprintf(stderr, __VA_ARGS__);                                        \
      fputc('\n', stderr);                                                 \
      abort();                                                             \
    }                                                                      \
  } while (0)

#define MAX_RELEASES 8
#define OCID "ocds-fuzz"

static const char *const DATES[] = {"2024-01-01T00:00:00Z", "2024-02-01T00:00:00Z", "2024-01-01T00:00:00Z",
                                    "2023-12-31T23:59:59Z"};

static const char *date_of(const cJSON *r) {
  const cJSON *d = cJSON_GetObjectItemCaseSensitive(r, "date");
  return cJSON_IsString(d) ? d->valuestring : NULL;
}

/* merge.h's order of dates: one that does not parse (base/date.h) first,
 * then by instant ("2024-01-01T00:00z" is before "2024-01-01T00:00:05z",
 * though its text sorts after), then by text */
static int date_order(const char *a, const char *b) {
  time_t ta, tb;
  int pa = date_parse(a, &ta) == 0, pb = date_parse(b, &tb) == 0;
  if (pa != pb) return pa ? 1 : -1; /* a date that does not parse first */
  if (pa && ta != tb) return ta < tb ? -1 : 1;
  return strcmp(a, b);
}

static void set_string(cJSON *obj, const char *key, const char *value) {
  cJSON *v = cJSON_CreateString(value);
  if (!v) return;
  if (cJSON_GetObjectItemCaseSensitive(obj, key)) cJSON_ReplaceItemInObjectCaseSensitive(obj, key, v);
  else cJSON_AddItemToObject(obj, key, v);
}

/* The same text: cJSON_Compare is not even reflexive for an object with a key
 * twice (it looks each key of one up in the other, finding the first), and a
 * release may hold one anywhere but in its identity fields. */
static int same(const cJSON *a, const cJSON *b) {
  char *x = cJSON_PrintUnformatted(a), *y = cJSON_PrintUnformatted(b);
  int eq = x && y && strcmp(x, y) == 0;
  cJSON_free(x);
  cJSON_free(y);
  return eq;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 65536) return 0;
  cJSON *rels[MAX_RELEASES];
  size_t n = 0, line = 0;
  const char *p = (const char *)data, *end = p + size;
  while (p < end && n < MAX_RELEASES) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *stop = nl ? nl : end;
    cJSON *r = cJSON_ParseWithLength(p, (size_t)(stop - p));
    if (cJSON_IsObject(r)) {
      set_string(r, "ocid", OCID);
      if (!date_of(r)) set_string(r, "date", DATES[line % 4]);
      if (!cJSON_GetObjectItemCaseSensitive(r, "id")) {
        char id[16];
        snprintf(id, sizeof id, "r%zu", line);
        set_string(r, "id", id);
      }
      rels[n++] = r;
    } else {
      cJSON_Delete(r);
    }
    line++;
    p = stop + (nl ? 1 : 0);
  }
  if (!n) return 0;
  const cJSON *const *in = (const cJSON *const *)rels;

  Err e = ERR_INIT;
  cJSON *compiled = merge_compile(in, n, &e);
  if (!compiled) {
    CHECK(e.code && e.msg[0], "merge_compile failed without a message");
  } else {
    CHECK(cJSON_IsObject(compiled), "the compiled release is not an object");
    /* the latest date, and the releases in date order (stable) */
    const char *latest = NULL;
    int distinct = 1;
    size_t order[MAX_RELEASES];
    for (size_t i = 0; i < n; i++) {
      const char *d = date_of(rels[i]);
      CHECK(d, "merge_compile accepted a release without a string date");
      if (!latest || date_order(d, latest) > 0) latest = d;
      size_t k = i;
      while (k > 0 && date_order(date_of(rels[order[k - 1]]), d) > 0) {
        order[k] = order[k - 1];
        k--;
      }
      if (k > 0 && date_order(date_of(rels[order[k - 1]]), d) == 0) distinct = 0;
      order[k] = i;
    }
    const cJSON *ocid = cJSON_GetObjectItemCaseSensitive(compiled, "ocid");
    CHECK(cJSON_IsString(ocid) && strcmp(ocid->valuestring, OCID) == 0, "the compiled release's ocid");
    CHECK(date_of(compiled) && strcmp(date_of(compiled), latest) == 0, "compiled date %s, latest %s",
          date_of(compiled) ? date_of(compiled) : "(none)", latest);
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(compiled, "id");
    char want_id[256];
    snprintf(want_id, sizeof want_id, "%s-%s", OCID, latest);
    CHECK(cJSON_IsString(id) && (strlen(latest) > 200 || strcmp(id->valuestring, want_id) == 0),
          "compiled id %s, want %s", cJSON_IsString(id) ? id->valuestring : "(none)", want_id);
    const cJSON *tag = cJSON_GetObjectItemCaseSensitive(compiled, "tag");
    CHECK(cJSON_IsArray(tag) && cJSON_GetArraySize(tag) == 1 && cJSON_IsString(tag->child) &&
              strcmp(tag->child->valuestring, "compiled") == 0,
          "compiled tag");

    /* any order of distinctly dated releases compiles the same */
    if (distinct && n > 1) {
      const cJSON *rev[MAX_RELEASES];
      for (size_t i = 0; i < n; i++) rev[i] = rels[n - 1 - i];
      Err e2 = ERR_INIT;
      cJSON *again = merge_compile(rev, n, &e2);
      CHECK(again && same(again, compiled), "reversed order compiles differently: %s", e2.msg);
      cJSON_Delete(again);
    }

    /* one by one, in date order, into an empty object */
    cJSON *inc = cJSON_CreateObject();
    int inc_ok = 1;
    for (size_t i = 0; i < n && inc_ok; i++) {
      Err e3 = ERR_INIT;
      int rc = merge_into(inc, rels[order[i]], &e3);
      CHECK(rc == 0 || rc == ERR_LIMIT || rc == ERR_NOMEM, "merge_into release %zu in date order: %d %s", i, rc,
            e3.msg);
      inc_ok = rc == 0;
    }
    if (inc_ok) {
      CHECK(same(inc, compiled), "merge_into one by one differs from merge_compile");
      /* an earlier release, or another ocid, is refused and changes nothing */
      cJSON *before = cJSON_Duplicate(inc, 1);
      cJSON *early = cJSON_Duplicate(rels[order[0]], 1);
      if (before && early) {
        /* "" parses as no date and its text is before any other */
        set_string(early, "date", "");
        Err e4 = ERR_INIT;
        if (latest[0])
          CHECK(merge_into(inc, early, &e4) == ERR_OCDS && same(inc, before),
                "a release dated before the compiled one was merged");
        set_string(early, "date", "9999-01-01T00:00:00Z");
        set_string(early, "ocid", "ocds-other");
        CHECK(merge_into(inc, early, &e4) == ERR_OCDS && same(inc, before),
              "a release of another ocid was merged");
      }
      cJSON_Delete(early);
      cJSON_Delete(before);
    }
    cJSON_Delete(inc);
    cJSON_Delete(compiled);
  }

  Err e5 = ERR_INIT;
  cJSON *v = merge_versioned(in, n, &e5);
  if (v) {
    const cJSON *ocid = cJSON_GetObjectItemCaseSensitive(v, "ocid");
    CHECK(cJSON_IsObject(v) && cJSON_IsString(ocid) && strcmp(ocid->valuestring, OCID) == 0,
          "the versioned release keeps the ocid plain");
    cJSON_Delete(v);
  } else {
    CHECK(e5.code && e5.msg[0], "merge_versioned failed without a message");
  }
  for (size_t i = 0; i < n; i++) cJSON_Delete(rels[i]);
  return 0;
}

/* test_release.c -- what ocds/release.c accepts, normalises and rejects. */
#include <stdlib.h>
#include <string.h>

#include "../tap.h"
#include "base/buf.h"
#include "ocds/release.h"

static int rejects(const char *json, int code, const char *needle) {
  Release r;
  Err e = ERR_INIT;
  int rc = release_parse(json, strlen(json), &r, &e);
  if (rc == 0) {
    release_release(&r);
    printf("#   accepted: %s\n", json);
    return 0;
  }
  if (rc != code || !strstr(e.msg, needle)) {
    printf("#   rc %d, message: %s\n", rc, e.msg);
    return 0;
  }
  return 1;
}

/* json is kept with a note of rule at path (a JSON pointer); the note's
 * value is value_json (its JSON text) when not NULL. */
static int noted(const char *json, int rule, const char *path, const char *value_json) {
  Release r;
  Err e = ERR_INIT;
  if (release_parse(json, strlen(json), &r, &e)) {
    printf("#   refused: %s (%s)\n", json, e.msg);
    return 0;
  }
  int good = (r.rules & (1u << rule)) && r.notes;
  cJSON *notes = r.notes ? cJSON_Parse(r.notes) : NULL, *n;
  int found = 0;
  cJSON_ArrayForEach(n, notes) {
    const cJSON *pa = cJSON_GetObjectItem(n, "path"), *ru = cJSON_GetObjectItem(n, "rule"),
                *va = cJSON_GetObjectItem(n, "value"), *me = cJSON_GetObjectItem(n, "message");
    if (!cJSON_IsString(pa) || strcmp(pa->valuestring, path) || !cJSON_IsString(ru) ||
        strcmp(ru->valuestring, release_rule_name(rule)) || !cJSON_IsString(me) || !*me->valuestring)
      continue;
    char *v = va ? cJSON_PrintUnformatted(va) : NULL;
    if (!value_json || (v && !strcmp(v, value_json))) found = 1;
    else printf("#   value %s, expected %s\n", v ? v : "(none)", value_json);
    free(v);
  }
  if (!good || !found) printf("#   notes: %s\n", r.notes ? r.notes : "(none)");
  cJSON_Delete(notes);
  release_release(&r);
  return good && found;
}

/* The normalised tree of json (which must parse), printed; caller frees. */
static char *tree_of(const char *json, Release *r) {
  Err e = ERR_INIT;
  if (release_parse(json, strlen(json), r, &e)) return NULL;
  return cJSON_PrintUnformatted(r->root);
}

int main(void) {
  Release r;
  Err e = ERR_INIT;
  const char *good = "{\"ocid\":\"ocds-x-1\",\"id\":\"r1\",\"date\":\"2025-01-23T22:10:19+01:00\","
                     "\"tender\":{\"value\":{\"amount\":1000.5,\"currency\":\"GBP\"},"
                     "\"tenderPeriod\":{\"endDate\":\"2025-02-01T12:00:00Z\",\"startDate\":null}}}";
  ok(release_parse(good, strlen(good), &r, &e) == 0, "a well-formed release is accepted (%s)", e.msg);
  is_str(r.ocid, "ocds-x-1", "ocid read");
  is_str(r.id, "r1", "id read");
  is_str(r.date, "2025-01-23T21:10:19Z", "date normalised to UTC");
  release_release(&r);

  const char *numid = "{\"ocid\":\"o\",\"id\":42,\"date\":\"2025-01-01\"}";
  ok(release_parse(numid, strlen(numid), &r, &e) == 0, "an integer id is accepted");
  is_str(r.id, "42", "integer id read as its decimal text");
  release_release(&r);

  const char *mongo = "{\"ocid\":\"o\",\"id\":\"1\",\"date\":\"2021-03-03T00:00:00Z\","
                      "\"awards\":[{\"id\":\"a\",\"value\":{\"amount\":{\"$numberLong\":\"15890000000\"},\"currency\":\"COP\"}}]}";
  ok(release_parse(mongo, strlen(mongo), &r, &e) == 0, "MongoDB $numberLong amount accepted (%s)", e.msg);
  const cJSON *amt = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(r.root, "awards"), 0), "value"), "amount");
  ok(cJSON_IsNumber(amt) && amt->valuedouble == 15890000000.0, "... and normalised to the number 15890000000");
  release_release(&r);

  const char *budget = "{\"ocid\":\"o\",\"id\":\"1\",\"date\":\"2015-02-09T14:22:32-05:00\","
                       "\"planning\":{\"budget\":{\"amount\":{\"amount\":null,\"currency\":\"PYG\"}}}}";
  ok(release_parse(budget, strlen(budget), &r, &e) == 0, "OCDS 1.0 budget.amount Value object accepted (%s)", e.msg);
  release_release(&r);

  ok(rejects("[1,2]", ERR_OCDS, "must be a JSON object"), "an array is not a release");
  ok(rejects("{\"id\":\"1\",\"date\":\"2025-01-01\"}", ERR_OCDS, "missing ocid"), "missing ocid rejected");
  ok(rejects("{\"ocid\":null,\"id\":\"1\",\"date\":\"2025-01-01\"}", ERR_OCDS, "missing ocid"), "null ocid rejected");
  ok(rejects("{\"ocid\":7,\"id\":\"1\",\"date\":\"2025-01-01\"}", ERR_OCDS, "ocid must be a non-empty string"), "numeric ocid rejected");
  ok(rejects("{\"ocid\":\"\",\"id\":\"1\",\"date\":\"2025-01-01\"}", ERR_OCDS, "non-empty"), "empty ocid rejected");
  ok(noted("{\"ocid\":\"o\",\"date\":\"2025-01-01\"}", NOTE_ID_MISSING, "/id", "null"), "missing id: kept, noted");
  ok(noted("{\"ocid\":\"o\",\"id\":{},\"date\":\"2025-01-01\"}", NOTE_ID_MISSING, "/id", "{}"), "object id: kept, noted with the value");
  ok(noted("{\"ocid\":\"o\",\"id\":3.33333e27,\"date\":\"2025-01-01\"}", NOTE_ID_MISSING, "/id", "3.33333e+27"),
     "a numeric id too large to be an integer: kept with an id of its own, noted (found by fuzzing)");
  ok(noted("{\"ocid\":\"o\",\"id\":1.5,\"date\":\"2025-01-01\"}", NOTE_ID_MISSING, "/id", "1.5"), "a fractional id: noted");
  {
    const char *a1 = "{\"ocid\":\"o\",\"date\":\"2025-01-01\",\"tag\":[\"tender\"]}";
    const char *a2 = "{\"ocid\":\"o\",\"date\":\"2025-01-01\",\"tag\":[\"award\"]}";
    Release x, y, z;
    ok(release_parse(a1, strlen(a1), &x, &e) == 0 && release_parse(a1, strlen(a1), &y, &e) == 0 &&
           release_parse(a2, strlen(a2), &z, &e) == 0,
       "releases without an id are kept");
    ok(!strncmp(x.id, "ph-", 3) && strlen(x.id) == 19, "... the id made from the content is ph- and 16 hex digits (%s)", x.id);
    is_str(x.id, y.id, "... the same release gets the same id every time it is read");
    ok(strcmp(x.id, z.id) != 0, "... another release of the notice another id");
    const cJSON *tid = cJSON_GetObjectItem(x.root, "id");
    ok(cJSON_IsString(tid) && !strcmp(tid->valuestring, x.id), "... and the tree carries it, for history and merging");
    release_release(&x);
    release_release(&y);
    release_release(&z);
  }
  ok(noted("{\"ocid\":\"o\",\"id\":\"1\"}", NOTE_DATE_MISSING, "/date", "null"), "missing date: kept, noted");
  {
    const char *nd = "{\"ocid\":\"o\",\"id\":\"1\"}";
    ok(release_parse(nd, strlen(nd), &r, &e) == 0 && r.date[0] == 0, "... with no date (\"\"), which merges first");
    release_release(&r);
  }
  ok(noted("{\"ocid\":\"o\",\"id\":\"1\",\"date\":\"2025-13-01T00:00:00Z\"}", NOTE_DATE_INVALID, "/date",
           "\"2025-13-01T00:00:00Z\""),
     "month 13: kept, noted with the value as given");
  ok(noted("{\"ocid\":\"o\",\"id\":\"1\",\"date\":\"yesterday\"}", NOTE_DATE_INVALID, "/date", "\"yesterday\""),
     "free text release date: noted");
  ok(noted("{\"ocid\":\"o\",\"id\":\"1\",\"date\":\"2025-01-01\",\"tender\":{\"tenderPeriod\":{\"endDate\":\"31/03/2017\"}}}",
           NOTE_DATE_INVALID, "/tender/tenderPeriod/endDate", "\"31/03/2017\""),
     "a UK-written date noted with its JSON pointer");
  ok(noted("{\"ocid\":\"o\",\"id\":\"1\",\"date\":\"2025-01-01\",\"contracts\":[{\"id\":\"c\",\"dateSigned\":\"n/a\"}]}",
           NOTE_DATE_INVALID, "/contracts/0/dateSigned", "\"n/a\""),
     "\"n/a\" in an optional date noted");
  ok(noted("{\"ocid\":\"o\",\"id\":\"1\",\"date\":\"2025-01-01\",\"awards\":[{\"id\":\"a\"},{\"date\":12}]}",
           NOTE_DATE_INVALID, "/awards/1/date", "12"),
     "a date of the wrong type noted with the array index in the pointer");
  {
    Release x;
    char *t = tree_of("{\"ocid\":\"o\",\"id\":\"1\",\"date\":\"2025-01-01\",\"tender\":{\"id\":\"t\",\"tenderPeriod\":"
                      "{\"endDate\":\"31/03/2017\",\"startDate\":\"2017-03-01\"}}}", &x);
    ok(t && !strstr(t, "endDate") && strstr(t, "\"startDate\":\"2017-03-01\""),
       "... the unreadable date is left out of the tree, the rest kept (%s)", t ? t : "");
    free(t);
    release_release(&x);
    t = tree_of("{\"ocid\":\"o\",\"id\":\"1\",\"date\":\"2025-01-01T10:30:00\"}", &x);
    is_str(x.date, "2025-01-01T10:30:00Z", "a date-time without a zone is read as UTC");
    ok(t && strstr(t, "\"date\":\"2025-01-01T10:30:00Z\""), "... and rewritten so in the tree");
    free(t);
    release_release(&x);
  }
  ok(noted("{\"ocid\":\"o\",\"id\":\"1\",\"date\":\"2025-01-01T10:30:00\"}", NOTE_DATE_NO_ZONE, "/date",
           "\"2025-01-01T10:30:00\""),
     "... noted");
  ok(noted("{\"ocid\":\"o\",\"id\":\"1\",\"date\":\"2025-01-01\",\"tender\":{\"value\":{\"amount\":\"1000\"}}}",
           NOTE_AMOUNT_TEXT, "/tender/value/amount", "\"1000\""),
     "an amount as text holding a number: read, noted");
  {
    Release x;
    char *t = tree_of("{\"ocid\":\"o\",\"id\":\"1\",\"date\":\"2025-01-01\",\"tender\":{\"value\":{\"amount\":\"1444000.50\"}}}", &x);
    ok(t && strstr(t, "\"amount\":1444000.5"), "... as that number (%s)", t ? t : "");
    free(t);
    release_release(&x);
    t = tree_of("{\"ocid\":\"o\",\"id\":\"1\",\"date\":\"2025-01-01\",\"tender\":{\"value\":{\"amount\":\"\",\"currency\":\"GBP\"}}}", &x);
    ok(t && !strstr(t, "amount") && strstr(t, "GBP"), "an empty amount is left out, no value and never 0 (%s)", t ? t : "");
    free(t);
    release_release(&x);
  }
  ok(noted("{\"ocid\":\"o\",\"id\":\"1\",\"date\":\"2025-01-01\",\"tender\":{\"value\":{\"amount\":\"\"}}}",
           NOTE_AMOUNT_INVALID, "/tender/value/amount", "\"\""),
     "... noted with the value as given");
  ok(noted("{\"ocid\":\"o\",\"id\":\"1\",\"date\":\"2025-01-01\",\"tender\":{\"value\":{\"amount\":\"1 ,444,000\"}}}",
           NOTE_AMOUNT_INVALID, "/tender/value/amount", "\"1 ,444,000\""),
     "\"1 ,444,000\" is not read as a number: noted");
  ok(noted("{\"ocid\":\"o\",\"id\":\"1\",\"date\":\"2025-01-01\",\"tender\":{\"value\":{\"amount\":{\"gbp\":5}}}}",
           NOTE_AMOUNT_INVALID, "/tender/value/amount", "{\"gbp\":5}"),
     "an amount as an arbitrary object: noted");
  ok(noted("{\"ocid\":\"o\",\"id\":\"1\",\"date\":\"2025-01-01\",\"tender\":{\"value\":{\"amount\":true}}}",
           NOTE_AMOUNT_INVALID, "/tender/value/amount", "true"),
     "an amount as a boolean: noted");
  ok(noted("{\"ocid\":\"o\",\"id\":\"1\",\"date\":\"2025-01-01\",\"tender\":{\"value\":{\"amount\":1e300}}}",
           NOTE_AMOUNT_RANGE, "/tender/value/amount", NULL),
     "an absurd amount: left out, noted");
  ok(noted("{\"ocid\":\"o\",\"id\":\"1\",\"date\":\"2025-01-01\",\"tender\":{\"value\":{\"amount\":{\"$numberLong\":\"12x\"}}}}",
           NOTE_AMOUNT_INVALID, "/tender/value/amount", NULL),
     "a malformed $numberLong: noted");
  ok(noted("{\"ocid\":\"o\",\"id\":\"1\",\"date\":\"2025-01-01\",\"a~b\":{\"c/d\":{\"endDate\":\"x\"}}}", NOTE_DATE_INVALID,
           "/a~0b/c~1d/endDate", NULL),
     "'~' and '/' in keys are escaped in the pointer (RFC 6901)");
  {
    Buf big = BUF_INIT;
    buf_adds(&big, "{\"ocid\":\"o\",\"id\":\"1\",\"date\":\"2025-01-01\",\"awards\":[");
    for (int i = 0; i < 100; i++) buf_addf(&big, "%s{\"id\":\"%d\",\"date\":\"bad\"}", i ? "," : "", i);
    buf_adds(&big, "]}");
    ok(release_parse(big.data, big.len, &r, &e) == 0, "a release with 100 bad dates is kept");
    cJSON *ns = cJSON_Parse(r.notes);
    ok(cJSON_GetArraySize(ns) == RELEASE_MAX_NOTES + 1 && strstr(r.notes, "36 more notes"),
       "... with %d notes and one saying how many more", RELEASE_MAX_NOTES);
    cJSON_Delete(ns);
    release_release(&r);
    buf_release(&big);
  }
  {
    const char *clean = "{\"ocid\":\"o\",\"id\":\"1\",\"date\":\"2025-01-01\",\"tender\":{\"value\":{\"amount\":5}}}";
    ok(release_parse(clean, strlen(clean), &r, &e) == 0 && !r.notes && !r.rules, "a clean release has no notes");
    release_release(&r);
  }
  for (int len = 195; len <= 210; len++) { /* a long value is cut in the note, at every length near the cut */
    Buf big = BUF_INIT;
    buf_adds(&big, "{\"ocid\":\"o\",\"id\":\"1\",\"date\":\"2025-01-01\",\"tender\":{\"tenderPeriod\":{\"endDate\":\"");
    for (int i = 0; i < len; i++) buf_addc(&big, i % 7 ? 'x' : '\xc3'), buf_addc(&big, i % 7 ? 'y' : '\xa9');
    buf_adds(&big, "\"}}}");
    ok(release_parse(big.data, big.len, &r, &e) == 0 && r.notes && strstr(r.notes, "...\",\"rule\":\"date-invalid\""),
       "a %d-character unreadable value is noted, cut short with \"...\"", 2 * len);
    release_release(&r);
    buf_release(&big);
  }
  for (int i = 0; i < RELEASE_N_RULES; i++)
    ok(release_rule_parse(release_rule_name(i)) == i, "rule %s named and read back", release_rule_name(i));
  ok(rejects("{\"ocid\":\"o\",\"id\":\"1\",\"date\":\"2025-01-01\",", ERR_JSON, "invalid JSON at byte"), "truncated JSON rejected");

  /* nesting */
  char deep[4096];
  size_t p = 0;
  p += (size_t)snprintf(deep + p, sizeof deep - p, "{\"ocid\":\"o\",\"id\":\"1\",\"date\":\"2025-01-01\",\"x\":");
  for (int i = 0; i < 60; i++) p += (size_t)snprintf(deep + p, sizeof deep - p, "{\"a\":");
  p += (size_t)snprintf(deep + p, sizeof deep - p, "1");
  for (int i = 0; i < 61; i++) deep[p++] = '}';
  deep[p] = 0;
  ok(rejects(deep, ERR_LIMIT, "nested more than"), "nesting deeper than the limit rejected");

  char longocid[400];
  memset(longocid, 'a', sizeof longocid);
  char big[600];
  snprintf(big, sizeof big, "{\"ocid\":\"%.300s\",\"id\":\"1\",\"date\":\"2025-01-01\"}", longocid);
  ok(rejects(big, ERR_LIMIT, "longer than"), "an absurdly long ocid rejected");

  /* identity: one reading of one key, nothing that a reader could normalise
   * into another notice's ocid (REPORT findings 2, 3, 10, 17) */
  ok(rejects("{\"ocid\":\"ocds-a\",\"id\":\"1\",\"date\":\"2025-01-01\",\"ocid\":\"ocds-b\"}", ERR_OCDS,
             "ocid is given more than once"),
     "two ocid keys rejected (cJSON would read the first, the merge the last)");
  ok(noted("{\"ocid\":\"o\",\"id\":\"x2\",\"id\":\"x3\",\"date\":\"2025-01-01\"}", NOTE_ID_MISSING, "/id", "null"),
     "two id keys: neither is taken; an id of its own, noted");
  ok(noted("{\"ocid\":\"o\",\"id\":\"1\",\"date\":\"2025-01-01\",\"date\":\"not a date\"}", NOTE_DATE_INVALID, "/date",
           "null"),
     "two date keys: no date, noted");
  ok(rejects("{\"ocid\":\" ocds-victim-1\",\"id\":\"1\",\"date\":\"2025-01-01\"}", ERR_OCDS,
             "ocid begins or ends with white space"),
     "an ocid with a leading space is rejected, not trimmed onto another");
  ok(rejects("{\"ocid\":\"ocds-v \",\"id\":\"1\",\"date\":\"2025-01-01\"}", ERR_OCDS, "white space"),
     "an ocid with a trailing space rejected");
  ok(rejects("{\"ocid\":\"   \",\"id\":\"1\",\"date\":\"2025-01-01\"}", ERR_OCDS, "white space"),
     "an ocid of blanks rejected");
  ok(rejects("{\"ocid\":\"\\tocds-tab\",\"id\":\"1\",\"date\":\"2025-01-01\"}", ERR_OCDS,
             "ocid contains a control character (U+0009)"),
     "an ocid with a tab rejected");
  ok(rejects("{\"ocid\":\"ocds-ctl-a\\u0001\",\"id\":\"1\",\"date\":\"2025-01-01\"}", ERR_OCDS,
             "control character (U+0001)"),
     "an ocid with U+0001 rejected");
  ok(rejects("{\"ocid\":\"ocds-del\\u007f\",\"id\":\"1\",\"date\":\"2025-01-01\"}", ERR_OCDS,
             "control character (U+007F)"),
     "an ocid with U+007F rejected");
  ok(noted("{\"ocid\":\"o\",\"id\":\"a\\nb\",\"date\":\"2025-01-01\"}", NOTE_ID_MISSING, "/id", "\"a\\nb\""),
     "an id with a newline is not taken: an id of its own, noted");
  ok(rejects("{\"ocid\":\"ocds-u17\\u0000hidden\",\"id\":\"1\",\"date\":\"2025-01-01\"}", ERR_OCDS,
             "\\u0000 (a NUL character) at byte 17"),
     "\\u0000 in an ocid rejected with its place (cJSON would end the string there)");
  ok(rejects("{\"ocid\":\"o\",\"id\":\"u16\\u0000hidden\",\"date\":\"2025-01-01\"}", ERR_OCDS, "NUL"),
     "\\u0000 in an id rejected");
  const char *esc = "{\"ocid\":\"o\",\"id\":\"1\",\"date\":\"2025-01-01\",\"tender\":{\"title\":\"a \\\\u0000 b\"}}";
  ok(release_parse(esc, strlen(esc), &r, &e) == 0, "an escaped backslash before u0000 is text, not a NUL (%s)", e.msg);
  release_release(&r);
  const char *inner = "{\"ocid\":\"ocds-a b\",\"id\":\" 1\",\"date\":\"2025-01-01\"}";
  ok(noted(inner, NOTE_ID_MISSING, "/id", "\" 1\""), "an id with a leading space is not taken, noted");
  const char *mid = "{\"ocid\":\"ocds-a b\",\"id\":\"1\",\"date\":\"2025-01-01\"}";
  ok(release_parse(mid, strlen(mid), &r, &e) == 0, "a space inside an ocid is kept as it is (%s)", e.msg);
  is_str(r.ocid, "ocds-a b", "... and read unchanged");
  release_release(&r);

  /* a record's releases are filed under the record's ocid only (REPORT finding 27) */
  cJSON **trees;
  size_t nt;
  const char *rec_bad = "{\"ocid\":\"ocds-rec2\",\"releases\":[{\"url\":\"http://x/1\"}],"
                        "\"compiledRelease\":{\"ocid\":\"ocds-OTHER\",\"id\":\"c\",\"date\":\"2026-11-01T10:00:00Z\"}}";
  e = (Err)ERR_INIT;
  ok(release_record_split(rec_bad, strlen(rec_bad), &trees, &nt, &e) == ERR_OCDS && nt == 0 && !trees &&
         strstr(e.msg, "compiledRelease whose ocid is ocds-OTHER, not the record's"),
     "a record whose compiledRelease has another ocid is rejected (%s)", e.msg);
  const char *rec_bad2 = "{\"ocid\":\"ocds-rec3\",\"releases\":[{\"ocid\":\"ocds-rec3\",\"id\":\"1\",\"date\":\"2026-01-01\"},"
                         "{\"ocid\":\"ocds-victim\",\"id\":\"2\",\"date\":\"2026-01-02\"}]}";
  ok(release_record_split(rec_bad2, strlen(rec_bad2), &trees, &nt, &e) == ERR_OCDS && nt == 0 &&
         strstr(e.msg, "holds a release whose ocid is ocds-victim"),
     "a record holding a release of another ocid is rejected");
  const char *rec_ok = "{\"ocid\":\"ocds-rec4\",\"releases\":[{\"url\":\"http://x/1\"}],"
                       "\"compiledRelease\":{\"ocid\":\"ocds-rec4\",\"id\":\"c\",\"date\":\"2026-11-01T10:00:00Z\"}}";
  ok(release_record_split(rec_ok, strlen(rec_ok), &trees, &nt, &e) == 0 && nt == 1, "a consistent record is split");
  for (size_t i = 0; i < nt; i++) cJSON_Delete(trees[i]);
  free(trees);
  const char *rec_nul = "{\"ocid\":\"ocds-rec5\",\"releases\":[{\"ocid\":\"ocds-rec5\",\"id\":\"a\\u0000b\",\"date\":\"2026-01-01\"}]}";
  ok(release_record_split(rec_nul, strlen(rec_nul), &trees, &nt, &e) == ERR_OCDS && strstr(e.msg, "NUL"),
     "a record with \\u0000 is rejected");

  /* Values computed outside this code (Python: h = 1469598103934665603; for each byte
   * of the text with the whitespace between tokens removed, h = ((h ^ byte) *
   * 1099511628211) mod 2^64). The offset basis is a digit short of FNV-1a's standard
   * 14695981039346656037; stored hashes depend on it, so it is pinned here. */
  is_int(release_hash("", 0), 0x14650fb0739d0383ull, "hash of nothing is the offset basis");
  is_int(release_hash("abc", 3), 0xe16801510db89efdull, "hash of \"abc\" matches a value computed independently");
  is_int(release_hash("abd", 3), 0xe167fa510db89318ull, "hash of \"abd\" matches a value computed independently");
  ok(release_hash("abc", 3) != release_hash("abd", 3), "hash tells different texts apart");
  const char *a = "{\"a\": [1, 2],\n \"b\": \"x y\"}", *b = "{\"a\":[1,2],\"b\":\"x y\"}", *c = "{\"a\":[1,2],\"b\":\"xy\"}";
  is_int(release_hash(a, strlen(a)), 0x6497a5d4994b08deull, "hash of a spaced release is that of its compact text");
  is_int(release_hash(b, strlen(b)), 0x6497a5d4994b08deull, "hash of the compact text matches a value computed independently");
  is_int(release_hash(c, strlen(c)), 0xaabd6cfc4e59b426ull, "hash keeps the bytes inside strings");
  ok(release_hash(b, strlen(b)) != release_hash(c, strlen(c)), "hash counts whitespace inside strings");
  const char *d = "{\"b\":\"x\\\" y\"}", *e2 = "{\"b\":\"x\\\"y\"}";
  ok(release_hash(d, strlen(d)) != release_hash(e2, strlen(e2)), "an escaped quote does not end the string");
  return done_testing();
}

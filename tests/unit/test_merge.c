/* test_merge.c -- tests for ocds/merge.c: the OCDS 1.1 merge rules on small
 * cases (expected values follow the standard and ocdsmerge's fixtures), the
 * compiled-in rule table against release-schema.json, agreement between
 * merge_compile / merge_into / merge_versioned on generated releases, hostile
 * input, and the UK Contracts Finder records of the shared data.
 * JSON in this file is written with ' for " (see J()). */
#include "ocds/merge.h"

#include <dirent.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../tap.h"
#include "base/buf.h"
#include "base/date.h"

/* ---- helpers ---- */

/* Parses text with ' read as " (test JSON never needs a '). Exits on bad JSON:
 * that is a bug in the test, not a failure of merge. */
static cJSON *J(const char *text) {
  char *s = xstrdup(text);
  for (char *p = s; *p; p++)
    if (*p == '\'') *p = '"';
  cJSON *j = cJSON_Parse(s);
  if (!j) {
    fprintf(stderr, "test_merge: bad test JSON: %s\n", s);
    exit(2);
  }
  free(s);
  return j;
}

static const cJSON **vec(const cJSON *arr, size_t *n) {
  *n = (size_t)cJSON_GetArraySize(arr);
  const cJSON **v = xcalloc(*n ? *n : 1, sizeof *v);
  size_t i = 0;
  const cJSON *x;
  cJSON_ArrayForEach(x, arr) v[i++] = x;
  return v;
}

/* merge_compile / merge_versioned of a JSON array of releases. */
static cJSON *compile_j(const char *releases, Err *err) {
  cJSON *arr = J(releases);
  size_t n;
  const cJSON **v = vec(arr, &n);
  cJSON *out = merge_compile(v, n, err);
  free(v);
  cJSON_Delete(arr);
  return out;
}

static cJSON *versioned_j(const char *releases, Err *err) {
  cJSON *arr = J(releases);
  size_t n;
  const cJSON **v = vec(arr, &n);
  cJSON *out = merge_versioned(v, n, err);
  free(v);
  cJSON_Delete(arr);
  return out;
}

static void show(const char *label, const cJSON *j) {
  char *s = j ? cJSON_PrintUnformatted(j) : NULL;
  printf("#   %s %s\n", label, s ? s : "(null)");
  cJSON_free(s);
}

/* ok() that got equals the JSON text want (object key order aside). */
static int is_json(const cJSON *got, const char *want_text, const char *name) {
  cJSON *want = J(want_text);
  int same = got && cJSON_Compare(got, want, 1);
  if (!ok(same, "%s", name)) {
    show("got ", got);
    show("want", want);
  }
  cJSON_Delete(want);
  return same;
}

/* Node at a dotted path; numeric parts index arrays. */
static const cJSON *at(const cJSON *j, const char *path) {
  char part[128];
  while (j && *path) {
    size_t n = strcspn(path, ".");
    if (n >= sizeof part) return NULL;
    memcpy(part, path, n);
    part[n] = 0;
    path += n + (path[n] == '.');
    if (cJSON_IsArray(j))
      j = cJSON_GetArrayItem(j, (int)strtol(part, NULL, 10));
    else
      j = cJSON_GetObjectItemCaseSensitive(j, part);
  }
  return j;
}

static const char *str_at(const cJSON *j, const char *path) {
  const cJSON *x = at(j, path);
  return cJSON_IsString(x) ? x->valuestring : NULL;
}

static char *read_file(const char *path) {
  FILE *f = fopen(path, "rb");
  Buf b = BUF_INIT;
  char chunk[65536];
  size_t n;
  if (!f) return NULL;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) buf_add(&b, chunk, n);
  fclose(f);
  buf_addc(&b, 0);
  return buf_detach(&b, NULL);
}

static double cpu_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

#define OCID "ocds-213czf-A"
/* A release of OCID: REL("1", "2014-01-01", ",'tender':{...}") */
#define REL(id, date, body) \
  "{'ocid':'" OCID "','id':'" id "','date':'" date "','tag':['tender']" body "}"

/* ---- compiled release: the rules one by one ---- */

/* A null that removes a field of a big object (a hashed field table), then
 * enough new fields to grow the table: the removed field's name must not be
 * read again (it was a heap-use-after-free, found by fuzz_release). Checked
 * on a generated case and on the reproducers of the attack report. */
static void test_null_then_grow(void) {
  Err err = ERR_INIT;
  Buf b = BUF_INIT;
  buf_adds(&b, "[" REL("1", "2014-01-01", ",'tender':{'id':'t1','title':'Old','description':'d'}") ",");
  buf_adds(&b, "{'ocid':'" OCID "','id':'2','date':'2014-01-02','tender':{'title':null");
  for (int i = 0; i < 64; i++) buf_addf(&b, ",'e%02d':%d", i, i);
  buf_adds(&b, "}}]");
  cJSON *c = compile_j(b.data, &err);
  ok(c != NULL, "null then 64 new fields: compiles");
  ok(c && at(c, "tender.title") == NULL, "null then 64 new fields: the title is removed");
  is_int(c ? cJSON_GetArraySize(at(c, "tender")) : -1, 66, "null then 64 new fields: id, description and 64 new");
  ok(c && cJSON_IsNumber(at(c, "tender.e63")), "null then 64 new fields: the last new field is there");
  cJSON_Delete(c);
  cJSON *v = versioned_j(b.data, &err);
  ok(v != NULL, "null then 64 new fields: versioned release compiles");
  cJSON_Delete(v);
  buf_release(&b);

  /* One release whose tender names title twice, the second time null, then 60 new fields. */
  buf_adds(&b, "[{'ocid':'" OCID "','id':'1','date':'2014-01-01','tender':{'title':'x'");
  for (int i = 0; i < 10; i++) buf_addf(&b, ",'k%02d':1", i);
  buf_adds(&b, ",'title':null");
  for (int i = 0; i < 60; i++) buf_addf(&b, ",'m%02d':1", i);
  buf_adds(&b, "}}]");
  c = compile_j(b.data, &err);
  ok(c && at(c, "tender.title") == NULL && cJSON_IsNumber(at(c, "tender.m59")),
     "a duplicate key set to null, then 60 new fields: merged as the last value says");
  cJSON_Delete(c);
  buf_release(&b);

  const char *files[] = {"uaf_two_releases.jsonl", "uaf_one_release_dupkey.json"};
  for (size_t f = 0; f < 2; f++) {
    char path[1024];
    snprintf(path, sizeof path, "%s/reproducers/attack/uaf/%s", tap_shared(), files[f]);
    char *text = read_file(path);
    if (!text) {
      ok(0, "reproducer %s is readable", files[f]);
      continue;
    }
    cJSON *rels[4];
    size_t n = 0;
    /* one release per line */
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line && n < 4; line = strtok_r(NULL, "\n", &save))
      if ((rels[n] = cJSON_Parse(line))) n++;
    c = merge_compile((const cJSON *const *)rels, n, &err);
    ok(c && at(c, "tender.title") == NULL, "reproducer %s: compiles, the title removed", files[f]);
    cJSON_Delete(c);
    for (size_t i = 0; i < n; i++) cJSON_Delete(rels[i]);
    free(text);
  }
}

static void test_simple_and_metadata(void) {
  Err err = ERR_INIT;
  cJSON *c = compile_j("[" REL("1", "2014-01-01", ",'initiationType':'tender','tender':{'id':'A','procurementMethod':'selective'}")
                       "," REL("2", "2014-01-02", ",'initiationType':'tender','tender':{'id':'A','procurementMethod':'open'}") "]",
                       &err);
  is_json(c,
          "{'tag':['compiled'],'id':'" OCID "-2014-01-02','date':'2014-01-02','ocid':'" OCID "',"
          "'initiationType':'tender','tender':{'id':'A','procurementMethod':'open'}}",
          "later release's value wins; compiled id is {ocid}-{latest date}, tag ['compiled'], date the latest");
  const cJSON *k = c ? c->child : NULL;
  int order = k && strcmp(k->string, "tag") == 0 && (k = k->next) && strcmp(k->string, "id") == 0 &&
              (k = k->next) && strcmp(k->string, "date") == 0 && (k = k->next) && strcmp(k->string, "ocid") == 0;
  ok(order, "compiled release starts with tag, id, date, ocid (as ocdsmerge)");
  cJSON_Delete(c);
}

static void test_omitted_fields(void) {
  Err err = ERR_INIT;
  cJSON *c = compile_j("[" REL("rel-9", "2015-03-01T10:00:00Z", ",'title':'x'") "]", &err);
  is_str(str_at(c, "id"), OCID "-2015-03-01T10:00:00Z", "release id is omitted (compiled id is ocid-date)");
  is_json(at(c, "tag"), "['compiled']", "release tag is omitted (tag is ['compiled'])");
  is_str(str_at(c, "date"), "2015-03-01T10:00:00Z", "date is the release's date");
  is_str(str_at(c, "title"), "x", "other fields are kept");
  cJSON_Delete(c);
}

static void test_null_removes(void) {
  Err err = ERR_INIT;
  cJSON *c = compile_j("[" REL("1", "2014-01-01", ",'tender':{'id':'A','title':'T','status':'active'},'planning':{'rationale':'r'}")
                       "," REL("2", "2014-01-02", ",'tender':{'title':null,'description':null},'planning':null") "]",
                       &err);
  is_json(at(c, "tender"), "{'id':'A','status':'active'}", "null removes a field; null for an absent field adds nothing");
  ok(c && !at(c, "planning"), "null on an object removes the object (standard; ocdsmerge keeps it)");
  cJSON_Delete(c);

  c = compile_j("[" REL("1", "2014-01-01", ",'tender':{'title':null},'x':null") "]", &err);
  is_json(at(c, "tender"), "{}", "{'title':null} on an absent object leaves {} (as ocdsmerge)");
  ok(c && !at(c, "x"), "a top-level null in the first release adds nothing");
  cJSON_Delete(c);

  c = compile_j("[" REL("1", "2014-01-01", ",'awards':[{'id':'1','title':'a','status':'pending'}]")
                "," REL("2", "2014-01-02", ",'awards':[{'id':'1','title':null}]") "]",
                &err);
  is_json(at(c, "awards"), "[{'id':'1','status':'pending'}]", "null removes a field of an identified array item");
  cJSON_Delete(c);
}

static void test_identifier_merge(void) {
  Err err = ERR_INIT;
  cJSON *c = compile_j(
      "[" REL("1", "2014-01-01", ",'awards':[{'id':'1','title':'a','status':'pending'},{'id':'2','title':'b'}]")
      "," REL("2", "2014-01-02", ",'awards':[{'id':'2','title':'B'},{'id':'3','title':'c'},{'id':'1','status':'active'}]") "]",
      &err);
  is_json(at(c, "awards"),
          "[{'id':'1','title':'a','status':'active'},{'id':'2','title':'B'},{'id':'3','title':'c'}]",
          "items with the same id merge field by field; new ids are appended in order");
  cJSON_Delete(c);

  c = compile_j(
      "[" REL("1", "2014-01-01", ",'awards':[{'id':'1','items':[{'id':'i1','quantity':1,'unit':{'name':'kg'}}]}]")
      "," REL("2", "2014-01-02", ",'awards':[{'id':'1','items':[{'id':'i1','quantity':2,'unit':{'value':{'amount':3}}},{'id':'i2'}]}]") "]",
      &err);
  is_json(at(c, "awards"),
          "[{'id':'1','items':[{'id':'i1','quantity':2,'unit':{'name':'kg','value':{'amount':3}}},{'id':'i2'}]}]",
          "identifier merge recurses into nested arrays and objects");
  cJSON_Delete(c);

  c = compile_j("[" REL("1", "2014-01-01", ",'tender':{'items':[{'id':1,'description':'one'}]}")
                "," REL("2", "2014-01-02", ",'tender':{'items':[{'id':'1','quantity':5}]}") "]",
                &err);
  is_json(at(c, "tender.items"), "[{'id':1,'description':'one','quantity':5}]",
          "ids 1 and '1' match (ocdsmerge keys by str(id)); the first id value stays");
  cJSON_Delete(c);

  c = compile_j("[" REL("1", "2014-01-01", ",'awards':[{'id':'1','title':'a','status':'x'},{'id':'1','title':'b'}]") "]", &err);
  is_json(at(c, "awards"), "[{'id':'1','title':'b','status':'x'}]", "two items with one id in a release merge into one");
  cJSON_Delete(c);
}

static void test_items_without_id(void) {
  Err err = ERR_INIT;
  cJSON *c = compile_j("[" REL("1", "2014-01-01", ",'tender':{'milestones':[{'title':'m'}]}")
                       "," REL("2", "2014-01-02", ",'tender':{'milestones':[{'title':'m'},{'id':'k','title':'n'}]}")
                       "," REL("3", "2014-01-03", ",'tender':{'milestones':[{'id':'k','status':'met'}]}") "]",
                       &err);
  is_json(at(c, "tender.milestones"), "[{'title':'m'},{'title':'m'},{'id':'k','title':'n','status':'met'}]",
          "items without id never match: each release appends them (ocdsmerge: a fresh uuid each)");
  cJSON_Delete(c);

  c = compile_j("[" REL("1", "2014-01-01", ",'awards':[{'id':null,'title':'a'},{'id':true,'title':'b'},{},{'id':{'x':1}}]")
                "," REL("2", "2014-01-02", ",'awards':[{'id':null,'title':'a'},{'id':true,'title':'b'}]") "]",
                &err);
  is_json(at(c, "awards"),
          "[{'title':'a'},{'id':true,'title':'b'},{'id':{'x':1}},{'title':'a'},{'id':true,'title':'b'}]",
          "null/bool/object ids make an item id-less; empty items are dropped");
  cJSON_Delete(c);
}

static void test_whole_list(void) {
  Err err = ERR_INIT;
  cJSON *c = compile_j(
      "[" REL("1", "2014-01-01", ",'parties':[{'id':'p','roles':['buyer','payer'],'additionalIdentifiers':[{'id':'X','scheme':'S'}]}],'tender':{'items':[{'id':'X'}]}")
      "," REL("2", "2014-01-02", ",'parties':[{'id':'p','roles':['payer'],'additionalIdentifiers':[{'id':'Y','scheme':'S'}]}],'tender':{'items':[{'id':'Y'}]}") "]",
      &err);
  is_json(at(c, "parties.0.additionalIdentifiers"), "[{'id':'Y','scheme':'S'}]",
          "wholeListMerge array (parties.additionalIdentifiers) is replaced whole");
  is_json(at(c, "tender.items"), "[{'id':'X'},{'id':'Y'}]", "the same shape at an identifier-merge path merges");
  is_json(at(c, "parties.0.roles"), "['payer']", "array of strings (parties.roles) is replaced whole");
  cJSON_Delete(c);

  c = compile_j(
      "[" REL("1", "2014-01-01", ",'tender':{'amendments':[{'id':'a1','changes':[{'property':'p','former_value':1}]}]}")
      "," REL("2", "2014-01-02", ",'tender':{'amendments':[{'id':'a1','changes':[{'property':'q','former_value':2}]}]}") "]",
      &err);
  is_json(at(c, "tender.amendments"), "[{'id':'a1','changes':[{'property':'q','former_value':2}]}]",
          "array of objects whose schema has no id (amendments.changes) is replaced whole");
  cJSON_Delete(c);

  c = compile_j("[" REL("1", "2014-01-01", ",'x_list':['a','b'],'x_mixed':[{'id':'1','v':1}],'parties':[{'id':'p','additionalIdentifiers':[{'id':'X'}]}]")
                "," REL("2", "2014-01-02", ",'x_list':['c'],'x_mixed':[{'id':'1','w':2},'s'],'parties':[{'id':'p','additionalIdentifiers':[]}]") "]",
                &err);
  is_json(at(c, "x_list"), "['c']", "an array of strings outside the schema is replaced whole");
  is_json(at(c, "x_mixed"), "[{'id':'1','w':2},'s']", "an array holding a non-object is a literal, replaced whole");
  is_json(at(c, "parties.0.additionalIdentifiers"), "[]", "[] replaces a wholeListMerge array");
  cJSON_Delete(c);
}

static void test_empty_values(void) {
  Err err = ERR_INIT;
  cJSON *c = compile_j("[" REL("1", "2014-01-01", ",'tender':{'title':'t','items':[{'id':'1'}]},'planning':{'budget':{}}")
                       "," REL("2", "2014-01-02", ",'tender':{'items':[]},'awards':[],'buyer':{}") "]",
                       &err);
  is_json(at(c, "tender"), "{'title':'t','items':[{'id':'1'}]}", "an empty identifier-merge array changes nothing");
  ok(c && !at(c, "awards") && !at(c, "buyer"), "empty array/object for an absent field adds nothing");
  ok(c && !at(c, "planning"), "an object holding only empty objects adds nothing (ocdsmerge single-empty-object)");
  cJSON_Delete(c);
}

static void test_date_order(void) {
  Err err = ERR_INIT;
  const char *r1 = REL("1", "2014-01-01", ",'title':'first','a':1");
  const char *r2 = REL("2", "2014-01-02", ",'title':'second','b':2");
  const char *r3 = REL("3", "2014-01-03", ",'title':'third'");
  Buf s = BUF_INIT, u = BUF_INIT;
  buf_addf(&s, "[%s,%s,%s]", r1, r2, r3);
  buf_addf(&u, "[%s,%s,%s]", r3, r1, r2);
  cJSON *a = compile_j(s.data, &err), *b = compile_j(u.data, &err);
  ok(a && b && cJSON_Compare(a, b, 1), "the compiled release does not depend on input order");
  is_str(str_at(b, "title"), "third", "the latest-dated release wins whatever its position");
  is_str(str_at(b, "id"), OCID "-2014-01-03", "compiled id uses the latest date whatever the order");
  cJSON_Delete(a);
  cJSON_Delete(b);
  cJSON *va = versioned_j(s.data, &err), *vb = versioned_j(u.data, &err);
  ok(va && vb && cJSON_Compare(va, vb, 1), "the versioned release does not depend on input order");
  cJSON_Delete(va);
  cJSON_Delete(vb);
  buf_release(&s);
  buf_release(&u);

  a = compile_j("[" REL("x", "2014-01-05", ",'title':'A'") "," REL("y", "2014-01-05", ",'title':'B'") "]", &err);
  b = compile_j("[" REL("y", "2014-01-05", ",'title':'B'") "," REL("x", "2014-01-05", ",'title':'A'") "]", &err);
  ok(a && b && strcmp(str_at(a, "title"), "B") == 0 && strcmp(str_at(b, "title"), "A") == 0,
     "equal dates keep input order (stable sort): the later one wins");
  cJSON_Delete(a);
  cJSON_Delete(b);
}

static void test_type_changes(void) {
  Err err = ERR_INIT;
  cJSON *c = compile_j("[" REL("1", "2014-01-01", ",'tender':'text','awards':[{'id':'1'}],'x':['a',1],'y':{'k':1},'z':5")
                       "," REL("2", "2014-01-02", ",'tender':{'id':'T'},'awards':'none','x':[{'id':'1','v':2}],'y':[1],'z':{'k':2}") "]",
                       &err);
  is_json(c ? at(c, "tender") : NULL, "{'id':'T'}", "string -> object: the new value replaces");
  is_json(c ? at(c, "awards") : NULL, "'none'", "identifier array -> string: the new value replaces");
  is_json(c ? at(c, "x") : NULL, "[{'id':'1','v':2}]", "literal array -> array of objects: merged from scratch");
  is_json(c ? at(c, "y") : NULL, "[1]", "object -> array: replaced");
  is_json(c ? at(c, "z") : NULL, "{'k':2}", "number -> object: replaced");
  cJSON_Delete(c);
}

static void test_errors(void) {
  Err err = ERR_INIT;
  cJSON *c = compile_j("[" REL("1", "2014-01-01", "") ",{'ocid':'other','id':'2','date':'2014-01-02'}]", &err);
  ok(!c && err.code == ERR_OCDS && strstr(err.msg, "other") && strstr(err.msg, OCID),
     "releases of two ocids are refused, naming both (%s)", err.msg);
  cJSON_Delete(c);
  err_clear(&err);
  c = compile_j("[" REL("1", "2014-01-01", "") ",[1,2]]", &err);
  ok(!c && err.code == ERR_OCDS && strstr(err.msg, "release 1 is not a JSON object"), "a non-object release is refused (%s)", err.msg);
  err_clear(&err);
  c = compile_j("[{'ocid':'" OCID "','id':'r7'}]", &err);
  ok(!c && err.code == ERR_OCDS && strstr(err.msg, "no string date") && strstr(err.msg, "r7"),
     "a release without date is refused, naming it (%s)", err.msg);
  err_clear(&err);
  c = compile_j("[{'id':'r8','date':'2014-01-01'}]", &err);
  ok(!c && err.code == ERR_OCDS && strstr(err.msg, "ocid"), "a release without ocid is refused (%s)", err.msg);
  err_clear(&err);
  ok(!merge_compile(NULL, 0, &err) && err.code == ERR_OCDS, "no releases: an error, not an empty release");
  ok(!merge_versioned(NULL, 0, NULL), "a NULL Err is allowed");
  c = versioned_j("[" REL("1", "2014-01-01", "") ",{'ocid':'other','id':'2','date':'2014-01-02'}]", &err);
  ok(!c && err.code == ERR_OCDS, "merge_versioned refuses mixed ocids too");
}

/* ---- merge_into ---- */

static void test_merge_into(void) {
  Err err = ERR_INIT;
  cJSON *arr = J("[" REL("1", "2014-01-01", ",'tender':{'id':'T','items':[{'id':'1','quantity':1}]},'parties':[{'id':'p','roles':['buyer']}]")
                 "," REL("2", "2014-01-02", ",'tender':{'title':'t','items':[{'id':'2'},{'id':'1','quantity':2}]},'parties':[{'id':'p','roles':['payer']}]")
                 "," REL("3", "2014-01-02", ",'tender':{'title':null},'awards':[{'id':'a'}]")
                 "," REL("4", "2014-02-01", ",'awards':[{'id':'a','status':'active'}],'planning':{'x':{}}") "]");
  size_t n;
  const cJSON **v = vec(arr, &n);
  cJSON *whole = merge_compile(v, n, &err), *inc = cJSON_CreateObject();
  int all_ok = 1;
  for (size_t i = 0; i < n; i++) all_ok &= merge_into(inc, v[i], &err) == 0;
  ok(all_ok, "merge_into accepts in-order releases (equal dates too)");
  ok(whole && cJSON_Compare(whole, inc, 1), "merge_into release by release gives merge_compile's result");
  if (!(whole && cJSON_Compare(whole, inc, 1))) {
    show("compile", whole);
    show("into   ", inc);
  }

  cJSON *before = cJSON_Duplicate(inc, 1), *old = J(REL("0", "2013-12-31", ",'title':'late'"));
  int rc = merge_into(inc, old, &err);
  ok(rc == ERR_OCDS && strstr(err.msg, "compile again") && cJSON_Compare(before, inc, 1),
     "an older release is refused and leaves compiled unchanged (%s)", err.msg);
  cJSON_Delete(old);
  old = J("{'ocid':'other','id':'x','date':'2020-01-01','title':'t'}");
  rc = merge_into(inc, old, &err);
  ok(rc == ERR_OCDS && cJSON_Compare(before, inc, 1), "a release of another ocid is refused, compiled unchanged");
  cJSON_Delete(old);
  old = J("[1]");
  ok(merge_into(inc, old, &err) == ERR_OCDS && merge_into(old, v[0], &err) == ERR_OCDS,
     "non-object release or compiled release is refused");
  cJSON_Delete(old);
  cJSON_Delete(before);

  /* a hostile compiled release: wrong types where the release has objects */
  cJSON *bad = J("{'ocid':'" OCID "','tender':[1,2],'awards':'x','parties':[{'id':'p'},3],'tag':7}");
  rc = merge_into(bad, v[1], &err);
  ok(rc == 0 && cJSON_IsObject(at(bad, "tender")) && cJSON_IsArray(at(bad, "parties")) &&
         cJSON_GetArraySize(at(bad, "parties")) == 1 && str_at(bad, "id"),
     "merge_into over wrong types replaces them with the release's values");
  cJSON_Delete(bad);
  cJSON_Delete(whole);
  cJSON_Delete(inc);
  free(v);
  cJSON_Delete(arr);
}

/* ---- versioned release ---- */

#define V(id, date, val) "{'releaseID':'" id "','releaseDate':'" date "','releaseTag':['tender'],'value':" val "}"

static void test_versioned(void) {
  Err err = ERR_INIT;
  /* the shape of ocdsmerge's tests/fixtures/1.1/mergeid-versioned.json */
  cJSON *v = versioned_j(
      "[" REL("1", "2014-01-01T00:00:00Z", ",'initiationType':'tender','tender':{'id':'A','items':[{'id':'1','description':'Item 1','quantity':1},{'id':'2','description':'Item 2','quantity':1}]}")
      "," REL("2", "2014-01-02T00:00:00Z", ",'initiationType':'tender','tender':{'id':'A','items':[{'id':'1','description':'Item 1','quantity':2},{'id':'3','description':'Item 3','quantity':1}]}") "]",
      &err);
  is_json(v,
          "{'ocid':'" OCID "','initiationType':[" V("1", "2014-01-01T00:00:00Z", "'tender'") "],"
          "'tender':{'id':[" V("1", "2014-01-01T00:00:00Z", "'A'") "],'items':["
          "{'id':'1','description':[" V("1", "2014-01-01T00:00:00Z", "'Item 1'") "],"
          "'quantity':[" V("1", "2014-01-01T00:00:00Z", "1") "," V("2", "2014-01-02T00:00:00Z", "2") "]},"
          "{'id':'2','description':[" V("1", "2014-01-01T00:00:00Z", "'Item 2'") "],'quantity':[" V("1", "2014-01-01T00:00:00Z", "1") "]},"
          "{'id':'3','description':[" V("2", "2014-01-02T00:00:00Z", "'Item 3'") "],'quantity':[" V("2", "2014-01-02T00:00:00Z", "1") "]}]}}",
          "versioned: a version per change, unchanged values not repeated, item ids plain, tender.id versioned, ocid plain");
  cJSON_Delete(v);

  v = versioned_j("[" REL("1", "2014-01-01", ",'tender':{'id':'A','procurementMethod':null}") "]", &err);
  is_json(at(v, "tender.procurementMethod"), "[" V("1", "2014-01-01", "null") "]",
          "versioned: a null is a version with value null (ocdsmerge nullone)");
  cJSON_Delete(v);

  v = versioned_j("[" REL("1", "2014-01-01", ",'parties':[{'id':'p','roles':['buyer'],'additionalIdentifiers':[{'id':'X'}]}]")
                  "," REL("2", "2014-01-02", ",'parties':[{'id':'p','roles':['buyer'],'additionalIdentifiers':[{'id':'Y'}]}]")
                  "," REL("3", "2014-01-03", ",'parties':[{'id':'p','roles':['buyer','payer']}]") "]",
                  &err);
  is_json(at(v, "parties.0.roles"), "[" V("1", "2014-01-01", "['buyer']") "," V("3", "2014-01-03", "['buyer','payer']") "]",
          "versioned: a string array is one value, a new version only when the list changes");
  is_json(at(v, "parties.0.additionalIdentifiers"), "[" V("1", "2014-01-01", "[{'id':'X'}]") "," V("2", "2014-01-02", "[{'id':'Y'}]") "]",
          "versioned: a wholeListMerge array is versioned as one value");
  cJSON_Delete(v);

  v = versioned_j("[" REL("1", "2014-01-01", ",'planning':{'budget':{'amount':{'amount':5}},'rationale':'r'}")
                  "," REL("2", "2014-01-02", ",'planning':null") "]",
                  &err);
  is_json(at(v, "planning"),
          "{'budget':{'amount':{'amount':[" V("1", "2014-01-01", "5") "," V("2", "2014-01-02", "null") "]}},"
          "'rationale':[" V("1", "2014-01-01", "'r'") "," V("2", "2014-01-02", "null") "]}",
          "versioned: null on an object gives each leaf under it a null version");
  cJSON_Delete(v);

  v = versioned_j("[{'ocid':'" OCID "','id':7,'date':'2014-01-01','x':1}]", &err);
  is_json(v, "{'ocid':'" OCID "','x':[{'releaseID':7,'releaseDate':'2014-01-01','releaseTag':null,'value':1}]}",
          "versioned: releaseID copied as is, releaseTag null when the release has no tag");
  cJSON_Delete(v);

  v = versioned_j("[" REL("1", "2014-01-01", ",'x':'s'") "," REL("2", "2014-01-02", ",'x':{'k':1}") "]", &err);
  is_json(at(v, "x"), "{'k':[" V("2", "2014-01-02", "1") "]}", "versioned: a change of shape restarts the field's history");
  cJSON_Delete(v);

  v = versioned_j("[" REL("1", "2014-01-01", ",'x':[{'id':'1','releaseID':'a','releaseDate':'b','releaseTag':'c','value':'d'}]") "," REL("2", "2014-01-02", ",'x':[{'id':'1','value':'e'}]") "]", &err);
  is_json(at(v, "x.0.value"), "[" V("1", "2014-01-01", "'d'") "," V("2", "2014-01-02", "'e'") "]",
          "versioned: items that look like versions are still items");
  cJSON_Delete(v);
}

/* ---- generated releases: compile, merge_into and versioned agree ---- */

static uint64_t rng_state;
static unsigned rnd(unsigned n) {
  rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
  return (unsigned)((rng_state >> 33) % n);
}

static cJSON *gen_scalar(void) {
  switch (rnd(6)) {
    case 0: return cJSON_CreateNull();
    case 1: return cJSON_CreateNumber(rnd(3));
    case 2: return cJSON_CreateTrue();
    default: {
      char s[8];
      snprintf(s, sizeof s, "v%u", rnd(3));
      return cJSON_CreateString(s);
    }
  }
}

static cJSON *gen_item(int depth) {
  cJSON *it = cJSON_CreateObject();
  switch (rnd(8)) {
    case 0: break; /* no id */
    case 1: cJSON_AddNumberToObject(it, "id", rnd(3)); break;
    case 2: cJSON_AddNullToObject(it, "id"); break;
    default: {
      char s[8];
      snprintf(s, sizeof s, "%u", rnd(3));
      cJSON_AddStringToObject(it, "id", s);
    }
  }
  unsigned nf = rnd(4);
  for (unsigned i = 0; i < nf; i++) {
    static const char *names[] = {"title", "status", "value", "items", "additionalIdentifiers"};
    const char *name = names[rnd(5)];
    if (cJSON_GetObjectItemCaseSensitive(it, name)) continue; /* duplicate keys are undefined JSON */
    if (strcmp(name, "value") == 0 && depth < 3) {
      cJSON *o = cJSON_CreateObject();
      cJSON_AddItemToObject(o, "amount", gen_scalar());
      if (rnd(2)) cJSON_AddStringToObject(o, "currency", "GBP");
      cJSON_AddItemToObject(it, name, rnd(5) ? o : (cJSON_Delete(o), cJSON_CreateNull()));
    } else if ((strcmp(name, "items") == 0 || strcmp(name, "additionalIdentifiers") == 0) && depth < 3) {
      cJSON *a = cJSON_CreateArray();
      unsigned ni = rnd(3);
      for (unsigned k = 0; k < ni; k++) cJSON_AddItemToArray(a, gen_item(depth + 1));
      cJSON_AddItemToObject(it, name, a);
    } else {
      cJSON_AddItemToObject(it, name, gen_scalar());
    }
  }
  return it;
}

static cJSON *gen_release(unsigned i, const char *date) {
  char id[16];
  cJSON *r = cJSON_CreateObject();
  snprintf(id, sizeof id, "r%u", i);
  cJSON_AddStringToObject(r, "ocid", "ocds-gen-1");
  cJSON_AddStringToObject(r, "id", id);
  cJSON_AddStringToObject(r, "date", date);
  if (rnd(2)) cJSON_AddItemToObject(r, "tag", cJSON_CreateStringArray((const char *[]){"tender"}, 1));
  if (rnd(2)) cJSON_AddItemToObject(r, "title", gen_scalar());
  if (rnd(3)) {
    cJSON *t = rnd(6) ? gen_item(1) : cJSON_CreateNull();
    if (cJSON_IsObject(t) && rnd(2)) {
      const char *m[] = {"written", "electronicSubmission"};
      cJSON_AddItemToObject(t, "submissionMethod", rnd(4) ? cJSON_CreateStringArray(m, (int)rnd(3)) : cJSON_CreateNull());
    }
    cJSON_AddItemToObject(r, "tender", t);
  }
  if (rnd(2)) {
    cJSON *a = cJSON_CreateArray();
    unsigned n = rnd(4);
    for (unsigned k = 0; k < n; k++) cJSON_AddItemToArray(a, gen_item(1));
    cJSON_AddItemToObject(r, "awards", a);
  }
  if (rnd(2)) {
    cJSON *a = cJSON_CreateArray(), *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "id", rnd(2) ? "p1" : "p2");
    const char *roles[] = {"buyer", "supplier"};
    cJSON_AddItemToObject(p, "roles", cJSON_CreateStringArray(roles, (int)rnd(3)));
    cJSON_AddItemToArray(a, p);
    cJSON_AddItemToObject(r, "parties", a);
  }
  if (rnd(2)) { /* a field that changes shape */
    cJSON *x;
    switch (rnd(7)) {
      case 0: x = gen_scalar(); break;
      case 1: x = cJSON_CreateObject(); cJSON_AddItemToObject(x, "y", gen_scalar()); break;
      case 2: x = cJSON_CreateArray(); cJSON_AddItemToArray(x, gen_item(2)); break;
      case 3: x = cJSON_CreateArray(); cJSON_AddItemToArray(x, cJSON_CreateNumber(1)); cJSON_AddItemToArray(x, gen_item(2)); break;
      case 4: x = cJSON_CreateObject(); break;
      case 5: x = cJSON_CreateArray(); break;
      default: x = cJSON_CreateNull(); break;
    }
    cJSON_AddItemToObject(r, "x", x);
  }
  return r;
}

static int is_version_list(const cJSON *a) {
  if (!cJSON_IsArray(a) || !a->child) return 0;
  const cJSON *v;
  cJSON_ArrayForEach(v, a) {
    if (!cJSON_IsObject(v) || cJSON_GetArraySize(v) != 4 || !cJSON_GetObjectItemCaseSensitive(v, "releaseDate") ||
        !cJSON_GetObjectItemCaseSensitive(v, "value"))
      return 0;
  }
  return 1;
}

/* The compiled release a versioned release implies: the latest value of each
 * list of versions. */
static cJSON *project(const cJSON *v) {
  if (is_version_list(v)) return cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(v, cJSON_GetArraySize(v) - 1), "value"), 1);
  if (cJSON_IsObject(v)) {
    cJSON *o = cJSON_CreateObject();
    for (const cJSON *x = v->child; x; x = x->next) cJSON_AddItemToObject(o, x->string, project(x));
    return o;
  }
  if (cJSON_IsArray(v)) {
    cJSON *a = cJSON_CreateArray();
    for (const cJSON *x = v->child; x; x = x->next) cJSON_AddItemToArray(a, project(x));
    return a;
  }
  return cJSON_Duplicate(v, 1);
}

/* Drops nulls and containers left with no content but ids, on both sides of a
 * comparison: a versioned release cannot tell "object set to null" from "each
 * field set to null". Literal arrays (holding a non-object) are kept as is. */
static int prune(cJSON *x) {
  if (cJSON_IsNull(x)) return 1;
  if (cJSON_IsObject(x)) {
    int content = 0;
    cJSON *y = x->child, *next;
    for (; y; y = next) {
      next = y->next;
      if (strcmp(y->string, "id") == 0 && !cJSON_IsObject(y) && !cJSON_IsArray(y) && !cJSON_IsNull(y)) continue;
      if (prune(y))
        cJSON_Delete(cJSON_DetachItemViaPointer(x, y));
      else
        content = 1;
    }
    return !content;
  }
  if (cJSON_IsArray(x)) {
    cJSON *y, *next;
    cJSON_ArrayForEach(y, x) if (!cJSON_IsObject(y)) return 0;
    for (y = x->child; y; y = next) {
      next = y->next;
      if (prune(y)) cJSON_Delete(cJSON_DetachItemViaPointer(x, y));
    }
    return x->child == NULL;
  }
  return 0;
}

static void test_generated(void) {
  int n_into = 0, n_proj = 0, n_shuffle = 0, runs = 300;
  Err err = ERR_INIT;
  for (int seed = 1; seed <= runs; seed++) {
    rng_state = (uint64_t)seed * 0x9E3779B97F4A7C15ULL;
    unsigned n = 1 + rnd(6);
    cJSON *rels[8];
    char date[32];
    for (unsigned i = 0; i < n; i++) {
      snprintf(date, sizeof date, "2020-01-0%u", 1 + rnd(4)); /* ties on purpose */
      rels[i] = gen_release(i, date);
    }
    cJSON *c = merge_compile((const cJSON *const *)rels, n, &err);
    /* merge_into in date order (stable) */
    unsigned ord[8];
    for (unsigned i = 0; i < n; i++) ord[i] = i;
    for (unsigned i = 1; i < n; i++)
      for (unsigned j = i; j > 0 && strcmp(str_at(rels[ord[j - 1]], "date"), str_at(rels[ord[j]], "date")) > 0; j--) {
        unsigned t = ord[j];
        ord[j] = ord[j - 1];
        ord[j - 1] = t;
      }
    cJSON *inc = cJSON_CreateObject();
    int good = c != NULL;
    for (unsigned i = 0; i < n; i++) good &= merge_into(inc, rels[ord[i]], &err) == 0;
    if (good && cJSON_Compare(c, inc, 1))
      n_into++;
    else if (n_into == seed - 1) {
      printf("# seed %d: merge_into differs\n", seed);
      show("compile", c);
      show("into   ", inc);
    }
    /* versioned agrees with compiled */
    cJSON *v = merge_versioned((const cJSON *const *)rels, n, &err);
    cJSON *pv = v ? project(v) : NULL, *pc = c ? cJSON_Duplicate(c, 1) : NULL;
    if (pc) {
      cJSON_DeleteItemFromObjectCaseSensitive(pc, "id");
      cJSON_DeleteItemFromObjectCaseSensitive(pc, "date");
      cJSON_DeleteItemFromObjectCaseSensitive(pc, "tag");
      prune(pc);
    }
    if (pv) prune(pv);
    if (pv && pc && cJSON_Compare(pv, pc, 1))
      n_proj++;
    else if (n_proj == seed - 1) {
      printf("# seed %d: versioned does not imply compiled\n", seed);
      show("from versioned", pv);
      show("compiled      ", pc);
    }
    /* input order does not matter when dates differ */
    for (unsigned i = 0; i < n; i++) {
      snprintf(date, sizeof date, "2021-02-%02u", 10 + i);
      cJSON_ReplaceItemInObjectCaseSensitive(rels[i], "date", cJSON_CreateString(date));
    }
    cJSON *c1 = merge_compile((const cJSON *const *)rels, n, &err), *rev[8];
    for (unsigned i = 0; i < n; i++) rev[i] = rels[n - 1 - i];
    cJSON *c2 = merge_compile((const cJSON *const *)rev, n, &err);
    if (c1 && c2 && cJSON_Compare(c1, c2, 1)) n_shuffle++;
    cJSON_Delete(c1);
    cJSON_Delete(c2);
    cJSON_Delete(pv);
    cJSON_Delete(pc);
    cJSON_Delete(v);
    cJSON_Delete(inc);
    cJSON_Delete(c);
    for (unsigned i = 0; i < n; i++) cJSON_Delete(rels[i]);
  }
  is_int(n_into, runs, "generated releases: merge_into in date order == merge_compile");
  is_int(n_proj, runs, "generated releases: latest values of the versioned release == compiled release");
  is_int(n_shuffle, runs, "generated releases: reversed input compiles the same");
}

/* ---- hostile input ---- */

static cJSON *deep_object(int levels) {
  cJSON *x = cJSON_CreateString("bottom");
  for (int i = 0; i < levels; i++) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "a", x);
    x = o;
  }
  return x;
}

static void test_deep(void) {
  Err err = ERR_INIT;
  /* as deep as cJSON parses: release + 997 objects */
  Buf b = BUF_INIT;
  buf_adds(&b, "{\"ocid\":\"o\",\"id\":\"1\",\"date\":\"d\",\"x\":");
  for (int i = 0; i < 997; i++) buf_adds(&b, "{\"a\":");
  buf_adds(&b, "1");
  for (int i = 0; i < 997; i++) buf_addc(&b, '}');
  buf_addc(&b, '}');
  cJSON *r = cJSON_Parse(b.data);
  ok(r != NULL, "cJSON parses a release nested 998 deep");
  const cJSON *rs[1] = {r};
  cJSON *c = r ? merge_compile(rs, 1, &err) : NULL, *v = r ? merge_versioned(rs, 1, &err) : NULL;
  ok(c && v, "anything cJSON parses merges (compiled and versioned)");
  cJSON_Delete(c);
  cJSON_Delete(v);
  cJSON_Delete(r);
  buf_release(&b);

  /* deeper, built by hand */
  r = J("{'ocid':'o','id':'1','date':'d'}");
  cJSON_AddItemToObject(r, "x", deep_object(5000));
  rs[0] = r;
  err_clear(&err);
  c = merge_compile(rs, 1, &err);
  ok(!c && err.code == ERR_LIMIT, "a release nested 5000 deep: ERR_LIMIT, no crash (%s)", err.msg);
  err_clear(&err);
  v = merge_versioned(rs, 1, &err);
  ok(!v && err.code == ERR_LIMIT, "merge_versioned: ERR_LIMIT too");
  cJSON *into = cJSON_CreateObject();
  ok(merge_into(into, r, &err) == ERR_LIMIT, "merge_into: ERR_LIMIT too");
  cJSON_Delete(into);
  cJSON_Delete(r);

  /* a deep literal (array of arrays) */
  r = J("{'ocid':'o','id':'1','date':'d'}");
  cJSON *x = cJSON_CreateNumber(1);
  for (int i = 0; i < 3000; i++) {
    cJSON *a = cJSON_CreateArray();
    cJSON_AddItemToArray(a, x);
    x = a;
  }
  cJSON_AddItemToObject(r, "lit", x);
  rs[0] = r;
  c = merge_compile(rs, 1, &err);
  ok(!c && err.code == ERR_LIMIT, "a deep literal array: ERR_LIMIT, no crash");
  cJSON_Delete(r);
}

/* Seconds for merge_compile of two releases with an n-item array and an
 * n-field object, the second in reverse order with n/2 new ids and fields. */
static double time_big(int n) {
  cJSON *r1 = J("{'ocid':'o','id':'1','date':'2020-01-01'}"), *r2 = J("{'ocid':'o','id':'2','date':'2020-01-02'}");
  cJSON *a1 = cJSON_AddArrayToObject(r1, "awards"), *a2 = cJSON_AddArrayToObject(r2, "awards");
  cJSON *o1 = cJSON_AddObjectToObject(r1, "x"), *o2 = cJSON_AddObjectToObject(r2, "x");
  char id[32];
  for (int i = 0; i < n; i++) {
    snprintf(id, sizeof id, "id-%d", i);
    cJSON *it = cJSON_CreateObject();
    if (i % 2)
      cJSON_AddNumberToObject(it, "id", i);
    else
      cJSON_AddStringToObject(it, "id", id);
    cJSON_AddNumberToObject(it, "v", i);
    cJSON_AddItemToArray(a1, it);
    cJSON_AddNumberToObject(o1, id, i);
  }
  for (int i = n + n / 2 - 1; i >= 0; i--) {
    snprintf(id, sizeof id, "id-%d", i);
    cJSON *it = cJSON_CreateObject();
    if (i % 2)
      cJSON_AddNumberToObject(it, "id", i);
    else
      cJSON_AddStringToObject(it, "id", id);
    cJSON_AddNumberToObject(it, "w", i);
    cJSON_AddItemToArray(a2, it);
    cJSON_AddNumberToObject(o2, id, -i);
  }
  const cJSON *rs[2] = {r1, r2};
  Err err = ERR_INIT;
  double best = 1e9;
  int good = 1;
  for (int k = 0; k < 5; k++) { /* this thread's CPU time: other processes on the machine do not count */
    double t0 = cpu_s();
    cJSON *c = merge_compile(rs, 2, &err);
    double t = cpu_s() - t0;
    if (t < best) best = t;
    good &= c && cJSON_GetArraySize(at(c, "awards")) == n + n / 2 && cJSON_GetArraySize(at(c, "x")) == n + n / 2;
    if (c && k == 0) {
      const cJSON *last = at(c, "awards.0");
      good &= cJSON_GetArraySize(last) == 3; /* id, v, w merged */
    }
    cJSON_Delete(c);
  }
  cJSON_Delete(r1);
  cJSON_Delete(r2);
  return good ? best : -1;
}

/* An item holding "id" twice, the first null: it has no id to be matched by,
 * yet the result holds the second. merge_compile's kept item table and
 * merge_into's table made afresh must agree on it (fuzz_merge found them
 * apart: a later item with that id was appended by one, merged by the other). */
static int same_text(const cJSON *a, const cJSON *b);

/* Dates that parse and one that does not: every order of the releases
 * compiles the same (fuzz_merge found a cycle: 00:00z < 00:00:05z by instant,
 * 00:00:05z < 00:00:\xFF and 00:00:\xFF < 00:00z by text). */
static void test_date_cycle(void) {
  cJSON *r[3] = {J("{'ocid':'o','id':'a','date':'2024-01-01T00:00:\xFF','tender':{'title':'a'}}"),
                 J("{'ocid':'o','id':'b','date':'2024-01-01T00:00:05z','tender':{'title':'b'}}"),
                 J("{'ocid':'o','id':'c','date':'2024-01-01T00:00z','tender':{'title':'c'}}")};
  static const int perm[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
  Err e = ERR_INIT;
  cJSON *first = NULL;
  int same = 1;
  for (int p = 0; p < 6; p++) {
    const cJSON *in[3] = {r[perm[p][0]], r[perm[p][1]], r[perm[p][2]]};
    cJSON *c = merge_compile(in, 3, &e);
    if (!c) same = 0;
    else if (!first) first = c;
    else same &= same_text(first, c), cJSON_Delete(c);
  }
  ok(same, "releases dated by instants and by a date that does not parse: every order compiles the same");
  is_str(first ? cJSON_GetStringValue(at(first, "tender.title")) : NULL, "b", "... the latest instant last");
  cJSON_Delete(first);
  for (int i = 0; i < 3; i++) cJSON_Delete(r[i]);
}

static void test_dup_id_item(void) {
  /* the array is there before the item comes, so the compile keeps its table */
  cJSON *r[3] = {J("{'ocid':'o','id':'1','date':'2024-01-01T00:00:00Z','tender':{'items':[{'q':0}]}}"),
                 J("{'ocid':'o','id':'2','date':'2024-01-02T00:00:00Z','tender':{'items':[{'id':null,'id':'x','q':1}]}}"),
                 J("{'ocid':'o','id':'3','date':'2024-01-03T00:00:00Z','tender':{'items':[{'id':'x','q':2}]}}")};
  Err e = ERR_INIT;
  cJSON *all = merge_compile((const cJSON *const *)r, 3, &e), *one = cJSON_CreateObject();
  int ok_into = 1;
  for (int i = 0; i < 3; i++) ok_into &= merge_into(one, r[i], &e) == 0;
  ok(all && ok_into && same_text(all, one), "an item with a null id and then an id: compiled at once as one at a time");
  is_int(cJSON_GetArraySize(at(all, "tender.items")), 2, "... the later item with that id merged into it, not added");
  cJSON_Delete(all);
  cJSON_Delete(one);
  for (int i = 0; i < 3; i++) cJSON_Delete(r[i]);
}

static void test_big(void) {
  double small = time_big(2000), large = time_big(16000);
  ok(small > 0 && large > 0, "huge arrays and objects merge correctly (ids matched out of order)");
  double ratio = small > 0 ? large / small : 0;
  ok(ratio < 30, "8x the items costs %.1fx the time (linear ~8x, quadratic ~64x)", ratio);
}

/* ---- the rule table against release-schema.json ---- */

enum { ID_MERGE = 9 }; /* identifier-merge array (no rule; merged by id) */

typedef struct {
  char path[192];
  int kind;
  int nseg;
  unsigned arrays; /* bit i: segment i holds an identifier-merge array */
} SRule;

typedef struct {
  const cJSON *schema;
  SRule v[512];
  int n;
  int sibling_flags, bad_refs;
  /* field names declaring omitWhenMerged / wholeListMerge anywhere */
  char declared[64][64];
  int declared_kind[64];
  int ndeclared;
} Walk;

static const cJSON *deref(Walk *w, const cJSON *v) {
  for (int i = 0; v && i < 16; i++) {
    const cJSON *ref = cJSON_GetObjectItemCaseSensitive(v, "$ref");
    if (!cJSON_IsString(ref)) return v;
    if (strncmp(ref->valuestring, "#/definitions/", 14) != 0) {
      w->bad_refs++;
      return NULL;
    }
    v = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(w->schema, "definitions"), ref->valuestring + 14);
    if (!v) w->bad_refs++;
  }
  return v;
}

/* Does v's type include t (other: include anything but t)? */
static int type_has(const cJSON *v, const char *t, int other) {
  const cJSON *ty = cJSON_GetObjectItemCaseSensitive(v, "type"), *x;
  if (cJSON_IsString(ty)) return (strcmp(ty->valuestring, t) == 0) != other;
  cJSON_ArrayForEach(x, ty) if (cJSON_IsString(x) && (strcmp(x->valuestring, t) == 0) != other) return 1;
  return 0;
}

static int flag(const cJSON *v, const char *name) { return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(v, name)); }

static const char *strategy(const cJSON *v) {
  const cJSON *s = cJSON_GetObjectItemCaseSensitive(v, "mergeStrategy");
  return cJSON_IsString(s) ? s->valuestring : "";
}

static void walk_add(Walk *w, const char *path, int kind, int nseg, unsigned arrays) {
  if (w->n >= (int)(sizeof w->v / sizeof w->v[0])) return;
  SRule *s = &w->v[w->n++];
  snprintf(s->path, sizeof s->path, "%s", path);
  s->kind = kind;
  s->nseg = nseg;
  s->arrays = arrays;
}

/* ocdsmerge's rules._get_merge_rules over the $ref-resolved schema. */
static void walk(Walk *w, const cJSON *props, const char *prefix, int nseg, unsigned arrays, int depth) {
  const cJSON *p;
  if (depth > 24) return;
  cJSON_ArrayForEach(p, props) {
    const cJSON *v = deref(w, p), *items, *it, *iprops;
    char path[192];
    if (!v) continue;
    snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", p->string);
    if (p != v && (flag(p, "omitWhenMerged") || flag(p, "wholeListMerge"))) w->sibling_flags++;
    if (flag(v, "omitWhenMerged") || strcmp(strategy(v), "ocdsOmit") == 0) {
      walk_add(w, path, MERGE_RULE_OMIT, nseg + 1, arrays);
    } else if (type_has(v, "array", 0) && (flag(v, "wholeListMerge") || strcmp(strategy(v), "ocdsVersion") == 0)) {
      walk_add(w, path, MERGE_RULE_WHOLE_LIST, nseg + 1, arrays);
    } else if (type_has(v, "object", 0) && cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(v, "properties"))) {
      walk(w, cJSON_GetObjectItemCaseSensitive(v, "properties"), path, nseg + 1, arrays, depth + 1);
    } else if (type_has(v, "array", 0) && (items = cJSON_GetObjectItemCaseSensitive(v, "items")) && (it = deref(w, items))) {
      iprops = cJSON_GetObjectItemCaseSensitive(it, "properties");
      if (type_has(it, "object", 1)) {
        walk_add(w, path, MERGE_RULE_WHOLE_LIST, nseg + 1, arrays);
      } else if (type_has(it, "object", 0) && cJSON_IsObject(iprops)) {
        if (!cJSON_GetObjectItemCaseSensitive(iprops, "id")) {
          walk_add(w, path, MERGE_RULE_WHOLE_LIST, nseg + 1, arrays);
        } else {
          unsigned a = arrays | (1u << nseg);
          walk_add(w, path, ID_MERGE, nseg + 1, a);
          walk(w, iprops, path, nseg + 1, a, depth + 1);
        }
      }
    }
  }
}

/* Every property anywhere in the schema that declares a rule itself. */
static void scan_declared(Walk *w, const cJSON *node, int depth) {
  const cJSON *props = cJSON_GetObjectItemCaseSensitive(node, "properties"), *p, *x;
  if (depth > 40) return;
  cJSON_ArrayForEach(p, props) {
    int kind = flag(p, "omitWhenMerged") ? MERGE_RULE_OMIT : flag(p, "wholeListMerge") ? MERGE_RULE_WHOLE_LIST : 0;
    if (kind && w->ndeclared < 64) {
      snprintf(w->declared[w->ndeclared], sizeof w->declared[0], "%s", p->string);
      w->declared_kind[w->ndeclared++] = kind;
    }
  }
  for (x = node->child; x; x = x->next)
    if (cJSON_IsObject(x) || cJSON_IsArray(x)) scan_declared(w, x, depth + 1);
}

/* Release with a value at rule path s (array segments become [{'id':'w',...}]). */
static cJSON *nest(const SRule *s, const char *rid, const char *date, cJSON *value) {
  char segs[16][64];
  int n = 0;
  const char *p = s->path;
  while (*p && n < 16) {
    size_t k = strcspn(p, ".");
    snprintf(segs[n++], sizeof segs[0], "%.*s", (int)k, p);
    p += k + (p[k] == '.');
  }
  for (int i = n - 1; i >= 1; i--) {
    cJSON *o = cJSON_CreateObject();
    if (s->arrays & (1u << (i - 1))) cJSON_AddStringToObject(o, "id", "w");
    cJSON_AddItemToObject(o, segs[i], value);
    if (s->arrays & (1u << (i - 1))) {
      value = cJSON_CreateArray();
      cJSON_AddItemToArray(value, o);
    } else {
      value = o;
    }
  }
  cJSON *r = cJSON_CreateObject();
  cJSON_AddStringToObject(r, "ocid", "ocds-schema");
  cJSON_AddStringToObject(r, "id", rid);
  cJSON_AddStringToObject(r, "date", date);
  cJSON_AddItemToObject(r, segs[0], value);
  return r;
}

/* Value at rule path s in a compiled release (first item of each array). */
static const cJSON *at_rule(const cJSON *c, const SRule *s) {
  char part[64];
  const char *p = s->path;
  int i = 0;
  while (c && *p) {
    size_t k = strcspn(p, ".");
    snprintf(part, sizeof part, "%.*s", (int)k, p);
    p += k + (p[k] == '.');
    if (i > 0 && (s->arrays & (1u << (i - 1)))) c = cJSON_GetArrayItem(c, 0);
    c = cJSON_GetObjectItemCaseSensitive(c, part);
    i++;
  }
  return c;
}

static void test_schema_table(void) {
  Buf path = BUF_INIT;
  buf_addf(&path, "%s/data/ocds/schema/release-schema.json", tap_shared());
  char *text = read_file(path.data);
  cJSON *schema = text ? cJSON_Parse(text) : NULL;
  free(text);
  if (!ok(schema != NULL, "release schema readable at %s", path.data)) {
    buf_release(&path);
    return;
  }
  buf_release(&path);
  Walk *w = xcalloc(1, sizeof *w);
  w->schema = schema;
  walk(w, cJSON_GetObjectItemCaseSensitive(schema, "properties"), "", 0, 0, 0);
  scan_declared(w, schema, 0);
  is_int(w->bad_refs, 0, "schema: every $ref resolves to a definition");
  is_int(w->sibling_flags, 0, "schema: no merge rule sits beside a $ref (ocdsmerge would ignore it)");

  size_t nt;
  const MergeRule *t = merge_rules(&nt);
  int missing = 0, extra = 0, nrules = 0, nid = 0;
  for (int i = 0; i < w->n; i++) {
    if (w->v[i].kind == ID_MERGE) {
      nid++;
      continue;
    }
    nrules++;
    size_t j;
    for (j = 0; j < nt; j++)
      if (strcmp(t[j].path, w->v[i].path) == 0 && (int)t[j].kind == w->v[i].kind) break;
    if (j == nt) {
      missing++;
      printf("#   schema rule not in table: %s (%s)\n", w->v[i].path, w->v[i].kind == MERGE_RULE_OMIT ? "omit" : "whole list");
    }
  }
  for (size_t j = 0; j < nt; j++) {
    int i;
    for (i = 0; i < w->n; i++)
      if (strcmp(t[j].path, w->v[i].path) == 0 && (int)t[j].kind == w->v[i].kind) break;
    if (i == w->n) {
      extra++;
      printf("#   table rule not in schema: %s\n", t[j].path);
    }
  }
  ok(nrules > 20 && missing == 0, "every merge rule the schema implies is in merge.c's table (%d rules)", nrules);
  ok(extra == 0 && (size_t)nrules == nt, "merge.c's table has no rule the schema does not imply");
  int undeclared = 0;
  for (int d = 0; d < w->ndeclared; d++) {
    size_t j, len = strlen(w->declared[d]);
    for (j = 0; j < nt; j++) {
      size_t pl = strlen(t[j].path);
      if ((int)t[j].kind == w->declared_kind[d] && pl >= len && strcmp(t[j].path + pl - len, w->declared[d]) == 0 &&
          (pl == len || t[j].path[pl - len - 1] == '.'))
        break;
    }
    if (j == nt) {
      undeclared++;
      printf("#   declared in the schema but not in the table: %s\n", w->declared[d]);
    }
  }
  ok(w->ndeclared >= 6 && undeclared == 0, "each of the %d omitWhenMerged/wholeListMerge declarations has a table rule",
     w->ndeclared);

  /* and the runtime applies each rule: two releases with one item each at the
   * path; whole list keeps the second, identifier merge keeps both */
  int wrong = 0, checked = 0;
  for (int i = 0; i < w->n; i++) {
    const SRule *s = &w->v[i];
    if (s->kind == MERGE_RULE_OMIT) {
      if (strcmp(s->path, "date") == 0) continue; /* the compiled date is the release date by design */
      cJSON *r = nest(s, "1", "2020-01-01", J("{'omitted':true}"));
      const cJSON *rs[1] = {r};
      cJSON *c = merge_compile(rs, 1, NULL);
      const cJSON *got = c ? at_rule(c, s) : NULL;
      if (!c || (got && cJSON_IsObject(got))) {
        wrong++;
        printf("#   %s was not omitted\n", s->path);
      }
      checked++;
      cJSON_Delete(c);
      cJSON_Delete(r);
      continue;
    }
    cJSON *r1 = nest(s, "1", "2020-01-01", J("[{'id':'1','x':'a'}]"));
    cJSON *r2 = nest(s, "2", "2020-01-02", J("[{'id':'2','x':'b'}]"));
    const cJSON *rs[2] = {r1, r2};
    cJSON *c = merge_compile(rs, 2, NULL);
    const cJSON *got = c ? at_rule(c, s) : NULL;
    int want = s->kind == ID_MERGE ? 2 : 1;
    if (!cJSON_IsArray(got) || cJSON_GetArraySize(got) != want) {
      wrong++;
      printf("#   %s: %d items after two releases, want %d (%s)\n", s->path, got ? cJSON_GetArraySize(got) : -1, want,
             s->kind == ID_MERGE ? "identifier merge" : "whole list");
    }
    checked++;
    cJSON_Delete(c);
    cJSON_Delete(r1);
    cJSON_Delete(r2);
  }
  ok(nid > 20 && wrong == 0, "merge applies the schema's rule at each of %d paths (%d identifier-merge arrays)", checked, nid);
  free(w);
  cJSON_Delete(schema);
}

/* ---- real data: UK Contracts Finder records (publisher-made compiled and
 * versioned releases) ---- */

static void strip_nulls(cJSON *x) {
  cJSON *y, *next;
  for (y = x ? x->child : NULL; y; y = next) {
    next = y->next;
    if (cJSON_IsObject(x) && cJSON_IsNull(y))
      cJSON_Delete(cJSON_DetachItemViaPointer(x, y));
    else
      strip_nulls(y);
  }
}

/* The publisher versioned each role of parties[].roles ([[v],[v]]), where the
 * standard versions the whole list ([v] with value ['buyer',...]); this turns
 * theirs into the standard form when all roles come from one release. */
static int fix_roles(cJSON *versioned) {
  int fixed = 0;
  cJSON *p;
  cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(versioned, "parties")) {
    cJSON *roles = cJSON_GetObjectItemCaseSensitive(p, "roles"), *r;
    if (!cJSON_IsArray(roles) || !cJSON_IsArray(roles->child)) continue;
    cJSON *values = cJSON_CreateArray(), *first = NULL;
    int same = 1;
    cJSON_ArrayForEach(r, roles) {
      cJSON *v0 = cJSON_GetArrayItem(r, 0);
      if (cJSON_GetArraySize(r) != 1 || !v0) {
        same = 0;
        break;
      }
      if (!first) first = v0;
      same &= cJSON_Compare(cJSON_GetObjectItemCaseSensitive(v0, "releaseID"), cJSON_GetObjectItemCaseSensitive(first, "releaseID"), 1);
      cJSON_AddItemToArray(values, cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(v0, "value"), 1));
    }
    if (!same || !first) {
      cJSON_Delete(values);
      continue;
    }
    cJSON *ver = cJSON_Duplicate(first, 1);
    cJSON_ReplaceItemInObjectCaseSensitive(ver, "value", values);
    cJSON *list = cJSON_CreateArray();
    cJSON_AddItemToArray(list, ver);
    cJSON_ReplaceItemInObjectCaseSensitive(p, "roles", list);
    fixed++;
  }
  return fixed;
}

static int by_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void test_real_records(void) {
  Buf dir = BUF_INIT;
  buf_addf(&dir, "%s/data/ocds/dev/uk-contracts-finder/legacy-2014-2015/records", tap_shared());
  DIR *d = opendir(dir.data);
  char *names[64];
  int n = 0;
  struct dirent *e;
  while (d && (e = readdir(d)) && n < 64)
    if (strstr(e->d_name, ".json")) names[n++] = xstrdup(e->d_name);
  if (d) closedir(d);
  qsort(names, (size_t)n, sizeof names[0], by_str);
  is_int(n, 11, "11 Contracts Finder records found in %s", dir.data);

  int parsed = 0, same_tender = 0, same_parties = 0, same_buyer = 0, same_rest = 0, id_conv = 0, same_meta = 0;
  int same_versioned = 0, roles_fixed = 0, nulls = 0;
  for (int i = 0; i < n; i++) {
    Buf p = BUF_INIT;
    buf_addf(&p, "%s/%s", dir.data, names[i]);
    char *text = read_file(p.data);
    cJSON *rec = text ? cJSON_Parse(text) : NULL;
    free(text);
    buf_release(&p);
    const cJSON *rels = cJSON_GetObjectItemCaseSensitive(rec, "releases");
    if (!cJSON_IsArray(rels)) {
      cJSON_Delete(rec);
      continue;
    }
    parsed++;
    size_t nr;
    const cJSON **v = vec(rels, &nr);
    Err err = ERR_INIT;
    cJSON *ours = merge_compile(v, nr, &err), *vers = merge_versioned(v, nr, &err);
    cJSON *theirs = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(rec, "compiledRelease"), 1);
    cJSON *their_v = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(rec, "versionedRelease"), 1);
    const cJSON *latest = v[nr - 1];
    /* id: the publisher uses the latest release's id; the standard suggests {ocid}-{date} */
    Buf want_id = BUF_INIT;
    buf_addf(&want_id, "%s-%s", str_at(latest, "ocid"), str_at(latest, "date"));
    if (ours && strcmp(str_at(ours, "id"), want_id.data) == 0 && str_at(theirs, "id") &&
        strcmp(str_at(theirs, "id"), str_at(latest, "id")) == 0)
      id_conv++;
    buf_release(&want_id);
    if (ours && cJSON_Compare(at(ours, "tag"), at(theirs, "tag"), 1) && cJSON_Compare(at(ours, "date"), at(theirs, "date"), 1) &&
        cJSON_Compare(at(ours, "ocid"), at(theirs, "ocid"), 1))
      same_meta++;
    /* the publisher keeps nulls in its compiled release; merging removes them */
    cJSON *before = cJSON_Duplicate(theirs, 1);
    strip_nulls(theirs);
    if (!cJSON_Compare(before, theirs, 1)) nulls++;
    cJSON_Delete(before);
    if (ours && cJSON_Compare(at(ours, "tender"), at(theirs, "tender"), 1)) same_tender++;
    if (ours && cJSON_Compare(at(ours, "parties"), at(theirs, "parties"), 1)) same_parties++;
    if (ours && cJSON_Compare(at(ours, "buyer"), at(theirs, "buyer"), 1)) same_buyer++;
    if (ours && theirs) {
      cJSON_DeleteItemFromObjectCaseSensitive(ours, "id");
      cJSON_DeleteItemFromObjectCaseSensitive(theirs, "id");
      if (cJSON_Compare(ours, theirs, 1))
        same_rest++;
      else {
        printf("# %s: compiled differs\n", names[i]);
        show("ours  ", ours);
        show("theirs", theirs);
      }
    }
    roles_fixed += fix_roles(their_v);
    if (vers && their_v && cJSON_Compare(vers, their_v, 1))
      same_versioned++;
    else {
      printf("# %s: versioned differs\n", names[i]);
      show("ours  ", vers);
      show("theirs", their_v);
    }
    cJSON_Delete(ours);
    cJSON_Delete(vers);
    cJSON_Delete(theirs);
    cJSON_Delete(their_v);
    free(v);
    cJSON_Delete(rec);
  }
  is_int(parsed, n, "every record parses and has releases");
  is_int(id_conv, n, "compiled id: ours is {ocid}-{date} (standard); the publisher's is the release id -- the one expected difference");
  is_int(same_meta, n, "compiled tag ['compiled'], date and ocid match the publisher's");
  is_int(nulls, n, "the publisher's compiled releases keep nulls (merging removes them): compared without");
  is_int(same_tender, n, "compiled tender matches the publisher's");
  is_int(same_parties, n, "compiled parties match the publisher's");
  is_int(same_buyer, n, "compiled buyer matches the publisher's");
  is_int(same_rest, n, "the whole compiled release matches the publisher's apart from id and nulls");
  ok(roles_fixed >= n, "publisher versions parties[].roles per element, not as one list (%d parties normalised)", roles_fixed);
  is_int(same_versioned, n, "versioned release matches the publisher's (roles normalised)");
  for (int i = 0; i < n; i++) free(names[i]);
  buf_release(&dir);
}


/* ---- a long notice: many releases of one ocid, each adding items ----
 * (reproducers/attack/ingest/make_one_ocid.py: one party, award and document
 * more per release). Indexing the grown arrays afresh for every release made
 * this quadratic (10,000 releases: 7.8 s compiled, 29 s versioned); the
 * 2-release test_big above never saw it. churn: some releases also remove an
 * array by null, or give it another shape, so the kept item tables must be
 * forgotten at the right time. */
static cJSON *long_release(int i, int churn) {
  char d[32], buf[1024];
  snprintf(d, sizeof d, "2020-01-%02dT%02d:%02d:00Z", 1 + i / 1440 % 28, i / 60 % 24, i % 60);
  snprintf(buf, sizeof buf,
           "{'ocid':'ocds-long','id':'r%d','date':'%s','tag':['tenderUpdate'],"
           "'parties':[{'id':'P%d','name':'Supplier %d Ltd','roles':['supplier']}],"
           "'tender':{'id':'t','title':'update %d','status':'active','value':{'amount':%d,'currency':'GBP'},"
           "'documents':[{'id':'D%d','url':'https://x.example/%d','title':'doc %d'}]},"
           "'awards':[{'id':'A%d','status':'active','value':{'amount':%d,'currency':'GBP'},"
           "'suppliers':[{'id':'P%d','name':'Supplier %d Ltd'}]}]}",
           i, d, i, i, i, 1000 + i, i, i, i, i, i, i, i);
  cJSON *r = J(buf);
  if (churn && i % 97 == 50) /* every award so far removed */
    cJSON_ReplaceItemInObjectCaseSensitive(r, "awards", cJSON_CreateNull());
  if (churn && i % 89 == 40) { /* the documents become text, then items again */
    cJSON *t = cJSON_GetObjectItemCaseSensitive(r, "tender");
    cJSON_ReplaceItemInObjectCaseSensitive(t, "documents", cJSON_CreateString("see the buyer's site"));
  }
  if (churn && i % 101 == 70) /* the award of release i-1 once more, changed */
    cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(r, "awards"),
                         J("{'id':'A0','status':'cancelled'}"));
  return r;
}

static cJSON **long_notice(int n, int churn) {
  cJSON **v = xcalloc((size_t)n, sizeof *v);
  for (int i = 0; i < n; i++) v[i] = long_release(i, churn);
  return v;
}

static void long_free(cJSON **v, int n) {
  for (int i = 0; i < n; i++) cJSON_Delete(v[i]);
  free(v);
}

/* The compiled release as merging one release at a time makes it, each merge
 * indexing its arrays afresh: the algorithm before tables were kept. rels in
 * merge order (date, then position). */
static cJSON *compile_one_by_one(const cJSON *const *rels, size_t n) {
  cJSON *c = cJSON_CreateObject();
  Err err = ERR_INIT;
  for (size_t i = 0; c && i < n; i++)
    if (merge_into(c, rels[i], &err)) {
      printf("# merge_into: %s\n", err.msg);
      cJSON_Delete(c);
      c = NULL;
    }
  return c;
}

static int same_text(const cJSON *a, const cJSON *b) {
  char *x = a ? cJSON_PrintUnformatted(a) : NULL, *y = b ? cJSON_PrintUnformatted(b) : NULL;
  int same = x && y && strcmp(x, y) == 0;
  cJSON_free(x);
  cJSON_free(y);
  return same;
}

/* Thread CPU seconds, the best of `runs`, of compiling n long releases:
 * mode 0 merge_compile, 1 merge_versioned, 2 one release at a time with the
 * arrays indexed afresh each time (the quadratic algorithm, as a control). */
static double time_long(int n, int mode, int runs) {
  cJSON **v = long_notice(n, 0);
  double best = 1e9;
  for (int k = 0; k < runs && best > 0; k++) {
    Err err = ERR_INIT;
    double t0 = cpu_s();
    cJSON *c = mode == 0   ? merge_compile((const cJSON *const *)v, (size_t)n, &err)
               : mode == 1 ? merge_versioned((const cJSON *const *)v, (size_t)n, &err)
                           : compile_one_by_one((const cJSON *const *)v, (size_t)n);
    double t = cpu_s() - t0;
    if (!c || cJSON_GetArraySize(at(c, "awards")) != n) best = -1;
    else if (t < best) best = t;
    cJSON_Delete(c);
  }
  long_free(v, n);
  return best;
}

static double growth(int n, int mode) {
  int runs = getenv("POWERHOUSE_VALGRIND") ? (mode == 2 ? 1 : 3) : 9; /* valgrind: the control alone takes 7 s */
  double small = time_long(n, mode, runs), large = time_long(8 * n, mode, runs);
  printf("# %d -> %d releases, %s: %.5f -> %.5f s\n", n, 8 * n,
         mode == 0 ? "compiled" : mode == 1 ? "versioned" : "one at a time, arrays indexed afresh", small, large);
  return small > 0 && large > 0 ? large / small : -1;
}

static void test_long_notice(void) {
  /* Sizes that stay in the cache: from 1,500 to 12,000 releases the heap
   * outgrows it, and on the shared 2-core test machine, a virtual one, even
   * copying the releases then cost 11-28x for 8x (merging once 32.6x). At 200
   * -> 1,600 a linear algorithm measured 7.7-9.2x. glibc is also kept from
   * giving freed memory back, which it would fault in again on the next run.
   * Under ASan at 400 -> 3,200: 8.1x compiled, 3.6x versioned, the control
   * 56-80x. */
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
#ifdef __SANITIZE_ADDRESS__
  const int n = 400; /* ASan's cost per allocation hides the quadratic term at 200 (the control: 19-20x) */
#else
  const int n = 200;
#endif
  double g = growth(n, 0);
  ok(g > 0, "a notice of %d releases, each adding an award, compiles with every award", 8 * n);
  ok(g > 0 && g < 20, "8x the releases cost %.1fx the time to compile (linear ~8x, quadratic ~64x)", g);
  g = growth(n, 1);
  ok(g > 0 && g < 20, "8x the releases cost %.1fx the time for the versioned release (linear ~8x, quadratic ~64x)", g);
  g = growth(n, 2);
  ok(g >= 20, "the control, indexing the arrays afresh for every release, costs %.1fx: the test tells quadratic apart", g);

  /* the same results as merging one release at a time */
  for (int churn = 0; churn < 2; churn++) {
    int m = 1000;
    cJSON **v = long_notice(m, churn);
    Err err = ERR_INIT;
    cJSON *all = merge_compile((const cJSON *const *)v, (size_t)m, &err);
    cJSON *one = compile_one_by_one((const cJSON *const *)v, (size_t)m);
    ok(all && same_text(all, one), "%s: compiled release as one release at a time gives it",
       churn ? "a long notice whose arrays are removed and change shape" : "a long notice");
    if (churn) {
      cJSON *vers = merge_versioned((const cJSON *const *)v, (size_t)m, &err);
      const cJSON *a0 = at(vers, "awards.0.status");
      int versions = cJSON_GetArraySize(a0);
      ok(vers && versions >= 2, "versioned: an award changed by a later release has %d versions of its status", versions);
      cJSON_Delete(vers);
    }
    cJSON_Delete(all);
    cJSON_Delete(one);
    long_free(v, m);
  }
}

/* Every release in the development data (release packages, records' releases,
 * arrays of releases), grouped by ocid: merge_compile gives what merging one
 * release at a time gives. */
typedef struct {
  const cJSON *rel;
  const char *ocid, *date;
  size_t pos;
} DevRel;

static void dev_collect(const cJSON *x, int in_releases, DevRel **v, size_t *n, size_t *cap, int depth) {
  if (depth > 6) return;
  if (cJSON_IsObject(x)) {
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(x, "ocid"), *d = cJSON_GetObjectItemCaseSensitive(x, "date");
    if (in_releases && cJSON_IsString(o) && cJSON_IsString(d)) {
      if (*n == *cap) *v = xrealloc(*v, (*cap = *cap ? 2 * *cap : 1024) * sizeof **v);
      (*v)[*n] = (DevRel){x, o->valuestring, d->valuestring, *n};
      (*n)++;
      return;
    }
    for (const cJSON *y = x->child; y; y = y->next)
      if (y->string && (!strcmp(y->string, "releases") || !strcmp(y->string, "records")))
        dev_collect(y, !strcmp(y->string, "releases"), v, n, cap, depth + 1);
  } else if (cJSON_IsArray(x)) {
    for (const cJSON *y = x->child; y; y = y->next) dev_collect(y, in_releases || depth == 0, v, n, cap, depth + 1);
  }
}

static void dev_walk(const char *dir, cJSON ***docs, size_t *nd, DevRel **v, size_t *n, size_t *cap) {
  DIR *d = opendir(dir);
  struct dirent *e;
  while (d && (e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    Buf p = BUF_INIT;
    buf_addf(&p, "%s/%s", dir, e->d_name);
    if (strstr(e->d_name, ".json")) {
      char *text = read_file(p.data);
      cJSON *j = text ? cJSON_Parse(text) : NULL;
      free(text);
      if (j) {
        *docs = xrealloc(*docs, (*nd + 1) * sizeof **docs);
        (*docs)[(*nd)++] = j;
        dev_collect(j, 0, v, n, cap, 0);
      }
    } else if (!strchr(e->d_name, '.')) {
      dev_walk(p.data, docs, nd, v, n, cap);
    }
    buf_release(&p);
  }
  if (d) closedir(d);
}

/* merge's order: ocid, then the instant (text when a date does not parse), then position */
static int dev_cmp(const void *pa, const void *pb) {
  const DevRel *a = pa, *b = pb;
  int c = strcmp(a->ocid, b->ocid);
  if (c) return c;
  time_t ta, tb;
  if (date_parse(a->date, &ta) == 0 && date_parse(b->date, &tb) == 0 && ta != tb) return ta < tb ? -1 : 1;
  if ((c = strcmp(a->date, b->date))) return c;
  return (a->pos > b->pos) - (a->pos < b->pos);
}

static void test_dev_data_one_by_one(void) {
  Buf dir = BUF_INIT;
  buf_addf(&dir, "%s/data/ocds/dev", tap_shared());
  cJSON **docs = NULL;
  DevRel *v = NULL;
  size_t nd = 0, n = 0, cap = 0, groups = 0, same = 0, multi = 0;
  dev_walk(dir.data, &docs, &nd, &v, &n, &cap);
  qsort(v, n, sizeof *v, dev_cmp);
  const cJSON **rels = xcalloc(n ? n : 1, sizeof *rels);
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && !strcmp(v[j].ocid, v[i].ocid)) rels[j - i] = v[j].rel, j++;
    Err err = ERR_INIT;
    cJSON *all = merge_compile(rels, j - i, &err), *one = compile_one_by_one(rels, j - i);
    groups++;
    multi += j - i > 1;
    if (all && same_text(all, one)) same++;
    else printf("# %s: compiled differs from one release at a time\n", v[i].ocid);
    cJSON_Delete(all);
    cJSON_Delete(one);
    i = j;
  }
  ok(n > 500 && multi > 30, "development data: %zu releases of %zu notices (%zu with several releases)", n, groups, multi);
  is_int((int)same, (int)groups, "every notice compiles as merging its releases one at a time does");
  free(rels);
  free(v);
  for (size_t i = 0; i < nd; i++) cJSON_Delete(docs[i]);
  free(docs);
  buf_release(&dir);
}

int main(void) {
  test_simple_and_metadata();
  test_omitted_fields();
  test_null_removes();
  test_null_then_grow();
  test_identifier_merge();
  test_items_without_id();
  test_whole_list();
  test_empty_values();
  test_date_order();
  test_type_changes();
  test_errors();
  test_merge_into();
  test_versioned();
  test_generated();
  test_deep();
  test_big();
  test_dup_id_item();
  test_date_cycle();
  test_long_notice();
  test_dev_data_one_by_one();
  test_schema_table();
  test_real_records();
  return done_testing();
}

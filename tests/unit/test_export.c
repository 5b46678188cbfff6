/* test_export.c -- tests for ocds/export.c: the compiled-in schema rules
 * against release-schema.json, the normaliser case by case, URI checks,
 * package shapes, the streaming writer against the one-shot functions, CSV
 * quoting and formula guarding, and a round trip over the shared development
 * data: a record package per ocid and one release package of everything,
 * written to a temporary folder and, when node and node_modules are there,
 * validated with tests/schema/validate.mjs against the official OCDS 1.1.5
 * schema (`make test` installs node_modules; without them those checks are
 * skipped). Damaged copies of the dev releases check the normaliser the same
 * way. EXPORT_KEEP=1 keeps the temporary folder for inspection. JSON in this
 * file is written with ' for " (see J()). */
#include "ocds/export.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../tap.h"
#include "base/buf.h"
#include "ocds/release.h"
#include "ocds/scan.h"

/* ---- helpers ---- */

static cJSON *J(const char *text) {
  char *s = xstrdup(text);
  for (char *p = s; *p; p++)
    if (*p == '\'') *p = '"';
  cJSON *j = cJSON_Parse(s);
  if (!j) {
    fprintf(stderr, "test_export: bad test JSON: %s\n", s);
    exit(2);
  }
  free(s);
  return j;
}

static int same_json(const cJSON *got, const char *want_text, const char *name) {
  cJSON *want = J(want_text);
  int same = got && cJSON_Compare(got, want, 1);
  if (!ok(same, "%s", name)) {
    char *g = got ? cJSON_PrintUnformatted(got) : NULL, *w = cJSON_PrintUnformatted(want);
    printf("#   got  %s\n#   want %s\n", g ? g : "(null)", w);
    cJSON_free(g);
    cJSON_free(w);
  }
  cJSON_Delete(want);
  return same;
}

/* Normalises the release text and compares with want; checks the change count. */
static void norm_case(const char *in, const char *want, uint64_t want_changes, const char *name) {
  cJSON *r = J(in);
  ExportStats st = {0};
  uint64_t n = export_normalise_release(r, &st);
  if (same_json(r, want, name) && n != want_changes) {
    ok(0, "%s: %llu changes, want %llu", name, (unsigned long long)n, (unsigned long long)want_changes);
  }
  cJSON_Delete(r);
}

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  Buf b = BUF_INIT;
  char chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) buf_add(&b, chunk, n);
  fclose(f);
  return buf_detach(&b, len);
}

static int write_file(const char *path, const char *data, size_t len) {
  FILE *f = fopen(path, "wb");
  if (!f) return -1;
  int rc = fwrite(data, 1, len, f) == len ? 0 : -1;
  return fclose(f) || rc ? -1 : 0;
}

static const ExportMeta META = {
    .uri = "https://powerhouse.example/export/test.json",
    .published_date = "2025-02-01T12:00:00Z",
    .publisher_name = "Powerhouse test",
    .license = "http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
};

/* ---- the rule table against release-schema.json ---- */

static unsigned schema_types(const cJSON *p) {
  const cJSON *t = cJSON_GetObjectItemCaseSensitive(p, "type");
  static const char *const names[] = {"string", "number", "integer", "boolean", "object", "array", "null"};
  unsigned bits = 0;
  if (!t && cJSON_GetObjectItemCaseSensitive(p, "$ref")) return EXPORT_T_OBJ;
  const cJSON *one = cJSON_IsArray(t) ? t->child : t;
  for (; one; one = cJSON_IsArray(t) ? one->next : NULL)
    for (unsigned i = 0; i < 7; i++)
      if (cJSON_IsString(one) && strcmp(one->valuestring, names[i]) == 0) bits |= 1u << i;
  return bits;
}

typedef struct {
  const char *name;
  const cJSON *node;
  char owned[128];
} Def;

static void test_rules_match_schema(void) {
  char path[1024];
  snprintf(path, sizeof path, "%s/data/ocds/schema/release-schema.json", tap_shared());
  char *text = read_file(path, NULL);
  cJSON *schema = text ? cJSON_Parse(text) : NULL;
  free(text);
  if (!ok(schema != NULL, "release schema readable at %s", path)) return;
  size_t n_rules;
  const ExportRule *rules = export_rules(&n_rules);
  Def defs[64];
  size_t n_defs = 0, seen = 0, wrong = 0;
  defs[n_defs++] = (Def){"Release", schema, ""};
  const cJSON *d;
  cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(schema, "definitions")) defs[n_defs++] =
      (Def){d->string, d, ""};
  for (size_t i = 0; i < n_defs; i++) {
    const cJSON *p;
    cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(defs[i].node, "properties")) {
      const cJSON *items = cJSON_GetObjectItemCaseSensitive(p, "items");
      unsigned types = schema_types(p), item_types = items ? schema_types(items) : 0, flags = 0;
      const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(p, "format");
      if (cJSON_IsString(fmt) && !strcmp(fmt->valuestring, "uri")) flags |= EXPORT_F_URI;
      if (cJSON_IsString(fmt) && !strcmp(fmt->valuestring, "date-time")) flags |= EXPORT_F_DATETIME;
      if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(p, "uniqueItems"))) flags |= EXPORT_F_UNIQUE;
      const cJSON *mi = cJSON_GetObjectItemCaseSensitive(p, "minItems"),
                  *ml = cJSON_GetObjectItemCaseSensitive(p, "minLength");
      if (cJSON_IsNumber(mi) && mi->valueint == 1) flags |= EXPORT_F_MINITEMS;
      if (cJSON_IsNumber(ml) && ml->valueint == 1) flags |= EXPORT_F_MINLEN;
      const cJSON *req;
      cJSON_ArrayForEach(req, cJSON_GetObjectItemCaseSensitive(defs[i].node, "required")) {
        if (cJSON_IsString(req) && !strcmp(req->valuestring, p->string)) flags |= EXPORT_F_REQUIRED;
      }
      const cJSON *holder = items ? items : p;
      const char *ref = NULL;
      char inline_name[128];
      const cJSON *r = cJSON_GetObjectItemCaseSensitive(holder, "$ref");
      if (cJSON_IsString(r)) ref = strrchr(r->valuestring, '/') + 1;
      if (cJSON_GetObjectItemCaseSensitive(holder, "properties")) {
        snprintf(inline_name, sizeof inline_name, "%s.%s", defs[i].name, p->string);
        if (n_defs < 64) {
          defs[n_defs] = (Def){NULL, holder, ""};
          snprintf(defs[n_defs].owned, sizeof defs[n_defs].owned, "%s", inline_name);
          defs[n_defs].name = defs[n_defs].owned;
          n_defs++;
        }
        ref = inline_name;
      }
      const cJSON *en = cJSON_GetObjectItemCaseSensitive(holder, "enum");
      const ExportRule *row = NULL;
      for (size_t k = 0; k < n_rules; k++)
        if (!strcmp(rules[k].def, defs[i].name) && !strcmp(rules[k].field, p->string)) row = &rules[k];
      int good = row && row->types == types && row->item_types == item_types && row->flags == flags &&
                 (ref ? row->ref && !strcmp(row->ref, ref) : !row->ref) && (!en == !row->codes);
      if (good && en) {
        const cJSON *v;
        size_t k = 0;
        cJSON_ArrayForEach(v, en) {
          if (cJSON_IsNull(v)) continue;
          if (!row->codes[k] || strcmp(row->codes[k], v->valuestring)) good = 0;
          if (row->codes[k]) k++;
        }
        if (row->codes[k]) good = 0;
      }
      if (!good && wrong++ < 5) printf("#   rule %s.%s differs from the schema\n", defs[i].name, p->string);
      seen += row != NULL;
    }
  }
  is_int(wrong, 0, "every property of release-schema.json has the rule the schema gives it");
  is_int(seen, n_rules, "the table has no row the schema does not (%zu rows)", n_rules);
  size_t split = 0;
  for (size_t k = 1; k < n_rules; k++)
    if (strcmp(rules[k].def, rules[k - 1].def))
      for (size_t j = 0; j + 1 < k; j++)
        if (!strcmp(rules[j].def, rules[k].def)) split++;
  is_int(split, 0, "the rows of each definition are together (the lookup relies on it)");
  cJSON_Delete(schema);
}

/* ---- the normaliser ---- */

static void test_normalise(void) {
  norm_case("{'ocid':'o','id':'1','date':'2020-01-01T00:00:00Z','tag':['tender'],'initiationType':'tender'}",
            "{'ocid':'o','id':'1','date':'2020-01-01T00:00:00Z','tag':['tender'],'initiationType':'tender'}",
            0, "a valid release is left alone");
  norm_case("{'id':12,'tender':{'id':7,'title':null,'value':null,'items':null,'status':null}}",
            "{'id':'12','tender':{'id':7,'title':null,'status':null}}", 3,
            "release id 12 becomes '12'; tender.id 7 stays (integer allowed); nulls dropped only where the "
            "schema allows none");
  norm_case("{'tag':'tender','awards':[{'id':'a','status':'Active','items':[]}]}",
            "{'tag':['tender'],'awards':[{'id':'a','status':'active'}]}", 3,
            "tag string wrapped; status recased; empty awards[].items (minItems 1) dropped");
  norm_case("{'tag':['tender','Award','bogus',null]}", "{'tag':['tender','award']}", 3,
            "tag items: recased, unknown code dropped, null item dropped");
  norm_case(
      "{'tender':{'status':'open','procurementMethod':'OPEN','value':{'amount':'12.5','currency':'gbp'}}}",
      "{'tender':{'procurementMethod':'open','value':{'amount':12.5,'currency':'GBP'}}}", 4,
      "status outside the closed codelist dropped; method and currency recased; numeric text amount made a "
      "number");
  norm_case("{'parties':[{'id':5,'name':'A','contactPoint':{'url':'http://Contract Finder'}},"
            "{'id':'6','contactPoint':{'url':'www.sic.gov.co/'}},{'id':'7','contactPoint':{'url':''}}]}",
            "{'parties':[{'id':'5','name':'A','contactPoint':{'url':'http://Contract%20Finder'}},"
            "{'id':'6','contactPoint':{}},{'id':'7','contactPoint':{}}]}",
            4, "party id made text; URL with a space encoded; URLs without a scheme dropped");
  norm_case("{'tender':{'documents':[{'id':'d','url':' https://x.org/a b/ü?q=[1]#f#g '}]}}",
            "{'tender':{'documents':[{'id':'d','url':'https://x.org/a%20b/%C3%BC?q=%5B1%5D#f%23g'}]}}", 1,
            "URL trimmed, space, non-ASCII, brackets and a second # encoded");
  norm_case("{'date':'2014-12-01','tender':{'tenderPeriod':{'endDate':'2015-01-05T12:00:00+0100','startDate':"
            "'soon'}}}",
            "{'date':'2014-12-01T00:00:00Z','tender':{'tenderPeriod':{'endDate':'2015-01-05T11:00:00Z'}}}", 3,
            "date-only and +HHMM dates made RFC 3339 UTC; an unparsable date dropped");
  norm_case("{'date':'2014-12-01T10:00:00.5+01:00'}", "{'date':'2014-12-01T10:00:00.5+01:00'}", 0,
            "an RFC 3339 date with fraction and offset is kept as published");
  norm_case("{'awards':[{'id':'1','suppliers':[{'id':'s','name':'S'},{'name':'S','id':'s'},{'id':'t'},{'id':'"
            "s','name':'S'}]}]}",
            "{'awards':[{'id':'1','suppliers':[{'id':'s','name':'S'},{'id':'t'}]}]}", 2,
            "exact duplicate suppliers dropped (member order ignored), first kept");
  norm_case(
      "{'contracts':[{'id':'c','awardID':null,'items':[{'id':'i','quantity':'3','unit':{'value':{'currency':'"
      "eur'}}}]}]}",
      "{'contracts':[{'id':'c','items':[{'id':'i','quantity':3,'unit':{'value':{'currency':'EUR'}}}]}]}", 3,
      "awardID null dropped; quantity text made a number; inline unit.value checked");
  norm_case("{'buyer':{'name':'','id':'b'},'ocid':'o','x-ext':{'url':'not a "
            "uri','n':null},'tender':{'xClass':null}}",
            "{'buyer':{'id':'b'},'ocid':'o','x-ext':{'url':'not a uri','n':null},'tender':{'xClass':null}}",
            1, "empty buyer.name dropped; fields outside the schema (extensions) untouched");
  norm_case(
      "{'tender':{'hasEnquiries':'true','numberOfTenderers':2.5,'submissionMethod':['electronicSubmission',3]"
      "}}",
      "{'tender':{'hasEnquiries':true,'submissionMethod':['electronicSubmission','3']}}", 3,
      "boolean text made boolean; non-integer numberOfTenderers dropped; number in a string array made text");
  norm_case("{'awards':{'id':'a'},'parties':[{'id':'p','roles':'buyer'}]}",
            "{'awards':[{'id':'a'}],'parties':[{'id':'p','roles':['buyer']}]}", 2,
            "a lone object or string where an array is expected is wrapped");

  cJSON *r = J("{'ocid':'o','id':'1','date':'2020-01-01T00:00:00Z','tag':['tender']}");
  ExportStats st = {0};
  export_normalise_release(r, &st);
  is_int(st.missing_required, 1, "a release without initiationType is counted, not filled in");
  cJSON_Delete(r);
  r = J("{'id':1,'tag':'x','tender':{'value':null,'documents':[{'id':'d','url':'u'}]},'awards':[{'id':'a','"
        "items':[],'status':'Active','suppliers':[{'id':'s'},{'id':'s'}]}]}");
  memset(&st, 0, sizeof st);
  export_normalise_release(r, &st);
  ok(st.types_converted == 2 && st.nulls_dropped == 1 && st.invalid_dropped == 2 && st.empty_dropped == 2 &&
         st.codes_recased == 1 && st.duplicates_dropped == 1,
     "stats count each kind of change");
  cJSON_Delete(r);
}

static void test_uri(void) {
  static const char *const good[] = {"http://example.org",
                                     "https://x.org/a/b?c=d&e=f#g",
                                     "mailto:a@b.org",
                                     "urn:isbn:0451450523",
                                     "http://[::1]:8080/",
                                     "http://[2001:db8::7]/c",
                                     "http://user:pw@h.org:80/p",
                                     "ftp://h/%20x",
                                     "http://h.org?x=/?",
                                     "http:/relative/abs",
                                     "http://",
                                     "http://x.org/a(b)*+,;=:@"};
  static const char *const bad[] = {"",
                                    "www.example.org",
                                    "/path",
                                    "http://a b",
                                    "http://x.org/%zz",
                                    "http://h.org:8a/",
                                    "1http://x",
                                    "http://x.org/a#b#c",
                                    "http://x.org/ü",
                                    "mailto:",
                                    "http://[::1::2]/",
                                    "http://[1:2:3:4:5:6:7:8:9]/",
                                    "http://x.org/a{b}",
                                    "http://x.org/\"q\""};
  size_t g = 0, b = 0;
  for (size_t i = 0; i < sizeof good / sizeof *good; i++)
    if (export_uri_valid(good[i]))
      g++;
    else
      printf("#   rejected %s\n", good[i]);
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    if (!export_uri_valid(bad[i]))
      b++;
    else
      printf("#   accepted %s\n", bad[i]);
  is_int(g, sizeof good / sizeof *good, "absolute URIs accepted (authority, IP literals, rootless, query)");
  is_int(b, sizeof bad / sizeof *bad,
         "non-URIs rejected (no scheme, spaces, bad %%, port, second #, non-ASCII)");
}

/* ---- packages ---- */

static const char *const REL1 =
    "{'ocid':'ocds-x-1','id':'r2','date':'2020-02-01T00:00:00Z','tag':['award'],'initiationType':'tender',"
    "'tender':{'id':'t','title':'Roads'},'awards':[{'id':'a1','status':'active','value':{'amount':5,'"
    "currency':'GBP'}}]}";
static const char *const REL0 =
    "{'ocid':'ocds-x-1','id':7,'date':'2020-01-01','tag':['tender'],'initiationType':'tender',"
    "'tender':{'id':'t','title':'Road','status':'active','value':null}}";

static void test_record_package(void) {
  cJSON *r[2] = {J(REL1), J(REL0)};
  char *before = cJSON_PrintUnformatted(r[1]);
  Buf out = BUF_INIT;
  Err err = ERR_INIT;
  ExportStats st = {0};
  int rc = export_record_package(&META, (const cJSON *const *)r, 2, &out, &st, &err);
  is_int(rc, 0, "record package of two releases: %s", err.msg);
  char *after = cJSON_PrintUnformatted(r[1]);
  is_str(after, before, "the releases passed in are not modified");
  cJSON_free(before);
  cJSON_free(after);
  cJSON *pkg = cJSON_Parse(buf_cstr(&out));
  ok(pkg != NULL, "record package is JSON");
  ok(out.len && out.data[out.len - 1] == '\n', "package ends with a newline");
  is_str(cJSON_GetStringValue(cJSON_GetObjectItem(pkg, "version")), "1.1", "version 1.1");
  is_str(cJSON_GetStringValue(cJSON_GetObjectItem(pkg, "uri")), META.uri, "uri as passed");
  is_str(cJSON_GetStringValue(cJSON_GetObjectItem(pkg, "publishedDate")), META.published_date,
         "publishedDate as passed");
  is_str(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(pkg, "publisher"), "name")),
         META.publisher_name, "publisher.name");
  is_str(cJSON_GetStringValue(cJSON_GetObjectItem(pkg, "license")), META.license, "license");
  ok(!cJSON_GetObjectItem(pkg, "publicationPolicy"), "no publicationPolicy when none given");
  cJSON *recs = cJSON_GetObjectItem(pkg, "records");
  is_int(cJSON_GetArraySize(recs), 1, "one record");
  cJSON *rec = cJSON_GetArrayItem(recs, 0);
  is_str(cJSON_GetStringValue(cJSON_GetObjectItem(rec, "ocid")), "ocds-x-1", "record ocid");
  cJSON *rels = cJSON_GetObjectItem(rec, "releases");
  is_int(cJSON_GetArraySize(rels), 2, "both releases embedded");
  is_str(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(rels, 0), "id")), "7",
         "releases sorted by date, oldest first; numeric id written as text");
  is_str(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(rels, 0), "date")),
         "2020-01-01T00:00:00Z", "date-only date written as RFC 3339");
  ok(!cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetArrayItem(rels, 0), "tender"), "value"),
     "null tender.value dropped");
  cJSON *c = cJSON_GetObjectItem(rec, "compiledRelease");
  same_json(cJSON_GetObjectItem(c, "tag"), "['compiled']", "compiledRelease tagged compiled");
  is_str(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(c, "tender"), "title")), "Roads",
         "compiledRelease has the latest title");
  cJSON *v = cJSON_GetObjectItem(rec, "versionedRelease");
  is_int(cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetObjectItem(v, "tender"), "title")), 2,
         "versionedRelease keeps both titles");
  is_str(cJSON_GetStringValue(cJSON_GetObjectItem(
             cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetObjectItem(v, "tender"), "title"), 0),
             "releaseID")),
         "7", "versioned releaseID is the text id");
  ok(st.releases == 2 && st.types_converted == 1 && st.dates_normalised == 1 && st.nulls_dropped == 1,
     "stats: 2 releases, 1 id made text, 1 date, 1 null");
  cJSON_Delete(pkg);

  /* errors */
  buf_reset(&out);
  cJSON *other = J("{'ocid':'ocds-x-2','id':'z','date':'2020-03-01T00:00:00Z'}");
  const cJSON *mixed[2] = {r[0], other};
  rc = export_record_package(&META, mixed, 2, &out, NULL, &err);
  ok(rc == ERR_OCDS && strstr(err.msg, "ocid"), "releases of two ocids: ERR_OCDS naming the ocid (%s)",
     err.msg);
  rc = export_record_package(&META, NULL, 0, &out, NULL, &err);
  is_int(rc, ERR_OCDS, "no releases: ERR_OCDS");
  ExportMeta m = META;
  m.uri = NULL;
  ok(export_record_package(&m, (const cJSON *const *)r, 2, &out, NULL, &err) == ERR_USAGE &&
         strstr(err.msg, "uri"),
     "missing uri: ERR_USAGE (%s)", err.msg);
  m = META;
  m.license = "OGL v3";
  ok(export_record_package(&m, (const cJSON *const *)r, 2, &out, NULL, &err) == ERR_USAGE &&
         strstr(err.msg, "license"),
     "license that is not a URI: ERR_USAGE (%s)", err.msg);
  m = META;
  m.uri = "https://powerhouse.example/api?q=\"road works\"&r={x}";
  buf_reset(&out);
  rc = export_record_package(&m, (const cJSON *const *)r, 2, &out, NULL, &err);
  pkg = cJSON_Parse(buf_cstr(&out));
  is_str(cJSON_GetStringValue(cJSON_GetObjectItem(pkg, "uri")),
         "https://powerhouse.example/api?q=%22road%20works%22&r=%7Bx%7D",
         "a package uri with a raw query string is percent-encoded");
  cJSON_Delete(pkg);
  m = META;
  m.uri = "powerhouse export";
  is_int(export_record_package(&m, (const cJSON *const *)r, 2, &out, NULL, &err), ERR_USAGE,
         "a uri without a scheme: ERR_USAGE");
  m = META;
  m.published_date = "yesterday";
  is_int(export_record_package(&m, (const cJSON *const *)r, 2, &out, NULL, &err), ERR_USAGE,
         "bad publishedDate: ERR_USAGE");
  m = META;
  m.publisher_name = "";
  is_int(export_record_package(&m, (const cJSON *const *)r, 2, &out, NULL, &err), ERR_USAGE,
         "empty publisher: ERR_USAGE");
  m = META;
  m.published_date = NULL;
  m.publication_policy = "https://powerhouse.example/policy";
  buf_reset(&out);
  rc = export_record_package(&m, (const cJSON *const *)r, 2, &out, NULL, &err);
  pkg = cJSON_Parse(buf_cstr(&out));
  const char *pd = cJSON_GetStringValue(cJSON_GetObjectItem(pkg, "publishedDate"));
  ok(rc == 0 && pd && strlen(pd) == 20 && pd[19] == 'Z', "publishedDate defaults to now, UTC (%s)",
     pd ? pd : "-");
  is_str(cJSON_GetStringValue(cJSON_GetObjectItem(pkg, "publicationPolicy")), m.publication_policy,
         "publicationPolicy");
  cJSON_Delete(pkg);
  cJSON_Delete(other);
  cJSON_Delete(r[0]);
  cJSON_Delete(r[1]);
  buf_release(&out);
}

/* parties[].details versioned whole (as the versioned release schema wants);
 * contract amendments published as contracts take their contract's awardID. */
static void test_record_versioning(void) {
  cJSON *r[3] = {
      J("{'ocid':'o2','id':'b','date':'2020-02-01T00:00:00Z','tag':['tenderUpdate'],'initiationType':'tender'"
        ","
        "'parties':[{'id':'p','details':{'scale':'large'}}]}"),
      J("{'ocid':'o2','id':'a','date':'2020-01-01T00:00:00Z','tag':['tender'],'initiationType':'tender',"
        "'parties':[{'id':'p','name':'P','details':{'scale':'sme','vcse':false}},{'name':'NoId','details':{'"
        "x':1,'y':{'z':2}}}],"
        "'contracts':[{'id':'c1','awardID':'aw1'},{'id':'c1-am2','awardID':null,'extendsContractID':'c1-am'},"
        "{'id':'c1-am','awardID':null,'extendsContractID':'c1'},{'id':'c9','awardID':null}]}"),
      J("{'ocid':'o2','id':'c','date':'2020-03-01T00:00:00Z','tag':['tenderUpdate'],'initiationType':'tender'"
        ","
        "'parties':[{'id':'p','name':'P2'}]}"),
  };
  Buf out = BUF_INIT;
  Err err = ERR_INIT;
  ExportStats st = {0};
  is_int(export_record_package(&META, (const cJSON *const *)r, 3, &out, &st, &err), 0,
         "record of three releases: %s", err.msg);
  cJSON *pkg = cJSON_Parse(buf_cstr(&out));
  cJSON *rec = cJSON_GetArrayItem(cJSON_GetObjectItem(pkg, "records"), 0);
  cJSON *vparties = cJSON_GetObjectItem(cJSON_GetObjectItem(rec, "versionedRelease"), "parties");
  same_json(
      cJSON_GetObjectItem(cJSON_GetArrayItem(vparties, 0), "details"),
      "[{'releaseID':'a','releaseDate':'2020-01-01T00:00:00Z','releaseTag':['tender'],'value':{'scale':'sme',"
      "'vcse':false}},"
      "{'releaseID':'b','releaseDate':'2020-02-01T00:00:00Z','releaseTag':['tenderUpdate'],'value':{'scale':'"
      "large','vcse':false}}]",
      "party details versioned as a whole: a version per change of the merged value, none when unchanged");
  same_json(
      cJSON_GetObjectItem(cJSON_GetArrayItem(vparties, 0), "name"),
      "[{'releaseID':'a','releaseDate':'2020-01-01T00:00:00Z','releaseTag':['tender'],'value':'P'},"
      "{'releaseID':'c','releaseDate':'2020-03-01T00:00:00Z','releaseTag':['tenderUpdate'],'value':'P2'}]",
      "other party fields keep merge's per-field versions");
  same_json(cJSON_GetObjectItem(cJSON_GetArrayItem(vparties, 1), "details"),
            "[{'releaseID':'a','releaseDate':'2020-01-01T00:00:00Z','releaseTag':['tender'],'value':{'x':1,'"
            "y':{'z':2}}}]",
            "details of a party without id put back together from its one release");
  cJSON *contracts = cJSON_GetObjectItem(cJSON_GetObjectItem(rec, "compiledRelease"), "contracts");
  is_str(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(contracts, 1), "awardID")), "aw1",
         "an amendment contract takes the awardID of the contract it extends (through a chain)");
  is_str(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(contracts, 2), "awardID")), "aw1",
         "... and directly");
  ok(!cJSON_GetObjectItem(cJSON_GetArrayItem(contracts, 3), "awardID"),
     "a contract with nothing to follow stays without");
  ok(st.awardids_derived == 2 && st.missing_required == 1,
     "stats: 2 awardIDs derived, 1 release still missing one");
  cJSON_Delete(pkg);
  for (int i = 0; i < 3; i++) cJSON_Delete(r[i]);
  buf_release(&out);
}

typedef struct {
  Buf got;
  size_t calls, fail_at;
} Collect;

static int collect(void *ctx, const char *data, size_t len, Err *err) {
  Collect *c = ctx;
  if (++c->calls == c->fail_at) return err_set(err, ERR_IO, "disk full (test)");
  buf_add(&c->got, data, len);
  return 0;
}

static void test_release_package(cJSON **rels, size_t n) {
  Buf one = BUF_INIT;
  Err err = ERR_INIT;
  ExportStats st = {0};
  int rc = export_release_package(&META, (const cJSON *const *)rels, n, &one, &st, &err);
  is_int(rc, 0, "release package of %zu releases: %s", n, err.msg);
  cJSON *pkg = cJSON_Parse(buf_cstr(&one));
  ok(pkg && cJSON_IsArray(cJSON_GetObjectItem(pkg, "releases")),
     "release package is JSON with a releases array");
  is_int(cJSON_GetArraySize(cJSON_GetObjectItem(pkg, "releases")), st.releases,
         "releases written = stats.releases");
  cJSON_Delete(pkg);

  Collect c = {BUF_INIT, 0, 0};
  ExportWriter w;
  export_writer_init_sink(&w, collect, &c);
  rc = export_writer_begin(&w, EXPORT_RELEASE_PACKAGE, &META, &err);
  for (size_t i = 0; !rc && i < n; i++) rc = export_writer_add_release(&w, rels[i], &err);
  if (!rc) rc = export_writer_end(&w, &err);
  is_int(rc, 0, "streaming writer: %s", err.msg);
  ok(c.got.len == one.len && memcmp(c.got.data, one.data, one.len) == 0,
     "streamed output equals the one-shot output byte for byte (%zu bytes)", one.len);
  ok(c.calls > 1, "the sink got the output in %zu chunks as it was produced", c.calls);
  ok(w.own.cap <= 2 * EXPORT_FLUSH_AT + (16u << 20), "the writer's buffer stays bounded (%zu)", w.own.cap);
  export_writer_release(&w);
  buf_release(&c.got);

  /* a sink failure ends the export */
  Collect f = {BUF_INIT, 0, 2};
  export_writer_init_sink(&w, collect, &f);
  rc = export_writer_begin(&w, EXPORT_RELEASE_PACKAGE, &META, &err);
  for (size_t i = 0; !rc && i < n; i++) rc = export_writer_add_release(&w, rels[i], &err);
  ok(rc == ERR_IO && strstr(err.msg, "disk full"), "a failing sink stops the export with its error");
  ok(export_writer_add_release(&w, rels[0], &err) == ERR_USAGE && export_writer_end(&w, &err) == ERR_USAGE,
     "after a sink failure every call fails");
  export_writer_release(&w);
  buf_release(&f.got);

  /* duplicates, wrong calls, empty package */
  Buf out = BUF_INIT;
  export_writer_init_buf(&w, &out);
  ok(export_writer_add_release(&w, rels[0], &err) == ERR_USAGE, "add before begin: ERR_USAGE");
  export_writer_begin(&w, EXPORT_RELEASE_PACKAGE, &META, &err);
  ok(export_writer_add_record(&w, (const cJSON *const *)rels, 1, &err) == ERR_USAGE,
     "a record in a release package: ERR_USAGE");
  cJSON *notobj = cJSON_CreateArray();
  is_int(export_writer_add_release(&w, notobj, &err), ERR_OCDS, "a release that is not an object: ERR_OCDS");
  cJSON_Delete(notobj);
  cJSON *a = J(REL1), *b = J(REL1), *b2 = J(REL0);
  cJSON_AddNullToObject(b, "planning"); /* normalises to the same text as a */
  export_writer_add_release(&w, a, &err);
  export_writer_add_release(&w, b, &err);
  export_writer_add_release(&w, b2, &err);
  is_int(export_writer_end(&w, &err), 0, "writer ends");
  pkg = cJSON_Parse(buf_cstr(&out));
  is_int(cJSON_GetArraySize(cJSON_GetObjectItem(pkg, "releases")), 2,
         "a release identical (after normalisation) to one already written is skipped (uniqueItems)");
  ok(w.stats.duplicates_dropped == 1 && w.stats.nulls_dropped == 1 && w.stats.releases == 2,
     "the skipped release counted as a duplicate, its own changes not counted");
  cJSON_Delete(pkg);
  cJSON_Delete(a);
  cJSON_Delete(b);
  cJSON_Delete(b2);
  export_writer_release(&w);
  buf_reset(&out);
  export_writer_init_buf(&w, &out);
  export_writer_begin(&w, EXPORT_RECORD_PACKAGE, &META, &err);
  is_int(export_writer_end(&w, &err), ERR_NOTFOUND, "an empty package: ERR_NOTFOUND");
  pkg = cJSON_Parse(buf_cstr(&out));
  ok(pkg != NULL, "... but the document is still closed JSON");
  cJSON_Delete(pkg);
  export_writer_release(&w);
  buf_release(&out);
  buf_release(&one);
}

/* ---- CSV ---- */

static void test_csv(void) {
  Buf b = BUF_INIT;
  export_csv_header(&b, 0);
  is_str(buf_cstr(&b),
         "ocid,title,status,buyer,buyer_id,value,currency,min_value,deadline,published,updated,cpv_main,"
         "cpv_main_label,cpv_all,regions,sme,vcse,procurement_method,category,awards_count,awarded_value,"
         "suppliers,publisher,url\r\n",
         "header names the 24 columns, CRLF");
  buf_reset(&b);
  export_csv_header(&b, EXPORT_CSV_BOM);
  ok(b.len > 3 && memcmp(b.data,
                         "\xEF\xBB\xBF"
                         "ocid,",
                         8) == 0,
     "BOM flag starts with EF BB BF");

  static const struct {
    const char *in, *want;
    unsigned flags;
  } cells[] = {
      {"plain", "plain", 0},
      {"a,b", "\"a,b\"", 0},
      {"say \"hi\"", "\"say \"\"hi\"\"\"", 0},
      {"line\nbreak", "\"line\nbreak\"", 0},
      {"cr\rx", "\"cr\rx\"", 0},
      {"=SUM(A1:A9)", "'=SUM(A1:A9)", 0},
      {"+44 20", "'+44 20", 0},
      {"-1", "'-1", 0},
      {"@cmd", "'@cmd", 0},
      {"\tx", "\"'\tx\"", 0},
      {"x;=1+1;y", "\"x;'=1+1;y\"", 0},
      {"a,+b;@c;d", "\"a,'+b;'@c;d\"", 0},
      {"a;\tb", "\"a;'\tb\"", 0},
      {"a;b", "\"a;b\"", 0},
      {"x;=1", "\"x;=1\"", EXPORT_CSV_RAW},
      {"=HYPERLINK(\"x\",\"y\")", "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"", 0},
      {"=1+1", "=1+1", EXPORT_CSV_RAW},
      {"a=b", "a=b", 0},
      {"", "", 0},
      {"£ café", "£ café", 0},
  };
  size_t good = 0;
  for (size_t i = 0; i < sizeof cells / sizeof *cells; i++) {
    buf_reset(&b);
    export_csv_field(&b, cells[i].in, cells[i].flags);
    if (strcmp(buf_cstr(&b), cells[i].want) == 0)
      good++;
    else
      printf("#   cell '%s': got '%s', want '%s'\n", cells[i].in, buf_cstr(&b), cells[i].want);
  }
  is_int(good, sizeof cells / sizeof *cells,
         "cells: commas, semicolons, quotes, CR/LF/TAB quoted and quotes doubled; = + - @ TAB CR guarded with ' at the "
         "start and after every comma or semicolon; RAW unguarded");

  Notice n;
  notice_init(&n);
  n.ocid = xstrdup("ocds-b5fd17-1");
  n.title = xstrdup("Roads, \"bridges\"\nand tunnels");
  n.status = NOTICE_AWARDED;
  n.buyer.name = xstrdup("=Evil Council");
  n.buyer.id = xstrdup("GB-CFS-1");
  n.has_value = 1;
  n.value = 1250000;
  n.currency = xstrdup("GBP");
  n.has_min_value = 1;
  n.min_value = 99.5;
  n.deadline = xstrdup("2025-02-01T12:00:00Z");
  n.published = xstrdup("2025-01-01T00:00:00Z");
  n.updated = xstrdup("2025-01-20T00:00:00Z");
  n.n_cpvs = 3;
  n.cpvs = xcalloc(3, sizeof *n.cpvs);
  n.cpvs[0] = (NoticeCpv){xstrdup("45233000"), NULL, 1};
  n.cpvs[1] = (NoticeCpv){xstrdup("45000000"), xstrdup("Construction work"), 0};
  n.cpvs[2] = (NoticeCpv){xstrdup("45233000"), NULL, 2};
  n.n_regions = 2;
  n.regions = xcalloc(2, sizeof *n.regions);
  n.regions[0] = xstrdup("TLI");
  n.regions[1] = xstrdup("TLJ");
  n.sme = FLAG_YES;
  n.vcse = FLAG_NO;
  n.method = xstrdup("open");
  n.category = xstrdup("works");
  n.n_awards = 3;
  n.awards = xcalloc(3, sizeof *n.awards);
  const char *status[3] = {"active", "cancelled", NULL};
  for (int i = 0; i < 3; i++) {
    n.awards[i].status = status[i] ? xstrdup(status[i]) : NULL;
    n.awards[i].has_value = 1;
    n.awards[i].value = 1000.25 * (i + 1);
    n.awards[i].currency = xstrdup("GBP");
    n.awards[i].n_suppliers = 1;
    n.awards[i].suppliers = xcalloc(1, sizeof(Org));
    n.awards[i].suppliers[0].name = xstrdup(i == 1 ? "Gone Ltd" : "Acme; Sons");
  }
  n.publisher = xstrdup("Contracts Finder");
  n.url = xstrdup("https://www.contractsfinder.service.gov.uk/notice/1");
  buf_reset(&b);
  export_csv_row(&n, &b, 0);
  is_str(buf_cstr(&b),
         "ocds-b5fd17-1,\"Roads, \"\"bridges\"\"\nand tunnels\",awarded,'=Evil "
         "Council,GB-CFS-1,1250000,GBP,99.5,"
         "2025-02-01T12:00:00Z,2025-01-01T00:00:00Z,2025-01-20T00:00:00Z,45000000,Construction work,"
         "\"45000000;45233000\",\"TLI;TLJ\",true,false,open,works,2,4001,\"Acme; Sons\",Contracts Finder,"
         "https://www.contractsfinder.service.gov.uk/notice/1\r\n",
         "row: quoting, guard, plain numbers, main CPV first, distinct lists, cancelled award left out");
  free(n.awards[2].currency);
  n.awards[2].currency = xstrdup("EUR");
  buf_reset(&b);
  export_csv_row(&n, &b, 0);
  ok(strstr(buf_cstr(&b), ",works,2,,\"Acme; Sons\",") != NULL,
     "awards in another currency: awarded_value left empty");
  notice_release(&n);

  notice_init(&n);
  n.status = NOTICE_OPEN;
  n.has_value = 1;
  n.value = -3.75;
  buf_reset(&b);
  export_csv_row(&n, &b, 0);
  is_str(buf_cstr(&b), ",,open,,,-3.75,,,,,,,,,,,,,,0,,,,\r\n",
         "an empty notice: 24 fields; a negative number is not guarded");
  notice_release(&n);
  buf_release(&b);
}

/* ---- the development data ---- */

typedef struct {
  cJSON *tree;
  char *ocid;
  size_t seq;
} Rel;

typedef struct {
  Rel *v;
  size_t n, cap;
  size_t rejected;
} Rels;

static void add_release(Rels *rs, cJSON *tree, Err *err) {
  Release r;
  if (release_from_tree(tree, &r, err)) {
    rs->rejected++;
    return;
  }
  if (rs->n == rs->cap) rs->v = xrealloc(rs->v, (rs->cap = rs->cap ? rs->cap * 2 : 256) * sizeof *rs->v);
  rs->v[rs->n] = (Rel){r.root, r.ocid, rs->n};
  rs->n++;
  free(r.id);
  free(r.notes);
}

static void load_dir(Rels *rs, const char *dir) {
  DIR *d = opendir(dir);
  struct dirent *e;
  if (!d) return;
  char **names = NULL;
  size_t nn = 0;
  while ((e = readdir(d)))
    if (e->d_name[0] != '.') {
      names = xrealloc(names, (nn + 1) * sizeof *names);
      names[nn++] = xstrdup(e->d_name);
    }
  closedir(d);
  for (size_t i = 1; i < nn; i++) /* sorted, so the run is reproducible */
    for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
      char *t = names[j];
      names[j] = names[j - 1];
      names[j - 1] = t;
    }
  for (size_t i = 0; i < nn; i++) {
    char path[2048];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
      load_dir(rs, path);
    } else if (strlen(names[i]) > 5 && !strcmp(names[i] + strlen(names[i]) - 5, ".json")) {
      Err err = ERR_INIT;
      Scanner *sc = scan_open_path(path, &err);
      ScanItem it;
      int rc;
      while (sc && (rc = scan_next(sc, &it, &err)) != 0) {
        if (rc < 0) continue;
        if (it.kind == SCAN_RECORD) {
          cJSON **trees;
          size_t nt;
          if (release_record_split(it.text, it.len, &trees, &nt, &err) == 0) {
            for (size_t t = 0; t < nt; t++) add_release(rs, trees[t], &err);
            free(trees);
          }
        } else {
          cJSON *tree = cJSON_ParseWithLength(it.text, it.len);
          if (tree) add_release(rs, tree, &err);
        }
      }
      scan_free(sc);
    }
    free(names[i]);
  }
  free(names);
}

static int cmp_rel(const void *a, const void *b) {
  const Rel *x = a, *y = b;
  int c = strcmp(x->ocid, y->ocid);
  return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

/* Runs the validator when node and node_modules are there: 1 passed, 0 failed, -1 not run. */
static int run_validator(const char *kind, const char *files, const char *log) {
  struct stat st;
  if (stat("node_modules/ajv-draft-04", &st) || stat("tests/schema/validate.mjs", &st) ||
      system("node --version >/dev/null 2>&1") != 0)
    return -1;
  Buf cmd = BUF_INIT;
  buf_addf(&cmd,
           "node tests/schema/validate.mjs --quiet --schema-dir '%s/data/ocds/schema' %s %s > '%s' 2>&1",
           tap_shared(), kind, files, log);
  int rc = system(cmd.data);
  buf_release(&cmd);
  return rc != -1 && WIFEXITED(rc) && WEXITSTATUS(rc) == 0;
}

static void show_log(const char *log) {
  char *text = read_file(log, NULL);
  if (!text) return;
  int lines = 0;
  for (char *p = text, *e; *p && lines < 30; p = e + 1, lines++) {
    e = strchr(p, '\n');
    if (!e) e = p + strlen(p);
    printf("#   %.*s\n", (int)(e - p), p);
    if (!*e) break;
  }
  free(text);
}

/* Random damage to real releases (values replaced by nulls, numbers, empty or
 * odd strings, arrays, objects): normalising never crashes, a second pass
 * changes nothing, and every result that kept its required fields validates
 * against the release schema. */
static unsigned long long rng = 88172645463325252ULL;
static unsigned rnd(unsigned n) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (unsigned)(rng % n);
}

static cJSON *random_value(void) {
  static const char *const strs[] = {"",           "Active",     "gbp", "not a url",
                                     "2014-01-01", "http://a b", "12",  "true"};
  cJSON *v;
  switch (rnd(8)) {
    case 0: return cJSON_CreateNull();
    case 1: return cJSON_CreateNumber(rnd(1000));
    case 2: return cJSON_CreateNumber(rnd(1000) + 0.5);
    case 3: return cJSON_CreateTrue();
    case 4:
      v = cJSON_CreateArray();
      cJSON_AddItemToArray(v, cJSON_CreateString("x"));
      cJSON_AddItemToArray(v, cJSON_CreateNull());
      return v;
    case 5:
      v = cJSON_CreateObject();
      cJSON_AddStringToObject(v, "id", "z");
      return v;
    default: return cJSON_CreateString(strs[rnd(8)]);
  }
}

static size_t count_nodes(const cJSON *v) {
  size_t n = 1;
  for (const cJSON *c = v->child; c; c = c->next) n += count_nodes(c);
  return n;
}

static cJSON *nth_node(cJSON *v, size_t *k, cJSON **parent) {
  for (cJSON *c = v->child; c; c = c->next) {
    if ((*k)-- == 0) {
      *parent = v;
      return c;
    }
    cJSON *r = nth_node(c, k, parent);
    if (r) return r;
  }
  return NULL;
}

static void test_mutations(cJSON **rels, size_t n, const char *dir) {
  Buf nd = BUF_INIT;
  size_t mutants = 0, idempotent = 0, complete = 0;
  for (size_t i = 0; i < n; i++)
    for (int m = 0; m < 2; m++) {
      cJSON *r = cJSON_Duplicate(rels[i], 1);
      for (int k = 1 + (int)rnd(6); k > 0; k--) {
        size_t idx = rnd((unsigned)count_nodes(r) - 1);
        cJSON *parent = NULL, *v = nth_node(r, &idx, &parent);
        cJSON *nv = random_value();
        if (v->string) {
          nv->string = v->string; /* the key moves to the new value */
          v->string = NULL;
        }
        cJSON_ReplaceItemViaPointer(parent, v, nv);
      }
      ExportStats st = {0};
      export_normalise_release(r, &st);
      mutants++;
      idempotent += export_normalise_release(r, NULL) == 0;
      if (!st.missing_required) {
        char *text = cJSON_PrintUnformatted(r);
        buf_adds(&nd, text);
        buf_addc(&nd, '\n');
        cJSON_free(text);
        complete++;
      }
      cJSON_Delete(r);
    }
  is_int(idempotent, mutants, "normalising %zu damaged releases twice: the second pass changes nothing",
         mutants);
  char path[600], log[600];
  snprintf(path, sizeof path, "%s/mutants.ndjson", dir);
  snprintf(log, sizeof log, "%s/mutants.log", dir);
  char quoted[620];
  snprintf(quoted, sizeof quoted, "--ndjson '%s'", path);
  int v = write_file(path, nd.data ? nd.data : "", nd.len) == 0 ? run_validator("release", quoted, log) : 0;
  if (v < 0)
    ok(1, "damaged releases validate once normalised # SKIP node or node_modules missing");
  else if (!ok(v == 1, "the %zu damaged releases that kept their required fields validate once normalised",
               complete))
    show_log(log);
  buf_release(&nd);
}

static void test_dev_round_trip(Rels *rs) {
  char tmpl[] = "/tmp/powerhouse-export-XXXXXX";
  char *dir = mkdtemp(tmpl);
  if (!ok(dir != NULL, "temporary folder for the round trip")) return;
  qsort(rs->v, rs->n, sizeof *rs->v, cmp_rel);
  ExportStats st = {0};
  size_t ocids = 0, written = 0, failed = 0, reread = 0;
  const cJSON **group = xmalloc((rs->n ? rs->n : 1) * sizeof *group);
  Buf out = BUF_INIT, files = BUF_INIT;
  for (size_t i = 0, j; i < rs->n; i = j) {
    size_t g = 0;
    for (j = i; j < rs->n && strcmp(rs->v[j].ocid, rs->v[i].ocid) == 0; j++) group[g++] = rs->v[j].tree;
    ocids++;
    Err err = ERR_INIT;
    buf_reset(&out);
    if (export_record_package(&META, group, g, &out, &st, &err)) {
      if (failed++ < 3) printf("#   %s: %s\n", rs->v[i].ocid, err.msg);
      continue;
    }
    char path[512];
    snprintf(path, sizeof path, "%s/record-%04zu.json", dir, ocids);
    if (write_file(path, out.data, out.len) == 0) {
      written++;
      buf_addf(&files, " '%s'", path);
    }
    cJSON *pkg = cJSON_Parse(out.data);
    cJSON *rels = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(pkg, "records"), 0), "releases");
    if (cJSON_GetArraySize(rels) == (int)g) reread++;
    cJSON_Delete(pkg);
  }
  is_int(failed, 0, "a record package for every one of the %zu dev ocids", ocids);
  is_int(written, ocids, "every record package written to %s", dir);
  is_int(reread, ocids, "each record package reads back with all its releases");
  printf("# normalised over %llu dev releases: nulls %llu, types %llu, codes %llu, uris encoded %llu, dates "
         "%llu, "
         "duplicates %llu, empty %llu, invalid dropped %llu, awardIDs derived %llu, missing required %llu\n",
         (unsigned long long)st.releases, (unsigned long long)st.nulls_dropped,
         (unsigned long long)st.types_converted, (unsigned long long)st.codes_recased,
         (unsigned long long)st.uris_encoded, (unsigned long long)st.dates_normalised,
         (unsigned long long)st.duplicates_dropped, (unsigned long long)st.empty_dropped,
         (unsigned long long)st.invalid_dropped, (unsigned long long)st.awardids_derived,
         (unsigned long long)st.missing_required);
  is_int(st.missing_required, 0, "no dev release lacks a required field");

  /* one release package of everything, streamed to a file */
  char relpath[512];
  snprintf(relpath, sizeof relpath, "%s/releases.json", dir);
  FILE *f = fopen(relpath, "wb");
  ExportWriter w;
  Err err = ERR_INIT;
  export_writer_init_sink(&w, export_sink_file, f);
  int rc = f ? export_writer_begin(&w, EXPORT_RELEASE_PACKAGE, &META, &err) : ERR_IO;
  for (size_t i = 0; !rc && i < rs->n; i++) rc = export_writer_add_release(&w, rs->v[i].tree, &err);
  if (!rc) rc = export_writer_end(&w, &err);
  if (f) fclose(f);
  is_int(rc, 0, "release package of all %zu dev releases streamed to a file: %s", rs->n, err.msg);
  printf("# release package: %llu releases written, %llu equal to one already written skipped\n",
         (unsigned long long)w.n, (unsigned long long)(rs->n - w.n));
  export_writer_release(&w);

  char log[600];
  snprintf(log, sizeof log, "%s/validate.log", dir);
  int v = run_validator("record-package", files.data ? files.data : "", log);
  if (v < 0) {
    ok(1, "record packages validate against the OCDS 1.1.5 schema # SKIP node or node_modules missing");
    ok(1, "release package validates against the OCDS 1.1.5 schema # SKIP node or node_modules missing");
  } else {
    if (!ok(v == 1, "all %zu record packages validate against the OCDS 1.1.5 schema", written)) show_log(log);
    char quoted[600];
    snprintf(quoted, sizeof quoted, "'%s'", relpath);
    v = run_validator("release-package", quoted, log);
    if (!ok(v == 1, "the release package validates against the OCDS 1.1.5 schema")) show_log(log);
  }
  cJSON **trees = xmalloc((rs->n ? rs->n : 1) * sizeof *trees);
  for (size_t i = 0; i < rs->n; i++) trees[i] = rs->v[i].tree;
  test_mutations(trees, rs->n, dir);
  free(trees);

  /* keep the folder when asked (to inspect), else clean up */
  if (!getenv("EXPORT_KEEP")) {
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
      if (e->d_name[0] == '.') continue;
      char p[600];
      snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
      unlink(p);
    }
    if (d) closedir(d);
    rmdir(dir);
  } else {
    printf("# kept %s\n", dir);
  }
  free(group);
  buf_release(&out);
  buf_release(&files);
}

int main(void) {
  test_rules_match_schema();
  test_normalise();
  test_uri();
  test_record_package();
  test_record_versioning();
  test_csv();

  Rels rs = {NULL, 0, 0, 0};
  char dev[1024];
  snprintf(dev, sizeof dev, "%s/data/ocds/dev", tap_shared());
  load_dir(&rs, dev);
  ok(rs.n > 700, "dev data loaded: %zu releases (%zu rejected by release checks)", rs.n, rs.rejected);
  cJSON **trees = xmalloc((rs.n ? rs.n : 1) * sizeof *trees);
  for (size_t i = 0; i < rs.n; i++) trees[i] = rs.v[i].tree;
  if (rs.n) test_release_package(trees, rs.n);
  free(trees);
  test_dev_round_trip(&rs);
  for (size_t i = 0; i < rs.n; i++) {
    cJSON_Delete(rs.v[i].tree);
    free(rs.v[i].ocid);
  }
  free(rs.v);
  return done_testing();
}

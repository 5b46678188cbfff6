/* test_gen.c -- the OCDS generator (ocds/gen.h): byte-for-byte determinism,
 * well-formed releases (JSON, required fields, ids, date order, references
 * between awards, contracts and parties), and the realism the demo portal and
 * the benchmark rely on (releases per notice, share of open tenders, CPV codes
 * that exist, skewed values, buyers in the North). */
#include "ocds/gen.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "model/cpv.h"
#include "../tap.h"

#define NOW ((time_t)1763630000) /* 2025-11-20T09:13:20Z */
#define NOTICES 20000

static size_t generate(uint64_t seed, time_t now, const char *prefix, int notices, Buf *out) {
  GenOptions o = {seed, now, prefix};
  Gen *g = gen_new(&o);
  size_t n = 0;
  for (int i = 0; i < notices; i++) n += gen_next_notice(g, out);
  gen_free(g);
  return n;
}

static int same(const Buf *a, const Buf *b) { return a->len == b->len && !memcmp(a->data, b->data, a->len); }

static const char *str_at(const cJSON *o, const char *key) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const cJSON *at(const cJSON *o, const char *key) { return cJSON_GetObjectItemCaseSensitive(o, key); }

/* "YYYY-MM-DDTHH:MM:SSZ" exactly. */
static int is_utc_date(const char *s) {
  static const char pat[] = "dddd-dd-ddTdd:dd:ddZ";
  if (!s || strlen(s) != sizeof pat - 1) return 0;
  for (size_t i = 0; pat[i]; i++)
    if (pat[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != pat[i]) return 0;
  return 1;
}

static int has_role(const cJSON *party, const char *role) {
  const cJSON *r;
  cJSON_ArrayForEach(r, at(party, "roles")) if (cJSON_IsString(r) && !strcmp(r->valuestring, role)) return 1;
  return 0;
}

static const cJSON *party_by_id(const cJSON *rel, const char *id) {
  const cJSON *p;
  cJSON_ArrayForEach(p, at(rel, "parties")) {
    const char *pid = str_at(p, "id");
    if (pid && id && !strcmp(pid, id)) return p;
  }
  return NULL;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
static int cmp_dbl(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Counts CPV classifications that are not in the CPV list or whose
 * description is not the official label; adds to *checked. */
static int bad_cpv(const cJSON *cls, int *checked) {
  if (!cls) return 0;
  const char *id = str_at(cls, "id"), *scheme = str_at(cls, "scheme"), *desc = str_at(cls, "description");
  const char *label = id ? cpv_label(id) : NULL;
  (*checked)++;
  return !scheme || strcmp(scheme, "CPV") || !label || !desc || strcmp(desc, label);
}

static void test_determinism(void) {
  Buf a = BUF_INIT, b = BUF_INIT, c = BUF_INIT;
  size_t na = generate(1000, NOW, NULL, 5000, &a), nb = generate(1000, NOW, NULL, 5000, &b);
  ok(na == nb && same(&a, &b), "same seed and now: first 5,000 notices byte-identical (%zu bytes)", a.len);
  generate(1001, NOW, NULL, 5000, &c);
  ok(!same(&a, &c), "a different seed gives different notices");

  buf_reset(&a), buf_reset(&b), buf_reset(&c);
  generate(0, NOW, NULL, 200, &a);
  generate(1, NOW, "ocds-ph4xq1", 200, &b);
  ok(same(&a, &b), "seed 0 and a NULL prefix mean the defaults (seed 1, ocds-ph4xq1)");
  generate(1, NOW + 86400 * 30, NULL, 200, &c);
  ok(!same(&b, &c), "a different now moves the dates");
  buf_release(&a), buf_release(&b), buf_release(&c);
}

/* A prefix needing escaping still gives valid JSON, and gen_new(NULL) works. */
static void test_prefix_and_null_options(void) {
  Buf out = BUF_INIT;
  generate(5, NOW, "ocds-te\"st\\x", 50, &out);
  int lines = 0, good = 0;
  for (char *p = out.data, *nl; p && (nl = memchr(p, '\n', out.len - (size_t)(p - out.data))); p = nl + 1) {
    cJSON *r = cJSON_ParseWithLength(p, (size_t)(nl - p));
    const char *ocid = str_at(r, "ocid");
    good += ocid && !strncmp(ocid, "ocds-te\"st\\x-", 13);
    lines++;
    cJSON_Delete(r);
  }
  ok(lines > 0 && good == lines, "an ocid prefix with quote and backslash is escaped (%d/%d lines)", good, lines);

  Gen *g = gen_new(NULL);
  buf_reset(&out);
  size_t n = gen_next_notice(g, &out);
  const char *nl = out.data ? memchr(out.data, '\n', out.len) : NULL;
  cJSON *r = nl ? cJSON_ParseWithLength(out.data, (size_t)(nl - out.data)) : NULL;
  const char *ocid = str_at(r, "ocid");
  ok(n >= 1 && ocid && !strncmp(ocid, "ocds-ph4xq1-", 12), "gen_new(NULL) uses the defaults");
  cJSON_Delete(r);
  gen_free(g);
  buf_release(&out);
}

typedef struct {
  int lines, parse_fail, missing, bad_date, not_increasing, ocid_mismatch, bad_count, count_mismatch, no_newline;
  int with_tender, open, amended_changes, tender_updates;
  int buyers, northern, buyer_mismatch;
  int awards, dangling_supplier, contracts, dangling_award, bad_scale, sme_suppliers, large_suppliers;
  int cpv_checked, cpv_bad, future_release, bad_suitability;
  long releases;
  char **ids;
  size_t nids;
  double *values;
  size_t nvalues;
} Stats;

static void check_notice(Stats *st, const char *text, size_t len, size_t returned, const char *now_iso) {
  char prev_date[32] = "", ocid0[64] = "", award_ids[4][64];
  int nlines = 0, naward_ids = 0, seen_tender = 0;
  char end_date[32] = "", first_end[32] = "";
  double first_value = -1, last_value = -1;
  const char *p = text, *end = text + len;
  if (len && text[len - 1] != '\n') st->no_newline++;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl) nl = end;
    nlines++;
    st->lines++;
    cJSON *r = cJSON_ParseWithLength(p, (size_t)(nl - p));
    p = nl + 1;
    if (!cJSON_IsObject(r)) {
      st->parse_fail++;
      cJSON_Delete(r);
      continue;
    }
    const char *ocid = str_at(r, "ocid"), *id = str_at(r, "id"), *date = str_at(r, "date");
    const cJSON *tag = at(r, "tag");
    const char *tag0 = cJSON_IsArray(tag) && cJSON_GetArraySize(tag) > 0 && cJSON_IsString(cJSON_GetArrayItem(tag, 0))
                           ? cJSON_GetArrayItem(tag, 0)->valuestring
                           : NULL;
    const char *init = str_at(r, "initiationType");
    if (!ocid || !id || !date || !tag0 || !init || strcmp(init, "tender")) {
      st->missing++;
      cJSON_Delete(r);
      continue;
    }
    if (!is_utc_date(date)) st->bad_date++;
    if (*prev_date && strcmp(date, prev_date) <= 0) st->not_increasing++;
    if (strcmp(date, now_iso) >= 0) st->future_release++;
    snprintf(prev_date, sizeof prev_date, "%s", date);
    if (!*ocid0) snprintf(ocid0, sizeof ocid0, "%s", ocid);
    else if (strcmp(ocid0, ocid)) st->ocid_mismatch++;
    if (strncmp(ocid, "ocds-ph4xq1-", 12)) st->ocid_mismatch++;
    st->ids[st->nids++] = xstrdup(id);

    /* Buyer: a party with role buyer, the same as release.buyer. */
    const char *buyer_id = str_at(at(r, "buyer"), "id");
    const cJSON *bp = party_by_id(r, buyer_id);
    if (!bp || !has_role(bp, "buyer")) st->buyer_mismatch++;
    else if (!strcmp(tag0, "tender") || !strcmp(tag0, "planning")) {
      if (nlines == 1) {
        const char *region = str_at(at(bp, "address"), "region");
        st->buyers++;
        st->northern += region && (!strcmp(region, "North East") || !strcmp(region, "North West") ||
                                   !strcmp(region, "Yorkshire and the Humber"));
      }
    }

    const cJSON *t = at(r, "tender");
    if (!strcmp(tag0, "tender")) seen_tender = 1;
    if (!strcmp(tag0, "tenderUpdate")) st->tender_updates++;
    if (t) {
      st->cpv_bad += bad_cpv(at(t, "classification"), &st->cpv_checked);
      const cJSON *item, *cls;
      cJSON_ArrayForEach(item, at(t, "items")) cJSON_ArrayForEach(cls, at(item, "additionalClassifications"))
          st->cpv_bad += bad_cpv(cls, &st->cpv_checked);
      const char *e = str_at(at(t, "tenderPeriod"), "endDate");
      if (e) {
        snprintf(end_date, sizeof end_date, "%s", e);
        if (!*first_end) snprintf(first_end, sizeof first_end, "%s", e);
      }
      const cJSON *v = at(at(t, "value"), "amount");
      if (cJSON_IsNumber(v)) {
        if (first_value < 0 && !strcmp(tag0, "tender")) first_value = v->valuedouble;
        last_value = v->valuedouble;
        if (!strcmp(tag0, "tender")) st->values[st->nvalues++] = v->valuedouble;
      }
      const cJSON *suit = at(t, "suitability");
      if (suit && !cJSON_IsBool(at(suit, "sme"))) st->bad_suitability++;
    }

    /* Awards name suppliers that are parties with role supplier. */
    const cJSON *aw;
    cJSON_ArrayForEach(aw, at(r, "awards")) {
      st->awards++;
      const char *aid = str_at(aw, "id");
      if (aid && naward_ids < 4) snprintf(award_ids[naward_ids++], 64, "%s", aid);
      const cJSON *s;
      cJSON_ArrayForEach(s, at(aw, "suppliers")) {
        const cJSON *sp = party_by_id(r, str_at(s, "id"));
        if (!sp || !has_role(sp, "supplier")) {
          st->dangling_supplier++;
          continue;
        }
        const char *scale = str_at(at(sp, "details"), "scale");
        if (scale && !strcmp(scale, "sme")) st->sme_suppliers++;
        else if (scale && !strcmp(scale, "large")) st->large_suppliers++;
        else st->bad_scale++;
      }
    }
    /* Contracts refer to an award published in this notice. */
    const cJSON *ct;
    cJSON_ArrayForEach(ct, at(r, "contracts")) {
      st->contracts++;
      const char *awid = str_at(ct, "awardID");
      int found = 0;
      for (int i = 0; i < naward_ids; i++) found |= awid && !strcmp(awid, award_ids[i]);
      if (!found) st->dangling_award++;
    }
    cJSON_Delete(r);
  }
  if (nlines < 1 || nlines > 4) st->bad_count++;
  if ((size_t)nlines != returned) st->count_mismatch++;
  st->releases += nlines;
  if (seen_tender) {
    st->with_tender++;
    st->open += strcmp(end_date, now_iso) > 0;
    st->amended_changes += strcmp(first_end, end_date) != 0 || first_value != last_value;
  }
}

static void test_releases(void) {
  char now_iso[32];
  struct tm tm;
  time_t now = NOW;
  gmtime_r(&now, &tm);
  strftime(now_iso, sizeof now_iso, "%Y-%m-%dT%H:%M:%SZ", &tm);

  Stats st;
  memset(&st, 0, sizeof st);
  st.ids = xcalloc(NOTICES * 4, sizeof(char *));
  st.values = xcalloc(NOTICES, sizeof(double));
  GenOptions o = {42, NOW, NULL};
  Gen *g = gen_new(&o);
  Buf out = BUF_INIT;
  for (int i = 0; i < NOTICES; i++) {
    buf_reset(&out);
    size_t n = gen_next_notice(g, &out);
    check_notice(&st, out.data, out.len, n, now_iso);
  }
  gen_free(g);
  buf_release(&out);

  is_int(st.parse_fail, 0, "every line of %d releases parses as a JSON object", st.lines);
  is_int(st.missing, 0, "every release has ocid, id, date, tag and initiationType tender");
  is_int(st.no_newline, 0, "each notice's output ends with a newline (JSON Lines)");
  is_int(st.count_mismatch, 0, "gen_next_notice returns the number of lines it appended");
  is_int(st.bad_count, 0, "every notice has one to four releases");
  is_int(st.bad_date, 0, "release dates are UTC ISO 8601 (YYYY-MM-DDTHH:MM:SSZ)");
  is_int(st.not_increasing, 0, "release dates strictly increase within a notice");
  is_int(st.future_release, 0, "no release is dated at or after now");
  is_int(st.ocid_mismatch, 0, "all releases of a notice share one ocid with the default prefix");

  qsort(st.ids, st.nids, sizeof(char *), cmp_str);
  int dups = 0;
  for (size_t i = 1; i < st.nids; i++) dups += !strcmp(st.ids[i - 1], st.ids[i]);
  is_int(dups, 0, "release ids are unique across %d notices (%zu releases)", NOTICES, st.nids);
  for (size_t i = 0; i < st.nids; i++) free(st.ids[i]);
  free(st.ids);

  double mean_rel = (double)st.releases / NOTICES;
  ok(mean_rel >= 1.6 && mean_rel <= 2.6, "mean releases per notice %.3f is within [1.6, 2.6]", mean_rel);
  double open = st.with_tender ? (double)st.open / st.with_tender : 0;
  ok(open >= 0.28 && open <= 0.40, "about a third of tenders are open at now (%.3f of %d)", open, st.with_tender);
  ok(st.tender_updates > NOTICES / 20 && st.amended_changes > 0,
     "tender updates exist (%d) and some change the deadline or value (%d notices)", st.tender_updates,
     st.amended_changes);

  ok(st.cpv_checked > NOTICES && st.cpv_bad == 0,
     "all %d CPV classifications exist in the CPV list with their official label (%d bad)", st.cpv_checked,
     st.cpv_bad);

  qsort(st.values, st.nvalues, sizeof(double), cmp_dbl);
  double sum = 0;
  for (size_t i = 0; i < st.nvalues; i++) sum += st.values[i];
  double mean = st.nvalues ? sum / (double)st.nvalues : 0, median = st.nvalues ? st.values[st.nvalues / 2] : 0;
  ok(st.nvalues > NOTICES / 2 && st.values[0] >= 5000 && st.values[st.nvalues - 1] <= 50000000,
     "tender values are between 5k and 50m (min %.0f, max %.0f)", st.nvalues ? st.values[0] : 0,
     st.nvalues ? st.values[st.nvalues - 1] : 0);
  ok(median > 0 && median < mean / 2, "values are skewed: median %.0f well below mean %.0f", median, mean);
  free(st.values);

  double north = st.buyers ? (double)st.northern / st.buyers : 0;
  ok(north >= 0.9 && north < 1.0, "buyers are mostly in the three northern regions (%.3f), a few elsewhere", north);
  is_int(st.buyer_mismatch, 0, "release.buyer is a party with role buyer");

  ok(st.awards > NOTICES / 5, "awards are published (%d)", st.awards);
  is_int(st.dangling_supplier, 0, "award suppliers are parties with role supplier");
  is_int(st.bad_scale, 0, "supplier parties give details.scale sme or large");
  ok(st.sme_suppliers > 3 * st.large_suppliers && st.large_suppliers > 0,
     "most awarded suppliers are SMEs (%d sme, %d large)", st.sme_suppliers, st.large_suppliers);
  ok(st.contracts > 0 && st.dangling_award == 0, "contracts (%d) refer to an award of the notice (%d dangling)",
     st.contracts, st.dangling_award);
  is_int(st.bad_suitability, 0, "tender.suitability.sme is a boolean where given");
}

int main(void) {
  test_determinism();
  test_prefix_and_null_options();
  test_releases();
  return done_testing();
}

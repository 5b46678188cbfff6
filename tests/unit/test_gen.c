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
#include "model/region.h"
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
        const char *code = region_from_text(region);
        st->northern += code && (!strcmp(code, "TLC") || !strcmp(code, "TLD") || !strcmp(code, "TLE"));
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
  ok(st.nvalues > NOTICES / 2 && st.values[0] >= 5000 && st.values[st.nvalues - 1] <= 150000000,
     "tender values are between 5k and 150m (min %.0f, max %.0f)", st.nvalues ? st.values[0] : 0,
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

/* ---- what a buyer would believe: 1,000 notices, each followed through its
 * releases (the last word on each field wins, as in a compiled release). */

typedef struct {
  char title[256], cpv[16], town[64], postcode[16], region[48], end[32], award_date[32], award_start[32],
      award_end[32], contract_start[32], contract_end[32], cstart[32], cend[32], buyer[160], winner[160];
  char desc[2048];
  double value;
  int framework;
} Seen;

static void copy_str(char *dst, size_t cap, const char *src) {
  if (src) snprintf(dst, cap, "%s", src);
}

/* The postcode areas of the towns buyers sit in, from Royal Mail's list of
 * areas, and the towns' ITL1 regions (independent of the generator's own
 * tables; a postcode area can straddle regions: DL is Darlington, North East,
 * and Northallerton, Yorkshire and The Humber). */
static const struct {
  const char *town, *area, *itl;
} TOWN_AREA[] = {
    {"Leeds", "LS", "TLE"}, {"Manchester", "M", "TLD"}, {"Salford", "M", "TLD"}, {"Swinton", "M", "TLD"},
    {"Stretford", "M", "TLD"}, {"Newcastle upon Tyne", "NE", "TLC"}, {"Gateshead", "NE", "TLC"},
    {"South Shields", "NE", "TLC"}, {"North Shields", "NE", "TLC"}, {"Wallsend", "NE", "TLC"},
    {"Morpeth", "NE", "TLC"}, {"Ashington", "NE", "TLC"}, {"Sheffield", "S", "TLE"}, {"Barnsley", "S", "TLE"},
    {"Rotherham", "S", "TLE"}, {"Liverpool", "L", "TLD"}, {"Bootle", "L", "TLD"}, {"Huyton", "L", "TLD"},
    {"Prescot", "L", "TLD"}, {"Ormskirk", "L", "TLD"}, {"Bradford", "BD", "TLE"}, {"Shipley", "BD", "TLE"},
    {"Sunderland", "SR", "TLC"}, {"Hull", "HU", "TLE"}, {"Beverley", "HU", "TLE"}, {"York", "YO", "TLE"},
    {"Preston", "PR", "TLD"}, {"Durham", "DH", "TLC"}, {"Middlesbrough", "TS", "TLC"},
    {"Hartlepool", "TS", "TLC"}, {"Stockton-on-Tees", "TS", "TLC"}, {"Redcar", "TS", "TLC"},
    {"Darlington", "DL", "TLC"}, {"Northallerton", "DL", "TLE"}, {"Huddersfield", "HD", "TLE"},
    {"Halifax", "HX", "TLE"}, {"Wakefield", "WF", "TLE"}, {"Doncaster", "DN", "TLE"},
    {"Scunthorpe", "DN", "TLE"}, {"Grimsby", "DN", "TLE"}, {"Stockport", "SK", "TLD"}, {"Bolton", "BL", "TLD"},
    {"Bury", "BL", "TLD"}, {"Wigan", "WN", "TLD"}, {"Oldham", "OL", "TLD"}, {"Rochdale", "OL", "TLD"},
    {"Ashton-under-Lyne", "OL", "TLD"}, {"Blackpool", "FY", "TLD"}, {"Blackburn", "BB", "TLD"},
    {"Lancaster", "LA", "TLD"}, {"Kendal", "LA", "TLD"}, {"Warrington", "WA", "TLD"},
    {"St Helens", "WA", "TLD"}, {"Widnes", "WA", "TLD"}, {"Wallasey", "CH", "TLD"}, {"Birkenhead", "CH", "TLD"},
    {"Ellesmere Port", "CH", "TLD"}, {"Chester", "CH", "TLD"}, {"Sandbach", "CW", "TLD"},
    {"Winsford", "CW", "TLD"}, {"Carlisle", "CA", "TLD"}, {"Penrith", "CA", "TLD"}, {"Harrogate", "HG", "TLE"},
    {"Birmingham", "B", "TLG"}, {"Nottingham", "NG", "TLF"}, {"Bristol", "BS", "TLK"},
    {"Huntingdon", "PE", "TLH"}, {"Cambridge", "CB", "TLH"}, {"Maidstone", "ME", "TLJ"}, {"London", "*", "TLI"},
};

/* ITL1 code of a town in the table, or NULL. */
static const char *town_itl(const char *town) {
  for (size_t i = 0; i < sizeof TOWN_AREA / sizeof *TOWN_AREA; i++)
    if (!strcmp(TOWN_AREA[i].town, town)) return TOWN_AREA[i].itl;
  return NULL;
}

/* 1 when the postcode's area (its leading letters) is the town's. */
static int area_matches(const char *town, const char *pc) {
  size_t n = 0;
  while (pc[n] >= 'A' && pc[n] <= 'Z') n++;
  for (size_t i = 0; i < sizeof TOWN_AREA / sizeof *TOWN_AREA; i++)
    if (!strcmp(TOWN_AREA[i].town, town)) {
      const char *a = TOWN_AREA[i].area;
      if (!strcmp(a, "*")) /* London: its eight areas */
        return n >= 1 && n <= 2 && strstr(" E EC N NW SE SW W WC ", (char[8]){' ', pc[0], n > 1 ? pc[1] : ' ', n > 1 ? ' ' : 0, 0}) != NULL;
      return strlen(a) == n && !strncmp(a, pc, n);
    }
  return 0;
}

static void test_realism(void) {
  enum { N = 3000, N_TITLES = 1000 };
  Seen *seen = xcalloc(N, sizeof *seen);
  GenOptions o = {7, NOW, NULL};
  Gen *g = gen_new(&o);
  Buf out = BUF_INIT;
  for (int i = 0; i < N; i++) {
    Seen *s = &seen[i];
    buf_reset(&out);
    gen_next_notice(g, &out);
    for (char *p = out.data, *nl; p < out.data + out.len && (nl = memchr(p, '\n', out.len - (size_t)(p - out.data)));
         p = nl + 1) {
      cJSON *r = cJSON_ParseWithLength(p, (size_t)(nl - p));
      const cJSON *t = at(r, "tender"), *aw = cJSON_GetArrayItem(at(r, "awards"), 0),
                  *ct = cJSON_GetArrayItem(at(r, "contracts"), 0);
      const cJSON *bp = party_by_id(r, str_at(at(r, "buyer"), "id"));
      copy_str(s->buyer, sizeof s->buyer, str_at(bp, "name"));
      copy_str(s->town, sizeof s->town, str_at(at(bp, "address"), "locality"));
      copy_str(s->postcode, sizeof s->postcode, str_at(at(bp, "address"), "postalCode"));
      copy_str(s->region, sizeof s->region, str_at(at(bp, "address"), "region"));
      copy_str(s->title, sizeof s->title, str_at(t, "title"));
      copy_str(s->desc, sizeof s->desc, str_at(t, "description"));
      copy_str(s->cpv, sizeof s->cpv, str_at(at(t, "classification"), "id"));
      copy_str(s->end, sizeof s->end, str_at(at(t, "tenderPeriod"), "endDate"));
      copy_str(s->cstart, sizeof s->cstart, str_at(at(t, "contractPeriod"), "startDate"));
      copy_str(s->cend, sizeof s->cend, str_at(at(t, "contractPeriod"), "endDate"));
      const cJSON *v = at(at(t, "value"), "amount");
      if (cJSON_IsNumber(v)) s->value = v->valuedouble;
      if (aw) {
        copy_str(s->award_date, sizeof s->award_date, str_at(aw, "date"));
        copy_str(s->award_start, sizeof s->award_start, str_at(at(aw, "contractPeriod"), "startDate"));
        copy_str(s->award_end, sizeof s->award_end, str_at(at(aw, "contractPeriod"), "endDate"));
        const cJSON *sup = cJSON_GetArrayItem(at(aw, "suppliers"), 0);
        copy_str(s->winner, sizeof s->winner, str_at(sup, "name"));
      }
      if (ct) {
        copy_str(s->contract_start, sizeof s->contract_start, str_at(at(ct, "period"), "startDate"));
        copy_str(s->contract_end, sizeof s->contract_end, str_at(at(ct, "period"), "endDate"));
      }
      cJSON_Delete(r);
    }
    size_t tl = strlen(s->title);
    s->framework = strstr(s->title, "framework") || strstr(s->title, "Framework") ||
                   (tl > 6 && !strcmp(s->title + tl - 6, " panel"));
  }
  gen_free(g);
  buf_release(&out);

  /* Titles: many distinct ones. */
  char **titles = xcalloc(N, sizeof(char *));
  int nt = 0;
  for (int i = 0; i < N_TITLES; i++)
    if (*seen[i].title) titles[nt++] = seen[i].title;
  qsort(titles, (size_t)nt, sizeof(char *), cmp_str);
  int distinct = nt > 0;
  for (int i = 1; i < nt; i++) distinct += strcmp(titles[i - 1], titles[i]) != 0;
  ok(nt > N_TITLES * 9 / 10 && distinct >= nt * 85 / 100, "titles are varied: %d distinct of the first %d", distinct,
     nt);
  free(titles);

  /* Sectors by CPV division: IT and digital is one sector among many. */
  int it = 0, works = 0, care = 0, fm = 0, prof = 0, transport = 0, edu = 0, classified = 0;
  for (int i = 0; i < N; i++) {
    const char *c = seen[i].cpv;
    if (!*c) continue;
    classified++;
    it += !strncmp(c, "72", 2) || !strncmp(c, "48", 2) || !strncmp(c, "30", 2) || !strncmp(c, "32", 2);
    works += !strncmp(c, "45", 2);
    care += !strncmp(c, "85", 2) || !strncmp(c, "33", 2);
    fm += !strncmp(c, "90", 2) || !strncmp(c, "7971", 4) || !strncmp(c, "77", 2) || !strncmp(c, "55", 2) ||
          !strncmp(c, "507", 3) || !strncmp(c, "79993", 5);
    prof += !strncmp(c, "71", 2) || !strncmp(c, "66", 2) || !strncmp(c, "791", 3) || !strncmp(c, "792", 3) ||
            !strncmp(c, "793", 3) || !strncmp(c, "795", 3) || !strncmp(c, "796", 3);
    transport += !strncmp(c, "60", 2) || !strncmp(c, "34", 2) || !strncmp(c, "501", 3);
    edu += !strncmp(c, "80", 2);
  }
  double itshare = classified ? (double)it / classified : 1;
  ok(itshare >= 0.10 && itshare <= 0.30, "IT and digital is %.1f%% of %d notices (10-30%%)", 100 * itshare, classified);
  ok(works * 10 >= classified && care * 12 >= classified && fm * 10 >= classified && prof * 20 >= classified &&
         transport * 25 >= classified && edu * 25 >= classified,
     "a mix of sectors: construction %d, health and care %d, facilities %d, professional %d, transport %d, "
     "education %d, IT %d",
     works, care, fm, prof, transport, edu, it);

  /* Values fit what is bought. */
  int small_fw = 0, big_device = 0, cheap_care = 0, out_of_range = 0, cheap_new_school = 0;
  for (int i = 0; i < N; i++) {
    const Seen *s = &seen[i];
    if (!s->value) continue;
    int years = *s->cstart && *s->cend ? (int)(strtol(s->cend, NULL, 10) - strtol(s->cstart, NULL, 10)) : 0;
    out_of_range += s->value < 5000 || s->value > 150000000;
    small_fw += s->framework && s->value < 500000;
    big_device += !strncmp(s->cpv, "302", 3) && s->value > 3000000;
    cheap_care += !strncmp(s->cpv, "853", 3) && years >= 3 && s->value < 100000;
    cheap_new_school += !strncmp(s->cpv, "452142", 6) && s->value < 2000000;
  }
  is_int(out_of_range, 0, "every value is between 5k and 150m");
  is_int(small_fw, 0, "no framework is worth under 500k");
  is_int(big_device, 0, "no laptop or tablet purchase is worth over 3m");
  is_int(cheap_care, 0, "no care service of three years or more is worth under 100k");
  is_int(cheap_new_school, 0, "no new school is built for under 2m");

  /* Dates: award after the tender closes, before the contract starts; ends
   * after starts. */
  int awards = 0, before_close = 0, after_start = 0, end_before_start = 0, contracts = 0;
  for (int i = 0; i < N; i++) {
    const Seen *s = &seen[i];
    if (*s->cstart && *s->cend && strcmp(s->cend, s->cstart) <= 0) end_before_start++;
    if (!*s->award_date) continue;
    awards++;
    before_close += strcmp(s->award_date, s->end) <= 0;
    after_start += strcmp(s->award_date, s->award_start) >= 0;
    end_before_start += strcmp(s->award_end, s->award_start) <= 0;
    if (*s->contract_start) {
      contracts++;
      after_start += strcmp(s->award_date, s->contract_start) >= 0;
      end_before_start += strcmp(s->contract_end, s->contract_start) <= 0;
    }
  }
  ok(awards > N / 5 && contracts > 0, "awards (%d) and contracts (%d) to check", awards, contracts);
  is_int(before_close, 0, "every award is dated after the tender deadline");
  is_int(after_start, 0, "every award is dated before its contract starts");
  is_int(end_before_start, 0, "every contract period ends after it starts");

  /* Buyers: at real towns, postcodes of the town's area, the region of the
   * postcode. */
  int checked = 0, wrong_area = 0, wrong_region = 0;
  for (int i = 0; i < N; i++) {
    const Seen *s = &seen[i];
    if (!*s->postcode) continue;
    checked++;
    if (!area_matches(s->town, s->postcode)) {
      if (wrong_area++ < 3) printf("# %s: %s is not a postcode of %s\n", s->buyer, s->postcode, s->town);
    }
    const char *a = town_itl(s->town), *b = region_from_text(s->region);
    wrong_region += !a || !b || strcmp(a, b);
  }
  ok(checked == N && wrong_area == 0, "buyers' postcodes are in their towns' postcode areas (%d of %d wrong)",
     wrong_area, checked);
  is_int(wrong_region, 0, "buyers' regions are their towns' ITL1 regions");

  /* Repeat winners and incumbents. */
  int repeat = 0, won = 0, most = 0;
  for (int i = 0; i < N; i++) {
    if (!*seen[i].winner) continue;
    int wins = 0;
    won++;
    for (int j = 0; j < N; j++) wins += !strcmp(seen[j].winner, seen[i].winner) && !strcmp(seen[j].buyer, seen[i].buyer);
    repeat += wins >= 2;
    if (wins > most) most = wins;
  }
  ok(repeat * 10 >= won && most >= 3,
     "suppliers win several contracts of the same buyer (%d of %d awards go to a repeat winner; at most %d)", repeat,
     won, most);
  int relets = 0, kept = 0, lost = 0;
  for (int i = 0; i < N; i++) {
    const Seen *s = &seen[i];
    const char *held = strstr(s->desc, ", held by ");
    if (!held) continue;
    relets++;
    if (!*s->winner) continue;
    held += strlen(", held by ");
    int same_firm = !strncmp(held, s->winner, strlen(s->winner)) && held[strlen(s->winner)] == ',';
    kept += same_firm, lost += !same_firm;
  }
  ok(relets >= 10 && kept > 0 && lost > 0,
     "re-lets name the incumbent (%d), who wins some (%d) and loses others (%d)", relets, kept, lost);
  free(seen);
}

int main(void) {
  test_determinism();
  test_prefix_and_null_options();
  test_releases();
  test_realism();
  return done_testing();
}

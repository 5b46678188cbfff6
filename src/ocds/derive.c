/* derive.c -- see derive.h. Reads a compiled release (a cJSON tree it never
 * modifies) and fills a Notice; every string in the Notice is a fresh heap
 * copy, so the tree can be freed right after.
 *
 * Robustness: every lookup goes through get_*() helpers that return NULL for
 * a missing member, JSON null, or a value of the wrong type; a wrong type is
 * treated as absent (schema validation reports it elsewhere). Nothing here is
 * quadratic in the input: parties are looked up through a hash index when
 * there are many, CPV codes are de-duplicated through a hash set.
 *
 * Decisions (also in the report to the lead):
 *   - status: cancelled tender > live award/contract > all awards dead >
 *     pipeline ("planning", or a planned tender that has not started) > open
 *     (tender period end in the future, status active/planned/absent) > closed.
 *   - url: the notice page the data links to (a Contracts Finder
 *     /Notice/<id> document first). It is NOT built from the ocid: in every
 *     Contracts Finder release of the dev data the notice id differs from the
 *     uuid inside the ocid (it is the release id's prefix, which compiling
 *     drops), so such a link would be wrong. Only http(s) URLs are kept. */
#include "ocds/derive.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/num.h"
#include "base/text.h"
#include "model/cpv.h"
#include "model/region.h"
#include "ocds/json_get.h"

/* ---- typed access ------------------------------------------------------- */


static int ascii_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* Copy of s without surrounding ASCII white space; NULL when nothing is left. */
static char *dup_trim(const char *s) {
  if (!s) return NULL;
  while (ascii_space(*s)) s++;
  size_t n = strlen(s);
  while (n && ascii_space(s[n - 1])) n--;
  return n ? xstrndup(s, n) : NULL;
}

/* Cleaned one-line text (base/text.h); NULL when nothing is left. */
static char *dup_clean(const char *s) {
  char *t = text_clean(s);
  if (t && !*t) {
    free(t);
    t = NULL;
  }
  return t;
}

static char *dup_clean_lines(const char *s) {
  char *t = text_clean_lines(s);
  if (t && !*t) {
    free(t);
    t = NULL;
  }
  return t;
}

static char *dup_date(const char *s) {
  char d[DATE_LEN];
  return date_norm(s, d) == 0 ? xstrdup(d) : NULL;
}

/* An identifier as text: a string as it is, an integral number without
 * exponent ("1", not "1e+00"). NULL for anything else or an empty string.
 * buf must hold 32 bytes. */
static const char *id_text(const cJSON *v, char buf[32]) {
  if (cJSON_IsString(v)) return v->valuestring && *v->valuestring ? v->valuestring : NULL;
  if (!cJSON_IsNumber(v)) return NULL;
  double d = v->valuedouble;
  if (d > -1e15 && d < 1e15 && d == (double)(long long)d) snprintf(buf, 32, "%lld", (long long)d);
  else snprintf(buf, 32, "%.17g", d);
  return buf;
}

static char *dup_id(const cJSON *v) {
  char buf[32];
  const char *s = id_text(v, buf);
  return s ? dup_trim(s) : NULL;
}

/* value.amount of a Value object: a JSON number, or MongoDB extended JSON
 * {"$numberLong": "15890000000"} (also $numberInt/$numberDouble/$numberDecimal). */
static int get_amount(const cJSON *value, double *out) {
  const cJSON *a = get(value, "amount");
  if (cJSON_IsNumber(a)) {
    *out = a->valuedouble;
    return 1;
  }
  if (cJSON_IsObject(a)) {
    static const char *const keys[] = {"$numberLong", "$numberInt", "$numberDouble", "$numberDecimal"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
      const char *s = get_str(a, keys[i]);
      if (s) return num_parse_decimal(s, 1, out);
    }
  }
  return 0;
}

static Flag get_flag(const cJSON *o, const char *k) {
  const cJSON *v = get(o, k);
  return cJSON_IsTrue(v) ? FLAG_YES : cJSON_IsFalse(v) ? FLAG_NO : FLAG_UNKNOWN;
}

static int str_is(const char *s, const char *want) { return s && strcasecmp(s, want) == 0; }

/* ---- parties ------------------------------------------------------------ */

/* parties[] by id: a linear scan for a handful, an open-addressing hash
 * table (first party with an id wins, as in a linear scan) beyond that. */
typedef struct {
  const cJSON *parties;
  const cJSON **slots; /* NULL when scanning linearly */
  size_t mask;
} Parties;

static uint64_t hash_str(const char *s) {
  uint64_t h = 1469598103934665603ULL;
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
  return h;
}

static void parties_init(Parties *ix, const cJSON *parties) {
  size_t n = 0;
  ix->parties = parties;
  ix->slots = NULL;
  EACH(p, parties) n++;
  if (n <= 16) return;
  size_t cap = 64;
  while (cap < n * 2) cap *= 2;
  ix->slots = xcalloc(cap, sizeof *ix->slots);
  ix->mask = cap - 1;
  EACH(p, parties) {
    char buf[32];
    const char *id = id_text(get(p, "id"), buf);
    if (!id) continue;
    size_t i = (size_t)hash_str(id) & ix->mask;
    for (; ix->slots[i]; i = (i + 1) & ix->mask) {
      char b2[32];
      if (strcmp(id_text(get(ix->slots[i], "id"), b2), id) == 0) break;
    }
    if (!ix->slots[i]) ix->slots[i] = p;
  }
}

static void parties_release(Parties *ix) { free(ix->slots); }

static const cJSON *party_by_id(const Parties *ix, const char *id) {
  if (!id) return NULL;
  char buf[32];
  if (!ix->slots) {
    EACH(p, ix->parties) {
      const char *pid = id_text(get(p, "id"), buf);
      if (pid && strcmp(pid, id) == 0) return p;
    }
    return NULL;
  }
  for (size_t i = (size_t)hash_str(id) & ix->mask; ix->slots[i]; i = (i + 1) & ix->mask)
    if (strcmp(id_text(get(ix->slots[i], "id"), buf), id) == 0) return ix->slots[i];
  return NULL;
}

static const cJSON *party_by_role(const Parties *ix, const char *role) {
  EACH(p, ix->parties) EACH(r, get_arr(p, "roles")) {
    if (cJSON_IsString(r) && str_is(r->valuestring, role)) return p;
  }
  return NULL;
}

/* ---- regions ------------------------------------------------------------ */

/* Is a country name/code one under which a UK postcode makes sense? 1 yes
 * (UK names), 0 unknown free text (e.g. a county written in the country
 * field), -1 a code or name of another country. */
static int uk_country(const char *country) {
  static const char *const uk[] = {"unitedkingdom", "uk", "gb", "gbr", "greatbritain", "britain",
                                   "england", "eng", "scotland", "sct", "wales", "wls", "cymru",
                                   "northernireland", "nir", "unitedkingdomofgreatbritainandnorthernireland"};
  char key[64];
  size_t k = 0;
  if (!country) return 1;
  for (const char *p = country; *p; p++) {
    char c = *p;
    if (c >= 'A' && c <= 'Z') c = (char)(c + 32);
    if (c >= 'a' && c <= 'z') {
      if (k + 1 >= sizeof key) return 0;
      key[k++] = c;
    }
  }
  key[k] = 0;
  if (!k) return 1;
  for (size_t i = 0; i < sizeof uk / sizeof *uk; i++)
    if (strcmp(key, uk[i]) == 0) return 1;
  return k <= 3 ? -1 : 0;
}

/* A full postcode (outward and inward code), not just an outward code. */
static int full_postcode(const char *pc) {
  char s[12];
  size_t n = 0;
  for (; *pc && n < sizeof s; pc++)
    if (!ascii_space(*pc)) s[n++] = *pc;
  return n >= 5 && n <= 7 && s[n - 3] >= '0' && s[n - 3] <= '9';
}

/* ITL1 region of an Address: its region field (name, NUTS/ITL or GSS code),
 * else its postcode (when the country allows a UK postcode), else a country
 * that is itself a region (Scotland, Wales, Northern Ireland). */
static const char *address_region(const cJSON *addr) {
  const char *r = region_from_text(get_str(addr, "region"));
  if (r) return r;
  const char *pc = get_str(addr, "postalCode"), *country = get_str(addr, "countryName");
  if (pc) {
    int uk = uk_country(country);
    if (uk > 0 || (uk == 0 && full_postcode(pc))) r = region_from_postcode(pc);
  }
  return r ? r : region_from_text(country);
}

typedef struct {
  const char *codes[16];
  size_t n;
} RegionSet;

static void region_add(RegionSet *rs, const char *code) {
  if (!code) return;
  for (size_t i = 0; i < rs->n; i++)
    if (strcmp(rs->codes[i], code) == 0) return;
  if (rs->n < sizeof rs->codes / sizeof *rs->codes) rs->codes[rs->n++] = code;
}

/* A Location (location extension): gazetteer identifiers (NUTS/ITL codes),
 * its description, its address. */
static void location_regions(RegionSet *rs, const cJSON *loc) {
  if (!cJSON_IsObject(loc)) return;
  EACH(id, get_arr(get_obj(loc, "gazetteer"), "identifiers")) {
    if (cJSON_IsString(id)) region_add(rs, region_from_text(id->valuestring));
  }
  region_add(rs, region_from_text(get_str(loc, "description")));
  const cJSON *addr = get_obj(loc, "address");
  if (addr) region_add(rs, address_region(addr));
}

static void delivery_regions(RegionSet *rs, const cJSON *tender) {
  EACH(item, get_arr(tender, "items")) {
    EACH(a, get_arr(item, "deliveryAddresses")) {
      if (cJSON_IsObject(a)) region_add(rs, address_region(a));
    }
    const cJSON *a = get_obj(item, "deliveryAddress");
    if (a) region_add(rs, address_region(a));
    location_regions(rs, get_obj(item, "deliveryLocation"));
    EACH(l, get_arr(item, "deliveryLocations")) location_regions(rs, l);
  }
}

/* ---- organisations ------------------------------------------------------ */

/* UK organisations are keyed on a Companies House number when they have one
 * (GB-COH, zero-padded to 8 characters: "1234567" and "01234567" are one
 * company; "sc123456" is "SC123456"), else on a Public Procurement
 * Organisation Number (GB-PPON, upper case), else on the identifier as
 * given: Find a Tender gives both for most suppliers, older data only the
 * Companies House number, so the same company under either is one
 * organisation. The identifier and additionalIdentifiers are looked at. */
static int coh_number(const char *id, char out[9]) {
  char t[16];
  size_t n = 0;
  for (const char *p = id; *p; p++) {
    if (*p == ' ') continue;
    if (n >= 8) return 0;
    t[n++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
  }
  t[n] = 0;
  if (!n) return 0;
  size_t letters = (t[0] >= 'A' && t[0] <= 'Z') ? (t[1] >= 'A' && t[1] <= 'Z' ? 2 : 0) : 0;
  for (size_t i = letters; i < n; i++)
    if (t[i] < '0' || t[i] > '9') return 0;
  if (letters == n) return 0;
  /* the prefix stays first, zeros go between it and the digits */
  memcpy(out, t, letters);
  memset(out + letters, '0', 8 - n);
  memcpy(out + letters + (8 - n), t + letters, n - letters);
  out[8] = 0;
  return 1;
}

static void org_key_identifier(Org *o, const cJSON *ident, const cJSON *more) {
  char coh[9] = {0}, buf[32];
  const char *ppon = NULL;
  for (int k = -1; k < cJSON_GetArraySize(more); k++) {
    const cJSON *x = k < 0 ? ident : cJSON_GetArrayItem(more, k);
    const char *scheme = get_str(x, "scheme"), *id = id_text(get(x, "id"), buf);
    if (!scheme || !id) continue;
    if (!strcmp(scheme, "GB-COH") && !coh[0] && coh_number(id, coh)) break;
    if (!strcmp(scheme, "GB-PPON") && !ppon) ppon = get_str(x, "id");
  }
  if (coh[0]) {
    o->scheme = xstrdup("GB-COH");
    o->identifier = xstrdup(coh);
  } else if (ppon) {
    o->scheme = xstrdup("GB-PPON");
    o->identifier = dup_trim(ppon);
    for (char *p = o->identifier; p && *p; p++)
      if (*p >= 'a' && *p <= 'z') *p = (char)(*p - 32);
  }
}

/* Fills the fields of o that are still empty from an Organization object
 * (a parties[] entry, an OCDS 1.0 buyer, or an inline supplier). */
static void org_fill(Org *o, const cJSON *p) {
  if (!cJSON_IsObject(p)) return;
  const cJSON *ident = get_obj(p, "identifier"), *addr = get_obj(p, "address");
  const cJSON *details = get_obj(p, "details");
  if (!o->id) o->id = dup_id(get(p, "id"));
  if (!o->name) o->name = dup_clean(get_str(p, "name"));
  if (!o->name) o->name = dup_clean(get_str(ident, "legalName"));
  if (!o->scheme && !o->identifier) org_key_identifier(o, ident, get_arr(p, "additionalIdentifiers"));
  if (!o->scheme) o->scheme = dup_trim(get_str(ident, "scheme"));
  if (!o->identifier) o->identifier = dup_id(get(ident, "id"));
  if (addr) {
    if (!o->postcode) o->postcode = dup_clean(get_str(addr, "postalCode"));
    if (!o->locality) o->locality = dup_clean(get_str(addr, "locality"));
    if (!o->country) o->country = dup_clean(get_str(addr, "countryName"));
    if (!o->region) {
      const char *r = address_region(addr);
      if (r) o->region = xstrdup(r);
    }
  }
  if (!o->scale) o->scale = dup_trim(get_str(details, "scale"));
  if (o->vcse == FLAG_UNKNOWN) o->vcse = get_flag(details, "vcse");
}

/* The buyer's party (NULL when the release names none) after filling n->buyer. */
static const cJSON *derive_buyer(Notice *n, const cJSON *c, const cJSON *tender, const Parties *ix) {
  const cJSON *b = get_obj(c, "buyer"), *party = NULL;
  char buf[32];
  if (b) {
    party = party_by_id(ix, id_text(get(b, "id"), buf));
    if (!party) party = party_by_role(ix, "buyer");
  } else {
    party = party_by_role(ix, "buyer");
    if (!party) {
      b = get_obj(tender, "procuringEntity");
      party = party_by_id(ix, id_text(get(b, "id"), buf));
      if (!party) party = party_by_role(ix, "procuringEntity");
    }
  }
  org_fill(&n->buyer, party);
  org_fill(&n->buyer, b);
  return party;
}

/* ---- sector and sub-contracting ------------------------------------------ */

/* A buyer posting on the portal says which sector it is in with a
 * classification of its party: details.classifications[] holds
 * {"scheme": "POWERHOUSE-SECTOR", "id": "private"} (or "public"). Only a
 * party with role buyer counts (not a procuring entity the buyer was found
 * through). Harvested data never carries the scheme: it is all public. */
static NoticeSector derive_sector(const cJSON *party) {
  int buyer = 0;
  EACH(r, get_arr(party, "roles")) buyer |= cJSON_IsString(r) && str_is(r->valuestring, "buyer");
  if (!buyer) return NOTICE_PUBLIC;
  EACH(cl, get_arr(get_obj(party, "details"), "classifications")) {
    const char *scheme = get_str(cl, "scheme"), *id = get_str(cl, "id");
    if (scheme && id && !strcmp(scheme, "POWERHOUSE-SECTOR") && !strcmp(id, "private")) return NOTICE_PRIVATE;
  }
  return NOTICE_PUBLIC;
}

/* relatedProcesses[] with relationship "parent" (the OCDS codelist: this
 * process might result in a sub-contract of the related one): the notice is
 * a sub-contracting opportunity; the first such process identified by
 * scheme "ocid" names its parent notice. */
static void derive_parent(Notice *n, const cJSON *c) {
  EACH(rp, get_arr(c, "relatedProcesses")) {
    int parent = 0;
    EACH(r, get_arr(rp, "relationship")) parent |= cJSON_IsString(r) && !strcmp(r->valuestring, "parent");
    if (!parent) continue;
    n->subcontract = 1;
    if (!n->parent_ocid && str_is(get_str(rp, "scheme"), "ocid")) n->parent_ocid = dup_trim(get_str(rp, "identifier"));
  }
}

static Org *derive_suppliers(const cJSON *arr, const Parties *ix, size_t *count) {
  size_t cap = 0, k = 0;
  Org *out = NULL;
  *count = 0;
  EACH(s, arr) {
    if (!cJSON_IsObject(s)) continue;
    char buf[32];
    Org o;
    memset(&o, 0, sizeof o);
    o.vcse = FLAG_UNKNOWN;
    org_fill(&o, party_by_id(ix, id_text(get(s, "id"), buf)));
    org_fill(&o, s);
    if (!o.id && !o.name) continue; /* nothing to show */
    if (k == cap) {
      cap = cap ? cap * 2 : 2;
      out = xrealloc(out, cap * sizeof *out);
    }
    out[k++] = o;
  }
  *count = k;
  return out;
}

/* ---- CPV ---------------------------------------------------------------- */

typedef struct {
  uint32_t *slots; /* code + 1, 0 = empty */
  size_t cap, n;
} CodeSet;

/* 1 when code was new (and is now in the set). */
static int codeset_add(CodeSet *s, uint32_t code) {
  if ((s->n + 1) * 2 > s->cap) {
    CodeSet bigger = {xcalloc(s->cap ? s->cap * 2 : 32, sizeof(uint32_t)), s->cap ? s->cap * 2 : 32, 0};
    for (size_t i = 0; i < s->cap; i++)
      if (s->slots[i]) codeset_add(&bigger, s->slots[i] - 1);
    free(s->slots);
    *s = bigger;
  }
  size_t i = (code * 2654435761u) & (s->cap - 1);
  for (; s->slots[i]; i = (i + 1) & (s->cap - 1))
    if (s->slots[i] == code + 1) return 0;
  s->slots[i] = code + 1;
  s->n++;
  return 1;
}

/* The 8-digit CPV code of a Classification, or 0. Scheme "CPV" (any case)
 * with any code cpv_normalise() takes; a null/absent scheme only with a
 * strictly CPV-shaped id ("73000000" or "73000000-2") that is in the list
 * (OCDS 1.0-era UK items). */
static int cpv_of(const cJSON *cls, char code[9]) {
  if (!cJSON_IsObject(cls)) return 0;
  const cJSON *scheme = get(cls, "scheme"), *idv = get(cls, "id");
  char buf[32];
  const char *id = cJSON_IsString(idv) ? idv->valuestring : NULL;
  if (cJSON_IsNumber(idv) && idv->valuedouble >= 1e6 && idv->valuedouble < 1e8 &&
      idv->valuedouble == (double)(long)idv->valuedouble) {
    snprintf(buf, sizeof buf, "%08ld", (long)idv->valuedouble); /* lost its leading zero */
    id = buf;
  }
  if (!id) return 0;
  if (cJSON_IsString(scheme)) {
    const char *s = scheme->valuestring;
    while (ascii_space(*s)) s++;
    size_t n = strcspn(s, " \t\r\n");
    if (n != 3 || strncasecmp(s, "CPV", 3) != 0 || s[n + strspn(s + n, " \t\r\n")]) return 0;
    return cpv_normalise(id, code) == 0;
  }
  if (scheme && !cJSON_IsNull(scheme)) return 0;
  size_t len = strlen(id);
  if (len != 8 && !(len == 10 && id[8] == '-' && id[9] >= '0' && id[9] <= '9')) return 0;
  return cpv_normalise(id, code) == 0 && cpv_label(code) != NULL;
}

typedef struct {
  NoticeCpv *v;
  size_t n, cap;
  CodeSet seen;
} CpvList;

static void cpv_add(CpvList *l, const cJSON *cls, int kind) {
  char code[9];
  if (!cpv_of(cls, code)) return;
  if (!codeset_add(&l->seen, (uint32_t)strtoul(code, NULL, 10))) return;
  if (l->n == l->cap) {
    l->cap = l->cap ? l->cap * 2 : 4;
    l->v = xrealloc(l->v, l->cap * sizeof *l->v);
  }
  const char *label = cpv_label(code);
  l->v[l->n].code = xstrdup(code);
  l->v[l->n].label = label ? xstrdup(label) : NULL;
  l->v[l->n].kind = kind;
  l->n++;
}

static void derive_cpvs(Notice *n, const cJSON *tender) {
  CpvList l = {NULL, 0, 0, {NULL, 0, 0}};
  cpv_add(&l, get(tender, "classification"), 0);
  EACH(c, get_arr(tender, "additionalClassifications")) cpv_add(&l, c, 1);
  EACH(item, get_arr(tender, "items")) {
    cpv_add(&l, get(item, "classification"), 2);
    EACH(c, get_arr(item, "additionalClassifications")) cpv_add(&l, c, 2);
  }
  free(l.seen.slots);
  n->cpvs = l.v;
  n->n_cpvs = l.n;
}

/* ---- status ------------------------------------------------------------- */

static int time_of(const char *s, time_t *t) { return s && date_parse(s, t) == 0; }

static NoticeStatus derive_status(const cJSON *c, const cJSON *tender, time_t now) {
  const char *ts = get_str(tender, "status");
  if (str_is(ts, "cancelled") || str_is(ts, "withdrawn")) return NOTICE_CANCELLED;

  size_t n_awards = 0, dead = 0;
  EACH(a, get_arr(c, "awards")) {
    if (!cJSON_IsObject(a)) continue;
    const char *st = get_str(a, "status");
    n_awards++;
    if (str_is(st, "active") || str_is(st, "pending")) return NOTICE_AWARDED;
    if (str_is(st, "cancelled") || str_is(st, "unsuccessful")) dead++;
    /* an award without a status that names a supplier was made */
    else if (!st && cJSON_GetArraySize(get_arr(a, "suppliers")) > 0) return NOTICE_AWARDED;
  }
  EACH(k, get_arr(c, "contracts")) {
    const char *st = get_str(k, "status");
    /* a terminated contract was awarded once */
    if (str_is(st, "active") || str_is(st, "pending") || str_is(st, "terminated")) return NOTICE_AWARDED;
  }
  if (n_awards && dead == n_awards) return NOTICE_CANCELLED;

  if (str_is(ts, "planning")) return NOTICE_PLANNED;
  const cJSON *period = get_obj(tender, "tenderPeriod");
  time_t end, start;
  int has_end = time_of(get_str(period, "endDate"), &end);
  int has_start = time_of(get_str(period, "startDate"), &start);
  int pre = !ts || str_is(ts, "planned");
  if (has_end && end > now && (pre || str_is(ts, "active")))
    return pre && has_start && start > now ? NOTICE_PLANNED : NOTICE_OPEN;
  if (str_is(ts, "planned") && !has_end) return NOTICE_PLANNED;
  if (!ts && !has_end && !n_awards && get_obj(c, "planning")) return NOTICE_PLANNED;
  return NOTICE_CLOSED;
}

/* ---- url ---------------------------------------------------------------- */

static int http_url(const char *u) {
  if (!u || (strncasecmp(u, "https://", 8) != 0 && strncasecmp(u, "http://", 7) != 0)) return 0;
  size_t n = 0;
  for (const unsigned char *p = (const unsigned char *)u; *p; p++, n++)
    if (*p <= 0x20 || *p == 0x7F || *p == '"' || *p == '<' || *p == '>' || *p == '\\') return 0;
  return n <= 2048;
}

static int notice_type(const char *t) {
  static const char *const types[] = {"tenderNotice", "awardNotice", "contractNotice",
                                      "marketEngagementNotice", "plannedProcurementNotice",
                                      "contractAwardNotice", "notice"};
  for (size_t i = 0; t && i < sizeof types / sizeof *types; i++)
    if (strcasecmp(t, types[i]) == 0) return 1;
  return 0;
}

/* pass 0: notice-type document on Contracts Finder; 1: any Contracts Finder
 * /Notice/ page; 2: any notice-type document. */
static const char *doc_url(const cJSON *docs, int pass) {
  EACH(d, docs) {
    const char *u = get_str(d, "url");
    if (!http_url(u)) continue;
    int cf = strstr(u, "contractsfinder.service.gov.uk/Notice/") != NULL;
    int nt = notice_type(get_str(d, "documentType"));
    if ((pass == 0 && cf && nt) || (pass == 1 && cf) || (pass == 2 && nt)) return u;
  }
  return NULL;
}

static char *derive_url(const cJSON *c, const cJSON *tender) {
  const char *u = NULL;
  for (int pass = 0; pass < 3 && !u; pass++) {
    u = doc_url(get_arr(tender, "documents"), pass);
    if (!u) u = doc_url(get_arr(get_obj(c, "planning"), "documents"), pass);
    EACH(a, get_arr(c, "awards")) {
      if (!u) u = doc_url(get_arr(a, "documents"), pass);
    }
    EACH(k, get_arr(c, "contracts")) {
      if (!u) u = doc_url(get_arr(k, "documents"), pass);
    }
  }
  if (!u && http_url(get_str(tender, "url"))) u = get_str(tender, "url");
  if (!u && http_url(get_str(c, "url"))) u = get_str(c, "url");
  if (!u && http_url(get_str(c, "uri"))) u = get_str(c, "uri");
  if (!u) {
    const cJSON *links = get(c, "links");
    if (cJSON_IsObject(links)) {
      EACH(l, links) {
        if (!u && cJSON_IsString(l) && http_url(l->valuestring)) u = l->valuestring;
      }
    } else {
      EACH(l, cJSON_IsArray(links) ? links : NULL) {
        const char *h = get_str(l, "href") ? get_str(l, "href") : get_str(l, "url");
        if (!u && http_url(h)) u = h;
      }
    }
  }
  return u ? xstrdup(u) : NULL;
}

/* ---- awards and contracts ----------------------------------------------- */

static void derive_awards(Notice *n, const cJSON *c, const Parties *ix) {
  const cJSON *arr = get_arr(c, "awards");
  size_t cap = (size_t)cJSON_GetArraySize(arr);
  if (!cap) return;
  n->awards = xcalloc(cap, sizeof *n->awards);
  EACH(a, arr) {
    if (!cJSON_IsObject(a)) continue;
    NoticeAward *w = &n->awards[n->n_awards++];
    const cJSON *value = get_obj(a, "value"), *period = get_obj(a, "contractPeriod");
    w->id = dup_id(get(a, "id"));
    w->title = dup_clean(get_str(a, "title"));
    w->status = dup_trim(get_str(a, "status"));
    w->date = dup_date(get_str(a, "date"));
    w->date_published = dup_date(get_str(a, "datePublished"));
    w->has_value = get_amount(value, &w->value);
    w->currency = dup_trim(get_str(value, "currency"));
    w->contract_start = dup_date(get_str(period, "startDate"));
    w->contract_end = dup_date(get_str(period, "endDate"));
    w->suppliers = derive_suppliers(get_arr(a, "suppliers"), ix, &w->n_suppliers);
  }
}

static void derive_contracts(Notice *n, const cJSON *c) {
  const cJSON *arr = get_arr(c, "contracts");
  size_t cap = (size_t)cJSON_GetArraySize(arr);
  if (!cap) return;
  n->contracts = xcalloc(cap, sizeof *n->contracts);
  EACH(k, arr) {
    if (!cJSON_IsObject(k)) continue;
    NoticeContract *t = &n->contracts[n->n_contracts++];
    const cJSON *value = get_obj(k, "value"), *period = get_obj(k, "period");
    t->id = dup_id(get(k, "id"));
    t->award_id = dup_id(get(k, "awardID"));
    t->title = dup_clean(get_str(k, "title"));
    t->status = dup_trim(get_str(k, "status"));
    t->has_value = get_amount(value, &t->value);
    t->currency = dup_trim(get_str(value, "currency"));
    t->start = dup_date(get_str(period, "startDate"));
    t->end = dup_date(get_str(period, "endDate"));
    t->date_signed = dup_date(get_str(k, "dateSigned"));
  }
}

/* ---- the notice --------------------------------------------------------- */

/* tender.datePublished, else the earliest date seen: tender period start,
 * release date, notice documents' and awards' publication dates. */
static char *derive_published(const cJSON *c, const cJSON *tender) {
  char *p = dup_date(get_str(tender, "datePublished"));
  if (p) return p;
  time_t best = 0, t;
  int have = 0;
#define CONSIDER(s)                                      \
  do {                                                   \
    if (time_of((s), &t) && (!have || t < best)) {       \
      best = t;                                          \
      have = 1;                                          \
    }                                                    \
  } while (0)
  CONSIDER(get_str(get_obj(tender, "tenderPeriod"), "startDate"));
  CONSIDER(get_str(c, "date"));
  EACH(d, get_arr(tender, "documents")) CONSIDER(get_str(d, "datePublished"));
  EACH(d, get_arr(get_obj(c, "planning"), "documents")) CONSIDER(get_str(d, "datePublished"));
  EACH(a, get_arr(c, "awards")) CONSIDER(get_str(a, "datePublished"));
#undef CONSIDER
  if (!have) return NULL;
  char d[DATE_LEN];
  date_format(best, d);
  return d[0] ? xstrdup(d) : NULL;
}

/* tender.title, else the release's title (UK planning notices), the first
 * award's or contract's title, else the start of the description (IMPIC
 * Portugal publishes no titles): its first line, cut at a word boundary to
 * at most TITLE_MAX bytes with an ellipsis. */
#define TITLE_MAX 150
static char *derive_title(const cJSON *c, const cJSON *tender, const char *description) {
  char *t = dup_clean(get_str(tender, "title"));
  if (!t) t = dup_clean(get_str(c, "title"));
  if (!t) t = dup_clean(get_str(get_arr(c, "awards") ? get_arr(c, "awards")->child : NULL, "title"));
  if (!t) t = dup_clean(get_str(get_arr(c, "contracts") ? get_arr(c, "contracts")->child : NULL, "title"));
  if (t || !description) return t;
  size_t n = strcspn(description, "\n");
  if (n <= TITLE_MAX) return xstrndup(description, n);
  n = TITLE_MAX;
  while (n && ((unsigned char)description[n] & 0xC0) == 0x80) n--; /* not inside a character */
  size_t cut = n;
  while (cut > TITLE_MAX / 2 && description[cut] != ' ') cut--;
  if (description[cut] == ' ') n = cut;
  Buf b = BUF_INIT;
  buf_add(&b, description, n);
  buf_adds(&b, "\xE2\x80\xA6"); /* … */
  return buf_detach(&b, NULL);
}

static Flag first_flag(Flag a, Flag b, Flag c) {
  return a != FLAG_UNKNOWN ? a : b != FLAG_UNKNOWN ? b : c;
}

int derive_notice(const cJSON *c, const DeriveCtx *ctx, Notice *n, Err *err) {
  if (!cJSON_IsObject(c)) return err_set(err, ERR_OCDS, "compiled release is not a JSON object");
  char *ocid = dup_trim(get_str(c, "ocid"));
  if (!ocid) return err_set(err, ERR_OCDS, "compiled release has no ocid (a non-empty string)");

  const cJSON *tender = get_obj(c, "tender"), *planning = get_obj(c, "planning");
  Parties ix;
  parties_init(&ix, get_arr(c, "parties"));

  n->ocid = ocid;
  n->description = dup_clean_lines(get_str(tender, "description"));
  if (!n->description) n->description = dup_clean_lines(get_str(c, "description"));
  n->title = derive_title(c, tender, n->description);
  n->tender_status = dup_trim(get_str(tender, "status"));
  n->status = derive_status(c, tender, ctx ? ctx->now : time(NULL));

  n->sector = derive_sector(derive_buyer(n, c, tender, &ix));
  derive_parent(n, c);

  const cJSON *value = get_obj(tender, "value"), *minv = get_obj(tender, "minValue");
  if ((n->has_value = get_amount(value, &n->value))) {
    n->currency = dup_trim(get_str(value, "currency"));
  } else {
    const cJSON *budget = get_obj(get_obj(planning, "budget"), "amount");
    if ((n->has_value = get_amount(budget, &n->value))) n->currency = dup_trim(get_str(budget, "currency"));
  }
  if ((n->has_min_value = get_amount(minv, &n->min_value)) && !n->currency)
    n->currency = dup_trim(get_str(minv, "currency"));
  if (!n->currency) n->currency = dup_trim(get_str(value, "currency"));

  n->deadline = dup_date(get_str(get_obj(tender, "tenderPeriod"), "endDate"));
  n->published = derive_published(c, tender);
  n->updated = dup_date(get_str(c, "date"));
  const cJSON *cp = get_obj(tender, "contractPeriod");
  n->contract_start = dup_date(get_str(cp, "startDate"));
  n->contract_end = dup_date(get_str(cp, "endDate"));
  n->method = dup_trim(get_str(tender, "procurementMethod"));
  n->method_details = dup_clean(get_str(tender, "procurementMethodDetails"));
  n->category = dup_trim(get_str(tender, "mainProcurementCategory"));

  derive_cpvs(n, tender);

  RegionSet rs = {{0}, 0};
  delivery_regions(&rs, tender);
  if (!rs.n && n->buyer.region) region_add(&rs, region_from_text(n->buyer.region));
  if (rs.n) {
    n->regions = xcalloc(rs.n, sizeof *n->regions);
    for (size_t i = 0; i < rs.n; i++) n->regions[i] = xstrdup(rs.codes[i]);
    n->n_regions = rs.n;
  }

  const cJSON *suit = get_obj(tender, "suitability"), *xc = get_obj(tender, "xClassifications");
  n->sme = first_flag(get_flag(suit, "sme"), get_flag(xc, "isSuitableForSme"),
                      get_flag(tender, "isSuitableForSme"));
  n->vcse = first_flag(get_flag(suit, "vcse"), get_flag(xc, "isSuitableForVco"),
                       get_flag(tender, "isSuitableForVco"));

  derive_awards(n, c, &ix);
  derive_contracts(n, c);
  n->publisher = ctx && ctx->publisher ? dup_trim(ctx->publisher) : NULL;
  n->url = derive_url(c, tender);
  n->tags = NULL; /* a compiled release keeps no tags of its own ("compiled") */
  n->n_documents = derive_documents(c, &n->documents);
  derive_uk(c, n);

  parties_release(&ix);
  return 0;
}

/* ---- history ------------------------------------------------------------- */

void derive_history(const cJSON *const *releases, char *const *notes, size_t n, Notice *out) {
  out->history = n ? xcalloc(n, sizeof *out->history) : NULL;
  out->n_history = 0;
  for (size_t i = 0; i < n; i++) {
    const cJSON *r = releases[i], *id = cJSON_GetObjectItemCaseSensitive(r, "id");
    NoticeHistory *h = &out->history[out->n_history++];
    char num[32];
    if (cJSON_IsString(id)) h->release_id = xstrdup(id->valuestring);
    else if (cJSON_IsNumber(id) && snprintf(num, sizeof num, "%.17g", id->valuedouble) > 0) h->release_id = xstrdup(num);
    char when[DATE_LEN];
    h->date = date_norm(get_str(r, "date"), when) == 0 ? xstrdup(when) : NULL;
    Buf tags = BUF_INIT;
    EACH(t, get_arr(r, "tag")) {
      if (!cJSON_IsString(t) || !*t->valuestring) continue;
      if (tags.len) buf_addc(&tags, ',');
      buf_adds(&tags, t->valuestring);
    }
    h->tags = tags.len ? buf_detach(&tags, NULL) : NULL;
    buf_release(&tags);
    h->notes = notes && notes[i] ? xstrdup(notes[i]) : NULL;
  }
}

/* ---- documents ------------------------------------------------------------ */

static void add_documents(const cJSON *arr, NoticeDocument **docs, size_t *n, size_t *cap) {
  EACH(d, arr) {
    if (*n >= DERIVE_MAX_DOCUMENTS) return;
    const char *url = get_str(d, "url");
    if (!url || !*url) continue;
    int seen = 0;
    for (size_t i = 0; i < *n && !seen; i++) seen = strcmp((*docs)[i].url, url) == 0;
    if (seen) continue;
    if (*n == *cap) *docs = xrealloc(*docs, (*cap = *cap ? *cap * 2 : 4) * sizeof **docs);
    NoticeDocument *doc = &(*docs)[(*n)++];
    const char *title = get_str(d, "title");
    if (!title || !*title) title = get_str(d, "description");
    const char *type = get_str(d, "documentType");
    doc->title = text_clean(title && *title ? title : type && *type ? type : "Document");
    doc->url = xstrdup(url);
    doc->type = type ? xstrdup(type) : NULL;
    char when[DATE_LEN];
    doc->date = date_norm(get_str(d, "datePublished"), when) == 0 ? xstrdup(when) : NULL;
  }
}

size_t derive_documents(const cJSON *c, NoticeDocument **docs) {
  size_t n = 0, cap = 0;
  *docs = NULL;
  if (!cJSON_IsObject(c)) return 0;
  add_documents(get_arr(get_obj(c, "tender"), "documents"), docs, &n, &cap);
  add_documents(get_arr(get_obj(c, "planning"), "documents"), docs, &n, &cap);
  EACH(a, get_arr(c, "awards")) add_documents(get_arr(a, "documents"), docs, &n, &cap);
  EACH(k, get_arr(c, "contracts")) add_documents(get_arr(k, "documents"), docs, &n, &cap);
  return n;
}

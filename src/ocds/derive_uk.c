/* derive_uk.c -- the parts of a notice that tell a supplier where the
 * procurement stands and how to take part: its stage (from Procurement Act
 * 2023 notice types, or its sections for older data), reserved participation,
 * and the details the notice page shows (contact, deadlines, how to submit,
 * lots, award criteria, tenderers, amendments, signed contracts with their
 * KPIs and ratings, terminations, cancellation). See derive.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/text.h"
#include "ocds/derive.h"
#include "ocds/json_get.h"

/* ---- stage ------------------------------------------------------------------ */

static const struct {
  const char *name, *words;
} stages[] = {
    {"pipeline", "Upcoming (pipeline)"},
    {"engagement", "Preliminary market engagement"},
    {"planned", "Planned procurement"},
    {"tender", "Tender"},
    {"transparency", "Intention to award directly (transparency)"},
    {"award", "Contract award"},
    {"contract", "Contract signed"},
    {"performance", "Contract performance"},
    {"change", "Contract changed"},
    {"terminated", "Terminated"},
    {"dynamic-market", "Dynamic market"},
    {"payments", "Payments"},
};

const char *derive_stage_words(const char *stage) {
  for (size_t i = 0; stage && i < sizeof stages / sizeof *stages; i++)
    if (!strcmp(stage, stages[i].name)) return stages[i].words;
  return NULL;
}


/* The stage of a UK notice type ("UK1" .. "UK17"), NULL for anything else. */
const char *derive_stage_of_notice_type(const char *t) {
  if (!t || (t[0] != 'U' && t[0] != 'u') || (t[1] != 'K' && t[1] != 'k')) return NULL;
  int n = 0;
  const char *p = t + 2;
  if (*p < '1' || *p > '9') return NULL;
  while (*p >= '0' && *p <= '9' && n < 100) n = n * 10 + (*p++ - '0');
  if (*p) return NULL;
  static const char *const by_number[] = {
      NULL,         "pipeline",   "engagement", "planned",   "tender",         "transparency",
      "award",      "contract",   "contract",   "performance", "change",       "terminated",
      "terminated", "dynamic-market", "dynamic-market", "dynamic-market", "dynamic-market", "payments"};
  return n >= 1 && n <= 17 ? by_number[n] : NULL;
}

/* The latest notice type among the documents of one section: the latest
 * datePublished wins, and for equal (or no) dates the later in the order
 * planning, tender, awards, contracts and in each array. */
typedef struct {
  const char *stage;
  char date[DATE_LEN];
} Latest;

static void notice_types(const cJSON *docs, Latest *l) {
  EACH(d, docs) {
    const char *st = derive_stage_of_notice_type(get_str(d, "noticeType"));
    if (!st) continue;
    char when[DATE_LEN];
    if (date_norm(get_str(d, "datePublished"), when)) when[0] = 0;
    if (strcmp(when, l->date) >= 0) {
      l->stage = st;
      memcpy(l->date, when, sizeof when);
    }
  }
}

/* Older data (no notice type): the furthest section the data has reached. */
static const char *stage_of_sections(const cJSON *c, const cJSON *tender) {
  const char *ts = get_str(tender, "status");
  int contracts = 0, terminated = 0, implementation = 0;
  EACH(k, get_arr(c, "contracts")) {
    contracts++;
    const char *s = get_str(k, "status");
    if (s && (!strcmp(s, "terminated") || !strcmp(s, "cancelled"))) terminated++;
    if (get_obj(k, "implementation")) implementation++;
  }
  if (contracts && terminated == contracts) return "terminated";
  if (implementation) return "performance";
  if (contracts) return "contract";
  int awards = 0;
  EACH(a, get_arr(c, "awards")) {
    const char *s = get_str(a, "status");
    if (!s || strcmp(s, "cancelled")) awards++;
  }
  if (awards) return "award";
  if (ts && (!strcmp(ts, "cancelled") || !strcmp(ts, "withdrawn") || !strcmp(ts, "unsuccessful"))) return "terminated";
  if (tender && (ts || get(tender, "tenderPeriod") || get(tender, "title"))) return ts && !strcmp(ts, "planned") ? "planned" : "tender";
  if (get_obj(c, "planning")) return "pipeline";
  return tender ? "tender" : NULL;
}

static char *derive_stage(const cJSON *c, const cJSON *tender) {
  Latest l = {NULL, ""};
  notice_types(get_arr(get_obj(c, "planning"), "documents"), &l);
  notice_types(get_arr(tender, "documents"), &l);
  EACH(a, get_arr(c, "awards")) notice_types(get_arr(a, "documents"), &l);
  EACH(k, get_arr(c, "contracts")) notice_types(get_arr(k, "documents"), &l);
  const char *s = l.stage ? l.stage : stage_of_sections(c, tender);
  return s ? xstrdup(s) : NULL;
}

/* ---- details (JSON) ----------------------------------------------------------- */

typedef struct {
  Buf *b;
  int first;
} J;

static void j_key(J *j, const char *k) {
  if (!j->first) buf_addc(j->b, ',');
  j->first = 0;
  buf_add_json_str(j->b, k);
  buf_addc(j->b, ':');
}

/* A text member, cleaned (base/text.h), left out when empty. */
static void j_text(J *j, const char *k, const char *v) {
  char *t = v ? text_clean(v) : NULL;
  if (t && *t) {
    j_key(j, k);
    buf_add_json_str(j->b, t);
  }
  free(t);
}

/* Multi-line text. */
static void j_lines(J *j, const char *k, const char *v) {
  char *t = v ? text_clean_lines(v) : NULL;
  if (t && *t) {
    j_key(j, k);
    buf_add_json_str(j->b, t);
  }
  free(t);
}

static void j_date(J *j, const char *k, const char *v) {
  char d[DATE_LEN];
  if (date_norm(v, d) == 0) {
    j_key(j, k);
    buf_add_json_str(j->b, d);
  }
}

static void j_num(J *j, const char *k, const cJSON *v) {
  if (cJSON_IsNumber(v)) {
    j_key(j, k);
    buf_add_json_num(j->b, v->valuedouble);
  }
}

static void j_value(J *j, const cJSON *value) {
  j_num(j, "value", get(value, "amount"));
  j_text(j, "currency", get_str(value, "currency"));
}

static void j_open(J *j, const char *k, char c, J *inner) {
  if (k) j_key(j, k);
  else if (!j->first) buf_addc(j->b, ',');
  j->first = 0;
  buf_addc(j->b, c);
  inner->b = j->b;
  inner->first = 1;
}

static void j_id(J *j, const cJSON *o) {
  const cJSON *id = get(o, "id");
  if (cJSON_IsString(id)) j_text(j, "id", id->valuestring);
  else if (cJSON_IsNumber(id)) {
    char buf[32];
    snprintf(buf, sizeof buf, "%.15g", id->valuedouble);
    j_text(j, "id", buf);
  }
}

#define DETAIL_MAX 200 /* items of each list kept (lots, criteria, amendments, KPIs) */

static void contact(J *j, const cJSON *c, const cJSON *tender) {
  const cJSON *cp = get_obj(tender, "contactPoint");
  if (!cp) { /* the buyer's contact point */
    const char *bid = get_str(get_obj(c, "buyer"), "id");
    EACH(p, get_arr(c, "parties")) {
      int buyer = 0;
      EACH(r, get_arr(p, "roles")) buyer |= cJSON_IsString(r) && !strcmp(r->valuestring, "buyer");
      const char *pid = get_str(p, "id");
      if ((bid && pid && !strcmp(bid, pid)) || (!bid && buyer)) {
        cp = get_obj(p, "contactPoint");
        if (cp) break;
      }
    }
  }
  if (!cp || (!get_str(cp, "name") && !get_str(cp, "email") && !get_str(cp, "telephone") && !get_str(cp, "url")))
    return;
  J o;
  j_open(j, "contact", '{', &o);
  j_text(&o, "name", get_str(cp, "name"));
  j_text(&o, "email", get_str(cp, "email"));
  j_text(&o, "telephone", get_str(cp, "telephone"));
  j_text(&o, "url", get_str(cp, "url"));
  buf_addc(j->b, '}');
}

static void criteria(J *j, const cJSON *ac, const char *lot, size_t *n) {
  EACH(cr, get_arr(ac, "criteria")) {
    if ((*n)++ >= DETAIL_MAX) return;
    J o;
    j_open(j, NULL, '{', &o);
    if (lot) j_text(&o, "lot", lot);
    j_text(&o, "name", get_str(cr, "name"));
    j_text(&o, "type", get_str(cr, "type"));
    j_lines(&o, "description", get_str(cr, "description"));
    const cJSON *num = get_arr(cr, "numbers");
    if (num && cJSON_IsNumber(get(num->child, "number"))) j_num(&o, "weight", get(num->child, "number"));
    buf_addc(j->b, '}');
  }
}

static void amendments(J *j, const cJSON *arr, const char *where, size_t *n) {
  EACH(a, arr) {
    if ((*n)++ >= DETAIL_MAX) return;
    J o;
    j_open(j, NULL, '{', &o);
    j_text(&o, "section", where);
    j_date(&o, "date", get_str(a, "date"));
    j_lines(&o, "rationale", get_str(a, "rationale"));
    j_lines(&o, "description", get_str(a, "description"));
    buf_addc(j->b, '}');
  }
}

static void kpis(J *j, const cJSON *k) {
  const cJSON *metrics = get_arr(get_obj(k, "implementation"), "metrics");
  if (!metrics || !metrics->child) return;
  J arr;
  j_open(j, "kpis", '[', &arr);
  size_t n = 0;
  EACH(m, metrics) {
    if (n++ >= DETAIL_MAX) break;
    J o;
    j_open(&arr, NULL, '{', &o);
    j_text(&o, "title", get_str(m, "title"));
    j_lines(&o, "description", get_str(m, "description"));
    const cJSON *obs = get_arr(m, "observations");
    if (obs && obs->child) {
      J oa;
      j_open(&o, "ratings", '[', &oa);
      size_t k2 = 0;
      EACH(ob, obs) {
        if (k2++ >= DETAIL_MAX) break;
        const cJSON *mc = get_obj(ob, "measureClassification");
        J r;
        j_open(&oa, NULL, '{', &r);
        j_text(&r, "rating", get_str(mc, "id"));
        j_text(&r, "ratingText", get_str(mc, "description"));
        j_lines(&r, "notes", get_str(ob, "notes"));
        const cJSON *per = get_obj(ob, "period");
        j_date(&r, "start", get_str(per, "startDate"));
        j_date(&r, "end", get_str(per, "endDate"));
        buf_addc(j->b, '}');
      }
      buf_addc(j->b, ']');
    }
    buf_addc(j->b, '}');
  }
  buf_addc(j->b, ']');
}

static void contracts(J *j, const cJSON *c) {
  const cJSON *arr = get_arr(c, "contracts");
  if (!arr || !arr->child) return;
  J a;
  j_open(j, "contracts", '[', &a);
  size_t n = 0;
  EACH(k, arr) {
    if (n++ >= DETAIL_MAX) break;
    J o;
    j_open(&a, NULL, '{', &o);
    j_id(&o, k);
    j_text(&o, "title", get_str(k, "title"));
    j_text(&o, "status", get_str(k, "status"));
    j_date(&o, "dateSigned", get_str(k, "dateSigned"));
    j_value(&o, get_obj(k, "value"));
    const cJSON *per = get_obj(k, "period");
    j_date(&o, "start", get_str(per, "startDate"));
    j_date(&o, "end", get_str(per, "endDate"));
    kpis(&o, k);
    const cJSON *tr = get_arr(k, "terminationRationaleClassifications");
    if (tr && tr->child) {
      J t;
      j_open(&o, "termination", '[', &t);
      EACH(x, tr) {
        const char *d = get_str(x, "description"), *id = get_str(x, "id");
        if (!d && !id) continue;
        J r;
        j_open(&t, NULL, '{', &r);
        j_text(&r, "id", id);
        j_text(&r, "description", d);
        buf_addc(j->b, '}');
      }
      buf_addc(j->b, ']');
    }
    buf_addc(j->b, '}');
  }
  buf_addc(j->b, ']');
}

/* The published questions and answers (tender.enquiries): only those with an
 * answer, numbered by their title ("Question 3", as the portal builds them)
 * or else by their place among the answered ones; who asked is never there. */
static void enquiries(J *j, const cJSON *arr) {
  size_t n = 0;
  J a;
  EACH(e, arr) {
    const char *ans = get_str(e, "answer");
    if (!ans || !*ans) continue;
    if (n++ == 0) j_open(j, "enquiries", '[', &a);
    if (n > DETAIL_MAX) break;
    long long num = (long long)n;
    const char *t = get_str(e, "title");
    if (t && !strncmp(t, "Question ", 9)) {
      char *end;
      long long v = strtoll(t + 9, &end, 10);
      if (v > 0 && !*end) num = v;
    }
    J o;
    j_open(&a, NULL, '{', &o);
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", num);
    j_key(&o, "number");
    buf_adds(o.b, buf);
    j_lines(&o, "question", get_str(e, "description"));
    j_lines(&o, "answer", ans);
    j_date(&o, "date", get_str(e, "dateAnswered"));
    buf_addc(j->b, '}');
  }
  if (n) buf_addc(j->b, ']');
}

static char *derive_details(const cJSON *c, const cJSON *tender) {
  Buf b = BUF_INIT;
  J j = {&b, 1};
  buf_addc(&b, '{');
  contact(&j, c, tender);
  j_date(&j, "enquiryDeadline", get_str(get_obj(tender, "enquiryPeriod"), "endDate"));
  const cJSON *sm = get_arr(tender, "submissionMethod");
  const char *smd = get_str(tender, "submissionMethodDetails");
  if ((sm && sm->child) || smd) {
    J o;
    j_open(&j, "submission", '{', &o);
    if (sm && sm->child && cJSON_IsString(sm->child)) j_text(&o, "method", sm->child->valuestring);
    j_lines(&o, "details", smd);
    buf_addc(&b, '}');
  }
  const cJSON *lb = get_obj(tender, "legalBasis");
  if (lb) {
    const char *sch = get_str(lb, "scheme"), *id = get_str(lb, "id");
    const char *words = sch && id && !strcmp(sch, "UKPGA") && !strcmp(id, "2023/54") ? "Procurement Act 2023"
                        : id && !strcmp(id, "32014L0024") ? "Public Contracts Regulations 2015 (Directive 2014/24/EU)"
                        : id && !strcmp(id, "32014L0025") ? "Utilities Contracts Regulations 2016 (Directive 2014/25/EU)"
                        : id && !strcmp(id, "32014L0023") ? "Concession Contracts Regulations 2016 (Directive 2014/23/EU)"
                                                          : get_str(lb, "description");
    j_text(&j, "legalBasis", words ? words : id);
  }
  const cJSON *tenderers = get(tender, "numberOfTenderers");
  if (cJSON_IsNumber(tenderers)) {
    j_num(&j, "tenderers", tenderers);
  } else {
    EACH(s, get_arr(get_obj(c, "bids"), "statistics")) {
      const char *m = get_str(s, "measure");
      if (m && (!strcmp(m, "bids") || !strcmp(m, "validBids")) && !get(s, "relatedLot")) {
        j_num(&j, "tenderers", get(s, "value"));
        break;
      }
    }
  }
  const cJSON *lots = get_arr(tender, "lots");
  if (lots && lots->child) {
    J a;
    j_open(&j, "lots", '[', &a);
    size_t n = 0;
    EACH(l, lots) {
      if (n++ >= DETAIL_MAX) break;
      J o;
      j_open(&a, NULL, '{', &o);
      j_id(&o, l);
      j_text(&o, "title", get_str(l, "title"));
      j_lines(&o, "description", get_str(l, "description"));
      j_value(&o, get_obj(l, "value"));
      j_text(&o, "status", get_str(l, "status"));
      buf_addc(&b, '}');
    }
    buf_addc(&b, ']');
  }
  size_t nc = 0;
  int any = get_arr(get_obj(tender, "awardCriteria"), "criteria") != NULL;
  EACH(l, lots) any |= get_arr(get_obj(l, "awardCriteria"), "criteria") != NULL;
  if (any) {
    J a;
    j_open(&j, "awardCriteria", '[', &a);
    criteria(&a, get_obj(tender, "awardCriteria"), NULL, &nc);
    EACH(l, lots) {
      char buf[32];
      const cJSON *id = get(l, "id");
      const char *lid = cJSON_IsString(id) ? id->valuestring : NULL;
      if (!lid && cJSON_IsNumber(id)) snprintf(buf, sizeof buf, "%.15g", id->valuedouble), lid = buf;
      criteria(&a, get_obj(l, "awardCriteria"), lid, &nc);
    }
    buf_addc(&b, ']');
  }
  const cJSON *acd = get(tender, "awardCriteriaDetails");
  if (cJSON_IsString(acd)) j_lines(&j, "awardCriteriaDetails", acd->valuestring);
  else j_lines(&j, "awardCriteriaDetails", get_str(get_obj(tender, "awardCriteria"), "description"));
  size_t na = 0;
  any = get_arr(tender, "amendments") || get_obj(tender, "amendment");
  EACH(k, get_arr(c, "contracts")) any |= get_arr(k, "amendments") != NULL;
  EACH(k, get_arr(c, "awards")) any |= get_arr(k, "amendments") != NULL;
  if (any) {
    J a;
    j_open(&j, "amendments", '[', &a);
    amendments(&a, get_arr(tender, "amendments"), "tender", &na);
    EACH(k, get_arr(c, "awards")) amendments(&a, get_arr(k, "amendments"), "award", &na);
    EACH(k, get_arr(c, "contracts")) amendments(&a, get_arr(k, "amendments"), "contract", &na);
    buf_addc(&b, ']');
  }
  const char *ts = get_str(tender, "status");
  if (ts && (!strcmp(ts, "cancelled") || !strcmp(ts, "withdrawn") || !strcmp(ts, "unsuccessful"))) {
    const char *why = get_str(tender, "statusDetails");
    /* else the description of the termination notice (UK12) */
    EACH(d, get_arr(tender, "documents")) {
      const char *t = get_str(d, "noticeType");
      if (!why && t && !strcmp(t, "UK12")) why = get_str(d, "description");
    }
    j_lines(&j, "cancellation", why ? why : "The buyer did not say why.");
  }
  enquiries(&j, get_arr(tender, "enquiries"));
  contracts(&j, c);
  buf_addc(&b, '}');
  if (b.len == 2) {
    buf_release(&b);
    return NULL;
  }
  return buf_detach(&b, NULL);
}

/* Lot titles and descriptions and item descriptions, one a line, at most
 * LOTS_TEXT_MAX bytes: searched as part of the description. */
#define LOTS_TEXT_MAX (64u << 10)

static void add_line(Buf *b, const char *text) {
  char *t = text ? text_clean(text) : NULL;
  if (t && *t && b->len + strlen(t) + 1 <= LOTS_TEXT_MAX) {
    if (b->len) buf_addc(b, '\n');
    buf_adds(b, t);
  }
  free(t);
}

static char *derive_lots_text(const cJSON *tender) {
  Buf b = BUF_INIT;
  EACH(l, get_arr(tender, "lots")) {
    add_line(&b, get_str(l, "title"));
    add_line(&b, get_str(l, "description"));
  }
  EACH(it, get_arr(tender, "items")) add_line(&b, get_str(it, "description"));
  if (!b.len) {
    buf_release(&b);
    return NULL;
  }
  return buf_detach(&b, NULL);
}

void derive_uk(const cJSON *c, Notice *n) {
  const cJSON *tender = get_obj(c, "tender");
  n->lots_text = derive_lots_text(tender);
  n->stage = derive_stage(c, tender);
  const cJSON *orq = get_obj(tender, "otherRequirements");
  const cJSON *rp = get(orq, "reservedParticipation");
  int sme_vcse = 0;
  if (cJSON_IsString(rp)) sme_vcse = !strcmp(rp->valuestring, "smeVcse");
  EACH(x, cJSON_IsArray(rp) ? rp : NULL) sme_vcse |= cJSON_IsString(x) && !strcmp(x->valuestring, "smeVcse");
  const cJSON *loc = get_obj(orq, "reservedParticipationLocation");
  char *where = NULL; /* the county or borough it is reserved to */
  if (loc) {
    where = text_clean(get_str(loc, "description"));
    if (where && !*where) free(where), where = NULL;
    if (!where) {
      const cJSON *g = get_obj(loc, "gazetteer");
      const cJSON *ids = get_arr(g, "identifiers");
      if (ids && cJSON_IsString(ids->child)) where = text_clean(ids->child->valuestring);
    }
  }
  if (sme_vcse && where) n->reserved = xstrdup("sme-vcse,location");
  else if (sme_vcse) n->reserved = xstrdup("sme-vcse");
  else if (where) n->reserved = xstrdup("location");
  n->reserved_location = where;
  n->details = derive_details(c, tender);
}

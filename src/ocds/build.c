/* build.c -- OCDS releases for notices posted on the portal. See build.h. */
#include "ocds/build.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "model/cpv.h"

#define EXT(name, version) "https://raw.githubusercontent.com/open-contracting-extensions/" name "/" version "/extension.json"

const char *const build_extensions[] = {
    EXT("ocds_lots_extension", "v1.1.5"),
    EXT("ocds_enquiry_extension", "v1.1.5"),
    EXT("ocds_suitability_extension", "master"),
    EXT("ocds_otherRequirements_extension", "master"),
    EXT("ocds_renewal_extension", "master"),
    EXT("ocds_organizationClassification_extension", "master"),
    "https://raw.githubusercontent.com/cabinetoffice/ocds_uk_extension/main/extension.json",
    NULL,
};

/* ---- small writers ------------------------------------------------------------ */

static void put_str(cJSON *o, const char *k, const char *v) {
  if (v && *v) cJSON_AddStringToObject(o, k, v);
}

static void put_time(cJSON *o, const char *k, time_t t) {
  char d[DATE_LEN];
  if (!t) return;
  date_format(t, d);
  cJSON_AddStringToObject(o, k, d);
}

/* "YYYY-MM-DD" (or "YYYY-MM": the first of the month) as a date-time at midnight UTC. */
static void put_day(cJSON *o, const char *k, const char *day) {
  char d[32];
  if (!day || !*day) return;
  if (strlen(day) == 7) snprintf(d, sizeof d, "%s-01T00:00:00Z", day);
  else snprintf(d, sizeof d, "%.10sT00:00:00Z", day);
  cJSON_AddStringToObject(o, k, d);
}

static cJSON *money(double amount, const char *currency) {
  cJSON *v = cJSON_CreateObject();
  cJSON_AddNumberToObject(v, "amount", amount);
  cJSON_AddStringToObject(v, "currency", currency && *currency ? currency : "GBP");
  return v;
}

static cJSON *strings(const char *const *s, size_t n) {
  cJSON *a = cJSON_CreateArray();
  for (size_t i = 0; i < n; i++) cJSON_AddItemToArray(a, cJSON_CreateString(s[i]));
  return a;
}

static void emit(cJSON *r, Buf *out) {
  char *s = cJSON_PrintUnformatted(r);
  if (!s) abort(); /* out of memory */
  buf_adds(out, s);
  cJSON_free(s);
  cJSON_Delete(r);
}

/* "GB-COH-01234567" -> scheme "GB-COH", id "01234567": the scheme is the
 * first two parts. */
static cJSON *identifier(const char *key) {
  const char *a = strchr(key, '-'), *b = a ? strchr(a + 1, '-') : NULL;
  if (!b || !b[1]) return NULL;
  cJSON *o = cJSON_CreateObject();
  char scheme[64];
  snprintf(scheme, sizeof scheme, "%.*s", (int)(b - key), key);
  cJSON_AddStringToObject(o, "scheme", scheme);
  cJSON_AddStringToObject(o, "id", b + 1);
  return o;
}

/* ---- what every release has ----------------------------------------------------- */

static cJSON *head(const BuildCtx *ctx, const char *tag, cJSON **parties) {
  cJSON *r = cJSON_CreateObject();
  cJSON_AddStringToObject(r, "ocid", ctx->ocid);
  cJSON_AddStringToObject(r, "id", ctx->release_id);
  put_time(r, "date", ctx->date);
  cJSON *tags = cJSON_AddArrayToObject(r, "tag");
  cJSON_AddItemToArray(tags, cJSON_CreateString(tag));
  cJSON_AddStringToObject(r, "initiationType", "tender");
  cJSON_AddStringToObject(r, "language", "en");

  *parties = cJSON_AddArrayToObject(r, "parties");
  cJSON *b = cJSON_CreateObject();
  cJSON_AddStringToObject(b, "id", ctx->buyer_id);
  cJSON_AddStringToObject(b, "name", ctx->buyer_name);
  if (ctx->buyer_scheme && ctx->buyer_identifier) {
    cJSON *id = cJSON_AddObjectToObject(b, "identifier");
    cJSON_AddStringToObject(id, "scheme", ctx->buyer_scheme);
    cJSON_AddStringToObject(id, "id", ctx->buyer_identifier);
    cJSON_AddStringToObject(id, "legalName", ctx->buyer_name);
  }
  cJSON *roles = cJSON_AddArrayToObject(b, "roles");
  cJSON_AddItemToArray(roles, cJSON_CreateString("buyer"));
  cJSON *cls = cJSON_AddArrayToObject(cJSON_AddObjectToObject(b, "details"), "classifications");
  cJSON *c = cJSON_CreateObject();
  cJSON_AddStringToObject(c, "scheme", "POWERHOUSE-SECTOR");
  cJSON_AddStringToObject(c, "id", ctx->is_private ? "private" : "public");
  cJSON_AddStringToObject(c, "description", ctx->is_private ? "Private sector" : "Public sector");
  cJSON_AddItemToArray(cls, c);
  if (ctx->buyer_website && *ctx->buyer_website)
    cJSON_AddStringToObject(cJSON_AddObjectToObject(b, "contactPoint"), "url", ctx->buyer_website);
  cJSON_AddItemToArray(*parties, b);

  cJSON *buyer = cJSON_AddObjectToObject(r, "buyer");
  cJSON_AddStringToObject(buyer, "id", ctx->buyer_id);
  cJSON_AddStringToObject(buyer, "name", ctx->buyer_name);
  return r;
}

/* The notice's own document: for a public buyer it carries the Procurement
 * Act 2023 notice type (ocds/derive_uk reads the stage from it). */
static cJSON *notice_document(const BuildCtx *ctx, const char *kind, const char *uk, const char *title) {
  cJSON *d = cJSON_CreateObject();
  char id[48];
  snprintf(id, sizeof id, "notice-%s", ctx->release_id ? ctx->release_id : kind);
  cJSON_AddStringToObject(d, "id", id);
  cJSON_AddStringToObject(d, "documentType", kind);
  if (!ctx->is_private) cJSON_AddStringToObject(d, "noticeType", uk);
  cJSON_AddStringToObject(d, "title", title);
  put_str(d, "url", ctx->notice_url);
  put_time(d, "datePublished", ctx->date);
  cJSON_AddStringToObject(d, "format", "text/html");
  cJSON_AddStringToObject(d, "language", "en");
  return d;
}

/* ---- the tender section -------------------------------------------------------- */

static const char *procedure_words(Procedure p, int is_private) {
  switch (p) {
  case PROCEDURE_OPEN: return "Open procedure";
  case PROCEDURE_SELECTIVE: return is_private ? "Selective procedure" : "Competitive flexible procedure";
  case PROCEDURE_LIMITED: return "Direct award";
  default: return NULL;
  }
}

static cJSON *item(const char *id, const char *cpv, const char *lot) {
  cJSON *it = cJSON_CreateObject();
  cJSON_AddStringToObject(it, "id", id);
  cJSON *c = cJSON_AddObjectToObject(it, "classification");
  cJSON_AddStringToObject(c, "scheme", "CPV");
  cJSON_AddStringToObject(c, "id", cpv);
  const char *label = cpv_label(cpv);
  put_str(c, "description", label);
  if (lot) put_str(it, "relatedLot", lot);
  return it;
}

static void items(cJSON *tender, const Posting *p) {
  cJSON *arr = cJSON_AddArrayToObject(tender, "items");
  for (size_t i = 0; i < p->n_cpv; i++) cJSON_AddItemToArray(arr, item(p->cpv[i], p->cpv[i], NULL));
  for (size_t l = 0; l < p->n_lots; l++) {
    char lot[24], id[64];
    snprintf(lot, sizeof lot, "%zu", l + 1);
    for (size_t i = 0; i < p->lots[l].n_cpv; i++) {
      snprintf(id, sizeof id, "lot-%zu-%s", l + 1, p->lots[l].cpv[i]);
      cJSON_AddItemToArray(arr, item(id, p->lots[l].cpv[i], lot));
    }
  }
  /* one item a delivery place, its address an object (deliveryAddress):
   * merged by the item's id, so publishing the tender again repeats nothing */
  for (size_t i = 0; i < p->n_regions + p->n_postcodes; i++) {
    int region = i < p->n_regions;
    const char *place = region ? p->regions[i] : p->postcodes[i - p->n_regions];
    char id[64];
    snprintf(id, sizeof id, "place-%s", place);
    cJSON *it = cJSON_CreateObject();
    cJSON_AddStringToObject(it, "id", id);
    cJSON_AddStringToObject(it, "description", "Delivery place");
    cJSON *a = cJSON_AddObjectToObject(it, "deliveryAddress");
    cJSON_AddStringToObject(a, region ? "region" : "postalCode", place);
    cJSON_AddStringToObject(a, "countryName", "United Kingdom");
    cJSON_AddItemToArray(arr, it);
  }
}

static void lots(cJSON *tender, const Posting *p) {
  if (!p->n_lots) return;
  cJSON *arr = cJSON_AddArrayToObject(tender, "lots");
  for (size_t l = 0; l < p->n_lots; l++) {
    const PostingLot *x = &p->lots[l];
    cJSON *o = cJSON_CreateObject();
    char id[24];
    snprintf(id, sizeof id, "%zu", l + 1);
    cJSON_AddStringToObject(o, "id", id);
    put_str(o, "title", x->title);
    put_str(o, "description", x->description);
    if (x->has_value) cJSON_AddItemToObject(o, "value", money(x->value, p->currency));
    cJSON_AddStringToObject(o, "status", "active");
    cJSON_AddItemToArray(arr, o);
  }
}

static void criteria(cJSON *tender, const Posting *p) {
  if (!p->n_criteria) return;
  Buf b = BUF_INIT;
  for (size_t i = 0; i < p->n_criteria; i++) {
    if (i) buf_adds(&b, "\n");
    buf_adds(&b, p->criteria[i].name);
    if (p->criteria[i].weight) buf_addf(&b, ": %d%%", p->criteria[i].weight);
  }
  cJSON_AddStringToObject(tender, "awardCriteria", "ratedCriteria");
  cJSON_AddStringToObject(tender, "awardCriteriaDetails", buf_cstr(&b));
  buf_release(&b);
}

static void how_to_apply(cJSON *tender, const Posting *p) {
  if (p->apply == APPLY_NONE || !p->apply_to) return;
  cJSON *m = cJSON_AddArrayToObject(tender, "submissionMethod");
  cJSON_AddItemToArray(m, cJSON_CreateString(p->apply == APPLY_NOTE ? "written" : "electronicSubmission"));
  char *words = NULL;
  const char *fmt = p->apply == APPLY_LINK ? "Apply online: %s" : p->apply == APPLY_EMAIL ? "Apply by email to %s" : "%s";
  size_t n = strlen(p->apply_to) + 32;
  words = malloc(n);
  if (!words) abort();
  snprintf(words, n, fmt, p->apply_to);
  cJSON_AddStringToObject(tender, "submissionMethodDetails", words);
  free(words);
}

static void contact(cJSON *tender, const Posting *p) {
  if (!p->contact_name && !p->contact_email && !p->contact_phone) return;
  cJSON *c = cJSON_AddObjectToObject(tender, "contactPoint");
  put_str(c, "name", p->contact_name);
  put_str(c, "email", p->contact_email);
  put_str(c, "telephone", p->contact_phone);
}

static void reservation(cJSON *tender, const Posting *p) {
  if (!p->reserved && !p->reserved_county) return;
  cJSON *o = cJSON_AddObjectToObject(tender, "otherRequirements");
  if (p->reserved) cJSON_AddItemToArray(cJSON_AddArrayToObject(o, "reservedParticipation"), cJSON_CreateString("smeVcse"));
  if (p->reserved_county)
    cJSON_AddStringToObject(cJSON_AddObjectToObject(o, "reservedParticipationLocation"), "description",
                            p->reserved_county);
}

void build_notice(const BuildCtx *ctx, const Posting *p, const BuildAmendment *amendment, Buf *out) {
  cJSON *parties;
  int planned = p->stage != POSTING_TENDER;
  cJSON *r = head(ctx, amendment ? "tenderAmendment" : planned ? "planning" : "tender", &parties);
  cJSON *t = cJSON_AddObjectToObject(r, "tender");
  char tid[160];
  snprintf(tid, sizeof tid, "%s-tender", ctx->ocid);
  cJSON_AddStringToObject(t, "id", tid);
  put_str(t, "title", p->title);
  put_str(t, "description", p->description);
  cJSON_AddStringToObject(t, "status", planned ? "planned" : "active");
  if (p->has_value) {
    if (p->value_min < p->value_max) cJSON_AddItemToObject(t, "minValue", money(p->value_min, p->currency));
    cJSON_AddItemToObject(t, "value", money(p->value_max, p->currency));
  }
  if (p->procedure) {
    cJSON_AddStringToObject(t, "procurementMethod", procedure_name(p->procedure));
    cJSON_AddStringToObject(t, "procurementMethodDetails", procedure_words(p->procedure, ctx->is_private));
    put_str(t, "procurementMethodRationale", p->rationale);
  }
  items(t, p);
  if (p->deadline || p->expected) {
    cJSON *per = cJSON_AddObjectToObject(t, "tenderPeriod");
    if (planned) put_day(per, "startDate", p->expected);
    else put_time(per, "startDate", ctx->date);
    put_time(per, "endDate", p->deadline);
  }
  if (p->enquiry_deadline) put_time(cJSON_AddObjectToObject(t, "enquiryPeriod"), "endDate", p->enquiry_deadline);
  if (p->start[0] || p->end[0]) {
    cJSON *per = cJSON_AddObjectToObject(t, "contractPeriod");
    put_day(per, "startDate", p->start);
    put_day(per, "endDate", p->end);
  }
  if (p->extension) {
    cJSON_AddBoolToObject(t, "hasRenewal", 1);
    cJSON_AddStringToObject(cJSON_AddObjectToObject(t, "renewal"), "description", p->extension);
  }
  cJSON *suit = cJSON_AddObjectToObject(t, "suitability");
  cJSON_AddBoolToObject(suit, "sme", p->sme);
  cJSON_AddBoolToObject(suit, "vcse", p->vcse);
  reservation(t, p);
  criteria(t, p);
  how_to_apply(t, p);
  contact(t, p);
  lots(t, p);
  if (p->stage == POSTING_ENGAGEMENT && p->engagement) {
    cJSON *m = cJSON_CreateObject();
    cJSON_AddStringToObject(m, "id", "engagement");
    cJSON_AddStringToObject(m, "title", "Market engagement");
    cJSON_AddStringToObject(m, "type", "engagement");
    cJSON_AddStringToObject(m, "description", p->engagement);
    cJSON_AddItemToArray(cJSON_AddArrayToObject(t, "milestones"), m);
  }
  if (amendment) {
    cJSON *a = cJSON_CreateObject();
    cJSON_AddStringToObject(a, "id", amendment->id);
    put_time(a, "date", amendment->date ? amendment->date : ctx->date);
    put_str(a, "rationale", amendment->rationale);
    put_str(a, "description", amendment->description);
    cJSON_AddItemToArray(cJSON_AddArrayToObject(t, "amendments"), a);
  }
  cJSON *docs = cJSON_AddArrayToObject(t, "documents");
  if (p->stage == POSTING_PIPELINE)
    cJSON_AddItemToArray(docs, notice_document(ctx, "plannedProcurementNotice", "UK1", "Pipeline notice"));
  else if (p->stage == POSTING_ENGAGEMENT)
    cJSON_AddItemToArray(docs, notice_document(ctx, "marketEngagementNotice", "UK2", "Preliminary market engagement notice"));
  else
    cJSON_AddItemToArray(docs, notice_document(ctx, "tenderNotice", "UK4", amendment ? "Tender notice (amended)" : "Tender notice"));
  if (p->related_ocid) {
    cJSON *rp = cJSON_CreateObject();
    cJSON_AddStringToObject(rp, "id", "parent");
    cJSON_AddItemToObject(rp, "relationship", strings((const char *const[]){"parent"}, 1));
    cJSON_AddStringToObject(rp, "title", "The contract this is a sub-contract of");
    cJSON_AddStringToObject(rp, "scheme", "ocid");
    cJSON_AddStringToObject(rp, "identifier", p->related_ocid);
    cJSON_AddItemToArray(cJSON_AddArrayToObject(r, "relatedProcesses"), rp);
  }
  emit(r, out);
}

void build_cancellation(const BuildCtx *ctx, const char *reason, Buf *out) {
  cJSON *parties;
  cJSON *r = head(ctx, "tenderCancellation", &parties);
  cJSON *t = cJSON_AddObjectToObject(r, "tender");
  char tid[160];
  snprintf(tid, sizeof tid, "%s-tender", ctx->ocid);
  cJSON_AddStringToObject(t, "id", tid);
  cJSON_AddStringToObject(t, "status", "cancelled");
  put_str(t, "statusDetails", reason);
  cJSON *d = notice_document(ctx, "tenderCancellationNotice", "UK12", "Procurement termination notice");
  put_str(d, "description", reason);
  cJSON_AddItemToArray(cJSON_AddArrayToObject(t, "documents"), d);
  emit(r, out);
}

/* ---- awards and contracts -------------------------------------------------------- */

void build_supplier_id(const char *name, char out[40]) {
  uint64_t h = 1469598103934665603ull; /* FNV-1a over the name folded to lower case */
  for (const unsigned char *s = (const unsigned char *)name; *s; s++) {
    unsigned char c = (unsigned char)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s);
    h = (h ^ c) * 1099511628211ull;
  }
  snprintf(out, 40, "ph-supplier-%016llx", (unsigned long long)h);
}

void build_award(const BuildCtx *ctx, const char *award_id, const PostingAward *a, Buf *out) {
  cJSON *parties;
  cJSON *r = head(ctx, "award", &parties);
  cJSON *aw = cJSON_CreateObject();
  cJSON_AddStringToObject(aw, "id", award_id);
  cJSON_AddStringToObject(aw, "status", "active");
  put_day(aw, "date", a->date);
  if (a->has_value) cJSON_AddItemToObject(aw, "value", money(a->value, a->currency));
  cJSON *sup = cJSON_AddArrayToObject(aw, "suppliers");
  for (size_t i = 0; i < a->n_suppliers; i++) {
    const PostingSupplier *s = &a->suppliers[i];
    char pid[40];
    const char *id = s->identifier;
    if (!id) build_supplier_id(s->name, pid), id = pid;
    cJSON *ref = cJSON_CreateObject();
    cJSON_AddStringToObject(ref, "id", id);
    cJSON_AddStringToObject(ref, "name", s->name);
    cJSON_AddItemToArray(sup, ref);
    cJSON *party = cJSON_CreateObject();
    cJSON_AddStringToObject(party, "id", id);
    cJSON_AddStringToObject(party, "name", s->name);
    cJSON *ident = s->identifier ? identifier(s->identifier) : NULL;
    if (ident) cJSON_AddItemToObject(party, "identifier", ident);
    if (s->postcode) {
      cJSON *addr = cJSON_AddObjectToObject(party, "address");
      cJSON_AddStringToObject(addr, "postalCode", s->postcode);
      cJSON_AddStringToObject(addr, "countryName", "United Kingdom");
    }
    if (s->sme >= 0) cJSON_AddStringToObject(cJSON_AddObjectToObject(party, "details"), "scale", s->sme ? "sme" : "large");
    cJSON_AddItemToArray(cJSON_AddArrayToObject(party, "roles"), cJSON_CreateString("supplier"));
    cJSON_AddItemToArray(parties, party);
  }
  if (a->lot) cJSON_AddItemToObject(aw, "relatedLots", strings((const char *const[]){a->lot}, 1));
  if (a->standstill_end[0]) {
    cJSON *per = cJSON_AddObjectToObject(aw, "standstillPeriod");
    put_day(per, "startDate", a->date);
    put_day(per, "endDate", a->standstill_end);
  }
  cJSON_AddItemToArray(cJSON_AddArrayToObject(aw, "documents"),
                       notice_document(ctx, "awardNotice", "UK6", "Contract award notice"));
  cJSON_AddItemToArray(cJSON_AddArrayToObject(r, "awards"), aw);
  emit(r, out);
}

void build_contract(const BuildCtx *ctx, const char *contract_id, const char *award_id, const PostingContract *c,
                    Buf *out) {
  cJSON *parties;
  cJSON *r = head(ctx, "contract", &parties);
  cJSON *k = cJSON_CreateObject();
  cJSON_AddStringToObject(k, "id", contract_id);
  cJSON_AddStringToObject(k, "awardID", award_id);
  cJSON_AddStringToObject(k, "status", "active");
  put_day(k, "dateSigned", c->signed_date);
  if (c->has_value) cJSON_AddItemToObject(k, "value", money(c->value, c->currency));
  if (c->start[0] || c->end[0]) {
    cJSON *per = cJSON_AddObjectToObject(k, "period");
    put_day(per, "startDate", c->start);
    put_day(per, "endDate", c->end);
  }
  cJSON_AddItemToArray(cJSON_AddArrayToObject(k, "documents"),
                       notice_document(ctx, "contractNotice", "UK7", "Contract details notice"));
  cJSON_AddItemToArray(cJSON_AddArrayToObject(r, "contracts"), k);
  emit(r, out);
}

/* ---- questions and documents ------------------------------------------------------ */

static cJSON *tender_update(const BuildCtx *ctx, cJSON **t) {
  cJSON *parties;
  cJSON *r = head(ctx, "tenderUpdate", &parties);
  *t = cJSON_AddObjectToObject(r, "tender");
  char tid[160];
  snprintf(tid, sizeof tid, "%s-tender", ctx->ocid);
  cJSON_AddStringToObject(*t, "id", tid);
  return r;
}

void build_enquiries(const BuildCtx *ctx, const BuildEnquiry *e, size_t n, Buf *out) {
  cJSON *t;
  cJSON *r = tender_update(ctx, &t);
  cJSON_AddBoolToObject(t, "hasEnquiries", 1);
  cJSON *arr = cJSON_AddArrayToObject(t, "enquiries");
  for (size_t i = 0; i < n; i++) {
    cJSON *q = cJSON_CreateObject();
    char title[48];
    cJSON_AddStringToObject(q, "id", e[i].id);
    snprintf(title, sizeof title, "Question %lld", e[i].number);
    cJSON_AddStringToObject(q, "title", title);
    put_str(q, "description", e[i].question);
    put_str(q, "answer", e[i].answer);
    put_time(q, "date", e[i].asked);
    put_time(q, "dateAnswered", e[i].answered);
    cJSON_AddItemToArray(arr, q);
  }
  emit(r, out);
}

void build_documents(const BuildCtx *ctx, const BuildDocument *d, size_t n, Buf *out) {
  cJSON *t;
  cJSON *r = tender_update(ctx, &t);
  cJSON *arr = cJSON_AddArrayToObject(t, "documents");
  for (size_t i = 0; i < n; i++) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", d[i].id);
    cJSON_AddStringToObject(o, "documentType", "biddingDocuments");
    put_str(o, "title", d[i].title);
    put_str(o, "url", d[i].url);
    put_str(o, "format", d[i].format);
    put_time(o, "datePublished", d[i].published);
    put_time(o, "dateModified", d[i].modified);
    char desc[160];
    snprintf(desc, sizeof desc, "%lld bytes, SHA-256 %s%s%s", d[i].size, d[i].sha256 ? d[i].sha256 : "",
             d[i].replaces ? "; replaces " : "", d[i].replaces ? d[i].replaces : "");
    cJSON_AddStringToObject(o, "description", desc);
    cJSON_AddItemToArray(arr, o);
  }
  emit(r, out);
}

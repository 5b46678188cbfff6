/* notice_json.c -- see notice_json.h. */
#include "model/notice_json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static void key(Buf *b, const char *k, int *first) {
  if (!*first) buf_addc(b, ',');
  *first = 0;
  buf_add_json_str(b, k);
  buf_addc(b, ':');
}

static void str(Buf *b, const char *k, const char *v, int *first) {
  key(b, k, first);
  if (v) buf_add_json_str(b, v);
  else buf_adds(b, "null");
}

static void num(Buf *b, const char *k, int has, double v, int *first) {
  key(b, k, first);
  if (has) buf_add_json_num(b, v);
  else buf_adds(b, "null");
}

static void flag(Buf *b, const char *k, Flag f, int *first) {
  key(b, k, first);
  buf_adds(b, f == FLAG_YES ? "true" : f == FLAG_NO ? "false" : "null");
}

static int note_json(void *ctx, const NoticeNote *note) {
  Buf *b = ctx;
  int f = 1;
  if (b->data[b->len - 1] != '[') buf_addc(b, ',');
  buf_addc(b, '{');
  str(b, "release", note->release_id, &f);
  str(b, "path", note->path, &f);
  key(b, "value", &f);
  buf_adds(b, note->value); /* JSON text, printed by cJSON */
  str(b, "rule", note->rule, &f);
  str(b, "message", note->message, &f);
  buf_addc(b, '}');
  return 0;
}

static void org(Buf *b, const Org *o) {
  int f = 1;
  buf_addc(b, '{');
  str(b, "name", o->name, &f);
  str(b, "scheme", o->scheme, &f);
  str(b, "identifier", o->identifier, &f);
  str(b, "postcode", o->postcode, &f);
  str(b, "locality", o->locality, &f);
  str(b, "region", o->region, &f);
  str(b, "country", o->country, &f);
  str(b, "scale", o->scale, &f);
  flag(b, "vcse", o->vcse, &f);
  buf_addc(b, '}');
}

void notice_json(const Notice *n, Buf *b) {
  int f = 1;
  buf_addc(b, '{');
  str(b, "ocid", n->ocid, &f);
  str(b, "title", n->title, &f);
  str(b, "description", n->description, &f);
  str(b, "status", notice_status_name(n->status), &f);
  str(b, "tenderStatus", n->tender_status, &f);
  key(b, "buyer", &f);
  org(b, &n->buyer);
  if (n->buyer_ref) { /* the store's id, as /buyers/{id} and the API's buyer=ID use */
    b->len--;
    buf_addf(b, ",\"id\":%lld}", n->buyer_ref);
  }
  num(b, "value", n->has_value, n->value, &f);
  num(b, "minValue", n->has_min_value, n->min_value, &f);
  str(b, "currency", n->currency, &f);
  str(b, "deadline", n->deadline, &f);
  str(b, "published", n->published, &f);
  str(b, "updated", n->updated, &f);
  str(b, "contractStart", n->contract_start, &f);
  str(b, "contractEnd", n->contract_end, &f);
  str(b, "procurementMethod", n->method, &f);
  str(b, "procurementMethodDetails", n->method_details, &f);
  str(b, "mainProcurementCategory", n->category, &f);
  key(b, "cpv", &f);
  buf_addc(b, '[');
  for (size_t i = 0; i < n->n_cpvs; i++) {
    int g = 1;
    if (i) buf_addc(b, ',');
    buf_addc(b, '{');
    str(b, "code", n->cpvs[i].code, &g);
    str(b, "label", n->cpvs[i].label, &g);
    str(b, "kind", n->cpvs[i].kind == 0 ? "main" : n->cpvs[i].kind == 1 ? "additional" : "item", &g);
    buf_addc(b, '}');
  }
  buf_addc(b, ']');
  key(b, "regions", &f);
  buf_addc(b, '[');
  for (size_t i = 0; i < n->n_regions; i++) {
    if (i) buf_addc(b, ',');
    buf_add_json_str(b, n->regions[i]);
  }
  buf_addc(b, ']');
  flag(b, "sme", n->sme, &f);
  flag(b, "vcse", n->vcse, &f);
  str(b, "sector", notice_sector_name(n->sector), &f);
  key(b, "subcontract", &f);
  buf_adds(b, n->subcontract ? "true" : "false");
  str(b, "parentOcid", n->parent_ocid, &f);
  key(b, "awards", &f);
  buf_addc(b, '[');
  for (size_t i = 0; i < n->n_awards; i++) {
    const NoticeAward *a = &n->awards[i];
    int g = 1;
    if (i) buf_addc(b, ',');
    buf_addc(b, '{');
    str(b, "id", a->id, &g);
    str(b, "title", a->title, &g);
    str(b, "status", a->status, &g);
    str(b, "date", a->date, &g);
    str(b, "datePublished", a->date_published, &g);
    num(b, "value", a->has_value, a->value, &g);
    str(b, "currency", a->currency, &g);
    str(b, "contractStart", a->contract_start, &g);
    str(b, "contractEnd", a->contract_end, &g);
    key(b, "suppliers", &g);
    buf_addc(b, '[');
    for (size_t j = 0; j < a->n_suppliers; j++) {
      if (j) buf_addc(b, ',');
      org(b, &a->suppliers[j]);
    }
    buf_adds(b, "]}");
  }
  buf_addc(b, ']');
  key(b, "contracts", &f);
  buf_addc(b, '[');
  for (size_t i = 0; i < n->n_contracts; i++) {
    const NoticeContract *c = &n->contracts[i];
    int g = 1;
    if (i) buf_addc(b, ',');
    buf_addc(b, '{');
    str(b, "id", c->id, &g);
    str(b, "awardID", c->award_id, &g);
    str(b, "title", c->title, &g);
    str(b, "status", c->status, &g);
    num(b, "value", c->has_value, c->value, &g);
    str(b, "currency", c->currency, &g);
    str(b, "start", c->start, &g);
    str(b, "end", c->end, &g);
    str(b, "dateSigned", c->date_signed, &g);
    buf_addc(b, '}');
  }
  buf_addc(b, ']');
  key(b, "documents", &f);
  buf_addc(b, '[');
  for (size_t i = 0; i < n->n_documents; i++) {
    const NoticeDocument *d = &n->documents[i];
    int g = 1;
    if (i) buf_addc(b, ',');
    buf_addc(b, '{');
    str(b, "title", d->title, &g);
    str(b, "url", d->url, &g);
    str(b, "documentType", d->type, &g);
    str(b, "datePublished", d->date, &g);
    buf_addc(b, '}');
  }
  buf_addc(b, ']');
  str(b, "publisher", n->publisher, &f);
  str(b, "url", n->url, &f);
  str(b, "stage", n->stage, &f);
  key(b, "reserved", &f);
  if (!n->reserved) {
    buf_adds(b, "null");
  } else {
    int g = 1;
    buf_addc(b, '{');
    key(b, "smeVcse", &g);
    buf_adds(b, strstr(n->reserved, "sme-vcse") ? "true" : "false");
    str(b, "location", n->reserved_location, &g);
    buf_addc(b, '}');
  }
  key(b, "details", &f);
  buf_adds(b, n->details ? n->details : "{}"); /* JSON the deriver wrote (ocds/derive_uk.c) */
  key(b, "notes", &f);
  buf_addc(b, '[');
  notice_notes_each(n, note_json, b);
  buf_addc(b, ']');
  buf_addc(b, '}');
}

/* notice.c -- see notice.h. */
#include "model/notice.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "base/buf.h"
#include "base/date.h"

void notice_documents_free(NoticeDocument *docs, size_t n) {
  for (size_t i = 0; i < n; i++) {
    free(docs[i].title);
    free(docs[i].url);
    free(docs[i].type);
    free(docs[i].date);
  }
  free(docs);
}

static const char *const stage_names[NOTICE_N_STAGE] = {
    "pipeline", "engagement",  "planned", "tender",     "transparency",   "award",
    "contract", "performance", "change",  "terminated", "dynamic-market", "payments"};
static const char *const reserved_names[NOTICE_N_RESERVED] = {"sme-vcse", "location"};
static const char *const sector_names[NOTICE_N_SECTOR] = {"public", "private"};

const char *notice_sector_name(int i) { return i >= 0 && i < NOTICE_N_SECTOR ? sector_names[i] : NULL; }

NoticeSector notice_sector_of(const char *s) {
  return s && !strcmp(s, sector_names[NOTICE_PRIVATE]) ? NOTICE_PRIVATE : NOTICE_PUBLIC;
}

const char *notice_stage_name(int i) { return i >= 0 && i < NOTICE_N_STAGE ? stage_names[i] : NULL; }

int notice_stage_parse(const char *s) {
  for (int i = 0; s && i < NOTICE_N_STAGE; i++)
    if (!strcmp(s, stage_names[i])) return i;
  return -1;
}

const char *notice_reserved_name(int i) { return i >= 0 && i < NOTICE_N_RESERVED ? reserved_names[i] : NULL; }

int notice_reserved_parse(const char *s) {
  for (int i = 0; s && i < NOTICE_N_RESERVED; i++)
    if (!strcmp(s, reserved_names[i])) return i;
  return -1;
}

unsigned notice_stage_bits(const char *stage) {
  int i = notice_stage_parse(stage);
  return i < 0 ? 0 : 1u << i;
}

unsigned notice_reserved_bits(const char *reserved) {
  unsigned bits = 0;
  for (const char *p = reserved; p && *p;) {
    const char *c = strchr(p, ',');
    size_t n = c ? (size_t)(c - p) : strlen(p);
    for (int i = 0; i < NOTICE_N_RESERVED; i++)
      if (strlen(reserved_names[i]) == n && !memcmp(reserved_names[i], p, n)) bits |= 1u << i;
    p += n + (c ? 1 : 0);
  }
  return bits;
}

char *notice_search_text(const char *description, const char *lots_text) {
  if (!lots_text) return description ? xstrdup(description) : NULL;
  if (!description) return xstrdup(lots_text);
  size_t a = strlen(description), b = strlen(lots_text);
  char *s = xmalloc(a + b + 2);
  memcpy(s, description, a);
  s[a] = '\n';
  memcpy(s + a + 1, lots_text, b + 1);
  return s;
}

size_t notice_notes_each(const Notice *n, NoticeNoteFn fn, void *ctx) {
  size_t count = 0;
  for (size_t i = 0; i < n->n_history; i++) {
    const NoticeHistory *h = &n->history[i];
    if (!h->notes) continue;
    cJSON *list = cJSON_Parse(h->notes), *x;
    int stop = 0;
    cJSON_ArrayForEach(x, list) {
      const cJSON *path = cJSON_GetObjectItemCaseSensitive(x, "path"), *rule = cJSON_GetObjectItemCaseSensitive(x, "rule"),
                  *msg = cJSON_GetObjectItemCaseSensitive(x, "message"), *val = cJSON_GetObjectItemCaseSensitive(x, "value");
      if (!cJSON_IsString(path) || !cJSON_IsString(rule) || !cJSON_IsString(msg)) continue;
      char *v = val ? cJSON_PrintUnformatted(val) : NULL;
      NoticeNote note = {h->release_id, path->valuestring, v ? v : "null", rule->valuestring, msg->valuestring};
      count++;
      stop = fn(ctx, &note);
      cJSON_free(v);
      if (stop) break;
    }
    cJSON_Delete(list);
    if (stop) break;
  }
  return count;
}

void notice_init(Notice *n) {
  memset(n, 0, sizeof *n);
  n->sme = n->vcse = FLAG_UNKNOWN;
  n->buyer.vcse = FLAG_UNKNOWN;
}

void org_release(Org *o) {
  free(o->id);
  free(o->name);
  free(o->scheme);
  free(o->identifier);
  free(o->postcode);
  free(o->locality);
  free(o->region);
  free(o->country);
  free(o->scale);
  memset(o, 0, sizeof *o);
  o->vcse = FLAG_UNKNOWN;
}

void notice_release(Notice *n) {
  free(n->ocid);
  free(n->title);
  free(n->description);
  free(n->tender_status);
  org_release(&n->buyer);
  free(n->currency);
  free(n->deadline);
  free(n->published);
  free(n->updated);
  free(n->contract_start);
  free(n->contract_end);
  free(n->method);
  free(n->method_details);
  free(n->category);
  for (size_t i = 0; i < n->n_cpvs; i++) {
    free(n->cpvs[i].code);
    free(n->cpvs[i].label);
  }
  free(n->cpvs);
  for (size_t i = 0; i < n->n_regions; i++) free(n->regions[i]);
  free(n->regions);
  for (size_t i = 0; i < n->n_awards; i++) {
    NoticeAward *a = &n->awards[i];
    free(a->id);
    free(a->title);
    free(a->status);
    free(a->date);
    free(a->date_published);
    free(a->currency);
    free(a->contract_start);
    free(a->contract_end);
    for (size_t j = 0; j < a->n_suppliers; j++) org_release(&a->suppliers[j]);
    free(a->suppliers);
  }
  free(n->awards);
  for (size_t i = 0; i < n->n_contracts; i++) {
    NoticeContract *c = &n->contracts[i];
    free(c->id);
    free(c->award_id);
    free(c->title);
    free(c->status);
    free(c->currency);
    free(c->start);
    free(c->end);
    free(c->date_signed);
  }
  free(n->contracts);
  free(n->publisher);
  free(n->url);
  free(n->tags);
  notice_documents_free(n->documents, n->n_documents);
  for (size_t i = 0; i < n->n_history; i++) {
    free(n->history[i].release_id);
    free(n->history[i].date);
    free(n->history[i].tags);
    free(n->history[i].notes);
  }
  free(n->history);
  free(n->compiled);
  free(n->stage);
  free(n->reserved);
  free(n->reserved_location);
  free(n->details);
  free(n->lots_text);
  free(n->parent_ocid);
  notice_init(n);
}

static const char *const status_names[] = {"open", "closed", "awarded", "cancelled", "planned"};
_Static_assert(sizeof status_names / sizeof *status_names == NOTICE_N_STATUS, "one name per NoticeStatus");
_Static_assert(NOTICE_OPEN == 0 && NOTICE_CLOSED == 1 && NOTICE_AWARDED == 2 && NOTICE_CANCELLED == 3 &&
                   NOTICE_PLANNED == 4,
               "status_names is indexed by NoticeStatus");

const char *notice_status_name(NoticeStatus s) {
  return (unsigned)s < sizeof status_names / sizeof *status_names ? status_names[s] : "unknown";
}

int notice_status_parse(const char *s, NoticeStatus *out) {
  for (size_t i = 0; i < sizeof status_names / sizeof *status_names; i++)
    if (strcmp(s, status_names[i]) == 0) {
      *out = (NoticeStatus)i;
      return 0;
    }
  return -1;
}

NoticeStatus notice_status_at(NoticeStatus stored, int has_deadline, long long deadline, long long now) {
  if (stored == NOTICE_STATUS_EXPIRING && has_deadline && deadline < now) return NOTICE_STATUS_EXPIRED;
  return stored;
}

const char *notice_status_text_at(const char *stored, const char *deadline, long long now) {
  NoticeStatus s;
  if (!stored || notice_status_parse(stored, &s)) s = NOTICE_CLOSED;
  time_t t;
  int has = deadline && date_parse(deadline, &t) == 0;
  return status_names[notice_status_at(s, has, has ? (long long)t : 0, now)];
}

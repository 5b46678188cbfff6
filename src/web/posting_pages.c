/* posting_pages.c -- the pages a buyer posts with (issue 12): the
 * organisation's notices, a draft written and saved (even half done), its
 * preview with every problem that stops publishing, the confirmation that
 * publishes it, and for a published notice: amend (with why), extend the
 * deadline, cancel, award, contract details, and the suppliers that
 * registered interest. Server-rendered GOV.UK patterns; no script needed.
 *
 * One form, one reader. The form's inputs are named after the API's JSON
 * keys as posting_field_id writes them ("lots-2-title", "value-amount"), so
 * the form's fields become the API's JSON body (form_json) and
 * posting_from_json and posting_check name each problem by the input it
 * concerns; a posting becomes form fields again (posting_fields) for the
 * edit form, so editing and re-showing a form with errors render from one
 * list of name=value pairs. Dates are GOV.UK date inputs in UK time
 * (base/date.h; BST from the last Sunday of March).
 *
 * Paths carry the organisation (the route's capture, checked by the route's
 * flags); the posting is the "posting" query parameter or form field and
 * must belong to that organisation: any other is a 404, changing nothing.
 * Every change is one transaction: the posting's row, its release through
 * ingest/post.h and the mails to the suppliers that registered interest
 * (posting_common.h, as the API does). */
#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"
#include "ingest/post.h"
#include "model/cpv.h"
#include "model/posting.h"
#include "model/region.h"
#include "store/accounts.h"
#include "store/postings.h"
#include "web/account.h"
#include "web/app.h"
#include "web/auth.h"
#include "web/formui.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/posting_common.h"

#define LOT_ROWS 3       /* lot fieldsets shown at least (one more than the posting has) */
#define CRITERIA_ROWS 4  /* award criteria rows, likewise */

/* ---- name=value pairs: a POST body, or a posting as form fields ---- */

typedef struct {
  FormField *f;
  size_t n, cap;
} Fields;

static const char *val(const Fields *v, const char *name) {
  const char *s = form_get(v->f, v->n, name);
  return s ? s : "";
}

static void put(Request *r, Fields *v, const char *name, const char *value) {
  if (!value || !*value) return;
  if (v->n == v->cap) {
    size_t cap = v->cap ? v->cap * 2 : 64;
    FormField *f = req_alloc(r, cap * sizeof *f);
    if (v->n) memcpy(f, v->f, v->n * sizeof *f);
    v->f = f;
    v->cap = cap;
  }
  v->f[v->n++] = (FormField){req_strdup(r, name), req_strdup(r, value)};
}

static Fields body_fields(Request *r) {
  Auth *a = auth_of(r);
  return (Fields){a->form, a->n_form, a->n_form};
}

/* "YYYY-MM-DD" into its numbers: 0, or -1 when it is not that shape. */
static int ymd_split(const char *s, unsigned *y, unsigned *m, unsigned *d) {
  if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-') return -1;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !isdigit((unsigned char)s[i])) return -1;
  *y = (unsigned)strtoul(s, NULL, 10);
  *m = (unsigned)strtoul(s + 5, NULL, 10);
  *d = (unsigned)strtoul(s + 8, NULL, 10);
  return 0;
}

/* A row index after prefix in id ("lots-2-title", "lots-"): 0 with *i and
 * *rest (what follows the number), or -1. */
static int row_of(const char *id, const char *prefix, size_t *i, const char **rest) {
  size_t n = strlen(prefix);
  if (strncmp(id, prefix, n) || !isdigit((unsigned char)id[n])) return -1;
  char *end = NULL;
  *i = strtoul(id + n, &end, 10);
  *rest = end;
  return 0;
}

static const char *amount_text(Request *r, double x) { return req_printf(r, "%.15g", x); }

static const char *join(Request *r, char **items, size_t n) {
  Buf b = BUF_INIT;
  for (size_t i = 0; i < n; i++) {
    if (i) buf_adds(&b, ", ");
    buf_adds(&b, items[i]);
  }
  const char *s = req_strdup(r, b.len ? b.data : "");
  buf_release(&b);
  return s;
}

static void put_date(Request *r, Fields *v, const char *id, const char *ymd) {
  unsigned y, m, d;
  if (ymd_split(ymd, &y, &m, &d)) return;
  put(r, v, req_printf(r, "%s-day", id), req_printf(r, "%u", d));
  put(r, v, req_printf(r, "%s-month", id), req_printf(r, "%u", m));
  put(r, v, req_printf(r, "%s-year", id), req_printf(r, "%u", y));
}

static void put_instant(Request *r, Fields *v, const char *id, int64_t t) {
  if (!t) return;
  DateCivil c;
  date_uk_civil((time_t)t, &c);
  put_date(r, v, id, req_printf(r, "%04lld-%02u-%02u", c.y, c.m, c.d));
  put(r, v, req_printf(r, "%s-time", id), req_printf(r, "%02u:%02u", c.hour, c.minute));
}

/* A posting as the form's fields. */
static Fields posting_fields(Request *r, const Posting *p) {
  Fields v = {0};
  put(r, &v, "stage", posting_stage_name(p->stage));
  put(r, &v, "title", p->title);
  put(r, &v, "description", p->description);
  put(r, &v, "cpv", join(r, p->cpv, p->n_cpv));
  if (p->has_value && p->value_min == p->value_max) put(r, &v, "value-amount", amount_text(r, p->value_min));
  else if (p->has_value) {
    put(r, &v, "value-min", amount_text(r, p->value_min));
    put(r, &v, "value-max", amount_text(r, p->value_max));
  }
  put(r, &v, "value-currency", p->currency);
  put(r, &v, "procedure", procedure_name(p->procedure));
  put(r, &v, "rationale", p->rationale);
  put_instant(r, &v, "deadline", p->deadline);
  put_instant(r, &v, "enquiryDeadline", p->enquiry_deadline);
  put_date(r, &v, "contractStart", p->start);
  put_date(r, &v, "contractEnd", p->end);
  put(r, &v, "extension", p->extension);
  put(r, &v, "regions", join(r, p->regions, p->n_regions));
  put(r, &v, "postcodes", join(r, p->postcodes, p->n_postcodes));
  for (size_t i = 0; i < p->n_lots; i++) {
    const PostingLot *l = &p->lots[i];
    put(r, &v, req_printf(r, "lots-%zu-title", i), l->title);
    put(r, &v, req_printf(r, "lots-%zu-description", i), l->description);
    if (l->has_value) put(r, &v, req_printf(r, "lots-%zu-value-amount", i), amount_text(r, l->value));
    put(r, &v, req_printf(r, "lots-%zu-cpv", i), join(r, l->cpv, l->n_cpv));
  }
  if (p->sme) put(r, &v, "sme", "yes");
  if (p->vcse) put(r, &v, "vcse", "yes");
  put(r, &v, "reserved", p->reserved);
  put(r, &v, "reservedCounty", p->reserved_county);
  for (size_t i = 0; i < p->n_criteria; i++) {
    put(r, &v, req_printf(r, "criteria-%zu-name", i), p->criteria[i].name);
    put(r, &v, req_printf(r, "criteria-%zu-weight", i), req_printf(r, "%d", p->criteria[i].weight));
  }
  put(r, &v, "apply-route", apply_route_name(p->apply));
  put(r, &v, "apply-to", p->apply_to);
  put(r, &v, "contact-name", p->contact_name);
  put(r, &v, "contact-email", p->contact_email);
  put(r, &v, "contact-phone", p->contact_phone);
  put(r, &v, "expected", p->expected);
  put(r, &v, "engagement", p->engagement);
  put(r, &v, "relatedOcid", p->related_ocid);
  return v;
}

/* ---- the form's fields as the API's JSON ---- */

static void add_str(cJSON *o, const char *key, const char *s) {
  if (s && *s) cJSON_AddStringToObject(o, key, s);
}

/* A list typed as "a, b c" (seps: what splits it) as a JSON array, or nothing. */
static void add_list(cJSON *o, const char *key, const char *s, const char *seps) {
  cJSON *a = NULL;
  while (s && *s) {
    size_t skip = strspn(s, seps), len = strcspn(s + skip, seps);
    if (!len) break;
    char item[256];
    snprintf(item, sizeof item, "%.*s", (int)len, s + skip);
    if (!a) a = cJSON_AddArrayToObject(o, key);
    cJSON_AddItemToArray(a, cJSON_CreateString(item));
    s += skip + len;
  }
}

/* An amount as typed ("150,000", "£1,500.50") into o[key] as a number; an
 * issue naming field when it is not one. */
static void add_amount(cJSON *o, const char *key, const char *text, const char *field, const char *what,
                       PostingIssues *is) {
  if (!*text) return;
  char clean[64];
  size_t n = 0;
  for (const char *p = text; *p && n + 1 < sizeof clean; p++) {
    if (*p == ',' || *p == ' ') continue;
    if (!strncmp(p, "£", strlen("£"))) {
      p += strlen("£") - 1;
      continue;
    }
    clean[n++] = *p;
  }
  clean[n] = 0;
  char *end = NULL;
  double x = n ? strtod(clean, &end) : 0;
  if (!n || *end || x != x) {
    posting_issue(is, 0, field, "Enter %s as a number, like 150000", what);
    return;
  }
  cJSON_AddNumberToObject(o, key, x);
}

static int days_in_month(long long y, unsigned m) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : days[m - 1];
}

static int small_number(const char *s, unsigned max, unsigned *out) {
  char *end = NULL;
  if (!*s || !isdigit((unsigned char)*s)) return -1;
  unsigned long x = strtoul(s, &end, 10);
  if (*end || x > max) return -1;
  *out = (unsigned)x;
  return 0;
}

/* The date input id (id-day, id-month, id-year): 1 and out "YYYY-MM-DD";
 * 0 not given; -1 given but no real date (an issue for field). */
static int read_date(const Fields *v, const char *id, const char *field, const char *what, char out[11],
                     PostingIssues *is) {
  char k[96];
  snprintf(k, sizeof k, "%s-day", id);
  const char *d = val(v, k);
  snprintf(k, sizeof k, "%s-month", id);
  const char *m = val(v, k);
  snprintf(k, sizeof k, "%s-year", id);
  const char *y = val(v, k);
  if (!*d && !*m && !*y) return 0;
  unsigned dd, mm, yy;
  if (small_number(d, 31, &dd) || small_number(m, 12, &mm) || small_number(y, 9999, &yy) || yy < 2000 || !mm || !dd ||
      (int)dd > days_in_month(yy, mm)) {
    posting_issue(is, 0, field, "%s must be a real date, like 27 3 2027", what);
    return -1;
  }
  snprintf(out, 11, "%04u-%02u-%02u", yy % 10000, mm % 100, dd % 100);
  return 1;
}

/* A date input with a time ("14:30", UK time): 1 and out RFC 3339 UTC; 0 not
 * given; -1 with an issue. */
static int read_instant(const Fields *v, const char *id, const char *field, const char *what, char out[DATE_LEN],
                        PostingIssues *is) {
  char ymd[11], k[96];
  snprintf(k, sizeof k, "%s-time", id);
  const char *tm = val(v, k);
  int rc = read_date(v, id, field, what, ymd, is);
  if (rc <= 0) {
    if (rc == 0 && *tm) posting_issue(is, 0, field, "%s must have a date as well as a time", what);
    return rc == 0 && *tm ? -1 : rc;
  }
  unsigned h = 0, mi = 0;
  size_t colon = strcspn(tm, ":.");
  char hh[8] = "";
  snprintf(hh, sizeof hh, "%.*s", (int)(colon < 3 ? colon : 3), tm);
  if (!tm[colon] || colon > 2 || small_number(hh, 23, &h) || strlen(tm + colon + 1) != 2 ||
      small_number(tm + colon + 1, 59, &mi)) {
    posting_issue(is, 0, field, "%s must have a time in 24-hour UK time, like 12:00 or 17:30", what);
    return -1;
  }
  unsigned y, m, d;
  ymd_split(ymd, &y, &m, &d);
  time_t local = (time_t)date_days_from_civil(y, m, d) * 86400 + h * 3600 + mi * 60;
  time_t t = local - 3600; /* BST, if the instant an hour earlier is in BST; else GMT */
  if (date_uk_offset(t) != 3600) t = local;
  date_format(t, out);
  return 1;
}

/* Which form row each JSON array item came from (empty rows are left out). */
typedef struct {
  size_t lots[POSTING_MAX_LOTS + 1], criteria[POSTING_MAX_CRITERIA + 1];
} RowMap;

static int row_given(const Fields *v, const char *prefix, size_t i, const char *const *names) {
  char k[96];
  for (size_t j = 0; names[j]; j++) {
    snprintf(k, sizeof k, "%s-%zu-%s", prefix, i, names[j]);
    if (*val(v, k)) return 1;
  }
  return 0;
}

static const char *rowval(Request *r, const Fields *v, const char *prefix, size_t i, const char *name) {
  return val(v, req_printf(r, "%s-%zu-%s", prefix, i, name));
}

/* The form's fields as the body of POST /api/v1/notices; problems the form
 * itself finds (a date that is no date, an amount that is no number) go to
 * is. The caller deletes the result. */
static cJSON *form_json(Request *r, const Fields *v, RowMap *map, PostingIssues *is) {
  cJSON *o = cJSON_CreateObject();
  add_str(o, "stage", val(v, "stage"));
  add_str(o, "title", val(v, "title"));
  add_str(o, "description", val(v, "description"));
  add_list(o, "cpv", val(v, "cpv"), ", \t\r\n;");
  const char *amount = val(v, "value-amount"), *min = val(v, "value-min"), *max = val(v, "value-max");
  if (*amount || *min || *max) {
    cJSON *value = cJSON_AddObjectToObject(o, "value");
    if (*amount) add_amount(value, "amount", amount, "value.amount", "the value", is);
    else {
      add_amount(value, "min", min, "value.min", "the lowest value", is);
      add_amount(value, "max", max, "value.max", "the highest value", is);
    }
    add_str(value, "currency", val(v, "value-currency"));
  }
  add_str(o, "procedure", val(v, "procedure"));
  add_str(o, "rationale", val(v, "rationale"));
  char t[DATE_LEN], d[11];
  if (read_instant(v, "deadline", "deadline", "The deadline", t, is) > 0) add_str(o, "deadline", t);
  if (read_instant(v, "enquiryDeadline", "enquiryDeadline", "The enquiry deadline", t, is) > 0)
    add_str(o, "enquiryDeadline", t);
  if (read_date(v, "contractStart", "contractStart", "The contract start", d, is) > 0) add_str(o, "contractStart", d);
  if (read_date(v, "contractEnd", "contractEnd", "The contract end", d, is) > 0) add_str(o, "contractEnd", d);
  add_str(o, "extension", val(v, "extension"));
  add_list(o, "regions", val(v, "regions"), ", \t\r\n;");
  add_list(o, "postcodes", val(v, "postcodes"), ",\r\n;");
  static const char *const lot_names[] = {"title", "description", "value-amount", "cpv", NULL};
  cJSON *lots = NULL;
  size_t k = 0;
  for (size_t i = 0; i < POSTING_MAX_LOTS; i++) {
    if (!row_given(v, "lots", i, lot_names)) continue;
    if (!lots) lots = cJSON_AddArrayToObject(o, "lots");
    cJSON *l = cJSON_CreateObject();
    cJSON_AddItemToArray(lots, l);
    add_str(l, "title", rowval(r, v, "lots", i, "title"));
    add_str(l, "description", rowval(r, v, "lots", i, "description"));
    const char *lv = rowval(r, v, "lots", i, "value-amount");
    if (*lv) add_amount(cJSON_AddObjectToObject(l, "value"), "amount", lv, req_printf(r, "lots[%zu].value.amount", k),
                        "the lot's value", is);
    add_list(l, "cpv", rowval(r, v, "lots", i, "cpv"), ", \t\r\n;");
    map->lots[k++] = i;
  }
  if (!strcmp(val(v, "sme"), "yes")) cJSON_AddTrueToObject(o, "sme");
  if (!strcmp(val(v, "vcse"), "yes")) cJSON_AddTrueToObject(o, "vcse");
  if (!strcmp(val(v, "reserved"), "sme") || !strcmp(val(v, "reserved"), "vcse")) add_str(o, "reserved", val(v, "reserved"));
  add_str(o, "reservedCounty", val(v, "reservedCounty"));
  static const char *const criterion_names[] = {"name", "weight", NULL};
  cJSON *cr = NULL;
  k = 0;
  for (size_t i = 0; i < POSTING_MAX_CRITERIA; i++) {
    if (!row_given(v, "criteria", i, criterion_names)) continue;
    if (!cr) cr = cJSON_AddArrayToObject(o, "criteria");
    cJSON *c = cJSON_CreateObject();
    cJSON_AddItemToArray(cr, c);
    add_str(c, "name", rowval(r, v, "criteria", i, "name"));
    const char *w = rowval(r, v, "criteria", i, "weight");
    if (*w) add_amount(c, "weight", w, req_printf(r, "criteria[%zu].weight", k), "the weight", is);
    map->criteria[k++] = i;
  }
  if (*val(v, "apply-route") || *val(v, "apply-to")) {
    cJSON *ap = cJSON_AddObjectToObject(o, "apply");
    add_str(ap, "route", val(v, "apply-route"));
    add_str(ap, "to", val(v, "apply-to"));
  }
  if (*val(v, "contact-name") || *val(v, "contact-email") || *val(v, "contact-phone")) {
    cJSON *c = cJSON_AddObjectToObject(o, "contact");
    add_str(c, "name", val(v, "contact-name"));
    add_str(c, "email", val(v, "contact-email"));
    add_str(c, "phone", val(v, "contact-phone"));
  }
  add_str(o, "expected", val(v, "expected"));
  add_str(o, "engagement", val(v, "engagement"));
  add_str(o, "relatedOcid", val(v, "relatedOcid"));
  return o;
}

/* The input an issue's field lands on: posting_field_id, with array items
 * mapped back to their form rows and lists typed in one input ("cpv-2") to
 * that input. */
static const char *input_of(Request *r, const char *field, const RowMap *map) {
  char id[96];
  posting_field_id(field, id, sizeof id);
  size_t i;
  const char *after;
  char rest[96] = "";
  if (map && !row_of(id, "lots-", &i, &after) && i < POSTING_MAX_LOTS) {
    snprintf(rest, sizeof rest, "%s", after);
    if (!strncmp(rest, "-cpv", 4)) rest[4] = 0;
    if (!strcmp(rest, "-value")) snprintf(rest, sizeof rest, "-value-amount");
    if (!*rest) snprintf(rest, sizeof rest, "-title");
    return req_printf(r, "lots-%zu%s", map->lots[i], rest);
  }
  if (map && !row_of(id, "criteria-", &i, &after) && i < POSTING_MAX_CRITERIA) {
    snprintf(rest, sizeof rest, "%s", after);
    return req_printf(r, "criteria-%zu%s", map->criteria[i], *rest ? rest : "-name");
  }
  static const char *const lists[] = {"cpv", "regions", "postcodes", NULL};
  for (size_t k = 0; lists[k]; k++) {
    size_t n = strlen(lists[k]);
    if (!strncmp(id, lists[k], n) && id[n] == '-') return lists[k];
  }
  if (!strcmp(id, "apply")) return "apply-route";
  if (!strcmp(id, "contact")) return "contact-name";
  if (!strcmp(id, "value")) return "value-amount";
  if (!*id) return "title";
  return req_strdup(r, id);
}

/* Errors (and, with warnings, warnings too) as the form's errors. */
static void issues_errors(Request *r, const PostingIssues *is, const RowMap *map, FormErrors *e) {
  for (size_t i = 0; i < is->n; i++)
    if (!is->items[i].warning)
      ui_error(e, input_of(r, is->items[i].field, map), req_strdup(r, is->items[i].message));
}

/* posting_check's issues added to is, but not for a field that has a
 * problem already: every problem at once, each said once. */
static void check_into(const Posting *p, int is_private, time_t now, PostingIssues *is) {
  PostingIssues more = {0};
  posting_check(p, is_private, now, &more);
  for (size_t i = 0; i < more.n; i++) {
    int seen = 0;
    for (size_t k = 0; k < is->n && !seen; k++) seen = !strcmp(is->items[k].field, more.items[i].field);
    if (!seen) posting_issue(is, more.items[i].warning, more.items[i].field, "%s", more.items[i].message);
  }
}

/* ---- reading what a page is about ---- */

typedef struct {
  StoreOrganisation org;
  StorePosting ps; /* id 0: none */
  Posting p;
} Ctx;

static void ctx_release(Ctx *c) {
  store_organisation_release(&c->org);
  store_posting_release(&c->ps);
  posting_release(&c->p);
}

static const char *base_path(Request *r) { return req_printf(r, "/organisations/%lld/notices", auth_of(r)->org_id); }
static const char *posting_path(Request *r, const char *page, long long id) {
  return req_printf(r, "%s/%s?posting=%lld", base_path(r), page, id);
}

static void refusal_page(Request *r, int status, const char *title, const char *why) {
  r->status = status;
  page_begin(r, title);
  html_printf(&r->out, "<h1 class=\"govuk-heading-l\">%s</h1><p class=\"govuk-body\">%s</p>"
                       "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"%H\">Back to your notices</a></p>",
              title, why, base_path(r));
  page_end(r);
}

/* The organisation, and with want_posting the posting named by the
 * "posting" parameter (query or form), which must be the organisation's.
 * 0, or -1 with a page set. */
static int ctx_load(Request *r, Ctx *c, int want_posting) {
  memset(c, 0, sizeof *c);
  posting_init(&c->p);
  Err err = ERR_INIT;
  Store *st = app_store(r);
  int rc = st ? store_organisation_get(st, auth_of(r)->org_id, &c->org, &err) : -1;
  if (rc != 1) {
    page_unavailable(r, rc == 0 ? "the organisation is gone" : err.msg);
    return -1;
  }
  if (!want_posting) return 0;
  const char *ids = strcmp(r->method, "POST") ? req_param(r, "posting") : form_value(r, "posting");
  long long id = 0;
  rc = app_path_id(ids, &id) ? 0 : store_posting_get(st, id, &c->ps, &err);
  if (rc < 0) {
    page_unavailable(r, err.msg);
    return -1;
  }
  if (rc == 0 || c->ps.org_id != c->org.id) {
    store_posting_release(&c->ps);
    memset(&c->ps, 0, sizeof c->ps);
    auth_refuse(r, 404, "There is no such notice.");
    return -1;
  }
  posting_parse(c->ps.body, strlen(c->ps.body), &c->p, &(PostingIssues){0});
  return 0;
}

/* (a draft just added has no status read yet) */
static int is_draft(const StorePosting *ps) { return !ps->status || !strcmp(ps->status, POSTING_DRAFT); }
static int is_published(const StorePosting *ps) { return ps->status && !strcmp(ps->status, POSTING_PUBLISHED); }

/* A POST_* refusal, or an error: rolls back and answers. */
static void write_failed(Request *r, Store *w, int rc, const Err *err) {
  if (rc > 0) {
    store_rollback(w);
    refusal_page(r, rc == POST_NO_POSTING ? 404 : rc == POST_NOT_BUYER ? 403 : 409, "You cannot do that",
                 post_refusal_words(rc));
  } else acct_fail(r, w, err->msg);
}

/* ---- bits of markup ---- */

static void back_link(Request *r, const char *href, const char *text) {
  html_printf(&r->out, "<a href=\"%H\" class=\"govuk-back-link\">%s</a>", href, text);
}

static void date_input(Request *r, const FormErrors *e, const Fields *v, const char *id, const char *legend,
                       const char *hint, int with_time) {
  const char *err = ui_error_for(e, id);
  html_printf(&r->out, "<div class=\"govuk-form-group%s\"><fieldset class=\"govuk-fieldset\" role=\"group\" "
                       "aria-describedby=\"%s-hint%s\"><legend class=\"govuk-fieldset__legend govuk-fieldset__legend--s\">"
                       "%s</legend><div class=\"govuk-hint\" id=\"%s-hint\">%s</div>",
              err ? " govuk-form-group--error" : "", id, err ? req_printf(r, " %s-error", id) : "", legend, id, hint);
  if (err)
    html_printf(&r->out, "<p class=\"govuk-error-message\" id=\"%s-error\"><span class=\"govuk-visually-hidden\">"
                         "Error:</span> %s</p>",
                id, err);
  html_printf(&r->out, "<div class=\"govuk-date-input\">");
  static const char *const parts[] = {"day", "month", "year", "time"};
  static const char *const labels[] = {"Day", "Month", "Year", "Time"};
  static const char *const widths[] = {"2", "2", "4", "5"};
  for (int i = 0; i < (with_time ? 4 : 3); i++) {
    const char *name = req_printf(r, "%s-%s", id, parts[i]);
    const char *input_id = i ? name : id; /* the first input carries the field's id: the error summary links to it */
    html_printf(&r->out, "<div class=\"govuk-date-input__item\"><div class=\"govuk-form-group\"><label "
                         "class=\"govuk-label govuk-date-input__label\" for=\"%s\">%s</label><input class=\"govuk-input "
                         "govuk-date-input__input govuk-input--width-%s%s\" id=\"%s\" name=\"%s\" type=\"text\" "
                         "inputmode=\"%s\" value=\"%s\"></div></div>",
                input_id, labels[i], widths[i], err ? " govuk-input--error" : "", input_id, name,
                i == 3 ? "text" : "numeric", val(v, name));
  }
  html_printf(&r->out, "</div></fieldset></div>\n");
}

static void checkbox(Request *r, const Fields *v, const char *name, const char *label) {
  html_printf(&r->out, "<div class=\"govuk-checkboxes__item\"><input class=\"govuk-checkboxes__input\" id=\"%s\" "
                       "name=\"%s\" type=\"checkbox\" value=\"yes\"",
              name, name);
  if (!strcmp(val(v, name), "yes")) html_printf(&r->out, " checked");
  html_printf(&r->out, "><label class=\"govuk-label govuk-checkboxes__label\" for=\"%s\">%s</label></div>", name, label);
}

static void fieldset_begin(Request *r, const char *id, const char *legend, const FormErrors *e) {
  const char *err = id ? ui_error_for(e, id) : NULL;
  html_printf(&r->out, "<div class=\"govuk-form-group%s\"><fieldset class=\"govuk-fieldset\"><legend "
                       "class=\"govuk-fieldset__legend govuk-fieldset__legend--m\"><h2 class=\"govuk-fieldset__heading\">"
                       "%s</h2></legend>",
              err ? " govuk-form-group--error" : "", legend);
  if (err)
    html_printf(&r->out, "<p class=\"govuk-error-message\" id=\"%s\"><span class=\"govuk-visually-hidden\">Error:"
                         "</span> %s</p>",
                id, err);
}

static void fieldset_end(Request *r) { html_printf(&r->out, "</fieldset></div>\n"); }

static const char *const stages[] = {"tender", "pipeline", "engagement"};
static const char *const stage_labels[] = {"A tender: open for bids now", "Upcoming (pipeline): you expect to tender later",
                                           "Market engagement: an event or questionnaire before a tender"};

static const char *stage_words(PostingStage s) {
  return s == POSTING_PIPELINE ? "Upcoming (pipeline)" : s == POSTING_ENGAGEMENT ? "Market engagement" : "Tender";
}

/* ---- the draft's form (new, edit, amend) ---- */

typedef struct {
  const char *title, *action, *button;
  long long posting; /* 0: a new one */
  int amend;         /* a published notice: "Why is it changing?" */
  int is_supplier;
} FormSpec;

static size_t rows_of(const Fields *v, const char *prefix, const char *const *names, size_t min, size_t max) {
  size_t last = 0;
  for (size_t i = 0; i < max; i++)
    if (row_given(v, prefix, i, names)) last = i + 1;
  return last + 1 > min ? (last + 1 > max ? max : last + 1) : min;
}

static void posting_form(Request *r, const FormSpec *s, const Fields *v, const FormErrors *e, const char *banner) {
  ui_page_begin(r, s->title, e);
  back_link(r, base_path(r), "Back to your notices");
  html_printf(&r->out, "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-two-thirds\">");
  if (banner) ui_success(r, banner);
  html_printf(&r->out, "<h1 class=\"govuk-heading-l\">%s</h1>", s->title);
  if (!s->amend)
    html_printf(&r->out, "<p class=\"govuk-body\">Save a draft at any time: nothing is public until you preview it "
                         "and publish it.</p>");
  ui_form_begin(r, s->action);
  if (s->posting) ui_hidden(r, "posting", req_printf(r, "%lld", s->posting));
  if (s->amend)
    ui_textarea(r, e, "why", "Why is it changing?", val(v, "why"),
                "This is published with the change, and emailed to the suppliers that registered interest");
  ui_radios(r, e, "stage", "What are you publishing?", stages, stage_labels, 3, *val(v, "stage") ? val(v, "stage") : "tender",
            NULL);
  ui_input(r, e, "title", "Title", "text", "off", val(v, "title"), "A short name suppliers will recognise");
  ui_textarea(r, e, "description", "Description", val(v, "description"),
              "What you need and why. Leave a blank line between paragraphs; start a line with \"- \" for a list");
  html_printf(&r->out, "<p class=\"govuk-body\" id=\"cpv-help\">Not sure of the code? <a class=\"govuk-link\" "
                       "href=\"/cpv\" target=\"_blank\" rel=\"noopener\">Find a CPV code by word (opens in a new tab)</a>.</p>");
  ui_input(r, e, "cpv", "CPV codes", "text", "off", val(v, "cpv"), "8 digits each, separated by commas, like 72000000, 48000000");

  fieldset_begin(r, NULL, "Value", e);
  ui_input(r, e, "value-amount", "Estimated value", "text", "off", val(v, "value-amount"),
           "A single figure, like 150000. Or give a range below");
  ui_input(r, e, "value-min", "From", "text", "off", val(v, "value-min"), NULL);
  ui_input(r, e, "value-max", "To", "text", "off", val(v, "value-max"), NULL);
  static const char *const currencies[] = {"GBP", "EUR", "USD"};
  static const char *const currency_labels[] = {"Pounds (GBP)", "Euros (EUR)", "US dollars (USD)"};
  ui_select(r, e, "value-currency", "Currency", currencies, currency_labels, 3,
            *val(v, "value-currency") ? val(v, "value-currency") : "GBP");
  fieldset_end(r);

  static const char *const procs[] = {"open", "selective", "limited"};
  static const char *const proc_labels[] = {"Open: anyone may bid", "Selective: suppliers ask to take part, you invite some to bid",
                                            "Limited: a direct award, without competition"};
  ui_radios(r, e, "procedure", "Procedure", procs, proc_labels, 3, val(v, "procedure"), NULL);
  ui_textarea(r, e, "rationale", "Why a limited procedure? (only for a limited procedure)", val(v, "rationale"), NULL);
  date_input(r, e, v, "deadline", "Deadline for bids (tender)",
             "UK time. For example, 27 3 2027 and 12:00. An open procedure needs at least 25 days, a selective one 10", 1);
  date_input(r, e, v, "enquiryDeadline", "Deadline for questions (optional)", "UK time. Before the deadline for bids", 1);
  date_input(r, e, v, "contractStart", "Contract start (optional)", "For example, 1 4 2027", 0);
  date_input(r, e, v, "contractEnd", "Contract end (optional)", "For example, 31 3 2029", 0);
  ui_input(r, e, "extension", "Options to extend (optional)", "text", "off", val(v, "extension"),
           "Like \"two further years, one at a time\"");
  ui_input(r, e, "regions", "Regions (optional)", "text", "off", val(v, "regions"),
           "ITL codes separated by commas, like TLE42, TLC3 (TLC: North East, TLD: North West, TLE: Yorkshire and The Humber)");
  ui_input(r, e, "postcodes", "Postcodes where the work is done (optional)", "text", "postal-code", val(v, "postcodes"),
           "Separated by commas, like LS1 4DY, SR1 3AA");

  static const char *const lot_names[] = {"title", "description", "value-amount", "cpv", NULL};
  size_t lots = rows_of(v, "lots", lot_names, LOT_ROWS, POSTING_MAX_LOTS);
  fieldset_begin(r, NULL, "Lots (optional)", e);
  html_printf(&r->out, "<p class=\"govuk-body\">Split the work into lots if suppliers may bid for parts of it. To add more "
                       "lots than are shown here, save the draft and edit it again (a new empty lot appears each time), "
                       "or post through the API.</p>");
  for (size_t i = 0; i < lots; i++) {
    html_printf(&r->out, "<fieldset class=\"govuk-fieldset ph-lot\"><legend class=\"govuk-fieldset__legend "
                         "govuk-fieldset__legend--s\">Lot %zu</legend>",
                i + 1);
    ui_input(r, e, req_printf(r, "lots-%zu-title", i), req_printf(r, "Lot %zu title", i + 1), "text", "off",
             rowval(r, v, "lots", i, "title"), NULL);
    ui_textarea(r, e, req_printf(r, "lots-%zu-description", i), req_printf(r, "Lot %zu description", i + 1),
                rowval(r, v, "lots", i, "description"), NULL);
    ui_input(r, e, req_printf(r, "lots-%zu-value-amount", i), req_printf(r, "Lot %zu value", i + 1), "text", "off",
             rowval(r, v, "lots", i, "value-amount"), NULL);
    ui_input(r, e, req_printf(r, "lots-%zu-cpv", i), req_printf(r, "Lot %zu CPV codes", i + 1), "text", "off",
             rowval(r, v, "lots", i, "cpv"), NULL);
    html_printf(&r->out, "</fieldset>");
  }
  fieldset_end(r);

  fieldset_begin(r, NULL, "Who may bid", e);
  html_printf(&r->out, "<div class=\"govuk-form-group\"><fieldset class=\"govuk-fieldset\"><legend "
                       "class=\"govuk-fieldset__legend govuk-fieldset__legend--s\">Suitable for</legend>"
                       "<div class=\"govuk-checkboxes\" data-module=\"govuk-checkboxes\">");
  checkbox(r, v, "sme", "Small and medium-sized enterprises (SMEs)");
  checkbox(r, v, "vcse", "Voluntary, community and social enterprises (VCSEs)");
  html_printf(&r->out, "</div></fieldset></div>");
  static const char *const reserved[] = {"none", "sme", "vcse"};
  static const char *const reserved_labels[] = {"Not reserved", "Reserved for SMEs", "Reserved for VCSEs"};
  ui_radios(r, e, "reserved", "Reserved participation", reserved, reserved_labels, 3,
            *val(v, "reserved") ? val(v, "reserved") : "none", NULL);
  ui_input(r, e, "reservedCounty", "Reserved to suppliers in this county (optional)", "text", "off", val(v, "reservedCounty"),
           "Like West Yorkshire");
  fieldset_end(r);

  static const char *const criterion_names[] = {"name", "weight", NULL};
  size_t crit = rows_of(v, "criteria", criterion_names, CRITERIA_ROWS, POSTING_MAX_CRITERIA);
  fieldset_begin(r, "criteria", "Award criteria (optional)", e);
  html_printf(&r->out, "<p class=\"govuk-body\">The weights add up to 100.</p>");
  for (size_t i = 0; i < crit; i++) {
    ui_input(r, e, req_printf(r, "criteria-%zu-name", i), req_printf(r, "Criterion %zu", i + 1), "text", "off",
             rowval(r, v, "criteria", i, "name"), NULL);
    ui_input(r, e, req_printf(r, "criteria-%zu-weight", i), req_printf(r, "Criterion %zu weight (%%)", i + 1), "text",
             "off", rowval(r, v, "criteria", i, "weight"), NULL);
  }
  fieldset_end(r);

  fieldset_begin(r, NULL, "How to apply", e);
  static const char *const routes[] = {"link", "email", "note"};
  static const char *const route_labels[] = {"Through a link (an e-tendering portal)", "By email", "Another way, described in a note"};
  ui_radios(r, e, "apply-route", "How suppliers apply (required for a tender)", routes, route_labels, 3, val(v, "apply-route"),
            NULL);
  ui_input(r, e, "apply-to", "The link, email address or note", "text", "off", val(v, "apply-to"), NULL);
  fieldset_end(r);

  fieldset_begin(r, NULL, "Contact", e);
  ui_input(r, e, "contact-name", "Name", "text", "name", val(v, "contact-name"), NULL);
  ui_input(r, e, "contact-email", "Email address", "email", "email", val(v, "contact-email"), NULL);
  ui_input(r, e, "contact-phone", "Phone number", "text", "tel", val(v, "contact-phone"), NULL);
  fieldset_end(r);

  ui_input(r, e, "expected", "For an upcoming opportunity: when do you expect to tender?", "text", "off", val(v, "expected"),
           "A month like 2027-03, or a day like 2027-03-15");
  ui_textarea(r, e, "engagement", "For market engagement: the event or questionnaire", val(v, "engagement"),
              "When and where, and how to take part");
  ui_input(r, e, "relatedOcid", s->is_supplier ? "The notice of the contract you won (its ocid)"
                                               : "For a sub-contract: the notice of the contract it belongs to (optional)",
           "text", "off", val(v, "relatedOcid"), "Like ocds-ph4xq1-000012");
  if (s->amend) {
    html_printf(&r->out, "<button type=\"submit\" class=\"govuk-button\" data-module=\"govuk-button\">%s</button>", s->button);
  } else {
    html_printf(&r->out, "<div class=\"govuk-button-group\"><button type=\"submit\" class=\"govuk-button\" name=\"action\" "
                         "value=\"preview\" data-module=\"govuk-button\">Save and preview</button><button type=\"submit\" "
                         "class=\"govuk-button govuk-button--secondary\" name=\"action\" value=\"save\" "
                         "data-module=\"govuk-button\">Save draft</button></div>");
  }
  html_printf(&r->out, "</form></div></div>");
  page_end(r);
}

/* ---- /organisations/{id}/notices ---- */

static const char *status_tag(const StorePosting *ps) {
  if (is_draft(ps)) return "govuk-tag--grey";
  if (is_published(ps)) return "govuk-tag--green";
  return "govuk-tag--red";
}

void page_postings(Request *r) {
  Ctx c;
  if (ctx_load(r, &c, 0)) return;
  StorePosting *l = NULL;
  size_t n = 0;
  Err err = ERR_INIT;
  if (store_postings_of_org(app_store(r), c.org.id, 0, &l, &n, &err)) {
    page_unavailable(r, err.msg);
    ctx_release(&c);
    return;
  }
  page_begin(r, req_printf(r, "Notices of %s", c.org.name));
  back_link(r, req_printf(r, "/organisations/%lld", c.org.id), req_printf(r, "Back to %s", c.org.name));
  const char *done = req_param(r, "done");
  if (done && !strcmp(done, "cancelled")) ui_success(r, "The notice is cancelled");
  html_printf(&r->out, "<span class=\"govuk-caption-l\">%s</span><h1 class=\"govuk-heading-l\">Notices</h1>", c.org.name);
  int buyer = posting_org_is_buyer(&c.org), verified = posting_org_is_verified(&c.org);
  if (buyer && verified)
    html_printf(&r->out, "<a href=\"%H\" role=\"button\" draggable=\"false\" class=\"govuk-button\" "
                         "data-module=\"govuk-button\">Post an opportunity</a>",
                req_printf(r, "%s/new", base_path(r)));
  else if (buyer)
    html_printf(&r->out, "<div class=\"govuk-inset-text\">%s is waiting for a site administrator to verify it as a buyer. "
                         "You can post opportunities once it is verified.</div>",
                c.org.name);
  else
    html_printf(&r->out, "<p class=\"govuk-body\">As a supplier you can post a sub-contracting opportunity under a "
                         "contract you won.</p><a href=\"%H\" role=\"button\" draggable=\"false\" class=\"govuk-button\" "
                         "data-module=\"govuk-button\">Post a sub-contracting opportunity</a>",
                req_printf(r, "%s/new", base_path(r)));
  if (!n) html_printf(&r->out, "<p class=\"govuk-body\">There are no notices yet.</p>");
  else {
    html_printf(&r->out, "<div class=\"ph-table-wrap\"><table class=\"govuk-table\"><caption class=\"govuk-table__caption "
                         "govuk-table__caption--m\">Drafts and published notices, newest first</caption>"
                         "<thead class=\"govuk-table__head\"><tr class=\"govuk-table__row\"><th scope=\"col\" "
                         "class=\"govuk-table__header\">Title</th><th scope=\"col\" class=\"govuk-table__header\">Status</th>"
                         "<th scope=\"col\" class=\"govuk-table__header\">Last changed</th></tr></thead>"
                         "<tbody class=\"govuk-table__body\">");
    for (size_t i = 0; i < n; i++) {
      const StorePosting *ps = &l[i];
      const char *page = is_draft(ps) ? "edit" : "manage";
      html_printf(&r->out, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\"><a class=\"govuk-link\" "
                           "href=\"%H\">%s</a>",
                  posting_path(r, page, ps->id), *ps->title ? ps->title : "Untitled draft");
      if (ps->ocid)
        html_printf(&r->out, "<br><a class=\"govuk-link govuk-body-s\" href=\"/notices/%U\">%s</a>", ps->ocid, ps->ocid);
      html_printf(&r->out, "</td><td class=\"govuk-table__cell\"><strong class=\"govuk-tag %s\">%s</strong></td>"
                           "<td class=\"govuk-table__cell\">",
                  status_tag(ps), ps->status);
      date_uk_words(&r->out, (time_t)ps->updated_at);
      html_printf(&r->out, "</td></tr>");
    }
    html_printf(&r->out, "</tbody></table></div>");
  }
  page_end(r);
  store_postings_free(l, n);
  ctx_release(&c);
}

/* ---- new, edit, amend ---- */

/* Reads the form into p: 0, or the number of errors (in is). */
static size_t read_form(Request *r, const Fields *v, Posting *p, PostingIssues *is, RowMap *map) {
  cJSON *root = form_json(r, v, map, is);
  posting_from_json(root, p, is);
  cJSON_Delete(root);
  return posting_errors(is);
}

static void show_form(Request *r, const Ctx *c, int status, const Fields *v, const PostingIssues *is, const RowMap *map,
                      const char *banner) {
  FormErrors e = {0};
  if (is) issues_errors(r, is, map, &e);
  int amend = c->ps.id && !is_draft(&c->ps);
  FormSpec s = {.title = amend ? "Change a published notice" : c->ps.id ? "Edit a draft" : "Post an opportunity",
                .action = c->ps.id ? req_printf(r, "%s/edit", base_path(r)) : req_printf(r, "%s/new", base_path(r)),
                .button = "Publish the change",
                .posting = c->ps.id,
                .amend = amend,
                .is_supplier = !posting_org_is_buyer(&c->org)};
  r->status = status;
  posting_form(r, &s, v, &e, banner);
}

/* Saves a draft (a new one when c->ps.id is 0): 0 with *id, or -1 with a page set. */
static int save_draft(Request *r, Ctx *c, const Posting *p, long long *id) {
  Store *w = acct_begin(r);
  if (!w) return -1;
  Err err = ERR_INIT;
  char *body = posting_to_json(p);
  const char *stage = posting_stage_name(p->stage), *title = p->title ? p->title : "";
  int rc = c->ps.id ? store_posting_save(w, c->ps.id, stage, title, body, app_now(r), &err)
                    : store_posting_add(w, c->org.id, auth_of(r)->account_id, stage, title, body, app_now(r), id, &err);
  free(body);
  if (c->ps.id) *id = c->ps.id;
  if (rc == 0) rc = acct_audit(r, w, c->org.id, "posting.save", req_printf(r, "posting %lld", *id), NULL, title, &err);
  if (rc) {
    acct_fail(r, w, err.msg);
    return -1;
  }
  return acct_commit(r, w);
}

/* A change to a published notice: one transaction, the mail to the suppliers
 * that registered interest with it (subject NULL: none) and an audit row,
 * then back to done (NULL: the public page). */
typedef int (*Change)(Store *w, const PostEnv *env, long long id, const void *arg, StorePosting *out, Err *err);

static int run_change(Request *r, Ctx *c, Change fn, const void *arg, const char *audit, const char *subject,
                      const char *p1, const char *p2, const char *done) {
  PostEnv env;
  posting_env(r, &env);
  Store *w = acct_begin(r);
  if (!w) return -1;
  Err err = ERR_INIT;
  StorePosting after = {0};
  int rc = fn(w, &env, c->ps.id, arg, &after, &err);
  if (rc == 0) rc = acct_audit(r, w, c->org.id, audit, after.ocid, NULL, after.title, &err);
  if (rc == 0 && subject)
    rc = posting_tell_interested(r, w, &after, req_printf(r, subject, after.title), p1, p2, &err);
  if (rc) write_failed(r, w, rc, &err);
  else if (!acct_commit(r, w))
    acct_redirect(r, done ? req_printf(r, "%s&done=%s", posting_path(r, "manage", c->ps.id), done)
                          : req_printf(r, "/notices/%s", after.ocid));
  store_posting_release(&after);
  return rc;
}

static int do_award(Store *w, const PostEnv *env, long long id, const void *a, StorePosting *out, Err *err) {
  return post_award(w, env, id, a, out, err);
}
static int do_contract(Store *w, const PostEnv *env, long long id, const void *k, StorePosting *out, Err *err) {
  return post_contract(w, env, id, k, out, err);
}
static int do_cancel(Store *w, const PostEnv *env, long long id, const void *why, StorePosting *out, Err *err) {
  return post_cancel(w, env, id, why, out, err);
}

typedef struct {
  const Posting *p;
  const char *why;
} Amendment;
static int do_amend(Store *w, const PostEnv *env, long long id, const void *arg, StorePosting *out, Err *err) {
  const Amendment *a = arg;
  return post_amend(w, env, id, a->p, a->why, out, err);
}

static void amend(Request *r, Ctx *c, const Fields *v, const Posting *p, PostingIssues *is, const RowMap *map) {
  const char *why = val(v, "why");
  if (!*why) posting_issue(is, 0, "why", "Say why the notice is changing");
  else if (strlen(why) > POSTING_SHORT_MAX) posting_issue(is, 0, "why", "Keep the reason to 1,000 characters or fewer");
  check_into(p, posting_org_is_private(&c->org), app_now(r), is);
  if (posting_errors(is)) {
    show_form(r, c, 422, v, is, map, NULL);
    return;
  }
  char *diff = post_diff(&c->p, p);
  Amendment am = {p, why};
  run_change(r, c, do_amend, &am, "posting.amend", "Changed: %s",
             req_printf(r, "%s has changed the notice \"%s\". Why: %s", c->org.name, p->title ? p->title : "", why),
             diff ? req_printf(r, "What changed:\n%s", diff) : NULL, NULL);
  free(diff);
}

static void form_post(Request *r, Ctx *c) {
  Fields v = body_fields(r);
  Posting p;
  PostingIssues is = {0};
  RowMap map = {0};
  posting_init(&p);
  read_form(r, &v, &p, &is, &map);
  if (c->ps.id && !is_draft(&c->ps)) {
    if (!is_published(&c->ps)) refusal_page(r, 409, "You cannot do that", post_refusal_words(POST_IS_CANCELLED));
    else amend(r, c, &v, &p, &is, &map);
    posting_release(&p);
    return;
  }
  if (posting_errors(&is)) { /* only problems of shape stop a draft being saved */
    show_form(r, c, 422, &v, &is, &map, NULL);
    posting_release(&p);
    return;
  }
  long long id = 0;
  if (save_draft(r, c, &p, &id) == 0) {
    if (!strcmp(form_value(r, "action"), "save"))
      acct_redirect(r, req_printf(r, "%s&done=saved", posting_path(r, "edit", id)));
    else {
      /* every problem that stops publishing, at once, on the form */
      check_into(&p, posting_org_is_private(&c->org), app_now(r), &is);
      if (posting_errors(&is)) {
        c->ps.id = id;
        show_form(r, c, 422, &v, &is, &map, "Your draft is saved, but it cannot be published yet");
      } else acct_redirect(r, posting_path(r, "preview", id));
    }
  }
  posting_release(&p);
}

void page_posting_new(Request *r) {
  Ctx c;
  if (ctx_load(r, &c, 0)) return;
  if (!strcmp(r->method, "POST")) form_post(r, &c);
  else {
    Fields v = {0};
    show_form(r, &c, 200, &v, NULL, NULL, NULL);
  }
  ctx_release(&c);
}

void page_posting_edit(Request *r) {
  Ctx c;
  if (ctx_load(r, &c, 1)) return;
  if (!strcmp(r->method, "POST")) form_post(r, &c);
  else if (!is_draft(&c.ps) && !is_published(&c.ps))
    refusal_page(r, 409, "You cannot do that", post_refusal_words(POST_IS_CANCELLED));
  else {
    Fields v = posting_fields(r, &c.p);
    const char *done = req_param(r, "done");
    show_form(r, &c, 200, &v, NULL, NULL, done && !strcmp(done, "saved") ? "Your draft is saved" : NULL);
  }
  ctx_release(&c);
}

/* ---- preview ---- */

/* Plain text as paragraphs and "- " lists. */
static void paragraphs(Request *r, const char *text) {
  int in_p = 0, in_ul = 0;
  for (const char *s = text; s && *s;) {
    size_t len = strcspn(s, "\n");
    const char *line = s;
    s += len + (s[len] == '\n');
    while (len && (line[len - 1] == '\r' || line[len - 1] == ' ')) len--;
    int item = len >= 2 && (line[0] == '-' || line[0] == '*') && line[1] == ' ';
    if (!len || item) {
      if (in_p) html_printf(&r->out, "</p>");
      in_p = 0;
    }
    if (!item && in_ul) {
      html_printf(&r->out, "</ul>");
      in_ul = 0;
    }
    if (!len) continue;
    if (item) {
      if (!in_ul) html_printf(&r->out, "<ul class=\"govuk-list govuk-list--bullet\">");
      in_ul = 1;
      html_printf(&r->out, "<li>%s</li>", req_printf(r, "%.*s", (int)(len - 2), line + 2));
      continue;
    }
    html_printf(&r->out, in_p ? "<br>%s" : "<p class=\"govuk-body\">%s", req_printf(r, "%.*s", (int)len, line));
    in_p = 1;
  }
  if (in_p) html_printf(&r->out, "</p>");
  if (in_ul) html_printf(&r->out, "</ul>");
}

static void row_begin(Request *r, const char *key) {
  html_printf(&r->out, "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">%s</dt>"
                       "<dd class=\"govuk-summary-list__value\">",
              key);
}
static void row_end(Request *r) { html_printf(&r->out, "</dd></div>"); }
static void row_text(Request *r, const char *key, const char *text) {
  if (!text || !*text) return;
  row_begin(r, key);
  html_printf(&r->out, "%s", text);
  row_end(r);
}

/* The notice as suppliers will read it. */
static void posting_summary(Request *r, const StoreOrganisation *o, const Posting *p) {
  html_printf(&r->out, "<span class=\"govuk-caption-l\">%s</span><h2 class=\"govuk-heading-l\">%s</h2>", o->name,
              p->title && *p->title ? p->title : "Untitled");
  paragraphs(r, p->description);
  html_printf(&r->out, "<dl class=\"govuk-summary-list\">");
  row_text(r, "Stage", stage_words(p->stage));
  if (p->n_cpv) {
    row_begin(r, "CPV codes");
    html_printf(&r->out, "<ul class=\"govuk-list\">");
    for (size_t i = 0; i < p->n_cpv; i++) {
      const char *label = cpv_label(p->cpv[i]);
      html_printf(&r->out, "<li>%s %s</li>", p->cpv[i], label ? label : "");
    }
    html_printf(&r->out, "</ul>");
    row_end(r);
  }
  if (p->has_value) {
    row_begin(r, "Value");
    if (p->value_min == p->value_max) html_printf(&r->out, "%m", p->value_min, p->currency);
    else html_printf(&r->out, "%m to %m", p->value_min, p->currency, p->value_max, p->currency);
    row_end(r);
  }
  if (p->procedure) row_text(r, "Procedure", procedure_name(p->procedure));
  row_text(r, "Why a limited procedure", p->rationale);
  if (p->deadline) {
    row_begin(r, "Deadline");
    date_uk_words(&r->out, (time_t)p->deadline);
    row_end(r);
  }
  if (p->enquiry_deadline) {
    row_begin(r, "Questions until");
    date_uk_words(&r->out, (time_t)p->enquiry_deadline);
    row_end(r);
  }
  if (*p->start || *p->end) {
    row_begin(r, "Contract period");
    human_date(&r->out, *p->start ? p->start : NULL);
    html_printf(&r->out, " to ");
    human_date(&r->out, *p->end ? p->end : NULL);
    row_end(r);
  }
  row_text(r, "Options to extend", p->extension);
  if (p->n_regions) {
    row_begin(r, "Regions");
    for (size_t i = 0; i < p->n_regions; i++) {
      const char *name = region_name(p->regions[i]);
      html_printf(&r->out, "%s%s", i ? ", " : "", name ? name : p->regions[i]);
    }
    row_end(r);
  }
  row_text(r, "Postcodes", join(r, p->postcodes, p->n_postcodes));
  for (size_t i = 0; i < p->n_lots; i++) {
    const PostingLot *l = &p->lots[i];
    row_begin(r, req_printf(r, "Lot %zu", i + 1));
    html_printf(&r->out, "<strong>%s</strong>", l->title ? l->title : "");
    if (l->has_value) html_printf(&r->out, " (%m)", l->value, p->currency);
    paragraphs(r, l->description);
    if (l->n_cpv) html_printf(&r->out, "<p class=\"govuk-body-s\">CPV %s</p>", join(r, l->cpv, l->n_cpv));
    row_end(r);
  }
  if (p->sme || p->vcse)
    row_text(r, "Suitable for", p->sme && p->vcse ? "SMEs and VCSEs" : p->sme ? "SMEs" : "VCSEs");
  if (p->reserved)
    row_text(r, "Reserved", req_printf(r, "for %s%s%s", !strcmp(p->reserved, "sme") ? "SMEs" : "VCSEs",
                                       p->reserved_county ? " in " : "", p->reserved_county ? p->reserved_county : ""));
  if (p->n_criteria) {
    row_begin(r, "Award criteria");
    html_printf(&r->out, "<ul class=\"govuk-list\">");
    for (size_t i = 0; i < p->n_criteria; i++)
      html_printf(&r->out, "<li>%s: %d%%</li>", p->criteria[i].name ? p->criteria[i].name : "", p->criteria[i].weight);
    html_printf(&r->out, "</ul>");
    row_end(r);
  }
  if (p->apply) row_text(r, "How to apply", req_printf(r, "%s: %s", apply_route_name(p->apply), p->apply_to ? p->apply_to : ""));
  if (p->contact_name || p->contact_email || p->contact_phone)
    row_text(r, "Contact", req_printf(r, "%s %s %s", p->contact_name ? p->contact_name : "",
                                      p->contact_email ? p->contact_email : "", p->contact_phone ? p->contact_phone : ""));
  row_text(r, "Expected to tender", p->expected);
  row_text(r, "Market engagement", p->engagement);
  row_text(r, "Sub-contract of", p->related_ocid);
  html_printf(&r->out, "</dl>");
}

static void issues_list(Request *r, const PostingIssues *is, const RowMap *map, int warnings, long long id) {
  html_printf(&r->out, "<ul class=\"govuk-list govuk-error-summary__list\">");
  for (size_t i = 0; i < is->n; i++) {
    if (is->items[i].warning != warnings) continue;
    html_printf(&r->out, "<li><a href=\"%H#%U\">%s</a></li>", posting_path(r, "edit", id),
                input_of(r, is->items[i].field, map), is->items[i].message);
  }
  html_printf(&r->out, "</ul>");
}

static void preview(Request *r, Ctx *c, int status) {
  PostingIssues is = {0};
  posting_check(&c->p, posting_org_is_private(&c->org), app_now(r), &is);
  const char *why = NULL;
  Err err = ERR_INIT;
  int may = posting_may_post(r, &c->org, &c->p, &why, &err);
  if (may < 0) {
    page_unavailable(r, err.msg);
    return;
  }
  size_t errors = posting_errors(&is);
  r->status = status;
  page_begin(r, req_printf(r, "%sPreview: %s", errors ? "Error: " : "", *c->ps.title ? c->ps.title : "Untitled draft"));
  back_link(r, posting_path(r, "edit", c->ps.id), "Back to the draft");
  if (errors) {
    html_printf(&r->out, "<div class=\"govuk-error-summary\" role=\"alert\" tabindex=\"-1\" autofocus "
                         "aria-labelledby=\"error-summary-title\"><h2 class=\"govuk-error-summary__title\" "
                         "id=\"error-summary-title\">It cannot be published yet: %zu problem%s</h2>"
                         "<div class=\"govuk-error-summary__body\">",
                errors, errors == 1 ? "" : "s");
    issues_list(r, &is, NULL, 0, c->ps.id);
    html_printf(&r->out, "</div></div>");
  }
  if (is.n > errors) {
    html_printf(&r->out, "<div class=\"govuk-warning-text\"><span class=\"govuk-warning-text__icon\" aria-hidden=\"true\">!"
                         "</span><div class=\"govuk-warning-text__text\"><span class=\"govuk-visually-hidden\">Warning"
                         "</span>Worth checking before you publish:");
    issues_list(r, &is, NULL, 1, c->ps.id);
    html_printf(&r->out, "</div></div>");
  }
  html_printf(&r->out, "<h1 class=\"govuk-heading-xl\">Preview</h1><p class=\"govuk-body\">This is how suppliers will read "
                       "the notice.</p><div class=\"ph-preview govuk-!-margin-bottom-6\">");
  posting_summary(r, &c->org, &c->p);
  html_printf(&r->out, "</div>");
  if (!is_draft(&c->ps))
    html_printf(&r->out, "<p class=\"govuk-body\">It is published: <a class=\"govuk-link\" href=\"/notices/%U\">read the "
                         "public page</a>.</p>",
                c->ps.ocid);
  else if (may)
    html_printf(&r->out, "<div class=\"govuk-inset-text\">You cannot publish it: %s.</div>", why);
  else if (!errors)
    html_printf(&r->out, "<a href=\"%H\" role=\"button\" draggable=\"false\" class=\"govuk-button\" "
                         "data-module=\"govuk-button\">Publish</a> ",
                posting_path(r, "publish", c->ps.id));
  html_printf(&r->out, "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"%H\">Edit the draft</a></p>",
              posting_path(r, "edit", c->ps.id));
  page_end(r);
}

void page_posting_preview(Request *r) {
  Ctx c;
  if (ctx_load(r, &c, 1)) return;
  preview(r, &c, 200);
  ctx_release(&c);
}

/* ---- publish: the confirmation, then the POST ---- */

void page_posting_publish(Request *r) {
  Ctx c;
  if (ctx_load(r, &c, 1)) return;
  if (!is_draft(&c.ps)) {
    refusal_page(r, 409, "You cannot do that", post_refusal_words(POST_ALREADY_PUBLISHED));
    goto out;
  }
  if (strcmp(r->method, "POST")) {
    page_begin(r, "Are you sure you want to publish it?");
    back_link(r, posting_path(r, "preview", c.ps.id), "Back to the preview");
    html_printf(&r->out, "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-two-thirds\">"
                         "<h1 class=\"govuk-heading-l\">Are you sure you want to publish “%s”?</h1>"
                         "<p class=\"govuk-body\">Publishing makes it public at once: anyone can find and read it, and it "
                         "goes out in the open data. It emails nobody yet: suppliers find it by searching and by their "
                         "alerts. After publishing you can change it (saying why), extend the deadline or cancel it, but "
                         "not unpublish it.</p>",
                c.ps.title);
    ui_form_begin(r, req_printf(r, "%s/publish", base_path(r)));
    ui_hidden(r, "posting", req_printf(r, "%lld", c.ps.id));
    html_printf(&r->out, "<div class=\"govuk-button-group\"><button type=\"submit\" class=\"govuk-button\" "
                         "data-module=\"govuk-button\">Yes, publish it</button><a class=\"govuk-link\" href=\"%H\">No, "
                         "go back to the preview</a></div></form></div></div>",
                posting_path(r, "preview", c.ps.id));
    page_end(r);
    goto out;
  }
  PostingIssues is = {0};
  if (posting_check(&c.p, posting_org_is_private(&c.org), app_now(r), &is)) {
    preview(r, &c, 422);
    goto out;
  }
  const char *why = NULL;
  Err err = ERR_INIT;
  int may = posting_may_post(r, &c.org, &c.p, &why, &err);
  if (may) {
    if (may < 0) page_unavailable(r, err.msg);
    else refusal_page(r, 403, "You cannot publish it", why);
    goto out;
  }
  PostEnv env;
  posting_env(r, &env);
  Store *w = acct_begin(r);
  if (!w) goto out;
  StorePosting after = {0};
  int rc = post_publish(w, &env, c.ps.id, &c.p, &after, &err);
  if (rc == 0) rc = acct_audit(r, w, c.org.id, "posting.publish", after.ocid, NULL, after.title, &err);
  if (rc) write_failed(r, w, rc, &err);
  else if (!acct_commit(r, w)) acct_redirect(r, req_printf(r, "/notices/%s", after.ocid));
  store_posting_release(&after);
out:
  ctx_release(&c);
}

/* ---- a published notice: manage it ---- */

/* The award form: the winner chosen from the suppliers that registered
 * interest (l[0..n)), or its name (and number) entered. */
static void award_form(Request *r, const Ctx *c, const FormErrors *e, const Fields *v, const StoreInterest *l,
                       size_t n) {
  html_printf(&r->out, "<h2 class=\"govuk-heading-m\" id=\"award\">Award the contract</h2>");
  ui_form_begin(r, req_printf(r, "%s/award", base_path(r)));
  ui_hidden(r, "posting", req_printf(r, "%lld", c->ps.id));
  if (n) {
    const char **ids = req_alloc(r, (n + 1) * sizeof *ids), **names = req_alloc(r, (n + 1) * sizeof *names);
    ids[0] = "", names[0] = "Another supplier: enter its name below";
    for (size_t i = 0; i < n; i++)
      ids[i + 1] = req_printf(r, "%lld", l[i].org_id), names[i + 1] = l[i].org_name ? l[i].org_name : "a supplier";
    ui_select(r, e, "award-known", "The winner, if it registered interest", ids, names, n + 1, val(v, "award-known"));
  }
  ui_input(r, e, "award-suppliers-0-name", n ? "Or the winner's name" : "Winner's name", "text", "organization",
           val(v, "award-suppliers-0-name"), NULL);
  ui_input(r, e, "award-suppliers-0-identifier", "Winner's Companies House number (optional)", "text", "off",
           val(v, "award-suppliers-0-identifier"), "8 characters, like 01234567 or SC123456");
  static const char *const yn[] = {"yes", "no"};
  static const char *const yn_labels[] = {"Yes", "No"};
  ui_radios(r, e, "award-suppliers-0-sme", "Is the winner a small or medium-sized enterprise (SME)?", yn, yn_labels, 2,
            val(v, "award-suppliers-0-sme"), NULL);
  ui_input(r, e, "award-value-amount", "Value awarded (optional)", "text", "off", val(v, "award-value-amount"),
           req_printf(r, "In %s, like 150000", c->p.currency));
  date_input(r, e, v, "award-date", "Date of the award decision", "For example, 5 1 2027", 0);
  date_input(r, e, v, "award-standstillEnd", "End of the standstill period (optional)", "For example, 15 1 2027", 0);
  ui_form_end(r, "Publish the award");
}

static void contract_form(Request *r, const Ctx *c, const FormErrors *e, const Fields *v) {
  html_printf(&r->out, "<h2 class=\"govuk-heading-m\" id=\"contract\">Contract details</h2>");
  if (!c->ps.awards) {
    html_printf(&r->out, "<p class=\"govuk-body\">Publish the award first; then the signed contract's details.</p>");
    return;
  }
  ui_form_begin(r, req_printf(r, "%s/contract", base_path(r)));
  ui_hidden(r, "posting", req_printf(r, "%lld", c->ps.id));
  date_input(r, e, v, "contract-signed", "Date signed", "For example, 20 1 2027", 0);
  ui_input(r, e, "contract-value-amount", "Contract value (optional)", "text", "off", val(v, "contract-value-amount"),
           req_printf(r, "In %s, like 150000", c->p.currency));
  date_input(r, e, v, "contract-start", "Contract start (optional)", "For example, 1 2 2027", 0);
  date_input(r, e, v, "contract-end", "Contract end (optional)", "For example, 31 1 2029", 0);
  ui_form_end(r, "Publish the contract details");
}

static void manage_page(Request *r, Ctx *c, int status, const FormErrors *e, const Fields *v) {
  StoreInterest *l = NULL;
  size_t n = 0;
  Err err = ERR_INIT;
  if (store_interests_of(app_store(r), c->ps.id, &l, &n, &err)) {
    page_unavailable(r, err.msg);
    return;
  }
  r->status = status;
  ui_page_begin(r, c->ps.title, e);
  back_link(r, base_path(r), "Back to your notices");
  const char *done = req_param(r, "done");
  if (done && !strcmp(done, "award")) ui_success(r, "The award is published");
  if (done && !strcmp(done, "contract")) ui_success(r, "The contract details are published");
  if (done && !strcmp(done, "extended")) ui_success(r, "The deadline is extended");
  html_printf(&r->out, "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-two-thirds\">"
                       "<span class=\"govuk-caption-l\">%s</span><h1 class=\"govuk-heading-l\">%s</h1>"
                       "<p class=\"govuk-body\"><strong class=\"govuk-tag %s\">%s</strong></p>"
                       "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/notices/%U\">Read the public page</a></p>",
              c->org.name, c->ps.title, status_tag(&c->ps), c->ps.status, c->ps.ocid);
  if (is_published(&c->ps)) {
    html_printf(&r->out, "<ul class=\"govuk-list\"><li><a class=\"govuk-link\" href=\"%H\">Change the notice</a></li>"
                         "<li><a class=\"govuk-link\" href=\"/notices/%U/documents\">Documents: upload or replace</a></li>"
                         "<li><a class=\"govuk-link\" href=\"%H\">Cancel the notice</a></li></ul>",
                posting_path(r, "edit", c->ps.id), c->ps.ocid, posting_path(r, "cancel", c->ps.id));
    html_printf(&r->out, "<h2 class=\"govuk-heading-m\" id=\"extend\">Extend the deadline</h2>");
    if (c->p.deadline) {
      html_printf(&r->out, "<p class=\"govuk-body\">The deadline is ");
      date_uk_words(&r->out, (time_t)c->p.deadline);
      html_printf(&r->out, ".</p>");
    }
    ui_form_begin(r, req_printf(r, "%s/extend", base_path(r)));
    ui_hidden(r, "posting", req_printf(r, "%lld", c->ps.id));
    date_input(r, e, v, "extend-deadline", "New deadline", "UK time. For example, 27 3 2027 and 12:00", 1);
    ui_input(r, e, "extend-why", "Why is it extended?", "text", "off", val(v, "extend-why"),
             "Published with the change, and emailed to the suppliers that registered interest");
    ui_form_end(r, "Extend the deadline");
    award_form(r, c, e, v, l, n);
    contract_form(r, c, e, v);
  }
  html_printf(&r->out, "<h2 class=\"govuk-heading-m\" id=\"interest\">Suppliers that registered interest</h2>");
  if (!n) html_printf(&r->out, "<p class=\"govuk-body\">None yet.</p>");
  else {
    html_printf(&r->out, "<ul class=\"govuk-list govuk-list--bullet\">");
    for (size_t i = 0; i < n; i++) {
      const char *size = supplier_size_words(l[i].org_size), *region = l[i].org_region ? region_name(l[i].org_region) : NULL;
      html_printf(&r->out, "<li><a class=\"govuk-link\" href=\"/suppliers/%lld\">%s</a> (%s; %s), registered ", l[i].org_id,
                  l[i].org_name ? l[i].org_name : "a supplier", size ? size : "size not given",
                  region ? region : "region not given");
      date_uk_words(&r->out, (time_t)l[i].at);
      html_printf(&r->out, "</li>");
    }
    html_printf(&r->out, "</ul>");
  }
  html_printf(&r->out, "</div></div>");
  page_end(r);
  store_interests_free(l, n);
}

void page_posting_manage(Request *r) {
  Ctx c;
  if (ctx_load(r, &c, 1)) return;
  if (is_draft(&c.ps)) acct_redirect(r, posting_path(r, "edit", c.ps.id));
  else manage_page(r, &c, 200, NULL, &(Fields){0});
  ctx_release(&c);
}

/* Issues of a change (prefix: the form's inputs, "award-") as the manage
 * page's errors, shown with the values kept. */
static void manage_errors(Request *r, Ctx *c, const char *prefix, const PostingIssues *is) {
  FormErrors e = {0};
  for (size_t i = 0; i < is->n; i++) {
    if (is->items[i].warning) continue;
    char id[96];
    posting_field_id(is->items[i].field, id, sizeof id);
    if (!strcmp(id, "value")) snprintf(id, sizeof id, "value-amount");
    if (!strcmp(id, "suppliers")) snprintf(id, sizeof id, "suppliers-0-name");
    ui_error(&e, req_printf(r, "%s%s", prefix, *id ? id : "date"), req_strdup(r, is->items[i].message));
  }
  Fields v = body_fields(r);
  manage_page(r, c, 422, &e, &v);
}

/* Loads the posting of a POST that changes a published notice: 0, or -1 with a page set. */
static int load_published(Request *r, Ctx *c) {
  if (ctx_load(r, c, 1)) return -1;
  if (is_published(&c->ps)) return 0;
  refusal_page(r, 409, "You cannot do that",
               post_refusal_words(is_draft(&c->ps) ? POST_NOT_PUBLISHED : POST_IS_CANCELLED));
  ctx_release(c);
  return -1;
}

/* The supplier of id (text) among those that registered interest in c's
 * posting, into o: 0, or -1 with a 400 or 503 page set. */
static int award_known(Request *r, const Ctx *c, const char *id, StoreOrganisation *o) {
  long long org = 0;
  StoreInterest *l = NULL;
  size_t n = 0;
  Err err = ERR_INIT;
  Store *st = app_store(r);
  if (app_path_id(id, &org)) {
    auth_refuse(r, 400, "The form sent could not be read. Go back, reload the page and try again.");
    return -1;
  }
  int rc = st ? store_interests_of(st, c->ps.id, &l, &n, &err) : -1;
  int found = 0;
  for (size_t i = 0; rc == 0 && i < n; i++) found |= l[i].org_id == org;
  store_interests_free(l, n);
  if (rc == 0 && found) rc = store_organisation_get(st, org, o, &err) == 1 ? 0 : -1;
  if (rc < 0) {
    page_unavailable(r, err.msg);
    return -1;
  }
  if (!found) {
    auth_refuse(r, 400, "Choose the winner from the list of suppliers that registered interest, or enter its name.");
    return -1;
  }
  return 0;
}

void page_posting_award(Request *r) {
  Ctx c;
  if (load_published(r, &c)) return;
  Fields v = body_fields(r);
  PostingIssues is = {0};
  cJSON *root = cJSON_CreateObject(), *s = cJSON_CreateObject();
  cJSON_AddItemToArray(cJSON_AddArrayToObject(root, "suppliers"), s);
  /* a winner chosen from the suppliers that registered interest: its name and number */
  const char *known = val(&v, "award-known");
  StoreOrganisation kw = {0};
  if (*known && award_known(r, &c, known, &kw) != 0) {
    cJSON_Delete(root);
    ctx_release(&c);
    return;
  }
  add_str(s, "name", kw.id ? kw.name : val(&v, "award-suppliers-0-name"));
  const char *ch = kw.id ? (kw.ch_number ? kw.ch_number : "") : val(&v, "award-suppliers-0-identifier");
  if (*ch) add_str(s, "identifier", req_printf(r, "GB-COH-%s", ch));
  store_organisation_release(&kw);
  const char *sme = val(&v, "award-suppliers-0-sme");
  if (*sme) cJSON_AddBoolToObject(s, "sme", !strcmp(sme, "yes"));
  if (*val(&v, "award-value-amount")) {
    cJSON *value = cJSON_AddObjectToObject(root, "value");
    add_amount(value, "amount", val(&v, "award-value-amount"), "value.amount", "the value", &is);
    add_str(value, "currency", c.p.currency);
  }
  char d[11];
  if (read_date(&v, "award-date", "date", "The date of the award decision", d, &is) > 0) add_str(root, "date", d);
  if (read_date(&v, "award-standstillEnd", "standstillEnd", "The end of the standstill period", d, &is) > 0)
    add_str(root, "standstillEnd", d);
  PostingAward a;
  memset(&a, 0, sizeof a);
  posting_award_from_json(root, &a, &is);
  cJSON_Delete(root);
  if (posting_errors(&is)) manage_errors(r, &c, "award-", &is);
  else
    run_change(r, &c, do_award, &a, "posting.award", "Awarded: %s",
               req_printf(r, "%s has awarded the contract \"%s\" to %s.", c.org.name, c.ps.title, a.suppliers[0].name), NULL,
               "award");
  posting_award_release(&a);
  ctx_release(&c);
}

void page_posting_contract(Request *r) {
  Ctx c;
  if (load_published(r, &c)) return;
  Fields v = body_fields(r);
  PostingIssues is = {0};
  cJSON *root = cJSON_CreateObject();
  char d[11];
  if (read_date(&v, "contract-signed", "signed", "The date signed", d, &is) > 0) add_str(root, "signed", d);
  if (*val(&v, "contract-value-amount")) {
    cJSON *value = cJSON_AddObjectToObject(root, "value");
    add_amount(value, "amount", val(&v, "contract-value-amount"), "value.amount", "the value", &is);
    add_str(value, "currency", c.p.currency);
  }
  if (read_date(&v, "contract-start", "start", "The contract start", d, &is) > 0) add_str(root, "start", d);
  if (read_date(&v, "contract-end", "end", "The contract end", d, &is) > 0) add_str(root, "end", d);
  PostingContract k;
  memset(&k, 0, sizeof k);
  posting_contract_from_json(root, &k, &is);
  cJSON_Delete(root);
  if (posting_errors(&is)) manage_errors(r, &c, "contract-", &is);
  else run_change(r, &c, do_contract, &k, "posting.contract", NULL, NULL, NULL, "contract");
  ctx_release(&c);
}

void page_posting_extend(Request *r) {
  Ctx c;
  if (load_published(r, &c)) return;
  Fields v = body_fields(r);
  PostingIssues is = {0};
  char t[DATE_LEN];
  time_t deadline = 0;
  int got = read_instant(&v, "extend-deadline", "deadline", "The new deadline", t, &is);
  if (got == 0) posting_issue(&is, 0, "deadline", "Enter the new deadline");
  if (got > 0) date_parse(t, &deadline);
  if (got > 0 && c.p.deadline && deadline <= c.p.deadline)
    posting_issue(&is, 0, "deadline", "The new deadline must be later than the current one");
  const char *why = val(&v, "extend-why");
  if (!*why) posting_issue(&is, 0, "why", "Say why the deadline is extended");
  else if (strlen(why) > POSTING_SHORT_MAX) posting_issue(&is, 0, "why", "Keep the reason to 1,000 characters or fewer");
  Posting p;
  posting_copy(&p, &c.p);
  p.deadline = deadline;
  if (!posting_errors(&is)) check_into(&p, posting_org_is_private(&c.org), app_now(r), &is);
  if (posting_errors(&is)) manage_errors(r, &c, "extend-", &is);
  else {
    char *diff = post_diff(&c.p, &p);
    Amendment am = {&p, why};
    run_change(r, &c, do_amend, &am, "posting.extend", "Deadline extended: %s",
               req_printf(r, "%s has extended the deadline of \"%s\". Why: %s", c.org.name, c.ps.title, why),
               diff ? req_printf(r, "What changed:\n%s", diff) : NULL, "extended");
    free(diff);
  }
  posting_release(&p);
  ctx_release(&c);
}

void page_posting_cancel(Request *r) {
  Ctx c;
  if (!strcmp(r->method, "POST") ? load_published(r, &c) : ctx_load(r, &c, 1)) return;
  FormErrors e = {0};
  const char *reason = strcmp(r->method, "POST") ? "" : form_value(r, "reason");
  if (!strcmp(r->method, "POST")) {
    if (!*reason) ui_error(&e, "reason", "Say why the notice is cancelled");
    else if (strlen(reason) > POSTING_SHORT_MAX) ui_error(&e, "reason", "Keep the reason to 1,000 characters or fewer");
    if (!e.n) {
      run_change(r, &c, do_cancel, reason, "posting.cancel", "Cancelled: %s",
                 req_printf(r, "%s has cancelled the notice \"%s\".", c.org.name, c.ps.title),
                 req_printf(r, "The reason given: %s", reason), NULL);
      ctx_release(&c);
      return;
    }
    r->status = 422;
  } else if (!is_published(&c.ps)) {
    refusal_page(r, 409, "You cannot do that",
                 post_refusal_words(is_draft(&c.ps) ? POST_NOT_PUBLISHED : POST_IS_CANCELLED));
    ctx_release(&c);
    return;
  }
  ui_page_begin(r, req_printf(r, "Cancel “%s”", c.ps.title), &e);
  back_link(r, posting_path(r, "manage", c.ps.id), "Back to the notice");
  html_printf(&r->out, "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-two-thirds\">"
                       "<h1 class=\"govuk-heading-l\">Are you sure you want to cancel “%s”?</h1>"
                       "<div class=\"govuk-warning-text\"><span class=\"govuk-warning-text__icon\" aria-hidden=\"true\">!"
                       "</span><strong class=\"govuk-warning-text__text\"><span class=\"govuk-visually-hidden\">Warning"
                       "</span>Cancelling is public and cannot be undone. The suppliers that registered interest are "
                       "emailed the reason.</strong></div>",
              c.ps.title);
  ui_form_begin(r, req_printf(r, "%s/cancel", base_path(r)));
  ui_hidden(r, "posting", req_printf(r, "%lld", c.ps.id));
  ui_textarea(r, &e, "reason", "Why is it cancelled?", reason, "This is published on the notice");
  html_printf(&r->out, "<div class=\"govuk-button-group\"><button type=\"submit\" class=\"govuk-button "
                       "govuk-button--warning\" data-module=\"govuk-button\">Yes, cancel the notice</button>"
                       "<a class=\"govuk-link\" href=\"%H\">No, keep it</a></div></form></div></div>",
              posting_path(r, "manage", c.ps.id));
  page_end(r);
  ctx_release(&c);
}

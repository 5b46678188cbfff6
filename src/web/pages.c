/* pages.c -- the portal's HTML pages: home, search (its form keeps what was
 * typed and lists every error at once), the CPV picker (/cpv), buyer, not
 * found, and the server's own refusals on HTML paths (page_error).
 * (The notice page is notice_page.c; what pages share is layout.c.)
 * Server-rendered, complete without JavaScript, GOV.UK Frontend class names
 * (the styles come from the govuk-frontend package, without the crown,
 * logotype or Transport font). Everything from the data goes through
 * html_printf's escaping verbs; links built from data use %U or %H.
 *
 * Every read behind a page must succeed: one that fails makes the page a 503
 * "service unavailable" naming the request id (page_unavailable), never a
 * page with a part missing, a "Page not found" or the store's message, and
 * such a page is never kept in the page cache. */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/num.h"
#include "base/url.h"
#include "model/cpv.h"
#include "model/region.h"
#include "ingest/stored.h"
#include "ocds/derive.h"
#include "ocds/merge.h"
#include "ocds/release.h"
#include "store/notices.h"
#include "store/orgs.h"
#include "web/app.h"
#include "web/html.h"
#include "web/layout.h"

/* Snippet text with the engine's \x02...\x03 match markers as <mark>. */
static void snippet_html(Buf *out, const char *s) {
  if (!s) return;
  const char *p = s;
  while (*p) {
    const char *open = strchr(p, '\x02');
    if (!open) {
      html_escape(out, p, strlen(p));
      break;
    }
    html_escape(out, p, (size_t)(open - p));
    const char *close = strchr(open + 1, '\x03');
    size_t n = close ? (size_t)(close - open - 1) : strlen(open + 1);
    buf_adds(out, "<mark>");
    html_escape(out, open + 1, n);
    buf_adds(out, "</mark>");
    p = close ? close + 1 : open + 1 + n;
  }
}

static void regions_text(Buf *out, const char *codes) {
  if (!codes || !*codes) {
    buf_adds(out, "not given");
    return;
  }
  const char *p = codes;
  while (*p) {
    const char *c = strchr(p, ',');
    size_t n = c ? (size_t)(c - p) : strlen(p);
    char code[8] = {0};
    if (n < sizeof code) memcpy(code, p, n);
    const char *name = region_name(code);
    if (p != codes) buf_adds(out, ", ");
    buf_adds(out, name ? name : code);
    p += n + (c ? 1 : 0);
  }
}

/* One search result. */
static void result_item(Request *r, const StoreHit *h, time_t now) {
  Buf regions = BUF_INIT, when = BUF_INIT, snip = BUF_INIT, value = BUF_INIT;
  regions_text(&regions, h->regions);
  human_deadline(&when, h->deadline);
  if (h->status && !strcmp(h->status, "open")) {
    buf_adds(&when, " (");
    closes_in(&when, h->deadline, now);
    buf_addc(&when, ')');
  }
  snippet_html(&snip, h->snippet);
  if (h->has_value) html_printf(&value, "%m", h->value, h->currency);
  else buf_adds(&value, "not given");
  html_printf(&r->out,
              "<li class=\"ph-result\"><h3 class=\"govuk-heading-s\"><a class=\"govuk-link\" href=\"/notices/%U\">%s</a></h3>"
              "<p class=\"govuk-body-s ph-result__buyer\">%s <strong class=\"govuk-tag %s\">%s</strong>%R%R%s%R</p>",
              h->ocid, h->title ? h->title : h->ocid, h->buyer_name ? h->buyer_name : "", status_class(h->status),
              h->status, notice_marks(h->sector == NOTICE_PRIVATE, h->subcontract),
              h->stage ? " <span class=\"ph-result__stage\">Stage: " : "", h->stage ? derive_stage_words(h->stage) : "",
              h->stage ? "</span>" : "");
  html_printf(&r->out, "<p class=\"govuk-body-s ph-result__snippet\">%R</p>", snip.data ? snip.data : "");
  if (h->winner || h->has_award_value || h->award_date) { /* an awarded contract: who won, for how much, when */
    Buf award = BUF_INIT, on = BUF_INIT;
    if (h->has_award_value) html_printf(&award, "%m", h->award_value, h->award_currency);
    else buf_adds(&award, "not given");
    human_date(&on, h->award_date);
    html_printf(&r->out,
                "<dl class=\"ph-facts\"><div><dt>Winner</dt><dd>%s</dd></div><div><dt>Award value</dt><dd>%R</dd></div>"
                "<div><dt>Award date</dt><dd>%s</dd></div><div><dt>Region</dt><dd>%s</dd></div></dl></li>\n",
                h->winner ? h->winner : "not named", award.data, on.data, regions.data);
    buf_release(&award);
    buf_release(&on);
  } else {
    html_printf(&r->out,
                "<dl class=\"ph-facts\"><div><dt>Value</dt><dd>%R</dd></div><div><dt>Closing date</dt><dd>%s</dd></div>"
                "<div><dt>Region</dt><dd>%s</dd></div></dl></li>\n",
                value.data, when.data, regions.data);
  }
  buf_release(&regions);
  buf_release(&when);
  buf_release(&snip);
  buf_release(&value);
}

static void results_list(Request *r, StoreResults *res, time_t now) {
  html_printf(&r->out, "<ul class=\"govuk-list ph-results\">\n");
  for (size_t i = 0; i < res->n; i++) result_item(r, &res->hits[i], now);
  html_printf(&r->out, "</ul>\n");
}

/* A search with the given parameters (name, value pairs, NULL-terminated).
 * On failure res is empty and err says why (for the log). */
static int quick_search(Request *r, StoreResults *res, Err *err, ...) {
  Query q;
  query_init(&q);
  va_list ap;
  va_start(ap, err);
  const char *name;
  while ((name = va_arg(ap, const char *))) query_set(&q, name, va_arg(ap, const char *), err);
  va_end(ap);
  err_clear(err);
  int rc = query_finish(&q, app_now(r), err);
  Store *st = app_store(r);
  if (rc == 0) rc = st ? app_search(r, &q, res, err) : err_set(err, ERR_DB, "no database connection");
  query_release(&q);
  if (rc) memset(res, 0, sizeof *res);
  return rc;
}

static void search_box(Request *r, const char *q) {
  html_printf(&r->out,
              "<form action=\"/notices\" method=\"get\" role=\"search\" class=\"ph-search\">"
              "<label class=\"govuk-label govuk-label--m\" for=\"q\">Search contract notices</label>"
              "<div class=\"ph-search__row\"><input class=\"govuk-input\" id=\"q\" name=\"q\" type=\"search\" value=\"%s\">"
              "<button class=\"govuk-button\" type=\"submit\">Search</button></div></form>\n",
              q ? q : "");
}

void page_home(Request *r) {
  time_t now = app_now(r);
  Store *st = app_store(r);
  StoreStats s;
  Err err = ERR_INIT;
  memset(&s, 0, sizeof s);
  StoreResults open, soon, newest;
  memset(&open, 0, sizeof open);
  memset(&soon, 0, sizeof soon);
  memset(&newest, 0, sizeof newest);
  /* every read first: a page with a count missing would say 0 */
  if (!st || store_stats(st, &s, &err) < 0 ||
      quick_search(r, &open, &err, "status", "open", "limit", "1", NULL) ||
      quick_search(r, &soon, &err, "status", "open", "sort", "closing", "limit", "5", NULL) ||
      quick_search(r, &newest, &err, "sort", "newest", "limit", "5", NULL)) {
    store_results_release(&open);
    store_results_release(&soon);
    page_unavailable(r, st ? err.msg : NULL);
    return;
  }
  page_begin(r, "Find public and private sector contracts");
  html_printf(&r->out,
              "<h1 class=\"govuk-heading-xl\">Find contracts in the North of England</h1>"
              "<p class=\"govuk-body-l\">Opportunities from councils, the NHS, universities and private companies, "
              "in one place.</p>\n");
  search_box(r, NULL);
  long long n_open = open.total;
  store_results_release(&open);
  html_printf(&r->out,
              "<ul class=\"govuk-list ph-counts\"><li><strong>%lld</strong> notices</li>"
              "<li><a class=\"govuk-link\" href=\"/notices?status=open\"><strong>%lld</strong> open now</a></li>"
              "<li><strong>%lld</strong> buyers</li><li><strong>%lld</strong> contracts awarded</li></ul>\n",
              (long long)s.notices, n_open, (long long)s.buyers, (long long)s.awarded);
  html_printf(&r->out, "<h2 class=\"govuk-heading-l\">Closing soon</h2>\n");
  if (soon.n) results_list(r, &soon, now);
  else html_printf(&r->out, "<p class=\"govuk-body\">No notices are open at the moment.</p>\n");
  html_printf(&r->out, "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/notices?status=open&amp;sort=closing\">"
                       "All open notices by closing date</a></p>\n");
  store_results_release(&soon);
  html_printf(&r->out, "<h2 class=\"govuk-heading-l\">Newest notices</h2>\n");
  results_list(r, &newest, now);
  store_results_release(&newest);
  page_end(r);
}

/* ---- the search form ---------------------------------------------------
 * The form shows what the person typed (the request's own values, not the
 * parsed query), so a mistake in one field loses nothing: every field keeps
 * its value, the wrong one too, and every error is reported at once, in
 * words, linked to its field. With any error the page answers 400 and lists
 * no results: a count that silently left out a filter the person typed
 * would mislead. Parameters the query model accepts but the form has no
 * field for travel as hidden inputs, so "Apply filters" never drops one. */

#define FORM_MAX_ERRORS 24

typedef struct {
  const char *name;   /* the parameter */
  const char *anchor; /* the id of the field the summary links to */
  const char *msg;    /* for people */
  const char *value;  /* the value that was wrong (shown in its field) */
} FieldError;

typedef struct {
  Query q;
  FieldError err[FORM_MAX_ERRORS];
  size_t n_err;
  const char *buyer_name; /* the buyer filter's organisation, when found */
  int buyer_missing;      /* a valid id that names no organisation */
} SearchForm;

/* The form's own fields, in the order they appear (the error summary's
 * order); anything else query_set accepts is carried hidden. */
static const struct {
  const char *name, *anchor, *msg;
} fields[] = {
    {"q", "q", "Enter at most 32 keywords and 512 characters"},
    {"status", "status-open", "Choose a status from the list"},
    {"stage", "stage-pipeline", "Choose a stage from the list"},
    {"region", "region-TLC", "Choose a region from the list"},
    {"closing_within", "closing_within", "Enter the number of days as a whole number from 1 to 3650, like 30"},
    {"closing_after", "closing_after", "Enter the earliest closing date as year-month-day, like 2025-03-31"},
    {"closing_before", "closing_before", "Enter the latest closing date as year-month-day, like 2025-03-31"},
    {"published_from", "published_from", "Enter the earliest publication date as year-month-day, like 2025-01-31"},
    {"published_to", "published_to", "Enter the latest publication date as year-month-day, like 2025-12-31"},
    {"value_min", "value_min", "Enter a minimum value as a number, like 10000"},
    {"value_max", "value_max", "Enter a maximum value as a number, like 250000"},
    {"cpv", "cpv", "Enter a CPV code of 2 to 8 digits, like 72 or 72000000, or find a code by word"},
    {"buyer", "buyer", "The buyer filter in this address is not valid: untick it to search every buyer"},
    {"sme", "sme-true", "Tick or untick the box for small and medium-sized enterprises"},
    {"vcse", "vcse-true", "Tick or untick the box for voluntary, community and social enterprises"},
    {"reserved", "reserved-sme-vcse", "Choose how a notice is reserved from the list"},
    {"sector", "sector-public", "Choose public or private sector from the list"},
    {"subcontract", "subcontract-true", "Tick or untick the box for sub-contracting opportunities"},
    {"sort", "sort", "Choose how to sort the results from the list"},
    {"limit", "filters", "The number of results a page in this address is not valid: apply the filters again"},
    {"cursor", "filters", "This link to a page of results is out of date: apply the filters again to start from the first page"},
};

static int field_index(const char *name) {
  for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
    if (!strcmp(fields[i].name, name)) return (int)i;
  return -1;
}

static const FieldError *form_error(const SearchForm *f, const char *name) {
  for (size_t i = 0; i < f->n_err; i++)
    if (!strcmp(f->err[i].name, name)) return &f->err[i];
  return NULL;
}

/* Records an error on parameter name (once per parameter); msg_from_model is
 * the query model's message, used for a parameter the form does not know. */
static void form_fail(Request *r, SearchForm *f, const char *name, const char *value, const char *msg_from_model) {
  if (form_error(f, name) || f->n_err == FORM_MAX_ERRORS) return;
  int i = field_index(name);
  FieldError *e = &f->err[f->n_err++];
  e->name = req_strdup(r, name);
  e->anchor = i >= 0 ? fields[i].anchor : "filters";
  e->value = value ? req_strdup(r, value) : NULL;
  if (i < 0) e->msg = req_strdup(r, msg_from_model);
  else if (!strcmp(name, "q") && strstr(msg_from_model, "UTF-8"))
    e->msg = "Keywords have characters that cannot be read: type them again";
  else if (!strcmp(name, "value_max") && strstr(msg_from_model, "value_min"))
    e->msg = "Enter a maximum value that is the same as or more than the minimum value";
  else if (!strcmp(name, "closing_before") && strstr(msg_from_model, "closing_after"))
    e->msg = "Enter a latest closing date that is the same as or after the earliest closing date";
  else e->msg = fields[i].msg;
}

/* The last word of msg that is a parameter of the query model, or "filters". */
static const char *last_param_named(Request *r, const char *msg) {
  const char *name = "filters";
  for (const char *p = msg; *p;) {
    const char *w = p;
    while ((*p >= 'a' && *p <= 'z') || *p == '_') p++;
    if (p > w) {
      char *word = req_printf(r, "%.*s", (int)(p - w), w);
      Query probe;
      Err e = ERR_INIT;
      query_init(&probe);
      if (query_set(&probe, word, "", &e) != ERR_NOTFOUND) name = word; /* "" sets nothing: a name probe */
      query_release(&probe);
    } else {
      p++;
    }
  }
  return name;
}

static int by_field_order(const void *a, const void *b) {
  int x = field_index(((const FieldError *)a)->name), y = field_index(((const FieldError *)b)->name);
  if (x < 0) x = INT_MAX; /* a parameter without a field of its own: last */
  if (y < 0) y = INT_MAX;
  return (x > y) - (x < y);
}

/* Parses the request into f->q, collecting every error. 0, or -1 when the
 * buyer lookup failed (the page is then a 503). */
static int form_read(Request *r, SearchForm *f, time_t now, Err *err) {
  memset(f, 0, sizeof *f);
  query_init(&f->q);
  for (size_t i = 0; i < r->n_params; i++) {
    const Param *p = &r->params[i];
    Err e = ERR_INIT;
    int rc = query_set(&f->q, p->name, p->value, &e);
    if (rc && rc != ERR_NOTFOUND) form_fail(r, f, p->name, p->value, e.msg);
  }
  Err e = ERR_INIT;
  if (query_finish(&f->q, now, &e)) {
    /* a cross-field check ("value_min (...) must not be more than value_max
     * (...)"): the error belongs to the last parameter it names, the upper
     * bound; a cursor made for another sort, to the cursor */
    const char *name = !strncmp(e.msg, "cursor", 6) ? "cursor" : last_param_named(r, e.msg);
    form_fail(r, f, name, req_param(r, name), e.msg);
  }
  if (f->q.buyer && !form_error(f, "buyer")) {
    Store *st = app_store(r);
    Org o;
    memset(&o, 0, sizeof o);
    int rc = st ? store_org_get(st, f->q.buyer, &o, err) : err_set(err, ERR_DB, "no database connection");
    if (rc < 0) {
      org_release(&o);
      return -1;
    }
    if (rc == 1) f->buyer_name = req_strdup(r, o.name ? o.name : "Unnamed buyer");
    else f->buyer_missing = 1;
    org_release(&o);
  }
  return 0;
}

/* What the person typed for name: the wrong value when there was an error,
 * else every value given, comma-separated. "" when none. */
static const char *typed(Request *r, const SearchForm *f, const char *name) {
  const FieldError *e = form_error(f, name);
  if (e && e->value) return e->value;
  Buf b = BUF_INIT;
  for (size_t i = 0; i < r->n_params; i++)
    if (!strcmp(r->params[i].name, name) && *r->params[i].value)
      buf_addf(&b, "%s%s", b.len ? "," : "", r->params[i].value);
  const char *s = req_strdup(r, b.data ? b.data : "");
  buf_release(&b);
  return s;
}

/* 1 when value is one of the values given for name (comma lists split, any
 * case): a ticked box stays ticked even when another value was wrong. */
static int ticked(const Request *r, const char *name, const char *value) {
  size_t n = strlen(value);
  for (size_t i = 0; i < r->n_params; i++) {
    if (strcmp(r->params[i].name, name) != 0) continue;
    for (const char *p = r->params[i].value; *p;) {
      while (*p == ' ' || *p == ',') p++;
      const char *end = p;
      while (*end && *end != ',') end++;
      const char *last = end;
      while (last > p && last[-1] == ' ') last--;
      if ((size_t)(last - p) == n && !strncasecmp(p, value, n)) return 1;
      p = end;
    }
  }
  return 0;
}

static int flag_ticked(const Request *r, const char *name) {
  static const char *const yes[] = {"true", "1", "yes", "on"};
  for (size_t i = 0; i < 4; i++)
    if (ticked(r, name, yes[i])) return 1;
  return 0;
}

/* The error message of a field in its group, or nothing. */
static void field_error_text(Request *r, const SearchForm *f, const char *name) {
  const FieldError *e = form_error(f, name);
  if (e)
    html_printf(&r->out, "<p class=\"govuk-error-message\" id=\"%s-error\"><span class=\"govuk-visually-hidden\">Error:</span> %s</p>",
                name, e->msg);
}

static const char *group_class(const SearchForm *f, const char *name) {
  return form_error(f, name) ? "govuk-form-group govuk-form-group--error" : "govuk-form-group";
}

/* A text field: label, optional hint, error, input with what was typed. */
static void text_field(Request *r, const SearchForm *f, const char *name, const char *label, const char *hint,
                       const char *width, const char *inputmode) {
  int bad = form_error(f, name) != NULL;
  html_printf(&r->out, "<div class=\"%s\"><label class=\"govuk-label govuk-label--s\" for=\"%s\">%s</label>",
              group_class(f, name), name, label);
  Buf described = BUF_INIT;
  if (hint) {
    html_printf(&r->out, "<div class=\"govuk-hint\" id=\"%s-hint\">%s</div>", name, hint);
    buf_addf(&described, "%s-hint", name);
  }
  field_error_text(r, f, name);
  if (bad) buf_addf(&described, "%s%s-error", described.len ? " " : "", name);
  html_printf(&r->out, "<input class=\"govuk-input %s%s\" id=\"%s\" name=\"%s\" type=\"text\" inputmode=\"%s\" "
                       "spellcheck=\"false\" aria-describedby=\"%s\" value=\"%s\"></div>",
              width, bad ? " govuk-input--error" : "", name, name, inputmode, described.data ? described.data : "",
              typed(r, f, name));
  buf_release(&described);
}

static void checkbox(Request *r, const char *name, const char *value, const char *label, int checked) {
  html_printf(&r->out,
              checked ? "<div class=\"govuk-checkboxes__item\"><input class=\"govuk-checkboxes__input\" id=\"%s-%s\" "
                        "name=\"%s\" type=\"checkbox\" value=\"%s\" checked>"
                      : "<div class=\"govuk-checkboxes__item\"><input class=\"govuk-checkboxes__input\" id=\"%s-%s\" "
                        "name=\"%s\" type=\"checkbox\" value=\"%s\">",
              name, value, name, value);
  html_printf(&r->out, "<label class=\"govuk-label govuk-checkboxes__label\" for=\"%s-%s\">%s</label></div>", name, value,
              label);
}

/* A fieldset of checkboxes; name's error (if any) inside it. */
static void boxes_begin(Request *r, const SearchForm *f, const char *name, const char *legend) {
  html_printf(&r->out, "<div class=\"%s\"><fieldset class=\"govuk-fieldset\"><legend class=\"govuk-fieldset__legend "
                       "govuk-fieldset__legend--s\">%s</legend>",
              group_class(f, name), legend);
  field_error_text(r, f, name);
  html_printf(&r->out, "<div class=\"govuk-checkboxes govuk-checkboxes--small\">");
}

static void boxes_end(Request *r) { html_printf(&r->out, "</div></fieldset></div>"); }

/* The "There is a problem" summary: first in main, focused on load (the
 * GOV.UK pattern: role=alert, tabindex=-1 and autofocus, no script). */
static void error_summary(Request *r, const FieldError *err, size_t n) {
  html_printf(&r->out, "<div class=\"govuk-error-summary\" role=\"alert\" tabindex=\"-1\" autofocus "
                       "aria-labelledby=\"error-summary-title\"><h2 class=\"govuk-error-summary__title\" id=\"error-summary-title\">"
                       "There is a problem</h2><div class=\"govuk-error-summary__body\">"
                       "<ul class=\"govuk-list govuk-error-summary__list\">");
  for (size_t i = 0; i < n; i++)
    html_printf(&r->out, "<li><a href=\"#%U\">%s</a></li>", err[i].anchor, err[i].msg);
  html_printf(&r->out, "</ul></div></div>\n");
}

static void filters_form(Request *r, const SearchForm *f) {
  const Query *q = &f->q;
  html_printf(&r->out, "<p class=\"govuk-body-s ph-skip\"><a class=\"govuk-link\" href=\"#results\">Skip to results</a></p>"
                       "<form action=\"/notices\" method=\"get\" class=\"ph-filters\" role=\"search\" id=\"filters\">");
  int bad_q = form_error(f, "q") != NULL;
  html_printf(&r->out, "<div class=\"%s\"><label class=\"govuk-label govuk-label--s\" for=\"q\">Keywords</label>"
                       "<div class=\"govuk-hint\" id=\"q-hint\">Use \"quotes\" for a phrase, -word to leave out, OR for either</div>",
              group_class(f, "q"));
  field_error_text(r, f, "q");
  html_printf(&r->out, "<div class=\"ph-search__row\"><input class=\"govuk-input%s\" id=\"q\" name=\"q\" type=\"search\" "
                       "aria-describedby=\"%s\" value=\"%s\"><button class=\"govuk-button\" type=\"submit\">Search</button></div></div>",
              bad_q ? " govuk-input--error" : "", bad_q ? "q-hint q-error" : "q-hint", typed(r, f, "q"));
  /* On a phone the filters fold away under one line, so results come first;
   * from tablet width up (site.css) they always show. Open when an error is
   * in them. */
  html_printf(&r->out, f->n_err ? "<details class=\"govuk-details ph-filters__more\" open>"
                                : "<details class=\"govuk-details ph-filters__more\">");
  /* folded, the toggle still says how many filters are in use */
  int in_use = (q->status != 0) + (q->n_region > 0) + (q->n_cpv > 0) + (q->closing_within > 0) +
               (q->closing_after[0] != 0) + (q->closing_before[0] != 0) + q->has_value_min + q->has_value_max +
               (q->buyer != 0) + (q->sme != FLAG_UNKNOWN) + (q->vcse != FLAG_UNKNOWN) + (q->stage != 0) +
               (q->reserved != 0) + (q->published_from_day[0] != 0) + (q->published_to_day[0] != 0) +
               (q->sector != 0) + (q->subcontract != FLAG_UNKNOWN);
  html_printf(&r->out, "<summary class=\"govuk-details__summary\"><span class=\"govuk-details__summary-text\">Filters%s</span>"
                       "</summary><div class=\"govuk-details__text\">",
              in_use ? req_printf(r, " (%d in use)", in_use) : "");
  boxes_begin(r, f, "status", "Status");
  static const char *const label[NOTICE_N_STATUS] = {"Open", "Closed", "Awarded", "Cancelled", "Planned"};
  for (int i = 0; i < NOTICE_N_STATUS; i++) {
    const char *name = notice_status_name((NoticeStatus)i);
    checkbox(r, "status", name, label[i], ticked(r, "status", name));
  }
  boxes_end(r);
  boxes_begin(r, f, "stage", "Stage");
  for (int i = 0; i < NOTICE_N_STAGE; i++) {
    const char *name = notice_stage_name(i);
    checkbox(r, "stage", name, derive_stage_words(name), ticked(r, "stage", name));
  }
  boxes_end(r);
  boxes_begin(r, f, "region", "Region");
  for (size_t i = 0; i < region_count; i++)
    checkbox(r, "region", region_list[i].code, region_list[i].name, ticked(r, "region", region_list[i].code));
  boxes_end(r);
  text_field(r, f, "closing_within", "Closing within (days)", NULL, "govuk-input--width-4", "numeric");
  text_field(r, f, "closing_after", "Closing on or after", "For example, 2025-03-31", "govuk-input--width-10", "text");
  text_field(r, f, "closing_before", "Closing on or before", "For example, 2025-06-30", "govuk-input--width-10", "text");
  text_field(r, f, "published_from", "Published on or after", "For example, 2025-01-31", "govuk-input--width-10", "text");
  text_field(r, f, "published_to", "Published on or before", "For example, 2025-12-31", "govuk-input--width-10", "text");
  text_field(r, f, "value_min", "Value from (£)", NULL, "govuk-input--width-10", "numeric");
  text_field(r, f, "value_max", "Value up to (£)", NULL, "govuk-input--width-10", "numeric");
  text_field(r, f, "cpv", "CPV code", "A code or its start, e.g. 72 for IT services; several with commas",
             "govuk-input--width-10", "text");
  if (q->n_cpv && !form_error(f, "cpv")) { /* what the codes mean */
    html_printf(&r->out, "<ul class=\"govuk-list govuk-body-s ph-cpv-chosen\">");
    for (size_t i = 0; i < q->n_cpv; i++) {
      char code[9] = "00000000";
      memcpy(code, q->cpv[i], strlen(q->cpv[i]));
      const char *meaning = cpv_label(code);
      html_printf(&r->out, "<li>%s: %s</li>", q->cpv[i], meaning ? meaning : "codes starting with these digits");
    }
    html_printf(&r->out, "</ul>");
  }
  Buf here = BUF_INIT;
  query_to_url_page(q, NULL, &here);
  html_printf(&r->out, "<p class=\"govuk-body-s ph-cpv-find\"><a class=\"govuk-link\" href=\"/cpv?search=%U\">Find a CPV code by word</a></p>",
              here.data ? here.data : "");
  buf_release(&here);
  const char *buyer = typed(r, f, "buyer");
  if (*buyer) { /* a box to untick, naming the buyer, and a link that drops it now */
    boxes_begin(r, f, "buyer", "Buyer");
    Buf text = BUF_INIT, without = BUF_INIT;
    if (f->buyer_name) buf_addf(&text, "Only notices from %s", f->buyer_name);
    else if (f->buyer_missing) buf_addf(&text, "Only notices from buyer %s (no buyer has this number)", buyer);
    else buf_addf(&text, "Only notices from buyer %s", buyer);
    html_printf(&r->out, "<div class=\"govuk-checkboxes__item\"><input class=\"govuk-checkboxes__input\" id=\"buyer\" "
                         "name=\"buyer\" type=\"checkbox\" value=\"%s\" checked><label class=\"govuk-label govuk-checkboxes__label\" "
                         "for=\"buyer\">%s</label></div>",
                buyer, text.data);
    boxes_end(r);
    query_to_url_without(q, "buyer", NULL, &without);
    html_printf(&r->out, "<p class=\"govuk-body-s\"><a class=\"govuk-link\" href=\"/notices?%s\">Remove the buyer filter</a></p>",
                without.data ? without.data : "");
    buf_release(&text);
    buf_release(&without);
  }
  boxes_begin(r, f, "sme", "Suitable for");
  checkbox(r, "sme", "true", "Small and medium-sized enterprises", flag_ticked(r, "sme"));
  html_printf(&r->out, "</div>");
  field_error_text(r, f, "vcse");
  html_printf(&r->out, "<div class=\"govuk-checkboxes govuk-checkboxes--small\">");
  checkbox(r, "vcse", "true", "Voluntary, community and social enterprises", flag_ticked(r, "vcse"));
  boxes_end(r);
  boxes_begin(r, f, "reserved", "Reserved participation");
  checkbox(r, "reserved", "sme-vcse", "Reserved to SMEs and VCSEs", ticked(r, "reserved", "sme-vcse"));
  checkbox(r, "reserved", "location", "Reserved to suppliers in one county or borough", ticked(r, "reserved", "location"));
  boxes_end(r);
  boxes_begin(r, f, "sector", "Sector");
  checkbox(r, "sector", "public", "Public sector", ticked(r, "sector", "public"));
  checkbox(r, "sector", "private", "Private sector", ticked(r, "sector", "private"));
  boxes_end(r);
  boxes_begin(r, f, "subcontract", "Opportunity type");
  checkbox(r, "subcontract", "true", "Sub-contracting opportunities", flag_ticked(r, "subcontract"));
  boxes_end(r);
  /* The first option sends no sort, so a new keyword search ranks by relevance. */
  static const char *const sorts[][2] = {{"", "Best match (newest without keywords)"}, {"closing", "Closing soonest"},
                                         {"newest", "Newest"}, {"value", "Highest value"},
                                         {"award_date", "Award date (latest first)"}};
  const char *sort = req_param(r, "sort");
  int bad_sort = form_error(f, "sort") != NULL;
  html_printf(&r->out, "<div class=\"%s\"><label class=\"govuk-label govuk-label--s\" for=\"sort\">Sort by</label>",
              group_class(f, "sort"));
  field_error_text(r, f, "sort");
  html_printf(&r->out, bad_sort ? "<select class=\"govuk-select govuk-select--error\" id=\"sort\" name=\"sort\" aria-describedby=\"sort-error\">"
                                : "<select class=\"govuk-select\" id=\"sort\" name=\"sort\">");
  for (size_t i = 0; i < sizeof sorts / sizeof *sorts; i++) {
    int selected = sort && *sort && !bad_sort ? !strcmp(query_sort_name(q->sort), sorts[i][0]) : i == 0;
    html_printf(&r->out, selected ? "<option value=\"%s\" selected>%s</option>" : "<option value=\"%s\">%s</option>",
                sorts[i][0], sorts[i][1]);
  }
  html_printf(&r->out, "</select></div>");
  /* Parameters the model accepts without a field here (a page size, one
   * added to the model later): carried as they came, unless wrong. The
   * cursor is left behind: new filters start at the first page. */
  for (size_t i = 0; i < r->n_params; i++) {
    const Param *p = &r->params[i];
    if (field_index(p->name) >= 0 && strcmp(p->name, "limit") != 0) continue;
    if (form_error(f, p->name) || !*p->value) continue;
    Query probe;
    Err e = ERR_INIT;
    query_init(&probe);
    int known = query_set(&probe, p->name, p->value, &e) == 0;
    query_release(&probe);
    if (known) html_printf(&r->out, "<input type=\"hidden\" name=\"%s\" value=\"%s\">", p->name, p->value);
  }
  html_printf(&r->out, "<button class=\"govuk-button\" type=\"submit\">Apply filters</button></div></details></form>\n");
}

/* Links that loosen one filter, for a search with no results. */
static void loosen_links(Request *r, const Query *q) {
  html_printf(&r->out, "<p class=\"govuk-body\">No notices match. Try loosening a filter:</p><ul class=\"govuk-list\">");
  struct {
    const char *name, *label;
    int on;
  } loosen[] = {{"q", "keywords", q->n_clauses > 0},         {"status", "status", q->status != 0},
                {"region", "region", q->n_region > 0},      {"cpv", "CPV code", q->n_cpv > 0},
                {"closing_within", "closing within", q->closing_within > 0},
                {"closing_after", "earliest closing date", q->closing_after[0] != 0},
                {"closing_before", "latest closing date", q->closing_before[0] != 0},
                {"value_min", "minimum value", q->has_value_min}, {"value_max", "maximum value", q->has_value_max},
                {"sme", "SME suitability", q->sme != FLAG_UNKNOWN}, {"vcse", "VCSE suitability", q->vcse != FLAG_UNKNOWN},
                {"sector", "sector", q->sector != 0},
                {"subcontract", "sub-contracting", q->subcontract != FLAG_UNKNOWN},
                {"buyer", "buyer", q->buyer != 0}};
  for (size_t i = 0; i < sizeof loosen / sizeof *loosen; i++) {
    if (!loosen[i].on) continue;
    Buf u = BUF_INIT;
    query_to_url_without(q, loosen[i].name, NULL, &u);
    html_printf(&r->out, "<li><a class=\"govuk-link\" href=\"/notices?%s\">Remove the %s filter</a></li>",
                u.data ? u.data : "", loosen[i].label);
    buf_release(&u);
  }
  html_printf(&r->out, "</ul>\n");
}

/* The page links and "Download these results" (every result, not the page
 * shown; never offered for no results). */
static void results_after(Request *r, const Query *q, const StoreResults *res) {
  const char *next = api_next_cursor(r, q, res);
  html_printf(&r->out, "<nav class=\"govuk-pagination\" aria-label=\"Results pages\">");
  if (q->has_cursor) {
    Buf u = BUF_INIT;
    query_to_url_page(q, NULL, &u);
    html_printf(&r->out, "<a class=\"govuk-link ph-page\" href=\"/notices?%s\">First page</a> ", u.data ? u.data : "");
    buf_release(&u);
  }
  if (next) {
    Buf u = BUF_INIT;
    query_to_url_page(q, next, &u);
    html_printf(&r->out, "<a class=\"govuk-link ph-page\" rel=\"next\" href=\"/notices?%s\">Next page</a>", u.data);
    buf_release(&u);
  }
  html_printf(&r->out, "</nav>\n");
  Buf u = BUF_INIT, all = BUF_INIT;
  query_to_url(q, &u);
  if (res->total > API_DOWNLOAD_MAX) buf_addf(&all, "the first %d of these %lld results", API_DOWNLOAD_MAX, res->total);
  else buf_addf(&all, res->total == 1 ? "this result" : "these %lld results", res->total);
  html_printf(&r->out,
              "<p class=\"govuk-body-s ph-download\">Download %s: <a class=\"govuk-link\" href=\"/api/v1/notices.csv?%s\">CSV</a>, "
              "<a class=\"govuk-link\" href=\"/api/v1/notices.ocds.json?%s\">OCDS release package (JSON)</a>. "
              "The same search page by page: <a class=\"govuk-link\" href=\"/api/v1/notices?%s\">JSON API</a>.</p>\n",
              all.data, u.data ? u.data : "", u.data ? u.data : "", u.data ? u.data : "");
  buf_release(&all);
  buf_release(&u);
}

void page_notices(Request *r) {
  time_t now = app_now(r);
  Err err = ERR_INIT;
  SearchForm *f = req_alloc(r, sizeof *f);
  if (form_read(r, f, now, &err)) {
    query_release(&f->q);
    page_unavailable(r, err.msg);
    return;
  }
  StoreResults res;
  memset(&res, 0, sizeof res);
  if (!f->n_err) {
    Store *st = app_store(r);
    int rc = st ? app_search(r, &f->q, &res, &err) : err_set(&err, ERR_DB, "no database connection");
    if (rc && st && rc == ERR_USAGE) { /* about the query, not the service */
      req_log_error(r, "%s", err.msg);
      form_fail(r, f, "filters", NULL, "This search cannot be run as it is: change or remove a filter");
    } else if (rc) {
      query_release(&f->q);
      page_unavailable(r, st ? err.msg : NULL);
      return;
    }
  }
  if (f->n_err) r->status = 400;
  qsort(f->err, f->n_err, sizeof *f->err, by_field_order);
  page_begin(r, f->n_err                              ? "Error: Search contract notices"
                : f->q.status == 1u << NOTICE_AWARDED ? "Awarded contracts"
                                                       : "Search contract notices");
  if (f->n_err) error_summary(r, f->err, f->n_err);
  /* awarded notices only: the awarded contracts, as the menu names them */
  int awarded = !f->n_err && f->q.status == 1u << NOTICE_AWARDED;
  html_printf(&r->out, "<h1 class=\"govuk-heading-l\">%s</h1>\n<div class=\"govuk-grid-row ph-search\">"
                       "<div class=\"govuk-grid-column-one-third ph-search__filters\">\n",
              awarded ? "Awarded contracts" : "Contract notices");
  filters_form(r, f);
  html_printf(&r->out, "</div>\n<div class=\"govuk-grid-column-two-thirds ph-search__results\" id=\"results\">\n");
  if (f->n_err) {
    html_printf(&r->out, "<p class=\"govuk-body ph-total\">No results: correct the %s above to search.</p>\n",
                f->n_err == 1 ? "problem" : "problems");
  } else {
    Buf desc = BUF_INIT;
    query_describe(&f->q, &desc);
    html_printf(&r->out, "<p class=\"govuk-body ph-total\" role=\"status\"><strong>%lld</strong> %s</p>\n", res.total,
                desc.data ? desc.data : "notices");
    buf_release(&desc);
    if (res.total == 0) loosen_links(r, &f->q);
    else {
      results_list(r, &res, now);
      results_after(r, &f->q, &res);
    }
  }
  html_printf(&r->out, "</div></div>\n");
  page_end(r);
  store_results_release(&res);
  query_release(&f->q);
}

/* ---- the CPV picker: /cpv?q=WORDS&search=QUERYSTRING --------------------
 * Codes whose label has the words (or that start with a code), each with a
 * link that adds it to the search the person came from (search: that
 * search's query string, which every link keeps). Works without script. */

#define CPV_SHOWN 50

static int cpv_keep(void *ctx, const char *name, const char *value, Err *err) {
  Err ignored = ERR_INIT;
  if (strcmp(name, "cursor") != 0) query_set(ctx, name, value, &ignored); /* a wrong one is dropped */
  return 0;
}

void page_cpv(Request *r) {
  const char *text = req_param(r, "q");
  const char *search = req_param(r, "search");
  if (!text) text = "";
  Query q;
  Err err = ERR_INIT;
  query_init(&q);
  if (search && url_query_parse(search, strlen(search), SERVER_MAX_PARAMS, SERVER_MAX_URI, cpv_keep, &q, &err) != 0) {
    query_release(&q);
    query_init(&q);
  }
  /* a search that fails a cross-field check (value_min above value_max) is
   * still written back as it came: the search page says what to fix */
  query_finish(&q, app_now(r), &err);
  Buf back = BUF_INIT;
  query_to_url_page(&q, NULL, &back);
  const char *base = back.data ? back.data : "";
  /* the input limits, as errors a person can act on */
  const char *problem = NULL;
  size_t words = 0;
  for (const char *p = text; *p; p++)
    if (((unsigned char)*p > ' ') && (p == text || (unsigned char)p[-1] <= ' ')) words++;
  if (strlen(text) > CPV_SEARCH_MAX_BYTES) problem = "Enter at most 100 characters";
  else if (words > CPV_SEARCH_MAX_WORDS) problem = "Enter at most 8 words";
  const CpvEntry *shown[CPV_SHOWN];
  size_t total = problem ? 0 : cpv_search(text, shown, CPV_SHOWN);
  if (problem) r->status = 400;
  page_begin(r, problem ? "Error: Find a CPV code" : "Find a CPV code");
  if (problem) {
    FieldError e = {"q", "q", problem, text};
    error_summary(r, &e, 1);
  }
  html_printf(&r->out, "<a class=\"govuk-back-link\" href=\"/notices?%s\">Back to your search</a>"
                       "<h1 class=\"govuk-heading-l\">Find a CPV code</h1>"
                       "<p class=\"govuk-body\">Common Procurement Vocabulary (CPV) codes say what a contract buys. "
                       "Find codes by a word, or by the start of a code, and add them to your search.</p>",
              base);
  html_printf(&r->out, "<form action=\"/cpv\" method=\"get\" role=\"search\" class=\"ph-search\"><div class=\"%s\">"
                       "<label class=\"govuk-label govuk-label--s\" for=\"q\">Words or a code</label>"
                       "<div class=\"govuk-hint\" id=\"q-hint\">For example, software, cleaning or 72</div>",
              problem ? "govuk-form-group govuk-form-group--error" : "govuk-form-group");
  if (problem)
    html_printf(&r->out, "<p class=\"govuk-error-message\" id=\"q-error\"><span class=\"govuk-visually-hidden\">Error:</span> %s</p>",
                problem);
  html_printf(&r->out, "<div class=\"ph-search__row\"><input class=\"govuk-input%s\" id=\"q\" name=\"q\" type=\"search\" "
                       "spellcheck=\"false\" aria-describedby=\"%s\" value=\"%s\"><button class=\"govuk-button\" type=\"submit\">"
                       "Find codes</button></div></div><input type=\"hidden\" name=\"search\" value=\"%s\"></form>\n",
              problem ? " govuk-input--error" : "", problem ? "q-hint q-error" : "q-hint", text, base);
  if (!problem && *text) {
    if (total == 0) {
      html_printf(&r->out, "<p class=\"govuk-body ph-total\" role=\"status\">No CPV codes match \"%s\". Try a shorter word, "
                           "or the start of a code such as 72.</p>\n", text);
    } else {
      html_printf(&r->out, "<p class=\"govuk-body ph-total\" role=\"status\"><strong>%zu</strong> CPV %s match \"%s\"%s</p>\n",
                  total, total == 1 ? "code" : "codes", text,
                  total > CPV_SHOWN ? req_printf(r, ": the first %d, broadest first. Add a word to narrow them.", CPV_SHOWN) : "");
      html_printf(&r->out, "<ul class=\"govuk-list ph-cpv\">\n");
      for (size_t i = 0; i < total && i < CPV_SHOWN; i++) {
        const CpvEntry *e = shown[i];
        char prefix[9];
        size_t n = 8;
        while (n > 2 && e->code[n - 1] == '0') n--;
        memcpy(prefix, e->code, n);
        prefix[n] = 0;
        int have = 0;
        for (size_t k = 0; k < q.n_cpv; k++) have |= !strcmp(q.cpv[k], prefix);
        html_printf(&r->out, "<li class=\"ph-cpv__item\"><strong class=\"ph-cpv__code\">%s</strong> %s ", e->code, e->label);
        if (have) html_printf(&r->out, "<span class=\"govuk-body-s\">(in your search)</span></li>\n");
        else
          html_printf(&r->out, "<a class=\"govuk-link\" href=\"/notices?%s%scpv=%U\">Add to search<span class=\"govuk-visually-hidden\">: "
                               "%s %s</span></a></li>\n",
                      base, *base ? "&" : "", e->code, e->code, e->label);
      }
      html_printf(&r->out, "</ul>\n");
    }
  }
  page_end(r);
  buf_release(&back);
  query_release(&q);
}

void page_buyer(Request *r) {
  long long id = 0;
  Store *st = app_store(r);
  Org o;
  memset(&o, 0, sizeof o);
  Err err = ERR_INIT;
  int rc = app_path_id(r->capture, &id) ? 0 : st ? store_org_get(st, id, &o, &err)
                                                 : err_set(&err, ERR_DB, "no database connection");
  if (rc != 1) {
    org_release(&o);
    if (rc < 0) page_unavailable(r, st ? err.msg : NULL);
    else page_not_found(r);
    return;
  }
  time_t now = app_now(r);
  char idtext[32];
  snprintf(idtext, sizeof idtext, "%lld", id);
  StoreResults open, past;
  memset(&past, 0, sizeof past);
  if (quick_search(r, &open, &err, "buyer", idtext, "status", "open", "sort", "closing", "limit", "20", NULL) ||
      quick_search(r, &past, &err, "buyer", idtext, "status", "closed,awarded,cancelled", "sort", "newest", "limit", "20",
                   NULL)) {
    store_results_release(&open);
    org_release(&o);
    page_unavailable(r, err.msg);
    return;
  }
  page_begin(r, o.name ? o.name : "Buyer");
  html_printf(&r->out, "<span class=\"govuk-caption-l\">Buyer</span><h1 class=\"govuk-heading-l\">%s</h1>\n",
              o.name ? o.name : "Unnamed buyer");
  Buf where = BUF_INIT;
  if (o.locality) buf_adds(&where, o.locality);
  if (o.postcode) buf_addf(&where, "%s%s", where.len ? ", " : "", o.postcode);
  if (o.region && region_name(o.region)) buf_addf(&where, "%s%s", where.len ? ", " : "", region_name(o.region));
  if (where.len) html_printf(&r->out, "<p class=\"govuk-body\">%s</p>\n", where.data);
  buf_release(&where);
  html_printf(&r->out, "<h2 class=\"govuk-heading-m\">Open notices (%lld)</h2>\n", open.total);
  if (open.n) results_list(r, &open, now);
  else html_printf(&r->out, "<p class=\"govuk-body\">No open notices at the moment.</p>\n");
  store_results_release(&open);
  html_printf(&r->out, "<h2 class=\"govuk-heading-m\">Past notices and awards (%lld)</h2>\n", past.total);
  results_list(r, &past, now);
  store_results_release(&past);
  html_printf(&r->out, "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/notices?buyer=%U\">Search this buyer's notices</a></p>\n", idtext);
  page_end(r);
  org_release(&o);
}

void page_not_found(Request *r) {
  if (r->status == 200) r->status = 404;
  r->out.len = 0;
  page_begin(r, "Page not found");
  html_printf(&r->out, "<h1 class=\"govuk-heading-l\">Page not found</h1><p class=\"govuk-body\">There is no notice or page at "
                       "this address. <a class=\"govuk-link\" href=\"/notices\">Search notices</a>.</p>\n");
  page_end(r);
}

void page_unavailable(Request *r, const char *internal) {
  if (internal) req_log_error(r, "%s", internal);
  r->status = 503;
  r->out.len = 0;
  r->etag = NULL;
  r->cache_control = "no-store";
  req_add_header(r, "Retry-After", SERVER_RETRY_AFTER);
  page_begin(r, "Sorry, the service is unavailable");
  html_printf(&r->out, "<h1 class=\"govuk-heading-l\">Sorry, the service is unavailable</h1>"
                       "<p class=\"govuk-body\">This page cannot be shown at the moment. Please try again in a few "
                       "minutes.</p><p class=\"govuk-body\">If you report this, quote request id <code>%s</code>.</p>\n",
              r->id);
  page_end(r);
}

/* The server's own refusals (server.h, error_page) on a page's address: a
 * malformed address, one too long, too much sent, a method not taken. */
void page_error(Request *r) {
  static const struct {
    int status;
    const char *title, *text;
  } why[] = {
      {400, "This address is not valid",
       "The web address has characters in it that cannot be read, for example a broken percent-encoding (%E2 on its own). "
       "Check the address, or start a new search."},
      {405, "This page cannot take that request", "The address exists, but only for reading it (GET)."},
      {413, "Too much was sent", "The request sent more data than the service accepts."},
      {414, "This address is too long", "The web address is longer than the service accepts. Remove some filters, or start a new search."},
      {429, "Too many requests at once", "Wait a moment, then try again."},
      {431, "Too much was sent with the request",
       "Your browser sent more request headers (often cookies) than the service accepts. Clearing this site's cookies may help."},
      {501, "This request is not supported", "The service does not support this kind of request."},
  };
  const char *title = "Sorry, there is a problem with this request", *text = "Start a new search.";
  for (size_t i = 0; i < sizeof why / sizeof *why; i++)
    if (why[i].status == r->status) title = why[i].title, text = why[i].text;
  r->out.len = 0;
  r->etag = NULL;
  r->cache_control = "no-store";
  page_begin(r, title);
  html_printf(&r->out, "<h1 class=\"govuk-heading-l\">%s</h1><p class=\"govuk-body\">%s</p>"
                       "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/notices\">Search notices</a> or go to the "
                       "<a class=\"govuk-link\" href=\"/\">home page</a>.</p>\n",
              title, text);
  page_end(r);
}

/* pages.c -- the portal's HTML pages: home, search, notice, buyer, not found.
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
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
              "<p class=\"govuk-body-s ph-result__buyer\">%s <strong class=\"govuk-tag %s\">%s</strong></p>",
              h->ocid, h->title ? h->title : h->ocid, h->buyer_name ? h->buyer_name : "", status_class(h->status),
              h->status);
  html_printf(&r->out, "<p class=\"govuk-body-s ph-result__snippet\">%R</p>", snip.data ? snip.data : "");
  html_printf(&r->out,
              "<dl class=\"ph-facts\"><div><dt>Value</dt><dd>%R</dd></div><div><dt>Closing date</dt><dd>%s</dd></div>"
              "<div><dt>Region</dt><dd>%s</dd></div></dl></li>\n",
              value.data, when.data, regions.data);
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

static int has_value(const Query *q, const char *name, const char *value) {
  if (!strcmp(name, "status")) {
    NoticeStatus s;
    return notice_status_parse(value, &s) == 0 && (q->status & (1u << s));
  }
  if (!strcmp(name, "region")) {
    for (size_t i = 0; i < q->n_region; i++)
      if (!strcmp(q->region[i], value)) return 1;
  }
  return 0;
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

static void filters_form(Request *r, const Query *q, int sort_given) {
  Buf kw = BUF_INIT;
  query_keywords(q, &kw);
  html_printf(&r->out, "<p class=\"govuk-body-s\"><a class=\"govuk-link\" href=\"#results\">Skip to results</a></p>"
                       "<form action=\"/notices\" method=\"get\" class=\"ph-filters\" role=\"search\">"
                       "<div class=\"govuk-form-group\"><label class=\"govuk-label govuk-label--s\" for=\"q\">Keywords</label>"
                       "<div class=\"govuk-hint\" id=\"q-hint\">Use \"quotes\" for a phrase, -word to leave out, OR for either</div>"
                       "<input class=\"govuk-input\" id=\"q\" name=\"q\" type=\"search\" aria-describedby=\"q-hint\" value=\"%s\"></div>",
              kw.data ? kw.data : "");
  buf_release(&kw);
  html_printf(&r->out, "<div class=\"govuk-form-group\"><fieldset class=\"govuk-fieldset\"><legend class=\"govuk-fieldset__legend "
                       "govuk-fieldset__legend--s\">Status</legend><div class=\"govuk-checkboxes govuk-checkboxes--small\">");
  /* labels of the first four statuses (model/notice.h's order; planned notices are not offered) */
  static const char *const label[] = {"Open", "Closed", "Awarded", "Cancelled"};
  for (int i = 0; i < 4; i++) {
    const char *name = notice_status_name((NoticeStatus)i);
    checkbox(r, "status", name, label[i], has_value(q, "status", name));
  }
  html_printf(&r->out, "</div></fieldset></div>");
  html_printf(&r->out, "<div class=\"govuk-form-group\"><fieldset class=\"govuk-fieldset\"><legend class=\"govuk-fieldset__legend "
                       "govuk-fieldset__legend--s\">Region</legend><div class=\"govuk-checkboxes govuk-checkboxes--small\">");
  for (size_t i = 0; i < region_count; i++)
    checkbox(r, "region", region_list[i].code, region_list[i].name, has_value(q, "region", region_list[i].code));
  html_printf(&r->out, "</div></fieldset></div>");
  char within[16] = "", vmin[32] = "", vmax[32] = "", buyer[32] = "";
  if (q->closing_within) snprintf(within, sizeof within, "%d", q->closing_within);
  if (q->has_value_min) snprintf(vmin, sizeof vmin, "%.0f", q->value_min);
  if (q->has_value_max) snprintf(vmax, sizeof vmax, "%.0f", q->value_max);
  if (q->buyer) snprintf(buyer, sizeof buyer, "%lld", q->buyer);
  html_printf(&r->out,
              "<div class=\"govuk-form-group\"><label class=\"govuk-label govuk-label--s\" for=\"closing_within\">Closing within (days)</label>"
              "<input class=\"govuk-input govuk-input--width-4\" id=\"closing_within\" name=\"closing_within\" inputmode=\"numeric\" value=\"%s\"></div>"
              "<div class=\"govuk-form-group\"><label class=\"govuk-label govuk-label--s\" for=\"value_min\">Value from (£)</label>"
              "<input class=\"govuk-input govuk-input--width-10\" id=\"value_min\" name=\"value_min\" inputmode=\"numeric\" value=\"%s\"></div>"
              "<div class=\"govuk-form-group\"><label class=\"govuk-label govuk-label--s\" for=\"value_max\">Value up to (£)</label>"
              "<input class=\"govuk-input govuk-input--width-10\" id=\"value_max\" name=\"value_max\" inputmode=\"numeric\" value=\"%s\"></div>",
              within, vmin, vmax);
  Buf cpv = BUF_INIT;
  for (size_t i = 0; i < q->n_cpv; i++) buf_addf(&cpv, "%s%s", i ? "," : "", q->cpv[i]);
  html_printf(&r->out,
              "<div class=\"govuk-form-group\"><label class=\"govuk-label govuk-label--s\" for=\"cpv\">CPV code</label>"
              "<div class=\"govuk-hint\" id=\"cpv-hint\">A code or its start, e.g. 72 for IT services</div>"
              "<input class=\"govuk-input govuk-input--width-10\" id=\"cpv\" name=\"cpv\" aria-describedby=\"cpv-hint\" value=\"%s\"></div>",
              cpv.data ? cpv.data : "");
  buf_release(&cpv);
  if (q->buyer) html_printf(&r->out, "<input type=\"hidden\" name=\"buyer\" value=\"%s\">", buyer);
  html_printf(&r->out, "<div class=\"govuk-form-group\"><fieldset class=\"govuk-fieldset\"><legend class=\"govuk-fieldset__legend "
                       "govuk-fieldset__legend--s\">Suitable for</legend><div class=\"govuk-checkboxes govuk-checkboxes--small\">");
  checkbox(r, "sme", "true", "Small and medium-sized enterprises", q->sme == FLAG_YES);
  checkbox(r, "vcse", "true", "Voluntary, community and social enterprises", q->vcse == FLAG_YES);
  html_printf(&r->out, "</div></fieldset></div>");
  /* The first option sends no sort, so a new keyword search ranks by relevance. */
  static const char *const sorts[][2] = {{"", "Best match (newest without keywords)"}, {"closing", "Closing soonest"},
                                         {"newest", "Newest"}, {"value", "Highest value"}};
  html_printf(&r->out, "<div class=\"govuk-form-group\"><label class=\"govuk-label govuk-label--s\" for=\"sort\">Sort by</label>"
                       "<select class=\"govuk-select\" id=\"sort\" name=\"sort\">");
  for (size_t i = 0; i < 4; i++) {
    int selected = sort_given ? !strcmp(query_sort_name(q->sort), sorts[i][0]) : i == 0;
    html_printf(&r->out, selected ? "<option value=\"%s\" selected>%s</option>" : "<option value=\"%s\">%s</option>",
                sorts[i][0], sorts[i][1]);
  }
  html_printf(&r->out, "</select></div><button class=\"govuk-button\" type=\"submit\">Apply filters</button></form>\n");
}

void page_notices(Request *r) {
  Query q;
  time_t now = app_now(r);
  Err err = ERR_INIT;
  query_init(&q);
  const char *bad = NULL;
  for (size_t i = 0; i < r->n_params; i++) {
    int rc = query_set(&q, r->params[i].name, r->params[i].value, &err);
    if (rc && rc != ERR_NOTFOUND && !bad) bad = req_strdup(r, err.msg);
  }
  if (!bad && query_finish(&q, now, &err)) bad = req_strdup(r, err.msg);
  if (bad) { /* a filter the form cannot produce, e.g. an edited URL */
    query_release(&q);
    query_init(&q);
    query_finish(&q, now, &err);
    r->status = 400;
  }
  StoreResults res;
  memset(&res, 0, sizeof res);
  Store *st = app_store(r);
  int rc = bad ? -1 : st ? app_search(r, &q, &res, &err) : err_set(&err, ERR_DB, "no database connection");
  if (!bad && rc) {
    query_release(&q);
    if (st && rc == ERR_USAGE) { /* about the query (e.g. sort=relevance without keywords) */
      bad = req_strdup(r, err.msg);
      query_init(&q);
      query_finish(&q, now, &err);
      r->status = 400;
    } else {
      page_unavailable(r, st ? err.msg : NULL);
      return;
    }
  }
  page_begin(r, "Search contract notices");
  html_printf(&r->out, "<h1 class=\"govuk-heading-l\">Contract notices</h1>\n<div class=\"govuk-grid-row\">"
                       "<div class=\"govuk-grid-column-one-third\">\n");
  filters_form(r, &q, req_param(r, "sort") && *req_param(r, "sort"));
  html_printf(&r->out, "</div>\n<div class=\"govuk-grid-column-two-thirds\" id=\"results\">\n");
  if (bad) {
    html_printf(&r->out, "<div class=\"govuk-error-summary\" role=\"alert\"><h2 class=\"govuk-error-summary__title\">"
                         "There is a problem</h2><p class=\"govuk-body\">%s</p></div>\n", bad);
  } else {
    Buf desc = BUF_INIT;
    query_describe(&q, &desc);
    html_printf(&r->out, "<p class=\"govuk-body ph-total\" role=\"status\"><strong>%lld</strong> %s</p>\n", res.total,
                desc.data ? desc.data : "notices");
    buf_release(&desc);
    if (res.total == 0) {
      html_printf(&r->out, "<p class=\"govuk-body\">No notices match. Try loosening a filter:</p><ul class=\"govuk-list\">");
      struct {
        const char *name, *label;
        int on;
      } loosen[] = {{"q", "keywords", q.n_clauses > 0},         {"status", "status", q.status != 0},
                    {"region", "region", q.n_region > 0},      {"cpv", "CPV code", q.n_cpv > 0},
                    {"closing_within", "closing date", q.has_closing_from || q.has_closing_to},
                    {"value_min", "minimum value", q.has_value_min}, {"value_max", "maximum value", q.has_value_max},
                    {"sme", "SME suitability", q.sme != FLAG_UNKNOWN}, {"vcse", "VCSE suitability", q.vcse != FLAG_UNKNOWN},
                    {"buyer", "buyer", q.buyer != 0}};
      for (size_t i = 0; i < sizeof loosen / sizeof *loosen; i++) {
        if (!loosen[i].on) continue;
        Buf u = BUF_INIT;
        query_to_url_without(&q, loosen[i].name, NULL, &u);
        html_printf(&r->out, "<li><a class=\"govuk-link\" href=\"/notices?%s\">Remove the %s filter</a></li>",
                    u.data ? u.data : "", loosen[i].label);
        buf_release(&u);
      }
      html_printf(&r->out, "</ul>\n");
    } else {
      results_list(r, &res, now);
      const char *next = api_next_cursor(r, &q, &res);
      html_printf(&r->out, "<nav class=\"govuk-pagination\" aria-label=\"Results pages\">");
      if (q.has_cursor) {
        Buf u = BUF_INIT;
        query_to_url_page(&q, NULL, &u);
        html_printf(&r->out, "<a class=\"govuk-link ph-page\" href=\"/notices?%s\">First page</a> ", u.data ? u.data : "");
        buf_release(&u);
      }
      if (next) {
        Buf u = BUF_INIT;
        query_to_url_page(&q, next, &u);
        html_printf(&r->out, "<a class=\"govuk-link ph-page\" rel=\"next\" href=\"/notices?%s\">Next page</a>", u.data);
        buf_release(&u);
      }
      html_printf(&r->out, "</nav>\n");
      /* every result, not the page shown (none offered for no results) */
      Buf u = BUF_INIT, all = BUF_INIT;
      query_to_url(&q, &u);
      if (res.total > API_DOWNLOAD_MAX) buf_addf(&all, "the first %d of these %lld results", API_DOWNLOAD_MAX, res.total);
      else buf_addf(&all, res.total == 1 ? "this result" : "these %lld results", res.total);
      html_printf(&r->out,
                  "<p class=\"govuk-body-s ph-download\">Download %s: <a class=\"govuk-link\" href=\"/api/v1/notices.csv?%s\">CSV</a>, "
                  "<a class=\"govuk-link\" href=\"/api/v1/notices.ocds.json?%s\">OCDS release package (JSON)</a>. "
                  "The same search page by page: <a class=\"govuk-link\" href=\"/api/v1/notices?%s\">JSON API</a>.</p>\n",
                  all.data, u.data ? u.data : "", u.data ? u.data : "", u.data ? u.data : "");
      buf_release(&all);
      buf_release(&u);
    }
  }
  html_printf(&r->out, "</div></div>\n");
  page_end(r);
  store_results_release(&res);
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

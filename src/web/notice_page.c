/* notice_page.c -- a notice's page (/notices/{ocid}): what is bought, from
 * whom, how to bid, what happened to it and where its data came from. Every
 * field is derived when the notice is stored (model/notice.h), so the page
 * reads one notice and merges nothing. Cached per notice (web/cache.h) until
 * the store changes or, for an open notice, until its next UK midnight. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"
#include "ingest/stored.h"
#include "model/region.h"
#include "ocds/derive.h"
#include "ocds/merge.h"
#include "store/notices.h"
#include "web/app.h"
#include "web/html.h"
#include "web/layout.h"

/* The notice's documents (derived when it was stored). */
static void documents(Request *r, const Notice *nt) {
  if (!nt->n_documents) return;
  html_printf(&r->out, "<h2 class=\"govuk-heading-m\">Documents</h2>\n<ul class=\"govuk-list ph-documents\">");
  for (size_t i = 0; i < nt->n_documents; i++) {
    const NoticeDocument *d = &nt->documents[i];
    Buf when = BUF_INIT;
    if (d->date) human_date(&when, d->date);
    html_printf(&r->out, "<li><a class=\"govuk-link\" href=\"%H\" rel=\"nofollow noopener\">%s</a>", d->url,
                d->title ? d->title : "Document");
    if (when.len) html_printf(&r->out, " <span class=\"govuk-body-s\">(%s)</span>", when.data);
    html_printf(&r->out, "</li>");
    buf_release(&when);
  }
  html_printf(&r->out, "</ul>\n");
}

/* The history table shows a notice's releases newest first, HISTORY_PAGE at
 * a time (?page=2 the next older ones): a framework with thousands of
 * call-off releases would otherwise make a page of megabytes. */
#define HISTORY_PAGE 50
#define AWARDS_SHOWN 100 /* the latest; all are in the record package */

/* Rows [from, to) of the history counted from the newest: date, tags (what
 * changed) and release id. */
static void history_rows(Request *r, const Notice *nt, size_t from, size_t to) {
  for (size_t k = from; k < to && k < nt->n_history; k++) {
    const NoticeHistory *h = &nt->history[nt->n_history - 1 - k];
    Buf when = BUF_INIT;
    human_date(&when, h->date);
    html_printf(&r->out, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">%s</td>"
                         "<td class=\"govuk-table__cell\">%s</td><td class=\"govuk-table__cell\">%s</td></tr>",
                when.data, h->tags ? h->tags : "—", h->release_id ? h->release_id : "");
    buf_release(&when);
  }
}

/* GOV.UK pagination (previous / next) between pages of the history. */
static void history_pages(Request *r, const Notice *nt, long long page, long long pages) {
  if (pages <= 1) return;
  html_printf(&r->out, "<nav class=\"govuk-pagination govuk-pagination--block\" aria-label=\"History pages\">");
  if (page > 1) {
    char to[32];
    snprintf(to, sizeof to, "%lld", page - 1);
    html_printf(&r->out, "<div class=\"govuk-pagination__prev\"><a class=\"govuk-link govuk-pagination__link\" "
                         "href=\"/notices/%U?page=%U#history\" rel=\"prev\"><span class=\"govuk-pagination__link-title\">"
                         "Newer releases</span></a></div>",
                nt->ocid, to);
  }
  if (page < pages) {
    char to[32];
    snprintf(to, sizeof to, "%lld", page + 1);
    html_printf(&r->out, "<div class=\"govuk-pagination__next\"><a class=\"govuk-link govuk-pagination__link\" "
                         "href=\"/notices/%U?page=%U#history\" rel=\"next\"><span class=\"govuk-pagination__link-title\">"
                         "Older releases</span></a></div>",
                nt->ocid, to);
  }
  html_printf(&r->out, "</nav>\n");
}

/* A notice stored before notices kept their documents and history: derive
 * them from its releases now (until `powerhouse ingest --rederive`). 0, or
 * <0 with err when the releases cannot be read. */
static int derive_late(Store *st, Notice *nt, Err *err) {
  StoredReleases rels;
  size_t left_out = 0;
  if (stored_releases_usable(st, nt->ocid, &rels, &left_out, err)) return ERR_DB;
  Err merr = ERR_INIT; /* releases that do not merge: the page shows no documents */
  cJSON *compiled = rels.n ? merge_compile((const cJSON *const *)rels.trees, rels.n, &merr) : NULL;
  if (compiled && !nt->n_documents) nt->n_documents = derive_documents(compiled, &nt->documents);
  derive_history((const cJSON *const *)rels.trees, rels.notes, rels.n, nt);
  cJSON_Delete(compiled);
  stored_releases_release(&rels);
  return 0;
}

/* "About this data": what was wrong in the releases as published, and what
 * the portal made of it (a value left out is shown as not given, never 0). */
#define NOTES_SHOWN 50

typedef struct {
  Request *r;
  size_t shown;
} NotesCtx;

static int note_row(void *ctx, const NoticeNote *note) {
  NotesCtx *c = ctx;
  if (c->shown++ >= NOTES_SHOWN) return 1;
  html_printf(&c->r->out,
              "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\"><code>%s</code></td>"
              "<td class=\"govuk-table__cell\"><code>%s</code></td><td class=\"govuk-table__cell\">%s</td>"
              "<td class=\"govuk-table__cell\">%s</td></tr>",
              note->path, note->value, note->message, note->release_id ? note->release_id : "");
  return 0;
}

static int count_note(void *ctx, const NoticeNote *note) {
  (void)ctx, (void)note;
  return 0;
}

static void data_notes(Request *r, const Notice *nt) {
  size_t total = notice_notes_each(nt, count_note, NULL);
  if (!total) return;
  html_printf(&r->out,
              "<h2 class=\"govuk-heading-m\" id=\"about-data\">About this data</h2>\n"
              "<div class=\"govuk-warning-text\"><span class=\"govuk-warning-text__icon\" aria-hidden=\"true\">!</span>"
              "<strong class=\"govuk-warning-text__text\"><span class=\"govuk-visually-hidden\">Warning</span>"
              "The publisher's data for this notice has %zu %s that could not be read as published. "
              "The notice shows what could be read: a value that could not be read is shown as not given.</strong></div>\n"
              "<div class=\"ph-table-wrap\"><table class=\"govuk-table\"><caption class=\"govuk-table__caption govuk-table__caption--s\">"
              "Data notes</caption><thead class=\"govuk-table__head\"><tr class=\"govuk-table__row\">"
              "<th scope=\"col\" class=\"govuk-table__header\">Field</th><th scope=\"col\" class=\"govuk-table__header\">As published</th>"
              "<th scope=\"col\" class=\"govuk-table__header\">What we did</th><th scope=\"col\" class=\"govuk-table__header\">Release</th>"
              "</tr></thead><tbody class=\"govuk-table__body\">",
              total, total == 1 ? "field" : "fields");
  NotesCtx c = {r, 0};
  notice_notes_each(nt, note_row, &c);
  html_printf(&r->out, "</tbody></table></div>\n");
  if (total > NOTES_SHOWN)
    html_printf(&r->out, "<p class=\"govuk-body\">The first %d of %zu notes. Every note is in the "
                         "<a class=\"govuk-link\" href=\"/api/v1/notices/%U\">notice's JSON</a>.</p>\n",
                NOTES_SHOWN, total, nt->ocid);
}

static void fact(Request *r, const char *key, const char *value_html) {
  html_printf(&r->out, "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">%s</dt>"
                       "<dd class=\"govuk-summary-list__value\">%R</dd></div>",
              key, value_html);
}

void page_notice(Request *r) {
  const char *cap = r->capture, *ocds = app_ocds_target(r, cap);
  Store *st = app_store(r);
  App *app = r->app;
  Notice nt;
  notice_init(&nt);
  Err err = ERR_INIT;
  time_t now = app_now(r);
  /* the change sequence this process has seen: the live index's, known
   * without a store read; else the store's */
  int64_t seq = -1;
  if (app->pages) {
    if (app->index) seq = live_index_seq(app->index);
    else if (!st || store_last_seq(st, &seq, &err)) seq = -1;
  }
  /* ?page=N: older releases in the history (pages past the first are not cached) */
  long long page = 1;
  const char *pg = req_param(r, "page");
  if (pg && app_path_id(pg, &page)) {
    page_not_found(r);
    return;
  }
  if (page > 1) seq = -1;
  if (seq >= 0 && page_cache_get(app->pages, cap, seq, now, &r->out)) return;
  /* every read of the page first, in one snapshot (SQLite: one lock, not one
   * per statement) */
  int snap = st && store_read_begin(st, &err) == 0;
  int rc = st ? store_notice_get(st, cap, &nt, &err) : err_set(&err, ERR_DB, "no database connection");
  if (rc == 1 && !nt.n_history && derive_late(st, &nt, &err)) rc = ERR_DB;
  if (snap) store_read_end(st);
  if (rc == 0 && ocds) { /* no notice of this very ocid: the record package of the one it names */
    notice_release(&nt);
    notice_ocds(r, ocds);
    return;
  }
  if (rc <= 0) {
    notice_release(&nt); /* a partly read notice */
    if (rc < 0) page_unavailable(r, st ? err.msg : NULL);
    else page_not_found(r);
    return;
  }
  long long pages = nt.n_history ? (long long)((nt.n_history + HISTORY_PAGE - 1) / HISTORY_PAGE) : 1;
  if (page > pages) {
    notice_release(&nt);
    page_not_found(r);
    return;
  }
  const char *status = notice_status_text_at(notice_status_name(nt.status), nt.deadline, now);
  /* the page changes with time alone when it says "open, closes in N days":
   * at the next UK midnight (a day fewer left), and when the deadline passes
   * (closed) */
  time_t valid_until = (time_t)INT64_MAX, deadline;
  if (!strcmp(status, "open") && nt.deadline && date_parse(nt.deadline, &deadline) == 0 && deadline >= now) {
    time_t midnight = date_uk_next_midnight(now);
    valid_until = deadline < midnight ? deadline + 1 : midnight;
  }
  page_begin(r, nt.title ? nt.title : nt.ocid);
  html_printf(&r->out, "<span class=\"govuk-caption-l\">%s</span><h1 class=\"govuk-heading-l\">%s</h1>"
                       "<p class=\"govuk-body\"><strong class=\"govuk-tag %s\">%s</strong></p>\n",
              nt.buyer.name ? nt.buyer.name : "", nt.title ? nt.title : nt.ocid, status_class(status), status);
  if (notice_notes_each(&nt, count_note, NULL))
    html_printf(&r->out, "<p class=\"govuk-body-s\">Some of the publisher's data for this notice could not be read as "
                         "published: <a class=\"govuk-link\" href=\"#about-data\">about this data</a>.</p>\n");
  html_printf(&r->out, "<dl class=\"govuk-summary-list\">");
  Buf v = BUF_INIT;
  if (nt.buyer_ref) html_printf(&v, "<a class=\"govuk-link\" href=\"/buyers/%lld\">%s</a>", nt.buyer_ref, nt.buyer.name ? nt.buyer.name : "");
  else html_printf(&v, "%s", nt.buyer.name ? nt.buyer.name : "not given");
  fact(r, "Buyer", v.data);
  buf_reset(&v);
  if (nt.has_value) html_printf(&v, "%m", nt.value, nt.currency);
  else buf_adds(&v, "not given");
  if (nt.has_min_value) {
    Buf mv = BUF_INIT;
    html_printf(&mv, " (from %m)", nt.min_value, nt.currency);
    buf_add(&v, mv.data, mv.len);
    buf_release(&mv);
  }
  fact(r, "Value", v.data);
  buf_reset(&v);
  Buf d = BUF_INIT;
  human_deadline(&d, nt.deadline);
  if (!strcmp(status, "open")) {
    buf_adds(&d, " — ");
    closes_in(&d, nt.deadline, now);
  }
  html_printf(&v, "%s", d.data);
  fact(r, "Closing date", v.data);
  buf_reset(&v);
  buf_reset(&d);
  human_date(&d, nt.published);
  html_printf(&v, "%s", d.data);
  fact(r, "Published", v.data);
  buf_reset(&v);
  if (nt.contract_start || nt.contract_end) {
    Buf a = BUF_INIT, b = BUF_INIT;
    human_date(&a, nt.contract_start);
    human_date(&b, nt.contract_end);
    html_printf(&v, "%s to %s", a.data, b.data);
    fact(r, "Contract period", v.data);
    buf_reset(&v);
    buf_release(&a);
    buf_release(&b);
  }
  html_printf(&v, "%s", nt.method_details ? nt.method_details : nt.method ? nt.method : "not given");
  fact(r, "Procedure", v.data);
  buf_reset(&v);
  for (size_t i = 0; i < nt.n_cpvs; i++)
    html_printf(&v, "%R<a class=\"govuk-link\" href=\"/notices?cpv=%U\">%s</a> %s", i ? "<br>" : "", nt.cpvs[i].code,
                nt.cpvs[i].code, nt.cpvs[i].label ? nt.cpvs[i].label : "");
  fact(r, "CPV codes", v.len ? v.data : "not given");
  buf_reset(&v);
  for (size_t i = 0; i < nt.n_regions; i++)
    html_printf(&v, "%R%s", i ? ", " : "", region_name(nt.regions[i]) ? region_name(nt.regions[i]) : nt.regions[i]);
  fact(r, "Delivery region", v.len ? v.data : "not given");
  buf_reset(&v);
  html_printf(&v, "SME: %s. VCSE: %s.", nt.sme == FLAG_YES ? "yes" : nt.sme == FLAG_NO ? "no" : "not stated",
              nt.vcse == FLAG_YES ? "yes" : nt.vcse == FLAG_NO ? "no" : "not stated");
  fact(r, "Suitable for", v.data);
  buf_reset(&v);
  if (nt.url) {
    html_printf(&v, "<a class=\"govuk-link\" href=\"%H\" rel=\"nofollow noopener\">%s</a>", nt.url, nt.url);
    fact(r, "Original notice", v.data);
    buf_reset(&v);
  }
  if (nt.publisher) {
    html_printf(&v, "%s", nt.publisher);
    fact(r, "Published by", v.data);
    buf_reset(&v);
  }
  html_printf(&r->out, "</dl>\n<h2 class=\"govuk-heading-m\">Description</h2>\n");
  if (nt.description) {
    const char *p = nt.description;
    while (*p) {
      const char *nl = strchr(p, '\n');
      size_t len = nl ? (size_t)(nl - p) : strlen(p);
      if (len) {
        html_printf(&r->out, "<p class=\"govuk-body\">");
        html_escape(&r->out, p, len);
        html_printf(&r->out, "</p>\n");
      }
      p += len + (nl ? 1 : 0);
    }
  } else {
    html_printf(&r->out, "<p class=\"govuk-body\">No description was published.</p>\n");
  }
  documents(r, &nt);
  if (nt.n_awards) {
    html_printf(&r->out, "<h2 class=\"govuk-heading-m\">Awards</h2>\n<div class=\"ph-table-wrap\"><table class=\"govuk-table\"><thead class=\"govuk-table__head\">"
                         "<tr class=\"govuk-table__row\"><th scope=\"col\" class=\"govuk-table__header\">Supplier</th>"
                         "<th scope=\"col\" class=\"govuk-table__header\">Value</th><th scope=\"col\" class=\"govuk-table__header\">Date</th>"
                         "<th scope=\"col\" class=\"govuk-table__header\">Status</th></tr></thead><tbody class=\"govuk-table__body\">");
    for (size_t i = nt.n_awards > AWARDS_SHOWN ? nt.n_awards - AWARDS_SHOWN : 0; i < nt.n_awards; i++) {
      NoticeAward *a = &nt.awards[i];
      Buf sup = BUF_INIT, val = BUF_INIT, when = BUF_INIT;
      for (size_t j = 0; j < a->n_suppliers; j++)
        html_printf(&sup, "%R%s%R", j ? "<br>" : "", a->suppliers[j].name ? a->suppliers[j].name : "not named",
                    a->suppliers[j].scale && !strcmp(a->suppliers[j].scale, "sme") ? " (SME)" : "");
      if (a->has_value) html_printf(&val, "%m", a->value, a->currency);
      else buf_adds(&val, "not given");
      human_date(&when, a->date);
      html_printf(&r->out, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">%R</td><td class=\"govuk-table__cell\">%R</td>"
                           "<td class=\"govuk-table__cell\">%s</td><td class=\"govuk-table__cell\">%s</td></tr>",
                  sup.len ? sup.data : "not named", val.data, when.data, a->status ? a->status : "");
      buf_release(&sup);
      buf_release(&val);
      buf_release(&when);
    }
    html_printf(&r->out, "</tbody></table></div>\n");
    if (nt.n_awards > AWARDS_SHOWN)
      html_printf(&r->out, "<p class=\"govuk-body\">The latest %d of %zu awards. Every award is in the "
                           "<a class=\"govuk-link\" href=\"/notices/%U/ocds.json\">OCDS record package</a>.</p>\n",
                  AWARDS_SHOWN, nt.n_awards, nt.ocid);
  }
  data_notes(r, &nt);
  html_printf(&r->out, "<h2 class=\"govuk-heading-m\" id=\"history\">History</h2>\n");
  if (pages > 1)
    html_printf(&r->out, "<p class=\"govuk-body\">Releases %zu to %zu of %zu, newest first.</p>\n",
                (size_t)(page - 1) * HISTORY_PAGE + 1,
                (size_t)page * HISTORY_PAGE < nt.n_history ? (size_t)page * HISTORY_PAGE : nt.n_history, nt.n_history);
  html_printf(&r->out, "<div class=\"ph-table-wrap\"><table class=\"govuk-table\"><thead class=\"govuk-table__head\">"
                       "<tr class=\"govuk-table__row\"><th scope=\"col\" class=\"govuk-table__header\">Date</th>"
                       "<th scope=\"col\" class=\"govuk-table__header\">What changed</th><th scope=\"col\" class=\"govuk-table__header\">Release</th>"
                       "</tr></thead><tbody class=\"govuk-table__body\">");
  history_rows(r, &nt, (size_t)(page - 1) * HISTORY_PAGE, (size_t)page * HISTORY_PAGE);
  html_printf(&r->out, "</tbody></table></div>\n");
  history_pages(r, &nt, page, pages);
  html_printf(&r->out, "<p class=\"govuk-body-s\">Open data: <a class=\"govuk-link\" href=\"/notices/%U/ocds.json\">"
                       "OCDS record package</a>, <a class=\"govuk-link\" href=\"/api/v1/notices/%U\">JSON</a></p>\n",
              nt.ocid, nt.ocid);
  buf_release(&v);
  buf_release(&d);
  page_end(r);
  notice_release(&nt);
  if (app->pages && seq >= 0 && r->status == 200) page_cache_put(app->pages, cap, seq, valid_until, r->out.data, r->out.len);
}


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
static void tags_words(Buf *out, const char *tags);

static void history_rows(Request *r, const Notice *nt, size_t from, size_t to) {
  for (size_t k = from; k < to && k < nt->n_history; k++) {
    const NoticeHistory *h = &nt->history[nt->n_history - 1 - k];
    Buf when = BUF_INIT, what = BUF_INIT;
    human_date(&when, h->date);
    tags_words(&what, h->tags);
    html_printf(&r->out, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">%s</td>"
                         "<td class=\"govuk-table__cell\">%s</td><td class=\"govuk-table__cell\">%s</td></tr>",
                when.data, what.data, h->release_id ? h->release_id : "");
    buf_release(&when);
    buf_release(&what);
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

static void data_notes(Request *r, const Notice *nt, size_t total) {
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

/* ---- how to bid, lots, contracts: from the details derived when the
 * notice was stored (ocds/derive_uk.c) ---- */

static const char *jstr(const cJSON *o, const char *k) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void paragraphs(Request *r, const char *text) {
  for (const char *p = text; p && *p;) {
    const char *nl = strchr(p, '\n');
    size_t len = nl ? (size_t)(nl - p) : strlen(p);
    if (len) {
      html_printf(&r->out, "<p class=\"govuk-body\">");
      html_escape(&r->out, p, len);
      html_printf(&r->out, "</p>\n");
    }
    p += len + (nl ? 1 : 0);
  }
}

static void row(Request *r, const char *key, const char *html) {
  html_printf(&r->out, "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">%s</dt>"
                       "<dd class=\"govuk-summary-list__value\">%R</dd></div>",
              key, html);
}

static void money_of(Buf *v, const cJSON *o) {
  const cJSON *val = cJSON_GetObjectItemCaseSensitive(o, "value");
  if (cJSON_IsNumber(val)) html_printf(v, "%m", val->valuedouble, jstr(o, "currency"));
  else buf_adds(v, "not given");
}

/* KPI ratings in words (the UK extension's measureClassification ids). */
static const char *rating_words(const char *id) {
  if (!id) return "not rated";
  if (!strcmp(id, "met")) return "Met";
  if (!strcmp(id, "slightlyBelow")) return "Slightly below";
  if (!strcmp(id, "below")) return "Below";
  if (!strcmp(id, "significantlyBelow")) return "Significantly below";
  if (!strcmp(id, "other")) return "Other";
  return id;
}

static void how_to_bid(Request *r, const Notice *nt, const cJSON *d, const char *status, time_t now) {
  const cJSON *contact = cJSON_GetObjectItemCaseSensitive(d, "contact");
  const cJSON *sub = cJSON_GetObjectItemCaseSensitive(d, "submission");
  const char *enq = jstr(d, "enquiryDeadline");
  const cJSON *tenderers = cJSON_GetObjectItemCaseSensitive(d, "tenderers");
  if (!contact && !sub && !enq && !nt->deadline && !cJSON_IsNumber(tenderers) && !jstr(d, "legalBasis")) return;
  html_printf(&r->out, "<h2 class=\"govuk-heading-m\" id=\"how-to-bid\">How to bid</h2>\n<dl class=\"govuk-summary-list\">");
  Buf v = BUF_INIT;
  human_deadline(&v, nt->deadline);
  if (!strcmp(status, "open")) {
    buf_adds(&v, " (");
    closes_in(&v, nt->deadline, now);
    buf_addc(&v, ')');
  }
  Buf h = BUF_INIT;
  html_printf(&h, "%s", v.data);
  row(r, "Tender deadline", h.data);
  if (enq) {
    buf_reset(&v), buf_reset(&h);
    human_deadline(&v, enq);
    html_printf(&h, "%s", v.data);
    row(r, "Questions by", h.data);
  }
  if (sub) {
    buf_reset(&h);
    const char *det = jstr(sub, "details"), *method = jstr(sub, "method");
    if (det && (!strncmp(det, "https://", 8) || !strncmp(det, "http://", 7)) && !strchr(det, ' ') && !strchr(det, '\n'))
      html_printf(&h, "<a class=\"govuk-link\" href=\"%H\" rel=\"nofollow noopener\">%s</a>", det, det);
    else if (det)
      html_printf(&h, "%s", det);
    else
      html_printf(&h, "%s", !strcmp(method, "electronicSubmission") ? "Electronically" : !strcmp(method, "written") ? "In writing" : method);
    row(r, "How to submit", h.data);
  }
  if (contact) {
    buf_reset(&h);
    const char *name = jstr(contact, "name"), *email = jstr(contact, "email"), *tel = jstr(contact, "telephone"),
               *url = jstr(contact, "url");
    if (name) html_printf(&h, "%s", name);
    if (email) /* percent-encoded: a mail client decodes "%40" to "@" */
      html_printf(&h, "%R<a class=\"govuk-link\" href=\"mailto:%U\">%s</a>", h.len ? "<br>" : "", email, email);
    if (tel) html_printf(&h, "%RTelephone: %s", h.len ? "<br>" : "", tel);
    if (url) html_printf(&h, "%R<a class=\"govuk-link\" href=\"%H\" rel=\"nofollow noopener\">%s</a>", h.len ? "<br>" : "", url, url);
    row(r, "Contact", h.data);
  }
  if (cJSON_IsNumber(tenderers)) {
    buf_reset(&h);
    html_printf(&h, "%lld", (long long)tenderers->valuedouble); /* html_printf has no %f */
    row(r, "Tenders received", h.data);
  }
  if (jstr(d, "legalBasis")) {
    buf_reset(&h);
    html_printf(&h, "%s", jstr(d, "legalBasis"));
    row(r, "Legal basis", h.data);
  }
  html_printf(&r->out, "</dl>\n");
  buf_release(&v);
  buf_release(&h);
}

static void lots(Request *r, const cJSON *d) {
  const cJSON *arr = cJSON_GetObjectItemCaseSensitive(d, "lots");
  if (!cJSON_GetArraySize(arr)) return;
  html_printf(&r->out, "<h2 class=\"govuk-heading-m\" id=\"lots\">Lots (%d)</h2>\n", cJSON_GetArraySize(arr));
  const cJSON *l;
  cJSON_ArrayForEach(l, arr) {
    Buf v = BUF_INIT;
    money_of(&v, l);
    const char *id = jstr(l, "id"), *title = jstr(l, "title");
    html_printf(&r->out, "<h3 class=\"govuk-heading-s\">%s%s%s%s</h3><p class=\"govuk-body-s\">Value: %R%s%s</p>\n",
                id ? "Lot " : "", id ? id : "", id && title ? ": " : "", title ? title : id ? "" : "Lot", v.data,
                jstr(l, "status") ? ". Status: " : "", jstr(l, "status") ? jstr(l, "status") : "");
    paragraphs(r, jstr(l, "description"));
    buf_release(&v);
  }
}

static void award_criteria(Request *r, const cJSON *d) {
  const cJSON *arr = cJSON_GetObjectItemCaseSensitive(d, "awardCriteria");
  const char *text = jstr(d, "awardCriteriaDetails");
  if (!cJSON_GetArraySize(arr) && !text) return;
  html_printf(&r->out, "<h2 class=\"govuk-heading-m\" id=\"award-criteria\">Award criteria</h2>\n");
  if (cJSON_GetArraySize(arr)) {
    html_printf(&r->out, "<div class=\"ph-table-wrap\"><table class=\"govuk-table\"><thead class=\"govuk-table__head\"><tr class=\"govuk-table__row\">"
                         "<th scope=\"col\" class=\"govuk-table__header\">Criterion</th><th scope=\"col\" class=\"govuk-table__header\">Type</th>"
                         "<th scope=\"col\" class=\"govuk-table__header\">Weight</th><th scope=\"col\" class=\"govuk-table__header\">Lot</th></tr></thead>"
                         "<tbody class=\"govuk-table__body\">");
    const cJSON *c;
    cJSON_ArrayForEach(c, arr) {
      const cJSON *w = cJSON_GetObjectItemCaseSensitive(c, "weight");
      char weight[32] = "";
      if (cJSON_IsNumber(w)) snprintf(weight, sizeof weight, "%g", w->valuedouble);
      html_printf(&r->out, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">%s%s%s</td><td class=\"govuk-table__cell\">%s</td>"
                           "<td class=\"govuk-table__cell\">%s</td><td class=\"govuk-table__cell\">%s</td></tr>",
                  jstr(c, "name") ? jstr(c, "name") : "", jstr(c, "name") && jstr(c, "description") ? ": " : "",
                  jstr(c, "description") ? jstr(c, "description") : "", jstr(c, "type") ? jstr(c, "type") : "", weight,
                  jstr(c, "lot") ? jstr(c, "lot") : "all");
    }
    html_printf(&r->out, "</tbody></table></div>\n");
  }
  paragraphs(r, text);
}

static void amendments(Request *r, const cJSON *d) {
  const cJSON *arr = cJSON_GetObjectItemCaseSensitive(d, "amendments");
  if (!cJSON_GetArraySize(arr)) return;
  html_printf(&r->out, "<h2 class=\"govuk-heading-m\" id=\"amendments\">Amendments</h2>\n<ul class=\"govuk-list govuk-list--bullet\">");
  const cJSON *a;
  cJSON_ArrayForEach(a, arr) {
    Buf when = BUF_INIT;
    human_date(&when, jstr(a, "date"));
    const char *section = jstr(a, "section");
    html_printf(&r->out, "<li><strong>%s</strong> (%s %s): %s%s%s</li>", when.data,
                section && !strcmp(section, "contract") ? "contract" : section && !strcmp(section, "award") ? "award" : "tender",
                "amended", jstr(a, "rationale") ? jstr(a, "rationale") : "no reason given",
                jstr(a, "description") ? ". " : "", jstr(a, "description") ? jstr(a, "description") : "");
    buf_release(&when);
  }
  html_printf(&r->out, "</ul>\n");
}

/* Is ocid a notice posted on this portal (the portal's prefix, "-", its id)? */
static int posted_here(Request *r, const char *ocid) {
  const App *app = r->app;
  const char *prefix = app->ocid_prefix ? app->ocid_prefix : APP_OCID_PREFIX;
  size_t n = strlen(prefix);
  return ocid && !strncmp(ocid, prefix, n) && ocid[n] == '-';
}

/* The published questions and answers (derived from tender.enquiries: the
 * question as the buyer published it, never who asked) and, for a notice
 * posted here, the links to ask (while it is open and before its enquiry
 * deadline: may_ask) and to register interest. The same for every visitor:
 * the forms are on pages of their own, with the visitor's CSRF token. */
static void questions(Request *r, const Notice *nt, const cJSON *d, int may_ask) {
  const cJSON *arr = cJSON_GetObjectItemCaseSensitive(d, "enquiries");
  int here = posted_here(r, nt->ocid);
  if (!cJSON_GetArraySize(arr) && !here) return;
  html_printf(&r->out, "<h2 class=\"govuk-heading-m\" id=\"questions\">Questions and answers</h2>\n");
  if (!cJSON_GetArraySize(arr)) html_printf(&r->out, "<p class=\"govuk-body\">No answers have been published yet.</p>\n");
  const cJSON *q;
  cJSON_ArrayForEach(q, arr) {
    const cJSON *num = cJSON_GetObjectItemCaseSensitive(q, "number");
    Buf when = BUF_INIT;
    if (jstr(q, "date")) human_date(&when, jstr(q, "date"));
    html_printf(&r->out, "<div class=\"ph-answer\"><h3 class=\"govuk-heading-s\">Question %lld</h3>",
                cJSON_IsNumber(num) ? (long long)num->valuedouble : 0LL);
    if (when.len) html_printf(&r->out, "<p class=\"govuk-body-s\">Answered %s</p>\n", when.data);
    paragraphs(r, jstr(q, "question"));
    html_printf(&r->out, "<h4 class=\"govuk-heading-s\">Answer</h4>\n");
    paragraphs(r, jstr(q, "answer"));
    html_printf(&r->out, "</div>\n");
    buf_release(&when);
  }
  if (!here || !strcmp(notice_status_name(nt->status), "cancelled")) return;
  html_printf(&r->out, "<ul class=\"govuk-list\">");
  if (may_ask)
    html_printf(&r->out, "<li><a class=\"govuk-link\" href=\"/notices/%U/questions\">Ask a question</a> "
                         "(the buyer publishes the question with its answer; who asked is never published)</li>",
                nt->ocid);
  html_printf(&r->out, "<li><a class=\"govuk-link\" href=\"/notices/%U/interest\">Register interest</a> "
                       "(you get an email when the notice changes or an answer is published)</li></ul>\n",
              nt->ocid);
}

static void contracts(Request *r, const cJSON *d) {
  const cJSON *arr = cJSON_GetObjectItemCaseSensitive(d, "contracts");
  if (!cJSON_GetArraySize(arr)) return;
  html_printf(&r->out, "<h2 class=\"govuk-heading-m\" id=\"contracts\">Contracts</h2>\n");
  const cJSON *k;
  cJSON_ArrayForEach(k, arr) {
    Buf v = BUF_INIT, a = BUF_INIT, b = BUF_INIT, s = BUF_INIT, h = BUF_INIT;
    money_of(&v, k);
    human_date(&a, jstr(k, "start"));
    human_date(&b, jstr(k, "end"));
    human_date(&s, jstr(k, "dateSigned"));
    html_printf(&r->out, "<h3 class=\"govuk-heading-s\">%s</h3><dl class=\"govuk-summary-list\">",
                jstr(k, "title") ? jstr(k, "title") : jstr(k, "id") ? jstr(k, "id") : "Contract");
    html_printf(&h, "%s", s.data);
    row(r, "Signed", h.data);
    buf_reset(&h);
    html_printf(&h, "%R", v.data);
    row(r, "Value", h.data);
    buf_reset(&h);
    html_printf(&h, "%s to %s", a.data, b.data);
    row(r, "Period", h.data);
    if (jstr(k, "status")) {
      buf_reset(&h);
      html_printf(&h, "%s", jstr(k, "status"));
      row(r, "Status", h.data);
    }
    const cJSON *term = cJSON_GetObjectItemCaseSensitive(k, "termination"), *t;
    if (cJSON_GetArraySize(term)) {
      buf_reset(&h);
      cJSON_ArrayForEach(t, term)
          html_printf(&h, "%R%s", h.len ? "<br>" : "", jstr(t, "description") ? jstr(t, "description") : jstr(t, "id"));
      row(r, "Why it was terminated", h.data);
    }
    html_printf(&r->out, "</dl>\n");
    const cJSON *kp = cJSON_GetObjectItemCaseSensitive(k, "kpis"), *m;
    if (cJSON_GetArraySize(kp)) {
      html_printf(&r->out, "<div class=\"ph-table-wrap\"><table class=\"govuk-table\"><caption class=\"govuk-table__caption govuk-table__caption--s\">"
                           "Key performance indicators</caption><thead class=\"govuk-table__head\"><tr class=\"govuk-table__row\">"
                           "<th scope=\"col\" class=\"govuk-table__header\">Indicator</th><th scope=\"col\" class=\"govuk-table__header\">Rating</th>"
                           "<th scope=\"col\" class=\"govuk-table__header\">Period</th></tr></thead><tbody class=\"govuk-table__body\">");
      cJSON_ArrayForEach(m, kp) {
        const cJSON *ratings = cJSON_GetObjectItemCaseSensitive(m, "ratings"), *o;
        const char *title = jstr(m, "title") ? jstr(m, "title") : jstr(m, "description") ? jstr(m, "description") : "Indicator";
        if (!cJSON_GetArraySize(ratings)) {
          html_printf(&r->out, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">%s</td>"
                               "<td class=\"govuk-table__cell\">not rated yet</td><td class=\"govuk-table__cell\"></td></tr>", title);
          continue;
        }
        cJSON_ArrayForEach(o, ratings) {
          Buf p = BUF_INIT;
          if (jstr(o, "end")) human_date(&p, jstr(o, "end"));
          html_printf(&r->out, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">%s</td><td class=\"govuk-table__cell\">%s%s%s</td>"
                               "<td class=\"govuk-table__cell\">%s%s</td></tr>",
                      title, rating_words(jstr(o, "rating")), jstr(o, "notes") ? ": " : "", jstr(o, "notes") ? jstr(o, "notes") : "",
                      p.len ? "to " : "", p.len ? p.data : "");
          buf_release(&p);
        }
      }
      html_printf(&r->out, "</tbody></table></div>\n");
    }
    buf_release(&v), buf_release(&a), buf_release(&b), buf_release(&s), buf_release(&h);
  }
}

/* A release's tags in words, for the history: "Tender amended". */
static void tags_words(Buf *out, const char *tags) {
  static const struct {
    const char *tag, *words;
  } w[] = {{"planning", "Planned"},
           {"planningUpdate", "Plans updated"},
           {"tender", "Tender published"},
           {"tenderAmendment", "Tender amended"},
           {"tenderUpdate", "Tender updated"},
           {"tenderCancellation", "Tender cancelled"},
           {"award", "Contract awarded"},
           {"awardUpdate", "Award updated"},
           {"awardCancellation", "Award cancelled"},
           {"contract", "Contract signed"},
           {"contractUpdate", "Contract updated"},
           {"contractAmendment", "Contract amended"},
           {"implementation", "Contract performance reported"},
           {"implementationUpdate", "Contract performance updated"},
           {"contractTermination", "Contract terminated"},
           {"compiled", "Compiled"}};
  if (!tags || !*tags) {
    buf_adds(out, "—");
    return;
  }
  for (const char *p = tags; *p;) {
    const char *c = strchr(p, ',');
    size_t n = c ? (size_t)(c - p) : strlen(p);
    const char *words = NULL;
    for (size_t i = 0; i < sizeof w / sizeof *w && !words; i++)
      if (strlen(w[i].tag) == n && !memcmp(w[i].tag, p, n)) words = w[i].words;
    if (out->len) buf_adds(out, "; ");
    if (words) buf_adds(out, words);
    else buf_add(out, p, n);
    p += n + (c ? 1 : 0);
  }
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
  /* "Ask a question" is linked until the enquiry deadline (else the deadline) */
  time_t asks_until = 0;
  int may_ask = !strcmp(status, "open");
  cJSON *details = nt.details ? cJSON_Parse(nt.details) : NULL;
  const char *enq = jstr(details, "enquiryDeadline");
  if (may_ask && enq && date_parse(enq, &asks_until) == 0) {
    may_ask = now < asks_until;
    if (may_ask && asks_until < valid_until) valid_until = asks_until;
  }
  page_begin(r, nt.title ? nt.title : nt.ocid);
  const char *stage = derive_stage_words(nt.stage);
  html_printf(&r->out, "<span class=\"govuk-caption-l\">%s</span><h1 class=\"govuk-heading-l\">%s</h1>"
                       "<p class=\"govuk-body\"><strong class=\"govuk-tag %s\">%s</strong>%R%R%s%R</p>\n",
              nt.buyer.name ? nt.buyer.name : "", nt.title ? nt.title : nt.ocid, status_class(status), status,
              notice_marks(nt.sector == NOTICE_PRIVATE, nt.subcontract), stage ? " <span class=\"govuk-body-s\">Stage: <strong>" : "", stage ? stage : "", stage ? "</strong></span>" : "");
  if (nt.reserved) { /* prominent: a supplier outside it cannot take part */
    Buf who = BUF_INIT;
    int sv = strstr(nt.reserved, "sme-vcse") != NULL;
    html_printf(&who, "%s%s%s", sv ? "small and medium-sized enterprises (SMEs) and voluntary, community and social enterprises (VCSEs)" : "",
                sv && nt.reserved_location ? " based in " : !sv && nt.reserved_location ? "suppliers based in " : "",
                nt.reserved_location ? nt.reserved_location : "");
    html_printf(&r->out, "<div class=\"govuk-inset-text ph-reserved\"><strong>Reserved:</strong> only %s can take part in this procurement.</div>\n",
                who.data);
    buf_release(&who);
  }
  size_t n_notes = notice_notes_each(&nt, count_note, NULL); /* parsed once more to list them, if any */
  if (n_notes)
    html_printf(&r->out, "<p class=\"govuk-body-s\">Some of the publisher's data for this notice could not be read as "
                         "published: <a class=\"govuk-link\" href=\"#about-data\">about this data</a>.</p>\n");
  html_printf(&r->out, "<dl class=\"govuk-summary-list\">");
  Buf v = BUF_INIT;
  if (nt.buyer_ref) html_printf(&v, "<a class=\"govuk-link\" href=\"/buyers/%lld\">%s</a>", nt.buyer_ref, nt.buyer.name ? nt.buyer.name : "");
  else html_printf(&v, "%s", nt.buyer.name ? nt.buyer.name : "not given");
  fact(r, "Buyer", v.data);
  buf_reset(&v);
  if (nt.subcontract) { /* work under a contract the poster won: that contract's notice, when named */
    if (nt.parent_ocid) html_printf(&v, "<a class=\"govuk-link\" href=\"/notices/%U\">%s</a>", nt.parent_ocid, nt.parent_ocid);
    else html_printf(&v, "a contract the data does not name");
    fact(r, "Sub-contract of", v.data);
    buf_reset(&v);
  }
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
  /* a notice posted here is its own original: no link to this very page */
  const char *self = req_printf(r, "%s/notices/%s", app_base_url(r), nt.ocid);
  if (nt.url && strcmp(nt.url, self) != 0) {
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
    paragraphs(r, nt.description);
  } else {
    html_printf(&r->out, "<p class=\"govuk-body\">No description was published.</p>\n");
  }
  if (jstr(details, "cancellation")) {
    html_printf(&r->out, "<h2 class=\"govuk-heading-m\" id=\"cancelled\">Why this procurement was cancelled</h2>\n");
    paragraphs(r, jstr(details, "cancellation"));
  }
  how_to_bid(r, &nt, details, status, now);
  lots(r, details);
  award_criteria(r, details);
  amendments(r, details);
  questions(r, &nt, details, may_ask);
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
  contracts(r, details);
  cJSON_Delete(details);
  data_notes(r, &nt, n_notes);
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


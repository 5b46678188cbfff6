/* about.c -- the About page (/about): what the portal is, where its notices
 * come from (each publisher with its notice count and the date of its newest
 * release, from store/sources.h), how fresh the data is in words, and the
 * licence and attribution of each source (ocds/export.h's table, by ocid
 * prefix: the same licences the downloads carry).
 *
 * Freshness is the date of the newest release the store holds (the store
 * keeps no time of ingest), said against the request's app_now, so a test
 * pins it with serve --now.
 *
 * The sources read every notice row (measured: 1.3-2.5 s for 200,000 demo
 * notices on SQLite, 1.4 GB, with a build running on the other core), so the
 * answer is kept and read again only when ABOUT_REFRESH_SECONDS have passed
 * and the store's change sequence has moved: a store being loaded changes
 * every second, and the page is not worth a full scan per view. One copy per
 * process, behind a mutex; the read itself runs outside it (sources_refresh). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/date.h"
#include "ocds/export.h"
#include "store/sources.h"
#include "web/app.h"
#include "web/html.h"
#include "web/layout.h"

#define ABOUT_REFRESH_SECONDS 60

static struct {
  pthread_mutex_t lock;
  int have, reading;
  int64_t seq;
  time_t read_at;
  StoreSource *s;
  size_t n;
} cache = {PTHREAD_MUTEX_INITIALIZER, 0, 0, 0, 0, NULL, 0};

/* Brings the cache up to date; called and returns with cache.lock held.
 * With an answer already kept, the read runs unlocked and the other requests
 * meanwhile render the answer before (reading: one refresh at a time), and a
 * failed read keeps it (logged). 0, or <0 with err when there is no answer. */
static int sources_refresh(Request *r, Store *st, Err *err) {
  time_t t = time(NULL);
  if (cache.have && (cache.reading || t - cache.read_at < ABOUT_REFRESH_SECONDS)) return 0;
  int had = cache.have, same = 0, rc;
  cache.reading = 1;
  if (had) pthread_mutex_unlock(&cache.lock);
  int64_t seq = 0;
  StoreSource *s = NULL;
  size_t n = 0;
  rc = store_last_seq(st, &seq, err) ? ERR_DB : 0;
  if (!rc && had && seq == cache.seq) same = 1; /* cache.seq is written only by the reading thread */
  else if (!rc) rc = store_sources(st, &s, &n, err) ? ERR_DB : 0;
  if (had) pthread_mutex_lock(&cache.lock);
  cache.reading = 0;
  if (rc) {
    if (!had) return rc;
    req_log_error(r, "the About page shows its sources as read before: %s", err->msg);
    cache.read_at = t; /* try again after ABOUT_REFRESH_SECONDS, not on every view */
    return 0;
  }
  if (!same) {
    store_sources_free(cache.s, cache.n);
    cache.s = s;
    cache.n = n;
  }
  cache.seq = seq;
  cache.read_at = t;
  cache.have = 1;
  return 0;
}

/* "5 minutes ago", "3 days ago", "just now" for t seen at now (t <= now). */
static void ago(Buf *out, time_t t, time_t now) {
  long long d = (long long)(now - t);
  if (d < 60) buf_adds(out, "just now");
  else if (d < 3600) buf_addf(out, "%lld minute%s ago", d / 60, d / 60 == 1 ? "" : "s");
  else if (d < 86400) buf_addf(out, "%lld hour%s ago", d / 3600, d / 3600 == 1 ? "" : "s");
  else if (d < 86400LL * 61) buf_addf(out, "%lld day%s ago", d / 86400, d / 86400 == 1 ? "" : "s");
  else if (d < 86400LL * 730) buf_addf(out, "%lld months ago", d / (86400LL * 30));
  else buf_addf(out, "%lld years ago", d / (86400LL * 365));
}

/* The licence of a source whose ocids run from first to last (sorted): known
 * when both have the same known prefix, so that every ocid between has it. */
static void licence_cell(Buf *out, const char *first, const char *last) {
  const ExportLicence *l = export_licence_of(first);
  if (l != export_licence_of(last)) l = NULL;
  if (l) html_printf(out, "<a class=\"govuk-link\" href=\"%H\">%s</a>", l->url, l->name);
  else html_printf(out, "Not stated");
}

void page_about(Request *r) {
  Store *st = app_store(r);
  Err err = ERR_INIT;
  pthread_mutex_lock(&cache.lock);
  if (!st || sources_refresh(r, st, &err)) {
    pthread_mutex_unlock(&cache.lock);
    page_unavailable(r, st ? err.msg : NULL);
    return;
  }
  time_t now = app_now(r), newest = 0;
  long long total = 0;
  for (size_t i = 0; i < cache.n; i++) {
    time_t t;
    total += cache.s[i].notices;
    if (cache.s[i].latest && !date_parse(cache.s[i].latest, &t) && t > newest) newest = t;
  }
  page_begin(r, "About");
  Buf *o = &r->out;
  html_printf(o,
              "<h1 class=\"govuk-heading-xl\">About " SERVICE "</h1>\n"
              "<p class=\"govuk-body-l\">" SERVICE " is a contract portal for the North of England: it gathers "
              "public contract notices, opportunities to bid and contracts awarded, from open data published "
              "by public bodies, so that firms can find them in one place.</p>\n"
              "<p class=\"govuk-body\">Every notice is an <a class=\"govuk-link\" "
              "href=\"https://standard.open-contracting.org/\">Open Contracting Data Standard</a> (OCDS) record "
              "as its publisher released it. You can search them on the <a class=\"govuk-link\" "
              "href=\"/notices\">search page</a>, or take them as open data through the <a class=\"govuk-link\" "
              "href=\"/api\">API and downloads</a>.</p>\n"
              "<h2 class=\"govuk-heading-l\" id=\"freshness\">How up to date it is</h2>\n");
  if (newest) {
    Buf when = BUF_INIT, words = BUF_INIT;
    char iso[DATE_LEN];
    date_format(newest, iso);
    human_deadline(&when, iso);
    if (newest <= now) {
      ago(&words, newest, now);
      html_printf(o,
                  "<p class=\"govuk-body\" id=\"updated\">Updated %s: the newest release the portal holds is "
                  "dated <time datetime=\"%s\">%s</time> (UK time).</p>\n",
                  words.data, iso, when.data);
    } else { /* a publisher's clock ahead of ours: say the date, not "in 3 hours" */
      html_printf(o,
                  "<p class=\"govuk-body\" id=\"updated\">The newest release the portal holds is dated "
                  "<time datetime=\"%s\">%s</time> (UK time), later than now by its publisher's clock.</p>\n",
                  iso, when.data);
    }
    buf_release(&when);
    buf_release(&words);
  } else {
    html_printf(o, "<p class=\"govuk-body\" id=\"updated\">The portal holds no notices yet.</p>\n");
  }
  html_printf(o,
              "<p class=\"govuk-body\">New releases from the sources are searchable within a second of being "
              "loaded.</p>\n"
              "<h2 class=\"govuk-heading-l\" id=\"sources\">Where the notices come from</h2>\n");
  if (cache.n) {
    html_printf(o,
                "<div class=\"ph-table-wrap\"><table class=\"govuk-table\">"
                "<caption class=\"govuk-table__caption govuk-table__caption--m\">%lld notices from %zu "
                "source%s</caption>"
                "<thead class=\"govuk-table__head\"><tr class=\"govuk-table__row\">"
                "<th scope=\"col\" class=\"govuk-table__header\">Publisher</th>"
                "<th scope=\"col\" class=\"govuk-table__header govuk-table__header--numeric\">Notices</th>"
                "<th scope=\"col\" class=\"govuk-table__header\">Newest release</th>"
                "<th scope=\"col\" class=\"govuk-table__header\">Licence</th></tr></thead>"
                "<tbody class=\"govuk-table__body\">\n",
                total, cache.n, cache.n == 1 ? "" : "s");
    for (size_t i = 0; i < cache.n; i++) {
      const StoreSource *s = &cache.s[i];
      Buf when = BUF_INIT, lic = BUF_INIT;
      human_date(&when, s->latest);
      licence_cell(&lic, s->first_ocid, s->last_ocid);
      html_printf(o,
                  "<tr class=\"govuk-table__row\"><th scope=\"row\" class=\"govuk-table__header\">%s</th>"
                  "<td class=\"govuk-table__cell govuk-table__cell--numeric\">%lld</td>"
                  "<td class=\"govuk-table__cell\">%s</td><td class=\"govuk-table__cell\">%R</td></tr>\n",
                  s->name ? s->name : "Publisher not recorded", s->notices, when.data, lic.data);
      buf_release(&when);
      buf_release(&lic);
    }
    html_printf(o, "</tbody></table></div>\n");
  }
  pthread_mutex_unlock(&cache.lock);

  size_t nl;
  const ExportLicence *l = export_licences(&nl);
  html_printf(o,
              "<h2 class=\"govuk-heading-l\" id=\"licences\">Licences and attribution</h2>\n"
              "<p class=\"govuk-body\">The notices stay under their publishers' licences; " SERVICE
              " adds none of its own. UK public sector sources publish under the <a class=\"govuk-link\" "
              "href=\"%H\">Open Government Licence v3.0</a>. When you reuse their data, include this "
              "attribution:</p>\n"
              "<div class=\"govuk-inset-text\">Contains public sector information licensed under the Open "
              "Government Licence v3.0.</div>\n"
              "<p class=\"govuk-body\">A notice's source is known from the prefix of its identifier (ocid), "
              "which the Open Contracting Partnership registers for one publishing system each:</p>\n"
              "<ul class=\"govuk-list govuk-list--bullet\">\n",
              EXPORT_OGL_V3_URL);
  for (size_t i = 0; i < nl; i++)
    html_printf(o, "<li>%s (<code>%s</code>): <a class=\"govuk-link\" href=\"%H\">%s</a>%s</li>\n", l[i].source,
                l[i].prefix, l[i].url, l[i].name, l[i].uk ? " (UK public sector)" : "");
  html_printf(o,
              "</ul>\n"
              "<p class=\"govuk-body\">Other sources state no licence here: ask their publisher before you "
              "reuse them.</p>\n"
              "<p class=\"govuk-body\">Downloads say the same. An OCDS package names in its "
              "<code>license</code> field the licence shared by every release in it, and this section in "
              "its <code>publicationPolicy</code>; a package that mixes sources under different licences has "
              "no <code>license</code>. A CSV download carries its licence in an HTTP header, "
              "<code>Link: &lt;URL&gt;; rel=\"license\"</code> (a CSV file has no place for it), and each "
              "row names its <code>publisher</code>.</p>\n");
  page_end(r);
}

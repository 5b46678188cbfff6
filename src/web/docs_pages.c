/* docs_pages.c -- the pages about the service rather than its notices: the
 * API documentation (/api), the OpenAPI document (/api/v1/openapi.json), the
 * accessibility statement (/accessibility) and the privacy notice
 * (/privacy).
 *
 * The OpenAPI document is docs/openapi.json, built into the binary (the
 * Makefile makes build/gen/openapi_json.c of it) and served as it is. The
 * /api page takes its tables of routes and search parameters from that same
 * document (parsed once), so the page and the machine-readable description
 * cannot say different things; the prose around them is written here. */
#include <cjson/cJSON.h>
#include <pthread.h>
#include <string.h>

#include "web/app.h"
#include "web/html.h"
#include "web/layout.h"

#define DOCS_CACHE "public, max-age=3600"

void api_openapi(Request *r) {
  buf_reset(&r->out);
  buf_add(&r->out, openapi_json, openapi_json_len);
  req_json(r, 200);
  r->cache_control = DOCS_CACHE;
}

static cJSON *oas;
static pthread_once_t oas_once = PTHREAD_ONCE_INIT;
static void oas_parse(void) { oas = cJSON_ParseWithLength(openapi_json, openapi_json_len); }

static const char *str_at(const cJSON *o, const char *key) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* A parameter's allowed values in words: its schema's title, its enum, its
 * range, or a date by its pattern. */
static void param_values(Buf *out, const cJSON *schema) {
  const cJSON *items = cJSON_GetObjectItemCaseSensitive(schema, "items");
  const cJSON *s = items ? items : schema;
  const cJSON *e = cJSON_GetObjectItemCaseSensitive(s, "enum");
  const cJSON *min = cJSON_GetObjectItemCaseSensitive(s, "minimum"), *max = cJSON_GetObjectItemCaseSensitive(s, "maximum");
  const char *pattern = str_at(s, "pattern"), *title = str_at(s, "title");
  if (title) {
    html_printf(out, "%s", title);
  } else if (cJSON_IsArray(e)) {
    const cJSON *v;
    int first = 1;
    cJSON_ArrayForEach(v, e) if (cJSON_IsString(v)) {
      html_printf(out, "%R<code>%s</code>", first ? "" : ", ", v->valuestring);
      first = 0;
    }
  } else if (cJSON_IsNumber(min)) {
    html_printf(out, "whole number from %lld", (long long)min->valuedouble);
    if (cJSON_IsNumber(max)) html_printf(out, " to %lld", (long long)max->valuedouble);
  } else if (pattern && !strcmp(pattern, "^[0-9]{4}-[0-9]{2}-[0-9]{2}$")) {
    html_printf(out, "a date, <code>YYYY-MM-DD</code>");
  } else {
    html_printf(out, "text");
  }
  if (items) html_printf(out, " (repeatable, or a comma list)");
}

static void example_of(Buf *out, const cJSON *p) {
  const cJSON *ex = cJSON_GetObjectItemCaseSensitive(p, "example");
  const char *name = str_at(p, "name");
  if (cJSON_IsString(ex)) html_printf(out, "<code>%s=%s</code>", name, ex->valuestring);
  else if (cJSON_IsNumber(ex)) html_printf(out, "<code>%s=%lld</code>", name, (long long)ex->valuedouble);
  else if (cJSON_IsArray(ex)) {
    const cJSON *v;
    html_printf(out, "<code>%s=", name);
    int first = 1;
    cJSON_ArrayForEach(v, ex) if (cJSON_IsString(v)) {
      html_printf(out, "%R%s", first ? "" : ",", v->valuestring);
      first = 0;
    }
    html_printf(out, "</code>");
  }
}

/* The routes (paths with their summaries) and the search parameters. */
static int api_tables(Request *r) {
  pthread_once(&oas_once, oas_parse);
  const cJSON *paths = cJSON_GetObjectItemCaseSensitive(oas, "paths");
  const cJSON *params =
      cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(oas, "components"), "parameters");
  if (!paths || !params) return -1;
  Buf *o = &r->out;
  html_printf(o, "<h2 class=\"govuk-heading-l\" id=\"routes\">Routes</h2>\n"
                 "<dl class=\"govuk-summary-list\">\n");
  const cJSON *p;
  cJSON_ArrayForEach(p, paths) {
    static const char *const methods[][2] = {{"get", "GET"}, {"post", "POST"}};
    for (size_t m = 0; m < sizeof methods / sizeof *methods; m++) {
      const cJSON *op = cJSON_GetObjectItemCaseSensitive(p, methods[m][0]);
      if (!op) continue;
      const char *summary = str_at(op, "summary");
      html_printf(o,
                  "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\"><code>%s "
                  "%s</code></dt><dd class=\"govuk-summary-list__value\">%s",
                  methods[m][1], p->string, summary ? summary : "");
      const char *d = str_at(op, "description");
      if (d) html_printf(o, "<p class=\"govuk-body-s\">%s</p>", d);
      html_printf(o, "</dd></div>\n");
    }
  }
  html_printf(o, "</dl>\n<h2 class=\"govuk-heading-l\" id=\"parameters\">Search parameters</h2>\n"
                 "<p class=\"govuk-body\">For <code>/api/v1/notices</code> and both downloads. Names are "
                 "case-sensitive; an unknown name is refused with a 400, and an empty value means "
                 "\"not given\", as in an HTML form. Filters are combined with AND; the values of a "
                 "repeatable parameter with OR. A parameter that is not repeatable may be given once.</p>\n"
                 "<dl class=\"govuk-summary-list\">\n");
  cJSON_ArrayForEach(p, params) {
    Buf values = BUF_INIT, ex = BUF_INIT;
    param_values(&values, cJSON_GetObjectItemCaseSensitive(p, "schema"));
    example_of(&ex, p);
    html_printf(o,
                "<div class=\"govuk-summary-list__row\" id=\"param-%s\"><dt class=\"govuk-summary-list__key\">"
                "<code>%s</code></dt><dd class=\"govuk-summary-list__value\">%s"
                "<p class=\"govuk-body-s\">Values: %R.",
                str_at(p, "name"), str_at(p, "name"), str_at(p, "description"), values.data ? values.data : "");
    if (ex.len) html_printf(o, " Example: %R.", ex.data);
    html_printf(o, "</p></dd></div>\n");
    buf_release(&values);
    buf_release(&ex);
  }
  html_printf(o, "</dl>\n");
  return 0;
}

void page_api(Request *r) {
  page_begin(r, "API and downloads");
  Buf *o = &r->out;
  html_printf(o,
              "<h1 class=\"govuk-heading-xl\">API and downloads</h1>\n"
              "<p class=\"govuk-body-l\">Every notice on " SERVICE " is open data: search it and read it as "
              "JSON, or download it as OCDS or CSV. No key or sign-up is needed.</p>\n"
              "<p class=\"govuk-body\">The API is described for machines by an <a class=\"govuk-link\" "
              "href=\"/api/v1/openapi.json\">OpenAPI 3.1 document</a>, from which the tables of routes and "
              "parameters below are made. The data keeps each source's licence: see <a class=\"govuk-link\" "
              "href=\"/about#licences\">licences and attribution</a>.</p>\n"
              "<h2 class=\"govuk-heading-l\" id=\"basics\">The basics</h2>\n"
              "<ul class=\"govuk-list govuk-list--bullet\">"
              "<li>Reading needs no key: <code>GET</code> and <code>HEAD</code> (another method on a path "
              "that only reads gets 405 with an <code>Allow</code> header). Buyers' systems publish and "
              "change notices with <code>POST</code> and an API token (<code>Authorization: Bearer</code>, "
              "made on your account page): the <code>POST</code> routes below.</li>"
              "<li>JSON in UTF-8. Dates in the API's own JSON are UTC, written "
              "<code>YYYY-MM-DDTHH:MM:SSZ</code>; amounts are plain numbers in the notice's own currency, "
              "never converted.</li>"
              "<li>A notice's <code>status</code> is worked out when you ask: an open notice whose deadline "
              "has passed is <code>closed</code>.</li>"
              "<li>CORS: every answer under <code>/api/</code> carries <code>Access-Control-Allow-Origin: "
              "*</code>. The API uses no cookies, so a page on any site may read it.</li>"
              "<li>Every response carries <code>X-Request-Id</code>: quote it when you report a problem.</li>"
              "</ul>\n"
              "<h2 class=\"govuk-heading-l\" id=\"example\">An example</h2>\n"
              "<div class=\"ph-table-wrap\" role=\"region\" aria-label=\"Example\" tabindex=\"0\"><pre><code>curl -s 'https://HOST/api/v1/notices?q=software&amp;region=TLD"
              "&amp;status=open&amp;limit=2'</code></pre></div>\n"
              "<p class=\"govuk-body\">answers</p>\n"
              "<div class=\"ph-table-wrap\" role=\"region\" aria-label=\"Example\" tabindex=\"0\"><pre><code>{\"total\": 12, \"results\": [\n"
              "  {\"ocid\": \"ocds-b5fd17-…\", \"title\": \"…\", \"status\": \"open\",\n"
              "   \"buyer\": {\"id\": 379, \"name\": \"…\"}, \"value\": 1814950, \"currency\": \"GBP\",\n"
              "   \"deadline\": \"2026-12-12T12:00:00Z\", \"published\": \"2026-11-20T08:30:40Z\",\n"
              "   \"regions\": [\"TLD\"], \"cpv\": \"72212420\", \"sme\": true, \"vcse\": false,\n"
              "   \"sector\": \"public\", \"subcontract\": false,\n"
              "   \"snippet\": \"…\", \"url\": \"/api/v1/notices/ocds-b5fd17-…\"}, …],\n"
              " \"next\": \"AQQBQQxkwAAAAAAwb2Nk…\"}</code></pre></div>\n");
  if (api_tables(r)) {
    page_unavailable(r, "the built-in OpenAPI document does not parse");
    return;
  }
  html_printf(o,
              "<h2 class=\"govuk-heading-l\" id=\"responses\">Responses</h2>\n"
              "<p class=\"govuk-body\">A search answers <code>{\"total\": N, \"results\": [...], \"next\": "
              "CURSOR or null}</code>: <code>total</code> counts every match, not only this page. Each result "
              "has <code>ocid</code>, <code>title</code>, <code>status</code>, <code>buyer</code> "
              "(<code>id</code>, <code>name</code>), <code>value</code>, <code>currency</code>, "
              "<code>deadline</code>, <code>published</code>, <code>regions</code>, <code>cpv</code>, "
              "<code>sme</code>, <code>vcse</code>, <code>sector</code>, <code>subcontract</code>, "
              "<code>snippet</code> and <code>url</code>. A notice "
              "(<code>/api/v1/notices/{ocid}</code>) has every field of the data, its awards, contracts, "
              "documents, the list of its releases and links to its page and OCDS record package. A buyer "
              "(<code>/api/v1/buyers/{id}</code>) has its details, its notices counted by status and its 20 "
              "latest notices. The <a class=\"govuk-link\" href=\"/api/v1/openapi.json\">OpenAPI document</a> "
              "gives every field with its type.</p>\n"
              "<h2 class=\"govuk-heading-l\" id=\"paging\">Paging with cursors</h2>\n"
              "<p class=\"govuk-body\">To get the next page, send the <code>next</code> value back as "
              "<code>cursor</code> with every other parameter the same; <code>next</code> is null on the "
              "last page. A cursor marks the position of the last item (its sort key and ocid), not an "
              "offset, so with <code>sort=newest</code>, <code>closing</code> or <code>value</code> notices "
              "added while you page make nothing repeat and nothing go missing. With "
              "<code>sort=relevance</code> scores depend on the whole store: page by another sort for a "
              "complete walk. A cursor made for another sort, or altered, is a 400; cursors do not "
              "expire.</p>\n"
              "<h2 class=\"govuk-heading-l\" id=\"downloads\">Downloads</h2>\n"
              "<p class=\"govuk-body\"><code>/api/v1/notices.ocds.json</code> (an OCDS 1.1 release package of "
              "every release of the matching notices) and <code>/api/v1/notices.csv</code> (one row per "
              "notice) take the search's parameters. Each holds at most %d notices, the first in sort "
              "order, and nothing in it says it was cut: check <code>total</code> first and narrow the "
              "search if it is larger. They are streamed; a download that fails part-way is cut short, so "
              "it cannot pass for a complete one. <code>/notices/{ocid}/ocds.json</code> is one notice's "
              "OCDS record package. Downloads run a few at a time: when every slot is busy the answer is "
              "503 with <code>Retry-After: 2</code>.</p>\n"
              "<h2 class=\"govuk-heading-l\" id=\"errors\">Errors</h2>\n"
              "<p class=\"govuk-body\">Errors are <a class=\"govuk-link\" "
              "href=\"https://www.rfc-editor.org/rfc/rfc9457\">RFC 9457</a> problem details, "
              "<code>application/problem+json</code>, whose <code>detail</code> names the parameter at "
              "fault:</p>\n"
              "<div class=\"ph-table-wrap\" role=\"region\" aria-label=\"Example\" tabindex=\"0\"><pre><code>{\"type\": \"about:blank\", \"title\": \"Invalid parameter\", "
              "\"status\": 400,\n \"detail\": \"limit must be a whole number from 1 to 100, got '500'\",\n"
              " \"instance\": \"/api/v1/notices\"}</code></pre></div>\n"
              "<table class=\"govuk-table\"><caption class=\"govuk-table__caption govuk-table__caption--m\">"
              "Statuses</caption><thead class=\"govuk-table__head\"><tr class=\"govuk-table__row\">"
              "<th scope=\"col\" class=\"govuk-table__header\">Status</th>"
              "<th scope=\"col\" class=\"govuk-table__header\">When</th></tr></thead>"
              "<tbody class=\"govuk-table__body\">"
              "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">400</td><td "
              "class=\"govuk-table__cell\">A bad value, an unknown parameter, a once-only parameter twice, "
              "over 64 parameters</td></tr>"
              "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">404</td><td "
              "class=\"govuk-table__cell\">No such notice or buyer</td></tr>"
              "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">405</td><td "
              "class=\"govuk-table__cell\">A method other than GET or HEAD</td></tr>"
              "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">414, 431</td><td "
              "class=\"govuk-table__cell\">An address over 8192 bytes; headers over 16384 bytes</td></tr>"
              "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">429</td><td "
              "class=\"govuk-table__cell\">Too many requests at once from one address</td></tr>"
              "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">503</td><td "
              "class=\"govuk-table__cell\">The service is unavailable, or every download slot is busy; "
              "try again after <code>Retry-After</code> seconds</td></tr>"
              "</tbody></table>\n"
              "<h2 class=\"govuk-heading-l\" id=\"limits\">Limits</h2>\n"
              "<p class=\"govuk-body\">There is no quota of requests per day. A client address may hold at "
              "most 32 connections at once, and a connection idle for 15 seconds is closed; behind our "
              "proxy, more than 32 requests in flight from one address get 429 with "
              "<code>Retry-After: 1</code>. Please fetch pages one after another rather than many at "
              "once.</p>\n",
              API_DOWNLOAD_MAX);
  page_end(r);
}

void page_accessibility(Request *r) {
  page_begin(r, "Accessibility statement");
  html_printf(
      &r->out,
      "<h1 class=\"govuk-heading-xl\">Accessibility statement for " SERVICE "</h1>\n"
      "<p class=\"govuk-body\">This statement applies to the " SERVICE " contract portal: its search, notice "
      "and buyer pages, and the pages about the service.</p>\n"
      "<p class=\"govuk-body\">We want as many people as possible to be able to use it. You should be able "
      "to:</p>\n"
      "<ul class=\"govuk-list govuk-list--bullet\">"
      "<li>zoom in up to 400%% without the text spilling off the screen, and use it on a screen 320 pixels "
      "wide</li>"
      "<li>navigate it using just a keyboard, starting with the skip link at the top of each page</li>"
      "<li>navigate it using speech recognition software</li>"
      "<li>listen to it using a screen reader (including recent versions of JAWS, NVDA and VoiceOver)</li>"
      "<li>use it with JavaScript turned off: every page works without it</li>"
      "</ul>\n"
      "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"https://mcmw.abilitynet.org.uk/\">AbilityNet</a> "
      "has advice on making your device easier to use if you have a disability.</p>\n"
      "<h2 class=\"govuk-heading-l\" id=\"compliance\">Compliance status</h2>\n"
      "<p class=\"govuk-body\">This website is partially compliant with the <a class=\"govuk-link\" "
      "href=\"https://www.w3.org/TR/WCAG21/\">Web Content Accessibility Guidelines version 2.1</a> AA "
      "standard, due to the issues listed below.</p>\n"
      "<h2 class=\"govuk-heading-l\" id=\"known-issues\">Known issues</h2>\n"
      "<ul class=\"govuk-list govuk-list--bullet\">"
      "<li>Notice titles, descriptions and documents come from the publishers as they wrote them. Some are "
      "all in capitals, use abbreviations without explanation, or are in another language without being "
      "marked as such (WCAG 3.1.2 Language of Parts).</li>"
      "<li>Documents attached to notices are on the publishers' own sites, often as PDF or Word files that "
      "may not be accessible. We do not control them.</li>"
      "<li>The OCDS and CSV downloads are data files for software, not documents to read.</li>"
      "</ul>\n"
      "<h2 class=\"govuk-heading-l\" id=\"testing\">How we tested this website</h2>\n"
      "<p class=\"govuk-body\">Every change is tested automatically. Browser tests in Chromium check each "
      "kind of page with <a class=\"govuk-link\" href=\"https://github.com/dequelabs/axe-core\">axe-core</a> "
      "against the WCAG 2.0 and 2.1 A and AA rules, at widths of 320, 390 and 1366 pixels, and check that "
      "pages do not scroll sideways on a phone and that search works with JavaScript turned off. Automated "
      "tools find only some problems: we also check pages by hand with a keyboard and a screen reader.</p>\n"
      "<h2 class=\"govuk-heading-l\" id=\"report\">Reporting accessibility problems</h2>\n"
      "<p class=\"govuk-body\">If you find a problem not listed on this page, or think we are not meeting "
      "accessibility requirements, email <a class=\"govuk-link\" "
      "href=\"mailto:accessibility@powerhouse.example\"><span class=\"govuk-!-text-break-word\">accessibility@powerhouse.example</span></a>. Tell us the "
      "address of the page and what went wrong. We will reply within 5 working days. If you need "
      "information on this website in a different format, such as large print or an accessible PDF, ask "
      "at the same address.</p>\n"
      "<h2 class=\"govuk-heading-l\" id=\"enforcement\">Enforcement procedure</h2>\n"
      "<p class=\"govuk-body\">The Equality and Human Rights Commission (EHRC) is responsible for enforcing "
      "the Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018 "
      "(the &#8216;accessibility regulations&#8217;). If you&#8217;re not happy with how we respond to your "
      "complaint, <a class=\"govuk-link\" href=\"https://www.equalityadvisoryservice.com/\">contact the "
      "Equality Advisory and Support Service (EASS)</a>.</p>\n"
      "<p class=\"govuk-body\">If you live in Northern Ireland, contact the <a class=\"govuk-link\" "
      "href=\"https://www.equalityni.org/Home\">Equality Commission for Northern Ireland (ECNI)</a>.</p>\n"
      "<h2 class=\"govuk-heading-l\" id=\"preparation\">Preparation of this accessibility statement</h2>\n"
      "<p class=\"govuk-body\">This statement was prepared on 7 December 2026. It was last reviewed on "
      "7 December 2026.</p>\n");
  page_end(r);
}

void page_privacy(Request *r) {
  page_begin(r, "Privacy");
  html_printf(
      &r->out,
      "<h1 class=\"govuk-heading-xl\">Privacy</h1>\n"
      "<p class=\"govuk-body-l\">You can search, read and download every notice without an account, and "
      "then " SERVICE " keeps nothing about you but its access log. An account, which you need to join an "
      "organisation, post or answer, keeps what is listed below.</p>\n"
      "<h2 class=\"govuk-heading-l\" id=\"cookies\">Cookies</h2>\n"
      "<p class=\"govuk-body\">Reading the site sets no cookies, and we use no analytics, advertising or "
      "tracking scripts. Pages load nothing from other sites. What you search for stays in the address of the "
      "page, like any link. We set only cookies that are strictly necessary, and only on the account pages:</p>\n"
      "<ul class=\"govuk-list govuk-list--bullet\">"
      "<li><code>ph_session</code>: keeps you signed in; it ends when you sign out, after 2 hours without "
      "use, or after 30 days</li>"
      "<li><code>ph_form</code>: set when a sign-in or registration form is shown, so that only this site "
      "can send that form; it ends when you close your browser</li>"
      "</ul>\n"
      "<h2 class=\"govuk-heading-l\" id=\"account\">Your account</h2>\n"
      "<p class=\"govuk-body\">For an account we keep your name, your email address, a one-way hash of your "
      "password (never the password), the organisations you belong to and your role in each, and for each "
      "device signed in the time it was last used and its IP address. We record what is done with the "
      "account (signing in, changes to your details, to organisations and their members) with the time and "
      "IP address, to keep accounts safe. We send you email only about your account and your "
      "organisations. You can change your details or delete your account on <a class=\"govuk-link\" "
      "href=\"/account\">your account page</a>; deleting it deletes your details, sessions and memberships, "
      "and the record of what was done keeps only your email address.</p>\n"
      "<h2 class=\"govuk-heading-l\" id=\"logs\">What the server records</h2>\n"
      "<p class=\"govuk-body\">Like most websites, the server writes one line per request to its access "
      "log, to keep the service running and to investigate faults and abuse. Each line holds:</p>\n"
      "<ul class=\"govuk-list govuk-list--bullet\">"
      "<li>the date and time of the request</li>"
      "<li>the IP address it came from (behind our proxy, the address the proxy saw)</li>"
      "<li>the method and the address asked for, including the search terms in it</li>"
      "<li>the response's status, its size in bytes and how long it took</li>"
      "<li>the request's id, also sent to you in the <code>X-Request-Id</code> header</li>"
      "</ul>\n"
      "<p class=\"govuk-body\">It does not record your browser's name, the page you came from, or any "
      "cookie. When something fails inside the service, an error line with the same request id records "
      "what failed, never more about you. Our proxy keeps no access log of its own.</p>\n"
      "<p class=\"govuk-body\">We keep logs for 30 days and then delete them. We use them only to run the "
      "service and never sell or share them, except where the law requires it.</p>\n"
      "<h2 class=\"govuk-heading-l\" id=\"data\">The notices</h2>\n"
      "<p class=\"govuk-body\">The notices are public information published by the buyers. They can name "
      "people, such as a buyer's contact; we show them as published. To have something corrected, contact "
      "the publisher named on the notice, or us.</p>\n"
      "<h2 class=\"govuk-heading-l\" id=\"contact\">Contact</h2>\n"
      "<p class=\"govuk-body\">For questions about your data or this notice, email <a class=\"govuk-link\" "
      "href=\"mailto:privacy@powerhouse.example\"><span class=\"govuk-!-text-break-word\">privacy@powerhouse.example</span></a>. You can also complain to "
      "the <a class=\"govuk-link\" href=\"https://ico.org.uk/make-a-complaint/\">Information "
      "Commissioner's Office</a>.</p>\n");
  page_end(r);
}

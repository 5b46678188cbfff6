/* layout.c -- what every HTML page shares: the page's head, header and
 * footer, and dates, deadlines and statuses in words (web/layout.h). */
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/num.h"
#include "web/html.h"
#include "web/layout.h"

void page_begin(Request *r, const char *title) {
  html_printf(&r->out,
              "<!DOCTYPE html>\n<html lang=\"en\" class=\"govuk-template\">\n<head>\n<meta charset=\"utf-8\">\n"
              "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
              "<title>%s – " SERVICE "</title>\n"
              "<link rel=\"stylesheet\" href=\"/static/govuk-frontend.min.css\">\n"
              "<link rel=\"stylesheet\" href=\"/static/site.css\">\n"
              "<link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">\n</head>\n",
              title);
  html_printf(&r->out,
              "<body class=\"govuk-template__body\">\n"
              "<a href=\"#main-content\" class=\"govuk-skip-link\">Skip to main content</a>\n"
              "<header class=\"ph-header\" role=\"banner\"><div class=\"govuk-width-container ph-header__inner\">"
              "<a href=\"/\" class=\"ph-header__name\">" SERVICE "</a>"
              "<span class=\"ph-header__tagline\">Contract portal for the North of England</span>"
              "<nav aria-label=\"Menu\" class=\"ph-header__nav\"><a href=\"/notices\">Find opportunities</a> "
              "<a href=\"/notices?status=awarded&amp;sort=award_date\">Awarded contracts</a> "
              "<a href=\"/account\">Your account</a></nav>"
              "</div></header>\n"
              "<div class=\"govuk-width-container\">\n<main class=\"govuk-main-wrapper\" id=\"main-content\">\n");
}

void page_end(Request *r) {
  html_printf(&r->out,
              "</main>\n</div>\n<footer class=\"govuk-footer\"><div class=\"govuk-width-container\">"
              "<h2 class=\"govuk-visually-hidden\">Support links</h2>"
              "<ul class=\"govuk-footer__inline-list\">"
              "<li class=\"govuk-footer__inline-list-item\"><a class=\"govuk-footer__link\" href=\"/about\">About</a></li>"
              "<li class=\"govuk-footer__inline-list-item\"><a class=\"govuk-footer__link\" href=\"/api\">API and downloads</a></li>"
              "<li class=\"govuk-footer__inline-list-item\"><a class=\"govuk-footer__link\" href=\"/accessibility\">Accessibility</a></li>"
              "<li class=\"govuk-footer__inline-list-item\"><a class=\"govuk-footer__link\" href=\"/privacy\">Privacy</a></li>"
              "</ul>"
              "<p class=\"govuk-body-s\">Notices are collated from public Open Contracting Data Standard "
              "feeds and from buyers, under their publishers' licences: <a class=\"govuk-footer__link\" "
              "href=\"/about#licences\">licences and attribution</a>.</p>"
              "</div></footer>\n</body>\n</html>\n");
}

/* The instant of iso when it is a date with a time ("2026-12-01T12:00:00Z"). */
static int instant_of(const char *iso, time_t *t) { return iso && strlen(iso) > 10 && date_parse(iso, t) == 0; }

/* "2026-12-01T12:00:00Z" -> "1 December 2026": the UK date of an instant (the
 * date-time "2026-06-30T23:30:00Z" is 1 July in the UK). A plain date
 * "2026-12-01" has no instant and reads as written. */
void human_date(Buf *out, const char *iso) {
  time_t t;
  if (instant_of(iso, &t)) {
    DateCivil c;
    date_uk_civil(t, &c);
    buf_addf(out, "%u %s %lld", c.d, date_month_name(c.m), c.y);
    return;
  }
  int y = -1, m = -1, d = -1;
  if (iso && strlen(iso) >= 10 && iso[4] == '-' && iso[7] == '-') {
    y = num_digits(iso, 4);
    m = num_digits(iso + 5, 2);
    d = num_digits(iso + 8, 2);
  }
  if (y < 0 || d < 0 || m < 1 || m > 12) {
    buf_adds(out, "not given");
    return;
  }
  buf_addf(out, "%d %s %d", d, date_month_name((unsigned)m), y);
}

/* A deadline with its UK time: "7 December 2026, 12:00pm" (12:00am is
 * midnight, 12:00pm midday). A plain date has no time to show. */
void human_deadline(Buf *out, const char *iso) {
  time_t t;
  if (!instant_of(iso, &t)) {
    human_date(out, iso);
    return;
  }
  date_uk_words(out, t);
}

/* "closes tomorrow" / "closed 2 days ago" for an open notice's deadline, in
 * UK calendar days: a deadline at 12:00 on 7 December closes tomorrow all
 * through 6 December, and today from midnight. */
void closes_in(Buf *out, const char *deadline, time_t now) {
  time_t t;
  if (!deadline || date_parse(deadline, &t)) return;
  long long days = date_uk_day(t) - date_uk_day(now);
  if (t < now) {
    if (days == 0) buf_adds(out, "closed today");
    else if (days == -1) buf_adds(out, "closed yesterday");
    else buf_addf(out, "closed %lld days ago", -days);
  } else if (days == 0) {
    buf_adds(out, "closes today");
  } else if (days == 1) {
    buf_adds(out, "closes tomorrow");
  } else {
    buf_addf(out, "closes in %lld days", days);
  }
}

const char *notice_marks(int private_sector, int subcontract) {
#define PRIVATE_TAG " <strong class=\"govuk-tag govuk-tag--purple\">Private sector</strong>"
#define SUB_TAG " <strong class=\"govuk-tag govuk-tag--turquoise\">Sub-contract</strong>"
  return private_sector ? (subcontract ? PRIVATE_TAG SUB_TAG : PRIVATE_TAG) : subcontract ? SUB_TAG : "";
#undef PRIVATE_TAG
#undef SUB_TAG
}

const char *status_class(const char *s) {
  if (!s) return "govuk-tag--grey";
  if (!strcmp(s, "open")) return "govuk-tag--green";
  if (!strcmp(s, "awarded")) return "govuk-tag--blue";
  if (!strcmp(s, "cancelled")) return "govuk-tag--red";
  return "govuk-tag--grey";
}


/* layout.h -- what every HTML page shares: the GOV.UK-style page around the
 * content, and dates, deadlines and statuses in words. Dates are shown in UK
 * time (Europe/London). */
#ifndef WEB_LAYOUT_H
#define WEB_LAYOUT_H

#include <time.h>

#include "base/buf.h"
#include "web/server.h"

#define SERVICE "Powerhouse"

/* The page up to <main>'s content, with title (escaped) in <title>. */
void page_begin(Request *r, const char *title);
/* Closes <main> and adds the footer. */
void page_end(Request *r);

/* "1 December 2026" for a date-time or a plain date; "not given" for NULL or
 * text that is no date. */
void human_date(Buf *out, const char *iso);
/* "7 December 2026, 12:00pm" for a date-time; as human_date for a plain date. */
void human_deadline(Buf *out, const char *iso);
/* "closes tomorrow", "closes in 3 days", "closed 2 days ago": UK calendar days
 * between now and deadline; nothing when deadline is NULL or no date-time. */
void closes_in(Buf *out, const char *deadline, time_t now);
/* The GOV.UK tag class for a status name ("govuk-tag--green" for open). */
const char *status_class(const char *status);
/* The tags after a notice's status: " Private sector" for a private buyer,
 * " Sub-contract" for a sub-contracting opportunity (markup, static; ""
 * for neither). */
const char *notice_marks(int private_sector, int subcontract);

#endif

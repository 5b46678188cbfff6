/* derive.h -- the portal's Notice (model/notice.h) from a compiled release.
 * The only place that knows which OCDS field paths feed which notice field.
 *
 * Handles OCDS 1.0 and 1.1 and the UK extensions seen in real data: CCS
 * `tender.suitability.{sme,vcse}`, the older `tender.xClassifications
 * .isSuitableForSme/isSuitableForVco` (and `isSuitableForSme` at tender level),
 * `parties[].details.{scale,vcse}`, `tender.datePublished`, `awards[].datePublished`;
 * nulls anywhere; item-level classifications; region given as English region
 * names, NUTS/ITL codes, or only postcodes (model/region.h). Text fields with
 * cp1252 mojibake ("Â£", "â€™") are repaired (base/text.h). The portal's own
 * marks: a buyer party classified {"scheme": "POWERHOUSE-SECTOR", "id":
 * "private"} makes the notice private sector (anything else is public), and
 * `relatedProcesses[]` with relationship "parent" a sub-contract (its
 * identifier, scheme "ocid", the parent notice). */
#ifndef DERIVE_H
#define DERIVE_H

#include <time.h>

#include <cjson/cJSON.h>

#include "base/err.h"
#include "model/notice.h"

typedef struct {
  time_t now;            /* "today" for open/closed */
  const char *publisher; /* source publisher name, may be NULL */
} DeriveCtx;

/* Fills *out (which the caller has notice_init()ed) from compiled release c.
 * 0 ok; <0 with err when c is not a usable compiled release (no ocid). */
int derive_notice(const cJSON *compiled, const DeriveCtx *ctx, Notice *out, Err *err);

/* Stage, reserved participation and details (ocds/derive_uk.c): the
 * notice's stage from the latest Procurement Act notice type on the
 * documents of any section (documents[].noticeType UK1..UK17), else from the
 * sections its data has reached; derive_notice calls it. */
void derive_uk(const cJSON *compiled, Notice *out);
/* (It also sets out->lots_text: tender.lots[] titles and descriptions and
 * tender.items[] descriptions, searched as part of the description.) */
/* The stage of a notice type ("UK6" -> "award"); NULL for anything else. */
const char *derive_stage_of_notice_type(const char *type);
/* A stage in plain words ("pipeline" -> "Upcoming (pipeline)"); NULL when
 * stage is not one of the names. */
const char *derive_stage_words(const char *stage);

/* The documents of a compiled release with a URL, in the order tender,
 * planning, awards, contracts; duplicate URLs once; at most
 * DERIVE_MAX_DOCUMENTS. *docs is an array the caller frees with
 * notice_documents_free. Returns the count. derive_notice fills the notice's
 * documents with it. */
#define DERIVE_MAX_DOCUMENTS 500
size_t derive_documents(const cJSON *compiled, NoticeDocument **docs);

/* The notice's history (out->history, which must be empty): one entry per
 * release of releases[0..n), in the order given (the caller passes them in
 * date order, as they merge): its id, date (normalised to UTC), tags and
 * data notes (notes[i], Release.notes of releases[i]; notes may be NULL:
 * none). */
void derive_history(const cJSON *const *releases, char *const *notes, size_t n, Notice *out);

#endif

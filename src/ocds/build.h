/* build.h -- OCDS releases for notices posted on the portal: a buyer's
 * posting (model/posting.h) and each change that follows it becomes one
 * release, which goes through ingest/apply like any harvested one, so posted
 * and harvested notices are one kind of thing everywhere.
 *
 * Each release carries only what it changes beside the parts every release
 * has (ocid, id, date, tag, initiationType, the buyer and its party): OCDS
 * merging (ocds/merge.h) keeps what earlier releases said, and merges arrays
 * of objects by id -- an award, a contract, an answered question or a
 * document is added by its own id. A tender release (and an amendment) holds
 * the whole tender section as it now stands.
 *
 * Shapes (the paths ocds/derive reads):
 *   tender.value / minValue, procurementMethod(+Details, Rationale), items
 *   (one per CPV code, id = the code; delivery places on the first),
 *   tenderPeriod, enquiryPeriod, contractPeriod, hasRenewal + renewal
 *   (renewal extension), suitability (UK extension), otherRequirements
 *   (reservedParticipation ["smeVcse"], reservedParticipationLocation),
 *   awardCriteria "ratedCriteria" + awardCriteriaDetails (each criterion and
 *   weight in words), submissionMethod(+Details), contactPoint, lots (lots
 *   extension; a lot's CPV codes are items with relatedLot), amendments,
 *   enquiries (enquiries extension), documents (with the notice type of the
 *   Procurement Act 2023 on the notice's own document for a public buyer:
 *   UK1 pipeline, UK2 engagement, UK4 tender, UK6 award, UK7 contract, UK12
 *   cancellation), relatedProcesses (a sub-contract: relationship "parent",
 *   scheme "ocid"); the buyer party's details.classifications holds its
 *   sector (scheme "POWERHOUSE-SECTOR", id "public" or "private"). */
#ifndef BUILD_H
#define BUILD_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/buf.h"
#include "model/posting.h"

/* The extensions the built releases use (their extension.json URLs), for a
 * package's "extensions"; NULL-terminated. */
extern const char *const build_extensions[];

/* What every release of one notice shares. */
typedef struct {
  const char *ocid;
  const char *release_id; /* this release's id, unique in the ocid */
  time_t date;            /* this release's date */
  const char *notice_url; /* the notice's page on the portal (absolute), the notice document's url */
  /* the buyer */
  const char *buyer_id;   /* its party id ("GB-COH-01234567", "ph-org-12") */
  const char *buyer_name;
  const char *buyer_scheme, *buyer_identifier; /* an identifier ("GB-COH", "01234567"), NULL none */
  const char *buyer_website;                   /* NULL none */
  int is_private;         /* a private-sector buyer (no Procurement Act notice types) */
} BuildCtx;

typedef struct {
  const char *id;        /* a stable id ("doc-3") */
  const char *title;     /* the file's name */
  const char *url;       /* absolute */
  const char *format;    /* MIME type */
  const char *sha256;    /* hex */
  long long size;
  time_t published, modified; /* modified 0: never replaced */
  const char *replaces;  /* an earlier version's id, NULL none */
} BuildDocument;

typedef struct {
  const char *id;        /* "q-12" */
  long long number;      /* 1, 2, ... in the order answers were published */
  const char *question;  /* as the buyer published it */
  const char *answer;
  time_t asked, answered;
} BuildEnquiry;

typedef struct {
  const char *id;        /* "amendment-2" */
  time_t date;           /* 0: the release's date */
  const char *rationale; /* why */
  const char *description; /* what changed, in words (NULL: none) */
} BuildAmendment;

/* The tender section as it stands: tag "planning" for a pipeline or
 * engagement notice, "tender" for a tender; with amendment (non-NULL), a
 * "tenderAmendment" that adds it to tender.amendments. The release's JSON is
 * appended to out. */
void build_notice(const BuildCtx *ctx, const Posting *p, const BuildAmendment *amendment, Buf *out);

/* "tenderCancellation": tender.status cancelled, the reason in statusDetails
 * (and the UK12 notice for a public buyer). */
void build_cancellation(const BuildCtx *ctx, const char *reason, Buf *out);

/* "award": awards[award_id] with its suppliers (each a party, role
 * "supplier"; its id the identifier when given, else "ph-supplier-" and a
 * hash of the name). */
void build_award(const BuildCtx *ctx, const char *award_id, const PostingAward *a, Buf *out);

/* "contract": contracts[contract_id] for award_id. */
void build_contract(const BuildCtx *ctx, const char *contract_id, const char *award_id, const PostingContract *c,
                    Buf *out);

/* "tenderUpdate" adding answered questions to tender.enquiries. */
void build_enquiries(const BuildCtx *ctx, const BuildEnquiry *e, size_t n, Buf *out);

/* "tenderUpdate" adding (or replacing, by id) tender.documents. */
void build_documents(const BuildCtx *ctx, const BuildDocument *d, size_t n, Buf *out);

/* A party id for a supplier named name with no identifier: "ph-supplier-"
 * and 16 hex digits of a hash of the name folded to lower case. out[40]. */
void build_supplier_id(const char *name, char out[40]);

#endif

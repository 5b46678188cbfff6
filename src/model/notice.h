/* notice.h -- the notice: one procurement opportunity keyed by its OCDS ocid,
 * as the portal shows and filters it. Plain data, no I/O. Every string is
 * owned by the Notice (heap-allocated, NUL-terminated, may be NULL when the
 * data does not say); notice_release() frees them all.
 *
 * Dates are kept as ISO 8601 text normalised to UTC "YYYY-MM-DDTHH:MM:SSZ"
 * (so they sort as text) or NULL. Money is a double in the given currency,
 * with has_* flags since 0 is a real value. */
#ifndef NOTICE_H
#define NOTICE_H

#include <stddef.h>

typedef enum {
  NOTICE_OPEN = 0,      /* tender active/planned and tender period end in the future */
  NOTICE_CLOSED = 1,    /* deadline passed, or tender complete/unsuccessful, no award */
  NOTICE_AWARDED = 2,   /* has an active/pending award or contract */
  NOTICE_CANCELLED = 3, /* tender cancelled/withdrawn, or all awards cancelled */
  NOTICE_PLANNED = 4    /* planning only, no tender yet */
} NoticeStatus;

/* Who buys: a private buyer marks itself in its buyer party (ocds/derive.c);
 * every other notice, harvested data included, is public. */
typedef enum { NOTICE_PUBLIC = 0, NOTICE_PRIVATE = 1 } NoticeSector;
#define NOTICE_N_SECTOR 2

/* Tri-state for flags publishers may leave out. */
typedef enum { FLAG_UNKNOWN = -1, FLAG_NO = 0, FLAG_YES = 1 } Flag;

typedef struct {
  char *id;          /* party id within the release (e.g. "GB-COH-01234567" or "GB-CFS-123") */
  char *name;
  char *scheme;      /* identifier.scheme, e.g. GB-COH */
  char *identifier;  /* identifier.id */
  char *postcode;
  char *locality;
  char *region;      /* ITL1 code (TLC..TLN) or NULL */
  char *country;     /* free text as published */
  char *scale;       /* "sme", "large", "micro" ... as published (details.scale) */
  Flag vcse;         /* details.vcse */
} Org;

typedef struct {
  char *code;   /* 8-digit CPV without check digit, e.g. "72000000" */
  char *label;  /* English label from the CPV list, NULL if unknown */
  int kind;     /* 0 main (tender.classification), 1 additional, 2 item */
} NoticeCpv;

typedef struct {
  char *id;
  char *title;
  char *status;       /* OCDS award status: pending/active/cancelled/unsuccessful */
  char *date;         /* award date */
  char *date_published;
  int has_value;
  double value;
  char *currency;
  char *contract_start, *contract_end;
  Org *suppliers;
  size_t n_suppliers;
} NoticeAward;

typedef struct {
  char *id;
  char *award_id;
  char *title;
  char *status;
  int has_value;
  double value;
  char *currency;
  char *start, *end;
  char *date_signed;
} NoticeContract;

/* A document a notice links to (tender, planning, award or contract documents). */
typedef struct {
  char *title;  /* title, else description, else the document type */
  char *url;    /* as published: put it in a page only through the URL-checking writer */
  char *type;   /* documentType, may be NULL */
  char *date;   /* datePublished, normalised, may be NULL */
} NoticeDocument;

/* One release of the notice, for its history: what changed, when. */
typedef struct {
  char *release_id;
  char *date;   /* the release's date, normalised to UTC; NULL when it has none that parses */
  char *tags;   /* its tags, comma-separated ("tender,tenderUpdate"); may be NULL */
  char *notes;  /* its data notes (ocds/release.h) as a JSON array; NULL when none */
} NoticeHistory;

typedef struct {
  char *ocid;
  char *title;
  char *description;
  NoticeStatus status;
  char *tender_status;     /* as published */
  Org buyer;               /* buyer party (name/id/postcode/region ...) */
  long long buyer_ref;     /* the store's row id of the buyer organisation; 0 unknown */
  int has_value, has_min_value;
  double value, min_value;
  char *currency;
  char *deadline;          /* tender.tenderPeriod.endDate, UTC */
  char *published;         /* tender.datePublished, or the earliest release date */
  char *updated;           /* the latest release date */
  char *contract_start, *contract_end; /* tender.contractPeriod */
  char *method;            /* tender.procurementMethod */
  char *method_details;    /* tender.procurementMethodDetails */
  char *category;          /* tender.mainProcurementCategory */
  NoticeCpv *cpvs;
  size_t n_cpvs;
  char **regions;          /* distinct ITL1 codes of delivery places (and buyer fallback) */
  size_t n_regions;
  Flag sme, vcse;          /* suitability */
  NoticeAward *awards;
  size_t n_awards;
  NoticeContract *contracts;
  size_t n_contracts;
  char *publisher;         /* source publisher name (package publisher or --source) */
  char *url;               /* link to the original notice, when the data gives one */
  char *tags;              /* comma-separated tags of the latest release */
  /* Derived when the notice is stored, so that no page reads or merges its
   * releases to show them: */
  NoticeDocument *documents; /* with a URL; tender, planning, awards, contracts */
  size_t n_documents;
  NoticeHistory *history;    /* every release, in date order */
  size_t n_history;
  /* The compiled release the notice was derived from, as JSON, stored with
   * it when it has many releases so that one more merges onto it instead of
   * every release being read and merged again (ingest/apply.c); NULL: not
   * kept (store_notice_get never reads it back). */
  char *compiled;
  /* Where the procurement stands and how to take part (ocds/derive_uk.c): */
  char *stage;             /* "pipeline", "tender", "award", ... (derive_stage_words); NULL unknown */
  char *reserved;          /* reserved participation: "sme-vcse", "location" or both comma-separated; NULL none */
  char *reserved_location; /* the county or borough it is reserved to, as published */
  char *lots_text;         /* lot titles and descriptions and item descriptions, one a line: searched
                            * as part of the description (notice_search_text); NULL none */
  char *details;           /* JSON object: contact, enquiryDeadline, submission, legalBasis, tenderers,
                            * lots, awardCriteria, awardCriteriaDetails, amendments, cancellation,
                            * contracts (with kpis and their ratings, termination); NULL: none */
  /* Who buys, and whether this is work under another contract (ocds/derive.c): */
  NoticeSector sector;     /* NOTICE_PUBLIC unless the buyer party says it is private */
  int subcontract;         /* 1: a related process is its "parent" (this may become a sub-contract of it) */
  char *parent_ocid;       /* that parent's ocid, when given with scheme "ocid"; NULL otherwise */
} Notice;

void notice_documents_free(NoticeDocument *docs, size_t n);

/* One data note of one of the notice's releases (ocds/release.h), as
 * notice_notes_each hands it over: strings valid during the call. */
typedef struct {
  const char *release_id; /* the release it is about; may be NULL */
  const char *path;       /* JSON pointer in that release, "/tender/value/amount" */
  const char *value;      /* the value as given, as JSON text ("\"\"", "12", "null") */
  const char *rule;       /* "amount-invalid", ... */
  const char *message;    /* in words */
} NoticeNote;
typedef int (*NoticeNoteFn)(void *ctx, const NoticeNote *note);
/* Calls fn for every data note of the notice's releases, oldest release
 * first; fn returning non-zero stops. Returns how many notes were handed over. */
size_t notice_notes_each(const Notice *n, NoticeNoteFn fn, void *ctx);

/* The description as every search engine indexes it: the description, then
 * a line break and the lots' and items' text (Notice.lots_text) when there
 * is some (store/search_sql.h's SEARCH_SQL_DESCRIPTION in SQL). Heap, or
 * NULL when both are NULL. */
char *notice_search_text(const char *description, const char *lots_text);

void notice_init(Notice *n);     /* zeroes; never allocates */
void notice_release(Notice *n);  /* frees what n holds, not n */
void org_release(Org *o);

/* ---- status: the one table of names and the one rule ----
 * A notice is stored with the status its data gives on the day it was
 * derived; what it shows depends on the day it is looked at: a notice stored
 * as open whose deadline has passed is closed (NOTICE_STATUS_EXPIRING shows as
 * NOTICE_STATUS_EXPIRED from its deadline on; a deadline equal to now is still
 * open). Every engine asks this rule: C code calls notice_status_at; engines
 * that evaluate it elsewhere (the store's SQL, the index's bitmaps) are built
 * from the two constants and notice_status_name. */
#define NOTICE_N_STATUS 5
#define NOTICE_STATUS_EXPIRING NOTICE_OPEN
#define NOTICE_STATUS_EXPIRED NOTICE_CLOSED

/* ---- stages: where a procurement stands (ocds/derive_uk.c derives them;
 * the search filters on them). Notice.stage holds one of these names. */
#define NOTICE_N_STAGE 12
/* "pipeline", "engagement", "planned", "tender", "transparency", "award",
 * "contract", "performance", "change", "terminated", "dynamic-market",
 * "payments" for 0..11; NULL out of range. */
const char *notice_stage_name(int i);
/* The index of a stage name, or -1. */
int notice_stage_parse(const char *s);
/* Reserved participation kinds (Notice.reserved lists them, comma-separated). */
#define NOTICE_N_RESERVED 2
const char *notice_reserved_name(int i); /* "sme-vcse", "location"; NULL out of range */
int notice_reserved_parse(const char *s); /* index, or -1 */
/* Bits (1u << i) of the stage / reserved kinds a notice's text holds: for the
 * engines that filter on them. */
unsigned notice_stage_bits(const char *stage);
unsigned notice_reserved_bits(const char *reserved);

/* "public", "private" for NOTICE_PUBLIC, NOTICE_PRIVATE; NULL out of range. */
const char *notice_sector_name(int i);
/* The sector a stored name says: NOTICE_PRIVATE for "private", NOTICE_PUBLIC
 * for anything else (NULL included: a notice without the mark is public). */
NoticeSector notice_sector_of(const char *s);

const char *notice_status_name(NoticeStatus s); /* "open", "closed", ...; "unknown" out of range */
int notice_status_parse(const char *s, NoticeStatus *out); /* 0 ok, -1 unknown */

/* The status shown at now of a notice stored with status stored and, when
 * has_deadline, that deadline (seconds since the epoch, UTC). */
NoticeStatus notice_status_at(NoticeStatus stored, int has_deadline, long long deadline, long long now);

/* The same from stored text: stored status name (NULL or unknown: closed) and
 * deadline as stored ("YYYY-MM-DDTHH:MM:SSZ", NULL when none). Returns the
 * name of the shown status (a static string). */
const char *notice_status_text_at(const char *stored, const char *deadline, long long now);

#endif

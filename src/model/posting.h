/* posting.h -- an opportunity as a buyer writes it on the portal, and the
 * changes that follow it (amendment, cancellation, award, contract), as
 * plain structs with their rules; no I/O. The API reads them from JSON
 * (posting_from_json ...), the forms fill them field by field, a draft is
 * kept as posting_to_json's text, and ocds/build.h turns them into releases.
 *
 * Every string a Posting holds is its own (malloc'd, NUL-terminated, valid
 * UTF-8, trimmed); posting_release frees them. Every limit below is checked by
 * the readers, so a Posting that was read holds no more than they allow.
 *
 * Issues name their field the way the API's JSON does: "title",
 * "value.amount", "lots[2].title", "criteria[0].weight". A form names its
 * inputs after the same keys with '.' and '[' ']' written as '-'
 * ("lots-2-title"), see posting_field_id. */
#ifndef POSTING_H
#define POSTING_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

typedef struct cJSON cJSON;

/* What a posted notice announces. */
typedef enum {
  POSTING_TENDER = 0,     /* an opportunity open to bids now */
  POSTING_PIPELINE = 1,   /* an upcoming opportunity: "we expect to tender in March for about 200k" */
  POSTING_ENGAGEMENT = 2, /* market engagement: an event or a questionnaire before the tender */
} PostingStage;
const char *posting_stage_name(PostingStage s);            /* "tender", "pipeline", "engagement" */
int posting_stage_parse(const char *s, PostingStage *out); /* 0 ok, -1 unknown */

/* The procedure (OCDS tender.procurementMethod: open, selective, limited). */
typedef enum { PROCEDURE_NONE = 0, PROCEDURE_OPEN = 1, PROCEDURE_SELECTIVE = 2, PROCEDURE_LIMITED = 3 } Procedure;
const char *procedure_name(Procedure p);            /* "open", "selective", "limited"; "" NONE */
int procedure_parse(const char *s, Procedure *out); /* 0 ok, -1 unknown */

/* How suppliers apply. */
typedef enum { APPLY_NONE = 0, APPLY_LINK = 1, APPLY_EMAIL = 2, APPLY_NOTE = 3 } ApplyRoute;
const char *apply_route_name(ApplyRoute a);            /* "link", "email", "note"; "" NONE */
int apply_route_parse(const char *s, ApplyRoute *out); /* 0 ok, -1 unknown */

/* Limits (the readers refuse more, with an issue naming the field). */
#define POSTING_TITLE_MAX 300        /* bytes */
#define POSTING_TEXT_MAX 20000       /* description, a lot's description */
#define POSTING_SHORT_MAX 1000       /* rationale, extension options, apply_to, reasons, names ... */
#define POSTING_MAX_CPV 20
#define POSTING_MAX_REGIONS 20
#define POSTING_MAX_POSTCODES 20
#define POSTING_MAX_LOTS 50
#define POSTING_MAX_CRITERIA 20
#define POSTING_MAX_SUPPLIERS 20
#define POSTING_VALUE_MAX 1e12       /* any amount: 0 .. this */
#define POSTING_JSON_MAX (256 * 1024) /* a request body the API reads */

typedef struct {
  char *title, *description;
  int has_value;
  double value;
  char **cpv;
  size_t n_cpv;
} PostingLot;

typedef struct {
  char *name;
  int weight; /* 1..100; the weights of a notice add up to 100 when any is given */
} PostingCriterion;

typedef struct {
  PostingStage stage;
  char *title;       /* required */
  char *description; /* required; plain text: paragraphs split by blank lines, "- " or "* " items */
  char **cpv;        /* 8-digit CPV codes, as "72000000" (a check digit "-5" is dropped), known to model/cpv.h */
  size_t n_cpv;
  int has_value;             /* value_min .. value_max; one value has min == max */
  double value_min, value_max;
  char currency[4];          /* ISO 4217, upper case; "GBP" when not given */
  Procedure procedure;
  char *rationale;           /* required for PROCEDURE_LIMITED (why a direct award) */
  int64_t deadline;          /* tender (or request-to-participate) deadline, Unix seconds, 0: none */
  int64_t enquiry_deadline;  /* last day for questions, 0: none; before the deadline */
  char start[11], end[11];   /* contract period, "YYYY-MM-DD" or "" */
  char *extension;           /* options to extend, in words, NULL none */
  char **regions;            /* ITL codes known to model/region.h ("TLD", "TLD3" ...) */
  size_t n_regions;
  char **postcodes;          /* UK postcodes, upper case, one space: "LS1 4DY" */
  size_t n_postcodes;
  PostingLot *lots;
  size_t n_lots;
  int sme, vcse;             /* suitable for SMEs / VCSEs (0/1) */
  char *reserved;            /* reserved participation: "sme", "vcse" or NULL */
  char *reserved_county;     /* reserved to suppliers in this county, NULL none */
  PostingCriterion *criteria;
  size_t n_criteria;
  ApplyRoute apply;          /* how to apply; required for POSTING_TENDER */
  char *apply_to;            /* an https:// or http:// link, an email address, or a note */
  char *contact_name, *contact_email, *contact_phone;
  char *expected;            /* POSTING_PIPELINE: when the tender is expected, "YYYY-MM" or "YYYY-MM-DD"; required there */
  char *engagement;          /* POSTING_ENGAGEMENT: the event or questionnaire, in words; required there */
  char *related_ocid;        /* a sub-contract: the ocid of the contract it belongs to, NULL none */
} Posting;

void posting_init(Posting *p);
void posting_release(Posting *p);
/* dst (uninitialised, or released) gets its own copies of everything src holds. */
void posting_copy(Posting *dst, const Posting *src);
/* 1 when a and b hold the same values (strings by content, amounts exactly). */
int posting_equal(const Posting *a, const Posting *b);

/* ---- what the readers and the check report: every issue at once ---- */

typedef struct {
  char field[64];     /* "title", "lots[2].title" */
  char message[240];  /* words for a person: "Enter a title", "The deadline must be in the future" */
  int warning;        /* 1: said, but does not stop publishing */
} PostingIssue;

#define POSTING_MAX_ISSUES 64
typedef struct {
  PostingIssue items[POSTING_MAX_ISSUES];
  size_t n;       /* issues kept (at most POSTING_MAX_ISSUES; more are counted in dropped) */
  size_t dropped;
} PostingIssues;

/* Adds an issue (the message printf-style); beyond the limit only counts it. */
void posting_issue(PostingIssues *is, int warning, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
size_t posting_errors(const PostingIssues *is); /* how many are not warnings */

/* The id a form gives an input for field: '.', '[' and ']' become '-', a
 * trailing '-' is dropped ("lots[2].title" -> "lots-2-title"). out[cap]. */
void posting_field_id(const char *field, char *out, size_t cap);

/* ---- reading and writing JSON (the API's body, a draft kept in the store) ----
 * The body of POST /api/v1/notices:
 *   {"stage": "tender"|"pipeline"|"engagement" (default tender),
 *    "title", "description", "cpv": ["72000000", ...],
 *    "value": {"amount": n, "currency": "GBP"} or {"min": n, "max": n, "currency": "GBP"},
 *    "procedure": "open"|"selective"|"limited", "rationale",
 *    "deadline": RFC 3339 ("2027-03-01T12:00:00Z", "2027-03-01T12:00:00+01:00"),
 *    "enquiryDeadline": RFC 3339,
 *    "contractStart": "YYYY-MM-DD", "contractEnd": "YYYY-MM-DD", "extension": "...",
 *    "regions": ["TLE42"], "postcodes": ["LS1 4DY"],
 *    "lots": [{"title", "description", "value": {"amount", "currency"}, "cpv": [...]}],
 *    "sme": bool, "vcse": bool, "reserved": "sme"|"vcse", "reservedCounty": "...",
 *    "criteria": [{"name", "weight"}],
 *    "apply": {"route": "link"|"email"|"note", "to": "..."},
 *    "contact": {"name", "email", "phone"},
 *    "expected": "2027-03", "engagement": "...", "relatedOcid": "...",
 *    "draft": bool}
 * Unknown keys are issues ("Unknown field"), so a misspelt key is never lost
 * silently; "draft" is read by the caller and skipped here. A value of the
 * wrong type is an issue naming the field. Reading checks shape and limits
 * only; posting_check says whether it can be published. */

/* Fills p (posting_init'ed by the caller) from root; issues get every
 * problem. 0 when there were none, -1 otherwise (p holds what could be read;
 * the caller still releases it). */
int posting_from_json(const cJSON *root, Posting *p, PostingIssues *is);

/* The same body text (at most POSTING_JSON_MAX bytes; more, or text that is
 * not a JSON object, is one issue with field ""). */
int posting_parse(const char *json, size_t len, Posting *p, PostingIssues *is);

/* p as the JSON posting_from_json reads (only fields that are set), a
 * malloc'd string; posting_parse of it gives back an equal Posting. */
char *posting_to_json(const Posting *p);

/* Can p be published at now? Adds errors (and warnings) to is: required
 * fields for its stage, deadline in the future and after the enquiry
 * deadline, end after start, value_min <= value_max, criteria weights adding
 * up to 100, a rationale for a limited procedure, an apply route for a
 * tender; and the Procurement Act 2023's minimum periods from now to the
 * deadline: 25 days for an open procedure, 10 days for a selective one
 * (requests to participate) -- errors for a public buyer (is_private 0),
 * warnings for a private one. Returns the number of errors added. */
size_t posting_check(const Posting *p, int is_private, time_t now, PostingIssues *is);

#define POSTING_OPEN_MIN_DAYS 25
#define POSTING_SELECTIVE_MIN_DAYS 10

/* ---- the changes that follow a published notice ---- */

/* An amendment: the whole posting as it now stands, and why it changed. */
/* body: {"rationale": "...", "notice": { a posting body }} -- or the posting's
 * fields at the top level beside "rationale" (what is not given is kept from
 * the current posting, which the caller passes as base; NULL: none). p is
 * posting_init'ed by the caller; *rationale is malloc'd (NULL when missing).
 * At the top level "rationale" is the reason for the change: a limited
 * procedure's own rationale is changed through the "notice" form. */
int posting_amendment_from_json(const cJSON *root, const Posting *base, Posting *p, char **rationale,
                                PostingIssues *is);

/* A cancellation: {"reason": "..."} (required, at most POSTING_SHORT_MAX). */
int posting_cancel_from_json(const cJSON *root, char **reason, PostingIssues *is);

typedef struct {
  char *name;        /* required */
  char *identifier;  /* "GB-COH-01234567", "GB-PPON-..." or NULL */
  char *postcode;    /* NULL none */
  int sme;           /* -1 not said, 0/1 */
} PostingSupplier;

typedef struct {
  PostingSupplier *suppliers; /* 1..POSTING_MAX_SUPPLIERS */
  size_t n_suppliers;
  int has_value;
  double value;
  char currency[4];
  char date[11];           /* the award decision date, "YYYY-MM-DD", required */
  char standstill_end[11]; /* "" none; not before date */
  char *lot;               /* the lot's index as text ("1"), NULL: the whole notice */
} PostingAward;

/* {"suppliers": [{"name", "identifier", "postcode", "sme"}], "value": {"amount", "currency"},
 *  "date": "YYYY-MM-DD", "standstillEnd": "YYYY-MM-DD", "lot": "1"} */
int posting_award_from_json(const cJSON *root, PostingAward *a, PostingIssues *is);
void posting_award_release(PostingAward *a);

typedef struct {
  char signed_date[11];   /* "YYYY-MM-DD", required */
  int has_value;
  double value;
  char currency[4];
  char start[11], end[11]; /* the contract period, "" none */
  long long award;         /* which award (1-based, in the order they were made), 0: the latest */
} PostingContract;

/* {"signed": "YYYY-MM-DD", "value": {"amount", "currency"}, "start", "end", "award": 1} */
int posting_contract_from_json(const cJSON *root, PostingContract *c, PostingIssues *is);

/* A question: {"question": "..."} (1..POSTING_SHORT_MAX*4 bytes); an answer:
 * {"answer": "...", "question": "the question as edited"} (answer required). */
#define POSTING_QUESTION_MAX 4000
int posting_question_from_json(const cJSON *root, char **question, PostingIssues *is);
int posting_answer_from_json(const cJSON *root, char **answer, char **question, PostingIssues *is);

#endif

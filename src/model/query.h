/* query.h -- a search query as a plain struct: what the engines execute (the
 * store's own search, store/search.h, and the in-memory index, search/index.h).
 * search/query.h parses one from the URL parameters, writes it back as a
 * canonical query string and encodes cursors; the parameters, the keyword
 * syntax and the cursor format are described there. No I/O.
 *
 * Meaning, for the engine (all filters AND together; values of one
 * repeatable parameter OR together):
 *   status    the notice's NoticeStatus is one of the bits; 0 = any.
 *   cpv       any of the notice's CPV codes (main, additional, item) starts
 *             with one of the prefixes.
 *   region    one of the notice's regions is one of the codes.
 *   buyer     the notice's buyer organisation row id equals it; 0 = any.
 *   value     notice.value (has_value) compared as a plain number whatever
 *             the notice's currency: the bounds are meant as GBP, but there is
 *             no conversion, and a notice in EUR with value 50000 matches
 *             value_min=40000. With either bound set, notices without a value
 *             do not match. value_min <= value_max.
 *   closing   has_closing_from: deadline >= closing_from; has_closing_to:
 *             deadline < closing_to (exclusive). With either set, notices
 *             without a deadline do not match. closing_within=N sets the window
 *             [now, now + N*86400) in query_finish; given with closing_after/
 *             closing_before as well, the windows intersect (an empty
 *             intersection matches nothing; it is not an error).
 *             closing_after > closing_before is an error.
 *   published has_published_from: published >= published_from;
 *             has_published_to: published < published_to (exclusive: the
 *             day after published_to_day). With either set, notices without
 *             a published date do not match. From published_from_day /
 *             published_to_day (UTC calendar days, inclusive) in query_finish;
 *             a from day after the to day is an error.
 *   sme/vcse  FLAG_YES: the notice's flag is FLAG_YES; FLAG_NO: it is not
 *             FLAG_YES (marked unsuitable or not marked); FLAG_UNKNOWN: any.
 *   stage     the notice's stage (Notice.stage) is one of those asked for;
 *             a notice with no stage matches none.
 *   reserved  the notice is reserved in one of the ways asked for
 *             (sme-vcse, location).
 *   sector    the notice's sector (Notice.sector) is one of those asked for.
 *   subcontract  FLAG_YES: the notice is a sub-contracting opportunity
 *             (Notice.subcontract); FLAG_NO: it is not; FLAG_UNKNOWN: any.
 *
 * Sorting. Every order ends with ocid ascending (strcmp) so that it is total
 * and paging is deterministic. With open_first (set by query_finish when no
 * sort was asked for), the notices shown as open at now come first, then the
 * others, each group in the order below (model/hits.h, hits_open_first,
 * runs the two groups for every engine):
 *   relevance  score descending (higher = better; with FTS5 use -bm25()).
 *              The default when q has at least one positive clause; asked for
 *              without one, query_finish quietly uses newest, so a "remove the
 *              keywords" link never turns into an error.
 *   closing    deadline ascending, notices without a deadline last.
 *   newest     published descending, notices without a date last. The default
 *              without keywords.
 *   value      value descending, notices without a value last.
 *   award_date the date of an awarded notice's latest active award (model/
 *              hits.h's award_date) descending, notices without one last. */
#ifndef MODEL_QUERY_H
#define MODEL_QUERY_H

#include <stddef.h>
#include <time.h>

#include "model/notice.h"

#define QUERY_MAX_Q_BYTES 512
#define QUERY_MAX_WORDS 32
#define QUERY_MAX_CPV 32
#define QUERY_MAX_REGIONS 12
#define QUERY_DEFAULT_LIMIT 20
#define QUERY_MAX_LIMIT 100
#define QUERY_MAX_CLOSING_DAYS 3650
#define QUERY_MAX_VALUE 1e12
#define QUERY_OCID_MAX 200 /* bytes of an ocid a cursor can carry */

typedef enum {
  QUERY_SORT_UNSET = 0, /* only before query_finish */
  QUERY_SORT_RELEVANCE = 1,
  QUERY_SORT_CLOSING = 2,
  QUERY_SORT_NEWEST = 3,
  QUERY_SORT_VALUE = 4,
  QUERY_SORT_AWARD_DATE = 5
} QuerySort;

/* One alternative: a word (n_words == 1) or a phrase (n_words > 1: the
 * words adjacent and in this order). Words are non-empty, NUL-terminated,
 * lower-case ASCII letters, digits and non-ASCII UTF-8 (see "Words"). */
typedef struct {
  char **words;
  size_t n_words;
} QueryTerm;

/* One clause of the AND: it matches when any of its alternatives does; a
 * negated clause matches when none does. n_alts >= 1; the parser gives a
 * negated clause exactly one alternative. */
typedef struct {
  QueryTerm *alts;
  size_t n_alts;
  int negated;
} QueryClause;

/* The position after which the next page starts; see "Paging". */
typedef struct {
  QuerySort sort;
  int group;    /* with open_first: 0 the last item was open, 1 it was not */
  int has_key;  /* 0: the last item had no sort value (it sorted last) */
  double key;   /* finite; 0 when !has_key */
  char ocid[QUERY_OCID_MAX + 1];
} QueryCursor;

typedef struct Query {
  /* q: the clauses AND together. n_positive counts those not negated. */
  QueryClause *clauses;
  size_t n_clauses, n_positive, n_words;

  unsigned status; /* bit (1u << NoticeStatus) per status; 0 = any */

  char cpv[QUERY_MAX_CPV][9]; /* significant prefixes, 2..8 digits, sorted */
  size_t n_cpv;

  char region[QUERY_MAX_REGIONS][4]; /* "TLC".."TLN", sorted, distinct */
  size_t n_region;

  long long buyer; /* organisation row id; 0 = any */

  int has_value_min, has_value_max;
  double value_min, value_max; /* whole pence: value * 100 is an integer */

  int closing_within;                      /* days; 0 = not given */
  char closing_after[11], closing_before[11]; /* "YYYY-MM-DD" or "" */
  /* Set by query_finish from the three above: the deadline window. */
  int has_closing_from, has_closing_to;
  time_t closing_from, closing_to; /* from inclusive, to exclusive */

  char published_from_day[11], published_to_day[11]; /* "YYYY-MM-DD" or "" */
  /* Set by query_finish from the two above: the published window. */
  int has_published_from, has_published_to;
  time_t published_from, published_to; /* from inclusive, to exclusive */

  Flag sme, vcse; /* FLAG_UNKNOWN = not given */
  unsigned stage;    /* bit (1u << i) of notice_stage_name(i) for each stage asked for; 0 = any */
  unsigned reserved; /* bit (1u << i) of notice_reserved_name(i); 0 = any; a notice matches with any of them */
  unsigned sector;   /* bit (1u << s) of each NoticeSector asked for; 0 = any (as is both) */
  Flag subcontract;  /* FLAG_YES: sub-contracting opportunities only; FLAG_NO: none of them; FLAG_UNKNOWN = not given */

  QuerySort sort; /* never UNSET after query_finish */
  int open_first; /* open notices first (no sort given); see "Sorting" */
  int limit;      /* 1..100 */

  int has_cursor;
  QueryCursor cursor;

  unsigned given; /* internal: once-only parameters seen so far */
} Query;

/* Whether q has any condition besides its keywords (status, dates, values,
 * CPV, region, buyer, suitability, stage, reservation, sector, sub-contract): one list for every
 * engine that takes a short cut when keywords are all there is. */
static inline int query_filtered(const Query *q) {
  return q->status || q->has_closing_from || q->has_closing_to || q->has_value_min || q->has_value_max ||
         q->has_published_from || q->has_published_to || q->n_cpv || q->n_region || q->buyer ||
         q->sme != FLAG_UNKNOWN || q->vcse != FLAG_UNKNOWN || q->stage || q->reserved || q->sector ||
         q->subcontract != FLAG_UNKNOWN;
}

#endif

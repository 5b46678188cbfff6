/* hits.h -- the answer of a search, one page of it: what the store's own
 * search (store/search.h) and the in-memory index (search/index.h) both
 * return, so the two engines can be compared hit for hit and the pages and the
 * API render either. Plain structs, no I/O.
 *
 * Ownership: every string of a hit and the hits array are heap, freed by
 * store_results_release. */
#ifndef MODEL_HITS_H
#define MODEL_HITS_H

#include <stddef.h>
#include <time.h>

#include "base/err.h"
#include "model/notice.h"
#include "model/query.h"

typedef struct {
  char *ocid, *title, *buyer_name, *status, *deadline, *published, *currency;
  char *snippet;  /* text with matches between \x02 and \x03; plain start of the description without keywords */
  char *regions;  /* comma-separated ITL1 codes */
  char *cpv;      /* main CPV code */
  long long buyer_id;
  int has_value;
  double value;
  double score;   /* relevance (higher is better); 0 without keywords */
  Flag sme, vcse;
  /* an awarded notice's latest active award (by award date, then the
   * store's award order): its first supplier's name, value and date; NULL /
   * has_award_value 0 for the others (store/search.h, store_search_awards) */
  char *winner, *award_currency, *award_date;
  const char *stage; /* model/notice.h's notice_stage_name (static), NULL when the notice has none */
  NoticeSector sector; /* Notice.sector */
  int subcontract;     /* Notice.subcontract */
  int has_award_value;
  double award_value;
} StoreHit;

typedef struct {
  StoreHit *hits;
  size_t n;
  long long total; /* every match, all pages */
  int has_more;    /* another page follows; its cursor is made from the last hit (query_cursor_encode) */
} StoreResults;

/* Frees what r holds (not r); r is empty again. */
void store_results_release(StoreResults *r);

/* One engine's search of a query without open_first (q->open_first is 0);
 * q->limit may be 0 here: the total (and has_more) only, no hits. */
typedef int (*HitsSearchFn)(void *ctx, const Query *q, time_t now, StoreResults *out, Err *err);

/* q's page in its order: with q->open_first, the notices shown as open
 * first, then the others, by running search on each group (the status
 * filter narrowed to it) and joining the pages -- the same rule for every
 * engine, so they still agree hit for hit and a cursor (which carries its
 * group) pages any of them. Without open_first, search(q) itself. */
int hits_open_first(const Query *q, time_t now, HitsSearchFn search, void *ctx, StoreResults *out, Err *err);

/* The cursor group of hit h under q (0 without open_first). */
int hits_group(const Query *q, const StoreHit *h);

#endif

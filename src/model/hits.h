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

#include "model/notice.h"

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
} StoreHit;

typedef struct {
  StoreHit *hits;
  size_t n;
  long long total; /* every match, all pages */
  int has_more;    /* another page follows; its cursor is made from the last hit (query_cursor_encode) */
} StoreResults;

/* Frees what r holds (not r); r is empty again. */
void store_results_release(StoreResults *r);

#endif

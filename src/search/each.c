/* each.c -- see each.h. */
#include "search/each.h"

#include <string.h>

#include "base/date.h"
#include "store/search.h"

void search_hit_key(const Query *q, const StoreHit *h, int *has_key, double *key) {
  time_t t;
  *has_key = 1;
  *key = 0;
  switch (q->sort) {
  case QUERY_SORT_RELEVANCE: *key = h->score; break;
  case QUERY_SORT_CLOSING:
    if ((*has_key = h->deadline && date_parse(h->deadline, &t) == 0)) *key = (double)t;
    break;
  case QUERY_SORT_NEWEST:
    if ((*has_key = h->published && date_parse(h->published, &t) == 0)) *key = (double)t;
    break;
  case QUERY_SORT_AWARD_DATE:
    if ((*has_key = h->award_date && date_parse(h->award_date, &t) == 0)) *key = (double)t;
    break;
  default:
    if ((*has_key = h->has_value)) *key = h->value;
    break;
  }
}

void search_cursor_after(Query *q, const StoreHit *h) {
  int has_key;
  double key;
  search_hit_key(q, h, &has_key, &key);
  q->has_cursor = 1;
  q->cursor.sort = q->sort;
  q->cursor.group = hits_group(q, h);
  q->cursor.has_key = has_key;
  q->cursor.key = key;
  size_t n = strlen(h->ocid);
  if (n > QUERY_OCID_MAX) n = QUERY_OCID_MAX;
  memcpy(q->cursor.ocid, h->ocid, n);
  q->cursor.ocid[n] = 0;
}

int search_each(Store *st, const SearchIndex *ix, Query *q, time_t now, size_t max, SearchEachFn fn, void *ctx, Err *err) {
  size_t done = 0;
  q->limit = QUERY_MAX_LIMIT;
  for (;;) {
    StoreResults res;
    int rc = ix ? search_index_search(ix, st, q, now, &res, err) : store_search(st, q, now, &res, err);
    if (rc) return rc;
    for (size_t i = 0; i < res.n && rc == 0; i++) {
      if (max && done == max) break;
      rc = fn(ctx, &res.hits[i], err);
      done++;
    }
    int more = rc == 0 && res.has_more && res.n && (!max || done < max);
    if (more) search_cursor_after(q, &res.hits[res.n - 1]);
    store_results_release(&res);
    if (rc || !more) return rc;
  }
}

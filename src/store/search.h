/* search.h -- the store's own search engine: a finished model/query.h Query
 * run in SQL (store/search_sql.h writes it in each backend's dialect). It is
 * the reference the in-memory index (search/index.h) is checked against, bit
 * for bit (tests/unit/test_index.c), and answers in the same model/hits.h
 * results. Plain full-text search (store_fts) serves the CLI and the tests.
 * Read only. Backends: sqlite_search.c, pg_search.c. */
#ifndef STORE_SEARCH_H
#define STORE_SEARCH_H

#include <time.h>

#include "base/err.h"
#include "model/hits.h"
#include "model/query.h"
#include "store/store.h"

/* Runs a finished Query: keywords through the full-text index, every filter,
 * the sort with ocid as the tie-break, cursor paging. A notice stored as open
 * whose deadline has passed counts (and shows) as closed. out is released
 * with store_results_release (model/hits.h). */
int store_search(Store *st, const Query *q, time_t now, StoreResults *out, Err *err);

/* Fills the award fields of hits[0..n) (model/hits.h: winner, award value,
 * currency and date), hits[i] being the notice with row id ids[i] (n <=
 * QUERY_MAX_LIMIT + 1): one query for them all. Both engines' hits get them
 * here, so they are the same whichever engine answered. */
int store_search_awards(Store *st, const long long *ids, StoreHit *hits, size_t n, Err *err);

/* Full-text search over title, description, buyer name and CPV labels; used by
 * tests and the CLI. Calls fn per hit, best first. */
typedef int (*StoreHitFn)(void *ctx, const char *ocid, const char *title);
int store_fts(Store *st, const char *terms, int limit, StoreHitFn fn, void *ctx, Err *err);

#endif

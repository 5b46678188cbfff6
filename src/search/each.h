/* each.h -- walking every notice that matches a query, page after page, and
 * the sort key a hit continues from (for cursors). Used by exports, which
 * take every match, not one page. */
#ifndef EACH_H
#define EACH_H

#include <stddef.h>
#include <time.h>

#include "model/hits.h"
#include "search/index.h"
#include "search/query.h"
#include "store/store.h"

/* The sort key of hit h under q's sort: *has_key 0 when the hit has none. */
void search_hit_key(const Query *q, const StoreHit *h, int *has_key, double *key);

/* Sets q's cursor to the position after hit h (the last of a page) under q's
 * order: the next page starts there. */
void search_cursor_after(Query *q, const StoreHit *h);

/* Calls fn for every notice matching q (its sort order, all pages, at most max
 * when max > 0). q's limit and cursor are used and changed. fn returning
 * non-zero stops the walk and is returned. 0 when done, <0 with err. With ix
 * the search runs on that index (of st's store), else on st's own engine. */
typedef int (*SearchEachFn)(void *ctx, const StoreHit *h, Err *err);
int search_each(Store *st, const SearchIndex *ix, Query *q, time_t now, size_t max, SearchEachFn fn, void *ctx, Err *err);

#endif

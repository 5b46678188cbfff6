/* live.h -- a search index kept current with its store.
 *
 * live_index_start builds the first index (search/index.h) before it returns,
 * then a background thread with its own read connection watches the store's
 * change sequence (store_last_seq, every poll interval) and, when it has moved
 * on, builds a new index and swaps it in. Searches take the current index with
 * live_index_acquire and give it back with live_index_release; an index is
 * freed when it has been replaced and the last search using it is done. So a
 * search always runs on one consistent snapshot, and new releases show in
 * search results within about one build time (seconds at a million notices;
 * BENCHMARKS.md) plus the poll interval. Rebuilds wait at least as long as the
 * previous build took, so a busy ingest costs the portal at most about half
 * a core. */
#ifndef LIVE_H
#define LIVE_H

#include <stdio.h>

#include "base/err.h"
#include "search/index.h"

typedef struct LiveIndex LiveIndex;

/* poll_ms: how often to look for changes (0: 100). log: where to say when an
 * index is built (NULL: nowhere). */
int live_index_start(const char *db_url, unsigned poll_ms, FILE *log, LiveIndex **out, Err *err);
void live_index_stop(LiveIndex *li); /* stops the thread, frees everything; NULL is fine */

const SearchIndex *live_index_acquire(LiveIndex *li);
void live_index_release(LiveIndex *li, const SearchIndex *ix);

/* The change sequence the current index reflects: what this process has seen
 * of the store, known without a store read (the page cache keys on it); -1
 * before the first index. */
int64_t live_index_seq(LiveIndex *li);

/* Builds a new index now if the store has changed (what the thread does on
 * each poll). 1 when a new index was swapped in, 0 when nothing changed, <0. */
int live_index_refresh(LiveIndex *li, Err *err);

#endif

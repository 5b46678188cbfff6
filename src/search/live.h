/* live.h -- a search index kept current with its store.
 *
 * live_index_start builds the first index (search/index.h) before it returns.
 * Then two threads, each with its own read connection, keep it current:
 *   - the watcher reads the store's change sequence (store_last_seq, every
 *     poll interval) and, when it has moved on, adds a delta of the notices
 *     changed since (search_index_update: milliseconds for a few notices)
 *     and swaps the new snapshot in;
 *   - the merger, after each swap, merges while there is something to merge
 *     (search_index_merge_plan: many deltas, or deltas holding many notices),
 *     reading that part of the store again without holding up the watcher,
 *     and swaps the result into whatever snapshot is current by then.
 * Searches take the current snapshot with live_index_acquire and give it back
 * with live_index_release; a snapshot is freed when it has been replaced and
 * the last search using it is done (its segments when no snapshot holds
 * them). So a search always runs on one consistent snapshot, and a release
 * committed by any process is searchable within about a poll interval plus
 * the time to read what changed. */
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

/* Brings the index up to date now if the store has changed (what the watcher
 * does on each poll). 1 when a new snapshot was swapped in, 0 when nothing
 * changed, <0. */
int live_index_refresh(LiveIndex *li, Err *err);
/* One merge now if one is due (what the merger does). 1 when a merged
 * snapshot was swapped in, 0 when nothing was due, <0. */
int live_index_merge(LiveIndex *li, Err *err);

#endif

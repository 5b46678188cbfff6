/* cache.h -- rendered pages kept for reuse (a notice page costs a dozen reads
 * and a merge of its releases; sending it again costs a copy).
 *
 * An entry is the body rendered for a key (e.g. an ocid) when the store was
 * at change sequence seq; it is used only while the store is still at seq
 * (any ingest invalidates every entry, so a page never shows older data than
 * the store holds) and while the clock is before the entry's valid_until
 * (pages that say "closes in 3 days" or "open" change with time alone).
 * Slots are direct-mapped by a hash of the key, so the cache holds at most
 * `slots` pages and a new page simply replaces whatever shared its slot.
 * Thread-safe (one mutex; a hit holds it for one copy). */
#ifndef CACHE_H
#define CACHE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/buf.h"

#define PAGE_CACHE_MAX_BODY (256 * 1024) /* larger pages are not kept */

typedef struct PageCache PageCache;

PageCache *page_cache_new(size_t slots); /* slots: rounded up to a power of two */
void page_cache_free(PageCache *c);      /* NULL is fine */

/* On a valid entry for key: appends its body to out and returns 1; else 0. */
int page_cache_get(PageCache *c, const char *key, int64_t seq, time_t now, Buf *out);
/* Keeps body[0..len) for key, made at seq, valid while now < valid_until. */
void page_cache_put(PageCache *c, const char *key, int64_t seq, time_t valid_until, const char *body, size_t len);

typedef struct {
  uint64_t hits, misses, puts;
} PageCacheStats;
void page_cache_stats(PageCache *c, PageCacheStats *out);

#endif

/* test_cache.c -- the rendered-page cache: hits only for the same key, the
 * same store sequence and before the entry's expiry; a slot holds the newest
 * page put there; oversized pages are not kept. */
#include <string.h>

#include "../tap.h"
#include "web/cache.h"

int main(void) {
  PageCache *c = page_cache_new(4);
  Buf b = BUF_INIT;
  ok(!page_cache_get(c, "ocds-a", 1, 100, &b), "empty cache: miss");
  page_cache_put(c, "ocds-a", 7, 200, "<p>a</p>", 8);
  ok(page_cache_get(c, "ocds-a", 7, 100, &b) && b.len == 8 && !memcmp(b.data, "<p>a</p>", 8), "hit: same key, seq, before expiry");
  buf_reset(&b);
  ok(!page_cache_get(c, "ocds-a", 8, 100, &b) && b.len == 0, "the store moved on: miss, nothing appended");
  ok(!page_cache_get(c, "ocds-a", 7, 200, &b), "at valid_until: miss (the page would read differently)");
  ok(!page_cache_get(c, "ocds-b", 7, 100, &b), "another key: miss");
  /* fill every slot: all four keys land somewhere, the newest wins a slot */
  const char *keys[] = {"k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8"};
  for (int i = 0; i < 8; i++) page_cache_put(c, keys[i], 7, 1000, keys[i], 2);
  int hits = 0;
  for (int i = 0; i < 8; i++) {
    buf_reset(&b);
    if (page_cache_get(c, keys[i], 7, 100, &b)) {
      hits++;
      ok(b.len == 2 && !memcmp(b.data, keys[i], 2), "a hit returns that key's page (%s)", keys[i]);
    }
  }
  ok(hits >= 1 && hits <= 4, "at most as many pages as slots are kept (%d)", hits);
  page_cache_put(c, "k8", 7, 1000, "new", 3);
  buf_reset(&b);
  ok(page_cache_get(c, "k8", 7, 100, &b) && b.len == 3, "a put replaces the page of the same key");
  static char big[PAGE_CACHE_MAX_BODY + 1];
  memset(big, 'x', sizeof big);
  page_cache_put(c, "big", 7, 1000, big, sizeof big);
  buf_reset(&b);
  ok(!page_cache_get(c, "big", 7, 100, &b), "an oversized page is not kept");
  PageCacheStats s;
  page_cache_stats(c, &s);
  ok(s.hits >= 3 && s.misses >= 4 && s.puts == 10, "statistics count hits, misses and puts");
  buf_release(&b);
  page_cache_free(c);
  page_cache_free(NULL);
  return done_testing();
}

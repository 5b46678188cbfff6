/* cache.c -- see cache.h. */
#include "web/cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  char *key;
  int64_t seq;
  time_t valid_until;
  char *body;
  size_t len;
} Slot;

struct PageCache {
  pthread_mutex_t mu;
  Slot *slots;
  size_t n; /* a power of two */
  PageCacheStats stats;
};

static uint64_t hash(const char *s) {
  uint64_t h = 1469598103934665603ull;
  while (*s) h = (h ^ (unsigned char)*s++) * 1099511628211ull;
  return h ^ (h >> 32);
}

PageCache *page_cache_new(size_t slots) {
  size_t n = 1;
  while (n < slots) n *= 2;
  PageCache *c = xcalloc(1, sizeof *c);
  pthread_mutex_init(&c->mu, NULL);
  c->slots = xcalloc(n, sizeof *c->slots);
  c->n = n;
  return c;
}

void page_cache_free(PageCache *c) {
  if (!c) return;
  for (size_t i = 0; i < c->n; i++) {
    free(c->slots[i].key);
    free(c->slots[i].body);
  }
  free(c->slots);
  pthread_mutex_destroy(&c->mu);
  free(c);
}

int page_cache_get(PageCache *c, const char *key, int64_t seq, time_t now, Buf *out) {
  Slot *s = &c->slots[hash(key) & (c->n - 1)];
  pthread_mutex_lock(&c->mu);
  int hit = s->key && s->seq == seq && now < s->valid_until && strcmp(s->key, key) == 0;
  if (hit) {
    buf_add(out, s->body, s->len);
    c->stats.hits++;
  } else {
    c->stats.misses++;
  }
  pthread_mutex_unlock(&c->mu);
  return hit;
}

void page_cache_put(PageCache *c, const char *key, int64_t seq, time_t valid_until, const char *body, size_t len) {
  if (len > PAGE_CACHE_MAX_BODY) return;
  char *k = xstrdup(key), *b = xmalloc(len + 1);
  memcpy(b, body, len);
  Slot *s = &c->slots[hash(key) & (c->n - 1)];
  pthread_mutex_lock(&c->mu);
  char *old_k = s->key, *old_b = s->body;
  s->key = k;
  s->body = b;
  s->len = len;
  s->seq = seq;
  s->valid_until = valid_until;
  c->stats.puts++;
  pthread_mutex_unlock(&c->mu);
  free(old_k);
  free(old_b);
}

void page_cache_stats(PageCache *c, PageCacheStats *out) {
  pthread_mutex_lock(&c->mu);
  *out = c->stats;
  pthread_mutex_unlock(&c->mu);
}

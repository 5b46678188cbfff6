/* jarena.c -- see jarena.h. */
#include "base/jarena.h"

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "base/buf.h"

#define HDR 16              /* keeps the 16-byte alignment malloc gives */
#define BLOCK (1u << 20)    /* arena block size */
#define TAG_HEAP 0x48454150u
#define TAG_ARENA 0x4152454eu

typedef struct Block {
  struct Block *next;
  size_t used, size;
  _Alignas(16) unsigned char data[];
} Block;

struct JArena {
  Block *head;
  size_t total;
};

static _Thread_local JArena *current;

/* Freed standard-size blocks are kept for the next batch (up to POOL_MAX):
 * fresh memory costs a page fault per page, measured at 10% of ingest. */
#define POOL_MAX 48
static pthread_mutex_t pool_mu = PTHREAD_MUTEX_INITIALIZER;
static Block *pool;
static size_t pool_n;

static Block *block_get(size_t size) {
  if (size == BLOCK) {
    pthread_mutex_lock(&pool_mu);
    Block *b = pool;
    if (b) {
      pool = b->next;
      pool_n--;
    }
    pthread_mutex_unlock(&pool_mu);
    if (b) return b;
  }
  Block *b = xmalloc(sizeof *b + size);
  b->size = size;
  return b;
}

static void block_put(Block *b) {
  if (b->size == BLOCK) {
    pthread_mutex_lock(&pool_mu);
    if (pool_n < POOL_MAX) {
      b->next = pool;
      pool = b;
      pool_n++;
      b = NULL;
    }
    pthread_mutex_unlock(&pool_mu);
  }
  free(b);
}

static void *arena_alloc(JArena *a, size_t n) {
  n = (n + 15) & ~(size_t)15;
  Block *b = a->head;
  if (!b || b->size - b->used < n) {
    b = block_get(n > BLOCK / 4 ? n : BLOCK);
    b->used = 0;
    if (n > BLOCK / 4 && a->head) { /* a big one goes behind the current block */
      b->next = a->head->next;
      a->head->next = b;
    } else {
      b->next = a->head;
      a->head = b;
    }
  }
  void *p = b->data + b->used;
  b->used += n;
  a->total += n;
  return p;
}

static void *hook_malloc(size_t n) {
  unsigned char *p;
  uint32_t tag;
  if (current) {
    p = arena_alloc(current, n + HDR);
    tag = TAG_ARENA;
  } else {
    if (!(p = malloc(n + HDR))) return NULL;
    tag = TAG_HEAP;
  }
  *(uint32_t *)p = tag;
  return p + HDR;
}

static void hook_free(void *ptr) {
  if (!ptr) return;
  unsigned char *p = (unsigned char *)ptr - HDR;
  if (*(uint32_t *)p == TAG_HEAP) {
    *(uint32_t *)p = 0; /* a second free of the same block is caught by ASan, not here */
    free(p);
  }
}

static void install(void) {
  cJSON_Hooks h = {hook_malloc, hook_free};
  cJSON_InitHooks(&h);
}

void jarena_install(void) {
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, install);
}

JArena *jarena_new(void) { return xcalloc(1, sizeof(JArena)); }

void jarena_free(JArena *a) {
  if (!a) return;
  for (Block *b = a->head, *next; b; b = next) {
    next = b->next;
    block_put(b);
  }
  free(a);
}

JArena *jarena_use(JArena *a) {
  JArena *was = current;
  current = a;
  return was;
}

size_t jarena_used(const JArena *a) { return a ? a->total : 0; }

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

static void *arena_alloc(JArena *a, size_t n) {
  n = (n + 15) & ~(size_t)15;
  Block *b = a->head;
  if (!b || b->size - b->used < n) {
    size_t size = n > BLOCK / 4 ? n : BLOCK;
    b = xmalloc(sizeof *b + size);
    b->used = 0;
    b->size = size;
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
    free(b);
  }
  free(a);
}

void jarena_use(JArena *a) { current = a; }

size_t jarena_used(const JArena *a) { return a ? a->total : 0; }

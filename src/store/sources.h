/* sources.h -- the sources aggregate of the store (store.h): where the
 * notices came from. A notice records its publisher's name (the package's
 * publisher.name, or ingest --source), so the sources are the notices grouped
 * by that name: how many each gave and when its newest release is dated.
 * Read only (the About page); it reads every notice row, so a caller that
 * serves it often keeps the answer until the change sequence moves.
 * Backends: sqlite_sources.c, pg_sources.c. */
#ifndef STORE_SOURCES_H
#define STORE_SOURCES_H

#include <stddef.h>

#include "base/err.h"
#include "store/store.h"

typedef struct {
  char *name;         /* the publisher's name; NULL for notices that recorded none */
  long long notices;  /* notices from it */
  char *latest;       /* the newest `updated` of them (the date of their newest release, UTC
                       * "YYYY-MM-DDTHH:MM:SSZ"); NULL when none has a date */
  char *first_ocid;   /* the smallest and the largest ocid among them: when both have one */
  char *last_ocid;    /* prefix, every ocid between them has it too (the publishing system) */
} StoreSource;

/* Every source, the most notices first (ties by name, bytewise; the notices
 * without a publisher last among equals). *out is heap (store_sources_free),
 * *n its length. 0, or <0 with err (then *out is NULL and *n 0). */
int store_sources(Store *st, StoreSource **out, size_t *n, Err *err);
void store_sources_free(StoreSource *s, size_t n);

#endif

/* hits.c -- see hits.h. */
#include "model/hits.h"

#include <stdlib.h>
#include <string.h>

void store_results_release(StoreResults *r) {
  for (size_t i = 0; i < r->n; i++) {
    StoreHit *h = &r->hits[i];
    free(h->ocid);
    free(h->title);
    free(h->buyer_name);
    free(h->status);
    free(h->deadline);
    free(h->published);
    free(h->currency);
    free(h->snippet);
    free(h->regions);
    free(h->cpv);
  }
  free(r->hits);
  memset(r, 0, sizeof *r);
}

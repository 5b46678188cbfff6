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
    free(h->winner);
    free(h->award_currency);
    free(h->award_date);
  }
  free(r->hits);
  memset(r, 0, sizeof *r);
}

int hits_group(const Query *q, const StoreHit *h) {
  return q->open_first && !(h->status && strcmp(h->status, notice_status_name(NOTICE_STATUS_EXPIRING)) == 0);
}

/* Appends the hits of from to to (moving them; from is left empty). */
static void take_hits(StoreResults *to, StoreResults *from) {
  for (size_t i = 0; i < from->n; i++) to->hits[to->n++] = from->hits[i];
  free(from->hits);
  from->hits = NULL;
  from->n = 0;
}

int hits_open_first(const Query *q, time_t now, HitsSearchFn search, void *ctx, StoreResults *out, Err *err) {
  if (!q->open_first) return search(ctx, q, now, out, err);
  const unsigned open_bit = 1u << NOTICE_STATUS_EXPIRING;
  unsigned all = q->status ? q->status : (1u << NOTICE_N_STATUS) - 1;
  unsigned open = all & open_bit, rest = all & ~open_bit;
  int past_open = q->has_cursor && q->cursor.group; /* the cursor is in the second group */
  StoreResults a = {0}, b = {0};
  Query g = *q;
  g.open_first = 0;
  int rc = 0;
  memset(out, 0, sizeof *out);
  if (open) { /* the page's open part; past it, only its total */
    g.status = open;
    g.has_cursor = q->has_cursor && !past_open;
    g.limit = past_open ? 0 : q->limit; /* 0: the total only, no hits to fill */
    if ((rc = search(ctx, &g, now, &a, err))) goto out;
    if (past_open) {
      long long t = a.total;
      store_results_release(&a);
      a.total = t;
    }
  }
  size_t room = (size_t)q->limit - a.n;
  int fill = !a.has_more && room > 0; /* the page goes on into the others */
  if (rest) {
    g.status = rest;
    g.has_cursor = past_open;
    g.limit = fill ? (int)room : 0;
    if ((rc = search(ctx, &g, now, &b, err))) goto out;
  }
  out->total = a.total + b.total;
  out->hits = calloc((size_t)q->limit + 1, sizeof *out->hits);
  if (!out->hits) abort();
  take_hits(out, &a);
  if (fill) {
    take_hits(out, &b);
    out->has_more = b.has_more;
  } else {
    out->has_more = a.has_more || b.total > 0;
  }
out:
  store_results_release(&a);
  store_results_release(&b);
  return rc;
}

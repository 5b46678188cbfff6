/* feed.h -- the bulk reads of the in-memory search index (search/index.h):
 * every notice in row id order (whole, or a range of row ids for one segment
 * of the index), and the change feed (the notices changed after a change
 * sequence number, store.h's store_last_seq), which the index, the page cache
 * and everything else derived follow. Read only. Backends: sqlite_feed.c,
 * pg_feed.c. */
#ifndef STORE_FEED_H
#define STORE_FEED_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "model/notice.h"
#include "store/store.h"

/* One notice as the index needs it; strings valid during the callback only. */
typedef struct {
  long long id; /* row id: stable, and new notices get larger ones */
  int64_t seq;  /* the sequence of the notice's newest release */
  const char *ocid, *title, *description, *buyer_name, *cpv_text;
  const char *status, *deadline, *published; /* stored text; deadline and published may be NULL */
  const char *award_date; /* store/search_sql.h's SEARCH_SQL_AWARD_DATE, may be NULL */
  const char *stage, *reserved; /* Notice.stage, Notice.reserved; may be NULL */
  NoticeSector sector;          /* Notice.sector */
  int subcontract;              /* Notice.subcontract */
  long long buyer_id;                         /* 0 when none */
  int has_value;
  double value;
  Flag sme, vcse;
  const char *const *regions; /* ITL1 codes, sorted */
  size_t n_regions;
  const char *const *cpv; /* codes, the main one first */
  size_t n_cpv;
} StoreIndexDoc;
typedef int (*StoreIndexFn)(void *ctx, const StoreIndexDoc *d, Err *err);
/* Calls fn for every notice in row id order; *last_seq is the newest release
 * sequence when the scan began. The scan may read in chunks, each in a read
 * transaction of its own (SQLite: so that no snapshot is held for the whole
 * scan), so a notice changed during the scan may be read at a newer version
 * than *last_seq: a reader that follows the sequence reads it again. fn
 * returning non-zero stops and is returned. */
int store_index_scan(Store *st, StoreIndexFn fn, void *ctx, int64_t *last_seq, Err *err);
/* The same for the notices with row ids in (after_id, upto_id] only (a part
 * of the search index rebuilt on its own). */
int store_index_scan_range(Store *st, long long after_id, long long upto_id, StoreIndexFn fn, void *ctx,
                           int64_t *last_seq, Err *err);
/* The change feed: calls fn, in row id order, for every notice changed after
 * sequence after_seq (a release of it stored with a larger sequence number),
 * at its current version, all in one read snapshot whose newest sequence is
 * *last_seq: reading again from *last_seq misses nothing and repeats
 * nothing. Cheap when few notices changed (an index on the notice's sequence).
 * fn returning non-zero stops and is returned. */
int store_index_changes(Store *st, int64_t after_seq, StoreIndexFn fn, void *ctx, int64_t *last_seq, Err *err);
#endif

/* store_impl.h -- the operations a backend fills (SQLite's VFS idea), one
 * table per aggregate: the core (store.h) and one per aggregate header
 * (notices.h, orgs.h, feed.h, search.h, sources.h), and the statement runner
 * (sql.h) under the aggregates written once for both backends (accounts.h,
 * outbox.h). A Store holds one pointer per table;
 * a backend without an aggregate leaves its pointer NULL and store.c answers
 * its calls with an error. A new aggregate adds a table and a pointer here, a
 * header, and a file per backend; no existing table grows.
 * Only store.c and the backends include this. */
#ifndef STORE_IMPL_H
#define STORE_IMPL_H

#include "store/feed.h"
#include "store/notices.h"
#include "store/orgs.h"
#include "store/search.h"
#include "store/sources.h"
#include "store/sql.h"
#include "store/store.h"

typedef struct {
  const char *name;
  int (*begin)(void *impl, Err *err);
  int (*commit)(void *impl, Err *err);
  void (*rollback)(void *impl);
  int (*read_begin)(void *impl, Err *err); /* NULL: reads need none */
  void (*read_end)(void *impl);
  int (*last_seq)(void *impl, int64_t *out, Err *err);
  int (*stats)(void *impl, StoreStats *out, Err *err);
  int (*secret)(void *impl, const char *name, unsigned char *out, size_t len, Err *err);
  void (*close)(void *impl);
} StoreCoreOps;

typedef struct {
  int (*release_add)(void *impl, const StoreRelease *r, Err *err);
  int (*release_get)(void *impl, const char *ocid, const char *id, char **json, Err *err);
  int (*releases_each)(void *impl, const char *ocid, StoreReleaseFn fn, void *ctx, Err *err);
  int (*notice_exists)(void *impl, const char *ocid, Err *err);
  int (*notes_count)(void *impl, const char *needle, int64_t *out, Err *err);
  int (*notice_put)(void *impl, const Notice *n, Err *err);
  /* optional (NULL: store.c loops over release_add / notice_put) */
  int (*releases_add)(void *impl, const StoreRelease *rs, size_t n, int *res, unsigned char *known,
                      StoreConflictFn conflict, void *ctx, Err *err);
  int (*notices_put)(void *impl, const Notice *const *ns, size_t n, Err *err);
  int (*notice_get)(void *impl, const char *ocid, Notice *out, Err *err);
  int (*notice_texts)(void *impl, const long long *ids, size_t n, StoreNoticeText *out, Err *err);
  int (*notice_compiled)(void *impl, const char *ocid, char **json, Notice *out, Err *err);
} StoreNoticeOps;

typedef struct {
  int (*org_get)(void *impl, long long id, Org *out, Err *err);
} StoreOrgOps;

typedef struct {
  int (*index_scan)(void *impl, long long after_id, long long upto_id, StoreIndexFn fn, void *ctx, int64_t *last_seq, Err *err);
  int (*index_changes)(void *impl, int64_t after_seq, StoreIndexFn fn, void *ctx, int64_t *last_seq, Err *err);
} StoreFeedOps;

typedef struct {
  int (*search)(void *impl, const Query *q, time_t now, StoreResults *out, Err *err);
  int (*fts)(void *impl, const char *terms, int limit, StoreHitFn fn, void *ctx, Err *err);
  int (*awards)(void *impl, const long long *ids, StoreHit *hits, size_t n, Err *err);
} StoreSearchOps;

typedef struct {
  int (*sources)(void *impl, StoreSource **out, size_t *n, Err *err);
} StoreSourceOps;

struct Store {
  const StoreCoreOps *core;
  const StoreNoticeOps *notices; /* NULL: the backend has no such aggregate */
  const StoreOrgOps *orgs;
  const StoreFeedOps *feed;
  const StoreSearchOps *search;
  const StoreSourceOps *sources;
  const StoreSqlOps *sql; /* the runner under accounts.c, outbox.c (sql.h) */
  void *impl;
};

/* sqlite.c (the core) and sqlite_<aggregate>.c */
int store_sqlite_open(const char *path, int flags, void **impl, Err *err);
extern const StoreCoreOps store_sqlite_core_ops;
extern const StoreNoticeOps store_sqlite_notice_ops;
extern const StoreOrgOps store_sqlite_org_ops;
extern const StoreFeedOps store_sqlite_feed_ops;
extern const StoreSearchOps store_sqlite_search_ops;
extern const StoreSourceOps store_sqlite_source_ops;
extern const StoreSqlOps store_sqlite_sql_ops;
/* Tunables, read when a store opens or a scan starts (tests make them small):
 * notices per read transaction of an index scan; log frames after which a
 * writer asks for a complete checkpoint. */
extern int store_sqlite_scan_chunk;
extern int store_sqlite_wal_limit_frames;
/* The checkpointer's counts so far: checkpoints run, and of them the ones
 * that made no progress (a reader held the log). 0 when st is not SQLite. */
void store_sqlite_checkpoint_stats(Store *st, long long *attempts, long long *stalls);

/* pg.c (the core) and pg_<aggregate>.c: url is "postgres://...",
 * "postgresql://..." or "postgres:" (PG* environment variables only). */
int store_pg_open(const char *url, int flags, void **impl, Err *err);
extern const StoreCoreOps store_pg_core_ops;
extern const StoreNoticeOps store_pg_notice_ops;
extern const StoreOrgOps store_pg_org_ops;
extern const StoreFeedOps store_pg_feed_ops;
extern const StoreSearchOps store_pg_search_ops;
extern const StoreSourceOps store_pg_source_ops;
extern const StoreSqlOps store_pg_sql_ops;

/* Whether notice n has any of what its notice_detail row holds (stage,
 * reservation, details, lots' text, a private buyer, a parent process): the
 * backends store a row only then, and read a missing one as none of them (a
 * public notice, no sub-contract). */
static inline int store_notice_has_detail(const Notice *n) {
  return n->stage || n->reserved || n->details || n->lots_text || n->sector != NOTICE_PUBLIC || n->subcontract;
}

#endif

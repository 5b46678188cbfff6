/* store_impl.h -- the operations table a backend fills (SQLite's VFS idea).
 * Only store.c and the backends include this. */
#ifndef STORE_IMPL_H
#define STORE_IMPL_H

#include "store/store.h"

typedef struct {
  const char *name;
  int (*begin)(void *impl, Err *err);
  int (*commit)(void *impl, Err *err);
  void (*rollback)(void *impl);
  int (*read_begin)(void *impl, Err *err); /* NULL: reads need none */
  void (*read_end)(void *impl);
  int (*release_add)(void *impl, const StoreRelease *r, Err *err);
  int (*release_get)(void *impl, const char *ocid, const char *id, char **json, Err *err);
  int (*releases_each)(void *impl, const char *ocid, StoreReleaseFn fn, void *ctx, Err *err);
  int (*notice_exists)(void *impl, const char *ocid, Err *err);
  int (*notice_put)(void *impl, const Notice *n, Err *err);
  /* optional (NULL: store.c loops over release_add / notice_put) */
  int (*releases_add)(void *impl, const StoreRelease *rs, size_t n, int *res, unsigned char *known,
                      StoreConflictFn conflict, void *ctx, Err *err);
  int (*notices_put)(void *impl, const Notice *const *ns, size_t n, Err *err);
  int (*notice_get)(void *impl, const char *ocid, Notice *out, Err *err);
  int (*stats)(void *impl, StoreStats *out, Err *err);
  int (*fts)(void *impl, const char *terms, int limit, StoreHitFn fn, void *ctx, Err *err);
  int (*search)(void *impl, const struct Query *q, time_t now, StoreResults *out, Err *err);
  int (*org_get)(void *impl, long long id, Org *out, Err *err);
  int (*index_scan)(void *impl, long long after_id, long long upto_id, StoreIndexFn fn, void *ctx, int64_t *last_seq, Err *err);
  int (*index_changes)(void *impl, int64_t after_seq, StoreIndexFn fn, void *ctx, int64_t *last_seq, Err *err);
  int (*last_seq)(void *impl, int64_t *out, Err *err);
  int (*notice_texts)(void *impl, const long long *ids, size_t n, StoreNoticeText *out, Err *err);
  void (*close)(void *impl);
} StoreOps;

struct Store {
  const StoreOps *ops;
  void *impl;
};

/* sqlite.c */
int store_sqlite_open(const char *path, int flags, void **impl, Err *err);
extern const StoreOps store_sqlite_ops;
/* sqlite_search.c: the search operations of the SQLite backend; db is the
 * connection of the store implementation. */
struct sqlite3;
struct sqlite3 *store_sqlite_db(void *impl, const char **path);
int store_sqlite_search(void *impl, const struct Query *q, time_t now, StoreResults *out, Err *err);
int store_sqlite_org_get(void *impl, long long id, Org *out, Err *err);
int store_sqlite_index_scan(void *impl, long long after_id, long long upto_id, StoreIndexFn fn, void *ctx, int64_t *last_seq, Err *err);
int store_sqlite_index_changes(void *impl, int64_t after_seq, StoreIndexFn fn, void *ctx, int64_t *last_seq, Err *err);
int store_sqlite_last_seq(void *impl, int64_t *out, Err *err);
int store_sqlite_notice_texts(void *impl, const long long *ids, size_t n, StoreNoticeText *out, Err *err);
/* Tunables, read when a store opens or a scan starts (tests make them small):
 * notices per read transaction of an index scan; log frames after which a
 * writer asks for a complete checkpoint. */
extern int store_sqlite_scan_chunk;
extern int store_sqlite_wal_limit_frames;
/* The checkpointer's counts so far: checkpoints run, and of them the ones
 * that made no progress (a reader held the log). 0 when st is not SQLite. */
void store_sqlite_checkpoint_stats(Store *st, long long *attempts, long long *stalls);

/* pg.c: url is "postgres://...", "postgresql://..." or "postgres:" (PG*
 * environment variables only). */
int store_pg_open(const char *url, int flags, void **impl, Err *err);
extern const StoreOps store_pg_ops;

#endif

/* sqlite_impl.h -- what the files of the SQLite backend share: sqlite.c owns
 * the connection (open, schema, transactions, checkpoints) and the files of
 * the aggregates (sqlite_<aggregate>.c) reach it through store_sqlite_db.
 * Only the SQLite backend includes this. */
#ifndef STORE_SQLITE_IMPL_H
#define STORE_SQLITE_IMPL_H

#include "store/store_impl.h"

/* The connection of the store implementation impl and its file name. */
struct sqlite3;
struct sqlite3 *store_sqlite_db(void *impl, const char **path);

/* sqlite_search.c */
int store_sqlite_search(void *impl, const Query *q, time_t now, StoreResults *out, Err *err);
int store_sqlite_org_get(void *impl, long long id, Org *out, Err *err);
int store_sqlite_index_scan(void *impl, long long after_id, long long upto_id, StoreIndexFn fn, void *ctx, int64_t *last_seq, Err *err);
int store_sqlite_index_changes(void *impl, int64_t after_seq, StoreIndexFn fn, void *ctx, int64_t *last_seq, Err *err);
int store_sqlite_last_seq(void *impl, int64_t *out, Err *err);
int store_sqlite_notice_texts(void *impl, const long long *ids, size_t n, StoreNoticeText *out, Err *err);

#endif

/* store.h -- persistence behind one backend-neutral API: the core every
 * aggregate shares. The only door to the database: callers never see SQL or a
 * database handle. sqlite.c implements it on SQLite (embedded, the default),
 * pg.c on PostgreSQL; store_open picks one from the URL.
 *
 * This header opens and closes a store, runs transactions and read snapshots,
 * and reports the change sequence. What is stored comes in aggregates, each
 * with a header of its own and its own operations (store_impl.h), so the store
 * grows by adding one, not by growing a shared table; a caller includes the
 * ones it uses:
 *   store/notices.h  releases (verbatim, numbered by the change sequence) and
 *                    the notices derived from them
 *   store/orgs.h     organisations (buyers, suppliers)
 *   store/feed.h     the bulk reads of the in-memory search index: the scan and
 *                    the change feed
 *   store/search.h   the store's own search engine (the reference the index is
 *                    checked against) and plain full-text search
 *   store/sources.h  the publishers the notices came from, with counts and
 *                    the date of each one's newest release
 *
 * What is kept: every release verbatim (the exact JSON text received), keyed by
 * (ocid, release id) and numbered by a change sequence; per ocid a notice derived
 * from the compiled release (model/notice.h) with its CPV codes, regions, awards,
 * suppliers and contracts; organisations (buyers, suppliers); and a full-text
 * index over title, description, buyer name and CPV labels. Everything except the
 * releases is derived and can be rebuilt from them.
 *
 * Writes happen in batches: store_begin .. store_commit is one transaction, so a
 * crash mid-batch leaves the store as it was before the batch.
 *
 * Ownership: strings returned through out-parameters are heap-allocated and
 * freed by the caller (free), as each function says. A Store is used by one
 * thread at a time. */
#ifndef STORE_H
#define STORE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/err.h"
#include "model/notice.h"

typedef struct Store Store;

#define STORE_DEFAULT_URL "sqlite:var/powerhouse.db"

enum { STORE_READONLY = 1 };

/* url: "sqlite:PATH" (or a bare PATH); creates the database and applies the
 * schema migrations on open (unless STORE_READONLY). */
int store_open(const char *url, int flags, Store **out, Err *err);
void store_close(Store *st);

int store_begin(Store *st, Err *err);
int store_commit(Store *st, Err *err);
void store_rollback(Store *st);

/* A read snapshot around several reads (a page's): they see one state of the
 * store, and SQLite takes its file lock once for all of them instead of once
 * per statement (a notice page rendered afresh: 2,700-3,400 -> 4,480 pages/s
 * on 2 shared cores). Inside a write transaction both do nothing; a write
 * transaction begun inside a snapshot ends it. PostgreSQL reads stay one
 * statement each (a transaction would cost two more round trips). */
int store_read_begin(Store *st, Err *err);
void store_read_end(Store *st);

/* The newest release sequence number (0 for an empty store): a cheap way to
 * see whether anything changed. */
int store_last_seq(Store *st, int64_t *out, Err *err);

/* Counts over the whole store (every aggregate), for `powerhouse stats` and
 * the benchmarks. */
typedef struct {
  int64_t releases, notices, ocids_with_awards, awards, orgs, buyers, suppliers;
  int64_t open, closed, awarded, cancelled, planned; /* by stored status */
  int64_t last_seq;
} StoreStats;
int store_stats(Store *st, StoreStats *out, Err *err);

/* A secret of the store, made (random) when its schema was: len bytes of
 * the one named name ("cursor": what signs the API's cursors, the same for
 * every process serving the store). ERR_NOTFOUND when there is none. */
int store_secret(Store *st, const char *name, unsigned char *out, size_t len, Err *err);

#endif

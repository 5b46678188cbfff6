/* store.h -- persistence behind one backend-neutral API. The only door to the
 * database: callers never see SQL or a database handle. sqlite.c implements it
 * on SQLite (embedded, the default); other backends plug in behind the same
 * operations table (store_open picks one from the URL).
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

typedef struct {
  const char *ocid, *id;
  const char *date;   /* normalised UTC date, see ocds/release.h */
  const char *json;   /* verbatim text */
  size_t len;
  uint64_t hash;      /* release_hash of the text */
  const char *source; /* publisher / feed name, may be NULL */
} StoreRelease;

enum { STORE_UNCHANGED = 0, STORE_ADDED = 1, STORE_CONFLICT = 2, STORE_REPLACED = 3 };
/* Stores a release unless (ocid, id) is already there. Returns STORE_ADDED,
 * STORE_UNCHANGED (the same bytes are already stored), STORE_REPLACED (a
 * different text with an earlier date was stored under the same ocid and id:
 * publishers re-issue a release id with newer content; the newer one replaces
 * it and gets a new sequence number), STORE_CONFLICT (a different text with the
 * same or a later date is stored: it is kept and r is not stored), or <0. */
int store_release_add(Store *st, const StoreRelease *r, Err *err);

/* Stores rs[0..n) in this order, exactly as n calls of store_release_add
 * would (the same rows, sequence numbers and notice row ids), and sets res[i]
 * to what the i-th call would have returned. On PostgreSQL this is a few round
 * trips for the whole batch (one look-up of the stored hash and date of every
 * (ocid, id), then COPY) instead of one or more per release; SQLite loops.
 * known[i] is 1 when the store held a notice with releases for rs[i].ocid
 * before this call (store_notice_exists), else 0. For every STORE_CONFLICT,
 * conflict (when not NULL) is called with i and the text the release lost to
 * (valid during the call). 0, or <0 with err: nothing of the batch is then
 * known to be stored and the caller rolls the transaction back. */
typedef void (*StoreConflictFn)(void *ctx, size_t i, const char *json, size_t len);
int store_releases_add(Store *st, const StoreRelease *rs, size_t n, int *res, unsigned char *known,
                       StoreConflictFn conflict, void *ctx, Err *err);

/* The stored text of release (ocid, id): 1 found (*json set, caller frees), 0 not stored. */
int store_release_get(Store *st, const char *ocid, const char *id, char **json, Err *err);

/* Calls fn for every release of ocid in ascending (date, sequence) order;
 * json is valid during the call only. fn returning non-zero stops. */
typedef int (*StoreReleaseFn)(void *ctx, const char *id, const char *date, const char *json, size_t len);
int store_releases_each(Store *st, const char *ocid, StoreReleaseFn fn, void *ctx, Err *err);

/* 1 when a notice for ocid is stored (with its releases), 0 when not. */
int store_notice_exists(Store *st, const char *ocid, Err *err);

/* Inserts or replaces the notice n->ocid with its derived rows and full-text
 * entry. The compiled release it came from is not stored: it is compiled again
 * from the stored releases when needed (a notice has a handful). */
int store_notice_put(Store *st, const Notice *n, Err *err);

/* store_notice_put of ns[0..n) in this order, with the same result; on
 * PostgreSQL in a few round trips (organisations in one statement, the notice
 * rows and their derived rows by COPY) instead of several per notice. */
int store_notices_put(Store *st, const Notice *const *ns, size_t n, Err *err);

/* Reads a notice back (what store_notice_put stored), with its documents and
 * history. 1 found, 0 not found, <0 with err; out is empty (released) unless 1. */
int store_notice_get(Store *st, const char *ocid, Notice *out, Err *err);

typedef struct {
  int64_t releases, notices, ocids_with_awards, awards, orgs, buyers, suppliers;
  int64_t open, closed, awarded, cancelled, planned; /* by stored status */
  int64_t last_seq;
} StoreStats;
int store_stats(Store *st, StoreStats *out, Err *err);

/* ---- search ---------------------------------------------------------------
 * Runs a finished search/query.h Query: keywords through the full-text index,
 * every filter, the sort with ocid as the tie-break, cursor paging. A notice
 * stored as open whose deadline has passed counts (and shows) as closed. */
struct Query;

typedef struct {
  char *ocid, *title, *buyer_name, *status, *deadline, *published, *currency;
  char *snippet;  /* text with matches between \x02 and \x03; plain start of the description without keywords */
  char *regions;  /* comma-separated ITL1 codes */
  char *cpv;      /* main CPV code */
  long long buyer_id;
  int has_value;
  double value;
  double score;   /* relevance (higher is better); 0 without keywords */
  Flag sme, vcse;
} StoreHit;

typedef struct {
  StoreHit *hits;
  size_t n;
  long long total; /* every match, all pages */
  int has_more;    /* another page follows; its cursor is made from the last hit (query_cursor_encode) */
} StoreResults;

int store_search(Store *st, const struct Query *q, time_t now, StoreResults *out, Err *err);
void store_results_release(StoreResults *r);

/* An organisation by row id: 1 found, 0 not. */
int store_org_get(Store *st, long long id, Org *out, Err *err);

/* ---- bulk reads for an in-memory search index (search/index.h) ----------
 * One notice as the index needs it; strings valid during the callback only. */
typedef struct {
  long long id; /* row id: stable, and new notices get larger ones */
  int64_t seq;  /* the sequence of the notice's newest release */
  const char *ocid, *title, *description, *buyer_name, *cpv_text;
  const char *status, *deadline, *published; /* stored text; deadline and published may be NULL */
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
/* The newest release sequence number (0 for an empty store): a cheap way to
 * see whether anything changed. */
int store_last_seq(Store *st, int64_t *out, Err *err);

/* The texts that search hits show, of the notices with row ids ids[0..n)
 * (one round trip on a server database): out[i] for ids[i], all NULL when
 * there is no such notice. Strings are heap, freed with
 * store_notice_text_release. 0, or <0 with err (out then holds nothing). */
typedef struct {
  char *title, *description, *buyer_name, *cpv_text, *currency;
} StoreNoticeText;
#define STORE_TEXTS_MAX 128 /* ids per call */
int store_notice_texts(Store *st, const long long *ids, size_t n, StoreNoticeText *out, Err *err);
void store_notice_text_release(StoreNoticeText *t);

/* Full-text search over title, description, buyer name and CPV labels; used by
 * tests and the CLI. Calls fn per hit, best first. */
typedef int (*StoreHitFn)(void *ctx, const char *ocid, const char *title);
int store_fts(Store *st, const char *terms, int limit, StoreHitFn fn, void *ctx, Err *err);

#endif

/* notices.h -- the notices aggregate of the store (store.h): releases as
 * received, verbatim and numbered by the change sequence, and per ocid the
 * notice derived from them (model/notice.h) with its CPV codes, regions,
 * awards, suppliers, contracts, documents and history. ingest/apply writes
 * them, in one transaction per batch (store_begin .. store_commit); the pages
 * read them. Backends: sqlite_notices.c, pg_notices.c. */
#ifndef STORE_NOTICES_H
#define STORE_NOTICES_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "model/notice.h"
#include "store/store.h"

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

/* How many stored releases have data notes (their notice's history rows
 * with notes) whose JSON text contains needle (NULL or "": any note), e.g.
 * "\"rule\":\"date-invalid\"". 0, or <0 with err. */
int store_notes_count(Store *st, const char *needle, int64_t *out, Err *err);

/* 1 when a notice for ocid is stored (with its releases), 0 when not. */
int store_notice_exists(Store *st, const char *ocid, Err *err);

/* Inserts or replaces the notice n->ocid with its derived rows and full-text
 * entry, and n->compiled when set (else any compiled release stored for the
 * notice is removed: it would no longer be the notice's). */
int store_notice_put(Store *st, const Notice *n, Err *err);

/* What one more release of ocid merges onto (ingest/apply.c): the compiled
 * release stored with its notice (*json, heap, the caller frees) and the
 * notice's history rows (out->history, out notice_init'ed by the caller, who
 * releases it). 1 found, 0 when no compiled release is stored for ocid
 * (nothing set), <0 with err. */
int store_notice_compiled(Store *st, const char *ocid, char **json, Notice *out, Err *err);

/* store_notice_put of ns[0..n) in this order, with the same result; on
 * PostgreSQL in a few round trips (organisations in one statement, the notice
 * rows and their derived rows by COPY) instead of several per notice. */
int store_notices_put(Store *st, const Notice *const *ns, size_t n, Err *err);

/* Reads a notice back (what store_notice_put stored), with its documents and
 * history. 1 found, 0 not found, <0 with err; out is empty (released) unless 1. */
int store_notice_get(Store *st, const char *ocid, Notice *out, Err *err);

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

#endif

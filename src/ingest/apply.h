/* apply.h -- the write path of one release: store it, compile its notice
 * again from every stored release, derive the notice with its documents and
 * history, store it with every derived row -- one transaction, which moves
 * the store's change sequence on. The bulk pipeline (ingest.h) does the same
 * for batches of releases, one transaction per batch; this is the form for a
 * release posted on the portal or given to a command, and for deriving every
 * notice again after the derivation changed. */
#ifndef APPLY_H
#define APPLY_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "base/err.h"
#include "model/notice.h"
#include "store/store.h"
#include "store/notices.h"

typedef struct cJSON cJSON;

/* What apply_release did. */
typedef struct {
  int stored;  /* STORE_ADDED, STORE_REPLACED, STORE_UNCHANGED or STORE_CONFLICT */
  int64_t seq; /* the store's change sequence after it */
} ApplyResult;

/* Checks the release text (ocds/release.h), then in ONE transaction stores
 * it, compiles its notice again from every stored release and writes the
 * notice with its derived rows. The same bytes again change nothing; another
 * text under a stored id with the same or a later date is not stored
 * (res->stored says which). apply_batch with one release. 0, or <0 with err
 * (ERR_JSON, ERR_OCDS, ERR_LIMIT for a release that does not check, ERR_DB);
 * nothing is written then. */
int apply_release(Store *st, const char *json, size_t len, const char *source, time_t now, ApplyResult *res,
                  Err *err);

/* apply_release inside the caller's transaction, for a change that commits
 * with its release (a posted notice's row and its release, store/postings.h):
 * *stored gets the STORE_*. 0, or <0 with err: the caller rolls back. */
int apply_release_in(Store *st, const char *json, size_t len, const char *source, time_t now, int *stored, Err *err);

/* One release of a batch: what is stored, and its parsed tree (a release
 * that loses to a stored one with other bytes but the same JSON value -- its
 * keys in another order -- counts as unchanged). */
typedef struct {
  StoreRelease sr;
  const cJSON *tree;
  const char *notes; /* its data notes (Release.notes), NULL: none */
} ApplyItem;

/* A batch's releases of one ocid: items[first .. first+n), in date order;
 * notice: what the caller compiled from these releases alone (NULL: none),
 * stored as it is when the store had nothing of the ocid and every release
 * is new -- else the notice is compiled again from the store. */
typedef struct {
  size_t first, n;
  const Notice *notice;
} ApplyGroup;

typedef struct {
  uint64_t added, replaced, unchanged, rejected, notices;
  uint64_t stale; /* stored releases that no longer check, left out of their notice's compile */
  uint64_t reused, reused_clean; /* stored under an id of their own (id-reused); of those, without other notes */
} ApplyCounts;

/* The write path for a batch, inside the caller's transaction (the bulk
 * pipeline's writer commits every few batches; apply_release one): stores
 * every release in one store call, compiles the notice of every ocid that
 * gained a release, and stores those notices with their derived rows in
 * another. A release that loses to a stored one with the same id and date
 * but another JSON value is stored under an id of its own, with a note
 * (ocds/release.h, id-reused), and counts as added. res[i] gets items[i]'s
 * STORE_* (STORE_UNCHANGED too for the same JSON value); counts are added to. 0, or <0 with err: the caller rolls back. */
int apply_batch(Store *st, const ApplyItem *items, size_t n, const ApplyGroup *groups, size_t n_groups, time_t now,
                int *res, ApplyCounts *counts, Err *err);

/* A notice of this many releases or more is stored with its compiled
 * release (Notice.compiled), and a release added to it later that sorts
 * after every stored one is merged onto that instead of every release being
 * read and merged again: the history rows are the stored ones and its own,
 * the notice is derived from the merged release as always. A notice with
 * fewer releases is compiled again from them, cheaply. */
#define APPLY_KEEP_COMPILED 16

/* Sets out->compiled to compiled's JSON text when n_releases is at least
 * APPLY_KEEP_COMPILED (for whoever compiled a notice to be stored). */
void apply_keep_compiled(const cJSON *compiled, size_t n_releases, Notice *out);

/* Compiles ocid's stored releases (those of the open transaction included)
 * and derives its notice with documents and history into out (notice_init'ed
 * by the caller, who releases it): the step the bulk pipeline shares. 0, 1
 * when ocid has no releases, or <0 with err. */
int apply_compile(Store *st, const char *ocid, const char *publisher, time_t now, Notice *out, Err *err);

/* Inside the caller's transaction: compiles ocid's stored releases and stores
 * the notice derived from them. publisher: the source name to record. 0, 1
 * when ocid has no releases (nothing stored), or <0 with err. */
int apply_notice(Store *st, const char *ocid, const char *publisher, time_t now, Err *err);

/* Derives every notice of the store again, batch notices per transaction,
 * keeping each notice's publisher; *count gets the number done. Progress
 * lines go to progress (NULL: none). A notice with a stored release that no
 * longer checks (stored under an older, laxer check) is kept as it is, named
 * with the reason on report (NULL: not named) and counted in *kept; the rest
 * go on. 0 or <0 with err when the store fails (batches before the failing
 * one stay). */
int apply_rederive_all(Store *st, time_t now, size_t batch, FILE *progress, FILE *report, size_t *count, size_t *kept,
                       Err *err);

#endif

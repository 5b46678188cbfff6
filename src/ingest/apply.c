/* apply.c -- see apply.h. */
#include "ingest/apply.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "ingest/stored.h"
#include "ocds/derive.h"
#include "ocds/merge.h"
#include "ocds/release.h"
#include "store/feed.h"
#include "store/notices.h"

int apply_compile(Store *st, const char *ocid, const char *publisher, time_t now, Notice *out, Err *err) {
  StoredReleases all;
  cJSON *compiled = NULL;
  int rc = stored_releases(st, ocid, &all, err);
  if (rc) return rc;
  if (!all.n) {
    rc = 1;
    goto out;
  }
  if (!(compiled = merge_compile((const cJSON *const *)all.trees, all.n, err))) {
    rc = err->code ? err->code : ERR_OCDS;
    goto out;
  }
  DeriveCtx ctx = {now, publisher};
  if ((rc = derive_notice(compiled, &ctx, out, err)) == 0)
    derive_history((const cJSON *const *)all.trees, all.n, out);
out:
  if (rc < 0) err_prefix(err, "notice %s: ", ocid);
  stored_releases_release(&all);
  cJSON_Delete(compiled);
  return rc;
}

int apply_notice(Store *st, const char *ocid, const char *publisher, time_t now, Err *err) {
  Notice n;
  notice_init(&n);
  int rc = apply_compile(st, ocid, publisher, now, &n, err);
  if (rc == 0) rc = store_notice_put(st, &n, err);
  notice_release(&n);
  return rc;
}

/* Every ocid, from the index scan (one string pool). */
typedef struct {
  Buf pool;
  size_t *off, n, cap;
} Ocids;

static int collect(void *ctx, const StoreIndexDoc *d, Err *err) {
  Ocids *o = ctx;
  if (o->n == o->cap) o->off = xrealloc(o->off, (o->cap = o->cap ? 2 * o->cap : 4096) * sizeof *o->off);
  o->off[o->n++] = o->pool.len;
  buf_adds(&o->pool, d->ocid);
  buf_addc(&o->pool, 0);
  return 0;
}

int apply_rederive_all(Store *st, time_t now, size_t batch, FILE *progress, size_t *count, Err *err) {
  Ocids o = {BUF_INIT, NULL, 0, 0};
  int64_t seq;
  *count = 0;
  int rc = store_index_scan(st, collect, &o, &seq, err);
  if (!batch) batch = 1000;
  for (size_t i = 0; rc == 0 && i < o.n; i += batch) {
    if ((rc = store_begin(st, err))) break;
    for (size_t k = i; k < o.n && k < i + batch && rc == 0; k++) {
      const char *ocid = o.pool.data + o.off[k];
      Notice old;
      notice_init(&old);
      rc = store_notice_get(st, ocid, &old, err);
      if (rc == 1) rc = apply_notice(st, ocid, old.publisher, now, err);
      if (rc == 1 || rc == 0) {
        (*count)++;
        rc = 0;
      }
      notice_release(&old);
    }
    if (rc) {
      store_rollback(st);
      break;
    }
    if ((rc = store_commit(st, err))) break;
    if (progress) {
      fprintf(progress, "\rderived again: %zu of %zu notices", *count, o.n);
      fflush(progress);
    }
  }
  if (progress && o.n) fputc('\n', progress);
  buf_release(&o.pool);
  free(o.off);
  return rc;
}

int apply_release(Store *st, const char *json, size_t len, const char *source, time_t now, ApplyResult *res,
                  Err *err) {
  Release rel;
  memset(res, 0, sizeof *res);
  int rc = release_parse(json, len, &rel, err);
  if (rc) return rc;
  if ((rc = store_begin(st, err))) goto out;
  StoreRelease sr = {rel.ocid, rel.id, rel.date, json, len, release_hash(json, len), source};
  rc = store_release_add(st, &sr, err);
  if (rc >= 0) {
    res->stored = rc;
    rc = 0;
    if (res->stored == STORE_ADDED || res->stored == STORE_REPLACED) rc = apply_notice(st, rel.ocid, source, now, err);
  }
  if (rc < 0) {
    store_rollback(st);
    goto out;
  }
  if ((rc = store_commit(st, err))) goto out;
  rc = store_last_seq(st, &res->seq, err);
out:
  release_release(&rel);
  return rc < 0 ? rc : 0;
}

/* apply.c -- see apply.h. */
#include "ingest/apply.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

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
  int rc = stored_releases(st, ocid, &all, err); /* all is empty on failure */
  if (rc) goto out;
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

int apply_rederive_all(Store *st, time_t now, size_t batch, FILE *progress, FILE *report, size_t *count, size_t *kept,
                       Err *err) {
  Ocids o = {BUF_INIT, NULL, 0, 0};
  int64_t seq;
  *count = *kept = 0;
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
      } else if (rc == ERR_JSON || rc == ERR_OCDS || rc == ERR_LIMIT || rc == ERR_UTF8) {
        if (report) fprintf(report, "%s; kept as it was\n", err->msg); /* nothing was written for it */
        (*kept)++;
        *err = (Err)ERR_INIT;
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

/* For store_releases_add: a release that lost to a stored one with other
 * bytes may be the same JSON value (keys in another order). */
typedef struct {
  const ApplyItem *items;
  unsigned char *same;
} Conflicts;

static void on_conflict(void *ctx, size_t i, const char *json, size_t len) {
  Conflicts *c = ctx;
  Release stored;
  Err ignore = ERR_INIT;
  if (c->items[i].tree && release_parse(json, len, &stored, &ignore) == 0) {
    c->same[i] = cJSON_Compare(stored.root, c->items[i].tree, 1) ? 1 : 0;
    release_release(&stored);
  }
}

int apply_batch(Store *st, const ApplyItem *items, size_t n, const ApplyGroup *groups, size_t n_groups, time_t now,
                int *res, ApplyCounts *counts, Err *err) {
  StoreRelease *sr = xmalloc((n ? n : 1) * sizeof *sr);
  unsigned char *known = xcalloc(n ? n : 1, 1), *same = xcalloc(n ? n : 1, 1);
  const Notice **put = xmalloc((n_groups ? n_groups : 1) * sizeof *put);
  Notice *compiled = xcalloc(n_groups ? n_groups : 1, sizeof *compiled);
  size_t n_put = 0, n_compiled = 0;
  ApplyCounts c = {0};
  for (size_t i = 0; i < n; i++) sr[i] = items[i].sr;
  Conflicts cf = {items, same};
  int rc = store_releases_add(st, sr, n, res, known, on_conflict, &cf, err);
  for (size_t gi = 0; rc == 0 && gi < n_groups; gi++) {
    const ApplyGroup *gr = &groups[gi];
    size_t n_added = 0, n_replaced = 0, last = 0;
    for (size_t i = gr->first; i < gr->first + gr->n; i++) {
      if (res[i] == STORE_ADDED || res[i] == STORE_REPLACED) {
        n_added++, last = i;
        if (res[i] == STORE_ADDED) c.added++;
        else c.replaced++, n_replaced++;
      } else if (res[i] == STORE_UNCHANGED || same[i]) {
        res[i] = STORE_UNCHANGED;
        c.unchanged++;
      } else {
        c.rejected++;
      }
    }
    if (!n_added) continue;
    /* the caller's notice holds when every release of the group is new, none
     * replaced another (one id twice in the batch) and the store had nothing
     * of its ocid before */
    if (gr->notice && !known[gr->first] && n_added == gr->n && !n_replaced) {
      put[n_put++] = gr->notice;
    } else {
      Notice *nt = &compiled[n_compiled++];
      notice_init(nt);
      rc = apply_compile(st, items[gr->first].sr.ocid, items[last].sr.source, now, nt, err);
      if (rc == 1) rc = 0, n_compiled--, notice_release(nt); /* cannot be: a release was just stored */
      else if (rc == 0) put[n_put++] = nt;
    }
  }
  if (rc == 0 && (rc = store_notices_put(st, put, n_put, err)) == 0) {
    c.notices = n_put;
    counts->added += c.added;
    counts->replaced += c.replaced;
    counts->unchanged += c.unchanged;
    counts->rejected += c.rejected;
    counts->notices += c.notices;
  }
  for (size_t i = 0; i < n_compiled; i++) notice_release(&compiled[i]);
  free(compiled);
  free(put);
  free(same);
  free(known);
  free(sr);
  return rc;
}

int apply_release(Store *st, const char *json, size_t len, const char *source, time_t now, ApplyResult *res,
                  Err *err) {
  Release rel;
  memset(res, 0, sizeof *res);
  int rc = release_parse(json, len, &rel, err);
  if (rc) return rc;
  if ((rc = store_begin(st, err))) goto out;
  ApplyItem it = {{rel.ocid, rel.id, rel.date, json, len, release_hash(json, len), source}, rel.root};
  ApplyGroup g = {0, 1, NULL};
  ApplyCounts counts = {0};
  if ((rc = apply_batch(st, &it, 1, &g, 1, now, &res->stored, &counts, err))) {
    store_rollback(st);
    goto out;
  }
  if ((rc = store_commit(st, err))) goto out;
  rc = store_last_seq(st, &res->seq, err);
out:
  release_release(&rel);
  return rc < 0 ? rc : 0;
}

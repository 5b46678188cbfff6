/* store.c -- picks a backend from the URL and forwards to its operations,
 * one table per aggregate (store_impl.h): "postgres://...", "postgresql://..."
 * or "postgres:" (PG* environment variables) is PostgreSQL (pg*.c);
 * "sqlite:PATH", "sqlite://PATH" or a bare PATH is SQLite (sqlite*.c). A call
 * into an aggregate the backend does not have fails with ERR_DB. */
#include "store/store_impl.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

int store_open(const char *url, int flags, Store **out, Err *err) {
  *out = NULL;
  if (!url || !*url) url = STORE_DEFAULT_URL;
  Store tables;
  void *impl;
  int rc;
  if (strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0 || strcmp(url, "postgres:") == 0 ||
      strcmp(url, "postgresql:") == 0) {
    tables = (Store){&store_pg_core_ops, &store_pg_notice_ops, &store_pg_org_ops, &store_pg_feed_ops,
                     &store_pg_search_ops, &store_pg_source_ops, &store_pg_sql_ops, NULL};
    rc = store_pg_open(url, flags, &impl, err);
  } else {
    const char *path;
    if (strncmp(url, "sqlite:", 7) == 0) {
      path = url + 7;
      if (strncmp(path, "//", 2) == 0) path += 2; /* sqlite://PATH */
    } else if (strstr(url, "://")) {
      return err_set(err, ERR_USAGE, "--db %s: unknown database URL (use sqlite:PATH or postgres://...)", url);
    } else {
      path = url;
    }
    if (!*path) return err_set(err, ERR_USAGE, "--db %s: no file name", url);
    tables = (Store){&store_sqlite_core_ops, &store_sqlite_notice_ops, &store_sqlite_org_ops, &store_sqlite_feed_ops,
                     &store_sqlite_search_ops, &store_sqlite_source_ops, &store_sqlite_sql_ops, NULL};
    rc = store_sqlite_open(path, flags, &impl, err);
  }
  if (rc) return rc;
  Store *st = xmalloc(sizeof *st);
  *st = tables;
  st->impl = impl;
  *out = st;
  return 0;
}

void store_close(Store *st) {
  if (!st) return;
  st->core->close(st->impl);
  free(st);
}

/* The error of a call into an aggregate the backend does not have. */
static int no_aggregate(const Store *st, const char *what, Err *err) {
  return err_set(err, ERR_DB, "the %s store keeps no %s", st->core->name, what);
}

/* ---- core (store.h) ---- */

int store_begin(Store *st, Err *err) { return st->core->begin(st->impl, err); }
int store_commit(Store *st, Err *err) { return st->core->commit(st->impl, err); }
void store_rollback(Store *st) { st->core->rollback(st->impl); }
int store_read_begin(Store *st, Err *err) { return st->core->read_begin ? st->core->read_begin(st->impl, err) : 0; }
void store_read_end(Store *st) {
  if (st->core->read_end) st->core->read_end(st->impl);
}
int store_last_seq(Store *st, int64_t *out, Err *err) { return st->core->last_seq(st->impl, out, err); }
int store_stats(Store *st, StoreStats *out, Err *err) { return st->core->stats(st->impl, out, err); }
int store_secret(Store *st, const char *name, unsigned char *out, size_t len, Err *err) {
  return st->core->secret(st->impl, name, out, len, err);
}

/* ---- notices (notices.h) ---- */

#define NOTICES(st, err) \
  if (!(st)->notices) return no_aggregate(st, "notices", err)

int store_release_add(Store *st, const StoreRelease *r, Err *err) {
  NOTICES(st, err);
  return st->notices->release_add(st->impl, r, err);
}
int store_release_get(Store *st, const char *ocid, const char *id, char **json, Err *err) {
  NOTICES(st, err);
  return st->notices->release_get(st->impl, ocid, id, json, err);
}
int store_releases_each(Store *st, const char *ocid, StoreReleaseFn fn, void *ctx, Err *err) {
  NOTICES(st, err);
  return st->notices->releases_each(st->impl, ocid, fn, ctx, err);
}
int store_notes_count(Store *st, const char *needle, int64_t *out, Err *err) {
  return st->notices->notes_count(st->impl, needle ? needle : "", out, err);
}

int store_notice_exists(Store *st, const char *ocid, Err *err) {
  NOTICES(st, err);
  return st->notices->notice_exists(st->impl, ocid, err);
}
int store_notice_put(Store *st, const Notice *n, Err *err) {
  NOTICES(st, err);
  return st->notices->notice_put(st->impl, n, err);
}
int store_notice_compiled(Store *st, const char *ocid, char **json, Notice *out, Err *err) {
  NOTICES(st, err);
  *json = NULL;
  return st->notices->notice_compiled(st->impl, ocid, json, out, err);
}
/* The batch calls of a backend without its own: one call per release, as
 * ingest made them before there were batch calls. known[] is asked first,
 * before any release of the batch goes in. */
int store_releases_add(Store *st, const StoreRelease *rs, size_t n, int *res, unsigned char *known,
                       StoreConflictFn conflict, void *ctx, Err *err) {
  NOTICES(st, err);
  const StoreNoticeOps *ops = st->notices;
  if (ops->releases_add) return ops->releases_add(st->impl, rs, n, res, known, conflict, ctx, err);
  for (size_t i = 0; i < n; i++) {
    if (i && strcmp(rs[i].ocid, rs[i - 1].ocid) == 0) {
      known[i] = known[i - 1];
      continue;
    }
    int rc = ops->notice_exists(st->impl, rs[i].ocid, err);
    if (rc < 0) return rc;
    known[i] = rc > 0;
  }
  for (size_t i = 0; i < n; i++) {
    int rc = ops->release_add(st->impl, &rs[i], err);
    if (rc < 0) return rc;
    res[i] = rc;
    if (rc == STORE_CONFLICT && conflict) {
      char *json = NULL;
      if ((rc = ops->release_get(st->impl, rs[i].ocid, rs[i].id, &json, err)) < 0) return rc;
      if (rc > 0) conflict(ctx, i, json, strlen(json));
      free(json);
    }
  }
  return 0;
}

int store_notices_put(Store *st, const Notice *const *ns, size_t n, Err *err) {
  NOTICES(st, err);
  if (st->notices->notices_put) return st->notices->notices_put(st->impl, ns, n, err);
  for (size_t i = 0; i < n; i++) {
    int rc = st->notices->notice_put(st->impl, ns[i], err);
    if (rc) return rc;
  }
  return 0;
}

int store_notice_get(Store *st, const char *ocid, Notice *out, Err *err) {
  NOTICES(st, err);
  int rc = st->notices->notice_get(st->impl, ocid, out, err);
  if (rc <= 0) notice_release(out); /* a read that failed half-way leaves nothing behind */
  return rc;
}
int store_notice_texts(Store *st, const long long *ids, size_t n, StoreNoticeText *out, Err *err) {
  if (n > STORE_TEXTS_MAX) return err_set(err, ERR_USAGE, "at most %d notices' texts at once", STORE_TEXTS_MAX);
  memset(out, 0, n * sizeof *out);
  NOTICES(st, err);
  int rc = st->notices->notice_texts(st->impl, ids, n, out, err);
  if (rc)
    for (size_t i = 0; i < n; i++) store_notice_text_release(&out[i]);
  return rc;
}
void store_notice_text_release(StoreNoticeText *t) {
  free(t->title);
  free(t->description);
  free(t->buyer_name);
  free(t->cpv_text);
  free(t->currency);
  memset(t, 0, sizeof *t);
}

/* ---- organisations (orgs.h) ---- */

int store_org_get(Store *st, long long id, Org *out, Err *err) {
  if (!st->orgs) return no_aggregate(st, "organisations", err);
  return st->orgs->org_get(st->impl, id, out, err);
}

/* ---- sources (sources.h) ---- */

int store_sources(Store *st, StoreSource **out, size_t *n, Err *err) {
  *out = NULL;
  *n = 0;
  if (!st->sources) return no_aggregate(st, "sources", err);
  return st->sources->sources(st->impl, out, n, err);
}

void store_sources_free(StoreSource *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    free(s[i].name);
    free(s[i].latest);
    free(s[i].first_ocid);
    free(s[i].last_ocid);
  }
  free(s);
}

/* ---- the index scan and the change feed (feed.h) ---- */

int store_index_scan(Store *st, StoreIndexFn fn, void *ctx, int64_t *last_seq, Err *err) {
  if (!st->feed) return no_aggregate(st, "change feed", err);
  return st->feed->index_scan(st->impl, 0, INT64_MAX, fn, ctx, last_seq, err);
}

int store_index_scan_range(Store *st, long long after_id, long long upto_id, StoreIndexFn fn, void *ctx,
                           int64_t *last_seq, Err *err) {
  if (!st->feed) return no_aggregate(st, "change feed", err);
  return st->feed->index_scan(st->impl, after_id, upto_id, fn, ctx, last_seq, err);
}

int store_index_changes(Store *st, int64_t after_seq, StoreIndexFn fn, void *ctx, int64_t *last_seq, Err *err) {
  if (!st->feed) return no_aggregate(st, "change feed", err);
  return st->feed->index_changes(st->impl, after_seq, fn, ctx, last_seq, err);
}

/* ---- search (search.h) ---- */

int store_search(Store *st, const Query *q, time_t now, StoreResults *out, Err *err) {
  if (!st->search) return no_aggregate(st, "search", err);
  return st->search->search(st->impl, q, now, out, err);
}

int store_search_awards(Store *st, const long long *ids, StoreHit *hits, size_t n, Err *err) {
  if (!st->search) return no_aggregate(st, "search", err);
  return st->search->awards(st->impl, ids, hits, n, err);
}

int store_fts(Store *st, const char *terms, int limit, StoreHitFn fn, void *ctx, Err *err) {
  if (!st->search) return no_aggregate(st, "search", err);
  return st->search->fts(st->impl, terms, limit, fn, ctx, err);
}

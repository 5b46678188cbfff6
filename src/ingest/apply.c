/* apply.c -- see apply.h. */
#include "ingest/apply.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "base/buf.h"
#include "base/jarena.h"
#include "ingest/stored.h"
#include "ocds/derive.h"
#include "ocds/merge.h"
#include "ocds/release.h"
#include "store/feed.h"
#include "store/notices.h"

void apply_keep_compiled(const cJSON *compiled, size_t n_releases, Notice *out) {
  if (n_releases < APPLY_KEEP_COMPILED) return;
  char *text = cJSON_PrintUnformatted(compiled); /* cJSON's memory (an arena, maybe): copied */
  if (!text) abort();
  free(out->compiled);
  out->compiled = xstrdup(text);
  cJSON_free(text);
}

/* apply_compile; left_out not NULL: stored releases that no longer check
 * are left out of the compile and counted there. */
static int compile_stored(Store *st, const char *ocid, const char *publisher, time_t now, Notice *out,
                          size_t *left_out, Err *err) {
  StoredReleases all;
  cJSON *compiled = NULL;
  int rc = left_out ? stored_releases_usable(st, ocid, &all, left_out, err)
                    : stored_releases(st, ocid, &all, err); /* all is empty on failure */
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
  if ((rc = derive_notice(compiled, &ctx, out, err)) == 0) {
    derive_history((const cJSON *const *)all.trees, all.notes, all.n, out);
    apply_keep_compiled(compiled, all.n, out);
  }
out:
  if (rc < 0) err_prefix(err, "notice %s: ", ocid);
  stored_releases_release(&all);
  cJSON_Delete(compiled);
  return rc;
}

int apply_compile(Store *st, const char *ocid, const char *publisher, time_t now, Notice *out, Err *err) {
  return compile_stored(st, ocid, publisher, now, out, NULL, err);
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
 * bytes may be the same JSON value (keys in another order: same 1), or an
 * older version of a release its publisher re-issued under the same id with
 * a later date, which the store holds (same 2): both change nothing. */
typedef struct {
  const ApplyItem *items;
  unsigned char *same;
} Conflicts;

static void on_conflict(void *ctx, size_t i, const char *json, size_t len) {
  Conflicts *c = ctx;
  Release stored;
  Err ignore = ERR_INIT;
  if (c->items[i].tree && release_parse(json, len, &stored, &ignore) == 0) {
    c->same[i] = cJSON_Compare(stored.root, c->items[i].tree, 1)           ? 1
                 : strcmp(c->items[i].sr.date, stored.date) < 0 ? 2
                                                                : 0;
    release_release(&stored);
  }
}

/* The group's new releases merged onto the compiled release the store keeps
 * for their notice (APPLY_KEEP_COMPILED), when that gives what compiling
 * every release would: each new release is dated (normalised) no earlier
 * than the last of the stored history, the order the store reads releases
 * in, and (as written) no earlier than the compiled release, the order
 * merging takes them in. 0 with out derived, 1 when it cannot be done so
 * (compile from every release), <0 with err. */
static int apply_onto(Store *st, const ApplyItem *items, const ApplyGroup *gr, const int *res, const char *publisher,
                      time_t now, Notice *out, Err *err) {
  char *json = NULL;
  Notice old;
  notice_init(&old);
  int rc = store_notice_compiled(st, items[gr->first].sr.ocid, &json, &old, err);
  if (rc <= 0) return rc < 0 ? rc : 1;
  rc = 1;
  const char *last = old.n_history ? old.history[old.n_history - 1].date : NULL;
  const cJSON **added = xmalloc(gr->n * sizeof *added);
  char **notes = xmalloc(gr->n * sizeof *notes);
  size_t n_added = 0;
  MergeCompiler *m = NULL;
  JArena *arena = NULL, *was = NULL;
  for (size_t i = gr->first; i < gr->first + gr->n; i++) {
    if (res[i] != STORE_ADDED) continue;
    if (!last || !items[i].tree || strcmp(items[i].sr.date, last) < 0) goto out;
    notes[n_added] = (char *)items[i].notes;
    added[n_added++] = items[i].tree;
  }
  /* the compiled release's thousands of nodes, and what merging adds, from
   * an arena freed at once (a tenth of the time with malloc at 10,000 awards) */
  arena = jarena_new();
  was = jarena_use(arena);
  cJSON *compiled = cJSON_Parse(json);
  if (!cJSON_IsObject(compiled)) { /* not what put stored: compile from the releases (which replaces it) */
    cJSON_Delete(compiled);
    goto out;
  }
  m = merge_compiler_from(compiled);
  for (size_t i = 0; i < n_added; i++) {
    Err e = ERR_INIT;
    if (merge_compiler_add(m, added[i], &e)) goto out; /* dated before it, say: compile from every release */
  }
  DeriveCtx ctx = {now, publisher};
  if ((rc = derive_notice(merge_compiler_tree(m), &ctx, out, err))) {
    if (rc > 0) rc = ERR_OCDS;
    goto out;
  }
  Notice fresh;
  notice_init(&fresh);
  derive_history(added, notes, n_added, &fresh);
  out->history = xrealloc(old.history, (old.n_history + fresh.n_history + 1) * sizeof *out->history);
  memcpy(out->history + old.n_history, fresh.history, fresh.n_history * sizeof *fresh.history);
  out->n_history = old.n_history + fresh.n_history;
  old.history = NULL, old.n_history = 0;
  free(fresh.history);
  fresh.history = NULL, fresh.n_history = 0;
  notice_release(&fresh);
  apply_keep_compiled(merge_compiler_tree(m), out->n_history, out);
  rc = 0;
out:
  merge_compiler_free(m);
  if (arena) {
    jarena_use(was);
    jarena_free(arena);
  }
  free(added);
  free(notes);
  free(json);
  notice_release(&old);
  return rc;
}

/* The releases that lost to a stored one with the same id and date and are
 * not the same JSON value: stored again under an id of their own
 * (release_reused_id), with a copy of their tree and notes that say so
 * (its[i], a copy of the caller's items; trees[i], notes[i] and ids[i],
 * owned). The caller's tree is left alone: it may live in an arena this
 * thread does not allocate from. 0, or <0 with err. */
static int keep_reused(Store *st, ApplyItem *its, size_t n, int *res, const unsigned char *same, char **notes,
                       char **ids, cJSON **trees, ApplyCounts *c, Err *err) {
  size_t k = 0;
  for (size_t i = 0; i < n; i++) k += res[i] == STORE_CONFLICT && !same[i] && its[i].tree;
  if (!k) return 0;
  StoreRelease *sr = xmalloc(k * sizeof *sr);
  size_t *at = xmalloc(k * sizeof *at);
  int *res2 = xmalloc(k * sizeof *res2);
  unsigned char *known = xcalloc(k, 1);
  k = 0;
  for (size_t i = 0; i < n; i++) {
    if (res[i] != STORE_CONFLICT || same[i] || !its[i].tree) continue;
    char id[600];
    release_reused_id(its[i].sr.id, its[i].sr.hash, id, sizeof id);
    ids[i] = xstrdup(id);
    sr[k] = its[i].sr;
    sr[k].id = ids[i];
    at[k++] = i;
  }
  int rc = store_releases_add(st, sr, k, res2, known, NULL, NULL, err);
  for (size_t j = 0; rc == 0 && j < k; j++) {
    size_t i = at[j];
    if (res2[j] == STORE_UNCHANGED) { /* kept so before */
      res[i] = STORE_UNCHANGED;
      continue;
    }
    if (res2[j] != STORE_ADDED) continue; /* a clash of hashes: lost */
    unsigned rules = 0; /* release_reid adds its rule; the counts come from the ingest's own */
    notes[i] = its[i].notes ? xstrdup(its[i].notes) : NULL;
    if (!its[i].notes) c->reused_clean++;
    if (!(trees[i] = cJSON_Duplicate(its[i].tree, 1))) abort();
    release_reid(trees[i], ids[i], &notes[i], &rules);
    its[i].tree = trees[i];
    its[i].sr.id = ids[i];
    its[i].notes = notes[i];
    res[i] = res2[j];
    c->reused++;
  }
  free(known);
  free(res2);
  free(at);
  free(sr);
  return rc;
}

int apply_batch(Store *st, const ApplyItem *items_in, size_t n, const ApplyGroup *groups, size_t n_groups, time_t now,
                int *res, ApplyCounts *counts, Err *err) {
  ApplyItem *items = xmalloc((n ? n : 1) * sizeof *items);
  memcpy(items, items_in, n * sizeof *items);
  char **renotes = xcalloc(n ? n : 1, sizeof *renotes), **reids = xcalloc(n ? n : 1, sizeof *reids);
  cJSON **retrees = xcalloc(n ? n : 1, sizeof *retrees);
  StoreRelease *sr = xmalloc((n ? n : 1) * sizeof *sr);
  unsigned char *known = xcalloc(n ? n : 1, 1), *same = xcalloc(n ? n : 1, 1);
  const Notice **put = xmalloc((n_groups ? n_groups : 1) * sizeof *put);
  Notice *compiled = xcalloc(n_groups ? n_groups : 1, sizeof *compiled);
  size_t n_put = 0, n_compiled = 0;
  ApplyCounts c = {0};
  for (size_t i = 0; i < n; i++) sr[i] = items[i].sr;
  Conflicts cf = {items, same};
  int rc = store_releases_add(st, sr, n, res, known, on_conflict, &cf, err);
  if (rc == 0) rc = keep_reused(st, items, n, res, same, renotes, reids, retrees, &c, err);
  for (size_t gi = 0; rc == 0 && gi < n_groups; gi++) {
    const ApplyGroup *gr = &groups[gi];
    size_t n_added = 0, n_replaced = 0, last = 0, n_reid = 0;
    for (size_t i = gr->first; i < gr->first + gr->n; i++) {
      n_reid += retrees[i] != NULL; /* stored under an id of its own */
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
    if (gr->notice && !known[gr->first] && n_added == gr->n && !n_replaced && !n_reid) {
      put[n_put++] = gr->notice;
    } else {
      Notice *nt = &compiled[n_compiled++];
      notice_init(nt);
      rc = known[gr->first] && !n_replaced ? apply_onto(st, items, gr, res, items[last].sr.source, now, nt, err) : 1;
      if (rc == 1) {
        notice_release(nt);
        size_t left_out = 0; /* a release stored under older checks must not block the notice's new ones */
        rc = compile_stored(st, items[gr->first].sr.ocid, items[last].sr.source, now, nt, &left_out, err);
        c.stale += left_out;
      }
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
    counts->stale += c.stale;
    counts->reused += c.reused;
    counts->reused_clean += c.reused_clean;
  }
  for (size_t i = 0; i < n; i++) {
    free(renotes[i]);
    free(reids[i]);
    cJSON_Delete(retrees[i]);
  }
  free(renotes);
  free(reids);
  free(retrees);
  free(items);
  for (size_t i = 0; i < n_compiled; i++) notice_release(&compiled[i]);
  free(compiled);
  free(put);
  free(same);
  free(known);
  free(sr);
  return rc;
}

int apply_release_in(Store *st, const char *json, size_t len, const char *source, time_t now, int *stored, Err *err) {
  Release rel;
  int rc = release_parse(json, len, &rel, err);
  if (rc) return rc;
  ApplyItem it = {{rel.ocid, rel.id, rel.date, json, len, release_hash(json, len), source}, rel.root, rel.notes};
  ApplyGroup g = {0, 1, NULL};
  ApplyCounts counts = {0};
  rc = apply_batch(st, &it, 1, &g, 1, now, stored, &counts, err);
  release_release(&rel);
  return rc < 0 ? rc : 0;
}

int apply_release(Store *st, const char *json, size_t len, const char *source, time_t now, ApplyResult *res,
                  Err *err) {
  memset(res, 0, sizeof *res);
  int rc = store_begin(st, err);
  if (rc) return rc;
  if ((rc = apply_release_in(st, json, len, source, now, &res->stored, err))) {
    store_rollback(st);
    return rc;
  }
  if ((rc = store_commit(st, err))) return rc;
  return store_last_seq(st, &res->seq, err);
}

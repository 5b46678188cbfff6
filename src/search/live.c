/* live.c -- see live.h. */
#include <pthread.h>
#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "search/live.h"

#include "base/buf.h"

typedef struct Snap {
  SearchIndex *ix;
  int refs; /* searches using it, +1 while it is the current one */
  struct Snap *next; /* replaced snapshots still in use */
} Snap;

struct LiveIndex {
  char *db_url;
  Store *st;  /* the watcher's connection */
  Store *mst; /* the merger's */
  FILE *log;
  unsigned poll_ms;
  pthread_mutex_t mu; /* guards cur, old, stop, merge_wanted */
  pthread_cond_t cv, merge_cv;
  Snap *cur, *old;
  int stop, started, merger_started, merge_wanted;
  pthread_t thread, merger;
  pthread_mutex_t build_mu; /* one snapshot made at a time */
  pthread_mutex_t merge_mu; /* one merge at a time (and mst used by one thread) */
  double last_build_s;
};

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void say(LiveIndex *li, const SearchIndex *ix, const char *what) {
  if (!li->log) return;
  SearchIndexInfo in;
  search_index_info(ix, &in);
  fprintf(li->log,
          "powerhouse: search index: %s: %zu notices in %zu segments (%zu deltas, %zu replaced), %zu words, %zu postings, "
          "%.0f MB (change %lld)\n",
          what, in.notices, in.segments, in.deltas, in.replaced, in.words, in.postings, (double)in.bytes / 1048576.0,
          (long long)in.seq);
  fflush(li->log);
}

static void snap_drop(LiveIndex *li, Snap *s) { /* with mu held */
  if (--s->refs > 0) return;
  for (Snap **p = &li->old; *p; p = &(*p)->next)
    if (*p == s) {
      *p = s->next;
      break;
    }
  search_index_free(s->ix);
  free(s);
}

/* Makes ix the current snapshot (with build_mu held). */
static void install(LiveIndex *li, SearchIndex *ix) {
  Snap *s = xcalloc(1, sizeof *s);
  s->ix = ix;
  s->refs = 1;
  pthread_mutex_lock(&li->mu);
  Snap *prev = li->cur;
  li->cur = s;
  if (prev) {
    prev->next = li->old;
    li->old = prev;
    snap_drop(li, prev);
  }
  li->merge_wanted = 1;
  pthread_cond_signal(&li->merge_cv);
  pthread_mutex_unlock(&li->mu);
}

int live_index_refresh(LiveIndex *li, Err *err) {
  pthread_mutex_lock(&li->build_mu);
  int64_t seq;
  int rc = store_last_seq(li->st, &seq, err);
  if (rc) goto out;
  pthread_mutex_lock(&li->mu);
  const SearchIndex *cur = li->cur ? li->cur->ix : NULL; /* stays: only this thread (build_mu) replaces it */
  pthread_mutex_unlock(&li->mu);
  if (cur && seq == search_index_seq(cur)) goto out;
  SearchIndex *ix;
  double t0 = now_s();
  if ((rc = cur ? search_index_update(cur, li->st, &ix, err) : search_index_build(li->st, &ix, err))) goto out;
  if (cur) li->last_build_s = now_s() - t0; /* the first build is no measure of an update */
  else say(li, ix, "built");
  install(li, ix);
  rc = 1;
out:
  pthread_mutex_unlock(&li->build_mu);
  return rc;
}

/* Waits until the deadline poll_s from now, or a wake-up; with mu held. */
static void wait_for(LiveIndex *li, pthread_cond_t *cv, double wait_s) {
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  long long ns = until.tv_nsec + (long long)(wait_s * 1e9);
  until.tv_sec += (time_t)(ns / 1000000000);
  until.tv_nsec = (long)(ns % 1000000000);
  pthread_cond_timedwait(cv, &li->mu, &until);
}

static void *watch(void *arg) {
  LiveIndex *li = arg;
  pthread_mutex_lock(&li->mu);
  while (!li->stop) {
    /* wait a poll interval, and at least as long as the last update took */
    double wait_s = li->poll_ms / 1000.0;
    if (li->last_build_s > wait_s) wait_s = li->last_build_s;
    wait_for(li, &li->cv, wait_s);
    if (li->stop) break;
    pthread_mutex_unlock(&li->mu);
    Err err = ERR_INIT;
    if (live_index_refresh(li, &err) < 0 && li->log) {
      fprintf(li->log, "powerhouse: search index not brought up to date: %s\n", err.msg);
      fflush(li->log);
    }
    pthread_mutex_lock(&li->mu);
  }
  pthread_mutex_unlock(&li->mu);
  return NULL;
}

int live_index_merge(LiveIndex *li, Err *err) {
  pthread_mutex_lock(&li->merge_mu);
  const SearchIndex *ix = live_index_acquire(li);
  SearchMerge *m = ix ? search_index_merge_plan(ix) : NULL;
  live_index_release(li, ix);
  if (!m) {
    pthread_mutex_unlock(&li->merge_mu);
    return 0;
  }
  int rc = search_merge_build(m, li->mst, err);
  if (rc == 0) {
    pthread_mutex_lock(&li->build_mu);
    pthread_mutex_lock(&li->mu);
    const SearchIndex *cur = li->cur->ix;
    pthread_mutex_unlock(&li->mu);
    SearchIndex *nx = search_merge_install(cur, m);
    char what[200];
    search_merge_describe(m, what, sizeof what);
    say(li, nx, what);
    install(li, nx);
    pthread_mutex_unlock(&li->build_mu);
    rc = 1;
  }
  search_merge_free(m);
  pthread_mutex_unlock(&li->merge_mu);
  return rc;
}

/* The merger: after each new snapshot (and every few polls), merges while
 * there is something to merge; the watcher goes on adding deltas meanwhile. */
static void *merge_loop(void *arg) {
  LiveIndex *li = arg;
#ifdef __linux__
  /* below the server's threads: a merge reading a range again (a second or
   * so of one core) yields to the searches */
  setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10);
#endif
  pthread_mutex_lock(&li->mu);
  while (!li->stop) {
    if (!li->merge_wanted) wait_for(li, &li->merge_cv, 10 * li->poll_ms / 1000.0);
    li->merge_wanted = 0;
    if (li->stop) break;
    pthread_mutex_unlock(&li->mu);
    Err err = ERR_INIT;
    int rc;
    while ((rc = live_index_merge(li, &err)) > 0) {
    }
    if (rc < 0 && li->log) {
      fprintf(li->log, "powerhouse: search index not merged: %s\n", err.msg);
      fflush(li->log);
    }
    pthread_mutex_lock(&li->mu);
  }
  pthread_mutex_unlock(&li->mu);
  return NULL;
}

int live_index_start(const char *db_url, unsigned poll_ms, FILE *log, LiveIndex **out, Err *err) {
  *out = NULL;
  LiveIndex *li = xcalloc(1, sizeof *li);
  li->db_url = xstrdup(db_url);
  li->log = log;
  li->poll_ms = poll_ms ? poll_ms : 100; /* one cheap read of the change sequence */
  pthread_mutex_init(&li->mu, NULL);
  pthread_mutex_init(&li->build_mu, NULL);
  pthread_mutex_init(&li->merge_mu, NULL);
  pthread_cond_init(&li->cv, NULL);
  pthread_cond_init(&li->merge_cv, NULL);
  int rc = store_open(db_url, STORE_READONLY, &li->st, err);
  if (rc == 0) rc = store_open(db_url, STORE_READONLY, &li->mst, err);
  if (rc == 0 && (rc = live_index_refresh(li, err)) > 0) rc = 0;
  if (rc == 0 && pthread_create(&li->thread, NULL, watch, li) == 0) li->started = 1;
  else if (rc == 0) rc = err_set(err, ERR_IO, "cannot start the search index thread");
  if (rc == 0 && pthread_create(&li->merger, NULL, merge_loop, li) == 0) li->merger_started = 1;
  else if (rc == 0) rc = err_set(err, ERR_IO, "cannot start the search index thread");
  if (rc) {
    live_index_stop(li);
    return rc;
  }
  *out = li;
  return 0;
}

void live_index_stop(LiveIndex *li) {
  if (!li) return;
  pthread_mutex_lock(&li->mu);
  li->stop = 1;
  pthread_cond_broadcast(&li->cv);
  pthread_cond_broadcast(&li->merge_cv);
  pthread_mutex_unlock(&li->mu);
  if (li->started) pthread_join(li->thread, NULL);
  if (li->merger_started) pthread_join(li->merger, NULL);
  if (li->cur) {
    search_index_free(li->cur->ix);
    free(li->cur);
  }
  while (li->old) { /* searches should be over; free what is left */
    Snap *s = li->old;
    li->old = s->next;
    search_index_free(s->ix);
    free(s);
  }
  store_close(li->st);
  store_close(li->mst);
  pthread_mutex_destroy(&li->mu);
  pthread_mutex_destroy(&li->build_mu);
  pthread_mutex_destroy(&li->merge_mu);
  pthread_cond_destroy(&li->cv);
  pthread_cond_destroy(&li->merge_cv);
  free(li->db_url);
  free(li);
}

const SearchIndex *live_index_acquire(LiveIndex *li) {
  pthread_mutex_lock(&li->mu);
  Snap *s = li->cur;
  if (s) s->refs++;
  pthread_mutex_unlock(&li->mu);
  return s ? s->ix : NULL;
}

int64_t live_index_seq(LiveIndex *li) {
  pthread_mutex_lock(&li->mu);
  int64_t seq = li->cur ? search_index_seq(li->cur->ix) : -1;
  pthread_mutex_unlock(&li->mu);
  return seq;
}

void live_index_release(LiveIndex *li, const SearchIndex *ix) {
  if (!ix) return;
  pthread_mutex_lock(&li->mu);
  if (li->cur && li->cur->ix == ix) snap_drop(li, li->cur);
  else
    for (Snap *s = li->old; s; s = s->next)
      if (s->ix == ix) {
        snap_drop(li, s);
        break;
      }
  pthread_mutex_unlock(&li->mu);
}

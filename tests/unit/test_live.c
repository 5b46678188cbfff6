/* test_live.c -- the live index (search/live.h) swapping snapshots under
 * concurrent searches while the store changes. Four threads search without a
 * pause, each on its own read connection, while the main thread ingests new
 * notices through the ordinary ingest in batches; the live index's own thread
 * notices each change and swaps a new snapshot in. Checked:
 *  - every search runs on one consistent snapshot: two searches on snapshots
 *    of the same change sequence give the same totals, and a snapshot's total
 *    of every notice is its notice count;
 *  - a thread never sees the index go back (change sequence, totals);
 *  - the searches really ran across swaps (several snapshots seen) and every
 *    batch became searchable; at the end the index holds every stored notice;
 *  - replaced snapshots are freed once their last search is done (ASan,
 *    valgrind), and there is no data race (the ThreadSanitizer build, `make
 *    tsan`, runs this test). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../tap.h"
#include "base/buf.h"
#include "base/url.h"
#include "ingest/ingest.h"
#include "ocds/gen.h"
#include "search/index.h"
#include "search/live.h"

#define NOW 1795000000 /* 2026-11-18 */
#define THREADS 4
#define BATCHES 5
#define FIRST_NOTICES 150
#define BATCH_NOTICES 40
#define MAX_SEQS 64

static int set_param(void *ctx, const char *name, const char *value, Err *err) {
  return query_set(ctx, name, value, err) == ERR_USAGE ? ERR_USAGE : 0;
}

static int parse(Query *q, const char *qs) {
  Err err = ERR_INIT;
  query_init(q);
  if (url_query_parse(qs, strlen(qs), 64, 4096, set_param, q, &err) || query_finish(q, NOW, &err)) {
    printf("# query %s: %s\n", qs, err.msg);
    query_release(q);
    return -1;
  }
  return 0;
}

static const char *const QUERIES[] = {"limit=5", "q=services&limit=5", "status=open&sort=closing&limit=5"};
#define N_QUERIES (sizeof QUERIES / sizeof *QUERIES)

/* What one change sequence's snapshot answered, first come first kept. */
static struct {
  pthread_mutex_t mu;
  int64_t seq[MAX_SEQS];
  long long total[MAX_SEQS][N_QUERIES];
  size_t n;
  int mismatches;
} seen = {.mu = PTHREAD_MUTEX_INITIALIZER};

static void record(int64_t seq, size_t qi, long long total) {
  pthread_mutex_lock(&seen.mu);
  size_t i = 0;
  while (i < seen.n && seen.seq[i] != seq) i++;
  if (i == seen.n && seen.n < MAX_SEQS) {
    seen.seq[seen.n] = seq;
    for (size_t k = 0; k < N_QUERIES; k++) seen.total[seen.n][k] = -1;
    seen.n++;
  }
  if (i < seen.n) {
    if (seen.total[i][qi] < 0) seen.total[i][qi] = total;
    else if (seen.total[i][qi] != total) {
      printf("# change %lld, %s: total %lld, earlier %lld\n", (long long)seq, QUERIES[qi], total,
             seen.total[i][qi]);
      seen.mismatches++;
    }
  }
  pthread_mutex_unlock(&seen.mu);
}

static LiveIndex *li;
static const char *db_path;
static atomic_int stop_searching;

typedef struct {
  long searches, errors, went_back, wrong_count, no_title;
} Searcher;

static void *search_loop(void *arg) {
  Searcher *me = arg;
  Store *st = NULL;
  Err err = ERR_INIT;
  if (store_open(db_path, STORE_READONLY, &st, &err)) {
    printf("# searcher: %s\n", err.msg);
    me->errors++;
    return NULL;
  }
  Query qs[N_QUERIES];
  for (size_t k = 0; k < N_QUERIES; k++)
    if (parse(&qs[k], QUERIES[k])) me->errors++;
  int64_t last_seq = -1;
  long long last_total[N_QUERIES] = {0};
  while (!me->errors && !atomic_load(&stop_searching)) {
    const SearchIndex *ix = live_index_acquire(li);
    SearchIndexInfo info;
    search_index_info(ix, &info);
    if (info.seq < last_seq) me->went_back++;
    for (size_t k = 0; k < N_QUERIES; k++) {
      StoreResults res;
      if (search_index_search(ix, st, &qs[k], NOW, &res, &err)) {
        printf("# search %s: %s\n", QUERIES[k], err.msg);
        me->errors++;
        break;
      }
      me->searches++;
      record(info.seq, k, res.total);
      if (k == 0 && res.total != (long long)info.notices) me->wrong_count++;
      if (info.seq >= last_seq && res.total < last_total[k]) me->went_back++;
      last_total[k] = res.total;
      for (size_t h = 0; h < res.n; h++)
        if (!res.hits[h].title) me->no_title++;
      store_results_release(&res);
    }
    last_seq = info.seq;
    live_index_release(li, ix);
  }
  for (size_t k = 0; k < N_QUERIES; k++) query_release(&qs[k]);
  store_close(st);
  return NULL;
}

static int ingest_batch(Store *st, const char *prefix, uint64_t seed, int notices) {
  GenOptions g = {.seed = seed, .now = NOW, .ocid_prefix = prefix};
  Gen *gen = gen_new(&g);
  Buf b = BUF_INIT;
  for (int i = 0; i < notices; i++) gen_next_notice(gen, &b);
  gen_free(gen);
  IngestOptions opt = {0};
  opt.now = NOW;
  opt.report = fopen("/dev/null", "w");
  IngestStats stats;
  Err err = ERR_INIT;
  int rc = ingest_buffer(st, "generated.jsonl", b.data, b.len, &opt, &stats, &err);
  if (rc) printf("# ingest: %s\n", err.msg);
  fclose(opt.report);
  buf_release(&b);
  return rc;
}

static int64_t live_seq(void) {
  const SearchIndex *ix = live_index_acquire(li);
  int64_t seq = search_index_seq(ix);
  live_index_release(li, ix);
  return seq;
}

/* Waits (at most 60 s: a sanitizer build on a shared machine is slow) until the
 * live index's own thread has caught up with seq. */
static int wait_for(int64_t seq) {
  for (int i = 0; i < 6000; i++) {
    if (live_seq() == seq) return 1;
    usleep(10000);
  }
  return 0;
}

int main(void) {
  char path[] = "/tmp/test_live_XXXXXX";
  int fd = mkstemp(path);
  close(fd);
  unlink(path);
  db_path = path;
  Store *w = NULL;
  Err err = ERR_INIT;
  if (!ok(store_open(path, 0, &w, &err) == 0, "a store to write to")) {
    printf("# %s\n", err.msg);
    return done_testing();
  }
  ok(ingest_batch(w, "ocds-live0", 1, FIRST_NOTICES) == 0, "first notices ingested");
  /* small segments, so that the merger merges deltas and reads ranges
   * again while the searches run */
  search_index_set_limits(64, 30, 2);
  if (!ok(live_index_start(path, 5, NULL, &li, &err) == 0, "live index started")) {
    printf("# %s\n", err.msg);
    return done_testing();
  }

  pthread_t th[THREADS];
  Searcher s[THREADS];
  memset(s, 0, sizeof s);
  int started = 0;
  for (int i = 0; i < THREADS; i++) started += pthread_create(&th[i], NULL, search_loop, &s[i]) == 0;
  is_int(started, THREADS, "%d search threads started", THREADS);

  int caught_up = 0;
  int64_t seq = -1;
  for (int b = 1; b <= BATCHES; b++) {
    char prefix[32];
    snprintf(prefix, sizeof prefix, "ocds-live%d", b);
    if (ingest_batch(w, prefix, (uint64_t)b + 1, BATCH_NOTICES)) break;
    store_last_seq(w, &seq, &err);
    caught_up += wait_for(seq);
  }
  is_int(caught_up, BATCHES, "each of %d batches became searchable (the index's thread swapped it in)", BATCHES);
  usleep(50000); /* a few more searches on the last snapshot */
  atomic_store(&stop_searching, 1);
  for (int i = 0; i < started; i++) pthread_join(th[i], NULL);

  Searcher all = {0};
  int every_thread_searched = 1;
  for (int i = 0; i < THREADS; i++) {
    all.searches += s[i].searches;
    all.errors += s[i].errors;
    all.went_back += s[i].went_back;
    all.wrong_count += s[i].wrong_count;
    all.no_title += s[i].no_title;
    every_thread_searched &= s[i].searches > 0;
  }
  printf("# %ld searches on %zu snapshots\n", all.searches, seen.n);
  ok(every_thread_searched, "every thread searched");
  is_int(all.errors, 0, "no search failed");
  ok(seen.n >= 3, "searches ran across swaps (%zu snapshots seen, want at least 3)", seen.n);
  is_int(seen.mismatches, 0, "searches on one change sequence agree: each runs on one consistent snapshot");
  is_int(all.wrong_count, 0, "a snapshot's total of every notice is its notice count");
  is_int(all.went_back, 0, "no thread saw the index go back (change sequence or totals)");
  is_int(all.no_title, 0, "every hit's text is read from the store");

  StoreStats ss;
  store_stats(w, &ss, &err);
  const SearchIndex *ix = live_index_acquire(li);
  SearchIndexInfo info;
  search_index_info(ix, &info);
  live_index_release(li, ix);
  is_int(ss.notices, FIRST_NOTICES + BATCHES * BATCH_NOTICES, "the store holds every notice ingested");
  is_int((long long)info.notices, ss.notices, "the live index holds every stored notice");
  is_int(info.seq, ss.last_seq, "the live index reflects the store's last change");
  is_int(live_index_refresh(li, &err), 0, "a refresh with nothing new builds nothing");
  while (live_index_merge(li, &err) > 0) {
  }
  ix = live_index_acquire(li);
  search_index_info(ix, &info);
  live_index_release(li, ix);
  printf("# after the merges: %zu segments, %zu deltas, %zu replaced\n", info.segments, info.deltas, info.replaced);
  ok(info.segments >= (size_t)(ss.notices + 63) / 64 && info.deltas <= 2, "the merger read the new notices into ranges of 64");
  is_int((long long)info.notices, ss.notices, "after the merges, the index still holds every stored notice");
  search_index_set_limits(0, 0, 0);

  live_index_stop(li);
  store_close(w);
  tap_unlink_db(path);
  return done_testing();
}

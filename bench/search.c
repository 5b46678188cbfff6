/* bench/search.c -- the search benchmark (issues: search latency at scale;
 * search at scale on hard queries).
 *
 * Runs a fixed, deterministic mix of searches against a store of generated
 * notices (the one bench/ingest builds, var/bench/ingest.db: ~513k notices
 * from its default 1M releases, 1M notices from --releases 1950000). The
 * in-memory index is built first; then three phases:
 *   1. store: store_search() on a read-only Store, one thread, each call
 *      timed -- the store's own engine (SQLite FTS5 + SQL, or PostgreSQL);
 *   2. index: search_index_search(), one thread, each query run twice in a
 *      row: on the index's exhaustive paths (search_index_set_exhaustive,
 *      the algorithm before word bitmaps: the baseline) and as it is;
 *   3. HTTP: the real portal (app_serve, web/app.h) in this process on
 *      127.0.0.1, driven through GET /api/v1/notices?... by --concurrency
 *      client threads on keep-alive HTTP/1.1 sockets, each request timed from
 *      the first byte sent to the last byte of the body received; twice, the
 *      server on the exhaustive paths and then as it is.
 * Reports p50, p99, max and requests/s for each, and per query class.
 *
 * What is checked (a failed check fails the run): in phase 2, every total
 * against the store's engine's from phase 1, and every page of the index
 * (ocids, scores to the bit, has_more) against the exhaustive path's page
 * of the same query; in phase 3, every answer is a 200 whose "total" equals
 * the store's engine's -- or, with --no-store, the index's (phase 2), and
 * the run says which. Phases 1 and 2 run every query of the mix at least
 * once, however long that takes, so every total is checked; then they go
 * on until --seconds is used up or 5 passes are done.
 *
 * Two mixes (--queries N of them, from a seeded PRNG: same seed, same mix):
 *   standard (default): words that occur in the generated titles and
 *     descriptions (ocds/gen.c), in four classes:
 *     common    one or two frequent words or a frequent phrase (20k-400k of
 *               the 513k notices match), sorted by relevance, no filters;
 *     filtered  the same keywords with one to three filters (status=open,
 *               region, cpv, value_min, closing_within, sme=true), sorted
 *               by relevance, closing date or newest;
 *     rare      a word or phrase that matches few notices (a town, a buyer,
 *               a niche product; 0-10k notices), alone or next to a frequent
 *               word, with or without filters, any sort;
 *     browse    filters only, no keywords, newest or closing first.
 *   and (--mix and): the hard queries -- ANDs of two or three words each
 *     held by 20-90% of the notices, by relevance, half of them with one to
 *     three of the filters above. The words are not picked by hand: every
 *     word of the index in that range (letters only) is a candidate, and the
 *     PRNG draws from them (make_and_mix).
 * "Now" is fixed at the generator's (2026-11-18), so status=open and
 * closing_within select the same notices whenever the benchmark runs.
 *
 * Phases 1 and 2 first warm the page cache (the mix from the start, untimed,
 * for at most a quarter of --seconds). With more clients than server threads
 * (8 against one per core), HTTP latency is mostly waiting in line behind
 * slow searches: --concurrency 1 shows the HTTP layer's own cost.
 * Targets: standard mix over HTTP, p99 <= 20 ms and p50 <= 3 ms; and mix,
 * every query <= 3 ms on one thread and p99 <= 20 ms over HTTP.
 *
 *   build/opt/bench/search [--db URL] [--mix standard|and] [--queries N]
 *                          [--concurrency N] [--seconds N] [--seed N]
 *                          [--no-store]
 * (~4 minutes with the defaults on the standard mix: 200 queries, 8 clients,
 * 60 s a phase; phase 1 on the and mix at 1M notices takes longer: the
 * store's engine spends seconds on each of those queries). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/jarena.h"
#include "base/num.h"
#include "base/url.h"
#include "search/index.h"
#include "search/live.h"
#include "search/query.h"
#include "store/store.h"
#include "web/app.h"

#define BENCH_NOW 1795000000 /* 2026-11-18, the "now" bench/ingest generated with */
#define MAX_PASSES 5
#define TARGET_P99_MS 20.0
#define TARGET_P50_MS 3.0
#define TARGET_QUERY_MS 3.0 /* the hard mix, each query on one thread */

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* ---- the mix ------------------------------------------------------------ */

enum { C_COMMON, C_FILTERED, C_RARE, C_BROWSE, C_COUNT };
static const char *const STANDARD_CLASSES[C_COUNT] = {"common", "filtered", "rare", "browse"};
enum { C_AND2, C_AND3, C_AND2F, C_AND3F }; /* the classes of --mix and */
static const char *const AND_CLASSES[C_COUNT] = {"2 words", "3 words", "2 + filt", "3 + filt"};
static const char *const *CLASS_NAMES = STANDARD_CLASSES;

/* Matches among the 513k notices of the 1M-release store are noted where
 * they make the point. */
static const char *const COMMON[] = {
    "software" /* 152k */, "digital" /* 81k */,  "data" /* 116k */,      "support" /* 178k */,
    "services" /* 399k */, "management",         "system",               "security",
    "network",             "cloud",              "microsoft",            "website",
    "training",            "hosting",            "analytics",            "\"cyber security\"",
    "\"data platform\"",   "\"managed service\"", "cyber security",      "data platform",
    "cloud hosting",       "digital transformation",
};
static const char *const RARE[] = {
    "telecare" /* 6k */, "intranet",    "chromebooks", "siem",           "wordpress",     "drupal",
    "erp",               "crm",         "kirklees",    "calderdale",     "lancaster",     "lorawan",
    "kendal" /* 859 */,  "grimsby",     "ormskirk",    "scunthorpe",     "hartlepool",    "barnsley",
    "carlisle",          "beverley",    "morpeth",     "torus",          "livv",          "prescribing",
    "lifeline",          "humidity",    "footfall",    "rostering",      "digitisation",  "\"virtual ward\"",
    "\"penetration testing\"", "\"smart city\"", "sd-wan", "blockchain" /* 0 */, "quantum", "falls detection",
};
static const char *const REGIONS[] = {"TLD", "TLE", "TLC", "TLD,TLE"};
static const char *const CPVS[] = {"72", "48", "722", "30", "85"};
static const char *const VALUES[] = {"50000", "100000", "250000", "1000000"};
static const char *const WITHIN[] = {"14", "30", "60"};

/* How a search runs: on the store's own engine, on the index by its
 * exhaustive paths (search_index_set_exhaustive: the algorithm before word
 * bitmaps, the baseline), or on the index as it is. */
enum { M_STORE, M_EXHAUSTIVE, M_INDEX, M_COUNT };
static const char *const MODE_NAMES[M_COUNT] = {"store_search()", "index, exhaustive (before)", "index"};

typedef struct {
  int cls;
  char *qs;              /* the query string, without '?' */
  long long store_total; /* matches by the store's engine (phase 1); -1 until it ran there */
  long long index_total; /* by the index (phase 2); -1 until then */
  uint64_t page;         /* a hash of the exhaustive path's last page (ocids, scores) */
  double lat[M_COUNT][MAX_PASSES]; /* latency of each timed run, ms */
  int n_lat[M_COUNT];
} Item;

typedef struct {
  uint64_t s;
} Rng;
static uint64_t rng_next(Rng *r) { /* splitmix64 */
  uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
static unsigned rng_below(Rng *r, unsigned n) { return (unsigned)(rng_next(r) % n); }
#define PICK(r, a) ((a)[rng_below((r), sizeof(a) / sizeof((a)[0]))])

/* Adds 1..max distinct filters. */
static void add_filters(Rng *r, Buf *qs, int max) {
  int n = 1 + (int)rng_below(r, (unsigned)max);
  unsigned used = 0;
  while (n > 0) {
    unsigned f = rng_below(r, 6);
    if (used & (1u << f)) continue;
    used |= 1u << f;
    n--;
    switch (f) {
    case 0: url_query_add(qs, "status", "open"); break;
    case 1: url_query_add(qs, "region", PICK(r, REGIONS)); break;
    case 2: url_query_add(qs, "cpv", PICK(r, CPVS)); break;
    case 3: url_query_add(qs, "value_min", PICK(r, VALUES)); break;
    case 4: url_query_add(qs, "closing_within", PICK(r, WITHIN)); break;
    default: url_query_add(qs, "sme", "true"); break;
    }
  }
}

static void make_mix(Item *items, int n, uint64_t seed) {
  Rng r = {seed};
  static const char *const sorts[] = {"relevance", "closing", "newest"};
  for (int i = 0; i < n; i++) {
    Buf qs = BUF_INIT, words = BUF_INIT;
    unsigned roll = rng_below(&r, 100);
    int cls = roll < 35 ? C_COMMON : roll < 70 ? C_FILTERED : roll < 90 ? C_RARE : C_BROWSE;
    if (cls == C_COMMON || cls == C_FILTERED) {
      const char *w = PICK(&r, COMMON), *w2 = PICK(&r, COMMON);
      buf_adds(&words, w);
      if (rng_below(&r, 4) == 0 && w2 != w) buf_addf(&words, " %s", w2);
    } else if (cls == C_RARE) {
      buf_adds(&words, PICK(&r, RARE));
      if (rng_below(&r, 3) == 0) buf_addf(&words, " %s", PICK(&r, COMMON));
    }
    if (words.len) url_query_add(&qs, "q", words.data);
    if (cls == C_FILTERED || cls == C_BROWSE || (cls == C_RARE && rng_below(&r, 2))) add_filters(&r, &qs, 3);
    if (cls == C_FILTERED || cls == C_RARE) url_query_add(&qs, "sort", sorts[rng_below(&r, 3)]);
    if (cls == C_BROWSE) url_query_add(&qs, "sort", sorts[1 + rng_below(&r, 2)]);
    items[i].cls = cls;
    items[i].qs = buf_detach(&qs, NULL);
    items[i].store_total = items[i].index_total = -1;
    buf_release(&words);
  }
}

/* The hard mix (--mix and): ANDs of two or three common words -- each held
 * by 20-90% of the notices -- by relevance, half of them with one to three
 * filters. The words are not picked by hand: they are every word of the
 * index within that range (letters only; "or" is the operator), sorted, and
 * the seeded PRNG draws from them. */
typedef struct {
  char **w;
  size_t n, cap;
} Words;
static void add_word(void *ctx, const char *w, size_t df) {
  Words *ws = ctx;
  (void)df;
  if (strspn(w, "abcdefghijklmnopqrstuvwxyz") != strlen(w) || strcmp(w, "or") == 0) return;
  if (ws->n == ws->cap) {
    ws->cap = ws->cap ? 2 * ws->cap : 64;
    ws->w = xrealloc(ws->w, ws->cap * sizeof *ws->w);
  }
  ws->w[ws->n++] = xstrdup(w);
}
static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int make_and_mix(Item *items, int n, uint64_t seed, const SearchIndex *ix) {
  SearchIndexInfo info;
  search_index_info(ix, &info);
  Words ws = {0};
  search_index_each_word(ix, (info.notices * 2 + 9) / 10, info.notices * 9 / 10, add_word, &ws);
  if (ws.n < 3) {
    fprintf(stderr, "bench: fewer than 3 words held by 20-90%% of %zu notices\n", info.notices);
    free(ws.w);
    return -1;
  }
  qsort(ws.w, ws.n, sizeof *ws.w, cmp_str);
  printf("  the hard mix draws from the %zu words held by 20-90%% of the %zu notices:", ws.n, info.notices);
  for (size_t i = 0; i < ws.n; i++) printf(" %s", ws.w[i]);
  printf("\n");
  Rng r = {seed};
  for (int i = 0; i < n; i++) {
    Buf qs = BUF_INIT, words = BUF_INIT;
    int three = (int)rng_below(&r, 2), filters = (int)rng_below(&r, 2);
    size_t pick[3];
    for (int k = 0; k < 2 + three; k++) {
      int again;
      do { /* distinct words */
        pick[k] = rng_below(&r, (unsigned)ws.n);
        again = 0;
        for (int j = 0; j < k; j++) again |= pick[j] == pick[k];
      } while (again);
      buf_addf(&words, "%s%s", k ? " " : "", ws.w[pick[k]]);
    }
    url_query_add(&qs, "q", words.data);
    if (filters) add_filters(&r, &qs, 3);
    url_query_add(&qs, "sort", "relevance");
    items[i].cls = filters ? (three ? C_AND3F : C_AND2F) : (three ? C_AND3 : C_AND2);
    items[i].qs = buf_detach(&qs, NULL);
    items[i].store_total = items[i].index_total = -1;
    buf_release(&words);
  }
  for (size_t i = 0; i < ws.n; i++) free(ws.w[i]);
  free(ws.w);
  return 0;
}

/* ---- statistics --------------------------------------------------------- */

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted v[0..n). */
static double pct(const double *v, size_t n, double p) {
  if (!n) return 0;
  size_t k = (size_t)(p / 100.0 * (double)n + 0.999999);
  if (k < 1) k = 1;
  if (k > n) k = n;
  return v[k - 1];
}

typedef struct {
  double *v;
  size_t n, cap;
} Samples;
static void samples_add(Samples *s, double x) {
  if (s->n == s->cap) {
    s->cap = s->cap ? 2 * s->cap : 256;
    s->v = xrealloc(s->v, s->cap * sizeof *s->v);
  }
  s->v[s->n++] = x;
}

/* Prints one row: count, p50, p99, max, mean. */
static void row(const char *label, Samples *s) {
  qsort(s->v, s->n, sizeof *s->v, cmp_double);
  double sum = 0;
  for (size_t i = 0; i < s->n; i++) sum += s->v[i];
  printf("  %-10s %7zu %9.2f %9.2f %9.2f %9.2f\n", label, s->n, pct(s->v, s->n, 50), pct(s->v, s->n, 99),
         s->n ? s->v[s->n - 1] : 0.0, s->n ? sum / (double)s->n : 0.0);
}
static void header(void) { printf("  %-10s %7s %9s %9s %9s %9s\n", "class", "n", "p50 ms", "p99 ms", "max ms", "mean ms"); }

/* ---- phases 1 and 2: one thread ------------------------------------------ */

static int set_param(void *ctx, const char *name, const char *value, Err *err) {
  return query_set(ctx, name, value, err);
}

/* A page as a hash: its total, has_more, and each hit's ocid and score (the
 * score's bits: pruned and exhaustive paths must give the same doubles). */
static uint64_t page_hash(const StoreResults *r) {
  uint64_t h = 1469598103934665603ull;
#define MIX(p, len)                                                                                                    \
  for (size_t k_ = 0; k_ < (len); k_++) h = (h ^ ((const unsigned char *)(p))[k_]) * 1099511628211ull
  MIX(&r->total, sizeof r->total);
  MIX(&r->has_more, sizeof r->has_more);
  for (size_t i = 0; i < r->n; i++) {
    MIX(r->hits[i].ocid, strlen(r->hits[i].ocid) + 1);
    MIX(&r->hits[i].score, sizeof r->hits[i].score);
  }
#undef MIX
  return h;
}

/* What the checks found. */
static long long differ_store;  /* index totals differing from the store's */
static long long differ_pages;  /* index pages differing from the exhaustive path's (same run) */

/* One search in mode m; its latency in ms, or a negative value on error.
 * The index modes (ix) check the total against the store's when known and
 * the pruned page against the exhaustive one just before it. */
static double run_one(Store *st, const SearchIndex *ix, int m, Item *it) {
  Query q;
  Err err = ERR_INIT;
  StoreResults res;
  query_init(&q);
  if (m != M_STORE) search_index_set_exhaustive(m == M_EXHAUSTIVE);
  double t0 = now_s();
  if (url_query_parse(it->qs, strlen(it->qs), URL_QUERY_MAX_PAIRS, URL_QUERY_MAX_LEN, set_param, &q, &err) ||
      query_finish(&q, BENCH_NOW, &err) ||
      (m != M_STORE ? search_index_search(ix, st, &q, BENCH_NOW, &res, &err)
                    : store_search(st, &q, BENCH_NOW, &res, &err))) {
    fprintf(stderr, "bench: %s: %s\n", it->qs, err.msg);
    query_release(&q);
    return -1;
  }
  double ms = (now_s() - t0) * 1e3;
  search_index_set_exhaustive(0);
  if (m == M_STORE) {
    it->store_total = res.total;
  } else {
    if (it->store_total >= 0 && it->store_total != res.total && differ_store++ < 3)
      fprintf(stderr, "bench: %s: total %lld, the store's %lld\n", it->qs, res.total, it->store_total);
    uint64_t h = page_hash(&res);
    if (m == M_EXHAUSTIVE) it->page = h;
    else if (h != it->page && differ_pages++ < 3)
      fprintf(stderr, "bench: %s: the page differs from the exhaustive path's\n", it->qs);
    it->index_total = res.total;
  }
  store_results_release(&res);
  query_release(&q);
  return ms;
}

typedef struct {
  double p50, p99, max, rps;
  double worst_median, worst_best; /* the slowest query's median, and its fastest run, over its runs */
  long long n, errors;
} Summary;

static Summary summarise(Samples *all) {
  Summary s = {0};
  qsort(all->v, all->n, sizeof *all->v, cmp_double);
  s.p50 = pct(all->v, all->n, 50);
  s.p99 = pct(all->v, all->n, 99);
  s.max = all->n ? all->v[all->n - 1] : 0;
  s.n = (long long)all->n;
  return s;
}

static double median_of(const Item *it, int m) {
  double v[MAX_PASSES];
  memcpy(v, it->lat[m], sizeof v);
  qsort(v, (size_t)it->n_lat[m], sizeof *v, cmp_double);
  return v[it->n_lat[m] / 2];
}

/* Prints mode m's figures, per class, and its slowest queries. */
static Summary report(Item *items, int n, int m, double busy_ms) {
  printf("  %s:\n", MODE_NAMES[m]);
  header();
  Samples all = {0}, cls[C_COUNT] = {{0}};
  for (int i = 0; i < n; i++)
    for (int p = 0; p < items[i].n_lat[m]; p++) {
      samples_add(&all, items[i].lat[m][p]);
      samples_add(&cls[items[i].cls], items[i].lat[m][p]);
    }
  for (int c = 0; c < C_COUNT; c++) row(CLASS_NAMES[c], &cls[c]);
  row("all", &all);
  Summary sum = summarise(&all);
  sum.rps = busy_ms > 0 ? (double)all.n / (busy_ms / 1e3) : 0;
  printf("  %.1f searches/s (one thread)\n", sum.rps);

  /* the slowest queries, by their median over the passes */
  double *med = xcalloc((size_t)n, sizeof *med);
  int *order = xcalloc((size_t)n, sizeof *order), k = 0;
  for (int i = 0; i < n; i++) {
    if (!items[i].n_lat[m]) continue;
    med[i] = median_of(&items[i], m);
    if (med[i] > sum.worst_median) sum.worst_median = med[i];
    double best = items[i].lat[m][0];
    for (int p = 1; p < items[i].n_lat[m]; p++)
      if (items[i].lat[m][p] < best) best = items[i].lat[m][p];
    if (best > sum.worst_best) sum.worst_best = best;
    order[k++] = i;
  }
  for (int i = 1; i < k; i++) /* insertion sort, slowest first; k is small */
    for (int j = i; j > 0 && med[order[j]] > med[order[j - 1]]; j--) {
      int t = order[j];
      order[j] = order[j - 1];
      order[j - 1] = t;
    }
  printf("  the slowest query: median %.2f ms, fastest run %.2f ms (a shared machine's preemptions show in medians and\n"
         "  maxima, not in a query's fastest run)\n", sum.worst_median, sum.worst_best);
  printf("  slowest searches (median ms, matches, class, query; repeats of a query in the mix shown once):\n");
  for (int j = 0, shown = 0; j < k && shown < 8; j++) {
    int seen = 0;
    for (int x = 0; x < j && !seen; x++) seen = strcmp(items[order[x]].qs, items[order[j]].qs) == 0;
    if (seen) continue;
    const Item *it = &items[order[j]];
    printf("    %8.2f %7lld  %-8s %s\n", med[order[j]], m == M_STORE ? it->store_total : it->index_total,
           CLASS_NAMES[it->cls], it->qs);
    shown++;
  }
  free(med);
  free(order);
  free(all.v);
  for (int c = 0; c < C_COUNT; c++) free(cls[c].v);
  return sum;
}

/* Runs the mix in each of the modes, one query at a time in all of them
 * before the next (so a busy moment on a shared machine falls on both),
 * timing each: at least one whole pass -- every query's total is checked --
 * then until seconds are used up or MAX_PASSES passes are done. */
static int phase_one_thread(const char *db, const SearchIndex *ix, const char *title, const int *modes, int n_modes,
                            Item *items, int n, double seconds, Summary *sums) {
  Store *st = NULL;
  Err err = ERR_INIT;
  if (store_open(db, STORE_READONLY, &st, &err)) {
    fprintf(stderr, "bench: %s\n", err.msg);
    return -1;
  }
  int rc = 0, warmed = 0;
  /* warm-up: the page cache and this connection's; a quarter of the budget at most */
  double w0 = now_s();
  while (warmed < n && (warmed == 0 || now_s() - w0 < seconds / 4)) {
    for (int k = 0; k < n_modes; k++)
      if (run_one(st, ix, modes[k], &items[warmed]) < 0) rc = -1;
    warmed++;
  }
  double warm = now_s() - w0;
  if (rc) goto out;
  long long runs = 0, limit = (long long)n * MAX_PASSES;
  double t0 = now_s(), busy[M_COUNT] = {0};
  for (int i = 0; i < n; i++) memset(items[i].n_lat, 0, sizeof items[i].n_lat);
  for (; runs < limit && (runs < n || now_s() - t0 < seconds); runs++) {
    Item *it = &items[runs % n];
    for (int k = 0; k < n_modes; k++) {
      double ms = run_one(st, ix, modes[k], it);
      if (ms < 0) {
        rc = -1;
        goto out;
      }
      it->lat[modes[k]][it->n_lat[modes[k]]++] = ms;
      busy[modes[k]] += ms;
    }
  }
  double elapsed = now_s() - t0;
  printf("\n%s, 1 thread: %lld runs of each query in the mix (%.2f passes, every query at least once) in %.1f s; "
         "warm-up %d in %.1f s\n",
         title, runs, (double)runs / n, elapsed, warmed, warm);
  for (int k = 0; k < n_modes; k++) sums[k] = report(items, n, modes[k], busy[modes[k]]);
out:
  store_close(st);
  return rc;
}

/* ---- phase 3: HTTP ------------------------------------------------------ */

typedef struct {
  App app;
  char listen[32];
  int rc;
  Err err;
} ServerArgs;

static void *server_main(void *argp) {
  ServerArgs *a = argp;
  FILE *log = fopen("/dev/null", "w");
  a->rc = app_serve(&a->app, a->listen, log, &a->err);
  if (log) fclose(log);
  return NULL;
}

/* A free loopback port: bind port 0, read it back, close. The server binds
 * it again a moment later (with SO_REUSEADDR); nothing else is racing for it
 * on a benchmark machine. */
static int free_port(void) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in sa = {0};
  socklen_t len = sizeof sa;
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int port = -1;
  if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0 &&
      getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
    port = ntohs(sa.sin_port);
  if (fd >= 0) close(fd);
  return port;
}

static int dial(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  struct sockaddr_in sa = {0};
  sa.sin_family = AF_INET;
  sa.sin_port = htons((uint16_t)port);
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  struct timeval tv = {30, 0}; /* a stuck server fails the run instead of hanging it */
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

/* A keep-alive connection and its receive buffer. */
typedef struct {
  int fd, port;
  char *buf;
  size_t len, cap;
  long reconnects;
} Conn;

/* GET path; 0 and *status, *total (-1 when the body has none) set, or -1 on
 * a transport error (the connection is closed and redialled next time). */
static int http_get(Conn *c, const char *path, int *status, long long *total) {
  if (c->fd < 0) {
    if ((c->fd = dial(c->port)) < 0) return -1;
    c->reconnects++;
  }
  Buf req = BUF_INIT;
  buf_addf(&req, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n\r\n", path);
  size_t off = 0;
  while (off < req.len) {
    ssize_t w = send(c->fd, req.data + off, req.len - off, MSG_NOSIGNAL);
    if (w <= 0) goto fail;
    off += (size_t)w;
  }
  buf_release(&req);
  c->len = 0;
  size_t head = 0, body = 0;
  int have_len = 0, close_after = 0;
  for (;;) {
    if (c->len + 4096 + 1 > c->cap) {
      c->cap = c->cap ? 2 * c->cap : 65536;
      c->buf = xrealloc(c->buf, c->cap);
    }
    ssize_t r = recv(c->fd, c->buf + c->len, c->cap - c->len - 1, 0);
    if (r <= 0) goto fail;
    c->len += (size_t)r;
    c->buf[c->len] = 0;
    if (!head) {
      char *e = strstr(c->buf, "\r\n\r\n");
      if (!e) continue;
      head = (size_t)(e - c->buf) + 4;
      if (strncmp(c->buf, "HTTP/1.", 7) != 0 || c->buf[8] != ' ') goto fail;
      *status = num_digits(c->buf + 9, 3);
      if (*status < 0) goto fail;
      for (char *h = strstr(c->buf, "\r\n"); h && h < e; h = strstr(h + 2, "\r\n")) {
        if (strncasecmp(h + 2, "content-length:", 15) == 0) {
          body = strtoull(h + 17, NULL, 10);
          have_len = 1;
        } else if (strncasecmp(h + 2, "connection: close", 17) == 0) {
          close_after = 1;
        }
      }
      if (!have_len) goto fail; /* the server always sends Content-Length for a buffer */
    }
    if (c->len >= head + body) break;
  }
  *total = -1;
  const char *t = strstr(c->buf + head, "\"total\":");
  if (t) *total = strtoll(t + 8, NULL, 10);
  if (close_after) {
    close(c->fd);
    c->fd = -1;
  }
  return 0;
fail:
  buf_release(&req);
  close(c->fd);
  c->fd = -1;
  return -1;
}

typedef struct {
  Item *items;
  int n, port;
  long long limit; /* requests in all threads */
  double deadline;
  atomic_llong *next;
  Samples cls[C_COUNT];
  long long errors, mismatches, done;
  long reconnects;
} Client;

static void *client_main(void *argp) {
  Client *cl = argp;
  Conn c = {.fd = -1, .port = cl->port};
  Buf path = BUF_INIT;
  for (;;) {
    long long i = atomic_fetch_add(cl->next, 1);
    if (i >= cl->limit || now_s() > cl->deadline) break;
    Item *it = &cl->items[i % cl->n];
    buf_reset(&path);
    buf_addf(&path, "/api/v1/notices?%s", it->qs);
    int status = 0;
    long long total = -1;
    double t0 = now_s();
    int rc = http_get(&c, path.data, &status, &total);
    double ms = (now_s() - t0) * 1e3;
    if (rc || status != 200) {
      if (cl->errors++ < 3) fprintf(stderr, "bench: GET %s: %s %d\n", path.data, rc ? "transport error" : "status", status);
      continue;
    }
    long long want = it->store_total >= 0 ? it->store_total : it->index_total;
    if (want >= 0 && total != want && cl->mismatches++ < 3)
      fprintf(stderr, "bench: GET %s: total %lld, expected %lld\n", path.data, total, want);
    cl->done++;
    samples_add(&cl->cls[it->cls], ms);
  }
  if (c.fd >= 0) close(c.fd);
  cl->reconnects = c.reconnects;
  free(c.buf);
  buf_release(&path);
  return NULL;
}

/* Runs limit requests (or until seconds pass) on conc threads. */
static double drive(Client *cls, int conc, Item *items, int n, int port, long long limit, double seconds) {
  atomic_llong next = 0;
  pthread_t th[256];
  double t0 = now_s();
  for (int k = 0; k < conc; k++) {
    cls[k].items = items, cls[k].n = n, cls[k].port = port, cls[k].limit = limit;
    cls[k].deadline = t0 + seconds, cls[k].next = &next;
    pthread_create(&th[k], NULL, client_main, &cls[k]);
  }
  for (int k = 0; k < conc; k++) pthread_join(th[k], NULL);
  return now_s() - t0;
}

/* exhaustive: the index's exhaustive paths (the baseline), process-wide for
 * the server threads in this process. */
static int phase_http(const char *db, LiveIndex *li, int exhaustive, Item *items, int n, int conc, double seconds,
                      Summary *sum) {
  ServerArgs sa = {0};
  sa.app.db_url = db;
  sa.app.index = li;
  sa.app.store_search = li == NULL;
  sa.app.now = BENCH_NOW;
  sa.err = (Err)ERR_INIT;
  int port = free_port();
  if (port <= 0) {
    fprintf(stderr, "bench: no free loopback port\n");
    return -1;
  }
  snprintf(sa.listen, sizeof sa.listen, "127.0.0.1:%d", port);
  pthread_t srv;
  pthread_create(&srv, NULL, server_main, &sa);
  int fd = -1;
  for (int tries = 0; tries < 200 && (fd = dial(port)) < 0; tries++) usleep(25000);
  if (fd < 0) {
    fprintf(stderr, "bench: the server did not start on %s: %s\n", sa.listen, sa.err.msg);
    server_stop();
    pthread_join(srv, NULL);
    return -1;
  }
  close(fd);

  Client *cls = xcalloc((size_t)conc, sizeof *cls);
  int rc = 0;
  search_index_set_exhaustive(exhaustive);
  double elapsed = drive(cls, conc, items, n, port, (long long)n * MAX_PASSES, seconds);
  search_index_set_exhaustive(0);
  int by_store = 0, by_index = 0;
  for (int i = 0; i < n; i++) by_store += items[i].store_total >= 0, by_index += items[i].store_total < 0 && items[i].index_total >= 0;

  Samples all = {0}, by[C_COUNT] = {{0}};
  long long errors = 0, mismatches = 0, done = 0;
  long reconnects = 0;
  for (int k = 0; k < conc; k++) {
    errors += cls[k].errors, mismatches += cls[k].mismatches, done += cls[k].done;
    reconnects += cls[k].reconnects;
    for (int c = 0; c < C_COUNT; c++)
      for (size_t i = 0; i < cls[k].cls[c].n; i++) {
        samples_add(&all, cls[k].cls[c].v[i]);
        samples_add(&by[c], cls[k].cls[c].v[i]);
      }
  }
  printf("\n3. HTTP GET /api/v1/notices on the %s, %d keep-alive clients, %ld server threads (one per core): %lld "
         "requests (%.2f passes over the mix) in %.1f s\n",
         exhaustive ? "index's exhaustive paths (before)" : "index", conc, sysconf(_SC_NPROCESSORS_ONLN), done,
         (double)done / n, elapsed);
  header();
  for (int c = 0; c < C_COUNT; c++) row(CLASS_NAMES[c], &by[c]);
  row("all", &all);
  *sum = summarise(&all);
  sum->rps = elapsed > 0 ? (double)done / elapsed : 0;
  sum->errors = errors + mismatches;
  printf("  %.0f requests/s; errors %lld, connections opened %ld; totals differing %lld, checked against the "
         "store's engine for %d queries of %d, against the index alone for %d\n",
         sum->rps, errors, reconnects, mismatches, by_store, n, by_index);
  if (errors || mismatches) rc = -1;
  free(all.v);
  for (int c = 0; c < C_COUNT; c++) free(by[c].v);
  for (int k = 0; k < conc; k++)
    for (int c = 0; c < C_COUNT; c++) {
      free(cls[k].cls[c].v);
    }
  free(cls);
  server_stop();
  pthread_join(srv, NULL);
  return rc;
}

int main(int argc, char **argv) {
  jarena_install();
  const char *db = "sqlite:var/bench/ingest.db";
  int n = 200, conc = 8, and_mix = 0;
  double seconds = 60;
  unsigned long long seed = 1;
  int store_phase = 1, print_mix = 0;
  long long v;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) db = argv[++i];
    else if (strcmp(argv[i], "--queries") == 0 && i + 1 < argc && !num_parse_ll(argv[i + 1], 1, 1000000, &v)) n = (int)v, i++;
    else if (strcmp(argv[i], "--concurrency") == 0 && i + 1 < argc && !num_parse_ll(argv[i + 1], 1, 1024, &v)) conc = (int)v, i++;
    else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc && !num_parse_dbl(argv[i + 1], &seconds)) i++;
    else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc && !num_parse_ll(argv[i + 1], 0, INT64_MAX, &v)) seed = (unsigned long long)v, i++;
    else if (strcmp(argv[i], "--mix") == 0 && i + 1 < argc && (!strcmp(argv[i + 1], "and") || !strcmp(argv[i + 1], "standard")))
      and_mix = !strcmp(argv[++i], "and");
    else if (strcmp(argv[i], "--no-store") == 0) store_phase = 0;
    else if (strcmp(argv[i], "--print-mix") == 0) print_mix = 1;
    else if (strcmp(argv[i], "--segment-docs") == 0 && i + 1 < argc && !num_parse_ll(argv[i + 1], 1, UINT32_MAX, &v))
      search_index_set_limits((size_t)v, 0, 0), i++;
    else {
      fprintf(stderr, "usage: bench/search [--db URL] [--mix standard|and] [--queries N] [--concurrency N]\n"
                      "                    [--seconds N] [--seed N] [--no-store] [--segment-docs N] [--print-mix]\n"
                      "  --mix and  ANDs of two or three common words (20-90%% of notices), with and without filters\n"
                      "  --no-store skips phase 1 (the store's own engine, the slow one); HTTP totals are then\n"
                      "             checked against the index only\n"
                      "  --segment-docs N  range segments of at most N notices (default 131072; more than\n"
                      "             the store holds: one segment, the index before segments)\n"
                      "  --print-mix prints the mix's query strings, one a line, and stops\n"
                      "  --seconds bounds each timed phase (default 60) once every query has run once; phase 1\n"
                      "             and 2 warm up for a quarter of it more\n");
      return 2;
    }
  }
  if (n < 1 || n > 100000 || conc < 1 || conc > 256 || seconds <= 0) {
    fprintf(stderr, "bench: --queries 1..100000, --concurrency 1..256, --seconds > 0\n");
    return 2;
  }
  /* the index first: the hard mix draws its words from it */
  LiveIndex *li = NULL;
  Err err = ERR_INIT;
  printf("search benchmark: %s, now = 2026-11-18\nthe in-memory search index (search/index.h):\n", db);
  fflush(stdout);
  if (live_index_start(db, 0, stdout, &li, &err)) {
    fprintf(stderr, "bench: %s\n", err.msg);
    return 1;
  }
  const SearchIndex *ix = live_index_acquire(li);
  SearchIndexInfo info;
  search_index_info(ix, &info);
  printf("  %zu notices, %zu words (%zu with bitmaps), %zu postings, %.0f MB, built in %.1f s\n", info.notices,
         info.words, info.dense_words, info.postings, (double)info.bytes / 1e6, info.build_s);
  Item *items = xcalloc((size_t)n, sizeof *items);
  int rc = 0;
  if (and_mix) {
    CLASS_NAMES = AND_CLASSES;
    rc = make_and_mix(items, n, seed, ix);
  } else {
    make_mix(items, n, seed);
  }
  if (print_mix) {
    for (int i = 0; i < n && rc == 0; i++) printf("%s\n", items[i].qs);
    for (int i = 0; i < n; i++) free(items[i].qs);
    free(items);
    live_index_release(li, ix);
    live_index_stop(li);
    return rc ? 1 : 0;
  }
  int per[C_COUNT] = {0};
  for (int i = 0; i < n && rc == 0; i++) per[items[i].cls]++;
  printf("mix %s: %d queries (seed %llu: %d %s, %d %s, %d %s, %d %s)\n", and_mix ? "and" : "standard", n, seed,
         per[0], CLASS_NAMES[0], per[1], CLASS_NAMES[1], per[2], CLASS_NAMES[2], per[3], CLASS_NAMES[3]);

  Summary s1 = {0}, s2[2] = {{0}}, s3[2] = {{0}};
  int on_pg = strncmp(db, "postgres", 8) == 0;
  static const int store_mode[] = {M_STORE}, index_modes[] = {M_EXHAUSTIVE, M_INDEX};
  if (rc == 0 && store_phase)
    rc = phase_one_thread(db, NULL,
                          on_pg ? "1. store_search() (PostgreSQL tsvector + SQL)" : "1. store_search() (SQLite FTS5 + SQL)",
                          store_mode, 1, items, n, seconds, &s1);
  if (rc == 0) {
    rc = phase_one_thread(db, ix, "2. search_index_search(), exhaustive then as it is, query by query", index_modes, 2,
                          items, n, seconds, s2);
    printf("  totals differing from the store's: %lld%s; pages differing from the exhaustive path's: %lld\n",
           differ_store, store_phase ? "" : " (not checked: --no-store)", differ_pages);
    if (differ_store || differ_pages) rc = -1;
  }
  live_index_release(li, ix);
  if (rc == 0) rc = phase_http(db, li, 1, items, n, conc, seconds, &s3[0]);
  if (rc == 0) rc = phase_http(db, li, 0, items, n, conc, seconds, &s3[1]);
  live_index_stop(li);
  if (rc == 0) {
    printf("\nsummary (%s mix)              p50 ms   p99 ms   max ms   slowest query: median, fastest run ms   req/s\n",
           and_mix ? "and" : "standard");
    if (store_phase)
      printf("  store, 1 thread             %8.2f %8.2f %8.1f %14.2f %12.2f %17.1f\n", s1.p50, s1.p99, s1.max,
             s1.worst_median, s1.worst_best, s1.rps);
    printf("  index exhaustive, 1 thread  %8.2f %8.2f %8.2f %14.2f %12.2f %17.1f\n", s2[0].p50, s2[0].p99, s2[0].max,
           s2[0].worst_median, s2[0].worst_best, s2[0].rps);
    printf("  index, 1 thread             %8.2f %8.2f %8.2f %14.2f %12.2f %17.1f\n", s2[1].p50, s2[1].p99, s2[1].max,
           s2[1].worst_median, s2[1].worst_best, s2[1].rps);
    printf("  HTTP exhaustive, %d clients  %8.2f %8.2f %8.1f %44.1f\n", conc, s3[0].p50, s3[0].p99, s3[0].max, s3[0].rps);
    printf("  HTTP, %d clients             %8.2f %8.2f %8.1f %44.1f\n", conc, s3[1].p50, s3[1].p99, s3[1].max, s3[1].rps);
    printf("index vs exhaustive, 1 thread: p50 %.1fx, p99 %.1fx faster; HTTP: p99 %.1fx lower, %.1fx the requests/s\n",
           s2[0].p50 / (s2[1].p50 > 0 ? s2[1].p50 : 1e-9), s2[0].p99 / (s2[1].p99 > 0 ? s2[1].p99 : 1e-9),
           s3[0].p99 / (s3[1].p99 > 0 ? s3[1].p99 : 1e-9), s3[1].rps / (s3[0].rps > 0 ? s3[0].rps : 1e-9));
    if (and_mix)
      printf("target, one thread: every query <= %.0f ms: the slowest query's fastest run %.2f ms %s; its median %.2f ms "
             "%s; the slowest run %.2f ms %s\n",
             TARGET_QUERY_MS, s2[1].worst_best, s2[1].worst_best <= TARGET_QUERY_MS ? "met" : "MISSED",
             s2[1].worst_median, s2[1].worst_median <= TARGET_QUERY_MS ? "met" : "MISSED", s2[1].max,
             s2[1].max <= TARGET_QUERY_MS ? "met" : "MISSED");
    printf("targets over HTTP: p99 <= %.0f ms %s (%.2fx)%s", TARGET_P99_MS, s3[1].p99 <= TARGET_P99_MS ? "met" : "MISSED",
           s3[1].p99 / TARGET_P99_MS, and_mix ? "\n" : "");
    if (!and_mix)
      printf(", p50 <= %.0f ms %s (%.2fx)\n", TARGET_P50_MS, s3[1].p50 <= TARGET_P50_MS ? "met" : "MISSED",
             s3[1].p50 / TARGET_P50_MS);
  }
  for (int i = 0; i < n; i++) free(items[i].qs);
  free(items);
  return rc ? 1 : 0;
}

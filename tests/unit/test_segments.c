/* test_segments.c -- the search index in segments (search/index.h): range
 * segments, deltas from the change feed, replaced docs and merges, against
 * the store's own search (the reference) and against a model of the segments.
 *
 * A SQLite store holds the real development data, 1,000 generated notices and
 * notices written here whose titles carry a marker word per version. With
 * small limits (ranges of 200 notices, merges at 50 delta notices or more
 * than 3 deltas) the test then ingests later releases of existing notices
 * (new title, description, value, status, deadline) and new notices in many
 * small steps, follows each with search_index_update, and plans, builds and
 * installs merges -- of deltas, of a range, and one built before the store
 * changed again and installed into the newer snapshot. After every step:
 *   - the index's totals, hits, order, scores and cursors equal store_search's
 *     on a fixed and a random query set (BM25's N, avgdl and n_i count only
 *     live notices, or the scores differ);
 *   - a notice's current marker finds it and its old markers find nothing;
 *   - live notices equal the store's count; the replaced docs and deltas equal
 *     the model's (a segment is a set of notices read at a step; of two
 *     copies, the one read later is live; a delta with no live doc goes);
 *   - search_index_each_change(N) gives exactly the notices changed after N.
 * Snapshots and plans are freed in mixed orders (segments are shared and
 * reference counted), while two threads search the first snapshot and must
 * keep getting its first answers: the ASan build and valgrind check that
 * nothing leaks or is used after it is freed.
 *
 * test_segments_pg.c runs the same steps on PostgreSQL (SEGMENTS_PG), where
 * the reference is an index built afresh from the store at each check. */
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../tap.h"
#include "base/buf.h"
#include "base/num.h"
#include "base/url.h"
#include "ingest/ingest.h"
#include "ocds/gen.h"
#include "search/each.h"
#include "search/index.h"

#ifndef SEGMENTS_PG
#define SEGMENTS_PG 0 /* 1: on PostgreSQL (test_segments_pg.c) */
#endif
#define NOW 1795000000 /* 2026-11-18 */
#define RANGE 200
#define DELTA_DOCS 50
#define MAX_DELTAS 3

/* ---- both engines, page by page (as test_index.c) ---------------------------- */

static Store *st;

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

static int same_str(const char *a, const char *b) { return (!a && !b) || (a && b && strcmp(a, b) == 0); }

/* One page of both engines; 1 when equal. Scores may differ in the last bits
 * (FTS5 sums in its own order); strict: not even that (the index against its
 * own exhaustive paths). */
static int strict_scores;
static int same_page(const char *qs, const StoreResults *a, const StoreResults *b) {
  if (a->total != b->total || a->n != b->n || a->has_more != b->has_more) {
    printf("# %s: total %lld/%lld n %zu/%zu more %d/%d\n", qs, a->total, b->total, a->n, b->n, a->has_more,
           b->has_more);
    return 0;
  }
  for (size_t i = 0; i < a->n; i++) {
    const StoreHit *x = &a->hits[i], *y = &b->hits[i];
    double rel = fabs(x->score - y->score) / (fabs(x->score) + 1e-300);
    if (strcmp(x->ocid, y->ocid) || (x->score != y->score && (strict_scores || rel > 1e-12)) || !same_str(x->status, y->status) ||
        !same_str(x->deadline, y->deadline) || !same_str(x->published, y->published) ||
        !same_str(x->regions, y->regions) || !same_str(x->cpv, y->cpv) || !same_str(x->title, y->title) ||
        x->has_value != y->has_value || (x->has_value && x->value != y->value) || x->sme != y->sme ||
        x->vcse != y->vcse || x->buyer_id != y->buyer_id || !x->snippet != !y->snippet) {
      printf("# %s: hit %zu: %s (%.17g %s %s) vs %s (%.17g %s %s)\n", qs, i, x->ocid, x->score, x->status,
             x->deadline ? x->deadline : "-", y->ocid, y->score, y->status, y->deadline ? y->deadline : "-");
      return 0;
    }
  }
  return 1;
}

static int compared, failed_queries;

/* The reference: the store's search (on PostgreSQL, whose ranking is not
 * FTS5's: an index built afresh from the store, fresh), or with
 * ref_exhaustive the index's own exhaustive paths
 * (search_index_set_exhaustive), compared bit for bit. */
static int ref_exhaustive;
static SearchIndex *fresh;
#define REFERENCE (SEGMENTS_PG ? "an index built afresh" : "the store's search")
static int reference(const SearchIndex *ix, Query *q, StoreResults *a, Err *err) {
  if (!ref_exhaustive && SEGMENTS_PG) return search_index_search(fresh, st, q, NOW, a, err);
  if (!ref_exhaustive) return store_search(st, q, NOW, a, err);
  search_index_set_exhaustive(1);
  int rc = search_index_search(ix, st, q, NOW, a, err);
  search_index_set_exhaustive(0);
  return rc;
}

/* qs on the reference and on ix, up to pages pages, the next page's cursor
 * made from the index's last hit and used on both. *total: the first page's. */
static int compare_pages(const SearchIndex *ix, const char *qs, int pages, long long *total) {
  Query q;
  if (parse(&q, qs)) return 0;
  int same = 1;
  for (int page = 0; page < pages && same; page++) {
    StoreResults a, b;
    Err e1 = ERR_INIT, e2 = ERR_INIT;
    int r1 = reference(ix, &q, &a, &e1), r2 = search_index_search(ix, st, &q, NOW, &b, &e2);
    if (r1 || r2) {
      same = r1 == r2;
      if (!same) printf("# %s: %s / %s\n", qs, e1.msg, e2.msg);
      break;
    }
    same = same_page(qs, &a, &b);
    if (page == 0 && total) *total = b.total;
    int more = b.has_more && b.n;
    if (more) {
      StoreHit *last = &b.hits[b.n - 1];
      search_cursor_after(&q, last);
    }
    store_results_release(&a);
    store_results_release(&b);
    if (!more) break;
  }
  query_release(&q);
  compared++;
  if (!same) failed_queries++;
  return same;
}

/* ---- random queries (a smaller mix than test_index.c's, with this test's words) */

static uint64_t rng = 88172645463325252ull;
static unsigned rnd(unsigned n) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (unsigned)(rng % n);
}

static const char *const WORDS[] = {
    "software", "services", "digital", "data",     "support", "council",  "nhs",       "cloud",    "network",
    "security", "system",   "leeds",   "care",     "health",  "servicios", "de",       "training", "the",
    "and",      "hosting",  "cyber",   "revised",  "zqfirst", "zqrevised", "widget",   "platform", "framework",
};
static const char *const FILTERS[] = {
    "status=open",       "status=closed",         "status=awarded",   "status=cancelled,planned",
    "region=TLD",        "region=TLE&region=TLC", "cpv=72",           "cpv=48&cpv=30",
    "value_min=50000",   "value_max=100000",      "closing_within=30", "closing_after=2026-11-01",
    "sme=true",          "vcse=true",             "buyer=3",          "closing_before=2027-06-30",
};
static const char *const SORTS[] = {"", "&sort=closing", "&sort=newest", "&sort=value", "&sort=relevance"};
#define COUNT(a) (sizeof(a) / sizeof *(a))

static void random_query(Buf *qs) {
  buf_reset(qs);
  Buf q = BUF_INIT;
  unsigned shape = rnd(10);
  if (shape < 8) {
    int n = 1 + (int)rnd(3);
    for (int i = 0; i < n; i++) {
      unsigned k = rnd(10);
      const char *w = WORDS[rnd(COUNT(WORDS))], *w2 = WORDS[rnd(COUNT(WORDS))];
      if (k == 0) buf_addf(&q, " \"%s %s\"", w, w2);
      else if (k == 1) buf_addf(&q, " %s OR %s", w, w2);
      else if (k == 2 && i) buf_addf(&q, " -%s", w);
      else buf_addf(&q, " %s", w);
    }
  } else if (shape == 8) {
    buf_addf(&q, "-%s", WORDS[rnd(COUNT(WORDS))]);
  }
  if (q.len) url_query_add(qs, "q", q.data + (q.data[0] == ' '));
  const char *f = rnd(2) ? FILTERS[rnd(COUNT(FILTERS))] : NULL;
  if (f) buf_addf(qs, "%s%s", qs->len ? "&" : "", f);
  const char *s = SORTS[rnd(5)];
  if (!strcmp(s, "&sort=relevance") && !q.len) s = "";
  buf_adds(qs, qs->len ? s : s + (*s == '&'));
  buf_addf(qs, "%slimit=%u", qs->len ? "&" : "", 1 + rnd(25));
  buf_release(&q);
}

/* ANDs of two or three words held by 1 in 16 notices or more (the words
 * with bitmaps in a segment), sometimes with an exclusion, a filter, a sort:
 * the paths that rank by bitmaps and bounds, over the replaced docs. */
#define MAX_COMMON 128
static char *common[MAX_COMMON];
static size_t n_common;
/* each_word's report of one word: its df, or 0 when not reported */
typedef struct {
  const char *word;
  size_t df;
} WordDf;
static void find_word(void *ctx, const char *w, size_t df) {
  WordDf *x = ctx;
  if (!strcmp(w, x->word)) x->df = df;
}

static void add_common(void *ctx, const char *w, size_t df) {
  (void)ctx;
  (void)df;
  if (n_common < MAX_COMMON && strspn(w, "abcdefghijklmnopqrstuvwxyz") == strlen(w) && strcmp(w, "or"))
    common[n_common++] = xstrdup(w);
}

static void conj_query(Buf *qs, unsigned shape) {
  buf_reset(qs);
  Buf q = BUF_INIT;
  int n = 2 + (int)rnd(2);
  for (int i = 0; i < n; i++) buf_addf(&q, "%s%s", i ? " " : "", common[rnd((unsigned)n_common)]);
  if (shape % 5 == 4) buf_addf(&q, " -%s", WORDS[rnd(COUNT(WORDS))]);
  url_query_add(qs, "q", q.data);
  if (shape & 1) buf_addf(qs, "&%s", FILTERS[rnd(COUNT(FILTERS))]);
  if (shape % 6 == 5) buf_adds(qs, shape % 4 == 1 ? "&sort=closing" : "&sort=newest");
  buf_addf(qs, "&limit=%u", 1 + rnd(shape % 3 == 0 ? 4 : 25));
  buf_release(&q);
}

static const char *const FIXED[] = {
    "q=software",
    "q=services&sort=closing",
    "q=zqfirst",
    "q=zqrevised",
    "q=zqrevised&sort=value&limit=7",
    "q=revised%20cloud",
    "q=%22revised%20widget%22",
    "q=%22services%20widget%22",            /* in both copies of own notice 0: n_i counts the live one */
    "q=%22support%20widget%22&sort=newest", /* own 1 */
    "q=%22cloud%20widget%22%20OR%20%22system%20widget%22&limit=3", /* own 2, 3 */
    "q=widget%20OR%20hosting&sort=newest",
    "q=zqfirst%20OR%20zqrevised&limit=9",
    "q=-zqrevised&limit=11",
    "q=cloud%20-zqfirst",
    "status=open&sort=closing",
    "status=cancelled,planned",
    "status=closed&sort=newest&limit=13",
    "region=TLE&sort=value",
    "cpv=72&sort=newest",
    "value_min=100000&value_max=5000000&sort=value",
    "closing_within=30&sort=closing",
    "closing_after=2026-12-01",
    "",
    "limit=100",
};

/* ---- the notices this test follows ---------------------------------------- */

/* Every notice, in ocid order once the first index is built: its row id
 * (once read), the steps that changed it (its creation included), and the
 * marker word of each change when its title carried one. */
#define MAX_CHANGES 12
typedef struct {
  char *ocid;
  long long row;
  int own;     /* written here: ocid ocds-zzsegs-NNNN */
  int n_changes;
  int step[MAX_CHANGES];
  char marker[MAX_CHANGES][16];
} Obj;
static Obj *objs;
static size_t n_objs;

static int cmp_obj(const void *a, const void *b) { return strcmp(((const Obj *)a)->ocid, ((const Obj *)b)->ocid); }
static Obj *obj_find(const char *ocid) {
  Obj key = {.ocid = (char *)ocid};
  return bsearch(&key, objs, n_objs, sizeof *objs, cmp_obj);
}
static int obj_created(const Obj *o, int step) { return o->n_changes && o->step[0] <= step; }
static int obj_last(const Obj *o) { return o->n_changes ? o->step[o->n_changes - 1] : -1; }

#define N_OWN 200 /* ocids ocds-zzsegs-0000..0199; 0..59 at the start, the rest made later */
static char own_ocid[N_OWN][32];

static int step;            /* ingests so far (0: the first load) */
static int64_t seq_at[64];  /* the store's sequence after each step */
static int64_t seq_of(int s) { return s < 0 ? 0 : seq_at[s]; } /* -1: before anything */

static void letters(char *out, unsigned v, int n) { /* v in base 26, n letters */
  for (int i = n - 1; i >= 0; i--) out[i] = (char)('a' + v % 26), v /= 26;
  out[n] = 0;
}

static void iso_time(char *out, size_t cap, time_t t) {
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* A release changing the tender of o (a later date, a new id): a title with
 * a new marker word, and a new description, value, status and deadline. New
 * notices written here also get a buyer, a region and a CPV code. */
static const char *const STATUS[] = {"active", "cancelled", "complete", "planned", "active", "active"};
static void add_release(Buf *b, Obj *o, unsigned k) {
  int cur = step + 1; /* the step that will store it */
  char marker[16], l[8], date[32], deadline[32];
  letters(l, k, 4);
  snprintf(marker, sizeof marker, "zq%s%c", l, 'a' + cur % 26);
  int first = o->n_changes == 0;
  /* 2030: after every release of the data, so that this one merges last */
  iso_time(date, sizeof date, 1893456000 + (time_t)cur * 86400);
  iso_time(deadline, sizeof deadline, NOW + ((time_t)((k * 7 + (unsigned)cur * 13) % 90) - 20) * 86400);
  Buf title = BUF_INIT, desc = BUF_INIT, id = BUF_INIT;
  buf_addf(&title, "%s %s %s widget %s", first ? "Zqfirst" : "Revised zqrevised", WORDS[(k + (unsigned)cur) % 22],
           WORDS[(k * 3 + 1) % 22], marker);
  buf_addf(&desc, "The %s %s of %s and %s for the %s, step %d.", WORDS[(k * 5 + (unsigned)cur) % 22],
           first ? "provision" : "revised provision", WORDS[(k + 7) % 22], WORDS[(k * 11 + 2) % 22],
           WORDS[(k + (unsigned)cur * 3) % 22], cur);
  buf_addf(&id, "%s-seg-%d", o->ocid, cur);
  buf_adds(b, "{\"ocid\":");
  buf_add_json_str(b, o->ocid);
  buf_adds(b, ",\"id\":");
  buf_add_json_str(b, id.data);
  buf_addf(b, ",\"date\":\"%s\",\"tag\":[\"%s\"],\"initiationType\":\"tender\"", date, first ? "tender" : "tenderUpdate");
  if (first && o->own)
    buf_addf(b, ",\"buyer\":{\"id\":\"GB-ZZSEG-%u\",\"name\":\"Segment Test Council %u\"},"
                "\"parties\":[{\"id\":\"GB-ZZSEG-%u\",\"name\":\"Segment Test Council %u\",\"roles\":[\"buyer\"],"
                "\"address\":{\"region\":\"%s\"}}]",
             k % 3, k % 3, k % 3, k % 3, k % 2 ? "Yorkshire and the Humber" : "North West");
  buf_adds(b, ",\"tender\":{\"id\":\"T1\",\"title\":");
  buf_add_json_str(b, title.data);
  buf_adds(b, ",\"description\":");
  buf_add_json_str(b, desc.data);
  buf_addf(b, ",\"status\":\"%s\",\"value\":{\"amount\":%u,\"currency\":\"GBP\"},\"tenderPeriod\":{\"endDate\":\"%s\"}",
           STATUS[(k + (unsigned)cur) % COUNT(STATUS)], 1000u * (k % 97 + 1) + (unsigned)cur * 10u, deadline);
  if (first && o->own)
    buf_addf(b, ",\"items\":[{\"id\":\"1\",\"classification\":{\"scheme\":\"CPV\",\"id\":\"%s\"}}]",
             k % 2 ? "72000000" : "48000000");
  buf_adds(b, "}}\n");
  if (o->n_changes < MAX_CHANGES) {
    o->step[o->n_changes] = cur;
    snprintf(o->marker[o->n_changes], sizeof o->marker[0], "%s", marker);
    o->n_changes++;
  }
  buf_release(&title);
  buf_release(&desc);
  buf_release(&id);
}

static IngestOptions ingest_opt(void) {
  IngestOptions opt = {0};
  opt.now = NOW;
  opt.report = stdout; /* a rejection prints a line (not TAP: prove shows it) */
  return opt;
}

/* Stores b as the next step and records the store's sequence. */
static int ingest_step(Buf *b) {
  Err err = ERR_INIT;
  IngestOptions opt = ingest_opt();
  IngestStats stats;
  step++;
  int rc = ingest_buffer(st, "step.jsonl", b->data, b->len, &opt, &stats, &err);
  if (rc || stats.rejected) printf("# step %d: %s (%llu rejected)\n", step, err.msg, (unsigned long long)stats.rejected);
  StoreStats ss;
  store_stats(st, &ss, &err);
  seq_at[step] = ss.last_seq;
  buf_reset(b);
  return rc || stats.rejected ? -1 : 0;
}

/* ---- the model of a snapshot's segments -------------------------------------- */

/* A segment: the notices it holds, read at a step; a range of row ids
 * (after, upto], or a delta of the changes after since_step. Of two copies
 * the one read at the later step is live (at the same step, the one added
 * later: order). */
typedef struct {
  int is_delta, since_step, read_step, order, alive;
  long long after, upto;
  Obj **docs;
  size_t n;
} MSeg;
#define MAX_MSEG 64
static MSeg mseg[MAX_MSEG];
static int n_mseg, morder;
static int snap_step; /* the step the current snapshot's sequence is from */

static int in_seg(const MSeg *s, const Obj *o) {
  for (size_t i = 0; i < s->n; i++)
    if (s->docs[i] == o) return 1;
  return 0;
}

/* A segment as the store would give it now (step). */
static MSeg model_read(int is_delta, int since_step, long long after, long long upto) {
  MSeg s = {.is_delta = is_delta, .since_step = since_step, .read_step = step, .after = after, .upto = upto, .alive = 1};
  s.docs = xcalloc(n_objs + 1, sizeof *s.docs);
  for (size_t i = 0; i < n_objs; i++) {
    Obj *o = &objs[i];
    if (!obj_created(o, step)) continue;
    int take = 0;
    if (is_delta) {
      for (int c = 0; c < o->n_changes; c++) take |= o->step[c] > since_step && o->step[c] <= step;
    } else {
      take = o->row > after && o->row <= upto;
    }
    if (take) s.docs[s.n++] = o;
  }
  return s;
}

static int cmp_doc_row(const void *a, const void *b) {
  long long x = (*(Obj *const *)a)->row, y = (*(Obj *const *)b)->row;
  return x < y ? -1 : x > y;
}

/* The range (after, upto] as the store gives it now, cut as the index cuts
 * it: parts of RANGE notices in row order, each ending at its last row, the
 * last one at upto. Returns the parts (at most max). */
static int model_read_range(long long after, long long upto, MSeg *out, int max) {
  MSeg all = model_read(0, 0, after, upto);
  qsort(all.docs, all.n, sizeof *all.docs, cmp_doc_row);
  int n = 0;
  for (size_t i = 0; i == 0 || i < all.n; i += RANGE) {
    if (n == max) abort();
    size_t k = all.n - i < RANGE ? all.n - i : RANGE;
    MSeg *g = &out[n++];
    *g = all;
    g->after = i ? all.docs[i - 1]->row : after;
    g->upto = i + RANGE < all.n ? all.docs[i + RANGE - 1]->row : upto;
    g->docs = xcalloc(k + 1, sizeof *g->docs);
    memcpy(g->docs, all.docs + i, k * sizeof *g->docs);
    g->n = k;
  }
  free(all.docs);
  return n;
}

static int beats(const MSeg *a, const MSeg *b) {
  return a->read_step > b->read_step || (a->read_step == b->read_step && a->order > b->order);
}

/* The live copy of o: its segment, or NULL. */
static const MSeg *model_winner(const Obj *o) {
  const MSeg *w = NULL;
  for (int s = 0; s < n_mseg; s++)
    if (mseg[s].alive && in_seg(&mseg[s], o) && (!w || beats(&mseg[s], w))) w = &mseg[s];
  return w;
}

/* Adds segments (drop: those they replace), then drops the deltas none of
 * whose docs is live. */
static void model_install(MSeg *add, int n_add, const int *drop_order, int n_drop) {
  for (int s = 0; s < n_mseg; s++)
    for (int i = 0; i < n_drop; i++)
      if (mseg[s].alive && mseg[s].order == drop_order[i]) mseg[s].alive = 0;
  for (int i = 0; i < n_add; i++) {
    if (add[i].is_delta && add[i].n == 0) { /* nothing read: no segment */
      free(add[i].docs);
      continue;
    }
    if (n_mseg == MAX_MSEG) abort();
    add[i].order = ++morder;
    mseg[n_mseg++] = add[i];
  }
  for (int s = 0; s < n_mseg; s++) {
    MSeg *g = &mseg[s];
    if (!g->alive || !g->is_delta) continue;
    int live = 0;
    for (size_t i = 0; i < g->n && !live; i++) live = model_winner(g->docs[i]) == g;
    if (!live) g->alive = 0;
  }
}

static void model_counts(size_t *replaced, size_t *deltas, size_t *segments) {
  size_t docs = 0, live = 0;
  *deltas = *segments = 0;
  for (int s = 0; s < n_mseg; s++)
    if (mseg[s].alive) docs += mseg[s].n, *deltas += mseg[s].is_delta, ++*segments;
  for (size_t i = 0; i < n_objs; i++) live += model_winner(&objs[i]) != NULL;
  *replaced = docs - live;
}

static void model_free(void) {
  for (int s = 0; s < n_mseg; s++) free(mseg[s].docs);
}

/* ---- the index against the store and the model ------------------------------- */

typedef struct {
  size_t n, dup, bad_seq, unknown;
  int64_t after, max_seq;
  char *seen; /* per Obj */
} Changes;

static void on_change(void *ctx, const char *ocid, long long row, int64_t seq) {
  Changes *c = ctx;
  Obj *o = obj_find(ocid);
  c->n++;
  if (!o) {
    c->unknown++;
    return;
  }
  size_t i = (size_t)(o - objs);
  c->dup += c->seen[i];
  c->seen[i] = 1;
  c->bad_seq += seq <= c->after || seq > c->max_seq;
  o->row = row;
}

/* each_change(after) against what was ingested after it: exactly the
 * notices whose last change came after, each once, with a sequence after it. */
static int check_changes(const SearchIndex *ix, int after_step, const char *when) {
  Changes c = {.after = seq_of(after_step), .max_seq = search_index_seq(ix)};
  c.seen = xcalloc(n_objs + 1, 1);
  search_index_each_change(ix, c.after, on_change, &c);
  size_t missing = 0, extra = 0;
  for (size_t i = 0; i < n_objs; i++) {
    int want = obj_last(&objs[i]) > after_step && obj_created(&objs[i], snap_step);
    missing += want && !c.seen[i];
    extra += !want && c.seen[i];
  }
  free(c.seen);
  return ok(!missing && !extra && !c.dup && !c.bad_seq && !c.unknown,
            "%s: each_change after step %d gives the %zu notices changed since, once each (%zu missing, %zu extra, %zu "
            "twice, %zu with a wrong sequence)",
            when, after_step, c.n, missing, extra, c.dup, c.bad_seq);
}

/* Everything that must hold of the snapshot ix just made at this step. */
/* Under valgrind (scripts/runtests.sh --valgrind sets POWERHOUSE_VALGRIND),
 * every step and check runs, on a tenth of the queries: the memory checks
 * need the paths, not the numbers. */
static int light(void) {
  const char *v = getenv("POWERHOUSE_VALGRIND");
  return v && *v == '1';
}

static void check_snapshot(const SearchIndex *ix, const char *when, int n_random) {
  Err err = ERR_INIT;
  if (light()) n_random = n_random / 10 > 4 ? n_random / 10 : 4;
  if (SEGMENTS_PG && search_index_build(st, &fresh, &err)) printf("# the reference index: %s\n", err.msg);
  SearchIndexInfo info;
  search_index_info(ix, &info);
  StoreStats ss;
  store_stats(st, &ss, &err);
  size_t replaced, deltas, segments;
  model_counts(&replaced, &deltas, &segments);
  printf("# %s: %zu notices, %zu segments (%zu deltas), %zu replaced\n", when, info.notices, info.segments, info.deltas,
         info.replaced);
  ok(info.notices == (size_t)ss.notices && info.seq == seq_at[snap_step],
     "%s: every live notice once (%zu, the store %lld), at the sequence read (%lld)", when, info.notices,
     (long long)ss.notices, (long long)info.seq);
  ok(info.replaced == replaced && info.deltas == deltas && info.segments == segments,
     "%s: %zu replaced docs, %zu deltas, %zu segments, as the model (%zu, %zu, %zu)", when, info.replaced, info.deltas,
     info.segments, replaced, deltas, segments);
  /* each_change from sequence 0 (every notice) also tells the rows of new notices */
  check_changes(ix, -1, when);

  /* markers: the current one finds its notice, older ones nothing */
  int markers_ok = 1;
  size_t n_markers = 0;
  Buf qs = BUF_INIT;
  for (size_t i = 0; i < n_objs; i++) {
    const Obj *o = &objs[i];
    if (light() && i % 10) continue;
    for (int c = 0; c < o->n_changes; c++) {
      if (o->step[c] > snap_step) break;
      if (!o->marker[c][0]) continue; /* as loaded */
      int current = c + 1 == o->n_changes || o->step[c + 1] > snap_step;
      buf_reset(&qs);
      url_query_add(&qs, "q", o->marker[c]);
      long long total = -1;
      int same = compare_pages(ix, qs.data, 1, &total);
      if (!same || total != current) {
        printf("# %s: marker %s of %s (step %d, %s): %lld found\n", when, o->marker[c], o->ocid, o->step[c],
               current ? "current" : "old", total);
        markers_ok = 0;
      }
      n_markers++;
    }
  }
  ok(markers_ok, "%s: %zu title markers: each notice's current one finds it, its old ones nothing (both engines)", when,
     n_markers);

  int fixed_ok = 1, random_ok = 1, before = failed_queries;
  for (size_t i = 0; i < COUNT(FIXED); i++) fixed_ok &= compare_pages(ix, FIXED[i], 3, NULL);
  ok(fixed_ok, "%s: the fixed queries agree with %s (totals, hits, order, scores, 3 pages)", when, REFERENCE);
  before = failed_queries;
  for (int i = 0; i < n_random; i++) {
    random_query(&qs);
    random_ok &= compare_pages(ix, qs.data, 3, NULL);
  }
  ok(random_ok, "%s: %d random queries agree with %s (%d differ)", when, n_random, REFERENCE,
     failed_queries - before);

  SearchIndexInfo info2;
  search_index_info(ix, &info2);
  n_common = 0;
  search_index_each_word(ix, (info2.notices + 15) / 16, SIZE_MAX, add_common, NULL);
  int conj_ok = n_common >= 10, self_ok = 1;
  before = failed_queries;
  for (unsigned i = 0; conj_ok && i < (unsigned)n_random / 2; i++) {
    conj_query(&qs, i);
    conj_ok &= compare_pages(ix, qs.data, 4, NULL);
  }
  ok(conj_ok, "%s: %d ANDs of common words (%zu words) agree with %s (%d differ)", when, n_random / 2,
     n_common, REFERENCE, failed_queries - before);
  before = failed_queries;
  ref_exhaustive = strict_scores = 1;
  for (unsigned i = 0; i < (unsigned)n_random / 2; i++) {
    if (i % 2) random_query(&qs);
    else conj_query(&qs, i);
    self_ok &= compare_pages(ix, qs.data, 6, NULL);
  }
  ref_exhaustive = 0;
  strict_scores = SEGMENTS_PG;
  ok(self_ok, "%s: %d queries, 6 pages each: bitmaps and bounds give the exhaustive pages bit for bit (%d differ)", when,
     n_random / 2, failed_queries - before);
  for (size_t i = 0; i < n_common; i++) free(common[i]);
  buf_release(&qs);
  search_index_free(fresh);
  fresh = NULL;
}

/* ---- merges: a plan, the model of what it reads, built, installed ---------------- */

static int describe_num(const char *s, const char *after, long long *out) {
  const char *p = strstr(s, after);
  if (!p) return -1;
  p += strlen(after);
  char digits[24];
  size_t n = 0;
  if (*p == '-') digits[n++] = *p++;
  while (*p >= '0' && *p <= '9' && n + 1 < sizeof digits) digits[n++] = *p++;
  digits[n] = 0;
  return num_parse_ll(digits, -1, INT64_MAX, out);
}

/* What a built merge read, in the model: the describe line tells which kind
 * ("N deltas merged into one of M notices", or "row ids A to B read again
 * (M notices)" and "row ids from A on ..." for the open-ended last range), the plan's snapshot (the model now) which segments it drops.
 * The model's notice count must be M. */
typedef struct {
  SearchMerge *m;
  int cand[MAX_MSEG], n_cand; /* the model's segments when planned */
  int plan_step;              /* the step of the snapshot planned on */
  int is_delta;
  MSeg built[MAX_MSEG];
  int n_built;
  int drop[MAX_MSEG], n_drop;
  long long docs;
} Planned;

static int planned_model(Planned *p) {
  char d[256];
  search_merge_describe(p->m, d, sizeof d);
  printf("# merge: %s\n", d);
  long long k = 0, docs = 0, from = 0, upto = 0;
  if (strstr(d, "deltas merged")) {
    if (describe_num(d, "", &k) || describe_num(d, "into one of ", &docs)) return -1;
    /* the k deltas read last (largest since) */
    int since = -1;
    for (int j = 0; j < k; j++) {
      int best = -1;
      for (int s = 0; s < n_mseg; s++) {
        int taken = 1;
        for (int x = 0; x < p->n_cand; x++) taken &= p->cand[x] != mseg[s].order;
        for (int x = 0; x < p->n_drop; x++) taken |= p->drop[x] == mseg[s].order;
        if (mseg[s].alive && mseg[s].is_delta && !taken && (best < 0 || mseg[s].since_step > mseg[best].since_step))
          best = s;
      }
      if (best < 0) return -1;
      p->drop[p->n_drop++] = mseg[best].order;
      since = mseg[best].since_step;
    }
    p->is_delta = 1;
    p->built[0] = model_read(1, since, 0, 0);
    p->n_built = 1;
    /* a notice a range of the planned snapshot read at or after its last
     * change is not read again */
    MSeg *b = &p->built[0];
    size_t kept = 0;
    for (size_t i = 0; i < b->n; i++) {
      const Obj *o = b->docs[i];
      int last = 0, held = 0;
      for (int c = 0; c < o->n_changes; c++)
        if (o->step[c] <= step && o->step[c] > last) last = o->step[c];
      for (int s = 0; s < n_mseg && !held; s++)
        for (int x = 0; x < p->n_cand && !held; x++)
          held = mseg[s].order == p->cand[x] && !mseg[s].is_delta && o->row > mseg[s].after && o->row <= mseg[s].upto &&
                 mseg[s].read_step >= last;
      if (!held) b->docs[kept++] = b->docs[i];
    }
    b->n = kept;
  } else if (strstr(d, "read again")) {
    /* "row ids A to B read again (M notices)", or "row ids from A on ..." */
    if (strstr(d, "row ids from ")) {
      if (describe_num(d, "row ids from ", &from)) return -1;
      upto = -1;
    } else if (describe_num(d, "row ids ", &from) || describe_num(d, " to ", &upto)) {
      return -1;
    }
    if (describe_num(d, "again (", &docs)) return -1;
    long long after = from - 1, up = upto < 0 ? INT64_MAX : upto;
    for (int s = 0; s < n_mseg; s++)
      if (mseg[s].alive && !mseg[s].is_delta && mseg[s].after == after && mseg[s].upto == up)
        p->drop[p->n_drop++] = mseg[s].order;
    if (p->n_drop != 1) return -1;
    p->n_built = model_read_range(after, up, p->built, MAX_MSEG);
  } else {
    return -1;
  }
  p->docs = docs;
  size_t dropped = 0;
  for (int s = 0; s < n_mseg; s++)
    for (int x = 0; x < p->n_drop; x++)
      if (mseg[s].order == p->drop[x]) dropped += mseg[s].n;
  printf("# the segments it replaces hold %zu docs\n", dropped);
  size_t n = 0;
  for (int i = 0; i < p->n_built; i++) n += p->built[i].n;
  return (long long)n == docs ? 0 : -1;
}

/* Plans on ix; NULL when it plans nothing. */
static Planned *plan(const SearchIndex *ix) {
  SearchMerge *m = search_index_merge_plan(ix);
  if (!m) return NULL;
  Planned *p = xcalloc(1, sizeof *p);
  p->m = m;
  for (int s = 0; s < n_mseg; s++)
    if (mseg[s].alive) p->cand[p->n_cand++] = mseg[s].order;
  p->plan_step = snap_step;
  return p;
}

/* 1 when ix plans nothing. */
static int plans_nothing(const SearchIndex *ix) {
  SearchMerge *m = search_index_merge_plan(ix);
  search_merge_free(m);
  return m == NULL;
}

static int build(Planned *p, const char *when) {
  Err err = ERR_INIT;
  if (!ok(search_merge_build(p->m, st, &err) == 0, "%s: merge built", when)) {
    printf("# %s\n", err.msg);
    return -1;
  }
  int same = planned_model(p) == 0;
  if (!ok(same, "%s: the merge read what the model reads (%lld notices)", when, p->docs)) return -1;
  if (p->is_delta) {
    /* the deltas stay small: a merge of deltas holds the notices of the
     * deltas it replaces and what changed after the plan, no more */
    size_t extra = 0;
    for (size_t i = 0; i < p->built[0].n; i++) {
      const Obj *o = p->built[0].docs[i];
      int held = obj_last(o) > p->plan_step;
      for (int s = 0; s < n_mseg && !held; s++)
        for (int x = 0; x < p->n_drop && !held; x++)
          held = mseg[s].order == p->drop[x] && in_seg(&mseg[s], o);
      extra += !held;
    }
    char name[200];
    snprintf(name, sizeof name, "%s: the merged delta holds only the replaced deltas' notices and newer changes (%zu of %zu "
             "others, which ranges read again already hold)", when, extra, p->built[0].n);
    ok(extra == 0, "%s", name);
  }
  return 0;
}

static SearchIndex *install(const SearchIndex *cur, Planned *p) {
  SearchIndex *x = search_merge_install(cur, p->m);
  model_install(p->built, p->n_built, p->drop, p->n_drop);
  p->n_built = 0;
  return x;
}

static void planned_free(Planned *p) {
  if (!p) return;
  search_merge_free(p->m);
  for (int i = 0; i < p->n_built; i++) free(p->built[i].docs);
  free(p);
}

/* ---- the steps ---------------------------------------------------------------- */

#define MAX_SNAPS 64
static SearchIndex *snaps[MAX_SNAPS];
static int n_snaps;
static SearchIndex *keep(SearchIndex *x) {
  if (n_snaps == MAX_SNAPS) abort();
  return snaps[n_snaps++] = x;
}

/* What a snapshot answers, but for the texts read from the store: totals,
 * ocids and scores of a few queries. */
static void signature(const SearchIndex *ix, Store *from, Buf *out) {
  static const char *const qs[] = {"q=zqfirst&limit=50", "q=services&sort=newest&limit=50", "q=software%20cloud",
                                   "status=open&sort=closing&limit=50", "q=%22revised%20widget%22%20OR%20data"};
  buf_reset(out);
  for (size_t i = 0; i < COUNT(qs); i++) {
    Query q;
    StoreResults r;
    Err err = ERR_INIT;
    if (parse(&q, qs[i]) || search_index_search(ix, from, &q, NOW, &r, &err)) {
      buf_addf(out, "%s: failed %s\n", qs[i], err.msg);
      continue;
    }
    buf_addf(out, "%s: %lld", qs[i], r.total);
    for (size_t k = 0; k < r.n; k++) buf_addf(out, " %s %.17g", r.hits[k].ocid, r.hits[k].score);
    buf_addc(out, '\n');
    store_results_release(&r);
    query_release(&q);
  }
}

/* Searches on the first snapshot from other threads (each with its own
 * store connection) while this one updates, merges and frees the snapshots
 * that share its segments: each answer must stay the first one. */
typedef struct {
  pthread_t th;
  const SearchIndex *ix;
  const char *path, *want;
  atomic_int *stop;
  long runs, differ;
  char err[sizeof(Err)];
} Reader;

static void *reader_main(void *arg) {
  Reader *r = arg;
  Store *own_st = NULL;
  Err err = ERR_INIT;
  if (store_open(r->path, 0, &own_st, &err)) {
    snprintf(r->err, sizeof r->err, "%s", err.msg);
    return NULL;
  }
  Buf sig = BUF_INIT;
  while (!atomic_load(r->stop) && r->runs < 100000) {
    signature(r->ix, own_st, &sig);
    r->differ += strcmp(sig.data, r->want) != 0;
    r->runs++;
    nanosleep(&(struct timespec){0, 50000000}, NULL); /* 50 ms: the main thread keeps its core */
  }
  buf_release(&sig);
  store_close(own_st);
  return NULL;
}

/* The next snapshot: cur and a delta of what changed since. */
static SearchIndex *update(const SearchIndex *cur, const char *when) {
  Err err = ERR_INIT;
  SearchIndex *x = NULL;
  if (!ok(search_index_update(cur, st, &x, &err) == 0, "%s: search_index_update", when)) {
    printf("# %s\n", err.msg);
    return NULL;
  }
  MSeg d = model_read(1, snap_step, 0, 0);
  snap_step = step;
  model_install(&d, 1, NULL, 0);
  return keep(x);
}

/* The notices of the first build by row (the rows a range holds), and those
 * of them not written here. */
static Obj **by_row, **others;
static size_t n_by_row, n_others;
static int cmp_row(const void *a, const void *b) {
  long long x = (*(Obj *const *)a)->row, y = (*(Obj *const *)b)->row;
  return x < y ? -1 : x > y;
}
/* The i-th notice of the first build, spread over every range, not written here. */
static Obj *spread(unsigned i) { return others[(i * 7919u + 37u) % n_others]; } /* n_others < 7919: all differ */
static Obj *own(unsigned k) { return obj_find(own_ocid[k]); }

static void collect_ocid(void *ctx, const char *ocid, long long row, int64_t seq) {
  (void)seq;
  Buf *b = ctx;
  buf_addf(b, "%lld %s\n", row, ocid);
}

/* The store: the development data, 1,000 generated notices, own 0..59. */
static int load(const char *path) {
  Err err = ERR_INIT;
  if (store_open(path, 0, &st, &err)) {
    printf("# %s\n", err.msg);
    return -1;
  }
  IngestOptions opt = ingest_opt();
  opt.report = fopen("/dev/null", "w");
  IngestStats stats;
  char dev[1024];
  snprintf(dev, sizeof dev, "%s/data/ocds/dev", tap_shared());
  const char *paths[] = {dev};
  int rc = ingest_paths(st, paths, 1, &opt, &stats, &err);
  if (!rc) {
    GenOptions g = {.seed = 11, .now = NOW, .ocid_prefix = NULL};
    Gen *gen = gen_new(&g);
    Buf b = BUF_INIT;
    for (int i = 0; i < 1000; i++) gen_next_notice(gen, &b);
    gen_free(gen);
    rc = ingest_buffer(st, "generated.jsonl", b.data, b.len, &opt, &stats, &err);
    buf_release(&b);
  }
  fclose(opt.report);
  if (rc) printf("# ingest: %s\n", err.msg);
  return rc;
}

#if SEGMENTS_PG
#define PG_BIN "/usr/lib/postgresql/15/bin"
static char dir[64];

/* A child that stops the server when this process ends, however it ends
 * (as test_store_pg.c). */
static void watchdog(void) {
  int fds[2];
  if (pipe(fds) != 0) return;
  pid_t pid = fork();
  if (pid < 0) return;
  if (pid == 0) {
    close(fds[1]);
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) dup2(null, 0), dup2(null, 1), dup2(null, 2);
    char c;
    while (read(fds[0], &c, 1) > 0) {
    }
    execl("/bin/sh", "sh", "scripts/pg.sh", "stop", dir, (char *)NULL);
    _exit(1);
  }
  close(fds[0]);
  fcntl(fds[1], F_SETFD, FD_CLOEXEC);
}

static int pg_sh(const char *fmt) {
  char cmd[256];
  snprintf(cmd, sizeof cmd, fmt, dir);
  return system(cmd);
}
#endif

int main(void) {
#if SEGMENTS_PG
  struct stat sb;
  if (stat(PG_BIN "/initdb", &sb) != 0 || stat("scripts/pg.sh", &sb) != 0) {
    printf("1..0 # SKIP no PostgreSQL 15 in " PG_BIN " (or not run from the repository root)\n");
    return 0;
  }
  snprintf(dir, sizeof dir, "/tmp/ph-test-segpg-XXXXXX");
  if (!mkdtemp(dir)) {
    printf("Bail out! cannot make a folder for the server\n");
    return 1;
  }
  fflush(stdout);
  watchdog();
  if (!ok(pg_sh("scripts/pg.sh start %s >/dev/null") == 0, "a throwaway PostgreSQL server starts")) return done_testing();
  char path[128];
  snprintf(path, sizeof path, "postgresql:///powerhouse?host=%s", dir);
  strict_scores = 1; /* the reference is the index too: the same doubles */
#else
  char path[] = "/tmp/test_segments_XXXXXX";
  int fd = mkstemp(path);
  close(fd);
  unlink(path);
#endif
  if (load(path)) return 1;
  search_index_set_limits(RANGE, DELTA_DOCS, MAX_DELTAS);
  Err err = ERR_INIT;
  Buf b = BUF_INIT;
  StoreStats ss;
  store_stats(st, &ss, &err);
  seq_at[0] = ss.last_seq;

  /* every ocid: those stored, read back by a first index, and own ones */
  SearchIndex *first = NULL;
  if (!ok(search_index_build(st, &first, &err) == 0, "an index of the loaded store")) {
    printf("# %s\n", err.msg);
    return done_testing();
  }
  search_index_each_change(first, 0, collect_ocid, &b);
  search_index_free(first);
  size_t cap = N_OWN + 16;
  for (const char *p = b.data; p && *p; p = strchr(p, '\n') + 1) cap++;
  objs = xcalloc(cap, sizeof *objs);
  for (char *p = b.data; p && *p;) {
    char *nl = strchr(p, '\n'), *sp = strchr(p, ' ');
    *nl = *sp = 0;
    long long row = 0;
    num_parse_ll(p, 1, INT64_MAX, &row);
    objs[n_objs].ocid = xstrdup(sp + 1);
    objs[n_objs].row = row;
    objs[n_objs].step[0] = 0;
    objs[n_objs++].n_changes = 1;
    p = nl + 1;
  }
  for (unsigned k = 0; k < N_OWN; k++) {
    snprintf(own_ocid[k], sizeof own_ocid[k], "ocds-zzsegs-%04u", k);
    objs[n_objs].ocid = xstrdup(own_ocid[k]);
    objs[n_objs++].own = 1;
  }
  qsort(objs, n_objs, sizeof *objs, cmp_obj);
  buf_reset(&b);
  /* step 1: own 0..59 */
  for (unsigned k = 0; k < 60; k++) add_release(&b, own(k), k);
  if (ingest_step(&b)) return done_testing();
  snap_step = 1;

  /* 1. built with small limits: several ranges */
  SearchIndex *ix = NULL;
  if (!ok(search_index_build(st, &ix, &err) == 0, "built with ranges of %d notices", RANGE)) {
    printf("# %s\n", err.msg);
    return done_testing();
  }
  keep(ix);
  {
    Changes c = {.after = 0, .max_seq = INT64_MAX, .seen = xcalloc(n_objs + 1, 1)};
    search_index_each_change(ix, 0, on_change, &c); /* the own notices' rows */
    free(c.seen);
  }
  by_row = xcalloc(n_objs + 1, sizeof *by_row);
  others = xcalloc(n_objs + 1, sizeof *others);
  for (size_t i = 0; i < n_objs; i++)
    if (obj_created(&objs[i], 1)) by_row[n_by_row++] = &objs[i];
  qsort(by_row, n_by_row, sizeof *by_row, cmp_row);
  for (size_t i = 0; i < n_by_row; i++)
    if (!by_row[i]->own) others[n_others++] = by_row[i];
  {
    MSeg r[MAX_MSEG];
    model_install(r, model_read_range(0, INT64_MAX, r, MAX_MSEG), NULL, 0);
  }
  SearchIndexInfo info;
  search_index_info(ix, &info);
  ok(info.segments >= 7 && info.deltas == 0 && info.replaced == 0, "%zu range segments of at most %d notices, no deltas",
     info.segments, RANGE);
  check_snapshot(ix, "built", 120);
  ok(plans_nothing(ix), "built: nothing to merge");
  Buf sig0 = BUF_INIT, sig1 = BUF_INIT;
  signature(ix, st, &sig0);
  atomic_int stop_readers;
  atomic_init(&stop_readers, 0);
  Reader readers[2];
  for (int i = 0; i < 2; i++) {
    readers[i] = (Reader){.ix = ix, .path = path, .want = sig0.data, .stop = &stop_readers};
    pthread_create(&readers[i].th, NULL, reader_main, &readers[i]);
  }

  /* 2. new versions of 12 own notices and 10 others across the ranges, 6 new */
  for (unsigned k = 0; k < 12; k++) add_release(&b, own(k), k);
  for (unsigned i = 0; i < 10; i++) add_release(&b, spread(i), 100 + i);
  for (unsigned k = 60; k < 66; k++) add_release(&b, own(k), k);
  if (ingest_step(&b)) return done_testing();
  SearchIndex *prev = ix;
  if (!(ix = update(ix, "update 1"))) return done_testing();
  search_index_info(ix, &info);
  ok(info.deltas == 1 && info.replaced == 22, "update 1: one delta; the 22 notices changed have their old copy replaced (%zu)",
     info.replaced);
  check_snapshot(ix, "update 1", 80);
  {
    Query q;
    StoreResults r;
    Buf qs = BUF_INIT;
    url_query_add(&qs, "q", own(3)->marker[0]);
    int found = parse(&q, qs.data) == 0 && search_index_search(prev, st, &q, NOW, &r, &err) == 0;
    ok(found && r.total == 1 && !strcmp(r.hits[0].ocid, own(3)->ocid),
       "the snapshot before the update is unchanged: its copy still answers the old marker");
    if (found) store_results_release(&r), query_release(&q);
    buf_release(&qs);
  }
  ok(plans_nothing(ix), "update 1: one delta of 28 notices: nothing to merge");
  {
    /* each_word counts notices: a word that only a replaced copy holds is
     * held by none */
    WordDf old = {own(3)->marker[0], 0}, cur = {own(3)->marker[1], 0};
    search_index_each_word(ix, 1, SIZE_MAX, find_word, &old);
    search_index_each_word(ix, 1, SIZE_MAX, find_word, &cur);
    ok(cur.df == 1, "each_word: the new marker of a changed notice is held by 1 notice (%zu)", cur.df);
    char name[160];
    snprintf(name, sizeof name, "each_word: its old marker, held only by the replaced copy, is held by no notice (%zu)",
             old.df);
    ok(old.df == 0, "%s", name);
  }

  /* 3. small updates until the deltas are more than the limit: a merge of deltas */
  for (int s = 0; s < 4; s++) {
    add_release(&b, spread(10 + 2 * (unsigned)s), 110 + 2 * (unsigned)s);
    add_release(&b, spread(11 + 2 * (unsigned)s), 111 + 2 * (unsigned)s);
    if (s == 0) add_release(&b, spread(0), 100);  /* again: its copy in update 1 is replaced */
    if (s == 1) add_release(&b, own(0), 0);
    if (s >= 2) add_release(&b, own(64 + (unsigned)s), 64 + (unsigned)s); /* 66, 67 new */
    if (s == 3) add_release(&b, own(66), 66);     /* new in the step before, changed again */
    if (ingest_step(&b)) return done_testing();
    char when[32];
    snprintf(when, sizeof when, "update %d", step);
    if (!(ix = update(ix, when))) return done_testing();
  }
  search_index_info(ix, &info);
  size_t deltas_before = info.deltas;
  check_snapshot(ix, "five deltas", 40);
  Planned *p = plan(ix);
  if (ok(p != NULL, "%zu deltas (more than %d): a merge is planned", deltas_before, MAX_DELTAS) && build(p, "deltas") == 0) {
    ix = keep(install(ix, p));
    search_index_info(ix, &info);
    ok(info.deltas < deltas_before, "the merge of deltas leaves fewer (%zu, were %zu)", info.deltas, deltas_before);
    check_snapshot(ix, "deltas merged", 80);
  }
  planned_free(p);

  /* then past the delta limit, in one range: a range merge */
  size_t replaced_before;
  for (unsigned i = 0; i < 2; i++) add_release(&b, by_row[3 * RANGE + 10 + i], 200 + i);
  if (ingest_step(&b) || !(ix = update(ix, "a delta in one range"))) return done_testing();
  for (unsigned i = 2; i < 37; i++) add_release(&b, by_row[3 * RANGE + 10 + i], 200 + i);
  if (ingest_step(&b) || !(ix = update(ix, "35 notices in one range"))) return done_testing();
  search_index_info(ix, &info);
  deltas_before = info.deltas;
  replaced_before = info.replaced;
  check_snapshot(ix, "35 in one range", 40);
  p = plan(ix);
  if (ok(p != NULL, "past %d delta notices: a merge is planned", DELTA_DOCS) && build(p, "range") == 0) {
    ok(!p->is_delta, "it reads a range again");
    ix = keep(install(ix, p));
    search_index_info(ix, &info);
    ok(info.replaced < replaced_before && info.deltas == deltas_before - 2,
       "the range read again replaces the deltas' copies of its notices (%zu replaced, were %zu) and both deltas held "
       "wholly in it go (%zu deltas, were %zu)",
       info.replaced, replaced_before, info.deltas, deltas_before);
    check_snapshot(ix, "range merged", 80);
  }
  planned_free(p);

  /* 4. a merge built, then the store changes: installed into the newer
   * snapshot, whose delta must win */
  Obj *again = NULL; /* in the newest delta, which the merge holds */
  while (search_index_info(ix, &info), info.deltas <= MAX_DELTAS || !again) {
    again = spread(30 + (unsigned)step);
    add_release(&b, again, 130 + (unsigned)step);
    add_release(&b, own(20 + (unsigned)step), 20 + (unsigned)step);
    if (ingest_step(&b) || !(ix = update(ix, "small update"))) return done_testing();
  }
  p = plan(ix);
  if (ok(p != NULL, "race: a merge planned on snapshot A") && build(p, "race, built before the change") == 0) {
    add_release(&b, again, 130 + (unsigned)step);
    add_release(&b, own(1), 1);
    add_release(&b, own(70), 70);
    SearchIndex *a = ix;
    if (ingest_step(&b) || !(ix = update(ix, "race: A to B"))) return done_testing();
    search_index_free(a); /* the plan keeps what it drops */
    snaps[n_snaps - 2] = NULL;
    ix = keep(install(ix, p));
    check_snapshot(ix, "race: merge built before B installed into B", 80);
  }
  planned_free(p);

  /* the same in the order plan on A, update A to B, build, install into B */
  while (!(p = plan(ix))) {
    add_release(&b, own(30 + (unsigned)step), 30 + (unsigned)step);
    if (ingest_step(&b) || !(ix = update(ix, "small update"))) return done_testing();
  }
  add_release(&b, own(1), 1);
  add_release(&b, own(2), 2);
  add_release(&b, own(71), 71);
  if (ingest_step(&b) || !(ix = update(ix, "plan on A, then A to B"))) return done_testing();
  if (build(p, "built after B") == 0) {
    ix = keep(install(ix, p));
    check_snapshot(ix, "merge planned on A installed into B", 80);
  }
  planned_free(p);

  /* 5. what changed since a sequence, on the last snapshot */
  for (int s = 0; s <= step; s += s < 3 || s + 3 >= step ? 1 : 3) {
    char when[32];
    snprintf(when, sizeof when, "last snapshot, step %d", s);
    check_changes(ix, s, when);
  }

  /* a delta whose only notice changes again goes */
  add_release(&b, spread(60), 160);
  if (ingest_step(&b) || !(ix = update(ix, "one notice"))) return done_testing();
  search_index_info(ix, &info);
  size_t deltas_one = info.deltas;
  add_release(&b, spread(60), 160);
  if (ingest_step(&b) || !(ix = update(ix, "the same notice again"))) return done_testing();
  search_index_info(ix, &info);
  ok(info.deltas == deltas_one, "a delta whose only notice changed again goes (%zu deltas, were %zu)", info.deltas,
     deltas_one);
  /* nothing changed: the same segments */
  SearchIndexInfo info_same;
  if (!(ix = update(ix, "nothing changed"))) return done_testing();
  search_index_info(ix, &info_same);
  ok(info_same.segments == info.segments && info_same.deltas == info.deltas && info_same.replaced == info.replaced &&
         info_same.seq == info.seq && info_same.notices == info.notices,
     "an update with nothing changed: the same segments and sequence");
  check_snapshot(ix, "a delta replaced whole", 40);

  /* the last range (open-ended) read again with 70 new notices: cut in two */
  for (unsigned k = 100; k < 170; k++) add_release(&b, own(k), k);
  if (ingest_step(&b) || !(ix = update(ix, "70 new notices"))) return done_testing();
  check_snapshot(ix, "70 new notices", 40);
  p = plan(ix);
  if (ok(p != NULL, "70 new notices: a merge is planned") && build(p, "last range") == 0) {
    ok(!p->is_delta && p->n_built == 2 && p->built[1].upto == INT64_MAX,
       "it reads the last range again, now in two parts (%d)", p->n_built);
    ix = keep(install(ix, p));
    check_snapshot(ix, "last range merged", 80);
  }
  planned_free(p);

  /* 6. plans never installed: one built, one not */
  add_release(&b, own(3), 3);
  if (ingest_step(&b) || !(ix = update(ix, "one more"))) return done_testing();
  search_index_info(ix, &info);
  p = plan(ix);
  Planned *p2 = plan(ix);
  ok(p && p2 && build(p, "discarded") == 0, "two plans of one snapshot, one built, both discarded");
  planned_free(p);
  planned_free(p2);
  search_index_info(ix, &info);
  ok(info.notices > 0, "the snapshot stands after its plans are freed (%zu notices)", info.notices);

  /* every snapshot freed, the readers still searching the first: the odd
   * ones first, then the even ones, newest first; the first still answers
   * as it did */
  for (int i = 1; i < n_snaps; i += 2) search_index_free(snaps[i]);
  for (int i = (n_snaps - 1) & ~1; i > 0; i -= 2) search_index_free(snaps[i]);
  atomic_store(&stop_readers, 1);
  long runs = 0, differ = 0;
  for (int i = 0; i < 2; i++) {
    pthread_join(readers[i].th, NULL);
    runs += readers[i].runs, differ += readers[i].differ;
    if (readers[i].err[0]) printf("# reader: %s\n", readers[i].err);
  }
  ok(runs >= 2 && differ == 0 && !readers[0].err[0] && !readers[1].err[0],
     "2 threads searching the first snapshot meanwhile: %ld runs of 5 queries, %ld differ", runs, differ);
  signature(snaps[0], st, &sig1);
  ok(sig0.len > 200 && !strcmp(sig0.data, sig1.data),
     "the first snapshot answers as it did, after %d steps and every other snapshot freed", step);
  search_index_free(snaps[0]);
  buf_release(&sig0);
  buf_release(&sig1);
  printf("# %d queries compared, %d steps, %d snapshots\n", compared, step, n_snaps);

  search_index_set_limits(0, 0, 0);
  model_free();
  for (size_t i = 0; i < n_objs; i++) free(objs[i].ocid);
  free(objs);
  free(by_row);
  free(others);
  buf_release(&b);
  store_close(st);
#if SEGMENTS_PG
  ok(pg_sh("scripts/pg.sh stop %s") == 0, "the server stops and its folder goes");
#else
  unlink(path);
  char aux[64];
  snprintf(aux, sizeof aux, "%s-wal", path);
  unlink(aux);
  snprintf(aux, sizeof aux, "%s-shm", path);
  unlink(aux);
#endif
  return done_testing();
}

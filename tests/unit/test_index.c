/* test_index.c -- the in-memory search index against the store's own search
 * (SQLite FTS5 + SQL), the reference: on a store holding the real development
 * data and 1,500 generated notices, hundreds of queries (fixed ones for each
 * feature, then random mixes of words, phrases, OR, exclusions, filters and
 * sorts) must give the same totals, the same hits in the same order with the
 * same scores and fields, and cursors that page both engines alike. Also the
 * word folding (token.h) and snippets. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../tap.h"
#include "posted.h"
#include "base/buf.h"
#include "base/url.h"
#include "ingest/ingest.h"
#include "ocds/gen.h"
#include "search/each.h"
#include "search/index.h"
#include "search/snippet.h"
#include "search/token.h"

#define NOW 1795000000 /* 2026-11-18 */

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

/* Compares one page of both engines; returns 1 when equal (and says why not).
 * Scores may differ in the last bits between the store and the index (FTS5
 * sums in its own order); strict: not even that (the index with itself). */
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
        !same_str(x->buyer_name, y->buyer_name) || !same_str(x->currency, y->currency) ||
        x->has_value != y->has_value || (x->has_value && x->value != y->value) || x->sme != y->sme ||
        x->vcse != y->vcse || x->sector != y->sector || x->subcontract != y->subcontract || x->buyer_id != y->buyer_id || !same_str(x->winner, y->winner) || !same_str(x->stage, y->stage) ||
        !same_str(x->award_currency, y->award_currency) || !same_str(x->award_date, y->award_date) ||
        x->has_award_value != y->has_award_value || (x->has_award_value && x->award_value != y->award_value)) {
      printf("# %s: hit %zu: %s (%.17g %s %s %s) vs %s (%.17g %s %s %s)\n", qs, i, x->ocid, x->score, x->status,
             x->deadline ? x->deadline : "-", x->regions ? x->regions : "-", y->ocid, y->score, y->status,
             y->deadline ? y->deadline : "-", y->regions ? y->regions : "-");
      return 0;
    }
    if (!x->snippet != !y->snippet) {
      printf("# %s: hit %zu: snippet %s vs %s\n", qs, i, x->snippet ? x->snippet : "NULL",
             y->snippet ? y->snippet : "NULL");
      return 0;
    }
  }
  return 1;
}

static Store *st;
static SearchIndex *ix;
static int compared, failed_queries, nonempty;

/* The reference answer: the store's search, or with ref_exhaustive the
 * index's own exhaustive paths (search_index_set_exhaustive). */
static int ref_exhaustive;
static int reference(Query *q, StoreResults *a, Err *err) {
  if (!ref_exhaustive) return store_search(st, q, NOW, a, err);
  search_index_set_exhaustive(1);
  int rc = search_index_search(ix, st, q, NOW, a, err);
  search_index_set_exhaustive(0);
  return rc;
}

/* Runs qs on both engines for up to pages pages; the cursor for the next
 * page comes from the index's last hit and is used on both. */
static int compare_pages(const char *qs, int pages) {
  Query q;
  if (parse(&q, qs)) return 0;
  int ok = 1;
  for (int page = 0; page < pages && ok; page++) {
    StoreResults a, b;
    Err e1 = ERR_INIT, e2 = ERR_INIT;
    int r1 = reference(&q, &a, &e1), r2 = search_index_search(ix, st, &q, NOW, &b, &e2);
    if (r1 || r2) {
      ok = r1 == r2;
      if (!ok) printf("# %s: %s / %s\n", qs, e1.msg, e2.msg);
      break;
    }
    ok = same_page(qs, &a, &b);
    if (page == 0 && a.total > 0) nonempty++;
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
  if (!ok) failed_queries++;
  return ok;
}
static int compare(const char *qs) { return compare_pages(qs, 3); }

/* ---- the store -------------------------------------------------------------- */

static int load(const char *path) {
  Err err = ERR_INIT;
  if (store_open(path, 0, &st, &err)) {
    printf("# %s\n", err.msg);
    return -1;
  }
  IngestOptions opt = {0};
  opt.now = NOW;
  opt.report = fopen("/dev/null", "w");
  IngestStats stats;
  char dev[1024];
  snprintf(dev, sizeof dev, "%s/data/ocds/dev", tap_shared());
  const char *paths[] = {dev};
  int rc = ingest_paths(st, paths, 1, &opt, &stats, &err);
  if (!rc) {
    GenOptions g = {.seed = 7, .now = NOW, .ocid_prefix = NULL};
    Gen *gen = gen_new(&g);
    Buf b = BUF_INIT;
    for (int i = 0; i < 1500; i++) gen_next_notice(gen, &b);
    gen_free(gen);
    rc = ingest_buffer(st, "generated.jsonl", b.data, b.len, &opt, &stats, &err);
    buf_release(&b);
  }
  if (!rc) { /* notices posted here: private buyers, sub-contracts */
    Buf b = BUF_INIT;
    posted_notices(&b);
    rc = ingest_buffer(st, "posted.jsonl", b.data, b.len, &opt, &stats, &err);
    buf_release(&b);
  }
  fclose(opt.report);
  if (rc) printf("# ingest: %s\n", err.msg);
  return rc;
}

/* ---- tokens and snippets ------------------------------------------------------ */

static int join_word(void *ctx, const char *w, size_t n, size_t start, size_t end) {
  Buf *b = ctx;
  buf_addf(b, "%s%.*s@%zu-%zu", b->len ? " " : "", (int)n, w, start, end);
  return 0;
}

static void test_tokens(void) {
  Buf b = BUF_INIT;
  token_each("Café e-mail COVID-19, £5", strlen("Café e-mail COVID-19, £5"), join_word, &b);
  is_str(b.data, "cafe@0-5 e@6-7 mail@8-12 covid@13-18 19@19-21 5@25-26", "words, folded, with byte spans");
  buf_reset(&b);
  token_each("ŁÓDŹ Ærø Straße ÇA", strlen("ŁÓDŹ Ærø Straße ÇA"), join_word, &b);
  is_str(b.data, "łodz@0-7 ærø@8-13 straße@14-21 ca@22-25", "Latin letters lose case and accents, others keep");
  buf_reset(&b);
  token_each("a\xff" "b \xe2\x80\x99s", 8, join_word, &b);
  is_str(b.data, "a@0-1 b@2-3 s@7-8", "invalid bytes and curly apostrophes separate words");
  buf_reset(&b);
  token_fold("CAFÉ", strlen("CAFÉ"), &b);
  is_str(b.data, "cafe", "token_fold folds a query word the same way");
  buf_reset(&b);
  token_each("Laptops, analytics; consultants & consultancy (adquisición)", 60, join_word, &b);
  is_str(b.data, "laptop@0-7 analyt@9-18 consult@20-31 consult@34-45 adquisicion@47-59",
         "words are stemmed (Snowball English), spans stay the original words'");
  const char *same[][2] = {{"laptop", "laptops"}, {"analytic", "analytics"}, {"consultants", "consultancy"},
                           {"adquisición", "ADQUISICION"}, {"services", "service"}};
  for (size_t i = 0; i < sizeof same / sizeof *same; i++) {
    Buf x = BUF_INIT, y = BUF_INIT;
    token_term(same[i][0], strlen(same[i][0]), &x);
    token_term(same[i][1], strlen(same[i][1]), &y);
    is_str(buf_cstr(&x), buf_cstr(&y), "token_term: %s and %s are one term", same[i][0], same[i][1]);
    buf_release(&x);
    buf_release(&y);
  }
  buf_release(&b);

  Buf t1 = BUF_INIT, t2 = BUF_INIT;
  token_term("Telecare", 8, &t1);
  token_term("alarms", 6, &t2);
  is_str(buf_cstr(&t2), "alarm", "token_term stems a query word as token_each stems text");
  const char *words[] = {buf_cstr(&t1), buf_cstr(&t2)};
  const char *cols[] = {"Telecare service", "A long text about nothing in particular, then a telecare alarm and "
                                            "the alarms response with many more words after it so that the window "
                                            "has to be cut somewhere near the end of this sentence.",
                        NULL, NULL};
  Buf s = BUF_INIT;
  snippet_make(cols, 4, words, 2, &s);
  ok(strstr(s.data, "\x02telecare\x03 \x02" "alarm\x03") != NULL, "snippet marks the matching words");
  ok(strstr(s.data, "the \x02" "alarms\x03 response") != NULL, "snippet marks the original word of a stem");
  buf_release(&t1);
  buf_release(&t2);
  ok(strncmp(s.data, "A long text", 11) == 0 && s.len > 3 && strcmp(s.data + s.len - 3, "…") == 0,
     "snippet: the text with most query words, its best window, cut with an ellipsis: %s", s.data);
  buf_reset(&s);
  const char *none[] = {"zzz"};
  snippet_make(cols, 4, none, 1, &s);
  is_int((long long)s.len, 0, "no snippet when no text holds a query word");
  buf_release(&s);
}

/* ---- random queries --------------------------------------------------------------- */

static uint64_t rng = 88172645463325252ull;
static unsigned rnd(unsigned n) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (unsigned)(rng % n);
}

static const char *const WORDS[] = {
    "software", "services", "digital",  "data",    "support", "council", "nhs",      "telecare", "cloud",
    "network",  "security", "system",   "leeds",   "care",    "health",  "servicios", "contrato", "de",
    "obras",    "fornecimento", "público", "publico", "construcción", "construccion", "manchester", "training",
    "the",      "and",      "management", "provision", "framework", "microsoft", "hosting", "cyber", "west",
    /* stems: each finds the other forms of its word (Snowball English) */
    "service",  "systems",  "networks", "supporting", "laptops", "analytic", "consultancy", "consultants", "trained",
};
static const char *const FILTERS[] = {
    "status=open",          "status=closed",          "status=awarded",     "status=cancelled,planned",
    "region=TLD",           "region=TLE&region=TLC",  "cpv=72",             "cpv=48&cpv=30",
    "cpv=7222",             "value_min=50000",        "value_max=100000",   "value_min=10000&value_max=500000",
    "closing_within=30",    "closing_after=2026-11-01", "closing_before=2026-12-31", "sme=true",
    "sme=false",            "vcse=true",              "buyer=3",            "closing_within=365&status=open",
    "published_from=2026-06-01", "published_to=2026-08-31", "published_from=2022-01-01&published_to=2022-12-31",
    "published_from=2026-09-15&published_to=2026-09-15",
    "stage=tender",         "stage=award&stage=contract", "stage=pipeline,planned", "stage=terminated&status=cancelled",
    "reserved=sme-vcse",    "reserved=location&stage=tender",
    "sector=private",       "sector=public",          "subcontract=true",   "subcontract=false&sector=private",
    "sector=public,private",
};
static const char *const SORTS[] = {"", "&sort=closing", "&sort=newest", "&sort=value", "&sort=relevance", "&sort=award_date"};

static void random_query(Buf *qs) {
  buf_reset(qs);
  Buf q = BUF_INIT;
  unsigned shape = rnd(10);
  if (shape < 8) {
    int n = 1 + (int)rnd(3);
    for (int i = 0; i < n; i++) {
      unsigned k = rnd(10);
      const char *w = WORDS[rnd(sizeof WORDS / sizeof *WORDS)], *w2 = WORDS[rnd(sizeof WORDS / sizeof *WORDS)];
      if (k == 0) buf_addf(&q, " \"%s %s\"", w, w2);
      else if (k == 1) buf_addf(&q, " %s OR %s", w, w2);
      else if (k == 2 && i) buf_addf(&q, " -%s", w);
      else buf_addf(&q, " %s", w);
    }
  } else if (shape == 8) {
    buf_addf(&q, "-%s", WORDS[rnd(sizeof WORDS / sizeof *WORDS)]);
  }
  if (q.len) url_query_add(qs, "q", q.data + (q.data[0] == ' '));
  int nf = (int)rnd(3);
  for (int i = 0; i < nf; i++) {
    const char *f = FILTERS[rnd(sizeof FILTERS / sizeof *FILTERS)];
    char name[32];
    snprintf(name, sizeof name, "%.*s=", (int)strcspn(f, "="), f);
    if (strstr(qs->data ? qs->data : "", name) || (strstr(f, "closing_within") && strstr(qs->data ? qs->data : "", "closing_within")) ||
        (strstr(f, "&status") && strstr(qs->data ? qs->data : "", "status=")) ||
        (strstr(f, "value_max") && strstr(qs->data ? qs->data : "", "value_max")) ||
        (strstr(f, "published_to") && strstr(qs->data ? qs->data : "", "published_to")))
      continue; /* a once-only parameter given twice is an error */
    buf_addf(qs, "%s%s", qs->len ? "&" : "", f);
  }
  const char *s = SORTS[rnd(6)];
  if (!strcmp(s, "&sort=relevance") && !q.len) s = "";
  buf_adds(qs, qs->len ? s : s + (*s == '&'));
  buf_addf(qs, "%slimit=%u", qs->len ? "&" : "", 1 + rnd(30));
  buf_release(&q);
}

/* ---- conjunctions of common words -------------------------------------------------- */

/* The words held by 1 in 16 notices or more (the ones with bitmaps), chosen
 * from the index by that rule, as bench/search chooses its hard mix. */
#define MAX_COMMON 256
static char *common[MAX_COMMON];
static size_t common_df[MAX_COMMON], n_common;
static void add_common(void *ctx, const char *w, size_t df) {
  (void)ctx;
  if (n_common < MAX_COMMON && strspn(w, "abcdefghijklmnopqrstuvwxyz") == strlen(w) && strcmp(w, "or"))
    common_df[n_common] = df, common[n_common++] = strdup(w);
}

/* An AND of two or three common words, sometimes with an exclusion, a
 * repeated word, filters, another sort; small pages so that many are paged
 * through (and the bound prunes hard: the k-th best is high). */
static void conj_query(Buf *qs, unsigned shape) {
  buf_reset(qs);
  Buf q = BUF_INIT;
  int n = 2 + (int)rnd(2);
  for (int i = 0; i < n; i++) buf_addf(&q, "%s%s", i ? " " : "", common[rnd((unsigned)n_common)]);
  if (shape % 7 == 3) buf_addf(&q, " %s", common[rnd((unsigned)n_common)]); /* maybe one again */
  if (shape % 5 == 4) buf_addf(&q, " -%s", WORDS[rnd(sizeof WORDS / sizeof *WORDS)]);
  url_query_add(qs, "q", q.data);
  if (shape & 1) {
    const char *f = FILTERS[rnd(sizeof FILTERS / sizeof *FILTERS)];
    buf_addf(qs, "&%s", f);
    if (shape & 2 && !strstr(f, "region")) buf_adds(qs, "&region=TLE");
  }
  if (shape % 6 == 5) buf_adds(qs, shape % 4 == 1 ? "&sort=closing" : "&sort=newest");
  buf_addf(qs, "&limit=%u", 1 + rnd(shape % 3 == 0 ? 4 : 25));
  buf_release(&q);
}

/* Under valgrind (scripts/runtests.sh --valgrind sets POWERHOUSE_VALGRIND)
 * every check runs on a tenth of the queries: the same paths (the optimised
 * and ASan runs take them all). */
static int light;
static int reps(int n) { return light ? (n / 10 > 4 ? n / 10 : 4) : n; }

static void test_conjunctions(void) {
  SearchIndexInfo info;
  search_index_info(ix, &info);
  search_index_each_word(ix, (info.notices + 15) / 16, info.notices, add_common, NULL);
  size_t wide = 0; /* in 20-90% of notices, the "common" */
  for (size_t i = 0; i < n_common; i++) wide += common_df[i] * 5 >= info.notices && common_df[i] * 10 <= info.notices * 9;
  ok(info.dense_words >= n_common && n_common >= 10 && wide >= 3,
     "common words held as bitmaps: %zu (%zu chosen, %zu in 20-90%% of notices)", info.dense_words, n_common, wide);
  int ok_store = 1, ok_self = 1, before = failed_queries;
  Buf qs = BUF_INIT;
  /* against the store: totals, order, scores, 6 pages by cursor */
  for (unsigned i = 0; i < (unsigned)reps(150); i++) {
    conj_query(&qs, i);
    ok_store &= compare_pages(qs.data, 6);
  }
  ok(ok_store, "%d ANDs of common words (filters, exclusions, cursors, 6 pages) agree with the store's search (%d differ)",
     reps(150), failed_queries - before);
  /* against the index's exhaustive paths: the same doubles, 12 pages */
  before = failed_queries;
  ref_exhaustive = strict_scores = 1;
  for (unsigned i = 0; i < (unsigned)reps(600); i++) {
    conj_query(&qs, i);
    ok_self &= compare_pages(qs.data, 12);
  }
  ok(ok_self, "%d ANDs of common words, 12 pages each: bitmaps and bounds give the exhaustive pages, bit for bit (%d differ)",
     reps(600), failed_queries - before);
  /* one word with filters counts from its bitmap */
  before = failed_queries;
  int ok_one = 1;
  for (size_t i = 0; i < n_common && i < (size_t)reps(40); i++) {
    buf_reset(&qs);
    url_query_add(&qs, "q", common[i]);
    buf_addf(&qs, "&%s&limit=3", FILTERS[i % (sizeof FILTERS / sizeof *FILTERS)]);
    ok_one &= compare_pages(qs.data, 4);
  }
  ok(ok_one, "a common word with filters: totals from its bitmap, the exhaustive pages (%d differ)", failed_queries - before);
  ref_exhaustive = strict_scores = 0;
  buf_release(&qs);
  for (size_t i = 0; i < n_common; i++) free(common[i]);
}

/* ---- the phrase cache ---------------------------------------------------- */

/* Every ordered pair of WORDS as a phrase: 1,190 of them, most matching
 * nothing (the attack report's flood: each once kept for good). */
#define N_WORDS (sizeof WORDS / sizeof *WORDS)
#define N_PAIRS (N_WORDS * (N_WORDS - 1))
static void pair_query(size_t k, Buf *qs) {
  size_t a = k / (N_WORDS - 1), b = k % (N_WORDS - 1);
  if (b >= a) b++;
  Buf q = BUF_INIT;
  buf_addf(&q, "\"%s %s\"", WORDS[a], WORDS[b]);
  buf_reset(qs);
  url_query_add(qs, "q", q.data);
  buf_adds(qs, "&limit=5");
  buf_release(&q);
}
static long long pair_total[N_PAIRS];

typedef struct {
  unsigned start, step;
  int differ;
} Flood;
static char db_path[64];
static void *flood(void *arg) {
  Flood *f = arg;
  Store *own = NULL; /* a connection of its own: a Store is one thread's */
  Err oe = ERR_INIT;
  if (store_open(db_path, STORE_READONLY, &own, &oe)) {
    f->differ = -1;
    return NULL;
  }
  Buf qs = BUF_INIT;
  for (unsigned i = 0; i < N_PAIRS; i++) {
    size_t k = (f->start + (size_t)i * f->step) % N_PAIRS;
    pair_query(k, &qs);
    Query q;
    StoreResults r;
    Err e = ERR_INIT;
    if (parse(&q, qs.data) || search_index_search(ix, own, &q, NOW, &r, &e)) {
      f->differ++;
      continue;
    }
    if (r.total != pair_total[k]) f->differ++;
    store_results_release(&r);
    query_release(&q);
  }
  buf_release(&qs);
  store_close(own);
  return NULL;
}

static void test_phrases(void) {
  Buf qs = BUF_INIT;
  int agree = 1;
  for (size_t k = 0; k < N_PAIRS; k++) { /* one pass, each against the store */
    pair_query(k, &qs);
    Query q;
    StoreResults a, b;
    Err e = ERR_INIT;
    int against = !light || k % 10 == 0; /* under valgrind a tenth against the store */
    if (parse(&q, qs.data) || (against && store_search(st, &q, NOW, &a, &e)) ||
        search_index_search(ix, st, &q, NOW, &b, &e)) {
      agree = 0;
      continue;
    }
    pair_total[k] = b.total;
    if (against) agree &= same_page(qs.data, &a, &b);
    if (against) store_results_release(&a);
    store_results_release(&b);
    query_release(&q);
  }
  SearchIndexInfo info;
  search_index_info(ix, &info);
  ok(agree, "%zu phrases (most match nothing): the same pages as the store's search", (size_t)N_PAIRS);
  ok(info.phrases >= 100 && info.phrases <= 256 * info.segments,
     "the phrase cache is bounded: %zu of %zu phrases kept (%zu KB) in %zu segment(s)", info.phrases,
     (size_t)N_PAIRS, info.phrase_bytes / 1024, info.segments);
  /* two threads run them again in other orders: evictions while the other
   * holds phrases (freed only when let go: ASan and ThreadSanitizer watch) */
  Flood f[2] = {{0, 1, 0}, {N_PAIRS / 2, 7, 0}};
  pthread_t th[2];
  for (int i = 0; i < 2; i++) pthread_create(&th[i], NULL, flood, &f[i]);
  for (int i = 0; i < 2; i++) pthread_join(th[i], NULL);
  search_index_info(ix, &info);
  ok(f[0].differ + f[1].differ == 0 && info.phrases <= 256 * info.segments,
     "two threads, %zu phrases each while the cache evicts: the same totals (%d differ), still bounded (%zu kept)",
     (size_t)N_PAIRS, f[0].differ + f[1].differ, info.phrases);
  buf_release(&qs);
}

/* An index of an empty store answers every kind of query with nothing. */
/* ---- open notices first ---------------------------------------------------------- */

typedef struct {
  const Query *q;
  Buf ocids;
  long long n, n_open, misplaced, unordered;
  int seen_closed, has_last;
  double last_key;
} Walk;

static int walk_hit(void *ctx, const StoreHit *h, Err *err) {
  Walk *w = ctx;
  int group = hits_group(w->q, h), has_key;
  double key;
  search_hit_key(w->q, h, &has_key, &key);
  if (group == 0 && w->seen_closed) w->misplaced++;
  if (group == 0) w->n_open++;
  if (group == 1 && !w->seen_closed) w->seen_closed = 1, w->has_last = 0;
  /* within a group: relevance and newest descend, a hit without a key last */
  if (w->has_last && has_key && key > w->last_key) w->unordered++;
  if (has_key) w->has_last = 1, w->last_key = key;
  buf_addf(&w->ocids, "%s\n", h->ocid);
  w->n++;
  return 0;
}

static void test_open_first(void) {
  static const char *const qs[] = {"", "q=services", "status=open,closed,awarded&region=TLD", "q=software&cpv=72",
                                   "q=data&sort=relevance"};
  int all_ok = 1, some_open = 0, some_closed = 0;
  for (size_t i = 0; i < sizeof qs / sizeof *qs; i++) {
    Walk w[2];
    long long total = -1;
    for (int e = 0; e < 2; e++) {
      Query q;
      parse(&q, qs[i]);
      q.limit = 7; /* many pages, cursors across the groups */
      memset(&w[e], 0, sizeof w[e]);
      w[e].q = &q;
      Err err = ERR_INIT;
      StoreResults r;
      if (e == 0 && search_index_search(ix, st, &q, NOW, &r, &err) == 0) total = r.total, store_results_release(&r);
      /* search_each pages with limit 100: walk with the small limit by hand */
      q.limit = 7;
      for (;;) {
        if ((e ? store_search(st, &q, NOW, &r, &err) : search_index_search(ix, st, &q, NOW, &r, &err)) != 0) break;
        for (size_t k = 0; k < r.n; k++) walk_hit(&w[e], &r.hits[k], &err);
        int more = r.has_more && r.n;
        if (more) {
          search_cursor_after(&q, &r.hits[r.n - 1]);
        }
        store_results_release(&r);
        if (!more) break;
      }
      if (i < 4) {
        some_open |= w[e].n_open > 0;
        some_closed |= w[e].seen_closed;
      }
      w[e].q = NULL;
      query_release(&q);
    }
    int good = w[0].n == total && w[1].n == total && !w[0].misplaced && !w[0].unordered &&
               strcmp(buf_cstr(&w[0].ocids), buf_cstr(&w[1].ocids)) == 0;
    if (!good)
      printf("# %s: total %lld, walked %lld / %lld, misplaced %lld, unordered %lld, same %d\n", qs[i], total, w[0].n,
             w[1].n, w[0].misplaced, w[0].unordered, strcmp(buf_cstr(&w[0].ocids), buf_cstr(&w[1].ocids)) == 0);
    all_ok &= good;
    buf_release(&w[0].ocids);
    buf_release(&w[1].ocids);
  }
  ok(some_open && some_closed, "the open-first queries hold both open and other notices");
  ok(all_ok, "without a sort, open notices first, then the others, each in the default order; paging by cursor "
             "visits every match once, the same on the index and the store");
  Query q;
  parse(&q, "q=services&sort=relevance");
  ok(!q.open_first, "a sort asked for turns open-first off");
  query_release(&q);
}

/* Awarded notices' hits carry their award; the others none. */
static void test_awards(void) {
  static const char *const qs[] = {"status=awarded&limit=100&sort=newest", "status=open,closed&limit=100&sort=newest"};
  long long with[2] = {0, 0}, n[2] = {0, 0};
  int both_ok = 1;
  for (int k = 0; k < 2; k++) {
    Query q;
    parse(&q, qs[k]);
    StoreResults r;
    Err err = ERR_INIT;
    if (search_index_search(ix, st, &q, NOW, &r, &err) == 0) {
      for (size_t i = 0; i < r.n; i++) {
        const StoreHit *h = &r.hits[i];
        n[k]++;
        if (h->winner) with[k]++;
        /* a winner comes with its award's date (the generated awards all have one) */
        if (h->winner && (!h->award_date || strlen(h->award_date) < 10)) both_ok = 0;
      }
      store_results_release(&r);
    }
    both_ok &= compare(qs[k]); /* and the store's search has the same */
    query_release(&q);
  }
  ok(n[0] > 0 && with[0] > n[0] / 2, "awarded notices carry a winner and the award's date (%lld of %lld)", with[0], n[0]);
  ok(n[1] > 0 && with[1] == 0, "notices not awarded carry none (%lld of %lld)", with[1], n[1]);
  ok(both_ok, "the award fields are the same on the store's search");
}

static void test_empty(void) {
  char path[] = "/tmp/test_index_empty_XXXXXX";
  int fd = mkstemp(path);
  close(fd);
  unlink(path);
  Store *es = NULL;
  SearchIndex *ex = NULL;
  Err err = ERR_INIT;
  int ok_all = store_open(path, 0, &es, &err) == 0 && search_index_build(es, &ex, &err) == 0;
  static const char *const qs[] = {"", "q=software", "q=%22a%20b%22%20-c", "status=open&sort=closing",
                                   "q=a&sort=value&region=TLD&cpv=722&value_min=5&closing_within=3&buyer=2"};
  for (size_t i = 0; ok_all && i < sizeof qs / sizeof *qs; i++) {
    Query q;
    StoreResults r;
    ok_all = parse(&q, qs[i]) == 0 && search_index_search(ex, es, &q, NOW, &r, &err) == 0 && r.total == 0 && r.n == 0;
    if (ok_all) store_results_release(&r);
    query_release(&q);
  }
  ok(ok_all, "an empty store's index answers every query with nothing (%s)", err.msg);
  search_index_free(ex);
  store_close(es);
  tap_unlink_db(path);
}

int main(void) {
  char path[] = "/tmp/test_index_XXXXXX";
  int fd = mkstemp(path);
  close(fd);
  unlink(path);
  const char *vg = getenv("POWERHOUSE_VALGRIND");
  light = vg && *vg == '1';
  snprintf(db_path, sizeof db_path, "%s", path);
  test_tokens();
  test_empty();
  if (load(path)) return 1;
  Err err = ERR_INIT;
  if (!ok(search_index_build(st, &ix, &err) == 0, "index built from the store")) {
    printf("# %s\n", err.msg);
    return done_testing();
  }
  SearchIndexInfo info;
  search_index_info(ix, &info);
  StoreStats ss;
  store_stats(st, &ss, &err);
  is_int((long long)info.notices, ss.notices, "index holds every notice");
  is_int(info.seq, ss.last_seq, "index knows the change sequence it reflects");
  printf("# %zu notices, %zu words, %zu postings, %zu KB\n", info.notices, info.words, info.postings,
         info.bytes / 1024);

  static const char *const fixed[] = {
      "q=software",
      "q=services",
      "q=software&sort=closing",
      "q=software&sort=newest&limit=7",
      "q=software&sort=value",
      "q=digital%20data",
      "q=%22cyber%20security%22",
      "q=%22data%20platform%22%20OR%20cloud",
      "q=software%20-microsoft",
      "q=-software",
      "q=telecare%20OR%20alarm%20leeds",
      "q=servicios",
      "q=construcci%C3%B3n",
      "q=CONSTRUCCION",
      "q=fornecimento%20de",
      "q=zzzznotaword",
      "q=software%20zzzznotaword",
      "q=%22zzzz%20software%22%20OR%20software",
      "status=open",
      "status=closed&sort=closing",
      "status=open,awarded&region=TLD",
      "region=TLC&region=TLE&sort=value",
      "cpv=72&sort=newest",
      "cpv=4800&sme=true",
      "value_min=100000&value_max=2000000&sort=value",
      "closing_within=30&sort=closing",
      "closing_after=2026-12-01&closing_before=2027-01-31",
      "vcse=false&sme=false&limit=50",
      "buyer=1",
      "sort=award_date",
      "sort=award_date&status=awarded&limit=7",
      "q=services&sort=award_date",
      "q=services&status=open&region=TLD&sort=closing",
      "q=software%20OR%20hosting&cpv=72&value_min=50000",
      "sector=private&sort=newest",
      "q=software&subcontract=true",
      "sector=public&subcontract=false&status=open&sort=closing",
      "",
      "limit=100",
  };
  int fixed_ok = 1;
  for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++) fixed_ok &= compare(fixed[i]);
  ok(fixed_ok, "the fixed queries: same totals, hits, order, scores and fields as the store's search");
  { /* of the 30 posted notices, 15 have a private buyer, 10 are sub-contracts, 5 both; no other is either */
    static const struct { const char *qs; long long total; } marks[] = {
        {"sector=private", 15}, {"subcontract=true", 10}, {"sector=private&subcontract=true", 5},
        {"sector=public&subcontract=true", 5}, {"sector=public", -15}, {"sector=public,private", 0}};
    int marks_ok = 1;
    for (size_t i = 0; i < sizeof marks / sizeof *marks; i++) {
      Query q;
      StoreResults r;
      parse(&q, marks[i].qs);
      long long want = marks[i].total > 0 ? marks[i].total : ss.notices + marks[i].total;
      marks_ok &= search_index_search(ix, st, &q, NOW, &r, &err) == 0 && r.total == want &&
                  (!r.n || !strstr(marks[i].qs, "sector=private") || r.hits[0].sector == NOTICE_PRIVATE) &&
                  (!r.n || !strstr(marks[i].qs, "subcontract=true") || r.hits[0].subcontract);
      if (r.total != want) printf("# %s: %lld notices, not %lld\n", marks[i].qs, r.total, want);
      store_results_release(&r);
      query_release(&q);
    }
    ok(marks_ok, "sector and subcontract filters find the posted notices so marked, and every other notice as public");
  }

  Buf qs = BUF_INIT;
  int random_ok = 1;
  for (int i = 0; i < reps(400); i++) {
    random_query(&qs);
    random_ok &= compare(qs.data);
  }
  buf_release(&qs);
  ok(nonempty > compared / 2, "most queries match something (%d of %d)", nonempty, compared);
  ok(random_ok, "%d random queries agree with the store's search (%d compared, %d differ)", reps(400), compared,
     failed_queries);

  test_conjunctions();
  test_phrases();
  test_open_first();
  test_awards();

  /* a cursor made by the store's search pages the index the same */
  Query q;
  parse(&q, "q=services&sort=newest&limit=5");
  StoreResults a, b;
  store_search(st, &q, NOW, &a, &err);
  int has_key;
  double key;
  search_hit_key(&q, &a.hits[4], &has_key, &key);
  q.has_cursor = 1;
  q.cursor.sort = q.sort;
  q.cursor.has_key = has_key;
  q.cursor.key = key;
  snprintf(q.cursor.ocid, sizeof q.cursor.ocid, "%s", a.hits[4].ocid);
  store_results_release(&a);
  store_search(st, &q, NOW, &a, &err);
  search_index_search(ix, st, &q, NOW, &b, &err);
  ok(same_page("cursor from the store", &a, &b), "a store cursor continues the same in the index");
  store_results_release(&a);
  store_results_release(&b);
  query_release(&q);

  /* snippets mark the words */
  parse(&q, "q=software");
  search_index_search(ix, st, &q, NOW, &b, &err);
  ok(b.n && b.hits[0].snippet && strstr(b.hits[0].snippet, "\x02"), "hits carry a marked snippet");
  store_results_release(&b);
  query_release(&q);
  parse(&q, "sort=newest");
  search_index_search(ix, st, &q, NOW, &b, &err);
  ok(b.n && b.hits[0].snippet && !strchr(b.hits[0].snippet, '\x02'), "without keywords, the description's start");
  store_results_release(&b);
  query_release(&q);

  /* the same store cut into ranges of 300 notices: the same answers */
  search_index_free(ix);
  search_index_set_limits(300, 0, 0);
  ix = NULL;
  if (ok(search_index_build(st, &ix, &err) == 0, "index built in ranges of 300 notices")) {
    search_index_info(ix, &info);
    ok(info.segments == (info.notices + 299) / 300, "%zu segments", info.segments);
    int seg_ok = 1;
    compared = failed_queries = 0;
    for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++) seg_ok &= compare(fixed[i]);
    for (int i = 0; i < reps(400); i++) {
      random_query(&qs);
      seg_ok &= compare(qs.data);
    }
    buf_release(&qs);
    ok(seg_ok, "in segments, the fixed and %d random queries agree with the store's search (%d compared, %d differ)",
       reps(400), compared, failed_queries);
    n_common = 0;
    test_conjunctions();
  }
  search_index_set_limits(0, 0, 0);

  search_index_free(ix);
  store_close(st);
  tap_unlink_db(path);
  return done_testing();
}

/* index.c -- see index.h.
 *
 * Notices are numbered 0..n-1 in row id order ("docs"). Positions encode the
 * column in their top bits (column << 24 | token number), so a phrase never
 * runs from one column into the next and an instance's column (its weight)
 * is pos >> 24.
 *
 * BM25 is computed as FTS5's bm25() computes it, operation for operation, so
 * the scores are the same doubles: for each phrase i of the query (the
 * positive alternatives, in order), f_i = the sum of the column weights of
 * its instances in the notice, and
 *   score = sum_i idf_i * (f_i * (k1 + 1)) / (f_i + k1 * (1 - b + b * D / avgdl))
 * with k1 = 1.2, b = 0.75, D the notice's tokens, avgdl the mean over all
 * notices, idf_i = log((N - n_i + 0.5) / (n_i + 0.5)) (1e-6 when <= 0), n_i
 * the notices holding phrase i. */
#include "search/index.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/date.h"
#include "search/snippet.h"
#include "search/token.h"

#define BLOCK 128
#define N_COLS 4
#define COL_SHIFT 24
#define MAX_COL_TOKENS ((1u << COL_SHIFT) - 1)
#define END UINT32_MAX
#define NONE_TIME INT64_MIN

static const double K1 = 1.2, B = 0.75;
static const double WEIGHT[N_COLS] = {10.0, 1.0, 3.0, 2.0};

/* ---- growable bytes ------------------------------------------------------- */

typedef struct {
  uint8_t *p;
  size_t n, cap;
} Bytes;

static inline void bytes_room(Bytes *b, size_t extra) {
  if (b->n + extra > b->cap) {
    b->cap = b->cap ? b->cap * 2 : 16;
    while (b->cap < b->n + extra) b->cap *= 2;
    b->p = xrealloc(b->p, b->cap);
  }
}

static inline void put_varint(Bytes *b, uint32_t v) {
  bytes_room(b, 5);
  while (v >= 0x80) {
    b->p[b->n++] = (uint8_t)(v | 0x80);
    v >>= 7;
  }
  b->p[b->n++] = (uint8_t)v;
}

static inline uint32_t get_varint(const uint8_t **pp) {
  const uint8_t *p = *pp;
  uint32_t v = *p & 0x7F;
  int shift = 7;
  while (*p++ & 0x80) {
    v |= (uint32_t)(*p & 0x7F) << shift;
    shift += 7;
  }
  *pp = p;
  return v;
}

/* ---- the index ------------------------------------------------------------ */

typedef struct {
  uint32_t last;     /* the block's last doc */
  uint32_t off;      /* its postings in Term.post */
  uint32_t pos_off;  /* its positions in Term.pos */
  uint32_t max_f;    /* the largest weighted frequency in it */
  uint32_t min_len;  /* the fewest tokens of a doc in it */
} Block;

typedef struct {
  char *word;
  uint32_t df, n_blocks;
  Block *blocks;
  const uint8_t *post; /* per doc: varint doc delta, varint weighted frequency */
  const uint8_t *pos;  /* per doc: varint count, varint position deltas */
  /* while building */
  Bytes bpost, bpos;
  uint32_t cap_blocks, prev_doc;
} Term;

typedef struct {
  char *word;
  size_t n_words;
  long long df;
} PhraseDf;

#define PHRASE_CACHE 64

struct SearchIndex {
  uint32_t n;
  int64_t *row;
  uint32_t *ocid_off;
  char *ocid_pool;
  uint32_t *rank;    /* rank of the doc's ocid among all (strcmp order) */
  uint32_t *by_ocid; /* docs in ocid order */
  uint8_t *status;   /* NoticeStatus as stored */
  int64_t *deadline, *published; /* NONE_TIME when none */
  double *value;                 /* NAN when none */
  int8_t *sme, *vcse;            /* Flag */
  uint16_t *regions;             /* bit (letter - 'C') of TLC..TLN */
  int64_t *buyer;
  uint32_t *cpv_off, *cpv;       /* doc d's codes: cpv[cpv_off[d] .. cpv_off[d+1]), main first */
  uint32_t *len;                 /* tokens */
  double *norm;                  /* K1 * (1 - B + B * len / avgdl) */
  double avgdl;

  Term *terms;
  uint32_t n_terms, cap_terms;
  uint32_t *slots; /* hash of words: term index + 1, 0 empty */
  uint32_t n_slots;
  uint8_t *post_all, *pos_all;
  size_t postings;

  int64_t seq;
  double build_s;
  size_t bytes;

  pthread_mutex_t mu; /* guards phrases */
  PhraseDf phrases[PHRASE_CACHE];
  unsigned next_phrase;
};

static uint64_t hash_word(const char *w, size_t n) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)w[i]) * 1099511628211ull;
  return h ^ (h >> 29);
}

/* The term of word, or -1. */
static long find_term(const SearchIndex *ix, const char *w, size_t n) {
  if (!ix->n_slots) return -1;
  uint32_t mask = ix->n_slots - 1, i = (uint32_t)hash_word(w, n) & mask;
  for (;;) {
    uint32_t s = ix->slots[i];
    if (!s) return -1;
    const char *t = ix->terms[s - 1].word;
    if (strncmp(t, w, n) == 0 && t[n] == 0) return (long)s - 1;
    i = (i + 1) & mask;
  }
}

static void rehash(SearchIndex *ix) {
  uint32_t n = ix->n_slots ? ix->n_slots * 2 : 1u << 16;
  uint32_t *slots = xcalloc(n, sizeof *slots);
  for (uint32_t t = 0; t < ix->n_terms; t++) {
    const char *w = ix->terms[t].word;
    uint32_t i = (uint32_t)hash_word(w, strlen(w)) & (n - 1);
    while (slots[i]) i = (i + 1) & (n - 1);
    slots[i] = t + 1;
  }
  free(ix->slots);
  ix->slots = slots;
  ix->n_slots = n;
}

static uint32_t intern(SearchIndex *ix, const char *w, size_t n) {
  if ((uint64_t)(ix->n_terms + 1) * 2 > ix->n_slots) rehash(ix);
  uint32_t mask = ix->n_slots - 1, i = (uint32_t)hash_word(w, n) & mask;
  for (;;) {
    uint32_t s = ix->slots[i];
    if (!s) break;
    const char *t = ix->terms[s - 1].word;
    if (strncmp(t, w, n) == 0 && t[n] == 0) return s - 1;
    i = (i + 1) & mask;
  }
  if (ix->n_terms == ix->cap_terms) {
    ix->cap_terms = ix->cap_terms ? ix->cap_terms * 2 : 4096;
    ix->terms = xrealloc(ix->terms, ix->cap_terms * sizeof *ix->terms);
  }
  Term *t = &ix->terms[ix->n_terms];
  memset(t, 0, sizeof *t);
  t->word = xstrndup(w, n);
  ix->slots[i] = ++ix->n_terms;
  return ix->n_terms - 1;
}

/* ---- building ------------------------------------------------------------- */

typedef struct {
  SearchIndex *ix;
  /* columns as they grow */
  size_t cap;
  Buf ocids;
  uint32_t *cpv;
  size_t n_cpv, cap_cpv;
  /* the doc being tokenized: (term << 32 | pos) */
  uint64_t *occ;
  size_t n_occ, cap_occ;
  uint32_t col, col_tokens;
  uint64_t total_tokens;
} Builder;

static void grow_columns(Builder *b) {
  SearchIndex *ix = b->ix;
  size_t c = b->cap = b->cap ? b->cap * 2 : 1024;
  ix->row = xrealloc(ix->row, c * sizeof *ix->row);
  ix->ocid_off = xrealloc(ix->ocid_off, c * sizeof *ix->ocid_off);
  ix->status = xrealloc(ix->status, c * sizeof *ix->status);
  ix->deadline = xrealloc(ix->deadline, c * sizeof *ix->deadline);
  ix->published = xrealloc(ix->published, c * sizeof *ix->published);
  ix->value = xrealloc(ix->value, c * sizeof *ix->value);
  ix->sme = xrealloc(ix->sme, c * sizeof *ix->sme);
  ix->vcse = xrealloc(ix->vcse, c * sizeof *ix->vcse);
  ix->regions = xrealloc(ix->regions, c * sizeof *ix->regions);
  ix->buyer = xrealloc(ix->buyer, c * sizeof *ix->buyer);
  ix->cpv_off = xrealloc(ix->cpv_off, (c + 1) * sizeof *ix->cpv_off);
  ix->len = xrealloc(ix->len, c * sizeof *ix->len);
}

static int on_word(void *ctx, const char *w, size_t n, size_t start, size_t end) {
  Builder *b = ctx;
  if (b->col_tokens >= MAX_COL_TOKENS) return 1;
  uint32_t t = intern(b->ix, w, n);
  if (b->n_occ == b->cap_occ) {
    b->cap_occ = b->cap_occ ? b->cap_occ * 2 : 1024;
    b->occ = xrealloc(b->occ, b->cap_occ * sizeof *b->occ);
  }
  b->occ[b->n_occ++] = (uint64_t)t << 32 | (b->col << COL_SHIFT | b->col_tokens++);
  return 0;
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

/* Appends doc d's postings (b->occ) to its terms. */
static void add_postings(Builder *b, uint32_t d, uint32_t len) {
  SearchIndex *ix = b->ix;
  qsort(b->occ, b->n_occ, sizeof *b->occ, cmp_u64);
  for (size_t i = 0; i < b->n_occ;) {
    uint32_t t = (uint32_t)(b->occ[i] >> 32);
    size_t j = i;
    double f = 0;
    while (j < b->n_occ && (uint32_t)(b->occ[j] >> 32) == t) f += WEIGHT[(uint32_t)b->occ[j++] >> COL_SHIFT];
    Term *term = &ix->terms[t];
    if (term->df % BLOCK == 0) {
      if (term->n_blocks == term->cap_blocks) {
        term->cap_blocks = term->cap_blocks ? term->cap_blocks * 2 : 1;
        term->blocks = xrealloc(term->blocks, term->cap_blocks * sizeof *term->blocks);
      }
      Block *bl = &term->blocks[term->n_blocks++];
      bl->off = (uint32_t)term->bpost.n;
      bl->pos_off = (uint32_t)term->bpos.n;
      bl->max_f = 0;
      bl->min_len = UINT32_MAX;
    }
    Block *bl = &term->blocks[term->n_blocks - 1];
    put_varint(&term->bpost, d - (term->df ? term->prev_doc : 0));
    put_varint(&term->bpost, (uint32_t)f);
    bl->last = d;
    if ((uint32_t)f > bl->max_f) bl->max_f = (uint32_t)f;
    if (len < bl->min_len) bl->min_len = len;
    term->prev_doc = d;
    term->df++;
    put_varint(&term->bpos, (uint32_t)(j - i));
    uint32_t prev = 0;
    for (size_t k = i; k < j; k++) {
      uint32_t p = (uint32_t)b->occ[k];
      put_varint(&term->bpos, p - prev);
      prev = p;
    }
    ix->postings++;
    i = j;
  }
  b->n_occ = 0;
}

static int64_t parse_time(const char *s) {
  time_t t;
  return s && date_parse(s, &t) == 0 ? (int64_t)t : NONE_TIME;
}

static uint32_t parse_cpv(const char *s, int *ok) {
  uint32_t v = 0;
  *ok = 0;
  for (int i = 0; i < 8; i++) {
    if (s[i] < '0' || s[i] > '9') return 0;
    v = v * 10 + (uint32_t)(s[i] - '0');
  }
  *ok = 1;
  return v;
}

static int on_doc(void *ctx, const StoreIndexDoc *d, Err *err) {
  Builder *b = ctx;
  SearchIndex *ix = b->ix;
  if (ix->n == b->cap) grow_columns(b);
  if (ix->n == UINT32_MAX - 1) return err_set(err, ERR_USAGE, "too many notices for the search index");
  uint32_t i = ix->n++;
  ix->row[i] = d->id;
  ix->ocid_off[i] = (uint32_t)b->ocids.len;
  buf_add(&b->ocids, d->ocid, strlen(d->ocid) + 1);
  NoticeStatus s;
  ix->status[i] = d->status && notice_status_parse(d->status, &s) == 0 ? (uint8_t)s : (uint8_t)NOTICE_CLOSED;
  ix->deadline[i] = parse_time(d->deadline);
  ix->published[i] = parse_time(d->published);
  ix->value[i] = d->has_value ? d->value : NAN;
  ix->sme[i] = (int8_t)d->sme;
  ix->vcse[i] = (int8_t)d->vcse;
  uint16_t r = 0;
  for (size_t k = 0; k < d->n_regions; k++) {
    const char *c = d->regions[k];
    if (c[0] == 'T' && c[1] == 'L' && c[2] >= 'C' && c[2] <= 'N' && !c[3]) r |= (uint16_t)(1u << (c[2] - 'C'));
  }
  ix->regions[i] = r;
  ix->buyer[i] = d->buyer_id;
  ix->cpv_off[i] = (uint32_t)b->n_cpv;
  for (size_t k = 0; k < d->n_cpv; k++) {
    int ok;
    uint32_t v = parse_cpv(d->cpv[k], &ok);
    if (!ok) continue;
    if (b->n_cpv == b->cap_cpv) {
      b->cap_cpv = b->cap_cpv ? b->cap_cpv * 2 : 4096;
      b->cpv = xrealloc(b->cpv, b->cap_cpv * sizeof *b->cpv);
    }
    b->cpv[b->n_cpv++] = v;
  }
  const char *cols[N_COLS] = {d->title, d->description, d->buyer_name, d->cpv_text};
  uint32_t len = 0;
  for (uint32_t c = 0; c < N_COLS; c++) {
    if (!cols[c]) continue;
    b->col = c;
    b->col_tokens = 0;
    token_each(cols[c], strlen(cols[c]), on_word, b);
    len += b->col_tokens;
  }
  ix->len[i] = len;
  b->total_tokens += len;
  add_postings(b, i, len);
  return 0;
}

static const SearchIndex *sort_ix; /* qsort has no context argument; guarded by sort_mu */
static pthread_mutex_t sort_mu = PTHREAD_MUTEX_INITIALIZER;
static int cmp_ocid(const void *a, const void *b) {
  const SearchIndex *ix = sort_ix;
  return strcmp(ix->ocid_pool + ix->ocid_off[*(const uint32_t *)a], ix->ocid_pool + ix->ocid_off[*(const uint32_t *)b]);
}

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int search_index_build(Store *st, SearchIndex **out, Err *err) {
  double t0 = now_s();
  *out = NULL;
  SearchIndex *ix = xcalloc(1, sizeof *ix);
  pthread_mutex_init(&ix->mu, NULL);
  Builder b = {0};
  b.ix = ix;
  int rc = store_index_scan(st, on_doc, &b, &ix->seq, err);
  free(b.occ);
  if (rc) {
    ix->ocid_pool = buf_detach(&b.ocids, NULL);
    free(b.cpv);
    search_index_free(ix);
    return rc;
  }
  if (!b.cap) grow_columns(&b);
  size_t pool_len = b.ocids.len;
  ix->ocid_pool = buf_detach(&b.ocids, NULL);
  if (!ix->ocid_pool) ix->ocid_pool = xstrdup("");
  ix->cpv_off[ix->n] = (uint32_t)b.n_cpv;
  ix->cpv = b.cpv ? b.cpv : xmalloc(sizeof *ix->cpv);

  /* ranks of ocids */
  ix->by_ocid = xmalloc((ix->n + 1) * sizeof *ix->by_ocid);
  ix->rank = xmalloc((ix->n + 1) * sizeof *ix->rank);
  for (uint32_t i = 0; i < ix->n; i++) ix->by_ocid[i] = i;
  pthread_mutex_lock(&sort_mu);
  sort_ix = ix;
  qsort(ix->by_ocid, ix->n, sizeof *ix->by_ocid, cmp_ocid);
  pthread_mutex_unlock(&sort_mu);
  for (uint32_t i = 0; i < ix->n; i++) ix->rank[ix->by_ocid[i]] = i;

  /* length normalisers, as FTS5 computes them */
  ix->avgdl = ix->n ? (double)b.total_tokens / (double)ix->n : 1.0;
  ix->norm = xmalloc((ix->n + 1) * sizeof *ix->norm);
  for (uint32_t i = 0; i < ix->n; i++) ix->norm[i] = K1 * (1 - B + B * (double)ix->len[i] / ix->avgdl);

  /* postings into two arrays */
  size_t np = 0, nq = 0;
  for (uint32_t t = 0; t < ix->n_terms; t++) np += ix->terms[t].bpost.n, nq += ix->terms[t].bpos.n;
  ix->post_all = xmalloc(np + 8);
  ix->pos_all = xmalloc(nq + 8);
  np = nq = 0;
  for (uint32_t t = 0; t < ix->n_terms; t++) {
    Term *term = &ix->terms[t];
    if (term->bpost.n) memcpy(ix->post_all + np, term->bpost.p, term->bpost.n);
    if (term->bpos.n) memcpy(ix->pos_all + nq, term->bpos.p, term->bpos.n);
    term->post = ix->post_all + np;
    term->pos = ix->pos_all + nq;
    np += term->bpost.n;
    nq += term->bpos.n;
    free(term->bpost.p);
    free(term->bpos.p);
    memset(&term->bpost, 0, sizeof term->bpost);
    memset(&term->bpos, 0, sizeof term->bpos);
    if (term->n_blocks < term->cap_blocks) term->blocks = xrealloc(term->blocks, term->n_blocks * sizeof *term->blocks);
    ix->bytes += term->n_blocks * sizeof(Block) + strlen(term->word) + 1;
  }
  size_t n = ix->n;
  ix->bytes += np + nq + ix->n_terms * sizeof(Term) + ix->n_slots * 4 + b.n_cpv * 4 + ix->cpv_off[n] +
               n * (8 + 4 + 4 + 4 + 1 + 8 + 8 + 8 + 1 + 1 + 2 + 8 + 4 + 4 + 8) + pool_len;
  ix->build_s = now_s() - t0;
  *out = ix;
  return 0;
}

void search_index_free(SearchIndex *ix) {
  if (!ix) return;
  free(ix->row);
  free(ix->ocid_off);
  free(ix->ocid_pool);
  free(ix->rank);
  free(ix->by_ocid);
  free(ix->status);
  free(ix->deadline);
  free(ix->published);
  free(ix->value);
  free(ix->sme);
  free(ix->vcse);
  free(ix->regions);
  free(ix->buyer);
  free(ix->cpv_off);
  free(ix->cpv);
  free(ix->len);
  free(ix->norm);
  for (uint32_t t = 0; t < ix->n_terms; t++) {
    free(ix->terms[t].word);
    free(ix->terms[t].blocks);
    free(ix->terms[t].bpost.p);
    free(ix->terms[t].bpos.p);
  }
  free(ix->terms);
  free(ix->slots);
  free(ix->post_all);
  free(ix->pos_all);
  for (int i = 0; i < PHRASE_CACHE; i++) free(ix->phrases[i].word);
  pthread_mutex_destroy(&ix->mu);
  free(ix);
}

void search_index_info(const SearchIndex *ix, SearchIndexInfo *out) {
  out->seq = ix->seq;
  out->notices = ix->n;
  out->words = ix->n_terms;
  out->postings = ix->postings;
  out->bytes = ix->bytes;
  out->build_s = ix->build_s;
}

int64_t search_index_seq(const SearchIndex *ix) { return ix->seq; }

/* ---- iterating postings --------------------------------------------------- */

typedef struct {
  const Term *t; /* NULL: the word is not in the index (matches nothing) */
  uint32_t b;    /* current block */
  uint32_t i, n; /* position in the block, postings in it */
  uint32_t doc;  /* current doc or END */
  uint32_t docs[BLOCK], f[BLOCK];
  const uint8_t *pos; /* positions of posting pos_i of the block */
  uint32_t pos_i;
} TermIt;

static void term_load(TermIt *it, uint32_t b) {
  const Term *t = it->t;
  it->b = b;
  if (b >= t->n_blocks) {
    it->doc = END;
    return;
  }
  const Block *bl = &t->blocks[b];
  uint32_t n = b + 1 < t->n_blocks ? BLOCK : t->df - b * BLOCK;
  const uint8_t *p = t->post + bl->off;
  uint32_t d = b ? t->blocks[b - 1].last : 0;
  for (uint32_t i = 0; i < n; i++) {
    d += get_varint(&p);
    it->docs[i] = d;
    it->f[i] = get_varint(&p);
  }
  it->n = n;
  it->i = 0;
  it->doc = it->docs[0];
  it->pos = t->pos + bl->pos_off;
  it->pos_i = 0;
}

static void term_start(TermIt *it, const Term *t) {
  it->t = t;
  it->doc = END;
  if (t) term_load(it, 0);
}

static inline void term_next(TermIt *it) {
  if (it->doc == END) return;
  if (++it->i < it->n) it->doc = it->docs[it->i];
  else term_load(it, it->b + 1);
}

/* Moves to the first doc >= target. */
static void term_seek(TermIt *it, uint32_t target) {
  if (it->doc >= target) return;
  const Term *t = it->t;
  if (t->blocks[it->b].last < target) {
    uint32_t lo = it->b + 1, hi = t->n_blocks; /* first block with last >= target */
    while (lo < hi) {
      uint32_t mid = lo + (hi - lo) / 2;
      if (t->blocks[mid].last < target) lo = mid + 1;
      else hi = mid;
    }
    term_load(it, lo);
    if (it->doc == END) return;
  }
  while (it->docs[it->i] < target) it->i++;
  it->doc = it->docs[it->i];
}

/* The positions of the current posting: *n of them, written to out (at most
 * cap; the rest are skipped). */
static uint32_t term_positions(TermIt *it, uint32_t *out, uint32_t cap) {
  while (it->pos_i < it->i) { /* skip earlier postings of the block */
    uint32_t k = get_varint(&it->pos);
    while (k--) get_varint(&it->pos);
    it->pos_i++;
  }
  const uint8_t *p = it->pos;
  uint32_t k = get_varint(&p), v = 0, n = 0;
  for (uint32_t j = 0; j < k; j++) {
    v += get_varint(&p);
    if (n < cap) out[n++] = v;
  }
  return n;
}

/* ---- alternatives: a word or a phrase ------------------------------------- */

#define MAX_POS 4096

typedef struct {
  TermIt *w; /* n words */
  size_t n;
  uint32_t doc;
  double f;    /* weighted instances in doc, when scored */
  int f_known; /* f is for doc */
  double idf;
} Alt;

/* For a phrase: the weighted count of its instances in the current doc (all
 * words are on it); 0 when it does not occur there. */
static double phrase_f(Alt *a) {
  static _Thread_local uint32_t first[MAX_POS], other[MAX_POS];
  uint32_t n0 = term_positions(&a->w[0], first, MAX_POS);
  uint8_t ok[MAX_POS];
  memset(ok, 1, n0);
  for (size_t k = 1; k < a->n; k++) {
    uint32_t nk = term_positions(&a->w[k], other, MAX_POS), j = 0;
    for (uint32_t i = 0; i < n0; i++) {
      if (!ok[i]) continue;
      uint32_t want = first[i] + (uint32_t)k;
      while (j < nk && other[j] < want) j++;
      ok[i] = j < nk && other[j] == want;
    }
  }
  double f = 0;
  for (uint32_t i = 0; i < n0; i++)
    if (ok[i]) f += WEIGHT[first[i] >> COL_SHIFT];
  return f;
}

/* Moves a to the first doc >= target holding it. */
static void alt_seek(Alt *a, uint32_t target) {
  if (a->n == 1) {
    term_seek(&a->w[0], target);
    a->doc = a->w[0].doc;
    a->f_known = 0;
    return;
  }
  uint32_t d = target;
  for (;;) {
    size_t k;
    for (k = 0; k < a->n; k++) {
      term_seek(&a->w[k], d);
      if (a->w[k].doc == END) {
        a->doc = END;
        return;
      }
      if (a->w[k].doc > d) {
        d = a->w[k].doc;
        break;
      }
    }
    if (k < a->n) continue;
    double f = phrase_f(a);
    if (f > 0) {
      a->doc = d;
      a->f = f;
      a->f_known = 1;
      return;
    }
    d++;
  }
}

static double alt_f(Alt *a) {
  if (!a->f_known) {
    a->f = (double)a->w[0].f[a->w[0].i];
    a->f_known = 1;
  }
  return a->f;
}

/* A clause: any of its alternatives. */
typedef struct {
  Alt *alts;
  size_t n;
  uint32_t doc;
  int negated;
  uint64_t cost; /* postings of its rarest words, summed */
} Clause;

static void clause_seek(Clause *c, uint32_t target) {
  if (c->doc != END && c->doc >= target) return;
  uint32_t d = END;
  for (size_t i = 0; i < c->n; i++) {
    Alt *a = &c->alts[i];
    if (a->doc == END || a->doc < target) alt_seek(a, target);
    if (a->doc < d) d = a->doc;
  }
  c->doc = d;
}

/* ---- the query ------------------------------------------------------------ */

typedef struct {
  const SearchIndex *ix;
  const Query *q;
  time_t now;
  Clause *clauses; /* positive first, cheapest first; then negated */
  size_t n_pos, n_neg;
  Alt **scored; /* the positive alternatives in query order, for BM25 */
  size_t n_scored;
  TermIt *its;
  char **words; /* folded words of the positive clauses, for snippets */
  size_t n_words;
  uint32_t cpv_lo[QUERY_MAX_CPV], cpv_hi[QUERY_MAX_CPV];
  uint16_t region_mask;
  int filtered; /* any filter besides keywords */
  /* the cursor as (key, rank) */
  int has_cursor;
  double c_key;
  uint32_t c_rank;
} Exec;

/* Number of notices holding the phrase (alternative a freshly started) --
 * FTS5's n_i; cached per index, as phrase counts take a pass over postings. */
static long long phrase_df(const SearchIndex *ix, Alt *a, const char *const *words) {
  if (a->n == 1) return a->w[0].t ? a->w[0].t->df : 0;
  Buf key = BUF_INIT;
  for (size_t i = 0; i < a->n; i++) {
    buf_adds(&key, words[i]);
    buf_addc(&key, ' ');
  }
  SearchIndex *m = (SearchIndex *)ix; /* the cache is the one mutable part */
  long long df = -1;
  pthread_mutex_lock(&m->mu);
  for (int i = 0; i < PHRASE_CACHE; i++)
    if (m->phrases[i].word && strcmp(m->phrases[i].word, key.data) == 0) df = m->phrases[i].df;
  pthread_mutex_unlock(&m->mu);
  if (df < 0) {
    df = 0;
    for (alt_seek(a, 0); a->doc != END; alt_seek(a, a->doc + 1)) df++;
    for (size_t i = 0; i < a->n; i++) term_start(&a->w[i], a->w[i].t);
    a->doc = 0;
    a->f_known = 0;
    pthread_mutex_lock(&m->mu);
    PhraseDf *p = &m->phrases[m->next_phrase++ % PHRASE_CACHE];
    free(p->word);
    p->word = xstrdup(key.data);
    p->df = df;
    pthread_mutex_unlock(&m->mu);
  }
  buf_release(&key);
  return df;
}

static int cmp_clause_cost(const void *a, const void *b) {
  const Clause *x = a, *y = b;
  if (x->negated != y->negated) return x->negated - y->negated;
  return x->cost < y->cost ? -1 : x->cost > y->cost;
}

static void exec_release(Exec *e) {
  for (size_t i = 0; i < e->n_pos + e->n_neg; i++) free(e->clauses[i].alts);
  free(e->clauses);
  free(e->scored);
  free(e->its);
  for (size_t i = 0; i < e->n_words; i++) free(e->words[i]);
  free(e->words);
}

static void exec_init(Exec *e, const SearchIndex *ix, const Query *q, time_t now) {
  memset(e, 0, sizeof *e);
  e->ix = ix;
  e->q = q;
  e->now = now;
  size_t n_words = 0;
  for (size_t c = 0; c < q->n_clauses; c++)
    for (size_t a = 0; a < q->clauses[c].n_alts; a++) n_words += q->clauses[c].alts[a].n_words;
  e->its = xcalloc(n_words + 1, sizeof *e->its);
  e->clauses = xcalloc(q->n_clauses + 1, sizeof *e->clauses);
  e->scored = xcalloc(n_words + 1, sizeof *e->scored);
  e->words = xcalloc(n_words + 1, sizeof *e->words);
  size_t w = 0;
  Buf folded = BUF_INIT;
  for (size_t c = 0; c < q->n_clauses; c++) {
    const QueryClause *qc = &q->clauses[c];
    Clause *cl = &e->clauses[c];
    cl->negated = qc->negated;
    cl->alts = xcalloc(qc->n_alts, sizeof *cl->alts);
    cl->n = qc->n_alts;
    for (size_t a = 0; a < qc->n_alts; a++) {
      const QueryTerm *t = &qc->alts[a];
      Alt *al = &cl->alts[a];
      al->w = e->its + w;
      al->n = t->n_words;
      uint64_t rarest = UINT64_MAX;
      for (size_t k = 0; k < t->n_words; k++) {
        buf_reset(&folded);
        token_fold(t->words[k], strlen(t->words[k]), &folded);
        long term = folded.len ? find_term(ix, folded.data, folded.len) : -1;
        term_start(&e->its[w], term >= 0 ? &ix->terms[term] : NULL);
        uint64_t df = term >= 0 ? ix->terms[term].df : 0;
        if (df < rarest) rarest = df;
        if (!qc->negated) e->words[e->n_words++] = xstrdup(buf_cstr(&folded));
        w++;
      }
      al->doc = 0; /* not yet positioned */
      cl->cost += rarest;
      if (!qc->negated) e->scored[e->n_scored++] = al;
    }
    cl->doc = 0;
  }
  buf_release(&folded);
  /* IDFs, in query order */
  size_t wi = 0;
  for (size_t i = 0; i < e->n_scored; i++) {
    Alt *a = e->scored[i];
    int missing = 0;
    for (size_t k = 0; k < a->n; k++) missing |= a->w[k].t == NULL;
    long long nhit = missing ? 0 : phrase_df(ix, a, (const char *const *)e->words + wi);
    wi += a->n;
    double idf = log(((double)ix->n - (double)nhit + 0.5) / ((double)nhit + 0.5));
    a->idf = idf <= 0.0 ? 1e-6 : idf;
  }
  /* positioned at the start */
  for (size_t c = 0; c < q->n_clauses; c++) {
    Clause *cl = &e->clauses[c];
    cl->doc = END;
    for (size_t a = 0; a < cl->n; a++) {
      Alt *al = &cl->alts[a];
      int missing = 0;
      for (size_t k = 0; k < al->n; k++) missing |= al->w[k].t == NULL;
      if (missing) {
        al->doc = END;
        continue;
      }
      al->doc = END; /* forces alt_seek */
      alt_seek(al, 0);
      if (al->doc < cl->doc) cl->doc = al->doc;
    }
  }
  e->n_pos = q->n_positive;
  e->n_neg = q->n_clauses - q->n_positive;
  qsort(e->clauses, q->n_clauses, sizeof *e->clauses, cmp_clause_cost);

  for (size_t i = 0; i < q->n_cpv; i++) {
    size_t k = strlen(q->cpv[i]);
    uint32_t p = 0, scale = 1;
    for (size_t j = 0; j < k; j++) p = p * 10 + (uint32_t)(q->cpv[i][j] - '0');
    for (size_t j = k; j < 8; j++) scale *= 10;
    e->cpv_lo[i] = p * scale;
    e->cpv_hi[i] = (p + 1) * scale;
  }
  for (size_t i = 0; i < q->n_region; i++) e->region_mask |= (uint16_t)(1u << (q->region[i][2] - 'C'));
  e->filtered = q->status || q->has_closing_from || q->has_closing_to || q->has_value_min || q->has_value_max ||
                q->n_cpv || q->n_region || q->buyer || q->sme != FLAG_UNKNOWN || q->vcse != FLAG_UNKNOWN;
}

/* The status a notice shows: stored open past its deadline is closed. */
static inline unsigned shown_status(const SearchIndex *ix, uint32_t d, time_t now) {
  unsigned s = ix->status[d];
  if (s == NOTICE_OPEN && ix->deadline[d] != NONE_TIME && ix->deadline[d] < (int64_t)now) s = NOTICE_CLOSED;
  return s;
}

static int filters_pass(const Exec *e, uint32_t d) {
  const SearchIndex *ix = e->ix;
  const Query *q = e->q;
  if (q->status && !(q->status & (1u << shown_status(ix, d, e->now)))) return 0;
  if (q->has_closing_from || q->has_closing_to) {
    int64_t t = ix->deadline[d];
    if (t == NONE_TIME) return 0;
    if (q->has_closing_from && t < (int64_t)q->closing_from) return 0;
    if (q->has_closing_to && t >= (int64_t)q->closing_to) return 0;
  }
  if (q->has_value_min || q->has_value_max) {
    double v = ix->value[d];
    if (isnan(v)) return 0;
    if (q->has_value_min && !(v >= q->value_min)) return 0;
    if (q->has_value_max && !(v <= q->value_max)) return 0;
  }
  if (e->region_mask && !(ix->regions[d] & e->region_mask)) return 0;
  if (q->buyer && ix->buyer[d] != q->buyer) return 0;
  if (q->sme == FLAG_YES && ix->sme[d] != FLAG_YES) return 0;
  if (q->sme == FLAG_NO && ix->sme[d] == FLAG_YES) return 0;
  if (q->vcse == FLAG_YES && ix->vcse[d] != FLAG_YES) return 0;
  if (q->vcse == FLAG_NO && ix->vcse[d] == FLAG_YES) return 0;
  if (q->n_cpv) {
    int hit = 0;
    for (uint32_t k = ix->cpv_off[d]; k < ix->cpv_off[d + 1] && !hit; k++)
      for (size_t i = 0; i < q->n_cpv; i++)
        if (ix->cpv[k] >= e->cpv_lo[i] && ix->cpv[k] < e->cpv_hi[i]) {
          hit = 1;
          break;
        }
    if (!hit) return 0;
  }
  return 1;
}

/* Whether d is excluded by a negated clause. */
static int excluded(Exec *e, uint32_t d) {
  for (size_t i = e->n_pos; i < e->n_pos + e->n_neg; i++) {
    Clause *c = &e->clauses[i];
    clause_seek(c, d);
    if (c->doc == d) return 1;
  }
  return 0;
}

static double score(Exec *e, uint32_t d) {
  double s = 0, norm = e->ix->norm[d];
  for (size_t i = 0; i < e->n_scored; i++) {
    Alt *a = e->scored[i];
    double f = a->doc == d ? alt_f(a) : 0.0;
    s += a->idf * ((f * (K1 + 1.0)) / (f + norm));
  }
  return s;
}

/* ---- top-k ---------------------------------------------------------------- */

typedef struct {
  double key; /* ascending; +inf: no sort value (last) */
  uint32_t rank, doc;
  double score;
} Cand;

/* a sorts before b */
static inline int before(const Cand *a, const Cand *b) {
  return a->key < b->key || (a->key == b->key && a->rank < b->rank);
}

typedef struct {
  Cand *v;
  size_t n, k;
} Heap; /* the k best so far; v[0] the worst of them */

static void heap_offer(Heap *h, const Cand *c) {
  if (h->n < h->k) {
    size_t i = h->n++;
    while (i) {
      size_t p = (i - 1) / 2;
      if (!before(&h->v[p], c)) break;
      h->v[i] = h->v[p];
      i = p;
    }
    h->v[i] = *c;
    return;
  }
  if (!before(c, &h->v[0])) return;
  size_t i = 0;
  for (;;) {
    size_t l = 2 * i + 1, r = l + 1, m = i;
    const Cand *worst = c;
    if (l < h->n && before(worst, &h->v[l])) m = l, worst = &h->v[l];
    if (r < h->n && before(worst, &h->v[r])) m = r;
    if (m == i) break;
    h->v[i] = h->v[m];
    i = m;
  }
  h->v[i] = *c;
}

static int cmp_cand(const void *a, const void *b) {
  return before(a, b) ? -1 : before(b, a) ? 1 : 0;
}

static double sort_key(const Exec *e, uint32_t d, double s) {
  const SearchIndex *ix = e->ix;
  switch (e->q->sort) {
  case QUERY_SORT_RELEVANCE: return -s;
  case QUERY_SORT_CLOSING: return ix->deadline[d] == NONE_TIME ? INFINITY : (double)ix->deadline[d];
  case QUERY_SORT_NEWEST: return ix->published[d] == NONE_TIME ? INFINITY : -(double)ix->published[d];
  default: return isnan(ix->value[d]) ? INFINITY : -ix->value[d];
  }
}

/* Whether c comes after the cursor. */
static inline int after_cursor(const Exec *e, const Cand *c) {
  return !e->has_cursor || c->key > e->c_key || (c->key == e->c_key && c->rank >= e->c_rank);
}

static void consider(Exec *e, Heap *h, uint32_t d, double s) {
  Cand c = {sort_key(e, d, s), e->ix->rank[d], d, s};
  if (after_cursor(e, &c)) heap_offer(h, &c);
}

/* A single word, no filters, relevance: the total is its document frequency
 * and blocks whose best possible score cannot enter the top-k are skipped. */
static void top_single_word(Exec *e, Heap *h, long long *total) {
  Alt *a = e->scored[0];
  TermIt *it = &a->w[0];
  const Term *t = it->t;
  const SearchIndex *ix = e->ix;
  *total = t ? t->df : 0;
  if (!t) return;
  for (uint32_t b = 0; b < t->n_blocks; b++) {
    const Block *bl = &t->blocks[b];
    if (h->n == h->k) {
      double f = bl->max_f, kmin = K1 * (1 - B + B * (double)bl->min_len / ix->avgdl);
      double bound = a->idf * ((f * (K1 + 1.0)) / (f + kmin));
      if (bound * (1 + 1e-9) < -h->v[0].key) continue;
    }
    term_load(it, b);
    for (uint32_t i = 0; i < it->n; i++) {
      uint32_t d = it->docs[i];
      double f = (double)it->f[i];
      double s = 0.0 + a->idf * ((f * (K1 + 1.0)) / (f + ix->norm[d]));
      consider(e, h, d, s);
    }
  }
}

static void run(Exec *e, Heap *h, long long *total) {
  const SearchIndex *ix = e->ix;
  const Query *q = e->q;
  int relevance = q->sort == QUERY_SORT_RELEVANCE;
  long long n = 0;
  if (!e->n_pos) { /* no keywords: every notice, filtered */
    for (uint32_t d = 0; d < ix->n; d++) {
      if (e->filtered && !filters_pass(e, d)) continue;
      if (e->n_neg && excluded(e, d)) continue;
      n++;
      consider(e, h, d, 0);
    }
    *total = n;
    return;
  }
  if (relevance && !e->filtered && !e->n_neg && e->n_pos == 1 && e->clauses[0].n == 1 &&
      e->clauses[0].alts[0].n == 1) {
    top_single_word(e, h, total);
    return;
  }
  Clause *lead = &e->clauses[0];
  uint32_t d = lead->doc;
  while (d != END) {
    size_t i;
    for (i = 1; i < e->n_pos; i++) { /* all positive clauses on d */
      clause_seek(&e->clauses[i], d);
      if (e->clauses[i].doc != d) break;
    }
    if (i < e->n_pos) {
      uint32_t next = e->clauses[i].doc;
      if (next == END) break;
      clause_seek(lead, next);
      d = lead->doc;
      continue;
    }
    if ((!e->filtered || filters_pass(e, d)) && !(e->n_neg && excluded(e, d))) {
      n++;
      consider(e, h, d, relevance ? score(e, d) : 0);
    }
    clause_seek(lead, d + 1);
    d = lead->doc;
  }
  *total = n;
}

static int cmp_cand_doc(const void *a, const void *b) {
  uint32_t x = ((const Cand *)a)->doc, y = ((const Cand *)b)->doc;
  return x < y ? -1 : x > y;
}

/* Hits sorted by something else than relevance still carry their score (as
 * the store's search gives it): the iterators start again and visit just the
 * hits, in doc order. */
static void rescore(Exec *e, Heap *h) {
  const SearchIndex *ix = e->ix;
  const Query *q = e->q;
  Exec f;
  exec_init(&f, ix, q, e->now);
  qsort(h->v, h->n, sizeof *h->v, cmp_cand_doc);
  for (size_t i = 0; i < h->n; i++) {
    uint32_t d = h->v[i].doc;
    for (size_t c = 0; c < f.n_pos; c++) clause_seek(&f.clauses[c], d);
    h->v[i].score = score(&f, d);
  }
  exec_release(&f);
}

/* ---- hits ----------------------------------------------------------------- */

static char *time_text(int64_t t) {
  if (t == NONE_TIME) return NULL;
  char s[DATE_LEN];
  date_format((time_t)t, s);
  return xstrdup(s);
}

/* The first n characters of s (UTF-8), as SQLite's substr(s, 1, n). */
static char *prefix_chars(const char *s, size_t n) {
  if (!s) return NULL;
  size_t i = 0;
  while (s[i] && n) {
    i++;
    while (((unsigned char)s[i] & 0xC0) == 0x80) i++;
    n--;
  }
  return xstrndup(s, i);
}

static int fill_hit(const Exec *e, Store *st, const Cand *c, StoreHit *h, Err *err) {
  const SearchIndex *ix = e->ix;
  uint32_t d = c->doc;
  StoreNoticeText t;
  int rc = store_notice_text(st, ix->row[d], &t, err);
  if (rc < 0) return rc;
  h->ocid = xstrdup(ix->ocid_pool + ix->ocid_off[d]);
  h->title = t.title, t.title = NULL;
  h->buyer_name = t.buyer_name, t.buyer_name = NULL;
  h->currency = t.currency, t.currency = NULL;
  h->buyer_id = ix->buyer[d];
  h->status = xstrdup(notice_status_name((NoticeStatus)shown_status(ix, d, e->now)));
  h->deadline = time_text(ix->deadline[d]);
  h->published = time_text(ix->published[d]);
  if ((h->has_value = !isnan(ix->value[d]))) h->value = ix->value[d];
  h->sme = (Flag)ix->sme[d];
  h->vcse = (Flag)ix->vcse[d];
  Buf b = BUF_INIT;
  for (int r = 0; r < 12; r++)
    if (ix->regions[d] & (1u << r)) buf_addf(&b, "%sTL%c", b.len ? "," : "", 'C' + r);
  h->regions = b.len ? buf_detach(&b, NULL) : NULL;
  if (ix->cpv_off[d] < ix->cpv_off[d + 1]) {
    buf_addf(&b, "%08u", (unsigned)ix->cpv[ix->cpv_off[d]]);
    h->cpv = buf_detach(&b, NULL);
  }
  h->score = c->score;
  if (e->n_pos) {
    const char *cols[N_COLS] = {h->title, t.description, h->buyer_name, t.cpv_text};
    snippet_make(cols, N_COLS, (const char *const *)e->words, e->n_words, &b);
    h->snippet = b.len ? buf_detach(&b, NULL) : NULL;
  }
  if (!h->snippet) h->snippet = prefix_chars(t.description, 240);
  buf_release(&b);
  store_notice_text_release(&t);
  return 0;
}

/* The rank a cursor's ocid stands at: the number of ocids <= it. */
static uint32_t ocid_rank(const SearchIndex *ix, const char *ocid) {
  uint32_t lo = 0, hi = ix->n;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (strcmp(ix->ocid_pool + ix->ocid_off[ix->by_ocid[mid]], ocid) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

int search_index_search(const SearchIndex *ix, Store *st, const Query *q, time_t now, StoreResults *out, Err *err) {
  memset(out, 0, sizeof *out);
  if (q->sort == QUERY_SORT_RELEVANCE && !q->n_positive) return err_set(err, ERR_USAGE, "sort=relevance needs keywords");
  Exec e;
  exec_init(&e, ix, q, now);
  if (q->has_cursor) {
    const QueryCursor *c = &q->cursor;
    e.has_cursor = 1;
    e.c_rank = ocid_rank(ix, c->ocid);
    if (!c->has_key) e.c_key = INFINITY;
    else if (q->sort == QUERY_SORT_CLOSING) e.c_key = (double)(int64_t)c->key;
    else if (q->sort == QUERY_SORT_NEWEST) e.c_key = -(double)(int64_t)c->key;
    else e.c_key = -c->key;
  }
  Heap h = {xmalloc(((size_t)q->limit + 1) * sizeof *h.v), 0, (size_t)q->limit + 1};
  run(&e, &h, &out->total);
  if (q->n_positive && q->sort != QUERY_SORT_RELEVANCE) rescore(&e, &h);
  qsort(h.v, h.n, sizeof *h.v, cmp_cand);
  size_t n = h.n > (size_t)q->limit ? (size_t)q->limit : h.n;
  out->has_more = h.n > (size_t)q->limit;
  out->hits = xcalloc(n + 1, sizeof *out->hits);
  int rc = 0;
  for (size_t i = 0; i < n && rc == 0; i++) {
    rc = fill_hit(&e, st, &h.v[i], &out->hits[i], err);
    if (rc == 0) out->n++;
  }
  free(h.v);
  exec_release(&e);
  if (rc) store_results_release(out);
  return rc;
}

/* index.c -- see index.h.
 *
 * A segment (Seg) is a complete index of its notices, numbered 0..n-1 in row
 * id order ("docs"); everything below "iterating postings" runs on one
 * segment (an Exec), and search_index_search runs every segment of a
 * snapshot into one heap. Positions encode the
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
 * the notices holding phrase i. N, avgdl and n_i are the snapshot's: over the
 * live docs of every segment (a replaced doc counts nowhere), so a score is
 * the same double however the notices are cut into segments. A segment's
 * bounds (block maxima, word bitmaps' ub, ub8 and q) were computed with the
 * avgdl of the snapshot it was built for (Seg.avgdl: a segment of short
 * notices among long ones has bounds as tight as any); a part
 * f * (k1 + 1) / (f + norm) with a later snapshot's avgdl is at most that
 * avgdl / Seg.avgdl times as large, so the bounds are scaled by that when it
 * is more than 1 (Exec.bscale) and stay bounds. */
#include "search/index.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/date.h"
#include "search/snippet.h"
#include "search/token.h"
#include "store/notices.h"

typedef struct Seg Seg;

#define BLOCK 128
#define POS_STEP 4
#define PREFIXES 32
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
  double max_part; /* the largest BM25 term part f * (k1 + 1) / (f + norm) in the block */
  uint32_t pos_off[BLOCK / POS_STEP]; /* positions of every POS_STEP-th posting in Term.pos */
} Block;

struct Dense;

typedef struct {
  char *word;
  uint32_t df, n_blocks;
  const struct Dense *dense; /* common words only (df >= n / DENSE_DIV), else NULL */
  const uint32_t *docs; /* ascending */
  const uint16_t *f;    /* weighted frequency per doc (capped at 65535) */
  Block *blocks;        /* one per BLOCK postings */
  const uint8_t *pos;   /* per doc: varint count, varint position deltas */
  /* while building */
  uint32_t *bdocs;
  uint16_t *bf;
  uint32_t cap;
  Bytes bpos;
  uint32_t cap_blocks;
  uint32_t cur;        /* doc + 1 of the occurrences being gathered */
  uint32_t head, tail; /* their chain in Builder.occ */
} Term;

/* A phrase's matches, kept once computed: its docs and weighted instance
 * counts, as a word's postings (without positions). A segment keeps them in
 * a hash table and a list, most recently used first, within a number of
 * phrases and of bytes (a phrase matching nothing costs an entry too); the
 * least recently used goes first. A search holds the phrases it uses (refs),
 * so one evicted meanwhile is freed when the last search lets it go. */
typedef struct Phrase {
  char *key; /* its words, each followed by a space */
  uint64_t hash;
  Term t;
  uint32_t *bdocs_free; /* what t.docs and t.f point to */
  uint16_t *bf_free;
  size_t bytes;                /* what it holds */
  struct Phrase *chain;        /* the next in its hash slot */
  struct Phrase *newer, *older; /* the list by use */
  int refs;                    /* searches using it */
  int evicted;                 /* out of the table: freed at refs 0 */
} Phrase;

#define PHRASE_BUDGET (1u << 24) /* postings kept for phrases per 1,048,576 notices (96 MB) */
#define PHRASE_ENTRIES (1u << 14) /* phrases kept per 1,048,576 notices */

/* A common word's matches as a bitmap, and what ranking a conjunction of
 * common words needs without walking their postings (run_dense):
 *   bits  one bit per doc (a plain bitmap: at these densities, >= 1/16, a
 *         Roaring bitmap would hold the same 8 KB bitmap containers);
 *   rank  the postings before each group of RANK_WORDS bitmap words, so the
 *         posting of doc d (its frequency) is rank plus a few popcounts;
 *   ub    per 64 docs (one bitmap word), the largest BM25 term part
 *         f * (k1 + 1) / (f + norm) of the word there, quantized to 255
 *         steps of (k1 + 1) / 255 and rounded up: an upper bound, never less;
 *   ub8   the same per 8 docs;
 *   q     per posting, its own part quantized the same way: a bound on a
 *         doc's score read without its norm (8 MB of doubles at 1M notices,
 *         where the misses went) or a division.
 * 16 + 1.5 + 0.125 bits per doc and 8 per posting, so at most 34 bits a
 * posting. All of it is per segment (docs numbered within it); ub, ub8 and
 * q depend on the norms, so on avgdl. A word held by fewer docs gets one
 * made for a query that needs it (dense_make). */
#define DENSE_DIV 16
#define RANK_WORDS 8
typedef struct Dense {
  uint64_t *bits;
  uint32_t *rank;
  uint8_t *ub;
  uint8_t *q; /* per posting, its part quantized as ub (rounded up) */
  uint8_t *ub8; /* per 8 docs, as ub */
} Dense;

/* A doc's bits of Seg.uk past its stage and reservations, each with a
 * bitmap made only when some doc has it: most notices are public and no
 * sub-contract. */
#define UK_PRIVATE (NOTICE_N_STAGE + NOTICE_N_RESERVED)
#define UK_SUB (UK_PRIVATE + 1)
#define UK_BITS (UK_SUB + 1)
_Static_assert(UK_BITS <= 16, "Seg.uk holds 16 bits");

struct Seg {
  atomic_int refs;  /* snapshots holding it */
  int is_delta;     /* a delta: the notices changed after since; else a range: row ids in (after_id, upto_id] */
  int64_t since;
  long long after_id, upto_id;
  int64_t *doc_seq; /* per doc, the sequence of its newest release */
  int64_t max_doc_seq;
  uint64_t tokens;  /* all docs' tokens */
  uint32_t n;
  int64_t *row;
  uint32_t *ocid_off;
  char *ocid_pool;
  uint32_t *rank;    /* rank of the doc's ocid among all (strcmp order) */
  uint32_t *by_ocid; /* docs in ocid order */
  uint8_t *status;   /* NoticeStatus as stored */
  int64_t *deadline, *published, *awarded; /* NONE_TIME when none; awarded: the award's date */
  double *value;                 /* NAN when none */
  int8_t *sme, *vcse;            /* Flag */
  uint16_t *uk;                  /* stage bit (notice_stage_bits) | reserved bits << NOTICE_N_STAGE |
                                  * UK_PRIVATE and UK_SUB bits (a private buyer, a sub-contract) */
  uint16_t *regions;             /* bit (letter - 'C') of TLC..TLN */
  int64_t *buyer;
  uint32_t *cpv_off, *cpv;       /* doc d's codes: cpv[cpv_off[d] .. cpv_off[d+1]), main first */
  uint32_t *len;                 /* tokens */
  double avgdl; /* what its bounds were computed with (seg_bounds): not always its own mean */

  Term *terms;
  uint32_t n_terms, cap_terms;
  uint32_t *slots; /* hash of words: term index + 1, 0 empty */
  uint32_t n_slots;
  uint32_t *docs_all;
  uint16_t *f_all;
  uint8_t *pos_all;
  size_t postings;

  /* filters as bitmaps of n bits, and docs in each sort order */
  size_t n_words; /* 64-bit words of a bitmap */
  uint64_t *bm_status[NOTICE_N_STATUS], *bm_region[12], *bm_sme, *bm_vcse, *bm_div[100];
  uint64_t *bm_uk[UK_BITS]; /* by bit of uk; NULL when no doc has it */
  uint32_t *ord_closing, *ord_newest, *ord_value, *ord_award; /* every doc, in the order of the sort */
  uint32_t *open_by_deadline, n_open;            /* stored open with a deadline, by deadline */
  uint32_t *by_buyer;                            /* docs by (buyer, doc) */
  uint32_t *cpv_code, *cpv_doc, n_pairs;         /* every (code, doc), by code then doc */
  /* prefix bitmaps of the closing and value orders: pre_x[k] holds the docs
   * at positions [0, k * step) of ord_x, so a range of the order is two of
   * them and at most 2 * step single bits */
  uint64_t *pre_closing[PREFIXES + 1], *pre_value[PREFIXES + 1], *pre_newest[PREFIXES + 1];
  uint32_t pre_step;

  int64_t seq;
  double build_s;
  size_t bytes;

  size_t n_dense; /* words with a Dense */

  pthread_mutex_t mu; /* guards the phrases */
  Phrase **ph_slots; /* hash table of ph_cap slots (a power of 2) */
  size_t ph_cap, ph_n, ph_bytes;
  Phrase *ph_newest, *ph_oldest;
};

static uint64_t hash_word(const char *w, size_t n) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)w[i]) * 1099511628211ull;
  return h ^ (h >> 29);
}

/* The term of word, or -1. */
static long find_term(const Seg *ix, const char *w, size_t n) {
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

static void rehash(Seg *ix) {
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

static uint32_t intern(Seg *ix, const char *w, size_t n) {
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
  Seg *ix;
  /* columns as they grow */
  size_t cap;
  Buf ocids;
  uint32_t *cpv;
  size_t n_cpv, cap_cpv;
  /* the doc being tokenized: its occurrences (position, next of the same
   * word) and its distinct words in order of first appearance */
  uint32_t *occ_pos, *occ_next, *distinct;
  size_t n_occ, cap_occ, n_distinct;
  uint32_t doc;
  uint32_t col, col_tokens;
  uint64_t total_tokens;
} Builder;

static void grow_columns(Builder *b) {
  Seg *ix = b->ix;
  size_t c = b->cap = b->cap ? b->cap * 2 : 1024;
  ix->row = xrealloc(ix->row, c * sizeof *ix->row);
  ix->ocid_off = xrealloc(ix->ocid_off, c * sizeof *ix->ocid_off);
  ix->status = xrealloc(ix->status, c * sizeof *ix->status);
  ix->deadline = xrealloc(ix->deadline, c * sizeof *ix->deadline);
  ix->published = xrealloc(ix->published, c * sizeof *ix->published);
  ix->awarded = xrealloc(ix->awarded, c * sizeof *ix->awarded);
  ix->value = xrealloc(ix->value, c * sizeof *ix->value);
  ix->sme = xrealloc(ix->sme, c * sizeof *ix->sme);
  ix->vcse = xrealloc(ix->vcse, c * sizeof *ix->vcse);
  ix->uk = xrealloc(ix->uk, c * sizeof *ix->uk);
  ix->regions = xrealloc(ix->regions, c * sizeof *ix->regions);
  ix->buyer = xrealloc(ix->buyer, c * sizeof *ix->buyer);
  ix->cpv_off = xrealloc(ix->cpv_off, (c + 1) * sizeof *ix->cpv_off);
  ix->len = xrealloc(ix->len, c * sizeof *ix->len);
  ix->doc_seq = xrealloc(ix->doc_seq, c * sizeof *ix->doc_seq);
}

static int on_word(void *ctx, const char *w, size_t n, size_t start, size_t end) {
  Builder *b = ctx;
  if (b->col_tokens >= MAX_COL_TOKENS) return 1;
  uint32_t t = intern(b->ix, w, n);
  if (b->n_occ == b->cap_occ) {
    b->cap_occ = b->cap_occ ? b->cap_occ * 2 : 1024;
    b->occ_pos = xrealloc(b->occ_pos, b->cap_occ * sizeof *b->occ_pos);
    b->occ_next = xrealloc(b->occ_next, b->cap_occ * sizeof *b->occ_next);
    b->distinct = xrealloc(b->distinct, b->cap_occ * sizeof *b->distinct);
  }
  uint32_t o = (uint32_t)b->n_occ++;
  b->occ_pos[o] = b->col << COL_SHIFT | b->col_tokens++;
  b->occ_next[o] = END;
  Term *term = &b->ix->terms[t];
  if (term->cur != b->doc + 1) { /* first time in this doc */
    term->cur = b->doc + 1;
    term->head = o;
    b->distinct[b->n_distinct++] = t;
  } else {
    b->occ_next[term->tail] = o;
  }
  term->tail = o;
  return 0;
}

/* Appends doc d's postings (b->occ) to its terms. */
static void add_postings(Builder *b, uint32_t d, uint32_t len) {
  Seg *ix = b->ix;
  for (size_t x = 0; x < b->n_distinct; x++) {
    uint32_t t = b->distinct[x], count = 0;
    Term *term = &ix->terms[t];
    double f = 0;
    for (uint32_t o = term->head; o != END; o = b->occ_next[o]) f += WEIGHT[b->occ_pos[o] >> COL_SHIFT], count++;
    if (term->df % BLOCK == 0) {
      if (term->n_blocks == term->cap_blocks) {
        term->cap_blocks = term->cap_blocks ? term->cap_blocks * 2 : 1;
        term->blocks = xrealloc(term->blocks, term->cap_blocks * sizeof *term->blocks);
      }
      Block *bl = &term->blocks[term->n_blocks++];
      bl->max_part = 0;
    }
    if (term->df == term->cap) {
      term->cap = term->cap ? term->cap * 2 : 4;
      term->bdocs = xrealloc(term->bdocs, term->cap * sizeof *term->bdocs);
      term->bf = xrealloc(term->bf, term->cap * sizeof *term->bf);
    }
    Block *bl = &term->blocks[term->n_blocks - 1];
    uint32_t fi = f > 65535 ? 65535 : (uint32_t)f;
    (void)len;
    term->bdocs[term->df] = d;
    term->bf[term->df] = (uint16_t)fi;
    if (term->df % POS_STEP == 0) bl->pos_off[term->df % BLOCK / POS_STEP] = (uint32_t)term->bpos.n;
    term->df++;
    put_varint(&term->bpos, count);
    uint32_t prev = 0;
    for (uint32_t o = term->head; o != END; o = b->occ_next[o]) {
      put_varint(&term->bpos, b->occ_pos[o] - prev);
      prev = b->occ_pos[o];
    }
    ix->postings++;
  }
  b->n_occ = 0;
  b->n_distinct = 0;
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
  Seg *ix = b->ix;
  if (ix->n == b->cap) grow_columns(b);
  if (ix->n == UINT32_MAX - 1) return err_set(err, ERR_USAGE, "too many notices for the search index");
  uint32_t i = ix->n++;
  ix->row[i] = d->id;
  ix->doc_seq[i] = d->seq;
  if (d->seq > ix->max_doc_seq) ix->max_doc_seq = d->seq;
  ix->ocid_off[i] = (uint32_t)b->ocids.len;
  buf_add(&b->ocids, d->ocid, strlen(d->ocid) + 1);
  NoticeStatus s;
  ix->status[i] = d->status && notice_status_parse(d->status, &s) == 0 ? (uint8_t)s : (uint8_t)NOTICE_CLOSED;
  ix->deadline[i] = parse_time(d->deadline);
  ix->published[i] = parse_time(d->published);
  ix->awarded[i] = parse_time(d->award_date);
  ix->value[i] = d->has_value ? d->value : NAN;
  ix->sme[i] = (int8_t)d->sme;
  ix->vcse[i] = (int8_t)d->vcse;
  ix->uk[i] = (uint16_t)(notice_stage_bits(d->stage) | notice_reserved_bits(d->reserved) << NOTICE_N_STAGE |
                         (d->sector == NOTICE_PRIVATE) << UK_PRIVATE | (d->subcontract != 0) << UK_SUB);
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
  b->doc = i;
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

static const Seg *sort_ix; /* qsort has no context argument; guarded by sort_mu */
static pthread_mutex_t sort_mu = PTHREAD_MUTEX_INITIALIZER;
static int cmp_ocid(const void *a, const void *b) {
  const Seg *ix = sort_ix;
  return strcmp(ix->ocid_pool + ix->ocid_off[*(const uint32_t *)a], ix->ocid_pool + ix->ocid_off[*(const uint32_t *)b]);
}

/* ---- bitmaps and sort orders ------------------------------------------------ */

/* Bits set in x. Without -mpopcnt (the default x86-64 target),
 * __builtin_popcountll is a call into libgcc: this is inline. */
static inline unsigned pop64(uint64_t x) {
#ifdef __POPCNT__
  return (unsigned)__builtin_popcountll(x);
#else
  x = x - ((x >> 1) & 0x5555555555555555ull);
  x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
  x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
  return (unsigned)((x * 0x0101010101010101ull) >> 56);
#endif
}

static inline void bm_set(uint64_t *m, uint32_t d) { m[d >> 6] |= 1ull << (d & 63); }
static inline void bm_clear(uint64_t *m, uint32_t d) { m[d >> 6] &= ~(1ull << (d & 63)); }
static inline int bm_test(const uint64_t *m, uint32_t d) { return (int)(m[d >> 6] >> (d & 63) & 1); }
static uint64_t *bm_new(const Seg *ix) { return xcalloc(ix->n_words + 1, sizeof(uint64_t)); }
static void bm_fill(const Seg *ix, uint64_t *m) { /* every doc */
  memset(m, 0xFF, ix->n_words * sizeof *m);
  if (ix->n & 63) m[ix->n_words - 1] = (1ull << (ix->n & 63)) - 1;
}

static const double *order_keys; /* qsort has no context argument; guarded by sort_mu */
static const uint32_t *order_rank;
static int cmp_order(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  double kx = order_keys[x], ky = order_keys[y];
  if (kx != ky) return kx < ky ? -1 : 1;
  return order_rank[x] < order_rank[y] ? -1 : order_rank[x] > order_rank[y];
}
static const uint32_t *order_code;
static int cmp_pair(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  if (order_code[x] != order_code[y]) return order_code[x] < order_code[y] ? -1 : 1;
  return x < y ? -1 : x > y;
}
static const int64_t *order_buyer;
static int cmp_buyer(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  if (order_buyer[x] != order_buyer[y]) return order_buyer[x] < order_buyer[y] ? -1 : 1;
  return x < y ? -1 : x > y;
}

/* The sort key of doc d for sort s (ascending; +inf: no value, last). */
static double key_of(const Seg *ix, QuerySort s, uint32_t d) {
  switch (s) {
  case QUERY_SORT_CLOSING: return ix->deadline[d] == NONE_TIME ? INFINITY : (double)ix->deadline[d];
  case QUERY_SORT_NEWEST: return ix->published[d] == NONE_TIME ? INFINITY : -(double)ix->published[d];
  case QUERY_SORT_AWARD_DATE: return ix->awarded[d] == NONE_TIME ? INFINITY : -(double)ix->awarded[d];
  default: return isnan(ix->value[d]) ? INFINITY : -ix->value[d];
  }
}

static uint32_t *make_order(Seg *ix, QuerySort s, double *keys) {
  uint32_t *o = xmalloc((ix->n + 1) * sizeof *o);
  for (uint32_t d = 0; d < ix->n; d++) o[d] = d, keys[d] = key_of(ix, s, d);
  pthread_mutex_lock(&sort_mu);
  order_keys = keys;
  order_rank = ix->rank;
  qsort(o, ix->n, sizeof *o, cmp_order);
  pthread_mutex_unlock(&sort_mu);
  return o;
}

static void build_filters(Seg *ix) {
  uint32_t n = ix->n;
  ix->n_words = (n + 63) / 64;
  for (int i = 0; i < 5; i++) ix->bm_status[i] = bm_new(ix);
  for (int i = 0; i < 12; i++) ix->bm_region[i] = bm_new(ix);
  ix->bm_sme = bm_new(ix);
  ix->bm_vcse = bm_new(ix);
  for (uint32_t d = 0; d < n; d++) {
    if (ix->status[d] < 5) bm_set(ix->bm_status[ix->status[d]], d);
    for (int r = 0; r < 12; r++)
      if (ix->regions[d] & (1u << r)) bm_set(ix->bm_region[r], d);
    if (ix->sme[d] == FLAG_YES) bm_set(ix->bm_sme, d);
    if (ix->vcse[d] == FLAG_YES) bm_set(ix->bm_vcse, d);
    for (int k = 0; k < UK_BITS; k++)
      if (ix->uk[d] & (1u << k)) {
        if (!ix->bm_uk[k]) ix->bm_uk[k] = bm_new(ix);
        bm_set(ix->bm_uk[k], d);
      }
    for (uint32_t k = ix->cpv_off[d]; k < ix->cpv_off[d + 1]; k++) {
      uint32_t div = ix->cpv[k] / 1000000;
      if (!ix->bm_div[div]) ix->bm_div[div] = bm_new(ix);
      bm_set(ix->bm_div[div], d);
    }
  }
  double *keys = xmalloc((n + 1) * sizeof *keys);
  ix->ord_closing = make_order(ix, QUERY_SORT_CLOSING, keys);
  ix->ord_newest = make_order(ix, QUERY_SORT_NEWEST, keys);
  ix->ord_value = make_order(ix, QUERY_SORT_VALUE, keys);
  ix->ord_award = make_order(ix, QUERY_SORT_AWARD_DATE, keys);
  free(keys);
  ix->open_by_deadline = xmalloc((n + 1) * sizeof *ix->open_by_deadline);
  for (uint32_t p = 0; p < n; p++) {
    uint32_t d = ix->ord_closing[p];
    if (ix->status[d] == NOTICE_STATUS_EXPIRING && ix->deadline[d] != NONE_TIME) ix->open_by_deadline[ix->n_open++] = d;
  }
  ix->by_buyer = xmalloc((n + 1) * sizeof *ix->by_buyer);
  for (uint32_t d = 0; d < n; d++) ix->by_buyer[d] = d;
  pthread_mutex_lock(&sort_mu);
  order_buyer = ix->buyer;
  qsort(ix->by_buyer, n, sizeof *ix->by_buyer, cmp_buyer);
  pthread_mutex_unlock(&sort_mu);
  /* (code, doc) pairs by code */
  uint32_t np = ix->cpv_off[n], *idx = xmalloc((np + 1) * sizeof *idx), *pair_doc = xmalloc((np + 1) * sizeof *pair_doc);
  for (uint32_t d = 0; d < n; d++)
    for (uint32_t k = ix->cpv_off[d]; k < ix->cpv_off[d + 1]; k++) pair_doc[k] = d;
  for (uint32_t k = 0; k < np; k++) idx[k] = k;
  pthread_mutex_lock(&sort_mu);
  order_code = ix->cpv;
  qsort(idx, np, sizeof *idx, cmp_pair);
  pthread_mutex_unlock(&sort_mu);
  ix->n_pairs = np;
  ix->cpv_code = xmalloc((np + 1) * sizeof *ix->cpv_code);
  ix->cpv_doc = xmalloc((np + 1) * sizeof *ix->cpv_doc);
  for (uint32_t k = 0; k < np; k++) ix->cpv_code[k] = ix->cpv[idx[k]], ix->cpv_doc[k] = pair_doc[idx[k]];
  free(idx);
  free(pair_doc);
  /* prefix bitmaps */
  ix->pre_step = n / PREFIXES + 1;
  for (int k = 0; k <= PREFIXES; k++) {
    ix->pre_closing[k] = bm_new(ix);
    ix->pre_value[k] = bm_new(ix);
    ix->pre_newest[k] = bm_new(ix);
    if (k) {
      memcpy(ix->pre_closing[k], ix->pre_closing[k - 1], ix->n_words * 8);
      memcpy(ix->pre_value[k], ix->pre_value[k - 1], ix->n_words * 8);
      memcpy(ix->pre_newest[k], ix->pre_newest[k - 1], ix->n_words * 8);
    }
    uint32_t from = k ? (uint32_t)(k - 1) * ix->pre_step : 0, to = (uint32_t)k * ix->pre_step;
    for (uint32_t p = from; p < to && p < n; p++) {
      bm_set(ix->pre_closing[k], ix->ord_closing[p]);
      bm_set(ix->pre_value[k], ix->ord_value[p]);
      bm_set(ix->pre_newest[k], ix->ord_newest[p]);
    }
  }
  ix->bytes += (size_t)np * 8 + 3 * (PREFIXES + 1) * ix->n_words * 8;
  size_t bms = 5 + 12 + 2;
  for (int i = 0; i < 100; i++) bms += ix->bm_div[i] != NULL;
  for (int i = 0; i < UK_BITS; i++) bms += ix->bm_uk[i] != NULL;
  ix->bytes += bms * ix->n_words * 8 + (size_t)n * 4 * 6;
}

static inline double ub_value(unsigned q) { return (double)q * ((K1 + 1.0) / 255.0); }

/* The smallest step whose value is >= part (part < k1 + 1 always). */
static unsigned ub_quantize(double part) {
  unsigned q = (unsigned)(part * (255.0 / (K1 + 1.0)));
  while (q < 255 && ub_value(q) < part) q++;
  return q;
}

/* A doc's length normaliser with the segment's own avgdl (what its blocks'
 * and bitmaps' bounds were computed with). */
static inline double seg_norm(const Seg *ix, uint32_t d) { return K1 * (1 - B + B * (double)ix->len[d] / ix->avgdl); }

/* A word's bitmap, rank directory and bounds (Dense) from its postings,
 * with the segment's own norms (seg_norm). */
static Dense *dense_make(const Seg *ix, const Term *term) {
  size_t nw = ix->n_words;
  Dense *D = xcalloc(1, sizeof *D);
  D->bits = xcalloc(nw + 1, sizeof *D->bits);
  D->rank = xcalloc(nw / RANK_WORDS + 2, sizeof *D->rank);
  D->ub = xcalloc(nw + 1, 1);
  D->ub8 = xcalloc(nw * 8 + 8, 1);
  D->q = xmalloc(term->df + 1);
  for (uint32_t i = 0; i < term->df; i++) {
    uint32_t d = term->docs[i];
    double f = term->f[i], part = (f * (K1 + 1.0)) / (f + seg_norm(ix, d));
    unsigned q = ub_quantize(part);
    D->q[i] = (uint8_t)q;
    bm_set(D->bits, d);
    if (q > D->ub[d >> 6]) D->ub[d >> 6] = (uint8_t)q;
    if (q > D->ub8[d >> 3]) D->ub8[d >> 3] = (uint8_t)q;
  }
  uint32_t r = 0;
  for (size_t w = 0; w < nw; w++) {
    if (w % RANK_WORDS == 0) D->rank[w / RANK_WORDS] = r;
    r += (uint32_t)pop64(D->bits[w]);
  }
  return D;
}

static void dense_free(Dense *D) {
  if (!D) return;
  free(D->bits);
  free(D->rank);
  free(D->ub);
  free(D->ub8);
  free(D->q);
  free(D);
}

/* Word bitmaps for the common words; after ix->n_words and avgdl. */
static void build_dense(Seg *ix) {
  size_t nw = ix->n_words;
  for (uint32_t t = 0; t < ix->n_terms; t++) {
    Term *term = &ix->terms[t];
    if (!term->df || (uint64_t)term->df * DENSE_DIV < ix->n) continue;
    term->dense = dense_make(ix, term);
    ix->n_dense++;
    ix->bytes += (nw + 1) * 9 + (nw / RANK_WORDS + 2) * 4 + nw * 8 + term->df;
  }
}

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void seg_free(Seg *ix);

static Seg *seg_new(void) {
  Seg *ix = xcalloc(1, sizeof *ix);
  pthread_mutex_init(&ix->mu, NULL);
  atomic_init(&ix->refs, 1);
  return ix;
}


/* Everything a segment needs once its docs are read: ocid ranks, postings
 * in three arrays, block bounds, filters, sort orders and word bitmaps. The
 * builder is left ready for the next segment. */
static void seg_finish(Builder *b) {
  Seg *ix = b->ix;
  if (!b->cap) grow_columns(b);
  size_t pool_len = b->ocids.len;
  ix->ocid_pool = buf_detach(&b->ocids, NULL);
  if (!ix->ocid_pool) ix->ocid_pool = xstrdup("");
  ix->cpv_off[ix->n] = (uint32_t)b->n_cpv;
  ix->cpv = b->cpv ? b->cpv : xmalloc(sizeof *ix->cpv);
  size_t n_cpv = b->n_cpv;
  ix->tokens = b->total_tokens;

  /* ranks of ocids */
  ix->by_ocid = xmalloc((ix->n + 1) * sizeof *ix->by_ocid);
  ix->rank = xmalloc((ix->n + 1) * sizeof *ix->rank);
  for (uint32_t i = 0; i < ix->n; i++) ix->by_ocid[i] = i;
  pthread_mutex_lock(&sort_mu);
  sort_ix = ix;
  qsort(ix->by_ocid, ix->n, sizeof *ix->by_ocid, cmp_ocid);
  pthread_mutex_unlock(&sort_mu);
  for (uint32_t i = 0; i < ix->n; i++) ix->rank[ix->by_ocid[i]] = i;

  /* postings into three arrays */
  size_t np = 0, nq = 0;
  for (uint32_t t = 0; t < ix->n_terms; t++) np += ix->terms[t].df, nq += ix->terms[t].bpos.n;
  ix->docs_all = xmalloc((np + 1) * sizeof *ix->docs_all);
  ix->f_all = xmalloc((np + 1) * sizeof *ix->f_all);
  ix->pos_all = xmalloc(nq + 8);
  np = nq = 0;
  for (uint32_t t = 0; t < ix->n_terms; t++) {
    Term *term = &ix->terms[t];
    if (term->df) {
      memcpy(ix->docs_all + np, term->bdocs, term->df * sizeof *term->bdocs);
      memcpy(ix->f_all + np, term->bf, term->df * sizeof *term->bf);
    }
    if (term->bpos.n) memcpy(ix->pos_all + nq, term->bpos.p, term->bpos.n);
    term->docs = ix->docs_all + np;
    term->f = ix->f_all + np;
    term->pos = ix->pos_all + nq;
    np += term->df;
    nq += term->bpos.n;
    free(term->bdocs);
    free(term->bf);
    free(term->bpos.p);
    term->bdocs = NULL;
    term->bf = NULL;
    memset(&term->bpos, 0, sizeof term->bpos);
    if (term->n_blocks < term->cap_blocks) term->blocks = xrealloc(term->blocks, term->n_blocks * sizeof *term->blocks);
    ix->bytes += term->n_blocks * sizeof(Block) + strlen(term->word) + 1;
  }
  np *= sizeof(uint32_t) + sizeof(uint16_t);
  build_filters(ix);
  size_t n = ix->n;
  ix->bytes += np + nq + ix->n_terms * sizeof(Term) + ix->n_slots * 4 + n_cpv * 4 + ix->cpv_off[n] +
               n * (8 + 8 + 4 + 4 + 4 + 1 + 8 + 8 + 8 + 1 + 1 + 2 + 8 + 4 + 4) + pool_len;
  /* the builder, for the next segment */
  b->cap = 0;
  b->cpv = NULL;
  b->n_cpv = b->cap_cpv = 0;
  b->total_tokens = 0;
  b->ix = NULL;
}

/* ---- reading segments from the store ----------------------------------------- */

/* A range segment as a merge of deltas knows it: a notice of its rows whose
 * newest release is at or before seq is there at that version already. */
typedef struct {
  long long after_id, upto_id;
  int64_t seq;
} Held;

/* Segments read by one scan: a range scan cut every cut notices (0: never),
 * the parts covering (after_id, upto_id] between them. A delta read skips the
 * notices held (held[0..n_held)). */
typedef struct {
  Builder b;
  Seg **segs;
  size_t n, cap;
  size_t cut;
  long long after_id, upto_id;
  int is_delta;
  int64_t since;
  const Held *held;
  size_t n_held;
} Reader;

/* The bounds of a finished segment -- its blocks' maxima and its common
 * words' bitmaps and bounds -- with ref as avgdl: the avgdl of the snapshot
 * the segment is built for, so that its bounds are tight there (a search
 * scales them by max(1, its avgdl / ref) to keep them bounds). */
static void seg_bounds(Seg *ix, double ref) {
  ix->avgdl = ref > 0 ? ref : 1.0;
  for (uint32_t t = 0; t < ix->n_terms; t++) {
    Term *term = &ix->terms[t];
    for (uint32_t i = 0; i < term->df; i++) {
      double f = term->f[i], part = (f * (K1 + 1.0)) / (f + seg_norm(ix, term->docs[i]));
      if (part > term->blocks[i / BLOCK].max_part) term->blocks[i / BLOCK].max_part = part;
    }
  }
  build_dense(ix);
}

static void reader_push(Reader *r, Seg *s) {
  if (r->n == r->cap) {
    r->cap = r->cap ? 2 * r->cap : 8;
    r->segs = xrealloc(r->segs, r->cap * sizeof *r->segs);
  }
  r->segs[r->n++] = s;
}

static void reader_start(Reader *r) {
  Seg *s = seg_new();
  s->is_delta = r->is_delta;
  s->since = r->since;
  s->after_id = r->n ? r->segs[r->n - 1]->upto_id : r->after_id;
  s->upto_id = r->upto_id;
  r->b.ix = s;
}

static int on_read(void *ctx, const StoreIndexDoc *d, Err *err) {
  Reader *r = ctx;
  for (size_t i = 0; i < r->n_held; i++)
    if (d->id > r->held[i].after_id && d->id <= r->held[i].upto_id) {
      if (d->seq <= r->held[i].seq) return 0; /* a range holds this version */
      break;
    }
  if (r->cut && r->b.ix->n == r->cut) { /* this part is full: it ends before d */
    Seg *s = r->b.ix;
    s->upto_id = s->row[s->n - 1];
    seg_finish(&r->b);
    reader_push(r, s);
    reader_start(r);
  }
  return on_doc(&r->b, d, err);
}

static void reader_release(Reader *r) {
  free(r->b.occ_pos);
  free(r->b.occ_next);
  free(r->b.distinct);
}

/* Reads segments: a delta (is_delta: the notices changed after since), or
 * the range (after_id, upto_id] cut into parts of at most cut notices. */
static int read_segs(Store *st, int is_delta, int64_t since, long long after_id, long long upto_id, size_t cut,
                     const Held *held, size_t n_held, double ref, Seg ***out, size_t *n_out, Err *err) {
  double t0 = now_s();
  Reader r = {.cut = is_delta ? 0 : cut, .after_id = after_id, .upto_id = upto_id, .is_delta = is_delta, .since = since,
              .held = held, .n_held = n_held};
  reader_start(&r);
  int64_t seq = 0;
  int rc = is_delta ? store_index_changes(st, since, on_read, &r, &seq, err)
                    : store_index_scan_range(st, after_id, upto_id, on_read, &r, &seq, err);
  Seg *last = r.b.ix;
  if (rc) {
    last->ocid_pool = buf_detach(&r.b.ocids, NULL);
    free(r.b.cpv);
    seg_free(last);
    for (size_t i = 0; i < r.n; i++) seg_free(r.segs[i]);
    free(r.segs);
    reader_release(&r);
    return rc;
  }
  seg_finish(&r.b);
  reader_push(&r, last);
  reader_release(&r);
  if (ref <= 0) { /* the avgdl of what was read */
    uint64_t tokens = 0, docs = 0;
    for (size_t i = 0; i < r.n; i++) tokens += r.segs[i]->tokens, docs += r.segs[i]->n;
    ref = docs ? (double)tokens / (double)docs : 1.0;
  }
  for (size_t i = 0; i < r.n; i++) seg_bounds(r.segs[i], ref);
  double took = now_s() - t0;
  for (size_t i = 0; i < r.n; i++) {
    r.segs[i]->seq = seq;
    r.segs[i]->build_s = took / (double)r.n;
  }
  *out = r.segs;
  *n_out = r.n;
  return 0;
}

static void phrase_free(Phrase *p) {
  free(p->key);
  free(p->bdocs_free);
  free(p->bf_free);
  free(p->t.blocks);
  free(p);
}

static void seg_free(Seg *ix) {
  if (!ix) return;
  free(ix->doc_seq);
  free(ix->row);
  free(ix->ocid_off);
  free(ix->ocid_pool);
  free(ix->rank);
  free(ix->by_ocid);
  free(ix->status);
  free(ix->deadline);
  free(ix->published);
  free(ix->awarded);
  free(ix->value);
  free(ix->sme);
  free(ix->vcse);
  free(ix->uk);
  free(ix->regions);
  free(ix->buyer);
  free(ix->cpv_off);
  free(ix->cpv);
  free(ix->len);
  for (uint32_t t = 0; t < ix->n_terms; t++) {
    Dense *D = (Dense *)ix->terms[t].dense;
    dense_free(D);
    free(ix->terms[t].word);
    free(ix->terms[t].blocks);
    free(ix->terms[t].bdocs);
    free(ix->terms[t].bf);
    free(ix->terms[t].bpos.p);
  }
  free(ix->terms);
  free(ix->slots);
  free(ix->docs_all);
  free(ix->f_all);
  free(ix->pos_all);
  for (int i = 0; i < 5; i++) free(ix->bm_status[i]);
  for (int i = 0; i < 12; i++) free(ix->bm_region[i]);
  for (int i = 0; i < 100; i++) free(ix->bm_div[i]);
  free(ix->bm_sme);
  free(ix->bm_vcse);
  for (int k = 0; k < UK_BITS; k++) free(ix->bm_uk[k]);
  free(ix->ord_closing);
  free(ix->ord_newest);
  free(ix->ord_award);
  free(ix->ord_value);
  free(ix->open_by_deadline);
  free(ix->by_buyer);
  free(ix->cpv_code);
  free(ix->cpv_doc);
  for (int k = 0; k <= PREFIXES; k++) free(ix->pre_closing[k]), free(ix->pre_value[k]), free(ix->pre_newest[k]);
  while (ix->ph_newest) { /* no search holds a segment that is freed */
    Phrase *ph = ix->ph_newest;
    ix->ph_newest = ph->older;
    phrase_free(ph);
  }
  free(ix->ph_slots);
  pthread_mutex_destroy(&ix->mu);
  free(ix);
}

static atomic_int force_exhaustive;
void search_index_set_exhaustive(int on) { atomic_store(&force_exhaustive, on != 0); }

/* ---- iterating postings --------------------------------------------------- */

typedef struct {
  const Term *t;  /* NULL: the word is not in the index (matches nothing) */
  const Dense *D; /* a common word's bitmap, to seek with (NULL: gallop) */
  size_t nw;      /* the bitmap's words */
  uint32_t i;     /* current posting */
  uint32_t doc;   /* its doc, or END */
  const uint8_t *pos; /* positions of posting pos_i (in block pos_b) */
  uint32_t pos_i, pos_b; /* pos_b: the POS_STEP group pos is in */
} TermIt;

static void term_start(TermIt *it, const Term *t) {
  it->t = t;
  it->D = NULL;
  it->i = 0;
  it->doc = t && t->df ? t->docs[0] : END;
  it->pos = NULL;
  it->pos_b = UINT32_MAX;
}

/* Moves to the first doc >= target: for a common word, the next bit of its
 * bitmap within a few words and its posting from the rank directory; else
 * galloping, then binary search. */
static void term_seek(TermIt *it, uint32_t target) {
  if (it->doc >= target) return;
  if (it->D) {
    const uint64_t *bits = it->D->bits;
    size_t w = target >> 6, lim = w + 16;
    uint64_t x = w < it->nw ? bits[w] & (~0ull << (target & 63)) : 0;
    while (!x && ++w < it->nw && w < lim) x = bits[w];
    if (x) {
      uint32_t doc = (uint32_t)(w * 64 + (size_t)__builtin_ctzll(x));
      uint32_t r = it->D->rank[w / RANK_WORDS];
      for (size_t k = w - w % RANK_WORDS; k < w; k++) r += pop64(bits[k]);
      it->i = r + pop64(bits[w] & ((1ull << (doc & 63)) - 1));
      it->doc = doc;
      return;
    }
    if (w >= it->nw) {
      it->i = it->t->df;
      it->doc = END;
      return;
    }
    target = (uint32_t)(w * 64); /* a long gap: gallop to it */
  }
  const uint32_t *d = it->t->docs;
  uint32_t n = it->t->df, lo = it->i + 1, step = 1, hi;
  while (lo + step < n && d[lo + step] < target) lo += step, step *= 2;
  hi = lo + step < n ? lo + step + 1 : n;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (d[mid] < target) lo = mid + 1;
    else hi = mid;
  }
  it->i = lo;
  it->doc = lo < n ? d[lo] : END;
}

/* The positions of the current posting: *n of them, written to out (at most
 * cap; the rest are skipped). */
static uint32_t term_positions(TermIt *it, uint32_t *out, uint32_t cap) {
  uint32_t sub = it->i / POS_STEP;
  if (sub != it->pos_b || it->pos_i > it->i) {
    it->pos_b = sub;
    it->pos_i = sub * POS_STEP;
    it->pos = it->t->pos + it->t->blocks[it->i / BLOCK].pos_off[it->i % BLOCK / POS_STEP];
  }
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
  const uint64_t *only; /* a phrase is verified only in these docs (NULL: all) */
  uint32_t doc;
  double f;    /* weighted instances in doc, when scored */
  int f_known; /* f is for doc */
  double idf;
  double nhit; /* live docs of the segment holding it (positive alternatives) */
  Phrase *held; /* the kept phrase standing in for its words (phrase_put at the end) */
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
    if (a->only && !(a->only[d >> 6] >> (d & 63) & 1)) {
      d++;
      continue;
    }
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
    a->f = (double)a->w[0].t->f[a->w[0].i];
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
  const Seg *ix;
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
  int exhaustive; /* no word bitmaps (search_index_set_exhaustive) */
  /* the segment in its snapshot */
  uint32_t seg;            /* its number */
  const double *norm;      /* per doc, the length normaliser with the snapshot's avgdl */
  double bscale;           /* what the segment's bounds are multiplied by to stay bounds */
  const uint64_t *del;     /* docs replaced by a newer version elsewhere (NULL: none) */
  const uint32_t *dlist;   /* the same, ascending */
  uint32_t n_del;
  uint64_t *F; /* the filters' matches; NULL: every doc */
  /* the cursor as (key, rank) */
  int has_cursor;
  double c_key;
  uint32_t c_rank;
} Exec;

/* The limits of a segment's phrase cache: its share of the whole index's,
 * so about the same however the notices are cut. */
static size_t phrase_max_entries(const Seg *ix) {
  size_t n = (size_t)((uint64_t)PHRASE_ENTRIES * ix->n >> 20);
  return n < 256 ? 256 : n;
}
static size_t phrase_max_postings(const Seg *ix) {
  size_t n = (size_t)((uint64_t)PHRASE_BUDGET * ix->n >> 20);
  return n < 65536 ? 65536 : n;
}
static size_t phrase_max_bytes(const Seg *ix) {
  return phrase_max_postings(ix) * (sizeof(uint32_t) + sizeof(uint16_t)) + phrase_max_entries(ix) * 256;
}

static void phrase_unlink(Seg *m, Phrase *p) { /* from the list by use */
  if (p->newer) p->newer->older = p->older;
  else m->ph_newest = p->older;
  if (p->older) p->older->newer = p->newer;
  else m->ph_oldest = p->newer;
  p->newer = p->older = NULL;
}

static void phrase_push(Seg *m, Phrase *p) { /* as the most recently used */
  p->older = m->ph_newest;
  p->newer = NULL;
  if (m->ph_newest) m->ph_newest->newer = p;
  m->ph_newest = p;
  if (!m->ph_oldest) m->ph_oldest = p;
}

/* Under m->mu: the phrase kept under key, made the most recently used and
 * held by the caller; NULL when none. */
static Phrase *phrase_get(Seg *m, const char *key, uint64_t h) {
  if (!m->ph_cap) return NULL;
  for (Phrase *p = m->ph_slots[h & (m->ph_cap - 1)]; p; p = p->chain)
    if (p->hash == h && strcmp(p->key, key) == 0) {
      phrase_unlink(m, p);
      phrase_push(m, p);
      p->refs++;
      return p;
    }
  return NULL;
}

/* Under m->mu: out of the table and the list; freed now if no search holds
 * it, else when the last one lets it go (phrase_put). */
static void phrase_evict(Seg *m, Phrase *p) {
  Phrase **pp = &m->ph_slots[p->hash & (m->ph_cap - 1)];
  while (*pp != p) pp = &(*pp)->chain;
  *pp = p->chain;
  phrase_unlink(m, p);
  m->ph_n--;
  m->ph_bytes -= p->bytes;
  p->evicted = 1;
  if (!p->refs) phrase_free(p);
}

static void phrase_put(const Seg *ix, Phrase *p) {
  if (!p) return;
  Seg *m = (Seg *)ix;
  pthread_mutex_lock(&m->mu);
  if (--p->refs == 0 && p->evicted) phrase_free(p);
  pthread_mutex_unlock(&m->mu);
}

/* Under m->mu: keeps p (held by the caller), evicting the least recently
 * used phrases until it fits; 0 when it cannot fit at all (not kept). */
static int phrase_keep(Seg *m, Phrase *p) {
  size_t max_n = phrase_max_entries(m), max_b = phrase_max_bytes(m);
  if (p->bytes > max_b / 4) return 0; /* one phrase never takes most of the cache */
  while (m->ph_oldest && (m->ph_n + 1 > max_n || m->ph_bytes + p->bytes > max_b)) phrase_evict(m, m->ph_oldest);
  if (m->ph_n + 1 > m->ph_cap / 2) { /* grow the table: at most half full */
    size_t cap = m->ph_cap ? 2 * m->ph_cap : 64;
    Phrase **slots = xcalloc(cap, sizeof *slots);
    for (Phrase *q = m->ph_newest; q; q = q->older) {
      q->chain = slots[q->hash & (cap - 1)];
      slots[q->hash & (cap - 1)] = q;
    }
    free(m->ph_slots);
    m->ph_slots = slots;
    m->ph_cap = cap;
  }
  p->chain = m->ph_slots[p->hash & (m->ph_cap - 1)];
  m->ph_slots[p->hash & (m->ph_cap - 1)] = p;
  phrase_push(m, p);
  m->ph_n++;
  m->ph_bytes += p->bytes;
  return 1;
}

/* The phrase kept under key in segment ix, held (phrase_put lets it go). */
static Phrase *phrase_find(const Seg *ix, const char *key) {
  Seg *m = (Seg *)ix; /* the phrase cache is the one mutable part */
  pthread_mutex_lock(&m->mu);
  Phrase *p = phrase_get(m, key, hash_word(key, strlen(key)));
  pthread_mutex_unlock(&m->mu);
  return p;
}

/* Runs phrase a (freshly started, unrestricted) over the whole index: the
 * number of docs holding it (FTS5's n_i), and its matches kept as postings
 * under key when they fit the cache. *t the kept postings or NULL; *held
 * the phrase the caller holds (phrase_put), or NULL. */
static long long phrase_run(const Seg *ix, Alt *a, const char *key, const Term **t, Phrase **held) {
  Seg *m = (Seg *)ix;
  uint32_t *docs = NULL, cap = 0, n = 0;
  uint16_t *f = NULL;
  for (alt_seek(a, 0); a->doc != END; alt_seek(a, a->doc + 1)) {
    if (n == cap) {
      cap = cap ? cap * 2 : 256;
      docs = xrealloc(docs, cap * sizeof *docs);
      f = xrealloc(f, cap * sizeof *f);
    }
    docs[n] = a->doc;
    f[n++] = (uint16_t)(a->f > 65535 ? 65535 : a->f);
  }
  for (size_t i = 0; i < a->n; i++) term_start(&a->w[i], a->w[i].t);
  a->doc = 0;
  a->f_known = 0;
  *t = NULL;
  uint64_t h = hash_word(key, strlen(key));
  pthread_mutex_lock(&m->mu);
  Phrase *p = phrase_get(m, key, h); /* another search may have kept it meanwhile */
  if (!p) {
    p = xcalloc(1, sizeof *p);
    p->key = xstrdup(key);
    p->hash = h;
    p->t.word = p->key;
    p->t.df = n;
    p->t.docs = p->bdocs_free = docs;
    p->t.f = p->bf_free = f;
    p->t.n_blocks = (n + BLOCK - 1) / BLOCK;
    p->t.blocks = xcalloc(p->t.n_blocks + 1, sizeof *p->t.blocks);
    p->bytes = sizeof *p + strlen(key) + 1 + (size_t)n * (sizeof *docs + sizeof *f) +
               (p->t.n_blocks + 1) * sizeof *p->t.blocks;
    for (uint32_t i = 0; i < n; i++) {
      double fi = f[i], part = (fi * (K1 + 1.0)) / (fi + seg_norm(ix, docs[i]));
      if (part > p->t.blocks[i / BLOCK].max_part) p->t.blocks[i / BLOCK].max_part = part;
    }
    p->refs = 1;
    docs = NULL;
    f = NULL;
    if (!phrase_keep(m, p)) {
      phrase_free(p);
      p = NULL;
    }
  }
  pthread_mutex_unlock(&m->mu);
  free(docs);
  free(f);
  *held = p;
  *t = p ? &p->t : NULL;
  return n;
}

static int cmp_clause_cost(const void *a, const void *b) {
  const Clause *x = a, *y = b;
  if (x->negated != y->negated) return x->negated - y->negated;
  return x->cost < y->cost ? -1 : x->cost > y->cost;
}

static void exec_release(Exec *e) {
  for (size_t i = 0; i < e->n_pos + e->n_neg; i++) {
    for (size_t a = 0; a < e->clauses[i].n; a++) phrase_put(e->ix, e->clauses[i].alts[a].held);
    free(e->clauses[i].alts);
  }
  free(e->clauses);
  free(e->scored);
  free(e->its);
  for (size_t i = 0; i < e->n_words; i++) free(e->words[i]);
  free(e->words);
  free(e->F);
}

static void exec_init(Exec *e, const Seg *ix, const Query *q, time_t now) {
  memset(e, 0, sizeof *e);
  e->ix = ix;
  e->q = q;
  e->now = now;
  e->exhaustive = atomic_load(&force_exhaustive);
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
        token_term(t->words[k], strlen(t->words[k]), &folded);
        long term = folded.len ? find_term(ix, folded.data, folded.len) : -1;
        term_start(&e->its[w], term >= 0 ? &ix->terms[term] : NULL);
        if (term >= 0 && ix->terms[term].dense && !e->exhaustive) {
          e->its[w].D = ix->terms[term].dense;
          e->its[w].nw = ix->n_words;
        }
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
  /* phrases already computed become postings; IDFs, in query order */
  Buf key = BUF_INIT;
  for (size_t c = 0; c < q->n_clauses; c++) {
    Clause *cl = &e->clauses[c];
    for (size_t a = 0; a < cl->n; a++) {
      Alt *al = &cl->alts[a];
      int missing = 0;
      for (size_t k = 0; k < al->n; k++) missing |= al->w[k].t == NULL;
      const Term *t = NULL;
      long long nhit = 0;
      if (al->n > 1 && !missing) {
        buf_reset(&key);
        for (size_t k = 0; k < al->n; k++) {
          Buf f = BUF_INIT;
          const char *word = q->clauses[c].alts[a].words[k];
          token_term(word, strlen(word), &f);
          buf_addf(&key, "%s ", buf_cstr(&f));
          buf_release(&f);
        }
        Phrase *kept = phrase_find(ix, key.data);
        if (kept) t = &kept->t;
        else if (!cl->negated) nhit = phrase_run(ix, al, key.data, &t, &kept);
        al->held = kept;
        if (t) { /* the phrase's postings stand in for its words */
          nhit = t->df;
          term_start(&al->w[0], t);
          al->n = 1;
        }
      } else if (!missing) {
        nhit = al->w[0].t->df;
      }
      if (!cl->negated) al->nhit = (double)nhit;
    }
  }
  buf_release(&key);
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
  e->filtered = query_filtered(q);
}

/* The status a notice shows: stored open past its deadline is closed. */
static inline unsigned shown_status(const Seg *ix, uint32_t d, time_t now) {
  return notice_status_at((NoticeStatus)ix->status[d], ix->deadline[d] != NONE_TIME, ix->deadline[d], (long long)now);
}

/* The first p in [0, n) at which pred(ctx, p) turns true (it is false,
 * then true); n when it never does. */
typedef struct {
  const Seg *ix;
  const uint32_t *o;
  QuerySort sort;
  double key; /* the bound on key_of */
  uint32_t rank;
  int64_t t;
  long long id;
} Bound;
static uint32_t lower_bound(uint32_t n, int (*pred)(const Bound *b, uint32_t p), const Bound *b) {
  uint32_t lo = 0, hi = n;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (pred(b, mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
static int key_ge(const Bound *b, uint32_t p) { return key_of(b->ix, b->sort, b->o[p]) >= b->key; }
static int key_gt(const Bound *b, uint32_t p) { return key_of(b->ix, b->sort, b->o[p]) > b->key; }
static int deadline_ge(const Bound *b, uint32_t p) { return b->ix->deadline[b->o[p]] >= b->t; }
static int code_ge(const Bound *b, uint32_t p) { return b->ix->cpv_code[p] >= (uint32_t)b->t; }
static int buyer_ge(const Bound *b, uint32_t p) { return b->ix->buyer[b->o[p]] >= b->id; }
static int buyer_gt(const Bound *b, uint32_t p) { return b->ix->buyer[b->o[p]] > b->id; }
static int after_key(const Bound *b, uint32_t p) {
  double k = key_of(b->ix, b->sort, b->o[p]);
  return k > b->key || (k == b->key && b->ix->rank[b->o[p]] >= b->rank);
}

static void and_into(const Seg *ix, uint64_t *dst, const uint64_t *m) {
  for (size_t w = 0; w < ix->n_words; w++) dst[w] &= m[w];
}

/* dst &= the docs with uk bit k (want), or without it (!want). */
static void and_uk(const Seg *ix, uint64_t *dst, int k, int want) {
  const uint64_t *m = ix->bm_uk[k];
  for (size_t w = 0; w < ix->n_words; w++) dst[w] &= m ? (want ? m[w] : ~m[w]) : want ? 0 : ~0ull;
}

/* Docs order[from..to) into a new bitmap; pre: the order's prefix bitmaps. */
static uint64_t *range_bitmap(const Seg *ix, const uint32_t *order, uint64_t *const *pre, uint32_t from,
                              uint32_t to) {
  uint64_t *m = bm_new(ix);
  uint32_t step = ix->pre_step, k1 = (from + step - 1) / step, k2 = to / step;
  if (k1 >= k2) { /* within one step: bit by bit */
    for (uint32_t p = from; p < to; p++) bm_set(m, order[p]);
    return m;
  }
  for (size_t w = 0; w < ix->n_words; w++) m[w] = pre[k2][w] & ~pre[k1][w]; /* [k1*step, k2*step) */
  for (uint32_t p = from; p < k1 * step; p++) bm_set(m, order[p]);
  for (uint32_t p = k2 * step; p < to; p++) bm_set(m, order[p]);
  return m;
}

/* F &= the docs whose key under sort (ascending in order o, with prefix
 * bitmaps pre) is in [lo, hi]; without has_hi, every doc with a finite key
 * from lo on (the docs without one, +inf, stay out). */
static void and_key_range(const Seg *ix, uint64_t *F, const uint32_t *o, uint64_t *const *pre, QuerySort sort,
                          double lo, int has_hi, double hi) {
  Bound l = {.ix = ix, .o = o, .sort = sort, .key = lo}, h = l;
  h.key = has_hi ? hi : INFINITY;
  uint32_t from = lower_bound(ix->n, key_ge, &l), to = lower_bound(ix->n, has_hi ? key_gt : key_ge, &h);
  uint64_t *m = range_bitmap(ix, o, pre, from, to);
  and_into(ix, F, m);
  free(m);
}

/* The filters of the query as one bitmap (e->F), from the index's bitmaps
 * and sort orders: each filter costs a pass over a bitmap or over the docs
 * in a range, never a test per doc of the whole index. */
static void build_filter(Exec *e) {
  const Seg *ix = e->ix;
  const Query *q = e->q;
  if (!e->filtered && !e->del) return;
  uint64_t *F = e->F = bm_new(ix), *m;
  bm_fill(ix, F);
  if (e->del)
    for (size_t w = 0; w < ix->n_words; w++) F[w] &= ~e->del[w];
  if (q->status) {
    m = bm_new(ix);
    /* model/notice.h's rule: an expiring (open) notice past its deadline
     * shows as expired (closed) */
    unsigned open = q->status & (1u << NOTICE_STATUS_EXPIRING), closed = q->status & (1u << NOTICE_STATUS_EXPIRED);
    for (int s = 0; s < NOTICE_N_STATUS; s++)
      if (q->status & (1u << s))
        for (size_t w = 0; w < ix->n_words; w++) m[w] |= ix->bm_status[s][w];
    if (!open != !closed) {
      const uint32_t *o = ix->open_by_deadline;
      Bound bd = {.ix = ix, .o = o, .t = (int64_t)e->now};
      uint32_t k = lower_bound(ix->n_open, deadline_ge, &bd);
      for (uint32_t p = 0; p < k; p++) {
        uint32_t d = o[p];
        if (open) m[d >> 6] &= ~(1ull << (d & 63));
        else m[d >> 6] |= 1ull << (d & 63);
      }
    }
    and_into(ix, F, m);
    free(m);
  }
  if (e->region_mask) {
    m = bm_new(ix);
    for (int r = 0; r < 12; r++)
      if (e->region_mask & (1u << r))
        for (size_t w = 0; w < ix->n_words; w++) m[w] |= ix->bm_region[r][w];
    and_into(ix, F, m);
    free(m);
  }
  if (q->n_cpv) {
    m = bm_new(ix);
    for (size_t i = 0; i < q->n_cpv; i++) {
      const uint64_t *div = ix->bm_div[e->cpv_lo[i] / 1000000];
      if (strlen(q->cpv[i]) == 2) { /* a division: its bitmap */
        if (div)
          for (size_t w = 0; w < ix->n_words; w++) m[w] |= div[w];
        continue;
      }
      Bound lo = {.ix = ix, .t = e->cpv_lo[i]}, hi = {.ix = ix, .t = e->cpv_hi[i]};
      for (uint32_t p = lower_bound(ix->n_pairs, code_ge, &lo), to = lower_bound(ix->n_pairs, code_ge, &hi); p < to; p++)
        bm_set(m, ix->cpv_doc[p]);
    }
    and_into(ix, F, m);
    free(m);
  }
  if (q->sme != FLAG_UNKNOWN)
    for (size_t w = 0; w < ix->n_words; w++) F[w] &= q->sme == FLAG_YES ? ix->bm_sme[w] : ~ix->bm_sme[w];
  if (q->vcse != FLAG_UNKNOWN)
    for (size_t w = 0; w < ix->n_words; w++) F[w] &= q->vcse == FLAG_YES ? ix->bm_vcse[w] : ~ix->bm_vcse[w];
  /* one sector (both is any), sub-contract or not */
  if (q->sector == 1u << NOTICE_PUBLIC || q->sector == 1u << NOTICE_PRIVATE)
    and_uk(ix, F, UK_PRIVATE, q->sector == 1u << NOTICE_PRIVATE);
  if (q->subcontract != FLAG_UNKNOWN) and_uk(ix, F, UK_SUB, q->subcontract == FLAG_YES);
  /* stage (any of those asked for), then reserved (any of those asked for) */
  for (int part = 0; part < 2; part++) {
    unsigned want = part ? q->reserved << NOTICE_N_STAGE : q->stage;
    if (!want) continue;
    m = bm_new(ix);
    for (int k = 0; k < UK_BITS; k++)
      if ((want & (1u << k)) && ix->bm_uk[k])
        for (size_t w = 0; w < ix->n_words; w++) m[w] |= ix->bm_uk[k][w];
    and_into(ix, F, m);
    free(m);
  }
  if (q->buyer) {
    const uint32_t *o = ix->by_buyer;
    Bound bd = {.ix = ix, .o = o, .id = q->buyer};
    uint32_t from = lower_bound(ix->n, buyer_ge, &bd), to = lower_bound(ix->n, buyer_gt, &bd);
    uint64_t *b = bm_new(ix);
    for (uint32_t p = from; p < to; p++) bm_set(b, o[p]);
    and_into(ix, F, b);
    free(b);
  }
  if (q->has_closing_from || q->has_closing_to) /* keys are deadlines (whole seconds; to is exclusive), none +inf */
    and_key_range(ix, F, ix->ord_closing, ix->pre_closing, QUERY_SORT_CLOSING,
                  q->has_closing_from ? (double)q->closing_from : -INFINITY, q->has_closing_to,
                  (double)(q->closing_to - 1));
  if (q->has_published_from || q->has_published_to) /* keys are -published (whole seconds), no date +inf */
    and_key_range(ix, F, ix->ord_newest, ix->pre_newest, QUERY_SORT_NEWEST,
                  q->has_published_to ? -(double)(q->published_to - 1) : -INFINITY, q->has_published_from,
                  -(double)q->published_from);
  if (q->has_value_min || q->has_value_max) /* keys are -value, no value +inf */
    and_key_range(ix, F, ix->ord_value, ix->pre_value, QUERY_SORT_VALUE, q->has_value_max ? -q->value_max : -INFINITY,
                  q->has_value_min, -q->value_min);
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
  double s = 0, norm = e->norm[d];
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
  uint32_t rank, doc; /* rank: of its ocid within its segment */
  double score;
  uint32_t seg;
  const char *ocid;
} Cand;

/* a sorts before b: by key, then by ocid (within a segment, its rank) */
static inline int before(const Cand *a, const Cand *b) {
  if (a->key != b->key) return a->key < b->key;
  if (a->seg == b->seg) return a->rank < b->rank;
  return strcmp(a->ocid, b->ocid) < 0;
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
  return e->q->sort == QUERY_SORT_RELEVANCE ? -s : key_of(e->ix, e->q->sort, d);
}

/* Whether c comes after the cursor. */
static inline int after_cursor(const Exec *e, const Cand *c) {
  return !e->has_cursor || c->key > e->c_key || (c->key == e->c_key && c->rank >= e->c_rank);
}

static void consider(Exec *e, Heap *h, uint32_t d, double s) {
  double key = sort_key(e, d, s);
  if (h->n == h->k && key > h->v[0].key) return; /* cannot enter the page */
  Cand c = {key, e->ix->rank[d], d, s, e->seg, e->ix->ocid_pool + e->ix->ocid_off[d]};
  if (after_cursor(e, &c)) heap_offer(h, &c);
}

/* A single word, no filters, relevance: the total is its document frequency
 * and blocks whose best possible score cannot enter the top-k are skipped. */
/* Relevance for a single word (and maybe filters): every posting is
 * counted, but a block whose best score cannot enter the top-k is not
 * scored. */
static void top_single_word(Exec *e, Heap *h, long long *total) {
  Alt *a = e->scored[0];
  const Term *t = a->w[0].t;
  const Seg *ix = e->ix;
  const uint64_t *F = e->F;
  *total = 0;
  if (!t) return;
  long long n = 0;
  int counted = F && t->dense && !e->exhaustive; /* the filters AND the word's bitmap, counted at once */
  if (counted)
    for (size_t w = 0; w < ix->n_words; w++) n += pop64(F[w] & t->dense->bits[w]);
  for (uint32_t b = 0; b < t->n_blocks; b++) {
    const Block *bl = &t->blocks[b];
    uint32_t end = (b + 1) * BLOCK < t->df ? (b + 1) * BLOCK : t->df;
    int skip = h->n == h->k && a->idf * bl->max_part * e->bscale * (1 + 1e-9) < -h->v[0].key;
    if (skip) {
      if (counted) continue;
      if (!F) n += end - b * BLOCK;
      else
        for (uint32_t i = b * BLOCK; i < end; i++) n += bm_test(F, t->docs[i]);
      continue;
    }
    for (uint32_t i = b * BLOCK; i < end; i++) {
      uint32_t d = t->docs[i];
      if (F && !bm_test(F, d)) continue;
      n += !counted;
      double f = (double)t->f[i];
      double s = 0.0 + a->idf * ((f * (K1 + 1.0)) / (f + e->norm[d]));
      consider(e, h, d, s);
    }
  }
  *total = n;
}

/* ORs into m the docs holding alternative a (freshly positioned): a common
 * word's bitmap, or its postings. */
static void alt_bits(const Exec *e, Alt *a, uint64_t *m) {
  if (a->doc == END) return;
  if (a->n == 1) {
    const Term *t = a->w[0].t;
    if (t->dense && a->w[0].i == 0 && !e->exhaustive) {
      for (size_t w = 0; w < e->ix->n_words; w++) m[w] |= t->dense->bits[w];
      return;
    }
    for (uint32_t i = a->w[0].i; i < t->df; i++) bm_set(m, t->docs[i]);
    return;
  }
  for (; a->doc != END; alt_seek(a, a->doc + 1)) bm_set(m, a->doc);
}

static uint64_t popcount(const Seg *ix, const uint64_t *m) {
  uint64_t n = 0;
  for (size_t w = 0; w < ix->n_words; w++) n += (uint64_t)pop64(m[w]);
  return n;
}

/* The matches as a bitmap: the filters (or every doc), AND each positive
 * clause, AND NOT each negated one. Takes e->F. */
static uint64_t *match_bitmap(Exec *e) {
  const Seg *ix = e->ix;
  uint64_t *M = e->F, *c = NULL;
  e->F = NULL;
  if (!M) {
    M = bm_new(ix);
    bm_fill(ix, M);
  }
  for (size_t i = 0; i < e->n_pos + e->n_neg; i++) {
    Clause *cl = &e->clauses[i];
    if (!c) c = bm_new(ix);
    else memset(c, 0, ix->n_words * sizeof *c);
    for (size_t a = 0; a < cl->n; a++) {
      cl->alts[a].only = M; /* phrases are checked only where they still matter */
      alt_bits(e, &cl->alts[a], c);
    }
    if (cl->negated)
      for (size_t w = 0; w < ix->n_words; w++) M[w] &= ~c[w];
    else
      and_into(ix, M, c);
  }
  free(c);
  return M;
}

/* Per thread, a score per doc, all 0.0 between searches (freed when the
 * thread ends). */
typedef struct {
  double *v;
  size_t n;
} Acc;
static pthread_key_t acc_key;
static pthread_once_t acc_once = PTHREAD_ONCE_INIT;
static void acc_free(void *p) {
  Acc *a = p;
  free(a->v);
  free(a);
}
static void acc_init(void) { pthread_key_create(&acc_key, acc_free); }
static double *acc_get(size_t n) {
  pthread_once(&acc_once, acc_init);
  Acc *a = pthread_getspecific(acc_key);
  if (!a) {
    a = xcalloc(1, sizeof *a);
    pthread_setspecific(acc_key, a);
  }
  if (a->n < n) {
    free(a->v);
    a->v = xcalloc(n + 1, sizeof *a->v);
    a->n = n;
  }
  return a->v;
}

/* Relevance from the match bitmap: each scored alternative's postings add
 * its BM25 part to the matches' scores, in query order (so the sums are the
 * same doubles as doc at a time); then every match goes through the heap. */
static void run_relevance_bitmap(Exec *e, Heap *h, long long *total) {
  const Seg *ix = e->ix;
  uint64_t *M = match_bitmap(e);
  *total = (long long)popcount(ix, M);
  double *acc = acc_get(ix->n);
  for (size_t i = 0; i < e->n_scored; i++) {
    Alt *a = e->scored[i];
    if (a->n == 1) {
      const Term *t = a->w[0].t;
      if (!t) continue;
      for (uint32_t k = 0; k < t->df; k++) {
        uint32_t d = t->docs[k];
        if (!bm_test(M, d)) continue;
        double f = (double)t->f[k];
        acc[d] += a->idf * ((f * (K1 + 1.0)) / (f + e->norm[d]));
      }
      continue;
    }
    int missing = 0; /* a phrase: its iterators again, only in the matches */
    for (size_t k = 0; k < a->n; k++) {
      term_start(&a->w[k], a->w[k].t);
      missing |= a->w[k].t == NULL;
    }
    if (missing) continue;
    a->only = M;
    a->doc = 0;
    for (alt_seek(a, 0); a->doc != END; alt_seek(a, a->doc + 1)) {
      double f = a->f;
      acc[a->doc] += a->idf * ((f * (K1 + 1.0)) / (f + e->norm[a->doc]));
    }
  }
  for (size_t w = 0; w < ix->n_words; w++)
    for (uint64_t bits = M[w]; bits; bits &= bits - 1) {
      uint32_t d = (uint32_t)(w * 64 + (size_t)__builtin_ctzll(bits));
      consider(e, h, d, acc[d]);
      acc[d] = 0.0;
    }
  free(M);
}

/* Sorts other than relevance: the matches as a bitmap, counted; then the
 * page from the sort's order (or, for few matches, from the bitmap). */
static void run_bitmap(Exec *e, Heap *h, long long *total) {
  const Seg *ix = e->ix;
  uint64_t *M = match_bitmap(e);
  *total = (long long)popcount(ix, M);
  const uint32_t *o = e->q->sort == QUERY_SORT_CLOSING  ? ix->ord_closing
                      : e->q->sort == QUERY_SORT_NEWEST ? ix->ord_newest
                      : e->q->sort == QUERY_SORT_AWARD_DATE ? ix->ord_award
                                                        : ix->ord_value;
  if ((uint64_t)*total * 32 < ix->n) { /* few: every match through the heap */
    for (size_t w = 0; w < ix->n_words; w++)
      for (uint64_t bits = M[w]; bits; bits &= bits - 1) consider(e, h, (uint32_t)(w * 64 + (size_t)__builtin_ctzll(bits)), 0);
  } else { /* many: walk the order from the cursor, the first k matches are the page */
    QuerySort s = e->q->sort;
    uint32_t p = 0;
    if (e->has_cursor) {
      Bound bd = {.ix = ix, .o = o, .sort = s, .key = e->c_key, .rank = e->c_rank};
      p = lower_bound(ix->n, after_key, &bd);
    }
    for (size_t taken = 0; p < ix->n && taken < h->k; p++) { /* the segment's first k */
      uint32_t d = o[p];
      if (bm_test(M, d)) consider(e, h, d, 0), taken++;
    }
  }
  free(M);
}

/* Exclusions join the filters: e->F becomes the filters' matches (or every
 * doc) without the docs of any negated clause. */
static void fold_exclusions(Exec *e) {
  if (!e->n_neg) return;
  uint64_t *m = e->F, *c = bm_new(e->ix);
  if (!m) {
    m = e->F = bm_new(e->ix);
    bm_fill(e->ix, m);
  }
  for (size_t i = e->n_pos; i < e->n_pos + e->n_neg; i++) {
    Clause *cl = &e->clauses[i];
    memset(c, 0, e->ix->n_words * sizeof *c);
    for (size_t a = 0; a < cl->n; a++) {
      cl->alts[a].only = m;
      alt_bits(e, &cl->alts[a], c);
    }
    for (size_t w = 0; w < e->ix->n_words; w++) m[w] &= ~c[w];
  }
  free(c);
}

/* Whether run_dense answers the query: two or more positive clauses, each
 * one word or a phrase kept as postings, at least one of them a common word
 * (with a Dense: the others get one for the query); exclusions and filters
 * of any kind. */
static int dense_ok(const Exec *e) {
  if (e->exhaustive || e->n_pos < 2 || e->n_scored != e->n_pos) return 0;
  int common = 0;
  for (size_t i = 0; i < e->n_scored; i++) {
    const Alt *a = e->scored[i];
    if (a->n != 1 || !a->w[0].t) return 0;
    common |= a->w[0].t->dense != NULL;
  }
  return common;
}

/* A conjunction of common words by relevance. The matches are the AND of
 * the words' bitmaps and the filters', counted 64 docs at a time (so the
 * total is exact and costs a pass over n / 64 words). A group of 64 docs is
 * looked at only if its bound -- the sum over the words of idf times the
 * group's ub -- can reach the k-th best score so far, the groups taken best
 * bound first; in it, 8 docs are looked at only if their bound (ub8) can,
 * and a doc is scored only if its own bound (from the postings' q) can. A
 * word common in other segments but not here gets its bitmap and bounds made
 * for the query (a pass over its postings). Equal scores are kept (ties go by ocid rank), so a
 * bound must be below the k-th by more than the rounding of a sum. A doc's
 * posting in a word is found through the word's rank directory. Each score
 * is summed in query order, as score() and run_relevance_bitmap do, so it
 * is the same double; the heap keeps the k best by (score, rank) whatever
 * the order they come in, so the page is the one the exhaustive paths
 * give. */
#define UB_BUCKETS 1024
#define SEED_GROUPS 32

/* run_dense counts bits per notice: with the popcnt instruction where the
 * CPU has it (every x86-64 since 2008; chosen when the program loads), as
 * its fastest run on the hard mix shows (bench/search --mix and). */
/* Not under ThreadSanitizer: its runtime is not up yet when the loader runs
 * the clones' resolver, and the program dies before main. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__POPCNT__) && !defined(__SANITIZE_THREAD__)
#define DENSE_TARGET __attribute__((target_clones("popcnt", "default")))
#define DENSE_POP(x) ((unsigned)__builtin_popcountll(x))
#else
#define DENSE_TARGET
#define DENSE_POP(x) pop64(x)
#endif

/* run_dense's work on group w (bound gub): its docs that can still enter
 * the page, scored. Each 8 docs have a bound too (ub8), and each doc its
 * own (q). */
static inline __attribute__((always_inline)) void dense_group(Exec *e, Heap *h, const Dense *const *D,
                                                              const uint16_t *const *f, const double *idf,
                                                              const double *c, size_t m, size_t w, double gub) {
  if (h->n == h->k && gub * (1 + 1e-9) < -h->v[0].key) return;
  const uint64_t *F = e->F;
  const double *norm = e->norm;
  uint64_t bits = F ? F[w] : ~0ull;
  for (size_t i = 0; i < m; i++) bits &= D[i]->bits[w];
  if (h->n == h->k) { /* each 8 docs' bound */
    double kth = -h->v[0].key;
    for (unsigned j = 0; j < 8; j++) {
      uint64_t mask = 0xffull << (8 * j);
      if (!(bits & mask)) continue;
      double sb = 0;
      for (size_t i = 0; i < m; i++) sb += c[i] * D[i]->ub8[w * 8 + j];
      if (sb * (1 + 1e-9) < kth) bits &= ~mask;
    }
    if (!bits) return;
  }
  uint32_t base[QUERY_MAX_WORDS];
  for (size_t i = 0; i < m; i++) {
    uint32_t r = D[i]->rank[w / RANK_WORDS];
    for (size_t x = w - w % RANK_WORDS; x < w; x++) r += DENSE_POP(D[i]->bits[x]);
    base[i] = r;
  }
  for (; bits; bits &= bits - 1) {
    unsigned b = (unsigned)__builtin_ctzll(bits);
    uint32_t d = (uint32_t)(w * 64 + b), k[QUERY_MAX_WORDS];
    uint64_t below = (1ull << b) - 1;
    double ub = 0;
    for (size_t i = 0; i < m; i++) {
      k[i] = base[i] + DENSE_POP(D[i]->bits[w] & below);
      ub += c[i] * D[i]->q[k[i]];
    }
    if (h->n == h->k && ub * (1 + 1e-9) < -h->v[0].key) continue; /* the doc's own bound */
    double s = 0, nd = norm[d];
    for (size_t i = 0; i < m; i++) {
      double fi = (double)f[i][k[i]];
      s += idf[i] * ((fi * (K1 + 1.0)) / (fi + nd));
    }
    consider(e, h, d, s);
  }
}

DENSE_TARGET static void run_dense(Exec *e, Heap *h, long long *total) {
  const Seg *ix = e->ix;
  size_t m = e->n_scored, nw = ix->n_words;
  const Dense *D[QUERY_MAX_WORDS];
  Dense *own[QUERY_MAX_WORDS] = {0}; /* made for this query: the words not common here */
  const uint16_t *f[QUERY_MAX_WORDS];
  double idf[QUERY_MAX_WORDS], c[QUERY_MAX_WORDS];
  for (size_t i = 0; i < m; i++) {
    const Term *t = e->scored[i]->w[0].t;
    D[i] = t->dense ? t->dense : (own[i] = dense_make(ix, t));
    f[i] = e->scored[i]->w[0].t->f;
    idf[i] = e->scored[i]->idf;
    c[i] = idf[i] * ((K1 + 1.0) / 255.0) * e->bscale;
  }
  const uint64_t *F = e->F;
  /* 1. count; each group holding matches, with its bound */
  uint32_t *gw = xmalloc((nw + 1) * sizeof *gw), *ord = xmalloc((nw + 1) * sizeof *ord);
  double *gub = xmalloc((nw + 1) * sizeof *gub), top = 0;
  size_t G = 0;
  long long n = 0;
  for (size_t w = 0; w < nw; w++) {
    uint64_t bits = F ? F[w] : ~0ull;
    for (size_t i = 0; i < m && bits; i++) bits &= D[i]->bits[w];
    if (!bits) continue;
    n += DENSE_POP(bits);
    double ub = 0;
    for (size_t i = 0; i < m; i++) ub += c[i] * D[i]->ub[w];
    gw[G] = (uint32_t)w;
    gub[G++] = ub;
    if (ub > top) top = ub;
  }
  *total = n;
  /* 2. the groups by bound, highest first (a counting sort into buckets;
   * a bucket's groups in doc order), each bucket with its largest bound */
  static _Thread_local uint32_t start[UB_BUCKETS + 1];
  static _Thread_local double bmax[UB_BUCKETS];
  memset(start, 0, sizeof start);
  memset(bmax, 0, sizeof bmax);
  double scale = top > 0 ? (UB_BUCKETS - 1) / top : 0;
  for (size_t g = 0; g < G; g++) {
    size_t bk = UB_BUCKETS - 1 - (size_t)(gub[g] * scale); /* 0: the highest bounds */
    start[bk + 1]++;
    if (gub[g] > bmax[bk]) bmax[bk] = gub[g];
  }
  for (size_t bk = 0; bk < UB_BUCKETS; bk++) start[bk + 1] += start[bk];
  for (size_t g = 0; g < G; g++) ord[start[UB_BUCKETS - 1 - (size_t)(gub[g] * scale)]++] = (uint32_t)g;
  /* start[bk] is now the end of bucket bk */
  /* 3. the groups that can still enter the page: first the SEED_GROUPS
   * with the best bounds, so the k-th best is high at once (once a
   * bucket's largest bound is below it, so is every bound after it: done);
   * then the rest in doc order, which reads the bitmaps, postings and norms
   * forwards, as the memory is laid out */
  size_t o = 0, seeded = 0;
  int finished = 0;
  for (size_t bk = 0; bk < UB_BUCKETS && !finished && seeded < SEED_GROUPS; bk++) {
    if (o == start[bk]) continue;
    if (h->n == h->k && bmax[bk] * (1 + 1e-9) < -h->v[0].key) finished = 1;
    for (; o < start[bk] && !finished && seeded < SEED_GROUPS; o++, seeded++) {
      size_t g = ord[o];
      dense_group(e, h, D, f, idf, c, m, gw[g], gub[g]);
      gub[g] = -INFINITY; /* done */
    }
  }
  for (size_t g = 0; g < G && !finished; g++)
    if (gub[g] != -INFINITY) dense_group(e, h, D, f, idf, c, m, gw[g], gub[g]);
  free(gw);
  free(ord);
  free(gub);
  for (size_t i = 0; i < m; i++) dense_free(own[i]);
}

static void run(Exec *e, Heap *h, long long *total) {
  build_filter(e);
  if (e->q->sort != QUERY_SORT_RELEVANCE) {
    run_bitmap(e, h, total);
    return;
  }
  const uint64_t *F = e->F;
  long long n = 0;
  for (size_t i = 0; F && i < e->n_pos + e->n_neg; i++)
    for (size_t a = 0; a < e->clauses[i].n; a++) e->clauses[i].alts[a].only = F;
  if (e->n_pos == 1 && e->clauses[0].n == 1 && e->clauses[0].alts[0].n == 1) {
    fold_exclusions(e);
    top_single_word(e, h, total);
    return;
  }
  if (dense_ok(e)) {
    fold_exclusions(e);
    run_dense(e, h, total);
    return;
  }
  /* doc at a time costs about 25 times more per posting of the rarest clause
   * than a pass over every posting into bitmaps: pick the cheaper */
  uint64_t all = 0;
  for (size_t i = 0; i < e->n_pos + e->n_neg; i++)
    for (size_t a = 0; a < e->clauses[i].n; a++)
      for (size_t k = 0; k < e->clauses[i].alts[a].n; k++)
        all += e->clauses[i].alts[a].w[k].t ? e->clauses[i].alts[a].w[k].t->df : 0;
  uint64_t lead_cost = e->clauses[0].cost;
  if (F) {
    uint64_t f = popcount(e->ix, F);
    if (f < lead_cost) lead_cost = f;
  }
  if (all < 25 * lead_cost) {
    run_relevance_bitmap(e, h, total);
    return;
  }
  if (F && popcount(e->ix, F) < e->clauses[0].cost) { /* the filters are the rarer: they lead */
    const Seg *ix = e->ix;
    for (size_t w = 0; w < ix->n_words; w++)
      for (uint64_t bits = F[w]; bits; bits &= bits - 1) {
        uint32_t d = (uint32_t)(w * 64 + (size_t)__builtin_ctzll(bits));
        size_t i;
        for (i = 0; i < e->n_pos; i++) {
          clause_seek(&e->clauses[i], d);
          if (e->clauses[i].doc != d) break;
        }
        if (i < e->n_pos || (e->n_neg && excluded(e, d))) continue;
        n++;
        consider(e, h, d, score(e, d));
      }
    *total = n;
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
    if ((!F || bm_test(F, d)) && !(e->n_neg && excluded(e, d))) {
      n++;
      consider(e, h, d, score(e, d));
    }
    clause_seek(lead, d + 1);
    d = lead->doc;
  }
  *total = n;
}

static int cmp_cand_doc(const void *a, const void *b) {
  const Cand *x = a, *y = b;
  if (x->seg != y->seg) return x->seg < y->seg ? -1 : 1;
  return x->doc < y->doc ? -1 : x->doc > y->doc;
}

/* Hits sorted by something else than relevance still carry their score (as
 * the store's search gives it): the iterators of each segment start again
 * and visit just its hits, in doc order. */
static void rescore(Exec *E, Heap *h) {
  qsort(h->v, h->n, sizeof *h->v, cmp_cand_doc);
  for (size_t i = 0; i < h->n;) {
    Exec *e = &E[h->v[i].seg], f;
    exec_init(&f, e->ix, e->q, e->now);
    f.norm = e->norm;
    for (size_t k = 0; k < f.n_scored; k++) f.scored[k]->idf = e->scored[k]->idf;
    for (; i < h->n && h->v[i].seg == e->seg; i++) {
      uint32_t d = h->v[i].doc;
      for (size_t c = 0; c < f.n_pos; c++) clause_seek(&f.clauses[c], d);
      h->v[i].score = score(&f, d);
    }
    exec_release(&f);
  }
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

/* Fills hit h of doc c->doc; t: its texts from the store (taken). */
static void fill_hit(const Exec *e, StoreNoticeText *t_, const Cand *c, StoreHit *h) {
  const Seg *ix = e->ix;
  uint32_t d = c->doc;
  StoreNoticeText t = *t_;
  memset(t_, 0, sizeof *t_);
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
  for (int k = 0; k < NOTICE_N_STAGE && !h->stage; k++)
    if (ix->uk[d] & (1u << k)) h->stage = notice_stage_name(k);
  h->sector = ix->uk[d] & (1u << UK_PRIVATE) ? NOTICE_PRIVATE : NOTICE_PUBLIC;
  h->subcontract = (ix->uk[d] >> UK_SUB) & 1;
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
}

/* The rank a cursor's ocid stands at in segment ix: the number of its ocids
 * <= it. */
static uint32_t ocid_rank(const Seg *ix, const char *ocid) {
  uint32_t lo = 0, hi = ix->n;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (strcmp(ix->ocid_pool + ix->ocid_off[ix->by_ocid[mid]], ocid) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/* How many of the segment's replaced docs hold alternative a (as exec_init
 * left it: a word, a kept phrase's postings, or a phrase of several words),
 * so that a's live count is a->nhit less this. */
/* How many of the replaced docs (del, the same ascending in dlist) hold t. */
static uint32_t term_deleted(const Term *t, const uint64_t *del, const uint32_t *dlist, uint32_t n_del) {
  uint32_t c = 0;
  if (!t || !n_del) return 0;
  if (t->dense) {
    for (uint32_t i = 0; i < n_del; i++) c += (uint32_t)bm_test(t->dense->bits, dlist[i]);
  } else if (t->df <= n_del) {
    for (uint32_t i = 0; i < t->df; i++) c += (uint32_t)bm_test(del, t->docs[i]);
  } else {
    TermIt it;
    term_start(&it, t);
    for (uint32_t i = 0; i < n_del && it.doc != END; i++) {
      term_seek(&it, dlist[i]);
      c += it.doc == dlist[i];
    }
  }
  return c;
}

static uint32_t alt_deleted(const Exec *e, const Alt *a) {
  if (!e->n_del || a->nhit == 0) return 0;
  uint32_t c = 0;
  if (a->n == 1) return term_deleted(a->w[0].t, e->del, e->dlist, e->n_del);
  TermIt *its = xcalloc(a->n, sizeof *its); /* a phrase: run again over the replaced docs only */
  Alt x = *a;
  x.w = its;
  x.only = e->del;
  for (size_t k = 0; k < a->n; k++) term_start(&its[k], a->w[k].t);
  for (alt_seek(&x, 0); x.doc != END; alt_seek(&x, x.doc + 1)) c++;
  free(its);
  return c;
}

/* ---- snapshots of segments ------------------------------------------------- */

struct SearchIndex {
  Seg **segs;
  size_t n_segs;
  uint64_t **del;  /* per segment: its docs whose notice has a newer copy in another (NULL: none) */
  uint32_t **dlist, *n_del; /* the same, ascending */
  double **norm;   /* per segment and doc: K1 * (1 - B + B * len / avgdl) with this snapshot's avgdl */
  double *bscale;  /* per segment: max(1, avgdl / the segment's own), a little more */
  uint64_t live, tokens; /* notices and their tokens, over the live docs */
  double avgdl;
  int64_t seq;
};

static atomic_size_t lim_range = 131072, lim_delta = 16384;
static atomic_uint lim_deltas = 8;

void search_index_set_limits(size_t range_docs, size_t delta_docs, unsigned max_deltas) {
  atomic_store(&lim_range, range_docs ? range_docs : 131072);
  atomic_store(&lim_delta, delta_docs ? delta_docs : 16384);
  atomic_store(&lim_deltas, max_deltas ? max_deltas : 8);
}

static void seg_unref(Seg *s) {
  if (s && atomic_fetch_sub(&s->refs, 1) == 1) seg_free(s);
}

/* The doc of row id r in segment s, or END. */
static uint32_t seg_find(const Seg *s, long long r) {
  if (!s->is_delta && (r <= s->after_id || r > s->upto_id)) return END;
  uint32_t lo = 0, hi = s->n;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (s->row[mid] < r) lo = mid + 1;
    else hi = mid;
  }
  return lo < s->n && s->row[lo] == r ? lo : END;
}

/* The totals, replaced-doc lists, norms and bound scales of x, whose
 * segments and deletion bitmaps are set. */
static void snap_finish(SearchIndex *x) {
  size_t n = x->n_segs;
  x->dlist = xcalloc(n + 1, sizeof *x->dlist);
  x->n_del = xcalloc(n + 1, sizeof *x->n_del);
  x->norm = xcalloc(n + 1, sizeof *x->norm);
  x->bscale = xcalloc(n + 1, sizeof *x->bscale);
  x->live = x->tokens = 0;
  for (size_t s = 0; s < n; s++) {
    const Seg *g = x->segs[s];
    uint64_t tok = g->tokens;
    uint32_t nd = 0;
    if (x->del[s]) {
      uint32_t cnt = 0;
      for (size_t w = 0; w < g->n_words; w++) cnt += pop64(x->del[s][w]);
      uint32_t *dl = x->dlist[s] = xmalloc((cnt + 1) * sizeof *dl);
      for (size_t w = 0; w < g->n_words; w++)
        for (uint64_t bits = x->del[s][w]; bits; bits &= bits - 1) {
          uint32_t d = (uint32_t)(w * 64 + (size_t)__builtin_ctzll(bits));
          dl[nd++] = d;
          tok -= g->len[d];
        }
    }
    x->n_del[s] = nd;
    x->live += g->n - nd;
    x->tokens += tok;
  }
  x->avgdl = x->live ? (double)x->tokens / (double)x->live : 1.0;
  for (size_t s = 0; s < n; s++) {
    const Seg *g = x->segs[s];
    double *nm = x->norm[s] = xmalloc((g->n + 1) * sizeof *nm);
    for (uint32_t d = 0; d < g->n; d++) nm[d] = K1 * (1 - B + B * (double)g->len[d] / x->avgdl);
    /* a part f * (k1 + 1) / (f + norm) grows by at most the ratio of the
     * norms, which is at most the ratio of the avgdls */
    x->bscale[s] = x->avgdl > g->avgdl ? x->avgdl / g->avgdl * (1 + 1e-9) : 1.0;
  }
}

void search_index_free(SearchIndex *x) {
  if (!x) return;
  for (size_t s = 0; s < x->n_segs; s++) {
    seg_unref(x->segs[s]);
    free(x->del[s]);
    if (x->dlist) free(x->dlist[s]), free(x->norm[s]);
  }
  free(x->segs);
  free(x->del);
  free(x->dlist);
  free(x->n_del);
  free(x->norm);
  free(x->bscale);
  free(x);
}

static int holds(Seg *const *v, size_t n, const Seg *s) {
  for (size_t i = 0; i < n; i++)
    if (v[i] == s) return 1;
  return 0;
}

/* A new snapshot: cur's segments but those in drop, and add[0..n_add) (their
 * references taken). Of two copies of a notice the one read at the larger
 * sequence is live (at equal ones, the one added later): the other is marked
 * replaced. A delta whose every doc is replaced is left out. */
static SearchIndex *snap_install(const SearchIndex *cur, Seg **add, size_t n_add, Seg *const *drop, size_t n_drop,
                                 int64_t seq) {
  SearchIndex *x = xcalloc(1, sizeof *x);
  size_t cap = (cur ? cur->n_segs : 0) + n_add, k = 0;
  x->segs = xcalloc(cap + 1, sizeof *x->segs);
  x->del = xcalloc(cap + 1, sizeof *x->del);
  for (size_t s = 0; cur && s < cur->n_segs; s++) {
    Seg *g = cur->segs[s];
    if (holds(drop, n_drop, g)) continue;
    atomic_fetch_add(&g->refs, 1);
    x->segs[k] = g;
    if (cur->del[s]) {
      x->del[k] = xmalloc((g->n_words + 1) * sizeof(uint64_t));
      memcpy(x->del[k], cur->del[s], (g->n_words + 1) * sizeof(uint64_t));
    }
    k++;
  }
  size_t first_new = k;
  /* a dropped segment's live copy goes: the newest copy left (all of them
   * marked replaced) is live again, unless an added segment replaces it below */
  for (size_t s = 0; cur && s < cur->n_segs; s++) {
    const Seg *D = cur->segs[s];
    if (!holds(drop, n_drop, D)) continue;
    for (uint32_t d = 0; d < D->n; d++) {
      if (cur->del[s] && bm_test(cur->del[s], d)) continue;
      size_t best = SIZE_MAX;
      uint32_t be = END;
      for (size_t y = 0; y < first_new; y++) {
        uint32_t e = seg_find(x->segs[y], D->row[d]);
        if (e != END && (best == SIZE_MAX || x->segs[y]->seq >= x->segs[best]->seq)) best = y, be = e;
      }
      if (best != SIZE_MAX && x->del[best]) bm_clear(x->del[best], be);
    }
  }
  for (size_t i = 0; i < n_add; i++) x->segs[k++] = add[i];
  x->n_segs = k;
  for (size_t a = first_new; a < k; a++) {
    Seg *A = x->segs[a];
    for (uint32_t d = 0; d < A->n; d++) {
      for (size_t y = 0; y < k; y++) {
        if (y == a) continue;
        Seg *Y = x->segs[y];
        uint32_t e = seg_find(Y, A->row[d]);
        if (e == END || (x->del[y] && bm_test(x->del[y], e))) continue;
        int a_wins = A->seq > Y->seq || (A->seq == Y->seq && a > y);
        size_t loser = a_wins ? y : a;
        uint32_t ld = a_wins ? e : d;
        if (!x->del[loser]) x->del[loser] = xcalloc(x->segs[loser]->n_words + 1, sizeof(uint64_t));
        bm_set(x->del[loser], ld);
        if (!a_wins) break;
      }
    }
  }
  /* deltas wholly replaced go */
  size_t j = 0;
  for (size_t s = 0; s < k; s++) {
    Seg *g = x->segs[s];
    if (g->is_delta && g->n && x->del[s]) {
      uint32_t cnt = 0;
      for (size_t w = 0; w < g->n_words; w++) cnt += pop64(x->del[s][w]);
      if (cnt == g->n) {
        seg_unref(g);
        free(x->del[s]);
        continue;
      }
    }
    x->segs[j] = g;
    x->del[j++] = x->del[s];
  }
  x->n_segs = j;
  x->seq = seq;
  snap_finish(x);
  return x;
}

int search_index_build(Store *st, SearchIndex **out, Err *err) {
  *out = NULL;
  Seg **segs;
  size_t n;
  int rc = read_segs(st, 0, 0, 0, INT64_MAX, atomic_load(&lim_range), NULL, 0, 0, &segs, &n, err);
  if (rc) return rc;
  *out = snap_install(NULL, segs, n, NULL, 0, segs[0]->seq);
  free(segs);
  return 0;
}

int search_index_update(const SearchIndex *cur, Store *st, SearchIndex **out, Err *err) {
  *out = NULL;
  Seg **segs;
  size_t n;
  int rc = read_segs(st, 1, cur->seq, 0, 0, 0, NULL, 0, cur->avgdl, &segs, &n, err);
  if (rc) return rc;
  int64_t seq = segs[0]->seq > cur->seq ? segs[0]->seq : cur->seq;
  if (segs[0]->n) {
    *out = snap_install(cur, segs, 1, NULL, 0, seq);
  } else {
    seg_unref(segs[0]);
    *out = snap_install(cur, NULL, 0, NULL, 0, seq);
  }
  free(segs);
  return 0;
}

struct SearchMerge {
  int is_delta;
  int64_t since;
  long long after_id, upto_id;
  Seg **drop; /* the segments the merge replaces (referenced) */
  size_t n_drop;
  Held *held; /* a merge of deltas: the ranges, whose versions it need not read again */
  size_t n_held;
  Seg **built;
  size_t n_built, docs;
  int ready; /* built */
  double took;
  double avgdl; /* the snapshot's it was planned in: the built segments' bounds use it */
};

static int cmp_since(const void *a, const void *b) {
  const Seg *x = *(Seg *const *)a, *y = *(Seg *const *)b;
  return x->since < y->since ? -1 : x->since > y->since;
}

SearchMerge *search_index_merge_plan(const SearchIndex *ix) {
  size_t nd = 0;
  uint64_t delta_live = 0;
  Seg **deltas = xcalloc(ix->n_segs + 1, sizeof *deltas);
  for (size_t s = 0; s < ix->n_segs; s++)
    if (ix->segs[s]->is_delta) deltas[nd++] = ix->segs[s], delta_live += ix->segs[s]->n - ix->n_del[s];
  qsort(deltas, nd, sizeof *deltas, cmp_since);
  SearchMerge *m = NULL;
  uint64_t big = atomic_load(&lim_delta);
  if (ix->live / 64 > big) big = ix->live / 64;
  if (delta_live > big) {
    /* into the range holding the most of the deltas' live docs */
    size_t best = SIZE_MAX;
    uint64_t best_n = 0, *cnt = xcalloc(ix->n_segs + 1, sizeof *cnt);
    for (size_t s = 0; s < ix->n_segs; s++) {
      const Seg *g = ix->segs[s];
      if (!g->is_delta) continue;
      for (uint32_t d = 0; d < g->n; d++) {
        if (ix->del[s] && bm_test(ix->del[s], d)) continue;
        for (size_t r = 0; r < ix->n_segs; r++) {
          const Seg *R = ix->segs[r];
          if (!R->is_delta && g->row[d] > R->after_id && g->row[d] <= R->upto_id) {
            cnt[r]++;
            break;
          }
        }
      }
    }
    for (size_t r = 0; r < ix->n_segs; r++)
      if (cnt[r] > best_n) best_n = cnt[r], best = r;
    free(cnt);
    if (best != SIZE_MAX) {
      m = xcalloc(1, sizeof *m);
      m->after_id = ix->segs[best]->after_id;
      m->upto_id = ix->segs[best]->upto_id;
      m->drop = xcalloc(1, sizeof *m->drop);
      m->drop[m->n_drop++] = ix->segs[best];
    }
  }
  if (!m && nd > atomic_load(&lim_deltas)) {
    /* the deltas after the largest, or all when it is the newest */
    size_t from = 0;
    for (size_t i = 1; i < nd; i++)
      if (deltas[i]->n > deltas[from]->n) from = i;
    from = from + 2 < nd ? from + 1 : 0;
    m = xcalloc(1, sizeof *m);
    m->is_delta = 1;
    m->since = deltas[from]->since;
    m->held = xcalloc(ix->n_segs + 1, sizeof *m->held);
    for (size_t s = 0; s < ix->n_segs; s++)
      if (!ix->segs[s]->is_delta)
        m->held[m->n_held++] = (Held){ix->segs[s]->after_id, ix->segs[s]->upto_id, ix->segs[s]->seq};
    m->drop = xcalloc(nd - from + 1, sizeof *m->drop);
    for (size_t i = from; i < nd; i++) m->drop[m->n_drop++] = deltas[i];
  }
  free(deltas);
  if (m) {
    m->avgdl = ix->avgdl;
    for (size_t i = 0; i < m->n_drop; i++) atomic_fetch_add(&m->drop[i]->refs, 1);
  }
  return m;
}

int search_merge_build(SearchMerge *m, Store *st, Err *err) {
  double t0 = now_s();
  int rc = read_segs(st, m->is_delta, m->since, m->after_id, m->upto_id, atomic_load(&lim_range), m->held,
                     m->n_held, m->avgdl, &m->built, &m->n_built, err);
  m->took = now_s() - t0;
  for (size_t i = 0; rc == 0 && i < m->n_built; i++) m->docs += m->built[i]->n;
  m->ready = rc == 0;
  return rc;
}

SearchIndex *search_merge_install(const SearchIndex *cur, SearchMerge *m) {
  if (!m->ready) return snap_install(cur, NULL, 0, NULL, 0, cur->seq); /* not built: nothing changes */
  m->ready = 0;
  size_t n = m->n_built;
  if (n == 1 && m->built[0]->n == 0 && m->is_delta) { /* nothing changed since: the deltas are replaced by nothing */
    seg_unref(m->built[0]);
    n = 0;
  }
  SearchIndex *x = snap_install(cur, m->built, n, m->drop, m->n_drop, cur->seq);
  free(m->built);
  m->built = NULL;
  m->n_built = 0;
  return x;
}

void search_merge_free(SearchMerge *m) {
  if (!m) return;
  for (size_t i = 0; i < m->n_drop; i++) seg_unref(m->drop[i]);
  for (size_t i = 0; i < m->n_built; i++) seg_unref(m->built[i]);
  free(m->drop);
  free(m->built);
  free(m->held);
  free(m);
}

void search_merge_describe(const SearchMerge *m, char *out, size_t cap) {
  if (m->is_delta)
    snprintf(out, cap, "%zu deltas merged into one of %zu notices in %.2f s", m->n_drop, m->docs, m->took);
  else if (m->upto_id == INT64_MAX)
    snprintf(out, cap, "row ids from %lld on read again (%zu notices) in %.2f s", m->after_id + 1, m->docs, m->took);
  else
    snprintf(out, cap, "row ids %lld to %lld read again (%zu notices) in %.2f s", m->after_id + 1, m->upto_id, m->docs,
             m->took);
}

void search_index_info(const SearchIndex *x, SearchIndexInfo *out) {
  memset(out, 0, sizeof *out);
  out->seq = x->seq;
  out->notices = x->live;
  out->segments = x->n_segs;
  for (size_t s = 0; s < x->n_segs; s++) {
    const Seg *g = x->segs[s];
    out->words += g->n_terms;
    out->dense_words += g->n_dense;
    out->postings += g->postings;
    out->bytes += g->bytes + (size_t)g->n * 8 + (x->del[s] ? g->n_words * 8 + x->n_del[s] * 4 : 0);
    out->build_s += g->build_s;
    out->deltas += g->is_delta;
    out->replaced += x->n_del[s];
    Seg *m = (Seg *)g;
    pthread_mutex_lock(&m->mu);
    out->phrases += m->ph_n;
    out->phrase_bytes += m->ph_bytes;
    pthread_mutex_unlock(&m->mu);
  }
  out->bytes += out->phrase_bytes;
}

int64_t search_index_seq(const SearchIndex *x) { return x->seq; }

void search_index_each_word(const SearchIndex *x, size_t lo, size_t hi,
                            void (*fn)(void *ctx, const char *word, size_t df), void *ctx) {
  for (size_t s = 0; s < x->n_segs; s++) {
    const Seg *g = x->segs[s];
    for (uint32_t t = 0; t < g->n_terms; t++) {
      const char *w = g->terms[t].word;
      size_t len = strlen(w), df = 0, r;
      for (r = 0; r < s; r++)
        if (find_term(x->segs[r], w, len) >= 0) break;
      if (r < s) continue; /* told with an earlier segment */
      for (r = s; r < x->n_segs; r++) {
        long k = find_term(x->segs[r], w, len);
        if (k >= 0)
          df += x->segs[r]->terms[k].df - term_deleted(&x->segs[r]->terms[k], x->del[r], x->dlist[r], x->n_del[r]);
      }
      if (df >= lo && df <= hi) fn(ctx, w, df);
    }
  }
}

void search_index_each_change(const SearchIndex *x, int64_t after_seq,
                              void (*fn)(void *ctx, const char *ocid, long long row, int64_t seq), void *ctx) {
  for (size_t s = 0; s < x->n_segs; s++) {
    const Seg *g = x->segs[s];
    if (g->max_doc_seq <= after_seq) continue;
    for (uint32_t d = 0; d < g->n; d++)
      if (g->doc_seq[d] > after_seq && !(x->del[s] && bm_test(x->del[s], d)))
        fn(ctx, g->ocid_pool + g->ocid_off[d], g->row[d], g->doc_seq[d]);
  }
}

typedef struct {
  const SearchIndex *x;
  Store *st;
} SearchOn;

/* One page of q, without open_first (hits_open_first runs it per group). */
static int search_page(void *ctx, const Query *q, time_t now, StoreResults *out, Err *err) {
  const SearchIndex *x = ((const SearchOn *)ctx)->x;
  Store *st = ((const SearchOn *)ctx)->st;
  memset(out, 0, sizeof *out);
  if (q->sort == QUERY_SORT_RELEVANCE && !q->n_positive) return err_set(err, ERR_USAGE, "sort=relevance needs keywords");
  size_t S = x->n_segs;
  Exec *E = xcalloc(S + 1, sizeof *E);
  for (size_t s = 0; s < S; s++) {
    Exec *e = &E[s];
    exec_init(e, x->segs[s], q, now);
    e->seg = (uint32_t)s;
    e->norm = x->norm[s];
    e->bscale = x->bscale[s];
    e->del = x->n_del[s] ? x->del[s] : NULL;
    e->dlist = x->dlist[s];
    e->n_del = x->n_del[s];
  }
  /* BM25 over every live notice: N, avgdl (the norms) and each phrase's n_i
   * summed over the segments, less their replaced docs */
  size_t n_scored = S ? E[0].n_scored : 0;
  for (size_t i = 0; i < n_scored; i++) {
    double nhit = 0;
    for (size_t s = 0; s < S; s++) nhit += E[s].scored[i]->nhit - (double)alt_deleted(&E[s], E[s].scored[i]);
    double idf = log(((double)x->live - nhit + 0.5) / (nhit + 0.5));
    for (size_t s = 0; s < S; s++) E[s].scored[i]->idf = idf <= 0.0 ? 1e-6 : idf;
  }
  if (q->has_cursor) {
    const QueryCursor *c = &q->cursor;
    double key = INFINITY;
    if (!c->has_key) key = INFINITY;
    else if (q->sort == QUERY_SORT_CLOSING) key = (double)(int64_t)c->key;
    else if (q->sort == QUERY_SORT_NEWEST || q->sort == QUERY_SORT_AWARD_DATE) key = -(double)(int64_t)c->key;
    else key = -c->key;
    for (size_t s = 0; s < S; s++) {
      E[s].has_cursor = 1;
      E[s].c_rank = ocid_rank(x->segs[s], c->ocid);
      E[s].c_key = key;
    }
  }
  Heap h = {xmalloc(((size_t)q->limit + 1) * sizeof *h.v), 0, (size_t)q->limit + 1};
  out->total = 0;
  for (size_t s = 0; s < S; s++) {
    long long t = 0;
    run(&E[s], &h, &t);
    out->total += t;
  }
  if (q->n_positive && q->sort != QUERY_SORT_RELEVANCE) rescore(E, &h);
  qsort(h.v, h.n, sizeof *h.v, cmp_cand);
  size_t n = h.n > (size_t)q->limit ? (size_t)q->limit : h.n;
  out->has_more = h.n > (size_t)q->limit;
  out->hits = xcalloc(n + 1, sizeof *out->hits);
  /* the hits' texts from the store, in one call (one round trip on a server) */
  long long ids[QUERY_MAX_LIMIT + 1];
  StoreNoticeText texts[QUERY_MAX_LIMIT + 1];
  for (size_t i = 0; i < n; i++) ids[i] = x->segs[h.v[i].seg]->row[h.v[i].doc];
  int rc = store_notice_texts(st, ids, n, texts, err);
  for (size_t i = 0; i < n && rc == 0; i++) fill_hit(&E[h.v[i].seg], &texts[i], &h.v[i], &out->hits[out->n++]);
  if (rc == 0) rc = store_search_awards(st, ids, out->hits, out->n, err); /* the awards, as the store's search has them */
  free(h.v);
  for (size_t s = 0; s < S; s++) exec_release(&E[s]);
  free(E);
  if (rc) store_results_release(out);
  return rc;
}

int search_index_search(const SearchIndex *x, Store *st, const Query *q, time_t now, StoreResults *out, Err *err) {
  SearchOn on = {x, st};
  return hits_open_first(q, now, search_page, &on, out, err);
}

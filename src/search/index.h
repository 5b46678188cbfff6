/* index.h -- the in-memory search index the portal answers searches from.
 *
 * The store (store.h) keeps notices and can run any search/query.h Query
 * itself (SQLite: FTS5 and SQL); that engine is the reference, but ranking
 * every match of a common word costs it hundreds of milliseconds at a million
 * notices. This index holds what a search needs and nothing else, in memory,
 * read-only once built:
 *   - per notice, compact columns: stored status, deadline, published date,
 *     value, SME/VCSE flags, region bits, buyer, CPV codes as integers, the
 *     rank of its ocid among all ocids (the tie-break of every sort) and its
 *     BM25 length normaliser;
 *   - per word, postings in notice order, in blocks of 128 (varint deltas and
 *     weighted frequencies, with each block's last notice, largest frequency
 *     and shortest notice so a block that cannot reach the current top-k is
 *     skipped whole), and the word's positions for phrases;
 *   - per common word (held by 1 in 16 notices or more), its notices as a
 *     bitmap with a rank directory and, per 64 notices, a bound on its BM25
 *     part: an AND of common words is counted by ANDing bitmaps and ranked
 *     by scoring only the groups of 64 whose bound can still enter the page
 *     (index.c, run_dense) -- exactly, as the exhaustive paths rank.
 * It answers exactly what the store's search answers -- the same matches,
 * totals, order, scores (the same BM25 as SQLite FTS5's bm25() with column
 * weights title 10, description 1, buyer 3, CPV labels 2) and cursors, so a
 * cursor from one engine pages the other -- except for hits' snippets, which
 * it cuts itself (search/snippet.h). Words are split and folded by
 * search/token.h; where that differs from FTS5's unicode61 (rare non-Latin
 * scripts), so do the matches.
 *
 * The index is made of segments, each such an index over some of the
 * notices, and a SearchIndex is a snapshot of them: a set of segments and,
 * per segment, the docs replaced by a newer copy of their notice in another
 * (its deletions). The segments are
 *   - ranges: every notice with a row id in a range, read at one sequence;
 *     the first build cuts the store into ranges of at most 131,072 notices;
 *   - deltas: the notices changed after a sequence (the store's change feed,
 *     store_index_changes), read at a later one.
 * search_index_update adds a delta for what changed since the snapshot's
 * sequence: a new snapshot that shares every segment with the old one. Of two
 * copies of a notice, the one read at the larger sequence is live. A merge
 * (search_index_merge_plan, _build, _install) reads one part of the store
 * again -- a range holding many of the deltas' notices, or the newest deltas
 * as one -- so the deltas stay few and small and memory never holds a second
 * copy of more than one range. A search runs over every segment with the
 * statistics of every live notice (N, avgdl, each phrase's n_i, less the
 * replaced docs), into one page: the same answer as one index over the
 * store, whatever the segments. Snapshots and segments are immutable once
 * made and may be searched by any number of threads at once. */
#ifndef SEARCH_INDEX_H
#define SEARCH_INDEX_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/err.h"
#include "search/query.h"
#include "model/hits.h"
#include "store/feed.h"
#include "store/search.h"
#include "store/store.h"

typedef struct SearchIndex SearchIndex;

/* Reads every notice of st into a new index (range segments). */
int search_index_build(Store *st, SearchIndex **out, Err *err);
/* A new snapshot: ix and a delta of the notices st changed after ix's
 * sequence (none: the same segments at st's newest sequence). */
int search_index_update(const SearchIndex *ix, Store *st, SearchIndex **out, Err *err);
void search_index_free(SearchIndex *ix);

/* A merge, in three steps so that only the last needs the current snapshot:
 * plan on a snapshot (NULL: nothing to merge), build from the store (the
 * long part), install into the snapshot current by then (deltas added
 * meanwhile are kept: the sequence rule orders the copies). A merge not
 * built (or installed already) installs as the same segments. */
typedef struct SearchMerge SearchMerge;
SearchMerge *search_index_merge_plan(const SearchIndex *ix);
int search_merge_build(SearchMerge *m, Store *st, Err *err);
SearchIndex *search_merge_install(const SearchIndex *cur, SearchMerge *m);
void search_merge_describe(const SearchMerge *m, char *out, size_t cap); /* for the log */
void search_merge_free(SearchMerge *m);

/* Process-wide, for tests (0: the default): a range segment's notices at
 * most (131,072); the deltas' live notices that start a merge into the
 * ranges (16,384, or 1 in 64 of the notices when more); the deltas that
 * start a merge of deltas (8). */
void search_index_set_limits(size_t range_docs, size_t delta_docs, unsigned max_deltas);

/* What changed since sequence after_seq: fn for each live notice whose newest
 * release came after it, in no particular order (saved searches and alerts
 * run over these). */
void search_index_each_change(const SearchIndex *ix, int64_t after_seq,
                              void (*fn)(void *ctx, const char *ocid, long long row, int64_t seq), void *ctx);

typedef struct {
  int64_t seq;      /* the store's change sequence the index reflects */
  size_t notices;   /* live */
  size_t segments, deltas, replaced; /* replaced: docs with a newer copy in another segment */
  size_t words, postings; /* summed over the segments */
  size_t dense_words; /* common words held as bitmaps too (1 in 16 notices or more) */
  size_t bytes;     /* memory held, the phrases kept included */
  double build_s;   /* seconds its segments took to read */
  size_t phrases, phrase_bytes; /* phrases kept (a cache bounded per segment, least recently used out first) */
} SearchIndexInfo;
void search_index_info(const SearchIndex *ix, SearchIndexInfo *out);
int64_t search_index_seq(const SearchIndex *ix);

/* Runs a finished Query as store_search(st, ...) does. The hits' texts
 * (title, buyer name, currency, snippet) are read from st by row id, so st
 * must be the store the index was built from (any connection to it). */
int search_index_search(const SearchIndex *ix, Store *st, const Query *q, time_t now, StoreResults *out,
                        Err *err);

/* Process-wide, for benchmarks and tests: on (1), searches started from
 * then on take the exhaustive paths the index had before word bitmaps
 * (every posting of every word walked to count and to rank) -- the baseline
 * bench/search measures against, and the reference test_index compares
 * the pruned paths with. Off (0) by default. */
void search_index_set_exhaustive(int on);

/* Calls fn for each word held by between lo and hi live notices (inclusive), in
 * no particular order, with that number: for benchmarks and tests that
 * choose words by how common they are. */
void search_index_each_word(const SearchIndex *ix, size_t lo, size_t hi,
                            void (*fn)(void *ctx, const char *word, size_t df), void *ctx);

#endif

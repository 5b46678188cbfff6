/* token.h -- the words of a text, as the search index sees them, as the
 * keyword parser (search/query.c) splits q and as the PostgreSQL store writes
 * its full-text column (store/pg_notices.c, pg_search.c). One definition of a word for all,
 * so a word typed in the search box is spelled the way the index holds it.
 *
 * A word is a maximal run of non-separator characters (token_is_separator,
 * which follows SQLite's unicode61 tokenizer for ASCII and the common
 * non-ASCII symbols; see "Words" in search/query.h). token_each folds each word the
 * way unicode61 with remove_diacritics 2 does for European text: ASCII, Latin-1
 * and Latin Extended-A letters lose case and accents ("Café" -> "cafe",
 * "ŁÓDŹ" -> "łodz"), Greek and Cyrillic capitals become small letters,
 * combining accents U+0300..U+036F are dropped; other characters are kept as
 * they are. Bytes that are not valid UTF-8 separate words.
 *
 * Then each folded word is stemmed by Snowball's English stemmer (libstemmer):
 * "laptops" -> "laptop", "analytics" and "analytic" -> "analyt",
 * "consultants" and "consultancy" -> "consult". The stem is the term every
 * engine holds and looks up: the in-memory index (token_each over the texts,
 * token_term over the query words), SQLite's FTS5 (a custom tokenizer,
 * store/sqlite.c, calls token_each) and PostgreSQL's tsvector column (written
 * from token_each, queried with token_term). The keyword parser
 * (search/query.c) keeps the words as typed: the canonical URL shows them,
 * and each engine makes terms of them here.
 *
 * A Snowball stemmer is not thread-safe: each thread has its own, made on
 * first use and freed when the thread ends, and a small per-thread cache of
 * recent words in front of it (texts repeat their words: the cache answers
 * most of them without running the stemmer). Measured: splitting text costs
 * about 3-4x what folding alone did (some 25 ns a word more, on the cache),
 * which is about 2% of ingest's CPU time (50,000 generated releases into
 * SQLite, FTS5 and all: 4.55 s against 4.45 s). */
#ifndef BASE_TOKEN_H
#define BASE_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

/* The code point of the UTF-8 sequence at p (n >= 1 bytes left) and its
 * length in *len; an invalid or truncated sequence is U+FFFD of length 1. */
uint32_t token_decode(const unsigned char *p, size_t n, size_t *len);

/* Whether c separates words. */
int token_is_separator(uint32_t c);

/* Calls fn for every word of s[0..n): word (folded, NUL-terminated, valid
 * until fn returns), its length, and the byte span [start, end) in s. fn
 * returning non-zero stops; that value is returned. */
typedef int (*TokenFn)(void *ctx, const char *word, size_t len, size_t start, size_t end);
int token_each(const char *s, size_t n, TokenFn fn, void *ctx);

/* Appends word w[0..n) folded as token_each folds (w has no separators),
 * not stemmed. */
void token_fold(const char *w, size_t n, Buf *out);

/* Appends the term of query word w[0..n): folded, then stemmed, exactly as
 * token_each reports the same word in a text (w has no separators). */
void token_term(const char *w, size_t n, Buf *out);

/* Appends the stem of folded word w[0..n) (token_each's last step). */
void token_stem(const char *w, size_t n, Buf *out);

#endif

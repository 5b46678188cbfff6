/* fuzz_token.c -- libFuzzer target for the word splitter (src/search/token.c)
 * and the snippet cutter (src/search/snippet.c) on any bytes.
 *
 * Checked for each run:
 *  - every word token_each reports is non-empty, lies inside the input
 *    (start < end <= n), words come in order without overlap, and the word
 *    has no separator character and folds to itself (token_fold is
 *    idempotent on folded words);
 *  - the words of token_fold(input) split again are the same words (folding
 *    never joins or splits words) -- for input without invalid UTF-8;
 *  - snippet_make with the input's first words as the query (the input
 *    without \x02 and \x03, which the snippet drops): the snippet,
 *    once its \x02 \x03 marks are removed and its "…" ends trimmed, is a
 *    substring of the input; marks are balanced and never nested.
 * Build: make build/fuzz/fuzz_token (see the Makefile's fuzz target). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "search/snippet.h"
#include "base/token.h"

#define CHECK(cond)                                                   \
  do {                                                                \
    if (!(cond)) {                                                    \
      fprintf(stderr, "fuzz_token: check failed: %s\n", #cond);       \
      abort();                                                        \
    }                                                                 \
  } while (0)

typedef struct {
  size_t n, last_end, count;
  char words[4][64];
  size_t n_words;
  Buf all; /* every word, space-separated */
} Ctx;

static int on_word(void *ctx, const char *w, size_t len, size_t start, size_t end) {
  Ctx *c = ctx;
  CHECK(len > 0);
  CHECK(strlen(w) == len);
  CHECK(start < end && end <= c->n);
  CHECK(start >= c->last_end);
  c->last_end = end;
  Buf f = BUF_INIT;
  token_fold(w, len, &f);
  CHECK(f.len == len && memcmp(f.data, w, len) == 0);
  buf_release(&f);
  size_t i = 0;
  while (i < len) {
    size_t l;
    uint32_t cp = token_decode((const unsigned char *)w + i, len - i, &l);
    CHECK(!token_is_separator(cp));
    i += l;
  }
  if (c->n_words < 4 && len < 64) memcpy(c->words[c->n_words++], w, len + 1);
  buf_add(&c->all, w, len);
  buf_addc(&c->all, ' ');
  c->count++;
  return 0;
}

static int contains(const char *hay, size_t n, const char *needle, size_t m) {
  if (!m) return 1;
  for (size_t i = 0; i + m <= n; i++)
    if (!memcmp(hay + i, needle, m)) return 1;
  return 0;
}

static int valid_utf8(const uint8_t *p, size_t n) {
  size_t i = 0;
  while (i < n) {
    size_t l;
    uint32_t cp = token_decode(p + i, n - i, &l);
    if (cp == 0xFFFD && !(l == 3 && p[i] == 0xEF)) return 0;
    i += l;
  }
  return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 65536) return 0;
  char *s = malloc(size + 1);
  size_t k = 0; /* the match marks \x02 \x03 never reach the snippet: compare without them */
  for (size_t i = 0; i < size; i++)
    if (data[i] != 2 && data[i] != 3) s[k++] = (char)data[i];
  size = k;
  s[size] = 0;
  data = (const uint8_t *)s;
  Ctx c = {.n = size};
  token_each(s, size, on_word, &c);

  if (valid_utf8(data, size) && !memchr(data, 0, size)) {
    /* folding the whole text gives the same words */
    Buf folded = BUF_INIT;
    token_fold(s, size, &folded);
    Ctx d = {.n = folded.len};
    if (folded.len) token_each(folded.data, folded.len, on_word, &d);
    CHECK(d.all.len == c.all.len && (!c.all.len || memcmp(d.all.data, c.all.data, c.all.len) == 0));
    buf_release(&d.all);
    buf_release(&folded);

    /* the snippet is cut from the text */
    const char *words[4], *cols[2] = {s, NULL};
    for (size_t i = 0; i < c.n_words; i++) words[i] = c.words[i];
    Buf snip = BUF_INIT;
    snippet_make(cols, 2, words, c.n_words, &snip);
    if (c.n_words) CHECK(snip.len > 0);
    Buf plain = BUF_INIT;
    int open = 0;
    for (size_t i = 0; i < snip.len; i++) {
      if (snip.data[i] == 2) {
        CHECK(!open);
        open = 1;
      } else if (snip.data[i] == 3) {
        CHECK(open);
        open = 0;
      } else {
        buf_addc(&plain, snip.data[i]);
      }
    }
    CHECK(!open);
    /* with or without an added "…" at either end, it is part of the text */
    const char *p = plain.data ? plain.data : "";
    size_t n = plain.len;
    int found = 0;
    for (int lead = 0; lead < 2 && !found; lead++)
      for (int tail = 0; tail < 2 && !found; tail++) {
        const char *q = p;
        size_t m = n;
        if (lead) {
          if (m < 3 || memcmp(q, "…", 3)) continue;
          q += 3, m -= 3;
        }
        if (tail) {
          if (m < 3 || memcmp(q + m - 3, "…", 3)) continue;
          m -= 3;
        }
        found = contains(s, size, q, m);
      }
    CHECK(found);
    buf_release(&plain);
    buf_release(&snip);
  }
  buf_release(&c.all);
  free(s);
  return 0;
}

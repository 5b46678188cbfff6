/* snippet.c -- see snippet.h. */
#include "base/snippet.h"

#include <stdlib.h>
#include <string.h>

#include "base/token.h"

typedef struct {
  size_t start, end;
  int hit; /* index of the query word + 1, or 0 */
} Tok;

typedef struct {
  Tok *v;
  size_t n, cap;
  const char *const *words;
  size_t n_words;
} Toks;

static int on_token(void *ctx, const char *w, size_t len, size_t start, size_t end) {
  Toks *t = ctx;
  if (t->n == t->cap) {
    t->cap = t->cap ? 2 * t->cap : 64;
    t->v = xrealloc(t->v, t->cap * sizeof *t->v);
  }
  Tok *k = &t->v[t->n++];
  k->start = start;
  k->end = end;
  k->hit = 0;
  for (size_t i = 0; i < t->n_words; i++)
    if (strlen(t->words[i]) == len && memcmp(t->words[i], w, len) == 0) {
      k->hit = (int)i + 1;
      break;
    }
  return 0;
}

/* Appends text, without the bytes that mark matches (a stored text has no
 * control characters; this keeps the marks unambiguous whatever it holds). */
static void add_text(Buf *out, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (s[i] != 2 && s[i] != 3) buf_addc(out, s[i]);
}

/* Distinct query words among toks. */
static size_t distinct(const Toks *t) {
  size_t n = 0;
  unsigned char seen[64] = {0};
  for (size_t i = 0; i < t->n; i++) {
    int h = t->v[i].hit;
    if (h && h <= 64 && !seen[h - 1]) seen[h - 1] = 1, n++;
  }
  return n;
}

void snippet_make(const char *const *cols, size_t n_cols, const char *const *words, size_t n_words, Buf *out) {
  Toks best = {0}, cur = {0};
  size_t best_n = 0;
  const char *best_text = NULL;
  best.words = cur.words = words;
  best.n_words = cur.n_words = n_words;
  for (size_t c = 0; c < n_cols; c++) {
    if (!cols[c]) continue;
    cur.n = 0;
    token_each(cols[c], strlen(cols[c]), on_token, &cur);
    size_t d = distinct(&cur);
    if (d > best_n) {
      Toks t = best;
      best = cur;
      cur = t;
      best_n = d;
      best_text = cols[c];
    }
  }
  free(cur.v);
  if (!best_n) {
    free(best.v);
    return;
  }
  /* the window of SNIPPET_TOKENS tokens with the most hits */
  size_t w = best.n < SNIPPET_TOKENS ? best.n : SNIPPET_TOKENS, at = 0, hits = 0, most = 0;
  for (size_t i = 0; i < w; i++) hits += best.v[i].hit != 0;
  most = hits;
  for (size_t i = w; i < best.n; i++) {
    hits += (best.v[i].hit != 0) - (best.v[i - w].hit != 0);
    if (hits > most) most = hits, at = i - w + 1;
  }
  /* a window that would end past the text starts earlier: all of it shows */
  size_t from = best.v[at].start, to = best.v[at + w - 1].end, len = strlen(best_text);
  if (at) buf_adds(out, "…");
  size_t p = from;
  for (size_t i = at; i < at + w; i++) {
    const Tok *k = &best.v[i];
    add_text(out, best_text + p, k->start - p);
    if (k->hit) buf_addc(out, 2);
    add_text(out, best_text + k->start, k->end - k->start);
    if (k->hit) buf_addc(out, 3);
    p = k->end;
  }
  if (at + w < best.n) buf_adds(out, "…");
  else add_text(out, best_text + to, len - to); /* the closing punctuation */
  free(best.v);
}

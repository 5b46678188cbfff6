/* cpv.c -- see cpv.h. Binary search over the generated, sorted table. */
#include "model/cpv.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

int cpv_normalise(const char *in, char out[9]) {
  if (!in) return -1;
  while (*in == ' ') in++;
  for (int i = 0; i < 8; i++) {
    if (!isdigit((unsigned char)in[i])) return -1;
    out[i] = in[i];
  }
  out[8] = 0;
  /* after the 8 digits: end, a check digit "-5", or text */
  return isdigit((unsigned char)in[8]) ? -1 : 0;
}

static int cmp(const void *key, const void *elem) {
  return strcmp((const char *)key, ((const CpvEntry *)elem)->code);
}

const char *cpv_label(const char *code8) {
  const CpvEntry *e = bsearch(code8, cpv_table, cpv_table_len, sizeof *cpv_table, cmp);
  return e ? e->label : NULL;
}

/* Digits of code8 up to the last non-zero one, at least two. */
static size_t significant(const char *code8) {
  size_t n = 8;
  while (n > 2 && code8[n - 1] == '0') n--;
  return n;
}

/* 1 when text is a code or its start: digits (2..8), then at most a check
 * digit after all 8 ("72000000-5"); spaces around it are allowed. The prefix
 * (significant digits) goes to prefix[9]. */
static int code_prefix(const char *text, char prefix[9]) {
  while (*text == ' ') text++;
  size_t n = 0;
  char digits[9] = "00000000";
  while (isdigit((unsigned char)text[n])) {
    if (n == 8) return 0;
    digits[n] = text[n];
    n++;
  }
  const char *p = text + n;
  if (n == 8 && *p == '-' && isdigit((unsigned char)p[1])) p += 2;
  while (*p == ' ') p++;
  if (n < 2 || *p) return 0;
  size_t k = significant(digits);
  memcpy(prefix, digits, k);
  prefix[k] = 0;
  return 1;
}

/* 1 when some word of label starts with word (n bytes, lower-case ASCII). */
static int label_has(const char *label, const char *word, size_t n) {
  for (const char *p = label; *p; p++) {
    if (p != label && isalnum((unsigned char)p[-1])) continue; /* not a word start */
    size_t i = 0;
    while (i < n && p[i] && tolower((unsigned char)p[i]) == word[i]) i++;
    if (i == n) return 1;
  }
  return 0;
}

static int by_breadth(const void *a, const void *b) {
  const CpvEntry *x = *(const CpvEntry *const *)a, *y = *(const CpvEntry *const *)b;
  size_t m = significant(x->code), n = significant(y->code);
  if (m != n) return m < n ? -1 : 1;
  return strcmp(x->code, y->code);
}

size_t cpv_search(const char *text, const CpvEntry **out, size_t max) {
  if (!text || strlen(text) > CPV_SEARCH_MAX_BYTES) return 0;
  char prefix[9];
  int by_code = code_prefix(text, prefix);
  /* the words, lower-cased: runs of ASCII letters and digits (and any
   * non-ASCII byte, so "café" stays one word) */
  char words[CPV_SEARCH_MAX_BYTES + 1];
  size_t start[CPV_SEARCH_MAX_WORDS], len[CPV_SEARCH_MAX_WORDS], n_words = 0, w = 0;
  for (const char *p = text; !by_code && *p;) {
    while (*p && !isalnum((unsigned char)*p) && !((unsigned char)*p & 0x80)) p++;
    if (!*p) break;
    if (n_words == CPV_SEARCH_MAX_WORDS) return 0;
    start[n_words] = w;
    while (*p && (isalnum((unsigned char)*p) || ((unsigned char)*p & 0x80)))
      words[w++] = (char)tolower((unsigned char)*p++);
    len[n_words] = w - start[n_words];
    n_words++;
  }
  if (!by_code && n_words == 0) return 0;
  /* collect every match (pointers into the table), then order and cut */
  const CpvEntry **all = malloc(cpv_table_len * sizeof *all);
  if (!all) return 0;
  size_t total = 0, plen = by_code ? strlen(prefix) : 0;
  for (size_t i = 0; i < cpv_table_len; i++) {
    const CpvEntry *e = &cpv_table[i];
    int hit = 1;
    if (by_code) hit = strncmp(e->code, prefix, plen) == 0;
    for (size_t k = 0; hit && k < n_words; k++) hit = label_has(e->label, words + start[k], len[k]);
    if (hit) all[total++] = e;
  }
  qsort(all, total, sizeof *all, by_breadth);
  for (size_t i = 0; i < total && i < max; i++) out[i] = all[i];
  free(all);
  return total;
}

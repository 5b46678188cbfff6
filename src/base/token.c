/* token.c -- see token.h. */
#include "base/token.h"

#include <libstemmer.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* ---- stemming: one Snowball stemmer per thread, a cache in front ---- */

#define STEM_CACHE_BITS 12  /* 4096 entries per thread (about 200 KB) */
#define STEM_CACHE_WORD 24  /* the longest word and stem (bytes) the cache holds */

typedef struct {
  unsigned char wlen, slen; /* wlen 0: empty */
  char w[STEM_CACHE_WORD], s[STEM_CACHE_WORD + 1]; /* s NUL-terminated */
} StemEntry;

typedef struct {
  struct sb_stemmer *sb;
  Buf scratch; /* a stem the cache does not hold */
  StemEntry cache[1u << STEM_CACHE_BITS];
} Stemmer;

static pthread_key_t stem_key;
static pthread_once_t stem_once = PTHREAD_ONCE_INIT;
static _Thread_local Stemmer *stem_tls; /* this thread's, also held by stem_key (freed at exit) */

static void stemmer_free(void *p) {
  Stemmer *s = p;
  sb_stemmer_delete(s->sb);
  buf_release(&s->scratch);
  free(s);
}

static void stem_key_make(void) { pthread_key_create(&stem_key, stemmer_free); }

static Stemmer *stemmer_new(void) {
  pthread_once(&stem_once, stem_key_make);
  Stemmer *s = xcalloc(1, sizeof *s);
  /* NULL only when out of memory (the algorithm and encoding are built in) */
  if (!(s->sb = sb_stemmer_new("english", "UTF_8"))) abort();
  pthread_setspecific(stem_key, s);
  return stem_tls = s;
}

/* The cache slot of w[0..n), 3 <= n <= STEM_CACHE_WORD: a hash of its
 * first and last 8 bytes and its length (measured: a byte-by-byte hash was a
 * quarter of the time of a word found in the cache). */
static inline uint32_t stem_slot(const char *w, size_t n) {
  /* fixed-size loads only (a variable-size copy stalled on store forwarding) */
  uint64_t a, b;
  if (n >= 8) {
    memcpy(&a, w, 8);
    memcpy(&b, w + n - 8, 8);
  } else {
    uint32_t x, y;
    if (n >= 4) {
      memcpy(&x, w, 4);
      memcpy(&y, w + n - 4, 4);
    } else { /* 3 bytes */
      x = (uint32_t)(unsigned char)w[0] | (uint32_t)(unsigned char)w[1] << 8;
      y = (uint32_t)(unsigned char)w[2];
    }
    a = x, b = y;
  }
  uint64_t h = (a * 0x9E3779B97F4A7C15ull) ^ (b * 0xC2B2AE3D27D4EB4Full) ^ n;
  h ^= h >> 29;
  return (uint32_t)((h * 0xBF58476D1CE4E5B9ull) >> (64 - STEM_CACHE_BITS));
}

/* The stem of folded word w[0..n) (n >= 3), NUL-terminated, *sn bytes: valid
 * until this thread stems another word. */
static const char *stem_of(const char *w, size_t n, size_t *sn) {
  Stemmer *st = stem_tls ? stem_tls : stemmer_new();
  StemEntry *e = NULL;
  if (n <= STEM_CACHE_WORD) {
    e = &st->cache[stem_slot(w, n)];
    if (e->wlen == n && memcmp(e->w, w, n) == 0) {
      *sn = e->slen;
      return e->s;
    }
  }
  const sb_symbol *r = sb_stemmer_stem(st->sb, (const sb_symbol *)w, n > 0x7FFFFFFF ? 0x7FFFFFFF : (int)n);
  if (!r) abort(); /* out of memory */
  *sn = (size_t)sb_stemmer_length(st->sb);
  if (e && *sn <= STEM_CACHE_WORD) {
    memcpy(e->w, w, n);
    memcpy(e->s, r, *sn);
    e->s[*sn] = 0;
    e->wlen = (unsigned char)n;
    e->slen = (unsigned char)*sn;
    return e->s;
  }
  buf_reset(&st->scratch);
  buf_add(&st->scratch, r, *sn);
  return st->scratch.data;
}

void token_stem(const char *w, size_t n, Buf *out) {
  if (n < 3) { /* Snowball English leaves words of 1 or 2 letters alone */
    if (n) buf_add(out, w, n);
    return;
  }
  size_t sn;
  const char *r = stem_of(w, n, &sn);
  buf_add(out, r, sn);
}

uint32_t token_decode(const unsigned char *p, size_t n, size_t *len) {
  unsigned c = p[0];
  *len = 1;
  if (c < 0x80) return c;
  size_t need;
  uint32_t cp, min;
  if (c >= 0xC2 && c <= 0xDF) need = 1, cp = c & 0x1F, min = 0x80;
  else if (c >= 0xE0 && c <= 0xEF) need = 2, cp = c & 0x0F, min = 0x800;
  else if (c >= 0xF0 && c <= 0xF4) need = 3, cp = c & 0x07, min = 0x10000;
  else return 0xFFFD;
  if (n < need + 1) return 0xFFFD;
  for (size_t i = 1; i <= need; i++) {
    if ((p[i] & 0xC0) != 0x80) return 0xFFFD;
    cp = cp << 6 | (p[i] & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0xFFFD;
  *len = need + 1;
  return cp;
}

int token_is_separator(uint32_t c) {
  if (c < 0x80) return !((c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z'));
  if (c <= 0xBF)
    return !(c == 0xAA || c == 0xB2 || c == 0xB3 || c == 0xB5 || c == 0xB9 || c == 0xBA ||
             (c >= 0xBC && c <= 0xBE));
  return c == 0xD7 || c == 0xF7 || c == 0x1680 || (c >= 0x2000 && c <= 0x206F) ||
         (c >= 0x20A0 && c <= 0x20CF) || (c >= 0x2190 && c <= 0x23FF) || (c >= 0x2500 && c <= 0x2775) ||
         (c >= 0x2794 && c <= 0x27BF) || (c >= 0x3000 && c <= 0x3003) || c == 0xFEFF || c == 0xFFFD;
}

/* ASCII folded: the small letter or digit, 0 for a separator. */
static const unsigned char ASCII[128] = {
    ['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4', ['5'] = '5', ['6'] = '6', ['7'] = '7',
    ['8'] = '8', ['9'] = '9', ['a'] = 'a', ['b'] = 'b', ['c'] = 'c', ['d'] = 'd', ['e'] = 'e', ['f'] = 'f',
    ['g'] = 'g', ['h'] = 'h', ['i'] = 'i', ['j'] = 'j', ['k'] = 'k', ['l'] = 'l', ['m'] = 'm', ['n'] = 'n',
    ['o'] = 'o', ['p'] = 'p', ['q'] = 'q', ['r'] = 'r', ['s'] = 's', ['t'] = 't', ['u'] = 'u', ['v'] = 'v',
    ['w'] = 'w', ['x'] = 'x', ['y'] = 'y', ['z'] = 'z', ['A'] = 'a', ['B'] = 'b', ['C'] = 'c', ['D'] = 'd',
    ['E'] = 'e', ['F'] = 'f', ['G'] = 'g', ['H'] = 'h', ['I'] = 'i', ['J'] = 'j', ['K'] = 'k', ['L'] = 'l',
    ['M'] = 'm', ['N'] = 'n', ['O'] = 'o', ['P'] = 'p', ['Q'] = 'q', ['R'] = 'r', ['S'] = 's', ['T'] = 't',
    ['U'] = 'u', ['V'] = 'v', ['W'] = 'w', ['X'] = 'x', ['Y'] = 'y', ['Z'] = 'z',
};

/* U+00C0..U+017F folded: the ASCII letter it is without its accent, or 0 to
 * keep the character (then latin_lower gives its small letter). */
static const char LATIN[] =
    /* C0 */ "aaaaaa\0ceeeeiiii"
    /* D0 */ "\0nooooo\0\0uuuuy\0\0"
    /* E0 */ "aaaaaa\0ceeeeiiii"
    /* F0 */ "\0nooooo\0\0uuuuy\0y"
    /* 100 */ "aaaaaaccccccccdd"
    /* 110 */ "\0\0eeeeeeeeeegggg"
    /* 120 */ "gggghh\0\0iiiiiiii"
    /* 130 */ "ii\0\0jjkk\0lllllll"
    /* 140 */ "l\0\0nnnnnn\0\0\0oooo"
    /* 150 */ "oo\0\0rrrrrrssssss"
    /* 160 */ "sstttt\0\0uuuuuuuu"
    /* 170 */ "uuuuwwyyyzzzzzz\0";

/* The small letter of a character kept by LATIN. */
static uint32_t latin_lower(uint32_t c) {
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 0x20; /* Æ Ð Ø Þ */
  if (c >= 0x100 && c <= 0x137) return c | 1;
  if (c >= 0x139 && c <= 0x148) return (c & 1) ? c + 1 : c;
  if (c >= 0x14A && c <= 0x177) return c | 1;
  return c;
}

/* The folded form of c; 0 when c is dropped from words. */
static uint32_t fold(uint32_t c) {
  if (c < 0x80) return c >= 'A' && c <= 'Z' ? c + 32 : c;
  if (c >= 0xC0 && c <= 0x17F) {
    char a = LATIN[c - 0xC0];
    return a ? (uint32_t)(unsigned char)a : latin_lower(c);
  }
  if (c >= 0x300 && c <= 0x36F) return 0;
  if (c >= 0x391 && c <= 0x3AB && c != 0x3A2) return c + 0x20;
  if (c >= 0x410 && c <= 0x42F) return c + 0x20;
  if (c >= 0x400 && c <= 0x40F) return c + 0x50;
  return c;
}

static void put(Buf *b, uint32_t c) {
  char u[4];
  size_t n;
  if (c < 0x80) {
    buf_addc(b, (char)c);
    return;
  }
  if (c < 0x800) {
    u[0] = (char)(0xC0 | c >> 6), u[1] = (char)(0x80 | (c & 0x3F)), n = 2;
  } else if (c < 0x10000) {
    u[0] = (char)(0xE0 | c >> 12), u[1] = (char)(0x80 | (c >> 6 & 0x3F)), u[2] = (char)(0x80 | (c & 0x3F)), n = 3;
  } else {
    u[0] = (char)(0xF0 | c >> 18), u[1] = (char)(0x80 | (c >> 12 & 0x3F)), u[2] = (char)(0x80 | (c >> 6 & 0x3F));
    u[3] = (char)(0x80 | (c & 0x3F)), n = 4;
  }
  buf_add(b, u, n);
}

/* fn with the stem of folded word w (w is reset). */
static inline int emit(Buf *w, TokenFn fn, void *ctx, size_t start, size_t end) {
  size_t n = w->len;
  w->len = 0;
  if (n < 3) { /* Snowball English leaves words of 1 or 2 letters alone */
    w->data[n] = 0;
    return fn(ctx, w->data, n, start, end);
  }
  size_t sn;
  const char *r = stem_of(w->data, n, &sn);
  return fn(ctx, r, sn, start, end);
}

int token_each(const char *s, size_t n, TokenFn fn, void *ctx) {
  Buf w = BUF_INIT;
  size_t i = 0, start = 0;
  int rc = 0;
  while (i < n) {
    unsigned char b = (unsigned char)s[i];
    if (b < 0x80) { /* the fast path: ASCII */
      char f = (char)ASCII[b];
      if (f) {
        if (!w.len) start = i;
        if (w.len + 2 > w.cap) buf_grow(&w, 64);
        w.data[w.len++] = f;
        i++;
        continue;
      }
      i++;
      if (w.len && (rc = emit(&w, fn, ctx, start, i - 1))) break;
      continue;
    }
    size_t len;
    uint32_t c = token_decode((const unsigned char *)s + i, n - i, &len);
    if (token_is_separator(c)) {
      if (w.len && (rc = emit(&w, fn, ctx, start, i))) break;
    } else {
      uint32_t f = fold(c);
      if (!w.len && f) start = i;
      if (f) put(&w, f);
    }
    i += len;
  }
  if (!rc && w.len) rc = emit(&w, fn, ctx, start, n);
  buf_release(&w);
  return rc;
}

void token_fold(const char *w, size_t n, Buf *out) {
  size_t i = 0;
  while (i < n) {
    size_t len;
    uint32_t c = token_decode((const unsigned char *)w + i, n - i, &len);
    uint32_t f = fold(c);
    if (f) put(out, f);
    i += len;
  }
}

void token_term(const char *w, size_t n, Buf *out) {
  Buf f = BUF_INIT;
  token_fold(w, n, &f);
  token_stem(f.data, f.len, out);
  buf_release(&f);
}

/* text.c -- see text.h. Works on bytes with a small UTF-8 decoder; allocates
 * once per call (plus a temporary copy when mojibake is repaired). */
#include "base/text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

/* Decodes one UTF-8 sequence at p (< end). Returns its length, or 0 when the
 * byte at p does not start a valid sequence (overlong, surrogate, truncated,
 * > U+10FFFF). */
static size_t utf8_decode(const unsigned char *p, const unsigned char *end, uint32_t *cp) {
  unsigned char c = p[0];
  size_t n;
  uint32_t v, min;
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  if (c >= 0xC2 && c <= 0xDF) n = 2, v = c & 0x1F, min = 0x80;
  else if (c >= 0xE0 && c <= 0xEF) n = 3, v = c & 0x0F, min = 0x800;
  else if (c >= 0xF0 && c <= 0xF4) n = 4, v = c & 0x07, min = 0x10000;
  else return 0;
  if ((size_t)(end - p) < n) return 0;
  for (size_t i = 1; i < n; i++) {
    if ((p[i] & 0xC0) != 0x80) return 0;
    v = v << 6 | (p[i] & 0x3F);
  }
  if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
  *cp = v;
  return n;
}

/* The Windows-1252 byte that decodes to code point cp, or -1. C1 controls map
 * to themselves (what Latin-1 decoders and Windows do with 81 8D 8F 90 9D). */
static int cp1252_byte(uint32_t cp) {
  if (cp >= 0x80 && cp <= 0xFF) return (int)cp;
  switch (cp) {
  case 0x20AC: return 0x80;
  case 0x201A: return 0x82;
  case 0x0192: return 0x83;
  case 0x201E: return 0x84;
  case 0x2026: return 0x85;
  case 0x2020: return 0x86;
  case 0x2021: return 0x87;
  case 0x02C6: return 0x88;
  case 0x2030: return 0x89;
  case 0x0160: return 0x8A;
  case 0x2039: return 0x8B;
  case 0x0152: return 0x8C;
  case 0x017D: return 0x8E;
  case 0x2018: return 0x91;
  case 0x2019: return 0x92;
  case 0x201C: return 0x93;
  case 0x201D: return 0x94;
  case 0x2022: return 0x95;
  case 0x2013: return 0x96;
  case 0x2014: return 0x97;
  case 0x02DC: return 0x98;
  case 0x2122: return 0x99;
  case 0x0161: return 0x9A;
  case 0x203A: return 0x9B;
  case 0x0153: return 0x9C;
  case 0x017E: return 0x9E;
  case 0x0178: return 0x9F;
  default: return -1;
  }
}

/* At p: the characters Â..ô followed by the cp1252 spelling of continuation
 * bytes? Writes the repaired UTF-8 sequence to fixed[] and returns how many
 * input bytes it replaces, else 0. */
static size_t mojibake_at(const unsigned char *p, const unsigned char *end, unsigned char fixed[4],
                          size_t *fixed_len) {
  uint32_t cp;
  size_t len = utf8_decode(p, end, &cp);
  if (!len || cp < 0xC2 || cp > 0xF4) return 0;
  size_t need = cp < 0xE0 ? 1 : cp < 0xF0 ? 2 : 3, used = len;
  fixed[0] = (unsigned char)cp;
  for (size_t i = 1; i <= need; i++) {
    if (p + used >= end) return 0;
    len = utf8_decode(p + used, end, &cp);
    int b = len ? cp1252_byte(cp) : -1;
    if (b < 0x80 || b > 0xBF) return 0;
    fixed[i] = (unsigned char)b;
    used += len;
  }
  /* the bytes must be one valid sequence, and not a C1 control (C2 80..9F) */
  if (utf8_decode(fixed, fixed + need + 1, &cp) != need + 1 || cp < 0xA0) return 0;
  *fixed_len = need + 1;
  return used;
}

static char *fix_once(const char *s, size_t n, int *changed) {
  const unsigned char *p = (const unsigned char *)s, *end = p + n;
  char *out = xmalloc(n + 1); /* a repair is always shorter than what it replaces */
  size_t o = 0;
  *changed = 0;
  while (p < end) {
    unsigned char fixed[4];
    size_t flen, used;
    if (*p == 0xC3 && (used = mojibake_at(p, end, fixed, &flen))) {
      memcpy(out + o, fixed, flen);
      o += flen;
      p += used;
      *changed = 1;
    } else {
      out[o++] = (char)*p++;
    }
  }
  out[o] = 0;
  return out;
}

char *text_fix_mojibake(const char *s, size_t n, int *changed) {
  int any = 0, ch = 0;
  char *cur = NULL;
  /* every mojibake lead (U+00C2..U+00F4) is encoded C3 xx: no C3, nothing to do */
  if (memchr(s, 0xC3, n)) {
    for (int pass = 0; pass < 3; pass++) {
      char *next = fix_once(cur ? cur : s, cur ? strlen(cur) : n, &ch);
      free(cur);
      cur = next;
      if (!ch) break;
      any = 1;
    }
  }
  if (changed) *changed = any;
  return cur ? cur : xstrndup(s, n);
}

typedef struct {
  char *d;
  size_t len, cap;
} Out;

static inline void put(Out *o, const void *p, size_t n) {
  if (o->len + n + 1 > o->cap) {
    o->cap = (o->len + n + 1) * 2;
    o->d = xrealloc(o->d, o->cap);
  }
  memcpy(o->d + o->len, p, n);
  o->len += n;
}

static int is_space(uint32_t c) {
  return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x202F || c == 0x205F || c == 0x3000;
}

static int is_newline(uint32_t c) {
  return c == '\n' || c == '\r' || c == 0x85 || c == 0x2028 || c == 0x2029;
}

static int is_dropped(uint32_t c) {
  return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x200B || c == 0xFEFF;
}

/* The white-space pass over n bytes of s. Caller frees. */
static char *spaces(const char *s, size_t n, int keep_lines) {
  Out o = {xmalloc(n + 1), 0, n + 1};
  const unsigned char *p = (const unsigned char *)s, *end = p + n;
  int space = 0, newlines = 0;
  while (p < end) {
    uint32_t c;
    size_t len;
    if (*p > 0x20 && *p < 0x7F) { /* fast path: a run of visible ASCII */
      const unsigned char *q = p + 1;
      while (q < end && *q > 0x20 && *q < 0x7F) q++;
      if (o.len) {
        if (newlines) put(&o, "\n\n", newlines > 1 ? 2 : 1);
        else if (space) put(&o, " ", 1);
      }
      space = newlines = 0;
      put(&o, p, (size_t)(q - p));
      p = q;
      continue;
    }
    if (*p < 0x80) {
      c = *p;
      len = 1;
    } else if (!(len = utf8_decode(p, end, &c))) {
      c = 0xFFFD; /* invalid byte: replaced, counts as text */
    }
    if (is_newline(c) && keep_lines) {
      if (!(c == '\n' && p > (const unsigned char *)s && p[-1] == '\r')) newlines++;
      space = 0;
    } else if (is_newline(c) || is_space(c)) {
      if (!newlines) space = 1;
    } else if (!is_dropped(c)) {
      if (o.len) {
        if (newlines) put(&o, "\n\n", newlines > 1 ? 2 : 1);
        else if (space) put(&o, " ", 1);
      }
      space = newlines = 0;
      if (c == 0xFFFD && !len) {
        put(&o, "\xEF\xBF\xBD", 3);
        len = 1;
      } else {
        put(&o, p, len);
      }
    }
    p += len ? len : 1;
  }
  o.d[o.len] = 0;
  return o.d;
}

/* Mojibake repair, then white space. Dropping a control character can bring
 * the halves of a mojibake sequence together ("Â" U+0082 "£"), so repeat
 * while a repair changes something (bounded: pathological nesting may keep
 * a remainder rather than cost quadratic time). */
static char *clean(const char *s, int keep_lines) {
  if (!s) return NULL;
  size_t n = strlen(s);
  char *cur = NULL;
  for (int round = 0; round < 4; round++) {
    int changed = 0;
    char *fixed = memchr(s, 0xC3, n) ? text_fix_mojibake(s, n, &changed) : NULL;
    if (round > 0 && !changed) {
      free(fixed);
      break;
    }
    char *next = fixed ? spaces(fixed, strlen(fixed), keep_lines) : spaces(s, n, keep_lines);
    free(fixed);
    free(cur);
    cur = next;
    s = cur;
    n = strlen(cur);
  }
  return cur;
}

char *text_clean(const char *s) { return clean(s, 0); }
char *text_clean_lines(const char *s) { return clean(s, 1); }

/* utf8.c -- see utf8.h. The table in utf8_check is RFC 3629 section 4
 * ("UTF8-2 / UTF8-3 / UTF8-4"): the lead byte fixes the length and the allowed
 * range of the second byte; later bytes are always 80..BF. */
#include "base/utf8.h"

#include <string.h>

#include "base/err.h"

#define HIGH_BITS 0x8080808080808080ull

int utf8_check(const char *s, size_t n, size_t *bad_at) {
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
  while (i < n) {
    /* ASCII fast path: memcpy into a word is one unaligned load at -O1 and up. */
    while (n - i >= 16) {
      uint64_t a, b;
      memcpy(&a, p + i, 8);
      memcpy(&b, p + i + 8, 8);
      if ((a | b) & HIGH_BITS) break;
      i += 16;
    }
    if (n - i >= 8) {
      uint64_t a;
      memcpy(&a, p + i, 8);
      if (!(a & HIGH_BITS)) {
        i += 8;
        continue;
      }
    }
    /* Byte at a time until the next non-ASCII sequence is handled. */
    while (i < n && p[i] < 0x80) i++;
    if (i >= n) break;

    unsigned c = p[i];
    unsigned lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
    size_t more;                   /* continuation bytes after the lead */
    if (c >= 0xC2 && c <= 0xDF) {
      more = 1;
    } else if (c == 0xE0) {
      more = 2, lo = 0xA0; /* E0 80..9F would be overlong */
    } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
      more = 2;
    } else if (c == 0xED) {
      more = 2, hi = 0x9F; /* ED A0..BF encodes U+D800..DFFF, surrogates */
    } else if (c == 0xF0) {
      more = 3, lo = 0x90; /* F0 80..8F would be overlong */
    } else if (c >= 0xF1 && c <= 0xF3) {
      more = 3;
    } else if (c == 0xF4) {
      more = 3, hi = 0x8F; /* F4 90.. is above U+10FFFF */
    } else {
      goto bad; /* 80..BF stray continuation, C0/C1 overlong, F5..FF */
    }
    if (n - i - 1 < more) goto bad;
    if (p[i + 1] < lo || p[i + 1] > hi) goto bad;
    for (size_t k = 2; k <= more; k++)
      if ((p[i + k] & 0xC0) != 0x80) goto bad;
    i += more + 1;
  }
  return 0;
bad:
  if (bad_at) *bad_at = i;
  return ERR_UTF8;
}

size_t utf8_encode(uint32_t cp, char *out) {
  unsigned char *o = (unsigned char *)out;
  if (cp < 0x80) {
    o[0] = (unsigned char)cp;
    return 1;
  }
  if (cp < 0x800) {
    o[0] = (unsigned char)(0xC0 | (cp >> 6));
    o[1] = (unsigned char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp >= 0xD800 && cp <= 0xDFFF) return 0;
  if (cp < 0x10000) {
    o[0] = (unsigned char)(0xE0 | (cp >> 12));
    o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[2] = (unsigned char)(0x80 | (cp & 0x3F));
    return 3;
  }
  if (cp > 0x10FFFF) return 0;
  o[0] = (unsigned char)(0xF0 | (cp >> 18));
  o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
  o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
  o[3] = (unsigned char)(0x80 | (cp & 0x3F));
  return 4;
}

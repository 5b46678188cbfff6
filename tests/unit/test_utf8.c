/* test_utf8.c -- strict UTF-8 validation (RFC 3629) and encoding: valid
 * multi-byte text, overlongs, surrogates, truncated sequences, values above
 * U+10FFFF, stray continuation bytes, each with the exact offset reported, in
 * every position relative to the 8- and 16-byte fast path; and an exhaustive
 * cross-check against a slow reference decoder. */
#include "base/utf8.h"

#include <stdint.h>

#include "base/err.h"
#include "../tap.h"

/* The reference: decode code point by code point, the obvious way. */
static int slow_check(const unsigned char *p, size_t n, size_t *bad_at) {
  size_t i = 0;
  while (i < n) {
    unsigned c = p[i];
    size_t len;
    uint32_t cp, min;
    if (c < 0x80) {
      i++;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2, cp = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, cp = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, cp = c & 0x07, min = 0x10000;
    } else {
      goto bad;
    }
    if (n - i < len) goto bad;
    for (size_t k = 1; k < len; k++) {
      if ((p[i + k] & 0xC0) != 0x80) goto bad;
      cp = cp << 6 | (p[i + k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) goto bad;
    i += len;
  }
  return 0;
bad:
  *bad_at = i;
  return ERR_UTF8;
}

static void check(const char *name, const char *s, size_t n, int want_ok, size_t want_at) {
  size_t at = (size_t)-1;
  int rc = utf8_check(s, n, &at);
  if (want_ok) {
    ok(rc == 0, "%s: valid", name);
  } else {
    ok(rc == ERR_UTF8 && at == want_at, "%s: invalid at byte %zu", name, want_at);
    if (rc != ERR_UTF8 || at != want_at) printf("#   rc %d, at %zu\n", rc, at);
  }
}

int main(void) {
  /* Valid text. */
  check("empty", "", 0, 1, 0);
  check("ASCII", "Road repair, Leeds", 18, 1, 0);
  check("2-byte (é)", "caf\xc3\xa9", 5, 1, 0);
  check("3-byte (€)", "\xe2\x82\xac 100", 7, 1, 0);
  check("4-byte (U+1F600)", "\xf0\x9f\x98\x80", 4, 1, 0);
  check("boundaries U+007F U+0080 U+07FF U+0800", "\x7f\xc2\x80\xdf\xbf\xe0\xa0\x80", 8, 1, 0);
  check("U+D7FF and U+E000 around the surrogates", "\xed\x9f\xbf\xee\x80\x80", 6, 1, 0);
  check("U+FFFF U+10000 U+10FFFF", "\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf", 11, 1, 0);
  check("NUL is valid UTF-8", "a\0b", 3, 1, 0);
  check("mixed, long", "Contratación de servicios de mantenimiento — €1.000 — 日本語 — \xf0\x9f\x98\x80 end", 83, 1, 0);

  /* Overlongs. */
  check("overlong '/' in 2 bytes (C0 AF)", "ab\xc0\xaf", 4, 0, 2);
  check("overlong in 2 bytes (C1 BF)", "\xc1\xbf", 2, 0, 0);
  check("overlong in 3 bytes (E0 80 AF)", "x\xe0\x80\xaf", 4, 0, 1);
  check("overlong U+07FF in 3 bytes (E0 9F BF)", "\xe0\x9f\xbf", 3, 0, 0);
  check("overlong in 4 bytes (F0 80 80 AF)", "\xf0\x80\x80\xaf", 4, 0, 0);
  check("overlong U+FFFF in 4 bytes (F0 8F BF BF)", "\xf0\x8f\xbf\xbf", 4, 0, 0);
  /* Surrogates. */
  check("U+D800 (ED A0 80)", "ok\xed\xa0\x80", 5, 0, 2);
  check("U+DFFF (ED BF BF)", "\xed\xbf\xbf", 3, 0, 0);
  check("CESU-8 pair (ED A0 BD ED B8 80)", "\xed\xa0\xbd\xed\xb8\x80", 6, 0, 0);
  /* Above U+10FFFF. */
  check("U+110000 (F4 90 80 80)", "\xf4\x90\x80\x80", 4, 0, 0);
  check("F5 lead", "a\xf5\x80\x80\x80", 5, 0, 1);
  check("FF", "\xff", 1, 0, 0);
  check("5-byte form (F8)", "\xf8\x88\x80\x80\x80", 5, 0, 0);
  /* Truncated. */
  check("2-byte cut at end", "abc\xc3", 4, 0, 3);
  check("3-byte cut at end", "\xe2\x82", 2, 0, 0);
  check("4-byte cut at end", "xy\xf0\x9f\x98", 5, 0, 2);
  check("3-byte cut by ASCII", "\xe2\x82" "a", 3, 0, 0);
  check("4-byte cut by a new lead", "\xf0\x9f\xc3\xa9", 4, 0, 0);
  /* Stray continuation bytes. */
  check("continuation alone", "\x80", 1, 0, 0);
  check("continuation after a complete char", "\xc3\xa9\xa9", 3, 0, 2);
  check("Latin-1 'é' (E9) then ASCII", "caf\xe9 bar", 8, 0, 3);
  /* The error's offset is exact wherever it falls relative to the fast path. */
  {
    char buf[80];
    int all = 1;
    for (size_t pos = 0; pos < 64; pos++) {
      memset(buf, 'a', sizeof buf);
      buf[pos] = (char)0xC0;
      buf[pos + 1] = (char)0xAF;
      size_t at = 0;
      if (utf8_check(buf, sizeof buf, &at) != ERR_UTF8 || at != pos) all = 0;
      buf[pos] = (char)0xC3; /* valid é at the same spot */
      buf[pos + 1] = (char)0xA9;
      if (utf8_check(buf, sizeof buf, NULL) != 0) all = 0;
      if (utf8_check(buf, pos + 1, &at) != ERR_UTF8 || at != pos) all = 0; /* cut after the lead */
    }
    ok(all, "offsets exact at every position 0..63 (overlong, valid, truncated)");
  }
  check("NULL bad_at is allowed", "\xff", 1, 0, 0);

  /* Exhaustive: every 1- and 2-byte string, every 3-byte string with a
   * leading E0..F4 lead, and 4-byte strings F0..F4 xx yy 80, against the
   * reference decoder. */
  {
    long diffs = 0, cases = 0;
    unsigned char b[4];
    for (unsigned x = 0; x < 256; x++) {
      b[0] = (unsigned char)x;
      size_t a1 = 0, a2 = 0;
      int r1 = utf8_check((char *)b, 1, &a1), r2 = slow_check(b, 1, &a2);
      diffs += r1 != r2 || (r1 && a1 != a2);
      cases++;
      for (unsigned y = 0; y < 256; y++) {
        b[1] = (unsigned char)y;
        r1 = utf8_check((char *)b, 2, &a1), r2 = slow_check(b, 2, &a2);
        diffs += r1 != r2 || (r1 && a1 != a2);
        cases++;
        if (x < 0xE0 || x > 0xF4) continue;
        for (unsigned z = 0; z < 256; z++) {
          b[2] = (unsigned char)z;
          r1 = utf8_check((char *)b, 3, &a1), r2 = slow_check(b, 3, &a2);
          diffs += r1 != r2 || (r1 && a1 != a2);
          b[3] = 0x80;
          r1 = utf8_check((char *)b, 4, &a1), r2 = slow_check(b, 4, &a2);
          diffs += r1 != r2 || (r1 && a1 != a2);
          cases += 2;
        }
      }
    }
    ok(diffs == 0, "agrees with a reference decoder on %ld short strings", cases);
    if (diffs) printf("#   %ld differences\n", diffs);
  }
  /* Every code point round-trips through utf8_encode and is valid. */
  {
    long bad = 0;
    char out[4];
    for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
      size_t n = utf8_encode(cp, out);
      int surrogate = cp >= 0xD800 && cp <= 0xDFFF;
      size_t want = surrogate ? 0 : cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (n != want || (n && utf8_check(out, n, NULL) != 0)) bad++;
    }
    char o[4];
    ok(bad == 0 && utf8_encode(0x110000, o) == 0, "utf8_encode: every code point, surrogates and > U+10FFFF refused");
    ok(utf8_encode(0xE9, o) == 2 && (unsigned char)o[0] == 0xC3 && (unsigned char)o[1] == 0xA9, "utf8_encode(U+00E9) = C3 A9");
    ok(utf8_encode(0x1F600, o) == 4 && !memcmp(o, "\xf0\x9f\x98\x80", 4), "utf8_encode(U+1F600) = F0 9F 98 80");
  }
  return done_testing();
}

/* utf8.h -- strict UTF-8 validation (RFC 3629) and encoding.
 *
 * Strict means: no overlong forms (C0, C1, E0 80..9F, F0 80..8F), no UTF-16
 * surrogates (ED A0..BF), nothing above U+10FFFF (F4 90.., F5..FF), no stray
 * continuation bytes, no truncated sequences. U+0000 is valid UTF-8 (JSON
 * rejects it unescaped in strings; that is the JSON scanner's business).
 *
 * utf8_check is the hot path of ingest (every release is checked before cJSON
 * sees it: cJSON does not validate UTF-8), so ASCII runs are skipped 16 and 8
 * bytes at a time. Owns nothing. */
#ifndef UTF8_H
#define UTF8_H

#include <stddef.h>
#include <stdint.h>

/* 0 when s[0..n) is valid UTF-8; else ERR_UTF8 with *bad_at (if not NULL) set
 * to the offset of the first byte of the first invalid or truncated sequence. */
int utf8_check(const char *s, size_t n, size_t *bad_at);

/* Writes the UTF-8 encoding of code point cp to out (room for 4 bytes) and
 * returns its length (1-4); 0 for a surrogate or a value above U+10FFFF. */
size_t utf8_encode(uint32_t cp, char *out);

#endif

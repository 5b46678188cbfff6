/* text.h -- cleaning of free text from procurement data before it is stored
 * and shown: UTF-8 repair, whitespace normalisation.
 *
 * Mojibake: UTF-8 text that someone decoded as Windows-1252 and encoded again
 * ("Â£" for "£", "â€™" for "’", "Ã©" for "é"). A run of characters is
 * replaced by the one character its cp1252 bytes spell only when those bytes
 * form exactly one valid, non-control UTF-8 sequence (lead byte C2-F4 plus the
 * right number of continuation bytes, no overlong form, no surrogate), so
 * legitimate text ("Â" alone, "café", "São", "Ørsted") is never changed.
 * Text encoded wrongly twice is repaired by repeating the pass (at most 3).
 *
 * Output is always valid UTF-8: invalid bytes become U+FFFD. C0/C1 control
 * characters, zero-width spaces and BOMs are dropped (and the repair runs
 * again when a dropped character sat inside a mojibake sequence, up to four
 * rounds: cleaning is idempotent except for adversarially nested input). */
#ifndef TEXT_H
#define TEXT_H

#include <stddef.h>

/* One line (titles, names): repairs mojibake, turns every run of white space
 * (incl. \r\n, tabs, NBSP and other Unicode spaces) into one space, trims.
 * NULL for NULL; "" when nothing is left. Caller frees. */
char *text_clean(const char *s);
/* Paragraphs (descriptions): as text_clean, but line breaks (\n, \r\n, \r,
 * U+2028/2029) survive as '\n', at most one blank line in a row, no spaces
 * at the start or end of a line. Caller frees. */
char *text_clean_lines(const char *s);
/* Only the mojibake repair of the n bytes at s (no white-space changes,
 * invalid bytes kept as they are); *changed (if not NULL) says whether
 * anything was repaired. Caller frees. */
char *text_fix_mojibake(const char *s, size_t n, int *changed);

#endif

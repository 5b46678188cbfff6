/* cpv.h -- the Common Procurement Vocabulary (CPV 2008) with English labels.
 * The table is generated at build time from the official list (scripts/gen_cpv.sh)
 * and sorted by code. Codes are the 8 digits without the check digit. */
#ifndef CPV_H
#define CPV_H

#include <stddef.h>

typedef struct {
  const char *code;  /* "72000000" */
  const char *label; /* "IT services: consulting, software development, ..." */
} CpvEntry;

extern const CpvEntry cpv_table[];
extern const size_t cpv_table_len;

/* Normalises a published code to 8 digits in out[9]: accepts "72000000",
 * "72000000-5", "72000000 - IT services", " 72000000". 0 ok, -1 not a CPV code. */
int cpv_normalise(const char *in, char out[9]);
/* Label of an 8-digit code, or NULL when the code is not in the list. */
const char *cpv_label(const char *code8);

/* Finding codes for people who know a word but not a number (the search
 * page's CPV picker). text is either a code or its start (2 to 8 digits,
 * spaces and a "-N" check digit allowed: "72", "722", "72000000-5") -- the
 * codes starting with its significant prefix (trailing zeros stripped, at
 * least two digits kept, as the search filter reads it) -- or words: codes
 * whose label has, for every word, a word starting with it (ASCII case
 * folded: "softw" finds "Software package"). Broader codes first (fewer
 * significant digits), then by code. Writes at most max entries to out and
 * returns how many match in all (0 for no match, blank text, more than
 * CPV_SEARCH_MAX_WORDS words, or text longer than CPV_SEARCH_MAX_BYTES). */
#define CPV_SEARCH_MAX_BYTES 100
#define CPV_SEARCH_MAX_WORDS 8
size_t cpv_search(const char *text, const CpvEntry **out, size_t max);

#endif

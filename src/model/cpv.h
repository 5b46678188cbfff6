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

#endif

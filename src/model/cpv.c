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

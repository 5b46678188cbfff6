/* fuzz_release.c -- libFuzzer target for the release checker and the notice
 * derivation: any bytes through release_parse, and what it accepts through
 * merge and derive_notice. Nothing may crash, leak or read out of bounds, and
 * reading the same bytes twice gives the same id, date and data notes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "ocds/derive.h"
#include "ocds/merge.h"
#include "ocds/release.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  Release r;
  Err e = ERR_INIT;
  if (release_parse((const char *)data, size, &r, &e) != 0) return 0;
  /* keep and note is a function of the bytes: read again, the same id (one
   * made from the content too), date and notes */
  Release again;
  if (release_parse((const char *)data, size, &again, &e) != 0 || strcmp(r.id, again.id) != 0 ||
      strcmp(r.date, again.date) != 0 || (!r.notes != !again.notes) || (r.notes && strcmp(r.notes, again.notes) != 0) ||
      r.rules != again.rules)
    abort();
  /* every note is a JSON array of objects naming a rule */
  if (r.notes) {
    cJSON *list = cJSON_Parse(r.notes);
    if (!cJSON_IsArray(list) || !cJSON_GetArraySize(list)) abort();
    cJSON_Delete(list);
  }
  release_release(&again);
  const cJSON *one[] = {r.root, r.root};
  cJSON *compiled = merge_compile(one, 2, &e);
  if (compiled) {
    Notice n;
    notice_init(&n);
    DeriveCtx ctx = {1795000000, "fuzz"};
    derive_notice(compiled, &ctx, &n, &e);
    notice_release(&n);
    cJSON_Delete(compiled);
  }
  cJSON *v = merge_versioned(one, 1, &e);
  cJSON_Delete(v);
  release_release(&r);
  return 0;
}

/* fuzz_release.c -- libFuzzer target for the release checker and the notice
 * derivation: any bytes through release_parse, and what it accepts through
 * merge and derive_notice. Nothing may crash, leak or read out of bounds. */
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

/* fuzz_scan.c -- libFuzzer target for the streaming scanner (src/ocds/scan.c).
 *
 * The input is scanned from memory and every item drained. Checked for each run:
 *  - every item is a '{'...'}' object of exactly len bytes, NUL-terminated,
 *    with no NUL inside, valid UTF-8, at most max_item bytes, that cJSON
 *    parses completely (cJSON 1.7.15 fails numbers over 63 characters, the
 *    one excused case);
 *  - for plain input: the item is the input's bytes at its offset, and its
 *    line is 1 + the line breaks before that offset; items never overlap;
 *  - errors carry a known code and a message naming the byte offset;
 *  - after 0, scan_next keeps returning 0; there is a bound on the events;
 *  - the same events (codes, offsets, lines, texts, messages) come out when
 *    the input is fed in tiny chunks, and when it is gzipped first: nothing
 *    may depend on where chunks end or on compression;
 *  - gzip input under a decompressed-size limit (a few times its size) stops
 *    at exactly that limit, the same in tiny chunks.
 * Build: see the Makefile's fuzz target, or
 *   clang ... -fsanitize=fuzzer,address,undefined tests/fuzz/fuzz_scan.c src/ocds/scan.c
 *         src/base/utf8.c src/base/buf.c src/base/err.c -lcjson -lz */
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "base/buf.h"
#include "base/utf8.h"
#include "ocds/scan.h"

#define CHECK(cond, ...)                                                   \
  do {                                                                     \
    if (!(cond)) {                                                         \
      fprintf(stderr, "fuzz_scan: check failed: %s: ", #cond);             \
      fprintf(stderr, __VA_ARGS__);                                        \
      fputc('\n', stderr);                                                 \
      abort();                                                             \
    }                                                                      \
  } while (0)

static size_t longest_number_run(const char *s, size_t n) {
  size_t best = 0, run = 0;
  for (size_t i = 0; i < n; i++) {
    if (strchr("0123456789+-.eE", s[i]) && s[i]) {
      if (++run > best) best = run;
    } else {
      run = 0;
    }
  }
  return best;
}

/* Drains the scanner into a log of every event; checks the invariants when
 * plain != NULL (plain input) or always for the item-level ones. */
static void drain(Scanner *s, Buf *log, const uint8_t *plain, size_t plain_n, size_t max_item, size_t bound) {
  ScanItem it;
  Err err = ERR_INIT;
  int rc;
  size_t events = 0;
  uint64_t end_prev = 0, line = 1, pos = 0;
  while ((rc = scan_next(s, &it, &err)) != 0) {
    CHECK(++events <= bound, "%zu events", events);
    if (rc < 0) {
      CHECK(rc == ERR_JSON || rc == ERR_LIMIT || rc == ERR_UTF8 || rc == ERR_OCDS || rc == ERR_IO, "code %d", rc);
      CHECK(err.code == rc, "err.code %d rc %d", err.code, rc);
      CHECK(strstr(err.msg, "at byte ") || strstr(err.msg, "after decompressed byte "), "message '%s'", err.msg);
      buf_addf(log, "E%d %s\n", rc, err.msg);
      continue;
    }
    CHECK(rc == 1, "rc %d", rc);
    CHECK(it.kind == SCAN_RELEASE || it.kind == SCAN_RECORD, "kind %d", (int)it.kind);
    CHECK(it.text && it.len >= 2 && it.len <= max_item, "len %zu", it.len);
    CHECK(it.text[0] == '{' && it.text[it.len - 1] == '}' && it.text[it.len] == 0, "not an object");
    CHECK(strlen(it.text) == it.len, "NUL inside an item");
    CHECK(utf8_check(it.text, it.len, NULL) == 0, "invalid UTF-8 in an item");
    CHECK(it.offset >= end_prev, "items overlap: %llu < %llu", (unsigned long long)it.offset,
          (unsigned long long)end_prev);
    CHECK(it.line >= 1, "line 0");
    end_prev = it.offset + it.len;
    if (it.publisher) CHECK(utf8_check(it.publisher, strlen(it.publisher), NULL) == 0, "publisher not UTF-8");
    const char *end = NULL;
    cJSON *j = cJSON_ParseWithLengthOpts(it.text, it.len + 1, &end, 1);
    CHECK((j && cJSON_IsObject(j)) || longest_number_run(it.text, it.len) >= 63, "cJSON rejects item at %llu: %.*s",
          (unsigned long long)it.offset, (int)(it.len > 200 ? 200 : it.len), it.text);
    cJSON_Delete(j);
    if (plain) {
      CHECK(it.offset + it.len <= plain_n && !memcmp(plain + it.offset, it.text, it.len), "text is not the input at %llu",
            (unsigned long long)it.offset);
      for (; pos < it.offset; pos++) line += plain[pos] == '\n';
      CHECK(it.line == line, "line %llu, want %llu", (unsigned long long)it.line, (unsigned long long)line);
    }
    buf_addf(log, "%c %llu %llu %llu %zu %s|", it.kind == SCAN_RECORD ? 'C' : 'R', (unsigned long long)it.offset,
             (unsigned long long)it.line, (unsigned long long)it.unit, it.len, it.publisher ? it.publisher : "-");
    buf_add(log, it.text, it.len);
    buf_addc(log, '\n');
  }
  CHECK(scan_next(s, &it, &err) == 0 && scan_next(s, &it, &err) == 0, "no clean end");
  buf_addf(log, "end %llu\n", (unsigned long long)scan_bytes(s));
}

/* gz_out: a decompressed-size limit for gzip input (0: the default). */
static void run(const uint8_t *data, size_t size, size_t chunk, size_t max_item, int jsonl, Buf *log,
                const uint8_t *plain, size_t plain_n, size_t bound, uint64_t gz_out) {
  Scanner *s = scan_open_mem((const char *)data, size);
  if (chunk) scan_set_chunk(s, chunk);
  scan_set_max_item(s, max_item);
  scan_set_jsonl(s, jsonl);
  if (gz_out) scan_set_gz_limits(s, gz_out, 0);
  drain(s, log, plain, plain_n, max_item, bound);
  CHECK(!gz_out || scan_bytes(s) <= gz_out, "%llu bytes read, over the limit of %llu", (unsigned long long)scan_bytes(s),
        (unsigned long long)gz_out);
  scan_free(s);
}

static void compare(const Buf *a, const Buf *b, const char *how) {
  if (a->len == b->len && (!a->len || !memcmp(a->data, b->data, a->len))) return;
  fprintf(stderr, "fuzz_scan: events differ with %s\n--- default:\n%s\n--- %s:\n%s\n", how, a->data ? a->data : "", how,
          b->data ? b->data : "");
  abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  /* Options derived from the size, so seed files stay plain JSON. */
  size_t max_item = size % 2 ? SCAN_MAX_ITEM_DEFAULT : 256;
  int jsonl = size % 3 == 0;
  int gz = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
  /* Tiny chunks; for gzip input odd ones up to 4 KiB, or a bomb costs 1 MiB
   * (the ratio limit's floor) in 4-byte steps a run. The gzipped copy of
   * plain input below still goes through tiny chunks. */
  size_t chunk = gz ? 1 + size % 4093 : 1 + size % 7;
  const uint8_t *plain = gz ? NULL : data;
  size_t bound = gz ? (size_t)64 << 20 : size + 2;

  Buf a = BUF_INIT, b = BUF_INIT;
  run(data, size, 0, max_item, jsonl, &a, plain, size, bound, 0);
  run(data, size, chunk, max_item, jsonl, &b, plain, size, bound, 0);
  compare(&a, &b, "small chunks");

  if (gz) { /* a size limit stops the output at the same byte whatever the chunks */
    uint64_t limit = 1 + (uint64_t)size * (1 + size % 5);
    buf_reset(&a);
    buf_reset(&b);
    run(data, size, 0, max_item, jsonl, &a, NULL, 0, bound, limit);
    run(data, size, chunk, max_item, jsonl, &b, NULL, 0, bound, limit);
    compare(&a, &b, "small chunks and a gzip size limit");
  }

  if (!gz && size <= 65536) { /* the same bytes gzipped */
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK) {
      size_t cap = deflateBound(&z, (uLong)size) + 64;
      unsigned char *out = malloc(cap);
      z.next_in = (Bytef *)(uintptr_t)data;
      z.avail_in = (uInt)size;
      z.next_out = out;
      z.avail_out = (uInt)cap;
      if (out && deflate(&z, Z_FINISH) == Z_STREAM_END) {
        buf_reset(&b);
        run(out, z.total_out, chunk * 3, max_item, jsonl, &b, NULL, 0, bound, 0);
        compare(&a, &b, "gzip");
      }
      deflateEnd(&z);
      free(out);
    }
  }
  buf_release(&a);
  buf_release(&b);
  return 0;
}

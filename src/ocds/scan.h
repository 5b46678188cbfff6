/* scan.h -- stream OCDS JSON items out of a byte source with bounded memory.
 *
 * A bulk file can be gigabytes (a year of a national portal in one package), so
 * the scanner never builds a tree of the whole input. It reads bytes in chunks,
 * tracks JSON structure (depth, strings, escapes), and hands out the raw text of
 * one item at a time; the caller parses each item with cJSON.
 *
 * What it understands (OCDS 1.0 and 1.1):
 *   - a release package      {..., "releases": [ R, R, ... ]}      -> SCAN_RELEASE per R
 *   - a record package       {..., "records":  [ REC, ... ]}       -> SCAN_RECORD per REC
 *   - a bare release          {"ocid": ..., "id": ..., ...}        -> SCAN_RELEASE
 *   - a bare record           {"ocid": ..., "releases": [...], "compiledRelease": {...}}
 *                                                                   -> SCAN_RECORD (whole object)
 *   - a JSON array of any of the above (e.g. [ {package} ]), at the top level
 *   - JSON Lines / concatenated JSON: several top-level values one after another
 *   - gzip-compressed input of any of these (detected by the magic bytes, not the name)
 *
 * A "unit" is one top-level value, or one element of a top-level array. A unit
 * that is an object with a "releases" or "records" array as a direct member and
 * no "ocid" member before it is a package: the elements of that array are
 * streamed out one by one. Any other object unit is yielded whole, as a record
 * if it has a direct "compiledRelease" or "releases" member, else as a release.
 *
 * Errors are precise: byte offset (in the decompressed stream) and line. After
 * an error in one item (over the size limit, invalid UTF-8) the scanner skips
 * that item and the next scan_next() continues with the following one. After a
 * JSON syntax error it resumes at the start of the next line when the input is
 * JSON Lines (a newline-separated sequence of top-level values); otherwise the
 * rest of the input is skipped and scan_next() returns 0.
 *
 * Owns: its read buffer and the item text it hands out (valid until the next
 * scan_next or scan_free). */
#ifndef SCAN_H
#define SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

typedef enum { SCAN_RELEASE = 1, SCAN_RECORD = 2 } ScanKind;

typedef struct {
  ScanKind kind;
  const char *text;      /* the item's JSON text, NUL-terminated; valid until the next call */
  size_t len;
  uint64_t offset;       /* byte offset of the item's first byte in the (decompressed) input */
  uint64_t line;         /* 1-based line of the item's first byte */
  uint64_t unit;         /* 0-based index of the unit the item came from */
  const char *publisher; /* the package's publisher.name when seen before this item, else NULL */
} ScanItem;

typedef struct Scanner Scanner;

#define SCAN_MAX_ITEM_DEFAULT (16u << 20) /* 16 MiB: larger items are rejected */
#define SCAN_MAX_DEPTH 64                 /* deeper nesting is rejected */

/* Opens a file ("-" means standard input). Gzip is detected by its magic bytes.
 * Returns NULL and fills err when the file cannot be opened. */
Scanner *scan_open_path(const char *path, Err *err);
/* Scans a memory buffer (not copied: must outlive the scanner). */
Scanner *scan_open_mem(const char *data, size_t len);
void scan_set_max_item(Scanner *s, size_t max_bytes);

/* 1: *it holds the next item. 0: end of input. <0: an error (ERR_JSON, ERR_LIMIT,
 * ERR_UTF8, ERR_IO) with err->msg naming the byte offset and line and what is wrong;
 * call again to continue after it (see above). */
int scan_next(Scanner *s, ScanItem *it, Err *err);

/* Bytes of (decompressed) input consumed so far. */
uint64_t scan_bytes(const Scanner *s);
void scan_free(Scanner *s);

#endif

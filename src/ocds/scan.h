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
 * no "ocid", "compiledRelease" or "versionedRelease" member before it is a
 * package: the elements of that array are streamed out one by one. (Records in
 * the wild may lack "ocid" and put "versionedRelease" first, as the Contracts
 * Finder 2014 ones do; a record whose "releases" comes before all three of
 * those keys is taken for a package -- the price of not buffering packages.)
 * Any other object unit is yielded whole, as a record if it has a direct
 * "compiledRelease", "versionedRelease" or "releases" member, else as a release.
 * A unit or array element that is not an object is reported (ERR_OCDS) and
 * skipped.
 *
 * Every item handed out is a complete, valid RFC 8259 JSON object (the whole
 * grammar is checked, numbers, literals and escapes included), is valid UTF-8,
 * has no unpaired \u surrogate escape, and is at most max_item bytes.
 *
 * Errors are precise: byte offset (in the decompressed stream) and line, and
 * the item or package the error is inside. After an error in one item (over
 * the size limit, invalid UTF-8 or an unpaired surrogate escape, not an
 * object, nesting deeper than SCAN_MAX_DEPTH counted from the top level) the
 * scanner skips that item and the next scan_next() continues with the
 * following one. A value nested too deep is skipped to its end by counting its
 * brackets (strings and escapes followed, nothing else of its grammar checked:
 * the item it is in is rejected anyway), so any depth costs constant memory
 * and linear time; too deep outside any item (a package's metadata) it is
 * skipped silently. In JSON Lines a line break ends such a value (the line is
 * reported and skipped). After a JSON syntax error it resumes when the input is
 * JSON Lines -- declared (scan_set_jsonl, or a .jsonl/.ndjson path) or shown
 * by an earlier object or array that began and ended on one line: at the next
 * line, or at the error itself when a line break precedes it (a line cut short
 * does not cost the intact line after it). A syntax error in a value that began
 * on the error's line also resumes at the next line, once, without that proof
 * (a broken first line; a minified file). Otherwise the rest of the input is
 * skipped and scan_next() returns 0. A read error or a truncated or corrupt
 * gzip stream is ERR_IO and ends the scan. Gzip members back to back are one
 * stream (as gzip(1) reads them); anything else after a member (plain JSON,
 * garbage, a lone byte) is ERR_IO, never ignored. A gzip file decompresses to
 * at most SCAN_GZ_MAX_OUT_DEFAULT bytes and SCAN_GZ_MAX_RATIO_DEFAULT times
 * its compressed size (scan_set_gz_limits): the bytes up to the limit are
 * scanned, then ERR_IO names the limit and the rest is not read -- a gzip bomb
 * costs at most 100 times its size in CPU. A UTF-8 byte order mark at the
 * start is skipped (offsets still count it).
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
/* Gzip input: at most this many decompressed bytes per file ... */
#define SCAN_GZ_MAX_OUT_DEFAULT (32ull << 30) /* 32 GiB */
/* ... and at most this many times the compressed file's size (real OCDS JSON
 * compresses 5 to 21 times; a gzip bomb of blanks over 1000 times), */
#define SCAN_GZ_MAX_RATIO_DEFAULT 100u
/* ... which is not applied below this many decompressed bytes. */
#define SCAN_GZ_RATIO_FLOOR (1u << 20)

/* Opens a file ("-" means standard input). Gzip is detected by its magic bytes.
 * Returns NULL and fills err when the file cannot be opened. Nothing is read
 * until the first scan_next. Paths ending .jsonl, .ndjson (optionally .gz)
 * are declared JSON Lines. The caller frees the result with scan_free. */
Scanner *scan_open_path(const char *path, Err *err);
/* Scans a memory buffer (not copied: must outlive the scanner); gzip is
 * detected there too. The caller frees the result with scan_free. */
Scanner *scan_open_mem(const char *data, size_t len);
/* Items longer than max_bytes are reported (ERR_LIMIT) and skipped; 0 restores
 * SCAN_MAX_ITEM_DEFAULT. Memory held: one item buffer (grown by doubling, so
 * under 2 * max_bytes), a 256 KiB chunk and a 64 KiB read buffer -- whatever
 * the input size. */
void scan_set_max_item(Scanner *s, size_t max_bytes);
/* Limits for gzip input: the rest of a file beyond max_out decompressed bytes,
 * or beyond max_ratio times the compressed size (but at least
 * SCAN_GZ_RATIO_FLOOR), is not read: ERR_IO once the bytes up to the limit are
 * scanned. 0 restores a default; UINT64_MAX (or a huge ratio) lifts a limit.
 * Ignored for plain input. */
void scan_set_gz_limits(Scanner *s, uint64_t max_out, unsigned max_ratio);
/* Declares the input JSON Lines (resume at the next line after a syntax error). */
void scan_set_jsonl(Scanner *s, int on);
/* Bytes handed to the lexer at a time (default 256 KiB; a plain memory source
 * is scanned in place in windows of this size). Only for tests and fuzzing:
 * results must not depend on it. Ignored after the first scan_next. */
void scan_set_chunk(Scanner *s, size_t bytes);

/* 1: *it holds the next item. 0: end of input. <0: an error (ERR_JSON, ERR_LIMIT,
 * ERR_UTF8, ERR_OCDS, ERR_IO) with err->msg naming the byte offset and line and
 * what is wrong (no file name: prefix it); call again to continue after it (see
 * above). After 0 every further call returns 0. */
int scan_next(Scanner *s, ScanItem *it, Err *err);

/* Bytes of (decompressed) input consumed so far. */
uint64_t scan_bytes(const Scanner *s);
void scan_free(Scanner *s);

#endif

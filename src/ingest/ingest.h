/* ingest.h -- OCDS files into the store: the pipeline behind `powerhouse ingest`
 * and `powerhouse demo`.
 *
 * Two threads: a reader walks the inputs, streams items out of each file
 * (ocds/scan.h), parses and checks every release (ocds/release.h) and hands
 * batches to the writer; the writer stores each batch in one transaction:
 * the releases verbatim, then for every ocid the batch touched the compiled
 * release (ocds/merge.h) and the notice derived from it (ocds/derive.h).
 * A crash mid-batch leaves the store as it was before that batch.
 *
 * Every rejected release or file is reported on opt->report as one line:
 *   FILE: byte N (line L): what is wrong
 * and counted (the first 100 of a file; then one line counts the rest by
 * reason); what was valid in the same run is stored. A release whose data
 * cannot make a notice is rejected alone: its batch goes on. */
#ifndef INGEST_H
#define INGEST_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "base/err.h"
#include "ocds/release.h"
#include "store/store.h"

typedef struct {
  const char *source;  /* publisher name to record; default: the package's publisher.name */
  size_t batch;        /* releases per transaction (default 5000) */
  time_t now;          /* "today" for open/closed (default: time(NULL)) */
  FILE *report;        /* rejections; default stderr */
  int progress;        /* print progress lines to stderr while running */
  int parse_only;      /* read, parse and check only; store nothing (benchmarks) */
} IngestOptions;

typedef struct IngestStats {
  uint64_t files;          /* files read */
  uint64_t files_rejected; /* files with a file-level error (unreadable, bad JSON, truncated) */
  uint64_t releases;       /* releases read */
  uint64_t added, unchanged, rejected;
  uint64_t replaced;       /* a newer release re-issued under a stored id */
  uint64_t notices;        /* notices (ocids) created or updated */
  uint64_t stale;          /* stored releases that no longer pass the release checks (stored by an
                            * older build), left out when their notice was compiled again */
  uint64_t noted;          /* releases stored with data notes (ocds/release.h) */
  uint64_t noted_by_rule[RELEASE_N_RULES]; /* of those, how many have a note of each rule */
  uint64_t bytes;          /* input bytes (decompressed) */
  double seconds;
} IngestStats;

/* Ingests every path (a file, a directory walked recursively in name order, or
 * "-" for standard input). Returns 0 when the run completed, whatever was
 * rejected (see stats), or <0 when the store failed (the current batch is
 * rolled back; earlier batches stay). st may be NULL with parse_only. */
int ingest_paths(Store *st, const char *const *paths, size_t n, const IngestOptions *opt, IngestStats *stats, Err *err);

/* Ingests a memory buffer (JSON in any accepted shape) as if it were a file named name. */
int ingest_buffer(Store *st, const char *name, const char *data, size_t len, const IngestOptions *opt,
                  IngestStats *stats, Err *err);

#endif

/* cmd_ingest.c -- `powerhouse ingest FILE|DIR|- ...`: OCDS into the store. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/date.h"
#include "cli/cli.h"
#include "ingest/apply.h"
#include "ingest/ingest.h"
#include "ocds/release.h"

static const char usage[] =
    "usage: powerhouse ingest FILE|DIR|- ... [--db URL] [--source NAME] [--batch N] [--quiet] [--parse-only]\n"
    "                       [--now DATE]\n"
    "       powerhouse ingest --rederive [--db URL] [--quiet] [--now DATE]\n"
    "\n"
    "Reads OCDS 1.0/1.1 release packages, record packages, bare releases and records,\n"
    "JSON arrays of these, JSON Lines and .gz files; a directory is walked recursively\n"
    "(files ending .json, .jsonl, .ndjson, optionally .gz). The same release (ocid + id)\n"
    "ingested twice is stored once. Rejected releases and files are listed on stderr as\n"
    "FILE: byte N (line L): reason. A summary goes to stdout.\n"
    "\n"
    "  --db URL        database (default sqlite:var/powerhouse.db)\n"
    "  --source NAME   publisher name to record (default: the package's publisher.name)\n"
    "  --batch N       releases per transaction (default 10000)\n"
    "  --quiet         no progress line, even on a terminal\n"
    "  --parse-only    read, parse and check only; store nothing\n"
    "  --now DATE      decide open/closed as of DATE (YYYY-MM-DD or a date-time with a\n"
    "                  zone; default: now), as serve --now and export --now do\n"
    "  --rederive      read no files: derive every stored notice again from its releases\n"
    "                  (after an upgrade whose notices keep more, e.g. documents and history)\n"
    "\n"
    "exit status: 0 all stored, 1 something was rejected, 2 usage error, 3 store failure\n";

int parse_count(const char *what, const char *s, long min, long max, long *out) {
  char *end;
  long v = strtol(s, &end, 10);
  if (!*s || *end || v < min || v > max) {
    fprintf(stderr, "powerhouse: %s must be a whole number from %ld to %ld, got '%s'\n", what, min, max, s);
    return -1;
  }
  *out = v;
  return 0;
}

void print_ingest_summary(const struct IngestStats *s) {
  printf("files:    %llu (%llu rejected)\n", (unsigned long long)s->files, (unsigned long long)s->files_rejected);
  printf("releases: %llu read, %llu new, %llu updated, %llu unchanged, %llu rejected\n",
         (unsigned long long)s->releases, (unsigned long long)s->added, (unsigned long long)s->replaced,
         (unsigned long long)s->unchanged, (unsigned long long)s->rejected);
  if (s->noted) {
    printf("notes:    %llu releases stored with data notes:", (unsigned long long)s->noted);
    for (int k = 0, first = 1; k < RELEASE_N_RULES; k++)
      if (s->noted_by_rule[k]) {
        printf("%s %s %llu", first ? "" : ",", release_rule_name(k), (unsigned long long)s->noted_by_rule[k]);
        first = 0;
      }
    printf("\n");
  }
  printf("notices:  %llu touched\n", (unsigned long long)s->notices);
  printf("elapsed:  %.2f s (%.0f releases/s, %.1f MB/s)\n", s->seconds,
         s->seconds > 0 ? (double)s->releases / s->seconds : 0.0,
         s->seconds > 0 ? (double)s->bytes / 1e6 / s->seconds : 0.0);
}

int cmd_ingest(int argc, char **argv) {
  const char *db = NULL, *source = NULL, *batch = NULL, *quiet = NULL, *parse_only = NULL, *rederive = NULL,
             *now_s = NULL;
  CliOpt opts[] = {{"db", 1, &db},       {"source", 1, &source},         {"batch", 1, &batch},
                   {"quiet", 0, &quiet}, {"parse-only", 0, &parse_only}, {"rederive", 0, &rederive},
                   {"now", 1, &now_s}};
  char **args;
  size_t n;
  int help;
  if (cli_parse(argc, argv, opts, sizeof opts / sizeof *opts, &args, &n, &help)) return EXIT_USAGE;
  int code = EXIT_OK;
  Store *st = NULL;
  if (help) {
    fputs(usage, stdout);
    goto out;
  }
  time_t now = time(NULL);
  if (now_s && date_parse(now_s, &now)) {
    fprintf(stderr, "powerhouse ingest: --now must be a date (YYYY-MM-DD) or a date-time with a zone, got '%s'\n", now_s);
    code = EXIT_USAGE;
    goto out;
  }
  if (rederive) {
    Err err = ERR_INIT;
    size_t done = 0, kept = 0;
    if (n || source || parse_only) {
      fputs("powerhouse ingest: --rederive reads no files and takes no --source or --parse-only\n", stderr);
      code = EXIT_USAGE;
    } else if (store_open(db, 0, &st, &err) || apply_rederive_all(st, now, 1000, !quiet && isatty(2) ? stderr : NULL, stderr, &done, &kept, &err)) {
      fprintf(stderr, "powerhouse ingest: %s\n", err.msg);
      code = err.code == ERR_USAGE ? EXIT_USAGE : EXIT_FAIL;
    } else {
      printf("notices:  %zu derived again, %zu kept as they were\n", done, kept);
      if (kept) code = EXIT_REJECTED;
    }
    goto out;
  }
  if (!n) {
    fputs("powerhouse ingest: name at least one FILE, DIR or - (standard input)\n", stderr);
    fputs(usage, stderr);
    code = EXIT_USAGE;
    goto out;
  }
  IngestOptions o = {0};
  o.source = source;
  o.progress = !quiet && isatty(2);
  o.parse_only = parse_only != NULL;
  o.now = now;
  long b = 2000;
  if (batch && parse_count("--batch", batch, 1, 1000000, &b)) {
    code = EXIT_USAGE;
    goto out;
  }
  o.batch = (size_t)b;
  Err err = ERR_INIT;
  if (!o.parse_only && store_open(db, 0, &st, &err)) {
    fprintf(stderr, "powerhouse ingest: %s\n", err.msg);
    code = err.code == ERR_USAGE ? EXIT_USAGE : EXIT_FAIL;
    goto out;
  }
  IngestStats s;
  int rc = ingest_paths(st, (const char *const *)args, n, &o, &s, &err);
  print_ingest_summary(&s);
  if (rc) {
    fprintf(stderr, "powerhouse ingest: %s\n", err.msg);
    code = EXIT_FAIL;
  } else if (s.rejected || s.files_rejected) {
    code = EXIT_REJECTED;
  }
out:
  store_close(st);
  free(args);
  return code;
}

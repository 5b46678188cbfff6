/* bench/ingest.c -- the ingest benchmark (`make bench`).
 *
 * Generates N realistic releases (default 1,000,000) with the demo generator
 * into a JSON Lines file, then, each phase in a child process so its peak RSS
 * is its own:
 *   1. parse only: scan + parse + check every release, store nothing;
 *   2. full ingest into a fresh SQLite store (releases, compiled releases,
 *      notices, derived rows and the FTS5 index);
 *   3. with --db URL, the same input into that store too, which must be
 *      empty (a PostgreSQL database: createdb a new one), right after the
 *      SQLite run so that both see the same machine (`make bench-pg`).
 * Reports releases/s of each, their ratios, peak RSS and the database size.
 * Targets (issue 2): >= 20,000 releases/s stored, >= 30% of the parse-only
 * rate, peak RSS <= 256 MB; (issue 8) PostgreSQL >= 0.33 of SQLite's rate. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/jarena.h"
#include "base/num.h"
#include "ingest/ingest.h"
#include "ocds/gen.h"
#include "store/store.h"

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

typedef struct {
  double seconds;
  unsigned long long releases, added, rejected;
  long rss_kb;
  int ok;
} Phase;

/* Runs one ingest in a child; the child writes its stats through a pipe. */
static Phase phase(const char *file, const char *db, int parse_only, size_t batch) {
  Phase ph = {0};
  int fds[2];
  if (pipe(fds) != 0) return ph;
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    Store *st = NULL;
    Err err = ERR_INIT;
    if (!parse_only && store_open(db, 0, &st, &err)) {
      fprintf(stderr, "bench: %s\n", err.msg);
      _exit(3);
    }
    IngestOptions o = {0};
    o.parse_only = parse_only;
    o.batch = batch;
    o.progress = isatty(2);
    IngestStats s;
    const char *paths[] = {file};
    double t0 = now_s();
    int rc = ingest_paths(st, paths, 1, &o, &s, &err);
    if (rc) fprintf(stderr, "bench: %s\n", err.msg);
    store_close(st); /* the final checkpoint counts too */
    Phase r = {now_s() - t0, s.releases, s.added, s.rejected, 0, rc == 0};
    if (write(fds[1], &r, sizeof r) != (ssize_t)sizeof r) _exit(4);
    _exit(rc ? 3 : 0);
  }
  close(fds[1]);
  if (read(fds[0], &ph, sizeof ph) != (ssize_t)sizeof ph) ph.ok = 0;
  close(fds[0]);
  int status;
  struct rusage ru;
  wait4(pid, &status, 0, &ru);
  ph.rss_kb = ru.ru_maxrss;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) ph.ok = 0;
  return ph;
}

static long long file_size(const char *p) {
  struct stat sb;
  return stat(p, &sb) == 0 ? (long long)sb.st_size : 0;
}

int main(int argc, char **argv) {
  jarena_install();
  long n = 1000000, batch = 10000;
  const char *dir = "var/bench", *db = NULL;
  long long v;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--releases") == 0 && i + 1 < argc && !num_parse_ll(argv[i + 1], 1, 100000000, &v)) n = (long)v, i++;
    else if (strcmp(argv[i], "--batch") == 0 && i + 1 < argc && !num_parse_ll(argv[i + 1], 1, 10000000, &v)) batch = (long)v, i++;
    else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc) dir = argv[++i];
    else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) db = argv[++i];
    else {
      fprintf(stderr, "usage: bench/ingest [--releases N] [--batch N] [--dir DIR] [--db URL]\n"
                      "  --db URL  ingest into this (empty) store instead of a fresh DIR/ingest.db\n");
      return 2;
    }
  }
  Buf path = BUF_INIT, dbpath = BUF_INIT, url = BUF_INIT;
  mkdir("var", 0755);
  mkdir(dir, 0755);
  buf_addf(&path, "%s/releases-%ld.jsonl", dir, n);
  buf_addf(&dbpath, "%s/ingest.db", dir);
  if (db) buf_adds(&url, db);
  else buf_addf(&url, "sqlite:%s", dbpath.data);
  if (db) { /* the given store must be empty, so runs compare */
    Store *st = NULL;
    Err err = ERR_INIT;
    StoreStats ss;
    if (store_open(db, 0, &st, &err) || store_stats(st, &ss, &err)) {
      fprintf(stderr, "bench: %s\n", err.msg);
      store_close(st);
      return 3;
    }
    store_close(st);
    if (ss.releases) {
      fprintf(stderr, "bench: %s already holds %lld releases: give an empty store\n", db, (long long)ss.releases);
      return 2;
    }
  }

  /* 1. input, generated once per size and kept: the generator is deterministic */
  if (file_size(path.data) == 0) {
    double t0 = now_s();
    FILE *f = fopen(path.data, "w");
    if (!f) {
      perror(path.data);
      return 3;
    }
    GenOptions go = {1, 1795000000 /* 2026-11-18, fixed so runs compare */, NULL};
    Gen *g = gen_new(&go);
    Buf b = BUF_INIT;
    long made = 0;
    while (made < n) {
      made += (long)gen_next_notice(g, &b);
      if (b.len > (1 << 20)) {
        fwrite(b.data, 1, b.len, f);
        buf_reset(&b);
      }
    }
    fwrite(b.data, 1, b.len, f);
    fclose(f);
    buf_release(&b);
    gen_free(g);
    double t = now_s() - t0;
    printf("generated %ld releases (%.0f MB) in %.1f s: %.0f releases/s\n", made, file_size(path.data) / 1e6, t,
           (double)made / t);
  }
  long long in_bytes = file_size(path.data);

  /* 2. parse only */
  Phase p = phase(path.data, NULL, 1, (size_t)batch);
  /* 3. full ingest into a fresh SQLite store (with --db: a file of its own, removed after) */
  if (db) {
    buf_reset(&dbpath);
    buf_addf(&dbpath, "%s/ingest-beside-pg.db", dir);
  }
  Buf side = BUF_INIT, sqlite_url = BUF_INIT;
  const char *sides[] = {"", "-wal", "-shm"};
  for (int k = 0; k < 3; k++) {
    buf_reset(&side);
    buf_addf(&side, "%s%s", dbpath.data, sides[k]);
    unlink(side.data);
  }
  buf_addf(&sqlite_url, "sqlite:%s", dbpath.data);
  Phase s = phase(path.data, sqlite_url.data, 0, (size_t)batch);
  long long db_bytes = file_size(dbpath.data);
  /* 4. the given store */
  Phase d = {0};
  if (db) {
    d = phase(path.data, url.data, 0, (size_t)batch);
    for (int k = 0; k < 3; k++) {
      buf_reset(&side);
      buf_addf(&side, "%s%s", dbpath.data, sides[k]);
      unlink(side.data);
    }
  }

  double pr = p.seconds > 0 ? (double)p.releases / p.seconds : 0, sr = s.seconds > 0 ? (double)s.releases / s.seconds : 0;
  double dr = d.seconds > 0 ? (double)d.releases / d.seconds : 0;
  printf("\ninput: %llu releases, %.0f MB of JSON Lines (%.0f bytes/release)\n", (unsigned long long)s.releases,
         (double)in_bytes / 1e6, s.releases ? (double)in_bytes / (double)s.releases : 0.0);
  printf("%-28s %12s %10s %12s\n", "phase", "releases/s", "seconds", "peak RSS MB");
  printf("%-28s %12.0f %10.1f %12.0f%s\n", "parse + check only", pr, p.seconds, p.rss_kb / 1024.0, p.ok ? "" : "  FAILED");
  printf("%-28s %12.0f %10.1f %12.0f%s\n", "ingest, SQLite + FTS5", sr, s.seconds, s.rss_kb / 1024.0, s.ok ? "" : "  FAILED");
  if (db) {
    int pg = strncmp(db, "sqlite:", 7) != 0;
    printf("%-28s %12.0f %10.1f %12.0f%s\n", pg ? "ingest, PostgreSQL" : "ingest, --db store", dr, d.seconds,
           d.rss_kb / 1024.0, d.ok ? "" : "  FAILED");
  }
  printf("stored/parse ratio: %.2f   database: %.0f MB (%.0f bytes/release)   batch: %ld\n", pr > 0 ? sr / pr : 0,
         (double)db_bytes / 1e6, s.releases ? (double)db_bytes / (double)s.releases : 0.0, batch);
  printf("targets: >= 20000 releases/s %s, ratio >= 0.30 %s, RSS <= 256 MB %s\n", sr >= 20000 ? "met" : "MISSED",
         pr > 0 && sr / pr >= 0.30 ? "met" : "MISSED", s.rss_kb <= 256 * 1024 ? "met" : "MISSED");
  if (db) {
    const char *name = strncmp(db, "sqlite:", 7) != 0 ? "PostgreSQL" : "--db store";
    printf("%s / SQLite: %.2f (same input, run right after SQLite)   store: %s\n", name, sr > 0 ? dr / sr : 0, url.data);
    printf("target: %s >= 0.33 of SQLite's rate %s, RSS <= 256 MB %s\n", name, sr > 0 && dr / sr >= 0.33 ? "met" : "MISSED",
           d.rss_kb <= 256 * 1024 ? "met" : "MISSED");
  }
  buf_release(&path);
  buf_release(&dbpath);
  buf_release(&url);
  buf_release(&side);
  buf_release(&sqlite_url);
  return p.ok && s.ok && (!db || d.ok) ? 0 : 1;
}

/* cmd_demo.c -- `powerhouse demo`: deterministic, realistic demo data through
 * the ordinary ingest path. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "cli/cli.h"
#include "ingest/ingest.h"
#include "ocds/gen.h"


static const char usage[] =
    "usage: powerhouse demo [--notices N] [--seed S] [--db URL] [--if-empty] [--out FILE]\n"
    "\n"
    "Generates N notices (default 2000) of realistic OCDS releases -- real public bodies in\n"
    "the North of England buying works, care, services and goods from invented firms,\n"
    "deadlines around today, awards -- and ingests them like any other feed. The same seed\n"
    "and day give the same data.\n"
    "\n"
    "  --notices N   how many notices (default 2000)\n"
    "  --seed S      generator seed (default 1)\n"
    "  --db URL      database (default sqlite:var/powerhouse.db)\n"
    "  --if-empty    do nothing when the database already holds releases\n"
    "  --out FILE    also write the generated releases to FILE (JSON Lines); with --out and\n"
    "                no --db, only write the file\n"
    "\n"
    "exit status: 0 ok, 2 usage error, 3 store failure\n";

int cmd_demo(int argc, char **argv) {
  const char *db = NULL, *notices = NULL, *seed = NULL, *if_empty = NULL, *out = NULL;
  CliOpt opts[] = {{"db", 1, &db}, {"notices", 1, &notices}, {"seed", 1, &seed}, {"if-empty", 0, &if_empty},
                   {"out", 1, &out}};
  char **args;
  size_t n;
  int help, code = EXIT_OK;
  Store *st = NULL;
  Buf data = BUF_INIT;
  Gen *g = NULL;
  if (cli_parse(argc, argv, opts, sizeof opts / sizeof *opts, &args, &n, &help)) return EXIT_USAGE;
  if (help) {
    fputs(usage, stdout);
    goto done;
  }
  long count = 2000, s = 1;
  if (n) {
    fprintf(stderr, "powerhouse demo: unexpected argument '%s'\n", args[0]);
    code = EXIT_USAGE;
    goto done;
  }
  if ((notices && parse_count("--notices", notices, 1, 100000000, &count)) ||
      (seed && parse_count("--seed", seed, 0, 2147483647, &s))) {
    code = EXIT_USAGE;
    goto done;
  }
  Err err = ERR_INIT;
  int store_wanted = db || !out;
  if (store_wanted) {
    if (store_open(db, 0, &st, &err)) {
      fprintf(stderr, "powerhouse demo: %s\n", err.msg);
      code = err.code == ERR_USAGE ? EXIT_USAGE : EXIT_FAIL;
      goto done;
    }
    StoreStats ss;
    if (if_empty && store_stats(st, &ss, &err) == 0 && ss.releases > 0) {
      printf("demo: the database already holds %lld releases; nothing generated\n", (long long)ss.releases);
      goto done;
    }
  }
  /* Midnight UTC today: the same data all day long. */
  time_t now = time(NULL);
  GenOptions go = {(uint64_t)s, now - now % 86400, NULL};
  g = gen_new(&go);
  size_t releases = 0;
  for (long i = 0; i < count; i++) releases += gen_next_notice(g, &data);
  if (out) {
    FILE *f = fopen(out, "w");
    if (!f || fwrite(data.data, 1, data.len, f) != data.len || fclose(f) != 0) {
      fprintf(stderr, "powerhouse demo: cannot write %s\n", out);
      code = EXIT_FAIL;
      goto done;
    }
    printf("demo: wrote %zu releases of %ld notices to %s\n", releases, count, out);
  }
  if (st) {
    IngestOptions o = {0};
    o.source = "Powerhouse demo data";
    o.progress = isatty(2);
    IngestStats is;
    if (ingest_buffer(st, "demo", data.data, data.len, &o, &is, &err)) {
      fprintf(stderr, "powerhouse demo: %s\n", err.msg);
      code = EXIT_FAIL;
      goto done;
    }
    print_ingest_summary(&is);
    if (is.rejected) code = EXIT_REJECTED;
  }
done:
  gen_free(g);
  buf_release(&data);
  store_close(st);
  free(args);
  return code;
}

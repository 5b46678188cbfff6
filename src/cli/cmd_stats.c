/* cmd_stats.c -- `powerhouse stats` and `powerhouse search`: what the store holds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "cli/cli.h"
#include "model/notice_json.h"
#include "ocds/release.h"
#include "store/notices.h"
#include "store/search.h"
#include "store/store.h"


int cmd_stats(int argc, char **argv) {
  const char *db = NULL;
  CliOpt opts[] = {{"db", 1, &db}};
  char **args;
  size_t n;
  int help, code = EXIT_OK;
  Store *st = NULL;
  if (cli_parse(argc, argv, opts, 1, &args, &n, &help)) return EXIT_USAGE;
  if (help || n) {
    fputs("usage: powerhouse stats [--db URL]\n\nCounts what the store holds.\n"
          "exit status: 0 ok, 2 usage error, 3 store failure\n", help ? stdout : stderr);
    code = help ? EXIT_OK : EXIT_USAGE;
    goto out;
  }
  Err err = ERR_INIT;
  StoreStats s;
  if (store_open(db, 0, &st, &err) || store_stats(st, &s, &err)) {
    fprintf(stderr, "powerhouse stats: %s\n", err.msg);
    code = EXIT_FAIL;
    goto out;
  }
  printf("releases:      %lld\n", (long long)s.releases);
  printf("notices:       %lld (open %lld, closed %lld, awarded %lld, cancelled %lld, planned %lld)\n",
         (long long)s.notices, (long long)s.open, (long long)s.closed, (long long)s.awarded, (long long)s.cancelled,
         (long long)s.planned);
  printf("with awards:   %lld (%lld awards)\n", (long long)s.ocids_with_awards, (long long)s.awards);
  printf("organisations: %lld (%lld buyers, %lld suppliers)\n", (long long)s.orgs, (long long)s.buyers,
         (long long)s.suppliers);
  /* releases kept with data notes, by rule (ocds/release.h) */
  int64_t noted = 0;
  if (store_notes_count(st, NULL, &noted, &err)) {
    fprintf(stderr, "powerhouse stats: %s\n", err.msg);
    code = EXIT_FAIL;
    goto out;
  }
  printf("data notes:    %lld releases with notes", (long long)noted);
  for (int k = 0, first = 1; noted && k < RELEASE_N_RULES; k++) {
    char needle[64];
    int64_t c = 0;
    snprintf(needle, sizeof needle, "\"rule\":\"%s\"", release_rule_name(k));
    if (store_notes_count(st, needle, &c, &err)) {
      fprintf(stderr, "\npowerhouse stats: %s\n", err.msg);
      code = EXIT_FAIL;
      goto out;
    }
    if (c) printf("%s %s %lld", first ? ":" : ",", release_rule_name(k), (long long)c);
    if (c) first = 0;
  }
  printf("\n");
out:
  store_close(st);
  free(args);
  return code;
}

typedef struct {
  int n;
} Hits;

static int print_hit(void *ctx, const char *ocid, const char *title) {
  ((Hits *)ctx)->n++;
  printf("%s\t%s\n", ocid, title ? title : "");
  return 0;
}

int cmd_search(int argc, char **argv) {
  const char *db = NULL, *limit = NULL;
  CliOpt opts[] = {{"db", 1, &db}, {"limit", 1, &limit}};
  char **args;
  size_t n;
  int help, code = EXIT_OK;
  Store *st = NULL;
  Buf terms = BUF_INIT;
  if (cli_parse(argc, argv, opts, 2, &args, &n, &help)) return EXIT_USAGE;
  if (help || !n) {
    fputs("usage: powerhouse search WORD... [--limit N] [--db URL]\n\n"
          "Notices whose title, description, buyer or CPV labels hold every word, best first,\n"
          "as OCID<tab>TITLE lines.\nexit status: 0 found, 1 nothing found, 2 usage error, 3 store failure\n",
          help ? stdout : stderr);
    code = help ? EXIT_OK : EXIT_USAGE;
    goto out;
  }
  long lim = 20;
  if (limit && parse_count("--limit", limit, 1, 10000, &lim)) {
    code = EXIT_USAGE;
    goto out;
  }
  for (size_t i = 0; i < n; i++) buf_addf(&terms, "%s%s", i ? " " : "", args[i]);
  Err err = ERR_INIT;
  Hits h = {0};
  if (store_open(db, STORE_READONLY, &st, &err) || store_fts(st, terms.data, (int)lim, print_hit, &h, &err)) {
    fprintf(stderr, "powerhouse search: %s\n", err.msg);
    code = EXIT_FAIL;
    goto out;
  }
  if (!h.n) code = EXIT_REJECTED;
out:
  buf_release(&terms);
  store_close(st);
  free(args);
  return code;
}

int cmd_show(int argc, char **argv) {
  const char *db = NULL;
  CliOpt opts[] = {{"db", 1, &db}};
  char **args;
  size_t n;
  int help, code = EXIT_OK;
  Store *st = NULL;
  if (cli_parse(argc, argv, opts, 1, &args, &n, &help)) return EXIT_USAGE;
  if (help || n == 0) {
    fputs("usage: powerhouse show OCID... [--db URL]\n\nPrints the notice derived for each OCID as JSON, one line each.\n"
          "exit status: 0 all found, 1 one or more not found (the others printed), 2 usage error,\n"
          "3 store failure\n",
          help ? stdout : stderr);
    code = help ? EXIT_OK : EXIT_USAGE;
    goto out;
  }
  Err err = ERR_INIT;
  if (store_open(db, STORE_READONLY, &st, &err)) {
    fprintf(stderr, "powerhouse show: %s\n", err.msg);
    code = EXIT_FAIL;
    goto out;
  }
  Buf b = BUF_INIT;
  for (size_t i = 0; i < n; i++) {
    Notice nt;
    notice_init(&nt);
    int rc = store_notice_get(st, args[i], &nt, &err);
    if (rc < 0) {
      fprintf(stderr, "powerhouse show: %s\n", err.msg);
      code = EXIT_FAIL;
      notice_release(&nt);
      break;
    }
    if (rc == 0) {
      fprintf(stderr, "powerhouse show: no notice with ocid %s\n", args[i]);
      code = EXIT_REJECTED;
    } else {
      buf_reset(&b);
      notice_json(&nt, &b);
      puts(b.data);
    }
    notice_release(&nt);
  }
  buf_release(&b);
out:
  store_close(st);
  free(args);
  return code;
}

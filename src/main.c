/* main.c -- the powerhouse command line: finds the command and dispatches. */
#include <stdio.h>
#include <string.h>

#include "base/jarena.h"
#include "cli/cli.h"

static const struct {
  const char *name;
  int (*run)(int, char **);
  const char *what;
} commands[] = {
    {"serve", cmd_serve, "serve the web portal and the JSON API"},
    {"ingest", cmd_ingest, "store OCDS releases and records from files, directories or stdin"},
    {"compile", cmd_compile, "merge releases into compiled (and versioned) releases per ocid"},
    {"export", cmd_export, "write notices matching filters as OCDS or CSV"},
    {"demo", cmd_demo, "generate realistic demo data and ingest it"},
    {"stats", cmd_stats, "count what the store holds"},
    {"search", cmd_search, "full-text search of notices"},
    {"show", cmd_show, "print the notice derived for each ocid, as JSON"},
    {"user", cmd_user, "add, list, disable or enable accounts (site administrators too)"},
    {"token", cmd_token, "create a personal API token for an account"},
};

static void usage(FILE *f) {
  fputs("usage: powerhouse COMMAND [options]   (powerhouse COMMAND --help for more)\n\ncommands:\n", f);
  for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
    fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].what);
  fputs("\nEvery command that touches data takes --db URL (default sqlite:var/powerhouse.db).\n"
        "exit status: 0 ok, 1 input rejected or nothing found, 2 usage error, 3 store or file failure\n",
        f);
}

int main(int argc, char **argv) {
  jarena_install(); /* before any cJSON allocation */
  if (argc < 2) {
    usage(stderr);
    return EXIT_USAGE;
  }
  if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
    usage(stdout);
    return EXIT_OK;
  }
  for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
    if (strcmp(argv[1], commands[i].name) == 0) return commands[i].run(argc - 1, argv + 1);
  fprintf(stderr, "powerhouse: unknown command '%s'\n\n", argv[1]);
  usage(stderr);
  return EXIT_USAGE;
}

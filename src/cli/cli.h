/* cli.h -- the sub-commands of `powerhouse` and the small option parser they
 * share. Options may come before or after file arguments; "--name=value" and
 * "--name value" both work; "--" ends options; "-" is a file argument.
 *
 * Exit codes (documented in the README and in --help):
 *   0 success; 1 some input was rejected or a thing was not found;
 *   2 usage error; 3 the store or a file could not be used. */
#ifndef CLI_H
#define CLI_H

#include <stddef.h>

enum { EXIT_OK = 0, EXIT_REJECTED = 1, EXIT_USAGE = 2, EXIT_FAIL = 3 };

typedef struct {
  const char *name;  /* without dashes: "db" */
  int takes_value;
  const char **value; /* where the value goes (or "1" for a flag) */
} CliOpt;

/* Parses argv[1..argc) (argv[0] is the command name). Positional arguments are
 * collected into *args (caller frees the array, not the strings). Unknown
 * options and missing values print a message naming them and return -1.
 * "--help"/"-h" sets *help. */
int cli_parse(int argc, char **argv, const CliOpt *opts, size_t n_opts, char ***args, size_t *n_args, int *help);

/* Parses a whole number in [min, max] for option `what`; prints why not and returns -1. */
int parse_count(const char *what, const char *s, long min, long max, long *out);

struct IngestStats;
/* The ingest summary on stdout (ingest and demo). */
void print_ingest_summary(const struct IngestStats *s);

int cmd_ingest(int argc, char **argv);
int cmd_compile(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_search(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_token(int argc, char **argv);

#endif

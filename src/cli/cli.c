/* cli.c -- the shared option parser; see cli.h. */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

int cli_parse(int argc, char **argv, const CliOpt *opts, size_t n_opts, char ***args, size_t *n_args, int *help) {
  *args = xcalloc((size_t)argc + 1, sizeof **args);
  *n_args = 0;
  *help = 0;
  int only_args = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (only_args || a[0] != '-' || strcmp(a, "-") == 0) {
      (*args)[(*n_args)++] = argv[i];
      continue;
    }
    if (strcmp(a, "--") == 0) {
      only_args = 1;
      continue;
    }
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      *help = 1;
      continue;
    }
    const char *name = a + (a[1] == '-' ? 2 : 1);
    const char *eq = strchr(name, '=');
    size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
    const CliOpt *o = NULL;
    for (size_t k = 0; k < n_opts; k++)
      if (strlen(opts[k].name) == nlen && strncmp(opts[k].name, name, nlen) == 0) o = &opts[k];
    if (!o) {
      fprintf(stderr, "%s: unknown option '%s' (see %s --help)\n", argv[0], a, argv[0]);
      goto fail;
    }
    if (!o->takes_value) {
      if (eq) {
        fprintf(stderr, "%s: option --%s takes no value\n", argv[0], o->name);
        goto fail;
      }
      *o->value = "1";
    } else if (eq) {
      *o->value = eq + 1;
    } else if (i + 1 < argc) {
      *o->value = argv[++i];
    } else {
      fprintf(stderr, "%s: option --%s needs a value\n", argv[0], o->name);
      goto fail;
    }
  }
  return 0;
fail:
  free(*args);
  *args = NULL;
  return -1;
}

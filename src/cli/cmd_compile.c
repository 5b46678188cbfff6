/* cmd_compile.c -- `powerhouse compile [FILE|-]`: releases in, one compiled
 * release per ocid out, like `ocdskit compile`. Holds every release of the input
 * in memory (a command-line tool over one feed page or file); the store does the
 * same work incrementally during ingest. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/date.h"
#include "cli/cli.h"
#include "ocds/merge.h"
#include "ocds/release.h"
#include "ocds/scan.h"

static const char usage[] =
    "usage: powerhouse compile [FILE|-] [--versioned] [--package]\n"
    "\n"
    "Reads releases (release packages, JSON arrays of releases, JSON Lines, bare releases,\n"
    "the full releases of records, optionally gzipped; standard input when FILE is - or\n"
    "missing), merges the releases of each ocid following the OCDS merge routine, and\n"
    "writes, ordered by ocid:\n"
    "  (default)      one compiled release per line (JSON Lines)\n"
    "  --versioned    one line per ocid: {\"ocid\", \"compiledRelease\", \"versionedRelease\"}\n"
    "  --package      a record package: per ocid its releases and compiled release\n"
    "                 (and versioned release with --versioned)\n"
    "Releases that cannot be read are reported on stderr and left out.\n"
    "\n"
    "exit status: 0 ok, 1 some input was rejected, 2 usage error, 3 unreadable file\n";

typedef struct {
  cJSON *tree;
  char *ocid;
  size_t seq;
} Rel;

static int cmp_rel(const void *a, const void *b) {
  const Rel *x = a, *y = b;
  int c = strcmp(x->ocid, y->ocid);
  return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

int cmd_compile(int argc, char **argv) {
  const char *versioned = NULL, *package = NULL;
  CliOpt opts[] = {{"versioned", 0, &versioned}, {"package", 0, &package}};
  char **args;
  size_t n;
  int help, code = EXIT_OK;
  Scanner *sc = NULL;
  Rel *rels = NULL;
  size_t n_rels = 0, cap = 0;
  if (cli_parse(argc, argv, opts, 2, &args, &n, &help)) return EXIT_USAGE;
  if (help || n > 1) {
    fputs(usage, help ? stdout : stderr);
    code = help ? EXIT_OK : EXIT_USAGE;
    goto out;
  }
  const char *path = n ? args[0] : "-";
  Err err = ERR_INIT;
  if (!(sc = scan_open_path(path, &err))) {
    fprintf(stderr, "powerhouse compile: %s: %s\n", path, err.msg);
    code = EXIT_FAIL;
    goto out;
  }
  ScanItem it;
  int rc;
  while ((rc = scan_next(sc, &it, &err)) != 0) {
    if (rc < 0) {
      fprintf(stderr, "%s: %s\n", path, err.msg);
      code = EXIT_REJECTED;
      continue;
    }
    cJSON **trees = NULL;
    size_t nt = 0;
    if (it.kind == SCAN_RECORD) {
      if (release_record_split(it.text, it.len, &trees, &nt, &err)) {
        fprintf(stderr, "%s: byte %llu (line %llu): %s\n", path, (unsigned long long)it.offset,
                (unsigned long long)it.line, err.msg);
        code = EXIT_REJECTED;
        continue;
      }
    }
    for (size_t t = 0; t < (it.kind == SCAN_RECORD ? nt : 1); t++) {
      Release r;
      rc = it.kind == SCAN_RECORD ? release_from_tree(trees[t], &r, &err) : release_parse(it.text, it.len, &r, &err);
      if (rc) {
        fprintf(stderr, "%s: byte %llu (line %llu): %s\n", path, (unsigned long long)it.offset,
                (unsigned long long)it.line, err.msg);
        code = EXIT_REJECTED;
        continue;
      }
      if (n_rels == cap) rels = xrealloc(rels, (cap = cap ? cap * 2 : 256) * sizeof *rels);
      rels[n_rels].tree = r.root;
      rels[n_rels].ocid = r.ocid;
      rels[n_rels].seq = n_rels;
      n_rels++;
      free(r.id);
      free(r.notes); /* compile prints the compiled release, not the notes */
    }
    free(trees);
  }
  if (n_rels) qsort(rels, n_rels, sizeof *rels, cmp_rel); /* rels is NULL when nothing was read */

  if (package) {
    char now[DATE_LEN];
    date_format(time(NULL), now);
    printf("{\"uri\":\"\",\"version\":\"1.1\",\"publishedDate\":\"%s\",\"publisher\":{\"name\":\"Powerhouse\"},"
           "\"records\":[",
           now);
  }
  const cJSON **group = xmalloc((n_rels ? n_rels : 1) * sizeof *group);
  for (size_t i = 0, j, k = 0; i < n_rels; i = j, k++) {
    size_t g = 0;
    for (j = i; j < n_rels && strcmp(rels[j].ocid, rels[i].ocid) == 0; j++) group[g++] = rels[j].tree;
    cJSON *compiled = merge_compile(group, g, &err);
    cJSON *vers = versioned ? merge_versioned(group, g, &err) : NULL;
    if (!compiled || (versioned && !vers)) {
      fprintf(stderr, "powerhouse compile: %s: %s\n", rels[i].ocid, err.msg);
      cJSON_Delete(compiled);
      cJSON_Delete(vers);
      code = EXIT_REJECTED;
      continue;
    }
    char *c = cJSON_PrintUnformatted(compiled), *v = vers ? cJSON_PrintUnformatted(vers) : NULL;
    if (package) {
      Buf ocid = BUF_INIT;
      buf_add_json_str(&ocid, rels[i].ocid);
      printf("%s{\"ocid\":%s,\"releases\":[", k ? "," : "", ocid.data);
      for (size_t x = 0; x < g; x++) {
        char *t = cJSON_PrintUnformatted(group[x]);
        printf("%s%s", x ? "," : "", t ? t : "null");
        cJSON_free(t);
      }
      printf("],\"compiledRelease\":%s", c ? c : "null");
      if (v) printf(",\"versionedRelease\":%s", v);
      putchar('}');
      buf_release(&ocid);
    } else if (versioned) {
      Buf ocid = BUF_INIT;
      buf_add_json_str(&ocid, rels[i].ocid);
      printf("{\"ocid\":%s,\"compiledRelease\":%s,\"versionedRelease\":%s}\n", ocid.data, c ? c : "null", v ? v : "null");
      buf_release(&ocid);
    } else {
      printf("%s\n", c ? c : "null");
    }
    cJSON_free(c);
    cJSON_free(v);
    cJSON_Delete(compiled);
    cJSON_Delete(vers);
  }
  free(group);
  if (package) puts("]}");
out:
  for (size_t i = 0; i < n_rels; i++) {
    cJSON_Delete(rels[i].tree);
    free(rels[i].ocid);
  }
  free(rels);
  scan_free(sc);
  free(args);
  return code;
}

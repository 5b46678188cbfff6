/* cmd_export.c -- `powerhouse export`: open data out, for any search.
 * OCDS release packages or CSV, streamed to stdout: no limit on size. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/date.h"
#include "cli/cli.h"
#include "ingest/stored.h"
#include "ocds/export.h"
#include "ocds/release.h"
#include "search/each.h"
#include "search/query.h"
#include "store/notices.h"
#include "store/store.h"

static const char usage[] =
    "usage: powerhouse export [NAME=VALUE ...] [--format ocds|csv|releases] [--db URL] [--now DATE]\n"
    "\n"
    "Writes every notice matching the filters to stdout: an OCDS 1.1 release package of\n"
    "their releases (--format ocds, the default) or CSV, one row per notice (--format csv,\n"
    "RFC 4180; columns in docs/api.md). Filters are the search page's and the API's\n"
    "parameters, e.g.  powerhouse export status=open region=TLD cpv=72 --format csv\n"
    "\n"
    "  --format F   ocds, csv, or releases: every stored release of the matching\n"
    "               notices as received, one per line (JSON Lines; line breaks\n"
    "               between tokens become spaces), for `powerhouse ingest` into another\n"
    "               store -- the way to move a store to another database\n"
    "  --db URL     database (default sqlite:var/powerhouse.db)\n"
    "  --now DATE   evaluate open/closed as of DATE (YYYY-MM-DD)\n"
    "\n"
    "exit status: 0 ok, 1 nothing matches (ocds), 2 usage error (a bad filter is named),\n"
    "3 store or write failure\n";

typedef struct {
  Store *st;
  ExportWriter *w;
  Buf row;
  int csv, releases;
} Ctx;

/* One stored release as a JSON Lines line, inside a one-release package
 * naming the publisher it came from when the notice has one (ingest records
 * it as the release's source again). A raw line break can only be whitespace
 * between tokens in JSON, so it becomes a space. */
typedef struct {
  Buf *row;
  const char *publisher;
} Line;
static int release_line(void *ctxv, const char *id, const char *date, const char *json, size_t len) {
  Line *l = ctxv;
  Buf *row = l->row;
  buf_reset(row);
  if (l->publisher) {
    buf_adds(row, "{\"publisher\":{\"name\":");
    buf_add_json_str(row, l->publisher);
    buf_adds(row, "},\"releases\":[");
  }
  size_t from = row->len;
  buf_add(row, json, len);
  for (size_t i = from; i < row->len; i++)
    if (row->data[i] == '\n' || row->data[i] == '\r') row->data[i] = ' ';
  if (l->publisher) buf_adds(row, "]}");
  buf_addc(row, '\n');
  return fwrite(row->data, 1, row->len, stdout) != row->len;
}

static int each(void *ctxv, const StoreHit *h, Err *err) {
  Ctx *c = ctxv;
  if (c->releases) {
    Notice n;
    notice_init(&n);
    int rc = store_notice_get(c->st, h->ocid, &n, err);
    Line l = {&c->row, rc == 1 ? n.publisher : NULL};
    if (rc >= 0) rc = store_releases_each(c->st, h->ocid, release_line, &l, err);
    notice_release(&n);
    return rc < 0 ? rc : rc ? err_set(err, ERR_IO, "cannot write to stdout") : 0;
  }
  if (!c->csv) return stored_to_package(c->st, h->ocid, c->w, err);
  Notice n;
  notice_init(&n);
  int rc = store_notice_get(c->st, h->ocid, &n, err);
  if (rc == 1) {
    if (h->status) notice_status_parse(h->status, &n.status); /* as of now */
    buf_reset(&c->row);
    export_csv_row(&n, &c->row, 0);
    if (fwrite(c->row.data, 1, c->row.len, stdout) != c->row.len) rc = err_set(err, ERR_IO, "cannot write to stdout");
    else rc = 0;
  }
  notice_release(&n);
  return rc < 0 ? rc : 0;
}

int cmd_export(int argc, char **argv) {
  const char *db = NULL, *format = NULL, *now_s = NULL;
  CliOpt opts[] = {{"db", 1, &db}, {"format", 1, &format}, {"now", 1, &now_s}};
  char **args;
  size_t n;
  int help, code = EXIT_OK;
  Store *st = NULL;
  Query q;
  query_init(&q);
  ExportWriter w;
  export_writer_init_sink(&w, export_sink_file, stdout);
  Ctx ctx = {NULL, &w, BUF_INIT, 0, 0};
  if (cli_parse(argc, argv, opts, sizeof opts / sizeof *opts, &args, &n, &help)) return EXIT_USAGE;
  Err err = ERR_INIT;
  if (help) {
    fputs(usage, stdout);
    goto out;
  }
  if (format && strcmp(format, "ocds") && strcmp(format, "csv") && strcmp(format, "releases")) {
    fprintf(stderr, "powerhouse export: --format must be ocds, csv or releases, got '%s'\n", format);
    code = EXIT_USAGE;
    goto out;
  }
  ctx.csv = format && !strcmp(format, "csv");
  ctx.releases = format && !strcmp(format, "releases");
  time_t now = time(NULL);
  if (now_s && date_parse(now_s, &now)) {
    fprintf(stderr, "powerhouse export: --now must be a date (YYYY-MM-DD), got '%s'\n", now_s);
    code = EXIT_USAGE;
    goto out;
  }
  for (size_t i = 0; i < n; i++) {
    char *eq = strchr(args[i], '=');
    if (!eq) {
      fprintf(stderr, "powerhouse export: filters are NAME=VALUE, got '%s'\n", args[i]);
      code = EXIT_USAGE;
      goto out;
    }
    *eq = 0;
    int rc = query_set(&q, args[i], eq + 1, &err);
    if (rc == ERR_NOTFOUND) err_set(&err, ERR_USAGE, "%s is not a filter (see powerhouse export --help)", args[i]);
    if (rc) {
      fprintf(stderr, "powerhouse export: %s\n", err.msg);
      code = EXIT_USAGE;
      goto out;
    }
  }
  if (query_finish(&q, now, &err)) {
    fprintf(stderr, "powerhouse export: %s\n", err.msg);
    code = EXIT_USAGE;
    goto out;
  }
  if (store_open(db, STORE_READONLY, &st, &err)) {
    fprintf(stderr, "powerhouse export: %s\n", err.msg);
    code = err.code == ERR_USAGE ? EXIT_USAGE : EXIT_FAIL;
    goto out;
  }
  ctx.st = st;
  int rc;
  if (ctx.releases) {
    rc = search_each(st, NULL, &q, now, 0, each, &ctx, &err);
  } else if (ctx.csv) {
    export_csv_header(&ctx.row, 0);
    fwrite(ctx.row.data, 1, ctx.row.len, stdout);
    rc = search_each(st, NULL, &q, now, 0, each, &ctx, &err);
  } else {
    ExportMeta meta = {0};
    meta.uri = "urn:powerhouse:export";
    meta.publisher_name = "Powerhouse";
    rc = export_writer_begin(&w, EXPORT_RELEASE_PACKAGE, &meta, &err);
    if (rc == 0) rc = search_each(st, NULL, &q, now, 0, each, &ctx, &err);
    if (rc == 0 && w.n == 0) { /* an OCDS package must hold a release */
      fprintf(stderr, "powerhouse export: no notice matches these filters\n");
      code = EXIT_REJECTED;
      goto out;
    }
    if (rc == 0) rc = export_writer_end(&w, &err);
  }
  if (rc == 0 && fflush(stdout) != 0) rc = err_set(&err, ERR_IO, "cannot write to stdout");
  if (rc) {
    fprintf(stderr, "powerhouse export: %s\n", err.msg);
    code = EXIT_FAIL;
  }
out:
  export_writer_release(&w);
  buf_release(&ctx.row);
  store_close(st);
  query_release(&q);
  free(args);
  return code;
}

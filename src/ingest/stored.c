/* stored.c -- see stored.h. */
#include "ingest/stored.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "ocds/release.h"
#include "store/notices.h"

typedef struct {
  StoredReleases *out;
  Err *err;
  int failed;
  size_t *left_out; /* NULL: a release that no longer checks fails the read */
} Collect;

static int collect(void *ctx, const char *id, const char *date, const char *json, size_t len) {
  Collect *c = ctx;
  Release rel;
  Err e = ERR_INIT;
  int rc = release_parse(json, len, &rel, c->left_out ? &e : c->err);
  if (rc && c->left_out && rc != ERR_NOMEM) {
    (*c->left_out)++;
    return 0;
  }
  if (rc) {
    if (c->left_out) *c->err = e;
    err_prefix(c->err, "stored release %s no longer checks: ", id);
    c->failed = rc;
    return 1;
  }
  if (strcmp(rel.id, id) != 0) release_reid(rel.root, id, &rel.notes, &rel.rules); /* stored as id-reused */
  StoredReleases *o = c->out;
  if (o->n == o->cap) {
    o->cap = o->cap ? o->cap * 2 : 8;
    o->trees = xrealloc(o->trees, o->cap * sizeof *o->trees);
    o->notes = xrealloc(o->notes, o->cap * sizeof *o->notes);
  }
  o->notes[o->n] = rel.notes;
  o->trees[o->n++] = rel.root;
  rel.root = NULL;
  rel.notes = NULL;
  release_release(&rel);
  return 0;
}

static int read_stored(Store *st, const char *ocid, StoredReleases *out, size_t *left_out, Err *err) {
  memset(out, 0, sizeof *out);
  Collect c = {out, err, 0, left_out};
  int rc = store_releases_each(st, ocid, collect, &c, err);
  if (rc == 0 && c.failed) rc = c.failed;
  if (rc) stored_releases_release(out);
  return rc;
}

int stored_releases(Store *st, const char *ocid, StoredReleases *out, Err *err) {
  return read_stored(st, ocid, out, NULL, err);
}

int stored_releases_usable(Store *st, const char *ocid, StoredReleases *out, size_t *left_out, Err *err) {
  return read_stored(st, ocid, out, left_out, err);
}

void stored_releases_release(StoredReleases *r) {
  for (size_t i = 0; i < r->n; i++) {
    cJSON_Delete(r->trees[i]);
    free(r->notes[i]);
  }
  free(r->trees);
  free(r->notes);
  memset(r, 0, sizeof *r);
}

int stored_to_package(Store *st, const char *ocid, ExportWriter *w, Err *err) {
  StoredReleases t;
  size_t left_out = 0;
  int rc = stored_releases_usable(st, ocid, &t, &left_out, err);
  for (size_t i = 0; i < t.n && rc == 0; i++) {
    Err ignore = ERR_INIT; /* a release that is not an object cannot be stored */
    export_writer_add_release(w, t.trees[i], &ignore);
  }
  stored_releases_release(&t);
  return rc;
}

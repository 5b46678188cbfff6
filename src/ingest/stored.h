/* stored.h -- a stored notice's releases as checked, normalised cJSON trees
 * (ocds/release.h), in date order: what recompiling a notice (ingest), its
 * documents (pages) and the OCDS downloads (api, export) all start from. */
#ifndef STORED_H
#define STORED_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "base/err.h"
#include "ocds/export.h"
#include "store/store.h"

typedef struct {
  cJSON **trees; /* owned */
  char **notes;  /* notes[i]: the data notes of trees[i] (Release.notes), owned; NULL: none */
  size_t n, cap;
} StoredReleases;

/* Fills out with the releases of ocid (n = 0: none stored). 0 ok; <0 with err
 * when the store fails (ERR_DB), or with the code of release_parse when a
 * stored release no longer parses or checks (a store filled under an older,
 * laxer check: an ocid with white space around it, two ocid keys, ...). */
int stored_releases(Store *st, const char *ocid, StoredReleases *out, Err *err);
/* As stored_releases, but a stored release that no longer checks is left
 * out (and counted in *left_out) instead of failing: for compiling a notice
 * that gained a release, which an old one must not block, and for readers
 * (pages, downloads). `powerhouse ingest --rederive` names such releases. */
int stored_releases_usable(Store *st, const char *ocid, StoredReleases *out, size_t *left_out, Err *err);
void stored_releases_release(StoredReleases *r);

/* Adds every stored release of ocid that still checks to a release package
 * being written (readers leave such releases out, as compiling does). */
int stored_to_package(Store *st, const char *ocid, ExportWriter *w, Err *err);

#endif

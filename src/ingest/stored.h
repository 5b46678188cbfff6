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
  size_t n, cap;
} StoredReleases;

/* Fills out with the releases of ocid (n = 0: none stored). 0 ok; <0 with err
 * when the store fails (ERR_DB), or with the code of release_parse when a
 * stored release no longer parses or checks (a store filled under an older,
 * laxer check: an ocid with white space around it, two ocid keys, ...). */
int stored_releases(Store *st, const char *ocid, StoredReleases *out, Err *err);
void stored_releases_release(StoredReleases *r);

/* Adds every stored release of ocid to a release package being written. */
int stored_to_package(Store *st, const char *ocid, ExportWriter *w, Err *err);

#endif

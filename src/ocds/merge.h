/* merge.h -- compile OCDS releases into a compiled release and a versioned
 * release, following the merge routine of the OCDS 1.1 documentation
 * (https://standard.open-contracting.org/1.1/en/schema/merging/):
 *   - releases are merged in ascending `date` order (stable for equal dates);
 *   - objects merge field by field; a `null` value removes the field;
 *   - arrays of objects whose items have `id` merge by identifier (items with the
 *     same id merge, new ids are appended in order), unless the schema marks the
 *     field `wholeListMerge`; arrays of non-objects, and arrays marked
 *     wholeListMerge, are replaced whole;
 *   - fields marked `omitWhenMerged` (e.g. `tag`, `id`) are left out of the
 *     compiled release; the compiled release gets `id` = "{ocid}-{date}" of the
 *     latest release, `date` of the latest, and `tag` = ["compiled"];
 *   - the versioned release keeps, per field, the list of
 *     {releaseID, releaseDate, releaseTag, value} for each change.
 * The per-field rules (wholeListMerge / omitWhenMerged / versionId) of OCDS 1.1.5
 * are compiled into a table in merge.c; a unit test checks the table against the
 * official release schema.
 *
 * All functions take cJSON trees they do not modify (unless said) and return new
 * trees the caller frees with cJSON_Delete. */
#ifndef MERGE_H
#define MERGE_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "base/err.h"

/* Compiled release of n releases of one ocid (any order). NULL + err when the
 * releases do not share one ocid or a release is not an object. */
cJSON *merge_compile(const cJSON *const *releases, size_t n, Err *err);

/* Versioned release of n releases of one ocid (any order). */
cJSON *merge_versioned(const cJSON *const *releases, size_t n, Err *err);

/* Merges one release into an existing compiled release, in place: valid when
 * the release's date is not earlier than any release already merged (the
 * caller checks; otherwise compile again from all releases). */
int merge_into(cJSON *compiled, const cJSON *release, Err *err);

#endif

/* merge.h -- compile OCDS releases into a compiled release and a versioned
 * release, following the merge routine of the OCDS 1.1 documentation
 * (https://standard.open-contracting.org/1.1/en/schema/merging/) and matching
 * the reference implementation (ocdsmerge) where the text is silent:
 *   - releases are merged in ascending `date` order, stable for equal dates:
 *     a date that does not parse (base/date.h) comes before one that does;
 *     two that parse compare by their instant ("2024-01-01T00:00Z" is before
 *     "2024-01-01T00:00:05Z"), and when the instants are equal, or neither
 *     parses, by their text as ocdsmerge compares them;
 *   - objects merge field by field; a `null` value removes the field; an empty
 *     object or empty array in a release changes nothing;
 *   - arrays of objects merge by identifier: items with the same `id` merge
 *     (ids compare by their text, so 1 and "1" match), new ids are appended in
 *     order; an item without a string/number `id` never matches and is appended;
 *   - arrays containing anything other than objects, and the arrays the schema
 *     makes whole-list (`wholeListMerge`, string arrays, object arrays without
 *     `id`), are replaced whole;
 *   - fields marked `omitWhenMerged` (`id`, `date`, `tag`) are left out of the
 *     compiled release; the compiled release gets `id` = "{ocid}-{date}" of the
 *     latest release, `date` of the latest, and `tag` = ["compiled"];
 *   - the versioned release keeps, per leaf (and per whole-list array), the list
 *     of {releaseID, releaseDate, releaseTag, value}, a new entry only when the
 *     value changes; `ocid` and the `id` of array items are kept plain.
 * The per-field rules of OCDS 1.1.5 are compiled into a table in merge.c (the
 * runtime never reads the schema); tests/unit/test_merge.c checks the table
 * against the official release schema.
 *
 * All functions take cJSON trees they do not modify (unless said) and return new
 * trees the caller frees with cJSON_Delete. Input may be hostile: wrong types
 * are replaced by the newer value, nesting deeper than MERGE_MAX_DEPTH fails
 * with ERR_LIMIT, large arrays/objects merge in linear time. */
#ifndef MERGE_H
#define MERGE_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "base/err.h"

/* Deepest nesting of objects/arrays merged (cJSON's parser stops at 1000). */
#define MERGE_MAX_DEPTH 1100

/* Compiled release of n releases of one ocid (any order). NULL + err when n is
 * 0, the releases do not share one string ocid, a release is not an object or
 * has no string `date` (ERR_OCDS), or on ERR_LIMIT / ERR_NOMEM. */
cJSON *merge_compile(const cJSON *const *releases, size_t n, Err *err);

/* Versioned release of n releases of one ocid (any order); errors as above. */
cJSON *merge_versioned(const cJSON *const *releases, size_t n, Err *err);

/* Merges one release into an existing compiled release (or an empty object),
 * in place: valid when the release's date is not earlier than any release
 * already merged, i.e. than compiled's `date`. Returns 0, or ERR_OCDS with
 * compiled unchanged when the release is not an object, has no string ocid or
 * date, has another ocid than compiled, or is dated before compiled (compile
 * again from all releases then). On ERR_LIMIT / ERR_NOMEM compiled may be left
 * partly merged: discard it. */
int merge_into(cJSON *compiled, const cJSON *release, Err *err);

/* A compiled release built one release at a time, keeping what merging
 * needs between releases (the item table of every array), so n releases
 * merge in time linear in their size -- as merge_compile, which is this over
 * releases it has sorted. merge_into, by contrast, indexes the arrays it
 * merges into afresh on every call: right for one release onto a compiled
 * release read back from storage, quadratic when called n times. */
typedef struct MergeCompiler MergeCompiler;
/* A compiler holding an empty compiled release. Never NULL (aborts on OOM). */
MergeCompiler *merge_compiler_new(void);
/* A compiler continuing from compiled, a compiled release this module made
 * (read back from storage, say), which it takes over: merging releases dated
 * no earlier than compiled's `date` gives what merge_compile of every release
 * would. Its item tables are made as the merge first needs them. Never NULL. */
MergeCompiler *merge_compiler_from(cJSON *compiled);
/* Merges release into the compiled release, with merge_into's checks and
 * errors (ERR_OCDS, nothing changed, for a release dated before the latest
 * one merged). After ERR_LIMIT / ERR_NOMEM the compiled release may be partly
 * merged: free the compiler. */
int merge_compiler_add(MergeCompiler *m, const cJSON *release, Err *err);
/* The compiled release so far (borrowed: valid until the next add or free;
 * do not modify it). */
const cJSON *merge_compiler_tree(const MergeCompiler *m);
void merge_compiler_free(MergeCompiler *m);

/* The compiled-in per-field rules (for tests and diagnostics). A path is the
 * dotted field names from the release root, array levels left out (as in
 * ocdsmerge): "parties.roles" applies to every party's roles. */
typedef enum { MERGE_RULE_OMIT = 1, MERGE_RULE_WHOLE_LIST = 2 } MergeRuleKind;
typedef struct {
  const char *path;
  MergeRuleKind kind;
} MergeRule;

/* The static table; *n receives its length. Never NULL, never freed. */
const MergeRule *merge_rules(size_t *n);

#endif

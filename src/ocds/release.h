/* release.h -- checks one OCDS release (as a cJSON tree) before it is stored,
 * and normalises the few deviations we accept, so everything downstream can
 * trust the shape of what it reads.
 *
 * Rejected (with the JSON path and the offending value in the message):
 *   - a release that is not an object; a missing or empty `ocid` or `id`
 *     (an integer `id` is accepted and read as its decimal text);
 *   - a missing or invalid `date` (RFC 3339 / ISO 8601 date-time required);
 *   - any date field (`date`, `*Date`, `datePublished`, `dateSigned`, ...) that
 *     is not null and not a valid date;
 *   - an `amount` that is not a number or null (a string, a boolean, an object),
 *     an amount that is not finite or whose magnitude exceeds 1e15;
 *   - nesting deeper than RELEASE_MAX_DEPTH.
 * Accepted and normalised in the tree:
 *   - MongoDB extended-JSON numbers {"$numberLong": "123"}, {"$numberInt": "1"},
 *     {"$numberDouble": "1.5"} become plain numbers;
 *   - an `amount` that is itself a Value object ({"amount": .., "currency": ..},
 *     as OCDS 1.0's budget.amount) is checked recursively.
 * The verbatim text is stored unchanged; this normalisation is applied again
 * whenever stored text is parsed (release_parse). */
#ifndef RELEASE_H
#define RELEASE_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "base/err.h"

#define RELEASE_MAX_DEPTH 48
#define RELEASE_MAX_OCID 200

typedef struct {
  cJSON *root;     /* the normalised tree; owned */
  char *ocid;      /* owned copies */
  char *id;
  char date[21];   /* `date` normalised to UTC "YYYY-MM-DDTHH:MM:SSZ" */
} Release;

/* Parses text (len bytes, need not be NUL-terminated) and checks it. 0 ok and
 * *out filled; <0 with err naming what is wrong and where. */
int release_parse(const char *text, size_t len, Release *out, Err *err);
/* Checks and normalises an already parsed release tree; takes ownership of
 * root in every case (freed on error). */
int release_from_tree(cJSON *root, Release *out, Err *err);
void release_release(Release *r);

/* The releases a record carries: its full releases (linked ones, which only
 * give url/date/tag, are skipped), or its compiledRelease when it has no full
 * release. Fills *trees with n detached release trees (caller cJSON_Deletes
 * each and frees the array). 0 ok; <0 with err when the text is not JSON or
 * the record carries nothing to store. */
int release_record_split(const char *text, size_t len, cJSON ***trees, size_t *n, Err *err);

/* The tags of a release's JSON text, comma-separated ("tender,award"), or ""
 * when it has none or is not a release. Caller frees. */
char *release_tags(const char *json, size_t len);

/* FNV-1a 64-bit hash of the text, ignoring whitespace between tokens: the
 * "same release" test (a re-formatted copy is the same release). The offset
 * basis is 1469598103934665603, a digit short of FNV's 14695981039346656037:
 * hashes are stored, so it stays (test_release pins values computed outside). */
uint64_t release_hash(const char *text, size_t len);

#endif

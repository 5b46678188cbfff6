/* release.h -- reads one OCDS release (as a cJSON tree) before it is stored:
 * keep and note. A release is refused only when it cannot be stored or
 * placed; everything else is stored verbatim, and what is wrong with it is
 * left out of the normalised tree everything downstream reads, with a data
 * note saying where, what was given and which rule it broke.
 *
 * Refused (with the JSON path and the offending value in the message):
 *   - a release that is not an object; a missing, empty, non-string, too long
 *     (RELEASE_MAX_OCID) or doubled `ocid`, or one with a control character
 *     or white space around it (it could not be placed safely);
 *   - nesting deeper than RELEASE_MAX_DEPTH; (and, before this, text that is
 *     not JSON or not UTF-8, a \u0000 escape, or a release over the size limit).
 * Kept, with a note (rule names as in the API and `powerhouse stats`):
 *   - id-missing: no usable `id` (missing, null, empty, doubled, not a string
 *     or whole number, control characters or white space around it): it gets
 *     "ph-" and 16 hex digits of release_hash of its content, the same every
 *     time the release is read; an integer `id` is fine (its decimal text);
 *   - date-missing: no release `date`; date-invalid: a date field (`date`,
 *     `*Date`, `datePublished`, `dateSigned`, ...) that is not a date: left out
 *     (no date). A release without a date has `date` "" in the tree and
 *     Release.date "": it merges before every dated release;
 *   - date-no-zone: a date-time without a time zone: read as UTC, rewritten
 *     with "Z" in the tree;
 *   - id-reused: a second, different release with the id and date of a stored
 *     one: stored under "{id}~{hash}" (release_reid), merged after it;
 *   - amount-text: an `amount` given as text holding a plain number ("1444000",
 *     "12.50"): read as that number; amount-invalid: any other amount that is
 *     not a number ("", "1 ,444,000", true, an object): left out (no value,
 *     never 0); amount-out-of-range: not finite or beyond 1e15: left out.
 * Accepted and normalised without a note:
 *   - MongoDB extended-JSON numbers {"$numberLong": "123"}, {"$numberInt": "1"},
 *     {"$numberDouble": "1.5"} become plain numbers;
 *   - an `amount` that is itself a Value object ({"amount": .., "currency": ..},
 *     as OCDS 1.0's budget.amount) is checked recursively.
 * The verbatim text is stored unchanged; this normalisation (and its notes)
 * is made again whenever stored text is parsed (release_parse). */
#ifndef RELEASE_H
#define RELEASE_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "base/err.h"

#define RELEASE_MAX_DEPTH 48
#define RELEASE_MAX_OCID 200
#define RELEASE_MAX_NOTES 64       /* notes kept per release; more are counted in one last note */
#define RELEASE_NOTE_VALUE_MAX 200 /* bytes of a value kept in a note (its JSON text) */

/* The rules a data note can name. */
enum {
  NOTE_ID_MISSING,
  NOTE_DATE_MISSING,
  NOTE_DATE_INVALID,
  NOTE_DATE_NO_ZONE,
  NOTE_AMOUNT_TEXT,
  NOTE_AMOUNT_INVALID,
  NOTE_AMOUNT_RANGE,
  NOTE_ID_REUSED,
  RELEASE_N_RULES
};
/* "id-missing", ...; "unknown" out of range. */
const char *release_rule_name(int rule);
/* The rule of a name, or -1. */
int release_rule_parse(const char *name);

typedef struct {
  cJSON *root;     /* the normalised tree; owned */
  char *ocid;      /* owned copies */
  char *id;
  char date[21];   /* `date` normalised to UTC "YYYY-MM-DDTHH:MM:SSZ"; "" when it has none */
  unsigned rules;  /* 1u << rule of every data note */
  char *notes;     /* the data notes as a JSON array of {"path": JSON pointer, "value": as given,
                    * "rule": name, "message": words}, owned; NULL when none */
} Release;

/* Parses text (len bytes, need not be NUL-terminated) and checks it. 0 ok and
 * *out filled; <0 with err naming what is wrong and where. */
int release_parse(const char *text, size_t len, Release *out, Err *err);
/* Checks and normalises an already parsed release tree; takes ownership of
 * root in every case (freed on error). */
int release_from_tree(cJSON *root, Release *out, Err *err);
void release_release(Release *r);

/* A release stored under another id than its own (id-reused: a publisher
 * issued two different releases with one id and date; the second is kept
 * as "{id}~{16 hex digits of release_hash of its text}"): sets the tree's
 * `id` to stored_id and adds the note to *notes / *rules. */
void release_reid(cJSON *root, const char *stored_id, char **notes, unsigned *rules);
/* The id the second of two different releases with one id and date is
 * stored under (release_reid), into out. */
void release_reused_id(const char *id, uint64_t hash, char *out, size_t outsz);

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

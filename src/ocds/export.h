/* export.h -- OCDS documents and CSV out: record packages, release packages
 * (streamed, so exporting a million releases never holds them all) and one CSV
 * row per notice. Output goes into a Buf, or through a sink callback in chunks.
 *
 * Every package written validates against the official OCDS 1.1.5 schema
 * (release-package-schema.json / record-package-schema.json, draft-04; checked
 * by tests/schema/validate.mjs). Stored releases come from many publishers and
 * OCDS 1.0-era files, so each release is copied and normalised on the way out
 * (export_normalise_release): only what the 1.1.5 release schema rejects is
 * changed, nothing is invented, and every change is counted in ExportStats.
 * Fields the schema does not define (extensions) are left exactly as stored.
 *   - null where the schema allows no null (objects, arrays, `id`s, `tag`,
 *     ...) is dropped; null array elements are dropped. Elsewhere null is
 *     valid and kept: in a release it says "this value was removed", which
 *     merging acts on, so dropping every null would change compiled results.
 *   - a number where only a string is allowed (a release `id` 123, a party
 *     `id`) becomes its text "123"; a numeric string where only a number is
 *     allowed (`quantity` "5") becomes the number, "true"/"false" where only
 *     a boolean is, a boolean; a lone object or string where an array of them
 *     is expected (`tag` "tender") is wrapped in one.
 *   - closed codelists (tag, initiationType, statuses, procurementMethod,
 *     mainProcurementCategory, currency): a value matching a code except for
 *     case takes the code's spelling ("Active" -> "active", "gbp" -> "GBP").
 *   - `format: uri` fields: surrounding white space is trimmed and characters
 *     a URI cannot hold (spaces, non-ASCII, "<>\"{}|\\^`", a stray %, a second
 *     #) are percent-encoded as UTF-8 (RFC 3987 3.1): "http://Contract
 *     Finder" -> "http://Contract%20Finder".
 *   - `format: date-time` fields that are not RFC 3339 date-times but are
 *     dates base/date.h accepts ("2014-12-01", "...T10:00+0100") become UTC
 *     "YYYY-MM-DDTHH:MM:SSZ" -- the reading the portal already uses.
 *   - exact duplicates in arrays the schema makes unique (parties, suppliers,
 *     items, documents, ...) are dropped (an identical copy adds nothing); an
 *     empty array where the schema wants at least one item (`awards[].items`)
 *     is dropped (an empty array changes nothing when releases merge).
 *   - a contract without `awardID` (required) that names the contract it
 *     amends in `extendsContractID` (Paraguay's DNCP publishes amendments as
 *     contracts of their own, with "awardID": null) takes that contract's
 *     awardID: the publisher's own link, followed.
 *   - what cannot be repaired without inventing data is dropped and counted:
 *     a URI without a scheme ("www.example.org", ""), an unparsable date, a
 *     value outside a closed codelist, a value of an impossible type, "" where
 *     the schema wants a non-empty string.
 * A release still missing a required field (ocid, id, date, tag,
 * initiationType; the id of a tender, award, contract, item, document,
 * milestone or transaction; a contract's awardID) is written as it is and
 * counted in missing_required: filling it in would be invention. (Stored
 * releases always have ocid, id and date: ocds/release.h.)
 *
 * Record package: one record per ocid: its releases (normalised copies,
 * sorted by date, oldest first, as the schema asks; in merge's order),
 * compiledRelease and versionedRelease (ocds/merge.h) merged from those same
 * copies, so a consumer recompiling the embedded releases gets the embedded
 * compiledRelease. In the versioned release, parties[].details is versioned
 * as a whole, as the versioned release schema wants (merge.h versions the
 * fields inside it). No `packages` or `extensions` are written: the store does
 * not know them, and guessing would be invention. Package `version` is "1.1";
 * `publishedDate` is now unless given.
 *
 * Release package streaming: export_writer_begin / _add_release / _end write
 * `{"uri":..,"version":"1.1",..,"releases":[` R, R, ... `]}`; output beyond
 * EXPORT_FLUSH_AT bytes is handed to the sink as it is produced. The schema
 * wants the releases of a package unique: a release equal (as JSON Schema
 * compares: member order aside) after normalisation to one already written
 * is skipped and counted in duplicates_dropped (a seeded 64-bit hash per
 * release is kept, 8 bytes each). Records are checked by their text.
 *
 * Owns: nothing beyond an ExportWriter's buffer and hash set. Trees passed in
 * are never modified. Memory from cJSON_Print* is released with cJSON_free. */
#ifndef EXPORT_H
#define EXPORT_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "base/buf.h"
#include "base/err.h"
#include "model/notice.h"

/* Package metadata. uri and publisher_name are required. The URI fields must
 * be absolute URIs: one that only needs percent-encoding (a query string as
 * typed) is encoded; one without a scheme is ERR_USAGE. */
typedef struct {
  const char *uri;            /* the package's own URI */
  const char *published_date; /* RFC 3339 (normalised to UTC); NULL = now */
  const char *publisher_name;
  const char *publisher_uri;      /* optional */
  const char *license;            /* optional, e.g. the OGL v3 URL */
  const char *publication_policy; /* optional */
  const char *const *extensions;  /* optional: the extensions' URLs, NULL-terminated */
} ExportMeta;

/* What normalisation changed (see above); all counts are added to. */
typedef struct {
  uint64_t releases; /* releases written */
  uint64_t nulls_dropped;
  uint64_t types_converted; /* number<->text, wrapped in an array */
  uint64_t codes_recased;
  uint64_t uris_encoded;
  uint64_t dates_normalised;
  uint64_t duplicates_dropped; /* array items, and whole releases in a release package */
  uint64_t empty_dropped;      /* "" for a non-empty string; [] for a non-empty array */
  uint64_t invalid_dropped;    /* unrepairable URIs, dates, codes, types */
  uint64_t awardids_derived;   /* contracts[].awardID from the contract it extends */
  uint64_t missing_required;   /* releases written without a required field */
} ExportStats;

/* Normalises one release tree in place as described above (st may be NULL).
 * Returns the number of changes made. */
uint64_t export_normalise_release(cJSON *release, ExportStats *st);

/* 1 when s is an absolute URI (RFC 3986, as JSON Schema's `format: uri`). */
int export_uri_valid(const char *s);

/* The release schema's rules, compiled in (the runtime never reads the schema;
 * tests/unit/test_export.c checks the table against release-schema.json): per
 * definition ("Release", "Tender", ...; inline objects as "Item.unit") and
 * field, the JSON types allowed (for an array also its items'), flags, the
 * definition of the object or of the array's items, and the closed codelist. */
enum {
  EXPORT_T_STR = 1,
  EXPORT_T_NUM = 2,
  EXPORT_T_INT = 4,
  EXPORT_T_BOOL = 8,
  EXPORT_T_OBJ = 16,
  EXPORT_T_ARR = 32,
  EXPORT_T_NULL = 64
};
enum {
  EXPORT_F_URI = 1,      /* format: uri */
  EXPORT_F_DATETIME = 2, /* format: date-time */
  EXPORT_F_UNIQUE = 4,   /* uniqueItems */
  EXPORT_F_MINITEMS = 8, /* minItems: 1 */
  EXPORT_F_MINLEN = 16,  /* minLength: 1 */
  EXPORT_F_REQUIRED = 32 /* listed in its definition's `required` */
};
typedef struct {
  const char *def, *field;
  unsigned types, item_types, flags;
  const char *ref;          /* definition of the object / the items, or NULL */
  const char *const *codes; /* NULL-terminated closed codelist, or NULL */
} ExportRule;
/* The static table; *n receives its length. Never NULL, never freed. */
const ExportRule *export_rules(size_t *n);

/* ---- streaming writer ---- */

/* Receives output in order; returns 0, or <0 with err set (ends the export). */
typedef int (*ExportSink)(void *ctx, const char *data, size_t len, Err *err);
/* A sink writing to a FILE * (ctx); ERR_IO on a write error. */
int export_sink_file(void *ctx, const char *data, size_t len, Err *err);

#define EXPORT_FLUSH_AT (64u << 10)

typedef enum { EXPORT_RELEASE_PACKAGE = 1, EXPORT_RECORD_PACKAGE = 2 } ExportKind;

typedef struct {
  Buf *out; /* where output is appended (the caller's Buf, or own) */
  Buf own;
  ExportSink sink; /* NULL: everything stays in *out */
  void *sink_ctx;
  ExportKind kind;
  int state;      /* 0 new, 1 open, 2 ended, -1 failed */
  uint64_t n;     /* items written */
  uint64_t *seen; /* open-addressing set of item hashes (0 = empty slot) */
  size_t seen_cap;
  ExportStats stats;
} ExportWriter;

/* Output appended to out (not reset), nothing flushed anywhere. */
void export_writer_init_buf(ExportWriter *w, Buf *out);
/* Output handed to sink(ctx, ...) in chunks of about EXPORT_FLUSH_AT bytes. */
void export_writer_init_sink(ExportWriter *w, ExportSink sink, void *ctx);
/* Writes the package header. ERR_USAGE when meta is incomplete or invalid. */
int export_writer_begin(ExportWriter *w, ExportKind kind, const ExportMeta *meta, Err *err);
/* Release package: adds one release (copied, normalised). ERR_OCDS (nothing
 * written, the writer stays usable) when release is not an object. */
int export_writer_add_release(ExportWriter *w, const cJSON *release, Err *err);
/* Record package: adds the record of n releases of one ocid, any order. ERR_OCDS
 * (nothing written, the writer stays usable) when n is 0, the releases do not
 * share one ocid or lack a date, or merging fails (merge.h). */
int export_writer_add_record(ExportWriter *w, const cJSON *const *releases, size_t n, Err *err);
/* Closes the package and flushes. ERR_NOTFOUND when nothing was added (the
 * document is closed but invalid: the schema wants at least one item). */
int export_writer_end(ExportWriter *w, Err *err);
/* Frees the writer's own buffer and hash set (not a caller's Buf). */
void export_writer_release(ExportWriter *w);

/* ---- one-shot ---- */

/* Record package of the n stored releases of one ocid, appended to out. */
int export_record_package(const ExportMeta *meta, const cJSON *const *releases, size_t n, Buf *out,
                          ExportStats *st, Err *err);
/* Release package of n releases, appended to out (same bytes as the writer). */
int export_release_package(const ExportMeta *meta, const cJSON *const *releases, size_t n, Buf *out,
                           ExportStats *st, Err *err);

/* ---- CSV (RFC 4180) ----
 * One row per notice, CRLF line ends; a field containing a comma, a quote, CR
 * or LF is quoted and its quotes doubled. Columns (empty = not known):
 *   ocid, title, status (open/closed/awarded/cancelled/planned), buyer (name),
 *   buyer_id (party id), value, currency (of value, min_value and
 *   awarded_value), min_value, deadline, published, updated (UTC
 *   "YYYY-MM-DDTHH:MM:SSZ"), cpv_main, cpv_main_label, cpv_all (every CPV
 *   code, main first, ";"-joined), regions (ITL1 codes, ";"-joined), sme, vcse
 *   ("true"/"false"), procurement_method, category, awards_count (awards not
 *   cancelled or unsuccessful), awarded_value (their total, when every one has
 *   a value in the notice's currency), suppliers (their distinct supplier
 *   names, ";"-joined; a ";" inside a name is kept), publisher, url.
 * Numbers are plain decimals ("1250000", "99.5"): no exponent, no grouping.
 * Formula injection: a text cell that starts with = + - @, TAB or CR gets a
 * leading ' (OWASP's advice), so a spreadsheet shows it as text. Number and
 * date cells are written by us and never start with those (a negative amount's
 * '-' is left alone). EXPORT_CSV_RAW turns the guard off for programs that
 * read the CSV; EXPORT_CSV_BOM starts the header with a UTF-8 BOM (for Excel). */
enum { EXPORT_CSV_BOM = 1, EXPORT_CSV_RAW = 2 };

/* The header row (with the BOM when asked). */
void export_csv_header(Buf *out, unsigned flags);
/* One row for n. */
void export_csv_row(const Notice *n, Buf *out, unsigned flags);
/* One field (quoted when needed, guarded unless EXPORT_CSV_RAW), no separator. */
void export_csv_field(Buf *out, const char *s, unsigned flags);

/* Licences of the sources (export.c has the table and why it is by ocid
 * prefix). uk: a UK public sector source, under the Open Government Licence
 * unless its data says otherwise. */
#define EXPORT_OGL_V3_URL "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
typedef struct {
  const char *prefix; /* ocid prefix with its trailing '-', e.g. "ocds-b5fd17-" */
  const char *source; /* the publishing system, for people */
  const char *name;   /* the licence's name */
  const char *url;    /* the licence's URL (an OCDS package's `license`) */
  int uk;
} ExportLicence;
/* Every known source (static, n set). */
const ExportLicence *export_licences(size_t *n);
/* The source of ocid by its prefix, or NULL when unknown. */
const ExportLicence *export_licence_of(const char *ocid);

#endif

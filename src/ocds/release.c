/* release.c -- see release.h. One walk over the tree checks every date and
 * amount field, tracking the JSON path for the error message. */
#include "ocds/release.h"

#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/num.h"

#define MAX_AMOUNT 1e15

/* Where the walk is, as a JSON pointer (RFC 6901: "/awards/0/date", with
 * '~' and '/' in keys escaped as ~0 and ~1), cut at its size. */
typedef struct {
  char path[256];
  size_t len;
} Path;

static void path_push(Path *p, const char *key, int index, size_t *saved) {
  *saved = p->len;
  char seg[32];
  if (!key) {
    snprintf(seg, sizeof seg, "%d", index);
    key = seg;
  }
  size_t room = sizeof p->path - 1;
  if (p->len < room) p->path[p->len++] = '/';
  for (const char *k = key; *k && p->len < room; k++) {
    if ((*k == '~' || *k == '/') && p->len + 1 < room) {
      p->path[p->len++] = '~';
      p->path[p->len++] = *k == '~' ? '0' : '1';
    } else if (*k != '~' && *k != '/') {
      p->path[p->len++] = *k;
    }
  }
  p->path[p->len] = 0;
}

static void path_pop(Path *p, size_t saved) {
  p->len = saved;
  p->path[saved] = 0;
}

/* ---- data notes -------------------------------------------------------------- */

static const char *const rule_names[RELEASE_N_RULES] = {
    [NOTE_ID_MISSING] = "id-missing",         [NOTE_DATE_MISSING] = "date-missing",
    [NOTE_DATE_INVALID] = "date-invalid",     [NOTE_DATE_NO_ZONE] = "date-no-zone",
    [NOTE_AMOUNT_TEXT] = "amount-text",       [NOTE_AMOUNT_INVALID] = "amount-invalid",
    [NOTE_AMOUNT_RANGE] = "amount-out-of-range", [NOTE_ID_REUSED] = "id-reused",
};

const char *release_rule_name(int rule) {
  return rule >= 0 && rule < RELEASE_N_RULES ? rule_names[rule] : "unknown";
}

int release_rule_parse(const char *name) {
  for (int i = 0; name && i < RELEASE_N_RULES; i++)
    if (!strcmp(name, rule_names[i])) return i;
  return -1;
}

/* The notes of the release being checked. */
typedef struct {
  cJSON *list;     /* array of {path, value, rule, message}; NULL until the first */
  unsigned rules;  /* 1u << rule of every note */
  size_t n;
} Notes;

/* The value as given, for a note: itself when short, else the start of its
 * JSON text as a string ending in "...". */
static cJSON *note_value(const cJSON *v) {
  if (!v) return cJSON_CreateNull();
  char *s = cJSON_PrintUnformatted(v);
  if (!s) abort();
  cJSON *out;
  if (strlen(s) <= RELEASE_NOTE_VALUE_MAX) {
    out = cJSON_Duplicate(v, 1);
  } else {
    size_t cut = RELEASE_NOTE_VALUE_MAX;
    while (cut && ((unsigned char)s[cut] & 0xC0) == 0x80) cut--; /* not inside a UTF-8 sequence */
    char short_text[RELEASE_NOTE_VALUE_MAX + 4];
    memcpy(short_text, s, cut);
    memcpy(short_text + cut, "...", 4);
    out = cJSON_CreateString(short_text);
  }
  cJSON_free(s);
  if (!out) abort();
  return out;
}

static void note(Notes *ns, const char *path, const cJSON *value, int rule, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void note(Notes *ns, const char *path, const cJSON *value, int rule, const char *fmt, ...) {
  ns->rules |= 1u << rule;
  if (ns->n++ >= RELEASE_MAX_NOTES) return; /* counted, not kept */
  if (!ns->list && !(ns->list = cJSON_CreateArray())) abort();
  char msg[300];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  cJSON *o = cJSON_CreateObject();
  if (!o) abort();
  cJSON_AddItemToObject(o, "path", cJSON_CreateString(path));
  cJSON_AddItemToObject(o, "value", note_value(value));
  cJSON_AddItemToObject(o, "rule", cJSON_CreateString(rule_names[rule]));
  cJSON_AddItemToObject(o, "message", cJSON_CreateString(msg));
  cJSON_AddItemToArray(ns->list, o);
}

/* The notes as JSON text (heap), NULL when there are none. */
static char *notes_text(Notes *ns) {
  if (!ns->n) return NULL;
  if (ns->n > RELEASE_MAX_NOTES) {
    char msg[120];
    snprintf(msg, sizeof msg, "%zu more notes on this release are not listed", ns->n - RELEASE_MAX_NOTES);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "path", cJSON_CreateString(""));
    cJSON_AddItemToObject(o, "value", cJSON_CreateNull());
    cJSON_AddItemToObject(o, "rule", cJSON_CreateString("more"));
    cJSON_AddItemToObject(o, "message", cJSON_CreateString(msg));
    cJSON_AddItemToArray(ns->list, o);
  }
  char *s = cJSON_PrintUnformatted(ns->list);
  if (!s) abort();
  char *out = xstrdup(s);
  cJSON_free(s);
  return out;
}

static int is_date_key(const char *k) {
  size_t n = strlen(k);
  if (strcmp(k, "date") == 0 || strcmp(k, "datePublished") == 0 || strcmp(k, "dateSigned") == 0 ||
      strcmp(k, "dateModified") == 0 || strcmp(k, "releaseDate") == 0)
    return 1;
  return n > 4 && strcmp(k + n - 4, "Date") == 0;
}

/* {"$numberLong": "123"} and friends -> number. Returns 1 if replaced by a
 * number (stored in *num), 0 if v is not such an object, -1 if it is one but
 * its text is not a number. */
static int mongo_number(const cJSON *v, double *num) {
  if (!cJSON_IsObject(v) || !v->child || v->child->next) return 0;
  const char *k = v->child->string;
  if (!k || (strcmp(k, "$numberLong") && strcmp(k, "$numberInt") && strcmp(k, "$numberDouble") &&
             strcmp(k, "$numberDecimal")))
    return 0;
  const cJSON *s = v->child;
  if (cJSON_IsNumber(s)) {
    *num = s->valuedouble;
    return 1;
  }
  if (!cJSON_IsString(s) || !*s->valuestring) return -1;
  char *end;
  errno = 0;
  double d = strtod(s->valuestring, &end);
  if (*end || errno) return -1;
  *num = d;
  return 1;
}

static int check(cJSON *node, Path *p, int depth, Notes *ns, Err *err);

/* An amount: a number, MongoDB's extended JSON for one, text holding a plain
 * number (read, noted), or an OCDS 1.0 Value object (checked recursively).
 * Anything else is left out of the tree (no value, never 0) and noted.
 * Returns 1 when v was removed from parent, <0 on a limit. */
static int check_amount(cJSON *parent, cJSON *v, Path *p, int depth, Notes *ns, Err *err) {
  double d;
  if (cJSON_IsNull(v)) return 0;
  if (cJSON_IsNumber(v)) {
    d = v->valuedouble;
    goto range;
  }
  int m = mongo_number(v, &d);
  if (m == 1) {
    cJSON_Delete(v->child); /* becomes a plain number, in place, keeping its key */
    v->child = NULL;
    v->type = cJSON_Number;
    cJSON_SetNumberValue(v, d);
    goto range;
  }
  if (m == 0 && cJSON_IsObject(v) &&
      (cJSON_GetObjectItemCaseSensitive(v, "amount") || cJSON_GetObjectItemCaseSensitive(v, "currency")))
    return check(v, p, depth + 1, ns, err); /* a Value object (OCDS 1.0 budget.amount) */
  if (cJSON_IsString(v) && num_parse_decimal(v->valuestring, 0, &d) && isfinite(d) && fabs(d) <= MAX_AMOUNT) {
    note(ns, p->path, v, NOTE_AMOUNT_TEXT, "The amount is given as text; it is read as the number %.15g.", d);
    char *was = v->valuestring; /* becomes that number, in place */
    v->valuestring = NULL;
    v->type = cJSON_Number;
    cJSON_SetNumberValue(v, d);
    cJSON_free(was);
    return 0;
  }
  note(ns, p->path, v, NOTE_AMOUNT_INVALID, "The amount is not a number, so this value is shown as not given.");
  cJSON_Delete(cJSON_DetachItemViaPointer(parent, v));
  return 1;
range:
  if (!isfinite(d) || fabs(d) > MAX_AMOUNT) {
    note(ns, p->path, v, NOTE_AMOUNT_RANGE,
         "The amount is more than 1e15 (a thousand trillion), so this value is shown as not given.");
    cJSON_Delete(cJSON_DetachItemViaPointer(parent, v));
    return 1;
  }
  return 0;
}

/* A date field: a date or a date-time with a zone stays as it is; a
 * date-time without a zone is read as UTC (rewritten with "Z", noted);
 * anything else is left out of the tree (no date) and noted. 1 when removed. */
static int check_date(cJSON *parent, cJSON *c, Path *p, Notes *ns) {
  time_t t;
  if (cJSON_IsString(c) && date_parse(c->valuestring, &t) == 0) return 0;
  if (cJSON_IsString(c) && date_parse_unzoned(c->valuestring, &t) == 0) {
    char utc[DATE_LEN];
    date_format(t, utc);
    note(ns, p->path, c, NOTE_DATE_NO_ZONE, "The date-time has no time zone; it is read as UTC (%s).", utc);
    cJSON_SetValuestring(c, utc);
    return 0;
  }
  note(ns, p->path, c, NOTE_DATE_INVALID,
       "This is not a date (YYYY-MM-DD, or a date-time with a time zone), so it is left out.");
  cJSON_Delete(cJSON_DetachItemViaPointer(parent, c));
  return 1;
}

static int check(cJSON *node, Path *p, int depth, Notes *ns, Err *err) {
  if (depth > RELEASE_MAX_DEPTH)
    return err_set(err, ERR_LIMIT, "%s is nested more than %d levels deep", *p->path ? p->path : "/",
                   RELEASE_MAX_DEPTH);
  int index = 0;
  for (cJSON *c = node->child, *next; c; c = next, index++) {
    next = c->next; /* c may be replaced or removed */
    size_t saved;
    int rc = 0;
    if (cJSON_IsObject(node) && c->string) {
      path_push(p, c->string, 0, &saved);
      if (strcmp(c->string, "amount") == 0) {
        rc = check_amount(node, c, p, depth, ns, err);
      } else if (is_date_key(c->string) && !cJSON_IsNull(c)) {
        rc = check_date(node, c, p, ns);
      } else if (c->child) {
        rc = check(c, p, depth + 1, ns, err);
      }
    } else {
      path_push(p, NULL, index, &saved);
      if (c->child) rc = check(c, p, depth + 1, ns, err);
    }
    path_pop(p, saved);
    if (rc < 0) return rc;
  }
  return 0;
}

/* The member key of obj, read once: NULL when absent; *dup set when the key
 * occurs more than once (cJSON keeps every copy, and readers disagree on which
 * one counts: cJSON takes the first, most others the last). */
static const cJSON *member_once(const cJSON *obj, const char *key, int *dup) {
  const cJSON *found = NULL;
  for (const cJSON *c = obj->child; c; c = c->next)
    if (c->string && strcmp(c->string, key) == 0) {
      if (found) *dup = 1;
      found = c;
    }
  return found;
}

/* The first control character (U+0000..U+001F, U+007F) of s, or -1. */
static int control_char(const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    if (*p < 0x20 || *p == 0x7f) return *p;
  return -1;
}

/* An identity field (ocid, id) is taken exactly as written: one key, no
 * control character, no white space around it -- anything else could make
 * two releases that differ in the data look like one (or one like another)
 * once a reader trims or stops at a character. */
static int check_identity(const char *what, const char *s, Err *err) {
  int c = control_char(s);
  if (c >= 0) return err_set(err, ERR_OCDS, "%s contains a control character (U+%04X)", what, (unsigned)c);
  size_t n = strlen(s);
  if (s[0] == ' ' || s[n - 1] == ' ') return err_set(err, ERR_OCDS, "%s begins or ends with white space", what);
  return 0;
}

int release_from_tree(cJSON *root, Release *out, Err *err) {
  memset(out, 0, sizeof *out);
  int rc, dup = 0;
  char idbuf[32];
  const char *id = NULL;
  Notes ns = {NULL, 0, 0};
  if (!cJSON_IsObject(root)) {
    rc = err_set(err, ERR_OCDS, "a release must be a JSON object");
    goto fail;
  }
  const cJSON *ocid = member_once(root, "ocid", &dup);
  if (dup) {
    rc = err_set(err, ERR_OCDS, "ocid is given more than once");
    goto fail;
  }
  if (!ocid || cJSON_IsNull(ocid)) {
    rc = err_set(err, ERR_OCDS, "missing ocid");
    goto fail;
  }
  if (!cJSON_IsString(ocid) || !*ocid->valuestring) {
    rc = err_set(err, ERR_OCDS, "ocid must be a non-empty string");
    goto fail;
  }
  if (strlen(ocid->valuestring) > RELEASE_MAX_OCID) {
    rc = err_set(err, ERR_LIMIT, "ocid is longer than %d characters", RELEASE_MAX_OCID);
    goto fail;
  }
  if ((rc = check_identity("ocid", ocid->valuestring, err))) goto fail;
  const cJSON *jid = member_once(root, "id", &dup);
  const char *why = NULL; /* why the release's own id cannot be used */
  if (dup) why = "The release gives its id more than once";
  else if (!jid || cJSON_IsNull(jid)) why = "The release has no id";
  else if (cJSON_IsString(jid) && *jid->valuestring && strlen(jid->valuestring) <= 512 &&
           check_identity("id", jid->valuestring, err) == 0)
    id = jid->valuestring;
  else if (cJSON_IsNumber(jid) && fabs(jid->valuedouble) < 9e15 &&
           jid->valuedouble == (double)(long long)jid->valuedouble) { /* a whole number a double holds exactly */
    snprintf(idbuf, sizeof idbuf, "%lld", (long long)jid->valuedouble);
    id = idbuf;
  } else {
    why = "The release's id is not usable (not a non-empty string of at most 512 characters without control "
          "characters or white space around it)";
  }
  *err = (Err)ERR_INIT;
  if (why) {
    /* an id made from the release's content: the same release always gets
     * the same one, two different releases (almost surely) different ones */
    char *text = cJSON_PrintUnformatted(root);
    if (!text) abort();
    snprintf(idbuf, sizeof idbuf, "ph-%016llx", (unsigned long long)release_hash(text, strlen(text)));
    cJSON_free(text);
    id = idbuf;
    note(&ns, "/id", dup ? NULL : jid, NOTE_ID_MISSING, "%s; it is given the id %s, made from its content.", why,
         idbuf);
    cJSON_DeleteItemFromObjectCaseSensitive(root, "id");
    while (cJSON_GetObjectItemCaseSensitive(root, "id")) cJSON_DeleteItemFromObjectCaseSensitive(root, "id");
    cJSON_AddItemToObject(root, "id", cJSON_CreateString(idbuf));
  }
  dup = 0;
  const cJSON *date = member_once(root, "date", &dup);
  if (dup) {
    note(&ns, "/date", NULL, NOTE_DATE_INVALID, "The release gives its date more than once, so it has no date.");
    while (cJSON_GetObjectItemCaseSensitive(root, "date")) cJSON_DeleteItemFromObjectCaseSensitive(root, "date");
  } else if (!date || cJSON_IsNull(date)) {
    note(&ns, "/date", date, NOTE_DATE_MISSING, "The release has no date; it is placed before the dated ones.");
    cJSON_DeleteItemFromObjectCaseSensitive(root, "date");
  }
  Path p = {{0}, 0};
  if ((rc = check(root, &p, 0, &ns, err)) != 0) {
    err_prefix(err, "release %s of %s: ", id, ocid->valuestring);
    goto fail;
  }
  /* the release date as checked: kept (maybe read as UTC), or none, which
   * merging needs as a string: "" sorts before every date */
  date = cJSON_GetObjectItemCaseSensitive(root, "date");
  if (!cJSON_IsString(date) || date_norm(date->valuestring, out->date) != 0) {
    out->date[0] = 0;
    if (!date) cJSON_AddItemToObject(root, "date", cJSON_CreateString(""));
  }
  out->root = root;
  out->ocid = xstrdup(ocid->valuestring);
  out->id = xstrdup(id);
  out->rules = ns.rules;
  out->notes = notes_text(&ns);
  cJSON_Delete(ns.list);
  return 0;
fail:
  cJSON_Delete(ns.list);
  cJSON_Delete(root);
  memset(out, 0, sizeof *out);
  return rc;
}

void release_reused_id(const char *id, uint64_t hash, char *out, size_t outsz) {
  snprintf(out, outsz, "%s~%016llx", id, (unsigned long long)hash);
}

void release_reid(cJSON *root, const char *stored_id, char **notes, unsigned *rules) {
  cJSON *id = cJSON_GetObjectItemCaseSensitive(root, "id");
  Notes ns = {*notes ? cJSON_Parse(*notes) : NULL, *rules, 0};
  ns.n = (size_t)cJSON_GetArraySize(ns.list);
  note(&ns, "/id", id, NOTE_ID_REUSED,
       "Another release with this id and date, but other content, was published first; this one is kept as %s.",
       stored_id);
  if (id) cJSON_SetValuestring(id, stored_id);
  if (!cJSON_IsString(id)) { /* not a string id: replaced */
    cJSON_DeleteItemFromObjectCaseSensitive(root, "id");
    cJSON_AddItemToObject(root, "id", cJSON_CreateString(stored_id));
  }
  free(*notes);
  *notes = notes_text(&ns);
  *rules = ns.rules;
  cJSON_Delete(ns.list);
}

/* Byte offset of the first \u0000 escape in JSON text, or -1. cJSON ends its
 * strings at a NUL, so a string holding one would be read as less than it
 * says (an id "a\u0000b" as "a"): such input is refused, not truncated.
 * An escape is a backslash preceded by an even number of backslashes. */
static long nul_escape(const char *text, size_t len) {
  for (const char *p = text, *end = text + len; (p = memchr(p, '\\', (size_t)(end - p))) != NULL;) {
    size_t run = 0;
    while (p + run < end && p[run] == '\\') run++;
    p += run; /* p: just past a run of backslashes; an odd run ends in an escape */
    if ((run & 1) && end - p >= 5 && memcmp(p, "u0000", 5) == 0) return (long)(p - 1 - text);
  }
  return -1;
}

static int refuse_nul(const char *text, size_t len, const char *what, Err *err) {
  long at = nul_escape(text, len);
  if (at < 0) return 0;
  return err_set(err, ERR_OCDS, "\\u0000 (a NUL character) at byte %ld of the %s: not accepted", at, what);
}

int release_parse(const char *text, size_t len, Release *out, Err *err) {
  const char *end = NULL;
  if (refuse_nul(text, len, "release", err)) {
    memset(out, 0, sizeof *out);
    return ERR_OCDS;
  }
  cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
  if (!root) {
    memset(out, 0, sizeof *out);
    size_t at = end && end >= text ? (size_t)(end - text) : 0;
    return err_set(err, ERR_JSON, "invalid JSON at byte %zu of the release", at);
  }
  return release_from_tree(root, out, err);
}

static int is_linked_release(const cJSON *r) {
  return cJSON_IsObject(r) && !cJSON_GetObjectItemCaseSensitive(r, "ocid") &&
         cJSON_GetObjectItemCaseSensitive(r, "url");
}

int release_record_split(const char *text, size_t len, cJSON ***trees, size_t *n, Err *err) {
  *trees = NULL;
  *n = 0;
  const char *end = NULL;
  if (refuse_nul(text, len, "record", err)) return ERR_OCDS;
  cJSON *rec = cJSON_ParseWithLengthOpts(text, len, &end, 0);
  if (!rec) return err_set(err, ERR_JSON, "invalid JSON at byte %zu of the record", end ? (size_t)(end - text) : 0);
  int dup = 0;
  const cJSON *rec_ocid = cJSON_IsObject(rec) ? member_once(rec, "ocid", &dup) : NULL;
  if (dup) {
    cJSON_Delete(rec);
    return err_set(err, ERR_OCDS, "record: ocid is given more than once");
  }
  cJSON *rels = cJSON_GetObjectItemCaseSensitive(rec, "releases");
  size_t cap = 0;
  if (cJSON_IsArray(rels)) {
    for (cJSON *x = rels->child, *next; x; x = next) {
      next = x->next;
      if (is_linked_release(x)) continue;
      if (*n == cap) *trees = xrealloc(*trees, (cap = cap ? cap * 2 : 4) * sizeof **trees);
      (*trees)[(*n)++] = cJSON_DetachItemViaPointer(rels, x);
    }
  }
  int rc = 0;
  const cJSON *compiled_in = cJSON_GetObjectItemCaseSensitive(rec, "compiledRelease");
  if (cJSON_IsString(rec_ocid)) { /* a release filed under another ocid than its record's would move */
    for (size_t i = 0; i <= *n && rc == 0; i++) {
      const cJSON *r = i < *n ? (*trees)[i] : compiled_in;
      const cJSON *o = cJSON_IsObject(r) ? cJSON_GetObjectItemCaseSensitive(r, "ocid") : NULL;
      if (cJSON_IsString(o) && strcmp(o->valuestring, rec_ocid->valuestring) != 0)
        rc = err_set(err, ERR_OCDS, "record %.200s holds a %s whose ocid is %.200s, not the record's",
                     rec_ocid->valuestring, i < *n ? "release" : "compiledRelease", o->valuestring);
    }
    if (rc) {
      for (size_t i = 0; i < *n; i++) cJSON_Delete((*trees)[i]);
      free(*trees);
      *trees = NULL;
      *n = 0;
      cJSON_Delete(rec);
      return rc;
    }
  }
  if (!*n) {
    cJSON *compiled = cJSON_DetachItemFromObjectCaseSensitive(rec, "compiledRelease");
    if (compiled) {
      *trees = xmalloc(sizeof **trees);
      (*trees)[(*n)++] = compiled;
    } else {
      const cJSON *ocid = cJSON_GetObjectItemCaseSensitive(rec, "ocid");
      rc = err_set(err, ERR_OCDS, "record %s links its releases by URL only and has no compiledRelease: nothing to store",
                   cJSON_IsString(ocid) ? ocid->valuestring : "(no ocid)");
    }
  }
  cJSON_Delete(rec);
  return rc;
}

char *release_tags(const char *json, size_t len) {
  Buf out = BUF_INIT;
  cJSON *rel = cJSON_ParseWithLength(json, len);
  const cJSON *tag = rel ? cJSON_GetObjectItemCaseSensitive(rel, "tag") : NULL;
  const cJSON *t;
  if (!cJSON_IsArray(tag)) tag = NULL;
  cJSON_ArrayForEach(t, tag) {
    if (!cJSON_IsString(t)) continue;
    if (out.len) buf_addc(&out, ',');
    buf_adds(&out, t->valuestring);
  }
  cJSON_Delete(rel);
  return buf_detach(&out, NULL);
}

void release_release(Release *r) {
  cJSON_Delete(r->root);
  free(r->ocid);
  free(r->id);
  free(r->notes);
  memset(r, 0, sizeof *r);
}

/* Whitespace between JSON tokens does not count: a re-formatted copy of a
 * release is the same release. Inside strings every byte counts. */
uint64_t release_hash(const char *text, size_t len) {
  uint64_t h = 1469598103934665603ull;
  int in_str = 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)text[i];
    if (in_str) {
      if (c == '\\' && i + 1 < len) {
        h = (h ^ c) * 1099511628211ull;
        c = (unsigned char)text[++i];
      } else if (c == '"') {
        in_str = 0;
      }
    } else if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
      continue;
    } else if (c == '"') {
      in_str = 1;
    }
    h = (h ^ c) * 1099511628211ull;
  }
  return h;
}

/* posting.c -- the readers, writer and check of posting.h.
 *
 * Reading walks each object twice: once over its keys, to name the unknown
 * ones (and those given twice), and once through the known keys in a fixed
 * order, so that the notice's currency is known before its lots are read.
 * Every string goes through read_text: valid UTF-8, trimmed, "\r\n" made
 * "\n" (long texts only), no other control character, within its limit;
 * empty means not given. A key whose value is JSON null is not given either,
 * which lets an amendment clear a field.
 *
 * Messages never echo what was typed, except a CPV code once it has been
 * normalised to its 8 digits: an issue is shown back to people and logged.
 *
 * The writer uses Buf rather than cJSON: buf_add_json_num writes the
 * shortest text that reads back as exactly the same double (cJSON's printer
 * accepts a near miss), and cJSON's allocator may be a request's arena
 * (base/jarena.h) while the result here is the caller's to free(). */
#include "model/posting.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/utf8.h"
#include "model/account.h"
#include "model/cpv.h"
#include "model/region.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define FIELD_SIZE sizeof(((PostingIssue *)0)->field)
#define VALUE_MAX_TEXT "1,000,000,000,000" /* POSTING_VALUE_MAX for people */

static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static int is_upper(unsigned char c) { return c >= 'A' && c <= 'Z'; }
static int is_lower(unsigned char c) { return c >= 'a' && c <= 'z'; }
static int is_alnum(unsigned char c) { return is_digit(c) || is_upper(c) || is_lower(c); }
static int is_space(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
static unsigned char to_upper(unsigned char c) { return is_lower(c) ? (unsigned char)(c - 32) : c; }

/* ---- vocabularies ---- */

static const char *const stage_names[] = {"tender", "pipeline", "engagement"};
static const char *const procedure_names[] = {"", "open", "selective", "limited"};
static const char *const apply_names[] = {"", "link", "email", "note"};

static const char *name_of(const char *const *names, size_t n, int v) {
  return v >= 0 && (size_t)v < n ? names[v] : "";
}

/* index of s in names[first..n), or -1 */
static int index_of(const char *const *names, size_t n, size_t first, const char *s) {
  if (!s) return -1;
  for (size_t i = first; i < n; i++)
    if (strcmp(names[i], s) == 0) return (int)i;
  return -1;
}

const char *posting_stage_name(PostingStage s) { return name_of(stage_names, COUNT(stage_names), (int)s); }
const char *procedure_name(Procedure p) { return name_of(procedure_names, COUNT(procedure_names), (int)p); }
const char *apply_route_name(ApplyRoute a) { return name_of(apply_names, COUNT(apply_names), (int)a); }

int posting_stage_parse(const char *s, PostingStage *out) {
  int i = index_of(stage_names, COUNT(stage_names), 0, s);
  if (i < 0) return -1;
  *out = (PostingStage)i;
  return 0;
}

int procedure_parse(const char *s, Procedure *out) {
  int i = index_of(procedure_names, COUNT(procedure_names), 1, s);
  if (i < 0) return -1;
  *out = (Procedure)i;
  return 0;
}

int apply_route_parse(const char *s, ApplyRoute *out) {
  int i = index_of(apply_names, COUNT(apply_names), 1, s);
  if (i < 0) return -1;
  *out = (ApplyRoute)i;
  return 0;
}

/* ---- lifecycle ---- */

void posting_init(Posting *p) {
  memset(p, 0, sizeof *p);
  p->stage = POSTING_TENDER;
  memcpy(p->currency, "GBP", 4);
}

static void free_list(char **list, size_t n) {
  for (size_t i = 0; i < n; i++) free(list[i]);
  free(list);
}

static void lot_release(PostingLot *l) {
  free(l->title);
  free(l->description);
  free_list(l->cpv, l->n_cpv);
  memset(l, 0, sizeof *l);
}

static void lots_free(PostingLot *lots, size_t n) {
  for (size_t i = 0; i < n; i++) lot_release(&lots[i]);
  free(lots);
}

static void criteria_free(PostingCriterion *c, size_t n) {
  for (size_t i = 0; i < n; i++) free(c[i].name);
  free(c);
}

void posting_release(Posting *p) {
  if (!p) return;
  free(p->title);
  free(p->description);
  free_list(p->cpv, p->n_cpv);
  free(p->rationale);
  free(p->extension);
  free_list(p->regions, p->n_regions);
  free_list(p->postcodes, p->n_postcodes);
  lots_free(p->lots, p->n_lots);
  free(p->reserved);
  free(p->reserved_county);
  criteria_free(p->criteria, p->n_criteria);
  free(p->apply_to);
  free(p->contact_name);
  free(p->contact_email);
  free(p->contact_phone);
  free(p->expected);
  free(p->engagement);
  free(p->related_ocid);
  posting_init(p);
}

static char *dup_or_null(const char *s) { return s ? xstrdup(s) : NULL; }

static char **list_copy(char *const *src, size_t n) {
  if (!n) return NULL;
  char **out = xcalloc(n, sizeof *out);
  for (size_t i = 0; i < n; i++) out[i] = xstrdup(src[i]);
  return out;
}

void posting_copy(Posting *dst, const Posting *src) {
  *dst = *src; /* the scalars and fixed arrays; every pointer is replaced below */
  dst->title = dup_or_null(src->title);
  dst->description = dup_or_null(src->description);
  dst->cpv = list_copy(src->cpv, src->n_cpv);
  dst->rationale = dup_or_null(src->rationale);
  dst->extension = dup_or_null(src->extension);
  dst->regions = list_copy(src->regions, src->n_regions);
  dst->postcodes = list_copy(src->postcodes, src->n_postcodes);
  dst->lots = src->n_lots ? xcalloc(src->n_lots, sizeof *dst->lots) : NULL;
  for (size_t i = 0; i < src->n_lots; i++) {
    const PostingLot *l = &src->lots[i];
    dst->lots[i] = *l;
    dst->lots[i].title = dup_or_null(l->title);
    dst->lots[i].description = dup_or_null(l->description);
    dst->lots[i].cpv = list_copy(l->cpv, l->n_cpv);
  }
  dst->reserved = dup_or_null(src->reserved);
  dst->reserved_county = dup_or_null(src->reserved_county);
  dst->criteria = src->n_criteria ? xcalloc(src->n_criteria, sizeof *dst->criteria) : NULL;
  for (size_t i = 0; i < src->n_criteria; i++) {
    dst->criteria[i].name = dup_or_null(src->criteria[i].name);
    dst->criteria[i].weight = src->criteria[i].weight;
  }
  dst->apply_to = dup_or_null(src->apply_to);
  dst->contact_name = dup_or_null(src->contact_name);
  dst->contact_email = dup_or_null(src->contact_email);
  dst->contact_phone = dup_or_null(src->contact_phone);
  dst->expected = dup_or_null(src->expected);
  dst->engagement = dup_or_null(src->engagement);
  dst->related_ocid = dup_or_null(src->related_ocid);
}

/* ---- equality ---- */

static int same_str(const char *a, const char *b) { return a && b ? strcmp(a, b) == 0 : a == b; }

static int same_list(char *const *a, size_t an, char *const *b, size_t bn) {
  if (an != bn) return 0;
  for (size_t i = 0; i < an; i++)
    if (!same_str(a[i], b[i])) return 0;
  return 1;
}

static int same_lot(const PostingLot *a, const PostingLot *b) {
  return same_str(a->title, b->title) && same_str(a->description, b->description) && a->has_value == b->has_value &&
         (!a->has_value || a->value == b->value) && same_list(a->cpv, a->n_cpv, b->cpv, b->n_cpv);
}

int posting_equal(const Posting *a, const Posting *b) {
  if (a->stage != b->stage || !same_str(a->title, b->title) || !same_str(a->description, b->description) ||
      !same_list(a->cpv, a->n_cpv, b->cpv, b->n_cpv) || a->has_value != b->has_value ||
      strcmp(a->currency, b->currency) != 0 || a->procedure != b->procedure ||
      !same_str(a->rationale, b->rationale) || a->deadline != b->deadline ||
      a->enquiry_deadline != b->enquiry_deadline || strcmp(a->start, b->start) != 0 ||
      strcmp(a->end, b->end) != 0 || !same_str(a->extension, b->extension) ||
      !same_list(a->regions, a->n_regions, b->regions, b->n_regions) ||
      !same_list(a->postcodes, a->n_postcodes, b->postcodes, b->n_postcodes) || a->n_lots != b->n_lots ||
      a->sme != b->sme || a->vcse != b->vcse || !same_str(a->reserved, b->reserved) ||
      !same_str(a->reserved_county, b->reserved_county) || a->n_criteria != b->n_criteria ||
      a->apply != b->apply || !same_str(a->apply_to, b->apply_to) || !same_str(a->contact_name, b->contact_name) ||
      !same_str(a->contact_email, b->contact_email) || !same_str(a->contact_phone, b->contact_phone) ||
      !same_str(a->expected, b->expected) || !same_str(a->engagement, b->engagement) ||
      !same_str(a->related_ocid, b->related_ocid))
    return 0;
  if (a->has_value && (a->value_min != b->value_min || a->value_max != b->value_max)) return 0;
  for (size_t i = 0; i < a->n_lots; i++)
    if (!same_lot(&a->lots[i], &b->lots[i])) return 0;
  for (size_t i = 0; i < a->n_criteria; i++)
    if (!same_str(a->criteria[i].name, b->criteria[i].name) || a->criteria[i].weight != b->criteria[i].weight)
      return 0;
  return 1;
}

/* ---- issues ---- */

void posting_issue(PostingIssues *is, int warning, const char *field, const char *fmt, ...) {
  if (is->n >= POSTING_MAX_ISSUES) {
    is->dropped++;
    return;
  }
  PostingIssue *it = &is->items[is->n++];
  snprintf(it->field, sizeof it->field, "%s", field ? field : "");
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(it->message, sizeof it->message, fmt, ap);
  va_end(ap);
  it->warning = warning;
}

/* Dropped issues count as errors: which they were is not known, and
 * publishing something with an unseen error is worse than holding it back. */
size_t posting_errors(const PostingIssues *is) {
  size_t n = is->dropped;
  for (size_t i = 0; i < is->n; i++) n += !is->items[i].warning;
  return n;
}

void posting_field_id(const char *field, char *out, size_t cap) {
  if (!cap) return;
  size_t o = 0;
  for (const char *f = field ? field : ""; *f && o + 1 < cap; f++) {
    int sep = *f == '.' || *f == '[' || *f == ']';
    if (sep && o && out[o - 1] == '-') continue; /* "].": one '-' */
    out[o++] = sep ? '-' : *f;
  }
  while (o && out[o - 1] == '-') o--;
  out[o] = 0;
}

/* ---- reading: the pieces ---- */

/* A field's name: "lots[2].title" from path "lots[2]" and key "title". */
static void join(char out[FIELD_SIZE], const char *path, const char *key) {
  if (snprintf(out, FIELD_SIZE, "%s%s%s", path, *path && *key ? "." : "", key) >= (int)FIELD_SIZE)
    out[FIELD_SIZE - 1] = 0; /* cut: never longer than "lots[49].cpv[19]" unless a key was unknown */
}

static void join_index(char out[FIELD_SIZE], const char *path, size_t i) {
  if (snprintf(out, FIELD_SIZE, "%s[%zu]", path, i) >= (int)FIELD_SIZE) out[FIELD_SIZE - 1] = 0;
}

/* A key as it may appear in a field name: letters, digits, '_' and '-' (at
 * most 40), anything else as '?'. */
static void safe_key(const char *key, char out[41]) {
  size_t o = 0;
  for (const char *k = key ? key : ""; *k && o < 40; k++)
    out[o++] = is_alnum((unsigned char)*k) || *k == '_' || *k == '-' ? *k : '?';
  out[o] = 0;
}

/* Each key of obj that is not in known (NULL-terminated) is an issue, as is
 * a key given twice. */
static void check_keys(const cJSON *obj, const char *path, const char *const *known, PostingIssues *is) {
  for (const cJSON *c = obj->child; c; c = c->next) {
    char key[41], field[FIELD_SIZE];
    safe_key(c->string, key);
    join(field, path, key);
    int found = 0;
    for (const char *const *k = known; *k && !found; k++) found = c->string && strcmp(*k, c->string) == 0;
    if (!found) {
      posting_issue(is, 0, field, "Unknown field");
      continue;
    }
    for (const cJSON *d = obj->child; d != c; d = d->next)
      if (d->string && strcmp(d->string, c->string) == 0) {
        posting_issue(is, 0, field, "This field is given twice");
        break;
      }
  }
}

/* Present: not missing and not JSON null. */
static int given(const cJSON *v) { return v && !cJSON_IsNull(v); }

static const cJSON *get(const cJSON *obj, const char *key) { return cJSON_GetObjectItemCaseSensitive(obj, key); }

/* v must be an object: 1 yes, 0 not given, -1 an issue. */
static int want_object(const cJSON *v, const char *field, const char *label, PostingIssues *is) {
  if (!given(v)) return 0;
  if (cJSON_IsObject(v)) return 1;
  posting_issue(is, 0, field, "%s must be a JSON object", label);
  return -1;
}

/* v must be an array of at most max items: its length, 0 not given, -1 an issue. */
static int want_array(const cJSON *v, const char *field, const char *label, size_t max, const char *plural,
                      PostingIssues *is) {
  if (!given(v)) return 0;
  if (!cJSON_IsArray(v)) {
    posting_issue(is, 0, field, "%s must be a list", label);
    return -1;
  }
  int n = cJSON_GetArraySize(v);
  if ((size_t)n > max) {
    posting_issue(is, 0, field, "Give %zu %s or fewer", max, plural);
    return -1;
  }
  return n;
}

/* A control character at s (valid UTF-8): C0, DEL, C1. */
static int control_at(const unsigned char *s) {
  return s[0] < 0x20 || s[0] == 0x7F || (s[0] == 0xC2 && s[1] >= 0x80 && s[1] <= 0x9F);
}

/* The string at v, cleaned as the file comment says, into *out (malloc'd,
 * NULL when not given; any old *out is freed). 0 ok, -1 an issue. lines: a
 * long text, where line breaks may stay. */
static int read_text(const cJSON *v, const char *field, const char *label, size_t max, int lines, char **out,
                     PostingIssues *is) {
  free(*out);
  *out = NULL;
  if (!given(v)) return 0;
  if (!cJSON_IsString(v) || !v->valuestring) {
    posting_issue(is, 0, field, "%s must be text", label);
    return -1;
  }
  const char *s = v->valuestring;
  size_t n = strlen(s);
  if (utf8_check(s, n, NULL) != 0) {
    posting_issue(is, 0, field, "%s must not include characters that are not text (invalid UTF-8)", label);
    return -1;
  }
  while (n && is_space((unsigned char)s[n - 1])) n--;
  while (n && is_space((unsigned char)*s)) s++, n--;
  if (n == 0) return 0;
  Buf b = BUF_INIT;
  for (size_t i = 0; i < n; i++) {
    const unsigned char *u = (const unsigned char *)s + i;
    if (lines && u[0] == '\r' && i + 1 < n && u[1] == '\n') continue;
    if (lines && u[0] == '\n') {
      buf_addc(&b, '\n');
      continue;
    }
    if (control_at(u)) {
      buf_release(&b);
      if (!lines && (u[0] == '\n' || u[0] == '\r')) posting_issue(is, 0, field, "%s must be one line", label);
      else posting_issue(is, 0, field, "%s must not include control characters", label);
      return -1;
    }
    buf_addc(&b, (char)u[0]);
  }
  if (b.len > max) {
    buf_release(&b);
    posting_issue(is, 0, field, "%s must be %zu characters or fewer", label, max);
    return -1;
  }
  *out = buf_detach(&b, NULL);
  return 0;
}

/* A true/false value into *out (0 when not given). */
static int read_bool(const cJSON *v, const char *field, const char *label, int *out, PostingIssues *is) {
  *out = 0;
  if (!given(v)) return 0;
  if (!cJSON_IsBool(v)) {
    posting_issue(is, 0, field, "%s must be true or false", label);
    return -1;
  }
  *out = cJSON_IsTrue(v);
  return 0;
}

/* An amount of money: 1 read, 0 not given, -1 an issue. */
static int read_amount(const cJSON *v, const char *field, const char *label, double *out, PostingIssues *is) {
  if (!given(v)) return 0;
  if (!cJSON_IsNumber(v)) {
    posting_issue(is, 0, field, "%s must be a number", label);
    return -1;
  }
  double d = v->valuedouble;
  if (!isfinite(d) || d < 0 || d > POSTING_VALUE_MAX) {
    posting_issue(is, 0, field, "%s must be a number from 0 to " VALUE_MAX_TEXT, label);
    return -1;
  }
  *out = d;
  return 1;
}

/* A whole number in [min, max]: 1 read, 0 not given, -1 an issue. */
static int read_int(const cJSON *v, const char *field, const char *label, long long min, long long max,
                    long long *out, PostingIssues *is) {
  if (!given(v)) return 0;
  double d = cJSON_IsNumber(v) ? v->valuedouble : NAN;
  if (!isfinite(d) || d != floor(d) || d < (double)min || d > (double)max) {
    posting_issue(is, 0, field, "%s must be a whole number from %lld to %lld", label, min, max);
    return -1;
  }
  *out = (long long)d;
  return 1;
}

/* One of names[first..n) into *out (index), 0 when not given. */
static int read_choice(const cJSON *v, const char *field, const char *const *names, size_t n, size_t first,
                       int *out, const char *why, PostingIssues *is) {
  *out = 0;
  if (!given(v)) return 0;
  int i = cJSON_IsString(v) ? index_of(names, n, first, v->valuestring) : -1;
  if (i < 0) {
    posting_issue(is, 0, field, "%s", why);
    return -1;
  }
  *out = i;
  return 0;
}

/* "YYYY-MM-DD", a real date, into out[11] ("" when not given). */
static int date_ok(const char *s) {
  time_t t;
  if (strlen(s) != 10) return 0;
  for (int i = 0; i < 10; i++)
    if (i == 4 || i == 7 ? s[i] != '-' : !is_digit((unsigned char)s[i])) return 0;
  return date_parse(s, &t) == 0;
}

static int read_date(const cJSON *v, const char *field, const char *label, char out[11], PostingIssues *is) {
  out[0] = 0;
  if (!given(v)) return 0;
  const char *s = cJSON_IsString(v) ? v->valuestring : NULL;
  if (!s || !date_ok(s)) {
    posting_issue(is, 0, field, "%s must be a real date, like 2027-04-01", label);
    return -1;
  }
  memcpy(out, s, 11);
  return 0;
}

/* An RFC 3339 date and time with its zone, into *out (0 when not given).
 * what: "a deadline"; the: "the deadline". */
static int read_instant(const cJSON *v, const char *field, const char *what, const char *the, int64_t *out,
                        PostingIssues *is) {
  *out = 0;
  if (!given(v)) return 0;
  const char *s = cJSON_IsString(v) ? v->valuestring : NULL;
  time_t t;
  if (s && strlen(s) > 10 && date_parse(s, &t) != 0 && date_parse_unzoned(s, &t) == 0) {
    posting_issue(is, 0, field, "Include the time zone in %s, like 2027-03-01T12:00:00Z or 2027-03-01T12:00:00+01:00",
                  the);
    return -1;
  }
  if (!s || strlen(s) <= 10 || date_parse(s, &t) != 0 || t <= 0) {
    posting_issue(is, 0, field, "Enter %s as a date and time, like 2027-03-01T12:00:00Z", what);
    return -1;
  }
  *out = (int64_t)t;
  return 0;
}

/* A currency into out[4]: three letters, upper-cased ("GBP" when not given). */
static int read_currency(const cJSON *v, const char *field, char out[4], PostingIssues *is) {
  memcpy(out, "GBP", 4);
  if (!given(v)) return 0;
  const char *s = cJSON_IsString(v) ? v->valuestring : NULL;
  int ok = s && strlen(s) == 3;
  for (int i = 0; ok && i < 3; i++) ok = is_upper(to_upper((unsigned char)s[i]));
  if (!ok) {
    posting_issue(is, 0, field, "Currency must be a 3-letter code, like GBP");
    return -1;
  }
  for (int i = 0; i < 3; i++) out[i] = (char)to_upper((unsigned char)s[i]);
  out[3] = 0;
  return 0;
}

/* A value object: {"amount", "currency"}, and with range {"min", "max"} in
 * place of the amount. */
typedef struct {
  int has;
  double min, max;
  char currency[4];
} Money;

static int read_money(const cJSON *v, const char *path, const char *label, int range, Money *m, PostingIssues *is) {
  static const char *const one[] = {"amount", "currency", NULL};
  static const char *const both[] = {"amount", "min", "max", "currency", NULL};
  memset(m, 0, sizeof *m);
  memcpy(m->currency, "GBP", 4);
  int r = want_object(v, path, label, is);
  if (r <= 0) return r;
  size_t before = posting_errors(is);
  check_keys(v, path, range ? both : one, is);
  char field[FIELD_SIZE], lab[80];
  join(field, path, "currency");
  read_currency(get(v, "currency"), field, m->currency, is);
  join(field, path, "amount");
  snprintf(lab, sizeof lab, "%s amount", label);
  int has_amount = read_amount(get(v, "amount"), field, lab, &m->min, is);
  m->max = m->min;
  if (range && given(get(v, "min")) + given(get(v, "max")) > 0) {
    if (has_amount) {
      posting_issue(is, 0, path, "Give an amount, or a minimum and a maximum, not both");
      return -1;
    }
    int got = 0;
    join(field, path, "min");
    snprintf(lab, sizeof lab, "%s minimum", label);
    got += read_amount(get(v, "min"), field, lab, &m->min, is) == 1;
    join(field, path, "max");
    snprintf(lab, sizeof lab, "%s maximum", label);
    got += read_amount(get(v, "max"), field, lab, &m->max, is) == 1;
    if (got == 1) posting_issue(is, 0, path, "Give both a minimum and a maximum, or one amount");
    m->has = got == 2;
  } else {
    m->has = has_amount == 1;
    if (!has_amount) posting_issue(is, 0, field, "%s must have an amount", label);
  }
  return posting_errors(is) == before ? 1 : -1;
}

/* ---- lists of codes ---- */

/* A normaliser: 0 with the code in out[16], or -1 with a message in msg. */
typedef int (*NormFn)(const char *in, char out[16], char *msg, size_t cap);

static int norm_cpv(const char *in, char out[16], char *msg, size_t cap) {
  char code[9];
  if (cpv_normalise(in, code) != 0) {
    snprintf(msg, cap, "Enter a CPV code as 8 digits, like 72000000");
    return -1;
  }
  if (!cpv_label(code)) {
    snprintf(msg, cap, "CPV code %s is not a CPV code; pick one from the list", code);
    return -1;
  }
  memcpy(out, code, 9);
  return 0;
}

/* An ITL code: an ITL1 code (TLC..TLN) and up to two more letters or digits. */
static int norm_region(const char *in, char out[16], char *msg, size_t cap) {
  size_t n = strlen(in);
  int ok = n >= 3 && n <= 5;
  for (size_t i = 0; ok && i < n; i++) {
    ok = is_alnum((unsigned char)in[i]);
    out[i] = (char)to_upper((unsigned char)in[i]);
  }
  if (ok) {
    char itl1[4] = {out[0], out[1], out[2], 0};
    out[n] = 0;
    ok = region_name(itl1) != NULL;
  }
  if (!ok) snprintf(msg, cap, "Enter a region as an ITL code, like TLE or TLE42");
  return ok ? 0 : -1;
}

/* A UK postcode: outward code A9, A99, AA9, AA99, A9A or AA9A, then 9AA;
 * spaces anywhere ignored, written upper case with one space. */
static int norm_postcode(const char *in, char out[16], char *msg, size_t cap) {
  char c[8];
  size_t n = 0;
  int ok = 1;
  for (const char *s = in; *s && ok; s++) {
    if (*s == ' ') continue;
    if (n == 7) ok = 0;
    else c[n++] = (char)to_upper((unsigned char)*s);
  }
  ok = ok && n >= 5;
  if (ok) {
    const unsigned char *u = (const unsigned char *)c, *in3 = u + n - 3;
    size_t o = n - 3; /* outward length, 2..4 */
    ok = is_digit(in3[0]) && is_upper(in3[1]) && is_upper(in3[2]) && is_upper(u[0]);
    size_t d = is_upper(u[1]) ? 2 : 1; /* where the district's digit is */
    ok = ok && d < o && is_digit(u[d]);
    /* after the digit: nothing, a digit, or (A9A, AA9A) a letter */
    ok = ok && (o == d + 1 || (o == d + 2 && (is_digit(u[d + 1]) || is_upper(u[d + 1]))));
    if (ok) {
      memcpy(out, c, o);
      out[o] = ' ';
      memcpy(out + o + 1, c + o, 3);
      out[o + 4] = 0;
    }
  }
  if (!ok) snprintf(msg, cap, "Enter a postcode in the correct format, like LS1 4DY");
  return ok ? 0 : -1;
}

/* A list of codes at v: each normalised, duplicates dropped. noun: "CPV
 * code", plural: "CPV codes". *list is freed first. */
static void read_codes(const cJSON *v, const char *field, const char *label, size_t max, const char *noun,
                       const char *plural, NormFn norm, char ***list, size_t *n, PostingIssues *is) {
  free_list(*list, *n);
  *list = NULL;
  *n = 0;
  int count = want_array(v, field, label, max, plural, is);
  if (count <= 0) return;
  *list = xcalloc((size_t)count, sizeof **list);
  size_t i = 0;
  for (const cJSON *item = v->child; item; item = item->next, i++) {
    char f[FIELD_SIZE], lab[64], code[16], msg[160];
    join_index(f, field, i);
    snprintf(lab, sizeof lab, "%s %zu", noun, i + 1);
    char *text = NULL;
    if (!given(item)) {
      posting_issue(is, 0, f, "%s must be text", lab);
      continue;
    }
    if (read_text(item, f, lab, 64, 0, &text, is) != 0) continue;
    if (!text) continue; /* an empty entry is nothing */
    int r = norm(text, code, msg, sizeof msg);
    free(text);
    if (r != 0) {
      posting_issue(is, 0, f, "%s", msg);
      continue;
    }
    int dup = 0;
    for (size_t j = 0; j < *n && !dup; j++) dup = strcmp((*list)[j], code) == 0;
    if (!dup) (*list)[(*n)++] = xstrdup(code);
  }
}

/* ---- links, email, phone ---- */

/* http:// or https://, a host of letters, digits, '.' and '-' (no user
 * part), then anything without spaces. */
static int link_ok(const char *s) {
  size_t skip = strncmp(s, "https://", 8) == 0 ? 8 : strncmp(s, "http://", 7) == 0 ? 7 : 0;
  if (!skip) return 0;
  for (const char *c = s; *c; c++)
    if (is_space((unsigned char)*c)) return 0;
  const char *h = s + skip;
  size_t n = 0;
  while (h[n] && !strchr("/?#:", h[n])) {
    if (!is_alnum((unsigned char)h[n]) && h[n] != '.' && h[n] != '-') return 0;
    n++;
  }
  return n > 0 && h[0] != '.' && h[0] != '-';
}

/* The email at v into *out, lower-cased (account_email_check). */
static int read_email(const cJSON *v, const char *field, const char *label, char **out, PostingIssues *is) {
  if (read_text(v, field, label, POSTING_SHORT_MAX, 0, out, is) != 0) return -1;
  if (!*out) return 0;
  char e[ACCOUNT_EMAIL_SIZE];
  const char *why = NULL;
  if (account_email_check(*out, e, sizeof e, &why) != 0) {
    free(*out);
    *out = NULL;
    posting_issue(is, 0, field, "Enter an email address in the correct format, like name@example.com");
    return -1;
  }
  free(*out);
  *out = xstrdup(e);
  return 0;
}

static int phone_ok(const char *s) {
  size_t digits = 0;
  for (; *s; s++) {
    if (is_digit((unsigned char)*s)) digits++;
    else if (!strchr("+() -", *s)) return 0;
  }
  return digits >= 3 && digits <= 20;
}

/* ---- reading a posting ---- */

static const char *const posting_keys[] = {
    "stage",    "title",      "description", "cpv",           "value",       "procedure", "rationale",
    "deadline", "enquiryDeadline", "contractStart", "contractEnd", "extension", "regions",  "postcodes",
    "lots",     "sme",        "vcse",        "reserved",      "reservedCounty", "criteria", "apply",
    "contact",  "expected",   "engagement",  "relatedOcid",   "draft",       NULL};

static void read_lot(const cJSON *v, size_t i, const char *currency, PostingLot *l, PostingIssues *is) {
  static const char *const keys[] = {"title", "description", "value", "cpv", NULL};
  char path[FIELD_SIZE], field[FIELD_SIZE], label[64];
  join_index(path, "lots", i);
  snprintf(label, sizeof label, "Lot %zu", i + 1);
  if (want_object(v, path, label, is) <= 0) {
    if (!given(v)) posting_issue(is, 0, path, "%s must be a JSON object", label);
    return;
  }
  check_keys(v, path, keys, is);
  join(field, path, "title");
  snprintf(label, sizeof label, "Lot %zu title", i + 1);
  read_text(get(v, "title"), field, label, POSTING_TITLE_MAX, 0, &l->title, is);
  join(field, path, "description");
  snprintf(label, sizeof label, "Lot %zu description", i + 1);
  read_text(get(v, "description"), field, label, POSTING_TEXT_MAX, 1, &l->description, is);
  join(field, path, "value");
  snprintf(label, sizeof label, "Lot %zu value", i + 1);
  Money m;
  if (read_money(get(v, "value"), field, label, 0, &m, is) == 1) {
    if (strcmp(m.currency, currency) != 0) {
      char cur[FIELD_SIZE];
      join(cur, field, "currency");
      posting_issue(is, 0, cur, "Lot %zu currency must be the notice's currency (%s)", i + 1, currency);
    } else {
      l->has_value = 1;
      l->value = m.min;
    }
  }
  join(field, path, "cpv");
  snprintf(label, sizeof label, "Lot %zu CPV codes", i + 1);
  read_codes(get(v, "cpv"), field, label, POSTING_MAX_CPV, "CPV code", "CPV codes", norm_cpv, &l->cpv, &l->n_cpv, is);
}

static void read_lots(const cJSON *v, Posting *p, PostingIssues *is) {
  lots_free(p->lots, p->n_lots);
  p->lots = NULL;
  p->n_lots = 0;
  int n = want_array(v, "lots", "Lots", POSTING_MAX_LOTS, "lots", is);
  if (n <= 0) return;
  p->lots = xcalloc((size_t)n, sizeof *p->lots);
  for (const cJSON *item = v->child; item; item = item->next, p->n_lots++)
    read_lot(item, p->n_lots, p->currency, &p->lots[p->n_lots], is);
}

static void read_criteria(const cJSON *v, Posting *p, PostingIssues *is) {
  static const char *const keys[] = {"name", "weight", NULL};
  criteria_free(p->criteria, p->n_criteria);
  p->criteria = NULL;
  p->n_criteria = 0;
  int n = want_array(v, "criteria", "Criteria", POSTING_MAX_CRITERIA, "criteria", is);
  if (n <= 0) return;
  p->criteria = xcalloc((size_t)n, sizeof *p->criteria);
  for (const cJSON *item = v->child; item; item = item->next) {
    size_t i = p->n_criteria++;
    PostingCriterion *c = &p->criteria[i];
    char path[FIELD_SIZE], field[FIELD_SIZE], label[64];
    join_index(path, "criteria", i);
    snprintf(label, sizeof label, "Criterion %zu", i + 1);
    if (want_object(item, path, label, is) <= 0) {
      if (!given(item)) posting_issue(is, 0, path, "%s must be a JSON object", label);
      continue;
    }
    check_keys(item, path, keys, is);
    join(field, path, "name");
    snprintf(label, sizeof label, "Criterion %zu name", i + 1);
    read_text(get(item, "name"), field, label, POSTING_SHORT_MAX, 0, &c->name, is);
    join(field, path, "weight");
    snprintf(label, sizeof label, "Criterion %zu weight", i + 1);
    long long w = 0;
    if (read_int(get(item, "weight"), field, label, 1, 100, &w, is) == 1) c->weight = (int)w;
  }
}

static void read_apply(const cJSON *v, Posting *p, PostingIssues *is) {
  static const char *const keys[] = {"route", "to", NULL};
  p->apply = APPLY_NONE;
  free(p->apply_to);
  p->apply_to = NULL;
  if (want_object(v, "apply", "How to apply", is) <= 0) return;
  check_keys(v, "apply", keys, is);
  int route;
  read_choice(get(v, "route"), "apply.route", apply_names, COUNT(apply_names), 1, &route,
              "Choose how suppliers apply: link, email or note", is);
  p->apply = (ApplyRoute)route;
  if (p->apply == APPLY_EMAIL) {
    read_email(get(v, "to"), "apply.to", "Where to apply", &p->apply_to, is);
    return;
  }
  if (read_text(get(v, "to"), "apply.to", "Where to apply", POSTING_SHORT_MAX, 0, &p->apply_to, is) != 0) return;
  if (p->apply == APPLY_LINK && p->apply_to && !link_ok(p->apply_to)) {
    free(p->apply_to);
    p->apply_to = NULL;
    posting_issue(is, 0, "apply.to", "Enter a link that starts with https:// or http://, like https://example.com/tender");
  }
}

static void read_contact(const cJSON *v, Posting *p, PostingIssues *is) {
  static const char *const keys[] = {"name", "email", "phone", NULL};
  free(p->contact_name);
  free(p->contact_email);
  free(p->contact_phone);
  p->contact_name = p->contact_email = p->contact_phone = NULL;
  if (want_object(v, "contact", "Contact", is) <= 0) return;
  check_keys(v, "contact", keys, is);
  read_text(get(v, "name"), "contact.name", "Contact name", POSTING_SHORT_MAX, 0, &p->contact_name, is);
  read_email(get(v, "email"), "contact.email", "Contact email", &p->contact_email, is);
  if (read_text(get(v, "phone"), "contact.phone", "Contact telephone", POSTING_SHORT_MAX, 0, &p->contact_phone, is) ==
          0 &&
      p->contact_phone && !phone_ok(p->contact_phone)) {
    free(p->contact_phone);
    p->contact_phone = NULL;
    posting_issue(is, 0, "contact.phone", "Enter a telephone number, like 01632 960 001 or +44 808 157 0192");
  }
}

/* "YYYY-MM" or "YYYY-MM-DD", real */
static int expected_ok(const char *s) {
  if (strlen(s) == 10) return date_ok(s);
  char d[11];
  if (strlen(s) != 7) return 0;
  memcpy(d, s, 7);
  memcpy(d + 7, "-01", 4);
  return date_ok(d);
}

/* Reads the keys of root that are given into p, replacing what p held for
 * them. amending: root is an amendment's body, whose "rationale" is the
 * reason for the change (read by the caller), not the procedure's. */
static void read_posting(const cJSON *root, Posting *p, int amending, PostingIssues *is) {
  const cJSON *v;
  check_keys(root, "", posting_keys, is);
  if ((v = get(root, "stage"))) {
    int s;
    read_choice(v, "stage", stage_names, COUNT(stage_names), 0, &s,
                "Choose what the notice is for: tender, pipeline or engagement", is);
    p->stage = (PostingStage)s;
  }
  if ((v = get(root, "title"))) read_text(v, "title", "Title", POSTING_TITLE_MAX, 0, &p->title, is);
  if ((v = get(root, "description")))
    read_text(v, "description", "Description", POSTING_TEXT_MAX, 1, &p->description, is);
  if ((v = get(root, "cpv")))
    read_codes(v, "cpv", "CPV codes", POSTING_MAX_CPV, "CPV code", "CPV codes", norm_cpv, &p->cpv, &p->n_cpv, is);
  if ((v = get(root, "value"))) {
    Money m;
    int r = read_money(v, "value", "Value", 1, &m, is);
    p->has_value = r == 1;
    p->value_min = r == 1 ? m.min : 0;
    p->value_max = r == 1 ? m.max : 0;
    memcpy(p->currency, r == 1 ? m.currency : "GBP", 4);
  }
  if ((v = get(root, "procedure"))) {
    int pr;
    read_choice(v, "procedure", procedure_names, COUNT(procedure_names), 1, &pr,
                "Choose a procedure: open, selective or limited", is);
    p->procedure = (Procedure)pr;
  }
  if (!amending && (v = get(root, "rationale"))) read_text(v, "rationale", "Rationale", POSTING_SHORT_MAX, 0, &p->rationale, is);
  if ((v = get(root, "deadline"))) read_instant(v, "deadline", "a deadline", "the deadline", &p->deadline, is);
  if ((v = get(root, "enquiryDeadline")))
    read_instant(v, "enquiryDeadline", "an enquiry deadline", "the enquiry deadline", &p->enquiry_deadline, is);
  if ((v = get(root, "contractStart"))) read_date(v, "contractStart", "Contract start date", p->start, is);
  if ((v = get(root, "contractEnd"))) read_date(v, "contractEnd", "Contract end date", p->end, is);
  if ((v = get(root, "extension")))
    read_text(v, "extension", "Options to extend", POSTING_SHORT_MAX, 0, &p->extension, is);
  if ((v = get(root, "regions")))
    read_codes(v, "regions", "Regions", POSTING_MAX_REGIONS, "Region", "regions", norm_region, &p->regions,
               &p->n_regions, is);
  if ((v = get(root, "postcodes")))
    read_codes(v, "postcodes", "Postcodes", POSTING_MAX_POSTCODES, "Postcode", "postcodes", norm_postcode,
               &p->postcodes, &p->n_postcodes, is);
  if ((v = get(root, "lots"))) read_lots(v, p, is);
  if ((v = get(root, "sme"))) read_bool(v, "sme", "Suitable for SMEs", &p->sme, is);
  if ((v = get(root, "vcse"))) read_bool(v, "vcse", "Suitable for VCSEs", &p->vcse, is);
  if ((v = get(root, "reserved"))) {
    static const char *const reserved[] = {"sme", "vcse"};
    int r;
    free(p->reserved);
    p->reserved = NULL;
    if (read_choice(v, "reserved", reserved, COUNT(reserved), 0, &r,
                    "Choose who the contract is reserved for: sme or vcse", is) == 0 &&
        given(v))
      p->reserved = xstrdup(reserved[r]);
  }
  if ((v = get(root, "reservedCounty")))
    read_text(v, "reservedCounty", "Reserved county", POSTING_SHORT_MAX, 0, &p->reserved_county, is);
  if ((v = get(root, "criteria"))) read_criteria(v, p, is);
  if ((v = get(root, "apply"))) read_apply(v, p, is);
  if ((v = get(root, "contact"))) read_contact(v, p, is);
  if ((v = get(root, "expected")) &&
      read_text(v, "expected", "Expected date", 64, 0, &p->expected, is) == 0 && p->expected &&
      !expected_ok(p->expected)) {
    free(p->expected);
    p->expected = NULL;
    posting_issue(is, 0, "expected", "Enter when you expect to tender as a month or a date, like 2027-03 or 2027-03-15");
  }
  if ((v = get(root, "engagement")))
    read_text(v, "engagement", "Market engagement", POSTING_TEXT_MAX, 1, &p->engagement, is);
  if ((v = get(root, "relatedOcid")) &&
      read_text(v, "relatedOcid", "Related contract", POSTING_SHORT_MAX, 0, &p->related_ocid, is) == 0 &&
      p->related_ocid && strpbrk(p->related_ocid, " \n")) {
    free(p->related_ocid);
    p->related_ocid = NULL;
    posting_issue(is, 0, "relatedOcid", "Enter the related contract's OCID without spaces, like ocds-h6vhtk-04f1a2");
  }
}

/* root must be an object: 1 yes, else an issue with field "". */
static int want_body(const cJSON *root, PostingIssues *is) {
  if (cJSON_IsObject(root)) return 1;
  posting_issue(is, 0, "", "The body must be a JSON object");
  return 0;
}

int posting_from_json(const cJSON *root, Posting *p, PostingIssues *is) {
  size_t before = posting_errors(is);
  if (want_body(root, is)) read_posting(root, p, 0, is);
  return posting_errors(is) == before ? 0 : -1;
}

int posting_parse(const char *json, size_t len, Posting *p, PostingIssues *is) {
  if (len > POSTING_JSON_MAX) {
    posting_issue(is, 0, "", "The notice must be %d KB or smaller", POSTING_JSON_MAX / 1024);
    return -1;
  }
  cJSON *root = json ? cJSON_ParseWithLength(json, len) : NULL;
  if (!cJSON_IsObject(root)) {
    cJSON_Delete(root);
    posting_issue(is, 0, "", "The notice must be a JSON object");
    return -1;
  }
  int rc = posting_from_json(root, p, is);
  cJSON_Delete(root);
  return rc;
}

/* ---- writing ---- */

/* ',' before a key unless it is the first in its object. */
static void key(Buf *b, const char *k) {
  if (b->len && b->data[b->len - 1] != '{' && b->data[b->len - 1] != '[') buf_addc(b, ',');
  buf_add_json_str(b, k);
  buf_addc(b, ':');
}

static void put_str(Buf *b, const char *k, const char *v) {
  if (!v || !*v) return;
  key(b, k);
  buf_add_json_str(b, v);
}

static void put_list(Buf *b, const char *k, char *const *list, size_t n) {
  if (!n) return;
  key(b, k);
  buf_addc(b, '[');
  for (size_t i = 0; i < n; i++) {
    if (i) buf_addc(b, ',');
    buf_add_json_str(b, list[i]);
  }
  buf_addc(b, ']');
}

static void put_num(Buf *b, const char *k, double v) {
  key(b, k);
  buf_add_json_num(b, v);
}

static void put_instant(Buf *b, const char *k, int64_t t) {
  char s[DATE_LEN];
  if (!t) return;
  date_format((time_t)t, s);
  put_str(b, k, s);
}

char *posting_to_json(const Posting *p) {
  Buf b = BUF_INIT;
  buf_addc(&b, '{');
  put_str(&b, "stage", posting_stage_name(p->stage));
  put_str(&b, "title", p->title);
  put_str(&b, "description", p->description);
  put_list(&b, "cpv", p->cpv, p->n_cpv);
  if (p->has_value) {
    key(&b, "value");
    buf_addc(&b, '{');
    if (p->value_min == p->value_max) {
      put_num(&b, "amount", p->value_min);
    } else {
      put_num(&b, "min", p->value_min);
      put_num(&b, "max", p->value_max);
    }
    put_str(&b, "currency", p->currency);
    buf_addc(&b, '}');
  }
  put_str(&b, "procedure", procedure_name(p->procedure));
  put_str(&b, "rationale", p->rationale);
  put_instant(&b, "deadline", p->deadline);
  put_instant(&b, "enquiryDeadline", p->enquiry_deadline);
  put_str(&b, "contractStart", p->start);
  put_str(&b, "contractEnd", p->end);
  put_str(&b, "extension", p->extension);
  put_list(&b, "regions", p->regions, p->n_regions);
  put_list(&b, "postcodes", p->postcodes, p->n_postcodes);
  if (p->n_lots) {
    key(&b, "lots");
    buf_addc(&b, '[');
    for (size_t i = 0; i < p->n_lots; i++) {
      const PostingLot *l = &p->lots[i];
      buf_adds(&b, i ? ",{" : "{");
      put_str(&b, "title", l->title);
      put_str(&b, "description", l->description);
      if (l->has_value) {
        key(&b, "value");
        buf_addc(&b, '{');
        put_num(&b, "amount", l->value);
        put_str(&b, "currency", p->currency);
        buf_addc(&b, '}');
      }
      put_list(&b, "cpv", l->cpv, l->n_cpv);
      buf_addc(&b, '}');
    }
    buf_addc(&b, ']');
  }
  if (p->sme) {
    key(&b, "sme");
    buf_adds(&b, "true");
  }
  if (p->vcse) {
    key(&b, "vcse");
    buf_adds(&b, "true");
  }
  put_str(&b, "reserved", p->reserved);
  put_str(&b, "reservedCounty", p->reserved_county);
  if (p->n_criteria) {
    key(&b, "criteria");
    buf_addc(&b, '[');
    for (size_t i = 0; i < p->n_criteria; i++) {
      buf_adds(&b, i ? ",{" : "{");
      put_str(&b, "name", p->criteria[i].name);
      if (p->criteria[i].weight) put_num(&b, "weight", p->criteria[i].weight);
      buf_addc(&b, '}');
    }
    buf_addc(&b, ']');
  }
  if (p->apply || p->apply_to) {
    key(&b, "apply");
    buf_addc(&b, '{');
    put_str(&b, "route", apply_route_name(p->apply));
    put_str(&b, "to", p->apply_to);
    buf_addc(&b, '}');
  }
  if (p->contact_name || p->contact_email || p->contact_phone) {
    key(&b, "contact");
    buf_addc(&b, '{');
    put_str(&b, "name", p->contact_name);
    put_str(&b, "email", p->contact_email);
    put_str(&b, "phone", p->contact_phone);
    buf_addc(&b, '}');
  }
  put_str(&b, "expected", p->expected);
  put_str(&b, "engagement", p->engagement);
  put_str(&b, "relatedOcid", p->related_ocid);
  buf_addc(&b, '}');
  return buf_detach(&b, NULL);
}

/* ---- the check before publishing ---- */

static const char *const month_names[] = {"January", "February", "March",     "April",   "May",      "June",
                                          "July",    "August",   "September", "October", "November", "December"};

/* "1 April 2027 at 2:05pm", "... at midday" (UK time, GOV.UK's style) */
static void uk_when(time_t t, char *out, size_t cap) {
  DateCivil c;
  date_uk_civil(t, &c);
  char clock[16];
  unsigned h12 = c.hour % 12 ? c.hour % 12 : 12;
  if (c.minute == 0 && (c.hour == 0 || c.hour == 12)) snprintf(clock, sizeof clock, "%s", c.hour ? "midday" : "midnight");
  else snprintf(clock, sizeof clock, "%u:%02u%s", h12 % 100, c.minute % 100, c.hour < 12 ? "am" : "pm");
  snprintf(out, cap, "%u %s %lld at %s", c.d, month_names[(c.m - 1) % 12], c.y, clock);
}

static void require(PostingIssues *is, int present, const char *field, const char *msg) {
  if (!present) posting_issue(is, 0, field, "%s", msg);
}

size_t posting_check(const Posting *p, int is_private, time_t now, PostingIssues *is) {
  size_t before = posting_errors(is);
  require(is, p->title != NULL, "title", "Enter a title");
  require(is, p->description != NULL, "description", "Enter a description");
  if (p->stage == POSTING_TENDER) {
    require(is, p->n_cpv > 0, "cpv", "Choose at least one CPV code");
    require(is, p->deadline != 0, "deadline", "Enter a deadline");
    require(is, p->apply != APPLY_NONE, "apply.route", "Choose how suppliers apply: a link, an email address or a note");
    require(is, p->apply == APPLY_NONE || p->apply_to != NULL, "apply.to",
            p->apply == APPLY_LINK    ? "Enter the link where suppliers apply"
            : p->apply == APPLY_EMAIL ? "Enter the email address where suppliers apply"
                                      : "Enter a note saying how suppliers apply");
  } else if (p->stage == POSTING_PIPELINE) {
    require(is, p->expected != NULL, "expected", "Enter when you expect to tender, like 2027-03");
  } else {
    require(is, p->engagement != NULL, "engagement", "Describe the market engagement: the event or the questionnaire");
  }
  if (p->deadline && p->deadline <= (int64_t)now) posting_issue(is, 0, "deadline", "The deadline must be in the future");
  if (p->enquiry_deadline) {
    if (p->enquiry_deadline <= (int64_t)now)
      posting_issue(is, 0, "enquiryDeadline", "The enquiry deadline must be in the future");
    else if (p->deadline && p->enquiry_deadline >= p->deadline)
      posting_issue(is, 0, "enquiryDeadline", "The enquiry deadline must be before the deadline");
  }
  if (p->start[0] && p->end[0] && strcmp(p->end, p->start) <= 0)
    posting_issue(is, 0, "contractEnd", "The contract end date must be after the start date");
  if (p->has_value && p->value_min > p->value_max)
    posting_issue(is, 0, "value.max", "The maximum value must be at least the minimum");
  int weights = 0, any = 0;
  for (size_t i = 0; i < p->n_criteria; i++) {
    char path[FIELD_SIZE], field[FIELD_SIZE];
    join_index(path, "criteria", i);
    join(field, path, "name");
    if (!p->criteria[i].name) posting_issue(is, 0, field, "Enter a name for criterion %zu", i + 1);
    weights += p->criteria[i].weight;
    any |= p->criteria[i].weight != 0;
  }
  if (any && weights != 100)
    posting_issue(is, 0, "criteria", "The criteria's weights must add up to 100; they add up to %d", weights);
  for (size_t i = 0; i < p->n_lots; i++) {
    char path[FIELD_SIZE], field[FIELD_SIZE];
    join_index(path, "lots", i);
    join(field, path, "title");
    if (!p->lots[i].title) posting_issue(is, 0, field, "Enter a title for lot %zu", i + 1);
  }
  if (p->procedure == PROCEDURE_LIMITED)
    require(is, p->rationale != NULL, "rationale", "Explain why you are using a limited procedure (a direct award)");
  int days = p->procedure == PROCEDURE_OPEN ? POSTING_OPEN_MIN_DAYS
             : p->procedure == PROCEDURE_SELECTIVE ? POSTING_SELECTIVE_MIN_DAYS
                                                   : 0;
  int64_t earliest = (int64_t)now + (int64_t)days * 86400;
  if (p->stage == POSTING_TENDER && days && p->deadline > (int64_t)now && p->deadline < earliest) {
    char when[64];
    uk_when((time_t)earliest, when, sizeof when);
    posting_issue(is, is_private, "deadline",
                  "The deadline must be at least %d days from today for %s procedure (the Procurement Act 2023); "
                  "the earliest is %s",
                  days, p->procedure == PROCEDURE_OPEN ? "an open" : "a selective", when);
  }
  return posting_errors(is) - before;
}

/* ---- the changes that follow ---- */

int posting_amendment_from_json(const cJSON *root, const Posting *base, Posting *p, char **rationale,
                                PostingIssues *is) {
  static const char *const keys[] = {"rationale", "notice", "draft", NULL};
  size_t before = posting_errors(is);
  *rationale = NULL;
  posting_release(p);
  if (base) posting_copy(p, base);
  if (!want_body(root, is)) return -1;
  if (read_text(get(root, "rationale"), "rationale", "Reason for the change", POSTING_SHORT_MAX, 0, rationale, is) == 0 &&
      !*rationale)
    posting_issue(is, 0, "rationale", "Enter the reason for the change");
  const cJSON *notice = get(root, "notice");
  if (notice) {
    check_keys(root, "", keys, is);
    if (want_object(notice, "notice", "Notice", is) == 1) read_posting(notice, p, 0, is);
  } else {
    read_posting(root, p, 1, is);
  }
  return posting_errors(is) == before ? 0 : -1;
}

int posting_cancel_from_json(const cJSON *root, char **reason, PostingIssues *is) {
  static const char *const keys[] = {"reason", NULL};
  size_t before = posting_errors(is);
  *reason = NULL;
  if (!want_body(root, is)) return -1;
  check_keys(root, "", keys, is);
  if (read_text(get(root, "reason"), "reason", "Reason", POSTING_SHORT_MAX, 0, reason, is) == 0 && !*reason)
    posting_issue(is, 0, "reason", "Enter the reason for cancelling");
  return posting_errors(is) == before ? 0 : -1;
}

static void supplier_release(PostingSupplier *s) {
  free(s->name);
  free(s->identifier);
  free(s->postcode);
}

void posting_award_release(PostingAward *a) {
  if (!a) return;
  for (size_t i = 0; i < a->n_suppliers; i++) supplier_release(&a->suppliers[i]);
  free(a->suppliers);
  free(a->lot);
  memset(a, 0, sizeof *a);
}

static void read_supplier(const cJSON *v, size_t i, PostingSupplier *s, PostingIssues *is) {
  static const char *const keys[] = {"name", "identifier", "postcode", "sme", NULL};
  char path[FIELD_SIZE], field[FIELD_SIZE], label[64];
  s->sme = -1;
  join_index(path, "suppliers", i);
  snprintf(label, sizeof label, "Supplier %zu", i + 1);
  if (want_object(v, path, label, is) != 1) {
    if (!given(v)) posting_issue(is, 0, path, "%s must be a JSON object", label);
    return;
  }
  check_keys(v, path, keys, is);
  join(field, path, "name");
  snprintf(label, sizeof label, "Supplier %zu name", i + 1);
  if (read_text(get(v, "name"), field, label, POSTING_SHORT_MAX, 0, &s->name, is) == 0 && !s->name)
    posting_issue(is, 0, field, "Enter the name of supplier %zu", i + 1);
  join(field, path, "identifier");
  snprintf(label, sizeof label, "Supplier %zu identifier", i + 1);
  if (read_text(get(v, "identifier"), field, label, POSTING_SHORT_MAX, 0, &s->identifier, is) == 0 && s->identifier &&
      strpbrk(s->identifier, " ")) {
    free(s->identifier);
    s->identifier = NULL;
    posting_issue(is, 0, field, "Enter the supplier's identifier without spaces, like GB-COH-01234567");
  }
  join(field, path, "postcode");
  snprintf(label, sizeof label, "Supplier %zu postcode", i + 1);
  if (read_text(get(v, "postcode"), field, label, 64, 0, &s->postcode, is) == 0 && s->postcode) {
    char pc[16], msg[160];
    int r = norm_postcode(s->postcode, pc, msg, sizeof msg);
    free(s->postcode);
    s->postcode = r == 0 ? xstrdup(pc) : NULL;
    if (r != 0) posting_issue(is, 0, field, "%s", msg);
  }
  join(field, path, "sme");
  snprintf(label, sizeof label, "Supplier %zu SME", i + 1);
  int sme;
  if (given(get(v, "sme")) && read_bool(get(v, "sme"), field, label, &sme, is) == 0) s->sme = sme;
}

int posting_award_from_json(const cJSON *root, PostingAward *a, PostingIssues *is) {
  static const char *const keys[] = {"suppliers", "value", "date", "standstillEnd", "lot", NULL};
  size_t before = posting_errors(is);
  memset(a, 0, sizeof *a);
  memcpy(a->currency, "GBP", 4);
  if (!want_body(root, is)) return -1;
  check_keys(root, "", keys, is);
  const cJSON *v = get(root, "suppliers");
  int n = want_array(v, "suppliers", "Suppliers", POSTING_MAX_SUPPLIERS, "suppliers", is);
  if (n == 0) posting_issue(is, 0, "suppliers", "Add at least one supplier");
  if (n > 0) {
    a->suppliers = xcalloc((size_t)n, sizeof *a->suppliers);
    for (const cJSON *item = v->child; item; item = item->next)
      read_supplier(item, a->n_suppliers, &a->suppliers[a->n_suppliers], is), a->n_suppliers++;
  }
  Money m;
  if (read_money(get(root, "value"), "value", "Value", 0, &m, is) == 1) {
    a->has_value = 1;
    a->value = m.min;
    memcpy(a->currency, m.currency, 4);
  }
  if (!given(get(root, "date"))) posting_issue(is, 0, "date", "Enter the award decision date");
  read_date(get(root, "date"), "date", "Award decision date", a->date, is);
  read_date(get(root, "standstillEnd"), "standstillEnd", "End of the standstill period", a->standstill_end, is);
  if (a->date[0] && a->standstill_end[0] && strcmp(a->standstill_end, a->date) < 0)
    posting_issue(is, 0, "standstillEnd", "The standstill period must not end before the award decision date");
  long long lot = 0;
  v = get(root, "lot");
  if (cJSON_IsString(v)) {
    char *t = NULL;
    if (read_text(v, "lot", "Lot", 8, 0, &t, is) == 0 && t) {
      int ok = t[0] != '0';
      for (const char *c = t; *c && ok; c++) ok = is_digit((unsigned char)*c);
      if (ok && strlen(t) <= 3) lot = (long long)strtol(t, NULL, 10);
      if (!ok || lot < 1 || lot > POSTING_MAX_LOTS)
        posting_issue(is, 0, "lot", "Lot must be a lot's number, from 1 to %d", POSTING_MAX_LOTS);
      else a->lot = xstrdup(t);
    }
    free(t);
  } else if (read_int(v, "lot", "Lot", 1, POSTING_MAX_LOTS, &lot, is) == 1) {
    char t[8];
    snprintf(t, sizeof t, "%lld", lot);
    a->lot = xstrdup(t);
  }
  return posting_errors(is) == before ? 0 : -1;
}

int posting_contract_from_json(const cJSON *root, PostingContract *c, PostingIssues *is) {
  static const char *const keys[] = {"signed", "value", "start", "end", "award", NULL};
  size_t before = posting_errors(is);
  memset(c, 0, sizeof *c);
  memcpy(c->currency, "GBP", 4);
  if (!want_body(root, is)) return -1;
  check_keys(root, "", keys, is);
  if (!given(get(root, "signed"))) posting_issue(is, 0, "signed", "Enter the date the contract was signed");
  read_date(get(root, "signed"), "signed", "Date the contract was signed", c->signed_date, is);
  Money m;
  if (read_money(get(root, "value"), "value", "Value", 0, &m, is) == 1) {
    c->has_value = 1;
    c->value = m.min;
    memcpy(c->currency, m.currency, 4);
  }
  read_date(get(root, "start"), "start", "Contract start date", c->start, is);
  read_date(get(root, "end"), "end", "Contract end date", c->end, is);
  if (c->start[0] && c->end[0] && strcmp(c->end, c->start) <= 0)
    posting_issue(is, 0, "end", "The contract end date must be after the start date");
  read_int(get(root, "award"), "award", "Award", 0, 1000000, &c->award, is);
  return posting_errors(is) == before ? 0 : -1;
}

/* One required long text at key: the reader of questions and answers. */
static void read_required(const cJSON *root, const char *k, const char *label, size_t max, const char *missing,
                          char **out, PostingIssues *is) {
  if (read_text(get(root, k), k, label, max, 1, out, is) == 0 && !*out) posting_issue(is, 0, k, "%s", missing);
}

int posting_question_from_json(const cJSON *root, char **question, PostingIssues *is) {
  static const char *const keys[] = {"question", NULL};
  size_t before = posting_errors(is);
  *question = NULL;
  if (!want_body(root, is)) return -1;
  check_keys(root, "", keys, is);
  read_required(root, "question", "Question", POSTING_QUESTION_MAX, "Enter your question", question, is);
  return posting_errors(is) == before ? 0 : -1;
}

int posting_answer_from_json(const cJSON *root, char **answer, char **question, PostingIssues *is) {
  static const char *const keys[] = {"answer", "question", NULL};
  size_t before = posting_errors(is);
  *answer = *question = NULL;
  if (!want_body(root, is)) return -1;
  check_keys(root, "", keys, is);
  read_required(root, "answer", "Answer", POSTING_TEXT_MAX, "Enter an answer", answer, is);
  read_text(get(root, "question"), "question", "Question", POSTING_QUESTION_MAX, 1, question, is);
  return posting_errors(is) == before ? 0 : -1;
}

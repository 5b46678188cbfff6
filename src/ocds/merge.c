/* merge.c -- the OCDS 1.1 merge routine: compiled and versioned releases (the
 * rules are in merge.h).
 *
 * Works directly on cJSON trees; ocdsmerge flattens each release to paths and
 * rebuilds the tree, with the same results except where listed below. The
 * compiled release describes itself (an object is an object, an array of
 * objects is an identifier-merged array, anything else is a literal), so
 * merge_into can continue from any compiled release. The versioned release does
 * not (a list of versions and an array of items are both arrays of objects):
 * while it is built, version lists carry LEAF_MARK in their `valueint` (unused
 * by cJSON for arrays), cleared before the tree is returned.
 *
 * Where we differ from ocdsmerge (all on data the standard leaves undefined or
 * that ocdsmerge mishandles):
 *  - `null` on a field holding an object or array removes it, as the standard
 *    says (ocdsmerge keeps the old object: its unflatten skips the null). In the
 *    versioned release every leaf under it gets a null version.
 *  - a field that changes shape (string -> object, items -> string, ...) takes
 *    the new value; ocdsmerge's output then depends on path order, or it raises.
 *    In the versioned release the field's history restarts with the new shape.
 *  - a field removed by null and set again goes to the end of its object
 *    (ocdsmerge keeps its first place). Key order carries no meaning in JSON.
 *  - an item `id` that is not a string or number (bool, object, array) makes
 *    the item id-less (ocdsmerge compares with Python ==, so true matches 1).
 * Where we follow ocdsmerge (easy to get wrong):
 *  - items without an `id` (or with `"id": null`) never match: each release
 *    appends them (ocdsmerge gives each a fresh uuid). This is what "treated as
 *    unique" means there; it is not a merge by position.
 *  - ids compare by their text, so 1 and "1" match (ocdsmerge keys paths by
 *    str(id)); the first id value stays;
 *  - two items with the same id in one release merge into one item;
 *  - an empty object or array changes nothing, except that [] replaces a
 *    whole-list array; {"a": null} for an absent object adds {} (the null made
 *    a path, and the path made the object).
 *  - `versionId` is not needed: only the `id` of items in identifier-merged
 *    arrays is kept plain; every other `id` (tender.id, ...) is versioned.
 *  - dates compare as strings (ocdsmerge sorts with Python string order).
 *
 * Cost: one pass over each release. Lookups of a field in an object try the
 * field after the previous match first (releases repeat the same order), then
 * scan; objects with 48+ fields and arrays with 16+ items use a hash table, so
 * nothing is quadratic. Unchanged scalars are compared, not copied.
 *
 * Ownership: input trees are borrowed and never modified; every node made here
 * belongs to the output tree once attached, and is freed here otherwise. */
#include "ocds/merge.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/date.h"

/* ---- Per-field rules of OCDS 1.1.5 ----
 * The rules ocdsmerge derives from the dereferenced release schema: fields with
 * "omitWhenMerged", and arrays merged whole, because they say "wholeListMerge",
 * hold non-objects, or hold objects without an `id` property. Nothing below an
 * entry has rules of its own (an omitted or whole field supersedes them).
 * tests/unit/test_merge.c derives this list from release-schema.json and fails
 * if they differ. */
static const MergeRule rule_table[] = {
    /* "omitWhenMerged": release metadata, replaced in the compiled release */
    {"id", MERGE_RULE_OMIT},
    {"date", MERGE_RULE_OMIT},
    {"tag", MERGE_RULE_OMIT},
    /* "wholeListMerge": true (Identifier and Classification arrays) */
    {"parties.additionalIdentifiers", MERGE_RULE_WHOLE_LIST},
    {"buyer.additionalIdentifiers", MERGE_RULE_WHOLE_LIST},
    {"tender.procuringEntity.additionalIdentifiers", MERGE_RULE_WHOLE_LIST},
    {"tender.items.additionalClassifications", MERGE_RULE_WHOLE_LIST},
    {"tender.tenderers.additionalIdentifiers", MERGE_RULE_WHOLE_LIST},
    {"awards.suppliers.additionalIdentifiers", MERGE_RULE_WHOLE_LIST},
    {"awards.items.additionalClassifications", MERGE_RULE_WHOLE_LIST},
    {"contracts.items.additionalClassifications", MERGE_RULE_WHOLE_LIST},
    {"contracts.implementation.transactions.payer.additionalIdentifiers", MERGE_RULE_WHOLE_LIST},
    {"contracts.implementation.transactions.payee.additionalIdentifiers", MERGE_RULE_WHOLE_LIST},
    /* arrays of strings */
    {"parties.roles", MERGE_RULE_WHOLE_LIST},
    {"tender.additionalProcurementCategories", MERGE_RULE_WHOLE_LIST},
    {"tender.submissionMethod", MERGE_RULE_WHOLE_LIST},
    {"contracts.relatedProcesses.relationship", MERGE_RULE_WHOLE_LIST},
    {"relatedProcesses.relationship", MERGE_RULE_WHOLE_LIST},
    /* arrays of objects without `id` (the deprecated Amendment.changes) */
    {"tender.amendments.changes", MERGE_RULE_WHOLE_LIST},
    {"tender.amendment.changes", MERGE_RULE_WHOLE_LIST},
    {"awards.amendments.changes", MERGE_RULE_WHOLE_LIST},
    {"awards.amendment.changes", MERGE_RULE_WHOLE_LIST},
    {"contracts.amendments.changes", MERGE_RULE_WHOLE_LIST},
    {"contracts.amendment.changes", MERGE_RULE_WHOLE_LIST},
};

#define NRULES (sizeof rule_table / sizeof rule_table[0])
_Static_assert(NRULES <= 64, "the rule walk keeps candidates in a 64-bit mask");

const MergeRule *merge_rules(size_t *n) {
  if (n) *n = NRULES;
  return rule_table;
}

/* Where a walk is in the rule table: the entries whose path starts with the
 * current path (bit i = rule_table[i]), and the length of that prefix + 1. */
typedef struct {
  uint64_t mask;
  size_t off;
} Rules;

static Rules rules_root(void) {
  Rules r = {NRULES == 64 ? UINT64_MAX : (((uint64_t)1 << NRULES) - 1), 0};
  return r;
}

/* The rule for field `key` under r (0 when none); *sub gets the walk below it.
 * Free once the walk has left the table (mask 0), as it does for most fields. */
static int rules_step(Rules r, const char *key, Rules *sub) {
  int kind = 0;
  sub->mask = 0;
  sub->off = 0;
  if (!r.mask) return 0;
  size_t len = strlen(key);
  if (memchr(key, '.', len)) return 0; /* "tender.items" as one key is no path */
  sub->off = r.off + len + 1;
  for (uint64_t m = r.mask; m; m &= m - 1) {
    int i = __builtin_ctzll(m);
    const char *p = rule_table[i].path + r.off;
    if (p[0] != key[0] || strncmp(p, key, len) != 0) continue;
    if (p[len] == 0)
      kind = (int)rule_table[i].kind;
    else if (p[len] == '.')
      sub->mask |= (uint64_t)1 << i;
  }
  return kind;
}

/* ---- Errors ---- */

typedef struct Cache Cache;

typedef struct {
  Err *err;
  int rc; /* the first error, also when err is NULL */
  Cache *cache; /* item tables kept across the releases of one compile, or NULL */
  /* merge_versioned: the release being merged */
  const cJSON *rel_id, *rel_tag;
  const char *rel_date;
} Ctx;

static int fail(Ctx *c, int code) {
  c->rc = code;
  if (code == ERR_LIMIT)
    return err_set(c->err, code, "merge: release nested deeper than %d levels", MERGE_MAX_DEPTH);
  return err_set(c->err, code, "merge: out of memory");
}

/* The error a NULL from dup_value()/v_leaf() stands for. */
static int failed(Ctx *c) { return c->rc ? c->rc : fail(c, ERR_NOMEM); }

/* ---- JSON helpers ---- */

static int json_equal(const cJSON *a, const cJSON *b, int depth);

static int by_name(const void *pa, const void *pb) {
  const cJSON *a = *(const cJSON *const *)pa, *b = *(const cJSON *const *)pb;
  return strcmp(a->string ? a->string : "", b->string ? b->string : "");
}

/* Objects of n fields each, compared by sorted names: O(n log n). */
static int obj_equal_sorted(const cJSON *a, const cJSON *b, size_t n, int depth) {
  const cJSON **va = xmalloc(2 * n * sizeof *va), **vb = va + n;
  size_t i = 0, j = 0;
  int eq = 1;
  for (const cJSON *x = a->child; x; x = x->next) va[i++] = x;
  for (const cJSON *y = b->child; y; y = y->next) vb[j++] = y;
  qsort(va, n, sizeof *va, by_name);
  qsort(vb, n, sizeof *vb, by_name);
  for (i = 0; eq && i < n; i++)
    eq = by_name(&va[i], &vb[i]) == 0 && json_equal(va[i], vb[i], depth + 1);
  free(va);
  return eq;
}

static const cJSON *find_field(const cJSON *obj, const cJSON *hint, const char *name) {
  if (hint && hint->string && strcmp(hint->string, name) == 0) return hint;
  for (const cJSON *y = obj->child; y; y = y->next)
    if (y->string && strcmp(y->string, name) == 0) return y;
  return NULL;
}

/* Same JSON value? Object field order does not matter; numbers compare
 * exactly. (cJSON_Compare is exponential in depth: it compares each object
 * pair twice.) Used to skip unchanged literals and repeated versions. */
static int json_equal(const cJSON *a, const cJSON *b, int depth) {
  if (a == b) return 1;
  int t = a->type & 0xFF;
  if (t != (b->type & 0xFF) || depth > MERGE_MAX_DEPTH) return 0;
  switch (t) {
    case cJSON_Number:
      return a->valuedouble == b->valuedouble;
    case cJSON_String:
    case cJSON_Raw:
      if (!a->valuestring || !b->valuestring) return a->valuestring == b->valuestring;
      return strcmp(a->valuestring, b->valuestring) == 0;
    case cJSON_Array: {
      const cJSON *x = a->child, *y = b->child;
      for (; x && y; x = x->next, y = y->next)
        if (!json_equal(x, y, depth + 1)) return 0;
      return !x && !y;
    }
    case cJSON_Object: {
      size_t na = 0, nb = 0;
      for (const cJSON *x = a->child; x; x = x->next) na++;
      for (const cJSON *y = b->child; y; y = y->next) nb++;
      if (na != nb) return 0;
      if (na > 32) return obj_equal_sorted(a, b, na, depth);
      const cJSON *hint = b->child, *y;
      for (const cJSON *x = a->child; x; x = x->next) {
        if (!x->string || !(y = find_field(b, hint, x->string))) return 0;
        if (!json_equal(x, y, depth + 1)) return 0;
        hint = y->next;
      }
      /* and the other way, so {"a":1,"a":1} is not {"a":1,"b":2} */
      for (const cJSON *x = b->child; x; x = x->next)
        if (!x->string || !find_field(a, NULL, x->string)) return 0;
      return 1;
    }
    default: /* true, false, null */
      return 1;
  }
}

/* A copy of v (nested depth levels deep); NULL with c->rc set on failure.
 * Our own rather than cJSON_Duplicate, to bound the depth. */
static cJSON *dup_value(Ctx *c, const cJSON *v, int depth) {
  cJSON *nu = NULL;
  if (depth > MERGE_MAX_DEPTH) {
    fail(c, ERR_LIMIT);
    return NULL;
  }
  switch (v->type & 0xFF) {
    case cJSON_False:
      nu = cJSON_CreateFalse();
      break;
    case cJSON_True:
      nu = cJSON_CreateTrue();
      break;
    case cJSON_Number:
      if ((nu = cJSON_CreateNumber(v->valuedouble))) nu->valueint = v->valueint;
      break;
    case cJSON_String:
      nu = cJSON_CreateString(v->valuestring ? v->valuestring : "");
      break;
    case cJSON_Raw:
      nu = cJSON_CreateRaw(v->valuestring ? v->valuestring : "null");
      break;
    case cJSON_Array:
    case cJSON_Object: {
      int obj = (v->type & 0xFF) == cJSON_Object;
      if (!(nu = obj ? cJSON_CreateObject() : cJSON_CreateArray())) break;
      for (const cJSON *x = v->child; x; x = x->next) {
        if (obj && !x->string) continue;
        cJSON *d = dup_value(c, x, depth + 1);
        if (!d) {
          cJSON_Delete(nu);
          return NULL;
        }
        if (!(obj ? cJSON_AddItemToObject(nu, x->string, d) : cJSON_AddItemToArray(nu, d))) {
          cJSON_Delete(d);
          cJSON_Delete(nu);
          fail(c, ERR_NOMEM);
          return NULL;
        }
      }
      return nu;
    }
    default: /* null, and invalid nodes of hand-built trees */
      nu = cJSON_CreateNull();
      break;
  }
  if (!nu) fail(c, ERR_NOMEM);
  return nu;
}

static void cache_forget(Ctx *c, const cJSON *x, int depth);

/* x takes nu's value, keeping its own name and place (so pointers to x held
 * by lookups stay valid); nu, now holding x's old value, is freed. */
static void take_value(Ctx *c, cJSON *x, cJSON *nu) {
  cache_forget(c, x, 0);
  const int name_bits = cJSON_StringIsConst;
  int tx = x->type, tn = nu->type;
  x->type = (tn & ~name_bits) | (tx & name_bits);
  nu->type = (tx & ~name_bits) | (tn & name_bits);
  cJSON *child = x->child;
  x->child = nu->child;
  nu->child = child;
  char *s = x->valuestring;
  x->valuestring = nu->valuestring;
  nu->valuestring = s;
  int vi = x->valueint;
  x->valueint = nu->valueint;
  nu->valueint = vi;
  double vd = x->valuedouble;
  x->valuedouble = nu->valuedouble;
  nu->valuedouble = vd;
  cJSON_Delete(nu);
}

static int add_field(Ctx *c, cJSON *obj, const char *name, cJSON *x) {
  if (!x) return failed(c);
  if (!cJSON_AddItemToObject(obj, name, x)) {
    cJSON_Delete(x);
    return fail(c, ERR_NOMEM);
  }
  return 0;
}

/* ---- Lookup table: keys (field names or item ids) -> nodes ----
 * A vector in insertion order, linear search below TAB_HASH_MIN entries, open
 * addressing above. Lookups try the entry after the previous hit first. */

#define TAB_INLINE 16
#define TAB_HASH_MIN 16

typedef struct {
  const char *key; /* borrowed from the node; NULL: text at nums.data + num */
  cJSON *node;     /* NULL once removed */
  uint32_t hash;
  uint32_t num;
} Ent;

typedef struct {
  Ent *v;
  size_t n, cap, hint;
  uint32_t *slot; /* entry index + 1; 0 = empty */
  size_t nslot;   /* 0 = not hashed yet; else a power of two >= 2n */
  Buf nums;       /* texts of numeric ids, NUL-separated */
  Ent inl[TAB_INLINE];
} Table;

static void tab_init(Table *t) {
  t->v = t->inl;
  t->n = 0;
  t->cap = TAB_INLINE;
  t->hint = 0;
  t->slot = NULL;
  t->nslot = 0;
  buf_init(&t->nums);
}

static void tab_release(Table *t) {
  if (t->v != t->inl) free(t->v);
  free(t->slot);
  buf_release(&t->nums);
}

static const char *ent_key(const Table *t, const Ent *e) {
  return e->key ? e->key : t->nums.data + e->num;
}

static uint32_t hash_str(const char *s) {
  uint32_t h = 2166136261u; /* FNV-1a */
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
  return h;
}

static void slot_put(Table *t, size_t i) {
  size_t m = t->nslot - 1, j = t->v[i].hash & m;
  while (t->slot[j]) j = (j + 1) & m;
  t->slot[j] = (uint32_t)(i + 1);
}

static void tab_rehash(Table *t) {
  size_t ns = 64;
  while (ns < 2 * t->n) ns *= 2;
  free(t->slot);
  t->slot = xcalloc(ns, sizeof *t->slot);
  t->nslot = ns;
  for (size_t i = 0; i < t->n; i++) {
    if (!t->v[i].node) continue; /* forgotten: its key may have died with its node */
    t->v[i].hash = hash_str(ent_key(t, &t->v[i]));
    slot_put(t, i);
  }
}

/* Adds node under key (borrowed, must live as long as the node), or, when key
 * is NULL, under a copy of numkey. */
static void tab_push(Table *t, cJSON *node, const char *key, const char *numkey) {
  if (t->n == t->cap) {
    size_t cap = 2 * t->cap;
    if (t->v == t->inl) {
      t->v = xmalloc(cap * sizeof *t->v);
      memcpy(t->v, t->inl, t->n * sizeof *t->v);
    } else {
      t->v = xrealloc(t->v, cap * sizeof *t->v);
    }
    t->cap = cap;
  }
  Ent *e = &t->v[t->n];
  e->node = node;
  e->key = key;
  e->num = 0;
  e->hash = 0;
  if (!key) {
    e->num = (uint32_t)t->nums.len;
    buf_adds(&t->nums, numkey);
    buf_addc(&t->nums, 0);
  }
  t->n++;
  if (t->nslot) {
    if (2 * t->n > t->nslot) {
      tab_rehash(t);
    } else {
      e->hash = hash_str(ent_key(t, e));
      slot_put(t, t->n - 1);
    }
  } else if (t->n > TAB_HASH_MIN) {
    tab_rehash(t);
  }
}

static Ent *tab_find(Table *t, const char *key) {
  Ent *e;
  if (t->hint < t->n) {
    e = &t->v[t->hint];
    if (e->node && strcmp(ent_key(t, e), key) == 0) {
      t->hint++;
      return e;
    }
  }
  if (t->nslot) {
    uint32_t h = hash_str(key);
    size_t m = t->nslot - 1;
    for (size_t j = h & m; t->slot[j]; j = (j + 1) & m) {
      e = &t->v[t->slot[j] - 1];
      if (e->hash == h && e->node && strcmp(ent_key(t, e), key) == 0) {
        t->hint = t->slot[j];
        return e;
      }
    }
    return NULL;
  }
  for (size_t i = 0; i < t->n; i++) {
    e = &t->v[i];
    if (e->node && strcmp(ent_key(t, e), key) == 0) {
      t->hint = i + 1;
      return e;
    }
  }
  return NULL;
}

/* ---- Item identifiers ---- */

/* Text of a numeric id as Python's str(int) prints it (1, not 1.0). */
static const char *num_text(double d, char buf[32]) {
  if (d == floor(d) && fabs(d) < 1e15) {
    long long v = (long long)d;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    char *p = buf + 31;
    *p = 0;
    do *--p = (char)('0' + u % 10); while (u /= 10);
    if (v < 0) *--p = '-';
    return p;
  }
  snprintf(buf, 32, "%.17g", d);
  return buf;
}

/* The identifier of an array item: the text of its string or number `id`, or
 * NULL when it has none (then it never matches). *idnode gets the `id`. */
static const char *id_key(const cJSON *item, char buf[32], const cJSON **idnode) {
  *idnode = NULL;
  for (const cJSON *x = item->child; x; x = x->next) {
    if (!x->string || strcmp(x->string, "id") != 0) continue;
    *idnode = x;
    if (cJSON_IsString(x)) return x->valuestring;
    if (cJSON_IsNumber(x)) return num_text(x->valuedouble, buf);
    return NULL;
  }
  return NULL;
}

/* Puts an output array's keyed items in t. */
static int all_objects(const cJSON *arr);

static void tab_items(Table *t, cJSON *arr) {
  char kb[32];
  const cJSON *idn;
  for (cJSON *x = arr->child; x; x = x->next) {
    const char *k = cJSON_IsObject(x) ? id_key(x, kb, &idn) : NULL;
    if (k) tab_push(t, x, cJSON_IsNumber(idn) ? NULL : k, k);
  }
}

/* ---- Item tables kept for a whole compile ----
 * Merging many releases, each adding an item to a long array (a framework's
 * call-offs: one award per release), must not index the array afresh for
 * every release: that is quadratic (10,000 releases took 7.8 s). So
 * merge_compile and merge_versioned keep the table of every output array
 * they have merged into, keyed by the array's node, for the whole compile.
 * A table stays right because only c_/v_merge_items change a kept array
 * (they append objects and add them to its table), and every other change to
 * the output that could free or refill an array -- a null removing a field
 * (fields_del), a new value taking an old node's place (take_value) -- first
 * forgets the tables of every array under the node (cache_forget), so no
 * table outlives its array or names an address reused by a new one. A kept
 * array holds only objects (so the all_objects check is skipped for it). */

struct Cache {
  struct CacheEnt {
    const cJSON *node; /* NULL: empty; CACHE_GONE: removed */
    Table *t;
  } *v;
  size_t cap, used, live; /* used: live + removed slots */
};

static const cJSON cache_gone_node;
#define CACHE_GONE (&cache_gone_node)

static size_t cache_slot(const Cache *k, const cJSON *node) {
  uint64_t h = (uint64_t)(uintptr_t)node * 0x9E3779B97F4A7C15ull;
  return (size_t)(h >> 32) & (k->cap - 1);
}

static struct CacheEnt *cache_find(Cache *k, const cJSON *node) {
  if (!k || !k->live) return NULL;
  for (size_t j = cache_slot(k, node);; j = (j + 1) & (k->cap - 1)) {
    if (!k->v[j].node) return NULL;
    if (k->v[j].node == node) return &k->v[j];
  }
}

static void cache_put(Cache *k, const cJSON *node, Table *t) {
  if (2 * (k->used + 1) > k->cap) { /* grow (or clean up removed slots) */
    struct CacheEnt *old = k->v;
    size_t ocap = k->cap;
    k->cap = 64;
    while (k->cap < 4 * (k->live + 1)) k->cap *= 2;
    k->v = xcalloc(k->cap, sizeof *k->v);
    k->used = 0;
    for (size_t i = 0; i < ocap; i++)
      if (old[i].node && old[i].node != CACHE_GONE) {
        size_t j = cache_slot(k, old[i].node);
        while (k->v[j].node) j = (j + 1) & (k->cap - 1);
        k->v[j] = old[i];
        k->used++;
      }
    free(old);
  }
  size_t j = cache_slot(k, node);
  while (k->v[j].node && k->v[j].node != CACHE_GONE) j = (j + 1) & (k->cap - 1);
  if (!k->v[j].node) k->used++;
  k->v[j].node = node;
  k->v[j].t = t;
  k->live++;
}

static void table_free(Table *t) {
  tab_release(t);
  free(t);
}

/* Forgets the tables of x and of every array under it. */
static void cache_forget(Ctx *c, const cJSON *x, int depth) {
  struct CacheEnt *e;
  if (!c->cache || !c->cache->live || !(cJSON_IsArray(x) || cJSON_IsObject(x))) return;
  if ((e = cache_find(c->cache, x))) {
    table_free(e->t);
    e->node = CACHE_GONE;
    e->t = NULL;
    c->cache->live--;
  }
  if (depth <= MERGE_MAX_DEPTH)
    for (const cJSON *y = x->child; y; y = y->next) cache_forget(c, y, depth + 1);
}

static void cache_free(Cache *k) {
  if (!k) return;
  for (size_t i = 0; i < k->cap; i++)
    if (k->v[i].node && k->v[i].node != CACHE_GONE) table_free(k->v[i].t);
  free(k->v);
  free(k);
}

/* The table of output array out: kept when out is part of the output
 * already (attached) and the compile keeps tables, else made in *local (the
 * caller releases it when the result is local). */
static Table *items_table(Ctx *c, cJSON *out, int attached, Table *local) {
  struct CacheEnt *e = cache_find(c->cache, out);
  if (e) return e->t;
  Table *t = attached && c->cache ? xmalloc(sizeof *t) : local;
  tab_init(t);
  tab_items(t, out);
  if (t != local) cache_put(c->cache, out, t);
  return t;
}

/* Is x an array of objects only (known without a look when its table is kept)? */
static int items_array(Ctx *c, const cJSON *x) {
  return cJSON_IsArray(x) && (cache_find(c->cache, x) || all_objects(x));
}

/* ---- Field lookup in an output object ---- */

#define OBJ_TABLE_MIN 48

typedef struct {
  cJSON *obj;
  cJSON *hint; /* the field after the previous hit */
  Table *tab;  /* only for big objects */
  Ent *last;   /* the entry of the previous hit (tab mode) */
} Fields;

static size_t count_upto(const cJSON *x, size_t max) {
  size_t n = 0;
  for (; x && n < max; x = x->next) n++;
  return n;
}

static void fields_open(Fields *f, cJSON *obj, const cJSON *in) {
  f->obj = obj;
  f->hint = obj->child;
  f->tab = NULL;
  f->last = NULL;
  if (count_upto(obj->child, OBJ_TABLE_MIN) < OBJ_TABLE_MIN &&
      count_upto(in->child, OBJ_TABLE_MIN) < OBJ_TABLE_MIN)
    return;
  f->tab = xmalloc(sizeof *f->tab);
  tab_init(f->tab);
  for (cJSON *x = obj->child; x; x = x->next)
    if (x->string) tab_push(f->tab, x, x->string, NULL);
}

static void fields_close(Fields *f) {
  if (f->tab) {
    tab_release(f->tab);
    free(f->tab);
  }
}

/* Same name? (The first byte is checked inline: most fields differ there.) */
static int same_name(const char *a, const char *b) { return a && a[0] == b[0] && strcmp(a, b) == 0; }

static cJSON *fields_find(Fields *f, const char *name) {
  if (f->tab) {
    f->last = tab_find(f->tab, name);
    return f->last ? f->last->node : NULL;
  }
  cJSON *x = f->hint;
  if (!(x && same_name(x->string, name)))
    for (x = f->obj->child; x; x = x->next)
      if (same_name(x->string, name)) break;
  if (x) f->hint = x->next;
  return x;
}

/* Appends field name = x (taking x, also on failure). */
static int fields_add(Ctx *c, Fields *f, const char *name, cJSON *x) {
  int rc = add_field(c, f->obj, name, x);
  if (rc == 0 && f->tab) tab_push(f->tab, x, x->string, NULL);
  return rc;
}

/* Removes field x, which fields_find just returned. Its table entry is
 * forgotten, not removed (slots hold entry indexes): the entry's key was
 * x->string, freed here, so it must never be read again -- lookups test
 * node first and a rehash skips forgotten entries. */
static void fields_del(Ctx *c, Fields *f, cJSON *x) {
  cache_forget(c, x, 0);
  if (f->tab && f->last && f->last->node == x) {
    f->last->node = NULL;
    f->last->key = "";
  }
  if (f->hint == x) f->hint = x->next;
  cJSON_Delete(cJSON_DetachItemViaPointer(f->obj, x));
}

/* ---- What a release value asks for ---- */

enum { IN_SKIP, IN_NULL, IN_LITERAL, IN_OBJECT, IN_ITEMS };

static int classify(const cJSON *v, int kind) {
  if (cJSON_IsNull(v)) return IN_NULL;
  if (cJSON_IsObject(v)) return v->child ? IN_OBJECT : IN_SKIP;
  if (!cJSON_IsArray(v)) return IN_LITERAL;
  if (kind == MERGE_RULE_WHOLE_LIST) return IN_LITERAL;
  if (!v->child) return IN_SKIP;
  for (const cJSON *x = v->child; x; x = x->next)
    if (!cJSON_IsObject(x)) return IN_LITERAL;
  return IN_ITEMS;
}

static int all_objects(const cJSON *arr) {
  for (const cJSON *x = arr->child; x; x = x->next)
    if (!cJSON_IsObject(x)) return 0;
  return 1;
}

/* ---- Compiled release ----
 * The c_merge_* functions return <0 on error, else 1 when the input held
 * anything to merge (a value or a null), 0 when it held only empty objects and
 * arrays: a new object or array is attached only when 1. */

static int c_merge_obj(Ctx *c, cJSON *out, const cJSON *in, Rules r, int depth, int keyed);

/* Sets existing field x to literal v, in place where the type allows. */
static int c_set_literal(Ctx *c, cJSON *x, const cJSON *v, int depth) {
  int t = v->type & 0xFF;
  if ((x->type & 0xFF) == t && !(x->type & cJSON_IsReference)) {
    switch (t) {
      case cJSON_False:
      case cJSON_True:
      case cJSON_NULL:
        return 0;
      case cJSON_Number:
        x->valuedouble = v->valuedouble;
        x->valueint = v->valueint;
        return 0;
      case cJSON_String:
        if (!x->valuestring || !v->valuestring) break;
        if (strcmp(x->valuestring, v->valuestring) == 0) return 0;
        return cJSON_SetValuestring(x, v->valuestring) ? 0 : fail(c, ERR_NOMEM);
      case cJSON_Array:
      case cJSON_Object:
        if (json_equal(x, v, depth)) return 0;
        break;
    }
  }
  cJSON *nu = dup_value(c, v, depth);
  if (!nu) return failed(c);
  take_value(c, x, nu);
  return 0;
}

static int c_merge_items(Ctx *c, cJSON *out, const cJSON *in, Rules r, int depth, int attached) {
  Table local, *t;
  char kb[32];
  int produced = 0, rc = 0;
  if (depth > MERGE_MAX_DEPTH) return fail(c, ERR_LIMIT);
  t = items_table(c, out, attached, &local);
  for (const cJSON *it = in->child; it; it = it->next) {
    const cJSON *idn;
    const char *k = id_key(it, kb, &idn);
    Ent *e = k ? tab_find(t, k) : NULL;
    if (e) {
      if ((rc = c_merge_obj(c, e->node, it, r, depth + 1, 1)) < 0) break;
      produced = 1;
      continue;
    }
    cJSON *nu = cJSON_CreateObject();
    if (!nu) {
      rc = fail(c, ERR_NOMEM);
      break;
    }
    if (k && (rc = add_field(c, nu, "id", dup_value(c, idn, depth + 2))) < 0) {
      cJSON_Delete(nu);
      break;
    }
    if ((rc = c_merge_obj(c, nu, it, r, depth + 1, k != NULL)) < 0 || (!k && rc == 0)) {
      cJSON_Delete(nu);
      if (rc < 0) break;
      continue;
    }
    cJSON_AddItemToArray(out, nu);
    if (k) {
      tab_push(t, nu, cJSON_IsNumber(idn) ? NULL : nu->child->valuestring, k);
    } else if ((k = id_key(nu, kb, &idn))) {
      /* no id to match by, yet one in the result (an item holding "id"
       * twice, the first null): indexed as a table made afresh from the
       * result would index it, so that the kept table and merge_into agree */
      tab_push(t, nu, cJSON_IsNumber(idn) ? NULL : k, k);
    }
    produced = 1;
  }
  if (t == &local) tab_release(&local);
  return rc < 0 ? rc : produced;
}

static int c_merge_field(Ctx *c, Fields *fl, const cJSON *f, Rules r, int depth) {
  Rules sub;
  int kind = rules_step(r, f->string, &sub), cls, rc = 0;
  if (kind == MERGE_RULE_OMIT || (cls = classify(f, kind)) == IN_SKIP) return 0;
  cJSON *x = fields_find(fl, f->string), *nu = NULL;
  switch (cls) {
    case IN_NULL:
      if (x) fields_del(c, fl, x);
      return 1;
    case IN_LITERAL:
      if (x) return (rc = c_set_literal(c, x, f, depth + 1)) < 0 ? rc : 1;
      return (rc = fields_add(c, fl, f->string, dup_value(c, f, depth + 1))) < 0 ? rc : 1;
    case IN_OBJECT:
      if (x && cJSON_IsObject(x)) return c_merge_obj(c, x, f, sub, depth + 1, 0);
      if (!(nu = cJSON_CreateObject())) return fail(c, ERR_NOMEM);
      rc = c_merge_obj(c, nu, f, sub, depth + 1, 0);
      break;
    default: /* IN_ITEMS */
      if (x && items_array(c, x)) return c_merge_items(c, x, f, sub, depth + 1, 1);
      if (!(nu = cJSON_CreateArray())) return fail(c, ERR_NOMEM);
      rc = c_merge_items(c, nu, f, sub, depth + 1, 0);
      break;
  }
  if (rc <= 0) {
    cJSON_Delete(nu);
    return rc;
  }
  if (x) {
    take_value(c, x, nu);
    return 1;
  }
  return (rc = fields_add(c, fl, f->string, nu)) < 0 ? rc : 1;
}

/* Merges object in into out. keyed: out is an identified array item whose
 * `id` is set already and stays. */
static int c_merge_obj(Ctx *c, cJSON *out, const cJSON *in, Rules r, int depth, int keyed) {
  Fields fl;
  int produced = 0, rc = 0;
  if (depth > MERGE_MAX_DEPTH) return fail(c, ERR_LIMIT);
  fields_open(&fl, out, in);
  for (const cJSON *f = in->child; f; f = f->next) {
    if (!f->string) continue;
    if (keyed && strcmp(f->string, "id") == 0) {
      produced = 1;
      continue;
    }
    if ((rc = c_merge_field(c, &fl, f, r, depth)) < 0) break;
    produced |= rc;
  }
  fields_close(&fl);
  return rc < 0 ? rc : produced;
}

/* out.name = s, in place when out.name is a string already. */
static int set_string(Ctx *c, cJSON *out, const char *name, const char *s) {
  cJSON *x = cJSON_GetObjectItemCaseSensitive(out, name), *nu;
  if (x && cJSON_IsString(x) && x->valuestring && !(x->type & cJSON_IsReference)) {
    if (strcmp(x->valuestring, s) == 0) return 0;
    return cJSON_SetValuestring(x, s) ? 0 : fail(c, ERR_NOMEM);
  }
  if (!(nu = cJSON_CreateString(s))) return fail(c, ERR_NOMEM);
  if (x) {
    take_value(c, x, nu);
    return 0;
  }
  return add_field(c, out, name, nu);
}

/* One release into compiled release out (checked by the caller). */
static int c_apply(Ctx *c, cJSON *out, const cJSON *rel, const char *ocid, const char *date) {
  char small[256];
  Buf big = BUF_INIT;
  const char *id = small;
  size_t lo = strlen(ocid), ld = strlen(date);
  int rc;
  if (lo + ld + 2 <= sizeof small) {
    memcpy(small, ocid, lo);
    small[lo] = '-';
    memcpy(small + lo + 1, date, ld + 1);
  } else {
    buf_addf(&big, "%s-%s", ocid, date);
    id = big.data;
  }
  if (!cJSON_GetObjectItemCaseSensitive(out, "tag")) {
    cJSON *tag = cJSON_CreateArray(), *s = cJSON_CreateString("compiled");
    if (!tag || !s || !cJSON_AddItemToArray(tag, s)) {
      cJSON_Delete(tag);
      cJSON_Delete(s);
      rc = fail(c, ERR_NOMEM);
      goto out;
    }
    if ((rc = add_field(c, out, "tag", tag)) < 0) goto out;
  }
  if ((rc = set_string(c, out, "id", id)) < 0) goto out;
  if ((rc = set_string(c, out, "date", date)) < 0) goto out;
  if (!cJSON_GetObjectItemCaseSensitive(out, "ocid") && (rc = set_string(c, out, "ocid", ocid)) < 0)
    goto out;
  rc = c_merge_obj(c, out, rel, rules_root(), 1, 0);
  /* the ocid checked, whatever else a hostile release holds: a second "ocid"
   * key (cJSON keeps both; the check read the first) merged over it */
  if (rc >= 0) rc = set_string(c, out, "ocid", ocid);
  if (rc > 0) rc = 0;
out:
  buf_release(&big);
  return rc;
}

/* ---- Checking and ordering the releases ---- */

typedef struct {
  const cJSON *rel;
  const char *ocid, *date;
  size_t idx;
} RelInfo;

static int rel_check(const cJSON *rel, size_t i, RelInfo *ri, Err *err) {
  const cJSON *o, *d, *id;
  if (!cJSON_IsObject(rel)) return err_set(err, ERR_OCDS, "merge: release %zu is not a JSON object", i);
  id = cJSON_GetObjectItemCaseSensitive(rel, "id");
  const char *ids = cJSON_IsString(id) && id->valuestring ? id->valuestring : "?";
  o = cJSON_GetObjectItemCaseSensitive(rel, "ocid");
  if (!cJSON_IsString(o) || !o->valuestring)
    return err_set(err, ERR_OCDS, "merge: release %zu (id '%.100s') has no string ocid", i, ids);
  d = cJSON_GetObjectItemCaseSensitive(rel, "date");
  if (!cJSON_IsString(d) || !d->valuestring)
    return err_set(err, ERR_OCDS, "merge: release %zu (id '%.100s') of %.100s has no string date", i,
                   ids, o->valuestring);
  ri->rel = rel;
  ri->ocid = o->valuestring;
  ri->date = d->valuestring;
  ri->idx = i;
  return 0;
}

/* Dates compare by the instant they name when both parse (publishers mix time
 * zones: "11:22:57-05:00" is later than "14:00:00Z"), else as text. */
/* merge.h's order of dates, a total one: a date that does not parse comes
 * before every date that does (else "x" could sort between two instants
 * and the order go round: fuzz_merge found 00:00z < 00:00:05z < 00:00:\xFF
 * < 00:00z), then instants, then text. */
static int date_cmp(const char *a, const char *b) {
  time_t ta, tb;
  int pa = date_parse(a, &ta) == 0, pb = date_parse(b, &tb) == 0;
  if (pa != pb) return pa ? 1 : -1;
  if (pa && ta != tb) return ta < tb ? -1 : 1;
  return strcmp(a, b);
}

static int by_date(const void *pa, const void *pb) {
  const RelInfo *a = pa, *b = pb;
  int d = date_cmp(a->date, b->date);
  if (d) return d;
  return (a->idx > b->idx) - (a->idx < b->idx); /* stable */
}

/* The n releases checked and in merge order; caller frees. NULL + err. */
static RelInfo *prepare(const cJSON *const *rels, size_t n, Err *err) {
  RelInfo *v;
  int sorted = 1;
  if (n == 0 || !rels) {
    err_set(err, ERR_OCDS, "merge: no releases to merge");
    return NULL;
  }
  v = xmalloc(n * sizeof *v);
  for (size_t i = 0; i < n; i++) {
    if (rel_check(rels[i], i, &v[i], err) < 0) goto fail;
    if (i && strcmp(v[i].ocid, v[0].ocid) != 0) {
      err_set(err, ERR_OCDS, "merge: release %zu has ocid '%.100s' but release 0 has '%.100s'", i,
              v[i].ocid, v[0].ocid);
      goto fail;
    }
    if (i && date_cmp(v[i - 1].date, v[i].date) > 0) sorted = 0;
  }
  if (!sorted) qsort(v, n, sizeof *v, by_date);
  return v;
fail:
  free(v);
  return NULL;
}

cJSON *merge_compile(const cJSON *const *releases, size_t n, Err *err) {
  Ctx c = {err, 0, NULL, NULL, NULL, NULL};
  RelInfo *v;
  cJSON *out = NULL;
  if (!(v = prepare(releases, n, err))) goto out;
  if (!(out = cJSON_CreateObject())) {
    fail(&c, ERR_NOMEM);
    goto out;
  }
  if (n > 1) c.cache = xcalloc(1, sizeof *c.cache);
  for (size_t i = 0; i < n; i++) {
    if (c_apply(&c, out, v[i].rel, v[i].ocid, v[i].date) < 0) {
      cJSON_Delete(out);
      out = NULL;
      break;
    }
  }
out:
  cache_free(c.cache);
  free(v);
  return out;
}

struct MergeCompiler {
  cJSON *out;
  Cache *cache;
};

MergeCompiler *merge_compiler_new(void) {
  MergeCompiler *m = xcalloc(1, sizeof *m);
  m->cache = xcalloc(1, sizeof *m->cache);
  if (!(m->out = cJSON_CreateObject())) abort();
  return m;
}

MergeCompiler *merge_compiler_from(cJSON *compiled) {
  MergeCompiler *m = xcalloc(1, sizeof *m);
  m->cache = xcalloc(1, sizeof *m->cache);
  m->out = compiled;
  return m;
}

static int merge_checked(Ctx *c, cJSON *compiled, const cJSON *release, Err *err);

int merge_compiler_add(MergeCompiler *m, const cJSON *release, Err *err) {
  Ctx c = {err, 0, m->cache, NULL, NULL, NULL};
  return merge_checked(&c, m->out, release, err);
}

const cJSON *merge_compiler_tree(const MergeCompiler *m) { return m->out; }

void merge_compiler_free(MergeCompiler *m) {
  if (!m) return;
  cJSON_Delete(m->out);
  cache_free(m->cache);
  free(m);
}

int merge_into(cJSON *compiled, const cJSON *release, Err *err) {
  Ctx c = {err, 0, NULL, NULL, NULL, NULL};
  return merge_checked(&c, compiled, release, err);
}

/* merge_into's checks, then the merge with c's tables (if any). */
static int merge_checked(Ctx *c, cJSON *compiled, const cJSON *release, Err *err) {
  RelInfo ri;
  const cJSON *o, *d;
  int rc;
  if (!cJSON_IsObject(compiled)) return err_set(err, ERR_OCDS, "merge: compiled release is not a JSON object");
  if ((rc = rel_check(release, 0, &ri, err)) < 0) return rc;
  o = cJSON_GetObjectItemCaseSensitive(compiled, "ocid");
  if (o && !(cJSON_IsString(o) && o->valuestring && strcmp(o->valuestring, ri.ocid) == 0))
    return err_set(err, ERR_OCDS, "merge: release of ocid '%.100s' cannot go into the compiled release of '%.100s'",
                   ri.ocid, cJSON_IsString(o) && o->valuestring ? o->valuestring : "?");
  d = cJSON_GetObjectItemCaseSensitive(compiled, "date");
  if (cJSON_IsString(d) && d->valuestring && date_cmp(ri.date, d->valuestring) < 0)
    return err_set(err, ERR_OCDS,
                   "merge: release of %.100s dated %.60s is older than its compiled release (%.60s): "
                   "compile again from all releases",
                   ri.ocid, ri.date, d->valuestring);
  return c_apply(c, compiled, release, ri.ocid, ri.date);
}

/* ---- Versioned release ----
 * Output nodes are V_OBJ (object of nodes), V_ITEMS (array of item objects,
 * each with a plain `id` when it has one) or V_LEAF (array of versions,
 * marked). The v_* functions return like the c_* ones. */

#define LEAF_MARK 0x4c454146 /* "LEAF" */

enum { V_NONE, V_OBJ, V_ITEMS, V_LEAF };

static int vkind(const cJSON *x) {
  if (cJSON_IsObject(x)) return V_OBJ;
  if (cJSON_IsArray(x)) return x->valueint == LEAF_MARK ? V_LEAF : V_ITEMS;
  return V_NONE;
}

/* {releaseID, releaseDate, releaseTag, value} for value in the current release. */
static cJSON *v_version(Ctx *c, const cJSON *value, int depth) {
  cJSON *v = cJSON_CreateObject();
  if (!v) {
    fail(c, ERR_NOMEM);
    return NULL;
  }
  if (add_field(c, v, "releaseID", c->rel_id ? dup_value(c, c->rel_id, depth + 1) : cJSON_CreateNull()) < 0 ||
      add_field(c, v, "releaseDate", cJSON_CreateString(c->rel_date)) < 0 ||
      add_field(c, v, "releaseTag", c->rel_tag ? dup_value(c, c->rel_tag, depth + 1) : cJSON_CreateNull()) < 0 ||
      add_field(c, v, "value", dup_value(c, value, depth + 1)) < 0) {
    cJSON_Delete(v);
    return NULL;
  }
  return v;
}

/* A new list of versions holding value. */
static cJSON *v_leaf(Ctx *c, const cJSON *value, int depth) {
  cJSON *leaf, *ver;
  if (!(leaf = cJSON_CreateArray())) {
    fail(c, ERR_NOMEM);
    return NULL;
  }
  leaf->valueint = LEAF_MARK;
  if (!(ver = v_version(c, value, depth + 1))) {
    cJSON_Delete(leaf);
    return NULL;
  }
  cJSON_AddItemToArray(leaf, ver);
  return leaf;
}

/* Adds a version to leaf unless value equals the latest one. */
static int v_leaf_add(Ctx *c, cJSON *leaf, const cJSON *value, int depth) {
  const cJSON *last = leaf->child ? leaf->child->prev : NULL; /* cJSON: first->prev is the tail */
  const cJSON *lv = last && last->child ? last->child->prev : NULL;
  cJSON *ver;
  if (lv && lv->string && strcmp(lv->string, "value") == 0 && json_equal(lv, value, depth + 2)) return 0;
  if (!(ver = v_version(c, value, depth + 1))) return failed(c);
  cJSON_AddItemToArray(leaf, ver);
  return 0;
}

/* null for every leaf under x (a null for the object or array holding them). */
static int v_null(Ctx *c, cJSON *x, int depth) {
  static const cJSON null_value = {.type = cJSON_NULL};
  int rc;
  switch (vkind(x)) {
    case V_LEAF:
      return v_leaf_add(c, x, &null_value, depth);
    case V_OBJ:
    case V_ITEMS:
      for (cJSON *y = x->child; y; y = y->next)
        if ((rc = v_null(c, y, depth + 1)) < 0) return rc;
      return 0;
    default: /* a plain id */
      return 0;
  }
}

static int v_merge_obj(Ctx *c, cJSON *out, const cJSON *in, Rules r, int depth, const char *skip);

static int v_merge_items(Ctx *c, cJSON *out, const cJSON *in, Rules r, int depth, int attached) {
  Table local, *t;
  char kb[32];
  int produced = 0, rc = 0;
  if (depth > MERGE_MAX_DEPTH) return fail(c, ERR_LIMIT);
  t = items_table(c, out, attached, &local);
  for (const cJSON *it = in->child; it; it = it->next) {
    const cJSON *idn;
    const char *k = id_key(it, kb, &idn);
    Ent *e = k ? tab_find(t, k) : NULL;
    if (e) {
      if ((rc = v_merge_obj(c, e->node, it, r, depth + 1, "id")) < 0) break;
      produced = 1;
      continue;
    }
    cJSON *nu = cJSON_CreateObject();
    if (!nu) {
      rc = fail(c, ERR_NOMEM);
      break;
    }
    if (k && (rc = add_field(c, nu, "id", dup_value(c, idn, depth + 2))) < 0) {
      cJSON_Delete(nu);
      break;
    }
    if ((rc = v_merge_obj(c, nu, it, r, depth + 1, k ? "id" : NULL)) < 0 || (!k && rc == 0)) {
      cJSON_Delete(nu);
      if (rc < 0) break;
      continue;
    }
    cJSON_AddItemToArray(out, nu);
    if (k) {
      tab_push(t, nu, cJSON_IsNumber(idn) ? NULL : nu->child->valuestring, k);
    } else if ((k = id_key(nu, kb, &idn))) {
      /* no id to match by, yet one in the result (an item holding "id"
       * twice, the first null): indexed as a table made afresh from the
       * result would index it, so that the kept table and merge_into agree */
      tab_push(t, nu, cJSON_IsNumber(idn) ? NULL : k, k);
    }
    produced = 1;
  }
  if (t == &local) tab_release(&local);
  return rc < 0 ? rc : produced;
}

static int v_merge_field(Ctx *c, Fields *fl, const cJSON *f, Rules r, int depth) {
  Rules sub;
  int kind = rules_step(r, f->string, &sub), cls, rc = 0, k;
  if (kind == MERGE_RULE_OMIT || (cls = classify(f, kind)) == IN_SKIP) return 0;
  cJSON *x = fields_find(fl, f->string), *nu = NULL;
  k = x ? vkind(x) : V_NONE;
  switch (cls) {
    case IN_NULL:
    case IN_LITERAL:
      if (k == V_LEAF) return (rc = v_leaf_add(c, x, f, depth + 1)) < 0 ? rc : 1;
      if (cls == IN_NULL && (k == V_OBJ || k == V_ITEMS)) return (rc = v_null(c, x, depth + 1)) < 0 ? rc : 1;
      if (!(nu = v_leaf(c, f, depth + 1))) return failed(c);
      rc = 1;
      break;
    case IN_OBJECT:
      if (k == V_OBJ) return v_merge_obj(c, x, f, sub, depth + 1, NULL);
      if (!(nu = cJSON_CreateObject())) return fail(c, ERR_NOMEM);
      rc = v_merge_obj(c, nu, f, sub, depth + 1, NULL);
      break;
    default: /* IN_ITEMS */
      if (k == V_ITEMS) return v_merge_items(c, x, f, sub, depth + 1, 1);
      if (!(nu = cJSON_CreateArray())) return fail(c, ERR_NOMEM);
      rc = v_merge_items(c, nu, f, sub, depth + 1, 0);
      break;
  }
  if (rc <= 0) {
    cJSON_Delete(nu);
    return rc;
  }
  if (x) {
    take_value(c, x, nu);
    return 1;
  }
  return (rc = fields_add(c, fl, f->string, nu)) < 0 ? rc : 1;
}

/* Merges object in into out; field `skip` (the plain `id` of an item, the
 * release's `ocid`) is left alone. */
static int v_merge_obj(Ctx *c, cJSON *out, const cJSON *in, Rules r, int depth, const char *skip) {
  Fields fl;
  int produced = 0, rc = 0;
  if (depth > MERGE_MAX_DEPTH) return fail(c, ERR_LIMIT);
  fields_open(&fl, out, in);
  for (const cJSON *f = in->child; f; f = f->next) {
    if (!f->string) continue;
    if (skip && strcmp(f->string, skip) == 0) {
      produced = 1;
      continue;
    }
    if ((rc = v_merge_field(c, &fl, f, r, depth)) < 0) break;
    produced |= rc;
  }
  fields_close(&fl);
  return rc < 0 ? rc : produced;
}

/* Clears LEAF_MARK (the versions' values were copied with valueint 0). */
static void v_unmark(cJSON *x) {
  switch (vkind(x)) {
    case V_LEAF:
      x->valueint = 0;
      break;
    case V_OBJ:
    case V_ITEMS:
      for (cJSON *y = x->child; y; y = y->next) v_unmark(y);
      break;
  }
}

cJSON *merge_versioned(const cJSON *const *releases, size_t n, Err *err) {
  Ctx c = {err, 0, NULL, NULL, NULL, NULL};
  RelInfo *v;
  cJSON *out = NULL;
  if (!(v = prepare(releases, n, err))) goto out;
  if (!(out = cJSON_CreateObject()) || add_field(&c, out, "ocid", cJSON_CreateString(v[0].ocid)) < 0) {
    if (!out) fail(&c, ERR_NOMEM);
    goto fail;
  }
  if (n > 1) c.cache = xcalloc(1, sizeof *c.cache);
  for (size_t i = 0; i < n; i++) {
    c.rel_id = cJSON_GetObjectItemCaseSensitive(v[i].rel, "id");
    c.rel_tag = cJSON_GetObjectItemCaseSensitive(v[i].rel, "tag");
    c.rel_date = v[i].date;
    if (v_merge_obj(&c, out, v[i].rel, rules_root(), 1, "ocid") < 0) goto fail;
  }
  v_unmark(out);
  goto out;
fail:
  cJSON_Delete(out);
  out = NULL;
out:
  cache_free(c.cache);
  free(v);
  return out;
}

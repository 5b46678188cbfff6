/* sqlite_notices.c -- the notices aggregate (store/notices.h) on SQLite:
 * releases verbatim with their change sequence, the notices derived from
 * them with their rows (CPV codes, regions, awards and suppliers, contracts,
 * documents, history) and the organisations they name, and the full-text
 * entry of each notice, queued and written just before COMMIT (see sqlite.c).
 * The connection and its statements are sqlite.c's. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "model/cpv.h"
#include "store/org_key.h"
#include "store/sqlite_impl.h"

/* ---- releases ------------------------------------------------------------------ */

/* The row id of ocid's notice, created (as a stub that notice_put fills) when
 * this is its first release. */
static int notice_id(Sqlite *s, const char *ocid, sqlite3_int64 *id, Err *err) {
  if (s->last_ocid && strcmp(s->last_ocid, ocid) == 0) {
    *id = s->last_notice;
    return 0;
  }
  forget_last_notice(s);
  sqlite3_stmt *q = stmt(s, Q_NOTICE_ID, err);
  if (!q) return ERR_DB;
  sqlite3_bind_text(q, 1, ocid, -1, SQLITE_STATIC);
  int rc = sqlite3_step(q);
  *id = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
  sqlite3_reset(q);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return db_err(s, err, "cannot read a notice");
  if (!*id) {
    if (!(q = stmt(s, Q_NOTICE_STUB, err))) return ERR_DB;
    sqlite3_bind_text(q, 1, ocid, -1, SQLITE_STATIC);
    if (step_done(s, q, err, "cannot store a notice")) return ERR_DB;
    *id = sqlite3_last_insert_rowid(s->db);
  }
  s->last_ocid = xstrdup(ocid);
  s->last_notice = *id;
  return 0;
}

static int sqlite_release_add(void *impl, const StoreRelease *r, Err *err) {
  Sqlite *s = impl;
  sqlite3_int64 nid;
  if (notice_id(s, r->ocid, &nid, err)) return ERR_DB;
  sqlite3_stmt *q = stmt(s, Q_REL_INSERT, err);
  if (!q) return ERR_DB;
  sqlite3_bind_int64(q, 1, nid);
  sqlite3_bind_text(q, 2, r->id, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 3, r->date, -1, SQLITE_STATIC);
  sqlite3_bind_int64(q, 4, (sqlite3_int64)r->hash);
  bind_text(q, 5, r->source);
  sqlite3_bind_text(q, 6, r->json, (int)r->len, SQLITE_STATIC);
  if (step_done(s, q, err, "cannot store a release")) return ERR_DB;
  if (sqlite3_changes(s->db) == 1) return STORE_ADDED;
  if (!(q = stmt(s, Q_REL_HASH, err))) return ERR_DB;
  sqlite3_bind_int64(q, 1, nid);
  sqlite3_bind_text(q, 2, r->id, -1, SQLITE_STATIC);
  int rc = sqlite3_step(q);
  if (rc != SQLITE_ROW) {
    sqlite3_reset(q);
    return db_err(s, err, "cannot read a stored release");
  }
  uint64_t h = (uint64_t)sqlite3_column_int64(q, 0);
  int newer = strcmp(r->date, (const char *)sqlite3_column_text(q, 1)) > 0;
  sqlite3_int64 seq = sqlite3_column_int64(q, 2);
  sqlite3_reset(q);
  if (h == r->hash) return STORE_UNCHANGED;
  if (!newer) return STORE_CONFLICT;
  if (!(q = stmt(s, Q_REL_DELETE, err))) return ERR_DB;
  sqlite3_bind_int64(q, 1, seq);
  if (step_done(s, q, err, "cannot replace a release")) return ERR_DB;
  rc = sqlite_release_add(impl, r, err);
  return rc == STORE_ADDED ? STORE_REPLACED : rc < 0 ? rc : db_err(s, err, "cannot replace a release");
}

static int sqlite_release_get(void *impl, const char *ocid, const char *id, char **json, Err *err) {
  Sqlite *s = impl;
  *json = NULL;
  sqlite3_stmt *q = stmt(s, Q_REL_GET, err);
  if (!q) return ERR_DB;
  sqlite3_bind_text(q, 1, ocid, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 2, id, -1, SQLITE_STATIC);
  int rc = sqlite3_step(q);
  if (rc == SQLITE_ROW) *json = col_dup(q, 0);
  sqlite3_reset(q);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return db_err(s, err, "cannot read a release");
  return rc == SQLITE_ROW;
}

static int sqlite_releases_each(void *impl, const char *ocid, StoreReleaseFn fn, void *ctx, Err *err) {
  Sqlite *s = impl;
  sqlite3_stmt *q = stmt(s, Q_REL_EACH, err);
  if (!q) return ERR_DB;
  sqlite3_bind_text(q, 1, ocid, -1, SQLITE_STATIC);
  int rc;
  while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
    if (fn(ctx, (const char *)sqlite3_column_text(q, 0), (const char *)sqlite3_column_text(q, 1),
           (const char *)sqlite3_column_text(q, 2), (size_t)sqlite3_column_bytes(q, 2)))
      break;
  }
  sqlite3_reset(q);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return db_err(s, err, "cannot read releases");
  return 0;
}

static int sqlite_notice_exists(void *impl, const char *ocid, Err *err) {
  Sqlite *s = impl;
  sqlite3_stmt *q = stmt(s, Q_NOTICE_EXISTS, err);
  if (!q) return ERR_DB;
  sqlite3_bind_text(q, 1, ocid, -1, SQLITE_STATIC);
  int rc = sqlite3_step(q);
  sqlite3_reset(q);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return db_err(s, err, "cannot read a notice");
  return rc == SQLITE_ROW;
}

static int sqlite_notes_count(void *impl, const char *needle, int64_t *out, Err *err) {
  Sqlite *s = impl;
  sqlite3_stmt *q = stmt(s, Q_NOTES_COUNT, err);
  if (!q) return ERR_DB;
  sqlite3_bind_text(q, 1, needle, -1, SQLITE_STATIC);
  int rc = sqlite3_step(q);
  *out = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
  sqlite3_reset(q);
  if (rc != SQLITE_ROW) return db_err(s, err, "cannot count data notes");
  return 0;
}

/* ---- notices ------------------------------------------------------------------- */

/* The organisation's row id (inserted or updated), 0 when o names nothing. */
static int org_put(Sqlite *s, const Org *o, sqlite3_int64 *id, Err *err) {
  *id = 0;
  Buf sig = BUF_INIT;
  size_t key_len = org_signature(o, &sig);
  int64_t seen;
  int rc = 0;
  if (!key_len) goto out;
  if (org_cache_get(&s->orgs, sig.data, sig.len, &seen)) {
    *id = seen;
    goto out;
  }
  sqlite3_stmt *q = stmt(s, Q_ORG_UPSERT, err);
  if (!q) {
    rc = ERR_DB;
    goto out;
  }
  sqlite3_bind_text(q, 1, sig.data, (int)key_len, SQLITE_STATIC);
  bind_text(q, 2, o->name);
  bind_text(q, 3, o->scheme);
  bind_text(q, 4, o->identifier);
  bind_text(q, 5, o->postcode);
  bind_text(q, 6, o->locality);
  bind_text(q, 7, o->region);
  bind_text(q, 8, o->country);
  bind_text(q, 9, o->scale);
  bind_flag(q, 10, o->vcse);
  if (sqlite3_step(q) != SQLITE_ROW) {
    rc = db_err(s, err, "cannot store an organisation");
  } else {
    *id = sqlite3_column_int64(q, 0);
    org_cache_put(&s->orgs, sig.data, sig.len, *id);
  }
  sqlite3_reset(q);
out:
  buf_release(&sig);
  return rc;
}

static int eq(const unsigned char *a, const char *b) {
  if (!a || !b) return !a && !b;
  return strcmp((const char *)a, b) == 0;
}

static int sqlite_notice_put(void *impl, const Notice *n, Err *err) {
  Sqlite *s = impl;
  Buf cpvs = BUF_INIT;
  int rc = ERR_DB;
  sqlite3_stmt *q;
  sqlite3_int64 id = 0, buyer = 0, count = 0, last_seq = 0;
  int fts_same = 0;
  store_cpv_text(n, &cpvs);
  char *desc = notice_search_text(n->description, n->lots_text); /* as the full-text index holds it */

  if (org_put(s, &n->buyer, &buyer, err)) goto out;

  /* The old entry: its id, and the text the full-text index holds for it (none
   * for a stub made by its first release). */
  if (!(q = stmt(s, Q_NOTICE_OLD, err))) goto out;
  sqlite3_bind_text(q, 1, n->ocid, -1, SQLITE_STATIC);
  int step = sqlite3_step(q);
  if (step == SQLITE_ROW) {
    id = sqlite3_column_int64(q, 0);
    int indexed = sqlite3_column_int64(q, 5) > 0;
    fts_same = indexed && eq(sqlite3_column_text(q, 1), n->title) && eq(sqlite3_column_text(q, 2), desc) &&
               eq(sqlite3_column_text(q, 3), n->buyer.name) && eq(sqlite3_column_text(q, 4), cpvs.data ? cpvs.data : NULL);
    if (indexed && !fts_same) {
      const char *old[4];
      for (int i = 0; i < 4; i++) old[i] = (const char *)sqlite3_column_text(q, i + 1);
      fts_queue(s, id, 1, old);
    }
  } else if (step != SQLITE_DONE) {
    sqlite3_reset(q);
    db_err(s, err, "cannot read a notice");
    goto out;
  }
  sqlite3_reset(q);
  if (id) {
    if (!(q = stmt(s, Q_REL_COUNT, err))) goto out;
    sqlite3_bind_int64(q, 1, id);
    if (sqlite3_step(q) == SQLITE_ROW) {
      count = sqlite3_column_int64(q, 0);
      last_seq = sqlite3_column_int64(q, 1);
    }
    sqlite3_reset(q);
  }

  if (!(q = stmt(s, id ? Q_NOTICE_UPDATE : Q_NOTICE_INSERT, err))) goto out;
  sqlite3_bind_text(q, 1, n->ocid, -1, SQLITE_STATIC);
  bind_text(q, 2, n->title);
  bind_text(q, 3, n->description);
  sqlite3_bind_text(q, 4, notice_status_name(n->status), -1, SQLITE_STATIC);
  bind_text(q, 5, n->tender_status);
  if (buyer) sqlite3_bind_int64(q, 6, buyer);
  bind_text(q, 7, n->buyer.name);
  bind_text(q, 8, n->buyer.id);
  bind_money(q, 9, n->has_value, n->value);
  bind_money(q, 10, n->has_min_value, n->min_value);
  bind_text(q, 11, n->currency);
  bind_text(q, 12, n->deadline);
  bind_text(q, 13, n->published);
  bind_text(q, 14, n->updated);
  bind_text(q, 15, n->contract_start);
  bind_text(q, 16, n->contract_end);
  bind_text(q, 17, n->method);
  bind_text(q, 18, n->method_details);
  bind_text(q, 19, n->category);
  bind_flag(q, 20, n->sme);
  bind_flag(q, 21, n->vcse);
  bind_text(q, 22, n->publisher);
  bind_text(q, 23, n->url);
  bind_text(q, 24, cpvs.data);
  sqlite3_bind_int64(q, 25, count);
  sqlite3_bind_int64(q, 26, last_seq);
  if (id) sqlite3_bind_int64(q, 27, id);
  if (step_done(s, q, err, "cannot store a notice")) goto out;
  sqlite3_int64 id_was = id;
  if (!id) {
    id = sqlite3_last_insert_rowid(s->db);
  } else {
    static const int dels[] = {Q_CHILD_DEL_CPV,      Q_CHILD_DEL_REGION,   Q_CHILD_DEL_AWARD,      Q_CHILD_DEL_CONTRACT,
                               Q_CHILD_DEL_DOCUMENT, Q_CHILD_DEL_HISTORY, Q_CHILD_DEL_DETAIL};
    for (size_t i = 0; i < sizeof dels / sizeof *dels; i++) {
      if (!(q = stmt(s, dels[i], err))) goto out;
      sqlite3_bind_int64(q, 1, id);
      if (step_done(s, q, err, "cannot replace a notice")) goto out;
    }
  }
  if (!fts_same) {
    const char *text[4] = {n->title, desc, n->buyer.name, cpvs.data};
    fts_queue(s, id, 0, text);
  }
  for (size_t i = 0; i < n->n_cpvs; i++) {
    if (!(q = stmt(s, Q_CPV_INSERT, err))) goto out;
    sqlite3_bind_int64(q, 1, id);
    bind_text(q, 2, n->cpvs[i].code);
    sqlite3_bind_int(q, 3, n->cpvs[i].kind);
    if (step_done(s, q, err, "cannot store a CPV code")) goto out;
  }
  for (size_t i = 0; i < n->n_regions; i++) {
    if (!(q = stmt(s, Q_REGION_INSERT, err))) goto out;
    sqlite3_bind_int64(q, 1, id);
    bind_text(q, 2, n->regions[i]);
    if (step_done(s, q, err, "cannot store a region")) goto out;
  }
  for (size_t i = 0; i < n->n_awards; i++) {
    const NoticeAward *a = &n->awards[i];
    if (!(q = stmt(s, Q_AWARD_INSERT, err))) goto out;
    sqlite3_bind_int64(q, 1, id);
    bind_text(q, 2, a->id);
    bind_text(q, 3, a->title);
    bind_text(q, 4, a->status);
    bind_text(q, 5, a->date);
    bind_text(q, 6, a->date_published);
    bind_money(q, 7, a->has_value, a->value);
    bind_text(q, 8, a->currency);
    bind_text(q, 9, a->contract_start);
    bind_text(q, 10, a->contract_end);
    if (step_done(s, q, err, "cannot store an award")) goto out;
    sqlite3_int64 award = sqlite3_last_insert_rowid(s->db);
    for (size_t j = 0; j < a->n_suppliers; j++) {
      sqlite3_int64 org;
      if (org_put(s, &a->suppliers[j], &org, err)) goto out;
      if (!org) continue;
      if (!(q = stmt(s, Q_AWARD_SUPPLIER_INSERT, err))) goto out;
      sqlite3_bind_int64(q, 1, award);
      sqlite3_bind_int64(q, 2, org);
      sqlite3_bind_int64(q, 3, (sqlite3_int64)j);
      if (step_done(s, q, err, "cannot store a supplier")) goto out;
    }
  }
  for (size_t i = 0; i < n->n_contracts; i++) {
    const NoticeContract *c = &n->contracts[i];
    if (!(q = stmt(s, Q_CONTRACT_INSERT, err))) goto out;
    sqlite3_bind_int64(q, 1, id);
    bind_text(q, 2, c->id);
    bind_text(q, 3, c->award_id);
    bind_text(q, 4, c->title);
    bind_text(q, 5, c->status);
    bind_money(q, 6, c->has_value, c->value);
    bind_text(q, 7, c->currency);
    bind_text(q, 8, c->start);
    bind_text(q, 9, c->end);
    bind_text(q, 10, c->date_signed);
    if (step_done(s, q, err, "cannot store a contract")) goto out;
  }
  for (size_t i = 0; i < n->n_documents; i++) {
    const NoticeDocument *d = &n->documents[i];
    if (!(q = stmt(s, Q_DOCUMENT_INSERT, err))) goto out;
    sqlite3_bind_int64(q, 1, id);
    sqlite3_bind_int64(q, 2, (sqlite3_int64)i);
    bind_text(q, 3, d->title);
    bind_text(q, 4, d->url);
    bind_text(q, 5, d->type);
    bind_text(q, 6, d->date);
    if (step_done(s, q, err, "cannot store a document")) goto out;
  }
  if (store_notice_has_detail(n)) {
    if (!(q = stmt(s, Q_DETAIL_INSERT, err))) goto out;
    sqlite3_bind_int64(q, 1, id);
    bind_text(q, 2, n->stage);
    bind_text(q, 3, n->reserved);
    bind_text(q, 4, n->reserved_location);
    bind_text(q, 5, n->details);
    bind_text(q, 6, n->lots_text);
    bind_text(q, 7, notice_sector_name(n->sector));
    sqlite3_bind_int(q, 8, n->subcontract);
    bind_text(q, 9, n->parent_ocid);
    if (step_done(s, q, err, "cannot store a notice's details")) goto out;
  }
  if (n->compiled || id_was) {
    if (!(q = stmt(s, n->compiled ? Q_COMPILED_PUT : Q_COMPILED_DEL, err))) goto out;
    sqlite3_bind_int64(q, 1, id);
    if (n->compiled) sqlite3_bind_text(q, 2, n->compiled, -1, SQLITE_STATIC);
    if (step_done(s, q, err, "cannot store a notice's compiled release")) goto out;
  }
  for (size_t i = 0; i < n->n_history; i++) {
    const NoticeHistory *h = &n->history[i];
    if (!(q = stmt(s, Q_HISTORY_INSERT, err))) goto out;
    sqlite3_bind_int64(q, 1, id);
    sqlite3_bind_int64(q, 2, (sqlite3_int64)i);
    bind_text(q, 3, h->release_id);
    bind_text(q, 4, h->date);
    bind_text(q, 5, h->tags);
    bind_text(q, 6, h->notes);
    if (step_done(s, q, err, "cannot store the release history")) goto out;
  }
  rc = 0;
out:
  buf_release(&cpvs);
  free(desc);
  return rc;
}

static void read_org(sqlite3_stmt *q, int at, Org *o) {
  o->name = col_dup(q, at);
  o->scheme = col_dup(q, at + 1);
  o->identifier = col_dup(q, at + 2);
  o->postcode = col_dup(q, at + 3);
  o->locality = col_dup(q, at + 4);
  o->region = col_dup(q, at + 5);
  o->country = col_dup(q, at + 6);
  o->scale = col_dup(q, at + 7);
  o->vcse = col_flag(q, at + 8);
}

/* The history rows of notice id, appended to n->history. */
static int read_history(Sqlite *s, sqlite3_int64 id, Notice *n, Err *err) {
  sqlite3_stmt *q = stmt(s, Q_NOTICE_GET_HISTORY, err);
  if (!q) return ERR_DB;
  sqlite3_bind_int64(q, 1, id);
  size_t cap = n->n_history;
  int step;
  while ((step = sqlite3_step(q)) == SQLITE_ROW) {
    if (n->n_history == cap) n->history = xrealloc(n->history, (cap = cap ? cap * 2 : 4) * sizeof *n->history);
    NoticeHistory *h = &n->history[n->n_history++];
    h->release_id = col_dup(q, 0);
    h->date = col_dup(q, 1);
    h->tags = col_dup(q, 2);
    h->notes = col_dup(q, 3);
  }
  sqlite3_reset(q);
  return step != SQLITE_DONE ? db_err(s, err, "cannot read a notice's history") : 0;
}

static int sqlite_notice_get(void *impl, const char *ocid, Notice *n, Err *err) {
  Sqlite *s = impl;
  sqlite3_stmt *q = stmt(s, Q_NOTICE_GET, err);
  if (!q) return ERR_DB;
  sqlite3_bind_text(q, 1, ocid, -1, SQLITE_STATIC);
  int rc = sqlite3_step(q);
  if (rc == SQLITE_DONE) {
    sqlite3_reset(q);
    return 0;
  }
  if (rc != SQLITE_ROW) {
    sqlite3_reset(q);
    return db_err(s, err, "cannot read a notice");
  }
  sqlite3_int64 id = sqlite3_column_int64(q, 0);
  n->ocid = xstrdup(ocid);
  n->title = col_dup(q, 1);
  n->description = col_dup(q, 2);
  const char *st = (const char *)sqlite3_column_text(q, 3);
  if (!st || notice_status_parse(st, &n->status)) n->status = NOTICE_CLOSED;
  n->tender_status = col_dup(q, 4);
  if ((n->has_value = sqlite3_column_type(q, 5) != SQLITE_NULL)) n->value = sqlite3_column_double(q, 5);
  if ((n->has_min_value = sqlite3_column_type(q, 6) != SQLITE_NULL)) n->min_value = sqlite3_column_double(q, 6);
  n->currency = col_dup(q, 7);
  n->deadline = col_dup(q, 8);
  n->published = col_dup(q, 9);
  n->updated = col_dup(q, 10);
  n->contract_start = col_dup(q, 11);
  n->contract_end = col_dup(q, 12);
  n->method = col_dup(q, 13);
  n->method_details = col_dup(q, 14);
  n->category = col_dup(q, 15);
  n->sme = col_flag(q, 16);
  n->vcse = col_flag(q, 17);
  n->publisher = col_dup(q, 18);
  n->url = col_dup(q, 19);
  n->buyer.id = col_dup(q, 20);
  read_org(q, 21, &n->buyer);
  n->buyer_ref = sqlite3_column_int64(q, 30);
  sqlite3_reset(q);

  if (!(q = stmt(s, Q_NOTICE_GET_DETAIL, err))) return ERR_DB;
  sqlite3_bind_int64(q, 1, id);
  if (sqlite3_step(q) == SQLITE_ROW) {
    n->stage = col_dup(q, 0);
    n->reserved = col_dup(q, 1);
    n->reserved_location = col_dup(q, 2);
    n->details = col_dup(q, 3);
    n->sector = notice_sector_of((const char *)sqlite3_column_text(q, 4));
    n->subcontract = sqlite3_column_int(q, 5) != 0;
    n->parent_ocid = col_dup(q, 6);
  }
  sqlite3_reset(q);

  if (!(q = stmt(s, Q_NOTICE_GET_CPV, err))) return ERR_DB;
  sqlite3_bind_int64(q, 1, id);
  size_t cap = 0;
  while (sqlite3_step(q) == SQLITE_ROW) {
    if (n->n_cpvs == cap) n->cpvs = xrealloc(n->cpvs, (cap = cap ? cap * 2 : 4) * sizeof *n->cpvs);
    NoticeCpv *c = &n->cpvs[n->n_cpvs++];
    c->code = col_dup(q, 0);
    c->kind = sqlite3_column_int(q, 1);
    c->label = col_dup(q, 2);
  }
  sqlite3_reset(q);

  if (!(q = stmt(s, Q_NOTICE_GET_REGION, err))) return ERR_DB;
  sqlite3_bind_int64(q, 1, id);
  cap = 0;
  while (sqlite3_step(q) == SQLITE_ROW) {
    if (n->n_regions == cap) n->regions = xrealloc(n->regions, (cap = cap ? cap * 2 : 4) * sizeof *n->regions);
    n->regions[n->n_regions++] = col_dup(q, 0);
  }
  sqlite3_reset(q);

  if (!(q = stmt(s, Q_NOTICE_GET_AWARD, err))) return ERR_DB;
  sqlite3_bind_int64(q, 1, id);
  cap = 0;
  while (sqlite3_step(q) == SQLITE_ROW) {
    if (n->n_awards == cap) n->awards = xrealloc(n->awards, (cap = cap ? cap * 2 : 2) * sizeof *n->awards);
    NoticeAward *a = &n->awards[n->n_awards++];
    memset(a, 0, sizeof *a);
    sqlite3_int64 aid = sqlite3_column_int64(q, 0);
    a->id = col_dup(q, 1);
    a->title = col_dup(q, 2);
    a->status = col_dup(q, 3);
    a->date = col_dup(q, 4);
    a->date_published = col_dup(q, 5);
    if ((a->has_value = sqlite3_column_type(q, 6) != SQLITE_NULL)) a->value = sqlite3_column_double(q, 6);
    a->currency = col_dup(q, 7);
    a->contract_start = col_dup(q, 8);
    a->contract_end = col_dup(q, 9);
    /* suppliers: a second statement while the first is mid-step */
    sqlite3_stmt *sq = stmt(s, Q_NOTICE_GET_SUPPLIER, err);
    if (!sq) {
      sqlite3_reset(q);
      return ERR_DB;
    }
    sqlite3_bind_int64(sq, 1, aid);
    size_t scap = 0;
    while (sqlite3_step(sq) == SQLITE_ROW) {
      if (a->n_suppliers == scap) a->suppliers = xrealloc(a->suppliers, (scap = scap ? scap * 2 : 2) * sizeof *a->suppliers);
      Org *o = &a->suppliers[a->n_suppliers++];
      memset(o, 0, sizeof *o);
      read_org(sq, 0, o);
    }
    sqlite3_reset(sq);
  }
  sqlite3_reset(q);

  if (!(q = stmt(s, Q_NOTICE_GET_CONTRACT, err))) return ERR_DB;
  sqlite3_bind_int64(q, 1, id);
  cap = 0;
  while (sqlite3_step(q) == SQLITE_ROW) {
    if (n->n_contracts == cap) n->contracts = xrealloc(n->contracts, (cap = cap ? cap * 2 : 2) * sizeof *n->contracts);
    NoticeContract *c = &n->contracts[n->n_contracts++];
    memset(c, 0, sizeof *c);
    c->id = col_dup(q, 0);
    c->award_id = col_dup(q, 1);
    c->title = col_dup(q, 2);
    c->status = col_dup(q, 3);
    if ((c->has_value = sqlite3_column_type(q, 4) != SQLITE_NULL)) c->value = sqlite3_column_double(q, 4);
    c->currency = col_dup(q, 5);
    c->start = col_dup(q, 6);
    c->end = col_dup(q, 7);
    c->date_signed = col_dup(q, 8);
  }
  sqlite3_reset(q);

  int step;
  if (!(q = stmt(s, Q_NOTICE_GET_DOCUMENT, err))) return ERR_DB;
  sqlite3_bind_int64(q, 1, id);
  cap = 0;
  while ((step = sqlite3_step(q)) == SQLITE_ROW) {
    if (n->n_documents == cap) n->documents = xrealloc(n->documents, (cap = cap ? cap * 2 : 4) * sizeof *n->documents);
    NoticeDocument *d = &n->documents[n->n_documents++];
    d->title = col_dup(q, 0);
    d->url = col_dup(q, 1);
    d->type = col_dup(q, 2);
    d->date = col_dup(q, 3);
  }
  sqlite3_reset(q);
  if (step != SQLITE_DONE) return db_err(s, err, "cannot read a notice's documents");
  return read_history(s, id, n, err) ? ERR_DB : 1;
}

static int sqlite_notice_compiled(void *impl, const char *ocid, char **json, Notice *n, Err *err) {
  Sqlite *s = impl;
  sqlite3_stmt *q = stmt(s, Q_COMPILED_GET, err);
  if (!q) return ERR_DB;
  sqlite3_bind_text(q, 1, ocid, -1, SQLITE_STATIC);
  int rc = sqlite3_step(q);
  if (rc != SQLITE_ROW) {
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? 0 : db_err(s, err, "cannot read a notice's compiled release");
  }
  sqlite3_int64 id = sqlite3_column_int64(q, 0);
  *json = col_dup(q, 1);
  sqlite3_reset(q);
  if (read_history(s, id, n, err)) {
    free(*json);
    *json = NULL;
    notice_release(n);
    return ERR_DB;
  }
  return 1;
}

int store_sqlite_notice_texts(void *impl, const long long *ids, size_t n, StoreNoticeText *out, Err *err) {
  Sqlite *s = impl; /* an embedded database has no round trips: one lookup each */
  for (size_t i = 0; i < n; i++) {
    sqlite3_stmt *q = stmt(s, Q_NOTICE_TEXT, err);
    if (!q) return ERR_DB;
    sqlite3_bind_int64(q, 1, ids[i]);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
      StoreNoticeText *o = &out[i];
      o->title = col_dup(q, 0);
      o->description = col_dup(q, 1);
      o->buyer_name = col_dup(q, 2);
      o->cpv_text = col_dup(q, 3);
      o->currency = col_dup(q, 4);
    }
    sqlite3_reset(q);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return db_err(s, err, "cannot read a notice");
  }
  return 0;
}

const StoreNoticeOps store_sqlite_notice_ops = {
    .release_add = sqlite_release_add,
    .release_get = sqlite_release_get,
    .releases_each = sqlite_releases_each,
    .notice_exists = sqlite_notice_exists,
    .notes_count = sqlite_notes_count,
    .notice_put = sqlite_notice_put,
    .notice_get = sqlite_notice_get,
    .notice_texts = store_sqlite_notice_texts,
    .notice_compiled = sqlite_notice_compiled,
};

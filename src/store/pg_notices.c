/* pg_notices.c -- the notices aggregate (store/notices.h) on PostgreSQL:
 * releases verbatim with their change sequence, the notices derived from
 * them with their rows and the organisations they name, and each notice's
 * tsvector (written as text from base/token.h's words, see pg.c). One call per
 * release or notice, or a whole batch in a few round trips (releases_add,
 * notices_put: COPY and arrays). The connection and its statements are
 * pg.c's. */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/token.h"
#include "model/cpv.h"
#include "store/org_key.h"
#include "store/pg_impl.h"

/* ---- releases --------------------------------------------------------------------------- */

/* The row id of ocid's notice, created (as a stub that notice_put fills) when
 * this is its first release. */
static int notice_id(Pg *p, const char *ocid, long long *id, Err *err) {
  if (p->last_ocid && strcmp(p->last_ocid, ocid) == 0) {
    *id = p->last_notice;
    return 0;
  }
  forget_last_notice(p);
  Params ps = {.n = 0};
  p_text(&ps, ocid);
  PGresult *r = run(p, Q_NOTICE_ID, &ps, err, "cannot store a notice");
  if (!r) return ERR_DB;
  *id = PQntuples(r) ? col_int(r, 0, 0) : 0;
  PQclear(r);
  if (!*id) return err_set(err, ERR_DB, "cannot store a notice: no row id for %s (PostgreSQL at %s)", ocid, p->where);
  p->last_ocid = xstrdup(ocid);
  p->last_notice = *id;
  return 0;
}

static int pg_release_add(void *impl, const StoreRelease *r, Err *err) {
  Pg *p = impl;
  long long nid;
  if (notice_id(p, r->ocid, &nid, err)) return ERR_DB;
  Params ps = {.n = 0};
  p_int(&ps, nid);
  p_text(&ps, r->id);
  p_text(&ps, r->date);
  p_int(&ps, (long long)(int64_t)r->hash);
  p_text(&ps, r->source);
  p_bytes(&ps, r->json, r->len);
  PGresult *res = run(p, Q_REL_INSERT, &ps, err, "cannot store a release");
  if (!res) return ERR_DB;
  int added = PQntuples(res) == 1;
  long long new_seq = added ? col_int(res, 0, 0) : 0;
  PQclear(res);
  NewNotice *nn = new_notice(p, r->ocid, 0); /* created by releases_add in this transaction: keep its numbers */
  if (added && nn) {
    nn->count++;
    if (new_seq > nn->last) nn->last = new_seq;
  }
  if (added) return STORE_ADDED;

  ps.n = 0;
  p_int(&ps, nid);
  p_text(&ps, r->id);
  if (!(res = run(p, Q_REL_HASH, &ps, err, "cannot read a stored release"))) return ERR_DB;
  if (PQntuples(res) != 1) {
    PQclear(res);
    return err_set(err, ERR_DB, "cannot read a stored release: %s %s vanished (PostgreSQL at %s)", r->ocid, r->id, p->where);
  }
  uint64_t h = (uint64_t)col_int(res, 0, 0);
  int newer = strcmp(r->date, PQgetvalue(res, 0, 1)) > 0;
  long long seq = col_int(res, 0, 2);
  PQclear(res);
  if (h == r->hash) return STORE_UNCHANGED;
  if (!newer) return STORE_CONFLICT;
  ps.n = 0;
  p_int(&ps, seq);
  if (run_done(p, Q_REL_DELETE, &ps, err, "cannot replace a release")) return ERR_DB;
  int rc = pg_release_add(impl, r, err);
  if (rc == STORE_ADDED && nn) nn->count--; /* one replaced, not one more */
  return rc == STORE_ADDED ? STORE_REPLACED : rc < 0 ? rc : pg_err(p, err, "cannot replace a release", NULL);
}

static int pg_release_get(void *impl, const char *ocid, const char *id, char **json, Err *err) {
  Pg *p = impl;
  *json = NULL;
  Params ps = {.n = 0};
  p_text(&ps, ocid);
  p_text(&ps, id);
  PGresult *r = run(p, Q_REL_GET, &ps, err, "cannot read a release");
  if (!r) return ERR_DB;
  int found = PQntuples(r) > 0;
  if (found) *json = col_dup(r, 0, 0);
  PQclear(r);
  return found;
}

static int pg_releases_each(void *impl, const char *ocid, StoreReleaseFn fn, void *ctx, Err *err) {
  Pg *p = impl;
  Params ps = {.n = 0};
  p_text(&ps, ocid);
  PGresult *r = run(p, Q_REL_EACH, &ps, err, "cannot read releases");
  if (!r) return ERR_DB;
  for (int i = 0, n = PQntuples(r); i < n; i++)
    if (fn(ctx, PQgetvalue(r, i, 0), PQgetvalue(r, i, 1), PQgetvalue(r, i, 2), (size_t)PQgetlength(r, i, 2))) break;
  PQclear(r);
  return 0;
}

static int pg_notice_exists(void *impl, const char *ocid, Err *err) {
  Pg *p = impl;
  Params ps = {.n = 0};
  p_text(&ps, ocid);
  PGresult *r = run(p, Q_NOTICE_EXISTS, &ps, err, "cannot read a notice");
  if (!r) return ERR_DB;
  int found = PQntuples(r) > 0;
  PQclear(r);
  return found;
}

static int pg_notes_count(void *impl, const char *needle, int64_t *out, Err *err) {
  Pg *p = impl;
  Params ps = {.n = 0};
  p_text(&ps, needle);
  PGresult *r = run(p, Q_NOTES_COUNT, &ps, err, "cannot count data notes");
  if (!r) return ERR_DB;
  *out = col_int(r, 0, 0);
  PQclear(r);
  return 0;
}

/* ---- full-text: tsvector text ---- */

typedef struct {
  Buf *out;
  int pos;
  char weight;
} TsvBuild;

static int tsv_word(void *ctx, const char *w, size_t len, size_t start, size_t end) {
  TsvBuild *t = ctx;
  if (len <= TS_MAX_WORD) {
    if (t->out->len) buf_addc(t->out, ' ');
    ts_quote(t->out, w, len);
    buf_addf(t->out, ":%d%c", t->pos < TS_MAX_POS ? t->pos : TS_MAX_POS, t->weight);
  }
  t->pos++;
  return 0;
}

/* The tsvector text of a notice's columns: words as token.h finds, folds and
 * stems them. */
static void tsv_cols(const char *const cols[4], Buf *out) {
  TsvBuild t = {out, 1, 'A'};
  for (int c = 0; c < 4; c++) {
    t.weight = (char)('A' + c);
    if (cols[c]) token_each(cols[c], strlen(cols[c]), tsv_word, &t);
    t.pos++; /* a gap: no phrase across two columns */
  }
}

static void tsv_text(const Notice *n, const char *cpvs, Buf *out) {
  char *desc = notice_search_text(n->description, n->lots_text); /* lots and items are searched as description */
  const char *cols[4] = {n->title, n->buyer.name, cpvs, desc};
  tsv_cols(cols, out);
  free(desc);
}

/* ---- notices ------------------------------------------------------------------------------ */

/* The organisation's row id (inserted or updated), 0 when o names nothing. */
static int org_put(Pg *p, const Org *o, long long *id, Err *err) {
  *id = 0;
  Buf sig = BUF_INIT;
  size_t key_len = org_signature(o, &sig);
  int64_t seen;
  int rc = 0;
  char *k = NULL;
  if (!key_len) goto out;
  if (org_cache_get(&p->orgs, sig.data, sig.len, &seen)) {
    *id = seen;
    goto out;
  }
  k = xstrndup(sig.data, key_len);
  Params ps = {.n = 0};
  p_text(&ps, k);
  p_text(&ps, o->name);
  p_text(&ps, o->scheme);
  p_text(&ps, o->identifier);
  p_text(&ps, o->postcode);
  p_text(&ps, o->locality);
  p_text(&ps, o->region);
  p_text(&ps, o->country);
  p_text(&ps, o->scale);
  p_flag(&ps, o->vcse);
  PGresult *r = run(p, Q_ORG_UPSERT, &ps, err, "cannot store an organisation");
  if (!r) {
    rc = ERR_DB;
    goto out;
  }
  *id = PQntuples(r) ? col_int(r, 0, 0) : 0;
  PQclear(r);
  org_cache_put(&p->orgs, sig.data, sig.len, *id);
out:
  free(k);
  buf_release(&sig);
  return rc;
}

/* One element of an array literal ({"a","b"}): quoted, '"' and '\\' escaped;
 * NULL is NULL. The array goes to the server as one bound parameter. */
static void array_item(Buf *b, const char *s) {
  if (!s) {
    buf_adds(b, "NULL");
    return;
  }
  buf_addc(b, '"');
  for (; *s; s++) {
    if (*s == '"' || *s == '\\') buf_addc(b, '\\');
    buf_addc(b, *s);
  }
  buf_addc(b, '"');
}

/* Stores the compiled release of notice id (its old one, if any, deleted already). */
static int compiled_put(Pg *p, long long id, const char *json, Err *err) {
  Params ps = {.n = 0};
  p_int(&ps, id);
  p_text(&ps, json);
  PGresult *r = run(p, Q_COMPILED_PUT, &ps, err, "cannot store a notice's compiled release");
  if (!r) return ERR_DB;
  PQclear(r);
  return 0;
}

/* Stores notice id's stage, reservation, details, sector and parent (its old row, if any,
 * deleted already); nothing when it has none. */
static int detail_put(Pg *p, long long id, const Notice *n, Err *err) {
  if (!store_notice_has_detail(n)) return 0;
  Params ps = {.n = 0};
  p_int(&ps, id);
  p_text(&ps, n->stage);
  p_text(&ps, n->reserved);
  p_text(&ps, n->reserved_location);
  p_text(&ps, n->details);
  p_text(&ps, n->lots_text);
  p_text(&ps, notice_sector_name(n->sector));
  p_int(&ps, n->subcontract);
  p_text(&ps, n->parent_ocid);
  PGresult *r = run(p, Q_DETAIL_INSERT, &ps, err, "cannot store a notice's details");
  if (!r) return ERR_DB;
  PQclear(r);
  return 0;
}

static int pg_notice_put(void *impl, const Notice *n, Err *err) {
  Pg *p = impl;
  Buf cpvs = BUF_INIT, tsv = BUF_INIT;
  int rc = ERR_DB;
  long long id = 0, buyer = 0, count = 0, last_seq = 0;
  PGresult *r;
  Params ps = {.n = 0};
  store_cpv_text(n, &cpvs);
  tsv_text(n, cpvs.data, &tsv);

  if (org_put(p, &n->buyer, &buyer, err)) goto out;
  p_text(&ps, n->ocid);
  if (!(r = run(p, Q_NOTICE_OLD, &ps, err, "cannot read a notice"))) goto out;
  if (PQntuples(r)) {
    id = col_int(r, 0, 0);
    count = col_int(r, 0, 1);
    last_seq = col_int(r, 0, 2);
  }
  PQclear(r);

  ps.n = 0;
  if (id) p_int(&ps, id);
  else p_text(&ps, n->ocid);
  p_text(&ps, n->title);
  p_text(&ps, n->description);
  p_text(&ps, notice_status_name(n->status));
  p_text(&ps, n->tender_status);
  if (buyer) p_int(&ps, buyer);
  else p_text(&ps, NULL);
  p_text(&ps, n->buyer.name);
  p_text(&ps, n->buyer.id);
  p_money(&ps, n->has_value, n->value);
  p_money(&ps, n->has_min_value, n->min_value);
  p_text(&ps, n->currency);
  p_text(&ps, n->deadline);
  p_text(&ps, n->published);
  p_text(&ps, n->updated);
  p_text(&ps, n->contract_start);
  p_text(&ps, n->contract_end);
  p_text(&ps, n->method);
  p_text(&ps, n->method_details);
  p_text(&ps, n->category);
  p_flag(&ps, n->sme);
  p_flag(&ps, n->vcse);
  p_text(&ps, n->publisher);
  p_text(&ps, n->url);
  p_text(&ps, cpvs.data);
  p_int(&ps, count);
  p_int(&ps, last_seq);
  p_text(&ps, tsv.data ? tsv.data : "");
  if (!(r = run(p, id ? Q_NOTICE_UPDATE : Q_NOTICE_INSERT, &ps, err, "cannot store a notice"))) goto out;
  if (!id) id = PQntuples(r) ? col_int(r, 0, 0) : 0;
  PQclear(r);
  /* the derived rows, sent together: organisations first (their ids go in) */
  long long *orgs = NULL;
  size_t n_orgs = 0;
  for (size_t i = 0; i < n->n_awards; i++) n_orgs += n->awards[i].n_suppliers;
  orgs = xcalloc(n_orgs + 1, sizeof *orgs);
  for (size_t i = 0, k = 0; i < n->n_awards; i++)
    for (size_t j = 0; j < n->awards[i].n_suppliers; j++, k++)
      if (org_put(p, &n->awards[i].suppliers[j], &orgs[k], err)) {
        free(orgs);
        goto out;
      }
  if (prep(p, Q_CPV_INSERT, err) || prep(p, Q_REGION_INSERT, err) || prep(p, Q_AWARD_WITH_SUPPLIERS, err) ||
      prep(p, Q_CONTRACT_INSERT, err) || prep(p, Q_DOCUMENT_INSERT, err) || prep(p, Q_HISTORY_INSERT, err) ||
      pipe_begin(p, err)) {
    free(orgs);
    goto out;
  }
  int sent = 0;
  if (n->n_cpvs) {
    buf_reset(&cpvs);
    buf_reset(&tsv);
    buf_addc(&cpvs, '{');
    buf_addc(&tsv, '{');
    for (size_t i = 0; i < n->n_cpvs; i++) {
      if (i) buf_addc(&cpvs, ',');
      array_item(&cpvs, n->cpvs[i].code);
      buf_addf(&tsv, "%s%d", i ? "," : "", n->cpvs[i].kind);
    }
    buf_addc(&cpvs, '}');
    buf_addc(&tsv, '}');
    ps.n = 0;
    p_int(&ps, id);
    p_text(&ps, cpvs.data);
    p_text(&ps, tsv.data);
    sent = pipe_send(p, Q_CPV_INSERT, &ps, err);
  }
  if (n->n_regions && sent == 0) {
    buf_reset(&cpvs);
    buf_addc(&cpvs, '{');
    for (size_t i = 0; i < n->n_regions; i++) {
      if (i) buf_addc(&cpvs, ',');
      array_item(&cpvs, n->regions[i]);
    }
    buf_addc(&cpvs, '}');
    ps.n = 0;
    p_int(&ps, id);
    p_text(&ps, cpvs.data);
    sent = pipe_send(p, Q_REGION_INSERT, &ps, err);
  }
  for (size_t i = 0, k = 0; i < n->n_awards && sent == 0; k += n->awards[i].n_suppliers, i++) {
    const NoticeAward *a = &n->awards[i];
    buf_reset(&cpvs);
    buf_reset(&tsv);
    buf_addc(&cpvs, '{');
    buf_addc(&tsv, '{');
    for (size_t j = 0, m = 0; j < a->n_suppliers; j++) {
      if (!orgs[k + j]) continue;
      buf_addf(&cpvs, "%s%lld", m ? "," : "", orgs[k + j]);
      buf_addf(&tsv, "%s%zu", m ? "," : "", j);
      m++;
    }
    buf_addc(&cpvs, '}');
    buf_addc(&tsv, '}');
    ps.n = 0;
    p_int(&ps, id);
    p_text(&ps, a->id);
    p_text(&ps, a->title);
    p_text(&ps, a->status);
    p_text(&ps, a->date);
    p_text(&ps, a->date_published);
    p_money(&ps, a->has_value, a->value);
    p_text(&ps, a->currency);
    p_text(&ps, a->contract_start);
    p_text(&ps, a->contract_end);
    p_text(&ps, cpvs.data);
    p_text(&ps, tsv.data);
    sent = pipe_send(p, Q_AWARD_WITH_SUPPLIERS, &ps, err);
  }
  for (size_t i = 0; i < n->n_contracts && sent == 0; i++) {
    const NoticeContract *c = &n->contracts[i];
    ps.n = 0;
    p_int(&ps, id);
    p_text(&ps, c->id);
    p_text(&ps, c->award_id);
    p_text(&ps, c->title);
    p_text(&ps, c->status);
    p_money(&ps, c->has_value, c->value);
    p_text(&ps, c->currency);
    p_text(&ps, c->start);
    p_text(&ps, c->end);
    p_text(&ps, c->date_signed);
    sent = pipe_send(p, Q_CONTRACT_INSERT, &ps, err);
  }
  if (n->n_documents && sent == 0) {
    Buf arr[4] = {BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT};
    for (int k = 0; k < 4; k++) buf_addc(&arr[k], '{');
    for (size_t i = 0; i < n->n_documents; i++) {
      const NoticeDocument *d = &n->documents[i];
      const char *v[4] = {d->title, d->url, d->type, d->date};
      for (int k = 0; k < 4; k++) {
        if (i) buf_addc(&arr[k], ',');
        array_item(&arr[k], v[k]);
      }
    }
    ps.n = 0;
    p_int(&ps, id);
    for (int k = 0; k < 4; k++) {
      buf_addc(&arr[k], '}');
      p_text(&ps, arr[k].data);
    }
    sent = pipe_send(p, Q_DOCUMENT_INSERT, &ps, err);
    for (int k = 0; k < 4; k++) buf_release(&arr[k]);
  }
  if (n->n_history && sent == 0) {
    Buf arr[4] = {BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT};
    for (int k = 0; k < 4; k++) buf_addc(&arr[k], '{');
    for (size_t i = 0; i < n->n_history; i++) {
      const NoticeHistory *h = &n->history[i];
      const char *v[4] = {h->release_id, h->date, h->tags, h->notes};
      for (int k = 0; k < 4; k++) {
        if (i) buf_addc(&arr[k], ',');
        array_item(&arr[k], v[k]);
      }
    }
    ps.n = 0;
    p_int(&ps, id);
    for (int k = 0; k < 4; k++) {
      buf_addc(&arr[k], '}');
      p_text(&ps, arr[k].data);
    }
    sent = pipe_send(p, Q_HISTORY_INSERT, &ps, err);
    for (int k = 0; k < 4; k++) buf_release(&arr[k]);
  }
  free(orgs);
  int done = pipe_end(p, err, "cannot store a notice's CPV codes, regions, awards, contracts, documents or history");
  if (sent || done) goto out;
  if (n->compiled && compiled_put(p, id, n->compiled, err)) goto out;
  if (detail_put(p, id, n, err)) goto out;
  NewNotice *nn = new_notice(p, n->ocid, 0);
  if (nn) nn->put = 1;
  rc = 0;
out:
  buf_release(&cpvs);
  buf_release(&tsv);
  return rc;
}

/* ---- batch writes ----------------------------------------------------------------------
 * store_releases_add and store_notices_put for a whole hand-over of the ingest
 * pipeline (2,000 releases): what n calls of release_add / notice_put would
 * store, with the same row ids and sequence numbers, in a handful of round
 * trips instead of several per release. Measured on 20,000 releases: one
 * round trip per release and four per notice were most of the time; the
 * statements themselves are cheap. So: one look-up of the stored state of
 * every (ocid, release id) of the batch, the answers worked out here, ids
 * taken here (every writer holds LOCK_WRITER, so max(id) + 1 is ours until
 * commit), and the rows sent by COPY. Values travel as COPY text or as
 * bound array parameters, never inside SQL text. */

/* A string -> index map for one batch (open addressing, keys not owned). */
typedef struct {
  const char **k1, **k2; /* key: (k1, k2); k2 may be NULL */
  size_t *val, cap;
} BMap;

static uint64_t bmap_hash(const char *a, const char *b) {
  uint64_t h = 1469598103934665603ull;
  for (; *a; a++) h = (h ^ (unsigned char)*a) * 1099511628211ull;
  h = (h ^ 0xff) * 1099511628211ull;
  if (b)
    for (; *b; b++) h = (h ^ (unsigned char)*b) * 1099511628211ull;
  return h;
}

static void bmap_init(BMap *m, size_t n) {
  m->cap = 16;
  while (m->cap < 2 * n + 2) m->cap *= 2;
  m->k1 = xcalloc(m->cap, sizeof *m->k1);
  m->k2 = xcalloc(m->cap, sizeof *m->k2);
  m->val = xcalloc(m->cap, sizeof *m->val);
}

static void bmap_release(BMap *m) {
  free(m->k1);
  free(m->k2);
  free(m->val);
}

/* The slot of (a, b): *found set when the key is there. */
static size_t bmap_slot(const BMap *m, const char *a, const char *b, int *found) {
  size_t i = (size_t)bmap_hash(a, b) & (m->cap - 1);
  while (m->k1[i]) {
    if (strcmp(m->k1[i], a) == 0 && (!b || strcmp(m->k2[i], b) == 0)) {
      *found = 1;
      return i;
    }
    i = (i + 1) & (m->cap - 1);
  }
  *found = 0;
  return i;
}

static void bmap_put(BMap *m, size_t slot, const char *a, const char *b, size_t val) {
  m->k1[slot] = a;
  m->k2[slot] = b;
  m->val[slot] = val;
}

/* COPY text format: a field, tab-separated, NULL as \N, backslash, tab,
 * newline and carriage return escaped. */
static void cp_bytes(Buf *b, const char *s, size_t n) {
  if (b->len && b->data[b->len - 1] != '\n') buf_addc(b, '\t');
  if (!s) {
    buf_adds(b, "\\N");
    return;
  }
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && s[j] != '\\' && s[j] != '\t' && s[j] != '\n' && s[j] != '\r') j++;
    buf_add(b, s + i, j - i);
    if (j < n) {
      char e[2] = {'\\', s[j] == '\\' ? '\\' : s[j] == '\t' ? 't' : s[j] == '\n' ? 'n' : 'r'};
      buf_add(b, e, 2);
      j++;
    }
    i = j;
  }
}
static void cp_text(Buf *b, const char *s) { cp_bytes(b, s, s ? strlen(s) : 0); }
static void cp_int(Buf *b, long long v) {
  char t[32];
  snprintf(t, sizeof t, "%lld", v);
  cp_text(b, t);
}
static void cp_money(Buf *b, int has, double v) {
  char t[40];
  snprintf(t, sizeof t, "%.17g", v);
  cp_text(b, has ? t : NULL);
}
static void cp_flag(Buf *b, Flag f) {
  if (f == FLAG_UNKNOWN) cp_text(b, NULL);
  else cp_int(b, f == FLAG_YES);
}
static void cp_row_end(Buf *b) { buf_addc(b, '\n'); }

/* Runs "COPY table(cols) FROM STDIN" (fixed text) with the rows in data. */
static int copy_in(Pg *p, const char *copy, const Buf *data, Err *err, const char *what) {
  if (!data->len) return 0;
  PGresult *r = PQexec(p->conn, copy);
  if (PQresultStatus(r) != PGRES_COPY_IN) {
    int rc = pg_err(p, err, what, r);
    PQclear(r);
    return rc;
  }
  PQclear(r);
  int rc = 0;
  for (size_t at = 0; at < data->len && rc == 0;) {
    size_t chunk = data->len - at < (1u << 20) ? data->len - at : (1u << 20);
    if (PQputCopyData(p->conn, data->data + at, (int)chunk) != 1) rc = pg_err(p, err, what, NULL);
    at += chunk;
  }
  if (PQputCopyEnd(p->conn, rc ? "cannot send" : NULL) != 1 && rc == 0) rc = pg_err(p, err, what, NULL);
  while ((r = PQgetResult(p->conn))) {
    if (PQresultStatus(r) != PGRES_COMMAND_OK && rc == 0) rc = pg_err(p, err, what, r);
    PQclear(r);
  }
  return rc;
}

/* Writes every notice's tsv column again from its stored texts, PG_RETSV_BATCH
 * notices at a time (read in id order, sent by COPY, set by one UPDATE), in the
 * caller's transaction: schema migration 8, when the words became stems. */
#define PG_RETSV_BATCH 5000
int pg_notices_retsv(Pg *p, Err *err) {
  const char *what = "cannot recompute the full-text column";
  Buf rows = BUF_INIT, tsv = BUF_INIT;
  int rc = exec_sql(p, "CREATE TEMP TABLE ph_retsv(id bigint, tsv text) ON COMMIT DROP", err, what);
  long long after = 0;
  while (rc == 0) {
    char last[32], lim[32];
    snprintf(last, sizeof last, "%lld", after);
    snprintf(lim, sizeof lim, "%d", PG_RETSV_BATCH);
    const char *v[2] = {last, lim};
    PGresult *r = PQexecParams(p->conn,
                               "SELECT id, title, buyer_name, cpv_text, description FROM notice"
                               " WHERE id > $1::bigint ORDER BY id LIMIT $2::int",
                               2, NULL, v, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
      rc = pg_err(p, err, what, r);
      PQclear(r);
      break;
    }
    int n = PQntuples(r);
    buf_reset(&rows);
    for (int i = 0; i < n; i++) {
      const char *cols[4] = {col(r, i, 1), col(r, i, 2), col(r, i, 3), col(r, i, 4)};
      buf_reset(&tsv);
      tsv_cols(cols, &tsv);
      after = col_int(r, i, 0);
      cp_int(&rows, after);
      cp_text(&rows, tsv.data ? tsv.data : "");
      cp_row_end(&rows);
    }
    PQclear(r);
    if (!n) break;
    rc = exec_sql(p, "TRUNCATE ph_retsv", err, what) || copy_in(p, "COPY ph_retsv(id, tsv) FROM STDIN", &rows, err, what) ||
                 exec_sql(p, "UPDATE notice n SET tsv = s.tsv::tsvector FROM ph_retsv s WHERE n.id = s.id", err, what)
             ? ERR_DB
             : 0;
    if (n < PG_RETSV_BATCH) break;
  }
  buf_release(&rows);
  buf_release(&tsv);
  return rc;
}

/* Array literals ({...}) for bound parameters. */
static void arr_open(Buf *b) { buf_addc(b, '{'); }
static void arr_sep(Buf *b) {
  if (b->len > 1) buf_addc(b, ',');
}
static void arr_text(Buf *b, const char *s) {
  arr_sep(b);
  array_item(b, s);
}
static void arr_int(Buf *b, long long v) {
  arr_sep(b);
  buf_addf(b, "%lld", v);
}
static void arr_close(Buf *b) { buf_addc(b, '}'); }

/* Runs statement which and keeps its result, or NULL with err set. */
static PGresult *run_arrays(Pg *p, int which, Buf *arrays, int n, Err *err, const char *what) {
  Params ps = {.n = 0};
  for (int i = 0; i < n; i++) p_text(&ps, buf_cstr(&arrays[i]));
  return run(p, which, &ps, err, what);
}

/* What the batch knows of one (ocid, release id): the release stored under it
 * now (before the call, or put there by an earlier release of the batch). */
typedef struct {
  int present;
  uint64_t hash;
  const char *date;
  long long seq;
  long long pending; /* index in the batch of the release stored by this call, or -1 */
} BRel;

/* The largest sequence number once the releases just replaced are gone. */
static int batch_max_seq(Pg *p, const long long *seqs, const unsigned char *dropped, size_t n_new, const long long *deleted,
                         size_t n_deleted, long long stored_max, long long *out, Err *err) {
  for (size_t k = n_new; k-- > 0;)
    if (!dropped[k]) {
      *out = seqs[k];
      return 0;
    }
  int gone = 0;
  for (size_t k = 0; k < n_deleted; k++) gone |= deleted[k] == stored_max;
  if (!gone) {
    *out = stored_max;
    return 0;
  }
  Buf a = BUF_INIT;
  arr_open(&a);
  for (size_t k = 0; k < n_deleted; k++) arr_int(&a, deleted[k]);
  arr_close(&a);
  PGresult *r = run_arrays(p, Q_B_MAX_SEQ, &a, 1, err, "cannot store releases");
  buf_release(&a);
  if (!r) return ERR_DB;
  *out = col_int(r, 0, 0);
  PQclear(r);
  return 0;
}

static int pg_releases_add(void *impl, const StoreRelease *rs, size_t n, int *res, unsigned char *known,
                           StoreConflictFn conflict, void *ctx, Err *err) {
  Pg *p = impl;
  const char *what = "cannot store releases";
  if (!n) return 0;
  int rc = ERR_DB;
  PGresult *look = NULL;
  Buf arr[4], rows = BUF_INIT;
  BMap rels, ocids;
  BRel *st = xcalloc(n, sizeof *st);
  long long *nid = xcalloc(n, sizeof *nid), *seq = xcalloc(n, sizeof *seq), *deleted = xcalloc(n, sizeof *deleted);
  long long *stub_id = xcalloc(n, sizeof *stub_id);
  size_t *stub_of = xcalloc(n, sizeof *stub_of), *new_of = xcalloc(n, sizeof *new_of);
  unsigned char *dropped = xcalloc(n, 1);
  size_t n_new = 0, n_deleted = 0, n_stubs = 0;
  bmap_init(&rels, n);
  bmap_init(&ocids, n);
  for (int k = 0; k < 4; k++) {
    buf_init(&arr[k]);
    arr_open(&arr[k]);
  }
  for (size_t i = 0; i < n; i++) {
    arr_text(&arr[0], rs[i].ocid);
    arr_text(&arr[1], rs[i].id);
    arr_int(&arr[2], (long long)(int64_t)rs[i].hash);
    arr_text(&arr[3], rs[i].date);
  }
  for (int k = 0; k < 4; k++) arr_close(&arr[k]);
  if (!(look = run_arrays(p, Q_B_LOOKUP, arr, 4, err, what))) goto out;
  if ((size_t)PQntuples(look) != n) {
    err_set(err, ERR_DB, "%s: the look-up gave %d rows for %zu releases (PostgreSQL at %s)", what, PQntuples(look), n, p->where);
    goto out;
  }
  long long max_notice = col_int(look, 0, 7), stored_max = col_int(look, 0, 8), cur = stored_max;

  for (size_t i = 0; i < n; i++) {
    const StoreRelease *r = &rs[i];
    /* the notice: stored, or new (its id in order of first appearance, as notice_id gives) */
    int found;
    size_t slot = bmap_slot(&ocids, r->ocid, NULL, &found);
    if (!found) {
      long long id = col_int(look, (int)i, 1);
      if (!id) {
        id = ++max_notice;
        stub_id[n_stubs] = id;
        stub_of[n_stubs++] = i;
        new_notice(p, r->ocid, 1)->id = id;
      }
      bmap_put(&ocids, slot, r->ocid, NULL, i);
      nid[i] = id;
      known[i] = !PQgetisnull(look, (int)i, 2) && strcmp(PQgetvalue(look, (int)i, 2), "t") == 0;
    } else {
      nid[i] = nid[ocids.val[slot]];
      known[i] = known[ocids.val[slot]];
    }
    /* the release stored under (ocid, id) at this point */
    slot = bmap_slot(&rels, r->ocid, r->id, &found);
    BRel *s;
    if (found) {
      s = &st[rels.val[slot]];
    } else {
      bmap_put(&rels, slot, r->ocid, r->id, i);
      s = &st[i];
      s->pending = -1;
      if ((s->present = !PQgetisnull(look, (int)i, 3))) {
        s->seq = col_int(look, (int)i, 3);
        s->hash = (uint64_t)col_int(look, (int)i, 4);
        s->date = PQgetvalue(look, (int)i, 5);
      }
    }
    if (s->present && s->hash == r->hash) {
      res[i] = STORE_UNCHANGED;
      continue;
    }
    if (s->present && strcmp(r->date, s->date) <= 0) {
      res[i] = STORE_CONFLICT;
      if (conflict) { /* the text lost to: one of this batch, or the stored one (in row i of the look-up:
                        * an earlier release with this id may have had the stored bytes and no text) */
        if (s->pending >= 0) conflict(ctx, i, rs[s->pending].json, rs[s->pending].len);
        else if (!PQgetisnull(look, (int)i, 6))
          conflict(ctx, i, PQgetvalue(look, (int)i, 6), (size_t)PQgetlength(look, (int)i, 6));
      }
      continue;
    }
    res[i] = s->present ? STORE_REPLACED : STORE_ADDED;
    if (s->present) { /* the old one goes: a sequence number freed at the top is taken again, as on SQLite */
      if (s->pending >= 0) dropped[new_of[s->pending]] = 1;
      else deleted[n_deleted++] = s->seq;
      if (s->seq == cur && batch_max_seq(p, seq, dropped, n_new, deleted, n_deleted, stored_max, &cur, err)) goto out;
    }
    s->present = 1;
    s->hash = r->hash;
    s->date = r->date;
    s->seq = ++cur;
    s->pending = (long long)i;
    new_of[i] = n_new;
    seq[n_new++] = s->seq;
    NewNotice *nn = new_notice(p, r->ocid, 0);
    if (nn) { /* a replacement's number is never below the one it replaces */
      nn->count += res[i] == STORE_ADDED;
      if (s->seq > nn->last) nn->last = s->seq;
    }
  }

  /* the writes: replaced releases out, new notices' stubs, then the releases by COPY */
  if (n_deleted || n_stubs) {
    if ((n_deleted && prep(p, Q_B_REL_DELETE, err)) || (n_stubs && prep(p, Q_B_STUBS, err)) || pipe_begin(p, err)) goto out;
    int sent = 0;
    Params ps = {.n = 0};
    for (int k = 0; k < 2; k++) {
      buf_reset(&arr[k]);
      arr_open(&arr[k]);
    }
    if (n_deleted) {
      for (size_t k = 0; k < n_deleted; k++) arr_int(&arr[0], deleted[k]);
      arr_close(&arr[0]);
      p_text(&ps, arr[0].data);
      sent = pipe_send(p, Q_B_REL_DELETE, &ps, err);
    }
    if (n_stubs && sent == 0) {
      buf_reset(&arr[0]);
      arr_open(&arr[0]);
      for (size_t k = 0; k < n_stubs; k++) {
        arr_int(&arr[0], stub_id[k]);
        arr_text(&arr[1], rs[stub_of[k]].ocid);
      }
      arr_close(&arr[0]);
      arr_close(&arr[1]);
      ps.n = 0;
      p_text(&ps, arr[0].data);
      p_text(&ps, arr[1].data);
      sent = pipe_send(p, Q_B_STUBS, &ps, err);
    }
    int done = pipe_end(p, err, what);
    if (sent || done) goto out;
  }
  for (size_t i = 0; i < n; i++) {
    if ((res[i] != STORE_ADDED && res[i] != STORE_REPLACED) || dropped[new_of[i]]) continue;
    const StoreRelease *r = &rs[i];
    cp_int(&rows, seq[new_of[i]]);
    cp_int(&rows, nid[i]);
    cp_text(&rows, r->id);
    cp_text(&rows, r->date);
    cp_int(&rows, (long long)(int64_t)r->hash);
    cp_text(&rows, r->source);
    cp_bytes(&rows, r->json, r->len);
    cp_row_end(&rows);
  }
  if (copy_in(p, "COPY release(seq, notice_id, rid, date, hash, source, json) FROM STDIN", &rows, err, what)) goto out;
  rc = 0;
out:
  forget_last_notice(p);
  PQclear(look);
  for (int k = 0; k < 4; k++) buf_release(&arr[k]);
  buf_release(&rows);
  bmap_release(&rels);
  bmap_release(&ocids);
  free(st);
  free(nid);
  free(seq);
  free(deleted);
  free(stub_id);
  free(stub_of);
  free(new_of);
  free(dropped);
  return rc;
}

/* One organisation of the batch by key: the fields of its occurrences merged
 * in order (a field given replaces an earlier one, as Q_ORG_UPSERT's
 * coalesce does), and its row id once stored. */
typedef struct {
  const char *key_of; /* a signature whose first key_len bytes are the key */
  size_t key_len;
  Org o; /* borrowed strings */
  long long id;
} BOrg;

#define STAGE_NOTICE                                                                                             \
  "CREATE TEMP TABLE IF NOT EXISTS ph_stage_notice(id bigint, title text, description text, status text,"       \
  " tender_status text, buyer_id bigint, buyer_name text, buyer_party_id text, value float8, value_min float8,"  \
  " currency text, deadline text, published text, updated text, contract_start text, contract_end text,"        \
  " method text, method_details text, category text, sme smallint, vcse smallint, publisher text, url text,"    \
  " cpv_text text, release_count bigint, last_seq bigint, tsv tsvector)"

/* Sends fixed SQL (no parameters) in the open pipeline. */
static int pipe_sql(Pg *p, const char *text, Err *err) {
  if (PQsendQueryParams(p->conn, text, 0, NULL, NULL, NULL, NULL, 0) != 1)
    return pg_err(p, err, "cannot send a statement", NULL);
  p->piped++;
  return 0;
}

/* Stores the organisations of ns (buyers, then each award's suppliers, in
 * order) and sets ids[k] for the k-th of them (0: not stored, no key).
 * Signatures in the connection's cache, or seen earlier in the batch, are
 * not sent again, as org_put would not send them. */
static int batch_orgs(Pg *p, const Notice *const *ns, size_t n, long long *ids, Err *err) {
  const char *what = "cannot store organisations";
  size_t total = 0;
  for (size_t i = 0; i < n; i++) {
    total++;
    for (size_t a = 0; a < ns[i]->n_awards; a++) total += ns[i]->awards[a].n_suppliers;
  }
  const Org **occ = xmalloc((total + 1) * sizeof *occ);
  for (size_t i = 0, k = 0; i < n; i++) {
    occ[k++] = &ns[i]->buyer;
    for (size_t a = 0; a < ns[i]->n_awards; a++)
      for (size_t j = 0; j < ns[i]->awards[a].n_suppliers; j++) occ[k++] = &ns[i]->awards[a].suppliers[j];
  }
  char **sigs = xcalloc(total + 1, sizeof *sigs), **key_str = xcalloc(total + 1, sizeof *key_str);
  size_t *sig_len = xcalloc(total + 1, sizeof *sig_len), *of = xcalloc(total + 1, sizeof *of);
  BOrg *orgs = xcalloc(total + 1, sizeof *orgs);
  size_t n_orgs = 0;
  BMap keys;
  bmap_init(&keys, total);
  OrgCache seen = {0};
  Buf sig = BUF_INIT, arr[10];
  PGresult *r = NULL;
  int rc = ERR_DB;
  for (int c = 0; c < 10; c++) {
    buf_init(&arr[c]);
    arr_open(&arr[c]);
  }
  for (size_t k = 0; k < total; k++) {
    ids[k] = 0;
    of[k] = (size_t)-1;
    buf_reset(&sig);
    size_t key_len = org_signature(occ[k], &sig);
    if (!key_len) continue;
    int64_t id;
    if (org_cache_get(&p->orgs, sig.data, sig.len, &id)) {
      ids[k] = id;
      continue;
    }
    sig_len[k] = sig.len;
    sigs[k] = buf_detach(&sig, NULL);
    key_str[k] = xstrndup(sigs[k], key_len);
    int found;
    size_t slot = bmap_slot(&keys, key_str[k], NULL, &found);
    size_t o;
    if (found) {
      o = keys.val[slot];
    } else {
      o = n_orgs++;
      bmap_put(&keys, slot, key_str[k], NULL, o);
      orgs[o].key_of = key_str[k];
      orgs[o].key_len = key_len;
      orgs[o].o = *occ[k];
    }
    of[k] = o;
    if (org_cache_get(&seen, sigs[k], sig_len[k], &id)) continue; /* the same fields again: org_put sends nothing */
    org_cache_put(&seen, sigs[k], sig_len[k], 0);
    if (found) { /* coalesce(new, stored) */
      Org *m = &orgs[o].o;
      const Org *x = occ[k];
      if (x->name) m->name = x->name;
      if (x->postcode) m->postcode = x->postcode;
      if (x->locality) m->locality = x->locality;
      if (x->region) m->region = x->region;
      if (x->country) m->country = x->country;
      if (x->scale) m->scale = x->scale;
      if (x->vcse != FLAG_UNKNOWN) m->vcse = x->vcse;
    }
  }
  if (n_orgs) {
    for (size_t o = 0; o < n_orgs; o++) {
      const Org *x = &orgs[o].o;
      arr_sep(&arr[0]);
      buf_addc(&arr[0], '"');
      for (size_t c = 0; c < orgs[o].key_len; c++) {
        char ch = orgs[o].key_of[c];
        if (ch == '"' || ch == '\\') buf_addc(&arr[0], '\\');
        buf_addc(&arr[0], ch);
      }
      buf_addc(&arr[0], '"');
      arr_text(&arr[1], x->name);
      arr_text(&arr[2], x->scheme);
      arr_text(&arr[3], x->identifier);
      arr_text(&arr[4], x->postcode);
      arr_text(&arr[5], x->locality);
      arr_text(&arr[6], x->region);
      arr_text(&arr[7], x->country);
      arr_text(&arr[8], x->scale);
      if (x->vcse == FLAG_UNKNOWN) arr_text(&arr[9], NULL);
      else arr_int(&arr[9], x->vcse == FLAG_YES);
    }
    for (int c = 0; c < 10; c++) arr_close(&arr[c]);
    if (!(r = run_arrays(p, Q_B_ORGS, arr, 10, err, what))) goto out;
    for (int row = 0, m = PQntuples(r); row < m; row++) {
      long long o = col_int(r, row, 0) - 1;
      if (o >= 0 && (size_t)o < n_orgs) orgs[o].id = col_int(r, row, 1);
    }
    for (size_t o = 0; o < n_orgs; o++)
      if (!orgs[o].id) {
        err_set(err, ERR_DB, "%s: no row id for organisation %.*s (PostgreSQL at %s)", what, (int)orgs[o].key_len,
                orgs[o].key_of, p->where);
        goto out;
      }
  }
  for (size_t k = 0; k < total; k++)
    if (of[k] != (size_t)-1) {
      ids[k] = orgs[of[k]].id;
      org_cache_put(&p->orgs, sigs[k], sig_len[k], ids[k]);
    }
  rc = 0;
out:
  PQclear(r);
  for (int c = 0; c < 10; c++) buf_release(&arr[c]);
  buf_release(&sig);
  org_cache_release(&seen);
  bmap_release(&keys);
  for (size_t k = 0; k < total; k++) {
    free(sigs[k]);
    free(key_str[k]);
  }
  free(sigs);
  free(key_str);
  free(sig_len);
  free(of);
  free(orgs);
  free(occ);
  return rc;
}

static int pg_notices_put(void *impl, const Notice *const *ns, size_t n, Err *err) {
  Pg *p = impl;
  const char *what = "cannot store notices";
  if (!n) return 0;
  int rc = ERR_DB;
  PGresult *look = NULL, *max = NULL;
  Buf arr = BUF_INIT, rows = BUF_INIT, cpvs = BUF_INIT, tsv = BUF_INIT;
  long long *nid = xcalloc(n, sizeof *nid), *count = xcalloc(n, sizeof *count), *last = xcalloc(n, sizeof *last);
  long long *org_ids = NULL;
  size_t *ask = xcalloc(n, sizeof *ask);
  BMap seen;
  bmap_init(&seen, n);

  /* the notices' row ids, release counts and newest sequence numbers: known
   * for those releases_add created in this transaction, else asked */
  arr_open(&arr);
  int fallback = 0;
  size_t n_ask = 0;
  for (size_t i = 0; i < n; i++) {
    int found;
    size_t slot = bmap_slot(&seen, ns[i]->ocid ? ns[i]->ocid : "", NULL, &found);
    if (found || !ns[i]->ocid) fallback = 1;
    else bmap_put(&seen, slot, ns[i]->ocid, NULL, i);
    const NewNotice *nn = ns[i]->ocid ? new_notice(p, ns[i]->ocid, 0) : NULL;
    if (nn) {
      nid[i] = nn->id;
      count[i] = nn->count;
      last[i] = nn->last;
    } else {
      arr_text(&arr, ns[i]->ocid);
      ask[n_ask++] = i;
    }
  }
  arr_close(&arr);
  if (!fallback && n_ask && !(look = run_arrays(p, Q_B_NOTICES, &arr, 1, err, what))) goto out;
  for (size_t k = 0; k < n_ask && !fallback; k++) {
    if ((fallback = PQgetisnull(look, (int)k, 1))) break;
    nid[ask[k]] = col_int(look, (int)k, 1);
    count[ask[k]] = col_int(look, (int)k, 2);
    last[ask[k]] = col_int(look, (int)k, 3);
  }
  if (fallback) { /* an ocid twice, or without a row yet (not from ingest): one at a time */
    for (size_t i = 0; i < n; i++)
      if (pg_notice_put(impl, ns[i], err)) goto out;
    rc = 0;
    goto out;
  }

  /* organisations: buyers and suppliers, in the order notice_put stores them */
  size_t total = 0;
  for (size_t i = 0; i < n; i++) {
    total++;
    for (size_t a = 0; a < ns[i]->n_awards; a++) total += ns[i]->awards[a].n_suppliers;
  }
  org_ids = xcalloc(total + 1, sizeof *org_ids);
  if (batch_orgs(p, ns, n, org_ids, err)) goto out;

  /* the old derived rows go (a notice created in this transaction and not yet
   * put has none: at 1M the deletes that found nothing were 6% of the server's
   * time), then the largest award and contract ids left */
  if (prep(p, Q_B_DEL_CPV, err) || prep(p, Q_B_DEL_REGION, err) || prep(p, Q_B_DEL_AWARD, err) ||
      prep(p, Q_B_DEL_CONTRACT, err) || prep(p, Q_B_DEL_DOCUMENT, err) || prep(p, Q_B_DEL_HISTORY, err) ||
      prep(p, Q_B_DEL_COMPILED, err) || prep(p, Q_B_DEL_DETAIL, err) || prep(p, Q_B_MAX_IDS, err))
    goto out;
  buf_reset(&arr);
  arr_open(&arr);
  size_t n_old = 0;
  for (size_t i = 0; i < n; i++) {
    const NewNotice *nn = new_notice(p, ns[i]->ocid, 0);
    if (nn && !nn->put) continue;
    arr_int(&arr, nid[i]);
    n_old++;
  }
  arr_close(&arr);
  {
    Params ps = {.n = 0};
    p_text(&ps, arr.data);
    if (pipe_begin(p, err)) goto out;
    int sent = pipe_sql(p, STAGE_NOTICE, err);
    if (!sent) sent = pipe_sql(p, "TRUNCATE ph_stage_notice", err);
    if (!sent && n_old) sent = pipe_send(p, Q_B_DEL_CPV, &ps, err);
    if (!sent && n_old) sent = pipe_send(p, Q_B_DEL_REGION, &ps, err);
    if (!sent && n_old) sent = pipe_send(p, Q_B_DEL_AWARD, &ps, err);
    if (!sent && n_old) sent = pipe_send(p, Q_B_DEL_CONTRACT, &ps, err);
    if (!sent && n_old) sent = pipe_send(p, Q_B_DEL_DOCUMENT, &ps, err);
    if (!sent && n_old) sent = pipe_send(p, Q_B_DEL_HISTORY, &ps, err);
    if (!sent && n_old) sent = pipe_send(p, Q_B_DEL_COMPILED, &ps, err);
    if (!sent && n_old) sent = pipe_send(p, Q_B_DEL_DETAIL, &ps, err);
    int done = pipe_end(p, err, what);
    if (sent || done) goto out;
  }
  if (!(max = run(p, Q_B_MAX_IDS, NULL, err, what))) goto out;
  long long award_id = col_int(max, 0, 0), contract_id = col_int(max, 0, 1);

  /* the notice rows, to the staging table and from there over the stubs */
  for (size_t i = 0, k = 0; i < n; i++) {
    const Notice *x = ns[i];
    buf_reset(&cpvs);
    buf_reset(&tsv);
    store_cpv_text(x, &cpvs);
    tsv_text(x, cpvs.data, &tsv);
    cp_int(&rows, nid[i]);
    cp_text(&rows, x->title);
    cp_text(&rows, x->description);
    cp_text(&rows, notice_status_name(x->status));
    cp_text(&rows, x->tender_status);
    if (org_ids[k]) cp_int(&rows, org_ids[k]);
    else cp_text(&rows, NULL);
    cp_text(&rows, x->buyer.name);
    cp_text(&rows, x->buyer.id);
    cp_money(&rows, x->has_value, x->value);
    cp_money(&rows, x->has_min_value, x->min_value);
    cp_text(&rows, x->currency);
    cp_text(&rows, x->deadline);
    cp_text(&rows, x->published);
    cp_text(&rows, x->updated);
    cp_text(&rows, x->contract_start);
    cp_text(&rows, x->contract_end);
    cp_text(&rows, x->method);
    cp_text(&rows, x->method_details);
    cp_text(&rows, x->category);
    cp_flag(&rows, x->sme);
    cp_flag(&rows, x->vcse);
    cp_text(&rows, x->publisher);
    cp_text(&rows, x->url);
    cp_text(&rows, x->n_cpvs ? buf_cstr(&cpvs) : NULL); /* NULL without codes, as notice_put stores it */
    cp_int(&rows, count[i]);
    cp_int(&rows, last[i]);
    cp_text(&rows, tsv.data ? tsv.data : "");
    cp_row_end(&rows);
    k++;
    for (size_t a = 0; a < x->n_awards; a++) k += x->awards[a].n_suppliers;
  }
  if (copy_in(p,
              "COPY ph_stage_notice(id, title, description, status, tender_status, buyer_id, buyer_name, buyer_party_id,"
              " value, value_min, currency, deadline, published, updated, contract_start, contract_end, method,"
              " method_details, category, sme, vcse, publisher, url, cpv_text, release_count, last_seq, tsv) FROM STDIN",
              &rows, err, what) ||
      exec_sql(p,
               "UPDATE notice n SET title = s.title, description = s.description, status = s.status,"
               " tender_status = s.tender_status, buyer_id = s.buyer_id, buyer_name = s.buyer_name,"
               " buyer_party_id = s.buyer_party_id, value = s.value, value_min = s.value_min, currency = s.currency,"
               " deadline = s.deadline, published = s.published, updated = s.updated,"
               " contract_start = s.contract_start, contract_end = s.contract_end, method = s.method,"
               " method_details = s.method_details, category = s.category, sme = s.sme, vcse = s.vcse,"
               " publisher = s.publisher, url = s.url, cpv_text = s.cpv_text, release_count = s.release_count,"
               " last_seq = s.last_seq, tsv = s.tsv FROM ph_stage_notice s WHERE n.id = s.id",
               err, what))
    goto out;

  /* CPV codes and regions (each once per notice: the first kind given wins, as
   * ON CONFLICT DO NOTHING has it) */
  buf_reset(&rows);
  for (size_t i = 0; i < n; i++) {
    const Notice *x = ns[i];
    for (size_t c = 0; c < x->n_cpvs; c++) {
      int dup = 0;
      for (size_t d = 0; d < c && !dup; d++)
        dup = x->cpvs[d].code && x->cpvs[c].code && strcmp(x->cpvs[d].code, x->cpvs[c].code) == 0;
      if (dup) continue;
      cp_int(&rows, nid[i]);
      cp_text(&rows, x->cpvs[c].code);
      cp_int(&rows, x->cpvs[c].kind);
      cp_row_end(&rows);
    }
  }
  if (copy_in(p, "COPY notice_cpv(notice_id, code, kind) FROM STDIN", &rows, err, what)) goto out;
  buf_reset(&rows);
  for (size_t i = 0; i < n; i++) {
    const Notice *x = ns[i];
    for (size_t c = 0; c < x->n_regions; c++) {
      int dup = 0;
      for (size_t d = 0; d < c && !dup; d++)
        dup = x->regions[d] && x->regions[c] && strcmp(x->regions[d], x->regions[c]) == 0;
      if (dup) continue;
      cp_int(&rows, nid[i]);
      cp_text(&rows, x->regions[c]);
      cp_row_end(&rows);
    }
  }
  if (copy_in(p, "COPY notice_region(notice_id, region) FROM STDIN", &rows, err, what)) goto out;

  /* awards (ids in order, as max(id) + 1 one at a time), then their suppliers */
  buf_reset(&rows);
  buf_reset(&tsv); /* award_supplier rows */
  for (size_t i = 0, k = 0; i < n; i++) {
    const Notice *x = ns[i];
    k++; /* the buyer */
    for (size_t a = 0; a < x->n_awards; a++) {
      const NoticeAward *w = &x->awards[a];
      long long id = ++award_id;
      cp_int(&rows, id);
      cp_int(&rows, nid[i]);
      cp_text(&rows, w->id);
      cp_text(&rows, w->title);
      cp_text(&rows, w->status);
      cp_text(&rows, w->date);
      cp_text(&rows, w->date_published);
      cp_money(&rows, w->has_value, w->value);
      cp_text(&rows, w->currency);
      cp_text(&rows, w->contract_start);
      cp_text(&rows, w->contract_end);
      cp_row_end(&rows);
      for (size_t j = 0; j < w->n_suppliers; j++) {
        int dup = !org_ids[k + j];
        for (size_t d = 0; d < j && !dup; d++) dup = org_ids[k + d] == org_ids[k + j];
        if (dup) continue;
        cp_int(&tsv, id);
        cp_int(&tsv, org_ids[k + j]);
        cp_int(&tsv, (long long)j);
        cp_row_end(&tsv);
      }
      k += w->n_suppliers;
    }
  }
  if (copy_in(p,
              "COPY award(id, notice_id, award_id, title, status, date, date_published, value, currency,"
              " contract_start, contract_end) FROM STDIN",
              &rows, err, what) ||
      copy_in(p, "COPY award_supplier(award_id, org_id, pos) FROM STDIN", &tsv, err, what))
    goto out;
  buf_reset(&rows);
  for (size_t i = 0; i < n; i++) {
    const Notice *x = ns[i];
    for (size_t c = 0; c < x->n_contracts; c++) {
      const NoticeContract *t = &x->contracts[c];
      cp_int(&rows, ++contract_id);
      cp_int(&rows, nid[i]);
      cp_text(&rows, t->id);
      cp_text(&rows, t->award_id);
      cp_text(&rows, t->title);
      cp_text(&rows, t->status);
      cp_money(&rows, t->has_value, t->value);
      cp_text(&rows, t->currency);
      cp_text(&rows, t->start);
      cp_text(&rows, t->end);
      cp_text(&rows, t->date_signed);
      cp_row_end(&rows);
    }
  }
  if (copy_in(p,
              "COPY contract(id, notice_id, contract_id, award_id, title, status, value, currency, start, \"end\","
              " date_signed) FROM STDIN",
              &rows, err, what))
    goto out;
  /* documents and release history, numbered from 0 per notice */
  buf_reset(&rows);
  buf_reset(&tsv);
  for (size_t i = 0; i < n; i++) {
    const Notice *x = ns[i];
    for (size_t c = 0; c < x->n_documents; c++) {
      const NoticeDocument *d = &x->documents[c];
      cp_int(&rows, nid[i]);
      cp_int(&rows, (long long)c);
      cp_text(&rows, d->title);
      cp_text(&rows, d->url);
      cp_text(&rows, d->type);
      cp_text(&rows, d->date);
      cp_row_end(&rows);
    }
    for (size_t c = 0; c < x->n_history; c++) {
      const NoticeHistory *h = &x->history[c];
      cp_int(&tsv, nid[i]);
      cp_int(&tsv, (long long)c);
      cp_text(&tsv, h->release_id);
      cp_text(&tsv, h->date);
      cp_text(&tsv, h->tags);
      cp_text(&tsv, h->notes);
      cp_row_end(&tsv);
    }
  }
  if (copy_in(p, "COPY notice_document(notice_id, pos, title, url, type, date) FROM STDIN", &rows, err, what) ||
      copy_in(p, "COPY notice_history(notice_id, pos, release_id, date, tags, notes) FROM STDIN", &tsv, err, what))
    goto out;
  buf_reset(&rows);
  for (size_t i = 0; i < n; i++) { /* stage, reservation and details */
    const Notice *x = ns[i];
    if (!store_notice_has_detail(x)) continue;
    cp_int(&rows, nid[i]);
    cp_text(&rows, x->stage);
    cp_text(&rows, x->reserved);
    cp_text(&rows, x->reserved_location);
    cp_text(&rows, x->details);
    cp_text(&rows, x->lots_text);
    cp_text(&rows, notice_sector_name(x->sector));
    cp_int(&rows, x->subcontract);
    cp_text(&rows, x->parent_ocid);
    cp_row_end(&rows);
  }
  if (rows.len &&
      copy_in(p, "COPY notice_detail(notice_id, stage, reserved, reserved_location, details, lots_text, sector, subcontract,"
                 " parent_ocid) FROM STDIN", &rows, err, what))
    goto out;
  for (size_t i = 0; i < n; i++) /* only long notices keep one: a statement each */
    if (ns[i]->compiled && compiled_put(p, nid[i], ns[i]->compiled, err)) goto out;
  for (size_t i = 0; i < n; i++) {
    NewNotice *nn = new_notice(p, ns[i]->ocid, 0);
    if (nn) nn->put = 1;
  }
  rc = 0;
out:
  PQclear(look);
  PQclear(max);
  buf_release(&arr);
  buf_release(&rows);
  buf_release(&cpvs);
  buf_release(&tsv);
  bmap_release(&seen);
  free(nid);
  free(count);
  free(last);
  free(ask);
  free(org_ids);
  return rc;
}

/* The history rows of the notice whose id ps holds, into n->history. */
static int read_history(Pg *p, Params *ps, Notice *n, Err *err) {
  PGresult *r = run(p, Q_NOTICE_GET_HISTORY, ps, err, "cannot read a notice's history");
  if (!r) return ERR_DB;
  int rows = PQntuples(r);
  if (rows) n->history = xcalloc((size_t)rows, sizeof *n->history);
  for (int i = 0; i < rows; i++) {
    NoticeHistory *h = &n->history[n->n_history++];
    h->release_id = col_dup(r, i, 0);
    h->date = col_dup(r, i, 1);
    h->tags = col_dup(r, i, 2);
    h->notes = col_dup(r, i, 3);
  }
  PQclear(r);
  return 0;
}

static int pg_notice_get(void *impl, const char *ocid, Notice *n, Err *err) {
  Pg *p = impl;
  const char *what = "cannot read a notice";
  Params ps = {.n = 0};
  p_text(&ps, ocid);
  PGresult *r = run(p, Q_NOTICE_GET, &ps, err, what);
  if (!r) return ERR_DB;
  if (!PQntuples(r)) {
    PQclear(r);
    return 0;
  }
  long long id = col_int(r, 0, 0);
  n->ocid = xstrdup(ocid);
  n->title = col_dup(r, 0, 1);
  n->description = col_dup(r, 0, 2);
  const char *st = col(r, 0, 3);
  if (!st || notice_status_parse(st, &n->status)) n->status = NOTICE_CLOSED;
  n->tender_status = col_dup(r, 0, 4);
  n->has_value = col_double(r, 0, 5, &n->value);
  n->has_min_value = col_double(r, 0, 6, &n->min_value);
  n->currency = col_dup(r, 0, 7);
  n->deadline = col_dup(r, 0, 8);
  n->published = col_dup(r, 0, 9);
  n->updated = col_dup(r, 0, 10);
  n->contract_start = col_dup(r, 0, 11);
  n->contract_end = col_dup(r, 0, 12);
  n->method = col_dup(r, 0, 13);
  n->method_details = col_dup(r, 0, 14);
  n->category = col_dup(r, 0, 15);
  n->sme = col_flag(r, 0, 16);
  n->vcse = col_flag(r, 0, 17);
  n->publisher = col_dup(r, 0, 18);
  n->url = col_dup(r, 0, 19);
  n->buyer.id = col_dup(r, 0, 20);
  read_org(r, 0, 21, &n->buyer);
  n->buyer_ref = col_int(r, 0, 30);
  PQclear(r);

  ps.n = 0;
  p_int(&ps, id);
  if (!(r = run(p, Q_NOTICE_GET_CPV, &ps, err, what))) return ERR_DB;
  int rows = PQntuples(r);
  if (rows) n->cpvs = xcalloc((size_t)rows, sizeof *n->cpvs);
  for (int i = 0; i < rows; i++) {
    NoticeCpv *c = &n->cpvs[n->n_cpvs++];
    c->code = col_dup(r, i, 0);
    c->kind = (int)col_int(r, i, 1);
    c->label = col_dup(r, i, 2);
  }
  PQclear(r);

  if (!(r = run(p, Q_NOTICE_GET_REGION, &ps, err, what))) return ERR_DB;
  rows = PQntuples(r);
  if (rows) n->regions = xcalloc((size_t)rows, sizeof *n->regions);
  for (int i = 0; i < rows; i++) n->regions[n->n_regions++] = col_dup(r, i, 0);
  PQclear(r);

  if (!(r = run(p, Q_NOTICE_GET_AWARD, &ps, err, what))) return ERR_DB;
  rows = PQntuples(r);
  long long *award_rows = rows ? xcalloc((size_t)rows, sizeof *award_rows) : NULL;
  if (rows) n->awards = xcalloc((size_t)rows, sizeof *n->awards);
  for (int i = 0; i < rows; i++) {
    NoticeAward *a = &n->awards[n->n_awards++];
    award_rows[i] = col_int(r, i, 0);
    a->id = col_dup(r, i, 1);
    a->title = col_dup(r, i, 2);
    a->status = col_dup(r, i, 3);
    a->date = col_dup(r, i, 4);
    a->date_published = col_dup(r, i, 5);
    a->has_value = col_double(r, i, 6, &a->value);
    a->currency = col_dup(r, i, 7);
    a->contract_start = col_dup(r, i, 8);
    a->contract_end = col_dup(r, i, 9);
  }
  PQclear(r);
  if (rows) {
    if (!(r = run(p, Q_NOTICE_GET_SUPPLIER, &ps, err, what))) {
      free(award_rows);
      return ERR_DB;
    }
    /* rows ordered by award row id, as the awards are */
    size_t a = 0;
    for (int i = 0, m = PQntuples(r); i < m; i++) {
      long long aid = col_int(r, i, 0);
      while (a < n->n_awards && award_rows[a] < aid) a++;
      if (a == n->n_awards) break;
      if (award_rows[a] != aid) continue;
      NoticeAward *aw = &n->awards[a];
      aw->suppliers = xrealloc(aw->suppliers, (aw->n_suppliers + 1) * sizeof *aw->suppliers);
      Org *o = &aw->suppliers[aw->n_suppliers++];
      memset(o, 0, sizeof *o);
      read_org(r, i, 1, o);
    }
    PQclear(r);
  }
  free(award_rows);

  if (!(r = run(p, Q_NOTICE_GET_CONTRACT, &ps, err, what))) return ERR_DB;
  rows = PQntuples(r);
  if (rows) n->contracts = xcalloc((size_t)rows, sizeof *n->contracts);
  for (int i = 0; i < rows; i++) {
    NoticeContract *c = &n->contracts[n->n_contracts++];
    c->id = col_dup(r, i, 0);
    c->award_id = col_dup(r, i, 1);
    c->title = col_dup(r, i, 2);
    c->status = col_dup(r, i, 3);
    c->has_value = col_double(r, i, 4, &c->value);
    c->currency = col_dup(r, i, 5);
    c->start = col_dup(r, i, 6);
    c->end = col_dup(r, i, 7);
    c->date_signed = col_dup(r, i, 8);
  }
  PQclear(r);

  if (!(r = run(p, Q_NOTICE_GET_DOCUMENT, &ps, err, what))) return ERR_DB;
  rows = PQntuples(r);
  if (rows) n->documents = xcalloc((size_t)rows, sizeof *n->documents);
  for (int i = 0; i < rows; i++) {
    NoticeDocument *d = &n->documents[n->n_documents++];
    d->title = col_dup(r, i, 0);
    d->url = col_dup(r, i, 1);
    d->type = col_dup(r, i, 2);
    d->date = col_dup(r, i, 3);
  }
  PQclear(r);
  if (!(r = run(p, Q_NOTICE_GET_DETAIL, &ps, err, what))) return ERR_DB;
  if (PQntuples(r)) {
    n->stage = col_dup(r, 0, 0);
    n->reserved = col_dup(r, 0, 1);
    n->reserved_location = col_dup(r, 0, 2);
    n->details = col_dup(r, 0, 3);
    n->sector = notice_sector_of(col(r, 0, 4));
    n->subcontract = col_int(r, 0, 5) != 0;
    n->parent_ocid = col_dup(r, 0, 6);
  }
  PQclear(r);
  return read_history(p, &ps, n, err) ? ERR_DB : 1;
}

static int pg_notice_compiled(void *impl, const char *ocid, char **json, Notice *n, Err *err) {
  Pg *p = impl;
  Params ps = {.n = 0};
  p_text(&ps, ocid);
  PGresult *r = run(p, Q_COMPILED_GET, &ps, err, "cannot read a notice's compiled release");
  if (!r) return ERR_DB;
  if (!PQntuples(r)) {
    PQclear(r);
    return 0;
  }
  long long id = col_int(r, 0, 0);
  *json = col_dup(r, 0, 1);
  PQclear(r);
  ps.n = 0;
  p_int(&ps, id);
  if (read_history(p, &ps, n, err)) {
    free(*json);
    *json = NULL;
    notice_release(n);
    return ERR_DB;
  }
  return 1;
}

static int pg_notice_texts(void *impl, const long long *ids, size_t n, StoreNoticeText *out, Err *err) {
  Pg *p = impl;
  if (!n) return 0;
  Buf arr = BUF_INIT; /* the ids as one array parameter: {1,2,3} */
  buf_addc(&arr, '{');
  for (size_t i = 0; i < n; i++) buf_addf(&arr, "%s%lld", i ? "," : "", ids[i]);
  buf_addc(&arr, '}');
  Params ps = {.n = 0};
  p_text(&ps, arr.data);
  PGresult *r = run(p, Q_NOTICE_TEXT, &ps, err, "cannot read notices");
  buf_release(&arr);
  if (!r) return ERR_DB;
  for (int row = 0; row < PQntuples(r); row++) {
    long long id = col_int(r, row, 0);
    for (size_t i = 0; i < n; i++) {
      if (ids[i] != id || out[i].title || out[i].description) continue;
      out[i].title = col_dup(r, row, 1);
      out[i].description = col_dup(r, row, 2);
      out[i].buyer_name = col_dup(r, row, 3);
      out[i].cpv_text = col_dup(r, row, 4);
      out[i].currency = col_dup(r, row, 5);
    }
  }
  PQclear(r);
  return 0;
}

const StoreNoticeOps store_pg_notice_ops = {
    .release_add = pg_release_add,
    .release_get = pg_release_get,
    .releases_each = pg_releases_each,
    .notice_exists = pg_notice_exists,
    .notes_count = pg_notes_count,
    .notice_put = pg_notice_put,
    .releases_add = pg_releases_add,
    .notices_put = pg_notices_put,
    .notice_get = pg_notice_get,
    .notice_texts = pg_notice_texts,
    .notice_compiled = pg_notice_compiled,
};

/* accounts.c -- the accounts aggregate (store/accounts.h), written once over
 * the statement runner (store/sql.h) for both backends. Each read maps its
 * columns in one function (read_account, read_org, ...) shared by the single
 * and the list reads; a list read collects rows with SqlRows (sql.h). */
#include "store/accounts.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "store/sql.h"

/* ---- rows ---- */

static int64_t opt_int(const SqlRow *r, int c) { return sql_null(r, c) ? 0 : sql_int(r, c); }
static SqlArg opt_time(int64_t t) { return t ? SQL_I(t) : SQL_T(NULL); }

/* ---- accounts ---- */

#define ACCOUNT_COLS "a.id, a.email, a.name, a.password_hash, a.created_at, a.verified_at, a.disabled_at, a.site_admin"

static void read_account_at(const SqlRow *r, int c, StoreAccount *a) {
  a->id = sql_int(r, c);
  a->email = sql_dup(r, c + 1);
  a->name = sql_dup(r, c + 2);
  a->password_hash = sql_dup(r, c + 3);
  a->created_at = opt_int(r, c + 4);
  a->verified_at = opt_int(r, c + 5);
  a->disabled_at = opt_int(r, c + 6);
  a->site_admin = (int)opt_int(r, c + 7);
}
static void read_account(const SqlRow *r, StoreAccount *a) { read_account_at(r, 0, a); }

int store_account_add(Store *st, const char *email, const char *name, const char *password_hash, time_t now,
                      int verified, int site_admin, long long *id, Err *err) {
  int rc = store_sql_insert(st,
                            "INSERT INTO account(email, name, password_hash, created_at, verified_at, site_admin)"
                            " VALUES($1, $2, $3, $4, $5, $6) ON CONFLICT(email) DO NOTHING RETURNING id",
                            SQL_ARGS(SQL_T(email), SQL_T(name), SQL_T(password_hash), SQL_I(now),
                                     opt_time(verified ? now : 0), SQL_I(site_admin ? 1 : 0)),
                            id, err);
  return rc == 1 ? STORE_EXISTS : rc;
}

int store_account_get(Store *st, long long id, StoreAccount *out, Err *err) {
  memset(out, 0, sizeof *out);
  SqlOne o = SQL_ONE(out, read_account);
  return store_sql(st, "SELECT " ACCOUNT_COLS " FROM account a WHERE a.id = $1", SQL_ARGS(SQL_I(id)), sql_one_row, &o, NULL,
                   err);
}

int store_account_by_email(Store *st, const char *email, StoreAccount *out, Err *err) {
  memset(out, 0, sizeof *out);
  SqlOne o = SQL_ONE(out, read_account);
  return store_sql(st, "SELECT " ACCOUNT_COLS " FROM account a WHERE a.email = $1", SQL_ARGS(SQL_T(email)), sql_one_row, &o,
                   NULL, err);
}

int store_account_update(Store *st, const StoreAccount *a, Err *err) {
  long long other = 0;
  int rc = store_sql(st, "SELECT id FROM account WHERE email = $1 AND id <> $2", SQL_ARGS(SQL_T(a->email), SQL_I(a->id)),
                     sql_first_int, &other, NULL, err);
  if (rc < 0) return rc;
  if (rc) return STORE_EXISTS;
  return store_sql(st,
                   "UPDATE account SET email = $2, name = $3, password_hash = $4, verified_at = $5, disabled_at = $6,"
                   " site_admin = $7 WHERE id = $1",
                   SQL_ARGS(SQL_I(a->id), SQL_T(a->email), SQL_T(a->name), SQL_T(a->password_hash),
                            opt_time(a->verified_at), opt_time(a->disabled_at), SQL_I(a->site_admin ? 1 : 0)),
                   NULL, NULL, NULL, err);
}

int store_account_delete(Store *st, long long id, Err *err) {
  return store_sql(st, "DELETE FROM account WHERE id = $1", SQL_ARGS(SQL_I(id)), NULL, NULL, NULL, err);
}

static void accounts_free_v(void *a, size_t n) { store_accounts_free(a, n); }

int store_accounts_list(Store *st, const char *match, size_t max, StoreAccount **out, size_t *n, Err *err) {
  SqlRows l = SQL_ROWS(StoreAccount, read_account, max);
  Buf like = BUF_INIT;
  buf_addc(&like, '%');
  for (const char *p = match ? match : ""; *p; p++) { /* the pattern's own characters are plain */
    if (*p == '%' || *p == '_' || *p == '\\') buf_addc(&like, '\\');
    buf_addc(&like, *p);
  }
  buf_addc(&like, '%');
  int rc = store_sql(st,
                     "SELECT " ACCOUNT_COLS " FROM account a WHERE a.email LIKE $1 ESCAPE '\\' OR a.name LIKE $1 ESCAPE '\\'"
                     " ORDER BY a.email LIMIT $2",
                     SQL_ARGS(SQL_T(like.data), SQL_I(max ? (long long)max : LLONG_MAX)), sql_rows_add, &l, NULL, err);
  buf_release(&like);
  return sql_rows_done(rc, &l, (void **)out, n, accounts_free_v);
}

void store_account_release(StoreAccount *a) {
  free(a->email);
  free(a->name);
  free(a->password_hash);
  memset(a, 0, sizeof *a);
}

void store_accounts_free(StoreAccount *a, size_t n) {
  for (size_t i = 0; i < n; i++) store_account_release(&a[i]);
  free(a);
}

/* ---- emailed tokens ---- */

int store_token_add(Store *st, const char *hash, long long account_id, const char *purpose, const char *data,
                    time_t now, time_t expires, Err *err) {
  return store_sql(st,
                   "INSERT INTO account_token(token_hash, account_id, purpose, data, created_at, expires_at)"
                   " VALUES($1, $2, $3, $4, $5, $6)",
                   SQL_ARGS(SQL_T(hash), SQL_I(account_id), SQL_T(purpose), SQL_T(data), SQL_I(now), SQL_I(expires)),
                   NULL, NULL, NULL, err);
}

typedef struct {
  long long account_id;
  char *data;
} TokenRow;

static int token_row(void *ctx, const SqlRow *r) {
  TokenRow *t = ctx;
  t->account_id = sql_int(r, 0);
  free(t->data);
  t->data = sql_dup(r, 1);
  return 1;
}

int store_token_take(Store *st, const char *hash, const char *purpose, time_t now, long long *account_id, char **data,
                     Err *err) {
  TokenRow t = {0, NULL};
  int rc = store_sql(st,
                     "UPDATE account_token SET used_at = $3 WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL"
                     " AND expires_at > $3 RETURNING account_id, data",
                     SQL_ARGS(SQL_T(hash), SQL_T(purpose), SQL_I(now)), token_row, &t, NULL, err);
  if (rc == 1) {
    if (account_id) *account_id = t.account_id;
    if (data) *data = t.data;
    else free(t.data);
    return 1;
  }
  free(t.data);
  return rc;
}

int store_token_peek(Store *st, const char *hash, const char *purpose, time_t now, long long *account_id, Err *err) {
  long long got = 0;
  int rc = store_sql(st,
                     "SELECT account_id FROM account_token WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL"
                     " AND expires_at > $3",
                     SQL_ARGS(SQL_T(hash), SQL_T(purpose), SQL_I(now)), sql_first_int, &got, NULL, err);
  if (rc == 1 && account_id) *account_id = got;
  return rc;
}

int store_tokens_drop(Store *st, long long account_id, const char *purpose, time_t now, Err *err) {
  return store_sql(st, "UPDATE account_token SET used_at = $3 WHERE account_id = $1 AND purpose = $2 AND used_at IS NULL",
                   SQL_ARGS(SQL_I(account_id), SQL_T(purpose), SQL_I(now)), NULL, NULL, NULL, err);
}

/* ---- sessions ---- */

int store_session_add(Store *st, const char *hash, long long account_id, time_t now, const char *client, long long *id,
                      Err *err) {
  return store_sql_insert(st,
                     "INSERT INTO session(token_hash, account_id, created_at, seen_at, client) VALUES($1, $2, $3, $3, $4)"
                     " RETURNING id",
                     SQL_ARGS(SQL_T(hash), SQL_I(account_id), SQL_I(now), SQL_T(client)), id, err);
}

static void read_session(const SqlRow *r, StoreSession *s) {
  s->id = sql_int(r, 0);
  s->account_id = sql_int(r, 1);
  s->created_at = sql_int(r, 2);
  s->seen_at = sql_int(r, 3);
  read_account_at(r, 4, &s->account);
}

int store_session_get(Store *st, const char *hash, StoreSession *out, Err *err) {
  memset(out, 0, sizeof *out);
  SqlOne o = SQL_ONE(out, read_session);
  return store_sql(st,
                   "SELECT s.id, s.account_id, s.created_at, s.seen_at, " ACCOUNT_COLS
                   " FROM session s JOIN account a ON a.id = s.account_id WHERE s.token_hash = $1",
                   SQL_ARGS(SQL_T(hash)), sql_one_row, &o, NULL, err);
}

int store_session_touch(Store *st, long long id, time_t now, Err *err) {
  return store_sql(st, "UPDATE session SET seen_at = $2 WHERE id = $1", SQL_ARGS(SQL_I(id), SQL_I(now)), NULL, NULL, NULL,
                   err);
}

int store_session_drop(Store *st, long long id, Err *err) {
  return store_sql(st, "DELETE FROM session WHERE id = $1", SQL_ARGS(SQL_I(id)), NULL, NULL, NULL, err);
}

int store_sessions_drop(Store *st, long long account_id, long long except_id, Err *err) {
  return store_sql(st, "DELETE FROM session WHERE account_id = $1 AND id <> $2", SQL_ARGS(SQL_I(account_id), SQL_I(except_id)),
                   NULL, NULL, NULL, err);
}

int store_sessions_count(Store *st, long long account_id, int64_t *out, Err *err) {
  return sql_count(st, "SELECT count(*) FROM session WHERE account_id = $1", SQL_ARGS(SQL_I(account_id)), out, err);
}

int store_sessions_expire(Store *st, time_t idle_before, time_t created_before, Err *err) {
  return store_sql(st, "DELETE FROM session WHERE seen_at < $1 OR created_at < $2",
                   SQL_ARGS(SQL_I(idle_before), SQL_I(created_before)), NULL, NULL, NULL, err);
}

void store_session_release(StoreSession *s) {
  store_account_release(&s->account);
  memset(s, 0, sizeof *s);
}

/* ---- organisations ---- */

#define ORG_COLS                                                                                                   \
  "o.id, o.name, o.kind, o.sector, o.buyer_type, o.ch_number, o.ppon, o.website, o.status, o.evidence, o.created_at," \
  " o.created_by, o.decided_at, o.decided_by, o.decision_note, o.claim_org_id, o.claim_status, o.claim_evidence," \
  " o.size, o.region"

static void read_org(const SqlRow *r, StoreOrganisation *o) {
  o->id = sql_int(r, 0);
  o->name = sql_dup(r, 1);
  o->kind = sql_dup(r, 2);
  o->sector = sql_dup(r, 3);
  o->buyer_type = sql_dup(r, 4);
  o->ch_number = sql_dup(r, 5);
  o->ppon = sql_dup(r, 6);
  o->website = sql_dup(r, 7);
  o->status = sql_dup(r, 8);
  o->evidence = sql_dup(r, 9);
  o->created_at = opt_int(r, 10);
  o->created_by = opt_int(r, 11);
  o->decided_at = opt_int(r, 12);
  o->decided_by = opt_int(r, 13);
  o->decision_note = sql_dup(r, 14);
  o->claim_org_id = opt_int(r, 15);
  o->claim_status = sql_dup(r, 16);
  o->claim_evidence = sql_dup(r, 17);
  o->size = sql_dup(r, 18);
  o->region = sql_dup(r, 19);
}

static void read_org_role(const SqlRow *r, StoreOrganisation *o) {
  read_org(r, o);
  o->role = sql_dup(r, 20);
}

int store_organisation_add(Store *st, const StoreOrganisation *o, long long owner_id, time_t now, long long *id,
                           Err *err) {
  long long got = 0;
  int rc = store_sql_insert(st,
                     "INSERT INTO organisation(name, kind, sector, buyer_type, ch_number, ppon, website, status, evidence,"
                     " created_at, created_by, size, region)"
                     " VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
                     SQL_ARGS(SQL_T(o->name), SQL_T(o->kind), SQL_T(o->sector), SQL_T(o->buyer_type), SQL_T(o->ch_number),
                              SQL_T(o->ppon), SQL_T(o->website), SQL_T(o->status), SQL_T(o->evidence), SQL_I(now),
                              owner_id ? SQL_I(owner_id) : SQL_T(NULL), SQL_T(o->size), SQL_T(o->region)),
                     &got, err);
  if (rc) return rc < 0 ? rc : err_set(err, ERR_DB, "an organisation was not added");
  if (owner_id && (rc = store_member_add(st, got, owner_id, "owner", now, err)) < 0) return rc;
  if (id) *id = got;
  return 0;
}

int store_organisation_profile(Store *st, long long id, const char *size, const char *region, Err *err) {
  return store_sql(st, "UPDATE organisation SET size = $2, region = $3 WHERE id = $1",
                   SQL_ARGS(SQL_I(id), SQL_T(size), SQL_T(region)), NULL, NULL, NULL, err);
}

int store_organisation_get(Store *st, long long id, StoreOrganisation *out, Err *err) {
  memset(out, 0, sizeof *out);
  SqlOne o = SQL_ONE(out, read_org);
  return store_sql(st, "SELECT " ORG_COLS " FROM organisation o WHERE o.id = $1", SQL_ARGS(SQL_I(id)), sql_one_row, &o, NULL,
                   err);
}

int store_organisation_by_name(Store *st, const char *name, StoreOrganisation *out, Err *err) {
  memset(out, 0, sizeof *out);
  SqlOne o = SQL_ONE(out, read_org);
  return store_sql(st, "SELECT " ORG_COLS " FROM organisation o WHERE o.name = $1 ORDER BY o.id LIMIT 1",
                   SQL_ARGS(SQL_T(name)), sql_one_row, &o, NULL, err);
}

int store_organisation_decide(Store *st, long long id, const char *status, long long by, const char *note, time_t now,
                              Err *err) {
  return store_sql(st, "UPDATE organisation SET status = $2, decided_by = $3, decision_note = $4, decided_at = $5 WHERE id = $1",
                   SQL_ARGS(SQL_I(id), SQL_T(status), SQL_I(by), SQL_T(note), SQL_I(now)), NULL, NULL, NULL, err);
}

int store_organisation_claim(Store *st, long long id, long long org_id, const char *evidence, Err *err) {
  return store_sql(st,
                   "UPDATE organisation SET claim_org_id = $2, claim_status = 'pending', claim_evidence = $3 WHERE id = $1",
                   SQL_ARGS(SQL_I(id), SQL_I(org_id), SQL_T(evidence)), NULL, NULL, NULL, err);
}

int store_organisation_claim_decide(Store *st, long long id, const char *status, long long by, time_t now, Err *err) {
  return store_sql(st, "UPDATE organisation SET claim_status = $2, decided_by = $3, decided_at = $4 WHERE id = $1",
                   SQL_ARGS(SQL_I(id), SQL_T(status), SQL_I(by), SQL_I(now)), NULL, NULL, NULL, err);
}

static void orgs_free_v(void *o, size_t n) { store_organisations_free(o, n); }

int store_organisations_of(Store *st, long long account_id, StoreOrganisation **out, size_t *n, Err *err) {
  SqlRows l = SQL_ROWS(StoreOrganisation, read_org_role, 0);
  int rc = store_sql(st,
                     "SELECT " ORG_COLS ", m.role FROM membership m JOIN organisation o ON o.id = m.org_id"
                     " WHERE m.account_id = $1 ORDER BY o.name, o.id",
                     SQL_ARGS(SQL_I(account_id)), sql_rows_add, &l, NULL, err);
  return sql_rows_done(rc, &l, (void **)out, n, orgs_free_v);
}

int store_organisations_pending(Store *st, size_t max, StoreOrganisation **out, size_t *n, Err *err) {
  SqlRows l = SQL_ROWS(StoreOrganisation, read_org, max);
  int rc = store_sql(st,
                     "SELECT " ORG_COLS " FROM organisation o WHERE o.status = 'pending' OR o.claim_status = 'pending'"
                     " ORDER BY o.created_at, o.id LIMIT $1",
                     SQL_ARGS(SQL_I(max ? (long long)max : LLONG_MAX)), sql_rows_add, &l, NULL, err);
  return sql_rows_done(rc, &l, (void **)out, n, orgs_free_v);
}

void store_organisation_release(StoreOrganisation *o) {
  char **s[] = {&o->name,     &o->kind,   &o->sector,   &o->buyer_type,    &o->ch_number,    &o->ppon,
                &o->website,  &o->status, &o->evidence, &o->decision_note, &o->claim_status, &o->claim_evidence,
                &o->size,     &o->region, &o->role};
  for (size_t i = 0; i < sizeof s / sizeof *s; i++) free(*s[i]);
  memset(o, 0, sizeof *o);
}

void store_organisations_free(StoreOrganisation *o, size_t n) {
  for (size_t i = 0; i < n; i++) store_organisation_release(&o[i]);
  free(o);
}

/* ---- members ---- */

int store_member_role(Store *st, long long org_id, long long account_id, char *out, size_t cap, Err *err) {
  char *role = NULL;
  int rc = store_sql(st, "SELECT role FROM membership WHERE org_id = $1 AND account_id = $2",
                     SQL_ARGS(SQL_I(org_id), SQL_I(account_id)), sql_first_text, &role, NULL, err);
  if (cap) out[0] = 0;
  if (rc == 1 && cap) snprintf(out, cap, "%s", role ? role : "");
  free(role);
  return rc;
}

int store_member_add(Store *st, long long org_id, long long account_id, const char *role, time_t now, Err *err) {
  long long changed = 0;
  int rc = store_sql(st,
                     "INSERT INTO membership(org_id, account_id, role, created_at) VALUES($1, $2, $3, $4)"
                     " ON CONFLICT(org_id, account_id) DO NOTHING",
                     SQL_ARGS(SQL_I(org_id), SQL_I(account_id), SQL_T(role), SQL_I(now)), NULL, NULL, &changed, err);
  if (rc < 0) return rc;
  return changed ? 0 : STORE_EXISTS;
}

int store_member_set_role(Store *st, long long org_id, long long account_id, const char *role, Err *err) {
  return store_sql(st, "UPDATE membership SET role = $3 WHERE org_id = $1 AND account_id = $2",
                   SQL_ARGS(SQL_I(org_id), SQL_I(account_id), SQL_T(role)), NULL, NULL, NULL, err);
}

int store_member_remove(Store *st, long long org_id, long long account_id, Err *err) {
  return store_sql(st, "DELETE FROM membership WHERE org_id = $1 AND account_id = $2",
                   SQL_ARGS(SQL_I(org_id), SQL_I(account_id)), NULL, NULL, NULL, err);
}

static void read_member(const SqlRow *r, StoreMember *m) {
  m->account_id = sql_int(r, 0);
  m->email = sql_dup(r, 1);
  m->name = sql_dup(r, 2);
  m->role = sql_dup(r, 3);
  m->created_at = sql_int(r, 4);
}

static void members_free_v(void *m, size_t n) { store_members_free(m, n); }

int store_members(Store *st, long long org_id, StoreMember **out, size_t *n, Err *err) {
  SqlRows l = SQL_ROWS(StoreMember, read_member, 0);
  int rc = store_sql(st,
                     "SELECT a.id, a.email, a.name, m.role, m.created_at FROM membership m JOIN account a ON a.id = m.account_id"
                     " WHERE m.org_id = $1 ORDER BY a.name, a.id",
                     SQL_ARGS(SQL_I(org_id)), sql_rows_add, &l, NULL, err);
  return sql_rows_done(rc, &l, (void **)out, n, members_free_v);
}

int store_owner_count(Store *st, long long org_id, int64_t *out, Err *err) {
  return sql_count(st, "SELECT count(*) FROM membership WHERE org_id = $1 AND role = 'owner'", SQL_ARGS(SQL_I(org_id)), out, err);
}

void store_members_free(StoreMember *m, size_t n) {
  for (size_t i = 0; i < n; i++) {
    free(m[i].email);
    free(m[i].name);
    free(m[i].role);
  }
  free(m);
}

typedef struct {
  long long id;
  char *name;
} Known;

static int known_row(void *ctx, const SqlRow *r) {
  Known *k = ctx;
  k->id = sql_int(r, 0);
  free(k->name);
  k->name = sql_dup(r, 1);
  return 1;
}

int store_known_org_find(Store *st, const char *key, long long *id, char **name, Err *err) {
  Known k = {0, NULL};
  int rc = store_sql(st, "SELECT id, name FROM org WHERE key = $1", SQL_ARGS(SQL_T(key)), known_row, &k, NULL, err);
  if (rc == 1) {
    *id = k.id;
    if (name) *name = k.name;
    else free(k.name);
    return 1;
  }
  free(k.name);
  return rc;
}

/* ---- invitations ---- */

#define INVITATION_COLS                                                                                     \
  "i.id, i.org_id, i.email, i.role, o.name, i.invited_by, i.created_at, i.expires_at, i.accepted_at, i.revoked_at"

static void read_invitation(const SqlRow *r, StoreInvitation *i) {
  i->id = sql_int(r, 0);
  i->org_id = sql_int(r, 1);
  i->email = sql_dup(r, 2);
  i->role = sql_dup(r, 3);
  i->org_name = sql_dup(r, 4);
  i->invited_by = opt_int(r, 5);
  i->created_at = opt_int(r, 6);
  i->expires_at = opt_int(r, 7);
  i->accepted_at = opt_int(r, 8);
  i->revoked_at = opt_int(r, 9);
}

int store_invitation_add(Store *st, long long org_id, const char *email, const char *role, const char *hash,
                         long long by, time_t now, time_t expires, long long *id, Err *err) {
  return store_sql_insert(st,
                     "INSERT INTO invitation(org_id, email, role, token_hash, invited_by, created_at, expires_at)"
                     " VALUES($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                     SQL_ARGS(SQL_I(org_id), SQL_T(email), SQL_T(role), SQL_T(hash), SQL_I(by), SQL_I(now), SQL_I(expires)),
                     id, err);
}

int store_invitation_find(Store *st, const char *hash, time_t now, StoreInvitation *out, Err *err) {
  memset(out, 0, sizeof *out);
  SqlOne o = SQL_ONE(out, read_invitation);
  return store_sql(st,
                   "SELECT " INVITATION_COLS " FROM invitation i JOIN organisation o ON o.id = i.org_id"
                   " WHERE i.token_hash = $1 AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > $2",
                   SQL_ARGS(SQL_T(hash), SQL_I(now)), sql_one_row, &o, NULL, err);
}

int store_invitation_accept(Store *st, long long id, long long account_id, time_t now, Err *err) {
  long long changed = 0;
  int rc = store_sql(st,
                     "UPDATE invitation SET accepted_at = $3, accepted_by = $2 WHERE id = $1 AND accepted_at IS NULL"
                     " AND revoked_at IS NULL AND expires_at > $3",
                     SQL_ARGS(SQL_I(id), SQL_I(account_id), SQL_I(now)), NULL, NULL, &changed, err);
  return rc < 0 ? rc : changed > 0;
}

int store_invitation_revoke(Store *st, long long org_id, long long id, time_t now, Err *err) {
  long long changed = 0;
  int rc = store_sql(st,
                     "UPDATE invitation SET revoked_at = $3 WHERE id = $2 AND org_id = $1 AND accepted_at IS NULL"
                     " AND revoked_at IS NULL",
                     SQL_ARGS(SQL_I(org_id), SQL_I(id), SQL_I(now)), NULL, NULL, &changed, err);
  return rc < 0 ? rc : changed > 0;
}

static void invitations_free_v(void *i, size_t n) { store_invitations_free(i, n); }

int store_invitations(Store *st, long long org_id, time_t now, StoreInvitation **out, size_t *n, Err *err) {
  SqlRows l = SQL_ROWS(StoreInvitation, read_invitation, 0);
  int rc = store_sql(st,
                     "SELECT " INVITATION_COLS " FROM invitation i JOIN organisation o ON o.id = i.org_id"
                     " WHERE i.org_id = $1 AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > $2"
                     " ORDER BY i.id DESC",
                     SQL_ARGS(SQL_I(org_id), SQL_I(now)), sql_rows_add, &l, NULL, err);
  return sql_rows_done(rc, &l, (void **)out, n, invitations_free_v);
}

void store_invitation_release(StoreInvitation *i) {
  free(i->email);
  free(i->role);
  free(i->org_name);
  memset(i, 0, sizeof *i);
}

void store_invitations_free(StoreInvitation *i, size_t n) {
  for (size_t k = 0; k < n; k++) store_invitation_release(&i[k]);
  free(i);
}

/* ---- API tokens ---- */

#define API_TOKEN_COLS                                                                                          \
  "t.id, t.account_id, t.org_id, t.role, t.name, o.name, t.created_at, t.last_used_at, t.revoked_at, a.disabled_at"

static void read_api_token(const SqlRow *r, StoreApiToken *t) {
  t->id = sql_int(r, 0);
  t->account_id = sql_int(r, 1);
  t->org_id = sql_int(r, 2);
  t->role = sql_dup(r, 3);
  t->name = sql_dup(r, 4);
  t->org_name = sql_dup(r, 5);
  t->created_at = opt_int(r, 6);
  t->last_used_at = opt_int(r, 7);
  t->revoked_at = opt_int(r, 8);
  t->account_disabled = !sql_null(r, 9);
}

int store_api_token_add(Store *st, const char *hash, long long account_id, long long org_id, const char *role,
                        const char *name, time_t now, long long *id, Err *err) {
  return store_sql_insert(st,
                     "INSERT INTO api_token(token_hash, account_id, org_id, role, name, created_at)"
                     " VALUES($1, $2, $3, $4, $5, $6) RETURNING id",
                     SQL_ARGS(SQL_T(hash), SQL_I(account_id), SQL_I(org_id), SQL_T(role), SQL_T(name), SQL_I(now)),
                     id, err);
}

/* The role is the lower of the token's and the membership's: member < admin < owner. */
#define ROLE_RANK(x) "CASE " x " WHEN 'owner' THEN 3 WHEN 'admin' THEN 2 ELSE 1 END"

int store_api_token_get(Store *st, const char *hash, StoreApiToken *out, Err *err) {
  memset(out, 0, sizeof *out);
  SqlOne o = SQL_ONE(out, read_api_token);
  int rc = store_sql(st,
                     "SELECT t.id, t.account_id, t.org_id,"
                     " CASE WHEN " ROLE_RANK("m.role") " < " ROLE_RANK("t.role") " THEN m.role ELSE t.role END,"
                     " t.name, o.name, t.created_at, t.last_used_at, t.revoked_at, a.disabled_at"
                     " FROM api_token t JOIN account a ON a.id = t.account_id JOIN organisation o ON o.id = t.org_id"
                     " JOIN membership m ON m.org_id = t.org_id AND m.account_id = t.account_id"
                     " WHERE t.token_hash = $1 AND t.revoked_at IS NULL",
                     SQL_ARGS(SQL_T(hash)), sql_one_row, &o, NULL, err);
  if (rc == 1 && out->account_disabled) {
    store_api_token_release(out);
    return 0;
  }
  return rc;
}

int store_api_token_used(Store *st, long long id, time_t now, Err *err) {
  return store_sql(st, "UPDATE api_token SET last_used_at = $2 WHERE id = $1", SQL_ARGS(SQL_I(id), SQL_I(now)), NULL, NULL,
                   NULL, err);
}

int store_api_token_revoke(Store *st, long long account_id, long long id, time_t now, Err *err) {
  long long changed = 0;
  int rc = store_sql(st, "UPDATE api_token SET revoked_at = $3 WHERE id = $2 AND account_id = $1 AND revoked_at IS NULL",
                     SQL_ARGS(SQL_I(account_id), SQL_I(id), SQL_I(now)), NULL, NULL, &changed, err);
  return rc < 0 ? rc : changed > 0;
}

static void tokens_free_v(void *t, size_t n) { store_api_tokens_free(t, n); }

int store_api_tokens(Store *st, long long account_id, StoreApiToken **out, size_t *n, Err *err) {
  SqlRows l = SQL_ROWS(StoreApiToken, read_api_token, 0);
  int rc = store_sql(st,
                     "SELECT " API_TOKEN_COLS " FROM api_token t JOIN account a ON a.id = t.account_id"
                     " JOIN organisation o ON o.id = t.org_id WHERE t.account_id = $1 AND t.revoked_at IS NULL"
                     " ORDER BY t.id DESC",
                     SQL_ARGS(SQL_I(account_id)), sql_rows_add, &l, NULL, err);
  return sql_rows_done(rc, &l, (void **)out, n, tokens_free_v);
}

void store_api_token_release(StoreApiToken *t) {
  free(t->role);
  free(t->name);
  free(t->org_name);
  memset(t, 0, sizeof *t);
}

void store_api_tokens_free(StoreApiToken *t, size_t n) {
  for (size_t i = 0; i < n; i++) store_api_token_release(&t[i]);
  free(t);
}

/* ---- the audit log ---- */

int store_audit_add(Store *st, const StoreAudit *a, Err *err) {
  return store_sql(st,
                   "INSERT INTO audit(at, actor_id, actor, org_id, client, action, subject, before, after)"
                   " VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                   SQL_ARGS(SQL_I(a->at), a->actor_id ? SQL_I(a->actor_id) : SQL_T(NULL), SQL_T(a->actor),
                            a->org_id ? SQL_I(a->org_id) : SQL_T(NULL), SQL_T(a->client), SQL_T(a->action),
                            SQL_T(a->subject), SQL_T(a->before), SQL_T(a->after)),
                   NULL, NULL, NULL, err);
}

static void read_audit(const SqlRow *r, StoreAudit *a) {
  a->id = sql_int(r, 0);
  a->at = sql_int(r, 1);
  a->actor_id = opt_int(r, 2);
  a->actor = sql_dup(r, 3);
  a->org_id = opt_int(r, 4);
  a->client = sql_dup(r, 5);
  a->action = sql_dup(r, 6);
  a->subject = sql_dup(r, 7);
  a->before = sql_dup(r, 8);
  a->after = sql_dup(r, 9);
}

static void audit_free_v(void *a, size_t n) { store_audit_free(a, n); }

int store_audit_list(Store *st, long long org_id, long long before, size_t max, StoreAudit **out, size_t *n, Err *err) {
  SqlRows l = SQL_ROWS(StoreAudit, read_audit, max);
  long long upto = before > 0 ? before : LLONG_MAX, lim = max ? (long long)max : LLONG_MAX;
  int rc = org_id
               ? store_sql(st,
                           "SELECT id, at, actor_id, actor, org_id, client, action, subject, before, after FROM audit"
                           " WHERE org_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
                           SQL_ARGS(SQL_I(org_id), SQL_I(upto), SQL_I(lim)), sql_rows_add, &l, NULL, err)
               : store_sql(st,
                           "SELECT id, at, actor_id, actor, org_id, client, action, subject, before, after FROM audit"
                           " WHERE id < $1 ORDER BY id DESC LIMIT $2",
                           SQL_ARGS(SQL_I(upto), SQL_I(lim)), sql_rows_add, &l, NULL, err);
  return sql_rows_done(rc, &l, (void **)out, n, audit_free_v);
}

void store_audit_free(StoreAudit *a, size_t n) {
  for (size_t i = 0; i < n; i++) {
    const char *s[] = {a[i].actor, a[i].client, a[i].action, a[i].subject, a[i].before, a[i].after};
    for (size_t k = 0; k < sizeof s / sizeof *s; k++) free((char *)s[k]);
  }
  free(a);
}

/* ---- throttling ---- */

int store_throttle_add(Store *st, const char *key, time_t now, Err *err) {
  return store_sql(st, "INSERT INTO throttle(key, at) VALUES($1, $2)", SQL_ARGS(SQL_T(key), SQL_I(now)), NULL, NULL, NULL,
                   err);
}

typedef struct {
  int64_t count, oldest;
} Count;

static int count_row(void *ctx, const SqlRow *r) {
  Count *c = ctx;
  c->count = sql_int(r, 0);
  c->oldest = opt_int(r, 1);
  return 1;
}

int store_throttle_count(Store *st, const char *key, time_t since, int64_t *count, int64_t *oldest, Err *err) {
  Count c = {0, 0};
  int rc = store_sql(st, "SELECT count(*), min(at) FROM throttle WHERE key = $1 AND at >= $2",
                     SQL_ARGS(SQL_T(key), SQL_I(since)), count_row, &c, NULL, err);
  *count = c.count;
  if (oldest) *oldest = c.oldest;
  return rc < 0 ? rc : 0;
}

int store_throttle_clear(Store *st, const char *key, Err *err) {
  return store_sql(st, "DELETE FROM throttle WHERE key = $1", SQL_ARGS(SQL_T(key)), NULL, NULL, NULL, err);
}

int store_throttle_prune(Store *st, time_t before, Err *err) {
  return store_sql(st, "DELETE FROM throttle WHERE at < $1", SQL_ARGS(SQL_I(before)), NULL, NULL, NULL, err);
}

int store_accounts_tidy(Store *st, time_t idle_before, time_t created_before, time_t before, Err *err) {
  int rc = store_sessions_expire(st, idle_before, created_before, err);
  if (!rc) rc = store_throttle_prune(st, before, err);
  if (!rc)
    rc = store_sql(st, "DELETE FROM account_token WHERE expires_at < $1", SQL_ARGS(SQL_I(before)), NULL, NULL, NULL, err);
  return rc;
}

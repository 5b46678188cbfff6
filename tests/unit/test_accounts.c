/* test_accounts.c -- the accounts and outbox aggregates (store/accounts.h,
 * store/outbox.h) over the statement runner (store/sql.h), the same checks
 * on SQLite and, when POWERHOUSE_PG_DIR names a running server (scripts/pg.sh,
 * as `make test` starts one), on PostgreSQL in a database of its own: one SQL
 * text for both must mean the same on both. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../tap.h"
#include "base/buf.h"
#include "store/accounts.h"
#include "store/outbox.h"
#include "store/sql.h"
#include "store/store.h"

#define NOW 1795000000
#define PG_BIN "/usr/lib/postgresql/15/bin"

static void test_runner(Store *st, const char *be) {
  Err err = ERR_INIT;
  long long v = 0;
  is_int(store_sql(st, "SELECT $1 + 0", SQL_ARGS(SQL_I(41)), sql_first_int, &v, NULL, &err), 1, "%s: a row", be);
  is_int((int)v, 41, "%s: an integer parameter", be);
  err_clear(&err);
  ok(store_sql(st, "SELECT $1 + $2", SQL_ARGS(SQL_I(1)), NULL, NULL, NULL, &err) == ERR_DB &&
         strstr(err.msg, "takes 2 parameters, 1 given"),
     "%s: a bind count that differs is refused (%s)", be, err.msg);
  is_int(sql_param_count("SELECT '$9', $2, $10"), 10, "parameters in quotes are text");
  char *s = NULL;
  is_int(store_sql(st, "SELECT CAST($1 AS TEXT)", SQL_ARGS(SQL_T("x'; DROP TABLE account; --")), sql_first_text, &s,
                   NULL, &err),
         1, "%s: text parameter", be);
  is_str(s, "x'; DROP TABLE account; --", "%s: a bound value is data, never SQL", be);
  free(s);
}

static void test_accounts(Store *st, const char *be) {
  Err err = ERR_INIT;
  long long id = 0, id2 = 0;
  is_int(store_account_add(st, "ann@example.org", "Ann", "$argon2id$x", NOW, 0, 0, &id, &err), 0, "%s: account added", be);
  is_int(store_account_add(st, "ann@example.org", "Ann 2", NULL, NOW, 0, 0, &id2, &err), STORE_EXISTS,
         "%s: the same email again is STORE_EXISTS", be);
  StoreAccount a;
  is_int(store_account_by_email(st, "ann@example.org", &a, &err), 1, "%s: found by email", be);
  is_int((int)(a.id == id), 1, "%s: the same id", be);
  is_str(a.name, "Ann", "%s: name", be);
  is_int((int)a.verified_at, 0, "%s: not verified", be);
  a.verified_at = NOW + 5;
  free(a.name);
  a.name = xstrdup("Ann Smith");
  is_int(store_account_update(st, &a, &err), 0, "%s: updated", be);
  store_account_release(&a);
  is_int(store_account_get(st, id, &a, &err), 1, "%s: by id", be);
  is_int((int)(a.verified_at - NOW), 5, "%s: verified_at kept", be);
  is_str(a.name, "Ann Smith", "%s: name changed", be);
  store_account_release(&a);
  is_int(store_account_add(st, "bob@example.org", "Bob_%", NULL, NOW, 1, 0, &id2, &err), 0, "%s: second account", be);
  is_int(store_account_get(st, id2, &a, &err), 1, "%s: read", be);
  free(a.email);
  a.email = xstrdup("ann@example.org");
  is_int(store_account_update(st, &a, &err), STORE_EXISTS, "%s: an email of another account is STORE_EXISTS", be);
  store_account_release(&a);
  StoreAccount *list;
  size_t n;
  is_int(store_accounts_list(st, "_%", 10, &list, &n, &err), 0, "%s: list", be);
  ok(n == 1 && strcmp(list[0].email, "bob@example.org") == 0, "%s: '_' and '%%' match themselves only", be);
  store_accounts_free(list, n);

  /* tokens: single use, expiring, by purpose */
  is_int(store_token_add(st, "h1", id, "reset", NULL, NOW, NOW + 3600, &err), 0, "%s: token added", be);
  is_int(store_token_peek(st, "h1", "verify", NOW, NULL, &err), 0, "%s: another purpose does not see it", be);
  is_int(store_token_peek(st, "h1", "reset", NOW + 3600, NULL, &err), 0, "%s: expired at its expiry", be);
  long long who = 0;
  char *data = NULL;
  is_int(store_token_take(st, "h1", "reset", NOW + 10, &who, &data, &err), 1, "%s: taken", be);
  ok(who == id && data == NULL, "%s: its account", be);
  is_int(store_token_take(st, "h1", "reset", NOW + 11, &who, NULL, &err), 0, "%s: taken once only", be);
  store_token_add(st, "h2", id, "email", "new@example.org", NOW, NOW + 60, &err);
  store_token_add(st, "h3", id, "email", "newer@example.org", NOW, NOW + 60, &err);
  is_int(store_tokens_drop(st, id, "email", NOW, &err), 0, "%s: dropped", be);
  is_int(store_token_take(st, "h3", "email", NOW + 1, NULL, &data, &err), 0, "%s: a dropped token is gone", be);

  /* sessions */
  long long sid = 0, sid2 = 0;
  is_int(store_session_add(st, "s1", id, NOW, "127.0.0.1", &sid, &err), 0, "%s: session", be);
  store_session_add(st, "s2", id, NOW, "127.0.0.1", &sid2, &err);
  StoreSession s;
  is_int(store_session_get(st, "s1", &s, &err), 1, "%s: session found", be);
  ok(s.id == sid && s.account.id == id && strcmp(s.account.email, "ann@example.org") == 0, "%s: with its account", be);
  store_session_release(&s);
  store_session_touch(st, sid, NOW + 100, &err);
  is_int(store_session_get(st, "s1", &s, &err), 1, "%s: again", be);
  is_int((int)(s.seen_at - NOW), 100, "%s: touched", be);
  store_session_release(&s);
  int64_t count = 0;
  store_sessions_count(st, id, &count, &err);
  is_int((int)count, 2, "%s: two sessions", be);
  is_int(store_sessions_drop(st, id, sid, &err), 0, "%s: others dropped", be);
  is_int(store_session_get(st, "s2", &s, &err), 0, "%s: the other is gone", be);
  is_int(store_session_get(st, "s1", &s, &err), 1, "%s: this one stays", be);
  store_session_release(&s);
  is_int(store_sessions_expire(st, NOW + 101, 0, &err), 0, "%s: expired", be);
  is_int(store_session_get(st, "s1", &s, &err), 0, "%s: an idle session goes", be);

  /* organisations, members, invitations */
  StoreOrganisation o = {0};
  o.name = "Leeds Council";
  o.kind = "buyer";
  o.sector = "public";
  o.buyer_type = "council";
  o.status = "pending";
  o.evidence = "I am the procurement lead";
  long long org = 0;
  is_int(store_organisation_add(st, &o, id, NOW, &org, &err), 0, "%s: organisation added", be);
  char role[16];
  is_int(store_member_role(st, org, id, role, sizeof role, &err), 1, "%s: its creator is a member", be);
  is_str(role, "owner", "%s: ... the owner", be);
  is_int(store_member_role(st, org, id2, role, sizeof role, &err), 0, "%s: another is not", be);
  is_int(store_member_add(st, org, id2, "member", NOW, &err), 0, "%s: member added", be);
  is_int(store_member_add(st, org, id2, "admin", NOW, &err), STORE_EXISTS, "%s: twice is STORE_EXISTS", be);
  store_member_set_role(st, org, id2, "admin", &err);
  StoreMember *ms;
  is_int(store_members(st, org, &ms, &n, &err), 0, "%s: members", be);
  ok(n == 2 && strcmp(ms[1].role, "admin") == 0, "%s: both, with roles", be);
  store_members_free(ms, n);
  store_owner_count(st, org, &count, &err);
  is_int((int)count, 1, "%s: one owner", be);
  StoreOrganisation *os;
  store_organisations_pending(st, 10, &os, &n, &err);
  ok(n == 1 && os[0].id == org && strcmp(os[0].evidence, o.evidence) == 0, "%s: in the queue with its evidence", be);
  store_organisations_free(os, n);
  store_organisation_decide(st, org, "verified", id2, "checked", NOW + 1, &err);
  store_organisations_pending(st, 10, &os, &n, &err);
  is_int((int)n, 0, "%s: decided, out of the queue", be);
  store_organisations_free(os, n);
  store_organisations_of(st, id2, &os, &n, &err);
  ok(n == 1 && strcmp(os[0].role, "admin") == 0 && strcmp(os[0].status, "verified") == 0, "%s: an account's organisations", be);
  store_organisations_free(os, n);
  long long inv = 0;
  is_int(store_invitation_add(st, org, "cat@example.org", "member", "i1", id, NOW, NOW + 100, &inv, &err), 0,
         "%s: invitation", be);
  StoreInvitation iv;
  is_int(store_invitation_find(st, "i1", NOW, &iv, &err), 1, "%s: found", be);
  is_str(iv.org_name, "Leeds Council", "%s: with the organisation's name", be);
  store_invitation_release(&iv);
  is_int(store_invitation_find(st, "i1", NOW + 100, &iv, &err), 0, "%s: not once expired", be);
  is_int(store_invitation_accept(st, inv, id2, NOW + 1, &err), 1, "%s: accepted", be);
  is_int(store_invitation_accept(st, inv, id2, NOW + 2, &err), 0, "%s: once only", be);

  /* API tokens: the lower of the token's role and the membership's */
  long long tok = 0;
  store_api_token_add(st, "t1", id2, org, "owner", "ci", NOW, &tok, &err);
  StoreApiToken t;
  is_int(store_api_token_get(st, "t1", &t, &err), 1, "%s: token found", be);
  is_str(t.role, "admin", "%s: a token cannot do more than its member", be);
  store_api_token_release(&t);
  is_int(store_api_token_revoke(st, id, tok, NOW, &err), 0, "%s: another account cannot revoke it", be);
  store_member_remove(st, org, id2, &err);
  is_int(store_api_token_get(st, "t1", &t, &err), 0, "%s: no longer a member: the token is dead", be);

  /* audit and throttling */
  StoreAudit au = {0, NOW, id, "ann@example.org", org, "127.0.0.1", "member.remove", "bob@example.org", "admin", NULL};
  is_int(store_audit_add(st, &au, &err), 0, "%s: audit row", be);
  StoreAudit *aus;
  store_audit_list(st, org, 0, 10, &aus, &n, &err);
  ok(n == 1 && strcmp(aus[0].action, "member.remove") == 0 && aus[0].after == NULL, "%s: the organisation's log", be);
  store_audit_free(aus, n);
  store_audit_list(st, org + 1, 0, 10, &aus, &n, &err);
  is_int((int)n, 0, "%s: not another's", be);
  store_audit_free(aus, n);
  for (int i = 0; i < 3; i++) store_throttle_add(st, "login:ann", NOW + i, &err);
  int64_t oldest = 0;
  store_throttle_count(st, "login:ann", NOW + 1, &count, &oldest, &err);
  ok(count == 2 && oldest == NOW + 1, "%s: throttle counts a window", be);
  store_throttle_clear(st, "login:ann", &err);
  store_throttle_count(st, "login:ann", 0, &count, NULL, &err);
  is_int((int)count, 0, "%s: cleared", be);

  /* housekeeping */
  store_throttle_add(st, "old", NOW - 200000, &err);
  store_throttle_add(st, "new", NOW, &err);
  store_token_add(st, "gone", id, "reset", NULL, NOW - 200000, NOW - 100000, &err);
  store_token_add(st, "kept", id, "reset", NULL, NOW, NOW + 3600, &err);
  store_session_add(st, "idle", id, NOW - 10000, NULL, NULL, &err);
  store_session_add(st, "live", id, NOW, NULL, NULL, &err);
  is_int(store_accounts_tidy(st, NOW - 7200, NOW - 30 * 86400, NOW - 86400, &err), 0, "%s: tidied", be);
  store_throttle_count(st, "old", 0, &count, NULL, &err);
  is_int((int)count, 0, "%s: an old throttling event is forgotten", be);
  store_throttle_count(st, "new", 0, &count, NULL, &err);
  is_int((int)count, 1, "%s: a recent one is kept", be);
  is_int(store_token_peek(st, "kept", "reset", NOW, NULL, &err), 1, "%s: a live token is kept", be);
  long long left = 0;
  store_sql(st, "SELECT count(*) FROM account_token WHERE token_hash = 'gone'", NULL, 0, sql_first_int, &left, NULL, &err);
  is_int((int)left, 0, "%s: an expired token is deleted", be);
  is_int(store_session_get(st, "idle", &s, &err), 0, "%s: an ended session is deleted", be);
  is_int(store_session_get(st, "live", &s, &err), 1, "%s: a live one is kept", be);
  store_session_release(&s);

  is_int(store_account_delete(st, id, &err), 0, "%s: account deleted", be);
  is_int(store_members(st, org, &ms, &n, &err), 0, "%s: members again", be);
  is_int((int)n, 0, "%s: its memberships went with it", be);
  store_members_free(ms, n);
  ok(!err.code, "%s: no error on the way (%s)", be, err.msg);
}

static void test_outbox(Store *st, const char *be) {
  Err err = ERR_INIT;
  long long a = 0, b = 0;
  store_begin(st, &err);
  is_int(store_outbox_add(st, "x@example.org", "Héllo", "text", "<p>html</p>", NOW, &a, &err), 0, "%s: mail added", be);
  store_outbox_add(st, "y@example.org", "Two", "text 2", NULL, NOW + 1, &b, &err);
  store_rollback(st);
  OutboxMail *ms;
  size_t n;
  store_outbox_due(st, NOW + 10, 10, &ms, &n, &err);
  is_int((int)n, 0, "%s: a rolled-back change leaves no mail", be);
  store_outbox_free(ms, n);
  store_outbox_add(st, "x@example.org", "Héllo", "text", "<p>html</p>", NOW, &a, &err);
  store_outbox_add(st, "y@example.org", "Two", "text 2", NULL, NOW + 1, &b, &err);
  store_outbox_due(st, NOW, 10, &ms, &n, &err);
  ok(n == 1 && ms[0].id == a && strcmp(ms[0].subject, "Héllo") == 0, "%s: due: the first", be);
  store_outbox_free(ms, n);
  is_int(store_outbox_claim(st, a, NOW, NOW + 300, &err), 1, "%s: a due mail claimed", be);
  is_int(store_outbox_claim(st, a, NOW, NOW + 300, &err), 0, "%s: ... by one sender only", be);
  store_outbox_failed(st, a, NOW + 60, "451 try later", &err);
  store_outbox_due(st, NOW + 30, 10, &ms, &n, &err);
  ok(n == 1 && ms[0].id == b && ms[0].html == NULL, "%s: a failed mail waits for its next attempt", be);
  store_outbox_free(ms, n);
  store_outbox_sent(st, b, NOW + 30, &err);
  store_outbox_due(st, NOW + 60, 10, &ms, &n, &err);
  ok(n == 1 && ms[0].id == a && ms[0].attempts == 1 && strcmp(ms[0].last_error, "451 try later") == 0,
     "%s: retried at its time, with its history", be);
  store_outbox_free(ms, n);
  store_outbox_list(st, 0, 10, &ms, &n, &err);
  ok(n == 2 && ms[0].id == b && ms[0].sent_at == NOW + 30 && ms[1].sent_at == 0, "%s: list, newest first", be);
  store_outbox_free(ms, n);
  OutboxMail m;
  is_int(store_outbox_get(st, a, &m, &err), 1, "%s: one mail", be);
  is_str(m.html, "<p>html</p>", "%s: its HTML", be);
  store_outbox_release(&m);
  ok(!err.code, "%s: no error on the way (%s)", be, err.msg);
}

static void run_all(const char *url, const char *be) {
  Store *st = NULL;
  Err err = ERR_INIT;
  if (!ok(store_open(url, 0, &st, &err) == 0, "%s: store opens (%s)", be, err.msg)) return;
  test_runner(st, be);
  test_accounts(st, be);
  test_outbox(st, be);
  store_close(st);
}

int main(void) {
  char path[] = "/tmp/ph-accounts-XXXXXX";
  int fd = mkstemp(path);
  if (fd >= 0) close(fd);
  unlink(path);
  Buf url = BUF_INIT;
  buf_addf(&url, "sqlite:%s", path);
  run_all(url.data, "sqlite");
  buf_reset(&url);
  buf_addf(&url, "%s-wal", path);
  unlink(url.data);
  buf_reset(&url);
  buf_addf(&url, "%s-shm", path);
  unlink(url.data);
  unlink(path);
  const char *pgdir = getenv("POWERHOUSE_PG_DIR");
  if (pgdir && *pgdir) {
    char db[64];
    snprintf(db, sizeof db, "accounts_%ld", (long)getpid());
    buf_reset(&url);
    buf_addf(&url, PG_BIN "/createdb -h '%s' %s", pgdir, db);
    if (ok(system(url.data) == 0, "a PostgreSQL database for the test")) {
      buf_reset(&url);
      buf_addf(&url, "postgresql:///%s?host=%s", db, pgdir);
      run_all(url.data, "postgres");
      buf_reset(&url);
      buf_addf(&url, PG_BIN "/dropdb -h '%s' %s", pgdir, db);
      ok(system(url.data) == 0, "dropped");
    }
  } else {
    printf("ok %d # SKIP no PostgreSQL server (POWERHOUSE_PG_DIR; make test starts one)\n", ++tap_n);
  }
  buf_release(&url);
  return done_testing();
}

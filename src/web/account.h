/* account.h -- what the account, organisation and admin pages share
 * (account.c, orgs.c, admin.c): the write transaction around a change with
 * its audit row, throttling, the heavy slot for password hashing, and the
 * mail sender's wake-up. Handlers of those pages are declared in app.h. */
#ifndef WEB_ACCOUNT_H
#define WEB_ACCOUNT_H

#include "base/err.h"
#include "model/account.h"
#include "store/accounts.h"
#include "store/store.h"
#include "web/server.h"

#define TOKEN_VERIFY_SECONDS (48 * 3600)
#define TOKEN_RESET_SECONDS 3600
#define TOKEN_INVITE_SECONDS (7 * 86400)
#define LOGIN_FAILURES 5          /* failed sign-ins per account or address ... */
#define LOGIN_WINDOW (15 * 60)    /* ... in this many seconds, then 429 */
#define MAIL_PER_EMAIL 5          /* reset, verification and registration mails to one address ... */
#define MAIL_PER_CLIENT 30        /* ... and from one client address (an office shares one) ... */
#define MAIL_WINDOW 3600          /* ... per hour */
#define PASSWORD_WAIT_MS 10000    /* how long a sign-in waits for a heavy slot to hash */

/* Begins a write transaction on this thread's write connection: the store,
 * or NULL with a 503 page set. */
Store *acct_begin(Request *r);
/* Commits (wakes the mail sender when mail was queued): 0, or -1 with a 503
 * page set (rolled back). */
int acct_commit(Request *r, Store *w);
/* Rolls back and sets a 503 page with internal (logged only). */
void acct_fail(Request *r, Store *w, const char *internal);
/* An audit row by this request's account (actor) in the open transaction. */
int acct_audit(Request *r, Store *w, long long org_id, const char *action, const char *subject, const char *before,
               const char *after, Err *err);
/* Is key over limit events in the last window seconds? 0 no; 1 yes: a 429
 * page with Retry-After is set (the handler returns). -1: a 503 is set. */
int acct_throttled(Request *r, Store *st, const char *key, int limit, int window);
/* A heavy slot for password hashing: 0 taken; non-zero: return at once (the
 * request waits for a slot and runs again, or a 503 page is set). */
int acct_heavy(Request *r);
/* Password hashing off the server's pool threads (req_work, under the heavy
 * slot acct_heavy took): ACCT_PENDING means return from the handler now (it
 * runs again when the hash is done; what it did before must be safe to do
 * twice). acct_pw_hash: 0 with out (CRYPTO_PWHASH_MAX bytes) set, or -1 with
 * err. acct_pw_verify: 1 pw matches hash, 0 not; hash NULL spends the time
 * of a verify and answers 0 (an unknown account). */
enum { ACCT_PENDING = 2 };
int acct_pw_hash(Request *r, const char *pw, char *out, Err *err);
int acct_pw_verify(Request *r, const char *hash, const char *pw);
/* The path to go to after signing in: next when it is a path on this site, else "/account". */
const char *acct_next(Request *r, const char *next);
/* Makes a token: its text into tok, its hash into hash. */
void acct_token(char *tok, char *hash);
/* 303 to a path of this site. */
void acct_redirect(Request *r, const char *to);
/* "2026-12-07 13:36:05 UTC" for unix seconds t (allocated in r); "" for 0. */
const char *acct_when(Request *r, int64_t t);
/* The rows of an audit log as a table (with_org: link each row's organisation). */
void acct_audit_table(Request *r, const StoreAudit *au, size_t n, int with_org);

/* suppliers.c: a supplier's size and region on its organisation's page (the
 * form for its admins and owners, me its role there). */
void supplier_profile_section(Request *r, const StoreOrganisation *o, Role me);

#endif

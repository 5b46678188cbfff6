/* accounts.h -- the accounts aggregate of the store (store.h): the people who
 * sign in, their sessions and emailed tokens, the organisations they belong
 * to with a role, invitations, API tokens, the audit log and throttling
 * events. Private data: none of it ever becomes a release, and none of it
 * moves the change sequence (nothing derived follows it).
 *
 * Secrets are kept only as hashes (base/crypto.h: crypto_token_hash for
 * tokens, argon2id strings for passwords): a copy of the database lets nobody
 * sign in. A change and its audit row (and its mail, store/outbox.h) go in
 * one transaction (store_begin .. store_commit) made by the caller.
 *
 * Times are unix seconds; 0 stands for "never" (not verified, not used...).
 * Roles, kinds, sectors and statuses are the words of model/account.h. Reads
 * return 1 found / 0 not found (<0 on a failure); strings in the structs are
 * malloc'd and freed by the matching release/free.
 * Implemented once over the backends' statement runner (store/sql.h). */
#ifndef STORE_ACCOUNTS_H
#define STORE_ACCOUNTS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/err.h"
#include "store/store.h"

#define STORE_EXISTS 2 /* an add that found the key (email...) taken */

/* ---- accounts ---- */

typedef struct {
  long long id;
  char *email, *name;
  char *password_hash; /* argon2id string; NULL: no password set */
  int64_t created_at, verified_at, disabled_at;
  int site_admin;
} StoreAccount;

/* 0 added (*id set), STORE_EXISTS when the email is taken. */
int store_account_add(Store *st, const char *email, const char *name, const char *password_hash, time_t now,
                      int verified, int site_admin, long long *id, Err *err);
int store_account_get(Store *st, long long id, StoreAccount *out, Err *err);
int store_account_by_email(Store *st, const char *email, StoreAccount *out, Err *err);
/* Writes every field of a (by a->id): 0, or STORE_EXISTS when a->email
 * belongs to another account. */
int store_account_update(Store *st, const StoreAccount *a, Err *err);
/* Deletes the account with its sessions, tokens and memberships. */
int store_account_delete(Store *st, long long id, Err *err);
/* Accounts whose email or name contains match ("" all), by email, at most max. */
int store_accounts_list(Store *st, const char *match, size_t max, StoreAccount **out, size_t *n, Err *err);
void store_account_release(StoreAccount *a);
void store_accounts_free(StoreAccount *a, size_t n);

/* ---- emailed tokens: verify, reset, email change (purpose words) ---- */

int store_token_add(Store *st, const char *hash, long long account_id, const char *purpose, const char *data,
                    time_t now, time_t expires, Err *err);
/* Uses a token once: 1 with *account_id and *data (may be NULL; caller frees)
 * when it was unused, unexpired and of that purpose; 0 otherwise. */
int store_token_take(Store *st, const char *hash, const char *purpose, time_t now, long long *account_id, char **data,
                     Err *err);
/* The same without using it (a page that shows the form the token opens). */
int store_token_peek(Store *st, const char *hash, const char *purpose, time_t now, long long *account_id, Err *err);
/* Marks every unused token of the account and purpose used (an older reset
 * link stops working when a newer one is sent, or the password changes). */
int store_tokens_drop(Store *st, long long account_id, const char *purpose, time_t now, Err *err);

/* ---- sessions ---- */

typedef struct {
  long long id, account_id;
  int64_t created_at, seen_at;
  StoreAccount account;
} StoreSession;

int store_session_add(Store *st, const char *hash, long long account_id, time_t now, const char *client, long long *id,
                      Err *err);
/* The session of a token hash, with its account. */
int store_session_get(Store *st, const char *hash, StoreSession *out, Err *err);
int store_session_touch(Store *st, long long id, time_t now, Err *err);
int store_session_drop(Store *st, long long id, Err *err);
/* Every session of the account except except_id (0: all). */
int store_sessions_drop(Store *st, long long account_id, long long except_id, Err *err);
int store_sessions_count(Store *st, long long account_id, int64_t *out, Err *err);
/* Deletes sessions seen before idle_before or made before created_before. */
int store_sessions_expire(Store *st, time_t idle_before, time_t created_before, Err *err);
void store_session_release(StoreSession *s);

/* ---- organisations and members ---- */

typedef struct {
  long long id;
  char *name, *kind, *sector, *buyer_type, *ch_number, *ppon, *website;
  char *status; /* "pending" (waits for a site admin), "verified", "rejected"; suppliers start "verified" */
  char *evidence;
  int64_t created_at;
  long long created_by;
  int64_t decided_at;
  long long decided_by;
  char *decision_note;
  long long claim_org_id; /* an organisation of the award data (store/orgs.h) it claims; 0 none */
  char *claim_status;     /* NULL, "pending", "accepted", "rejected" */
  char *claim_evidence;
  char *size;   /* a supplier's size: model/account.h's org_size codes ("micro" ...), NULL not given */
  char *region; /* its ITL1 region ("TLE"), NULL not given */
  char *role; /* in lists for an account: that account's role */
} StoreOrganisation;

/* Adds o (its id ignored) with owner_id as its owner. */
int store_organisation_add(Store *st, const StoreOrganisation *o, long long owner_id, time_t now, long long *id,
                           Err *err);
int store_organisation_get(Store *st, long long id, StoreOrganisation *out, Err *err);
/* Sets a supplier's size and region (NULL: not given). */
int store_organisation_profile(Store *st, long long id, const char *size, const char *region, Err *err);
/* The oldest organisation called exactly name (set-up from the command line). */
int store_organisation_by_name(Store *st, const char *name, StoreOrganisation *out, Err *err);
/* A site admin's decision on a pending organisation: status "verified" or "rejected". */
int store_organisation_decide(Store *st, long long id, const char *status, long long by, const char *note, time_t now,
                              Err *err);
/* Asks to claim org_id (a pending claim), or decides one ("accepted", "rejected"). */
int store_organisation_claim(Store *st, long long id, long long org_id, const char *evidence, Err *err);
int store_organisation_claim_decide(Store *st, long long id, const char *status, long long by, time_t now, Err *err);
/* The organisations account_id belongs to (with its role), by name. */
int store_organisations_of(Store *st, long long account_id, StoreOrganisation **out, size_t *n, Err *err);
/* The site admins' queue: organisations pending verification or with a
 * pending claim, oldest first. */
int store_organisations_pending(Store *st, size_t max, StoreOrganisation **out, size_t *n, Err *err);
void store_organisation_release(StoreOrganisation *o);
void store_organisations_free(StoreOrganisation *o, size_t n);

typedef struct {
  long long account_id;
  char *email, *name, *role;
  int64_t created_at;
} StoreMember;

/* The role of account_id in org_id into out (cap bytes): 1 a member, 0 not. */
int store_member_role(Store *st, long long org_id, long long account_id, char *out, size_t cap, Err *err);
/* 0 added, STORE_EXISTS when already a member. */
int store_member_add(Store *st, long long org_id, long long account_id, const char *role, time_t now, Err *err);
int store_member_set_role(Store *st, long long org_id, long long account_id, const char *role, Err *err);
int store_member_remove(Store *st, long long org_id, long long account_id, Err *err);
int store_members(Store *st, long long org_id, StoreMember **out, size_t *n, Err *err);
int store_owner_count(Store *st, long long org_id, int64_t *out, Err *err);
void store_members_free(StoreMember *m, size_t n);

/* An organisation of the award data (store/orgs.h) by its key
 * ("GB-COH-01234567", "GB-PPON-PABC-1234-ABCD"): 1 with *id and *name
 * (caller frees), 0 when none. */
int store_known_org_find(Store *st, const char *key, long long *id, char **name, Err *err);

/* ---- invitations ---- */

typedef struct {
  long long id, org_id;
  char *email, *role, *org_name;
  long long invited_by;
  int64_t created_at, expires_at, accepted_at, revoked_at;
} StoreInvitation;

int store_invitation_add(Store *st, long long org_id, const char *email, const char *role, const char *hash,
                         long long by, time_t now, time_t expires, long long *id, Err *err);
/* An invitation by token hash that is still open (not accepted, revoked or expired). */
int store_invitation_find(Store *st, const char *hash, time_t now, StoreInvitation *out, Err *err);
/* Marks it accepted by account_id once: 1, or 0 when no longer open. */
int store_invitation_accept(Store *st, long long id, long long account_id, time_t now, Err *err);
int store_invitation_revoke(Store *st, long long org_id, long long id, time_t now, Err *err);
/* The organisation's open invitations, newest first. */
int store_invitations(Store *st, long long org_id, time_t now, StoreInvitation **out, size_t *n, Err *err);
void store_invitation_release(StoreInvitation *i);
void store_invitations_free(StoreInvitation *i, size_t n);

/* ---- API tokens ---- */

typedef struct {
  long long id, account_id, org_id;
  char *role, *name, *org_name;
  int64_t created_at, last_used_at, revoked_at;
  int account_disabled; /* from the account, for store_api_token_get */
} StoreApiToken;

int store_api_token_add(Store *st, const char *hash, long long account_id, long long org_id, const char *role,
                        const char *name, time_t now, long long *id, Err *err);
/* A token that is not revoked, whose account is still a member of its
 * organisation: its role is the lower of the token's and the membership's. */
int store_api_token_get(Store *st, const char *hash, StoreApiToken *out, Err *err);
int store_api_token_used(Store *st, long long id, time_t now, Err *err);
/* 1 revoked, 0 no such token of the account. */
int store_api_token_revoke(Store *st, long long account_id, long long id, time_t now, Err *err);
int store_api_tokens(Store *st, long long account_id, StoreApiToken **out, size_t *n, Err *err);
void store_api_token_release(StoreApiToken *t);
void store_api_tokens_free(StoreApiToken *t, size_t n);

/* ---- the audit log ---- */

typedef struct {
  long long id;
  int64_t at;
  long long actor_id; /* 0: the command line or the system */
  const char *actor;  /* the actor's email then (kept when the account goes) */
  long long org_id;   /* 0: not about an organisation */
  const char *client, *action, *subject, *before, *after;
} StoreAudit;

int store_audit_add(Store *st, const StoreAudit *a, Err *err);
/* Rows of org_id (0: every row), id < before (0: the newest), newest first;
 * the strings of each row are malloc'd (free with store_audit_free). */
int store_audit_list(Store *st, long long org_id, long long before, size_t max, StoreAudit **out, size_t *n, Err *err);
void store_audit_free(StoreAudit *a, size_t n);

/* ---- throttling ---- */

int store_throttle_add(Store *st, const char *key, time_t now, Err *err);
/* Events of key at or after since: their count and the oldest's time. */
int store_throttle_count(Store *st, const char *key, time_t since, int64_t *count, int64_t *oldest, Err *err);
int store_throttle_clear(Store *st, const char *key, Err *err);
/* Forgets every event before before. */
int store_throttle_prune(Store *st, time_t before, Err *err);

/* Housekeeping: deletes sessions that ended (seen before idle_before or made
 * before created_before), throttling events and emailed tokens that have
 * expired before before. */
int store_accounts_tidy(Store *st, time_t idle_before, time_t created_before, time_t before, Err *err);

#endif

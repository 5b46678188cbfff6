/* account_settings.c -- /account, the signed-in person's own page: their
 * details, organisations, sessions and API tokens, and the forms that change
 * them (name, email, password, API tokens, leaving an organisation, deleting
 * the account). A change that needs the password (email, password, delete)
 * asks for the current one and hashes under the heavy slot. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/crypto.h"
#include "model/account.h"
#include "store/accounts.h"
#include "web/account.h"
#include "web/app.h"
#include "web/auth.h"
#include "web/formui.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/mails.h"

/* A token just made, shown once on the page that follows its creation. */
typedef struct {
  const char *token, *name;
} NewToken;

static void org_list(Request *r, const StoreOrganisation *os, size_t n) {
  html_printf(&r->out, "<h2 class=\"govuk-heading-m\" id=\"organisations\">Your organisations</h2>");
  if (!n) html_printf(&r->out, "<p class=\"govuk-body\">You are not a member of an organisation yet.</p>");
  else html_printf(&r->out, "<ul class=\"govuk-list\">");
  for (size_t i = 0; i < n; i++) {
    html_printf(&r->out, "<li><a class=\"govuk-link\" href=\"/organisations/%lld\">%s</a> – %s, %s", os[i].id, os[i].name,
                os[i].kind, os[i].role);
    if (!strcmp(os[i].status, "pending")) html_printf(&r->out, " <strong class=\"govuk-tag govuk-tag--yellow\">waiting for verification</strong>");
    if (!strcmp(os[i].status, "rejected")) html_printf(&r->out, " <strong class=\"govuk-tag govuk-tag--red\">not verified</strong>");
    html_printf(&r->out, "</li>");
  }
  if (n) html_printf(&r->out, "</ul>");
  html_printf(&r->out, "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/organisations/new\">Create an "
                       "organisation</a></p>");
}

static void tokens_section(Request *r, const FormErrors *e, const StoreApiToken *ts, size_t nt,
                           const StoreOrganisation *os, size_t no, const NewToken *fresh) {
  html_printf(&r->out, "<h2 class=\"govuk-heading-m\" id=\"tokens\">API tokens</h2><p class=\"govuk-body\">A token lets "
                       "another system act for you in one organisation, with one role, through the API "
                       "(<code>Authorization: Bearer TOKEN</code>).</p>");
  if (fresh) {
    html_printf(&r->out, "<div class=\"govuk-panel ph-token\"><h3 class=\"govuk-heading-s\">Your new token \"%s\"</h3>"
                         "<p class=\"govuk-body\">Copy it now: it is shown only once.</p>"
                         "<p class=\"govuk-body\"><code id=\"new-token\">%s</code></p></div>",
                fresh->name, fresh->token);
  }
  if (nt) {
    html_printf(&r->out, "<table class=\"govuk-table\"><caption class=\"govuk-table__caption govuk-visually-hidden\">Your "
                         "API tokens</caption><thead class=\"govuk-table__head\"><tr class=\"govuk-table__row\">"
                         "<th scope=\"col\" class=\"govuk-table__header\">Name</th><th scope=\"col\" "
                         "class=\"govuk-table__header\">Organisation and role</th><th scope=\"col\" "
                         "class=\"govuk-table__header\"><span class=\"govuk-visually-hidden\">Action</span></th></tr></thead>"
                         "<tbody class=\"govuk-table__body\">");
    for (size_t i = 0; i < nt; i++) {
      html_printf(&r->out, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">%s</td><td "
                           "class=\"govuk-table__cell\">%s, %s</td><td class=\"govuk-table__cell\">",
                  ts[i].name, ts[i].org_name, ts[i].role);
      ui_button_form(r, "/account/tokens/revoke", req_printf(r, "Revoke %s", ts[i].name),
                     "govuk-button--warning", "token", req_printf(r, "%lld", ts[i].id), (const char *)NULL);
      html_printf(&r->out, "</td></tr>");
    }
    html_printf(&r->out, "</tbody></table>");
  }
  if (!no) {
    html_printf(&r->out, "<p class=\"govuk-body\">Join or create an organisation to make a token.</p>");
    return;
  }
  const char **vals = req_alloc(r, no * sizeof *vals), **labels = req_alloc(r, no * sizeof *labels);
  for (size_t i = 0; i < no; i++) {
    vals[i] = req_printf(r, "%lld", os[i].id);
    labels[i] = os[i].name;
  }
  static const char *const roles[] = {"member", "admin", "owner"};
  static const char *const role_labels[] = {"Member", "Admin", "Owner"};
  ui_form_begin(r, "/account/tokens");
  ui_input(r, e, "token_name", "Token name", "text", "off", form_value(r, "token_name"), "What it is for, like \"Tender system\"");
  ui_select(r, e, "org", "Organisation", vals, labels, no, form_value(r, "org"));
  ui_select(r, e, "role", "Role", roles, role_labels, 3, *form_value(r, "role") ? form_value(r, "role") : "member");
  ui_form_end(r, "Create token");
}

/* The settings page, with e's errors (NULL: none) and a new token to show once. */
static void settings(Request *r, const FormErrors *e, const NewToken *fresh) {
  Auth *a = auth_of(r);
  Store *st = app_store(r);
  Err err = ERR_INIT;
  StoreOrganisation *os = NULL;
  StoreApiToken *ts = NULL;
  size_t no = 0, nt = 0;
  int64_t sessions = 0;
  if (!st || store_organisations_of(st, a->account_id, &os, &no, &err) || store_api_tokens(st, a->account_id, &ts, &nt, &err) ||
      store_sessions_count(st, a->account_id, &sessions, &err)) {
    store_organisations_free(os, no);
    page_unavailable(r, err.msg);
    return;
  }
  r->cache_control = "no-store";
  ui_page_begin(r, "Your account", e);
  const char *done = req_param(r, "done");
  static const struct {
    const char *done, *text;
  } dones[] = {{"name", "Your name has been changed."},
               {"email", "Your new email address is confirmed."},
               {"email-sent", "We have sent a link to your new email address. Open it to confirm the change."},
               {"password", "Your password has been changed. Every other device has been signed out."},
               {"revoked", "The token has been revoked."},
               {"left", "You have left the organisation."},
               {"joined", "You have joined the organisation."}};
  for (size_t i = 0; done && i < sizeof dones / sizeof *dones; i++)
    if (!strcmp(done, dones[i].done)) ui_success(r, dones[i].text);
  html_printf(&r->out, "<h1 class=\"govuk-heading-l\">Your account</h1>"
                       "<dl class=\"govuk-summary-list\"><div class=\"govuk-summary-list__row\"><dt "
                       "class=\"govuk-summary-list__key\">Name</dt><dd class=\"govuk-summary-list__value\">%s</dd></div>"
                       "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">Email address</dt>"
                       "<dd class=\"govuk-summary-list__value\">%s</dd></div></dl>",
              a->name, a->email);
  if (a->site_admin)
    html_printf(&r->out, "<p class=\"govuk-body\">You are a site administrator: <a class=\"govuk-link\" "
                         "href=\"/admin\">administration</a>.</p>");
  org_list(r, os, no);
  tokens_section(r, e, ts, nt, os, no, fresh);

  html_printf(&r->out, "<h2 class=\"govuk-heading-m\" id=\"details\">Change your details</h2>");
  ui_form_begin(r, "/account/name");
  ui_input(r, e, "name", "Full name", "text", "name", ui_error_for(e, "name") ? form_value(r, "name") : a->name, NULL);
  ui_form_end(r, "Change name");
  ui_form_begin(r, "/account/email");
  ui_input(r, e, "email", "New email address", "email", "email", ui_error_for(e, "email") ? form_value(r, "email") : NULL,
           "We will send a link to the new address to confirm it");
  ui_input(r, e, "email_password", "Your password", "password", "current-password", NULL, NULL);
  ui_form_end(r, "Change email address");
  ui_form_begin(r, "/account/password");
  ui_input(r, e, "current_password", "Current password", "password", "current-password", NULL, NULL);
  ui_input(r, e, "password", "New password", "password", "new-password", NULL, "At least 8 characters");
  ui_form_end(r, "Change password");

  html_printf(&r->out, "<h2 class=\"govuk-heading-m\" id=\"sessions\">Where you are signed in</h2><p class=\"govuk-body\">"
                       "You are signed in on %lld device%s or browser%s.</p>",
              (long long)sessions, sessions == 1 ? "" : "s", sessions == 1 ? "" : "s");
  ui_button_form(r, "/account/logout", "Sign out everywhere", "", "everywhere", "1", (const char *)NULL);

  html_printf(&r->out, "<h2 class=\"govuk-heading-m\" id=\"delete\">Delete your account</h2><p class=\"govuk-body\">Your "
                       "account, sessions, tokens and memberships are deleted. An organisation you are the only owner "
                       "of must get another owner first.</p>");
  ui_form_begin(r, "/account/delete");
  ui_input(r, e, "delete_password", "Your password", "password", "current-password", NULL, NULL);
  html_printf(&r->out, "<button type=\"submit\" class=\"govuk-button govuk-button--warning\">Delete my account</button></form>");
  page_end(r);
  store_organisations_free(os, no);
  store_api_tokens_free(ts, nt);
}

void page_account(Request *r) { settings(r, NULL, NULL); }

static void again(Request *r, FormErrors *e) {
  r->status = 400;
  settings(r, e, NULL);
}

/* The signed-in account with its password hash: 1, or 0 with a page set. */
static int me(Request *r, StoreAccount *acc) {
  Err err = ERR_INIT;
  Store *st = app_store_write(r);
  int rc = st ? store_account_get(st, auth_of(r)->account_id, acc, &err) : -1;
  if (rc == 1) return 1;
  if (!rc) auth_refuse(r, 403, "Sign in first.");
  else page_unavailable(r, err.msg);
  return 0;
}

/* 1 the password in field is the account's; 0 not (an error added to e);
 * ACCT_PENDING: return from the handler (it runs again once checked). */
static int password_ok(Request *r, const StoreAccount *acc, const char *field, FormErrors *e) {
  int good = acct_pw_verify(r, acc->password_hash, form_value(r, field));
  if (good == 0) ui_error(e, field, "Your password is not right");
  return good;
}

void page_account_name(Request *r) {
  FormErrors e = {0};
  char name[ACCOUNT_NAME_SIZE];
  const char *why;
  if (account_name_check(form_value(r, "name"), name, sizeof name, &why)) {
    ui_error(&e, "name", why);
    again(r, &e);
    return;
  }
  StoreAccount acc;
  if (!me(r, &acc)) return;
  Store *w = acct_begin(r);
  Err err = ERR_INIT;
  char *old = acc.name;
  acc.name = name;
  if (w && (store_account_update(w, &acc, &err) || acct_audit(r, w, 0, "account.name", acc.email, old, name, &err)))
    acct_fail(r, w, err.msg);
  else if (w && !acct_commit(r, w)) r->status = 303, r->location = "/account?done=name";
  acc.name = old;
  store_account_release(&acc);
}

void page_account_email(Request *r) {
  if (acct_heavy(r)) return;
  FormErrors e = {0};
  char email[ACCOUNT_EMAIL_SIZE];
  const char *why;
  StoreAccount acc;
  if (!me(r, &acc)) return;
  if (account_email_check(form_value(r, "email"), email, sizeof email, &why)) ui_error(&e, "email", why);
  else if (!strcmp(email, acc.email)) ui_error(&e, "email", "This is your email address already");
  if (password_ok(r, &acc, "email_password", &e) == ACCT_PENDING) {
    store_account_release(&acc);
    return;
  }
  if (e.n) {
    store_account_release(&acc);
    again(r, &e);
    return;
  }
  Store *w = app_store_write(r);
  const char *key = req_printf(r, "mail:to:%s", email);
  if (!w || acct_throttled(r, w, key, MAIL_PER_EMAIL, MAIL_WINDOW) || !(w = acct_begin(r))) {
    if (!w && r->status == 200) page_unavailable(r, NULL);
    store_account_release(&acc);
    return;
  }
  /* The link goes to the new address; the old one is told. Whether the new
   * address has an account already shows only when the link is used. */
  char tok[CRYPTO_TOKEN_LEN + 1], hash[CRYPTO_HASH_HEX + 1];
  acct_token(tok, hash);
  time_t now = app_now(r);
  Err err = ERR_INIT;
  MailText confirm = {email, "Confirm your new email address", req_printf(r, "Hello %s,", acc.name),
                      {"Confirm this address to use it for your " SERVICE " account.", NULL},
                      "Confirm your new email address", req_printf(r, "/account/verify?token=%s", tok),
                      "The link works once, for 48 hours."};
  MailText tell = {acc.email, "Your email address is being changed", req_printf(r, "Hello %s,", acc.name),
                   {req_printf(r, "Someone signed in to your " SERVICE " account asked to change its email address to %s.",
                               email),
                    NULL},
                   NULL, NULL, "If it was not you, change your password at once."};
  if (store_tokens_drop(w, acc.id, "email", now, &err) ||
      store_token_add(w, hash, acc.id, "email", email, now, now + TOKEN_VERIFY_SECONDS, &err) ||
      mail_queue(r, w, &confirm, &err) || mail_queue(r, w, &tell, &err) || store_throttle_add(w, key, now, &err) ||
      acct_audit(r, w, 0, "account.email-requested", acc.email, acc.email, email, &err))
    acct_fail(r, w, err.msg);
  else if (!acct_commit(r, w)) r->status = 303, r->location = "/account?done=email-sent";
  store_account_release(&acc);
}

void page_account_password(Request *r) {
  if (acct_heavy(r)) return;
  FormErrors e = {0};
  StoreAccount acc;
  const char *why, *pw = form_value(r, "password");
  if (!me(r, &acc)) return;
  if (password_ok(r, &acc, "current_password", &e) == ACCT_PENDING) {
    store_account_release(&acc);
    return;
  }
  if (account_password_check(pw, acc.email, &why)) ui_error(&e, "password", why);
  char hash[CRYPTO_PWHASH_MAX];
  Err err = ERR_INIT;
  if (e.n) {
    store_account_release(&acc);
    again(r, &e);
    return;
  }
  int hashed = acct_pw_hash(r, pw, hash, &err);
  if (hashed) {
    store_account_release(&acc);
    if (hashed != ACCT_PENDING) page_unavailable(r, err.msg);
    return;
  }
  Store *w = acct_begin(r);
  if (!w) {
    store_account_release(&acc);
    return;
  }
  free(acc.password_hash);
  acc.password_hash = xstrdup(hash);
  MailText tell = {acc.email, "Your password has been changed", req_printf(r, "Hello %s,", acc.name),
                   {"The password of your " SERVICE " account was changed, and every other device signed in to it "
                    "was signed out.",
                    NULL},
                   NULL, NULL, "If you did not do this, reset your password at once."};
  if (store_account_update(w, &acc, &err) || store_sessions_drop(w, acc.id, auth_of(r)->session_id, &err) ||
      store_tokens_drop(w, acc.id, "reset", app_now(r), &err) ||
      acct_audit(r, w, 0, "account.password", acc.email, NULL, NULL, &err) || mail_queue(r, w, &tell, &err))
    acct_fail(r, w, err.msg);
  else if (!acct_commit(r, w)) r->status = 303, r->location = "/account?done=password";
  store_account_release(&acc);
}

void page_account_delete(Request *r) {
  if (acct_heavy(r)) return;
  FormErrors e = {0};
  StoreAccount acc;
  if (!me(r, &acc)) return;
  int good = password_ok(r, &acc, "delete_password", &e);
  if (good != 1) {
    store_account_release(&acc);
    if (!good) again(r, &e);
    return;
  }
  Store *w = acct_begin(r);
  if (!w) {
    store_account_release(&acc);
    return;
  }
  Err err = ERR_INIT;
  StoreOrganisation *os = NULL;
  size_t n = 0;
  int rc = store_organisations_of(w, acc.id, &os, &n, &err);
  for (size_t i = 0; !rc && i < n; i++) {
    int64_t owners = 0;
    if (strcmp(os[i].role, "owner") != 0) continue;
    if ((rc = store_owner_count(w, os[i].id, &owners, &err)) == 0 && owners < 2) {
      store_rollback(w);
      ui_error(&e, "delete_password",
               req_printf(r, "You are the only owner of %s: make another member an owner first", os[i].name));
      store_organisations_free(os, n);
      store_account_release(&acc);
      again(r, &e);
      return;
    }
  }
  store_organisations_free(os, n);
  if (rc || acct_audit(r, w, 0, "account.delete", acc.email, acc.email, NULL, &err) ||
      store_account_delete(w, acc.id, &err)) {
    acct_fail(r, w, err.msg);
  } else if (!acct_commit(r, w)) {
    auth_sign_out(r);
    r->out.len = 0;
    r->status = 200;
    page_begin(r, "Your account has been deleted");
    html_printf(&r->out, "<h1 class=\"govuk-heading-l\">Your account has been deleted</h1><p class=\"govuk-body\">"
                         "<a class=\"govuk-link\" href=\"/\">Go to the home page</a></p>");
    page_end(r);
  }
  store_account_release(&acc);
}

void page_account_token_new(Request *r) {
  Auth *a = auth_of(r);
  FormErrors e = {0};
  char name[ACCOUNT_NAME_SIZE];
  const char *why;
  long long org = 0;
  Role want = ROLE_NONE, have = ROLE_NONE;
  if (account_name_check(form_value(r, "token_name"), name, sizeof name, &why))
    ui_error(&e, "token_name", "Enter a name for the token");
  Store *w = app_store_write(r);
  Err err = ERR_INIT;
  char role[16] = "";
  int member = 0;
  if (app_path_id(form_value(r, "org"), &org) == 0 && w)
    member = store_member_role(w, org, a->account_id, role, sizeof role, &err) == 1;
  if (!member) ui_error(&e, "org", "Choose one of your organisations");
  else role_parse(role, &have);
  if (role_parse(form_value(r, "role"), &want) != 0) ui_error(&e, "role", "Choose a role");
  else if (member && want > have) ui_error(&e, "role", "A token cannot have a higher role than yours");
  if (e.n) {
    again(r, &e);
    return;
  }
  char tok[CRYPTO_TOKEN_LEN + 1], hash[CRYPTO_HASH_HEX + 1];
  acct_token(tok, hash);
  if (!(w = acct_begin(r))) return;
  if (store_api_token_add(w, hash, a->account_id, org, role_name(want), name, app_now(r), NULL, &err) ||
      acct_audit(r, w, org, "token.create", name, NULL, role_name(want), &err)) {
    acct_fail(r, w, err.msg);
    return;
  }
  if (acct_commit(r, w)) return;
  NewToken fresh = {req_strdup(r, tok), req_strdup(r, name)};
  r->status = 201;
  settings(r, NULL, &fresh);
}

void page_account_token_revoke(Request *r) {
  Auth *a = auth_of(r);
  long long id = 0;
  if (app_path_id(form_value(r, "token"), &id) != 0) {
    auth_refuse(r, 404, "There is no such token.");
    return;
  }
  Store *w = acct_begin(r);
  if (!w) return;
  Err err = ERR_INIT;
  int rc = store_api_token_revoke(w, a->account_id, id, app_now(r), &err);
  if (rc == 1 && acct_audit(r, w, 0, "token.revoke", req_printf(r, "token %lld", id), NULL, NULL, &err)) rc = -1;
  if (rc < 0) {
    acct_fail(r, w, err.msg);
    return;
  }
  if (rc == 0) { /* not this account's token: nothing to say about it */
    store_rollback(w);
    auth_refuse(r, 404, "There is no such token.");
    return;
  }
  if (!acct_commit(r, w)) r->status = 303, r->location = "/account?done=revoked";
}

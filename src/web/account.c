/* account.c -- the account pages: register, confirm the email address, sign
 * in and out (everywhere), reset a forgotten password, and the settings page
 * (name, email, password, API tokens, delete). What they share with the
 * organisation and admin pages is in account.h.
 *
 * No account enumeration: registering, signing in and asking for a reset
 * answer with the same status and page whether or not the email is known (a
 * known address gets a mail saying someone tried; an unknown password check
 * spends the same time on a dummy hash). Every change writes an audit row in
 * its own transaction, with its mail. */
#include "web/account.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/crypto.h"
#include "model/account.h"
#include "store/accounts.h"
#include "web/app.h"
#include "web/auth.h"
#include "web/formui.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/mails.h"

/* ---- shared (account.h) ---- */

Store *acct_begin(Request *r) {
  Store *w = app_store_write(r);
  Err err = ERR_INIT;
  if (!w || store_begin(w, &err)) {
    page_unavailable(r, w ? err.msg : NULL);
    return NULL;
  }
  return w;
}

int acct_commit(Request *r, Store *w) {
  Err err = ERR_INIT;
  if (store_commit(w, &err)) {
    store_rollback(w);
    page_unavailable(r, err.msg);
    return -1;
  }
  app_mail_kick(r);
  return 0;
}

void acct_fail(Request *r, Store *w, const char *internal) {
  store_rollback(w);
  r->out.len = 0;
  page_unavailable(r, internal);
}

int acct_audit(Request *r, Store *w, long long org_id, const char *action, const char *subject, const char *before,
               const char *after, Err *err) {
  Auth *a = auth_of(r);
  StoreAudit au = {0,        app_now(r), a->account_id, a->email, org_id, r->client, action, subject,
                   before, after};
  return store_audit_add(w, &au, err);
}

int acct_throttled(Request *r, Store *st, const char *key, int limit, int window) {
  int64_t count = 0, oldest = 0;
  Err err = ERR_INIT;
  time_t now = app_now(r);
  if (store_throttle_count(st, key, now - window, &count, &oldest, &err)) {
    page_unavailable(r, err.msg);
    return -1;
  }
  if (count < limit) return 0;
  long wait = (long)(oldest + window - now);
  if (wait < 1) wait = 1;
  req_add_header(r, "Retry-After", req_printf(r, "%ld", wait));
  auth_refuse(r, 429,
              req_printf(r, "There have been too many attempts. Wait %ld minute%s, then try again.", (wait + 59) / 60,
                         (wait + 59) / 60 == 1 ? "" : "s"));
  return 1;
}

int acct_heavy(Request *r) {
  int rc = req_heavy_for(r, PASSWORD_WAIT_MS);
  if (rc < 0) { /* a problem response was set: make it a page */
    r->out.len = 0;
    page_unavailable(r, NULL);
  }
  return rc;
}

const char *acct_next(Request *r, const char *next) {
  if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\' || strlen(next) > 512) return "/account";
  for (const char *p = next; *p; p++)
    if ((unsigned char)*p < 0x21 || *p == 0x7f) return "/account";
  return next;
}

typedef struct {
  const char *pw, *hash; /* hash: what to verify against (NULL: a dummy) */
  size_t len;
  int verify, result;
  char out[CRYPTO_PWHASH_MAX];
  Err err;
} PwJob;

static void pw_job(void *ctx) {
  PwJob *j = ctx;
  if (!j->verify) j->result = crypto_password_hash(j->pw, j->len, j->out, &j->err);
  else if (j->hash) j->result = crypto_password_verify(j->hash, j->pw, j->len);
  else crypto_password_dummy_verify(j->pw, j->len), j->result = 0;
}

int acct_pw_hash(Request *r, const char *pw, char *out, Err *err) {
  PwJob in = {.pw = req_strdup(r, pw), .len = strlen(pw)};
  PwJob *j = req_work(r, pw_job, &in, sizeof in);
  if (!j) return ACCT_PENDING;
  if (j->result) {
    *err = j->err;
    return -1;
  }
  memcpy(out, j->out, CRYPTO_PWHASH_MAX);
  return 0;
}

int acct_pw_verify(Request *r, const char *hash, const char *pw) {
  PwJob in = {.pw = req_strdup(r, pw), .hash = hash ? req_strdup(r, hash) : NULL, .len = strlen(pw), .verify = 1};
  PwJob *j = req_work(r, pw_job, &in, sizeof in);
  return j ? j->result : ACCT_PENDING;
}

void acct_token(char *tok, char *hash) {
  crypto_token(tok);
  crypto_token_hash(tok, hash);
}

/* ---- helpers of this file ---- */

void acct_redirect(Request *r, const char *to) {
  r->status = 303;
  r->location = to;
}

const char *acct_when(Request *r, int64_t t) {
  if (!t) return "";
  char s[32];
  time_t tt = (time_t)t;
  struct tm tm;
  gmtime_r(&tt, &tm);
  strftime(s, sizeof s, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return req_strdup(r, s);
}

/* A page saying what happened, with one paragraph and an optional link. */
static void message_page(Request *r, int status, const char *title, const char *text, const char *link,
                         const char *link_text) {
  r->status = status;
  page_begin(r, title);
  html_printf(&r->out, "<h1 class=\"govuk-heading-l\">%s</h1><p class=\"govuk-body\">%s</p>", title, text);
  if (link) html_printf(&r->out, "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"%H\">%s</a></p>", link, link_text);
  page_end(r);
}

static int queue_verification(Request *r, Store *w, long long account_id, const char *email, const char *name,
                              Err *err) {
  char tok[CRYPTO_TOKEN_LEN + 1], hash[CRYPTO_HASH_HEX + 1];
  acct_token(tok, hash);
  time_t now = app_now(r);
  if (store_tokens_drop(w, account_id, "verify", now, err) ||
      store_token_add(w, hash, account_id, "verify", NULL, now, now + TOKEN_VERIFY_SECONDS, err))
    return -1;
  MailText m = {email, "Confirm your email address", req_printf(r, "Hello %s,", name),
                {"Confirm your email address to finish setting up your " SERVICE " account.", NULL},
                "Confirm your email address", req_printf(r, "/account/verify?token=%s", tok),
                "The link works once, for 48 hours. If you did not create an account, ignore this email."};
  return mail_queue(r, w, &m, err);
}

/* The write connection, when the mails to email and those asked for from
 * this client are under their limits (*ip_key, *mail_key: the throttle keys
 * to count this one under); else NULL with a 429 (or 503) page set. */
static Store *mail_allowed(Request *r, const char *email, const char **ip_key, const char **mail_key) {
  Store *w = app_store_write(r);
  if (!w) {
    page_unavailable(r, NULL);
    return NULL;
  }
  *ip_key = req_printf(r, "mail:ip:%s", r->client);
  *mail_key = req_printf(r, "mail:to:%s", email);
  if (acct_throttled(r, w, *ip_key, MAIL_PER_CLIENT, MAIL_WINDOW) ||
      acct_throttled(r, w, *mail_key, MAIL_PER_EMAIL, MAIL_WINDOW))
    return NULL;
  return w;
}

/* ---- register ---- */

static void register_form(Request *r, const FormErrors *e, const char *name, const char *email) {
  ui_page_begin(r, "Create an account", e);
  html_printf(&r->out, "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-two-thirds\">"
                       "<h1 class=\"govuk-heading-l\">Create an account</h1>"
                       "<p class=\"govuk-body\">With an account you can join or create an organisation: a buyer that "
                       "posts opportunities, or a supplier.</p>");
  ui_form_begin(r, "/account/register");
  ui_input(r, e, "name", "Full name", "text", "name", name, NULL);
  ui_input(r, e, "email", "Email address", "email", "email", email, "We will send a link to confirm it");
  ui_input(r, e, "password", "Password", "password", "new-password", NULL,
           "At least 8 characters. A few unrelated words make a strong password.");
  ui_form_end(r, "Create account");
  html_printf(&r->out, "<p class=\"govuk-body\">Already have an account? <a class=\"govuk-link\" "
                       "href=\"/account/login\">Sign in</a>.</p></div></div>");
  page_end(r);
}

void page_register(Request *r) {
  if (strcmp(r->method, "POST") != 0) {
    register_form(r, NULL, NULL, NULL);
    return;
  }
  if (acct_heavy(r)) return;
  FormErrors e = {0};
  char name[ACCOUNT_NAME_SIZE], email[ACCOUNT_EMAIL_SIZE];
  const char *why;
  const char *pw = form_value(r, "password");
  if (account_name_check(form_value(r, "name"), name, sizeof name, &why)) ui_error(&e, "name", why);
  if (account_email_check(form_value(r, "email"), email, sizeof email, &why)) ui_error(&e, "email", why);
  if (account_password_check(pw, e.n ? NULL : email, &why)) ui_error(&e, "password", why);
  if (e.n) {
    r->status = 400;
    register_form(r, &e, form_value(r, "name"), form_value(r, "email"));
    return;
  }
  const char *ip_key, *mail_key;
  Store *w = mail_allowed(r, email, &ip_key, &mail_key);
  if (!w) return;
  char hash[CRYPTO_PWHASH_MAX];
  Err err = ERR_INIT;
  int hashed = acct_pw_hash(r, pw, hash, &err); /* spent the same time for a known address too */
  if (hashed == ACCT_PENDING) return;
  if (hashed) {
    page_unavailable(r, err.msg);
    return;
  }
  if (!(w = acct_begin(r))) return;
  long long id = 0;
  time_t now = app_now(r);
  int rc = store_account_add(w, email, name, hash, now, 0, 0, &id, &err);
  if (rc == 0) {
    Auth *a = auth_of(r);
    a->email = email; /* the audit row's actor: the new account itself */
    a->account_id = id;
    rc = queue_verification(r, w, id, email, name, &err) ? -1
         : acct_audit(r, w, 0, "account.register", email, NULL, name, &err);
    a->account_id = 0;
    a->email = NULL;
  } else if (rc == STORE_EXISTS) { /* tell the owner of the address, and nobody else */
    MailText m = {email, "Someone tried to create an account with your email address", NULL,
                  {"Someone, perhaps you, tried to create a " SERVICE " account with this email address. "
                   "It already has an account.",
                   NULL},
                  "Sign in, or reset your password", "/account/login",
                  "If it was not you, you do not need to do anything."};
    rc = mail_queue(r, w, &m, &err);
  }
  if (rc == 0) rc = store_throttle_add(w, ip_key, now, &err) || store_throttle_add(w, mail_key, now, &err);
  if (rc) {
    acct_fail(r, w, err.msg);
    return;
  }
  if (acct_commit(r, w)) return;
  message_page(r, 200, "Check your email",
               req_printf(r, "We have sent an email to %s. Follow the link in it to confirm your address, then sign in. "
                             "The link works for 48 hours.",
                          email),
               "/account/login", "Sign in");
}

/* ---- confirm an email address (/account/verify) ---- */

void page_verify(Request *r) {
  Auth *a = auth_of(r);
  if (strcmp(r->method, "POST") != 0) {
    const char *tok = req_param(r, "token");
    page_begin(r, "Confirm your email address");
    html_printf(&r->out, "<h1 class=\"govuk-heading-l\">Confirm your email address</h1>");
    if (!tok || !*tok) {
      html_printf(&r->out, "<p class=\"govuk-body\">Open the link in the email we sent you.</p>");
    } else {
      ui_form_begin(r, "/account/verify");
      ui_hidden(r, "token", tok);
      ui_form_end(r, "Confirm my email address");
    }
    page_end(r);
    return;
  }
  char hash[CRYPTO_HASH_HEX + 1];
  crypto_token_hash(form_value(r, "token"), hash);
  Store *w = acct_begin(r);
  if (!w) return;
  Err err = ERR_INIT;
  long long id = 0;
  char *data = NULL;
  time_t now = app_now(r);
  int rc = store_token_take(w, hash, "verify", now, &id, NULL, &err);
  const char *purpose = "verify";
  if (rc == 0) rc = store_token_take(w, hash, "email", now, &id, &data, &err), purpose = "email";
  StoreAccount acc = {0};
  if (rc == 1) rc = store_account_get(w, id, &acc, &err);
  if (rc < 0) {
    free(data);
    acct_fail(r, w, err.msg);
    return;
  }
  if (rc == 0 || acc.disabled_at) {
    store_rollback(w);
    free(data);
    store_account_release(&acc);
    message_page(r, 400, "This link has expired",
                 "The link has been used already, or it is more than 48 hours old. Sign in to get a new one.",
                 "/account/login", "Sign in");
    return;
  }
  char *old = xstrdup(acc.email);
  int changed_email = !strcmp(purpose, "email") && data;
  if (changed_email) {
    free(acc.email);
    acc.email = data;
    data = NULL;
  }
  if (!acc.verified_at) acc.verified_at = now;
  rc = store_account_update(w, &acc, &err);
  if (rc == STORE_EXISTS) {
    store_rollback(w);
    message_page(r, 400, "This email address is taken", "Another account has this email address now.", "/account",
                 "Your account");
    goto out;
  }
  a->account_id = a->account_id ? a->account_id : acc.id;
  a->email = a->email ? a->email : acc.email;
  if (rc || acct_audit(r, w, 0, changed_email ? "account.email" : "account.verify", acc.email,
                       changed_email ? old : NULL, changed_email ? acc.email : "verified", &err)) {
    acct_fail(r, w, err.msg);
    goto out;
  }
  if (acct_commit(r, w)) goto out;
  if (auth_of(r)->session_id) acct_redirect(r, "/account?done=email");
  else acct_redirect(r, "/account/login?done=verified");
out:
  free(old);
  free(data);
  store_account_release(&acc);
}

/* ---- sign in ---- */

static void login_form(Request *r, const FormErrors *e, const char *email, const char *next) {
  ui_page_begin(r, "Sign in", e);
  html_printf(&r->out, "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-two-thirds\">");
  const char *done = req_param(r, "done");
  if (done && !strcmp(done, "verified")) ui_success(r, "Your email address is confirmed. Sign in to continue.");
  if (done && !strcmp(done, "reset")) ui_success(r, "Your password has been changed. Sign in with your new password.");
  if (done && !strcmp(done, "out")) ui_success(r, "You have signed out.");
  html_printf(&r->out, "<h1 class=\"govuk-heading-l\">Sign in</h1>");
  ui_form_begin(r, "/account/login");
  if (next && *next) ui_hidden(r, "next", next);
  ui_input(r, e, "email", "Email address", "email", "email", email, NULL);
  ui_input(r, e, "password", "Password", "password", "current-password", NULL, NULL);
  ui_form_end(r, "Sign in");
  html_printf(&r->out, "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/account/reset\">Forgotten your "
                       "password?</a></p><p class=\"govuk-body\">New here? <a class=\"govuk-link\" "
                       "href=\"/account/register\">Create an account</a>.</p></div></div>");
  page_end(r);
}

void page_login(Request *r) {
  Auth *a = auth_of(r);
  if (strcmp(r->method, "POST") != 0) {
    if (a->account_id) {
      acct_redirect(r, acct_next(r, req_param(r, "next")));
      return;
    }
    login_form(r, NULL, NULL, req_param(r, "next"));
    return;
  }
  if (acct_heavy(r)) return;
  const char *pw = form_value(r, "password"), *next = form_value(r, "next");
  char email[ACCOUNT_EMAIL_SIZE];
  const char *why;
  FormErrors e = {0};
  if (account_email_check(form_value(r, "email"), email, sizeof email, &why)) snprintf(email, sizeof email, "%s", "");
  Store *w = app_store_write(r);
  if (!w) {
    page_unavailable(r, NULL);
    return;
  }
  const char *acct_key = req_printf(r, "login:to:%s", email), *ip_key = req_printf(r, "login:ip:%s", r->client);
  if (acct_throttled(r, w, acct_key, LOGIN_FAILURES, LOGIN_WINDOW) ||
      acct_throttled(r, w, ip_key, LOGIN_FAILURES * 4, LOGIN_WINDOW))
    return;
  StoreAccount acc = {0};
  Err err = ERR_INIT;
  int found = *email ? store_account_by_email(w, email, &acc, &err) : 0;
  if (found < 0) {
    page_unavailable(r, err.msg);
    return;
  }
  size_t pwlen = strlen(pw);
  int good = acct_pw_verify(r, found ? acc.password_hash : NULL, pw);
  if (good == ACCT_PENDING) {
    store_account_release(&acc);
    return;
  }
  if (!good || acc.disabled_at) {
    time_t now = app_now(r);
    if (store_throttle_add(w, acct_key, now, &err) || store_throttle_add(w, ip_key, now, &err)) {
      store_account_release(&acc);
      page_unavailable(r, err.msg);
      return;
    }
    store_account_release(&acc);
    ui_error(&e, "email", "Enter a correct email address and password");
    r->status = 400;
    login_form(r, &e, form_value(r, "email"), next);
    return;
  }
  if (!acc.verified_at) { /* the password is right: only its owner learns the account exists */
    const char *key = req_printf(r, "mail:to:%s", email);
    int limited = 0;
    int64_t count = 0;
    store_throttle_count(w, key, app_now(r) - MAIL_WINDOW, &count, NULL, &err);
    limited = count >= MAIL_PER_EMAIL;
    if (!limited && (w = acct_begin(r))) {
      if (queue_verification(r, w, acc.id, acc.email, acc.name, &err) || store_throttle_add(w, key, app_now(r), &err))
        acct_fail(r, w, err.msg);
      else acct_commit(r, w);
    }
    if (r->status == 200 || r->status == 0)
      message_page(r, 403, "Confirm your email address first",
                   limited ? "Your email address is not confirmed yet. Open the link in the email we sent you."
                           : "Your email address is not confirmed yet. We have sent you a new link: open it, then sign in.",
                   NULL, NULL);
    store_account_release(&acc);
    return;
  }
  if (!(w = acct_begin(r))) {
    store_account_release(&acc);
    return;
  }
  time_t now = app_now(r);
  int rc = store_throttle_clear(w, acct_key, &err);
  /* a sign-in is rare enough to tidy up after the ended sessions, old
   * throttling events and expired tokens of everybody */
  if (!rc) rc = store_accounts_tidy(w, now - AUTH_IDLE_SECONDS, now - AUTH_ABSOLUTE_SECONDS, now - 86400, &err);
  if (!rc && crypto_password_needs_rehash(acc.password_hash)) { /* parameters moved on: hash again */
    char hash[CRYPTO_PWHASH_MAX];
    if (crypto_password_hash(pw, pwlen, hash, &err) == 0) {
      free(acc.password_hash);
      acc.password_hash = xstrdup(hash);
      rc = store_account_update(w, &acc, &err);
    }
  }
  if (!rc) rc = auth_sign_in(r, acc.id, &err);
  a->email = req_strdup(r, acc.email);
  if (!rc) rc = acct_audit(r, w, 0, "account.signin", acc.email, NULL, NULL, &err);
  store_account_release(&acc);
  if (rc) {
    acct_fail(r, w, err.msg);
    return;
  }
  if (acct_commit(r, w)) return;
  acct_redirect(r, acct_next(r, next));
}

/* ---- sign out ---- */

void page_logout(Request *r) {
  Auth *a = auth_of(r);
  int everywhere = !strcmp(form_value(r, "everywhere"), "1");
  if (a->account_id) {
    Store *w = acct_begin(r);
    if (!w) return;
    Err err = ERR_INIT;
    if ((everywhere && store_sessions_drop(w, a->account_id, 0, &err)) ||
        acct_audit(r, w, 0, everywhere ? "account.signout-everywhere" : "account.signout", a->email, NULL, NULL, &err)) {
      acct_fail(r, w, err.msg);
      return;
    }
    if (acct_commit(r, w)) return;
  }
  auth_sign_out(r);
  acct_redirect(r, "/account/login?done=out");
}

/* ---- reset a forgotten password ---- */

static void reset_request_form(Request *r, const FormErrors *e, const char *email) {
  ui_page_begin(r, "Reset your password", e);
  html_printf(&r->out, "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-two-thirds\">"
                       "<h1 class=\"govuk-heading-l\">Reset your password</h1><p class=\"govuk-body\">Enter the email "
                       "address of your account. We will send you a link to choose a new password.</p>");
  ui_form_begin(r, "/account/reset");
  ui_input(r, e, "email", "Email address", "email", "email", email, NULL);
  ui_form_end(r, "Send the link");
  html_printf(&r->out, "</div></div>");
  page_end(r);
}

static void reset_password_form(Request *r, const FormErrors *e, const char *tok) {
  ui_page_begin(r, "Choose a new password", e);
  html_printf(&r->out, "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-two-thirds\">"
                       "<h1 class=\"govuk-heading-l\">Choose a new password</h1>");
  ui_form_begin(r, "/account/reset");
  ui_hidden(r, "token", tok);
  ui_input(r, e, "password", "New password", "password", "new-password", NULL, "At least 8 characters");
  ui_form_end(r, "Change password");
  html_printf(&r->out, "</div></div>");
  page_end(r);
}

static void reset_expired(Request *r) {
  message_page(r, 400, "This link has expired",
               "The link has been used already, or it is more than an hour old.", "/account/reset",
               "Ask for a new link");
}

static void reset_with_token(Request *r, const char *tok) {
  char hash[CRYPTO_HASH_HEX + 1];
  crypto_token_hash(tok, hash);
  const char *pw = form_value(r, "password"), *why;
  Err err = ERR_INIT;
  long long id = 0;
  Store *w = app_store_write(r);
  if (!w) {
    page_unavailable(r, NULL);
    return;
  }
  int rc = store_token_peek(w, hash, "reset", app_now(r), &id, &err);
  StoreAccount acc = {0};
  if (rc == 1) rc = store_account_get(w, id, &acc, &err);
  if (rc < 0) {
    page_unavailable(r, err.msg);
    return;
  }
  if (rc == 0) {
    reset_expired(r);
    return;
  }
  FormErrors e = {0};
  if (account_password_check(pw, acc.email, &why)) {
    ui_error(&e, "password", why);
    r->status = 400;
    reset_password_form(r, &e, tok);
    store_account_release(&acc);
    return;
  }
  char pwhash[CRYPTO_PWHASH_MAX];
  int hashed = acct_pw_hash(r, pw, pwhash, &err);
  if (hashed == ACCT_PENDING || hashed || !(w = acct_begin(r))) {
    if (hashed && hashed != ACCT_PENDING) page_unavailable(r, err.msg);
    store_account_release(&acc);
    return;
  }
  time_t now = app_now(r);
  rc = store_token_take(w, hash, "reset", now, NULL, NULL, &err);
  if (rc == 0) { /* used by a request racing this one */
    store_rollback(w);
    store_account_release(&acc);
    reset_expired(r);
    return;
  }
  free(acc.password_hash);
  acc.password_hash = xstrdup(pwhash);
  if (!acc.verified_at) acc.verified_at = now; /* the link reached the address */
  Auth *a = auth_of(r);
  a->account_id = acc.id;
  a->email = req_strdup(r, acc.email);
  MailText m = {acc.email, "Your password has been changed", req_printf(r, "Hello %s,", acc.name),
                {"The password of your " SERVICE " account was changed, and every device signed in to it was "
                 "signed out.",
                 NULL},
                NULL, NULL, "If you did not do this, reset your password at once and tell us."};
  if (rc < 0 || store_account_update(w, &acc, &err) || store_sessions_drop(w, acc.id, 0, &err) ||
      store_tokens_drop(w, acc.id, "reset", now, &err) ||
      acct_audit(r, w, 0, "account.password-reset", acc.email, NULL, NULL, &err) || mail_queue(r, w, &m, &err)) {
    store_account_release(&acc);
    acct_fail(r, w, err.msg);
    return;
  }
  store_account_release(&acc);
  if (acct_commit(r, w)) return;
  auth_sign_out(r);
  acct_redirect(r, "/account/login?done=reset");
}

void page_reset(Request *r) {
  int post = strcmp(r->method, "POST") == 0;
  const char *tok = post ? form_value(r, "token") : req_param(r, "token");
  if (!post) {
    if (!tok || !*tok) {
      reset_request_form(r, NULL, NULL);
      return;
    }
    char hash[CRYPTO_HASH_HEX + 1];
    crypto_token_hash(tok, hash);
    Err err = ERR_INIT;
    Store *st = app_store(r);
    int rc = st ? store_token_peek(st, hash, "reset", app_now(r), NULL, &err) : -1;
    if (rc < 0) page_unavailable(r, err.msg);
    else if (rc == 0) reset_expired(r);
    else reset_password_form(r, NULL, tok);
    return;
  }
  if (acct_heavy(r)) return;
  if (*tok) {
    reset_with_token(r, tok);
    return;
  }
  char email[ACCOUNT_EMAIL_SIZE];
  const char *why;
  FormErrors e = {0};
  if (account_email_check(form_value(r, "email"), email, sizeof email, &why)) {
    ui_error(&e, "email", why);
    r->status = 400;
    reset_request_form(r, &e, form_value(r, "email"));
    return;
  }
  const char *ip_key, *mail_key;
  Store *w = mail_allowed(r, email, &ip_key, &mail_key);
  if (!w) return;
  if (!(w = acct_begin(r))) return;
  StoreAccount acc = {0};
  Err err = ERR_INIT;
  time_t now = app_now(r);
  int rc = store_account_by_email(w, email, &acc, &err);
  if (rc == 1 && !acc.disabled_at) {
    char tok2[CRYPTO_TOKEN_LEN + 1], hash[CRYPTO_HASH_HEX + 1];
    acct_token(tok2, hash);
    MailText m = {acc.email, "Reset your password", req_printf(r, "Hello %s,", acc.name),
                  {"Someone, perhaps you, asked to reset the password of your " SERVICE " account.", NULL},
                  "Choose a new password", req_printf(r, "/account/reset?token=%s", tok2),
                  "The link works once, for 1 hour. If you did not ask for this, ignore this email: your password "
                  "stays as it is."};
    rc = store_tokens_drop(w, acc.id, "reset", now, &err) ||
                 store_token_add(w, hash, acc.id, "reset", NULL, now, now + TOKEN_RESET_SECONDS, &err) ||
                 mail_queue(r, w, &m, &err)
             ? -1
             : 0;
  }
  store_account_release(&acc);
  if (rc >= 0) rc = store_throttle_add(w, ip_key, now, &err) || store_throttle_add(w, mail_key, now, &err) ? -1 : 0;
  if (rc < 0) {
    acct_fail(r, w, err.msg);
    return;
  }
  if (acct_commit(r, w)) return;
  message_page(r, 200, "Check your email",
               req_printf(r, "If %s has an account, we have sent it a link to choose a new password. The link works "
                             "for 1 hour.",
                          email),
               "/account/login", "Sign in");
}

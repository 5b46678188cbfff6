/* auth.c -- sessions, CSRF tokens, API tokens and the route flags that need
 * them (auth.h). Runs as the server's before hook: a route without any of
 * the application's flags costs one allocation and nothing else. */
#include "web/auth.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/crypto.h"
#include "base/url.h"
#include "store/accounts.h"
#include "web/app.h"
#include "web/html.h"
#include "web/layout.h"

#define SESSION_COOKIE "ph_session"
#define PRE_COOKIE "ph_form" /* a visitor's pre-session: what their forms' CSRF token is made from */

/* ---- the CSRF key: the store's "csrf" secret, read once per process ---- */

static pthread_mutex_t key_mu = PTHREAD_MUTEX_INITIALIZER;
static unsigned char csrf_key[32];
static atomic_int key_loaded;

static int load_key(Request *r) {
  if (atomic_load(&key_loaded)) return 0;
  Store *st = app_store(r);
  if (!st) return -1;
  pthread_mutex_lock(&key_mu);
  int rc = 0;
  if (!atomic_load(&key_loaded)) {
    Err err = ERR_INIT;
    if (store_secret(st, "csrf", csrf_key, sizeof csrf_key, &err) == 0) atomic_store(&key_loaded, 1);
    else rc = -1, req_log_error(r, "%s", err.msg);
  }
  pthread_mutex_unlock(&key_mu);
  return rc;
}

/* The CSRF token of a cookie value: HMAC(key, kind ":" value). */
static const char *csrf_of(Request *r, char kind, const char *value) {
  char *out = req_alloc(r, CRYPTO_TOKEN_LEN + 1);
  const char *msg = req_printf(r, "%c:%s", kind, value);
  crypto_mac(csrf_key, sizeof csrf_key, msg, out);
  return out;
}

/* ---- cookies ---- */

int auth_secure(Request *r) {
  const char *base = app_base_url(r);
  return strncmp(base, "https://", 8) == 0;
}

static const char *cookie_name(Request *r, const char *name) {
  return auth_secure(r) ? req_printf(r, "__Host-%s", name) : name;
}

/* A cookie's value when it has the shape of our tokens, else NULL. */
static const char *cookie_token(Request *r, const char *name) {
  const char *h = req_header(r, "Cookie");
  char v[CRYPTO_TOKEN_LEN + 2];
  if (!h || cookie_get(h, cookie_name(r, name), v, sizeof v) != 1 || strlen(v) != CRYPTO_TOKEN_LEN) return NULL;
  return req_strdup(r, v);
}

static void set_cookie(Request *r, const char *name, const char *value, long max_age) {
  Buf b = BUF_INIT;
  if (cookie_format(&b, cookie_name(r, name), value, max_age, auth_secure(r)) == 0)
    req_add_header(r, "Set-Cookie", b.data);
  buf_release(&b);
}

/* ---- answers ---- */

static int is_api(Request *r) { return r->path && strncmp(r->path, APP_API_PREFIX, strlen(APP_API_PREFIX)) == 0; }

void auth_refuse(Request *r, int status, const char *why) {
  static const struct {
    int status;
    const char *title;
  } titles[] = {{400, "Sorry, the form could not be read"},
                {401, "Sign in to use this"},
                {403, "You cannot do that"},
                {404, "Page not found"},
                {429, "Too many attempts"}};
  const char *title = "Sorry, there is a problem";
  for (size_t i = 0; i < sizeof titles / sizeof *titles; i++)
    if (titles[i].status == status) title = titles[i].title;
  r->status = status;
  r->out.len = 0;
  r->cache_control = "no-store";
  if (is_api(r)) {
    req_problem(r, status, title, why);
    return;
  }
  r->content_type = NULL;
  page_begin(r, title);
  html_printf(&r->out, "<h1 class=\"govuk-heading-l\">%s</h1><p class=\"govuk-body\">%s</p>\n", title, why);
  page_end(r);
}

static int refuse(Request *r, int status, const char *why) {
  auth_refuse(r, status, why);
  return 1;
}

/* ---- the request's Auth ---- */

Auth *auth_of(Request *r) {
  if (!r->app_req) r->app_req = req_alloc(r, sizeof(Auth)), memset(r->app_req, 0, sizeof(Auth));
  return r->app_req;
}

const char *form_value(Request *r, const char *name) {
  Auth *a = auth_of(r);
  const char *v = a->form ? form_get(a->form, a->n_form, name) : NULL;
  return v ? v : "";
}

#define AUTH_MAX_PARTS 16          /* parts of a multipart/form-data body */
#define AUTH_MAX_FIELD (64u << 10) /* a multipart body's field that is not a file */

/* A multipart/form-data body: its parts, and those that are not files as
 * the form's fields. */
static int parse_multipart(Request *r, Auth *a, const char *ct) {
  char boundary[MULTIPART_BOUNDARY_MAX + 1];
  MultipartPart *parts = req_alloc(r, AUTH_MAX_PARTS * sizeof *parts);
  size_t n = 0;
  const char *why = NULL;
  if (multipart_boundary(ct, boundary, sizeof boundary) < 0 ||
      multipart_parse(r->body, r->body_len, boundary, parts, AUTH_MAX_PARTS, &n, &why) != 0)
    return -1;
  a->parts = parts;
  a->n_parts = n;
  a->form = req_alloc(r, (n ? n : 1) * sizeof *a->form);
  for (size_t i = 0; i < n; i++) {
    if (parts[i].is_file) continue;
    if (parts[i].size > AUTH_MAX_FIELD || memchr(parts[i].data, 0, parts[i].size)) return -1;
    char *v = req_alloc(r, parts[i].size + 1);
    memcpy(v, parts[i].data, parts[i].size);
    v[parts[i].size] = 0;
    a->form[a->n_form].name = req_strdup(r, parts[i].name);
    a->form[a->n_form].value = v;
    a->n_form++;
  }
  return 0;
}

/* The POST body as a form, copied into the request's memory. */
static int parse_form(Request *r, Auth *a) {
  const char *ct = req_header(r, "Content-Type");
  if (ct && !strncasecmp(ct, "multipart/form-data", 19)) return parse_multipart(r, a, ct);
  FormField *f = NULL;
  size_t n = 0;
  const char *why = NULL;
  if (form_parse(r->body, r->body_len, &f, &n, &why) != 0) return -1;
  a->form = req_alloc(r, (n ? n : 1) * sizeof *a->form);
  for (size_t i = 0; i < n; i++) {
    a->form[i].name = req_strdup(r, f[i].name);
    a->form[i].value = req_strdup(r, f[i].value);
  }
  a->n_form = n;
  free(f);
  return 0;
}

static void take_account(Request *r, Auth *a, const StoreAccount *acc) {
  a->account_id = acc->id;
  a->email = req_strdup(r, acc->email ? acc->email : "");
  a->name = req_strdup(r, acc->name ? acc->name : "");
  a->site_admin = acc->site_admin;
  a->verified = acc->verified_at != 0;
}

/* A bearer token: 1 signed in by it, 0 none given, -1 answered (401). */
static int bearer(Request *r, Auth *a) {
  const char *h = req_header(r, "Authorization");
  if (!h) return 0;
  if (strncasecmp(h, "Bearer ", 7) != 0) return 0;
  const char *tok = h + 7;
  while (*tok == ' ') tok++;
  Store *st = app_store(r);
  if (!st) {
    req_unavailable(r, NULL);
    return -1;
  }
  char hash[CRYPTO_HASH_HEX + 1];
  crypto_token_hash(tok, hash);
  StoreApiToken t;
  StoreAccount acc;
  Err err = ERR_INIT;
  int rc = store_api_token_get(st, hash, &t, &err);
  if (rc < 0) {
    req_unavailable(r, err.msg);
    return -1;
  }
  if (rc == 0 || store_account_get(st, t.account_id, &acc, &err) != 1) {
    if (rc) store_api_token_release(&t);
    req_add_header(r, "WWW-Authenticate", "Bearer error=\"invalid_token\"");
    refuse(r, 401, "The API token is not valid: it may have been revoked, or its account left the organisation.");
    return -1;
  }
  take_account(r, a, &acc);
  a->token_id = t.id;
  a->org_id = t.org_id;
  role_parse(t.role, &a->role);
  time_t now = app_now(r);
  if (now - t.last_used_at >= AUTH_TOUCH_SECONDS) {
    Store *w = app_store_write(r);
    if (w) store_api_token_used(w, t.id, now, &err);
  }
  store_api_token_release(&t);
  store_account_release(&acc);
  return 1;
}

/* The session the browser brought, if it is still good: fills a. */
static int session(Request *r, Auth *a, const char *token) {
  Store *st = app_store(r);
  if (!st) return -1;
  char hash[CRYPTO_HASH_HEX + 1];
  crypto_token_hash(token, hash);
  StoreSession s;
  Err err = ERR_INIT;
  int rc = store_session_get(st, hash, &s, &err);
  if (rc < 0) {
    req_log_error(r, "%s", err.msg);
    return -1;
  }
  if (rc == 0) {
    set_cookie(r, SESSION_COOKIE, "", 0); /* a cookie of a session that ended: forget it */
    return 0;
  }
  time_t now = app_now(r);
  int dead = now - s.seen_at >= AUTH_IDLE_SECONDS || now - s.created_at >= AUTH_ABSOLUTE_SECONDS ||
             s.account.disabled_at != 0;
  Store *w = (dead || now - s.seen_at >= AUTH_TOUCH_SECONDS) ? app_store_write(r) : NULL;
  if (dead) {
    if (w) store_session_drop(w, s.id, &err);
    set_cookie(r, SESSION_COOKIE, "", 0);
    store_session_release(&s);
    return 0;
  }
  if (w) store_session_touch(w, s.id, now, &err);
  take_account(r, a, &s.account);
  a->session_id = s.id;
  store_session_release(&s);
  return 1;
}

int auth_before(Request *r) {
  unsigned f = r->route_flags;
  if (!(f & (ROUTE_SESSION | ROUTE_AUTH | ROUTE_CSRF | ROUTE_SITE_ADMIN | ROUTE_ORG_ANY | ROUTE_TOKEN))) return 0;
  r->app_req = NULL; /* a request run again after waiting for a heavy slot starts afresh */
  Auth *a = auth_of(r);
  int post = strcmp(r->method, "POST") == 0;
  /* an API route for tokens alone: its body is the handler's (JSON), and no
   * cookie is looked at, so no other site can make a browser post to it */
  int token_only = (f & ROUTE_TOKEN) && !(f & (ROUTE_SESSION | ROUTE_CSRF));
  if (post && !token_only && parse_form(r, a) != 0)
    return refuse(r, 400, "The form sent could not be read. Go back, reload the page and try again.");
  int by_token = 0;
  if (f & ROUTE_TOKEN) {
    by_token = bearer(r, a);
    if (by_token < 0) return 1;
  }
  if (token_only && !by_token && (post || (f & ROUTE_AUTH))) {
    req_add_header(r, "WWW-Authenticate", "Bearer");
    return refuse(r, 401, "Send an API token: Authorization: Bearer TOKEN (made on your account page).");
  }
  if (!by_token && !token_only) {
    if (load_key(r) != 0) {
      page_unavailable(r, NULL);
      return 1;
    }
    const char *tok = cookie_token(r, SESSION_COOKIE);
    if (tok && session(r, a, tok) < 0) {
      page_unavailable(r, NULL);
      return 1;
    }
    if (a->session_id) {
      a->csrf = csrf_of(r, 's', tok);
    } else if (f & (ROUTE_CSRF | ROUTE_SESSION)) {
      const char *pre = cookie_token(r, PRE_COOKIE);
      if (!pre && !post) { /* a form is about to be shown: give it a pre-session */
        char *fresh = req_alloc(r, CRYPTO_TOKEN_LEN + 1);
        crypto_token(fresh);
        set_cookie(r, PRE_COOKIE, fresh, -1);
        pre = fresh;
      }
      if (pre) a->csrf = csrf_of(r, 'p', pre);
    }
    if (post && (f & ROUTE_CSRF) && (!a->csrf || !crypto_equal(form_value(r, "csrf"), a->csrf)))
      return refuse(r, 403,
                    "This form has expired or was not sent from this site. Go back, reload the page and try again.");
  }
  if ((f & (ROUTE_AUTH | ROUTE_SITE_ADMIN | ROUTE_ORG_ANY)) && !a->account_id) {
    if (post || is_api(r)) return refuse(r, post ? 403 : 401, "Sign in first.");
    Buf next = BUF_INIT;
    buf_adds(&next, "/account/login?");
    url_query_add(&next, "next", r->path);
    r->status = 303;
    r->location = req_strdup(r, next.data);
    buf_release(&next);
    return 1;
  }
  if ((f & ROUTE_SITE_ADMIN) && !a->site_admin) return refuse(r, 403, "Only site administrators can use this page.");
  if (f & ROUTE_ORG_ANY) {
    long long id;
    if (app_path_id(r->capture, &id) != 0) return refuse(r, 404, "There is no such organisation.");
    if (a->token_id) {
      if (a->org_id != id) return refuse(r, 404, "There is no such organisation.");
    } else {
      char role[16];
      Err err = ERR_INIT;
      Store *st = app_store(r);
      int rc = st ? store_member_role(st, id, a->account_id, role, sizeof role, &err) : -1;
      if (rc < 0) {
        page_unavailable(r, err.msg);
        return 1;
      }
      a->org_id = id;
      a->role = ROLE_NONE;
      if (rc == 1) role_parse(role, &a->role);
      /* a site admin may look at any organisation, and change none of it */
      if (a->role == ROLE_NONE && !(a->site_admin && !post && (f & ROUTE_ORG_MEMBER)))
        return refuse(r, 404, "There is no such organisation.");
    }
    Role need = (f & ROUTE_ORG_OWNER) ? ROLE_OWNER : (f & ROUTE_ORG_ADMIN) ? ROLE_ADMIN : ROLE_MEMBER;
    if (a->role < need && !(a->role == ROLE_NONE && a->site_admin && !post))
      return refuse(r, 403, need == ROLE_OWNER ? "Only the organisation's owners can do that."
                                               : "Only the organisation's owners and admins can do that.");
  }
  return 0;
}

int auth_sign_in(Request *r, long long account_id, Err *err) {
  Auth *a = auth_of(r);
  Store *w = app_store_write(r);
  if (!w) return err_set(err, ERR_DB, "no database connection");
  if (a->session_id) store_session_drop(w, a->session_id, err); /* never carry a session across a sign-in */
  char tok[CRYPTO_TOKEN_LEN + 1], hash[CRYPTO_HASH_HEX + 1];
  crypto_token(tok);
  crypto_token_hash(tok, hash);
  long long id = 0;
  int rc = store_session_add(w, hash, account_id, app_now(r), r->client, &id, err);
  if (rc) return rc;
  set_cookie(r, SESSION_COOKIE, tok, AUTH_ABSOLUTE_SECONDS);
  set_cookie(r, PRE_COOKIE, "", 0);
  a->session_id = id;
  a->account_id = account_id;
  a->csrf = csrf_of(r, 's', tok);
  return 0;
}

void auth_sign_out(Request *r) {
  Auth *a = auth_of(r);
  Err err = ERR_INIT;
  Store *w = app_store_write(r);
  if (a->session_id && w && store_session_drop(w, a->session_id, &err)) req_log_error(r, "%s", err.msg);
  set_cookie(r, SESSION_COOKIE, "", 0);
  a->session_id = a->account_id = 0;
  a->csrf = NULL;
}

/* app.c -- routes, shared state and per-thread store connections.
 *
 * A thread whose store cannot be opened answers 503 and tries again on a
 * later request (at most once a second), so the service comes back by itself
 * when the database does. */
#include "web/app.h"
#include "web/account.h"

#include <ctype.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/num.h"
#include "store/search.h"
#include "web/auth.h"

/* A page with forms (a session if there is one, a CSRF token for its forms),
 * and a POST from one (CSRF checked; it writes). */
#define PAGE_FORM ROUTE_SESSION
#define PAGE_POST (ROUTE_SESSION | ROUTE_CSRF | ROUTE_WRITE)
#define API_POST (ROUTE_TOKEN | ROUTE_AUTH | ROUTE_WRITE)

/* Heavy routes (bulk downloads) run under the server's heavy semaphore;
 * /notices/{ocid}.ocds.json and /notices/{ocid}/ocds.json, under the page
 * route (an exact stored ocid is a page), take a slot themselves. */
static const Route routes[] = {
    {"GET", "/", page_home, 0},
    {"GET", "/notices", page_notices, 0},
    {"GET", "/notices/*/documents", page_documents, PAGE_FORM | ROUTE_AUTH},
    {"POST", "/notices/*/documents", page_documents_post, PAGE_POST | ROUTE_AUTH | ROUTE_UPLOAD},
    {"GET", "/documents/*", page_document, 0},
    {"GET", "/notices/*/interest", page_interest, PAGE_FORM | ROUTE_AUTH},
    {"POST", "/notices/*/interest", page_interest_post, PAGE_POST | ROUTE_AUTH},
    /* questions and answers (questions.c) */
    {"GET", "/notices/*/questions", page_question_ask, PAGE_FORM | ROUTE_AUTH},
    {"POST", "/notices/*/questions", page_question_ask, PAGE_POST | ROUTE_AUTH},
    {"GET", "/organisations/*/questions", page_org_questions, PAGE_FORM | ROUTE_ORG_MEMBER},
    {"GET", "/organisations/*/questions/answer", page_org_answer, PAGE_FORM | ROUTE_ORG_MEMBER},
    {"POST", "/organisations/*/questions/answer", page_org_answer, PAGE_POST | ROUTE_ORG_MEMBER},
    {"GET", "/notices/*", page_notice, 0},
    {"GET", "/buyers/*", page_buyer, 0},
    {"GET", "/cpv", page_cpv, 0},
    {"GET", "/api/v1/notices", api_notices, 0},
    {"GET", "/api/v1/notices.ocds.json", api_notices_ocds, ROUTE_HEAVY},
    {"GET", "/api/v1/notices.csv", api_notices_csv, ROUTE_HEAVY},
    {"GET", "/api/v1/notices/*", api_notice, 0},
    {"GET", "/api/v1/buyers/*", api_buyer, 0},
    {"GET", "/api/v1/openapi.json", api_openapi, 0},
    {"GET", "/about", page_about, 0},
    {"GET", "/api", page_api, 0},
    {"GET", "/accessibility", page_accessibility, 0},
    {"GET", "/privacy", page_privacy, 0},
    {"GET", "/robots.txt", site_robots, 0},
    {"GET", "/favicon.ico", site_favicon_ico, 0},
    {"GET", "/favicon.svg", site_favicon_svg, 0},
    /* accounts, organisations, administration: their flags (auth.h) are
     * enforced by auth_before; every POST carries a CSRF token */
    {"GET", "/account/register", page_register, PAGE_FORM},
    {"POST", "/account/register", page_register, PAGE_POST},
    {"GET", "/account/login", page_login, PAGE_FORM},
    {"POST", "/account/login", page_login, PAGE_POST},
    {"POST", "/account/logout", page_logout, PAGE_POST},
    {"GET", "/account/verify", page_verify, PAGE_FORM},
    {"POST", "/account/verify", page_verify, PAGE_POST},
    {"GET", "/account/reset", page_reset, PAGE_FORM},
    {"POST", "/account/reset", page_reset, PAGE_POST},
    {"GET", "/account", page_account, PAGE_FORM | ROUTE_AUTH},
    {"POST", "/account/name", page_account_name, PAGE_POST | ROUTE_AUTH},
    {"POST", "/account/email", page_account_email, PAGE_POST | ROUTE_AUTH},
    {"POST", "/account/password", page_account_password, PAGE_POST | ROUTE_AUTH},
    {"POST", "/account/delete", page_account_delete, PAGE_POST | ROUTE_AUTH},
    {"POST", "/account/tokens", page_account_token_new, PAGE_POST | ROUTE_AUTH},
    {"POST", "/account/tokens/revoke", page_account_token_revoke, PAGE_POST | ROUTE_AUTH},
    {"GET", "/organisations/new", page_org_new, PAGE_FORM | ROUTE_AUTH},
    {"POST", "/organisations/new", page_org_new, PAGE_POST | ROUTE_AUTH},
    {"GET", "/organisations/*", page_org, PAGE_FORM | ROUTE_ORG_MEMBER},
    {"POST", "/organisations/*/invitations", page_org_invite, PAGE_POST | ROUTE_ORG_ADMIN},
    {"POST", "/organisations/*/invitations/revoke", page_org_invite_revoke, PAGE_POST | ROUTE_ORG_ADMIN},
    {"POST", "/organisations/*/members", page_org_members, PAGE_POST | ROUTE_ORG_ADMIN},
    {"POST", "/organisations/*/claim", page_org_claim, PAGE_POST | ROUTE_ORG_ADMIN},
    {"POST", "/organisations/*/leave", page_org_leave, PAGE_POST | ROUTE_ORG_MEMBER},
    {"POST", "/organisations/*/profile", page_org_profile, PAGE_POST | ROUTE_ORG_ADMIN},
    {"GET", "/suppliers/*", page_supplier, 0},
    /* buyers' posting pages (posting_pages.c) */
    /* (the posting is ?posting=ID, a form field in a POST, of the path's organisation) */
    {"GET", "/organisations/*/notices", page_postings, PAGE_FORM | ROUTE_ORG_MEMBER},
    {"GET", "/organisations/*/notices/new", page_posting_new, PAGE_FORM | ROUTE_ORG_MEMBER},
    {"POST", "/organisations/*/notices/new", page_posting_new, PAGE_POST | ROUTE_ORG_MEMBER},
    {"GET", "/organisations/*/notices/edit", page_posting_edit, PAGE_FORM | ROUTE_ORG_MEMBER},
    {"POST", "/organisations/*/notices/edit", page_posting_edit, PAGE_POST | ROUTE_ORG_MEMBER},
    {"GET", "/organisations/*/notices/preview", page_posting_preview, PAGE_FORM | ROUTE_ORG_MEMBER},
    {"GET", "/organisations/*/notices/publish", page_posting_publish, PAGE_FORM | ROUTE_ORG_MEMBER},
    {"POST", "/organisations/*/notices/publish", page_posting_publish, PAGE_POST | ROUTE_ORG_MEMBER},
    {"GET", "/organisations/*/notices/manage", page_posting_manage, PAGE_FORM | ROUTE_ORG_MEMBER},
    {"POST", "/organisations/*/notices/extend", page_posting_extend, PAGE_POST | ROUTE_ORG_MEMBER},
    {"GET", "/organisations/*/notices/cancel", page_posting_cancel, PAGE_FORM | ROUTE_ORG_MEMBER},
    {"POST", "/organisations/*/notices/cancel", page_posting_cancel, PAGE_POST | ROUTE_ORG_MEMBER},
    {"POST", "/organisations/*/notices/award", page_posting_award, PAGE_POST | ROUTE_ORG_MEMBER},
    {"POST", "/organisations/*/notices/contract", page_posting_contract, PAGE_POST | ROUTE_ORG_MEMBER},
    {"GET", "/invitations", page_invitation, PAGE_FORM},
    {"POST", "/invitations", page_invitation, PAGE_POST | ROUTE_AUTH},
    {"GET", "/admin", page_admin, PAGE_FORM | ROUTE_SITE_ADMIN},
    {"POST", "/admin/organisations/*/decision", page_admin_decide, PAGE_POST | ROUTE_SITE_ADMIN},
    {"POST", "/admin/organisations/*/claim", page_admin_claim, PAGE_POST | ROUTE_SITE_ADMIN},
    {"GET", "/admin/mail", page_admin_mail, PAGE_FORM | ROUTE_SITE_ADMIN},
    {"GET", "/admin/mail/*", page_admin_mail_one, PAGE_FORM | ROUTE_SITE_ADMIN},
    {"GET", "/admin/users", page_admin_users, PAGE_FORM | ROUTE_SITE_ADMIN},
    {"POST", "/admin/users/*", page_admin_user, PAGE_POST | ROUTE_SITE_ADMIN},
    {"GET", "/admin/audit", page_admin_audit, PAGE_FORM | ROUTE_SITE_ADMIN},
    {"GET", "/api/v1/me", api_me, ROUTE_TOKEN | ROUTE_WRITE},
    /* buyers' systems: API tokens alone (auth.h), JSON bodies */
    {"POST", "/api/v1/notices", api_post_notice, API_POST},
    {"POST", "/api/v1/notices/*/amendments", api_post_amendment, API_POST},
    {"POST", "/api/v1/notices/*/cancellation", api_post_cancellation, API_POST},
    {"POST", "/api/v1/notices/*/awards", api_post_award, API_POST},
    {"POST", "/api/v1/notices/*/contracts", api_post_contract, API_POST},
    {"POST", "/api/v1/notices/*/questions", api_post_question, API_POST},
    {"POST", "/api/v1/questions/*/answer", api_post_answer, API_POST},
    {"POST", "/api/v1/notices/*/documents", api_post_document, API_POST | ROUTE_UPLOAD},
};

const Route *app_routes(size_t *n) {
  *n = sizeof routes / sizeof *routes;
  return routes;
}

/* A connection of a thread, opened on first use. */
typedef struct {
  Store *st;
  time_t tried;    /* when opening last failed (0: never) */
  Err why;         /* why it failed */
  char logged[17]; /* the request that logged why last */
} Conn;

typedef struct {
  Conn read, write; /* write: only for ROUTE_WRITE routes */
} ThreadState;

static void *thread_init(void *appv) {
  return xcalloc(1, sizeof(ThreadState)); /* the store is opened on first use, by a request */
}

static void thread_done(void *appv, void *state) {
  ThreadState *ts = state;
  if (!ts) return;
  store_close(ts->read.st);
  store_close(ts->write.st);
  free(ts);
}

static Store *conn_get(Request *r, Conn *c, int flags) {
  if (!c->st && time(NULL) != c->tried) {
    App *app = r->app;
    err_clear(&c->why);
    if (store_open(app->db_url, flags, &c->st, &c->why)) {
      c->st = NULL;
      c->tried = time(NULL);
    }
  }
  if (!c->st && strcmp(c->logged, r->id) != 0) { /* once per request, with its id */
    req_log_error(r, "%s", c->why.msg);
    snprintf(c->logged, sizeof c->logged, "%s", r->id);
  }
  return c->st;
}

Store *app_store(Request *r) {
  ThreadState *ts = server_thread_state();
  return ts ? conn_get(r, &ts->read, STORE_READONLY) : NULL;
}

Store *app_store_write(Request *r) {
  ThreadState *ts = server_thread_state();
  if (!ts) return NULL;
  /* a route that may not write; a session's route writes its last-seen time */
  if (!(r->route_flags & (ROUTE_WRITE | ROUTE_SESSION))) {
    req_log_error(r, "a write connection asked for by %s %s, a route not flagged ROUTE_WRITE", r->method, r->path);
    return NULL;
  }
  return conn_get(r, &ts->write, 0);
}

const char *app_base_url(Request *r) {
  App *app = r->app;
  if (app->base_url) return app->base_url;
  if (atomic_load(&app->base_ready)) return app->base_derived;
  return "http://localhost";
}

const char *app_files_dir(App *app) {
  if (app->files_dir) return app->files_dir;
  static _Thread_local char dir[1100];
  if (!strncmp(app->db_url, "sqlite:", 7) && strlen(app->db_url) < 1000) {
    snprintf(dir, sizeof dir, "%s.files", app->db_url + 7);
    return dir;
  }
  return "var/files";
}

int app_ocid_prefix_check(const char *prefix, Err *err) {
  int ok = strlen(prefix) == 11 && strncmp(prefix, "ocds-", 5) == 0;
  for (size_t i = 5; ok && i < 11; i++) ok = isalnum((unsigned char)prefix[i]) != 0;
  return ok ? 0 : err_set(err, ERR_USAGE, "--ocid-prefix must be \"ocds-\" and 6 letters or digits, like ocds-ph4xq1; got '%.40s'", prefix);
}

int app_base_url_check(const char *url, Err *err) {
  size_t n = strlen(url);
  if (n > 1024) return err_set(err, ERR_USAGE, "--base-url is longer than 1024 bytes");
  if ((strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) || n <= 8)
    return err_set(err, ERR_USAGE, "--base-url must start with http:// or https://, got '%s'", url);
  for (const char *p = url; *p; p++)
    if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f || strchr("\"<>\\^`{|}?#", *p))
      return err_set(err, ERR_USAGE, "--base-url must be a plain absolute URL without query or fragment, got '%s'", url);
  if (url[n - 1] == '/') return err_set(err, ERR_USAGE, "--base-url must not end with '/', got '%s'", url);
  return 0;
}

time_t app_now(Request *r) {
  const App *app = r->app;
  return app->now ? app->now : time(NULL);
}

int app_path_id(const char *s, long long *out) {
  if (!s || *s < '1' || *s > '9') return -1;
  for (const char *p = s; *p; p++)
    if (*p < '0' || *p > '9') return -1;
  return num_parse_ll(s, 1, LLONG_MAX, out);
}

const char *app_ocds_target(Request *r, const char *capture) {
  static const char *const suffixes[] = {".ocds.json", "/ocds.json"};
  size_t n = strlen(capture);
  for (size_t i = 0; i < 2; i++) {
    size_t k = strlen(suffixes[i]);
    if (n > k && !strcmp(capture + n - k, suffixes[i])) return req_printf(r, "%.*s", (int)(n - k), capture);
  }
  return NULL;
}

void app_unmark(char *s) {
  if (!s) return;
  char *w = s;
  for (char *p = s; *p; p++)
    if (*p != 2 && *p != 3) *w++ = *p;
  *w = 0;
}

int app_query(Request *r, Query *q, int strict) {
  Err err = ERR_INIT;
  query_init(q);
  for (size_t i = 0; i < r->n_params; i++) {
    int rc = query_set(q, r->params[i].name, r->params[i].value, &err);
    if (rc == ERR_NOTFOUND) {
      if (!strict) continue;
      req_problem(r, 400, "Unknown parameter",
                  req_printf(r, "%s is not a parameter of this API (see /api/v1 documentation in docs/api.md)",
                             r->params[i].name));
      query_release(q);
      return -1;
    }
    if (rc) {
      req_problem(r, 400, "Invalid parameter", err.msg);
      query_release(q);
      return -1;
    }
  }
  if (query_finish(q, app_now(r), &err)) {
    req_problem(r, 400, "Invalid parameter", err.msg);
    query_release(q);
    return -1;
  }
  return 0;
}

int app_search(Request *r, const Query *q, StoreResults *res, Err *err) {
  App *app = r->app;
  Store *st = app_store(r);
  memset(res, 0, sizeof *res);
  if (!st) return err_set(err, ERR_DB, "no database connection");
  const SearchIndex *ix = app->index ? live_index_acquire(app->index) : NULL;
  int rc = ix ? search_index_search(ix, st, q, app_now(r), res, err) : store_search(st, q, app_now(r), res, err);
  if (ix) live_index_release(app->index, ix);
  return rc;
}

int app_search_each(Request *r, Query *q, size_t max, SearchEachFn fn, void *ctx, Err *err) {
  App *app = r->app;
  Store *st = app_store(r);
  if (!st) return err_set(err, ERR_DB, "no database connection");
  const SearchIndex *ix = app->index ? live_index_acquire(app->index) : NULL;
  int rc = search_each(st, ix, q, app_now(r), max, fn, ctx, err);
  if (ix) live_index_release(app->index, ix);
  return rc;
}

/* Without --base-url, links in packages name the address we listen on (the
 * port as bound; a wildcard address as localhost), never a request's Host. */
static void on_listen(void *appv, const char *host, unsigned port) {
  App *app = appv;
  if (!app->base_url) {
    int wild = !*host || !strcmp(host, "0.0.0.0") || !strcmp(host, "::");
    if (wild) snprintf(app->base_derived, sizeof app->base_derived, "http://localhost:%u", port);
    else if (strchr(host, ':')) snprintf(app->base_derived, sizeof app->base_derived, "http://[%s]:%u", host, port);
    else snprintf(app->base_derived, sizeof app->base_derived, "http://%s:%u", host, port);
    atomic_store(&app->base_ready, 1);
  }
  printf("powerhouse: serving on http://%s%s%s:%u/\n", strchr(host, ':') ? "[" : "", host,
         strchr(host, ':') ? "]" : "", port);
  fflush(stdout);
}

void app_server_config(App *app, const char *listen, FILE *access_log, ServerConfig *out) {
  ServerConfig cfg = {0};
  cfg.listen = listen;
  cfg.routes = routes;
  cfg.n_routes = sizeof routes / sizeof *routes;
  cfg.not_found = page_not_found;
  cfg.error_page = page_error;
  cfg.static_dir = app->static_dir;
  cfg.access_log = access_log;
  cfg.app = app;
  cfg.on_listen = on_listen;
  cfg.thread_init = thread_init;
  cfg.thread_done = thread_done;
  cfg.trusted_proxy = app->trusted_proxy;
  cfg.idle_seconds = app->limits.idle_seconds;
  cfg.head_seconds = app->limits.head_seconds;
  cfg.body_seconds = app->limits.body_seconds;
  cfg.max_connections = app->limits.max_connections;
  cfg.cors_prefix = APP_API_PREFIX;
  cfg.before = auth_before;
  *out = cfg;
}

int app_serve(App *app, const char *listen, FILE *access_log, Err *err) {
  ServerConfig cfg;
  app_server_config(app, listen, access_log, &cfg);
  int own = !app->store_search && !app->index; /* the caller may bring a running index */
  if (own && live_index_start(app->db_url, app->index_poll_ms, stderr, &app->index, err)) return err->code;
  if (!app->no_page_cache) app->pages = page_cache_new(4096);
  int rc = server_run(&cfg, err);
  page_cache_free(app->pages);
  app->pages = NULL;
  if (own) {
    live_index_stop(app->index);
    app->index = NULL;
  }
  return rc;
}

void app_mail_kick(Request *r) {
  App *app = r->app;
  if (app->mail_kick) app->mail_kick(app->mail_ctx);
}

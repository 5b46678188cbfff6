/* app.h -- the portal application behind the HTTP server: its routes, the
 * state every handler shares, and per server thread a read connection to the
 * store and, for the routes that write, a write connection. Handlers live in api.c (JSON API and OCDS downloads), pages.c, notice_page.c
 * (HTML), about.c and docs_pages.c (the pages about the service and the
 * OpenAPI document) and site.c (robots.txt, the icon). Every answer under APP_API_PREFIX
 * carries Access-Control-Allow-Origin: * (ServerConfig.cors_prefix): the API
 * is read-only and uses no cookies, so any site may read it. */
#ifndef APP_H
#define APP_H

#include <stdatomic.h>
#include <time.h>

#include "base/err.h"
#include "model/hits.h"
#include "search/each.h"
#include "search/live.h"
#include "search/query.h"
#include "store/store.h"
#include "web/cache.h"
#include "web/server.h"

#define APP_API_PREFIX "/api/"
#define APP_OCID_PREFIX "ocds-ph4xq1" /* the demo's prefix for notices posted here */

typedef struct {
  const char *db_url;     /* the store every thread opens read-only */
  const char *static_dir; /* CSS and JS */
  const char *base_url;   /* absolute URLs in OCDS packages, e.g. "https://contracts.example.org";
                           * NULL: the listening address (never a request's Host header) */
  const char *trusted_proxy; /* its X-Forwarded-For names the client (server.h); NULL: none */
  ServerLimits limits;       /* connection limits and deadlines; 0 fields: server.h's defaults */
  time_t now;             /* fixed "now" for tests; 0: the clock */
  int store_search;       /* 1: search with the store's own engine, no in-memory index */
  unsigned index_poll_ms; /* how often the index looks for changes (0: every 100 ms) */
  LiveIndex *index;       /* started (and stopped) by app_serve unless store_search or already set */
  PageCache *pages;       /* rendered notice pages, made by app_serve unless no_page_cache */
  int no_page_cache;
  /* wakes the mail sender after a commit that queued mail (NULL: it polls) */
  void (*mail_kick)(void *ctx);
  void *mail_ctx;
  /* seals mail bodies in the outbox (they hold sign-in links); kept outside
   * the store (serve --mail-key); has_mail_key 0: bodies are stored plain */
  unsigned char mail_key[32];
  int has_mail_key;
  const char *ocid_prefix; /* of notices posted here (serve --ocid-prefix); NULL: APP_OCID_PREFIX */
  const char *files_dir;   /* documents' files (serve --files); NULL: app_files_dir's default */
  char base_derived[320]; /* from the listening address, once on_listen has run */
  atomic_int base_ready;
} App;

/* Runs the portal until SIGINT/SIGTERM. */
int app_serve(App *app, const char *listen, FILE *access_log, Err *err);
/* The server configuration app_serve runs with (routes, per-thread
 * connections, listening callback): for tests that run the portal's threads
 * with routes of their own. */
void app_server_config(App *app, const char *listen, FILE *access_log, ServerConfig *out);

/* 0 when prefix is an OCDS prefix ("ocds-" and 6 letters or digits); else
 * ERR_USAGE with a message. */
int app_ocid_prefix_check(const char *prefix, Err *err);

/* The route table (for tests that check every route). */
const Route *app_routes(size_t *n);
/* 0 when url is usable as --base-url (http(s)://host[:port][/path], no
 * trailing '/'); else ERR_USAGE with a message. */
int app_base_url_check(const char *url, Err *err);

/* For handlers: */
/* This thread's connection (opened on first use; NULL while the store cannot
 * be opened: the reason is logged, answer with app_unavailable / page_unavailable). */
Store *app_store(Request *r);
/* This thread's write connection, for a route flagged ROUTE_WRITE only
 * (another route gets NULL, and the log says which asked); opened on first
 * use, as app_store. A write goes through ingest/apply.h (one transaction per
 * change); the live index finds it on its next poll like any other. */
Store *app_store_write(Request *r);
/* Where documents' files are kept: files_dir, else beside an SQLite store
 * ("sqlite:var/powerhouse.db" -> "var/powerhouse.db.files"), else "var/files". */
const char *app_files_dir(App *app);
/* Wakes the mail sender (after a commit that queued mail). */
void app_mail_kick(Request *r);
/* The base of absolute URLs (no trailing '/'). */
const char *app_base_url(Request *r);
time_t app_now(Request *r);
/* Parses the request's query parameters into q (finished). 0 ok; otherwise a
 * 400 problem response is set (strict: unknown parameters are refused when
 * strict, ignored otherwise) and -1 returned. */
int app_query(Request *r, Query *q, int strict);
/* Runs a finished query on the search index (or the store's engine). */
int app_search(Request *r, const Query *q, StoreResults *res, Err *err);
/* search_each over the search index (or the store's engine). */
int app_search_each(Request *r, Query *q, size_t max, SearchEachFn fn, void *ctx, Err *err);
/* A row id in a path (/buyers/{id}): canonical decimal only -- digits, no
 * sign, space or leading zero, at most LLONG_MAX -- so one id has one URL.
 * 0 with *out set, or -1 (answer 404). */
int app_path_id(const char *s, long long *out);
/* For /notices/{ocid}: the ocid whose OCDS record package a path asks for
 * ("{ocid}.ocds.json" or "{ocid}/ocds.json", the suffix stripped, allocated
 * in r), or NULL when the path has neither suffix. An exact stored ocid wins
 * over a suffix (the caller looks it up first), so every notice's page is
 * reachable, also one whose ocid ends in ".ocds.json". */
const char *app_ocds_target(Request *r, const char *capture);
/* Strips the \x02 / \x03 match markers from a snippet (in place). */
void app_unmark(char *s);

/* api.c */
#define API_LICENCES_PAGE "/about#licences" /* what downloads name as their licence terms */
#define API_DOWNLOAD_MAX 5000 /* notices per search download; `powerhouse export` has no limit */
void api_notices(Request *r);
void api_notice(Request *r);
void api_buyer(Request *r);
void api_notices_ocds(Request *r);
void api_notices_csv(Request *r);
void notice_ocds(Request *r, const char *ocid); /* /notices/{ocid}.ocds.json */
/* The cursor of the page after results (NULL when none), allocated in r. */
const char *api_next_cursor(Request *r, const Query *q, const StoreResults *res);

/* site.c: /robots.txt, /favicon.ico, /favicon.svg */
void site_robots(Request *r);
void site_favicon_ico(Request *r);
void site_favicon_svg(Request *r);

/* about.c: /about */
void page_about(Request *r);
/* docs_pages.c: /api/v1/openapi.json (docs/openapi.json, built in as
 * openapi_json by the Makefile), /api, /accessibility, /privacy */
extern const char openapi_json[];
extern const size_t openapi_json_len;
void api_openapi(Request *r);
void page_api(Request *r);
void page_accessibility(Request *r);
void page_privacy(Request *r);

/* account.c, account_settings.c: /account/... (register, login, logout,
 * verify, reset; the settings page and its changes) */
void page_register(Request *r);
void page_login(Request *r);
void page_logout(Request *r);
void page_verify(Request *r);
void page_reset(Request *r);
void page_account(Request *r);
void page_account_name(Request *r);
void page_account_email(Request *r);
void page_account_password(Request *r);
void page_account_delete(Request *r);
void page_account_token_new(Request *r);
void page_account_token_revoke(Request *r);
/* orgs.c: /organisations/..., /invitations */
void page_org_new(Request *r);
void page_org(Request *r);
void page_org_invite(Request *r);
void page_org_invite_revoke(Request *r);
void page_org_members(Request *r);
void page_org_claim(Request *r);
void page_org_leave(Request *r);
void page_invitation(Request *r);
/* admin.c: /admin/... for site administrators */
void page_admin(Request *r);
void page_admin_decide(Request *r);
void page_admin_claim(Request *r);
void page_admin_mail(Request *r);
void page_admin_mail_one(Request *r);
void page_admin_users(Request *r);
void page_admin_user(Request *r);
void page_admin_audit(Request *r);
/* api.c: /api/v1/me, who an API token acts for */
void api_me(Request *r);
/* suppliers.c: a supplier's public profile, and its size and region */
void page_supplier(Request *r);
void page_org_profile(Request *r);
const char *supplier_size_words(const char *code); /* "Small (10 to 49 staff)"; NULL unknown */
/* documents.c: documents of posted notices, uploaded and downloaded */
void page_documents(Request *r);
void page_documents_post(Request *r);
void page_document(Request *r);
void api_post_document(Request *r);
/* interest.c: a supplier registers interest in a posted notice */
void page_interest(Request *r);
void page_interest_post(Request *r);
/* questions.c: suppliers ask about a posted notice; its buyer answers */
void page_question_ask(Request *r);
void page_org_questions(Request *r);
void page_org_answer(Request *r);
/* api_post.c: notices posted and changed by buyers' systems */
void api_post_notice(Request *r);
void api_post_amendment(Request *r);
void api_post_cancellation(Request *r);
void api_post_award(Request *r);
void api_post_contract(Request *r);
void api_post_question(Request *r);
void api_post_answer(Request *r);

/* posting_pages.c: the pages a buyer posts with, /organisations/{id}/notices/... */
void page_postings(Request *r);
void page_posting_new(Request *r);
void page_posting_edit(Request *r);
void page_posting_preview(Request *r);
void page_posting_publish(Request *r);
void page_posting_manage(Request *r);
void page_posting_extend(Request *r);
void page_posting_cancel(Request *r);
void page_posting_award(Request *r);
void page_posting_contract(Request *r);

/* pages.c */
void page_home(Request *r);
void page_notices(Request *r);
void page_notice(Request *r);
void page_buyer(Request *r);
void page_not_found(Request *r);
/* /cpv?q=WORDS&search=QUERY: CPV codes by word or code, each a link adding it
 * to the search given (its query string), keeping that search's filters. */
void page_cpv(Request *r);
/* The server's refusals on HTML paths (ServerConfig.error_page): a page in
 * the site's layout for r->status (400, 405, 413, 414, 429, 431, 501). */
void page_error(Request *r);
/* 503 page: the service is unavailable, with the request id; internal (may be
 * NULL) goes to the error log only. */
void page_unavailable(Request *r, const char *internal);

#endif

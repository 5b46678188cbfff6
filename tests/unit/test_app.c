/* test_app.c -- the portal's route table and its flags (every bulk download
 * runs under the heavy semaphore; robots.txt and the icons are plain public
 * reads), the CORS prefix, and what serve --base-url accepts. The
 * routes' behaviour is tested over HTTP in tests/e2e (http.t, faults.t,
 * search_page.t). */
#include <string.h>

#include "../tap.h"
#include "web/app.h"
#include "web/auth.h"

static const Route *find(const Route *rt, size_t n, const char *method, const char *pattern) {
  for (size_t i = 0; i < n; i++)
    if (!strcmp(rt[i].method, method) && !strcmp(rt[i].pattern, pattern)) return &rt[i];
  return NULL;
}

static void test_routes(void) {
  size_t n;
  const Route *rt = app_routes(&n);
  ok(n >= 9, "the portal has its routes (%zu)", n);
  static const char *const heavy[] = {"/api/v1/notices.ocds.json", "/api/v1/notices.csv"};
  for (size_t i = 0; i < 2; i++) {
    const Route *r = find(rt, n, "GET", heavy[i]);
    ok(r && (r->flags & ROUTE_HEAVY), "GET %s is a heavy route", heavy[i]);
  }
  static const char *const light[] = {"/", "/notices", "/notices/*", "/buyers/*", "/api/v1/notices",
                                      "/api/v1/notices/*", "/api/v1/buyers/*", "/robots.txt", "/favicon.ico",
                                      "/favicon.svg", "/cpv"};
  int all_light = 1;
  for (size_t i = 0; i < sizeof light / sizeof *light; i++) {
    const Route *r = find(rt, n, "GET", light[i]);
    if (!r || r->flags) {
      all_light = 0;
      printf("# %s: %s\n", light[i], r ? "flagged heavy or writing" : "missing");
    }
  }
  ok(all_light, "pages, the CPV picker, the search API, robots.txt and the icons are neither heavy nor writing (/notices/{ocid}.ocds.json takes its slot in the handler)");
  unsigned known = ROUTE_HEAVY | ROUTE_WRITE | ROUTE_UPLOAD | ROUTE_SESSION | ROUTE_AUTH | ROUTE_CSRF | ROUTE_SITE_ADMIN | ROUTE_ORG_ANY |
                   ROUTE_TOKEN;
  int unknown_flags = 0;
  for (size_t i = 0; i < n; i++) unknown_flags |= (int)(rt[i].flags & ~known);
  is_int(unknown_flags, 0, "no route carries a flag neither the server nor auth.h knows");
  /* Every state-changing route is guarded by the router, not by its handler. */
  int unguarded = 0;
  for (size_t i = 0; i < n; i++) {
    if (strcmp(rt[i].method, "GET") == 0) continue;
    unsigned f = rt[i].flags;
    int token_only = (f & ROUTE_TOKEN) && !(f & (ROUTE_SESSION | ROUTE_CSRF));
    if (!(f & ROUTE_WRITE) || !((f & ROUTE_CSRF) || (token_only && (f & ROUTE_AUTH)))) {
      unguarded++;
      printf("# %s %s: no CSRF check (nor API tokens alone) or not a writing route\n", rt[i].method, rt[i].pattern);
    }
  }
  is_int(unguarded, 0, "every POST route checks its CSRF token, or takes API tokens alone, and is a writing route");
  int bad_org = 0;
  for (size_t i = 0; i < n; i++)
    if ((rt[i].flags & ROUTE_ORG_ANY) && strncmp(rt[i].pattern, "/organisations/*", 16) != 0) bad_org++;
  is_int(bad_org, 0, "organisation roles are checked only where the path names the organisation");
}

static void test_cors(void) {
  App app = {0};
  ServerConfig cfg;
  app_server_config(&app, "127.0.0.1:0", NULL, &cfg);
  ok(cfg.cors_prefix && !strcmp(cfg.cors_prefix, "/api/"), "answers under /api/ carry CORS (cors_prefix %s)",
     cfg.cors_prefix ? cfg.cors_prefix : "(none)");
  ok(cfg.error_page == page_error, "the server's own refusals outside /api/ are pages (error_page is page_error)");
  ok(cfg.not_found == page_not_found, "no route: the not-found page");
}

static void test_base_url(void) {
  Err err = ERR_INIT;
  is_int(app_base_url_check("https://contracts.example.org", &err), 0, "https host");
  is_int(app_base_url_check("http://127.0.0.1:8080", &err), 0, "http host and port");
  is_int(app_base_url_check("https://example.org/portal", &err), 0, "with a path");
  static const char *const bad[] = {"contracts.example.org", "ftp://example.org", "https://", "https://example.org/",
                                    "https://example.org/?a=1", "https://example.org/#x", "https://exa mple.org",
                                    "https://example.org/\"><script>", "javascript:alert(1)"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    err_clear(&err);
    is_int(app_base_url_check(bad[i], &err), ERR_USAGE, "refused: %s (%s)", bad[i], err.msg);
  }
  char longer[1100];
  memset(longer, 'a', sizeof longer - 1);
  memcpy(longer, "https://", 8);
  longer[sizeof longer - 1] = 0;
  is_int(app_base_url_check(longer, &err), ERR_USAGE, "over 1024 bytes refused");
}

int main(void) {
  test_routes();
  test_cors();
  test_base_url();
  return done_testing();
}

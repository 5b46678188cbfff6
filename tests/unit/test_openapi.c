/* test_openapi.c -- the OpenAPI document built into the binary
 * (docs/openapi.json, served at /api/v1/openapi.json) against the route
 * table: every route under /api/ is described by a path of the document,
 * and every path of the document reaches a route of its own (not the 404
 * page). Paths are matched as the router matches them: the first route in
 * table order whose exact pattern, or prefix before a trailing '*' with
 * something after it, fits the path, a template's {name} filled in. That
 * the document is valid OpenAPI 3.1 and true of the running server is
 * tests/openapi.mjs's part (run by tests/e2e/site.t). */
#include <cjson/cJSON.h>
#include <string.h>

#include "../tap.h"
#include "web/app.h"

/* The path with every {name} replaced by "x1" (a value each parameter takes). */
static void instantiate(const char *path, char *out, size_t cap) {
  size_t o = 0;
  for (const char *p = path; *p && o + 3 < cap; p++) {
    if (*p == '{') {
      const char *e = strchr(p, '}');
      if (!e) break;
      out[o++] = 'x';
      out[o++] = '1';
      p = e;
    } else {
      out[o++] = *p;
    }
  }
  out[o] = 0;
}

static int route_matches(const Route *r, const char *path) {
  size_t n = strlen(r->pattern);
  if (n && r->pattern[n - 1] == '*') return !strncmp(path, r->pattern, n - 1) && strlen(path) > n - 1;
  return !strcmp(path, r->pattern);
}

/* The route the router would pick for GET path, or NULL. */
static const Route *route_of(const Route *rt, size_t n, const char *path) {
  for (size_t i = 0; i < n; i++)
    if (!strcmp(rt[i].method, "GET") && route_matches(&rt[i], path)) return &rt[i];
  return NULL;
}

int main(void) {
  cJSON *doc = cJSON_ParseWithLength(openapi_json, openapi_json_len);
  ok(doc != NULL, "the built-in OpenAPI document parses (%zu bytes)", openapi_json_len);
  const cJSON *paths = cJSON_GetObjectItemCaseSensitive(doc, "paths");
  ok(cJSON_IsObject(paths) && cJSON_GetArraySize(paths) >= 8, "it has its paths (%d)", cJSON_GetArraySize(paths));
  is_str(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, "openapi")), "3.1.0", "it is OpenAPI 3.1.0");

  size_t n;
  const Route *rt = app_routes(&n);
  const cJSON *p;
  char inst[512];
  /* Every document path is routed, to a route that is not a page's by accident. */
  cJSON_ArrayForEach(p, paths) {
    instantiate(p->string, inst, sizeof inst);
    const Route *r = route_of(rt, n, inst);
    ok(r != NULL, "GET %s (%s) reaches a route (%s)", p->string, inst, r ? r->pattern : "none");
    ok(cJSON_GetObjectItemCaseSensitive(p, "get") != NULL, "%s describes its GET", p->string);
  }
  /* Every API route is described: some document path reaches exactly it. */
  for (size_t i = 0; i < n; i++) {
    if (strncmp(rt[i].pattern, APP_API_PREFIX, strlen(APP_API_PREFIX))) continue;
    int described = 0;
    cJSON_ArrayForEach(p, paths) {
      instantiate(p->string, inst, sizeof inst);
      if (route_of(rt, n, inst) == &rt[i]) described = 1;
    }
    ok(described, "the API route %s %s is in the OpenAPI document", rt[i].method, rt[i].pattern);
  }
  /* The pages about the service are routes of their own, plain reads. */
  static const char *const pages[] = {"/about", "/api", "/accessibility", "/privacy", "/api/v1/openapi.json"};
  for (size_t i = 0; i < sizeof pages / sizeof *pages; i++) {
    const Route *r = route_of(rt, n, pages[i]);
    ok(r && !strcmp(r->pattern, pages[i]) && r->flags == 0, "GET %s has its own route, neither heavy nor writing",
       pages[i]);
  }
  /* The check can fail: a path the router does not know is not routed. */
  ok(route_of(rt, n, "/api/v2/nothing") == NULL, "a path outside the routes reaches none");
  cJSON_Delete(doc);
  return done_testing();
}

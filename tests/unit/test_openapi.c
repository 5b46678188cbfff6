/* test_openapi.c -- the OpenAPI document built into the binary
 * (docs/openapi.json, served at /api/v1/openapi.json) against the route
 * table: every route under /api/ is described by a path of the document,
 * and every path of the document reaches a route of its own (not the 404
 * page), for each method it describes. Paths are matched as the router
 * matches them: the first route of the method in table order whose pattern
 * fits the path ('*' one segment, a trailing '*' the rest), a template's
 * {name} filled in. That
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

/* As the router matches: a '*' inside a pattern is one path segment (no
 * '/'), a trailing one the non-empty rest. */
static int route_matches(const Route *r, const char *path) {
  const char *p = r->pattern, *s = path;
  while (*p) {
    if (*p == '*') {
      if (!p[1]) return *s != 0;
      const char *e = strchr(s, '/');
      if (!e || e == s) return 0;
      s = e;
      p++;
    } else if (*p++ != *s++) {
      return 0;
    }
  }
  return *s == 0;
}

/* The route the router would pick for METHOD path, or NULL. */
static const Route *route_of(const Route *rt, size_t n, const char *method, const char *path) {
  for (size_t i = 0; i < n; i++)
    if (!strcmp(rt[i].method, method) && route_matches(&rt[i], path)) return &rt[i];
  return NULL;
}

/* "GET" for "get" ... (methods a path item may describe). */
static const char *method_of(const char *key) {
  return !strcmp(key, "get") ? "GET" : !strcmp(key, "post") ? "POST" : NULL;
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
  /* Every operation of the document is routed, to a route that is not a page's by accident. */
  cJSON_ArrayForEach(p, paths) {
    instantiate(p->string, inst, sizeof inst);
    const cJSON *o;
    int ops = 0;
    cJSON_ArrayForEach(o, p) {
      const char *m = method_of(o->string);
      if (!m) continue;
      ops++;
      const Route *r = route_of(rt, n, m, inst);
      ok(r != NULL, "%s %s (%s) reaches a route (%s)", m, p->string, inst, r ? r->pattern : "none");
    }
    ok(ops > 0, "%s describes its operations", p->string);
  }
  /* Every API route is described: some document path reaches exactly it. */
  for (size_t i = 0; i < n; i++) {
    if (strncmp(rt[i].pattern, APP_API_PREFIX, strlen(APP_API_PREFIX))) continue;
    int described = 0;
    cJSON_ArrayForEach(p, paths) {
      instantiate(p->string, inst, sizeof inst);
      const cJSON *o;
      cJSON_ArrayForEach(o, p) {
        const char *m = method_of(o->string);
        if (m && route_of(rt, n, m, inst) == &rt[i]) described = 1;
      }
    }
    ok(described, "the API route %s %s is in the OpenAPI document", rt[i].method, rt[i].pattern);
  }
  /* The pages about the service are routes of their own, plain reads. */
  static const char *const pages[] = {"/about", "/api", "/accessibility", "/privacy", "/api/v1/openapi.json"};
  for (size_t i = 0; i < sizeof pages / sizeof *pages; i++) {
    const Route *r = route_of(rt, n, "GET", pages[i]);
    ok(r && !strcmp(r->pattern, pages[i]) && r->flags == 0, "GET %s has its own route, neither heavy nor writing",
       pages[i]);
  }
  /* The check can fail: a path the router does not know is not routed. */
  ok(route_of(rt, n, "GET", "/api/v2/nothing") == NULL, "a path outside the routes reaches none");
  cJSON_Delete(doc);
  return done_testing();
}

/* app.c -- routes, shared state and per-thread store connections. */
#include "web/app.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"

static const Route routes[] = {
    {"GET", "/", page_home},
    {"GET", "/notices", page_notices},
    {"GET", "/notices/*", page_notice},
    {"GET", "/buyers/*", page_buyer},
    {"GET", "/api/v1/notices", api_notices},
    {"GET", "/api/v1/notices.ocds.json", api_notices_ocds},
    {"GET", "/api/v1/notices/*", api_notice},
    {"GET", "/api/v1/buyers/*", api_buyer},
};

typedef struct {
  Store *st;
  int failed;
} ThreadState;

static void *thread_init(void *appv) {
  App *app = appv;
  ThreadState *ts = xcalloc(1, sizeof *ts);
  Err err = ERR_INIT;
  if (store_open(app->db_url, STORE_READONLY, &ts->st, &err)) {
    fprintf(stderr, "powerhouse serve: %s\n", err.msg);
    ts->failed = 1;
  }
  return ts;
}

static void thread_done(void *appv, void *state) {
  ThreadState *ts = state;
  if (!ts) return;
  store_close(ts->st);
  free(ts);
}

Store *app_store(Request *r) {
  ThreadState *ts = server_thread_state();
  return ts ? ts->st : NULL;
}

time_t app_now(Request *r) {
  const App *app = r->app;
  return app->now ? app->now : time(NULL);
}

const char *app_status(const char *stored, const char *deadline, time_t now) {
  if (!stored) return "closed";
  if (strcmp(stored, "open") == 0 && deadline) {
    time_t t;
    if (date_parse(deadline, &t) == 0 && t < now) return "closed";
  }
  return stored;
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

static void on_listen(void *appv, const char *host, unsigned port) {
  printf("powerhouse: serving on http://%s:%u/\n", host, port);
  fflush(stdout);
}

int app_serve(App *app, const char *listen, FILE *access_log, Err *err) {
  ServerConfig cfg = {0};
  cfg.listen = listen;
  cfg.routes = routes;
  cfg.n_routes = sizeof routes / sizeof *routes;
  cfg.not_found = page_not_found;
  cfg.static_dir = app->static_dir;
  cfg.access_log = access_log;
  cfg.app = app;
  cfg.on_listen = on_listen;
  cfg.thread_init = thread_init;
  cfg.thread_done = thread_done;
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

/* test_write.c -- a web thread's write connection (app_store_write) and the
 * one write path from a handler. The portal's own server configuration
 * (app_server_config: its per-thread connections) runs over loopback with
 * its routes and two of this test's:
 *   POST /test/releases  flagged ROUTE_WRITE: applies the posted release with
 *                        apply_release on the thread's write connection;
 *   POST /test/sneaky    not flagged: asks for a write connection anyway.
 * Checked: a posted release is stored in one transaction and found through
 * the portal's search API within 1 s (the live index follows the store); the
 * same release again changes nothing; a release that does not check writes
 * nothing; an unflagged route gets no write connection, answers 503 with only
 * the request id, and the log says which route asked. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../tap.h"
#include "base/buf.h"
#include "ingest/apply.h"
#include "web/app.h"

static unsigned port;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;

static void on_listen(void *app, const char *host, unsigned p) {
  pthread_mutex_lock(&mu);
  port = p;
  pthread_cond_signal(&cv);
  pthread_mutex_unlock(&mu);
}

static void post_release(Request *r) {
  Store *st = app_store_write(r);
  if (!st) {
    req_unavailable(r, "no write connection");
    return;
  }
  ApplyResult res;
  Err err = ERR_INIT;
  if (apply_release(st, r->body, r->body_len, "test", time(NULL), &res, &err)) {
    if (err.code == ERR_DB) req_unavailable(r, err.msg);
    else req_problem(r, 400, "Release refused", err.msg);
    return;
  }
  buf_addf(&r->out, "{\"stored\":%d,\"seq\":%lld}", res.stored, (long long)res.seq);
  req_json(r, 201);
}

static void sneaky(Request *r) {
  if (!app_store_write(r)) req_unavailable(r, "no write connection");
  else buf_adds(&r->out, "wrote");
}

typedef struct {
  ServerConfig cfg;
  Err err;
  int rc;
} Run;

static void *serve(void *arg) {
  Run *run = arg;
  run->rc = server_run(&run->cfg, &run->err);
  return NULL;
}

/* One request over a fresh connection; the whole response into out. */
static int http(const char *method, const char *target, const char *body, Buf *out) {
  buf_reset(out);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
    close(fd);
    return -1;
  }
  Buf req = BUF_INIT;
  buf_addf(&req, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n", method, target);
  if (body) buf_addf(&req, "Content-Type: application/json\r\nContent-Length: %zu\r\n", strlen(body));
  buf_adds(&req, "\r\n");
  if (body) buf_adds(&req, body);
  ssize_t w = write(fd, req.data, req.len);
  buf_release(&req);
  char chunk[4096];
  ssize_t n;
  while (w > 0 && (n = read(fd, chunk, sizeof chunk)) > 0) buf_add(out, chunk, (size_t)n);
  close(fd);
  int status = 0;
  if (out->len > 12 && strncmp(out->data, "HTTP/1.1 ", 9) == 0) status = (int)strtol(out->data + 9, NULL, 10);
  return status;
}

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

#define RELEASE(ID, TITLE)                                                                                        \
  "{\"ocid\":\"ocds-write-1\",\"id\":\"" ID "\",\"date\":\"2026-11-01T10:00:00Z\",\"tag\":[\"tender\"],"        \
  "\"buyer\":{\"name\":\"Calderdale Council\"},\"tender\":{\"id\":\"t\",\"title\":\"" TITLE "\",\"status\":\"active\"}}"

int main(void) {
  char path[] = "/tmp/test_write_XXXXXX", logpath[] = "/tmp/test_write_log_XXXXXX";
  close(mkstemp(path));
  unlink(path);
  close(mkstemp(logpath));
  Err err = ERR_INIT;
  Store *w;
  ApplyResult res;
  static const char first[] = RELEASE("r0", "Library self-service kiosks");
  int setup = store_open(path, 0, &w, &err) == 0 &&
              apply_release(w, first, strlen(first), "test", time(NULL), &res, &err) == 0;
  if (w) store_close(w);
  if (!ok(setup, "a store with one notice (%s)", err.msg)) return done_testing();

  App app = {.db_url = path, .index_poll_ms = 20};
  if (!ok(live_index_start(path, 20, NULL, &app.index, &err) == 0, "live index started (%s)", err.msg))
    return done_testing();
  size_t n_app;
  const Route *app_rt = app_routes(&n_app);
  Route *rt = calloc(n_app + 2, sizeof *rt);
  memcpy(rt, app_rt, n_app * sizeof *rt);
  rt[n_app] = (Route){"POST", "/test/releases", post_release, ROUTE_WRITE};
  rt[n_app + 1] = (Route){"POST", "/test/sneaky", sneaky, 0};
  FILE *devnull = fopen("/dev/null", "w"), *errlog = fopen(logpath, "w");
  Run run = {.err = ERR_INIT};
  app_server_config(&app, "127.0.0.1:0", devnull, &run.cfg);
  run.cfg.routes = rt;
  run.cfg.n_routes = n_app + 2;
  run.cfg.on_listen = on_listen;
  run.cfg.error_log = errlog;
  run.cfg.threads = 2;
  pthread_t th;
  pthread_create(&th, NULL, serve, &run);
  pthread_mutex_lock(&mu);
  while (!port) pthread_cond_wait(&cv, &mu);
  pthread_mutex_unlock(&mu);

  Buf out = BUF_INIT;
  int status = http("GET", "/api/v1/notices?q=kiosks", NULL, &out);
  ok(status == 200 && strstr(out.data, "\"total\":1"), "the first notice is searchable");

  /* a release posted to a write route: stored, then searchable */
  Buf posted = BUF_INIT;
  status = http("POST", "/test/releases", RELEASE("r1", "Library kiosks and wayfinding screens"), &posted);
  double t0 = now_s();
  Buf want = BUF_INIT;
  buf_addf(&want, "\"stored\":%d", STORE_ADDED);
  ok(status == 201 && strstr(posted.data, want.data), "a posted release is applied on the thread's write connection");
  int found = 0;
  double took = 0;
  while (!found && (took = now_s() - t0) < 5) {
    found = http("GET", "/api/v1/notices?q=wayfinding", NULL, &out) == 200 && strstr(out.data, "\"total\":1");
    if (!found) usleep(5000);
  }
  ok(found && took <= 1.0, "its new words are searchable through the portal within 1 s (%.0f ms)", took * 1e3);
  ok(http("GET", "/api/v1/notices?q=kiosks", NULL, &out) == 200 && strstr(out.data, "\"total\":1"),
     "one notice still: the release replaced its version, it did not add a notice");

  /* the same bytes again change nothing */
  const char *seq1 = strstr(posted.data, "\"seq\":");
  Buf again = BUF_INIT;
  status = http("POST", "/test/releases", RELEASE("r1", "Library kiosks and wayfinding screens"), &again);
  buf_reset(&want);
  buf_addf(&want, "\"stored\":%d", STORE_UNCHANGED);
  ok(status == 201 && strstr(again.data, want.data), "the same release again: unchanged");
  const char *seq2 = strstr(again.data, "\"seq\":");
  ok(seq1 && seq2 && strcmp(seq1, seq2) == 0, "... and the change sequence stays");

  /* a release that does not check writes nothing */
  status = http("POST", "/test/releases", "{\"ocid\":\"ocds-write-2\",\"id\":", &out);
  ok(status == 400, "a release that does not parse: 400");
  usleep(100000);
  ok(http("GET", "/api/v1/notices", NULL, &out) == 200 && strstr(out.data, "\"total\":1"), "... and nothing was written");

  /* an unflagged route gets no write connection */
  status = http("POST", "/test/sneaky", "{}", &out);
  ok(status == 503 && !strstr(out.data, "wrote") && !strstr(out.data, path),
     "a route not flagged ROUTE_WRITE gets no write connection: 503, no path");

  server_stop();
  pthread_join(th, NULL);
  is_int(run.rc, 0, "the server stopped cleanly");
  fclose(errlog);
  FILE *lf = fopen(logpath, "r");
  char line[1024];
  int logged = 0;
  while (lf && fgets(line, sizeof line, lf)) logged |= strstr(line, "/test/sneaky") && strstr(line, "ROUTE_WRITE");
  if (lf) fclose(lf);
  ok(logged, "the log says which route asked for a write connection");

  live_index_stop(app.index);
  fclose(devnull);
  free(rt);
  buf_release(&out);
  buf_release(&again);
  buf_release(&want);
  buf_release(&posted);
  unlink(logpath);
  tap_unlink_db(path);
  return done_testing();
}

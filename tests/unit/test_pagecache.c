/* test_pagecache.c -- the page cache inside the running portal (web/app.h,
 * web/cache.h): app_serve in a background thread over loopback on a store
 * with one open notice, the clock (App.now) moved between requests.
 *   - a notice page asked again is a hit (the cache's own counters), the same
 *     bytes;
 *   - "closes in N days" changes with the date alone, in UK calendar days: the
 *     page is kept until the next UK midnight, then rendered again (a miss,
 *     a day fewer left), and on the last day until the deadline has passed
 *     (now "closed");
 *   - an ingest moves the store's change sequence: a miss, the new title;
 *   - with no_page_cache (serve --no-page-cache) there is no cache at all and
 *     a page at the same date and change is the same as the cached one.
 * tests/e2e/cache.t checks the same over the real binary. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../tap.h"
#include "base/buf.h"
#include "ingest/ingest.h"
#include "web/app.h"

#define T0 1795000000 /* 2026-11-18T09:46:40Z */
#define MIDNIGHT 1795046400 /* 2026-11-19T00:00:00Z: the next UK midnight after T0 (GMT) */
#define DEADLINE 1795902400 /* 2026-11-28T21:46:40Z: the notice's deadline */

static App app;
static char listen_at[64];
static unsigned port;
static FILE *access_log;
static int serve_rc;

static void *serve_thread(void *arg) {
  Err err = ERR_INIT;
  serve_rc = app_serve(&app, listen_at, access_log, &err);
  if (serve_rc) printf("# app_serve: %s\n", err.msg);
  return NULL;
}

/* A free loopback port (bound and released: the server binds it right after). */
static unsigned free_port(void) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  unsigned p = 0;
  if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 && getsockname(fd, (struct sockaddr *)&a, &len) == 0)
    p = ntohs(a.sin_port);
  if (fd >= 0) close(fd);
  return p;
}

/* GET path on a new connection; the status, and the body into out. */
static int get(const char *path, Buf *out) {
  buf_reset(out);
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_port = htons((unsigned short)port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  struct timeval tv = {20, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
    close(fd);
    return -1;
  }
  char req[512];
  int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", path);
  if (send(fd, req, (size_t)n, MSG_NOSIGNAL) != n) {
    close(fd);
    return -1;
  }
  Buf all = BUF_INIT;
  char buf[8192];
  ssize_t k;
  while ((k = recv(fd, buf, sizeof buf, 0)) > 0) buf_add(&all, buf, (size_t)k);
  close(fd);
  int status = -1;
  const char *body = strstr(buf_cstr(&all), "\r\n\r\n");
  if (all.len > 12 && !memcmp(all.data, "HTTP/1.1 ", 9) && body) {
    status = (all.data[9] - '0') * 100 + (all.data[10] - '0') * 10 + (all.data[11] - '0');
    buf_adds(out, body + 4);
  }
  buf_release(&all);
  return status;
}

static int start_serving(pthread_t *th) {
  port = free_port();
  snprintf(listen_at, sizeof listen_at, "127.0.0.1:%u", port);
  pthread_create(th, NULL, serve_thread, NULL);
  Buf b = BUF_INIT;
  int up = 0;
  for (int i = 0; i < 200 && !up; i++) { /* 20 s: a sanitizer build on a busy machine */
    up = get("/notices/none", &b) == 404;
    if (!up) usleep(100000);
  }
  buf_release(&b);
  return up;
}

static void stop_serving(pthread_t th) {
  server_stop();
  pthread_join(th, NULL);
}

static PageCacheStats stats(void) {
  PageCacheStats s = {0};
  page_cache_stats(app.pages, &s);
  return s;
}

static int ingest(Store *st, const char *title, const char *date) {
  char json[1024];
  snprintf(json, sizeof json,
           "{\"ocid\":\"ocds-cache-1\",\"id\":\"%s\",\"date\":\"%s\",\"tag\":[\"tender\"],"
           "\"buyer\":{\"id\":\"b\",\"name\":\"Leeds City Council\"},"
           "\"parties\":[{\"id\":\"b\",\"name\":\"Leeds City Council\",\"roles\":[\"buyer\"]}],"
           "\"tender\":{\"id\":\"t\",\"title\":\"%s\",\"status\":\"active\","
           "\"tenderPeriod\":{\"endDate\":\"2026-11-28T21:46:40Z\"}}}",
           date, date, title);
  IngestOptions opt = {0};
  opt.now = T0;
  opt.report = fopen("/dev/null", "w");
  IngestStats is;
  Err err = ERR_INIT;
  int rc = ingest_buffer(st, "cache.json", json, strlen(json), &opt, &is, &err);
  if (rc) printf("# ingest: %s\n", err.msg);
  fclose(opt.report);
  return rc;
}

int main(void) {
  char path[] = "/tmp/test_pagecache_XXXXXX";
  int fd = mkstemp(path);
  close(fd);
  unlink(path);
  Store *w = NULL;
  Err err = ERR_INIT;
  if (!ok(store_open(path, 0, &w, &err) == 0, "a store")) return done_testing();
  /* the deadline is 28 November, ten UK days after T0's 18 November */
  ok(ingest(w, "Alpha telecare", "2026-11-01T00:00:00Z") == 0, "an open notice ingested");
  access_log = fopen("/dev/null", "w");

  app = (App){.db_url = path, .now = T0, .store_search = 1};
  pthread_t th;
  if (!ok(start_serving(&th), "portal serving on %s", listen_at)) return done_testing();

  Buf first = BUF_INIT, b = BUF_INIT;
  is_int(get("/notices/ocds-cache-1", &first), 200, "notice page");
  ok(strstr(first.data, "Alpha telecare") != NULL, "... with its title");
  ok(strstr(first.data, "28 November 2026, 9:46pm — closes in 10 days") != NULL, "... closes in 10 days, at 9:46pm");
  PageCacheStats s0 = stats();
  ok(s0.misses >= 1 && s0.puts >= 1, "first ask: rendered and kept (misses %llu, puts %llu)",
     (unsigned long long)s0.misses, (unsigned long long)s0.puts);

  is_int(get("/notices/ocds-cache-1", &b), 200, "asked again");
  PageCacheStats s1 = stats();
  is_int(s1.hits, s0.hits + 1, "second ask: a hit");
  ok(b.len == first.len && !memcmp(b.data, first.data, b.len), "... the same bytes");

  app.now = MIDNIGHT - 1; /* the last second of 18 November in the UK: still 10 days */
  get("/notices/ocds-cache-1", &b);
  PageCacheStats s2 = stats();
  is_int(s2.hits, s1.hits + 1, "a second before UK midnight, the same UK day: still a hit");
  ok(b.len == first.len && !memcmp(b.data, first.data, b.len), "... the same bytes");

  app.now = MIDNIGHT; /* 19 November in the UK: a day fewer left */
  get("/notices/ocds-cache-1", &b);
  PageCacheStats s3 = stats();
  is_int(s3.hits, s2.hits, "at UK midnight, a day fewer left: not a hit");
  is_int(s3.misses, s2.misses + 1, "... a miss");
  ok(strstr(b.data, "closes in 9 days") != NULL, "... and the page says closes in 9 days");
  Buf second = BUF_INIT;
  buf_add(&second, b.data, b.len);
  get("/notices/ocds-cache-1", &b);
  is_int(stats().hits, s3.hits + 1, "then kept again: a hit");

  app.now = DEADLINE - 3600; /* the deadline's own UK day */
  get("/notices/ocds-cache-1", &b);
  PageCacheStats s4 = stats();
  is_int(s4.misses, s3.misses + 1, "on the deadline's day: a miss");
  ok(strstr(b.data, "closes today") != NULL, "... the page says closes today");
  app.now = DEADLINE; /* the last second it is open */
  get("/notices/ocds-cache-1", &b);
  PageCacheStats s5 = stats();
  is_int(s5.hits, s4.hits + 1, "at the deadline itself, still open: a hit");

  app.now = DEADLINE + 1; /* the deadline has passed, the same UK day */
  get("/notices/ocds-cache-1", &b);
  PageCacheStats s6 = stats();
  is_int(s6.misses, s5.misses + 1, "a second after the deadline: a miss");
  ok(strstr(b.data, ">closed<") != NULL || strstr(b.data, ">Closed<") != NULL, "... the page says closed");

  ok(ingest(w, "Beta telecare", "2026-11-02T00:00:00Z") == 0, "a new release ingested while serving");
  get("/notices/ocds-cache-1", &b);
  PageCacheStats s7 = stats();
  is_int(s7.misses, s6.misses + 1, "the store's change moved on: a miss");
  ok(strstr(b.data, "Beta telecare") && !strstr(b.data, "Alpha telecare"), "... the new title");
  Buf cached = BUF_INIT;
  buf_add(&cached, b.data, b.len);
  stop_serving(th);
  is_int(serve_rc, 0, "portal stopped");

  /* --no-page-cache */
  app = (App){.db_url = path, .now = DEADLINE + 1, .store_search = 1, .no_page_cache = 1};
  if (!ok(start_serving(&th), "portal serving without a page cache")) return done_testing();
  ok(app.pages == NULL, "no page cache made");
  is_int(get("/notices/ocds-cache-1", &b), 200, "notice page rendered");
  ok(b.len == cached.len && !memcmp(b.data, cached.data, b.len), "the same bytes as the cached page at that date");
  app.now = MIDNIGHT;
  get("/notices/ocds-cache-1", &b);
  ok(strstr(b.data, "Beta telecare") && !strstr(b.data, ">closed<"), "the date moved back: open again, rendered afresh");
  stop_serving(th);

  buf_release(&first);
  buf_release(&second);
  buf_release(&cached);
  buf_release(&b);
  fclose(access_log);
  store_close(w);
  tap_unlink_db(path);
  return done_testing();
}

/* test_server.c -- the HTTP server over loopback: server_run in a background
 * thread on port 0, raw HTTP/1.1 written to plain sockets. Routing, captures,
 * query parameters, HEAD, keep-alive, each limit's status code (and where
 * it bites), slow and idle clients, static files, the access log, graceful
 * stop, thread states, binding errors, IPv6 and SIGTERM; request ids and
 * internal errors kept to the log; streamed bodies (bounded by what the client
 * reads; a failure cuts them visibly); heavy slots (a waiter is suspended, not
 * blocking a thread, and gets the next slot or a 503); the trusted proxy's
 * X-Forwarded-For and the per-address limits, which it is exempt from;
 * gzip (bodies inflate to exactly the uncompressed ones, ETags and
 * If-None-Match per representation, HEAD, q=0, small and binary bodies,
 * streamed bodies) and the CORS prefix. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <regex.h>
#include <zlib.h>

#include "../tap.h"
#include "base/buf.h"
#include "base/num.h"
#include "web/coding.h"
#include "web/server.h"

/* ---- handlers ----------------------------------------------------------- */

static atomic_int slow_started, n_init, n_done;

static void h_root(Request *r) { buf_adds(&r->out, "hello"); }

static void h_files(Request *r) { buf_addf(&r->out, "cap=%s", r->capture); }

static void h_params(Request *r) {
  for (size_t i = 0; i < r->n_params; i++)
    buf_addf(&r->out, "%s=%s;", r->params[i].name, r->params[i].value);
  const char *a = req_param(r, "a");
  buf_addf(&r->out, "first-a=%s", a ? a : "(null)");
}

static void h_slow(Request *r) {
  atomic_store(&slow_started, 1);
  usleep(300 * 1000);
  buf_adds(&r->out, "slow done");
}

static void h_state(Request *r) {
  int *s = server_thread_state();
  buf_addf(&r->out, "state=%s", s && *s == 42 ? "ok" : "missing");
}

static void h_echo(Request *r) {
  r->content_type = "text/plain";
  buf_addf(&r->out, "len=%zu body=%.20s", r->body_len, r->body);
}

static void h_problem(Request *r) {
  req_problem(r, 422, "Bad \"thing\"", "parameter 'x' must be <10>\n");
}

static void h_etag(Request *r) {
  r->etag = "\"v1\"";
  r->cache_control = "private, max-age=60";
  req_add_header(r, "Set-Cookie", "sid=abc; HttpOnly");
  buf_adds(&r->out, "tagged");
}

static void h_alloc(Request *r) {
  /* many small and some large arena allocations; ASan/valgrind check they are freed */
  for (int i = 0; i < 500; i++) {
    char *p = req_printf(r, "item-%d", i);
    if (i % 100 == 0) memset(req_alloc(r, 20000), 'x', 20000);
    if (i == 499) buf_adds(&r->out, p);
  }
  const char *h = req_header(r, "x-test");
  buf_addf(&r->out, " hdr=%s", h ? h : "(null)");
}

/* Internal error text that must never reach a client. */
#define SECRET_TEXT "cannot open /srv/secret/powerhouse.db on host=db.internal.example"

static void h_fail(Request *r) { req_unavailable(r, SECRET_TEXT); }

static void h_client(Request *r) { buf_addf(&r->out, "client=%s", r->client); }

/* A streamed body of STREAM_PARTS parts of STREAM_PART 'z's; a /stream-fail
 * body fails after 3 parts. */
#define STREAM_PART (64 * 1024)
#define STREAM_PARTS 1000 /* 64 MB */
static atomic_int parts_made, streams_done;
typedef struct {
  int made, fail_at;
} StreamCtx;

static int stream_more(Request *r, Buf *out) {
  StreamCtx *c = r->stream_ctx;
  if (c->fail_at && c->made == c->fail_at) {
    req_log_error(r, "stream failed at part %d: " SECRET_TEXT, c->made);
    return -1;
  }
  size_t at = out->len;
  buf_grow(out, STREAM_PART);
  memset(out->data + at, 'z', STREAM_PART);
  out->len += STREAM_PART;
  out->data[out->len] = 0;
  c->made++;
  atomic_fetch_add(&parts_made, 1);
  return c->made < STREAM_PARTS;
}

static void stream_done(Request *r) { atomic_fetch_add(&streams_done, 1); }

static void start_stream(Request *r, int fail_at) {
  StreamCtx *c = req_alloc(r, sizeof *c);
  c->made = 0;
  c->fail_at = fail_at;
  r->stream_ctx = c;
  r->content_type = "text/plain";
  buf_adds(&r->out, "head:");
  req_stream(r, stream_more, stream_done);
}

static void h_stream(Request *r) { start_stream(r, 0); }
static void h_stream_fail(Request *r) { start_stream(r, 3); }

/* Heavy: by the route's flag, or asked for by the handler. */
static atomic_int handler_heavy_runs;
static void h_heavy(Request *r) { start_stream(r, 0); }
static void h_ask_heavy(Request *r) {
  atomic_fetch_add(&handler_heavy_runs, 1);
  if (req_heavy(r)) return;
  buf_adds(&r->out, "got a slot");
}

/* Compression: a text body over CODING_MIN_BYTES with an ETag, a small
 * one, a large binary one. */
static void big_text(Buf *out) {
  for (int i = 0; i < 200; i++) buf_addf(out, "line %d of a text body that compresses well\n", i);
}
static void h_big(Request *r) {
  r->content_type = "text/plain; charset=utf-8";
  r->etag = "\"big1\"";
  big_text(&r->out);
}
static void h_small(Request *r) {
  r->content_type = "application/json";
  buf_adds(&r->out, "{\"small\":true}");
}
static void h_binary(Request *r) {
  r->content_type = "image/png";
  for (int i = 0; i < 4096; i++) buf_addc(&r->out, 'b');
}

/* /work: a job of 300 ms off the pool threads (req_work); the handler runs
 * twice, the second time with the job's result. */
static atomic_int work_runs;
typedef struct {
  int in, out;
} WorkJob;
static void work_fn(void *ctx) {
  WorkJob *w = ctx;
  usleep(300 * 1000);
  w->out = w->in * 2;
}
static void h_work(Request *r) {
  atomic_fetch_add(&work_runs, 1);
  buf_adds(&r->out, "set before the job, forgotten");
  WorkJob in = {21, 0};
  WorkJob *w = req_work(r, work_fn, &in, sizeof in);
  if (!w) return;
  buf_reset(&r->out);
  buf_addf(&r->out, "out=%d", w->out);
}

static const Route ROUTES[] = {
    {"GET", "/", h_root, 0},
    {"GET", "/files/*", h_files, 0},
    {"GET", "/params", h_params, 0},
    {"GET", "/slow", h_slow, 0},
    {"GET", "/state", h_state, 0},
    {"POST", "/echo", h_echo, 0},
    {"POST", "/upload", h_echo, ROUTE_UPLOAD},
    {"GET", "/problem", h_problem, 0},
    {"GET", "/etag", h_etag, 0},
    {"GET", "/alloc", h_alloc, 0},
    {"GET", "/fail", h_fail, 0},
    {"GET", "/client", h_client, 0},
    {"GET", "/stream", h_stream, 0},
    {"GET", "/stream-fail", h_stream_fail, 0},
    {"GET", "/heavy", h_heavy, ROUTE_HEAVY},
    {"GET", "/ask-heavy", h_ask_heavy, 0},
    {"GET", "/big", h_big, 0},
    {"GET", "/small", h_small, 0},
    {"GET", "/binary", h_binary, 0},
    {"GET", "/orgs/*/members", h_files, 0},
    {"GET", "/orgs/*", h_root, 0},
    {"GET", "/orgs/*/notices", h_files, 0}, /* after the route above, which would take it whole */
    {"GET", "/guarded", h_root, ROUTE_APP},
    {"GET", "/work", h_work, 0},
};

/* The application's before hook: a ROUTE_APP route needs "X-Let-In: yes". */
static int before(Request *r) {
  if (!(r->route_flags & ROUTE_APP)) return 0;
  const char *v = req_header(r, "X-Let-In");
  if (v && !strcmp(v, "yes")) return 0;
  r->status = 403;
  buf_adds(&r->out, "refused by the hook");
  return 1;
}

static int the_state = 42;
static void *t_init(void *app) {
  atomic_fetch_add(&n_init, 1);
  return &the_state;
}
static void t_done(void *app, void *state) {
  if (state == &the_state) atomic_fetch_add(&n_done, 1);
}

/* ---- running a server in the background ---------------------------------- */

typedef struct {
  ServerConfig cfg;
  Err err;
  int rc;
  pthread_t th;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  unsigned port;
  char host[64];
  int listening, finished;
} Running;

static void on_listen(void *app, const char *host, unsigned port) {
  Running *run = app;
  pthread_mutex_lock(&run->mu);
  run->port = port;
  snprintf(run->host, sizeof run->host, "%s", host);
  run->listening = 1;
  pthread_cond_broadcast(&run->cv);
  pthread_mutex_unlock(&run->mu);
}

static void *run_thread(void *p) {
  Running *run = p;
  run->rc = server_run(&run->cfg, &run->err);
  pthread_mutex_lock(&run->mu);
  run->finished = 1;
  pthread_cond_broadcast(&run->cv);
  pthread_mutex_unlock(&run->mu);
  return NULL;
}

/* Starts run->cfg; 1 once listening, 0 if server_run returned first (or 5 s passed). */
static int start(Running *run) {
  pthread_mutex_init(&run->mu, NULL);
  pthread_cond_init(&run->cv, NULL);
  run->cfg.app = run;
  run->cfg.on_listen = on_listen;
  pthread_create(&run->th, NULL, run_thread, run);
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_sec += 5;
  pthread_mutex_lock(&run->mu);
  while (!run->listening && !run->finished)
    if (pthread_cond_timedwait(&run->cv, &run->mu, &until) != 0) break;
  int ok = run->listening;
  pthread_mutex_unlock(&run->mu);
  return ok;
}

static void finish(Running *run) {
  pthread_join(run->th, NULL);
  pthread_mutex_destroy(&run->mu);
  pthread_cond_destroy(&run->cv);
}

/* ---- a tiny HTTP client ------------------------------------------------- */

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int conn_open_family(int family, unsigned port) {
  int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  struct timeval tv = {5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  int rc;
  if (family == AF_INET6) {
    struct sockaddr_in6 a = {0};
    a.sin6_family = AF_INET6;
    a.sin6_port = htons((unsigned short)port);
    a.sin6_addr = in6addr_loopback;
    rc = connect(fd, (struct sockaddr *)&a, sizeof a);
  } else {
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    rc = connect(fd, (struct sockaddr *)&a, sizeof a);
  }
  if (rc != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

static int conn_open(unsigned port) { return conn_open_family(AF_INET, port); }

/* A connection to 127.0.0.1:port from the loopback address src (127.0.0.0/8). */
static int conn_open_from(const char *src, unsigned port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  struct timeval tv = {5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  inet_pton(AF_INET, src, &a.sin_addr);
  struct sockaddr_in b = {0};
  b.sin_family = AF_INET;
  b.sin_port = htons((unsigned short)port);
  b.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || connect(fd, (struct sockaddr *)&b, sizeof b) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

/* Sends everything it can; a server that answers early and closes may cut it short. */
static void send_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
    if (k <= 0) return;
    p += k;
    n -= (size_t)k;
  }
}
static void send_str(int fd, const char *s) { send_all(fd, s, strlen(s)); }

typedef struct {
  int status;
  Buf head, body;
} Resp;

static void resp_release(Resp *r) {
  buf_release(&r->head);
  buf_release(&r->body);
  r->status = 0;
}

/* The value of header name in r (a static copy), or NULL. */
static const char *hdr(Resp *r, const char *name) {
  static _Thread_local char val[1024]; /* getters read headers on threads of their own */
  size_t n = strlen(name);
  const char *p = buf_cstr(&r->head);
  while ((p = strstr(p, "\r\n")) != NULL) {
    p += 2;
    if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
      const char *v = p + n + 1, *e;
      while (*v == ' ') v++;
      e = strstr(v, "\r\n");
      if (!e) e = v + strlen(v);
      snprintf(val, sizeof val, "%.*s", (int)(e - v), v);
      return val;
    }
  }
  return NULL;
}

/* Reads one response (headers byte by byte, so nothing of a following
 * response is consumed). head_only: a response to HEAD (no body follows).
 * Returns 0, or -1 on EOF/timeout before a complete response. */
static int read_resp(int fd, Resp *r, int head_only) {
  resp_release(r);
  char c;
  while (!(r->head.len >= 4 && memcmp(r->head.data + r->head.len - 4, "\r\n\r\n", 4) == 0)) {
    if (recv(fd, &c, 1, 0) != 1) return -1;
    buf_addc(&r->head, c);
  }
  if (r->head.len < 12 || memcmp(r->head.data, "HTTP/1.", 7) != 0 || (r->status = num_digits(r->head.data + 9, 3)) < 0)
    return -1;
  const char *cl = hdr(r, "Content-Length");
  if (head_only || r->status == 304 || r->status == 204) return 0;
  if (cl) {
    size_t want = strtoul(cl, NULL, 10);
    char buf[4096];
    while (r->body.len < want) {
      size_t k = want - r->body.len < sizeof buf ? want - r->body.len : sizeof buf;
      ssize_t got = recv(fd, buf, k, 0);
      if (got <= 0) return -1;
      buf_add(&r->body, buf, (size_t)got);
    }
  } else {
    char buf[4096];
    ssize_t got;
    while ((got = recv(fd, buf, sizeof buf, 0)) > 0) buf_add(&r->body, buf, (size_t)got);
  }
  buf_addc(&r->body, 0); /* keep it a C string for is_str */
  r->body.len--;
  return 0;
}

/* One request on a fresh connection. */
static int http(unsigned port, const char *raw, Resp *r) {
  int fd = conn_open(port);
  if (fd < 0) return -1;
  send_str(fd, raw);
  int rc = read_resp(fd, r, strncmp(raw, "HEAD ", 5) == 0);
  close(fd);
  return rc;
}

static int get(unsigned port, const char *target, Resp *r) {
  char req[1024];
  snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: t\r\n\r\n", target);
  return http(port, req, r);
}

/* The data of a chunked body (chunk extensions ignored); -1 when malformed
 * or without its final chunk. */
static int dechunk(const Buf *in, Buf *out) {
  const char *p = buf_cstr((Buf *)in), *end = p + in->len;
  for (;;) {
    char *e;
    unsigned long n = strtoul(p, &e, 16);
    const char *crlf = strstr(e, "\r\n");
    if (e == p || !crlf) return -1;
    p = crlf + 2;
    if (n == 0) return 0;
    if ((size_t)(end - p) < n + 2) return -1;
    buf_add(out, p, n);
    p += n + 2;
  }
}

static int gunzip(const char *in, size_t n, Buf *out) {
  z_stream zs = {0};
  if (inflateInit2(&zs, 15 + 16) != Z_OK) return -1;
  zs.next_in = (unsigned char *)in;
  zs.avail_in = (uInt)n;
  int rc;
  do {
    buf_grow(out, 1 << 20);
    zs.next_out = (unsigned char *)out->data + out->len;
    zs.avail_out = 1 << 20;
    rc = inflate(&zs, Z_NO_FLUSH);
    out->len += (1 << 20) - zs.avail_out;
  } while (rc == Z_OK);
  int rest = zs.avail_in != 0;
  inflateEnd(&zs);
  return rc == Z_STREAM_END && !rest ? 0 : -1;
}

static int req_with(unsigned port, const char *method, const char *target, const char *headers, Resp *r) {
  char req[1024];
  snprintf(req, sizeof req, "%s %s HTTP/1.1\r\nHost: t\r\n%sConnection: close\r\n\r\n", method, target, headers);
  return http(port, req, r);
}

/* ---- slow clients ----------------------------------------------------------- */

typedef struct {
  unsigned port;
  pthread_t th;
  atomic_int dribbling;
  int status;
} Slow;

static void *slow_client(void *p) {
  Slow *s = p;
  int fd = conn_open(s->port);
  if (fd < 0) return NULL;
  const char *req = "GET / HTTP/1.1\r\nHost: t\r\n\r\n";
  atomic_store(&s->dribbling, 1);
  for (size_t i = 0; i < 10; i++) { /* "GET / HTTP": one byte per 200 ms */
    send_all(fd, req + i, 1);
    usleep(200 * 1000);
  }
  atomic_store(&s->dribbling, 0);
  send_str(fd, req + 10);
  Resp r = {0};
  if (read_resp(fd, &r, 0) == 0) s->status = r.status;
  resp_release(&r);
  close(fd);
  return NULL;
}

/* ---- files ---------------------------------------------------------------- */

static char root[64];

static void write_file(const char *rel, const char *text) {
  char path[256];
  snprintf(path, sizeof path, "%s/%s", root, rel);
  FILE *f = fopen(path, "w");
  fputs(text, f);
  fclose(f);
}

static void cleanup_files(void) {
  const char *files[] = {"static/img/logo.svg", "static/app.css", "static/big.css", "static/link.txt",
                         "static/.hidden.txt", "static/notes.exe", "secret.txt"};
  char path[256];
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    snprintf(path, sizeof path, "%s/%s", root, files[i]);
    unlink(path);
  }
  snprintf(path, sizeof path, "%s/static/img", root);
  rmdir(path);
  snprintf(path, sizeof path, "%s/static", root);
  rmdir(path);
  rmdir(root);
}

/* ---- tests ------------------------------------------------------------------- */

static void test_basics(unsigned port) {
  Resp r = {0};
  ok(get(port, "/", &r) == 0, "GET / answered");
  is_int(r.status, 200, "GET / is 200");
  is_str(r.body.data, "hello", "GET / body");
  is_str(hdr(&r, "Content-Security-Policy"), "default-src 'self'; frame-ancestors 'none'", "CSP header");
  is_str(hdr(&r, "X-Content-Type-Options"), "nosniff", "nosniff header");
  is_str(hdr(&r, "Referrer-Policy"), "same-origin", "Referrer-Policy header");
  is_str(hdr(&r, "Cache-Control"), "no-store", "dynamic responses default to no-store");
  is_str(hdr(&r, "Content-Type"), "text/html; charset=utf-8", "default content type");

  get(port, "/nope", &r);
  is_int(r.status, 404, "no route: 404");
  is_str(hdr(&r, "Content-Type"), "application/problem+json", "404 is problem JSON");
  ok(hdr(&r, "Content-Security-Policy") != NULL, "404 carries the security headers too");

  http(port, "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n", &r);
  is_int(r.status, 405, "POST to a GET-only path: 405");
  is_str(hdr(&r, "Allow"), "GET, HEAD", "405 names the allowed methods");

  get(port, "/problem", &r);
  is_int(r.status, 422, "req_problem sets the status");
  is_str(hdr(&r, "Content-Type"), "application/problem+json", "req_problem content type");
  is_str(r.body.data,
         "{\"type\":\"about:blank\",\"title\":\"Bad \\\"thing\\\"\",\"status\":422,"
         "\"detail\":\"parameter 'x' must be <10>\\n\",\"instance\":\"/problem\"}\n",
         "req_problem writes escaped RFC 9457 JSON with instance = path");

  get(port, "/state", &r);
  is_str(r.body.data, "state=ok", "handlers see their pool thread's state");

  http(port, "GET /alloc HTTP/1.1\r\nHost: t\r\nX-Test: yes\r\n\r\n", &r);
  is_str(r.body.data, "item-499 hdr=yes", "arena allocations and req_header work");
  resp_release(&r);
}

static void test_keepalive_and_head(unsigned port) {
  Resp r = {0};
  int fd = conn_open(port);
  send_str(fd, "GET / HTTP/1.1\r\nHost: t\r\n\r\n");
  ok(read_resp(fd, &r, 0) == 0 && r.status == 200, "keep-alive: first response");
  ok(hdr(&r, "Connection") == NULL || strcasecmp(hdr(&r, "Connection"), "close") != 0,
     "keep-alive: no Connection: close");
  send_str(fd, "GET /nope HTTP/1.1\r\nHost: t\r\n\r\n");
  ok(read_resp(fd, &r, 0) == 0 && r.status == 404, "keep-alive: second request on the same connection");
  ok(hdr(&r, "Connection") == NULL, "keep-alive: a 404 keeps the connection too");

  send_str(fd, "HEAD / HTTP/1.1\r\nHost: t\r\n\r\n");
  ok(read_resp(fd, &r, 1) == 0 && r.status == 200, "HEAD / served by the GET route");
  is_str(hdr(&r, "Content-Length"), "5", "HEAD has the GET's Content-Length");
  send_str(fd, "GET /files/x HTTP/1.1\r\nHost: t\r\n\r\n");
  ok(read_resp(fd, &r, 0) == 0, "request after HEAD answered");
  ok(strncmp(r.head.data, "HTTP/1.1 200", 12) == 0 && strcmp(r.body.data, "cap=x") == 0,
     "HEAD sent no body (the next bytes are the next response)");
  close(fd);
  resp_release(&r);
}

static void test_routes_and_params(unsigned port) {
  Resp r = {0};
  get(port, "/files/a%20b/c%2Fd", &r);
  is_str(r.body.data, "cap=a b/c/d", "'*' capture is percent-decoded");
  get(port, "/files/100%25", &r);
  is_str(r.body.data, "cap=100%", "capture decoded exactly once");
  get(port, "/files/", &r);
  is_str(r.body.data, "cap=", "empty capture");
  get(port, "/files", &r);
  is_int(r.status, 404, "prefix pattern needs its prefix");
  get(port, "/%66iles/x", &r);
  is_str(r.body.data, "cap=x", "routes match the decoded path");
  get(port, "/files/%zz", &r);
  is_int(r.status, 400, "malformed escape in the path: 400");
  get(port, "/files/%00", &r);
  is_int(r.status, 400, "NUL in the path: 400");

  get(port, "/orgs/12/members", &r);
  is_str(r.body.data, "cap=12", "a '*' inside a pattern captures one segment");
  get(port, "/orgs/1%2F2/members", &r);
  is_str(r.body.data, "hello", "... of the decoded path, so an escaped slash makes two segments: the next route's");
  get(port, "/orgs//members", &r);
  is_str(r.body.data, "hello", "... never an empty one");
  get(port, "/orgs/12/members/x", &r);
  is_str(r.body.data, "hello", "... and the rest of the path must match exactly");
  get(port, "/orgs/7/notices", &r);
  is_str(r.body.data, "cap=7", "a trailing '*' that took several segments yields to a later route naming them");
  get(port, "/orgs/7/other", &r);
  is_str(r.body.data, "hello", "... and still takes a path no later route names");
  get(port, "/guarded", &r);
  is_int(r.status, 403, "the before hook refuses a route by its flags, before the handler");
  is_str(r.body.data, "refused by the hook", "... with its own answer");

  get(port, "/params?a=1&b=x+y&a=3&c=%C3%A9", &r);
  is_str(r.body.data, "a=1;b=x y;a=3;c=\xC3\xA9;first-a=1", "repeated query params kept in order, decoded");
  get(port, "/params", &r);
  is_str(r.body.data, "first-a=(null)", "no query: no params");
  get(port, "/params?bad=%G1", &r);
  is_int(r.status, 400, "malformed query escape: 400");
  ok(strstr(r.body.data, "bad") != NULL, "the 400 names the parameter");

  Buf q = BUF_INIT;
  buf_adds(&q, "/params?");
  for (int i = 0; i < SERVER_MAX_PARAMS; i++) buf_addf(&q, "p%d=%d&", i, i);
  get(port, q.data, &r);
  is_int(r.status, 200, "SERVER_MAX_PARAMS parameters accepted");
  buf_adds(&q, "one=more");
  get(port, q.data, &r);
  is_int(r.status, 400, "one parameter over SERVER_MAX_PARAMS: 400");
  ok(strstr(r.body.data, "limit is 64") != NULL, "and the message says the limit");
  buf_release(&q);
  resp_release(&r);
}

/* A request whose target is exactly len bytes. */
static int get_target_len(unsigned port, size_t len, Resp *r) {
  Buf b = BUF_INIT;
  buf_adds(&b, "GET /params?a=");
  while (b.len < 4 + len) buf_addc(&b, 'x');
  buf_adds(&b, " HTTP/1.1\r\nHost: t\r\n\r\n");
  int rc = http(port, b.data, r);
  buf_release(&b);
  return rc;
}

/* A request whose header block ("Name: value\r\n" lines) is exactly len bytes. */
static int get_headers_len(unsigned port, size_t len, Resp *r) {
  Buf b = BUF_INIT;
  buf_adds(&b, "GET / HTTP/1.1\r\nHost: t\r\n");
  size_t left = len - 9; /* "Host: t\r\n" */
  for (int i = 0; left > 0; i++) {
    size_t v; /* a line is "X-Pad-NN: " v bytes "\r\n": 12 + v; the last needs v >= 1 */
    if (left <= 12 + 1000)
      v = left - 12;
    else if (left - (12 + 1000) < 13)
      v = left - 12 - 13;
    else
      v = 1000;
    buf_addf(&b, "X-Pad-%02d: ", i % 100);
    for (size_t k = 0; k < v; k++) buf_addc(&b, 'h');
    buf_adds(&b, "\r\n");
    left -= 12 + v;
  }
  buf_adds(&b, "\r\n");
  int rc = http(port, b.data, r);
  buf_release(&b);
  return rc;
}

static void test_limits(unsigned port) {
  Resp r = {0};
  get_target_len(port, SERVER_MAX_URI, &r);
  is_int(r.status, 200, "request target of exactly SERVER_MAX_URI bytes: 200");
  get_target_len(port, SERVER_MAX_URI + 1, &r);
  is_int(r.status, 414, "one byte over SERVER_MAX_URI: 414");
  is_str(hdr(&r, "Content-Type"), "application/problem+json", "our 414 (problem JSON), not MHD's");
  get_target_len(port, 10 * 1024, &r);
  is_int(r.status, 414, "10 KB query string: 414");
  int rc = get_target_len(port, 100 * 1024, &r);
  ok(rc == 0 && r.status == 414, "100 KB request target (answered by MHD): 414 (got %d)", r.status);

  get_headers_len(port, SERVER_MAX_HEADERS, &r);
  is_int(r.status, 200, "headers of exactly SERVER_MAX_HEADERS bytes: 200");
  get_headers_len(port, SERVER_MAX_HEADERS + 1, &r);
  is_int(r.status, 431, "one byte over SERVER_MAX_HEADERS: 431");
  is_str(hdr(&r, "Content-Type"), "application/problem+json", "our 431 (problem JSON), not MHD's");
  {
    /* both at their limits at once: MHD's connection memory must hold them */
    Buf b = BUF_INIT;
    buf_adds(&b, "GET /params?a=");
    while (b.len < 4 + SERVER_MAX_URI) buf_addc(&b, 'x');
    buf_adds(&b, " HTTP/1.1\r\nHost: t\r\n");
    for (size_t left = SERVER_MAX_HEADERS - 9; left > 0;) {
      size_t v = left > 1012 + 13 ? 1000 : left - 12;
      buf_adds(&b, "X-Pad-00: ");
      for (size_t k = 0; k < v; k++) buf_addc(&b, 'h');
      buf_adds(&b, "\r\n");
      left -= 12 + v;
    }
    buf_adds(&b, "\r\n");
    http(port, b.data, &r);
    is_int(r.status, 200, "target and headers both exactly at their limits: 200");
    buf_release(&b);
  }
  get_headers_len(port, 20 * 1024, &r);
  is_int(r.status, 431, "20 KB of headers: 431");
  rc = get_headers_len(port, 200 * 1024, &r);
  ok(rc == 0 && r.status == 431, "200 KB of headers (answered by MHD): 431 (got %d)", r.status);

  http(port, "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2097152\r\n\r\n", &r);
  is_int(r.status, 413, "2 MB POST (by Content-Length): 413");
  char req[256];
  snprintf(req, sizeof req, "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: %u\r\n\r\n", SERVER_MAX_BODY + 1);
  http(port, req, &r);
  is_int(r.status, 413, "one byte over SERVER_MAX_BODY: 413");

  /* A body of exactly the limit is accepted. */
  Buf b = BUF_INIT;
  buf_addf(&b, "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: %u\r\n\r\n", SERVER_MAX_BODY);
  size_t start = b.len;
  buf_grow(&b, SERVER_MAX_BODY);
  memset(b.data + start, 'b', SERVER_MAX_BODY);
  b.len += SERVER_MAX_BODY;
  b.data[b.len] = 0;
  int fd = conn_open(port);
  send_all(fd, b.data, b.len);
  read_resp(fd, &r, 0);
  close(fd);
  is_int(r.status, 200, "a body of exactly SERVER_MAX_BODY: 200");
  ok(strncmp(buf_cstr(&r.body), "len=1048576 body=bbbb", 21) == 0, "and the handler saw all of it");

  /* A ROUTE_UPLOAD route takes bodies up to SERVER_MAX_UPLOAD. */
  buf_reset(&b);
  buf_addf(&b, "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: %u\r\n\r\n", 3u << 20);
  start = b.len;
  buf_grow(&b, 3u << 20);
  memset(b.data + start, 'u', 3u << 20);
  b.len += 3u << 20;
  b.data[b.len] = 0;
  fd = conn_open(port);
  send_all(fd, b.data, b.len);
  read_resp(fd, &r, 0);
  close(fd);
  is_int(r.status, 200, "a 3 MB body to a ROUTE_UPLOAD route: 200");
  ok(strncmp(buf_cstr(&r.body), "len=3145728 body=uuuu", 21) == 0, "and the handler saw all of it");
  snprintf(req, sizeof req, "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: %u\r\n\r\n", SERVER_MAX_UPLOAD + 1);
  http(port, req, &r);
  is_int(r.status, 413, "one byte over SERVER_MAX_UPLOAD to a ROUTE_UPLOAD route: 413");

  /* Chunked: no Content-Length, counted while it arrives. */
  http(port, "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", &r);
  is_str(r.body.data, "len=5 body=hello", "small chunked body delivered");
  buf_reset(&b);
  buf_adds(&b, "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n");
  fd = conn_open(port);
  send_all(fd, b.data, b.len);
  char chunk[65536 + 16];
  int hl = snprintf(chunk, sizeof chunk, "10000\r\n");
  memset(chunk + hl, 'c', 65536);
  memcpy(chunk + hl + 65536, "\r\n", 2);
  for (int i = 0; i < 20; i++) send_all(fd, chunk, (size_t)hl + 65536 + 2); /* 1.25 MB */
  send_str(fd, "0\r\n\r\n");
  read_resp(fd, &r, 0);
  close(fd);
  is_int(r.status, 413, "chunked body over SERVER_MAX_BODY: 413");

  /* A chunked body that never ends is cut off past 4x the limit. */
  fd = conn_open(port);
  send_str(fd, "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n");
  double t0 = now_ms();
  for (int i = 0; i < 100; i++) send_all(fd, chunk, (size_t)hl + 65536 + 2); /* 6.25 MB */
  int got = read_resp(fd, &r, 0);
  close(fd);
  ok(got < 0 && now_ms() - t0 < 4000, "an endless chunked body: connection cut (%.0f ms)", now_ms() - t0);
  get(port, "/", &r);
  is_int(r.status, 200, "and the server carries on");
  buf_release(&b);
  resp_release(&r);
}

/* ---- strict parsing (attack report, findings 7 and 21) ---------------------- */

/* Sends len bytes of raw on a fresh connection and reads until the server
 * closes it or 1.5 s pass. Returns the number of responses; *first is the
 * first one's status (0: none), *closed whether the server closed. */
static int exchange(unsigned port, const char *raw, size_t len, int *first, int *closed) {
  int fd = conn_open(port);
  *first = 0;
  *closed = 0;
  if (fd < 0) return -1;
  struct timeval tv = {0, 300 * 1000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  send_all(fd, raw, len);
  Buf in = BUF_INIT;
  double until = now_ms() + 1500;
  char b[4096];
  while (now_ms() < until) {
    ssize_t got = recv(fd, b, sizeof b, 0);
    if (got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
      *closed = 1;
      break;
    }
    if (got > 0) buf_add(&in, b, (size_t)got);
  }
  close(fd);
  buf_addc(&in, 0);
  int n = 0;
  for (const char *p = in.data; (p = strstr(p, "HTTP/1.1 ")) != NULL; p += 9) { /* a status line */
    int st = num_digits(p + 9, 3);
    if (st >= 100 && p[12] == ' ' && n++ == 0) *first = st;
  }
  buf_release(&in);
  return n;
}

#define SMUGGLED "GET /?smuggled=1 HTTP/1.1\r\nHost: t\r\n\r\n"

/* Thousands of empty query parameters once filled libmicrohttpd's connection
 * memory, and then no answer fitted (attack report, finding 15). */
static void test_empty_params(unsigned port) {
  static const struct {
    const char *piece;
    size_t n;
  } cases[] = {{"&", 1000}, {"&", 4000}, {"=&", 2000}, {";&", 3000}};
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    Buf b = BUF_INIT;
    buf_adds(&b, "GET /params?");
    for (size_t k = 0; k < cases[i].n; k++) buf_adds(&b, cases[i].piece);
    buf_adds(&b, " HTTP/1.1\r\nHost: t\r\n\r\n");
    int first, closed;
    int n = exchange(port, b.data, b.len, &first, &closed);
    ok(n == 1 && first == 400, "'%s' x %zu in the query: answered 400 (%d responses, first %d)", cases[i].piece,
       cases[i].n, n, first);
    buf_release(&b);
  }
  Resp r = {0};
  get(port, "/params?a=1&&a=2&", &r);
  ok(r.status == 200 && strstr(buf_cstr(&r.body), "first-a=1"), "a few empty parameters among others: 200");
  resp_release(&r);
}

static void test_strict(unsigned port) {
  static const struct {
    const char *name, *head; /* a request head; SMUGGLED follows where a proxy might see a body */
    int status;
  } cases[] = {
      {"differing Content-Length headers (0, then 39)",
       "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\nContent-Length: 39\r\n\r\n", 400},
      {"differing Content-Length headers (39, then 0)",
       "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 39\r\nContent-Length: 0\r\n\r\n", 400},
      {"'Content-Length :' (a space before the colon)",
       "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length : 39\r\n\r\n", 400},
      {"Content-Length with Transfer-Encoding",
       "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 44\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
      {"a bare CR inside a header", "GET / HTTP/1.1\r\nHost: t\r\nX-A: a\rb\r\n\r\n", 400},
      {"obsolete line folding", "GET / HTTP/1.1\r\nHost: t\r\nX-A: a\r\n b\r\n\r\n", 400},
      {"a folded Transfer-Encoding", "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding:\r\n chunked\r\nContent-Length: 39\r\n\r\n", 400},
      {"Transfer-Encoding: xchunked", "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: xchunked\r\n\r\n", 501},
      {"Transfer-Encoding: gzip", "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n", 501},
      {"Transfer-Encoding: chunked, identity",
       "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked, identity\r\n\r\n", 501},
      {"HTTP/1.1 without Host", "GET / HTTP/1.1\r\n\r\n", 400},
      {"two Host headers", "GET / HTTP/1.1\r\nHost: t\r\nHost: u\r\n\r\n", 400},
      {"a control character in the target", "GET /\x01 HTTP/1.1\r\nHost: t\r\n\r\n", 400},
      {"a space in the target", "GET /a b HTTP/1.1\r\nHost: t\r\n\r\n", 400},
      {"a tab in the target", "GET /a\tb HTTP/1.1\r\nHost: t\r\n\r\n", 400},
      {"a control character in the method", "G\x01T / HTTP/1.1\r\nHost: t\r\n\r\n", 400},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    Buf b = BUF_INIT;
    buf_adds(&b, cases[i].head);
    buf_adds(&b, SMUGGLED);
    int first, closed;
    int n = exchange(port, b.data, b.len, &first, &closed);
    ok(n == 1 && first == cases[i].status && closed, "%s: %d and the connection closed (%d responses, first %d, %s)",
       cases[i].name, cases[i].status, n, first, closed ? "closed" : "kept open");
    buf_release(&b);
  }
  /* a NUL inside the target: MHD would pass on only what comes before it */
  static const char nul[] = "GET /params?a=1\0b HTTP/1.1\r\nHost: t\r\n\r\n";
  int first, closed;
  int n = exchange(port, nul, sizeof nul - 1, &first, &closed);
  ok(n == 1 && first == 400 && closed, "a NUL in the target: 400 (%d responses, first %d)", n, first);
  /* what stays allowed: identical Content-Length twice, chunked, HTTP/1.0 without Host */
  static const char same_cl[] = "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nhi" SMUGGLED;
  n = exchange(port, same_cl, sizeof same_cl - 1, &first, &closed);
  ok(n == 2 && first == 200, "the same Content-Length twice: answered, and the next request too (%d, %d)", n, first);
  static const char chunked[] = "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: Chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n" SMUGGLED;
  n = exchange(port, chunked, sizeof chunked - 1, &first, &closed);
  ok(n == 2 && first == 200, "chunked: answered, and the next request too (%d, %d)", n, first);
  static const char v10[] = "GET / HTTP/1.0\r\n\r\n";
  n = exchange(port, v10, sizeof v10 - 1, &first, &closed);
  ok(n == 1 && first == 200, "HTTP/1.0 without Host: 200 (%d)", first);
}

/* The body must be complete within body_seconds (1 here) of the head,
 * however steadily it trickles in. */
static void test_body_deadline(unsigned port) {
  int fd = conn_open(port);
  send_str(fd, "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n");
  double t0 = now_ms();
  int cut = 0;
  char c;
  for (int i = 0; i < 40 && !cut; i++) { /* a byte each 100 ms: 4 s, never idle */
    if (send(fd, "x", 1, MSG_NOSIGNAL) != 1) cut = 1;
    struct timeval tv = {0, 100 * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ssize_t got = recv(fd, &c, 1, 0);
    if (got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) cut = 1;
  }
  double took = now_ms() - t0;
  ok(cut, "a body trickling in one byte per 100 ms is cut");
  ok(took > 800 && took < 2500, "at the body deadline of 1 s (%.0f ms)", took);
  close(fd);
}

static void test_slow_and_idle(unsigned port) {
  Slow slow[3];
  for (int i = 0; i < 3; i++) {
    memset(&slow[i], 0, sizeof slow[i]);
    slow[i].port = port;
    pthread_create(&slow[i].th, NULL, slow_client, &slow[i]);
  }
  usleep(300 * 1000);
  double t0 = now_ms();
  Resp r = {0};
  int rc = get(port, "/", &r);
  double took = now_ms() - t0;
  int still = atomic_load(&slow[0].dribbling) && atomic_load(&slow[1].dribbling) && atomic_load(&slow[2].dribbling);
  ok(rc == 0 && r.status == 200, "normal request answered while 3 slow clients dribble");
  ok(took < 500, "and quickly (%.0f ms)", took);
  ok(still, "the slow clients were still dribbling meanwhile");
  for (int i = 0; i < 3; i++) pthread_join(slow[i].th, NULL);
  ok(slow[0].status == 200 && slow[1].status == 200 && slow[2].status == 200,
     "slow clients are answered too (1 byte / 200 ms is not idle)");

  /* Idle: idle_seconds is 1 in this server. */
  int fd = conn_open(port);
  t0 = now_ms();
  char c;
  ssize_t got = recv(fd, &c, 1, 0);
  took = now_ms() - t0;
  ok(got == 0, "idle connection closed by the server (recv %zd)", got);
  ok(took > 700 && took < 3500, "after about the idle timeout (%.0f ms)", took);
  close(fd);

  fd = conn_open(port);
  send_str(fd, "GET / HTTP/1.1\r\nHost: t\r\n\r\n");
  read_resp(fd, &r, 0);
  t0 = now_ms();
  got = recv(fd, &c, 1, 0);
  took = now_ms() - t0;
  ok(got == 0 && took > 700 && took < 3500, "idle keep-alive connection closed after the timeout (%.0f ms)", took);
  close(fd);
  resp_release(&r);
}

/* A FIFO among the static files (attack report, finding 22): opening it
 * would block a pool thread until someone writes to it. Two requests (one per
 * pool thread), then a normal one. */
static void test_static_fifo(unsigned port) {
  char path[256];
  snprintf(path, sizeof path, "%s/static/fifo.css", root);
  if (mkfifo(path, 0600) != 0) {
    ok(0, "mkfifo %s: %s", path, strerror(errno));
    return;
  }
  Resp r = {0};
  int fds[2];
  for (int i = 0; i < 2; i++) {
    fds[i] = conn_open(port);
    struct timeval tv = {1, 0};
    setsockopt(fds[i], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    send_str(fds[i], "GET /static/fifo.css HTTP/1.1\r\nHost: t\r\n\r\n");
  }
  for (int i = 0; i < 2; i++) {
    int rc = read_resp(fds[i], &r, 0);
    ok(rc == 0 && r.status == 404, "a FIFO in the static directory: 404 at once (request %d: %d)", i + 1,
       rc == 0 ? r.status : -1);
    close(fds[i]);
  }
  int rc = get(port, "/", &r);
  ok(rc == 0 && r.status == 200, "and the pool threads are free for others");
  /* Should a thread be stuck in open(), a writer lets it go. */
  int w = open(path, O_WRONLY | O_NONBLOCK);
  if (w >= 0) close(w);
  unlink(path);
  resp_release(&r);
}

static void test_static(unsigned port) {
  Resp r = {0};
  get(port, "/static/app.css", &r);
  is_int(r.status, 200, "static file: 200");
  is_str(r.body.data, "body { color: red }\n", "static file body");
  is_str(hdr(&r, "Content-Type"), "text/css; charset=utf-8", "static content type");
  is_str(hdr(&r, "Cache-Control"), "public, max-age=86400", "static Cache-Control");
  ok(hdr(&r, "X-Content-Type-Options") != NULL, "static files carry the security headers");
  const char *e = hdr(&r, "ETag");
  char etag[128];
  snprintf(etag, sizeof etag, "%s", e ? e : "");
  ok(etag[0] == '"' && strlen(etag) > 4, "static ETag present (%s)", etag);

  char req[512];
  snprintf(req, sizeof req, "GET /static/app.css HTTP/1.1\r\nHost: t\r\nIf-None-Match: %s\r\n\r\n", etag);
  http(port, req, &r);
  is_int(r.status, 304, "If-None-Match with the ETag: 304");
  is_int(r.body.len, 0, "304 has no body");
  snprintf(req, sizeof req, "GET /static/app.css HTTP/1.1\r\nHost: t\r\nIf-None-Match: \"other\", W/%s\r\n\r\n", etag);
  http(port, req, &r);
  is_int(r.status, 304, "ETag found in a list, weak form: 304");
  http(port, "GET /static/app.css HTTP/1.1\r\nHost: t\r\nIf-None-Match: \"other\"\r\n\r\n", &r);
  is_int(r.status, 200, "another ETag: 200");
  http(port, "HEAD /static/app.css HTTP/1.1\r\nHost: t\r\n\r\n", &r);
  ok(r.status == 200 && r.body.len == 0, "HEAD of a static file");

  get(port, "/static/img/logo.svg", &r);
  ok(r.status == 200 && strcmp(hdr(&r, "Content-Type"), "image/svg+xml") == 0, "nested static file, svg type");

  /* A static text file over CODING_MIN_BYTES: gzip with its own ETag. */
  Buf plain = BUF_INIT, back = BUF_INIT;
  get(port, "/static/big.css", &r);
  buf_add(&plain, r.body.data, r.body.len);
  snprintf(etag, sizeof etag, "%s", hdr(&r, "ETag") ? hdr(&r, "ETag") : "");
  ok(r.status == 200 && plain.len > CODING_MIN_BYTES && !hdr(&r, "Content-Encoding") && hdr(&r, "Vary"),
     "a large static CSS file without Accept-Encoding: plain, with Vary");
  req_with(port, "GET", "/static/big.css", "Accept-Encoding: gzip\r\n", &r);
  char gzetag[160];
  snprintf(gzetag, sizeof gzetag, "%.*s-gz\"", (int)strlen(etag) - 1, etag);
  ok(r.status == 200 && hdr(&r, "Content-Encoding") && !strcmp(hdr(&r, "ETag"), gzetag),
     "with gzip: Content-Encoding: gzip and the ETag %s", gzetag);
  ok(gunzip(r.body.data, r.body.len, &back) == 0 && back.len == plain.len && !memcmp(back.data, plain.data, plain.len),
     "which inflates to the file");
  snprintf(req, sizeof req, "Accept-Encoding: gzip\r\nIf-None-Match: %s\r\n", gzetag);
  req_with(port, "GET", "/static/big.css", req, &r);
  is_int(r.status, 304, "If-None-Match with the gzip ETag, gzip accepted: 304");
  snprintf(req, sizeof req, "If-None-Match: %s\r\n", gzetag);
  req_with(port, "GET", "/static/big.css", req, &r);
  ok(r.status == 200 && r.body.len == plain.len, "the gzip ETag without gzip accepted: 200, plain");
  snprintf(req, sizeof req, "Accept-Encoding: gzip\r\nIf-None-Match: %s\r\n", etag);
  req_with(port, "GET", "/static/big.css", req, &r);
  ok(r.status == 200 && hdr(&r, "Content-Encoding"), "the plain ETag with gzip accepted: 200, gzip");
  buf_release(&plain);
  buf_release(&back);

  const char *refused[] = {"/static/../secret.txt", "/static/%2e%2e/secret.txt", "/static/img/../../secret.txt",
                           "/static/link.txt", "/static/.hidden.txt", "/static//etc/passwd",
                           "/static/notes.exe", "/static/img", "/static/missing.css", "/static/%2fetc%2fpasswd"};
  for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
    get(port, refused[i], &r);
    ok(r.status == 404 && !strstr(buf_cstr(&r.body), "TOPSECRET"), "%s refused with 404 (got %d)", refused[i],
       r.status);
  }
  http(port, "POST /static/app.css HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n", &r);
  is_int(r.status, 405, "POST to a static file: 405");

  get(port, "/etag", &r);
  ok(r.status == 200 && strcmp(hdr(&r, "ETag"), "\"v1\"") == 0, "handler ETag sent");
  is_str(hdr(&r, "Cache-Control"), "private, max-age=60", "handler Cache-Control sent");
  is_str(hdr(&r, "Set-Cookie"), "sid=abc; HttpOnly", "req_add_header header sent");
  http(port, "GET /etag HTTP/1.1\r\nHost: t\r\nIf-None-Match: \"v1\"\r\n\r\n", &r);
  is_int(r.status, 304, "handler ETag + If-None-Match: 304");
  resp_release(&r);
  test_static_fifo(port);
}

static void test_stop_in_flight(Running *run) {
  Resp r = {0};
  int fd = conn_open(run->port);
  send_str(fd, "GET /slow HTTP/1.1\r\nHost: t\r\n\r\n");
  for (int i = 0; i < 200 && !atomic_load(&slow_started); i++) usleep(10 * 1000);
  ok(atomic_load(&slow_started), "slow handler started");
  server_stop();
  int rc = read_resp(fd, &r, 0);
  ok(rc == 0 && r.status == 200 && strcmp(r.body.data, "slow done") == 0,
     "server_stop lets the in-flight request finish with 200");
  close(fd);
  finish(run);
  is_int(run->rc, 0, "server_run returns 0 after server_stop");
  ok(conn_open(run->port) < 0, "after the stop nothing listens");
  resp_release(&r);
}

static void test_access_log(FILE *log) {
  rewind(log);
  char line[4096];
  int n = 0, well_formed = 0, params_line = 0, head_line = 0, limit_line = 0, proxy_line = 0, cut_line = 0;
  regex_t form;
  if (regcomp(&form,
              "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z [0-9a-f.:]+ "
              "\"([A-Z]{1,15}|-|[!#-~]{1,64}) [^\"]{1,2999}\" ([0-9]{3}!?|-) [0-9]+ [0-9]+(\\.[0-9]+)? [0-9a-f]{16}\n$",
              REG_EXTENDED | REG_NOSUB))
    abort();
  while (fgets(line, sizeof line, log)) {
    n++;
    if (getenv("SHOW_LOG")) printf("# %s", line);
    if (regexec(&form, line, 0, NULL, 0) == 0)
      well_formed++;
    else
      printf("# odd log line: %s", line);
    if (strstr(line, "\"GET /params?a=1&b=x+y&a=3&c=%C3%A9\" 200 "))
      params_line++;
    if (strstr(line, "\"HEAD / HTTP/1.1\"") || strstr(line, "\"HEAD /\" 200 0 ")) head_line++;
    if (strstr(line, "\"POST /echo\" 413 ")) limit_line++;
    if (strstr(line, "Z 198.51.100.7 \"GET /client\" 200 ")) proxy_line++;
    if (strstr(line, "\"GET /stream-fail\" 200! ")) cut_line++;
  }
  regfree(&form);
  ok(n > 50, "access log has a line per request (%d lines)", n);
  is_int(well_formed, n, "every line: ISO-time client-ip \"METHOD /path?query\" status bytes ms request-id");
  is_int(params_line, 1, "the query string is logged raw with the status");
  ok(head_line >= 1, "HEAD logged with 0 bytes");
  ok(limit_line >= 2, "refused requests are logged with their status");
  ok(proxy_line >= 1, "a request through the trusted proxy is logged with the forwarded address");
  is_int(cut_line, 2, "each stream cut short by a failure (plain, gzip) is logged as 200!");
}

/* ---- request ids, internal errors, streams, heavy slots, the proxy --------- */

static size_t count_char(const Buf *b, char c) {
  size_t n = 0;
  for (size_t i = 0; i < b->len; i++) n += b->data[i] == c;
  return n;
}

static int is_hex16(const char *s) { return s && strlen(s) == 16 && strspn(s, "0123456789abcdef") == 16; }

static void test_ids_and_errors(unsigned port, FILE *errlog) {
  Resp r = {0};
  get(port, "/", &r);
  char first[32];
  snprintf(first, sizeof first, "%s", hdr(&r, "X-Request-Id") ? hdr(&r, "X-Request-Id") : "");
  ok(is_hex16(first), "every response has an X-Request-Id of 16 hex digits (%s)", first);
  get(port, "/", &r);
  ok(is_hex16(hdr(&r, "X-Request-Id")) && strcmp(hdr(&r, "X-Request-Id"), first) != 0, "each request its own id");

  get(port, "/fail", &r);
  is_int(r.status, 503, "req_unavailable: 503");
  is_str(hdr(&r, "Content-Type"), "application/problem+json", "as problem JSON");
  is_str(hdr(&r, "Retry-After"), SERVER_RETRY_AFTER, "with Retry-After");
  char id[32];
  snprintf(id, sizeof id, "%s", hdr(&r, "X-Request-Id") ? hdr(&r, "X-Request-Id") : "?");
  ok(strstr(buf_cstr(&r.body), id) != NULL, "the body gives the request id: %s", buf_cstr(&r.body));
  ok(!strstr(buf_cstr(&r.body), "secret") && !strstr(buf_cstr(&r.body), "db.internal") &&
         !strstr(buf_cstr(&r.head), "secret") && !strstr(buf_cstr(&r.head), "db.internal"),
     "the internal message is nowhere in the response");
  fflush(errlog);
  rewind(errlog);
  char line[1024], want[128];
  snprintf(want, sizeof want, "request %s: " SECRET_TEXT "\n", id);
  int found = 0;
  while (fgets(line, sizeof line, errlog))
    if (strstr(line, want)) found = 1;
  ok(found, "the error log has the message under the same id");
  fseek(errlog, 0, SEEK_END);
  resp_release(&r);
}

static int wait_for(atomic_int *v, int want, int ms) {
  for (int i = 0; i < ms / 10 && atomic_load(v) < want; i++) usleep(10 * 1000);
  return atomic_load(v) >= want;
}

static void test_streams(unsigned port) {
  Resp r = {0};
  atomic_store(&streams_done, 0);
  http(port, "GET /stream HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", &r);
  is_int(r.status, 200, "a streamed body: 200");
  is_str(hdr(&r, "Transfer-Encoding"), "chunked", "sent chunked, without a Content-Length");
  ok(hdr(&r, "Content-Length") == NULL && hdr(&r, "X-Request-Id") != NULL, "headers as for any response");
  is_int((long long)count_char(&r.body, 'z'), (long long)STREAM_PARTS * STREAM_PART, "every part arrived (64 MB)");
  const char *first = strstr(buf_cstr(&r.body), "\r\n");
  ok(first && strncmp(first + 2, "head:", 5) == 0, "what the handler wrote comes first");
  ok(r.body.len >= 5 && memcmp(r.body.data + r.body.len - 5, "0\r\n\r\n", 5) == 0, "and the body ends properly");
  ok(wait_for(&streams_done, 1, 2000), "done ran after the stream");

  /* A client that does not read: parts are made only as it takes them. */
  atomic_store(&parts_made, 0);
  int fd = conn_open(port);
  int small = 4096;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  send_str(fd, "GET /stream HTTP/1.1\r\nHost: t\r\n\r\n");
  usleep(500 * 1000);
  int made = atomic_load(&parts_made);
  ok(made > 0 && made < STREAM_PARTS / 5, "a reader that stops holds the producer back: %d of %d parts made in 0.5 s",
     made, STREAM_PARTS);
  close(fd);
  ok(wait_for(&streams_done, 2, 3000), "done runs when the client goes away mid-stream");

  http(port, "GET /stream-fail HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", &r);
  is_int(r.status, 200, "a stream that fails later started as 200");
  is_int((long long)count_char(&r.body, 'z'), 3LL * STREAM_PART, "the parts before the failure arrived");
  ok(r.body.len < 5 || memcmp(r.body.data + r.body.len - 5, "0\r\n\r\n", 5) != 0,
     "but no final chunk: the client can tell the body was cut");
  ok(!strstr(buf_cstr(&r.body), "secret"), "and the failure's message stays in the log");
  resp_release(&r);
}

static void test_gzip(unsigned port) {
  Resp r = {0};
  Buf plain = BUF_INIT, back = BUF_INIT;
  big_text(&plain);
  char hv[256];

  req_with(port, "GET", "/big", "", &r);
  ok(r.status == 200 && !hdr(&r, "Content-Encoding") && r.body.len == plain.len, "no Accept-Encoding: sent as it is");
  is_str(hdr(&r, "Vary"), "Accept-Encoding", "with Vary: Accept-Encoding");
  is_str(hdr(&r, "ETag"), "\"big1\"", "and the handler's ETag");

  req_with(port, "GET", "/big", "Accept-Encoding: gzip, deflate\r\n", &r);
  is_str(hdr(&r, "Content-Encoding"), "gzip", "Accept-Encoding: gzip: Content-Encoding: gzip");
  is_str(hdr(&r, "Vary"), "Accept-Encoding", "with Vary");
  is_str(hdr(&r, "ETag"), "\"big1-gz\"", "the compressed representation has its own ETag");
  snprintf(hv, sizeof hv, "%s", hdr(&r, "Content-Length") ? hdr(&r, "Content-Length") : "");
  ok(r.body.len < plain.len / 3 && strtoul(hv, NULL, 10) == r.body.len, "smaller (%zu of %zu), Content-Length is its size",
     r.body.len, plain.len);
  ok(gunzip(r.body.data, r.body.len, &back) == 0 && back.len == plain.len && !memcmp(back.data, plain.data, plain.len),
     "the body inflates to exactly the uncompressed body");

  req_with(port, "HEAD", "/big", "Accept-Encoding: gzip\r\n", &r);
  ok(r.status == 200 && hdr(&r, "Content-Encoding") && !strcmp(hdr(&r, "Content-Encoding"), "gzip"), "HEAD: gzip too");
  is_str(hdr(&r, "Content-Length"), hv, "HEAD reports GET's Content-Length");
  is_str(hdr(&r, "ETag"), "\"big1-gz\"", "and its ETag");

  req_with(port, "GET", "/big", "Accept-Encoding: gzip;q=0, deflate\r\n", &r);
  ok(!hdr(&r, "Content-Encoding") && r.body.len == plain.len, "gzip;q=0: not compressed");
  req_with(port, "GET", "/big", "Accept-Encoding: br\r\n", &r);
  ok(!hdr(&r, "Content-Encoding") && r.body.len == plain.len, "Accept-Encoding without gzip: not compressed");

  /* If-None-Match against each representation */
  req_with(port, "GET", "/big", "Accept-Encoding: gzip\r\nIf-None-Match: \"big1-gz\"\r\n", &r);
  ok(r.status == 304 && r.body.len == 0, "gzip tag, gzip accepted: 304");
  ok(hdr(&r, "ETag") && !strcmp(hdr(&r, "ETag"), "\"big1-gz\"") && hdr(&r, "Vary"), "the 304 carries the gzip ETag and Vary");
  req_with(port, "GET", "/big", "Accept-Encoding: gzip\r\nIf-None-Match: \"big1\"\r\n", &r);
  ok(r.status == 200 && hdr(&r, "Content-Encoding"), "identity tag, gzip accepted: 200 with the gzip body");
  req_with(port, "GET", "/big", "If-None-Match: \"big1\"\r\n", &r);
  is_int(r.status, 304, "identity tag, no gzip: 304");
  req_with(port, "GET", "/big", "If-None-Match: \"big1-gz\"\r\n", &r);
  ok(r.status == 200 && !hdr(&r, "Content-Encoding") && r.body.len == plain.len, "gzip tag, no gzip: 200 uncompressed");
  req_with(port, "GET", "/big", "Accept-Encoding: gzip\r\nIf-None-Match: W/\"big1-gz\"\r\n", &r);
  is_int(r.status, 304, "a weak form of the gzip tag matches (weak comparison)");

  req_with(port, "GET", "/small", "Accept-Encoding: gzip\r\n", &r);
  ok(r.status == 200 && !hdr(&r, "Content-Encoding") && !strcmp(r.body.data, "{\"small\":true}"),
     "a body under %d bytes is not compressed", CODING_MIN_BYTES);
  is_str(hdr(&r, "Vary"), "Accept-Encoding", "but Vary is there (a larger one would be)");
  req_with(port, "GET", "/binary", "Accept-Encoding: gzip\r\n", &r);
  ok(r.status == 200 && !hdr(&r, "Content-Encoding") && !hdr(&r, "Vary") && r.body.len == 4096,
     "a binary type is not compressed and has no Vary");
  req_with(port, "GET", "/problem", "Accept-Encoding: gzip\r\n", &r);
  ok(r.status == 422 && !hdr(&r, "Content-Encoding") && hdr(&r, "Vary"), "a small problem JSON: not compressed, Vary");

  /* A streamed body: one zlib stream, the producer's parts through it. */
  Buf data = BUF_INIT;
  buf_reset(&back);
  req_with(port, "GET", "/stream", "Accept-Encoding: gzip\r\n", &r);
  ok(r.status == 200 && hdr(&r, "Content-Encoding") && !strcmp(hdr(&r, "Content-Encoding"), "gzip") &&
         hdr(&r, "Vary"), "a streamed body: gzip, with Vary");
  ok(dechunk(&r.body, &data) == 0 && gunzip(data.data, data.len, &back) == 0, "a complete gzip member, chunked (%zu bytes)",
     data.len);
  ok(back.len == 5 + (size_t)STREAM_PARTS * STREAM_PART && !strncmp(back.data, "head:", 5) &&
         count_char(&back, 'z') == (size_t)STREAM_PARTS * STREAM_PART,
     "inflates to the handler's first part and every part (64 MB)");
  buf_reset(&data);
  buf_reset(&back);
  req_with(port, "GET", "/stream-fail", "Accept-Encoding: gzip\r\n", &r);
  ok(r.status == 200 && dechunk(&r.body, &data) < 0, "a gzip stream that fails is cut: no final chunk");
  ok(gunzip(data.data, data.len, &back) < 0, "and no complete gzip member either");
  ok(!strstr(buf_cstr(&back), "secret"), "the failure's message stays in the log");

  buf_release(&data);
  buf_release(&plain);
  buf_release(&back);
  resp_release(&r);
}

static void test_cors(unsigned port) {
  Resp r = {0};
  get(port, "/files/a.txt", &r);
  ok(r.status == 200 && hdr(&r, "Access-Control-Allow-Origin") && !strcmp(hdr(&r, "Access-Control-Allow-Origin"), "*"),
     "under cors_prefix: Access-Control-Allow-Origin: *");
  get(port, "/files/%zz", &r);
  ok(r.status == 400 && hdr(&r, "Access-Control-Allow-Origin"), "a 400 refused before decoding carries it too");
  http(port, "POST /files/x HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n", &r);
  ok(r.status == 405 && hdr(&r, "Access-Control-Allow-Origin"), "and a 405");
  get(port, "/", &r);
  ok(r.status == 200 && !hdr(&r, "Access-Control-Allow-Origin"), "outside it: none");
  get(port, "/nowhere", &r);
  ok(r.status == 404 && !hdr(&r, "Access-Control-Allow-Origin"), "nor on a 404 outside it");
  resp_release(&r);
}

typedef struct {
  unsigned port;
  const char *target;
  int reads; /* read the body */
  pthread_t th;
  int status;
  double ms;
  char retry[16];
} Getter;

static void *getter(void *p) {
  Getter *g = p;
  Resp r = {0};
  char req[256];
  snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", g->target);
  double t0 = now_ms();
  int fd = conn_open(g->port);
  send_str(fd, req);
  if (read_resp(fd, &r, 0) == 0) {
    g->status = r.status;
    snprintf(g->retry, sizeof g->retry, "%s", hdr(&r, "Retry-After") ? hdr(&r, "Retry-After") : "");
  }
  g->ms = now_ms() - t0;
  close(fd);
  resp_release(&r);
  return NULL;
}

/* The main server has one heavy slot. */
/* req_work: the job runs on a worker while its connection waits, so the
 * pool threads go on serving (two jobs at once would otherwise hold both). */
static void test_work(unsigned port) {
  atomic_store(&work_runs, 0);
  Getter a = {port, "/work", 1, 0, 0, 0, ""}, b = {port, "/work", 1, 0, 0, 0, ""};
  pthread_create(&a.th, NULL, getter, &a);
  pthread_create(&b.th, NULL, getter, &b);
  usleep(50 * 1000);
  double worst = 0;
  Resp r = {0};
  for (int i = 0; i < 5; i++) {
    double t0 = now_ms();
    get(port, "/", &r);
    if (now_ms() - t0 > worst) worst = now_ms() - t0;
  }
  ok(worst < 150, "while two 300 ms jobs run, other requests are answered at once (worst %.0f ms)", worst);
  pthread_join(a.th, NULL);
  pthread_join(b.th, NULL);
  is_int(a.status * 1000 + b.status, 200200, "both jobs' requests answered 200");
  is_int(atomic_load(&work_runs), 4, "each handler ran twice: before its job and with its result");
  ok((a.ms > 550) != (b.ms > 550), "one worker (one heavy slot): the jobs ran one after the other (%.0f, %.0f ms)", a.ms,
     b.ms);
  get(port, "/work", &r);
  is_str(r.body.data, "out=42", "the second run gets the job's result, and nothing the first run wrote");
  resp_release(&r);
}

static void test_heavy(unsigned port) {
  atomic_store(&parts_made, 0);
  int holder = conn_open(port); /* takes the slot and does not read */
  int small = 4096;
  setsockopt(holder, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  send_str(holder, "GET /heavy HTTP/1.1\r\nHost: t\r\n\r\n");
  ok(wait_for(&parts_made, 1, 2000), "a heavy download running");

  Getter g = {port, "/heavy", 0, 0, 0, 0, ""};
  pthread_create(&g.th, NULL, getter, &g);
  usleep(30 * 1000);
  double worst = 0;
  Resp r = {0};
  for (int i = 0; i < 5; i++) { /* while it waits, on 2 pool threads */
    double t0 = now_ms();
    get(port, "/", &r);
    if (now_ms() - t0 > worst) worst = now_ms() - t0;
  }
  pthread_join(g.th, NULL);
  is_int(g.status, 503, "a second heavy request while the slot is taken: 503");
  is_str(g.retry, SERVER_RETRY_AFTER, "with Retry-After");
  ok(g.ms >= SERVER_HEAVY_WAIT_MS * 0.8 && g.ms < SERVER_HEAVY_WAIT_MS + 1500,
     "after waiting about SERVER_HEAVY_WAIT_MS (%.0f ms)", g.ms);
  ok(worst < SERVER_HEAVY_WAIT_MS / 2, "meanwhile other requests are answered at once (worst %.0f ms): the wait holds no thread",
     worst);

  atomic_store(&handler_heavy_runs, 0);
  Getter h = {port, "/ask-heavy", 0, 0, 0, 0, ""};
  getter(&h);
  is_int(h.status, 503, "a handler's req_heavy waits the same way");
  is_int(atomic_load(&handler_heavy_runs), 2, "and the handler ran again when the wait ended");

  /* A waiter gets the slot as soon as the holder goes. */
  Getter w = {port, "/ask-heavy", 0, 0, 0, 0, ""};
  pthread_create(&w.th, NULL, getter, &w);
  usleep(50 * 1000);
  close(holder);
  pthread_join(w.th, NULL);
  is_int(w.status, 200, "a waiter takes the slot the holder gave up (%.0f ms)", w.ms);
  get(port, "/ask-heavy", &r);
  is_int(r.status, 200, "and gives it back when done");
  resp_release(&r);
}

static int http_from(const char *src, unsigned port, const char *raw, Resp *r) {
  int fd = conn_open_from(src, port);
  if (fd < 0) return -1;
  send_str(fd, raw);
  int rc = read_resp(fd, r, 0);
  close(fd);
  return rc;
}

/* The main server trusts 127.0.0.2 as its proxy. */
static void test_proxy(unsigned port) {
  Resp r = {0};
  http_from("127.0.0.2", port, "GET /client HTTP/1.1\r\nHost: t\r\nX-Forwarded-For: 203.0.113.9, 198.51.100.7\r\n\r\n", &r);
  is_str(buf_cstr(&r.body), "client=198.51.100.7", "from the trusted proxy: the rightmost X-Forwarded-For address");
  http_from("127.0.0.2", port,
            "GET /client HTTP/1.1\r\nHost: t\r\nX-Forwarded-For: 198.51.100.1\r\nX-Forwarded-For: 2001:db8::7\r\n\r\n", &r);
  is_str(buf_cstr(&r.body), "client=2001:db8::7", "of the last X-Forwarded-For header (IPv6 too)");
  http_from("127.0.0.2", port, "GET /client HTTP/1.1\r\nHost: t\r\n\r\n", &r);
  is_str(buf_cstr(&r.body), "client=127.0.0.2", "without X-Forwarded-For: the proxy itself");
  http_from("127.0.0.2", port, "GET /client HTTP/1.1\r\nHost: t\r\nX-Forwarded-For: evil.example\r\n\r\n", &r);
  is_str(buf_cstr(&r.body), "client=127.0.0.2", "an X-Forwarded-For that is not an address is ignored");
  http_from("127.0.0.3", port, "GET /client HTTP/1.1\r\nHost: t\r\nX-Forwarded-For: 198.51.100.7\r\n\r\n", &r);
  is_str(buf_cstr(&r.body), "client=127.0.0.3", "from anyone else X-Forwarded-For is not believed");

  /* per_ip_lb.py's case: many connections at once from one address */
  enum { N = 40 };
  const char *srcs[2] = {"127.0.0.2", "127.0.0.4"};
  for (int k = 0; k < 2; k++) {
    int fds[N], answered = 0;
    for (int i = 0; i < N; i++) fds[i] = conn_open_from(srcs[k], port);
    usleep(100 * 1000);
    for (int i = 0; i < N; i++)
      if (fds[i] >= 0) send_all(fds[i], "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", 46);
    for (int i = 0; i < N; i++) {
      if (fds[i] >= 0 && read_resp(fds[i], &r, 0) == 0 && r.status == 200) answered++;
      if (fds[i] >= 0) close(fds[i]);
    }
    if (k == 0)
      is_int(answered, N, "40 connections at once from the trusted proxy: all answered");
    else
      is_int(answered, SERVER_MAX_PER_IP, "40 at once from another address: the per-address limit still holds");
  }

  /* in-flight requests per forwarded address */
  const char *pending = "POST /echo HTTP/1.1\r\nHost: t\r\nX-Forwarded-For: 198.51.100.9\r\nContent-Length: 10\r\n\r\n";
  int fds[SERVER_MAX_PER_IP];
  for (int i = 0; i < SERVER_MAX_PER_IP; i++) {
    fds[i] = conn_open_from("127.0.0.2", port);
    send_str(fds[i], pending);
  }
  usleep(150 * 1000);
  http_from("127.0.0.2", port, pending, &r);
  is_int(r.status, 429, "one request more in flight for one forwarded address: 429");
  is_str(hdr(&r, "Retry-After"), "1", "with Retry-After");
  http_from("127.0.0.2", port, "GET /client HTTP/1.1\r\nHost: t\r\nX-Forwarded-For: 198.51.100.10\r\n\r\n", &r);
  is_str(buf_cstr(&r.body), "client=198.51.100.10", "while another forwarded address is served");
  int done = 0;
  for (int i = 0; i < SERVER_MAX_PER_IP; i++) {
    send_str(fds[i], "0123456789");
    if (read_resp(fds[i], &r, 0) == 0 && r.status == 200) done++;
    close(fds[i]);
  }
  is_int(done, SERVER_MAX_PER_IP, "the requests in flight complete");
  usleep(100 * 1000);
  http_from("127.0.0.2", port, "GET /client HTTP/1.1\r\nHost: t\r\nX-Forwarded-For: 198.51.100.9\r\n\r\n", &r);
  is_int(r.status, 200, "and that address is served again");
  resp_release(&r);
}

static void test_bind_errors(void) {
  int lfd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t al = sizeof a;
  bind(lfd, (struct sockaddr *)&a, sizeof a);
  listen(lfd, 1);
  getsockname(lfd, (struct sockaddr *)&a, &al);
  char spec[64];
  snprintf(spec, sizeof spec, "127.0.0.1:%u", ntohs(a.sin_port));

  Running run = {0};
  run.cfg = (ServerConfig){.listen = spec, .routes = ROUTES, .n_routes = 1, .threads = 1};
  int started = start(&run);
  if (started) server_stop();
  finish(&run);
  ok(!started && run.rc < 0, "binding a port in use fails");
  char want[128];
  snprintf(want, sizeof want, "cannot listen on %s: Address already in use", spec);
  is_str(run.err.msg, want, "with a clear message");
  close(lfd);

  memset(&run, 0, sizeof run);
  run.cfg = (ServerConfig){.listen = "localhost", .routes = ROUTES, .n_routes = 1, .threads = 1};
  started = start(&run);
  if (started) server_stop();
  finish(&run);
  ok(!started && run.rc == ERR_USAGE && strstr(run.err.msg, "host:port"), "a listen spec without a port: %s",
     run.err.msg);
}

static void test_ipv6_and_sigterm(FILE *log) {
  int probe = socket(AF_INET6, SOCK_STREAM, 0);
  struct sockaddr_in6 a = {0};
  a.sin6_family = AF_INET6;
  a.sin6_addr = in6addr_loopback;
  int have_v6 = probe >= 0 && bind(probe, (struct sockaddr *)&a, sizeof a) == 0;
  if (probe >= 0) close(probe);

  Running run = {0};
  run.cfg = (ServerConfig){.listen = have_v6 ? "[::1]:0" : "127.0.0.1:0", .routes = ROUTES, .n_routes = 1,
                           .threads = 0 /* one per CPU */, .access_log = log};
  ok(start(&run), "second server started");
  if (have_v6) {
    is_str(run.host, "::1", "on_listen gets the IPv6 host without brackets");
    Resp r = {0};
    int fd = conn_open_family(AF_INET6, run.port);
    send_str(fd, "GET / HTTP/1.1\r\nHost: [::1]\r\n\r\n");
    ok(fd >= 0 && read_resp(fd, &r, 0) == 0 && r.status == 200, "GET over IPv6 [::1]");
    close(fd);
    resp_release(&r);
  } else {
    printf("ok %d # skip n/a: no IPv6 loopback on this machine\n", ++tap_n);
    printf("ok %d # skip n/a: no IPv6 loopback on this machine\n", ++tap_n);
  }
  Running other = {0};
  other.cfg = (ServerConfig){.listen = "127.0.0.1:0", .routes = ROUTES, .n_routes = 1, .threads = 1};
  int started = start(&other);
  finish(&other);
  ok(!started && strstr(other.err.msg, "already running"), "one server per process: %s", other.err.msg);

  raise(SIGTERM); /* would kill the test if server_run had not installed its handler */
  finish(&run);
  is_int(run.rc, 0, "SIGTERM stops server_run cleanly");
  struct sigaction now;
  sigaction(SIGTERM, NULL, &now);
  ok(now.sa_handler == SIG_DFL, "server_run restored the SIGTERM disposition");
}

int main(void) {
  snprintf(root, sizeof root, "/tmp/test_server.XXXXXX");
  if (!mkdtemp(root)) return 1;
  char path[256];
  snprintf(path, sizeof path, "%s/static", root);
  mkdir(path, 0755);
  snprintf(path, sizeof path, "%s/static/img", root);
  mkdir(path, 0755);
  write_file("secret.txt", "TOPSECRET\n");
  write_file("static/app.css", "body { color: red }\n");
  Buf css = BUF_INIT;
  for (int i = 0; i < 100; i++) buf_addf(&css, ".c%d { color: #%06x; margin: %dpx }\n", i, i * 4099, i);
  write_file("static/big.css", css.data);
  buf_release(&css);
  write_file("static/img/logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n");
  write_file("static/.hidden.txt", "hidden\n");
  write_file("static/notes.exe", "MZ\n");
  snprintf(path, sizeof path, "%s/static/link.txt", root);
  if (symlink("../secret.txt", path) != 0) return 1;
  snprintf(path, sizeof path, "%s/static", root);

  FILE *log = tmpfile(), *errlog = tmpfile();
  Running run = {0};
  run.cfg = (ServerConfig){
      .listen = "127.0.0.1:0",
      .routes = ROUTES,
      .n_routes = sizeof ROUTES / sizeof ROUTES[0],
      .static_dir = path,
      .threads = 2,
      .access_log = log,
      .thread_init = t_init,
      .thread_done = t_done,
      .idle_seconds = 1,
      .head_seconds = 5,
      .body_seconds = 1,
      .error_log = errlog,
      .heavy_slots = 1,
      .trusted_proxy = "127.0.0.2",
      .cors_prefix = "/files/",
      .before = before,
  };
  if (!ok(start(&run), "server listening")) {
    printf("# %s\n", run.err.msg);
    return done_testing();
  }
  ok(run.port > 0, "port 0 picked a free port, reported by on_listen (%u)", run.port);
  is_str(run.host, "127.0.0.1", "on_listen gets the host");

  test_basics(run.port);
  test_keepalive_and_head(run.port);
  test_routes_and_params(run.port);
  test_limits(run.port);
  test_ids_and_errors(run.port, errlog);
  test_streams(run.port);
  test_gzip(run.port);
  test_cors(run.port);
  test_heavy(run.port);
  test_work(run.port);
  test_proxy(run.port);
  test_static(run.port);
  test_slow_and_idle(run.port);
  test_strict(run.port);
  test_empty_params(run.port);
  test_body_deadline(run.port);
  test_stop_in_flight(&run);
  ok(atomic_load(&n_init) >= 1 && atomic_load(&n_init) <= 2, "thread_init ran once per pool thread used (%d)",
     atomic_load(&n_init));
  is_int(atomic_load(&n_done), atomic_load(&n_init), "thread_done ran for each state after the stop");
  ok(server_thread_state() == NULL, "no thread state outside the pool");
  test_access_log(log);

  test_bind_errors();
  test_ipv6_and_sigterm(log);

  fclose(log);
  fclose(errlog);
  cleanup_files();
  return done_testing();
}

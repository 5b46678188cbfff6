/* test_limits.c -- the server's connection limits (server.h), end to end over
 * loopback: server_run in a background thread on port 0, plain sockets bound
 * to different loopback addresses (127.0.0.1, 127.0.0.2, ...) as clients.
 *   - per address: SERVER_MAX_PER_IP open connections from one address are
 *     served; one more from that address gets no answer (libmicrohttpd closes
 *     it at once), while another address is still served; once one of the
 *     first closes, the address is served again;
 *   - in all: SERVER_MAX_CONNECTIONS open connections (from as many addresses
 *     as the per-address limit needs) are served; one more, from a fresh
 *     address, gets no answer while they stay open (closed or left waiting in
 *     the backlog), and is served once some of them close.
 * The limits are compile-time constants (ServerConfig has no field for them),
 * so the test opens SERVER_MAX_CONNECTIONS + 1 connections: about 2,100 file
 * descriptors in this process; it raises its own soft limit to do so. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../tap.h"
#include "base/buf.h"
#include "web/server.h"

static void hello(Request *r) { buf_adds(&r->out, "hello"); }
static const Route ROUTES[] = {{"GET", "/", hello, 0}};

/* ---- running a server in the background ---------------------------------- */

typedef struct {
  ServerConfig cfg;
  Err err;
  int rc;
  pthread_t th;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  unsigned port;
  int listening, finished;
} Running;

static void on_listen(void *app, const char *host, unsigned port) {
  Running *run = app;
  pthread_mutex_lock(&run->mu);
  run->port = port;
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

static int start(Running *run) {
  pthread_mutex_init(&run->mu, NULL);
  pthread_cond_init(&run->cv, NULL);
  run->cfg.app = run;
  run->cfg.on_listen = on_listen;
  pthread_create(&run->th, NULL, run_thread, run);
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_sec += 10;
  pthread_mutex_lock(&run->mu);
  while (!run->listening && !run->finished)
    if (pthread_cond_timedwait(&run->cv, &run->mu, &until) != 0) break;
  int ok = run->listening;
  pthread_mutex_unlock(&run->mu);
  return ok;
}

/* ---- clients ------------------------------------------------------------------ */

/* A connection from 127.0.0.<host> to the server; -1 on failure. */
static int conn_from(int host, unsigned port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK + (uint32_t)(host - 1));
  struct sockaddr_in to = {0};
  to.sin_family = AF_INET;
  to.sin_port = htons((unsigned short)port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  struct timeval tv = {10, 0};
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || connect(fd, (struct sockaddr *)&to, sizeof to) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

/* Sends one keep-alive GET / and waits up to wait_ms for the whole answer.
 * 1: answered 200 "hello"; 0: closed or reset without an answer; -1: no answer
 * within wait_ms (the connection is then useless: close it). */
static int ask(int fd, int wait_ms) {
  static const char req[] = "GET / HTTP/1.1\r\nHost: t\r\n\r\n";
  if (send(fd, req, sizeof req - 1, MSG_NOSIGNAL) != (ssize_t)(sizeof req - 1)) return 0;
  char buf[1024];
  size_t got = 0;
  for (;;) {
    struct pollfd p = {fd, POLLIN, 0};
    int k = poll(&p, 1, wait_ms);
    if (k == 0) return -1;
    if (k < 0) return errno == EINTR ? -1 : 0;
    ssize_t n = recv(fd, buf + got, sizeof buf - 1 - got, 0);
    if (n <= 0) return 0;
    got += (size_t)n;
    buf[got] = 0;
    char *body = strstr(buf, "\r\n\r\n");
    if (body && strlen(body + 4) >= 5) return strncmp(buf, "HTTP/1.1 200", 12) == 0 && strcmp(body + 4, "hello") == 0;
    if (got == sizeof buf - 1) return 0;
  }
}

/* A new connection from host that is served within wait_ms (retrying, since
 * the server notices a closed connection a moment later). */
static int served_from(int host, unsigned port, int wait_ms) {
  for (int waited = 0; waited <= wait_ms; waited += 50) {
    int fd = conn_from(host, port);
    int r = fd >= 0 ? ask(fd, 2000) : 0;
    if (fd >= 0) close(fd);
    if (r == 1) return 1;
    usleep(50000);
  }
  return 0;
}

#define HOSTS (SERVER_MAX_CONNECTIONS / SERVER_MAX_PER_IP) /* addresses to reach the total */

int main(void) {
  struct rlimit rl;
  getrlimit(RLIMIT_NOFILE, &rl);
  rlim_t need = 2 * SERVER_MAX_CONNECTIONS + 256;
  if (rl.rlim_cur < need && rl.rlim_max >= need) {
    rl.rlim_cur = need;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  getrlimit(RLIMIT_NOFILE, &rl);
  if (!ok(rl.rlim_cur >= need, "room for %llu file descriptors (soft limit %llu)", (unsigned long long)need,
          (unsigned long long)rl.rlim_cur))
    return done_testing();

  FILE *log = fopen("/dev/null", "w");
  Running run = {0};
  /* two pool threads, as on the 2-core machine; a long idle timeout so the
   * first connections outlive a slow (valgrind) run */
  run.cfg = (ServerConfig){.listen = "127.0.0.1:0", .routes = ROUTES, .n_routes = 1, .threads = 2,
                           .access_log = log, .idle_seconds = 300};
  if (!ok(start(&run), "server started")) return done_testing();
  unsigned port = run.port;

  /* ---- in all (first, on a fresh server: a closed connection counts until the
   * server has cleaned it up, a moment later) ---- */
  int fds[SERVER_MAX_CONNECTIONS];
  int n_open = 0, served = 0;
  for (int h = 1; h <= HOSTS; h++)
    for (int i = 0; i < SERVER_MAX_PER_IP && n_open < SERVER_MAX_CONNECTIONS; i++) {
      int fd = conn_from(h, port);
      if (fd < 0) break;
      fds[n_open++] = fd;
      served += ask(fd, 5000) == 1;
    }
  is_int(n_open, SERVER_MAX_CONNECTIONS, "%d connections open from %d addresses", SERVER_MAX_CONNECTIONS, HOSTS);
  is_int(served, SERVER_MAX_CONNECTIONS, "all %d served", SERVER_MAX_CONNECTIONS);
  int extra = conn_from(HOSTS + 1, port);
  int r = extra >= 0 ? ask(extra, 1500) : 0;
  ok(r != 1, "connection %d, from a fresh address, is not served while they stay open (%s)",
     SERVER_MAX_CONNECTIONS + 1, r == 0 ? "closed" : "no answer");
  if (extra >= 0) close(extra);
  for (int i = 0; i < 8 && n_open > 0; i++) close(fds[--n_open]);
  ok(served_from(HOSTS + 1, port, 5000), "after some close, a new connection is served");
  while (n_open > 0) close(fds[--n_open]);

  /* ---- per address (one not used above) ---- */
  const int me = HOSTS + 2, other = HOSTS + 3;
  served = 0;
  for (int i = 0; i < SERVER_MAX_PER_IP; i++) {
    int fd = conn_from(me, port);
    if (fd < 0) break;
    fds[n_open++] = fd;
    served += ask(fd, 5000) == 1;
  }
  is_int(served, SERVER_MAX_PER_IP, "%d connections from one address all served", SERVER_MAX_PER_IP);
  extra = conn_from(me, port);
  r = extra >= 0 ? ask(extra, 1500) : 0;
  ok(r != 1, "connection %d from the same address is not served (%s)", SERVER_MAX_PER_IP + 1,
     r == 0 ? "closed" : "no answer");
  if (extra >= 0) close(extra);
  ok(served_from(other, port, 0), "another address is still served");
  for (int i = 0; i < n_open; i++) served -= ask(fds[i], 5000) != 1;
  is_int(served, SERVER_MAX_PER_IP, "the first %d still served on their kept-alive connections", SERVER_MAX_PER_IP);
  close(fds[--n_open]);
  ok(served_from(me, port, 3000), "after one closes, the address is served again");

  while (n_open > 0) close(fds[--n_open]);
  server_stop();
  pthread_join(run.th, NULL);
  is_int(run.rc, 0, "server stopped cleanly");
  fclose(log);
  return done_testing();
}

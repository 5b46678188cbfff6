/* bench/fresh.c -- freshness: how soon a release committed by another process
 * is searchable through a running portal, what searching costs meanwhile, and
 * what the portal's memory does (issue: a live core).
 *
 * Starts `./powerhouse serve --db URL` as a child process on a free loopback
 * port and waits until it answers. Then, for --seconds:
 *   - --concurrency client threads search over keep-alive HTTP/1.1 (GET
 *     /api/v1/notices?q=...; common words of the generated data, with and
 *     without filters), each request timed;
 *   - once a second, this program writes one new release whose title holds a
 *     word of its own, runs `./powerhouse ingest` on it (a separate process:
 *     its exit is the commit) and polls the API every 5 ms until that word is
 *     found: commit-to-searchable time;
 *   - then one batch of --batch releases (default 10,000) sharing one word,
 *     ingested by one process: time from its commit until the search finds
 *     all of them;
 *   - every 20 ms it reads the server's resident memory (/proc/PID/status):
 *     steady = the median before the first ingest, peak = the highest seen,
 *     until 12 s after the batch (the merges it starts);
 *   - at the end, the server's log lines about its search index (the first
 *     build, each merge).
 * Reports commit-to-searchable p50/p99/max for single releases and the
 * batch's time, search p50/p99 during the run, and memory steady/peak with
 * their ratio. Targets (issue): searchable p99 <= 1 s at 1,000,000 releases,
 * search p99 <= 20 ms, peak <= 1.25x steady.
 *
 * The store grows by what this benchmark ingests (ocids ocds-fresh-RUN-...,
 * RUN = the start time), about 10,000 notices a run.
 *
 *   build/opt/bench/fresh [--db URL] [--seconds N] [--concurrency N] [--batch N]
 *                         [--bin PATH]
 * Defaults: the store bench/ingest builds, 30 s, 8 clients, 10,000, ./powerhouse. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/num.h"

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* The p-th percentile of v[0..n) (sorts v). */
static double pct(double *v, size_t n, double p) {
  if (!n) return 0;
  qsort(v, n, sizeof *v, cmp_double);
  size_t i = (size_t)(p * (double)(n - 1) + 0.5);
  return v[i < n ? i : n - 1];
}

typedef struct {
  double *v;
  size_t n, cap;
  pthread_mutex_t mu;
} Samples;

static void samples_add(Samples *s, double x) {
  pthread_mutex_lock(&s->mu);
  if (s->n == s->cap) s->v = xrealloc(s->v, (s->cap = s->cap ? 2 * s->cap : 1024) * sizeof *s->v);
  s->v[s->n++] = x;
  pthread_mutex_unlock(&s->mu);
}

/* ---- a small HTTP/1.1 client (keep-alive, Content-Length bodies) ---------- */

typedef struct {
  int fd, port;
  char *buf;
  size_t cap;
} Conn;

static int dial(Conn *c) {
  if (c->fd >= 0) return 0;
  c->fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)c->port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int one = 1;
  setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect(c->fd, (struct sockaddr *)&a, sizeof a)) {
    close(c->fd);
    c->fd = -1;
    return -1;
  }
  return 0;
}

/* GET path: 0 and *status, body in c->buf (NUL-terminated); -1 on a broken
 * connection (closed, to be dialled again). */
static int http_get(Conn *c, const char *path, int *status, const char **body) {
  if (dial(c)) return -1;
  Buf req = BUF_INIT;
  buf_addf(&req, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", path);
  ssize_t w = send(c->fd, req.data, req.len, MSG_NOSIGNAL);
  int bad = w != (ssize_t)req.len;
  buf_release(&req);
  size_t len = 0, head = 0, want = 0;
  while (!bad) {
    if (len + 65536 > c->cap) c->buf = xrealloc(c->buf, c->cap = c->cap ? 2 * c->cap : 131072);
    ssize_t r = recv(c->fd, c->buf + len, c->cap - len - 1, 0);
    if (r <= 0) break;
    len += (size_t)r;
    c->buf[len] = 0;
    if (!head) {
      char *e = strstr(c->buf, "\r\n\r\n");
      if (!e) continue;
      head = (size_t)(e - c->buf) + 4;
      *status = len > 12 ? num_digits(c->buf + 9, 3) : -1;
      const char *cl = NULL;
      for (const char *h = strstr(c->buf, "\r\n"); h && h < e; h = strstr(h + 2, "\r\n"))
        if (!strncasecmp(h + 2, "content-length:", 15)) cl = h + 17;
      if (!cl) break;
      want = head + strtoull(cl, NULL, 10);
    }
    if (len >= want) {
      *body = c->buf + head;
      return 0;
    }
  }
  close(c->fd);
  c->fd = -1;
  return -1;
}

/* The "total" of an API answer, or -1. */
static long long total_of(const char *body) {
  const char *t = strstr(body, "\"total\":");
  return t ? strtoll(t + 8, NULL, 10) : -1;
}

/* ---- searching clients ---------------------------------------------------- */

static const char *const MIX[] = {
    "q=services",
    "q=software%20support",
    "q=digital%20services&status=open",
    "q=support&region=TLD",
    "q=data%20platform&sort=newest",
    "q=council%20services&cpv=72",
    "q=maintenance&value_min=100000",
    "q=%22support%20services%22",
    "status=open&sort=closing",
    "q=software&sme=true&sort=closing",
};
#define N_MIX (sizeof MIX / sizeof *MIX)

static atomic_int stop;
static int port;
static Samples searches;
static atomic_llong errors;

static void *client_main(void *arg) {
  Conn c = {.fd = -1, .port = port};
  unsigned i = (unsigned)(uintptr_t)arg;
  Buf path = BUF_INIT;
  while (!atomic_load(&stop)) {
    buf_reset(&path);
    buf_addf(&path, "/api/v1/notices?%s", MIX[i++ % N_MIX]);
    int status = 0;
    const char *body;
    double t0 = now_s();
    if (http_get(&c, path.data, &status, &body) || status != 200) {
      atomic_fetch_add(&errors, 1);
      continue;
    }
    samples_add(&searches, (now_s() - t0) * 1e3);
  }
  if (c.fd >= 0) close(c.fd);
  free(c.buf);
  buf_release(&path);
  return NULL;
}

/* ---- the server's memory -------------------------------------------------- */

static pid_t server_pid;
static Samples rss_before; /* before the first ingest */
static atomic_long rss_peak_kb;
static atomic_int ingesting;

static long rss_kb(pid_t pid) {
  char p[64], line[256];
  snprintf(p, sizeof p, "/proc/%d/status", (int)pid);
  FILE *f = fopen(p, "r");
  long kb = -1;
  while (f && fgets(line, sizeof line, f))
    if (!strncmp(line, "VmRSS:", 6)) kb = strtol(line + 6, NULL, 10);
  if (f) fclose(f);
  return kb;
}

static void *memory_main(void *arg) {
  while (!atomic_load(&stop)) {
    long kb = rss_kb(server_pid);
    if (kb > 0) {
      if (!atomic_load(&ingesting)) samples_add(&rss_before, (double)kb);
      if (kb > atomic_load(&rss_peak_kb)) atomic_store(&rss_peak_kb, kb);
    }
    usleep(20000);
  }
  return NULL;
}

/* ---- ingesting and waiting ------------------------------------------------ */

static const char *bin = "./powerhouse", *db = "sqlite:var/bench/ingest.db";
#define WAIT_S 90 /* the longest wait for a release to become searchable */

static void release_json(Buf *b, const char *ocid, const char *title) {
  buf_addf(b,
           "{\"ocid\":\"%s\",\"id\":\"1\",\"date\":\"2026-11-17T10:00:00Z\",\"tag\":[\"tender\"],"
           "\"initiationType\":\"tender\",\"buyer\":{\"id\":\"b\",\"name\":\"Freshfield Borough Council\"},"
           "\"parties\":[{\"id\":\"b\",\"name\":\"Freshfield Borough Council\",\"roles\":[\"buyer\"]}],"
           "\"tender\":{\"id\":\"t\",\"title\":\"%s\",\"status\":\"active\","
           "\"tenderPeriod\":{\"endDate\":\"2027-01-31T12:00:00Z\"}}}\n",
           ocid, title);
}

/* Runs `bin ingest FILE --db db --quiet`; 0 when it exited 0. */
static int ingest_file(const char *file) {
  pid_t pid = fork();
  if (pid == 0) {
    freopen("/dev/null", "w", stdout);
    execl(bin, bin, "ingest", file, "--db", db, "--quiet", (char *)NULL);
    _exit(127);
  }
  int st;
  if (pid < 0 || waitpid(pid, &st, 0) != pid) return -1;
  return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* Polls q every 5 ms (at most limit_s) until its total reaches want: the
 * seconds it took, or -1. */
static double wait_searchable(Conn *c, const char *word, long long want, double limit_s) {
  double t0 = now_s();
  Buf path = BUF_INIT;
  buf_addf(&path, "/api/v1/notices?q=%s&limit=1", word);
  double got = -1;
  while (now_s() - t0 < limit_s) {
    int status = 0;
    const char *body;
    if (http_get(c, path.data, &status, &body) == 0 && status == 200 && total_of(body) >= want) {
      got = now_s() - t0;
      break;
    }
    usleep(5000);
  }
  buf_release(&path);
  return got;
}

static int free_port(void) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t n = sizeof a;
  if (bind(fd, (struct sockaddr *)&a, sizeof a) || getsockname(fd, (struct sockaddr *)&a, &n)) return -1;
  int p = ntohs(a.sin_port);
  close(fd);
  return p;
}

int main(int argc, char **argv) {
  double seconds = 30;
  long long conc = 8, batch = 10000;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--db") && i + 1 < argc) db = argv[++i];
    else if (!strcmp(argv[i], "--bin") && i + 1 < argc) bin = argv[++i];
    else if (!strcmp(argv[i], "--seconds") && i + 1 < argc && !num_parse_dbl(argv[i + 1], &seconds)) i++;
    else if (!strcmp(argv[i], "--concurrency") && i + 1 < argc && !num_parse_ll(argv[i + 1], 1, 256, &conc)) i++;
    else if (!strcmp(argv[i], "--batch") && i + 1 < argc && !num_parse_ll(argv[i + 1], 1, 1000000, &batch)) i++;
    else {
      fprintf(stderr, "usage: bench/fresh [--db URL] [--seconds N] [--concurrency N] [--batch N] [--bin PATH]\n");
      return 2;
    }
  }
  pthread_mutex_init(&searches.mu, NULL);
  pthread_mutex_init(&rss_before.mu, NULL);
  port = free_port();
  char listen[64], tmpl[] = "/tmp/ph-fresh-XXXXXX";
  snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
  if (!mkdtemp(tmpl)) return 3;
  double t_start = now_s();
  server_pid = fork();
  if (server_pid == 0) {
    freopen("/dev/null", "w", stdout);
    Buf log = BUF_INIT;
    buf_addf(&log, "%s/serve.log", tmpl);
    freopen(log.data, "w", stderr);
    execl(bin, bin, "serve", "--db", db, "--listen", listen, (char *)NULL);
    _exit(127);
  }
  /* ready: the first index is built before the server listens */
  Conn probe = {.fd = -1, .port = port};
  int status = 0;
  const char *body;
  while (http_get(&probe, "/api/v1/notices?limit=1", &status, &body) || status != 200) {
    if (now_s() - t_start > 600 || waitpid(server_pid, NULL, WNOHANG) == server_pid) {
      fprintf(stderr, "fresh: the server did not start (see %s/serve.log)\n", tmpl);
      return 3;
    }
    usleep(100000);
  }
  long long notices = total_of(body);
  printf("store %s: %lld notices; server up in %.1f s (pid %d, %s)\n", db, notices, now_s() - t_start,
         (int)server_pid, listen);
  fflush(stdout);

  pthread_t mem, *cl = xcalloc((size_t)conc, sizeof *cl);
  pthread_create(&mem, NULL, memory_main, NULL);
  for (long long i = 0; i < conc; i++) pthread_create(&cl[i], NULL, client_main, (void *)(uintptr_t)i);
  sleep(3); /* steady state: searching, nothing ingested */
  atomic_store(&ingesting, 1);

  long run = (long)time(NULL);
  Samples fresh = {0};
  int failed = 0, late = 0; /* ingests that failed; releases not searchable within WAIT_S */
  Buf file = BUF_INIT, text = BUF_INIT, word = BUF_INIT, ocid = BUF_INIT;
  buf_addf(&file, "%s/one.json", tmpl);
  double until = now_s() + seconds;
  for (int k = 0; now_s() < until; k++) {
    double tick = now_s();
    buf_reset(&text);
    buf_reset(&word);
    buf_reset(&ocid);
    buf_addf(&word, "freshmark%ldx%d", run, k);
    buf_addf(&ocid, "ocds-fresh-%ld-one-%d", run, k);
    Buf title = BUF_INIT;
    buf_addf(&title, "Telecare monitoring %s", word.data);
    release_json(&text, ocid.data, title.data);
    buf_release(&title);
    FILE *f = fopen(file.data, "w");
    fwrite(text.data, 1, text.len, f);
    fclose(f);
    if (ingest_file(file.data)) {
      failed++;
      continue;
    }
    double t = wait_searchable(&probe, word.data, 1, WAIT_S);
    if (t < 0) late++;
    else samples_add(&fresh, t * 1e3);
    double rest = 1.0 - (now_s() - tick);
    if (rest > 0) usleep((useconds_t)(rest * 1e6));
  }

  /* the batch */
  buf_reset(&text);
  buf_reset(&word);
  buf_addf(&word, "freshbatch%ld", run);
  for (long long i = 0; i < batch; i++) {
    buf_reset(&ocid);
    buf_addf(&ocid, "ocds-fresh-%ld-batch-%lld", run, i);
    Buf title = BUF_INIT;
    buf_addf(&title, "Smart city sensors %s lot %lld", word.data, i);
    release_json(&text, ocid.data, title.data);
    buf_release(&title);
  }
  buf_reset(&file);
  buf_addf(&file, "%s/batch.jsonl", tmpl);
  FILE *f = fopen(file.data, "w");
  fwrite(text.data, 1, text.len, f);
  fclose(f);
  double tb0 = now_s();
  int batch_ok = ingest_file(file.data) == 0;
  double ingest_s = now_s() - tb0;
  double batch_t = batch_ok ? wait_searchable(&probe, word.data, batch, 2 * WAIT_S) : -1;
  sleep(12); /* memory while the merger reads the batch into the ranges */

  atomic_store(&stop, 1);
  for (long long i = 0; i < conc; i++) pthread_join(cl[i], NULL);
  pthread_join(mem, NULL);
  kill(server_pid, SIGTERM);
  waitpid(server_pid, NULL, 0);

  double f50 = pct(fresh.v, fresh.n, 0.5), f99 = pct(fresh.v, fresh.n, 0.99), fmax = pct(fresh.v, fresh.n, 1.0);
  double s50 = pct(searches.v, searches.n, 0.5), s99 = pct(searches.v, searches.n, 0.99);
  double steady = pct(rss_before.v, rss_before.n, 0.5) / 1024.0, peak = (double)atomic_load(&rss_peak_kb) / 1024.0;
  char when[32];
  time_t now = time(NULL);
  strftime(when, sizeof when, "%Y-%m-%dT%H:%MZ", gmtime(&now));
  printf("freshness, %lld clients searching, %ld cores, %s\n", conc, sysconf(_SC_NPROCESSORS_ONLN), when);
  printf("  one release a second: %zu searchable, %d not within %d s, %d ingests failed; commit to searchable p50 %.0f ms,"
         " p99 %.0f ms, max %.0f ms (target p99 <= 1000: %s)\n",
         fresh.n, late, WAIT_S, failed, f50, f99, fmax, fresh.n && !late && f99 <= 1000 ? "met" : "MISSED");
  printf("  a batch of %lld: ingested in %.1f s; all searchable %.0f ms after its commit\n", batch, ingest_s,
         batch_t * 1e3);
  printf("  searches during it: %zu, p50 %.1f ms, p99 %.1f ms, %lld errors (target p99 <= 20: %s)\n", searches.n,
         s50, s99, (long long)atomic_load(&errors), s99 <= 20 ? "met" : "MISSED");
  printf("  serve's memory: steady %.0f MB, peak %.0f MB, peak/steady %.2f (target <= 1.25: %s)\n", steady, peak,
         steady > 0 ? peak / steady : 0, steady > 0 && peak / steady <= 1.25 ? "met" : "MISSED");
  buf_release(&file);
  buf_release(&text);
  buf_release(&word);
  buf_release(&ocid);
  free(cl);
  if (probe.fd >= 0) close(probe.fd);
  free(probe.buf);
  Buf rm = BUF_INIT;
  buf_addf(&rm, "%s/one.json", tmpl);
  unlink(rm.data);
  buf_reset(&rm);
  buf_addf(&rm, "%s/batch.jsonl", tmpl);
  unlink(rm.data);
  buf_reset(&rm);
  buf_addf(&rm, "%s/serve.log", tmpl);
  FILE *lf = fopen(rm.data, "r"); /* what the index did: its build and merges */
  char line[512];
  while (lf && fgets(line, sizeof line, lf))
    if (strstr(line, "search index")) printf("  serve: %s", strchr(line, ':') ? strchr(line, ':') + 2 : line);
  if (lf) fclose(lf);
  unlink(rm.data);
  rmdir(tmpl);
  buf_release(&rm);
  return failed || !batch_ok ? 1 : 0;
}

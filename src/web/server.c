/* server.c -- the HTTP server (server.h) on libmicrohttpd 0.9.7x.
 *
 * A request's life:
 *   uri_logged     MHD has read the request line. We allocate the ReqState
 *                  here (it becomes MHD's per-request pointer), keep the RAW
 *                  request target (MHD has not decoded or split it yet, so we
 *                  decode path and query ourselves, strictly, with url.h), and
 *                  count the request as in flight.
 *   access, 1st    headers are in: limits (414, 431, 413 by Content-Length),
 *                  path and query decoding (400). A refusal is queued at once
 *                  (MHD then closes the connection, which is what we want for
 *                  a request we will not read). Otherwise nothing is queued:
 *                  a reply on the first call costs keep-alive (STYLE.md).
 *   access, body   bytes are counted and kept up to the route's limit (body_max).
 *   access, last   route, run the handler, queue its response.
 *   completed      one access-log line, free the arena, in-flight - 1.
 *
 * MHD answers some malformed requests itself before we see them: a request
 * line too long for the connection's memory (414) and a header block too large
 * for it (431). CONN_MEMORY is sized so that our own, exact limits
 * (SERVER_MAX_URI, SERVER_MAX_HEADERS) bite first; MHD's are the backstop for
 * requests far over them, and its answers carry no security headers.
 *
 * One server per process: signals and server_stop() have no handle to name
 * another. Owns: the listening socket, the daemon, the thread states. */
#include "web/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/num.h"
#include "base/url.h"
#include "web/coding.h"

/* Per-connection memory MHD may use (request line, headers, read buffer).
 * 8 KB of request line + 16 KB of headers fit with room for MHD's own
 * bookkeeping; measured in test_server.c (exact limits pass, MHD answers
 * only far beyond). 64 KB x SERVER_MAX_CONNECTIONS = 64 MB worst case. */
#define CONN_MEMORY (64u * 1024)
#define STOP_GRACE_SECONDS 10
#define LOG_URI_MAX 2048
#define STATIC_GZIP_MAX (4u << 20) /* a larger static text file is sent uncompressed */
#define CONN_SLACK 128 /* connections MHD may hold over ours while cut ones close */

static const char CSP[] = "default-src 'self'; frame-ancestors 'none'";

/* ---- per-request arena ------------------------------------------------- */

typedef struct Block {
  struct Block *next;
  size_t used, cap;
  max_align_t data[]; /* aligned for anything */
} Block;

typedef struct RespHeader {
  struct RespHeader *next;
  const char *name, *value;
} RespHeader;

typedef struct Server Server;

/* An address as a table key: family and 16 bytes (IPv4-mapped IPv6 is IPv4). */
typedef struct {
  unsigned char fam; /* 4 or 6; 0: none */
  unsigned char a[16];
} AddrKey;

/* A piece of work run by a worker thread for a request (req_work). */
typedef struct Job {
  WorkFn fn;
  void *ctx;
} Job;

typedef struct {
  Request r; /* first: a Request * is a ReqState * */
  Server *srv;
  struct MHD_Connection *conn;
  Block *arena;
  char *target;        /* raw request target as received (malloc) */
  const char *raw_uri; /* MHD's copy of it (its read buffer; see head_check) */
  Buf body;
  int phase;           /* 0: before the first access call; 1: after */
  int too_big;         /* body over body_max */
  size_t body_max;     /* SERVER_MAX_BODY, or SERVER_MAX_UPLOAD for a ROUTE_UPLOAD route */
  int upload;          /* counted in srv->uploads */
  size_t body_seen;    /* body bytes received, kept or not */
  int is_head;
  int status;          /* queued status, 0 if none (MHD answered or aborted) */
  size_t bytes;        /* body bytes queued */
  RespHeader *headers; /* extra response headers (req_add_header) */
  struct timespec t0;  /* CLOCK_MONOTONIC at the request line */
  struct timespec wall;
  char client[INET6_ADDRSTRLEN];
  char id[17];
  AddrKey fwd;         /* the forwarded address counted in srv->fwd (fam 0: none) */
  int heavy;           /* holds a heavy slot */
  int suspend;         /* waiting for a heavy slot: suspend instead of answering */
  double wait_until;   /* ms (monotonic) a wait for a heavy slot ends; 0: not waiting yet */
  void *next_waiter;   /* the next ReqState in srv->waiters */
  /* work off the pool threads (req_work): the k-th call of a handler's run
   * finds its job in jobs[k]; done counts the jobs finished */
  struct Job *jobs[SERVER_MAX_JOBS];
  int n_jobs, jobs_done, jobs_seen;
  struct Job *queued;  /* asked for in this run: suspend and run it */
  void *next_job;      /* the next ReqState in srv->work queue */
  StreamMore more;     /* a streamed body's producer, or NULL */
  void (*done)(Request *r);
  Buf pending;         /* produced, not yet sent */
  size_t pending_off;
  int stream_state;    /* 0 producing, 1 ended, -1 failed */
  int gzip;            /* the body is sent gzip-compressed */
  CodingStream *zs;    /* a gzip streamed body's compressor, made on its first read */
  Buf raw;             /* a gzip streamed body: the part being compressed */
  int raw_first;       /* raw holds the handler's first part, not yet compressed */
} ReqState;

void *req_alloc(Request *r, size_t n) {
  ReqState *st = (ReqState *)r;
  size_t need = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
  if (need == 0) need = sizeof(max_align_t);
  Block *b = st->arena;
  if (!b || b->cap - b->used < need) {
    size_t cap = need > 4096 ? need : 4096;
    Block *nb = xmalloc(sizeof *nb + cap);
    nb->used = 0;
    nb->cap = cap;
    if (b && need > 4096) { /* a big one-off: keep filling the current block */
      nb->next = b->next;
      b->next = nb;
      nb->used = need;
      return nb->data;
    }
    nb->next = b;
    st->arena = b = nb;
  }
  void *p = (char *)b->data + b->used;
  b->used += need;
  return p;
}

static void arena_free(ReqState *st) {
  for (Block *b = st->arena, *next; b; b = next) {
    next = b->next;
    free(b);
  }
  st->arena = NULL;
}

char *req_strdup(Request *r, const char *s) {
  size_t n = strlen(s);
  char *p = req_alloc(r, n + 1);
  memcpy(p, s, n + 1);
  return p;
}

static char *req_strndup(Request *r, const char *s, size_t n) {
  char *p = req_alloc(r, n + 1);
  memcpy(p, s, n);
  p[n] = 0;
  return p;
}

char *req_printf(Request *r, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0) return req_strdup(r, "");
  char *p = req_alloc(r, (size_t)n + 1);
  va_start(ap, fmt);
  vsnprintf(p, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return p;
}

const char *req_param(const Request *r, const char *name) {
  for (size_t i = 0; i < r->n_params; i++)
    if (strcmp(r->params[i].name, name) == 0) return r->params[i].value;
  return NULL;
}

const char *req_header(const Request *r, const char *name) {
  const ReqState *st = (const ReqState *)r;
  return MHD_lookup_connection_value(st->conn, MHD_HEADER_KIND, name);
}

void req_add_header(Request *r, const char *name, const char *value) {
  ReqState *st = (ReqState *)r;
  RespHeader *h = req_alloc(r, sizeof *h), **tail = &st->headers;
  h->name = req_strdup(r, name);
  h->value = req_strdup(r, value);
  h->next = NULL;
  while (*tail) tail = &(*tail)->next;
  *tail = h;
}

void req_json(Request *r, int status) {
  r->status = status;
  r->content_type = "application/json";
}

void req_problem(Request *r, int status, const char *title, const char *detail) {
  buf_reset(&r->out);
  buf_adds(&r->out, "{\"type\":\"about:blank\",\"title\":");
  buf_add_json_str(&r->out, title ? title : "");
  buf_addf(&r->out, ",\"status\":%d", status);
  if (detail) {
    buf_adds(&r->out, ",\"detail\":");
    buf_add_json_str(&r->out, detail);
  }
  if (r->path) {
    buf_adds(&r->out, ",\"instance\":");
    buf_add_json_str(&r->out, r->path);
  }
  buf_adds(&r->out, "}\n");
  r->status = status;
  r->content_type = "application/problem+json";
  r->cache_control = "no-store";
  r->etag = NULL;
  r->location = NULL;
}

/* ---- the server ------------------------------------------------------- */

typedef struct {
  AddrKey key;
  unsigned n; /* 0: a free entry */
} AddrCount;

typedef struct {
  AddrCount e[SERVER_MAX_CONNECTIONS + 64];
} AddrTable;

static int addr_key_sa(const struct sockaddr *sa, AddrKey *k) {
  memset(k, 0, sizeof *k);
  if (sa && sa->sa_family == AF_INET) {
    k->fam = 4;
    memcpy(k->a, &((const struct sockaddr_in *)sa)->sin_addr, 4);
  } else if (sa && sa->sa_family == AF_INET6) {
    const struct in6_addr *a6 = &((const struct sockaddr_in6 *)sa)->sin6_addr;
    if (IN6_IS_ADDR_V4MAPPED(a6)) {
      k->fam = 4;
      memcpy(k->a, a6->s6_addr + 12, 4);
    } else {
      k->fam = 6;
      memcpy(k->a, a6->s6_addr, 16);
    }
  } else {
    return -1;
  }
  return 0;
}

/* s: an IPv4 or IPv6 address as text (no brackets, no port). */
static int addr_key_text(const char *s, AddrKey *k) {
  memset(k, 0, sizeof *k);
  struct in6_addr a6;
  if (inet_pton(AF_INET, s, k->a) == 1) {
    k->fam = 4;
    return 0;
  }
  if (inet_pton(AF_INET6, s, &a6) == 1) {
    k->fam = IN6_IS_ADDR_V4MAPPED(&a6) ? 4 : 6;
    memcpy(k->a, k->fam == 4 ? a6.s6_addr + 12 : a6.s6_addr, k->fam == 4 ? 4 : 16);
    return 0;
  }
  return -1;
}

static int addr_eq(const AddrKey *a, const AddrKey *b) {
  return a->fam && a->fam == b->fam && memcmp(a->a, b->a, 16) == 0;
}

static void addr_text(const AddrKey *k, char *out, size_t cap) {
  if (!k->fam || !inet_ntop(k->fam == 4 ? AF_INET : AF_INET6, k->a, out, (socklen_t)cap)) snprintf(out, cap, "-");
}

/* The count for k (caller holds addr_mu). */
static unsigned addr_count(const AddrTable *t, const AddrKey *k) {
  for (size_t i = 0; i < sizeof t->e / sizeof t->e[0]; i++)
    if (t->e[i].n && addr_eq(&t->e[i].key, k)) return t->e[i].n;
  return 0;
}

/* Adds delta (+1 or -1) to k's count; returns the new count (caller holds addr_mu).
 * A full table (cannot happen: see Server) refuses the +1 by answering UINT_MAX. */
static unsigned addr_add(AddrTable *t, const AddrKey *k, int delta) {
  AddrCount *free_e = NULL;
  for (size_t i = 0; i < sizeof t->e / sizeof t->e[0]; i++) {
    AddrCount *e = &t->e[i];
    if (e->n && addr_eq(&e->key, k)) {
      if (delta < 0) e->n--;
      else e->n++;
      return e->n;
    }
    if (!e->n && !free_e) free_e = e;
  }
  if (delta < 0) return 0;
  if (!free_e) return UINT_MAX;
  free_e->key = *k;
  free_e->n = 1;
  return 1;
}

/* One open connection, from MHD's STARTED notification to its CLOSED one (it
 * is the connection's socket context). Its state says which deadline runs:
 *   CONN_HEAD  waiting for a complete request head, since it opened or since
 *              its previous response completed (keep-alive)
 *   CONN_BODY  head in, body still coming
 *   CONN_BUSY  the request is being answered (no deadline of ours: the idle
 *              timeout and the streams' own pacing apply)
 * A connection past its deadline, or the oldest one that has not had a
 * response yet and is waiting for a head when a new one needs its place, is cut: shutdown() of its socket under conns_mu, so MHD
 * (which closes the fd only after the CLOSED notification, which takes the
 * same lock) sees the end of the stream on its own thread and closes it. */
enum { CONN_HEAD, CONN_BODY, CONN_BUSY };
typedef struct Conn {
  struct Conn *prev, *next; /* srv->conns, oldest first */
  int fd;
  AddrKey peer;
  int counted;  /* in srv->peers */
  int over;     /* over the per-address limit: closed at its first request */
  int state;    /* CONN_* */
  double since; /* ms (monotonic) the state began */
  int cut;      /* shut down by us */
  int served;   /* a response has completed on it (kept alive since) */
} Conn;

typedef struct ThreadSlot {
  struct ThreadSlot *next;
  void *state;
} ThreadSlot;

struct Server {
  const ServerConfig *cfg;
  FILE *log;
  char *static_root; /* realpath of cfg->static_dir, or NULL */
  size_t static_root_len;
  unsigned gen;      /* this run's generation (thread-local states) */
  pthread_mutex_t mu;
  pthread_cond_t cv;
  unsigned in_flight; /* requests between uri_logged and completed */
  unsigned uploads;   /* ROUTE_UPLOAD bodies being received or handled (under mu) */
  ThreadSlot *slots;
  FILE *errlog;
  unsigned heavy_free; /* free heavy slots (under mu) */
  void *waiters, *waiters_tail; /* ReqStates suspended until a slot frees or their wait ends (under mu) */
  /* Workers (req_work): suspended requests whose job waits, first in first
   * out, under work_mu; work_stop ends the workers once the queue is empty. */
  pthread_mutex_t work_mu;
  pthread_cond_t work_cv;
  void *work_head, *work_tail;
  int work_stop;
  pthread_t *workers;
  unsigned n_workers;
  AddrKey proxy;      /* the trusted proxy (fam 0: none) */
  uint32_t id_prefix; /* random per run: ids differ between processes */
  atomic_uint id_next;
  /* Open connections per TCP peer and in-flight requests per forwarded
   * address, under addr_mu. Each holds at most SERVER_MAX_CONNECTIONS
   * addresses (one per connection, one per request in flight, which cannot
   * outnumber connections); a linear scan of 1024 keys per connection or
   * request costs about a microsecond. */
  pthread_mutex_t addr_mu;
  AddrTable peers, fwd;
  /* Open connections (under addr_mu), oldest first, and the limits they keep. */
  Conn *conns, *conns_tail;
  unsigned n_conns, max_conns;
  double head_ms, body_ms;
};

static atomic_int g_running;
static atomic_uint g_gen; /* generation of the running server; 0: none */

/* A pool thread's state: created on its first request (MHD has no thread
 * start hook), valid while its generation is the running server's. */
static _Thread_local unsigned tls_gen;
static _Thread_local void *tls_state;

void *server_thread_state(void) {
  unsigned g = atomic_load(&g_gen);
  return g && tls_gen == g ? tls_state : NULL;
}

static void thread_state_ensure(Server *srv) {
  if (!srv->cfg->thread_init || tls_gen == srv->gen) return;
  void *state = srv->cfg->thread_init(srv->cfg->app);
  tls_state = state;
  tls_gen = srv->gen;
  if (!state) return; /* nothing to tear down */
  ThreadSlot *s = xmalloc(sizeof *s);
  s->state = state;
  pthread_mutex_lock(&srv->mu);
  s->next = srv->slots;
  srv->slots = s;
  pthread_mutex_unlock(&srv->mu);
}

/* ---- errors, heavy slots, streams ------------------------------------------ */

const char *req_log_error(Request *r, const char *fmt, ...) {
  ReqState *st = (ReqState *)r;
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  struct tm tm;
  gmtime_r(&now.tv_sec, &tm);
  char when[40];
  strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
  Buf msg = BUF_INIT, line = BUF_INIT;
  va_list ap;
  va_start(ap, fmt);
  buf_vaddf(&msg, fmt, ap);
  va_end(ap);
  buf_addf(&line, "%s.%03ldZ request %s: ", when, now.tv_nsec / 1000000L, st->id);
  /* one line per error: a message with a newline cannot fake another */
  for (size_t i = 0; i < msg.len; i++) buf_addc(&line, (unsigned char)msg.data[i] < 0x20 ? ' ' : msg.data[i]);
  buf_addc(&line, '\n');
  FILE *f = st->srv->errlog;
  flockfile(f);
  fwrite(line.data, 1, line.len, f);
  fflush(f);
  funlockfile(f);
  buf_release(&msg);
  buf_release(&line);
  return st->id;
}

void req_unavailable(Request *r, const char *internal) {
  if (internal) req_log_error(r, "%s", internal);
  req_problem(r, 503, "Service unavailable",
              req_printf(r, "the service is unavailable at the moment; try again shortly (request id %s)", r->id));
  req_add_header(r, "Retry-After", SERVER_RETRY_AFTER);
}

static double mono_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* Heavy slots without blocking a pool thread: a request that finds none free
 * is suspended (MHD_suspend_connection) and queued; a completing heavy
 * request hands its slot to the first in the queue and resumes it, and
 * server_run's loop resumes those whose wait has ended (they get the 503).
 * A resumed request is dispatched again from the start: its handler runs
 * anew, so a handler only needs `if (req_heavy(r)) return;`. */
int req_heavy(Request *r) { return req_heavy_for(r, SERVER_HEAVY_WAIT_MS); }

int req_heavy_for(Request *r, unsigned wait_ms) {
  ReqState *st = (ReqState *)r;
  Server *srv = st->srv;
  if (st->heavy) return 0;
  double now = mono_ms();
  pthread_mutex_lock(&srv->mu);
  int got = srv->heavy_free > 0 && !srv->waiters; /* first come, first served */
  if (got) srv->heavy_free--;
  pthread_mutex_unlock(&srv->mu);
  if (got) {
    st->heavy = 1;
    return 0;
  }
  if (st->wait_until == 0) st->wait_until = now + wait_ms;
  if (now < st->wait_until) {
    st->suspend = 1;
    return 1;
  }
  req_problem(r, 503, "Service busy",
              req_printf(r, "too much heavy work is running at the moment; try again shortly (request id %s)", r->id));
  req_add_header(r, "Retry-After", SERVER_RETRY_AFTER);
  return -1;
}

void req_stream(Request *r, StreamMore more, void (*done)(Request *r)) {
  ReqState *st = (ReqState *)r;
  st->more = more;
  st->done = done;
}

/* The next part of a gzip streamed body into st->pending (possibly nothing:
 * zlib may hold a part back until more comes). Parts are not flushed one by
 * one: a sync flush per part costs ratio, and a download needs no part
 * boundaries; what zlib holds back is bounded by its window. Returns the
 * producer's result (a failure of zlib is logged and counts as one). */
static int stream_more_gzip(ReqState *st) {
  int rc = 1;
  if (!st->zs && !(st->zs = coding_gzip_new())) {
    req_log_error(&st->r, "cannot start gzip for a streamed body: out of memory");
    return -1;
  }
  if (st->raw_first)
    st->raw_first = 0; /* the handler's first part, then the producer's */
  else {
    buf_reset(&st->raw);
    rc = st->more(&st->r, &st->raw);
  }
  if (rc < 0) return rc;
  if (coding_gzip_add(st->zs, st->raw.data, st->raw.len, rc == 0, &st->pending) != 0) {
    req_log_error(&st->r, "gzip failed on a streamed body");
    return -1;
  }
  return rc;
}

/* MHD's content reader: hands out what was produced, asking for more when
 * it is all sent. Runs on the connection's pool thread. */
static ssize_t stream_read(void *cls, uint64_t pos, char *out, size_t max) {
  ReqState *st = cls;
  while (st->pending_off == st->pending.len) {
    if (st->stream_state > 0) return MHD_CONTENT_READER_END_OF_STREAM;
    if (st->stream_state < 0) return MHD_CONTENT_READER_END_WITH_ERROR;
    buf_reset(&st->pending);
    st->pending_off = 0;
    int rc = st->gzip ? stream_more_gzip(st) : st->more(&st->r, &st->pending);
    if (rc < 0) {
      st->stream_state = -1;
      return MHD_CONTENT_READER_END_WITH_ERROR; /* closes the connection: the body is visibly cut */
    }
    if (rc == 0) st->stream_state = 1;
  }
  size_t n = st->pending.len - st->pending_off;
  if (n > max) n = max;
  memcpy(out, st->pending.data + st->pending_off, n);
  st->pending_off += n;
  st->bytes += n;
  return (ssize_t)n;
}

/* ---- access log --------------------------------------------------------- */

/* Bytes of the request target as printable ASCII: '"', '\' and anything
 * outside 0x20..0x7e become \xHH, so a line cannot be forged or broken. */
static void log_escape(Buf *b, const char *s) {
  size_t n = 0;
  for (; *s && n < LOG_URI_MAX; s++, n++) {
    unsigned char c = (unsigned char)*s;
    if (c < 0x20 || c > 0x7e || c == '"' || c == '\\')
      buf_addf(b, "\\x%02X", c);
    else
      buf_addc(b, (char)c);
  }
  if (*s) buf_adds(b, "...");
}

static void access_log(ReqState *st) {
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double ms = (double)(t1.tv_sec - st->t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - st->t0.tv_nsec) / 1e6;
  struct tm tm;
  gmtime_r(&st->wall.tv_sec, &tm);
  char when[40];
  strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
  Buf line = BUF_INIT;
  buf_addf(&line, "%s.%03ldZ %s \"", when, st->wall.tv_nsec / 1000000L, st->client);
  log_escape(&line, st->r.method ? st->r.method : "-"); /* a refused method may hold anything */
  buf_addc(&line, ' ');
  log_escape(&line, st->target ? st->target : "");
  buf_adds(&line, "\" ");
  if (st->status)
    buf_addf(&line, "%d%s", st->status, st->stream_state < 0 ? "!" : "");
  else
    buf_addc(&line, '-'); /* MHD answered it itself, or the client went away */
  buf_addf(&line, " %zu %.1f %s\n", st->bytes, ms, st->id);
  /* One fwrite per line keeps lines whole between threads; flushed so that
   * the log is current (tail -f) even when the caller's stream is buffered. */
  flockfile(st->srv->log);
  fwrite(line.data, 1, line.len, st->srv->log);
  fflush(st->srv->log);
  funlockfile(st->srv->log);
  buf_release(&line);
}

/* ---- MHD callbacks ------------------------------------------------------ */

static void *uri_logged(void *cls, const char *uri, struct MHD_Connection *conn) {
  Server *srv = cls;
  ReqState *st = xcalloc(1, sizeof *st);
  st->srv = srv;
  st->conn = conn;
  st->target = xstrdup(uri ? uri : "");
  st->raw_uri = uri;
  /* We decode the query ourselves (first_call), strictly and at most
   * SERVER_MAX_PARAMS parameters. libmicrohttpd would split it too, right
   * after this callback, one record per parameter in the connection's memory:
   * a thousand empty ones ("?&&&...") fill it, and then not even an error
   * response fits (attack report, finding 15). So its copy of the query is
   * emptied: it has found the '?' already and parses the C string after it;
   * our copy (st->target) keeps everything. */
  char *q = uri ? strchr(uri, '?') : NULL;
  if (q) q[1] = '\0'; /* the byte after '?', the string's NUL at the latest */
  clock_gettime(CLOCK_MONOTONIC, &st->t0);
  clock_gettime(CLOCK_REALTIME, &st->wall);
  buf_init(&st->body);
  buf_init(&st->r.out);
  buf_init(&st->pending);
  buf_init(&st->raw);
  snprintf(st->id, sizeof st->id, "%08x%08x", (unsigned)srv->id_prefix, atomic_fetch_add(&srv->id_next, 1));
  st->r.id = st->id;
  st->r.client = st->client;
  const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  AddrKey peer;
  if (addr_key_sa(ci ? ci->client_addr : NULL, &peer) == 0)
    addr_text(&peer, st->client, sizeof st->client);
  else
    snprintf(st->client, sizeof st->client, "-");
  pthread_mutex_lock(&srv->mu);
  srv->in_flight++;
  pthread_mutex_unlock(&srv->mu);
  return st;
}

/* The handler runs again when its connection is resumed: forget what it set. */
static void forget_response(ReqState *st) {
  Request *r = &st->r;
  buf_reset(&r->out);
  r->content_type = r->cache_control = r->location = r->etag = NULL;
  if (st->done) st->done(r); /* a stream set up before req_heavy: let go of it */
  r->stream_ctx = NULL;
  st->more = NULL;
  st->done = NULL;
  st->headers = NULL; /* (arena memory: freed with the request) */
}

/* Queues st's job for a worker and suspends its connection; the worker
 * resumes it when the job is done, and the handler runs again. */
static enum MHD_Result suspend_for_work(ReqState *st) {
  Server *srv = st->srv;
  forget_response(st);
  st->queued = NULL;
  MHD_suspend_connection(st->conn); /* before it is queued: a resume always follows a suspend */
  pthread_mutex_lock(&srv->work_mu);
  st->next_job = NULL;
  if (srv->work_tail) ((ReqState *)srv->work_tail)->next_job = st;
  else srv->work_head = st;
  srv->work_tail = st;
  pthread_cond_signal(&srv->work_cv);
  pthread_mutex_unlock(&srv->work_mu);
  return MHD_YES;
}

static void *worker_main(void *arg) {
  Server *srv = arg;
  pthread_mutex_lock(&srv->work_mu);
  for (;;) {
    while (!srv->work_head && !srv->work_stop) pthread_cond_wait(&srv->work_cv, &srv->work_mu);
    ReqState *st = srv->work_head;
    if (!st) break; /* stopping, and nothing is left */
    srv->work_head = st->next_job;
    if (!srv->work_head) srv->work_tail = NULL;
    pthread_mutex_unlock(&srv->work_mu);
    Job *j = st->jobs[st->jobs_done];
    j->fn(j->ctx);
    st->jobs_done++; /* read by the pool thread only after the resume below */
    MHD_resume_connection(st->conn);
    pthread_mutex_lock(&srv->work_mu);
  }
  pthread_mutex_unlock(&srv->work_mu);
  return NULL;
}

/* Lets the workers finish what is queued, then ends them. */
static void workers_stop(Server *srv) {
  pthread_mutex_lock(&srv->work_mu);
  srv->work_stop = 1;
  pthread_cond_broadcast(&srv->work_cv);
  pthread_mutex_unlock(&srv->work_mu);
  for (unsigned i = 0; i < srv->n_workers; i++) pthread_join(srv->workers[i], NULL);
  srv->n_workers = 0;
}

void *req_work(Request *r, WorkFn fn, const void *in, size_t size) {
  ReqState *st = (ReqState *)r;
  int k = st->jobs_seen++;
  if (k < st->jobs_done) return st->jobs[k]->ctx; /* done on an earlier run: its results */
  if (k >= SERVER_MAX_JOBS || !st->srv->n_workers) { /* no workers (or too many jobs): run it here */
    void *ctx = req_alloc(r, size ? size : 1);
    memcpy(ctx, in, size);
    fn(ctx);
    return ctx;
  }
  Job *j = req_alloc(r, sizeof *j);
  j->fn = fn;
  j->ctx = req_alloc(r, size ? size : 1);
  memcpy(j->ctx, in, size);
  st->jobs[k] = j;
  st->n_jobs = k + 1;
  st->queued = j;
  return NULL;
}

/* Queues st and suspends its connection (called from the access handler). */
static enum MHD_Result suspend_for_heavy(ReqState *st) {
  Server *srv = st->srv;
  forget_response(st);
  st->suspend = 0;
  MHD_suspend_connection(st->conn); /* before it is queued: a resume always follows a suspend */
  pthread_mutex_lock(&srv->mu);
  st->next_waiter = NULL;
  if (srv->waiters_tail) ((ReqState *)srv->waiters_tail)->next_waiter = st;
  else srv->waiters = st;
  srv->waiters_tail = st;
  int hand_over = srv->heavy_free > 0; /* a slot freed while we queued */
  ReqState *w = NULL;
  if (hand_over) {
    srv->heavy_free--;
    w = srv->waiters;
    srv->waiters = w->next_waiter;
    if (!srv->waiters) srv->waiters_tail = NULL;
    w->heavy = 1;
  }
  pthread_mutex_unlock(&srv->mu);
  if (w) MHD_resume_connection(w->conn);
  return MHD_YES;
}

/* A heavy slot is free again: to the first waiter, or back to the pool. */
static void heavy_release(Server *srv) {
  pthread_mutex_lock(&srv->mu);
  ReqState *w = srv->waiters;
  if (w) {
    srv->waiters = w->next_waiter;
    if (!srv->waiters) srv->waiters_tail = NULL;
    w->heavy = 1;
  } else {
    srv->heavy_free++;
  }
  pthread_mutex_unlock(&srv->mu);
  if (w) MHD_resume_connection(w->conn);
}

/* Resumes the waiters whose wait has ended (all of them when all is set):
 * dispatched again, they are answered 503. */
static void expire_waiters(Server *srv, int all) {
  double now = mono_ms();
  ReqState *done = NULL;
  pthread_mutex_lock(&srv->mu);
  ReqState **pp = (ReqState **)&srv->waiters, *prev = NULL;
  while (*pp) {
    ReqState *w = *pp;
    if (all || now >= w->wait_until) {
      *pp = w->next_waiter;
      w->wait_until = 1; /* ended, even when `all` cut it short */
      w->next_waiter = done;
      done = w;
    } else {
      prev = w;
      pp = (ReqState **)&w->next_waiter;
    }
  }
  srv->waiters_tail = prev;
  pthread_mutex_unlock(&srv->mu);
  for (ReqState *w = done, *next; w; w = next) {
    next = w->next_waiter;
    MHD_resume_connection(w->conn);
  }
}

static void conn_state(ReqState *st, int state);

static void completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                      enum MHD_RequestTerminationCode toe) {
  Server *srv = cls;
  ReqState *st = *con_cls;
  if (!st) return;
  *con_cls = NULL;
  if (st->done) st->done(&st->r);
  if (st->heavy) heavy_release(srv);
  conn_state(st, CONN_HEAD); /* kept alive: the next head's deadline starts now */
  if (st->fwd.fam) {
    pthread_mutex_lock(&srv->addr_mu);
    addr_add(&srv->fwd, &st->fwd, -1);
    pthread_mutex_unlock(&srv->addr_mu);
  }
  access_log(st);
  buf_release(&st->r.out);
  buf_release(&st->pending);
  buf_release(&st->raw);
  coding_gzip_free(st->zs);
  buf_release(&st->body);
  arena_free(st);
  free(st->target);
  int upload = st->upload;
  free(st);
  pthread_mutex_lock(&srv->mu);
  if (upload) srv->uploads--;
  if (--srv->in_flight == 0) pthread_cond_broadcast(&srv->cv);
  pthread_mutex_unlock(&srv->mu);
}

/* Connections per TCP peer, in place of MHD's PER_IP_CONNECTION_LIMIT (which
 * cannot exempt the trusted proxy: behind it every client has its address).
 * Counted when MHD has set a connection up and until it closes (so nothing
 * is counted for a connection MHD drops on the way); the accept policy
 * refuses early when an address is at the limit, and a connection that a
 * burst still carried over it (pool threads accept in parallel) is marked
 * and closed at its first request, unanswered, as MHD's own limit does.
 *
 * The total is ours too (max_conns; MHD's own limit sits above it, as slack
 * for connections being cut): when it is reached, a new connection takes the
 * place of the oldest one still waiting for its first request head, so slow
 * heads from many addresses cannot lock complete requests out. A connection
 * that has been answered and is kept alive keeps its place until its next
 * head is overdue (head_ms after the response), as one busy with a request
 * does; when all are such, a new connection is refused. */
static void conn_cut(Server *srv, Conn *c) { /* caller holds addr_mu */
  c->cut = 1;
  shutdown(c->fd, SHUT_RDWR);
}

static enum MHD_Result accept_policy(void *cls, const struct sockaddr *addr, socklen_t addrlen) {
  Server *srv = cls;
  AddrKey k;
  int have = addr_key_sa(addr, &k) == 0;
  int ok = 1;
  pthread_mutex_lock(&srv->addr_mu);
  if (have && !addr_eq(&k, &srv->proxy) && addr_count(&srv->peers, &k) >= SERVER_MAX_PER_IP) ok = 0;
  if (ok) {
    unsigned live = 0;
    for (Conn *c = srv->conns; c; c = c->next) live += !c->cut;
    if (live >= srv->max_conns) {
      Conn *victim = NULL;
      for (Conn *c = srv->conns; c && !victim; c = c->next)
        if (!c->cut && c->state == CONN_HEAD && !c->served) victim = c;
      if (victim) {
        conn_cut(srv, victim);
      } else {
        ok = 0;
      }
    }
  }
  pthread_mutex_unlock(&srv->addr_mu);
  return ok ? MHD_YES : MHD_NO;
}

static void conn_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
                        enum MHD_ConnectionNotificationCode toe) {
  Server *srv = cls;
  if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const union MHD_ConnectionInfo *fi = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    Conn *c = xcalloc(1, sizeof *c);
    c->fd = fi ? fi->connect_fd : -1;
    c->state = CONN_HEAD;
    c->since = mono_ms();
    int have = addr_key_sa(ci ? ci->client_addr : NULL, &c->peer) == 0;
    pthread_mutex_lock(&srv->addr_mu);
    if (have) {
      unsigned n = addr_add(&srv->peers, &c->peer, +1);
      c->counted = n != UINT_MAX;
      c->over = c->counted && n > SERVER_MAX_PER_IP && !addr_eq(&c->peer, &srv->proxy);
    }
    c->prev = srv->conns_tail;
    if (srv->conns_tail) srv->conns_tail->next = c;
    else srv->conns = c;
    srv->conns_tail = c;
    srv->n_conns++;
    pthread_mutex_unlock(&srv->addr_mu);
    *socket_context = c;
  } else if (toe == MHD_CONNECTION_NOTIFY_CLOSED && *socket_context) {
    Conn *c = *socket_context;
    pthread_mutex_lock(&srv->addr_mu);
    if (c->counted) addr_add(&srv->peers, &c->peer, -1);
    if (c->prev) c->prev->next = c->next;
    else srv->conns = c->next;
    if (c->next) c->next->prev = c->prev;
    else srv->conns_tail = c->prev;
    srv->n_conns--;
    pthread_mutex_unlock(&srv->addr_mu);
    free(c);
    *socket_context = NULL;
  }
}

/* The connection's Conn (NULL if MHD gave none). */
static Conn *conn_of(struct MHD_Connection *conn) {
  const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
  return ci ? ci->socket_context : NULL;
}

/* Moves st's connection to state (a new deadline starts now). */
static void conn_state(ReqState *st, int state) {
  Conn *c = conn_of(st->conn);
  if (!c) return;
  pthread_mutex_lock(&st->srv->addr_mu);
  if (c->state == CONN_BUSY && state == CONN_HEAD) c->served = 1;
  c->state = state;
  c->since = mono_ms();
  pthread_mutex_unlock(&st->srv->addr_mu);
}

/* Cuts the connections whose request head or body is overdue (server_run's
 * loop, a few times a second). */
static void conns_expire(Server *srv) {
  double now = mono_ms();
  pthread_mutex_lock(&srv->addr_mu);
  for (Conn *c = srv->conns; c; c = c->next) {
    if (c->cut) continue;
    if (c->state == CONN_HEAD && now - c->since > srv->head_ms) {
      conn_cut(srv, c);
    } else if (c->state == CONN_BODY && now - c->since > srv->body_ms) {
      conn_cut(srv, c);
    }
  }
  pthread_mutex_unlock(&srv->addr_mu);
}

/* libmicrohttpd's own messages (e.g. a request it refused itself, failed
 * accepts) go to stderr: the access log holds access lines only. */
static void mhd_log(void *cls, const char *fmt, va_list ap) {
  Buf b = BUF_INIT;
  buf_adds(&b, "server: ");
  buf_vaddf(&b, fmt, ap);
  if (b.data[b.len - 1] != '\n') buf_addc(&b, '\n');
  fwrite(b.data, 1, b.len, stderr);
  buf_release(&b);
}

/* ---- responses ---------------------------------------------------------- */

/* Does If-None-Match (a list of entity tags, or "*") match etag? Weak
 * comparison (RFC 9110 13.1.2): W/ prefixes are ignored. */
static int etag_matches(const char *inm, const char *etag) {
  if (!inm || !etag) return 0;
  if (strncmp(etag, "W/", 2) == 0) etag += 2;
  size_t elen = strlen(etag);
  const char *p = inm;
  while (*p) {
    while (*p == ' ' || *p == '\t' || *p == ',') p++;
    if (!*p) break;
    const char *q = p;
    while (*q && *q != ',') q++;
    const char *end = q;
    while (end > p && (end[-1] == ' ' || end[-1] == '\t')) end--;
    if (end - p == 1 && *p == '*') return 1;
    if (end - p > 2 && strncmp(p, "W/", 2) == 0) p += 2;
    if ((size_t)(end - p) == elen && memcmp(p, etag, elen) == 0) return 1;
    p = q;
  }
  return 0;
}

static void add_security_headers(struct MHD_Response *resp, const ReqState *st) {
  MHD_add_response_header(resp, "Content-Security-Policy", CSP);
  MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
  MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
  MHD_add_response_header(resp, "X-Request-Id", st->id);
}

static void free_body(void *p) { free(p); }

/* Is the request under the configured CORS prefix? Its decoded path, or for
 * a request refused before decoding, its raw target. */
static int under_cors_prefix(const ReqState *st) {
  const char *prefix = st->srv->cfg->cors_prefix;
  const char *path = st->r.path ? st->r.path : st->target;
  return prefix && *prefix && path && strncmp(path, prefix, strlen(prefix)) == 0;
}

/* Queues r's response. The body buffer is handed to MHD (freed with the
 * response), so nothing is copied. */
static enum MHD_Result respond(ReqState *st) {
  Request *r = &st->r;
  if (r->status < 100 || r->status > 599) r->status = 500;
  /* gzip (coding.h): decided before the ETag is compared, since the
   * compressed representation has its own tag; a HEAD is compressed too, so
   * that it reports the Content-Length and ETag a GET would. */
  int streamed = st->more && r->status == 200;
  int codable = r->status >= 200 && r->status != 204 && coding_compressible(r->content_type);
  st->gzip = codable && r->status != 304 && (streamed || r->out.len >= CODING_MIN_BYTES) &&
             coding_accepts_gzip(MHD_lookup_connection_value(st->conn, MHD_HEADER_KIND, "Accept-Encoding"));
  const char *etag = r->etag;
  if (etag && st->gzip) {
    char *gz = coding_gzip_etag(etag);
    etag = req_strdup(r, gz);
    free(gz);
  }
  if (etag && r->status == 200 &&
      etag_matches(MHD_lookup_connection_value(st->conn, MHD_HEADER_KIND, "If-None-Match"), etag)) {
    r->status = 304;
    streamed = 0;
  }
  if (st->gzip && !streamed && r->status != 304) {
    Buf z = BUF_INIT;
    if (coding_gzip(r->out.data, r->out.len, &z) == 0) {
      buf_release(&r->out);
      r->out = z;
    } else { /* zlib out of memory: the same body uncompressed is still right */
      buf_release(&z);
      st->gzip = 0;
      etag = r->etag;
    }
  }
  size_t len = 0;
  struct MHD_Response *resp;
  if (streamed) { /* what the handler wrote first, then the producer's parts */
    buf_release(&st->pending);
    st->pending_off = 0;
    if (st->gzip) {
      buf_release(&st->raw);
      st->raw = r->out;
      st->raw_first = 1;
    } else {
      st->pending = r->out;
    }
    buf_init(&r->out);
    resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 32 * 1024, stream_read, st, NULL);
    if (!resp) return MHD_NO;
  } else {
    char *data = buf_detach(&r->out, &len);
    if (r->status == 204 || r->status == 304 || r->status < 200) len = 0;
    resp = MHD_create_response_from_buffer_with_free_callback(len, data, free_body);
    if (!resp) {
      free(data);
      return MHD_NO;
    }
  }
  add_security_headers(resp, st);
  if (r->status != 204 && r->status != 304)
    MHD_add_response_header(resp, "Content-Type",
                            r->content_type ? r->content_type : "text/html; charset=utf-8");
  MHD_add_response_header(resp, "Cache-Control", r->cache_control ? r->cache_control : "no-store");
  if (r->location) MHD_add_response_header(resp, "Location", r->location);
  if (etag) MHD_add_response_header(resp, "ETag", etag);
  if (st->gzip && r->status != 304) MHD_add_response_header(resp, "Content-Encoding", "gzip");
  if (codable) MHD_add_response_header(resp, "Vary", "Accept-Encoding"); /* also on 304 (RFC 9110 15.4.5) */
  if (under_cors_prefix(st)) MHD_add_response_header(resp, "Access-Control-Allow-Origin", "*");
  for (RespHeader *h = st->headers; h; h = h->next) MHD_add_response_header(resp, h->name, h->value);
  enum MHD_Result ret = MHD_queue_response(st->conn, (unsigned)r->status, resp);
  MHD_destroy_response(resp);
  if (ret == MHD_YES) {
    st->status = r->status;
    st->bytes = st->is_head || streamed ? 0 : len; /* a stream counts what it sends */
  }
  return ret;
}

static enum MHD_Result refuse(ReqState *st, int status, const char *title, const char *detail) {
  Request *r = &st->r;
  req_problem(r, status, title, detail);
  Handler page = st->srv->cfg->error_page;
  if (page && !under_cors_prefix(st)) { /* a person's address: a page, not JSON */
    buf_reset(&r->out);
    r->content_type = NULL;
    page(r);
    r->status = status;
  }
  return respond(st);
}

/* ---- static files ------------------------------------------------------- */

static const struct {
  const char *ext, *type;
} TYPES[] = {
    {".css", "text/css; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".woff2", "font/woff2"},
    {".ico", "image/x-icon"},
    {".txt", "text/plain; charset=utf-8"},
};

/* The len bytes of file fd, gzip-compressed into out. 0, or -1 when the
 * file could not be read whole (it shrank) or zlib failed. */
static int static_gzip(int fd, size_t len, Buf *out) {
  char *data = xmalloc(len);
  size_t got = 0;
  while (got < len) {
    ssize_t n = pread(fd, data + got, len - got, (off_t)got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += (size_t)n;
  }
  int rc = got == len ? coding_gzip(data, len, out) : -1;
  free(data);
  return rc;
}

/* Serves path rel (decoded, below /static/) from the static root. Only
 * regular files with a known extension, whose real path (symlinks resolved)
 * stays under the root; no segment may be empty or begin with '.' (which
 * rules out "..", "." and hidden files). Anything else is a 404: an attacker
 * learns nothing about what exists outside. */
static enum MHD_Result serve_static(ReqState *st, const char *rel) {
  Server *srv = st->srv;
  Request *r = &st->r;
  if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0) {
    req_add_header(r, "Allow", "GET, HEAD");
    return refuse(st, 405, "Method Not Allowed", "static files are served to GET and HEAD only");
  }
  const char *type = NULL;
  for (const char *seg = rel;;) {
    const char *end = strchr(seg, '/');
    size_t n = end ? (size_t)(end - seg) : strlen(seg);
    if (n == 0 || seg[0] == '.') goto not_found;
    if (!end) {
      const char *dot = strrchr(seg, '.');
      for (size_t i = 0; dot && i < sizeof TYPES / sizeof TYPES[0]; i++)
        if (strcmp(dot, TYPES[i].ext) == 0) type = TYPES[i].type;
      break;
    }
    seg = end + 1;
  }
  if (!type) goto not_found;

  char *full = req_printf(r, "%s/%s", srv->static_root, rel);
  char resolved[PATH_MAX];
  if (!realpath(full, resolved)) goto not_found;
  if (strncmp(resolved, srv->static_root, srv->static_root_len) != 0 ||
      resolved[srv->static_root_len] != '/')
    goto not_found; /* a symlink out of the directory */
  /* O_NONBLOCK: a FIFO or a device must not block a pool thread in open()
   * (only regular files are served; for them the flag changes nothing). */
  int fd = open(resolved, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) goto not_found;
  struct stat sb;
  if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
    close(fd);
    goto not_found;
  }
  const char *plain_etag = req_printf(r, "\"%llx-%llx.%lx\"", (unsigned long long)sb.st_size,
                                      (unsigned long long)sb.st_mtim.tv_sec, (long)sb.st_mtim.tv_nsec);
  const char *etag = plain_etag;
  size_t len = (size_t)sb.st_size;
  /* Text files are compressed as dynamic answers are (respond), up to
   * STATIC_GZIP_MAX read whole into memory. */
  int codable = coding_compressible(type);
  int gzip = codable && len >= CODING_MIN_BYTES && len <= STATIC_GZIP_MAX &&
             coding_accepts_gzip(MHD_lookup_connection_value(st->conn, MHD_HEADER_KIND, "Accept-Encoding"));
  if (gzip) {
    char *gz = coding_gzip_etag(etag);
    etag = req_strdup(r, gz);
    free(gz);
  }
  int not_modified =
      etag_matches(MHD_lookup_connection_value(st->conn, MHD_HEADER_KIND, "If-None-Match"), etag);
  Buf z = BUF_INIT;
  if (gzip && !not_modified && len > 0 && static_gzip(fd, len, &z) != 0) {
    buf_release(&z); /* a short read: sent as it is, from the file */
    gzip = 0;
    etag = plain_etag;
  }
  struct MHD_Response *resp;
  if (not_modified || len == 0) {
    close(fd);
    len = 0;
    resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
  } else if (gzip) {
    close(fd);
    char *data = buf_detach(&z, &len);
    resp = MHD_create_response_from_buffer_with_free_callback(len, data, free_body);
    if (!resp) free(data);
  } else {
    resp = MHD_create_response_from_fd(len, fd); /* owns fd from here */
    if (!resp) close(fd);
  }
  if (!resp) return MHD_NO;
  add_security_headers(resp, st);
  if (!not_modified) MHD_add_response_header(resp, "Content-Type", type);
  MHD_add_response_header(resp, "Cache-Control", "public, max-age=86400");
  MHD_add_response_header(resp, "ETag", etag);
  if (gzip && !not_modified) MHD_add_response_header(resp, "Content-Encoding", "gzip");
  if (codable) MHD_add_response_header(resp, "Vary", "Accept-Encoding");
  int status = not_modified ? 304 : 200;
  enum MHD_Result ret = MHD_queue_response(st->conn, (unsigned)status, resp);
  MHD_destroy_response(resp);
  if (ret == MHD_YES) {
    st->status = status;
    st->bytes = st->is_head ? 0 : len;
  }
  return ret;

not_found:
  return refuse(st, 404, "Not Found", "no such static file");
}

/* ---- routing ------------------------------------------------------------ */

static int method_matches(const char *route, const char *method) {
  return strcmp(route, method) == 0 || (strcmp(method, "HEAD") == 0 && strcmp(route, "GET") == 0);
}

/* Does pattern match path? A '*' at the end matches the rest of the path, a
 * '*' elsewhere one non-empty segment (no '/'); either is the capture
 * (*capture, *cap_len). At most one '*'. */
static int pattern_matches(const char *pattern, const char *path, const char **capture, size_t *cap_len) {
  const char *star = strchr(pattern, '*');
  *capture = NULL;
  *cap_len = 0;
  if (!star) return strcmp(pattern, path) == 0;
  size_t pre = (size_t)(star - pattern);
  if (strncmp(pattern, path, pre) != 0) return 0;
  const char *rest = path + pre;
  size_t len = star[1] ? strcspn(rest, "/") : strlen(rest);
  if (star[1] && (len == 0 || strcmp(star + 1, rest + len) != 0)) return 0;
  *capture = rest;
  *cap_len = len;
  return 1;
}

/* Is there a ROUTE_UPLOAD route for method and path (the first route that
 * matches both, as dispatch picks)? */
static int upload_route(const Server *srv, const char *method, const char *path) {
  for (size_t i = 0; i < srv->cfg->n_routes; i++) {
    const Route *rt = &srv->cfg->routes[i];
    const char *cap;
    size_t cap_len;
    if (pattern_matches(rt->pattern, path, &cap, &cap_len) && method_matches(rt->method, method))
      return (rt->flags & ROUTE_UPLOAD) != 0;
  }
  return 0;
}

static enum MHD_Result dispatch(ReqState *st) {
  Server *srv = st->srv;
  const ServerConfig *cfg = srv->cfg;
  Request *r = &st->r;
  if (st->too_big)
    return refuse(st, 413, "Content Too Large",
                  req_printf(r, "the request body is over the limit of %zu bytes", st->body_max));
  r->body = st->body.len ? st->body.data : "";
  r->body_len = st->body.len;

  if (srv->static_root && strncmp(r->path, "/static/", 8) == 0) return serve_static(st, r->path + 8);

  const Route *hit = NULL;
  const char *capture = NULL;
  size_t capture_len = 0;
  int hit_loose = 0;
  Buf allow = BUF_INIT;
  for (size_t i = 0; i < cfg->n_routes; i++) {
    const Route *rt = &cfg->routes[i];
    const char *cap;
    size_t cap_len;
    if (!pattern_matches(rt->pattern, r->path, &cap, &cap_len)) continue;
    if (method_matches(rt->method, r->method)) {
      /* A star that took several segments of the path ("/organisations/{id}"
       * matching "/organisations/1/notices") yields to a later route that
       * names them ("/organisations/{id}/notices"); else the first match wins. */
      size_t pl = strlen(rt->pattern);
      int loose = pl && rt->pattern[pl - 1] == '*' && memchr(cap, '/', cap_len) != NULL;
      if (!hit || (hit_loose && !loose)) {
        hit = rt;
        capture = cap;
        capture_len = cap_len;
        hit_loose = loose;
      }
      if (!loose) break;
      continue;
    }
    if (allow.len && strstr(allow.data, rt->method)) continue; /* listed already */
    buf_addf(&allow, "%s%s", allow.len ? ", " : "", rt->method);
    if (strcmp(rt->method, "GET") == 0) buf_adds(&allow, ", HEAD");
  }
  if (!hit && allow.len) { /* the path exists, for other methods */
    req_add_header(r, "Allow", allow.data);
    buf_release(&allow);
    return refuse(st, 405, "Method Not Allowed",
                  req_printf(r, "%s is not allowed here", r->method));
  }
  buf_release(&allow);

  thread_state_ensure(srv);
  r->status = 200;
  if (hit) {
    if (capture) {
      char *c = req_alloc(r, capture_len + 1);
      memcpy(c, capture, capture_len);
      c[capture_len] = 0;
      r->capture = c;
    } else {
      r->capture = NULL;
    }
    r->route_flags = hit->flags;
    st->suspend = 0;
    st->jobs_seen = 0;
    st->queued = NULL;
    if (cfg->before && cfg->before(r) != 0) return respond(st);
    if ((hit->flags & ROUTE_HEAVY) && req_heavy(r) != 0) return st->suspend ? suspend_for_heavy(st) : respond(st);
    hit->handler(r);
    if (st->suspend) return suspend_for_heavy(st); /* the handler asked for a slot (req_heavy) */
    if (st->queued) return suspend_for_work(st);   /* ... or for work off this thread (req_work) */
  } else if (cfg->not_found) {
    r->status = 404;
    cfg->not_found(r);
  } else {
    req_problem(r, 404, "Not Found", "no page at this address");
  }
  return respond(st);
}

/* ---- the first call: limits and decoding --------------------------------- */

/* What the header block says about framing and form, gathered in one pass. */
typedef struct {
  size_t total;            /* "Name: value\r\n" of every header */
  int bad_name, bad_value; /* a name that is not a token; a control character (CR, NUL...) in a value */
  int folded;              /* obsolete line folding */
  unsigned n_cl, n_te, n_host;
  int cl_differ;           /* Content-Length headers with different values */
  const char *cl, *te;
} HeadScan;

static int is_tchar(unsigned char c) { /* RFC 9110 5.6.2 */
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c && strchr("!#$%&'*+-.^_`|~", c));
}

static enum MHD_Result scan_header(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_size,
                                   const char *value, size_t value_size) {
  HeadScan *s = cls;
  s->total += key_size + 2 + value_size + 2;
  if (key_size == 0 || strlen(key) != key_size) s->bad_name = 1;
  for (size_t i = 0; i < key_size && !s->bad_name; i++)
    if (!is_tchar((unsigned char)key[i])) s->bad_name = 1; /* "Content-Length :" has a space */
  if (!value || strlen(value) != value_size) s->bad_value = 1; /* a NUL inside */
  for (size_t i = 0; value && i < value_size && !s->bad_value; i++) {
    unsigned char c = (unsigned char)value[i];
    if ((c < 0x20 && c != '\t') || c == 0x7f) s->bad_value = 1; /* bare CR, folded lines */
  }
  /* Obsolete line folding ("Name: a\r\n b"): libmicrohttpd 0.9.7x appends the
   * continuation to the header's NAME, which it copies elsewhere in its
   * connection memory to make room. An unfolded header sits in MHD's read
   * buffer as it came: name, the NUL MHD wrote over the colon, optional
   * blanks, value. Any other layout is a folded line. */
  const char *gap = key + key_size;
  if (value < gap + 1 || value > gap + 1 + SERVER_MAX_HEADERS) s->folded = 1;
  for (const char *p = gap; !s->folded && p < value; p++)
    if (*p != '\0' && *p != ' ' && *p != '\t') s->folded = 1;
  if (strcasecmp(key, "Content-Length") == 0) {
    if (s->n_cl++ && value && s->cl && strcmp(value, s->cl) != 0) s->cl_differ = 1;
    if (!s->cl) s->cl = value;
  } else if (strcasecmp(key, "Transfer-Encoding") == 0) {
    s->n_te++;
    s->te = value;
  } else if (strcasecmp(key, "Host") == 0) {
    s->n_host++;
  }
  return MHD_YES;
}

/* RFC 9112's rules for a request head that a proxy in front may read
 * differently (smuggling) or that no client should send. 0 when the head is
 * fine; else the status to answer (400 or 501) with *why. The answer goes out
 * on the first access call, so MHD closes the connection after it and what
 * follows is never read as another request. raw_uri: the target as MHD holds
 * it (uri_logged); version: MHD's pointer to the HTTP version on the same
 * request line. */
static int head_check(const ReqState *st, const HeadScan *hs, const char *version, const char **why) {
  const char *m = st->r.method;
  for (size_t i = 0; m[i] || i == 0; i++)
    if (!is_tchar((unsigned char)m[i])) return *why = "the method is not a token", 400;
  size_t tlen = strlen(st->target);
  for (size_t i = 0; i < tlen; i++) {
    unsigned char c = (unsigned char)st->target[i];
    if (c <= 0x20 || c == 0x7f) return *why = "the request target has a space or a control character", 400;
  }
  /* A NUL in the target: MHD hands the target on as a C string, cut at the
   * NUL. The version follows the target on MHD's copy of the request line;
   * anything but the separating spaces (or the NULs MHD wrote over them)
   * between where our copy ends and the version is the rest of the target. */
  if (st->raw_uri && version && version > st->raw_uri + tlen && version <= st->raw_uri + tlen + SERVER_MAX_URI) {
    for (const char *p = st->raw_uri + tlen; p < version; p++)
      if (*p != ' ' && *p != '\0') return *why = "the request target has a NUL byte", 400;
  }
  if (hs->bad_name) return *why = "a header name is not a token (a space before the colon?)", 400;
  if (hs->folded) return *why = "obsolete line folding in a header", 400;
  if (hs->bad_value) return *why = "a header has a control character (a bare CR, a NUL, or a folded line)", 400;
  if (hs->cl_differ) return *why = "Content-Length is given twice with different values", 400;
  if (hs->n_te && hs->n_cl) return *why = "Content-Length and Transfer-Encoding together", 400;
  if (hs->n_te && (hs->n_te > 1 || strcasecmp(hs->te, "chunked") != 0))
    return *why = "the only transfer coding understood is chunked", 501;
  if (hs->n_host > 1 || (hs->n_host == 0 && version && strcmp(version, "HTTP/1.1") == 0))
    return *why = "an HTTP/1.1 request needs exactly one Host header", 400;
  return 0;
}

typedef struct {
  Request *r;
  size_t cap;
} ParamSink;

static int add_param(void *ctx, const char *name, const char *value, Err *err) {
  ParamSink *ps = ctx;
  Request *r = ps->r;
  if (r->n_params == ps->cap) return err_set(err, ERR_LIMIT, "too many query parameters");
  r->params[r->n_params].name = req_strdup(r, name);
  r->params[r->n_params].value = req_strdup(r, value);
  r->n_params++;
  return 0;
}

static enum MHD_Result last_xff(void *cls, enum MHD_ValueKind kind, const char *key, const char *value) {
  if (key && value && strcasecmp(key, "X-Forwarded-For") == 0) *(const char **)cls = value;
  return MHD_YES;
}

/* When the TCP peer is the trusted proxy and it says for whom it forwards:
 * the rightmost X-Forwarded-For address (the one the proxy appended; what the
 * client itself sent stands to its left and is not believed). */
static int forwarded_for(ReqState *st, AddrKey *out) {
  Server *srv = st->srv;
  if (!srv->proxy.fam) return -1;
  const union MHD_ConnectionInfo *ci = MHD_get_connection_info(st->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  AddrKey peer;
  if (addr_key_sa(ci ? ci->client_addr : NULL, &peer) != 0 || !addr_eq(&peer, &srv->proxy)) return -1;
  const char *xff = NULL;
  MHD_get_connection_values(st->conn, MHD_HEADER_KIND, last_xff, &xff);
  if (!xff) return -1;
  const char *p = strrchr(xff, ',');
  p = p ? p + 1 : xff;
  while (*p == ' ' || *p == '\t') p++;
  size_t n = strcspn(p, " \t");
  char text[INET6_ADDRSTRLEN];
  if (n == 0 || n >= sizeof text) return -1;
  memcpy(text, p, n);
  text[n] = 0;
  return addr_key_text(text, out);
}

/* Checks the limits and decodes the target; queues a refusal and returns 1 if
 * the request is refused (*ret is MHD's result), else 0. */
static int first_call(ReqState *st, const char *method, const char *version, enum MHD_Result *ret) {
  Request *r = &st->r;
  r->method = req_strdup(r, method);
  r->query = "";
  r->accept = "";
  r->body = "";
  r->app = st->srv->cfg->app;
  st->is_head = strcmp(method, "HEAD") == 0;

  AddrKey fwd;
  if (forwarded_for(st, &fwd) == 0) {
    addr_text(&fwd, st->client, sizeof st->client);
    pthread_mutex_lock(&st->srv->addr_mu);
    unsigned n = addr_add(&st->srv->fwd, &fwd, +1);
    pthread_mutex_unlock(&st->srv->addr_mu);
    if (n != UINT_MAX) st->fwd = fwd; /* counted: completed() takes it off */
    if (n > SERVER_MAX_PER_IP) {
      req_add_header(r, "Retry-After", "1");
      *ret = refuse(st, 429, "Too Many Requests",
                    req_printf(r, "more than %d requests at once from one address", SERVER_MAX_PER_IP));
      return 1;
    }
  }

  size_t tlen = strlen(st->target);
  if (tlen > SERVER_MAX_URI) {
    *ret = refuse(st, 414, "URI Too Long",
                  req_printf(r, "the request target is %zu bytes; the limit is %u", tlen, SERVER_MAX_URI));
    return 1;
  }
  HeadScan hs = {0};
  MHD_get_connection_values_n(st->conn, MHD_HEADER_KIND, scan_header, &hs);
  if (hs.total > SERVER_MAX_HEADERS) {
    *ret = refuse(st, 431, "Request Header Fields Too Large",
                  req_printf(r, "the request headers are %zu bytes; the limit is %u", hs.total,
                             SERVER_MAX_HEADERS));
    return 1;
  }
  const char *why;
  int bad = head_check(st, &hs, version, &why);
  if (bad) {
    *ret = refuse(st, bad, bad == 501 ? "Not Implemented" : "Bad Request", why);
    return 1;
  }
  const char *accept = MHD_lookup_connection_value(st->conn, MHD_HEADER_KIND, "Accept");
  if (accept) r->accept = accept; /* lives in MHD's connection memory until the request ends */

  const char *q = strchr(st->target, '?');
  size_t plen = q ? (size_t)(q - st->target) : tlen;
  Err err = ERR_INIT;
  Buf path = BUF_INIT;
  if (plen == 0 || st->target[0] != '/') {
    *ret = refuse(st, 400, "Bad Request", "the request target must be a path starting with '/'");
    return 1;
  }
  if (url_decode(&path, st->target, plen, 0, &err) != 0) {
    buf_release(&path);
    *ret = refuse(st, 400, "Bad Request", req_printf(r, "malformed path: %s", err.msg));
    return 1;
  }
  r->path = req_strndup(r, path.data, path.len);
  buf_release(&path);
  if (q) {
    r->query = req_strdup(r, q + 1);
    size_t cap = 1;
    for (const char *p = r->query; *p; p++) cap += *p == '&';
    if (cap > 2 * SERVER_MAX_PARAMS) { /* empty parts are not parameters, but not free either */
      *ret = refuse(st, 400, "Bad Request",
                    req_printf(r, "malformed query: query string has %zu '&'-separated parts; the limit is %d",
                               cap, 2 * SERVER_MAX_PARAMS));
      return 1;
    }
    if (cap > SERVER_MAX_PARAMS) cap = SERVER_MAX_PARAMS;
    ParamSink ps = {r, cap};
    r->params = req_alloc(r, cap * sizeof *r->params);
    if (url_query_parse(r->query, strlen(r->query), SERVER_MAX_PARAMS, SERVER_MAX_URI, add_param,
                        &ps, &err) != 0) {
      r->n_params = 0;
      *ret = refuse(st, 400, "Bad Request", req_printf(r, "malformed query: %s", err.msg));
      return 1;
    }
  }
  /* the body's limit is its route's (a GET or HEAD, most requests, has no body:
   * no second pass over the routes for it) */
  st->body_max = SERVER_MAX_BODY;
  if (strcmp(method, "GET") && strcmp(method, "HEAD") && upload_route(st->srv, method, r->path)) {
    st->body_max = SERVER_MAX_UPLOAD;
    Server *srv = st->srv;
    pthread_mutex_lock(&srv->mu);
    int room = srv->uploads < SERVER_MAX_UPLOADS;
    if (room) srv->uploads++;
    pthread_mutex_unlock(&srv->mu);
    if (!room) {
      req_add_header(r, "Retry-After", "5");
      *ret = refuse(st, 503, "Service busy", "other uploads are being received; try again in a few seconds");
      return 1;
    }
    st->upload = 1;
  }
  const char *cl = hs.cl;
  if (cl) {
    errno = 0;
    char *end;
    unsigned long long n = strtoull(cl, &end, 10);
    if (errno == ERANGE || n > st->body_max) {
      *ret = refuse(st, 413, "Content Too Large",
                    req_printf(r, "the request body is %s bytes; the limit is %zu", cl, st->body_max));
      return 1;
    }
  }
  return 0;
}

static enum MHD_Result access_handler(void *cls, struct MHD_Connection *conn, const char *url,
                                      const char *method, const char *version,
                                      const char *upload, size_t *upload_size, void **con_cls) {
  ReqState *st = *con_cls;
  if (!st) return MHD_NO; /* cannot happen: uri_logged always runs first */
  if (st->phase == 0) {
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    Conn *c = ci ? ci->socket_context : NULL;
    if (c && c->over) return MHD_NO; /* over the per-address limit: closed */
    st->phase = 1;
    conn_state(st, CONN_BODY);
    enum MHD_Result ret;
    if (first_call(st, method, version, &ret)) return ret;
    return MHD_YES; /* reply on a later call: keeps keep-alive (STYLE.md) */
  }
  if (*upload_size) {
    /* Chunked bodies have no Content-Length: count here. Past the limit the
     * rest is read and dropped, and the request answered 413 at its end (MHD
     * cannot answer in the middle of a body) -- unless the client keeps
     * sending far past it: then the connection is cut. */
    st->body_seen += *upload_size;
    if (!st->too_big && st->body_seen <= st->body_max)
      buf_add(&st->body, upload, *upload_size);
    else {
      st->too_big = 1;
      buf_release(&st->body);
      if (st->body_seen > 4 * st->body_max) return MHD_NO;
    }
    *upload_size = 0;
    return MHD_YES;
  }
  conn_state(st, CONN_BUSY);
  return dispatch(st);
}

/* ---- listening, signals, run and stop ----------------------------------- */



ServerLimits server_limits(const ServerConfig *cfg) {
  ServerLimits l = {
      .idle_seconds = cfg->idle_seconds ? cfg->idle_seconds : SERVER_IDLE_SECONDS,
      .head_seconds = cfg->head_seconds ? cfg->head_seconds : SERVER_HEAD_SECONDS,
      .body_seconds = cfg->body_seconds ? cfg->body_seconds : SERVER_BODY_SECONDS,
      .max_connections = cfg->max_connections ? cfg->max_connections : SERVER_MAX_CONNECTIONS,
  };
  if (l.max_connections > SERVER_MAX_CONNECTIONS) l.max_connections = SERVER_MAX_CONNECTIONS;
  return l;
}

/* Splits "host:port" or "[v6]:port" into host (brackets removed) and port. */
static int parse_listen(const char *spec, char *host, size_t hcap, char *port, size_t pcap, Err *err) {
  const char *colon, *hs, *he;
  if (spec[0] == '[') {
    const char *rb = strchr(spec, ']');
    if (!rb || rb[1] != ':') goto bad;
    hs = spec + 1;
    he = rb;
    colon = rb + 1;
  } else {
    colon = strrchr(spec, ':');
    if (!colon || memchr(spec, ':', (size_t)(colon - spec))) goto bad;
    hs = spec;
    he = colon;
  }
  const char *ps = colon + 1;
  long long portnum;
  if (strspn(ps, "0123456789") != strlen(ps) || num_parse_ll(ps, 0, 65535, &portnum)) goto bad;
  if ((size_t)(he - hs) >= hcap || strlen(ps) >= pcap) goto bad;
  memcpy(host, hs, (size_t)(he - hs));
  host[he - hs] = 0;
  memcpy(port, ps, strlen(ps) + 1);
  return 0;
bad:
  return err_set(err, ERR_USAGE, "cannot listen on '%s': expected host:port or [ipv6]:port", spec);
}

/* The listening socket's fd, or a negative error code with err set. Our own
 * socket rather than MHD's so that a failure says why (EADDRINUSE ...). */
static int open_listener(const char *spec, char *host, size_t hcap, int *family, Err *err) {
  char port[8];
  int rc;
  if ((rc = parse_listen(spec, host, hcap, port, sizeof port, err)) != 0) return rc;
  struct addrinfo hints = {0}, *ai = NULL;
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  int gai = getaddrinfo(host[0] ? host : NULL, port, &hints, &ai);
  if (gai != 0) return err_set(err, ERR_IO, "cannot listen on %s: %s", spec, gai_strerror(gai));
  int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
  int one = 1;
  if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
      bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 511) != 0) {
    rc = err_set(err, ERR_IO, "cannot listen on %s: %s", spec, strerror(errno));
    if (fd >= 0) close(fd);
    freeaddrinfo(ai);
    return rc;
  }
  *family = ai->ai_family;
  freeaddrinfo(ai);
  return fd;
}

/* The stop signal: a semaphore, because sem_post is async-signal-safe. It is
 * created once and never destroyed, so server_stop() is safe at any time. */
static sem_t stop_sem;
static pthread_once_t stop_once = PTHREAD_ONCE_INIT;
static void stop_sem_init(void) { sem_init(&stop_sem, 0, 0); }

static void on_signal(int sig) {
  int saved = errno;
  sem_post(&stop_sem);
  errno = saved;
}

void server_stop(void) {
  pthread_once(&stop_once, stop_sem_init);
  sem_post(&stop_sem);
}

static void wait_in_flight(Server *srv, unsigned seconds) {
  double end = mono_ms() + seconds * 1e3;
  for (;;) {
    expire_waiters(srv, 1); /* nothing may stay suspended: MHD cannot stop with suspended connections */
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_nsec += 50 * 1000000L;
    until.tv_sec += until.tv_nsec / 1000000000L;
    until.tv_nsec %= 1000000000L;
    pthread_mutex_lock(&srv->mu);
    if (srv->in_flight > 0) pthread_cond_timedwait(&srv->cv, &srv->mu, &until);
    int idle = srv->in_flight == 0;
    pthread_mutex_unlock(&srv->mu);
    if (idle || mono_ms() >= end) break;
  }
}

int server_run(const ServerConfig *cfg, Err *err) {
  if (atomic_exchange(&g_running, 1))
    return err_set(err, ERR_USAGE, "cannot start a server: one is already running in this process");
  pthread_once(&stop_once, stop_sem_init);

  int rc = -1, lfd = -1, family = AF_INET, handlers = 0;
  struct MHD_Daemon *d = NULL;
  struct sigaction old_int, old_term;
  Server *srvp = xcalloc(1, sizeof *srvp); /* two address tables: too big for the stack */
  Server srv_init = {.cfg = cfg,
                     .log = cfg->access_log ? cfg->access_log : stderr,
                     .errlog = cfg->error_log ? cfg->error_log : stderr};
  *srvp = srv_init;
#define srv (*srvp)
  pthread_mutex_init(&srv.addr_mu, NULL);
  if (getrandom(&srv.id_prefix, sizeof srv.id_prefix, GRND_NONBLOCK) != (ssize_t)sizeof srv.id_prefix)
    srv.id_prefix = (uint32_t)time(NULL) ^ ((uint32_t)getpid() << 16);
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&srv.cv, &ca);
  pthread_condattr_destroy(&ca);
  pthread_mutex_init(&srv.mu, NULL);
  pthread_mutex_init(&srv.work_mu, NULL);
  pthread_cond_init(&srv.work_cv, NULL);
  static atomic_uint gens;
  srv.gen = atomic_fetch_add(&gens, 1) + 1;

  if (cfg->static_dir) {
    if (!(srv.static_root = realpath(cfg->static_dir, NULL))) {
      rc = err_set(err, ERR_IO, "static directory '%s': %s", cfg->static_dir, strerror(errno));
      goto out;
    }
    srv.static_root_len = strlen(srv.static_root);
  }
  if (cfg->trusted_proxy && addr_key_text(cfg->trusted_proxy, &srv.proxy) != 0) {
    rc = err_set(err, ERR_USAGE, "trusted proxy '%s' is not an IPv4 or IPv6 address", cfg->trusted_proxy);
    goto out;
  }
  char host[256];
  const char *spec = cfg->listen ? cfg->listen : "127.0.0.1:8080";
  lfd = open_listener(spec, host, sizeof host, &family, err);
  if (lfd < 0) {
    rc = lfd; /* the error code */
    lfd = -1;
    goto out;
  }

  while (sem_trywait(&stop_sem) == 0) {
  } /* forget stops from before this run */
  struct sigaction sa = {0};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESETHAND; /* a second Ctrl-C kills at once */
  sigaction(SIGINT, &sa, &old_int);
  sigaction(SIGTERM, &sa, &old_term);
  handlers = 1;

  long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
  unsigned threads = cfg->threads ? cfg->threads : ncpu > 0 ? (unsigned)ncpu : 1;
  /* heavy work leaves a core for searches and pages */
  unsigned heavy = cfg->heavy_slots ? cfg->heavy_slots : ncpu > 2 ? (unsigned)ncpu - 1 : 1;
  srv.heavy_free = heavy;
  /* as many workers as heavy slots: the work they take is heavy work */
  srv.workers = xcalloc(heavy, sizeof *srv.workers);
  for (unsigned i = 0; i < heavy; i++) {
    if (pthread_create(&srv.workers[i], NULL, worker_main, &srv) != 0) break;
    srv.n_workers++;
  }
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME |
                   (MHD_is_feature_supported(MHD_FEATURE_EPOLL) == MHD_YES ? MHD_USE_EPOLL : MHD_USE_POLL) |
                   (family == AF_INET6 ? MHD_USE_IPv6 : 0);
  atomic_store(&g_gen, srv.gen);
  ServerLimits lim = server_limits(cfg);
  srv.head_ms = lim.head_seconds * 1e3;
  srv.body_ms = lim.body_seconds * 1e3;
  srv.max_conns = lim.max_connections;
  unsigned idle = lim.idle_seconds;
  struct MHD_OptionItem opts[] = {
      {MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)mhd_log, NULL},
      {MHD_OPTION_LISTEN_SOCKET, lfd, NULL},
      {MHD_OPTION_CONNECTION_TIMEOUT, idle, NULL},
      {MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)conn_notify, &srv},
      /* ours is max_conns (accept_policy); MHD's leaves room for those being cut */
      {MHD_OPTION_CONNECTION_LIMIT, lim.max_connections + CONN_SLACK, NULL},
      {MHD_OPTION_CONNECTION_MEMORY_LIMIT, CONN_MEMORY, NULL},
      {MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)uri_logged, &srv},
      {MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)completed, &srv},
      {threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END, threads, NULL}, /* 1: no pool */
      {MHD_OPTION_END, 0, NULL},
  };
  d = MHD_start_daemon(flags, 0, accept_policy, &srv, access_handler, &srv, MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
  if (!d) {
    rc = err_set(err, ERR_IO, "cannot start the HTTP server on %s (libmicrohttpd refused the configuration)",
                 spec);
    goto out;
  }
  const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
  unsigned port = info ? info->port : 0;
  if (cfg->on_listen) cfg->on_listen(cfg->app, host, port);

  unsigned ticks = 0;
  for (;;) { /* until a stop; meanwhile end the waits for heavy slots that are over */
    struct timespec tick;
    clock_gettime(CLOCK_REALTIME, &tick);
    tick.tv_nsec += 20 * 1000000L;
    tick.tv_sec += tick.tv_nsec / 1000000000L;
    tick.tv_nsec %= 1000000000L;
    if (sem_timedwait(&stop_sem, &tick) == 0) break;
    expire_waiters(&srv, 0);
    if (++ticks % 5 == 0) conns_expire(&srv); /* deadlines kept to about 100 ms */
  }
  /* Stop accepting, let what is in flight finish (bounded), then stop. */
  MHD_socket qfd = MHD_quiesce_daemon(d);
  wait_in_flight(&srv, STOP_GRACE_SECONDS);
  expire_waiters(&srv, 1);
  workers_stop(&srv); /* after the queue is empty: nothing stays suspended */
  MHD_stop_daemon(d);
  d = NULL;
  if (qfd != MHD_INVALID_SOCKET) lfd = qfd; /* after quiescing, closing it is ours */
  else lfd = -1;
  rc = 0;

out:
  workers_stop(&srv);
  if (d) MHD_stop_daemon(d); /* closes lfd */
  else if (lfd >= 0) close(lfd);
  atomic_store(&g_gen, 0);
  for (ThreadSlot *s = srv.slots, *next; s; s = next) {
    next = s->next;
    if (cfg->thread_done) cfg->thread_done(cfg->app, s->state);
    free(s);
  }
  if (handlers) {
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
  }
  free(srv.static_root);
  pthread_mutex_destroy(&srv.mu);
  pthread_cond_destroy(&srv.cv);
  pthread_mutex_destroy(&srv.addr_mu);
  pthread_mutex_destroy(&srv.work_mu);
  pthread_cond_destroy(&srv.work_cv);
  free(srv.workers);
#undef srv
  free(srvp);
  atomic_store(&g_running, 0);
  return rc;
}

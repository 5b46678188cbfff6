/* server.h -- the HTTP server: libmicrohttpd underneath, requests and
 * responses on top, nothing else. It knows HTTP, not notices: handlers
 * (the other web/ modules) are plugged in through a route table.
 *
 * Threads: MHD's internal thread pool with epoll, one thread per core by
 * default. A handler runs on a pool thread; it gets a Request whose memory
 * (query parameters, path captures, response body) is freed when the request
 * completes, so handlers allocate from it and free nothing.
 *
 * Limits (each answered with a proper status and a short body):
 *   request line / query string longer than SERVER_MAX_URI        -> 414
 *   headers larger than SERVER_MAX_HEADERS in total               -> 431
 *     ("Name: value\r\n" of every header, counted by us; far larger
 *     requests are answered 414/431 by libmicrohttpd itself)
 *   a body larger than SERVER_MAX_BODY                            -> 413
 *     (by Content-Length at once; a chunked body when it ends, or
 *     the connection is cut if it goes on past 4 x SERVER_MAX_BODY)
 *   more than SERVER_MAX_PARAMS query parameters, bad escapes     -> 400
 *     (or more than twice as many '&'-separated parts, empty ones included)
 *   more than SERVER_MAX_PER_IP connections from one address      -> refused
 *     (counted by us, not by libmicrohttpd, so that a trusted proxy is exempt)
 *   more than SERVER_MAX_PER_IP requests in flight for one address
 *     forwarded by the trusted proxy (X-Forwarded-For)            -> 429
 *   more than max_connections (SERVER_MAX_CONNECTIONS) in all     -> the oldest
 *     connection still waiting for its first request head is closed to make
 *     room; refused when every connection is busy or kept alive after an answer
 *   a connection idle for SERVER_IDLE_SECONDS                     -> closed
 *   a heavy route (ROUTE_HEAVY, req_heavy) when every heavy slot is
 *     taken for SERVER_HEAVY_WAIT_MS                              -> 503 + Retry-After
 * so a slow or hostile client cannot starve others.
 *
 * Deadlines (absolute: a byte now and then does not extend them), so that
 * slow clients (slowloris) cannot hold connections:
 *   the request head (request line and headers) complete within
 *     head_seconds of the connection opening, or of the previous response
 *     on a kept-alive connection                                  -> closed
 *   the body complete within body_seconds of the head             -> closed
 *
 * Strict parsing (RFC 9112; each answered 400 and the connection closed, so
 * nothing a proxy saw differently can be read as a second request):
 *   a header name that is not a token (e.g. "Content-Length :"), a control
 *   character (a bare CR) in a header value, obsolete line folding, differing
 *   Content-Length headers, Content-Length with Transfer-Encoding, HTTP/1.1
 *   without exactly one Host, control characters, spaces or a NUL in the
 *   target;
 *   a transfer coding other than "chunked"                        -> 501
 *
 * Client address: the TCP peer; when the peer is the configured trusted
 * proxy and the request carries X-Forwarded-For, the rightmost address in it
 * (the one that proxy appended). Nobody else's X-Forwarded-For is believed.
 *
 * Request ids: every request gets one (16 hex digits: a per-process random
 * prefix and a counter), sent as X-Request-Id and ending its access log line.
 * Internal error text (file paths, SQL, database hosts) goes only to the
 * error log, prefixed with that id (req_log_error); a client gets the id
 * (req_unavailable), never the text.
 *
 * Streaming: a handler may hand over a producer (req_stream) that is called
 * whenever the client can take more, so a large download holds one part at a
 * time, not the whole body, and a slow reader costs no memory or CPU.
 *
 * Compression (web/coding.h): a response whose client accepts gzip
 * (Accept-Encoding; q=0 refuses), whose type is text (HTML, CSS, CSV, JSON,
 * JavaScript, SVG, Atom...) and whose body is at least CODING_MIN_BYTES is
 * sent gzip-compressed (Content-Encoding: gzip), a streamed body always (one
 * zlib stream per response, bounded memory). Every response of such a type
 * carries Vary: Accept-Encoding. The compressed representation's ETag is the
 * handler's with "-gz" before the closing quote, and If-None-Match is
 * compared with the tag of the representation that would be sent. HEAD is
 * answered with GET's headers (the body is compressed to know its length).
 * Static text files (/static/) up to 4 MB likewise: the file's ETag with
 * "-gz" for the compressed one (compressed on every request: they are
 * cached by browsers for a day and revalidated by ETag).
 *
 * Every response carries Content-Security-Policy: default-src 'self';
 * frame-ancestors 'none', X-Content-Type-Options: nosniff, Referrer-Policy:
 * same-origin, X-Request-Id. One access log line per request goes to the log stream:
 *   ISO-time client-ip "METHOD /path?query" status bytes duration-ms request-id
 * (status "-" when the client went away before an answer; a streamed body cut
 * short by a failure is logged with its status followed by "!"). Errors the server
 * produces itself (400, 404, 405, 413, 414, 431, 501) are RFC 9457 problem JSON.
 * SIGINT/SIGTERM stop accepting, let in-flight requests finish (at most 10 s),
 * and return from server_run; a second signal kills the process. */
#ifndef SERVER_H
#define SERVER_H

#include <stddef.h>
#include <stdio.h>

#include "base/buf.h"
#include "base/err.h"

#define SERVER_MAX_URI 8192
#define SERVER_MAX_HEADERS 16384
#define SERVER_MAX_BODY (1u << 20)
#define SERVER_MAX_UPLOAD (27u << 20) /* the body of a ROUTE_UPLOAD route: a 25 MB file and its form */
#define SERVER_MAX_UPLOADS 4          /* ROUTE_UPLOAD bodies held at once; more wait their turn: 503 */
#define SERVER_MAX_PER_IP 32
#define SERVER_MAX_CONNECTIONS 1024
#define SERVER_IDLE_SECONDS 15
#define SERVER_HEAD_SECONDS 10 /* a complete request head, from connecting or the previous response */
#define SERVER_BODY_SECONDS 30 /* a complete body, from the end of the head */
#define SERVER_MAX_PARAMS 64
#define SERVER_HEAVY_WAIT_MS 200 /* how long a heavy request waits for a slot */
#define SERVER_RETRY_AFTER "2"   /* seconds, on a 503 for a busy or unavailable service */

typedef struct Request Request;

/* A request's query parameters, percent-decoded, in order of appearance
 * (repeated names allowed). */
typedef struct {
  const char *name, *value;
} Param;

struct Request {
  const char *method;    /* "GET", "HEAD", "POST" ... */
  const char *path;      /* decoded path, without the query string */
  const char *query;     /* raw query string ("" when none) */
  Param *params;         /* decoded query parameters */
  size_t n_params;
  const char *capture;   /* the part of the path a route's '*' matched, decoded */
  const char *accept;    /* Accept header or "" */
  const char *body;      /* request body (POST), NUL-terminated; "" when none */
  size_t body_len;
  void *app;             /* the pointer given to server_run (the application's state) */
  unsigned route_flags;  /* the matched route's flags */

  /* the response, filled by the handler */
  int status;            /* default 200 */
  const char *content_type; /* default "text/html; charset=utf-8" */
  Buf out;               /* the body */
  const char *cache_control; /* default "no-store" for dynamic responses */
  const char *location;  /* for redirects */
  const char *etag;      /* optional */
  const char *id;        /* this request's id (16 hex digits) */
  const char *client;    /* the client's address (see "Client address" above) */
  void *stream_ctx;      /* for req_stream's producer */
  void *app_req;         /* the application's per-request state (its before hook sets it) */
};

/* Memory that lives until the request completes. Never NULL (aborts on OOM). */
void *req_alloc(Request *r, size_t n);
char *req_strdup(Request *r, const char *s);
char *req_printf(Request *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The first value of query parameter name, or NULL. */
const char *req_param(const Request *r, const char *name);
/* A request header (case-insensitive name; the first if repeated), or NULL. */
const char *req_header(const Request *r, const char *name);
/* Adds a response header (e.g. Set-Cookie); name and value are copied. */
void req_add_header(Request *r, const char *name, const char *value);

/* Helpers that set status, content type and body. */
void req_json(Request *r, int status);                      /* content type application/json; body already in r->out */
/* RFC 9457 problem details: {"type","title","status","detail","instance"} with
 * content type application/problem+json; detail names the offending parameter. */
void req_problem(Request *r, int status, const char *title, const char *detail);

/* Writes "ISO-time request ID: message" to the error log (never to the
 * client). Returns r->id. */
const char *req_log_error(Request *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* 503 problem JSON: "the service is unavailable", the request id and
 * Retry-After; internal (may be NULL) goes to the error log with the id. */
void req_unavailable(Request *r, const char *internal);

/* Takes one of the server's heavy slots for the rest of the request (until its
 * response is completely sent), waiting at most SERVER_HEAVY_WAIT_MS. 0 when
 * taken (or held already); otherwise a 503 "busy" response with Retry-After
 * is set and -1 returned. Routes flagged ROUTE_HEAVY take one before their
 * handler runs. */
int req_heavy(Request *r);
/* req_heavy, waiting at most wait_ms for a slot (work that must not be
 * refused for a short burst: password hashing at sign-in). */
int req_heavy_for(Request *r, unsigned wait_ms);

/* A streamed response body. After the handler returns (r->out, if not empty,
 * is sent first), more(r, out) is called whenever the client can take more:
 * it appends the next part to out (possibly nothing) and returns 1 while more
 * follows, 0 at the end, <0 on a failure (it logs why with req_log_error;
 * the connection is closed, so the client sees a body cut short, never a
 * complete-looking one). done(r) (may be NULL) runs once when the request
 * completes, however it ended, to free what the producer holds; it also runs
 * when the response is never sent. r->stream_ctx is the producer's. Both run
 * on the pool thread that ran the handler. No Content-Length is sent
 * (chunked encoding); HEAD gets the headers only. */
/* Work off the pool threads. A pool thread serves many connections, so
 * CPU-heavy work done in a handler (a password hash: tens of ms) holds up
 * every other connection of that thread, searches among them. req_work runs
 * fn(ctx) on one of the server's worker threads instead (as many as heavy
 * slots) while this request's connection waits suspended, and the others go
 * on. ctx is a copy of in (size bytes, in the request's memory; pointers in
 * it must stay valid across runs, e.g. into request memory). On the first
 * run the call returns NULL: the handler must return at once, and runs again
 * from the start when fn has finished; on that run the same call (the k-th
 * req_work call of the run) returns ctx with fn's results. So everything a
 * handler does before req_work must be safe to do twice (reads, checks), as
 * before req_heavy. At most SERVER_MAX_JOBS calls per request are offloaded;
 * further ones (and all of them in a server without workers) run at once. */
#define SERVER_MAX_JOBS 4
typedef void (*WorkFn)(void *ctx);
void *req_work(Request *r, WorkFn fn, const void *in, size_t size);

typedef int (*StreamMore)(Request *r, Buf *out);
void req_stream(Request *r, StreamMore more, void (*done)(Request *r));

typedef void (*Handler)(Request *r);

/* Route.flags: ROUTE_HEAVY, bulk work run under the heavy semaphore;
 * ROUTE_WRITE, the handler writes to the store (the application gives such a
 * route, and only such a route, a write connection); ROUTE_UPLOAD, its body
 * may be up to SERVER_MAX_UPLOAD bytes (others SERVER_MAX_BODY), at most
 * SERVER_MAX_UPLOADS such bodies at once (another is answered 503 before
 * its body is read). The server knows only these three; the rest (ROUTE_APP
 * and up: sessions, CSRF, roles) are the application's, enforced by its
 * before hook (ServerConfig.before). */
enum { ROUTE_HEAVY = 1, ROUTE_WRITE = 2, ROUTE_UPLOAD = 4, ROUTE_APP = 8 };

/* A route: method ("GET" also serves HEAD) and a path pattern: an exact path
 * ("/notices"), a prefix ending in '*' ("/notices/" then '*') whose remainder is
 * r->capture, or a '*' standing for one non-empty segment
 * ("/organisations/" '*' "/members": the segment is r->capture). Patterns match the decoded path. The first matching route in
 * table order wins; no match -> 404 via the not_found handler (called with
 * r->status already 404); a path matched only by routes of other methods ->
 * 405 with an Allow header. */
typedef struct {
  const char *method;
  const char *pattern;
  Handler handler;
  unsigned flags; /* ROUTE_HEAVY, ROUTE_WRITE, the application's */
} Route;

/* Connection limits and deadlines (ServerConfig's fields of the same names;
 * server_limits fills in the defaults). */
typedef struct {
  unsigned idle_seconds, head_seconds, body_seconds, max_connections;
} ServerLimits;

typedef struct {
  const char *listen;        /* "127.0.0.1:8080"; port 0 picks a free port */
  const Route *routes;
  size_t n_routes;
  Handler not_found;         /* may be NULL: a plain 404 */
  const char *static_dir;    /* files under /static/ are served from here (may be NULL) */
  unsigned threads;          /* 0: one per core */
  FILE *access_log;          /* NULL: stderr */
  void *app;                 /* given to handlers as r->app */
  /* called once the socket listens, with the actual port (e.g. to print it) */
  void (*on_listen)(void *app, const char *host, unsigned port);
  /* per pool thread setup/teardown of application state (e.g. a database
   * connection per thread): thread_init's result is available to handlers as
   * server_thread_state(); may be NULL. */
  void *(*thread_init)(void *app);
  void (*thread_done)(void *app, void *state); /* after the pool stopped; not for NULL states */
  unsigned idle_seconds;     /* 0: SERVER_IDLE_SECONDS */
  FILE *error_log;           /* internal errors with request ids; NULL: stderr */
  unsigned heavy_slots;      /* heavy requests at once; 0: one per core minus one (at least 1) */
  const char *trusted_proxy; /* an IPv4/IPv6 address whose X-Forwarded-For is believed; NULL: none */
  unsigned head_seconds;     /* 0: SERVER_HEAD_SECONDS (see "Deadlines" above) */
  unsigned body_seconds;     /* 0: SERVER_BODY_SECONDS */
  unsigned max_connections;  /* 0: SERVER_MAX_CONNECTIONS, which is also the most allowed */
  /* every answer to a path starting with it (errors too) carries
   * Access-Control-Allow-Origin: * (a read-only API without cookies);
   * NULL: none does */
  const char *cors_prefix;
  /* The server's own refusals to a path outside cors_prefix (400 for a
   * malformed target or query, 405, 413, 414, 429, 431, 501) are pages: it
   * is called with r->status set and r->out empty and writes the body (the
   * content type is HTML unless it sets one; r->path is NULL when the path
   * itself could not be decoded). NULL, and under cors_prefix always:
   * problem+json. */
  Handler error_page;
  /* Called for every matched route before its heavy slot and its handler,
   * with r->route_flags and r->capture set: 0 lets the handler run; non-zero
   * means it has answered (status, body) and the handler does not run
   * (authorisation from the route's flags). NULL: none. */
  int (*before)(Request *r);
} ServerConfig;

/* The limits a server with cfg runs with (defaults filled in). */
ServerLimits server_limits(const ServerConfig *cfg);

/* Runs until SIGINT/SIGTERM (or server_stop). 0 on a clean stop; <0 with err
 * when trusted_proxy is not an address (ERR_USAGE) or the address cannot be
 * bound ("cannot listen on 127.0.0.1:8080: Address already in use"). */
int server_run(const ServerConfig *cfg, Err *err);
/* Asks the running server_run to stop, as SIGTERM does. Async-signal-safe.
 * A stop asked for before server_run has called on_listen may be lost. */
void server_stop(void);
/* The calling pool thread's state from thread_init (NULL outside handlers). */
void *server_thread_state(void);

#endif

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
 *   more than SERVER_MAX_PER_IP connections from one address      -> refused
 *   more than SERVER_MAX_CONNECTIONS in all                       -> refused
 *   a connection idle for SERVER_IDLE_SECONDS                     -> closed
 * so a slow or hostile client cannot starve others.
 *
 * Every response carries Content-Security-Policy: default-src 'self';
 * frame-ancestors 'none', X-Content-Type-Options: nosniff, Referrer-Policy:
 * same-origin. One access log line per request goes to the log stream:
 *   ISO-time client-ip "METHOD /path?query" status bytes duration-ms
 * (status "-" when the client went away before an answer). Errors the server
 * produces itself (400, 404, 405, 413, 414, 431) are RFC 9457 problem JSON.
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
#define SERVER_MAX_PER_IP 32
#define SERVER_MAX_CONNECTIONS 1024
#define SERVER_IDLE_SECONDS 15
#define SERVER_MAX_PARAMS 64

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
  const char *capture;   /* the part of the path a route's trailing '*' matched, decoded */
  const char *accept;    /* Accept header or "" */
  const char *body;      /* request body (POST), NUL-terminated; "" when none */
  size_t body_len;
  void *app;             /* the pointer given to server_run (the application's state) */

  /* the response, filled by the handler */
  int status;            /* default 200 */
  const char *content_type; /* default "text/html; charset=utf-8" */
  Buf out;               /* the body */
  const char *cache_control; /* default "no-store" for dynamic responses */
  const char *location;  /* for redirects */
  const char *etag;      /* optional */
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

typedef void (*Handler)(Request *r);

/* A route: method ("GET" also serves HEAD) and a path pattern: an exact path
 * ("/notices"), or a prefix ending in '*' ("/notices/" then '*') whose remainder is
 * r->capture. Patterns match the decoded path. The first matching route in
 * table order wins; no match -> 404 via the not_found handler (called with
 * r->status already 404); a path matched only by routes of other methods ->
 * 405 with an Allow header. */
typedef struct {
  const char *method;
  const char *pattern;
  Handler handler;
} Route;

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
} ServerConfig;

/* Runs until SIGINT/SIGTERM (or server_stop). 0 on a clean stop; <0 with err
 * when the address cannot be bound ("cannot listen on 127.0.0.1:8080: Address
 * already in use"). */
int server_run(const ServerConfig *cfg, Err *err);
/* Asks the running server_run to stop, as SIGTERM does. Async-signal-safe.
 * A stop asked for before server_run has called on_listen may be lost. */
void server_stop(void);
/* The calling pool thread's state from thread_init (NULL outside handlers). */
void *server_thread_state(void);

#endif

/* pg_impl.h -- what the files of the PostgreSQL backend share. pg.c owns the
 * connection: open and reconnect, schema migrations, the statements (prepared
 * once per connection, on first use), transactions, the change sequence and
 * the counts. Each aggregate has a file of its own: pg_notices.c (releases
 * and notices, one by one and in batches), pg_orgs.c, pg_feed.c (the index
 * scan and change feed), pg_search.c. The helpers below (parameters, columns,
 * running a statement, pipelines) are static inline so that each file has
 * them without exporting their names. Only the PostgreSQL backend includes
 * this. */
#ifndef STORE_PG_IMPL_H
#define STORE_PG_IMPL_H

#include <libpq-fe.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "store/org_key.h"
#include "store/store_impl.h"

/* ---- statements (their text: store_pg_sql in pg.c) ---- */

enum {
  Q_NOTICE_ID,
  Q_NOTICE_OLD,
  Q_REL_INSERT,
  Q_REL_HASH,
  Q_REL_DELETE,
  Q_REL_EACH,
  Q_REL_GET,
  Q_NOTICE_EXISTS,
  Q_NOTES_COUNT,
  Q_DETAIL_INSERT,
  Q_NOTICE_GET_DETAIL,
  Q_B_DEL_DETAIL,
  Q_NOTICE_INSERT,
  Q_NOTICE_UPDATE,
  Q_CPV_INSERT,
  Q_REGION_INSERT,
  Q_AWARD_WITH_SUPPLIERS,
  Q_CONTRACT_INSERT,
  Q_DOCUMENT_INSERT,
  Q_HISTORY_INSERT,
  Q_ORG_UPSERT,
  Q_NOTICE_GET,
  Q_NOTICE_GET_CPV,
  Q_NOTICE_GET_REGION,
  Q_NOTICE_GET_AWARD,
  Q_NOTICE_GET_SUPPLIER,
  Q_NOTICE_GET_CONTRACT,
  Q_NOTICE_GET_DOCUMENT,
  Q_NOTICE_GET_HISTORY,
  Q_FTS_SEARCH,
  Q_NOTICE_TEXT,
  Q_ORG_GET,
  Q_LAST_SEQ,
  Q_STATS,
  Q_B_LOOKUP,
  Q_B_MAX_SEQ,
  Q_B_REL_DELETE,
  Q_B_STUBS,
  Q_B_NOTICES,
  Q_B_ORGS,
  Q_B_DEL_CPV,
  Q_B_DEL_REGION,
  Q_B_DEL_AWARD,
  Q_B_DEL_CONTRACT,
  Q_B_DEL_DOCUMENT,
  Q_B_DEL_HISTORY,
  Q_B_MAX_IDS,
  Q_B_DEL_COMPILED,
  Q_COMPILED_PUT,
  Q_COMPILED_GET,
  Q_COUNT
};

/* Weights of ts_rank for D, C, B, A: description, CPV text, buyer, title. */
#define RANK_WEIGHTS "'{0.1, 0.2, 0.3, 1.0}'"

extern const char *const store_pg_sql[Q_COUNT];

/* ---- the connection ---------------------------------------------------------------- */

#define PG_SQL_CACHE 128 /* statements of the runner kept prepared */

typedef struct {
  PGconn *conn;
  char *conninfo;
  char *where; /* host (or socket folder) for messages */
  int readonly;
  int in_txn;
  unsigned char prepared[Q_COUNT];
  int piped; /* statements sent in the current pipeline */
  /* Organisations stored by this connection, by everything org_put writes:
   * the same buyer on the next notice needs no statement. Emptied on rollback. */
  OrgCache orgs;
  /* The notice the last release_add used, for the next release of the same ocid. */
  char *last_ocid;
  long long last_notice;
  /* Notices created by releases_add in the open transaction: every release
   * of theirs is of this transaction, so their release count and newest
   * sequence number are known here and notices_put need not ask. */
  struct NewNotice *new_notices;
  size_t new_cap, new_n;
  /* Statements of the runner (sql.h, pg_sql.c), by the address of their text;
   * slot i is prepared as "ps<i>". */
  struct {
    const char *sql;
    int params;
    unsigned char prepared;
  } sqlc[PG_SQL_CACHE];
  int n_sqlc;
} Pg;

typedef struct NewNotice {
  char *ocid; /* NULL: empty slot */
  long long id, count, last;
  int put; /* notice_put has written it (it may have derived rows) */
} NewNotice;

static inline uint64_t str_hash(const char *a) {
  uint64_t h = 1469598103934665603ull;
  for (; *a; a++) h = (h ^ (unsigned char)*a) * 1099511628211ull;
  return h;
}

/* The entry of ocid, NULL when there is none and create is 0. */
static inline NewNotice *new_notice(Pg *p, const char *ocid, int create) {
  if (!p->new_cap) {
    if (!create) return NULL;
    p->new_cap = 1024;
    p->new_notices = xcalloc(p->new_cap, sizeof *p->new_notices);
  }
  size_t i = (size_t)str_hash(ocid) & (p->new_cap - 1);
  while (p->new_notices[i].ocid && strcmp(p->new_notices[i].ocid, ocid) != 0) i = (i + 1) & (p->new_cap - 1);
  if (p->new_notices[i].ocid || !create) return p->new_notices[i].ocid ? &p->new_notices[i] : NULL;
  if (2 * (p->new_n + 1) > p->new_cap) { /* grow, then find the slot again */
    NewNotice *old = p->new_notices;
    size_t cap = p->new_cap;
    p->new_cap *= 2;
    p->new_notices = xcalloc(p->new_cap, sizeof *p->new_notices);
    for (size_t k = 0; k < cap; k++) {
      if (!old[k].ocid) continue;
      size_t j = (size_t)str_hash(old[k].ocid) & (p->new_cap - 1);
      while (p->new_notices[j].ocid) j = (j + 1) & (p->new_cap - 1);
      p->new_notices[j] = old[k];
    }
    free(old);
    return new_notice(p, ocid, create);
  }
  p->new_n++;
  p->new_notices[i].ocid = xstrdup(ocid);
  return &p->new_notices[i];
}

static inline void new_notices_clear(Pg *p) {
  for (size_t i = 0; i < p->new_cap; i++) free(p->new_notices[i].ocid);
  free(p->new_notices);
  p->new_notices = NULL;
  p->new_cap = p->new_n = 0;
}

/* Bound parameters of one statement, all sent as text (binary only for text
 * whose length is known, i.e. the release JSON: the bytes as they are). */
#define MAX_PARAMS 96
#define TEXT_OID 25 /* pg_type.h is server-side; the OID of text is fixed */

typedef struct {
  const char *v[MAX_PARAMS];
  int len[MAX_PARAMS], fmt[MAX_PARAMS];
  Oid type[MAX_PARAMS]; /* 0: inferred by the server */
  char num[MAX_PARAMS][32];
  int n;
} Params;

static inline void p_text(Params *p, const char *s) {
  p->v[p->n] = s;
  p->len[p->n] = 0;
  p->fmt[p->n] = 0;
  p->type[p->n] = 0;
  p->n++;
}
static inline void p_bytes(Params *p, const char *s, size_t n) {
  p->v[p->n] = s;
  p->len[p->n] = (int)n;
  p->fmt[p->n] = 1;
  p->type[p->n] = 0;
  p->n++;
}
static inline void p_int(Params *p, long long v) {
  snprintf(p->num[p->n], sizeof p->num[0], "%lld", v);
  p_text(p, p->num[p->n]);
}
static inline void p_double(Params *p, double v) {
  snprintf(p->num[p->n], sizeof p->num[0], "%.17g", v);
  p_text(p, p->num[p->n]);
}
static inline void p_money(Params *p, int has, double v) {
  if (has) p_double(p, v);
  else p_text(p, NULL);
}
static inline void p_flag(Params *p, Flag f) {
  if (f == FLAG_UNKNOWN) p_text(p, NULL);
  else p_int(p, f == FLAG_YES);
}

/* Column readers: NULL stays NULL. */
static inline const char *col(const PGresult *r, int row, int c) {
  return PQgetisnull(r, row, c) ? NULL : PQgetvalue(r, row, c);
}
static inline char *col_dup(const PGresult *r, int row, int c) {
  const char *s = col(r, row, c);
  return s ? xstrdup(s) : NULL;
}
static inline long long col_int(const PGresult *r, int row, int c) {
  const char *s = col(r, row, c);
  return s ? strtoll(s, NULL, 10) : 0;
}
static inline int col_double(const PGresult *r, int row, int c, double *out) {
  const char *s = col(r, row, c);
  if (!s) return 0;
  *out = strtod(s, NULL);
  return 1;
}
static inline Flag col_flag(const PGresult *r, int row, int c) {
  const char *s = col(r, row, c);
  return !s ? FLAG_UNKNOWN : strtoll(s, NULL, 10) ? FLAG_YES : FLAG_NO;
}

/* The first line of a libpq message (they end in "\n" and may add hints). */
static inline void first_line(const char *msg, char *out, size_t cap) {
  if (!msg) msg = "";
  size_t n = strcspn(msg, "\r\n");
  snprintf(out, cap, "%.*s", (int)n, msg);
}

static inline int pg_err(Pg *p, Err *err, const char *what, const PGresult *r) {
  char line[400];
  const char *m = r ? PQresultErrorMessage(r) : NULL;
  first_line(m && *m ? m : PQerrorMessage(p->conn), line, sizeof line);
  if (!*line) snprintf(line, sizeof line, "unknown error");
  return err_set(err, ERR_DB, "%s: %s (PostgreSQL at %s)", what, line, p->where);
}

/* Runs fixed SQL (no values: never anything from the data) expecting no error. */
static inline int exec_sql(Pg *p, const char *text, Err *err, const char *what) {
  PGresult *r = PQexec(p->conn, text);
  ExecStatusType s = PQresultStatus(r);
  int rc = 0;
  if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) rc = pg_err(p, err, what, r);
  PQclear(r);
  return rc;
}

/* Settings every session needs, again after a reset. */
static inline int session_setup(Pg *p, Err *err) {
  if (PQsetClientEncoding(p->conn, "UTF8") != 0) return pg_err(p, err, "cannot use UTF-8 on the connection", NULL);
  /* No NOTICE lines on stderr; floats printed so that they read back exactly. */
  if (exec_sql(p, "SET client_min_messages = warning; SET extra_float_digits = 3", err, "cannot set up the session"))
    return ERR_DB;
  if (p->readonly && exec_sql(p, "SET default_transaction_read_only = on", err, "cannot set up the session"))
    return ERR_DB;
  /* Writers compress long values (release texts, descriptions) with lz4 where
   * the server has it: pglz, the default, was a third of the time of COPYing
   * releases. Without lz4 the server keeps pglz. */
  if (!p->readonly) {
    PGresult *r = PQexec(p->conn, "SET default_toast_compression = lz4");
    PQclear(r);
  }
  return 0;
}

/* After the server went away: reconnect once, statements to prepare again. */
static inline int reconnect(Pg *p) {
  PQreset(p->conn);
  if (PQstatus(p->conn) != CONNECTION_OK) return 0;
  memset(p->prepared, 0, sizeof p->prepared);
  for (int i = 0; i < p->n_sqlc; i++) p->sqlc[i].prepared = 0;
  Err ignored = ERR_INIT;
  return session_setup(p, &ignored) == 0;
}

static inline void stmt_name(int which, char out[16]) { snprintf(out, 16, "ph%d", which); }

/* Runs statement which with ps; the result (caller PQclears) or NULL with err
 * set. A read outside a transaction is retried once on a new connection when
 * the old one was lost. */
static inline PGresult *run(Pg *p, int which, const Params *ps, Err *err, const char *what) {
  char name[16];
  stmt_name(which, name);
  int read = strncmp(store_pg_sql[which], "SELECT", 6) == 0;
  for (int attempt = 0;; attempt++) {
    PGresult *r = NULL;
    if (!p->prepared[which]) {
      r = PQprepare(p->conn, name, store_pg_sql[which], 0, NULL);
      if (PQresultStatus(r) == PGRES_COMMAND_OK) {
        p->prepared[which] = 1;
        PQclear(r);
        r = NULL;
      }
    }
    if (!r) {
      r = PQexecPrepared(p->conn, name, ps ? ps->n : 0, ps ? ps->v : NULL, ps ? ps->len : NULL, ps ? ps->fmt : NULL, 0);
      ExecStatusType s = PQresultStatus(r);
      if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK) return r;
    }
    if (attempt == 0 && read && !p->in_txn && PQstatus(p->conn) == CONNECTION_BAD && reconnect(p)) {
      PQclear(r);
      continue;
    }
    pg_err(p, err, what, r);
    PQclear(r);
    return NULL;
  }
}

/* Runs a statement expecting no rows (or ignoring them). */
static inline int run_done(Pg *p, int which, const Params *ps, Err *err, const char *what) {
  PGresult *r = run(p, which, ps, err, what);
  if (!r) return ERR_DB;
  PQclear(r);
  return 0;
}

/* ---- pipelined writes ---------------------------------------------------------
 * Writes whose results are not needed (a notice's derived rows) are sent
 * together in libpq's pipeline mode and answered in one round trip: pipe_begin,
 * pipe_send for each, pipe_end. The statements run in order, in the current
 * transaction; the first error is reported by pipe_end (the rest of the
 * pipeline is then skipped by the server, and the caller rolls back). */

/* Prepares statement which now (a pipeline cannot wait for it). */
static inline int prep(Pg *p, int which, Err *err) {
  if (p->prepared[which]) return 0;
  char name[16];
  stmt_name(which, name);
  PGresult *r = PQprepare(p->conn, name, store_pg_sql[which], 0, NULL);
  int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  if (!ok) pg_err(p, err, "cannot prepare a statement", r);
  PQclear(r);
  if (ok) p->prepared[which] = 1;
  return ok ? 0 : ERR_DB;
}

static inline int pipe_begin(Pg *p, Err *err) {
  if (PQenterPipelineMode(p->conn) != 1) return pg_err(p, err, "cannot send statements together", NULL);
  p->piped = 0;
  return 0;
}

static inline int pipe_send(Pg *p, int which, const Params *ps, Err *err) {
  char name[16];
  stmt_name(which, name);
  if (PQsendQueryPrepared(p->conn, name, ps->n, ps->v, ps->len, ps->fmt, 0) != 1)
    return pg_err(p, err, "cannot send a statement", NULL);
  p->piped++;
  return 0;
}

static inline int pipe_end(Pg *p, Err *err, const char *what) {
  int rc = 0, nulls = 0;
  if (PQpipelineSync(p->conn) != 1) rc = pg_err(p, err, what, NULL);
  while (rc == 0 || PQstatus(p->conn) == CONNECTION_OK) {
    PGresult *r = PQgetResult(p->conn);
    if (!r) { /* the end of one statement's results; more than one per statement: the connection is gone */
      if (++nulls > p->piped + 1) {
        if (rc == 0) rc = pg_err(p, err, what, NULL);
        break;
      }
      continue;
    }
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_PIPELINE_SYNC) {
      PQclear(r);
      break;
    }
    if (rc == 0 && st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_PIPELINE_ABORTED)
      rc = pg_err(p, err, what, r);
    PQclear(r);
  }
  PQexitPipelineMode(p->conn);
  return rc;
}

static inline void forget_last_notice(Pg *p) {
  free(p->last_ocid);
  p->last_ocid = NULL;
  p->last_notice = 0;
}

/* ---- full-text: tsvector and tsquery text ------------------------------------------------ */

/* pg_notices.c: every notice's tsv column written again from its texts (the
 * words of base/token.h as they are now), in the caller's transaction. */
int pg_notices_retsv(Pg *p, Err *err);

#define TS_MAX_POS 16383 /* tsvector positions are 1..16383 */
#define TS_MAX_WORD 2046 /* longer lexemes are an error in tsvector input */

/* A lexeme in single quotes, quote and backslash escaped. */
static inline void ts_quote(Buf *out, const char *w, size_t n) {
  buf_addc(out, '\'');
  for (size_t i = 0; i < n; i++) {
    if (w[i] == '\'' || w[i] == '\\') buf_addc(out, w[i]);
    buf_addc(out, w[i]);
  }
  buf_addc(out, '\'');
}

/* An organisation from columns at.. of row (notices and organisations read them). */
static inline void read_org(const PGresult *r, int row, int at, Org *o) {
  o->name = col_dup(r, row, at);
  o->scheme = col_dup(r, row, at + 1);
  o->identifier = col_dup(r, row, at + 2);
  o->postcode = col_dup(r, row, at + 3);
  o->locality = col_dup(r, row, at + 4);
  o->region = col_dup(r, row, at + 5);
  o->country = col_dup(r, row, at + 6);
  o->scale = col_dup(r, row, at + 7);
  o->vcse = col_flag(r, row, at + 8);
}

/* pg.c: the newest release sequence (store_last_seq), also read by the feed. */
int pg_last_seq(void *impl, int64_t *out, Err *err);

#endif

/* pg.c -- the store on PostgreSQL (libpq): the backend for deployments that
 * outgrow one machine. Same tables, same row ids, same text as sqlite.c, so
 * every read (notice_get, index_scan, the deterministic sorts of search) gives
 * the same answer on both backends; tests/unit/test_store_pg.c checks that on
 * the development data.
 *
 * URLs: "postgres://..." and "postgresql://..." go to PQconnectdb as they are
 * (e.g. postgresql:///powerhouse?host=/tmp/pg for a Unix socket); "postgres:"
 * alone means "use the PG* environment variables".
 *
 * Schema: numbered migrations, applied on open (unless STORE_READONLY) in one
 * transaction under an advisory lock, recorded in schema_version. Text that is
 * sorted or compared (ocid, dates, codes, keys) is COLLATE "C": byte order, as
 * SQLite's BINARY collation, whatever the database's locale. Dates stay text
 * "YYYY-MM-DDTHH:MM:SSZ", money float8 (read back exactly: extra_float_digits).
 *
 * Row ids are not sequences: every insert takes max(id) + 1 in the statement,
 * which is what SQLite does for an INTEGER PRIMARY KEY. A sequence would leave
 * gaps (ON CONFLICT DO UPDATE and rolled-back inserts consume values), and the
 * ids are visible: buyer filters, index documents, the change sequence. Writers
 * take one advisory lock per transaction (store_begin), so two writers queue
 * as they do on SQLite's BEGIN IMMEDIATE instead of colliding on an id.
 *
 * Full text: a tsvector column with a GIN index. The words are not found by
 * PostgreSQL's parser but by search/token.h, the tokenizer of the in-memory
 * index (which mirrors SQLite's unicode61 with remove_diacritics 2), and the
 * column is written as tsvector text: word:position+weight, title A, buyer
 * name B, CPV text C, description D, one unused position between columns so a
 * phrase never spans two. Queries are built the same way (each word folded by
 * token_fold, cast with ::tsquery, no dictionary). Neither 'english' nor
 * 'simple' would do: stemming ('english') makes "services" match "service",
 * and both keep accents ("publico" would not find "público") and split
 * "e-mail" or URLs differently, so keyword totals would differ from SQLite's
 * and from the index's. Ranking is ts_rank with weights 1.0/0.3/0.2/0.1 (the
 * ratios of the bm25 weights on SQLite), not bm25: scores differ between
 * backends, orders of the other sorts do not. Limits of tsvector: positions
 * stop at 16383 and 256 per word, words over 2046 bytes are left out; a phrase
 * past those limits may not match on PostgreSQL.
 *
 * Connections: statements are prepared once per connection (on first use) and
 * run with bound parameters only. A read outside a transaction that finds the
 * connection lost resets it once and retries; inside a transaction the error
 * is reported (the caller rolls back the batch). Read-only stores set
 * default_transaction_read_only. */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"
#include "model/cpv.h"
#include "search/query.h"
#include "search/token.h"
#include "store/orgs.h"
#include "store/search_sql.h"
#include "store/store_impl.h"

/* ---- schema ------------------------------------------------------------------ */

#define C_TEXT "text COLLATE \"C\""

static const char *const migrations[] = {
    /* 1: releases, organisations, notices and what is derived from them */
    "CREATE TABLE org("
    "  id bigint PRIMARY KEY,"
    "  key " C_TEXT " NOT NULL UNIQUE," /* scheme-identifier, else name:<name>|<postcode> */
    "  name text, scheme text, identifier text, postcode text, locality text,"
    "  region text, country text, scale text, vcse smallint);"
    "CREATE TABLE notice("
    "  id bigint PRIMARY KEY,"
    "  ocid " C_TEXT " NOT NULL UNIQUE,"
    "  title text, description text,"
    "  status " C_TEXT " NOT NULL, tender_status text,"
    "  buyer_id bigint REFERENCES org(id), buyer_name text, buyer_party_id text,"
    "  value float8, value_min float8, currency text,"
    "  deadline " C_TEXT ", published " C_TEXT ", updated " C_TEXT ","
    "  contract_start text, contract_end text,"
    "  method text, method_details text, category text,"
    "  sme smallint, vcse smallint,"
    "  publisher text, url text,"
    "  cpv_text text," /* CPV codes and labels, for the full-text index */
    "  tsv tsvector NOT NULL DEFAULT ''," /* see the file comment */
    "  release_count bigint NOT NULL, last_seq bigint NOT NULL);" /* 0, 0: created by its first release */
    "CREATE INDEX notice_tsv ON notice USING gin(tsv);"
    "CREATE INDEX notice_buyer ON notice(buyer_id);"
    "CREATE TABLE release("
    "  seq bigint PRIMARY KEY," /* change sequence, grows with every stored release */
    "  notice_id bigint NOT NULL REFERENCES notice(id),"
    "  rid " C_TEXT " NOT NULL,"
    "  date " C_TEXT " NOT NULL," /* UTC, YYYY-MM-DDTHH:MM:SSZ */
    "  hash bigint NOT NULL,"     /* release_hash, as a signed 64-bit number */
    "  source text,"
    "  json text NOT NULL," /* verbatim */
    "  UNIQUE(notice_id, rid));"
    "CREATE TABLE notice_cpv("
    "  notice_id bigint NOT NULL REFERENCES notice(id) ON DELETE CASCADE,"
    "  code " C_TEXT " NOT NULL, kind integer NOT NULL,"
    "  PRIMARY KEY(notice_id, code));"
    "CREATE INDEX notice_cpv_code ON notice_cpv(code, notice_id);"
    "CREATE TABLE notice_region("
    "  notice_id bigint NOT NULL REFERENCES notice(id) ON DELETE CASCADE,"
    "  region " C_TEXT " NOT NULL,"
    "  PRIMARY KEY(notice_id, region));"
    "CREATE INDEX notice_region_region ON notice_region(region, notice_id);"
    "CREATE TABLE award("
    "  id bigint PRIMARY KEY,"
    "  notice_id bigint NOT NULL REFERENCES notice(id) ON DELETE CASCADE,"
    "  award_id text, title text, status text, date text, date_published text,"
    "  value float8, currency text, contract_start text, contract_end text);"
    "CREATE INDEX award_notice ON award(notice_id);"
    "CREATE TABLE award_supplier("
    "  award_id bigint NOT NULL REFERENCES award(id) ON DELETE CASCADE,"
    "  org_id bigint NOT NULL REFERENCES org(id),"
    "  pos integer NOT NULL,"
    "  PRIMARY KEY(award_id, org_id));"
    "CREATE INDEX award_supplier_org ON award_supplier(org_id);"
    "CREATE TABLE contract("
    "  id bigint PRIMARY KEY,"
    "  notice_id bigint NOT NULL REFERENCES notice(id) ON DELETE CASCADE,"
    "  contract_id text, award_id text, title text, status text,"
    "  value float8, currency text, start text, \"end\" text, date_signed text);"
    "CREATE INDEX contract_notice ON contract(notice_id);"
    "CREATE TABLE cpv(code " C_TEXT " PRIMARY KEY, label text NOT NULL);",
    /* 2: the change feed (store_index_changes) */
    "CREATE INDEX notice_last_seq ON notice(last_seq);",
    /* 3: documents and release history, derived when a notice is stored */
    "CREATE TABLE notice_document("
    "  notice_id bigint NOT NULL REFERENCES notice(id) ON DELETE CASCADE,"
    "  pos integer NOT NULL, title text, url text NOT NULL, type text, date text,"
    "  PRIMARY KEY(notice_id, pos));"
    "CREATE TABLE notice_history("
    "  notice_id bigint NOT NULL REFERENCES notice(id) ON DELETE CASCADE,"
    "  pos integer NOT NULL, release_id text, date text, tags text,"
    "  PRIMARY KEY(notice_id, pos));",
};
#define N_MIGRATIONS (int)(sizeof migrations / sizeof *migrations)

/* Advisory lock keys: schema migrations, and one writer at a time. */
#define LOCK_MIGRATE "7305001"
#define LOCK_WRITER "7305002"

/* ---- statements ---------------------------------------------------------------- */

enum {
  Q_NOTICE_ID,
  Q_NOTICE_OLD,
  Q_REL_INSERT,
  Q_REL_HASH,
  Q_REL_DELETE,
  Q_REL_EACH,
  Q_REL_GET,
  Q_NOTICE_EXISTS,
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
  Q_COUNT
};

#define NOTICE_COLS                                                                          \
  "title, description, status, tender_status, buyer_id, buyer_name, buyer_party_id, value, " \
  "value_min, currency, deadline, published, updated, contract_start, contract_end, method, " \
  "method_details, category, sme, vcse, publisher, url, cpv_text, release_count, last_seq, tsv"

/* Weights of ts_rank for D, C, B, A: description, CPV text, buyer, title. */
#define RANK_WEIGHTS "'{0.1, 0.2, 0.3, 1.0}'"

static const char *const sql[Q_COUNT] = {
    /* the row id of ocid's notice, made (a stub that notice_put fills) by its first release */
    [Q_NOTICE_ID] = "WITH old AS (SELECT id FROM notice WHERE ocid = $1),"
                    " new AS (INSERT INTO notice(id, ocid, status, release_count, last_seq)"
                    "  SELECT (SELECT coalesce(max(id), 0) + 1 FROM notice), $1, 'planned', 0, 0"
                    "  WHERE NOT EXISTS (SELECT 1 FROM old) RETURNING id)"
                    " SELECT id FROM old UNION ALL SELECT id FROM new",
    [Q_NOTICE_OLD] = "SELECT n.id, (SELECT count(*) FROM release WHERE notice_id = n.id),"
                     " (SELECT coalesce(max(seq), 0) FROM release WHERE notice_id = n.id) FROM notice n WHERE n.ocid = $1",
    [Q_REL_INSERT] = "INSERT INTO release(seq, notice_id, rid, date, hash, source, json)"
                     " VALUES((SELECT coalesce(max(seq), 0) + 1 FROM release), $1, $2, $3, $4, $5, $6)"
                     " ON CONFLICT(notice_id, rid) DO NOTHING RETURNING seq",
    [Q_REL_HASH] = "SELECT hash, date, seq FROM release WHERE notice_id = $1 AND rid = $2",
    [Q_REL_DELETE] = "DELETE FROM release WHERE seq = $1",
    [Q_REL_GET] = "SELECT r.json FROM notice n JOIN release r ON r.notice_id = n.id WHERE n.ocid = $1 AND r.rid = $2",
    [Q_REL_EACH] = "SELECT r.rid, r.date, r.json FROM notice n JOIN release r ON r.notice_id = n.id WHERE n.ocid = $1"
                   " ORDER BY r.date, r.seq",
    [Q_NOTICE_EXISTS] = "SELECT 1 FROM notice WHERE ocid = $1 AND release_count > 0",
    [Q_NOTICE_INSERT] = "INSERT INTO notice(id, ocid, " NOTICE_COLS ") VALUES((SELECT coalesce(max(id), 0) + 1 FROM notice),"
                        " $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,"
                        " $21, $22, $23, $24, $25, $26, $27::tsvector) RETURNING id",
    /* the derived rows go with the old values (award suppliers by cascade) */
    [Q_NOTICE_UPDATE] = "WITH c AS (DELETE FROM notice_cpv WHERE notice_id = $1),"
                        " r AS (DELETE FROM notice_region WHERE notice_id = $1),"
                        " a AS (DELETE FROM award WHERE notice_id = $1),"
                        " k AS (DELETE FROM contract WHERE notice_id = $1),"
                        " d AS (DELETE FROM notice_document WHERE notice_id = $1),"
                        " h AS (DELETE FROM notice_history WHERE notice_id = $1)"
                        " UPDATE notice SET title = $2, description = $3, status = $4, tender_status = $5, buyer_id = $6, "
                        "buyer_name = $7, buyer_party_id = $8, value = $9, value_min = $10, currency = $11, "
                        "deadline = $12, published = $13, updated = $14, contract_start = $15, contract_end = $16, "
                        "method = $17, method_details = $18, category = $19, sme = $20, vcse = $21, "
                        "publisher = $22, url = $23, cpv_text = $24, release_count = $25, last_seq = $26, "
                        "tsv = $27::tsvector WHERE id = $1",
    /* all codes (regions) of a notice at once, as arrays */
    [Q_CPV_INSERT] = "INSERT INTO notice_cpv(notice_id, code, kind) SELECT $1, code, kind"
                     " FROM unnest($2::text[], $3::integer[]) AS u(code, kind) ON CONFLICT DO NOTHING",
    [Q_REGION_INSERT] = "INSERT INTO notice_region(notice_id, region) SELECT $1, region"
                        " FROM unnest($2::text[]) AS u(region) ON CONFLICT DO NOTHING",
    /* an award and its suppliers (organisation ids and positions as arrays) in one statement */
    [Q_AWARD_WITH_SUPPLIERS] = "WITH a AS (INSERT INTO award(id, notice_id, award_id, title, status, date, date_published,"
                               " value, currency, contract_start, contract_end) VALUES((SELECT coalesce(max(id), 0) + 1"
                               " FROM award), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id)"
                               " INSERT INTO award_supplier(award_id, org_id, pos) SELECT a.id, u.org, u.pos"
                               " FROM a, unnest($11::bigint[], $12::integer[]) AS u(org, pos) ON CONFLICT DO NOTHING",
    [Q_CONTRACT_INSERT] = "INSERT INTO contract(id, notice_id, contract_id, award_id, title, status, value, currency,"
                          " start, \"end\", date_signed) VALUES((SELECT coalesce(max(id), 0) + 1 FROM contract),"
                          " $1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    /* a notice's documents (history) at once, as arrays, numbered from 0 */
    [Q_DOCUMENT_INSERT] = "INSERT INTO notice_document(notice_id, pos, title, url, type, date)"
                          " SELECT $1, u.pos - 1, u.title, u.url, u.type, u.date"
                          " FROM unnest($2::text[], $3::text[], $4::text[], $5::text[])"
                          " WITH ORDINALITY AS u(title, url, type, date, pos)",
    [Q_HISTORY_INSERT] = "INSERT INTO notice_history(notice_id, pos, release_id, date, tags)"
                         " SELECT $1, u.pos - 1, u.release_id, u.date, u.tags"
                         " FROM unnest($2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS u(release_id, date, tags, pos)",
    [Q_ORG_UPSERT] = "INSERT INTO org(id, key, name, scheme, identifier, postcode, locality, region, country, scale, vcse)"
                     " VALUES((SELECT coalesce(max(id), 0) + 1 FROM org), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
                     " ON CONFLICT(key) DO UPDATE SET name = coalesce(excluded.name, org.name),"
                     " postcode = coalesce(excluded.postcode, org.postcode),"
                     " locality = coalesce(excluded.locality, org.locality),"
                     " region = coalesce(excluded.region, org.region), country = coalesce(excluded.country, org.country),"
                     " scale = coalesce(excluded.scale, org.scale), vcse = coalesce(excluded.vcse, org.vcse)"
                     " RETURNING id",
    [Q_NOTICE_GET] = "SELECT n.id, n.title, n.description, n.status, n.tender_status, n.value, n.value_min, n.currency,"
                     " n.deadline, n.published, n.updated, n.contract_start, n.contract_end, n.method, n.method_details,"
                     " n.category, n.sme, n.vcse, n.publisher, n.url, n.buyer_party_id, o.name, o.scheme, o.identifier,"
                     " o.postcode, o.locality, o.region, o.country, o.scale, o.vcse, n.buyer_id"
                     " FROM notice n LEFT JOIN org o ON o.id = n.buyer_id WHERE n.ocid = $1 AND n.release_count > 0",
    [Q_NOTICE_GET_CPV] = "SELECT c.code, c.kind, l.label FROM notice_cpv c LEFT JOIN cpv l ON l.code = c.code"
                         " WHERE c.notice_id = $1 ORDER BY c.kind, c.code",
    [Q_NOTICE_GET_REGION] = "SELECT region FROM notice_region WHERE notice_id = $1 ORDER BY region",
    [Q_NOTICE_GET_AWARD] = "SELECT id, award_id, title, status, date, date_published, value, currency, contract_start,"
                           " contract_end FROM award WHERE notice_id = $1 ORDER BY id",
    /* every supplier of every award of the notice: one statement, not one per award */
    [Q_NOTICE_GET_SUPPLIER] = "SELECT s.award_id, o.name, o.scheme, o.identifier, o.postcode, o.locality, o.region,"
                              " o.country, o.scale, o.vcse FROM award a JOIN award_supplier s ON s.award_id = a.id"
                              " JOIN org o ON o.id = s.org_id WHERE a.notice_id = $1 ORDER BY s.award_id, s.pos",
    [Q_NOTICE_GET_CONTRACT] = "SELECT contract_id, award_id, title, status, value, currency, start, \"end\", date_signed"
                              " FROM contract WHERE notice_id = $1 ORDER BY id",
    [Q_NOTICE_GET_DOCUMENT] = "SELECT title, url, type, date FROM notice_document WHERE notice_id = $1 ORDER BY pos",
    [Q_NOTICE_GET_HISTORY] = "SELECT release_id, date, tags FROM notice_history WHERE notice_id = $1 ORDER BY pos",
    [Q_FTS_SEARCH] = "SELECT ocid, title FROM notice WHERE tsv @@ $1::tsquery"
                     " ORDER BY ts_rank(" RANK_WEIGHTS ", tsv, $1::tsquery) DESC, ocid LIMIT $2",
    [Q_NOTICE_TEXT] = "SELECT id, title, description, buyer_name, cpv_text, currency FROM notice"
                      " WHERE id = ANY($1::bigint[])",
    [Q_ORG_GET] = "SELECT name, scheme, identifier, postcode, locality, region, country, scale, vcse FROM org WHERE id = $1",
    [Q_LAST_SEQ] = "SELECT coalesce(max(seq), 0) FROM release",
    [Q_STATS] = "SELECT (SELECT count(*) FROM release), (SELECT coalesce(max(seq), 0) FROM release),"
                " (SELECT count(*) FROM notice), (SELECT count(DISTINCT notice_id) FROM award),"
                " (SELECT count(*) FROM award), (SELECT count(*) FROM org),"
                " (SELECT count(DISTINCT buyer_id) FROM notice), (SELECT count(DISTINCT org_id) FROM award_supplier),"
                " (SELECT count(*) FROM notice WHERE status = 'open'), (SELECT count(*) FROM notice WHERE status = 'closed'),"
                " (SELECT count(*) FROM notice WHERE status = 'awarded'),"
                " (SELECT count(*) FROM notice WHERE status = 'cancelled'),"
                " (SELECT count(*) FROM notice WHERE status = 'planned')",
};

/* ---- the connection ---------------------------------------------------------------- */


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
} Pg;

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

static void p_text(Params *p, const char *s) {
  p->v[p->n] = s;
  p->len[p->n] = 0;
  p->fmt[p->n] = 0;
  p->type[p->n] = 0;
  p->n++;
}
static void p_bytes(Params *p, const char *s, size_t n) {
  p->v[p->n] = s;
  p->len[p->n] = (int)n;
  p->fmt[p->n] = 1;
  p->type[p->n] = 0;
  p->n++;
}
static void p_int(Params *p, long long v) {
  snprintf(p->num[p->n], sizeof p->num[0], "%lld", v);
  p_text(p, p->num[p->n]);
}
static void p_double(Params *p, double v) {
  snprintf(p->num[p->n], sizeof p->num[0], "%.17g", v);
  p_text(p, p->num[p->n]);
}
static void p_money(Params *p, int has, double v) {
  if (has) p_double(p, v);
  else p_text(p, NULL);
}
static void p_flag(Params *p, Flag f) {
  if (f == FLAG_UNKNOWN) p_text(p, NULL);
  else p_int(p, f == FLAG_YES);
}

/* Column readers: NULL stays NULL. */
static const char *col(const PGresult *r, int row, int c) {
  return PQgetisnull(r, row, c) ? NULL : PQgetvalue(r, row, c);
}
static char *col_dup(const PGresult *r, int row, int c) {
  const char *s = col(r, row, c);
  return s ? xstrdup(s) : NULL;
}
static long long col_int(const PGresult *r, int row, int c) {
  const char *s = col(r, row, c);
  return s ? strtoll(s, NULL, 10) : 0;
}
static int col_double(const PGresult *r, int row, int c, double *out) {
  const char *s = col(r, row, c);
  if (!s) return 0;
  *out = strtod(s, NULL);
  return 1;
}
static Flag col_flag(const PGresult *r, int row, int c) {
  const char *s = col(r, row, c);
  return !s ? FLAG_UNKNOWN : strtoll(s, NULL, 10) ? FLAG_YES : FLAG_NO;
}

/* The first line of a libpq message (they end in "\n" and may add hints). */
static void first_line(const char *msg, char *out, size_t cap) {
  if (!msg) msg = "";
  size_t n = strcspn(msg, "\r\n");
  snprintf(out, cap, "%.*s", (int)n, msg);
}

static int pg_err(Pg *p, Err *err, const char *what, const PGresult *r) {
  char line[400];
  const char *m = r ? PQresultErrorMessage(r) : NULL;
  first_line(m && *m ? m : PQerrorMessage(p->conn), line, sizeof line);
  if (!*line) snprintf(line, sizeof line, "unknown error");
  return err_set(err, ERR_DB, "%s: %s (PostgreSQL at %s)", what, line, p->where);
}

/* Runs fixed SQL (no values: never anything from the data) expecting no error. */
static int exec_sql(Pg *p, const char *text, Err *err, const char *what) {
  PGresult *r = PQexec(p->conn, text);
  ExecStatusType s = PQresultStatus(r);
  int rc = 0;
  if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) rc = pg_err(p, err, what, r);
  PQclear(r);
  return rc;
}

/* Settings every session needs, again after a reset. */
static int session_setup(Pg *p, Err *err) {
  if (PQsetClientEncoding(p->conn, "UTF8") != 0) return pg_err(p, err, "cannot use UTF-8 on the connection", NULL);
  /* No NOTICE lines on stderr; floats printed so that they read back exactly. */
  if (exec_sql(p, "SET client_min_messages = warning; SET extra_float_digits = 3", err, "cannot set up the session"))
    return ERR_DB;
  if (p->readonly && exec_sql(p, "SET default_transaction_read_only = on", err, "cannot set up the session"))
    return ERR_DB;
  return 0;
}

/* After the server went away: reconnect once, statements to prepare again. */
static int reconnect(Pg *p) {
  PQreset(p->conn);
  if (PQstatus(p->conn) != CONNECTION_OK) return 0;
  memset(p->prepared, 0, sizeof p->prepared);
  Err ignored = ERR_INIT;
  return session_setup(p, &ignored) == 0;
}

static void stmt_name(int which, char out[16]) { snprintf(out, 16, "ph%d", which); }

/* Runs statement which with ps; the result (caller PQclears) or NULL with err
 * set. A read outside a transaction is retried once on a new connection when
 * the old one was lost. */
static PGresult *run(Pg *p, int which, const Params *ps, Err *err, const char *what) {
  char name[16];
  stmt_name(which, name);
  int read = strncmp(sql[which], "SELECT", 6) == 0;
  for (int attempt = 0;; attempt++) {
    PGresult *r = NULL;
    if (!p->prepared[which]) {
      r = PQprepare(p->conn, name, sql[which], 0, NULL);
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
static int run_done(Pg *p, int which, const Params *ps, Err *err, const char *what) {
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
static int prep(Pg *p, int which, Err *err) {
  if (p->prepared[which]) return 0;
  char name[16];
  stmt_name(which, name);
  PGresult *r = PQprepare(p->conn, name, sql[which], 0, NULL);
  int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  if (!ok) pg_err(p, err, "cannot prepare a statement", r);
  PQclear(r);
  if (ok) p->prepared[which] = 1;
  return ok ? 0 : ERR_DB;
}

static int pipe_begin(Pg *p, Err *err) {
  if (PQenterPipelineMode(p->conn) != 1) return pg_err(p, err, "cannot send statements together", NULL);
  p->piped = 0;
  return 0;
}

static int pipe_send(Pg *p, int which, const Params *ps, Err *err) {
  char name[16];
  stmt_name(which, name);
  if (PQsendQueryPrepared(p->conn, name, ps->n, ps->v, ps->len, ps->fmt, 0) != 1)
    return pg_err(p, err, "cannot send a statement", NULL);
  p->piped++;
  return 0;
}

static int pipe_end(Pg *p, Err *err, const char *what) {
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

static void forget_last_notice(Pg *p) {
  free(p->last_ocid);
  p->last_ocid = NULL;
  p->last_notice = 0;
}

/* ---- open / migrate ------------------------------------------------------------------ */

/* COPY the CPV list into the cpv table (text format: tab, newline and
 * backslash escaped). */
static int fill_cpv(Pg *p, Err *err) {
  const char *what = "cannot fill the CPV table";
  PGresult *r = PQexec(p->conn, "COPY cpv(code, label) FROM STDIN");
  int rc = ERR_DB;
  Buf b = BUF_INIT;
  if (PQresultStatus(r) != PGRES_COPY_IN) {
    pg_err(p, err, what, r);
    PQclear(r);
    return ERR_DB;
  }
  PQclear(r);
  for (size_t i = 0; i < cpv_table_len; i++) {
    const char *f[2] = {cpv_table[i].code, cpv_table[i].label};
    for (int k = 0; k < 2; k++) {
      for (const char *c = f[k]; *c; c++) {
        if (*c == '\\') buf_adds(&b, "\\\\");
        else if (*c == '\t') buf_adds(&b, "\\t");
        else if (*c == '\n') buf_adds(&b, "\\n");
        else if (*c == '\r') buf_adds(&b, "\\r");
        else buf_addc(&b, *c);
      }
      buf_addc(&b, k ? '\n' : '\t');
    }
    if (b.len > 65536 || i + 1 == cpv_table_len) {
      if (PQputCopyData(p->conn, b.data, (int)b.len) != 1) {
        PQputCopyEnd(p->conn, "cannot send");
        goto drain;
      }
      buf_reset(&b);
    }
  }
  if (PQputCopyEnd(p->conn, NULL) != 1) goto drain;
  rc = 0;
drain:
  if (rc) pg_err(p, err, what, NULL); /* the send failed */
  while ((r = PQgetResult(p->conn))) {
    if (PQresultStatus(r) != PGRES_COMMAND_OK && !rc) rc = pg_err(p, err, what, r);
    PQclear(r);
  }
  buf_release(&b);
  return rc;
}

/* The number of migrations applied (0 for a database without the table). */
static int schema_version(Pg *p, int *version, Err *err) {
  PGresult *r = PQexec(p->conn, "SELECT coalesce(max(version), 0) FROM schema_version");
  int rc = 0;
  if (PQresultStatus(r) == PGRES_TUPLES_OK) *version = (int)col_int(r, 0, 0);
  else rc = pg_err(p, err, "cannot read the schema version", r);
  PQclear(r);
  return rc;
}

static int migrate(Pg *p, Err *err) {
  int version = 0, rc = ERR_DB;
  if (exec_sql(p,
               "BEGIN; SELECT pg_advisory_xact_lock(" LOCK_MIGRATE ");"
               " CREATE TABLE IF NOT EXISTS schema_version(version integer NOT NULL)",
               err, "cannot start the schema migration") ||
      schema_version(p, &version, err))
    goto out;
  if (version > N_MIGRATIONS) {
    err_set(err, ERR_DB, "PostgreSQL database at %s has schema version %d, newer than this program knows (%d): upgrade powerhouse",
            p->where, version, N_MIGRATIONS);
    goto out;
  }
  for (int v = version; v < N_MIGRATIONS; v++) {
    char what[64];
    snprintf(what, sizeof what, "schema migration %d failed", v + 1);
    if (exec_sql(p, migrations[v], err, what) || (v == 0 && fill_cpv(p, err))) goto out;
    Params ps = {.n = 0};
    p_int(&ps, v + 1);
    PGresult *r = PQexecParams(p->conn, "INSERT INTO schema_version(version) VALUES($1)", ps.n, NULL, ps.v, ps.len, ps.fmt, 0);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok) pg_err(p, err, what, r);
    PQclear(r);
    if (!ok) goto out;
  }
  rc = exec_sql(p, "COMMIT", err, "cannot commit the schema migration");
out:
  if (rc) {
    PGresult *r = PQexec(p->conn, "ROLLBACK");
    PQclear(r);
  }
  return rc;
}

static void pg_close(void *impl) {
  Pg *p = impl;
  if (!p) return;
  PQfinish(p->conn);
  org_cache_release(&p->orgs);
  forget_last_notice(p);
  free(p->conninfo);
  free(p->where);
  free(p);
}

int store_pg_open(const char *url, int flags, void **impl, Err *err) {
  *impl = NULL;
  int rc = ERR_DB;
  Pg *p = xcalloc(1, sizeof *p);
  p->readonly = (flags & STORE_READONLY) != 0;
  /* "postgres:" alone: everything from PGHOST, PGDATABASE, PGUSER ... */
  int env_only = strcmp(url, "postgres:") == 0 || strcmp(url, "postgresql:") == 0;
  p->conninfo = xstrdup(env_only ? "" : url);
  p->conn = PQconnectdb(p->conninfo);
  if (!p->conn) {
    rc = err_set(err, ERR_NOMEM, "cannot connect to PostgreSQL: out of memory");
    goto fail;
  }
  const char *host = PQhost(p->conn);
  p->where = xstrdup(host && *host ? host : "the default socket");
  if (PQstatus(p->conn) != CONNECTION_OK) {
    char line[400];
    first_line(PQerrorMessage(p->conn), line, sizeof line);
    /* ERR_DB, like a SQLite file that cannot be opened: the server may be
     * down for a while; the command exits 3 ("the store could not be used"). */
    rc = err_set(err, ERR_DB, "cannot connect to PostgreSQL at %s: %s", p->where, line);
    goto fail;
  }
  if (session_setup(p, err)) goto fail;
  if (!p->readonly) {
    if (migrate(p, err)) goto fail;
  } else {
    int version = 0;
    if (schema_version(p, &version, err)) {
      err_prefix(err, "no Powerhouse schema (open it once without read-only, e.g. powerhouse ingest): ");
      goto fail;
    }
    if (version > N_MIGRATIONS) {
      err_set(err, ERR_DB, "PostgreSQL database at %s has schema version %d, newer than this program knows (%d): upgrade powerhouse",
              p->where, version, N_MIGRATIONS);
      goto fail;
    }
  }
  *impl = p;
  return 0;
fail:
  pg_close(p);
  return rc;
}

/* ---- transactions ---------------------------------------------------------------------- */

/* Rolls back whatever transaction the server still has open (none after a
 * failed COMMIT, which ends it). */
static void end_txn(Pg *p) {
  PGTransactionStatusType t = PQtransactionStatus(p->conn);
  if (t == PQTRANS_INTRANS || t == PQTRANS_INERROR) {
    PGresult *r = PQexec(p->conn, "ROLLBACK");
    PQclear(r);
  }
}

static int pg_begin(void *impl, Err *err) {
  Pg *p = impl;
  const char *text = p->readonly ? "BEGIN" : "BEGIN; SELECT pg_advisory_xact_lock(" LOCK_WRITER ")";
  PGresult *r = PQexec(p->conn, text);
  ExecStatusType s = PQresultStatus(r);
  if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK && PQstatus(p->conn) == CONNECTION_BAD && reconnect(p)) {
    PQclear(r);
    r = PQexec(p->conn, text);
    s = PQresultStatus(r);
  }
  int rc = 0;
  if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
    rc = pg_err(p, err, "cannot start a transaction", r);
    end_txn(p);
  } else {
    p->in_txn = 1;
  }
  PQclear(r);
  return rc;
}

static void forget_txn(Pg *p) {
  org_cache_clear(&p->orgs);
  forget_last_notice(p);
}

static int pg_commit(void *impl, Err *err) {
  Pg *p = impl;
  PGresult *r = PQexec(p->conn, "COMMIT");
  int rc = 0;
  if (PQresultStatus(r) != PGRES_COMMAND_OK) {
    rc = pg_err(p, err, "cannot commit", r);
  } else if (strcmp(PQcmdStatus(r), "ROLLBACK") == 0) {
    /* a statement of the transaction failed: the server rolled it back */
    rc = err_set(err, ERR_DB, "cannot commit: the transaction had failed and was rolled back (PostgreSQL at %s)", p->where);
  }
  PQclear(r);
  if (rc) {
    end_txn(p);
    forget_txn(p);
  }
  p->in_txn = 0;
  return rc;
}

static void pg_rollback(void *impl) {
  Pg *p = impl;
  forget_txn(p);
  end_txn(p);
  p->in_txn = 0;
}

/* ---- releases --------------------------------------------------------------------------- */

/* The row id of ocid's notice, created (as a stub that notice_put fills) when
 * this is its first release. */
static int notice_id(Pg *p, const char *ocid, long long *id, Err *err) {
  if (p->last_ocid && strcmp(p->last_ocid, ocid) == 0) {
    *id = p->last_notice;
    return 0;
  }
  forget_last_notice(p);
  Params ps = {.n = 0};
  p_text(&ps, ocid);
  PGresult *r = run(p, Q_NOTICE_ID, &ps, err, "cannot store a notice");
  if (!r) return ERR_DB;
  *id = PQntuples(r) ? col_int(r, 0, 0) : 0;
  PQclear(r);
  if (!*id) return err_set(err, ERR_DB, "cannot store a notice: no row id for %s (PostgreSQL at %s)", ocid, p->where);
  p->last_ocid = xstrdup(ocid);
  p->last_notice = *id;
  return 0;
}

static int pg_release_add(void *impl, const StoreRelease *r, Err *err) {
  Pg *p = impl;
  long long nid;
  if (notice_id(p, r->ocid, &nid, err)) return ERR_DB;
  Params ps = {.n = 0};
  p_int(&ps, nid);
  p_text(&ps, r->id);
  p_text(&ps, r->date);
  p_int(&ps, (long long)(int64_t)r->hash);
  p_text(&ps, r->source);
  p_bytes(&ps, r->json, r->len);
  PGresult *res = run(p, Q_REL_INSERT, &ps, err, "cannot store a release");
  if (!res) return ERR_DB;
  int added = PQntuples(res) == 1;
  PQclear(res);
  if (added) return STORE_ADDED;

  ps.n = 0;
  p_int(&ps, nid);
  p_text(&ps, r->id);
  if (!(res = run(p, Q_REL_HASH, &ps, err, "cannot read a stored release"))) return ERR_DB;
  if (PQntuples(res) != 1) {
    PQclear(res);
    return err_set(err, ERR_DB, "cannot read a stored release: %s %s vanished (PostgreSQL at %s)", r->ocid, r->id, p->where);
  }
  uint64_t h = (uint64_t)col_int(res, 0, 0);
  int newer = strcmp(r->date, PQgetvalue(res, 0, 1)) > 0;
  long long seq = col_int(res, 0, 2);
  PQclear(res);
  if (h == r->hash) return STORE_UNCHANGED;
  if (!newer) return STORE_CONFLICT;
  ps.n = 0;
  p_int(&ps, seq);
  if (run_done(p, Q_REL_DELETE, &ps, err, "cannot replace a release")) return ERR_DB;
  int rc = pg_release_add(impl, r, err);
  return rc == STORE_ADDED ? STORE_REPLACED : rc < 0 ? rc : pg_err(p, err, "cannot replace a release", NULL);
}

static int pg_release_get(void *impl, const char *ocid, const char *id, char **json, Err *err) {
  Pg *p = impl;
  *json = NULL;
  Params ps = {.n = 0};
  p_text(&ps, ocid);
  p_text(&ps, id);
  PGresult *r = run(p, Q_REL_GET, &ps, err, "cannot read a release");
  if (!r) return ERR_DB;
  int found = PQntuples(r) > 0;
  if (found) *json = col_dup(r, 0, 0);
  PQclear(r);
  return found;
}

static int pg_releases_each(void *impl, const char *ocid, StoreReleaseFn fn, void *ctx, Err *err) {
  Pg *p = impl;
  Params ps = {.n = 0};
  p_text(&ps, ocid);
  PGresult *r = run(p, Q_REL_EACH, &ps, err, "cannot read releases");
  if (!r) return ERR_DB;
  for (int i = 0, n = PQntuples(r); i < n; i++)
    if (fn(ctx, PQgetvalue(r, i, 0), PQgetvalue(r, i, 1), PQgetvalue(r, i, 2), (size_t)PQgetlength(r, i, 2))) break;
  PQclear(r);
  return 0;
}

static int pg_notice_exists(void *impl, const char *ocid, Err *err) {
  Pg *p = impl;
  Params ps = {.n = 0};
  p_text(&ps, ocid);
  PGresult *r = run(p, Q_NOTICE_EXISTS, &ps, err, "cannot read a notice");
  if (!r) return ERR_DB;
  int found = PQntuples(r) > 0;
  PQclear(r);
  return found;
}

/* ---- full-text: tsvector and tsquery text ------------------------------------------------ */

#define TS_MAX_POS 16383 /* tsvector positions are 1..16383 */
#define TS_MAX_WORD 2046 /* longer lexemes are an error in tsvector input */

/* A lexeme in single quotes, quote and backslash escaped. */
static void ts_quote(Buf *out, const char *w, size_t n) {
  buf_addc(out, '\'');
  for (size_t i = 0; i < n; i++) {
    if (w[i] == '\'' || w[i] == '\\') buf_addc(out, w[i]);
    buf_addc(out, w[i]);
  }
  buf_addc(out, '\'');
}

typedef struct {
  Buf *out;
  int pos;
  char weight;
} TsvBuild;

static int tsv_word(void *ctx, const char *w, size_t len, size_t start, size_t end) {
  TsvBuild *t = ctx;
  if (len <= TS_MAX_WORD) {
    if (t->out->len) buf_addc(t->out, ' ');
    ts_quote(t->out, w, len);
    buf_addf(t->out, ":%d%c", t->pos < TS_MAX_POS ? t->pos : TS_MAX_POS, t->weight);
  }
  t->pos++;
  return 0;
}

/* The tsvector text of a notice: words as token.h finds and folds them. */
static void tsv_text(const Notice *n, const char *cpvs, Buf *out) {
  const char *cols[4] = {n->title, n->buyer.name, cpvs, n->description};
  TsvBuild t = {out, 1, 'A'};
  for (int c = 0; c < 4; c++) {
    t.weight = (char)('A' + c);
    if (cols[c]) token_each(cols[c], strlen(cols[c]), tsv_word, &t);
    t.pos++; /* a gap: no phrase across two columns */
  }
}

/* One query word as a lexeme, folded as the index folds it. A word that folds
 * to nothing becomes U+0001, which no text has as a word (it separates), so
 * it matches nothing -- as in the in-memory index. */
static void tsq_word(Buf *out, const char *w) {
  Buf f = BUF_INIT;
  token_fold(w, strlen(w), &f);
  if (f.len) ts_quote(out, f.data, f.len);
  else ts_quote(out, "\x01", 1);
  buf_release(&f);
}

/* tsquery text of the clauses with negated == neg: the positive ones AND-ed
 * (a notice must match), or the exclusions OR-ed (a notice matching it is
 * left out). Returns how many clauses were written. */
static size_t tsq_part(const Query *q, int neg, Buf *out) {
  size_t n = 0;
  for (size_t i = 0; i < q->n_clauses; i++) {
    const QueryClause *c = &q->clauses[i];
    if (!c->negated != !neg) continue;
    if (n++) buf_adds(out, neg ? " | " : " & ");
    buf_addc(out, '(');
    for (size_t a = 0; a < c->n_alts; a++) {
      if (a) buf_adds(out, " | ");
      buf_addc(out, '(');
      for (size_t k = 0; k < c->alts[a].n_words; k++) {
        if (k) buf_adds(out, " <-> ");
        tsq_word(out, c->alts[a].words[k]);
      }
      buf_addc(out, ')');
    }
    buf_addc(out, ')');
  }
  return n;
}

/* ---- notices ------------------------------------------------------------------------------ */

/* The organisation's row id (inserted or updated), 0 when o names nothing. */
static int org_put(Pg *p, const Org *o, long long *id, Err *err) {
  *id = 0;
  Buf sig = BUF_INIT;
  size_t key_len = org_signature(o, &sig);
  int64_t seen;
  int rc = 0;
  char *k = NULL;
  if (!key_len) goto out;
  if (org_cache_get(&p->orgs, sig.data, sig.len, &seen)) {
    *id = seen;
    goto out;
  }
  k = xstrndup(sig.data, key_len);
  Params ps = {.n = 0};
  p_text(&ps, k);
  p_text(&ps, o->name);
  p_text(&ps, o->scheme);
  p_text(&ps, o->identifier);
  p_text(&ps, o->postcode);
  p_text(&ps, o->locality);
  p_text(&ps, o->region);
  p_text(&ps, o->country);
  p_text(&ps, o->scale);
  p_flag(&ps, o->vcse);
  PGresult *r = run(p, Q_ORG_UPSERT, &ps, err, "cannot store an organisation");
  if (!r) {
    rc = ERR_DB;
    goto out;
  }
  *id = PQntuples(r) ? col_int(r, 0, 0) : 0;
  PQclear(r);
  org_cache_put(&p->orgs, sig.data, sig.len, *id);
out:
  free(k);
  buf_release(&sig);
  return rc;
}

/* One element of an array literal ({"a","b"}): quoted, '"' and '\\' escaped;
 * NULL is NULL. The array goes to the server as one bound parameter. */
static void array_item(Buf *b, const char *s) {
  if (!s) {
    buf_adds(b, "NULL");
    return;
  }
  buf_addc(b, '"');
  for (; *s; s++) {
    if (*s == '"' || *s == '\\') buf_addc(b, '\\');
    buf_addc(b, *s);
  }
  buf_addc(b, '"');
}

static int pg_notice_put(void *impl, const Notice *n, Err *err) {
  Pg *p = impl;
  Buf cpvs = BUF_INIT, tsv = BUF_INIT;
  int rc = ERR_DB;
  long long id = 0, buyer = 0, count = 0, last_seq = 0;
  PGresult *r;
  Params ps = {.n = 0};
  store_cpv_text(n, &cpvs);
  tsv_text(n, cpvs.data, &tsv);

  if (org_put(p, &n->buyer, &buyer, err)) goto out;
  p_text(&ps, n->ocid);
  if (!(r = run(p, Q_NOTICE_OLD, &ps, err, "cannot read a notice"))) goto out;
  if (PQntuples(r)) {
    id = col_int(r, 0, 0);
    count = col_int(r, 0, 1);
    last_seq = col_int(r, 0, 2);
  }
  PQclear(r);

  ps.n = 0;
  if (id) p_int(&ps, id);
  else p_text(&ps, n->ocid);
  p_text(&ps, n->title);
  p_text(&ps, n->description);
  p_text(&ps, notice_status_name(n->status));
  p_text(&ps, n->tender_status);
  if (buyer) p_int(&ps, buyer);
  else p_text(&ps, NULL);
  p_text(&ps, n->buyer.name);
  p_text(&ps, n->buyer.id);
  p_money(&ps, n->has_value, n->value);
  p_money(&ps, n->has_min_value, n->min_value);
  p_text(&ps, n->currency);
  p_text(&ps, n->deadline);
  p_text(&ps, n->published);
  p_text(&ps, n->updated);
  p_text(&ps, n->contract_start);
  p_text(&ps, n->contract_end);
  p_text(&ps, n->method);
  p_text(&ps, n->method_details);
  p_text(&ps, n->category);
  p_flag(&ps, n->sme);
  p_flag(&ps, n->vcse);
  p_text(&ps, n->publisher);
  p_text(&ps, n->url);
  p_text(&ps, cpvs.data);
  p_int(&ps, count);
  p_int(&ps, last_seq);
  p_text(&ps, tsv.data ? tsv.data : "");
  if (!(r = run(p, id ? Q_NOTICE_UPDATE : Q_NOTICE_INSERT, &ps, err, "cannot store a notice"))) goto out;
  if (!id) id = PQntuples(r) ? col_int(r, 0, 0) : 0;
  PQclear(r);
  /* the derived rows, sent together: organisations first (their ids go in) */
  long long *orgs = NULL;
  size_t n_orgs = 0;
  for (size_t i = 0; i < n->n_awards; i++) n_orgs += n->awards[i].n_suppliers;
  orgs = xcalloc(n_orgs + 1, sizeof *orgs);
  for (size_t i = 0, k = 0; i < n->n_awards; i++)
    for (size_t j = 0; j < n->awards[i].n_suppliers; j++, k++)
      if (org_put(p, &n->awards[i].suppliers[j], &orgs[k], err)) {
        free(orgs);
        goto out;
      }
  if (prep(p, Q_CPV_INSERT, err) || prep(p, Q_REGION_INSERT, err) || prep(p, Q_AWARD_WITH_SUPPLIERS, err) ||
      prep(p, Q_CONTRACT_INSERT, err) || prep(p, Q_DOCUMENT_INSERT, err) || prep(p, Q_HISTORY_INSERT, err) ||
      pipe_begin(p, err)) {
    free(orgs);
    goto out;
  }
  int sent = 0;
  if (n->n_cpvs) {
    buf_reset(&cpvs);
    buf_reset(&tsv);
    buf_addc(&cpvs, '{');
    buf_addc(&tsv, '{');
    for (size_t i = 0; i < n->n_cpvs; i++) {
      if (i) buf_addc(&cpvs, ',');
      array_item(&cpvs, n->cpvs[i].code);
      buf_addf(&tsv, "%s%d", i ? "," : "", n->cpvs[i].kind);
    }
    buf_addc(&cpvs, '}');
    buf_addc(&tsv, '}');
    ps.n = 0;
    p_int(&ps, id);
    p_text(&ps, cpvs.data);
    p_text(&ps, tsv.data);
    sent = pipe_send(p, Q_CPV_INSERT, &ps, err);
  }
  if (n->n_regions && sent == 0) {
    buf_reset(&cpvs);
    buf_addc(&cpvs, '{');
    for (size_t i = 0; i < n->n_regions; i++) {
      if (i) buf_addc(&cpvs, ',');
      array_item(&cpvs, n->regions[i]);
    }
    buf_addc(&cpvs, '}');
    ps.n = 0;
    p_int(&ps, id);
    p_text(&ps, cpvs.data);
    sent = pipe_send(p, Q_REGION_INSERT, &ps, err);
  }
  for (size_t i = 0, k = 0; i < n->n_awards && sent == 0; k += n->awards[i].n_suppliers, i++) {
    const NoticeAward *a = &n->awards[i];
    buf_reset(&cpvs);
    buf_reset(&tsv);
    buf_addc(&cpvs, '{');
    buf_addc(&tsv, '{');
    for (size_t j = 0, m = 0; j < a->n_suppliers; j++) {
      if (!orgs[k + j]) continue;
      buf_addf(&cpvs, "%s%lld", m ? "," : "", orgs[k + j]);
      buf_addf(&tsv, "%s%zu", m ? "," : "", j);
      m++;
    }
    buf_addc(&cpvs, '}');
    buf_addc(&tsv, '}');
    ps.n = 0;
    p_int(&ps, id);
    p_text(&ps, a->id);
    p_text(&ps, a->title);
    p_text(&ps, a->status);
    p_text(&ps, a->date);
    p_text(&ps, a->date_published);
    p_money(&ps, a->has_value, a->value);
    p_text(&ps, a->currency);
    p_text(&ps, a->contract_start);
    p_text(&ps, a->contract_end);
    p_text(&ps, cpvs.data);
    p_text(&ps, tsv.data);
    sent = pipe_send(p, Q_AWARD_WITH_SUPPLIERS, &ps, err);
  }
  for (size_t i = 0; i < n->n_contracts && sent == 0; i++) {
    const NoticeContract *c = &n->contracts[i];
    ps.n = 0;
    p_int(&ps, id);
    p_text(&ps, c->id);
    p_text(&ps, c->award_id);
    p_text(&ps, c->title);
    p_text(&ps, c->status);
    p_money(&ps, c->has_value, c->value);
    p_text(&ps, c->currency);
    p_text(&ps, c->start);
    p_text(&ps, c->end);
    p_text(&ps, c->date_signed);
    sent = pipe_send(p, Q_CONTRACT_INSERT, &ps, err);
  }
  if (n->n_documents && sent == 0) {
    Buf arr[4] = {BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT};
    for (int k = 0; k < 4; k++) buf_addc(&arr[k], '{');
    for (size_t i = 0; i < n->n_documents; i++) {
      const NoticeDocument *d = &n->documents[i];
      const char *v[4] = {d->title, d->url, d->type, d->date};
      for (int k = 0; k < 4; k++) {
        if (i) buf_addc(&arr[k], ',');
        array_item(&arr[k], v[k]);
      }
    }
    ps.n = 0;
    p_int(&ps, id);
    for (int k = 0; k < 4; k++) {
      buf_addc(&arr[k], '}');
      p_text(&ps, arr[k].data);
    }
    sent = pipe_send(p, Q_DOCUMENT_INSERT, &ps, err);
    for (int k = 0; k < 4; k++) buf_release(&arr[k]);
  }
  if (n->n_history && sent == 0) {
    Buf arr[3] = {BUF_INIT, BUF_INIT, BUF_INIT};
    for (int k = 0; k < 3; k++) buf_addc(&arr[k], '{');
    for (size_t i = 0; i < n->n_history; i++) {
      const NoticeHistory *h = &n->history[i];
      const char *v[3] = {h->release_id, h->date, h->tags};
      for (int k = 0; k < 3; k++) {
        if (i) buf_addc(&arr[k], ',');
        array_item(&arr[k], v[k]);
      }
    }
    ps.n = 0;
    p_int(&ps, id);
    for (int k = 0; k < 3; k++) {
      buf_addc(&arr[k], '}');
      p_text(&ps, arr[k].data);
    }
    sent = pipe_send(p, Q_HISTORY_INSERT, &ps, err);
    for (int k = 0; k < 3; k++) buf_release(&arr[k]);
  }
  free(orgs);
  int done = pipe_end(p, err, "cannot store a notice's CPV codes, regions, awards, contracts, documents or history");
  if (sent || done) goto out;
  rc = 0;
out:
  buf_release(&cpvs);
  buf_release(&tsv);
  return rc;
}

static void read_org(const PGresult *r, int row, int at, Org *o) {
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

static int pg_notice_get(void *impl, const char *ocid, Notice *n, Err *err) {
  Pg *p = impl;
  const char *what = "cannot read a notice";
  Params ps = {.n = 0};
  p_text(&ps, ocid);
  PGresult *r = run(p, Q_NOTICE_GET, &ps, err, what);
  if (!r) return ERR_DB;
  if (!PQntuples(r)) {
    PQclear(r);
    return 0;
  }
  long long id = col_int(r, 0, 0);
  n->ocid = xstrdup(ocid);
  n->title = col_dup(r, 0, 1);
  n->description = col_dup(r, 0, 2);
  const char *st = col(r, 0, 3);
  if (!st || notice_status_parse(st, &n->status)) n->status = NOTICE_CLOSED;
  n->tender_status = col_dup(r, 0, 4);
  n->has_value = col_double(r, 0, 5, &n->value);
  n->has_min_value = col_double(r, 0, 6, &n->min_value);
  n->currency = col_dup(r, 0, 7);
  n->deadline = col_dup(r, 0, 8);
  n->published = col_dup(r, 0, 9);
  n->updated = col_dup(r, 0, 10);
  n->contract_start = col_dup(r, 0, 11);
  n->contract_end = col_dup(r, 0, 12);
  n->method = col_dup(r, 0, 13);
  n->method_details = col_dup(r, 0, 14);
  n->category = col_dup(r, 0, 15);
  n->sme = col_flag(r, 0, 16);
  n->vcse = col_flag(r, 0, 17);
  n->publisher = col_dup(r, 0, 18);
  n->url = col_dup(r, 0, 19);
  n->buyer.id = col_dup(r, 0, 20);
  read_org(r, 0, 21, &n->buyer);
  n->buyer_ref = col_int(r, 0, 30);
  PQclear(r);

  ps.n = 0;
  p_int(&ps, id);
  if (!(r = run(p, Q_NOTICE_GET_CPV, &ps, err, what))) return ERR_DB;
  int rows = PQntuples(r);
  if (rows) n->cpvs = xcalloc((size_t)rows, sizeof *n->cpvs);
  for (int i = 0; i < rows; i++) {
    NoticeCpv *c = &n->cpvs[n->n_cpvs++];
    c->code = col_dup(r, i, 0);
    c->kind = (int)col_int(r, i, 1);
    c->label = col_dup(r, i, 2);
  }
  PQclear(r);

  if (!(r = run(p, Q_NOTICE_GET_REGION, &ps, err, what))) return ERR_DB;
  rows = PQntuples(r);
  if (rows) n->regions = xcalloc((size_t)rows, sizeof *n->regions);
  for (int i = 0; i < rows; i++) n->regions[n->n_regions++] = col_dup(r, i, 0);
  PQclear(r);

  if (!(r = run(p, Q_NOTICE_GET_AWARD, &ps, err, what))) return ERR_DB;
  rows = PQntuples(r);
  long long *award_rows = rows ? xcalloc((size_t)rows, sizeof *award_rows) : NULL;
  if (rows) n->awards = xcalloc((size_t)rows, sizeof *n->awards);
  for (int i = 0; i < rows; i++) {
    NoticeAward *a = &n->awards[n->n_awards++];
    award_rows[i] = col_int(r, i, 0);
    a->id = col_dup(r, i, 1);
    a->title = col_dup(r, i, 2);
    a->status = col_dup(r, i, 3);
    a->date = col_dup(r, i, 4);
    a->date_published = col_dup(r, i, 5);
    a->has_value = col_double(r, i, 6, &a->value);
    a->currency = col_dup(r, i, 7);
    a->contract_start = col_dup(r, i, 8);
    a->contract_end = col_dup(r, i, 9);
  }
  PQclear(r);
  if (rows) {
    if (!(r = run(p, Q_NOTICE_GET_SUPPLIER, &ps, err, what))) {
      free(award_rows);
      return ERR_DB;
    }
    /* rows ordered by award row id, as the awards are */
    size_t a = 0;
    for (int i = 0, m = PQntuples(r); i < m; i++) {
      long long aid = col_int(r, i, 0);
      while (a < n->n_awards && award_rows[a] < aid) a++;
      if (a == n->n_awards) break;
      if (award_rows[a] != aid) continue;
      NoticeAward *aw = &n->awards[a];
      aw->suppliers = xrealloc(aw->suppliers, (aw->n_suppliers + 1) * sizeof *aw->suppliers);
      Org *o = &aw->suppliers[aw->n_suppliers++];
      memset(o, 0, sizeof *o);
      read_org(r, i, 1, o);
    }
    PQclear(r);
  }
  free(award_rows);

  if (!(r = run(p, Q_NOTICE_GET_CONTRACT, &ps, err, what))) return ERR_DB;
  rows = PQntuples(r);
  if (rows) n->contracts = xcalloc((size_t)rows, sizeof *n->contracts);
  for (int i = 0; i < rows; i++) {
    NoticeContract *c = &n->contracts[n->n_contracts++];
    c->id = col_dup(r, i, 0);
    c->award_id = col_dup(r, i, 1);
    c->title = col_dup(r, i, 2);
    c->status = col_dup(r, i, 3);
    c->has_value = col_double(r, i, 4, &c->value);
    c->currency = col_dup(r, i, 5);
    c->start = col_dup(r, i, 6);
    c->end = col_dup(r, i, 7);
    c->date_signed = col_dup(r, i, 8);
  }
  PQclear(r);

  if (!(r = run(p, Q_NOTICE_GET_DOCUMENT, &ps, err, what))) return ERR_DB;
  rows = PQntuples(r);
  if (rows) n->documents = xcalloc((size_t)rows, sizeof *n->documents);
  for (int i = 0; i < rows; i++) {
    NoticeDocument *d = &n->documents[n->n_documents++];
    d->title = col_dup(r, i, 0);
    d->url = col_dup(r, i, 1);
    d->type = col_dup(r, i, 2);
    d->date = col_dup(r, i, 3);
  }
  PQclear(r);
  if (!(r = run(p, Q_NOTICE_GET_HISTORY, &ps, err, what))) return ERR_DB;
  rows = PQntuples(r);
  if (rows) n->history = xcalloc((size_t)rows, sizeof *n->history);
  for (int i = 0; i < rows; i++) {
    NoticeHistory *h = &n->history[n->n_history++];
    h->release_id = col_dup(r, i, 0);
    h->date = col_dup(r, i, 1);
    h->tags = col_dup(r, i, 2);
  }
  PQclear(r);
  return 1;
}

/* ---- read-only summaries ------------------------------------------------------------------- */

static int pg_stats(void *impl, StoreStats *o, Err *err) {
  Pg *p = impl;
  memset(o, 0, sizeof *o);
  PGresult *r = run(p, Q_STATS, NULL, err, "cannot read statistics");
  if (!r) return ERR_DB;
  int64_t *v[] = {&o->releases, &o->last_seq, &o->notices, &o->ocids_with_awards, &o->awards,
                  &o->orgs,     &o->buyers,   &o->suppliers, &o->open, &o->closed, &o->awarded, &o->cancelled, &o->planned};
  for (int i = 0; i < (int)(sizeof v / sizeof *v); i++) *v[i] = col_int(r, 0, i);
  PQclear(r);
  return 0;
}

typedef struct {
  Buf *out;
  size_t words;
} FtsChunk;

static int fts_word(void *ctx, const char *w, size_t len, size_t start, size_t end) {
  FtsChunk *c = ctx;
  if (c->words++) buf_adds(c->out, " <-> ");
  ts_quote(c->out, w, len);
  return 0;
}

/* As sqlite.c: every whitespace-separated chunk of terms is a phrase of its
 * words, all must match; a chunk without words matches nothing (an FTS5
 * phrase without tokens). */
static int pg_fts(void *impl, const char *terms, int limit, StoreHitFn fn, void *ctx, Err *err) {
  Pg *p = impl;
  Buf m = BUF_INIT;
  int rc = 0, chunks = 0, empty = 0;
  for (const char *s = terms; *s;) {
    while (*s == ' ' || *s == '\t') s++;
    if (!*s) break;
    const char *w = s;
    while (*s && *s != ' ' && *s != '\t') s++;
    if (chunks++) buf_adds(&m, " & ");
    buf_addc(&m, '(');
    FtsChunk c = {&m, 0};
    token_each(w, (size_t)(s - w), fts_word, &c);
    buf_addc(&m, ')');
    if (!c.words) empty = 1;
  }
  if (chunks && !empty) {
    Params ps = {.n = 0};
    p_text(&ps, m.data);
    p_int(&ps, limit);
    PGresult *r = run(p, Q_FTS_SEARCH, &ps, err, "search failed");
    if (!r) {
      rc = ERR_DB;
    } else {
      for (int i = 0, n = PQntuples(r); i < n; i++)
        if (fn(ctx, PQgetvalue(r, i, 0), col(r, i, 1))) break;
      PQclear(r);
    }
  }
  buf_release(&m);
  return rc;
}

static int pg_org_get(void *impl, long long id, Org *o, Err *err) {
  Pg *p = impl;
  Params ps = {.n = 0};
  p_int(&ps, id);
  PGresult *r = run(p, Q_ORG_GET, &ps, err, "cannot read an organisation");
  if (!r) return ERR_DB;
  int found = PQntuples(r) > 0;
  if (found) read_org(r, 0, 0, o);
  PQclear(r);
  return found;
}

static int pg_last_seq(void *impl, int64_t *out, Err *err) {
  Pg *p = impl;
  *out = 0;
  PGresult *r = run(p, Q_LAST_SEQ, NULL, err, "cannot read the change sequence");
  if (!r) return ERR_DB;
  *out = col_int(r, 0, 0);
  PQclear(r);
  return 0;
}

static int pg_notice_texts(void *impl, const long long *ids, size_t n, StoreNoticeText *out, Err *err) {
  Pg *p = impl;
  if (!n) return 0;
  Buf arr = BUF_INIT; /* the ids as one array parameter: {1,2,3} */
  buf_addc(&arr, '{');
  for (size_t i = 0; i < n; i++) buf_addf(&arr, "%s%lld", i ? "," : "", ids[i]);
  buf_addc(&arr, '}');
  Params ps = {.n = 0};
  p_text(&ps, arr.data);
  PGresult *r = run(p, Q_NOTICE_TEXT, &ps, err, "cannot read notices");
  buf_release(&arr);
  if (!r) return ERR_DB;
  for (int row = 0; row < PQntuples(r); row++) {
    long long id = col_int(r, row, 0);
    for (size_t i = 0; i < n; i++) {
      if (ids[i] != id || out[i].title || out[i].description) continue;
      out[i].title = col_dup(r, row, 1);
      out[i].description = col_dup(r, row, 2);
      out[i].buyer_name = col_dup(r, row, 3);
      out[i].cpv_text = col_dup(r, row, 4);
      out[i].currency = col_dup(r, row, 5);
    }
  }
  PQclear(r);
  return 0;
}

/* ---- bulk reads for the in-memory search index ---------------------------------------------- */

#define SCAN_FETCH "2000" /* rows per round trip */
#define SCAN_MAX_CODES 64 /* per notice, as sqlite_search.c */

/* Splits s (codes separated by 0x1f; for CPV each "code\x1ekind") into v, at
 * most SCAN_MAX_CODES, in s's order; with kinds, the main code (lowest kind,
 * first in code order) moves to the front, as the SQLite scan orders them.
 * s is modified in place. */
static size_t split_codes(char *s, int kinds, const char **v) {
  size_t n = 0, best = 0;
  int kind[SCAN_MAX_CODES];
  while (s && *s && n < SCAN_MAX_CODES) {
    char *end = strchr(s, 0x1f);
    if (end) *end = 0;
    kind[n] = 0;
    if (kinds) {
      char *k = strchr(s, 0x1e);
      if (k) {
        *k = 0;
        kind[n] = (int)strtol(k + 1, NULL, 10);
      }
    }
    v[n] = s;
    if (kind[n] < kind[best]) best = n;
    n++;
    s = end ? end + 1 : NULL;
  }
  if (best) {
    const char *b = v[best];
    memmove(v + 1, v, best * sizeof *v);
    v[0] = b;
  }
  return n;
}

/* Every notice (after_seq < 0) or those changed after after_seq, in one
 * snapshot, fetched through a cursor. */
static int index_read(Pg *p, int64_t after_seq, StoreIndexFn fn, void *ctx, int64_t *last_seq, Err *err) {
  const char *what = "cannot read the notices for the search index";
  int rc = ERR_DB, in_tx = 0;
  PGresult *r = NULL;
  char *regions = NULL, *cpvs = NULL;
  const char *rv[SCAN_MAX_CODES], *cv[SCAN_MAX_CODES];
  if (p->in_txn) return err_set(err, ERR_DB, "%s: a write transaction is open", what);
  r = PQexec(p->conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  if (PQresultStatus(r) != PGRES_COMMAND_OK && PQstatus(p->conn) == CONNECTION_BAD && reconnect(p)) {
    PQclear(r);
    r = PQexec(p->conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  }
  if (PQresultStatus(r) != PGRES_COMMAND_OK) {
    pg_err(p, err, what, r);
    goto out;
  }
  PQclear(r);
  r = NULL;
  in_tx = p->in_txn = 1; /* no retry on another connection: it would leave the snapshot */
  if (pg_last_seq(p, last_seq, err)) goto out;
  char after[32];
  snprintf(after, sizeof after, "%lld", (long long)after_seq);
  const char *av[1] = {after};
  r = PQexecParams(p->conn,
                   "DECLARE ph_scan NO SCROLL CURSOR FOR SELECT n.id, n.ocid, n.title, n.description, n.buyer_name,"
                   " n.cpv_text, n.status, n.deadline, n.published, n.buyer_id, n.value, n.sme, n.vcse,"
                   " (SELECT string_agg(region, chr(31) ORDER BY region) FROM notice_region WHERE notice_id = n.id),"
                   " (SELECT string_agg(code || chr(30) || kind, chr(31) ORDER BY code) FROM notice_cpv"
                   "  WHERE notice_id = n.id)"
                   " FROM notice n WHERE $1::bigint < 0 OR n.last_seq > $1::bigint ORDER BY n.id",
                   1, NULL, av, NULL, NULL, 0);
  if (PQresultStatus(r) != PGRES_COMMAND_OK) {
    pg_err(p, err, what, r);
    goto out;
  }
  PQclear(r);
  r = NULL;
  for (;;) {
    r = PQexec(p->conn, "FETCH FORWARD " SCAN_FETCH " FROM ph_scan");
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
      pg_err(p, err, what, r);
      goto out;
    }
    int rows = PQntuples(r);
    if (!rows) break;
    for (int i = 0; i < rows; i++) {
      StoreIndexDoc d;
      memset(&d, 0, sizeof d);
      d.id = col_int(r, i, 0);
      d.ocid = col(r, i, 1);
      d.title = col(r, i, 2);
      d.description = col(r, i, 3);
      d.buyer_name = col(r, i, 4);
      d.cpv_text = col(r, i, 5);
      d.status = col(r, i, 6);
      d.deadline = col(r, i, 7);
      d.published = col(r, i, 8);
      d.buyer_id = col_int(r, i, 9);
      d.has_value = col_double(r, i, 10, &d.value);
      d.sme = col_flag(r, i, 11);
      d.vcse = col_flag(r, i, 12);
      free(regions);
      free(cpvs);
      regions = col_dup(r, i, 13);
      cpvs = col_dup(r, i, 14);
      d.n_regions = split_codes(regions, 0, rv);
      d.regions = rv;
      d.n_cpv = split_codes(cpvs, 1, cv);
      d.cpv = cv;
      if ((rc = fn(ctx, &d, err))) goto out;
    }
    PQclear(r);
    r = NULL;
  }
  rc = 0;
out:
  PQclear(r);
  free(regions);
  free(cpvs);
  if (in_tx) {
    r = PQexec(p->conn, "COMMIT"); /* closes the cursor */
    PQclear(r);
    p->in_txn = 0;
  }
  return rc;
}

static int pg_index_scan(void *impl, StoreIndexFn fn, void *ctx, int64_t *last_seq, Err *err) {
  return index_read(impl, -1, fn, ctx, last_seq, err);
}

static int pg_index_changes(void *impl, int64_t after_seq, StoreIndexFn fn, void *ctx, int64_t *last_seq, Err *err) {
  return index_read(impl, after_seq < 0 ? 0 : after_seq, fn, ctx, last_seq, err);
}

/* ---- search ----------------------------------------------------------------------------- */
/* The filters, sorts and cursors are search_sql.h's, in PostgreSQL's dialect;
 * this adds the tsquery keywords, ts_rank and ts_headline. */

#define PG_RANK "ts_rank(" RANK_WEIGHTS ", n.tsv, $2::tsquery)::float8"

/* Runs text with the binds (not prepared: the text depends on the query). The
 * first n_typed parameters are declared text (a statement may leave them
 * unused); the server infers the others from where they stand. */
static PGresult *run_text(Pg *p, const char *text, const SqlBinds *b, int n_typed, Err *err, const char *what) {
  const char *v[SQL_MAX_BINDS];
  Oid type[SQL_MAX_BINDS];
  char num[SQL_MAX_BINDS][32];
  for (int k = 0; k < b->n; k++) {
    type[k] = k < n_typed ? TEXT_OID : 0;
    if (b->kind[k] == SQL_TEXT) {
      v[k] = b->text[k];
      continue;
    }
    if (b->kind[k] == SQL_INT) snprintf(num[k], sizeof num[k], "%lld", b->i[k]);
    else snprintf(num[k], sizeof num[k], "%.17g", b->d[k]);
    v[k] = num[k];
  }
  for (int attempt = 0;; attempt++) {
    PGresult *r = PQexecParams(p->conn, text, b->n, type, v, NULL, NULL, 0);
    if (PQresultStatus(r) == PGRES_TUPLES_OK) return r;
    if (attempt == 0 && !p->in_txn && PQstatus(p->conn) == CONNECTION_BAD && reconnect(p)) {
      PQclear(r);
      continue;
    }
    pg_err(p, err, what, r);
    PQclear(r);
    return NULL;
  }
}

static int pg_search(void *impl, const Query *q, time_t now, StoreResults *out, Err *err) {
  Pg *p = impl;
  memset(out, 0, sizeof *out);
  SqlBinds b;
  sql_binds_init(&b, SQL_PG, PG_RANK);
  Buf s = BUF_INIT, pos = BUF_INIT, neg = BUF_INIT;
  PGresult *r = NULL;
  int rc = ERR_DB;
  char now_text[DATE_LEN];
  date_format(now, now_text);
  if (q->sort == QUERY_SORT_RELEVANCE && !q->n_positive) {
    rc = err_set(err, ERR_USAGE, "sort=relevance needs keywords");
    goto out;
  }
  SqlKeywords kw = {NULL, NULL};
  if (tsq_part(q, 0, &pos)) kw.pos = pos.data;
  if (tsq_part(q, 1, &neg)) kw.neg = neg.data;

  /* the total */
  buf_adds(&s, "SELECT count(*) FROM notice n");
  search_sql_where(q, &kw, now_text, &b, &s);
  if (b.overflow) goto toomany;
  if (!(r = run_text(p, s.data, &b, 0, err, "search failed"))) goto out;
  out->total = col_int(r, 0, 0);
  PQclear(r);
  r = NULL;

  /* the page: $1 is now, $2 the positive keywords (for the rank), $3 the
   * headline options; the expensive columns are computed for the page only */
  buf_reset(&s);
  sql_binds_init(&b, SQL_PG, PG_RANK);
  sql_bind_text(&b, NULL, now_text);
  sql_bind_text(&b, NULL, kw.pos ? kw.pos : "");
  sql_bind_text(&b, NULL, "StartSel=\x02, StopSel=\x03, MaxWords=24, MinWords=12, ShortWord=0, MaxFragments=1");
  buf_adds(&s, "SELECT n.ocid, n.title, n.buyer_name, n.buyer_id,");
  search_sql_shown_status(&b, 1, &s);
  buf_addf(&s,
           ", n.deadline, n.published, n.value, n.currency, n.sme, n.vcse,"
           " (SELECT string_agg(region, ',' ORDER BY region) FROM notice_region WHERE notice_id = n.id),"
           " (SELECT code FROM notice_cpv WHERE notice_id = n.id ORDER BY kind, code LIMIT 1), %s, %s"
           " FROM notice n",
           kw.pos ? PG_RANK : "0::float8",
           kw.pos ? "ts_headline('simple', coalesce(n.description, n.title, ''), $2::tsquery, $3)"
                  : "left(n.description, 240)");
  search_sql_where(q, &kw, now_text, &b, &s);
  if (q->has_cursor) search_sql_after_cursor(q, &b, &s);
  search_sql_order_by(q, &b, &s);
  buf_adds(&s, " LIMIT ");
  sql_bind_int(&b, &s, q->limit + 1);
  if (b.overflow) goto toomany;
  if (!(r = run_text(p, s.data, &b, 3, err, "search failed"))) goto out;
  int rows = PQntuples(r);
  out->hits = xcalloc((size_t)q->limit + 1, sizeof *out->hits);
  for (int i = 0; i < rows; i++) {
    if (out->n == (size_t)q->limit) {
      out->has_more = 1;
      break;
    }
    StoreHit *h = &out->hits[out->n++];
    h->ocid = col_dup(r, i, 0);
    h->title = col_dup(r, i, 1);
    h->buyer_name = col_dup(r, i, 2);
    h->buyer_id = col_int(r, i, 3);
    h->status = col_dup(r, i, 4);
    h->deadline = col_dup(r, i, 5);
    h->published = col_dup(r, i, 6);
    h->has_value = col_double(r, i, 7, &h->value);
    h->currency = col_dup(r, i, 8);
    h->sme = col_flag(r, i, 9);
    h->vcse = col_flag(r, i, 10);
    h->regions = col_dup(r, i, 11);
    h->cpv = col_dup(r, i, 12);
    col_double(r, i, 13, &h->score);
    h->snippet = col_dup(r, i, 14);
  }
  rc = 0;
  goto out;
toomany:
  rc = err_set(err, ERR_USAGE, "the search has too many conditions");
out:
  PQclear(r);
  buf_release(&s);
  buf_release(&pos);
  buf_release(&neg);
  return rc;
}

const StoreOps store_pg_ops = {
    .name = "postgres",
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .release_add = pg_release_add,
    .release_get = pg_release_get,
    .releases_each = pg_releases_each,
    .notice_exists = pg_notice_exists,
    .notice_put = pg_notice_put,
    .notice_get = pg_notice_get,
    .stats = pg_stats,
    .fts = pg_fts,
    .search = pg_search,
    .org_get = pg_org_get,
    .index_scan = pg_index_scan,
    .index_changes = pg_index_changes,
    .last_seq = pg_last_seq,
    .notice_texts = pg_notice_texts,
    .close = pg_close,
};

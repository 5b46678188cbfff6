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
 * Bulk writes: ingest hands over 2,000 releases at a time (releases_add,
 * notices_put; see "batch writes"): one look-up for the whole batch, the
 * answers and ids worked out here, rows sent by COPY. The tables come out as
 * one call per release would leave them (test_store_pg compares them).
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
#include "model/query.h"
#include "base/token.h"
#include "store/org_key.h"
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
    /* count and max in one aggregate: see Q_B_NOTICES */
    [Q_NOTICE_OLD] = "SELECT n.id, c.n, c.last FROM notice n, LATERAL (SELECT count(*) AS n, coalesce(max(seq), 0) AS last"
                     " FROM release WHERE notice_id = n.id) c WHERE n.ocid = $1",
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

    /* batch writes (pg_releases_add, pg_notices_put): arrays in, one row per element, in order */
    /* the stored state of each (ocid, release id): the notice's row id and whether it has
     * releases; the release's sequence number, hash and date; its text only when the new one
     * would lose to it (a different hash, not newer); and the largest ids so far */
    [Q_B_LOOKUP] = "SELECT u.ord, n.id, n.release_count > 0, r.seq, r.hash, r.date,"
                   " CASE WHEN r.hash <> u.hash AND r.date >= u.date THEN r.json END,"
                   " (SELECT coalesce(max(id), 0) FROM notice), (SELECT coalesce(max(seq), 0) FROM release)"
                   " FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[]) WITH ORDINALITY AS u(ocid, rid, hash, date, ord)"
                   " LEFT JOIN notice n ON n.ocid = u.ocid LEFT JOIN release r ON r.notice_id = n.id AND r.rid = u.rid"
                   " ORDER BY u.ord",
    /* the largest sequence number once the releases being replaced are gone */
    [Q_B_MAX_SEQ] = "SELECT coalesce(max(seq), 0) FROM release WHERE seq <> ALL($1::bigint[])",
    [Q_B_REL_DELETE] = "DELETE FROM release WHERE seq = ANY($1::bigint[])",
    [Q_B_STUBS] = "INSERT INTO notice(id, ocid, status, release_count, last_seq)"
                  " SELECT id, ocid, 'planned', 0, 0 FROM unnest($1::bigint[], $2::text[]) AS u(id, ocid)",
    /* count and max in one aggregate: a lone max(seq) would be planned as a backward
     * scan of the whole release_pkey filtered by notice_id */
    [Q_B_NOTICES] = "SELECT u.ord, n.id, c.n, c.last FROM unnest($1::text[]) WITH ORDINALITY AS u(ocid, ord)"
                    " LEFT JOIN notice n ON n.ocid = u.ocid LEFT JOIN LATERAL (SELECT count(*) AS n,"
                    " coalesce(max(seq), 0) AS last FROM release WHERE notice_id = n.id) c ON true ORDER BY u.ord",
    /* organisations by key, each key once: the stored ones updated as Q_ORG_UPSERT does
     * (a field given replaces the stored one), the new ones inserted with the next ids in
     * the order given; both sub-statements see the table as it was */
    [Q_B_ORGS] = "WITH u AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],"
                 " $7::text[], $8::text[], $9::text[], $10::smallint[]) WITH ORDINALITY"
                 " AS u(key, name, scheme, identifier, postcode, locality, region, country, scale, vcse, ord)),"
                 " upd AS (UPDATE org o SET name = coalesce(u.name, o.name), postcode = coalesce(u.postcode, o.postcode),"
                 " locality = coalesce(u.locality, o.locality), region = coalesce(u.region, o.region),"
                 " country = coalesce(u.country, o.country), scale = coalesce(u.scale, o.scale),"
                 " vcse = coalesce(u.vcse, o.vcse) FROM u WHERE o.key = u.key RETURNING u.ord, o.id),"
                 " ins AS (INSERT INTO org(id, key, name, scheme, identifier, postcode, locality, region, country, scale, vcse)"
                 " SELECT (SELECT coalesce(max(id), 0) FROM org) + row_number() OVER (ORDER BY u.ord), u.key, u.name,"
                 " u.scheme, u.identifier, u.postcode, u.locality, u.region, u.country, u.scale, u.vcse FROM u"
                 " WHERE NOT EXISTS (SELECT 1 FROM org o WHERE o.key = u.key) ORDER BY u.ord RETURNING key, id)"
                 " SELECT ord, id FROM upd UNION ALL SELECT u.ord, ins.id FROM ins JOIN u ON u.key = ins.key",
    [Q_B_DEL_CPV] = "DELETE FROM notice_cpv WHERE notice_id = ANY($1::bigint[])",
    [Q_B_DEL_REGION] = "DELETE FROM notice_region WHERE notice_id = ANY($1::bigint[])",
    [Q_B_DEL_AWARD] = "DELETE FROM award WHERE notice_id = ANY($1::bigint[])",
    [Q_B_DEL_CONTRACT] = "DELETE FROM contract WHERE notice_id = ANY($1::bigint[])",
    [Q_B_DEL_DOCUMENT] = "DELETE FROM notice_document WHERE notice_id = ANY($1::bigint[])",
    [Q_B_DEL_HISTORY] = "DELETE FROM notice_history WHERE notice_id = ANY($1::bigint[])",
    [Q_B_MAX_IDS] = "SELECT (SELECT coalesce(max(id), 0) FROM award), (SELECT coalesce(max(id), 0) FROM contract)",
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
  /* Notices created by releases_add in the open transaction: every release
   * of theirs is of this transaction, so their release count and newest
   * sequence number are known here and notices_put need not ask. */
  struct NewNotice *new_notices;
  size_t new_cap, new_n;
} Pg;

typedef struct NewNotice {
  char *ocid; /* NULL: empty slot */
  long long id, count, last;
  int put; /* notice_put has written it (it may have derived rows) */
} NewNotice;

static uint64_t str_hash(const char *a) {
  uint64_t h = 1469598103934665603ull;
  for (; *a; a++) h = (h ^ (unsigned char)*a) * 1099511628211ull;
  return h;
}

/* The entry of ocid, NULL when there is none and create is 0. */
static NewNotice *new_notice(Pg *p, const char *ocid, int create) {
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

static void new_notices_clear(Pg *p) {
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
  new_notices_clear(p);
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
  new_notices_clear(p);
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
  new_notices_clear(p);
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
  long long new_seq = added ? col_int(res, 0, 0) : 0;
  PQclear(res);
  NewNotice *nn = new_notice(p, r->ocid, 0); /* created by releases_add in this transaction: keep its numbers */
  if (added && nn) {
    nn->count++;
    if (new_seq > nn->last) nn->last = new_seq;
  }
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
  if (rc == STORE_ADDED && nn) nn->count--; /* one replaced, not one more */
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
  NewNotice *nn = new_notice(p, n->ocid, 0);
  if (nn) nn->put = 1;
  rc = 0;
out:
  buf_release(&cpvs);
  buf_release(&tsv);
  return rc;
}

/* ---- batch writes ----------------------------------------------------------------------
 * store_releases_add and store_notices_put for a whole hand-over of the ingest
 * pipeline (2,000 releases): what n calls of release_add / notice_put would
 * store, with the same row ids and sequence numbers, in a handful of round
 * trips instead of several per release. Measured on 20,000 releases: one
 * round trip per release and four per notice were most of the time; the
 * statements themselves are cheap. So: one look-up of the stored state of
 * every (ocid, release id) of the batch, the answers worked out here, ids
 * taken here (every writer holds LOCK_WRITER, so max(id) + 1 is ours until
 * commit), and the rows sent by COPY. Values travel as COPY text or as
 * bound array parameters, never inside SQL text. */

/* A string -> index map for one batch (open addressing, keys not owned). */
typedef struct {
  const char **k1, **k2; /* key: (k1, k2); k2 may be NULL */
  size_t *val, cap;
} BMap;

static uint64_t bmap_hash(const char *a, const char *b) {
  uint64_t h = 1469598103934665603ull;
  for (; *a; a++) h = (h ^ (unsigned char)*a) * 1099511628211ull;
  h = (h ^ 0xff) * 1099511628211ull;
  if (b)
    for (; *b; b++) h = (h ^ (unsigned char)*b) * 1099511628211ull;
  return h;
}

static void bmap_init(BMap *m, size_t n) {
  m->cap = 16;
  while (m->cap < 2 * n + 2) m->cap *= 2;
  m->k1 = xcalloc(m->cap, sizeof *m->k1);
  m->k2 = xcalloc(m->cap, sizeof *m->k2);
  m->val = xcalloc(m->cap, sizeof *m->val);
}

static void bmap_release(BMap *m) {
  free(m->k1);
  free(m->k2);
  free(m->val);
}

/* The slot of (a, b): *found set when the key is there. */
static size_t bmap_slot(const BMap *m, const char *a, const char *b, int *found) {
  size_t i = (size_t)bmap_hash(a, b) & (m->cap - 1);
  while (m->k1[i]) {
    if (strcmp(m->k1[i], a) == 0 && (!b || strcmp(m->k2[i], b) == 0)) {
      *found = 1;
      return i;
    }
    i = (i + 1) & (m->cap - 1);
  }
  *found = 0;
  return i;
}

static void bmap_put(BMap *m, size_t slot, const char *a, const char *b, size_t val) {
  m->k1[slot] = a;
  m->k2[slot] = b;
  m->val[slot] = val;
}

/* COPY text format: a field, tab-separated, NULL as \N, backslash, tab,
 * newline and carriage return escaped. */
static void cp_bytes(Buf *b, const char *s, size_t n) {
  if (b->len && b->data[b->len - 1] != '\n') buf_addc(b, '\t');
  if (!s) {
    buf_adds(b, "\\N");
    return;
  }
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && s[j] != '\\' && s[j] != '\t' && s[j] != '\n' && s[j] != '\r') j++;
    buf_add(b, s + i, j - i);
    if (j < n) {
      char e[2] = {'\\', s[j] == '\\' ? '\\' : s[j] == '\t' ? 't' : s[j] == '\n' ? 'n' : 'r'};
      buf_add(b, e, 2);
      j++;
    }
    i = j;
  }
}
static void cp_text(Buf *b, const char *s) { cp_bytes(b, s, s ? strlen(s) : 0); }
static void cp_int(Buf *b, long long v) {
  char t[32];
  snprintf(t, sizeof t, "%lld", v);
  cp_text(b, t);
}
static void cp_money(Buf *b, int has, double v) {
  char t[40];
  snprintf(t, sizeof t, "%.17g", v);
  cp_text(b, has ? t : NULL);
}
static void cp_flag(Buf *b, Flag f) {
  if (f == FLAG_UNKNOWN) cp_text(b, NULL);
  else cp_int(b, f == FLAG_YES);
}
static void cp_row_end(Buf *b) { buf_addc(b, '\n'); }

/* Runs "COPY table(cols) FROM STDIN" (fixed text) with the rows in data. */
static int copy_in(Pg *p, const char *copy, const Buf *data, Err *err, const char *what) {
  if (!data->len) return 0;
  PGresult *r = PQexec(p->conn, copy);
  if (PQresultStatus(r) != PGRES_COPY_IN) {
    int rc = pg_err(p, err, what, r);
    PQclear(r);
    return rc;
  }
  PQclear(r);
  int rc = 0;
  for (size_t at = 0; at < data->len && rc == 0;) {
    size_t chunk = data->len - at < (1u << 20) ? data->len - at : (1u << 20);
    if (PQputCopyData(p->conn, data->data + at, (int)chunk) != 1) rc = pg_err(p, err, what, NULL);
    at += chunk;
  }
  if (PQputCopyEnd(p->conn, rc ? "cannot send" : NULL) != 1 && rc == 0) rc = pg_err(p, err, what, NULL);
  while ((r = PQgetResult(p->conn))) {
    if (PQresultStatus(r) != PGRES_COMMAND_OK && rc == 0) rc = pg_err(p, err, what, r);
    PQclear(r);
  }
  return rc;
}

/* Array literals ({...}) for bound parameters. */
static void arr_open(Buf *b) { buf_addc(b, '{'); }
static void arr_sep(Buf *b) {
  if (b->len > 1) buf_addc(b, ',');
}
static void arr_text(Buf *b, const char *s) {
  arr_sep(b);
  array_item(b, s);
}
static void arr_int(Buf *b, long long v) {
  arr_sep(b);
  buf_addf(b, "%lld", v);
}
static void arr_close(Buf *b) { buf_addc(b, '}'); }

/* Runs statement which and keeps its result, or NULL with err set. */
static PGresult *run_arrays(Pg *p, int which, Buf *arrays, int n, Err *err, const char *what) {
  Params ps = {.n = 0};
  for (int i = 0; i < n; i++) p_text(&ps, buf_cstr(&arrays[i]));
  return run(p, which, &ps, err, what);
}

/* What the batch knows of one (ocid, release id): the release stored under it
 * now (before the call, or put there by an earlier release of the batch). */
typedef struct {
  int present;
  uint64_t hash;
  const char *date;
  long long seq;
  long long pending; /* index in the batch of the release stored by this call, or -1 */
} BRel;

/* The largest sequence number once the releases just replaced are gone. */
static int batch_max_seq(Pg *p, const long long *seqs, const unsigned char *dropped, size_t n_new, const long long *deleted,
                         size_t n_deleted, long long stored_max, long long *out, Err *err) {
  for (size_t k = n_new; k-- > 0;)
    if (!dropped[k]) {
      *out = seqs[k];
      return 0;
    }
  int gone = 0;
  for (size_t k = 0; k < n_deleted; k++) gone |= deleted[k] == stored_max;
  if (!gone) {
    *out = stored_max;
    return 0;
  }
  Buf a = BUF_INIT;
  arr_open(&a);
  for (size_t k = 0; k < n_deleted; k++) arr_int(&a, deleted[k]);
  arr_close(&a);
  PGresult *r = run_arrays(p, Q_B_MAX_SEQ, &a, 1, err, "cannot store releases");
  buf_release(&a);
  if (!r) return ERR_DB;
  *out = col_int(r, 0, 0);
  PQclear(r);
  return 0;
}

static int pg_releases_add(void *impl, const StoreRelease *rs, size_t n, int *res, unsigned char *known,
                           StoreConflictFn conflict, void *ctx, Err *err) {
  Pg *p = impl;
  const char *what = "cannot store releases";
  if (!n) return 0;
  int rc = ERR_DB;
  PGresult *look = NULL;
  Buf arr[4], rows = BUF_INIT;
  BMap rels, ocids;
  BRel *st = xcalloc(n, sizeof *st);
  long long *nid = xcalloc(n, sizeof *nid), *seq = xcalloc(n, sizeof *seq), *deleted = xcalloc(n, sizeof *deleted);
  long long *stub_id = xcalloc(n, sizeof *stub_id);
  size_t *stub_of = xcalloc(n, sizeof *stub_of), *new_of = xcalloc(n, sizeof *new_of);
  unsigned char *dropped = xcalloc(n, 1);
  size_t n_new = 0, n_deleted = 0, n_stubs = 0;
  bmap_init(&rels, n);
  bmap_init(&ocids, n);
  for (int k = 0; k < 4; k++) {
    buf_init(&arr[k]);
    arr_open(&arr[k]);
  }
  for (size_t i = 0; i < n; i++) {
    arr_text(&arr[0], rs[i].ocid);
    arr_text(&arr[1], rs[i].id);
    arr_int(&arr[2], (long long)(int64_t)rs[i].hash);
    arr_text(&arr[3], rs[i].date);
  }
  for (int k = 0; k < 4; k++) arr_close(&arr[k]);
  if (!(look = run_arrays(p, Q_B_LOOKUP, arr, 4, err, what))) goto out;
  if ((size_t)PQntuples(look) != n) {
    err_set(err, ERR_DB, "%s: the look-up gave %d rows for %zu releases (PostgreSQL at %s)", what, PQntuples(look), n, p->where);
    goto out;
  }
  long long max_notice = col_int(look, 0, 7), stored_max = col_int(look, 0, 8), cur = stored_max;

  for (size_t i = 0; i < n; i++) {
    const StoreRelease *r = &rs[i];
    /* the notice: stored, or new (its id in order of first appearance, as notice_id gives) */
    int found;
    size_t slot = bmap_slot(&ocids, r->ocid, NULL, &found);
    if (!found) {
      long long id = col_int(look, (int)i, 1);
      if (!id) {
        id = ++max_notice;
        stub_id[n_stubs] = id;
        stub_of[n_stubs++] = i;
        new_notice(p, r->ocid, 1)->id = id;
      }
      bmap_put(&ocids, slot, r->ocid, NULL, i);
      nid[i] = id;
      known[i] = !PQgetisnull(look, (int)i, 2) && strcmp(PQgetvalue(look, (int)i, 2), "t") == 0;
    } else {
      nid[i] = nid[ocids.val[slot]];
      known[i] = known[ocids.val[slot]];
    }
    /* the release stored under (ocid, id) at this point */
    slot = bmap_slot(&rels, r->ocid, r->id, &found);
    BRel *s;
    if (found) {
      s = &st[rels.val[slot]];
    } else {
      bmap_put(&rels, slot, r->ocid, r->id, i);
      s = &st[i];
      s->pending = -1;
      if ((s->present = !PQgetisnull(look, (int)i, 3))) {
        s->seq = col_int(look, (int)i, 3);
        s->hash = (uint64_t)col_int(look, (int)i, 4);
        s->date = PQgetvalue(look, (int)i, 5);
      }
    }
    if (s->present && s->hash == r->hash) {
      res[i] = STORE_UNCHANGED;
      continue;
    }
    if (s->present && strcmp(r->date, s->date) <= 0) {
      res[i] = STORE_CONFLICT;
      if (conflict) { /* the text lost to: one of this batch, or the stored one (in row i of the look-up:
                        * an earlier release with this id may have had the stored bytes and no text) */
        if (s->pending >= 0) conflict(ctx, i, rs[s->pending].json, rs[s->pending].len);
        else if (!PQgetisnull(look, (int)i, 6))
          conflict(ctx, i, PQgetvalue(look, (int)i, 6), (size_t)PQgetlength(look, (int)i, 6));
      }
      continue;
    }
    res[i] = s->present ? STORE_REPLACED : STORE_ADDED;
    if (s->present) { /* the old one goes: a sequence number freed at the top is taken again, as on SQLite */
      if (s->pending >= 0) dropped[new_of[s->pending]] = 1;
      else deleted[n_deleted++] = s->seq;
      if (s->seq == cur && batch_max_seq(p, seq, dropped, n_new, deleted, n_deleted, stored_max, &cur, err)) goto out;
    }
    s->present = 1;
    s->hash = r->hash;
    s->date = r->date;
    s->seq = ++cur;
    s->pending = (long long)i;
    new_of[i] = n_new;
    seq[n_new++] = s->seq;
    NewNotice *nn = new_notice(p, r->ocid, 0);
    if (nn) { /* a replacement's number is never below the one it replaces */
      nn->count += res[i] == STORE_ADDED;
      if (s->seq > nn->last) nn->last = s->seq;
    }
  }

  /* the writes: replaced releases out, new notices' stubs, then the releases by COPY */
  if (n_deleted || n_stubs) {
    if ((n_deleted && prep(p, Q_B_REL_DELETE, err)) || (n_stubs && prep(p, Q_B_STUBS, err)) || pipe_begin(p, err)) goto out;
    int sent = 0;
    Params ps = {.n = 0};
    for (int k = 0; k < 2; k++) {
      buf_reset(&arr[k]);
      arr_open(&arr[k]);
    }
    if (n_deleted) {
      for (size_t k = 0; k < n_deleted; k++) arr_int(&arr[0], deleted[k]);
      arr_close(&arr[0]);
      p_text(&ps, arr[0].data);
      sent = pipe_send(p, Q_B_REL_DELETE, &ps, err);
    }
    if (n_stubs && sent == 0) {
      buf_reset(&arr[0]);
      arr_open(&arr[0]);
      for (size_t k = 0; k < n_stubs; k++) {
        arr_int(&arr[0], stub_id[k]);
        arr_text(&arr[1], rs[stub_of[k]].ocid);
      }
      arr_close(&arr[0]);
      arr_close(&arr[1]);
      ps.n = 0;
      p_text(&ps, arr[0].data);
      p_text(&ps, arr[1].data);
      sent = pipe_send(p, Q_B_STUBS, &ps, err);
    }
    int done = pipe_end(p, err, what);
    if (sent || done) goto out;
  }
  for (size_t i = 0; i < n; i++) {
    if ((res[i] != STORE_ADDED && res[i] != STORE_REPLACED) || dropped[new_of[i]]) continue;
    const StoreRelease *r = &rs[i];
    cp_int(&rows, seq[new_of[i]]);
    cp_int(&rows, nid[i]);
    cp_text(&rows, r->id);
    cp_text(&rows, r->date);
    cp_int(&rows, (long long)(int64_t)r->hash);
    cp_text(&rows, r->source);
    cp_bytes(&rows, r->json, r->len);
    cp_row_end(&rows);
  }
  if (copy_in(p, "COPY release(seq, notice_id, rid, date, hash, source, json) FROM STDIN", &rows, err, what)) goto out;
  rc = 0;
out:
  forget_last_notice(p);
  PQclear(look);
  for (int k = 0; k < 4; k++) buf_release(&arr[k]);
  buf_release(&rows);
  bmap_release(&rels);
  bmap_release(&ocids);
  free(st);
  free(nid);
  free(seq);
  free(deleted);
  free(stub_id);
  free(stub_of);
  free(new_of);
  free(dropped);
  return rc;
}

/* One organisation of the batch by key: the fields of its occurrences merged
 * in order (a field given replaces an earlier one, as Q_ORG_UPSERT's
 * coalesce does), and its row id once stored. */
typedef struct {
  const char *key_of; /* a signature whose first key_len bytes are the key */
  size_t key_len;
  Org o; /* borrowed strings */
  long long id;
} BOrg;

#define STAGE_NOTICE                                                                                             \
  "CREATE TEMP TABLE IF NOT EXISTS ph_stage_notice(id bigint, title text, description text, status text,"       \
  " tender_status text, buyer_id bigint, buyer_name text, buyer_party_id text, value float8, value_min float8,"  \
  " currency text, deadline text, published text, updated text, contract_start text, contract_end text,"        \
  " method text, method_details text, category text, sme smallint, vcse smallint, publisher text, url text,"    \
  " cpv_text text, release_count bigint, last_seq bigint, tsv tsvector)"

/* Sends fixed SQL (no parameters) in the open pipeline. */
static int pipe_sql(Pg *p, const char *text, Err *err) {
  if (PQsendQueryParams(p->conn, text, 0, NULL, NULL, NULL, NULL, 0) != 1)
    return pg_err(p, err, "cannot send a statement", NULL);
  p->piped++;
  return 0;
}

/* Stores the organisations of ns (buyers, then each award's suppliers, in
 * order) and sets ids[k] for the k-th of them (0: not stored, no key).
 * Signatures in the connection's cache, or seen earlier in the batch, are
 * not sent again, as org_put would not send them. */
static int batch_orgs(Pg *p, const Notice *const *ns, size_t n, long long *ids, Err *err) {
  const char *what = "cannot store organisations";
  size_t total = 0;
  for (size_t i = 0; i < n; i++) {
    total++;
    for (size_t a = 0; a < ns[i]->n_awards; a++) total += ns[i]->awards[a].n_suppliers;
  }
  const Org **occ = xmalloc((total + 1) * sizeof *occ);
  for (size_t i = 0, k = 0; i < n; i++) {
    occ[k++] = &ns[i]->buyer;
    for (size_t a = 0; a < ns[i]->n_awards; a++)
      for (size_t j = 0; j < ns[i]->awards[a].n_suppliers; j++) occ[k++] = &ns[i]->awards[a].suppliers[j];
  }
  char **sigs = xcalloc(total + 1, sizeof *sigs), **key_str = xcalloc(total + 1, sizeof *key_str);
  size_t *sig_len = xcalloc(total + 1, sizeof *sig_len), *of = xcalloc(total + 1, sizeof *of);
  BOrg *orgs = xcalloc(total + 1, sizeof *orgs);
  size_t n_orgs = 0;
  BMap keys;
  bmap_init(&keys, total);
  OrgCache seen = {0};
  Buf sig = BUF_INIT, arr[10];
  PGresult *r = NULL;
  int rc = ERR_DB;
  for (int c = 0; c < 10; c++) {
    buf_init(&arr[c]);
    arr_open(&arr[c]);
  }
  for (size_t k = 0; k < total; k++) {
    ids[k] = 0;
    of[k] = (size_t)-1;
    buf_reset(&sig);
    size_t key_len = org_signature(occ[k], &sig);
    if (!key_len) continue;
    int64_t id;
    if (org_cache_get(&p->orgs, sig.data, sig.len, &id)) {
      ids[k] = id;
      continue;
    }
    sig_len[k] = sig.len;
    sigs[k] = buf_detach(&sig, NULL);
    key_str[k] = xstrndup(sigs[k], key_len);
    int found;
    size_t slot = bmap_slot(&keys, key_str[k], NULL, &found);
    size_t o;
    if (found) {
      o = keys.val[slot];
    } else {
      o = n_orgs++;
      bmap_put(&keys, slot, key_str[k], NULL, o);
      orgs[o].key_of = key_str[k];
      orgs[o].key_len = key_len;
      orgs[o].o = *occ[k];
    }
    of[k] = o;
    if (org_cache_get(&seen, sigs[k], sig_len[k], &id)) continue; /* the same fields again: org_put sends nothing */
    org_cache_put(&seen, sigs[k], sig_len[k], 0);
    if (found) { /* coalesce(new, stored) */
      Org *m = &orgs[o].o;
      const Org *x = occ[k];
      if (x->name) m->name = x->name;
      if (x->postcode) m->postcode = x->postcode;
      if (x->locality) m->locality = x->locality;
      if (x->region) m->region = x->region;
      if (x->country) m->country = x->country;
      if (x->scale) m->scale = x->scale;
      if (x->vcse != FLAG_UNKNOWN) m->vcse = x->vcse;
    }
  }
  if (n_orgs) {
    for (size_t o = 0; o < n_orgs; o++) {
      const Org *x = &orgs[o].o;
      arr_sep(&arr[0]);
      buf_addc(&arr[0], '"');
      for (size_t c = 0; c < orgs[o].key_len; c++) {
        char ch = orgs[o].key_of[c];
        if (ch == '"' || ch == '\\') buf_addc(&arr[0], '\\');
        buf_addc(&arr[0], ch);
      }
      buf_addc(&arr[0], '"');
      arr_text(&arr[1], x->name);
      arr_text(&arr[2], x->scheme);
      arr_text(&arr[3], x->identifier);
      arr_text(&arr[4], x->postcode);
      arr_text(&arr[5], x->locality);
      arr_text(&arr[6], x->region);
      arr_text(&arr[7], x->country);
      arr_text(&arr[8], x->scale);
      if (x->vcse == FLAG_UNKNOWN) arr_text(&arr[9], NULL);
      else arr_int(&arr[9], x->vcse == FLAG_YES);
    }
    for (int c = 0; c < 10; c++) arr_close(&arr[c]);
    if (!(r = run_arrays(p, Q_B_ORGS, arr, 10, err, what))) goto out;
    for (int row = 0, m = PQntuples(r); row < m; row++) {
      long long o = col_int(r, row, 0) - 1;
      if (o >= 0 && (size_t)o < n_orgs) orgs[o].id = col_int(r, row, 1);
    }
    for (size_t o = 0; o < n_orgs; o++)
      if (!orgs[o].id) {
        err_set(err, ERR_DB, "%s: no row id for organisation %.*s (PostgreSQL at %s)", what, (int)orgs[o].key_len,
                orgs[o].key_of, p->where);
        goto out;
      }
  }
  for (size_t k = 0; k < total; k++)
    if (of[k] != (size_t)-1) {
      ids[k] = orgs[of[k]].id;
      org_cache_put(&p->orgs, sigs[k], sig_len[k], ids[k]);
    }
  rc = 0;
out:
  PQclear(r);
  for (int c = 0; c < 10; c++) buf_release(&arr[c]);
  buf_release(&sig);
  org_cache_release(&seen);
  bmap_release(&keys);
  for (size_t k = 0; k < total; k++) {
    free(sigs[k]);
    free(key_str[k]);
  }
  free(sigs);
  free(key_str);
  free(sig_len);
  free(of);
  free(orgs);
  free(occ);
  return rc;
}

static int pg_notices_put(void *impl, const Notice *const *ns, size_t n, Err *err) {
  Pg *p = impl;
  const char *what = "cannot store notices";
  if (!n) return 0;
  int rc = ERR_DB;
  PGresult *look = NULL, *max = NULL;
  Buf arr = BUF_INIT, rows = BUF_INIT, cpvs = BUF_INIT, tsv = BUF_INIT;
  long long *nid = xcalloc(n, sizeof *nid), *count = xcalloc(n, sizeof *count), *last = xcalloc(n, sizeof *last);
  long long *org_ids = NULL;
  size_t *ask = xcalloc(n, sizeof *ask);
  BMap seen;
  bmap_init(&seen, n);

  /* the notices' row ids, release counts and newest sequence numbers: known
   * for those releases_add created in this transaction, else asked */
  arr_open(&arr);
  int fallback = 0;
  size_t n_ask = 0;
  for (size_t i = 0; i < n; i++) {
    int found;
    size_t slot = bmap_slot(&seen, ns[i]->ocid ? ns[i]->ocid : "", NULL, &found);
    if (found || !ns[i]->ocid) fallback = 1;
    else bmap_put(&seen, slot, ns[i]->ocid, NULL, i);
    const NewNotice *nn = ns[i]->ocid ? new_notice(p, ns[i]->ocid, 0) : NULL;
    if (nn) {
      nid[i] = nn->id;
      count[i] = nn->count;
      last[i] = nn->last;
    } else {
      arr_text(&arr, ns[i]->ocid);
      ask[n_ask++] = i;
    }
  }
  arr_close(&arr);
  if (!fallback && n_ask && !(look = run_arrays(p, Q_B_NOTICES, &arr, 1, err, what))) goto out;
  for (size_t k = 0; k < n_ask && !fallback; k++) {
    if ((fallback = PQgetisnull(look, (int)k, 1))) break;
    nid[ask[k]] = col_int(look, (int)k, 1);
    count[ask[k]] = col_int(look, (int)k, 2);
    last[ask[k]] = col_int(look, (int)k, 3);
  }
  if (fallback) { /* an ocid twice, or without a row yet (not from ingest): one at a time */
    for (size_t i = 0; i < n; i++)
      if (pg_notice_put(impl, ns[i], err)) goto out;
    rc = 0;
    goto out;
  }

  /* organisations: buyers and suppliers, in the order notice_put stores them */
  size_t total = 0;
  for (size_t i = 0; i < n; i++) {
    total++;
    for (size_t a = 0; a < ns[i]->n_awards; a++) total += ns[i]->awards[a].n_suppliers;
  }
  org_ids = xcalloc(total + 1, sizeof *org_ids);
  if (batch_orgs(p, ns, n, org_ids, err)) goto out;

  /* the old derived rows go (a notice created in this transaction and not yet
   * put has none: at 1M the deletes that found nothing were 6% of the server's
   * time), then the largest award and contract ids left */
  if (prep(p, Q_B_DEL_CPV, err) || prep(p, Q_B_DEL_REGION, err) || prep(p, Q_B_DEL_AWARD, err) ||
      prep(p, Q_B_DEL_CONTRACT, err) || prep(p, Q_B_DEL_DOCUMENT, err) || prep(p, Q_B_DEL_HISTORY, err) ||
      prep(p, Q_B_MAX_IDS, err))
    goto out;
  buf_reset(&arr);
  arr_open(&arr);
  size_t n_old = 0;
  for (size_t i = 0; i < n; i++) {
    const NewNotice *nn = new_notice(p, ns[i]->ocid, 0);
    if (nn && !nn->put) continue;
    arr_int(&arr, nid[i]);
    n_old++;
  }
  arr_close(&arr);
  {
    Params ps = {.n = 0};
    p_text(&ps, arr.data);
    if (pipe_begin(p, err)) goto out;
    int sent = pipe_sql(p, STAGE_NOTICE, err);
    if (!sent) sent = pipe_sql(p, "TRUNCATE ph_stage_notice", err);
    if (!sent && n_old) sent = pipe_send(p, Q_B_DEL_CPV, &ps, err);
    if (!sent && n_old) sent = pipe_send(p, Q_B_DEL_REGION, &ps, err);
    if (!sent && n_old) sent = pipe_send(p, Q_B_DEL_AWARD, &ps, err);
    if (!sent && n_old) sent = pipe_send(p, Q_B_DEL_CONTRACT, &ps, err);
    if (!sent && n_old) sent = pipe_send(p, Q_B_DEL_DOCUMENT, &ps, err);
    if (!sent && n_old) sent = pipe_send(p, Q_B_DEL_HISTORY, &ps, err);
    int done = pipe_end(p, err, what);
    if (sent || done) goto out;
  }
  if (!(max = run(p, Q_B_MAX_IDS, NULL, err, what))) goto out;
  long long award_id = col_int(max, 0, 0), contract_id = col_int(max, 0, 1);

  /* the notice rows, to the staging table and from there over the stubs */
  for (size_t i = 0, k = 0; i < n; i++) {
    const Notice *x = ns[i];
    buf_reset(&cpvs);
    buf_reset(&tsv);
    store_cpv_text(x, &cpvs);
    tsv_text(x, cpvs.data, &tsv);
    cp_int(&rows, nid[i]);
    cp_text(&rows, x->title);
    cp_text(&rows, x->description);
    cp_text(&rows, notice_status_name(x->status));
    cp_text(&rows, x->tender_status);
    if (org_ids[k]) cp_int(&rows, org_ids[k]);
    else cp_text(&rows, NULL);
    cp_text(&rows, x->buyer.name);
    cp_text(&rows, x->buyer.id);
    cp_money(&rows, x->has_value, x->value);
    cp_money(&rows, x->has_min_value, x->min_value);
    cp_text(&rows, x->currency);
    cp_text(&rows, x->deadline);
    cp_text(&rows, x->published);
    cp_text(&rows, x->updated);
    cp_text(&rows, x->contract_start);
    cp_text(&rows, x->contract_end);
    cp_text(&rows, x->method);
    cp_text(&rows, x->method_details);
    cp_text(&rows, x->category);
    cp_flag(&rows, x->sme);
    cp_flag(&rows, x->vcse);
    cp_text(&rows, x->publisher);
    cp_text(&rows, x->url);
    cp_text(&rows, x->n_cpvs ? buf_cstr(&cpvs) : NULL); /* NULL without codes, as notice_put stores it */
    cp_int(&rows, count[i]);
    cp_int(&rows, last[i]);
    cp_text(&rows, tsv.data ? tsv.data : "");
    cp_row_end(&rows);
    k++;
    for (size_t a = 0; a < x->n_awards; a++) k += x->awards[a].n_suppliers;
  }
  if (copy_in(p,
              "COPY ph_stage_notice(id, title, description, status, tender_status, buyer_id, buyer_name, buyer_party_id,"
              " value, value_min, currency, deadline, published, updated, contract_start, contract_end, method,"
              " method_details, category, sme, vcse, publisher, url, cpv_text, release_count, last_seq, tsv) FROM STDIN",
              &rows, err, what) ||
      exec_sql(p,
               "UPDATE notice n SET title = s.title, description = s.description, status = s.status,"
               " tender_status = s.tender_status, buyer_id = s.buyer_id, buyer_name = s.buyer_name,"
               " buyer_party_id = s.buyer_party_id, value = s.value, value_min = s.value_min, currency = s.currency,"
               " deadline = s.deadline, published = s.published, updated = s.updated,"
               " contract_start = s.contract_start, contract_end = s.contract_end, method = s.method,"
               " method_details = s.method_details, category = s.category, sme = s.sme, vcse = s.vcse,"
               " publisher = s.publisher, url = s.url, cpv_text = s.cpv_text, release_count = s.release_count,"
               " last_seq = s.last_seq, tsv = s.tsv FROM ph_stage_notice s WHERE n.id = s.id",
               err, what))
    goto out;

  /* CPV codes and regions (each once per notice: the first kind given wins, as
   * ON CONFLICT DO NOTHING has it) */
  buf_reset(&rows);
  for (size_t i = 0; i < n; i++) {
    const Notice *x = ns[i];
    for (size_t c = 0; c < x->n_cpvs; c++) {
      int dup = 0;
      for (size_t d = 0; d < c && !dup; d++)
        dup = x->cpvs[d].code && x->cpvs[c].code && strcmp(x->cpvs[d].code, x->cpvs[c].code) == 0;
      if (dup) continue;
      cp_int(&rows, nid[i]);
      cp_text(&rows, x->cpvs[c].code);
      cp_int(&rows, x->cpvs[c].kind);
      cp_row_end(&rows);
    }
  }
  if (copy_in(p, "COPY notice_cpv(notice_id, code, kind) FROM STDIN", &rows, err, what)) goto out;
  buf_reset(&rows);
  for (size_t i = 0; i < n; i++) {
    const Notice *x = ns[i];
    for (size_t c = 0; c < x->n_regions; c++) {
      int dup = 0;
      for (size_t d = 0; d < c && !dup; d++)
        dup = x->regions[d] && x->regions[c] && strcmp(x->regions[d], x->regions[c]) == 0;
      if (dup) continue;
      cp_int(&rows, nid[i]);
      cp_text(&rows, x->regions[c]);
      cp_row_end(&rows);
    }
  }
  if (copy_in(p, "COPY notice_region(notice_id, region) FROM STDIN", &rows, err, what)) goto out;

  /* awards (ids in order, as max(id) + 1 one at a time), then their suppliers */
  buf_reset(&rows);
  buf_reset(&tsv); /* award_supplier rows */
  for (size_t i = 0, k = 0; i < n; i++) {
    const Notice *x = ns[i];
    k++; /* the buyer */
    for (size_t a = 0; a < x->n_awards; a++) {
      const NoticeAward *w = &x->awards[a];
      long long id = ++award_id;
      cp_int(&rows, id);
      cp_int(&rows, nid[i]);
      cp_text(&rows, w->id);
      cp_text(&rows, w->title);
      cp_text(&rows, w->status);
      cp_text(&rows, w->date);
      cp_text(&rows, w->date_published);
      cp_money(&rows, w->has_value, w->value);
      cp_text(&rows, w->currency);
      cp_text(&rows, w->contract_start);
      cp_text(&rows, w->contract_end);
      cp_row_end(&rows);
      for (size_t j = 0; j < w->n_suppliers; j++) {
        int dup = !org_ids[k + j];
        for (size_t d = 0; d < j && !dup; d++) dup = org_ids[k + d] == org_ids[k + j];
        if (dup) continue;
        cp_int(&tsv, id);
        cp_int(&tsv, org_ids[k + j]);
        cp_int(&tsv, (long long)j);
        cp_row_end(&tsv);
      }
      k += w->n_suppliers;
    }
  }
  if (copy_in(p,
              "COPY award(id, notice_id, award_id, title, status, date, date_published, value, currency,"
              " contract_start, contract_end) FROM STDIN",
              &rows, err, what) ||
      copy_in(p, "COPY award_supplier(award_id, org_id, pos) FROM STDIN", &tsv, err, what))
    goto out;
  buf_reset(&rows);
  for (size_t i = 0; i < n; i++) {
    const Notice *x = ns[i];
    for (size_t c = 0; c < x->n_contracts; c++) {
      const NoticeContract *t = &x->contracts[c];
      cp_int(&rows, ++contract_id);
      cp_int(&rows, nid[i]);
      cp_text(&rows, t->id);
      cp_text(&rows, t->award_id);
      cp_text(&rows, t->title);
      cp_text(&rows, t->status);
      cp_money(&rows, t->has_value, t->value);
      cp_text(&rows, t->currency);
      cp_text(&rows, t->start);
      cp_text(&rows, t->end);
      cp_text(&rows, t->date_signed);
      cp_row_end(&rows);
    }
  }
  if (copy_in(p,
              "COPY contract(id, notice_id, contract_id, award_id, title, status, value, currency, start, \"end\","
              " date_signed) FROM STDIN",
              &rows, err, what))
    goto out;
  /* documents and release history, numbered from 0 per notice */
  buf_reset(&rows);
  buf_reset(&tsv);
  for (size_t i = 0; i < n; i++) {
    const Notice *x = ns[i];
    for (size_t c = 0; c < x->n_documents; c++) {
      const NoticeDocument *d = &x->documents[c];
      cp_int(&rows, nid[i]);
      cp_int(&rows, (long long)c);
      cp_text(&rows, d->title);
      cp_text(&rows, d->url);
      cp_text(&rows, d->type);
      cp_text(&rows, d->date);
      cp_row_end(&rows);
    }
    for (size_t c = 0; c < x->n_history; c++) {
      const NoticeHistory *h = &x->history[c];
      cp_int(&tsv, nid[i]);
      cp_int(&tsv, (long long)c);
      cp_text(&tsv, h->release_id);
      cp_text(&tsv, h->date);
      cp_text(&tsv, h->tags);
      cp_row_end(&tsv);
    }
  }
  if (copy_in(p, "COPY notice_document(notice_id, pos, title, url, type, date) FROM STDIN", &rows, err, what) ||
      copy_in(p, "COPY notice_history(notice_id, pos, release_id, date, tags) FROM STDIN", &tsv, err, what))
    goto out;
  for (size_t i = 0; i < n; i++) {
    NewNotice *nn = new_notice(p, ns[i]->ocid, 0);
    if (nn) nn->put = 1;
  }
  rc = 0;
out:
  PQclear(look);
  PQclear(max);
  buf_release(&arr);
  buf_release(&rows);
  buf_release(&cpvs);
  buf_release(&tsv);
  bmap_release(&seen);
  free(nid);
  free(count);
  free(last);
  free(ask);
  free(org_ids);
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
static int index_read(Pg *p, int64_t after_seq, long long after_id, long long upto_id, StoreIndexFn fn, void *ctx,
                      int64_t *last_seq, Err *err) {
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
  char after[32], lo[32], hi[32];
  snprintf(after, sizeof after, "%lld", (long long)after_seq);
  snprintf(lo, sizeof lo, "%lld", after_id);
  snprintf(hi, sizeof hi, "%lld", upto_id);
  const char *av[3] = {after, lo, hi};
  r = PQexecParams(p->conn,
                   "DECLARE ph_scan NO SCROLL CURSOR FOR SELECT n.id, n.ocid, n.title, n.description, n.buyer_name,"
                   " n.cpv_text, n.status, n.deadline, n.published, n.buyer_id, n.value, n.sme, n.vcse,"
                   " (SELECT string_agg(region, chr(31) ORDER BY region) FROM notice_region WHERE notice_id = n.id),"
                   " (SELECT string_agg(code || chr(30) || kind, chr(31) ORDER BY code) FROM notice_cpv"
                   "  WHERE notice_id = n.id), n.last_seq"
                   " FROM notice n WHERE ($1::bigint < 0 OR n.last_seq > $1::bigint)"
                   " AND n.id > $2::bigint AND n.id <= $3::bigint ORDER BY n.id",
                   3, NULL, av, NULL, NULL, 0);
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
      d.seq = col_int(r, i, 15);
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

static int pg_index_scan(void *impl, long long after_id, long long upto_id, StoreIndexFn fn, void *ctx,
                         int64_t *last_seq, Err *err) {
  return index_read(impl, -1, after_id, upto_id, fn, ctx, last_seq, err);
}

static int pg_index_changes(void *impl, int64_t after_seq, StoreIndexFn fn, void *ctx, int64_t *last_seq, Err *err) {
  return index_read(impl, after_seq < 0 ? 0 : after_seq, 0, INT64_MAX, fn, ctx, last_seq, err);
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

const StoreCoreOps store_pg_core_ops = {
    .name = "postgres",
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .last_seq = pg_last_seq,
    .stats = pg_stats,
    .close = pg_close,
};

const StoreNoticeOps store_pg_notice_ops = {
    .release_add = pg_release_add,
    .release_get = pg_release_get,
    .releases_each = pg_releases_each,
    .notice_exists = pg_notice_exists,
    .notice_put = pg_notice_put,
    .releases_add = pg_releases_add,
    .notices_put = pg_notices_put,
    .notice_get = pg_notice_get,
    .notice_texts = pg_notice_texts,
};

const StoreOrgOps store_pg_org_ops = {
    .org_get = pg_org_get,
};

const StoreFeedOps store_pg_feed_ops = {
    .index_scan = pg_index_scan,
    .index_changes = pg_index_changes,
};

const StoreSearchOps store_pg_search_ops = {
    .search = pg_search,
    .fts = pg_fts,
};

/* pg.c -- the store on PostgreSQL (libpq): the backend for deployments that
 * outgrow one machine. Same tables, same row ids, same text as sqlite.c, so
 * every read (notice_get, index_scan, the deterministic sorts of search) gives
 * the same answer on both backends; tests/unit/test_store_pg.c checks that on
 * the development data.
 *
 * This file is the connection: open, reconnect, migrations, the statements,
 * transactions, the change sequence and the counts. Each aggregate of the
 * store is a file of its own (pg_notices.c, pg_orgs.c, pg_feed.c,
 * pg_search.c) over what pg_impl.h shares.
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
 * PostgreSQL's parser but by base/token.h, the tokenizer of the in-memory
 * index (which mirrors SQLite's unicode61 with remove_diacritics 2), and the
 * column is written as tsvector text: word:position+weight, title A, buyer
 * name B, CPV text C, description D, one unused position between columns so a
 * phrase never spans two. Queries are built the same way (each word folded by
 * token_term, cast with ::tsquery, no dictionary). Both are stemmed by
 * base/token.h with Snowball English ("laptops" is the lexeme 'laptop'), the
 * same stems as SQLite's FTS5 tokenizer and the index; PostgreSQL's own
 * 'english' configuration would not do: its parser keeps accents ("publico"
 * would not find "público") and splits "e-mail" or URLs differently, so keyword totals would differ from SQLite's
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
#include "model/cpv.h"
#include "store/org_key.h"
#include "store/pg_impl.h"
#include "store/search_sql.h"

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
    /* 4: the store's secrets (store_secret): the key that signs cursors, 32
     * bytes from two random UUIDs (PostgreSQL's own generator: 244 random bits) */
    "CREATE TABLE secret(name text PRIMARY KEY, value bytea NOT NULL);"
    "INSERT INTO secret(name, value) VALUES('cursor',"
    "  decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'));",
    /* 5: the compiled release of a notice with many releases, which one more
     * merges onto (ingest/apply.c) */
    "CREATE TABLE notice_compiled("
    "  notice_id bigint PRIMARY KEY REFERENCES notice(id) ON DELETE CASCADE,"
    "  json text NOT NULL);",
    /* 6: each release's data notes (ocds/release.h) with its history row;
     * releases stored before were refused a note's defect, so they have none */
    "ALTER TABLE notice_history ADD COLUMN notes text;",
    /* 7: where a procurement stands and how to take part (ocds/derive_uk.c):
     * its stage, reserved participation and the details its page shows; a
     * notice stored before has none until `powerhouse ingest --rederive` */
    "CREATE TABLE notice_detail("
    "  notice_id bigint PRIMARY KEY REFERENCES notice(id) ON DELETE CASCADE,"
    "  stage text, reserved text, reserved_location text, details text);",
    /* 8: the words of the full-text column became stems (base/token.h);
     * pg_notices_retsv writes every notice's tsv again, in C, after this */
    "SELECT 1",
    /* 9: lots' and items' text, searched as part of the description
     * (SEARCH_SQL_DESCRIPTION, and the tsv written from notice_search_text); a
     * notice stored before has none until `powerhouse ingest --rederive` */
    "ALTER TABLE notice_detail ADD COLUMN lots_text text;",
    /* 10: accounts (store/accounts.h) and the mail outbox (store/outbox.h):
     * people, their sessions and emailed tokens (hashes only, never a token),
     * organisations with members and invitations, API tokens, the audit log,
     * throttling events, and the key CSRF tokens are made with */
    "CREATE TABLE account("
    "  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, email text NOT NULL UNIQUE, name text NOT NULL, password_hash text,"
    "  created_at bigint NOT NULL, verified_at bigint, disabled_at bigint, site_admin integer NOT NULL DEFAULT 0);"
    "CREATE TABLE session("
    "  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, token_hash text NOT NULL UNIQUE,"
    "  account_id bigint NOT NULL REFERENCES account(id) ON DELETE CASCADE,"
    "  created_at bigint NOT NULL, seen_at bigint NOT NULL, client text);"
    "CREATE INDEX session_account ON session(account_id);"
    "CREATE TABLE account_token("
    "  token_hash text PRIMARY KEY, account_id bigint NOT NULL REFERENCES account(id) ON DELETE CASCADE,"
    "  purpose text NOT NULL, data text, created_at bigint NOT NULL, expires_at bigint NOT NULL, used_at bigint);"
    "CREATE INDEX account_token_account ON account_token(account_id, purpose);"
    "CREATE TABLE organisation("
    "  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, name text NOT NULL, kind text NOT NULL, sector text, buyer_type text,"
    "  ch_number text, ppon text, website text, status text NOT NULL, evidence text,"
    "  created_at bigint NOT NULL, created_by bigint, decided_at bigint, decided_by bigint, decision_note text,"
    "  claim_org_id bigint, claim_status text, claim_evidence text);"
    "CREATE INDEX organisation_status ON organisation(status);"
    "CREATE TABLE membership("
    "  org_id bigint NOT NULL REFERENCES organisation(id) ON DELETE CASCADE,"
    "  account_id bigint NOT NULL REFERENCES account(id) ON DELETE CASCADE,"
    "  role text NOT NULL, created_at bigint NOT NULL, PRIMARY KEY(org_id, account_id));"
    "CREATE INDEX membership_account ON membership(account_id);"
    "CREATE TABLE invitation("
    "  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, org_id bigint NOT NULL REFERENCES organisation(id) ON DELETE CASCADE,"
    "  email text NOT NULL, role text NOT NULL, token_hash text NOT NULL UNIQUE, invited_by bigint,"
    "  created_at bigint NOT NULL, expires_at bigint NOT NULL, accepted_at bigint, accepted_by bigint, revoked_at bigint);"
    "CREATE INDEX invitation_org ON invitation(org_id);"
    "CREATE TABLE api_token("
    "  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, token_hash text NOT NULL UNIQUE,"
    "  account_id bigint NOT NULL REFERENCES account(id) ON DELETE CASCADE,"
    "  org_id bigint NOT NULL REFERENCES organisation(id) ON DELETE CASCADE,"
    "  role text NOT NULL, name text NOT NULL, created_at bigint NOT NULL, last_used_at bigint, revoked_at bigint);"
    "CREATE INDEX api_token_account ON api_token(account_id);"
    "CREATE TABLE audit("
    "  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, at bigint NOT NULL, actor_id bigint, actor text, org_id bigint, client text,"
    "  action text NOT NULL, subject text, before text, after text);"
    "CREATE INDEX audit_org ON audit(org_id, id);"
    "CREATE TABLE throttle(key text NOT NULL, at bigint NOT NULL);"
    "CREATE INDEX throttle_key ON throttle(key, at);"
    "CREATE TABLE outbox("
    "  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, recipient text NOT NULL, subject text NOT NULL, text text NOT NULL, html text,"
    "  created_at bigint NOT NULL, attempts integer NOT NULL DEFAULT 0, next_at bigint NOT NULL,"
    "  sent_at bigint, last_error text);"
    "CREATE INDEX outbox_due ON outbox(next_at) WHERE sent_at IS NULL;"
    "INSERT INTO secret(name, value) VALUES('csrf',"
    "  decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'));",
    /* 11: who buys (public or private sector) and whether the notice is a
     * sub-contracting opportunity, with its parent's ocid (ocds/derive.c).
     * Only notices posted on the portal carry either mark: every notice
     * stored before is public and no sub-contract, which the defaults say
     * (and a notice without a detail row reads as), so none needs deriving
     * again. */
    "ALTER TABLE notice_detail ADD COLUMN sector text NOT NULL DEFAULT 'public',"
    "  ADD COLUMN subcontract smallint NOT NULL DEFAULT 0, ADD COLUMN parent_ocid text;",
    /* 12: notices posted on the portal (store/postings.h) */
    "CREATE TABLE posting("
    "  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, org_id bigint NOT NULL REFERENCES organisation(id),"
    "  ocid text UNIQUE, stage text NOT NULL, status text NOT NULL, title text NOT NULL, body text NOT NULL,"
    "  releases bigint NOT NULL DEFAULT 0, last_release_at bigint NOT NULL DEFAULT 0,"
    "  amendments bigint NOT NULL DEFAULT 0, awards bigint NOT NULL DEFAULT 0,"
    "  contracts bigint NOT NULL DEFAULT 0, answers bigint NOT NULL DEFAULT 0,"
    "  created_by bigint, created_at bigint NOT NULL, updated_at bigint NOT NULL, published_at bigint);"
    "CREATE INDEX posting_org ON posting(org_id, updated_at);"
    "CREATE TABLE question("
    "  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
    "  posting_id bigint NOT NULL REFERENCES posting(id) ON DELETE CASCADE,"
    "  asker_account bigint REFERENCES account(id) ON DELETE SET NULL,"
    "  asker_org bigint REFERENCES organisation(id) ON DELETE SET NULL,"
    "  question text NOT NULL, public_question text, answer text, number bigint,"
    "  asked_at bigint NOT NULL, answered_at bigint);"
    "CREATE INDEX question_posting ON question(posting_id, asked_at);"
    "CREATE TABLE interest("
    "  posting_id bigint NOT NULL REFERENCES posting(id) ON DELETE CASCADE,"
    "  org_id bigint NOT NULL REFERENCES organisation(id) ON DELETE CASCADE,"
    "  account_id bigint REFERENCES account(id) ON DELETE SET NULL, at bigint NOT NULL,"
    "  PRIMARY KEY(posting_id, org_id));"
    "CREATE TABLE document("
    "  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
    "  posting_id bigint NOT NULL REFERENCES posting(id) ON DELETE CASCADE,"
    "  name text NOT NULL, mime text NOT NULL, sha256 text NOT NULL, size bigint NOT NULL,"
    "  uploaded_by bigint, uploaded_at bigint NOT NULL, replaces bigint, replaced_at bigint);"
    "CREATE INDEX document_posting ON document(posting_id);",
    /* 13: a supplier's size and region, shown to the buyers whose notices it follows */
    "ALTER TABLE organisation ADD COLUMN size text, ADD COLUMN region text;",
};
#define N_MIGRATIONS (int)(sizeof migrations / sizeof *migrations)

/* Advisory lock keys: schema migrations, and one writer at a time. */
#define LOCK_MIGRATE "7305001"
#define LOCK_WRITER "7305002"

/* ---- statements ---------------------------------------------------------------- */

#define NOTICE_COLS                                                                          \
  "title, description, status, tender_status, buyer_id, buyer_name, buyer_party_id, value, " \
  "value_min, currency, deadline, published, updated, contract_start, contract_end, method, " \
  "method_details, category, sme, vcse, publisher, url, cpv_text, release_count, last_seq, tsv"

const char *const store_pg_sql[Q_COUNT] = {
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
    [Q_NOTES_COUNT] = "SELECT count(*) FROM notice_history WHERE notes IS NOT NULL AND strpos(notes, $1) > 0",
    [Q_NOTICE_INSERT] = "INSERT INTO notice(id, ocid, " NOTICE_COLS ") VALUES((SELECT coalesce(max(id), 0) + 1 FROM notice),"
                        " $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,"
                        " $21, $22, $23, $24, $25, $26, $27::tsvector) RETURNING id",
    /* the derived rows go with the old values (award suppliers by cascade) */
    [Q_NOTICE_UPDATE] = "WITH c AS (DELETE FROM notice_cpv WHERE notice_id = $1),"
                        " r AS (DELETE FROM notice_region WHERE notice_id = $1),"
                        " a AS (DELETE FROM award WHERE notice_id = $1),"
                        " k AS (DELETE FROM contract WHERE notice_id = $1),"
                        " d AS (DELETE FROM notice_document WHERE notice_id = $1),"
                        " h AS (DELETE FROM notice_history WHERE notice_id = $1),"
                        " j AS (DELETE FROM notice_compiled WHERE notice_id = $1),"
                        " x AS (DELETE FROM notice_detail WHERE notice_id = $1)"
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
    [Q_HISTORY_INSERT] = "INSERT INTO notice_history(notice_id, pos, release_id, date, tags, notes)"
                         " SELECT $1, u.pos - 1, u.release_id, u.date, u.tags, u.notes"
                         " FROM unnest($2::text[], $3::text[], $4::text[], $5::text[])"
                         " WITH ORDINALITY AS u(release_id, date, tags, notes, pos)",
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
    [Q_NOTICE_GET_HISTORY] = "SELECT release_id, date, tags, notes FROM notice_history WHERE notice_id = $1 ORDER BY pos",
    [Q_FTS_SEARCH] = "SELECT ocid, title FROM notice WHERE tsv @@ $1::tsquery"
                     " ORDER BY ts_rank(" RANK_WEIGHTS ", tsv, $1::tsquery) DESC, ocid LIMIT $2",
    [Q_NOTICE_TEXT] = "SELECT id, title, " SEARCH_SQL_DESCRIPTION ", buyer_name, cpv_text, currency FROM notice n"
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
    [Q_B_DEL_COMPILED] = "DELETE FROM notice_compiled WHERE notice_id = ANY($1::bigint[])",
    [Q_B_DEL_DETAIL] = "DELETE FROM notice_detail WHERE notice_id = ANY($1::bigint[])",
    [Q_DETAIL_INSERT] = "INSERT INTO notice_detail(notice_id, stage, reserved, reserved_location, details, lots_text,"
                        " sector, subcontract, parent_ocid) VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    [Q_NOTICE_GET_DETAIL] = "SELECT stage, reserved, reserved_location, details, sector, subcontract, parent_ocid"
                            " FROM notice_detail WHERE notice_id = $1",
    /* after the notice's derived rows went (the update's or the batch's deletes) */
    [Q_COMPILED_PUT] = "INSERT INTO notice_compiled(notice_id, json) VALUES($1, $2)"
                       " ON CONFLICT(notice_id) DO UPDATE SET json = excluded.json",
    [Q_COMPILED_GET] = "SELECT n.id, c.json FROM notice n JOIN notice_compiled c ON c.notice_id = n.id WHERE n.ocid = $1",
    [Q_B_MAX_IDS] = "SELECT (SELECT coalesce(max(id), 0) FROM award), (SELECT coalesce(max(id), 0) FROM contract)",
};

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
    if (exec_sql(p, migrations[v], err, what) || (v == 0 && fill_cpv(p, err)) || (v == 7 && pg_notices_retsv(p, err)))
      goto out;
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

int pg_last_seq(void *impl, int64_t *out, Err *err) {
  Pg *p = impl;
  *out = 0;
  PGresult *r = run(p, Q_LAST_SEQ, NULL, err, "cannot read the change sequence");
  if (!r) return ERR_DB;
  *out = col_int(r, 0, 0);
  PQclear(r);
  return 0;
}

static int hex_digit(char c) {
  return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int pg_secret(void *impl, const char *name, unsigned char *out, size_t len, Err *err) {
  Pg *p = impl;
  Params ps = {.n = 0};
  p_text(&ps, name);
  PGresult *r = PQexecParams(p->conn, "SELECT encode(value, 'hex') FROM secret WHERE name = $1", ps.n, NULL, ps.v,
                             ps.len, ps.fmt, 0);
  if (PQresultStatus(r) != PGRES_TUPLES_OK) {
    pg_err(p, err, "cannot read a secret of the store", r);
    PQclear(r);
    return ERR_DB;
  }
  const char *hex = PQntuples(r) == 1 ? PQgetvalue(r, 0, 0) : "";
  int rc = strlen(hex) >= 2 * len ? 0 : ERR_NOTFOUND;
  for (size_t i = 0; rc == 0 && i < len; i++) {
    int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) rc = ERR_NOTFOUND;
    else out[i] = (unsigned char)(hi << 4 | lo);
  }
  PQclear(r);
  if (rc) err_set(err, ERR_NOTFOUND, "the store has no secret '%s' of %zu bytes", name, len);
  return rc;
}

const StoreCoreOps store_pg_core_ops = {
    .name = "postgres",
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .last_seq = pg_last_seq,
    .stats = pg_stats,
    .secret = pg_secret,
    .close = pg_close,
};


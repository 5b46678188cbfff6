/* sqlite.c -- the store on SQLite: WAL, foreign keys on, synchronous=NORMAL,
 * numbered schema migrations applied on open (PRAGMA user_version says how many
 * have run), prepared statements kept for the life of the connection, bound
 * parameters only.
 *
 * This file is the connection: open, migrations, the statements, transactions,
 * the checkpointer, the change sequence and the counts. Each aggregate of the
 * store is a file of its own (sqlite_notices.c, sqlite_orgs.c, sqlite_feed.c,
 * sqlite_search.c) over what sqlite_impl.h shares.
 *
 * The full-text index is an FTS5 table with external content (the notice
 * table): it stores only the index, and replacing a notice first deletes the
 * old entry with the old text, which notice_put reads before it writes. Its
 * words are base/token.h's (stemmed), through the tokenizer of sqlite_fts.c,
 * which every connection registers on open, before any migration.
 *
 * Index writes are queued during a transaction and applied just before COMMIT.
 * FTS5 flushes its in-memory terms to a new on-disk segment whenever another
 * statement in the transaction opens a savepoint (any upsert or cascading
 * delete does), so interleaving index writes with the other writes of a batch
 * made thousands of tiny segments and merges: measured at 24% of ingest time.
 *
 * A writable store checkpoints its write-ahead log on a thread of its own
 * (with its own connection) after each commit, instead of inside the commit
 * that crosses the autocheckpoint size: copying the log into the database was
 * 23% of the writer's time during ingest, and the other core has room. The
 * log is only rewound when a write transaction starts after a complete
 * checkpoint, which a busy writer never allows, so once the log passes
 * store_sqlite_wal_limit_frames (64 MB) the writer waits, before its next
 * transaction, for the checkpointer to finish (without that the log grew to
 * 11 GB in a bulk load) -- but never long: see CK_WRITER_WAIT_MS. */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "base/buf.h"
#include "model/cpv.h"
#include "store/org_key.h"
#include "store/sqlite_fts.h"
#include "store/search_sql.h"
#include "store/sqlite_impl.h"

/* ---- schema ---------------------------------------------------------------- */

static const char *const migrations[] = {
    /* 1: releases, organisations, notices and what is derived from them */
    "CREATE TABLE org("
    "  id INTEGER PRIMARY KEY,"
    "  key TEXT NOT NULL UNIQUE,"           /* scheme-identifier, else name:<name>|<postcode> */
    "  name TEXT, scheme TEXT, identifier TEXT, postcode TEXT, locality TEXT,"
    "  region TEXT, country TEXT, scale TEXT, vcse INTEGER);"
    "CREATE TABLE notice("
    "  id INTEGER PRIMARY KEY,"
    "  ocid TEXT NOT NULL UNIQUE,"
    "  title TEXT, description TEXT,"
    "  status TEXT NOT NULL, tender_status TEXT,"
    "  buyer_id INTEGER REFERENCES org(id), buyer_name TEXT, buyer_party_id TEXT,"
    "  value REAL, value_min REAL, currency TEXT,"
    "  deadline TEXT, published TEXT, updated TEXT,"
    "  contract_start TEXT, contract_end TEXT,"
    "  method TEXT, method_details TEXT, category TEXT,"
    "  sme INTEGER, vcse INTEGER,"
    "  publisher TEXT, url TEXT,"
    "  cpv_text TEXT,"                      /* CPV codes and labels, for the full-text index */
    "  release_count INTEGER NOT NULL, last_seq INTEGER NOT NULL);"  /* 0, 0: created by its first release */
    /* Releases hang off their notice's row id, not the ocid text: new notices
     * get increasing ids, so a bulk load appends to this index instead of
     * scattering writes over it (an (ocid, rid) index was half the WAL). */
    "CREATE TABLE release("
    "  seq INTEGER PRIMARY KEY,"            /* change sequence, grows with every stored release */
    "  notice_id INTEGER NOT NULL REFERENCES notice(id),"
    "  rid TEXT NOT NULL,"
    "  date TEXT NOT NULL,"                 /* UTC, YYYY-MM-DDTHH:MM:SSZ */
    "  hash INTEGER NOT NULL,"              /* FNV-1a of json, whitespace between tokens ignored */
    "  source TEXT,"
    "  json TEXT NOT NULL,"                 /* verbatim */
    "  UNIQUE(notice_id, rid));"
    /* No indexes on deadline, value or dates: filters and sorts are served by
     * the search index, and each random-keyed index made every batch rewrite
     * hundreds of scattered pages into the WAL (measured: most of the bytes). */
    "CREATE INDEX notice_buyer ON notice(buyer_id);"
    "CREATE TABLE notice_cpv("
    "  notice_id INTEGER NOT NULL REFERENCES notice(id) ON DELETE CASCADE,"
    "  code TEXT NOT NULL, kind INTEGER NOT NULL,"
    "  PRIMARY KEY(notice_id, code)) WITHOUT ROWID;"
    "CREATE INDEX notice_cpv_code ON notice_cpv(code, notice_id);"
    "CREATE TABLE notice_region("
    "  notice_id INTEGER NOT NULL REFERENCES notice(id) ON DELETE CASCADE,"
    "  region TEXT NOT NULL,"
    "  PRIMARY KEY(notice_id, region)) WITHOUT ROWID;"
    "CREATE INDEX notice_region_region ON notice_region(region, notice_id);"
    "CREATE TABLE award("
    "  id INTEGER PRIMARY KEY,"
    "  notice_id INTEGER NOT NULL REFERENCES notice(id) ON DELETE CASCADE,"
    "  award_id TEXT, title TEXT, status TEXT, date TEXT, date_published TEXT,"
    "  value REAL, currency TEXT, contract_start TEXT, contract_end TEXT);"
    "CREATE INDEX award_notice ON award(notice_id);"
    "CREATE TABLE award_supplier("
    "  award_id INTEGER NOT NULL REFERENCES award(id) ON DELETE CASCADE,"
    "  org_id INTEGER NOT NULL REFERENCES org(id),"
    "  pos INTEGER NOT NULL,"
    "  PRIMARY KEY(award_id, org_id)) WITHOUT ROWID;"
    "CREATE INDEX award_supplier_org ON award_supplier(org_id);"
    "CREATE TABLE contract("
    "  id INTEGER PRIMARY KEY,"
    "  notice_id INTEGER NOT NULL REFERENCES notice(id) ON DELETE CASCADE,"
    "  contract_id TEXT, award_id TEXT, title TEXT, status TEXT,"
    "  value REAL, currency TEXT, start TEXT, end TEXT, date_signed TEXT);"
    "CREATE INDEX contract_notice ON contract(notice_id);"
    "CREATE TABLE cpv(code TEXT PRIMARY KEY, label TEXT NOT NULL) WITHOUT ROWID;"
    "CREATE VIRTUAL TABLE notice_fts USING fts5("
    "  title, description, buyer_name, cpv_text,"
    "  content='notice', content_rowid='id',"
    "  tokenize='unicode61 remove_diacritics 2');"
    /* Segments merge 8 at a time instead of 4: each posting is rewritten about
     * half as often during bulk loads, for a few more segments to read. */
    "INSERT INTO notice_fts(notice_fts, rank) VALUES('automerge', 8);"
    "INSERT INTO notice_fts(notice_fts, rank) VALUES('pgsz', 8000);",
    /* 2: the change feed (store_index_changes) finds the notices changed
     * after a sequence number without reading them all */
    "CREATE INDEX notice_last_seq ON notice(last_seq);",
    /* 3: a notice's documents and release history, derived when it is
     * stored, so that no page reads or merges releases to show them */
    "CREATE TABLE notice_document("
    "  notice_id INTEGER NOT NULL REFERENCES notice(id) ON DELETE CASCADE,"
    "  pos INTEGER NOT NULL, title TEXT, url TEXT NOT NULL, type TEXT, date TEXT,"
    "  PRIMARY KEY(notice_id, pos)) WITHOUT ROWID;"
    "CREATE TABLE notice_history("
    "  notice_id INTEGER NOT NULL REFERENCES notice(id) ON DELETE CASCADE,"
    "  pos INTEGER NOT NULL, release_id TEXT, date TEXT, tags TEXT,"
    "  PRIMARY KEY(notice_id, pos)) WITHOUT ROWID;",
    /* 4: the store's secrets (store_secret): the key that signs cursors */
    ("CREATE TABLE secret(name TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;"
     "INSERT INTO secret(name, value) VALUES('cursor', randomblob(32));"), /* () for clang: one element */
    /* 5: the compiled release of a notice with many releases, which one more
     * merges onto (ingest/apply.c) */
    "CREATE TABLE notice_compiled("
    "  notice_id INTEGER PRIMARY KEY REFERENCES notice(id) ON DELETE CASCADE,"
    "  json TEXT NOT NULL);",
    /* 6: each release's data notes (ocds/release.h) with its history row;
     * releases stored before were refused a note's defect, so they have none */
    "ALTER TABLE notice_history ADD COLUMN notes TEXT;",
    /* 7: where a procurement stands and how to take part (ocds/derive_uk.c):
     * its stage, reserved participation and the details its page shows; a
     * notice stored before has none until `powerhouse ingest --rederive` */
    "CREATE TABLE notice_detail("
    "  notice_id INTEGER PRIMARY KEY REFERENCES notice(id) ON DELETE CASCADE,"
    "  stage TEXT, reserved TEXT, reserved_location TEXT, details TEXT);",
    /* 8: the full-text index with the store's own tokenizer (sqlite_fts.c):
     * base/token.h's words, stemmed, as the in-memory index and PostgreSQL
     * hold them; rebuilt from the notices */
    "DROP TABLE notice_fts;"
    "CREATE VIRTUAL TABLE notice_fts USING fts5("
    "  title, description, buyer_name, cpv_text,"
    "  content='notice', content_rowid='id',"
    "  tokenize='" STORE_SQLITE_TOKENIZER "');"
    "INSERT INTO notice_fts(notice_fts, rank) VALUES('automerge', 8);"
    "INSERT INTO notice_fts(notice_fts, rank) VALUES('pgsz', 8000);"
    "INSERT INTO notice_fts(notice_fts) VALUES('rebuild');",
    /* 9: lots' and items' text, searched as part of the description: the
     * full-text index reads a view that joins them on (SEARCH_SQL_DESCRIPTION);
     * a notice stored before has none until `powerhouse ingest --rederive` */
    "ALTER TABLE notice_detail ADD COLUMN lots_text TEXT;"
    "CREATE VIEW notice_search AS SELECT n.id AS id, n.title AS title, " SEARCH_SQL_DESCRIPTION " AS description,"
    "  n.buyer_name AS buyer_name, n.cpv_text AS cpv_text FROM notice n;"
    "DROP TABLE notice_fts;"
    "CREATE VIRTUAL TABLE notice_fts USING fts5("
    "  title, description, buyer_name, cpv_text,"
    "  content='notice_search', content_rowid='id',"
    "  tokenize='" STORE_SQLITE_TOKENIZER "');"
    "INSERT INTO notice_fts(notice_fts, rank) VALUES('automerge', 8);"
    "INSERT INTO notice_fts(notice_fts, rank) VALUES('pgsz', 8000);"
    "INSERT INTO notice_fts(notice_fts) VALUES('rebuild');",
    /* 10: accounts (store/accounts.h) and the mail outbox (store/outbox.h):
     * people, their sessions and emailed tokens (hashes only, never a token),
     * organisations with members and invitations, API tokens, the audit log,
     * throttling events, and the key CSRF tokens are made with */
    "CREATE TABLE account("
    "  id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT NOT NULL, password_hash TEXT,"
    "  created_at INTEGER NOT NULL, verified_at INTEGER, disabled_at INTEGER, site_admin integer NOT NULL DEFAULT 0);"
    "CREATE TABLE session("
    "  id INTEGER PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE,"
    "  account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,"
    "  created_at INTEGER NOT NULL, seen_at INTEGER NOT NULL, client TEXT);"
    "CREATE INDEX session_account ON session(account_id);"
    "CREATE TABLE account_token("
    "  token_hash TEXT PRIMARY KEY, account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,"
    "  purpose TEXT NOT NULL, data TEXT, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, used_at INTEGER);"
    "CREATE INDEX account_token_account ON account_token(account_id, purpose);"
    "CREATE TABLE organisation("
    "  id INTEGER PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, sector TEXT, buyer_type TEXT,"
    "  ch_number TEXT, ppon TEXT, website TEXT, status TEXT NOT NULL, evidence TEXT,"
    "  created_at INTEGER NOT NULL, created_by INTEGER, decided_at INTEGER, decided_by INTEGER, decision_note TEXT,"
    "  claim_org_id INTEGER, claim_status TEXT, claim_evidence TEXT);"
    "CREATE INDEX organisation_status ON organisation(status);"
    "CREATE TABLE membership("
    "  org_id INTEGER NOT NULL REFERENCES organisation(id) ON DELETE CASCADE,"
    "  account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,"
    "  role TEXT NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY(org_id, account_id));"
    "CREATE INDEX membership_account ON membership(account_id);"
    "CREATE TABLE invitation("
    "  id INTEGER PRIMARY KEY, org_id INTEGER NOT NULL REFERENCES organisation(id) ON DELETE CASCADE,"
    "  email TEXT NOT NULL, role TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE, invited_by INTEGER,"
    "  created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, accepted_at INTEGER, accepted_by INTEGER, revoked_at INTEGER);"
    "CREATE INDEX invitation_org ON invitation(org_id);"
    "CREATE TABLE api_token("
    "  id INTEGER PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE,"
    "  account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,"
    "  org_id INTEGER NOT NULL REFERENCES organisation(id) ON DELETE CASCADE,"
    "  role TEXT NOT NULL, name TEXT NOT NULL, created_at INTEGER NOT NULL, last_used_at INTEGER, revoked_at INTEGER);"
    "CREATE INDEX api_token_account ON api_token(account_id);"
    "CREATE TABLE audit("
    "  id INTEGER PRIMARY KEY, at INTEGER NOT NULL, actor_id INTEGER, actor TEXT, org_id INTEGER, client TEXT,"
    "  action TEXT NOT NULL, subject TEXT, before TEXT, after TEXT);"
    "CREATE INDEX audit_org ON audit(org_id, id);"
    "CREATE TABLE throttle(key TEXT NOT NULL, at INTEGER NOT NULL);"
    "CREATE INDEX throttle_key ON throttle(key, at);"
    "CREATE TABLE outbox("
    "  id INTEGER PRIMARY KEY, recipient TEXT NOT NULL, subject TEXT NOT NULL, text TEXT NOT NULL, html TEXT,"
    "  created_at INTEGER NOT NULL, attempts integer NOT NULL DEFAULT 0, next_at INTEGER NOT NULL,"
    "  sent_at INTEGER, last_error TEXT);"
    "CREATE INDEX outbox_due ON outbox(next_at) WHERE sent_at IS NULL;"
    "INSERT INTO secret(name, value) VALUES('csrf', randomblob(32));",
    /* 11: who buys (public or private sector) and whether the notice is a
     * sub-contracting opportunity, with its parent's ocid (ocds/derive.c).
     * Only notices posted on the portal carry either mark: every notice
     * stored before is public and no sub-contract, which the defaults say
     * (and a notice without a detail row reads as), so none needs deriving
     * again. */
    "ALTER TABLE notice_detail ADD COLUMN sector TEXT NOT NULL DEFAULT 'public';"
    "ALTER TABLE notice_detail ADD COLUMN subcontract INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE notice_detail ADD COLUMN parent_ocid TEXT;",
    /* 12: notices posted on the portal (store/postings.h): the posting, the
     * questions asked of it (who asked stays here), the suppliers that
     * registered interest, the documents uploaded for it */
    "CREATE TABLE posting("
    "  id INTEGER PRIMARY KEY, org_id INTEGER NOT NULL REFERENCES organisation(id),"
    "  ocid TEXT UNIQUE, stage TEXT NOT NULL, status TEXT NOT NULL, title TEXT NOT NULL, body TEXT NOT NULL,"
    "  releases INTEGER NOT NULL DEFAULT 0, last_release_at INTEGER NOT NULL DEFAULT 0,"
    "  amendments INTEGER NOT NULL DEFAULT 0, awards INTEGER NOT NULL DEFAULT 0,"
    "  contracts INTEGER NOT NULL DEFAULT 0, answers INTEGER NOT NULL DEFAULT 0,"
    "  created_by INTEGER, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, published_at INTEGER);"
    "CREATE INDEX posting_org ON posting(org_id, updated_at);"
    "CREATE TABLE question("
    "  id INTEGER PRIMARY KEY, posting_id INTEGER NOT NULL REFERENCES posting(id) ON DELETE CASCADE,"
    "  asker_account INTEGER REFERENCES account(id) ON DELETE SET NULL,"
    "  asker_org INTEGER REFERENCES organisation(id) ON DELETE SET NULL,"
    "  question TEXT NOT NULL, public_question TEXT, answer TEXT, number INTEGER,"
    "  asked_at INTEGER NOT NULL, answered_at INTEGER);"
    "CREATE INDEX question_posting ON question(posting_id, asked_at);"
    "CREATE TABLE interest("
    "  posting_id INTEGER NOT NULL REFERENCES posting(id) ON DELETE CASCADE,"
    "  org_id INTEGER NOT NULL REFERENCES organisation(id) ON DELETE CASCADE,"
    "  account_id INTEGER REFERENCES account(id) ON DELETE SET NULL, at INTEGER NOT NULL,"
    "  PRIMARY KEY(posting_id, org_id));"
    "CREATE TABLE document("
    "  id INTEGER PRIMARY KEY, posting_id INTEGER NOT NULL REFERENCES posting(id) ON DELETE CASCADE,"
    "  name TEXT NOT NULL, mime TEXT NOT NULL, sha256 TEXT NOT NULL, size INTEGER NOT NULL,"
    "  uploaded_by INTEGER, uploaded_at INTEGER NOT NULL, replaces INTEGER, replaced_at INTEGER);"
    "CREATE INDEX document_posting ON document(posting_id);",
    /* 13: a supplier's size and region, shown to the buyers whose notices it follows */
    "ALTER TABLE organisation ADD COLUMN size TEXT;"
    "ALTER TABLE organisation ADD COLUMN region TEXT;",
};
#define N_MIGRATIONS (int)(sizeof migrations / sizeof *migrations)

/* ---- statements -------------------------------------------------------------- */

#define NOTICE_COLS                                                                          \
  "title, description, status, tender_status, buyer_id, buyer_name, buyer_party_id, value, " \
  "value_min, currency, deadline, published, updated, contract_start, contract_end, method, " \
  "method_details, category, sme, vcse, publisher, url, cpv_text, release_count, last_seq"

const char *const store_sqlite_sql[Q_COUNT] = {
    [Q_NOTICE_ID] = "SELECT id FROM notice WHERE ocid = ?1",
    [Q_NOTICE_STUB] = "INSERT INTO notice(ocid, status, release_count, last_seq) VALUES(?1, 'planned', 0, 0)",
    [Q_REL_INSERT] = "INSERT INTO release(notice_id, rid, date, hash, source, json) VALUES(?1, ?2, ?3, ?4, ?5, ?6)"
                     " ON CONFLICT(notice_id, rid) DO NOTHING",
    [Q_REL_HASH] = "SELECT hash, date, seq FROM release WHERE notice_id = ?1 AND rid = ?2",
    [Q_REL_DELETE] = "DELETE FROM release WHERE seq = ?1",
    [Q_REL_GET] = "SELECT r.json FROM notice n JOIN release r ON r.notice_id = n.id WHERE n.ocid = ?1 AND r.rid = ?2",
    [Q_REL_EACH] = "SELECT r.rid, r.date, r.json FROM notice n JOIN release r ON r.notice_id = n.id WHERE n.ocid = ?1"
                   " ORDER BY r.date, r.seq",
    [Q_REL_COUNT] = "SELECT count(*), max(seq) FROM release WHERE notice_id = ?1",
    [Q_NOTICE_EXISTS] = "SELECT 1 FROM notice WHERE ocid = ?1 AND release_count > 0",
    [Q_CHILD_DEL_DETAIL] = "DELETE FROM notice_detail WHERE notice_id = ?1",
    [Q_DETAIL_INSERT] = "INSERT INTO notice_detail(notice_id, stage, reserved, reserved_location, details, lots_text,"
                        " sector, subcontract, parent_ocid) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    [Q_NOTICE_GET_DETAIL] = "SELECT stage, reserved, reserved_location, details, sector, subcontract, parent_ocid"
                            " FROM notice_detail WHERE notice_id = ?1",
    [Q_NOTES_COUNT] = "SELECT count(*) FROM notice_history WHERE notes IS NOT NULL AND instr(notes, ?1) > 0",
    [Q_NOTICE_OLD] = "SELECT id, title, " SEARCH_SQL_DESCRIPTION ", buyer_name, cpv_text, release_count FROM notice n"
                     " WHERE ocid = ?1",
    [Q_NOTICE_INSERT] = "INSERT INTO notice(ocid, " NOTICE_COLS ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
                        " ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26)",
    [Q_NOTICE_UPDATE] = "UPDATE notice SET (" NOTICE_COLS ") = (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
                        " ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26)"
                        " WHERE id = ?27",
    [Q_FTS_DELETE] = "INSERT INTO notice_fts(notice_fts, rowid, title, description, buyer_name, cpv_text)"
                     " VALUES('delete', ?1, ?2, ?3, ?4, ?5)",
    [Q_FTS_INSERT] = "INSERT INTO notice_fts(rowid, title, description, buyer_name, cpv_text) VALUES(?1, ?2, ?3, ?4, ?5)",
    [Q_CHILD_DEL_CPV] = "DELETE FROM notice_cpv WHERE notice_id = ?1",
    [Q_CHILD_DEL_REGION] = "DELETE FROM notice_region WHERE notice_id = ?1",
    [Q_CHILD_DEL_AWARD] = "DELETE FROM award WHERE notice_id = ?1",
    [Q_CHILD_DEL_CONTRACT] = "DELETE FROM contract WHERE notice_id = ?1",
    [Q_CHILD_DEL_DOCUMENT] = "DELETE FROM notice_document WHERE notice_id = ?1",
    [Q_CHILD_DEL_HISTORY] = "DELETE FROM notice_history WHERE notice_id = ?1",
    [Q_DOCUMENT_INSERT] = "INSERT INTO notice_document(notice_id, pos, title, url, type, date)"
                          " VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
    [Q_HISTORY_INSERT] = "INSERT INTO notice_history(notice_id, pos, release_id, date, tags, notes) VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
    [Q_NOTICE_GET_DOCUMENT] = "SELECT title, url, type, date FROM notice_document WHERE notice_id = ?1 ORDER BY pos",
    [Q_NOTICE_GET_HISTORY] = "SELECT release_id, date, tags, notes FROM notice_history WHERE notice_id = ?1 ORDER BY pos",
    [Q_COMPILED_PUT] = "INSERT INTO notice_compiled(notice_id, json) VALUES(?1, ?2)"
                       " ON CONFLICT(notice_id) DO UPDATE SET json = excluded.json",
    [Q_COMPILED_DEL] = "DELETE FROM notice_compiled WHERE notice_id = ?1",
    [Q_COMPILED_GET] = "SELECT n.id, c.json FROM notice n JOIN notice_compiled c ON c.notice_id = n.id WHERE n.ocid = ?1",
    [Q_CPV_INSERT] = "INSERT INTO notice_cpv(notice_id, code, kind) VALUES(?1, ?2, ?3) ON CONFLICT DO NOTHING",
    [Q_REGION_INSERT] = "INSERT INTO notice_region(notice_id, region) VALUES(?1, ?2) ON CONFLICT DO NOTHING",
    [Q_AWARD_INSERT] = "INSERT INTO award(notice_id, award_id, title, status, date, date_published, value, currency,"
                       " contract_start, contract_end) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    [Q_AWARD_SUPPLIER_INSERT] = "INSERT INTO award_supplier(award_id, org_id, pos) VALUES(?1, ?2, ?3) ON CONFLICT DO NOTHING",
    [Q_CONTRACT_INSERT] = "INSERT INTO contract(notice_id, contract_id, award_id, title, status, value, currency, start,"
                          " end, date_signed) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    [Q_ORG_UPSERT] = "INSERT INTO org(key, name, scheme, identifier, postcode, locality, region, country, scale, vcse)"
                     " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
                     " ON CONFLICT(key) DO UPDATE SET name = coalesce(excluded.name, name),"
                     " postcode = coalesce(excluded.postcode, postcode), locality = coalesce(excluded.locality, locality),"
                     " region = coalesce(excluded.region, region), country = coalesce(excluded.country, country),"
                     " scale = coalesce(excluded.scale, scale), vcse = coalesce(excluded.vcse, vcse)"
                     " RETURNING id",
    [Q_NOTICE_GET] = "SELECT n.id, n.title, n.description, n.status, n.tender_status, n.value, n.value_min, n.currency,"
                     " n.deadline, n.published, n.updated, n.contract_start, n.contract_end, n.method, n.method_details,"
                     " n.category, n.sme, n.vcse, n.publisher, n.url, n.buyer_party_id, o.name, o.scheme, o.identifier,"
                     " o.postcode, o.locality, o.region, o.country, o.scale, o.vcse, n.buyer_id"
                     " FROM notice n LEFT JOIN org o ON o.id = n.buyer_id WHERE n.ocid = ?1 AND n.release_count > 0",
    [Q_NOTICE_GET_CPV] = "SELECT c.code, c.kind, l.label FROM notice_cpv c LEFT JOIN cpv l ON l.code = c.code"
                         " WHERE c.notice_id = ?1 ORDER BY c.kind, c.code",
    [Q_NOTICE_GET_REGION] = "SELECT region FROM notice_region WHERE notice_id = ?1 ORDER BY region",
    [Q_NOTICE_GET_AWARD] = "SELECT id, award_id, title, status, date, date_published, value, currency, contract_start,"
                           " contract_end FROM award WHERE notice_id = ?1 ORDER BY id",
    [Q_NOTICE_GET_SUPPLIER] = "SELECT o.name, o.scheme, o.identifier, o.postcode, o.locality, o.region, o.country,"
                              " o.scale, o.vcse FROM award_supplier s JOIN org o ON o.id = s.org_id"
                              " WHERE s.award_id = ?1 ORDER BY s.pos",
    [Q_NOTICE_GET_CONTRACT] = "SELECT contract_id, award_id, title, status, value, currency, start, end, date_signed"
                              " FROM contract WHERE notice_id = ?1 ORDER BY id",
    [Q_NOTICE_TEXT] = "SELECT title, " SEARCH_SQL_DESCRIPTION ", buyer_name, cpv_text, currency FROM notice n WHERE id = ?1",
    [Q_FTS_SEARCH] = "SELECT n.ocid, n.title FROM notice_fts f JOIN notice n ON n.id = f.rowid"
                     " WHERE notice_fts MATCH ?1 ORDER BY rank LIMIT ?2",
};

static void fts_clear(Sqlite *s) {
  for (size_t i = 0; i < s->n_fts; i++)
    for (int k = 0; k < 4; k++) free(s->fts[i].text[k]);
  s->n_fts = 0;
}

/* The background checkpointer: wakes after each commit. A checkpoint cannot
 * copy frames newer than the oldest reader's snapshot, so while a long read
 * runs (an index build, a large download) it makes no progress: it then backs
 * off, waiting CK_BACKOFF_MIN_MS doubling to CK_BACKOFF_MAX_MS between
 * attempts, instead of trying again at once (which spun a core). A writer that
 * wants the log rewound waits at most CK_WRITER_WAIT_MS, then goes on (the log
 * grows until the reader is done; the next commit tries again). */
int store_sqlite_wal_limit_frames = 8192; /* 64 MB of 8 KB pages */
#define CK_BACKOFF_MIN_MS 10
#define CK_BACKOFF_MAX_MS 1000
#define CK_WRITER_WAIT_MS 200

/* abs = now + ms on the clock the condition variable uses (CLOCK_MONOTONIC). */
static void deadline_in(struct timespec *abs, int ms) {
  clock_gettime(CLOCK_MONOTONIC, abs);
  abs->tv_sec += ms / 1000;
  abs->tv_nsec += (long)(ms % 1000) * 1000000L;
  if (abs->tv_nsec >= 1000000000L) {
    abs->tv_sec++;
    abs->tv_nsec -= 1000000000L;
  }
}

static void *checkpointer_main(void *arg) {
  Checkpointer *c = arg;
  int last_done = -1;
  pthread_mutex_lock(&c->mu);
  for (;;) {
    while (!c->pending && !c->stop) pthread_cond_wait(&c->cv, &c->mu);
    if (c->stop) break;
    if (c->backoff_ms) { /* the last attempt made no progress: a reader holds the log */
      struct timespec until;
      deadline_in(&until, c->backoff_ms);
      while (!c->stop && pthread_cond_timedwait(&c->cv, &c->mu, &until) == 0) {
      }
      if (c->stop) break;
    }
    c->pending = 0;
    pthread_mutex_unlock(&c->mu);
    int nlog = 0, ndone = 0;
    int rc = sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &nlog, &ndone);
    pthread_mutex_lock(&c->mu);
    c->attempts++;
    c->log = nlog;
    int complete = rc == SQLITE_OK && ndone >= nlog;
    if (complete) {
      c->backoff_ms = 0;
      last_done = -1;
    } else if (rc == SQLITE_OK && ndone > last_done) { /* progress: try again soon */
      c->backoff_ms = 0;
      last_done = ndone;
    } else { /* none: a reader's snapshot holds the rest of the log */
      c->stalls++;
      c->backoff_ms = c->backoff_ms ? 2 * c->backoff_ms : CK_BACKOFF_MIN_MS;
      if (c->backoff_ms > CK_BACKOFF_MAX_MS) c->backoff_ms = CK_BACKOFF_MAX_MS;
    }
    if (c->want_full) {
      if (complete) {
        c->want_full = 0;
        pthread_cond_broadcast(&c->cv);
      } else {
        c->pending = 1; /* again, after the back-off */
      }
    }
  }
  pthread_mutex_unlock(&c->mu);
  return NULL;
}

/* Starts the checkpointer; on any failure SQLite's own autocheckpoint stays on. */
static void checkpointer_start(Sqlite *s) {
  Checkpointer *c = &s->ck;
  if (sqlite3_open_v2(s->path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
    sqlite3_close(c->db);
    c->db = NULL;
    return;
  }
  sqlite3_busy_timeout(c->db, 1000);
  /* A connection opens the WAL on its first read; until then a checkpoint
   * through it does nothing at all. */
  if (sqlite3_exec(c->db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL) != SQLITE_OK) {
    sqlite3_close(c->db);
    c->db = NULL;
    return;
  }
  pthread_mutex_init(&c->mu, NULL);
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&c->cv, &ca);
  pthread_condattr_destroy(&ca);
  if (pthread_create(&c->th, NULL, checkpointer_main, c) != 0) {
    sqlite3_close(c->db);
    c->db = NULL;
    return;
  }
  c->started = 1;
  sqlite3_wal_autocheckpoint(s->db, 0);
}

static void checkpointer_kick(Sqlite *s) {
  Checkpointer *c = &s->ck;
  if (!c->started) return;
  pthread_mutex_lock(&c->mu);
  c->pending = 1;
  pthread_cond_broadcast(&c->cv);
  pthread_mutex_unlock(&c->mu);
}

/* Before a write transaction: when the log is long, wait (at most
 * CK_WRITER_WAIT_MS) for a complete checkpoint so this transaction rewinds
 * the log. */
static void checkpointer_wait(Sqlite *s) {
  Checkpointer *c = &s->ck;
  if (!c->started) return;
  pthread_mutex_lock(&c->mu);
  if (c->log >= store_sqlite_wal_limit_frames) {
    c->want_full = 1;
    c->pending = 1;
    pthread_cond_broadcast(&c->cv);
    struct timespec until;
    deadline_in(&until, CK_WRITER_WAIT_MS);
    while (c->want_full && !c->stop)
      if (pthread_cond_timedwait(&c->cv, &c->mu, &until) != 0) break;
    if (!c->want_full) c->log = 0;
  }
  pthread_mutex_unlock(&c->mu);
}

static void checkpointer_stop(Sqlite *s) {
  Checkpointer *c = &s->ck;
  if (!c->started) return;
  pthread_mutex_lock(&c->mu);
  c->stop = 1;
  pthread_cond_broadcast(&c->cv);
  pthread_mutex_unlock(&c->mu);
  pthread_join(c->th, NULL);
  sqlite3_close(c->db);
  pthread_cond_destroy(&c->cv);
  pthread_mutex_destroy(&c->mu);
  c->started = 0;
}

/* ---- open / migrate ------------------------------------------------------------ */

static int exec(Sqlite *s, const char *text, Err *err) {
  char *msg = NULL;
  if (sqlite3_exec(s->db, text, NULL, NULL, &msg) != SQLITE_OK) {
    err_set(err, ERR_DB, "%s (database %s)", msg ? msg : sqlite3_errmsg(s->db), s->path);
    sqlite3_free(msg);
    return ERR_DB;
  }
  return 0;
}

static int fill_cpv(Sqlite *s, Err *err) {
  sqlite3_stmt *q = NULL;
  if (sqlite3_prepare_v2(s->db, "INSERT INTO cpv(code, label) VALUES(?1, ?2)", -1, &q, NULL) != SQLITE_OK)
    return db_err(s, err, "cannot fill the CPV table");
  for (size_t i = 0; i < cpv_table_len; i++) {
    sqlite3_bind_text(q, 1, cpv_table[i].code, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, cpv_table[i].label, -1, SQLITE_STATIC);
    if (sqlite3_step(q) != SQLITE_DONE) {
      sqlite3_finalize(q);
      return db_err(s, err, "cannot fill the CPV table");
    }
    sqlite3_reset(q);
  }
  sqlite3_finalize(q);
  return 0;
}

static int migrate(Sqlite *s, Err *err) {
  sqlite3_stmt *q = NULL;
  int version = 0;
  if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &q, NULL) != SQLITE_OK) return db_err(s, err, "cannot read the schema version");
  if (sqlite3_step(q) == SQLITE_ROW) version = sqlite3_column_int(q, 0);
  sqlite3_finalize(q);
  if (version > N_MIGRATIONS)
    return err_set(err, ERR_DB, "database %s has schema version %d, newer than this program knows (%d): upgrade powerhouse",
                   s->path, version, N_MIGRATIONS);
  for (int v = version; v < N_MIGRATIONS; v++) {
    char pragma[64];
    snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
    if (exec(s, "BEGIN IMMEDIATE", err)) return ERR_DB;
    if (exec(s, migrations[v], err) || (v == 0 && fill_cpv(s, err)) || exec(s, pragma, err)) {
      err_prefix(err, "schema migration %d failed: ", v + 1);
      exec(s, "ROLLBACK", NULL);
      return ERR_DB;
    }
    if (exec(s, "COMMIT", err)) return ERR_DB;
  }
  return 0;
}

static void sqlite_close(void *impl) {
  Sqlite *s = impl;
  if (!s) return;
  checkpointer_stop(s);
  for (int i = 0; i < Q_COUNT; i++) sqlite3_finalize(s->q[i]);
  store_sqlite_sql_close(s);
  fts_clear(s);
  free(s->fts);
  org_cache_release(&s->orgs);
  forget_last_notice(s);
  sqlite3_close(s->db);
  free(s->path);
  free(s);
}

/* Creates the database's folder (one level, e.g. var/) when it is missing. */
static void make_parent(const char *path) {
  const char *slash = strrchr(path, '/');
  if (!slash || slash == path) return;
  char *dir = xstrndup(path, (size_t)(slash - path));
  struct stat sb;
  if (stat(dir, &sb) != 0) mkdir(dir, 0755);
  free(dir);
}

/* SQLite's allocation statistics take a global mutex on every allocation
 * (measured at 4% of the ingest writer); nothing here reads them. */
static void sqlite_configure(void) {
  sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  sqlite3_initialize();
}

int store_sqlite_open(const char *path, int flags, void **impl, Err *err) {
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, sqlite_configure);
  Sqlite *s = xcalloc(1, sizeof *s);
  s->path = xstrdup(path);
  if (!(flags & STORE_READONLY)) make_parent(path);
  int oflags = (flags & STORE_READONLY) ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  if (sqlite3_open_v2(path, &s->db, oflags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
    err_set(err, ERR_DB, "cannot open database %s: %s", path, s->db ? sqlite3_errmsg(s->db) : "out of memory");
    goto fail;
  }
  sqlite3_busy_timeout(s->db, 10000);
  sqlite3_extended_result_codes(s->db, 1);
  /* before anything reads or writes notice_fts, migrations included */
  if (store_sqlite_fts_register(s->db) != SQLITE_OK) {
    err_set(err, ERR_DB, "cannot register the full-text tokenizer on database %s: %s", path, sqlite3_errmsg(s->db));
    goto fail;
  }
  if (!(flags & STORE_READONLY) &&
      exec(s, "PRAGMA page_size = 8192; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;", err))
    goto fail;
  if (exec(s, "PRAGMA foreign_keys = ON; PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;", err)) goto fail;
  /* Readers (serve, export) map the file: page reads without a copy per page
   * (searches that visit many notice rows were mostly kernel copies). Writers
   * do not, so the ingest's resident memory stays bounded. */
  if ((flags & STORE_READONLY) && exec(s, "PRAGMA mmap_size = 4294967296;", err)) goto fail;
  if (!(flags & STORE_READONLY) && migrate(s, err)) goto fail;
  if (!(flags & STORE_READONLY)) checkpointer_start(s);
  *impl = s;
  return 0;
fail:
  sqlite_close(s);
  *impl = NULL;
  return ERR_DB;
}

/* ---- transactions ------------------------------------------------------------- */

static int sqlite_read_begin(void *impl, Err *err) {
  Sqlite *s = impl;
  if (s->in_txn || s->in_read) return 0;
  if (exec(s, "BEGIN", err)) return ERR_DB;
  s->in_read = 1;
  return 0;
}

static void sqlite_read_end(void *impl) {
  Sqlite *s = impl;
  if (!s->in_read) return;
  exec(s, "COMMIT", NULL);
  s->in_read = 0;
}

static int sqlite_begin(void *impl, Err *err) {
  Sqlite *s = impl;
  sqlite_read_end(s); /* a write ends a read snapshot of the same connection */
  checkpointer_wait(s);
  if (exec(s, "BEGIN IMMEDIATE", err)) return ERR_DB;
  s->in_txn = 1;
  return 0;
}

static int fts_apply(Sqlite *s, Err *err) {
  for (size_t i = 0; i < s->n_fts; i++) {
    FtsOp *op = &s->fts[i];
    sqlite3_stmt *q = stmt(s, op->del ? Q_FTS_DELETE : Q_FTS_INSERT, err);
    if (!q) return ERR_DB;
    sqlite3_bind_int64(q, 1, op->rowid);
    for (int k = 0; k < 4; k++) bind_text(q, k + 2, op->text[k]);
    if (step_done(s, q, err, "cannot update the full-text index")) return ERR_DB;
  }
  fts_clear(s);
  return 0;
}

static int sqlite_commit(void *impl, Err *err) {
  Sqlite *s = impl;
  int rc = fts_apply(s, err);
  if (rc) {
    fts_clear(s);
    org_cache_clear(&s->orgs);
    forget_last_notice(s);
    exec(s, "ROLLBACK", NULL);
    s->in_txn = 0;
    return rc;
  }
  rc = exec(s, "COMMIT", err);
  if (rc) {
    exec(s, "ROLLBACK", NULL);
    org_cache_clear(&s->orgs);
    forget_last_notice(s);
  } else {
    checkpointer_kick(s);
  }
  s->in_txn = 0;
  return rc;
}

static void sqlite_rollback(void *impl) {
  Sqlite *s = impl;
  fts_clear(s);
  org_cache_clear(&s->orgs);
  forget_last_notice(s);
  if (s->in_txn) exec(s, "ROLLBACK", NULL);
  s->in_txn = 0;
}

/* ---- read-only summaries ---------------------------------------------------------- */

static int scalar(Sqlite *s, const char *text, int64_t *out, Err *err) {
  sqlite3_stmt *q;
  if (sqlite3_prepare_v2(s->db, text, -1, &q, NULL) != SQLITE_OK) return db_err(s, err, "cannot read statistics");
  *out = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
  sqlite3_finalize(q);
  return 0;
}

static int sqlite_stats(void *impl, StoreStats *o, Err *err) {
  Sqlite *s = impl;
  memset(o, 0, sizeof *o);
  struct {
    const char *q;
    int64_t *v;
  } qs[] = {
      {"SELECT count(*) FROM release", &o->releases},
      {"SELECT coalesce(max(seq), 0) FROM release", &o->last_seq},
      {"SELECT count(*) FROM notice", &o->notices},
      {"SELECT count(DISTINCT notice_id) FROM award", &o->ocids_with_awards},
      {"SELECT count(*) FROM award", &o->awards},
      {"SELECT count(*) FROM org", &o->orgs},
      {"SELECT count(DISTINCT buyer_id) FROM notice", &o->buyers},
      {"SELECT count(DISTINCT org_id) FROM award_supplier", &o->suppliers},
      {"SELECT count(*) FROM notice WHERE status = 'open'", &o->open},
      {"SELECT count(*) FROM notice WHERE status = 'closed'", &o->closed},
      {"SELECT count(*) FROM notice WHERE status = 'awarded'", &o->awarded},
      {"SELECT count(*) FROM notice WHERE status = 'cancelled'", &o->cancelled},
      {"SELECT count(*) FROM notice WHERE status = 'planned'", &o->planned},
  };
  for (size_t i = 0; i < sizeof qs / sizeof *qs; i++)
    if (scalar(s, qs[i].q, qs[i].v, err)) return ERR_DB;
  return 0;
}

struct sqlite3 *store_sqlite_db(void *impl, const char **path) {
  Sqlite *s = impl;
  if (path) *path = s->path;
  return s->db;
}

int store_sqlite_last_seq(void *impl, int64_t *out, Err *err) {
  const char *path;
  sqlite3 *db = store_sqlite_db(impl, &path);
  sqlite3_stmt *st = NULL;
  *out = 0;
  int rc = sqlite3_prepare_v2(db, "SELECT coalesce(max(seq), 0) FROM release", -1, &st, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) *out = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  if (rc != SQLITE_ROW)
    return err_set(err, ERR_DB, "cannot read the change sequence: %s (database %s)", sqlite3_errmsg(db), path);
  return 0;
}

static int sqlite_secret(void *impl, const char *name, unsigned char *out, size_t len, Err *err) {
  const char *path;
  sqlite3 *db = store_sqlite_db(impl, &path);
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(db, "SELECT value FROM secret WHERE name = ?1", -1, &st, NULL);
  if (rc == SQLITE_OK && sqlite3_bind_parameter_count(st) == 1) {
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
  }
  if (rc == SQLITE_ROW && (size_t)sqlite3_column_bytes(st, 0) >= len) {
    memcpy(out, sqlite3_column_blob(st, 0), len);
    sqlite3_finalize(st);
    return 0;
  }
  if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
    sqlite3_finalize(st);
    return err_set(err, ERR_NOTFOUND, "the store has no secret '%s' of %zu bytes", name, len);
  }
  err_set(err, ERR_DB, "cannot read the secret '%s': %s (database %s)", name, sqlite3_errmsg(db), path);
  sqlite3_finalize(st);
  return ERR_DB;
}

const StoreCoreOps store_sqlite_core_ops = {
    .name = "sqlite",
    .begin = sqlite_begin,
    .commit = sqlite_commit,
    .rollback = sqlite_rollback,
    .read_begin = sqlite_read_begin,
    .read_end = sqlite_read_end,
    .last_seq = store_sqlite_last_seq,
    .stats = sqlite_stats,
    .secret = sqlite_secret,
    .close = sqlite_close,
};

void store_sqlite_checkpoint_stats(Store *st, long long *attempts, long long *stalls) {
  *attempts = *stalls = 0;
  if (!st || st->core != &store_sqlite_core_ops) return;
  Checkpointer *c = &((Sqlite *)st->impl)->ck;
  if (!c->started) return;
  pthread_mutex_lock(&c->mu);
  *attempts = c->attempts;
  *stalls = c->stalls;
  pthread_mutex_unlock(&c->mu);
}

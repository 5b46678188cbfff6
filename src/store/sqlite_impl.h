/* sqlite_impl.h -- what the files of the SQLite backend share. sqlite.c owns
 * the connection: open, schema migrations, the statements (prepared once per
 * connection, on first use), transactions, the checkpointer, the change
 * sequence and the counts. Each aggregate has a file of its own:
 * sqlite_notices.c (releases and notices), sqlite_orgs.c, sqlite_feed.c (the
 * index scan and change feed), sqlite_search.c. The small helpers below are
 * static inline so that each file has them without exporting their names.
 * Only the SQLite backend includes this. */
#ifndef STORE_SQLITE_IMPL_H
#define STORE_SQLITE_IMPL_H

#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>

#include "base/buf.h"
#include "store/org_key.h"
#include "store/store_impl.h"

/* ---- statements (their text: store_sqlite_sql in sqlite.c) ---- */

enum {
  Q_NOTICE_ID,
  Q_NOTICE_STUB,
  Q_REL_INSERT,
  Q_REL_HASH,
  Q_REL_DELETE,
  Q_REL_EACH,
  Q_REL_GET,
  Q_REL_COUNT,
  Q_NOTICE_EXISTS,
  Q_NOTES_COUNT,
  Q_CHILD_DEL_DETAIL,
  Q_DETAIL_INSERT,
  Q_NOTICE_GET_DETAIL,
  Q_NOTICE_OLD,
  Q_NOTICE_INSERT,
  Q_NOTICE_UPDATE,
  Q_FTS_DELETE,
  Q_FTS_INSERT,
  Q_CHILD_DEL_CPV,
  Q_CHILD_DEL_REGION,
  Q_CHILD_DEL_AWARD,
  Q_CHILD_DEL_CONTRACT,
  Q_CHILD_DEL_DOCUMENT,
  Q_CHILD_DEL_HISTORY,
  Q_DOCUMENT_INSERT,
  Q_HISTORY_INSERT,
  Q_NOTICE_GET_DOCUMENT,
  Q_NOTICE_GET_HISTORY,
  Q_CPV_INSERT,
  Q_REGION_INSERT,
  Q_AWARD_INSERT,
  Q_AWARD_SUPPLIER_INSERT,
  Q_CONTRACT_INSERT,
  Q_ORG_UPSERT,
  Q_NOTICE_GET,
  Q_NOTICE_GET_CPV,
  Q_NOTICE_GET_REGION,
  Q_NOTICE_GET_AWARD,
  Q_NOTICE_GET_SUPPLIER,
  Q_NOTICE_GET_CONTRACT,
  Q_FTS_SEARCH,
  Q_NOTICE_TEXT,
  Q_COMPILED_PUT,
  Q_COMPILED_DEL,
  Q_COMPILED_GET,
  Q_COUNT
};

extern const char *const store_sqlite_sql[Q_COUNT];

/* ---- the connection ---- */

#define SQLITE_SQL_CACHE 128 /* statements of the runner kept prepared */

/* A queued full-text index write: delete (old text) or insert (new text). */
typedef struct {
  sqlite3_int64 rowid;
  int del;
  char *text[4]; /* title, description, buyer name, CPV text; any may be NULL */
} FtsOp;

typedef struct {
  pthread_t th;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int started, pending, stop;
  int want_full;  /* a writer waits for a complete checkpoint */
  int log;        /* frames in the log at the last checkpoint */
  int backoff_ms; /* wait before the next attempt; 0 after progress */
  long long attempts, stalls; /* checkpoints run; of them, ones that made no progress */
  sqlite3 *db;    /* its own connection */
} Checkpointer;

typedef struct {
  sqlite3 *db;
  char *path;
  sqlite3_stmt *q[Q_COUNT];
  int in_txn;
  int in_read; /* a read snapshot (store_read_begin) is open */
  FtsOp *fts;
  size_t n_fts, cap_fts;
  Checkpointer ck;
  /* Organisations stored by this connection, by everything org_put writes:
   * the same buyer on the next notice needs no statement. Emptied on rollback. */
  OrgCache orgs;
  /* The notice the last release_add used, for the next release of the same ocid. */
  char *last_ocid;
  sqlite3_int64 last_notice;
  /* Statements of the runner (sql.h, sqlite_sql.c), by the address of their text. */
  struct {
    const char *sql;
    sqlite3_stmt *st;
  } sqlc[SQLITE_SQL_CACHE];
  int n_sqlc;
} Sqlite;

/* The connection of the store implementation impl and its file name (for
 * the files that need no more of Sqlite). */
struct sqlite3 *store_sqlite_db(void *impl, const char **path);

/* ---- helpers ---- */

static inline void forget_last_notice(Sqlite *s) {
  free(s->last_ocid);
  s->last_ocid = NULL;
  s->last_notice = 0;
}

static inline void fts_queue(Sqlite *s, sqlite3_int64 rowid, int del, const char *const text[4]) {
  if (s->n_fts == s->cap_fts) s->fts = xrealloc(s->fts, (s->cap_fts = s->cap_fts ? s->cap_fts * 2 : 256) * sizeof *s->fts);
  FtsOp *op = &s->fts[s->n_fts++];
  op->rowid = rowid;
  op->del = del;
  for (int i = 0; i < 4; i++) op->text[i] = text[i] ? xstrdup(text[i]) : NULL;
}

static inline int db_err(Sqlite *s, Err *err, const char *what) {
  return err_set(err, ERR_DB, "%s: %s (database %s)", what, sqlite3_errmsg(s->db), s->path);
}

static inline sqlite3_stmt *stmt(Sqlite *s, int which, Err *err) {
  if (!s->q[which] && sqlite3_prepare_v3(s->db, store_sqlite_sql[which], -1, SQLITE_PREPARE_PERSISTENT, &s->q[which], NULL) != SQLITE_OK) {
    db_err(s, err, "cannot prepare a statement");
    return NULL;
  }
  sqlite3_reset(s->q[which]);
  sqlite3_clear_bindings(s->q[which]);
  return s->q[which];
}

static inline void bind_text(sqlite3_stmt *q, int i, const char *v) {
  if (v) sqlite3_bind_text(q, i, v, -1, SQLITE_STATIC);
  else sqlite3_bind_null(q, i);
}

static inline void bind_flag(sqlite3_stmt *q, int i, Flag f) {
  if (f == FLAG_UNKNOWN) sqlite3_bind_null(q, i);
  else sqlite3_bind_int(q, i, f == FLAG_YES);
}

static inline void bind_money(sqlite3_stmt *q, int i, int has, double v) {
  if (has) sqlite3_bind_double(q, i, v);
  else sqlite3_bind_null(q, i);
}

static inline char *col_dup(sqlite3_stmt *q, int i) {
  const unsigned char *t = sqlite3_column_text(q, i);
  return t ? xstrdup((const char *)t) : NULL;
}

static inline Flag col_flag(sqlite3_stmt *q, int i) {
  if (sqlite3_column_type(q, i) == SQLITE_NULL) return FLAG_UNKNOWN;
  return sqlite3_column_int(q, i) ? FLAG_YES : FLAG_NO;
}

/* Runs a statement expecting no rows. */
static inline int step_done(Sqlite *s, sqlite3_stmt *q, Err *err, const char *what) {
  int rc = sqlite3_step(q);
  sqlite3_reset(q);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) return db_err(s, err, what);
  return 0;
}

/* ---- the operations of each aggregate not defined in its table's file ---- */

/* sqlite.c */
int store_sqlite_last_seq(void *impl, int64_t *out, Err *err);
/* sqlite_search.c */
int store_sqlite_search(void *impl, const Query *q, time_t now, StoreResults *out, Err *err);

/* sqlite_sql.c: the runner's statements, finalized when the connection closes */
void store_sqlite_sql_close(Sqlite *s);

#endif

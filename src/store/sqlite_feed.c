/* sqlite_feed.c -- the bulk reads of the in-memory search index on SQLite
 * (store/feed.h): every notice in row id order, in chunks of
 * store_sqlite_scan_chunk notices each in a read transaction of its own (so
 * that no snapshot is held for the whole scan and the checkpointer can make
 * progress), and the change feed in one snapshot. */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "store/search_sql.h"
#include "store/sqlite_impl.h"

static Flag flag_col(sqlite3_stmt *st, int i) {
  return sqlite3_column_type(st, i) == SQLITE_NULL ? FLAG_UNKNOWN : sqlite3_column_int(st, i) ? FLAG_YES : FLAG_NO;
}

static const char *text_col(sqlite3_stmt *st, int i) { return (const char *)sqlite3_column_text(st, i); }

/* Codes of one notice gathered from a (notice_id, ...) ordered statement. */
typedef struct {
  sqlite3_stmt *st;
  int step;  /* last sqlite3_step result */
  Buf text;  /* the codes, NUL-separated */
  const char **v;
  int *kind;
  size_t n, cap;
} Side;

/* Collects the rows of side s for notice id (the statement is ordered by
 * notice id, so rows for smaller ids were for notices read before: none). */
static int side_collect(Side *s, long long id) {
  buf_reset(&s->text);
  s->n = 0;
  size_t offs[64];
  while (s->step == SQLITE_ROW && sqlite3_column_int64(s->st, 0) <= id) {
    if (sqlite3_column_int64(s->st, 0) == id && s->n < 64) {
      const char *t = text_col(s->st, 1);
      if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 16;
        s->v = xrealloc(s->v, s->cap * sizeof *s->v);
        s->kind = xrealloc(s->kind, s->cap * sizeof *s->kind);
      }
      offs[s->n] = s->text.len;
      s->kind[s->n] = sqlite3_column_count(s->st) > 2 ? sqlite3_column_int(s->st, 2) : 0;
      buf_adds(&s->text, t ? t : "");
      buf_addc(&s->text, 0);
      s->n++;
    }
    s->step = sqlite3_step(s->st);
  }
  for (size_t i = 0; i < s->n; i++) s->v[i] = s->text.data + offs[i];
  /* the main code first: the one with the lowest kind (then code), as the
   * search's hit does; the rest stay in code order */
  size_t best = 0;
  for (size_t i = 1; i < s->n; i++)
    if (s->kind[i] < s->kind[best]) best = i;
  if (best) {
    const char *b = s->v[best];
    memmove(s->v + 1, s->v, best * sizeof *s->v);
    s->v[0] = b;
  }
  return s->step == SQLITE_ROW || s->step == SQLITE_DONE ? 0 : -1;
}

/* Notices read per read transaction: a snapshot held for the whole of a
 * million-notice scan (7 s and more) kept the checkpointer from rewinding the
 * log for as long; a chunk holds one for a fraction of a second. */
int store_sqlite_scan_chunk = 20000;

#define DOC_COLS                                                                                                 \
  "SELECT id, ocid, title, " SEARCH_SQL_DESCRIPTION ", buyer_name, cpv_text, status, deadline, published, buyer_id, "  \
  "value, sme, "                                                                                                 \
  "vcse, last_seq, " SEARCH_SQL_AWARD_DATE ", " SEARCH_SQL_STAGE ", " SEARCH_SQL_RESERVED ", " SEARCH_SQL_SECTOR ", " \
  SEARCH_SQL_SUBCONTRACT " FROM notice n"

/* A notice row of DOC_COLS with its regions and CPV codes as the index needs it. */
static void doc_from_row(sqlite3_stmt *st, const Side *reg, const Side *cpv, StoreIndexDoc *d) {
  memset(d, 0, sizeof *d);
  d->id = sqlite3_column_int64(st, 0);
  d->ocid = text_col(st, 1);
  d->title = text_col(st, 2);
  d->description = text_col(st, 3);
  d->buyer_name = text_col(st, 4);
  d->cpv_text = text_col(st, 5);
  d->status = text_col(st, 6);
  d->deadline = text_col(st, 7);
  d->published = text_col(st, 8);
  d->buyer_id = sqlite3_column_int64(st, 9);
  if ((d->has_value = sqlite3_column_type(st, 10) != SQLITE_NULL)) d->value = sqlite3_column_double(st, 10);
  d->sme = flag_col(st, 11);
  d->vcse = flag_col(st, 12);
  d->seq = sqlite3_column_int64(st, 13);
  d->award_date = text_col(st, 14);
  d->stage = text_col(st, 15);
  d->reserved = text_col(st, 16);
  d->sector = notice_sector_of(text_col(st, 17));
  d->subcontract = sqlite3_column_int(st, 18) != 0;
  d->regions = reg->v;
  d->n_regions = reg->n;
  d->cpv = cpv->v;
  d->n_cpv = cpv->n;
}

static void side_release(Side *s) {
  sqlite3_finalize(s->st);
  buf_release(&s->text);
  free(s->v);
  free(s->kind);
}

int store_sqlite_index_scan(void *impl, long long after_id, long long upto_id, StoreIndexFn fn, void *ctx,
                            int64_t *last_seq, Err *err) {
  const char *path;
  sqlite3 *db = store_sqlite_db(impl, &path);
  sqlite3_stmt *st = NULL, *hi_q = NULL;
  Side reg = {0}, cpv = {0};
  int rc = ERR_DB, in_tx = 0;
  /* the sequence first: whatever the chunks read is at least this new */
  if (store_sqlite_last_seq(impl, last_seq, err)) return ERR_DB;
  if (sqlite3_prepare_v2(db, "SELECT id FROM notice WHERE id > ?1 ORDER BY id LIMIT 1 OFFSET ?2", -1, &hi_q,
                         NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(db, DOC_COLS " WHERE id > ?1 AND id <= ?2 ORDER BY id", -1, &st, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(db,
                         "SELECT notice_id, region FROM notice_region WHERE notice_id > ?1 AND notice_id <= ?2"
                         " ORDER BY notice_id, region",
                         -1, &reg.st, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(db,
                         "SELECT notice_id, code, kind FROM notice_cpv WHERE notice_id > ?1 AND notice_id <= ?2"
                         " ORDER BY notice_id, code",
                         -1, &cpv.st, NULL) != SQLITE_OK)
    goto dberr;
  for (sqlite3_int64 lo = after_id < 0 ? 0 : after_id;;) {
    if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) goto dberr;
    in_tx = 1;
    /* this chunk: ids in (lo, hi] */
    sqlite3_int64 hi = INT64_MAX;
    sqlite3_bind_int64(hi_q, 1, lo);
    sqlite3_bind_int(hi_q, 2, (store_sqlite_scan_chunk > 1 ? store_sqlite_scan_chunk : 1) - 1);
    int step = sqlite3_step(hi_q);
    if (step == SQLITE_ROW) hi = sqlite3_column_int64(hi_q, 0);
    else if (step != SQLITE_DONE) goto dberr;
    if (hi >= upto_id) hi = upto_id;
    sqlite3_reset(hi_q);
    sqlite3_stmt *three[] = {st, reg.st, cpv.st};
    for (int k = 0; k < 3; k++) {
      sqlite3_reset(three[k]);
      sqlite3_bind_int64(three[k], 1, lo);
      sqlite3_bind_int64(three[k], 2, hi);
    }
    reg.step = sqlite3_step(reg.st);
    cpv.step = sqlite3_step(cpv.st);
    sqlite3_int64 last = lo;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
      StoreIndexDoc d;
      last = sqlite3_column_int64(st, 0);
      if (side_collect(&reg, last) || side_collect(&cpv, last)) goto dberr;
      doc_from_row(st, &reg, &cpv, &d);
      if (!d.ocid) continue;
      if ((rc = fn(ctx, &d, err))) goto out;
    }
    if (step != SQLITE_DONE) goto dberr;
    for (int k = 0; k < 3; k++) sqlite3_reset(three[k]);
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    in_tx = 0;
    if (hi == upto_id || last == lo) break;
    lo = hi;
  }
  rc = 0;
  goto out;
dberr:
  rc = err_set(err, ERR_DB, "cannot read the notices for the search index: %s (database %s)", sqlite3_errmsg(db),
               path);
out:
  sqlite3_finalize(st);
  sqlite3_finalize(hi_q);
  side_release(&reg);
  side_release(&cpv);
  if (in_tx) sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
  return rc;
}

/* The notices changed after a sequence number are few (what one poll of a
 * running portal sees): found by the notice_last_seq index, their codes read
 * notice by notice, all in one read transaction. INDEXED BY: without
 * statistics SQLite reads the whole table in row id order rather than sort a
 * few rows found by the index. */
int store_sqlite_index_changes(void *impl, int64_t after_seq, StoreIndexFn fn, void *ctx, int64_t *last_seq, Err *err) {
  const char *path;
  sqlite3 *db = store_sqlite_db(impl, &path);
  sqlite3_stmt *st = NULL;
  Side reg = {0}, cpv = {0};
  int rc = ERR_DB, in_tx = 0;
  if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) goto dberr;
  in_tx = 1;
  if (store_sqlite_last_seq(impl, last_seq, err)) {
    rc = ERR_DB;
    goto out;
  }
  if (sqlite3_prepare_v2(db, DOC_COLS " INDEXED BY notice_last_seq WHERE last_seq > ?1 ORDER BY id", -1, &st, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(db, "SELECT notice_id, region FROM notice_region WHERE notice_id = ?1 ORDER BY region", -1,
                         &reg.st, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(db, "SELECT notice_id, code, kind FROM notice_cpv WHERE notice_id = ?1 ORDER BY code", -1,
                         &cpv.st, NULL) != SQLITE_OK)
    goto dberr;
  sqlite3_bind_int64(st, 1, after_seq);
  int step;
  while ((step = sqlite3_step(st)) == SQLITE_ROW) {
    sqlite3_int64 id = sqlite3_column_int64(st, 0);
    Side *sides[] = {&reg, &cpv};
    for (int k = 0; k < 2; k++) {
      sqlite3_reset(sides[k]->st);
      sqlite3_bind_int64(sides[k]->st, 1, id);
      sides[k]->step = sqlite3_step(sides[k]->st);
      if (side_collect(sides[k], id)) goto dberr;
    }
    StoreIndexDoc d;
    doc_from_row(st, &reg, &cpv, &d);
    if (!d.ocid) continue;
    if ((rc = fn(ctx, &d, err))) goto out;
  }
  if (step != SQLITE_DONE) goto dberr;
  rc = 0;
  goto out;
dberr:
  rc = err_set(err, ERR_DB, "cannot read the changed notices for the search index: %s (database %s)",
               sqlite3_errmsg(db), path);
out:
  sqlite3_finalize(st);
  side_release(&reg);
  side_release(&cpv);
  if (in_tx) sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
  return rc;
}

const StoreFeedOps store_sqlite_feed_ops = {
    .index_scan = store_sqlite_index_scan,
    .index_changes = store_sqlite_index_changes,
};

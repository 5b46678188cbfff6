/* postings.c -- the postings aggregate (store/postings.h): postings,
 * questions and interest, written once over the statement runner
 * (store/sql.h) for both backends. */
#include "store/postings.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "store/sql.h"

static int64_t opt_int(const SqlRow *r, int c) { return sql_null(r, c) ? 0 : sql_int(r, c); }
static SqlArg opt_id(long long id) { return id ? SQL_I(id) : SQL_T(NULL); }
static long long limit_of(size_t max) { return max ? (long long)max : LLONG_MAX; }

/* ---- postings ---- */

#define POSTING_COLS                                                                                                   \
  "p.id, p.org_id, p.ocid, p.stage, p.status, p.title, p.body, p.releases, p.last_release_at, p.amendments, "        \
  "p.awards, p.contracts, p.answers, p.created_by, p.created_at, p.updated_at, p.published_at, o.name"
#define POSTING_FROM " FROM posting p JOIN organisation o ON o.id = p.org_id"

static void read_posting(const SqlRow *r, StorePosting *p) {
  p->id = sql_int(r, 0);
  p->org_id = sql_int(r, 1);
  p->ocid = sql_dup(r, 2);
  p->stage = sql_dup(r, 3);
  p->status = sql_dup(r, 4);
  p->title = sql_dup(r, 5);
  p->body = sql_dup(r, 6);
  p->releases = sql_int(r, 7);
  p->last_release_at = sql_int(r, 8);
  p->amendments = sql_int(r, 9);
  p->awards = sql_int(r, 10);
  p->contracts = sql_int(r, 11);
  p->answers = sql_int(r, 12);
  p->created_by = opt_int(r, 13);
  p->created_at = sql_int(r, 14);
  p->updated_at = sql_int(r, 15);
  p->published_at = opt_int(r, 16);
  p->org_name = sql_dup(r, 17);
}

void store_posting_release(StorePosting *p) {
  char **s[] = {&p->ocid, &p->stage, &p->status, &p->title, &p->body, &p->org_name};
  for (size_t i = 0; i < sizeof s / sizeof *s; i++) free(*s[i]);
  memset(p, 0, sizeof *p);
}

void store_postings_free(StorePosting *p, size_t n) {
  for (size_t i = 0; i < n; i++) store_posting_release(&p[i]);
  free(p);
}

static void postings_free_v(void *p, size_t n) { store_postings_free(p, n); }

int store_posting_add(Store *st, long long org_id, long long account_id, const char *stage, const char *title,
                      const char *body, time_t now, long long *id, Err *err) {
  int rc = store_sql_insert(st,
                            "INSERT INTO posting(org_id, stage, status, title, body, created_by, created_at, updated_at)"
                            " VALUES($1, $2, 'draft', $3, $4, $5, $6, $6) RETURNING id",
                            SQL_ARGS(SQL_I(org_id), SQL_T(stage), SQL_T(title), SQL_T(body), opt_id(account_id),
                                     SQL_I(now)),
                            id, err);
  return rc > 0 ? err_set(err, ERR_DB, "a posting was not added") : rc;
}

int store_posting_save(Store *st, long long id, const char *stage, const char *title, const char *body, time_t now,
                       Err *err) {
  return store_sql(st, "UPDATE posting SET stage = $2, title = $3, body = $4, updated_at = $5 WHERE id = $1",
                   SQL_ARGS(SQL_I(id), SQL_T(stage), SQL_T(title), SQL_T(body), SQL_I(now)), NULL, NULL, NULL, err);
}

int store_posting_get(Store *st, long long id, StorePosting *out, Err *err) {
  memset(out, 0, sizeof *out);
  SqlOne o = SQL_ONE(out, read_posting);
  return store_sql(st, "SELECT " POSTING_COLS POSTING_FROM " WHERE p.id = $1", SQL_ARGS(SQL_I(id)), sql_one_row, &o,
                   NULL, err);
}

int store_posting_by_ocid(Store *st, const char *ocid, StorePosting *out, Err *err) {
  memset(out, 0, sizeof *out);
  SqlOne o = SQL_ONE(out, read_posting);
  return store_sql(st, "SELECT " POSTING_COLS POSTING_FROM " WHERE p.ocid = $1", SQL_ARGS(SQL_T(ocid)), sql_one_row,
                   &o, NULL, err);
}

int store_postings_of_org(Store *st, long long org_id, size_t max, StorePosting **out, size_t *n, Err *err) {
  SqlRows l = SQL_ROWS(StorePosting, read_posting, 0);
  int rc = store_sql(st,
                     "SELECT " POSTING_COLS POSTING_FROM " WHERE p.org_id = $1 ORDER BY p.updated_at DESC, p.id DESC"
                     " LIMIT $2",
                     SQL_ARGS(SQL_I(org_id), SQL_I(limit_of(max))), sql_rows_add, &l, NULL, err);
  return sql_rows_done(rc, &l, (void **)out, n, postings_free_v);
}

int store_posting_step(Store *st, long long id, const PostingStep *s, time_t now, StorePosting *after, Err *err) {
  int rc = store_sql(st,
                     "UPDATE posting SET releases = releases + 1,"
                     " last_release_at = CASE WHEN last_release_at >= $2 THEN last_release_at + 1 ELSE $2 END,"
                     " amendments = amendments + $3, awards = awards + $4, contracts = contracts + $5,"
                     " answers = answers + $6, status = COALESCE($7, status), ocid = COALESCE(ocid, $8),"
                     " published_at = COALESCE(published_at, $2), updated_at = $2 WHERE id = $1",
                     SQL_ARGS(SQL_I(id), SQL_I(now), SQL_I(s->amendment != 0), SQL_I(s->award != 0),
                              SQL_I(s->contract != 0), SQL_I(s->answer != 0), SQL_T(s->status), SQL_T(s->ocid)),
                     NULL, NULL, NULL, err);
  if (rc) return rc;
  rc = store_posting_get(st, id, after, err);
  return rc == 1 ? 0 : rc < 0 ? rc : err_set(err, ERR_DB, "posting %lld is gone", id);
}

/* ---- questions ---- */

#define QUESTION_COLS                                                                                                  \
  "q.id, q.posting_id, q.asker_account, q.asker_org, q.question, q.public_question, q.answer, q.number, q.asked_at, " \
  "q.answered_at, a.name, a.email, o.name, p.ocid, p.title"
#define QUESTION_FROM                                                                                                  \
  " FROM question q JOIN posting p ON p.id = q.posting_id LEFT JOIN account a ON a.id = q.asker_account"             \
  " LEFT JOIN organisation o ON o.id = q.asker_org"

static void read_question(const SqlRow *r, StoreQuestion *q) {
  q->id = sql_int(r, 0);
  q->posting_id = sql_int(r, 1);
  q->asker_account = opt_int(r, 2);
  q->asker_org = opt_int(r, 3);
  q->question = sql_dup(r, 4);
  q->public_question = sql_dup(r, 5);
  q->answer = sql_dup(r, 6);
  q->number = opt_int(r, 7);
  q->asked_at = sql_int(r, 8);
  q->answered_at = opt_int(r, 9);
  q->asker_name = sql_dup(r, 10);
  q->asker_email = sql_dup(r, 11);
  q->asker_org_name = sql_dup(r, 12);
  q->ocid = sql_dup(r, 13);
  q->title = sql_dup(r, 14);
}

void store_question_release(StoreQuestion *q) {
  char **s[] = {&q->question, &q->public_question, &q->answer,   &q->asker_name,
                &q->asker_email, &q->asker_org_name,  &q->ocid, &q->title};
  for (size_t i = 0; i < sizeof s / sizeof *s; i++) free(*s[i]);
  memset(q, 0, sizeof *q);
}

void store_questions_free(StoreQuestion *q, size_t n) {
  for (size_t i = 0; i < n; i++) store_question_release(&q[i]);
  free(q);
}

static void questions_free_v(void *q, size_t n) { store_questions_free(q, n); }

int store_question_add(Store *st, long long posting_id, long long account_id, long long org_id, const char *question,
                       time_t now, long long *id, Err *err) {
  int rc = store_sql_insert(st,
                            "INSERT INTO question(posting_id, asker_account, asker_org, question, asked_at)"
                            " VALUES($1, $2, $3, $4, $5) RETURNING id",
                            SQL_ARGS(SQL_I(posting_id), opt_id(account_id), opt_id(org_id), SQL_T(question), SQL_I(now)),
                            id, err);
  return rc > 0 ? err_set(err, ERR_DB, "a question was not added") : rc;
}

int store_question_get(Store *st, long long id, StoreQuestion *out, Err *err) {
  memset(out, 0, sizeof *out);
  SqlOne o = SQL_ONE(out, read_question);
  return store_sql(st, "SELECT " QUESTION_COLS QUESTION_FROM " WHERE q.id = $1", SQL_ARGS(SQL_I(id)), sql_one_row, &o,
                   NULL, err);
}

int store_question_answer(Store *st, long long id, const char *public_question, const char *answer, long long number,
                          time_t now, Err *err) {
  long long changed = 0;
  int rc = store_sql(st,
                     "UPDATE question SET public_question = $2, answer = $3, number = $4, answered_at = $5"
                     " WHERE id = $1 AND answer IS NULL",
                     SQL_ARGS(SQL_I(id), SQL_T(public_question), SQL_T(answer), SQL_I(number), SQL_I(now)), NULL, NULL,
                     &changed, err);
  return rc ? rc : changed ? 0 : 1;
}

int store_questions_of(Store *st, long long posting_id, int all, StoreQuestion **out, size_t *n, Err *err) {
  SqlRows l = SQL_ROWS(StoreQuestion, read_question, 0);
  int rc = all ? store_sql(st, "SELECT " QUESTION_COLS QUESTION_FROM " WHERE q.posting_id = $1 ORDER BY q.asked_at, q.id",
                           SQL_ARGS(SQL_I(posting_id)), sql_rows_add, &l, NULL, err)
               : store_sql(st,
                           "SELECT " QUESTION_COLS QUESTION_FROM
                           " WHERE q.posting_id = $1 AND q.answer IS NOT NULL ORDER BY q.number",
                           SQL_ARGS(SQL_I(posting_id)), sql_rows_add, &l, NULL, err);
  return sql_rows_done(rc, &l, (void **)out, n, questions_free_v);
}

int store_questions_open(Store *st, long long org_id, size_t max, StoreQuestion **out, size_t *n, Err *err) {
  SqlRows l = SQL_ROWS(StoreQuestion, read_question, 0);
  int rc = store_sql(st,
                     "SELECT " QUESTION_COLS QUESTION_FROM
                     " WHERE p.org_id = $1 AND q.answer IS NULL ORDER BY q.asked_at, q.id LIMIT $2",
                     SQL_ARGS(SQL_I(org_id), SQL_I(limit_of(max))), sql_rows_add, &l, NULL, err);
  return sql_rows_done(rc, &l, (void **)out, n, questions_free_v);
}

/* ---- interest ---- */

static void read_interest(const SqlRow *r, StoreInterest *i) {
  i->org_id = sql_int(r, 0);
  i->account_id = opt_int(r, 1);
  i->at = sql_int(r, 2);
  i->org_name = sql_dup(r, 3);
  i->account_email = sql_dup(r, 4);
  i->org_size = sql_dup(r, 5);
  i->org_region = sql_dup(r, 6);
}

void store_interests_free(StoreInterest *l, size_t n) {
  for (size_t i = 0; i < n; i++) free(l[i].org_name), free(l[i].account_email), free(l[i].org_size), free(l[i].org_region);
  free(l);
}

static void interests_free_v(void *l, size_t n) { store_interests_free(l, n); }

int store_interest_add(Store *st, long long posting_id, long long org_id, long long account_id, time_t now, Err *err) {
  long long changed = 0;
  int rc = store_sql(st,
                     "INSERT INTO interest(posting_id, org_id, account_id, at) VALUES($1, $2, $3, $4)"
                     " ON CONFLICT (posting_id, org_id) DO NOTHING",
                     SQL_ARGS(SQL_I(posting_id), SQL_I(org_id), opt_id(account_id), SQL_I(now)), NULL, NULL, &changed,
                     err);
  return rc ? rc : changed ? 0 : 1;
}

int store_interest_remove(Store *st, long long posting_id, long long org_id, Err *err) {
  return store_sql(st, "DELETE FROM interest WHERE posting_id = $1 AND org_id = $2",
                   SQL_ARGS(SQL_I(posting_id), SQL_I(org_id)), NULL, NULL, NULL, err);
}

int store_interests_of(Store *st, long long posting_id, StoreInterest **out, size_t *n, Err *err) {
  SqlRows l = SQL_ROWS(StoreInterest, read_interest, 0);
  int rc = store_sql(st,
                     "SELECT i.org_id, i.account_id, i.at, o.name, a.email, o.size, o.region FROM interest i"
                     " JOIN organisation o ON o.id = i.org_id LEFT JOIN account a ON a.id = i.account_id"
                     " WHERE i.posting_id = $1 ORDER BY i.at, i.org_id",
                     SQL_ARGS(SQL_I(posting_id)), sql_rows_add, &l, NULL, err);
  return sql_rows_done(rc, &l, (void **)out, n, interests_free_v);
}

/* ---- documents ---- */

#define DOCUMENT_COLS                                                                                                  \
  "d.id, d.posting_id, d.name, d.mime, d.sha256, d.size, d.uploaded_by, d.uploaded_at, d.replaces, d.replaced_at, "   \
  "p.ocid, p.status, p.org_id"
#define DOCUMENT_FROM " FROM document d JOIN posting p ON p.id = d.posting_id"

static void read_document(const SqlRow *r, StoreDocument *d) {
  d->id = sql_int(r, 0);
  d->posting_id = sql_int(r, 1);
  d->name = sql_dup(r, 2);
  d->mime = sql_dup(r, 3);
  d->sha256 = sql_dup(r, 4);
  d->size = sql_int(r, 5);
  d->uploaded_by = opt_int(r, 6);
  d->uploaded_at = sql_int(r, 7);
  d->replaces = opt_int(r, 8);
  d->replaced_at = opt_int(r, 9);
  d->ocid = sql_dup(r, 10);
  d->status = sql_dup(r, 11);
  d->org_id = sql_int(r, 12);
}

void store_document_release(StoreDocument *d) {
  char **s[] = {&d->name, &d->mime, &d->sha256, &d->ocid, &d->status};
  for (size_t i = 0; i < sizeof s / sizeof *s; i++) free(*s[i]);
  memset(d, 0, sizeof *d);
}

void store_documents_free(StoreDocument *d, size_t n) {
  for (size_t i = 0; i < n; i++) store_document_release(&d[i]);
  free(d);
}

static void documents_free_v(void *d, size_t n) { store_documents_free(d, n); }

int store_document_add(Store *st, long long posting_id, const char *name, const char *mime, const char *sha256,
                       long long size, long long account_id, time_t now, long long replaces, long long *id, Err *err) {
  int rc = replaces ? store_sql(st, "UPDATE document SET replaced_at = $2 WHERE id = $1 AND replaced_at IS NULL",
                                SQL_ARGS(SQL_I(replaces), SQL_I(now)), NULL, NULL, NULL, err)
                    : 0;
  if (rc) return rc;
  rc = store_sql_insert(st,
                        "INSERT INTO document(posting_id, name, mime, sha256, size, uploaded_by, uploaded_at, replaces)"
                        " VALUES($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                        SQL_ARGS(SQL_I(posting_id), SQL_T(name), SQL_T(mime), SQL_T(sha256), SQL_I(size),
                                 opt_id(account_id), SQL_I(now), opt_id(replaces)),
                        id, err);
  return rc > 0 ? err_set(err, ERR_DB, "a document was not added") : rc;
}

int store_document_get(Store *st, long long id, StoreDocument *out, Err *err) {
  memset(out, 0, sizeof *out);
  SqlOne o = SQL_ONE(out, read_document);
  return store_sql(st, "SELECT " DOCUMENT_COLS DOCUMENT_FROM " WHERE d.id = $1", SQL_ARGS(SQL_I(id)), sql_one_row, &o,
                   NULL, err);
}

int store_documents_of(Store *st, long long posting_id, int all, StoreDocument **out, size_t *n, Err *err) {
  SqlRows l = SQL_ROWS(StoreDocument, read_document, 0);
  int rc = store_sql(st,
                     "SELECT " DOCUMENT_COLS DOCUMENT_FROM
                     " WHERE d.posting_id = $1 AND ($2 = 1 OR d.replaced_at IS NULL) ORDER BY d.uploaded_at, d.id",
                     SQL_ARGS(SQL_I(posting_id), SQL_I(all != 0)), sql_rows_add, &l, NULL, err);
  return sql_rows_done(rc, &l, (void **)out, n, documents_free_v);
}

int store_documents_count(Store *st, long long posting_id, int64_t *n, Err *err) {
  return sql_count(st, "SELECT count(*) FROM document WHERE posting_id = $1 AND replaced_at IS NULL",
                   SQL_ARGS(SQL_I(posting_id)), n, err);
}

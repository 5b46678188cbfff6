/* outbox.c -- the mail outbox aggregate (store/outbox.h), written once over
 * the statement runner (store/sql.h) for both backends. */
#include "store/outbox.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "store/sql.h"

#define OUTBOX_COLS "id, recipient, subject, text, html, created_at, attempts, next_at, sent_at, last_error"

static void read_mail(const SqlRow *r, OutboxMail *m) {
  m->id = sql_int(r, 0);
  m->recipient = sql_dup(r, 1);
  m->subject = sql_dup(r, 2);
  m->text = sql_dup(r, 3);
  m->html = sql_dup(r, 4);
  m->created = sql_int(r, 5);
  m->attempts = (int)sql_int(r, 6);
  m->next_at = sql_null(r, 8) ? sql_int(r, 7) : 0;
  m->sent_at = sql_null(r, 8) ? 0 : sql_int(r, 8);
  m->last_error = sql_dup(r, 9);
}

static void outbox_free_v(void *ms, size_t n) { store_outbox_free(ms, n); }

static int list(Store *st, const char *sql, const SqlArg *args, int n, size_t max, OutboxMail **out, size_t *count,
                Err *err) {
  SqlRows l = SQL_ROWS(OutboxMail, read_mail, max);
  return sql_rows_done(store_sql(st, sql, args, n, sql_rows_add, &l, NULL, err), &l, (void **)out, count, outbox_free_v);
}

int store_outbox_add(Store *st, const char *recipient, const char *subject, const char *text, const char *html,
                     time_t now, long long *id, Err *err) {
  return store_sql_insert(st,
                     "INSERT INTO outbox(recipient, subject, text, html, created_at, attempts, next_at)"
                     " VALUES($1, $2, $3, $4, $5, 0, $5) RETURNING id",
                     SQL_ARGS(SQL_T(recipient), SQL_T(subject), SQL_T(text), SQL_T(html), SQL_I(now)), id, err);
}

int store_outbox_due(Store *st, time_t now, size_t max, OutboxMail **out, size_t *n, Err *err) {
  return list(st,
              "SELECT " OUTBOX_COLS " FROM outbox WHERE sent_at IS NULL AND next_at <= $1 ORDER BY next_at, id LIMIT $2",
              SQL_ARGS(SQL_I(now), SQL_I(max)), max, out, n, err);
}

int store_outbox_claim(Store *st, long long id, int64_t was_next_at, time_t until, Err *err) {
  long long changed = 0;
  int rc = store_sql(st, "UPDATE outbox SET next_at = $3 WHERE id = $1 AND next_at = $2 AND sent_at IS NULL",
                     SQL_ARGS(SQL_I(id), SQL_I(was_next_at), SQL_I(until)), NULL, NULL, &changed, err);
  return rc < 0 ? rc : changed == 1;
}

int store_outbox_sent(Store *st, long long id, time_t now, Err *err) {
  return store_sql(st, "UPDATE outbox SET sent_at = $2, attempts = attempts + 1, last_error = NULL WHERE id = $1",
                   SQL_ARGS(SQL_I(id), SQL_I(now)), NULL, NULL, NULL, err);
}

int store_outbox_failed(Store *st, long long id, time_t next_at, const char *why, Err *err) {
  char cut[501];
  size_t len = why ? strlen(why) : 0;
  if (len > 500) { /* at a character boundary */
    len = 500;
    while (len && ((unsigned char)why[len] & 0xC0) == 0x80) len--;
  }
  memcpy(cut, why ? why : "", len);
  cut[len] = 0;
  return store_sql(st, "UPDATE outbox SET attempts = attempts + 1, next_at = $2, last_error = $3 WHERE id = $1",
                   SQL_ARGS(SQL_I(id), SQL_I(next_at), SQL_T(cut)), NULL, NULL, NULL, err);
}

int store_outbox_list(Store *st, long long before, size_t max, OutboxMail **out, size_t *n, Err *err) {
  return list(st, "SELECT " OUTBOX_COLS " FROM outbox WHERE id < $1 ORDER BY id DESC LIMIT $2",
              SQL_ARGS(SQL_I(before > 0 ? before : LLONG_MAX), SQL_I(max)), max, out, n, err);
}

static int one_mail(void *ctx, const SqlRow *r) {
  read_mail(r, ctx);
  return 1;
}

int store_outbox_get(Store *st, long long id, OutboxMail *out, Err *err) {
  memset(out, 0, sizeof *out);
  return store_sql(st, "SELECT " OUTBOX_COLS " FROM outbox WHERE id = $1", SQL_ARGS(SQL_I(id)), one_mail, out, NULL,
                   err);
}

void store_outbox_release(OutboxMail *m) {
  free(m->recipient);
  free(m->subject);
  free(m->text);
  free(m->html);
  free(m->last_error);
  memset(m, 0, sizeof *m);
}

void store_outbox_free(OutboxMail *ms, size_t n) {
  for (size_t i = 0; i < n; i++) store_outbox_release(&ms[i]);
  free(ms);
}

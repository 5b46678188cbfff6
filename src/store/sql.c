/* sql.c -- the backend-neutral half of the statement runner (sql.h): the
 * forwarding call and the row callbacks every aggregate over it uses. */
#include "store/sql.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "store/store_impl.h"

int store_sql(Store *st, const char *sql, const SqlArg *args, int n, SqlRowFn fn, void *ctx, long long *changes,
              Err *err) {
  if (changes) *changes = 0;
  if (!st->sql) return err_set(err, ERR_DB, "the %s store runs no shared statements", st->core->name);
  return st->sql->run(st->impl, sql, args, n, fn, ctx, changes, err);
}

char *sql_dup(const SqlRow *r, int c) {
  const char *s = sql_str(r, c);
  return s ? xstrdup(s) : NULL;
}

int sql_first_int(void *ctx, const SqlRow *row) {
  *(long long *)ctx = sql_int(row, 0);
  return 1;
}

int sql_one_row(void *ctx, const SqlRow *row) {
  SqlOne *o = ctx;
  o->read(row, o->item);
  return 1;
}

int sql_first_text(void *ctx, const SqlRow *row) {
  char **out = ctx;
  free(*out);
  *out = sql_dup(row, 0);
  return 1;
}

/* Outside quoted strings only: "$1" in a literal is text, not a parameter. */
int sql_param_count(const char *sql) {
  int most = 0;
  for (const char *p = sql; *p; p++) {
    if (*p == '\'') {
      while (*++p && *p != '\'') {
      }
      if (!*p) break;
    } else if (*p == '$' && isdigit((unsigned char)p[1])) {
      int v = (int)strtol(p + 1, NULL, 10);
      if (v > most) most = v;
    }
  }
  return most;
}

int store_sql_insert(Store *st, const char *sql, const SqlArg *args, int n, long long *id, Err *err) {
  long long got = 0;
  int rc = store_sql(st, sql, args, n, sql_first_int, &got, NULL, err);
  if (rc < 0) return rc;
  if (!rc) return 1;
  if (id) *id = got;
  return 0;
}

int sql_count(Store *st, const char *sql, const SqlArg *args, int n, int64_t *out, Err *err) {
  long long got = 0;
  int rc = store_sql(st, sql, args, n, sql_first_int, &got, NULL, err);
  *out = got;
  return rc < 0 ? rc : 0;
}

int sql_rows_add(void *ctx, const SqlRow *r) {
  SqlRows *l = ctx;
  if (l->max && l->n == l->max) return 0;
  if (l->n == l->cap) {
    l->cap = l->cap ? l->cap * 2 : 8;
    l->items = xrealloc(l->items, l->cap * l->size);
  }
  void *item = (char *)l->items + l->n * l->size;
  memset(item, 0, l->size);
  l->read(r, item);
  l->n++;
  return 0;
}

int sql_rows_done(int rc, SqlRows *l, void **out, size_t *n, void (*free_fn)(void *, size_t)) {
  if (rc < 0) {
    free_fn(l->items, l->n);
    *out = NULL;
    *n = 0;
    return rc;
  }
  *out = l->items;
  *n = l->n;
  return 0;
}

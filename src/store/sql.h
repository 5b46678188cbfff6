/* sql.h -- the statement runner under the aggregates written once for both
 * backends (accounts.c, outbox.c): one SQL text, run by SQLite and by
 * PostgreSQL alike, so a rule is written once instead of twice (the filter
 * builder written twice, sqlite_search.c and pg.c, drifted; STYLE.md).
 *
 * The dialect both engines read: parameters $1..$n (SQLite takes "$1" as a
 * named parameter; each is bound by name, so order of appearance does not
 * matter); INSERT ... RETURNING; ON CONFLICT ... DO UPDATE/NOTHING; integers,
 * text and NULL only (times are unix seconds, flags 0/1, computed in C, never
 * by the engine's clock). Only the schema (each backend's migrations) is
 * written per engine.
 *
 * A statement is prepared once per connection, keyed by the address of its
 * text (a string literal: one address per statement), and its parameter count
 * is checked against the arguments given before it runs. Only files of
 * src/store/ include this. */
#ifndef STORE_SQL_H
#define STORE_SQL_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "store/store.h"

enum { SQLV_NULL = 0, SQLV_INT = 1, SQLV_TEXT = 2 };

typedef struct {
  int type;
  long long i;
  const char *s;
} SqlArg;

#define SQL_I(v) ((SqlArg){SQLV_INT, (long long)(v), NULL})
/* A text argument; NULL binds SQL NULL. */
#define SQL_T(v) sql_text(v)
static inline SqlArg sql_text(const char *s) { return (SqlArg){s ? SQLV_TEXT : SQLV_NULL, 0, s}; }

/* One row of a result, valid during the callback. Columns count from 0. */
typedef struct SqlRow {
  int (*is_null)(const struct SqlRow *r, int c);
  long long (*get_int)(const struct SqlRow *r, int c);
  const char *(*get_text)(const struct SqlRow *r, int c); /* NULL for NULL */
  void *h;
  int row;
} SqlRow;

static inline int sql_null(const SqlRow *r, int c) { return r->is_null(r, c); }
static inline long long sql_int(const SqlRow *r, int c) { return r->get_int(r, c); }
static inline const char *sql_str(const SqlRow *r, int c) { return r->get_text(r, c); }
/* A copy of column c (NULL for NULL); the caller frees it. */
char *sql_dup(const SqlRow *r, int c);

/* Called for each row; a non-zero result stops the statement (and is what
 * store_sql returns). */
typedef int (*SqlRowFn)(void *ctx, const SqlRow *row);

typedef struct {
  int (*run)(void *impl, const char *sql, const SqlArg *args, int n, SqlRowFn fn, void *ctx, long long *changes,
             Err *err);
} StoreSqlOps;

/* Runs sql with the n arguments. fn (may be NULL) gets each row; *changes
 * (may be NULL) the rows an INSERT/UPDATE/DELETE changed. 0, fn's non-zero
 * result, or ERR_DB (also when n differs from the statement's parameters). */
int store_sql(Store *st, const char *sql, const SqlArg *args, int n, SqlRowFn fn, void *ctx, long long *changes,
              Err *err);
#define SQL_ARGS(...) ((const SqlArg[]){__VA_ARGS__}), (int)(sizeof((const SqlArg[]){__VA_ARGS__}) / sizeof(SqlArg))

/* Row callbacks for the common shapes: the first column of the first row as
 * an integer (ctx: long long *, and the result is 1 when there was a row) or a
 * copied string (ctx: char **). */
int sql_first_int(void *ctx, const SqlRow *row);
int sql_first_text(void *ctx, const SqlRow *row);

/* One row read into a struct: ctx a SqlOne, the result 1 when there was a
 * row (read(row, item) filled it). */
typedef struct {
  void *item;
  void (*read)(const SqlRow *r, void *item);
} SqlOne;
#define SQL_ONE(ptr, fn) {(ptr), (void (*)(const SqlRow *, void *))(fn)}
int sql_one_row(void *ctx, const SqlRow *row);

/* An INSERT ... RETURNING id: 0 with *id (id may be NULL); 1 when it
 * returned no row (ON CONFLICT DO NOTHING found the key); or an error. */
int store_sql_insert(Store *st, const char *sql, const SqlArg *args, int n, long long *id, Err *err);
/* A SELECT count(*): 0 with *out, or an error. */
int sql_count(Store *st, const char *sql, const SqlArg *args, int n, int64_t *out, Err *err);

/* Rows collected into a growing array of structs of one type: each row read
 * by read(row, item) into a zeroed item; at most max (0: all). */
typedef struct {
  void *items;
  size_t n, cap, size, max;
  void (*read)(const SqlRow *r, void *item);
} SqlRows;
#define SQL_ROWS(type, fn, limit) {NULL, 0, 0, sizeof(type), (limit), (void (*)(const SqlRow *, void *))(fn)}
/* The row callback of a SqlRows (ctx). */
int sql_rows_add(void *ctx, const SqlRow *r);
/* Hands the collected array over (*out, *n) when rc is not an error; else
 * frees it with free_fn (which frees each item and the array) and returns rc. */
int sql_rows_done(int rc, SqlRows *l, void **out, size_t *n, void (*free_fn)(void *, size_t));

/* The $n parameters of sql: the largest n it names (for the bind count check). */
int sql_param_count(const char *sql);

#endif

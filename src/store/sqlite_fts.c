/* sqlite_fts.c -- the FTS5 tokenizer "powerhouse": SQLite's full-text index
 * sees the words base/token.h makes (folded, accents removed, stemmed with
 * Snowball English), the same terms as the in-memory index and PostgreSQL's
 * tsvector column, so the three engines agree on every match.
 *
 * notice_fts names it (tokenize='powerhouse', schema migration 8), so every
 * connection registers it before it touches that table: store_sqlite_open
 * does, and so does the loadable extension tests/sqlite_ext/powerhouse_fts.c
 * that lets the sqlite3 shell read the table. A tokenizer holds no state:
 * token_each keeps one stemmer per thread.
 *
 * Query text goes through the same function (FTS5 tokenizes each quoted
 * string of a MATCH expression), so "laptops" in a query is the term
 * "laptop". Byte offsets are those of the original text, which is what
 * snippet() highlights. */
#include <sqlite3.h>
#include <string.h>

#include "base/token.h"
#include "store/sqlite_fts.h"

typedef struct {
  void *ctx;
  int (*x_token)(void *, int, const char *, int, int, int);
} TokCtx;

static int on_token(void *ctx, const char *w, size_t len, size_t start, size_t end) {
  TokCtx *t = ctx;
  /* FTS5 caps token and text sizes at int; texts are far smaller */
  return t->x_token(t->ctx, 0, w, (int)len, (int)start, (int)end);
}

static int tok_create(void *ctx, const char **argv, int argc, Fts5Tokenizer **out) {
  static int dummy;
  if (argc) return SQLITE_ERROR; /* the tokenizer takes no options */
  *out = (Fts5Tokenizer *)&dummy;
  return SQLITE_OK;
}

static void tok_delete(Fts5Tokenizer *t) {}

static int tok_tokenize(Fts5Tokenizer *t, void *ctx, int flags, const char *text, int n,
                        int (*x_token)(void *, int, const char *, int, int, int)) {
  TokCtx c = {ctx, x_token};
  if (n <= 0) return SQLITE_OK;
  return token_each(text, (size_t)n, on_token, &c);
}

int store_sqlite_fts_register(sqlite3 *db) {
  fts5_api *api = NULL;
  sqlite3_stmt *q = NULL;
  if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &q, NULL) != SQLITE_OK) return SQLITE_ERROR;
  sqlite3_bind_pointer(q, 1, (void *)&api, "fts5_api_ptr", NULL);
  sqlite3_step(q);
  int rc = sqlite3_finalize(q);
  if (rc != SQLITE_OK || !api || api->iVersion < 2) return SQLITE_ERROR;
  fts5_tokenizer tok = {tok_create, tok_delete, tok_tokenize};
  return api->xCreateTokenizer(api, STORE_SQLITE_TOKENIZER, NULL, &tok, NULL);
}

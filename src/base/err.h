/* err.h -- errors as negative codes plus a message a user can act on.
 * The caller owns the Err; functions fill it and return its (negative) code. */
#ifndef ERR_H
#define ERR_H

#include <stddef.h>

enum {
  ERR_OK = 0,
  ERR_IO = -1,      /* file or stream could not be read/written */
  ERR_JSON = -2,    /* malformed JSON */
  ERR_OCDS = -3,    /* valid JSON, but not acceptable OCDS */
  ERR_DB = -4,      /* the store failed */
  ERR_LIMIT = -5,   /* input over a size or depth limit */
  ERR_USAGE = -6,   /* bad command-line usage */
  ERR_NOMEM = -7,   /* out of memory */
  ERR_UTF8 = -8,    /* invalid UTF-8 */
  ERR_NOTFOUND = -9 /* no such thing */
};

typedef struct {
  int code;
  char msg[512];
} Err;

#define ERR_INIT {0, {0}}

/* Sets err (if not NULL) and returns code, so callers can `return err_set(...)`. */
int err_set(Err *err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Prefixes the existing message with more context ("file.json: " + msg). */
int err_prefix(Err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void err_clear(Err *err);

#endif

/* err.c -- see err.h. */
#include "base/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int err_set(Err *err, int code, const char *fmt, ...) {
  if (err) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    err->code = code;
  }
  return code;
}

int err_prefix(Err *err, const char *fmt, ...) {
  if (!err) return 0;
  char old[sizeof err->msg];
  memcpy(old, err->msg, sizeof old);
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(err->msg, sizeof err->msg, fmt, ap);
  va_end(ap);
  if (n >= 0 && (size_t)n < sizeof err->msg) {
    size_t room = sizeof err->msg - (size_t)n, olen = strnlen(old, sizeof old - 1);
    if (olen >= room) olen = room - 1;
    memcpy(err->msg + n, old, olen);
    err->msg[(size_t)n + olen] = 0;
  }
  return err->code;
}

void err_clear(Err *err) {
  if (err) {
    err->code = 0;
    err->msg[0] = 0;
  }
}

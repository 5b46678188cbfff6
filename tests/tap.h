/* tap.h -- a tiny TAP producer for unit tests, run by prove.
 *   ok(cond, "name"), is_int(got, want, "name"), is_str(got, want, "name"),
 *   is_dbl(got, want, eps, "name"), done_testing() (returns the exit status). */
#ifndef TAP_H
#define TAP_H

#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

static inline int tap_ok(int cond, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
#include <stdarg.h>
static inline int tap_ok(int cond, const char *file, int line, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  printf("%sok %d - ", cond ? "" : "not ", ++tap_n);
  vprintf(fmt, ap);
  printf("\n");
  va_end(ap);
  if (!cond) {
    tap_failed++;
    printf("#   failed at %s:%d\n", file, line);
  }
  fflush(stdout);
  return cond;
}

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

#define is_int(got, want, ...)                                                        \
  do {                                                                                \
    long long g_ = (long long)(got), w_ = (long long)(want);                          \
    if (!ok(g_ == w_, __VA_ARGS__)) printf("#   got %lld, want %lld\n", g_, w_);      \
  } while (0)

#define is_str(got, want, ...)                                                        \
  do {                                                                                \
    const char *g_ = (got), *w_ = (want);                                             \
    int same_ = (g_ && w_) ? strcmp(g_, w_) == 0 : g_ == w_;                          \
    if (!ok(same_, __VA_ARGS__))                                                      \
      printf("#   got '%s', want '%s'\n", g_ ? g_ : "(null)", w_ ? w_ : "(null)");    \
  } while (0)

#define is_dbl(got, want, eps, ...)                                                   \
  do {                                                                                \
    double g_ = (got), w_ = (want);                                                   \
    if (!ok(fabs(g_ - w_) <= (eps), __VA_ARGS__)) printf("#   got %g, want %g\n", g_, w_); \
  } while (0)

static inline int done_testing(void) {
  printf("1..%d\n", tap_n);
  return tap_failed ? 1 : 0;
}

/* Removes a test's SQLite store: the file and its -wal and -shm. */
#include <unistd.h>
static inline void tap_unlink_db(const char *path) {
  char side[4096];
  unlink(path);
  snprintf(side, sizeof side, "%s-wal", path);
  unlink(side);
  snprintf(side, sizeof side, "%s-shm", path);
  unlink(side);
}

/* Where the shared data lives: $POWERHOUSE_SHARED or ../shared. */
static inline const char *tap_shared(void) {
  const char *s = getenv("POWERHOUSE_SHARED");
  return s && *s ? s : "../shared";
}

#endif

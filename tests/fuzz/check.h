/* check.h -- CHECK(cond, fmt, ...) for libFuzzer targets: when cond is
 * false, prints "<target>: check failed: <cond>: <message>" to stderr and
 * aborts, so that libFuzzer saves the input and replay.c pins the failure to
 * it. A target defines FUZZ_TARGET ("fuzz_form") before including this. */
#ifndef FUZZ_CHECK_H
#define FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond, ...)                                                   \
  do {                                                                     \
    if (!(cond)) {                                                         \
      fprintf(stderr, "%s: check failed: %s: ", FUZZ_TARGET, #cond);       \
      fprintf(stderr, __VA_ARGS__);                                        \
      fputc('\n', stderr);                                                 \
      abort();                                                             \
    }                                                                      \
  } while (0)

#endif

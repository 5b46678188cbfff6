/* num.c -- see num.h. */
#include "base/num.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

int num_parse_ll(const char *s, long long min, long long max, long long *out) {
  if (!s) return -1;
  const char *p = s + (*s == '-' || *s == '+');
  if (*p < '0' || *p > '9') return -1; /* no spaces, no empty string */
  char *end;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (errno || *end || v < min || v > max) return -1;
  *out = v;
  return 0;
}

int num_parse_dbl(const char *s, double *out) {
  if (!s || !*s) return -1;
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (errno || *end || end == s || !isfinite(v)) return -1;
  *out = v;
  return 0;
}

int num_digits(const char *s, int n) {
  int v = 0;
  for (int i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

int num_parse_decimal(const char *s, int allow_exp, double *out) {
  const char *p = s;
  if (*p == '-') p++;
  if (*p < '0' || *p > '9') return 0;
  while (*p >= '0' && *p <= '9') p++;
  if (*p == '.') {
    p++;
    if (*p < '0' || *p > '9') return 0;
    while (*p >= '0' && *p <= '9') p++;
  }
  if (allow_exp && (*p == 'e' || *p == 'E')) {
    p++;
    if (*p == '+' || *p == '-') p++;
    if (*p < '0' || *p > '9') return 0;
    while (*p >= '0' && *p <= '9') p++;
  }
  if (*p || p - s > 64) return 0;
  char *end;
  double d = strtod(s, &end);
  if (end != p || d != d || d > 1e300 || d < -1e300) return 0;
  *out = d;
  return 1;
}

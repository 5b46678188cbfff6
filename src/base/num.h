/* num.h -- strict parsing of numbers from text (command-line options, headers,
 * stored codes). atoi, atol, atof and sscanf are banned (base/banned.h): they
 * cannot report an error, and sscanf's %d overflows silently. These accept
 * the whole string or nothing. */
#ifndef NUM_H
#define NUM_H

/* A decimal integer (optional leading '-' or '+', digits only, nothing after)
 * within [min, max]: 0 and *out set, or -1 with *out unchanged. */
int num_parse_ll(const char *s, long long min, long long max, long long *out);

/* A finite decimal number as strtod reads it, nothing after: 0 or -1. */
int num_parse_dbl(const char *s, double *out);

/* A plain decimal number: -?digits[.digits], and [e[+-]digits] when
 * allow_exp -- no spaces, thousands separators, '+', hex, inf or nan, at most
 * 64 characters, magnitude at most 1e300. 1 and *out set, or 0. */
int num_parse_decimal(const char *s, int allow_exp, double *out);

/* n decimal digits at s (no sign): their value, or -1 when one is not a digit. */
int num_digits(const char *s, int n);

#endif

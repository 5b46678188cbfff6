/* banned.h -- functions that are easy to misuse, turned into compile errors.
 * Included by every source file (via the compiler's -include). Use Buf and snprintf,
 * and base/num.h for numbers. */
#ifndef BANNED_H
#define BANNED_H

/* The headers that declare them come first, so that their declarations (and
 * glibc's inline definitions of atoi and atof) are read before the macros. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) BANNED(strncat)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef gets
#define gets(x) BANNED(gets)
#undef strtok
#define strtok(x, y) BANNED(strtok)
/* No way to report bad input or overflow: use base/num.h (or strtol, strtod). */
#undef sscanf
#define sscanf(...) BANNED(sscanf)
#undef vsscanf
#define vsscanf(...) BANNED(vsscanf)
#undef atoi
#define atoi(x) BANNED(atoi)
#undef atol
#define atol(x) BANNED(atol)
#undef atoll
#define atoll(x) BANNED(atoll)
#undef atof
#define atof(x) BANNED(atof)

#endif

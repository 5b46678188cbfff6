/* token.h -- the tokenizer moved to base/token.h (the store's PostgreSQL
 * full text uses it too, and the store does not include search/). This name
 * stays for the files that still include it; new code includes base/token.h. */
#ifndef TOKEN_H
#define TOKEN_H
#include "base/token.h"
#endif

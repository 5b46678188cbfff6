/* snippet.h -- snippets moved to base/snippet.h (the PostgreSQL store cuts
 * them too, and the store does not include search/). This name stays for the
 * files that still include it; new code includes base/snippet.h. */
#ifndef SNIPPET_H
#define SNIPPET_H
#include "base/snippet.h"
#endif

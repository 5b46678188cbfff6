/* snippet.h -- the few words of a search hit that show why it matched.
 *
 * Of a notice's searchable texts (title, description, buyer name, CPV
 * labels) the one with the most distinct query words, and in it the window of
 * SNIPPET_TOKENS words with the most matches (the earliest of equals), cut at
 * word boundaries: "…" where text was left out, each matching word between
 * \x02 and \x03 (the page turns them into <mark>, the API drops them). A word
 * matches when base/token.h makes it one of the query's terms (folded and
 * stemmed: "services" is marked for the query word "service"). The index and
 * the PostgreSQL store cut their hits' snippets with it. */
#ifndef BASE_SNIPPET_H
#define BASE_SNIPPET_H

#include <stddef.h>

#include "base/buf.h"

#define SNIPPET_TOKENS 24

/* cols: n_cols texts (NULL allowed); words: the query words' terms (token_term). Appends
 * the snippet to out; appends nothing when no text holds a query word. */
void snippet_make(const char *const *cols, size_t n_cols, const char *const *words, size_t n_words, Buf *out);

#endif

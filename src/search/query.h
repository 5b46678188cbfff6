/* query.h -- the search query: the parameters shared by the search page
 * (/notices?...) and the JSON API (/api/v1/notices?...), parsed into a plain
 * struct the search engine executes, and written back as a canonical query
 * string (shareable, pagination and "remove this filter" links) or as a
 * sentence for people. No I/O, no HTTP: the caller splits and percent-decodes
 * the query string and calls query_set once per name=value pair.
 *
 *   Query q; Err err = ERR_INIT;
 *   query_init(&q);
 *   for each (name, value): rc = query_set(&q, name, value, &err);
 *       rc == ERR_NOTFOUND: unknown name, the caller ignores it (or rejects it)
 *       rc == ERR_USAGE:    400, err.msg names the parameter
 *   if (query_finish(&q, time(NULL), &err)) -> 400
 *   ... the engine reads the fields ...
 *   query_release(&q);
 *
 * Parameters (names are case-sensitive; a value that is empty or only blanks
 * means "not given", because an HTML form submits every empty field; other
 * values are trimmed of ASCII blanks, except q):
 *   q              keywords, see "Keywords" below; once
 *   status         open | closed | awarded | cancelled | planned; repeatable, and
 *                  each value may be a comma list ("open,awarded")
 *   closing_within N days, 1..3650; once
 *   closing_after  YYYY-MM-DD: deadline on or after 00:00:00 UTC of that day; once
 *   closing_before YYYY-MM-DD: deadline up to the end of that day (UTC); once
 *   published_from YYYY-MM-DD: published on or after 00:00:00 UTC of that day; once
 *   published_to   YYYY-MM-DD: published up to the end of that day (UTC); once
 *   value_min      amount >= 0: digits with at most 2 decimal places, commas
 *   value_max      between digits and a leading '£' allowed ("£250,000.50"),
 *                  at most 1e12; once
 *   cpv            CPV code or prefix, repeatable / comma list; see "CPV"
 *   region         ITL1 code TLC..TLN, any case; repeatable / comma list
 *   buyer          the store's organisation row id, a positive integer; once
 *   sme, vcse      true | false | 1 | 0 | yes | no (and on | off, what an HTML
 *                  checkbox sends), any case; once
 *   subcontract    the same: sub-contracting opportunities only, or none; once
 *   sector         public | private, any case; repeatable / comma list
 *   sort           relevance | closing | newest | value | award_date; once
 *   limit          1..100, default 20; once
 *   cursor         from query_cursor_encode; once
 * A once-only parameter given twice is an error ("limit may be given only
 * once"). Repeats of a repeatable one add to a set: values are de-duplicated
 * and kept sorted, so the order in the URL never matters.
 *
 * Meaning and sorting, for the engine: see model/query.h, which holds the
 * struct.
 *
 * Paging. A cursor is the position of the last item of the previous page:
 * the sort, its group (open_first: whether it was past the open notices), its sort key (score, deadline or published as seconds since the
 * epoch, or value; "none" for an item without one) and its ocid. The next
 * page is the items strictly after it in the order above, e.g. for closing
 * with a key: deadline > k OR (deadline = k AND ocid > o) OR deadline IS NULL;
 * without a key: deadline IS NULL AND ocid > o. A cursor made for another sort
 * is an error in query_finish. Cursors are base64url (no padding) of a small
 * versioned binary record with a checksum; any change, truncation or
 * non-canonical spelling is "cursor is invalid: ...". The checksum catches
 * accidents, not forgers: nothing in a cursor is secret or trusted (the engine
 * binds its values as parameters; a forged one can only skip ahead).
 *
 * Keywords (q). At most 512 bytes of valid UTF-8 and at most 32 words in all.
 *   telecare alarm     both words (AND), anywhere, any case
 *   "digital care"     the words next to each other, in order (a phrase)
 *   -cleaning          exclusion; also -"deep clean"
 *   telecare OR alarm  either; OR binds tighter than the implicit AND, so
 *                      `a b OR c` is a AND (b OR c). OR is upper-case only
 *                      (`or` is a word) and only joins two positive terms:
 *                      an OR at either end, repeated (`OR OR`), or next to an
 *                      exclusion (`-a OR b`) is ignored.
 * Words: a word is a maximal run of token characters; ASCII letters and digits
 * are token characters, ASCII letters are lower-cased, every other ASCII
 * character separates words (as SQLite's unicode61 tokenizer does for ASCII).
 * Non-ASCII characters are kept in words as they are (no case folding: the
 * engine's tokenizer folds them, as unicode61 does), except these common
 * ones, which unicode61 also treats as separators and which would otherwise
 * make words that match nothing (an FTS5 phrase with no tokens matches no
 * row, so `telecare £` would find nothing): U+0080..U+00BF but not ª ² ³ µ ¹ º
 * ¼ ½ ¾; × ÷; General Punctuation U+2000..U+206F (spaces, dashes, curly
 * quotes, bullets); currency symbols U+20A0..U+20CF; arrows, mathematical
 * operators and technical symbols U+2190..U+23FF; box drawing to dingbats
 * U+2500..U+2775 and U+2794..U+27BF; U+3000..U+3003; U+FEFF. Curly double
 * quotes U+201C U+201D U+201E (phone keyboards type them) delimit phrases
 * just as '"' does. Other non-ASCII characters that unicode61 drops (rare
 * symbols) still form words; such a word matches nothing.
 *   A bare chunk that splits into several words is a phrase (`e-mail` is
 * "e mail", `covid-19` is "covid 19"), which is what the index holds for the
 * same text. A quote opens a phrase anywhere and an unterminated one runs to
 * the end of q; a '-' negates only at the start of a chunk (`-word`, `-"a b"`);
 * a lone '-', stray quotes and terms with no words are ignored. So q never
 * fails to parse: its only errors are the limits and invalid UTF-8.
 *
 * CPV. Codes are hierarchical by digits with trailing zeros: 72000000 is a
 * division, 72200000 a group, 72220000 a class, 72222000 a category, and each
 * further digit refines it (72222300, 72222310...). A filter is the
 * significant prefix: the input ("72", "722", "7222", "72220000",
 * "72220000-3"; 2 to 8 digits, a check digit only after 8) is padded to 8
 * digits with zeros and trailing zeros are stripped, keeping at least two
 * ("72000000" -> "72", "72200000" -> "722", "72220000" -> "7222", "7220" ->
 * "722", "72222300" -> "722223"). At least one CPV 2008 code must start with
 * it, and a notice matches when one of its codes starts with it. The check
 * digit is accepted and not verified.
 *
 * Errors: every error is ERR_USAGE (a 400) except ERR_NOTFOUND for an unknown
 * name; the message starts with the parameter's name (or, for a cross-field
 * check, names both) and is printable ASCII: a value echoed in it is cut to 40
 * bytes and its other bytes shown as '?'. After an error from query_set the
 * Query is as it was before the call.
 *
 * Ownership: a Query owns its clauses and words (heap); query_release frees
 * them. Everything else is inline in the struct. Strings written to a Buf are
 * appended (the Buf is not reset). */
#ifndef QUERY_H
#define QUERY_H

#include <stddef.h>
#include <time.h>

#include "base/buf.h"
#include "base/err.h"
#include "model/notice.h"
#include "model/query.h"

void query_init(Query *q);    /* empty query, limit 20; never allocates */
void query_release(Query *q); /* frees what q holds, not q; q is empty again */

/* Sets parameter name from its (percent-decoded) value; NULL counts as "".
 * 0 ok (also for an empty value, which is ignored); ERR_NOTFOUND for a name
 * this module does not know; ERR_USAGE with a message naming the parameter.
 * On error q is unchanged. */
int query_set(Query *q, const char *name, const char *value, Err *err);

/* Cross-field checks and defaults, once all parameters are set: value_min <=
 * value_max, closing_after <= closing_before, the deadline window (now is the
 * current time, for closing_within), the default sort, the cursor's sort
 * matches. 0, or ERR_USAGE with q unchanged. Calling it again recomputes the
 * same fields. */
int query_finish(Query *q, time_t now, Err *err);

/* The canonical query string of a finished query, without the leading '?':
 * "q=telecare%20OR%20alarm&status=open&region=TLD". Parameters in a fixed
 * order (q, status, cpv, region, buyer, value_min, value_max, closing_within,
 * closing_after, closing_before, published_from, published_to, sme, vcse,
 * sort, limit, cursor), set values
 * sorted, defaults left out (sort when it is the default for the query, limit
 * 20), q in canonical form (query_keywords), bytes other than A-Z a-z 0-9
 * - . _ ~ percent-encoded (space as %20). Parsing the string again and
 * finishing at the same time gives an equal Query. Empty for the empty query. */
void query_to_url(const Query *q, Buf *out);
/* As query_to_url, without parameter name (value NULL), or without only one of
 * its values (value "open" for status, a prefix as stored for cpv, "TLD" for
 * region, the canonical text of one clause for q, see query_clause_text; for
 * a once-only parameter the value is ignored), and always without the cursor:
 * the links that loosen one filter start at page 1. Removing q (or its last
 * positive clause) also drops a default relevance sort. */
void query_to_url_without(const Query *q, const char *name, const char *value, Buf *out);
/* As query_to_url, with cursor replaced by the given one (NULL or "": none):
 * the links to the next page and back to the first. */
void query_to_url_page(const Query *q, const char *cursor, Buf *out);

/* A summary for people, plain UTF-8 text (the caller escapes it): statuses,
 * keywords and regions, then a comma list of the other filters (sort, limit
 * and cursor are not described). E.g.
 *   open notices matching "telecare" in North West, closing within 30 days
 *   notices matching "digital care" and ("alarm" or "pendant"), without
 *   "cleaning", classified under CPV 48 or 72, valued £10,000 to £50,000 */
void query_describe(const Query *q, Buf *out);

/* The keywords in canonical form (what query_to_url writes as q): clauses
 * separated by one space, alternatives by " OR ", phrases in '"', exclusions
 * with '-'. Parsing it again gives the same clauses. "" for no keywords. */
void query_keywords(const Query *q, Buf *out);
/* One clause in that form ("-cleaning", "telecare OR \"digital care\""). */
void query_clause_text(const QueryClause *c, Buf *out);

/* The key that signs cursors (a keyed MAC: a cursor cannot be forged or
 * altered): the store's (store_secret "cursor"), so that every process
 * serving one store accepts the others' cursors. Set once, before threads
 * start; until then the key is all zero. */
#define QUERY_CURSOR_KEY 32
void query_cursor_key(const unsigned char key[QUERY_CURSOR_KEY]);

/* The cursor for the position after the item with sort key *last_key (NULL:
 * the item had none; relevance must have one) and ocid last_ocid (1..200
 * bytes of UTF-8 without NUL). Appends base64url text (at most 304
 * characters) to out. 0 ok; ERR_USAGE (out unchanged) when an argument is
 * out of range (a key not of its sort's kind: a time is whole seconds in the
 * years 0000-9999, a score finite and not negative, a value finite; a bad
 * ocid). */
int query_cursor_encode(QuerySort sort, const double *last_key, const char *last_ocid, Buf *out,
                        Err *err);
/* The same for an item of group `group` (QueryCursor.group; 0 for an order
 * without open_first). */
int query_cursor_encode_group(QuerySort sort, int group, const double *last_key, const char *last_ocid, Buf *out,
                              Err *err);
/* Decodes and validates s: 0 and *out filled; or ERR_USAGE "cursor is
 * invalid: ..." (out unchanged). Decoding then encoding gives s back. */
int query_cursor_decode(const char *s, QueryCursor *out, Err *err);

const char *query_sort_name(QuerySort s); /* "relevance", ...; "" for UNSET */

#endif

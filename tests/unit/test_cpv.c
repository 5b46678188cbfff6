/* test_cpv.c -- the CPV list: normalising published codes, labels, and
 * cpv_search (the picker's lookup by word or by code), checked against the
 * generated table itself by brute force where a count is asserted. */
#include <ctype.h>
#include <string.h>

#include "../tap.h"
#include "model/cpv.h"

static void test_normalise_label(void) {
  char c[9];
  is_int(cpv_normalise("72000000-5", c), 0, "a code with its check digit normalises");
  is_str(c, "72000000", "... to its 8 digits");
  is_int(cpv_normalise("7200", c), -1, "4 digits are not a published code");
  is_str(cpv_label("48000000"), "Software package and information systems", "label of 48000000");
  ok(cpv_label("99999999") == NULL, "no label for a code not in the list");
}

/* Brute force: entries whose code starts with prefix. */
static size_t count_prefix(const char *prefix) {
  size_t n = 0;
  for (size_t i = 0; i < cpv_table_len; i++) n += strncmp(cpv_table[i].code, prefix, strlen(prefix)) == 0;
  return n;
}

static void test_search_words(void) {
  const CpvEntry *out[50];
  size_t n = cpv_search("software", out, 50);
  ok(n > 50, "software: many codes match (%zu), more than are shown", n);
  ok(!strcmp(out[0]->code, "30000000") && !strcmp(out[1]->code, "48000000"),
     "software: the divisions first (%s, %s)", out[0]->code, out[1]->code);
  int all = 1, ordered = 1;
  for (size_t i = 0; i < 50; i++) {
    char low[512];
    size_t k = 0;
    for (const char *p = out[i]->label; *p && k < sizeof low - 1; p++) low[k++] = (char)tolower((unsigned char)*p);
    low[k] = 0;
    if (!strstr(low, "software")) all = 0;
    if (i && strlen(out[i - 1]->code) == 8) {
      size_t a = 8, b = 8;
      while (a > 2 && out[i - 1]->code[a - 1] == '0') a--;
      while (b > 2 && out[i]->code[b - 1] == '0') b--;
      if (a > b || (a == b && strcmp(out[i - 1]->code, out[i]->code) >= 0)) ordered = 0;
    }
  }
  ok(all, "software: every code shown has 'software' in its label");
  ok(ordered, "software: broader codes first, then by code");
  is_int(cpv_search("SOFTWARE", out, 50), n, "any case finds the same codes");
  ok(cpv_search("softw", out, 50) >= n, "a word's start finds them too");
  size_t both = cpv_search("software accounting", out, 50);
  ok(both > 0 && both < n, "two words: codes with both (%zu of %zu)", both, n);
  int has = 0;
  for (size_t i = 0; i < both && i < 50; i++) has |= !strcmp(out[i]->code, "48440000"); /* Financial analysis and accounting software package */
  ok(has || cpv_label("48440000") == NULL, "software accounting: finds 48440000");
  is_int(cpv_search("oftware", out, 50), 0, "the middle of a word does not match");
  is_int(cpv_search("zzqqxx", out, 50), 0, "a word in no label: nothing");
  is_int(cpv_search("   ", out, 50), 0, "blank: nothing");
  is_int(cpv_search("", out, 50), 0, "empty: nothing");
  is_int(cpv_search(NULL, out, 50), 0, "NULL: nothing");
  is_int(cpv_search("a b c d e f g h i", out, 50), 0, "more than CPV_SEARCH_MAX_WORDS words: nothing");
  char longer[CPV_SEARCH_MAX_BYTES + 2];
  memset(longer, 'a', sizeof longer - 1);
  longer[sizeof longer - 1] = 0;
  is_int(cpv_search(longer, out, 50), 0, "longer than CPV_SEARCH_MAX_BYTES: nothing");
  is_int(cpv_search("<script>", out, 50), cpv_search("script", out, 50), "punctuation separates words");
}

static void test_search_codes(void) {
  const CpvEntry *out[50];
  is_int(cpv_search("72", out, 50), count_prefix("72"), "72: every code of the division");
  ok(!strcmp(out[0]->code, "72000000"), "72: the division itself first");
  is_int(cpv_search("72000000", out, 50), count_prefix("72"), "72000000 means the division, as the filter reads it");
  is_int(cpv_search("72000000-5", out, 50), count_prefix("72"), "with a check digit");
  is_int(cpv_search(" 7222 ", out, 50), count_prefix("7222"), "spaces around a code");
  is_int(cpv_search("72222300", out, 50), count_prefix("722223"), "a full code: it and its children");
  is_int(cpv_search("7", out, 50), 0, "one digit is neither a code nor a word of any label");
  is_int(cpv_search("123456789", out, 50), 0, "nine digits: nothing");
  size_t n = cpv_search("48", out, 3);
  ok(n > 3 && out[0] && out[1] && out[2], "max bounds what is written (%zu match, 3 written)", n);
}

int main(void) {
  test_normalise_label();
  test_search_words();
  test_search_codes();
  return done_testing();
}

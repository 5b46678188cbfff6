/* test_text.c -- mojibake repair and white-space cleaning (base/text.h),
 * including the real mojibake page of Contracts Finder (2025-01-23). */
#include "base/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../tap.h"

static char *got;
static const char *clean(const char *s) {
  free(got);
  got = text_clean(s);
  return got;
}
static const char *lines(const char *s) {
  free(got);
  got = text_clean_lines(s);
  return got;
}

static int valid_utf8(const char *s) {
  const unsigned char *p = (const unsigned char *)s;
  while (*p) {
    int n = *p < 0x80 ? 1 : (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3 : (*p & 0xF8) == 0xF0 ? 4 : 0;
    if (!n || (n == 2 && *p < 0xC2) || (n == 4 && *p > 0xF4)) return 0;
    for (int i = 1; i < n; i++)
      if ((p[i] & 0xC0) != 0x80) return 0;
    p += n;
  }
  return 1;
}

static size_t count(const char *s, const char *needle) {
  size_t n = 0;
  for (const char *p = s; (p = strstr(p, needle)); p += strlen(needle)) n++;
  return n;
}

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *d = malloc((size_t)n + 1);
  *len = fread(d, 1, (size_t)n, f);
  d[*len] = 0;
  fclose(f);
  return d;
}

static size_t before_pound, after_pound, after_moji, pound, strings, invalid;

/* Cleans every string value under v, counting mojibake before and after. */
static void walk(const cJSON *v) {
  for (const cJSON *c = v ? v->child : NULL; c; c = c->next) {
    if (cJSON_IsString(c) && c->valuestring) {
      strings++;
      before_pound += count(c->valuestring, "\xC3\x82\xC2\xA3");
      char *a = text_clean_lines(c->valuestring);
      after_pound += count(a, "\xC3\x82");
      after_moji += count(a, "\xC3\xA2\xE2\x82\xAC");
      pound += count(a, "\xC2\xA3");
      invalid += !valid_utf8(a);
      free(a);
    } else {
      walk(c);
    }
  }
}

/* Cleans every string of the real 2025-01-23 page; counts mojibake before and after. */
static void real_page(void) {
  char path[1024];
  size_t len = 0;
  snprintf(path, sizeof path, "%s/data/ocds/dev/uk-contracts-finder/api-2022-2025/"
           "contracts-finder-ocds-search-2025-01-23.json", tap_shared());
  char *text = slurp(path, &len);
  if (!ok(text != NULL, "read %s", path)) return;
  is_int(count(text, "\xC3\x82\xC2\xA3"), 17, "the raw page holds 17 'Â£'");
  is_int(count(text, "\xC3\xA2\xE2\x82\xAC"), 10, "the raw page holds 10 'â€'");
  cJSON *root = cJSON_ParseWithLength(text, len);
  ok(root != NULL, "page parses");
  walk(root);
  is_int(before_pound, 17, "17 'Â£' in parsed strings");
  is_int(after_pound, 0, "no 'Â' left after cleaning");
  is_int(after_moji, 0, "no 'â€' left after cleaning");
  ok(pound >= 17, "at least 17 '£' after cleaning (got %zu)", pound);
  is_int(invalid, 0, "all %zu cleaned strings are valid UTF-8", strings);
  cJSON_Delete(root);
  free(text);
}

int main(void) {
  /* mojibake repaired */
  is_str(clean("Budget \xC3\x82\xC2\xA3" "500k"), "Budget \xC2\xA3" "500k", "Â£ -> £");
  is_str(clean("Council\xC3\xA2\xE2\x82\xAC\xE2\x84\xA2s"), "Council\xE2\x80\x99s", "â€™ -> ’ (3-byte, cp1252 € and ™)");
  is_str(clean("2024 \xC3\xA2\xE2\x82\xAC\xE2\x80\x9C 2025"), "2024 \xE2\x80\x93 2025", "â€“ -> – (en dash)");
  is_str(clean("caf\xC3\x83\xC2\xA9"), "caf\xC3\xA9", "Ã© -> é");
  is_str(clean("\xC3\xA2\xE2\x82\xAC\xC5\x93quoted\xC3\xA2\xE2\x82\xAC\xC2\x9D"),
         "\xE2\x80\x9Cquoted\xE2\x80\x9D", "â€œ…â€\\u009D -> “…” (undefined cp1252 byte 9D kept as C1)");
  is_str(clean("\xC3\xB0\xC5\xB8\xCB\x9C\xE2\x82\xAC"), "\xF0\x9F\x98\x80", "4-byte emoji mojibake (ðŸ˜€) -> U+1F600");
  is_str(clean("a\xC3\x82\xC2\xA0" "b"), "a b", "Â+NBSP -> NBSP -> a space in a title");
  is_str(clean("\xC3\x83\xC2\xA2\xC3\xA2\xE2\x80\x9A\xC2\xAC\xC3\xA2\xE2\x80\x9E\xC2\xA2"),
         "\xE2\x80\x99", "double mojibake (Ã¢â‚¬â„¢) -> ’ after two passes");
  {
    int changed = -1;
    char *f = text_fix_mojibake("x \xC3\x82\xC2\xA3 y", 8, &changed);
    is_str(f, "x \xC2\xA3 y", "text_fix_mojibake repairs without touching spaces");
    is_int(changed, 1, "and reports a change");
    free(f);
    f = text_fix_mojibake("plain  text", 11, &changed);
    is_str(f, "plain  text", "text_fix_mojibake copies clean text");
    is_int(changed, 0, "and reports no change");
    free(f);
  }

  /* legitimate text left alone */
  is_str(clean("\xC3\x82"), "\xC3\x82", "a lone Â is kept");
  is_str(clean("\xC3\x82 la carte"), "\xC3\x82 la carte", "Â followed by ASCII is kept");
  is_str(clean("caf\xC3\xA9 S\xC3\xA3o Paulo \xC3\x98rsted M\xC3\xBCnchen"),
         "caf\xC3\xA9 S\xC3\xA3o Paulo \xC3\x98rsted M\xC3\xBCnchen", "real accented words untouched");
  is_str(clean("\xC3\x83" "X"), "\xC3\x83" "X", "Ã + ASCII kept");
  is_str(clean("\xC3\x82\xC2\x85"), "\xC3\x82", "Â + C1 control: no repair to a control char (C1 dropped)");
  is_str(clean("\xC3\x82\xC2\x82\xC2\xA3 "), "\xC2\xA3", "a dropped control between Â and £: repaired (idempotent)");
  is_str(clean("\xC3\x82\xE2\x80\x8B\xC2\xA3"), "\xC2\xA3", "a dropped zero-width space between Â and £: repaired");
  is_str(clean("\xC3\xA0\xC2\xA3"), "\xC3\xA0\xC2\xA3", "à£ is not repaired (E0 A3 would be 3 bytes, incomplete)");
  is_str(clean("\xC3\xAD\xC2\xA0\xC2\x80"), "\xC3\xAD", "í+NBSP+C1 would be a surrogate (ED A0 80): not repaired");
  is_str(clean("\xC3\xB5\xC2\x80\xC2\x80\xC2\x80"), "\xC3\xB5", "õ (F5) is never a lead byte");
  is_str(clean("\xE2\x80\x9CSmart quotes\xE2\x80\x9D \xE2\x80\x93 \xC2\xA3" "5"),
         "\xE2\x80\x9CSmart quotes\xE2\x80\x9D \xE2\x80\x93 \xC2\xA3" "5", "correct UTF-8 punctuation untouched");

  /* white space, titles */
  is_str(clean("  Climate   Science\r\nfor\tService  "), "Climate Science for Service", "trim and collapse incl. CRLF, tab");
  is_str(clean("a\xC2\xA0\xC2\xA0" "b\xE2\x80\x83" "c"), "a b c", "NBSP and em space collapse");
  is_str(clean("a\xE2\x80\x8B" "b\xEF\xBB\xBF"), "ab", "zero-width space and BOM dropped");
  is_str(clean("a\x01\x1B[31mb\x7F"), "a[31mb", "C0 controls and DEL dropped");
  is_str(clean(" \r\n\t "), "", "all white space -> empty");
  is_str(clean(""), "", "empty stays empty");
  ok(text_clean(NULL) == NULL, "NULL -> NULL");
  is_str(clean("bad \xFF byte \xC3"), "bad \xEF\xBF\xBD byte \xEF\xBF\xBD", "invalid bytes -> U+FFFD");
  is_str(clean("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD", "encoded surrogate -> three U+FFFD");
  is_str(clean("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD", "overlong '/' -> U+FFFD");
  is_str(clean("\xF0\x9F\x98\x80 ok"), "\xF0\x9F\x98\x80 ok", "real emoji kept");

  /* white space, descriptions */
  is_str(lines("Request For Information (RFI)\r\n\r\nThis RFI is   an exercise.\r\n"),
         "Request For Information (RFI)\n\nThis RFI is an exercise.", "CRLF paragraphs kept, spaces collapsed");
  is_str(lines("a\n\n\n\n\nb"), "a\n\nb", "at most one blank line");
  is_str(lines("a   \n   b"), "a\nb", "no spaces around a line break");
  is_str(lines("a\rb"), "a\nb", "lone CR is a line break");
  is_str(lines("a\r\rb"), "a\n\nb", "two CRs are a blank line");
  is_str(lines("\n\n  a\n\n"), "a", "leading/trailing blank lines trimmed");
  is_str(lines("a\xE2\x80\xA8" "b"), "a\nb", "U+2028 line separator -> newline");
  is_str(lines("x \xC3\xA2\xE2\x82\xAC\xE2\x84\xA2\r\ny"), "x \xE2\x80\x99\ny", "mojibake repaired in descriptions too");

  /* long input, nothing quadratic: 1 MB of mojibake and spaces */
  {
    size_t n = 1 << 20;
    char *big = malloc(n + 1);
    for (size_t i = 0; i < n; i += 8) memcpy(big + i, "\xC3\x82\xC2\xA3  \r\n ", 8);
    big[n] = 0;
    char *c = text_clean(big);
    ok(c && strlen(c) == (n / 8) * 3 - 1, "1 MB: every Â£ repaired, runs collapsed (%zu bytes)", c ? strlen(c) : 0);
    free(c);
    free(big);
  }

  real_page();
  free(got);
  return done_testing();
}

/* test_html.c -- the escaping HTML writer: every verb, hostile data, money,
 * safe hrefs, the format's context check (run in a child process, since a
 * refused format aborts), highlighted snippets, and a randomised check that
 * no input can get markup through %s or html_snippet. */
#include "web/html.h"

#include <float.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/utf8.h"
#include "../tap.h"

static Buf out_ = BUF_INIT;

/* html_printf into a fresh buffer; returns the text. */
#define H(...) (buf_reset(&out_), html_printf(&out_, __VA_ARGS__), buf_cstr(&out_))

static const char *esc_n(const char *s, size_t n) {
  buf_reset(&out_);
  html_escape(&out_, s, n);
  return buf_cstr(&out_);
}
#define ESC(lit) esc_n(lit, sizeof(lit) - 1)

static const char *href(const char *url) {
  buf_reset(&out_);
  html_attr_url(&out_, url);
  return buf_cstr(&out_);
}

static void test_text(void) {
  is_str(H("<p>%s</p>", "<script>alert(1)</script>"), "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>",
         "%%s escapes a script tag");
  is_str(H("<input value=\"%s\">", "\" onmouseover=\"alert(1)"),
         "<input value=\"&quot; onmouseover=&quot;alert(1)\">", "%%s cannot close a double-quoted attribute");
  is_str(H("%s", "it's"), "it&#39;s", "%%s escapes the single quote");
  is_str(H("%s", "&amp;"), "&amp;amp;", "%%s escapes '&', even of an entity");
  is_str(H("a%sb", (const char *)NULL), "ab", "%%s of NULL prints nothing");
  is_str(H("%s", ""), "", "%%s of empty prints nothing");
  is_str(H("%s", "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xC2\xA0"), "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xC2\xA0",
         "valid UTF-8 (2, 3, 4 bytes, NBSP) passes unchanged");
  is_str(H("%s", "a\x01" "b\x1b[31mc\x7f" "d"), "ab[31mcd", "C0 controls and DEL are dropped");
  is_str(H("%s", "a\tb\nc\rd"), "a\tb\nc\rd", "tab, LF and CR are kept");
  is_str(H("%s", "a\xC2\x85" "b\xC2\x9F" "c"), "abc", "C1 controls (U+0085, U+009F) are dropped");
  is_str(H("%s", "a\xff" "b"), "a\xEF\xBF\xBD" "b", "an invalid byte becomes U+FFFD");
  is_str(H("%s", "a\xC3"), "a\xEF\xBF\xBD", "a truncated sequence at the end becomes U+FFFD");
  is_str(H("%s", "\xC3<"), "\xEF\xBF\xBD&lt;", "a truncated sequence cannot swallow a following '<'");
  is_str(H("%s", "\xC0\xBC"), "\xEF\xBF\xBD\xEF\xBF\xBD", "overlong '<' (C0 BC) is two U+FFFD, never '<'");
  is_str(H("%s", "\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD", "a surrogate is replaced byte by byte");
  is_str(H("%s", "\xE2\x80<b>"), "\xEF\xBF\xBD\xEF\xBF\xBD&lt;b&gt;", "a cut sequence before markup: markup still escaped");
  is_str(ESC("a\0<b"), "a&lt;b", "html_escape drops a NUL inside its length and keeps going");
  is_str(ESC(""), "", "html_escape of nothing");
  is_str(H("%R", "<b>bold</b> & co"), "<b>bold</b> & co", "%%R copies raw markup unchanged");
  is_str(H("x%Ry", (const char *)NULL), "xy", "%%R of NULL prints nothing");
  is_str(H("100%% & <b>%s</b>", "x"), "100% & <b>x</b>", "%%%% is '%%'; the format's own markup is not escaped");
  is_str(H("%s%s%s", "<", ">", "&"), "&lt;&gt;&amp;", "adjacent verbs");
  is_str(H("no verbs"), "no verbs", "a format without verbs");

  Buf b = BUF_INIT;
  buf_adds(&b, "<ul>");
  html_printf(&b, "<li>%s</li>", "x");
  is_str(buf_cstr(&b), "<ul><li>x</li>", "html_printf appends to the buffer");
  is_int(html_printf(&b, "%d", 1), 0, "html_printf returns 0 when all is well");
  buf_release(&b);
}

static void test_numbers(void) {
  is_str(H("%d|%d|%d", 0, -42, INT_MIN), "0|-42|-2147483648", "%%d");
  is_str(H("%ld", LONG_MAX), "9223372036854775807", "%%ld");
  is_str(H("%lld", LLONG_MIN), "-9223372036854775808", "%%lld");
  is_str(H("%zu", SIZE_MAX), "18446744073709551615", "%%zu");
  is_str(H("<td colspan=\"%d\">%zu</td>", 3, (size_t)7), "<td colspan=\"3\">7</td>",
         "numbers in a double-quoted attribute and in text");
}

static void test_url_verbs(void) {
  is_str(H("<a href=\"/notices/%U\">", "ocds-b5fd17/1 2"), "<a href=\"/notices/ocds-b5fd17%2F1%202\">",
         "%%U encodes '/' and space in a path segment");
  is_str(H("<a href=\"/notices/%U\">", "\"><script>alert(1)</script>"),
         "<a href=\"/notices/%22%3E%3Cscript%3Ealert%281%29%3C%2Fscript%3E\">",
         "%%U leaves no quote or bracket to break out with");
  is_str(H("<a href=\"/search?q=%U&amp;page=%d\">", "a&b=c d", 2),
         "<a href=\"/search?q=a%26b%3Dc%20d&amp;page=2\">", "%%U in a query value encodes & and =");
  is_str(H("<a href=\"/n/%U\">", "javascript:alert(1)"), "<a href=\"/n/javascript%3Aalert%281%29\">",
         "a javascript: path segment stays a harmless path");
  is_str(H("%U", (const char *)NULL), "", "%%U of NULL prints nothing");

  is_str(href("https://example.com/a?b=1&c=\"2\""), "https://example.com/a?b=1&amp;c=&quot;2&quot;",
         "an https URL is kept, HTML-escaped");
  is_str(href("http://example.com/"), "http://example.com/", "an http URL is kept");
  is_str(href("HTTPS://EXAMPLE.COM/"), "HTTPS://EXAMPLE.COM/", "the scheme is matched in any case");
  is_str(href("/notices/1?x=<y>"), "/notices/1?x=&lt;y&gt;", "a path from the root is kept, escaped");
  is_str(href("/"), "/", "'/' alone is kept");
  const char *hostile[] = {
      "javascript:alert(1)", "JAVASCRIPT:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>x</script>",
      "vbscript:msgbox(1)", "//evil.example/", "/\\evil.example/", " javascript:alert(1)",
      "\x01javascript:alert(1)", "\tjavascript:alert(1)", "java\tscript:alert(1)", "java\nscript:alert(1)",
      "/\t/evil.example", "/\n/evil.example", "http://ok.example/\r\n", "notices/1", "?q=1", "#top", "",
      "ftp://example.com/", "mailto:x@example.com", "httpx://x", "http", "https//x", "\xC2\xA0javascript:x",
      /* escaping takes out a C1 control: checked after it, "//" (fuzz_query_string found it) */
      "/\xC2\x83//evil.example", "/\xC2\x9F/evil.example"};
  for (size_t i = 0; i < sizeof hostile / sizeof *hostile; i++)
    is_str(href(hostile[i]), "#", "html_attr_url refuses hostile #%zu", i);
  is_str(href(NULL), "#", "html_attr_url of NULL is '#'");
  is_str(href("/\xFF/x"), "/\xEF\xBF\xBD/x", "a byte that is no UTF-8 becomes U+FFFD in a path: kept, no '//'");
  is_str(H("<a href=\"%H\">x</a>", "javascript:alert(1)"), "<a href=\"#\">x</a>", "%%H is html_attr_url");
  is_str(H("<a href=\"%H\">x</a>", "https://a.example/?q=1&r=2"), "<a href=\"https://a.example/?q=1&amp;r=2\">x</a>",
         "%%H keeps a good URL, escaped");
}

static void test_money(void) {
  struct {
    double v;
    const char *cur, *want, *name;
  } cases[] = {
      {145017.8, "GBP", "\xC2\xA3" "145,017.80", "pence shown, two places"},
      {5000, "GBP", "\xC2\xA3" "5,000", "no pence when whole"},
      {5000, "EUR", "\xE2\x82\xAC" "5,000", "euro sign"},
      {2.5, "USD", "$2.50", "dollar sign"},
      {1234, "COP", "1,234 COP", "other currencies: code after the number"},
      {1234, "cop", "1,234 COP", "a lower-case code is upper-cased"},
      {1234, "gbp", "\xC2\xA3" "1,234", "a lower-case gbp is still GBP"},
      {-1234.5, "GBP", "-\xC2\xA3" "1,234.50", "negative"},
      {-7, "NOK", "-7 NOK", "negative, other currency"},
      {0, "GBP", "\xC2\xA3" "0", "zero"},
      {-0.0, "GBP", "\xC2\xA3" "0", "negative zero has no sign"},
      {-0.001, "GBP", "\xC2\xA3" "0", "a negative that rounds to 0 has no sign"},
      {0.5, "GBP", "\xC2\xA3" "0.50", "half a pound"},
      {0.05, "GBP", "\xC2\xA3" "0.05", "five pence"},
      {999.999, "GBP", "\xC2\xA3" "1,000", "rounding carries into the pounds"},
      {100, "GBP", "\xC2\xA3" "100", "three digits, no separator"},
      {1000, "GBP", "\xC2\xA3" "1,000", "four digits, one separator"},
      {999999, "GBP", "\xC2\xA3" "999,999", "six digits"},
      {1234567.891, "GBP", "\xC2\xA3" "1,234,567.89", "millions with pence"},
      {1e9, "GBP", "\xC2\xA3" "1,000,000,000", "a billion"},
      {1e20, "EUR", "\xE2\x82\xAC" "100,000,000,000,000,000,000", "beyond long long cents"},
      {NAN, "GBP", "\xE2\x80\x94", "NaN is an em dash"},
      {INFINITY, "GBP", "\xE2\x80\x94", "infinity is an em dash"},
      {-INFINITY, "USD", "\xE2\x80\x94", "minus infinity is an em dash"},
      {12, NULL, "12", "NULL currency: the bare number"},
      {12, "", "12", "empty currency: the bare number"},
      {12, "<b>", "12 &lt;b&gt;", "a currency that is not a code is escaped"},
      {12, "GBPX", "12 GBPX", "four letters is not GBP"},
      {12, "G\"P", "12 G&quot;P", "three characters but not letters: escaped"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
    is_str(H("%m", cases[i].v, cases[i].cur), cases[i].want, "%%m: %s", cases[i].name);
  is_str(H("<td>%m</td><td>%s</td>", 5000.0, "GBP", "x"), "<td>\xC2\xA3" "5,000</td><td>x</td>",
         "%%m takes two arguments; the next verb gets the next one");
  ok(strlen(H("%m", DBL_MAX, "GBP")) > 400, "DBL_MAX is printed in full, grouped");
}

/* Runs html_printf(fmt, "x", "y", "z") in a child, stderr to a pipe.
 * Returns 1 if the child aborted, 0 if it exited normally; *why gets stderr. */
static int run_child(const char *fmt, char *why, size_t cap) {
  int fds[2];
  why[0] = 0;
  if (pipe(fds) != 0) return -1;
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    close(fds[0]);
    dup2(fds[1], 2);
    Buf b = BUF_INIT;
    html_printf(&b, fmt, "x", "y", "z");
    buf_release(&b);
    _exit(0);
  }
  close(fds[1]);
  size_t n = 0;
  ssize_t r;
  while (n + 1 < cap && (r = read(fds[0], why + n, cap - 1 - n)) > 0) n += (size_t)r;
  why[n] = 0;
  close(fds[0]);
  int status;
  waitpid(pid, &status, 0);
  return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

static void test_refused(void) {
  struct {
    const char *fmt, *reason;
  } bad[] = {
      {"%x", "unknown verb"},
      {"%5s", "unknown verb"},
      {"%-s", "unknown verb"},
      {"%lu", "unknown verb"},
      {"%zd", "unknown verb"},
      {"%lls", "unknown verb"},
      {"%S", "unknown verb"},
      {"trailing %", "unknown verb"},
      {"<script>%s</script>", "<script>"},
      {"<SCRIPT type=\"text/javascript\">var n = %d;</script>", "<script>"},
      {"<style>p { color: %s }</style>", "<style>"},
      {"<script>x<\\/script>%s</script>", "<script>"},
      {"<a onclick=\"%s\">", "on* event-handler"},
      {"<a ONMOUSEOVER=\"go(%d)\">", "on* event-handler"},
      {"<body onload=\"%U\">", "on* event-handler"},
      {"<div style=\"width: %d%%\">", "style attribute"},
      {"<iframe srcdoc=\"%s\">", "srcdoc"},
      {"<a title=%s>", "unquoted"},
      {"<a href=%H>", "unquoted"},
      {"<a title = %s>", "unquoted"},
      {"<a title='%s'>", "single-quoted"},
      {"<a href=\"%s\">", "URL attribute"},
      {"<a href=\"/notices/%s\">", "URL attribute"},
      {"<img SRC=\"%s\">", "URL attribute"},
      {"<form action=\"%s\">", "URL attribute"},
      {"<a href=\"%s?x=1\">", "URL attribute"},
      {"<a href=\"/n?x\" src=\"/%s\">", "URL attribute"},
      {"<a href=\"%R\">", "%R inside an attribute"},
      {"<p title=\"%R\">", "%R inside an attribute"},
      {"<%s>", "inside a tag"},
      {"</%s>", "inside a tag"},
      {"<a %s>", "inside a tag"},
      {"<a title=\"x\" %s=\"y\">", "inside a tag"},
      {"<input %R>", "inside a tag"},
      {"<!-- %s -->", "comment"},
      {"<!-- a > b %s -->", "comment"},
      {"<!-- a -> b %s -->", "comment"},
  };
  char why[1024];
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    int aborted = run_child(bad[i].fmt, why, sizeof why);
    ok(aborted == 1 && strstr(why, "html_printf: ") && strstr(why, bad[i].reason),
       "refused, aborts naming '%s': %s", bad[i].reason, bad[i].fmt);
    if (aborted != 1 || !strstr(why, bad[i].reason)) printf("#   stderr: %s\n", why);
  }

  const char *good[] = {
      "<p>%s</p>",
      "<a href=\"/n/%U\" title=\"%s\">%s</a>",
      "<a href=\"%H\">%s</a>",
      "<a href=\"/notices?%s\">x</a>",
      "<a href=\"/notices#%s\">x</a>",
      "<input type=\"text\" name=\"q\" value=\"%s\">",
      "<option value=\"%s\" selected>%s</option>",
      "<a data-x=\"%s\" class=\"c\">x</a>",
      "<script src=\"/app.js\"></script><p>%s</p>",
      "<style>p{}</style>%s",
      "<!-- a comment -->%s<!---->%s",
      "<br/>%s<br />%s",
      "<a title=\"1 > 0\">%s</a>",
      "<a title=\"it's\">%s</a>",
      "<p class='c'>%s</p>",
      "%R<p>%s</p>",
  };
  for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
    int aborted = run_child(good[i], why, sizeof why);
    ok(aborted == 0 && why[0] == 0, "accepted: %s", good[i]);
    if (aborted) printf("#   stderr: %s\n", why);
  }
}

static int count(const char *s, const char *needle) {
  int n = 0;
  for (const char *p = s; (p = strstr(p, needle)); p += strlen(needle)) n++;
  return n;
}

static const char *snip(const char *text, const char *const *terms, size_t nterms, size_t max) {
  buf_reset(&out_);
  html_snippet(&out_, text, terms, nterms, max);
  return buf_cstr(&out_);
}

static void test_snippet(void) {
  const char *t[] = {"road", "works"};
  is_str(snip("Road works on the A1 <b>", t, 2, 0),
         "<mark>Road</mark> <mark>works</mark> on the A1 &lt;b&gt;", "matches whole words, any case; escapes the rest");
  is_str(snip("roadside works-road", t, 2, 0), "roadside <mark>works</mark>-<mark>road</mark>",
         "no match inside a longer word; punctuation separates words");
  is_str(snip("<script>road</script>", t, 2, 0), "&lt;script&gt;<mark>road</mark>&lt;/script&gt;",
         "markup around a match stays escaped");
  const char *caf[] = {"caf", "caf\xC3\xA9"};
  is_str(snip("caf\xC3\xA9s and caf\xC3\xA9", caf, 2, 0), "caf\xC3\xA9s and <mark>caf\xC3\xA9</mark>",
         "non-ASCII letters belong to the word");
  const char *odd[] = {"<b>", "", NULL, "a&b"};
  is_str(snip("<b> a&b x", odd, 4, 0), "&lt;b&gt; a&amp;b x", "terms with markup never match and are never written");
  is_str(snip("a \xC3 road \xC2\x85", t, 2, 0), "a \xEF\xBF\xBD <mark>road</mark> ", "invalid UTF-8 and C1 controls handled");
  is_str(snip("Road works", t, 0, 0), "Road works", "no terms: plain escaped text");
  is_str(snip(NULL, t, 2, 0), "", "NULL text: nothing");

  /* a window around the first match */
  Buf long_text = BUF_INIT;
  for (int i = 0; i < 40; i++) buf_addf(&long_text, "word%d ", i);
  buf_adds(&long_text, "the <road> ahead ");
  for (int i = 40; i < 80; i++) buf_addf(&long_text, "word%d ", i);
  const char *s = snip(long_text.data, t, 2, 60);
  ok(strncmp(s, "\xE2\x80\xA6 ", 4) == 0, "window: starts with an ellipsis: %s", s);
  ok(strstr(s, "&lt;<mark>road</mark>&gt;") != NULL, "window: holds the match: %s", s);
  size_t sl = strlen(s);
  ok(sl > 4 && strcmp(s + sl - 4, " \xE2\x80\xA6") == 0, "window: ends with an ellipsis: %s", s);
  /* the shown text, markup removed, is a whole-word piece of the original */
  Buf plain = BUF_INIT;
  for (const char *p = s + 4; p < s + sl - 4;) {
    if (!strncmp(p, "<mark>", 6)) p += 6;
    else if (!strncmp(p, "</mark>", 7)) p += 7;
    else if (!strncmp(p, "&lt;", 4)) buf_addc(&plain, '<'), p += 4;
    else if (!strncmp(p, "&gt;", 4)) buf_addc(&plain, '>'), p += 4;
    else buf_addc(&plain, *p++);
  }
  const char *at = strstr(long_text.data, plain.data);
  ok(at && plain.len <= 60, "window: at most 60 bytes of the original text (%zu)", plain.len);
  ok(at && at > long_text.data && at[-1] == ' ' && at[plain.len] == ' ',
     "window: cut at word boundaries: '%s'", plain.data);
  buf_release(&plain);

  s = snip(long_text.data, (const char *const[]){"nomatch"}, 1, 30);
  ok(strncmp(s, "word0 ", 6) == 0 && strstr(s, " \xE2\x80\xA6"), "window without a match: from the start: %s", s);
  s = snip("short text", t, 2, 30);
  is_str(s, "short text", "text within max_bytes: no ellipsis");
  buf_release(&long_text);

  Buf e = BUF_INIT;
  for (int i = 0; i < 100; i++) buf_adds(&e, "\xC3\xA9");
  s = snip(e.data, t, 2, 11);
  size_t bad = 0;
  ok(utf8_check(s, strlen(s), &bad) == 0 && !strstr(s, "\xEF\xBF\xBD"),
     "one long word is cut between characters, never inside one");
  is_int(count(s, "\xC3\xA9"), 5, "and keeps as many whole characters as fit (5 of 2 bytes in 11)");
  buf_release(&e);
}

/* Random hostile strings: the output of %s and html_snippet (with its
 * <mark>s removed) must hold no < > " ', only known entities, valid UTF-8,
 * and no control characters but tab, LF and CR. */
static uint32_t rng = 12345;
static uint32_t next_rand(void) {
  rng = rng * 1103515245u + 12345u;
  return rng >> 8;
}

static int safe_text(const char *s) {
  size_t n = strlen(s), bad;
  if (utf8_check(s, n, &bad) != 0) return 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '<' || c == '>' || c == '"' || c == '\'') return 0;
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) return 0;
    if (c == 0xC2 && (unsigned char)s[i + 1] < 0xA0) return 0;
    if (c == '&' && strncmp(s + i, "&amp;", 5) && strncmp(s + i, "&lt;", 4) && strncmp(s + i, "&gt;", 4) &&
        strncmp(s + i, "&quot;", 6) && strncmp(s + i, "&#39;", 5))
      return 0;
  }
  return 1;
}

static void test_random(void) {
  static const char *pieces[] = {"<", ">", "\"", "'", "&", "a", "road", " ", "\xC3", "\xA9", "\xC2", "\x85",
                                 "\x01", "\x7f", "\xff", "\xE2\x82", "\xAC", "\xF0\x9F\x98\x80", "script",
                                 "javascript:", "mark", "</mark>", "\t", "\n", "\xED\xA0\x80", "\xC0\xBC"};
  const size_t np = sizeof pieces / sizeof *pieces;
  const char *terms[] = {"road", "mark", "a", "script"};
  int fails_s = 0, fails_snip = 0;
  for (int iter = 0; iter < 3000; iter++) {
    Buf in = BUF_INIT;
    int k = (int)(next_rand() % 30);
    for (int i = 0; i < k; i++) buf_adds(&in, pieces[next_rand() % np]);
    if (!safe_text(H("%s", buf_cstr(&in)))) fails_s++;
    buf_reset(&out_);
    html_snippet(&out_, buf_cstr(&in), terms, 4, next_rand() % 3 ? 0 : 1 + next_rand() % 20);
    /* remove the only markup html_snippet may write, then check the rest */
    Buf t = BUF_INIT;
    for (const char *p = buf_cstr(&out_); *p;) {
      if (!strncmp(p, "<mark>", 6)) p += 6;
      else if (!strncmp(p, "</mark>", 7)) p += 7;
      else buf_addc(&t, *p++);
    }
    if (!safe_text(buf_cstr(&t))) fails_snip++;
    buf_release(&t);
    buf_release(&in);
  }
  is_int(fails_s, 0, "3000 random hostile strings: %%s output is always inert text");
  is_int(fails_snip, 0, "3000 random hostile strings: html_snippet writes only <mark> as markup");
}

int main(void) {
  test_text();
  test_numbers();
  test_url_verbs();
  test_money();
  test_refused();
  test_snippet();
  test_random();
  buf_release(&out_);
  return done_testing();
}

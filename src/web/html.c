/* html.c -- see html.h. The context check is a small tokenizer for the
 * format's own markup (HTML's tokenizer states, much simplified): it only
 * has to know, at each verb, whether the verb sits in text, in a
 * double-quoted attribute value (and of which attribute), or somewhere
 * escaping cannot protect. */
#include "web/html.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/url.h"
#include "base/utf8.h"

#define REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD */
#define EM_DASH "\xE2\x80\x94"

/* ---- escaping ---------------------------------------------------------- */

/* s[0..n) is valid UTF-8 (NULs allowed): escapes the five specials and drops
 * C0 controls (but tab, LF, CR), DEL and C1 controls (U+0080..U+009F, which
 * are C2 80..C2 9F). Safe runs are copied in one go. */
static void escape_valid(Buf *out, const unsigned char *s, size_t n) {
  size_t run = 0, i = 0;
  while (i < n) {
    unsigned char c = s[i];
    const char *rep = NULL;
    size_t skip = 1;
    switch (c) {
    case '&': rep = "&amp;"; break;
    case '<': rep = "&lt;"; break;
    case '>': rep = "&gt;"; break;
    case '"': rep = "&quot;"; break;
    case '\'': rep = "&#39;"; break;
    case '\t': case '\n': case '\r': break;
    default:
      if (c < 0x20 || c == 0x7F) rep = "";
      else if (c == 0xC2 && i + 1 < n && s[i + 1] < 0xA0) rep = "", skip = 2;
    }
    if (!rep) {
      i++;
      continue;
    }
    if (i > run) buf_add(out, s + run, i - run);
    buf_adds(out, rep);
    i += skip;
    run = i;
  }
  if (i > run) buf_add(out, s + run, i - run);
}

void html_escape(Buf *out, const char *s, size_t n) {
  buf_grow(out, n);
  size_t i = 0;
  while (i < n) {
    size_t bad = 0;
    size_t good = utf8_check(s + i, n - i, &bad) == 0 ? n - i : bad;
    escape_valid(out, (const unsigned char *)s + i, good);
    i += good;
    if (i < n) { /* one U+FFFD per byte that starts no valid sequence */
      buf_add(out, REPLACEMENT, 3);
      i++;
    }
  }
}

/* ---- URLs -------------------------------------------------------------- */

static int prefix_ci(const char *s, const char *lower_prefix) {
  for (; *lower_prefix; s++, lower_prefix++) {
    char c = *s >= 'A' && *s <= 'Z' ? (char)(*s - 'A' + 'a') : *s;
    if (c != *lower_prefix) return 0;
  }
  return 1;
}

static int url_is_safe(const char *u) {
  if (!u) return 0;
  for (const unsigned char *p = (const unsigned char *)u; *p; p++)
    if (*p < 0x20 || *p == 0x7F) return 0;
  if (u[0] == '/') return u[1] != '/' && u[1] != '\\';
  return prefix_ci(u, "http:") || prefix_ci(u, "https:");
}

/* Checked as it will be written: escaping drops or replaces bytes (a C1
 * control, say), so "/\xC2\x83//x" would pass the check and then read
 * "///x", which a browser takes for the host x. */
void html_attr_url(Buf *out, const char *url) {
  Buf e = BUF_INIT;
  if (url) html_escape(&e, url, strlen(url));
  if (url && url_is_safe(buf_cstr(&e)))
    buf_add(out, e.data, e.len);
  else
    buf_addc(out, '#');
  buf_release(&e);
}

/* ---- money ------------------------------------------------------------- */

static void add_grouped(Buf *out, const char *digits) {
  size_t n = strlen(digits);
  for (size_t i = 0; i < n; i++) {
    if (i > 0 && (n - i) % 3 == 0) buf_addc(out, ',');
    buf_addc(out, digits[i]);
  }
}

static void add_money(Buf *out, double v, const char *cur) {
  if (!isfinite(v)) {
    buf_adds(out, EM_DASH);
    return;
  }
  char code[4] = {0};
  const char *sym = NULL;
  int is_code = cur && strlen(cur) == 3;
  for (int i = 0; is_code && i < 3; i++) {
    char c = cur[i];
    if (c >= 'a' && c <= 'z') c = (char)(c - 'a' + 'A');
    if (c < 'A' || c > 'Z') is_code = 0;
    code[i] = c;
  }
  if (is_code) {
    if (!strcmp(code, "GBP")) sym = "\xC2\xA3";
    else if (!strcmp(code, "EUR")) sym = "\xE2\x82\xAC";
    else if (!strcmp(code, "USD")) sym = "$";
  }

  /* 309 digits for DBL_MAX. Below 1e15 the pence fit a long long exactly
   * enough; above, pence are noise and are not shown. */
  char digits[400];
  long long pence = 0;
  double a = fabs(v);
  if (a < 1e15) {
    long long cents = llround(a * 100.0);
    snprintf(digits, sizeof digits, "%lld", cents / 100);
    pence = cents % 100;
  } else {
    snprintf(digits, sizeof digits, "%.0f", a);
  }
  if (v < 0 && (pence || strcmp(digits, "0"))) buf_addc(out, '-');
  if (sym) buf_adds(out, sym);
  add_grouped(out, digits);
  if (pence) buf_addf(out, ".%02lld", pence);
  if (sym || !cur || !*cur) return;
  buf_addc(out, ' ');
  if (is_code)
    buf_add(out, code, 3);
  else
    html_escape(out, cur, strlen(cur));
}

/* ---- the format's context ---------------------------------------------- */

typedef enum {
  C_TEXT,
  C_TAG_NAME,   /* after '<' */
  C_TAG,        /* between attributes */
  C_ATTR_NAME,
  C_AFTER_ATTR, /* "name " -- '=' may still come */
  C_BEFORE_VAL, /* "name=" */
  C_VAL_DQ,
  C_VAL_SQ,
  C_VAL_UNQ,
  C_RAWTEXT,    /* inside <script> or <style> */
  C_COMMENT
} CtxState;

typedef struct {
  CtxState st;
  char tag[16], attr[16]; /* lower-cased; *_len counts even what did not fit */
  size_t tag_len, attr_len;
  int in_query;      /* in C_VAL_DQ: the format wrote a '?' or '#' in this value */
  const char *close; /* in C_RAWTEXT: "</script" or "</style" */
  size_t matched;    /* bytes of close (C_RAWTEXT) or "-->" (C_COMMENT) seen */
} Ctx;

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c; }

static void name_add(char *name, size_t *len, size_t cap, char c) {
  if (*len + 1 < cap) name[*len] = lower(c), name[*len + 1] = 0;
  (*len)++;
}

static int name_is(const char *name, size_t len, const char *want) {
  return len == strlen(want) && !strcmp(name, want);
}

static void tag_end(Ctx *c) {
  c->st = C_TEXT;
  if (name_is(c->tag, c->tag_len, "script")) c->st = C_RAWTEXT, c->close = "</script";
  if (name_is(c->tag, c->tag_len, "style")) c->st = C_RAWTEXT, c->close = "</style";
  c->matched = 0;
}

static void attr_start(Ctx *c, char ch) {
  c->st = C_ATTR_NAME;
  c->attr_len = 0;
  c->attr[0] = 0;
  name_add(c->attr, &c->attr_len, sizeof c->attr, ch);
}

static void ctx_feed(Ctx *c, char ch) {
  switch (c->st) {
  case C_TEXT:
    if (ch == '<') c->st = C_TAG_NAME, c->tag_len = 0, c->tag[0] = 0;
    break;
  case C_TAG_NAME:
    if (ch == '>') tag_end(c);
    else if (is_space(ch) || (ch == '/' && c->tag_len > 0)) c->st = C_TAG;
    else {
      name_add(c->tag, &c->tag_len, sizeof c->tag, ch);
      if (name_is(c->tag, c->tag_len, "!--")) c->st = C_COMMENT, c->matched = 0;
    }
    break;
  case C_TAG:
    if (ch == '>') tag_end(c);
    else if (!is_space(ch) && ch != '/') attr_start(c, ch);
    break;
  case C_ATTR_NAME:
    if (ch == '>') tag_end(c);
    else if (ch == '=') c->st = C_BEFORE_VAL;
    else if (ch == '/') c->st = C_TAG;
    else if (is_space(ch)) c->st = C_AFTER_ATTR;
    else name_add(c->attr, &c->attr_len, sizeof c->attr, ch);
    break;
  case C_AFTER_ATTR:
    if (ch == '>') tag_end(c);
    else if (ch == '=') c->st = C_BEFORE_VAL;
    else if (ch == '/') c->st = C_TAG;
    else if (!is_space(ch)) attr_start(c, ch);
    break;
  case C_BEFORE_VAL:
    if (ch == '"') c->st = C_VAL_DQ, c->in_query = 0;
    else if (ch == '\'') c->st = C_VAL_SQ;
    else if (ch == '>') tag_end(c);
    else if (!is_space(ch)) c->st = C_VAL_UNQ;
    break;
  case C_VAL_DQ:
    if (ch == '"') c->st = C_TAG;
    if (ch == '?' || ch == '#') c->in_query = 1;
    break;
  case C_VAL_SQ:
    if (ch == '\'') c->st = C_TAG;
    break;
  case C_VAL_UNQ:
    if (ch == '>') tag_end(c);
    else if (is_space(ch)) c->st = C_TAG;
    break;
  case C_RAWTEXT:
    if (lower(ch) == c->close[c->matched]) {
      if (!c->close[++c->matched]) c->st = C_TAG, c->tag_len = 0, c->tag[0] = 0;
    } else {
      c->matched = ch == '<';
    }
    break;
  case C_COMMENT:
    if (ch == '-') c->matched++;
    else if (ch == '>' && c->matched >= 2) c->st = C_TEXT;
    else c->matched = 0;
    break;
  }
}

static int is_url_attr(const char *a, size_t len) {
  static const char *const names[] = {"href",   "src",  "action", "formaction", "poster",
                                      "cite",   "srcset", "data", "ping",       "background",
                                      "xlink:href", "codebase", "longdesc", "manifest",
                                      "lowsrc", "dynsrc", "usemap", "archive", "classid"};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++)
    if (name_is(a, len, names[i])) return 1;
  return 0;
}

/* Why verb may not appear here, or NULL when it may. */
static const char *ctx_refuses(const Ctx *c, char verb) {
  switch (c->st) {
  case C_TEXT: return NULL;
  case C_VAL_DQ:
    if (verb == 'R') return "%R inside an attribute value";
    if (c->attr_len >= 2 && c->attr[0] == 'o' && c->attr[1] == 'n')
      return "a verb in an on* event-handler attribute";
    if (name_is(c->attr, c->attr_len, "style")) return "a verb in a style attribute";
    if (name_is(c->attr, c->attr_len, "srcdoc")) return "a verb in a srcdoc attribute";
    /* After the format's own '?' or '#', data cannot choose scheme, host or
     * path: "/notices?%s" with a query built by url_query_add is fine. */
    if (verb == 's' && is_url_attr(c->attr, c->attr_len) && !c->in_query)
      return "%s in a URL attribute before its '?' (use %U for a part of a URL, %H for a whole URL)";
    return NULL;
  case C_VAL_SQ: return "a verb in a single-quoted attribute (use double quotes)";
  case C_BEFORE_VAL:
  case C_VAL_UNQ: return "a verb in an unquoted attribute value (use double quotes)";
  case C_RAWTEXT: return "a verb inside <script> or <style>";
  case C_COMMENT: return "a verb inside an HTML comment";
  default: return "a verb inside a tag (tag or attribute name)";
  }
}

/* ---- the writer -------------------------------------------------------- */

static int bad_format(Buf *out, size_t start, const char *fmt, const char *at, const char *why) {
  fprintf(stderr, "html_printf: %s at offset %td of format \"%s\"\n", why, at - fmt, fmt);
#ifndef NDEBUG
  abort();
#endif
  out->len = start;
  if (out->data) out->data[start] = 0;
  return ERR_USAGE;
}

int html_vprintf(Buf *out, const char *fmt, va_list ap) {
  size_t start = out->len;
  Ctx ctx = {.st = C_TEXT};
  const char *p = fmt;
  for (;;) {
    const char *q = p;
    while (*q && *q != '%') ctx_feed(&ctx, *q++);
    if (q > p) buf_add(out, p, (size_t)(q - p));
    if (!*q) break;

    const char *v = q + 1;
    char mod = 0; /* 'l', 'L' (ll) or 'z' */
    if (*v == 'l') mod = 'l', v++;
    if (mod == 'l' && *v == 'l') mod = 'L', v++;
    if (!mod && *v == 'z') mod = 'z', v++;
    char verb = *v;
    int known = mod ? ((mod == 'z' && verb == 'u') || (mod != 'z' && verb == 'd'))
                    : verb && strchr("sUHdmR%", verb) != NULL;
    if (!known) return bad_format(out, start, fmt, q, "unknown verb");
    const char *why = verb == '%' ? NULL : ctx_refuses(&ctx, verb);
    if (why) return bad_format(out, start, fmt, q, why);

    const char *s;
    switch (verb) {
    case 's':
      if ((s = va_arg(ap, const char *))) html_escape(out, s, strlen(s));
      break;
    case 'U':
      /* Percent-encoded text is only A-Z a-z 0-9 - . _ ~ %: nothing to escape. */
      if ((s = va_arg(ap, const char *))) url_encode(out, s, strlen(s));
      break;
    case 'H': html_attr_url(out, va_arg(ap, const char *)); break;
    case 'R':
      if ((s = va_arg(ap, const char *))) buf_adds(out, s);
      break;
    case 'm': {
      double d = va_arg(ap, double);
      add_money(out, d, va_arg(ap, const char *));
      break;
    }
    case '%': buf_addc(out, '%'); break;
    case 'd':
      if (mod == 'l') buf_addf(out, "%ld", va_arg(ap, long));
      else if (mod == 'L') buf_addf(out, "%lld", va_arg(ap, long long));
      else buf_addf(out, "%d", va_arg(ap, int));
      break;
    case 'u': buf_addf(out, "%zu", va_arg(ap, size_t)); break;
    }
    p = v + 1;
  }
  return 0;
}

int html_printf(Buf *out, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int rc = html_vprintf(out, fmt, ap);
  va_end(ap);
  return rc;
}

/* ---- search snippets --------------------------------------------------- */

static int is_word(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

static int is_term(const char *w, size_t n, const char *const *terms, size_t nterms) {
  for (size_t t = 0; t < nterms; t++) {
    const char *term = terms[t];
    if (!term || strlen(term) != n) continue;
    size_t i = 0;
    while (i < n && lower(w[i]) == lower(term[i])) i++;
    if (i == n) return 1;
  }
  return 0;
}

/* Offset of the first word of s[0..n) that is a term, or n. */
static size_t first_term(const char *s, size_t n, const char *const *terms, size_t nterms) {
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && is_word((unsigned char)s[j])) j++;
    if (j > i && is_term(s + i, j - i, terms, nterms)) return i;
    i = j > i ? j : i + 1;
  }
  return n;
}

static void highlight(Buf *out, const char *s, size_t n, const char *const *terms, size_t nterms) {
  for (size_t i = 0; i < n;) {
    size_t j = i;
    int word = is_word((unsigned char)s[i]);
    while (j < n && is_word((unsigned char)s[j]) == word) j++;
    if (word && is_term(s + i, j - i, terms, nterms)) {
      buf_adds(out, "<mark>");
      html_escape(out, s + i, j - i);
      buf_adds(out, "</mark>");
    } else {
      html_escape(out, s + i, j - i);
    }
    i = j;
  }
}

void html_snippet(Buf *out, const char *text, const char *const *terms, size_t nterms,
                  size_t max_bytes) {
  if (!text) return;
  size_t n = strlen(text), start = 0, end = n;
  const unsigned char *t = (const unsigned char *)text;
  if (max_bytes && n > max_bytes) {
    size_t m = first_term(text, n, terms, nterms);
    if (m == n) m = 0;
    size_t lead = max_bytes / 4;
    start = m > lead ? m - lead : 0;
    /* To the end of a word cut in two (m starts a word, so this stops there),
     * then past the spaces and punctuation after it. */
    while (start > 0 && start < m && is_word(t[start - 1])) start++;
    while (start > 0 && start < m && !is_word(t[start])) start++;
    if (n - start > max_bytes) {
      end = start + max_bytes;
      size_t e = end;
      while (e > start && is_word(t[e - 1]) && is_word(t[e])) e--;
      if (e == start) /* one long word: cut it, but not inside a character */
        for (e = end; e > start && (t[e] & 0xC0) == 0x80;) e--;
      while (e > start && !is_word(t[e - 1])) e--; /* no trailing spaces */
      end = e > start ? e : end;
    }
  }
  if (start > 0) buf_adds(out, "\xE2\x80\xA6 ");
  highlight(out, text + start, end - start, terms, nterms);
  if (end < n) buf_adds(out, " \xE2\x80\xA6");
}

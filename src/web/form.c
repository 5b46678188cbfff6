/* form.c -- form bodies, Cookie headers and Set-Cookie values (form.h).
 *
 * form_parse is url_query_parse (base/url.c) with a callback that collects
 * the pairs: one splitter and one decoder for queries and forms, so the two
 * cannot drift apart. Its error codes are mapped to form.h's short reasons;
 * url.c reports a NUL and a bad escape with the same code (ERR_USAGE), told
 * apart by its message (tests/unit/test_form.c pins both). */
#include "web/form.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/url.h"

typedef struct {
  Buf text; /* "name\0value\0name\0value\0..." */
  size_t n;
} Collect;

static int collect(void *ctx, const char *name, const char *value, Err *err) {
  Collect *c = ctx;
  buf_add(&c->text, name, strlen(name) + 1);
  buf_add(&c->text, value, strlen(value) + 1);
  c->n++;
  return 0;
}

static const char *reason(const Err *err) {
  switch (err->code) {
  case ERR_LIMIT: return "more than 64 fields";
  case ERR_UTF8: return "not UTF-8";
  default: return strstr(err->msg, "NUL") ? "a NUL byte" : "a bad %-escape";
  }
}

int form_parse(const char *body, size_t len, FormField **fields, size_t *n, const char **why) {
  *fields = NULL;
  *n = 0;
  if (!body) len = 0;
  Collect c = {BUF_INIT, 0};
  Err err = ERR_INIT;
  if (url_query_parse(body, len, FORM_MAX_FIELDS, len, collect, &c, &err) != 0) {
    buf_release(&c.text);
    if (why) *why = reason(&err);
    return -1;
  }
  if (c.n > 0) {
    /* one block: the array, then the strings it points into */
    FormField *f = xmalloc(c.n * sizeof *f + c.text.len);
    char *text = (char *)(f + c.n);
    memcpy(text, c.text.data, c.text.len);
    for (size_t i = 0, p = 0; i < c.n; i++) {
      f[i].name = text + p;
      p += strlen(text + p) + 1;
      f[i].value = text + p;
      p += strlen(text + p) + 1;
    }
    *fields = f;
    *n = c.n;
  }
  buf_release(&c.text);
  return 0;
}

const char *form_get(const FormField *f, size_t n, const char *name) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(f[i].name, name) == 0) return f[i].value;
  return NULL;
}

size_t form_count(const FormField *f, size_t n, const char *name) {
  size_t k = 0;
  for (size_t i = 0; i < n; i++) k += strcmp(f[i].name, name) == 0;
  return k;
}

/* RFC 6265: cookie-octet = %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E */
static int cookie_octet(unsigned char c) {
  return c >= 0x21 && c <= 0x7E && c != '"' && c != ',' && c != ';' && c != '\\';
}

/* RFC 9110 tchar */
static int tchar(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         (c && strchr("!#$%&'*+-.^_`|~", c));
}

static int is_ows(char c) { return c == ' ' || c == '\t'; }

int cookie_get(const char *header, const char *name, char *out, size_t cap) {
  if (!header || !name || !*name) return 0;
  size_t want = strlen(name);
  for (const char *p = header; *p;) {
    const char *end = strchr(p, ';');
    if (!end) end = p + strlen(p);
    const char *eq = memchr(p, '=', (size_t)(end - p));
    if (eq) {
      const char *ns = p, *ne = eq, *vs = eq + 1, *ve = end;
      while (ns < ne && is_ows(*ns)) ns++;
      while (ne > ns && is_ows(ne[-1])) ne--;
      if ((size_t)(ne - ns) == want && memcmp(ns, name, want) == 0) {
        while (vs < ve && is_ows(*vs)) vs++;
        while (ve > vs && is_ows(ve[-1])) ve--;
        if (ve - vs >= 2 && *vs == '"' && ve[-1] == '"') vs++, ve--;
        size_t len = (size_t)(ve - vs);
        if (cap > 0) out[0] = 0;
        if (len + 1 > cap) return -1;
        for (const char *q = vs; q < ve; q++)
          if (!cookie_octet((unsigned char)*q)) return -1;
        memcpy(out, vs, len);
        out[len] = 0;
        return 1;
      }
    }
    p = *end ? end + 1 : end;
  }
  return 0;
}

int cookie_format(Buf *out, const char *name, const char *value, long max_age, int secure) {
  if (!name || !*name || !value) return -1;
  for (const char *q = name; *q; q++)
    if (!tchar((unsigned char)*q)) return -1;
  for (const char *q = value; *q; q++)
    if (!cookie_octet((unsigned char)*q)) return -1;
  buf_addf(out, "%s=%s; Path=/; ", name, value);
  if (max_age >= 0) buf_addf(out, "Max-Age=%ld; ", max_age);
  buf_adds(out, "HttpOnly; SameSite=Lax");
  if (secure) buf_adds(out, "; Secure");
  return 0;
}

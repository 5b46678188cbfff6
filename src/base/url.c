/* url.c -- see url.h. Offsets in error messages are byte offsets into the
 * input as given (the raw, still-encoded text), counted from 0. */
#include "base/url.h"

#include <stdio.h>
#include <string.h>

#include "base/utf8.h"

static const char HEX[] = "0123456789ABCDEF";

static int is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         c == '-' || c == '.' || c == '_' || c == '~';
}

static int hex_val(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

void url_encode(Buf *out, const char *s, size_t n) {
  const unsigned char *p = (const unsigned char *)s;
  buf_grow(out, n); /* at least; escapes grow it further */
  size_t i = 0;
  while (i < n) {
    size_t run = i;
    while (run < n && is_unreserved(p[run])) run++;
    if (run > i) buf_add(out, p + i, run - i);
    if (run >= n) break;
    char e[3] = {'%', HEX[p[run] >> 4], HEX[p[run] & 15]};
    buf_add(out, e, 3);
    i = run + 1;
  }
}

/* The raw offset (in s) of the byte that decodes to decoded offset d. */
static size_t raw_offset(const char *s, size_t n, size_t d) {
  size_t i = 0;
  for (size_t k = 0; k < d && i < n; k++) i += s[i] == '%' ? 3 : 1;
  return i;
}

/* url_decode, with offsets in messages shifted by base (the position of s in
 * a larger input, for the query parser). */
static int decode_at(Buf *out, const char *s, size_t n, int flags, size_t base, Err *err) {
  size_t start = out->len;
  int rc;
  buf_grow(out, n);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '%') {
      if (n - i < 3 || hex_val((unsigned char)s[i + 1]) < 0 || hex_val((unsigned char)s[i + 2]) < 0) {
        rc = err_set(err, ERR_USAGE, "'%%' at byte %zu is not followed by two hex digits", base + i);
        goto fail;
      }
      c = (unsigned char)(hex_val((unsigned char)s[i + 1]) << 4 | hex_val((unsigned char)s[i + 2]));
      if (c == 0) {
        rc = err_set(err, ERR_USAGE, "%%00 (a NUL byte) at byte %zu is not allowed", base + i);
        goto fail;
      }
      i += 2;
    } else if (c == '+' && (flags & URL_PLUS_SPACE)) {
      c = ' ';
    } else if (c == 0) {
      rc = err_set(err, ERR_USAGE, "a NUL byte at byte %zu is not allowed", base + i);
      goto fail;
    }
    out->data[out->len++] = (char)c;
  }
  out->data[out->len] = 0;
  size_t bad;
  if (utf8_check(out->data + start, out->len - start, &bad) != 0) {
    rc = err_set(err, ERR_UTF8, "invalid UTF-8 at byte %zu (after percent-decoding)",
            base + raw_offset(s, n, bad));
    goto fail;
  }
  return 0;
fail:
  out->len = start;
  out->data[start] = 0;
  return rc;
}

int url_decode(Buf *out, const char *s, size_t n, int flags, Err *err) {
  return decode_at(out, s, n, flags, 0, err);
}

/* " ('name')" when the raw name is a short plain identifier, safe to echo in
 * a message that may reach a log or a page; else "". */
static void describe_name(const char *s, size_t n, char *out, size_t cap) {
  out[0] = 0;
  if (n == 0 || n > 32) return;
  for (size_t i = 0; i < n; i++)
    if (!is_unreserved((unsigned char)s[i])) return;
  snprintf(out, cap, " ('%.*s')", (int)n, s);
}

int url_query_parse(const char *qs, size_t n, size_t max_pairs, size_t max_len,
                    UrlQueryFn fn, void *ctx, Err *err) {
  if (n > max_len)
    return err_set(err, ERR_LIMIT, "query string is %zu bytes; the limit is %zu", n, max_len);
  size_t pieces = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && qs[j] != '&') j++;
    if (j > i) pieces++;
    i = j + 1;
  }
  if (pieces > max_pairs)
    return err_set(err, ERR_LIMIT, "query string has %zu parameters; the limit is %zu", pieces,
                   max_pairs);

  /* Decode everything into "name\0value\0name\0value\0..." first: decoded
   * text holds no NUL, so the pairs can be walked back without offsets. */
  int rc = 0;
  Buf pairs = BUF_INIT;
  size_t index = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && qs[j] != '&') j++;
    if (j == i) {
      i = j + 1;
      continue;
    }
    index++;
    const char *eq = memchr(qs + i, '=', j - i);
    size_t name_end = eq ? (size_t)(eq - qs) : j;
    size_t mark = pairs.len;
    char who[48];
    describe_name(qs + i, name_end - i, who, sizeof who);
    if ((rc = decode_at(&pairs, qs + i, name_end - i, URL_PLUS_SPACE, i, err)) != 0) {
      err_prefix(err, "query parameter %zu%s, name: ", index, who);
      goto out;
    }
    if (pairs.len == mark) { /* empty name: nothing can ask for it */
      i = j + 1;
      continue;
    }
    buf_addc(&pairs, 0);
    size_t v = eq ? name_end + 1 : j;
    if ((rc = decode_at(&pairs, qs + v, j - v, URL_PLUS_SPACE, v, err)) != 0) {
      err_prefix(err, "query parameter %zu%s, value: ", index, who);
      goto out;
    }
    buf_addc(&pairs, 0);
    i = j + 1;
  }

  for (size_t p = 0; p < pairs.len;) {
    const char *name = pairs.data + p;
    p += strlen(name) + 1;
    const char *value = pairs.data + p;
    p += strlen(value) + 1;
    if ((rc = fn(ctx, name, value, err)) != 0) goto out;
  }
out:
  buf_release(&pairs);
  return rc;
}

void url_query_add(Buf *out, const char *name, const char *value) {
  if (out->len > 0 && out->data[out->len - 1] != '?' && out->data[out->len - 1] != '&')
    buf_addc(out, '&');
  url_encode(out, name, strlen(name));
  buf_addc(out, '=');
  if (value) url_encode(out, value, strlen(value));
}

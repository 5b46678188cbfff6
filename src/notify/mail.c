/* mail.c -- builds one mail message: checked headers, RFC 2047 words, a
 * quoted-printable body (see mail.h for the rules). Everything is written
 * into a scratch Buf first and appended to the caller's only when the whole
 * message is good, so a refused mail leaves no half-built message behind.
 * Base64 and the random Message-ID and boundary come from libsodium
 * (sodium_bin2base64, randombytes_buf), not from code of our own. */
#include "notify/mail.h"

#include <sodium.h>
#include <string.h>

#include "base/utf8.h"

/* Header lines are folded to stay within this many characters where a fold
 * is possible (RFC 5322 2.1.1 "SHOULD be no more than 78"; RFC 2047 asks for
 * 76 on lines that carry encoded-words, so we keep 76 everywhere). */
#define MAIL_LINE_MAX 76
#define WORD_MAX 75 /* an encoded-word, =?UTF-8?B?...?= (RFC 2047 2) */
#define WORD_OVERHEAD 12 /* strlen("=?UTF-8?B?") + strlen("?=") */

/* 1 when s has a control character: C0 (CR, LF, tab included), DEL, or C1
 * (U+0080..U+009F, C2 80..C2 9F in UTF-8). */
static int has_control(const char *s) {
  const unsigned char *p = (const unsigned char *)s;
  for (; *p; p++) {
    if (*p < 0x20 || *p == 0x7f) return 1;
    if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) return 1;
  }
  return 0;
}

static int plain_ascii(const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    if (*p < 0x20 || *p > 0x7e) return 0;
  return 1;
}

/* A dot-atom (RFC 5322 3.2.3) restricted as mail.h says: no empty atom. */
static int dot_atom_ok(const char *s, size_t n) {
  if (n == 0 || s[0] == '.' || s[n - 1] == '.') return 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c <= 0x20 || c >= 0x7f || strchr("<>()[],;:\\\"@", c)) return 0;
    if (c == '.' && s[i + 1] == '.') return 0;
  }
  return 1;
}

int mail_address_check(const char *addr) {
  if (!addr) return 0;
  size_t n = strlen(addr);
  const char *at = strchr(addr, '@');
  if (n > MAIL_ADDRESS_MAX || !at) return 0;
  size_t local = (size_t)(at - addr);
  return local <= 64 && dot_atom_ok(addr, local) && dot_atom_ok(at + 1, n - local - 1);
}

/* Checks one header value: present, no control characters, valid UTF-8. */
static int header_value_ok(const char *field, const char *v, Err *err) {
  if (!v) return err_set(err, ERR_USAGE, "mail %s is missing", field);
  if (has_control(v))
    return err_set(err, ERR_USAGE, "mail %s refused: it contains a line break or another control character",
                   field);
  if (utf8_check(v, strlen(v), NULL) != 0) return err_set(err, ERR_UTF8, "mail %s is not valid UTF-8", field);
  return 0;
}

static int address_ok(const char *field, const char *v, Err *err) {
  int rc = header_value_ok(field, v, err);
  if (rc) return rc;
  if (!mail_address_check(v))
    return err_set(err, ERR_USAGE, "mail %s '%s' is not a usable address (local@domain, ASCII, no spaces)", field, v);
  return 0;
}

static int domain_ok(const char *d) {
  size_t n = d ? strlen(d) : 0;
  if (n == 0 || n > 253) return 0;
  for (const char *p = d; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
          *p == '.'))
      return 0;
  return dot_atom_ok(d, n);
}

static int body_ok(const char *field, const char *v, Err *err) {
  size_t n = strlen(v);
  if (n > MAIL_BODY_MAX)
    return err_set(err, ERR_LIMIT, "mail %s part is %zu bytes, over the limit of %d", field, n, MAIL_BODY_MAX);
  if (utf8_check(v, n, NULL) != 0) return err_set(err, ERR_UTF8, "mail %s part is not valid UTF-8", field);
  return 0;
}

/* Length of the UTF-8 sequence that starts with byte c (1 for a stray byte,
 * which valid input never has). */
static size_t seq_len(unsigned char c) {
  return c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
}

/* Appends s as RFC 2047 B encoded-words, the first starting at column col,
 * each later one on a folded line (CRLF SP). Each word holds whole
 * characters and is at most WORD_MAX long and within MAIL_LINE_MAX. */
static void add_encoded_words(Buf *out, const char *s, size_t col) {
  size_t n = strlen(s), i = 0;
  char b64[WORD_MAX];
  do {
    size_t room = MAIL_LINE_MAX - col < WORD_MAX ? MAIL_LINE_MAX - col : WORD_MAX;
    size_t max_bytes = (room - WORD_OVERHEAD) / 4 * 3, take = 0;
    while (i + take < n) {
      size_t l = seq_len((unsigned char)s[i + take]);
      if (take + l > max_bytes) break;
      take += l;
    }
    sodium_bin2base64(b64, sizeof b64, (const unsigned char *)s + i, take, sodium_base64_VARIANT_ORIGINAL);
    buf_addf(out, "=?UTF-8?B?%s?=", b64);
    i += take;
    if (i < n) {
      buf_adds(out, "\r\n ");
      col = 1;
    }
  } while (i < n);
}

/* Appends plain printable ASCII folded before spaces to keep lines within
 * MAIL_LINE_MAX (unfolding removes only the CRLF, so the text reads back as is). */
static void add_folded(Buf *out, const char *s, size_t col) {
  const char *p = s;
  while (*p) {
    const char *sp = strchr(p + 1, ' ');
    size_t word = sp ? (size_t)(sp - p) : strlen(p);
    if (p != s && *p == ' ' && col + word > MAIL_LINE_MAX) {
      buf_adds(out, "\r\n");
      col = 0;
    }
    buf_add(out, p, word);
    col += word;
    p += word;
  }
}

/* The longest space-free run in s: plain text is only folded at spaces. */
static size_t longest_word(const char *s) {
  size_t best = 0, cur = 0;
  for (; *s; s++) {
    cur = *s == ' ' ? 0 : cur + 1;
    if (cur > best) best = cur;
  }
  return best;
}

/* Subject: plain when printable ASCII that needs no encoding and folds;
 * encoded-words otherwise ("=?" is encoded so a reader cannot mistake it). */
static void add_subject(Buf *out, const char *subject) {
  static const char name[] = "Subject: ";
  buf_adds(out, name);
  if (plain_ascii(subject) && !strstr(subject, "=?") && longest_word(subject) < MAIL_LINE_MAX - sizeof name)
    add_folded(out, subject, sizeof name - 1);
  else
    add_encoded_words(out, subject, sizeof name - 1);
  buf_adds(out, "\r\n");
}

/* From: addr, or a display name: a quoted-string when plain ASCII, else
 * encoded-words (which may not sit inside quotes). */
static void add_from(Buf *out, const char *name, const char *addr) {
  static const char field[] = "From: ";
  buf_adds(out, field);
  if (name && *name) {
    if (plain_ascii(name) && !strstr(name, "=?") && strlen(name) + 2 < MAIL_LINE_MAX - sizeof field) {
      buf_addc(out, '"');
      for (const char *p = name; *p; p++) {
        if (*p == '"' || *p == '\\') buf_addc(out, '\\');
        buf_addc(out, *p);
      }
      buf_addc(out, '"');
    } else {
      add_encoded_words(out, name, sizeof field - 1);
    }
    /* the address on the name's line when it fits, else on a folded one */
    size_t col = 0;
    while (col < out->len && out->data[out->len - col - 1] != '\n') col++;
    buf_addf(out, "%s<%s>\r\n", col + strlen(addr) + 3 > MAIL_LINE_MAX ? "\r\n " : " ", addr);
  } else {
    buf_addf(out, "%s\r\n", addr);
  }
}

static void add_date(Buf *out, time_t t) {
  static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  struct tm tm;
  if (!gmtime_r(&t, &tm)) { /* a time_t beyond struct tm's years: the epoch rather than garbage */
    time_t zero = 0;
    gmtime_r(&zero, &tm);
  }
  buf_addf(out, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n", days[tm.tm_wday], tm.tm_mday,
           months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* 32 random hex digits (16 bytes from libsodium's CSPRNG). */
static void random_hex(char out[33]) {
  unsigned char raw[16];
  randombytes_buf(raw, sizeof raw);
  sodium_bin2hex(out, 33, raw, sizeof raw);
}

void mail_qp_encode(Buf *out, const char *s, size_t n) {
  static const char hex[] = "0123456789ABCDEF";
  size_t col = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '\n' || (c == '\r' && i + 1 < n && s[i + 1] == '\n')) { /* a hard line break */
      if (c == '\r') i++;
      buf_adds(out, "\r\n");
      col = 0;
      continue;
    }
    int line_end = i + 1 == n || s[i + 1] == '\n' || (s[i + 1] == '\r' && i + 2 < n && s[i + 2] == '\n');
    int literal = (c >= 33 && c <= 126 && c != '=' && !(c == '.' && col == 0)) ||
                  ((c == ' ' || c == '\t') && !line_end);
    size_t w = literal ? 1 : 3;
    /* the token must fit, leaving room for a soft break's '=' unless the line ends here */
    if (col + w > (line_end ? MAIL_LINE_MAX : MAIL_LINE_MAX - 1)) {
      buf_adds(out, "=\r\n");
      col = 0;
      if (c == '.') literal = 0, w = 3;
    }
    if (literal) {
      buf_addc(out, (char)c);
    } else {
      char esc[3] = {'=', hex[c >> 4], hex[c & 15]};
      buf_add(out, esc, 3);
    }
    col += w;
  }
}

static void add_part(Buf *out, const char *type, const char *body) {
  size_t n = strlen(body);
  buf_addf(out, "Content-Type: text/%s; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n",
           type);
  mail_qp_encode(out, body, n);
}

static int check(const MailMsg *m, Err *err) {
  int rc;
  if ((rc = address_ok("From address", m->from, err)) || (rc = address_ok("To address", m->to, err)) ||
      (rc = header_value_ok("Subject", m->subject, err)))
    return rc;
  if (m->from_name && (rc = header_value_ok("From name", m->from_name, err))) return rc;
  if (strlen(m->subject) > MAIL_SUBJECT_MAX)
    return err_set(err, ERR_LIMIT, "mail Subject is %zu bytes, over the limit of %d", strlen(m->subject),
                   MAIL_SUBJECT_MAX);
  if (m->from_name && strlen(m->from_name) > MAIL_SUBJECT_MAX)
    return err_set(err, ERR_LIMIT, "mail From name is over the limit of %d bytes", MAIL_SUBJECT_MAX);
  if (!domain_ok(m->msgid_domain))
    return err_set(err, ERR_USAGE, "mail Message-ID domain '%s' is not a host name",
                   m->msgid_domain && !has_control(m->msgid_domain) ? m->msgid_domain : "?");
  if (!m->text) return err_set(err, ERR_USAGE, "mail text part is missing");
  if ((rc = body_ok("text", m->text, err)) || (m->html && (rc = body_ok("html", m->html, err)))) return rc;
  return 0;
}

int mail_build(Buf *out, const MailMsg *m, Err *err) {
  int rc = check(m, err);
  if (rc) return rc;
  if (sodium_init() < 0) return err_set(err, ERR_NOMEM, "libsodium could not be initialised");
  Buf msg = BUF_INIT;
  char id[33], boundary[33];
  random_hex(id);
  add_date(&msg, m->date);
  add_from(&msg, m->from_name, m->from);
  buf_addf(&msg, "To: %s\r\n", m->to);
  add_subject(&msg, m->subject);
  buf_addf(&msg, "Message-ID: <%s@%s>\r\nMIME-Version: 1.0\r\nAuto-Submitted: auto-generated\r\n", id,
           m->msgid_domain);
  if (m->html) {
    /* "=_" never occurs in quoted-printable text, so no part can hold the boundary */
    random_hex(boundary);
    buf_addf(&msg, "Content-Type: multipart/alternative; boundary=\"=_%s\"\r\n\r\n", boundary);
    buf_addf(&msg, "--=_%s\r\n", boundary);
    add_part(&msg, "plain", m->text);
    /* the CRLF before a delimiter belongs to the delimiter, not to the part */
    buf_addf(&msg, "\r\n--=_%s\r\n", boundary);
    add_part(&msg, "html", m->html);
    buf_addf(&msg, "\r\n--=_%s--\r\n", boundary);
  } else {
    add_part(&msg, "plain", m->text);
    if (msg.len < 2 || memcmp(msg.data + msg.len - 2, "\r\n", 2) != 0) buf_adds(&msg, "\r\n");
  }
  buf_add(out, msg.data, msg.len);
  buf_release(&msg);
  return 0;
}

/* test_mail.c -- the mail builder: header injection refused in every header,
 * addresses, RFC 2047 subjects and names decoded back (a 4-byte emoji at every
 * split point), quoted-printable lines <= 76 that decode back to the input,
 * the multipart and the text-only shapes, CRLF everywhere, the limits. The
 * decoders here are the test's own, written from the RFCs, not the builder's. */
#include "notify/mail.h"

#include <sodium.h>
#include <stdint.h>

#include "base/utf8.h"
#include "../tap.h"

static const MailMsg base_msg = {
    .from = "noreply@powerhouse.example",
    .from_name = "Powerhouse",
    .to = "ada@firm.example",
    .subject = "Verify your email address",
    .text = "Hello,\nfollow this link: https://powerhouse.example/verify?t=abc\n",
    .html = NULL,
    .date = 1796655832, /* Mon, 07 Dec 2026 15:03:52 UTC */
    .msgid_domain = "powerhouse.example",
};

static Buf msg_ = BUF_INIT;

/* mail_build into a fresh buffer; returns rc. */
static int build(const MailMsg *m) {
  Err err = ERR_INIT;
  buf_reset(&msg_);
  return mail_build(&msg_, m, &err);
}

enum { F_FROM, F_NAME, F_TO, F_SUBJECT, F_DOMAIN, F_TEXT, F_HTML };

/* base_msg with one field set to v, built; returns rc (err, if not NULL, gets why). */
static int build_with(int field, const char *v, Err *err) {
  MailMsg m = base_msg;
  const char **slot[] = {&m.from, &m.from_name, &m.to, &m.subject, &m.msgid_domain, &m.text, &m.html};
  *slot[field] = v;
  Err local = ERR_INIT;
  buf_reset(&msg_);
  return mail_build(&msg_, &m, err ? err : &local);
}

/* The value of header name (unfolded: CRLF before a space or tab removed),
 * in a static buffer; NULL when absent. Only the header block is searched. */
static const char *header(const char *text, const char *name) {
  static Buf v = BUF_INIT;
  size_t nl = strlen(name);
  const char *end = strstr(text, "\r\n\r\n");
  for (const char *p = text; p && p < end; p = strstr(p, "\r\n") ? strstr(p, "\r\n") + 2 : NULL) {
    if (strncmp(p, name, nl) == 0 && p[nl] == ':') {
      const char *q = p + nl + 1;
      while (*q == ' ') q++;
      buf_reset(&v);
      for (;;) {
        const char *e = strstr(q, "\r\n");
        buf_add(&v, q, (size_t)(e - q));
        if (e[2] != ' ' && e[2] != '\t') break;
        q = e + 2;
      }
      return buf_cstr(&v);
    }
  }
  return NULL;
}

/* The raw (folded) header block of the message, up to the blank line. */
static size_t header_block_len(const char *text) {
  const char *end = strstr(text, "\r\n\r\n");
  return end ? (size_t)(end - text) + 2 : 0;
}

/* 1 when every line of s[0..n) ends in CRLF (no bare CR or LF) and is at
 * most max characters long. */
static int lines_ok(const char *s, size_t n, size_t max) {
  size_t col = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '\r') {
      if (i + 1 >= n || s[i + 1] != '\n') return 0;
      i++;
      col = 0;
    } else if (s[i] == '\n') {
      return 0;
    } else if (++col > max) {
      return 0;
    }
  }
  return 1;
}

/* Decodes an unfolded header value made of plain text and RFC 2047 B words
 * into out; whitespace between two adjacent encoded-words is dropped. Returns
 * 0, or -1 when a word is malformed, longer than 75, or not whole UTF-8. */
static int decode_2047(const char *v, Buf *out) {
  const char *p = v;
  int prev_word = 0;
  buf_reset(out);
  while (*p) {
    const char *ws = p;
    while (*p == ' ' || *p == '\t') p++;
    if (strncmp(p, "=?UTF-8?B?", 10) == 0) {
      const char *e = strstr(p + 10, "?=");
      if (!e || e - p + 2 > 75) return -1;
      if (!prev_word) buf_add(out, ws, (size_t)(p - ws));
      unsigned char bin[64];
      size_t bl;
      if (sodium_base642bin(bin, sizeof bin, p + 10, (size_t)(e - p - 10), NULL, &bl, NULL,
                            sodium_base64_VARIANT_ORIGINAL) != 0)
        return -1;
      if (utf8_check((const char *)bin, bl, NULL) != 0) return -1; /* a word split a character */
      buf_add(out, bin, bl);
      p = e + 2;
      prev_word = 1;
    } else {
      buf_add(out, ws, (size_t)(p - ws));
      if (!*p) break;
      const char *e = p;
      while (*e && *e != ' ' && *e != '\t') e++;
      buf_add(out, p, (size_t)(e - p));
      p = e;
      prev_word = 0;
    }
  }
  return 0;
}

static int hexval(char c) {
  return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Decodes quoted-printable s[0..n) (CRLF lines) into out with CRLF hard
 * breaks turned into LF; -1 on a malformed escape or a line over 76. */
static int decode_qp(const char *s, size_t n, Buf *out) {
  buf_reset(out);
  if (!lines_ok(s, n, 76)) return -1;
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '=') {
      if (i + 2 < n && s[i + 1] == '\r' && s[i + 2] == '\n') {
        i += 2;
        continue;
      }
      if (i + 2 >= n || hexval(s[i + 1]) < 0 || hexval(s[i + 2]) < 0) return -1;
      buf_addc(out, (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2])));
      i += 2;
    } else if (s[i] == '\r') {
      buf_addc(out, '\n');
      i++;
    } else {
      unsigned char c = (unsigned char)s[i];
      if (c > 126 || (c < 33 && c != ' ' && c != '\t')) return -1; /* must have been escaped */
      if ((c == ' ' || c == '\t') && (i + 1 == n || s[i + 1] == '\r')) return -1; /* trailing space */
      buf_addc(out, (char)c);
    }
  }
  return 0;
}

/* s with every CRLF turned to LF (what a QP round trip gives back). */
static const char *lf(const char *s) {
  static Buf b = BUF_INIT;
  buf_reset(&b);
  for (; *s; s++)
    if (!(s[0] == '\r' && s[1] == '\n')) buf_addc(&b, *s);
  return buf_cstr(&b);
}

static void test_injection(void) {
  static const char *bad[] = {"x\r\nBcc: eve@evil.example", "x\nBcc: eve@evil.example", "x\rBcc: eve", "x\ty",
                              "x\x01y", "x\x7fy", "x\xc2\x85y" /* U+0085 NEL */, "x\x1b[0m"};
  const char *fields[] = {"from", "from_name", "to", "subject", "msgid_domain"};
  for (size_t f = 0; f < 5; f++) {
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
      Err err = ERR_INIT;
      char v[128];
      /* addresses keep their shape so only the control character is wrong */
      snprintf(v, sizeof v, f == F_FROM || f == F_TO ? "%s@firm.example" : "%s", bad[i]);
      int rc = build_with((int)f, v, &err);
      ok(rc == ERR_USAGE && msg_.len == 0, "%s with control byte 0x%02x (case %zu) is refused, nothing written",
         fields[f], (unsigned char)bad[i][1], i);
      if (f != 4) ok(strstr(err.msg, f == 3 ? "Subject" : f == 1 ? "From name" : f == 0 ? "From" : "To") != NULL,
                     "the error names the %s field: %s", fields[f], err.msg);
    }
  }
}

static void test_addresses(void) {
  static const char *good[] = {"a@b", "ada.lovelace+tag@firm.example", "x_y-z@sub.domain.example", "o'neil@x.org"};
  static const char *bad[] = {"", "ada", "@b", "a@", "a@@b", "a@b@c", "a b@c", "<a@b>", "a@b>", "a(b)@c", "a@[1.2.3.4]",
                              "a,b@c", "a;b@c", "a:b@c", "\"a\"@b", "a\\b@c", ".a@b", "a.@b", "a..b@c", "a@b..c",
                              "a@.b", "a@b.", "caf\xc3\xa9@b", "a\r\n@b", "a@b\n"};
  for (size_t i = 0; i < sizeof good / sizeof *good; i++) ok(mail_address_check(good[i]), "address '%s' usable", good[i]);
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) ok(!mail_address_check(bad[i]), "address case %zu refused", i);
  ok(!mail_address_check(NULL), "NULL address refused");
  char longa[300];
  memset(longa, 'a', 64);
  longa[64] = '@';
  memset(longa + 65, 'b', 189); /* 254 bytes in all */
  longa[254] = '\0';
  ok(mail_address_check(longa), "a 254-byte address is usable");
  longa[254] = 'b';
  longa[255] = '\0';
  ok(!mail_address_check(longa), "a 255-byte address is refused");
  memset(longa, 'a', 65);
  longa[65] = '@';
  longa[66] = 'b';
  longa[67] = '\0';
  ok(!mail_address_check(longa), "a local part over 64 bytes is refused");

  is_int(build_with(F_TO, "ada@firm.example, eve@evil.example", NULL), ERR_USAGE,
         "a list of recipients in To is refused");
  is_int(build_with(F_FROM, "Ada <ada@firm.example>", NULL), ERR_USAGE,
         "a name-addr in from is refused (the name goes in from_name)");
  is_int(build_with(F_DOMAIN, "a b", NULL), ERR_USAGE, "a Message-ID domain with a space is refused");
  is_int(build_with(F_DOMAIN, NULL, NULL), ERR_USAGE, "a missing Message-ID domain is refused");
}

static void test_plain_headers(void) {
  is_int(build(&base_msg), 0, "a plain mail builds");
  const char *t = buf_cstr(&msg_);
  is_str(header(t, "Subject"), "Verify your email address", "a plain ASCII subject stays plain");
  is_str(header(t, "From"), "\"Powerhouse\" <noreply@powerhouse.example>", "From with a quoted display name");
  is_str(header(t, "To"), "ada@firm.example", "To is the bare address");
  is_str(header(t, "Date"), "Mon, 07 Dec 2026 15:03:52 +0000", "Date in RFC 5322 form, UTC");
  is_str(header(t, "MIME-Version"), "1.0", "MIME-Version: 1.0");
  is_str(header(t, "Auto-Submitted"), "auto-generated", "Auto-Submitted: auto-generated");
  const char *id = header(t, "Message-ID");
  int id_ok = id && strlen(id) == 1 + 32 + 1 + strlen("powerhouse.example") + 1 && id[0] == '<' && id[33] == '@' &&
              strcmp(id + 34, "powerhouse.example>") == 0;
  for (int i = 1; id_ok && i <= 32; i++) id_ok = (id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f');
  ok(id_ok, "Message-ID is <32 hex digits@domain>: %s", id ? id : "(none)");
  char first[64];
  snprintf(first, sizeof first, "%s", id ? id : "");
  build(&base_msg);
  ok(strcmp(first, header(buf_cstr(&msg_), "Message-ID")) != 0, "two mails get different Message-IDs");

  MailMsg m = base_msg;
  m.date = 0;
  build(&m);
  is_str(header(buf_cstr(&msg_), "Date"), "Thu, 01 Jan 1970 00:00:00 +0000", "Date of the epoch");
  m.date = 951782400; /* 2000-02-29 */
  build(&m);
  is_str(header(buf_cstr(&msg_), "Date"), "Tue, 29 Feb 2000 00:00:00 +0000", "Date of a leap day");
  m.date = (time_t)INT64_MAX;
  is_int(build(&m), 0, "a date beyond any calendar still builds");
  is_str(header(buf_cstr(&msg_), "Date"), "Thu, 01 Jan 1970 00:00:00 +0000", "and falls back to the epoch");

  m = base_msg;
  m.from_name = "Smith, \"Ada\" \\ Co";
  build(&m);
  is_str(header(buf_cstr(&msg_), "From"), "\"Smith, \\\"Ada\\\" \\\\ Co\" <noreply@powerhouse.example>",
         "a display name with specials is a quoted-string with escapes");
  m.from_name = NULL;
  build(&m);
  is_str(header(buf_cstr(&msg_), "From"), "noreply@powerhouse.example", "no display name: the bare address");

  m = base_msg;
  m.subject = "Looks like =?UTF-8?B?QQ==?= a word";
  build(&m);
  Buf d = BUF_INIT;
  const char *s = header(buf_cstr(&msg_), "Subject");
  ok(strncmp(s, "=?UTF-8?B?", 10) == 0 && decode_2047(s, &d) == 0 && strcmp(buf_cstr(&d), m.subject) == 0,
     "a subject holding '=?' is encoded, so it reads back as written");

  /* a long plain subject folds at spaces and unfolds to itself */
  Buf longs = BUF_INIT;
  for (int i = 0; i < 60; i++) buf_addf(&longs, "%sword%d", i ? " " : "", i);
  m = base_msg;
  m.subject = buf_cstr(&longs);
  build(&m);
  t = buf_cstr(&msg_);
  is_str(header(t, "Subject"), m.subject, "a long plain subject unfolds to itself");
  ok(lines_ok(t, header_block_len(t), 76), "its header lines are at most 76 characters");
  buf_release(&longs);
  buf_release(&d);
}

/* Builds a mail with this subject (and display name) and checks both decode
 * back, with every header line within 76 and every word within 75. */
static int encoded_round_trip(const char *subject, const char *name) {
  MailMsg m = base_msg;
  m.subject = subject;
  m.from_name = name;
  if (build(&m) != 0) return 0;
  const char *t = buf_cstr(&msg_);
  if (!lines_ok(t, header_block_len(t), 76)) return 0;
  Buf d = BUF_INIT;
  int good = decode_2047(header(t, "Subject"), &d) == 0 && strcmp(buf_cstr(&d), subject) == 0;
  const char *from = header(t, "From");
  const char *lt = strrchr(from, '<');
  buf_reset(&d);
  Buf nm = BUF_INIT;
  buf_add(&nm, from, (size_t)(lt - from - 1));
  good = good && decode_2047(buf_cstr(&nm), &d) == 0 && strcmp(buf_cstr(&d), name) == 0 &&
         strcmp(lt, "<noreply@powerhouse.example>") == 0;
  buf_release(&d);
  buf_release(&nm);
  return good;
}

static void test_rfc2047(void) {
  const char *emoji = "\xF0\x9F\x98\x80"; /* U+1F600, 4 bytes */
  int all = 1;
  for (int k = 0; k <= 100; k++) {
    Buf s = BUF_INIT;
    for (int i = 0; i < k; i++) buf_addc(&s, 'a');
    buf_adds(&s, emoji);
    buf_adds(&s, " R\xC3\xA9sum\xC3\xA9 \xE2\x82\xAC 5 ");
    buf_adds(&s, emoji);
    int good = encoded_round_trip(buf_cstr(&s), buf_cstr(&s));
    if (!good) ok(0, "emoji after %d bytes: subject and name round trip", k);
    all = all && good;
    buf_release(&s);
  }
  ok(all, "a 4-byte emoji at every split point (0..100): subject and name decode back, lines <= 76");

  Buf s = BUF_INIT;
  for (int i = 0; i < 200; i++) buf_adds(&s, emoji);
  ok(encoded_round_trip(buf_cstr(&s), "\xC3\x89milie"), "200 emoji (800 bytes) split into whole-character words");
  MailMsg m = base_msg;
  m.subject = "Caf\xC3\xA9";
  build(&m);
  is_str(header(buf_cstr(&msg_), "Subject"), "=?UTF-8?B?Q2Fmw6k=?=", "a short UTF-8 subject is one encoded-word");
  buf_release(&s);
}

static void test_qp(void) {
  Buf q = BUF_INIT, d = BUF_INIT;
  mail_qp_encode(&q, "a=b \n", 5);
  is_str(buf_cstr(&q), "a=3Db=20\r\n", "'=' escaped, a trailing space escaped, LF becomes CRLF");
  buf_reset(&q);
  mail_qp_encode(&q, "x\t", 2);
  is_str(buf_cstr(&q), "x=09", "a tab at the very end is escaped");
  buf_reset(&q);
  mail_qp_encode(&q, ".\r\ncaf\xC3\xA9\r", 9);
  is_str(buf_cstr(&q), "=2E\r\ncaf=C3=A9=0D", "leading '.', UTF-8 bytes and a lone CR are escaped");
  buf_reset(&q);
  char line[200];
  memset(line, 'x', sizeof line);
  mail_qp_encode(&q, line, 76);
  is_str(buf_cstr(&q), "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
         "a line of exactly 76 stays whole");
  buf_reset(&q);
  mail_qp_encode(&q, line, 77);
  ok(decode_qp(q.data, q.len, &d) == 0 && d.len == 77 && strstr(q.data, "=\r\n"),
     "a line of 77 gets a soft break and decodes back");

  /* random text: printable, spaces and tabs (often at line ends), '=', '.', UTF-8, CR, LF */
  static const char *pieces[] = {"a", "Z", " ", "\t", "=", ".", "\n", "\r\n", "\r", "\xC3\xA9", "\xF0\x9F\x98\x80",
                                 "~", "==", " \n", "\t\r\n", "http://x.example/?a=b&c=d", "\x01"};
  uint32_t seed = 12345;
  int all = 1;
  for (int round = 0; round < 500; round++) {
    Buf in = BUF_INIT;
    int len = (int)(seed % 400);
    for (int i = 0; i < len; i++) {
      seed = seed * 1103515245u + 12345u;
      const char *pc = pieces[(seed >> 16) % (sizeof pieces / sizeof *pieces)];
      if ((seed >> 8) % 3 == 0) pc = "x"; /* long runs too */
      buf_adds(&in, pc);
    }
    seed = seed * 1103515245u + 12345u;
    buf_reset(&q);
    mail_qp_encode(&q, in.data ? in.data : "", in.len);
    /* expected: CRLF and LF both become LF, a lone CR stays */
    const char *want = lf(buf_cstr(&in));
    int good = decode_qp(buf_cstr(&q), q.len, &d) == 0 && strcmp(buf_cstr(&d), want) == 0;
    if (!good) ok(0, "QP round %d decodes back: %s", round, buf_cstr(&q));
    all = all && good;
    buf_release(&in);
  }
  ok(all, "500 random texts: QP lines <= 76, CRLF only, nothing unescaped that must be, decode back");
  buf_release(&q);
  buf_release(&d);
}

/* The body of a part (after its blank line) as text. */
static const char *part_body(const char *part, size_t n, Buf *out) {
  const char *b = strstr(part, "\r\n\r\n");
  if (!b || (size_t)(b - part) > n) return NULL;
  b += 4;
  if (decode_qp(b, n - (size_t)(b - part), out) != 0) return NULL;
  return buf_cstr(out);
}

static void test_multipart(void) {
  MailMsg m = base_msg;
  m.text = "Hello Ada,\n\nConfirm: https://powerhouse.example/verify?t=0123456789abcdef0123456789abcdef0123456789abcdef\n"
           "Caf\xC3\xA9 \xE2\x82\xAC 10 = ten\n";
  m.html = "<p>Hello Ada,</p>\n<p><a href=\"https://powerhouse.example/verify?t=0123\">Confirm</a> "
           "caf\xC3\xA9</p>\n";
  is_int(build(&m), 0, "a mail with html builds");
  const char *t = buf_cstr(&msg_);
  ok(lines_ok(t, msg_.len, 998), "every line of the message ends in CRLF");
  ok(msg_.len >= 2 && strcmp(t + msg_.len - 2, "\r\n") == 0, "the message ends with CRLF");
  const char *ct = header(t, "Content-Type");
  ok(ct && strncmp(ct, "multipart/alternative; boundary=\"", 33) == 0, "Content-Type multipart/alternative: %s",
     ct ? ct : "");
  char boundary[80] = "";
  if (ct && strlen(ct) > 34) snprintf(boundary, sizeof boundary, "--%.*s", (int)(strlen(ct) - 34), ct + 33);
  ok(strlen(boundary) > 20, "the boundary is long and random: %s", boundary);
  /* split: preamble, part 1, part 2, closing */
  const char *body = strstr(t, "\r\n\r\n") + 4;
  const char *p1 = strstr(body, boundary);
  const char *p2 = p1 ? strstr(p1 + 1, boundary) : NULL;
  const char *p3 = p2 ? strstr(p2 + 1, boundary) : NULL;
  ok(p1 && p2 && p3 && strncmp(p3 + strlen(boundary), "--\r\n", 4) == 0 && p3[strlen(boundary) + 4] == '\0',
     "two parts, then the closing delimiter ends the message");
  if (!(p1 && p2 && p3)) return;
  ok(p2[-2] == '\r' && p2[-1] == '\n' && p3[-2] == '\r' && p3[-1] == '\n', "each delimiter starts a line");
  size_t bl = strlen(boundary);
  Buf d = BUF_INIT;
  Buf part = BUF_INIT;
  buf_add(&part, p1 + bl + 2, (size_t)(p2 - 2 - (p1 + bl + 2)));
  ok(strstr(part.data, "Content-Type: text/plain; charset=utf-8\r\n") &&
         strstr(part.data, "Content-Transfer-Encoding: quoted-printable\r\n"),
     "the first part is text/plain, utf-8, quoted-printable");
  const char *b1 = part_body(part.data, part.len, &d);
  is_str(b1, m.text, "the text part decodes to the text");
  buf_reset(&part);
  buf_add(&part, p2 + bl + 2, (size_t)(p3 - 2 - (p2 + bl + 2)));
  ok(strstr(part.data, "Content-Type: text/html; charset=utf-8\r\n") &&
         strstr(part.data, "Content-Transfer-Encoding: quoted-printable\r\n"),
     "the second part is text/html, utf-8, quoted-printable");
  is_str(part_body(part.data, part.len, &d), m.html, "the html part decodes to the html");
  buf_release(&part);
  buf_release(&d);
}

static void test_text_only(void) {
  is_int(build(&base_msg), 0, "a text-only mail builds");
  const char *t = buf_cstr(&msg_);
  is_str(header(t, "Content-Type"), "text/plain; charset=utf-8", "text only: one text/plain part");
  is_str(header(t, "Content-Transfer-Encoding"), "quoted-printable", "text only: quoted-printable");
  ok(!strstr(t, "multipart"), "text only: no multipart");
  ok(lines_ok(t, msg_.len, 998), "text only: CRLF line ends throughout");
  Buf d = BUF_INIT;
  const char *b = strstr(t, "\r\n\r\n") + 4;
  ok(decode_qp(b, strlen(b), &d) == 0 && strcmp(buf_cstr(&d), base_msg.text) == 0, "the body decodes to the text");
  MailMsg m = base_msg;
  m.text = "no newline at the end";
  build(&m);
  t = buf_cstr(&msg_);
  ok(strcmp(t + msg_.len - 2, "\r\n") == 0, "a text without a final newline still ends the message with CRLF");
  buf_release(&d);
}

static void test_limits(void) {
  MailMsg m = base_msg;
  char *big = xmalloc(MAIL_BODY_MAX + 2);
  memset(big, 'a', MAIL_BODY_MAX + 1);
  big[MAIL_SUBJECT_MAX] = '\0';
  m.subject = big;
  is_int(build(&m), 0, "a 998-byte subject is accepted");
  big[MAIL_SUBJECT_MAX] = 'a';
  big[MAIL_SUBJECT_MAX + 1] = '\0';
  is_int(build(&m), ERR_LIMIT, "a 999-byte subject is refused");
  m = base_msg;
  big[MAIL_SUBJECT_MAX + 1] = 'a';
  big[MAIL_BODY_MAX] = '\0';
  m.text = big;
  is_int(build(&m), 0, "a 1 MB text part is accepted");
  m.text = "x";
  m.html = big;
  is_int(build(&m), 0, "a 1 MB html part is accepted");
  big[MAIL_BODY_MAX] = 'a';
  big[MAIL_BODY_MAX + 1] = '\0';
  is_int(build(&m), ERR_LIMIT, "an html part over 1 MB is refused");
  m.html = NULL;
  m.text = big;
  Err err = ERR_INIT;
  buf_reset(&msg_);
  is_int(mail_build(&msg_, &m, &err), ERR_LIMIT, "a text part over 1 MB is refused");
  ok(msg_.len == 0 && strstr(err.msg, "text"), "nothing written, the error names the part: %s", err.msg);
  free(big);

  is_int(build_with(F_SUBJECT, "bad \xC3", NULL), ERR_UTF8, "a subject that is not UTF-8 is refused");
  is_int(build_with(F_TEXT, "bad \xff", NULL), ERR_UTF8, "a text that is not UTF-8 is refused");
  is_int(build_with(F_HTML, "<p>\xC0\xBC</p>", NULL), ERR_UTF8, "an html part that is not UTF-8 is refused");
  is_int(build_with(F_TEXT, NULL, NULL), ERR_USAGE, "a mail without text is refused");
  is_int(build_with(F_SUBJECT, NULL, NULL), ERR_USAGE, "a mail without subject is refused");
  is_int(build_with(F_SUBJECT, "", NULL), 0, "an empty subject is allowed");
}

int main(void) {
  test_injection();
  test_addresses();
  test_plain_headers();
  test_rfc2047();
  test_qp();
  test_multipart();
  test_text_only();
  test_limits();
  buf_release(&msg_);
  return done_testing();
}

/* mail.h -- the one place where mail headers are built (RFC 5322, MIME).
 *
 * A mail header is where injection happens: a CR or LF in a subject or an
 * address starts a header of the attacker's choosing (a Bcc:, a second body).
 * So every header value is checked here, and a value carrying a CR, LF or any
 * other control character (C0, DEL, C1) is REFUSED with an Err, never
 * stripped: a mail whose subject was silently changed is a bug report
 * waiting to happen, a refused one is a failed row in the outbox that says why.
 *
 *   Date:          RFC 5322 form, always UTC ("Mon, 07 Dec 2026 13:23:52 +0000")
 *   From:          addr, or "Display Name" <addr> (RFC 2047 encoded when not ASCII)
 *   To:            a bare addr-spec checked by mail_address_check
 *   Subject:       plain printable ASCII folded at spaces, or RFC 2047
 *                  encoded-words (=?UTF-8?B?...?=, each at most 75 characters,
 *                  split only between UTF-8 characters, folded with CRLF SP)
 *   Message-ID:    <32 random hex digits@msgid_domain>
 *   MIME-Version, Auto-Submitted: auto-generated (no vacation replies to us)
 *   body:          text only: one text/plain part; with html: multipart/
 *                  alternative (text/plain, then text/html), a random boundary;
 *                  every part utf-8, quoted-printable (lines <= 76, CRLF)
 *
 * All line ends are CRLF, and the message ends with one. Limits: subject
 * <= MAIL_SUBJECT_MAX bytes, each body part <= MAIL_BODY_MAX bytes
 * (ERR_LIMIT). Text must be valid UTF-8 (ERR_UTF8); a bad header value or
 * address is ERR_USAGE. Owns nothing; randomness comes from libsodium. */
#ifndef NOTIFY_MAIL_H
#define NOTIFY_MAIL_H

#include <stddef.h>
#include <time.h>

#include "base/buf.h"
#include "base/err.h"

#define MAIL_SUBJECT_MAX 998
#define MAIL_BODY_MAX (1024 * 1024)
#define MAIL_ADDRESS_MAX 254

typedef struct {
  const char *from;
  const char *from_name; /* may be NULL */
  const char *to;
  const char *subject;
  const char *text;
  const char *html; /* may be NULL: a text-only mail */
  time_t date;
  const char *msgid_domain; /* for Message-ID */
} MailMsg;

/* Appends the whole message (headers and body) to out. On error out is left
 * as it was and err says which field was refused and why. */
int mail_build(Buf *out, const MailMsg *m, Err *err);

/* 1 when addr is usable as a bare addr-spec: local@domain, printable ASCII,
 * no spaces, controls or any of <>()[],;:\" , one '@', no empty or dotted-out
 * (leading, trailing, double '.') parts, at most 254 bytes; else 0. */
int mail_address_check(const char *addr);

/* Appends s[0..n) quoted-printable encoded (RFC 2045 6.7): lines of at most
 * 76 characters with soft breaks "=\r\n"; '=', controls and bytes >= 0x80
 * escaped; a space or tab before a line end escaped; a line's leading '.'
 * escaped (safe through any SMTP hop); LF or CRLF in s become CRLF. */
void mail_qp_encode(Buf *out, const char *s, size_t n);

#endif

/* smtp.h -- delivering one built message (mail.h) to an SMTP server, by
 * libcurl: a well-kept client that already knows STARTTLS, SMTPS, AUTH
 * (PLAIN, LOGIN, ...), dot-stuffing and timeouts, which we would otherwise
 * write and get wrong by hand.
 *
 * The server is given as one URL, "smtp[s]://user:pass@host:port" (user and
 * password percent-decoded, so a password may hold '@' or ':' as %40, %3A).
 * smtp_config_parse splits it into a URL WITHOUT the credentials (safe to
 * log) and the credentials apart. Nothing here ever puts the password into
 * an Err or a log line; errors name the server by that credential-free URL.
 *
 *   smtp://   plain SMTP, upgraded with STARTTLS whenever the server offers
 *             it (CURLUSESSL_TRY: a loopback relay without TLS still works)
 *   smtps://  TLS from the first byte (port 465)
 *
 * Timeouts: 10 s to connect, 60 s for a whole message. smtp_send is safe to
 * call from any thread (curl_global_init runs once, first). */
#ifndef NOTIFY_SMTP_H
#define NOTIFY_SMTP_H

#include <stddef.h>

#include "base/err.h"

typedef struct {
  char *url;        /* smtp://host:port or smtps://host:port, credentials removed */
  char *user, *pass; /* NULL when none */
} SmtpConfig;

#define SMTP_CONFIG_INIT {NULL, NULL, NULL}

/* Parses url into *out (which the caller releases with smtp_config_release,
 * also after an error). Refuses other schemes, a missing host, a bad port, a
 * path, query or fragment, and any control character (CR, LF, ...), raw or
 * percent-encoded in the credentials: ERR_USAGE with a message that never
 * repeats the password. */
int smtp_config_parse(const char *url, SmtpConfig *out, Err *err);
void smtp_config_release(SmtpConfig *c); /* frees what c holds, not c */

/* Sends msg[0..len) (a whole message, CRLF lines) from the envelope sender
 * from to the one recipient to. 0 once the server accepted it; else ERR_IO
 * with what failed (connection, TLS, login, the server's refusal and its
 * reply code) and on which server, without the password. */
int smtp_send(const SmtpConfig *c, const char *from, const char *to, const char *msg, size_t len, Err *err);

#endif

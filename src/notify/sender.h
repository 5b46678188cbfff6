/* sender.h -- the delivery thread: takes due mails from the store's outbox
 * (store/outbox.h), builds each (mail.h) and hands it to an SMTP server
 * (smtp.h) or, with no server configured, writes DIR/<id>.eml (mail_file.h).
 *
 * A pass takes up to SENDER_BATCH due mails, oldest first; each ends marked
 * either sent, or failed with its next attempt due after a back-off
 * (sender_backoff: 30 s, 1 min, 2 min, ... capped at 1 hour), so a mail
 * server that is down delays mail and loses none. A mail that can never be
 * built (its recipient is not an address, its subject holds a line break) is
 * marked failed with its next attempt ten years away, kept for a human to
 * read, and logged. A fault of the configuration (a bad From address) is not
 * the mail's fault: the pass stops with an error before touching any row.
 * Delivery is at least once: a mail sent whose row could not then be marked
 * is sent again on a later pass, never dropped. Each mail is claimed before
 * it is sent (store_outbox_claim), so two processes serving one store do not
 * both send it.
 *
 * The log (errors only) names the mail by id and says why; it never holds a
 * password or a message body.
 *
 * The thread owns its own Store connection (opened from db_url: SQLite wants
 * one connection per thread), sleeps on a condition variable for poll_ms,
 * and wakes at once on sender_kick, which a request calls after committing a
 * change that added mail. sender_stop finishes the mail in hand, leaves the
 * rest due in the outbox, joins and frees. */
#ifndef NOTIFY_SENDER_H
#define NOTIFY_SENDER_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "base/err.h"
#include "notify/smtp.h"
#include "store/store.h"

#define SENDER_BATCH 50
#define SENDER_POLL_MS 5000
#define SENDER_LEASE 300 /* seconds a claimed mail is this sender's (store_outbox_claim) */
#define SENDER_NEVER ((time_t)10 * 365 * 24 * 3600) /* "ten years away" for a mail that cannot be built */

typedef struct {
  const char *db_url;        /* the sender opens its own Store connection (store_open) */
  const SmtpConfig *smtp;    /* NULL: write .eml files into mail_dir */
  const char *mail_dir;
  const char *from;          /* the From and envelope sender address */
  const char *from_name;     /* may be NULL */
  const char *msgid_domain;  /* NULL: the domain of from */
  unsigned poll_ms;          /* 0: SENDER_POLL_MS */
  FILE *log;                 /* errors, NULL: stderr */
  /* opens the bodies sealed in the outbox (base/crypto.h crypto_seal: they
   * hold sign-in links); NULL: bodies are plain. A body sealed under another
   * key can never be sent: it is set aside like a mail that cannot be built. */
  const unsigned char *key;
} SenderConfig;

typedef struct Sender Sender;

/* Checks cfg, opens the store and starts the thread. sender_start copies
 * what cfg points to (strings, the SmtpConfig), so cfg need not outlive it. */
int sender_start(const SenderConfig *cfg, Sender **out, Err *err);
/* Wakes the thread now; thread-safe and cheap (a mutex and a signal). */
void sender_kick(Sender *s);
/* One pass over the mails due at now, on st (for tests and the CLI);
 * *delivered (may be NULL) counts the mails sent. 0 when the pass ran, even
 * if some mails failed (their rows say why); an error when the configuration
 * is unusable or the store failed. */
int sender_run_once(const SenderConfig *cfg, Store *st, time_t now, size_t *delivered, Err *err);
/* Finishes the current mail, stops, joins and frees. NULL is a no-op. */
void sender_stop(Sender *s);

/* Seconds until the next attempt of a mail that has failed after `attempts`
 * earlier attempts: 30 * 2^attempts, at most 3600. */
time_t sender_backoff(int attempts);

#endif

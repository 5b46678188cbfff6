/* outbox.h -- the mail outbox aggregate of the store (store.h): every mail
 * the portal sends is a row here first, added in the same transaction as the
 * change that caused it (a registration and its verification mail commit
 * together or not at all), then delivered by notify/sender.h, which marks it
 * sent, or failed with the time of its next attempt (back-off), so nothing is
 * lost while the mail server is down. A row keeps what a message needs; the
 * headers are built at delivery (notify/mail.h).
 * Implemented once over the backends' statement runner (store/sql.h). */
#ifndef STORE_OUTBOX_H
#define STORE_OUTBOX_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/err.h"
#include "store/store.h"

typedef struct {
  long long id;
  char *recipient;  /* one address */
  char *subject;    /* UTF-8, no line breaks */
  char *text;       /* the plain-text part */
  char *html;       /* the HTML part (may be NULL: text only) */
  int64_t created;  /* unix seconds */
  int attempts;     /* delivery attempts so far */
  int64_t next_at;  /* when the next attempt is due (0 once sent) */
  int64_t sent_at;  /* 0 while not delivered */
  char *last_error; /* why the last attempt failed (NULL: none) */
} OutboxMail;

/* Adds a mail; *id (may be NULL) gets its row id. Call inside the
 * transaction of the change that causes it. */
int store_outbox_add(Store *st, const char *recipient, const char *subject, const char *text, const char *html,
                     time_t now, long long *id, Err *err);
/* Up to max undelivered mails due at now (next_at <= now), oldest first,
 * into *out (malloc'd array, free with store_outbox_free). */
int store_outbox_due(Store *st, time_t now, size_t max, OutboxMail **out, size_t *n, Err *err);
/* Claims a due mail for one delivery attempt: moves its next_at from the
 * value read (was_next_at) to until (a lease), only if no other sender did
 * first. 1 claimed, 0 another sender has it. Several processes serving one
 * store thus never send a mail twice; a sender that dies holding a lease
 * leaves the mail to be tried again when the lease runs out. */
int store_outbox_claim(Store *st, long long id, int64_t was_next_at, time_t until, Err *err);
int store_outbox_sent(Store *st, long long id, time_t now, Err *err);
/* Records a failed attempt: attempts + 1, next_at, why (cut to 500 bytes). */
int store_outbox_failed(Store *st, long long id, time_t next_at, const char *why, Err *err);
/* The newest max mails with id < before (0: from the newest), newest first. */
int store_outbox_list(Store *st, long long before, size_t max, OutboxMail **out, size_t *n, Err *err);
/* One mail: 1 found, 0 not. Release with store_outbox_release. */
int store_outbox_get(Store *st, long long id, OutboxMail *out, Err *err);
void store_outbox_release(OutboxMail *m);
void store_outbox_free(OutboxMail *ms, size_t n);

#endif

/* mails.h -- the mails the portal sends about accounts and organisations,
 * composed here (a plain-text part and an HTML part, both from the same
 * words) and queued in the store's outbox (store/outbox.h) inside the
 * caller's transaction; notify/ builds the headers and delivers them. Every
 * link is absolute, on the service's base URL. The bodies are sealed
 * (base/crypto.h) under the service's mail key, kept outside the store: a
 * copy of the database holds no usable link. */
#ifndef WEB_MAILS_H
#define WEB_MAILS_H

#include "base/err.h"
#include "store/store.h"
#include "web/server.h"

typedef struct {
  const char *to, *subject;
  const char *greeting;  /* "Hello Ann," (NULL: none) */
  const char *para[4];   /* paragraphs before the link (NULL-terminated, or all 4) */
  const char *link_text; /* NULL: no link */
  const char *link;      /* a path on this service ("/account/verify?token=...") */
  const char *after;     /* a paragraph after the link (NULL: none) */
} MailText;

/* Queues m in st's open transaction. */
int mail_queue(Request *r, Store *st, const MailText *m, Err *err);

#endif

/* posting_common.h -- what the API for buyers' systems (api_post.c) and the
 * buyers' posting pages (posting_pages.c) share: the PostEnv of a request,
 * who may publish a notice, and the mails to the suppliers that registered
 * interest in one. Written once so that both ways of posting hold the same
 * rules. */
#ifndef WEB_POSTING_COMMON_H
#define WEB_POSTING_COMMON_H

#include "base/err.h"
#include "ingest/post.h"
#include "model/posting.h"
#include "store/accounts.h"
#include "store/postings.h"
#include "web/server.h"

/* The portal's ocid prefix, base URL, publisher name and now. */
void posting_env(Request *r, PostEnv *env);

int posting_org_is_buyer(const StoreOrganisation *o);
int posting_org_is_verified(const StoreOrganisation *o);
int posting_org_is_private(const StoreOrganisation *o);

/* May organisation o publish p? 0 yes; 1 no, with *why in words for people;
 * <0 with err (the store could not be read). A verified buyer posts; a
 * buyer waiting for verification does not; a supplier posts only a
 * sub-contract (relatedOcid) of a notice whose award it won. */
int posting_may_post(Request *r, const StoreOrganisation *o, const Posting *p, const char **why, Err *err);

/* Queues a mail to each supplier that registered interest in ps, in w's
 * open transaction: subject, one or two paragraphs (p2 may be NULL) and a
 * link to the notice. 0, or <0 with err. */
int posting_tell_interested(Request *r, Store *w, const StorePosting *ps, const char *subject, const char *p1,
                            const char *p2, Err *err);

#endif

/* post.h -- the write path of a notice posted on the portal: each public
 * change to a posting (publish, amend, cancel, award, contract, an answered
 * question) updates its private row (store/postings.h), builds its OCDS
 * release (ocds/build.h) and applies it (apply_release_in) -- all inside the
 * caller's transaction, so the row, the release, the notice and anything
 * else the caller writes with them (the mails to interested suppliers)
 * commit together or not at all, and the store's change sequence moves on
 * (the live index has it within its poll interval).
 *
 * Every function returns 0 done; a POST_* refusal (> 0: nothing was
 * written, post_refusal_words says why in words for people); or <0 with err
 * (the caller rolls back). */
#ifndef POST_H
#define POST_H

#include <time.h>

#include "base/err.h"
#include "model/posting.h"
#include "store/postings.h"
#include "store/store.h"

typedef struct PostEnv {
  const char *ocid_prefix; /* the portal's registered prefix, "ocds-ph4xq1" */
  const char *base_url;    /* absolute links to the notice page (no trailing '/') */
  const char *source;      /* the publisher name stored with each release */
  time_t now;
} PostEnv;

enum {
  POST_NO_POSTING = 1,    /* no such posting */
  POST_NOT_BUYER,         /* the organisation is not a verified buyer */
  POST_NOT_PUBLISHED,     /* a draft cannot be changed in public yet */
  POST_IS_CANCELLED,      /* a cancelled notice changes no more */
  POST_ALREADY_PUBLISHED, /* publish of a notice that is public (amend it) */
  POST_NO_AWARD,          /* a contract needs an award */
  POST_NOT_OPEN_FOR_QUESTIONS, /* after the enquiry deadline (or the deadline) */
  POST_ANSWERED,          /* the question has an answer */
  POST_STAGE_BACK,        /* a tender cannot go back to pipeline or engagement */
};
const char *post_refusal_words(int code);

/* The ocid of posting id: prefix "-" and the id, 6 digits at least. out[96]. */
void post_ocid(const char *prefix, long long id, char *out, size_t cap);

/* Publishes posting id (a draft, or a pipeline or engagement notice that
 * becomes the tender under the same ocid) as p; its body is saved as p. */
int post_publish(Store *st, const PostEnv *env, long long id, const Posting *p, StorePosting *out, Err *err);

/* Amends a published posting to p, saying why; the amendment's description
 * names what changed (post_diff). */
int post_amend(Store *st, const PostEnv *env, long long id, const Posting *p, const char *rationale, StorePosting *out,
               Err *err);

int post_cancel(Store *st, const PostEnv *env, long long id, const char *reason, StorePosting *out, Err *err);

/* Adds an award; out->awards is its number (its id in the release). */
int post_award(Store *st, const PostEnv *env, long long id, const PostingAward *a, StorePosting *out, Err *err);

/* Adds the contract of award c->award (0: the latest). */
int post_contract(Store *st, const PostEnv *env, long long id, const PostingContract *c, StorePosting *out, Err *err);

/* Publishes the answer to question qid (and the question as edited, NULL:
 * as asked), numbered after the posting's earlier answers. */
int post_answer(Store *st, const PostEnv *env, long long qid, const char *question, const char *answer,
                StorePosting *out, Err *err);

/* After document doc_id was added to posting id (store_document_add): for a
 * published posting, a release listing it in tender.documents (with the
 * version it replaces, kept and marked replaced); a draft's documents are
 * listed when it is published. */
int post_document(Store *st, const PostEnv *env, long long id, long long doc_id, StorePosting *out, Err *err);

/* May a supplier ask about posting ps now? 0 yes, else a POST_* refusal. */
int post_may_ask(const StorePosting *ps, time_t now);

/* What changed from a to b, one line a field, in words ("Deadline: 1 March
 * 2027 12:00 → 8 March 2027 12:00"); a malloc'd string, NULL when nothing did. */
char *post_diff(const Posting *a, const Posting *b);

#endif

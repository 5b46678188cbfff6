/* postings.h -- the private side of notices posted on the portal: each
 * posting (its organisation, its draft or current text, where it stands and
 * the counters that number its releases, awards and contracts), the
 * questions suppliers ask (who asked is never public), the suppliers that
 * registered interest, and the documents uploaded for it. What the public
 * sees of a posting is its releases, which go through ingest/apply in the
 * same transaction as the change here. Written once over store/sql.h for
 * both backends.
 *
 * Times are Unix seconds; 0 is "not yet". Reads return 1 found / 0 not, or
 * <0 with err. Strings are malloc'd; each struct has its release. */
#ifndef STORE_POSTINGS_H
#define STORE_POSTINGS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/err.h"
#include "store/store.h"

/* A posting's status. */
#define POSTING_DRAFT "draft"         /* saved, not public */
#define POSTING_PUBLISHED "published" /* public; its ocid has releases */
#define POSTING_CANCELLED "cancelled" /* public, cancelled */

typedef struct {
  long long id, org_id;
  char *ocid;            /* NULL until first published */
  char *stage;           /* model/posting.h's stage name */
  char *status;          /* POSTING_* */
  char *title;
  char *body;            /* the posting as model/posting.h's JSON */
  long long releases;    /* releases published so far */
  int64_t last_release_at;
  long long amendments, awards, contracts, answers;
  long long created_by;
  int64_t created_at, updated_at, published_at;
  char *org_name;        /* from the organisation */
} StorePosting;

void store_posting_release(StorePosting *p);
void store_postings_free(StorePosting *p, size_t n);

/* A new draft. */
int store_posting_add(Store *st, long long org_id, long long account_id, const char *stage, const char *title,
                      const char *body, time_t now, long long *id, Err *err);
/* Saves stage, title and body (a draft's, or a published posting's current text). */
int store_posting_save(Store *st, long long id, const char *stage, const char *title, const char *body, time_t now,
                       Err *err);
int store_posting_get(Store *st, long long id, StorePosting *out, Err *err);
int store_posting_by_ocid(Store *st, const char *ocid, StorePosting *out, Err *err);
/* An organisation's postings, newest first (at most max; 0: all). */
int store_postings_of_org(Store *st, long long org_id, size_t max, StorePosting **out, size_t *n, Err *err);

/* The next release of a posting: counts it (and an amendment, award,
 * contract or answer when the add_* say so), sets its status (NULL: kept),
 * its ocid when it has none, and its published time on the first. *after
 * gets the counters as they are now; the release's time is
 * max(now, last release + 1) so a notice's releases never share a date, and
 * is returned in after->last_release_at. */
typedef struct {
  int amendment, award, contract, answer;
  const char *status;
  const char *ocid;
} PostingStep;
int store_posting_step(Store *st, long long id, const PostingStep *step, time_t now, StorePosting *after, Err *err);

/* ---- questions ---- */

typedef struct {
  long long id, posting_id;
  long long asker_account, asker_org; /* private: only the buyer sees them */
  char *question;        /* as asked */
  char *public_question; /* as the buyer published it, NULL until answered */
  char *answer;          /* NULL until answered */
  long long number;      /* 1, 2, ... in the order answers were published; 0 unanswered */
  int64_t asked_at, answered_at;
  /* joined for the buyer's lists */
  char *asker_name, *asker_email, *asker_org_name, *ocid, *title;
} StoreQuestion;

void store_question_release(StoreQuestion *q);
void store_questions_free(StoreQuestion *q, size_t n);

int store_question_add(Store *st, long long posting_id, long long account_id, long long org_id, const char *question,
                       time_t now, long long *id, Err *err);
int store_question_get(Store *st, long long id, StoreQuestion *out, Err *err);
/* Publishes the answer (and the question as edited), numbering it. 0, 1 when
 * it was already answered, or <0. */
int store_question_answer(Store *st, long long id, const char *public_question, const char *answer, long long number,
                          time_t now, Err *err);
/* A posting's questions: answered ones in number order (public), or, with
 * all, every one oldest first. */
int store_questions_of(Store *st, long long posting_id, int all, StoreQuestion **out, size_t *n, Err *err);
/* An organisation's unanswered questions across its postings, oldest first. */
int store_questions_open(Store *st, long long org_id, size_t max, StoreQuestion **out, size_t *n, Err *err);

/* ---- interest ---- */

typedef struct {
  long long org_id, account_id;
  int64_t at;
  char *org_name, *account_email;
  char *org_size, *org_region; /* the supplier's, NULL when not given */
} StoreInterest;

void store_interests_free(StoreInterest *l, size_t n);
/* 0 added, 1 it was already there. */
int store_interest_add(Store *st, long long posting_id, long long org_id, long long account_id, time_t now, Err *err);
int store_interest_remove(Store *st, long long posting_id, long long org_id, Err *err);
int store_interests_of(Store *st, long long posting_id, StoreInterest **out, size_t *n, Err *err);

/* ---- documents (their bytes are files: store/blobs.h) ---- */

typedef struct {
  long long id, posting_id;
  char *name, *mime, *sha256;
  long long size;
  long long uploaded_by;
  int64_t uploaded_at;
  long long replaces;   /* the earlier version's id, 0 none */
  int64_t replaced_at;  /* 0: the current version */
  char *ocid, *status;  /* the posting's */
  long long org_id;     /* the posting's organisation */
} StoreDocument;

void store_document_release(StoreDocument *d);
void store_documents_free(StoreDocument *d, size_t n);
/* A new document (or a new version of replaces, which is then marked
 * replaced at the same time). */
int store_document_add(Store *st, long long posting_id, const char *name, const char *mime, const char *sha256,
                       long long size, long long account_id, time_t now, long long replaces, long long *id, Err *err);
int store_document_get(Store *st, long long id, StoreDocument *out, Err *err);
/* A posting's documents, oldest first: the current ones, or with all every version. */
int store_documents_of(Store *st, long long posting_id, int all, StoreDocument **out, size_t *n, Err *err);
int store_documents_count(Store *st, long long posting_id, int64_t *n, Err *err);

#endif

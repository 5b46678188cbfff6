/* qa_common.h -- what the supplier's pages about a notice posted on the
 * portal share (interest.c: register interest; questions.c: ask a
 * question): the published posting the path's ocid names, and the signed-in
 * account's supplier organisations. */
#ifndef WEB_QA_COMMON_H
#define WEB_QA_COMMON_H

#include <stddef.h>

#include "store/accounts.h"
#include "store/postings.h"
#include "store/store.h"
#include "web/server.h"

/* The published (or cancelled) posting whose ocid is r->capture: 1 with ps
 * read (the caller releases it); 0 with a 404 page saying why404 (a draft or
 * no such posting); -1 with a 503 page. */
int qa_posting_of(Request *r, Store *st, StorePosting *ps, const char *why404);

/* The account's supplier organisations (only verified ones when verified),
 * a malloc'd array the caller frees with store_organisations_free: 0, or -1
 * with a 503 page. */
int qa_suppliers_of(Request *r, Store *st, int verified, StoreOrganisation **out, size_t *n);

#endif

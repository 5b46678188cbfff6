/* qa_common.c -- see qa_common.h. */
#include "web/qa_common.h"

#include <string.h>

#include "web/app.h"
#include "web/auth.h"

int qa_posting_of(Request *r, Store *st, StorePosting *ps, const char *why404) {
  Err err = ERR_INIT;
  int rc = store_posting_by_ocid(st, r->capture, ps, &err);
  if (rc < 0) {
    page_unavailable(r, err.msg);
    return -1;
  }
  if (rc == 0 || !strcmp(ps->status, POSTING_DRAFT)) {
    if (rc) store_posting_release(ps);
    auth_refuse(r, 404, why404);
    return 0;
  }
  return 1;
}

int qa_suppliers_of(Request *r, Store *st, int verified, StoreOrganisation **out, size_t *n) {
  Err err = ERR_INIT;
  StoreOrganisation *all = NULL;
  size_t na = 0;
  if (store_organisations_of(st, auth_of(r)->account_id, &all, &na, &err)) {
    page_unavailable(r, err.msg);
    return -1;
  }
  size_t k = 0;
  for (size_t i = 0; i < na; i++) {
    int keep = !strcmp(all[i].kind, "supplier") && (!verified || (all[i].status && !strcmp(all[i].status, "verified")));
    if (keep) all[k++] = all[i];
    else store_organisation_release(&all[i]);
  }
  *out = all;
  *n = k;
  return 0;
}

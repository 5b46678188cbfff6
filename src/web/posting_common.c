/* posting_common.c -- the rules the API and the pages for posting share
 * (posting_common.h). */
#include "web/posting_common.h"

#include <string.h>
#include <strings.h>

#include "model/notice.h"
#include "store/notices.h"
#include "web/app.h"
#include "web/layout.h"
#include "web/mails.h"

void posting_env(Request *r, PostEnv *env) {
  App *app = r->app;
  *env = (PostEnv){app->ocid_prefix ? app->ocid_prefix : APP_OCID_PREFIX, app_base_url(r), "Powerhouse", app_now(r)};
}

int posting_org_is_buyer(const StoreOrganisation *o) { return o->kind && !strcmp(o->kind, "buyer"); }
int posting_org_is_verified(const StoreOrganisation *o) { return o->status && !strcmp(o->status, "verified"); }
int posting_org_is_private(const StoreOrganisation *o) { return o->sector && !strcmp(o->sector, "private"); }

int posting_may_post(Request *r, const StoreOrganisation *o, const Posting *p, const char **why, Err *err) {
  if (posting_org_is_buyer(o)) {
    if (posting_org_is_verified(o)) return 0;
    *why = "your organisation is waiting for a site administrator to verify it as a buyer; "
           "it can publish notices once verified";
    return 1;
  }
  if (!p->related_ocid) {
    *why = "only buyer organisations publish notices; a supplier publishes sub-contracting opportunities "
           "(relatedOcid: the contract it won)";
    return 1;
  }
  /* a sub-contract: the supplier must have won the contract it names */
  Notice n;
  Store *st = app_store(r);
  notice_init(&n);
  int rc = st ? store_notice_get(st, p->related_ocid, &n, err) : err_set(err, ERR_DB, "no database connection");
  int won = 0;
  for (size_t i = 0; rc == 1 && i < n.n_awards && !won; i++) {
    const NoticeAward *aw = &n.awards[i];
    if (aw->status && strcmp(aw->status, "active") && strcmp(aw->status, "pending")) continue;
    for (size_t k = 0; k < aw->n_suppliers && !won; k++) {
      const Org *s = &aw->suppliers[k];
      won = (s->name && o->name && !strcasecmp(s->name, o->name)) ||
            (o->ch_number && s->identifier && s->scheme && !strcmp(s->scheme, "GB-COH") &&
             !strcmp(s->identifier, o->ch_number));
    }
  }
  notice_release(&n);
  if (rc < 0) return rc;
  if (!won) {
    *why = "a sub-contracting opportunity must name (relatedOcid) a notice whose award your organisation won";
    return 1;
  }
  return 0;
}

int posting_tell_interested(Request *r, Store *w, const StorePosting *ps, const char *subject, const char *p1,
                            const char *p2, Err *err) {
  StoreInterest *l = NULL;
  size_t n = 0;
  int rc = store_interests_of(w, ps->id, &l, &n, err);
  for (size_t i = 0; rc == 0 && i < n; i++) {
    if (!l[i].account_email) continue;
    MailText m = {.to = l[i].account_email,
                  .subject = subject,
                  .para = {p1, p2},
                  .link_text = "Read the notice",
                  .link = req_printf(r, "/notices/%s", ps->ocid),
                  .after = req_printf(r, "You get this because %s registered interest in this notice on %s.",
                                      l[i].org_name ? l[i].org_name : "your organisation", SERVICE)};
    rc = mail_queue(r, w, &m, err);
  }
  store_interests_free(l, n);
  return rc;
}

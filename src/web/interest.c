/* interest.c -- a supplier registers interest in a notice posted on the
 * portal: GET /notices/{ocid}/interest shows the form (the notice page itself
 * is the same for everybody and cached, so it links here instead of holding a
 * form with a visitor's CSRF token), POST records it or takes it back. The
 * buyer sees who registered; the registration is never public. Interested
 * suppliers are emailed when the notice is amended, cancelled or a question
 * is answered (api_post.c). */
#include <stdlib.h>
#include <string.h>

#include "model/account.h"
#include "store/accounts.h"
#include "store/postings.h"
#include "web/account.h"
#include "web/app.h"
#include "web/auth.h"
#include "web/formui.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/qa_common.h"

#define NOT_HERE "Interest can be registered only in notices published on this portal."

void page_interest(Request *r) {
  Store *st = app_store(r);
  if (!st) {
    page_unavailable(r, NULL);
    return;
  }
  StorePosting ps;
  if (qa_posting_of(r, st, &ps, NOT_HERE) != 1) return;
  StoreOrganisation *orgs = NULL;
  size_t n = 0;
  if (qa_suppliers_of(r, st, 0, &orgs, &n)) {
    store_posting_release(&ps);
    return;
  }
  Err err = ERR_INIT;
  StoreInterest *reg = NULL;
  size_t nreg = 0;
  if (store_interests_of(st, ps.id, &reg, &nreg, &err)) {
    page_unavailable(r, err.msg);
    goto out;
  }
  const char *title = req_printf(r, "Register interest: %s", ps.title);
  ui_page_begin(r, title, NULL);
  const char *done = req_param(r, "done");
  if (done && !strcmp(done, "added")) ui_success(r, "Your organisation's interest is registered.");
  if (done && !strcmp(done, "removed")) ui_success(r, "Your organisation's interest is taken back.");
  html_printf(&r->out, "<h1 class=\"govuk-heading-l\">Register interest</h1>"
                       "<p class=\"govuk-body\">In <a class=\"govuk-link\" href=\"/notices/%H\">%s</a>, from %s.</p>"
                       "<p class=\"govuk-body\">The buyer sees which organisations registered, with their size and "
                       "region; nobody else does. You will get an email when the notice is changed or cancelled, "
                       "and when the buyer publishes an answer to a question.</p>",
              ps.ocid, ps.title, ps.org_name);
  if (!n) {
    html_printf(&r->out, "<p class=\"govuk-body\">Only a supplier organisation can register interest. "
                         "<a class=\"govuk-link\" href=\"/organisations/new\">Add your organisation</a> first.</p>");
  }
  for (size_t i = 0; i < n; i++) {
    int in = 0;
    for (size_t k = 0; k < nreg && !in; k++) in = reg[k].org_id == orgs[i].id;
    const char *id = req_printf(r, "%lld", orgs[i].id);
    html_printf(&r->out, "<h2 class=\"govuk-heading-m\">%s</h2><p class=\"govuk-body\">%s</p>", orgs[i].name,
                in ? "Interest registered." : "Not registered.");
    ui_button_form(r, req_printf(r, "/notices/%s/interest", ps.ocid),
                   in ? req_printf(r, "Take back the interest of %s", orgs[i].name)
                      : req_printf(r, "Register the interest of %s", orgs[i].name),
                   in ? "govuk-button--secondary" : "", "org", id, "action", in ? "remove" : "add", NULL);
  }
  page_end(r);
out:
  store_interests_free(reg, nreg);
  store_organisations_free(orgs, n);
  store_posting_release(&ps);
}

void page_interest_post(Request *r) {
  Auth *a = auth_of(r);
  long long org = 0;
  const char *action = form_value(r, "action");
  if (app_path_id(form_value(r, "org"), &org) || (strcmp(action, "add") && strcmp(action, "remove"))) {
    auth_refuse(r, 400, "The form sent could not be read. Go back, reload the page and try again.");
    return;
  }
  Store *w = acct_begin(r);
  if (!w) return;
  StorePosting ps;
  int rc = qa_posting_of(r, w, &ps, NOT_HERE);
  if (rc != 1) {
    store_rollback(w);
    return;
  }
  Err err = ERR_INIT;
  char role[16];
  StoreOrganisation o = {0};
  rc = store_member_role(w, org, a->account_id, role, sizeof role, &err);
  if (rc == 1) rc = store_organisation_get(w, org, &o, &err);
  if (rc < 0) {
    acct_fail(r, w, err.msg);
  } else if (rc == 0 || strcmp(o.kind, "supplier")) {
    store_rollback(w);
    auth_refuse(r, 403, "Only a member of a supplier organisation can register its interest.");
  } else {
    rc = !strcmp(action, "add") ? store_interest_add(w, ps.id, org, a->account_id, app_now(r), &err)
                                : store_interest_remove(w, ps.id, org, &err);
    if (rc < 0) acct_fail(r, w, err.msg);
    else if (!acct_commit(r, w))
      acct_redirect(r, req_printf(r, "/notices/%s/interest?done=%s", ps.ocid, !strcmp(action, "add") ? "added" : "removed"));
  }
  store_organisation_release(&o);
  store_posting_release(&ps);
}

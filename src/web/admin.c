/* admin.c -- the site administrators' pages: the queue of buyers waiting for
 * verification (with the evidence their requester gave) and of suppliers'
 * claims on award data, the outbox (every mail, with its links, so that a
 * newcomer without a mail server can follow them), the accounts (disable or
 * enable one), and the whole audit log. Site administrators are made from the
 * command line (powerhouse user add ... --site-admin). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/crypto.h"
#include "model/account.h"
#include "store/accounts.h"
#include "store/outbox.h"
#include "web/account.h"
#include "web/app.h"
#include "web/auth.h"
#include "web/formui.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/mails.h"

#define ADMIN_PAGE 50

static void admin_nav(Request *r, const char *here) {
  static const char *const links[][2] = {{"/admin", "Verification queue"},
                                         {"/admin/users", "Accounts"},
                                         {"/admin/mail", "Mail"},
                                         {"/admin/audit", "Audit log"}};
  html_printf(&r->out, "<nav aria-label=\"Administration\"><ul class=\"govuk-list ph-admin-nav\">");
  for (size_t i = 0; i < sizeof links / sizeof *links; i++) {
    if (!strcmp(here, links[i][0])) html_printf(&r->out, "<li><strong>%s</strong></li>", links[i][1]);
    else html_printf(&r->out, "<li><a class=\"govuk-link\" href=\"%H\">%s</a></li>", links[i][0], links[i][1]);
  }
  html_printf(&r->out, "</ul></nav>");
}

/* A list page's ?before=ID (the older page), 0 when none or not an id. */
static long long before_param(Request *r) {
  long long before = 0;
  const char *b = req_param(r, "before");
  return b && app_path_id(b, &before) == 0 ? before : 0;
}

/* ---- the verification queue ---- */

void page_admin(Request *r) {
  Store *st = app_store(r);
  Err err = ERR_INIT;
  StoreOrganisation *os = NULL;
  size_t n = 0;
  if (!st || store_organisations_pending(st, 200, &os, &n, &err)) {
    page_unavailable(r, err.msg);
    return;
  }
  r->cache_control = "no-store";
  page_begin(r, "Administration");
  const char *done = req_param(r, "done");
  if (done && !strcmp(done, "decided")) ui_success(r, "The decision has been recorded and the requester told.");
  html_printf(&r->out, "<h1 class=\"govuk-heading-l\">Administration</h1>");
  admin_nav(r, "/admin");
  html_printf(&r->out, "<h2 class=\"govuk-heading-m\">Waiting for a decision</h2>");
  if (!n) html_printf(&r->out, "<p class=\"govuk-body\">Nothing is waiting.</p>");
  for (size_t i = 0; i < n; i++) {
    StoreOrganisation *o = &os[i];
    StoreAccount by = {0};
    if (o->created_by) store_account_get(st, o->created_by, &by, &err);
    int claim = o->claim_status && !strcmp(o->claim_status, "pending");
    html_printf(&r->out, "<div class=\"ph-queue-item\"><h3 class=\"govuk-heading-s\"><a class=\"govuk-link\" "
                         "href=\"/organisations/%lld\">%s</a> – %s</h3><dl class=\"govuk-summary-list\">",
                o->id, o->name, claim ? "claims an organisation of the award data" : "a buyer to verify");
    const char *rows[][2] = {{"Requested by", by.email ? req_printf(r, "%s (%s)", by.name, by.email) : "unknown"},
                             {"Requested", acct_when(r, o->created_at)},
                             {"Type", o->buyer_type},
                             {"Companies House number", o->ch_number},
                             {"PPON", o->ppon},
                             {"Website", o->website},
                             {"Evidence", claim ? o->claim_evidence : o->evidence}};
    for (size_t k = 0; k < sizeof rows / sizeof *rows; k++)
      if (rows[k][1])
        html_printf(&r->out, "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">%s</dt>"
                             "<dd class=\"govuk-summary-list__value\">%s</dd></div>",
                    rows[k][0], rows[k][1]);
    html_printf(&r->out, "</dl>");
    if (claim) {
      const char *to = req_printf(r, "/admin/organisations/%lld/claim", o->id);
      ui_button_form(r, to, req_printf(r, "Accept the claim of %s", o->name), "", "decision", "accept", (const char *)NULL);
      ui_button_form(r, to, req_printf(r, "Reject the claim of %s", o->name), "govuk-button--warning", "decision", "reject",
                     (const char *)NULL);
    } else {
      ui_form_begin(r, req_printf(r, "/admin/organisations/%lld/decision", o->id));
      const char *id = req_printf(r, "note-%lld", o->id);
      html_printf(&r->out, "<div class=\"govuk-form-group\"><label class=\"govuk-label\" for=\"%s\">Note to the requester "
                           "(optional)</label><input class=\"govuk-input\" id=\"%s\" name=\"note\" type=\"text\"></div>",
                  id, id);
      html_printf(&r->out, "<button type=\"submit\" name=\"decision\" value=\"verify\" class=\"govuk-button\">Verify "
                           "%s</button> <button type=\"submit\" name=\"decision\" value=\"reject\" class=\"govuk-button "
                           "govuk-button--warning\">Reject</button></form>",
                  o->name);
    }
    html_printf(&r->out, "</div>");
    store_account_release(&by);
  }
  page_end(r);
  store_organisations_free(os, n);
}

/* The organisation of the path (/admin/organisations/{id}/...): 1, or 0 with a page set. */
static int path_org(Request *r, Store *w, StoreOrganisation *o) {
  long long id;
  Err err = ERR_INIT;
  int rc = app_path_id(r->capture, &id) ? 0 : store_organisation_get(w, id, o, &err);
  if (rc < 0) acct_fail(r, w, err.msg);
  else if (rc == 0) store_rollback(w), auth_refuse(r, 404, "There is no such organisation.");
  return rc == 1;
}

/* Tells the organisation's creator about a decision, in the open transaction. */
static int tell_creator(Request *r, Store *w, const StoreOrganisation *o, const char *subject, const char *text,
                        Err *err) {
  StoreAccount by = {0};
  int rc = o->created_by ? store_account_get(w, o->created_by, &by, err) : 0;
  if (rc == 1) {
    MailText m = {by.email, subject, req_printf(r, "Hello %s,", by.name), {text, NULL}, "See the organisation",
                  req_printf(r, "/organisations/%lld", o->id), NULL};
    rc = mail_queue(r, w, &m, err);
  }
  store_account_release(&by);
  return rc < 0 ? rc : 0;
}

void page_admin_decide(Request *r) {
  const char *d = form_value(r, "decision"), *note = form_value(r, "note");
  int verify = !strcmp(d, "verify");
  if (!verify && strcmp(d, "reject") != 0) {
    auth_refuse(r, 400, "Choose to verify or reject.");
    return;
  }
  if (strlen(note) > 500) note = req_printf(r, "%.500s", note);
  Store *w = acct_begin(r);
  StoreOrganisation o;
  if (!w || !path_org(r, w, &o)) return;
  Err err = ERR_INIT;
  Auth *a = auth_of(r);
  const char *status = verify ? "verified" : "rejected";
  const char *text = verify ? req_printf(r, "%s has been verified: it can now post opportunities.", o.name)
                            : req_printf(r, "%s was not verified.%s%s", o.name, *note ? " The reason: " : "", note);
  if (store_organisation_decide(w, o.id, status, a->account_id, *note ? note : NULL, app_now(r), &err) ||
      acct_audit(r, w, o.id, "organisation.decision", o.name, o.status, status, &err) ||
      tell_creator(r, w, &o, verify ? "Your organisation has been verified" : "Your organisation was not verified", text,
                   &err))
    acct_fail(r, w, err.msg);
  else if (!acct_commit(r, w)) acct_redirect(r, "/admin?done=decided");
  store_organisation_release(&o);
}

void page_admin_claim(Request *r) {
  const char *d = form_value(r, "decision");
  int accept = !strcmp(d, "accept");
  if (!accept && strcmp(d, "reject") != 0) {
    auth_refuse(r, 400, "Choose to accept or reject.");
    return;
  }
  Store *w = acct_begin(r);
  StoreOrganisation o;
  if (!w || !path_org(r, w, &o)) return;
  Err err = ERR_INIT;
  const char *status = accept ? "accepted" : "rejected";
  if (store_organisation_claim_decide(w, o.id, status, auth_of(r)->account_id, app_now(r), &err) ||
      acct_audit(r, w, o.id, "organisation.claim-decision", o.name, o.claim_status, status, &err) ||
      tell_creator(r, w, &o, accept ? "Your claim has been accepted" : "Your claim was not accepted",
                   req_printf(r, "The claim of %s on an organisation of the award data was %s.", o.name, status), &err))
    acct_fail(r, w, err.msg);
  else if (!acct_commit(r, w)) acct_redirect(r, "/admin?done=decided");
  store_organisation_release(&o);
}

/* ---- mail ---- */

void page_admin_mail(Request *r) {
  Store *st = app_store(r);
  Err err = ERR_INIT;
  OutboxMail *ms = NULL;
  size_t n = 0;
  long long before = before_param(r);
  if (!st || store_outbox_list(st, before, ADMIN_PAGE, &ms, &n, &err)) {
    page_unavailable(r, err.msg);
    return;
  }
  r->cache_control = "no-store";
  page_begin(r, "Mail");
  html_printf(&r->out, "<h1 class=\"govuk-heading-l\">Mail</h1>");
  admin_nav(r, "/admin/mail");
  html_printf(&r->out, "<p class=\"govuk-body\">Every mail the service has sent or will send, newest first.</p>");
  if (n) {
    html_printf(&r->out, "<table class=\"govuk-table\"><caption class=\"govuk-table__caption govuk-visually-hidden\">Mail"
                         "</caption><thead class=\"govuk-table__head\"><tr class=\"govuk-table__row\"><th scope=\"col\" "
                         "class=\"govuk-table__header\">To</th><th scope=\"col\" class=\"govuk-table__header\">Subject</th>"
                         "<th scope=\"col\" class=\"govuk-table__header\">State</th></tr></thead><tbody "
                         "class=\"govuk-table__body\">");
    for (size_t i = 0; i < n; i++) {
      const char *state = ms[i].sent_at ? req_printf(r, "sent %s", acct_when(r, ms[i].sent_at))
                          : ms[i].attempts ? req_printf(r, "%d failed attempts; next %s", ms[i].attempts, acct_when(r, ms[i].next_at))
                                           : "waiting";
      html_printf(&r->out, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">%s</td><td "
                           "class=\"govuk-table__cell\"><a class=\"govuk-link\" href=\"/admin/mail/%lld\">%s</a></td><td "
                           "class=\"govuk-table__cell\">%s</td></tr>",
                  ms[i].recipient, ms[i].id, ms[i].subject, state);
    }
    html_printf(&r->out, "</tbody></table>");
    if (n == ADMIN_PAGE)
      html_printf(&r->out, "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/admin/mail?before=%lld\">Older mail</a></p>",
                  ms[n - 1].id);
  } else {
    html_printf(&r->out, "<p class=\"govuk-body\">No mail yet.</p>");
  }
  page_end(r);
  store_outbox_free(ms, n);
}

/* The text part, with every link to this service made a link. */
static void text_with_links(Request *r, const char *text) {
  const char *base = app_base_url(r);
  size_t blen = strlen(base);
  html_printf(&r->out, "<pre class=\"ph-mail\">");
  for (const char *p = text; *p;) {
    const char *hit = strstr(p, base);
    if (!hit) {
      html_escape(&r->out, p, strlen(p));
      break;
    }
    html_escape(&r->out, p, (size_t)(hit - p));
    size_t len = blen + strcspn(hit + blen, " \t\r\n");
    const char *url = req_printf(r, "%.*s", (int)len, hit);
    html_printf(&r->out, "<a class=\"govuk-link\" href=\"%H\">%s</a>", url, url);
    p = hit + len;
  }
  html_printf(&r->out, "</pre>");
}

void page_admin_mail_one(Request *r) {
  long long id;
  if (app_path_id(r->capture, &id)) {
    auth_refuse(r, 404, "There is no such mail.");
    return;
  }
  Store *st = app_store(r);
  Err err = ERR_INIT;
  OutboxMail m;
  int rc = st ? store_outbox_get(st, id, &m, &err) : -1;
  if (rc < 0) {
    page_unavailable(r, err.msg);
    return;
  }
  if (!rc) {
    auth_refuse(r, 404, "There is no such mail.");
    return;
  }
  r->cache_control = "no-store";
  page_begin(r, m.subject);
  html_printf(&r->out, "<span class=\"govuk-caption-l\">Mail to %s</span><h1 class=\"govuk-heading-l\">%s</h1>",
              m.recipient, m.subject);
  admin_nav(r, "");
  html_printf(&r->out, "<p class=\"govuk-body\">Queued %s. %s</p>", acct_when(r, m.created),
              m.sent_at ? req_printf(r, "Sent %s.", acct_when(r, m.sent_at))
                        : req_printf(r, "Not sent yet (%d attempts%s%s).", m.attempts, m.last_error ? "; last: " : "",
                                     m.last_error ? m.last_error : ""));
  App *app = r->app;
  char *text = app->has_mail_key ? crypto_open(app->mail_key, m.text) : xstrdup(m.text);
  if (text) text_with_links(r, text);
  else html_printf(&r->out, "<p class=\"govuk-body\">This mail is sealed with another key than this service's.</p>");
  free(text);
  page_end(r);
  store_outbox_release(&m);
}

/* ---- accounts ---- */

void page_admin_users(Request *r) {
  Store *st = app_store(r);
  Err err = ERR_INIT;
  StoreAccount *as = NULL;
  size_t n = 0;
  const char *q = req_param(r, "q");
  if (!st || store_accounts_list(st, q ? q : "", 200, &as, &n, &err)) {
    page_unavailable(r, err.msg);
    return;
  }
  r->cache_control = "no-store";
  page_begin(r, "Accounts");
  const char *done = req_param(r, "done");
  if (done) ui_success(r, !strcmp(done, "disabled") ? "The account has been disabled." : "The account has been enabled.");
  html_printf(&r->out, "<h1 class=\"govuk-heading-l\">Accounts</h1>");
  admin_nav(r, "/admin/users");
  html_printf(&r->out, "<form method=\"get\" action=\"/admin/users\"><div class=\"govuk-form-group\"><label "
                       "class=\"govuk-label\" for=\"q\">Email or name contains</label><input class=\"govuk-input "
                       "govuk-!-width-one-half\" id=\"q\" name=\"q\" type=\"search\" value=\"%s\"> <button type=\"submit\" "
                       "class=\"govuk-button govuk-button--secondary\">Find</button></div></form>",
              q ? q : "");
  html_printf(&r->out, "<table class=\"govuk-table\"><caption class=\"govuk-table__caption govuk-visually-hidden\">Accounts"
                       "</caption><thead class=\"govuk-table__head\"><tr class=\"govuk-table__row\"><th scope=\"col\" "
                       "class=\"govuk-table__header\">Account</th><th scope=\"col\" class=\"govuk-table__header\">State</th>"
                       "<th scope=\"col\" class=\"govuk-table__header\"><span class=\"govuk-visually-hidden\">Action</span>"
                       "</th></tr></thead><tbody class=\"govuk-table__body\">");
  for (size_t i = 0; i < n; i++) {
    const char *state = as[i].disabled_at ? "disabled" : as[i].verified_at ? "active" : "email not confirmed";
    html_printf(&r->out, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">%s<br><span "
                         "class=\"govuk-body-s\">%s%s</span></td><td class=\"govuk-table__cell\">%s</td><td "
                         "class=\"govuk-table__cell\">",
                as[i].name, as[i].email, as[i].site_admin ? ", site administrator" : "", state);
    if (as[i].id != auth_of(r)->account_id)
      ui_button_form(r, req_printf(r, "/admin/users/%lld", as[i].id),
                     req_printf(r, "%s %s", as[i].disabled_at ? "Enable" : "Disable", as[i].email),
                     as[i].disabled_at ? "" : "govuk-button--warning", "action", as[i].disabled_at ? "enable" : "disable",
                     (const char *)NULL);
    html_printf(&r->out, "</td></tr>");
  }
  html_printf(&r->out, "</tbody></table>");
  page_end(r);
  store_accounts_free(as, n);
}

void page_admin_user(Request *r) {
  long long id;
  const char *action = form_value(r, "action");
  int disable = !strcmp(action, "disable");
  if (app_path_id(r->capture, &id) || (!disable && strcmp(action, "enable") != 0)) {
    auth_refuse(r, 404, "There is no such account.");
    return;
  }
  if (id == auth_of(r)->account_id) {
    auth_refuse(r, 403, "You cannot disable your own account.");
    return;
  }
  Store *w = acct_begin(r);
  if (!w) return;
  Err err = ERR_INIT;
  StoreAccount acc;
  int rc = store_account_get(w, id, &acc, &err);
  if (rc == 0) {
    store_rollback(w);
    auth_refuse(r, 404, "There is no such account.");
    return;
  }
  if (rc > 0) {
    int was = acc.disabled_at != 0;
    acc.disabled_at = disable ? (acc.disabled_at ? acc.disabled_at : app_now(r)) : 0;
    rc = store_account_update(w, &acc, &err) || (disable && store_sessions_drop(w, acc.id, 0, &err)) ||
                 acct_audit(r, w, 0, disable ? "account.disable" : "account.enable", acc.email, was ? "disabled" : "active",
                            disable ? "disabled" : "active", &err)
             ? -1
             : 0;
    store_account_release(&acc);
  }
  if (rc < 0) acct_fail(r, w, err.msg);
  else if (!acct_commit(r, w)) acct_redirect(r, disable ? "/admin/users?done=disabled" : "/admin/users?done=enabled");
}

/* ---- the audit log ---- */

void page_admin_audit(Request *r) {
  Store *st = app_store(r);
  Err err = ERR_INIT;
  StoreAudit *au = NULL;
  size_t n = 0;
  long long before = before_param(r);
  if (!st || store_audit_list(st, 0, before, ADMIN_PAGE, &au, &n, &err)) {
    page_unavailable(r, err.msg);
    return;
  }
  r->cache_control = "no-store";
  page_begin(r, "Audit log");
  html_printf(&r->out, "<h1 class=\"govuk-heading-l\">Audit log</h1>");
  admin_nav(r, "/admin/audit");
  acct_audit_table(r, au, n, 1);
  if (n == ADMIN_PAGE)
    html_printf(&r->out, "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/admin/audit?before=%lld\">Older</a></p>",
                au[n - 1].id);
  page_end(r);
  store_audit_free(au, n);
}

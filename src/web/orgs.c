/* orgs.c -- organisations: creating one (a buyer, public or private, waits
 * for a site administrator's verification before it may post; a supplier is
 * usable at once), its page (members, invitations, the claim on an
 * organisation of the award data, its audit log), inviting by email,
 * changing roles, removing members, leaving, and accepting an invitation.
 *
 * Role rules (who may do what is also in the route flags, auth.h):
 *   - members see the organisation; admins and owners invite, revoke
 *     invitations, change roles and remove members; only owners make or
 *     unmake owners or remove them; owners see the audit log;
 *   - an organisation always keeps an owner: the last one cannot be
 *     demoted, removed or leave;
 *   - an invitation is accepted by the account with the invited email, once,
 *     within TOKEN_INVITE_SECONDS. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/crypto.h"
#include "base/url.h"
#include "model/account.h"
#include "model/region.h"
#include "store/accounts.h"
#include "web/account.h"
#include "web/app.h"
#include "web/auth.h"
#include "web/formui.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/mails.h"

#define EVIDENCE_MAX 2000

static const char *org_path(Request *r, long long id, const char *rest) {
  return req_printf(r, "/organisations/%lld%s", id, rest ? rest : "");
}

/* ---- create ---- */

static void new_form(Request *r, const FormErrors *e) {
  ui_page_begin(r, "Create an organisation", e);
  html_printf(&r->out, "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-two-thirds\">"
                       "<h1 class=\"govuk-heading-l\">Create an organisation</h1>");
  ui_form_begin(r, "/organisations/new");
  ui_input(r, e, "name", "Organisation name", "text", "organization", form_value(r, "name"), NULL);
  static const char *const kinds[] = {"buyer", "supplier"};
  static const char *const kind_labels[] = {"A buyer: it posts opportunities (a council, NHS trust, university, company…)",
                                            "A supplier: it bids for contracts (a tech firm, co-operative, social enterprise…)"};
  ui_radios(r, e, "kind", "What kind of organisation is it?", kinds, kind_labels, 2, form_value(r, "kind"), NULL);
  const char **codes = req_alloc(r, n_buyer_types * sizeof *codes), **labels = req_alloc(r, n_buyer_types * sizeof *labels);
  for (size_t i = 0; i < n_buyer_types; i++) {
    codes[i] = buyer_types[i].code;
    labels[i] = req_printf(r, "%s (%s sector)", buyer_types[i].label, sector_name(buyer_types[i].sector));
  }
  ui_radios(r, e, "buyer_type", "For a buyer: what type of buyer?", codes, labels, n_buyer_types, form_value(r, "buyer_type"),
            "This sets whether its opportunities are public or private sector");
  ui_input(r, e, "ch_number", "Companies House number (if it has one)", "text", "off", form_value(r, "ch_number"),
           "8 characters, like 01234567 or SC123456");
  ui_input(r, e, "ppon", "Public Procurement Organisation Number (if it has one)", "text", "off", form_value(r, "ppon"),
           "Like PABC-1234-DEFG");
  ui_input(r, e, "website", "Website (optional)", "url", "url", form_value(r, "website"), NULL);
  ui_textarea(r, e, "evidence", "How can we check you act for it?", form_value(r, "evidence"),
              "For a buyer: your role, and a way to check it, like your work email domain or a colleague to contact. "
              "A site administrator reads this before the buyer can post.");
  ui_form_end(r, "Create organisation");
  html_printf(&r->out, "</div></div>");
  page_end(r);
}

void page_org_new(Request *r) {
  if (strcmp(r->method, "POST") != 0) {
    new_form(r, NULL);
    return;
  }
  Auth *a = auth_of(r);
  FormErrors e = {0};
  const char *why;
  char name[ACCOUNT_NAME_SIZE], ch[ACCOUNT_CH_SIZE] = "", ppon[ACCOUNT_PPON_SIZE] = "";
  OrgKind kind = 0;
  const BuyerType *bt = NULL;
  const char *website = form_value(r, "website"), *evidence = form_value(r, "evidence");
  if (account_name_check(form_value(r, "name"), name, sizeof name, &why)) ui_error(&e, "name", "Enter the organisation's name");
  if (orgkind_parse(form_value(r, "kind"), &kind)) ui_error(&e, "kind", "Choose whether it is a buyer or a supplier");
  if (kind == ORGKIND_BUYER && !(bt = buyer_type_find(form_value(r, "buyer_type"))))
    ui_error(&e, "buyer_type", "Choose the type of buyer");
  if (*form_value(r, "ch_number") && account_ch_number_check(form_value(r, "ch_number"), ch, sizeof ch, &why))
    ui_error(&e, "ch_number", why);
  if (*form_value(r, "ppon") && account_ppon_check(form_value(r, "ppon"), ppon, sizeof ppon, &why)) ui_error(&e, "ppon", why);
  if (*website && (strncmp(website, "https://", 8) != 0 && strncmp(website, "http://", 7) != 0))
    ui_error(&e, "website", "Enter a website address starting with https://");
  else if (strlen(website) > 500) ui_error(&e, "website", "Website address must be 500 characters or fewer");
  if (kind == ORGKIND_BUYER && !*evidence) ui_error(&e, "evidence", "Tell us how we can check that you act for this buyer");
  if (strlen(evidence) > EVIDENCE_MAX) ui_error(&e, "evidence", "Keep it to 2,000 characters or fewer");
  if (!a->verified) ui_error(&e, "name", "Confirm your email address before creating an organisation");
  if (e.n) {
    r->status = 400;
    new_form(r, &e);
    return;
  }
  StoreOrganisation o = {0};
  o.name = name;
  o.kind = (char *)orgkind_name(kind);
  o.sector = bt ? (char *)sector_name(bt->sector) : NULL;
  o.buyer_type = bt ? (char *)bt->code : NULL;
  o.ch_number = *ch ? ch : NULL;
  o.ppon = *ppon ? ppon : NULL;
  o.website = *website ? (char *)website : NULL;
  o.evidence = *evidence ? (char *)evidence : NULL;
  o.status = kind == ORGKIND_BUYER ? "pending" : "verified";
  Store *w = acct_begin(r);
  if (!w) return;
  Err err = ERR_INIT;
  long long id = 0;
  if (store_organisation_add(w, &o, a->account_id, app_now(r), &id, &err) ||
      acct_audit(r, w, id, "organisation.create", name, NULL, req_printf(r, "%s, %s", o.kind, o.status), &err)) {
    acct_fail(r, w, err.msg);
    return;
  }
  if (!acct_commit(r, w)) acct_redirect(r, org_path(r, id, "?done=created"));
}

/* ---- the organisation's page ---- */

void acct_audit_table(Request *r, const StoreAudit *au, size_t n, int with_org) {
  if (!n) {
    html_printf(&r->out, "<p class=\"govuk-body\">Nothing has been recorded yet.</p>");
    return;
  }
  html_printf(&r->out, "<div class=\"ph-table-wrap\"><table class=\"govuk-table ph-audit\"><caption class=\"govuk-table__caption govuk-visually-hidden\">"
                       "Audit log</caption><thead class=\"govuk-table__head\"><tr class=\"govuk-table__row\">"
                       "<th scope=\"col\" class=\"govuk-table__header\">When</th><th scope=\"col\" "
                       "class=\"govuk-table__header\">Who</th><th scope=\"col\" class=\"govuk-table__header\">What</th>"
                       "<th scope=\"col\" class=\"govuk-table__header\">Change</th></tr></thead><tbody class=\"govuk-table__body\">");
  for (size_t i = 0; i < n; i++) {
    html_printf(&r->out, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">%s</td><td "
                         "class=\"govuk-table__cell\">%s<br><span class=\"govuk-body-s\">from %s</span></td>"
                         "<td class=\"govuk-table__cell\">%s: %s",
                acct_when(r, au[i].at), au[i].actor ? au[i].actor : "the system", au[i].client ? au[i].client : "the command line",
                au[i].action, au[i].subject ? au[i].subject : "");
    if (with_org && au[i].org_id)
      html_printf(&r->out, " (<a class=\"govuk-link\" href=\"/organisations/%lld\">organisation %lld</a>)", au[i].org_id,
                  au[i].org_id);
    html_printf(&r->out, "</td><td class=\"govuk-table__cell\">%s%s%s</td></tr>", au[i].before ? au[i].before : "",
                au[i].before && au[i].after ? " → " : "", au[i].after ? au[i].after : "");
  }
  html_printf(&r->out, "</tbody></table></div>");
}


static void members_table(Request *r, long long org, const StoreMember *ms, size_t n, Role me) {
  static const char *const roles[] = {"member", "admin", "owner"};
  static const char *const role_labels[] = {"Member", "Admin", "Owner"};
  html_printf(&r->out, "<h2 class=\"govuk-heading-m\" id=\"members\">Members</h2><div class=\"ph-table-wrap\">"
                       "<table class=\"govuk-table\">"
                       "<caption class=\"govuk-table__caption govuk-visually-hidden\">Members</caption>"
                       "<thead class=\"govuk-table__head\"><tr class=\"govuk-table__row\"><th scope=\"col\" "
                       "class=\"govuk-table__header\">Name</th><th scope=\"col\" class=\"govuk-table__header\">Role</th>"
                       "%R</tr></thead><tbody class=\"govuk-table__body\">",
              me >= ROLE_ADMIN ? "<th scope=\"col\" class=\"govuk-table__header\"><span class=\"govuk-visually-hidden\">"
                                 "Change</span></th>"
                               : "");
  for (size_t i = 0; i < n; i++) {
    Role theirs = ROLE_NONE;
    role_parse(ms[i].role, &theirs);
    html_printf(&r->out, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">%s<br><span "
                         "class=\"govuk-body-s\">%s</span></td><td class=\"govuk-table__cell\">%s</td>",
                ms[i].name, ms[i].email, ms[i].role);
    if (me >= ROLE_ADMIN) {
      html_printf(&r->out, "<td class=\"govuk-table__cell\">");
      if (me == ROLE_OWNER || theirs < ROLE_OWNER) {
        const char *id = req_printf(r, "role-%lld", ms[i].account_id);
        html_printf(&r->out, "<form method=\"post\" action=\"%H\" class=\"ph-inline-form\">", org_path(r, org, "/members"));
        ui_hidden(r, "csrf", auth_of(r)->csrf);
        ui_hidden(r, "member", req_printf(r, "%lld", ms[i].account_id));
        ui_hidden(r, "action", "role");
        html_printf(&r->out, "<label class=\"govuk-label govuk-visually-hidden\" for=\"%s\">Role of %s</label>"
                             "<select class=\"govuk-select\" id=\"%s\" name=\"role\">",
                    id, ms[i].name, id);
        for (int k = 0; k < (me == ROLE_OWNER ? 3 : 2); k++) {
          html_printf(&r->out, "<option value=\"%s\"", roles[k]);
          if (!strcmp(roles[k], ms[i].role)) html_printf(&r->out, " selected");
          html_printf(&r->out, ">%s</option>", role_labels[k]);
        }
        html_printf(&r->out, "</select> <button type=\"submit\" class=\"govuk-button govuk-button--secondary\">Change "
                             "role<span class=\"govuk-visually-hidden\"> of %s</span></button></form> ",
                    ms[i].name);
        ui_button_form(r, org_path(r, org, "/members"), req_printf(r, "Remove %s", ms[i].name), "govuk-button--warning",
                       "member", req_printf(r, "%lld", ms[i].account_id), "action", "remove", (const char *)NULL);
      }
      html_printf(&r->out, "</td>");
    }
    html_printf(&r->out, "</tr>");
  }
  html_printf(&r->out, "</tbody></table></div>");
}

static void invite_section(Request *r, const FormErrors *e, long long org, const StoreInvitation *iv, size_t n, Role me) {
  html_printf(&r->out, "<h2 class=\"govuk-heading-m\" id=\"invitations\">Invitations</h2>");
  if (n) {
    html_printf(&r->out, "<ul class=\"govuk-list\">");
    for (size_t i = 0; i < n; i++) {
      html_printf(&r->out, "<li>%s, as %s ", iv[i].email, iv[i].role);
      ui_button_form(r, org_path(r, org, "/invitations/revoke"), req_printf(r, "Cancel the invitation to %s", iv[i].email),
                     "", "invitation", req_printf(r, "%lld", iv[i].id), (const char *)NULL);
      html_printf(&r->out, "</li>");
    }
    html_printf(&r->out, "</ul>");
  } else {
    html_printf(&r->out, "<p class=\"govuk-body\">No invitations are waiting.</p>");
  }
  static const char *const roles[] = {"member", "admin", "owner"};
  static const char *const role_labels[] = {"Member: sees the organisation", "Admin: also invites and manages members",
                                            "Owner: also manages owners"};
  ui_form_begin(r, org_path(r, org, "/invitations"));
  ui_input(r, e, "email", "Email address to invite", "email", "off", ui_error_for(e, "email") ? form_value(r, "email") : NULL,
           "We will send them a link that works once, for 7 days");
  ui_radios(r, e, "role", "Role", roles, role_labels, me == ROLE_OWNER ? 3 : 2,
            *form_value(r, "role") ? form_value(r, "role") : "member", NULL);
  ui_form_end(r, "Send invitation");
}

static void claim_section(Request *r, const StoreOrganisation *o, Role me) {
  if (strcmp(o->kind, "supplier") != 0) return;
  html_printf(&r->out, "<h2 class=\"govuk-heading-m\" id=\"claim\">Contracts it has won</h2>");
  if (o->claim_org_id && o->claim_status && !strcmp(o->claim_status, "accepted")) {
    html_printf(&r->out, "<p class=\"govuk-body\">This organisation is the supplier named in award data as "
                         "organisation %lld.</p>",
                o->claim_org_id);
    return;
  }
  if (o->claim_status && !strcmp(o->claim_status, "pending")) {
    html_printf(&r->out, "<p class=\"govuk-body\">Your claim is waiting for a site administrator.</p>");
    return;
  }
  if (o->claim_status && !strcmp(o->claim_status, "rejected"))
    html_printf(&r->out, "<p class=\"govuk-body\">A site administrator did not accept the last claim.</p>");
  html_printf(&r->out, "<p class=\"govuk-body\">If contract award data already names this organisation (by its Companies "
                       "House number or PPON), claim it so that its awards show on its profile.</p>");
  if (me >= ROLE_ADMIN)
    ui_button_form(r, org_path(r, o->id, "/claim"), "Claim it from award data", "", (const char *)NULL);
}

static void org_page(Request *r, const FormErrors *e) {
  Auth *a = auth_of(r);
  Store *st = app_store(r);
  Err err = ERR_INIT;
  StoreOrganisation o;
  StoreMember *ms = NULL;
  StoreInvitation *iv = NULL;
  StoreAudit *au = NULL;
  size_t nm = 0, ni = 0, na = 0;
  int rc = st ? store_organisation_get(st, a->org_id, &o, &err) : -1;
  if (rc == 0) {
    auth_refuse(r, 404, "There is no such organisation.");
    return;
  }
  Role me = a->role;
  int owner_view = me == ROLE_OWNER || a->site_admin;
  if (rc < 0 || store_members(st, o.id, &ms, &nm, &err) ||
      (me >= ROLE_ADMIN && store_invitations(st, o.id, app_now(r), &iv, &ni, &err)) ||
      (owner_view && store_audit_list(st, o.id, 0, 50, &au, &na, &err))) {
    if (rc > 0) store_organisation_release(&o);
    store_members_free(ms, nm);
    store_invitations_free(iv, ni);
    page_unavailable(r, err.msg);
    return;
  }
  r->cache_control = "no-store";
  ui_page_begin(r, o.name, e);
  const char *done = req_param(r, "done");
  static const struct {
    const char *done, *text;
  } dones[] = {{"created", "The organisation has been created."},
               {"invited", "The invitation has been sent."},
               {"revoked", "The invitation has been cancelled."},
               {"role", "The role has been changed."},
               {"removed", "The member has been removed."},
               {"claimed", "Your claim has been sent to a site administrator."},
               {"joined", "You have joined the organisation."},
               {"profile", "Its size and region are saved."}};
  for (size_t i = 0; done && i < sizeof dones / sizeof *dones; i++)
    if (!strcmp(done, dones[i].done)) ui_success(r, dones[i].text);
  if (!strcmp(o.status, "pending"))
    ui_important(r, "A site administrator is checking this buyer. It can post opportunities once it is verified.");
  else if (!strcmp(o.status, "rejected"))
    ui_important(r, o.decision_note ? req_printf(r, "This buyer was not verified: %s", o.decision_note)
                                    : "This buyer was not verified.");
  html_printf(&r->out, "<span class=\"govuk-caption-l\">%s%s%s</span><h1 class=\"govuk-heading-l\">%s</h1>",
              !strcmp(o.kind, "buyer") ? "Buyer" : "Supplier", o.sector ? ", " : "", o.sector ? req_printf(r, "%s sector", o.sector) : "",
              o.name);
  html_printf(&r->out, "<dl class=\"govuk-summary-list\">");
  const char *rows[][2] = {{"Status", o.status},         {"Your role", me ? role_name(me) : "site administrator"},
                           {"Companies House number", o.ch_number}, {"PPON", o.ppon},
                           {"Website", o.website},
                           {"Size", supplier_size_words(o.size)},
                           {"Region", o.region ? region_name(o.region) : NULL}};
  for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
    if (rows[i][1])
      html_printf(&r->out, "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">%s</dt>"
                           "<dd class=\"govuk-summary-list__value\">%s</dd></div>",
                  rows[i][0], rows[i][1]);
  html_printf(&r->out, "</dl><p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/organisations/%lld/notices\">"
                       "%s's notices</a>: %s</p>",
              o.id, o.name, !strcmp(o.kind, "buyer") ? "post opportunities, and change, award or cancel them"
                                                     : "post sub-contracting opportunities");
  members_table(r, o.id, ms, nm, me);
  if (me >= ROLE_ADMIN) invite_section(r, e, o.id, iv, ni, me);
  claim_section(r, &o, me);
  supplier_profile_section(r, &o, me);
  if (owner_view) {
    html_printf(&r->out, "<h2 class=\"govuk-heading-m\" id=\"log\">Audit log</h2>");
    acct_audit_table(r, au, na, 0);
  }
  if (me) {
    html_printf(&r->out, "<h2 class=\"govuk-heading-m\" id=\"leave\">Leave</h2>");
    ui_button_form(r, org_path(r, o.id, "/leave"), "Leave this organisation", "govuk-button--warning", (const char *)NULL);
  }
  page_end(r);
  store_organisation_release(&o);
  store_members_free(ms, nm);
  store_invitations_free(iv, ni);
  store_audit_free(au, na);
}

void page_org(Request *r) { org_page(r, NULL); }

/* ---- invitations ---- */

void page_org_invite(Request *r) {
  Auth *a = auth_of(r);
  FormErrors e = {0};
  char email[ACCOUNT_EMAIL_SIZE];
  const char *why;
  Role role = ROLE_NONE;
  if (account_email_check(form_value(r, "email"), email, sizeof email, &why)) ui_error(&e, "email", why);
  if (role_parse(form_value(r, "role"), &role)) ui_error(&e, "role", "Choose a role");
  else if (role > a->role) ui_error(&e, "role", "Only owners can invite an owner");
  Store *w = app_store_write(r);
  Err err = ERR_INIT;
  StoreAccount acc = {0};
  if (!e.n && w && store_account_by_email(w, email, &acc, &err) == 1) {
    char have[16];
    if (store_member_role(w, a->org_id, acc.id, have, sizeof have, &err) == 1)
      ui_error(&e, "email", "This person is a member already");
    store_account_release(&acc);
  }
  if (e.n) {
    r->status = 400;
    org_page(r, &e);
    return;
  }
  const char *key = req_printf(r, "mail:to:%s", email);
  if (!w || acct_throttled(r, w, key, MAIL_PER_EMAIL, MAIL_WINDOW)) {
    if (!w) page_unavailable(r, NULL);
    return;
  }
  StoreOrganisation o;
  if (store_organisation_get(w, a->org_id, &o, &err) != 1) {
    page_unavailable(r, err.msg);
    return;
  }
  char tok[CRYPTO_TOKEN_LEN + 1], hash[CRYPTO_HASH_HEX + 1];
  acct_token(tok, hash);
  time_t now = app_now(r);
  MailText m = {email, req_printf(r, "You are invited to join %s on " SERVICE, o.name), "Hello,",
                {req_printf(r, "%s (%s) invited you to join %s on " SERVICE " as %s %s.", a->name, a->email, o.name,
                            role == ROLE_ADMIN ? "an" : "a", role_name(role)),
                 NULL},
                "Accept the invitation", req_printf(r, "/invitations?token=%s", tok),
                "The link works once, for 7 days. Sign in, or create an account with this email address, to accept it."};
  if (!(w = acct_begin(r))) {
    store_organisation_release(&o);
    return;
  }
  if (store_invitation_add(w, a->org_id, email, role_name(role), hash, a->account_id, now, now + TOKEN_INVITE_SECONDS, NULL,
                           &err) ||
      mail_queue(r, w, &m, &err) || store_throttle_add(w, key, now, &err) ||
      acct_audit(r, w, a->org_id, "invitation.create", email, NULL, role_name(role), &err))
    acct_fail(r, w, err.msg);
  else if (!acct_commit(r, w)) acct_redirect(r, org_path(r, a->org_id, "?done=invited#invitations"));
  store_organisation_release(&o);
}

void page_org_invite_revoke(Request *r) {
  Auth *a = auth_of(r);
  long long id = 0;
  if (app_path_id(form_value(r, "invitation"), &id)) {
    auth_refuse(r, 404, "There is no such invitation.");
    return;
  }
  Store *w = acct_begin(r);
  if (!w) return;
  Err err = ERR_INIT;
  int rc = store_invitation_revoke(w, a->org_id, id, app_now(r), &err);
  if (rc == 1 && acct_audit(r, w, a->org_id, "invitation.revoke", req_printf(r, "invitation %lld", id), NULL, NULL, &err))
    rc = -1;
  if (rc < 0) acct_fail(r, w, err.msg);
  else if (rc == 0) store_rollback(w), auth_refuse(r, 404, "There is no such invitation.");
  else if (!acct_commit(r, w)) acct_redirect(r, org_path(r, a->org_id, "?done=revoked#invitations"));
}

/* /invitations?token=...: what the invitation is, and a button to accept it */
void page_invitation(Request *r) {
  Auth *a = auth_of(r);
  int post = strcmp(r->method, "POST") == 0;
  const char *tok = post ? form_value(r, "token") : req_param(r, "token");
  char hash[CRYPTO_HASH_HEX + 1];
  crypto_token_hash(tok ? tok : "", hash);
  Store *st = post ? app_store_write(r) : app_store(r);
  Err err = ERR_INIT;
  StoreInvitation iv;
  int rc = st ? store_invitation_find(st, hash, app_now(r), &iv, &err) : -1;
  if (rc < 0) {
    page_unavailable(r, err.msg);
    return;
  }
  if (rc == 0) {
    r->status = 400;
    page_begin(r, "This invitation has expired");
    html_printf(&r->out, "<h1 class=\"govuk-heading-l\">This invitation has expired</h1><p class=\"govuk-body\">It has "
                         "been used or cancelled, or it is more than 7 days old. Ask the organisation for a new one.</p>");
    page_end(r);
    return;
  }
  int mine = a->account_id && !strcmp(a->email, iv.email);
  if (post && mine) {
    Store *w = acct_begin(r);
    if (w) {
      int ok = store_invitation_accept(w, iv.id, a->account_id, app_now(r), &err);
      int added = ok == 1 ? store_member_add(w, iv.org_id, a->account_id, iv.role, app_now(r), &err) : 0;
      /* a member already keeps the role they have: the log says so, not the invited one */
      int logged = ok != 1 ? 0
                   : added == STORE_EXISTS ? acct_audit(r, w, iv.org_id, "invitation.accept", a->email, NULL, "already a member", &err)
                                           : acct_audit(r, w, iv.org_id, "member.join", a->email, NULL, iv.role, &err);
      if (ok < 0 || added < 0 || logged)
        acct_fail(r, w, err.msg);
      else if (!acct_commit(r, w)) acct_redirect(r, org_path(r, iv.org_id, "?done=joined"));
    }
    store_invitation_release(&iv);
    return;
  }
  if (post) r->status = 403;
  page_begin(r, "Join an organisation");
  html_printf(&r->out, "<h1 class=\"govuk-heading-l\">Join %s</h1><p class=\"govuk-body\">You are invited to join %s on "
                       SERVICE " as %s %s.</p>",
              iv.org_name, iv.org_name, !strcmp(iv.role, "admin") || !strcmp(iv.role, "owner") ? "an" : "a", iv.role);
  const char *back = req_printf(r, "/invitations?token=%s", tok);
  Buf q = BUF_INIT;
  if (!a->account_id) {
    buf_adds(&q, "/account/login?");
    url_query_add(&q, "next", back);
    html_printf(&r->out, "<p class=\"govuk-body\">The invitation is for %s. <a class=\"govuk-link\" href=\"%H\">Sign in</a> "
                         "with that email address to accept it, or <a class=\"govuk-link\" href=\"/account/register\">create "
                         "an account</a> with it first.</p>",
                iv.email, q.data);
  } else if (!mine) {
    html_printf(&r->out, "<p class=\"govuk-body\">The invitation is for %s, and you are signed in as %s. Sign in with "
                         "the invited email address to accept it.</p>",
                iv.email, a->email);
  } else {
    ui_form_begin(r, "/invitations");
    ui_hidden(r, "token", tok);
    ui_form_end(r, "Accept the invitation");
  }
  buf_release(&q);
  page_end(r);
  store_invitation_release(&iv);
}

/* ---- members ---- */

void page_org_members(Request *r) {
  Auth *a = auth_of(r);
  long long member = 0;
  const char *action = form_value(r, "action");
  int remove = !strcmp(action, "remove");
  Role to = ROLE_NONE, theirs = ROLE_NONE;
  if (app_path_id(form_value(r, "member"), &member) || (!remove && (strcmp(action, "role") || role_parse(form_value(r, "role"), &to)))) {
    auth_refuse(r, 400, "The form sent could not be read. Go back, reload the page and try again.");
    return;
  }
  Store *w = acct_begin(r);
  if (!w) return;
  Err err = ERR_INIT;
  char role[16];
  int64_t owners = 0;
  int rc = store_member_role(w, a->org_id, member, role, sizeof role, &err);
  if (rc == 1) rc = store_owner_count(w, a->org_id, &owners, &err) ? -1 : 1;
  if (rc < 0) {
    acct_fail(r, w, err.msg);
    return;
  }
  if (rc == 0) {
    store_rollback(w);
    auth_refuse(r, 404, "There is no such member.");
    return;
  }
  role_parse(role, &theirs);
  const char *refusal = NULL;
  if ((theirs == ROLE_OWNER || to == ROLE_OWNER) && a->role != ROLE_OWNER) refusal = "Only owners can change an owner's role or make an owner.";
  else if (theirs == ROLE_OWNER && (remove || to != ROLE_OWNER) && owners < 2)
    refusal = "An organisation must keep an owner: make another member an owner first.";
  if (refusal) {
    store_rollback(w);
    auth_refuse(r, 403, refusal);
    return;
  }
  StoreAccount acc = {0};
  rc = store_account_get(w, member, &acc, &err) < 0 ? -1
       : remove ? store_member_remove(w, a->org_id, member, &err)
                : store_member_set_role(w, a->org_id, member, role_name(to), &err);
  if (!rc) rc = acct_audit(r, w, a->org_id, remove ? "member.remove" : "member.role", acc.email, role, remove ? NULL : role_name(to), &err);
  store_account_release(&acc);
  if (rc) acct_fail(r, w, err.msg);
  else if (!acct_commit(r, w)) acct_redirect(r, org_path(r, a->org_id, remove ? "?done=removed#members" : "?done=role#members"));
}

void page_org_leave(Request *r) {
  Auth *a = auth_of(r);
  Store *w = acct_begin(r);
  if (!w) return;
  Err err = ERR_INIT;
  int64_t owners = 0;
  if (a->role == ROLE_OWNER && (store_owner_count(w, a->org_id, &owners, &err) || owners < 2)) {
    if (err.code) {
      acct_fail(r, w, err.msg);
      return;
    }
    store_rollback(w);
    auth_refuse(r, 403, "You are its only owner: make another member an owner before you leave.");
    return;
  }
  if (store_member_remove(w, a->org_id, a->account_id, &err) ||
      acct_audit(r, w, a->org_id, "member.leave", a->email, role_name(a->role), NULL, &err))
    acct_fail(r, w, err.msg);
  else if (!acct_commit(r, w)) acct_redirect(r, "/account?done=left");
}

/* ---- a supplier's claim on an organisation of the award data ---- */

void page_org_claim(Request *r) {
  Auth *a = auth_of(r);
  Store *w = acct_begin(r);
  if (!w) return;
  Err err = ERR_INIT;
  StoreOrganisation o;
  int rc = store_organisation_get(w, a->org_id, &o, &err);
  if (rc != 1) {
    acct_fail(r, w, err.msg);
    return;
  }
  long long known = 0;
  char *name = NULL;
  if (!strcmp(o.kind, "supplier")) {
    if (o.ch_number) rc = store_known_org_find(w, req_printf(r, "GB-COH-%s", o.ch_number), &known, &name, &err);
    else rc = 0;
    if (rc == 0 && o.ppon) rc = store_known_org_find(w, req_printf(r, "GB-PPON-%s", o.ppon), &known, &name, &err);
  } else {
    rc = 0;
  }
  if (rc < 0) {
    store_organisation_release(&o);
    acct_fail(r, w, err.msg);
    return;
  }
  if (rc == 0) {
    store_rollback(w);
    store_organisation_release(&o);
    auth_refuse(r, 400, "No organisation in the award data has this organisation's Companies House number or PPON.");
    return;
  }
  if (store_organisation_claim(w, o.id, known, req_printf(r, "matches %s (organisation %lld)", name, known), &err) ||
      acct_audit(r, w, o.id, "organisation.claim", name, NULL, req_printf(r, "organisation %lld", known), &err))
    acct_fail(r, w, err.msg);
  else if (!acct_commit(r, w)) acct_redirect(r, org_path(r, o.id, "?done=claimed#claim"));
  free(name);
  store_organisation_release(&o);
}

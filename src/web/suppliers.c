/* suppliers.c -- a supplier organisation's public profile (GET
 * /suppliers/{id}: its name, size, region, website and Companies House
 * number, for the buyers whose notices it registered interest in, and
 * anyone), and the form on its own page that sets its size and region
 * (POST /organisations/{id}/profile, its admins and owners). The supplier
 * directory grows from here. */
#include <stdlib.h>
#include <string.h>

#include "model/account.h"
#include "model/region.h"
#include "store/accounts.h"
#include "web/account.h"
#include "web/app.h"
#include "web/auth.h"
#include "web/formui.h"
#include "web/html.h"
#include "web/layout.h"

static const char *const itl1[] = {"TLC", "TLD", "TLE", "TLF", "TLG", "TLH", "TLI", "TLJ", "TLK", "TLL", "TLM", "TLN"};
#define N_ITL1 (sizeof itl1 / sizeof *itl1)

const char *supplier_size_words(const char *code) {
  const OrgSize *s = org_size_find(code);
  return s ? s->label : NULL;
}

void supplier_profile_section(Request *r, const StoreOrganisation *o, Role me) {
  if (strcmp(o->kind, "supplier")) return;
  html_printf(&r->out, "<h2 class=\"govuk-heading-m\" id=\"profile\">Size and region</h2>"
                       "<p class=\"govuk-body\">Buyers see them beside your name when you register interest in their "
                       "notices, and on your <a class=\"govuk-link\" href=\"/suppliers/%lld\">public profile</a>.</p>",
              o->id);
  if (me < ROLE_ADMIN) return;
  ui_form_begin(r, req_printf(r, "/organisations/%lld/profile", o->id));
  const char *codes[8], *labels[8];
  for (size_t i = 0; i < n_org_sizes; i++) codes[i] = org_sizes[i].code, labels[i] = org_sizes[i].label;
  ui_radios(r, NULL, "size", "How many staff does it have?", codes, labels, n_org_sizes, o->size, NULL);
  const char *rc[N_ITL1 + 1], *rl[N_ITL1 + 1];
  rc[0] = "", rl[0] = "Not given";
  for (size_t i = 0; i < N_ITL1; i++) rc[i + 1] = itl1[i], rl[i + 1] = region_name(itl1[i]);
  ui_select(r, NULL, "region", "Where is it based?", rc, rl, N_ITL1 + 1, o->region ? o->region : "");
  ui_form_end(r, "Save size and region");
}

void page_org_profile(Request *r) {
  Auth *a = auth_of(r);
  const char *size = form_value(r, "size"), *region = form_value(r, "region");
  if ((*size && !org_size_find(size)) || (*region && !region_name(region))) {
    auth_refuse(r, 400, "Choose a size and a region from the lists.");
    return;
  }
  Store *w = acct_begin(r);
  if (!w) return;
  Err err = ERR_INIT;
  StoreOrganisation o;
  int rc = store_organisation_get(w, a->org_id, &o, &err);
  if (rc == 1 && strcmp(o.kind, "supplier")) {
    store_organisation_release(&o);
    store_rollback(w);
    auth_refuse(r, 400, "Only a supplier organisation has a size and region here.");
    return;
  }
  if (rc == 1) store_organisation_release(&o);
  if (rc != 1 || store_organisation_profile(w, a->org_id, *size ? size : NULL, *region ? region : NULL, &err) ||
      acct_audit(r, w, a->org_id, "organisation.profile", NULL, NULL, req_printf(r, "%s, %s", size, region), &err))
    acct_fail(r, w, rc == 0 ? "the organisation is gone" : err.msg);
  else if (!acct_commit(r, w))
    acct_redirect(r, req_printf(r, "/organisations/%lld?done=profile#profile", a->org_id));
}

void page_supplier(Request *r) {
  long long id = 0;
  Store *st = app_store(r);
  StoreOrganisation o;
  Err err = ERR_INIT;
  int rc = app_path_id(r->capture, &id) ? 0 : st ? store_organisation_get(st, id, &o, &err) : -1;
  if (rc < 0) {
    page_unavailable(r, err.msg);
    return;
  }
  if (rc == 0 || strcmp(o.kind, "supplier") || strcmp(o.status, "verified")) {
    if (rc) store_organisation_release(&o);
    auth_refuse(r, 404, "There is no such supplier.");
    return;
  }
  page_begin(r, o.name);
  html_printf(&r->out, "<span class=\"govuk-caption-l\">Supplier</span><h1 class=\"govuk-heading-l\">%s</h1>"
                       "<dl class=\"govuk-summary-list\">",
              o.name);
  const char *rows[][2] = {{"Size", supplier_size_words(o.size)},
                           {"Region", o.region ? region_name(o.region) : NULL},
                           {"Companies House number", o.ch_number},
                           {"Website", o.website}};
  for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
    html_printf(&r->out, "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">%s</dt>"
                         "<dd class=\"govuk-summary-list__value\">%s</dd></div>",
                rows[i][0], rows[i][1] ? rows[i][1] : "Not given");
  html_printf(&r->out, "</dl>");
  page_end(r);
  store_organisation_release(&o);
}

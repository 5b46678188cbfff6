/* formui.c -- the GOV.UK form patterns (formui.h). */
#include "web/formui.h"

#include <stdarg.h>
#include <string.h>

#include "web/auth.h"
#include "web/html.h"
#include "web/layout.h"

void ui_error(FormErrors *e, const char *field, const char *msg) {
  if (e->n == FORMUI_MAX_ERRORS || ui_error_for(e, field)) return;
  e->e[e->n].field = field;
  e->e[e->n].msg = msg;
  e->n++;
}

const char *ui_error_for(const FormErrors *e, const char *field) {
  for (size_t i = 0; e && i < e->n; i++)
    if (strcmp(e->e[i].field, field) == 0) return e->e[i].msg;
  return NULL;
}

void ui_page_begin(Request *r, const char *title, const FormErrors *e) {
  int bad = e && e->n;
  page_begin(r, bad ? req_printf(r, "Error: %s", title) : title);
  if (!bad) return;
  html_printf(&r->out, "<div class=\"govuk-error-summary\" role=\"alert\" tabindex=\"-1\" autofocus "
                       "aria-labelledby=\"error-summary-title\"><h2 class=\"govuk-error-summary__title\" "
                       "id=\"error-summary-title\">There is a problem</h2><div class=\"govuk-error-summary__body\">"
                       "<ul class=\"govuk-list govuk-error-summary__list\">");
  for (size_t i = 0; i < e->n; i++) html_printf(&r->out, "<li><a href=\"#%U\">%s</a></li>", e->e[i].field, e->e[i].msg);
  html_printf(&r->out, "</ul></div></div>\n");
}

void ui_hidden(Request *r, const char *name, const char *value) {
  html_printf(&r->out, "<input type=\"hidden\" name=\"%s\" value=\"%s\">", name, value ? value : "");
}

void ui_form_begin(Request *r, const char *action) {
  html_printf(&r->out, "<form method=\"post\" action=\"%H\" novalidate>", action);
  ui_hidden(r, "csrf", auth_of(r)->csrf);
}

void ui_form_end(Request *r, const char *button) {
  html_printf(&r->out, "<button type=\"submit\" class=\"govuk-button\" data-module=\"govuk-button\">%s</button></form>\n",
              button);
}

void ui_button_form(Request *r, const char *action, const char *button, const char *klass, ...) {
  html_printf(&r->out, "<form method=\"post\" action=\"%H\" class=\"ph-inline-form\">", action);
  ui_hidden(r, "csrf", auth_of(r)->csrf);
  va_list ap;
  va_start(ap, klass);
  const char *name;
  while ((name = va_arg(ap, const char *)) != NULL) ui_hidden(r, name, va_arg(ap, const char *));
  va_end(ap);
  html_printf(&r->out, "<button type=\"submit\" class=\"govuk-button govuk-button--secondary %s\">%s</button></form>",
              klass ? klass : "", button);
}

/* The group's opening div, label and hint, and the field's error message. */
static const char *group_begin(Request *r, const FormErrors *e, const char *name, const char *label, const char *hint,
                               int legend) {
  const char *err = ui_error_for(e, name);
  html_printf(&r->out, "<div class=\"govuk-form-group%s\">", err ? " govuk-form-group--error" : "");
  if (legend)
    html_printf(&r->out, "<fieldset class=\"govuk-fieldset\"><legend class=\"govuk-fieldset__legend "
                         "govuk-fieldset__legend--s\">%s</legend>",
                label);
  else
    html_printf(&r->out, "<label class=\"govuk-label govuk-label--s\" for=\"%s\">%s</label>", name, label);
  if (hint) html_printf(&r->out, "<div class=\"govuk-hint\" id=\"%s-hint\">%s</div>", name, hint);
  if (err)
    html_printf(&r->out, "<p class=\"govuk-error-message\" id=\"%s-error\"><span class=\"govuk-visually-hidden\">"
                         "Error:</span> %s</p>",
                name, err);
  return err;
}

static const char *described_by(Request *r, const char *name, const char *hint, const char *err) {
  if (hint && err) return req_printf(r, "%s-hint %s-error", name, name);
  if (hint) return req_printf(r, "%s-hint", name);
  if (err) return req_printf(r, "%s-error", name);
  return NULL;
}

void ui_input(Request *r, const FormErrors *e, const char *name, const char *label, const char *type,
              const char *autocomplete, const char *value, const char *hint) {
  const char *err = group_begin(r, e, name, label, hint, 0);
  const char *by = described_by(r, name, hint, err);
  html_printf(&r->out, "<input class=\"govuk-input%s\" id=\"%s\" name=\"%s\" type=\"%s\"", err ? " govuk-input--error" : "",
              name, name, type);
  if (by) html_printf(&r->out, " aria-describedby=\"%s\"", by);
  if (autocomplete) html_printf(&r->out, " autocomplete=\"%s\"", autocomplete);
  if (!strcmp(type, "email")) html_printf(&r->out, " spellcheck=\"false\"");
  if (value && strcmp(type, "password") != 0) html_printf(&r->out, " value=\"%s\"", value);
  html_printf(&r->out, "></div>\n");
}

void ui_textarea(Request *r, const FormErrors *e, const char *name, const char *label, const char *value,
                 const char *hint) {
  const char *err = group_begin(r, e, name, label, hint, 0);
  const char *by = described_by(r, name, hint, err);
  html_printf(&r->out, "<textarea class=\"govuk-textarea%s\" id=\"%s\" name=\"%s\" rows=\"4\"",
              err ? " govuk-textarea--error" : "", name, name);
  if (by) html_printf(&r->out, " aria-describedby=\"%s\"", by);
  html_printf(&r->out, ">%s</textarea></div>\n", value ? value : "");
}

void ui_radios(Request *r, const FormErrors *e, const char *name, const char *legend, const char *const *values,
               const char *const *labels, size_t n, const char *checked, const char *hint) {
  group_begin(r, e, name, legend, hint, 1);
  html_printf(&r->out, "<div class=\"govuk-radios\">");
  for (size_t i = 0; i < n; i++) {
    /* the first radio carries the field's id, so the error summary's link lands on it */
    const char *id = i ? req_printf(r, "%s-%zu", name, i + 1) : name;
    html_printf(&r->out, "<div class=\"govuk-radios__item\"><input class=\"govuk-radios__input\" id=\"%s\" name=\"%s\" "
                         "type=\"radio\" value=\"%s\"",
                id, name, values[i]);
    if (checked && !strcmp(checked, values[i])) html_printf(&r->out, " checked");
    html_printf(&r->out, "><label class=\"govuk-label govuk-radios__label\" for=\"%s\">%s</label></div>", id, labels[i]);
  }
  html_printf(&r->out, "</div></fieldset></div>\n");
}

void ui_select(Request *r, const FormErrors *e, const char *name, const char *label, const char *const *values,
               const char *const *labels, size_t n, const char *selected) {
  const char *err = group_begin(r, e, name, label, NULL, 0);
  html_printf(&r->out, "<select class=\"govuk-select%s\" id=\"%s\" name=\"%s\"", err ? " govuk-select--error" : "", name,
              name);
  if (err) html_printf(&r->out, " aria-describedby=\"%s-error\"", name);
  html_printf(&r->out, ">");
  for (size_t i = 0; i < n; i++) {
    html_printf(&r->out, "<option value=\"%s\"", values[i]);
    if (selected && !strcmp(selected, values[i])) html_printf(&r->out, " selected");
    html_printf(&r->out, ">%s</option>", labels[i]);
  }
  html_printf(&r->out, "</select></div>\n");
}

static void banner(Request *r, int success, const char *text) {
  html_printf(&r->out, "<div class=\"govuk-notification-banner%s\" role=\"%s\" aria-labelledby=\"banner-title\">"
                       "<div class=\"govuk-notification-banner__header\"><h2 class=\"govuk-notification-banner__title\" "
                       "id=\"banner-title\">%s</h2></div><div class=\"govuk-notification-banner__content\">"
                       "<p class=\"govuk-notification-banner__heading\">%s</p></div></div>\n",
              success ? " govuk-notification-banner--success" : "", success ? "alert" : "region",
              success ? "Success" : "Important", text);
}

void ui_success(Request *r, const char *text) { banner(r, 1, text); }
void ui_important(Request *r, const char *text) { banner(r, 0, text); }

/* formui.h -- the GOV.UK form patterns every account, organisation and admin
 * page uses, written once: a form that posts with its CSRF token, labelled
 * inputs with hints and their error messages, radios, selects, text areas, the
 * "There is a problem" summary linked to each field, and the banners that
 * confirm a change. Values a visitor typed are kept when a form comes back
 * with errors (never a password). All markup through html_printf. */
#ifndef WEB_FORMUI_H
#define WEB_FORMUI_H

#include <stddef.h>

#include "web/server.h"

#define FORMUI_MAX_ERRORS 64 /* a posting can have that many problems (model/posting.h) */

typedef struct {
  const char *field, *msg;
} FormError;

typedef struct {
  FormError e[FORMUI_MAX_ERRORS];
  size_t n;
} FormErrors;

/* Adds an error for field (its id: the summary links to "#field"). The first
 * error of a field wins. */
void ui_error(FormErrors *e, const char *field, const char *msg);
const char *ui_error_for(const FormErrors *e, const char *field);

/* page_begin with "Error: " before the title when there are errors, then
 * the error summary (focused on load; no script). */
void ui_page_begin(Request *r, const char *title, const FormErrors *e);

/* <form method="post" action="..."> with the hidden csrf field of this visitor. */
void ui_form_begin(Request *r, const char *action);
void ui_form_end(Request *r, const char *button);
/* A one-button form (sign out, revoke, remove): hidden fields name=value pairs
 * (NULL-terminated), the button's text, and a class ("" or "govuk-button--warning"...). */
void ui_button_form(Request *r, const char *action, const char *button, const char *klass, ...);
/* <input type="hidden"> */
void ui_hidden(Request *r, const char *name, const char *value);

/* A text input: type "text", "email", "password", "url"; autocomplete (may be
 * NULL); hint (may be NULL); value kept (NULL: empty). */
void ui_input(Request *r, const FormErrors *e, const char *name, const char *label, const char *type,
              const char *autocomplete, const char *value, const char *hint);
void ui_textarea(Request *r, const FormErrors *e, const char *name, const char *label, const char *value,
                 const char *hint);
/* Radios or a select over n (value, label) pairs; checked: the current value. */
void ui_radios(Request *r, const FormErrors *e, const char *name, const char *legend, const char *const *values,
               const char *const *labels, size_t n, const char *checked, const char *hint);
void ui_select(Request *r, const FormErrors *e, const char *name, const char *label, const char *const *values,
               const char *const *labels, size_t n, const char *selected);

/* A green "Success" notification banner with a heading (escaped). */
void ui_success(Request *r, const char *text);
/* An "Important" notification banner. */
void ui_important(Request *r, const char *text);

#endif

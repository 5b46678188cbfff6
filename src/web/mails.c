/* mails.c -- composing and queueing the portal's mails (mails.h). */
#include "web/mails.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/crypto.h"
#include "store/outbox.h"
#include "web/app.h"
#include "web/html.h"
#include "web/layout.h"

int mail_queue(Request *r, Store *st, const MailText *m, Err *err) {
  Buf text = BUF_INIT, html = BUF_INIT;
  const char *url = m->link ? req_printf(r, "%s%s", app_base_url(r), m->link) : NULL;
  html_printf(&html, "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>%s</title></head>"
                     "<body style=\"font-family: Arial, sans-serif; font-size: 16px; line-height: 1.5\">",
              m->subject);
  if (m->greeting) {
    buf_addf(&text, "%s\n\n", m->greeting);
    html_printf(&html, "<p>%s</p>", m->greeting);
  }
  for (int i = 0; i < 4 && m->para[i]; i++) {
    buf_addf(&text, "%s\n\n", m->para[i]);
    html_printf(&html, "<p>%s</p>", m->para[i]);
  }
  if (url) {
    buf_addf(&text, "%s:\n%s\n\n", m->link_text, url);
    html_printf(&html, "<p><a href=\"%H\">%s</a></p><p>Or copy this address into your browser: %s</p>", url,
                m->link_text, url);
  }
  if (m->after) {
    buf_addf(&text, "%s\n\n", m->after);
    html_printf(&html, "<p>%s</p>", m->after);
  }
  buf_addf(&text, "-- \n%s\n%s\n", SERVICE, app_base_url(r));
  html_printf(&html, "<p style=\"color: #505a5f\">%s<br>%s</p></body></html>", SERVICE, app_base_url(r));
  App *app = r->app;
  char *st_text = app->has_mail_key ? crypto_seal(app->mail_key, text.data) : NULL;
  char *st_html = app->has_mail_key ? crypto_seal(app->mail_key, html.data) : NULL;
  int rc = store_outbox_add(st, m->to, m->subject, st_text ? st_text : text.data, st_html ? st_html : html.data,
                            app_now(r), NULL, err);
  free(st_text);
  free(st_html);
  buf_release(&text);
  buf_release(&html);
  return rc;
}

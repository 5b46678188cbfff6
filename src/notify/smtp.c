/* smtp.c -- one message to one SMTP server through libcurl (see smtp.h).
 * The URL is split by libcurl's own parser (CURLU), so what we check is what
 * curl will connect to; the credentials travel only as CURLOPT_USERNAME and
 * CURLOPT_PASSWORD, never inside a URL that could end up in a message. */
#include "notify/smtp.h"

#include <curl/curl.h>
#include <pthread.h>
#include <string.h>

#include "base/buf.h"
#include "notify/mail.h"

#define SMTP_CONNECT_TIMEOUT 10L /* seconds */
#define SMTP_TIMEOUT 60L         /* seconds, a whole message */

static const char url_form[] = "expected smtp://user:pass@host:port or smtps://user:pass@host:port";

static int has_control(const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    if (*p < 0x20 || *p == 0x7f) return 1;
  return 0;
}

void smtp_config_release(SmtpConfig *c) {
  if (!c) return;
  free(c->url);
  if (c->pass) memset(c->pass, 0, strlen(c->pass)); /* do not leave it in freed memory */
  free(c->user);
  free(c->pass);
  c->url = c->user = c->pass = NULL;
}

/* One part of the URL (a copy the caller frees), NULL when absent. */
static char *url_part(CURLU *u, CURLUPart what, unsigned flags, CURLUcode *rc) {
  char *v = NULL, *copy = NULL;
  *rc = curl_url_get(u, what, &v, flags);
  if (*rc == CURLUE_OK && v) copy = xstrdup(v);
  curl_free(v);
  return copy;
}

/* The user or password, percent-decoded; refused if it decodes to a control
 * character. 0 ok (*out NULL when absent). */
static int credential(CURLU *u, CURLUPart what, char **out, Err *err) {
  CURLUcode rc;
  *out = url_part(u, what, CURLU_URLDECODE, &rc);
  if (rc != CURLUE_OK && rc != CURLUE_NO_USER && rc != CURLUE_NO_PASSWORD)
    return err_set(err, ERR_USAGE, "--smtp: the %s is not valid percent-encoding or holds a control character",
                   what == CURLUPART_USER ? "user" : "password");
  if (*out && has_control(*out))
    return err_set(err, ERR_USAGE, "--smtp: the %s holds a control character",
                   what == CURLUPART_USER ? "user" : "password");
  return 0;
}

int smtp_config_parse(const char *url, SmtpConfig *out, Err *err) {
  int rc = ERR_USAGE;
  CURLUcode uc;
  CURLU *u = NULL;
  char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL, *extra = NULL;
  memset(out, 0, sizeof *out);
  if (!url || !*url) {
    err_set(err, ERR_USAGE, "--smtp: no URL given (%s)", url_form);
    goto out;
  }
  if (has_control(url) || strchr(url, ' ')) {
    err_set(err, ERR_USAGE, "--smtp: the URL holds a space, line break or control character (%s)", url_form);
    goto out;
  }
  if (!(u = curl_url())) {
    rc = err_set(err, ERR_NOMEM, "--smtp: out of memory");
    goto out;
  }
  if ((uc = curl_url_set(u, CURLUPART_URL, url, 0)) != CURLUE_OK) {
    err_set(err, ERR_USAGE, "--smtp: not a URL: %s (%s)", curl_url_strerror(uc), url_form);
    goto out;
  }
  scheme = url_part(u, CURLUPART_SCHEME, 0, &uc);
  if (!scheme || (strcmp(scheme, "smtp") != 0 && strcmp(scheme, "smtps") != 0)) {
    err_set(err, ERR_USAGE, "--smtp: scheme '%s' is not smtp or smtps (%s)", scheme ? scheme : "", url_form);
    goto out;
  }
  host = url_part(u, CURLUPART_HOST, 0, &uc);
  if (!host || !*host) {
    err_set(err, ERR_USAGE, "--smtp: the URL has no host (%s)", url_form);
    goto out;
  }
  port = url_part(u, CURLUPART_PORT, CURLU_DEFAULT_PORT, &uc);
  path = url_part(u, CURLUPART_PATH, 0, &uc);
  if (path && strcmp(path, "/") != 0 && *path) {
    err_set(err, ERR_USAGE, "--smtp: the URL of %s has a path; give only host and port (%s)", host, url_form);
    goto out;
  }
  if ((extra = url_part(u, CURLUPART_QUERY, 0, &uc)) || (extra = url_part(u, CURLUPART_FRAGMENT, 0, &uc)) ||
      (extra = url_part(u, CURLUPART_OPTIONS, 0, &uc))) {
    err_set(err, ERR_USAGE, "--smtp: the URL of %s has a query, fragment or login options (%s)", host, url_form);
    goto out;
  }
  if (credential(u, CURLUPART_USER, &out->user, err) || credential(u, CURLUPART_PASSWORD, &out->pass, err)) goto out;
  if (out->pass && !out->user) {
    err_set(err, ERR_USAGE, "--smtp: a password without a user (%s)", url_form);
    goto out;
  }
  Buf b = BUF_INIT;
  buf_addf(&b, "%s://%s:%s", scheme, host, port ? port : (strcmp(scheme, "smtps") == 0 ? "465" : "25"));
  out->url = buf_detach(&b, NULL);
  rc = 0;
out:
  if (rc) smtp_config_release(out);
  curl_url_cleanup(u);
  free(scheme);
  free(host);
  free(port);
  free(path);
  free(extra);
  return rc;
}

/* curl_global_init is not thread-safe in every libcurl build: run it once. */
static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc;
static void curl_init(void) { curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT); }

typedef struct {
  const char *data;
  size_t left;
} Reader;

static size_t read_cb(char *dst, size_t size, size_t nmemb, void *arg) {
  Reader *r = arg;
  size_t n = size * nmemb < r->left ? size * nmemb : r->left;
  memcpy(dst, r->data, n);
  r->data += n;
  r->left -= n;
  return n;
}

int smtp_send(const SmtpConfig *c, const char *from, const char *to, const char *msg, size_t len, Err *err) {
  int rc = ERR_IO;
  CURL *h = NULL;
  struct curl_slist *rcpt = NULL;
  char errbuf[CURL_ERROR_SIZE] = "", addr[MAIL_ADDRESS_MAX + 3];
  if (!c || !c->url) return err_set(err, ERR_USAGE, "SMTP delivery: no server configured");
  if (!mail_address_check(from) || !mail_address_check(to))
    return err_set(err, ERR_USAGE, "SMTP delivery via %s: the envelope address %s is not usable", c->url,
                   mail_address_check(from) ? "to" : "from");
  pthread_once(&curl_once, curl_init);
  if (curl_init_rc != CURLE_OK)
    return err_set(err, ERR_IO, "SMTP delivery: libcurl cannot start: %s", curl_easy_strerror(curl_init_rc));
  if (!(h = curl_easy_init())) return err_set(err, ERR_NOMEM, "SMTP delivery: libcurl cannot start");
  Reader r = {msg, len};
  snprintf(addr, sizeof addr, "<%s>", to);
  rcpt = curl_slist_append(NULL, addr);
  snprintf(addr, sizeof addr, "<%s>", from);
  CURLcode cc = CURLE_OK;
#define SET(opt, val) \
  if (cc == CURLE_OK) cc = curl_easy_setopt(h, opt, val)
  SET(CURLOPT_URL, c->url);
  SET(CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  SET(CURLOPT_NOSIGNAL, 1L); /* no SIGALRM for timeouts: we run in threads */
  SET(CURLOPT_CONNECTTIMEOUT, SMTP_CONNECT_TIMEOUT);
  SET(CURLOPT_TIMEOUT, SMTP_TIMEOUT);
  SET(CURLOPT_USE_SSL, (long)CURLUSESSL_TRY); /* smtps:// is TLS regardless */
  SET(CURLOPT_ERRORBUFFER, errbuf);
  SET(CURLOPT_MAIL_FROM, addr);
  SET(CURLOPT_MAIL_RCPT, rcpt);
  SET(CURLOPT_READFUNCTION, read_cb);
  SET(CURLOPT_READDATA, &r);
  SET(CURLOPT_UPLOAD, 1L);
  SET(CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
  if (c->user) SET(CURLOPT_USERNAME, c->user);
  if (c->pass) SET(CURLOPT_PASSWORD, c->pass);
#undef SET
  if (cc != CURLE_OK) {
    err_set(err, ERR_IO, "SMTP delivery via %s: libcurl refused an option: %s", c->url, curl_easy_strerror(cc));
    goto out;
  }
  if ((cc = curl_easy_perform(h)) != CURLE_OK) {
    long code = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    Buf why = BUF_INIT;
    if (code >= 400) buf_addf(&why, "the server answered %ld: ", code); /* 4xx: try later; 5xx: refused */
    buf_adds(&why, *errbuf ? errbuf : curl_easy_strerror(cc));      /* errbuf is the more precise */
    err_set(err, ERR_IO, "SMTP delivery to %s via %s failed: %s", to, c->url, buf_cstr(&why));
    buf_release(&why);
    goto out;
  }
  rc = 0;
out:
  curl_slist_free_all(rcpt);
  curl_easy_cleanup(h);
  return rc;
}

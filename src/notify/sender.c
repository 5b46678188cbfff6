/* sender.c -- the outbox delivery pass and the thread that runs it (see
 * sender.h). The thread's state is three fields under one mutex: kicked,
 * stopping, and the condition variable both signal; everything else the
 * thread touches (its Store, its copy of the configuration) is its own. */
#include "notify/sender.h"

#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <string.h>

#include "base/buf.h"
#include "base/crypto.h"
#include "notify/mail.h"
#include "notify/mail_file.h"
#include "store/outbox.h"

#define BACKOFF_FIRST 30
#define BACKOFF_MAX 3600

struct Sender {
  SenderConfig cfg; /* points into the copies below */
  SmtpConfig smtp;
  char *db_url, *mail_dir, *from, *from_name, *msgid_domain;
  unsigned char key[CRYPTO_KEY_BYTES];
  Store *st;
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t cv; /* on CLOCK_MONOTONIC: a clock change neither stalls nor rushes a wait */
  int kicked, stopping;
};

time_t sender_backoff(int attempts) {
  time_t d = BACKOFF_FIRST;
  for (int i = 0; i < attempts && d < BACKOFF_MAX; i++) d *= 2;
  return d < BACKOFF_MAX ? d : BACKOFF_MAX;
}

static void logf_(const SenderConfig *cfg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logf_(const SenderConfig *cfg, const char *fmt, ...) {
  FILE *f = cfg->log ? cfg->log : stderr;
  va_list ap;
  va_start(ap, fmt);
  Buf line = BUF_INIT;
  buf_adds(&line, "mail sender: ");
  buf_vaddf(&line, fmt, ap);
  buf_addc(&line, '\n');
  va_end(ap);
  fwrite(line.data, 1, line.len, f); /* one write: lines from two threads do not interleave */
  fflush(f);
  buf_release(&line);
}

static const char *msgid_domain(const SenderConfig *cfg) {
  if (cfg->msgid_domain) return cfg->msgid_domain;
  const char *at = cfg->from ? strrchr(cfg->from, '@') : NULL;
  return at ? at + 1 : NULL;
}

static void msg_for(const SenderConfig *cfg, const OutboxMail *m, time_t now, MailMsg *out) {
  *out = (MailMsg){.from = cfg->from,
                   .from_name = cfg->from_name,
                   .to = m->recipient,
                   .subject = m->subject,
                   .text = m->text,
                   .html = m->html,
                   .date = now,
                   .msgid_domain = msgid_domain(cfg)};
}

/* The configuration's own faults, found by building a harmless probe mail:
 * these must stop the pass, not be blamed on (and bury) every mail in it. */
static int config_ok(const SenderConfig *cfg, Err *err) {
  if (!cfg->smtp && (!cfg->mail_dir || !*cfg->mail_dir))
    return err_set(err, ERR_USAGE, "mail sender: neither an SMTP server nor a mail folder is configured");
  OutboxMail probe = {.recipient = "probe@example.org", .subject = "probe", .text = "probe"};
  MailMsg mm;
  Buf b = BUF_INIT;
  msg_for(cfg, &probe, 0, &mm);
  int rc = mail_build(&b, &mm, err);
  buf_release(&b);
  if (rc) err_prefix(err, "mail sender configuration: ");
  return rc;
}

/* Delivers one mail; 0 sent, else the Err says why (nothing of the body). */
static int deliver(const SenderConfig *cfg, const OutboxMail *m, const char *msg, size_t len, Err *err) {
  if (cfg->smtp) return smtp_send(cfg->smtp, cfg->from, m->recipient, msg, len, err);
  return mail_file_write(cfg->mail_dir, m->id, msg, len, err);
}

static int stop_requested(Sender *s) {
  if (!s) return 0;
  pthread_mutex_lock(&s->mu);
  int stop = s->stopping;
  pthread_mutex_unlock(&s->mu);
  return stop;
}

/* One mail: built, delivered, its row marked. An error only when the store
 * fails (the pass then stops); a delivery failure is a row marked failed. */
static int one_mail(const SenderConfig *cfg, Store *st, const OutboxMail *sealed, time_t now, size_t *delivered,
                    Err *err) {
  Buf msg = BUF_INIT;
  Err why = ERR_INIT;
  MailMsg mm;
  int rc;
  OutboxMail open = *sealed, *m = &open;
  char *text = NULL, *html = NULL;
  if (cfg->key) { /* the bodies as written, for as long as this takes */
    open.text = text = crypto_open(cfg->key, sealed->text);
    open.html = html = sealed->html ? crypto_open(cfg->key, sealed->html) : NULL;
  }
  msg_for(cfg, m, now, &mm);
  if (!m->text || (sealed->html && !m->html)) {
    err_set(&why, ERR_USAGE, "its body is sealed with another key than this service's");
    logf_(cfg, "mail %lld can never be sent, set aside: %s", m->id, why.msg);
    rc = store_outbox_failed(st, m->id, now + SENDER_NEVER, why.msg, err);
  } else if (mail_build(&msg, &mm, &why) != 0) {
    logf_(cfg, "mail %lld can never be built, set aside: %s", m->id, why.msg);
    rc = store_outbox_failed(st, m->id, now + SENDER_NEVER, why.msg, err);
  } else if (deliver(cfg, m, msg.data, msg.len, &why) != 0) {
    time_t next = now + sender_backoff(m->attempts);
    logf_(cfg, "mail %lld not delivered (attempt %d), next attempt in %llds: %s", m->id, m->attempts + 1,
          (long long)(next - now), why.msg);
    rc = store_outbox_failed(st, m->id, next, why.msg, err);
  } else {
    if ((rc = store_outbox_sent(st, m->id, now, err)) == 0 && delivered) (*delivered)++;
    if (rc) logf_(cfg, "mail %lld was delivered but cannot be marked sent (it will be sent again): %s", m->id, err->msg);
  }
  if (text) sodium_memzero(text, strlen(text));
  if (html) sodium_memzero(html, strlen(html));
  free(text);
  free(html);
  buf_release(&msg);
  return rc;
}

static int run_pass(const SenderConfig *cfg, Store *st, time_t now, size_t *delivered, Sender *s, Err *err) {
  OutboxMail *ms = NULL;
  size_t n = 0;
  if (delivered) *delivered = 0;
  int rc = config_ok(cfg, err);
  if (rc) return rc;
  if ((rc = store_outbox_due(st, now, SENDER_BATCH, &ms, &n, err)) != 0) return rc;
  for (size_t i = 0; i < n && rc == 0 && !stop_requested(s); i++) {
    int mine = store_outbox_claim(st, ms[i].id, ms[i].next_at, now + SENDER_LEASE, err);
    if (mine < 0) rc = mine;
    else if (mine) rc = one_mail(cfg, st, &ms[i], now, delivered, err); /* else another process sends it */
  }
  store_outbox_free(ms, n);
  return rc;
}

int sender_run_once(const SenderConfig *cfg, Store *st, time_t now, size_t *delivered, Err *err) {
  return run_pass(cfg, st, now, delivered, NULL, err);
}

static void *sender_main(void *arg) {
  Sender *s = arg;
  unsigned poll_ms = s->cfg.poll_ms ? s->cfg.poll_ms : SENDER_POLL_MS;
  pthread_mutex_lock(&s->mu);
  while (!s->stopping) {
    s->kicked = 0;
    pthread_mutex_unlock(&s->mu);
    size_t delivered = 0;
    Err err = ERR_INIT;
    if (run_pass(&s->cfg, s->st, time(NULL), &delivered, s, &err) != 0) logf_(&s->cfg, "%s", err.msg);
    pthread_mutex_lock(&s->mu);
    if (delivered == SENDER_BATCH) continue; /* a full batch: more may be due now */
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += poll_ms / 1000;
    until.tv_nsec += (long)(poll_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) until.tv_sec++, until.tv_nsec -= 1000000000L;
    while (!s->kicked && !s->stopping)
      if (pthread_cond_timedwait(&s->cv, &s->mu, &until) == ETIMEDOUT) break;
  }
  pthread_mutex_unlock(&s->mu);
  return NULL;
}

static char *dup_or_null(const char *s) { return s ? xstrdup(s) : NULL; }

static void sender_free(Sender *s) {
  store_close(s->st);
  smtp_config_release(&s->smtp);
  free(s->db_url);
  free(s->mail_dir);
  free(s->from);
  free(s->from_name);
  free(s->msgid_domain);
  free(s);
}

int sender_start(const SenderConfig *cfg, Sender **out, Err *err) {
  *out = NULL;
  Sender *s = xcalloc(1, sizeof *s);
  s->cfg = *cfg;
  s->cfg.db_url = s->db_url = dup_or_null(cfg->db_url);
  s->cfg.mail_dir = s->mail_dir = dup_or_null(cfg->mail_dir);
  s->cfg.from = s->from = dup_or_null(cfg->from);
  s->cfg.from_name = s->from_name = dup_or_null(cfg->from_name);
  s->cfg.msgid_domain = s->msgid_domain = dup_or_null(cfg->msgid_domain);
  if (cfg->key) {
    memcpy(s->key, cfg->key, sizeof s->key);
    s->cfg.key = s->key;
  }
  if (cfg->smtp) {
    s->smtp.url = dup_or_null(cfg->smtp->url);
    s->smtp.user = dup_or_null(cfg->smtp->user);
    s->smtp.pass = dup_or_null(cfg->smtp->pass);
    s->cfg.smtp = &s->smtp;
  }
  int rc = config_ok(&s->cfg, err);
  if (rc == 0 && !s->db_url) rc = err_set(err, ERR_USAGE, "mail sender: no store URL");
  if (rc == 0) rc = store_open(s->db_url, 0, &s->st, err);
  if (rc) {
    sender_free(s);
    return rc;
  }
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&s->cv, &ca);
  pthread_condattr_destroy(&ca);
  pthread_mutex_init(&s->mu, NULL);
  if ((errno = pthread_create(&s->thread, NULL, sender_main, s)) != 0) {
    rc = err_set(err, ERR_IO, "mail sender: cannot start its thread: %s", strerror(errno));
    pthread_cond_destroy(&s->cv);
    pthread_mutex_destroy(&s->mu);
    sender_free(s);
    return rc;
  }
  *out = s;
  return 0;
}

/* Sets kicked (and stopping, if stop) and wakes the thread. */
static void wake(Sender *s, int stop) {
  pthread_mutex_lock(&s->mu);
  s->kicked = 1;
  if (stop) s->stopping = 1;
  pthread_cond_signal(&s->cv);
  pthread_mutex_unlock(&s->mu);
}

void sender_kick(Sender *s) {
  if (s) wake(s, 0);
}

void sender_stop(Sender *s) {
  if (!s) return;
  wake(s, 1);
  pthread_join(s->thread, NULL);
  pthread_cond_destroy(&s->cv);
  pthread_mutex_destroy(&s->mu);
  sender_free(s);
}

/* test_sender.c -- the outbox delivery pass and thread, against a REAL SMTP
 * server on loopback (tests/smtp_sink.py, Debian's python3-aiosmtpd) and a
 * SQLite store in a temporary file: mails arrive with their headers and
 * bodies and their rows are marked sent; a 451 marks a mail failed with its
 * back-off and a later pass delivers it; a server that is down loses
 * nothing; AUTH; a mail that can never be built is set aside ten years, a
 * bad configuration touches no row; file delivery writes <id>.eml 0600; the
 * thread delivers on sender_kick and on its poll, and stops promptly. No
 * password and no body in the log. */
#include "notify/sender.h"

#include <time.h>

#include "store/outbox.h"
#include "../smtp_sink.h"
#include "../tap.h"

#define NOW 1796655832 /* Mon, 07 Dec 2026 15:03:52 UTC */
#define BODY_MARK "body-text-never-logged"

static char dir[64];
static FILE *log_;
static int stores;

/* A fresh store of its own for each case (so no case sees another's mails). */
static Store *open_store(char *url, size_t n) {
  Store *st = NULL;
  Err err = ERR_INIT;
  snprintf(url, n, "sqlite:%s/store%d.db", dir, ++stores);
  if (!ok(store_open(url, 0, &st, &err) == 0, "a store opens on %s", url)) printf("# %s\n", err.msg);
  return st;
}

static SenderConfig config(const char *db_url, const SmtpConfig *smtp) {
  return (SenderConfig){.db_url = db_url,
                        .smtp = smtp,
                        .from = "noreply@powerhouse.example",
                        .from_name = "Powerhouse",
                        .msgid_domain = "powerhouse.example",
                        .log = log_};
}

static long long add(Store *st, const char *to, const char *subject, const char *text, const char *html) {
  long long id = 0;
  Err err = ERR_INIT;
  if (store_outbox_add(st, to, subject, text, html, NOW, &id, &err) != 0) printf("# add: %s\n", err.msg);
  return id;
}

/* The row of mail id, in a static that the next call releases. */
static const OutboxMail *row(Store *st, long long id) {
  static OutboxMail m;
  Err err = ERR_INIT;
  store_outbox_release(&m);
  store_outbox_get(st, id, &m, &err);
  return &m;
}

/* What the sender logged since the last call. */
static const char *log_text(void) {
  static char text[16384];
  fflush(log_);
  long end = ftell(log_);
  rewind(log_);
  size_t n = fread(text, 1, end > 0 && (size_t)end < sizeof text ? (size_t)end : sizeof text - 1, log_);
  text[n] = '\0';
  rewind(log_);
  if (ftruncate(fileno(log_), 0) != 0) perror("ftruncate");
  return text;
}

static int pass(Store *st, const SenderConfig *cfg, time_t now, size_t *delivered) {
  Err err = ERR_INIT;
  int rc = sender_run_once(cfg, st, now, delivered, &err);
  if (rc) printf("# pass: %s\n", err.msg);
  return rc;
}

static void smtp_for(const Sink *k, const char *cred, SmtpConfig *c) {
  char url[256];
  Err err = ERR_INIT;
  snprintf(url, sizeof url, "smtp://%s%s127.0.0.1:%d", cred ? cred : "", cred ? "@" : "", k->port);
  if (smtp_config_parse(url, c, &err) != 0) printf("# %s\n", err.msg);
}

/* One case's world: a store of its own, and either a sink started with the
 * options o1 o2 and a server config for it (with credentials cred), or
 * (sink 0) file delivery into DIR/<name>-mail. */
typedef struct {
  char url[256], mail_dir[256];
  Store *st;
  Sink k;
  SmtpConfig smtp;
  SenderConfig cfg;
} Case;

static int case_open(Case *c, const char *name, int sink, const char *o1, const char *o2, const char *cred) {
  char why[512], sub[256];
  memset(c, 0, sizeof *c);
  if (sink) {
    snprintf(sub, sizeof sub, "%s/%s", dir, name);
    int good = sink_start(&c->k, sub, o1, o2, NULL, why, sizeof why) == 0;
    if (!ok(good, "the SMTP sink starts (%s)", name)) printf("# %s\n", why);
    if (!good) return 0;
    smtp_for(&c->k, cred, &c->smtp);
  }
  c->st = open_store(c->url, sizeof c->url);
  snprintf(c->mail_dir, sizeof c->mail_dir, "%s/%s-mail", dir, name);
  c->cfg = config(c->url, sink ? &c->smtp : NULL);
  if (!sink) c->cfg.mail_dir = c->mail_dir;
  return c->st != NULL;
}

static void case_close(Case *c) {
  log_text();
  row(c->st, 0);
  store_close(c->st);
  smtp_config_release(&c->smtp);
  sink_stop(&c->k);
}

static void test_delivery(void) {
  Case c;
  if (!case_open(&c, "plain", 1, NULL, NULL, NULL)) return;
  Store *st = c.st;
  Sink k = c.k;
  long long a = add(st, "ada@firm.example", "Verify your email address", "Hello Ada,\n" BODY_MARK "\n", NULL);
  long long b = add(st, "bob@council.example", "Invitation \xE2\x80\x94 caf\xC3\xA9 \xF0\x9F\x98\x80",
                    "Plain part\n", "<p>HTML part</p>\n");
  long long d = add(st, "cy@uni.example", "Reset your password", "Reset link\n", NULL);
  size_t n = 0;
  is_int(pass(st, &c.cfg, NOW, &n), 0, "a pass runs");
  is_int(n, 3, "three mails delivered");
  char *m1 = sink_message(&k, 1, "eml"), *e1 = sink_message(&k, 1, "env");
  ok(m1 && strstr(m1, "\r\nTo: ada@firm.example\r\n") && strstr(m1, "\r\nSubject: Verify your email address\r\n") &&
         strstr(m1, "From: \"Powerhouse\" <noreply@powerhouse.example>\r\n") &&
         strstr(m1, "Date: Mon, 07 Dec 2026 15:03:52 +0000\r\n") && strstr(m1, "@powerhouse.example>\r\n") &&
         strstr(m1, "Auto-Submitted: auto-generated\r\n"),
     "the first mail arrived with its headers");
  ok(m1 && strstr(m1, "\r\n\r\nHello Ada,\r\n" BODY_MARK "\r\n"), "and its body");
  is_str(e1, "from noreply@powerhouse.example\nto ada@firm.example\nauth -\n", "the envelope is From and To");
  char *m2 = sink_message(&k, 2, "eml");
  ok(m2 && strstr(m2, "To: bob@council.example\r\n") && strstr(m2, "Subject: =?UTF-8?B?") &&
         strstr(m2, "multipart/alternative") && strstr(m2, "<p>HTML part</p>"),
     "the second mail: encoded subject, text and html parts");
  char *m3 = sink_message(&k, 3, "eml");
  ok(m3 && strstr(m3, "To: cy@uni.example\r\n"), "the third mail arrived");
  free(m1), free(e1), free(m2), free(m3);
  long long ids[] = {a, b, d};
  int all_sent = 1;
  for (int i = 0; i < 3; i++) {
    const OutboxMail *r = row(st, ids[i]);
    all_sent = all_sent && r->sent_at == NOW && r->attempts == 1 && r->last_error == NULL;
  }
  ok(all_sent, "each row is marked sent at the pass's time, after one attempt");
  is_int(pass(st, &c.cfg, NOW + 3600, &n), 0, "another pass");
  is_int(n, 0, "a sent mail is not sent again");
  ok(sink_message(&k, 4, "eml") == NULL, "nothing more arrived");
  is_str(log_text(), "", "nothing was logged");
  case_close(&c);
}

static void test_retry(void) {
  Case c;
  if (!case_open(&c, "retry", 1, "--fail-first", "1", NULL)) return;
  Store *st = c.st;
  Sink k = c.k;
  SenderConfig cfg = c.cfg;
  long long id = add(st, "ada@firm.example", "Your alert", BODY_MARK "\n", NULL);
  size_t n = 9;
  is_int(pass(st, &cfg, NOW, &n), 0, "a pass against a server answering 451 runs");
  is_int(n, 0, "nothing delivered");
  const OutboxMail *r = row(st, id);
  ok(r->sent_at == 0 && r->attempts == 1 && r->next_at == NOW + 30, "the row is failed, next attempt in 30 s");
  ok(r->last_error && strstr(r->last_error, "451"), "the row says why: %s", r->last_error ? r->last_error : "");
  const char *lg = log_text();
  ok(strstr(lg, "not delivered") && !strstr(lg, BODY_MARK), "the failure is logged, without the body");
  is_int(pass(st, &cfg, NOW + 29, &n), 0, "a pass before the back-off ends");
  ok(n == 0 && sink_message(&k, 1, "eml") == NULL, "the mail is not tried before it is due");
  is_int(pass(st, &cfg, NOW + 30, &n), 0, "a pass when it is due");
  is_int(n, 1, "the mail is delivered on the retry");
  char *m = sink_message(&k, 1, "eml");
  ok(m && strstr(m, BODY_MARK), "the server has it");
  free(m);
  r = row(st, id);
  ok(r->sent_at == NOW + 30 && r->attempts == 2 && r->last_error == NULL, "the row is sent after two attempts");
  case_close(&c);
}

static void test_down(void) {
  Case c;
  if (!case_open(&c, "down", 0, NULL, NULL, NULL)) return;
  Store *st = c.st;
  Sink dead = {.port = sink_dead_port()};
  Err err = ERR_INIT;
  smtp_for(&dead, "mailer:Hidden123", &c.smtp);
  SenderConfig cfg = config(c.url, &c.smtp);
  long long id = add(st, "ada@firm.example", "Your alert", "text\n", NULL);
  size_t n = 9;
  is_int(pass(st, &cfg, NOW, &n), 0, "a pass with the server down runs");
  const OutboxMail *r = row(st, id);
  ok(n == 0 && r->sent_at == 0 && r->attempts == 1 && r->next_at == NOW + 30, "failed, next attempt in 30 s");
  is_int(pass(st, &cfg, NOW + 30, &n), 0, "a second pass, still down");
  r = row(st, id);
  ok(r->attempts == 2 && r->next_at == NOW + 30 + 60, "failed again, next attempt 60 s later");
  ok(r->last_error && strstr(r->last_error, "connect") && !strstr(r->last_error, "Hidden123"),
     "the row says it could not connect, without the password: %s", r->last_error ? r->last_error : "");
  OutboxMail *due = NULL;
  size_t nd = 0;
  store_outbox_due(st, NOW + 90, 10, &due, &nd, &err);
  ok(nd == 1 && due[0].id == id, "the mail is still due later: not lost");
  store_outbox_free(due, nd);
  ok(!strstr(log_text(), "Hidden123"), "the log never holds the password");
  int seq_ok = sender_backoff(0) == 30 && sender_backoff(1) == 60 && sender_backoff(2) == 120 &&
               sender_backoff(6) == 1920 && sender_backoff(7) == 3600 && sender_backoff(1000) == 3600;
  ok(seq_ok, "back-off: 30 s doubling, capped at one hour");
  case_close(&c);
}

static void test_auth(void) {
  Case c;
  if (!case_open(&c, "auth", 1, "--auth", "mailer:pa:ss", "mailer:pa%3Ass")) return;
  Store *st = c.st;
  SmtpConfig bad = SMTP_CONFIG_INIT;
  smtp_for(&c.k, "mailer:NotThePassword", &bad);
  SenderConfig cfg = config(c.url, &bad);
  long long id = add(st, "ada@firm.example", "Sign in", "link\n", NULL);
  size_t n = 9;
  is_int(pass(st, &cfg, NOW, &n), 0, "a pass with a wrong password runs");
  const OutboxMail *r = row(st, id);
  ok(n == 0 && r->attempts == 1 && r->last_error && !strstr(r->last_error, "NotThePassword"),
     "failed, and the row does not hold the password: %s", r->last_error ? r->last_error : "");
  ok(!strstr(log_text(), "NotThePassword"), "the log does not hold the password");
  cfg = c.cfg;
  is_int(pass(st, &cfg, NOW + 30, &n), 0, "a pass with the right credentials");
  is_int(n, 1, "delivered after AUTH");
  char *env = sink_message(&c.k, 1, "env");
  ok(env && strstr(env, "auth mailer\n"), "the server saw the login");
  free(env);
  smtp_config_release(&bad);
  case_close(&c);
}

static void test_never(void) {
  char path[300];
  Case c;
  if (!case_open(&c, "never", 0, NULL, NULL, NULL)) return;
  Store *st = c.st;
  SenderConfig cfg = c.cfg;
  long long bad = add(st, "ada at firm", "Hello", BODY_MARK "\n", NULL);
  long long inj = add(st, "bob@firm.example", "Hello\r\nBcc: eve@evil.example", "x\n", NULL);
  long long good = add(st, "cy@firm.example", "Hello", "x\n", NULL);
  size_t n = 0;
  is_int(pass(st, &cfg, NOW, &n), 0, "a pass over mails that cannot be built runs");
  is_int(n, 1, "the good mail is delivered all the same");
  const OutboxMail *r = row(st, bad);
  ok(r->sent_at == 0 && r->attempts == 1 && r->next_at == NOW + SENDER_NEVER && r->last_error &&
         strstr(r->last_error, "To address"),
     "a bad recipient: failed, set aside ten years, says why: %s", r->last_error ? r->last_error : "");
  r = row(st, inj);
  ok(r->sent_at == 0 && r->next_at == NOW + SENDER_NEVER, "a subject with a line break: set aside, never sent");
  snprintf(path, sizeof path, "%s/%lld.eml", c.mail_dir, inj);
  ok(access(path, F_OK) != 0, "no file for it");
  const char *lg = log_text();
  ok(strstr(lg, "can never be built") && !strstr(lg, BODY_MARK), "it is logged, without the body");
  ok(row(st, good)->sent_at == NOW, "the good row is sent");

  long long later = add(st, "dee@firm.example", "Hello", "x\n", NULL);
  cfg.from = "not an address";
  Err err = ERR_INIT;
  is_int(sender_run_once(&cfg, st, NOW, &n, &err), ERR_USAGE, "a bad From address stops the pass");
  ok(strstr(err.msg, "configuration") != NULL, "the error blames the configuration: %s", err.msg);
  r = row(st, later);
  ok(r->attempts == 0 && r->next_at == NOW, "and touches no mail");
  cfg = config(c.url, NULL);
  is_int(sender_run_once(&cfg, st, NOW, &n, &err), ERR_USAGE, "no server and no folder: refused");
  case_close(&c);
}

static void test_files(void) {
  char mail_dir[256], path[300];
  Case c;
  if (!case_open(&c, "files", 0, NULL, NULL, NULL)) return;
  Store *st = c.st;
  snprintf(mail_dir, sizeof mail_dir, "%s/files/mail", dir); /* a missing parent too */
  SenderConfig cfg = c.cfg;
  cfg.mail_dir = mail_dir;
  long long id = add(st, "ada@firm.example", "Sign in to Powerhouse", "https://powerhouse.example/s?t=1\n", NULL);
  size_t n = 0;
  is_int(pass(st, &cfg, NOW, &n), 0, "a pass with file delivery");
  is_int(n, 1, "one mail delivered");
  snprintf(path, sizeof path, "%s/%lld.eml", mail_dir, id);
  char *m = sink_slurp(path);
  ok(m && strstr(m, "To: ada@firm.example\r\n") && strstr(m, "Subject: Sign in to Powerhouse\r\n"),
     "<id>.eml holds the built mail");
  free(m);
  struct stat sb;
  ok(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600, "<id>.eml is mode 0600");
  ok(stat(mail_dir, &sb) == 0 && (sb.st_mode & 0777) == 0700, "the mail folder was created mode 0700");
  ok(row(st, id)->sent_at == NOW, "the row is marked sent");
  case_close(&c);
}

/* Waits (up to 60 s: the slow runtimes) until path exists. */
static int wait_file(const char *path) {
  for (int i = 0; i < 3000; i++) {
    if (access(path, F_OK) == 0) return 1;
    usleep(20000);
  }
  return 0;
}

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static void test_thread(void) {
  char path[300];
  Case c;
  if (!case_open(&c, "thread", 0, NULL, NULL, NULL)) return;
  Store *st = c.st;
  const char *mail_dir = c.mail_dir;
  SenderConfig cfg = c.cfg;
  cfg.poll_ms = 600000; /* only a kick can wake it within the test */
  Sender *s = NULL;
  Err err = ERR_INIT;
  if (!ok(sender_start(&cfg, &s, &err) == 0, "the sender thread starts")) {
    printf("# %s\n", err.msg);
    return;
  }
  for (int i = 0; i < 3; i++) {
    time_t t = time(NULL);
    long long id = 0;
    store_outbox_add(st, "ada@firm.example", "Kicked", "x\n", NULL, t, &id, &err);
    sender_kick(s);
    snprintf(path, sizeof path, "%s/%lld.eml", mail_dir, id);
    ok(wait_file(path), "mail %d is delivered on a kick", i + 1);
  }
  double t0 = now_s();
  sender_stop(s);
  ok(now_s() - t0 < 5, "sender_stop returns at once, not after the poll interval");

  cfg.poll_ms = 50;
  s = NULL;
  ok(sender_start(&cfg, &s, &err) == 0, "a sender with a 50 ms poll starts");
  long long id = 0;
  store_outbox_add(st, "bob@firm.example", "Polled", "x\n", NULL, time(NULL), &id, &err);
  snprintf(path, sizeof path, "%s/%lld.eml", mail_dir, id);
  ok(wait_file(path), "a mail added without a kick is delivered by the poll");
  for (int i = 0; i < 20; i++) sender_kick(s); /* kicks racing a running pass */
  sender_stop(s);
  ok(row(st, id)->sent_at > 0, "its row is marked sent");
  sender_stop(NULL);

  cfg.from = "bad address";
  s = (Sender *)1;
  ok(sender_start(&cfg, &s, &err) == ERR_USAGE && s == NULL, "a bad configuration does not start: %s", err.msg);
  cfg = config("sqlite:/dev/null/x.db", NULL);
  cfg.mail_dir = mail_dir;
  ok(sender_start(&cfg, &s, &err) != 0 && s == NULL, "a store that cannot open does not start");
  case_close(&c);
}

int main(void) {
  sink_tmpdir(dir, sizeof dir, "sender");
  log_ = tmpfile();
  test_delivery();
  test_retry();
  test_down();
  test_auth();
  test_never();
  test_files();
  test_thread();
  fclose(log_);
  sink_rmdir(dir);
  return done_testing();
}

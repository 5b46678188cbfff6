/* test_smtp.c -- SMTP delivery through libcurl: the server URL parsed into a
 * credential-free URL plus user and password (refusals included), and real
 * deliveries to the loopback sink (tests/smtp_sink.py): plain, with AUTH, a
 * wrong password and a server that is down each give an Err that names the
 * server and never the password. */
#include "notify/smtp.h"

#include "../smtp_sink.h"
#include "../tap.h"

static void test_parse(void) {
  SmtpConfig c = SMTP_CONFIG_INIT;
  Err err = ERR_INIT;
  is_int(smtp_config_parse("smtp://mail.example.org:587", &c, &err), 0, "smtp://host:port parses");
  is_str(c.url, "smtp://mail.example.org:587", "the URL is kept");
  ok(c.user == NULL && c.pass == NULL, "no credentials: user and pass NULL");
  smtp_config_release(&c);
  is_int(smtp_config_parse("smtps://ada%40firm:p%3Ass%40w%25rd@mail.example.org:465", &c, &err), 0,
         "smtps with credentials parses");
  is_str(c.url, "smtps://mail.example.org:465", "the URL loses its credentials");
  is_str(c.user, "ada@firm", "the user is percent-decoded");
  is_str(c.pass, "p:ss@w%rd", "the password is percent-decoded");
  smtp_config_release(&c);
  ok(c.url == NULL && c.user == NULL && c.pass == NULL, "release empties the config");
  is_int(smtp_config_parse("smtp://relay.local", &c, &err), 0, "no port: the default");
  is_str(c.url, "smtp://relay.local:25", "smtp's default port is 25");
  smtp_config_release(&c);
  is_int(smtp_config_parse("smtps://relay.local/", &c, &err), 0, "a bare '/' path is allowed");
  is_str(c.url, "smtps://relay.local:465", "smtps's default port is 465");
  smtp_config_release(&c);
  is_int(smtp_config_parse("SMTP://[::1]:2525", &c, &err), 0, "an IPv6 literal, scheme in capitals");
  is_str(c.url, "smtp://[::1]:2525", "the scheme is lower-cased, the brackets kept");
  smtp_config_release(&c);

  static const struct {
    const char *url, *why;
  } bad[] = {
      {"http://mail.example.org", "scheme"},
      {"mail.example.org:25", "scheme"},
      {"smtp://", "host"},
      {"smtp://user:secret@", "host"},
      {"smtp://mail.example.org:99999", "URL"},
      {"smtp://mail.example.org:25/path", "path"},
      {"smtp://mail.example.org:25?x=1", "query"},
      {"smtp://user:secret\r\nRSET@mail.example.org", "line break"},
      {"smtp://user:secret%0d%0aRSET@mail.example.org", "control"},
      {"smtp://us%0aer:secret@mail.example.org", "control"},
      {"smtp://mail.example.org\n:25", "line break"},
      {"smtp://user;AUTH=PLAIN:secret@mail.example.org", "options"},
      {"", "no URL"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    Err e = ERR_INIT;
    int rc = smtp_config_parse(bad[i].url, &c, &e);
    ok(rc == ERR_USAGE && strstr(e.msg, bad[i].why) && !strstr(e.msg, "secret") && c.url == NULL && c.pass == NULL,
       "refused, saying '%s', without the password: %s", bad[i].why, e.msg);
    smtp_config_release(&c);
  }
  is_int(smtp_config_parse(NULL, &c, &err), ERR_USAGE, "a NULL URL is refused");
}

static const char msg[] = "From: noreply@powerhouse.example\r\nTo: ada@firm.example\r\nSubject: hi\r\n\r\n"
                          "Hello\r\n.a line with a leading dot\r\n";

static void test_send(const char *dir) {
  Sink k;
  char why[512], url[128], sub[300];
  snprintf(sub, sizeof sub, "%s/plain", dir);
  if (!ok(sink_start(&k, sub, NULL, NULL, NULL, why, sizeof why) == 0, "the SMTP sink starts on loopback"))
    printf("# %s\n", why);
  if (!k.pid) return;
  SmtpConfig c = SMTP_CONFIG_INIT;
  Err err = ERR_INIT;
  snprintf(url, sizeof url, "smtp://127.0.0.1:%d", k.port);
  smtp_config_parse(url, &c, &err);
  is_int(smtp_send(&c, "noreply@powerhouse.example", "ada@firm.example", msg, sizeof msg - 1, &err), 0,
         "a message is accepted by the server");
  char *got = sink_message(&k, 1, "eml"), *env = sink_message(&k, 1, "env");
  is_str(got, msg, "the server received the message byte for byte (a leading dot survives)");
  is_str(env, "from noreply@powerhouse.example\nto ada@firm.example\nauth -\n", "the envelope is from and to");
  free(got);
  free(env);
  is_int(smtp_send(&c, "noreply@powerhouse.example", "ada@firm.example>\r\nRCPT TO:<eve@evil.example", msg,
                   sizeof msg - 1, &err),
         ERR_USAGE, "an envelope recipient that is not an address is refused before any connection");
  ok(sink_message(&k, 2, "eml") == NULL, "nothing more arrived");
  smtp_config_release(&c);
  sink_stop(&k);
}

static void test_auth(const char *dir) {
  Sink k;
  char why[512], url[200], sub[300];
  snprintf(sub, sizeof sub, "%s/auth", dir);
  if (!ok(sink_start(&k, sub, "--auth", "mailer:s3cret:x@y", NULL, why, sizeof why) == 0,
          "the SMTP sink starts, requiring AUTH"))
    printf("# %s\n", why);
  if (!k.pid) return;
  SmtpConfig c = SMTP_CONFIG_INIT;
  Err err = ERR_INIT;
  snprintf(url, sizeof url, "smtp://mailer:s3cret%%3Ax%%40y@127.0.0.1:%d", k.port);
  is_int(smtp_config_parse(url, &c, &err), 0, "a URL with credentials parses");
  is_int(smtp_send(&c, "noreply@powerhouse.example", "ada@firm.example", msg, sizeof msg - 1, &err), 0,
         "with the right password the message is accepted");
  char *env = sink_message(&k, 1, "env");
  ok(env && strstr(env, "auth mailer\n"), "the server saw the login 'mailer'");
  free(env);
  smtp_config_release(&c);

  snprintf(url, sizeof url, "smtp://mailer:WrongPassw0rd@127.0.0.1:%d", k.port);
  smtp_config_parse(url, &c, &err);
  Err e = ERR_INIT;
  is_int(smtp_send(&c, "noreply@powerhouse.example", "ada@firm.example", msg, sizeof msg - 1, &e), ERR_IO,
         "a wrong password fails");
  ok(strstr(e.msg, "127.0.0.1") && !strstr(e.msg, "WrongPassw0rd"), "the error names the server, not the password: %s",
     e.msg);
  ok(strstr(e.msg, "Login denied") || strstr(e.msg, "535"), "the error says the login was refused");
  smtp_config_release(&c);
  ok(sink_message(&k, 2, "eml") == NULL, "nothing arrived without a login");
  sink_stop(&k);
}

static void test_down(void) {
  char url[128];
  SmtpConfig c = SMTP_CONFIG_INIT;
  Err err = ERR_INIT;
  snprintf(url, sizeof url, "smtp://mailer:Hidden123@127.0.0.1:%d", sink_dead_port());
  smtp_config_parse(url, &c, &err);
  is_int(smtp_send(&c, "noreply@powerhouse.example", "ada@firm.example", msg, sizeof msg - 1, &err), ERR_IO,
         "a server that is down: ERR_IO");
  ok(strstr(err.msg, "connect") && strstr(err.msg, "smtp://127.0.0.1:") && !strstr(err.msg, "Hidden123"),
     "the error says it could not connect, to which server, without the password: %s", err.msg);
  smtp_config_release(&c);
}

int main(void) {
  char dir[64];
  sink_tmpdir(dir, sizeof dir, "smtp");
  test_parse();
  test_send(dir);
  test_auth(dir);
  test_down();
  sink_rmdir(dir);
  return done_testing();
}

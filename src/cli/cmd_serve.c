/* cmd_serve.c -- `powerhouse serve`: the web portal and JSON API. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <sys/stat.h>

#include "base/crypto.h"
#include "base/date.h"
#include "base/num.h"
#include "cli/cli.h"
#include "notify/sender.h"
#include "notify/smtp.h"
#include "search/query.h"
#include "store/store.h"
#include "web/app.h"

static const char usage[] =
    "usage: powerhouse serve [--db URL] [--listen ADDR:PORT] [--static DIR] [--now DATE]\n"
    "                        [--search index|store] [--no-page-cache] [--base-url URL]\n"
    "                        [--trusted-proxy ADDR] [--head-timeout S] [--body-timeout S]\n"
    "                        [--idle-timeout S] [--max-connections N]\n"
    "                        [--smtp smtp[s]://USER:PASS@HOST:PORT --mail-from ADDRESS] [--mail-dir DIR]\n"
    "                        [--mail-key FILE] [--ocid-prefix PREFIX] [--files DIR]\n"
    "\n"
    "Serves the contract portal and the JSON API until SIGINT or SIGTERM (in-flight\n"
    "requests finish first). One access log line per request on stderr, ending with\n"
    "the request's id; an internal error is logged with that id, and the client gets\n"
    "a 503 that gives only the id.\n"
    "\n"
    "  --db URL         database (default sqlite:var/powerhouse.db)\n"
    "  --listen A:P     address and port (default 127.0.0.1:8080; port 0 picks a free one\n"
    "                   and prints it)\n"
    "  --static DIR     CSS and JS (default build/static)\n"
    "  --now DATE       serve as if it were DATE (YYYY-MM-DD, tests and demos)\n"
    "  --search WHAT    index (default): searches run on an in-memory index built at\n"
    "                   start and kept current as the store changes; store: on the\n"
    "                   database's own full-text engine (slower, no start-up cost)\n"
    "  --no-page-cache  render every notice page afresh (by default a rendered page\n"
    "                   is reused until the store changes or its text would change\n"
    "                   with the date)\n"
    "  --base-url URL   the public address, for the absolute URLs in OCDS packages\n"
    "                   (e.g. https://contracts.example.org); default: the --listen\n"
    "                   address. The request's Host header is never used.\n"
    "  --trusted-proxy ADDR  the reverse proxy's IP address: for its requests the\n"
    "                   client is the rightmost X-Forwarded-For address (access log,\n"
    "                   per-address limits); the proxy itself has no connection limit\n"
    "  --head-timeout S a request's head (request line and headers) must be complete\n"
    "                   within S seconds of connecting or of the previous response,\n"
    "                   however slowly it trickles in (default 10)\n"
    "  --body-timeout S a request's body must be complete within S seconds of its\n"
    "                   head (default 30)\n"
    "  --idle-timeout S close a connection that sends nothing for S seconds (default 15)\n"
    "  --max-connections N  open connections at most (default and most 1024); when\n"
    "                   full, the oldest one still waiting for its first request head\n"
    "                   makes room\n"
    "  --smtp URL       deliver mail (account links, invitations) through this SMTP\n"
    "                   server, retrying with back-off while it is down; smtps:// is\n"
    "                   TLS, smtp:// uses STARTTLS when offered\n"
    "  --mail-from A    the From address of mail (needed with --smtp)\n"
    "  --mail-dir DIR   without --smtp, mail is written here as .eml files (default\n"
    "                   var/mail) and listed for site administrators at /admin/mail\n"
    "  --mail-key FILE  the key that seals mail bodies waiting in the store's outbox\n"
    "                   (they hold sign-in links): kept out of the database, made when\n"
    "                   missing (default var/mail.key); every process serving one\n"
    "                   store needs the same file\n"
    "  --files DIR      where documents uploaded for notices are kept, as files named\n"
    "                   by their SHA-256 (default: beside an SQLite store, DB.files;\n"
    "                   var/files for PostgreSQL); every process serving one store\n"
    "                   needs the same folder\n"
    "  --ocid-prefix P  the OCDS prefix of notices posted here: \"ocds-\" and 6 letters or\n"
    "                   digits, registered with the Open Contracting Partnership for a\n"
    "                   real deployment (default " APP_OCID_PREFIX ", the demo's)\n"
    "\n"
    "exit status: 0 stopped cleanly, 2 usage error, 3 cannot listen or open the database\n";

/* The key that signs the API's cursors: the store's, so that every process
 * serving it accepts the others' cursors; a store too old to hold one (and
 * that this process could not bring up to date) gets a random key for this
 * process alone. */
static void cursor_key(const char *url) {
  unsigned char key[QUERY_CURSOR_KEY];
  Store *st = NULL;
  Err err = ERR_INIT;
  if (store_open(url, STORE_READONLY, &st, &err) || store_secret(st, "cursor", key, sizeof key, &err)) {
    fprintf(stderr, "powerhouse serve: cursors signed with a key of this process only (%s)\n", err.msg);
    randombytes_buf(key, sizeof key);
  }
  store_close(st);
  query_cursor_key(key);
  sodium_memzero(key, sizeof key);
}

static void kick(void *sender) { sender_kick(sender); }

int cmd_serve(int argc, char **argv) {
  const char *db = NULL, *listen = NULL, *stat = NULL, *now = NULL, *search = NULL, *no_cache = NULL,
             *base = NULL, *proxy = NULL, *head_s = NULL, *body_s = NULL, *idle_s = NULL, *max_c = NULL,
             *smtp = NULL, *mail_from = NULL, *mail_dir = NULL, *mail_key = NULL, *ocid_prefix = NULL, *files = NULL;
  CliOpt opts[] = {{"db", 1, &db},         {"listen", 1, &listen}, {"static", 1, &stat},
                   {"now", 1, &now},       {"search", 1, &search}, {"no-page-cache", 0, &no_cache},
                   {"base-url", 1, &base}, {"trusted-proxy", 1, &proxy},
                   {"head-timeout", 1, &head_s}, {"body-timeout", 1, &body_s},
                   {"idle-timeout", 1, &idle_s}, {"max-connections", 1, &max_c},
                   {"smtp", 1, &smtp},     {"mail-from", 1, &mail_from}, {"mail-dir", 1, &mail_dir},
                   {"mail-key", 1, &mail_key}, {"ocid-prefix", 1, &ocid_prefix}, {"files", 1, &files}};
  char **args;
  size_t n;
  int help, code = EXIT_OK;
  if (cli_parse(argc, argv, opts, sizeof opts / sizeof *opts, &args, &n, &help)) return EXIT_USAGE;
  if (help || n) {
    fputs(usage, help ? stdout : stderr);
    free(args);
    return help ? EXIT_OK : EXIT_USAGE;
  }
  App app = {0};
  app.db_url = db ? db : STORE_DEFAULT_URL;
  app.static_dir = stat ? stat : "build/static";
  Err err = ERR_INIT;
  if (now && date_parse(now, &app.now)) {
    fprintf(stderr, "powerhouse serve: --now must be a date (YYYY-MM-DD), got '%s'\n", now);
    free(args);
    return EXIT_USAGE;
  }
  if (search && strcmp(search, "index") != 0 && strcmp(search, "store") != 0) {
    fprintf(stderr, "powerhouse serve: --search must be index or store, got '%s'\n", search);
    free(args);
    return EXIT_USAGE;
  }
  if (ocid_prefix && app_ocid_prefix_check(ocid_prefix, &err)) {
    fprintf(stderr, "powerhouse serve: %s\n", err.msg);
    free(args);
    return EXIT_USAGE;
  }
  app.ocid_prefix = ocid_prefix;
  app.files_dir = files;
  if (base && app_base_url_check(base, &err)) {
    fprintf(stderr, "powerhouse serve: %s\n", err.msg);
    free(args);
    return EXIT_USAGE;
  }
  struct {
    const char *name, *text;
    long long lo, hi;
    unsigned *out;
  } nums[] = {{"--head-timeout", head_s, 1, 3600, NULL},
              {"--body-timeout", body_s, 1, 3600, NULL},
              {"--idle-timeout", idle_s, 1, 3600, NULL},
              {"--max-connections", max_c, 16, SERVER_MAX_CONNECTIONS, NULL}};
  ServerLimits lim = {0};
  nums[0].out = &lim.head_seconds;
  nums[1].out = &lim.body_seconds;
  nums[2].out = &lim.idle_seconds;
  nums[3].out = &lim.max_connections;
  for (size_t i = 0; i < sizeof nums / sizeof *nums; i++) {
    long long v;
    if (!nums[i].text) continue;
    if (num_parse_ll(nums[i].text, nums[i].lo, nums[i].hi, &v)) {
      fprintf(stderr, "powerhouse serve: %s must be a whole number from %lld to %lld, got '%s'\n", nums[i].name,
              nums[i].lo, nums[i].hi, nums[i].text);
      free(args);
      return EXIT_USAGE;
    }
    *nums[i].out = (unsigned)v;
  }
  app.limits = lim;
  app.base_url = base;
  app.trusted_proxy = proxy;
  app.store_search = search && strcmp(search, "store") == 0;
  app.no_page_cache = no_cache != NULL;
  /* Fail early and clearly when the database cannot be read. */
  Store *st = NULL;
  if (store_open(app.db_url, STORE_READONLY, &st, &err)) {
    fprintf(stderr, "powerhouse serve: %s\n", err.msg);
    free(args);
    return err.code == ERR_USAGE ? EXIT_USAGE : EXIT_FAIL;
  }
  store_close(st);
  /* Bring the schema up to date (the pages read what its migrations add); a
   * store this process may only read is served as it is. */
  st = NULL;
  Err werr = ERR_INIT;
  if (store_open(app.db_url, 0, &st, &werr) == 0) store_close(st);
  else fprintf(stderr, "powerhouse serve: serving without bringing the schema up to date: %s\n", werr.msg);
  cursor_key(app.db_url);
  /* The mail sender: its own thread and store connection (notify/sender.h). */
  SmtpConfig sc = {0};
  SenderConfig mc = {0};
  Sender *sender = NULL;
  mc.db_url = app.db_url;
  mc.mail_dir = mail_dir ? mail_dir : "var/mail";
  mc.from = mail_from ? mail_from : "powerhouse@localhost";
  mc.from_name = "Powerhouse";
  if (smtp && smtp_config_parse(smtp, &sc, &err)) {
    fprintf(stderr, "powerhouse serve: --smtp: %s\n", err.msg);
    code = EXIT_USAGE;
    goto out;
  }
  if (smtp && !mail_from) {
    fprintf(stderr, "powerhouse serve: --smtp needs --mail-from ADDRESS\n");
    code = EXIT_USAGE;
    goto out;
  }
  mc.smtp = smtp ? &sc : NULL;
  if (!mail_key) mkdir("var", 0755); /* the default's folder */
  if (crypto_key_file(mail_key ? mail_key : "var/mail.key", app.mail_key, &err)) {
    fprintf(stderr, "powerhouse serve: --mail-key: %s\n", err.msg);
    code = EXIT_FAIL;
    goto out;
  }
  app.has_mail_key = 1;
  mc.key = app.mail_key;
  if (sender_start(&mc, &sender, &err)) {
    fprintf(stderr, "powerhouse serve: cannot start the mail sender: %s\n", err.msg);
    code = err.code == ERR_USAGE ? EXIT_USAGE : EXIT_FAIL;
    goto out;
  }
  app.mail_kick = kick;
  app.mail_ctx = sender;
  if (app_serve(&app, listen ? listen : "127.0.0.1:8080", stderr, &err)) {
    fprintf(stderr, "powerhouse serve: %s\n", err.msg);
    code = err.code == ERR_USAGE ? EXIT_USAGE : EXIT_FAIL;
  }
  sender_stop(sender);
out:
  smtp_config_release(&sc);
  free(args);
  return code;
}

/* cmd_user.c -- `powerhouse user` and `powerhouse token`: accounts from the
 * command line, for setting up a service and for tests. An account made here
 * is verified at once (whoever runs the command owns the store), and so is an
 * organisation it creates; site administrators are made only here. Every
 * change writes an audit row whose actor is the command line. A password is
 * read from a file (never from the command line, where other users of the
 * machine could see it in the process list). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/crypto.h"
#include "cli/cli.h"
#include "model/account.h"
#include "store/accounts.h"
#include "store/store.h"

static const char user_usage[] =
    "usage: powerhouse user add EMAIL --name NAME [--password-file FILE] [--site-admin]\n"
    "                           [--org NAME --kind buyer|supplier --sector public|private --role owner|admin|member]\n"
    "       powerhouse user list [--db URL]\n"
    "       powerhouse user disable EMAIL | user enable EMAIL [--db URL]\n"
    "\n"
    "add: a verified account (or, for an existing one, the organisation and site\n"
    "administration given). With --org, the account joins the organisation of that\n"
    "name with --role (default owner), creating it, verified, when there is none\n"
    "(--kind needed; --sector for a buyer). The password (8 to 256 characters, not a\n"
    "common one) is the first line of FILE; without it the account has none until a\n"
    "password reset. disable: the account cannot sign in and its sessions end.\n"
    "exit status: 0 ok, 1 refused (unknown account, bad password...), 2 usage error, 3 store failure\n";

static const char token_usage[] =
    "usage: powerhouse token create EMAIL [--org NAME] [--role owner|admin|member] [--name NAME] [--db URL]\n"
    "\n"
    "Prints a new personal API token for the account, in the organisation (needed when\n"
    "it belongs to more than one) with the role (default: its own). The token is shown\n"
    "only this once; the store keeps its hash.\n"
    "exit status: 0 ok, 1 refused, 2 usage error, 3 store failure\n";

static int audit(Store *st, long long org_id, const char *action, const char *subject, const char *after, Err *err) {
  StoreAudit a = {0, time(NULL), 0, NULL, org_id, NULL, action, subject, NULL, after};
  return store_audit_add(st, &a, err);
}

/* The first line of path (without its line end) into a malloc'd string. */
static char *read_password(const char *path, Err *err) {
  FILE *f = fopen(path, "r");
  if (!f) {
    err_set(err, ERR_IO, "cannot read the password file %s", path);
    return NULL;
  }
  char line[2048];
  char *got = fgets(line, sizeof line, f);
  fclose(f);
  if (!got) {
    err_set(err, ERR_IO, "the password file %s is empty", path);
    return NULL;
  }
  line[strcspn(line, "\r\n")] = 0;
  return xstrdup(line);
}

/* The organisation called name, made (verified) with kind and sector when
 * there is none: its id into *id. */
static int org_for(Store *st, const char *name, const char *kind, const char *sector, long long *id, int *made,
                   Err *err) {
  StoreOrganisation o;
  int rc = store_organisation_by_name(st, name, &o, err);
  *made = 0;
  if (rc < 0) return rc;
  if (rc == 1) {
    *id = o.id;
    store_organisation_release(&o);
    return 0;
  }
  OrgKind k;
  Sector s = SECTOR_NONE;
  if (!kind || orgkind_parse(kind, &k)) return err_set(err, ERR_USAGE, "--kind buyer|supplier is needed to create %s", name);
  if (k == ORGKIND_BUYER && (!sector || sector_parse(sector, &s)))
    return err_set(err, ERR_USAGE, "--sector public|private is needed to create the buyer %s", name);
  StoreOrganisation n = {0};
  n.name = (char *)name;
  n.kind = (char *)orgkind_name(k);
  n.sector = s ? (char *)sector_name(s) : NULL;
  n.buyer_type = s ? (char *)(s == SECTOR_PUBLIC ? "other-public" : "other-private") : NULL;
  n.status = "verified";
  n.evidence = "made from the command line";
  if ((rc = store_organisation_add(st, &n, 0, time(NULL), id, err))) return rc;
  *made = 1;
  return audit(st, *id, "organisation.create", name, "verified, from the command line", err);
}

static int user_add(Store *st, const char *raw, const char *name_in, const char *pwfile, int site_admin,
                    const char *org, const char *kind, const char *sector, const char *role_s, Err *err) {
  char email[ACCOUNT_EMAIL_SIZE], name[ACCOUNT_NAME_SIZE], hash[CRYPTO_PWHASH_MAX];
  const char *why;
  Role role = ROLE_OWNER;
  if (account_email_check(raw, email, sizeof email, &why)) return err_set(err, ERR_USAGE, "%s: %s", raw, why);
  if (role_s && role_parse(role_s, &role)) return err_set(err, ERR_USAGE, "--role must be owner, admin or member");
  char *pw = NULL;
  if (pwfile) {
    if (!(pw = read_password(pwfile, err))) return ERR_USAGE;
    int bad = account_password_check(pw, email, &why);
    if (bad || crypto_password_hash(pw, strlen(pw), hash, err)) {
      free(pw);
      return bad ? err_set(err, ERR_OCDS, "the password in %s: %s", pwfile, why) : err->code;
    }
    free(pw);
  }
  int rc = store_begin(st, err);
  if (rc) return rc;
  StoreAccount acc;
  long long id = 0;
  rc = store_account_by_email(st, email, &acc, err);
  if (rc == 0) {
    if (!name_in || account_name_check(name_in, name, sizeof name, &why)) {
      store_rollback(st);
      return err_set(err, ERR_USAGE, "--name: %s", name_in ? why : "a name is needed for a new account");
    }
    rc = store_account_add(st, email, name, pwfile ? hash : NULL, time(NULL), 1, site_admin, &id, err);
    if (!rc) rc = audit(st, 0, "account.create", email, site_admin ? "site administrator" : "verified", err);
    if (!rc) printf("account %s added%s\n", email, site_admin ? " (site administrator)" : "");
  } else if (rc == 1) {
    id = acc.id;
    if (site_admin && !acc.site_admin) acc.site_admin = 1;
    if (pwfile) {
      free(acc.password_hash);
      acc.password_hash = xstrdup(hash);
    }
    rc = store_account_update(st, &acc, err);
    if (!rc && (site_admin || pwfile))
      rc = audit(st, 0, "account.update", email, site_admin ? "site administrator" : "password set", err);
    if (!rc) printf("account %s exists%s\n", email, site_admin ? "; now a site administrator" : "");
    store_account_release(&acc);
  }
  if (!rc && org) {
    long long oid = 0;
    int made = 0;
    rc = org_for(st, org, kind, sector, &oid, &made, err);
    if (!rc) {
      rc = store_member_add(st, oid, id, role_name(role), time(NULL), err);
      if (rc == STORE_EXISTS) { /* a member already: a new role, but an organisation keeps an owner */
        char had[16];
        int64_t owners = 0;
        rc = store_member_role(st, oid, id, had, sizeof had, err) < 0 ? err->code : store_owner_count(st, oid, &owners, err);
        if (!rc && !strcmp(had, "owner") && role != ROLE_OWNER && owners < 2)
          rc = err_set(err, ERR_LIMIT, "%s is the only owner of %s: make another member an owner first", email, org);
        if (!rc) rc = store_member_set_role(st, oid, id, role_name(role), err);
      }
      if (!rc) rc = audit(st, oid, "member.add", email, role_name(role), err);
      if (!rc) printf("%s: %s of %s%s (organisation %lld)\n", email, role_name(role), org, made ? ", created" : "", oid);
    }
  }
  if (rc < 0 || (rc = store_commit(st, err))) {
    store_rollback(st);
    return rc;
  }
  return 0;
}

static int user_list(Store *st, Err *err) {
  StoreAccount *as = NULL;
  size_t n = 0;
  int rc = store_accounts_list(st, "", 0, &as, &n, err);
  for (size_t i = 0; !rc && i < n; i++) {
    StoreOrganisation *os = NULL;
    size_t no = 0;
    if ((rc = store_organisations_of(st, as[i].id, &os, &no, err))) break;
    printf("%s\t%s\t%s%s", as[i].email, as[i].name,
           as[i].disabled_at ? "disabled" : as[i].verified_at ? "active" : "unconfirmed",
           as[i].site_admin ? ", site administrator" : "");
    for (size_t k = 0; k < no; k++) printf("%s%s (%s)", k ? ", " : "\t", os[k].name, os[k].role);
    printf("\n");
    store_organisations_free(os, no);
  }
  store_accounts_free(as, n);
  return rc;
}

static int user_enable(Store *st, const char *raw, int disable, Err *err) {
  char email[ACCOUNT_EMAIL_SIZE];
  const char *why;
  if (account_email_check(raw, email, sizeof email, &why)) return err_set(err, ERR_USAGE, "%s: %s", raw, why);
  int rc = store_begin(st, err);
  if (rc) return rc;
  StoreAccount acc;
  rc = store_account_by_email(st, email, &acc, err);
  if (rc == 0) rc = err_set(err, ERR_NOTFOUND, "no account has the email address %s", email);
  if (rc == 1) {
    acc.disabled_at = disable ? (acc.disabled_at ? acc.disabled_at : time(NULL)) : 0;
    rc = store_account_update(st, &acc, err);
    if (!rc && disable) rc = store_sessions_drop(st, acc.id, 0, err);
    if (!rc) rc = audit(st, 0, disable ? "account.disable" : "account.enable", email, disable ? "disabled" : "active", err);
    store_account_release(&acc);
  }
  if (rc || (rc = store_commit(st, err))) {
    store_rollback(st);
    return rc;
  }
  printf("account %s %s\n", email, disable ? "disabled: its sessions have ended" : "enabled");
  return 0;
}

/* The exit status of a failure. */
static int status_of(const Err *err) {
  return err->code == ERR_USAGE ? EXIT_USAGE : err->code == ERR_DB || err->code == ERR_IO ? EXIT_FAIL : EXIT_REJECTED;
}

int cmd_user(int argc, char **argv) {
  const char *db = NULL, *name = NULL, *pwfile = NULL, *admin = NULL, *org = NULL, *kind = NULL, *sector = NULL,
             *role = NULL;
  CliOpt opts[] = {{"db", 1, &db},     {"name", 1, &name},     {"password-file", 1, &pwfile},
                   {"site-admin", 0, &admin}, {"org", 1, &org}, {"kind", 1, &kind},
                   {"sector", 1, &sector}, {"role", 1, &role}};
  char **args;
  size_t n;
  int help, code = EXIT_OK;
  if (cli_parse(argc, argv, opts, sizeof opts / sizeof *opts, &args, &n, &help)) return EXIT_USAGE;
  const char *verb = n ? args[0] : "";
  int ok_shape = (!strcmp(verb, "add") && n == 2) || (!strcmp(verb, "list") && n == 1) ||
                 ((!strcmp(verb, "disable") || !strcmp(verb, "enable")) && n == 2);
  if (help || !ok_shape) {
    fputs(user_usage, help ? stdout : stderr);
    free(args);
    return help ? EXIT_OK : EXIT_USAGE;
  }
  Store *st = NULL;
  Err err = ERR_INIT;
  int rc = store_open(db, 0, &st, &err);
  if (!rc && !strcmp(verb, "add")) rc = user_add(st, args[1], name, pwfile, admin != NULL, org, kind, sector, role, &err);
  else if (!rc && !strcmp(verb, "list")) rc = user_list(st, &err);
  else if (!rc) rc = user_enable(st, args[1], !strcmp(verb, "disable"), &err);
  if (rc) {
    fprintf(stderr, "powerhouse user %s: %s\n", verb, err.msg);
    code = status_of(&err);
  }
  store_close(st);
  free(args);
  return code;
}

static int token_create(Store *st, const char *raw, const char *org, const char *role_s, const char *label, Err *err) {
  char email[ACCOUNT_EMAIL_SIZE];
  const char *why;
  if (account_email_check(raw, email, sizeof email, &why)) return err_set(err, ERR_USAGE, "%s: %s", raw, why);
  StoreAccount acc;
  int rc = store_account_by_email(st, email, &acc, err);
  if (rc <= 0) return rc ? rc : err_set(err, ERR_NOTFOUND, "no account has the email address %s", email);
  StoreOrganisation *os = NULL;
  size_t no = 0;
  const StoreOrganisation *in = NULL;
  if ((rc = store_organisations_of(st, acc.id, &os, &no, err))) goto out;
  for (size_t i = 0; i < no; i++)
    if (org ? !strcmp(os[i].name, org) : no == 1) in = &os[i];
  if (!in) {
    if (org) rc = err_set(err, ERR_NOTFOUND, "%s is not a member of %s", email, org);
    else if (!no) rc = err_set(err, ERR_NOTFOUND, "%s belongs to no organisation", email);
    else rc = err_set(err, ERR_USAGE, "%s belongs to %zu organisations: name one with --org", email, no);
    goto out;
  }
  Role have = ROLE_NONE, want;
  role_parse(in->role, &have);
  want = have;
  if (role_s && (role_parse(role_s, &want) || want > have)) {
    rc = err_set(err, ERR_USAGE, "--role must be owner, admin or member, and at most %s's role (%s)", email, in->role);
    goto out;
  }
  char tok[CRYPTO_TOKEN_LEN + 1], hash[CRYPTO_HASH_HEX + 1];
  crypto_token(tok);
  crypto_token_hash(tok, hash);
  const char *tname = label ? label : "made from the command line";
  if ((rc = store_begin(st, err))) goto out;
  if ((rc = store_api_token_add(st, hash, acc.id, in->id, role_name(want), tname, time(NULL), NULL, err)) ||
      (rc = audit(st, in->id, "token.create", tname, role_name(want), err)) || (rc = store_commit(st, err))) {
    store_rollback(st);
    goto out;
  }
  printf("%s\n", tok);
  fprintf(stderr, "powerhouse token: a token for %s as %s of %s; it is not shown again\n", email, role_name(want), in->name);
out:
  store_organisations_free(os, no);
  store_account_release(&acc);
  return rc;
}

int cmd_token(int argc, char **argv) {
  const char *db = NULL, *org = NULL, *role = NULL, *name = NULL;
  CliOpt opts[] = {{"db", 1, &db}, {"org", 1, &org}, {"role", 1, &role}, {"name", 1, &name}};
  char **args;
  size_t n;
  int help, code = EXIT_OK;
  if (cli_parse(argc, argv, opts, sizeof opts / sizeof *opts, &args, &n, &help)) return EXIT_USAGE;
  if (help || n != 2 || strcmp(args[0], "create") != 0) {
    fputs(token_usage, help ? stdout : stderr);
    free(args);
    return help ? EXIT_OK : EXIT_USAGE;
  }
  Store *st = NULL;
  Err err = ERR_INIT;
  int rc = store_open(db, 0, &st, &err);
  if (!rc) rc = token_create(st, args[1], org, role, name, &err);
  if (rc) {
    fprintf(stderr, "powerhouse token create: %s\n", err.msg);
    code = status_of(&err);
  }
  store_close(st);
  free(args);
  return code;
}

/* fuzz_account.c -- libFuzzer target for the account rules
 * (src/model/account.c): what a person types into a sign-up or organisation
 * form, up to its first NUL (form_parse never gives a NUL), through every
 * check. Checked for each run:
 *  - each check either refuses with a message or writes a value that the
 *    same check accepts unchanged (normalising is idempotent), within its
 *    limits: an email of printable ASCII in lower case, at most 254 bytes; a
 *    name of valid UTF-8 of 1..200 characters without a leading, trailing or
 *    doubled space; a Companies House number of 8 upper-case letters and
 *    digits; a PPON of 14 characters;
 *  - a refused value gets a message, a tiny out buffer never overflows
 *    (ASan sees to that);
 *  - the password check and the common-password search answer the same for
 *    the input in upper and lower case. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/utf8.h"
#include "model/account.h"

#define FUZZ_TARGET "fuzz_account"
#include "check.h"

typedef int (*CheckFn)(const char *in, char *out, size_t cap, const char **why);

/* Runs fn on in; on success checks that fn accepts its own output unchanged.
 * Returns the output (static) or NULL when refused. */
static const char *idempotent(const char *what, CheckFn fn, const char *in, size_t cap) {
  static char out[ACCOUNT_NAME_SIZE], again[ACCOUNT_NAME_SIZE];
  const char *why = NULL;
  char tiny[3];
  fn(in, tiny, sizeof tiny, &why); /* must not write past 3 bytes */
  why = NULL;
  if (fn(in, out, cap, &why) != 0) {
    CHECK(why && *why, "%s: refused without a message", what);
    return NULL;
  }
  CHECK(strlen(out) < cap, "%s: output longer than cap", what);
  CHECK(fn(out, again, cap, &why) == 0, "%s: its own output '%s' is refused: %s", what, out, why);
  CHECK(strcmp(out, again) == 0, "%s: not idempotent: '%s' then '%s'", what, out, again);
  return out;
}

static size_t chars(const char *s) {
  size_t c = 0;
  for (; *s; s++) c += ((unsigned char)*s & 0xC0) != 0x80;
  return c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 4096) return 0;
  char *in = xstrndup((const char *)data, size);

  const char *e = idempotent("email", account_email_check, in, ACCOUNT_EMAIL_SIZE);
  if (e) {
    size_t n = strlen(e);
    CHECK(n <= ACCOUNT_EMAIL_MAX && strchr(e, '@') == strrchr(e, '@') && strchr(e, '@'), "email shape: %s", e);
    for (size_t i = 0; i < n; i++)
      CHECK(e[i] > 0x20 && e[i] < 0x7F && !(e[i] >= 'A' && e[i] <= 'Z'), "email byte %zu: %s", i, e);
  }

  const char *nm = idempotent("name", account_name_check, in, ACCOUNT_NAME_SIZE);
  if (nm) {
    size_t n = strlen(nm), c = chars(nm);
    CHECK(utf8_check(nm, n, NULL) == 0, "name is not UTF-8");
    CHECK(c >= 1 && c <= ACCOUNT_NAME_MAX, "name of %zu characters", c);
    CHECK(nm[0] != ' ' && nm[n - 1] != ' ' && !strstr(nm, "  "), "name spaces: '%s'", nm);
    for (size_t i = 0; i < n; i++) CHECK((unsigned char)nm[i] >= 0x20 && nm[i] != 0x7F, "name control byte %zu", i);
  }

  const char *ch = idempotent("ch", account_ch_number_check, in, ACCOUNT_CH_SIZE);
  if (ch) {
    CHECK(strlen(ch) == 8, "ch length: %s", ch);
    for (int i = 0; i < 8; i++)
      CHECK((ch[i] >= '0' && ch[i] <= '9') || (ch[i] >= 'A' && ch[i] <= 'Z'), "ch byte %d: %s", i, ch);
  }

  const char *pp = idempotent("ppon", account_ppon_check, in, ACCOUNT_PPON_SIZE);
  if (pp) CHECK(strlen(pp) == 14 && pp[0] == 'P' && pp[4] == '-' && pp[9] == '-', "ppon shape: %s", pp);

  /* the password rules do not depend on ASCII case (common list, email) */
  char *up = xstrdup(in), *low = xstrdup(in);
  for (char *p = up; *p; p++)
    if (*p >= 'a' && *p <= 'z') *p = (char)(*p - 32);
  for (char *p = low; *p; p++)
    if (*p >= 'A' && *p <= 'Z') *p = (char)(*p + 32);
  CHECK(password_is_common(up) == password_is_common(low), "password_is_common depends on case");
  const char *w1 = NULL, *w2 = NULL;
  int r1 = account_password_check(up, "someone@example.com", &w1);
  int r2 = account_password_check(low, "someone@example.com", &w2);
  CHECK(r1 == r2 && (r1 == 0 || (w1 && w2 && strcmp(w1, w2) == 0)), "password check depends on case");
  const char *w3 = NULL;
  if (e) CHECK(account_password_check(in, in, &w3) != 0, "the email address accepted as its own password");
  free(low);
  free(up);
  free(in);
  return 0;
}

/* account.c -- the checks and vocabularies of account.h. Every check works on
 * the trimmed input without copying it first, never writes more than cap
 * bytes to out (whose contents mean nothing after a refusal), and names its
 * rule in a static message. Character counts walk UTF-8 lead
 * bytes after utf8_check has vouched for the text. */
#include "model/account.h"

#include <string.h>

#include "base/utf8.h"

static int is_ascii_space(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static int is_upper(unsigned char c) { return c >= 'A' && c <= 'Z'; }
static int is_lower(unsigned char c) { return c >= 'a' && c <= 'z'; }
static unsigned char to_lower(unsigned char c) { return is_upper(c) ? (unsigned char)(c + 32) : c; }
static unsigned char to_upper(unsigned char c) { return is_lower(c) ? (unsigned char)(c - 32) : c; }

/* The input without surrounding ASCII white space: start, and length in *n. */
static const char *trim(const char *in, size_t *n) {
  if (!in) in = "";
  size_t len = strlen(in);
  while (len && is_ascii_space((unsigned char)in[len - 1])) len--;
  while (len && is_ascii_space((unsigned char)*in)) in++, len--;
  *n = len;
  return in;
}

/* Code points in valid UTF-8 s[0..n): the bytes that are not continuations. */
static size_t utf8_chars(const char *s, size_t n) {
  size_t c = 0;
  for (size_t i = 0; i < n; i++) c += ((unsigned char)s[i] & 0xC0) != 0x80;
  return c;
}

static int fail(const char **why, const char *msg) {
  if (why) *why = msg;
  return -1;
}

/* ---- email ---- */

static const char EMAIL_EMPTY[] = "Enter your email address";
static const char EMAIL_LONG[] = "Email address must be 254 characters or fewer";
static const char EMAIL_FORMAT[] = "Enter an email address in the correct format, like name@example.com";

static int email_local_char(unsigned char c) {
  return is_lower(c) || is_digit(c) || (c && strchr("!#$%&'*+/=?^_`{|}~.-", c));
}

/* local part: 1..64 of the characters above, no leading, trailing or doubled dot */
static int email_local_ok(const char *s, size_t n) {
  if (n == 0 || n > 64 || s[0] == '.' || s[n - 1] == '.') return 0;
  for (size_t i = 0; i < n; i++) {
    if (!email_local_char((unsigned char)s[i])) return 0;
    if (s[i] == '.' && i + 1 < n && s[i + 1] == '.') return 0;
  }
  return 1;
}

/* domain: two or more labels of [a-z0-9-], 1..63 each, no '-' at either end of
 * a label; the last label at least two characters */
static int email_domain_ok(const char *s, size_t n) {
  size_t labels = 0, start = 0;
  for (size_t i = 0; i <= n; i++) {
    if (i < n && s[i] != '.') {
      unsigned char c = (unsigned char)s[i];
      if (!is_lower(c) && !is_digit(c) && c != '-') return 0;
      continue;
    }
    size_t len = i - start;
    if (len == 0 || len > 63 || s[start] == '-' || s[i - 1] == '-') return 0;
    labels++;
    if (i == n && len < 2) return 0;
    start = i + 1;
  }
  return labels >= 2;
}

int account_email_check(const char *in, char *out, size_t cap, const char **why) {
  size_t n;
  const char *s = trim(in, &n);
  if (n == 0) return fail(why, EMAIL_EMPTY);
  if (n > ACCOUNT_EMAIL_MAX || n + 1 > cap) return fail(why, EMAIL_LONG);
  char e[ACCOUNT_EMAIL_SIZE];
  for (size_t i = 0; i < n; i++) e[i] = (char)to_lower((unsigned char)s[i]);
  e[n] = 0;
  const char *at = memchr(e, '@', n);
  if (!at || memchr(at + 1, '@', n - (size_t)(at - e) - 1)) return fail(why, EMAIL_FORMAT);
  size_t local = (size_t)(at - e);
  if (!email_local_ok(e, local) || !email_domain_ok(at + 1, n - local - 1)) return fail(why, EMAIL_FORMAT);
  memcpy(out, e, n + 1);
  return 0;
}

/* ---- name ---- */

static const char NAME_EMPTY[] = "Enter your full name";
static const char NAME_LONG[] = "Name must be 200 characters or fewer";
static const char NAME_CONTROL[] = "Name must not include control characters";

/* Length of the white space at s (ASCII white space, or U+00A0 no-break space
 * as C2 A0), 0 when none. */
static size_t space_at(const char *s, size_t n) {
  if (n && is_ascii_space((unsigned char)s[0])) return 1;
  if (n >= 2 && (unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0) return 2;
  return 0;
}

/* A control character at s: C0 (other than white space, handled before), DEL,
 * C1 (U+0080..U+009F, C2 80..C2 9F); and the invisible characters that
 * change how the text around a name is shown: bidirectional marks, embeddings
 * and overrides (U+200E-200F, U+202A-202E, U+2066-2069: "\u202Egnp.exe"
 * reads "exe.png"), the line and paragraph separators (U+2028-2029) and the
 * byte order mark (U+FEFF). Zero-width joiners stay: scripts and emoji need
 * them. */
static int control_at(const char *s, size_t n) {
  const unsigned char *u = (const unsigned char *)s;
  if (u[0] < 0x20 || u[0] == 0x7F) return 1;
  if (n >= 2 && u[0] == 0xC2) return u[1] < 0xA0;
  if (n < 3) return 0;
  if (u[0] == 0xE2 && u[1] == 0x80) return u[2] == 0x8E || u[2] == 0x8F || (u[2] >= 0xA8 && u[2] <= 0xAE);
  if (u[0] == 0xE2 && u[1] == 0x81) return u[2] >= 0xA6 && u[2] <= 0xA9;
  return u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF;
}

int account_name_check(const char *in, char *out, size_t cap, const char **why) {
  size_t n;
  const char *s = trim(in, &n);
  if (utf8_check(s, n, NULL) != 0) return fail(why, NAME_CONTROL);
  /* a no-break space at either end is trimmed too */
  size_t w;
  while ((w = space_at(s, n)) != 0) s += w, n -= w;
  while (n && (is_ascii_space((unsigned char)s[n - 1]) || (n >= 2 && space_at(s + n - 2, 2) == 2)))
    n -= is_ascii_space((unsigned char)s[n - 1]) ? 1 : 2;
  if (n == 0) return fail(why, NAME_EMPTY);
  size_t o = 0, chars = 0;
  for (size_t i = 0; i < n;) {
    if ((w = space_at(s + i, n - i)) != 0) {
      while ((w = space_at(s + i, n - i)) != 0) i += w;
      if (o + 1 >= cap) return fail(why, NAME_LONG);
      out[o++] = ' ';
      chars++;
      continue;
    }
    if (control_at(s + i, n - i)) return fail(why, NAME_CONTROL);
    size_t len = 1;
    while (i + len < n && ((unsigned char)s[i + len] & 0xC0) == 0x80) len++;
    if (o + len >= cap) return fail(why, NAME_LONG);
    memcpy(out + o, s + i, len);
    o += len;
    i += len;
    chars++;
  }
  if (chars > ACCOUNT_NAME_MAX) return fail(why, NAME_LONG);
  out[o] = 0;
  return 0;
}

/* ---- password ---- */

/* s[0..n), lower-cased (ASCII), is in the list */
static int common_n(const char *s, size_t n) {
  char low[64];
  if (n == 0 || n >= sizeof low) return 0; /* the longest common password is far shorter */
  for (size_t i = 0; i < n; i++) low[i] = (char)to_lower((unsigned char)s[i]);
  low[n] = 0;
  size_t lo = 0, hi = common_passwords_n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(common_passwords[mid], low);
    if (c == 0) return 1;
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return 0;
}

int password_is_common(const char *pw) { return pw ? common_n(pw, strlen(pw)) : 0; }

/* a[0..an) equals b[0..bn) in any (ASCII) case */
static int same_ci(const char *a, size_t an, const char *b, size_t bn) {
  if (an != bn) return 0;
  for (size_t i = 0; i < an; i++)
    if (to_lower((unsigned char)a[i]) != to_lower((unsigned char)b[i])) return 0;
  return 1;
}

int account_password_check(const char *pw, const char *email, const char **why) {
  size_t n = pw ? strlen(pw) : 0;
  if (n == 0) return fail(why, "Enter a password");
  if (utf8_check(pw, n, NULL) != 0) return fail(why, "Password must not include control characters or invalid text");
  size_t chars = utf8_chars(pw, n);
  if (chars < ACCOUNT_PASSWORD_MIN) return fail(why, "Password must be 8 characters or more");
  if (chars > ACCOUNT_PASSWORD_MAX) return fail(why, "Password must be 256 characters or fewer");
  /* " password " guesses as easily as "password": the comparisons below
   * ignore surrounding white space (the password itself is kept as typed) */
  size_t tn;
  const char *t = trim(pw, &tn);
  if (common_n(t, tn))
    return fail(why, "Choose a password that is harder to guess: this one is in a list of common passwords");
  char e[ACCOUNT_EMAIL_SIZE];
  if (email && account_email_check(email, e, sizeof e, NULL) == 0) {
    size_t local = (size_t)(strchr(e, '@') - e);
    if (same_ci(t, tn, e, strlen(e)) || same_ci(t, tn, e, local))
      return fail(why, "Choose a password that is different from your email address");
  }
  return 0;
}

/* ---- vocabularies ---- */

static const char *const role_names[] = {"", "member", "admin", "owner"};
static const char *const orgkind_names[] = {"", "buyer", "supplier"};
static const char *const sector_names[] = {"", "public", "private"};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* names[v] for 0 <= v < n, else "" */
static const char *name_of(const char *const *names, size_t n, int v) {
  return v >= 0 && (size_t)v < n ? names[v] : "";
}

/* the index i >= 1 with names[i] == s, or -1 */
static int parse_of(const char *const *names, size_t n, const char *s) {
  if (!s || !*s) return -1;
  for (size_t i = 1; i < n; i++)
    if (strcmp(names[i], s) == 0) return (int)i;
  return -1;
}

const char *role_name(Role r) { return name_of(role_names, COUNT(role_names), (int)r); }
const char *orgkind_name(OrgKind k) { return name_of(orgkind_names, COUNT(orgkind_names), (int)k); }
const char *sector_name(Sector s) { return name_of(sector_names, COUNT(sector_names), (int)s); }

int role_parse(const char *s, Role *out) {
  int i = parse_of(role_names, COUNT(role_names), s);
  if (i < 0) return -1;
  *out = (Role)i;
  return 0;
}

int orgkind_parse(const char *s, OrgKind *out) {
  int i = parse_of(orgkind_names, COUNT(orgkind_names), s);
  if (i < 0) return -1;
  *out = (OrgKind)i;
  return 0;
}

int sector_parse(const char *s, Sector *out) {
  int i = parse_of(sector_names, COUNT(sector_names), s);
  if (i < 0) return -1;
  *out = (Sector)i;
  return 0;
}

/* Housing associations count as public buyers here: most are contracting
 * authorities under the Procurement Act 2023 even where the ONS classes them
 * as private. */
const BuyerType buyer_types[] = {
    {"council", "Council", SECTOR_PUBLIC},
    {"nhs", "NHS trust or board", SECTOR_PUBLIC},
    {"university", "University or college", SECTOR_PUBLIC},
    {"combined-authority", "Combined authority", SECTOR_PUBLIC},
    {"central-government", "Central government department or agency", SECTOR_PUBLIC},
    {"police-fire", "Police, fire or rescue service", SECTOR_PUBLIC},
    {"housing", "Housing association", SECTOR_PUBLIC},
    {"school", "School or academy trust", SECTOR_PUBLIC},
    {"other-public", "Other public body", SECTOR_PUBLIC},
    {"company", "Private company", SECTOR_PRIVATE},
    {"other-private", "Other private organisation", SECTOR_PRIVATE},
};
const size_t n_buyer_types = COUNT(buyer_types);

const BuyerType *buyer_type_find(const char *code) {
  if (!code) return NULL;
  for (size_t i = 0; i < n_buyer_types; i++)
    if (strcmp(buyer_types[i].code, code) == 0) return &buyer_types[i];
  return NULL;
}

const OrgSize org_sizes[] = {
    {"micro", "Micro (fewer than 10 staff)"},
    {"small", "Small (10 to 49 staff)"},
    {"medium", "Medium (50 to 249 staff)"},
    {"large", "Large (250 staff or more)"},
};
const size_t n_org_sizes = COUNT(org_sizes);

const OrgSize *org_size_find(const char *code) {
  if (!code) return NULL;
  for (size_t i = 0; i < n_org_sizes; i++)
    if (strcmp(org_sizes[i].code, code) == 0) return &org_sizes[i];
  return NULL;
}

/* ---- organisation numbers ---- */

/* The trimmed input upper-cased into buf[cap] (NUL-terminated) and its length
 * in *n; -1 with *why = empty when there is nothing, = bad when it does not fit
 * (then it cannot be a valid number either). */
static int upper_trimmed(const char *in, char *buf, size_t cap, size_t *n, const char **why, const char *empty,
                         const char *bad) {
  const char *s = trim(in, n);
  if (*n == 0) return fail(why, empty);
  if (*n + 1 > cap) return fail(why, bad);
  for (size_t i = 0; i < *n; i++) buf[i] = (char)to_upper((unsigned char)s[i]);
  buf[*n] = 0;
  return 0;
}

/* s[0..n) into out[cap]; -1 with *why = bad when it does not fit */
static int put(char *out, size_t cap, const char *s, size_t n, const char **why, const char *bad) {
  if (n + 1 > cap) return fail(why, bad);
  memcpy(out, s, n);
  out[n] = 0;
  return 0;
}

/* s[0..n) matches pattern: 'A' an upper-case letter, '9' a digit, anything
 * else itself */
static int shape(const char *s, size_t n, const char *pattern) {
  if (strlen(pattern) != n) return 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (pattern[i] == 'A' ? !is_upper(c) : pattern[i] == '9' ? !is_digit(c) : c != (unsigned char)pattern[i])
      return 0;
  }
  return 1;
}

int account_ch_number_check(const char *in, char *out, size_t cap, const char **why) {
  static const char bad[] = "Enter a Companies House number in the correct format, like 01234567 or SC123456";
  char b[16];
  size_t n;
  if (upper_trimmed(in, b, sizeof b, &n, why, "Enter your Companies House number", bad) != 0) return -1;
  if (shape(b, n, "AA999999") || shape(b, n, "R0999999")) return put(out, cap, b, n, why, bad);
  /* 1..8 digits, padded to 8 */
  char padded[9] = "00000000";
  if (n > 8) return fail(why, bad);
  memcpy(padded + 8 - n, b, n);
  return shape(padded, 8, "99999999") ? put(out, cap, padded, 8, why, bad) : fail(why, bad);
}

int account_ppon_check(const char *in, char *out, size_t cap, const char **why) {
  static const char bad[] = "Enter a PPON in the correct format, like PBCD-1234-ABCD";
  char b[32];
  size_t n;
  if (upper_trimmed(in, b, sizeof b, &n, why, "Enter your PPON", bad) != 0) return -1;
  const char *s = b;
  if (n > 8 && memcmp(s, "GB-PPON-", 8) == 0) s += 8, n -= 8;
  return shape(s, n, "PAAA-9999-AAAA") ? put(out, cap, s, n, why, bad) : fail(why, bad);
}

/* test_account.c -- the rules of account.h: email addresses, names,
 * passwords (lengths in characters, the common list, the email address),
 * roles, organisation kinds, sectors, buyer types, Companies House numbers
 * and PPONs. */
#include "model/account.h"

#include <string.h>

#include "../tap.h"

/* Runs a check; returns its output, or "ERR: why". */
typedef int (*CheckFn)(const char *in, char *out, size_t cap, const char **why);
static const char *run(CheckFn fn, const char *in, size_t cap) {
  static char out[2048], msg[300];
  const char *why = NULL;
  memset(out, '#', sizeof out);
  if (fn(in, out, cap, &why) == 0) return out;
  snprintf(msg, sizeof msg, "ERR: %s", why ? why : "(no message)");
  return msg;
}
#define EMAIL(s) run(account_email_check, s, ACCOUNT_EMAIL_SIZE)
#define NAME(s) run(account_name_check, s, ACCOUNT_NAME_SIZE)
#define CH(s) run(account_ch_number_check, s, ACCOUNT_CH_SIZE)
#define PPON(s) run(account_ppon_check, s, ACCOUNT_PPON_SIZE)

static const char *pw_check(const char *pw, const char *email) {
  static char msg[300];
  const char *why = NULL;
  if (account_password_check(pw, email, &why) == 0) return "ok";
  snprintf(msg, sizeof msg, "ERR: %s", why ? why : "(no message)");
  return msg;
}

/* n copies of the UTF-8 text unit, then tail */
static const char *rep(const char *unit, size_t n, const char *tail) {
  static char b[4096];
  size_t o = 0, u = strlen(unit);
  for (size_t i = 0; i < n && o + u < sizeof b; i++) memcpy(b + o, unit, u), o += u;
  snprintf(b + o, sizeof b - o, "%s", tail);
  return b;
}

static const char FORMAT[] = "ERR: Enter an email address in the correct format, like name@example.com";

static void test_email(void) {
  is_str(EMAIL("name@example.com"), "name@example.com", "a plain address is kept");
  is_str(EMAIL("  Jo.Bloggs@Example.CO.UK \t\n"), "jo.bloggs@example.co.uk", "trimmed and lower-cased");
  is_str(EMAIL("first.last+tag@sub.example.org"), "first.last+tag@sub.example.org", "dots and + in the local part");
  is_str(EMAIL("o'brien@example.ie"), "o'brien@example.ie", "an apostrophe in the local part");
  is_str(EMAIL("a@b-c.io"), "a@b-c.io", "a hyphen inside a domain label");
  is_str(EMAIL(""), "ERR: Enter your email address", "empty: enter your email address");
  is_str(EMAIL("   "), "ERR: Enter your email address", "white space only counts as empty");
  is_str(EMAIL(NULL), "ERR: Enter your email address", "NULL counts as empty");
  is_str(EMAIL("name.example.com"), FORMAT, "no @");
  is_str(EMAIL("a@b@example.com"), FORMAT, "two @");
  is_str(EMAIL("@example.com"), FORMAT, "empty local part");
  is_str(EMAIL("name@"), FORMAT, "empty domain");
  is_str(EMAIL("name@localhost"), FORMAT, "no dot in the domain");
  is_str(EMAIL("name@.example.com"), FORMAT, "a leading dot in the domain");
  is_str(EMAIL("name@example.com."), FORMAT, "a trailing dot in the domain");
  is_str(EMAIL("name@example..com"), FORMAT, "two dots in a row in the domain");
  is_str(EMAIL(".name@example.com"), FORMAT, "a leading dot in the local part");
  is_str(EMAIL("name.@example.com"), FORMAT, "a trailing dot in the local part");
  is_str(EMAIL("na..me@example.com"), FORMAT, "two dots in a row in the local part");
  is_str(EMAIL("na me@example.com"), FORMAT, "a space inside");
  is_str(EMAIL("name@exa mple.com"), FORMAT, "a space in the domain");
  is_str(EMAIL("na\tme@example.com"), FORMAT, "a tab inside");
  is_str(EMAIL("na\x01me@example.com"), FORMAT, "a control character");
  is_str(EMAIL("n\xC3\xA4me@example.com"), FORMAT, "non-ASCII in the local part");
  is_str(EMAIL("name@b\xC3\xBC" "cher.de"), FORMAT, "non-ASCII in the domain (no IDN)");
  is_str(EMAIL("name@-example.com"), FORMAT, "a label starting with '-'");
  is_str(EMAIL("name@example-.com"), FORMAT, "a label ending with '-'");
  is_str(EMAIL("name@example.c"), FORMAT, "a one-letter top-level domain");
  is_str(EMAIL("name@exam_ple.com"), FORMAT, "an underscore in the domain");
  is_str(EMAIL("\"quoted\"@example.com"), FORMAT, "quoted local parts are not accepted");
  is_str(EMAIL("name@[127.0.0.1]"), FORMAT, "address literals are not accepted");

  /* lengths: local part up to 64, labels up to 63, the whole up to 254 */
  char buf[400];
  snprintf(buf, sizeof buf, "%s@example.com", rep("a", 64, ""));
  is_str(EMAIL(buf), buf, "a 64-character local part");
  snprintf(buf, sizeof buf, "%s@example.com", rep("a", 65, ""));
  is_str(EMAIL(buf), FORMAT, "a 65-character local part");
  snprintf(buf, sizeof buf, "a@%s.com", rep("b", 63, ""));
  is_str(EMAIL(buf), buf, "a 63-character label");
  snprintf(buf, sizeof buf, "a@%s.com", rep("b", 64, ""));
  is_str(EMAIL(buf), FORMAT, "a 64-character label");
    char label[61];
  memset(label, 'x', 60);
  label[60] = 0;
  snprintf(buf, sizeof buf, "abcdefg@%s.%s.%s.%s.co", label, label, label, label); /* 8 + 4*61 + 2 = 254 */
  is_int(strlen(buf), 254, "the address built is 254 characters");
  is_str(EMAIL(buf), buf, "254 characters: accepted");
  snprintf(buf, sizeof buf, "abcdefgh@%s.%s.%s.%s.co", label, label, label, label);
  is_str(EMAIL(buf), "ERR: Email address must be 254 characters or fewer", "255 characters: too long");
  char padded[400];
  snprintf(padded, sizeof padded, "   abcdefg@%s.%s.%s.%s.co   ", label, label, label, label);
  snprintf(buf, sizeof buf, "abcdefg@%s.%s.%s.%s.co", label, label, label, label);
  is_str(EMAIL(padded), buf, "surrounding white space does not count towards the length");
  char small[8];
  const char *why = NULL;
  is_int(account_email_check("name@example.com", small, sizeof small, &why), -1, "out too small: refused");
  ok(why && strstr(why, "254"), "out too small reads as too long");
}

static const char NAME_LONG[] = "ERR: Name must be 200 characters or fewer";
static const char NAME_CTRL[] = "ERR: Name must not include control characters";

static void test_name(void) {
  is_str(NAME("Ada Lovelace"), "Ada Lovelace", "a plain name is kept");
  is_str(NAME("  Ada \t  King\n\nLovelace  "), "Ada King Lovelace", "trimmed, inner white space collapsed to one space");
  is_str(NAME("\xC2\xA0" "Zo\xC3\xAB\xC2\xA0\xC2\xA0 O'Neill-Smith \xC2\xA0"), "Zo\xC3\xAB O'Neill-Smith",
         "no-break spaces count as white space, accents kept");
  is_str(NAME("\xE6\x9D\x8E\xE5\xB0\x8F\xE9\xBE\x99"), "\xE6\x9D\x8E\xE5\xB0\x8F\xE9\xBE\x99", "CJK names");
  is_str(NAME("ada lovelace"), "ada lovelace", "case is kept");
  is_str(NAME(""), "ERR: Enter your full name", "empty");
  is_str(NAME(" \t\xC2\xA0 "), "ERR: Enter your full name", "white space only");
  is_str(NAME(NULL), "ERR: Enter your full name", "NULL");
  is_str(NAME("Ada\x01Lovelace"), NAME_CTRL, "a C0 control character");
  is_str(NAME("Ada\x7FLovelace"), NAME_CTRL, "DEL");
  is_str(NAME("Ada\xC2\x85Lovelace"), NAME_CTRL, "a C1 control character (NEL)");
  is_str(NAME("Ada\xE2\x80\xAE" "ecalevoL"), NAME_CTRL, "a right-to-left override (U+202E)");
  is_str(NAME("Ada\xE2\x80\x8FLovelace"), NAME_CTRL, "a right-to-left mark (U+200F)");
  is_str(NAME("Ada\xE2\x81\xA6Lovelace"), NAME_CTRL, "a left-to-right isolate (U+2066)");
  is_str(NAME("Ada\xE2\x80\xA8Lovelace"), NAME_CTRL, "a line separator (U+2028)");
  is_str(NAME("\xEF\xBB\xBF" "Ada"), NAME_CTRL, "a byte order mark");
  is_str(NAME("\xD8\xB9\xD9\x84\xD9\x8A"), "\xD8\xB9\xD9\x84\xD9\x8A", "right-to-left script itself is fine");
  is_str(NAME("\xE0\xA4\x95\xE0\xA5\x8D\xE2\x80\x8D\xE0\xA4\xB7"), "\xE0\xA4\x95\xE0\xA5\x8D\xE2\x80\x8D\xE0\xA4\xB7",
         "a zero-width joiner is kept (Devanagari)");
  is_str(NAME("\xE2\x80\x94" "Ada\xE2\x80\x99s\xE2\x80\xA6"), "\xE2\x80\x94" "Ada\xE2\x80\x99s\xE2\x80\xA6",
         "punctuation near the controls (em dash, right quote, ellipsis) is fine");
  is_str(NAME("Ada\xFFLovelace"), NAME_CTRL, "invalid UTF-8");
  is_str(NAME("Ada\xC0\xA0Lovelace"), NAME_CTRL, "an overlong sequence");
  is_str(NAME("Ada\xE2\x82"), NAME_CTRL, "a truncated sequence");
  is_str(NAME(rep("a", 200, "")), rep("a", 200, ""), "200 ASCII characters");
  is_str(NAME(rep("a", 201, "")), NAME_LONG, "201 ASCII characters");
  is_str(NAME(rep("\xC3\xA9", 200, "")), rep("\xC3\xA9", 200, ""), "200 two-byte characters (400 bytes)");
  is_str(NAME(rep("\xC3\xA9", 201, "")), NAME_LONG, "201 two-byte characters");
  is_str(NAME(rep("\xF0\x9F\x98\x80", 200, "")), rep("\xF0\x9F\x98\x80", 200, ""), "200 four-byte characters fit ACCOUNT_NAME_SIZE");
  is_str(NAME(rep("a    ", 100, "")), rep("a ", 99, "a"), "collapsed spaces count once (199 characters)");
  is_str(NAME(rep(" ", 300, "Ada")), "Ada", "long surrounding white space is not counted");
}

static const char PW_SHORT[] = "ERR: Password must be 8 characters or more";
static const char PW_LONG[] = "ERR: Password must be 256 characters or fewer";
static const char PW_COMMON[] = "ERR: Choose a password that is harder to guess: this one is in a list of common passwords";
static const char PW_EMAIL[] = "ERR: Choose a password that is different from your email address";

static void test_password(void) {
  is_str(pw_check("ndtq-vw7k-pq", NULL), "ok", "an uncommon 12-character password");
  is_str(pw_check("", NULL), "ERR: Enter a password", "empty");
  is_str(pw_check(NULL, NULL), "ERR: Enter a password", "NULL");
  is_str(pw_check("xk4-q9z", NULL), PW_SHORT, "7 characters");
  is_str(pw_check("xk4-q9zt", NULL), "ok", "8 characters");
  is_str(pw_check("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", NULL), PW_SHORT,
         "7 two-byte characters (14 bytes) are 7 characters");
  is_str(pw_check("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", NULL), "ok", "8 two-byte characters");
  is_str(pw_check("\xF0\x9F\x94\x91\xF0\x9F\x94\x91\xF0\x9F\x94\x91\xF0\x9F\x94\x91\xF0\x9F\x94\x91\xF0\x9F\x94\x91"
                  "\xF0\x9F\x94\x91",
                  NULL),
         PW_SHORT, "7 emoji (28 bytes) are 7 characters");
  is_str(pw_check(rep("x", 255, "y"), NULL), "ok", "256 characters");
  is_str(pw_check(rep("x", 256, "y"), NULL), PW_LONG, "257 characters");
  is_str(pw_check(rep("\xE2\x82\xAC", 256, ""), NULL), "ok", "256 three-byte characters (768 bytes)");
  is_str(pw_check(rep("\xE2\x82\xAC", 257, ""), NULL), PW_LONG, "257 three-byte characters");
  is_str(pw_check("        ", NULL), "ok", "spaces count and are kept (8 spaces)");
  is_str(pw_check("abc\xFF" "defgh", NULL), "ERR: Password must not include control characters or invalid text",
         "invalid UTF-8");

  is_str(pw_check("password", NULL), PW_COMMON, "'password' is common");
  is_str(pw_check("PassWord", NULL), PW_COMMON, "common in any case");
  is_str(pw_check("12345678", NULL), PW_COMMON, "'12345678' is common");
  is_str(pw_check("iloveyou", NULL), PW_COMMON, "'iloveyou' is common");
  is_str(pw_check("football", NULL), PW_COMMON, "'football' is common");
  is_str(pw_check("password1", NULL), PW_COMMON, "'password1' is common");
  is_str(pw_check("password9x", NULL), "ok", "a variation not in the list is accepted");
  is_str(pw_check("  password\t", NULL), PW_COMMON, "common once surrounding white space is ignored");
  is_str(pw_check("pass word", NULL), "ok", "inner white space makes another password");

  is_str(pw_check("jo.bloggs@example.com", "jo.bloggs@example.com"), PW_EMAIL, "the email address itself");
  is_str(pw_check("Jo.Bloggs@Example.com", " jo.bloggs@example.COM "), PW_EMAIL, "the email address in another case");
  is_str(pw_check("jo.bloggs", "jo.bloggs@example.com"), PW_EMAIL, "the local part");
  is_str(pw_check("JO.BLOGGS", "jo.bloggs@example.com"), PW_EMAIL, "the local part in capitals");
  is_str(pw_check("jo.bloggs!", "jo.bloggs@example.com"), "ok", "more than the local part is fine");
  is_str(pw_check(" jo.bloggs@example.com ", "jo.bloggs@example.com"), PW_EMAIL, "the email address with spaces around");
  is_str(pw_check("jo.bloggs", "not an email"), "ok", "an invalid email address is not compared");

  ok(password_is_common("qwerty") && password_is_common("dragon") && password_is_common("123456") &&
         password_is_common("password"),
     "qwerty, dragon, 123456 and password are in the list");
  ok(password_is_common("QWERTY"), "upper case is lower-cased before the search");
  ok(!password_is_common("correct horse battery staple"), "a long phrase is not in the list");
  ok(!password_is_common(""), "the empty string is not in the list");
  ok(!password_is_common(NULL), "NULL is not in the list");
  ok(!password_is_common(rep("a", 500, "")), "a long password is not in the list");
  is_int(common_passwords_n, 10000, "the list holds 10,000 passwords");
  int sorted = 1;
  for (size_t i = 1; i < common_passwords_n; i++) sorted &= strcmp(common_passwords[i - 1], common_passwords[i]) < 0;
  ok(sorted, "the list is sorted by bytes without repeats (binary search works)");
  int all_found = 1;
  for (size_t i = 0; i < common_passwords_n; i++) all_found &= password_is_common(common_passwords[i]);
  ok(all_found, "every entry of the list is found");
}

static void test_vocab(void) {
  is_str(role_name(ROLE_MEMBER), "member", "role member");
  is_str(role_name(ROLE_ADMIN), "admin", "role admin");
  is_str(role_name(ROLE_OWNER), "owner", "role owner");
  is_str(role_name(ROLE_NONE), "", "role none is \"\"");
  is_str(role_name((Role)9), "", "an unknown role is \"\"");
  ok(ROLE_OWNER > ROLE_ADMIN && ROLE_ADMIN > ROLE_MEMBER && ROLE_MEMBER > ROLE_NONE, "roles are ordered");
  Role r = ROLE_NONE;
  ok(role_parse("admin", &r) == 0 && r == ROLE_ADMIN, "role_parse admin");
  ok(role_parse("owner", &r) == 0 && r == ROLE_OWNER, "role_parse owner");
  ok(role_parse("member", &r) == 0 && r == ROLE_MEMBER, "role_parse member");
  r = ROLE_MEMBER;
  ok(role_parse("Admin", &r) == -1 && r == ROLE_MEMBER, "role_parse is exact (case) and leaves out alone");
  ok(role_parse("", &r) == -1 && role_parse(NULL, &r) == -1 && role_parse("root", &r) == -1,
     "role_parse refuses '', NULL and unknown names");
  for (int i = ROLE_MEMBER; i <= ROLE_OWNER; i++) {
    Role back;
    ok(role_parse(role_name((Role)i), &back) == 0 && back == (Role)i, "role %s round-trips", role_name((Role)i));
  }

  OrgKind k;
  ok(orgkind_parse("buyer", &k) == 0 && k == ORGKIND_BUYER, "orgkind buyer");
  ok(orgkind_parse("supplier", &k) == 0 && k == ORGKIND_SUPPLIER, "orgkind supplier");
  ok(orgkind_parse("vendor", &k) == -1 && orgkind_parse("", &k) == -1, "orgkind unknown");
  is_str(orgkind_name(ORGKIND_BUYER), "buyer", "orgkind_name buyer");
  is_str(orgkind_name(ORGKIND_SUPPLIER), "supplier", "orgkind_name supplier");
  is_str(orgkind_name((OrgKind)0), "", "orgkind_name of 0 is \"\"");

  Sector s;
  ok(sector_parse("public", &s) == 0 && s == SECTOR_PUBLIC, "sector public");
  ok(sector_parse("private", &s) == 0 && s == SECTOR_PRIVATE, "sector private");
  ok(sector_parse("third", &s) == -1 && sector_parse("", &s) == -1, "sector unknown");
  is_str(sector_name(SECTOR_PUBLIC), "public", "sector_name public");
  is_str(sector_name(SECTOR_NONE), "", "sector_name none");

  is_int((int)n_org_sizes, 4, "4 supplier sizes");
  const OrgSize *z = org_size_find("small");
  ok(z && strcmp(z->label, "Small (10 to 49 staff)") == 0, "small: 10 to 49 staff");
  ok(org_size_find("micro") && org_size_find("medium") && org_size_find("large"), "micro, medium, large");
  ok(!org_size_find("Small") && !org_size_find("") && !org_size_find(NULL), "unknown sizes: NULL");
  is_int(n_buyer_types, 11, "11 buyer types");
  const BuyerType *t = buyer_type_find("nhs");
  ok(t && strcmp(t->label, "NHS trust or board") == 0 && t->sector == SECTOR_PUBLIC, "nhs: NHS trust or board, public");
  t = buyer_type_find("council");
  ok(t && strcmp(t->label, "Council") == 0 && t->sector == SECTOR_PUBLIC, "council: public");
  t = buyer_type_find("company");
  ok(t && t->sector == SECTOR_PRIVATE, "company: private");
  t = buyer_type_find("other-private");
  ok(t && t->sector == SECTOR_PRIVATE, "other-private: private");
  ok(buyer_type_find("Council") == NULL && buyer_type_find("") == NULL && buyer_type_find(NULL) == NULL,
     "unknown buyer types: NULL");
  int all = 1;
  for (size_t i = 0; i < n_buyer_types; i++)
    all &= buyer_type_find(buyer_types[i].code) == &buyer_types[i] && buyer_types[i].label[0] &&
           (buyer_types[i].sector == SECTOR_PUBLIC || buyer_types[i].sector == SECTOR_PRIVATE);
  ok(all, "every buyer type is found by its code, has a label and a sector");
  const char *codes[] = {"council", "nhs", "university", "combined-authority", "central-government", "police-fire",
                         "housing", "school", "other-public", "company", "other-private"};
  int found = 1;
  for (size_t i = 0; i < sizeof codes / sizeof *codes; i++) found &= buyer_type_find(codes[i]) != NULL;
  ok(found, "all the agreed codes exist");
}

static const char CH_BAD[] = "ERR: Enter a Companies House number in the correct format, like 01234567 or SC123456";
static const char PPON_BAD[] = "ERR: Enter a PPON in the correct format, like PBCD-1234-ABCD";

static void test_org_numbers(void) {
  is_str(CH("01234567"), "01234567", "8 digits");
  is_str(CH(" sc123456 "), "SC123456", "Scottish, trimmed and upper-cased");
  is_str(CH("NI012345"), "NI012345", "Northern Ireland");
  is_str(CH("OC301234"), "OC301234", "LLP");
  is_str(CH("R0123456"), "R0123456", "old Northern Ireland (R0)");
  is_str(CH("1234567"), "01234567", "7 digits padded to 8");
  is_str(CH("42"), "00000042", "2 digits padded to 8");
  is_str(CH(""), "ERR: Enter your Companies House number", "empty");
  is_str(CH(NULL), "ERR: Enter your Companies House number", "NULL");
  is_str(CH("123456789"), CH_BAD, "9 digits");
  is_str(CH("SC12345"), CH_BAD, "a prefix and 5 digits");
  is_str(CH("S1234567"), CH_BAD, "one letter and 7 digits");
  is_str(CH("SC1234567"), CH_BAD, "a prefix and 7 digits");
  is_str(CH("0123 4567"), CH_BAD, "a space inside");
  is_str(CH("SC12345X"), CH_BAD, "a letter at the end");
  is_str(CH("\xC3\xA9" "C123456"), CH_BAD, "non-ASCII");
  is_str(CH("12345678901234567890"), CH_BAD, "far too long");
  char out[4];
  const char *why = NULL;
  is_int(account_ch_number_check("01234567", out, sizeof out, &why), -1, "out too small: refused");

  is_str(PPON("PBCD-1234-ABCD"), "PBCD-1234-ABCD", "a PPON");
  is_str(PPON("  pmzv-7732-xdtg "), "PMZV-7732-XDTG", "trimmed and upper-cased");
  is_str(PPON("GB-PPON-PBCD-1234-ABCC"), "PBCD-1234-ABCC", "the OCDS scheme prefix is dropped");
  is_str(PPON(""), "ERR: Enter your PPON", "empty");
  is_str(PPON("ABCD-1234-ABCD"), PPON_BAD, "not starting with P");
  is_str(PPON("PBCD1234ABCD"), PPON_BAD, "no hyphens");
  is_str(PPON("PBCD-123-ABCD"), PPON_BAD, "3 digits");
  is_str(PPON("PBCD-1234-ABC1"), PPON_BAD, "a digit in the last group");
  is_str(PPON("PBC1-1234-ABCD"), PPON_BAD, "a digit in the first group");
  is_str(PPON("PBCD-1234-ABCDE"), PPON_BAD, "5 letters at the end");
  is_str(PPON("GB-PPON-"), PPON_BAD, "the prefix alone");
  is_str(PPON("PBCD-1234-ABCD-PBCD-1234-ABCD"), PPON_BAD, "two PPONs");
}

int main(void) {
  test_email();
  test_name();
  test_password();
  test_vocab();
  test_org_numbers();
  return done_testing();
}

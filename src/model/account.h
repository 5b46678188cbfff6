/* account.h -- the rules for what a person types when they make an account
 * or an organisation: email addresses, names, passwords, Companies House
 * numbers and PPONs; and the small closed vocabularies of accounts (roles in
 * an organisation, kinds of organisation, sectors, buyer types).
 *
 * Each check takes what the form sent, and either writes the normalised value
 * (trimmed, case folded, padded) into the caller's out[cap] and returns 0, or
 * returns -1 with *why set to a message in GOV.UK's style: one sentence that
 * tells the person what to do ("Enter your email address", "Password must be
 * 8 characters or more"). The messages are static strings, safe to show; none
 * echoes the input. A NULL input counts as empty. out too small for the
 * normalised value fails like a value that is too long (use the _SIZE macros).
 *
 * Lengths are in characters (Unicode code points), as a person counts them,
 * never in bytes: "é" is one character. Text must be valid UTF-8 (utf8.h).
 *
 * The common-password list (10,000 entries, Xato's, generated at build time
 * into build/gen/common_passwords.c, sorted by bytes) is searched by binary
 * search; it is lower-case ASCII, so a password is lower-cased (ASCII only)
 * before the search: "PASSWORD" and "Password" are as common as "password".
 *
 * The vocabularies are tables of constants; *_name returns a static string
 * and *_parse accepts exactly what *_name returns. No I/O, owns nothing. */
#ifndef ACCOUNT_H
#define ACCOUNT_H

#include <stddef.h>

/* Email: ASCII only, lower-cased, at most 254 characters (RFC 5321's path
 * limit less the angle brackets). ACCOUNT_EMAIL_SIZE is room for one. */
#define ACCOUNT_EMAIL_MAX 254
#define ACCOUNT_EMAIL_SIZE (ACCOUNT_EMAIL_MAX + 1)

/* Trims surrounding white space, lower-cases, checks the shape
 * local@domain.tld: printable ASCII without spaces, one '@', a local part of
 * 1..64 of letters, digits and !#$%&'*+/=?^_`{|}~.- with no leading, trailing
 * or doubled dot; a domain of at least two dot-separated labels of letters,
 * digits and '-' (1..63 each, no leading or trailing '-'), the last at least
 * two characters. Messages: "Enter your email address" (empty), "Email
 * address must be 254 characters or fewer", "Enter an email address in the
 * correct format, like name@example.com". */
int account_email_check(const char *in, char *out, size_t cap, const char **why);

/* Full name: 1..200 characters once trimmed, with every inner run of white
 * space (ASCII white space and no-break space) made one space; valid UTF-8
 * with no other control character (C0, DEL, C1) and none of the invisible
 * characters that reorder or break the text shown around a name
 * (bidirectional controls, U+2028/2029, U+FEFF). ACCOUNT_NAME_SIZE is room for
 * the longest (4 bytes a character). Messages: "Enter your full name", "Name
 * must be 200 characters or fewer", "Name must not include control
 * characters" (also for invalid UTF-8). */
#define ACCOUNT_NAME_MAX 200
#define ACCOUNT_NAME_SIZE (4 * ACCOUNT_NAME_MAX + 1)
int account_name_check(const char *in, char *out, size_t cap, const char **why);

/* Password: valid UTF-8 of 8..256 characters (kept exactly as typed: no
 * trimming, spaces count), not in the common list, not the email address nor
 * its local part (in any case; these two ignore surrounding white space). email may be NULL (no account yet). Messages:
 * "Enter a password", "Password must be 8 characters or more", "Password must
 * be 256 characters or fewer", "Password must not include control characters
 * or invalid text" (NUL cannot occur in a C string; invalid UTF-8 can),
 * "Choose a password that is harder to guess: this one is in a list of common
 * passwords", "Choose a password that is different from your email address". */
#define ACCOUNT_PASSWORD_MIN 8
#define ACCOUNT_PASSWORD_MAX 256
int account_password_check(const char *pw, const char *email, const char **why);

/* 1 when pw, lower-cased (ASCII), is one of the 10,000 common passwords. */
int password_is_common(const char *pw);

/* The list itself (build/gen/common_passwords.c): sorted by bytes, unique. */
extern const char *const common_passwords[];
extern const size_t common_passwords_n;

/* A member's role in an organisation; ordered: a higher role can do all that
 * a lower one can (role >= ROLE_ADMIN). */
typedef enum { ROLE_NONE = 0, ROLE_MEMBER = 1, ROLE_ADMIN = 2, ROLE_OWNER = 3 } Role;
const char *role_name(Role r);            /* "member", "admin", "owner"; "" for NONE or unknown */
int role_parse(const char *s, Role *out); /* 0 ok, -1 unknown (NULL, "", other case) */

typedef enum { ORGKIND_BUYER = 1, ORGKIND_SUPPLIER = 2 } OrgKind;
const char *orgkind_name(OrgKind k);            /* "buyer", "supplier"; "" for unknown */
int orgkind_parse(const char *s, OrgKind *out); /* 0 ok, -1 unknown */

typedef enum { SECTOR_NONE = 0, SECTOR_PUBLIC = 1, SECTOR_PRIVATE = 2 } Sector;
const char *sector_name(Sector s);            /* "public", "private"; "" for NONE or unknown */
int sector_parse(const char *s, Sector *out); /* 0 ok, -1 unknown */

/* Buyer types, in the order a form lists them: code (stored, in URLs), label
 * (shown), and the sector the type implies. Codes: council, nhs, university,
 * combined-authority, central-government, police-fire, housing, school,
 * other-public (public); company, other-private (private). */
typedef struct {
  const char *code, *label;
  Sector sector;
} BuyerType;
extern const BuyerType buyer_types[];
extern const size_t n_buyer_types;
const BuyerType *buyer_type_find(const char *code); /* NULL when unknown */

/* A supplier's size, by its staff: code (stored), label (shown), in the order a
 * form lists them. Codes: micro, small, medium, large. */
typedef struct {
  const char *code, *label;
} OrgSize;
extern const OrgSize org_sizes[];
extern const size_t n_org_sizes;
const OrgSize *org_size_find(const char *code); /* NULL when unknown */

/* Companies House number: trimmed, upper-cased, 8 characters: 8 digits, or a
 * two-letter prefix (SC, NI, OC, SO, NC, LP, ...) or "R0" and 6 digits. A
 * purely numeric number of 1..7 digits is padded to 8 with leading zeros
 * ("1234567" -> "01234567", as Companies House writes it). Messages: "Enter
 * your Companies House number", "Enter a Companies House number in the
 * correct format, like 01234567 or SC123456". out needs 9 bytes. */
#define ACCOUNT_CH_SIZE 9
int account_ch_number_check(const char *in, char *out, size_t cap, const char **why);

/* PPON (Public Procurement Organisation Number, Procurement Act 2023; OCDS
 * scheme GB-PPON): trimmed, upper-cased, "P" + 3 letters, '-', 4 digits, '-',
 * 4 letters: "PBCD-1234-ABCD" (the last letter 'C' marks an informal
 * consortium). A "GB-PPON-" prefix, as OCDS identifiers write it, is
 * accepted and dropped. Messages: "Enter your PPON", "Enter a PPON in the
 * correct format, like PBCD-1234-ABCD". out needs 15 bytes. */
#define ACCOUNT_PPON_SIZE 15
int account_ppon_check(const char *in, char *out, size_t cap, const char **why);

#endif

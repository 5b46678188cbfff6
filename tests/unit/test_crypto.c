/* test_crypto.c -- password hashes, tokens, token hashes, MACs and the
 * constant-time compare (src/base/crypto.c). Each argon2id hash or verify at
 * the real parameters costs 19 MiB and tens of ms (much more under valgrind),
 * so the test makes one real hash and verifies it a few times; the hashes
 * with other parameters are made at libsodium's minimum cost. */
#include "base/crypto.h"

#include <sodium.h>
#include <string.h>
#include <time.h>

#include "../tap.h"

static double cpu_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_password(void) {
  char hash[CRYPTO_PWHASH_MAX];
  Err err = ERR_INIT;
  const char *pw = "correct horse battery staple";
  is_int(crypto_init(), 0, "crypto_init succeeds");
  is_int(crypto_init(), 0, "crypto_init is idempotent");
  is_int(crypto_password_hash(pw, strlen(pw), hash, &err), 0, "a password hashes");
  ok(strncmp(hash, "$argon2id$v=19$m=19456,t=2,p=1$", 31) == 0,
     "the hash is argon2id with OWASP's parameters (19 MiB, 2 passes): %s", hash);
  ok(strlen(hash) < CRYPTO_PWHASH_MAX, "the hash fits CRYPTO_PWHASH_MAX with its NUL");

  is_int(crypto_password_verify(hash, pw, strlen(pw)), 1, "the right password verifies");
  is_int(crypto_password_verify(hash, "correct horse battery stapl", strlen(pw) - 1), 0,
         "a password one character short does not verify");
  is_int(crypto_password_verify(hash, "Correct horse battery staple", strlen(pw)), 0,
         "the password with another case does not verify");
  is_int(crypto_password_needs_rehash(hash), 0, "a fresh hash needs no rehash");

  /* the same password hashes differently (a fresh salt each time); cheap parameters */
  char a[CRYPTO_PWHASH_MAX], b[CRYPTO_PWHASH_MAX];
  ok(crypto_pwhash_str_alg(a, "x", 1, 1, 8192, crypto_pwhash_ALG_ARGON2ID13) == 0 &&
         crypto_pwhash_str_alg(b, "x", 1, 1, 8192, crypto_pwhash_ALG_ARGON2ID13) == 0,
     "cheap argon2id hashes for the tests");
  ok(strcmp(a, b) != 0, "two hashes of one password differ (random salt)");
  is_int(crypto_password_verify(a, "x", 1), 1, "a hash with older parameters still verifies");
  is_int(crypto_password_needs_rehash(a), 1, "a hash with other parameters needs a rehash");
  ok(crypto_pwhash_str_alg(a, "x", 1, 3, 8192, crypto_pwhash_ALG_ARGON2I13) == 0, "a cheap argon2i hash");
  is_int(crypto_password_needs_rehash(a), 1, "an argon2i hash needs a rehash (algorithm changed)");

  /* malformed hashes never match, never crash */
  is_int(crypto_password_verify(NULL, "x", 1), 0, "a NULL hash does not verify");
  is_int(crypto_password_verify("", "x", 1), 0, "an empty hash does not verify");
  is_int(crypto_password_verify("$argon2id$v=19$m=19456,t=2,p=1$", "x", 1), 0, "a truncated hash does not verify");
  is_int(crypto_password_verify("plaintext", "plaintext", 9), 0, "a plain-text 'hash' does not verify");
  char longhash[300];
  memset(longhash, 'a', sizeof longhash - 1);
  longhash[sizeof longhash - 1] = 0;
  memcpy(longhash, hash, strlen(hash));
  is_int(crypto_password_verify(longhash, pw, strlen(pw)), 0, "a hash longer than CRYPTO_PWHASH_MAX does not verify");
  is_int(crypto_password_needs_rehash(longhash), 1, "an over-long hash needs a rehash");
  is_int(crypto_password_needs_rehash("garbage"), 1, "a malformed hash needs a rehash");
  is_int(crypto_password_needs_rehash(NULL), 1, "a NULL hash needs a rehash");

  /* a password with a NUL inside is hashed whole */
  is_int(crypto_password_verify(hash, "correct horse battery staple\0x", strlen(pw) + 2), 0,
         "bytes after a NUL count (length, not C string)");

  /* the dummy verify costs about what a real one does (its first call also
   * makes the dummy hash; the second is timed, against a real verify made
   * after it: the first 19 MiB allocations also pay for page faults) */
  crypto_password_dummy_verify("nobody", 6);
  double t0 = cpu_now();
  crypto_password_dummy_verify("nobody", 6);
  double t_dummy = cpu_now() - t0;
  t0 = cpu_now();
  (void)crypto_password_verify(hash, "nobody", 6);
  double t_verify = cpu_now() - t0;
  ok(t_dummy > 0.3 * t_verify && t_dummy < 3.0 * t_verify + 0.05,
     "a dummy verify takes about the time of a real one (%.1f ms vs %.1f ms)", t_dummy * 1e3, t_verify * 1e3);

  Err e2 = ERR_INIT;
  is_int(crypto_password_hash("", 0, a, &e2), 0, "an empty password still hashes (the length rule is account's)");
  is_int(crypto_password_verify(a, "", 0), 1, "and verifies");
}

static int base64url_only(const char *s) {
  for (; *s; s++)
    if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' ||
          *s == '_'))
      return 0;
  return 1;
}

static void test_token(void) {
  enum { N = 200 };
  static char tok[N][CRYPTO_TOKEN_LEN + 1];
  int len_ok = 1, chars_ok = 1, unique = 1;
  for (int i = 0; i < N; i++) {
    memset(tok[i], '#', sizeof tok[i]);
    crypto_token(tok[i]);
    len_ok &= strlen(tok[i]) == CRYPTO_TOKEN_LEN;
    chars_ok &= base64url_only(tok[i]);
    for (int j = 0; j < i; j++) unique &= strcmp(tok[i], tok[j]) != 0;
  }
  ok(len_ok, "tokens are 43 characters");
  ok(chars_ok, "tokens hold only base64url characters (no padding): %s", tok[0]);
  ok(unique, "200 tokens are all different");
  /* 32 random bytes: the last character carries 4 bits, so it is one of 16 */
  int last_ok = 1;
  for (int i = 0; i < N; i++) last_ok &= strchr("AEIMQUYcgkosw048", tok[i][CRYPTO_TOKEN_LEN - 1]) != NULL;
  ok(last_ok, "tokens decode to exactly 32 bytes (canonical last character)");

  unsigned char r1[32] = {0}, r2[32] = {0};
  crypto_random(r1, sizeof r1);
  crypto_random(r2, sizeof r2);
  ok(memcmp(r1, r2, sizeof r1) != 0, "crypto_random gives different bytes each time");
}

static void test_hash_mac(void) {
  char hex[CRYPTO_HASH_HEX + 1];
  crypto_token_hash("abc", hex);
  is_str(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
         "token hash: SHA-256(\"abc\") (FIPS 180-2), lower-case hex");
  crypto_token_hash("", hex);
  is_str(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "token hash of \"\"");

  char mac[CRYPTO_TOKEN_LEN + 1];
  crypto_mac((const unsigned char *)"Jefe", 4, "what do ya want for nothing?", mac);
  /* 5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843 in base64url */
  is_str(mac, "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM", "HMAC-SHA-256: RFC 4231 test case 2");
  unsigned char key[32];
  crypto_random(key, sizeof key);
  char m1[CRYPTO_TOKEN_LEN + 1], m2[CRYPTO_TOKEN_LEN + 1], m3[CRYPTO_TOKEN_LEN + 1];
  crypto_mac(key, sizeof key, "session-1", m1);
  crypto_mac(key, sizeof key, "session-1", m2);
  crypto_mac(key, sizeof key, "session-2", m3);
  ok(strcmp(m1, m2) == 0 && strcmp(m1, m3) != 0, "a MAC depends on the message, and only on it for one key");
  key[0] ^= 1;
  crypto_mac(key, sizeof key, "session-1", m2);
  ok(strcmp(m1, m2) != 0, "a MAC depends on the key");
}

static void test_equal(void) {
  is_int(crypto_equal("abc", "abc"), 1, "equal strings are equal");
  is_int(crypto_equal("abc", "abd"), 0, "the last byte differs");
  is_int(crypto_equal("xbc", "abc"), 0, "the first byte differs");
  is_int(crypto_equal("abc", "abcd"), 0, "a prefix is not equal");
  is_int(crypto_equal("abcd", "abc"), 0, "a longer string is not equal");
  is_int(crypto_equal("", ""), 1, "two empty strings are equal");
  is_int(crypto_equal(NULL, "abc"), 0, "NULL is never equal");
  is_int(crypto_equal("abc", NULL), 0, "NULL is never equal (second)");
  is_int(crypto_equal(NULL, NULL), 0, "NULL is not equal to NULL");
}

int main(void) {
  test_password();
  test_token();
  test_hash_mac();
  test_equal();
  return done_testing();
}

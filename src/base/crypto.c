/* crypto.c -- libsodium behind crypto.h: argon2id password hashes, random
 * tokens, SHA-256 token hashes, HMAC-SHA-256 MACs, constant-time compare.
 *
 * Initialisation runs once under pthread_once; a function that cannot report
 * an error (crypto_token, crypto_random...) aborts when libsodium cannot
 * start, as Buf does when memory runs out: without a random source the portal
 * must not hand out sessions. */
#include "base/crypto.h"

#include "base/buf.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

_Static_assert(CRYPTO_PWHASH_MAX >= crypto_pwhash_STRBYTES, "CRYPTO_PWHASH_MAX too small");
_Static_assert(CRYPTO_TOKEN_LEN + 1 ==
                   sodium_base64_ENCODED_LEN(CRYPTO_TOKEN_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
               "CRYPTO_TOKEN_LEN is not the base64url length of CRYPTO_TOKEN_BYTES");
_Static_assert(crypto_auth_hmacsha256_BYTES == CRYPTO_TOKEN_BYTES, "a MAC encodes like a token");
_Static_assert(CRYPTO_HASH_HEX == 2 * crypto_hash_sha256_BYTES, "CRYPTO_HASH_HEX");

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_rc = -1;

static void init_run(void) { init_rc = sodium_init() < 0 ? -1 : 0; }

int crypto_init(void) {
  pthread_once(&init_once, init_run);
  return init_rc;
}

static void need_init(void) {
  if (crypto_init() != 0) {
    fputs("crypto: libsodium could not start (no random source)\n", stderr);
    abort();
  }
}

int crypto_password_hash(const char *pw, size_t len, char out[CRYPTO_PWHASH_MAX], Err *err) {
  if (crypto_init() != 0) return err_set(err, ERR_NOMEM, "password hashing is not available: libsodium could not start");
  if (crypto_pwhash_str_alg(out, pw, len, CRYPTO_PWHASH_OPSLIMIT, CRYPTO_PWHASH_MEMLIMIT,
                            crypto_pwhash_ALG_ARGON2ID13) != 0)
    return err_set(err, ERR_NOMEM, "password hashing failed: argon2id could not get its %u MiB of memory",
                   CRYPTO_PWHASH_MEMLIMIT >> 20);
  return 0;
}

/* A hash we are willing to hand to libsodium: NUL-terminated within the room
 * crypto_password_hash gives it. */
static int hash_usable(const char *hash) { return hash && memchr(hash, 0, CRYPTO_PWHASH_MAX) != NULL; }

int crypto_password_verify(const char *hash, const char *pw, size_t len) {
  if (!hash_usable(hash) || crypto_init() != 0) return 0;
  return crypto_pwhash_str_verify(hash, pw, len) == 0;
}

int crypto_password_needs_rehash(const char *hash) {
  static const char prefix[] = "$argon2id$";
  if (!hash_usable(hash) || strncmp(hash, prefix, sizeof prefix - 1) != 0 || crypto_init() != 0) return 1;
  return crypto_pwhash_str_needs_rehash(hash, CRYPTO_PWHASH_OPSLIMIT, CRYPTO_PWHASH_MEMLIMIT) != 0;
}

static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char dummy_hash[CRYPTO_PWHASH_MAX];
static int dummy_ok;

static void dummy_make(void) {
  char pw[CRYPTO_TOKEN_LEN + 1];
  if (crypto_init() != 0) return;
  crypto_token(pw);
  dummy_ok = crypto_password_hash(pw, CRYPTO_TOKEN_LEN, dummy_hash, NULL) == 0;
  sodium_memzero(pw, sizeof pw);
}

void crypto_password_dummy_verify(const char *pw, size_t len) {
  pthread_once(&dummy_once, dummy_make);
  if (dummy_ok) {
    (void)crypto_password_verify(dummy_hash, pw, len);
  } else {
    /* No dummy hash (no memory at the first call): hashing costs the same. */
    char tmp[CRYPTO_PWHASH_MAX];
    (void)crypto_password_hash(pw, len, tmp, NULL);
  }
}

void crypto_token(char out[CRYPTO_TOKEN_LEN + 1]) {
  unsigned char raw[CRYPTO_TOKEN_BYTES];
  crypto_random(raw, sizeof raw);
  sodium_bin2base64(out, CRYPTO_TOKEN_LEN + 1, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(raw, sizeof raw);
}

void crypto_sha256_hex(const void *data, size_t size, char out[CRYPTO_HASH_HEX + 1]) {
  unsigned char h[crypto_hash_sha256_BYTES];
  need_init();
  crypto_hash_sha256(h, data, size);
  sodium_bin2hex(out, CRYPTO_HASH_HEX + 1, h, sizeof h);
}

void crypto_token_hash(const char *token, char out[CRYPTO_HASH_HEX + 1]) {
  crypto_sha256_hex(token, strlen(token), out);
}

void crypto_mac(const unsigned char *key, size_t klen, const char *msg, char out[CRYPTO_TOKEN_LEN + 1]) {
  crypto_auth_hmacsha256_state st;
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  need_init();
  crypto_auth_hmacsha256_init(&st, key, klen);
  crypto_auth_hmacsha256_update(&st, (const unsigned char *)msg, strlen(msg));
  crypto_auth_hmacsha256_final(&st, mac);
  sodium_bin2base64(out, CRYPTO_TOKEN_LEN + 1, mac, sizeof mac, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(&st, sizeof st);
}

int crypto_equal(const char *a, const char *b) {
  if (!a || !b) return 0;
  size_t n = strlen(a);
  if (strlen(b) != n) return 0;
  need_init();
  return sodium_memcmp(a, b, n) == 0;
}

void crypto_random(void *buf, size_t n) {
  need_init();
  randombytes_buf(buf, n);
}

/* ---- encryption at rest ---- */

char *crypto_seal(const unsigned char key[CRYPTO_KEY_BYTES], const char *plain) {
  crypto_init();
  size_t n = strlen(plain), boxed = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + n;
  unsigned char *raw = xmalloc(boxed);
  randombytes_buf(raw, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(raw + crypto_secretbox_NONCEBYTES, (const unsigned char *)plain, n, raw, key);
  size_t prefix = strlen(CRYPTO_SEALED_PREFIX), len = sodium_base64_ENCODED_LEN(boxed, sodium_base64_VARIANT_ORIGINAL);
  char *out = xmalloc(prefix + len);
  memcpy(out, CRYPTO_SEALED_PREFIX, prefix);
  sodium_bin2base64(out + prefix, len, raw, boxed, sodium_base64_VARIANT_ORIGINAL);
  free(raw);
  return out;
}

char *crypto_open(const unsigned char key[CRYPTO_KEY_BYTES], const char *s) {
  crypto_init();
  size_t prefix = strlen(CRYPTO_SEALED_PREFIX);
  if (strncmp(s, CRYPTO_SEALED_PREFIX, prefix) != 0) return xstrdup(s);
  const char *b64 = s + prefix;
  size_t cap = strlen(b64) / 4 * 3 + 3, len = 0;
  unsigned char *raw = xmalloc(cap);
  char *out = NULL;
  if (sodium_base642bin(raw, cap, b64, strlen(b64), NULL, &len, NULL, sodium_base64_VARIANT_ORIGINAL) == 0 &&
      len >= crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
    size_t n = len - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES;
    out = xmalloc(n + 1);
    if (crypto_secretbox_open_easy((unsigned char *)out, raw + crypto_secretbox_NONCEBYTES,
                                   len - crypto_secretbox_NONCEBYTES, raw, key) == 0) {
      out[n] = 0;
    } else {
      free(out);
      out = NULL;
    }
  }
  free(raw);
  return out;
}

static int read_key(const char *path, unsigned char key[CRYPTO_KEY_BYTES]) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t got = read(fd, key, CRYPTO_KEY_BYTES);
  close(fd);
  return got == CRYPTO_KEY_BYTES ? 0 : -2;
}

int crypto_key_file(const char *path, unsigned char key[CRYPTO_KEY_BYTES], Err *err) {
  int rc = read_key(path, key);
  if (rc == -2) return err_set(err, ERR_IO, "the key file %s is shorter than %d bytes", path, CRYPTO_KEY_BYTES);
  if (rc == 0) return 0;
  if (errno != ENOENT) return err_set(err, ERR_IO, "cannot read the key file %s: %s", path, strerror(errno));
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
  int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return err_set(err, ERR_IO, "cannot make the key file %s: %s", path, strerror(errno));
  unsigned char fresh[CRYPTO_KEY_BYTES];
  crypto_random(fresh, sizeof fresh);
  int ok = write(fd, fresh, sizeof fresh) == (ssize_t)sizeof fresh && fsync(fd) == 0;
  close(fd);
  sodium_memzero(fresh, sizeof fresh);
  if (ok && link(tmp, path) != 0 && errno != EEXIST) ok = 0; /* EEXIST: another process's key won */
  unlink(tmp);
  if (!ok || read_key(path, key) != 0) return err_set(err, ERR_IO, "cannot make the key file %s: %s", path, strerror(errno));
  return 0;
}

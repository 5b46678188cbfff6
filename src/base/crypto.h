/* crypto.h -- the portal's cryptography, all of it libsodium's: password
 * hashes, random tokens, the hash of a token the store keeps, CSRF MACs and a
 * constant-time compare. Nothing here is hand-rolled; this module only picks
 * the algorithms and parameters, once, for every caller.
 *
 * Passwords: argon2id (crypto_pwhash_str_alg, ALG_ARGON2ID13) with OWASP's
 * parameters, 2 passes over 19 MiB (m=19456 KiB, t=2, p=1): about 20-60 ms
 * and 19 MiB per hash on one core. That is heavy work: callers run it under
 * the web layer's semaphore (ARCHITECTURE.md, rule 6). The stored string
 * ("$argon2id$v=19$m=19456,t=2,p=1$salt$hash", under CRYPTO_PWHASH_MAX bytes
 * with its NUL) carries its salt and parameters, so verify needs nothing else
 * and needs_rehash tells when the parameters above have moved on.
 *
 * Unknown accounts: a sign-in for an email that has no account calls
 * crypto_password_dummy_verify, which verifies against a hash made once with
 * the current parameters, so "no such user" and "wrong password" take the
 * same time.
 *
 * Tokens (sessions, password resets): 32 random bytes as base64url without
 * padding, CRYPTO_TOKEN_LEN (43) characters of [A-Za-z0-9_-]. The store keeps
 * only crypto_token_hash(token), SHA-256 as 64 lower-case hex digits: a leaked
 * table gives no usable session. A token has 256 bits of entropy, so an
 * unsalted fast hash is enough (a password would not be).
 *
 * CSRF: crypto_mac(key, session id) is HMAC-SHA-256 in base64url (43
 * characters); crypto_equal compares what the form sent with what it should
 * be in time independent of where they differ.
 *
 * Every function initialises libsodium itself (once, thread-safe), so callers
 * need not call crypto_init first; a server calls it at start-up to fail
 * early. Owns nothing but the dummy hash, made on first use and kept. */
#ifndef CRYPTO_H
#define CRYPTO_H

#include <stddef.h>

#include "base/err.h"

/* sodium_init once (thread-safe, idempotent): 0 ok, -1 failed (no usable
 * random source). */
int crypto_init(void);

/* Room for an encoded password hash with its NUL (>= crypto_pwhash_STRBYTES). */
#define CRYPTO_PWHASH_MAX 128

/* The current parameters (OWASP's for argon2id). */
#define CRYPTO_PWHASH_OPSLIMIT 2
#define CRYPTO_PWHASH_MEMLIMIT (19u * 1024u * 1024u)

/* Hashes pw[0..len) (any bytes) with a fresh random salt into out. 0 ok;
 * ERR_NOMEM (with err set) when libsodium could not get the memory. */
int crypto_password_hash(const char *pw, size_t len, char out[CRYPTO_PWHASH_MAX], Err *err);

/* 1 when pw[0..len) matches the stored hash; 0 when it does not, and for a
 * NULL, over-long or malformed hash. */
int crypto_password_verify(const char *hash, const char *pw, size_t len);

/* 1 when hash was not made by crypto_password_hash with the current
 * algorithm and parameters (rehash it at the next successful sign-in), or is
 * malformed; 0 when it is current. */
int crypto_password_needs_rehash(const char *hash);

/* Spends the time of a crypto_password_verify against a real hash, and
 * answers nothing: for sign-ins to accounts that do not exist. */
void crypto_password_dummy_verify(const char *pw, size_t len);

/* base64url, no padding, of 32 random bytes. */
#define CRYPTO_TOKEN_LEN 43
#define CRYPTO_TOKEN_BYTES 32
void crypto_token(char out[CRYPTO_TOKEN_LEN + 1]);

/* SHA-256 of the NUL-terminated token, 64 lower-case hex digits: what the
 * store keeps instead of a token. */
#define CRYPTO_HASH_HEX 64
void crypto_token_hash(const char *token, char out[CRYPTO_HASH_HEX + 1]);
/* SHA-256 of data[0..size), 64 lower-case hex digits (a document's address). */
void crypto_sha256_hex(const void *data, size_t size, char out[CRYPTO_HASH_HEX + 1]);

/* HMAC-SHA-256 of the NUL-terminated msg under key[0..klen) (any length; 32
 * random bytes is right), base64url without padding. */
void crypto_mac(const unsigned char *key, size_t klen, const char *msg, char out[CRYPTO_TOKEN_LEN + 1]);

/* 1 when the C strings a and b are equal. Strings of equal length are compared
 * in constant time (sodium_memcmp); different lengths return 0 at once (the
 * length of a token is no secret); NULL is never equal to anything. */
int crypto_equal(const char *a, const char *b);

/* n bytes from the operating system's random source (randombytes_buf). */
void crypto_random(void *buf, size_t n);


/* Encryption at rest of what must be kept but must not be readable in a copy
 * of the database (the outbox holds mails with sign-in links until they are
 * delivered): crypto_secretbox (XSalsa20-Poly1305) under a key kept OUTSIDE
 * the store, in a file (crypto_key_file). A sealed text is "ph1:" followed by
 * base64 of the random nonce and the box. */
#define CRYPTO_KEY_BYTES 32
#define CRYPTO_SEALED_PREFIX "ph1:"
/* The sealed form of plain (malloc'd; the caller frees it). */
char *crypto_seal(const unsigned char key[CRYPTO_KEY_BYTES], const char *plain);
/* The plain text of s (malloc'd): opened when s is sealed, a copy when it is
 * not; NULL when it is sealed and cannot be opened (another key, altered). */
char *crypto_open(const unsigned char key[CRYPTO_KEY_BYTES], const char *s);
/* The key in the file at path, made when the file is missing: 32 random
 * bytes written to a temporary file (mode 0600) and linked into place, so
 * that of two processes making it at once both end with the same key. */
int crypto_key_file(const char *path, unsigned char key[CRYPTO_KEY_BYTES], Err *err);

#endif

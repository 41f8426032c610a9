/*
 * sign: device authentication of the kiosk <-> central protocol
 * (docs/sync-protocol.md, section 2), shared by the kiosk's sync engine,
 * which signs, and kiosk-central-sim, which checks.
 *
 * The signature is HMAC-SHA256, keyed with the kiosk's 32-byte secret, over
 *   METHOD \n PATH?QUERY \n TIME \n NONCE \n hex(SHA-256(body))
 * written as 64 lowercase hex digits. libsodium provides the primitives and
 * the randomness; it is initialised on first use (thread-safe).
 * Secrets and MACs are compared in constant time. Nothing here logs.
 */
#ifndef KIOSK_SIGN_H
#define KIOSK_SIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIGN_SECRET_LEN 32 /* bytes of a kiosk secret */
#define SIGN_HEX_LEN 64    /* hex digits of a signature or a body hash */
#define SIGN_NONCE_LEN 32  /* hex digits of a nonce */
#define SIGN_WHY_MAX 96

/*
 * Read the secret file PATH: 64 hexadecimal digits (either case), optional
 * white space around them, nothing else. OUT gets the 32 bytes.
 * Returns 0, or -1 with a reason in WHY (WHY_LEN bytes, may be 0) that
 * never quotes the file's content ("cannot open: No such file or directory",
 * "not 64 hexadecimal digits"). The file's bytes are wiped from memory.
 */
int sign_load_secret(const char *path, uint8_t out[SIGN_SECRET_LEN], char *why, size_t why_len);

/* HEX (65 bytes) gets the lowercase hex SHA-256 of BODY[0..LEN) (BODY may
 * be NULL when LEN is 0) and a NUL. */
void sign_body_hash(const void *body, size_t len, char hex[SIGN_HEX_LEN + 1]);

/* NONCE (33 bytes) gets 32 fresh random lowercase hex digits and a NUL. */
void sign_nonce(char nonce[SIGN_NONCE_LEN + 1]);

/*
 * SIG (65 bytes) gets the signature of one HTTP request: METHOD ("POST"),
 * PATH (with its query, exactly as sent), TIME (epoch s), NONCE (as sent)
 * and BODY_HASH (sign_body_hash() of the body). Returns 0, or -1 when the
 * string to sign would exceed 4 KiB (SIG is then "").
 */
int sign_request(const uint8_t secret[SIGN_SECRET_LEN], const char *method, const char *path,
		 int64_t time, const char *nonce, const char *body_hash, char sig[SIGN_HEX_LEN + 1]);

/* A and B (NUL-terminated) are equal strings, compared in time that does
 * not depend on where they differ (only on their lengths). */
bool sign_equal(const char *a, const char *b);

/* S is exactly N lowercase hex digits. */
bool sign_is_hex(const char *s, size_t n);

#endif

/*
 * csim_auth: device authentication of the sim (docs/sync-protocol.md,
 * section 2): the registered kiosks and their secrets, and the check of the
 * four X-Kiosk-* headers of one call. The nonce replay check needs the
 * database and lives in the store (csim_store_nonce()); everything else is
 * here and pure: no I/O, no logging.
 *
 * The kiosk list is filled at start-up from the database and is read-only
 * while the server runs, so checks need no lock.
 */
#ifndef CSIM_AUTH_H
#define CSIM_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sign.h"

#define CSIM_KIOSK_ID_MAX 33 /* 1-32 of A-Z a-z 0-9 - and a NUL */

typedef struct csim_kiosks csim_kiosks;

typedef enum csim_auth_result {
	CSIM_AUTH_OK,
	CSIM_AUTH_UNKNOWN_KIOSK, /* 401 unknown_kiosk: no such id, or disabled */
	CSIM_AUTH_BAD_SIGNATURE, /* 401 bad_signature: header missing or malformed, HMAC differs */
	CSIM_AUTH_STALE,         /* 401 stale_signature: X-Kiosk-Time more than skew away */
} csim_auth_result;

/* An empty list; NULL when out of memory. */
csim_kiosks *csim_kiosks_new(void);

/* Wipe the secrets, free *K (may be NULL), set it to NULL. */
void csim_kiosks_free(csim_kiosks **k);

/* Add kiosk ID (csim_kiosk_id_ok()) with SECRET, or replace its secret and
 * flag. Returns 0, or -1 for a bad id or no memory (list unchanged). */
int csim_kiosks_add(csim_kiosks *k, const char *id, const uint8_t secret[SIGN_SECRET_LEN], bool enabled);

/* Number of kiosks in the list. */
size_t csim_kiosks_count(const csim_kiosks *k);

/* ID is a kiosk id: 1-32 of A-Z a-z 0-9 and '-'. NULL is not. */
bool csim_kiosk_id_ok(const char *id);

/* One call as it arrived. Header values are NULL when absent. */
typedef struct csim_auth_in {
	const char *method; /* "POST" */
	const char *uri;    /* path and query exactly as sent */
	const char *id, *time, *nonce, *sig;
	const void *body; /* LEN bytes, may be NULL when LEN is 0 */
	size_t len;
	int64_t now;  /* the server's clock, epoch s (csim_now(): with --clock-offset) */
	int64_t skew; /* seconds allowed between X-Kiosk-Time and NOW */
} csim_auth_in;

/*
 * Check IN against K, in this order: the id is present and well formed
 * (else BAD_SIGNATURE), registered and enabled (UNKNOWN_KIOSK); time, nonce
 * and signature are present and well formed and the HMAC matches, compared
 * in constant time (BAD_SIGNATURE); the time is within SKEW of NOW (STALE).
 * Never blocks.
 */
csim_auth_result csim_auth_check(const csim_kiosks *k, const csim_auth_in *in);

/* The protocol's code for R ("bad_signature") and an English message; "" /
 * "" for CSIM_AUTH_OK. Static storage. */
const char *csim_auth_code(csim_auth_result r);
const char *csim_auth_message(csim_auth_result r);

#endif

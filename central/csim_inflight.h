/*
 * csim_inflight: the idempotency keys being processed right now, so that a
 * second call with the same (kiosk, key) while the first is still running is
 * answered 409 idempotency_in_flight instead of being processed twice
 * (docs/sync-protocol.md, section 3).
 *
 * A key is claimed before a call's answer is looked up or computed and
 * released only after its transaction committed or rolled back: a call that
 * finds the key free therefore also finds the stored answer of any earlier
 * call. In memory only: after a restart nothing can be in flight.
 * Thread-safe (one mutex); nothing blocks beyond that mutex.
 */
#ifndef CSIM_INFLIGHT_H
#define CSIM_INFLIGHT_H

#include <stdbool.h>

typedef struct csim_inflight csim_inflight;

/* A new, empty set; NULL when out of memory. Free with csim_inflight_free(). */
csim_inflight *csim_inflight_new(void);

/* Free *S (may be NULL) and set it to NULL. No claim may be outstanding. */
void csim_inflight_free(csim_inflight **s);

/* Claim (KIOSK, KEY): true when it was free and is now held by the caller,
 * false when another call holds it (or memory ran out: the caller then
 * answers 409 and the kiosk retries later, which is safe). */
bool csim_inflight_claim(csim_inflight *s, const char *kiosk, const char *key);

/* Release a claim made by csim_inflight_claim(); a pair not held is ignored. */
void csim_inflight_release(csim_inflight *s, const char *kiosk, const char *key);

#endif

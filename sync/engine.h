/*
 * engine: the sync engine, on its own thread. It drains the outbox to the
 * central service exactly once (docs/sync-protocol.md), pulls the changes
 * made centrally and applies them to local requests, purges expired personal
 * data, and publishes its state for the UI. The UI thread never waits for
 * it: sync_kick() and sync_get_status() only touch a mutex-guarded snapshot.
 *
 * The thread owns its own queue handle (queue.h) on the same SQLite file
 * and one http_client. Its loop:
 *   recover in_flight entries (once) ->
 *   claim a batch (queue_outbox_claim) -> send each with its key, signed ->
 *   classify the answer (answer.h) -> settle the batch in one transaction
 *   (a retry stops the batch: the rest go back unsent) ->
 *   when the outbox is empty or waiting: pull changes (every poll_ms, and
 *   at once after a kick), purge (hourly), checkpoint ->
 *   sleep until kicked, the next entry is due, or poll_ms.
 * An officer's certificate lookup (sync_lookup_start()) wakes the thread
 * and runs before the next batch (and between pages of changes).
 * Backoff: after a failed attempt n (1, 2, ...) the entry waits a uniform
 * random time in [0, min(retry_cap_ms, retry_base_ms * 2^(n-1))].
 *
 * Logs go through the log callback: one line per state change (online /
 * offline / authentication refused), per dead letter and per bad answer,
 * with tickets, seq numbers and codes only: never a payload.
 */
#ifndef KIOSK_ENGINE_H
#define KIOSK_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "sign.h"

typedef enum sync_log_level { SYNC_LOG_ERROR, SYNC_LOG_WARN, SYNC_LOG_INFO, SYNC_LOG_DEBUG } sync_log_level;

typedef struct sync_opts {
	const char *db_path;      /* the kiosk's store (queue_open), copied */
	const char *base_url;     /* "[central] url", copied */
	const char *kiosk_id;     /* copied */
	uint8_t secret[SIGN_SECRET_LEN];
	const char *pin;          /* pinned public key or NULL, copied */
	const char *ca_file;      /* or NULL, copied */
	int connect_timeout_ms;   /* 0 = 5000 */
	int total_timeout_ms;     /* 0 = 15000 */
	int retry_base_ms;        /* 0 = 1000 */
	int retry_cap_ms;         /* 0 = 300000 */
	int batch_max;            /* entries claimed at once, 0 = 32 (1..256) */
	int poll_ms;              /* pull changes / idle wake-up, 0 = 30000 */
	int retention_days;       /* queue_purge(); 0 = never purge */
	/* Control runs of the exactly-once test only: send a fresh random key
	 * with every attempt instead of the entry's own. Never in production. */
	bool no_idempotency;
	/* Called from the engine thread; may be NULL. */
	void (*log)(void *ctx, sync_log_level level, const char *line);
	void *log_ctx;
	/* Called from the engine thread after the published status changed
	 * (wake the UI loop); must not block; may be NULL. */
	void (*notify)(void *ctx);
	void *notify_ctx;
} sync_opts;

/* What the UI and diagnostics show. No personal data. */
typedef struct sync_status {
	bool running;
	bool contacted;       /* an exchange has been tried since start (online is known) */
	bool online;          /* the last exchange got an HTTP answer from the service */
	bool auth_refused;    /* the last answer was a 401: check clock and secret */
	int64_t pending;      /* outbox entries pending + in flight */
	int64_t dead;         /* dead letters */
	int64_t sent;         /* entries settled done since start */
	int64_t last_success; /* epoch s of the last settled exchange, 0 = never */
	int64_t pulls;        /* full reads of the change feed since start */
	bool feed_behind;     /* entries delivered since the last full read of the feed */
	char last_error[160]; /* the latest failure's reason, "" after a success */
} sync_status;

typedef struct sync_engine sync_engine;

/* One certificate a lookup found (no subject: that is a name). */
typedef struct sync_cert {
	char serial[64];   /* upper-case hex, as desk_request_revocation() takes it */
	char issuer[32];   /* "BSrE" */
	char status[16];   /* "valid" or "revoked" */
	int64_t not_after; /* epoch s */
} sync_cert;

typedef enum sync_lookup_state {
	SYNC_LOOKUP_IDLE,    /* no job since the last clear */
	SYNC_LOOKUP_RUNNING, /* asked, not answered yet */
	SYNC_LOOKUP_DONE,    /* answered: N certificates (0: the NIK owns none) */
	SYNC_LOOKUP_FAILED,  /* no usable answer: ERROR says why */
} sync_lookup_state;

/* The certificate lookup's result. No personal data. */
typedef struct sync_lookup {
	sync_lookup_state state;
	int n;               /* DONE: certificates in CERTS, valid ones first */
	sync_cert certs[8];
	char error[160];     /* FAILED: "central service unreachable (network: ...)", ... */
} sync_lookup;

/*
 * Start the engine thread. Opens its own queue handle and http client
 * first, so a bad path or URL fails here. Returns 0 and *OUT, or -1 with a
 * reason in WHY (WHY_LEN bytes; no secret, no personal data).
 */
int sync_start(sync_engine **out, const sync_opts *o, char *why, size_t why_len);

/* Something new is in the outbox (or a change is wanted): work now. Never blocks. */
void sync_kick(sync_engine *e);

/* Copy the latest published status. Never blocks for more than a copy. */
void sync_get_status(sync_engine *e, sync_status *out);

/*
 * Certificate lookup for an officer (POST /v1/certificates/lookup): does
 * the applicant with NIK own certificates, and which? The network call
 * runs on the engine thread, between outbox batches, signed like every
 * call, and the engine wakes itself for it; the UI never waits: it polls
 * sync_lookup_get() when the notify callback fires.
 * sync_lookup_start(): NIK (16 digits) is copied (wiped once the call is
 * built); returns 0, or -1 for a NIK that is not 16 digits or while a job
 * is RUNNING (one at a time). Never blocks beyond the engine's mutex.
 * sync_lookup_get(): copies the result into *OUT (OUT, not NULL).
 * sync_lookup_clear(): forgets the NIK and the result (state IDLE); a job
 * still on the wire then ends unseen. Call it when the officer leaves the
 * case. The holder's name in the answer is never kept; a failure's ERROR
 * names the cause only ("central service unreachable (network: ...)",
 * "bad answer from the central service: ...", "refused by the central
 * service (HTTP 400 invalid_body)"), and is logged as such.
 */
int sync_lookup_start(sync_engine *e, const char *nik);
void sync_lookup_get(sync_engine *e, sync_lookup *out);
void sync_lookup_clear(sync_engine *e);

/* Stop the thread (an exchange in progress ends within its timeout; the
 * batch is settled first or left in_flight for the next start), close
 * everything, wipe the secret, free *E and set it NULL. *E may be NULL. */
void sync_stop(sync_engine **e);

#endif

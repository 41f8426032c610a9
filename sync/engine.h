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
	char last_error[160]; /* the latest failure's reason, "" after a success */
} sync_status;

typedef struct sync_engine sync_engine;

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

/* Stop the thread (an exchange in progress ends within its timeout; the
 * batch is settled first or left in_flight for the next start), close
 * everything, wipe the secret, free *E and set it NULL. *E may be NULL. */
void sync_stop(sync_engine **e);

#endif

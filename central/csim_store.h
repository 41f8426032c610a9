/*
 * csim_store: the sim's SQLite database (central/README.md, "Database").
 *
 * It holds what kiosks sent (requests byte for byte, events, complaints and
 * their notes, surveys, revocations), the idempotency keys with their stored answers,
 * the nonces of the last 600 s, the registered kiosks, the central state of
 * each ticket, the change feed per kiosk, the certificate holders (made-up
 * people seeded at first start, csim_seed.c), the holidays, and the
 * notifications the service would have sent.
 *
 * Concurrency: ONE connection behind ONE mutex. Every authenticated call
 * writes (at least its nonce), and SQLite admits one writer at a time
 * anyway, so a connection per thread would buy no parallelism, only
 * SQLITE_BUSY retries; one connection also lets every statement be
 * prepared once and reused (csim_store_stmt()). The database is in WAL
 * mode with synchronous=FULL, like the kiosk's, so a 201 is durable, and
 * readers in other processes (tests) never block the sim.
 *
 * Calling convention: csim_store_begin() takes the mutex and opens a write
 * transaction; csim_store_commit() or csim_store_rollback() ends both. All
 * other functions except open/close must be called between them, by the
 * thread that began. Functions returning int give 0 on success (or a count,
 * or 1 for "found"/"exists" where said) and -1 when SQLite failed; the
 * caller then rolls back and answers 500. Nothing here logs.
 */
#ifndef CSIM_STORE_H
#define CSIM_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "complaint.h"
#include "csim_auth.h"
#include "rstate.h"
#include "sign.h"

typedef struct csim_store csim_store;

/*
 * Open (create) the database at PATH, create the schema, and seed the
 * certificate holders and the holidays (2026, 2027) when it is new: each
 * year from HOLIDAYS_DIR/YYYY.txt when that file exists, else a few
 * built-in days. Prunes idempotency keys older than 35 days. Returns the
 * store, or NULL with a reason in WHY (WHY_LEN bytes). Blocks on disk I/O.
 */
csim_store *csim_store_open(const char *path, const char *holidays_dir, char *why, size_t why_len);

/* Close *S (may be NULL) and set it to NULL. No transaction may be open. */
void csim_store_close(csim_store **s);

/* Lock and BEGIN IMMEDIATE. Returns 0, or -1 (then not locked). Blocks on
 * the mutex and up to the busy timeout. */
int csim_store_begin(csim_store *s);
/* COMMIT and unlock. Returns 0, or -1 (then rolled back; unlocked either way). */
int csim_store_commit(csim_store *s);
/* ROLLBACK and unlock. */
void csim_store_rollback(csim_store *s);
/* A savepoint inside the transaction; undo rolls back to it, release keeps
 * its work. Both end it. */
int csim_store_savepoint(csim_store *s);
void csim_store_undo(csim_store *s);
int csim_store_release(csim_store *s);

/* ---- kiosks and nonces --------------------------------------------------------- */

/* Insert kiosk ID with SECRET (enabled), or replace its secret and enable it. */
int csim_store_kiosk_put(csim_store *s, const char *id, const uint8_t secret[SIGN_SECRET_LEN], int64_t now);
/* Add every kiosk of the database to K (enabled or not). Returns the count. */
int csim_store_kiosks_load(csim_store *s, csim_kiosks *k);

/* Record NONCE of KIOSK seen at NOW. Returns 0 when fresh, 1 when the kiosk
 * used it within the last WINDOW seconds (a replay), -1 on error. Prunes
 * expired nonces about once a minute. */
int csim_store_nonce(csim_store *s, const char *kiosk, const char *nonce, int64_t now, int64_t window);

/* ---- idempotency ----------------------------------------------------------------- */

typedef struct csim_idem {
	char hash[SIGN_HEX_LEN + 1]; /* SHA-256 of the body first sent with the key */
	int status;
	char *body; /* malloc()ed stored answer (NUL-terminated), LEN bytes; caller frees */
	size_t len;
} csim_idem;

/* The answer stored for (KIOSK, KEY): 1 and *OUT, 0 when none, -1. */
int csim_store_idem_get(csim_store *s, const char *kiosk, const char *key, csim_idem *out);
/* Store the answer (STATUS, BODY[0..LEN)) of (KIOSK, KEY) whose body hash was HASH. */
int csim_store_idem_put(csim_store *s, const char *kiosk, const char *key, const char *hash, int status,
			const char *body, size_t len, int64_t now);

/* ---- requests, tickets, events, the change feed, notifications -------------------- */

/* The central state of TICKET and the kiosk that first submitted it
 * (OWNER, may be NULL): 1, 0 when unknown, -1. */
int csim_store_ticket_get(csim_store *s, const char *ticket, rstate *state, char owner[CSIM_KIOSK_ID_MAX]);
int csim_store_ticket_set(csim_store *s, const char *ticket, rstate state, int64_t now);

/* Store a request's body PAYLOAD[0..LEN) byte for byte and, when TICKET is
 * new, its central state "received" owned by KIOSK. Returns the row id (> 0)
 * or -1. */
int64_t csim_store_request_add(csim_store *s, const char *kiosk, const char *ticket, const char *key,
			       const void *payload, size_t len, int64_t now);
/* The first stored body of TICKET: 1 and *PAYLOAD (malloc()ed, NUL-terminated,
 * *LEN bytes; caller wipes and frees), 0 when none, -1. */
int csim_store_request_payload(csim_store *s, const char *ticket, char **payload, size_t *len);

typedef struct csim_event_row {
	const char *ticket;
	rstate from, to; /* from: the central state the move started from */
	rrole role;
	const char *actor, *reason;
	int64_t at;
	const char *kiosk_id; /* the kiosk that sent it, NULL for a central move */
	const char *idem_key; /* NULL for a central move */
	const char *payload;  /* the body as sent (PAYLOAD_LEN bytes), NULL for a central move */
	size_t payload_len;
	int64_t received_at;
} csim_event_row;

/* Append E to the event history; the row id or -1. */
int64_t csim_store_event_add(csim_store *s, const csim_event_row *e);

/* Append a change of TYPE ("event", "notification") about TICKET to KIOSK's
 * feed; DATA is its JSON ("event" object, or the notification's fields).
 * Returns its seq (> 0) or -1. */
int64_t csim_store_change_add(csim_store *s, const char *kiosk, const char *ticket, const char *type,
			      const char *data, int64_t now);

typedef struct csim_note_row {
	const char *ticket;
	const char *channel;   /* "sms" or "email" */
	const char *kind;      /* "received", "certificate_revoked", "rejected", "data_changed" */
	const char *recipient; /* phone or address ("" when unknown): personal data, DB only */
	const char *text;      /* the words it would send (< 256 bytes, no personal data) */
	const char *cause;     /* what made it ("request", "revocation", "event", "sim_event") */
	int64_t at;
	const char *feed_kiosk; /* add it to this kiosk's feed too; NULL: do not */
} csim_note_row;

/* Record a notification the service would send (and its feed change). */
int csim_store_notify(csim_store *s, const csim_note_row *n);

/* Called for each change of a page, in seq order; non-zero stops. DATA as
 * stored by csim_store_change_add(). */
typedef int (*csim_change_fn)(void *ctx, int64_t seq, const char *type, const char *ticket, const char *data);

/* Call FN for KIOSK's changes with seq > SINCE, at most LIMIT of them;
 * *MORE (OUT) says whether more follow. Returns the number given to FN, -1. */
int csim_store_changes(csim_store *s, const char *kiosk, int64_t since, int limit, csim_change_fn fn,
		       void *ctx, bool *more);

/* ---- certificates and revocations --------------------------------------------------- */

typedef struct csim_cert {
	char serial[72];
	char subject[128];
	char issuer[32];
	char status[16]; /* "valid" or "revoked" */
	int64_t not_after;
	int64_t revoked_at; /* 0 when valid */
	char email[128];    /* the holder's, personal data: notifications only */
	char phone[32];
} csim_cert;

typedef int (*csim_cert_fn)(void *ctx, const csim_cert *c);

/* Call FN for each certificate of the holder with NIK, by serial. Returns the
 * count (0 when the NIK owns none or is unknown) or -1. */
int csim_store_certs_by_nik(csim_store *s, const char *nik, csim_cert_fn fn, void *ctx);
/* The certificate SERIAL: 1 and *OUT, 0 when unknown, -1. */
int csim_store_cert_get(csim_store *s, const char *serial, csim_cert *out);

typedef struct csim_revocation_row {
	const char *serial, *ticket, *kiosk_id, *reason, *actor, *idem_key;
	int64_t at, revoked_at;
	const char *payload;
	size_t payload_len;
} csim_revocation_row;

/* Mark the certificate revoked at R->revoked_at and record the revocation. */
int csim_store_revoke(csim_store *s, const csim_revocation_row *r);

/* ---- complaints, surveys, holidays, counts -------------------------------------------- */

typedef struct csim_complaint_row {
	const char *number, *kiosk_id, *category, *text, *ticket, *contact, *idem_key;
	int64_t at, received_at;
	const char *payload;
	size_t payload_len;
} csim_complaint_row;

/* Store a complaint: 0, or 1 when its number is already stored (nothing
 * written), or -1. */
int csim_store_complaint_add(csim_store *s, const csim_complaint_row *c);

/* The complaint NUMBER: 1 with the kiosk that filed it in OWNER and its
 * central state in *STATE (the state after its newest note, COMPLAINT_OPEN
 * before the first), 0 when no complaint has this number (OWNER and *STATE
 * untouched), -1 (also when a stored state is not a complaint state). */
int csim_store_complaint_get(csim_store *s, const char *number, char owner[CSIM_KIOSK_ID_MAX],
			     complaint_state *state);

typedef struct csim_complaint_note_row {
	const char *number;         /* a stored complaint's */
	const char *kind, *role;    /* wire names: "response", "officer" */
	const char *actor, *text;
	complaint_state state;      /* the complaint's state after the note */
	const char *kiosk_id, *idem_key;
	int64_t at, received_at;
	const char *payload; /* the body as sent, PAYLOAD_LEN bytes */
	size_t payload_len;
} csim_complaint_note_row;

/* Append note N; with it the complaint moves to N->state, since a
 * complaint's state is that of its newest note: one row, so the note and the
 * move are stored together or not at all. The caller has checked the move
 * against the state read by csim_store_complaint_get() in the same
 * transaction (nothing else writes in between). Returns 0, or -1 (also
 * when N->state is not a complaint state; nothing written). */
int csim_store_complaint_note_add(csim_store *s, const csim_complaint_note_row *n);

typedef struct csim_survey_row {
	const char *kiosk_id, *ticket, *scores, *comment, *idem_key; /* scores: compact JSON */
	int64_t at, received_at;
	const char *payload;
	size_t payload_len;
} csim_survey_row;

/* Store a survey; its id (> 0) or -1. */
int64_t csim_store_survey_add(csim_store *s, const csim_survey_row *v);

typedef int (*csim_holiday_fn)(void *ctx, const char *date, const char *kind, const char *name);

/* Call FN for each day of YEAR by date. Returns the count (0: the year is
 * unknown) or -1. */
int csim_store_holidays(csim_store *s, int year, csim_holiday_fn fn, void *ctx);

typedef struct csim_store_counts {
	int64_t requests, tickets, events, notifications, complaints, surveys, revocations, changes, keys;
} csim_store_counts;

int csim_store_counts_get(csim_store *s, csim_store_counts *out);

#endif

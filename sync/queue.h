/*
 * queue: the kiosk's durable request store and the start of its offline
 * outbox, in one SQLite file.
 *
 * A citizen's submitted request must survive a power cut the moment the
 * receipt prints, whether or not the network is up. queue_submit() writes
 * the request, its first history event (draft -> queued) and an outbox
 * entry for the central service in ONE transaction on a WAL database with
 * synchronous=FULL: when it returns QUEUE_OK the request is on disk, and
 * when it fails nothing of it is. The sync engine (a later issue) drains
 * the outbox in its local order (outbox.seq, never the wall clock) and
 * sends each entry with its idempotency key, generated in the same
 * transaction as the record it carries, so a resend after a lost reply is
 * recognised by the central service. State changes decided elsewhere
 * (officer screens, the central service's replies) arrive through
 * queue_append_event(), checked against the state machine in rstate.h.
 *
 * The schema is versioned with PRAGMA user_version and migrated by
 * queue_open(); a file written by a newer kiosk is refused, never
 * "upgraded" downwards. SQLite and jansson stay inside sync/: this header
 * shows neither. No error name and no log line carries personal data.
 *
 * Threads: a queue handle must not be used by two threads at once. Each
 * thread that needs the store (the UI thread, later the sync thread) opens
 * its own handle on the same file; WAL lets readers run beside a writer,
 * and writers wait for each other up to busy_timeout_ms.
 *
 * Blocking: every call below except queue_err_name() and
 * queue_status_wipe() reads or writes the file. Writes end with an fsync of
 * the WAL (one per transaction, and at times a checkpoint that syncs the
 * database too); a call may also wait up to busy_timeout_ms for another
 * connection's write lock.
 */
#ifndef KIOSK_QUEUE_H
#define KIOSK_QUEUE_H

#include <stdbool.h>
#include <stdint.h>

#include "req.h"
#include "rstate.h"
#include "ticket.h"

typedef enum queue_err {
	QUEUE_OK = 0,
	QUEUE_ERR_NOMEM,      /* an allocation failed */
	QUEUE_ERR_IO,         /* the file cannot be opened, read or written, is not a
				 database, is corrupt, or holds values this code cannot read */
	QUEUE_ERR_BUSY,       /* another connection held the write lock for longer than
				 busy_timeout_ms: nothing was written, try again */
	QUEUE_ERR_FULL,       /* the disk (or opts.max_page_count) is full: nothing was written */
	QUEUE_ERR_VERSION,    /* the file's schema is newer than this kiosk knows */
	QUEUE_ERR_DUP_TICKET, /* a request with this ticket exists: draw a new ticket, retry */
	QUEUE_ERR_NOT_FOUND,  /* no such request (or, for lookups, the NIK digits differ) */
	QUEUE_ERR_STATE,      /* the move is not allowed from the request's stored state */
	QUEUE_ERR_INVALID,    /* an argument breaks the call's contract (see each call) */
} queue_err;

typedef struct queue queue; /* an open store: one per thread */

/*
 * Take (HOLD true) or release (false) the database's write lock on this
 * connection without writing anything, as another writer would hold it.
 * For the technician's storage check and for tests of what a citizen sees
 * when the store is busy. Returns QUEUE_OK, QUEUE_ERR_BUSY (someone else
 * holds it), QUEUE_ERR_INVALID (already held / not held), QUEUE_ERR_IO.
 */
queue_err queue_hold_write_lock(queue *q, bool hold);

/* Name of E for logs ("database busy"); never NULL, never personal data. */
const char *queue_err_name(queue_err e);

#define QUEUE_SCHEMA_VERSION 5 /* the user_version queue_open() migrates to */
#define QUEUE_BUSY_TIMEOUT_DEFAULT_MS 2000
#define QUEUE_EVENTS_MAX 32 /* events a status holds (rstate has no cycles: a
			       history has at most RSTATE_COUNT - 1 events) */
#define QUEUE_NOTES_MAX 8   /* notifications a status holds (the newest) */

typedef struct queue_opts {
	/* How long a call waits for another connection's lock before it gives
	 * QUEUE_ERR_BUSY; 0 means QUEUE_BUSY_TIMEOUT_DEFAULT_MS. */
	int busy_timeout_ms;
	/* Largest size of the file in pages (of 4096 bytes): a write beyond it
	 * fails with QUEUE_ERR_FULL, as on a full disk. 0 = no limit (tests use
	 * small values to simulate a full disk). Not stored in the file. */
	int64_t max_page_count;
	/* true: this connection never checkpoints the WAL by itself (SQLite's
	 * automatic checkpoint would otherwise land, every ~1000 pages, inside
	 * some citizen's submit); the owner calls queue_checkpoint() when nobody
	 * waits (the UI after a session ends, later the sync thread). */
	bool manual_checkpoint;
} queue_opts;

/*
 * Open the store at PATH (not NULL), creating the file if it does not
 * exist (its directory must), and bring its schema to QUEUE_SCHEMA_VERSION.
 * Sets journal_mode=WAL (persistent), synchronous=FULL, foreign_keys=ON,
 * secure_delete=ON and the busy timeout on this connection.
 * OPTS may be NULL (all defaults); it is not kept.
 * OUT (OUT, not NULL): on QUEUE_OK the new handle, which the caller closes
 * with queue_close(); NULL on any error.
 * Returns QUEUE_OK; QUEUE_ERR_VERSION when the file's user_version is
 * above QUEUE_SCHEMA_VERSION (the file is left exactly as it was);
 * QUEUE_ERR_BUSY, QUEUE_ERR_FULL, QUEUE_ERR_IO, QUEUE_ERR_NOMEM from
 * SQLite; QUEUE_ERR_INVALID for a negative busy_timeout_ms or
 * max_page_count. A migration is one transaction: after a failure the file
 * keeps its old version and data.
 */
queue_err queue_open(queue **out, const char *path, const queue_opts *opts);

/* Close *Q (may be NULL) and set it to NULL. Q must not be NULL. Blocks for
 * a checkpoint when this is the file's last connection. */
void queue_close(queue **q);

/*
 * Copy the WAL's committed pages into the database file and truncate the
 * WAL (SQLITE_CHECKPOINT_TRUNCATE). For connections opened with
 * manual_checkpoint, at quiet times. Blocks for the copy and its fsyncs.
 * Returns QUEUE_OK; QUEUE_ERR_BUSY when another connection reads or writes
 * (try again later: nothing is lost, the WAL only stays longer); QUEUE_ERR_IO.
 */
queue_err queue_checkpoint(queue *q);


/*
 * Store a newly submitted request.
 *
 * R (not NULL): the validated request, with a canonical ticket
 * (ticket_parse()'s form), state RSTATE_QUEUED, submitted_at > 0, a
 * non-empty kiosk_id, f[REQ_F_NIK].current holding the 16-digit NIK (its
 * last 4 digits become the status-screen check), and resubmit_of "" or a
 * canonical ticket. It is stored as reqjson in requests.payload, the
 * bytes its outbox entry sends (the entry holds no second copy).
 * FIRST (not NULL): the draft -> queued event (from rstate_apply()), with a
 * non-empty actor.
 * DEADLINE_AT, TARGET_AT, DEADLINE_UNCOVERED: from the calendar (cal.h),
 * epoch seconds, stored as given.
 * In one transaction (BEGIN IMMEDIATE ... COMMIT): the request row, its
 * first event, and an outbox entry of kind "request" with a fresh
 * idempotency key.
 * Returns QUEUE_OK (durable on return); QUEUE_ERR_INVALID when R or FIRST
 * breaks the rules above (nothing is written); QUEUE_ERR_DUP_TICKET;
 * QUEUE_ERR_BUSY; QUEUE_ERR_FULL; QUEUE_ERR_IO; QUEUE_ERR_NOMEM. On every
 * error the transaction is rolled back: no row of any table was added.
 */
queue_err queue_submit(queue *q, const req *r, const rstate_event *first, int64_t deadline_at,
		       int64_t target_at, bool deadline_uncovered);

/* A message sent to (or shown for) the applicant about a request. */
typedef struct queue_note {
	char channel[8]; /* "email", "sms" or "kiosk" */
	char kind[32];   /* what it says, as a key ("data_changed", "revocation_required") */
	int64_t at;      /* epoch seconds */
	char text[256];  /* the words sent, UTF-8 */
} queue_note;

/* What the status screen shows. Holds personal data: wipe it with
 * queue_status_wipe() when done. */
typedef struct queue_status {
	req r;                /* as submitted, with r.state the current stored state */
	int64_t deadline_at, target_at;
	bool deadline_uncovered;
	int n_events;         /* entries used in EVENTS, oldest first */
	rstate_event events[QUEUE_EVENTS_MAX];
	int n_notes;          /* entries used in NOTES, oldest first */
	queue_note notes[QUEUE_NOTES_MAX];
	bool purged;          /* retention removed the personal data: r's fields are "" */
} queue_status;

/*
 * The status of the request with ticket TICKET (not NULL; the canonical
 * form ticket_parse() writes) whose applicant's NIK ends in the 4 digits
 * NIK_LAST4 (not NULL). The digits are compared without an early exit.
 * OUT (OUT, not NULL): on QUEUE_OK the request, its deadline and target,
 * its newest QUEUE_EVENTS_MAX events and newest QUEUE_NOTES_MAX notes, each
 * list oldest first, read in one consistent snapshot. On any error *OUT is
 * wiped (every byte zero).
 * Returns QUEUE_OK; QUEUE_ERR_NOT_FOUND alike for an unknown ticket, wrong
 * digits, and a malformed ticket or digits (the status screen must not
 * reveal which part was wrong); QUEUE_ERR_BUSY, QUEUE_ERR_IO (also for a
 * stored row this code cannot read), QUEUE_ERR_NOMEM. Writes nothing.
 */
queue_err queue_lookup(queue *q, const char *ticket, const char *nik_last4, queue_status *out);

/*
 * Append the event EV (not NULL) to the history of the request with the
 * canonical ticket TICKET (not NULL), in one transaction: check that
 * EV->from is the stored state and rstate_check() allows the move for
 * EV->role with EV->reason, insert the event, set the request's state to
 * EV->to and its updated_at to EV->at, and, when TO_OUTBOX (an action taken
 * at this kiosk that the central service must learn), add an outbox entry
 * of kind "event" carrying reqjson_encode_event().
 * Returns QUEUE_OK; QUEUE_ERR_NOT_FOUND (no such ticket);
 * QUEUE_ERR_STATE (EV->from is not the stored state, or rstate_check()
 * refuses the move); QUEUE_ERR_INVALID (TICKET not canonical, empty
 * actor, a string not terminated inside its array, a negative time); QUEUE_ERR_BUSY,
 * QUEUE_ERR_FULL, QUEUE_ERR_IO, QUEUE_ERR_NOMEM. On every error nothing
 * changed: state, events and outbox are as before.
 */
queue_err queue_append_event(queue *q, const char *ticket, const rstate_event *ev, bool to_outbox);

/*
 * Record the note N (not NULL) for the request with the canonical ticket
 * TICKET (not NULL). N's strings must be NUL-terminated in their arrays,
 * channel one of "email", "sms", "kiosk", kind non-empty, at >= 0, and
 * TICKET canonical; otherwise QUEUE_ERR_INVALID.
 * Returns QUEUE_OK; QUEUE_ERR_NOT_FOUND; QUEUE_ERR_INVALID;
 * QUEUE_ERR_BUSY, QUEUE_ERR_FULL, QUEUE_ERR_IO, QUEUE_ERR_NOMEM (nothing
 * written on error).
 */
queue_err queue_add_note(queue *q, const char *ticket, const queue_note *n);

/*
 * Number of outbox entries in STATE ("pending", "in_flight", "done",
 * "dead", "discarded"), or of all entries when STATE is NULL, into *OUT
 * (OUT, not NULL; untouched on error). pending, in_flight and dead are read
 * from small indexes (cheap after every batch); done, discarded and all
 * walk the whole table (diagnostics only: tens of milliseconds at a million
 * entries).
 * Returns QUEUE_OK; QUEUE_ERR_INVALID for another STATE; QUEUE_ERR_BUSY,
 * QUEUE_ERR_IO, QUEUE_ERR_NOMEM.
 */
queue_err queue_outbox_count(queue *q, const char *state, int64_t *out);

/* How the store is set up, for the technician's diagnostics and tests. */
typedef struct queue_info {
	char journal_mode[16]; /* "wal" */
	int synchronous;       /* 2 = FULL */
	bool foreign_keys;
	int user_version;      /* QUEUE_SCHEMA_VERSION */
	int busy_timeout_ms;
	int64_t page_size, page_count, max_page_count;
} queue_info;

/* Read the connection's settings into *OUT (OUT, not NULL; zeroed on
 * error). Returns QUEUE_OK, QUEUE_ERR_BUSY, QUEUE_ERR_IO, QUEUE_ERR_NOMEM. */
queue_err queue_get_info(queue *q, queue_info *out);

/* Zero every byte of *S (explicit_bzero): it holds personal data. */
void queue_status_wipe(queue_status *s);

/* ==== the outbox, as the sync engine drains it (schema version 2) ==========
 *
 * Entries are sent in outbox.seq order (the local order, never the wall
 * clock). One entry's life: pending -> (claim) in_flight -> (settle) done,
 * dead, or pending again with a later next_attempt_at; a dead entry goes
 * back to pending (the technician's retry, queue_outbox_revive()) or, for
 * good, to discarded (queue_outbox_discard(), schema version 5). An entry left
 * in_flight by a crash goes back to pending with queue_outbox_recover(),
 * which the engine calls once when it starts, before its first claim; it
 * keeps its idempotency key, so its resend is recognised centrally.
 * A retried entry holds back every pending entry after it (an event never
 * overtakes its request); a dead or discarded entry holds back nothing.
 * Times in milliseconds are epoch milliseconds (the engine's wall clock);
 * a next_attempt_at more than QUEUE_RETRY_CLAMP_MS in the future (the clock
 * was set back) counts as due now.
 */

#define QUEUE_RETRY_CLAMP_MS (3600 * 1000LL)
#define QUEUE_REASON_MAX 160 /* bytes of a last_error / dead or discard reason, NUL included */
#define QUEUE_IDEM_KEY_LEN 32

/* What an outbox entry carries, and so which endpoint takes it. */
typedef enum queue_kind {
	QUEUE_KIND_REQUEST,    /* "request": POST /v1/requests, reqjson of the request */
	QUEUE_KIND_EVENT,      /* "event": POST /v1/events, reqjson_encode_event() */
	QUEUE_KIND_COMPLAINT,  /* "complaint": POST /v1/complaints */
	QUEUE_KIND_SURVEY,     /* "survey": POST /v1/surveys */
	QUEUE_KIND_REVOCATION, /* "revocation": POST /v1/revocations */
	QUEUE_KIND_COMPLAINT_NOTE, /* "complaint_note": POST /v1/complaints/notes */
	QUEUE_KIND_COUNT
} queue_kind;

/* Wire/storage name of K ("request"); "?" out of range. Never NULL. */
const char *queue_kind_name(queue_kind k);

/* One claimed entry. PAYLOAD holds personal data: queue_entry_wipe(). */
typedef struct queue_entry {
	int64_t seq;
	queue_kind kind;
	char idem_key[QUEUE_IDEM_KEY_LEN + 1]; /* lowercase hex */
	char ticket[TICKET_TEXT_MAX];          /* request / event: the ticket; else "" */
	int attempts;                          /* settled attempts before this one */
	char *payload;                         /* malloc()ed, NUL-terminated JSON */
	size_t payload_len;                    /* strlen(payload) */
} queue_entry;

/* Zero and free E->payload, then zero *E. E may be an already wiped entry. */
void queue_entry_wipe(queue_entry *e);

/*
 * Store a new outbox entry of KIND (COMPLAINT, SURVEY, REVOCATION or
 * COMPLAINT_NOTE; the
 * other kinds are written by queue_submit() and queue_append_event()) with
 * the JSON PAYLOAD[0..LEN) (need not be NUL-terminated; valid UTF-8, no
 * NUL, 1..65536 bytes; checked only for those), due now, with a fresh
 * idempotency key and ticket "", in one durable transaction. *SEQ (OUT,
 * may be NULL) gets its seq.
 * Returns QUEUE_OK, QUEUE_ERR_INVALID, QUEUE_ERR_BUSY, QUEUE_ERR_FULL,
 * QUEUE_ERR_IO, QUEUE_ERR_NOMEM (nothing written on error).
 */
queue_err queue_outbox_add(queue *q, queue_kind kind, const char *payload, size_t len, int64_t *seq);

/* Every in_flight entry back to pending (attempts, key and due time
 * unchanged); *N (OUT, may be NULL) gets how many. One durable transaction.
 * Returns QUEUE_OK, QUEUE_ERR_BUSY, QUEUE_ERR_FULL, QUEUE_ERR_IO,
 * QUEUE_ERR_NOMEM. */
queue_err queue_outbox_recover(queue *q, int64_t *n);

/*
 * Claim the next entries to send: the pending entries in seq order,
 * starting at the first, as long as each is due (next_attempt_at <= NOW_MS,
 * or beyond the clamp), at most MAX (1..256) of them, marked in_flight in
 * one transaction. OUT (OUT, MAX entries, not NULL; overwritten, not
 * freed: wipe earlier entries first) gets them in seq order with their
 * payloads (a request entry's is requests.payload), *N (OUT) how many, and
 * the caller owns them (queue_entry_wipe()). When there is nothing to send
 * *N is 0 and *WAIT_MS (OUT, not NULL) is how long until the first pending
 * entry is due, or -1 when no entry is pending; when *N > 0 it is 0. On
 * error *N is 0 and OUT's entries are wiped.
 * The claim's commit is not fsynced: after a power cut its entries may be
 * pending again, exactly what queue_outbox_recover() would make of them.
 * Returns QUEUE_OK, QUEUE_ERR_INVALID (MAX out of range, NOW_MS negative), QUEUE_ERR_BUSY,
 * QUEUE_ERR_FULL, QUEUE_ERR_IO (also for a stored row this code cannot
 * read), QUEUE_ERR_NOMEM.
 */
queue_err queue_outbox_claim(queue *q, int64_t now_ms, int max, queue_entry *out, int *n,
			     int64_t *wait_ms);

typedef enum queue_outcome {
	QUEUE_OUT_DONE,   /* the central service has it: state done, payload emptied;
			     last_error = reason when one is given (an event the
			     central service's own decision superseded) */
	QUEUE_OUT_RETRY,  /* send again at retry_at_ms: pending, attempts + 1, last_error */
	QUEUE_OUT_DEAD,   /* refused for good: dead, attempts + 1, last_error = reason */
	QUEUE_OUT_UNSENT, /* claimed but never sent: pending, as before the claim */
} queue_outcome;

/* How one claimed entry ended. */
typedef struct queue_result {
	int64_t seq;
	queue_outcome outcome;
	int http_status;                /* 0 when no answer came */
	char reason[QUEUE_REASON_MAX];  /* RETRY / DEAD: why, for staff; no personal data */
	int64_t retry_at_ms;            /* RETRY: when it is due again */
	int64_t received_at;            /* DONE of a request: the central service's
					   received_at (epoch s); 0 = not given */
} queue_result;

/*
 * Record how N (1..256) claimed entries ended, in one durable transaction.
 * A DONE request entry also moves its request queued -> received (role
 * central, actor "central", at received_at, or NOW_MS / 1000 when 0) when
 * it is still queued (an officer may have moved it meanwhile: then
 * nothing is added). A DONE revocation entry with a ticket likewise moves
 * its request revocation_required -> revoked (role central, actor "bsre",
 * at NOW_MS / 1000) when it is still revocation_required (nothing when it
 * moved on, or when this kiosk holds no such request).
 * http_status 0 is stored as "no status". Every
 * RES[i].seq must be an in_flight entry (a seq twice in RES is not), else
 * QUEUE_ERR_STATE and nothing changes.
 * QUEUE_ERR_INVALID: RES NULL, N out of range, NOW_MS negative, an outcome
 * out of range, a reason not terminated in its array, a negative received_at.
 * Returns QUEUE_OK, QUEUE_ERR_INVALID, QUEUE_ERR_STATE, QUEUE_ERR_BUSY,
 * QUEUE_ERR_FULL, QUEUE_ERR_IO, QUEUE_ERR_NOMEM.
 */
queue_err queue_outbox_settle(queue *q, const queue_result *res, int n, int64_t now_ms);

/* A dead letter as staff see it (no payload). */
typedef struct queue_letter {
	int64_t seq;
	queue_kind kind;
	char ticket[TICKET_TEXT_MAX];
	int attempts;
	char reason[QUEUE_REASON_MAX];
} queue_letter;

/* Up to MAX (>= 0) dead letters, oldest (lowest seq) first, into OUT (may
 * be NULL when MAX is 0); *N (OUT, not NULL) how many. A reason longer
 * than the array is cut at a character boundary. Returns QUEUE_OK,
 * QUEUE_ERR_INVALID, QUEUE_ERR_BUSY, QUEUE_ERR_IO, QUEUE_ERR_NOMEM. */
queue_err queue_outbox_dead(queue *q, queue_letter *out, int max, int *n);

/* Dead letter SEQ (or every dead letter when SEQ is 0) back to pending,
 * due now, with its key, attempts and seq unchanged (a technician's
 * "retry": it goes out in its old place in the order). *N (may be NULL)
 * how many. QUEUE_ERR_NOT_FOUND when SEQ names no dead letter;
 * QUEUE_ERR_INVALID for a negative SEQ. One durable statement. */
queue_err queue_outbox_revive(queue *q, int64_t seq, int64_t *n);

/*
 * Dead letter SEQ (or every dead letter when SEQ is 0) to discarded, for
 * good: the technician's "discard" when it will never be delivered (the
 * central service refused it for good and the applicant was told to come
 * back). A discarded entry is never claimed again and holds nothing back;
 * its payload is emptied (it may hold personal data; a request entry's is
 * empty already: the request itself stays in the store), last_error
 * becomes WHY and updated_at now; its seq, kind, ticket, key, attempts,
 * http_status and next_attempt_at stay, so the record of what happened
 * does. queue_outbox_count(q, "discarded", ...) counts them; retention
 * treats them as done (they need no data any more).
 * WHY (not NULL): the technician's reason, shown to staff and in reports:
 * non-empty, well-formed UTF-8, at most QUEUE_REASON_MAX - 1 bytes before
 * its NUL; it must not hold personal data (say what was decided, not who).
 * *N (OUT, may be NULL) how many. One durable statement: all or nothing.
 * Returns QUEUE_OK; QUEUE_ERR_NOT_FOUND when SEQ names no dead letter (a
 * pending, in-flight, done or discarded entry, or none; nothing changed);
 * QUEUE_ERR_INVALID for a negative SEQ or a bad WHY (nothing changed);
 * QUEUE_ERR_BUSY, QUEUE_ERR_FULL, QUEUE_ERR_IO, QUEUE_ERR_NOMEM.
 */
queue_err queue_outbox_discard(queue *q, int64_t seq, const char *why, int64_t *n);

/* Sync bookkeeping that must survive a restart. */
typedef enum queue_mark {
	QUEUE_MARK_CHANGES_CURSOR, /* "changes_cursor": the last applied change feed seq */
	QUEUE_MARK_LAST_SUCCESS,   /* "last_success": epoch s of the last settled exchange */
	QUEUE_MARK_COUNT
} queue_mark;

/* *OUT (OUT) gets mark M, 0 when never set; queue_mark_set() stores V
 * durably (any value: a technician may reset the cursor). Both give
 * QUEUE_ERR_INVALID for M out of range. */
queue_err queue_mark_get(queue *q, queue_mark m, int64_t *out);
queue_err queue_mark_set(queue *q, queue_mark m, int64_t v);

/* One item of the central service's change feed (docs/sync-protocol.md). */
typedef enum queue_change_type { QUEUE_CHANGE_EVENT, QUEUE_CHANGE_NOTE } queue_change_type;

typedef struct queue_change {
	int64_t seq;
	queue_change_type type;
	char ticket[TICKET_TEXT_MAX];
	rstate_event ev;  /* QUEUE_CHANGE_EVENT */
	queue_note note;  /* QUEUE_CHANGE_NOTE */
} queue_change;

typedef struct queue_apply_stats {
	int applied;    /* events appended from the stored state, and notes stored */
	int repeats;    /* events already applied (the local state is its "to", or the
			   history reached that "to" before) */
	int overridden; /* central decisions that overrode the local state */
	int conflicts;  /* changes refused outright (state machine, note rules) */
	int unknown;    /* changes for tickets this kiosk does not hold */
} queue_apply_stats;

/*
 * Apply a page of N (0..500) changes C and set the changes cursor to
 * NEXT, in one durable transaction. An event:
 *   - whose from is the stored state and that passes rstate_check() (and
 *     has a non-empty actor, a time >= 0) is appended (as
 *     queue_append_event(), never to the outbox): applied;
 *   - whose from is the stored state but that the state machine refuses:
 *     a conflict, dropped;
 *   - otherwise a repeat when the stored state is already its to, or the
 *     request's history holds an event into the same to (this kiosk made
 *     the same move itself, maybe from another state: offline first lets
 *     it verify from queued while the central desk verifies from
 *     received; or it was applied before). The state machine has no
 *     cycles, so a state reached before is behind the request;
 *   - otherwise, when it passes rstate_check() by itself, the central
 *     decision wins: it is stored as it came (its own from, to, role,
 *     actor, at, reason: the history shows the break), the request takes
 *     its to, a conflicts row records the local state before and the
 *     central move (unseen until an officer acknowledges it, desk.h), and
 *     this ticket's event and revocation outbox entries that are pending
 *     or dead are settled as done with last_error "superseded by central
 *     decision" and no HTTP status (they would only be refused now);
 *     in-flight entries are never touched: overridden;
 *   - else (the state machine refuses it) a conflict, dropped.
 * The caller logs the tickets of conflicts and overrides (never more). A
 * note is stored as queue_add_note(); one the note rules refuse counts as
 * a conflict, never as an error. A change for a ticket this kiosk does not
 * hold (or a malformed one) counts as unknown. A history with such a break
 * no longer replays with rstate_replay(): readers take the rows as they
 * are (queue_lookup() does). C may be NULL when N is 0 (the cursor still
 * moves).
 * QUEUE_ERR_INVALID: N out of range, a change type out of range, or NEXT
 * below the stored cursor (read inside the transaction).
 * *ST (OUT, may be NULL) gets the counts (all zero on error). On any error
 * nothing of the page is applied and the cursor stays.
 */
queue_err queue_apply_changes(queue *q, const queue_change *c, int n, int64_t next,
			      queue_apply_stats *st);

/*
 * Retention: remove the personal data of every request that is closed,
 * whose last event is at least RETENTION_DAYS (1..3650) days before NOW
 * (epoch s), and whose outbox entries are all done or discarded (none
 * pending, in flight or dead). Its payload becomes its skeleton (ticket,
 * kiosk, state, times; no field values), its notes' texts become "", its
 * outbox payloads "" (those of done and discarded entries are already),
 * and purged_at is set; the ticket, nik_last4 and the event history stay,
 * so the status screen still shows the timeline. *N (OUT, may be NULL) gets
 * how many were purged. A request whose entry is dead keeps its data (a
 * technician may revive the entry). One transaction; secure_delete zeroes the freed bytes, and
 * when something was purged the WAL, which still holds older images of
 * those pages, is checkpointed and truncated right after (waiting up to
 * busy_timeout_ms for readers; if it cannot, a later checkpoint does it).
 * Returns QUEUE_OK, QUEUE_ERR_INVALID (RETENTION_DAYS out of range, NOW
 * negative), QUEUE_ERR_BUSY, QUEUE_ERR_FULL, QUEUE_ERR_IO (also for a
 * stored request this code cannot read), QUEUE_ERR_NOMEM.
 */
queue_err queue_purge(queue *q, int64_t now, int retention_days, int64_t *n);

#endif

/*
 * desk: the officer's view of the store (issue 6, staff mode): the work
 * queue with its filters and ticket search, everything a verification
 * screen needs about one request, and the officer's actions on it (a move,
 * a revocation request, acknowledging a central decision that overrode
 * the local state). Staff only: nothing here checks a citizen's NIK; the
 * caller has unlocked the staff mode (staff.h) and names the acting staff
 * code as ACTOR.
 *
 * Every action is ONE transaction (store.h): the state change or outbox
 * entry and its audit entry (audit.h) commit together or not at all. Audit
 * entries name tickets, states, document kinds and codes, never personal
 * data; a rejection's free text goes to the event (the applicant is told
 * why), never to the audit log.
 *
 * Personal data: desk_row and desk_case hold applicants' names and
 * requests; wipe them with desk_rows_wipe() / desk_case_wipe().
 *
 * Threads and blocking: as queue.h (one handle per thread); every call
 * except the reason helpers and the wipes reads or writes the file, and a
 * write may wait up to the handle's busy timeout for the write lock.
 */
#ifndef KIOSK_DESK_H
#define KIOSK_DESK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "queue.h"
#include "req.h"
#include "rstate.h"
#include "ticket.h"

/* Which requests the work queue shows. */
typedef enum desk_filter {
	DESK_F_TO_VERIFY,   /* queued, received, in_verification */
	DESK_F_IN_PROGRESS, /* accepted, approved, informed, revocation_required, revoked, notified */
	DESK_F_REJECTED,    /* rejected */
	DESK_F_CLOSED,      /* closed */
	DESK_F_OVERDUE,     /* open (rstate_is_open) and deadline_at < now */
	DESK_F_CONFLICT,    /* a central decision overrode it and nobody acknowledged it yet */
	DESK_F_ALL,         /* every stored request */
	DESK_F_COUNT
} desk_filter;

#define DESK_PAGE_MAX 100 /* rows of one desk_list() call */

/* One line of the work queue. NAME is personal data. */
typedef struct desk_row {
	char ticket[TICKET_TEXT_MAX];
	rstate state;
	char name[REQ_VALUE_MAX];   /* the applicant's current name as submitted; "" once purged */
	int64_t submitted_at;       /* epoch s */
	int64_t deadline_at;        /* epoch s: the 5-working-day deadline */
	int64_t target_at;          /* epoch s: the service target */
	bool deadline_uncovered;    /* the calendar could not cover the deadline (cal.h) */
	int changes;                /* fields marked for change */
	bool typed_nik;             /* identity by a typed NIK: check the KTP in person */
	bool conflict;              /* an unseen central decision overrode the local state */
	bool unsent;                /* outbox entries of this ticket pending, in flight or dead */
	bool purged;                /* retention removed the personal data */
} desk_row;

/*
 * Up to MAX (1..DESK_PAGE_MAX) requests of filter F, skipping the first
 * OFFSET (>= 0), into OUT (OUT, MAX rows, not NULL); *N (OUT, not NULL)
 * how many were written, *TOTAL (OUT, not NULL) how many match in all.
 * TICKET_QUERY: NULL or "" for all, else the requests whose ticket starts
 * with it, typed as a person types it: any case, dashes and spaces
 * anywhere ("ABCD", "abcd-ef" and "ABCDEF" all find "ABCD-EFGH"); a query
 * with a character that is no ticket symbol, or more than 8 symbols, finds
 * nothing (QUEUE_OK, 0 rows). NOW (epoch s, >= 0) decides DESK_F_OVERDUE.
 * Order: open requests first, by deadline_at, then submitted_at (oldest
 * first); then rejected and closed ones, newest submitted_at first. Rows
 * and total come from one read snapshot.
 * Returns QUEUE_OK; QUEUE_ERR_INVALID (F, MAX, OFFSET or NOW out of range,
 * OUT, N or TOTAL NULL); QUEUE_ERR_BUSY, QUEUE_ERR_IO (also for a stored
 * row this code cannot read), QUEUE_ERR_NOMEM. On an error *N and *TOTAL
 * are 0 and OUT's MAX rows are wiped. Writes nothing.
 */
queue_err desk_list(queue *q, desk_filter f, const char *ticket_query, int64_t now, int offset,
		    desk_row *out, int max, int *n, int *total);

/* Zero ROWS[0..N) (explicit_bzero). ROWS may be NULL when N is 0. */
void desk_rows_wipe(desk_row *rows, int n);

/* Where an outbox entry stands, as staff see it. */
typedef enum desk_entry_state {
	DESK_E_NONE,      /* there is no such entry */
	DESK_E_PENDING,   /* waiting to be sent (or retried) */
	DESK_E_IN_FLIGHT, /* being sent right now */
	DESK_E_DONE,      /* the central service has it (or it was superseded) */
	DESK_E_DEAD,      /* refused for good: a technician looks at it */
	DESK_E_DISCARDED, /* given up by a technician: never sent; may be asked for again */
} desk_entry_state;

/* A central decision that overrode the local state (queue_apply_changes()). */
typedef struct desk_conflict {
	bool present;               /* false: none unseen (the rest is zero) */
	rstate local_state;         /* where the request stood here before */
	rstate central_from, central_to;
	rrole central_role;
	char central_actor[RSTATE_ACTOR_MAX];
	int64_t at;                 /* the central move's time, epoch s */
	int unseen;                 /* unseen conflicts of the request (this is the newest) */
} desk_conflict;

/* Everything a verification screen needs about one request. Personal data:
 * desk_case_wipe(). */
typedef struct desk_case {
	queue_status st;               /* the request, its events and notes (queue.h) */
	desk_conflict conflict;        /* the newest unseen conflict, if any */
	int unsent;                    /* outbox entries of the ticket not done */
	desk_entry_state revocation;   /* the newest revocation entry of the ticket */
	char revocation_error[QUEUE_REASON_MAX]; /* its last error ("" when none): no personal data */
	bool revocation_superseded;    /* DONE because a central decision made it moot */
} desk_case;

/*
 * Load the request TICKET (canonical, ticket_parse()'s form) into *OUT
 * (OUT, not NULL; wiped first): its queue_status (as queue_lookup() reads
 * it, without the NIK check), then, in a second read, the newest unseen
 * conflict, the number of its outbox entries that are not done, and its
 * newest revocation entry. A move committed between the two reads only
 * shows on the next load (the screen reloads when the engine notifies).
 * Returns QUEUE_OK; QUEUE_ERR_NOT_FOUND (no such request, or a malformed
 * ticket); QUEUE_ERR_BUSY, QUEUE_ERR_IO, QUEUE_ERR_NOMEM. On an error *OUT
 * is wiped. Writes nothing.
 */
queue_err desk_load(queue *q, const char *ticket, desk_case *out);

/* Zero every byte of *C (explicit_bzero). */
void desk_case_wipe(desk_case *c);

/* ---- rejection reasons ----------------------------------------------------------
 *
 * A rejection's event reason is "<wire name>" or "<wire name>: <free text>":
 * the applicant's status screen shows the translated reason (its catalog
 * key) and the officer's text as written. Wire names and keys are stable:
 * never rename them (stored events and the central service keep them). */
typedef enum desk_reason {
	DESK_R_DOCUMENTS_MISMATCH,  /* "documents_mismatch": documents do not match the form */
	DESK_R_DATA_MISMATCH,       /* "data_mismatch": form data do not match the records */
	DESK_R_IDENTITY_UNVERIFIED, /* "identity_unverified": identity could not be verified */
	DESK_R_NOT_ELIGIBLE,        /* "not_eligible": the applicant may not request this */
	DESK_R_INCOMPLETE,          /* "incomplete": documents or data missing */
	DESK_R_OTHER,               /* "other": needs the free text */
	DESK_R_COUNT
} desk_reason;

#define DESK_REASON_TEXT_CHARS 300 /* code points of the free text, after trimming */

/* Wire name ("documents_mismatch") and catalog key ("reject.documents_mismatch")
 * of R; "?" and "reject.unknown" out of range. Static storage, never NULL. */
const char *desk_reason_name(desk_reason r);
const char *desk_reason_key(desk_reason r);

/*
 * Write the event reason for CODE with the free text TEXT (NULL or "" for
 * none; leading and trailing white space trimmed) into OUT (CAP bytes).
 * Returns 0; -1 when CODE is out of range, CODE is DESK_R_OTHER without
 * text, the trimmed TEXT is not valid UTF-8 or holds a control character
 * (a line break included: it is shown on one line and sent by SMS), is
 * longer than DESK_REASON_TEXT_CHARS code points, or the result does not
 * fit in CAP (RSTATE_REASON_MAX always
 * fits the name plus 300 ASCII characters; text in other scripts may
 * not). On -1, OUT is "" (when CAP > 0).
 */
int desk_reason_format(desk_reason code, const char *text, char *out, size_t cap);

/*
 * Read an event reason REASON (not NULL) as desk_reason_format() writes
 * it: *CODE (OUT, not NULL) the reason, TEXT_OUT (OUT, CAP bytes, may be
 * NULL when CAP is 0) the free text ("" when none), cut at a character
 * boundary when CAP is too small. Returns 0, or -1 when REASON is not of
 * that form (an older free-form reason: show it as it is); then *CODE is
 * DESK_R_OTHER and TEXT_OUT "".
 */
int desk_reason_parse(const char *reason, desk_reason *code, char *text_out, size_t cap);

/* ---- actions ------------------------------------------------------------------------ */

/*
 * Move the request TICKET to TO as ROLE (an officer's decision at this
 * kiosk), in ONE transaction: the event (store_append_event_locked(), with
 * an outbox entry of kind event for the central service) and the audit
 * entry (action "request_move", target TICKET, detail "FROM->TO", then a
 * space and AUDIT_DETAIL when it is not empty, e.g. "docs=decree,ktp"; for
 * a rejection also " reason=<wire name>").
 * *STORED (IN/OUT, not NULL): in, the state the officer's screen showed
 * (the move's from); out, the stored state now (on QUEUE_OK: TO; on
 * QUEUE_ERR_STATE: where the request really is, so the screen reloads).
 * ACTOR: the staff code (non-blank, < RSTATE_ACTOR_MAX bytes). REASON: NULL
 * or "" unless needed; a move to rejected needs a reason of
 * desk_reason_format()'s form ("other" with its text). AUDIT_DETAIL: NULL
 * or printable ASCII, short facts only, NEVER personal data (audit.h);
 * with the rest it must fit AUDIT_DETAIL_MAX. NOW: epoch s (>= 0), the
 * event's and the entry's time. The audit entry's role is ROLE's name.
 * Returns QUEUE_OK (durable); QUEUE_ERR_INVALID (a malformed ticket, a bad
 * actor, reason or detail, NOW < 0); QUEUE_ERR_NOT_FOUND; QUEUE_ERR_STATE
 * (the stored state is not *STORED, or ROLE may not move it to TO);
 * QUEUE_ERR_BUSY, QUEUE_ERR_FULL, QUEUE_ERR_IO, QUEUE_ERR_NOMEM. On an
 * error nothing was written (no event, no outbox entry, no audit entry).
 */
queue_err desk_move(queue *q, const char *ticket, rstate to, rrole role, const char *actor,
		    const char *reason, const char *audit_detail, int64_t now, rstate *stored);

/*
 * Ask the central service to revoke the certificate SERIAL (1-63 of
 * 0-9 A-F, as the lookup showed it) of the applicant of TICKET, whose
 * request must be in revocation_required. ONE transaction: an outbox entry
 * of kind revocation carrying the ticket and the protocol's body
 * ({"v":1,"ticket","serial","reason":"identity_changed","actor","at":NOW})
 * and the audit entry (action "revocation_request", role "officer", target
 * TICKET, detail "serial=SERIAL"). When the central service has revoked
 * it, the settle moves the request to revoked (queue_outbox_settle()).
 * Returns QUEUE_OK (durable); QUEUE_ERR_INVALID (malformed ticket, serial
 * or actor, NOW < 0); QUEUE_ERR_NOT_FOUND; QUEUE_ERR_STATE (the request is
 * not in revocation_required, or a revocation entry of this ticket is not
 * done yet: pending, in flight or dead); QUEUE_ERR_BUSY, QUEUE_ERR_FULL,
 * QUEUE_ERR_IO, QUEUE_ERR_NOMEM. On an error nothing was written.
 */
queue_err desk_request_revocation(queue *q, const char *ticket, const char *serial, const char *actor,
				  int64_t now);

/*
 * The officer ACTOR has seen the central decisions that overrode the local
 * state of TICKET: every unseen conflicts row of it gets seen_by ACTOR and
 * seen_at NOW, with one audit entry (action "conflict_seen", role
 * "officer", target TICKET, detail "n=COUNT"), in ONE transaction. When
 * none is unseen, nothing is written (a second tap is harmless) and
 * QUEUE_OK is returned.
 * Returns QUEUE_OK; QUEUE_ERR_INVALID (malformed ticket or actor, NOW < 0);
 * QUEUE_ERR_NOT_FOUND; QUEUE_ERR_BUSY, QUEUE_ERR_FULL, QUEUE_ERR_IO,
 * QUEUE_ERR_NOMEM. On an error nothing was written.
 */
queue_err desk_conflict_seen(queue *q, const char *ticket, const char *actor, int64_t now);

#endif

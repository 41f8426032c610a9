/*
 * rstate: the state machine of a data-change request (service.md section 2),
 * who may move a request from one state to the next, and the history event
 * each move leaves behind.
 *
 * One static table of allowed transitions (in rstate.c) answers every
 * question: rstate_check() before a move, rstate_apply() for the move,
 * rstate_next() for the buttons an officer's screen offers, rstate_replay()
 * when a history is loaded from SQLite or pulled from the central service.
 * The standard's path:
 *
 *   draft -> queued -> received -> in_verification -> accepted -> approved
 *     -> informed -> revocation_required -> revoked -> notified -> closed
 *                 \-> notified (the applicant owns no certificate)
 *   in_verification -> rejected -> closed (the applicant may resubmit as a
 *   new request linked to the rejected one)
 *
 * Offline first: an officer at the kiosk may verify a request that is still
 * queued (queued -> in_verification); received is then skipped.
 *
 * States and roles have stable ASCII wire names ("in_verification",
 * "officer") used in SQLite and JSON: store the names, never the enum
 * numbers, and never rename them. Plain C, no I/O: the caller passes the
 * time in. Errors are codes; app/ turns states into words through
 * rstate_key().
 */
#ifndef KIOSK_RSTATE_H
#define KIOSK_RSTATE_H

#include <stdbool.h>
#include <stdint.h>

typedef enum rstate {
	RSTATE_DRAFT,               /* "draft": being filled in at the kiosk */
	RSTATE_QUEUED,              /* "queued": submitted, stored at the kiosk, waiting to sync */
	RSTATE_RECEIVED,            /* "received": the central service has it */
	RSTATE_IN_VERIFICATION,     /* "in_verification": an officer is checking it */
	RSTATE_REJECTED,            /* "rejected": form or documents do not match */
	RSTATE_ACCEPTED,            /* "accepted": form and documents match */
	RSTATE_APPROVED,            /* "approved": approved in AMS */
	RSTATE_INFORMED,            /* "informed": applicant told the data change is finished */
	RSTATE_REVOCATION_REQUIRED, /* "revocation_required": owns a certificate that must be
				       revoked, reason "identitas berubah" */
	RSTATE_REVOKED,             /* "revoked": that certificate is revoked */
	RSTATE_NOTIFIED,            /* "notified": applicant received "data telah diubah" */
	RSTATE_CLOSED,              /* "closed": nothing more happens */
	RSTATE_COUNT
} rstate;

/* Who performs a transition. */
typedef enum rrole {
	RROLE_APPLICANT,  /* "applicant": the citizen at the kiosk */
	RROLE_KIOSK,      /* "kiosk": the kiosk software itself */
	RROLE_CENTRAL,    /* "central": the central service / AMS */
	RROLE_OFFICER,    /* "officer": the verifikator */
	RROLE_SUPERVISOR, /* "supervisor": oversees; performs no transition */
	RROLE_COUNT
} rrole;

typedef enum rstate_err {
	RSTATE_OK = 0,
	RSTATE_ERR_TRANSITION, /* no such move from this state (X -> X included) */
	RSTATE_ERR_ROLE,       /* the move exists, but this role may not make it */
	RSTATE_ERR_REASON,     /* reason required but empty or blank, or too long */
	RSTATE_ERR_ACTOR,      /* actor empty, blank or too long */
	RSTATE_ERR_CHAIN,      /* replay: an event does not start where the last ended */
} rstate_err;

#define RSTATE_ACTOR_MAX 48   /* bytes of an actor id, NUL included */
#define RSTATE_REASON_MAX 512 /* bytes of a reason, NUL included */

/*
 * One move in a request's history. ACTOR identifies who acted within ROLE
 * (an officer's account, a kiosk id, "ams"); AT is seconds since the Unix
 * epoch by the clock of whoever acted; REASON is "" when none was given.
 * Both strings are NUL-terminated inside their arrays, and the bytes after
 * the NUL are zero when rstate_apply() wrote the event.
 */
typedef struct rstate_event {
	rstate from, to;
	rrole role;
	char actor[RSTATE_ACTOR_MAX];
	int64_t at;
	char reason[RSTATE_REASON_MAX];
} rstate_event;

/* Wire name of S ("in_verification") or R ("officer"); "?" for a value out
 * of range. Static storage, never NULL. */
const char *rstate_name(rstate s);
const char *rrole_name(rrole r);

/*
 * Parse an exact wire name (case-sensitive, no surrounding spaces) into
 * *OUT. Returns 0, or -1 for NULL or an unknown name, leaving *OUT untouched.
 */
int rstate_parse(const char *name, rstate *out);
int rrole_parse(const char *name, rrole *out);

/* Catalog key of S: "state." and the wire name ("state.in_verification");
 * "state.unknown" for a value out of range. Static storage, never NULL. */
const char *rstate_key(rstate s);

/* Name of E for logs ("transition not allowed"); never NULL. */
const char *rstate_err_name(rstate_err e);

/*
 * May ROLE move a request from FROM to TO, with REASON (may be NULL, which
 * counts as "")? Checks, in this order:
 *   RSTATE_ERR_TRANSITION  the move is not in the table (or FROM/TO out of
 *                          range, or FROM == TO);
 *   RSTATE_ERR_ROLE        ROLE may not make it (or ROLE out of range);
 *   RSTATE_ERR_REASON      the move needs a reason (in_verification ->
 *                          rejected) and REASON is empty or only white
 *                          space; or REASON, for any move, does not fit in
 *                          RSTATE_REASON_MAX bytes with its NUL;
 *   RSTATE_OK.
 * A reason for a move that needs none is allowed (a note) and kept.
 */
rstate_err rstate_check(rstate from, rstate to, rrole role, const char *reason);

/*
 * Move *CUR to TO as ROLE. ACTOR must be a non-blank id that fits in
 * RSTATE_ACTOR_MAX bytes with its NUL (NULL counts as ""); AT is the time
 * of the move;
 * REASON as in rstate_check().
 * Returns what rstate_check(*CUR, TO, ROLE, REASON) returns, else
 * RSTATE_ERR_ACTOR for a bad ACTOR, else RSTATE_OK.
 * On RSTATE_OK, *CUR is TO and *OUT_EVENT (OUT, not NULL) is the event to
 * append to the request's history (strings copied, unused bytes zero).
 * On any error, *CUR and *OUT_EVENT are untouched.
 */
rstate_err rstate_apply(rstate *cur, rstate to, rrole role, const char *actor, int64_t at,
			const char *reason, rstate_event *out_event);

/* closed: nothing can happen to the request any more. */
bool rstate_is_final(rstate s);

/* rejected: the applicant may submit a NEW request linked to this one
 * (req_resubmit); the rejected request itself only moves on to closed. */
bool rstate_can_resubmit(rstate s);

/*
 * Still being worked on: submitted and not yet finished, that is queued up
 * to notified. False for draft (nobody but the kiosk knows of it yet),
 * rejected (the outcome is known; only closing is left) and closed. This is
 * what officer queues and the 5-working-day deadline count.
 */
bool rstate_is_open(rstate s);

/*
 * The states ROLE may move a request to from FROM, in table order (the
 * buttons of an officer's screen). Writes up to CAP of them to OUT (OUT may
 * be NULL when CAP is 0) and returns how many there are in total, so a
 * return above CAP means OUT was too small; RSTATE_COUNT always suffices.
 * A move that needs a reason is listed too: rstate_check() says what it
 * needs. 0 for an out-of-range FROM or ROLE.
 */
int rstate_next(rstate from, rrole role, rstate *out, int cap);

/*
 * Check that EV[0..N) is a valid history: EV[0].from is draft, each event's
 * from is the previous event's to, and each event passes rstate_check() and
 * has a valid actor (a reason or actor not NUL-terminated inside its array
 * counts as too long). Times are not compared: the kiosk's and the central
 * service's clocks may disagree, and order is what the chain gives.
 * On RSTATE_OK, *OUT (not NULL) is the final state (draft when N is 0) and
 * *BAD (may be NULL) is -1. On an error, *OUT is untouched, *BAD is the
 * index of the first bad event, and the return says what is wrong with it:
 * RSTATE_ERR_CHAIN when its from is not where the chain stands, otherwise
 * the code rstate_apply() would have returned for it.
 * N < 0 is treated as 0; EV may be NULL when N is 0.
 */
rstate_err rstate_replay(const rstate_event *ev, int n, rstate *out, int *bad);

#endif

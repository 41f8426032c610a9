/*
 * rstate: the request state machine (see rstate.h). Everything below reads
 * the one table of moves, so the states an officer is offered, the moves
 * that are allowed and the histories that replay cannot disagree.
 */
#include <stddef.h>
#include <string.h>

#include "rstate.h"

static const struct {
	const char *name; /* wire name: never change */
	const char *key;  /* catalog key */
} states[RSTATE_COUNT] = {
	[RSTATE_DRAFT] = { "draft", "state.draft" },
	[RSTATE_QUEUED] = { "queued", "state.queued" },
	[RSTATE_RECEIVED] = { "received", "state.received" },
	[RSTATE_IN_VERIFICATION] = { "in_verification", "state.in_verification" },
	[RSTATE_REJECTED] = { "rejected", "state.rejected" },
	[RSTATE_ACCEPTED] = { "accepted", "state.accepted" },
	[RSTATE_APPROVED] = { "approved", "state.approved" },
	[RSTATE_INFORMED] = { "informed", "state.informed" },
	[RSTATE_REVOCATION_REQUIRED] = { "revocation_required", "state.revocation_required" },
	[RSTATE_REVOKED] = { "revoked", "state.revoked" },
	[RSTATE_NOTIFIED] = { "notified", "state.notified" },
	[RSTATE_CLOSED] = { "closed", "state.closed" },
};

static const char *const roles[RROLE_COUNT] = {
	[RROLE_APPLICANT] = "applicant",
	[RROLE_KIOSK] = "kiosk",
	[RROLE_CENTRAL] = "central",
	[RROLE_OFFICER] = "officer",
	[RROLE_SUPERVISOR] = "supervisor",
};

#define BY(r) (1u << RROLE_##r)

/* The allowed moves and who may make each: the whole state machine. */
static const struct move {
	rstate from, to;
	unsigned roles;    /* BY(role) bits */
	bool needs_reason; /* the applicant must learn why */
} moves[] = {
	{ RSTATE_DRAFT, RSTATE_QUEUED, BY(APPLICANT) | BY(KIOSK), false },
	{ RSTATE_QUEUED, RSTATE_RECEIVED, BY(CENTRAL), false },
	/* Offline first: an officer at the kiosk may verify before the sync. */
	{ RSTATE_QUEUED, RSTATE_IN_VERIFICATION, BY(OFFICER), false },
	{ RSTATE_RECEIVED, RSTATE_IN_VERIFICATION, BY(OFFICER), false },
	{ RSTATE_IN_VERIFICATION, RSTATE_ACCEPTED, BY(OFFICER), false },
	{ RSTATE_IN_VERIFICATION, RSTATE_REJECTED, BY(OFFICER), true },
	{ RSTATE_ACCEPTED, RSTATE_APPROVED, BY(OFFICER) | BY(CENTRAL), false },
	{ RSTATE_APPROVED, RSTATE_INFORMED, BY(OFFICER) | BY(CENTRAL), false },
	/* The officer checks whether the applicant owns a certificate. */
	{ RSTATE_INFORMED, RSTATE_REVOCATION_REQUIRED, BY(OFFICER) | BY(CENTRAL), false },
	{ RSTATE_INFORMED, RSTATE_NOTIFIED, BY(OFFICER) | BY(CENTRAL), false },
	{ RSTATE_REVOCATION_REQUIRED, RSTATE_REVOKED, BY(OFFICER) | BY(CENTRAL), false },
	{ RSTATE_REVOKED, RSTATE_NOTIFIED, BY(OFFICER) | BY(CENTRAL), false },
	{ RSTATE_NOTIFIED, RSTATE_CLOSED, BY(OFFICER) | BY(CENTRAL) | BY(KIOSK), false },
	{ RSTATE_REJECTED, RSTATE_CLOSED, BY(OFFICER) | BY(CENTRAL) | BY(KIOSK), false },
};

#define NMOVES (sizeof moves / sizeof moves[0])

static bool state_ok(rstate s)
{
	return (unsigned)s < RSTATE_COUNT;
}

static bool role_ok(rrole r)
{
	return (unsigned)r < RROLE_COUNT;
}

static const struct move *find_move(rstate from, rstate to)
{
	for (size_t i = 0; i < NMOVES; i++)
		if (moves[i].from == from && moves[i].to == to)
			return &moves[i];
	return NULL;
}

/* Length of S, reading at most MAX bytes (MAX when there is no NUL in
 * them): safe on a fixed array that a corrupt record left unterminated. */
static size_t text_len(const char *s, size_t max)
{
	size_t n = 0;
	while (n < max && s[n] != '\0')
		n++;
	return n;
}

static bool blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!strchr(" \t\n\r\v\f", s[i]))
			return false;
	return true;
}

/* A non-blank string that fits in MAX bytes with its NUL; NULL is "". */
static bool text_fits(const char *s, size_t max, bool need)
{
	if (!s)
		return !need;
	size_t len = text_len(s, max);
	if (len == max)
		return false;
	return !need || !blank(s, len);
}

const char *rstate_name(rstate s)
{
	return state_ok(s) ? states[s].name : "?";
}

const char *rrole_name(rrole r)
{
	return role_ok(r) ? roles[r] : "?";
}

int rstate_parse(const char *name, rstate *out)
{
	if (!name)
		return -1;
	for (int i = 0; i < RSTATE_COUNT; i++) {
		if (strcmp(name, states[i].name) == 0) {
			*out = (rstate)i;
			return 0;
		}
	}
	return -1;
}

int rrole_parse(const char *name, rrole *out)
{
	if (!name)
		return -1;
	for (int i = 0; i < RROLE_COUNT; i++) {
		if (strcmp(name, roles[i]) == 0) {
			*out = (rrole)i;
			return 0;
		}
	}
	return -1;
}

const char *rstate_key(rstate s)
{
	return state_ok(s) ? states[s].key : "state.unknown";
}

const char *rstate_err_name(rstate_err e)
{
	switch (e) {
	case RSTATE_OK: return "ok";
	case RSTATE_ERR_TRANSITION: return "transition not allowed";
	case RSTATE_ERR_ROLE: return "role may not make this transition";
	case RSTATE_ERR_REASON: return "reason missing or too long";
	case RSTATE_ERR_ACTOR: return "actor missing or too long";
	case RSTATE_ERR_CHAIN: return "history broken: event does not follow the previous one";
	default: return "unknown state error";
	}
}

rstate_err rstate_check(rstate from, rstate to, rrole role, const char *reason)
{
	const struct move *m = state_ok(from) && state_ok(to) ? find_move(from, to) : NULL;
	if (!m)
		return RSTATE_ERR_TRANSITION;
	if (!role_ok(role) || !(m->roles & (1u << role)))
		return RSTATE_ERR_ROLE;
	if (!text_fits(reason, RSTATE_REASON_MAX, m->needs_reason))
		return RSTATE_ERR_REASON;
	return RSTATE_OK;
}

/* Everything rstate_apply() checks, shared with rstate_replay(). */
static rstate_err check_event(rstate from, rstate to, rrole role, const char *actor,
			      const char *reason)
{
	rstate_err e = rstate_check(from, to, role, reason);
	if (e != RSTATE_OK)
		return e;
	if (!text_fits(actor, RSTATE_ACTOR_MAX, true))
		return RSTATE_ERR_ACTOR;
	return RSTATE_OK;
}

rstate_err rstate_apply(rstate *cur, rstate to, rrole role, const char *actor, int64_t at,
			const char *reason, rstate_event *out_event)
{
	rstate_err e = check_event(*cur, to, role, actor, reason);
	if (e != RSTATE_OK)
		return e;
	memset(out_event, 0, sizeof *out_event);
	out_event->from = *cur;
	out_event->to = to;
	out_event->role = role;
	memcpy(out_event->actor, actor, strlen(actor)); /* fits: checked above */
	out_event->at = at;
	if (reason)
		memcpy(out_event->reason, reason, strlen(reason));
	*cur = to;
	return RSTATE_OK;
}

bool rstate_is_final(rstate s)
{
	return s == RSTATE_CLOSED;
}

bool rstate_can_resubmit(rstate s)
{
	return s == RSTATE_REJECTED;
}

bool rstate_is_open(rstate s)
{
	return state_ok(s) && s != RSTATE_DRAFT && s != RSTATE_REJECTED && s != RSTATE_CLOSED;
}

int rstate_next(rstate from, rrole role, rstate *out, int cap)
{
	if (!role_ok(role))
		return 0;
	int n = 0;
	for (size_t i = 0; i < NMOVES; i++) {
		if (moves[i].from != from || !(moves[i].roles & (1u << role)))
			continue;
		if (n < cap)
			out[n] = moves[i].to;
		n++;
	}
	return n;
}

rstate_err rstate_replay(const rstate_event *ev, int n, rstate *out, int *bad)
{
	rstate cur = RSTATE_DRAFT;
	for (int i = 0; i < n; i++) {
		rstate_err e = ev[i].from == cur ? check_event(ev[i].from, ev[i].to, ev[i].role,
							       ev[i].actor, ev[i].reason)
						 : RSTATE_ERR_CHAIN;
		if (e != RSTATE_OK) {
			if (bad)
				*bad = i;
			return e;
		}
		cur = ev[i].to;
	}
	*out = cur;
	if (bad)
		*bad = -1;
	return RSTATE_OK;
}

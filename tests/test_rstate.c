/*
 * test_rstate: the request state machine (rules/rstate.c).
 *
 * The test writes the allowed moves down a second time, by wire name
 * ("informed" -> "notified" by "officer" or "central"), straight from
 * service.md section 2, and checks the module against that list: every
 * allowed (from, to, role) is accepted, and every other triple of the full
 * cross product (12 x 12 x 5) is refused with the code the list predicts
 * (transition, or role). Then the reason and actor rules, rstate_apply's
 * event and its "untouched on failure" promise, the standard's paths
 * replayed end to end, histories that must be refused (with the index of
 * the bad event), the buttons rstate_next offers, the predicates, and the
 * wire names, which are stable because SQLite and JSON hold them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "rstate.h"

#define NSTATES 12
#define NROLES 5

static const char *const state_names[NSTATES] = {
	"draft", "queued", "received", "in_verification", "rejected", "accepted",
	"approved", "informed", "revocation_required", "revoked", "notified", "closed",
};

static const char *const role_names[NROLES] = {
	"applicant", "kiosk", "central", "officer", "supervisor",
};

/* The standard's moves, written independently of rules/rstate.c. */
static const struct {
	const char *from, *to;
	const char *roles[4]; /* NULL-terminated */
	bool reason;          /* a reason is required */
} allowed[] = {
	{ "draft", "queued", { "applicant", "kiosk" }, false },
	{ "queued", "received", { "central" }, false },
	{ "queued", "in_verification", { "officer" }, false },
	{ "received", "in_verification", { "officer" }, false },
	{ "in_verification", "accepted", { "officer" }, false },
	{ "in_verification", "rejected", { "officer" }, true },
	{ "accepted", "approved", { "officer", "central" }, false },
	{ "approved", "informed", { "officer", "central" }, false },
	{ "informed", "revocation_required", { "officer", "central" }, false },
	{ "informed", "notified", { "officer", "central" }, false },
	{ "revocation_required", "revoked", { "officer", "central" }, false },
	{ "revoked", "notified", { "officer", "central" }, false },
	{ "notified", "closed", { "officer", "central", "kiosk" }, false },
	{ "rejected", "closed", { "officer", "central", "kiosk" }, false },
};

#define NALLOWED ((int)(sizeof allowed / sizeof allowed[0]))
#define REASON "Dokumen SK mutasi tidak sesuai dengan formulir"

static rstate st(const char *name)
{
	rstate s;
	if (rstate_parse(name, &s) != 0)
		fail_msg("state \"%s\" not known", name);
	return s;
}

static rrole ro(const char *name)
{
	rrole r;
	if (rrole_parse(name, &r) != 0)
		fail_msg("role \"%s\" not known", name);
	return r;
}

/* Index in ALLOWED of the move FROM -> TO, or -1. */
static int allowed_move(rstate from, rstate to)
{
	for (int i = 0; i < NALLOWED; i++)
		if (st(allowed[i].from) == from && st(allowed[i].to) == to)
			return i;
	return -1;
}

static bool allowed_role(int move, rrole role)
{
	for (int j = 0; allowed[move].roles[j]; j++)
		if (ro(allowed[move].roles[j]) == role)
			return true;
	return false;
}

/* ---- names ------------------------------------------------------------- */

static void test_state_names_round_trip(void **state)
{
	(void)state;
	assert_int_equal(RSTATE_COUNT, NSTATES);
	bool seen[NSTATES] = { false };
	for (int i = 0; i < NSTATES; i++) {
		rstate s = st(state_names[i]);
		assert_true((int)s >= 0 && (int)s < NSTATES);
		assert_false(seen[s]);
		seen[s] = true;
		assert_string_equal(rstate_name(s), state_names[i]);
		char key[64];
		snprintf(key, sizeof key, "state.%s", state_names[i]);
		assert_string_equal(rstate_key(s), key);
	}
	/* The standard's order is the enum's order (screens list by it). */
	for (int i = 0; i < NSTATES; i++)
		assert_string_equal(rstate_name((rstate)i), state_names[i]);
	assert_string_equal(rstate_name(RSTATE_COUNT), "?");
	assert_string_equal(rstate_name((rstate)-1), "?");
	assert_string_equal(rstate_key(RSTATE_COUNT), "state.unknown");
}

static void test_role_names_round_trip(void **state)
{
	(void)state;
	assert_int_equal(RROLE_COUNT, NROLES);
	for (int i = 0; i < NROLES; i++) {
		rrole r = ro(role_names[i]);
		assert_int_equal(r, i);
		assert_string_equal(rrole_name(r), role_names[i]);
	}
	assert_string_equal(rrole_name(RROLE_COUNT), "?");
	assert_string_equal(rrole_name((rrole)-1), "?");
}

static void test_unknown_names_refused(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"", "Draft", "DRAFT", " draft", "draft ", "in-verification", "inverification",
		"closed\n", "technician", "Officer", "officer ", "?", "state.draft", "queue",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		rstate s = RSTATE_ACCEPTED;
		rrole r = RROLE_SUPERVISOR;
		if (rstate_parse(bad[i], &s) != -1)
			fail_msg("state \"%s\" accepted", bad[i]);
		if (rrole_parse(bad[i], &r) != -1)
			fail_msg("role \"%s\" accepted", bad[i]);
		assert_int_equal(s, RSTATE_ACCEPTED); /* untouched */
		assert_int_equal(r, RROLE_SUPERVISOR);
	}
	rstate s = RSTATE_ACCEPTED;
	rrole r = RROLE_SUPERVISOR;
	assert_int_equal(rstate_parse(NULL, &s), -1);
	assert_int_equal(rrole_parse(NULL, &r), -1);
	/* A state is not a role and a role is not a state. */
	assert_int_equal(rstate_parse("officer", &s), -1);
	assert_int_equal(rrole_parse("closed", &r), -1);
}

static void test_err_names(void **state)
{
	(void)state;
	const rstate_err all[] = { RSTATE_OK, RSTATE_ERR_TRANSITION, RSTATE_ERR_ROLE,
				   RSTATE_ERR_REASON, RSTATE_ERR_ACTOR, RSTATE_ERR_CHAIN };
	const int n = (int)(sizeof all / sizeof all[0]);
	for (int i = 0; i < n; i++) {
		assert_non_null(rstate_err_name(all[i]));
		for (int j = 0; j < i; j++)
			assert_string_not_equal(rstate_err_name(all[i]), rstate_err_name(all[j]));
		assert_string_not_equal(rstate_err_name(all[i]), rstate_err_name((rstate_err)99));
	}
	assert_string_equal(rstate_err_name(RSTATE_OK), "ok");
}

/* ---- the table ----------------------------------------------------------- */

static void test_allowed_moves_accepted(void **state)
{
	(void)state;
	for (int i = 0; i < NALLOWED; i++) {
		rstate from = st(allowed[i].from), to = st(allowed[i].to);
		for (int j = 0; allowed[i].roles[j]; j++) {
			rrole r = ro(allowed[i].roles[j]);
			assert_int_equal(rstate_check(from, to, r, REASON), RSTATE_OK);
			if (!allowed[i].reason) {
				assert_int_equal(rstate_check(from, to, r, NULL), RSTATE_OK);
				assert_int_equal(rstate_check(from, to, r, ""), RSTATE_OK);
			}
		}
	}
}

/* All 720 triples against the list: OK, wrong role, or no such move. */
static void test_cross_product(void **state)
{
	(void)state;
	int ok = 0, role = 0, transition = 0;
	for (int f = 0; f < NSTATES; f++) {
		for (int t = 0; t < NSTATES; t++) {
			for (int r = 0; r < NROLES; r++) {
				rstate from = (rstate)f, to = (rstate)t;
				int m = allowed_move(from, to);
				rstate_err want = m < 0                    ? RSTATE_ERR_TRANSITION
						  : allowed_role(m, (rrole)r) ? RSTATE_OK
									      : RSTATE_ERR_ROLE;
				rstate_err got = rstate_check(from, to, (rrole)r, REASON);
				if (got != want)
					fail_msg("%s -> %s by %s: got %s, want %s", state_names[f],
						 state_names[t], role_names[r], rstate_err_name(got),
						 rstate_err_name(want));
				/* Without a reason only the rejection changes. */
				rstate_err bare = want == RSTATE_OK && allowed[m].reason
							  ? RSTATE_ERR_REASON
							  : want;
				assert_int_equal(rstate_check(from, to, (rrole)r, NULL), bare);
				ok += want == RSTATE_OK;
				role += want == RSTATE_ERR_ROLE;
				transition += want == RSTATE_ERR_TRANSITION;
			}
		}
	}
	assert_int_equal(ok + role + transition, NSTATES * NSTATES * NROLES);
	int grants = 0;
	for (int i = 0; i < NALLOWED; i++)
		for (int j = 0; allowed[i].roles[j]; j++)
			grants++;
	assert_int_equal(grants, 25);
	assert_int_equal(ok, grants);
	assert_int_equal(transition, (NSTATES * NSTATES - NALLOWED) * NROLES);
	/* Out-of-range values are refused, not looked up. */
	assert_int_equal(rstate_check(RSTATE_COUNT, RSTATE_CLOSED, RROLE_OFFICER, NULL),
			 RSTATE_ERR_TRANSITION);
	assert_int_equal(rstate_check(RSTATE_NOTIFIED, (rstate)-1, RROLE_OFFICER, NULL),
			 RSTATE_ERR_TRANSITION);
	assert_int_equal(rstate_check(RSTATE_NOTIFIED, RSTATE_CLOSED, RROLE_COUNT, NULL),
			 RSTATE_ERR_ROLE);
	assert_int_equal(rstate_check(RSTATE_NOTIFIED, RSTATE_CLOSED, (rrole)-1, NULL),
			 RSTATE_ERR_ROLE);
}

static void test_reason_rules(void **state)
{
	(void)state;
	const rstate v = RSTATE_IN_VERIFICATION, rej = RSTATE_REJECTED;
	const rrole o = RROLE_OFFICER;
	assert_int_equal(rstate_check(v, rej, o, NULL), RSTATE_ERR_REASON);
	assert_int_equal(rstate_check(v, rej, o, ""), RSTATE_ERR_REASON);
	assert_int_equal(rstate_check(v, rej, o, "   "), RSTATE_ERR_REASON);
	assert_int_equal(rstate_check(v, rej, o, " \t\r\n "), RSTATE_ERR_REASON);
	assert_int_equal(rstate_check(v, rej, o, "x"), RSTATE_OK);
	assert_int_equal(rstate_check(v, rej, o, "  KTP tidak terbaca  "), RSTATE_OK);
	/* UTF-8 is text, not blank. */
	assert_int_equal(rstate_check(v, rej, o, "Nama \xe2\x80\x94 tidak sesuai"), RSTATE_OK);

	/* Longest that fits: RSTATE_REASON_MAX - 1 bytes. */
	char longest[RSTATE_REASON_MAX + 1];
	memset(longest, 'a', sizeof longest);
	longest[RSTATE_REASON_MAX - 1] = '\0';
	assert_int_equal(rstate_check(v, rej, o, longest), RSTATE_OK);
	assert_int_equal(rstate_check(v, RSTATE_ACCEPTED, o, longest), RSTATE_OK);
	longest[RSTATE_REASON_MAX - 1] = 'a';
	longest[RSTATE_REASON_MAX] = '\0';
	assert_int_equal(rstate_check(v, rej, o, longest), RSTATE_ERR_REASON);
	/* Too long is refused even where a reason is optional (the event holds it). */
	assert_int_equal(rstate_check(v, RSTATE_ACCEPTED, o, longest), RSTATE_ERR_REASON);

	/* An optional note is allowed; a blank one too. */
	assert_int_equal(rstate_check(RSTATE_ACCEPTED, RSTATE_APPROVED, RROLE_CENTRAL, "AMS ok"),
			 RSTATE_OK);
	assert_int_equal(rstate_check(RSTATE_ACCEPTED, RSTATE_APPROVED, RROLE_CENTRAL, "  "),
			 RSTATE_OK);

	/* Order: transition, then role, then reason. */
	assert_int_equal(rstate_check(v, rej, RROLE_CENTRAL, ""), RSTATE_ERR_ROLE);
	assert_int_equal(rstate_check(RSTATE_DRAFT, rej, o, ""), RSTATE_ERR_TRANSITION);
}

/* ---- apply ---------------------------------------------------------------- */

static void test_apply_fills_event(void **state)
{
	(void)state;
	rstate cur = RSTATE_IN_VERIFICATION;
	rstate_event ev;
	memset(&ev, 0xA5, sizeof ev);
	assert_int_equal(rstate_apply(&cur, RSTATE_REJECTED, RROLE_OFFICER, "verifikator.01",
				      1767229200, "Formulir belum ditandatangani", &ev),
			 RSTATE_OK);
	assert_int_equal(cur, RSTATE_REJECTED);
	assert_int_equal(ev.from, RSTATE_IN_VERIFICATION);
	assert_int_equal(ev.to, RSTATE_REJECTED);
	assert_int_equal(ev.role, RROLE_OFFICER);
	assert_string_equal(ev.actor, "verifikator.01");
	assert_true(ev.at == 1767229200);
	assert_string_equal(ev.reason, "Formulir belum ditandatangani");
	/* No stale bytes after the strings (the event is stored as is). */
	for (size_t i = strlen(ev.actor); i < sizeof ev.actor; i++)
		assert_int_equal(ev.actor[i], 0);
	for (size_t i = strlen(ev.reason); i < sizeof ev.reason; i++)
		assert_int_equal(ev.reason[i], 0);

	/* No reason: "". */
	assert_int_equal(rstate_apply(&cur, RSTATE_CLOSED, RROLE_KIOSK, "kiosk-pkl-01", -5, NULL,
				      &ev),
			 RSTATE_OK);
	assert_int_equal(cur, RSTATE_CLOSED);
	assert_string_equal(ev.reason, "");
	assert_true(ev.at == -5); /* times are the caller's business */
}

static void expect_apply_refused(rstate from, rstate to, rrole role, const char *actor,
				 const char *reason, rstate_err want)
{
	rstate cur = from;
	rstate_event ev, before;
	memset(&ev, 0x5A, sizeof ev);
	memcpy(&before, &ev, sizeof ev);
	rstate_err got = rstate_apply(&cur, to, role, actor, 1, reason, &ev);
	if (got != want)
		fail_msg("%s -> %s by %s (actor \"%s\"): got %s, want %s", rstate_name(from),
			 rstate_name(to), rrole_name(role), actor ? actor : "(null)",
			 rstate_err_name(got), rstate_err_name(want));
	assert_int_equal(cur, from);
	assert_memory_equal(&ev, &before, sizeof ev);
}

static void test_apply_refusals_leave_everything(void **state)
{
	(void)state;
	char actor[RSTATE_ACTOR_MAX + 1];
	memset(actor, 'o', sizeof actor);
	actor[RSTATE_ACTOR_MAX] = '\0'; /* one byte too long */

	expect_apply_refused(RSTATE_DRAFT, RSTATE_CLOSED, RROLE_OFFICER, "op", NULL,
			     RSTATE_ERR_TRANSITION);
	expect_apply_refused(RSTATE_QUEUED, RSTATE_QUEUED, RROLE_KIOSK, "k", NULL,
			     RSTATE_ERR_TRANSITION);
	expect_apply_refused(RSTATE_QUEUED, RSTATE_RECEIVED, RROLE_KIOSK, "k", NULL,
			     RSTATE_ERR_ROLE);
	expect_apply_refused(RSTATE_IN_VERIFICATION, RSTATE_REJECTED, RROLE_OFFICER, "op", " ",
			     RSTATE_ERR_REASON);
	expect_apply_refused(RSTATE_QUEUED, RSTATE_RECEIVED, RROLE_CENTRAL, "", NULL,
			     RSTATE_ERR_ACTOR);
	expect_apply_refused(RSTATE_QUEUED, RSTATE_RECEIVED, RROLE_CENTRAL, "  \t", NULL,
			     RSTATE_ERR_ACTOR);
	expect_apply_refused(RSTATE_QUEUED, RSTATE_RECEIVED, RROLE_CENTRAL, NULL, NULL,
			     RSTATE_ERR_ACTOR);
	expect_apply_refused(RSTATE_QUEUED, RSTATE_RECEIVED, RROLE_CENTRAL, actor, NULL,
			     RSTATE_ERR_ACTOR);
	/* The move is checked before the actor. */
	expect_apply_refused(RSTATE_QUEUED, RSTATE_CLOSED, RROLE_CENTRAL, "", NULL,
			     RSTATE_ERR_TRANSITION);

	/* The longest actor that fits is fine. */
	actor[RSTATE_ACTOR_MAX - 1] = '\0';
	rstate cur = RSTATE_QUEUED;
	rstate_event ev;
	assert_int_equal(rstate_apply(&cur, RSTATE_RECEIVED, RROLE_CENTRAL, actor, 1, NULL, &ev),
			 RSTATE_OK);
	assert_string_equal(ev.actor, actor);
}

/* ---- paths and replay ------------------------------------------------------ */

typedef struct step {
	const char *to, *role, *reason;
} step;

/* Apply STEPS from draft into EV (cap 16); returns the number of events. */
static int walk(const step *steps, int n, rstate_event ev[16])
{
	assert_true(n <= 16);
	rstate cur = RSTATE_DRAFT;
	for (int i = 0; i < n; i++) {
		rstate_err e = rstate_apply(&cur, st(steps[i].to), ro(steps[i].role), "actor-1",
					    1767229200 + i * 60, steps[i].reason, &ev[i]);
		if (e != RSTATE_OK)
			fail_msg("step %d to %s by %s: %s", i, steps[i].to, steps[i].role,
				 rstate_err_name(e));
	}
	return n;
}

static void expect_replay(const rstate_event *ev, int n, rstate want)
{
	rstate out = RSTATE_COUNT;
	int bad = 99;
	assert_int_equal(rstate_replay(ev, n, &out, &bad), RSTATE_OK);
	assert_int_equal(out, want);
	assert_int_equal(bad, -1);
	assert_int_equal(rstate_replay(ev, n, &out, NULL), RSTATE_OK);
}

static void test_happy_paths_replay(void **state)
{
	(void)state;
	rstate_event ev[16];
	static const step owner[] = {
		{ "queued", "applicant", NULL },      { "received", "central", NULL },
		{ "in_verification", "officer", NULL }, { "accepted", "officer", NULL },
		{ "approved", "central", NULL },      { "informed", "central", NULL },
		{ "revocation_required", "officer", "identitas berubah" },
		{ "revoked", "central", "identitas berubah" },
		{ "notified", "central", NULL },      { "closed", "officer", NULL },
	};
	int n = walk(owner, 10, ev);
	expect_replay(ev, n, RSTATE_CLOSED);
	assert_true(rstate_is_final(ev[n - 1].to));
	/* Every prefix is a valid history ending where its last event does. */
	for (int k = 0; k < n; k++)
		expect_replay(ev, k, k ? ev[k - 1].to : RSTATE_DRAFT);

	static const step no_certificate[] = {
		{ "queued", "kiosk", NULL },          { "received", "central", NULL },
		{ "in_verification", "officer", NULL }, { "accepted", "officer", NULL },
		{ "approved", "officer", NULL },      { "informed", "officer", NULL },
		{ "notified", "officer", NULL },      { "closed", "kiosk", NULL },
	};
	n = walk(no_certificate, 8, ev);
	expect_replay(ev, n, RSTATE_CLOSED);

	static const step rejected[] = {
		{ "queued", "applicant", NULL },
		{ "received", "central", NULL },
		{ "in_verification", "officer", NULL },
		{ "rejected", "officer", "NIK pada formulir berbeda dengan KTP-el" },
		{ "closed", "central", NULL },
	};
	n = walk(rejected, 5, ev);
	expect_replay(ev, 4, RSTATE_REJECTED);
	assert_true(rstate_can_resubmit(RSTATE_REJECTED));
	expect_replay(ev, n, RSTATE_CLOSED);

	/* Offline first: verified at the kiosk before the sync. */
	static const step offline[] = {
		{ "queued", "applicant", NULL },
		{ "in_verification", "officer", NULL },
		{ "accepted", "officer", NULL },
	};
	n = walk(offline, 3, ev);
	expect_replay(ev, n, RSTATE_ACCEPTED);

	rstate out = RSTATE_CLOSED;
	int bad = 5;
	assert_int_equal(rstate_replay(NULL, 0, &out, &bad), RSTATE_OK);
	assert_int_equal(out, RSTATE_DRAFT);
	assert_int_equal(bad, -1);
}

/* A valid 10-event history (the certificate owner's path) to break. */
static int good_history(rstate_event ev[16])
{
	static const step path[] = {
		{ "queued", "applicant", NULL },      { "received", "central", NULL },
		{ "in_verification", "officer", NULL }, { "accepted", "officer", NULL },
		{ "approved", "central", NULL },      { "informed", "central", NULL },
		{ "revocation_required", "officer", NULL }, { "revoked", "central", NULL },
		{ "notified", "central", NULL },      { "closed", "officer", NULL },
	};
	return walk(path, 10, ev);
}

static void expect_replay_refused(const rstate_event *ev, int n, rstate_err want, int want_bad)
{
	rstate out = RSTATE_REVOKED;
	int bad = 99;
	rstate_err got = rstate_replay(ev, n, &out, &bad);
	if (got != want || bad != want_bad)
		fail_msg("got %s at %d, want %s at %d", rstate_err_name(got), bad,
			 rstate_err_name(want), want_bad);
	assert_int_equal(out, RSTATE_REVOKED); /* untouched */
	assert_int_equal(rstate_replay(ev, n, &out, NULL), want);
}

static void test_replay_refuses_broken_histories(void **state)
{
	(void)state;
	rstate_event ev[16];
	int n = good_history(ev);
	expect_replay(ev, n, RSTATE_CLOSED);

	/* A missing event: received is followed by accepted's event. */
	rstate_event gap[16];
	memcpy(gap, ev, 2 * sizeof ev[0]);
	memcpy(gap + 2, ev + 3, (size_t)(n - 3) * sizeof ev[0]);
	expect_replay_refused(gap, n - 1, RSTATE_ERR_CHAIN, 2);

	/* Not starting at draft. */
	expect_replay_refused(ev + 1, n - 1, RSTATE_ERR_CHAIN, 0);

	/* Two events swapped. */
	rstate_event sw[16];
	memcpy(sw, ev, (size_t)n * sizeof ev[0]);
	sw[4] = ev[5];
	sw[5] = ev[4];
	expect_replay_refused(sw, n, RSTATE_ERR_CHAIN, 4);

	/* A consistent chain through a move that does not exist. */
	memcpy(sw, ev, (size_t)n * sizeof ev[0]);
	sw[3].to = RSTATE_INFORMED; /* in_verification -> informed */
	sw[4].from = RSTATE_INFORMED;
	expect_replay_refused(sw, n, RSTATE_ERR_TRANSITION, 3);

	/* A step by a role that may not make it. */
	memcpy(sw, ev, (size_t)n * sizeof ev[0]);
	sw[3].role = RROLE_APPLICANT; /* accepting one's own request */
	expect_replay_refused(sw, n, RSTATE_ERR_ROLE, 3);
	sw[3].role = (rrole)77;
	expect_replay_refused(sw, n, RSTATE_ERR_ROLE, 3);

	/* A rejection without a reason. */
	static const step rej[] = {
		{ "queued", "applicant", NULL },
		{ "in_verification", "officer", NULL },
		{ "rejected", "officer", "tidak sesuai" },
	};
	int m = walk(rej, 3, sw);
	expect_replay(sw, m, RSTATE_REJECTED);
	strcpy(sw[2].reason, " ");
	expect_replay_refused(sw, m, RSTATE_ERR_REASON, 2);

	/* Corrupt records: actor empty, strings without their NUL. */
	memcpy(sw, ev, (size_t)n * sizeof ev[0]);
	sw[6].actor[0] = '\0';
	expect_replay_refused(sw, n, RSTATE_ERR_ACTOR, 6);
	memcpy(sw, ev, (size_t)n * sizeof ev[0]);
	memset(sw[7].actor, 'x', sizeof sw[7].actor);
	expect_replay_refused(sw, n, RSTATE_ERR_ACTOR, 7);
	memcpy(sw, ev, (size_t)n * sizeof ev[0]);
	memset(sw[8].reason, 'x', sizeof sw[8].reason);
	expect_replay_refused(sw, n, RSTATE_ERR_REASON, 8);

	/* Anything after closed is refused: closed is final. */
	memcpy(sw, ev, (size_t)n * sizeof ev[0]);
	sw[n] = ev[n - 1];
	sw[n].from = RSTATE_CLOSED;
	sw[n].to = RSTATE_QUEUED;
	expect_replay_refused(sw, n + 1, RSTATE_ERR_TRANSITION, n);

	/* Times out of order are accepted (clocks of kiosk and AMS differ). */
	memcpy(sw, ev, (size_t)n * sizeof ev[0]);
	sw[2].at = sw[1].at - 3600;
	expect_replay(sw, n, RSTATE_CLOSED);
}

/* ---- next, predicates, shape --------------------------------------------- */

static void test_next_matches_list(void **state)
{
	(void)state;
	for (int f = 0; f < NSTATES; f++) {
		for (int r = 0; r < NROLES; r++) {
			rstate out[NSTATES];
			int n = rstate_next((rstate)f, (rrole)r, out, NSTATES);
			assert_true(n >= 0 && n <= NSTATES);
			bool want[NSTATES] = { false };
			int nwant = 0;
			for (int t = 0; t < NSTATES; t++) {
				int m = allowed_move((rstate)f, (rstate)t);
				if (m >= 0 && allowed_role(m, (rrole)r)) {
					want[t] = true;
					nwant++;
				}
			}
			assert_int_equal(n, nwant);
			for (int i = 0; i < n; i++) {
				if (!want[out[i]])
					fail_msg("%s by %s offers %s", state_names[f], role_names[r],
						 rstate_name(out[i]));
				want[out[i]] = false; /* no duplicates */
			}
		}
	}
	/* The supervisor watches; the applicant only submits. */
	for (int f = 0; f < NSTATES; f++)
		assert_int_equal(rstate_next((rstate)f, RROLE_SUPERVISOR, NULL, 0), 0);

	/* A short OUT: the total comes back, only CAP entries are written. */
	rstate out[2] = { RSTATE_COUNT, RSTATE_COUNT };
	assert_int_equal(rstate_next(RSTATE_INFORMED, RROLE_OFFICER, out, 1), 2);
	assert_int_equal(out[0], RSTATE_REVOCATION_REQUIRED);
	assert_int_equal(out[1], RSTATE_COUNT);
	assert_int_equal(rstate_next(RSTATE_INFORMED, RROLE_CENTRAL, NULL, 0), 2);
	assert_int_equal(rstate_next(RSTATE_IN_VERIFICATION, RROLE_OFFICER, NULL, 0), 2);
	assert_int_equal(rstate_next(RSTATE_COUNT, RROLE_OFFICER, NULL, 0), 0);
	assert_int_equal(rstate_next(RSTATE_INFORMED, RROLE_COUNT, NULL, 0), 0);
}

static void test_predicates(void **state)
{
	(void)state;
	for (int i = 0; i < NSTATES; i++) {
		const char *n = state_names[i];
		rstate s = st(n);
		bool closed = strcmp(n, "closed") == 0;
		bool rejected = strcmp(n, "rejected") == 0;
		bool draft = strcmp(n, "draft") == 0;
		assert_int_equal(rstate_is_final(s), closed);
		assert_int_equal(rstate_can_resubmit(s), rejected);
		assert_int_equal(rstate_is_open(s), !closed && !rejected && !draft);
	}
	assert_false(rstate_is_open(RSTATE_COUNT));
	assert_false(rstate_is_final(RSTATE_COUNT));
}

/* Every state is reachable from draft, and closed from every state: no
 * request can get stuck. Uses every role's rstate_next. */
static void test_no_dead_ends(void **state)
{
	(void)state;
	bool reach[NSTATES][NSTATES] = { { false } }; /* reach[a][b]: a ->* b */
	for (int a = 0; a < NSTATES; a++) {
		reach[a][a] = true;
		for (int r = 0; r < NROLES; r++) {
			rstate out[NSTATES];
			int n = rstate_next((rstate)a, (rrole)r, out, NSTATES);
			for (int i = 0; i < n; i++)
				reach[a][out[i]] = true;
		}
	}
	for (int k = 0; k < NSTATES; k++) /* Warshall */
		for (int a = 0; a < NSTATES; a++)
			for (int b = 0; b < NSTATES; b++)
				reach[a][b] = reach[a][b] || (reach[a][k] && reach[k][b]);
	for (int s = 0; s < NSTATES; s++) {
		if (!reach[RSTATE_DRAFT][s])
			fail_msg("%s is not reachable from draft", state_names[s]);
		if (!reach[s][RSTATE_CLOSED])
			fail_msg("closed is not reachable from %s", state_names[s]);
	}
	/* And no cycles: a request never comes back to a state it left. */
	for (int a = 0; a < NSTATES; a++)
		for (int b = 0; b < NSTATES; b++)
			if (a != b && reach[a][b] && reach[b][a])
				fail_msg("cycle through %s and %s", state_names[a], state_names[b]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_names_round_trip),
		cmocka_unit_test(test_role_names_round_trip),
		cmocka_unit_test(test_unknown_names_refused),
		cmocka_unit_test(test_err_names),
		cmocka_unit_test(test_allowed_moves_accepted),
		cmocka_unit_test(test_cross_product),
		cmocka_unit_test(test_reason_rules),
		cmocka_unit_test(test_apply_fills_event),
		cmocka_unit_test(test_apply_refusals_leave_everything),
		cmocka_unit_test(test_happy_paths_replay),
		cmocka_unit_test(test_replay_refuses_broken_histories),
		cmocka_unit_test(test_next_matches_list),
		cmocka_unit_test(test_predicates),
		cmocka_unit_test(test_no_dead_ends),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_session: one citizen's visit and its idle policy (app/session.c).
 *
 * A fake clock (plain millisecond numbers passed to session_tick) walks a
 * session through the policy with a 60 s idle timeout and a 20 s warning:
 * no dialog a millisecond before the timeout, the "Masih di sana?" dialog
 * exactly at it, a countdown that shows 20, 19, ... 1 and changes exactly at
 * the instants next_ms announces, and the end of the session at timeout +
 * warning. A touch resets the timer only while no dialog shows; answering
 * "still here" (session_continue) does reset it. The last tests check that
 * session_begin and session_wipe leave no byte of the previous visit's form
 * behind (every byte zero except form.choice, which means "none" as -1).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "session.h"

enum {
	TIMEOUT_S = 60,
	WARNING_S = 20,
	FILL = 0xA5, /* pattern standing for a previous visit's typed data */
};

#define T0 ((uint64_t)5000000) /* an arbitrary monotonic start */
#define WARN_AT (T0 + (uint64_t)TIMEOUT_S * 1000u)
#define DEADLINE (WARN_AT + (uint64_t)WARNING_S * 1000u)

static session_state tick(session *s, uint64_t now, int *left, uint64_t *next)
{
	return session_tick(s, now, TIMEOUT_S, WARNING_S, left, next);
}

/* A form as a person would leave it: every byte of it written. */
static void fill_form(session *s)
{
	memset(&s->form, FILL, sizeof s->form);
	strcpy(s->form.name, "Siti Nur'aini");
	strcpy(s->form.nik, "3171234567890123");
	strcpy(s->form.phone, "+6281234567890");
	strcpy(s->form.email, "siti@example.go.id");
	s->form.agree = true;
	s->form.choice = 2;
}

/* Every byte of *S is zero, except form.choice which is -1. */
static void assert_wiped(const session *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t choice_at = offsetof(session, form) + offsetof(session_form, choice);
	for (size_t i = 0; i < sizeof *s; i++) {
		if (i >= choice_at && i < choice_at + sizeof s->form.choice)
			continue;
		if (p[i] != 0)
			fail_msg("byte %zu of the session (of %zu) is 0x%02x after the wipe", i,
				 sizeof *s, p[i]);
	}
	assert_int_equal(s->form.choice, -1);
	assert_false(s->active);
	assert_false(s->idle_dialog);
}

/* ---- idle policy -------------------------------------------------------- */

static void test_no_session_is_ok(void **state)
{
	(void)state;
	session s;
	session_wipe(&s);
	int left = 7;
	uint64_t next = 0;
	assert_int_equal(tick(&s, T0 + 10000000u, &left, &next), SESSION_OK);
	assert_int_equal(left, 0);
	assert_true(next == UINT64_MAX);
	/* NULL outputs are allowed. */
	assert_int_equal(session_tick(&s, T0, TIMEOUT_S, WARNING_S, NULL, NULL), SESSION_OK);
}

static void test_no_dialog_before_timeout(void **state)
{
	(void)state;
	session s;
	session_begin(&s, T0);
	assert_true(s.active);
	for (uint64_t t = T0; t < WARN_AT; t += 997) {
		int left = -1;
		uint64_t next = 0;
		assert_int_equal(tick(&s, t, &left, &next), SESSION_OK);
		assert_false(s.idle_dialog);
		assert_int_equal(left, 0);
		/* Nothing changes until the timeout: the UI may sleep until then. */
		assert_true(next == WARN_AT);
	}
	int left = -1;
	uint64_t next = 0;
	assert_int_equal(tick(&s, WARN_AT - 1, &left, &next), SESSION_OK);
	assert_false(s.idle_dialog);
	assert_true(next == WARN_AT);
}

static void test_dialog_exactly_at_timeout(void **state)
{
	(void)state;
	session s;
	session_begin(&s, T0);
	int left = -1;
	uint64_t next = 0;
	assert_int_equal(tick(&s, WARN_AT, &left, &next), SESSION_WARN);
	assert_true(s.idle_dialog);
	assert_int_equal(left, WARNING_S);
	assert_true(next == WARN_AT + 1000);
	assert_true(s.idle_deadline_ms == DEADLINE);
}

static void test_countdown_and_expiry(void **state)
{
	(void)state;
	session s;
	session_begin(&s, T0);
	/* Sample every 250 ms plus the edges of each second. */
	for (int k = 0; k < WARNING_S; k++) {
		uint64_t sec = WARN_AT + (uint64_t)k * 1000u;
		const uint64_t probes[] = {sec,	      sec + 1,	 sec + 250,
					   sec + 500, sec + 750, sec + 999};
		for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
			int left = -1;
			uint64_t next = 0;
			assert_int_equal(tick(&s, probes[i], &left, &next), SESSION_WARN);
			/* The dialog shows 20, 19, ... 1: never 0, never 21. */
			assert_int_equal(left, WARNING_S - k);
			/* The number changes at the next whole second, not earlier. */
			assert_true(next == sec + 1000);
		}
	}
	int left = -1;
	uint64_t next = 0;
	assert_int_equal(tick(&s, DEADLINE - 1, &left, &next), SESSION_WARN);
	assert_int_equal(left, 1);
	assert_true(next == DEADLINE);
	assert_int_equal(tick(&s, DEADLINE, &left, &next), SESSION_EXPIRED);
	assert_int_equal(tick(&s, DEADLINE + 12345, &left, &next), SESSION_EXPIRED);
}

static void test_late_tick_expires_at_once(void **state)
{
	(void)state;
	/* The UI thread was busy past timeout + warning: the visit is over. */
	session s;
	session_begin(&s, T0);
	assert_int_equal(tick(&s, DEADLINE, NULL, NULL), SESSION_EXPIRED);
}

static void test_touch_resets_timer_before_dialog(void **state)
{
	(void)state;
	session s;
	session_begin(&s, T0);
	uint64_t touch = T0 + 45000;
	assert_int_equal(tick(&s, touch, NULL, NULL), SESSION_OK);
	session_touch(&s, touch);
	uint64_t next = 0;
	assert_int_equal(tick(&s, WARN_AT, NULL, &next), SESSION_OK);
	assert_true(next == touch + TIMEOUT_S * 1000u);
	assert_int_equal(tick(&s, touch + TIMEOUT_S * 1000u - 1, NULL, NULL), SESSION_OK);
	int left = 0;
	assert_int_equal(tick(&s, touch + TIMEOUT_S * 1000u, &left, NULL), SESSION_WARN);
	assert_int_equal(left, WARNING_S);
}

static void test_touch_during_dialog_does_not_reset(void **state)
{
	(void)state;
	session s;
	session_begin(&s, T0);
	assert_int_equal(tick(&s, WARN_AT, NULL, NULL), SESSION_WARN);
	/* A touch on the dimmed screen behind the dialog is not an answer. */
	session_touch(&s, WARN_AT + 5000);
	assert_true(s.last_input_ms == T0);
	int left = 0;
	assert_int_equal(tick(&s, WARN_AT + 5000, &left, NULL), SESSION_WARN);
	assert_int_equal(left, WARNING_S - 5);
	assert_true(s.idle_dialog);
	assert_int_equal(tick(&s, DEADLINE, NULL, NULL), SESSION_EXPIRED);
}

static void test_continue_resets(void **state)
{
	(void)state;
	session s;
	session_begin(&s, T0);
	assert_int_equal(tick(&s, WARN_AT + 7000, NULL, NULL), SESSION_WARN);
	uint64_t answer = WARN_AT + 7000;
	session_continue(&s, answer);
	assert_false(s.idle_dialog);
	int left = -1;
	uint64_t next = 0;
	assert_int_equal(tick(&s, answer, &left, &next), SESSION_OK);
	assert_int_equal(left, 0);
	assert_true(next == answer + TIMEOUT_S * 1000u);
	/* The old deadline no longer applies. */
	assert_int_equal(tick(&s, DEADLINE, NULL, NULL), SESSION_OK);
	/* A full new timeout and a full new countdown. */
	assert_int_equal(tick(&s, answer + TIMEOUT_S * 1000u - 1, NULL, NULL), SESSION_OK);
	assert_int_equal(tick(&s, answer + TIMEOUT_S * 1000u, &left, NULL), SESSION_WARN);
	assert_int_equal(left, WARNING_S);
	assert_int_equal(tick(&s, answer + (TIMEOUT_S + WARNING_S) * 1000u, NULL, NULL),
			 SESSION_EXPIRED);
}

/* ---- wiping ------------------------------------------------------------- */

static void test_wipe_zeroes_every_byte(void **state)
{
	(void)state;
	session s;
	memset(&s, FILL, sizeof s); /* padding included */
	session_begin(&s, T0);
	fill_form(&s);
	assert_int_equal(tick(&s, WARN_AT, NULL, NULL), SESSION_WARN);
	session_wipe(&s);
	assert_wiped(&s);
	/* A wiped session is no session. */
	uint64_t next = 0;
	assert_int_equal(tick(&s, DEADLINE, NULL, &next), SESSION_OK);
	assert_true(next == UINT64_MAX);
}

static void test_begin_wipes_previous_visit(void **state)
{
	(void)state;
	session s;
	memset(&s, FILL, sizeof s);
	fill_form(&s);
	session_begin(&s, T0 + 1);
	assert_true(s.active);
	assert_true(s.started_ms == T0 + 1);
	assert_true(s.last_input_ms == T0 + 1);
	assert_false(s.idle_dialog);
	/* Every form byte zero, no choice made. */
	const unsigned char *p = (const unsigned char *)&s.form;
	size_t choice_at = offsetof(session_form, choice);
	for (size_t i = 0; i < sizeof s.form; i++) {
		if (i >= choice_at && i < choice_at + sizeof s.form.choice)
			continue;
		if (p[i] != 0)
			fail_msg("form byte %zu is 0x%02x after session_begin", i, p[i]);
	}
	assert_int_equal(s.form.choice, -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_session_is_ok),
		cmocka_unit_test(test_no_dialog_before_timeout),
		cmocka_unit_test(test_dialog_exactly_at_timeout),
		cmocka_unit_test(test_countdown_and_expiry),
		cmocka_unit_test(test_late_tick_expires_at_once),
		cmocka_unit_test(test_touch_resets_timer_before_dialog),
		cmocka_unit_test(test_touch_during_dialog_does_not_reset),
		cmocka_unit_test(test_continue_resets),
		cmocka_unit_test(test_wipe_zeroes_every_byte),
		cmocka_unit_test(test_begin_wipes_previous_visit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

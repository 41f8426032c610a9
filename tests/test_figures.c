/*
 * test_figures: the quarterly performance figures (sync/figures.c) on real
 * SQLite files, one per test in its own temporary directory.
 *
 * Requests of a made-up applicant (Joko Pranoto) are submitted and walked
 * through the state machine at chosen WIB instants of 2026, with the
 * service's own hours (Monday-Thursday 08:00-12:00 and 13:00-15:45, Friday
 * 08:00-11:00) and a few of 2026's days off. The expected working times are
 * worked out by hand below from those hours, so a calendar or a median that
 * goes wrong shows. Covered: the quarters' edges in WIB, received / closed /
 * on time / late, rejected, revoked, median (the lower middle of an even
 * count) and longest working time, open and overdue at the quarter's end
 * and at a NOW inside it, a quarter still to come, complaints, bad
 * arguments, and a store holding a state this code cannot read.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "cal.h"
#include "complaint.h"
#include "figures.h"
#include "fixture_dir.h"
#include "fixture_outbox.h"
#include "fixture_req.h"
#include "fixture_week.h"
#include "queue.h"
#include "store.h"

#define KIOSK "PKL-DISKOMINFO-01"
#define NIK_JOKO "3375011508880005"

/* Q1 2026 in WIB: 1 Jan 2026 00:00 WIB = 31 Dec 2025 17:00 UTC, and 1 Apr. */
#define Q1_FROM INT64_C(1767200400)
#define Q1_TO INT64_C(1774976400)

/* Working seconds of a full Monday..Thursday (4 h + 2 h 45) and a Friday. */
#define FULL_DAY INT64_C(24300)
#define FRIDAY INT64_C(10800)

/* Some of 2026's days off (enough to cover the year and to matter below). */
static const char holidays_2026[] = "2026-02-16\tcuti\tCuti Bersama Tahun Baru Imlek\n"
				    "2026-02-17\tlibur\tTahun Baru Imlek\n"
				    "2026-04-03\tlibur\tWafat Yesus Kristus\n";

typedef struct fx {
	char dir[256], path[300];
	queue *q;
	cal c;
	unsigned next; /* number of the next request's ticket */
} fx;

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	assert_non_null(f);
	assert_int_equal(fxdir_make(f->dir, sizeof f->dir, "test-figures"), 0);
	snprintf(f->path, sizeof f->path, "%s/kiosk.db", f->dir);
	queue_opts o = {.busy_timeout_ms = 200};
	assert_int_equal(queue_open(&f->q, f->path, &o), QUEUE_OK);
	cal_init(&f->c, fx_service_week());
	assert_int_equal(cal_load_holidays(&f->c, holidays_2026, strlen(holidays_2026), NULL), CAL_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	queue_close(&f->q);
	assert_int_equal(fxdir_remove(f->dir), 0);
	free(f);
	return 0;
}

/* ---- helpers ------------------------------------------------------------------------ */

static int64_t wib(int y, int m, int d, int hh, int mm) { return cal_from_wib(y, m, d, hh, mm); }

/* Submit a request of Joko's at SUBMITTED with the calendar's deadline;
 * its ticket into TICKET. */
static void submit(fx *f, int64_t submitted, char ticket[TICKET_TEXT_MAX])
{
	req r;
	rstate_event first;
	bool unc = false;
	assert_int_equal(fx_queued(&r, &first, f->next++, KIOSK, submitted), RSTATE_OK);
	fx_value(&r, REQ_F_NAME, "Joko Pranoto", "Joko Pranoto Wibisono");
	fx_value(&r, REQ_F_NIK, NIK_JOKO, NULL);
	r.consent_at = submitted - 60;
	int64_t deadline = cal_deadline(&f->c, submitted, &unc);
	int64_t target = cal_target(&f->c, submitted, &unc);
	assert_true(deadline > submitted);
	assert_int_equal(queue_submit(f->q, &r, &first, deadline, target, unc), QUEUE_OK);
	snprintf(ticket, TICKET_TEXT_MAX, "%s", r.ticket);
	req_wipe(&r);
}

/* Move TICKET from FROM to TO at AT, as whoever may make that move. */
static void move(fx *f, const char *ticket, rstate from, rstate to, int64_t at)
{
	rstate_event ev;
	rstate cur = from;
	rrole role = to == RSTATE_CLOSED     ? RROLE_KIOSK
		     : to == RSTATE_RECEIVED ? RROLE_CENTRAL
					     : RROLE_OFFICER;
	assert_int_equal(rstate_apply(&cur, to, role, "verifikator01", at,
				      to == RSTATE_REJECTED ? "dokumen tidak lengkap" : NULL, &ev),
			 RSTATE_OK);
	assert_int_equal(queue_append_event(f->q, ticket, &ev, false), QUEUE_OK);
}

/* queued -> in_verification -> accepted -> approved -> informed at AT,
 * AT + 60, ... */
static void to_informed(fx *f, const char *ticket, int64_t at)
{
	static const rstate path[] = {RSTATE_QUEUED, RSTATE_IN_VERIFICATION, RSTATE_ACCEPTED, RSTATE_APPROVED,
				      RSTATE_INFORMED};
	for (int i = 1; i < 5; i++)
		move(f, ticket, path[i - 1], path[i], at + 60 * (i - 1));
}

/* Submitted at SUBMITTED, through to closed at CLOSED (the steps between
 * follow the submission by minutes). */
static void closed_one(fx *f, int64_t submitted, int64_t closed, char ticket[TICKET_TEXT_MAX])
{
	submit(f, submitted, ticket);
	to_informed(f, ticket, submitted + 60);
	move(f, ticket, RSTATE_INFORMED, RSTATE_NOTIFIED, submitted + 600);
	move(f, ticket, RSTATE_NOTIFIED, RSTATE_CLOSED, closed);
}

/* Submitted at SUBMITTED, rejected at REJECTED, closed at CLOSED (0: stays
 * rejected). */
static void rejected_one(fx *f, int64_t submitted, int64_t rejected, int64_t closed)
{
	char t[TICKET_TEXT_MAX];
	submit(f, submitted, t);
	move(f, t, RSTATE_QUEUED, RSTATE_IN_VERIFICATION, rejected - 60);
	move(f, t, RSTATE_IN_VERIFICATION, RSTATE_REJECTED, rejected);
	if (closed != 0)
		move(f, t, RSTATE_REJECTED, RSTATE_CLOSED, closed);
}

/* Submitted at SUBMITTED, its certificate revoked at REVOKED. */
static void revoked_one(fx *f, int64_t submitted, int64_t revoked, char ticket[TICKET_TEXT_MAX])
{
	submit(f, submitted, ticket);
	to_informed(f, ticket, revoked - 600);
	move(f, ticket, RSTATE_INFORMED, RSTATE_REVOCATION_REQUIRED, revoked - 60);
	move(f, ticket, RSTATE_REVOCATION_REQUIRED, RSTATE_REVOKED, revoked);
}

static figures get(fx *f, int year, int quarter, int64_t now)
{
	figures g;
	queue_err e = figures_quarter(f->q, &f->c, year, quarter, now, &g);
	if (e != QUEUE_OK)
		fail_msg("figures_quarter(%d Q%d): %s", year, quarter, queue_err_name(e));
	/* The snapshot is over: the connection is back in autocommit. */
	assert_true(sqlite3_get_autocommit(store_db(f->q)));
	return g;
}

/* Long after 2026: every quarter of it is complete. */
#define LATER wib(2027, 6, 1, 12, 0)

/* ---- the quarter of an instant ---------------------------------------------------- */

static void test_quarter_of(void **state)
{
	(void)state;
	int y = 0, q = 0;

	/* The last minute of March in WIB is Q1, although it is already
	 * 31 March 16:59 UTC; midnight WIB is Q2 although UTC is still in March. */
	assert_int_equal(figures_quarter_of(wib(2026, 3, 31, 23, 59), &y, &q), 0);
	assert_int_equal(y, 2026);
	assert_int_equal(q, 1);
	assert_int_equal(figures_quarter_of(wib(2026, 4, 1, 0, 0), &y, &q), 0);
	assert_int_equal(y, 2026);
	assert_int_equal(q, 2);
	assert_int_equal(figures_quarter_of(Q1_TO - 1, &y, &q), 0);
	assert_int_equal(q, 1);
	assert_int_equal(figures_quarter_of(Q1_TO, &y, &q), 0);
	assert_int_equal(q, 2);
	/* New year's night: 1 Jan 2026 00:00 WIB is 31 Dec 2025 17:00 UTC. */
	assert_int_equal(figures_quarter_of(Q1_FROM - 1, &y, &q), 0);
	assert_int_equal(y, 2025);
	assert_int_equal(q, 4);
	assert_int_equal(figures_quarter_of(Q1_FROM, &y, &q), 0);
	assert_int_equal(y, 2026);
	assert_int_equal(q, 1);
	assert_int_equal(figures_quarter_of(wib(2026, 7, 1, 0, 0), &y, &q), 0);
	assert_int_equal(q, 3);
	assert_int_equal(figures_quarter_of(wib(2026, 9, 30, 23, 59), &y, &q), 0);
	assert_int_equal(q, 3);
	assert_int_equal(figures_quarter_of(wib(2026, 10, 1, 0, 0), &y, &q), 0);
	assert_int_equal(q, 4);

	/* The range's edges, and outside it: -1 and the outputs untouched. */
	assert_int_equal(figures_quarter_of(wib(2000, 1, 1, 0, 0), &y, &q), 0);
	assert_int_equal(y, 2000);
	assert_int_equal(q, 1);
	assert_int_equal(figures_quarter_of(wib(2999, 12, 31, 23, 59), &y, &q), 0);
	assert_int_equal(y, 2999);
	assert_int_equal(q, 4);
	y = 77;
	q = 88;
	assert_int_equal(figures_quarter_of(wib(2000, 1, 1, 0, 0) - 1, &y, &q), -1);
	assert_int_equal(figures_quarter_of(wib(3000, 1, 1, 0, 0), &y, &q), -1);
	assert_int_equal(figures_quarter_of(0, &y, &q), -1);
	assert_int_equal(figures_quarter_of(INT64_MIN, &y, &q), -1);
	assert_int_equal(figures_quarter_of(INT64_MAX, &y, &q), -1);
	assert_int_equal(y, 77);
	assert_int_equal(q, 88);
	assert_int_equal(figures_quarter_of(Q1_FROM, NULL, &q), -1);
	assert_int_equal(figures_quarter_of(Q1_FROM, &y, NULL), -1);
	assert_int_equal(q, 88);
}

/* ---- the quarters' edges in the store ------------------------------------------------ */

static void test_quarter_bounds(void **state)
{
	fx *f = *state;
	char t[TICKET_TEXT_MAX];

	submit(f, wib(2026, 3, 31, 23, 59), t);
	submit(f, wib(2026, 4, 1, 0, 0), t);
	submit(f, Q1_FROM - 1, t); /* the last second of 2025 in WIB */
	submit(f, Q1_FROM, t);

	figures g = get(f, 2026, 1, LATER);
	assert_int_equal(g.year, 2026);
	assert_int_equal(g.quarter, 1);
	assert_int_equal(g.from, Q1_FROM);
	assert_int_equal(g.to, Q1_TO);
	assert_false(g.partial);
	assert_int_equal(g.received, 2); /* 1 Jan 00:00:00 and 31 Mar 23:59 */

	g = get(f, 2026, 2, LATER);
	assert_int_equal(g.from, Q1_TO);
	assert_int_equal(g.to, wib(2026, 7, 1, 0, 0));
	assert_int_equal(g.received, 1);

	g = get(f, 2025, 4, LATER);
	assert_int_equal(g.from, wib(2025, 10, 1, 0, 0));
	assert_int_equal(g.to, Q1_FROM); /* Q4 ends at the next year's start */
	assert_int_equal(g.received, 1);

	g = get(f, 2026, 4, LATER);
	assert_int_equal(g.to, wib(2027, 1, 1, 0, 0));
	assert_int_equal(g.received, 0);
	assert_int_equal(g.median_work_s, -1);
	assert_int_equal(g.max_work_s, -1);
}

/* ---- closed, on time, late, rejected, working times --------------------------------- */

static void test_closed_on_time_and_working_time(void **state)
{
	fx *f = *state;
	char t1[TICKET_TEXT_MAX], t[TICKET_TEXT_MAX];

	/* 1: Monday 2 Feb 09:00 -> Tuesday 09:00. By hand: Monday 09-12 (3 h)
	 * + 13-15:45 (2 h 45) + Tuesday 08-09 (1 h) = 24300 s. On time. */
	closed_one(f, wib(2026, 2, 2, 9, 0), wib(2026, 2, 3, 9, 0), t1);
	/* 2: Friday 6 Feb 10:00 -> Monday 9 Feb 08:30: Friday 10-11 (1 h) +
	 * Monday 08-08:30 = 5400 s. On time. */
	closed_one(f, wib(2026, 2, 6, 10, 0), wib(2026, 2, 9, 8, 30), t);
	/* 3: Monday 9 Feb 14:00 -> Monday 23 Feb 10:00, late: the deadline is the
	 * 5th working day after 9 Feb, 16 and 17 Feb being days off: Wednesday
	 * 18 Feb 15:45. Working time: 9 Feb 14-15:45 (6300) + 10, 11, 12 Feb
	 * (3 full days) + Friday 13 (10800) + 18, 19 Feb (2 full days) + Friday
	 * 20 (10800) + 23 Feb 08-10 (7200) = 156600 s. */
	closed_one(f, wib(2026, 2, 9, 14, 0), wib(2026, 2, 23, 10, 0), t);
	/* 4: Tuesday 10 Feb 09:00, rejected at 11:00, closed at 11:30: a
	 * rejected request closed afterwards is no completed change; it counts
	 * as rejected only (not closed, no working time). */
	rejected_one(f, wib(2026, 2, 10, 9, 0), wib(2026, 2, 10, 11, 0), wib(2026, 2, 10, 11, 30));
	/* 5: rejected and left so. */
	rejected_one(f, wib(2026, 3, 2, 9, 0), wib(2026, 3, 3, 9, 0), 0);
	/* 6: Tuesday 31 Mar 23:59 (Q1) -> Tuesday 7 Apr 10:00 (Q2): 1 and 2 Apr
	 * full, 3 Apr a day off, 6 Apr full, 7 Apr 08-10 = 80100 s. */
	closed_one(f, wib(2026, 3, 31, 23, 59), wib(2026, 4, 7, 10, 0), t);

	/* The one value also cross-checked against the calendar itself. */
	bool unc = true;
	assert_int_equal(cal_working_seconds(&f->c, wib(2026, 2, 2, 9, 0), wib(2026, 2, 3, 9, 0), &unc),
			 24300);
	assert_false(unc);

	figures g = get(f, 2026, 1, LATER);
	assert_int_equal(g.received, 6);
	assert_int_equal(g.closed, 3);
	assert_int_equal(g.closed_on_time, 2);
	assert_int_equal(g.rejected, 2);
	assert_int_equal(g.revoked, 0);
	assert_int_equal(g.open_overdue, 0); /* 6's deadline is in April */
	/* 5400, 24300, 156600: the middle of three. */
	assert_int_equal(g.median_work_s, 24300);
	assert_int_equal(g.max_work_s, 6300 + 3 * FULL_DAY + FRIDAY + 2 * FULL_DAY + FRIDAY + 7200);
	assert_int_equal(g.max_work_s, 156600);
	assert_false(g.uncovered);
	assert_int_equal(g.complaints, 0);

	/* Q2: only 6's closing, submitted in Q1. */
	g = get(f, 2026, 2, LATER);
	assert_int_equal(g.received, 0);
	assert_int_equal(g.closed, 1);
	assert_int_equal(g.closed_on_time, 1); /* deadline Thursday 9 Apr 15:45 */
	assert_int_equal(g.rejected, 0);
	assert_int_equal(g.median_work_s, 2 * FULL_DAY + FULL_DAY + 7200);
	assert_int_equal(g.max_work_s, 80100);

	/* A quarter with nothing closed has no working time. */
	g = get(f, 2025, 1, LATER);
	assert_int_equal(g.closed, 0);
	assert_int_equal(g.median_work_s, -1);
	assert_int_equal(g.max_work_s, -1);
}

/* An odd count's median is its middle, an even count's the lower middle;
 * one close exactly on its deadline counts as on time. */
static void test_median_odd_and_deadline_edge(void **state)
{
	fx *f = *state;
	char t[TICKET_TEXT_MAX];

	closed_one(f, wib(2026, 2, 2, 9, 0), wib(2026, 2, 3, 9, 0), t);     /* 24300 */
	closed_one(f, wib(2026, 2, 6, 10, 0), wib(2026, 2, 9, 8, 30), t);   /* 5400 */
	/* Monday 2 Mar 10:00, deadline the 5th working day after: Monday 9 Mar
	 * 15:45, closed exactly then: 2 Mar 10-15:45 (4 h 45 = 17100) + 3..5 Mar
	 * (3 full) + Friday 6 (10800) + 9 Mar whole (24300) = 125100 s. */
	closed_one(f, wib(2026, 3, 2, 10, 0), wib(2026, 3, 9, 15, 45), t);

	figures g = get(f, 2026, 1, LATER);
	assert_int_equal(g.closed, 3);
	assert_int_equal(g.closed_on_time, 3);
	assert_int_equal(g.median_work_s, 24300);
	assert_int_equal(g.max_work_s, 125100);

	/* A fourth, Tuesday 10 Feb 09:00 -> 11:30 (9000 s): 5400, 9000, 24300,
	 * 125100, and an even count's median is the lower middle. */
	closed_one(f, wib(2026, 2, 10, 9, 0), wib(2026, 2, 10, 11, 30), t);
	g = get(f, 2026, 1, LATER);
	assert_int_equal(g.closed, 4);
	assert_int_equal(g.median_work_s, 9000);
}

/* A working time over a year the holiday table does not cover is flagged. */
static void test_uncovered(void **state)
{
	fx *f = *state;
	char t[TICKET_TEXT_MAX];

	closed_one(f, wib(2026, 2, 2, 9, 0), wib(2026, 2, 3, 9, 0), t);
	figures g = get(f, 2026, 1, LATER);
	assert_false(g.uncovered);

	cal bare;
	cal_init(&bare, fx_service_week());
	assert_int_equal(figures_quarter(f->q, &bare, 2026, 1, LATER, &g), QUEUE_OK);
	assert_true(g.uncovered);
	assert_int_equal(g.median_work_s, 24300);
	/* Nothing closed: nothing measured, nothing flagged. */
	assert_int_equal(figures_quarter(f->q, &bare, 2026, 3, LATER, &g), QUEUE_OK);
	assert_false(g.uncovered);
	assert_int_equal(g.max_work_s, -1);
}

/* ---- revoked -------------------------------------------------------------------------- */

static void test_revoked(void **state)
{
	fx *f = *state;
	char t[TICKET_TEXT_MAX];

	/* Revoked 12 Feb (Q1), then notified and closed in April (Q2). */
	revoked_one(f, wib(2026, 2, 4, 9, 0), wib(2026, 2, 12, 10, 0), t);
	move(f, t, RSTATE_REVOKED, RSTATE_NOTIFIED, wib(2026, 4, 6, 9, 0));
	move(f, t, RSTATE_NOTIFIED, RSTATE_CLOSED, wib(2026, 4, 6, 9, 5));
	/* Revoked in Q2. */
	revoked_one(f, wib(2026, 3, 30, 9, 0), wib(2026, 4, 2, 10, 0), t);

	figures g = get(f, 2026, 1, LATER);
	assert_int_equal(g.received, 2);
	assert_int_equal(g.revoked, 1);
	assert_int_equal(g.closed, 0);
	g = get(f, 2026, 2, LATER);
	assert_int_equal(g.received, 0);
	assert_int_equal(g.revoked, 1);
	assert_int_equal(g.closed, 1);
	assert_int_equal(g.closed_on_time, 0); /* its deadline was 11 Feb */
}

/* ---- open and overdue ------------------------------------------------------------------- */

static void test_open_overdue_whole_quarter(void **state)
{
	fx *f = *state;
	char t[TICKET_TEXT_MAX];

	/* Counted at the end of Q1 (1 Apr 00:00): */
	/* A: deadline 11 Feb, revoked 12 Feb and left there (still open). */
	revoked_one(f, wib(2026, 2, 4, 9, 0), wib(2026, 2, 12, 10, 0), t);
	/* B: deadline 9 Mar, never moved. */
	submit(f, wib(2026, 3, 2, 9, 0), t);
	/* C: deadline 9 Feb, closed only on 2 Apr: stored closed, open then. */
	closed_one(f, wib(2026, 2, 2, 9, 0), wib(2026, 4, 2, 10, 0), t);
	/* H: closed at the very instant Q1 ends: not yet closed within Q1. */
	closed_one(f, wib(2026, 3, 2, 10, 0), Q1_TO, t);

	/* Not counted: */
	/* D: submitted 31 Mar 23:59, deadline 9 Apr. */
	submit(f, wib(2026, 3, 31, 23, 59), t);
	/* E: closed late, but before the quarter ended. */
	closed_one(f, wib(2026, 2, 9, 14, 0), wib(2026, 2, 23, 10, 0), t);
	/* F: rejected (the outcome is known). */
	rejected_one(f, wib(2026, 2, 10, 9, 0), wib(2026, 2, 10, 11, 0), 0);
	/* G: overdue, but submitted in Q4 2025. */
	submit(f, wib(2025, 12, 1, 9, 0), t);

	figures g = get(f, 2026, 1, LATER);
	assert_int_equal(g.received, 7);
	assert_int_equal(g.open_overdue, 4);
	assert_int_equal(g.closed, 1); /* E; H closed in Q2 */
	assert_int_equal(g.closed_on_time, 0);

	g = get(f, 2026, 2, LATER);
	assert_int_equal(g.closed, 2); /* C and H */
	assert_int_equal(g.closed_on_time, 0);
	assert_int_equal(g.open_overdue, 0); /* nothing submitted in Q2 */

	g = get(f, 2025, 4, LATER);
	assert_int_equal(g.received, 1);
	assert_int_equal(g.open_overdue, 1);
}

/* ---- a quarter in progress --------------------------------------------------------------- */

static void test_partial(void **state)
{
	fx *f = *state;
	char t[TICKET_TEXT_MAX];
	const int64_t now = wib(2026, 2, 20, 12, 0); /* Friday 20 Feb, what is stored so far */

	closed_one(f, wib(2026, 2, 2, 9, 0), wib(2026, 2, 3, 9, 0), t);
	/* Deadline Wednesday 18 Feb 15:45: overdue now. */
	submit(f, wib(2026, 2, 9, 14, 0), t);
	move(f, t, RSTATE_QUEUED, RSTATE_RECEIVED, wib(2026, 2, 9, 14, 5));
	move(f, t, RSTATE_RECEIVED, RSTATE_IN_VERIFICATION, wib(2026, 2, 10, 9, 0));
	/* Wednesday 18 Feb 09:00, deadline Wednesday 25 Feb 15:45: not yet. */
	submit(f, wib(2026, 2, 18, 9, 0), t);

	figures g = get(f, 2026, 1, now);
	assert_true(g.partial);
	assert_int_equal(g.from, Q1_FROM);
	assert_int_equal(g.to, Q1_TO);
	assert_int_equal(g.received, 3);
	assert_int_equal(g.closed, 1);
	assert_int_equal(g.closed_on_time, 1);
	assert_int_equal(g.median_work_s, 24300);
	assert_int_equal(g.open_overdue, 1);

	/* The same store seen at the quarter's last second, and once it ended:
	 * both open ones are overdue by then. */
	g = get(f, 2026, 1, Q1_TO - 1);
	assert_true(g.partial);
	assert_int_equal(g.open_overdue, 2);
	g = get(f, 2026, 1, Q1_TO);
	assert_false(g.partial);
	assert_int_equal(g.open_overdue, 2);
	/* From its first second a quarter is in progress. */
	g = get(f, 2026, 1, Q1_FROM);
	assert_true(g.partial);
	assert_int_equal(g.open_overdue, 0);
	/* A past quarter is complete. */
	g = get(f, 2025, 4, now);
	assert_false(g.partial);
	assert_int_equal(g.received, 0);
}

/* ---- a quarter still to come ----------------------------------------------------------------- */

static void test_future_quarter(void **state)
{
	fx *f = *state;
	char t[TICKET_TEXT_MAX];
	const int64_t now = wib(2026, 2, 20, 12, 0);

	/* Rows dated after NOW (a clock that was ahead) must not show up in a
	 * quarter that has not begun. */
	closed_one(f, wib(2026, 4, 6, 9, 0), wib(2026, 4, 7, 9, 0), t);
	char number[COMPLAINT_NUMBER_MAX];
	complaint_form_data d = {COMPLAINT_CAT_SERVICE, "Antrean terlalu lama di loket dua", "", ""};
	assert_int_equal(complaint_file(f->q, KIOSK, &d, wib(2026, 4, 6, 10, 0), number), QUEUE_OK);

	figures g;
	memset(&g, 0x5a, sizeof g);
	assert_int_equal(figures_quarter(f->q, &f->c, 2026, 2, now, &g), QUEUE_OK);
	assert_int_equal(g.year, 2026);
	assert_int_equal(g.quarter, 2);
	assert_int_equal(g.from, Q1_TO);
	assert_int_equal(g.to, wib(2026, 7, 1, 0, 0));
	assert_false(g.partial);
	assert_int_equal(g.received, 0);
	assert_int_equal(g.closed, 0);
	assert_int_equal(g.closed_on_time, 0);
	assert_int_equal(g.rejected, 0);
	assert_int_equal(g.revoked, 0);
	assert_int_equal(g.open_overdue, 0);
	assert_int_equal(g.median_work_s, -1);
	assert_int_equal(g.max_work_s, -1);
	assert_false(g.uncovered);
	assert_int_equal(g.complaints, 0);
	assert_int_equal(g.complaints_resolved, 0);
	assert_int_equal(g.complaints_escalated, 0);

	/* Seen from later, the same quarter has them. */
	g = get(f, 2026, 2, LATER);
	assert_int_equal(g.received, 1);
	assert_int_equal(g.closed, 1);
	assert_int_equal(g.complaints, 1);

	g = get(f, 2027, 1, now);
	assert_false(g.partial);
	assert_int_equal(g.from, wib(2027, 1, 1, 0, 0));
	assert_int_equal(g.median_work_s, -1);
}

/* ---- complaints ---------------------------------------------------------------------------- */

static void complaint_at(fx *f, int64_t at, char number[COMPLAINT_NUMBER_MAX])
{
	complaint_form_data d = {COMPLAINT_CAT_WAITING_TIME, "Antrean terlalu lama di loket dua", "", ""};
	assert_int_equal(complaint_file(f->q, KIOSK, &d, at, number), QUEUE_OK);
}

/* Empty the outbox as the central service would. */
static void drain(fx *f)
{
	assert_true(fx_drain_outbox(f->q) >= 0);
}

static void act(fx *f, const char *number, complaint_action a, rrole role, int64_t at)
{
	const char *actor = role == RROLE_SUPERVISOR ? "2001" : role == RROLE_KIOSK ? KIOSK : "1001";
	assert_int_equal(complaint_act(f->q, number, a, role, actor, "Sudah ditindaklanjuti", at), QUEUE_OK);
}

static void test_complaints(void **state)
{
	fx *f = *state;
	char c1[COMPLAINT_NUMBER_MAX], c2[COMPLAINT_NUMBER_MAX], c3[COMPLAINT_NUMBER_MAX],
		c4[COMPLAINT_NUMBER_MAX];

	/* c1: filed, answered and resolved in Q1. */
	complaint_at(f, wib(2026, 2, 2, 10, 0), c1);
	act(f, c1, COMPLAINT_RESPOND, RROLE_OFFICER, wib(2026, 2, 3, 9, 0));
	act(f, c1, COMPLAINT_RESOLVE, RROLE_OFFICER, wib(2026, 2, 5, 9, 0));
	/* c2: filed and escalated in Q1's last hours, resolved in Q2. */
	complaint_at(f, wib(2026, 3, 31, 15, 0), c2);
	act(f, c2, COMPLAINT_ESCALATE, RROLE_OFFICER, wib(2026, 3, 31, 23, 59));
	act(f, c2, COMPLAINT_RESOLVE, RROLE_SUPERVISOR, wib(2026, 4, 2, 9, 0));
	/* c3: filed at Q2's first instant, left open. */
	complaint_at(f, Q1_TO, c3);
	/* c4: filed in Q4 2025, escalated by the kiosk on 2 Jan 2026. */
	complaint_at(f, wib(2025, 12, 30, 10, 0), c4);
	act(f, c4, COMPLAINT_ESCALATE, RROLE_KIOSK, wib(2026, 1, 2, 10, 0));

	figures g = get(f, 2026, 1, LATER);
	assert_int_equal(g.complaints, 2);
	assert_int_equal(g.complaints_resolved, 1);
	assert_int_equal(g.complaints_escalated, 2);
	assert_int_equal(g.received, 0); /* complaints are not requests */

	g = get(f, 2026, 2, LATER);
	assert_int_equal(g.complaints, 1);
	assert_int_equal(g.complaints_resolved, 1);
	assert_int_equal(g.complaints_escalated, 0);

	g = get(f, 2025, 4, LATER);
	assert_int_equal(g.complaints, 1);
	assert_int_equal(g.complaints_resolved, 0);
	assert_int_equal(g.complaints_escalated, 0);

	/* Retention empties a resolved complaint's text once the central
	 * service has it; the complaint still counts. */
	int64_t purged = 0;
	drain(f);
	assert_int_equal(complaint_purge(f->q, wib(2027, 6, 1, 0, 0), 30, &purged), QUEUE_OK);
	assert_int_equal(purged, 2);
	g = get(f, 2026, 1, LATER);
	assert_int_equal(g.complaints, 2);
	assert_int_equal(g.complaints_resolved, 1);
}

/* ---- bad input ------------------------------------------------------------------------------ */

static void assert_zero(const figures *g)
{
	figures z;
	memset(&z, 0, sizeof z);
	assert_memory_equal(g, &z, sizeof z);
}

static void test_bad_arguments(void **state)
{
	fx *f = *state;
	figures g;
	static const struct {
		int year, quarter;
	} bad[] = {{1999, 4}, {3000, 1}, {0, 1}, {-2026, 1}, {2026, 0}, {2026, 5}, {2026, -1}};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		memset(&g, 0x5a, sizeof g);
		assert_int_equal(figures_quarter(f->q, &f->c, bad[i].year, bad[i].quarter, LATER, &g),
				 QUEUE_ERR_INVALID);
		assert_zero(&g);
	}
	memset(&g, 0x5a, sizeof g);
	assert_int_equal(figures_quarter(NULL, &f->c, 2026, 1, LATER, &g), QUEUE_ERR_INVALID);
	assert_zero(&g);
	memset(&g, 0x5a, sizeof g);
	assert_int_equal(figures_quarter(f->q, NULL, 2026, 1, LATER, &g), QUEUE_ERR_INVALID);
	assert_zero(&g);
	assert_int_equal(figures_quarter(f->q, &f->c, 2026, 1, LATER, NULL), QUEUE_ERR_INVALID);

	/* The range's own edges are fine. */
	g = get(f, 2000, 1, LATER);
	assert_int_equal(g.from, wib(2000, 1, 1, 0, 0));
	g = get(f, 2999, 4, LATER);
	assert_int_equal(g.to, wib(3000, 1, 1, 0, 0));
	assert_false(g.partial);
	assert_int_equal(g.median_work_s, -1); /* after NOW: zeros */
}

/* A history holding two closings (a central decision replayed after the
 * kiosk closed the request): the request counts once, in the quarter of
 * the first, with the working time up to the first. */
static void test_closed_twice_counts_once(void **state)
{
	fx *f = *state;
	char t[TICKET_TEXT_MAX];
	sqlite3 *raw = NULL;

	closed_one(f, wib(2026, 2, 2, 9, 0), wib(2026, 2, 3, 9, 0), t);
	assert_int_equal(sqlite3_open_v2(f->path, &raw, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	char sql[256];
	snprintf(sql, sizeof sql,
		 "INSERT INTO events (request_id, from_state, to_state, role, actor, at)"
		 " SELECT id, 'notified', 'closed', 'central', 'ams', %lld FROM requests",
		 (long long)wib(2026, 4, 2, 9, 0));
	assert_int_equal(sqlite3_exec(raw, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(raw);

	figures g = get(f, 2026, 1, LATER);
	assert_int_equal(g.closed, 1);
	assert_int_equal(g.closed_on_time, 1);
	assert_int_equal(g.median_work_s, 24300);
	assert_int_equal(g.max_work_s, 24300);
	g = get(f, 2026, 2, LATER);
	assert_int_equal(g.closed, 0);
	assert_int_equal(g.max_work_s, -1);
}

/* A state name this code never writes: the figures refuse to guess (IO),
 * leave *OUT zero and the connection out of any transaction. */
static void test_unreadable_state(void **state)
{
	fx *f = *state;
	char t[TICKET_TEXT_MAX];
	sqlite3 *raw = NULL;

	submit(f, wib(2026, 2, 2, 9, 0), t);
	assert_int_equal(sqlite3_open_v2(f->path, &raw, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	static const char limbo[] =
		"INSERT INTO events (request_id, from_state, to_state, role, actor, at)"
		" SELECT id, 'queued', 'limbo', 'officer', 'x', submitted_at + 60 FROM requests";
	assert_int_equal(sqlite3_exec(raw, limbo, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(raw);

	figures g;
	memset(&g, 0x5a, sizeof g);
	assert_int_equal(figures_quarter(f->q, &f->c, 2026, 1, LATER, &g), QUEUE_ERR_IO);
	assert_zero(&g);
	assert_true(sqlite3_get_autocommit(store_db(f->q)));
	/* The handle still writes. */
	submit(f, wib(2026, 5, 4, 9, 0), t);
	g = get(f, 2026, 2, LATER);
	assert_int_equal(g.received, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quarter_of),
		cmocka_unit_test_setup_teardown(test_quarter_bounds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_closed_on_time_and_working_time, setup, teardown),
		cmocka_unit_test_setup_teardown(test_median_odd_and_deadline_edge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_uncovered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_revoked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_overdue_whole_quarter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_partial, setup, teardown),
		cmocka_unit_test_setup_teardown(test_future_quarter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_complaints, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_arguments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_closed_twice_counts_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unreadable_state, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

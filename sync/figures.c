/*
 * figures: the quarterly performance figures (see figures.h for the
 * contract), counted from the requests, events and complaints tables.
 *
 * Everything is read inside one BEGIN ... COMMIT on the queue handle's
 * connection (store.h), so the counts are of one snapshot even while the
 * sync engine writes through another connection (WAL). Statements are
 * prepared per call: figures are asked for a few times a quarter. Only
 * states and times are selected, never a payload: nothing here can leak
 * personal data, and SQLite's error texts never leave this file.
 *
 * Which event counts: the state machine has no cycles, so a request reaches
 * closed, rejected or revoked at most once in a consistent history; should
 * a history ever hold two such events (a central decision replayed), the
 * request counts once, in the quarter of its FIRST such event (smallest
 * at), so no request is counted in two quarters.
 */
#include "figures.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"

#define FIGURES_YEAR_MIN 2000
#define FIGURES_YEAR_MAX 2999

/* ---- small helpers ------------------------------------------------------------- */

static int clamp_int(int64_t v)
{
	return v < 0 ? 0 : v > INT_MAX ? INT_MAX : (int)v;
}

/* The single number SQL computes with ?1 = FROM, ?2 = TO into *OUT. */
static queue_err count_of(queue *q, const char *sql, int64_t from, int64_t to, int *out)
{
	sqlite3_stmt *st;
	int rc = store_prepare(q, sql, &st);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, from);
		sqlite3_bind_int64(st, 2, to);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			*out = clamp_int(sqlite3_column_int64(st, 0));
			rc = SQLITE_OK;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_OK ? QUEUE_OK : store_read_err(rc);
}

/* Rows of TABLE whose COLUMN lies in [?1, ?2) (a NULL time never does). */
#define IN_QUARTER(table, column) \
	"SELECT count(*) FROM " table " WHERE " column " >= ?1 AND " column " < ?2"

/* Requests whose first event to STATE (a literal wire name) lies in [?1, ?2). */
#define FIRST_EVENT_COUNT(state)                                                          \
	"SELECT count(*) FROM (SELECT min(at) AS first FROM events WHERE to_state = '" state \
	"' GROUP BY request_id) WHERE first >= ?1 AND first < ?2"

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* ---- the parts ------------------------------------------------------------------ */

/*
 * closed, closed_on_time, and the working times of the requests closed in
 * the quarter (the first closing event of each), with their median (the
 * lower middle of an even count) and maximum. A rejected request that is
 * closed afterwards is not a completed change: it counts as rejected only.
 */
static queue_err closed_part(queue *q, const cal *c, figures *out)
{
	sqlite3_stmt *st;
	int64_t *work = NULL;
	size_t n = 0, cap = 0;
	queue_err err = QUEUE_OK;
	int rc = store_prepare(q,
			 "SELECT r.submitted_at, r.deadline_at, x.first FROM"
			 " (SELECT request_id, min(at) AS first FROM events WHERE to_state = 'closed'"
			 "  GROUP BY request_id) AS x JOIN requests r ON r.id = x.request_id"
			 " WHERE x.first >= ?1 AND x.first < ?2"
			 " AND NOT EXISTS (SELECT 1 FROM events j WHERE j.request_id = x.request_id"
			 "  AND j.to_state = 'rejected')",
			 &st);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, out->from);
		sqlite3_bind_int64(st, 2, out->to);
	}
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t submitted = sqlite3_column_int64(st, 0);
		int64_t deadline = sqlite3_column_int64(st, 1);
		int64_t closed = sqlite3_column_int64(st, 2);
		bool unc = false;

		if (n == cap) {
			size_t ncap = cap ? 2 * cap : 64;
			int64_t *grown = realloc(work, ncap * sizeof *grown);
			if (grown == NULL) {
				err = QUEUE_ERR_NOMEM;
				break;
			}
			work = grown;
			cap = ncap;
		}
		work[n++] = cal_working_seconds(c, submitted, closed, &unc);
		out->uncovered |= unc;
		if (closed <= deadline)
			out->closed_on_time++;
		rc = SQLITE_OK;
	}
	if (err == QUEUE_OK && rc != SQLITE_DONE)
		err = store_read_err(rc);
	sqlite3_finalize(st);
	if (err == QUEUE_OK && n > 0) {
		qsort(work, n, sizeof *work, cmp_i64);
		out->closed = clamp_int((int64_t)n);
		out->median_work_s = work[(n - 1) / 2];
		out->max_work_s = work[n - 1];
	}
	free(work);
	return err;
}

/*
 * open_overdue, at the instant AT = min(NOW, TO). The rule, exactly:
 * a request counts when
 *   - it was submitted in the quarter (FROM <= submitted_at < TO) and
 *     before AT;
 *   - its deadline had passed before AT (deadline_at < AT);
 *   - its state at AT was open (rstate_is_open(): queued .. notified, so
 *     not rejected, not closed), where its state at AT is the to_state of
 *     its event with the HIGHEST id among those with at < AT (the history's
 *     own order, not the clocks': the kiosk's and the central service's may
 *     disagree), or its stored state when no event has at < AT.
 * An event exactly at AT has not happened yet "at AT": a request closed at
 * the next quarter's first instant was still open at the end of this one.
 */
static queue_err overdue_part(queue *q, int64_t at, figures *out)
{
	sqlite3_stmt *st;
	queue_err err = QUEUE_OK;
	int64_t n = 0;
	int rc = store_prepare(q,
			 "SELECT coalesce((SELECT e.to_state FROM events e WHERE e.request_id = r.id"
			 "  AND e.at < ?3 ORDER BY e.id DESC LIMIT 1), r.state)"
			 " FROM requests r WHERE r.submitted_at >= ?1 AND r.submitted_at < ?2"
			 " AND r.submitted_at < ?3 AND r.deadline_at < ?3",
			 &st);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, out->from);
		sqlite3_bind_int64(st, 2, out->to);
		sqlite3_bind_int64(st, 3, at);
	}
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		rstate s;
		const char *name = (const char *)sqlite3_column_text(st, 0);
		if (name == NULL || rstate_parse(name, &s) != 0) {
			err = QUEUE_ERR_IO; /* a state this code never writes */
			break;
		}
		if (rstate_is_open(s))
			n++;
		rc = SQLITE_OK;
	}
	if (err == QUEUE_OK && rc != SQLITE_DONE)
		err = store_read_err(rc);
	sqlite3_finalize(st);
	out->open_overdue = clamp_int(n);
	return err;
}

/* ---- public --------------------------------------------------------------------- */

int figures_quarter_of(int64_t t, int *year, int *quarter)
{
	if (year == NULL || quarter == NULL)
		return -1;
	cal_civil w = cal_to_wib(t);
	if (w.y < FIGURES_YEAR_MIN || w.y > FIGURES_YEAR_MAX)
		return -1;
	*year = w.y;
	*quarter = (w.m - 1) / 3 + 1;
	return 0;
}

queue_err figures_quarter(queue *q, const cal *c, int year, int quarter, int64_t now, figures *out)
{
	queue_err err;

	if (out != NULL)
		memset(out, 0, sizeof *out);
	if (q == NULL || c == NULL || out == NULL || year < FIGURES_YEAR_MIN || year > FIGURES_YEAR_MAX ||
	    quarter < 1 || quarter > 4)
		return QUEUE_ERR_INVALID;

	out->year = year;
	out->quarter = quarter;
	out->from = cal_from_wib(year, 3 * (quarter - 1) + 1, 1, 0, 0);
	/* Month 13 carries over to January of the next year (cal_from_wib()). */
	out->to = cal_from_wib(year, 3 * quarter + 1, 1, 0, 0);
	out->median_work_s = -1;
	out->max_work_s = -1;
	if (now < out->from)
		return QUEUE_OK; /* nothing of it has happened yet */
	out->partial = now < out->to;

	err = store_read_begin(q);
	if (err == QUEUE_OK)
		err = count_of(q, IN_QUARTER("requests", "submitted_at"), out->from, out->to, &out->received);
	if (err == QUEUE_OK)
		err = closed_part(q, c, out);
	if (err == QUEUE_OK)
		err = count_of(q, FIRST_EVENT_COUNT("rejected"), out->from, out->to, &out->rejected);
	if (err == QUEUE_OK)
		err = count_of(q, FIRST_EVENT_COUNT("revoked"), out->from, out->to, &out->revoked);
	if (err == QUEUE_OK)
		err = overdue_part(q, out->partial ? now : out->to, out);
	if (err == QUEUE_OK)
		err = count_of(q, IN_QUARTER("complaints", "created_at"), out->from, out->to,
			       &out->complaints);
	if (err == QUEUE_OK)
		err = count_of(q, IN_QUARTER("complaints", "resolved_at"), out->from, out->to,
			       &out->complaints_resolved);
	if (err == QUEUE_OK)
		err = count_of(q, IN_QUARTER("complaints", "escalated_at"), out->from, out->to,
			       &out->complaints_escalated);
	err = store_read_end(q, err);
	if (err != QUEUE_OK)
		memset(out, 0, sizeof *out);
	return err;
}

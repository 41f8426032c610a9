/*
 * figures: the quarterly performance figures of the service at this kiosk
 * (service.md section 3: the officer's performance is evaluated every
 * three months), read from the request store by an officer or supervisor.
 *
 * A quarter is Q1 (January..March) .. Q4 (October..December) of a year, in
 * WIB civil time: [1 Jan 00:00 WIB, 1 Apr 00:00 WIB) and so on. Counts are
 * of what happened in the quarter (a request submitted in March and closed
 * in April counts as received in Q1 and closed in Q2). Only states and
 * times are read: no personal data, so the figures may be shown, exported
 * and logged.
 *
 * Threads and blocking: as queue.h (one handle per thread); one read
 * transaction, a few indexed queries plus one pass over the quarter's
 * closed requests (milliseconds for a year of a city office's requests).
 */
#ifndef KIOSK_FIGURES_H
#define KIOSK_FIGURES_H

#include <stdbool.h>
#include <stdint.h>

#include "cal.h"
#include "queue.h"

typedef struct figures {
	int year;                 /* 2000..2999 */
	int quarter;              /* 1..4 */
	int64_t from, to;         /* the quarter: [from, to), epoch s */
	bool partial;             /* NOW lies inside the quarter: figures so far */
	/* Requests. */
	int received;             /* submitted in the quarter */
	int closed;               /* completed: closed (the last step) in the quarter, never rejected */
	int closed_on_time;       /* of those, closed at or before their deadline */
	int rejected;             /* rejected in the quarter */
	int revoked;              /* certificates revoked in the quarter (requests moved to revoked) */
	int open_overdue;         /* submitted in the quarter, still open at min(NOW, to), past their
				     deadline then */
	/* Working time from submission to closing, over the requests closed in
	 * the quarter (cal_working_seconds() with the kiosk's calendar):
	 * median and longest, in seconds; -1 when none was closed. */
	int64_t median_work_s;
	int64_t max_work_s;
	bool uncovered;           /* a working time touched a year the holiday table does not cover */
	/* Complaints. */
	int complaints;           /* filed in the quarter */
	int complaints_resolved;  /* resolved in the quarter */
	int complaints_escalated; /* escalated in the quarter (by hand or automatically) */
} figures;

/*
 * The quarter (1..4) and its year that the instant T (epoch s) falls in,
 * in WIB. Never fails for T in 2000..2999; returns -1 (and leaves the
 * outputs untouched) outside.
 */
int figures_quarter_of(int64_t t, int *year, int *quarter);

/*
 * The figures of QUARTER (1..4) of YEAR (2000..2999) into *OUT (OUT, not
 * NULL; zeroed first), working times measured with C (not NULL), NOW
 * (epoch s) the current time (for partial and open_overdue). A quarter
 * entirely after NOW gives zeros (partial false).
 * Returns QUEUE_OK; QUEUE_ERR_INVALID (bad arguments), QUEUE_ERR_BUSY,
 * QUEUE_ERR_IO, QUEUE_ERR_NOMEM (then *OUT is zero).
 */
queue_err figures_quarter(queue *q, const cal *c, int year, int quarter, int64_t now, figures *out);

#endif

/*
 * cal: the working-hours calendar of the service, the one rule for counting
 * time that receipts, the officer queue and the reports share.
 *
 * A calendar is a week of service windows (configuration: [hours] in
 * kiosk.conf) plus a table of days off (national holidays, libur, and joint
 * leave days, cuti bersama) parsed from a holidays file's text. From it the
 * calendar answers: is the office open at an instant, when does it open
 * next, a request's effective receipt (its submission time if inside a
 * window, else the next opening), its deadline (closing time of the 5th
 * working day after the effective receipt's day) and target (the 1st), and
 * the working time between two instants.
 *
 * Instants are int64_t seconds since the Unix epoch (UTC). All civil time is
 * WIB, UTC+7 with no daylight saving, computed here with our own civil-date
 * arithmetic, so the machine's time zone (TZ, /etc/localtime) never matters.
 * Plain C, no I/O, no clock: callers pass file contents and instants in.
 *
 * A holidays table covers the years it has entries for. A result that
 * counted or skipped a day of a year the table does not cover is computed as
 * if that year had no days off and is flagged (*UNCOVERED), never trusted
 * silently: the government publishes each year's days off separately.
 */
#ifndef KIOSK_CAL_H
#define KIOSK_CAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CAL_WIB_OFFSET (7 * 3600) /* seconds WIB is ahead of UTC */
#define CAL_DAY_MINUTES 1440

#define CAL_DEADLINE_DAYS 5 /* completion limit: 5 working days */
#define CAL_TARGET_DAYS 1   /* target duration: 1 day */

/* How far ahead cal_next_open() looks, and the longest run of days without
 * a working day that cal_close_of_nth_working_day() crosses, before giving
 * up with -1. More than a year, so any real table of days off fits. */
#define CAL_SEARCH_DAYS 400

#define CAL_WINDOWS_MAX 4
#define CAL_HOLIDAYS_MAX 128
#define CAL_NAME_MAX 96  /* a holiday's name, with its NUL: at most 95 bytes */
#define CAL_LINE_MAX 1023 /* bytes of a holidays-file line, without its line end */

/* One service window, in minutes after local (WIB) midnight: open at
 * START_MIN, closed from END_MIN on. 0 <= start_min < end_min <= 1440; a
 * window ending at 24:00 has end_min 1440. */
typedef struct cal_window {
	int start_min, end_min;
} cal_window;

/* The windows of one weekday, in order and not overlapping (one may start
 * where the previous ends); the gaps are breaks. n == 0: closed all day. */
typedef struct cal_day {
	int n;
	cal_window w[CAL_WINDOWS_MAX];
} cal_day;

/* Index 0 = Monday ... 6 = Sunday. */
typedef struct cal_week {
	cal_day day[7];
} cal_week;

typedef enum cal_holiday_kind {
	CAL_HOLIDAY_NATIONAL,    /* "libur": hari libur nasional */
	CAL_HOLIDAY_JOINT_LEAVE, /* "cuti": cuti bersama */
} cal_holiday_kind;

typedef struct cal_holiday {
	int y, m, d;
	int64_t day_no; /* the same date as days since 1970-01-01 */
	cal_holiday_kind kind;
	char name[CAL_NAME_MAX]; /* UTF-8 as in the file, NUL-terminated */
} cal_holiday;

/* The calendar. Caller-owned, fixed size (about 16 KB), no resources: copy
 * it, or drop it, freely. Read the fields; change them only through cal_*. */
typedef struct cal {
	cal_week week;
	int n_holidays;
	cal_holiday holidays[CAL_HOLIDAYS_MAX]; /* sorted by date, no two equal */
} cal;

typedef enum cal_err {
	CAL_OK = 0,
	CAL_ERR_LINE_TOO_LONG, /* a line (any line) longer than CAL_LINE_MAX bytes */
	CAL_ERR_SEPARATOR,     /* fields not separated by exactly one TAB, a space
				  at a field's edge, or a fourth field */
	CAL_ERR_DATE,          /* not YYYY-MM-DD, or no such day (2026-04-31, 2026-02-29) */
	CAL_ERR_KIND,          /* kind is neither "libur" nor "cuti" */
	CAL_ERR_NAME_MISSING,  /* no name, or an empty one */
	CAL_ERR_NAME_TOO_LONG, /* name longer than CAL_NAME_MAX - 1 bytes */
	CAL_ERR_NAME_CHARS,    /* a control character (or NUL byte) in the name */
	CAL_ERR_DUPLICATE,     /* the date is already in the table */
	CAL_ERR_TOO_MANY,      /* more than CAL_HOLIDAYS_MAX entries in all */
} cal_err;

/* Civil WIB time of an instant. WDAY: 0 = Monday ... 6 = Sunday. */
typedef struct cal_civil {
	int y, m, d, hh, mm, ss;
	int wday;
} cal_civil;

/*
 * True when every day of WEEK has 0..CAL_WINDOWS_MAX windows, each with
 * 0 <= start_min < end_min <= 1440, in order and not overlapping
 * (w[i].start_min >= w[i-1].end_min). What kiosk.conf's [hours] accepts.
 */
bool cal_week_valid(const cal_week *week);

/*
 * Set C up with the windows of WEEK (copied) and an empty holidays table
 * (so no year is covered yet). WEEK must satisfy cal_week_valid(): an
 * invalid week is a programmer error (the configuration checks the same
 * rules first) and aborts.
 */
void cal_init(cal *c, const cal_week *week);

/*
 * Add the days off of one holidays file to C's table.
 *
 * TEXT: the file's bytes, LEN of them (need not be NUL-terminated; TEXT may
 * be NULL when LEN is 0). Lines end in LF or CR LF; the last may have no
 * line end; a UTF-8 byte-order mark before the first line is skipped.
 * Blank lines (only spaces, TABs) and lines whose first non-blank byte is
 * '#' are ignored. Every other line is YYYY-MM-DD<TAB>kind<TAB>name, kind
 * "libur" (national holiday) or "cuti" (joint leave), name 1..95 bytes of
 * UTF-8 without control characters; spaces and TABs at the end of a line are
 * ignored. Lines may come in any order; the table stays sorted. Loading a
 * second file (the next year's) adds to the table; a date already in the
 * table, from either file, is CAL_ERR_DUPLICATE.
 *
 * ERR_LINE (OUT, may be NULL): on error the 1-based line of the first
 * problem (counting every line, comments and blank ones too); 0 on CAL_OK.
 * Returns CAL_OK, or the first line's problem as one CAL_ERR_* code; checks
 * run in this order: line length, separators, date, kind, name, duplicate,
 * room in the table. All or nothing: on any error C's table is unchanged.
 */
cal_err cal_load_holidays(cal *c, const char *text, size_t len, int *err_line);

/* Drop every entry of C's table (no year covered). The week stays. */
void cal_clear_holidays(cal *c);

/* An ASCII message for logs and `kiosk -n`, e.g. "bad date (no such day)".
 * Never NULL; static storage; unknown values give "unknown error". */
const char *cal_err_name(cal_err e);

/* True when C's table has at least one entry in YEAR. */
bool cal_year_covered(const cal *c, int year);

/* The entry for Y-M-D, or NULL when it is not a day off (or not a date).
 * The pointer is into C and valid until C's table changes. */
const cal_holiday *cal_holiday_on(const cal *c, int y, int m, int d);

/* True when Y-M-D is a valid date whose weekday has windows and which is
 * not in the table. A date in an uncovered year is judged by its weekday
 * alone (check cal_year_covered() when that matters). */
bool cal_is_working_day(const cal *c, int y, int m, int d);

/* True when T lies inside a window [start, end) of a working day: not in a
 * break, not at a window's end, not on a day off. */
bool cal_is_open(const cal *c, int64_t t);

/*
 * T itself when open at T; else the start of the next window of a working
 * day after T. Looks at most CAL_SEARCH_DAYS days ahead; returns -1 when
 * there is none (e.g. a week without windows).
 */
int64_t cal_next_open(const cal *c, int64_t t);

/* A request's effective receipt (service.md 3): SUBMITTED when open, else
 * the next opening (12:30 -> 13:00; Friday 14:00 -> the next working day's
 * opening). -1 when the office never opens. Same as cal_next_open(). */
int64_t cal_effective_receipt(const cal *c, int64_t submitted);

/*
 * The closing time (end of the last window) of the N-th working day after
 * the WIB day of EFFECTIVE, N >= 1 (the day of EFFECTIVE itself never
 * counts). Returns -1 when N < 1, EFFECTIVE < 0, or a run of
 * CAL_SEARCH_DAYS days without a working day is met.
 *
 * UNCOVERED (OUT, may be NULL): true when any day counted or skipped (the
 * days after EFFECTIVE's day up to the result's day) lies in a year the
 * table does not cover; the result was then computed as if that year had
 * no days off and must be shown as unconfirmed, not trusted. False
 * otherwise, and on -1. EFFECTIVE's own day is not looked at: the result
 * does not depend on it.
 */
int64_t cal_close_of_nth_working_day(const cal *c, int64_t effective, int n, bool *uncovered);

/*
 * Deadline of a request submitted at SUBMITTED: the closing time of the
 * CAL_DEADLINE_DAYS-th working day after the effective receipt's day.
 * UNCOVERED as above, and also true when the effective receipt's own day is
 * in an uncovered year (it may be a day off the table does not know). Days
 * skipped between SUBMITTED and the effective receipt do not matter: they
 * were closed, and an unknown day off could only close them more. -1 when
 * the office never opens.
 */
int64_t cal_deadline(const cal *c, int64_t submitted, bool *uncovered);

/* Target of a request: as cal_deadline() with CAL_TARGET_DAYS. */
int64_t cal_target(const cal *c, int64_t submitted, bool *uncovered);

/*
 * Working seconds in [A, B): only time inside the windows of working days
 * counts. 0 when A >= B. Cost grows with the number of entries in the
 * table, not with the span (whole weeks are counted at once).
 *
 * UNCOVERED (OUT, may be NULL): true when a day that [A, B) touches lies in
 * a year the table does not cover (counted as if it had no days off).
 * Instants are clamped to about +-34,000 years around 1970.
 */
int64_t cal_working_seconds(const cal *c, int64_t a, int64_t b, bool *uncovered);

/* Civil WIB time of T (clamped as above). */
cal_civil cal_to_wib(int64_t t);

/* The instant of WIB civil time Y-M-D HH:MM:00. No validation: out-of-range
 * fields carry over arithmetically (HH 24 is the next day's 00:00, D 0 the
 * previous month's last day). Check the date with cal_valid_date(). */
int64_t cal_from_wib(int y, int m, int d, int hh, int mm);

/* True when Y-M-D is a day of the proleptic Gregorian calendar, years
 * 1..9999 (leap years: divisible by 4, except centuries not divisible by
 * 400). */
bool cal_valid_date(int y, int m, int d);

#endif

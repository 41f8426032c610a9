/*
 * cal: the working-hours calendar (see cal.h for the contracts).
 *
 * Everything is counted in WIB day numbers (days since 1970-01-01, the day
 * of an instant being floor((t + 7 h) / 24 h)) and seconds into that day.
 * The civil date of a day number comes from our own proleptic Gregorian
 * arithmetic: years are counted from 1 March, which puts the leap day at the
 * end of the year, so month lengths follow the fixed pattern 31 30 31 30 31
 * 31 30 31 30 31 31 (28|29) and the days before a month are (153 mp + 2) / 5
 * for month mp counted from March. Nothing here asks the C library about
 * time zones, so the machine's TZ never changes an answer.
 */
#include <stdlib.h>
#include <string.h>

#include "cal.h"

#define DAY_SECS ((int64_t)86400)
/* Instants are clamped to +-2^40 s (about +-34,800 years): day and year
 * arithmetic then never overflows, and every year fits in an int. */
#define T_LIMIT ((int64_t)1 << 40)
/* Days from 0000-03-01 to 1970-01-01 in the proleptic Gregorian calendar. */
#define MARCH0_TO_EPOCH 719468
#define DAYS_PER_400_YEARS 146097

/* ---- civil arithmetic -------------------------------------------------- */

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if (a % b != 0 && (a < 0) != (b < 0))
		q--;
	return q;
}

static int64_t floor_mod(int64_t a, int64_t b)
{
	return a - floor_div(a, b) * b;
}

/* Day number of 1 March of year Y. */
static int64_t march1(int64_t y)
{
	return 365 * y + floor_div(y, 4) - floor_div(y, 100) + floor_div(y, 400) - MARCH0_TO_EPOCH;
}

/* Day number of Y-M-D, M in 1..12 (D may run outside the month). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int mp = m >= 3 ? m - 3 : m + 9; /* months since March */
	return march1(m >= 3 ? y : y - 1) + (153 * mp + 2) / 5 + d - 1;
}

static void civil_from_days(int64_t dn, int *y, int *m, int *d)
{
	/* Estimate the March-based year from the mean year length, then let
	 * the exact March-1 day numbers settle it (at most a step or two). */
	int64_t ym = floor_div((dn + MARCH0_TO_EPOCH) * 400, DAYS_PER_400_YEARS);
	while (march1(ym + 1) <= dn)
		ym++;
	while (march1(ym) > dn)
		ym--;
	int doy = (int)(dn - march1(ym)); /* 0 = 1 March ... 365 = 29 February */
	int mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(ym + (*m <= 2));
}

static int weekday(int64_t dn) /* 0 = Monday; 1970-01-01 was a Thursday */
{
	return (int)floor_mod(dn + 3, 7);
}

static int year_of(int64_t dn)
{
	int y, m, d;
	civil_from_days(dn, &y, &m, &d);
	return y;
}

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

bool cal_valid_date(int y, int m, int d)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1)
		return false;
	return d <= mdays[m - 1] + (m == 2 && leap(y));
}

static int64_t clamp_t(int64_t t)
{
	return t < -T_LIMIT ? -T_LIMIT : t > T_LIMIT ? T_LIMIT : t;
}

static bool t_in_range(int64_t t)
{
	return t >= -T_LIMIT && t <= T_LIMIT;
}

/* WIB day number and seconds into that day of instant T (in range). */
static void split(int64_t t, int64_t *dn, int64_t *sec)
{
	t += CAL_WIB_OFFSET;
	*dn = floor_div(t, DAY_SECS);
	*sec = t - *dn * DAY_SECS;
}

static int64_t instant(int64_t dn, int64_t sec)
{
	return dn * DAY_SECS + sec - CAL_WIB_OFFSET;
}

cal_civil cal_to_wib(int64_t t)
{
	cal_civil cv;
	int64_t dn, sec;
	split(clamp_t(t), &dn, &sec);
	civil_from_days(dn, &cv.y, &cv.m, &cv.d);
	cv.hh = (int)(sec / 3600);
	cv.mm = (int)(sec / 60 % 60);
	cv.ss = (int)(sec % 60);
	cv.wday = weekday(dn);
	return cv;
}

int64_t cal_from_wib(int y, int m, int d, int hh, int mm)
{
	/* Carry a month outside 1..12 into the year first. */
	int64_t m0 = (int64_t)m - 1;
	int64_t yy = y + floor_div(m0, 12);
	int mon = (int)floor_mod(m0, 12) + 1;
	return instant(days_from_civil(yy, mon, d), (int64_t)hh * 3600 + (int64_t)mm * 60);
}

/* ---- the week and the table -------------------------------------------- */

bool cal_week_valid(const cal_week *week)
{
	for (int i = 0; i < 7; i++) {
		const cal_day *day = &week->day[i];
		if (day->n < 0 || day->n > CAL_WINDOWS_MAX)
			return false;
		int prev_end = 0;
		for (int k = 0; k < day->n; k++) {
			const cal_window *w = &day->w[k];
			if (w->start_min < prev_end || w->end_min <= w->start_min ||
			    w->end_min > CAL_DAY_MINUTES)
				return false;
			prev_end = w->end_min;
		}
	}
	return true;
}

void cal_init(cal *c, const cal_week *week)
{
	if (!cal_week_valid(week))
		abort(); /* the configuration's checks must have refused this week */
	memset(c, 0, sizeof *c);
	c->week = *week;
}

void cal_clear_holidays(cal *c)
{
	memset(c->holidays, 0, sizeof c->holidays);
	c->n_holidays = 0;
}

/* Index of the first entry of H[0..N) on or after day DN (N if none). */
static int lower_bound(const cal_holiday *h, int n, int64_t dn)
{
	int lo = 0, hi = n;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (h[mid].day_no < dn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static const cal_holiday *holiday_at(const cal *c, int64_t dn)
{
	int i = lower_bound(c->holidays, c->n_holidays, dn);
	return i < c->n_holidays && c->holidays[i].day_no == dn ? &c->holidays[i] : NULL;
}

static const cal_day *windows_of(const cal *c, int64_t dn)
{
	return &c->week.day[weekday(dn)];
}

static bool working(const cal *c, int64_t dn)
{
	return windows_of(c, dn)->n > 0 && !holiday_at(c, dn);
}

/* Seconds of service on weekday WD when it is a working day. */
static int64_t weekday_secs(const cal *c, int wd)
{
	const cal_day *day = &c->week.day[wd];
	int64_t s = 0;
	for (int k = 0; k < day->n; k++)
		s += (int64_t)(day->w[k].end_min - day->w[k].start_min) * 60;
	return s;
}

bool cal_year_covered(const cal *c, int year)
{
	int i = lower_bound(c->holidays, c->n_holidays, days_from_civil(year, 1, 1));
	return i < c->n_holidays && c->holidays[i].y == year;
}

/* True when some day in [D0, D1] lies in a year the table does not cover. */
static bool span_uncovered(const cal *c, int64_t d0, int64_t d1)
{
	if (d1 < d0)
		return false;
	int y1 = year_of(d1);
	for (int y = year_of(d0); y <= y1; y++)
		if (!cal_year_covered(c, y))
			return true;
	return false;
}

const cal_holiday *cal_holiday_on(const cal *c, int y, int m, int d)
{
	if (!cal_valid_date(y, m, d))
		return NULL;
	return holiday_at(c, days_from_civil(y, m, d));
}

bool cal_is_working_day(const cal *c, int y, int m, int d)
{
	return cal_valid_date(y, m, d) && working(c, days_from_civil(y, m, d));
}

/* ---- the holidays file ------------------------------------------------- */

const char *cal_err_name(cal_err e)
{
	switch (e) {
	case CAL_OK:
		return "ok";
	case CAL_ERR_LINE_TOO_LONG:
		return "line too long (at most 1023 bytes)";
	case CAL_ERR_SEPARATOR:
		return "expected YYYY-MM-DD<TAB>libur|cuti<TAB>name, one TAB between fields";
	case CAL_ERR_DATE:
		return "bad date (YYYY-MM-DD of a day that exists)";
	case CAL_ERR_KIND:
		return "bad kind (libur or cuti)";
	case CAL_ERR_NAME_MISSING:
		return "missing name";
	case CAL_ERR_NAME_TOO_LONG:
		return "name too long (at most 95 bytes)";
	case CAL_ERR_NAME_CHARS:
		return "name has a control character or is not UTF-8";
	case CAL_ERR_DUPLICATE:
		return "date listed twice";
	case CAL_ERR_TOO_MANY:
		return "too many days off (at most 128)";
	}
	return "unknown error";
}

static bool is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r';
}

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

/* A field with a space at either edge means a separator typed wrong. */
static bool space_at_edge(const char *f, size_t n)
{
	return n > 0 && (f[0] == ' ' || f[n - 1] == ' ');
}

static bool field_is(const char *f, size_t n, const char *word)
{
	return n == strlen(word) && memcmp(f, word, n) == 0;
}

/* F starts with "libur " or "cuti ": the name was separated by a space. */
static bool kind_then_space(const char *f, size_t n)
{
	return (n > 6 && memcmp(f, "libur ", 6) == 0) || (n > 5 && memcmp(f, "cuti ", 5) == 0);
}

static int num(const char *p, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++)
		v = v * 10 + (p[i] - '0');
	return v;
}

static bool parse_date(const char *f, size_t n, int *y, int *m, int *d)
{
	if (n != 10 || f[4] != '-' || f[7] != '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (i != 4 && i != 7 && !is_digit(f[i]))
			return false;
	*y = num(f, 4);
	*m = num(f + 5, 2);
	*d = num(f + 8, 2);
	return cal_valid_date(*y, *m, *d);
}

/* True when S[0..N) is well-formed UTF-8 (shortest forms, no surrogates)
 * without C0 controls or DEL. */
static bool name_chars_ok(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		unsigned char b = p[i];
		if (b < 0x80) {
			if (b < 0x20 || b == 0x7f)
				return false;
			i++;
			continue;
		}
		/* A lead byte: how many continuation bytes follow, and the
		 * smallest code point that needs that many (no overlongs). */
		int more;
		uint32_t cp, least;
		if (b >= 0xc2 && b <= 0xdf) {
			more = 1;
			cp = b & 0x1fu;
			least = 0x80;
		} else if (b >= 0xe0 && b <= 0xef) {
			more = 2;
			cp = b & 0x0fu;
			least = 0x800;
		} else if (b >= 0xf0 && b <= 0xf4) {
			more = 3;
			cp = b & 0x07u;
			least = 0x10000;
		} else {
			return false;
		}
		if (n - i <= (size_t)more)
			return false;
		for (int k = 1; k <= more; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (p[i + k] & 0x3fu);
		}
		if (cp < least || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += (size_t)more + 1;
	}
	return true;
}

/*
 * Parse one data line S[0..N) (no line end, no trailing blanks, not blank,
 * not a comment) into *H. Structure first, then date, kind and name, so a
 * line's first problem is the one reported.
 */
static cal_err parse_line(const char *s, size_t n, cal_holiday *h)
{
	const char *end = s + n;
	const char *tab1 = memchr(s, '\t', n);
	if (!tab1)
		return CAL_ERR_SEPARATOR;
	const char *f2 = tab1 + 1;
	const char *tab2 = memchr(f2, '\t', (size_t)(end - f2));
	size_t n1 = (size_t)(tab1 - s);
	size_t n2 = (size_t)((tab2 ? tab2 : end) - f2);
	const char *f3 = tab2 ? tab2 + 1 : end;
	size_t n3 = (size_t)(end - f3);

	if (n1 == 0 || n2 == 0 || (tab2 && memchr(f3, '\t', n3)))
		return CAL_ERR_SEPARATOR; /* an empty field, or a fourth one */
	if (space_at_edge(s, n1) || space_at_edge(f2, n2) || space_at_edge(f3, n3))
		return CAL_ERR_SEPARATOR;
	if (!tab2 && kind_then_space(f2, n2))
		return CAL_ERR_SEPARATOR;

	if (!parse_date(s, n1, &h->y, &h->m, &h->d))
		return CAL_ERR_DATE;
	if (field_is(f2, n2, "libur"))
		h->kind = CAL_HOLIDAY_NATIONAL;
	else if (field_is(f2, n2, "cuti"))
		h->kind = CAL_HOLIDAY_JOINT_LEAVE;
	else
		return CAL_ERR_KIND;
	if (!tab2 || n3 == 0)
		return CAL_ERR_NAME_MISSING;
	if (n3 > CAL_NAME_MAX - 1)
		return CAL_ERR_NAME_TOO_LONG;
	if (!name_chars_ok(f3, n3))
		return CAL_ERR_NAME_CHARS;
	memset(h->name, 0, sizeof h->name);
	memcpy(h->name, f3, n3);
	h->day_no = days_from_civil(h->y, h->m, h->d);
	return CAL_OK;
}

cal_err cal_load_holidays(cal *c, const char *text, size_t len, int *err_line)
{
	/* Build the new table beside the old one: all or nothing. */
	cal_holiday table[CAL_HOLIDAYS_MAX];
	int n = c->n_holidays;
	memcpy(table, c->holidays, sizeof table);

	cal_err err = CAL_OK;
	int line = 0;
	size_t pos = 0;
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		pos = 3; /* a byte-order mark, as some Windows editors write */
	while (pos < len) {
		line++;
		const char *s = text + pos;
		const char *nl = memchr(s, '\n', len - pos);
		size_t l = nl ? (size_t)(nl - s) : len - pos;
		pos += l + (nl ? 1 : 0);
		if (l > 0 && s[l - 1] == '\r')
			l--;
		if (l > CAL_LINE_MAX) {
			err = CAL_ERR_LINE_TOO_LONG;
			goto fail;
		}
		while (l > 0 && is_blank(s[l - 1]))
			l--;
		size_t lead = 0;
		while (lead < l && (s[lead] == ' ' || s[lead] == '\t'))
			lead++;
		if (lead == l || s[lead] == '#')
			continue;

		cal_holiday h;
		memset(&h, 0, sizeof h);
		err = parse_line(s, l, &h);
		if (err != CAL_OK)
			goto fail;
		int at = lower_bound(table, n, h.day_no);
		if (at < n && table[at].day_no == h.day_no) {
			err = CAL_ERR_DUPLICATE;
			goto fail;
		}
		if (n == CAL_HOLIDAYS_MAX) {
			err = CAL_ERR_TOO_MANY;
			goto fail;
		}
		memmove(&table[at + 1], &table[at], (size_t)(n - at) * sizeof table[0]);
		table[at] = h;
		n++;
	}
	memcpy(c->holidays, table, sizeof table);
	c->n_holidays = n;
	if (err_line)
		*err_line = 0;
	return CAL_OK;

fail:
	if (err_line)
		*err_line = line;
	return err;
}

/* ---- counting ----------------------------------------------------------- */

bool cal_is_open(const cal *c, int64_t t)
{
	if (!t_in_range(t))
		return false;
	int64_t dn, sec;
	split(t, &dn, &sec);
	if (!working(c, dn))
		return false;
	const cal_day *day = windows_of(c, dn);
	for (int k = 0; k < day->n; k++)
		if (sec >= day->w[k].start_min * 60 && sec < day->w[k].end_min * 60)
			return true;
	return false;
}

/* The first open instant at or after T, or -1 after CAL_SEARCH_DAYS days. */
static int64_t next_open(const cal *c, int64_t t)
{
	if (!t_in_range(t))
		return -1;
	int64_t dn, sec;
	split(t, &dn, &sec);
	for (int i = 0; i <= CAL_SEARCH_DAYS; i++, dn++, sec = 0) {
		if (!working(c, dn))
			continue;
		const cal_day *day = windows_of(c, dn);
		/* Windows are in order: the first not yet over holds T (open
		 * now) or starts after it (a break, or before the day opens). */
		for (int k = 0; k < day->n; k++) {
			int64_t start = day->w[k].start_min * 60, stop = day->w[k].end_min * 60;
			if (sec < stop)
				return instant(dn, sec > start ? sec : start);
		}
	}
	return -1;
}

int64_t cal_next_open(const cal *c, int64_t t)
{
	return next_open(c, t);
}

int64_t cal_effective_receipt(const cal *c, int64_t submitted)
{
	return next_open(c, submitted);
}

/*
 * The day number of the N-th working day after day DN (N >= 1), or -1 when
 * a run of more than CAL_SEARCH_DAYS days has no working day.
 */
static int64_t nth_working_day(const cal *c, int64_t dn, int n)
{
	int gap = 0;
	while (n > 0) {
		dn++;
		if (working(c, dn)) {
			n--;
			gap = 0;
		} else if (++gap > CAL_SEARCH_DAYS) {
			return -1;
		}
	}
	return dn;
}

static int64_t close_of(const cal *c, int64_t dn)
{
	const cal_day *day = windows_of(c, dn);
	return instant(dn, (int64_t)day->w[day->n - 1].end_min * 60);
}

/*
 * Closing time of the N-th working day after EFFECTIVE's day. *UNCOVERED
 * looks at the days counted or skipped, and at EFFECTIVE's own day too when
 * WITH_EFFECTIVE_DAY (a receipt was placed on it as on a working day).
 */
static int64_t close_after(const cal *c, int64_t effective, int n, bool with_effective_day,
			   bool *uncovered)
{
	if (uncovered)
		*uncovered = false;
	if (n < 1 || !t_in_range(effective))
		return -1;
	int64_t d_eff, sec;
	split(effective, &d_eff, &sec);
	int64_t dn = nth_working_day(c, d_eff, n);
	if (dn < 0)
		return -1;
	if (uncovered)
		*uncovered = span_uncovered(c, with_effective_day ? d_eff : d_eff + 1, dn);
	return close_of(c, dn);
}

int64_t cal_close_of_nth_working_day(const cal *c, int64_t effective, int n, bool *uncovered)
{
	if (effective < 0) {
		if (uncovered)
			*uncovered = false;
		return -1;
	}
	return close_after(c, effective, n, false, uncovered);
}

static int64_t due(const cal *c, int64_t submitted, int n, bool *uncovered)
{
	if (uncovered)
		*uncovered = false;
	/* The days skipped before the effective receipt were closed by their
	 * hours or by the table; a day off unknown to the table could only
	 * close them more, so they never change the answer. The receipt's own
	 * day can: it may be a day off the table does not know. */
	int64_t eff = next_open(c, submitted);
	if (eff < 0)
		return -1;
	return close_after(c, eff, n, true, uncovered);
}

int64_t cal_deadline(const cal *c, int64_t submitted, bool *uncovered)
{
	return due(c, submitted, CAL_DEADLINE_DAYS, uncovered);
}

int64_t cal_target(const cal *c, int64_t submitted, bool *uncovered)
{
	return due(c, submitted, CAL_TARGET_DAYS, uncovered);
}

/* Working seconds of day DN within [FROM, TO) seconds into the day. */
static int64_t day_overlap(const cal *c, int64_t dn, int64_t from, int64_t to)
{
	if (!working(c, dn))
		return 0;
	const cal_day *day = windows_of(c, dn);
	int64_t s = 0;
	for (int k = 0; k < day->n; k++) {
		int64_t lo = day->w[k].start_min * 60, hi = day->w[k].end_min * 60;
		if (from > lo)
			lo = from;
		if (to < hi)
			hi = to;
		if (hi > lo)
			s += hi - lo;
	}
	return s;
}

/* Working seconds of the whole days [D0, D1): whole weeks at once, then the
 * remaining weekdays, less each day off that falls on a day with windows. */
static int64_t whole_days(const cal *c, int64_t d0, int64_t d1)
{
	if (d1 <= d0)
		return 0;
	int64_t week = 0;
	for (int wd = 0; wd < 7; wd++)
		week += weekday_secs(c, wd);
	int64_t days = d1 - d0;
	int64_t s = days / 7 * week;
	for (int64_t i = 0; i < days % 7; i++)
		s += weekday_secs(c, weekday(d0 + i));
	for (int i = lower_bound(c->holidays, c->n_holidays, d0);
	     i < c->n_holidays && c->holidays[i].day_no < d1; i++)
		s -= weekday_secs(c, weekday(c->holidays[i].day_no));
	return s;
}

int64_t cal_working_seconds(const cal *c, int64_t a, int64_t b, bool *uncovered)
{
	if (uncovered)
		*uncovered = false;
	a = clamp_t(a);
	b = clamp_t(b);
	if (a >= b)
		return 0;
	int64_t da, sa, db, sb;
	split(a, &da, &sa);
	split(b, &db, &sb);
	int64_t s;
	if (da == db)
		s = day_overlap(c, da, sa, sb);
	else
		s = day_overlap(c, da, sa, DAY_SECS) + whole_days(c, da + 1, db) +
		    day_overlap(c, db, 0, sb);
	if (uncovered) /* B is excluded: a B at midnight touches no second of its day */
		*uncovered = span_uncovered(c, da, sb > 0 ? db : db - 1);
	return s;
}

/*
 * test_cal: the working-hours calendar (rules/cal.c).
 *
 * Most tests use the standard week of the service standard (Monday-Thursday
 * 08:00-12:00 and 13:00-15:45, Friday 08:00-11:00, weekends closed) and the
 * real 2026 table, read from assets/holidays/2026.txt with stdio. Every
 * expected instant is written as a WIB civil string worked out by hand from
 * the 2026 calendar (1 January 2026 is a Thursday), and converted with the C
 * library (timegm/gmtime_r on UTC + 7 h), never with the code under test.
 * Working time is checked against literal sums, against a day-by-day count
 * of the year, and against a minute-by-minute reference loop written here.
 * One test runs the tables again with the machine in New York time.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cal.h"

#define HOLIDAYS_2026 KIOSK_SOURCE_DIR "/assets/holidays/2026.txt"
#define WIB_SECS (7 * 3600)

/* The service standard's week (kiosk.conf [hours]). */
static const cal_week standard_week = {{
	[0] = {2, {{8 * 60, 12 * 60}, {13 * 60, 15 * 60 + 45}}},
	[1] = {2, {{8 * 60, 12 * 60}, {13 * 60, 15 * 60 + 45}}},
	[2] = {2, {{8 * 60, 12 * 60}, {13 * 60, 15 * 60 + 45}}},
	[3] = {2, {{8 * 60, 12 * 60}, {13 * 60, 15 * 60 + 45}}},
	[4] = {1, {{8 * 60, 11 * 60}}},
}};

/* The 2026 days off as service.md lists them (17 libur + 8 cuti). */
static const char *const days_off_2026[] = {
	"2026-01-01", "2026-01-16", "2026-02-16", "2026-02-17", "2026-03-18",
	"2026-03-19", "2026-03-20", "2026-03-21", "2026-03-22", "2026-03-23",
	"2026-03-24", "2026-04-03", "2026-04-05", "2026-05-01", "2026-05-14",
	"2026-05-15", "2026-05-27", "2026-05-28", "2026-05-31", "2026-06-01",
	"2026-06-16", "2026-08-17", "2026-08-25", "2026-12-24", "2026-12-25",
};
#define N_DAYS_OFF_2026 (sizeof days_off_2026 / sizeof days_off_2026[0])

/* ---- helpers (C library time only) --------------------------------------- */

/* "YYYY-MM-DD HH:MM" or "YYYY-MM-DD HH:MM:SS", WIB, as an epoch instant. */
static int64_t wib(const char *s)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	int n = sscanf(s, "%d-%d-%d %d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
		       &tm.tm_min, &tm.tm_sec);
	if (n != 5 && n != 6)
		fail_msg("bad time in test table: \"%s\"", s);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (int64_t)timegm(&tm) - WIB_SECS;
}

/* T as "YYYY-MM-DD HH:MM:SS" WIB, or "none" for -1. */
static void fmt(int64_t t, char out[40])
{
	if (t == -1) {
		strcpy(out, "none");
		return;
	}
	time_t tt = (time_t)(t + WIB_SECS);
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 40, "%Y-%m-%d %H:%M:%S", &tm);
}

/* EXPECTED: a WIB string as wib() reads it, or "none". */
static void check_wib(int64_t got, const char *expected, const char *what, const char *case_name)
{
	char g[40], e[40];
	fmt(got, g);
	fmt(strcmp(expected, "none") == 0 ? -1 : wib(expected), e);
	if (strcmp(g, e) != 0)
		fail_msg("%s: %s is %s, expected %s", case_name, what, g, e);
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	size_t cap = 1 << 16;
	char *buf = malloc(cap);
	assert_non_null(buf);
	*len = fread(buf, 1, cap, f);
	assert_true(*len < cap);
	fclose(f);
	return buf;
}

static void load_2026(cal *c)
{
	size_t len = 0;
	char *text = read_file(HOLIDAYS_2026, &len);
	int line = -1;
	cal_err err = cal_load_holidays(c, text, len, &line);
	if (err != CAL_OK)
		fail_msg("%s:%d: %s", HOLIDAYS_2026, line, cal_err_name(err));
	assert_int_equal(line, 0);
	free(text);
}

static int setup_standard(void **state)
{
	cal *c = malloc(sizeof *c);
	if (!c)
		return -1;
	cal_init(c, &standard_week);
	load_2026(c);
	*state = c;
	return 0;
}

static int teardown_cal(void **state)
{
	free(*state);
	return 0;
}

/* Every day of the week the same windows. */
static cal_week same_every_day(int n, const cal_window *w)
{
	cal_week wk;
	memset(&wk, 0, sizeof wk);
	for (int i = 0; i < 7; i++) {
		wk.day[i].n = n;
		for (int k = 0; k < n; k++)
			wk.day[i].w[k] = w[k];
	}
	return wk;
}

/* ---- civil arithmetic ----------------------------------------------------- */

static void test_valid_date(void **state)
{
	(void)state;
	static const struct {
		int y, m, d;
		bool ok;
	} cases[] = {
		{2026, 1, 1, true},   {2026, 12, 31, true}, {2026, 2, 28, true},
		{2026, 2, 29, false}, {2024, 2, 29, true},  {2000, 2, 29, true},
		{2100, 2, 29, false}, {1900, 2, 29, false}, {2026, 4, 30, true},
		{2026, 4, 31, false}, {2026, 6, 31, false}, {2026, 9, 31, false},
		{2026, 11, 31, false}, {2026, 1, 32, false}, {2026, 1, 0, false},
		{2026, 0, 1, false},  {2026, 13, 1, false}, {0, 1, 1, false},
		{1, 1, 1, true},      {9999, 12, 31, true}, {10000, 1, 1, false},
		{2026, -1, 1, false}, {2026, 1, -1, false},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (cal_valid_date(cases[i].y, cases[i].m, cases[i].d) != cases[i].ok)
			fail_msg("cal_valid_date(%d, %d, %d) should be %s", cases[i].y, cases[i].m,
				 cases[i].d, cases[i].ok ? "true" : "false");
}

static void test_civil_known_instants(void **state)
{
	(void)state;
	static const struct {
		int64_t t;
		cal_civil cv; /* wday 0 = Monday */
	} cases[] = {
		{0, {1970, 1, 1, 7, 0, 0, 3}},              /* epoch: Thursday 07:00 WIB */
		{-1, {1970, 1, 1, 6, 59, 59, 3}},
		{-25200, {1970, 1, 1, 0, 0, 0, 3}},
		{-25201, {1969, 12, 31, 23, 59, 59, 2}},
		{1767200400, {2026, 1, 1, 0, 0, 0, 3}},     /* 2025-12-31 17:00 UTC */
		{1767200399, {2025, 12, 31, 23, 59, 59, 2}},
		{1798736400, {2027, 1, 1, 0, 0, 0, 4}},     /* 1767200400 + 365 days */
		{951757200, {2000, 2, 29, 0, 0, 0, 1}},     /* a century leap day, Tuesday */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cal_civil got = cal_to_wib(cases[i].t);
		const cal_civil *e = &cases[i].cv;
		if (got.y != e->y || got.m != e->m || got.d != e->d || got.hh != e->hh ||
		    got.mm != e->mm || got.ss != e->ss || got.wday != e->wday)
			fail_msg("cal_to_wib(%lld) = %04d-%02d-%02d %02d:%02d:%02d wday %d", (long long)cases[i].t,
				 got.y, got.m, got.d, got.hh, got.mm, got.ss, got.wday);
	}
	assert_true(cal_from_wib(2026, 1, 1, 0, 0) == 1767200400);
	assert_true(cal_from_wib(1970, 1, 1, 7, 0) == 0);
	/* Fields out of range carry over. */
	assert_true(cal_from_wib(2026, 12, 32, 0, 0) == cal_from_wib(2027, 1, 1, 0, 0));
	assert_true(cal_from_wib(2026, 13, 1, 0, 0) == cal_from_wib(2027, 1, 1, 0, 0));
	assert_true(cal_from_wib(2026, 0, 1, 0, 0) == cal_from_wib(2025, 12, 1, 0, 0));
	assert_true(cal_from_wib(2026, 3, 0, 0, 0) == cal_from_wib(2026, 2, 28, 0, 0));
	assert_true(cal_from_wib(2026, 1, 5, 24, 0) == cal_from_wib(2026, 1, 6, 0, 0));
}

/* cal_to_wib and cal_from_wib against gmtime_r/timegm over years 1..9999. */
static void test_civil_against_libc(void **state)
{
	(void)state;
	uint64_t x = 0x2026031900000001u;
	const int64_t lo = -62135596800 + 86400; /* 0001-01-02 UTC */
	const int64_t span = 253402300799 - 86400 - lo; /* to 9999-12-30 */
	for (int i = 0; i < 200000; i++) {
		x = x * 6364136223846793005u + 1442695040888963407u;
		int64_t t = lo + (int64_t)((x >> 11) % (uint64_t)span);
		if (i < 20000) /* dense around today too */
			t = 1700000000 + (int64_t)((x >> 11) % 400000000u) - 200000000;
		time_t tt = (time_t)(t + WIB_SECS);
		struct tm tm;
		gmtime_r(&tt, &tm);
		cal_civil cv = cal_to_wib(t);
		if (cv.y != tm.tm_year + 1900 || cv.m != tm.tm_mon + 1 || cv.d != tm.tm_mday ||
		    cv.hh != tm.tm_hour || cv.mm != tm.tm_min || cv.ss != tm.tm_sec ||
		    cv.wday != (tm.tm_wday + 6) % 7)
			fail_msg("cal_to_wib(%lld) = %d-%d-%d %d:%d:%d wday %d, libc says %d-%d-%d %d:%d:%d",
				 (long long)t, cv.y, cv.m, cv.d, cv.hh, cv.mm, cv.ss, cv.wday,
				 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
				 tm.tm_sec);
		int64_t back = cal_from_wib(cv.y, cv.m, cv.d, cv.hh, cv.mm) + cv.ss;
		if (back != t)
			fail_msg("cal_from_wib(cal_to_wib(%lld)) = %lld", (long long)t, (long long)back);
	}
}

/* ---- the real 2026 table --------------------------------------------------- */

static void test_real_table(void **state)
{
	const cal *c = *state;
	assert_int_equal(c->n_holidays, 25);
	int libur = 0, cuti = 0;
	for (int i = 0; i < c->n_holidays; i++) {
		const cal_holiday *h = &c->holidays[i];
		char date[16];
		snprintf(date, sizeof date, "%04d-%02d-%02d", h->y, h->m, h->d);
		assert_string_equal(date, days_off_2026[i]); /* sorted, as service.md */
		if (h->kind == CAL_HOLIDAY_NATIONAL)
			libur++;
		else
			cuti++;
	}
	assert_int_equal(libur, 17);
	assert_int_equal(cuti, 8);

	const cal_holiday *h = cal_holiday_on(c, 2026, 3, 19);
	assert_non_null(h);
	assert_int_equal(h->kind, CAL_HOLIDAY_NATIONAL);
	assert_string_equal(h->name, "Hari Suci Nyepi (Tahun Baru Saka 1948)");
	h = cal_holiday_on(c, 2026, 12, 24);
	assert_non_null(h);
	assert_int_equal(h->kind, CAL_HOLIDAY_JOINT_LEAVE);
	assert_string_equal(h->name, "Cuti Bersama Kelahiran Yesus Kristus (Natal)");
	assert_null(cal_holiday_on(c, 2026, 3, 25));
	assert_null(cal_holiday_on(c, 2026, 2, 30));
	assert_null(cal_holiday_on(c, 2027, 1, 1));

	assert_true(cal_year_covered(c, 2026));
	assert_false(cal_year_covered(c, 2025));
	assert_false(cal_year_covered(c, 2027));

	assert_true(cal_is_working_day(c, 2026, 1, 2));   /* Friday */
	assert_false(cal_is_working_day(c, 2026, 1, 3));  /* Saturday */
	assert_false(cal_is_working_day(c, 2026, 1, 4));  /* Sunday */
	assert_false(cal_is_working_day(c, 2026, 1, 1));  /* Tahun Baru */
	assert_false(cal_is_working_day(c, 2026, 3, 18)); /* cuti bersama Nyepi */
	assert_true(cal_is_working_day(c, 2026, 3, 25));
	assert_false(cal_is_working_day(c, 2026, 2, 30)); /* no such day */
	assert_true(cal_is_working_day(c, 2027, 1, 1));   /* uncovered: weekday alone */
}

/* ---- open or closed -------------------------------------------------------- */

static const struct {
	const char *t;
	bool open;
} open_cases[] = {
	{"2026-01-05 07:59:59", false}, /* Monday, before opening */
	{"2026-01-05 08:00", true},     /* opening instant */
	{"2026-01-05 11:59:59", true},
	{"2026-01-05 12:00", false},    /* break starts */
	{"2026-01-05 12:30", false},
	{"2026-01-05 12:59:59", false},
	{"2026-01-05 13:00", true},     /* break ends */
	{"2026-01-05 15:44:59", true},
	{"2026-01-05 15:45", false},    /* closing instant */
	{"2026-01-05 20:00", false},
	{"2026-01-09 10:59:59", true},  /* Friday */
	{"2026-01-09 11:00", false},
	{"2026-01-09 14:00", false},
	{"2026-01-10 10:00", false},    /* Saturday */
	{"2026-01-11 10:00", false},    /* Sunday */
	{"2026-01-01 10:00", false},    /* Tahun Baru (libur) */
	{"2026-02-16 10:00", false},    /* cuti bersama Imlek */
	{"2026-03-25 08:00", true},     /* first day after the Lebaran leave */
	{"2027-01-01 10:00", true},     /* Friday of an uncovered year: weekday alone */
};

static void run_open_cases(const cal *c)
{
	for (size_t i = 0; i < sizeof open_cases / sizeof open_cases[0]; i++)
		if (cal_is_open(c, wib(open_cases[i].t)) != open_cases[i].open)
			fail_msg("cal_is_open(%s WIB) should be %s", open_cases[i].t,
				 open_cases[i].open ? "true" : "false");
}

static void test_is_open(void **state)
{
	run_open_cases(*state);
}

/* ---- effective receipt, target, deadline ----------------------------------- */

static const struct {
	const char *what;
	const char *submitted, *effective;
	const char *target;
	bool target_uncovered;
	const char *deadline;
	bool deadline_uncovered;
} receipt_cases[] = {
	/* Plain weeks of January 2026 (Friday 16 January is Isra Mikraj). */
	{"Monday 10:00", "2026-01-05 10:00", "2026-01-05 10:00",
	 "2026-01-06 15:45", false, "2026-01-12 15:45", false},
	{"Thursday 09:00", "2026-01-08 09:00", "2026-01-08 09:00",
	 "2026-01-09 11:00", false, "2026-01-15 15:45", false},
	{"at opening", "2026-01-05 08:00", "2026-01-05 08:00",
	 "2026-01-06 15:45", false, "2026-01-12 15:45", false},
	{"before opening", "2026-01-05 07:59", "2026-01-05 08:00",
	 "2026-01-06 15:45", false, "2026-01-12 15:45", false},
	{"last second before the break", "2026-01-05 11:59:59", "2026-01-05 11:59:59",
	 "2026-01-06 15:45", false, "2026-01-12 15:45", false},
	{"break starts", "2026-01-05 12:00", "2026-01-05 13:00",
	 "2026-01-06 15:45", false, "2026-01-12 15:45", false},
	{"in the break", "2026-01-05 12:30", "2026-01-05 13:00",
	 "2026-01-06 15:45", false, "2026-01-12 15:45", false},
	{"last second open", "2026-01-05 15:44:59", "2026-01-05 15:44:59",
	 "2026-01-06 15:45", false, "2026-01-12 15:45", false},
	/* After closing on Monday the counting starts from Tuesday. */
	{"at closing", "2026-01-05 15:45", "2026-01-06 08:00",
	 "2026-01-07 15:45", false, "2026-01-13 15:45", false},
	{"after hours", "2026-01-05 20:00", "2026-01-06 08:00",
	 "2026-01-07 15:45", false, "2026-01-13 15:45", false},
	{"midnight", "2026-01-06 00:00", "2026-01-06 08:00",
	 "2026-01-07 15:45", false, "2026-01-13 15:45", false},
	{"Friday 10:59", "2026-01-09 10:59", "2026-01-09 10:59",
	 "2026-01-12 15:45", false, "2026-01-19 15:45", false},
	{"Friday closing", "2026-01-09 11:00", "2026-01-12 08:00",
	 "2026-01-13 15:45", false, "2026-01-20 15:45", false},
	{"Friday afternoon", "2026-01-09 14:00", "2026-01-12 08:00",
	 "2026-01-13 15:45", false, "2026-01-20 15:45", false},
	{"Saturday", "2026-01-10 10:00", "2026-01-12 08:00",
	 "2026-01-13 15:45", false, "2026-01-20 15:45", false},
	{"Sunday night", "2026-01-11 23:59", "2026-01-12 08:00",
	 "2026-01-13 15:45", false, "2026-01-20 15:45", false},
	/* A national holiday; the deadline lands on a Friday (closes 11:00). */
	{"Tahun Baru", "2026-01-01 10:00", "2026-01-02 08:00",
	 "2026-01-05 15:45", false, "2026-01-09 11:00", false},
	/* Imlek: cuti Mon 16 Feb, libur Tue 17 Feb. */
	{"before Imlek", "2026-02-13 10:00", "2026-02-13 10:00",
	 "2026-02-18 15:45", false, "2026-02-24 15:45", false},
	/* Nyepi and Lebaran: 18 (cuti), 19 (libur), 20 (cuti), 21-22 (libur),
	 * 23-24 March (cuti): Tuesday 17 to Wednesday 25 has no working day. */
	{"before Nyepi", "2026-03-17 10:00", "2026-03-17 10:00",
	 "2026-03-25 15:45", false, "2026-03-31 15:45", false},
	{"after hours before Nyepi", "2026-03-17 16:00", "2026-03-25 08:00",
	 "2026-03-26 15:45", false, "2026-04-01 15:45", false},
	{"on Nyepi", "2026-03-19 09:00", "2026-03-25 08:00",
	 "2026-03-26 15:45", false, "2026-04-01 15:45", false},
	{"on cuti bersama Lebaran", "2026-03-23 10:00", "2026-03-25 08:00",
	 "2026-03-26 15:45", false, "2026-04-01 15:45", false},
	/* Ascension: libur Thu 14 May, cuti Fri 15 May. */
	{"before Ascension", "2026-05-13 10:00", "2026-05-13 10:00",
	 "2026-05-18 15:45", false, "2026-05-22 11:00", false},
	{"closing before Ascension", "2026-05-13 15:45", "2026-05-18 08:00",
	 "2026-05-19 15:45", false, "2026-05-25 15:45", false},
	/* Idul Adha: libur Wed 27 May, cuti Thu 28 May; Waisak Sun 31 May and
	 * Pancasila Mon 1 June. */
	{"before Idul Adha", "2026-05-26 09:00", "2026-05-26 09:00",
	 "2026-05-29 11:00", false, "2026-06-05 11:00", false},
	{"Friday before Waisak/Pancasila", "2026-05-29 11:30", "2026-06-02 08:00",
	 "2026-06-03 15:45", false, "2026-06-09 15:45", false},
	{"on Waisak", "2026-05-31 10:00", "2026-06-02 08:00",
	 "2026-06-03 15:45", false, "2026-06-09 15:45", false},
	/* Year end: cuti Thu 24 Dec, libur Fri 25 Dec; 2027 has no table. */
	{"deadline on 31 Dec", "2026-12-22 10:00", "2026-12-22 10:00",
	 "2026-12-23 15:45", false, "2026-12-31 15:45", false},
	{"deadline into 2027", "2026-12-23 10:00", "2026-12-23 10:00",
	 "2026-12-28 15:45", false, "2027-01-01 11:00", true},
	{"after hours before Natal", "2026-12-23 16:00", "2026-12-28 08:00",
	 "2026-12-29 15:45", false, "2027-01-04 15:45", true},
	{"on cuti bersama Natal", "2026-12-24 10:00", "2026-12-28 08:00",
	 "2026-12-29 15:45", false, "2027-01-04 15:45", true},
	{"31 Dec open", "2026-12-31 10:00", "2026-12-31 10:00",
	 "2027-01-01 11:00", true, "2027-01-07 15:45", true},
	{"31 Dec after hours", "2026-12-31 16:00", "2027-01-01 08:00",
	 "2027-01-04 15:45", true, "2027-01-08 11:00", true},
	/* Submitted in 2025 (no table): the receipt day itself is unconfirmed. */
	{"31 Dec 2025", "2025-12-31 10:00", "2025-12-31 10:00",
	 "2026-01-02 11:00", true, "2026-01-08 15:45", true},
	/* After hours on 31 Dec 2025: closed whatever 2025's table would say,
	 * so only 2026 days decide, and those are known. */
	{"31 Dec 2025 after hours", "2025-12-31 16:00", "2026-01-02 08:00",
	 "2026-01-05 15:45", false, "2026-01-09 11:00", false},
};

static void run_receipt_cases(const cal *c)
{
	for (size_t i = 0; i < sizeof receipt_cases / sizeof receipt_cases[0]; i++) {
		const char *what = receipt_cases[i].what;
		int64_t sub = wib(receipt_cases[i].submitted);
		check_wib(cal_effective_receipt(c, sub), receipt_cases[i].effective,
			  "effective receipt", what);
		check_wib(cal_next_open(c, sub), receipt_cases[i].effective, "next opening", what);

		bool unc = !receipt_cases[i].target_uncovered;
		check_wib(cal_target(c, sub, &unc), receipt_cases[i].target, "target", what);
		if (unc != receipt_cases[i].target_uncovered)
			fail_msg("%s: target uncovered flag is %d", what, unc);

		unc = !receipt_cases[i].deadline_uncovered;
		check_wib(cal_deadline(c, sub, &unc), receipt_cases[i].deadline, "deadline", what);
		if (unc != receipt_cases[i].deadline_uncovered)
			fail_msg("%s: deadline uncovered flag is %d", what, unc);

		/* The flag may be NULL. */
		check_wib(cal_deadline(c, sub, NULL), receipt_cases[i].deadline, "deadline", what);
	}
}

static void test_receipt_target_deadline(void **state)
{
	run_receipt_cases(*state);
}

static void test_close_of_nth_working_day(void **state)
{
	const cal *c = *state;
	static const char *const after_monday[] = {
		"2026-01-06 15:45", "2026-01-07 15:45", "2026-01-08 15:45",
		"2026-01-09 11:00", "2026-01-12 15:45", "2026-01-13 15:45",
		"2026-01-14 15:45", "2026-01-15 15:45", "2026-01-19 15:45", /* skips 16 Jan */
	};
	int64_t eff = wib("2026-01-05 10:00");
	for (int n = 1; n <= 9; n++) {
		char what[32];
		snprintf(what, sizeof what, "n = %d", n);
		bool unc = true;
		check_wib(cal_close_of_nth_working_day(c, eff, n, &unc), after_monday[n - 1],
			  "close", what);
		assert_false(unc);
	}
	/* EFFECTIVE on a day off: counting starts from the next day all the same. */
	check_wib(cal_close_of_nth_working_day(c, wib("2026-01-10 10:00"), 1, NULL),
		  "2026-01-12 15:45", "close", "from Saturday");
	bool unc = true;
	assert_true(cal_close_of_nth_working_day(c, eff, 0, &unc) == -1);
	assert_false(unc);
	assert_true(cal_close_of_nth_working_day(c, eff, -3, NULL) == -1);
	assert_true(cal_close_of_nth_working_day(c, -1, 1, NULL) == -1);
	unc = false;
	check_wib(cal_close_of_nth_working_day(c, wib("2026-12-30 09:00"), 2, &unc),
		  "2027-01-01 11:00", "close", "into 2027");
	assert_true(unc);
	/* EFFECTIVE's own day does not count, so its year does not matter. */
	unc = true;
	check_wib(cal_close_of_nth_working_day(c, wib("2025-12-31 10:00"), 1, &unc),
		  "2026-01-02 11:00", "close", "from 2025");
	assert_false(unc);
	unc = false;
	check_wib(cal_close_of_nth_working_day(c, wib("2025-12-30 10:00"), 1, &unc),
		  "2025-12-31 15:45", "close", "inside 2025");
	assert_true(unc);
}

/* ---- next opening --------------------------------------------------------- */

static void test_next_open(void **state)
{
	const cal *c = *state;
	static const struct {
		const char *t, *next;
	} cases[] = {
		{"2026-01-10 10:00", "2026-01-12 08:00"},       /* Saturday */
		{"2026-01-05 10:00:17", "2026-01-05 10:00:17"}, /* open: T itself, seconds kept */
		{"2026-08-17 09:00", "2026-08-18 08:00"},       /* Hari Kemerdekaan (Monday) */
		{"2026-08-25 13:00", "2026-08-26 08:00"},       /* Maulid Nabi (Tuesday) */
		{"2026-06-16 07:00", "2026-06-17 08:00"},       /* 1 Muharam (Tuesday) */
		{"2026-04-02 15:45", "2026-04-06 08:00"},       /* Good Friday, Easter Sunday */
		{"2026-12-31 15:45", "2027-01-01 08:00"},       /* into an uncovered year */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check_wib(cal_next_open(c, wib(cases[i].t)), cases[i].next, "next opening",
			  cases[i].t);
}

/* A week without any window: nothing ever opens. */
static void test_no_window_at_all(void **state)
{
	(void)state;
	cal_week closed;
	memset(&closed, 0, sizeof closed);
	cal c;
	cal_init(&c, &closed);
	int64_t t = wib("2026-01-05 10:00");
	assert_false(cal_is_open(&c, t));
	assert_true(cal_next_open(&c, t) == -1);
	assert_true(cal_effective_receipt(&c, t) == -1);
	bool unc = true;
	assert_true(cal_deadline(&c, t, &unc) == -1);
	assert_false(unc);
	assert_true(cal_target(&c, t, NULL) == -1);
	assert_true(cal_close_of_nth_working_day(&c, t, 1, NULL) == -1);
	assert_true(cal_working_seconds(&c, t, t + 86400 * 400, NULL) == 0);
}

/* Open only on Wednesdays, and a table making many Wednesdays days off:
 * the search gives up after CAL_SEARCH_DAYS days, not before. */
static void test_search_horizon(void **state)
{
	(void)state;
	cal_week wk;
	memset(&wk, 0, sizeof wk);
	wk.day[2].n = 1;
	wk.day[2].w[0] = (cal_window){9 * 60, 10 * 60};
	const time_t first_wed = 1767744000; /* 2026-01-07 00:00 UTC, a Wednesday */
	for (int weeks_off = 50; weeks_off <= 60; weeks_off += 10) {
		char *text = malloc(64 * (size_t)weeks_off);
		assert_non_null(text);
		size_t len = 0;
		for (int i = 0; i < weeks_off; i++) {
			time_t tt = first_wed + (time_t)i * 7 * 86400;
			struct tm tm;
			gmtime_r(&tt, &tm);
			len += (size_t)snprintf(text + len, 64, "%04d-%02d-%02d\tlibur\tRabu %d\n",
						tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, i);
		}
		cal c;
		cal_init(&c, &wk);
		assert_int_equal(cal_load_holidays(&c, text, len, NULL), CAL_OK);
		assert_int_equal(c.n_holidays, weeks_off);
		int64_t from = wib("2026-01-06 12:00");
		if (weeks_off == 50) {
			/* The 51st Wednesday from 7 Jan 2026: 350 days later. */
			check_wib(cal_next_open(&c, from), "2026-12-23 09:00", "next opening",
				  "50 Wednesdays off");
			check_wib(cal_close_of_nth_working_day(&c, from, 1, NULL), "2026-12-23 10:00",
				  "close", "50 Wednesdays off");
		} else {
			/* 60 Wednesdays are 420 days: beyond the search. */
			assert_true(cal_next_open(&c, from) == -1);
			assert_true(cal_deadline(&c, from, NULL) == -1);
			assert_true(cal_close_of_nth_working_day(&c, from, 1, NULL) == -1);
		}
		free(text);
	}
}

/* ---- windows that end at 24:00 ------------------------------------------- */

static void test_windows_to_midnight(void **state)
{
	(void)state;
	/* Open around the clock every day, days off still closed. */
	const cal_window all_day = {0, 1440};
	cal_week wk = same_every_day(1, &all_day);
	cal c;
	cal_init(&c, &wk);
	load_2026(&c);
	assert_true(cal_is_open(&c, wib("2026-01-05 23:59:59")));
	assert_true(cal_is_open(&c, wib("2026-01-10 03:00")));
	assert_false(cal_is_open(&c, wib("2026-01-01 10:00")));
	check_wib(cal_next_open(&c, wib("2026-01-01 10:00")), "2026-01-02 00:00", "next", "24/7");
	check_wib(cal_close_of_nth_working_day(&c, wib("2026-01-05 10:00"), 1, NULL),
		  "2026-01-07 00:00", "close", "24/7");
	check_wib(cal_deadline(&c, wib("2026-01-05 10:00"), NULL), "2026-01-11 00:00", "deadline",
		  "24/7"); /* Tue 6 .. Sat 10, closing at 24:00 */
	assert_true(cal_working_seconds(&c, wib("2026-01-05 00:00"), wib("2026-01-12 00:00"), NULL) ==
		    7 * 86400);
	bool unc = false;
	assert_true(cal_working_seconds(&c, wib("2025-12-31 12:00"), wib("2026-01-02 12:00"), &unc) ==
		    86400); /* 12 h + the holiday + 12 h */
	assert_true(unc);

	/* Morning and a late window up to midnight. */
	const cal_window two[2] = {{8 * 60, 12 * 60}, {22 * 60, 1440}};
	wk = same_every_day(2, two);
	cal_init(&c, &wk);
	assert_true(cal_is_open(&c, wib("2026-01-05 23:59:59")));
	assert_false(cal_is_open(&c, wib("2026-01-06 00:00")));
	check_wib(cal_next_open(&c, wib("2026-01-05 23:59")), "2026-01-05 23:59", "next", "late");
	check_wib(cal_next_open(&c, wib("2026-01-06 00:00")), "2026-01-06 08:00", "next", "late");
	check_wib(cal_next_open(&c, wib("2026-01-05 12:00")), "2026-01-05 22:00", "next", "late");
	assert_true(cal_working_seconds(&c, wib("2026-01-05 23:00"), wib("2026-01-06 09:00"), NULL) ==
		    7200);
	check_wib(cal_target(&c, wib("2026-01-05 23:00"), NULL), "2026-01-07 00:00", "target", "late");
	check_wib(cal_deadline(&c, wib("2026-01-05 12:30"), NULL), "2026-01-11 00:00", "deadline",
		  "late");

	/* Monday evening runs on into Tuesday's early window. */
	memset(&wk, 0, sizeof wk);
	wk.day[0].n = 1;
	wk.day[0].w[0] = (cal_window){20 * 60, 1440};
	wk.day[1].n = 1;
	wk.day[1].w[0] = (cal_window){0, 2 * 60};
	cal_init(&c, &wk);
	assert_true(cal_is_open(&c, wib("2026-01-06 00:00")));
	assert_true(cal_working_seconds(&c, wib("2026-01-05 21:00"), wib("2026-01-06 01:00"), NULL) ==
		    4 * 3600);

	/* Two windows that touch form one stretch. */
	const cal_window touch[2] = {{8 * 60, 12 * 60}, {12 * 60, 16 * 60}};
	wk = same_every_day(2, touch);
	cal_init(&c, &wk);
	assert_true(cal_is_open(&c, wib("2026-01-05 12:00")));
	check_wib(cal_next_open(&c, wib("2026-01-05 12:00")), "2026-01-05 12:00", "next", "touch");
}

static void test_week_valid(void **state)
{
	(void)state;
	assert_true(cal_week_valid(&standard_week));
	cal_week wk;
	memset(&wk, 0, sizeof wk);
	assert_true(cal_week_valid(&wk)); /* closed all week is a valid week */

	static const struct {
		int n;
		cal_window w[CAL_WINDOWS_MAX];
		bool ok;
	} cases[] = {
		{1, {{0, 1440}}, true},
		{2, {{480, 720}, {720, 960}}, true}, /* touching */
		{4, {{0, 1}, {2, 3}, {4, 5}, {6, 7}}, true},
		{1, {{480, 480}}, false},            /* empty */
		{1, {{600, 480}}, false},            /* backwards */
		{1, {{-1, 480}}, false},
		{1, {{480, 1441}}, false},
		{2, {{480, 720}, {700, 900}}, false}, /* overlap */
		{2, {{780, 900}, {480, 720}}, false}, /* out of order */
		{5, {{0, 1}, {2, 3}, {4, 5}, {6, 7}}, false},
		{-1, {{0, 1}}, false},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		wk = standard_week;
		wk.day[5].n = cases[i].n;
		memcpy(wk.day[5].w, cases[i].w, sizeof wk.day[5].w);
		if (cal_week_valid(&wk) != cases[i].ok)
			fail_msg("week case %zu should be %s", i, cases[i].ok ? "valid" : "invalid");
	}
}

/* ---- working seconds ------------------------------------------------------ */

static const struct {
	const char *what, *a, *b;
	int64_t secs;
	bool uncovered;
} working_cases[] = {
	{"same window", "2026-01-05 09:00", "2026-01-05 10:30", 90 * 60, false},
	{"seconds", "2026-01-05 09:00:10", "2026-01-05 09:00:55", 45, false},
	{"across the break", "2026-01-05 11:30", "2026-01-05 13:30", 60 * 60, false},
	{"inside the break", "2026-01-05 12:10", "2026-01-05 12:50", 0, false},
	{"whole Monday", "2026-01-05 00:00", "2026-01-06 00:00", 405 * 60, false},
	{"whole week", "2026-01-05 00:00", "2026-01-12 00:00", (4 * 405 + 180) * 60, false},
	{"across a weekend", "2026-01-09 10:00", "2026-01-12 09:00", 120 * 60, false},
	{"weekend only", "2026-01-10 00:00", "2026-01-12 00:00", 0, false},
	{"across Nyepi and Lebaran", "2026-03-17 15:00", "2026-03-25 08:30", 75 * 60, false},
	{"across Imlek", "2026-02-13 10:30", "2026-02-18 08:15", 45 * 60, false},
	{"a == b", "2026-01-05 10:00", "2026-01-05 10:00", 0, false},
	{"a > b", "2026-01-05 10:00", "2026-01-05 09:00", 0, false},
	/* 2026: 209 Mon-Thu (405 min) and 52 Fridays (180 min) = 94005 min,
	 * less 15 days off on Mon-Thu and 6 on Fridays = 86850 min. */
	{"year 2026", "2026-01-01 00:00", "2027-01-01 00:00", 86850 * 60, false},
	{"up to midnight of 1 Jan 2027", "2026-12-31 10:00", "2027-01-01 00:00", 285 * 60, false},
	{"into 2027", "2026-12-31 10:00", "2027-01-04 09:00", (285 + 180 + 60) * 60, true},
	{"from 2025", "2025-12-31 15:00", "2026-01-02 09:00", (45 + 60) * 60, true},
};

static void run_working_cases(const cal *c)
{
	for (size_t i = 0; i < sizeof working_cases / sizeof working_cases[0]; i++) {
		bool unc = !working_cases[i].uncovered;
		int64_t got = cal_working_seconds(c, wib(working_cases[i].a), wib(working_cases[i].b),
						  &unc);
		if (got != working_cases[i].secs)
			fail_msg("%s: %lld working seconds, expected %lld", working_cases[i].what,
				 (long long)got, (long long)working_cases[i].secs);
		if (unc != working_cases[i].uncovered)
			fail_msg("%s: uncovered flag is %d", working_cases[i].what, unc);
	}
}

static void test_working_seconds(void **state)
{
	run_working_cases(*state);
}

static bool is_day_off_2026(const char *date)
{
	for (size_t i = 0; i < N_DAYS_OFF_2026; i++)
		if (strcmp(date, days_off_2026[i]) == 0)
			return true;
	return false;
}

/* Minutes of service on a day of the standard week, from its weekday and
 * whether service.md lists it as a day off (2027 treated as having none). */
static int ref_day_minutes(int64_t t)
{
	time_t tt = (time_t)(t + WIB_SECS);
	struct tm tm;
	gmtime_r(&tt, &tm);
	char date[16];
	strftime(date, sizeof date, "%Y-%m-%d", &tm);
	if (is_day_off_2026(date))
		return 0;
	return tm.tm_wday >= 1 && tm.tm_wday <= 4 ? 405 : tm.tm_wday == 5 ? 180 : 0;
}

static bool ref_open(int64_t t)
{
	time_t tt = (time_t)(t + WIB_SECS);
	struct tm tm;
	gmtime_r(&tt, &tm);
	int m = tm.tm_hour * 60 + tm.tm_min;
	if (tm.tm_wday >= 1 && tm.tm_wday <= 4)
		return (m >= 480 && m < 720) || (m >= 780 && m < 945);
	if (tm.tm_wday == 5)
		return m >= 480 && m < 660;
	return false;
}

/* The year 2026 counted day by day, independently of the code under test. */
static void test_working_seconds_year_by_days(void **state)
{
	const cal *c = *state;
	int64_t start = wib("2026-01-01 00:00");
	int64_t minutes = 0;
	for (int d = 0; d < 365; d++)
		minutes += ref_day_minutes(start + (int64_t)d * 86400);
	assert_true(minutes == 86850);
	bool unc = true;
	assert_true(cal_working_seconds(c, start, wib("2027-01-01 00:00"), &unc) == minutes * 60);
	assert_false(unc);
}

/* Minute by minute over pseudo-random spans of up to three weeks. */
static void test_working_seconds_reference_loop(void **state)
{
	const cal *c = *state;
	const int64_t y0 = wib("2026-01-01 00:00");
	uint64_t x = 42;
	for (int i = 0; i < 60; i++) {
		x = x * 6364136223846793005u + 1442695040888963407u;
		/* Minute-aligned spans starting in 2026; the last ones reach 2027. */
		int64_t a = y0 + (int64_t)((x >> 20) % (365u * 1440u)) * 60;
		if (i >= 55)
			a = wib("2026-12-20 07:00") + (int64_t)i * 3600;
		int64_t b = a + (int64_t)((x >> 44) % (21u * 1440u)) * 60;
		int64_t want = 0;
		int day_minutes = -1;
		for (int64_t t = a; t < b; t += 60) {
			if (t == a || (t + WIB_SECS) % 86400 == 0)
				day_minutes = ref_day_minutes(t);
			if (day_minutes > 0 && ref_open(t))
				want += 60;
		}
		int64_t got = cal_working_seconds(c, a, b, NULL);
		if (got != want) {
			char sa[40], sb[40];
			fmt(a, sa);
			fmt(b, sb);
			fail_msg("[%s, %s): %lld working seconds, reference %lld", sa, sb,
				 (long long)got, (long long)want);
		}
	}
}

/* Spans of years and arbitrary seconds: splitting a span anywhere adds up. */
static void test_working_seconds_additive(void **state)
{
	const cal *c = *state;
	const int64_t base = wib("2020-01-01 00:00");
	const uint64_t range = 40u * 366u * 86400u; /* 2020 .. about 2060 */
	uint64_t x = 7;
	for (int i = 0; i < 5000; i++) {
		int64_t p[3];
		for (int k = 0; k < 3; k++) {
			x = x * 6364136223846793005u + 1442695040888963407u;
			p[k] = base + (int64_t)((x >> 16) % range);
		}
		/* sort the three points */
		for (int k = 0; k < 2; k++)
			for (int j = 0; j < 2 - k; j++)
				if (p[j] > p[j + 1]) {
					int64_t tmp = p[j];
					p[j] = p[j + 1];
					p[j + 1] = tmp;
				}
		int64_t whole = cal_working_seconds(c, p[0], p[2], NULL);
		int64_t parts = cal_working_seconds(c, p[0], p[1], NULL) +
				cal_working_seconds(c, p[1], p[2], NULL);
		if (whole != parts)
			fail_msg("not additive at %lld < %lld < %lld: %lld != %lld", (long long)p[0],
				 (long long)p[1], (long long)p[2], (long long)whole, (long long)parts);
	}
	/* A century in one call is counted by weeks, not by minutes. */
	bool unc = false;
	int64_t century = cal_working_seconds(c, wib("2000-01-01 00:00"), wib("2100-01-01 00:00"),
					      &unc);
	assert_true(unc);
	/* 36525 days = 5217 weeks + 6 days (Sat 1 Jan 2000 .. Thu 31 Dec 2099):
	 * 5217 * 1800 min + Mon-Thu of the last partial week (4 * 405), less the
	 * 25 days off of 2026 (7155 min). */
	assert_true(century == ((int64_t)5217 * 1800 + 4 * 405 - 7155) * 60);
	/* Instants far outside any real use are clamped, never overflow. */
	assert_true(cal_working_seconds(c, INT64_MIN, INT64_MAX, NULL) > 0);
	assert_false(cal_is_open(c, INT64_MAX));
	assert_true(cal_next_open(c, INT64_MAX) == -1);
	assert_true(cal_deadline(c, INT64_MIN, NULL) == -1);
}

/* ---- the machine's time zone does not matter ------------------------------ */

static void test_machine_time_zone_is_ignored(void **state)
{
	const cal *c = *state;
	const char *old = getenv("TZ");
	char saved[128] = "";
	bool had = old != NULL && strlen(old) < sizeof saved;
	if (had)
		strcpy(saved, old);

	/* New York: UTC-5 in winter, -4 in summer, with DST switches. Without
	 * tzdata, the same rule as a POSIX TZ string. */
	if (access("/usr/share/zoneinfo/America/New_York", R_OK) == 0)
		setenv("TZ", "America/New_York", 1);
	else
		setenv("TZ", "EST5EDT,M3.2.0,M11.1.0", 1);
	tzset();
	time_t t0 = 1767200400; /* 2026-01-01 00:00 WIB = 2025-12-31 12:00 in New York */
	struct tm lt;
	localtime_r(&t0, &lt);
	assert_int_equal(lt.tm_hour, 12); /* the zone really is in effect */

	cal_civil cv = cal_to_wib(1767200400);
	assert_int_equal(cv.y, 2026);
	assert_int_equal(cv.m, 1);
	assert_int_equal(cv.d, 1);
	assert_int_equal(cv.hh, 0);
	assert_true(cal_from_wib(2026, 1, 1, 0, 0) == 1767200400);
	run_open_cases(c);
	run_receipt_cases(c);
	run_working_cases(c);

	if (had)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
}

/* ---- the holidays file ---------------------------------------------------- */

#define LONG_NAME_95 \
	"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopq"
#define OK_LINE "2026-01-01\tlibur\tTahun Baru\n"

static const struct {
	const char *what, *text;
	cal_err err;
	int line;  /* expected *ERR_LINE */
	int added; /* entries added on CAL_OK */
} parse_cases[] = {
	{"empty text", "", CAL_OK, 0, 0},
	{"one line", OK_LINE, CAL_OK, 0, 1},
	{"no final line end", "2026-01-01\tlibur\tTahun Baru", CAL_OK, 0, 1},
	{"comments, blanks, CRLF",
	 "# Hari libur\r\n\r\n   \r\n\t\r\n  # indented comment\r\n"
	 "2026-01-01\tlibur\tTahun Baru\r\n#\r\n2026-03-18\tcuti\tCuti Bersama Nyepi\r\n",
	 CAL_OK, 0, 2},
	{"trailing whitespace", "2026-01-01\tlibur\tTahun Baru \t \r\n", CAL_OK, 0, 1},
	{"byte-order mark", "\xef\xbb\xbf" OK_LINE, CAL_OK, 0, 1},
	{"only comments", "# nothing\n# here\n", CAL_OK, 0, 0},
	{"out of order", "2026-05-01\tlibur\tB\n2026-01-01\tlibur\tA\n", CAL_OK, 0, 2},
	{"leap day", "2024-02-29\tlibur\tLeap\n2000-02-29\tcuti\tLeap 2000\n", CAL_OK, 0, 2},
	{"UTF-8 name", "2026-05-31\tlibur\tWaisak \xe2\x80\x94 \xe0\xa4\xac\xf0\x9f\x99\x8f\n",
	 CAL_OK, 0, 1},
	{"95-byte name", "2026-01-01\tlibur\t" LONG_NAME_95 "\n", CAL_OK, 0, 1},

	{"month 13", "# c\n2026-13-01\tlibur\tX\n", CAL_ERR_DATE, 2, 0},
	{"31 April", OK_LINE "2026-04-31\tlibur\tX\n", CAL_ERR_DATE, 2, 0},
	{"29 Feb 2026", "2026-02-29\tlibur\tX\n", CAL_ERR_DATE, 1, 0},
	{"29 Feb 2100", "2100-02-29\tlibur\tX\n", CAL_ERR_DATE, 1, 0},
	{"day 0", "2026-01-00\tlibur\tX\n", CAL_ERR_DATE, 1, 0},
	{"day 32", "2026-01-32\tlibur\tX\n", CAL_ERR_DATE, 1, 0},
	{"month 0", "2026-00-10\tlibur\tX\n", CAL_ERR_DATE, 1, 0},
	{"year 0", "0000-01-01\tlibur\tX\n", CAL_ERR_DATE, 1, 0},
	{"short month", "2026-1-01\tlibur\tX\n", CAL_ERR_DATE, 1, 0},
	{"two-digit year", "26-01-01\tlibur\tX\n", CAL_ERR_DATE, 1, 0},
	{"slashes", "2026/01/01\tlibur\tX\n", CAL_ERR_DATE, 1, 0},
	{"day-month-year", "01-01-2026\tlibur\tX\n", CAL_ERR_DATE, 1, 0},
	{"letters", "2026-0a-01\tlibur\tX\n", CAL_ERR_DATE, 1, 0},
	{"date first", "2026-02-30\tholiday\tX\n", CAL_ERR_DATE, 1, 0},

	{"kind capitalised", "2026-01-01\tLibur\tX\n", CAL_ERR_KIND, 1, 0},
	{"kind unknown", OK_LINE "2026-01-02\tholiday\tX\n", CAL_ERR_KIND, 2, 0},
	{"kind two words", "2026-01-02\tcuti bersama\tX\n", CAL_ERR_KIND, 1, 0},
	{"kind before name", "2026-01-01\tfree\t" LONG_NAME_95 "x\n", CAL_ERR_KIND, 1, 0},

	{"no name", "2026-01-01\tlibur\n", CAL_ERR_NAME_MISSING, 1, 0},
	{"empty name", "2026-01-01\tlibur\t\r\n", CAL_ERR_NAME_MISSING, 1, 0},
	{"blank name", "2026-01-01\tlibur\t   \n", CAL_ERR_NAME_MISSING, 1, 0},
	{"96-byte name", "2026-01-01\tlibur\t" LONG_NAME_95 "x\n", CAL_ERR_NAME_TOO_LONG, 1, 0},
	{"control character", "2026-01-01\tlibur\tTahun\x01" "Baru\n", CAL_ERR_NAME_CHARS, 1, 0},
	{"lone CR inside", "2026-01-01\tlibur\tTahun\rBaru\n", CAL_ERR_NAME_CHARS, 1, 0},
	{"DEL", "2026-01-01\tlibur\tTahun\x7f\n", CAL_ERR_NAME_CHARS, 1, 0},
	{"not UTF-8", "2026-01-01\tlibur\tTahun \xff\n", CAL_ERR_NAME_CHARS, 1, 0},
	{"Latin-1", "2026-01-01\tlibur\tCaf\xe9\n", CAL_ERR_NAME_CHARS, 1, 0},
	{"overlong UTF-8", "2026-01-01\tlibur\t\xc0\xaf\n", CAL_ERR_NAME_CHARS, 1, 0},
	{"overlong 3-byte UTF-8", "2026-01-01\tlibur\t\xe0\x80\xaf\n", CAL_ERR_NAME_CHARS, 1, 0},
	{"beyond U+10FFFF", "2026-01-01\tlibur\t\xf4\x90\x80\x80\n", CAL_ERR_NAME_CHARS, 1, 0},
	{"surrogate", "2026-01-01\tlibur\t\xed\xa0\x80\n", CAL_ERR_NAME_CHARS, 1, 0},
	{"cut UTF-8", "2026-01-01\tlibur\tA\xe2\x80\n", CAL_ERR_NAME_CHARS, 1, 0},

	{"duplicate", OK_LINE "# again:\n2026-01-01\tcuti\tOther\n", CAL_ERR_DUPLICATE, 3, 0},
	{"duplicate CRLF", "2026-03-18\tcuti\tA\r\n\r\n2026-03-19\tlibur\tB\r\n2026-03-18\tcuti\tA\r\n",
	 CAL_ERR_DUPLICATE, 4, 0},

	{"spaces for TABs", "2026-01-01 libur Tahun Baru\n", CAL_ERR_SEPARATOR, 1, 0},
	{"space instead of TAB before name", "2026-01-01\tlibur Tahun Baru\n", CAL_ERR_SEPARATOR, 1, 0},
	{"two TABs after date", "2026-01-01\t\tlibur\tX\n", CAL_ERR_SEPARATOR, 1, 0},
	{"two TABs after kind", "2026-01-01\tlibur\t\tX\n", CAL_ERR_SEPARATOR, 1, 0},
	{"four fields", "2026-01-01\tlibur\tA\tB\n", CAL_ERR_SEPARATOR, 1, 0},
	{"space after date", "2026-01-01 \tlibur\tX\n", CAL_ERR_SEPARATOR, 1, 0},
	{"space after kind", "2026-01-01\tlibur \tX\n", CAL_ERR_SEPARATOR, 1, 0},
	{"space before name", "2026-01-01\tlibur\t X\n", CAL_ERR_SEPARATOR, 1, 0},
	{"indented entry", "  2026-01-01\tlibur\tX\n", CAL_ERR_SEPARATOR, 1, 0},
	{"TAB-indented entry", "\t2026-01-01\tlibur\tX\n", CAL_ERR_SEPARATOR, 1, 0},
	{"no TAB at all", "hello\n", CAL_ERR_SEPARATOR, 1, 0},
	{"separator before date", "2026-02-30 libur X\n", CAL_ERR_SEPARATOR, 1, 0},
};

/* A table holding one entry (in 2030), to see loads add to it or leave it. */
static void cal_with_sentinel(cal *c)
{
	static const char sentinel[] = "2030-06-01\tlibur\tSentinel\n";
	cal_init(c, &standard_week);
	assert_int_equal(cal_load_holidays(c, sentinel, strlen(sentinel), NULL), CAL_OK);
	assert_int_equal(c->n_holidays, 1);
}

static void test_parse_table(void **state)
{
	(void)state;
	cal *c = malloc(sizeof *c);
	cal *before = malloc(sizeof *before);
	assert_non_null(c);
	assert_non_null(before);
	for (size_t i = 0; i < sizeof parse_cases / sizeof parse_cases[0]; i++) {
		cal_with_sentinel(c);
		memcpy(before, c, sizeof *c);
		int line = -7;
		cal_err err = cal_load_holidays(c, parse_cases[i].text, strlen(parse_cases[i].text),
						&line);
		if (err != parse_cases[i].err || line != parse_cases[i].line)
			fail_msg("%s: got %s at line %d, expected %s at line %d", parse_cases[i].what,
				 cal_err_name(err), line, cal_err_name(parse_cases[i].err),
				 parse_cases[i].line);
		if (err == CAL_OK) {
			assert_int_equal(c->n_holidays, 1 + parse_cases[i].added);
			for (int k = 1; k < c->n_holidays; k++)
				assert_true(c->holidays[k - 1].day_no < c->holidays[k].day_no);
		} else if (memcmp(c, before, sizeof *c) != 0) {
			fail_msg("%s: the table changed on error", parse_cases[i].what);
		}
	}
	free(c);
	free(before);
}

static void test_parse_fields(void **state)
{
	(void)state;
	cal c;
	cal_init(&c, &standard_week);
	static const char text[] = "2026-05-01\tlibur\tHari Buruh \t\r\n"
				   "2026-03-18\tcuti\tCuti Bersama Nyepi\n"
				   "2027-01-01\tlibur\tTahun Baru 2027";
	assert_int_equal(cal_load_holidays(&c, text, strlen(text), NULL), CAL_OK);
	assert_int_equal(c.n_holidays, 3);
	assert_int_equal(c.holidays[0].m, 3);
	assert_int_equal(c.holidays[0].d, 18);
	assert_int_equal(c.holidays[0].kind, CAL_HOLIDAY_JOINT_LEAVE);
	assert_string_equal(c.holidays[0].name, "Cuti Bersama Nyepi");
	assert_int_equal(c.holidays[1].kind, CAL_HOLIDAY_NATIONAL);
	assert_string_equal(c.holidays[1].name, "Hari Buruh"); /* trailing blanks dropped */
	assert_string_equal(c.holidays[2].name, "Tahun Baru 2027");
	assert_true(c.holidays[2].day_no == 20819); /* 1798761600 s / 86400 */
	assert_true(cal_year_covered(&c, 2026));
	assert_true(cal_year_covered(&c, 2027));
	assert_false(cal_year_covered(&c, 2028));

	/* LEN is the text: nothing past it is read, no NUL needed. */
	static const char cut[] = "2026-08-17\tlibur\tKemerdekaanGARBAGE\tmore";
	cal_init(&c, &standard_week);
	assert_int_equal(cal_load_holidays(&c, cut, strlen("2026-08-17\tlibur\tKemerdekaan"), NULL),
			 CAL_OK);
	assert_string_equal(c.holidays[0].name, "Kemerdekaan");

	/* A NUL byte inside the name is a control character. */
	static const char nul[] = "2026-08-17\tlibur\tKemer\0deka\n";
	int line = 0;
	assert_int_equal(cal_load_holidays(&c, nul, sizeof nul - 1, &line), CAL_ERR_NAME_CHARS);
	assert_int_equal(line, 1);

	/* NULL text of length 0, NULL ERR_LINE. */
	assert_int_equal(cal_load_holidays(&c, NULL, 0, NULL), CAL_OK);
	assert_int_equal(c.n_holidays, 1);
	cal_clear_holidays(&c);
	assert_int_equal(c.n_holidays, 0);
	assert_false(cal_year_covered(&c, 2026));
}

static void test_parse_line_length(void **state)
{
	(void)state;
	cal c;
	cal_init(&c, &standard_week);
	char text[2 * CAL_LINE_MAX + 64];
	int line = 0;

	/* A comment of exactly CAL_LINE_MAX bytes, with CR LF, then an entry. */
	text[0] = '#';
	memset(text + 1, 'x', CAL_LINE_MAX - 1);
	strcpy(text + CAL_LINE_MAX, "\r\n" OK_LINE);
	assert_int_equal(cal_load_holidays(&c, text, strlen(text), &line), CAL_OK);
	assert_int_equal(c.n_holidays, 1);

	/* One byte more is refused, on its line, even as a comment. */
	cal_init(&c, &standard_week);
	strcpy(text, "# first\n");
	size_t at = strlen(text);
	text[at] = '#';
	memset(text + at + 1, 'x', CAL_LINE_MAX);
	strcpy(text + at + 1 + CAL_LINE_MAX, "\n" OK_LINE);
	assert_int_equal(cal_load_holidays(&c, text, strlen(text), &line), CAL_ERR_LINE_TOO_LONG);
	assert_int_equal(line, 2);
	assert_int_equal(c.n_holidays, 0);

	/* Trailing blanks count towards the length. */
	strcpy(text, OK_LINE);
	at = strlen(text) - 1;
	memset(text + at, ' ', CAL_LINE_MAX);
	strcpy(text + at + CAL_LINE_MAX, "\n");
	assert_int_equal(cal_load_holidays(&c, text, strlen(text), &line), CAL_ERR_LINE_TOO_LONG);
	assert_int_equal(line, 1);
}

static void test_parse_too_many(void **state)
{
	(void)state;
	cal *c = malloc(sizeof *c);
	cal *before = malloc(sizeof *before);
	size_t cap = 64 * (CAL_HOLIDAYS_MAX + 2);
	char *text = malloc(cap);
	assert_non_null(c);
	assert_non_null(before);
	assert_non_null(text);
	const time_t day0 = 1767225600; /* 2026-01-01 00:00 UTC */
	size_t len = 0;
	for (int i = 0; i < CAL_HOLIDAYS_MAX + 1; i++) {
		time_t tt = day0 + (time_t)i * 86400;
		struct tm tm;
		gmtime_r(&tt, &tm);
		len += (size_t)snprintf(text + len, cap - len, "%04d-%02d-%02d\tcuti\tDay %d\n",
					tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, i + 1);
		if (i == CAL_HOLIDAYS_MAX - 1) { /* exactly the capacity fits */
			cal_init(c, &standard_week);
			assert_int_equal(cal_load_holidays(c, text, len, NULL), CAL_OK);
			assert_int_equal(c->n_holidays, CAL_HOLIDAYS_MAX);
		}
	}
	cal_init(c, &standard_week);
	int line = 0;
	assert_int_equal(cal_load_holidays(c, text, len, &line), CAL_ERR_TOO_MANY);
	assert_int_equal(line, CAL_HOLIDAYS_MAX + 1);
	assert_int_equal(c->n_holidays, 0);

	/* The cap counts the whole table: with 2026's 25 entries loaded, a
	 * second file may add 103 more and no 104th, all or nothing. */
	for (int extra = CAL_HOLIDAYS_MAX - 25; extra <= CAL_HOLIDAYS_MAX - 24; extra++) {
		const time_t day2030 = 1893456000; /* 2030-01-01 00:00 UTC */
		len = 0;
		for (int i = 0; i < extra; i++) {
			time_t tt = day2030 + (time_t)i * 86400;
			struct tm tm;
			gmtime_r(&tt, &tm);
			len += (size_t)snprintf(text + len, cap - len, "%04d-%02d-%02d\tcuti\tDay %d\n",
						tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, i + 1);
		}
		cal_init(c, &standard_week);
		load_2026(c);
		memcpy(before, c, sizeof *c);
		cal_err err = cal_load_holidays(c, text, len, &line);
		if (extra == CAL_HOLIDAYS_MAX - 25) {
			assert_int_equal(err, CAL_OK);
			assert_int_equal(c->n_holidays, CAL_HOLIDAYS_MAX);
		} else {
			assert_int_equal(err, CAL_ERR_TOO_MANY);
			assert_int_equal(line, extra);
			assert_memory_equal(c, before, sizeof *c);
		}
	}
	free(text);
	free(c);
	free(before);
}

/* Loading next year's file adds to the table; a failed load changes nothing. */
static void test_all_or_nothing_and_merge(void **state)
{
	(void)state;
	cal *c = malloc(sizeof *c);
	cal *before = malloc(sizeof *before);
	assert_non_null(c);
	assert_non_null(before);
	cal_init(c, &standard_week);
	load_2026(c);
	memcpy(before, c, sizeof *c);

	static const char bad_2027[] = "2027-01-01\tlibur\tTahun Baru 2027\n"
				       "2027-02-06\tlibur\tImlek\n"
				       "2027-03-10\tlibur\tIdul Fitri\n"
				       "2027-03-11\tlibur\tIdul Fitri\tsecond\n";
	int line = 0;
	assert_int_equal(cal_load_holidays(c, bad_2027, strlen(bad_2027), &line), CAL_ERR_SEPARATOR);
	assert_int_equal(line, 4);
	assert_memory_equal(c, before, sizeof *c);
	assert_false(cal_year_covered(c, 2027));

	/* A date of the table already loaded is a duplicate. */
	static const char dup[] = "2027-01-01\tlibur\tTahun Baru 2027\n"
				  "2026-03-19\tlibur\tNyepi again\n";
	assert_int_equal(cal_load_holidays(c, dup, strlen(dup), &line), CAL_ERR_DUPLICATE);
	assert_int_equal(line, 2);
	assert_memory_equal(c, before, sizeof *c);

	/* 2027 (made-up days for the test) joins 2026 and makes 2027 covered. */
	static const char good_2027[] = "2027-01-01\tlibur\tTahun Baru 2027\n"
					"2027-01-04\tcuti\tCuti test\n";
	assert_int_equal(cal_load_holidays(c, good_2027, strlen(good_2027), &line), CAL_OK);
	assert_int_equal(line, 0);
	assert_int_equal(c->n_holidays, 27);
	assert_true(cal_year_covered(c, 2027));
	/* The year-end deadline is now trusted and skips the new days off:
	 * Mon 28, Tue 29, Wed 30, Thu 31 Dec, (Fri 1, Mon 4 Jan off), Tue 5 Jan. */
	bool unc = true;
	check_wib(cal_deadline(c, wib("2026-12-23 10:00"), &unc), "2027-01-05 15:45", "deadline",
		  "with 2027");
	assert_false(unc);
	free(c);
	free(before);
}

static void test_err_names(void **state)
{
	(void)state;
	for (int e = CAL_OK; e <= CAL_ERR_TOO_MANY; e++) {
		const char *s = cal_err_name((cal_err)e);
		assert_non_null(s);
		assert_true(strlen(s) > 0);
		for (const char *p = s; *p; p++)
			assert_true(*p >= 0x20 && *p < 0x7f);
		for (int f = CAL_OK; f < e; f++)
			assert_string_not_equal(s, cal_err_name((cal_err)f));
	}
	assert_string_equal(cal_err_name((cal_err)99), "unknown error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_date),
		cmocka_unit_test(test_civil_known_instants),
		cmocka_unit_test(test_civil_against_libc),
		cmocka_unit_test_setup_teardown(test_real_table, setup_standard, teardown_cal),
		cmocka_unit_test_setup_teardown(test_is_open, setup_standard, teardown_cal),
		cmocka_unit_test_setup_teardown(test_receipt_target_deadline, setup_standard, teardown_cal),
		cmocka_unit_test_setup_teardown(test_close_of_nth_working_day, setup_standard, teardown_cal),
		cmocka_unit_test_setup_teardown(test_next_open, setup_standard, teardown_cal),
		cmocka_unit_test(test_no_window_at_all),
		cmocka_unit_test(test_search_horizon),
		cmocka_unit_test(test_windows_to_midnight),
		cmocka_unit_test(test_week_valid),
		cmocka_unit_test_setup_teardown(test_working_seconds, setup_standard, teardown_cal),
		cmocka_unit_test_setup_teardown(test_working_seconds_year_by_days, setup_standard,
						teardown_cal),
		cmocka_unit_test_setup_teardown(test_working_seconds_reference_loop, setup_standard,
						teardown_cal),
		cmocka_unit_test_setup_teardown(test_working_seconds_additive, setup_standard, teardown_cal),
		cmocka_unit_test_setup_teardown(test_machine_time_zone_is_ignored, setup_standard,
						teardown_cal),
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_parse_fields),
		cmocka_unit_test(test_parse_line_length),
		cmocka_unit_test(test_parse_too_many),
		cmocka_unit_test(test_all_or_nothing_and_merge),
		cmocka_unit_test(test_err_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

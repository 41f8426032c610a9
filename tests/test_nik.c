/*
 * test_nik: NIK and NIP parsing, formatting and cross-checks (rules/nik.c).
 *
 * Table tests give a case for every rule of each number, each producing its
 * own code (and the accepted edge cases next to each refusal: 29 February,
 * day 71 for a woman born on the 31st, the first and last plausible NIP
 * years), the female day offset, every province code 00-99 against the list
 * in the service's domain facts, formatting as the exact inverse of parsing,
 * and the officer's warnings from the cross-checks.
 * Then generated numbers from a seeded PRNG: 2,000 NIKs and 2,000 NIPs built
 * from random valid parts must parse back to those parts and format back to
 * the same digits; each is then mutated once per kind of error (length,
 * non-digit, province, day, month, impossible date, serial; birth date, start
 * date, sex, serial) and must give exactly that code; and a NIK built from a
 * NIP's person must cross-check clean until its date or sex is changed.
 * The two fixture people are made up.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "nik.h"

enum { GENERATED = 2000 };

/* Made-up fixture people. */
#define SITI_NIK "3375014101900001" /* woman, born 01-01-(19)90 */
#define BUDI_NIK "3375010101900002" /* man, born 01-01-(19)90 */
#define SITI_NIP "199001012015032001"
#define BUDI_NIP "199001012015031002"

/* The province codes of the domain facts (service.md section 5), spelled out. */
static const int known_provinces[] = {
	11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52,
	53, 61, 62, 63, 64, 65, 71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96, 97,
};

static bool in_known(int code)
{
	for (size_t i = 0; i < sizeof known_provinces / sizeof known_provinces[0]; i++)
		if (known_provinces[i] == code)
			return true;
	return false;
}

static void expect_code(const char *what, const char *in, val_code got, val_code want)
{
	if (got != want)
		fail_msg("%s(\"%s\"): got %s, want %s", what, in, val_code_name(got),
			 val_code_name(want));
}

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days in month M of year Y (0: any year, so February has 29). */
static int dim(int m, int y)
{
	static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return m == 2 && (y == 0 || leap(y)) ? 29 : d[m - 1];
}

/* splitmix64: a deterministic PRNG with its state in the caller. */
typedef struct rng {
	uint64_t s;
} rng;

static uint64_t rng_next(rng *r)
{
	uint64_t z = (r->s += 0x9E3779B97F4A7C15u);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
	return z ^ (z >> 31);
}

/* Uniform in [lo, hi]. */
static int rng_range(rng *r, int lo, int hi)
{
	return lo + (int)(rng_next(r) % (uint64_t)(hi - lo + 1));
}

/* Overwrite N digits of S at AT with V. */
static void set_digits(char *s, int at, int n, int v)
{
	for (int i = n - 1; i >= 0; i--) {
		s[at + i] = (char)('0' + v % 10);
		v /= 10;
	}
}

/* Field by field: padding bytes of the structs are not compared. */
static void assert_nik_equal(const nik_info *a, const nik_info *b)
{
	assert_int_equal(a->province, b->province);
	assert_int_equal(a->regency, b->regency);
	assert_int_equal(a->district, b->district);
	assert_int_equal(a->day, b->day);
	assert_int_equal(a->month, b->month);
	assert_int_equal(a->yy, b->yy);
	assert_int_equal(a->female, b->female);
	assert_int_equal(a->serial, b->serial);
}

static void assert_nip_equal(const nip_info *a, const nip_info *b)
{
	assert_int_equal(a->birth_y, b->birth_y);
	assert_int_equal(a->birth_m, b->birth_m);
	assert_int_equal(a->birth_d, b->birth_d);
	assert_int_equal(a->start_y, b->start_y);
	assert_int_equal(a->start_m, b->start_m);
	assert_int_equal(a->female, b->female);
	assert_int_equal(a->serial, b->serial);
}

/* ---- NIK tables ------------------------------------------------------------ */

static const struct nik_case {
	const char *in;
	val_code code;
} nik_cases[] = {
	{SITI_NIK, VAL_OK},
	{BUDI_NIK, VAL_OK},
	{"  " BUDI_NIK " \t\r\n", VAL_OK},
	{"1101012902000001", VAL_OK}, /* 29 February: the century is unknown */
	{"9701016902000001", VAL_OK}, /* the same, a woman */
	{"3375013112999999", VAL_OK}, /* a man born on the 31st */
	{"3375017112990001", VAL_OK}, /* a woman born on the 31st: 71 */
	{"2100004101000001", VAL_OK}, /* regency and district 00 are not checked */
	{"", VAL_EMPTY},
	{" \t ", VAL_EMPTY},
	{"337501410190000", VAL_NIK_LENGTH},
	{"33750141019000011", VAL_NIK_LENGTH},
	{"3", VAL_NIK_LENGTH},
	{"3375 0141 0190 0001", VAL_NIK_DIGITS},
	{"33750141019000O1", VAL_NIK_DIGITS},
	{"-375014101900001", VAL_NIK_DIGITS},
	{"3375014101900001.", VAL_NIK_DIGITS},
	{"337501410190000\xff", VAL_NIK_DIGITS},
	{"\xef\xbc\x93\xef\xbc\x93", VAL_NIK_DIGITS}, /* fullwidth digits */
	{"NIK", VAL_NIK_DIGITS},
	{"0075014101900001", VAL_NIK_PROVINCE},
	{"1075014101900001", VAL_NIK_PROVINCE},
	{"2075014101900001", VAL_NIK_PROVINCE},
	{"2275014101900001", VAL_NIK_PROVINCE},
	{"3775014101900001", VAL_NIK_PROVINCE},
	{"5475014101900001", VAL_NIK_PROVINCE},
	{"6675014101900001", VAL_NIK_PROVINCE},
	{"7775014101900001", VAL_NIK_PROVINCE},
	{"8375014101900001", VAL_NIK_PROVINCE},
	{"9875014101900001", VAL_NIK_PROVINCE},
	{"3375010001900001", VAL_NIK_DAY},
	{"3375013201900001", VAL_NIK_DAY},
	{"3375014001900001", VAL_NIK_DAY},
	{"3375017201900001", VAL_NIK_DAY},
	{"3375019901900001", VAL_NIK_DAY},
	{"3375014100900001", VAL_NIK_MONTH},
	{"3375014113900001", VAL_NIK_MONTH},
	{"3375010199900001", VAL_NIK_MONTH},
	{"3375013002900001", VAL_NIK_DATE},
	{"3375013102900001", VAL_NIK_DATE},
	{"3375017002900001", VAL_NIK_DATE}, /* a woman: 70 - 40 = 30 February */
	{"3375013104900001", VAL_NIK_DATE},
	{"3375013106900001", VAL_NIK_DATE},
	{"3375013109900001", VAL_NIK_DATE},
	{"3375017111900001", VAL_NIK_DATE},
	{"3375014101900000", VAL_NIK_SERIAL},
	/* the first rule broken wins */
	{"1075009913900000", VAL_NIK_PROVINCE},
	{"3375009913900000", VAL_NIK_DAY},
	{"3375013113900000", VAL_NIK_MONTH},
	{"3375013102900000", VAL_NIK_DATE},
};

static void test_nik_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof nik_cases / sizeof nik_cases[0]; i++) {
		nik_info ni;

		memset(&ni, 0x5A, sizeof ni);
		expect_code("nik_parse", nik_cases[i].in, nik_parse(nik_cases[i].in, &ni),
			    nik_cases[i].code);
		if (nik_cases[i].code != VAL_OK) {
			nik_info zero;

			memset(&zero, 0, sizeof zero);
			assert_memory_equal(&ni, &zero, sizeof ni);
		}
		expect_code("nik_parse (no OUT)", nik_cases[i].in, nik_parse(nik_cases[i].in, NULL),
			    nik_cases[i].code);
	}
	assert_int_equal(nik_parse(NULL, NULL), VAL_EMPTY);
}

static void test_nik_parts(void **state)
{
	nik_info ni;
	char f[NIK_CAP];

	(void)state;
	assert_int_equal(nik_parse(SITI_NIK, &ni), VAL_OK);
	assert_int_equal(ni.province, 33);
	assert_int_equal(ni.regency, 75);
	assert_int_equal(ni.district, 1);
	assert_int_equal(ni.day, 1); /* 41 - 40 */
	assert_true(ni.female);
	assert_int_equal(ni.month, 1);
	assert_int_equal(ni.yy, 90);
	assert_int_equal(ni.serial, 1);
	assert_true(nik_format(&ni, f, sizeof f));
	assert_string_equal(f, SITI_NIK);

	assert_int_equal(nik_parse(BUDI_NIK, &ni), VAL_OK);
	assert_int_equal(ni.day, 1);
	assert_false(ni.female);
	assert_int_equal(ni.serial, 2);
	assert_true(nik_format(&ni, f, sizeof f));
	assert_string_equal(f, BUDI_NIK);

	/* Every female day 41-71 is day 1-31 (in a 31-day month). */
	for (int d = 1; d <= 31; d++) {
		char s[NIK_CAP] = "3375010001050009";

		set_digits(s, 6, 2, d + 40);
		assert_int_equal(nik_parse(s, &ni), VAL_OK);
		assert_int_equal(ni.day, d);
		assert_true(ni.female);
		set_digits(s, 6, 2, d);
		assert_int_equal(nik_parse(s, &ni), VAL_OK);
		assert_int_equal(ni.day, d);
		assert_false(ni.female);
	}

	/* Formatting refuses parts that do not make a NIK, and leaves "". */
	{
		nik_info good, bad;

		assert_int_equal(nik_parse(SITI_NIK, &good), VAL_OK);
		assert_false(nik_format(&good, f, NIK_LEN));
		assert_string_equal(f, "");
		assert_false(nik_format(NULL, f, sizeof f));
		assert_false(nik_format(&good, NULL, 0));
		bad = good, bad.province = 10;
		assert_false(nik_format(&bad, f, sizeof f));
		bad = good, bad.regency = 100;
		assert_false(nik_format(&bad, f, sizeof f));
		bad = good, bad.district = -1;
		assert_false(nik_format(&bad, f, sizeof f));
		bad = good, bad.day = 0;
		assert_false(nik_format(&bad, f, sizeof f));
		bad = good, bad.day = 32;
		assert_false(nik_format(&bad, f, sizeof f));
		bad = good, bad.month = 4, bad.day = 31;
		assert_false(nik_format(&bad, f, sizeof f));
		bad = good, bad.month = 13;
		assert_false(nik_format(&bad, f, sizeof f));
		bad = good, bad.yy = 100;
		assert_false(nik_format(&bad, f, sizeof f));
		bad = good, bad.serial = 0;
		assert_false(nik_format(&bad, f, sizeof f));
		bad = good, bad.serial = 10000;
		assert_false(nik_format(&bad, f, sizeof f));
		assert_string_equal(f, "");
		bad = good, bad.month = 2, bad.day = 29, bad.female = false;
		assert_true(nik_format(&bad, f, sizeof f));
		assert_string_equal(f, "3375012902900001");
	}
}

static void test_provinces(void **state)
{
	(void)state;
	for (int code = -5; code <= 105; code++) {
		char s[NIK_CAP] = "0075010101900001";

		if (nik_province_known(code) != in_known(code))
			fail_msg("nik_province_known(%d) is %d", code, nik_province_known(code));
		if (code < 0 || code > 99)
			continue;
		set_digits(s, 0, 2, code);
		expect_code("nik_parse", s, nik_parse(s, NULL),
			    in_known(code) ? VAL_OK : VAL_NIK_PROVINCE);
	}
}

/* ---- NIP tables -------------------------------------------------------------- */

static const struct nip_case {
	const char *in;
	val_code code;
} nip_cases[] = {
	{SITI_NIP, VAL_OK},
	{BUDI_NIP, VAL_OK},
	{" " BUDI_NIP "\n", VAL_OK},
	{"200002292020011001", VAL_OK}, /* 2000 is a leap year */
	{"199602292015031999", VAL_OK},
	{"193001011944011001", VAL_OK}, /* first plausible birth year, start at +14 */
	{"204912312109122001", VAL_OK}, /* last plausible birth year, start at +60 */
	{"", VAL_EMPTY},
	{"   ", VAL_EMPTY},
	{"19900101201503200", VAL_NIP_LENGTH},
	{"1990010120150320011", VAL_NIP_LENGTH},
	{SITI_NIK, VAL_NIP_LENGTH},
	{"19900101 201503 2 001", VAL_NIP_DIGITS},
	{"19900101.201503.2.001", VAL_NIP_DIGITS},
	{"1990010120150320O1", VAL_NIP_DIGITS},
	{"199002302015032001", VAL_NIP_BIRTH_DATE}, /* 30 February */
	{"200102292020011001", VAL_NIP_BIRTH_DATE}, /* 2001 is no leap year */
	{"190002282015031001", VAL_NIP_BIRTH_DATE}, /* 1900: implausible (and no leap year) */
	{"192912311960011001", VAL_NIP_BIRTH_DATE},
	{"205001012080011001", VAL_NIP_BIRTH_DATE},
	{"199000012015031001", VAL_NIP_BIRTH_DATE},
	{"199013012015031001", VAL_NIP_BIRTH_DATE},
	{"199001002015031001", VAL_NIP_BIRTH_DATE},
	{"199004312015031001", VAL_NIP_BIRTH_DATE},
	{"199001322015031001", VAL_NIP_BIRTH_DATE},
	{"000000000000000000", VAL_NIP_BIRTH_DATE},
	{"199001012015001001", VAL_NIP_START_DATE},
	{"199001012015131001", VAL_NIP_START_DATE},
	{"199001012003121001", VAL_NIP_START_DATE}, /* 13 years after birth */
	{"199001012004011001", VAL_OK},             /* 14 */
	{"199001012050121001", VAL_OK},             /* 60 */
	{"199001012051011001", VAL_NIP_START_DATE}, /* 61 */
	{"199001011989011001", VAL_NIP_START_DATE}, /* before birth */
	{"199001010000011001", VAL_NIP_START_DATE},
	{"199001012015030001", VAL_NIP_SEX},
	{"199001012015033001", VAL_NIP_SEX},
	{"199001012015039001", VAL_NIP_SEX},
	{"199001012015031000", VAL_NIP_SERIAL},
	/* the first rule broken wins */
	{"199013012015130000", VAL_NIP_BIRTH_DATE},
	{"199001012015130000", VAL_NIP_START_DATE},
	{"199001012015030000", VAL_NIP_SEX},
};

static void test_nip_table(void **state)
{
	nip_info pi;
	char f[NIP_CAP];

	(void)state;
	for (size_t i = 0; i < sizeof nip_cases / sizeof nip_cases[0]; i++) {
		memset(&pi, 0x5A, sizeof pi);
		expect_code("nip_parse", nip_cases[i].in, nip_parse(nip_cases[i].in, &pi),
			    nip_cases[i].code);
		if (nip_cases[i].code != VAL_OK) {
			nip_info zero;

			memset(&zero, 0, sizeof zero);
			assert_memory_equal(&pi, &zero, sizeof pi);
		}
		expect_code("nip_parse (no OUT)", nip_cases[i].in, nip_parse(nip_cases[i].in, NULL),
			    nip_cases[i].code);
	}
	assert_int_equal(nip_parse(NULL, NULL), VAL_EMPTY);

	assert_int_equal(nip_parse(SITI_NIP, &pi), VAL_OK);
	assert_int_equal(pi.birth_y, 1990);
	assert_int_equal(pi.birth_m, 1);
	assert_int_equal(pi.birth_d, 1);
	assert_int_equal(pi.start_y, 2015);
	assert_int_equal(pi.start_m, 3);
	assert_true(pi.female);
	assert_int_equal(pi.serial, 1);
	assert_true(nip_format(&pi, f, sizeof f));
	assert_string_equal(f, SITI_NIP);
	assert_int_equal(nip_parse(BUDI_NIP, &pi), VAL_OK);
	assert_false(pi.female);
	assert_int_equal(pi.serial, 2);
	assert_true(nip_format(&pi, f, sizeof f));
	assert_string_equal(f, BUDI_NIP);

	assert_false(nip_format(&pi, f, NIP_LEN));
	assert_string_equal(f, "");
	assert_false(nip_format(NULL, f, sizeof f));
	{
		nip_info bad = pi;

		bad.birth_y = 1929;
		assert_false(nip_format(&bad, f, sizeof f));
		bad = pi, bad.birth_m = 2, bad.birth_d = 29, bad.birth_y = 1991;
		assert_false(nip_format(&bad, f, sizeof f));
		bad = pi, bad.start_y = 2100;
		assert_false(nip_format(&bad, f, sizeof f));
		bad = pi, bad.start_m = 0;
		assert_false(nip_format(&bad, f, sizeof f));
		bad = pi, bad.serial = 1000;
		assert_false(nip_format(&bad, f, sizeof f));
		bad = pi, bad.serial = 0;
		assert_false(nip_format(&bad, f, sizeof f));
		assert_string_equal(f, "");
	}
}

/* ---- cross-checks ------------------------------------------------------------- */

static void test_cross_checks(void **state)
{
	nik_info siti, budi, ni;
	nip_info siti_nip, budi_nip, pi;
	val_code w[4];

	(void)state;
	assert_int_equal(nik_parse(SITI_NIK, &siti), VAL_OK);
	assert_int_equal(nik_parse(BUDI_NIK, &budi), VAL_OK);
	assert_int_equal(nip_parse(SITI_NIP, &siti_nip), VAL_OK);
	assert_int_equal(nip_parse(BUDI_NIP, &budi_nip), VAL_OK);

	assert_int_equal(nik_nip_check(&siti, &siti_nip, w, 4), 0);
	assert_int_equal(nik_nip_check(&budi, &budi_nip, w, 4), 0);
	/* Same birth date, other sex. */
	assert_int_equal(nik_nip_check(&siti, &budi_nip, w, 4), 1);
	assert_int_equal(w[0], VAL_W_NIK_NIP_SEX);
	assert_int_equal(nik_nip_check(&budi, &siti_nip, w, 4), 1);
	assert_int_equal(w[0], VAL_W_NIK_NIP_SEX);

	/* Each part of the date on its own; YY is the year modulo 100. */
	pi = siti_nip, pi.birth_d = 2;
	assert_int_equal(nik_nip_check(&siti, &pi, w, 4), 1);
	assert_int_equal(w[0], VAL_W_NIK_NIP_BIRTH);
	pi = siti_nip, pi.birth_m = 2;
	assert_int_equal(nik_nip_check(&siti, &pi, w, 4), 1);
	assert_int_equal(w[0], VAL_W_NIK_NIP_BIRTH);
	pi = siti_nip, pi.birth_y = 1991;
	assert_int_equal(nik_nip_check(&siti, &pi, w, 4), 1);
	assert_int_equal(w[0], VAL_W_NIK_NIP_BIRTH);
	pi = siti_nip, pi.birth_y = 2090;
	assert_int_equal(nik_nip_check(&siti, &pi, w, 4), 0);

	/* Both, in order; CAP limits what is written and returned. */
	pi = budi_nip, pi.birth_y = 1989;
	w[0] = w[1] = w[2] = VAL_OK;
	assert_int_equal(nik_nip_check(&siti, &pi, w, 4), 2);
	assert_int_equal(w[0], VAL_W_NIK_NIP_BIRTH);
	assert_int_equal(w[1], VAL_W_NIK_NIP_SEX);
	assert_int_equal(w[2], VAL_OK);
	w[0] = w[1] = VAL_OK;
	assert_int_equal(nik_nip_check(&siti, &pi, w, 1), 1);
	assert_int_equal(w[0], VAL_W_NIK_NIP_BIRTH);
	assert_int_equal(w[1], VAL_OK);
	assert_int_equal(nik_nip_check(&siti, &pi, w, 0), 0);
	assert_int_equal(nik_nip_check(NULL, &pi, w, 4), 0);
	assert_int_equal(nik_nip_check(&siti, NULL, w, 4), 0);
	assert_int_equal(nik_nip_check(&siti, &pi, NULL, 4), 0);

	/* Against data from the card. */
	assert_int_equal(nik_person_check(&siti, 1990, 1, 1, 2, w, 4), 0);
	assert_int_equal(nik_person_check(&siti, 2090, 1, 1, 2, w, 4), 0); /* century unknown */
	assert_int_equal(nik_person_check(&siti, 0, 0, 0, 0, w, 4), 0);    /* nothing known */
	assert_int_equal(nik_person_check(&siti, 0, 1, 1, 0, w, 4), 0);
	assert_int_equal(nik_person_check(&siti, 1990, 1, 1, 3, w, 4), 0); /* 3: unknown sex */
	assert_int_equal(nik_person_check(&budi, 1990, 1, 1, 1, w, 4), 0);
	assert_int_equal(nik_person_check(&siti, 1991, 1, 1, 2, w, 4), 1);
	assert_int_equal(w[0], VAL_W_NIK_BIRTH);
	assert_int_equal(nik_person_check(&siti, 1990, 2, 1, 0, w, 4), 1);
	assert_int_equal(w[0], VAL_W_NIK_BIRTH);
	assert_int_equal(nik_person_check(&siti, -1, 0, 2, 0, w, 4), 1);
	assert_int_equal(w[0], VAL_W_NIK_BIRTH);
	assert_int_equal(nik_person_check(&siti, 0, 0, 0, 1, w, 4), 1);
	assert_int_equal(w[0], VAL_W_NIK_SEX);
	assert_int_equal(nik_person_check(&budi, 0, 0, 0, 2, w, 4), 1);
	assert_int_equal(w[0], VAL_W_NIK_SEX);
	assert_int_equal(nik_person_check(&budi, 1990, 12, 31, 2, w, 4), 2);
	assert_int_equal(w[0], VAL_W_NIK_BIRTH);
	assert_int_equal(w[1], VAL_W_NIK_SEX);
	w[1] = VAL_OK;
	assert_int_equal(nik_person_check(&budi, 1990, 12, 31, 2, w, 1), 1);
	assert_int_equal(w[1], VAL_OK);
	assert_int_equal(nik_person_check(&budi, 1990, 12, 31, 2, w, 0), 0);
	assert_int_equal(nik_person_check(NULL, 1990, 12, 31, 2, w, 4), 0);

	/* The women's day offset is not a date difference. */
	ni = siti;
	assert_int_equal(ni.day, 1);
	assert_int_equal(nik_person_check(&ni, 1990, 1, 41, 2, w, 4), 1);
	assert_int_equal(w[0], VAL_W_NIK_BIRTH);
}

/* ---- generated numbers ---------------------------------------------------------- */

static void random_nik(rng *r, nik_info *ni, char *s)
{
	ni->province = known_provinces[rng_range(
		r, 0, (int)(sizeof known_provinces / sizeof known_provinces[0]) - 1)];
	ni->regency = rng_range(r, 0, 99);
	ni->district = rng_range(r, 0, 99);
	ni->female = rng_range(r, 0, 1) == 1;
	ni->month = rng_range(r, 1, 12);
	ni->day = rng_range(r, 1, dim(ni->month, 0));
	ni->yy = rng_range(r, 0, 99);
	ni->serial = rng_range(r, 1, 9999);
	set_digits(s, 0, 2, ni->province);
	set_digits(s, 2, 2, ni->regency);
	set_digits(s, 4, 2, ni->district);
	set_digits(s, 6, 2, ni->day + (ni->female ? 40 : 0));
	set_digits(s, 8, 2, ni->month);
	set_digits(s, 10, 2, ni->yy);
	set_digits(s, 12, 4, ni->serial);
	s[NIK_LEN] = '\0';
}

/* A random byte that is not a digit, white space or NUL. */
static char non_digit(rng *r)
{
	for (;;) {
		int c = rng_range(r, 1, 255);

		if ((c < '0' || c > '9') && c != ' ' && (c < '\t' || c > '\r'))
			return (char)c;
	}
}

/* Mutate the valid 16-digit S into M with error KIND; returns the expected code. */
static val_code mutate_nik(rng *r, const char *s, char *m, int kind)
{
	int dd, mm, at;

	strcpy(m, s);
	switch (kind) {
	case 0: /* length: cut, or one digit more */
		if (rng_range(r, 0, 1) == 0) {
			m[rng_range(r, 1, NIK_LEN - 1)] = '\0';
		} else {
			at = rng_range(r, 0, NIK_LEN);
			memmove(m + at + 1, m + at, (size_t)(NIK_LEN - at + 1));
			m[at] = (char)('0' + rng_range(r, 0, 9));
		}
		return VAL_NIK_LENGTH;
	case 1:
		m[rng_range(r, 0, NIK_LEN - 1)] = non_digit(r);
		return VAL_NIK_DIGITS;
	case 2:
		do
			dd = rng_range(r, 0, 99);
		while (in_known(dd));
		set_digits(m, 0, 2, dd);
		return VAL_NIK_PROVINCE;
	case 3:
		switch (rng_range(r, 0, 2)) {
		case 0:
			dd = 0;
			break;
		case 1:
			dd = rng_range(r, 32, 40);
			break;
		default:
			dd = rng_range(r, 72, 99);
			break;
		}
		set_digits(m, 6, 2, dd);
		return VAL_NIK_DAY;
	case 4:
		mm = rng_range(r, 0, 1) == 0 ? 0 : rng_range(r, 13, 99);
		set_digits(m, 8, 2, mm);
		return VAL_NIK_MONTH;
	case 5: { /* a day the month never has */
		static const int short_months[] = {2, 4, 6, 9, 11};

		mm = short_months[rng_range(r, 0, 4)];
		dd = rng_range(r, dim(mm, 0) + 1, 31) + (rng_range(r, 0, 1) ? 40 : 0);
		set_digits(m, 6, 2, dd);
		set_digits(m, 8, 2, mm);
		return VAL_NIK_DATE;
	}
	default:
		set_digits(m, 12, 4, 0);
		return VAL_NIK_SERIAL;
	}
}

static void test_generated_niks(void **state)
{
	rng r = {20260101};
	int per_code[VAL_CODE_COUNT] = {0};

	(void)state;
	for (int i = 0; i < GENERATED; i++) {
		nik_info want, got;
		char s[NIK_CAP], f[NIK_CAP], m[NIK_CAP + 1];

		random_nik(&r, &want, s);
		expect_code("nik_parse", s, nik_parse(s, &got), VAL_OK);
		assert_nik_equal(&want, &got);
		assert_true(nik_format(&got, f, sizeof f));
		assert_string_equal(f, s);

		for (int kind = 0; kind < 7; kind++) {
			val_code code = mutate_nik(&r, s, m, kind);

			expect_code("nik_parse", m, nik_parse(m, &got), code);
			per_code[code]++;
		}
	}
	for (int c = VAL_NIK_LENGTH; c <= VAL_NIK_SERIAL; c++)
		assert_int_equal(per_code[c], GENERATED);
}

static void random_nip(rng *r, nip_info *pi, char *s)
{
	pi->birth_y = rng_range(r, NIP_BIRTH_YEAR_MIN, NIP_BIRTH_YEAR_MAX);
	pi->birth_m = rng_range(r, 1, 12);
	pi->birth_d = rng_range(r, 1, dim(pi->birth_m, pi->birth_y));
	pi->start_y = pi->birth_y + rng_range(r, NIP_START_AGE_MIN, NIP_START_AGE_MAX);
	pi->start_m = rng_range(r, 1, 12);
	pi->female = rng_range(r, 0, 1) == 1;
	pi->serial = rng_range(r, 1, 999);
	set_digits(s, 0, 4, pi->birth_y);
	set_digits(s, 4, 2, pi->birth_m);
	set_digits(s, 6, 2, pi->birth_d);
	set_digits(s, 8, 4, pi->start_y);
	set_digits(s, 12, 2, pi->start_m);
	set_digits(s, 14, 1, pi->female ? 2 : 1);
	set_digits(s, 15, 3, pi->serial);
	s[NIP_LEN] = '\0';
}

static val_code mutate_nip(rng *r, const nip_info *pi, const char *s, char *m, int kind)
{
	int at, v;

	strcpy(m, s);
	switch (kind) {
	case 0:
		if (rng_range(r, 0, 1) == 0) {
			m[rng_range(r, 1, NIP_LEN - 1)] = '\0';
		} else {
			at = rng_range(r, 0, NIP_LEN);
			memmove(m + at + 1, m + at, (size_t)(NIP_LEN - at + 1));
			m[at] = (char)('0' + rng_range(r, 0, 9));
		}
		return VAL_NIP_LENGTH;
	case 1:
		m[rng_range(r, 0, NIP_LEN - 1)] = non_digit(r);
		return VAL_NIP_DIGITS;
	case 2: /* birth date: implausible year, no month, or no such day */
		switch (rng_range(r, 0, 2)) {
		case 0:
			v = rng_range(r, 0, 1) ? rng_range(r, 0, NIP_BIRTH_YEAR_MIN - 1)
					       : rng_range(r, NIP_BIRTH_YEAR_MAX + 1, 9999);
			set_digits(m, 0, 4, v);
			break;
		case 1:
			set_digits(m, 4, 2, rng_range(r, 0, 1) ? 0 : rng_range(r, 13, 99));
			break;
		default:
			v = dim(pi->birth_m, pi->birth_y) + 1;
			v = rng_range(r, 0, 1) ? 0 : rng_range(r, v, 99);
			set_digits(m, 6, 2, v);
			break;
		}
		return VAL_NIP_BIRTH_DATE;
	case 3: /* start: no month, or a year too close to or far from the birth */
		switch (rng_range(r, 0, 2)) {
		case 0:
			set_digits(m, 12, 2, rng_range(r, 0, 1) ? 0 : rng_range(r, 13, 99));
			break;
		case 1:
			set_digits(m, 8, 4, rng_range(r, 0, pi->birth_y + NIP_START_AGE_MIN - 1));
			break;
		default:
			v = pi->birth_y + NIP_START_AGE_MAX + 1;
			set_digits(m, 8, 4, rng_range(r, v, 9999));
			break;
		}
		return VAL_NIP_START_DATE;
	case 4:
		v = rng_range(r, 0, 7);
		set_digits(m, 14, 1, v == 1 ? 9 : v == 2 ? 8 : v);
		return VAL_NIP_SEX;
	default:
		set_digits(m, 15, 3, 0);
		return VAL_NIP_SERIAL;
	}
}

static void test_generated_nips(void **state)
{
	rng r = {19450817};
	int per_code[VAL_CODE_COUNT] = {0};

	(void)state;
	for (int i = 0; i < GENERATED; i++) {
		nip_info want, got;
		nik_info ni;
		char s[NIP_CAP], f[NIP_CAP], m[NIP_CAP + 1], nik[NIK_CAP];
		val_code w[NIK_CHECK_MAX];

		random_nip(&r, &want, s);
		expect_code("nip_parse", s, nip_parse(s, &got), VAL_OK);
		assert_nip_equal(&want, &got);
		assert_true(nip_format(&got, f, sizeof f));
		assert_string_equal(f, s);

		for (int kind = 0; kind < 6; kind++) {
			val_code code = mutate_nip(&r, &want, s, m, kind);

			expect_code("nip_parse", m, nip_parse(m, &got), code);
			per_code[code]++;
		}

		/* The same person's NIK cross-checks clean, until a part differs. */
		random_nik(&r, &ni, nik);
		ni.day = want.birth_d;
		ni.month = want.birth_m;
		ni.yy = want.birth_y % 100;
		ni.female = want.female;
		assert_true(nik_format(&ni, nik, sizeof nik));
		assert_int_equal(nik_parse(nik, &ni), VAL_OK);
		assert_int_equal(nik_nip_check(&ni, &want, w, NIK_CHECK_MAX), 0);
		assert_int_equal(nik_person_check(&ni, want.birth_y, want.birth_m, want.birth_d,
						  want.female ? 2 : 1, w, NIK_CHECK_MAX),
				 0);
		ni.yy = (ni.yy + rng_range(&r, 1, 99)) % 100;
		assert_int_equal(nik_nip_check(&ni, &want, w, NIK_CHECK_MAX), 1);
		assert_int_equal(w[0], VAL_W_NIK_NIP_BIRTH);
		ni.female = !ni.female;
		assert_int_equal(nik_nip_check(&ni, &want, w, NIK_CHECK_MAX), 2);
		assert_int_equal(w[0], VAL_W_NIK_NIP_BIRTH);
		assert_int_equal(w[1], VAL_W_NIK_NIP_SEX);
		assert_int_equal(nik_person_check(&ni, want.birth_y, want.birth_m, want.birth_d,
						  want.female ? 2 : 1, w, NIK_CHECK_MAX),
				 2);
		assert_int_equal(w[0], VAL_W_NIK_BIRTH);
		assert_int_equal(w[1], VAL_W_NIK_SEX);
	}
	for (int c = VAL_NIP_LENGTH; c <= VAL_NIP_SERIAL; c++)
		assert_int_equal(per_code[c], GENERATED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nik_table),
		cmocka_unit_test(test_nik_parts),
		cmocka_unit_test(test_provinces),
		cmocka_unit_test(test_nip_table),
		cmocka_unit_test(test_cross_checks),
		cmocka_unit_test(test_generated_niks),
		cmocka_unit_test(test_generated_nips),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

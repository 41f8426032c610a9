/*
 * test_val: the result codes and the field validators (rules/val.c).
 *
 * Table tests give every accepted form of an e-mail address, mobile number,
 * person name and free text with its exact normalised output, and a case for
 * every refusal code each validator can return; text lengths are checked in
 * code points with multi-byte UTF-8. The code table is checked whole: every
 * code has a distinct non-empty key "val.<name>" present in both shipped
 * catalogs. Output buffers sit between guard bytes, so a write past CAP is
 * caught, and a refused value must leave OUT empty and wiped.
 * Last, 10,000 strings from a seeded PRNG (random bytes with invalid UTF-8,
 * strings up to 4 KiB, valid values with one mutation, random code points)
 * go through every validator, nik_parse and nip_parse included, each in an
 * exactly sized heap block so ASan sees any read past the terminator: no
 * crash, OUT NUL-terminated within CAP, "" on error, and on success the
 * output validates again to itself. Fixture people are made up.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cat.h"
#include "nik.h"
#include "val.h"

#ifndef KIOSK_SOURCE_DIR
#error "KIOSK_SOURCE_DIR (the repository root) must be defined by the build"
#endif

enum {
	GUARD = 16,         /* guard bytes on each side of an OUT buffer */
	BIG = 8192,         /* the largest OUT a test uses */
	FUZZ_COUNT = 10000, /* random strings */
	FUZZ_MAX = 4096,    /* longest random string, bytes */
};

/* ---- helpers ------------------------------------------------------------ */

/* An OUT buffer with guard bytes around it. */
typedef struct guarded {
	unsigned char mem[GUARD + BIG + GUARD];
	size_t cap;
} guarded;

static char *g_out(guarded *g, size_t cap)
{
	assert_true(cap <= BIG);
	memset(g->mem, 0xA5, sizeof g->mem);
	g->cap = cap;
	return (char *)g->mem + GUARD;
}

/* The guards are intact and OUT is NUL-terminated within CAP. */
static void g_check(const guarded *g, const char *what)
{
	for (size_t i = 0; i < GUARD; i++)
		if (g->mem[i] != 0xA5)
			fail_msg("%s: wrote before OUT", what);
	for (size_t i = GUARD + g->cap; i < sizeof g->mem; i++)
		if (g->mem[i] != 0xA5)
			fail_msg("%s: wrote past OUT (cap %zu, byte %zu)", what, g->cap,
				 i - GUARD);
	if (g->cap > 0 && memchr(g->mem + GUARD, '\0', g->cap) == NULL)
		fail_msg("%s: OUT is not NUL-terminated within cap %zu", what, g->cap);
}

static void expect_code(const char *what, const char *in, val_code got, val_code want)
{
	if (got != want)
		fail_msg("%s(\"%s\"): got %s, want %s", what, in, val_code_name(got),
			 val_code_name(want));
}

static void expect_str(const char *what, const char *in, const char *got, const char *want)
{
	if (strcmp(got, want) != 0)
		fail_msg("%s(\"%s\"): output \"%s\", want \"%s\"", what, in, got, want);
}

/* A deterministic PRNG (splitmix64): same seed, same strings, every run. */
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

/* Uniform in [0, n). */
static size_t rng_below(rng *r, size_t n)
{
	return n > 0 ? (size_t)(rng_next(r) % n) : 0;
}

/* ---- result codes ------------------------------------------------------- */

static void test_codes(void **state)
{
	char *errs = NULL;
	size_t errlen = 0;
	FILE *mem = open_memstream(&errs, &errlen);
	cat *c = NULL;
	int rc;

	(void)state;
	assert_non_null(mem);
	rc = cat_open(&c, KIOSK_SOURCE_DIR "/assets/i18n", mem);
	fclose(mem);
	if (rc != 0)
		fail_msg("assets/i18n does not load:\n%s", errs);
	free(errs);

	for (int i = 0; i < VAL_CODE_COUNT; i++) {
		val_code code = (val_code)i;
		const char *key = val_code_key(code), *name = val_code_name(code);
		char want[96];

		assert_non_null(key);
		assert_non_null(name);
		if (name[0] == '\0' || strcmp(name, "unknown") == 0)
			fail_msg("code %d has no name", i);
		assert_int_equal(strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_"),
				 strlen(name));
		snprintf(want, sizeof want, "val.%s", name);
		assert_string_equal(key, want);
		for (int j = 0; j < i; j++)
			if (strcmp(key, val_code_key((val_code)j)) == 0)
				fail_msg("codes %d and %d share the key %s", j, i, key);
		if (!cat_has(c, key))
			fail_msg("%s (code %d) is not in assets/i18n", key, i);
		assert_int_equal(val_code_is_warning(code), i >= VAL_W_FIRST_WARNING);
	}
	assert_int_equal(VAL_W_NAME_TITLE, VAL_W_FIRST_WARNING);
	assert_false(val_code_is_warning(VAL_OK));
	assert_false(val_code_is_warning(VAL_NAME_TOO_LONG));
	assert_true(val_code_is_warning(VAL_W_NIK_SEX));
	assert_false(val_code_is_warning(VAL_CODE_COUNT));

	/* Outside the enum: the fallback, which the catalogs also hold. */
	assert_string_equal(val_code_key(VAL_CODE_COUNT), "val.unknown");
	assert_string_equal(val_code_key((val_code)-1), "val.unknown");
	assert_string_equal(val_code_name((val_code)1000), "unknown");
	assert_true(cat_has(c, "val.unknown"));
	assert_string_equal(val_code_key(VAL_NIK_LENGTH), "val.nik_length");
	assert_string_equal(val_code_name(VAL_W_NAME_TITLE), "name_title");
	assert_string_equal(cat_get(c, CAT_ID, "val.nik_length"), "NIK harus 16 angka.");
	cat_free(&c);
}

static void test_utf8_len(void **state)
{
	static const struct {
		const char *s;
		int want;
	} cases[] = {
		{"", 0},
		{"abc", 3},
		{"\xc3\xa9", 1},                 /* é */
		{"\xe6\x97\xa5\xe6\x9c\xac", 2}, /* 日本 */
		{"\xf0\x9f\x98\x80!", 2},        /* 😀! */
		{"\xef\xbf\xbf", 1},             /* U+FFFF is well-formed */
		{"\xf4\x8f\xbf\xbf", 1},         /* U+10FFFF */
		{"\x80", -1},                    /* lone continuation */
		{"a\xc3", -1},                   /* cut */
		{"\xe2\x82", -1},                /* cut */
		{"\xc0\xaf", -1},                /* overlong '/' */
		{"\xe0\x80\xaf", -1},            /* overlong */
		{"\xed\xa0\x80", -1},            /* surrogate */
		{"\xf4\x90\x80\x80", -1},        /* above U+10FFFF */
		{"\xf8\x88\x80\x80\x80", -1},    /* 5-byte form */
		{"\xfe", -1},
		{"\xc3\x28", -1}, /* bad continuation */
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (val_utf8_len(cases[i].s) != cases[i].want)
			fail_msg("val_utf8_len case %zu: got %d, want %d", i,
				 val_utf8_len(cases[i].s), cases[i].want);
	assert_int_equal(val_utf8_len(NULL), 0);
}

/* The bounded decoder never reads past N and the validator refuses a NUL:
 * what the outbox, the audit log and the JSON codec rely on. */
static void test_utf8_bounded(void **state)
{
	uint32_t cp = 0;

	(void)state;
	assert_int_equal(val_utf8_decode("\xc3\xa9", 2, &cp), 2);
	assert_int_equal(cp, 0xE9);
	assert_int_equal(val_utf8_decode("\xc3\xa9", 1, &cp), 0); /* cut by N */
	assert_int_equal(val_utf8_decode("\xf0\x9f\x98\x80", 3, &cp), 0);
	assert_int_equal(val_utf8_decode("\xf0\x9f\x98\x80", 4, &cp), 4);
	assert_int_equal(cp, 0x1F600);
	assert_int_equal(val_utf8_decode("a", 0, &cp), 0);
	assert_true(val_utf8_valid("Pekalongan \xc3\xa9", 13));
	assert_true(val_utf8_valid(NULL, 0));
	assert_false(val_utf8_valid("ab\0cd", 5));       /* a NUL inside */
	assert_false(val_utf8_valid("ab\xc3\xa9", 3));    /* cut at the end */
	assert_false(val_utf8_valid("\xed\xa0\x80", 3)); /* surrogate */
}

/* ---- e-mail -------------------------------------------------------------- */

struct io_case {
	const char *in;
	val_code code;
	const char *out; /* for VAL_OK */
};

static const struct io_case email_cases[] = {
	{"siti_nur@example.go.id", VAL_OK, "siti_nur@example.go.id"},
	{"  Siti_Nur@Example.GO.ID \t", VAL_OK, "siti_nur@example.go.id"},
	{"SITI_NUR@EXAMPLE.GO.ID", VAL_OK, "siti_nur@example.go.id"},
	{"siti.nur+kiosk@mail.example.com", VAL_OK, "siti.nur+kiosk@mail.example.com"},
	{"s%n-1@sub-domain.example.id", VAL_OK, "s%n-1@sub-domain.example.id"},
	{"a@b.co", VAL_OK, "a@b.co"},
	{"budi@xn--contoh-abc.id", VAL_OK, "budi@xn--contoh-abc.id"},
	{"budi@123.example.id", VAL_OK, "budi@123.example.id"},
	{"", VAL_EMPTY, NULL},
	{" \t\r\n ", VAL_EMPTY, NULL},
	{"siti nur@example.go.id", VAL_EMAIL_SPACE, NULL},
	{"siti_nur@example .go.id", VAL_EMAIL_SPACE, NULL},
	{"siti\tnur@example.go.id", VAL_EMAIL_SPACE, NULL},
	{"siti_nur.example.go.id", VAL_EMAIL_NO_AT, NULL},
	{"siti@nur@example.go.id", VAL_EMAIL_MANY_AT, NULL},
	{"siti@@example.go.id", VAL_EMAIL_MANY_AT, NULL},
	{"@example.go.id", VAL_EMAIL_LOCAL_EMPTY, NULL},
	{"siti!nur@example.go.id", VAL_EMAIL_LOCAL_CHARS, NULL},
	{"\"siti\"@example.go.id", VAL_EMAIL_LOCAL_CHARS, NULL},
	{"sit\xc3\xad@example.go.id", VAL_EMAIL_LOCAL_CHARS, NULL}, /* sití */
	{"siti\x01@example.go.id", VAL_EMAIL_LOCAL_CHARS, NULL},
	{".siti@example.go.id", VAL_EMAIL_LOCAL_DOT, NULL},
	{"siti.@example.go.id", VAL_EMAIL_LOCAL_DOT, NULL},
	{"siti..nur@example.go.id", VAL_EMAIL_LOCAL_DOT, NULL},
	{"siti@", VAL_EMAIL_DOMAIN_EMPTY, NULL},
	{"siti@exam_ple.id", VAL_EMAIL_DOMAIN_CHARS, NULL},
	{"siti@[192.0.2.1]", VAL_EMAIL_DOMAIN_CHARS, NULL},
	{"siti@cont\xc3\xb6h.id", VAL_EMAIL_DOMAIN_CHARS, NULL},
	{"siti@.example.id", VAL_EMAIL_DOMAIN_DOT, NULL},
	{"siti@example.id.", VAL_EMAIL_DOMAIN_DOT, NULL},
	{"siti@example..id", VAL_EMAIL_DOMAIN_DOT, NULL},
	{"siti@localhost", VAL_EMAIL_DOMAIN_NO_DOT, NULL},
	{"siti@-example.id", VAL_EMAIL_DOMAIN_HYPHEN, NULL},
	{"siti@example-.id", VAL_EMAIL_DOMAIN_HYPHEN, NULL},
	{"siti@example.-id", VAL_EMAIL_DOMAIN_HYPHEN, NULL},
	{"siti@example.i", VAL_EMAIL_TLD, NULL},
	{"siti@example.123", VAL_EMAIL_TLD, NULL},
	{"siti@example.c0m", VAL_EMAIL_TLD, NULL},
	{"siti@example.go-id", VAL_EMAIL_TLD, NULL},
	{"siti\xc3\x28@example.go.id", VAL_BAD_UTF8, NULL},
};

static void check_email(const char *in, val_code want, const char *want_out)
{
	guarded g;
	char *out = g_out(&g, VAL_EMAIL_CAP);
	val_code got = val_email(in, out, VAL_EMAIL_CAP);

	g_check(&g, "val_email");
	expect_code("val_email", in, got, want);
	expect_str("val_email", in, out, want == VAL_OK ? want_out : "");
	/* The same answer without an output buffer. */
	expect_code("val_email (no OUT)", in, val_email(in, NULL, 0), want);
}

static void test_email(void **state)
{
	char local64[65], local65[66], label63[64], label64[65], buf[400];

	(void)state;
	for (size_t i = 0; i < sizeof email_cases / sizeof email_cases[0]; i++)
		check_email(email_cases[i].in, email_cases[i].code, email_cases[i].out);
	check_email(NULL, VAL_EMPTY, NULL);

	memset(local64, 'a', 64);
	local64[64] = '\0';
	memset(local65, 'a', 65);
	local65[65] = '\0';
	memset(label63, 'b', 63);
	label63[63] = '\0';
	memset(label64, 'b', 64);
	label64[64] = '\0';

	snprintf(buf, sizeof buf, "%s@example.id", local64);
	check_email(buf, VAL_OK, buf);
	snprintf(buf, sizeof buf, "%s@example.id", local65);
	check_email(buf, VAL_EMAIL_LOCAL_LONG, NULL);
	snprintf(buf, sizeof buf, "siti@%s.id", label63);
	check_email(buf, VAL_OK, buf);
	snprintf(buf, sizeof buf, "siti@%s.id", label64);
	check_email(buf, VAL_EMAIL_DOMAIN_LONG, NULL);

	/* 64 + 1 + (63 + 1 + 63 + 1 + 58 + 1 + 2) = 254 characters: the limit. */
	snprintf(buf, sizeof buf, "%s@%s.%s.%.58s.id", local64, label63, label63, label63);
	assert_int_equal(strlen(buf), 254);
	check_email(buf, VAL_OK, buf);
	snprintf(buf, sizeof buf, "%s@%s.%s.%.59s.id", local64, label63, label63, label63);
	assert_int_equal(strlen(buf), 255);
	check_email(buf, VAL_EMAIL_LONG, NULL);
}

/* ---- mobile phone --------------------------------------------------------- */

static const struct io_case phone_cases[] = {
	/* every accepted form of the same number */
	{"081234567890", VAL_OK, "6281234567890"},
	{"0812-3456-7890", VAL_OK, "6281234567890"},
	{"0812 3456 7890", VAL_OK, "6281234567890"},
	{"0812.3456.7890", VAL_OK, "6281234567890"},
	{"(0812) 3456-7890", VAL_OK, "6281234567890"},
	{"  081234567890\t", VAL_OK, "6281234567890"},
	{"+6281234567890", VAL_OK, "6281234567890"},
	{"+62 812-3456-7890", VAL_OK, "6281234567890"},
	{"+62 (812) 3456 7890", VAL_OK, "6281234567890"},
	{"(+62) 812 3456 7890", VAL_OK, "6281234567890"},
	{"+62 (0)812 3456 7890", VAL_OK, "6281234567890"},
	{"6281234567890", VAL_OK, "6281234567890"},
	{"62 812 3456 7890", VAL_OK, "6281234567890"},
	{"62-0812-3456-7890", VAL_OK, "6281234567890"},
	/* shortest and longest: 62 + 9 and 62 + 13 digits */
	{"0812345678", VAL_OK, "62812345678"},
	{"+62 812 345 678", VAL_OK, "62812345678"},
	{"08123456789012", VAL_OK, "628123456789012"},
	{"", VAL_EMPTY, NULL},
	{"   ", VAL_EMPTY, NULL},
	{"-- ()", VAL_EMPTY, NULL},
	{"+", VAL_EMPTY, NULL},
	{"0812a34567890", VAL_PHONE_CHARS, NULL},
	{"0812/3456/7890", VAL_PHONE_CHARS, NULL},
	{"0812_3456_7890", VAL_PHONE_CHARS, NULL},
	{"0812+34567890", VAL_PHONE_CHARS, NULL},
	{"++6281234567890", VAL_PHONE_CHARS, NULL},
	{"0812\xc2\xa0" "34567890", VAL_PHONE_CHARS, NULL}, /* no-break space */
	{"\xef\xbc\x90\xef\xbc\x98", VAL_PHONE_CHARS, NULL}, /* fullwidth ０８ */
	{"tel. 081234567890", VAL_PHONE_CHARS, NULL},
	{"+1 202 555 0100", VAL_PHONE_PREFIX, NULL},
	{"+0812345678", VAL_PHONE_PREFIX, NULL},
	{"81234567890", VAL_PHONE_PREFIX, NULL},
	{"0062 812 3456 7890", VAL_PHONE_PREFIX, NULL},
	{"6", VAL_PHONE_PREFIX, NULL},
	{"021 555 0100", VAL_PHONE_NOT_MOBILE, NULL},
	{"(0285) 555 010", VAL_PHONE_NOT_MOBILE, NULL},
	{"+62 21 555 0100", VAL_PHONE_NOT_MOBILE, NULL},
	{"62 0 21 555 0100", VAL_PHONE_NOT_MOBILE, NULL},
	{"0", VAL_PHONE_LENGTH, NULL},
	{"08", VAL_PHONE_LENGTH, NULL},
	{"62", VAL_PHONE_LENGTH, NULL},
	{"+62 (0)", VAL_PHONE_LENGTH, NULL},
	{"081234567", VAL_PHONE_LENGTH, NULL},
	{"081234567890123", VAL_PHONE_LENGTH, NULL},
	{"+62 812 3456 7890 1234", VAL_PHONE_LENGTH, NULL},
	{"0812345678901234567890123456789012345678", VAL_PHONE_LENGTH, NULL},
	{"0812\xe2\x82", VAL_BAD_UTF8, NULL},
};

static void check_phone(const char *in, val_code want, const char *want_out)
{
	guarded g;
	char *out = g_out(&g, VAL_PHONE_CAP);
	val_code got = val_phone(in, out, VAL_PHONE_CAP);

	g_check(&g, "val_phone");
	expect_code("val_phone", in, got, want);
	expect_str("val_phone", in, out, want == VAL_OK ? want_out : "");
	expect_code("val_phone (no OUT)", in, val_phone(in, NULL, 0), want);
}

static void test_phone(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof phone_cases / sizeof phone_cases[0]; i++)
		check_phone(phone_cases[i].in, phone_cases[i].code, phone_cases[i].out);
	check_phone(NULL, VAL_EMPTY, NULL);
}

/* ---- names ----------------------------------------------------------------- */

static const struct name_case {
	const char *in;
	val_code code;
	val_code warning;
	const char *out;
} name_cases[] = {
	{"Siti Nur'aini", VAL_OK, VAL_OK, "Siti Nur'aini"},
	{"Budi Santoso", VAL_OK, VAL_OK, "Budi Santoso"},
	{"  Siti \t Nur\xe2\x80\x99" "aini  ", VAL_OK, VAL_OK, "Siti Nur'aini"}, /* ’ */
	{"Siti Nur\xe2\x80\x98" "aini", VAL_OK, VAL_OK, "Siti Nur'aini"},        /* ‘ */
	{"Siti Nur\xca\xbc" "aini", VAL_OK, VAL_OK, "Siti Nur'aini"},            /* ʼ */
	{"Siti\xc2\xa0Nur'aini", VAL_OK, VAL_OK, "Siti Nur'aini"},               /* NBSP */
	{"SITI NUR'AINI", VAL_OK, VAL_OK, "SITI NUR'AINI"},
	{"siti nur'aini", VAL_OK, VAL_OK, "siti nur'aini"},
	{"'Aini Santoso", VAL_OK, VAL_OK, "'Aini Santoso"},
	{"Budi Santoso-Putra", VAL_OK, VAL_OK, "Budi Santoso-Putra"},
	{"Budi S. Santoso", VAL_OK, VAL_OK, "Budi S. Santoso"},
	{"Budi S.Santoso", VAL_OK, VAL_OK, "Budi S.Santoso"},
	{"B. Santoso", VAL_OK, VAL_OK, "B. Santoso"},
	{"Budi Santoso Jr.", VAL_OK, VAL_OK, "Budi Santoso Jr."},
	{"B\xc3\xba" "di S\xc3\xa1ntoso", VAL_OK, VAL_OK, "B\xc3\xba" "di S\xc3\xa1ntoso"},
	{"\xc5\x9aiti \xc3\x91ur'\xc3\xa4ini", VAL_OK, VAL_OK,
	 "\xc5\x9aiti \xc3\x91ur'\xc3\xa4ini"},
	{"Budi Santo\xe1\xbb\x83", VAL_OK, VAL_OK, "Budi Santo\xe1\xbb\x83"}, /* ể */
	{"Budi Santos\xcc\x81o", VAL_OK, VAL_OK, "Budi Santos\xcc\x81o"},     /* s + U+0301 */
	{"Al", VAL_OK, VAL_OK, "Al"},
	{"Hadi Santoso", VAL_OK, VAL_OK, "Hadi Santoso"},
	{"Irawan Santoso", VAL_OK, VAL_OK, "Irawan Santoso"},
	{"Dra", VAL_OK, VAL_OK, "Dra"},
	{"Budi Santoso Se", VAL_OK, VAL_OK, "Budi Santoso Se"},
	{"Budi M.Ali", VAL_OK, VAL_OK, "Budi M.Ali"},
	/* titles: accepted, flagged */
	{"Dr. Budi Santoso", VAL_OK, VAL_W_NAME_TITLE, "Dr. Budi Santoso"},
	{"dr. Siti Nur'aini", VAL_OK, VAL_W_NAME_TITLE, "dr. Siti Nur'aini"},
	{"Drs. Budi Santoso", VAL_OK, VAL_W_NAME_TITLE, "Drs. Budi Santoso"},
	{"Dra. Siti Nur'aini", VAL_OK, VAL_W_NAME_TITLE, "Dra. Siti Nur'aini"},
	{"Ir Budi Santoso", VAL_OK, VAL_W_NAME_TITLE, "Ir Budi Santoso"},
	{"Prof. Dr. Ir. Budi Santoso", VAL_OK, VAL_W_NAME_TITLE, "Prof. Dr. Ir. Budi Santoso"},
	{"Prof.Dr.Budi Santoso", VAL_OK, VAL_W_NAME_TITLE, "Prof.Dr.Budi Santoso"},
	{"Dr.Budi", VAL_OK, VAL_W_NAME_TITLE, "Dr.Budi"}, /* glued: a title, and a name */
	{"H. Budi Santoso", VAL_OK, VAL_W_NAME_TITLE, "H. Budi Santoso"},
	{"Hj. Siti Nur'aini", VAL_OK, VAL_W_NAME_TITLE, "Hj. Siti Nur'aini"},
	{"HJ SITI NUR'AINI", VAL_OK, VAL_W_NAME_TITLE, "HJ SITI NUR'AINI"},
	{"KH. Budi Santoso", VAL_OK, VAL_W_NAME_TITLE, "KH. Budi Santoso"},
	{"Siti Nur'aini, S.Kom.", VAL_OK, VAL_W_NAME_TITLE, "Siti Nur'aini, S.Kom."},
	{"Siti Nur'aini,S.Kom.,M.T.", VAL_OK, VAL_W_NAME_TITLE, "Siti Nur'aini, S.Kom., M.T."},
	{"Budi Santoso , S.T. ,  M.Sc", VAL_OK, VAL_W_NAME_TITLE, "Budi Santoso, S.T., M.Sc"},
	{"Budi Santoso, S.E., M.Si.", VAL_OK, VAL_W_NAME_TITLE, "Budi Santoso, S.E., M.Si."},
	{"Budi Santoso, S.H.", VAL_OK, VAL_W_NAME_TITLE, "Budi Santoso, S.H."},
	{"Siti Nur'aini, S.Pd.", VAL_OK, VAL_W_NAME_TITLE, "Siti Nur'aini, S.Pd."},
	{"Siti Nur'aini, A.Md.", VAL_OK, VAL_W_NAME_TITLE, "Siti Nur'aini, A.Md."},
	{"Budi Santoso, Ph.D", VAL_OK, VAL_W_NAME_TITLE, "Budi Santoso, Ph.D"},
	{"Budi Santoso, MBA", VAL_OK, VAL_W_NAME_TITLE, "Budi Santoso, MBA"},
	{"Budi Santoso, M.Kom", VAL_OK, VAL_W_NAME_TITLE, "Budi Santoso, M.Kom"},
	{"Budi Santoso, S.Tr.Kom.", VAL_OK, VAL_W_NAME_TITLE, "Budi Santoso, S.Tr.Kom."},
	{"Budi Santoso, S.Kom. M.Kom.", VAL_OK, VAL_W_NAME_TITLE, "Budi Santoso, S.Kom. M.Kom."},
	{"Budi Santoso S.Kom", VAL_OK, VAL_W_NAME_TITLE, "Budi Santoso S.Kom"},
	{"BUDI SANTOSO SE", VAL_OK, VAL_W_NAME_TITLE, "BUDI SANTOSO SE"},
	{"Budi Santoso MBA", VAL_OK, VAL_W_NAME_TITLE, "Budi Santoso MBA"},
	{"Dr. Budi Santoso, M.T.", VAL_OK, VAL_W_NAME_TITLE, "Dr. Budi Santoso, M.T."},
	/* refusals */
	{"", VAL_EMPTY, VAL_OK, NULL},
	{" \t ", VAL_EMPTY, VAL_OK, NULL},
	{"Budi Santoso 2", VAL_NAME_DIGITS, VAL_OK, NULL},
	{"B0di", VAL_NAME_DIGITS, VAL_OK, NULL},
	{"Budi_Santoso", VAL_NAME_CHARS, VAL_OK, NULL},
	{"Budi@Santoso", VAL_NAME_CHARS, VAL_OK, NULL},
	{"Budi (Santoso)", VAL_NAME_CHARS, VAL_OK, NULL},
	{"Budi \xc3\x97 Santoso", VAL_NAME_CHARS, VAL_OK, NULL},  /* × */
	{"Budi \xe6\x97\xa5", VAL_NAME_CHARS, VAL_OK, NULL},      /* 日 */
	{"Budi \xf0\x9f\x98\x80", VAL_NAME_CHARS, VAL_OK, NULL},  /* emoji */
	{"\xcc\x81" "Budi", VAL_NAME_CHARS, VAL_OK, NULL},         /* accent on nothing */
	{"Budi \xcc\x81Santoso", VAL_NAME_CHARS, VAL_OK, NULL},    /* accent on a space */
	{"Budi\x01", VAL_NAME_CHARS, VAL_OK, NULL},
	{"Budi \xe2\x80\xae" "Santoso", VAL_NAME_CHARS, VAL_OK, NULL}, /* RLO */
	{"...", VAL_NAME_NO_LETTER, VAL_OK, NULL},
	{"- '", VAL_NAME_NO_LETTER, VAL_OK, NULL},
	{"A", VAL_NAME_TOO_SHORT, VAL_OK, NULL},
	{" \xc3\x89 ", VAL_NAME_TOO_SHORT, VAL_OK, NULL}, /* É: one character, two bytes */
	{".Budi", VAL_NAME_PUNCT, VAL_OK, NULL},
	{"Budi..Santoso", VAL_NAME_PUNCT, VAL_OK, NULL},
	{"Budi -Santoso", VAL_NAME_PUNCT, VAL_OK, NULL},
	{"Budi- Santoso", VAL_NAME_PUNCT, VAL_OK, NULL},
	{"Budi Santoso-", VAL_NAME_PUNCT, VAL_OK, NULL},
	{"Budi'", VAL_NAME_PUNCT, VAL_OK, NULL},
	{"Budi ' Santoso", VAL_NAME_PUNCT, VAL_OK, NULL},
	{"Budi . Santoso", VAL_NAME_PUNCT, VAL_OK, NULL},
	{"Santoso, Budi", VAL_NAME_COMMA, VAL_OK, NULL},
	{"SANTOSO, BUDI", VAL_NAME_COMMA, VAL_OK, NULL},
	{"Budi Santoso,", VAL_NAME_COMMA, VAL_OK, NULL},
	{", S.Kom", VAL_NAME_COMMA, VAL_OK, NULL},
	{"Budi,, S.Kom", VAL_NAME_COMMA, VAL_OK, NULL},
	{"Budi Santoso, S.Kom, Jakarta", VAL_NAME_COMMA, VAL_OK, NULL},
	{"Budi, S.Santoso", VAL_NAME_COMMA, VAL_OK, NULL}, /* parts of titles are short */
	{"Budi, s.xy.abc", VAL_NAME_COMMA, VAL_OK, NULL},  /* unknown, and not capitalised */
	{"Budi Santoso, s.kom", VAL_OK, VAL_W_NAME_TITLE, "Budi Santoso, s.kom"},
	{"Budi\xc3", VAL_BAD_UTF8, VAL_OK, NULL},
};

static void check_name(const char *in, val_code want, val_code want_w, const char *want_out)
{
	guarded g;
	char *out = g_out(&g, VAL_NAME_CAP);
	val_code w = (val_code)-1;
	val_code got = val_name(in, out, VAL_NAME_CAP, &w);

	g_check(&g, "val_name");
	expect_code("val_name", in, got, want);
	expect_str("val_name", in, out, want == VAL_OK ? want_out : "");
	if (w != want_w)
		fail_msg("val_name(\"%s\"): warning %s, want %s", in, val_code_name(w),
			 val_code_name(want_w));
	expect_code("val_name (no OUT)", in, val_name(in, NULL, 0, NULL), want);
}

static void test_name(void **state)
{
	char buf[1024];

	(void)state;
	for (size_t i = 0; i < sizeof name_cases / sizeof name_cases[0]; i++)
		check_name(name_cases[i].in, name_cases[i].code, name_cases[i].warning,
			   name_cases[i].out);
	check_name(NULL, VAL_EMPTY, VAL_OK, NULL);

	/* 100 characters, counted in code points: 100 'a', then 100 'é' (200 bytes). */
	memset(buf, 'a', 100);
	buf[100] = '\0';
	check_name(buf, VAL_OK, VAL_OK, buf);
	buf[100] = 'a';
	buf[101] = '\0';
	check_name(buf, VAL_NAME_TOO_LONG, VAL_OK, NULL);
	for (int i = 0; i < 100; i++)
		memcpy(buf + 2 * i, "\xc3\xa9", 2);
	buf[200] = '\0';
	check_name(buf, VAL_OK, VAL_OK, buf);
	memcpy(buf + 200, "\xc3\xa9", 3);
	check_name(buf, VAL_NAME_TOO_LONG, VAL_OK, NULL);
	/* Spaces around do not count; a digit after the limit still wins. */
	{
		char want[101];

		memset(want, 'a', 100);
		want[100] = '\0';
		snprintf(buf, sizeof buf, "   %s \t ", want);
		check_name(buf, VAL_OK, VAL_OK, want);
		snprintf(buf, sizeof buf, "%s%s1", want, want);
		check_name(buf, VAL_NAME_DIGITS, VAL_OK, NULL);
		snprintf(buf, sizeof buf, "%s%s.", want, want);
		check_name(buf, VAL_NAME_TOO_LONG, VAL_OK, NULL);
	}
}

/* ---- free text ------------------------------------------------------------- */

static const struct text_case {
	const char *in;
	int min, max;
	val_code code;
	const char *out;
} text_cases[] = {
	{"Kepala Bidang Persandian", 2, 100, VAL_OK, "Kepala Bidang Persandian"},
	{"  Dinas   Komunikasi\t\n dan Informatika \r\n", 2, 100, VAL_OK,
	 "Dinas Komunikasi dan Informatika"},
	{"a\xc2\xa0\xc2\xa0" "b", 2, 100, VAL_OK, "a b"},                    /* NBSP */
	{"a\xe2\x80\xa8" "b", 2, 100, VAL_OK, "a b"},                        /* U+2028 */
	{"Jawa Tengah", 2, 60, VAL_OK, "Jawa Tengah"},
	{"\xe6\x97\xa5\xe6\x9c\xac", 2, 2, VAL_OK, "\xe6\x97\xa5\xe6\x9c\xac"}, /* 2 cp, 6 bytes */
	{"\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80", 3, 3, VAL_OK,
	 "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80"},
	{"\xc3\xa9", 2, 10, VAL_TOO_SHORT, NULL}, /* 1 cp, 2 bytes */
	{"\xe6\x97\xa5\xe6\x9c\xac\xe6\x97\xa5", 1, 2, VAL_TOO_LONG, NULL},
	{"a  b", 3, 3, VAL_OK, "a b"}, /* the collapsed space counts once */
	{"a  b", 4, 10, VAL_TOO_SHORT, NULL},
	{"", 0, 10, VAL_OK, ""},
	{"   ", 0, 10, VAL_OK, ""},
	{"", 1, 10, VAL_EMPTY, NULL},
	{" \t\n ", 2, 10, VAL_EMPTY, NULL},
	{"abc", 5, 2, VAL_TOO_SHORT, NULL},
	{"abc", 0, 2, VAL_TOO_LONG, NULL},
	{"abc", -5, -1, VAL_TOO_LONG, NULL},
	{"a\x01" "b", 1, 10, VAL_BAD_CHARS, NULL},
	{"ab\x7f", 1, 10, VAL_BAD_CHARS, NULL},
	{"ab\x1b[0m", 1, 10, VAL_BAD_CHARS, NULL},
	{"ab\xc2\x85", 1, 10, VAL_BAD_CHARS, NULL},       /* NEL (C1) */
	{"ab\xe2\x80\xae" "cd", 1, 10, VAL_BAD_CHARS, NULL}, /* RLO */
	{"ab\xe2\x81\xa6" "cd", 1, 10, VAL_BAD_CHARS, NULL}, /* LRI */
	{"\xef\xbb\xbf" "ab", 1, 10, VAL_BAD_CHARS, NULL},   /* BOM */
	{"ab\xef\xbf\xbf", 1, 10, VAL_BAD_CHARS, NULL},      /* U+FFFF */
	{"ab\xe2\x82", 1, 10, VAL_BAD_UTF8, NULL},
	{"ab\xed\xa0\x80", 1, 10, VAL_BAD_UTF8, NULL},
	{"ab\xc0\xaf", 1, 10, VAL_BAD_UTF8, NULL},
	{"ab\xf4\x90\x80\x80", 1, 10, VAL_BAD_UTF8, NULL},
};

static void check_text(const char *in, int min, int max, val_code want, const char *want_out)
{
	guarded g;
	size_t cap = VAL_TEXT_CAP(max > 0 ? max : 0);
	char *out = g_out(&g, cap);
	val_code got = val_text(in, out, cap, min, max);

	g_check(&g, "val_text");
	expect_code("val_text", in, got, want);
	expect_str("val_text", in, out, want == VAL_OK ? want_out : "");
	expect_code("val_text (no OUT)", in, val_text(in, NULL, 0, min, max), want);
}

static void test_text(void **state)
{
	char buf[512];

	(void)state;
	for (size_t i = 0; i < sizeof text_cases / sizeof text_cases[0]; i++)
		check_text(text_cases[i].in, text_cases[i].min, text_cases[i].max,
			   text_cases[i].code, text_cases[i].out);
	check_text(NULL, 0, 10, VAL_OK, "");
	check_text(NULL, 1, 10, VAL_EMPTY, NULL);

	/* 100 'Ñ' (200 bytes) are 100 characters. */
	for (int i = 0; i < 100; i++)
		memcpy(buf + 2 * i, "\xc3\x91", 2);
	buf[200] = '\0';
	check_text(buf, 2, 100, VAL_OK, buf);
	check_text(buf, 2, 99, VAL_TOO_LONG, NULL);
	check_text(buf, 101, 200, VAL_TOO_SHORT, NULL);
}

/* ---- small and absent output buffers ---------------------------------------- */

static void test_out_buffers(void **state)
{
	static const char *const email = "siti_nur@example.go.id";
	guarded g;
	char *out;
	val_code w;

	(void)state;
	/* Exactly enough, then one byte short: VAL_TOO_LONG and "". */
	out = g_out(&g, strlen(email) + 1);
	assert_int_equal(val_email(email, out, g.cap), VAL_OK);
	assert_string_equal(out, email);
	g_check(&g, "val_email exact");
	out = g_out(&g, strlen(email));
	assert_int_equal(val_email(email, out, g.cap), VAL_TOO_LONG);
	assert_string_equal(out, "");
	g_check(&g, "val_email short");

	out = g_out(&g, 14);
	assert_int_equal(val_phone("0812-3456-7890", out, g.cap), VAL_OK);
	assert_string_equal(out, "6281234567890");
	out = g_out(&g, 13);
	assert_int_equal(val_phone("0812-3456-7890", out, g.cap), VAL_TOO_LONG);
	assert_string_equal(out, "");
	g_check(&g, "val_phone short");

	out = g_out(&g, 14);
	assert_int_equal(val_name("Siti  Nur'aini", out, g.cap, &w), VAL_OK);
	assert_string_equal(out, "Siti Nur'aini");
	out = g_out(&g, 13);
	w = VAL_W_NIK_SEX;
	assert_int_equal(val_name("Hj. Siti Nur'aini", out, g.cap, &w), VAL_TOO_LONG);
	assert_int_equal(w, VAL_OK);
	assert_string_equal(out, "");
	g_check(&g, "val_name short");

	/* val_text writes as it goes: what it wrote is wiped on refusal. */
	out = g_out(&g, 8);
	assert_int_equal(val_text("abcdefghijkl", out, g.cap, 0, 100), VAL_TOO_LONG);
	for (size_t i = 0; i < g.cap; i++)
		assert_int_equal(out[i], 0);
	g_check(&g, "val_text short");
	out = g_out(&g, 8);
	assert_int_equal(val_text("Siti Nur\x01", out, g.cap, 0, 100), VAL_BAD_CHARS);
	for (size_t i = 0; i < g.cap; i++)
		assert_int_equal(out[i], 0);

	/* CAP 0: nothing is written at all, not even a NUL. */
	out = g_out(&g, 0);
	assert_int_equal(val_email(email, out, 0), VAL_OK);
	assert_int_equal(val_phone("081234567890", out, 0), VAL_OK);
	assert_int_equal(val_name("Budi Santoso", out, 0, NULL), VAL_OK);
	assert_int_equal(val_text("Budi", out, 0, 0, 10), VAL_OK);
	assert_int_equal(val_email("x", out, 0), VAL_EMAIL_NO_AT);
	g_check(&g, "cap 0");
	assert_int_equal((unsigned char)out[0], 0xA5);
}

/* ---- random strings ----------------------------------------------------------- */

/* Valid values of every kind, the seeds of the one-mutation strings. */
static const char *const seeds[] = {
	"siti_nur@example.go.id",
	"Siti_Nur@Example.GO.ID",
	"budi.santoso+kiosk@mail.example.com",
	"6281234567890",
	"0812-3456-7890",
	"+62 (0)812 3456 7890",
	"Siti Nur'aini",
	"Siti Nur\xe2\x80\x99" "aini, S.Kom., M.T.",
	"Prof. Dr. Budi Santoso",
	"B\xc3\xba" "di S\xc3\xa1ntos\xcc\x81o-Putra",
	"Dinas Komunikasi dan Informatika",
	"  Jawa\xc2\xa0Tengah  ",
	"3375014101900001",
	"3375010101900002",
	"199001012015032001",
	"\xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80",
};

/* Pieces the generators splice in: separators, punctuation, multi-byte
 * characters, bidi controls, invalid and cut sequences. */
static const char *const pieces[] = {
	" ", "  ", "\t", "\n", ".", "..", "-", "'", ",", ", ", "@", "+", "(", ")", "_",
	"0", "8", "62", "08", "S.Kom.", "Dr.", "Hj.", ".id", "\xc2\xa0", "\xc3\xa9",
	"\xe2\x80\x99", "\xcc\x81", "\xe2\x80\xae", "\xe6\x97\xa5", "\xf0\x9f\x98\x80",
	"\xef\xbb\xbf", "\xc2\x85", "\x7f", "\x01", "\xc3", "\xe2\x82", "\xed\xa0\x80",
	"\xc0\xaf", "\xf4\x90\x80\x80", "\xff", "\x80", "a", "Z", "xn--", "\xc3\x97",
};

/* Append piece P to BUF (length *N, room for MAX bytes). */
static void put_piece(char *buf, size_t *n, size_t max, const char *p)
{
	size_t len = strlen(p);

	if (*n + len <= max) {
		memcpy(buf + *n, p, len);
		*n += len;
	}
}

/* One random NUL-free string into BUF (FUZZ_MAX + 1 bytes); returns its length. */
static size_t fuzz_string(rng *r, char *buf)
{
	size_t n = 0, len, at;

	switch (rng_below(r, 5)) {
	case 0: /* random bytes, NUL excluded: mostly invalid UTF-8 */
		len = rng_below(r, 80);
		for (n = 0; n < len; n++)
			buf[n] = (char)(1 + rng_below(r, 255));
		break;
	case 1: /* long: up to 4 KiB of pieces and bytes */
		len = 1 + rng_below(r, FUZZ_MAX);
		while (n < len) {
			if (rng_below(r, 4) == 0)
				buf[n++] = (char)(1 + rng_below(r, 255));
			else
				put_piece(buf, &n, len,
					  pieces[rng_below(r, sizeof pieces / sizeof pieces[0])]);
			if (n < len && rng_below(r, 50) == 0)
				break;
		}
		break;
	case 2:
	case 3: { /* a valid value with one mutation */
		const char *s = seeds[rng_below(r, sizeof seeds / sizeof seeds[0])];
		size_t sl = strlen(s);

		memcpy(buf, s, sl);
		n = sl;
		at = rng_below(r, n + 1);
		switch (rng_below(r, 6)) {
		case 0: /* replace a byte */
			if (at < n)
				buf[at] = (char)(1 + rng_below(r, 255));
			break;
		case 1: /* insert a byte */
			memmove(buf + at + 1, buf + at, n - at);
			buf[at] = (char)(1 + rng_below(r, 255));
			n++;
			break;
		case 2: /* delete a byte (may cut a sequence) */
			if (at < n) {
				memmove(buf + at, buf + at + 1, n - at - 1);
				n--;
			}
			break;
		case 3: { /* insert a piece */
			const char *p = pieces[rng_below(r, sizeof pieces / sizeof pieces[0])];
			size_t pl = strlen(p);

			memmove(buf + at + pl, buf + at, n - at);
			memcpy(buf + at, p, pl);
			n += pl;
			break;
		}
		case 4: /* truncate */
			n = at;
			break;
		default: /* repeat the whole value many times */
			len = 1 + rng_below(r, FUZZ_MAX / (sl + 1));
			for (size_t k = 1; k < len && n + sl <= FUZZ_MAX; k++) {
				memcpy(buf + n, s, sl);
				n += sl;
			}
			break;
		}
		break;
	}
	default: /* valid UTF-8 from pieces that are whole characters */
		len = rng_below(r, 40);
		for (size_t k = 0; k < len; k++)
			put_piece(buf, &n, FUZZ_MAX,
				  pieces[rng_below(r, sizeof pieces / sizeof pieces[0])]);
		break;
	}
	buf[n] = '\0';
	return n;
}

/* Run validator KIND on IN with OUT of CAP bytes (NULL when CAP is 0). */
static val_code run(int kind, const char *in, char *out, size_t cap, int min, int max,
		    val_code *w)
{
	*w = VAL_OK;
	switch (kind) {
	case 0:
		return val_email(in, out, cap);
	case 1:
		return val_phone(in, out, cap);
	case 2:
		return val_name(in, out, cap, w);
	default:
		return val_text(in, out, cap, min, max);
	}
}

static const char *const kind_names[] = {"val_email", "val_phone", "val_name", "val_text"};

static void fuzz_one(rng *r, const char *in, guarded *g)
{
	for (int kind = 0; kind < 4; kind++) {
		size_t full = BIG, cap;
		int min = (int)rng_below(r, 4) - 1, max = (int)rng_below(r, 5000) - 10;
		val_code w, w2, rc, again, bare;
		char *out;

		/* Mostly a roomy OUT, sometimes a small one. */
		cap = rng_below(r, 4) == 0 ? rng_below(r, 64) : full;
		out = g_out(g, cap);
		rc = run(kind, in, cap > 0 ? out : NULL, cap, min, max, &w);
		g_check(g, kind_names[kind]);
		if ((unsigned)rc >= VAL_W_FIRST_WARNING)
			fail_msg("%s: returned code %d", kind_names[kind], (int)rc);
		if (w != VAL_OK && (rc != VAL_OK || w != VAL_W_NAME_TITLE))
			fail_msg("%s: warning %s with %s", kind_names[kind], val_code_name(w),
				 val_code_name(rc));
		if (rc != VAL_OK) {
			if (cap > 0 && out[0] != '\0')
				fail_msg("%s: refused (%s) but OUT is \"%s\"", kind_names[kind],
					 val_code_name(rc), out);
		} else if (cap > 0) {
			/* Idempotence: the output is valid and normalises to itself. */
			char *copy = strdup(out);
			guarded *g2 = malloc(sizeof *g2);
			char *out2;

			assert_non_null(copy);
			assert_non_null(g2);
			out2 = g_out(g2, BIG);
			again = run(kind, copy, out2, BIG, min, max, &w2);
			if (again != VAL_OK || strcmp(out2, copy) != 0 || w2 != w)
				fail_msg("%s: \"%s\" gave \"%s\" (%s), which gives \"%s\" (%s, %s)",
					 kind_names[kind], in, copy, val_code_name(w), out2,
					 val_code_name(again), val_code_name(w2));
			free(copy);
			free(g2);
		}
		/* Without OUT the verdict is the same, unless OUT was too small. */
		bare = run(kind, in, NULL, 0, min, max, &w2);
		if (bare != rc && !(rc == VAL_TOO_LONG && bare == VAL_OK))
			fail_msg("%s: %s with OUT, %s without", kind_names[kind],
				 val_code_name(rc), val_code_name(bare));
	}

	/* The identity numbers: any input, and on success an exact round trip. */
	{
		nik_info ni, ni2;
		nip_info pi, pi2;
		char f[NIP_CAP], f2[NIP_CAP];
		val_code rc = nik_parse(in, &ni);

		if (rc == VAL_OK) {
			assert_true(nik_format(&ni, f, sizeof f));
			assert_int_equal(nik_parse(f, &ni2), VAL_OK);
			assert_true(nik_format(&ni2, f2, sizeof f2));
			assert_string_equal(f, f2);
			assert_non_null(strstr(in, f));
		} else {
			assert_true(rc == VAL_EMPTY ||
				    (rc >= VAL_NIK_LENGTH && rc <= VAL_NIK_SERIAL));
		}
		rc = nip_parse(in, &pi);
		if (rc == VAL_OK) {
			assert_true(nip_format(&pi, f, sizeof f));
			assert_int_equal(nip_parse(f, &pi2), VAL_OK);
			assert_true(nip_format(&pi2, f2, sizeof f2));
			assert_string_equal(f, f2);
			assert_non_null(strstr(in, f));
		} else {
			assert_true(rc == VAL_EMPTY ||
				    (rc >= VAL_NIP_LENGTH && rc <= VAL_NIP_SERIAL));
		}
		assert_int_equal(val_utf8_len(in) < 0,
				 val_text(in, NULL, 0, 0, INT32_MAX) == VAL_BAD_UTF8);
	}
}

static void test_fuzz(void **state)
{
	rng r = {0x4B494F534B56414Cu}; /* "KIOSKVAL" */
	char *buf = malloc(FUZZ_MAX + 1);
	guarded *g = malloc(sizeof *g);
	int ok[4] = {0};

	(void)state;
	assert_non_null(buf);
	assert_non_null(g);
	for (int i = 0; i < FUZZ_COUNT; i++) {
		size_t n = fuzz_string(&r, buf);
		/* An exactly sized copy: ASan flags any read past the NUL. */
		char *in = malloc(n + 1);
		val_code w;

		assert_non_null(in);
		memcpy(in, buf, n + 1);
		fuzz_one(&r, in, g);
		for (int kind = 0; kind < 4; kind++)
			ok[kind] += run(kind, in, NULL, 0, 1, 300, &w) == VAL_OK;
		free(in);
	}
	/* The generator reaches the accepting paths of every validator. */
	for (int kind = 0; kind < 4; kind++)
		if (ok[kind] < 50)
			fail_msg("%s accepted only %d of %d random strings", kind_names[kind],
				 ok[kind], FUZZ_COUNT);
	free(buf);
	free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_codes),
		cmocka_unit_test(test_utf8_len),
		cmocka_unit_test(test_utf8_bounded),
		cmocka_unit_test(test_email),
		cmocka_unit_test(test_phone),
		cmocka_unit_test(test_name),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_out_buffers),
		cmocka_unit_test(test_fuzz),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

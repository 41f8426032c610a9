/*
 * test_ktp: the KTP-el identity and the card image parser (drivers/ktp.c).
 *
 * The card images in tests/cards/ (made-up people only) are parsed from
 * disk: siti.card and budi.card give full identities, uid-only.card a UID
 * without demographic data, bad-nik.card and bad-syntax.card their errors.
 * A table of small inline images covers every error kind: lines that are
 * not "key = value", unknown, mistyped and repeated keys, bad UIDs (length,
 * hex, separators), missing required keys, impossible dates, bad sex, blood
 * type, RT/RW and validity values, non-printable bytes, and NIKs the service
 * rules refuse; and the forms that must be accepted (CRLF, no final newline,
 * indented comments, '#' and '=' inside values, leap days). Every text field
 * is filled to its capacity and one character past it. On every error the
 * identity and the UID buffer must be all zeros; ktp_identity_wipe must
 * leave zeros too. Seeded random mutations of siti.card (a stand-in until the
 * libFuzzer harness) must give a well-formed identity or a clean error.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktp.h"

/* ---- helpers ------------------------------------------------------------ */

/* The whole of tests/cards/NAME; *LEN gets its size. The caller frees. */
static char *read_card(const char *name, size_t *len)
{
	char path[512];
	snprintf(path, sizeof path, "%s/cards/%s", KIOSK_TEST_DIR, name);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char *buf = malloc(65536);
	assert_non_null(buf);
	*len = fread(buf, 1, 65536, f);
	assert_false(ferror(f));
	assert_true(*len < 65536);
	fclose(f);
	return buf;
}

static bool all_zero(const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

/* A parse whose outputs start as garbage, so that "wiped" means something. */
typedef struct result {
	ktp_err err;
	char uid[KTP_UID_CAP];
	ktp_identity id;
	bool has_identity;
} result;

static result parse_n(const char *text, size_t len)
{
	result r;
	memset(&r, 0xA5, sizeof r);
	r.has_identity = true;
	r.err = ktp_parse_image(text, len, r.uid, sizeof r.uid, &r.id, &r.has_identity);
	return r;
}

static result parse(const char *text) { return parse_n(text, strlen(text)); }

static result parse_card(const char *name)
{
	size_t len;
	char *buf = read_card(name, &len);
	result r = parse_n(buf, len);
	free(buf);
	return r;
}

/* What every failed parse must leave. */
static void expect_wiped(const result *r)
{
	assert_false(r->has_identity);
	assert_true(all_zero(r->uid, sizeof r->uid));
	assert_true(all_zero(&r->id, sizeof r->id));
}

/* ---- the card files ----------------------------------------------------- */

static void test_card_siti(void **state)
{
	(void)state;
	result r = parse_card("siti.card");
	assert_int_equal(r.err, KTP_OK);
	assert_true(r.has_identity);
	assert_string_equal(r.uid, "04A1B2C3D4E5F6");
	const ktp_identity *id = &r.id;
	assert_string_equal(id->nik, "3375014101900001");
	assert_string_equal(id->name, "SITI NUR'AINI");
	assert_string_equal(id->birth_place, "PEKALONGAN");
	assert_int_equal(id->birth_y, 1990);
	assert_int_equal(id->birth_m, 1);
	assert_int_equal(id->birth_d, 1);
	assert_int_equal(id->sex, KTP_SEX_FEMALE);
	assert_string_equal(id->blood_type, ""); /* not in the image */
	assert_string_equal(id->address, "JL. MERDEKA NO. 10");
	assert_string_equal(id->rt_rw, "001/002");
	assert_string_equal(id->village, "KERGON");
	assert_string_equal(id->district, "PEKALONGAN BARAT");
	assert_string_equal(id->city, "KOTA PEKALONGAN");
	assert_string_equal(id->province, "JAWA TENGAH");
	assert_string_equal(id->religion, "ISLAM");
	assert_string_equal(id->marital_status, "KAWIN");
	assert_string_equal(id->occupation, "PEGAWAI NEGERI SIPIL");
	assert_string_equal(id->nationality, "WNI");
	assert_string_equal(id->valid_until, "SEUMUR HIDUP");
	ktp_identity_wipe(&r.id);
}

static void test_card_budi(void **state)
{
	(void)state;
	result r = parse_card("budi.card");
	assert_int_equal(r.err, KTP_OK);
	assert_true(r.has_identity);
	assert_string_equal(r.uid, "04B2C3D4E5F607");
	assert_string_equal(r.id.nik, "3375010101900002");
	assert_string_equal(r.id.name, "BUDI SANTOSO");
	assert_int_equal(r.id.birth_y, 1990);
	assert_int_equal(r.id.birth_m, 1);
	assert_int_equal(r.id.birth_d, 1);
	assert_int_equal(r.id.sex, KTP_SEX_MALE);
	assert_string_equal(r.id.blood_type, "O");
	assert_string_equal(r.id.city, "KOTA PEKALONGAN");
	ktp_identity_wipe(&r.id);
}

static void test_card_uid_only(void **state)
{
	(void)state;
	result r = parse_card("uid-only.card");
	assert_int_equal(r.err, KTP_OK);
	assert_false(r.has_identity);
	assert_string_equal(r.uid, "04A1B2C3D4E5F6");
	/* No demographic data: the identity is all zeros, not the garbage it held. */
	assert_true(all_zero(&r.id, sizeof r.id));
}

static void test_card_bad_nik(void **state)
{
	(void)state;
	result r = parse_card("bad-nik.card");
	assert_int_equal(r.err, KTP_ERR_NIK);
	expect_wiped(&r);
}

static void test_card_bad_syntax(void **state)
{
	(void)state;
	result r = parse_card("bad-syntax.card");
	assert_int_equal(r.err, KTP_ERR_SYNTAX);
	expect_wiped(&r);
}

/* ---- the table ---------------------------------------------------------- */

#define UID "uid = 04A1B2C3D4E5F6\n"
#define NIK "nik = 3375014101900001\n"
#define NAME "name = SITI NUR'AINI\n"
#define BIRTH "birth_date = 1990-01-01\n"
#define SEX "sex = P\n"
#define REQ NIK NAME BIRTH SEX /* the required demographic keys */
/* An image with identity, with LINE added. */
#define WITH(line) UID REQ line

typedef struct row {
	const char *what;
	const char *text;
	ktp_err want;
} row;

static const row rows[] = {
	/* accepted */
	{"uid only", UID, KTP_OK},
	{"required keys only", UID REQ, KTP_OK},
	{"uid 4 bytes", "uid = 04A1B2C3\n", KTP_OK},
	{"uid 10 bytes", "uid = 04A1B2C3D4E5F6071829\n", KTP_OK},
	{"no final newline", "uid = 04A1B2C3", KTP_OK},
	{"CRLF", "uid = 04A1B2C3\r\n" "nik = 3375014101900001\r\n" "name = SITI\r\n"
		 "birth_date = 1990-01-01\r\n" "sex = P\r\n", KTP_OK},
	{"comments, blanks, indentation",
	 "# a card\n\n   \n\t# indented comment\n  uid\t=\t04A1B2C3  \n", KTP_OK},
	{"'#' and '=' inside a value", WITH("address = JL. A=B #3\n"), KTP_OK},
	{"leap day", UID NIK NAME "birth_date = 2000-02-29\n" SEX, KTP_OK},
	{"valid_until a date", WITH("valid_until = 2030-12-31\n"), KTP_OK},
	{"blood AB+", WITH("blood_type = AB+\n"), KTP_OK},
	{"blood O-", WITH("blood_type = O-\n"), KTP_OK},
	{"blood unknown", WITH("blood_type = -\n"), KTP_OK},
	{"rt_rw short", WITH("rt_rw = 1/2\n"), KTP_OK},
	{"NIK disagreeing with sex is only a warning", UID NIK NAME BIRTH "sex = L\n", KTP_OK},
	{"NIK disagreeing with date is only a warning",
	 UID NIK NAME "birth_date = 1991-05-06\n" SEX, KTP_OK},

	/* KTP_ERR_SYNTAX */
	{"no '='", "uid 04A1B2C3\n", KTP_ERR_SYNTAX},
	{"no key", "= 04A1B2C3\n", KTP_ERR_SYNTAX},
	{"unknown key", WITH("nmae = SITI\n"), KTP_ERR_SYNTAX},
	{"key in capitals", "UID = 04A1B2C3\n", KTP_ERR_SYNTAX},
	{"key with a colon", "uid: 04A1B2C3\n", KTP_ERR_SYNTAX},
	{"repeated uid", UID UID, KTP_ERR_SYNTAX},
	{"repeated name", WITH("name = OTHER\n"), KTP_ERR_SYNTAX},
	{"inline comment is no comment", "uid = 04A1B2C3\nx # y\n", KTP_ERR_SYNTAX},

	/* KTP_ERR_UID */
	{"uid odd digits", "uid = 04A1B2C\n", KTP_ERR_UID},
	{"uid 5 bytes", "uid = 04A1B2C3D4\n", KTP_ERR_UID},
	{"uid 13 bytes", "uid = 04A1B2C3D4E5F60718293A4B\n", KTP_ERR_UID},
	{"uid not hex", "uid = 04A1B2G3\n", KTP_ERR_UID},
	{"uid with colons", "uid = 04:A1:B2:C3\n", KTP_ERR_UID},
	{"uid with spaces", "uid = 04 A1 B2 C3\n", KTP_ERR_UID},
	{"uid empty", "uid =\n", KTP_ERR_UID},

	/* KTP_ERR_MISSING */
	{"empty image", "", KTP_ERR_MISSING},
	{"comments only", "# nothing\n\n", KTP_ERR_MISSING},
	{"no uid", REQ, KTP_ERR_MISSING},
	{"no nik", UID NAME BIRTH SEX, KTP_ERR_MISSING},
	{"no name", UID NIK BIRTH SEX, KTP_ERR_MISSING},
	{"no birth_date", UID NIK NAME SEX, KTP_ERR_MISSING},
	{"no sex", UID NIK NAME BIRTH, KTP_ERR_MISSING},
	{"optional key alone", UID "address = JL. MERDEKA NO. 10\n", KTP_ERR_MISSING},

	/* KTP_ERR_FIELD: dates */
	{"30 February", UID NIK NAME "birth_date = 1990-02-30\n" SEX, KTP_ERR_FIELD},
	{"29 February 1900", UID NIK NAME "birth_date = 1900-02-29\n" SEX, KTP_ERR_FIELD},
	{"29 February 1990", UID NIK NAME "birth_date = 1990-02-29\n" SEX, KTP_ERR_FIELD},
	{"31 April", UID NIK NAME "birth_date = 1990-04-31\n" SEX, KTP_ERR_FIELD},
	{"month 13", UID NIK NAME "birth_date = 1990-13-01\n" SEX, KTP_ERR_FIELD},
	{"month 0", UID NIK NAME "birth_date = 1990-00-10\n" SEX, KTP_ERR_FIELD},
	{"day 0", UID NIK NAME "birth_date = 1990-01-00\n" SEX, KTP_ERR_FIELD},
	{"no zero padding", UID NIK NAME "birth_date = 1990-1-1\n" SEX, KTP_ERR_FIELD},
	{"two-digit year", UID NIK NAME "birth_date = 90-01-01\n" SEX, KTP_ERR_FIELD},
	{"slashes", UID NIK NAME "birth_date = 1990/01/01\n" SEX, KTP_ERR_FIELD},
	{"day first", UID NIK NAME "birth_date = 01-01-1990\n" SEX, KTP_ERR_FIELD},
	{"year 1899", UID NIK NAME "birth_date = 1899-12-31\n" SEX, KTP_ERR_FIELD},
	{"year 2100", UID NIK NAME "birth_date = 2100-01-01\n" SEX, KTP_ERR_FIELD},
	{"date trailing junk", UID NIK NAME "birth_date = 1990-01-01x\n" SEX, KTP_ERR_FIELD},
	{"date empty", UID NIK NAME "birth_date =\n" SEX, KTP_ERR_FIELD},
	/* sex */
	{"sex X", UID NIK NAME BIRTH "sex = X\n", KTP_ERR_FIELD},
	{"sex lower case", UID NIK NAME BIRTH "sex = p\n", KTP_ERR_FIELD},
	{"sex spelled out", UID NIK NAME BIRTH "sex = PEREMPUAN\n", KTP_ERR_FIELD},
	{"sex as a number", UID NIK NAME BIRTH "sex = 2\n", KTP_ERR_FIELD},
	{"sex empty", UID NIK NAME BIRTH "sex =\n", KTP_ERR_FIELD},
	/* text */
	{"name empty", UID NIK "name =\n" BIRTH SEX, KTP_ERR_FIELD},
	{"tab inside a value", UID NIK "name = SITI\tNUR\n" BIRTH SEX, KTP_ERR_FIELD},
	{"control byte", UID NIK "name = SITI\x01\n" BIRTH SEX, KTP_ERR_FIELD},
	{"DEL byte", UID NIK "name = SITI\x7f\n" BIRTH SEX, KTP_ERR_FIELD},
	{"non-ASCII", UID NIK "name = S\xc3\x8dTI\n" BIRTH SEX, KTP_ERR_FIELD},
	{"lone CR inside", UID NIK "name = SITI\rNUR\n" BIRTH SEX, KTP_ERR_FIELD},
	/* formed values */
	{"blood C", WITH("blood_type = C\n"), KTP_ERR_FIELD},
	{"blood AB++", WITH("blood_type = AB++\n"), KTP_ERR_FIELD},
	{"blood lower case", WITH("blood_type = ab\n"), KTP_ERR_FIELD},
	{"blood empty", WITH("blood_type =\n"), KTP_ERR_FIELD},
	{"rt_rw dash", WITH("rt_rw = 001-002\n"), KTP_ERR_FIELD},
	{"rt_rw 4 digits", WITH("rt_rw = 0001/002\n"), KTP_ERR_FIELD},
	{"rt_rw no RT", WITH("rt_rw = /002\n"), KTP_ERR_FIELD},
	{"rt_rw no RW", WITH("rt_rw = 001/\n"), KTP_ERR_FIELD},
	{"rt_rw letters", WITH("rt_rw = 00A/002\n"), KTP_ERR_FIELD},
	{"valid_until bad date", WITH("valid_until = 2030-02-30\n"), KTP_ERR_FIELD},
	{"valid_until half", WITH("valid_until = SEUMUR\n"), KTP_ERR_FIELD},
	{"empty optional", WITH("village =\n"), KTP_ERR_FIELD},

	/* KTP_ERR_NIK */
	{"NIK 15 digits", UID "nik = 337501410190000\n" NAME BIRTH SEX, KTP_ERR_NIK},
	{"NIK 17 digits", UID "nik = 33750141019000011\n" NAME BIRTH SEX, KTP_ERR_NIK},
	{"NIK month 13", UID "nik = 3375014113900001\n" NAME BIRTH SEX, KTP_ERR_NIK},
	{"NIK day 35", UID "nik = 3375013501900001\n" NAME BIRTH SEX, KTP_ERR_NIK},
	{"NIK province 99", UID "nik = 9975014101900001\n" NAME BIRTH SEX, KTP_ERR_NIK},
	{"NIK serial 0000", UID "nik = 3375014101900000\n" NAME BIRTH SEX, KTP_ERR_NIK},
	{"NIK with a dash", UID "nik = 3375-014101900001\n" NAME BIRTH SEX, KTP_ERR_NIK},
	{"NIK empty", UID "nik =\n" NAME BIRTH SEX, KTP_ERR_NIK},

	/* the first problem in line order wins over a later one and over MISSING */
	{"field before a later syntax error", "uid = 04A1B2C3\nsex = X\nbogus\n", KTP_ERR_FIELD},
	{"field before a missing key", "uid = 04A1B2C3\nsex = X\n", KTP_ERR_FIELD},
};

static void test_table(void **state)
{
	(void)state;
	size_t failed = 0;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		result r = parse(rows[i].text);
		if (r.err != rows[i].want) {
			print_error("%s: got %s, want %s\n", rows[i].what, ktp_err_name(r.err),
				    ktp_err_name(rows[i].want));
			failed++;
			continue;
		}
		if (r.err != KTP_OK) {
			if (r.has_identity || !all_zero(r.uid, sizeof r.uid) ||
			    !all_zero(&r.id, sizeof r.id)) {
				print_error("%s: outputs not wiped after an error\n", rows[i].what);
				failed++;
			}
		} else if (r.has_identity != (strstr(rows[i].text, "nik") != NULL)) {
			print_error("%s: has_identity wrong\n", rows[i].what);
			failed++;
		}
	}
	assert_int_equal(failed, 0);
}

/* ---- the details -------------------------------------------------------- */

static void test_uid_forms(void **state)
{
	(void)state;
	result r = parse("uid = 04a1b2c3d4e5f6\n");
	assert_int_equal(r.err, KTP_OK);
	assert_string_equal(r.uid, "04A1B2C3D4E5F6"); /* upper-cased */

	r = parse("uid = 04A1B2C3D4E5F6071829\n");
	assert_int_equal(r.err, KTP_OK);
	assert_string_equal(r.uid, "04A1B2C3D4E5F6071829");

	/* A UID_CAP that holds the UID exactly, and one byte less. */
	char uid[15];
	ktp_identity id;
	bool has = true;
	const char *t = "uid = 04A1B2C3D4E5F6\n";
	assert_int_equal(ktp_parse_image(t, strlen(t), uid, 15, &id, &has), KTP_OK);
	assert_string_equal(uid, "04A1B2C3D4E5F6");
	assert_false(has);
	memset(uid, 'x', sizeof uid);
	assert_int_equal(ktp_parse_image(t, strlen(t), uid, 14, &id, &has), KTP_ERR_UID);
	assert_true(all_zero(uid, 14));
	assert_int_equal(uid[14], 'x'); /* nothing past UID_CAP */
}

static void test_len_is_respected(void **state)
{
	(void)state;
	/* Only the first LEN bytes count: the rest (here a bad line) is not read. */
	const char *t = "uid = 04A1B2C3\nbogus line\n";
	result r = parse_n(t, strlen("uid = 04A1B2C3\n"));
	assert_int_equal(r.err, KTP_OK);
	assert_string_equal(r.uid, "04A1B2C3");
	/* Cut in the middle of the uid. */
	r = parse_n(t, strlen("uid = 04A1B2"));
	assert_int_equal(r.err, KTP_ERR_UID);
	/* Nothing at all, also with no text. */
	r = parse_n(NULL, 0);
	assert_int_equal(r.err, KTP_ERR_MISSING);
	expect_wiped(&r);
	/* A NUL byte inside the image. */
	const char nul[] = "uid = 04A1B2C3\n\0\n";
	r = parse_n(nul, sizeof nul - 1);
	assert_int_equal(r.err, KTP_ERR_SYNTAX);
	expect_wiped(&r);
}

/* Each free-text field holds exactly its capacity less the NUL. */
static void test_text_limits(void **state)
{
	(void)state;
	static const struct {
		const char *key;
		size_t off, cap;
	} fields[] = {
#define F(k) {#k, offsetof(ktp_identity, k), sizeof(((ktp_identity *)0)->k)}
		F(name), F(birth_place), F(address), F(village), F(district), F(city),
		F(province), F(religion), F(marital_status), F(occupation), F(nationality),
#undef F
	};
	static char text[1024], value[512];
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		for (size_t n = fields[i].cap - 1; n <= fields[i].cap; n++) {
			assert_true(n < sizeof value);
			memset(value, 'A', n);
			value[n] = '\0';
			/* "name" replaces the required NAME line; others are added. */
			if (strcmp(fields[i].key, "name") == 0)
				snprintf(text, sizeof text, UID NIK "name = %s\n" BIRTH SEX, value);
			else
				snprintf(text, sizeof text, WITH("%s = %s\n"), fields[i].key, value);
			result r = parse(text);
			if (n == fields[i].cap - 1) {
				if (r.err != KTP_OK)
					fail_msg("%s: %zu characters refused", fields[i].key, n);
				assert_string_equal((const char *)&r.id + fields[i].off, value);
			} else {
				if (r.err != KTP_ERR_FIELD)
					fail_msg("%s: %zu characters not refused", fields[i].key, n);
				expect_wiped(&r);
			}
		}
	}
}

/* A failure after fields were filled, and a MISSING found only at the end,
 * both leave zeros behind. */
static void test_error_wipes_filled_fields(void **state)
{
	(void)state;
	result r = parse(UID NIK NAME BIRTH "address = JL. MERDEKA NO. 10\nsex = X\n");
	assert_int_equal(r.err, KTP_ERR_FIELD);
	expect_wiped(&r);
	r = parse(UID NIK NAME BIRTH "address = JL. MERDEKA NO. 10\n");
	assert_int_equal(r.err, KTP_ERR_MISSING);
	expect_wiped(&r);
}

static void test_identity_wipe(void **state)
{
	(void)state;
	result r = parse_card("siti.card");
	assert_int_equal(r.err, KTP_OK);
	assert_false(all_zero(&r.id, sizeof r.id));
	ktp_identity_wipe(&r.id);
	assert_true(all_zero(&r.id, sizeof r.id));

	ktp_identity junk;
	memset(&junk, 0x5A, sizeof junk);
	ktp_identity_wipe(&junk);
	assert_true(all_zero(&junk, sizeof junk));
	ktp_identity_wipe(NULL); /* accepted */
}

/* splitmix64: a small seeded generator, so every run checks the same inputs. */
static uint64_t next_u64(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15u);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
	return z ^ (z >> 31);
}

/* siti.card with a few random bytes changed, inserted or cut off, many
 * times: never a crash (the sanitizer build watches reads), and every
 * result is either a well-formed identity or a clean error. */
static void test_mutations(void **state)
{
	(void)state;
	enum { ROUNDS = 20000 };
	static const char pool[] = "=#\n\r \t0123456789AFafLP-/xyz\x01\x7f\xc3\x80";
	size_t len;
	char *card = read_card("siti.card", &len);
	char *buf = malloc(len + 8);
	assert_non_null(buf);
	uint64_t seed = 20260101;
	size_t ok = 0;
	for (int round = 0; round < ROUNDS; round++) {
		memcpy(buf, card, len);
		size_t n = len;
		int edits = 1 + (int)(next_u64(&seed) % 4);
		for (int k = 0; k < edits; k++) {
			size_t at = (size_t)(next_u64(&seed) % n);
			char c = pool[next_u64(&seed) % (sizeof pool - 1)];
			switch (next_u64(&seed) % 3) {
			case 0: /* replace */
				buf[at] = c;
				break;
			case 1: /* insert */
				if (n < len + 8) {
					memmove(buf + at + 1, buf + at, n - at);
					buf[at] = c;
					n++;
				}
				break;
			default: /* cut off */
				n = at > 0 ? at : 1;
				break;
			}
		}
		result r = parse_n(buf, n);
		if (r.err == KTP_OK) {
			ok++;
			assert_true(memchr(r.uid, '\0', sizeof r.uid) != NULL);
			if (r.has_identity) {
				assert_int_equal(strlen(r.id.nik), 16);
				assert_true(r.id.sex == KTP_SEX_MALE || r.id.sex == KTP_SEX_FEMALE);
				assert_true(r.id.birth_m >= 1 && r.id.birth_m <= 12);
				assert_true(memchr(r.id.name, '\0', sizeof r.id.name) != NULL);
				assert_true(memchr(r.id.address, '\0', sizeof r.id.address) != NULL);
			}
		} else {
			expect_wiped(&r);
		}
	}
	/* Some mutations (in comments, inside free text) must still parse. */
	assert_true(ok > 0 && ok < ROUNDS);
	free(buf);
	free(card);
}

static void test_err_names(void **state)
{
	(void)state;
	const ktp_err all[] = {KTP_OK,	       KTP_ERR_SYNTAX, KTP_ERR_UID,
			       KTP_ERR_MISSING, KTP_ERR_FIELD,	KTP_ERR_NIK};
	size_t n = sizeof all / sizeof all[0];
	for (size_t i = 0; i < n; i++) {
		const char *a = ktp_err_name(all[i]);
		assert_non_null(a);
		assert_true(a[0] != '\0');
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(a, ktp_err_name(all[j]));
	}
	assert_non_null(ktp_err_name((ktp_err)-99));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_card_siti),
		cmocka_unit_test(test_card_budi),
		cmocka_unit_test(test_card_uid_only),
		cmocka_unit_test(test_card_bad_nik),
		cmocka_unit_test(test_card_bad_syntax),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_uid_forms),
		cmocka_unit_test(test_len_is_respected),
		cmocka_unit_test(test_text_limits),
		cmocka_unit_test(test_error_wipes_filled_fields),
		cmocka_unit_test(test_identity_wipe),
		cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_err_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

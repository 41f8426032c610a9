/*
 * test_req: the data-change request model (rules/req.c).
 *
 * The wire names, catalog keys and parsers of every field, reason, document
 * and identity source are written down here a second time and checked both
 * ways (and every key against the shipped catalogs); unknown names are
 * refused. req_check_value is driven by a table with, for every field, a
 * value it normalises (phone to 62..., e-mail to lower case, NIK trimmed),
 * a value refused with that field's own code (OUT left empty), the empty
 * value, and the title warning of a name. req_validate starts from one
 * complete, valid request typed carelessly (it must come back with no issue
 * and every value normalised in place) and then breaks it one defect at a
 * time: each defect must give exactly its issue (part, field, code), errors
 * before warnings, the total returned even when OUT is too small. Then the
 * impact rules (subject fields, revocation, suggested documents), the
 * resubmission of a rejected request from every state, and the wipe.
 * The people are made up: Siti Nur'aini and Budi Santoso.
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
#include "fixture_issues.h"
#include "req.h"
#include "rstate.h"
#include "ticket.h"
#include "val.h"

#ifndef KIOSK_SOURCE_DIR
#error "KIOSK_SOURCE_DIR (the repository root) must be defined by the build"
#endif

/* Made-up fixture people. */
#define SITI_NIK "3375014101900001" /* woman, born 01-01-(19)90 */
#define SITI_NIP "199001012015012001"
#define BUDI_NIK "3375010101900002" /* man, born 01-01-(19)90 */

#define CONSENT_AT 1767225600 /* 2026-01-01 00:00 UTC */

enum { MAX_ISSUES = 48 };

/* ---- helpers ------------------------------------------------------------ */

/* GOT[0..N) holds exactly WANT[0..NWANT), errors before warnings. */
#define expect_issues(what, got, n, want, nwant) \
	fx_expect_issues((what), (got), (n), (want), (nwant), true)

static int count_errors(const req_issue *is, int n)
{
	int e = 0;
	for (int i = 0; i < n; i++)
		e += !val_code_is_warning(is[i].code);
	return e;
}

static void set(char *dst, size_t cap, const char *s)
{
	assert_true(strlen(s) < cap);
	memset(dst, 0, cap);
	memcpy(dst, s, strlen(s));
}

#define SET(dst, s) set((dst), sizeof(dst), (s))

/* A string of N copies of C, in a buffer of CAP bytes. */
static void fill_chars(char *dst, size_t cap, char c, size_t n)
{
	assert_true(n < cap);
	memset(dst, 0, cap);
	memset(dst, c, n);
}

/*
 * The complete, valid request of the file's fixture person, typed
 * carelessly (spaces, capitals, the phone in its national form): Siti
 * Nur'aini, transferred, becomes "Analis Kebijakan Ahli Muda".
 */
static void valid_req(req *r)
{
	req_init(r);
	SET(r->kiosk_id, "KIOSK-PKL-01");
	r->id_source = REQ_ID_CARD;
	SET(r->card_uid, "04A1B2C3D4E5F6");
	SET(r->f[REQ_F_NAME].current, "  Siti   Nur'aini ");
	SET(r->f[REQ_F_NIK].current, " " SITI_NIK " ");
	SET(r->f[REQ_F_NIP].current, SITI_NIP);
	SET(r->f[REQ_F_EMAIL].current, "Siti_Nur@Example.GO.ID");
	SET(r->f[REQ_F_PHONE].current, "0812 3456 7890");
	SET(r->f[REQ_F_POSITION].current, "Analis  Kebijakan");
	SET(r->f[REQ_F_POSITION].requested, " Analis Kebijakan   Ahli Muda ");
	r->f[REQ_F_POSITION].change = true;
	r->reason = REQ_R_TRANSFER;
	r->docs[REQ_D_DECREE] = true;
	r->docs[REQ_D_KTP] = true;
	SET(r->consent_version, "2026.1");
	r->consent_at = CONSENT_AT;
}

/* ---- names, keys, parsers ----------------------------------------------- */

static const struct {
	req_field f;
	const char *name, *key;
	bool required;
	int max_chars;
	bool in_subject;
} field_rows[] = {
	{REQ_F_NAME, "name", "field.name", true, 100, true},
	{REQ_F_NIK, "nik", "field.nik", true, 16, true},
	{REQ_F_NIP, "nip", "field.nip", false, 18, false},
	{REQ_F_EMAIL, "email", "field.email", true, 254, false},
	{REQ_F_PHONE, "phone", "field.phone", true, 20, false},
	{REQ_F_POSITION, "position", "field.position", false, 100, false},
	{REQ_F_INSTITUTION, "institution", "field.institution", false, 100, true},
	{REQ_F_WORK_UNIT, "work_unit", "field.work_unit", false, 100, false},
	{REQ_F_PROVINCE, "province", "field.province", false, 60, false},
	{REQ_F_CITY, "city", "field.city", false, 60, false},
};

static const struct {
	req_reason r;
	const char *name, *key; /* key NULL: none in the catalogs */
} reason_rows[] = {
	{REQ_R_NONE, "none", NULL},
	{REQ_R_TRANSFER, "transfer", "reason.transfer"},
	{REQ_R_PROMOTION, "promotion", "reason.promotion"},
	{REQ_R_NAME_CHANGE, "name_change", "reason.name_change"},
	{REQ_R_CORRECTION, "correction", "reason.correction"},
	{REQ_R_NEW_EMAIL, "new_email", "reason.new_email"},
	{REQ_R_NEW_PHONE, "new_phone", "reason.new_phone"},
	{REQ_R_OTHER, "other", "reason.other"},
};

static const struct {
	req_doc d;
	const char *name, *key;
} doc_rows[] = {
	{REQ_D_DECREE, "decree", "doc.decree"},
	{REQ_D_KTP, "ktp", "doc.ktp"},
	{REQ_D_RECOMMENDATION, "recommendation", "doc.recommendation"},
	{REQ_D_COURT_ORDER, "court_order", "doc.court_order"},
	{REQ_D_OTHER, "other", "doc.other"},
};

static const struct {
	req_id_source s;
	const char *name;
} id_rows[] = {
	{REQ_ID_NONE, "none"},
	{REQ_ID_CARD, "card"},
	{REQ_ID_TYPED, "typed"},
};

#define NROWS(t) ((int)(sizeof(t) / sizeof((t)[0])))

static void test_names(void **state)
{
	(void)state;
	assert_int_equal(NROWS(field_rows), REQ_F_COUNT);
	assert_int_equal(NROWS(reason_rows), REQ_R_COUNT + 1);
	assert_int_equal(NROWS(doc_rows), REQ_D_COUNT);

	for (int i = 0; i < NROWS(field_rows); i++) {
		req_field back = REQ_F_COUNT;
		assert_string_equal(req_field_name(field_rows[i].f), field_rows[i].name);
		assert_string_equal(req_field_key(field_rows[i].f), field_rows[i].key);
		assert_int_equal(req_field_parse(field_rows[i].name, &back), 0);
		assert_int_equal(back, field_rows[i].f);
		assert_int_equal(req_field_required(field_rows[i].f), field_rows[i].required);
		assert_int_equal(req_field_max_chars(field_rows[i].f), field_rows[i].max_chars);
	}
	for (int i = 0; i < NROWS(reason_rows); i++) {
		req_reason back = REQ_R_COUNT;
		assert_string_equal(req_reason_name(reason_rows[i].r), reason_rows[i].name);
		if (reason_rows[i].key)
			assert_string_equal(req_reason_key(reason_rows[i].r), reason_rows[i].key);
		else
			assert_non_null(req_reason_key(reason_rows[i].r));
		assert_int_equal(req_reason_parse(reason_rows[i].name, &back), 0);
		assert_int_equal(back, reason_rows[i].r);
	}
	for (int i = 0; i < NROWS(doc_rows); i++) {
		req_doc back = REQ_D_COUNT;
		assert_string_equal(req_doc_name(doc_rows[i].d), doc_rows[i].name);
		assert_string_equal(req_doc_key(doc_rows[i].d), doc_rows[i].key);
		assert_int_equal(req_doc_parse(doc_rows[i].name, &back), 0);
		assert_int_equal(back, doc_rows[i].d);
	}
	for (int i = 0; i < NROWS(id_rows); i++) {
		req_id_source back = (req_id_source)99;
		assert_string_equal(req_id_source_name(id_rows[i].s), id_rows[i].name);
		assert_int_equal(req_id_source_parse(id_rows[i].name, &back), 0);
		assert_int_equal(back, id_rows[i].s);
	}
}

/* Every key names a text in both shipped catalogs. */
static void test_keys_in_catalogs(void **state)
{
	cat *c = NULL;

	(void)state;
	assert_int_equal(cat_open(&c, KIOSK_SOURCE_DIR "/assets/i18n", stderr), 0);
	for (int i = 0; i < NROWS(field_rows); i++)
		if (!cat_has(c, field_rows[i].key))
			fail_msg("catalog lacks %s", field_rows[i].key);
	for (int i = 0; i < NROWS(reason_rows); i++)
		if (reason_rows[i].key && !cat_has(c, reason_rows[i].key))
			fail_msg("catalog lacks %s", reason_rows[i].key);
	for (int i = 0; i < NROWS(doc_rows); i++)
		if (!cat_has(c, doc_rows[i].key))
			fail_msg("catalog lacks %s", doc_rows[i].key);
	cat_free(&c);
	assert_null(c);
}

/* Names are exact: case, spaces, keys and near misses are refused. */
static void test_unknown_names(void **state)
{
	static const char *const bad[] = {
		"", " ", "?", "Name", "NIK", "name ", " nik", "field.name", "nama", "e-mail",
		"workunit", "work-unit", "Transfer", "mutasi", "reason.other", "Other", "doc.ktp",
		"KTP", "court order", "Card", "typed ", "manual", "nonee", "none\n",
	};

	(void)state;
	for (int i = 0; i < NROWS(bad); i++) {
		req_field f;
		req_reason r;
		req_doc d;
		req_id_source s;
		if (req_field_parse(bad[i], &f) != -1)
			fail_msg("req_field_parse(\"%s\") accepted", bad[i]);
		if (req_reason_parse(bad[i], &r) != -1)
			fail_msg("req_reason_parse(\"%s\") accepted", bad[i]);
		if (req_doc_parse(bad[i], &d) != -1)
			fail_msg("req_doc_parse(\"%s\") accepted", bad[i]);
		if (req_id_source_parse(bad[i], &s) != -1)
			fail_msg("req_id_source_parse(\"%s\") accepted", bad[i]);
	}
	/* Each kind's names belong to that kind only ("other" is both a
	 * reason and a document, "none" both a reason and an id source). */
	req_field f;
	req_doc d;
	req_id_source s;
	assert_int_equal(req_field_parse("transfer", &f), -1);
	assert_int_equal(req_field_parse("ktp", &f), -1);
	assert_int_equal(req_doc_parse("nik", &d), -1);
	assert_int_equal(req_doc_parse("none", &d), -1);
	assert_int_equal(req_id_source_parse("other", &s), -1);
}

/* ---- req_check_value ---------------------------------------------------- */

static const struct {
	req_field f;
	const char *in;
	val_code code;
	const char *out;  /* on VAL_OK */
	val_code warning; /* on VAL_OK */
} check_rows[] = {
	/* accepted and normalised */
	{REQ_F_NAME, "Siti Nur'aini", VAL_OK, "Siti Nur'aini", VAL_OK},
	{REQ_F_NAME, "  Siti   Nur'aini ", VAL_OK, "Siti Nur'aini", VAL_OK},
	{REQ_F_NAME, "Budi Santoso", VAL_OK, "Budi Santoso", VAL_OK},
	{REQ_F_NAME, "Dr. Siti Nur'aini", VAL_OK, "Dr. Siti Nur'aini", VAL_W_NAME_TITLE},
	{REQ_F_NAME, "Siti Nur'aini , S.Kom.", VAL_OK, "Siti Nur'aini, S.Kom.", VAL_W_NAME_TITLE},
	{REQ_F_NAME, "Budi Santoso SE", VAL_OK, "Budi Santoso SE", VAL_W_NAME_TITLE},
	{REQ_F_NIK, SITI_NIK, VAL_OK, SITI_NIK, VAL_OK},
	{REQ_F_NIK, "  " SITI_NIK " ", VAL_OK, SITI_NIK, VAL_OK},
	{REQ_F_NIK, "\t" BUDI_NIK "\n", VAL_OK, BUDI_NIK, VAL_OK},
	{REQ_F_NIP, " " SITI_NIP " ", VAL_OK, SITI_NIP, VAL_OK},
	{REQ_F_EMAIL, "siti_nur@example.go.id", VAL_OK, "siti_nur@example.go.id", VAL_OK},
	{REQ_F_EMAIL, "SITI_NUR@EXAMPLE.GO.ID", VAL_OK, "siti_nur@example.go.id", VAL_OK},
	{REQ_F_EMAIL, "  Budi.Santoso@Example.go.id ", VAL_OK, "budi.santoso@example.go.id",
	 VAL_OK},
	{REQ_F_PHONE, "0812 3456 7890", VAL_OK, "6281234567890", VAL_OK},
	{REQ_F_PHONE, "+62 812-3456-7890", VAL_OK, "6281234567890", VAL_OK},
	{REQ_F_PHONE, "081234567890", VAL_OK, "6281234567890", VAL_OK},
	{REQ_F_POSITION, "  Analis   Kebijakan ", VAL_OK, "Analis Kebijakan", VAL_OK},
	{REQ_F_INSTITUTION, "Dinas Komunikasi dan Informatika", VAL_OK,
	 "Dinas Komunikasi dan Informatika", VAL_OK},
	{REQ_F_WORK_UNIT, "Bidang\tPersandian", VAL_OK, "Bidang Persandian", VAL_OK},
	{REQ_F_PROVINCE, "Jawa Tengah ", VAL_OK, "Jawa Tengah", VAL_OK},
	{REQ_F_CITY, " Kota Pekalongan", VAL_OK, "Kota Pekalongan", VAL_OK},

	/* refused with the field's own code */
	{REQ_F_NAME, "Siti 2", VAL_NAME_DIGITS, "", VAL_OK},
	{REQ_F_NAME, "Dr. Siti 2", VAL_NAME_DIGITS, "", VAL_OK},
	{REQ_F_NAME, "Siti @ Nur", VAL_NAME_CHARS, "", VAL_OK},
	{REQ_F_NAME, "S", VAL_NAME_TOO_SHORT, "", VAL_OK},
	{REQ_F_NIK, "337501410190000", VAL_NIK_LENGTH, "", VAL_OK},
	{REQ_F_NIK, "3375 0141 0190 0001", VAL_NIK_DIGITS, "", VAL_OK},
	{REQ_F_NIK, "9975014101900001", VAL_NIK_PROVINCE, "", VAL_OK},
	{REQ_F_NIK, "3375013301900001", VAL_NIK_DAY, "", VAL_OK},
	{REQ_F_NIK, "3375014113900001", VAL_NIK_MONTH, "", VAL_OK},
	{REQ_F_NIK, "3375013102900001", VAL_NIK_DATE, "", VAL_OK},
	{REQ_F_NIK, "3375014101900000", VAL_NIK_SERIAL, "", VAL_OK},
	{REQ_F_NIP, "19900101201501200", VAL_NIP_LENGTH, "", VAL_OK},
	{REQ_F_NIP, "19900101 201501 2 001", VAL_NIP_DIGITS, "", VAL_OK},
	{REQ_F_NIP, "199013012015012001", VAL_NIP_BIRTH_DATE, "", VAL_OK},
	{REQ_F_NIP, "199001012015013001", VAL_NIP_SEX, "", VAL_OK},
	{REQ_F_NIP, "199001012015012000", VAL_NIP_SERIAL, "", VAL_OK},
	{REQ_F_EMAIL, "siti_nur", VAL_EMAIL_NO_AT, "", VAL_OK},
	{REQ_F_EMAIL, "siti@@example.go.id", VAL_EMAIL_MANY_AT, "", VAL_OK},
	{REQ_F_EMAIL, "siti nur@example.go.id", VAL_EMAIL_SPACE, "", VAL_OK},
	{REQ_F_EMAIL, "siti@example", VAL_EMAIL_DOMAIN_NO_DOT, "", VAL_OK},
	{REQ_F_PHONE, "0812-3456-789a", VAL_PHONE_CHARS, "", VAL_OK},
	{REQ_F_PHONE, "+1 555 0100 200", VAL_PHONE_PREFIX, "", VAL_OK},
	{REQ_F_PHONE, "(0285) 421243", VAL_PHONE_NOT_MOBILE, "", VAL_OK},
	{REQ_F_PHONE, "0812345", VAL_PHONE_LENGTH, "", VAL_OK},
	{REQ_F_POSITION, "A", VAL_TOO_SHORT, "", VAL_OK},
	{REQ_F_INSTITUTION, "Dinas\x01Kominfo", VAL_BAD_CHARS, "", VAL_OK},
	{REQ_F_WORK_UNIT, "Bidang \xE2\x80\xAE" "Persandian", VAL_BAD_CHARS, "", VAL_OK},
	{REQ_F_PROVINCE, "Jawa \xFF", VAL_BAD_UTF8, "", VAL_OK},
	{REQ_F_CITY, "K", VAL_TOO_SHORT, "", VAL_OK},
};

static void check_one(const char *what, req_field f, const char *in, val_code code,
		      const char *want_out, val_code want_w)
{
	char out[REQ_VALUE_MAX];
	val_code w = (val_code)-1;

	memset(out, 'x', sizeof out);
	val_code c = req_check_value(f, in, out, sizeof out, &w);
	if (c != code)
		fail_msg("%s %s(\"%s\"): got %s, want %s", what, req_field_name(f), in,
			 val_code_name(c), val_code_name(code));
	if (memchr(out, '\0', sizeof out) == NULL)
		fail_msg("%s %s(\"%s\"): OUT not terminated", what, req_field_name(f), in);
	if (strcmp(out, want_out) != 0)
		fail_msg("%s %s(\"%s\"): OUT \"%s\", want \"%s\"", what, req_field_name(f), in, out,
			 want_out);
	if (w != want_w)
		fail_msg("%s %s(\"%s\"): warning %s, want %s", what, req_field_name(f), in,
			 val_code_name(w), val_code_name(want_w));
	/* WARNING may be NULL. */
	memset(out, 'x', sizeof out);
	assert_int_equal(req_check_value(f, in, out, sizeof out, NULL), code);
	assert_string_equal(out, want_out);
}

static void test_check_value(void **state)
{
	(void)state;
	for (int i = 0; i < NROWS(check_rows); i++)
		check_one("row", check_rows[i].f, check_rows[i].in, check_rows[i].code,
			  check_rows[i].out, check_rows[i].warning);
}

/* Empty (or blank) is VAL_EMPTY for every field; lengths at the limit. */
static void test_check_value_empty_and_lengths(void **state)
{
	char s[REQ_VALUE_MAX];

	(void)state;
	for (int i = 0; i < REQ_F_COUNT; i++) {
		check_one("empty", (req_field)i, "", VAL_EMPTY, "", VAL_OK);
		check_one("blank", (req_field)i, "   ", VAL_EMPTY, "", VAL_OK);
	}
	/* The free-text fields: up to their longest, then VAL_TOO_LONG. */
	static const req_field text_fields[] = {REQ_F_POSITION, REQ_F_INSTITUTION,
						REQ_F_WORK_UNIT, REQ_F_PROVINCE, REQ_F_CITY};
	for (int i = 0; i < NROWS(text_fields); i++) {
		req_field f = text_fields[i];
		size_t max = (size_t)req_field_max_chars(f);
		fill_chars(s, sizeof s, 'a', max);
		char want[REQ_VALUE_MAX];
		memcpy(want, s, sizeof want);
		check_one("longest", f, s, VAL_OK, want, VAL_OK);
		fill_chars(s, sizeof s, 'a', max + 1);
		check_one("too long", f, s, VAL_TOO_LONG, "", VAL_OK);
	}
	/* A name of 100 letters is accepted, 101 are not. */
	fill_chars(s, sizeof s, 'a', 100);
	s[0] = 'S';
	char want[REQ_VALUE_MAX];
	memcpy(want, s, sizeof want);
	check_one("longest", REQ_F_NAME, s, VAL_OK, want, VAL_OK);
	fill_chars(s, sizeof s, 'a', 101);
	check_one("too long", REQ_F_NAME, s, VAL_NAME_TOO_LONG, "", VAL_OK);
}

/* ---- req_validate: the valid request ------------------------------------ */

static void test_validate_valid(void **state)
{
	req r;
	req_issue is[MAX_ISSUES];

	(void)state;
	valid_req(&r);
	int n = req_validate(&r, is, MAX_ISSUES);
	expect_issues("valid request", is, n, NULL, 0);

	/* Normalised in place. */
	assert_string_equal(r.f[REQ_F_NAME].current, "Siti Nur'aini");
	assert_string_equal(r.f[REQ_F_NIK].current, SITI_NIK);
	assert_string_equal(r.f[REQ_F_NIP].current, SITI_NIP);
	assert_string_equal(r.f[REQ_F_EMAIL].current, "siti_nur@example.go.id");
	assert_string_equal(r.f[REQ_F_PHONE].current, "6281234567890");
	assert_string_equal(r.f[REQ_F_POSITION].current, "Analis Kebijakan");
	assert_string_equal(r.f[REQ_F_POSITION].requested, "Analis Kebijakan Ahli Muda");
	/* The rest as it was. */
	for (int i = 0; i < REQ_F_COUNT; i++) {
		if (i != REQ_F_POSITION) {
			assert_false(r.f[i].change);
			assert_string_equal(r.f[i].requested, "");
		}
	}
	assert_string_equal(r.f[REQ_F_INSTITUTION].current, "");
	assert_int_equal(r.reason, REQ_R_TRANSFER);
	assert_string_equal(r.reason_text, "");
	assert_int_equal(r.state, RSTATE_DRAFT);
	assert_int_equal(r.id_source, REQ_ID_CARD);

	/* Validating the normalised request again changes no value. (Not
	 * compared byte for byte: the bytes after a value's NUL are not part
	 * of the contract.) */
	req again;
	memcpy(&again, &r, sizeof again);
	assert_int_equal(req_validate(&again, is, MAX_ISSUES), 0);
	for (int i = 0; i < REQ_F_COUNT; i++) {
		assert_string_equal(again.f[i].current, r.f[i].current);
		assert_string_equal(again.f[i].requested, r.f[i].requested);
		assert_int_equal(again.f[i].change, r.f[i].change);
	}

	/* NULL OUT with CAP 0 only counts. */
	valid_req(&r);
	assert_int_equal(req_validate(&r, NULL, 0), 0);

	/* The free texts are normalised as well. */
	valid_req(&r);
	SET(r.reason_text, "  Mutasi   ke Dinas Kominfo ");
	r.docs[REQ_D_OTHER] = true;
	SET(r.doc_other, " Surat   tugas ");
	n = req_validate(&r, is, MAX_ISSUES);
	expect_issues("texts", is, n, NULL, 0);
	assert_string_equal(r.reason_text, "Mutasi ke Dinas Kominfo");
	assert_string_equal(r.doc_other, "Surat tugas");

	/* "other" with its explanation is complete. */
	valid_req(&r);
	r.reason = REQ_R_OTHER;
	SET(r.reason_text, "Salah ketik jabatan");
	n = req_validate(&r, is, MAX_ISSUES);
	expect_issues("other with text", is, n, NULL, 0);
}

/* ---- req_validate: one defect at a time --------------------------------- */

static void d_no_identity(req *r) { r->id_source = REQ_ID_NONE; }
static void d_no_consent_time(req *r) { r->consent_at = 0; }
static void d_no_consent_version(req *r) { r->consent_version[0] = '\0'; }
static void d_no_name(req *r) { SET(r->f[REQ_F_NAME].current, ""); }
static void d_blank_name(req *r) { SET(r->f[REQ_F_NAME].current, "   "); }
static void d_no_nik(req *r) { SET(r->f[REQ_F_NIK].current, ""); }
static void d_no_email(req *r) { SET(r->f[REQ_F_EMAIL].current, ""); }
static void d_no_phone(req *r) { SET(r->f[REQ_F_PHONE].current, ""); }
static void d_no_nip(req *r) { SET(r->f[REQ_F_NIP].current, ""); }
static void d_bad_name(req *r) { SET(r->f[REQ_F_NAME].current, "Siti 2"); }
static void d_bad_nip(req *r) { SET(r->f[REQ_F_NIP].current, "199001012015013001"); }
static void d_bad_phone(req *r) { SET(r->f[REQ_F_PHONE].current, "(0285) 421243"); }
static void d_requested_empty(req *r) { SET(r->f[REQ_F_POSITION].requested, ""); }
static void d_requested_blank(req *r) { SET(r->f[REQ_F_POSITION].requested, "  "); }
static void d_requested_same(req *r) { SET(r->f[REQ_F_POSITION].requested, "Analis Kebijakan"); }

static void d_requested_same_norm(req *r)
{
	SET(r->f[REQ_F_POSITION].requested, "  Analis   Kebijakan ");
}

static void d_phone_same(req *r)
{
	SET(r->f[REQ_F_PHONE].current, "081234567890");
	SET(r->f[REQ_F_PHONE].requested, "+62 812-3456-7890");
	r->f[REQ_F_PHONE].change = true;
}

static void d_email_same(req *r)
{
	SET(r->f[REQ_F_EMAIL].current, "siti_nur@example.go.id");
	SET(r->f[REQ_F_EMAIL].requested, " SITI_NUR@EXAMPLE.GO.ID");
	r->f[REQ_F_EMAIL].change = true;
}

static void d_nik_same(req *r)
{
	SET(r->f[REQ_F_NIK].requested, SITI_NIK "  ");
	r->f[REQ_F_NIK].change = true;
}

static void d_no_change(req *r) { r->f[REQ_F_POSITION].change = false; }

static void d_optional_current_empty(req *r)
{
	SET(r->f[REQ_F_INSTITUTION].requested, "Dinas Komunikasi dan Informatika");
	r->f[REQ_F_INSTITUTION].change = true;
}

static void d_bad_requested_email(req *r)
{
	SET(r->f[REQ_F_EMAIL].requested, "siti@@example.go.id");
	r->f[REQ_F_EMAIL].change = true;
}

static void d_bad_requested_nik(req *r)
{
	SET(r->f[REQ_F_NIK].requested, "3375014101900000");
	r->f[REQ_F_NIK].change = true;
}

static void d_no_reason(req *r) { r->reason = REQ_R_NONE; }
static void d_reason_out_of_range(req *r) { r->reason = REQ_R_COUNT; }
static void d_other_no_text(req *r) { r->reason = REQ_R_OTHER; }

static void d_reason_too_long(req *r)
{
	fill_chars(r->reason_text, sizeof r->reason_text, 'a', REQ_REASON_TEXT_CHARS + 1);
}

static void d_reason_longest(req *r)
{
	fill_chars(r->reason_text, sizeof r->reason_text, 'a', REQ_REASON_TEXT_CHARS);
}

static void d_reason_bad_chars(req *r) { SET(r->reason_text, "Mutasi\x07"); }

static void d_doc_other_unnamed(req *r) { r->docs[REQ_D_OTHER] = true; }

static void d_doc_other_named_unticked(req *r) { SET(r->doc_other, "x"); }

static void d_typed_nik(req *r) { r->id_source = REQ_ID_TYPED; }

static void d_nip_birth(req *r) { SET(r->f[REQ_F_NIP].current, "199105052015012001"); }
static void d_nip_sex(req *r) { SET(r->f[REQ_F_NIP].current, "199001012015011001"); }

static void d_nip_birth_requested(req *r)
{
	/* The cross-check uses the NIP the request ends with. */
	SET(r->f[REQ_F_NIP].requested, "199105052015012001");
	r->f[REQ_F_NIP].change = true;
}

static void d_nik_changed_to_budi(req *r)
{
	SET(r->f[REQ_F_NIK].requested, BUDI_NIK);
	r->f[REQ_F_NIK].change = true;
}

static void d_title(req *r) { SET(r->f[REQ_F_NAME].current, "Dr. Siti Nur'aini"); }

static void d_title_requested(req *r)
{
	SET(r->f[REQ_F_NAME].requested, "Siti Nur'aini, S.Kom.");
	r->f[REQ_F_NAME].change = true;
}

static void d_errors_and_warnings(req *r)
{
	d_title(r);
	d_typed_nik(r);
	d_nip_birth(r);
	d_no_consent_time(r);
	d_no_reason(r);
}

#define ISSUE(p, f, c) {REQ_PART_##p, REQ_F_##f, c}

static const struct {
	const char *what;
	void (*mutate)(req *r);
	int n;
	req_issue want[5];
} defects[] = {
	{"no identity", d_no_identity, 1, {ISSUE(REQUEST, NIK, VAL_REQ_NO_IDENTITY)}},
	{"no consent time", d_no_consent_time, 1, {ISSUE(REQUEST, NAME, VAL_REQ_NO_CONSENT)}},
	{"no consent version", d_no_consent_version, 1,
	 {ISSUE(REQUEST, NAME, VAL_REQ_NO_CONSENT)}},
	{"name empty", d_no_name, 1, {ISSUE(CURRENT, NAME, VAL_EMPTY)}},
	{"name blank", d_blank_name, 1, {ISSUE(CURRENT, NAME, VAL_EMPTY)}},
	{"nik empty", d_no_nik, 1, {ISSUE(CURRENT, NIK, VAL_EMPTY)}},
	{"email empty", d_no_email, 1, {ISSUE(CURRENT, EMAIL, VAL_EMPTY)}},
	{"phone empty", d_no_phone, 1, {ISSUE(CURRENT, PHONE, VAL_EMPTY)}},
	{"nip empty (optional)", d_no_nip, 0, {{0, 0, 0}}},
	{"name invalid", d_bad_name, 1, {ISSUE(CURRENT, NAME, VAL_NAME_DIGITS)}},
	{"nip invalid", d_bad_nip, 1, {ISSUE(CURRENT, NIP, VAL_NIP_SEX)}},
	{"phone landline", d_bad_phone, 1, {ISSUE(CURRENT, PHONE, VAL_PHONE_NOT_MOBILE)}},
	{"requested empty", d_requested_empty, 1, {ISSUE(REQUESTED, POSITION, VAL_EMPTY)}},
	{"requested blank", d_requested_blank, 1, {ISSUE(REQUESTED, POSITION, VAL_EMPTY)}},
	{"requested same", d_requested_same, 1,
	 {ISSUE(REQUESTED, POSITION, VAL_REQ_SAME_VALUE)}},
	{"requested same normalised", d_requested_same_norm, 1,
	 {ISSUE(REQUESTED, POSITION, VAL_REQ_SAME_VALUE)}},
	{"phone same number", d_phone_same, 1, {ISSUE(REQUESTED, PHONE, VAL_REQ_SAME_VALUE)}},
	{"email same address", d_email_same, 1, {ISSUE(REQUESTED, EMAIL, VAL_REQ_SAME_VALUE)}},
	{"nik same", d_nik_same, 1, {ISSUE(REQUESTED, NIK, VAL_REQ_SAME_VALUE)}},
	{"no change", d_no_change, 1, {ISSUE(REQUEST, NAME, VAL_REQ_NO_CHANGE)}},
	{"changed optional field without current", d_optional_current_empty, 1,
	 {ISSUE(CURRENT, INSTITUTION, VAL_EMPTY)}},
	{"requested e-mail invalid", d_bad_requested_email, 1,
	 {ISSUE(REQUESTED, EMAIL, VAL_EMAIL_MANY_AT)}},
	{"requested nik invalid", d_bad_requested_nik, 1,
	 {ISSUE(REQUESTED, NIK, VAL_NIK_SERIAL)}},
	{"no reason", d_no_reason, 1, {ISSUE(REASON, NAME, VAL_REQ_NO_REASON)}},
	{"reason out of range", d_reason_out_of_range, 1, {ISSUE(REASON, NAME, VAL_REQ_NO_REASON)}},
	{"other without text", d_other_no_text, 1, {ISSUE(REASON, NAME, VAL_REQ_REASON_TEXT)}},
	{"reason text too long", d_reason_too_long, 1, {ISSUE(REASON, NAME, VAL_TOO_LONG)}},
	{"reason text longest", d_reason_longest, 0, {{0, 0, 0}}},
	{"reason text control", d_reason_bad_chars, 1, {ISSUE(REASON, NAME, VAL_BAD_CHARS)}},
	{"doc other unnamed", d_doc_other_unnamed, 1, {ISSUE(DOCS, NAME, VAL_REQ_DOC_OTHER)}},
	{"doc other named, not ticked", d_doc_other_named_unticked, 0, {{0, 0, 0}}},
	{"typed nik", d_typed_nik, 1, {ISSUE(REQUEST, NIK, VAL_W_TYPED_NIK)}},
	{"nik/nip birth", d_nip_birth, 1, {ISSUE(REQUEST, NIK, VAL_W_NIK_NIP_BIRTH)}},
	{"nik/nip sex", d_nip_sex, 1, {ISSUE(REQUEST, NIK, VAL_W_NIK_NIP_SEX)}},
	{"nik/nip birth, requested nip", d_nip_birth_requested, 1,
	 {ISSUE(REQUEST, NIK, VAL_W_NIK_NIP_BIRTH)}},
	{"nik/nip sex, requested nik", d_nik_changed_to_budi, 1,
	 {ISSUE(REQUEST, NIK, VAL_W_NIK_NIP_SEX)}},
	{"title in name", d_title, 1, {ISSUE(CURRENT, NAME, VAL_W_NAME_TITLE)}},
	{"title in requested name", d_title_requested, 1,
	 {ISSUE(REQUESTED, NAME, VAL_W_NAME_TITLE)}},
	{"errors and warnings", d_errors_and_warnings, 5,
	 {ISSUE(REQUEST, NAME, VAL_REQ_NO_CONSENT), ISSUE(REASON, NAME, VAL_REQ_NO_REASON),
	  ISSUE(CURRENT, NAME, VAL_W_NAME_TITLE), ISSUE(REQUEST, NIK, VAL_W_NIK_NIP_BIRTH),
	  ISSUE(REQUEST, NIK, VAL_W_TYPED_NIK)}},
};

static void test_validate_defects(void **state)
{
	(void)state;
	for (int i = 0; i < NROWS(defects); i++) {
		req r;
		req_issue is[MAX_ISSUES];
		valid_req(&r);
		defects[i].mutate(&r);
		int n = req_validate(&r, is, MAX_ISSUES);
		expect_issues(defects[i].what, is, n, defects[i].want, defects[i].n);
		int e = count_errors(defects[i].want, defects[i].n);
		if (req_issue_errors(is, n) != e)
			fail_msg("%s: req_issue_errors %d, want %d", defects[i].what,
				 req_issue_errors(is, n), e);
	}
}

/* A value with an error is left as typed; the valid ones are normalised. */
static void test_validate_keeps_bad_values(void **state)
{
	req r;
	req_issue is[MAX_ISSUES];

	(void)state;
	valid_req(&r);
	d_bad_requested_email(&r);
	SET(r.f[REQ_F_PHONE].current, " (0285) 421243 ");
	int n = req_validate(&r, is, MAX_ISSUES);
	const req_issue want[] = {ISSUE(REQUESTED, EMAIL, VAL_EMAIL_MANY_AT),
				  ISSUE(CURRENT, PHONE, VAL_PHONE_NOT_MOBILE)};
	expect_issues("bad values", is, n, want, 2);
	assert_string_equal(r.f[REQ_F_EMAIL].requested, "siti@@example.go.id");
	assert_string_equal(r.f[REQ_F_PHONE].current, " (0285) 421243 ");
	assert_string_equal(r.f[REQ_F_EMAIL].current, "siti_nur@example.go.id");
	assert_string_equal(r.f[REQ_F_NAME].current, "Siti Nur'aini");

	/* A too long reason text stays as typed, too. */
	valid_req(&r);
	d_reason_too_long(&r);
	char typed[REQ_REASON_TEXT_MAX];
	memcpy(typed, r.reason_text, sizeof typed);
	req_validate(&r, is, MAX_ISSUES);
	assert_memory_equal(r.reason_text, typed, sizeof typed);
}

/*
 * The explanation is optional for every reason but "other": a blank one
 * (the citizen typed a space and nothing else) is no explanation and must
 * not stop the request.
 */
static void test_validate_blank_optional_reason_text(void **state)
{
	req r;
	req_issue is[MAX_ISSUES];

	(void)state;
	valid_req(&r);
	SET(r.reason_text, "   ");
	int n = req_validate(&r, is, MAX_ISSUES);
	/* The text is optional for "transfer": blank is none, not an error
	 * (a single space typed on the keyboard once blocked the step). */
	expect_issues("blank optional reason text", is, n, NULL, 0);
	assert_string_equal(r.reason_text, "");
}

/* Blank texts where one is required get their own message, not "required". */
static void test_validate_blank_required_texts(void **state)
{
	req r;
	req_issue is[MAX_ISSUES];

	(void)state;
	valid_req(&r);
	r.reason = REQ_R_OTHER;
	SET(r.reason_text, "   ");
	int n = req_validate(&r, is, MAX_ISSUES);
	const req_issue want_reason[] = {{REQ_PART_REASON, REQ_F_NAME, VAL_REQ_REASON_TEXT}};
	expect_issues("blank text for reason other", is, n, want_reason, 1);

	valid_req(&r);
	r.docs[REQ_D_OTHER] = true;
	SET(r.doc_other, "  ");
	n = req_validate(&r, is, MAX_ISSUES);
	const req_issue want_doc[] = {{REQ_PART_DOCS, REQ_F_NAME, VAL_REQ_DOC_OTHER}};
	expect_issues("blank name of the other document", is, n, want_doc, 1);
}

/* Normalised values carry nothing after their terminator. */
static void test_validate_no_leftover_bytes(void **state)
{
	req a, b;

	(void)state;
	valid_req(&a);
	valid_req(&b);
	req_validate(&a, NULL, 0);
	req_validate(&b, NULL, 0);
	assert_memory_equal(&a, &b, sizeof a);
	req_validate(&a, NULL, 0);
	assert_memory_equal(&a, &b, sizeof a);
}

/* CAP smaller than the number of issues: the total, and only CAP written. */
static void test_validate_cap(void **state)
{
	req r;
	req_issue full[MAX_ISSUES], is[MAX_ISSUES];
	const req_issue sentinel = {(req_part)77, (req_field)77, (val_code)77};

	(void)state;
	valid_req(&r);
	d_errors_and_warnings(&r); /* 2 errors, 3 warnings */
	int total = req_validate(&r, full, MAX_ISSUES);
	assert_int_equal(total, 5);
	assert_int_equal(req_issue_errors(full, total), 2);

	for (int cap = 0; cap <= 6; cap++) {
		for (int i = 0; i < MAX_ISSUES; i++)
			is[i] = sentinel;
		valid_req(&r);
		d_errors_and_warnings(&r);
		int n = req_validate(&r, is, cap);
		if (n != total)
			fail_msg("cap %d: returned %d, want %d", cap, n, total);
		int written = cap < total ? cap : total;
		for (int i = 0; i < written; i++)
			if (!fx_issue_same(&is[i], &full[i]) || is[i].field != full[i].field)
				fail_msg("cap %d: issue %d differs from the full list", cap, i);
		for (int i = written; i < MAX_ISSUES; i++)
			if (memcmp(&is[i], &sentinel, sizeof sentinel) != 0)
				fail_msg("cap %d: wrote issue %d", cap, i);
		/* With room for the errors only, no warning is written. */
		if (cap == 2)
			assert_int_equal(req_issue_errors(is, 2), 2);
	}
	valid_req(&r);
	d_errors_and_warnings(&r);
	assert_int_equal(req_validate(&r, NULL, 0), total);
}

static void test_issue_errors(void **state)
{
	const req_issue is[] = {
		ISSUE(REQUEST, NAME, VAL_REQ_NO_CONSENT),
		ISSUE(CURRENT, NAME, VAL_NAME_DIGITS),
		ISSUE(CURRENT, NAME, VAL_W_NAME_TITLE),
		ISSUE(REQUEST, NIK, VAL_W_NIK_NIP_BIRTH),
		ISSUE(REQUEST, NIK, VAL_W_NIK_NIP_SEX),
		ISSUE(REQUEST, NIK, VAL_W_TYPED_NIK),
		ISSUE(REQUEST, NIK, VAL_W_NIK_BIRTH),
		ISSUE(REQUEST, NIK, VAL_W_NIK_SEX),
		ISSUE(REQUESTED, EMAIL, VAL_REQ_OTHER_NIK),
	};
	static const int want[] = {0, 1, 2, 2, 2, 2, 2, 2, 2, 3};

	(void)state;
	for (int n = 0; n <= NROWS(is); n++)
		assert_int_equal(req_issue_errors(is, n), want[n]);
	assert_int_equal(req_issue_errors(NULL, 0), 0);
}

/* ---- impact ------------------------------------------------------------- */

static void test_subject(void **state)
{
	(void)state;
	for (int i = 0; i < NROWS(field_rows); i++) {
		req_field f = field_rows[i].f;
		req r;
		assert_int_equal(req_field_in_subject(f), field_rows[i].in_subject);

		/* F changed alone. */
		valid_req(&r);
		r.f[REQ_F_POSITION].change = false;
		r.f[f].change = true;
		assert_int_equal(req_change_count(&r), 1);
		assert_int_equal(req_subject_changes(&r), field_rows[i].in_subject ? 1u << f : 0u);
		if (req_requires_revocation_if_owner(&r) != field_rows[i].in_subject)
			fail_msg("revocation for %s alone: want %d", field_rows[i].name,
				 field_rows[i].in_subject);
	}
	req r;
	req_init(&r);
	assert_int_equal(req_subject_changes(&r), 0u);
	assert_false(req_requires_revocation_if_owner(&r));
	assert_int_equal(req_change_count(&r), 0);

	/* Name, institution and e-mail: the two subject bits. */
	r.f[REQ_F_NAME].change = true;
	r.f[REQ_F_INSTITUTION].change = true;
	r.f[REQ_F_EMAIL].change = true;
	assert_int_equal(req_subject_changes(&r), (1u << REQ_F_NAME) | (1u << REQ_F_INSTITUTION));
	assert_true(req_requires_revocation_if_owner(&r));
	assert_int_equal(req_change_count(&r), 3);

	/* Everything changes. */
	for (int i = 0; i < REQ_F_COUNT; i++)
		r.f[i].change = true;
	assert_int_equal(req_subject_changes(&r),
			 (1u << REQ_F_NAME) | (1u << REQ_F_NIK) | (1u << REQ_F_INSTITUTION));
	assert_int_equal(req_change_count(&r), REQ_F_COUNT);

	/* A requested value typed but not ticked does not count. */
	req_init(&r);
	SET(r.f[REQ_F_NAME].requested, "Siti Nur'aini");
	assert_int_equal(req_subject_changes(&r), 0u);
	assert_false(req_requires_revocation_if_owner(&r));
}

#define D(x) (1u << REQ_D_##x)
#define F(x) (1u << REQ_F_##x)

static const struct {
	req_reason reason;
	unsigned changes; /* F() bits */
	unsigned docs;    /* D() bits */
} docs_rows[] = {
	{REQ_R_NONE, 0, D(KTP)},
	{REQ_R_TRANSFER, 0, D(KTP) | D(DECREE) | D(RECOMMENDATION)},
	{REQ_R_PROMOTION, 0, D(KTP) | D(DECREE)},
	{REQ_R_NAME_CHANGE, 0, D(KTP) | D(COURT_ORDER)},
	{REQ_R_CORRECTION, 0, D(KTP)},
	{REQ_R_NEW_EMAIL, F(EMAIL), D(KTP)},
	{REQ_R_NEW_PHONE, F(PHONE), D(KTP)},
	{REQ_R_OTHER, 0, D(KTP)},
	{REQ_R_CORRECTION, F(NAME), D(KTP) | D(COURT_ORDER)},
	{REQ_R_CORRECTION, F(NIK), D(KTP)},
	{REQ_R_CORRECTION, F(POSITION), D(KTP) | D(DECREE)},
	{REQ_R_CORRECTION, F(INSTITUTION), D(KTP) | D(DECREE) | D(RECOMMENDATION)},
	{REQ_R_CORRECTION, F(WORK_UNIT), D(KTP) | D(DECREE)},
	{REQ_R_CORRECTION, F(EMAIL) | F(PHONE) | F(PROVINCE) | F(CITY), D(KTP)},
	{REQ_R_PROMOTION, F(POSITION), D(KTP) | D(DECREE)},
	{REQ_R_TRANSFER, F(WORK_UNIT), D(KTP) | D(DECREE) | D(RECOMMENDATION)},
	{REQ_R_NAME_CHANGE, F(NAME), D(KTP) | D(COURT_ORDER)},
	{REQ_R_OTHER, F(NAME) | F(INSTITUTION),
	 D(KTP) | D(DECREE) | D(RECOMMENDATION) | D(COURT_ORDER)},
};

static void test_docs_suggested(void **state)
{
	(void)state;
	for (int i = 0; i < NROWS(docs_rows); i++) {
		req r;
		req_init(&r);
		r.reason = docs_rows[i].reason;
		for (int f = 0; f < REQ_F_COUNT; f++)
			r.f[f].change = (docs_rows[i].changes >> f) & 1u;
		unsigned got = req_docs_suggested(&r);
		if (got != docs_rows[i].docs)
			fail_msg("row %d (%s, changes 0x%x): docs 0x%x, want 0x%x", i,
				 req_reason_name(docs_rows[i].reason), docs_rows[i].changes, got,
				 docs_rows[i].docs);
	}
}

/* ---- resubmission and wipe ---------------------------------------------- */

/* The valid request, normalised, submitted with a ticket, and rejected. */
static void rejected_req(req *r)
{
	static const uint8_t rnd[TICKET_RANDOM_BYTES] = {1, 2, 3, 4, 5, 6, 7, 8,
							  9, 10, 11, 12, 13, 14, 15, 16};
	valid_req(r);
	SET(r->reason_text, "Mutasi ke Dinas Kominfo");
	r->docs[REQ_D_OTHER] = true;
	SET(r->doc_other, "Surat tugas");
	assert_int_equal(req_validate(r, NULL, 0), 0);
	ticket_make(rnd, r->ticket);
	r->submitted_at = CONSENT_AT + 600;
	r->state = RSTATE_REJECTED;
}

static void test_resubmit(void **state)
{
	req old, out;

	(void)state;
	rejected_req(&old);
	assert_int_equal(strlen(old.ticket), 9);
	memset(&out, 0xA5, sizeof out);
	assert_true(req_resubmit(&old, &out));

	assert_memory_equal(out.f, old.f, sizeof out.f);
	assert_string_equal(out.f[REQ_F_NAME].current, "Siti Nur'aini");
	assert_true(out.f[REQ_F_POSITION].change);
	assert_int_equal(out.reason, REQ_R_TRANSFER);
	assert_string_equal(out.reason_text, "Mutasi ke Dinas Kominfo");
	assert_memory_equal(out.docs, old.docs, sizeof out.docs);
	assert_string_equal(out.doc_other, "Surat tugas");
	assert_string_equal(out.resubmit_of, old.ticket);
	assert_string_equal(out.ticket, "");
	assert_int_equal(out.consent_at, 0);
	assert_string_equal(out.consent_version, "");
	assert_int_equal(out.submitted_at, 0);
	assert_int_equal(out.id_source, REQ_ID_NONE);
	assert_string_equal(out.card_uid, "");
	assert_int_equal(out.state, RSTATE_DRAFT);

	/* The resubmission is complete but for consent and identity. */
	req_issue is[MAX_ISSUES];
	int n = req_validate(&out, is, MAX_ISSUES);
	const req_issue want[] = {ISSUE(REQUEST, NIK, VAL_REQ_NO_IDENTITY),
				  ISSUE(REQUEST, NAME, VAL_REQ_NO_CONSENT)};
	expect_issues("resubmission", is, n, want, 2);
}

static void test_resubmit_other_states(void **state)
{
	req fresh;

	(void)state;
	req_init(&fresh);
	for (int s = 0; s < RSTATE_COUNT; s++) {
		if (s == RSTATE_REJECTED)
			continue;
		req old, out;
		rejected_req(&old);
		old.state = (rstate)s;
		memset(&out, 0xA5, sizeof out);
		if (req_resubmit(&old, &out))
			fail_msg("resubmit from %s accepted", rstate_name((rstate)s));
		if (memcmp(&out, &fresh, sizeof out) != 0)
			fail_msg("resubmit from %s: OUT is not a fresh draft", rstate_name((rstate)s));
	}
}

static void test_wipe(void **state)
{
	req r;
	unsigned char zero[sizeof(req)];

	(void)state;
	memset(zero, 0, sizeof zero);
	rejected_req(&r);
	req_wipe(&r);
	assert_memory_equal(&r, zero, sizeof r);

	memset(&r, 0xFF, sizeof r);
	req_wipe(&r);
	assert_memory_equal(&r, zero, sizeof r);
}

/* req_init: empty values, no reason, no identity, state draft. */
static void test_init(void **state)
{
	req r;

	(void)state;
	memset(&r, 0xA5, sizeof r);
	req_init(&r);
	for (int i = 0; i < REQ_F_COUNT; i++) {
		assert_string_equal(r.f[i].current, "");
		assert_string_equal(r.f[i].requested, "");
		assert_false(r.f[i].change);
	}
	for (int i = 0; i < REQ_D_COUNT; i++)
		assert_false(r.docs[i]);
	assert_int_equal(r.reason, REQ_R_NONE);
	assert_int_equal(r.id_source, REQ_ID_NONE);
	assert_int_equal(r.state, RSTATE_DRAFT);
	assert_string_equal(r.ticket, "");
	assert_string_equal(r.resubmit_of, "");
	assert_string_equal(r.kiosk_id, "");
	assert_string_equal(r.reason_text, "");
	assert_string_equal(r.doc_other, "");
	assert_int_equal(r.consent_at, 0);
	assert_int_equal(r.submitted_at, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_keys_in_catalogs),
		cmocka_unit_test(test_unknown_names),
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_check_value),
		cmocka_unit_test(test_check_value_empty_and_lengths),
		cmocka_unit_test(test_validate_valid),
		cmocka_unit_test(test_validate_defects),
		cmocka_unit_test(test_validate_keeps_bad_values),
		cmocka_unit_test(test_validate_blank_optional_reason_text),
		cmocka_unit_test(test_validate_blank_required_texts),
		cmocka_unit_test(test_validate_no_leftover_bytes),
		cmocka_unit_test(test_validate_cap),
		cmocka_unit_test(test_issue_errors),
		cmocka_unit_test(test_subject),
		cmocka_unit_test(test_docs_suggested),
		cmocka_unit_test(test_resubmit),
		cmocka_unit_test(test_resubmit_other_states),
		cmocka_unit_test(test_wipe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

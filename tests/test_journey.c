/*
 * test_journey: the rules of the citizen's journey through the request's
 * steps (app/journey.c), without SDL.
 *
 * A fresh journey is an empty draft with the kiosk's id. One draft with a
 * problem in every part is asked for each step's issues: every step must
 * report exactly its own (current values; "nothing chosen"; the chosen
 * fields' new values, and the current value of a chosen field left empty;
 * the reason; the "other" document) and none of the others, and asking
 * must leave the journey byte for byte as it was. Leaving a step forward
 * is refused with its errors shown, and otherwise normalises that step's
 * values only. Identifying by a typed NIK or by a card (whose capitals
 * become "Siti Nur'aini") sets the identity and its source; a malformed
 * NIK sets nothing. A rejected request found by the status check is
 * resubmitted prefilled, and only by the same NIK. Unticking a field and
 * ticking it again keeps the typed value. The people are made up: Siti
 * Nur'aini and Budi Santoso.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "journey.h"
#include "ktp.h"
#include "fixture_issues.h"
#include "req.h"
#include "rstate.h"
#include "ticket.h"
#include "val.h"

/* Made-up fixture people. */
#define SITI_NIK "3375014101900001" /* woman, born 01-01-(19)90 */
#define SITI_NIP "199001012015012001"
#define BUDI_NIK "3375010101900002" /* man, born 01-01-(19)90 */

#define KIOSK "KIOSK-PKL-01"
#define NOW 1767225600 /* 2026-01-01 00:00 UTC */

#define NROWS(t) ((int)(sizeof(t) / sizeof((t)[0])))

/* ---- helpers ------------------------------------------------------------ */

static const char *const step_names[J_STEP_COUNT] = {
	"consent", "identify", "current", "choose", "newvals", "reason", "docs", "impact", "review",
};

/* GOT[0..N) holds exactly WANT[0..NWANT), in any order. */
#define expect_issues(what, got, n, want, nwant) \
	fx_expect_issues((what), (got), (n), (want), (nwant), false)

static void set(char *dst, size_t cap, const char *s)
{
	assert_true(strlen(s) < cap);
	memset(dst, 0, cap);
	memcpy(dst, s, strlen(s));
}

#define SET(dst, s) set((dst), sizeof(dst), (s))

/* A journey is large (the status check holds a whole history): on the heap. */
static journey *new_journey(void)
{
	journey *j = malloc(sizeof *j);
	assert_non_null(j);
	memset(j, 0xA5, sizeof *j);
	journey_init(j, KIOSK);
	return j;
}

static journey *clone_journey(const journey *j)
{
	journey *c = malloc(sizeof *c);
	assert_non_null(c);
	memcpy(c, j, sizeof *c);
	return c;
}

static void free_journey(journey *j)
{
	explicit_bzero(j, sizeof *j);
	free(j);
}

/* Siti's current data as she types it, identified by her typed NIK. */
static void type_current(journey *j)
{
	assert_int_equal(journey_identify(j, SITI_NIK, false), VAL_OK);
	SET(j->r.f[REQ_F_NAME].current, "  Siti   Nur'aini ");
	SET(j->r.f[REQ_F_NIP].current, SITI_NIP);
	SET(j->r.f[REQ_F_EMAIL].current, "Siti_Nur@Example.GO.ID");
	SET(j->r.f[REQ_F_PHONE].current, "0812 3456 7890");
	SET(j->r.f[REQ_F_POSITION].current, "Analis  Kebijakan");
}

#define ISSUE(p, f, c) {REQ_PART_##p, REQ_F_##f, c}

/* ---- journey_init ------------------------------------------------------- */

static void test_init(void **state)
{
	journey *j = new_journey();
	journey *want = malloc(sizeof *want);

	(void)state;
	assert_non_null(want);
	memset(want, 0, sizeof *want);
	req_init(&want->r);
	SET(want->r.kiosk_id, KIOSK);
	assert_memory_equal(j, want, sizeof *j);

	assert_int_equal(j->r.state, RSTATE_DRAFT);
	assert_int_equal(j->r.reason, REQ_R_NONE);
	assert_int_equal(j->r.id_source, REQ_ID_NONE);
	assert_string_equal(j->r.kiosk_id, KIOSK);
	for (int i = 0; i < REQ_F_COUNT; i++) {
		assert_string_equal(j->r.f[i].current, "");
		assert_false(j->r.f[i].change);
	}
	for (int s = 0; s < J_STEP_COUNT; s++)
		assert_false(j->attempted[s]);
	assert_false(j->status_loaded);
	assert_false(j->resubmit);

	/* A kiosk id longer than the field is cut, still terminated. */
	journey_init(j, "KIOSK-0123456789-0123456789-0123456789");
	assert_int_equal(strlen(j->r.kiosk_id), REQ_KIOSK_ID_MAX - 1);
	assert_memory_equal(j->r.kiosk_id, "KIOSK-0123456789-0123456789-0123456789",
			    REQ_KIOSK_ID_MAX - 1);
	free_journey(want);
	free_journey(j);
}

static void test_consent(void **state)
{
	journey *j = new_journey();

	(void)state;
	journey_consent(j, NOW);
	assert_int_equal(j->r.consent_at, NOW);
	assert_string_equal(j->r.consent_version, JOURNEY_CONSENT_VERSION);
	free_journey(j);
}

/* ---- journey_step_issues ------------------------------------------------ */

/*
 * A draft with a problem in every part: a title in the name (a warning),
 * no e-mail, a landline as the phone; the position ticked with no new
 * value, the province ticked with the same value spaced differently, the
 * city ticked with a valid one; a work unit typed but not ticked, and
 * invalid; reason "other" without text; the "other" document unnamed; no
 * consent; identity typed.
 */
static void defective(journey *j)
{
	assert_int_equal(journey_identify(j, SITI_NIK, false), VAL_OK);
	SET(j->r.f[REQ_F_NAME].current, "Dr. Siti Nur'aini");
	SET(j->r.f[REQ_F_PHONE].current, "0812-abc");
	SET(j->r.f[REQ_F_POSITION].current, "Analis Kebijakan");
	journey_set_change(j, REQ_F_POSITION, true);
	SET(j->r.f[REQ_F_PROVINCE].current, "Jawa Tengah");
	SET(j->r.f[REQ_F_PROVINCE].requested, "  Jawa   Tengah ");
	journey_set_change(j, REQ_F_PROVINCE, true);
	SET(j->r.f[REQ_F_CITY].current, "Kota Pekalongan");
	SET(j->r.f[REQ_F_CITY].requested, "Kota Semarang");
	journey_set_change(j, REQ_F_CITY, true);
	SET(j->r.f[REQ_F_WORK_UNIT].requested, "X");
	j->r.reason = REQ_R_OTHER;
	j->r.docs[REQ_D_OTHER] = true;
}

static const struct {
	journey_step s;
	int n;
	req_issue want[3];
} defective_steps[] = {
	{J_CONSENT, 0, {{0, 0, 0}}},
	{J_IDENTIFY, 0, {{0, 0, 0}}},
	{J_CURRENT, 3,
	 {ISSUE(CURRENT, NAME, VAL_W_NAME_TITLE), ISSUE(CURRENT, EMAIL, VAL_EMPTY),
	  ISSUE(CURRENT, PHONE, VAL_PHONE_CHARS)}},
	{J_CHOOSE, 0, {{0, 0, 0}}},
	{J_NEWVALS, 2,
	 {ISSUE(REQUESTED, POSITION, VAL_EMPTY), ISSUE(REQUESTED, PROVINCE, VAL_REQ_SAME_VALUE)}},
	{J_REASON, 1, {ISSUE(REASON, NAME, VAL_REQ_REASON_TEXT)}},
	{J_DOCS, 1, {ISSUE(DOCS, NAME, VAL_REQ_DOC_OTHER)}},
	{J_IMPACT, 0, {{0, 0, 0}}},
	{J_REVIEW, 0, {{0, 0, 0}}},
};

static void test_step_issues(void **state)
{
	journey *j = new_journey();

	(void)state;
	defective(j);
	journey *before = clone_journey(j);
	assert_int_equal(NROWS(defective_steps), J_STEP_COUNT);
	for (int i = 0; i < NROWS(defective_steps); i++) {
		req_issue is[JOURNEY_ISSUES_MAX];
		journey_step s = defective_steps[i].s;
		int n = journey_step_issues(j, s, is, JOURNEY_ISSUES_MAX);
		expect_issues(step_names[s], is, n, defective_steps[i].want, defective_steps[i].n);
		if (memcmp(j, before, sizeof *j) != 0)
			fail_msg("journey_step_issues(%s) changed the journey", step_names[s]);
	}
	free_journey(before);
	free_journey(j);
}

/* "Nothing chosen" is the choose step's only issue, and only its. */
static void test_step_issues_choose(void **state)
{
	journey *j = new_journey();
	req_issue is[JOURNEY_ISSUES_MAX];

	(void)state;
	type_current(j);
	/* Typed, then unticked: neither chosen nor checked. */
	SET(j->r.f[REQ_F_EMAIL].requested, "siti@@example");
	journey *before = clone_journey(j);
	const req_issue want[] = {ISSUE(REQUEST, NAME, VAL_REQ_NO_CHANGE)};
	expect_issues("choose", is, journey_step_issues(j, J_CHOOSE, is, JOURNEY_ISSUES_MAX), want,
		      1);
	for (int s = 0; s < J_STEP_COUNT; s++) {
		if (s == J_CHOOSE || s == J_REASON)
			continue;
		int n = journey_step_issues(j, (journey_step)s, is, JOURNEY_ISSUES_MAX);
		expect_issues(step_names[s], is, n, NULL, 0);
	}
	/* No reason yet: the reason step says so. */
	const req_issue no_reason[] = {ISSUE(REASON, NAME, VAL_REQ_NO_REASON)};
	expect_issues("reason", is, journey_step_issues(j, J_REASON, is, JOURNEY_ISSUES_MAX),
		      no_reason, 1);
	assert_memory_equal(j, before, sizeof *j);

	/* One field chosen: the choose step is done. */
	journey_set_change(j, REQ_F_POSITION, true);
	assert_int_equal(journey_step_issues(j, J_CHOOSE, is, JOURNEY_ISSUES_MAX), 0);
	free_journey(before);
	free_journey(j);
}

/*
 * The new-values step asks for the current value of a chosen field that
 * has none (an optional field left empty), besides the new value; a chosen
 * field whose current value is there gives only its new value's issues.
 */
static void test_step_issues_newvals_empty_current(void **state)
{
	journey *j = new_journey();
	req_issue is[JOURNEY_ISSUES_MAX];

	(void)state;
	type_current(j);
	SET(j->r.f[REQ_F_INSTITUTION].requested, "Dinas Komunikasi dan Informatika");
	journey_set_change(j, REQ_F_INSTITUTION, true);
	SET(j->r.f[REQ_F_NIP].current, "");
	SET(j->r.f[REQ_F_NIP].requested, "19900101");
	journey_set_change(j, REQ_F_NIP, true);
	SET(j->r.f[REQ_F_POSITION].requested, "Analis Kebijakan Ahli Muda");
	journey_set_change(j, REQ_F_POSITION, true);
	/* Not chosen: its empty current value is no issue of this step. */
	SET(j->r.f[REQ_F_WORK_UNIT].current, "");

	journey *before = clone_journey(j);
	const req_issue want[] = {
		ISSUE(CURRENT, INSTITUTION, VAL_EMPTY),
		ISSUE(CURRENT, NIP, VAL_EMPTY),
		ISSUE(REQUESTED, NIP, VAL_NIP_LENGTH),
	};
	int n = journey_step_issues(j, J_NEWVALS, is, JOURNEY_ISSUES_MAX);
	expect_issues("newvals", is, n, want, NROWS(want));
	assert_memory_equal(j, before, sizeof *j);

	/* Both given: nothing left on this step. */
	SET(j->r.f[REQ_F_INSTITUTION].current, "Dinas Pendidikan");
	SET(j->r.f[REQ_F_NIP].current, SITI_NIP);
	SET(j->r.f[REQ_F_NIP].requested, "199001012016012001");
	n = journey_step_issues(j, J_NEWVALS, is, JOURNEY_ISSUES_MAX);
	expect_issues("newvals complete", is, n, NULL, 0);
	free_journey(before);
	free_journey(j);
}

/* CAP bounds what is written and returned. */
static void test_step_issues_cap(void **state)
{
	journey *j = new_journey();
	req_issue is[4];
	const req_issue sentinel = {(req_part)77, (req_field)77, (val_code)77};

	(void)state;
	defective(j);
	for (int i = 0; i < 4; i++)
		is[i] = sentinel;
	int n = journey_step_issues(j, J_CURRENT, is, 1);
	assert_int_equal(n, 1);
	assert_int_equal(is[0].part, REQ_PART_CURRENT);
	for (int i = 1; i < 4; i++)
		assert_memory_equal(&is[i], &sentinel, sizeof sentinel);
	assert_int_equal(journey_step_issues(j, J_CURRENT, NULL, 0), 0);
	free_journey(j);
}

static void test_issue_for(void **state)
{
	const req_issue is[] = {
		ISSUE(CURRENT, NAME, VAL_W_NAME_TITLE),
		ISSUE(CURRENT, NAME, VAL_NAME_DIGITS),
		ISSUE(REQUESTED, NAME, VAL_NAME_CHARS),
		ISSUE(CURRENT, NAME, VAL_NAME_PUNCT),
		ISSUE(CURRENT, EMAIL, VAL_EMPTY),
	};
	val_code w = (val_code)77;

	(void)state;
	assert_int_equal(journey_issue_for(is, NROWS(is), REQ_PART_CURRENT, REQ_F_NAME, &w),
			 VAL_NAME_DIGITS);
	assert_int_equal(w, VAL_W_NAME_TITLE);
	assert_int_equal(journey_issue_for(is, NROWS(is), REQ_PART_REQUESTED, REQ_F_NAME, &w),
			 VAL_NAME_CHARS);
	assert_int_equal(w, VAL_OK);
	assert_int_equal(journey_issue_for(is, NROWS(is), REQ_PART_CURRENT, REQ_F_EMAIL, NULL),
			 VAL_EMPTY);
	assert_int_equal(journey_issue_for(is, NROWS(is), REQ_PART_CURRENT, REQ_F_PHONE, &w),
			 VAL_OK);
	assert_int_equal(w, VAL_OK);
}

/* ---- journey_next ------------------------------------------------------- */

static void test_next_refused(void **state)
{
	journey *j = new_journey();

	(void)state;
	defective(j);
	static const journey_step refused[] = {J_CURRENT, J_NEWVALS, J_REASON, J_DOCS};
	for (int i = 0; i < NROWS(refused); i++) {
		journey_step s = refused[i];
		journey *before = clone_journey(j);
		j->reveal_error = false;
		before->reveal_error = false;
		if (journey_next(j, s))
			fail_msg("journey_next(%s) went on despite errors", step_names[s]);
		assert_true(j->attempted[s]);
		assert_true(j->reveal_error);
		/* Nothing else changed: no other step attempted, the draft as it was. */
		before->attempted[s] = true;
		before->reveal_error = true;
		assert_memory_equal(j, before, sizeof *j);
		free_journey(before);
	}
	/* Warnings alone do not stop a step. */
	SET(j->r.f[REQ_F_EMAIL].current, "siti_nur@example.go.id");
	SET(j->r.f[REQ_F_PHONE].current, "081234567890");
	assert_true(journey_next(j, J_CURRENT));
	/* Steps with nothing to check always go on. */
	assert_true(journey_next(j, J_CONSENT));
	assert_true(journey_next(j, J_IDENTIFY));
	assert_true(journey_next(j, J_CHOOSE));
	assert_true(journey_next(j, J_IMPACT));
	assert_true(journey_next(j, J_REVIEW));
	assert_false(j->attempted[J_CHOOSE]);
	free_journey(j);
}

static void test_next_normalises_current(void **state)
{
	journey *j = new_journey();

	(void)state;
	type_current(j);
	/* Typed ahead on a later step: not this step's values. */
	SET(j->r.f[REQ_F_POSITION].requested, "  Analis   Kebijakan Ahli Muda ");
	journey_set_change(j, REQ_F_POSITION, true);
	SET(j->r.reason_text, "  Mutasi  ");

	assert_true(journey_next(j, J_CURRENT));
	assert_false(j->attempted[J_CURRENT]);
	assert_string_equal(j->r.f[REQ_F_PHONE].current, "6281234567890");
	assert_string_equal(j->r.f[REQ_F_EMAIL].current, "siti_nur@example.go.id");
	assert_string_equal(j->r.f[REQ_F_NAME].current, "Siti Nur'aini");
	assert_string_equal(j->r.f[REQ_F_POSITION].current, "Analis Kebijakan");
	assert_string_equal(j->r.f[REQ_F_NIK].current, SITI_NIK);
	assert_string_equal(j->r.f[REQ_F_NIP].current, SITI_NIP);
	assert_string_equal(j->r.f[REQ_F_POSITION].requested, "  Analis   Kebijakan Ahli Muda ");
	assert_string_equal(j->r.reason_text, "  Mutasi  ");
	free_journey(j);
}

static void test_next_normalises_newvals(void **state)
{
	journey *j = new_journey();

	(void)state;
	type_current(j);
	/* Ticked: normalised. */
	SET(j->r.f[REQ_F_POSITION].requested, "  Analis   Kebijakan Ahli Muda ");
	journey_set_change(j, REQ_F_POSITION, true);
	SET(j->r.f[REQ_F_PHONE].requested, "+62 812-3456-7891");
	journey_set_change(j, REQ_F_PHONE, true);
	/* Not ticked: untouched, current and requested alike. */
	SET(j->r.f[REQ_F_WORK_UNIT].requested, "  Bidang   Persandian ");
	SET(j->r.f[REQ_F_EMAIL].requested, " SITI@Example.GO.ID ");

	assert_true(journey_next(j, J_NEWVALS));
	assert_string_equal(j->r.f[REQ_F_POSITION].requested, "Analis Kebijakan Ahli Muda");
	assert_string_equal(j->r.f[REQ_F_POSITION].current, "Analis Kebijakan");
	assert_string_equal(j->r.f[REQ_F_PHONE].requested, "6281234567891");
	assert_string_equal(j->r.f[REQ_F_PHONE].current, "6281234567890");
	assert_string_equal(j->r.f[REQ_F_WORK_UNIT].requested, "  Bidang   Persandian ");
	assert_string_equal(j->r.f[REQ_F_EMAIL].requested, " SITI@Example.GO.ID ");
	assert_string_equal(j->r.f[REQ_F_EMAIL].current, "Siti_Nur@Example.GO.ID");
	assert_string_equal(j->r.f[REQ_F_NAME].current, "  Siti   Nur'aini ");
	free_journey(j);
}

/* ---- identify ----------------------------------------------------------- */

static const struct {
	const char *in;
	val_code code;
	const char *nik; /* stored on VAL_OK */
} identify_rows[] = {
	{SITI_NIK, VAL_OK, SITI_NIK},
	{"  " BUDI_NIK " ", VAL_OK, BUDI_NIK},
	{"", VAL_EMPTY, NULL},
	{"   ", VAL_EMPTY, NULL},
	{"337501410190000", VAL_NIK_LENGTH, NULL},
	{"33750141019000011", VAL_NIK_LENGTH, NULL},
	{"33750141019000a1", VAL_NIK_DIGITS, NULL},
	{"9975014101900001", VAL_NIK_PROVINCE, NULL},
	{"3375013301900001", VAL_NIK_DAY, NULL},
	{"3375014113900001", VAL_NIK_MONTH, NULL},
	{"3375013102900001", VAL_NIK_DATE, NULL},
	{"3375014101900000", VAL_NIK_SERIAL, NULL},
};

static void test_identify_typed(void **state)
{
	(void)state;
	for (int i = 0; i < NROWS(identify_rows); i++) {
		journey *j = new_journey();
		journey *before = clone_journey(j);
		val_code c = journey_identify(j, identify_rows[i].in, false);
		if (c != identify_rows[i].code)
			fail_msg("identify(\"%s\"): got %s, want %s", identify_rows[i].in,
				 val_code_name(c), val_code_name(identify_rows[i].code));
		if (c == VAL_OK) {
			assert_string_equal(j->r.f[REQ_F_NIK].current, identify_rows[i].nik);
			assert_int_equal(j->r.id_source, REQ_ID_TYPED);
			assert_false(j->card_nik);
		} else if (memcmp(j, before, sizeof *j) != 0) {
			fail_msg("identify(\"%s\") refused but changed the journey",
				 identify_rows[i].in);
		}
		free_journey(before);
		free_journey(j);
	}
}

static void card(ktp_identity *id, const char *nik, const char *name)
{
	memset(id, 0, sizeof *id);
	SET(id->nik, nik);
	SET(id->name, name);
	SET(id->birth_place, "PEKALONGAN");
	id->birth_y = 1990;
	id->birth_m = 1;
	id->birth_d = 1;
	SET(id->province, "JAWA TENGAH");
	SET(id->city, "KOTA PEKALONGAN");
}

static void test_identify_card(void **state)
{
	journey *j = new_journey();
	ktp_identity id;

	(void)state;
	card(&id, SITI_NIK, "SITI NUR'AINI");
	id.sex = KTP_SEX_FEMALE;
	SET(j->nik_typed, "3375");
	assert_int_equal(journey_from_card(j, &id, "04A1B2C3D4E5F6"), VAL_OK);
	assert_string_equal(j->r.f[REQ_F_NAME].current, "Siti Nur'aini");
	assert_string_equal(j->r.f[REQ_F_PROVINCE].current, "Jawa Tengah");
	assert_string_equal(j->r.f[REQ_F_CITY].current, "Kota Pekalongan");
	assert_string_equal(j->r.f[REQ_F_NIK].current, SITI_NIK);
	assert_string_equal(j->r.card_uid, "04A1B2C3D4E5F6");
	assert_int_equal(j->r.id_source, REQ_ID_CARD);
	assert_true(j->card_nik);
	assert_string_equal(j->nik_typed, "");
	/* What the card gave passes the field's own check unchanged. */
	char out[REQ_VALUE_MAX];
	assert_int_equal(req_check_value(REQ_F_NAME, j->r.f[REQ_F_NAME].current, out, sizeof out,
					 NULL),
			 VAL_OK);
	assert_string_equal(out, "Siti Nur'aini");

	/* Another card, another person. */
	journey_init(j, KIOSK);
	card(&id, BUDI_NIK, "BUDI SANTOSO");
	id.sex = KTP_SEX_MALE;
	assert_int_equal(journey_from_card(j, &id, "04B2C3D4E5F607"), VAL_OK);
	assert_string_equal(j->r.f[REQ_F_NAME].current, "Budi Santoso");
	assert_string_equal(j->r.f[REQ_F_NIK].current, BUDI_NIK);
	assert_string_equal(j->r.card_uid, "04B2C3D4E5F607");

	/* The card's NIK after a typed one: the card is the source now. */
	journey_init(j, KIOSK);
	assert_int_equal(journey_identify(j, SITI_NIK, false), VAL_OK);
	assert_false(j->card_nik);
	card(&id, SITI_NIK, "SITI NUR'AINI");
	assert_int_equal(journey_from_card(j, &id, "04A1B2C3D4E5F6"), VAL_OK);
	assert_int_equal(j->r.id_source, REQ_ID_CARD);
	assert_true(j->card_nik);

	/* A card whose NIK breaks the rules sets nothing. */
	journey_init(j, KIOSK);
	card(&id, "3375014101900000", "SITI NUR'AINI");
	journey *before = clone_journey(j);
	assert_int_equal(journey_from_card(j, &id, "04A1B2C3D4E5F6"), VAL_NIK_SERIAL);
	assert_memory_equal(j, before, sizeof *j);
	explicit_bzero(&id, sizeof id);
	free_journey(before);
	free_journey(j);
}

/* ---- resubmission ------------------------------------------------------- */

/* Siti's request as the status check loads it: complete, submitted, REJECTED. */
static void load_status(journey *j, rstate st)
{
	static const uint8_t rnd[TICKET_RANDOM_BYTES] = {16, 15, 14, 13, 12, 11, 10, 9,
							  8, 7, 6, 5, 4, 3, 2, 1};
	req *r = &j->status.r;
	req_init(r);
	SET(r->kiosk_id, "KIOSK-PKL-02");
	r->id_source = REQ_ID_CARD;
	SET(r->card_uid, "04A1B2C3D4E5F6");
	SET(r->f[REQ_F_NAME].current, "Siti Nur'aini");
	SET(r->f[REQ_F_NIK].current, SITI_NIK);
	SET(r->f[REQ_F_NIP].current, SITI_NIP);
	SET(r->f[REQ_F_EMAIL].current, "siti_nur@example.go.id");
	SET(r->f[REQ_F_PHONE].current, "6281234567890");
	SET(r->f[REQ_F_POSITION].current, "Analis Kebijakan");
	SET(r->f[REQ_F_POSITION].requested, "Analis Kebijakan Ahli Muda");
	r->f[REQ_F_POSITION].change = true;
	r->reason = REQ_R_PROMOTION;
	SET(r->reason_text, "Kenaikan jabatan");
	r->docs[REQ_D_DECREE] = true;
	r->docs[REQ_D_KTP] = true;
	SET(r->consent_version, JOURNEY_CONSENT_VERSION);
	r->consent_at = NOW;
	r->submitted_at = NOW + 60;
	ticket_make(rnd, r->ticket);
	r->state = st;
	j->status_loaded = true;
}

static void test_resubmit(void **state)
{
	journey *j = new_journey();
	ktp_identity id;

	(void)state;
	load_status(j, RSTATE_REJECTED);
	req old;
	memcpy(&old, &j->status.r, sizeof old);
	assert_true(journey_start_resubmit(j, KIOSK));

	assert_true(j->resubmit);
	assert_string_equal(j->resubmit_nik, SITI_NIK);
	assert_memory_equal(j->r.f, old.f, sizeof old.f);
	assert_int_equal(j->r.reason, REQ_R_PROMOTION);
	assert_string_equal(j->r.reason_text, "Kenaikan jabatan");
	assert_memory_equal(j->r.docs, old.docs, sizeof old.docs);
	assert_string_equal(j->r.resubmit_of, old.ticket);
	assert_string_equal(j->r.ticket, "");
	assert_string_equal(j->r.kiosk_id, KIOSK);
	assert_int_equal(j->r.consent_at, 0);
	assert_int_equal(j->r.submitted_at, 0);
	assert_int_equal(j->r.id_source, REQ_ID_NONE);
	assert_string_equal(j->r.card_uid, "");
	assert_int_equal(j->r.state, RSTATE_DRAFT);

	/* Another person's NIK, typed or from a card, is refused and sets nothing. */
	journey *before = clone_journey(j);
	assert_int_equal(journey_identify(j, BUDI_NIK, false), VAL_REQ_OTHER_NIK);
	assert_memory_equal(j, before, sizeof *j);
	card(&id, BUDI_NIK, "BUDI SANTOSO");
	assert_int_equal(journey_from_card(j, &id, "04B2C3D4E5F607"), VAL_REQ_OTHER_NIK);
	assert_memory_equal(j, before, sizeof *j);
	/* A malformed NIK is refused for what it is. */
	assert_int_equal(journey_identify(j, "3375", false), VAL_NIK_LENGTH);
	assert_memory_equal(j, before, sizeof *j);

	/* The same NIK, spaced: accepted. */
	assert_int_equal(journey_identify(j, " " SITI_NIK " ", false), VAL_OK);
	assert_int_equal(j->r.id_source, REQ_ID_TYPED);
	assert_string_equal(j->r.f[REQ_F_NIK].current, SITI_NIK);
	assert_string_equal(j->r.resubmit_of, old.ticket);
	card(&id, SITI_NIK, "SITI NUR'AINI");
	assert_int_equal(journey_from_card(j, &id, "04A1B2C3D4E5F6"), VAL_OK);
	assert_int_equal(j->r.id_source, REQ_ID_CARD);

	explicit_bzero(&id, sizeof id);
	explicit_bzero(&old, sizeof old);
	free_journey(before);
	free_journey(j);
}

static void test_resubmit_refused(void **state)
{
	(void)state;
	for (int s = 0; s < RSTATE_COUNT; s++) {
		if (s == RSTATE_REJECTED)
			continue;
		journey *j = new_journey();
		load_status(j, (rstate)s);
		journey *before = clone_journey(j);
		if (journey_start_resubmit(j, KIOSK))
			fail_msg("resubmit of a %s request accepted", rstate_name((rstate)s));
		if (memcmp(j, before, sizeof *j) != 0)
			fail_msg("refused resubmit of a %s request changed the journey",
				 rstate_name((rstate)s));
		assert_false(j->resubmit);
		free_journey(before);
		free_journey(j);
	}
	/* Nothing loaded: nothing to resubmit. */
	journey *j = new_journey();
	load_status(j, RSTATE_REJECTED);
	j->status_loaded = false;
	assert_false(journey_start_resubmit(j, KIOSK));
	assert_false(j->resubmit);
	free_journey(j);
}

/* ---- back and forth ----------------------------------------------------- */

static void test_back_and_forth(void **state)
{
	journey *j = new_journey();
	req_issue is[JOURNEY_ISSUES_MAX];

	(void)state;
	type_current(j);
	assert_true(journey_next(j, J_CURRENT));
	journey_set_change(j, REQ_F_POSITION, true);
	assert_true(journey_next(j, J_CHOOSE));
	SET(j->r.f[REQ_F_POSITION].requested, "Analis Kebijakan Ahli Muda");
	assert_true(journey_next(j, J_NEWVALS));

	/* Back to the choice, untick, go on, come back, tick again. */
	journey_set_change(j, REQ_F_POSITION, false);
	assert_false(j->r.f[REQ_F_POSITION].change);
	assert_string_equal(j->r.f[REQ_F_POSITION].requested, "Analis Kebijakan Ahli Muda");
	assert_false(journey_next(j, J_CHOOSE)); /* nothing chosen now */
	assert_true(journey_next(j, J_NEWVALS));
	assert_string_equal(j->r.f[REQ_F_POSITION].requested, "Analis Kebijakan Ahli Muda");
	journey_set_change(j, REQ_F_POSITION, true);
	assert_true(j->r.f[REQ_F_POSITION].change);
	assert_string_equal(j->r.f[REQ_F_POSITION].requested, "Analis Kebijakan Ahli Muda");
	assert_int_equal(journey_step_issues(j, J_NEWVALS, is, JOURNEY_ISSUES_MAX), 0);
	assert_true(journey_next(j, J_CHOOSE));

	/* Back to the current data: still as normalised. */
	assert_string_equal(j->r.f[REQ_F_PHONE].current, "6281234567890");
	assert_string_equal(j->r.f[REQ_F_POSITION].current, "Analis Kebijakan");

	/* A field out of range changes nothing. */
	journey *before = clone_journey(j);
	journey_set_change(j, REQ_F_COUNT, true);
	journey_set_change(j, (req_field)-1, true);
	assert_memory_equal(j, before, sizeof *j);
	free_journey(before);
	free_journey(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_consent),
		cmocka_unit_test(test_step_issues),
		cmocka_unit_test(test_step_issues_choose),
		cmocka_unit_test(test_step_issues_newvals_empty_current),
		cmocka_unit_test(test_step_issues_cap),
		cmocka_unit_test(test_issue_for),
		cmocka_unit_test(test_next_refused),
		cmocka_unit_test(test_next_normalises_current),
		cmocka_unit_test(test_next_normalises_newvals),
		cmocka_unit_test(test_identify_typed),
		cmocka_unit_test(test_identify_card),
		cmocka_unit_test(test_resubmit),
		cmocka_unit_test(test_resubmit_refused),
		cmocka_unit_test(test_back_and_forth),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

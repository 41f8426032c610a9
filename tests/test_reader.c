/*
 * test_reader: the reader thread and the reader check (drivers/reader.c)
 * against the simulated CCID reader (drivers/ccidsim.c), so every byte goes
 * through the real CCID, protocol and card layers.
 *
 * What the UI thread must see, in order and in time: ATTACHED when the
 * reader is found; for a KTP-el CARD_PRESENT, READING progress and IDENTITY
 * with the card's NIK and name; CARD_UNREADABLE with the UID and the reason
 * for a card without the application, a reader without SAM, a refused
 * authentication, a malformed record or an unexpected status word; an ERROR
 * naming the cause within a second when the card is taken away or the reader
 * unplugged mid-read, and within the operation deadline when the card does
 * not answer; CARD_REMOVED when the card goes; DETACHED and ATTACHED again
 * across an unplug, after which cards are read again (recovery). A reader
 * without interrupt endpoint is polled. A character-level reader is refused
 * once, with the reason kept for diagnostics. reader_stop returns quickly.
 * reader_probe prints the ATR, the UID and whether the record was read,
 * never the card's personal data, and its exit codes say what happened.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ccidsim.h"
#include "reader.h"

#define CARD(name) KIOSK_TEST_DIR "/cards/" name

enum { WAIT_MS = 3000 };

typedef struct fx {
	ccidsim *sim;
	rdr_evq *q;
	reader *r;
} fx;

static void start(fx *f, const ccidsim_opts *so, const reader_opts *ro)
{
	memset(f, 0, sizeof *f);
	assert_int_equal(ccidsim_new(&f->sim, so), CCIDSIM_OK);
	assert_int_equal(rdr_evq_new(&f->q, 64), RDR_OK);
	assert_int_equal(reader_start(&f->r, ccidsim_xport(f->sim), f->q, ro), RDR_OK);
}

static void stop(fx *f)
{
	reader_stop(&f->r);
	assert_null(f->r);
	ccidsim_free(&f->sim);
	rdr_evq_free(&f->q);
}

/*
 * Pop events until one of TYPE arrives (returned in *OUT, which the caller
 * wipes) or TIMEOUT_MS pass (the test fails). READING events are skipped;
 * any other event on the way must be in ALLOWED (a 0-terminated list of
 * types, or NULL for none) — so an unexpected event fails the test.
 */
static int64_t wait_for(fx *f, rdr_event_type type, const rdr_event_type *allowed, int timeout_ms,
			rdr_event *out)
{
	int64_t t0 = xport_now_ms(), until = t0 + timeout_ms;
	for (;;) {
		unsigned long pushed = rdr_evq_pushed(f->q);
		rdr_event e;
		while (rdr_evq_pop(f->q, &e)) {
			if (e.type == type) {
				*out = e;
				return xport_now_ms() - t0;
			}
			bool ok = e.type == RDR_EV_READING;
			for (const rdr_event_type *a = allowed; a && *a; a++)
				ok |= e.type == *a;
			if (!ok)
				fail_msg("waiting for event %d, got event %d (error %s)", type, e.type,
					 rdr_err_name(e.error));
			rdr_event_wipe(&e);
		}
		int64_t left = until - xport_now_ms();
		if (left <= 0)
			fail_msg("event %d did not arrive within %d ms", type, timeout_ms);
		rdr_evq_wait(f->q, pushed, (int)left);
	}
}

static int64_t expect(fx *f, rdr_event_type type, int timeout_ms)
{
	rdr_event e;
	int64_t ms = wait_for(f, type, NULL, timeout_ms, &e);
	rdr_event_wipe(&e);
	return ms;
}

static void expect_identity(fx *f, const char *nik, const char *name)
{
	rdr_event e;
	expect(f, RDR_EV_CARD_PRESENT, WAIT_MS);
	wait_for(f, RDR_EV_IDENTITY, NULL, WAIT_MS, &e);
	assert_string_equal(e.id.nik, nik);
	assert_string_equal(e.id.name, name);
	assert_true(strlen(e.uid) >= 8);
	rdr_event_wipe(&e);
}

static void expect_unreadable(fx *f, rdr_why why, const char *uid)
{
	rdr_event e;
	expect(f, RDR_EV_CARD_PRESENT, WAIT_MS);
	wait_for(f, RDR_EV_CARD_UNREADABLE, NULL, WAIT_MS, &e);
	assert_int_equal(e.why, why);
	assert_string_equal(e.uid, uid);
	assert_true(e.id.nik[0] == '\0');
	rdr_event_wipe(&e);
}

/* Pop events until one of A or B arrives (into *OUT; the caller wipes);
 * READING and CARD_PRESENT are skipped, anything else fails the test.
 * *MS gets the time waited. */
static rdr_event_type wait_either(fx *f, rdr_event_type a, rdr_event_type b, int timeout_ms,
				  rdr_event *out, int64_t *ms)
{
	int64_t t0 = xport_now_ms(), until = t0 + timeout_ms;
	for (;;) {
		unsigned long pushed = rdr_evq_pushed(f->q);
		while (rdr_evq_pop(f->q, out)) {
			if (out->type == a || out->type == b) {
				*ms = xport_now_ms() - t0;
				return out->type;
			}
			if (out->type != RDR_EV_READING && out->type != RDR_EV_CARD_PRESENT)
				fail_msg("waiting for event %d or %d, got event %d", a, b, out->type);
			rdr_event_wipe(out);
		}
		int64_t left = until - xport_now_ms();
		if (left <= 0)
			fail_msg("neither event %d nor %d arrived within %d ms", a, b, timeout_ms);
		rdr_evq_wait(f->q, pushed, (int)left);
	}
}

static rdr_err expect_error(fx *f, int timeout_ms, int64_t *ms)
{
	rdr_event e;
	const rdr_event_type ok[] = {RDR_EV_CARD_PRESENT, RDR_EV_CARD_REMOVED, 0};
	*ms = wait_for(f, RDR_EV_ERROR, ok, timeout_ms, &e);
	rdr_err err = e.error;
	rdr_event_wipe(&e);
	return err;
}

/* ---- the usual paths ------------------------------------------------------ */

static void test_reads_cards(void **state)
{
	(void)state;
	fx f;
	start(&f, NULL, NULL);
	expect(&f, RDR_EV_ATTACHED, WAIT_MS);
	reader_status st;
	reader_get_status(f.r, &st);
	assert_true(st.attached);
	assert_string_equal(st.path, "sim");
	assert_true(st.has_sam_slot);

	assert_int_equal(ccidsim_insert(f.sim, CARD("siti.card")), CCIDSIM_OK);
	expect_identity(&f, "3375014101900001", "SITI NUR'AINI");
	ccidsim_remove(f.sim);
	expect(&f, RDR_EV_CARD_REMOVED, WAIT_MS);

	assert_int_equal(ccidsim_insert(f.sim, CARD("budi.card")), CCIDSIM_OK);
	expect_identity(&f, "3375010101900002", "BUDI SANTOSO");
	/* Asked to read again (the identify step opening with the card on). */
	reader_request_read(f.r);
	expect_identity(&f, "3375010101900002", "BUDI SANTOSO");
	ccidsim_remove(f.sim);
	expect(&f, RDR_EV_CARD_REMOVED, WAIT_MS);

	assert_int_equal(ccidsim_insert(f.sim, CARD("uid-only.card")), CCIDSIM_OK);
	expect_unreadable(&f, RDR_WHY_NOT_KTP, "04A1B2C3D4E5F6");
	ccidsim_remove(f.sim);
	expect(&f, RDR_EV_CARD_REMOVED, WAIT_MS);

	reader_get_status(f.r, &st);
	assert_int_equal(st.reads_ok, 3);
	assert_int_equal(st.reads_unreadable, 1);
	assert_int_equal(st.reads_failed, 0);
	assert_true(st.atr_hex[0] == '3');
	int64_t t0 = xport_now_ms();
	stop(&f);
	assert_true(xport_now_ms() - t0 < 1000);
}

/* A reader without SAM still gives the UID; the citizen types the NIK. */
static void test_no_sam(void **state)
{
	(void)state;
	ccidsim_opts so = ccidsim_defaults();
	so.sam = false;
	fx f;
	start(&f, &so, NULL);
	expect(&f, RDR_EV_ATTACHED, WAIT_MS);
	assert_int_equal(ccidsim_insert(f.sim, CARD("siti.card")), CCIDSIM_OK);
	expect_unreadable(&f, RDR_WHY_NO_SAM, "04A1B2C3D4E5F6");
	stop(&f);
}

/* Without an interrupt endpoint the slot is polled: a card and its removal
 * are still seen well within a second. */
static void test_polled_reader(void **state)
{
	(void)state;
	ccidsim_opts so = ccidsim_defaults();
	so.interrupt_ep = false;
	fx f;
	start(&f, &so, NULL);
	expect(&f, RDR_EV_ATTACHED, WAIT_MS);
	assert_int_equal(ccidsim_insert(f.sim, CARD("siti.card")), CCIDSIM_OK);
	assert_true(expect(&f, RDR_EV_CARD_PRESENT, WAIT_MS) < 1000);
	expect(&f, RDR_EV_IDENTITY, WAIT_MS);
	ccidsim_remove(f.sim);
	assert_true(expect(&f, RDR_EV_CARD_REMOVED, WAIT_MS) < 1000);
	stop(&f);
}

/* Every exchange level and protocol reads the same identity. */
static void test_levels(void **state)
{
	(void)state;
	static const struct {
		ccid_level level;
		uint8_t card, sam;
		bool crc, auto_params;
		uint32_t max_msg;
	} cases[] = {
		{CCID_LEVEL_TPDU, 2, 1, false, false, 271},
		{CCID_LEVEL_TPDU, 2, 2, true, true, 271},
		{CCID_LEVEL_TPDU, 1, 1, false, false, 271},
		{CCID_LEVEL_SHORT_APDU, 2, 1, false, true, 271},
		{CCID_LEVEL_EXT_APDU, 2, 1, false, true, 64},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ccidsim_opts so = ccidsim_defaults();
		so.level = cases[i].level;
		so.card_protocols = cases[i].card;
		so.sam_protocols = cases[i].sam;
		so.t1_crc = cases[i].crc;
		so.auto_params = cases[i].auto_params;
		so.max_msg_len = cases[i].max_msg;
		fx f;
		start(&f, &so, NULL);
		expect(&f, RDR_EV_ATTACHED, WAIT_MS);
		assert_int_equal(ccidsim_insert(f.sim, CARD("siti.card")), CCIDSIM_OK);
		expect_identity(&f, "3375014101900001", "SITI NUR'AINI");
		stop(&f);
	}
}

/* ---- faults ----------------------------------------------------------------- */

/* The card taken away mid-read: the UI hears it within a second, then the
 * removal; the next card is read normally. */
static void test_card_removed_mid_read(void **state)
{
	(void)state;
	fx f;
	start(&f, NULL, NULL);
	expect(&f, RDR_EV_ATTACHED, WAIT_MS);
	ccidsim_fault_arm(f.sim, CCIDSIM_FAULT_CARD_REMOVED, 1);
	assert_int_equal(ccidsim_insert(f.sim, CARD("siti.card")), CCIDSIM_OK);
	int64_t ms;
	assert_int_equal(expect_error(&f, WAIT_MS, &ms), RDR_ERR_CARD_GONE);
	assert_true(ms < 1000);
	expect(&f, RDR_EV_CARD_REMOVED, WAIT_MS);
	assert_false(ccidsim_card_present(f.sim));
	assert_int_equal(ccidsim_insert(f.sim, CARD("budi.card")), CCIDSIM_OK);
	expect_identity(&f, "3375010101900002", "BUDI SANTOSO");
	stop(&f);
}

/* Unplugged mid-read: an error and DETACHED within a second; plugged back,
 * it is found again and reads the card that is still on it. */
static void test_unplug_mid_read_recovers(void **state)
{
	(void)state;
	reader_opts ro = {.timeout_ms = 3000, .arrival_ms = 100, .sam_slot = 1};
	fx f;
	start(&f, NULL, &ro);
	expect(&f, RDR_EV_ATTACHED, WAIT_MS);
	ccidsim_fault_arm(f.sim, CCIDSIM_FAULT_UNPLUG, 1);
	assert_int_equal(ccidsim_insert(f.sim, CARD("siti.card")), CCIDSIM_OK);
	int64_t ms;
	assert_int_equal(expect_error(&f, WAIT_MS, &ms), RDR_ERR_UNPLUGGED);
	assert_true(ms < 1000);
	const rdr_event_type ok[] = {RDR_EV_CARD_REMOVED, 0};
	rdr_event e;
	assert_true(wait_for(&f, RDR_EV_DETACHED, ok, 1000, &e) < 1000);
	reader_status st;
	reader_get_status(f.r, &st);
	assert_false(st.attached);
	ccidsim_plug(f.sim);
	expect(&f, RDR_EV_ATTACHED, WAIT_MS);
	expect_identity(&f, "3375014101900001", "SITI NUR'AINI");
	stop(&f);
}

/* A card that stops answering: an error within the operation deadline (and
 * not much later); the card stays until it is lifted, then a new tap reads. */
static void test_timeout(void **state)
{
	(void)state;
	reader_opts ro = {.timeout_ms = 400, .sam_slot = 1};
	fx f;
	start(&f, NULL, &ro);
	expect(&f, RDR_EV_ATTACHED, WAIT_MS);
	/* The fault drops the next reply, whichever command it answers: on a
	 * loaded machine that can be the reader's own start-up or status poll
	 * rather than the card's read, which then succeeds. Try again then. */
	int64_t ms;
	for (int tries = 0;; tries++) {
		rdr_event e;
		ccidsim_fault_arm(f.sim, CCIDSIM_FAULT_TIMEOUT, 1);
		assert_int_equal(ccidsim_insert(f.sim, CARD("siti.card")), CCIDSIM_OK);
		rdr_event_type got = wait_either(&f, RDR_EV_ERROR, RDR_EV_IDENTITY, WAIT_MS, &e, &ms);
		rdr_err err = e.error;
		rdr_event_wipe(&e);
		if (got == RDR_EV_ERROR) {
			assert_int_equal(err, RDR_ERR_TIMEOUT);
			break;
		}
		assert_true(tries < 3);
		ccidsim_remove(f.sim);
		expect(&f, RDR_EV_CARD_REMOVED, WAIT_MS);
	}
	assert_true(ms >= 350 && ms < 1400);
	ccidsim_remove(f.sim);
	expect(&f, RDR_EV_CARD_REMOVED, WAIT_MS);
	assert_int_equal(ccidsim_insert(f.sim, CARD("siti.card")), CCIDSIM_OK);
	expect_identity(&f, "3375014101900001", "SITI NUR'AINI");
	stop(&f);
}

/* Endless time extensions are cut off: an error within the deadline. */
static void test_endless_time_extension(void **state)
{
	(void)state;
	reader_opts ro = {.timeout_ms = 500, .sam_slot = 1};
	fx f;
	start(&f, NULL, &ro);
	expect(&f, RDR_EV_ATTACHED, WAIT_MS);
	ccidsim_fault_arm(f.sim, CCIDSIM_FAULT_TIME_EXT, 1);
	assert_int_equal(ccidsim_insert(f.sim, CARD("siti.card")), CCIDSIM_OK);
	int64_t ms;
	assert_int_equal(expect_error(&f, WAIT_MS, &ms), RDR_ERR_TIMEOUT);
	assert_true(ms < 1500);
	stop(&f);
}

/* Faults the card layer turns into "UID only, type the NIK". */
static void test_unreadable_faults(void **state)
{
	(void)state;
	static const struct {
		ccidsim_fault fault;
		rdr_why why;
	} cases[] = {
		{CCIDSIM_FAULT_BAD_TLV, RDR_WHY_RECORD},
		{CCIDSIM_FAULT_AUTH, RDR_WHY_AUTH},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		fx f;
		start(&f, NULL, NULL);
		expect(&f, RDR_EV_ATTACHED, WAIT_MS);
		ccidsim_fault_arm(f.sim, cases[i].fault, 1);
		assert_int_equal(ccidsim_insert(f.sim, CARD("siti.card")), CCIDSIM_OK);
		expect_unreadable(&f, cases[i].why, "04A1B2C3D4E5F6");
		stop(&f);
	}
}

/* Faults the protocols recover from: the identity still arrives. */
static void test_recovered_faults(void **state)
{
	(void)state;
	const ccidsim_fault faults[] = {CCIDSIM_FAULT_T1_EDC};
	for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) {
		fx f;
		start(&f, NULL, NULL);
		expect(&f, RDR_EV_ATTACHED, WAIT_MS);
		ccidsim_fault_arm(f.sim, faults[i], 1);
		assert_int_equal(ccidsim_insert(f.sim, CARD("siti.card")), CCIDSIM_OK);
		expect_identity(&f, "3375014101900001", "SITI NUR'AINI");
		stop(&f);
	}
}

/* Faults that fail the read; the reader stays usable for the next card. */
static void test_failing_faults(void **state)
{
	(void)state;
	const ccidsim_fault faults[] = {CCIDSIM_FAULT_SHORT_READ, CCIDSIM_FAULT_MUTE,
					CCIDSIM_FAULT_BAD_SW, CCIDSIM_FAULT_WRONG_SEQ};
	for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) {
		fx f;
		start(&f, NULL, NULL);
		expect(&f, RDR_EV_ATTACHED, WAIT_MS);
		ccidsim_fault_arm(f.sim, faults[i], 1);
		assert_int_equal(ccidsim_insert(f.sim, CARD("siti.card")), CCIDSIM_OK);
		expect(&f, RDR_EV_CARD_PRESENT, WAIT_MS);
		rdr_event e;
		bool done = false;
		while (!done) { /* an ERROR or an UNREADABLE, never an identity */
			unsigned long pushed = rdr_evq_pushed(f.q);
			while (!done && rdr_evq_pop(f.q, &e)) {
				assert_int_not_equal(e.type, RDR_EV_IDENTITY);
				done = e.type == RDR_EV_ERROR || e.type == RDR_EV_CARD_UNREADABLE;
				rdr_event_wipe(&e);
			}
			if (!done)
				assert_true(rdr_evq_wait(f.q, pushed, WAIT_MS));
		}
		ccidsim_remove(f.sim);
		expect(&f, RDR_EV_CARD_REMOVED, WAIT_MS);
		assert_int_equal(ccidsim_insert(f.sim, CARD("budi.card")), CCIDSIM_OK);
		expect_identity(&f, "3375010101900002", "BUDI SANTOSO");
		stop(&f);
	}
}

/* A character-level reader is refused once, with its reason kept. */
static void test_refused_reader(void **state)
{
	(void)state;
	ccidsim_opts so = ccidsim_defaults();
	so.level = CCID_LEVEL_CHAR;
	fx f;
	start(&f, &so, NULL);
	int64_t ms;
	assert_int_equal(expect_error(&f, WAIT_MS, &ms), RDR_ERR_UNSUPPORTED);
	reader_status st;
	reader_get_status(f.r, &st);
	assert_false(st.attached);
	assert_non_null(strstr(st.refused_why, "character"));
	/* Said once: nothing more within a few retries' time. */
	unsigned long pushed = rdr_evq_pushed(f.q);
	assert_false(rdr_evq_wait(f.q, pushed, 1500));
	stop(&f);
}

/* ---- the reader check -------------------------------------------------------- */

static int probe(ccidsim *sim, char *out, size_t cap)
{
	FILE *f = fmemopen(out, cap, "w");
	assert_non_null(f);
	int rc = reader_probe(ccidsim_xport(sim), NULL, 200, f);
	fclose(f);
	return rc;
}

static void test_probe(void **state)
{
	(void)state;
	char out[4096];
	ccidsim *sim = NULL;
	assert_int_equal(ccidsim_new(&sim, NULL), CCIDSIM_OK);
	assert_int_equal(probe(sim, out, sizeof out), 2);
	assert_non_null(strstr(out, "no card"));
	assert_non_null(strstr(out, "TPDU"));

	assert_int_equal(ccidsim_insert(sim, CARD("siti.card")), CCIDSIM_OK);
	assert_int_equal(probe(sim, out, sizeof out), 0);
	assert_non_null(strstr(out, "ATR: 3B"));
	assert_non_null(strstr(out, "UID: 04A1B2C3D4E5F6"));
	assert_non_null(strstr(out, "demographic record: read"));
	assert_null(strstr(out, "3375014101900001")); /* never the card's data */
	assert_null(strstr(out, "SITI"));
	ccidsim_remove(sim);

	assert_int_equal(ccidsim_insert(sim, CARD("uid-only.card")), CCIDSIM_OK);
	assert_int_equal(probe(sim, out, sizeof out), 1);
	assert_non_null(strstr(out, "demographic record: not read"));

	ccidsim_unplug(sim);
	assert_int_equal(probe(sim, out, sizeof out), 2);
	assert_non_null(strstr(out, "no reader"));
	ccidsim_free(&sim);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reads_cards),
		cmocka_unit_test(test_no_sam),
		cmocka_unit_test(test_polled_reader),
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_card_removed_mid_read),
		cmocka_unit_test(test_unplug_mid_read_recovers),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_endless_time_extension),
		cmocka_unit_test(test_unreadable_faults),
		cmocka_unit_test(test_recovered_faults),
		cmocka_unit_test(test_failing_faults),
		cmocka_unit_test(test_refused_reader),
		cmocka_unit_test(test_probe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

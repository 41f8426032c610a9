/*
 * test_t0: the T=0 mapping of command APDUs to TPDUs (drivers/t0.c).
 *
 * t0_transmit runs over a transcript: a scripted fake of the raw TPDU pipe
 * (the CCID XfrBlock of a TPDU-level reader) holding the exact TPDU each
 * exchange must carry and the card's answer, failing the test on any other
 * bytes, on an exchange beyond the script and on a step left over.
 *
 * Each case's mapping (ISO 7816-3 12.2): case 1 gains P3 = 00, case 2S is
 * sent with P3 = Le (00 for 256, and an answer of 256 data bytes is fine),
 * case 3S as it is, case 4S without its Le (it becomes case 3: the card
 * answers 61xx, or 9000 with nothing to fetch). Through apdu_exchange, the
 * profile's step 5 over T=0 (61 10, then GET RESPONSE 10 as its own case-2
 * TPDU) and a 6Cxx resend. Refusals: extended APDUs and bytes that are no
 * APDU (APDU_ERR_ARG, nothing sent), answers shorter than a status word,
 * a case-2 answer longer than P3 + 2, data before the SW of cases 1, 3, 4
 * (APDU_ERR_PROTO), transport errors as they came, a deadline already past.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "t0.h"
#include "xport.h"

/* ---- the transcript ------------------------------------------------------ */

typedef struct step {
	const uint8_t *tx;
	size_t tx_len;
	const uint8_t *rx;
	size_t rx_len;
	apdu_err err;
} step;

typedef struct script {
	const step *steps;
	size_t n, pos;
} script;

#define B(...) (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__})
#define NONE NULL, 0
#define SCRIPT(a) {(a), sizeof(a) / sizeof((a)[0]), 0}

static apdu_err fake_xfr(void *ctx, const uint8_t *in, size_t n, uint8_t *out, size_t cap,
			 size_t *got, int64_t deadline_ms)
{
	script *s = ctx;
	assert_true(deadline_ms > xport_now_ms());
	assert_true(s->pos < s->n);
	const step *st = &s->steps[s->pos++];
	assert_int_equal(n, st->tx_len);
	assert_memory_equal(in, st->tx, n);
	if (st->err != APDU_OK)
		return st->err;
	if (st->rx_len > cap)
		return APDU_ERR_TOOBIG;
	if (st->rx_len > 0)
		memcpy(out, st->rx, st->rx_len);
	*got = st->rx_len;
	return APDU_OK;
}

static int64_t later(void)
{
	return xport_deadline_in(10000);
}

/* Send the APDU in IN/N through t0_transmit over S; expect E. The answer
 * goes to OUT (CAP bytes); returns its length. */
static size_t xmit(script *s, const uint8_t *in, size_t n, uint8_t *out, size_t cap,
		   apdu_err e)
{
	apdu_io raw = {.xfr = fake_xfr, .ctx = s};
	size_t got = 12345;
	assert_int_equal(t0_transmit(&raw, in, n, out, cap, &got, later()), e);
	assert_int_equal(s->pos, s->n);
	if (e != APDU_OK)
		assert_int_equal(got, 0);
	return got;
}

/* ---- the four cases ------------------------------------------------------ */

static void test_case1(void **state)
{
	(void)state;
	const step st[] = {{B(0x00, 0x70, 0x80, 0x01, 0x00), B(0x90, 0x00), APDU_OK}};
	script s = SCRIPT(st);
	uint8_t out[2];
	assert_int_equal(xmit(&s, B(0x00, 0x70, 0x80, 0x01), out, sizeof out, APDU_OK), 2);
	assert_int_equal(out[0], 0x90);
}

static void test_case2(void **state)
{
	(void)state;
	const step st[] = {{B(0x00, 0x84, 0x00, 0x00, 0x08),
			    B(1, 2, 3, 4, 5, 6, 7, 8, 0x90, 0x00), APDU_OK}};
	script s = SCRIPT(st);
	uint8_t out[16];
	assert_int_equal(xmit(&s, B(0x00, 0x84, 0x00, 0x00, 0x08), out, sizeof out, APDU_OK), 10);
	assert_int_equal(out[7], 8);

	/* Le 00 is 256: a full answer is fine, one byte more is not. */
	static uint8_t a[256 + 3];
	memset(a, 0x33, sizeof a);
	a[256] = 0x90;
	a[257] = 0x00;
	static uint8_t big[300];
	const step st2[] = {{B(0x00, 0xB0, 0x00, 0x00, 0x00), a, 258, APDU_OK}};
	script s2 = SCRIPT(st2);
	assert_int_equal(xmit(&s2, B(0x00, 0xB0, 0x00, 0x00, 0x00), big, sizeof big, APDU_OK), 258);
	const step st3[] = {{B(0x00, 0xB0, 0x00, 0x00, 0x00), a, 259, APDU_OK}};
	script s3 = SCRIPT(st3);
	xmit(&s3, B(0x00, 0xB0, 0x00, 0x00, 0x00), big, sizeof big, APDU_ERR_PROTO);

	/* A status word alone, and 6Cxx, are handed back. */
	const step st4[] = {{B(0x00, 0xB0, 0x00, 0x00, 0x08), B(0x6C, 0x04), APDU_OK}};
	script s4 = SCRIPT(st4);
	assert_int_equal(xmit(&s4, B(0x00, 0xB0, 0x00, 0x00, 0x08), out, sizeof out, APDU_OK), 2);
	assert_int_equal(out[0], 0x6C);
	assert_int_equal(out[1], 0x04);
}

static void test_case2_too_long(void **state)
{
	(void)state;
	const step st[] = {{B(0x00, 0x84, 0x00, 0x00, 0x08),
			    B(1, 2, 3, 4, 5, 6, 7, 8, 9, 0x90, 0x00), APDU_OK}};
	script s = SCRIPT(st);
	uint8_t out[16];
	xmit(&s, B(0x00, 0x84, 0x00, 0x00, 0x08), out, sizeof out, APDU_ERR_PROTO);
}

static void test_case3(void **state)
{
	(void)state;
	const step st[] = {
		{B(0x00, 0xA4, 0x04, 0x0C, 0x07, 0xF0, 0x4B, 0x54, 0x50, 0x53, 0x41, 0x4D),
		 B(0x6A, 0x82), APDU_OK},
	};
	script s = SCRIPT(st);
	uint8_t out[2];
	assert_int_equal(xmit(&s, B(0x00, 0xA4, 0x04, 0x0C, 0x07, 0xF0, 0x4B, 0x54, 0x50, 0x53, 0x41,
				    0x4D),
			      out, sizeof out, APDU_OK),
			 2);
	assert_int_equal(out[0], 0x6A);
}

static void test_case4_becomes_case3(void **state)
{
	(void)state;
	const step st[] = {
		{B(0x80, 0x8A, 0x00, 0x00, 0x02, 0x01, 0x02), B(0x61, 0x10), APDU_OK},
	};
	script s = SCRIPT(st);
	uint8_t out[2];
	assert_int_equal(xmit(&s, B(0x80, 0x8A, 0x00, 0x00, 0x02, 0x01, 0x02, 0x10), out,
			      sizeof out, APDU_OK),
			 2);
	assert_int_equal(out[0], 0x61);
	assert_int_equal(out[1], 0x10);

	/* 9000 at once: nothing to fetch, handed back as it is. */
	const step st2[] = {{B(0x00, 0x22, 0x41, 0xA4, 0x01, 0x83), B(0x90, 0x00), APDU_OK}};
	script s2 = SCRIPT(st2);
	assert_int_equal(xmit(&s2, B(0x00, 0x22, 0x41, 0xA4, 0x01, 0x83, 0x00), out, sizeof out,
			      APDU_OK),
			 2);
}

static void test_data_where_none_can_be(void **state)
{
	(void)state;
	uint8_t out[8];
	const step c1[] = {{B(0x00, 0x70, 0x80, 0x01, 0x00), B(0x01, 0x90, 0x00), APDU_OK}};
	script s1 = SCRIPT(c1);
	xmit(&s1, B(0x00, 0x70, 0x80, 0x01), out, sizeof out, APDU_ERR_PROTO);
	const step c3[] = {{B(0x00, 0xD6, 0x00, 0x00, 0x01, 0x55), B(0x01, 0x90, 0x00), APDU_OK}};
	script s3 = SCRIPT(c3);
	xmit(&s3, B(0x00, 0xD6, 0x00, 0x00, 0x01, 0x55), out, sizeof out, APDU_ERR_PROTO);
	const step c4[] = {{B(0x00, 0x88, 0x00, 0x00, 0x01, 0x55), B(0x01, 0x61, 0x01), APDU_OK}};
	script s4 = SCRIPT(c4);
	xmit(&s4, B(0x00, 0x88, 0x00, 0x00, 0x01, 0x55, 0x01), out, sizeof out, APDU_ERR_PROTO);
}

static void test_answer_too_short(void **state)
{
	(void)state;
	uint8_t out[8];
	const step one[] = {{B(0x00, 0x84, 0x00, 0x00, 0x08), B(0x90), APDU_OK}};
	script s = SCRIPT(one);
	xmit(&s, B(0x00, 0x84, 0x00, 0x00, 0x08), out, sizeof out, APDU_ERR_PROTO);
	const step none[] = {{B(0x00, 0xA4, 0x02, 0x0C, 0x02, 0x4B, 0x01), NONE, APDU_OK}};
	script s2 = SCRIPT(none);
	xmit(&s2, B(0x00, 0xA4, 0x02, 0x0C, 0x02, 0x4B, 0x01), out, sizeof out, APDU_ERR_PROTO);
}

static void test_refused_commands(void **state)
{
	(void)state;
	uint8_t out[8];
	script s = {NULL, 0, 0};
	/* Extended cases 2E, 3E, 4E: no exchange. */
	xmit(&s, B(0x00, 0xB0, 0x00, 0x00, 0x00, 0x01, 0x00), out, sizeof out, APDU_ERR_ARG);
	xmit(&s, B(0x00, 0xD6, 0x00, 0x00, 0x00, 0x00, 0x01, 0x55), out, sizeof out, APDU_ERR_ARG);
	xmit(&s, B(0x00, 0x2A, 0x00, 0x00, 0x00, 0x00, 0x01, 0x55, 0x00, 0x00), out, sizeof out,
	     APDU_ERR_ARG);
	/* Not an APDU at all. */
	xmit(&s, B(0x00, 0xA4, 0x04), out, sizeof out, APDU_ERR_ARG);
	xmit(&s, B(0x00, 0xA4, 0x04, 0x0C, 0x05, 0x01), out, sizeof out, APDU_ERR_ARG);
}

static void test_transport_errors(void **state)
{
	(void)state;
	const apdu_err errs[] = {APDU_ERR_TIMEOUT, APDU_ERR_GONE, APDU_ERR_NO_CARD, APDU_ERR_MUTE,
				 APDU_ERR_IO};
	uint8_t out[8];
	for (size_t i = 0; i < sizeof errs / sizeof errs[0]; i++) {
		const step st[] = {{B(0x00, 0x84, 0x00, 0x00, 0x08), NONE, errs[i]}};
		script s = SCRIPT(st);
		xmit(&s, B(0x00, 0x84, 0x00, 0x00, 0x08), out, sizeof out, errs[i]);
	}
	/* An answer larger than the caller's buffer, as the pipe says. */
	const step st[] = {{B(0x00, 0x84, 0x00, 0x00, 0x08), B(1, 2, 3, 4, 5, 6, 7, 8, 0x90, 0x00),
			    APDU_OK}};
	script s = SCRIPT(st);
	xmit(&s, B(0x00, 0x84, 0x00, 0x00, 0x08), out, sizeof out, APDU_ERR_TOOBIG);
}

static void test_deadline_passed(void **state)
{
	(void)state;
	script s = {NULL, 0, 0};
	apdu_io raw = {.xfr = fake_xfr, .ctx = &s};
	uint8_t out[8];
	size_t got = 7;
	assert_int_equal(t0_transmit(&raw, B(0x00, 0x84, 0x00, 0x00, 0x08), out, sizeof out, &got,
				     xport_now_ms() - 1),
			 APDU_ERR_TIMEOUT);
	assert_int_equal(got, 0);
	assert_int_equal(s.pos, 0);
}

/* ---- through apdu_exchange ------------------------------------------------ */

static void test_exchange_case4_over_t0(void **state)
{
	(void)state;
	/* Profile step 5 on a T=0 SAM: 80 8A 00 00 Lc UID||rc 10. */
	static const uint8_t uid_rc[] = {0x04, 0xA1, 0xB2, 0xC3, 0xD4, 0xE5, 0xF6, 0x01,
					 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};
	uint8_t cryptogram[16 + 2];
	for (size_t i = 0; i < 16; i++)
		cryptogram[i] = (uint8_t)(0xC0 + i);
	cryptogram[16] = 0x90;
	cryptogram[17] = 0x00;
	const step st[] = {
		{B(0x80, 0x8A, 0x00, 0x00, 0x0F, 0x04, 0xA1, 0xB2, 0xC3, 0xD4, 0xE5, 0xF6, 0x01, 0x02,
		   0x03, 0x04, 0x05, 0x06, 0x07, 0x08),
		 B(0x61, 0x10), APDU_OK},
		{B(0x80, 0xC0, 0x00, 0x00, 0x10), cryptogram, sizeof cryptogram, APDU_OK},
	};
	script s = SCRIPT(st);
	apdu_io raw = {.xfr = fake_xfr, .ctx = &s};
	apdu_io io = {.xfr = t0_transmit, .ctx = &raw};
	apdu_cmd c = {.cla = 0x80, .ins = 0x8A, .data = uid_rc, .nc = sizeof uid_rc, .ne = 16};
	uint8_t out[16];
	size_t len = 0;
	uint16_t sw = 0;
	assert_int_equal(apdu_exchange(&io, &c, out, sizeof out, &len, &sw, later()), APDU_OK);
	assert_int_equal(s.pos, s.n);
	assert_int_equal(sw, SW_OK);
	assert_int_equal(len, 16);
	assert_memory_equal(out, cryptogram, 16);
}

static void test_exchange_6c_over_t0(void **state)
{
	(void)state;
	const step st[] = {
		{B(0x00, 0xB0, 0x00, 0x00, 0x00), B(0x6C, 0x04), APDU_OK},
		{B(0x00, 0xB0, 0x00, 0x00, 0x04), B(0x70, 0x10, 0x80, 0x01, 0x90, 0x00), APDU_OK},
	};
	script s = SCRIPT(st);
	apdu_io raw = {.xfr = fake_xfr, .ctx = &s};
	apdu_io io = {.xfr = t0_transmit, .ctx = &raw};
	apdu_cmd c = {.ins = 0xB0, .ne = 256};
	uint8_t out[8];
	size_t len = 0;
	uint16_t sw = 0;
	assert_int_equal(apdu_exchange(&io, &c, out, sizeof out, &len, &sw, later()), APDU_OK);
	assert_int_equal(s.pos, s.n);
	assert_int_equal(sw, SW_OK);
	assert_int_equal(len, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_case1),
		cmocka_unit_test(test_case2),
		cmocka_unit_test(test_case2_too_long),
		cmocka_unit_test(test_case3),
		cmocka_unit_test(test_case4_becomes_case3),
		cmocka_unit_test(test_data_where_none_can_be),
		cmocka_unit_test(test_answer_too_short),
		cmocka_unit_test(test_refused_commands),
		cmocka_unit_test(test_transport_errors),
		cmocka_unit_test(test_deadline_passed),
		cmocka_unit_test(test_exchange_case4_over_t0),
		cmocka_unit_test(test_exchange_6c_over_t0),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

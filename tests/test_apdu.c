/*
 * test_apdu: the ISO 7816-4 command codec and the exchange procedures
 * (drivers/apdu.c).
 *
 * The codec: the case of every command, with the edges where the short
 * form ends (Nc 255/256, Ne 256/257) and Ne 65536; the exact bytes of all
 * seven cases; refusals (extended not allowed, Nc or Ne too large, a buffer
 * one byte short); decoding of every case in both forms, bodies that fit no
 * case, and encode/decode round trips.
 *
 * apdu_exchange runs over a transcript: a scripted fake apdu_io holding the
 * exact bytes each exchange must send and the answer to give back, failing
 * the test on any other bytes, on an exchange beyond the script and on a
 * step left over. Covered: status words as data (6A82, a warning with
 * data), 61xx answered by GET RESPONSE over several rounds with the
 * command's CLA and 00 meaning 256, the GET RESPONSE round cap, 6Cxx
 * answered by a resend with the new Le (for C, for a case-3 C, for a GET
 * RESPONSE), a second 6Cxx returned, answers too short, answers too big for
 * the caller (at once and after chaining), transport errors mid-chain, a
 * deadline already past, and extended commands on short-only links.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "apdu.h"
#include "xport.h"

/* ---- the transcript ------------------------------------------------------ */

/* One exchange: the bytes the host must send, and the answer (or ERR). */
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
	assert_true(s->pos < s->n); /* an exchange the transcript does not have */
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

static apdu_io io_of(script *s, bool ext)
{
	return (apdu_io){.xfr = fake_xfr, .ctx = s, .ext_ok = ext};
}

static int64_t later(void)
{
	return xport_deadline_in(10000);
}

/* Run C over the script S and expect E; check that every step was used. */
typedef struct result {
	apdu_err err;
	size_t len;
	uint16_t sw;
} result;

static result run(script *s, bool ext, const apdu_cmd *c, uint8_t *data, size_t cap)
{
	apdu_io io = io_of(s, ext);
	result r = {.len = 99, .sw = 0xFFFF};
	r.err = apdu_exchange(&io, c, data, cap, &r.len, &r.sw, later());
	assert_int_equal(s->pos, s->n); /* no step left over */
	if (r.err != APDU_OK) {
		assert_int_equal(r.len, 0);
		assert_int_equal(r.sw, 0);
	}
	return r;
}

static const uint8_t select_ktp[] = {0xF0, 0x4B, 0x54, 0x50, 0x45, 0x4C, 0x31};

/* ---- apdu_case_of ------------------------------------------------------- */

static void test_case_of(void **state)
{
	(void)state;
	uint8_t d[1] = {0};
	struct {
		size_t nc, ne;
		apdu_case k;
	} t[] = {
		{0, 0, APDU_CASE_1},
		{0, 1, APDU_CASE_2S},	  {0, 256, APDU_CASE_2S},    {0, 257, APDU_CASE_2E},
		{0, 65536, APDU_CASE_2E}, {1, 0, APDU_CASE_3S},	     {255, 0, APDU_CASE_3S},
		{256, 0, APDU_CASE_3E},	  {65535, 0, APDU_CASE_3E},  {1, 1, APDU_CASE_4S},
		{255, 256, APDU_CASE_4S}, {255, 257, APDU_CASE_4E},  {256, 1, APDU_CASE_4E},
		{256, 256, APDU_CASE_4E}, {65535, 65536, APDU_CASE_4E},
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		apdu_cmd c = {.data = d, .nc = t[i].nc, .ne = t[i].ne};
		assert_int_equal(apdu_case_of(&c), t[i].k);
	}
}

/* ---- apdu_encode -------------------------------------------------------- */

/* Encode C and expect exactly the N bytes of WANT. */
static void encodes_to(const apdu_cmd *c, bool ext, const uint8_t *want, size_t n)
{
	uint8_t buf[600];
	assert_int_equal(apdu_encode(c, ext, buf, sizeof buf), n);
	assert_memory_equal(buf, want, n);
	/* One byte less is refused; exactly N is enough. */
	assert_int_equal(apdu_encode(c, ext, buf, n - 1), 0);
	assert_int_equal(apdu_encode(c, ext, buf, n), n);
}

static void test_encode_short(void **state)
{
	(void)state;
	apdu_cmd c1 = {.cla = 0x00, .ins = 0x70, .p1 = 0x80, .p2 = 0x01};
	encodes_to(&c1, false, B(0x00, 0x70, 0x80, 0x01));

	apdu_cmd c2 = {.cla = 0xFF, .ins = 0xCA, .ne = 256}; /* GET DATA (UID) */
	encodes_to(&c2, false, B(0xFF, 0xCA, 0x00, 0x00, 0x00));
	c2.ne = 8;
	encodes_to(&c2, false, B(0xFF, 0xCA, 0x00, 0x00, 0x08));

	apdu_cmd c3 = {.ins = 0xA4, .p1 = 0x04, .p2 = 0x0C, .data = select_ktp, .nc = 7};
	encodes_to(&c3, false,
		   B(0x00, 0xA4, 0x04, 0x0C, 0x07, 0xF0, 0x4B, 0x54, 0x50, 0x45, 0x4C, 0x31));

	apdu_cmd c4 = {.cla = 0x80, .ins = 0x8A, .data = select_ktp, .nc = 2, .ne = 0x10};
	encodes_to(&c4, false, B(0x80, 0x8A, 0x00, 0x00, 0x02, 0xF0, 0x4B, 0x10));
	c4.ne = 256;
	encodes_to(&c4, true, B(0x80, 0x8A, 0x00, 0x00, 0x02, 0xF0, 0x4B, 0x00));
}

static void test_encode_extended(void **state)
{
	(void)state;
	uint8_t big[300];
	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (uint8_t)i;
	uint8_t want[320];

	apdu_cmd c2 = {.ins = 0xB0, .ne = 257};
	encodes_to(&c2, true, B(0x00, 0xB0, 0x00, 0x00, 0x00, 0x01, 0x01));
	c2.ne = 65536;
	encodes_to(&c2, true, B(0x00, 0xB0, 0x00, 0x00, 0x00, 0x00, 0x00));
	c2.ne = 4096;
	encodes_to(&c2, true, B(0x00, 0xB0, 0x00, 0x00, 0x00, 0x10, 0x00));

	/* Case 3E: 00 Lc1 Lc2 data. */
	apdu_cmd c3 = {.ins = 0xD6, .data = big, .nc = 256};
	const uint8_t h3[] = {0x00, 0xD6, 0x00, 0x00, 0x00, 0x01, 0x00};
	memcpy(want, h3, sizeof h3);
	memcpy(want + sizeof h3, big, 256);
	encodes_to(&c3, true, want, sizeof h3 + 256);

	/* Case 4E: 00 Lc1 Lc2 data Le1 Le2 (Le without a leading 00). */
	apdu_cmd c4 = {.ins = 0x2A, .data = big, .nc = 1, .ne = 257};
	encodes_to(&c4, true, B(0x00, 0x2A, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x01));
	c4.nc = 300;
	c4.ne = 65536;
	const uint8_t h4[] = {0x00, 0x2A, 0x00, 0x00, 0x00, 0x01, 0x2C};
	memcpy(want, h4, sizeof h4);
	memcpy(want + sizeof h4, big, 300);
	want[sizeof h4 + 300] = 0x00;
	want[sizeof h4 + 301] = 0x00;
	encodes_to(&c4, true, want, sizeof h4 + 302);
	/* Nc 255 with Ne 257 is extended too. */
	c4.nc = 255;
	c4.ne = 257;
	uint8_t buf[600];
	size_t n = apdu_encode(&c4, true, buf, sizeof buf);
	assert_int_equal(n, 4 + 3 + 255 + 2);
	assert_int_equal(buf[4], 0x00);
	assert_int_equal(buf[5], 0x00);
	assert_int_equal(buf[6], 0xFF);
	assert_int_equal(buf[n - 2], 0x01);
	assert_int_equal(buf[n - 1], 0x01);
}

static void test_encode_refused(void **state)
{
	(void)state;
	uint8_t buf[600];
	static uint8_t big[65536];
	apdu_cmd c = {.ins = 0xB0, .ne = 257};
	assert_int_equal(apdu_encode(&c, false, buf, sizeof buf), 0); /* extended not allowed */
	c.ne = 65537;
	assert_int_equal(apdu_encode(&c, true, buf, sizeof buf), 0);
	apdu_cmd d = {.ins = 0xD6, .data = big, .nc = 65536};
	assert_int_equal(apdu_encode(&d, true, buf, sizeof buf), 0); /* Nc > 65535 */
	d.nc = 256;
	assert_int_equal(apdu_encode(&d, false, buf, sizeof buf), 0);
	assert_int_equal(apdu_encode(&d, true, buf, sizeof buf), 4 + 3 + 256);
	apdu_cmd e = {0};
	assert_int_equal(apdu_encode(&e, false, NULL, 0), 0); /* no room at all */
}

/* ---- apdu_decode -------------------------------------------------------- */

static apdu_cmd decode_ok(const uint8_t *b, size_t n)
{
	apdu_cmd c;
	memset(&c, 0xA5, sizeof c);
	assert_int_equal(apdu_decode(b, n, &c), APDU_OK);
	return c;
}

static void decode_bad(const uint8_t *b, size_t n)
{
	apdu_cmd c, zero;
	memset(&c, 0xA5, sizeof c);
	memset(&zero, 0, sizeof zero);
	assert_int_equal(apdu_decode(b, n, &c), APDU_ERR_ARG);
	assert_memory_equal(&c, &zero, sizeof c);
}

static void test_decode_cases(void **state)
{
	(void)state;
	apdu_cmd c = decode_ok(B(0x00, 0x70, 0x80, 0x01));
	assert_int_equal(c.ins, 0x70);
	assert_int_equal(c.p1, 0x80);
	assert_int_equal(c.p2, 0x01);
	assert_int_equal(c.nc, 0);
	assert_int_equal(c.ne, 0);
	assert_null(c.data);

	c = decode_ok(B(0xFF, 0xCA, 0x00, 0x00, 0x00));
	assert_int_equal(c.cla, 0xFF);
	assert_int_equal(c.ne, 256);
	c = decode_ok(B(0x00, 0x84, 0x00, 0x00, 0x08));
	assert_int_equal(c.ne, 8);

	static const uint8_t c3[] = {0x00, 0xA4, 0x02, 0x0C, 0x02, 0x4B, 0x01};
	c = decode_ok(c3, sizeof c3);
	assert_int_equal(c.nc, 2);
	assert_ptr_equal(c.data, c3 + 5);
	assert_int_equal(c.ne, 0);

	c = decode_ok(B(0x80, 0x8A, 0x00, 0x00, 0x01, 0xAA, 0x00));
	assert_int_equal(c.nc, 1);
	assert_int_equal(c.data[0], 0xAA);
	assert_int_equal(c.ne, 256);

	c = decode_ok(B(0x00, 0xB0, 0x00, 0x04, 0x00, 0x00, 0x00));
	assert_int_equal(c.ne, 65536);
	assert_int_equal(c.nc, 0);
	c = decode_ok(B(0x00, 0xB0, 0x00, 0x04, 0x00, 0x0F, 0xFC));
	assert_int_equal(c.ne, 4092);

	c = decode_ok(B(0x00, 0xD6, 0x00, 0x00, 0x00, 0x00, 0x02, 0x11, 0x22));
	assert_int_equal(c.nc, 2);
	assert_int_equal(c.ne, 0);
	assert_int_equal(c.data[1], 0x22);

	c = decode_ok(B(0x00, 0x2A, 0x00, 0x00, 0x00, 0x00, 0x01, 0x33, 0x00, 0x00));
	assert_int_equal(c.nc, 1);
	assert_int_equal(c.ne, 65536);
	c = decode_ok(B(0x00, 0x2A, 0x00, 0x00, 0x00, 0x00, 0x01, 0x33, 0x01, 0x01));
	assert_int_equal(c.ne, 257);
}

static void test_decode_invalid(void **state)
{
	(void)state;
	decode_bad(NULL, 0);
	decode_bad(B(0x00, 0xA4, 0x04));
	decode_bad(B(0x00, 0xA4, 0x04, 0x0C, 0x00, 0x01));             /* 00 xx: no case */
	decode_bad(B(0x00, 0xA4, 0x04, 0x0C, 0x03, 0x01, 0x02));       /* Lc 3, 2 bytes */
	decode_bad(B(0x00, 0xA4, 0x04, 0x0C, 0x01, 0x01, 0x02, 0x03)); /* Lc 1, 3 bytes */
	decode_bad(B(0x00, 0xD6, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01)); /* extended Lc 0 */
	decode_bad(B(0x00, 0xD6, 0x00, 0x00, 0x00, 0x00, 0x02, 0x11)); /* extended Lc 2, 1 byte */
	decode_bad(B(0x00, 0xD6, 0x00, 0x00, 0x00, 0x00, 0x01, 0x11, 0x00)); /* Le of 1 byte */
	decode_bad(B(0x00, 0xD6, 0x00, 0x00, 0x00, 0x00, 0x01, 0x11, 0x00, 0x00, 0x00));
}

static void test_round_trip(void **state)
{
	(void)state;
	static uint8_t data[70000];
	static uint8_t buf[APDU_EXT_MAX];
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (uint8_t)(i * 7);
	const size_t ncs[] = {0, 1, 2, 254, 255, 256, 257, 4096, 65535};
	const size_t nes[] = {0, 1, 255, 256, 257, 4096, 65535, 65536};
	for (size_t i = 0; i < sizeof ncs / sizeof ncs[0]; i++) {
		for (size_t j = 0; j < sizeof nes / sizeof nes[0]; j++) {
			apdu_cmd c = {0x80, 0x12, 0x34, 0x56, ncs[i] ? data : NULL, ncs[i], nes[j]};
			apdu_case k = apdu_case_of(&c);
			size_t n = apdu_encode(&c, true, buf, sizeof buf);
			assert_true(n > 0);
			assert_true(n <= (k >= APDU_CASE_2E ? (size_t)APDU_EXT_MAX : (size_t)APDU_SHORT_MAX));
			apdu_cmd d = decode_ok(buf, n);
			assert_int_equal(d.cla, 0x80);
			assert_int_equal(d.p2, 0x56);
			assert_int_equal(d.nc, c.nc);
			assert_int_equal(d.ne, c.ne);
			if (c.nc)
				assert_memory_equal(d.data, data, c.nc);
			assert_int_equal(apdu_case_of(&d), k);
			/* Short forms are refused exactly when the case is extended. */
			assert_int_equal(apdu_encode(&c, false, buf, sizeof buf) == 0,
					 k >= APDU_CASE_2E);
		}
	}
}

/* ---- apdu_exchange ------------------------------------------------------ */

static void test_exchange_simple(void **state)
{
	(void)state;
	const step st[] = {
		{B(0x00, 0xA4, 0x04, 0x0C, 0x07, 0xF0, 0x4B, 0x54, 0x50, 0x45, 0x4C, 0x31),
		 B(0x90, 0x00), APDU_OK},
	};
	script s = SCRIPT(st);
	apdu_cmd c = {.ins = 0xA4, .p1 = 0x04, .p2 = 0x0C, .data = select_ktp, .nc = 7};
	result r = run(&s, false, &c, NULL, 0);
	assert_int_equal(r.err, APDU_OK);
	assert_int_equal(r.len, 0);
	assert_int_equal(r.sw, SW_OK);
}

static void test_exchange_uid(void **state)
{
	(void)state;
	const step st[] = {
		{B(0xFF, 0xCA, 0x00, 0x00, 0x00), B(0x04, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x90, 0x00),
		 APDU_OK},
	};
	script s = SCRIPT(st);
	apdu_cmd c = {.cla = 0xFF, .ins = 0xCA, .ne = 256};
	uint8_t uid[10];
	result r = run(&s, false, &c, uid, sizeof uid);
	assert_int_equal(r.err, APDU_OK);
	assert_int_equal(r.len, 7);
	assert_int_equal(r.sw, 0x9000);
	assert_memory_equal(uid, ((const uint8_t[]){0x04, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66}), 7);
}

static void test_exchange_sw_is_data(void **state)
{
	(void)state;
	const step st[] = {
		{B(0x00, 0xA4, 0x04, 0x0C, 0x07, 0xF0, 0x4B, 0x54, 0x50, 0x45, 0x4C, 0x31),
		 B(0x6A, 0x82), APDU_OK},
	};
	script s = SCRIPT(st);
	apdu_cmd c = {.ins = 0xA4, .p1 = 0x04, .p2 = 0x0C, .data = select_ktp, .nc = 7};
	result r = run(&s, false, &c, NULL, 0);
	assert_int_equal(r.err, APDU_OK);
	assert_int_equal(r.sw, 0x6A82);
	assert_int_equal(r.len, 0);

	/* A warning with data: the data is kept. */
	const step st2[] = {
		{B(0x00, 0xB0, 0x00, 0x00, 0x04), B(0x70, 0x82, 0x62, 0x82), APDU_OK},
	};
	script s2 = SCRIPT(st2);
	apdu_cmd c2 = {.ins = 0xB0, .ne = 4};
	uint8_t buf[4];
	r = run(&s2, false, &c2, buf, sizeof buf);
	assert_int_equal(r.err, APDU_OK);
	assert_int_equal(r.sw, 0x6282);
	assert_int_equal(r.len, 2);
	assert_int_equal(buf[0], 0x70);
	assert_int_equal(buf[1], 0x82);
}

static void test_exchange_get_response_rounds(void **state)
{
	(void)state;
	/* Step 5 of the profile over T=0: 6110, then the card hands out
	 * 16 + 256 + 5 bytes in three GET RESPONSE rounds (CLA 80 kept). */
	uint8_t a1[16 + 2], a2[256 + 2], a3[5 + 2];
	for (size_t i = 0; i < sizeof a1 - 2; i++)
		a1[i] = (uint8_t)i;
	a1[16] = 0x61;
	a1[17] = 0x00;
	for (size_t i = 0; i < 256; i++)
		a2[i] = (uint8_t)(16 + i);
	a2[256] = 0x61;
	a2[257] = 0x05;
	for (size_t i = 0; i < 5; i++)
		a3[i] = (uint8_t)(16 + 256 + i);
	a3[5] = 0x90;
	a3[6] = 0x00;
	const step st[] = {
		{B(0x80, 0x8A, 0x00, 0x00, 0x02, 0x01, 0x02, 0x10), B(0x61, 0x10), APDU_OK},
		{B(0x80, 0xC0, 0x00, 0x00, 0x10), a1, sizeof a1, APDU_OK},
		{B(0x80, 0xC0, 0x00, 0x00, 0x00), a2, sizeof a2, APDU_OK},
		{B(0x80, 0xC0, 0x00, 0x00, 0x05), a3, sizeof a3, APDU_OK},
	};
	script s = SCRIPT(st);
	uint8_t d[] = {0x01, 0x02};
	apdu_cmd c = {.cla = 0x80, .ins = 0x8A, .data = d, .nc = 2, .ne = 0x10};
	uint8_t out[277];
	result r = run(&s, false, &c, out, sizeof out);
	assert_int_equal(r.err, APDU_OK);
	assert_int_equal(r.sw, SW_OK);
	assert_int_equal(r.len, 277);
	for (size_t i = 0; i < 277; i++)
		assert_int_equal(out[i], (uint8_t)i);

	/* The same into a buffer one byte short: TOOBIG after chaining. */
	script s2 = SCRIPT(st);
	r = run(&s2, false, &c, out, sizeof out - 1);
	assert_int_equal(r.err, APDU_ERR_TOOBIG);
}

/* A transcript of 1 + ROUNDS steps: C answered 61 01, each GET RESPONSE
 * answered one byte and 61 01, the last one ending with LAST_SW. */
static step *rounds_script(size_t rounds, uint16_t last_sw, uint8_t (*ans)[3])
{
	step *st = calloc(rounds + 1, sizeof *st);
	assert_non_null(st);
	static const uint8_t cmd[] = {0x00, 0xB0, 0x00, 0x00, 0x01};
	static const uint8_t gr[] = {0x00, 0xC0, 0x00, 0x00, 0x01};
	static const uint8_t first[] = {0x61, 0x01};
	st[0] = (step){cmd, sizeof cmd, first, sizeof first, APDU_OK};
	for (size_t i = 1; i <= rounds; i++) {
		ans[i][0] = (uint8_t)i;
		ans[i][1] = i == rounds ? (uint8_t)(last_sw >> 8) : 0x61;
		ans[i][2] = i == rounds ? (uint8_t)last_sw : 0x01;
		st[i] = (step){gr, sizeof gr, ans[i], 3, APDU_OK};
	}
	return st;
}

static void test_exchange_get_response_cap(void **state)
{
	(void)state;
	static uint8_t ans[APDU_GET_RESPONSE_MAX + 1][3];
	uint8_t out[APDU_GET_RESPONSE_MAX + 1];
	apdu_cmd c = {.ins = 0xB0, .ne = 1};

	/* Exactly APDU_GET_RESPONSE_MAX rounds: fine. */
	step *st = rounds_script(APDU_GET_RESPONSE_MAX, 0x9000, ans);
	script s = {st, APDU_GET_RESPONSE_MAX + 1, 0};
	result r = run(&s, false, &c, out, sizeof out);
	assert_int_equal(r.err, APDU_OK);
	assert_int_equal(r.len, APDU_GET_RESPONSE_MAX);
	assert_int_equal(out[APDU_GET_RESPONSE_MAX - 1], (uint8_t)APDU_GET_RESPONSE_MAX);
	free(st);

	/* Still 61xx after the last round allowed: PROTO, no further round. */
	st = rounds_script(APDU_GET_RESPONSE_MAX, 0x6101, ans);
	script s2 = {st, APDU_GET_RESPONSE_MAX + 1, 0};
	r = run(&s2, false, &c, out, sizeof out);
	assert_int_equal(r.err, APDU_ERR_PROTO);
	free(st);
}

static void test_exchange_6c_retry(void **state)
{
	(void)state;
	const step st[] = {
		{B(0x00, 0xB0, 0x00, 0x00, 0x00), B(0x6C, 0x04), APDU_OK},
		{B(0x00, 0xB0, 0x00, 0x00, 0x04), B(0x70, 0x81, 0x90, 0x00, 0x90, 0x00), APDU_OK},
	};
	script s = SCRIPT(st);
	apdu_cmd c = {.ins = 0xB0, .ne = 256};
	uint8_t out[8];
	result r = run(&s, false, &c, out, sizeof out);
	assert_int_equal(r.err, APDU_OK);
	assert_int_equal(r.sw, SW_OK);
	assert_int_equal(r.len, 4);
	assert_memory_equal(out, ((const uint8_t[]){0x70, 0x81, 0x90, 0x00}), 4);

	/* A case-3 command gains an Le; 6C00 means 256. */
	const step st2[] = {
		{B(0x80, 0x10, 0x00, 0x00, 0x01, 0xAB), B(0x6C, 0x00), APDU_OK},
		{B(0x80, 0x10, 0x00, 0x00, 0x01, 0xAB, 0x00), B(0x01, 0x90, 0x00), APDU_OK},
	};
	script s2 = SCRIPT(st2);
	uint8_t d = 0xAB;
	apdu_cmd c2 = {.cla = 0x80, .ins = 0x10, .data = &d, .nc = 1};
	r = run(&s2, false, &c2, out, sizeof out);
	assert_int_equal(r.err, APDU_OK);
	assert_int_equal(r.len, 1);
}

static void test_exchange_second_6c_returned(void **state)
{
	(void)state;
	const step st[] = {
		{B(0x00, 0xB0, 0x00, 0x00, 0x10), B(0x6C, 0x04), APDU_OK},
		{B(0x00, 0xB0, 0x00, 0x00, 0x04), B(0x6C, 0x08), APDU_OK},
	};
	script s = SCRIPT(st);
	apdu_cmd c = {.ins = 0xB0, .ne = 16};
	uint8_t out[16];
	result r = run(&s, false, &c, out, sizeof out);
	assert_int_equal(r.err, APDU_OK);
	assert_int_equal(r.sw, 0x6C08);
	assert_int_equal(r.len, 0);
}

static void test_exchange_6c_on_get_response(void **state)
{
	(void)state;
	/* 61 20, GET RESPONSE Le 20 answered 6C 10: the GET RESPONSE (not C)
	 * goes again with Le 10. */
	uint8_t a[16 + 2];
	memset(a, 0x5A, 16);
	a[16] = 0x90;
	a[17] = 0x00;
	const step st[] = {
		{B(0x00, 0x88, 0x00, 0x00, 0x01, 0x42, 0x00), B(0x61, 0x20), APDU_OK},
		{B(0x00, 0xC0, 0x00, 0x00, 0x20), B(0x6C, 0x10), APDU_OK},
		{B(0x00, 0xC0, 0x00, 0x00, 0x10), a, sizeof a, APDU_OK},
	};
	script s = SCRIPT(st);
	uint8_t d = 0x42;
	apdu_cmd c = {.ins = 0x88, .data = &d, .nc = 1, .ne = 256};
	uint8_t out[32];
	result r = run(&s, false, &c, out, sizeof out);
	assert_int_equal(r.err, APDU_OK);
	assert_int_equal(r.len, 16);
	assert_int_equal(out[15], 0x5A);
}

static void test_exchange_too_short(void **state)
{
	(void)state;
	const step one[] = {{B(0x00, 0x84, 0x00, 0x00, 0x08), B(0x90), APDU_OK}};
	script s = SCRIPT(one);
	apdu_cmd c = {.ins = 0x84, .ne = 8};
	uint8_t out[8];
	assert_int_equal(run(&s, false, &c, out, sizeof out).err, APDU_ERR_PROTO);

	const step none[] = {{B(0x00, 0x84, 0x00, 0x00, 0x08), NONE, APDU_OK}};
	script s2 = SCRIPT(none);
	assert_int_equal(run(&s2, false, &c, out, sizeof out).err, APDU_ERR_PROTO);

	/* ... also in a GET RESPONSE round. */
	const step gr[] = {
		{B(0x00, 0x84, 0x00, 0x00, 0x08), B(0x61, 0x08), APDU_OK},
		{B(0x00, 0xC0, 0x00, 0x00, 0x08), B(0x61), APDU_OK},
	};
	script s3 = SCRIPT(gr);
	assert_int_equal(run(&s3, false, &c, out, sizeof out).err, APDU_ERR_PROTO);
}

static void test_exchange_toobig(void **state)
{
	(void)state;
	const step st[] = {
		{B(0x00, 0x84, 0x00, 0x00, 0x08), B(1, 2, 3, 4, 5, 6, 7, 8, 0x90, 0x00), APDU_OK},
	};
	apdu_cmd c = {.ins = 0x84, .ne = 8};
	uint8_t out[8];
	script s = SCRIPT(st);
	assert_int_equal(run(&s, false, &c, out, 7).err, APDU_ERR_TOOBIG);
	script s2 = SCRIPT(st);
	result r = run(&s2, false, &c, out, 8);
	assert_int_equal(r.err, APDU_OK);
	assert_int_equal(r.len, 8);
	/* No buffer at all: only a bare status word fits. */
	script s3 = SCRIPT(st);
	assert_int_equal(run(&s3, false, &c, NULL, 0).err, APDU_ERR_TOOBIG);
}

static void test_exchange_transport_errors(void **state)
{
	(void)state;
	const apdu_err errs[] = {APDU_ERR_TIMEOUT, APDU_ERR_GONE, APDU_ERR_NO_CARD,
				 APDU_ERR_MUTE, APDU_ERR_IO, APDU_ERR_TOOBIG};
	for (size_t i = 0; i < sizeof errs / sizeof errs[0]; i++) {
		/* Mid-chain: the data of the first part is not reported. */
		const step st[] = {
			{B(0x00, 0xB0, 0x00, 0x00, 0x00), B(0x11, 0x61, 0x04), APDU_OK},
			{B(0x00, 0xC0, 0x00, 0x00, 0x04), NONE, errs[i]},
		};
		script s = SCRIPT(st);
		apdu_cmd c = {.ins = 0xB0, .ne = 256};
		uint8_t out[16];
		assert_int_equal(run(&s, false, &c, out, sizeof out).err, errs[i]);
	}
}

static void test_exchange_deadline_passed(void **state)
{
	(void)state;
	script s = {NULL, 0, 0};
	apdu_io io = io_of(&s, false);
	apdu_cmd c = {.ins = 0x84, .ne = 8};
	size_t len = 9;
	uint16_t sw = 1;
	uint8_t out[8];
	assert_int_equal(apdu_exchange(&io, &c, out, sizeof out, &len, &sw, xport_now_ms() - 1),
			 APDU_ERR_TIMEOUT);
	assert_int_equal(s.pos, 0);
	assert_int_equal(len, 0);
	assert_int_equal(sw, 0);
}

static void test_exchange_extended(void **state)
{
	(void)state;
	/* Step 9 on an extended-APDU reader: one READ BINARY of 4092 bytes. */
	static uint8_t a[4092 + 2];
	for (size_t i = 0; i < 4092; i++)
		a[i] = (uint8_t)(i ^ 0x55);
	a[4092] = 0x90;
	a[4093] = 0x00;
	const step st[] = {{B(0x00, 0xB0, 0x00, 0x04, 0x00, 0x0F, 0xFC), a, sizeof a, APDU_OK}};
	script s = SCRIPT(st);
	apdu_cmd c = {.ins = 0xB0, .p2 = 0x04, .ne = 4092};
	static uint8_t out[4096];
	result r = run(&s, true, &c, out, sizeof out);
	assert_int_equal(r.err, APDU_OK);
	assert_int_equal(r.len, 4092);
	assert_memory_equal(out, a, 4092);

	/* On a short-only link: refused before any exchange. */
	script s2 = {NULL, 0, 0};
	assert_int_equal(run(&s2, false, &c, out, sizeof out).err, APDU_ERR_ARG);
	/* Too large for any link. */
	apdu_cmd big = {.ins = 0xB0, .ne = 65537};
	script s3 = {NULL, 0, 0};
	assert_int_equal(run(&s3, true, &big, out, sizeof out).err, APDU_ERR_ARG);
}

static void test_err_names(void **state)
{
	(void)state;
	const apdu_err all[] = {APDU_OK,	  APDU_ERR_TIMEOUT, APDU_ERR_GONE,
				APDU_ERR_NO_CARD, APDU_ERR_MUTE,    APDU_ERR_IO,
				APDU_ERR_PROTO,	  APDU_ERR_TOOBIG,  APDU_ERR_ARG,
				APDU_ERR_UNSUPPORTED, APDU_ERR_NOMEM};
	size_t n = sizeof all / sizeof all[0];
	for (size_t i = 0; i < n; i++) {
		const char *a = apdu_err_name(all[i]);
		assert_non_null(a);
		assert_true(a[0] != '\0');
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(a, apdu_err_name(all[j]));
	}
	assert_non_null(apdu_err_name((apdu_err)-99));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_case_of),
		cmocka_unit_test(test_encode_short),
		cmocka_unit_test(test_encode_extended),
		cmocka_unit_test(test_encode_refused),
		cmocka_unit_test(test_decode_cases),
		cmocka_unit_test(test_decode_invalid),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_exchange_simple),
		cmocka_unit_test(test_exchange_uid),
		cmocka_unit_test(test_exchange_sw_is_data),
		cmocka_unit_test(test_exchange_get_response_rounds),
		cmocka_unit_test(test_exchange_get_response_cap),
		cmocka_unit_test(test_exchange_6c_retry),
		cmocka_unit_test(test_exchange_second_6c_returned),
		cmocka_unit_test(test_exchange_6c_on_get_response),
		cmocka_unit_test(test_exchange_too_short),
		cmocka_unit_test(test_exchange_toobig),
		cmocka_unit_test(test_exchange_transport_errors),
		cmocka_unit_test(test_exchange_deadline_passed),
		cmocka_unit_test(test_exchange_extended),
		cmocka_unit_test(test_err_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_t1: ISO/IEC 7816-3 T=1 (drivers/t1.c): the block codec and the host
 * side of the protocol.
 *
 * The codec: LRC, the CRC-16/X-25 check value and its byte order in a
 * block, the exact bytes of built blocks, and every refusal of the parser
 * (bad EDC, short, LEN against the size, LEN 255, reserved PCB bits in I-,
 * R- and S-blocks, an R-block with INF).
 *
 * The engine runs over transcripts: a scripted fake of the XfrBlock pipe
 * holding, for each exchange, the block the host must send and the card's
 * answer (built with the codec, optionally spoiled: a bad EDC, raw bytes,
 * nothing at all, or a transport error), failing the test on any other
 * bytes, on an exchange beyond the script and on a step left over; it also
 * checks t->wtx_mult during each exchange. Two transcripts are written out
 * byte for byte (LRC and CRC) to pin the wire format itself.
 *
 * Covered: a simple exchange and the sequence numbers after it, host
 * chaining of an APDU longer than IFSC, card chaining, IFS negotiation
 * (answered, answered wrongly then rightly, never answered), the card's
 * IFS request in the middle of a chain, WTX, a bad EDC or a malformed or
 * missing block from the card recovered with an R-block naming the error,
 * the card asking for our I-block again, a garbled R-block acknowledgement
 * and a lost host R-block retransmitted, retries exhausted leading to
 * S(RESYNCH) and APDU_ERR_PROTO with the sequence numbers reset (also when
 * the resynchronisation is not answered), S(ABORT), unexpected S-responses,
 * I-blocks out of sequence or over IFSD, an answer too big for the caller
 * (read to its end), CRC mode, transport errors and a past deadline ending
 * the exchange at once, and one apdu_exchange with 61xx over T=1.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "t1.h"
#include "xport.h"

#define B(...) (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__})

/* ---- blocks and the transcript -------------------------------------------- */

typedef struct blk {
	uint8_t pcb;
	const uint8_t *inf;
	size_t len;
} blk;

static blk iblk(int ns, bool more, const uint8_t *inf, size_t len)
{
	return (blk){(uint8_t)((ns ? T1_I_NS : 0) | (more ? T1_I_MORE : 0)), inf, len};
}

static blk rblk(int nr, uint8_t err)
{
	return (blk){(uint8_t)(T1_R_BLOCK | (nr ? T1_R_NR : 0) | err), NULL, 0};
}

static blk sblk(uint8_t pcb, const uint8_t *inf, size_t len)
{
	return (blk){pcb, inf, len};
}

enum {
	S_RESYNCH_REQ = 0xC0, S_RESYNCH_RSP = 0xE0, S_IFS_REQ = 0xC1, S_IFS_RSP = 0xE1,
	S_ABORT_REQ = 0xC2, S_ABORT_RSP = 0xE2, S_WTX_REQ = 0xC3, S_WTX_RSP = 0xE3,
};

typedef enum {
	ANS_BLOCK = 0, /* the card block, well formed */
	ANS_BAD_EDC,   /* the card block with its last EDC byte flipped */
	ANS_RAW,       /* the raw bytes (possibly none) */
	ANS_ERR,       /* no answer: the pipe returns err */
} ans_kind;

/* One exchange: the block the host must send (or raw bytes), and the answer. */
typedef struct step {
	blk host;
	const uint8_t *host_raw; /* when set: the exact bytes instead of HOST */
	size_t host_raw_len;
	ans_kind kind;
	blk card;
	const uint8_t *raw; /* ANS_RAW */
	size_t raw_len;
	apdu_err err;       /* ANS_ERR */
	uint8_t wtx;        /* t->wtx_mult expected during the exchange */
} step;

typedef struct script {
	const step *steps;
	size_t n, pos;
	bool crc;
	const t1 *t;
} script;

static apdu_err fake_xfr(void *ctx, const uint8_t *in, size_t n, uint8_t *out, size_t cap,
			 size_t *got, int64_t deadline_ms)
{
	script *s = ctx;
	assert_true(deadline_ms > xport_now_ms());
	assert_true(s->pos < s->n); /* an exchange the transcript does not have */
	const step *st = &s->steps[s->pos++];

	uint8_t want[T1_BLOCK_MAX];
	size_t want_len;
	if (st->host_raw) {
		want_len = st->host_raw_len;
		memcpy(want, st->host_raw, want_len);
	} else {
		want_len = t1_block_build(want, sizeof want, 0, st->host.pcb, st->host.inf,
					  st->host.len, s->crc);
		assert_true(want_len > 0);
	}
	assert_int_equal(n, want_len);
	assert_memory_equal(in, want, n);
	if (s->t)
		assert_int_equal(s->t->wtx_mult, st->wtx);

	uint8_t ans[T1_BLOCK_MAX + 8];
	size_t ans_len = 0;
	switch (st->kind) {
	case ANS_ERR:
		return st->err;
	case ANS_RAW:
		ans_len = st->raw_len;
		if (ans_len > 0)
			memcpy(ans, st->raw, ans_len);
		break;
	case ANS_BLOCK:
	case ANS_BAD_EDC:
		ans_len = t1_block_build(ans, sizeof ans, 0, st->card.pcb, st->card.inf,
					 st->card.len, s->crc);
		assert_true(ans_len > 0);
		if (st->kind == ANS_BAD_EDC)
			ans[ans_len - 1] ^= 0x01;
		break;
	}
	if (ans_len > cap)
		return APDU_ERR_TOOBIG;
	if (ans_len > 0)
		memcpy(out, ans, ans_len);
	*got = ans_len;
	return APDU_OK;
}

static int64_t later(void)
{
	return xport_deadline_in(10000);
}

/* Shorthands for steps. */
#define TO(h, c) {.host = (h), .card = (c)}
#define TO_BAD(h, c) {.host = (h), .kind = ANS_BAD_EDC, .card = (c)}
#define TO_RAW(h, ...) {.host = (h), .kind = ANS_RAW, .raw = (const uint8_t[]){__VA_ARGS__}, \
			.raw_len = sizeof((const uint8_t[]){__VA_ARGS__})}
#define TO_NOTHING(h) {.host = (h), .kind = ANS_RAW}
#define TO_ERR(h, e) {.host = (h), .kind = ANS_ERR, .err = (e)}
#define N_STEPS(a) (sizeof(a) / sizeof((a)[0]))

/* t1_transmit of IN/N over the steps; checks that all were used. */
static apdu_err xmit(t1 *t, const step *steps, size_t nsteps, const uint8_t *in, size_t n,
		     uint8_t *out, size_t cap, size_t *got)
{
	script s = {steps, nsteps, 0, t->crc, t};
	apdu_io raw = {.xfr = fake_xfr, .ctx = &s};
	*got = 12345;
	apdu_err e = t1_transmit(t, &raw, in, n, out, cap, got, later());
	assert_int_equal(s.pos, s.n); /* no step left over */
	assert_int_equal(t->wtx_mult, 0);
	if (e != APDU_OK)
		assert_int_equal(*got, 0);
	return e;
}

static const uint8_t get_challenge[] = {0x00, 0x84, 0x00, 0x00, 0x08};
static const uint8_t challenge[] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x90, 0x00};
static const uint8_t sw_ok[] = {0x90, 0x00};

/* ---- codec ---------------------------------------------------------------- */

static void test_edc(void **state)
{
	(void)state;
	assert_int_equal(t1_lrc(B(0x00, 0x00, 0x05, 0x00, 0x84, 0x00, 0x00, 0x08)), 0x89);
	assert_int_equal(t1_lrc(NULL, 0), 0);
	/* The CRC-16/X-25 check value. */
	assert_int_equal(t1_crc((const uint8_t *)"123456789", 9), 0x906E);
}

static void test_build(void **state)
{
	(void)state;
	uint8_t b[T1_BLOCK_MAX];
	assert_int_equal(t1_block_build(b, sizeof b, 0, 0x00, get_challenge, 5, false), 9);
	assert_memory_equal(b, ((const uint8_t[]){0x00, 0x00, 0x05, 0x00, 0x84, 0x00, 0x00, 0x08,
						  0x89}),
			    9);
	/* CRC high byte first. */
	assert_int_equal(t1_block_build(b, sizeof b, 0, 0x00, get_challenge, 5, true), 10);
	assert_int_equal(b[8], 0x44);
	assert_int_equal(b[9], 0x3E);
	assert_int_equal(t1_block_build(b, sizeof b, 0, 0x81, NULL, 0, true), 5);
	assert_memory_equal(b, ((const uint8_t[]){0x00, 0x81, 0x00, 0x53, 0xD8}), 5);
	/* Refusals: INF of 255, no room, INF missing. */
	static uint8_t inf[255];
	assert_int_equal(t1_block_build(b, sizeof b, 0, 0x00, inf, 255, false), 0);
	assert_int_equal(t1_block_build(b, sizeof b, 0, 0x00, inf, 254, false), T1_BLOCK_MAX - 1);
	assert_int_equal(t1_block_build(b, sizeof b, 0, 0x00, inf, 254, true), T1_BLOCK_MAX);
	assert_int_equal(t1_block_build(b, 8, 0, 0x00, get_challenge, 5, false), 0);
	assert_int_equal(t1_block_build(b, sizeof b, 0, 0x00, NULL, 1, false), 0);
}

static t1_block_err parse(const uint8_t *b, size_t n, bool crc)
{
	t1_block out;
	return t1_block_parse(b, n, crc, &out);
}

static void test_parse(void **state)
{
	(void)state;
	t1_block out;
	static const uint8_t ib[] = {0x00, 0x40, 0x02, 0x90, 0x00, 0xD2};
	assert_int_equal(t1_block_parse(ib, sizeof ib, false, &out), T1_BLOCK_OK);
	assert_int_equal(out.kind, T1_I);
	assert_int_equal(out.pcb, 0x40);
	assert_int_equal(out.len, 2);
	assert_ptr_equal(out.inf, ib + 3);
	assert_int_equal(parse(B(0x00, 0x40, 0x02, 0x90, 0x00, 0x75, 0x25), true), T1_BLOCK_OK);
	assert_int_equal(parse(B(0x00, 0x40, 0x02, 0x90, 0x00, 0x25, 0x75), true), T1_BLOCK_EDC);
	assert_int_equal(parse(B(0x00, 0x40, 0x02, 0x90, 0x00, 0xD3), false), T1_BLOCK_EDC);
	assert_int_equal(t1_block_parse(B(0x00, 0x92, 0x00, 0x92), false, &out), T1_BLOCK_OK);
	assert_int_equal(out.kind, T1_R);
	assert_int_equal(t1_block_parse(B(0x00, 0xE3, 0x01, 0x05, 0xE7), false, &out), T1_BLOCK_OK);
	assert_int_equal(out.kind, T1_S);
	assert_int_equal(out.inf[0], 0x05);

	/* Format errors. */
	assert_int_equal(parse(B(0x00, 0x00, 0x00), false), T1_BLOCK_FORMAT);          /* short */
	assert_int_equal(parse(NULL, 0, false), T1_BLOCK_FORMAT);
	assert_int_equal(parse(B(0x00, 0x00, 0x00, 0x00), true), T1_BLOCK_FORMAT);    /* CRC short */
	assert_int_equal(parse(B(0x00, 0x00, 0x02, 0x90, 0x92), false), T1_BLOCK_FORMAT); /* LEN */
	assert_int_equal(parse(B(0x00, 0x00, 0x01, 0x90, 0x00, 0x91), false), T1_BLOCK_FORMAT);
	assert_int_equal(parse(B(0x00, 0x00, 0xFF, 0xFF), false), T1_BLOCK_FORMAT);  /* LEN 255 */
	assert_int_equal(parse(B(0x00, 0x01, 0x00, 0x01), false), T1_BLOCK_FORMAT);  /* I bits 1-5 */
	assert_int_equal(parse(B(0x00, 0xA0, 0x00, 0xA0), false), T1_BLOCK_FORMAT);  /* R bit 6 */
	assert_int_equal(parse(B(0x00, 0x84, 0x00, 0x84), false), T1_BLOCK_FORMAT);  /* R bit 3 */
	assert_int_equal(parse(B(0x00, 0x83, 0x00, 0x83), false), T1_BLOCK_FORMAT);  /* R error 11 */
	assert_int_equal(parse(B(0x00, 0x80, 0x01, 0x00, 0x81), false), T1_BLOCK_FORMAT); /* R INF */
	assert_int_equal(parse(B(0x00, 0xC4, 0x00, 0xC4), false), T1_BLOCK_FORMAT);  /* S type 4 */
	assert_int_equal(parse(B(0x00, 0xDF, 0x00, 0xDF), false), T1_BLOCK_FORMAT);
}

/* ---- init and the simple exchange --------------------------------------- */

static void test_init(void **state)
{
	(void)state;
	t1 t;
	memset(&t, 0xA5, sizeof t);
	t1_init(&t, 0x20, true);
	assert_int_equal(t.ns, 0);
	assert_int_equal(t.nr, 0);
	assert_int_equal(t.ifsc, 0x20);
	assert_int_equal(t.ifsd, T1_IFSD);
	assert_int_equal(t.nad, 0);
	assert_true(t.crc);
	assert_int_equal(t.wtx_mult, 0);
	assert_int_equal(t.retransmits + t.resyncs + t.wtx, 0);
}

static void test_simple_exchange_bytes(void **state)
{
	(void)state;
	t1 t;
	t1_init(&t, 32, false);
	const step st[] = {
		{.host_raw = B(0x00, 0x00, 0x05, 0x00, 0x84, 0x00, 0x00, 0x08, 0x89),
		 .kind = ANS_RAW,
		 .raw = B(0x00, 0x00, 0x0A, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x90,
			  0x00, 0x12)},
	};
	uint8_t out[16];
	size_t got;
	assert_int_equal(xmit(&t, st, 1, get_challenge, 5, out, sizeof out, &got), APDU_OK);
	assert_int_equal(got, 10);
	assert_memory_equal(out, challenge, 10);
	assert_int_equal(t.ns, 1);
	assert_int_equal(t.nr, 1);

	/* The next exchange runs with N(S) 1 both ways, then back to 0. */
	const step st2[] = {
		TO(iblk(1, false, get_challenge, 5), iblk(1, false, challenge, 10)),
	};
	assert_int_equal(xmit(&t, st2, 1, get_challenge, 5, out, sizeof out, &got), APDU_OK);
	assert_int_equal(t.ns, 0);
	assert_int_equal(t.nr, 0);
	assert_int_equal(t.retransmits + t.resyncs + t.wtx, 0);
}

static void test_crc_mode(void **state)
{
	(void)state;
	t1 t;
	t1_init(&t, 32, true);
	const step st[] = {
		{.host_raw = B(0x00, 0x00, 0x05, 0x00, 0x84, 0x00, 0x00, 0x08, 0x44, 0x3E),
		 .kind = ANS_RAW,
		 .raw = B(0x00, 0x00, 0x0A, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x90,
			  0x00, 0x95, 0x27)},
	};
	uint8_t out[16];
	size_t got;
	assert_int_equal(xmit(&t, st, 1, get_challenge, 5, out, sizeof out, &got), APDU_OK);
	assert_int_equal(got, 10);
	/* A CRC error is recovered like an LRC error. */
	const step st2[] = {
		TO_BAD(iblk(1, false, get_challenge, 5), iblk(1, false, challenge, 10)),
		TO(rblk(1, T1_R_ERR_EDC), iblk(1, false, challenge, 10)),
	};
	assert_int_equal(xmit(&t, st2, N_STEPS(st2), get_challenge, 5, out, sizeof out, &got),
			 APDU_OK);
	assert_int_equal(got, 10);
	/* An LRC-sized block is malformed in CRC mode. */
	t.ns = t.nr = 0;
	const step st3[] = {
		TO_RAW(iblk(0, false, get_challenge, 5), 0x00, 0x00, 0x02, 0x90, 0x00, 0x92),
		TO(rblk(0, T1_R_ERR_OTHER), iblk(0, false, sw_ok, 2)),
	};
	assert_int_equal(xmit(&t, st3, N_STEPS(st3), get_challenge, 5, out, sizeof out, &got),
			 APDU_OK);
	assert_int_equal(got, 2);
}

/* ---- chaining ------------------------------------------------------------ */

static void test_host_chaining(void **state)
{
	(void)state;
	/* A 40-byte APDU, IFSC 16: 16 + 16 + 8. */
	uint8_t apdu[40];
	for (size_t i = 0; i < sizeof apdu; i++)
		apdu[i] = (uint8_t)(0xA0 + i);
	t1 t;
	t1_init(&t, 16, false);
	const step st[] = {
		TO(iblk(0, true, apdu, 16), rblk(1, 0)),
		TO(iblk(1, true, apdu + 16, 16), rblk(0, 0)),
		TO(iblk(0, false, apdu + 32, 8), iblk(0, false, sw_ok, 2)),
	};
	uint8_t out[4];
	size_t got;
	assert_int_equal(xmit(&t, st, N_STEPS(st), apdu, sizeof apdu, out, sizeof out, &got),
			 APDU_OK);
	assert_int_equal(got, 2);
	assert_int_equal(t.ns, 1);
	assert_int_equal(t.nr, 1);

	/* Exactly IFSC bytes: one block, no chaining. */
	t1_init(&t, 16, false);
	const step st2[] = {TO(iblk(0, false, apdu, 16), iblk(0, false, sw_ok, 2))};
	assert_int_equal(xmit(&t, st2, 1, apdu, 16, out, sizeof out, &got), APDU_OK);
}

static void test_card_chaining(void **state)
{
	(void)state;
	static uint8_t ans[254 + 254 + 100];
	for (size_t i = 0; i < sizeof ans; i++)
		ans[i] = (uint8_t)(i * 3);
	t1 t;
	t1_init(&t, 32, false);
	/* Each R-block names the card's next N(S): 1, then 0. */
	const step right[] = {
		TO(iblk(0, false, get_challenge, 5), iblk(0, true, ans, 254)),
		TO(rblk(1, 0), iblk(1, true, ans + 254, 254)),
		TO(rblk(0, 0), iblk(0, false, ans + 508, 100)),
	};
	static uint8_t out[sizeof ans];
	size_t got;
	assert_int_equal(xmit(&t, right, N_STEPS(right), get_challenge, 5, out, sizeof out, &got),
			 APDU_OK);
	assert_int_equal(got, sizeof ans);
	assert_memory_equal(out, ans, sizeof ans);
	assert_int_equal(t.ns, 1);
	assert_int_equal(t.nr, 1); /* three card blocks: 0, 1, 0 */
}

static void test_answer_too_big_read_to_end(void **state)
{
	(void)state;
	static uint8_t ans[300];
	memset(ans, 0x77, sizeof ans);
	t1 t;
	t1_init(&t, 32, false);
	const step st[] = {
		TO(iblk(0, false, get_challenge, 5), iblk(0, true, ans, 200)),
		TO(rblk(1, 0), iblk(1, false, ans, 100)),
	};
	static uint8_t out[299];
	size_t got;
	assert_int_equal(xmit(&t, st, N_STEPS(st), get_challenge, 5, out, sizeof out, &got),
			 APDU_ERR_TOOBIG);
	/* The channel is in step: the next exchange starts at N(S) 1, N(R) 0. */
	assert_int_equal(t.ns, 1);
	assert_int_equal(t.nr, 0);
}

/* ---- S-blocks ---------------------------------------------------------- */

static void test_negotiate_ifsd(void **state)
{
	(void)state;
	t1 t;
	t1_init(&t, 32, false);
	uint8_t fe = T1_IFSD;
	const step st[] = {TO(sblk(S_IFS_REQ, &fe, 1), sblk(S_IFS_RSP, &fe, 1))};
	script s = {st, 1, 0, false, &t};
	apdu_io raw = {.xfr = fake_xfr, .ctx = &s};
	assert_int_equal(t1_negotiate_ifsd(&t, &raw, later()), APDU_OK);
	assert_int_equal(s.pos, 1);
	assert_int_equal(t.ns, 0); /* S-blocks leave the sequence numbers */

	/* A wrong value, then a bad EDC, then the right answer: the request
	 * is sent again each time. */
	const step st2[] = {
		TO(sblk(S_IFS_REQ, &fe, 1), sblk(S_IFS_RSP, B(0x20))),
		TO_BAD(sblk(S_IFS_REQ, &fe, 1), sblk(S_IFS_RSP, &fe, 1)),
		TO(sblk(S_IFS_REQ, &fe, 1), sblk(S_IFS_RSP, &fe, 1)),
	};
	script s2 = {st2, N_STEPS(st2), 0, false, &t};
	raw.ctx = &s2;
	assert_int_equal(t1_negotiate_ifsd(&t, &raw, later()), APDU_OK);
	assert_int_equal(s2.pos, s2.n);
	assert_int_equal(t.retransmits, 2);

	/* Never answered: four tries, then S(RESYNCH), then PROTO. */
	const step st3[] = {
		TO(sblk(S_IFS_REQ, &fe, 1), rblk(0, T1_R_ERR_OTHER)),
		TO_RAW(sblk(S_IFS_REQ, &fe, 1), 0x00),
		TO(sblk(S_IFS_REQ, &fe, 1), sblk(S_WTX_REQ, B(0x01))),
		TO(sblk(S_IFS_REQ, &fe, 1), iblk(0, false, sw_ok, 2)),
		TO(sblk(S_RESYNCH_REQ, NULL, 0), sblk(S_RESYNCH_RSP, NULL, 0)),
	};
	script s3 = {st3, N_STEPS(st3), 0, false, &t};
	raw.ctx = &s3;
	assert_int_equal(t1_negotiate_ifsd(&t, &raw, later()), APDU_ERR_PROTO);
	assert_int_equal(s3.pos, s3.n);
	assert_int_equal(t.resyncs, 1);

	/* A transport error ends it at once. */
	const step st4[] = {TO_ERR(sblk(S_IFS_REQ, &fe, 1), APDU_ERR_NO_CARD)};
	script s4 = {st4, 1, 0, false, &t};
	raw.ctx = &s4;
	assert_int_equal(t1_negotiate_ifsd(&t, &raw, later()), APDU_ERR_NO_CARD);
	assert_int_equal(s4.pos, 1);
}

static void test_card_ifs_request(void **state)
{
	(void)state;
	/* An 80-byte APDU, IFSC 32: after the first block the card raises its
	 * IFSC to 64 and the rest (48 bytes) goes in one block. */
	uint8_t apdu[80];
	for (size_t i = 0; i < sizeof apdu; i++)
		apdu[i] = (uint8_t)i;
	t1 t;
	t1_init(&t, 32, false);
	const step st[] = {
		TO(iblk(0, true, apdu, 32), sblk(S_IFS_REQ, B(0x40))),
		TO(sblk(S_IFS_RSP, B(0x40)), rblk(1, 0)),
		TO(iblk(1, false, apdu + 32, 48), iblk(0, false, sw_ok, 2)),
	};
	uint8_t out[2];
	size_t got;
	assert_int_equal(xmit(&t, st, N_STEPS(st), apdu, sizeof apdu, out, sizeof out, &got),
			 APDU_OK);
	assert_int_equal(t.ifsc, 0x40);

	/* An IFS request with a reserved size is an invalid block. */
	t1_init(&t, 32, false);
	const step st2[] = {
		TO(iblk(0, false, get_challenge, 5), sblk(S_IFS_REQ, B(0xFF))),
		TO(rblk(0, T1_R_ERR_OTHER), iblk(0, false, sw_ok, 2)),
	};
	assert_int_equal(xmit(&t, st2, N_STEPS(st2), get_challenge, 5, out, sizeof out, &got),
			 APDU_OK);
	assert_int_equal(t.ifsc, 32);
}

static void test_wtx(void **state)
{
	(void)state;
	t1 t;
	t1_init(&t, 32, false);
	const step st[] = {
		TO(iblk(0, false, get_challenge, 5), sblk(S_WTX_REQ, B(0x05))),
		{.host = sblk(S_WTX_RSP, B(0x05)), .card = sblk(S_WTX_REQ, B(0x02)), .wtx = 5},
		{.host = sblk(S_WTX_RSP, B(0x02)), .card = iblk(0, false, challenge, 10), .wtx = 2},
	};
	uint8_t out[16];
	size_t got;
	assert_int_equal(xmit(&t, st, N_STEPS(st), get_challenge, 5, out, sizeof out, &got),
			 APDU_OK);
	assert_int_equal(got, 10);
	assert_int_equal(t.wtx, 2);
	assert_int_equal(t.wtx_mult, 0);
	assert_int_equal(t.retransmits, 0);

	/* A WTX request without its byte is an invalid block. */
	const step st2[] = {
		TO(iblk(1, false, get_challenge, 5), sblk(S_WTX_REQ, NULL, 0)),
		TO(rblk(1, T1_R_ERR_OTHER), iblk(1, false, sw_ok, 2)),
	};
	assert_int_equal(xmit(&t, st2, N_STEPS(st2), get_challenge, 5, out, sizeof out, &got),
			 APDU_OK);
}

static void test_abort(void **state)
{
	(void)state;
	static uint8_t ans[100];
	t1 t;
	t1_init(&t, 32, false);
	const step st[] = {
		TO(iblk(0, false, get_challenge, 5), iblk(0, true, ans, 100)),
		TO(rblk(1, 0), sblk(S_ABORT_REQ, NULL, 0)),
		TO(sblk(S_RESYNCH_REQ, NULL, 0), sblk(S_RESYNCH_RSP, NULL, 0)),
	};
	uint8_t out[300];
	size_t got;
	assert_int_equal(xmit(&t, st, N_STEPS(st), get_challenge, 5, out, sizeof out, &got),
			 APDU_ERR_PROTO);
	assert_int_equal(t.ns, 0);
	assert_int_equal(t.nr, 0);
	assert_int_equal(t.resyncs, 1);
}

static void test_unexpected_s_blocks(void **state)
{
	(void)state;
	t1 t;
	t1_init(&t, 32, false);
	/* Responses to requests never made, and a RESYNCH request from the
	 * card (only the interface device may send one). */
	const step st[] = {
		TO(iblk(0, false, get_challenge, 5), sblk(S_WTX_RSP, B(0x01))),
		TO(rblk(0, T1_R_ERR_OTHER), sblk(S_ABORT_RSP, NULL, 0)),
		TO(rblk(0, T1_R_ERR_OTHER), sblk(S_RESYNCH_REQ, NULL, 0)),
		TO(rblk(0, T1_R_ERR_OTHER), iblk(0, false, sw_ok, 2)),
	};
	uint8_t out[2];
	size_t got;
	assert_int_equal(xmit(&t, st, N_STEPS(st), get_challenge, 5, out, sizeof out, &got),
			 APDU_OK);
	assert_int_equal(t.retransmits, 3);
}

/* ---- error recovery ---------------------------------------------------- */

static void test_bad_edc_recovered(void **state)
{
	(void)state;
	t1 t;
	t1_init(&t, 32, false);
	const step st[] = {
		TO_BAD(iblk(0, false, get_challenge, 5), iblk(0, false, challenge, 10)),
		TO(rblk(0, T1_R_ERR_EDC), iblk(0, false, challenge, 10)),
	};
	uint8_t out[16];
	size_t got;
	assert_int_equal(xmit(&t, st, N_STEPS(st), get_challenge, 5, out, sizeof out, &got),
			 APDU_OK);
	assert_int_equal(got, 10);
	assert_memory_equal(out, challenge, 10);
	assert_int_equal(t.retransmits, 1);
	assert_int_equal(t.ns, 1);
	assert_int_equal(t.nr, 1);

	/* In a card chain: the second block garbled, asked for again. */
	static uint8_t ans[60];
	for (size_t i = 0; i < sizeof ans; i++)
		ans[i] = (uint8_t)i;
	t1_init(&t, 32, false);
	const step st2[] = {
		TO(iblk(0, false, get_challenge, 5), iblk(0, true, ans, 30)),
		TO_BAD(rblk(1, 0), iblk(1, false, ans + 30, 30)),
		TO(rblk(1, T1_R_ERR_EDC), iblk(1, false, ans + 30, 30)),
	};
	uint8_t out2[60];
	assert_int_equal(xmit(&t, st2, N_STEPS(st2), get_challenge, 5, out2, sizeof out2, &got),
			 APDU_OK);
	assert_int_equal(got, 60);
	assert_memory_equal(out2, ans, 60);
}

static void test_bad_format_recovered(void **state)
{
	(void)state;
	t1 t;
	t1_init(&t, 32, false);
	const step st[] = {
		TO_RAW(iblk(0, false, get_challenge, 5), 0x00, 0x00),          /* short */
		TO_NOTHING(rblk(0, T1_R_ERR_OTHER)),                            /* nothing */
		TO_RAW(rblk(0, T1_R_ERR_OTHER), 0x00, 0x00, 0x05, 0x90, 0x00, 0x95), /* LEN wrong */
		TO(rblk(0, T1_R_ERR_OTHER), iblk(0, false, sw_ok, 2)),
	};
	uint8_t out[2];
	size_t got;
	assert_int_equal(xmit(&t, st, N_STEPS(st), get_challenge, 5, out, sizeof out, &got),
			 APDU_OK);
	assert_int_equal(t.retransmits, 3);

	/* An answer too long for any block (the pipe says TOOBIG) is garbage. */
	t1_init(&t, 32, false);
	const step st2[] = {
		TO_ERR(iblk(0, false, get_challenge, 5), APDU_ERR_TOOBIG),
		TO(rblk(0, T1_R_ERR_OTHER), iblk(0, false, sw_ok, 2)),
	};
	assert_int_equal(xmit(&t, st2, N_STEPS(st2), get_challenge, 5, out, sizeof out, &got),
			 APDU_OK);
}

static void test_wrong_sequence_and_size(void **state)
{
	(void)state;
	t1 t;
	t1_init(&t, 32, false);
	t.ifsd = 16;
	static uint8_t big[20];
	const step st[] = {
		TO(iblk(0, false, get_challenge, 5), iblk(1, false, sw_ok, 2)), /* N(S) 1, not 0 */
		TO(rblk(0, T1_R_ERR_OTHER), iblk(0, false, big, 20)),            /* over IFSD */
		TO(rblk(0, T1_R_ERR_OTHER), iblk(0, false, sw_ok, 2)),
	};
	uint8_t out[32];
	size_t got;
	assert_int_equal(xmit(&t, st, N_STEPS(st), get_challenge, 5, out, sizeof out, &got),
			 APDU_OK);
	assert_int_equal(got, 2);

	/* An I-block while we are still chaining, and an acknowledgement of
	 * a block that was not chained, are invalid too. */
	uint8_t apdu[40] = {0};
	t1_init(&t, 32, false);
	const step st2[] = {
		TO(iblk(0, true, apdu, 32), iblk(0, false, sw_ok, 2)),
		TO(rblk(0, T1_R_ERR_OTHER), rblk(1, 0)),
		TO(iblk(1, false, apdu + 32, 8), rblk(0, 0)),
		TO(rblk(0, T1_R_ERR_OTHER), iblk(0, false, sw_ok, 2)),
	};
	assert_int_equal(xmit(&t, st2, N_STEPS(st2), apdu, sizeof apdu, out, sizeof out, &got),
			 APDU_OK);
}

static void test_card_asks_again(void **state)
{
	(void)state;
	/* The card got our I-block garbled: R-block with N(R) = our N(S). */
	t1 t;
	t1_init(&t, 32, false);
	const step st[] = {
		TO(iblk(0, false, get_challenge, 5), rblk(0, T1_R_ERR_EDC)),
		TO(iblk(0, false, get_challenge, 5), rblk(0, T1_R_ERR_OTHER)),
		TO(iblk(0, false, get_challenge, 5), iblk(0, false, challenge, 10)),
	};
	uint8_t out[16];
	size_t got;
	assert_int_equal(xmit(&t, st, N_STEPS(st), get_challenge, 5, out, sizeof out, &got),
			 APDU_OK);
	assert_int_equal(t.retransmits, 2);
}

static void test_garbled_r_block_ack(void **state)
{
	(void)state;
	/* Host chaining: the card's R(1) acknowledgement arrives garbled; we
	 * ask again with R(0, EDC), the card repeats R(1), the chain goes on. */
	uint8_t apdu[40];
	for (size_t i = 0; i < sizeof apdu; i++)
		apdu[i] = (uint8_t)(i + 1);
	t1 t;
	t1_init(&t, 32, false);
	const step st[] = {
		TO_BAD(iblk(0, true, apdu, 32), rblk(1, 0)),
		TO(rblk(0, T1_R_ERR_EDC), rblk(1, 0)),
		TO(iblk(1, false, apdu + 32, 8), iblk(0, false, sw_ok, 2)),
	};
	uint8_t out[2];
	size_t got;
	assert_int_equal(xmit(&t, st, N_STEPS(st), apdu, sizeof apdu, out, sizeof out, &got),
			 APDU_OK);
	assert_int_equal(t.retransmits, 1);

	/* The last block of our chain garbled at the card, the card's
	 * R-block asking for it garbled on the way back: we ask with R(0,
	 * EDC), the card repeats R(1) = "send N(S) 1 again", we resend it. */
	t1_init(&t, 32, false);
	const step st2[] = {
		TO(iblk(0, true, apdu, 32), rblk(1, 0)),
		TO_BAD(iblk(1, false, apdu + 32, 8), rblk(1, T1_R_ERR_EDC)),
		TO(rblk(0, T1_R_ERR_EDC), rblk(1, T1_R_ERR_EDC)),
		TO(iblk(1, false, apdu + 32, 8), iblk(0, false, sw_ok, 2)),
	};
	assert_int_equal(xmit(&t, st2, N_STEPS(st2), apdu, sizeof apdu, out, sizeof out, &got),
			 APDU_OK);
	assert_int_equal(t.retransmits, 2);
}

static void test_lost_host_r_block(void **state)
{
	(void)state;
	/* Card chaining: our R(1) is lost on its way; the card answers with
	 * an R-block of its own, and we send R(1) again (rule 7.2). */
	static uint8_t ans[40];
	memset(ans, 0x42, sizeof ans);
	t1 t;
	t1_init(&t, 32, false);
	const step st[] = {
		TO(iblk(0, false, get_challenge, 5), iblk(0, true, ans, 20)),
		TO(rblk(1, 0), rblk(0, T1_R_ERR_OTHER)),
		TO(rblk(1, 0), iblk(1, false, ans + 20, 20)),
	};
	uint8_t out[40];
	size_t got;
	assert_int_equal(xmit(&t, st, N_STEPS(st), get_challenge, 5, out, sizeof out, &got),
			 APDU_OK);
	assert_int_equal(got, 40);
	assert_int_equal(t.retransmits, 1);
}

static void test_retries_exhausted_resynch(void **state)
{
	(void)state;
	t1 t;
	t1_init(&t, 32, false);
	t.ns = 1;
	t.nr = 1;
	const step st[] = {
		TO_BAD(iblk(1, false, get_challenge, 5), iblk(1, false, sw_ok, 2)),
		TO_BAD(rblk(1, T1_R_ERR_EDC), iblk(1, false, sw_ok, 2)),
		TO_RAW(rblk(1, T1_R_ERR_EDC), 0xFF),
		TO_BAD(rblk(1, T1_R_ERR_OTHER), iblk(1, false, sw_ok, 2)),
		TO(sblk(S_RESYNCH_REQ, NULL, 0), sblk(S_RESYNCH_RSP, NULL, 0)),
	};
	uint8_t out[2];
	size_t got;
	assert_int_equal(xmit(&t, st, N_STEPS(st), get_challenge, 5, out, sizeof out, &got),
			 APDU_ERR_PROTO);
	assert_int_equal(t.retransmits, T1_RETRIES);
	assert_int_equal(t.resyncs, 1);
	assert_int_equal(t.ns, 0);
	assert_int_equal(t.nr, 0);

	/* The card keeps asking for our block: the same limit. */
	t1_init(&t, 32, false);
	const step st2[] = {
		TO(iblk(0, false, get_challenge, 5), rblk(0, T1_R_ERR_EDC)),
		TO(iblk(0, false, get_challenge, 5), rblk(0, T1_R_ERR_EDC)),
		TO(iblk(0, false, get_challenge, 5), rblk(0, T1_R_ERR_EDC)),
		TO(iblk(0, false, get_challenge, 5), rblk(0, T1_R_ERR_EDC)),
		TO_BAD(sblk(S_RESYNCH_REQ, NULL, 0), sblk(S_RESYNCH_RSP, NULL, 0)),
		TO(sblk(S_RESYNCH_REQ, NULL, 0), sblk(S_RESYNCH_RSP, NULL, 0)),
	};
	assert_int_equal(xmit(&t, st2, N_STEPS(st2), get_challenge, 5, out, sizeof out, &got),
			 APDU_ERR_PROTO);

	/* The resynchronisation itself never answered: T1_RETRIES tries. */
	t1_init(&t, 32, false);
	t.ns = 1;
	const step st3[] = {
		TO_NOTHING(iblk(1, false, get_challenge, 5)),
		TO_NOTHING(rblk(0, T1_R_ERR_OTHER)),
		TO_NOTHING(rblk(0, T1_R_ERR_OTHER)),
		TO_NOTHING(rblk(0, T1_R_ERR_OTHER)),
		TO_NOTHING(sblk(S_RESYNCH_REQ, NULL, 0)),
		TO(sblk(S_RESYNCH_REQ, NULL, 0), sblk(S_WTX_REQ, B(0x01))),
		TO_BAD(sblk(S_RESYNCH_REQ, NULL, 0), sblk(S_RESYNCH_RSP, NULL, 0)),
	};
	assert_int_equal(xmit(&t, st3, N_STEPS(st3), get_challenge, 5, out, sizeof out, &got),
			 APDU_ERR_PROTO);
	assert_int_equal(t.ns, 0);
	assert_int_equal(t.nr, 0);
}

/* ---- transport errors and deadlines ---------------------------------------- */

static void test_transport_errors(void **state)
{
	(void)state;
	const apdu_err errs[] = {APDU_ERR_TIMEOUT, APDU_ERR_GONE, APDU_ERR_NO_CARD, APDU_ERR_MUTE,
				 APDU_ERR_IO, APDU_ERR_PROTO};
	static uint8_t ans[40];
	for (size_t i = 0; i < sizeof errs / sizeof errs[0]; i++) {
		t1 t;
		t1_init(&t, 32, false);
		const step st[] = {TO_ERR(iblk(0, false, get_challenge, 5), errs[i])};
		uint8_t out[16];
		size_t got;
		assert_int_equal(xmit(&t, st, 1, get_challenge, 5, out, sizeof out, &got), errs[i]);
		/* Mid-chain, and during resynchronisation. */
		t1_init(&t, 32, false);
		const step st2[] = {
			TO(iblk(0, false, get_challenge, 5), iblk(0, true, ans, 20)),
			TO_ERR(rblk(1, 0), errs[i]),
		};
		uint8_t out2[40];
		assert_int_equal(xmit(&t, st2, 2, get_challenge, 5, out2, sizeof out2, &got), errs[i]);
		t1_init(&t, 32, false);
		const step st3[] = {
			TO(iblk(0, false, get_challenge, 5), sblk(S_ABORT_REQ, NULL, 0)),
			TO_ERR(sblk(S_RESYNCH_REQ, NULL, 0), errs[i]),
		};
		assert_int_equal(xmit(&t, st3, 2, get_challenge, 5, out, sizeof out, &got), errs[i]);
	}
}

static void test_deadline_passed(void **state)
{
	(void)state;
	t1 t;
	t1_init(&t, 32, false);
	script s = {NULL, 0, 0, false, &t};
	apdu_io raw = {.xfr = fake_xfr, .ctx = &s};
	uint8_t out[16];
	size_t got = 3;
	assert_int_equal(t1_transmit(&t, &raw, get_challenge, 5, out, sizeof out, &got,
				     xport_now_ms() - 1),
			 APDU_ERR_TIMEOUT);
	assert_int_equal(got, 0);
	assert_int_equal(t1_negotiate_ifsd(&t, &raw, xport_now_ms() - 1), APDU_ERR_TIMEOUT);
	assert_int_equal(s.pos, 0);
}

/* ---- under apdu_exchange, as card.c composes it ----------------------------- */

typedef struct t1_pipe {
	t1 *t;
	const apdu_io *raw;
} t1_pipe;

static apdu_err t1_xfr(void *ctx, const uint8_t *in, size_t n, uint8_t *out, size_t cap,
		       size_t *got, int64_t deadline_ms)
{
	t1_pipe *p = ctx;
	return t1_transmit(p->t, p->raw, in, n, out, cap, got, deadline_ms);
}

static void test_apdu_exchange_over_t1(void **state)
{
	(void)state;
	uint8_t part2[16 + 2];
	memset(part2, 0xC5, 16);
	part2[16] = 0x90;
	part2[17] = 0x00;
	t1 t;
	t1_init(&t, 32, false);
	static const uint8_t cmd[] = {0x80, 0x8A, 0x00, 0x00, 0x02, 0x01, 0x02, 0x10};
	const step st[] = {
		TO(iblk(0, false, cmd, sizeof cmd), iblk(0, false, B(0x61, 0x10))),
		TO(iblk(1, false, B(0x80, 0xC0, 0x00, 0x00, 0x10)),
		   iblk(1, false, part2, sizeof part2)),
	};
	script s = {st, N_STEPS(st), 0, false, &t};
	apdu_io raw = {.xfr = fake_xfr, .ctx = &s};
	t1_pipe p = {&t, &raw};
	apdu_io io = {.xfr = t1_xfr, .ctx = &p, .ext_ok = true};
	apdu_cmd c = {.cla = 0x80, .ins = 0x8A, .data = cmd + 5, .nc = 2, .ne = 16};
	uint8_t out[16];
	size_t len = 0;
	uint16_t sw = 0;
	assert_int_equal(apdu_exchange(&io, &c, out, sizeof out, &len, &sw, later()), APDU_OK);
	assert_int_equal(s.pos, s.n);
	assert_int_equal(len, 16);
	assert_int_equal(sw, SW_OK);
	assert_int_equal(out[0], 0xC5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_edc),
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_simple_exchange_bytes),
		cmocka_unit_test(test_crc_mode),
		cmocka_unit_test(test_host_chaining),
		cmocka_unit_test(test_card_chaining),
		cmocka_unit_test(test_answer_too_big_read_to_end),
		cmocka_unit_test(test_negotiate_ifsd),
		cmocka_unit_test(test_card_ifs_request),
		cmocka_unit_test(test_wtx),
		cmocka_unit_test(test_abort),
		cmocka_unit_test(test_unexpected_s_blocks),
		cmocka_unit_test(test_bad_edc_recovered),
		cmocka_unit_test(test_bad_format_recovered),
		cmocka_unit_test(test_wrong_sequence_and_size),
		cmocka_unit_test(test_card_asks_again),
		cmocka_unit_test(test_garbled_r_block_ack),
		cmocka_unit_test(test_lost_host_r_block),
		cmocka_unit_test(test_retries_exhausted_resynch),
		cmocka_unit_test(test_transport_errors),
		cmocka_unit_test(test_deadline_passed),
		cmocka_unit_test(test_apdu_exchange_over_t1),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

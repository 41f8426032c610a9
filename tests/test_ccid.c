/*
 * test_ccid: the USB CCID protocol layer (drivers/ccid.c), codec and
 * session, against a transcript transport: a scripted xport whose every
 * step is either a bulk write expected byte for byte, a bulk or interrupt
 * read reply to hand out, or a transport error to return. A call the
 * script does not expect, a write whose bytes differ, and steps left over
 * at the end all fail the test, so each test pins down exactly what goes on
 * the wire, in which order, and that nothing more does.
 *
 * Codec: each command's header bytes (ccid_cmd_build); replies parsed with
 * every check ccid.h lists (short, unknown type, dwLength either way,
 * reserved bStatus values; *out zeroed on error); NotifySlotChange for one,
 * two and five slots and HardwareError, with wrong lengths and slot counts;
 * the class descriptor of a typical TPDU contactless reader with a SAM slot
 * (every field), a short-APDU and an extended-APDU reader, the refused ones
 * (character level, dwProtocols 0, nine slots, reserved level bits: each
 * with its reason) and the malformed ones (short, bLength, type,
 * dwMaxCCIDMessageLength on both sides of its range).
 *
 * Session: the exact bytes of PowerOn, PowerOff, GetSlotStatus,
 * GetParameters, SetParameters (T=0 and T=1) and XfrBlock; bSeq counting
 * up and wrapping at 255; stale replies skipped up to CCID_STALE_MAX and
 * one more refused; time extensions honoured up to CCID_TIME_EXT_MAX and
 * one more refused; a time extension after the deadline ends the command;
 * the command's deadline given to each transfer; transport errors mapped
 * (timeout, unplug, I/O, no memory); bStatus/bError mapped (no card,
 * ICC_MUTE, another bError kept in ccid_last_error, GetSlotStatus's
 * "no card" answer); wrong type or slot and malformed replies refused; a
 * too-long command on a short-APDU reader refused before any I/O; the
 * extended-APDU level's chaining of commands (wLevelParameter 1/3/2) and
 * answers (bChainParameter 1/3/2, continued with wLevelParameter 0x10); an
 * answer over the caller's capacity refused after draining the chain; the
 * message buffer wiped after every command that carried card data; the
 * interrupt endpoint poll (changes, HardwareError, timeout, none).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "ccid.h"

/* ---- the transcript transport ------------------------------------------- */

enum { STEPS_MAX = 64 };

typedef enum { S_WRITE, S_READ, S_INTR } step_kind;

typedef struct step {
	step_kind kind;
	uint8_t *bytes;  /* expected (write) or handed out (read); NULL with err */
	size_t len;
	xport_err err;   /* returned instead of moving bytes */
} step;

typedef struct fake {
	step steps[STEPS_MAX];
	size_t n, pos;
	int64_t want_deadline;        /* every transfer's deadline; 0: not checked */
	const uint8_t *io_buf;        /* the buffer of the last bulk transfer */
	size_t io_len;
} fake;

static const char *const kind_name[] = {"bulk write", "bulk read", "interrupt read"};

static void fake_clear(fake *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->steps[i].bytes);
	f->n = f->pos = 0;
}

static void add(fake *f, step_kind kind, const uint8_t *b, size_t len, xport_err err)
{
	assert_true(f->n < STEPS_MAX);
	step *s = &f->steps[f->n++];
	*s = (step){.kind = kind, .len = len, .err = err};
	if (len > 0) {
		s->bytes = malloc(len);
		assert_non_null(s->bytes);
		memcpy(s->bytes, b, len);
	}
}

static void s_write(fake *f, const uint8_t *b, size_t n) { add(f, S_WRITE, b, n, XPORT_OK); }
static void s_read(fake *f, const uint8_t *b, size_t n) { add(f, S_READ, b, n, XPORT_OK); }
static void s_intr(fake *f, const uint8_t *b, size_t n) { add(f, S_INTR, b, n, XPORT_OK); }
static void s_err(fake *f, step_kind k, xport_err e) { add(f, k, NULL, 0, e); }

#define WRITE(f, ...) do { \
		static const uint8_t b_[] = {__VA_ARGS__}; \
		s_write(f, b_, sizeof b_); \
	} while (0)
#define READ(f, ...) do { \
		static const uint8_t b_[] = {__VA_ARGS__}; \
		s_read(f, b_, sizeof b_); \
	} while (0)
#define INTR(f, ...) do { \
		static const uint8_t b_[] = {__VA_ARGS__}; \
		s_intr(f, b_, sizeof b_); \
	} while (0)

/* The next step, which must be of kind K. */
static step *next(fake *f, step_kind k, int64_t deadline_ms)
{
	if (f->pos == f->n)
		fail_msg("unexpected %s after the last of %zu steps", kind_name[k], f->n);
	step *s = &f->steps[f->pos++];
	if (s->kind != k)
		fail_msg("step %zu: %s instead of the scripted %s", f->pos - 1, kind_name[k],
			 kind_name[s->kind]);
	if (f->want_deadline)
		assert_true(deadline_ms == f->want_deadline);
	return s;
}

static xport_err f_bulk_write(void *ctx, const uint8_t *buf, size_t len, int64_t deadline_ms)
{
	fake *f = ctx;
	step *s = next(f, S_WRITE, deadline_ms);
	if (s->err != XPORT_OK)
		return s->err;
	assert_int_equal(len, s->len);
	assert_memory_equal(buf, s->bytes, len);
	f->io_buf = buf;
	f->io_len = len > f->io_len ? len : f->io_len;
	return XPORT_OK;
}

static xport_err give(step *s, uint8_t *buf, size_t cap, size_t *got)
{
	if (s->err != XPORT_OK)
		return s->err;
	assert_true(s->len <= cap);
	if (s->len > 0)
		memcpy(buf, s->bytes, s->len);
	*got = s->len;
	return XPORT_OK;
}

static xport_err f_bulk_read(void *ctx, uint8_t *buf, size_t cap, size_t *got,
			     int64_t deadline_ms)
{
	fake *f = ctx;
	step *s = next(f, S_READ, deadline_ms);
	xport_err e = give(s, buf, cap, got);
	if (e == XPORT_OK) {
		f->io_buf = buf;
		f->io_len = s->len > f->io_len ? s->len : f->io_len;
	}
	return e;
}

static xport_err f_intr_read(void *ctx, uint8_t *buf, size_t cap, size_t *got,
			     int64_t deadline_ms)
{
	fake *f = ctx;
	return give(next(f, S_INTR, deadline_ms), buf, cap, got);
}

static xport_err f_open(void *ctx, xport_info *info)
{
	(void)ctx;
	(void)info;
	fail_msg("the CCID layer never opens the transport");
	return XPORT_ERR_IO;
}

static void f_close(void *ctx)
{
	(void)ctx;
	fail_msg("the CCID layer never closes the transport");
}

static bool f_wait(void *ctx, int64_t deadline_ms)
{
	(void)ctx;
	(void)deadline_ms;
	fail_msg("the CCID layer never waits for arrival");
	return false;
}

static void f_free(void *ctx)
{
	(void)ctx;
	fail_msg("the CCID layer never frees the transport");
}

static const xport_ops fake_ops = {
	.name = "transcript",
	.open = f_open,
	.close = f_close,
	.bulk_write = f_bulk_write,
	.bulk_read = f_bulk_read,
	.intr_read = f_intr_read,
	.wait_arrival = f_wait,
	.free = f_free,
};

/* ---- descriptors -------------------------------------------------------- */

/* A typical contactless reader with a SAM slot: TPDU level, 271-byte
 * messages. */
static const uint8_t desc_tpdu[54] = {
	0x36, 0x21,             /* bLength, bDescriptorType */
	0x10, 0x01,             /* bcdCCID 1.10 */
	0x01,                   /* bMaxSlotIndex: slot 0 (antenna), slot 1 (SAM) */
	0x07,                   /* bVoltageSupport: 5 V, 3 V, 1.8 V */
	0x03, 0x00, 0x00, 0x00, /* dwProtocols: T=0, T=1 */
	0xA0, 0x0F, 0x00, 0x00, /* dwDefaultClock: 4000 kHz */
	0xC0, 0x12, 0x00, 0x00, /* dwMaximumClock: 4800 kHz */
	0x00,                   /* bNumClockSupported */
	0x00, 0x2A, 0x00, 0x00, /* dwDataRate: 10752 bps */
	0x16, 0x40, 0x05, 0x00, /* dwMaxDataRate: 344086 bps */
	0x00,                   /* bNumDataRatesSupported */
	0xFE, 0x00, 0x00, 0x00, /* dwMaxIFSD: 254 */
	0x00, 0x00, 0x00, 0x00, /* dwSynchProtocols */
	0x00, 0x00, 0x00, 0x00, /* dwMechanical */
	0xBA, 0x00, 0x01, 0x00, /* dwFeatures: auto ATR params, voltage, clock, baud, PPS; TPDU */
	0x0F, 0x01, 0x00, 0x00, /* dwMaxCCIDMessageLength: 271 */
	0xFF, 0xFF,             /* bClassGetResponse, bClassEnvelope: echo */
	0x00, 0x00,             /* wLcdLayout: none */
	0x00,                   /* bPINSupport: none */
	0x01,                   /* bMaxCCIDBusySlots */
};

/* A one-slot short-APDU reader, T=1 only. */
static const uint8_t desc_short[54] = {
	0x36, 0x21, 0x00, 0x01, 0x00, 0x07, 0x02, 0x00, 0x00, 0x00,
	0xA0, 0x0F, 0x00, 0x00, 0xA0, 0x0F, 0x00, 0x00, 0x00,
	0x00, 0x2A, 0x00, 0x00, 0x16, 0x40, 0x05, 0x00, 0x00,
	0xFE, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xB2, 0x07, 0x02, 0x00, /* dwFeatures 0x000207B2: short APDU, auto IFSD */
	0x0F, 0x01, 0x00, 0x00, /* 271 */
	0xFF, 0xFF, 0x00, 0x00, 0x00, 0x01,
};

/* A one-slot extended-APDU reader, 271-byte messages: anything longer than
 * 261 bytes is chained. */
static const uint8_t desc_ext[54] = {
	0x36, 0x21, 0x10, 0x01, 0x00, 0x07, 0x03, 0x00, 0x00, 0x00,
	0xA0, 0x0F, 0x00, 0x00, 0xA0, 0x0F, 0x00, 0x00, 0x00,
	0x00, 0x2A, 0x00, 0x00, 0x00, 0x2A, 0x00, 0x00, 0x00,
	0xFE, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xFE, 0x00, 0x04, 0x00, /* dwFeatures 0x000400FE: extended APDU */
	0x0F, 0x01, 0x00, 0x00, /* 271 */
	0xFF, 0xFF, 0x00, 0x00, 0x00, 0x01,
};

/* desc_tpdu with dwFeatures, dwProtocols, bMaxSlotIndex and
 * dwMaxCCIDMessageLength replaced. */
static void desc_with(uint8_t d[54], uint32_t features, uint32_t protocols, uint8_t max_slot,
		      uint32_t max_msg)
{
	memcpy(d, desc_tpdu, 54);
	for (int i = 0; i < 4; i++) {
		d[40 + i] = (uint8_t)(features >> 8 * i);
		d[6 + i] = (uint8_t)(protocols >> 8 * i);
		d[44 + i] = (uint8_t)(max_msg >> 8 * i);
	}
	d[4] = max_slot;
}

/* ---- fixture ------------------------------------------------------------ */

typedef struct fx {
	fake f;
	xport_info info;
	ccid *c;
} fx;

static void reopen(fx *x, const uint8_t desc[54], bool has_interrupt)
{
	ccid_free(&x->c);
	memset(&x->info, 0, sizeof x->info);
	memcpy(x->info.ccid_desc, desc, 54);
	x->info.ccid_desc_len = 54;
	x->info.has_interrupt = has_interrupt;
	x->info.max_packet = 64;
	const char *why = "unset";
	assert_int_equal(ccid_open(&x->c, (xport){&fake_ops, &x->f}, &x->info, &why), CCID_OK);
	assert_non_null(x->c);
}

static int setup(void **state)
{
	fx *x = calloc(1, sizeof *x);
	if (!x)
		return -1;
	reopen(x, desc_tpdu, true);
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	fx *x = *state;
	bool leftover = x->f.pos != x->f.n;
	ccid_free(&x->c);
	fake_clear(&x->f);
	free(x);
	return leftover ? -1 : 0;
}

/* Every scripted step was used. */
static void all_used(fx *x)
{
	if (x->f.pos != x->f.n)
		fail_msg("%zu of %zu scripted steps left over", x->f.n - x->f.pos, x->f.n);
}

/* The message buffer holds nothing of the last exchange. */
static void buffer_wiped(fx *x)
{
	assert_non_null(x->f.io_buf);
	for (size_t i = 0; i < x->f.io_len; i++)
		if (x->f.io_buf[i])
			fail_msg("message buffer byte %zu not wiped", i);
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* A PC_to_RDR message, expected. */
static void s_cmd(fake *f, uint8_t type, uint8_t slot, uint8_t seq, uint8_t p0, uint8_t p1,
		  uint8_t p2, const uint8_t *data, size_t len)
{
	uint8_t *m = malloc(CCID_HEADER_LEN + len);
	assert_non_null(m);
	m[0] = type;
	m[1] = (uint8_t)len;
	m[2] = (uint8_t)(len >> 8);
	m[3] = (uint8_t)(len >> 16);
	m[4] = (uint8_t)(len >> 24);
	m[5] = slot;
	m[6] = seq;
	m[7] = p0;
	m[8] = p1;
	m[9] = p2;
	if (len)
		memcpy(m + CCID_HEADER_LEN, data, len);
	s_write(f, m, CCID_HEADER_LEN + len);
	free(m);
}

/* An RDR_to_PC message, handed out. */
static void s_reply(fake *f, uint8_t type, uint8_t slot, uint8_t seq, uint8_t status,
		    uint8_t error, uint8_t spec, const uint8_t *data, size_t len)
{
	uint8_t *m = malloc(CCID_HEADER_LEN + len);
	assert_non_null(m);
	m[0] = type;
	m[1] = (uint8_t)len;
	m[2] = (uint8_t)(len >> 8);
	m[3] = (uint8_t)(len >> 16);
	m[4] = (uint8_t)(len >> 24);
	m[5] = slot;
	m[6] = seq;
	m[7] = status;
	m[8] = error;
	m[9] = spec;
	if (len)
		memcpy(m + CCID_HEADER_LEN, data, len);
	s_read(f, m, CCID_HEADER_LEN + len);
	free(m);
}

/* A GetSlotStatus on slot 0 with bSeq SEQ and its "card active" answer. */
static void s_status_ok(fake *f, uint8_t seq)
{
	s_cmd(f, PC_to_RDR_GetSlotStatus, 0, seq, 0, 0, 0, NULL, 0);
	s_reply(f, RDR_to_PC_SlotStatus, 0, seq, 0x00, 0, 0, NULL, 0);
}

static int64_t later(void) { return xport_deadline_in(5000); }

/* A made-up card's ATR: a contactless storage card as PC/SC part 3 frames it. */
static const uint8_t atr_cl[] = {0x3B, 0x8F, 0x80, 0x01, 0x80, 0x4F, 0x0C, 0xA0, 0x00, 0x00,
				 0x03, 0x06, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x6A};

/* ---- codec: commands and replies ------------------------------------------ */

static void test_cmd_build(void **state)
{
	(void)state;
	uint8_t buf[32];
	static const uint8_t p[3] = {0x04, 0x00, 0x00};
	static const uint8_t data[] = {0x00, 0xA4, 0x04, 0x00};
	static const uint8_t want[] = {0x6F, 0x04, 0x00, 0x00, 0x00, 0x01, 0x2A, 0x04, 0x00,
				       0x00, 0x00, 0xA4, 0x04, 0x00};
	assert_int_equal(ccid_cmd_build(buf, sizeof buf, PC_to_RDR_XfrBlock, 1, 0x2A, p, data, 4),
			 14);
	assert_memory_equal(buf, want, 14);

	static const uint8_t p0[3] = {0, 0, 0};
	static const uint8_t off[] = {0x63, 0, 0, 0, 0, 0x00, 0xFF, 0, 0, 0};
	assert_int_equal(ccid_cmd_build(buf, 10, PC_to_RDR_IccPowerOff, 0, 0xFF, p0, NULL, 0),
			 10);
	assert_memory_equal(buf, off, 10);

	/* Too small: nothing fits, or the data does not. */
	assert_int_equal(ccid_cmd_build(buf, 9, PC_to_RDR_IccPowerOff, 0, 0, p0, NULL, 0), 0);
	assert_int_equal(ccid_cmd_build(buf, 13, PC_to_RDR_XfrBlock, 0, 0, p, data, 4), 0);
	/* A length over 255 goes little-endian into dwLength. */
	uint8_t big[10 + 300];
	uint8_t payload[300] = {0};
	assert_int_equal(ccid_cmd_build(big, sizeof big, PC_to_RDR_XfrBlock, 0, 0, p0, payload,
					300),
			 310);
	assert_int_equal(big[1], 0x2C);
	assert_int_equal(big[2], 0x01);
}

static void test_reply_parse_ok(void **state)
{
	(void)state;
	static const uint8_t m[] = {0x80, 0x03, 0x00, 0x00, 0x00, 0x01, 0x07, 0x41, 0xFE, 0x02,
				    0x90, 0x00, 0x55};
	ccid_reply r;
	assert_int_equal(ccid_reply_parse(m, sizeof m, &r), CCID_OK);
	assert_int_equal(r.type, RDR_to_PC_DataBlock);
	assert_int_equal(r.slot, 1);
	assert_int_equal(r.seq, 7);
	assert_int_equal(r.status, 0x41);
	assert_int_equal(r.error, 0xFE);
	assert_int_equal(r.icc, CCID_ICC_INACTIVE);
	assert_int_equal(r.cmd, CCID_CMD_FAILED);
	assert_int_equal(r.specific, 0x02);
	assert_ptr_equal(r.data, m + 10);
	assert_int_equal(r.len, 3);

	static const uint8_t ss[] = {0x81, 0, 0, 0, 0, 0x00, 0x00, 0x82, 0x01, 0x00};
	assert_int_equal(ccid_reply_parse(ss, sizeof ss, &r), CCID_OK);
	assert_int_equal(r.icc, CCID_ICC_ABSENT);
	assert_int_equal(r.cmd, CCID_CMD_TIME_EXT);
	assert_int_equal(r.len, 0);

	static const uint8_t pa[] = {0x82, 5, 0, 0, 0, 0, 3, 0x00, 0x00, 0x00,
				     0x11, 0x00, 0x00, 0x0A, 0x00};
	assert_int_equal(ccid_reply_parse(pa, sizeof pa, &r), CCID_OK);
	assert_int_equal(r.type, RDR_to_PC_Parameters);
	assert_int_equal(r.len, 5);
}

static void expect_proto(const uint8_t *m, size_t n)
{
	ccid_reply r;
	memset(&r, 0xA5, sizeof r);
	assert_int_equal(ccid_reply_parse(m, n, &r), CCID_ERR_PROTO);
	assert_true(all_zero((const uint8_t *)&r, sizeof r));
}

static void test_reply_parse_malformed(void **state)
{
	(void)state;
	static const uint8_t ok[] = {0x80, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0x90, 0x00};
	uint8_t m[sizeof ok];

	expect_proto(ok, 0);
	expect_proto(ok, 9); /* shorter than the header */
	expect_proto(ok, 11); /* dwLength 2, one byte came */
	uint8_t longer[sizeof ok + 1];
	memcpy(longer, ok, sizeof ok);
	longer[sizeof ok] = 0x00;
	expect_proto(longer, sizeof longer); /* a byte more than dwLength */

	static const uint8_t types[] = {0x00, 0x50, 0x51, 0x62, 0x6F, 0x83, 0x84, 0xFF};
	for (size_t i = 0; i < sizeof types; i++) {
		memcpy(m, ok, sizeof m);
		m[0] = types[i];
		expect_proto(m, sizeof m);
	}
	/* A huge dwLength must not wrap into agreement. */
	memcpy(m, ok, sizeof m);
	m[1] = 0xFE, m[2] = 0xFF, m[3] = 0xFF, m[4] = 0xFF;
	expect_proto(m, sizeof m);
	/* bStatus: RFU bits, bmICCStatus 3, bmCommandStatus 3. */
	static const uint8_t bad_status[] = {0x04, 0x08, 0x10, 0x20, 0x03, 0xC0, 0xFF};
	for (size_t i = 0; i < sizeof bad_status; i++) {
		memcpy(m, ok, sizeof m);
		m[7] = bad_status[i];
		expect_proto(m, sizeof m);
	}
}

/* ---- codec: interrupt messages ------------------------------------------ */

static void notify(const uint8_t *m, size_t n, unsigned slots, ccid_err want, uint8_t present,
		   uint8_t changed, bool hw)
{
	uint8_t p = 0xEE, c = 0xEE;
	bool h = !hw;
	assert_int_equal(ccid_notify_parse(m, n, slots, &p, &c, &h), want);
	assert_int_equal(p, present);
	assert_int_equal(c, changed);
	assert_int_equal(h, hw);
}

static void test_notify_parse(void **state)
{
	(void)state;
	/* One slot: card arrived (present, changed), left (changed), still there. */
	static const uint8_t in[] = {0x50, 0x03}, out[] = {0x50, 0x02}, still[] = {0x50, 0x01};
	notify(in, 2, 1, CCID_OK, 0x01, 0x01, false);
	notify(out, 2, 1, CCID_OK, 0x00, 0x01, false);
	notify(still, 2, 1, CCID_OK, 0x01, 0x00, false);
	/* Two slots: the card left slot 0, the SAM sits in slot 1. Bits for
	 * slots the reader lacks are not reported. */
	static const uint8_t two[] = {0x50, 0x06};
	notify(two, 2, 2, CCID_OK, 0x02, 0x01, false);
	static const uint8_t two_both[] = {0x50, 0xFF};
	notify(two_both, 2, 2, CCID_OK, 0x03, 0x03, false);
	/* Five slots: two bytes of bmSlotICCState; slot 4 in the second. */
	static const uint8_t five[] = {0x50, 0x01, 0x03};
	notify(five, 3, 5, CCID_OK, 0x11, 0x10, false);
	/* HardwareError: bSlot, bSeq, bHardwareErrorCode 0x01 (overcurrent). */
	static const uint8_t hw[] = {0x51, 0x00, 0x05, 0x01};
	notify(hw, 4, 1, CCID_OK, 0, 0, true);

	/* Wrong lengths, types, slot counts. */
	notify(in, 1, 1, CCID_ERR_PROTO, 0, 0, false);
	notify(in, 0, 1, CCID_ERR_PROTO, 0, 0, false);
	notify(five, 3, 1, CCID_ERR_PROTO, 0, 0, false); /* one slot: 2 bytes */
	notify(in, 2, 5, CCID_ERR_PROTO, 0, 0, false);   /* five slots: 3 bytes */
	notify(hw, 3, 1, CCID_ERR_PROTO, 0, 0, false);
	static const uint8_t hw5[] = {0x51, 0x00, 0x05, 0x01, 0x00};
	notify(hw5, 5, 1, CCID_ERR_PROTO, 0, 0, false);
	static const uint8_t other[] = {0x80, 0x03};
	notify(other, 2, 1, CCID_ERR_PROTO, 0, 0, false);
	notify(in, 2, 0, CCID_ERR_PROTO, 0, 0, false);
	static const uint8_t nine[] = {0x50, 0x00, 0x00, 0x00};
	notify(nine, 4, 9, CCID_ERR_PROTO, 0, 0, false);
	/* Eight slots: slot 7 in bits 6-7 of the second byte. */
	static const uint8_t eight[] = {0x50, 0x00, 0x80};
	notify(eight, 3, 8, CCID_OK, 0x00, 0x80, false);
}

/* ---- codec: descriptors ------------------------------------------------- */

static void test_desc_tpdu_reader(void **state)
{
	(void)state;
	ccid_desc d;
	const char *why = "unset";
	assert_int_equal(ccid_desc_parse(desc_tpdu, sizeof desc_tpdu, &d, &why), CCID_OK);
	assert_null(why);
	assert_int_equal(d.bcd_ccid, 0x0110);
	assert_int_equal(d.max_slot_index, 1);
	assert_int_equal(d.voltage_support, 0x07);
	assert_int_equal(d.protocols, 0x03);
	assert_int_equal(d.default_clock_khz, 4000);
	assert_int_equal(d.max_clock_khz, 4800);
	assert_int_equal(d.data_rate, 10752);
	assert_int_equal(d.max_data_rate, 344086);
	assert_int_equal(d.max_ifsd, 254);
	assert_int_equal(d.features, 0x000100BA);
	assert_int_equal(d.max_msg_len, 271);
	assert_int_equal(d.level, CCID_LEVEL_TPDU);
	assert_int_equal(d.max_busy_slots, 1);
	assert_true(d.features & CCID_FEAT_AUTO_PPS);
	assert_false(d.features & CCID_FEAT_AUTO_IFSD);
	assert_string_equal(ccid_level_name(d.level), "TPDU");
	/* WHY may be NULL. */
	assert_int_equal(ccid_desc_parse(desc_tpdu, sizeof desc_tpdu, &d, NULL), CCID_OK);
}

static void test_desc_apdu_readers(void **state)
{
	(void)state;
	ccid_desc d;
	assert_int_equal(ccid_desc_parse(desc_short, 54, &d, NULL), CCID_OK);
	assert_int_equal(d.level, CCID_LEVEL_SHORT_APDU);
	assert_int_equal(d.bcd_ccid, 0x0100);
	assert_int_equal(d.max_slot_index, 0);
	assert_int_equal(d.protocols, 0x02);
	assert_int_equal(d.features, 0x000207B2);
	assert_true(d.features & CCID_FEAT_AUTO_IFSD);
	assert_string_equal(ccid_level_name(d.level), "short APDU");

	assert_int_equal(ccid_desc_parse(desc_ext, 54, &d, NULL), CCID_OK);
	assert_int_equal(d.level, CCID_LEVEL_EXT_APDU);
	assert_int_equal(d.features, 0x000400FE);
	assert_int_equal(d.max_msg_len, 271);
	assert_string_equal(ccid_level_name(d.level), "extended APDU");

	/* The range ends of dwMaxCCIDMessageLength, and a longer buffer. */
	uint8_t big[60] = {0};
	desc_with(big, CCID_FEAT_LEVEL_TPDU, 1, 7, 15);
	assert_int_equal(ccid_desc_parse(big, sizeof big, &d, NULL), CCID_OK);
	assert_int_equal(d.max_msg_len, 15);
	assert_int_equal(d.max_slot_index, 7);
	desc_with(big, CCID_FEAT_LEVEL_TPDU, 1, 0, CCID_MSG_MAX);
	assert_int_equal(ccid_desc_parse(big, 54, &d, NULL), CCID_OK);
	assert_int_equal(d.max_msg_len, CCID_MSG_MAX);
}

static void refused(const uint8_t *desc, const char *reason_part, ccid_level level)
{
	ccid_desc d;
	memset(&d, 0, sizeof d);
	const char *why = NULL;
	assert_int_equal(ccid_desc_parse(desc, 54, &d, &why), CCID_ERR_UNSUPPORTED);
	assert_non_null(why);
	assert_non_null(strstr(why, reason_part));
	/* Still filled in, for the reader check's report. */
	assert_int_equal(d.max_msg_len, 271);
	assert_int_equal(d.level, level);
	assert_int_equal(d.bcd_ccid, 0x0110);

	/* ccid_open refuses it with the same reason and allocates nothing. */
	xport_info info = {.ccid_desc_len = 54};
	memcpy(info.ccid_desc, desc, 54);
	fake f = {0};
	ccid *c = (ccid *)&f; /* must become NULL */
	const char *why2 = NULL;
	assert_int_equal(ccid_open(&c, (xport){&fake_ops, &f}, &info, &why2),
			 CCID_ERR_UNSUPPORTED);
	assert_null(c);
	assert_ptr_equal(why2, why);
}

static void test_desc_refused(void **state)
{
	(void)state;
	uint8_t d[54];
	/* A character-level reader (dwFeatures 0x000000BA: level bits 0). */
	desc_with(d, 0x000000BA, 3, 0, 271);
	refused(d, "character", CCID_LEVEL_CHAR);
	/* dwProtocols 0 (a synchronous-card-only reader) and 0x4 (reserved). */
	desc_with(d, 0x000100BA, 0, 0, 271);
	refused(d, "dwProtocols", CCID_LEVEL_TPDU);
	desc_with(d, 0x000200BA, 0x4, 0, 271);
	refused(d, "dwProtocols", CCID_LEVEL_SHORT_APDU);
	/* Nine slots. */
	desc_with(d, 0x000100BA, 3, 8, 271);
	refused(d, "slots", CCID_LEVEL_TPDU);
	/* Two level values at once: reserved. */
	desc_with(d, 0x000300BA, 3, 0, 271);
	refused(d, "reserved", CCID_LEVEL_CHAR);
	desc_with(d, 0x000600BA, 3, 0, 271);
	refused(d, "reserved", CCID_LEVEL_CHAR);
}

static void bad(const uint8_t *desc, size_t len)
{
	ccid_desc d;
	memset(&d, 0xA5, sizeof d);
	const char *why = NULL;
	assert_int_equal(ccid_desc_parse(desc, len, &d, &why), CCID_ERR_BAD_DESC);
	assert_non_null(why);
	assert_true(all_zero((const uint8_t *)&d, sizeof d));

	xport_info info = {.ccid_desc_len = len > 54 ? 54 : len};
	memcpy(info.ccid_desc, desc, info.ccid_desc_len);
	ccid *c = NULL;
	assert_int_equal(ccid_open(&c, (xport){&fake_ops, NULL}, &info, NULL), CCID_ERR_BAD_DESC);
	assert_null(c);
}

static void test_desc_malformed(void **state)
{
	(void)state;
	uint8_t d[54];
	bad(desc_tpdu, 0);  /* absent */
	bad(desc_tpdu, 53); /* cut short */
	memcpy(d, desc_tpdu, 54);
	d[0] = 0x35;        /* bLength */
	bad(d, 54);
	memcpy(d, desc_tpdu, 54);
	d[1] = 0x24;        /* an endpoint-ish descriptor type */
	bad(d, 54);
	desc_with(d, 0x000100BA, 3, 0, 14);
	bad(d, 54);
	desc_with(d, 0x000100BA, 3, 0, 0);
	bad(d, 54);
	desc_with(d, 0x000100BA, 3, 0, CCID_MSG_MAX + 1);
	bad(d, 54);
	desc_with(d, 0x000100BA, 3, 0, 0xFFFFFFFF);
	bad(d, 54);
}

static void test_names(void **state)
{
	(void)state;
	for (int e = CCID_ERR_BAD_DESC - 1; e <= 0; e++)
		assert_non_null(ccid_err_name((ccid_err)e));
	assert_string_equal(ccid_err_name(CCID_ERR_NO_CARD), "no card in the slot");
	assert_string_equal(ccid_err_name((ccid_err)-99), "unknown CCID error");
	for (int b = 0; b < 256; b++)
		assert_non_null(ccid_berror_name((uint8_t)b));
	assert_string_equal(ccid_berror_name(0xFE), "ICC_MUTE");
	assert_string_equal(ccid_berror_name(0xFD), "XFR_PARITY_ERROR");
	assert_string_equal(ccid_berror_name(0x00), "CMD_NOT_SUPPORTED");
	assert_string_equal(ccid_berror_name(0x05), "slot error at offset 5");
	assert_string_equal(ccid_berror_name(0x7F), "slot error at offset 127");
	assert_string_equal(ccid_level_name(CCID_LEVEL_CHAR), "character");
}

/* ---- session: each command's bytes -------------------------------------- */

static void test_power_on(void **state)
{
	fx *x = *state;
	int64_t dl = later();
	x->f.want_deadline = dl;
	WRITE(&x->f, 0x62, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00);
	s_reply(&x->f, RDR_to_PC_DataBlock, 0, 0, 0x00, 0, 0, atr_cl, sizeof atr_cl);
	uint8_t atr[33];
	size_t n = 99;
	assert_int_equal(ccid_power_on(x->c, 0, atr, sizeof atr, &n, dl), CCID_OK);
	assert_int_equal(n, sizeof atr_cl);
	assert_memory_equal(atr, atr_cl, n);
	buffer_wiped(x);
	all_used(x);

	/* The SAM in slot 1, next bSeq. */
	WRITE(&x->f, 0x62, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00);
	READ(&x->f, 0x80, 0x02, 0x00, 0x00, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00, 0x3B, 0x00);
	assert_int_equal(ccid_power_on(x->c, 1, atr, sizeof atr, &n, dl), CCID_OK);
	assert_int_equal(n, 2);
	all_used(x);
}

static void test_power_on_atr_too_big(void **state)
{
	fx *x = *state;
	uint8_t atr[64];
	size_t n = 99;
	/* Larger than the caller's buffer. */
	s_cmd(&x->f, PC_to_RDR_IccPowerOn, 0, 0, 0, 0, 0, NULL, 0);
	s_reply(&x->f, RDR_to_PC_DataBlock, 0, 0, 0x00, 0, 0, atr_cl, sizeof atr_cl);
	assert_int_equal(ccid_power_on(x->c, 0, atr, 10, &n, later()), CCID_ERR_TOOBIG);
	assert_int_equal(n, 0);
	buffer_wiped(x);
	/* Larger than any ATR. */
	uint8_t long_atr[34];
	memset(long_atr, 0x3B, sizeof long_atr);
	s_cmd(&x->f, PC_to_RDR_IccPowerOn, 0, 1, 0, 0, 0, NULL, 0);
	s_reply(&x->f, RDR_to_PC_DataBlock, 0, 1, 0x00, 0, 0, long_atr, sizeof long_atr);
	assert_int_equal(ccid_power_on(x->c, 0, atr, sizeof atr, &n, later()), CCID_ERR_TOOBIG);
	assert_int_equal(n, 0);
	all_used(x);
}

static void test_power_off(void **state)
{
	fx *x = *state;
	WRITE(&x->f, 0x63, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00);
	READ(&x->f, 0x81, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00);
	assert_int_equal(ccid_power_off(x->c, 1, later()), CCID_OK);
	all_used(x);
}

static void test_slot_status(void **state)
{
	fx *x = *state;
	ccid_icc icc = CCID_ICC_ABSENT;
	WRITE(&x->f, 0x65, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00);
	READ(&x->f, 0x81, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00);
	assert_int_equal(ccid_slot_status(x->c, 0, &icc, later()), CCID_OK);
	assert_int_equal(icc, CCID_ICC_ACTIVE);

	WRITE(&x->f, 0x65, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00);
	READ(&x->f, 0x81, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x01, 0x00, 0x00);
	assert_int_equal(ccid_slot_status(x->c, 1, &icc, later()), CCID_OK);
	assert_int_equal(icc, CCID_ICC_INACTIVE);

	WRITE(&x->f, 0x65, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00);
	READ(&x->f, 0x81, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00);
	assert_int_equal(ccid_slot_status(x->c, 0, &icc, later()), CCID_OK);
	assert_int_equal(icc, CCID_ICC_ABSENT);

	/* A reader that fails the command on an empty slot (bStatus 0x42,
	 * ICC_MUTE): still the answer "absent". */
	icc = CCID_ICC_ACTIVE;
	WRITE(&x->f, 0x65, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00);
	READ(&x->f, 0x81, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x42, 0xFE, 0x00);
	assert_int_equal(ccid_slot_status(x->c, 0, &icc, later()), CCID_OK);
	assert_int_equal(icc, CCID_ICC_ABSENT);

	/* Any other failure is one. */
	WRITE(&x->f, 0x65, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00);
	READ(&x->f, 0x81, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x41, 0xFB, 0x00);
	assert_int_equal(ccid_slot_status(x->c, 0, &icc, later()), CCID_ERR_FAILED);
	assert_int_equal(ccid_last_error(x->c), CCID_BERR_HW_ERROR);
	all_used(x);
}

static void test_get_parameters(void **state)
{
	fx *x = *state;
	ccid_params p;
	/* T=1: Fi/Di 0x11, LRC, guard 0, BWI 4 / CWI 13, no clock stop, IFSC 32, NAD 0. */
	WRITE(&x->f, 0x6C, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00);
	READ(&x->f, 0x82, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	     0x11, 0x10, 0x00, 0x4D, 0x00, 0x20, 0x00);
	assert_int_equal(ccid_get_parameters(x->c, 0, &p, later()), CCID_OK);
	assert_int_equal(p.protocol, 1);
	assert_int_equal(p.fidi, 0x11);
	assert_int_equal(p.tcck, 0x10);
	assert_int_equal(p.guard_time, 0x00);
	assert_int_equal(p.wi, 0x4D);
	assert_int_equal(p.clock_stop, 0x00);
	assert_int_equal(p.ifsc, 0x20);
	assert_int_equal(p.nad, 0x00);
	buffer_wiped(x);

	/* T=0 on the SAM: WI 10. */
	WRITE(&x->f, 0x6C, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00);
	READ(&x->f, 0x82, 0x05, 0x00, 0x00, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00,
	     0x96, 0x00, 0x02, 0x0A, 0x03);
	assert_int_equal(ccid_get_parameters(x->c, 1, &p, later()), CCID_OK);
	assert_int_equal(p.protocol, 0);
	assert_int_equal(p.fidi, 0x96);
	assert_int_equal(p.guard_time, 0x02);
	assert_int_equal(p.wi, 0x0A);
	assert_int_equal(p.clock_stop, 0x03);
	assert_int_equal(p.ifsc, 0);

	/* A structure that does not fit bProtocolNum, and protocol 2. */
	WRITE(&x->f, 0x6C, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00);
	READ(&x->f, 0x82, 0x05, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x01,
	     0x11, 0x10, 0x00, 0x4D, 0x00);
	assert_int_equal(ccid_get_parameters(x->c, 0, &p, later()), CCID_ERR_PROTO);
	WRITE(&x->f, 0x6C, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00);
	READ(&x->f, 0x82, 0x05, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x02,
	     0x11, 0x10, 0x00, 0x4D, 0x00);
	assert_int_equal(ccid_get_parameters(x->c, 0, &p, later()), CCID_ERR_PROTO);
	all_used(x);
}

static void test_set_parameters(void **state)
{
	fx *x = *state;
	/* T=1 with IFSC 254 asked; the reader answers IFSC 32. */
	ccid_params p = {.protocol = 1, .fidi = 0x11, .tcck = 0x10, .guard_time = 0x00,
			 .wi = 0x4D, .clock_stop = 0x00, .ifsc = 0xFE, .nad = 0x00};
	WRITE(&x->f, 0x61, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
	      0x11, 0x10, 0x00, 0x4D, 0x00, 0xFE, 0x00);
	READ(&x->f, 0x82, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	     0x11, 0x10, 0x00, 0x4D, 0x00, 0x20, 0x00);
	assert_int_equal(ccid_set_parameters(x->c, 0, &p, later()), CCID_OK);
	assert_int_equal(p.ifsc, 0x20);
	buffer_wiped(x);

	/* T=0 on the SAM: five bytes, ifsc and nad not sent. */
	p = (ccid_params){.protocol = 0, .fidi = 0x96, .tcck = 0x00, .guard_time = 0x00,
			  .wi = 0x0A, .clock_stop = 0x00, .ifsc = 0x77, .nad = 0x77};
	WRITE(&x->f, 0x61, 0x05, 0x00, 0x00, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00,
	      0x96, 0x00, 0x00, 0x0A, 0x00);
	READ(&x->f, 0x82, 0x05, 0x00, 0x00, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00,
	     0x96, 0x00, 0x00, 0x0A, 0x00);
	assert_int_equal(ccid_set_parameters(x->c, 1, &p, later()), CCID_OK);
	assert_int_equal(p.fidi, 0x96);
	assert_int_equal(p.ifsc, 0);

	/* Refused: bError 10 names bmFindexDindex (offset 10); *P unchanged. */
	p = (ccid_params){.protocol = 0, .fidi = 0x97, .wi = 0x0A};
	WRITE(&x->f, 0x61, 0x05, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00,
	      0x97, 0x00, 0x00, 0x0A, 0x00);
	READ(&x->f, 0x82, 0x05, 0x00, 0x00, 0x00, 0x01, 0x02, 0x40, 0x0A, 0x00,
	     0x96, 0x00, 0x00, 0x0A, 0x00);
	assert_int_equal(ccid_set_parameters(x->c, 1, &p, later()), CCID_ERR_FAILED);
	assert_int_equal(ccid_last_error(x->c), 10);
	assert_string_equal(ccid_berror_name(ccid_last_error(x->c)), "slot error at offset 10");
	assert_int_equal(p.fidi, 0x97);
	all_used(x);
}

static void test_xfr_block_tpdu(void **state)
{
	fx *x = *state;
	/* A T=1 I-block carrying SELECT, bBWI 4; the card's I-block answer. */
	static const uint8_t blk[] = {0x00, 0x00, 0x05, 0x00, 0xA4, 0x04, 0x00, 0x00, 0xA5};
	static const uint8_t ans[] = {0x00, 0x00, 0x02, 0x90, 0x00, 0x92};
	WRITE(&x->f, 0x6F, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00,
	      0x00, 0x00, 0x05, 0x00, 0xA4, 0x04, 0x00, 0x00, 0xA5);
	READ(&x->f, 0x80, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	     0x00, 0x00, 0x02, 0x90, 0x00, 0x92);
	uint8_t out[64];
	size_t got = 99;
	assert_int_equal(ccid_xfr_block(x->c, 0, 4, blk, sizeof blk, out, sizeof out, &got,
					later()),
			 CCID_OK);
	assert_int_equal(got, sizeof ans);
	assert_memory_equal(out, ans, got);
	buffer_wiped(x);

	/* bChainParameter is RFU below the extended level: ignored. */
	WRITE(&x->f, 0x6F, 0x09, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	      0x00, 0x00, 0x05, 0x00, 0xA4, 0x04, 0x00, 0x00, 0xA5);
	READ(&x->f, 0x80, 0x06, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x01,
	     0x00, 0x00, 0x02, 0x90, 0x00, 0x92);
	assert_int_equal(ccid_xfr_block(x->c, 0, 0, blk, sizeof blk, out, sizeof out, &got,
					later()),
			 CCID_OK);
	assert_int_equal(got, sizeof ans);

	/* An empty answer is an answer. */
	WRITE(&x->f, 0x6F, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00);
	READ(&x->f, 0x80, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00);
	assert_int_equal(ccid_xfr_block(x->c, 1, 0, NULL, 0, out, sizeof out, &got, later()),
			 CCID_OK);
	assert_int_equal(got, 0);
	all_used(x);
}

static void test_xfr_block_answer_too_big(void **state)
{
	fx *x = *state;
	static const uint8_t apdu[] = {0x00, 0xB0, 0x00, 0x00, 0x00};
	uint8_t data[258];
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (uint8_t)i;
	s_cmd(&x->f, PC_to_RDR_XfrBlock, 0, 0, 0, 0, 0, apdu, sizeof apdu);
	s_reply(&x->f, RDR_to_PC_DataBlock, 0, 0, 0x00, 0, 0, data, sizeof data);
	uint8_t out[300];
	memset(out, 0, sizeof out);
	size_t got = 99;
	assert_int_equal(ccid_xfr_block(x->c, 0, 0, apdu, sizeof apdu, out, 257, &got, later()),
			 CCID_ERR_TOOBIG);
	assert_int_equal(got, 0);
	assert_true(all_zero(out, sizeof out));
	buffer_wiped(x);
	all_used(x);
}

/* ---- session: bSeq, stale replies, time extensions, deadlines ------------ */

static void test_seq_wraps(void **state)
{
	fx *x = *state;
	ccid_icc icc;
	for (unsigned i = 0; i < 300; i++) {
		s_status_ok(&x->f, (uint8_t)i);
		assert_int_equal(ccid_slot_status(x->c, 0, &icc, later()), CCID_OK);
		all_used(x);
		fake_clear(&x->f);
	}
	assert_int_equal(ccid_stale_count(x->c), 0);
}

static void test_stale_skipped(void **state)
{
	fx *x = *state;
	ccid_icc icc;
	s_status_ok(&x->f, 0);
	assert_int_equal(ccid_slot_status(x->c, 0, &icc, later()), CCID_OK);
	/* bSeq 1 times out; its late answer arrives before bSeq 2's. */
	s_cmd(&x->f, PC_to_RDR_GetSlotStatus, 0, 1, 0, 0, 0, NULL, 0);
	s_err(&x->f, S_READ, XPORT_ERR_TIMEOUT);
	assert_int_equal(ccid_slot_status(x->c, 0, &icc, later()), CCID_ERR_TIMEOUT);
	s_cmd(&x->f, PC_to_RDR_IccPowerOn, 0, 2, 0, 0, 0, NULL, 0);
	s_reply(&x->f, RDR_to_PC_SlotStatus, 0, 1, 0x00, 0, 0, NULL, 0); /* stale, other type */
	s_reply(&x->f, RDR_to_PC_DataBlock, 0, 2, 0x00, 0, 0, atr_cl, sizeof atr_cl);
	uint8_t atr[33];
	size_t n;
	assert_int_equal(ccid_power_on(x->c, 0, atr, sizeof atr, &n, later()), CCID_OK);
	assert_int_equal(n, sizeof atr_cl);
	assert_int_equal(ccid_stale_count(x->c), 1);

	all_used(x);
	fake_clear(&x->f);

	/* CCID_STALE_MAX stale replies are fine, also across the wrap. */
	for (unsigned i = 3; i < 255; i++) {
		s_status_ok(&x->f, (uint8_t)i);
		assert_int_equal(ccid_slot_status(x->c, 0, &icc, later()), CCID_OK);
		all_used(x);
		fake_clear(&x->f);
	}
	s_cmd(&x->f, PC_to_RDR_GetSlotStatus, 0, 255, 0, 0, 0, NULL, 0);
	for (unsigned i = 0; i < CCID_STALE_MAX; i++)
		s_reply(&x->f, RDR_to_PC_SlotStatus, 0, (uint8_t)(251 + i), 0x00, 0, 0, NULL, 0);
	s_reply(&x->f, RDR_to_PC_SlotStatus, 0, 255, 0x01, 0, 0, NULL, 0);
	assert_int_equal(ccid_slot_status(x->c, 0, &icc, later()), CCID_OK);
	assert_int_equal(icc, CCID_ICC_INACTIVE);
	assert_int_equal(ccid_stale_count(x->c), 1 + CCID_STALE_MAX);
	all_used(x);
}

static void test_too_many_stale(void **state)
{
	fx *x = *state;
	ccid_icc icc;
	/* Replies to recent commands (bSeq 0 is 1 behind 1), past the cap. */
	s_status_ok(&x->f, 0);
	assert_int_equal(ccid_slot_status(x->c, 0, &icc, later()), CCID_OK);
	s_cmd(&x->f, PC_to_RDR_GetSlotStatus, 0, 1, 0, 0, 0, NULL, 0);
	for (unsigned i = 0; i <= CCID_STALE_MAX; i++)
		s_reply(&x->f, RDR_to_PC_SlotStatus, 0, 0, 0x00, 0, 0, NULL, 0);
	assert_int_equal(ccid_slot_status(x->c, 0, &icc, later()), CCID_ERR_PROTO);
	assert_int_equal(ccid_stale_count(x->c), CCID_STALE_MAX + 1);
	all_used(x);
	fake_clear(&x->f);

	/* A bSeq never sent (ahead, or further behind than CCID_STALE_MAX):
	 * refused at once, not waited out. */
	static const struct {
		uint8_t sent, got;
	} wrong[] = {
		{2, 3},                        /* one ahead */
		{3, 100},                      /* far ahead */
		{4, 4 - CCID_STALE_MAX - 1},   /* one further behind than a stale reply */
	};
	for (size_t i = 0; i < sizeof wrong / sizeof wrong[0]; i++) {
		s_cmd(&x->f, PC_to_RDR_GetSlotStatus, 0, wrong[i].sent, 0, 0, 0, NULL, 0);
		s_reply(&x->f, RDR_to_PC_SlotStatus, 0, wrong[i].got, 0x00, 0, 0, NULL, 0);
		assert_int_equal(ccid_slot_status(x->c, 0, &icc, later()), CCID_ERR_PROTO);
		all_used(x);
		fake_clear(&x->f);
	}
	assert_int_equal(ccid_stale_count(x->c), CCID_STALE_MAX + 1); /* none counted */
}

static void test_time_extensions(void **state)
{
	fx *x = *state;
	static const uint8_t apdu[] = {0x80, 0xCA, 0x00, 0x00, 0x02};
	static const uint8_t ans[] = {0x12, 0x34, 0x90, 0x00};
	uint8_t out[16];
	size_t got;
	/* Three waits (bStatus 0x80, bError the multiplier), then the answer. */
	s_cmd(&x->f, PC_to_RDR_XfrBlock, 0, 0, 0, 0, 0, apdu, sizeof apdu);
	for (int i = 0; i < 3; i++)
		s_reply(&x->f, RDR_to_PC_DataBlock, 0, 0, 0x80, 0x01, 0, NULL, 0);
	s_reply(&x->f, RDR_to_PC_DataBlock, 0, 0, 0x00, 0, 0, ans, sizeof ans);
	assert_int_equal(ccid_xfr_block(x->c, 0, 0, apdu, sizeof apdu, out, sizeof out, &got,
					later()),
			 CCID_OK);
	assert_int_equal(got, sizeof ans);
	assert_memory_equal(out, ans, got);
	assert_int_equal(ccid_time_ext_count(x->c), 3);
	all_used(x);

	/* Exactly CCID_TIME_EXT_MAX are honoured. */
	fake_clear(&x->f);
	s_cmd(&x->f, PC_to_RDR_XfrBlock, 0, 1, 0, 0, 0, apdu, sizeof apdu);
	for (int i = 0; i < CCID_TIME_EXT_MAX; i++)
		s_reply(&x->f, RDR_to_PC_DataBlock, 0, 1, 0x80, 0x02, 0, NULL, 0);
	s_reply(&x->f, RDR_to_PC_DataBlock, 0, 1, 0x00, 0, 0, ans, sizeof ans);
	assert_int_equal(ccid_xfr_block(x->c, 0, 0, apdu, sizeof apdu, out, sizeof out, &got,
					later()),
			 CCID_OK);
	assert_int_equal(ccid_time_ext_count(x->c), 3 + CCID_TIME_EXT_MAX);
	all_used(x);
}

static void test_time_extension_cap(void **state)
{
	fx *x = *state;
	static const uint8_t apdu[] = {0x80, 0xCA, 0x00, 0x00, 0x02};
	uint8_t out[16];
	size_t got = 99;
	s_cmd(&x->f, PC_to_RDR_XfrBlock, 0, 0, 0, 0, 0, apdu, sizeof apdu);
	for (int i = 0; i <= CCID_TIME_EXT_MAX; i++)
		s_reply(&x->f, RDR_to_PC_DataBlock, 0, 0, 0x80, 0x01, 0, NULL, 0);
	assert_int_equal(ccid_xfr_block(x->c, 0, 0, apdu, sizeof apdu, out, sizeof out, &got,
					later()),
			 CCID_ERR_TIME_EXT);
	assert_int_equal(got, 0);
	all_used(x);
}

static void test_deadline(void **state)
{
	fx *x = *state;
	ccid_icc icc;
	/* Each transfer gets the command's own deadline; a read that hits it
	 * ends the command. */
	int64_t dl = xport_deadline_in(1234);
	x->f.want_deadline = dl;
	s_cmd(&x->f, PC_to_RDR_GetSlotStatus, 0, 0, 0, 0, 0, NULL, 0);
	s_err(&x->f, S_READ, XPORT_ERR_TIMEOUT);
	assert_int_equal(ccid_slot_status(x->c, 0, &icc, dl), CCID_ERR_TIMEOUT);
	all_used(x);

	/* Waiting after a time extension never passes the deadline: with it
	 * already past, the command ends without another read. */
	dl = xport_now_ms() - 1;
	x->f.want_deadline = dl;
	s_cmd(&x->f, PC_to_RDR_GetSlotStatus, 0, 1, 0, 0, 0, NULL, 0);
	s_reply(&x->f, RDR_to_PC_SlotStatus, 0, 1, 0x80, 0x01, 0, NULL, 0);
	assert_int_equal(ccid_slot_status(x->c, 0, &icc, dl), CCID_ERR_TIMEOUT);
	all_used(x);

	/* A write that times out. */
	s_err(&x->f, S_WRITE, XPORT_ERR_TIMEOUT);
	assert_int_equal(ccid_power_off(x->c, 0, dl), CCID_ERR_TIMEOUT);
	all_used(x);
}

/* ---- session: errors ---------------------------------------------------- */

static void test_status_mapping(void **state)
{
	fx *x = *state;
	uint8_t atr[33];
	size_t n = 99;
	/* No card: bmICCStatus 2, whatever bError says. */
	s_cmd(&x->f, PC_to_RDR_IccPowerOn, 0, 0, 0, 0, 0, NULL, 0);
	s_reply(&x->f, RDR_to_PC_DataBlock, 0, 0, 0x42, 0xFE, 0, NULL, 0);
	assert_int_equal(ccid_power_on(x->c, 0, atr, sizeof atr, &n, later()), CCID_ERR_NO_CARD);
	assert_int_equal(n, 0);
	assert_int_equal(ccid_last_error(x->c), 0xFE);
	/* A card that does not answer. */
	s_cmd(&x->f, PC_to_RDR_IccPowerOn, 0, 1, 0, 0, 0, NULL, 0);
	s_reply(&x->f, RDR_to_PC_DataBlock, 0, 1, 0x41, 0xFE, 0, NULL, 0);
	assert_int_equal(ccid_power_on(x->c, 0, atr, sizeof atr, &n, later()), CCID_ERR_MUTE);
	assert_int_equal(ccid_last_error(x->c), CCID_BERR_ICC_MUTE);
	/* Another bError is kept. */
	s_cmd(&x->f, PC_to_RDR_IccPowerOn, 0, 2, 0, 0, 0, NULL, 0);
	s_reply(&x->f, RDR_to_PC_DataBlock, 0, 2, 0x41, 0xF7, 0, NULL, 0);
	assert_int_equal(ccid_power_on(x->c, 0, atr, sizeof atr, &n, later()), CCID_ERR_FAILED);
	assert_int_equal(ccid_last_error(x->c), CCID_BERR_BAD_ATR_TCK);
	s_cmd(&x->f, PC_to_RDR_IccPowerOff, 1, 3, 0, 0, 0, NULL, 0);
	s_reply(&x->f, RDR_to_PC_SlotStatus, 1, 3, 0x40, 0x00, 0, NULL, 0);
	assert_int_equal(ccid_power_off(x->c, 1, later()), CCID_ERR_FAILED);
	assert_int_equal(ccid_last_error(x->c), CCID_BERR_CMD_NOT_SUPPORTED);
	/* An XfrBlock to a card that stopped answering. */
	static const uint8_t apdu[] = {0x00, 0xB0, 0x00, 0x00, 0x00};
	uint8_t out[8];
	s_cmd(&x->f, PC_to_RDR_XfrBlock, 0, 4, 0, 0, 0, apdu, sizeof apdu);
	s_reply(&x->f, RDR_to_PC_DataBlock, 0, 4, 0x40, 0xFD, 0, NULL, 0);
	assert_int_equal(ccid_xfr_block(x->c, 0, 0, apdu, sizeof apdu, out, sizeof out, &n,
					later()),
			 CCID_ERR_FAILED);
	assert_int_equal(ccid_last_error(x->c), CCID_BERR_XFR_PARITY_ERROR);
	buffer_wiped(x);
	all_used(x);
}

static void test_wrong_type_or_slot(void **state)
{
	fx *x = *state;
	uint8_t atr[33];
	size_t n;
	ccid_icc icc;
	s_cmd(&x->f, PC_to_RDR_IccPowerOn, 0, 0, 0, 0, 0, NULL, 0);
	s_reply(&x->f, RDR_to_PC_SlotStatus, 0, 0, 0x00, 0, 0, NULL, 0);
	assert_int_equal(ccid_power_on(x->c, 0, atr, sizeof atr, &n, later()), CCID_ERR_PROTO);
	s_cmd(&x->f, PC_to_RDR_GetSlotStatus, 0, 1, 0, 0, 0, NULL, 0);
	s_reply(&x->f, RDR_to_PC_SlotStatus, 1, 1, 0x00, 0, 0, NULL, 0);
	assert_int_equal(ccid_slot_status(x->c, 0, &icc, later()), CCID_ERR_PROTO);
	s_cmd(&x->f, PC_to_RDR_GetParameters, 1, 2, 0, 0, 0, NULL, 0);
	s_reply(&x->f, RDR_to_PC_DataBlock, 1, 2, 0x00, 0, 0, NULL, 0);
	ccid_params p;
	assert_int_equal(ccid_get_parameters(x->c, 1, &p, later()), CCID_ERR_PROTO);
	all_used(x);
}

static void test_malformed_replies(void **state)
{
	fx *x = *state;
	ccid_icc icc;
	uint8_t seq = 0;
	/* Cut short, dwLength beyond what came, reserved bStatus, a notify
	 * on the bulk pipe, and an empty transfer. */
	s_cmd(&x->f, PC_to_RDR_GetSlotStatus, 0, seq, 0, 0, 0, NULL, 0);
	READ(&x->f, 0x81, 0x00, 0x00, 0x00, 0x00);
	assert_int_equal(ccid_slot_status(x->c, 0, &icc, later()), CCID_ERR_PROTO);
	seq++;
	s_cmd(&x->f, PC_to_RDR_GetSlotStatus, 0, seq, 0, 0, 0, NULL, 0);
	READ(&x->f, 0x81, 0x04, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01);
	assert_int_equal(ccid_slot_status(x->c, 0, &icc, later()), CCID_ERR_PROTO);
	seq++;
	s_cmd(&x->f, PC_to_RDR_GetSlotStatus, 0, seq, 0, 0, 0, NULL, 0);
	READ(&x->f, 0x81, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0x00, 0x00);
	assert_int_equal(ccid_slot_status(x->c, 0, &icc, later()), CCID_ERR_PROTO);
	seq++;
	s_cmd(&x->f, PC_to_RDR_GetSlotStatus, 0, seq, 0, 0, 0, NULL, 0);
	READ(&x->f, 0x50, 0x03);
	assert_int_equal(ccid_slot_status(x->c, 0, &icc, later()), CCID_ERR_PROTO);
	seq++;
	s_cmd(&x->f, PC_to_RDR_GetSlotStatus, 0, seq, 0, 0, 0, NULL, 0);
	s_read(&x->f, NULL, 0);
	assert_int_equal(ccid_slot_status(x->c, 0, &icc, later()), CCID_ERR_PROTO);
	all_used(x);
}

static void test_transport_errors(void **state)
{
	fx *x = *state;
	ccid_icc icc;
	uint8_t out[8];
	size_t got;
	static const uint8_t apdu[] = {0x00, 0xB0, 0x00, 0x00, 0x00};
	/* Unplugged before the command, and while waiting for its answer. */
	s_err(&x->f, S_WRITE, XPORT_ERR_GONE);
	assert_int_equal(ccid_slot_status(x->c, 0, &icc, later()), CCID_ERR_GONE);
	s_cmd(&x->f, PC_to_RDR_XfrBlock, 0, 1, 0, 0, 0, apdu, sizeof apdu);
	s_err(&x->f, S_READ, XPORT_ERR_GONE);
	assert_int_equal(ccid_xfr_block(x->c, 0, 0, apdu, sizeof apdu, out, sizeof out, &got,
					later()),
			 CCID_ERR_GONE);
	buffer_wiped(x);
	s_err(&x->f, S_WRITE, XPORT_ERR_IO);
	assert_int_equal(ccid_power_off(x->c, 0, later()), CCID_ERR_IO);
	s_cmd(&x->f, PC_to_RDR_GetSlotStatus, 0, 3, 0, 0, 0, NULL, 0);
	s_err(&x->f, S_READ, XPORT_ERR_IO);
	assert_int_equal(ccid_slot_status(x->c, 0, &icc, later()), CCID_ERR_IO);
	s_cmd(&x->f, PC_to_RDR_GetSlotStatus, 0, 4, 0, 0, 0, NULL, 0);
	s_err(&x->f, S_READ, XPORT_ERR_NOMEM);
	assert_int_equal(ccid_slot_status(x->c, 0, &icc, later()), CCID_ERR_NOMEM);
	all_used(x);
}

/* ---- session: message size and the extended level ------------------------ */

static void test_short_apdu_overflow(void **state)
{
	fx *x = *state;
	reopen(x, desc_short, false);
	uint8_t apdu[262];
	memset(apdu, 0x5A, sizeof apdu);
	uint8_t out[258];
	size_t got = 99;
	/* 262 bytes do not fit 271 - 10: refused before any I/O, no bSeq used. */
	assert_int_equal(ccid_xfr_block(x->c, 0, 0, apdu, sizeof apdu, out, sizeof out, &got,
					later()),
			 CCID_ERR_TOOBIG);
	assert_int_equal(got, 0);
	all_used(x);
	/* 261 do, in one message with bSeq 0. */
	static const uint8_t sw[] = {0x90, 0x00};
	s_cmd(&x->f, PC_to_RDR_XfrBlock, 0, 0, 0, 0, 0, apdu, 261);
	s_reply(&x->f, RDR_to_PC_DataBlock, 0, 0, 0x00, 0, 0, sw, 2);
	assert_int_equal(ccid_xfr_block(x->c, 0, 0, apdu, 261, out, sizeof out, &got, later()),
			 CCID_OK);
	assert_int_equal(got, 2);
	buffer_wiped(x);
	all_used(x);
	/* The TPDU reader too. */
	reopen(x, desc_tpdu, true);
	assert_int_equal(ccid_xfr_block(x->c, 0, 0, apdu, sizeof apdu, out, sizeof out, &got,
					later()),
			 CCID_ERR_TOOBIG);
	all_used(x);
}

/* The bytes of a made-up extended APDU and its answer. */
static void pattern(uint8_t *b, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(seed + i * 7);
}

static void test_ext_chaining_both_ways(void **state)
{
	fx *x = *state;
	reopen(x, desc_ext, false);
	enum { CMD = 600, A1 = 261, A2 = 261, A3 = 10 };
	uint8_t cmd[CMD], ans[A1 + A2 + A3];
	pattern(cmd, sizeof cmd, 1);
	pattern(ans, sizeof ans, 9);
	int64_t dl = later();
	x->f.want_deadline = dl;

	/* The command in three parts: 261 (begin), 261 (continue), 78 (end). */
	s_cmd(&x->f, PC_to_RDR_XfrBlock, 0, 0, 0x00, 0x01, 0x00, cmd, 261);
	s_reply(&x->f, RDR_to_PC_DataBlock, 0, 0, 0x00, 0, 0x10, NULL, 0);
	s_cmd(&x->f, PC_to_RDR_XfrBlock, 0, 1, 0x00, 0x03, 0x00, cmd + 261, 261);
	s_reply(&x->f, RDR_to_PC_DataBlock, 0, 1, 0x00, 0, 0x10, NULL, 0);
	s_cmd(&x->f, PC_to_RDR_XfrBlock, 0, 2, 0x00, 0x02, 0x00, cmd + 522, 78);
	/* The answer in three parts: begin, continue, end; each asked for
	 * with an empty XfrBlock, wLevelParameter 0x0010. */
	s_reply(&x->f, RDR_to_PC_DataBlock, 0, 2, 0x00, 0, 0x01, ans, A1);
	s_cmd(&x->f, PC_to_RDR_XfrBlock, 0, 3, 0x00, 0x10, 0x00, NULL, 0);
	s_reply(&x->f, RDR_to_PC_DataBlock, 0, 3, 0x00, 0, 0x03, ans + A1, A2);
	s_cmd(&x->f, PC_to_RDR_XfrBlock, 0, 4, 0x00, 0x10, 0x00, NULL, 0);
	s_reply(&x->f, RDR_to_PC_DataBlock, 0, 4, 0x00, 0, 0x02, ans + A1 + A2, A3);

	uint8_t out[1024];
	size_t got = 0;
	assert_int_equal(ccid_xfr_block(x->c, 0, 0, cmd, sizeof cmd, out, sizeof out, &got, dl),
			 CCID_OK);
	assert_int_equal(got, sizeof ans);
	assert_memory_equal(out, ans, sizeof ans);
	buffer_wiped(x);
	all_used(x);

	/* Exactly one message's worth is not chained; an answer may end with
	 * bChainParameter 0 after a begin, too. */
	s_cmd(&x->f, PC_to_RDR_XfrBlock, 0, 5, 0x00, 0x00, 0x00, cmd, 261);
	s_reply(&x->f, RDR_to_PC_DataBlock, 0, 5, 0x00, 0, 0x01, ans, 5);
	s_cmd(&x->f, PC_to_RDR_XfrBlock, 0, 6, 0x00, 0x10, 0x00, NULL, 0);
	s_reply(&x->f, RDR_to_PC_DataBlock, 0, 6, 0x00, 0, 0x00, ans + 5, 2);
	assert_int_equal(ccid_xfr_block(x->c, 0, 0, cmd, 261, out, sizeof out, &got, dl), CCID_OK);
	assert_int_equal(got, 7);
	assert_memory_equal(out, ans, 7);
	/* Two parts: begin, end. */
	s_cmd(&x->f, PC_to_RDR_XfrBlock, 0, 7, 0x00, 0x01, 0x00, cmd, 261);
	s_reply(&x->f, RDR_to_PC_DataBlock, 0, 7, 0x00, 0, 0x10, NULL, 0);
	s_cmd(&x->f, PC_to_RDR_XfrBlock, 0, 8, 0x00, 0x02, 0x00, cmd + 261, 1);
	s_reply(&x->f, RDR_to_PC_DataBlock, 0, 8, 0x00, 0, 0x00, ans, 2);
	assert_int_equal(ccid_xfr_block(x->c, 0, 0, cmd, 262, out, sizeof out, &got, dl), CCID_OK);
	assert_int_equal(got, 2);
	all_used(x);
}

static void test_ext_answer_too_big_drained(void **state)
{
	fx *x = *state;
	reopen(x, desc_ext, false);
	static const uint8_t apdu[] = {0x00, 0xB0, 0x00, 0x00, 0x00, 0x00, 0x00};
	uint8_t ans[261 * 2 + 10];
	pattern(ans, sizeof ans, 3);
	s_cmd(&x->f, PC_to_RDR_XfrBlock, 0, 0, 0x00, 0x00, 0x00, apdu, sizeof apdu);
	s_reply(&x->f, RDR_to_PC_DataBlock, 0, 0, 0x00, 0, 0x01, ans, 261);
	s_cmd(&x->f, PC_to_RDR_XfrBlock, 0, 1, 0x00, 0x10, 0x00, NULL, 0);
	s_reply(&x->f, RDR_to_PC_DataBlock, 0, 1, 0x00, 0, 0x03, ans + 261, 261);
	s_cmd(&x->f, PC_to_RDR_XfrBlock, 0, 2, 0x00, 0x10, 0x00, NULL, 0);
	s_reply(&x->f, RDR_to_PC_DataBlock, 0, 2, 0x00, 0, 0x02, ans + 522, 10);
	uint8_t out[600];
	memset(out, 0, sizeof out);
	size_t got = 99;
	/* Room for 300 bytes: the whole chain is read, then refused. */
	assert_int_equal(ccid_xfr_block(x->c, 0, 0, apdu, sizeof apdu, out, 300, &got, later()),
			 CCID_ERR_TOOBIG);
	assert_int_equal(got, 0);
	assert_true(all_zero(out, sizeof out));
	buffer_wiped(x);
	all_used(x);

	/* The next command gets the next bSeq and its own answer. */
	s_status_ok(&x->f, 3);
	ccid_icc icc;
	assert_int_equal(ccid_slot_status(x->c, 0, &icc, later()), CCID_OK);
	all_used(x);
}

static void test_ext_chaining_broken(void **state)
{
	fx *x = *state;
	reopen(x, desc_ext, false);
	uint8_t cmd[300], out[600];
	pattern(cmd, sizeof cmd, 5);
	size_t got = 99;
	/* Between command parts the reader must say 0x10 and nothing else. */
	s_cmd(&x->f, PC_to_RDR_XfrBlock, 0, 0, 0x00, 0x01, 0x00, cmd, 261);
	s_reply(&x->f, RDR_to_PC_DataBlock, 0, 0, 0x00, 0, 0x00, cmd, 2);
	assert_int_equal(ccid_xfr_block(x->c, 0, 0, cmd, sizeof cmd, out, sizeof out, &got,
					later()),
			 CCID_ERR_PROTO);
	/* A failure mid-command is that failure. */
	s_cmd(&x->f, PC_to_RDR_XfrBlock, 0, 1, 0x00, 0x01, 0x00, cmd, 261);
	s_reply(&x->f, RDR_to_PC_DataBlock, 0, 1, 0x41, 0xFE, 0x00, NULL, 0);
	assert_int_equal(ccid_xfr_block(x->c, 0, 0, cmd, sizeof cmd, out, sizeof out, &got,
					later()),
			 CCID_ERR_MUTE);
	/* An answer part announcing more but empty, or an unknown chain value. */
	s_cmd(&x->f, PC_to_RDR_XfrBlock, 0, 2, 0x00, 0x00, 0x00, cmd, 5);
	s_reply(&x->f, RDR_to_PC_DataBlock, 0, 2, 0x00, 0, 0x01, NULL, 0);
	assert_int_equal(ccid_xfr_block(x->c, 0, 0, cmd, 5, out, sizeof out, &got, later()),
			 CCID_ERR_PROTO);
	s_cmd(&x->f, PC_to_RDR_XfrBlock, 0, 3, 0x00, 0x00, 0x00, cmd, 5);
	s_reply(&x->f, RDR_to_PC_DataBlock, 0, 3, 0x00, 0, 0x10, cmd, 2);
	assert_int_equal(ccid_xfr_block(x->c, 0, 0, cmd, 5, out, sizeof out, &got, later()),
			 CCID_ERR_PROTO);
	/* Unplugged while the answer is being collected: no partial answer. */
	s_cmd(&x->f, PC_to_RDR_XfrBlock, 0, 4, 0x00, 0x00, 0x00, cmd, 5);
	s_reply(&x->f, RDR_to_PC_DataBlock, 0, 4, 0x00, 0, 0x01, cmd, 100);
	s_cmd(&x->f, PC_to_RDR_XfrBlock, 0, 5, 0x00, 0x10, 0x00, NULL, 0);
	s_err(&x->f, S_READ, XPORT_ERR_GONE);
	memset(out, 0, sizeof out);
	assert_int_equal(ccid_xfr_block(x->c, 0, 0, cmd, 5, out, sizeof out, &got, later()),
			 CCID_ERR_GONE);
	assert_int_equal(got, 0);
	assert_true(all_zero(out, sizeof out));
	all_used(x);
}

/* ---- session: the interrupt endpoint ------------------------------------ */

static void test_poll_change(void **state)
{
	fx *x = *state;
	uint8_t present, changed;
	/* Two slots: the card arrived on the antenna, the SAM sits still. */
	int64_t dl = later();
	x->f.want_deadline = dl;
	INTR(&x->f, 0x50, 0x07);
	assert_int_equal(ccid_poll_change(x->c, &present, &changed, dl), CCID_OK);
	assert_int_equal(present, 0x03);
	assert_int_equal(changed, 0x01);
	/* Nothing before the deadline. */
	s_err(&x->f, S_INTR, XPORT_ERR_TIMEOUT);
	assert_int_equal(ccid_poll_change(x->c, &present, &changed, dl), CCID_ERR_TIMEOUT);
	/* A HardwareError: overcurrent (0x01) on slot 0. */
	INTR(&x->f, 0x51, 0x00, 0x07, 0x01);
	assert_int_equal(ccid_poll_change(x->c, &present, &changed, dl), CCID_ERR_FAILED);
	assert_int_equal(ccid_last_error(x->c), 0x01);
	assert_int_equal(present, 0);
	/* Malformed: the one-slot length on a two-slot reader. */
	INTR(&x->f, 0x50, 0x03, 0x00);
	assert_int_equal(ccid_poll_change(x->c, &present, &changed, dl), CCID_ERR_PROTO);
	s_err(&x->f, S_INTR, XPORT_ERR_GONE);
	assert_int_equal(ccid_poll_change(x->c, &present, &changed, dl), CCID_ERR_GONE);
	all_used(x);

	/* One slot: the card left. */
	uint8_t d[54];
	desc_with(d, 0x000200BA, 3, 0, 271);
	reopen(x, d, true);
	x->f.want_deadline = 0;
	INTR(&x->f, 0x50, 0x02);
	assert_int_equal(ccid_poll_change(x->c, &present, &changed, later()), CCID_OK);
	assert_int_equal(present, 0x00);
	assert_int_equal(changed, 0x01);
	all_used(x);
}

static void test_poll_change_no_interrupt(void **state)
{
	fx *x = *state;
	reopen(x, desc_short, false);
	uint8_t present = 0xEE, changed = 0xEE;
	assert_int_equal(ccid_poll_change(x->c, &present, &changed, later()),
			 CCID_ERR_UNSUPPORTED);
	assert_int_equal(present, 0);
	assert_int_equal(changed, 0);
	all_used(x);
}

static void test_open_accessors(void **state)
{
	fx *x = *state;
	const ccid_desc *d = ccid_descriptor(x->c);
	assert_int_equal(d->level, CCID_LEVEL_TPDU);
	assert_int_equal(d->max_slot_index, 1);
	assert_int_equal(ccid_last_error(x->c), 0);
	assert_int_equal(ccid_stale_count(x->c), 0);
	assert_int_equal(ccid_time_ext_count(x->c), 0);
	/* ccid_free NULLs the pointer and takes NULL. */
	ccid_free(&x->c);
	assert_null(x->c);
	ccid_free(&x->c);
	ccid_free(NULL);
}

#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cmd_build),
		cmocka_unit_test(test_reply_parse_ok),
		cmocka_unit_test(test_reply_parse_malformed),
		cmocka_unit_test(test_notify_parse),
		cmocka_unit_test(test_desc_tpdu_reader),
		cmocka_unit_test(test_desc_apdu_readers),
		cmocka_unit_test(test_desc_refused),
		cmocka_unit_test(test_desc_malformed),
		cmocka_unit_test(test_names),
		T(test_power_on),
		T(test_power_on_atr_too_big),
		T(test_power_off),
		T(test_slot_status),
		T(test_get_parameters),
		T(test_set_parameters),
		T(test_xfr_block_tpdu),
		T(test_xfr_block_answer_too_big),
		T(test_seq_wraps),
		T(test_stale_skipped),
		T(test_too_many_stale),
		T(test_time_extensions),
		T(test_time_extension_cap),
		T(test_deadline),
		T(test_status_mapping),
		T(test_wrong_type_or_slot),
		T(test_malformed_replies),
		T(test_transport_errors),
		T(test_short_apdu_overflow),
		T(test_ext_chaining_both_ways),
		T(test_ext_answer_too_big_drained),
		T(test_ext_chaining_broken),
		T(test_poll_change),
		T(test_poll_change_no_interrupt),
		T(test_open_accessors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * fuzz_ccid: libFuzzer harness for the CCID layer (drivers/ccid.c), which
 * parses bytes a USB device chose. Every input goes to the three pure
 * parsers: ccid_reply_parse (the whole input as one bulk reply),
 * ccid_notify_parse (the rest after the first byte as an interrupt
 * message, the first byte giving the slot count, 0..9 so that the refused
 * counts are tried too) and ccid_desc_parse (the whole input as a class
 * descriptor); each result is checked against the contract in ccid.h: data
 * pointer and length inside the input, outputs zeroed on error, masks only
 * for existing slots, reasons given. The same input also drives one session
 * command through a scripted transport, so that the session's own checks
 * (bSeq, time extensions, chaining, capacities) meet hostile replies:
 *
 *   byte 0   the reader: TPDU with two slots / short APDU / extended APDU
 *            with 20-byte messages, so that chaining is cheap to reach
 *   byte 1   the command (power on, off, status, parameters, XfrBlock, poll)
 *   byte 2   its argument (slot, command length, answer capacity)
 *   rest     the replies, each as a 2-byte little-endian length and bytes;
 *            after the last one every read times out
 *
 * Built without a main: `clang -fsanitize=fuzzer,address,undefined`; the
 * seeds are in tests/fuzz/corpus/ccid/.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ccid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x) do { if (!(x)) abort(); } while (0)

static bool zeros(const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

static void fuzz_reply(const uint8_t *data, size_t size)
{
	ccid_reply r;
	if (ccid_reply_parse(data, size, &r) != CCID_OK) {
		CHECK(zeros(&r, sizeof r));
		return;
	}
	CHECK(size >= CCID_HEADER_LEN);
	CHECK(r.data == data + CCID_HEADER_LEN);
	CHECK(r.len == size - CCID_HEADER_LEN);
	CHECK(r.data + r.len == data + size);
	CHECK(r.type == RDR_to_PC_DataBlock || r.type == RDR_to_PC_SlotStatus ||
	      r.type == RDR_to_PC_Parameters);
	CHECK(r.icc <= CCID_ICC_ABSENT && r.cmd <= CCID_CMD_TIME_EXT);
	CHECK((r.status & 0x3C) == 0);
	CHECK(r.slot == data[5] && r.seq == data[6] && r.error == data[8]);
	if (r.len > 0) /* read it all: ASan sees any overrun */
		CHECK(memchr(r.data, r.data[r.len - 1], r.len) != NULL);
}

static void fuzz_notify(const uint8_t *data, size_t size)
{
	if (size == 0)
		return;
	unsigned slots = data[0] % (CCID_MAX_SLOTS + 2);
	uint8_t present = 0xA5, changed = 0x5A;
	bool hw = true;
	ccid_err e = ccid_notify_parse(data + 1, size - 1, slots, &present, &changed, &hw);
	if (e != CCID_OK) {
		CHECK(e == CCID_ERR_PROTO);
		CHECK(present == 0 && changed == 0 && !hw);
		return;
	}
	if (hw) {
		CHECK(present == 0 && changed == 0);
		CHECK(size - 1 == 4 && data[1] == RDR_to_PC_HardwareError);
		return;
	}
	CHECK(slots >= 1 && slots <= CCID_MAX_SLOTS);
	CHECK(size - 1 == 1 + (slots + 3) / 4);
	unsigned mask = (1u << slots) - 1;
	CHECK((present & ~mask) == 0 && (changed & ~mask) == 0);
}

static void fuzz_desc(const uint8_t *data, size_t size)
{
	ccid_desc d;
	const char *why = NULL;
	ccid_err e = ccid_desc_parse(data, size, &d, &why);
	switch (e) {
	case CCID_OK:
		CHECK(why == NULL);
		CHECK(d.level != CCID_LEVEL_CHAR);
		CHECK(d.max_slot_index < CCID_MAX_SLOTS);
		CHECK(d.protocols & 3);
		break;
	case CCID_ERR_UNSUPPORTED:
		CHECK(why != NULL && why[0] != '\0');
		break;
	case CCID_ERR_BAD_DESC:
		CHECK(why != NULL && why[0] != '\0');
		CHECK(zeros(&d, sizeof d));
		return;
	default:
		abort();
	}
	CHECK(size >= 54);
	CHECK(d.max_msg_len >= 15 && d.max_msg_len <= CCID_MSG_MAX);
	CHECK(ccid_level_name(d.level) != NULL);
}

/* ---- the session against scripted replies -------------------------------- */

typedef struct script {
	const uint8_t *p;
	size_t n;
	size_t reads;
} script;

/* The next reply of the script into BUF, or a timeout when none is left. */
static xport_err next_reply(script *s, uint8_t *buf, size_t cap, size_t *got)
{
	if (s->n < 2)
		return XPORT_ERR_TIMEOUT;
	size_t len = (size_t)s->p[0] | (size_t)s->p[1] << 8;
	s->p += 2;
	s->n -= 2;
	if (len > s->n)
		len = s->n;
	s->reads++;
	xport_err e = XPORT_OK;
	if (len > cap) /* what libusb calls an overflow */
		e = XPORT_ERR_IO;
	else if (len > 0)
		memcpy(buf, s->p, len);
	*got = e == XPORT_OK ? len : 0;
	s->p += len;
	s->n -= len;
	return e;
}

static xport_err s_write(void *ctx, const uint8_t *buf, size_t len, int64_t deadline_ms)
{
	(void)ctx;
	(void)deadline_ms;
	CHECK(len >= CCID_HEADER_LEN && buf[0] >= 0x60 && buf[0] <= 0x6F);
	return XPORT_OK;
}

static xport_err s_read(void *ctx, uint8_t *buf, size_t cap, size_t *got, int64_t deadline_ms)
{
	(void)deadline_ms;
	return next_reply(ctx, buf, cap, got);
}

static xport_err s_open(void *ctx, xport_info *info)
{
	(void)ctx;
	(void)info;
	abort();
}

static void s_close(void *ctx)
{
	(void)ctx;
	abort();
}

static bool s_wait(void *ctx, int64_t deadline_ms)
{
	(void)ctx;
	(void)deadline_ms;
	abort();
}

static const xport_ops script_ops = {
	.name = "fuzz",
	.open = s_open,
	.close = s_close,
	.bulk_write = s_write,
	.bulk_read = s_read,
	.intr_read = s_read,
	.wait_arrival = s_wait,
	.free = s_close,
};

/* desc with the given dwFeatures level, bMaxSlotIndex and message size. */
static void make_desc(uint8_t d[54], uint32_t level, uint8_t max_slot, uint32_t max_msg)
{
	memset(d, 0, 54);
	d[0] = 0x36;
	d[1] = CCID_DESC_TYPE;
	d[2] = 0x10;
	d[3] = 0x01;
	d[4] = max_slot;
	d[5] = 0x07;
	d[6] = 0x03;
	uint32_t features = level | 0xBA;
	for (int i = 0; i < 4; i++) {
		d[40 + i] = (uint8_t)(features >> 8 * i);
		d[44 + i] = (uint8_t)(max_msg >> 8 * i);
	}
}

static void fuzz_session(const uint8_t *data, size_t size)
{
	if (size < 3)
		return;
	xport_info info = {.has_interrupt = true, .ccid_desc_len = 54, .max_packet = 64};
	switch (data[0] % 3) {
	case 0: make_desc(info.ccid_desc, CCID_FEAT_LEVEL_TPDU, 1, 271); break;
	case 1: make_desc(info.ccid_desc, CCID_FEAT_LEVEL_SHORT_APDU, 0, 271); break;
	default: make_desc(info.ccid_desc, CCID_FEAT_LEVEL_EXT_APDU, 0, 20); break;
	}
	script s = {data + 3, size - 3, 0};
	ccid *c = NULL;
	CHECK(ccid_open(&c, (xport){&script_ops, &s}, &info, NULL) == CCID_OK);
	uint8_t slot = data[2] & 1 ? ccid_descriptor(c)->max_slot_index : 0;
	int64_t dl = xport_deadline_in(60000);
	uint8_t out[300];
	size_t got = 12345;
	ccid_err e = CCID_OK;

	switch (data[1] % 8) {
	case 0: {
		e = ccid_power_on(c, slot, out, data[2] % 40, &got, dl);
		CHECK(got <= 33 && got <= data[2] % 40u);
		CHECK(e == CCID_OK || got == 0);
		break;
	}
	case 1:
		e = ccid_power_off(c, slot, dl);
		break;
	case 2: {
		ccid_icc icc = (ccid_icc)7;
		e = ccid_slot_status(c, slot, &icc, dl);
		CHECK(e != CCID_OK || icc <= CCID_ICC_ABSENT);
		break;
	}
	case 3: {
		ccid_params p;
		e = ccid_get_parameters(c, slot, &p, dl);
		CHECK(e != CCID_OK || p.protocol <= 1);
		break;
	}
	case 4: {
		ccid_params p = {.protocol = data[2] & 2 ? 1 : 0, .fidi = 0x11, .wi = 0x4D,
				 .ifsc = 0x20};
		e = ccid_set_parameters(c, slot, &p, dl);
		CHECK(e != CCID_OK || p.protocol <= 1);
		break;
	}
	case 5:
	case 6: {
		/* A command of 0..63 bytes: up to four parts at 20-byte messages. */
		uint8_t cmd[64];
		size_t n = data[2] % sizeof cmd;
		memset(cmd, 0x5A, n);
		size_t cap = data[1] % 8 == 5 ? sizeof out : data[2] % 32;
		memset(out, 0, sizeof out);
		e = ccid_xfr_block(c, slot, data[2] >> 4, cmd, n, out, cap, &got, dl);
		CHECK(got <= cap);
		if (e != CCID_OK)
			CHECK(got == 0 && zeros(out, sizeof out));
		break;
	}
	default: {
		uint8_t present, changed;
		unsigned mask = (1u << (ccid_descriptor(c)->max_slot_index + 1)) - 1;
		e = ccid_poll_change(c, &present, &changed, dl);
		CHECK(e != CCID_OK || ((present | changed) & ~mask) == 0);
		CHECK(e == CCID_OK || (present == 0 && changed == 0));
		break;
	}
	}
	CHECK(ccid_err_name(e) != NULL);
	CHECK(ccid_stale_count(c) <= s.reads && ccid_time_ext_count(c) <= s.reads);
	ccid_free(&c);
	CHECK(c == NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_reply(data, size);
	fuzz_notify(data, size);
	fuzz_desc(data, size);
	fuzz_session(data, size);
	return 0;
}

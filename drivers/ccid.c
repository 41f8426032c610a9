/*
 * ccid: the USB CCID 1.1 protocol over the transport seam (see ccid.h).
 *
 * The codec half reads and writes the spec's little-endian fields at the
 * spec's offsets and trusts nothing it is given: every length is checked
 * against the bytes actually received before anything points into them.
 * The session half keeps one message buffer of dwMaxCCIDMessageLength
 * bytes, used for the command going out and the reply coming in; it holds
 * card data (ATRs, APDUs, answers), so whatever part of it a command used
 * is wiped before the command returns, success or not, and all of it on
 * ccid_free.
 */
#include <stdlib.h>
#include <string.h>

#include "ccid.h"

/* Offsets in the class descriptor (CCID 1.1 table 5.1-1). */
enum {
	D_bLength = 0,
	D_bDescriptorType = 1,
	D_bcdCCID = 2,
	D_bMaxSlotIndex = 4,
	D_bVoltageSupport = 5,
	D_dwProtocols = 6,
	D_dwDefaultClock = 10,
	D_dwMaximumClock = 14,
	D_bNumClockSupported = 18,
	D_dwDataRate = 19,
	D_dwMaxDataRate = 23,
	D_bNumDataRatesSupported = 27,
	D_dwMaxIFSD = 28,
	D_dwSynchProtocols = 32,
	D_dwMechanical = 36,
	D_dwFeatures = 40,
	D_dwMaxCCIDMessageLength = 44,
	D_bClassGetResponse = 48,
	D_bClassEnvelope = 49,
	D_wLcdLayout = 50,
	D_bPINSupport = 52,
	D_bMaxCCIDBusySlots = 53,
};

/* Offsets in a bulk message header (CCID 1.1 6.1 and 6.2). */
enum {
	H_bMessageType = 0,
	H_dwLength = 1,
	H_bSlot = 5,
	H_bSeq = 6,
	H_bStatus = 7,          /* RDR_to_PC; the first specific byte in PC_to_RDR */
	H_bError = 8,
	H_bSpecific = 9,        /* bChainParameter, bClockStatus, bProtocolNum */
};

/* bStatus (CCID 1.1 6.2.6): bits 0-1 bmICCStatus, 2-5 RFU, 6-7 bmCommandStatus. */
enum {
	STATUS_ICC_MASK = 0x03,
	STATUS_RFU_MASK = 0x3C,
	STATUS_CMD_SHIFT = 6,
};

/* wLevelParameter of PC_to_RDR_XfrBlock and bChainParameter of
 * RDR_to_PC_DataBlock at the extended APDU level (CCID 1.1 6.1.4, 6.2.1). */
enum {
	LEVEL_BEGIN = 0x0001,       /* the command begins here and goes on */
	LEVEL_END = 0x0002,         /* the command ends here */
	LEVEL_CONTINUE = 0x0003,    /* the command goes on and goes on */
	LEVEL_MORE = 0x0010,        /* empty: send the next part of the answer */
	CHAIN_WHOLE = 0x00,         /* the answer begins and ends here */
	CHAIN_BEGIN = 0x01,
	CHAIN_END = 0x02,
	CHAIN_CONTINUE = 0x03,
	CHAIN_CMD_MORE = 0x10,      /* empty: the reader waits for the command's next part */
};

enum {
	ATR_CAP = 33,               /* ISO/IEC 7816-3: an ATR has at most 33 bytes */
	PARAMS_T0_LEN = 5,          /* abProtocolDataStructure for T=0 */
	PARAMS_T1_LEN = 7,          /* ... for T=1 */
	NOTIFY_CAP = 64,            /* an interrupt transfer: one packet at most */
	HW_ERROR_LEN = 4,           /* RDR_to_PC_HardwareError */
};

_Static_assert(CCID_MAX_SLOTS <= 8, "slot masks are uint8_t");

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

const char *ccid_err_name(ccid_err e)
{
	switch (e) {
	case CCID_OK: return "ok";
	case CCID_ERR_TIMEOUT: return "reader did not answer in time";
	case CCID_ERR_GONE: return "reader unplugged";
	case CCID_ERR_IO: return "transfer to the reader failed";
	case CCID_ERR_PROTO: return "malformed reply from the reader";
	case CCID_ERR_NO_CARD: return "no card in the slot";
	case CCID_ERR_MUTE: return "card does not answer (ICC_MUTE)";
	case CCID_ERR_FAILED: return "reader reported a failed command";
	case CCID_ERR_TIME_EXT: return "too many time extensions";
	case CCID_ERR_UNSUPPORTED: return "reader not supported";
	case CCID_ERR_TOOBIG: return "data too large for the message or buffer";
	case CCID_ERR_NOMEM: return "out of memory";
	case CCID_ERR_BAD_DESC: return "missing or malformed CCID class descriptor";
	default: return "unknown CCID error";
	}
}

/* "slot error at offset N" for N = 1..127 (CCID 1.1 table 6.2-2: the
 * index of the message byte the reader did not accept), as static strings. */
#define OFF_STR_(n) #n
#define OFF(a, b) "slot error at offset " OFF_STR_(a##b)
#define OFF10(a) OFF(a, 0), OFF(a, 1), OFF(a, 2), OFF(a, 3), OFF(a, 4), \
	OFF(a, 5), OFF(a, 6), OFF(a, 7), OFF(a, 8), OFF(a, 9)
static const char *const berror_offset[128] = {
	OFF10(), OFF10(1), OFF10(2), OFF10(3), OFF10(4), OFF10(5), OFF10(6), OFF10(7),
	OFF10(8), OFF10(9), OFF10(10), OFF10(11), OFF(12, 0), OFF(12, 1), OFF(12, 2),
	OFF(12, 3), OFF(12, 4), OFF(12, 5), OFF(12, 6), OFF(12, 7),
};
#undef OFF10
#undef OFF
#undef OFF_STR_

const char *ccid_berror_name(uint8_t b)
{
	switch (b) {
	case CCID_BERR_CMD_ABORTED: return "CMD_ABORTED";
	case CCID_BERR_ICC_MUTE: return "ICC_MUTE";
	case CCID_BERR_XFR_PARITY_ERROR: return "XFR_PARITY_ERROR";
	case CCID_BERR_XFR_OVERRUN: return "XFR_OVERRUN";
	case CCID_BERR_HW_ERROR: return "HW_ERROR";
	case CCID_BERR_BAD_ATR_TS: return "BAD_ATR_TS";
	case CCID_BERR_BAD_ATR_TCK: return "BAD_ATR_TCK";
	case CCID_BERR_ICC_PROTOCOL_NOT_SUPPORTED: return "ICC_PROTOCOL_NOT_SUPPORTED";
	case CCID_BERR_ICC_CLASS_NOT_SUPPORTED: return "ICC_CLASS_NOT_SUPPORTED";
	case CCID_BERR_PROCEDURE_BYTE_CONFLICT: return "PROCEDURE_BYTE_CONFLICT";
	case CCID_BERR_DEACTIVATED_PROTOCOL: return "DEACTIVATED_PROTOCOL";
	case CCID_BERR_BUSY_WITH_AUTO_SEQUENCE: return "BUSY_WITH_AUTO_SEQUENCE";
	case CCID_BERR_PIN_TIMEOUT: return "PIN_TIMEOUT";
	case CCID_BERR_PIN_CANCELLED: return "PIN_CANCELLED";
	case CCID_BERR_CMD_SLOT_BUSY: return "CMD_SLOT_BUSY";
	case CCID_BERR_CMD_NOT_SUPPORTED: return "CMD_NOT_SUPPORTED";
	default: break;
	}
	if (b < 0x80)
		return berror_offset[b];
	if (b >= 0x81 && b <= 0xC0)
		return "vendor-defined slot error";
	return "unknown slot error";
}

const char *ccid_level_name(ccid_level l)
{
	switch (l) {
	case CCID_LEVEL_CHAR: return "character";
	case CCID_LEVEL_TPDU: return "TPDU";
	case CCID_LEVEL_SHORT_APDU: return "short APDU";
	case CCID_LEVEL_EXT_APDU: return "extended APDU";
	default: return "unknown";
	}
}

/* ---- codec -------------------------------------------------------------- */

static ccid_err bad_desc(ccid_desc *out, const char **why, const char *reason)
{
	memset(out, 0, sizeof *out);
	if (why)
		*why = reason;
	return CCID_ERR_BAD_DESC;
}

ccid_err ccid_desc_parse(const uint8_t *d, size_t len, ccid_desc *out, const char **why)
{
	if (!out || (!d && len > 0))
		abort(); /* a programmer error, not bad input */
	if (why)
		*why = NULL;
	if (len < XPORT_CCID_DESC_LEN)
		return bad_desc(out, why, "CCID class descriptor shorter than 54 bytes");
	if (d[D_bLength] < XPORT_CCID_DESC_LEN)
		return bad_desc(out, why, "CCID class descriptor bLength below 54");
	if (d[D_bDescriptorType] != CCID_DESC_TYPE)
		return bad_desc(out, why, "not a CCID class descriptor (bDescriptorType not 0x21)");
	uint32_t max_msg = get32(d + D_dwMaxCCIDMessageLength);
	if (max_msg < CCID_HEADER_LEN + 1 + 4 || max_msg > CCID_MSG_MAX)
		return bad_desc(out, why, "dwMaxCCIDMessageLength out of range (15..65544)");

	ccid_desc r = {
		.bcd_ccid = get16(d + D_bcdCCID),
		.max_slot_index = d[D_bMaxSlotIndex],
		.voltage_support = d[D_bVoltageSupport],
		.protocols = get32(d + D_dwProtocols),
		.default_clock_khz = get32(d + D_dwDefaultClock),
		.max_clock_khz = get32(d + D_dwMaximumClock),
		.data_rate = get32(d + D_dwDataRate),
		.max_data_rate = get32(d + D_dwMaxDataRate),
		.max_ifsd = get32(d + D_dwMaxIFSD),
		.features = get32(d + D_dwFeatures),
		.max_msg_len = max_msg,
		.level = CCID_LEVEL_CHAR,
		.max_busy_slots = d[D_bMaxCCIDBusySlots],
	};
	const char *reason = NULL;
	/* The spec allows exactly one level value; any other combination of
	 * the three bits is reserved, and guessing at it would mean framing
	 * messages the reader does not expect. */
	switch (r.features & CCID_FEAT_LEVEL_MASK) {
	case CCID_FEAT_LEVEL_CHAR:
		reason = "character-level exchange (dwFeatures): TPDU or APDU level needed";
		break;
	case CCID_FEAT_LEVEL_TPDU: r.level = CCID_LEVEL_TPDU; break;
	case CCID_FEAT_LEVEL_SHORT_APDU: r.level = CCID_LEVEL_SHORT_APDU; break;
	case CCID_FEAT_LEVEL_EXT_APDU: r.level = CCID_LEVEL_EXT_APDU; break;
	default:
		reason = "reserved exchange level in dwFeatures";
		break;
	}
	if (!reason && !(r.protocols & 0x3))
		reason = "dwProtocols offers neither T=0 nor T=1";
	if (!reason && r.max_slot_index >= CCID_MAX_SLOTS)
		reason = "more than 8 slots (bMaxSlotIndex)";
	*out = r;
	if (reason) {
		if (why)
			*why = reason;
		return CCID_ERR_UNSUPPORTED;
	}
	return CCID_OK;
}

size_t ccid_cmd_build(uint8_t *buf, size_t cap, uint8_t type, uint8_t slot, uint8_t seq,
		      const uint8_t p[3], const uint8_t *data, size_t len)
{
	if (!buf || !p || (!data && len > 0))
		abort();
	if (cap < CCID_HEADER_LEN || len > cap - CCID_HEADER_LEN || len > UINT32_MAX)
		return 0;
	buf[H_bMessageType] = type;
	put32(buf + H_dwLength, (uint32_t)len);
	buf[H_bSlot] = slot;
	buf[H_bSeq] = seq;
	memcpy(buf + 7, p, 3);
	if (len > 0)
		memcpy(buf + CCID_HEADER_LEN, data, len);
	return CCID_HEADER_LEN + len;
}

ccid_err ccid_reply_parse(const uint8_t *buf, size_t n, ccid_reply *out)
{
	if (!out || (!buf && n > 0))
		abort();
	memset(out, 0, sizeof *out);
	if (n < CCID_HEADER_LEN)
		return CCID_ERR_PROTO;
	uint8_t type = buf[H_bMessageType];
	if (type != RDR_to_PC_DataBlock && type != RDR_to_PC_SlotStatus &&
	    type != RDR_to_PC_Parameters)
		return CCID_ERR_PROTO;
	/* One reply per transfer: bytes beyond dwLength are not padding we can
	 * trust, they mean the reader and we disagree on framing. */
	if (get32(buf + H_dwLength) != n - CCID_HEADER_LEN)
		return CCID_ERR_PROTO;
	uint8_t status = buf[H_bStatus];
	unsigned icc = status & STATUS_ICC_MASK, cmd = status >> STATUS_CMD_SHIFT;
	if ((status & STATUS_RFU_MASK) || icc == 3 || cmd == 3)
		return CCID_ERR_PROTO;
	*out = (ccid_reply){
		.type = type,
		.slot = buf[H_bSlot],
		.seq = buf[H_bSeq],
		.status = status,
		.error = buf[H_bError],
		.icc = (ccid_icc)icc,
		.cmd = (ccid_cmd_status)cmd,
		.specific = buf[H_bSpecific],
		.data = buf + CCID_HEADER_LEN,
		.len = n - CCID_HEADER_LEN,
	};
	return CCID_OK;
}

ccid_err ccid_notify_parse(const uint8_t *buf, size_t n, unsigned slots, uint8_t *present,
			   uint8_t *changed, bool *hw_error)
{
	if (!present || !changed || !hw_error || (!buf && n > 0))
		abort();
	*present = *changed = 0;
	*hw_error = false;
	if (n < 1)
		return CCID_ERR_PROTO;
	if (buf[0] == RDR_to_PC_HardwareError) {
		if (n != HW_ERROR_LEN)
			return CCID_ERR_PROTO;
		*hw_error = true;
		return CCID_OK;
	}
	/* SLOTS comes from a descriptor, ultimately from the reader. */
	if (buf[0] != RDR_to_PC_NotifySlotChange || slots < 1 || slots > CCID_MAX_SLOTS)
		return CCID_ERR_PROTO;
	if (n != 1 + (slots + 3) / 4)
		return CCID_ERR_PROTO;
	uint8_t p = 0, c = 0;
	for (unsigned s = 0; s < slots; s++) {
		unsigned bits = buf[1 + s / 4] >> (s % 4 * 2);
		p |= (uint8_t)((bits & 1u) << s);
		c |= (uint8_t)((bits >> 1 & 1u) << s);
	}
	*present = p;
	*changed = c;
	return CCID_OK;
}

/* ---- session ------------------------------------------------------------ */

struct ccid {
	xport x;
	ccid_desc desc;
	bool has_interrupt;
	uint8_t seq;                /* bSeq of the next command */
	uint8_t last_error;
	unsigned long stale, time_ext;
	uint8_t *buf;               /* one message, out or in: card data */
	size_t cap;                 /* dwMaxCCIDMessageLength */
	size_t dirty;               /* bytes of buf used since it was last wiped */
};

ccid_err ccid_open(ccid **out, xport x, const xport_info *info, const char **why)
{
	if (!out || !x.ops || !info)
		abort();
	*out = NULL;
	size_t len = info->ccid_desc_len;
	if (len > sizeof info->ccid_desc)
		len = sizeof info->ccid_desc; /* a longer one keeps its first 54 bytes */
	ccid_desc d;
	ccid_err e = ccid_desc_parse(info->ccid_desc, len, &d, why);
	if (e != CCID_OK)
		return e;
	ccid *c = calloc(1, sizeof *c);
	if (!c)
		return CCID_ERR_NOMEM;
	c->buf = calloc(1, d.max_msg_len);
	if (!c->buf) {
		free(c);
		return CCID_ERR_NOMEM;
	}
	c->x = x;
	c->desc = d;
	c->has_interrupt = info->has_interrupt;
	c->cap = d.max_msg_len;
	*out = c;
	return CCID_OK;
}

void ccid_free(ccid **c)
{
	if (!c || !*c)
		return;
	explicit_bzero((*c)->buf, (*c)->cap);
	free((*c)->buf);
	free(*c);
	*c = NULL;
}

const ccid_desc *ccid_descriptor(const ccid *c) { return &c->desc; }
uint8_t ccid_last_error(const ccid *c) { return c->last_error; }
unsigned long ccid_stale_count(const ccid *c) { return c->stale; }
unsigned long ccid_time_ext_count(const ccid *c) { return c->time_ext; }

static ccid_err map_xport(xport_err e)
{
	switch (e) {
	case XPORT_OK: return CCID_OK;
	case XPORT_ERR_TIMEOUT: return CCID_ERR_TIMEOUT;
	case XPORT_ERR_GONE:
	case XPORT_ERR_NOT_FOUND: return CCID_ERR_GONE; /* "not open": nothing to talk to */
	case XPORT_ERR_NOMEM: return CCID_ERR_NOMEM;
	case XPORT_ERR_UNSUPPORTED: return CCID_ERR_UNSUPPORTED;
	default: return CCID_ERR_IO;
	}
}

static void check_slot(const ccid *c, uint8_t slot)
{
	if (slot > c->desc.max_slot_index)
		abort(); /* the caller's slot numbers come from the descriptor */
}

static void used(ccid *c, size_t n)
{
	if (n > c->dirty)
		c->dirty = n;
}

/* Called by every command before it returns: the buffer saw card data. */
static void wipe(ccid *c)
{
	explicit_bzero(c->buf, c->dirty);
	c->dirty = 0;
}

/*
 * Send one command (TYPE, SLOT, the next bSeq, P, LEN bytes of DATA) and
 * read until its reply of type WANT: *R then points into c->buf. Skips stale
 * replies, honours time extensions, maps bStatus/bError. On CCID_ERR_NO_CARD,
 * _MUTE and _FAILED *R holds the failed reply.
 */
static ccid_err exchange(ccid *c, uint8_t type, uint8_t slot, const uint8_t p[3],
			 const uint8_t *data, size_t len, uint8_t want, ccid_reply *r,
			 int64_t deadline_ms)
{
	uint8_t seq = c->seq++; /* wraps at 255, as bSeq does */
	size_t n = ccid_cmd_build(c->buf, c->cap, type, slot, seq, p, data, len);
	if (n == 0)
		return CCID_ERR_TOOBIG;
	used(c, n);
	xport_err xe = c->x.ops->bulk_write(c->x.ctx, c->buf, n, deadline_ms);
	if (xe != XPORT_OK)
		return map_xport(xe);

	unsigned stale = 0, ext = 0;
	for (;;) {
		size_t got = 0;
		xe = c->x.ops->bulk_read(c->x.ctx, c->buf, c->cap, &got, deadline_ms);
		if (xe != XPORT_OK)
			return map_xport(xe);
		if (got > c->cap)
			abort(); /* a backend that wrote past our buffer */
		used(c, got);
		if (ccid_reply_parse(c->buf, got, r) != CCID_OK)
			return CCID_ERR_PROTO;
		/* A reply to an earlier command that timed out: the reader
		 * answered late. Its bSeq tells it apart: one of the last
		 * CCID_STALE_MAX numbers sent. Any other bSeq (one not sent
		 * yet) is a broken reply, refused at once rather than waited
		 * out; a reader that keeps sending stale ones is broken too,
		 * hence the cap. */
		if (r->seq != seq) {
			uint8_t behind = (uint8_t)(seq - r->seq);
			if (behind > CCID_STALE_MAX)
				return CCID_ERR_PROTO;
			c->stale++;
			if (++stale > CCID_STALE_MAX)
				return CCID_ERR_PROTO;
			continue;
		}
		if (r->type != want || r->slot != slot)
			return CCID_ERR_PROTO;
		switch (r->cmd) {
		case CCID_CMD_OK:
			return CCID_OK;
		case CCID_CMD_TIME_EXT:
			/* The card asked for more time (bError is the
			 * multiplier); the deadline still stands. */
			c->time_ext++;
			if (++ext > CCID_TIME_EXT_MAX)
				return CCID_ERR_TIME_EXT;
			if (xport_now_ms() >= deadline_ms)
				return CCID_ERR_TIMEOUT;
			continue;
		case CCID_CMD_FAILED:
			c->last_error = r->error;
			if (r->icc == CCID_ICC_ABSENT)
				return CCID_ERR_NO_CARD;
			return r->error == CCID_BERR_ICC_MUTE ? CCID_ERR_MUTE : CCID_ERR_FAILED;
		}
		abort(); /* ccid_reply_parse refuses bmCommandStatus 3 */
	}
}

ccid_err ccid_power_on(ccid *c, uint8_t slot, uint8_t *atr, size_t cap, size_t *atr_len,
		       int64_t deadline_ms)
{
	check_slot(c, slot);
	if (!atr_len || (!atr && cap > 0))
		abort();
	*atr_len = 0;
	static const uint8_t p[3] = {0x00 /* bPowerSelect: automatic */, 0, 0};
	ccid_reply r;
	ccid_err e = exchange(c, PC_to_RDR_IccPowerOn, slot, p, NULL, 0, RDR_to_PC_DataBlock, &r,
			      deadline_ms);
	if (e == CCID_OK) {
		if (r.len > cap || r.len > ATR_CAP) {
			e = CCID_ERR_TOOBIG;
		} else {
			if (r.len > 0)
				memcpy(atr, r.data, r.len);
			*atr_len = r.len;
		}
	}
	wipe(c);
	return e;
}

ccid_err ccid_power_off(ccid *c, uint8_t slot, int64_t deadline_ms)
{
	check_slot(c, slot);
	static const uint8_t p[3] = {0, 0, 0};
	ccid_reply r;
	ccid_err e = exchange(c, PC_to_RDR_IccPowerOff, slot, p, NULL, 0, RDR_to_PC_SlotStatus,
			      &r, deadline_ms);
	wipe(c);
	return e;
}

ccid_err ccid_slot_status(ccid *c, uint8_t slot, ccid_icc *icc, int64_t deadline_ms)
{
	check_slot(c, slot);
	if (!icc)
		abort();
	static const uint8_t p[3] = {0, 0, 0};
	ccid_reply r;
	ccid_err e = exchange(c, PC_to_RDR_GetSlotStatus, slot, p, NULL, 0, RDR_to_PC_SlotStatus,
			      &r, deadline_ms);
	if (e == CCID_OK || e == CCID_ERR_NO_CARD) {
		/* Some readers fail GetSlotStatus on an empty slot: that is
		 * the answer, not an error. */
		*icc = e == CCID_OK ? r.icc : CCID_ICC_ABSENT;
		e = CCID_OK;
	}
	wipe(c);
	return e;
}

/* abProtocolDataStructure of R (RDR_to_PC_Parameters) into *OUT. */
static ccid_err params_from(const ccid_reply *r, ccid_params *out)
{
	if (!((r->specific == 0 && r->len == PARAMS_T0_LEN) ||
	      (r->specific == 1 && r->len == PARAMS_T1_LEN)))
		return CCID_ERR_PROTO;
	*out = (ccid_params){
		.protocol = r->specific,
		.fidi = r->data[0],
		.tcck = r->data[1],
		.guard_time = r->data[2],
		.wi = r->data[3],
		.clock_stop = r->data[4],
		.ifsc = r->specific == 1 ? r->data[5] : 0,
		.nad = r->specific == 1 ? r->data[6] : 0,
	};
	return CCID_OK;
}

ccid_err ccid_get_parameters(ccid *c, uint8_t slot, ccid_params *out, int64_t deadline_ms)
{
	check_slot(c, slot);
	if (!out)
		abort();
	static const uint8_t p[3] = {0, 0, 0};
	ccid_reply r;
	ccid_err e = exchange(c, PC_to_RDR_GetParameters, slot, p, NULL, 0, RDR_to_PC_Parameters,
			      &r, deadline_ms);
	if (e == CCID_OK)
		e = params_from(&r, out);
	wipe(c);
	return e;
}

ccid_err ccid_set_parameters(ccid *c, uint8_t slot, ccid_params *p, int64_t deadline_ms)
{
	check_slot(c, slot);
	if (!p || p->protocol > 1)
		abort(); /* the protocol comes from our own ATR parse: 0 or 1 */
	const uint8_t hdr[3] = {p->protocol /* bProtocolNum */, 0, 0};
	const uint8_t data[PARAMS_T1_LEN] = {p->fidi, p->tcck, p->guard_time, p->wi,
					     p->clock_stop, p->ifsc, p->nad};
	size_t len = p->protocol == 1 ? PARAMS_T1_LEN : PARAMS_T0_LEN;
	ccid_reply r;
	ccid_params back;
	ccid_err e = exchange(c, PC_to_RDR_SetParameters, slot, hdr, data, len,
			      RDR_to_PC_Parameters, &r, deadline_ms);
	if (e == CCID_OK)
		e = params_from(&r, &back);
	if (e == CCID_OK)
		*p = back;
	wipe(c);
	return e;
}

/* Send the N bytes of IN as one XfrBlock, or on an extended-APDU reader as
 * parts of at most one message each; *R gets the reply to the last one. */
static ccid_err xfr_send(ccid *c, uint8_t slot, uint8_t bwi, const uint8_t *in, size_t n,
			 ccid_reply *r, int64_t deadline_ms)
{
	size_t chunk = c->cap - CCID_HEADER_LEN;
	if (n <= chunk) {
		const uint8_t p[3] = {bwi, 0, 0};
		return exchange(c, PC_to_RDR_XfrBlock, slot, p, in, n, RDR_to_PC_DataBlock, r,
				deadline_ms);
	}
	for (size_t off = 0; off < n;) {
		size_t part = n - off < chunk ? n - off : chunk;
		unsigned level = off == 0            ? LEVEL_BEGIN
				 : off + part == n ? LEVEL_END
						   : LEVEL_CONTINUE;
		const uint8_t p[3] = {bwi, (uint8_t)level, (uint8_t)(level >> 8)};
		ccid_err e = exchange(c, PC_to_RDR_XfrBlock, slot, p, in + off, part,
				      RDR_to_PC_DataBlock, r, deadline_ms);
		if (e != CCID_OK)
			return e;
		off += part;
		/* Between parts the reader only says "go on", with no data. */
		if (off < n && (r->specific != CHAIN_CMD_MORE || r->len != 0))
			return CCID_ERR_PROTO;
	}
	return CCID_OK;
}

ccid_err ccid_xfr_block(ccid *c, uint8_t slot, uint8_t bwi, const uint8_t *in, size_t n,
			uint8_t *out, size_t cap, size_t *got, int64_t deadline_ms)
{
	check_slot(c, slot);
	if (!got || (!in && n > 0) || (!out && cap > 0))
		abort();
	*got = 0;
	bool ext = c->desc.level == CCID_LEVEL_EXT_APDU;
	if (!ext && n > c->cap - CCID_HEADER_LEN)
		return CCID_ERR_TOOBIG;

	ccid_reply r;
	size_t total = 0;
	bool toobig = false;
	ccid_err e = xfr_send(c, slot, bwi, in, n, &r, deadline_ms);
	while (e == CCID_OK) {
		/* bChainParameter means something only at the extended level;
		 * elsewhere it is RFU and a stray value is ignored. */
		uint8_t chain = ext ? r.specific : CHAIN_WHOLE;
		if (chain != CHAIN_WHOLE && chain != CHAIN_BEGIN && chain != CHAIN_END &&
		    chain != CHAIN_CONTINUE) {
			e = CCID_ERR_PROTO;
			break;
		}
		bool more = chain == CHAIN_BEGIN || chain == CHAIN_CONTINUE;
		/* Empty parts or an answer beyond any APDU's size would let a
		 * broken reader keep us here until the deadline. */
		if ((more && r.len == 0) || r.len > CCID_MSG_MAX - total) {
			e = CCID_ERR_PROTO;
			break;
		}
		if (!toobig && r.len <= cap - total) {
			if (r.len > 0)
				memcpy(out + total, r.data, r.len);
			*got = total + r.len;
		} else {
			toobig = true; /* go on reading: the reader must finish its chain */
		}
		total += r.len;
		if (!more)
			break;
		const uint8_t p[3] = {bwi, (uint8_t)LEVEL_MORE, (uint8_t)(LEVEL_MORE >> 8)};
		e = exchange(c, PC_to_RDR_XfrBlock, slot, p, NULL, 0, RDR_to_PC_DataBlock, &r,
			     deadline_ms);
	}
	if (e == CCID_OK && toobig)
		e = CCID_ERR_TOOBIG;
	if (e != CCID_OK) {
		explicit_bzero(out, *got); /* a partial answer is no answer */
		*got = 0;
	}
	wipe(c);
	return e;
}

ccid_err ccid_poll_change(ccid *c, uint8_t *present, uint8_t *changed, int64_t deadline_ms)
{
	if (!present || !changed)
		abort();
	*present = *changed = 0;
	if (!c->has_interrupt)
		return CCID_ERR_UNSUPPORTED;
	uint8_t buf[NOTIFY_CAP];
	size_t got = 0;
	xport_err xe = c->x.ops->intr_read(c->x.ctx, buf, sizeof buf, &got, deadline_ms);
	if (xe != XPORT_OK)
		return map_xport(xe);
	if (got > sizeof buf)
		abort();
	bool hw = false;
	ccid_err e = ccid_notify_parse(buf, got, c->desc.max_slot_index + 1u, present, changed,
				       &hw);
	if (e == CCID_OK && hw) {
		c->last_error = buf[3]; /* bHardwareErrorCode */
		e = CCID_ERR_FAILED;
	}
	return e;
}

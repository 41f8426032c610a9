/*
 * ccidsim: the simulated USB CCID reader (see ccidsim.h), its reader half.
 * Each bulk write is one PC_to_RDR_* message, handled at once under the
 * lock: its reply (or replies, with time extensions) is queued for
 * bulk_read. The reader side (10-byte headers, slot and field checks, ATRs,
 * parameters, extended-APDU chaining, the CCID-level faults) is this file's
 * own encoder and decoder, not ccid.c's: the simulated reader is a second,
 * independent reading of the CCID specification, so the driver is checked
 * against it rather than against itself. Behind the reader sit a
 * contactless card (slot 0) running the KTP-el profile of
 * docs/card-profile.md and, optionally, the SAM (slot 1); what runs inside
 * them, and their end of T=0 and T=1, is ccidsim_card.c, which this file
 * hands each command at its exchange level (ccidsim_internal.h: the state
 * both share and the calls between them). This file also holds the
 * transport ops and the public API: names, options, life and control.
 * Card data (UID, record, answers that carry them) is wiped as soon as it
 * is not needed and never logged: this file logs nothing.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "atr.h"
#include "ccidsim.h"
#include "ccidsim_internal.h"
#include "ktp.h"
#include "t1.h"

enum {
	SIM_VID = 0x1209,          /* pid.codes: open-source and test devices */
	SIM_PID = 0x4B54,          /* "KT", in the test range */
	SIM_MAX_PACKET = 64,       /* a full-speed bulk endpoint */
	SIM_MSG_DEFAULT = 271,     /* 10 + 261: a short APDU with Lc and Le */
	BWT_MULT = 1,              /* bError of a time extension: the BWT multiplier */
};

/* Offsets in a PC_to_RDR_* header, reported as bError when a field is bad
 * (CCID 1.1 6.2.6: a slot error names the offending byte). */
enum {
	OFF_LENGTH = 1,
	OFF_SLOT = 5,
	OFF_SPECIFIC = 7,          /* bPowerSelect, bProtocolNum */
	OFF_LEVEL = 8,             /* XfrBlock wLevelParameter */
	OFF_DATA = CCID_HEADER_LEN,
};

/* wLevelParameter and bChainParameter of extended-APDU-level readers
 * (CCID 1.1 6.1.4 and 6.2.1). */
enum {
	CHAIN_WHOLE = 0x00,
	CHAIN_BEGIN = 0x01,
	CHAIN_END = 0x02,
	CHAIN_MIDDLE = 0x03,
	CHAIN_NEXT = 0x10,         /* command: the next part of the answer, please;
				      reply: the next part of the command, please */
};

/* Historical bytes (ISO 7816-4 8.1.1): category 80, then COMPACT-TLV: card
 * service data 31 80 (selection by full DF name) for the card, and
 * pre-issuing data 6x naming the simulator, "KTPSIM" / "KTPSAM". */
static const uint8_t card_hist[] = {0x80, 0x31, 0x80, 0x66, 'K', 'T', 'P', 'S', 'I', 'M'};
static const uint8_t sam_hist[] = {0x80, 0x66, 'K', 'T', 'P', 'S', 'A', 'M'};

/* ---- names and options --------------------------------------------------- */

const char *ccidsim_err_name(ccidsim_err e)
{
	switch (e) {
	case CCIDSIM_OK: return "ok";
	case CCIDSIM_ERR_NOMEM: return "out of memory";
	case CCIDSIM_ERR_IO: return "cannot read card image";
	case CCIDSIM_ERR_TOOBIG: return "card image too large";
	case CCIDSIM_ERR_STATE: return "a card is already on the reader";
	case CCIDSIM_ERR_IMAGE: return "malformed card image";
	default: return "unknown simulator error";
	}
}

static const char *const fault_names[CCIDSIM_FAULT_COUNT] = {
	[CCIDSIM_FAULT_TIMEOUT] = "timeout",
	[CCIDSIM_FAULT_SHORT_READ] = "short-read",
	[CCIDSIM_FAULT_WRONG_SEQ] = "wrong-seq",
	[CCIDSIM_FAULT_TIME_EXT] = "time-ext",
	[CCIDSIM_FAULT_UNPLUG] = "unplug",
	[CCIDSIM_FAULT_CARD_REMOVED] = "card-removed",
	[CCIDSIM_FAULT_BAD_TLV] = "bad-tlv",
	[CCIDSIM_FAULT_BAD_SW] = "bad-sw",
	[CCIDSIM_FAULT_T1_EDC] = "t1-edc",
	[CCIDSIM_FAULT_MUTE] = "mute",
	[CCIDSIM_FAULT_AUTH] = "auth",
};

const char *ccidsim_fault_name(ccidsim_fault f)
{
	if ((int)f <= (int)CCIDSIM_FAULT_NONE || (int)f >= (int)CCIDSIM_FAULT_COUNT)
		return NULL;
	return fault_names[f];
}

ccidsim_fault ccidsim_fault_parse(const char *name)
{
	if (!name)
		return CCIDSIM_FAULT_NONE;
	for (int f = CCIDSIM_FAULT_NONE + 1; f < CCIDSIM_FAULT_COUNT; f++)
		if (strcmp(name, fault_names[f]) == 0)
			return (ccidsim_fault)f;
	return CCIDSIM_FAULT_NONE;
}

ccidsim_opts ccidsim_defaults(void)
{
	return (ccidsim_opts){
		.level = CCID_LEVEL_TPDU,
		.card_protocols = 0x02,
		.sam_protocols = 0x01,
		.sam = true,
		.max_msg_len = SIM_MSG_DEFAULT,
		.interrupt_ep = true,
		.ifsc = IFS_DEFAULT,
		.t1_crc = false,
		.auto_params = false,
		.time_ext = 0,
	};
}

/* ---- small helpers ----------------------------------------------------- */

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}


/* ---- the reader ---------------------------------------------------------- */

/* Protocols the card in slot SN offers (bit 0 T=0, bit 1 T=1). */
static uint8_t slot_protocols(const ccidsim *s, unsigned sn)
{
	if (sn == SLOT_SAM)
		return s->o.sam_protocols;
	return s->o.level == CCID_LEVEL_SHORT_APDU || s->o.level == CCID_LEVEL_EXT_APDU ?
		       0x02 : s->o.card_protocols;
}

static bool tpdu_level(const ccidsim *s)
{
	return s->o.level == CCID_LEVEL_TPDU || s->o.level == CCID_LEVEL_CHAR;
}

static uint8_t icc_status(const ccidsim *s, unsigned sn)
{
	if (sn == SLOT_CARD && !s->present)
		return CCID_ICC_ABSENT;
	return s->slot[sn].powered ? CCID_ICC_ACTIVE : CCID_ICC_INACTIVE;
}

/*
 * The ATR of slot SN into B; its length. The card slot gets the PC/SC
 * part 3 ATR of a contactless card, 3B 8n 80 01 <historical bytes> TCK
 * (TD1 80 "T=0, TD2 follows" is PC/SC's fixed form; TD2 01 offers T=1). At
 * the TPDU level: a card with T=0 only answers 3B 0n <hist> (no TCK); one
 * with both gets TD2 51 and TA3 (IFSC), TC3 (bit 0: CRC); one with T=1 only
 * gets them too when IFSC or the EDC are not the defaults. The SAM answers
 * with its own contact ATR the same way, TD1 81 when it has T=1 only.
 */
static size_t build_atr(const ccidsim *s, unsigned sn, uint8_t *b)
{
	bool card = sn == SLOT_CARD;
	const uint8_t *hist = card ? card_hist : sam_hist;
	size_t hn = card ? sizeof card_hist : sizeof sam_hist;
	uint8_t prot = slot_protocols(s, sn);
	bool has_t0 = prot & 0x01, has_t1 = prot & 0x02;
	bool apdu = !tpdu_level(s) && card;
	size_t n = 0;
	b[n++] = 0x3B;
	if (!has_t1) {
		b[n++] = (uint8_t)hn;
		memcpy(b + n, hist, hn);
		return n + hn;
	}
	b[n++] = (uint8_t)(0x80 | hn);
	b[n++] = has_t0 || card ? 0x80 : 0x81;
	bool extra = !apdu && (has_t0 || !card || s->ifsc != IFS_DEFAULT || s->o.t1_crc);
	b[n++] = extra ? 0x51 : 0x01;
	if (extra) {
		b[n++] = s->ifsc;
		b[n++] = s->o.t1_crc ? 0x01 : 0x00;
	}
	memcpy(b + n, hist, hn);
	n += hn;
	uint8_t tck = 0;
	for (size_t i = 1; i < n; i++)
		tck ^= b[i];
	b[n++] = tck;
	return n;
}

/* abProtocolData as a reader sets it from our ATRs (no TA1: Fi/Di 11). */
static void default_params(const ccidsim *s, slot *sl, uint8_t protocol)
{
	memset(sl->params, 0, sizeof sl->params);
	sl->protocol = protocol;
	sl->params[0] = 0x11;                         /* bmFindexDindex */
	if (protocol == 0) {
		sl->params[3] = 0x0A;                 /* bWaitingIntegerT0 */
	} else {
		sl->params[1] = (uint8_t)(0x10 | s->o.t1_crc); /* bmTCCKST1 */
		sl->params[3] = 0x4D;                 /* BWI 4, CWI 13 */
		sl->params[5] = s->ifsc;              /* bIFSC */
	}
}

/* Power slot SN off: its card forgets everything volatile. */
static void slot_off(ccidsim *s, unsigned sn)
{
	explicit_bzero(&s->slot[sn], sizeof s->slot[sn]);
	if (s->chain_active && s->chain_slot == sn) {
		explicit_bzero(s->resp, s->chain_len);
		s->chain_active = false;
		s->chain_len = s->chain_pos = 0;
	}
	if (s->cmd_active && s->cmd_slot == sn) {
		explicit_bzero(s->cmd, s->cmd_len);
		s->cmd_active = false;
		s->cmd_len = 0;
	}
}

static void slot_on(ccidsim *s, unsigned sn)
{
	slot_off(s, sn);
	slot *sl = &s->slot[sn];
	uint8_t prot = slot_protocols(s, sn);
	/* Without automatic parameters the reader starts in the ATR's first
	 * protocol (T=0 when offered) and waits for SetParameters. */
	bool use_t1 = (prot & 0x02) && (!(prot & 0x01) || s->o.auto_params);
	sl->powered = true;
	default_params(s, sl, use_t1 ? 1 : 0);
	/* A reader with automatic IFSD has sent S(IFS request) 254 itself. */
	ccidsim_card_t1_reset(&sl->t1, s->o.auto_params ? SIM_MAX_IFSD : IFS_DEFAULT);
}

static void queue_drop(ccidsim *s)
{
	reply *r = &s->q[s->qhead];
	explicit_bzero(r->buf, s->msg_lim);
	r->len = 0;
	r->ext_left = 0;
	r->endless = false;
	s->qhead = (s->qhead + 1) % SIM_QUEUE;
	s->qn--;
}

/* The reader forgets every exchange in progress (open, close, replug). */
static void reset_bulk(ccidsim *s)
{
	while (s->qn)
		queue_drop(s);
	explicit_bzero(s->cmd, s->cmd_len);
	s->cmd_len = 0;
	s->cmd_active = false;
	explicit_bzero(s->resp, APDU_RESP_MAX);
	s->chain_len = s->chain_pos = 0;
	s->chain_active = false;
}

/* Queue RDR_to_PC_NotifySlotChange for a change in the slots of CHANGED. */
static void notify(ccidsim *s, uint8_t changed)
{
	if (!s->plugged || !s->o.interrupt_ep)
		return;
	uint8_t st = 0;
	for (unsigned i = 0; i < s->nslots; i++) {
		if (i != SLOT_CARD || s->present)
			st |= (uint8_t)(1u << (2 * i));
		if (changed & (1u << i))
			st |= (uint8_t)(2u << (2 * i));
	}
	if (s->in == SIM_INTR_QUEUE) {
		/* Nobody reads: fold into the newest, as a reader's endpoint would. */
		uint8_t *last = s->intr[(s->ihead + s->in - 1) % SIM_INTR_QUEUE];
		last[1] = (uint8_t)((st & 0x55) | ((last[1] | st) & 0xAA));
	} else {
		uint8_t *m = s->intr[(s->ihead + s->in) % SIM_INTR_QUEUE];
		m[0] = RDR_to_PC_NotifySlotChange;
		m[1] = st;
		s->in++;
	}
	pthread_cond_broadcast(&s->cond);
}

/* A fresh reader's interrupt endpoint: one notification for the cards it
 * finds (CCID 1.1 6.3.1), nothing else. */
static void reset_intr(ccidsim *s)
{
	s->ihead = s->in = 0;
	uint8_t occupied = (uint8_t)(s->present ? 1 : 0);
	if (s->nslots > SLOT_SAM)
		occupied |= 1u << SLOT_SAM;
	if (occupied)
		notify(s, occupied);
}

static void card_wipe(ccidsim *s)
{
	explicit_bzero(s->uid, sizeof s->uid);
	explicit_bzero(s->record, sizeof s->record);
	s->uid_len = s->record_len = 0;
	s->present = s->has_app = false;
	slot_off(s, SLOT_CARD);
}

/* The message type of the reply to command TYPE. */
static uint8_t reply_type(uint8_t type)
{
	switch (type) {
	case PC_to_RDR_IccPowerOn:
	case PC_to_RDR_XfrBlock:
		return RDR_to_PC_DataBlock;
	case PC_to_RDR_GetParameters:
	case PC_to_RDR_SetParameters:
	case 0x6D: /* PC_to_RDR_ResetParameters */
		return RDR_to_PC_Parameters;
	default:
		return RDR_to_PC_SlotStatus;
	}
}

/* Build a reply to the command whose header is H in s->out; its length. */
static size_t msg(ccidsim *s, const uint8_t *h, uint8_t icc, uint8_t cmd, uint8_t err,
		  uint8_t specific, const uint8_t *data, size_t len)
{
	uint8_t *o = s->out;
	if (CCID_HEADER_LEN + len > s->msg_lim)
		abort(); /* callers cut answers to the message size */
	o[0] = reply_type(h[0]);
	put_le32(o + 1, (uint32_t)len);
	o[5] = h[5];
	o[6] = h[6];
	o[7] = (uint8_t)(cmd << 6 | icc);
	o[8] = err;
	o[9] = specific;
	if (len)
		memcpy(o + CCID_HEADER_LEN, data, len);
	return CCID_HEADER_LEN + len;
}

static size_t fail(ccidsim *s, const uint8_t *h, uint8_t icc, uint8_t err)
{
	return msg(s, h, icc, CCID_CMD_FAILED, err, 0, NULL, 0);
}

static size_t power_on(ccidsim *s, const uint8_t *h, unsigned sn)
{
	if (h[OFF_SPECIFIC] > 3) /* bPowerSelect: automatic, 5 V, 3 V, 1.8 V */
		return fail(s, h, icc_status(s, sn), OFF_SPECIFIC);
	if (sn == SLOT_CARD && !s->present)
		return fail(s, h, CCID_ICC_ABSENT, CCID_BERR_ICC_MUTE);
	if (sn == SLOT_CARD && fault_take(s, CCIDSIM_FAULT_MUTE)) {
		slot_off(s, sn);
		return fail(s, h, CCID_ICC_INACTIVE, CCID_BERR_ICC_MUTE);
	}
	slot_on(s, sn);
	uint8_t atr[ATR_MAX];
	size_t n = build_atr(s, sn, atr);
	if (CCID_HEADER_LEN + n > s->msg_lim)
		return fail(s, h, CCID_ICC_ACTIVE, CCID_BERR_XFR_OVERRUN);
	return msg(s, h, CCID_ICC_ACTIVE, CCID_CMD_OK, 0, 0, atr, n);
}

static size_t parameters(ccidsim *s, const uint8_t *h, unsigned sn)
{
	slot *sl = &s->slot[sn];
	if (sn == SLOT_CARD && !s->present)
		return fail(s, h, CCID_ICC_ABSENT, CCID_BERR_ICC_MUTE);
	if (!sl->powered) /* no ATR read yet: the parameters of a fresh reader */
		default_params(s, sl, 0);
	return msg(s, h, icc_status(s, sn), CCID_CMD_OK, 0, sl->protocol, sl->params,
		   sl->protocol ? 7 : 5);
}

/* PC_to_RDR_SetParameters: the protocol must be one the card offers, the
 * EDC the one it uses, the IFSC valid; other values are taken as given. */
static size_t set_parameters(ccidsim *s, const uint8_t *h, size_t len, unsigned sn)
{
	slot *sl = &s->slot[sn];
	uint8_t proto = h[OFF_SPECIFIC];
	if (sn == SLOT_CARD && !s->present)
		return fail(s, h, CCID_ICC_ABSENT, CCID_BERR_ICC_MUTE);
	if (proto > 1 || !(slot_protocols(s, sn) & (1u << proto)))
		return fail(s, h, icc_status(s, sn), OFF_SPECIFIC);
	if (len != (proto ? 7u : 5u))
		return fail(s, h, icc_status(s, sn), OFF_LENGTH);
	const uint8_t *d = h + CCID_HEADER_LEN;
	if (proto == 1 && (d[1] & 0x01) != (s->o.t1_crc ? 1 : 0))
		return fail(s, h, icc_status(s, sn), OFF_DATA + 1);
	if (proto == 1 && (d[5] == 0 || d[5] == 0xFF))
		return fail(s, h, icc_status(s, sn), OFF_DATA + 5);
	if (proto != sl->protocol)
		ccidsim_card_t1_reset(&sl->t1, s->o.auto_params ? SIM_MAX_IFSD : IFS_DEFAULT);
	sl->protocol = proto;
	memset(sl->params, 0, sizeof sl->params);
	memcpy(sl->params, d, len);
	return msg(s, h, icc_status(s, sn), CCID_CMD_OK, 0, proto, sl->params, len);
}

/* The next part of the chained answer in s->resp. */
static size_t chain_part(ccidsim *s, const uint8_t *h)
{
	size_t part = s->msg_lim - CCID_HEADER_LEN;
	size_t rem = s->chain_len - s->chain_pos;
	size_t n = min_size(rem, part);
	uint8_t spec = s->chain_pos == 0 ? CHAIN_BEGIN : rem <= part ? CHAIN_END : CHAIN_MIDDLE;
	size_t len = msg(s, h, CCID_ICC_ACTIVE, CCID_CMD_OK, 0, spec, s->resp + s->chain_pos, n);
	s->chain_pos += n;
	if (s->chain_pos == s->chain_len) {
		explicit_bzero(s->resp, s->chain_len);
		s->chain_active = false;
		s->chain_len = s->chain_pos = 0;
	}
	return len;
}

/* The DataBlock carrying the TOTAL bytes of s->resp: chained on an
 * extended-APDU reader when it does not fit one message, else XFR_OVERRUN. */
static size_t data_block(ccidsim *s, const uint8_t *h, size_t total)
{
	size_t part = s->msg_lim - CCID_HEADER_LEN;
	if (total <= part) {
		size_t len = msg(s, h, CCID_ICC_ACTIVE, CCID_CMD_OK, 0, CHAIN_WHOLE, s->resp, total);
		explicit_bzero(s->resp, total);
		return len;
	}
	if (s->o.level != CCID_LEVEL_EXT_APDU) {
		explicit_bzero(s->resp, total);
		s->tlv_served = false;
		return fail(s, h, CCID_ICC_ACTIVE, CCID_BERR_XFR_OVERRUN);
	}
	s->chain_active = true;
	s->chain_slot = h[OFF_SLOT];
	s->chain_len = total;
	s->chain_pos = 0;
	return chain_part(s, h);
}

static size_t xfr_block(ccidsim *s, const uint8_t *h, size_t len, unsigned sn)
{
	const uint8_t *d = h + CCID_HEADER_LEN;
	unsigned level = (unsigned)h[OFF_LEVEL] | (unsigned)h[OFF_LEVEL + 1] << 8;
	if (sn == SLOT_CARD && !s->present)
		return fail(s, h, CCID_ICC_ABSENT, CCID_BERR_ICC_MUTE);
	if (!s->slot[sn].powered)
		return fail(s, h, CCID_ICC_INACTIVE, CCID_BERR_ICC_MUTE);
	if (sn == SLOT_CARD && fault_take(s, CCIDSIM_FAULT_CARD_REMOVED)) {
		card_wipe(s);
		notify(s, 1u << SLOT_CARD);
		return fail(s, h, CCID_ICC_ABSENT, CCID_BERR_ICC_MUTE);
	}
	if (sn == SLOT_CARD && fault_take(s, CCIDSIM_FAULT_MUTE))
		return fail(s, h, CCID_ICC_ACTIVE, CCID_BERR_ICC_MUTE);

	if (s->o.level != CCID_LEVEL_EXT_APDU) {
		if (level != CHAIN_WHOLE)
			return fail(s, h, CCID_ICC_ACTIVE, OFF_LEVEL);
		if (s->o.level == CCID_LEVEL_SHORT_APDU) {
			size_t got = ccidsim_card_xfr_apdu(s, sn, d, len, false);
			return data_block(s, h, got);
		}
		size_t got = s->slot[sn].protocol ? ccidsim_card_xfr_t1(s, sn, d, len)
						  : ccidsim_card_xfr_t0(s, sn, d, len);
		return data_block(s, h, got);
	}

	/* The extended-APDU level: answers and commands in parts. */
	if (level == CHAIN_NEXT) {
		if (!s->chain_active || s->chain_slot != sn || len != 0)
			return fail(s, h, CCID_ICC_ACTIVE, OFF_LEVEL);
		return chain_part(s, h);
	}
	if (s->chain_active) { /* the host moved on: the rest of the answer is dropped */
		explicit_bzero(s->resp, s->chain_len);
		s->chain_active = false;
		s->chain_len = s->chain_pos = 0;
	}
	if (level != CHAIN_WHOLE && level != CHAIN_BEGIN && level != CHAIN_MIDDLE &&
	    level != CHAIN_END)
		return fail(s, h, CCID_ICC_ACTIVE, OFF_LEVEL);
	if (level == CHAIN_WHOLE || level == CHAIN_BEGIN) {
		explicit_bzero(s->cmd, s->cmd_len);
		s->cmd_len = 0;
		s->cmd_active = false;
	} else if (!s->cmd_active || s->cmd_slot != sn) {
		return fail(s, h, CCID_ICC_ACTIVE, OFF_LEVEL);
	}
	if (level != CHAIN_WHOLE) {
		if (s->cmd_len + len > APDU_EXT_MAX) {
			explicit_bzero(s->cmd, s->cmd_len);
			s->cmd_len = 0;
			s->cmd_active = false;
			return fail(s, h, CCID_ICC_ACTIVE, CCID_BERR_XFR_OVERRUN);
		}
		memcpy(s->cmd + s->cmd_len, d, len);
		s->cmd_len += len;
		s->cmd_active = true;
		s->cmd_slot = (uint8_t)sn;
		if (level != CHAIN_END)
			return msg(s, h, CCID_ICC_ACTIVE, CCID_CMD_OK, 0, CHAIN_NEXT, NULL, 0);
		d = s->cmd;
		len = s->cmd_len;
	}
	size_t got = ccidsim_card_xfr_apdu(s, sn, d, len, true);
	explicit_bzero(s->cmd, s->cmd_len);
	s->cmd_len = 0;
	s->cmd_active = false;
	return data_block(s, h, got);
}

/* One PC_to_RDR_* message M (N bytes): its reply in s->out, or 0 for none
 * (a message too short to have a header is ignored, as a reader would). */
static size_t handle(ccidsim *s, const uint8_t *m, size_t n)
{
	if (n < CCID_HEADER_LEN)
		return 0;
	size_t len = n - CCID_HEADER_LEN;
	unsigned sn = m[OFF_SLOT];
	bool slot_ok = sn < s->nslots;
	if (get_le32(m + OFF_LENGTH) != len || n > s->msg_lim)
		return fail(s, m, slot_ok ? icc_status(s, sn) : CCID_ICC_ABSENT, OFF_LENGTH);
	if (!slot_ok)
		return fail(s, m, CCID_ICC_ABSENT, OFF_SLOT);
	switch (m[0]) {
	case PC_to_RDR_IccPowerOn:
	case PC_to_RDR_IccPowerOff:
	case PC_to_RDR_GetSlotStatus:
	case PC_to_RDR_GetParameters:
		if (len != 0)
			return fail(s, m, icc_status(s, sn), OFF_LENGTH);
		break;
	default:
		break;
	}
	switch (m[0]) {
	case PC_to_RDR_IccPowerOn:
		return power_on(s, m, sn);
	case PC_to_RDR_IccPowerOff:
		slot_off(s, sn);
		return msg(s, m, icc_status(s, sn), CCID_CMD_OK, 0, 0, NULL, 0);
	case PC_to_RDR_GetSlotStatus:
		/* No card is a status, not a failure. */
		return msg(s, m, icc_status(s, sn), CCID_CMD_OK, 0, 0, NULL, 0);
	case PC_to_RDR_GetParameters:
		return parameters(s, m, sn);
	case PC_to_RDR_SetParameters:
		return set_parameters(s, m, len, sn);
	case PC_to_RDR_XfrBlock:
		return xfr_block(s, m, len, sn);
	default:
		return fail(s, m, icc_status(s, sn), CCID_BERR_CMD_NOT_SUPPORTED);
	}
}

/* A new command ends an endless time extension: the reader gave up on the
 * old command (the host has, long ago). Its queued reply goes. */
static void drop_endless(ccidsim *s)
{
	reply keep[SIM_QUEUE], gone[SIM_QUEUE];
	size_t k = 0, g = 0;
	for (size_t i = 0; i < SIM_QUEUE; i++) {
		reply r = s->q[(s->qhead + i) % SIM_QUEUE];
		if (i < s->qn && !r.endless) {
			keep[k++] = r;
			continue;
		}
		explicit_bzero(r.buf, s->msg_lim);
		r.len = 0;
		r.ext_left = 0;
		r.endless = false;
		gone[g++] = r;
	}
	memcpy(s->q, keep, k * sizeof *keep);
	memcpy(s->q + k, gone, g * sizeof *gone);
	s->qhead = 0;
	s->qn = k;
}

/* Queue the reply in s->out (LEN bytes) to the command with bSeq SEQ,
 * applying the reply faults. */
static void enqueue(ccidsim *s, size_t len, uint8_t seq)
{
	bool endless = fault_take(s, CCIDSIM_FAULT_TIME_EXT);
	if (!endless && fault_take(s, CCIDSIM_FAULT_TIMEOUT)) {
		explicit_bzero(s->out, len);
		return;
	}
	if (!endless && fault_take(s, CCIDSIM_FAULT_WRONG_SEQ))
		s->out[6] = (uint8_t)(seq + 1);
	size_t keep = len;
	if (!endless && fault_take(s, CCIDSIM_FAULT_SHORT_READ))
		keep = len / 2;
	if (s->qn == SIM_QUEUE)
		queue_drop(s); /* the host stopped reading: the oldest goes */
	reply *r = &s->q[(s->qhead + s->qn) % SIM_QUEUE];
	memcpy(r->buf, s->out, len);
	explicit_bzero(s->out, len);
	r->len = keep;
	r->ext_left = s->o.time_ext;
	r->endless = endless;
	r->seq = seq;
	s->qn++;
	pthread_cond_broadcast(&s->cond);
}

/* ---- the transport ops --------------------------------------------------- */

static bool usable(const ccidsim *s)
{
	return s->plugged && s->open && s->open_gen == s->gen;
}

/* Wait on the condition variable until DEADLINE_MS (CLOCK_MONOTONIC). */
static void wait_until(ccidsim *s, int64_t deadline_ms)
{
	if (deadline_ms < 0)
		deadline_ms = 0;
	struct timespec ts = {.tv_sec = (time_t)(deadline_ms / 1000),
			      .tv_nsec = (long)(deadline_ms % 1000) * 1000000L};
	int rc = pthread_cond_timedwait(&s->cond, &s->lock, &ts);
	if (rc != 0 && rc != ETIMEDOUT)
		abort();
}

static void fill_descriptor(const ccidsim *s, uint8_t *d)
{
	memset(d, 0, XPORT_CCID_DESC_LEN);
	uint32_t protocols = slot_protocols(s, SLOT_CARD);
	if (s->o.sam)
		protocols |= s->o.sam_protocols;
	uint32_t features = CCID_FEAT_AUTO_VOLTAGE | CCID_FEAT_AUTO_CLOCK;
	if (s->o.auto_params)
		features |= CCID_FEAT_AUTO_PARAM_ATR | CCID_FEAT_AUTO_BAUD |
			    CCID_FEAT_AUTO_PARAM_NEG | CCID_FEAT_AUTO_PPS | CCID_FEAT_AUTO_IFSD;
	switch (s->o.level) {
	case CCID_LEVEL_TPDU: features |= CCID_FEAT_LEVEL_TPDU; break;
	case CCID_LEVEL_SHORT_APDU: features |= CCID_FEAT_LEVEL_SHORT_APDU; break;
	case CCID_LEVEL_EXT_APDU: features |= CCID_FEAT_LEVEL_EXT_APDU; break;
	case CCID_LEVEL_CHAR:
	default: features |= CCID_FEAT_LEVEL_CHAR; break;
	}
	d[0] = XPORT_CCID_DESC_LEN;        /* bLength */
	d[1] = CCID_DESC_TYPE;
	d[2] = 0x10;                       /* bcdCCID 1.10 */
	d[3] = 0x01;
	d[4] = (uint8_t)(s->nslots - 1);   /* bMaxSlotIndex */
	d[5] = 0x07;                       /* bVoltageSupport: 5 V, 3 V, 1.8 V */
	put_le32(d + 6, protocols);
	put_le32(d + 10, 4000);            /* dwDefaultClock, kHz */
	put_le32(d + 14, 8000);            /* dwMaximumClock */
	d[18] = 0;                         /* bNumClockSupported */
	put_le32(d + 19, 10752);           /* dwDataRate: 4 MHz / 372 */
	put_le32(d + 23, 688172);          /* dwMaxDataRate: 8 MHz * 32 / 372 */
	d[27] = 0;                         /* bNumDataRatesSupported */
	put_le32(d + 28, SIM_MAX_IFSD);    /* dwMaxIFSD */
	put_le32(d + 32, 0);               /* dwSynchProtocols */
	put_le32(d + 36, 0);               /* dwMechanical */
	put_le32(d + 40, features);
	put_le32(d + 44, s->o.max_msg_len);
	d[48] = 0xFF;                      /* bClassGetResponse: echo */
	d[49] = 0xFF;                      /* bClassEnvelope: echo */
	d[50] = d[51] = 0;                 /* wLcdLayout: none */
	d[52] = 0;                         /* bPINSupport: none */
	d[53] = 1;                         /* bMaxCCIDBusySlots */
}

static xport_err sim_open(void *ctx, xport_info *info)
{
	ccidsim *s = ctx;
	memset(info, 0, sizeof *info);
	pthread_mutex_lock(&s->lock);
	if (!s->plugged) {
		pthread_mutex_unlock(&s->lock);
		return XPORT_ERR_NOT_FOUND;
	}
	s->open = true;
	s->open_gen = s->gen;
	reset_bulk(s);
	info->vid = SIM_VID;
	info->pid = SIM_PID;
	snprintf(info->name, sizeof info->name, "Simulated CCID reader");
	snprintf(info->path, sizeof info->path, "sim");
	fill_descriptor(s, info->ccid_desc);
	info->ccid_desc_len = XPORT_CCID_DESC_LEN;
	info->has_interrupt = s->o.interrupt_ep;
	info->max_packet = SIM_MAX_PACKET;
	pthread_mutex_unlock(&s->lock);
	return XPORT_OK;
}

static void sim_close(void *ctx)
{
	ccidsim *s = ctx;
	pthread_mutex_lock(&s->lock);
	if (s->open) {
		s->open = false;
		reset_bulk(s);
		pthread_cond_broadcast(&s->cond);
	}
	pthread_mutex_unlock(&s->lock);
}

static xport_err sim_bulk_write(void *ctx, const uint8_t *buf, size_t len, int64_t deadline_ms)
{
	(void)deadline_ms; /* the simulated reader takes a command at once */
	ccidsim *s = ctx;
	pthread_mutex_lock(&s->lock);
	if (!usable(s)) {
		pthread_mutex_unlock(&s->lock);
		return XPORT_ERR_GONE;
	}
	if (len > 0)
		s->commands[buf[0]]++;
	if (fault_take(s, CCIDSIM_FAULT_UNPLUG)) {
		pthread_mutex_unlock(&s->lock);
		ccidsim_unplug(s);
		return XPORT_OK; /* the command went out; its answer never comes */
	}
	drop_endless(s);
	s->tlv_served = false;
	size_t n = handle(s, buf, len);
	if (s->tlv_served)
		fault_take(s, CCIDSIM_FAULT_BAD_TLV);
	s->tlv_served = false;
	if (n > 0)
		enqueue(s, n, buf[6]); /* a reply means a whole header */
	pthread_mutex_unlock(&s->lock);
	return XPORT_OK;
}

static xport_err sim_bulk_read(void *ctx, uint8_t *buf, size_t cap, size_t *got,
			       int64_t deadline_ms)
{
	ccidsim *s = ctx;
	xport_err e;
	*got = 0;
	pthread_mutex_lock(&s->lock);
	for (;;) {
		if (!usable(s)) {
			e = XPORT_ERR_GONE;
			break;
		}
		if (s->qn > 0) {
			reply *r = &s->q[s->qhead];
			e = XPORT_OK;
			if (r->endless || r->ext_left > 0) {
				/* A time extension: the command's header, bmCommandStatus 2,
				 * bError the BWT multiplier, no data. */
				if (cap < CCID_HEADER_LEN) {
					e = XPORT_ERR_IO;
				} else {
					memcpy(buf, r->buf, CCID_HEADER_LEN);
					put_le32(buf + 1, 0);
					buf[6] = r->seq;
					buf[7] = (uint8_t)(CCID_CMD_TIME_EXT << 6 | (r->buf[7] & 0x03));
					buf[8] = BWT_MULT;
					buf[9] = 0;
					*got = CCID_HEADER_LEN;
				}
				if (!r->endless)
					r->ext_left--;
			} else {
				if (cap < r->len) {
					e = XPORT_ERR_IO; /* babble: the transfer is lost */
				} else {
					memcpy(buf, r->buf, r->len);
					*got = r->len;
				}
				queue_drop(s);
			}
			break;
		}
		if (xport_now_ms() >= deadline_ms) {
			e = XPORT_ERR_TIMEOUT;
			break;
		}
		wait_until(s, deadline_ms);
	}
	pthread_mutex_unlock(&s->lock);
	return e;
}

static xport_err sim_intr_read(void *ctx, uint8_t *buf, size_t cap, size_t *got,
			       int64_t deadline_ms)
{
	ccidsim *s = ctx;
	xport_err e;
	*got = 0;
	pthread_mutex_lock(&s->lock);
	for (;;) {
		if (!usable(s)) {
			e = XPORT_ERR_GONE;
			break;
		}
		if (!s->o.interrupt_ep) {
			e = XPORT_ERR_UNSUPPORTED;
			break;
		}
		if (s->in > 0) {
			e = XPORT_OK;
			if (cap < NOTIFY_LEN) {
				e = XPORT_ERR_IO;
			} else {
				memcpy(buf, s->intr[s->ihead], NOTIFY_LEN);
				*got = NOTIFY_LEN;
			}
			s->ihead = (s->ihead + 1) % SIM_INTR_QUEUE;
			s->in--;
			break;
		}
		if (xport_now_ms() >= deadline_ms) {
			e = XPORT_ERR_TIMEOUT;
			break;
		}
		wait_until(s, deadline_ms);
	}
	pthread_mutex_unlock(&s->lock);
	return e;
}

static bool sim_wait_arrival(void *ctx, int64_t deadline_ms)
{
	ccidsim *s = ctx;
	bool plugged;
	pthread_mutex_lock(&s->lock);
	while (!(plugged = s->plugged) && xport_now_ms() < deadline_ms)
		wait_until(s, deadline_ms);
	pthread_mutex_unlock(&s->lock);
	return plugged;
}

static void sim_free(void *ctx)
{
	ccidsim *s = ctx;
	ccidsim_free(&s);
}

static const xport_ops sim_ops = {
	.name = "sim",
	.open = sim_open,
	.close = sim_close,
	.bulk_write = sim_bulk_write,
	.bulk_read = sim_bulk_read,
	.intr_read = sim_intr_read,
	.wait_arrival = sim_wait_arrival,
	.free = sim_free,
};

xport ccidsim_xport(ccidsim *s)
{
	return (xport){.ops = &sim_ops, .ctx = s};
}

/* ---- life and control ---------------------------------------------------- */

ccidsim_err ccidsim_new(ccidsim **out, const ccidsim_opts *opts)
{
	*out = NULL;
	ccidsim_opts o = opts ? *opts : ccidsim_defaults();
	if ((unsigned)o.level > CCID_LEVEL_EXT_APDU)
		abort(); /* not a level: a programmer error */
	/* Normalise what cannot describe a card. */
	o.card_protocols &= 0x03;
	o.sam_protocols &= 0x03;
	if (!o.card_protocols)
		o.card_protocols = 0x02;
	if (!o.sam_protocols)
		o.sam_protocols = 0x01;
	if (o.max_msg_len == 0)
		o.max_msg_len = SIM_MSG_DEFAULT;
	ccidsim *s = calloc(1, sizeof *s);
	if (!s)
		return CCIDSIM_ERR_NOMEM;
	s->o = o;
	/* The descriptor reports max_msg_len as given (even a value the driver
	 * must refuse); the simulator itself needs room for a header and a byte. */
	size_t lim = o.max_msg_len;
	if (lim < CCID_HEADER_LEN + 1)
		lim = CCID_HEADER_LEN + 1;
	if (lim > CCID_MSG_MAX)
		lim = CCID_MSG_MAX;
	s->msg_lim = lim;
	s->nslots = o.sam ? 2 : 1;
	s->ifsc = o.ifsc == 0 ? IFS_DEFAULT : o.ifsc == 0xFF ? T1_INF_MAX : o.ifsc;
	s->qbuf = calloc(SIM_QUEUE, lim);
	s->cmd = malloc(APDU_EXT_MAX);
	s->resp = calloc(1, APDU_RESP_MAX);
	s->out = calloc(1, lim);
	if (!s->qbuf || !s->cmd || !s->resp || !s->out) {
		free(s->qbuf);
		free(s->cmd);
		free(s->resp);
		free(s->out);
		free(s);
		return CCIDSIM_ERR_NOMEM;
	}
	for (size_t i = 0; i < SIM_QUEUE; i++)
		s->q[i].buf = s->qbuf + i * lim;
	pthread_mutex_init(&s->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC); /* deadlines are monotonic */
	pthread_cond_init(&s->cond, &ca);
	pthread_condattr_destroy(&ca);
	/* Challenges differ between simulators: seed from this one's address. */
	s->rng = UINT64_C(0x4B54502D53494D31) ^ (uint64_t)(uintptr_t)s;
	if (!s->rng)
		s->rng = 1;
	s->plugged = true;
	s->gen = 1;
	reset_intr(s);
	*out = s;
	return CCIDSIM_OK;
}

void ccidsim_free(ccidsim **ps)
{
	if (!ps || !*ps)
		return;
	ccidsim *s = *ps;
	card_wipe(s);
	explicit_bzero(s->slot, sizeof s->slot);
	explicit_bzero(s->qbuf, SIM_QUEUE * s->msg_lim);
	explicit_bzero(s->cmd, APDU_EXT_MAX);
	explicit_bzero(s->resp, APDU_RESP_MAX);
	explicit_bzero(s->out, s->msg_lim);
	free(s->qbuf);
	free(s->cmd);
	free(s->resp);
	free(s->out);
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->lock);
	explicit_bzero(s, sizeof *s);
	free(s);
	*ps = NULL;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1; /* ktp_parse_image hands out upper-case hex only */
}

/* The card being built by insert, off the lock. */
typedef struct new_card {
	uint8_t uid[UID_MAX];
	size_t uid_len;
	uint8_t record[KTP_RECORD_MAX];
	size_t record_len;
	bool has_app;
} new_card;

static bool present_now(ccidsim *s)
{
	pthread_mutex_lock(&s->lock);
	bool p = s->present;
	pthread_mutex_unlock(&s->lock);
	return p;
}

ccidsim_err ccidsim_insert_image(ccidsim *s, const char *text, size_t len)
{
	if (present_now(s))
		return CCIDSIM_ERR_STATE;
	if (len > CCIDSIM_IMAGE_MAX)
		return CCIDSIM_ERR_TOOBIG;
	ccidsim_err e = CCIDSIM_OK;
	ktp_identity id;
	char uid_hex[KTP_UID_CAP];
	bool has_id = false;
	new_card *c = calloc(1, sizeof *c);
	if (!c)
		return CCIDSIM_ERR_NOMEM;
	if (ktp_parse_image(text, len, uid_hex, sizeof uid_hex, &id, &has_id) != KTP_OK) {
		e = CCIDSIM_ERR_IMAGE;
		goto done;
	}
	size_t hl = strlen(uid_hex);
	for (size_t i = 0; i + 1 < hl && c->uid_len < UID_MAX; i += 2) {
		int hi = hex_digit(uid_hex[i]), lo = hex_digit(uid_hex[i + 1]);
		if (hi < 0 || lo < 0) {
			e = CCIDSIM_ERR_IMAGE;
			goto done;
		}
		c->uid[c->uid_len++] = (uint8_t)(hi << 4 | lo);
	}
	if (c->uid_len * 2 != hl) {
		e = CCIDSIM_ERR_IMAGE;
		goto done;
	}
	if (has_id) {
		c->record_len = ktp_encode_record(&id, c->record, sizeof c->record);
		if (c->record_len == 0) {
			e = CCIDSIM_ERR_IMAGE;
			goto done;
		}
		c->has_app = true;
	}
	pthread_mutex_lock(&s->lock);
	if (s->present) {
		e = CCIDSIM_ERR_STATE; /* another thread was quicker */
	} else {
		slot_off(s, SLOT_CARD); /* a new card starts unpowered */
		memcpy(s->uid, c->uid, c->uid_len);
		s->uid_len = c->uid_len;
		memcpy(s->record, c->record, c->record_len);
		s->record_len = c->record_len;
		s->has_app = c->has_app;
		s->present = true;
		notify(s, 1u << SLOT_CARD);
		pthread_cond_broadcast(&s->cond);
	}
	pthread_mutex_unlock(&s->lock);
done:
	ktp_identity_wipe(&id);
	explicit_bzero(uid_hex, sizeof uid_hex);
	explicit_bzero(c, sizeof *c);
	free(c);
	return e;
}

ccidsim_err ccidsim_insert(ccidsim *s, const char *path)
{
	if (present_now(s))
		return CCIDSIM_ERR_STATE;
	FILE *f = fopen(path, "rb");
	if (!f)
		return CCIDSIM_ERR_IO;
	char *buf = malloc(CCIDSIM_IMAGE_MAX + 1);
	if (!buf) {
		fclose(f);
		return CCIDSIM_ERR_NOMEM;
	}
	/* stdio's own buffer would keep a copy of the image: read unbuffered. */
	setvbuf(f, NULL, _IONBF, 0);
	size_t n = fread(buf, 1, CCIDSIM_IMAGE_MAX + 1, f);
	bool bad = ferror(f);
	fclose(f);
	ccidsim_err e;
	if (bad)
		e = CCIDSIM_ERR_IO;
	else if (n > CCIDSIM_IMAGE_MAX)
		e = CCIDSIM_ERR_TOOBIG;
	else
		e = ccidsim_insert_image(s, buf, n);
	explicit_bzero(buf, n); /* card images hold personal data */
	free(buf);
	return e;
}

void ccidsim_remove(ccidsim *s)
{
	pthread_mutex_lock(&s->lock);
	if (s->present) {
		card_wipe(s);
		notify(s, 1u << SLOT_CARD);
		pthread_cond_broadcast(&s->cond);
	}
	pthread_mutex_unlock(&s->lock);
}

void ccidsim_unplug(ccidsim *s)
{
	pthread_mutex_lock(&s->lock);
	if (s->plugged) {
		s->plugged = false;
		s->gen++;
		for (unsigned i = 0; i < SIM_SLOTS; i++)
			slot_off(s, i); /* no USB power, no card power */
		reset_bulk(s);
		s->ihead = s->in = 0;
		pthread_cond_broadcast(&s->cond);
	}
	pthread_mutex_unlock(&s->lock);
}

void ccidsim_plug(ccidsim *s)
{
	pthread_mutex_lock(&s->lock);
	if (!s->plugged) {
		s->plugged = true;
		s->gen++;
		reset_bulk(s);
		reset_intr(s);
		pthread_cond_broadcast(&s->cond);
	}
	pthread_mutex_unlock(&s->lock);
}

void ccidsim_fault_arm(ccidsim *s, ccidsim_fault f, unsigned count)
{
	if ((int)f < (int)CCIDSIM_FAULT_NONE || (int)f >= (int)CCIDSIM_FAULT_COUNT)
		abort(); /* not a fault: a programmer error */
	if (f == CCIDSIM_FAULT_NONE)
		return;
	pthread_mutex_lock(&s->lock);
	s->faults[f] = count;
	pthread_mutex_unlock(&s->lock);
}

bool ccidsim_card_present(ccidsim *s)
{
	return present_now(s);
}

unsigned long ccidsim_commands(ccidsim *s, uint8_t type)
{
	pthread_mutex_lock(&s->lock);
	unsigned long n = s->commands[type];
	pthread_mutex_unlock(&s->lock);
	return n;
}

unsigned long ccidsim_card_apdus(ccidsim *s)
{
	pthread_mutex_lock(&s->lock);
	unsigned long n = s->card_apdus;
	pthread_mutex_unlock(&s->lock);
	return n;
}

unsigned long ccidsim_sam_apdus(ccidsim *s)
{
	pthread_mutex_lock(&s->lock);
	unsigned long n = s->sam_apdus;
	pthread_mutex_unlock(&s->lock);
	return n;
}

/*
 * card: one card in one slot, powered and given a channel (see card.h).
 * card_connect powers the card on, parses its ATR and picks the channel
 * from the reader's exchange level: XfrBlock itself on an APDU-level
 * reader, T=1 or T=0 over XfrBlock on a TPDU-level one. Two apdu_io pipes
 * live in the card: RAW (XfrBlock on the slot, passing T=1's WTX multiplier
 * as bBWI) and IO, which is RAW itself, t0_transmit over RAW, or a wrapper
 * around t1_transmit over RAW. Answers pass through one scratch buffer
 * owned by the card and wiped after each exchange, so card data never
 * lingers in it nor, after a failure, in the caller's buffer. A T=1
 * exchange that broke off marks the channel out of step (card.h).
 */
#include <stdlib.h>
#include <string.h>

#include "card.h"
#include "t0.h"
#include "xport.h"

enum {
	PROTO_T0 = 1u << 0, /* dwProtocols and atr_info.protocols bits */
	PROTO_T1 = 1u << 1,
	TS_INVERSE = 0x3F,
	/* bmTCCKST0 / bmTCCKST1 (CCID 1.1 6.1.7): bit 0 CRC (T=1), bit 1
	 * inverse convention; T=1 has 0x10 set. */
	TCCK_CRC = 0x01,
	TCCK_INVERSE = 0x02,
	TCCK_T1 = 0x10,
	T1_EDC_MAX = 2,
};

apdu_err card_map_ccid(ccid_err e)
{
	switch (e) {
	case CCID_OK: return APDU_OK;
	case CCID_ERR_TIMEOUT: return APDU_ERR_TIMEOUT;
	case CCID_ERR_GONE: return APDU_ERR_GONE;
	case CCID_ERR_IO: return APDU_ERR_IO;
	case CCID_ERR_PROTO: return APDU_ERR_PROTO;
	case CCID_ERR_NO_CARD: return APDU_ERR_NO_CARD;
	case CCID_ERR_MUTE: return APDU_ERR_MUTE;
	case CCID_ERR_FAILED: return APDU_ERR_IO;
	case CCID_ERR_TIME_EXT: return APDU_ERR_TIMEOUT; /* the card never finished */
	case CCID_ERR_UNSUPPORTED: return APDU_ERR_UNSUPPORTED;
	case CCID_ERR_TOOBIG: return APDU_ERR_TOOBIG;
	case CCID_ERR_NOMEM: return APDU_ERR_NOMEM;
	case CCID_ERR_BAD_DESC: return APDU_ERR_UNSUPPORTED;
	default: return APDU_ERR_IO;
	}
}

/* The RAW pipe: one XfrBlock on the card's slot. */
static apdu_err raw_xfr(void *ctx, const uint8_t *in, size_t n, uint8_t *out, size_t cap,
			size_t *got, int64_t deadline_ms)
{
	card *k = ctx;
	*got = 0;
	const ccid_desc *d = ccid_descriptor(k->c);
	/* Below the extended level a command must fit one message; say so
	 * as a command that cannot be sent rather than the answer's
	 * TOOBIG ccid_xfr_block would report. */
	if (d->level != CCID_LEVEL_EXT_APDU && n > d->max_msg_len - CCID_HEADER_LEN)
		return APDU_ERR_ARG;
	/* A WTX the card was granted applies to this one block (t1.h). */
	uint8_t bwi = k->proto == CARD_PROTO_T1 ? k->t1.wtx_mult : 0;
	return card_map_ccid(ccid_xfr_block(k->c, k->slot, bwi, in, n, out, cap, got, deadline_ms));
}

/* The T=1 pipe: t1_transmit needs its channel state, an apdu_xfr_fn does not
 * carry it. */
static apdu_err t1_xfr(void *ctx, const uint8_t *in, size_t n, uint8_t *out, size_t cap,
		       size_t *got, int64_t deadline_ms)
{
	card *k = ctx;
	return t1_transmit(&k->t1, &k->raw, in, n, out, cap, got, deadline_ms);
}

/*
 * The TPDU protocol for a card whose ATR offers CARD_SET (already narrowed
 * to its specific protocol in specific mode) on a reader offering
 * READER_SET: T=1 when both have it, else T=0; else -1 with *WHY.
 */
static int choose_protocol(unsigned card_set, unsigned reader_set, const atr_info *a,
			   const char **why)
{
	unsigned common = card_set & reader_set;
	if (common & PROTO_T1)
		return CARD_PROTO_T1;
	if (common & PROTO_T0)
		return CARD_PROTO_T0;
	if (a->specific_mode) {
		if (a->specific_protocol == 0)
			*why = "the card runs only T=0 (specific mode) and the reader lacks T=0";
		else if (a->specific_protocol == 1)
			*why = "the card runs only T=1 (specific mode) and the reader lacks T=1";
		else
			*why = "the card runs only a protocol other than T=0 and T=1 (specific mode)";
	} else if (!(card_set & (PROTO_T0 | PROTO_T1))) {
		*why = "the card offers neither T=0 nor T=1";
	} else if (card_set & PROTO_T1) {
		*why = "the card offers only T=1 and the reader only T=0";
	} else {
		*why = "the card offers only T=0 and the reader only T=1";
	}
	return -1;
}

/* SetParameters from the ATR for PROTO (CCID 1.1 6.1.7). */
static ccid_err set_params(card *k, int64_t deadline_ms)
{
	const atr_info *a = &k->atr_info;
	bool inverse = a->ts == TS_INVERSE;
	ccid_params p = {.fidi = a->fi_di, .guard_time = a->extra_guard, .clock_stop = 0};
	if (k->proto == CARD_PROTO_T1) {
		p.protocol = 1;
		p.tcck = (uint8_t)(TCCK_T1 | (a->crc ? TCCK_CRC : 0) | (inverse ? TCCK_INVERSE : 0));
		p.wi = (uint8_t)((a->bwi & 0x0F) << 4 | (a->cwi & 0x0F));
		p.ifsc = a->ifsc;
		p.nad = 0;
	} else {
		p.protocol = 0;
		p.tcck = inverse ? TCCK_INVERSE : 0;
		p.wi = a->wi;
	}
	return ccid_set_parameters(k->c, k->slot, &p, deadline_ms);
}

/* Set up the TPDU channel: protocol, parameters, T=1's sizes. */
static apdu_err connect_tpdu(card *k, const ccid_desc *d, int64_t deadline_ms, const char **why)
{
	const atr_info *a = &k->atr_info;
	unsigned card_set = a->protocols;
	if (a->specific_mode)
		card_set = 1u << a->specific_protocol; /* TA2 bits 0-3 */
	int proto = choose_protocol(card_set, d->protocols, a, why);
	if (proto < 0)
		return APDU_ERR_UNSUPPORTED;
	k->proto = (card_proto)proto;

	/* A reader that negotiates by itself sets the parameters too; one
	 * that does not needs them from us, or it runs the card at the
	 * default T=0 settings. */
	if (!(d->features & (CCID_FEAT_AUTO_PARAM_NEG | CCID_FEAT_AUTO_PPS))) {
		ccid_err ce = set_params(k, deadline_ms);
		if (ce != CCID_OK) {
			*why = ce == CCID_ERR_FAILED ? "the reader refused the card's parameters"
						     : ccid_err_name(ce);
			return card_map_ccid(ce);
		}
	}

	if (k->proto == CARD_PROTO_T0) {
		k->io = (apdu_io){.xfr = t0_transmit, .ctx = &k->raw, .ext_ok = false};
		return APDU_OK;
	}

	t1_init(&k->t1, a->ifsc, a->crc);
	/* Blocks must fit one CCID message (dwMaxCCIDMessageLength was
	 * checked >= 15 by ccid_desc_parse); sending I-blocks smaller than
	 * the IFSC is always allowed, receiving is bounded by our IFSD. */
	size_t room = d->max_msg_len - CCID_HEADER_LEN - T1_PROLOGUE - T1_EDC_MAX;
	if (room == 0) {
		*why = "the reader's messages are too small for T=1 blocks";
		return APDU_ERR_UNSUPPORTED;
	}
	if (room < k->t1.ifsc)
		k->t1.ifsc = (uint8_t)room;
	k->io = (apdu_io){.xfr = t1_xfr, .ctx = k, .ext_ok = false};
	size_t ifsd = k->t1.ifsd;
	if (d->max_ifsd > 0 && d->max_ifsd < ifsd)
		ifsd = d->max_ifsd;
	if (d->features & CCID_FEAT_AUTO_IFSD) {
		/* The reader has announced its dwMaxIFSD: blocks that long
		 * may come. */
		k->t1.ifsd = (uint8_t)ifsd;
		return APDU_OK;
	}
	if (room < ifsd)
		ifsd = room;
	k->t1.ifsd = (uint8_t)ifsd;
	apdu_err e = t1_negotiate_ifsd(&k->t1, &k->raw, deadline_ms);
	if (e != APDU_OK)
		*why = e == APDU_ERR_PROTO ? "the T=1 IFS negotiation failed" : apdu_err_name(e);
	return e;
}

apdu_err card_connect(card *k, ccid *c, uint8_t slot, int64_t deadline_ms, const char **why)
{
	if (!k || !c)
		abort();
	const char *reason = NULL;
	memset(k, 0, sizeof *k);
	k->c = c;
	k->slot = slot;
	k->proto = CARD_PROTO_APDU;
	k->raw = (apdu_io){.xfr = raw_xfr, .ctx = k, .ext_ok = false};
	const ccid_desc *d = ccid_descriptor(c);
	apdu_err e;

	if (slot > d->max_slot_index) {
		/* ccid.h treats such a slot as a programmer error; here it
		 * comes from configuration (the SAM slot), so it is answered. */
		reason = "the reader has no such slot";
		e = APDU_ERR_NO_CARD;
		goto fail;
	}
	if (d->level == CCID_LEVEL_CHAR) {
		reason = "character-level reader";
		e = APDU_ERR_UNSUPPORTED;
		goto fail;
	}
	k->buf = malloc(APDU_RESP_MAX);
	if (!k->buf) {
		reason = apdu_err_name(APDU_ERR_NOMEM);
		e = APDU_ERR_NOMEM;
		goto fail;
	}

	ccid_err ce = ccid_power_on(c, slot, k->atr, sizeof k->atr, &k->atr_len, deadline_ms);
	if (ce != CCID_OK) {
		reason = ccid_err_name(ce);
		e = card_map_ccid(ce);
		/* A card that did not come up may still hold power (mute,
		 * a reader error): switch it off below. */
		k->powered = true;
		goto fail;
	}
	k->powered = true;

	atr_err ae = atr_parse(k->atr, k->atr_len, &k->atr_info);
	if (ae != ATR_OK) {
		reason = atr_err_name(ae);
		e = APDU_ERR_PROTO;
		goto fail;
	}

	switch (d->level) {
	case CCID_LEVEL_SHORT_APDU:
	case CCID_LEVEL_EXT_APDU:
		/* The reader speaks to the card itself: APDUs go in XfrBlock. */
		k->proto = CARD_PROTO_APDU;
		k->io = k->raw;
		k->io.ext_ok = d->level == CCID_LEVEL_EXT_APDU;
		e = APDU_OK;
		break;
	case CCID_LEVEL_TPDU:
		e = connect_tpdu(k, d, deadline_ms, &reason);
		break;
	default:
		abort(); /* ccid_desc_parse knows no other level; CHAR is refused above */
	}
	if (e != APDU_OK)
		goto fail;
	if (why)
		*why = NULL;
	return APDU_OK;

fail:
	if (k->powered && e != APDU_ERR_GONE && e != APDU_ERR_NO_CARD &&
	    xport_now_ms() < deadline_ms)
		(void)ccid_power_off(c, slot, deadline_ms);
	if (k->buf) {
		explicit_bzero(k->buf, APDU_RESP_MAX);
		free(k->buf);
	}
	explicit_bzero(k, sizeof *k);
	if (why)
		*why = reason;
	return e;
}

void card_disconnect(card *k, int64_t deadline_ms)
{
	if (!k)
		return;
	/* A past deadline means there is no time, or (the caller's way of
	 * saying it) no reader, to talk to. */
	if (k->powered && k->c && xport_now_ms() < deadline_ms)
		(void)ccid_power_off(k->c, k->slot, deadline_ms);
	if (k->buf) {
		explicit_bzero(k->buf, APDU_RESP_MAX);
		free(k->buf);
	}
	explicit_bzero(k, sizeof *k);
}

apdu_err card_exchange(card *k, const apdu_cmd *cmd, uint8_t *data, size_t cap, size_t *len,
		       uint16_t *sw, int64_t deadline_ms)
{
	if (!k || !k->buf || !cmd || (!data && cap > 0) || !len || !sw)
		abort();
	*len = 0;
	*sw = 0;
	if (k->out_of_step)
		return APDU_ERR_PROTO;
	size_t got = 0;
	uint16_t s = 0;
	apdu_err e = apdu_exchange(&k->io, cmd, k->buf, APDU_RESP_MAX, &got, &s, deadline_ms);
	/* A reply lost to a timeout or a bad message leaves the card a block
	 * ahead of us (card.h); a GET RESPONSE round cut short the same. */
	if (k->proto == CARD_PROTO_T1 && e != APDU_OK && e != APDU_ERR_TOOBIG &&
	    e != APDU_ERR_ARG)
		k->out_of_step = true;
	if (e == APDU_OK && got > cap)
		e = APDU_ERR_TOOBIG;
	if (e == APDU_OK) {
		if (got > 0)
			memcpy(data, k->buf, got);
		*len = got;
		*sw = s;
		explicit_bzero(k->buf, got);
	} else {
		/* apdu.h: a failed exchange may leave any part written. */
		explicit_bzero(k->buf, APDU_RESP_MAX);
	}
	return e;
}

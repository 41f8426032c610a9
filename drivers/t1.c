/*
 * t1: the T=1 block codec and the host-side engine (see t1.h).
 */
#include <stdlib.h>
#include <string.h>

#include "t1.h"
#include "xport.h"

uint8_t t1_lrc(const uint8_t *b, size_t n)
{
	uint8_t x = 0;
	for (size_t i = 0; i < n; i++)
		x ^= b[i];
	return x;
}

uint16_t t1_crc(const uint8_t *b, size_t n)
{
	uint16_t crc = 0xFFFF;
	for (size_t i = 0; i < n; i++) {
		crc ^= b[i];
		for (int k = 0; k < 8; k++)
			crc = (crc & 1) ? (uint16_t)((crc >> 1) ^ 0x8408) : (uint16_t)(crc >> 1);
	}
	return (uint16_t)~crc;
}

size_t t1_block_build(uint8_t *buf, size_t cap, uint8_t nad, uint8_t pcb, const uint8_t *inf,
		      size_t len, bool crc)
{
	size_t total = T1_PROLOGUE + len + (crc ? 2u : 1u);
	if (len > T1_INF_MAX || cap < total || (len > 0 && !inf))
		return 0;
	buf[0] = nad;
	buf[1] = pcb;
	buf[2] = (uint8_t)len;
	if (len > 0)
		memcpy(buf + T1_PROLOGUE, inf, len);
	size_t n = T1_PROLOGUE + len;
	if (crc) {
		uint16_t c = t1_crc(buf, n);
		buf[n] = (uint8_t)(c >> 8);
		buf[n + 1] = (uint8_t)c;
	} else {
		buf[n] = t1_lrc(buf, n);
	}
	return total;
}

t1_block_err t1_block_parse(const uint8_t *buf, size_t n, bool crc, t1_block *out)
{
	memset(out, 0, sizeof *out);
	size_t edc = crc ? 2u : 1u;
	if (n < T1_PROLOGUE + edc || buf[2] == 0xFF || n != T1_PROLOGUE + (size_t)buf[2] + edc)
		return T1_BLOCK_FORMAT;
	size_t body = n - edc;
	if (crc) {
		uint16_t c = t1_crc(buf, body);
		if (buf[body] != (uint8_t)(c >> 8) || buf[body + 1] != (uint8_t)c)
			return T1_BLOCK_EDC;
	} else if (t1_lrc(buf, body) != buf[body]) {
		return T1_BLOCK_EDC;
	}
	uint8_t pcb = buf[1];
	t1_kind kind;
	if (!(pcb & 0x80)) {
		kind = T1_I;
		if (pcb & 0x1F) /* bits 1-5 are reserved in an I-block */
			return T1_BLOCK_FORMAT;
	} else if ((pcb & 0xC0) == T1_R_BLOCK) {
		kind = T1_R;
		/* Reserved bits, error code 11 (RFU); an R-block has no INF. */
		if ((pcb & 0x2C) || (pcb & 0x03) == 0x03 || buf[2] != 0)
			return T1_BLOCK_FORMAT;
	} else {
		kind = T1_S;
		if ((pcb & 0x1F) > T1_S_WTX)
			return T1_BLOCK_FORMAT;
	}
	out->nad = buf[0];
	out->pcb = pcb;
	out->kind = kind;
	out->inf = buf + T1_PROLOGUE;
	out->len = buf[2];
	return T1_BLOCK_OK;
}

/* ---- the host-side engine (t1_init, t1_negotiate_ifsd, t1_transmit) ------ */

/*
 * The engine keeps the block it sent last (resent as it is when the card
 * asks for it again) and rebuilds the pending I-block from IN, its offset
 * and length, so a retransmission is byte for byte the original even after
 * an R-block or S-block went in between. ERRORS counts the blocks since the
 * last progress that were invalid or asked for a retransmission; above
 * T1_RETRIES the channel is resynchronised and the exchange fails.
 */

enum {
	PCB_S_RESYNCH_REQ = T1_S_BLOCK | T1_S_RESYNCH,
	PCB_S_RESYNCH_RSP = T1_S_BLOCK | T1_S_RESPONSE | T1_S_RESYNCH,
	PCB_S_IFS_REQ = T1_S_BLOCK | T1_S_IFS,
	PCB_S_IFS_RSP = T1_S_BLOCK | T1_S_RESPONSE | T1_S_IFS,
	PCB_S_ABORT_REQ = T1_S_BLOCK | T1_S_ABORT,
	PCB_S_WTX_REQ = T1_S_BLOCK | T1_S_WTX,
	PCB_S_WTX_RSP = T1_S_BLOCK | T1_S_RESPONSE | T1_S_WTX,
};

void t1_init(t1 *t, uint8_t ifsc, bool crc)
{
	if (!t || ifsc == 0x00 || ifsc == 0xFF)
		abort(); /* atr_parse refuses those IFSC values */
	memset(t, 0, sizeof *t);
	t->ifsc = ifsc;
	t->ifsd = T1_IFSD;
	t->crc = crc;
}

/* One exchange in progress: the last block sent and the last received. */
typedef struct t1_xchg {
	t1 *t;
	const apdu_io *raw;
	int64_t deadline_ms;
	uint8_t tx[T1_BLOCK_MAX];
	size_t tx_len;
	uint8_t rx[T1_BLOCK_MAX];
	size_t rx_len;
} t1_xchg;

static void put_block(t1_xchg *x, uint8_t pcb, const uint8_t *inf, size_t len)
{
	x->tx_len = t1_block_build(x->tx, sizeof x->tx, x->t->nad, pcb, inf, len, x->t->crc);
	if (x->tx_len == 0)
		abort(); /* the engine never builds an INF over 254 bytes */
}

static void put_r(t1_xchg *x, uint8_t err_bits)
{
	put_block(x, (uint8_t)(T1_R_BLOCK | (x->t->nr ? T1_R_NR : 0) | err_bits), NULL, 0);
}

/*
 * Send the block in X->tx and read the answer. Returns a transport error
 * as it came, or APDU_OK with *B parsed and *BAD 0, or with *BAD the
 * R-block error bits the answer deserves (T1_R_ERR_EDC, T1_R_ERR_OTHER).
 * WTX is the multiplier granted for this one exchange (0: none).
 */
static apdu_err xchg(t1_xchg *x, uint8_t wtx, t1_block *b, uint8_t *bad)
{
	*bad = 0;
	memset(b, 0, sizeof *b);
	if (xport_now_ms() >= x->deadline_ms)
		return APDU_ERR_TIMEOUT;
	x->rx_len = 0;
	x->t->wtx_mult = wtx;
	apdu_err err = x->raw->xfr(x->raw->ctx, x->tx, x->tx_len, x->rx, sizeof x->rx, &x->rx_len,
				   x->deadline_ms);
	x->t->wtx_mult = 0; /* a WTX covers one block only */
	if (err == APDU_ERR_TOOBIG) {
		/* Longer than any block: garbage on the line, not a
		 * transport failure. */
		*bad = T1_R_ERR_OTHER;
		return APDU_OK;
	}
	if (err != APDU_OK)
		return err;
	if (x->rx_len > sizeof x->rx)
		abort(); /* the pipe wrote past the buffer */
	switch (t1_block_parse(x->rx, x->rx_len, x->t->crc, b)) {
	case T1_BLOCK_OK:
		break;
	case T1_BLOCK_EDC:
		*bad = T1_R_ERR_EDC;
		return APDU_OK;
	default:
		*bad = T1_R_ERR_OTHER;
		return APDU_OK;
	}
	/* What the codec cannot know: sizes against IFSD, S-block bodies. */
	if (b->kind == T1_I && b->len > x->t->ifsd)
		*bad = T1_R_ERR_OTHER;
	if (b->kind == T1_S && (b->pcb & 0x1F) != T1_S_ABORT) {
		bool one = (b->pcb & 0x1F) == T1_S_IFS || (b->pcb & 0x1F) == T1_S_WTX;
		if (b->len != (one ? 1u : 0u))
			*bad = T1_R_ERR_OTHER;
		else if ((b->pcb & 0x1F) == T1_S_IFS && (b->inf[0] == 0x00 || b->inf[0] == 0xFF))
			*bad = T1_R_ERR_OTHER;
	}
	return APDU_OK;
}

/*
 * ISO 7816-3 rule 6: S(RESYNCH request) until S(RESYNCH response), at most
 * T1_RETRIES times; both sequence numbers restart at 0 either way (a card
 * that never answered is in an unknown state; the next exchange will show
 * it). Returns a transport error, or APDU_ERR_PROTO: the exchange that
 * needed it has failed in any case.
 */
static apdu_err resynch(t1_xchg *x)
{
	x->t->resyncs++;
	put_block(x, PCB_S_RESYNCH_REQ, NULL, 0);
	for (unsigned i = 0; i < T1_RETRIES; i++) {
		t1_block b;
		uint8_t bad;
		apdu_err err = xchg(x, 0, &b, &bad);
		if (err != APDU_OK)
			return err;
		if (!bad && b.pcb == PCB_S_RESYNCH_RSP)
			break;
	}
	x->t->ns = 0;
	x->t->nr = 0;
	return APDU_ERR_PROTO;
}

static void wipe_xchg(t1_xchg *x)
{
	explicit_bzero(x->tx, sizeof x->tx);
	explicit_bzero(x->rx, sizeof x->rx);
}

apdu_err t1_negotiate_ifsd(t1 *t, const apdu_io *raw, int64_t deadline_ms)
{
	if (!t || !raw || !raw->xfr || t->ifsd == 0x00 || t->ifsd == 0xFF)
		abort();
	t1_xchg x = {.t = t, .raw = raw, .deadline_ms = deadline_ms};
	uint8_t ifsd = t->ifsd;
	put_block(&x, PCB_S_IFS_REQ, &ifsd, 1);
	apdu_err err;
	for (unsigned errors = 0;; errors++) {
		t1_block b;
		uint8_t bad;
		err = xchg(&x, 0, &b, &bad);
		if (err != APDU_OK)
			break;
		if (!bad && b.pcb == PCB_S_IFS_RSP && b.inf[0] == ifsd)
			break;
		/* Rule 7.3: a request without its response is sent again. */
		if (errors == T1_RETRIES) {
			err = resynch(&x);
			break;
		}
		t->retransmits++;
	}
	wipe_xchg(&x);
	return err;
}

apdu_err t1_transmit(t1 *t, const apdu_io *raw, const uint8_t *in, size_t n, uint8_t *out,
		     size_t cap, size_t *got, int64_t deadline_ms)
{
	if (!t || !raw || !raw->xfr || (!in && n > 0) || (!out && cap > 0) || !got ||
	    t->ifsc == 0x00 || t->ifsc == 0xFF)
		abort();
	*got = 0;
	t1_xchg x = {.t = t, .raw = raw, .deadline_ms = deadline_ms};

	/* The pending I-block: IN[off, off + chunk), more to follow or not.
	 * SENDING while the card has not acknowledged it (an R-block for a
	 * chained one, its first I-block for the last one). */
	size_t off = 0;
	size_t chunk = n < t->ifsc ? n : t->ifsc;
	bool more = chunk < n;
	bool sending = true;
	uint8_t ns_bit = t->ns; /* N(S) of the pending I-block */
	put_block(&x, (uint8_t)((ns_bit ? T1_I_NS : 0) | (more ? T1_I_MORE : 0)), in, chunk);

	size_t have = 0;
	bool toobig = false; /* the answer outgrew OUT: read it to its end, then fail */
	unsigned errors = 0;
	uint8_t wtx = 0;
	apdu_err err;
	for (;;) {
		t1_block b;
		uint8_t bad;
		err = xchg(&x, wtx, &b, &bad);
		wtx = 0;
		if (err != APDU_OK)
			goto out;

		if (!bad && b.kind == T1_R) {
			bool nr = b.pcb & T1_R_NR;
			if (sending && more && nr != (ns_bit != 0)) {
				/* Rule 2.2: the chained block is acknowledged. */
				off += chunk;
				t->ns ^= 1;
				ns_bit = t->ns;
				chunk = n - off < t->ifsc ? n - off : t->ifsc;
				more = off + chunk < n;
				errors = 0;
				put_block(&x, (uint8_t)((ns_bit ? T1_I_NS : 0) | (more ? T1_I_MORE : 0)),
					  in + off, chunk);
				continue;
			}
			if (sending && nr == (ns_bit != 0)) {
				/* Rule 7.1 seen from here: the card did not get our
				 * I-block and asks for it again. */
				if (++errors > T1_RETRIES)
					goto resync;
				t->retransmits++;
				put_block(&x, (uint8_t)((ns_bit ? T1_I_NS : 0) | (more ? T1_I_MORE : 0)),
					  in + off, chunk);
				continue;
			}
			if (!sending && (x.tx[1] & 0xC0) == T1_R_BLOCK) {
				/* Rule 7.2: the card lost our R-block: again. */
				if (++errors > T1_RETRIES)
					goto resync;
				t->retransmits++;
				continue;
			}
			bad = T1_R_ERR_OTHER; /* an acknowledgement of nothing */
		} else if (!bad && b.kind == T1_I) {
			if ((sending && more) || ((b.pcb & T1_I_NS) != 0) != (t->nr != 0)) {
				bad = T1_R_ERR_OTHER; /* mid-chain, or not the block expected */
			} else {
				if (sending) {
					/* The card's first I-block acknowledges our last. */
					sending = false;
					t->ns ^= 1;
				}
				t->nr ^= 1;
				errors = 0;
				if (!toobig && b.len > cap - have)
					toobig = true;
				if (!toobig && b.len > 0) {
					memcpy(out + have, b.inf, b.len);
					have += b.len;
				}
				if (b.pcb & T1_I_MORE) {
					put_r(&x, 0); /* rule 5: acknowledge, next please */
					continue;
				}
				err = toobig ? APDU_ERR_TOOBIG : APDU_OK;
				if (!toobig)
					*got = have;
				goto out;
			}
		} else if (!bad) {
			switch (b.pcb) {
			case PCB_S_WTX_REQ:
				/* Rule 3: grant it; the pipe passes it as bBWI. */
				t->wtx++;
				wtx = b.inf[0];
				put_block(&x, PCB_S_WTX_RSP, b.inf, 1);
				continue;
			case PCB_S_IFS_REQ:
				/* Rule 4: the card's new IFSC, for the blocks to come
				 * (a pending I-block is resent as it was). */
				t->ifsc = b.inf[0];
				put_block(&x, PCB_S_IFS_RSP, b.inf, 1);
				continue;
			case PCB_S_ABORT_REQ:
				/* The card gives up the chain. Resynchronising (as
				 * libccid does) leaves both sides at a known state
				 * for the next exchange, which this one is not. */
				err = resynch(&x);
				goto out;
			default:
				bad = T1_R_ERR_OTHER; /* a response to no request, or RESYNCH from the card */
				break;
			}
		}

		/* Rule 7.1: an invalid block (or none) is answered with an
		 * R-block asking for the I-block expected, naming the error. */
		if (++errors > T1_RETRIES)
			goto resync;
		t->retransmits++;
		put_r(&x, bad);
	}

resync:
	err = resynch(&x);
out:
	wipe_xchg(&x);
	return err;
}

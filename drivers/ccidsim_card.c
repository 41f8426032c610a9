/*
 * ccidsim_card: what runs inside the simulated reader's card and SAM (the
 * reader is ccidsim.c; ccidsim_internal.h holds the state they share and
 * the calls between them). The contactless card of slot 0 runs the KTP-el
 * profile of docs/card-profile.md (SELECT, GET CHALLENGE, EXTERNAL
 * AUTHENTICATE, READ BINARY of the record); the SAM of slot 1 computes the
 * cryptogram; the reader answers the PC/SC pseudo-APDUs (FF ..) on the
 * card's behalf. Between them and the reader, at the TPDU level, sit the
 * card's end of T=0 (61xx, 6Cxx, GET RESPONSE) and of T=1 (blocks,
 * chaining, IFS, resynchronisation, error recovery). The reader calls in
 * with its lock held, one command at its exchange level, and takes the
 * answer from s->resp. The pure codecs shared with the kiosk are the
 * command APDU decoder (apdu_decode) and the T=1 block codec (t1.c), which
 * have their own tests. Card data (UID, record, answers that carry them)
 * is wiped as soon as it is not needed and never logged: this file logs
 * nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "apdu.h"
#include "ccidsim.h"
#include "ccidsim_internal.h"
#include "ktpprof.h"
#include "t1.h"

enum {
	SELECT_AID_MAX = 16,       /* the longest DF name SELECT takes (ISO 7816-4) */
};

/* Status words the card, the SAM and the reader answer. */
enum {
	SW_EOF = 0x6282,           /* end of file reached before Ne bytes */
	SW_AUTH_FAILED = 0x6300,
	SW_MORE = 0x6100,          /* T=0: SW2 bytes wait for GET RESPONSE */
	SW_WRONG_LENGTH = 0x6700,
	SW_SECURITY = 0x6982,      /* security status not satisfied */
	SW_CONDITIONS = 0x6985,    /* conditions of use not satisfied */
	SW_NO_EF = 0x6986,         /* command not allowed: no current EF */
	SW_FUNC = 0x6A81,          /* function not supported */
	SW_NOT_FOUND = 0x6A82,
	SW_P1P2 = 0x6A86,
	SW_WRONG_PARAMS = 0x6B00,  /* wrong P1-P2 (offset outside the EF) */
	SW_WRONG_LE = 0x6C00,      /* SW2: the exact length available */
	SW_INS = 0x6D00,
	SW_CLA = 0x6E00,
	SW_UNKNOWN = 0x6F00,
};

enum {
	INS_SELECT = 0xA4,
	INS_GET_CHALLENGE = 0x84,
	INS_EXTERNAL_AUTH = 0x82,
	INS_READ_BINARY = 0xB0,
	INS_GET_RESPONSE = 0xC0,
	INS_GET_DATA = 0xCA,
	CLA_PCSC = 0xFF,           /* PC/SC part 3 pseudo-APDUs, answered by the reader */
};

static const uint8_t card_aid[KTPPROF_AID_LEN] = KTPPROF_CARD_AID;
static const uint8_t sam_aid[KTPPROF_AID_LEN] = KTPPROF_SAM_AID;

/* A decoded command APDU; data points into the bytes decoded. */
typedef struct capdu {
	uint8_t cla, ins, p1, p2;
	const uint8_t *data;
	size_t nc, ne;
	bool ext;
} capdu;

/* ---- small helpers ----------------------------------------------------- */

static uint64_t rng_next(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/*
 * The toy "keyed" function of the SAM's AUTHENTICATE CARD, which the card
 * checks in EXTERNAL AUTHENTICATE: over M = UID || rc (N bytes), byte I of
 * the 16-byte cryptogram is M[I mod N] XOR (0x5A + 7 I) (mod 256). It
 * proves only that the kiosk relayed the right UID and challenge to the SAM
 * and the SAM's answer back to the card; it has no security at all.
 */
static void toy_cryptogram(const uint8_t *uid, size_t uid_len, const uint8_t *rc,
			   uint8_t out[KTPPROF_CRYPTOGRAM_LEN])
{
	uint8_t m[UID_MAX + KTPPROF_CHALLENGE_LEN];
	size_t n = uid_len + KTPPROF_CHALLENGE_LEN;
	memcpy(m, uid, uid_len);
	memcpy(m + uid_len, rc, KTPPROF_CHALLENGE_LEN);
	for (size_t i = 0; i < KTPPROF_CRYPTOGRAM_LEN; i++)
		out[i] = (uint8_t)(m[i % n] ^ (uint8_t)(0x5A + 7 * i));
	explicit_bzero(m, sizeof m);
}

/*
 * Decode the N bytes of B as a command APDU (apdu_decode: the seven cases
 * of ISO/IEC 7816-4 5.1; a body that fits no case is refused). EXT tells
 * whether it came in the extended form (a body of 3 or more bytes opening
 * with 00), whatever its lengths: the reader levels care about the form.
 */
static bool decode_apdu(const uint8_t *b, size_t n, capdu *c)
{
	memset(c, 0, sizeof *c);
	apdu_cmd a;
	if (apdu_decode(b, n, &a) != APDU_OK)
		return false;
	*c = (capdu){.cla = a.cla, .ins = a.ins, .p1 = a.p1, .p2 = a.p2, .data = a.data,
		     .nc = a.nc, .ne = a.ne, .ext = n >= 7 && b[4] == 0x00};
	return true;
}

/* ---- the card, the SAM and the reader's pseudo-APDUs ---------------------- */

/* An answer being built in s->resp: data, then the status word. */
typedef struct answer {
	uint8_t *data;
	size_t cap, len;
	uint16_t sw;
} answer;

static void answer_data(answer *a, const uint8_t *d, size_t n)
{
	if (n > a->cap)
		abort(); /* every answer is sized from the command: a bug */
	memcpy(a->data, d, n);
	a->len = n;
}

/* Whether NE asks for "everything there is" (Le 00 or 0000). */
static bool ne_wildcard(size_t ne) { return ne == 256 || ne == 65536; }

/* PC/SC part 3 3.2.2.1.3: GET DATA of the UID, answered by the reader. */
static void pcsc_pseudo(ccidsim *s, const capdu *c, answer *a)
{
	if (c->ins != INS_GET_DATA) {
		a->sw = SW_FUNC;
		return;
	}
	if (c->p1 != 0x00 || c->p2 != 0x00) {
		a->sw = SW_WRONG_PARAMS;
		return;
	}
	if (c->nc != 0) {
		a->sw = SW_WRONG_LENGTH;
		return;
	}
	if (c->ne != 0 && !ne_wildcard(c->ne) && c->ne < s->uid_len) {
		a->sw = (uint16_t)(SW_WRONG_LE | s->uid_len);
		return;
	}
	answer_data(a, s->uid, s->uid_len);
	a->sw = c->ne != 0 && !ne_wildcard(c->ne) && c->ne > s->uid_len ? SW_EOF : SW_OK;
}

static void card_select(ccidsim *s, slot *sl, const capdu *c, answer *a)
{
	if (c->p2 != 0x0C && c->p2 != 0x00) {
		a->sw = SW_P1P2;
		return;
	}
	if (c->p1 == 0x04) { /* by DF name */
		if (c->nc == 0 || c->nc > SELECT_AID_MAX) {
			a->sw = SW_WRONG_LENGTH;
			return;
		}
		if (!s->has_app || c->nc != sizeof card_aid ||
		    memcmp(c->data, card_aid, sizeof card_aid) != 0) {
			a->sw = SW_NOT_FOUND;
			return;
		}
		/* A fresh selection starts the application's security over. */
		sl->app = true;
		sl->ef = sl->auth = sl->has_rc = false;
		explicit_bzero(sl->rc, sizeof sl->rc);
		a->sw = SW_OK;
		return;
	}
	if (c->p1 == 0x02) { /* an EF under the current DF */
		if (c->nc != 2) {
			a->sw = SW_WRONG_LENGTH;
			return;
		}
		unsigned fid = (unsigned)c->data[0] << 8 | c->data[1];
		if (!sl->app || fid != KTPPROF_EF_RECORD) {
			a->sw = SW_NOT_FOUND;
			return;
		}
		if (!sl->auth) {
			a->sw = SW_SECURITY;
			return;
		}
		sl->ef = true;
		a->sw = SW_OK;
		return;
	}
	a->sw = SW_P1P2;
}

static void card_challenge(ccidsim *s, slot *sl, const capdu *c, answer *a)
{
	if (c->p1 || c->p2) {
		a->sw = SW_P1P2;
	} else if (c->nc != 0 || c->ne == 0) {
		a->sw = SW_WRONG_LENGTH;
	} else if (!sl->app) {
		a->sw = SW_CONDITIONS;
	} else if (c->ne < KTPPROF_CHALLENGE_LEN) {
		a->sw = SW_WRONG_LE | KTPPROF_CHALLENGE_LEN;
	} else {
		uint64_t r = rng_next(&s->rng);
		for (size_t i = 0; i < KTPPROF_CHALLENGE_LEN; i++)
			sl->rc[i] = (uint8_t)(r >> (8 * i));
		sl->has_rc = true;
		answer_data(a, sl->rc, sizeof sl->rc);
		a->sw = SW_OK;
	}
}

static void card_external_auth(ccidsim *s, slot *sl, const capdu *c, answer *a)
{
	if (c->p1 || c->p2) {
		a->sw = SW_P1P2;
		return;
	}
	if (c->nc != KTPPROF_CRYPTOGRAM_LEN) {
		a->sw = SW_WRONG_LENGTH;
		return;
	}
	if (!sl->app || !sl->has_rc) {
		a->sw = SW_CONDITIONS;
		return;
	}
	uint8_t want[KTPPROF_CRYPTOGRAM_LEN];
	toy_cryptogram(s->uid, s->uid_len, sl->rc, want);
	uint8_t diff = 0;
	for (size_t i = 0; i < sizeof want; i++)
		diff |= (uint8_t)(want[i] ^ c->data[i]);
	explicit_bzero(want, sizeof want);
	/* A challenge answers one authentication, right or wrong. */
	sl->has_rc = false;
	explicit_bzero(sl->rc, sizeof sl->rc);
	sl->auth = diff == 0;
	a->sw = sl->auth ? SW_OK : SW_AUTH_FAILED;
}

/* The record byte CCIDSIM_FAULT_BAD_TLV corrupts: the length of the first
 * field (the version), made an invalid long form so ktp_parse_record sees a
 * broken structure while the template's own head stays right. */
static size_t bad_tlv_offset(const ccidsim *s)
{
	size_t head = s->record[1] < 0x80 ? 2 : s->record[1] == 0x81 ? 3 : 4;
	return head + 1;
}

static void card_read_binary(ccidsim *s, slot *sl, const capdu *c, answer *a)
{
	if (c->p1 & 0x80) { /* short EF identifier: not supported by this card */
		a->sw = SW_P1P2;
		return;
	}
	if (!sl->ef) {
		a->sw = SW_NO_EF;
		return;
	}
	if (c->nc != 0 || c->ne == 0) {
		a->sw = SW_WRONG_LENGTH;
		return;
	}
	size_t off = (size_t)c->p1 << 8 | c->p2;
	if (off >= s->record_len) {
		a->sw = SW_WRONG_PARAMS;
		return;
	}
	size_t k = min_size(c->ne, s->record_len - off);
	answer_data(a, s->record + off, k);
	size_t bad = bad_tlv_offset(s);
	if (s->faults[CCIDSIM_FAULT_BAD_TLV] && bad >= off && bad < off + k) {
		a->data[bad - off] = 0x84; /* a length of 4 length bytes: never valid here */
		s->tlv_served = true;      /* consumed once the bytes are really sent */
	}
	/* Fewer bytes than asked for is 6282 (ISO 7816-4 11.2.3), except for
	 * Le 00 / 0000, which asks for "up to the end". */
	a->sw = k < c->ne && !ne_wildcard(c->ne) ? SW_EOF : SW_OK;
}

static void card_applet(ccidsim *s, slot *sl, const capdu *c, answer *a)
{
	if (c->cla != 0x00) {
		a->sw = SW_CLA;
		return;
	}
	switch (c->ins) {
	case INS_SELECT: card_select(s, sl, c, a); break;
	case INS_GET_CHALLENGE: card_challenge(s, sl, c, a); break;
	case INS_EXTERNAL_AUTH: card_external_auth(s, sl, c, a); break;
	case INS_READ_BINARY: card_read_binary(s, sl, c, a); break;
	case INS_GET_RESPONSE: a->sw = SW_CONDITIONS; break; /* nothing pending here */
	default: a->sw = SW_INS; break;
	}
}

static void sam_applet(ccidsim *s, slot *sl, const capdu *c, answer *a)
{
	if (c->cla != 0x00 && c->cla != KTPPROF_CLA_SAM) {
		a->sw = SW_CLA;
		return;
	}
	if (c->cla == 0x00 && c->ins == INS_SELECT) {
		if (c->p1 != 0x04 || (c->p2 != 0x0C && c->p2 != 0x00)) {
			a->sw = SW_P1P2;
		} else if (c->nc == 0 || c->nc > SELECT_AID_MAX) {
			a->sw = SW_WRONG_LENGTH;
		} else if (c->nc != sizeof sam_aid || memcmp(c->data, sam_aid, sizeof sam_aid)) {
			a->sw = SW_NOT_FOUND;
		} else {
			sl->app = true;
			a->sw = SW_OK;
		}
		return;
	}
	if (c->cla == KTPPROF_CLA_SAM && c->ins == KTPPROF_INS_SAM_AUTH) {
		size_t uid_len = c->nc - KTPPROF_CHALLENGE_LEN;
		if (c->p1 || c->p2) {
			a->sw = SW_P1P2;
		} else if (!sl->app) {
			a->sw = SW_CONDITIONS;
		} else if (c->nc < KTPPROF_CHALLENGE_LEN ||
			   (uid_len != 4 && uid_len != 7 && uid_len != 10) || c->ne == 0) {
			a->sw = SW_WRONG_LENGTH;
		} else if (c->ne < KTPPROF_CRYPTOGRAM_LEN) {
			a->sw = SW_WRONG_LE | KTPPROF_CRYPTOGRAM_LEN;
		} else {
			uint8_t cg[KTPPROF_CRYPTOGRAM_LEN];
			toy_cryptogram(c->data, uid_len, c->data + uid_len, cg);
			if (fault_take(s, CCIDSIM_FAULT_AUTH))
				cg[0] ^= 0xFF;
			answer_data(a, cg, sizeof cg);
			explicit_bzero(cg, sizeof cg);
			a->sw = SW_OK;
		}
		return;
	}
	a->sw = c->ins == INS_GET_RESPONSE ? SW_CONDITIONS : SW_INS;
}

/*
 * One command APDU for slot SN, however it arrived: the reader answers
 * PC/SC pseudo-APDUs on the card slot, the rest goes to the card or the
 * SAM. EXT_OK: the reader exchanges extended APDUs (else one is 6700: this
 * card speaks extended lengths only behind an extended-APDU reader). The
 * answer's data goes into s->resp; returns its total length with the SW.
 */
static size_t run_apdu(ccidsim *s, unsigned sn, const capdu *c, bool ext_ok)
{
	slot *sl = &s->slot[sn];
	answer a = {.data = s->resp, .cap = APDU_RESP_MAX - 2};
	if (c->ext && !ext_ok) {
		a.sw = SW_WRONG_LENGTH;
	} else if (sn == SLOT_CARD && c->cla == CLA_PCSC) {
		pcsc_pseudo(s, c, &a);
	} else if (sn == SLOT_CARD) {
		s->card_apdus++;
		if (fault_take(s, CCIDSIM_FAULT_BAD_SW))
			a.sw = SW_UNKNOWN;
		else
			card_applet(s, sl, c, &a);
	} else {
		s->sam_apdus++;
		sam_applet(s, sl, c, &a);
	}
	s->resp[a.len] = (uint8_t)(a.sw >> 8);
	s->resp[a.len + 1] = (uint8_t)a.sw;
	return a.len + 2;
}

/* An answer that is only the status word SW, in s->resp. */
static size_t sw_only(ccidsim *s, uint16_t sw)
{
	s->resp[0] = (uint8_t)(sw >> 8);
	s->resp[1] = (uint8_t)sw;
	return 2;
}

/* The reader's short- and extended-APDU levels: one whole command APDU. */
size_t ccidsim_card_xfr_apdu(ccidsim *s, unsigned sn, const uint8_t *d, size_t n,
			     bool ext_ok)
{
	capdu c;
	return decode_apdu(d, n, &c) ? run_apdu(s, sn, &c, ext_ok)
				     : sw_only(s, SW_WRONG_LENGTH);
}

/* ---- the card's end of T=0 ----------------------------------------------- */

/* Case-2 instructions: their P3 is Le. The card knows which they are. */
static bool t0_outgoing(uint8_t ins)
{
	return ins == INS_GET_CHALLENGE || ins == INS_READ_BINARY || ins == INS_GET_RESPONSE ||
	       ins == INS_GET_DATA;
}

static void t0_drop_pending(slot *sl)
{
	explicit_bzero(sl->pending, sizeof sl->pending);
	sl->pending_len = sl->pending_pos = 0;
	sl->pending_sw = 0;
}

/* GET RESPONSE with data pending from a case-4 command. */
static size_t t0_get_response(ccidsim *s, slot *sl, size_t le)
{
	size_t avail = sl->pending_len - sl->pending_pos;
	if (le > avail)
		return sw_only(s, (uint16_t)(SW_WRONG_LE | (avail & 0xFF)));
	memcpy(s->resp, sl->pending + sl->pending_pos, le);
	sl->pending_pos += le;
	size_t rem = avail - le;
	uint16_t sw = rem ? (uint16_t)(SW_MORE | (rem & 0xFF)) : sl->pending_sw;
	s->resp[le] = (uint8_t)(sw >> 8);
	s->resp[le + 1] = (uint8_t)sw;
	if (!rem)
		t0_drop_pending(sl);
	return le + 2;
}

/*
 * A T=0 TPDU (ISO 7816-3 12.2) for slot SN: CLA INS P1 P2 P3 [data]. The
 * reader has done the procedure bytes; the card's answer is data || SW.
 * Case 2 (an outgoing INS, 5 bytes): P3 is Le, and a P3 other than the
 * length available gets 6Cxx. Case 3 (P3 = the data's length): an answer
 * with data waits for GET RESPONSE behind 61xx (case 4 over T=0). A TPDU
 * that is neither (too short, P3 disagreeing with the data) is 6700.
 */
size_t ccidsim_card_xfr_t0(ccidsim *s, unsigned sn, const uint8_t *d, size_t n)
{
	slot *sl = &s->slot[sn];
	if (n < 5)
		return sw_only(s, SW_WRONG_LENGTH);
	capdu c = {.cla = d[0], .ins = d[1], .p1 = d[2], .p2 = d[3]};
	size_t p3 = d[4], body = n - 5;
	if (sn == SLOT_CARD && c.cla == CLA_PCSC) {
		/* The reader answers these itself, with PC/SC's Le rules. */
		if (body) {
			if (p3 != body)
				return sw_only(s, SW_WRONG_LENGTH);
			c.data = d + 5;
			c.nc = body;
		} else {
			c.ne = p3 ? p3 : 256;
		}
		return run_apdu(s, sn, &c, false);
	}
	if (c.ins == INS_GET_RESPONSE && (c.cla == 0x00 || c.cla == KTPPROF_CLA_SAM) &&
	    sl->pending_len) {
		if (sn == SLOT_CARD)
			s->card_apdus++;
		else
			s->sam_apdus++;
		if (body)
			return sw_only(s, SW_WRONG_LENGTH);
		return t0_get_response(s, sl, p3 ? p3 : 256);
	}
	t0_drop_pending(sl);
	if (body == 0 && t0_outgoing(c.ins)) {
		c.ne = p3 ? p3 : 256;
		size_t got = run_apdu(s, sn, &c, false);
		size_t dlen = got - 2;
		if (dlen > 0 && dlen != c.ne) {
			explicit_bzero(s->resp, got);
			s->tlv_served = false; /* not sent after all */
			return sw_only(s, (uint16_t)(SW_WRONG_LE | (dlen & 0xFF)));
		}
		return got;
	}
	if (body == 0 && p3 != 0)
		return sw_only(s, SW_WRONG_LENGTH); /* the data P3 announces never came */
	if (body != 0 && p3 != body)
		return sw_only(s, SW_WRONG_LENGTH);
	c.data = body ? d + 5 : NULL;
	c.nc = body;
	/* The card cannot know Le of a case-4 command: it answers what it has. */
	c.ne = body ? 256 : 0;
	size_t got = run_apdu(s, sn, &c, false);
	size_t dlen = got - 2;
	if (dlen == 0)
		return got;
	memcpy(sl->pending, s->resp, dlen);
	sl->pending_len = dlen;
	sl->pending_pos = 0;
	sl->pending_sw = (uint16_t)(s->resp[dlen] << 8 | s->resp[dlen + 1]);
	explicit_bzero(s->resp, got);
	return sw_only(s, (uint16_t)(SW_MORE | (dlen & 0xFF)));
}

/* ---- the card's end of T=1 ----------------------------------------------- */

void ccidsim_card_t1_reset(t1_card *t, uint8_t ifsd)
{
	explicit_bzero(t, sizeof *t);
	t->ifsd = ifsd;
}

/* Send T->last again (or for the first time) into s->resp, with the EDC
 * spoiled when CCIDSIM_FAULT_T1_EDC is armed. Its length. */
static size_t t1_emit(ccidsim *s, t1_card *t)
{
	memcpy(s->resp, t->last, t->last_len);
	if (t->last_len && fault_take(s, CCIDSIM_FAULT_T1_EDC))
		s->resp[t->last_len - 1] ^= 0xFF;
	return t->last_len;
}

static size_t t1_send(ccidsim *s, t1_card *t, uint8_t pcb, const uint8_t *inf, size_t len)
{
	t->last_len = t1_block_build(t->last, sizeof t->last, t->nad, pcb, inf, len, s->o.t1_crc);
	if (t->last_len == 0)
		abort(); /* len <= IFSD <= 254 always */
	return t1_emit(s, t);
}

static size_t t1_send_r(ccidsim *s, t1_card *t, uint8_t err)
{
	return t1_send(s, t, (uint8_t)(T1_R_BLOCK | (t->nr ? T1_R_NR : 0) | err), NULL, 0);
}

/* The next I-block of our answer, at most IFSD bytes. */
static size_t t1_send_next(ccidsim *s, t1_card *t)
{
	size_t n = min_size(t->tx_len - t->tx_pos, t->ifsd);
	bool more = t->tx_pos + n < t->tx_len;
	uint8_t pcb = (uint8_t)((t->ns ? T1_I_NS : 0) | (more ? T1_I_MORE : 0));
	t->ns ^= 1;
	size_t len = t1_send(s, t, pcb, t->tx + t->tx_pos, n);
	t->tx_pos += n;
	if (!more) {
		explicit_bzero(t->tx, sizeof t->tx);
		t->tx_len = t->tx_pos = 0;
	}
	return len;
}

/* The whole command arrived: run it, start sending the answer. */
static size_t t1_run(ccidsim *s, unsigned sn, t1_card *t)
{
	capdu c;
	size_t got;
	if (t->rx_over || !decode_apdu(t->rx, t->rx_len, &c))
		got = sw_only(s, SW_WRONG_LENGTH);
	else
		got = run_apdu(s, sn, &c, false);
	explicit_bzero(t->rx, sizeof t->rx);
	t->rx_len = 0;
	t->rx_over = false;
	if (got > sizeof t->tx)
		abort(); /* a short command's answer: Ne <= 256 */
	memcpy(t->tx, s->resp, got);
	explicit_bzero(s->resp, got);
	t->tx_len = got;
	t->tx_pos = 0;
	return t1_send_next(s, t);
}

/*
 * A T=1 block (ISO 7816-3 11) for slot SN; our answer block goes into
 * s->resp, its length returned. Error handling as 11.6.3.2: a block with a
 * bad EDC or format gets R(N(R)) naming the error; an R-block that does not
 * ask for our next chained I-block asks for our last block again; an
 * I-block bigger than our IFSC is an error; an I-block repeating the one
 * we answered means our answer was lost, so it is sent again.
 */
size_t ccidsim_card_xfr_t1(ccidsim *s, unsigned sn, const uint8_t *d, size_t n)
{
	t1_card *t = &s->slot[sn].t1;
	t1_block b;
	t1_block_err e = t1_block_parse(d, n, s->o.t1_crc, &b);
	if (e != T1_BLOCK_OK)
		return t1_send_r(s, t, e == T1_BLOCK_EDC ? T1_R_ERR_EDC : T1_R_ERR_OTHER);
	t->nad = (uint8_t)(b.nad << 4 | b.nad >> 4);
	switch (b.kind) {
	case T1_I: {
		uint8_t ns = (b.pcb & T1_I_NS) ? 1 : 0;
		if (ns != t->nr)
			return t->last_len ? t1_emit(s, t) : t1_send_r(s, t, T1_R_ERR_OTHER);
		if (b.len > s->ifsc)
			return t1_send_r(s, t, T1_R_ERR_OTHER);
		t->nr ^= 1;
		if (t->tx_len) { /* the host dropped our chained answer */
			explicit_bzero(t->tx, sizeof t->tx);
			t->tx_len = t->tx_pos = 0;
		}
		if (t->rx_len + b.len > sizeof t->rx)
			t->rx_over = true;
		else if (b.len > 0)
			memcpy(t->rx + t->rx_len, b.inf, b.len);
		if (!t->rx_over)
			t->rx_len += b.len;
		if (b.pcb & T1_I_MORE)
			return t1_send_r(s, t, 0);
		return t1_run(s, sn, t);
	}
	case T1_R: {
		uint8_t nr = (b.pcb & T1_R_NR) ? 1 : 0;
		if (t->tx_len && t->tx_pos < t->tx_len && nr == t->ns)
			return t1_send_next(s, t);
		return t->last_len ? t1_emit(s, t) : t1_send_r(s, t, T1_R_ERR_OTHER);
	}
	case T1_S:
	default:
		break;
	}
	switch (b.pcb) {
	case T1_S_BLOCK | T1_S_IFS:
		if (b.len != 1 || b.inf[0] == 0 || b.inf[0] == 0xFF)
			return t1_send_r(s, t, T1_R_ERR_OTHER);
		t->ifsd = b.inf[0];
		return t1_send(s, t, T1_S_BLOCK | T1_S_RESPONSE | T1_S_IFS, b.inf, 1);
	case T1_S_BLOCK | T1_S_RESYNCH: {
		/* Everything back to how the ATR left it (ISO 7816-3 11.6.3.2). */
		uint8_t nad = t->nad;
		ccidsim_card_t1_reset(t, s->o.auto_params ? SIM_MAX_IFSD : IFS_DEFAULT);
		t->nad = nad;
		return t1_send(s, t, T1_S_BLOCK | T1_S_RESPONSE | T1_S_RESYNCH, NULL, 0);
	}
	case T1_S_BLOCK | T1_S_ABORT:
		explicit_bzero(t->rx, sizeof t->rx);
		explicit_bzero(t->tx, sizeof t->tx);
		t->rx_len = t->tx_len = t->tx_pos = 0;
		t->rx_over = false;
		return t1_send(s, t, T1_S_BLOCK | T1_S_RESPONSE | T1_S_ABORT, NULL, 0);
	default: /* a response to a request we never made, or WTX from the host */
		return t1_send_r(s, t, T1_R_ERR_OTHER);
	}
}

/*
 * apdu: the ISO/IEC 7816-4 command codec and the exchange procedures shared
 * by every protocol (see apdu.h). apdu_exchange encodes the command once,
 * then loops: one raw exchange, look at SW1, and either finish, send GET
 * RESPONSE (61xx) or resend with the length the card asked for (6Cxx). Each
 * answer lands in a scratch buffer large enough for any legal response, so
 * the status word never has to fit the caller's buffer; the scratch and the
 * encoded command are wiped before they are freed (they hold card data, and
 * commands carry UIDs and cryptograms).
 */
#include <stdlib.h>
#include <string.h>

#include "apdu.h"
#include "xport.h"

const char *apdu_err_name(apdu_err e)
{
	switch (e) {
	case APDU_OK: return "ok";
	case APDU_ERR_TIMEOUT: return "timeout";
	case APDU_ERR_GONE: return "reader unplugged";
	case APDU_ERR_NO_CARD: return "no card";
	case APDU_ERR_MUTE: return "card does not answer";
	case APDU_ERR_IO: return "transfer failed";
	case APDU_ERR_PROTO: return "protocol error";
	case APDU_ERR_TOOBIG: return "answer too big";
	case APDU_ERR_ARG: return "command cannot be encoded";
	case APDU_ERR_UNSUPPORTED: return "reader or card not supported";
	case APDU_ERR_NOMEM: return "out of memory";
	default: return "unknown APDU error";
	}
}

enum {
	LC_MAX = 65535,
	NE_MAX = 65536,
	SHORT_LC_MAX = 255,
	SHORT_NE_MAX = 256,
	INS_GET_RESPONSE = 0xC0,
	SW1_MORE = 0x61,      /* 61xx: xx more bytes wait for GET RESPONSE */
	SW1_WRONG_LE = 0x6C,  /* 6Cxx: resend with Le = xx */
};

apdu_case apdu_case_of(const apdu_cmd *c)
{
	if (!c)
		abort();
	bool short_ok = c->nc <= SHORT_LC_MAX && c->ne <= SHORT_NE_MAX;
	if (c->nc == 0 && c->ne == 0)
		return APDU_CASE_1;
	if (c->nc == 0)
		return short_ok ? APDU_CASE_2S : APDU_CASE_2E;
	if (c->ne == 0)
		return short_ok ? APDU_CASE_3S : APDU_CASE_3E;
	return short_ok ? APDU_CASE_4S : APDU_CASE_4E;
}

size_t apdu_encode(const apdu_cmd *c, bool allow_ext, uint8_t *buf, size_t cap)
{
	if (!c || (!buf && cap > 0) || (c->nc > 0 && !c->data))
		abort();
	if (c->nc > LC_MAX || c->ne > NE_MAX)
		return 0;
	apdu_case k = apdu_case_of(c);
	bool ext = k >= APDU_CASE_2E;
	if (ext && !allow_ext)
		return 0;
	/* Header, Lc field and data, Le field. */
	size_t lc_len = c->nc == 0 ? 0 : ext ? 3 : 1;
	size_t le_len = c->ne == 0 ? 0 : !ext ? 1 : c->nc == 0 ? 3 : 2;
	size_t total = 4 + lc_len + c->nc + le_len;
	if (cap < total)
		return 0;

	size_t p = 0;
	buf[p++] = c->cla;
	buf[p++] = c->ins;
	buf[p++] = c->p1;
	buf[p++] = c->p2;
	if (c->nc > 0) {
		if (ext) {
			buf[p++] = 0x00;
			buf[p++] = (uint8_t)(c->nc >> 8);
		}
		buf[p++] = (uint8_t)c->nc;
		memcpy(buf + p, c->data, c->nc);
		p += c->nc;
	}
	if (c->ne > 0) {
		/* 256 and 65536 encode as all-zero Le (the casts wrap to 0). */
		if (ext) {
			if (c->nc == 0)
				buf[p++] = 0x00;
			buf[p++] = (uint8_t)(c->ne >> 8);
		}
		buf[p++] = (uint8_t)c->ne;
	}
	return p;
}

apdu_err apdu_decode(const uint8_t *buf, size_t n, apdu_cmd *out)
{
	if (!out || (!buf && n > 0))
		abort();
	memset(out, 0, sizeof *out);
	if (n < 4)
		return APDU_ERR_ARG;
	apdu_cmd c = {.cla = buf[0], .ins = buf[1], .p1 = buf[2], .p2 = buf[3]};
	const uint8_t *b = buf + 4;
	size_t l = n - 4;

	if (l == 0) {
		/* case 1 */
	} else if (l == 1) {
		c.ne = b[0] ? b[0] : SHORT_NE_MAX; /* case 2S */
	} else if (b[0] != 0) {
		size_t lc = b[0];
		if (l == 1 + lc) { /* case 3S */
			c.nc = lc;
			c.data = b + 1;
		} else if (l == 2 + lc) { /* case 4S */
			c.nc = lc;
			c.data = b + 1;
			c.ne = b[l - 1] ? b[l - 1] : SHORT_NE_MAX;
		} else {
			return APDU_ERR_ARG;
		}
	} else if (l == 3) {
		size_t le = (size_t)b[1] << 8 | b[2]; /* case 2E */
		c.ne = le ? le : NE_MAX;
	} else if (l > 3) {
		size_t lc = (size_t)b[1] << 8 | b[2];
		if (lc == 0)
			return APDU_ERR_ARG; /* 00 0000 opens no case but 2E */
		if (l == 3 + lc) { /* case 3E */
			c.nc = lc;
			c.data = b + 3;
		} else if (l == 5 + lc) { /* case 4E */
			c.nc = lc;
			c.data = b + 3;
			size_t le = (size_t)b[l - 2] << 8 | b[l - 1];
			c.ne = le ? le : NE_MAX;
		} else {
			return APDU_ERR_ARG;
		}
	} else {
		return APDU_ERR_ARG; /* 00 xx: two bytes fit no case */
	}
	*out = c;
	return APDU_OK;
}

/* The Ne that an xx of 61xx or 6Cxx asks for. */
static size_t short_ne(uint8_t xx)
{
	return xx ? xx : SHORT_NE_MAX;
}

apdu_err apdu_exchange(const apdu_io *io, const apdu_cmd *c, uint8_t *data, size_t cap,
		       size_t *len, uint16_t *sw, int64_t deadline_ms)
{
	if (!io || !io->xfr || !c || (!data && cap > 0) || !len || !sw)
		abort();
	*len = 0;
	*sw = 0;

	/* The command buffer holds C, then whatever is resent (a GET
	 * RESPONSE or C with a new Le is never longer than C's longest form
	 * plus a short Le). */
	if (c->nc > LC_MAX || c->ne > NE_MAX)
		return APDU_ERR_ARG;
	size_t cmd_cap = 4 + 3 + c->nc + 3;
	uint8_t *cmd = malloc(cmd_cap);
	uint8_t *r = malloc(APDU_RESP_MAX);
	apdu_err err = APDU_ERR_NOMEM;
	if (!cmd || !r)
		goto out;

	size_t cmd_len = apdu_encode(c, io->ext_ok, cmd, cmd_cap);
	err = APDU_ERR_ARG;
	if (cmd_len == 0)
		goto out;

	size_t have = 0;           /* data collected so far */
	unsigned rounds = 0;       /* GET RESPONSE commands sent */
	bool resent = false;       /* a 6Cxx has been answered */
	bool last_was_c = true;    /* the command in CMD is C (not a GET RESPONSE) */
	for (;;) {
		if (xport_now_ms() >= deadline_ms) {
			err = APDU_ERR_TIMEOUT;
			goto out;
		}
		size_t got = 0;
		err = io->xfr(io->ctx, cmd, cmd_len, r, APDU_RESP_MAX, &got, deadline_ms);
		if (err != APDU_OK)
			goto out;
		if (got > APDU_RESP_MAX)
			abort(); /* the pipe wrote past its buffer */
		if (got < 2) {
			err = APDU_ERR_PROTO;
			goto out;
		}
		uint8_t sw1 = r[got - 2], sw2 = r[got - 1];
		size_t part = got - 2;

		if (sw1 == SW1_WRONG_LE && !resent) {
			/* The card names the Le it wants for the command just
			 * sent: C, or the GET RESPONSE that drew the 6Cxx. The
			 * answer's data (there should be none) is dropped. */
			resent = true;
			apdu_cmd again = *c;
			if (!last_was_c)
				again = (apdu_cmd){.cla = c->cla, .ins = INS_GET_RESPONSE};
			again.ne = short_ne(sw2);
			cmd_len = apdu_encode(&again, io->ext_ok, cmd, cmd_cap);
			err = APDU_ERR_ARG;
			if (cmd_len == 0)
				goto out;
			continue;
		}

		if (part > cap - have) {
			err = APDU_ERR_TOOBIG;
			goto out;
		}
		if (part > 0)
			memcpy(data + have, r, part);
		have += part;

		if (sw1 != SW1_MORE) {
			*len = have;
			*sw = (uint16_t)(sw1 << 8 | sw2);
			err = APDU_OK;
			goto out;
		}
		if (rounds == APDU_GET_RESPONSE_MAX) {
			err = APDU_ERR_PROTO; /* a card that never stops saying 61xx */
			goto out;
		}
		rounds++;
		apdu_cmd get = {.cla = c->cla, .ins = INS_GET_RESPONSE, .ne = short_ne(sw2)};
		cmd_len = apdu_encode(&get, io->ext_ok, cmd, cmd_cap);
		if (cmd_len == 0)
			abort(); /* a 5-byte command always fits */
		last_was_c = false;
	}

out:
	if (cmd) {
		explicit_bzero(cmd, cmd_cap);
		free(cmd);
	}
	if (r) {
		explicit_bzero(r, APDU_RESP_MAX);
		free(r);
	}
	return err;
}

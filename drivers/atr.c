/*
 * atr: the Answer To Reset parser (see atr.h). One pass over the bytes:
 * TS, T0, then the groups of interface bytes each TDi announces (group i
 * holds TAi TBi TCi TDi, its bytes qualified by the protocol that TD(i-1)
 * names), the K historical bytes, and TCK when a protocol other than T=0 is
 * indicated. Nothing is written to the caller's struct until the whole ATR
 * has been accepted, so a refused ATR leaves only zeros.
 */
#include <string.h>

#include "atr.h"

const char *atr_err_name(atr_err e)
{
	switch (e) {
	case ATR_OK: return "ok";
	case ATR_ERR_SHORT: return "ATR shorter than its interface bytes announce";
	case ATR_ERR_TS: return "ATR: bad TS";
	case ATR_ERR_LONG: return "ATR too long, or bytes after TCK";
	case ATR_ERR_TCK: return "ATR: TCK missing or wrong";
	case ATR_ERR_PROTO: return "ATR: bad protocol indication or T=1 parameter";
	default: return "unknown ATR error";
	}
}

enum {
	TS_DIRECT = 0x3B,
	TS_INVERSE = 0x3F,
	T_GLOBAL = 15, /* TDi naming T=15: the next group holds global bytes */
	Y_TA = 0x10,   /* Yi bits of T0 and TDi: which of TAi..TDi follow */
	Y_TB = 0x20,
	Y_TC = 0x40,
	Y_TD = 0x80,
};

atr_err atr_parse(const uint8_t *b, size_t n, atr_info *out)
{
	memset(out, 0, sizeof *out);
	if (n > ATR_MAX)
		return ATR_ERR_LONG;
	if (n < 1)
		return ATR_ERR_SHORT;
	if (b[0] != TS_DIRECT && b[0] != TS_INVERSE)
		return ATR_ERR_TS;
	if (n < 2)
		return ATR_ERR_SHORT;

	atr_info a = {
		.ts = b[0],
		.fi_di = 0x11,
		.wi = 10,
		.ifsc = 32,
		.bwi = 4,
		.cwi = 13,
	};
	bool t1_ta = false, t1_tb = false, t1_tc = false; /* the first of each for T=1 seen */
	unsigned indicated = 0; /* every T any TDi names, T=15 included */
	int last_t = -1;
	size_t hist_len = b[1] & 0x0F;
	uint8_t y = b[1];
	unsigned group_t = 0; /* the protocol qualifying group i (i >= 3) */
	size_t p = 2;

	for (unsigned i = 1; y & (Y_TA | Y_TB | Y_TC | Y_TD); i++) {
		/* The presence bits say how many bytes this group has: check
		 * them all before reading any. */
		size_t count = (size_t)!!(y & Y_TA) + !!(y & Y_TB) + !!(y & Y_TC) + !!(y & Y_TD);
		if (n - p < count)
			return ATR_ERR_SHORT;
		int ta = (y & Y_TA) ? b[p++] : -1;
		int tb = (y & Y_TB) ? b[p++] : -1;
		int tc = (y & Y_TC) ? b[p++] : -1;
		int td = (y & Y_TD) ? b[p++] : -1;

		if (i == 1) {
			if (ta >= 0)
				a.fi_di = (uint8_t)ta;
			if (tc >= 0)
				a.extra_guard = (uint8_t)tc;
			/* TB1 (programming voltage) is deprecated: ignored. */
		} else if (i == 2) {
			if (ta >= 0) {
				a.specific_mode = true;
				a.specific_protocol = (uint8_t)(ta & 0x0F);
			}
			if (tc >= 0)
				a.wi = (uint8_t)tc; /* TC2 is specific to T=0 */
		} else if (group_t == 1) {
			/* Only the first TA, TB, TC for T=1 count (ISO 7816-3 11.4). */
			if (ta >= 0 && !t1_ta) {
				t1_ta = true;
				if (ta == 0x00 || ta == 0xFF)
					return ATR_ERR_PROTO; /* IFSC 0 and 255 are reserved */
				a.ifsc = (uint8_t)ta;
			}
			if (tb >= 0 && !t1_tb) {
				t1_tb = true;
				a.bwi = (uint8_t)(tb >> 4);
				a.cwi = (uint8_t)(tb & 0x0F);
			}
			if (tc >= 0 && !t1_tc) {
				t1_tc = true;
				a.crc = tc & 0x01;
			}
		}
		/* Bytes of groups for T=15 (clock stop, class, SPU) and for other
		 * protocols are not needed by this driver. */

		if (td < 0)
			break;
		unsigned t = (unsigned)td & 0x0F;
		/* ISO 7816-3 8.2.3: the types come in ascending order, T=15 is
		 * invalid in TD1. */
		if ((int)t < last_t || (i == 1 && t == T_GLOBAL))
			return ATR_ERR_PROTO;
		last_t = (int)t;
		if (i == 1)
			a.first_protocol = (uint8_t)t;
		indicated |= 1u << t;
		group_t = t;
		y = (uint8_t)td;
	}

	if (n - p < hist_len)
		return ATR_ERR_SHORT;
	memcpy(a.hist, b + p, hist_len);
	a.hist_len = hist_len;
	p += hist_len;

	/* Without any TD, T=0 is the only protocol (and TCK is absent). */
	if (indicated == 0)
		indicated = 1u << 0;
	a.protocols = (uint16_t)(indicated & ~(1u << T_GLOBAL));
	bool tck_required = indicated != (1u << 0);
	if (tck_required) {
		if (n == p)
			return ATR_ERR_TCK;
		if (n - p > 1)
			return ATR_ERR_LONG;
		uint8_t x = 0;
		for (size_t k = 1; k < n; k++)
			x ^= b[k];
		if (x != 0)
			return ATR_ERR_TCK;
		a.tck_present = true;
	} else if (n != p) {
		return ATR_ERR_LONG;
	}
	*out = a;
	return ATR_OK;
}

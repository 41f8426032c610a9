/*
 * t0: the T=0 mapping of command APDUs to TPDUs (see t0.h). The TPDU of
 * cases 2S and 3S is the APDU itself and that of case 4S is the APDU
 * without its Le, so only case 1 (which gains a P3 of 00) is copied; the
 * card's answer goes straight into the caller's buffer and is checked
 * against what T=0 allows the card to send for that case.
 */
#include <stdlib.h>
#include <string.h>

#include "t0.h"
#include "xport.h"

apdu_err t0_transmit(void *ctx, const uint8_t *in, size_t n, uint8_t *out, size_t cap,
		     size_t *got, int64_t deadline_ms)
{
	const apdu_io *raw = ctx;
	if (!raw || !raw->xfr || (!in && n > 0) || (!out && cap > 0) || !got)
		abort();
	*got = 0;

	apdu_cmd c;
	if (apdu_decode(in, n, &c) != APDU_OK)
		return APDU_ERR_ARG;
	/* The form is in the bytes, not in the sizes: a short-sized command
	 * may come in the extended form (a body opening with 00 and longer
	 * than one byte), which T=0 cannot carry either. */
	if (n > 5 && in[4] == 0x00)
		return APDU_ERR_ARG;
	apdu_case k = apdu_case_of(&c);

	uint8_t case1[5];
	const uint8_t *tpdu = in;
	size_t tpdu_len = n;
	size_t data_max = 0; /* what the card may send before SW1 SW2 */
	switch (k) {
	case APDU_CASE_1:
		memcpy(case1, in, 4);
		case1[4] = 0x00;
		tpdu = case1;
		tpdu_len = sizeof case1;
		break;
	case APDU_CASE_2S:
		data_max = c.ne; /* P3 = Le, 00 meaning 256 */
		break;
	case APDU_CASE_3S:
		break;
	case APDU_CASE_4S:
		tpdu_len = n - 1; /* the Le goes: the answer comes by GET RESPONSE */
		break;
	default:
		return APDU_ERR_ARG; /* extended: no ENVELOPE here */
	}

	if (xport_now_ms() >= deadline_ms)
		return APDU_ERR_TIMEOUT;
	size_t len = 0;
	apdu_err err = raw->xfr(raw->ctx, tpdu, tpdu_len, out, cap, &len, deadline_ms);
	if (err != APDU_OK)
		return err;
	if (len > cap)
		abort(); /* the pipe wrote past the buffer */
	if (len < 2 || len - 2 > data_max)
		return APDU_ERR_PROTO;
	*got = len;
	return APDU_OK;
}

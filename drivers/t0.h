/*
 * t0: ISO/IEC 7816-3 T=0 at the TPDU level of a CCID reader (the reader
 * handles procedure bytes, ACK and NULL; the host maps APDUs to TPDUs).
 *
 * The mapping of the four command cases (ISO 7816-3 12.2): case 1 is sent as
 * CLA INS P1 P2 00; case 2S as the header with P3 = Le (00 for 256); case 3S
 * as the header with P3 = Lc and the data; case 4S as case 3S, the card then
 * answering 61xx (or 9000), and the response is fetched by apdu_exchange's
 * GET RESPONSE. 61xx and 6Cxx are handed back to apdu_exchange, which owns
 * both procedures for every protocol. Extended APDUs cannot be sent over
 * T=0 here (no ENVELOPE): APDU_ERR_ARG.
 */
#ifndef KIOSK_T0_H
#define KIOSK_T0_H

#include "apdu.h"

/*
 * An apdu_xfr_fn: CTX is the const apdu_io * of the raw TPDU exchange (the
 * CCID XfrBlock of the slot). Maps the command APDU in IN/N to its TPDU,
 * exchanges it, and returns the card's answer (data and SW) in OUT. An
 * answer shorter than 2 bytes, or a case-2 answer longer than P3 + 2, is
 * APDU_ERR_PROTO; so is any data before the SW in cases 1, 3 and 4 (a T=0
 * card cannot send any there). IN that is no valid APDU, or an extended
 * one, is APDU_ERR_ARG; a DEADLINE_MS already past is APDU_ERR_TIMEOUT;
 * the raw exchange's errors are returned as they came. *GOT is 0 on error.
 */
apdu_err t0_transmit(void *ctx, const uint8_t *in, size_t n, uint8_t *out, size_t cap,
		     size_t *got, int64_t deadline_ms);

#endif

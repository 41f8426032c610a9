/*
 * atr: the Answer To Reset (ISO/IEC 7816-3 section 8) of a card, parsed
 * into the facts the protocol layers need: the protocols offered, the
 * transmission parameters (Fi/Di, guard time, waiting integers), T=1's IFSC
 * and error detection code, the historical bytes, and the check byte.
 *
 * Contactless readers synthesise an ATR for an ISO 14443 card following
 * PC/SC part 3 (3B 8n 80 01 <historical bytes> TCK), which offers T=1 (TD1
 * 80 names T=0 and TD2 01 T=1, so such an ATR reports both protocols with
 * first_protocol 0: the caller prefers T=1); a SAM in a contact slot answers
 * with its own ATR, often T=0 only. Pure: no I/O, no allocation; the fuzzer
 * feeds it arbitrary bytes.
 */
#ifndef KIOSK_ATR_H
#define KIOSK_ATR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { ATR_MAX = 33, ATR_HIST_MAX = 15 };

typedef enum {
	ATR_OK = 0,
	ATR_ERR_SHORT = -1,  /* fewer bytes than TS, T0 and the interface bytes announce
				(interface and historical bytes) */
	ATR_ERR_TS = -2,     /* TS is neither 3B (direct) nor 3F (inverse) */
	ATR_ERR_LONG = -3,   /* more than 33 bytes, or bytes after TCK */
	ATR_ERR_TCK = -4,    /* TCK required but absent, or the XOR of T0..TCK is not 0 */
	ATR_ERR_PROTO = -5,  /* TDi protocols not in ascending order, T=15 in TD1, IFSC 00/FF */
} atr_err;

const char *atr_err_name(atr_err e);

typedef struct atr_info {
	uint8_t ts;                  /* 0x3B or 0x3F */
	uint16_t protocols;          /* bit T set when T=T is offered (T=0 when no TD1);
					never bit 15: T=15 only announces global bytes */
	uint8_t first_protocol;      /* the protocol of TD1 (0 without TD1) */
	bool specific_mode;          /* TA2 present: the card runs only specific_protocol */
	uint8_t specific_protocol;   /* TA2 bits 0-3 */
	uint8_t fi_di;               /* TA1, 0x11 by default */
	uint8_t extra_guard;         /* TC1 (N), 0 by default */
	uint8_t wi;                  /* TC2 for T=0, 10 by default */
	uint8_t ifsc;                /* first TA for T=1 (i >= 3), 32 by default; 0x00/0xFF refused as ATR_ERR_PROTO */
	uint8_t bwi, cwi;            /* first TB for T=1: bits 4-7, 0-3; 4 and 13 by default */
	bool crc;                    /* first TC for T=1 bit 0: CRC instead of LRC */
	bool tck_present;
	uint8_t hist[ATR_HIST_MAX];
	size_t hist_len;
} atr_info;

/*
 * Parse the N bytes of B as a whole ATR into *OUT. TCK is required when any
 * TDi names a type other than T=0 (T=15 included, ISO 7816-3 8.2.5) and must
 * then make the XOR of T0..TCK zero (absent: ATR_ERR_TCK); it must be absent
 * when only T=0 is (a byte after the historical bytes is then ATR_ERR_LONG).
 * Returns ATR_OK or the first
 * problem; *OUT is all zeros on error. Inverse convention (3F) is reported
 * as such; the bytes are taken as the reader decoded them. Pure.
 */
atr_err atr_parse(const uint8_t *b, size_t n, atr_info *out);

#endif

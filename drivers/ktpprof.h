/*
 * ktpprof: the constants of the KTP-el reading profile (docs/card-profile.md),
 * shared by the reader's card layer (ktpcard.c) and the simulated card and
 * SAM (ccidsim_card.c), so both speak the documented bytes. Change them only
 * with the document.
 */
#ifndef KIOSK_KTPPROF_H
#define KIOSK_KTPPROF_H

#include <stdint.h>

/* Application identifiers: proprietary, unregistered (ISO 7816-5 category
 * F): "KTPEL1" on the card, "KTPSAM" on the SAM. */
#define KTPPROF_CARD_AID {0xF0, 0x4B, 0x54, 0x50, 0x45, 0x4C, 0x31}
#define KTPPROF_SAM_AID {0xF0, 0x4B, 0x54, 0x50, 0x53, 0x41, 0x4D}
enum {
	KTPPROF_AID_LEN = 7,
	KTPPROF_CHALLENGE_LEN = 8,     /* GET CHALLENGE answer */
	KTPPROF_CRYPTOGRAM_LEN = 16,   /* the SAM's answer, EXTERNAL AUTHENTICATE's data */
	KTPPROF_EF_RECORD = 0x4B01,    /* the demographic record's file identifier */
	KTPPROF_CHUNK = 0xF0,          /* READ BINARY size on short-APDU links */
	KTPPROF_HEAD = 4,              /* first READ BINARY: the record's tag and length */
	KTPPROF_INS_SAM_AUTH = 0x8A,   /* CLA 80: the SAM's AUTHENTICATE CARD */
	KTPPROF_CLA_SAM = 0x80,
};

#endif

/*
 * ktpcard: reading a KTP-el through the card stack, following the profile
 * in docs/card-profile.md: the card's UID through the PC/SC GET DATA
 * pseudo-APDU (FF CA 00 00 00, answered by any contactless reader), and the
 * demographic record through the SAM slot: select the application on the
 * card and on the SAM, relay the card's challenge to the SAM and the SAM's
 * cryptogram to the card, then read the record and parse it (ktp.h,
 * ktp_parse_record).
 *
 * Every buffer that held card data is wiped before it is freed or left.
 */
#ifndef KIOSK_KTPCARD_H
#define KIOSK_KTPCARD_H

#include <stdint.h>

#include "card.h"
#include "ktp.h"

typedef enum {
	KTPCARD_OK = 0,
	KTPCARD_IO = -1,          /* the transport failed: see *IO (timeout, card removed, unplug...) */
	KTPCARD_NOT_KTP = -2,     /* the card has no KTP-el application (SELECT answered 6A82) */
	KTPCARD_NO_SAM = -3,      /* no SAM slot, no SAM, or the SAM lacks the application */
	KTPCARD_AUTH = -4,        /* the card refused the SAM's cryptogram (6300, 6982) */
	KTPCARD_RECORD = -5,      /* the record is malformed (ktp_parse_record refused it) */
	KTPCARD_SW = -6,          /* an unexpected status word: see *SW */
	KTPCARD_UID = -7,         /* the UID answer is not 4, 7 or 10 bytes */
} ktpcard_result;

const char *ktpcard_result_name(ktpcard_result r);

/* What went wrong beyond the result (filled on failure; zeros on success). */
typedef struct ktpcard_detail {
	apdu_err io;              /* KTPCARD_IO (APDU_ERR_PROTO too for an answer
				     of the wrong length with 9000) */
	uint16_t sw;              /* the status word that decided KTPCARD_SW,
				     _NOT_KTP, _AUTH, and _NO_SAM when the SAM
				     answered 6A82 (SELECT) or 6982 (locked) */
	ktp_err record;           /* KTPCARD_RECORD */
	const char *step;         /* the profile step that failed (a static string):
				     "uid", "select", "select sam", "challenge",
				     "sam authenticate", "external authenticate",
				     "select record", "read head", "read record",
				     "record" (the parse); NULL when nothing was
				     sent (no SAM given) */
} ktpcard_detail;

/* Progress: PCT 0..100 as the read advances (called on the reader thread). */
typedef void (*ktpcard_progress_fn)(void *user, int pct);

/*
 * The UID of the card in K, as upper-case hex into UID_HEX (KTP_UID_CAP
 * bytes). KTPCARD_OK, KTPCARD_IO, KTPCARD_SW (not 9000: a reader without
 * the pseudo-APDU), KTPCARD_UID. *D may be NULL.
 */
ktpcard_result ktpcard_read_uid(card *k, char uid_hex[KTP_UID_CAP], ktpcard_detail *d,
				int64_t deadline_ms);

/*
 * The demographic record of the card in K through the SAM in SAM (NULL: no
 * SAM, KTPCARD_NO_SAM at once, nothing sent). Runs steps 2 to 9 of the
 * profile, reading the UID (step 1, which the SAM's cryptogram covers)
 * after the two SELECTs and before GET CHALLENGE. Results by the profile's
 * table: 6A82 at the card's SELECT is KTPCARD_NOT_KTP; 6A82 at the SAM's
 * SELECT or 6982 (SAM locked) at its AUTHENTICATE CARD is KTPCARD_NO_SAM;
 * 6300 or 6982 at EXTERNAL AUTHENTICATE is KTPCARD_AUTH; a record head or
 * record ktp_record_size / ktp_parse_record refuses (or a file that ends
 * before the head's length) is KTPCARD_RECORD; a UID of the wrong length
 * KTPCARD_UID; any other status word KTPCARD_SW; a transport error
 * KTPCARD_IO. *OUT gets the identity (wiped on any failure). PROGRESS (may
 * be NULL) is told how far the read is: 10 after the SELECTs, 30 after the
 * authentication, then in proportion to the record's bytes, 100 once it is
 * parsed. Blocking, bounded by DEADLINE_MS. *D (may be NULL) says more.
 */
ktpcard_result ktpcard_read_identity(card *k, card *sam, ktp_identity *out, ktpcard_detail *d,
				     ktpcard_progress_fn progress, void *user,
				     int64_t deadline_ms);

#endif

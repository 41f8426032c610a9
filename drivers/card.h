/*
 * card: one powered card in one slot of a CCID reader, with the protocol
 * chosen for it, exchanging APDUs. It hides the reader's exchange level:
 * on an APDU-level reader (short or extended) APDUs go straight into
 * XfrBlock; on a TPDU-level reader the card's ATR picks T=1 (preferred when
 * the reader and the card both offer it) or T=0, the parameters are set
 * with SetParameters unless the reader negotiates them itself, and T=1
 * announces its IFSD unless the reader does. The card layer above
 * (ktpcard.h) sees only card_exchange.
 */
#ifndef KIOSK_CARD_H
#define KIOSK_CARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "apdu.h"
#include "atr.h"
#include "ccid.h"
#include "t1.h"

typedef enum { CARD_PROTO_APDU = -1, CARD_PROTO_T0 = 0, CARD_PROTO_T1 = 1 } card_proto;

typedef struct card {
	ccid *c;                  /* borrowed */
	uint8_t slot;
	uint8_t atr[ATR_MAX];
	size_t atr_len;
	atr_info atr_info;
	card_proto proto;
	t1 t1;                    /* proto CARD_PROTO_T1 */
	apdu_io raw;              /* XfrBlock on this slot */
	apdu_io io;               /* what apdu_exchange runs over */
	uint8_t *buf;             /* scratch for one answer (APDU_RESP_MAX) */
	bool powered;
	bool out_of_step;         /* T=1: an exchange broke off (see card_exchange) */
} card;

/* Map a ccid_err to the apdu_err the card stack reports: the transport's
 * errors keep their meaning (TIMEOUT, GONE, IO, PROTO, NO_CARD, MUTE,
 * TOOBIG, NOMEM); a failed command (bError) and endless time extensions are
 * APDU_ERR_IO; a descriptor refused is APDU_ERR_UNSUPPORTED. */
apdu_err card_map_ccid(ccid_err e);

/*
 * Power on the card in SLOT of C and prepare its channel into *K (zeroed
 * first). Returns APDU_OK; APDU_ERR_NO_CARD, _MUTE, _TIMEOUT, _GONE, _IO,
 * _NOMEM from the reader or the T=1 IFS negotiation (and APDU_ERR_NO_CARD
 * for a SLOT beyond the reader's bMaxSlotIndex: there is no card there);
 * APDU_ERR_IO also when the reader refuses SetParameters ("the reader
 * refused the card's parameters"); APDU_ERR_PROTO for an ATR atr_parse
 * refuses (*WHY names the problem) or a T=1 IFS negotiation that drew no
 * valid answer; APDU_ERR_UNSUPPORTED with *WHY naming why when no usable
 * protocol is left (character-level reader, a TPDU reader and a card with
 * no protocol in common, a specific-mode card in a protocol the reader
 * lacks, messages too small for any T=1 block). WHY may be NULL; on
 * failure *WHY is
 * always set to a static English string (for a transport error, the name
 * of the reader's error), on success to NULL. Blocking, bounded by
 * DEADLINE_MS. On failure the card is powered off again (best effort, when
 * the reader is still there and time is left) and *K holds nothing to
 * free (powered false, buf NULL; card_disconnect on it is harmless).
 *
 * The channel: at the short and extended APDU levels XfrBlock itself
 * (io.ext_ok only at the extended level); at the TPDU level T=1 over
 * XfrBlock (io.ext_ok false) or T=0 (t0.h). Parameters are set from the ATR
 * with SetParameters unless the reader has CCID_FEAT_AUTO_PARAM_NEG or
 * _AUTO_PPS (no PPS is sent by the host); T=1's IFSD is announced unless
 * the reader has CCID_FEAT_AUTO_IFSD. IFSD and the IFSC used for sending
 * are cut to what one CCID message carries. A command longer than one
 * message below the extended level is APDU_ERR_ARG at card_exchange.
 *
 * The channel's contexts point into *K: K must stay where it is (not be
 * copied or moved) until card_disconnect.
 */
apdu_err card_connect(card *k, ccid *c, uint8_t slot, int64_t deadline_ms, const char **why);

/* Power off (best effort, bounded by DEADLINE_MS: a deadline already past
 * skips the power-off, for a reader that is gone), wipe the scratch buffer
 * and free it, and zero *K. K may be a card whose connect failed, or NULL. */
void card_disconnect(card *k, int64_t deadline_ms);

/* apdu_exchange over the card's channel (see apdu.h for every return).
 * The answer is collected in K's scratch buffer and copied into DATA only
 * on success, so on any error DATA holds nothing new; the scratch is wiped
 * after every exchange. K must be connected (buf set): else abort.
 *
 * A T=1 exchange that broke off (any error but APDU_ERR_TOOBIG, which
 * reads the answer to its end, and APDU_ERR_ARG, which sends nothing)
 * leaves the block sequence numbers of the card and the host out of step:
 * the card would take the next command for a repeat of the last and answer
 * it with the old answer. So every later card_exchange on K fails at once
 * with APDU_ERR_PROTO: card_disconnect and card_connect again (a fresh
 * power-on resets the card's T=1 state). */
apdu_err card_exchange(card *k, const apdu_cmd *cmd, uint8_t *data, size_t cap, size_t *len,
		       uint16_t *sw, int64_t deadline_ms);

#endif

/*
 * ccidsim_internal: the state shared by the two halves of the simulated
 * USB CCID reader (ccidsim.h), for them only. ccidsim.c is the reader: the
 * CCID messages, slots, ATRs, parameters, chaining, the CCID-level faults,
 * the transport ops and the public API. ccidsim_card.c is what runs inside
 * the card (slot 0) and the SAM (slot 1): their applets, the PC/SC
 * pseudo-APDUs the reader answers for the card, and the card's end of T=0
 * and of T=1. The reader hands the card each command as it arrives at its
 * exchange level (a whole APDU, a T=0 TPDU or a T=1 block) and takes the
 * answer from s->resp; every function here runs with s->lock held, on the
 * thread of the xport op that received the command. Card data in these
 * structures is wiped as soon as it is not needed and never logged.
 */
#ifndef KIOSK_CCIDSIM_INTERNAL_H
#define KIOSK_CCIDSIM_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "apdu.h"
#include "ccidsim.h"
#include "ktp.h"
#include "ktpprof.h"
#include "t1.h"

enum {
	SIM_QUEUE = 4,             /* bulk replies kept unread (the oldest is dropped) */
	SIM_INTR_QUEUE = 8,        /* NotifySlotChange messages kept unread */
	SIM_SLOTS = 2,
	SLOT_CARD = 0,
	SLOT_SAM = 1,
	UID_MAX = 10,
	IFS_DEFAULT = 32,          /* ISO 7816-3: IFSC and IFSD before any S(IFS) */
	SIM_MAX_IFSD = 254,        /* dwMaxIFSD */
	RESP_SHORT = 256 + 2,      /* the longest short answer: data and SW */
	NOTIFY_LEN = 2,            /* bMessageType, bmSlotICCState (up to 4 slots) */
};

/* The card's end of one T=1 channel. */
typedef struct t1_card {
	uint8_t ns, nr;                  /* N(S) of our next I-block; N(S) expected from the host */
	uint8_t ifsd;                    /* the host's receive size */
	uint8_t nad;                     /* NAD of our blocks: the host's, addresses swapped */
	uint8_t rx[APDU_SHORT_MAX];      /* the host's chained command so far */
	size_t rx_len;
	bool rx_over;                    /* it outgrew rx: 6700 when it ends */
	uint8_t tx[RESP_SHORT];          /* our answer, sent in IFSD-sized I-blocks */
	size_t tx_len, tx_pos;
	uint8_t last[T1_BLOCK_MAX];      /* our last block, for retransmission */
	size_t last_len;
} t1_card;

/* One slot: what the reader knows of it and what its card (or SAM) holds
 * in volatile memory. Zeroed when the card is powered off. */
typedef struct slot {
	bool powered;
	uint8_t protocol;                /* 0: T=0, 1: T=1 */
	uint8_t params[7];               /* abProtocolData (5 bytes for T=0) */
	t1_card t1;
	uint8_t pending[RESP_SHORT];     /* T=0: what GET RESPONSE hands out */
	size_t pending_len, pending_pos;
	uint16_t pending_sw;
	bool app;                        /* the application is selected */
	bool ef;                         /* the record file is selected (card) */
	bool auth;                       /* EXTERNAL AUTHENTICATE passed (card) */
	bool has_rc;                     /* a challenge waits for EXTERNAL AUTHENTICATE */
	uint8_t rc[KTPPROF_CHALLENGE_LEN];
} slot;

/* A queued bulk reply: TIME_EXT time extensions, then BUF (never, when
 * ENDLESS). */
typedef struct reply {
	uint8_t *buf;                    /* SIM_QUEUE slices of qbuf, msg_lim bytes each */
	size_t len;
	unsigned ext_left;
	bool endless;
	uint8_t seq;                     /* the command's bSeq (buf may carry a wrong one) */
} reply;

struct ccidsim {
	pthread_mutex_t lock;
	pthread_cond_t cond;             /* any change: a reply, a notification, a plug */
	ccidsim_opts o;                  /* normalised */
	size_t msg_lim;                  /* the longest message, ours or the host's */
	uint8_t nslots;
	uint8_t ifsc;
	bool plugged, open;
	unsigned long gen, open_gen;     /* a replug makes a new reader: old handles are GONE */
	unsigned faults[CCIDSIM_FAULT_COUNT];
	uint64_t rng;                    /* xorshift64 state for challenges */

	bool present, has_app;
	uint8_t uid[UID_MAX];
	size_t uid_len;
	uint8_t record[KTP_RECORD_MAX];
	size_t record_len;
	bool tlv_served;                 /* this command served the corrupted record byte */

	slot slot[SIM_SLOTS];

	reply q[SIM_QUEUE];
	size_t qhead, qn;
	uint8_t *qbuf;
	uint8_t intr[SIM_INTR_QUEUE][NOTIFY_LEN];
	size_t ihead, in;

	uint8_t *cmd;                    /* extended level: a command arriving in parts */
	size_t cmd_len;
	bool cmd_active;
	uint8_t cmd_slot;
	uint8_t *resp;                   /* one answer (data, SW); also a chained answer */
	size_t chain_len, chain_pos;
	bool chain_active;
	uint8_t chain_slot;
	uint8_t *out;                    /* one reply message being built */

	unsigned long commands[256], card_apdus, sam_apdus;
};

/* ---- helpers both halves use ------------------------------------------- */

static inline size_t min_size(size_t a, size_t b) { return a < b ? a : b; }

/* Consume one occasion of fault F: true when it was armed. */
static inline bool fault_take(ccidsim *s, ccidsim_fault f)
{
	if (s->faults[f] == 0)
		return false;
	s->faults[f]--;
	return true;
}

/* ---- the card's side, called by the reader (ccidsim_card.c) ------------- */

/*
 * The N bytes of D as one whole command APDU for slot SN, at the short- or
 * extended-APDU level: bytes that decode as no APDU are 6700. EXT_OK: the
 * reader exchanges extended APDUs (else an extended one is 6700). The
 * answer (data, SW) goes into s->resp; returns its length (2 or more).
 * May set s->tlv_served (CCIDSIM_FAULT_BAD_TLV); consumes the card faults
 * BAD_SW and AUTH when their occasion comes.
 */
size_t ccidsim_card_xfr_apdu(ccidsim *s, unsigned sn, const uint8_t *d, size_t n,
			     bool ext_ok);

/*
 * The N bytes of D as a T=0 TPDU for slot SN, at the TPDU level: the
 * card's answer (data, SW, with 61xx / 6Cxx and GET RESPONSE as T=0 has
 * them) goes into s->resp; returns its length (2 or more). Keeps the
 * slot's pending GET RESPONSE data in s->slot[SN]. The APDU inside runs as
 * in ccidsim_card_xfr_apdu without extended lengths, with its faults.
 */
size_t ccidsim_card_xfr_t0(ccidsim *s, unsigned sn, const uint8_t *d, size_t n);

/*
 * The N bytes of D as a T=1 block for slot SN, at the TPDU level: the
 * card's answer block goes into s->resp; returns its length (never 0).
 * Keeps the channel's state in s->slot[SN].t1; consumes CCIDSIM_FAULT_T1_EDC
 * when it spoils a block. A whole chained APDU runs as in
 * ccidsim_card_xfr_apdu without extended lengths, with its faults.
 */
size_t ccidsim_card_xfr_t1(ccidsim *s, unsigned sn, const uint8_t *d, size_t n);

/* The card's end of T=1 as an ATR leaves it: everything wiped, the host's
 * IFSD IFSD. */
void ccidsim_card_t1_reset(t1_card *t, uint8_t ifsd);

#endif

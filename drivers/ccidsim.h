/*
 * ccidsim: a simulated USB CCID reader behind the transport seam (xport.h),
 * speaking the same bytes as a real one: PC_to_RDR_* messages in,
 * RDR_to_PC_* replies out, NotifySlotChange on its interrupt endpoint. Slot
 * 0 holds a contactless card made from a card image file (ktp_parse_image:
 * tests/cards/, made-up people only) running the KTP-el profile of
 * docs/card-profile.md; slot 1 holds the SAM. The reader's exchange level
 * (TPDU with T=0 or T=1, short or extended APDU), its message size, its
 * interrupt endpoint and the SAM are options, so every path of the driver
 * runs against it; faults are injected on command.
 *
 * Threads: the xport ops run on the reader thread; the control functions
 * (insert, remove, unplug, plug, fault, counters) may be called from any
 * other thread at any time. One mutex guards the state; a blocked read
 * (waiting for a card, or a "timeout" fault) waits on a condition variable
 * and wakes on any control call, so unplug or removal is seen at once.
 *
 * What the reader answers (the details, and every status word, are in
 * ccidsim.c):
 * - a message shorter than the 10-byte header is ignored; a bad field fails
 *   the command (bmCommandStatus 1) with bError = the field's offset:
 *   1 dwLength (disagreeing with the bytes, or over dwMaxCCIDMessageLength),
 *   5 bSlot (with bmICCStatus 2), 7 bPowerSelect / bProtocolNum (a protocol
 *   the card lacks), 8 wLevelParameter; an unknown type fails with bError 0
 *   (CMD_NOT_SUPPORTED) in a SlotStatus. One reply per bulk_read.
 * - GetSlotStatus never fails: bmICCStatus 0 active, 1 inactive, 2 absent.
 *   IccPowerOn / XfrBlock / Get- and SetParameters without a card fail with
 *   bmICCStatus 2 and ICC_MUTE; XfrBlock to an unpowered card with
 *   bmICCStatus 1 and ICC_MUTE.
 * - an answer too long for one message is chained (bChainParameter 1, 3...,
 *   2; the host asks for each next part with an empty XfrBlock,
 *   wLevelParameter 0x10) on an extended-APDU reader, and fails with
 *   XFR_OVERRUN on the others. Extended APDUs reach the card only through an
 *   extended-APDU reader; elsewhere the card answers 6700.
 * - the card slot answers the PC/SC pseudo-APDU FF CA 00 00 Le (the UID) at
 *   every level, 6A81 to other FF commands.
 */
#ifndef KIOSK_CCIDSIM_H
#define KIOSK_CCIDSIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ccid.h"
#include "xport.h"

typedef enum {
	CCIDSIM_OK = 0,
	CCIDSIM_ERR_NOMEM = -1,
	CCIDSIM_ERR_IO = -2,     /* the card image cannot be read */
	CCIDSIM_ERR_TOOBIG = -3, /* the image is larger than CCIDSIM_IMAGE_MAX */
	CCIDSIM_ERR_STATE = -4,  /* a card is present already */
	CCIDSIM_ERR_IMAGE = -5,  /* ktp_parse_image refused the image */
} ccidsim_err;

const char *ccidsim_err_name(ccidsim_err e);

enum { CCIDSIM_IMAGE_MAX = 64 * 1024 };

typedef struct ccidsim_opts {
	ccid_level level;          /* TPDU, short or extended APDU (CHAR: a refused reader) */
	uint8_t card_protocols;    /* TPDU only: bit 0 T=0, bit 1 T=1 in the card's ATR */
	uint8_t sam_protocols;     /* the SAM's ATR; bit 0 T=0, bit 1 T=1 */
	bool sam;                  /* a second slot with the SAM */
	uint32_t max_msg_len;      /* dwMaxCCIDMessageLength, 271 by default */
	bool interrupt_ep;         /* NotifySlotChange; without it the host polls */
	uint8_t ifsc;              /* the card's and SAM's IFSC for T=1 (ATR TA3) */
	bool t1_crc;               /* T=1 EDC: CRC instead of LRC (ATR TC3) */
	bool auto_params;          /* dwFeatures: automatic parameter negotiation, IFSD */
	uint8_t time_ext;          /* time-extension replies before every answer */
} ccidsim_opts;

/* A usual contactless reader with a SAM: TPDU level, card T=1, SAM T=0,
 * 271-byte messages, interrupt endpoint, IFSC 32, LRC, no auto params. */
ccidsim_opts ccidsim_defaults(void);

typedef enum {
	CCIDSIM_FAULT_NONE = 0,
	CCIDSIM_FAULT_TIMEOUT,       /* the next bulk reply never comes (read times out) */
	CCIDSIM_FAULT_SHORT_READ,    /* the next bulk reply is cut short by half */
	CCIDSIM_FAULT_WRONG_SEQ,     /* the next bulk reply carries bSeq + 1 (only it:
					the reply with the right bSeq never comes) */
	CCIDSIM_FAULT_TIME_EXT,      /* time extensions without end from the next command,
					until the host writes another command */
	CCIDSIM_FAULT_UNPLUG,        /* unplugged between the next command and its reply */
	CCIDSIM_FAULT_CARD_REMOVED,  /* the card leaves during the next card APDU: that
					XfrBlock fails (bmICCStatus 2, ICC_MUTE), a
					NotifySlotChange follows */
	CCIDSIM_FAULT_BAD_TLV,       /* the record read from the card is malformed (the
					first field's length byte, as it is served) */
	CCIDSIM_FAULT_BAD_SW,        /* the next card APDU answers 6F00 */
	CCIDSIM_FAULT_T1_EDC,        /* the next T=1 block from the card (or SAM) has a bad EDC */
	CCIDSIM_FAULT_MUTE,          /* the next IccPowerOn or XfrBlock to the card fails
					with ICC_MUTE */
	CCIDSIM_FAULT_AUTH,          /* the SAM's next cryptogram is wrong (card: 6300) */
	CCIDSIM_FAULT_COUNT
} ccidsim_fault;

/* "timeout", "short-read", "wrong-seq", "time-ext", "unplug",
 * "card-removed", "bad-tlv", "bad-sw", "t1-edc", "mute", "auth" (the
 * scenario runner's words), NULL for NONE or out of range. */
const char *ccidsim_fault_name(ccidsim_fault f);
/* The fault named NAME, or CCIDSIM_FAULT_NONE. */
ccidsim_fault ccidsim_fault_parse(const char *name);

typedef struct ccidsim ccidsim;

/* A plugged-in reader with no card, configured by OPTS (NULL: defaults).
 * Its interrupt endpoint holds one NotifySlotChange when it has a SAM.
 * Protocol masks of 0 mean the defaults; ifsc 0 means 32. */
ccidsim_err ccidsim_new(ccidsim **out, const ccidsim_opts *opts);
/* Wipes the card's data and frees; *S NULL. The reader thread using its
 * xport must be stopped first. */
void ccidsim_free(ccidsim **s);
/* The transport of S (ctx = S): valid until ccidsim_free. Its ops->free is
 * ccidsim_free: call one or the other. */
xport ccidsim_xport(ccidsim *s);

/*
 * Place the card whose image is at PATH on the reader: reads and parses the
 * file (wiping the text), builds the card's record (ktp_encode_record) and
 * raises a slot change. Returns CCIDSIM_ERR_STATE when a card is present,
 * _IO, _TOOBIG, _IMAGE (nothing changes), _NOMEM. A uid-only image is a
 * contactless card without the KTP-el application. A card may be placed on
 * an unplugged reader: it is there when the reader is plugged in.
 */
ccidsim_err ccidsim_insert(ccidsim *s, const char *path);
/* The same from LEN bytes of TEXT in memory (tests). */
ccidsim_err ccidsim_insert_image(ccidsim *s, const char *text, size_t len);
/* Take the card away (its data wiped); a slot change. No-op without one. */
void ccidsim_remove(ccidsim *s);
/* Unplug the reader: open fails with XPORT_ERR_NOT_FOUND (no reader, as
 * xport.h says) and every transfer, a blocked one at once, with
 * XPORT_ERR_GONE; wait_arrival blocks. The card stays. ccidsim_plug wakes
 * wait_arrival and plugs in a new reader: the handle opened before stays
 * GONE until opened again, every slot is powered off, no replies are left,
 * and the interrupt endpoint holds one NotifySlotChange for the slots that
 * hold a card (or the SAM). */
void ccidsim_unplug(ccidsim *s);
void ccidsim_plug(ccidsim *s);
/* Arm fault F for the next occasion it describes (COUNT times in a row;
 * 0 disarms it). Faults are independent of each other. */
void ccidsim_fault_arm(ccidsim *s, ccidsim_fault f, unsigned count);
bool ccidsim_card_present(ccidsim *s);

/* Counters for tests: bulk commands received, by message type (0..255). */
unsigned long ccidsim_commands(ccidsim *s, uint8_t type);
/* Card APDUs (after T=0/T=1 unwrapping) received by the card / the SAM. */
unsigned long ccidsim_card_apdus(ccidsim *s);
unsigned long ccidsim_sam_apdus(ccidsim *s);

#endif

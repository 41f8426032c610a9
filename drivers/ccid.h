/*
 * ccid: the USB CCID protocol (Device Class: Smart Card, CCID rev 1.1) over
 * the transport seam (xport.h): the class descriptor, the bulk messages
 * PC_to_RDR_* / RDR_to_PC_* with their 10-byte headers, sequence numbers,
 * bStatus/bError, time extensions, response chaining of extended-APDU-level
 * readers, and RDR_to_PC_NotifySlotChange on the interrupt endpoint.
 *
 * The codec half (ccid_desc_parse, ccid_cmd_build, ccid_reply_parse,
 * ccid_notify_parse) is pure: no I/O, no allocation; the fuzzers feed it
 * arbitrary bytes. The session half (ccid_open ... ccid_poll_change) runs
 * commands one at a time on the reader thread; it knows slots and bytes,
 * not cards: protocols (T=0, T=1) live in tpdu.h, APDUs in apdu.h.
 */
#ifndef KIOSK_CCID_H
#define KIOSK_CCID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xport.h"

/* Message types, as the specification names them. */
enum {
	PC_to_RDR_SetParameters = 0x61,
	PC_to_RDR_IccPowerOn = 0x62,
	PC_to_RDR_IccPowerOff = 0x63,
	PC_to_RDR_GetSlotStatus = 0x65,
	PC_to_RDR_GetParameters = 0x6C,
	PC_to_RDR_XfrBlock = 0x6F,
	RDR_to_PC_DataBlock = 0x80,
	RDR_to_PC_SlotStatus = 0x81,
	RDR_to_PC_Parameters = 0x82,
	RDR_to_PC_NotifySlotChange = 0x50,
	RDR_to_PC_HardwareError = 0x51,
};

enum {
	CCID_HEADER_LEN = 10,
	CCID_DESC_TYPE = 0x21,
	CCID_MAX_SLOTS = 8,          /* slots this driver handles (bMaxSlotIndex < 8) */
	CCID_MSG_MAX = 65544,        /* the largest message the spec allows (10 + 65534) */
	CCID_TIME_EXT_MAX = 40,      /* time extensions honoured per command, at most */
	CCID_STALE_MAX = 4,          /* replies with a wrong bSeq skipped per command */
};

/* dwFeatures bits (CCID 1.1 table 5.1-1) this driver reads. */
enum {
	CCID_FEAT_AUTO_PARAM_ATR = 0x00000002,   /* parameters set from the ATR */
	CCID_FEAT_AUTO_VOLTAGE = 0x00000008,
	CCID_FEAT_AUTO_CLOCK = 0x00000010,
	CCID_FEAT_AUTO_BAUD = 0x00000020,
	CCID_FEAT_AUTO_PARAM_NEG = 0x00000040,   /* the reader negotiates (PPS) itself */
	CCID_FEAT_AUTO_PPS = 0x00000080,
	CCID_FEAT_AUTO_IFSD = 0x00000400,        /* the reader sends S(IFS request) itself */
	CCID_FEAT_LEVEL_MASK = 0x00070000,
	CCID_FEAT_LEVEL_CHAR = 0x00000000,
	CCID_FEAT_LEVEL_TPDU = 0x00010000,
	CCID_FEAT_LEVEL_SHORT_APDU = 0x00020000,
	CCID_FEAT_LEVEL_EXT_APDU = 0x00040000,
};

typedef enum {
	CCID_LEVEL_CHAR = 0,   /* character level: unusable, refused */
	CCID_LEVEL_TPDU,
	CCID_LEVEL_SHORT_APDU,
	CCID_LEVEL_EXT_APDU,
} ccid_level;

typedef enum {
	CCID_OK = 0,
	CCID_ERR_TIMEOUT = -1,     /* no reply before the deadline */
	CCID_ERR_GONE = -2,        /* the reader was unplugged */
	CCID_ERR_IO = -3,          /* a transfer failed */
	CCID_ERR_PROTO = -4,       /* a malformed reply: short, wrong type or slot, bad length, too many stale ones */
	CCID_ERR_NO_CARD = -5,     /* bmICCStatus 2: no card in the slot */
	CCID_ERR_MUTE = -6,        /* bError ICC_MUTE (0xFE): the card does not answer */
	CCID_ERR_FAILED = -7,      /* bmCommandStatus 1 with another bError (ccid_last_error) */
	CCID_ERR_TIME_EXT = -8,    /* more than CCID_TIME_EXT_MAX time extensions */
	CCID_ERR_UNSUPPORTED = -9, /* the descriptor describes a reader this driver refuses */
	CCID_ERR_TOOBIG = -10,     /* the data exceeds dwMaxCCIDMessageLength or the caller's buffer */
	CCID_ERR_NOMEM = -11,
	CCID_ERR_BAD_DESC = -12,   /* no or malformed class descriptor */
} ccid_err;

/* "no card in the slot", ... for logs. Never NULL. */
const char *ccid_err_name(ccid_err e);

/* bError values with names (CCID 1.1 table 6.2-2); others are slot errors
 * for the offending command byte. */
enum {
	CCID_BERR_CMD_ABORTED = 0xFF,
	CCID_BERR_ICC_MUTE = 0xFE,
	CCID_BERR_XFR_PARITY_ERROR = 0xFD,
	CCID_BERR_XFR_OVERRUN = 0xFC,
	CCID_BERR_HW_ERROR = 0xFB,
	CCID_BERR_BAD_ATR_TS = 0xF8,
	CCID_BERR_BAD_ATR_TCK = 0xF7,
	CCID_BERR_ICC_PROTOCOL_NOT_SUPPORTED = 0xF6,
	CCID_BERR_ICC_CLASS_NOT_SUPPORTED = 0xF5,
	CCID_BERR_PROCEDURE_BYTE_CONFLICT = 0xF4,
	CCID_BERR_DEACTIVATED_PROTOCOL = 0xF3,
	CCID_BERR_BUSY_WITH_AUTO_SEQUENCE = 0xF2,
	CCID_BERR_PIN_TIMEOUT = 0xF0,
	CCID_BERR_PIN_CANCELLED = 0xEF,
	CCID_BERR_CMD_SLOT_BUSY = 0xE0,
	CCID_BERR_CMD_NOT_SUPPORTED = 0x00,
};

/* "ICC_MUTE", "XFR_PARITY_ERROR", "slot error at offset 5"-style names of a
 * bError byte for logs. Never NULL (a static string). */
const char *ccid_berror_name(uint8_t b);

/* The facts of a CCID class descriptor this driver uses. */
typedef struct ccid_desc {
	uint16_t bcd_ccid;
	uint8_t max_slot_index;      /* slots 0..max_slot_index */
	uint8_t voltage_support;
	uint32_t protocols;          /* dwProtocols: bit 0 T=0, bit 1 T=1 */
	uint32_t default_clock_khz, max_clock_khz;
	uint32_t data_rate, max_data_rate;
	uint32_t max_ifsd;
	uint32_t features;           /* dwFeatures */
	uint32_t max_msg_len;        /* dwMaxCCIDMessageLength */
	ccid_level level;            /* from dwFeatures */
	uint8_t max_busy_slots;
} ccid_desc;

/*
 * Parse the LEN-byte class descriptor D into *OUT. Returns CCID_OK,
 * CCID_ERR_BAD_DESC (shorter than 54 bytes, bLength < 54, type not 0x21,
 * dwMaxCCIDMessageLength < 11 + 4 or > CCID_MSG_MAX), or
 * CCID_ERR_UNSUPPORTED with *WHY set to a static English reason naming what
 * (character-level exchange, neither T=0 nor T=1 in dwProtocols, more than
 * CCID_MAX_SLOTS slots, or a reserved combination of the level bits) —
 * *OUT is still filled in that case, for reports. On CCID_ERR_BAD_DESC *OUT
 * is all zeros and *WHY names the defect too. WHY may be NULL. Pure.
 */
ccid_err ccid_desc_parse(const uint8_t *d, size_t len, ccid_desc *out, const char **why);

/* "TPDU", "short APDU", "extended APDU", "character". Never NULL. */
const char *ccid_level_name(ccid_level l);

/*
 * Build a PC_to_RDR_* message in BUF (CAP bytes): TYPE, a dwLength of LEN,
 * SLOT, SEQ, the three type-specific bytes P (bBWI/wLevelParameter,
 * bPowerSelect, bProtocolNum... as the type wants), then LEN bytes of DATA
 * (DATA may be NULL when LEN is 0). Returns the message length
 * (CCID_HEADER_LEN + LEN), or 0 when CAP is too small. Pure; a NULL BUF or
 * P, or NULL DATA with LEN > 0, aborts.
 */
size_t ccid_cmd_build(uint8_t *buf, size_t cap, uint8_t type, uint8_t slot, uint8_t seq,
		      const uint8_t p[3], const uint8_t *data, size_t len);

/* bmICCStatus (bStatus bits 0-1) and bmCommandStatus (bits 6-7). */
typedef enum { CCID_ICC_ACTIVE = 0, CCID_ICC_INACTIVE = 1, CCID_ICC_ABSENT = 2 } ccid_icc;
typedef enum { CCID_CMD_OK = 0, CCID_CMD_FAILED = 1, CCID_CMD_TIME_EXT = 2 } ccid_cmd_status;

/* A parsed RDR_to_PC_* bulk message. data points into the parsed buffer. */
typedef struct ccid_reply {
	uint8_t type;
	uint8_t slot, seq;
	uint8_t status, error;       /* bStatus, bError as received */
	ccid_icc icc;                /* bStatus bits 0-1 (3 is refused as malformed) */
	ccid_cmd_status cmd;         /* bStatus bits 6-7 (3 is refused as malformed) */
	uint8_t specific;            /* bChainParameter, bClockStatus or bProtocolNum */
	const uint8_t *data;
	size_t len;                  /* dwLength */
} ccid_reply;

/*
 * Parse the N bytes of BUF as one RDR_to_PC_DataBlock, SlotStatus or
 * Parameters message. Returns CCID_OK, or CCID_ERR_PROTO when N is below the
 * header, the type is not one of those three, dwLength disagrees with N
 * (a longer N is refused too: one message per transfer), or bStatus has
 * reserved values (bits 2-5 set, bmICCStatus 3, bmCommandStatus 3). Pure;
 * *OUT is all zeros on error.
 */
ccid_err ccid_reply_parse(const uint8_t *buf, size_t n, ccid_reply *out);

/*
 * Parse an interrupt message: RDR_to_PC_NotifySlotChange (bmSlotICCState,
 * two bits per slot, slot 0 in bits 0-1: bit 0 present, bit 1 changed) or
 * RDR_to_PC_HardwareError. For a NotifySlotChange, *PRESENT and *CHANGED get
 * one bit per slot (bit S for slot S, up to CCID_MAX_SLOTS); *HW_ERROR is
 * false. For a HardwareError, *HW_ERROR is true and the masks are 0.
 * Returns CCID_ERR_PROTO for anything else or a message of the wrong length
 * (NotifySlotChange: 1 + ceil(slots / 4) bytes, at least 2; HardwareError:
 * 4). SLOTS is the reader's slot count (max_slot_index + 1); a SLOTS
 * outside 1..CCID_MAX_SLOTS is CCID_ERR_PROTO too (it comes from the
 * reader). On error the masks are 0 and *HW_ERROR false. Pure.
 */
ccid_err ccid_notify_parse(const uint8_t *buf, size_t n, unsigned slots, uint8_t *present,
			   uint8_t *changed, bool *hw_error);

/* ---- session ------------------------------------------------------------ */

typedef struct ccid ccid;

/*
 * A session on the open transport X (borrowed: the caller opened it and
 * closes it after ccid_free) for the reader INFO describes. Parses the class
 * descriptor: CCID_ERR_BAD_DESC, or CCID_ERR_UNSUPPORTED with *WHY (see
 * ccid_desc_parse; WHY may be NULL). Allocates a message buffer of
 * dwMaxCCIDMessageLength. No I/O. *OUT is NULL on failure.
 */
ccid_err ccid_open(ccid **out, xport x, const xport_info *info, const char **why);
/* Wipes the message buffer (it held card data) and frees; *C NULL. */
void ccid_free(ccid **c);
const ccid_desc *ccid_descriptor(const ccid *c);
/* bError of the last reply whose command failed (CCID_ERR_FAILED, _MUTE,
 * _NO_CARD), or the last HardwareError's code (ccid_poll_change); 0 before. */
uint8_t ccid_last_error(const ccid *c);
/* Replies skipped for a wrong bSeq and time extensions seen, since open
 * (diagnostics counters). */
unsigned long ccid_stale_count(const ccid *c);
unsigned long ccid_time_ext_count(const ccid *c);

/*
 * Every command below sends one PC_to_RDR_* message with the next bSeq and
 * reads replies until one has that bSeq: replies with another bSeq are
 * stale (left over from a command that timed out) and skipped, at most
 * CCID_STALE_MAX of them (then CCID_ERR_PROTO) — when their bSeq is one of
 * the CCID_STALE_MAX sent before; any other bSeq (one not sent yet) is
 * CCID_ERR_PROTO at once; a reply with
 * bmCommandStatus 2 (time extension) makes it read again, at most
 * CCID_TIME_EXT_MAX times (then CCID_ERR_TIME_EXT), never past DEADLINE_MS.
 * A reply of the wrong type or slot is CCID_ERR_PROTO. bmCommandStatus 1
 * maps to CCID_ERR_NO_CARD when bmICCStatus is 2, CCID_ERR_MUTE for
 * ICC_MUTE, else CCID_ERR_FAILED (ccid_last_error has bError). Transport
 * errors map to CCID_ERR_TIMEOUT, _GONE, _IO, _NOMEM. Blocking, bounded by
 * DEADLINE_MS. SLOT must be <= max_slot_index (a programmer error aborts).
 */

/* Power the card on (bPowerSelect 0: automatic voltage); its ATR goes to
 * ATR (CAP bytes, 33 is always enough), *ATR_LEN its length.
 * CCID_ERR_TOOBIG when the ATR exceeds CAP or 33 bytes. */
ccid_err ccid_power_on(ccid *c, uint8_t slot, uint8_t *atr, size_t cap, size_t *atr_len,
		       int64_t deadline_ms);
ccid_err ccid_power_off(ccid *c, uint8_t slot, int64_t deadline_ms);
/* The slot's bmICCStatus, from RDR_to_PC_SlotStatus. A failed command with
 * "no card" is not an error here: *ICC is CCID_ICC_ABSENT and CCID_OK. */
ccid_err ccid_slot_status(ccid *c, uint8_t slot, ccid_icc *icc, int64_t deadline_ms);

/* The protocol parameters of a slot (RDR_to_PC_Parameters). */
typedef struct ccid_params {
	uint8_t protocol;            /* 0 = T=0, 1 = T=1 */
	uint8_t fidi;                /* bmFindexDindex */
	uint8_t tcck;                /* bmTCCKST0 / bmTCCKST1 */
	uint8_t guard_time;          /* bGuardTimeT0 / T1 */
	uint8_t wi;                  /* T=0: bWaitingIntegerT0; T=1: bmWaitingIntegersT1 */
	uint8_t clock_stop;
	uint8_t ifsc;                /* T=1 only */
	uint8_t nad;                 /* T=1 only */
} ccid_params;

ccid_err ccid_get_parameters(ccid *c, uint8_t slot, ccid_params *out, int64_t deadline_ms);
/* Send PC_to_RDR_SetParameters with *P (for TPDU-level readers that do not
 * negotiate themselves); the reader's answer goes back into *P (unchanged
 * on error). P->protocol must be 0 or 1 (else abort). For both calls an
 * abProtocolDataStructure whose length does not fit bProtocolNum (T=0: 5
 * bytes, T=1: 7) is CCID_ERR_PROTO. */
ccid_err ccid_set_parameters(ccid *c, uint8_t slot, ccid_params *p, int64_t deadline_ms);

/*
 * PC_to_RDR_XfrBlock: send the N bytes of IN (a TPDU, or an APDU on
 * APDU-level readers), receive the answer into OUT (CAP bytes), *GOT its
 * length. BWI is bBWI (block waiting time multiplier for T=1, 0 otherwise).
 * On an extended-APDU-level reader, a message longer than
 * dwMaxCCIDMessageLength is sent in parts with wLevelParameter 1, 3, 2 and
 * answers chained with bChainParameter 1/3 are collected by sending empty
 * XfrBlocks with wLevelParameter 0x10 until bChainParameter 2 (or 0); on
 * other levels a message that does not fit is CCID_ERR_TOOBIG (nothing is
 * sent) and bChainParameter, RFU there, is ignored. Between command parts
 * the reader must answer bChainParameter 0x10 with no data; an answer part
 * with 1/3 must carry data and the whole answer must stay within
 * CCID_MSG_MAX: else CCID_ERR_PROTO. CCID_ERR_TOOBIG also when the answer
 * exceeds CAP (the rest is drained). On any error *GOT is 0 and whatever
 * part of OUT was written is wiped.
 */
ccid_err ccid_xfr_block(ccid *c, uint8_t slot, uint8_t bwi, const uint8_t *in, size_t n,
			uint8_t *out, size_t cap, size_t *got, int64_t deadline_ms);

/*
 * Wait for an RDR_to_PC_NotifySlotChange on the interrupt endpoint until
 * DEADLINE_MS: CCID_OK with *PRESENT / *CHANGED (one bit per slot), or
 * CCID_ERR_TIMEOUT when none came. A HardwareError message is
 * CCID_ERR_FAILED, with bHardwareErrorCode in ccid_last_error; a malformed
 * message is CCID_ERR_PROTO. CCID_ERR_UNSUPPORTED when the reader has no interrupt
 * endpoint: poll ccid_slot_status instead.
 */
ccid_err ccid_poll_change(ccid *c, uint8_t *present, uint8_t *changed, int64_t deadline_ms);

#endif

/*
 * t1: ISO/IEC 7816-3 T=1, the block transmission protocol, at the TPDU level
 * of a CCID reader (each block is one XfrBlock; the reader adds nothing).
 *
 * Blocks are NAD PCB LEN INF EDC: I-blocks carry the APDU, chained with the
 * M bit when longer than the card's IFSC; R-blocks acknowledge a chained
 * block or ask for a retransmission; S-blocks negotiate IFS, answer waiting
 * time extensions (WTX), resynchronise and abort. EDC is LRC (1 byte) or
 * CRC (2 bytes), as the ATR says.
 *
 * The codec (t1_block_build, t1_block_parse, t1_lrc, t1_crc) is pure and
 * shared with the simulated card. The engine (t1_transmit) is the host
 * side, with the error recovery of ISO 7816-3 11.6.3: a block with a bad
 * EDC or format is answered with an R-block naming the error, a lost block
 * is asked for again, at most T1_RETRIES times; then S(RESYNCH) is sent and
 * the exchange fails.
 */
#ifndef KIOSK_T1_H
#define KIOSK_T1_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "apdu.h"

enum {
	T1_PROLOGUE = 3,
	T1_INF_MAX = 254,
	T1_BLOCK_MAX = T1_PROLOGUE + T1_INF_MAX + 2,
	T1_RETRIES = 3,         /* retransmissions of one block before resynchronising */
	T1_IFSD = 254,          /* the host's receive size, announced with S(IFS request) */
};

/* PCB values and masks (ISO 7816-3 11.3.2). */
enum {
	T1_I_NS = 0x40,         /* I-block: send-sequence bit */
	T1_I_MORE = 0x20,       /* I-block: more data (chaining) */
	T1_R_BLOCK = 0x80,      /* 10xx xxxx */
	T1_R_NR = 0x10,
	T1_R_ERR_EDC = 0x01,
	T1_R_ERR_OTHER = 0x02,
	T1_S_BLOCK = 0xC0,      /* 11xx xxxx */
	T1_S_RESPONSE = 0x20,
	T1_S_RESYNCH = 0x00,
	T1_S_IFS = 0x01,
	T1_S_ABORT = 0x02,
	T1_S_WTX = 0x03,
};

typedef enum { T1_I, T1_R, T1_S } t1_kind;

/* A parsed block; inf points into the parsed buffer. */
typedef struct t1_block {
	uint8_t nad, pcb;
	t1_kind kind;
	const uint8_t *inf;
	size_t len;
} t1_block;

uint8_t t1_lrc(const uint8_t *b, size_t n);
/* CRC-16 of ISO/IEC 13239 (polynomial x^16 + x^12 + x^5 + 1, bits
 * reflected, initial value and final XOR 0xFFFF: "CRC-16/X-25"); the block
 * carries it high byte first. */
uint16_t t1_crc(const uint8_t *b, size_t n);

/* Build a block in BUF (CAP bytes): NAD, PCB, LEN, LEN bytes of INF, EDC.
 * Returns its length, or 0 when LEN > 254 or CAP is too small. Pure. */
size_t t1_block_build(uint8_t *buf, size_t cap, uint8_t nad, uint8_t pcb, const uint8_t *inf,
		      size_t len, bool crc);

typedef enum {
	T1_BLOCK_OK = 0,
	T1_BLOCK_EDC = -1,    /* the EDC does not match */
	T1_BLOCK_FORMAT = -2, /* too short, LEN disagrees with the size, LEN 255, a reserved PCB */
} t1_block_err;

/* Parse the N bytes of BUF as one block (EDC checked). Pure. */
t1_block_err t1_block_parse(const uint8_t *buf, size_t n, bool crc, t1_block *out);

/* The host side of one T=1 channel: sequence numbers and sizes. */
typedef struct t1 {
	uint8_t ns;        /* next I-block send-sequence number (0/1) */
	uint8_t nr;        /* expected card I-block sequence number (0/1) */
	uint8_t ifsc;      /* the card's receive size */
	uint8_t ifsd;      /* ours */
	uint8_t nad;
	bool crc;
	uint8_t wtx_mult;  /* a WTX granted for the next block (0: none): the pipe
			      sends it as the XfrBlock's bBWI, then sets it to 0
			      (t1_transmit sets it just before that XfrBlock and
			      clears it after, so it is 0 between exchanges) */
	unsigned long retransmits, resyncs, wtx; /* diagnostics counters */
} t1;

/* A fresh channel: sequence numbers 0, IFSC and EDC as the ATR says
 * (atr.h), IFSD T1_IFSD. IFSC 0x00 or 0xFF (which atr_parse refuses) is a
 * programmer error: abort. */
void t1_init(t1 *t, uint8_t ifsc, bool crc);

/*
 * Announce our IFSD with S(IFS request) and expect S(IFS response) with the
 * same value (retried as any block). RAW is the XfrBlock pipe. Returns
 * APDU_OK; a transport error as it came; APDU_ERR_TIMEOUT when DEADLINE_MS
 * has passed before a block is sent; APDU_ERR_PROTO when T1_RETRIES
 * retransmissions drew no valid response (after S(RESYNCH)).
 */
apdu_err t1_negotiate_ifsd(t1 *t, const apdu_io *raw, int64_t deadline_ms);

/*
 * Send the APDU in IN (N bytes, chained in IFSC-sized I-blocks) and collect
 * the card's answer (its I-blocks, chained with R-blocks) into OUT (CAP
 * bytes), *GOT its length. Answers S(WTX request) with S(WTX response)
 * (leaving the multiplier in T->wtx_mult for the pipe to pass as the next
 * XfrBlock's bBWI), S(IFS request) with S(IFS response) (adopting the
 * new IFSC); S(ABORT request) ends the exchange with APDU_ERR_PROTO, after
 * S(RESYNCH) so that the next exchange starts from a known state. Error
 * recovery as the file comment says: T1_RETRIES invalid blocks or
 * retransmission requests in a row, then S(RESYNCH) (up to T1_RETRIES
 * times; the sequence numbers restart at 0 either way) and APDU_ERR_PROTO.
 * An answer from the pipe too long for any block (APDU_ERR_TOOBIG) counts
 * as an invalid block. A card answer longer than CAP is read to its end
 * (so the channel stays in step) and then APDU_ERR_TOOBIG. Transport
 * errors (timeout, unplug, card gone) end the exchange at once and are
 * returned as they came; APDU_ERR_TIMEOUT also when DEADLINE_MS has passed
 * before a block is sent. *GOT is 0 on error; OUT may hold part of the
 * answer (the caller wipes it).
 * Not an apdu_xfr_fn itself (it needs T): card.c wraps it.
 */
apdu_err t1_transmit(t1 *t, const apdu_io *raw, const uint8_t *in, size_t n, uint8_t *out,
		     size_t cap, size_t *got, int64_t deadline_ms);

#endif

/*
 * apdu: ISO/IEC 7816-4 command and response APDUs, and the exchange rules
 * every card stack shares: a 61xx status answered with GET RESPONSE (its
 * parts chained into one answer), a 6Cxx answered by resending the command
 * with Le = xx. A status word is data handed back to the caller, never a
 * transport error.
 *
 * The byte pipe under an exchange is an apdu_io: one function that sends
 * bytes to the card and returns its answer. card.h provides one per slot
 * (an APDU-level reader directly, a TPDU-level one through t0.h or t1.h);
 * tests provide transcripts. The codec functions are pure.
 */
#ifndef KIOSK_APDU_H
#define KIOSK_APDU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
	APDU_OK = 0,
	APDU_ERR_TIMEOUT = -1,     /* the card or reader did not answer before the deadline */
	APDU_ERR_GONE = -2,        /* the reader was unplugged */
	APDU_ERR_NO_CARD = -3,     /* the card was removed (or never there) */
	APDU_ERR_MUTE = -4,        /* the card does not answer (ICC_MUTE) */
	APDU_ERR_IO = -5,          /* a transfer failed, or the reader reported an error */
	APDU_ERR_PROTO = -6,       /* a malformed answer, or T=0/T=1 could not recover */
	APDU_ERR_TOOBIG = -7,      /* the answer does not fit the caller's buffer */
	APDU_ERR_ARG = -8,         /* a command that cannot be encoded (e.g. extended on a short-only link) */
	APDU_ERR_UNSUPPORTED = -9, /* the reader or card cannot be used (card.h says why) */
	APDU_ERR_NOMEM = -10,
} apdu_err;

const char *apdu_err_name(apdu_err e);

enum {
	APDU_SHORT_MAX = 4 + 1 + 255 + 1,        /* the longest short command */
	APDU_EXT_MAX = 4 + 3 + 65535 + 2,        /* the longest extended command */
	APDU_RESP_MAX = 65536 + 2,               /* the longest response: data and SW */
	APDU_GET_RESPONSE_MAX = 256,             /* GET RESPONSE rounds per exchange, at most */
	SW_OK = 0x9000,
};

/*
 * A command. NC bytes of DATA (0..65535; DATA may be NULL when NC is 0).
 * NE is the expected response length: 0 for none (no Le field), 1..65536
 * (256 is Le 00 in the short form, 65536 is 0000 in the extended form).
 */
typedef struct apdu_cmd {
	uint8_t cla, ins, p1, p2;
	const uint8_t *data;
	size_t nc;
	size_t ne;
} apdu_cmd;

/* ISO 7816-4 5.1 cases: 1, 2, 3, 4, short or extended. */
typedef enum {
	APDU_CASE_1 = 1, APDU_CASE_2S, APDU_CASE_3S, APDU_CASE_4S,
	APDU_CASE_2E, APDU_CASE_3E, APDU_CASE_4E,
} apdu_case;

/* The case C encodes to: short when NC <= 255 and NE <= 256, else extended. */
apdu_case apdu_case_of(const apdu_cmd *c);

/*
 * Encode C into BUF (CAP bytes) in the shortest form. Returns the length,
 * or 0 when CAP is too small, NC > 65535, NE > 65536, or the command needs
 * the extended form and ALLOW_EXT is false. Pure.
 */
size_t apdu_encode(const apdu_cmd *c, bool allow_ext, uint8_t *buf, size_t cap);

/*
 * Decode the N bytes of BUF as one command (all seven cases, ISO 7816-4
 * 5.1; a body of 0 bytes is case 1, and a body whose length fits no case
 * is refused). OUT->data points into BUF. Returns APDU_OK or APDU_ERR_ARG
 * with *OUT zeroed. Pure. (The simulated card uses this.) A short-sized
 * command sent in the extended form decodes to the same apdu_cmd as its
 * short form, so apdu_case_of(OUT) names the short case: the form is in the
 * bytes (a body of more than one byte opening with 00 is extended).
 */
apdu_err apdu_decode(const uint8_t *buf, size_t n, apdu_cmd *out);

/*
 * One raw exchange with a card: send the N bytes of IN, receive the answer
 * into OUT (CAP bytes), *GOT its length, before DEADLINE_MS (xport.h).
 * Returns APDU_OK or an error (the transport's errors mapped to apdu_err).
 */
typedef apdu_err (*apdu_xfr_fn)(void *ctx, const uint8_t *in, size_t n, uint8_t *out,
				size_t cap, size_t *got, int64_t deadline_ms);

typedef struct apdu_io {
	apdu_xfr_fn xfr;
	void *ctx;
	bool ext_ok; /* extended-length APDUs can be sent */
} apdu_io;

/*
 * Send C through IO and collect the answer: its data into DATA (CAP bytes;
 * DATA may be NULL when CAP is 0), *LEN its length, *SW the final status
 * word. While the card answers 61xx, GET RESPONSE (CLA of C, INS C0,
 * Le = xx, 00 meaning 256) fetches the rest and the parts are concatenated,
 * at most APDU_GET_RESPONSE_MAX rounds (then APDU_ERR_PROTO). A 6Cxx answer
 * resends C once with NE = xx (00 meaning 256) -- or, when it answered a
 * GET RESPONSE, that GET RESPONSE with Le = xx; one resend per exchange: a
 * second 6Cxx is returned as the status word. An answer shorter than 2
 * bytes is APDU_ERR_PROTO. A command apdu_encode refuses (extended on a
 * short-only IO, NC or NE too large) is APDU_ERR_ARG without any exchange.
 * More data than CAP is APDU_ERR_TOOBIG. Any status word, 9000 or not, is
 * APDU_OK with *SW set. Blocks until DEADLINE_MS at most. On error *LEN is
 * 0 and *SW is 0, and DATA's first CAP bytes may hold partial card data:
 * the caller wipes them.
 */
apdu_err apdu_exchange(const apdu_io *io, const apdu_cmd *c, uint8_t *data, size_t cap,
		       size_t *len, uint16_t *sw, int64_t deadline_ms);

#endif

/*
 * ticket: the request numbers a citizen reads off the receipt and types back
 * on the kiosk's touch keyboard to check a request's status.
 *
 * A ticket is 8 symbols shown as "XXXX-XXXX": 7 random data symbols and one
 * check symbol. The alphabet has 31 symbols and leaves out the look-alikes
 * 0/O and 1/I/L, so what is printed can be read back without guessing.
 * Because 31 is prime, the check (weights 1..8, weighted sum = 0 mod 31)
 * catches every single mistyped symbol and every swap of two neighbours:
 * a substitution at position i changes the sum by (i+1)(a-b), a swap of
 * positions i and i+1 by (a-b), and neither product is 0 mod 31 when a != b.
 *
 * Plain C, no I/O: the caller passes the random bytes in (from the kiosk's
 * system random source), so making a ticket is deterministic and testable.
 * A ticket identifies a request; it is not a secret and not an access token.
 * Errors are codes; app/ turns them into words through ticket_err_key().
 */
#ifndef KIOSK_TICKET_H
#define KIOSK_TICKET_H

#include <stdbool.h>
#include <stdint.h>

/* The symbols, in value order: symbol i has the value i (0..30). An
 * on-screen keyboard may lay its keys out from this string. */
#define TICKET_SYMBOLS "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
#define TICKET_NSYMBOLS 31

#define TICKET_DATA_LEN 7  /* random symbols */
#define TICKET_LEN 8       /* data symbols + the check symbol */
#define TICKET_TEXT_MAX 10 /* "XXXX-XXXX" and its NUL */

/* Random bytes ticket_make() consumes (see there for why 16). */
#define TICKET_RANDOM_BYTES 16

typedef enum ticket_err {
	TICKET_OK = 0,
	TICKET_ERR_LENGTH, /* not 8 symbols (separators not counted) */
	TICKET_ERR_CHAR,   /* a character that is neither a symbol nor a separator */
	TICKET_ERR_CHECK,  /* 8 symbols, but the check symbol does not match */
} ticket_err;

/*
 * Make a ticket from RANDOM (TICKET_RANDOM_BYTES bytes from a cryptographic
 * random source) and write it to OUT as "XXXX-XXXX" with its NUL.
 *
 * The 16 bytes are read as one 128-bit big-endian number X, and the 7 data
 * symbols are the base-31 digits of X mod 31^7 (the first data symbol is
 * the least significant digit). No fixed number of bytes can give exactly
 * uniform symbols (2^128 is not a multiple of 31^7), but with 128 bits each
 * of the 31^7 tickets has probability 31^-7 within a relative error below
 * 31^7 / 2^128 < 10^-28: no test or attacker can see the difference, and
 * there is no retry loop that could run out of bytes.
 *
 * Deterministic: the same bytes give the same ticket. Never fails. 31^7 is
 * about 2.75e10 tickets, so the caller still checks a new ticket against
 * the tickets already issued (a collision is rare, not impossible).
 */
void ticket_make(const uint8_t random[TICKET_RANDOM_BYTES], char out[TICKET_TEXT_MAX]);

/*
 * Parse a ticket as a person may type it: upper or lower case, with spaces
 * and dashes anywhere (none, one, several, around it). Symbols outside the
 * alphabet are refused, never mapped: O, 0, I, 1 and L have no symbol they
 * could stand for, and guessing would weaken the check.
 *
 * IN: a NUL-terminated string (not NULL).
 * OUT (may be NULL to validate only): on TICKET_OK, the normalised ticket
 * "XXXX-XXXX" with its NUL; on any error, left untouched.
 * Returns, in this order of precedence:
 *   TICKET_ERR_CHAR   some character is neither a symbol (in either case),
 *                     a space nor a dash;
 *   TICKET_ERR_LENGTH the number of symbols is not 8;
 *   TICKET_ERR_CHECK  the check symbol does not match the 7 data symbols;
 *   TICKET_OK.
 */
ticket_err ticket_parse(const char *in, char out[TICKET_TEXT_MAX]);

/* True when C is one of the 31 symbols (upper case only, as an on-screen
 * keyboard offers them). ticket_parse() also accepts their lower case. */
bool ticket_symbol_ok(char c);

/*
 * Catalog key for E: "ticket.err_length", "ticket.err_char",
 * "ticket.err_check". TICKET_OK and unknown values give "ticket.err_unknown"
 * so that a caller that forgets the OK case shows a visible gap, not garbage.
 * Never NULL; static storage.
 */
const char *ticket_err_key(ticket_err e);

#endif

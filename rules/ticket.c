/*
 * ticket: request numbers with a check symbol (see ticket.h for the format
 * and why the check catches every single substitution and adjacent swap).
 */
#include <string.h>

#include "ticket.h"

/* The inverse of the check symbol's weight (8) mod 31: 8 * 4 = 32 = 1. */
#define CHECK_WEIGHT_INV 4

/* The value (0..30) of symbol C in either case, or -1 when it is none. */
static int symbol_value(char c)
{
	if (c >= 'a' && c <= 'z')
		c = (char)(c - 'a' + 'A');
	if (c == '\0')
		return -1; /* memchr would find the string's terminator */
	const char *p = memchr(TICKET_SYMBOLS, c, TICKET_NSYMBOLS);
	return p ? (int)(p - TICKET_SYMBOLS) : -1;
}

/* Weighted sum of the first N values, mod 31; the weight of position i is i+1. */
static int weighted_sum(const int *v, int n)
{
	int sum = 0;
	for (int i = 0; i < n; i++)
		sum = (sum + (i + 1) * v[i]) % TICKET_NSYMBOLS;
	return sum;
}

/* Write the 8 values V as "XXXX-XXXX" with its NUL. */
static void format(const int v[TICKET_LEN], char out[TICKET_TEXT_MAX])
{
	int j = 0;
	for (int i = 0; i < TICKET_LEN; i++) {
		if (i == TICKET_LEN / 2)
			out[j++] = '-';
		out[j++] = TICKET_SYMBOLS[v[i]];
	}
	out[j] = '\0';
}

void ticket_make(const uint8_t random[TICKET_RANDOM_BYTES], char out[TICKET_TEXT_MAX])
{
	/*
	 * Long division of the 128-bit big-endian number by 31, seven times:
	 * the remainders are the base-31 digits of X mod 31^7, least
	 * significant first. Each step keeps the quotient for the next digit.
	 */
	uint8_t x[TICKET_RANDOM_BYTES];
	memcpy(x, random, sizeof x);
	int v[TICKET_LEN];
	for (int d = 0; d < TICKET_DATA_LEN; d++) {
		unsigned rem = 0;
		for (int i = 0; i < TICKET_RANDOM_BYTES; i++) {
			unsigned cur = rem * 256u + x[i];
			x[i] = (uint8_t)(cur / TICKET_NSYMBOLS);
			rem = cur % TICKET_NSYMBOLS;
		}
		v[d] = (int)rem;
	}
	/* Choose the check c with S + 8c = 0 (mod 31): c = -S * 8^-1. */
	int s = weighted_sum(v, TICKET_DATA_LEN);
	v[TICKET_DATA_LEN] = (TICKET_NSYMBOLS - s * CHECK_WEIGHT_INV % TICKET_NSYMBOLS)
			     % TICKET_NSYMBOLS;
	format(v, out);
}

ticket_err ticket_parse(const char *in, char out[TICKET_TEXT_MAX])
{
	int v[TICKET_LEN];
	int n = 0;
	bool too_long = false;
	/* Scan all of IN so that a bad character wins over a bad length
	 * wherever it is: the person has to fix it either way. */
	for (const char *p = in; *p; p++) {
		if (*p == ' ' || *p == '-')
			continue;
		int val = symbol_value(*p);
		if (val < 0)
			return TICKET_ERR_CHAR;
		if (n < TICKET_LEN)
			v[n++] = val;
		else
			too_long = true;
	}
	if (n != TICKET_LEN || too_long)
		return TICKET_ERR_LENGTH;
	if (weighted_sum(v, TICKET_LEN) != 0)
		return TICKET_ERR_CHECK;
	if (out)
		format(v, out);
	return TICKET_OK;
}

bool ticket_symbol_ok(char c)
{
	/* symbol_value() folds lower case, which the keyboard does not offer. */
	return !(c >= 'a' && c <= 'z') && symbol_value(c) >= 0;
}

const char *ticket_err_key(ticket_err e)
{
	switch (e) {
	case TICKET_ERR_LENGTH: return "ticket.err_length";
	case TICKET_ERR_CHAR: return "ticket.err_char";
	case TICKET_ERR_CHECK: return "ticket.err_check";
	case TICKET_OK:
	default: return "ticket.err_unknown";
	}
}

/*
 * fuzz_atr: libFuzzer harness for atr_parse (drivers/atr.c), the first
 * parser to see bytes from a card. Arbitrary input must never crash it, and
 * what it accepts must hold together: abort() on any broken invariant.
 * No main(): libFuzzer provides one, and a replay driver can link this file
 * under plain ASan to run the corpus in tests/fuzz/corpus/atr/.
 *
 *   clang -g -fsanitize=fuzzer,address,undefined -Idrivers -Irules \
 *       tests/fuzz/fuzz_atr.c drivers/atr.c -o /tmp/fz_atr
 *   mkdir -p /tmp/atr_work && /tmp/fz_atr /tmp/atr_work tests/fuzz/corpus/atr
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "atr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool all_zero(const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	atr_info a;
	memset(&a, 0xA5, sizeof a);
	atr_err e = atr_parse(data, size, &a);
	if (atr_err_name(e) == NULL)
		abort();
	if (e != ATR_OK) {
		if (e != ATR_ERR_SHORT && e != ATR_ERR_TS && e != ATR_ERR_LONG && e != ATR_ERR_TCK &&
		    e != ATR_ERR_PROTO)
			abort();
		if (!all_zero(&a, sizeof a))
			abort(); /* *out is all zeros on error */
		return 0;
	}

	if (size < 2 || size > ATR_MAX)
		abort();
	if (a.ts != data[0] || (a.ts != 0x3B && a.ts != 0x3F))
		abort();
	if (a.hist_len > ATR_HIST_MAX || a.hist_len != (size_t)(data[1] & 0x0F))
		abort();
	/* The historical bytes are the ones just before TCK (or the end). */
	size_t end = size - (a.tck_present ? 1u : 0u);
	if (a.hist_len > end - 2 || memcmp(a.hist, data + end - a.hist_len, a.hist_len) != 0)
		abort();
	if (a.protocols == 0 || (a.protocols & 0x8000))
		abort(); /* something is offered; T=15 never is */
	if (!(a.protocols & (1u << a.first_protocol)))
		abort();
	if (a.ifsc == 0x00 || a.ifsc == 0xFF || a.bwi > 15 || a.cwi > 15 || a.specific_protocol > 15)
		abort();
	/* TCK exactly when something beyond T=0 is indicated, and then it checks. */
	if (a.tck_present) {
		uint8_t x = 0;
		for (size_t i = 1; i < size; i++)
			x ^= data[i];
		if (x != 0)
			abort();
	} else if (a.protocols != 1u) {
		abort();
	}
	/* Deterministic, and a proper prefix is never a whole ATR. */
	atr_info b;
	if (atr_parse(data, size, &b) != ATR_OK || memcmp(&a, &b, sizeof a) != 0)
		abort();
	if (atr_parse(data, size - 1, &b) == ATR_OK)
		abort();
	return 0;
}

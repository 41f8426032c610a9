/*
 * test_atr: the Answer To Reset parser (drivers/atr.c).
 *
 * Real-looking ATRs of the kind the kiosk meets: the ATRs a PC/SC
 * contactless reader synthesises for ISO 14443 cards (3B 8n 80 01 ...,
 * T=0 and T=1 indicated, TCK present), a T=0-only SAM without TCK, a card
 * offering T=0 and T=1 with every parameter the protocol layers use (TA1,
 * TC1, TC2, TA3/TB3/TC3 for T=1), a specific-mode card (TA2), global bytes
 * under T=15 (which require TCK but offer no protocol), and only the first
 * T=1 parameters counting when several groups carry them. Then every
 * atr_err with a minimal ATR that provokes it, that a refused ATR leaves
 * *out all zeros, and that no proper prefix of a valid ATR is accepted.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "atr.h"

#define ATR(...) (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__})

static bool all_zero(const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

/* Parse and expect ATR_OK. */
static atr_info parse_ok(const uint8_t *b, size_t n)
{
	atr_info a;
	memset(&a, 0xA5, sizeof a);
	assert_int_equal(atr_parse(b, n, &a), ATR_OK);
	return a;
}

/* Parse and expect the error E, with *out left all zeros. */
static void parse_err(const uint8_t *b, size_t n, atr_err e)
{
	atr_info a;
	memset(&a, 0xA5, sizeof a);
	assert_int_equal(atr_parse(b, n, &a), e);
	assert_true(all_zero(&a, sizeof a));
}

/* The T=1 and T=0 parameters left at their defaults. */
static void assert_defaults(const atr_info *a)
{
	assert_int_equal(a->fi_di, 0x11);
	assert_int_equal(a->extra_guard, 0);
	assert_int_equal(a->wi, 10);
	assert_int_equal(a->ifsc, 32);
	assert_int_equal(a->bwi, 4);
	assert_int_equal(a->cwi, 13);
	assert_false(a->crc);
	assert_false(a->specific_mode);
}

/* ---- accepted ATRs ------------------------------------------------------ */

static void test_pcsc_contactless(void **state)
{
	(void)state;
	/* PC/SC part 3 for a storage card: TD1 80 (T=0), TD2 01 (T=1), 15
	 * historical bytes (RID A0 00 00 03 06, standard 03, card name 0003). */
	atr_info a = parse_ok(ATR(0x3B, 0x8F, 0x80, 0x01, 0x80, 0x4F, 0x0C, 0xA0, 0x00, 0x00,
				  0x03, 0x06, 0x03, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x68));
	assert_int_equal(a.ts, 0x3B);
	assert_int_equal(a.protocols, (1u << 0) | (1u << 1));
	assert_int_equal(a.first_protocol, 0);
	assert_defaults(&a);
	assert_true(a.tck_present);
	assert_int_equal(a.hist_len, 15);
	static const uint8_t hist[15] = {0x80, 0x4F, 0x0C, 0xA0, 0x00, 0x00, 0x03, 0x06,
					 0x03, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00};
	assert_memory_equal(a.hist, hist, sizeof hist);

	/* The same for a MIFARE Classic 1K (card name 0001). */
	a = parse_ok(ATR(0x3B, 0x8F, 0x80, 0x01, 0x80, 0x4F, 0x0C, 0xA0, 0x00, 0x00, 0x03, 0x06,
			 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x6A));
	assert_int_equal(a.hist[10], 0x01);

	/* An ISO 14443-4 type A card: 8 historical bytes (its ATS). */
	a = parse_ok(ATR(0x3B, 0x88, 0x80, 0x01, 0x00, 0x00, 0x00, 0x00, 0x77, 0x81, 0x81, 0x00,
			 0x7E));
	assert_int_equal(a.protocols, 0x3);
	assert_int_equal(a.hist_len, 8);
	assert_int_equal(a.hist[4], 0x77);
	assert_true(a.tck_present);

	/* No historical bytes at all: 3B 80 80 01 01. */
	a = parse_ok(ATR(0x3B, 0x80, 0x80, 0x01, 0x01));
	assert_int_equal(a.hist_len, 0);
	assert_int_equal(a.protocols, 0x3);
}

static void test_t0_sam_without_tck(void **state)
{
	(void)state;
	atr_info a = parse_ok(ATR(0x3B, 0x02, 0x14, 0x50));
	assert_int_equal(a.protocols, 1u << 0);
	assert_int_equal(a.first_protocol, 0);
	assert_false(a.tck_present);
	assert_defaults(&a);
	assert_int_equal(a.hist_len, 2);
	assert_int_equal(a.hist[0], 0x14);
	assert_int_equal(a.hist[1], 0x50);

	/* The smallest ATR, and the inverse convention reported as such. */
	a = parse_ok(ATR(0x3B, 0x00));
	assert_int_equal(a.protocols, 1);
	assert_int_equal(a.hist_len, 0);
	a = parse_ok(ATR(0x3F, 0x02, 0x14, 0x50));
	assert_int_equal(a.ts, 0x3F);

	/* TD1 naming T=0 explicitly: still T=0 only, still no TCK. */
	a = parse_ok(ATR(0x3B, 0x81, 0x00, 0x31));
	assert_int_equal(a.protocols, 1);
	assert_false(a.tck_present);
}

static void test_t0_t1_parameters(void **state)
{
	(void)state;
	/* TA1 96, TC1 02, TD1 C0 (T=0; TC2 TD2), TC2 14, TD2 71 (T=1; TA3
	 * TB3 TC3), TA3 FE, TB3 45, TC3 01, "KTPeL", TCK. */
	atr_info a = parse_ok(ATR(0x3B, 0xD5, 0x96, 0x02, 0xC0, 0x14, 0x71, 0xFE, 0x45, 0x01,
				  0x4B, 0x54, 0x50, 0x65, 0x4C, 0x38));
	assert_int_equal(a.protocols, 0x3);
	assert_int_equal(a.first_protocol, 0);
	assert_int_equal(a.fi_di, 0x96);
	assert_int_equal(a.extra_guard, 2);
	assert_int_equal(a.wi, 0x14);
	assert_int_equal(a.ifsc, 0xFE);
	assert_int_equal(a.bwi, 4);
	assert_int_equal(a.cwi, 5);
	assert_true(a.crc);
	assert_false(a.specific_mode);
	assert_true(a.tck_present);
	assert_int_equal(a.hist_len, 5);
	assert_memory_equal(a.hist, "KTPeL", 5);
}

static void test_specific_mode(void **state)
{
	(void)state;
	/* TA1 18, TD1 11 (T=1; TA2), TA2 81: specific mode, T=1. */
	atr_info a = parse_ok(ATR(0x3B, 0x93, 0x18, 0x11, 0x81, 0x31, 0x32, 0x33, 0x2B));
	assert_true(a.specific_mode);
	assert_int_equal(a.specific_protocol, 1);
	assert_int_equal(a.protocols, 1u << 1);
	assert_int_equal(a.first_protocol, 1);
	assert_int_equal(a.fi_di, 0x18);
	assert_int_equal(a.ifsc, 32); /* TA2 is not a T=1 TA */
	assert_int_equal(a.hist_len, 3);
}

static void test_global_bytes_t15(void **state)
{
	(void)state;
	/* TD1 80 (T=0), TD2 1F (T=15; TA3 C7: clock stop, classes): T=15
	 * offers nothing but makes TCK required. */
	atr_info a = parse_ok(ATR(0x3B, 0x94, 0x96, 0x80, 0x1F, 0xC7, 0x80, 0x31, 0xE0, 0x73,
				  0x78));
	assert_int_equal(a.protocols, 1u << 0);
	assert_int_equal(a.ifsc, 32); /* TA3 is for T=15 here, not T=1 */
	assert_true(a.tck_present);
	/* Without TCK the same ATR is refused. */
	parse_err(ATR(0x3B, 0x94, 0x96, 0x80, 0x1F, 0xC7, 0x80, 0x31, 0xE0, 0x73), ATR_ERR_TCK);
}

static void test_first_t1_parameters_count(void **state)
{
	(void)state;
	/* TD1 81 (T=1), TD2 B1 (T=1; TA3 80, TB3 75), TD3 31 (T=1; TA4 20,
	 * TB4 11): the first TA and TB for T=1 win. */
	atr_info a = parse_ok(ATR(0x3B, 0x82, 0x81, 0xB1, 0x80, 0x75, 0x31, 0x20, 0x11, 0x4B,
				  0x54, 0x58));
	assert_int_equal(a.protocols, 1u << 1);
	assert_int_equal(a.first_protocol, 1);
	assert_int_equal(a.ifsc, 0x80);
	assert_int_equal(a.bwi, 7);
	assert_int_equal(a.cwi, 5);
	assert_false(a.crc);
	assert_int_equal(a.hist_len, 2);
}

/* ---- refused ATRs ------------------------------------------------------- */

static void test_err_short(void **state)
{
	(void)state;
	parse_err(NULL, 0, ATR_ERR_SHORT);
	parse_err(ATR(0x3B), ATR_ERR_SHORT);
	parse_err(ATR(0x3B, 0x02, 0x14), ATR_ERR_SHORT);            /* a historical byte missing */
	parse_err(ATR(0x3B, 0x80), ATR_ERR_SHORT);                  /* TD1 missing */
	parse_err(ATR(0x3B, 0x80, 0x81), ATR_ERR_SHORT);            /* TD2 missing */
	parse_err(ATR(0x3B, 0xF0, 0x11, 0x00, 0x00), ATR_ERR_SHORT); /* TD1 missing after TC1 */
}

static void test_err_ts(void **state)
{
	(void)state;
	parse_err(ATR(0x3C, 0x02, 0x14, 0x50), ATR_ERR_TS);
	parse_err(ATR(0x00), ATR_ERR_TS);
	parse_err(ATR(0x03, 0x00), ATR_ERR_TS); /* inverse TS read in the direct convention */
}

static void test_err_long(void **state)
{
	(void)state;
	uint8_t b[ATR_MAX + 1];
	memset(b, 0, sizeof b);
	b[0] = 0x3B;
	parse_err(b, sizeof b, ATR_ERR_LONG);
	parse_err(ATR(0x3B, 0x02, 0x14, 0x50, 0x44), ATR_ERR_LONG); /* a T=0 ATR with a TCK */
	parse_err(ATR(0x3B, 0x80, 0x80, 0x01, 0x01, 0x00), ATR_ERR_LONG); /* a byte after TCK */
}

static void test_err_tck(void **state)
{
	(void)state;
	parse_err(ATR(0x3B, 0x8F, 0x80, 0x01, 0x80, 0x4F, 0x0C, 0xA0, 0x00, 0x00, 0x03, 0x06, 0x03,
		      0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x69),
		  ATR_ERR_TCK);
	parse_err(ATR(0x3B, 0x8F, 0x80, 0x01, 0x80, 0x4F, 0x0C, 0xA0, 0x00, 0x00, 0x03, 0x06, 0x03,
		      0x00, 0x03, 0x00, 0x00, 0x00, 0x00),
		  ATR_ERR_TCK); /* required, absent */
	parse_err(ATR(0x3B, 0x80, 0x80, 0x01), ATR_ERR_TCK);
}

static void test_err_proto(void **state)
{
	(void)state;
	parse_err(ATR(0x3B, 0x80, 0x0F, 0x0F), ATR_ERR_PROTO);       /* T=15 in TD1 */
	parse_err(ATR(0x3B, 0x80, 0x81, 0x00, 0x81), ATR_ERR_PROTO); /* T=1, then T=0 */
	/* IFSC 00 and FF in the first TA for T=1. */
	parse_err(ATR(0x3B, 0x80, 0x81, 0x11, 0x00, 0x11), ATR_ERR_PROTO);
	parse_err(ATR(0x3B, 0x80, 0x81, 0x11, 0xFF, 0xEE), ATR_ERR_PROTO);
	/* The same IFSC bytes for T=15 are not T=1's: accepted. */
	parse_ok(ATR(0x3B, 0x80, 0x80, 0x1F, 0xFF, 0xE0));
}

static void test_no_prefix_accepted(void **state)
{
	(void)state;
	static const uint8_t full[] = {0x3B, 0xD5, 0x96, 0x02, 0xC0, 0x14, 0x71, 0xFE,
				       0x45, 0x01, 0x4B, 0x54, 0x50, 0x65, 0x4C, 0x38};
	parse_ok(full, sizeof full);
	for (size_t n = 0; n < sizeof full; n++) {
		atr_info a;
		atr_err e = atr_parse(full, n, &a);
		assert_true(e == ATR_ERR_SHORT || e == ATR_ERR_TCK);
		assert_true(all_zero(&a, sizeof a));
	}
	/* Any single flipped bit in T0..TCK is caught (by TCK at least). */
	for (size_t i = 1; i < sizeof full; i++) {
		for (int bit = 0; bit < 8; bit++) {
			uint8_t b[sizeof full];
			memcpy(b, full, sizeof b);
			b[i] ^= (uint8_t)(1u << bit);
			atr_info a;
			assert_int_not_equal(atr_parse(b, sizeof b, &a), ATR_OK);
		}
	}
}

static void test_err_names(void **state)
{
	(void)state;
	const atr_err all[] = {ATR_OK, ATR_ERR_SHORT, ATR_ERR_TS, ATR_ERR_LONG, ATR_ERR_TCK,
			       ATR_ERR_PROTO};
	size_t n = sizeof all / sizeof all[0];
	for (size_t i = 0; i < n; i++) {
		const char *a = atr_err_name(all[i]);
		assert_non_null(a);
		assert_true(a[0] != '\0');
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(a, atr_err_name(all[j]));
	}
	assert_non_null(atr_err_name((atr_err)-99));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pcsc_contactless),
		cmocka_unit_test(test_t0_sam_without_tck),
		cmocka_unit_test(test_t0_t1_parameters),
		cmocka_unit_test(test_specific_mode),
		cmocka_unit_test(test_global_bytes_t15),
		cmocka_unit_test(test_first_t1_parameters_count),
		cmocka_unit_test(test_err_short),
		cmocka_unit_test(test_err_ts),
		cmocka_unit_test(test_err_long),
		cmocka_unit_test(test_err_tck),
		cmocka_unit_test(test_err_proto),
		cmocka_unit_test(test_no_prefix_accepted),
		cmocka_unit_test(test_err_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

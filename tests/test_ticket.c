/*
 * test_ticket: ticket numbers with a check symbol (rules/ticket.c).
 *
 * Random bytes come from a seeded splitmix64, so every run checks the same
 * tickets. The test keeps its own copy of the check rule (weights 1..8,
 * weighted sum 0 mod 31) and its own symbol lookup, and uses them to build
 * tickets by hand: so the claims of ticket.h are checked against an
 * independent statement of the rule, not against the code under test.
 *
 * What is checked: known tickets for fixed bytes (computed outside the
 * code, with Python big integers); make/parse round trips; that every
 * single-symbol substitution and every adjacent swap of two different
 * symbols is refused, both exhaustively over (position, old, new) on
 * tickets built by hand and on many random tickets; the forms a person may
 * type; refusals with the right code and OUT untouched; the symbol set; the
 * catalog keys; and that the data symbols are spread evenly.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "ticket.h"

enum {
	NSYM = 31,
	RANDOM_TICKETS = 2000,
	DRAWS_PER_SYMBOL = 1000,
};

static const char alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/* splitmix64: a small seeded generator; the state is the caller's. */
static uint64_t next_u64(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15u);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
	return z ^ (z >> 31);
}

static void random_bytes(uint64_t *s, uint8_t out[TICKET_RANDOM_BYTES])
{
	for (int i = 0; i < TICKET_RANDOM_BYTES; i += 8) {
		uint64_t r = next_u64(s);
		for (int j = 0; j < 8; j++)
			out[i + j] = (uint8_t)(r >> (8 * j));
	}
}

/* The test's own lookup: value of an upper-case symbol, or -1. */
static int value_of(char c)
{
	for (int i = 0; i < NSYM; i++)
		if (alphabet[i] == c)
			return i;
	return -1;
}

/* "XXXX-XXXX" into its 8 values. */
static void values_of(const char *t, int v[TICKET_LEN])
{
	assert_int_equal(strlen(t), 9);
	assert_int_equal(t[4], '-');
	for (int i = 0, j = 0; i < 9; i++) {
		if (i == 4)
			continue;
		v[j] = value_of(t[i]);
		assert_true(v[j] >= 0);
		j++;
	}
}

static void text_of(const int v[TICKET_LEN], char out[TICKET_TEXT_MAX])
{
	for (int i = 0, j = 0; i < TICKET_LEN; i++) {
		if (i == 4)
			out[j++] = '-';
		out[j++] = alphabet[v[i]];
		out[j] = '\0';
	}
}

static int weighted_sum(const int v[TICKET_LEN])
{
	int s = 0;
	for (int i = 0; i < TICKET_LEN; i++)
		s += (i + 1) * v[i];
	return s % NSYM;
}

/* Set v[FREE] so that the weighted sum is 0 mod 31 (searching, no algebra). */
static void complete(int v[TICKET_LEN], int free)
{
	for (int c = 0; c < NSYM; c++) {
		v[free] = c;
		if (weighted_sum(v) == 0)
			return;
	}
	fail_msg("no value completes the ticket at position %d", free);
}

static void make_random(uint64_t *seed, char out[TICKET_TEXT_MAX])
{
	uint8_t r[TICKET_RANDOM_BYTES];
	random_bytes(seed, r);
	ticket_make(r, out);
}

static void expect_refused(const char *in, ticket_err want)
{
	char out[TICKET_TEXT_MAX];
	memset(out, 'Q', sizeof out);
	ticket_err got = ticket_parse(in, out);
	if (got != want)
		fail_msg("\"%s\": got %d, want %d", in, (int)got, (int)want);
	for (size_t i = 0; i < sizeof out; i++)
		assert_int_equal(out[i], 'Q'); /* untouched on failure */
	assert_int_equal(ticket_parse(in, NULL), want);
}

/* ---- making ------------------------------------------------------------- */

static void test_known_tickets(void **state)
{
	(void)state;
	static const struct {
		uint8_t r[TICKET_RANDOM_BYTES];
		const char *want;
	} cases[] = {
		{ { 0 }, "2222-2222" },
		{ { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
		    0xFF, 0xFF, 0xFF },
		  "9GN3-SWXM" },
		{ { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 }, "PT7T-4RXB" },
		{ { [15] = 1 }, "3222-222W" },  /* X = 1: first data value 1 */
		{ { [15] = 31 }, "2322-222S" }, /* X = 31: second data value 1 */
	};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		char out[TICKET_TEXT_MAX];
		ticket_make(cases[k].r, out);
		assert_string_equal(out, cases[k].want);
	}
}

static void test_make_is_deterministic_and_uses_every_byte(void **state)
{
	(void)state;
	uint64_t seed = 42;
	for (int k = 0; k < 8; k++) {
		uint8_t r[TICKET_RANDOM_BYTES];
		random_bytes(&seed, r);
		char a[TICKET_TEXT_MAX], b[TICKET_TEXT_MAX];
		ticket_make(r, a);
		ticket_make(r, b);
		assert_string_equal(a, b);
		/* Changing one byte by d changes X by d * 256^j, never a multiple
		 * of 31^7: every single-byte change gives another ticket. */
		for (int i = 0; i < TICKET_RANDOM_BYTES; i++) {
			uint8_t keep = r[i];
			for (int x = 0; x < 256; x++) {
				if (x == keep)
					continue;
				r[i] = (uint8_t)x;
				ticket_make(r, b);
				if (strcmp(a, b) == 0)
					fail_msg("byte %d = %d gives the same ticket %s", i, x, a);
			}
			r[i] = keep;
		}
	}
}

static void test_round_trip(void **state)
{
	(void)state;
	uint64_t seed = 1;
	for (int k = 0; k < RANDOM_TICKETS * 5; k++) {
		char t[TICKET_TEXT_MAX], back[TICKET_TEXT_MAX];
		make_random(&seed, t);
		int v[TICKET_LEN];
		values_of(t, v);
		assert_int_equal(weighted_sum(v), 0);
		assert_int_equal(ticket_parse(t, back), TICKET_OK);
		assert_string_equal(back, t);
	}
}

/* ---- the check ---------------------------------------------------------- */

/* Every (position, old value, new value): a ticket built by hand with OLD at
 * the position is accepted, and with NEW instead refused. The change of the
 * sum depends only on these three, so this covers every ticket. */
static void test_every_substitution_detected_exhaustive(void **state)
{
	(void)state;
	int cases = 0;
	for (int pos = 0; pos < TICKET_LEN; pos++) {
		for (int a = 0; a < NSYM; a++) {
			int v[TICKET_LEN] = { 0 };
			v[pos] = a;
			complete(v, pos == TICKET_LEN - 1 ? 0 : TICKET_LEN - 1);
			assert_int_equal(v[pos], a);
			char t[TICKET_TEXT_MAX];
			text_of(v, t);
			assert_int_equal(ticket_parse(t, NULL), TICKET_OK);
			for (int b = 0; b < NSYM; b++) {
				if (b == a)
					continue;
				v[pos] = b;
				text_of(v, t);
				if (ticket_parse(t, NULL) != TICKET_ERR_CHECK)
					fail_msg("substitution %d: %c -> %c not detected in %s", pos,
						 alphabet[a], alphabet[b], t);
				cases++;
			}
			v[pos] = a;
		}
	}
	assert_int_equal(cases, TICKET_LEN * NSYM * (NSYM - 1));
}

/* Every (position, a, b) with a != b: swapping neighbours a, b is refused. */
static void test_every_transposition_detected_exhaustive(void **state)
{
	(void)state;
	int cases = 0;
	for (int pos = 0; pos + 1 < TICKET_LEN; pos++) {
		for (int a = 0; a < NSYM; a++) {
			for (int b = 0; b < NSYM; b++) {
				if (a == b)
					continue;
				int v[TICKET_LEN] = { 0 };
				v[pos] = a;
				v[pos + 1] = b;
				complete(v, pos + 1 == TICKET_LEN - 1 ? 0 : TICKET_LEN - 1);
				assert_int_equal(v[pos], a);
				assert_int_equal(v[pos + 1], b);
				char t[TICKET_TEXT_MAX];
				text_of(v, t);
				assert_int_equal(ticket_parse(t, NULL), TICKET_OK);
				v[pos] = b;
				v[pos + 1] = a;
				text_of(v, t);
				if (ticket_parse(t, NULL) != TICKET_ERR_CHECK)
					fail_msg("swap at %d of %c%c not detected: %s", pos,
						 alphabet[a], alphabet[b], t);
				cases++;
			}
		}
	}
	assert_int_equal(cases, (TICKET_LEN - 1) * NSYM * (NSYM - 1));
}

/* The same on random tickets made by ticket_make(). */
static void test_substitutions_of_random_tickets(void **state)
{
	(void)state;
	uint64_t seed = 2;
	for (int k = 0; k < RANDOM_TICKETS; k++) {
		char t[TICKET_TEXT_MAX];
		make_random(&seed, t);
		int v[TICKET_LEN];
		values_of(t, v);
		for (int pos = 0; pos < TICKET_LEN; pos++) {
			int keep = v[pos];
			for (int b = 0; b < NSYM; b++) {
				if (b == keep)
					continue;
				char bad[TICKET_TEXT_MAX];
				v[pos] = b;
				text_of(v, bad);
				if (ticket_parse(bad, NULL) != TICKET_ERR_CHECK)
					fail_msg("%s -> %s not detected", t, bad);
			}
			v[pos] = keep;
		}
	}
}

static void test_transpositions_of_random_tickets(void **state)
{
	(void)state;
	uint64_t seed = 3;
	int swaps = 0;
	for (int k = 0; k < RANDOM_TICKETS; k++) {
		char t[TICKET_TEXT_MAX];
		make_random(&seed, t);
		int v[TICKET_LEN];
		values_of(t, v);
		for (int pos = 0; pos + 1 < TICKET_LEN; pos++) {
			if (v[pos] == v[pos + 1])
				continue; /* swapping equal symbols changes nothing */
			int w[TICKET_LEN];
			memcpy(w, v, sizeof w);
			w[pos] = v[pos + 1];
			w[pos + 1] = v[pos];
			char bad[TICKET_TEXT_MAX];
			text_of(w, bad);
			if (ticket_parse(bad, NULL) != TICKET_ERR_CHECK)
				fail_msg("%s -> %s not detected", t, bad);
			swaps++;
		}
	}
	/* About 30/31 of the 7 pairs of each ticket differ. */
	assert_true(swaps > RANDOM_TICKETS * 6);
}

/* ---- what a person types ------------------------------------------------ */

static void test_input_forms_accepted(void **state)
{
	(void)state;
	uint8_t r[TICKET_RANDOM_BYTES];
	for (int i = 0; i < TICKET_RANDOM_BYTES; i++)
		r[i] = (uint8_t)(i * 37 + 11);
	char t[TICKET_TEXT_MAX];
	ticket_make(r, t);
	char lower[TICKET_TEXT_MAX];
	for (int i = 0; i < TICKET_TEXT_MAX; i++)
		lower[i] = t[i] >= 'A' && t[i] <= 'Z' ? (char)(t[i] - 'A' + 'a') : t[i];

	char forms[12][64];
	int n = 0;
	snprintf(forms[n++], 64, "%s", t);
	snprintf(forms[n++], 64, "%s", lower);
	snprintf(forms[n++], 64, "%.4s%.4s", t, t + 5);            /* no dash */
	snprintf(forms[n++], 64, "%.4s%.4s", lower, lower + 5);
	snprintf(forms[n++], 64, "   %s  ", t);                    /* surrounding spaces */
	snprintf(forms[n++], 64, "%.4s %.4s", t, t + 5);           /* space for dash */
	snprintf(forms[n++], 64, "%.4s - %.4s", lower, t + 5);     /* mixed case */
	snprintf(forms[n++], 64, "%.4s--%.4s-", t, t + 5);         /* extra dashes */
	snprintf(forms[n++], 64, "-%.2s-%.2s-%.2s-%.2s", t, t + 2, t + 5, t + 7);
	snprintf(forms[n++], 64, "%c %c %c %c %c %c %c %c", t[0], lower[1], t[2], t[3], t[5],
		 t[6], lower[7], t[8]);                              /* one by one */
	snprintf(forms[n++], 64, " - %.4s - %.4s - ", t, lower + 5);
	snprintf(forms[n++], 64, "%.3s-%.1s%.4s", t, t + 3, t + 5); /* dash misplaced */
	for (int i = 0; i < n; i++) {
		char out[TICKET_TEXT_MAX];
		if (ticket_parse(forms[i], out) != TICKET_OK)
			fail_msg("\"%s\" refused", forms[i]);
		assert_string_equal(out, t);
	}
}

static void test_refusals(void **state)
{
	(void)state;
	const char *t = "9GN3-SWXM"; /* valid: see test_known_tickets */
	assert_int_equal(ticket_parse(t, NULL), TICKET_OK);

	expect_refused("", TICKET_ERR_LENGTH);
	expect_refused("   ", TICKET_ERR_LENGTH);
	expect_refused("----", TICKET_ERR_LENGTH);
	expect_refused("9GN3-SWX", TICKET_ERR_LENGTH);
	expect_refused("9GN3-SWXMM", TICKET_ERR_LENGTH);
	expect_refused("9GN3-SWXM-9GN3-SWXM", TICKET_ERR_LENGTH);

	/* Look-alikes and anything else outside the alphabet, at each place. */
	const char *refused = "O0I1Lol i_+.,/\t\n";
	for (const char *c = refused; *c; c++) {
		if (*c == ' ')
			continue;
		for (int pos = 0; pos < 9; pos++) {
			char bad[16];
			memcpy(bad, t, 10);
			bad[pos] = *c;
			expect_refused(bad, TICKET_ERR_CHAR);
		}
	}
	/* A bad character wins over a bad length. */
	expect_refused("0", TICKET_ERR_CHAR);
	expect_refused("9GN3-SWXMO", TICKET_ERR_CHAR);
	expect_refused("9GN3-SWX0M22", TICKET_ERR_CHAR);
	/* Non-ASCII (UTF-8 "Ö" and a no-break space) is refused, not folded. */
	expect_refused("9GN3-SWX\xc3\x96", TICKET_ERR_CHAR);
	expect_refused("9GN3\xc2\xa0SWXM", TICKET_ERR_CHAR);

	expect_refused("9GN3-SWXN", TICKET_ERR_CHECK);
	expect_refused("G9N3-SWXM", TICKET_ERR_CHECK);
	expect_refused("9gn3 swxn", TICKET_ERR_CHECK);
}

/* ---- symbols, keys, spread ---------------------------------------------- */

static void test_symbol_set(void **state)
{
	(void)state;
	assert_int_equal(strlen(TICKET_SYMBOLS), TICKET_NSYMBOLS);
	assert_string_equal(TICKET_SYMBOLS, alphabet);
	int ok = 0;
	for (int c = -128; c < 128; c++) {
		if (!ticket_symbol_ok((char)c))
			continue;
		assert_true(value_of((char)c) >= 0);
		ok++;
	}
	assert_int_equal(ok, NSYM);
	for (const char *c = "0O1ILoil az"; *c; c++)
		assert_false(ticket_symbol_ok(*c));
}

static void test_err_keys(void **state)
{
	(void)state;
	assert_string_equal(ticket_err_key(TICKET_ERR_LENGTH), "ticket.err_length");
	assert_string_equal(ticket_err_key(TICKET_ERR_CHAR), "ticket.err_char");
	assert_string_equal(ticket_err_key(TICKET_ERR_CHECK), "ticket.err_check");
	assert_string_equal(ticket_err_key(TICKET_OK), "ticket.err_unknown");
	assert_string_equal(ticket_err_key((ticket_err)99), "ticket.err_unknown");
}

/*
 * 31 * 1000 draws: each symbol in each position about 1000 times. A count
 * is binomial with sd ~31, so 800..1200 is over 6 sd; the chi-square of
 * each position (30 degrees of freedom, mean 30) must stay below 90. The
 * seed is fixed, so this is a regression check on the mapping, not a flaky
 * statistical test.
 */
static void test_symbols_evenly_spread(void **state)
{
	(void)state;
	static int count[TICKET_LEN][NSYM];
	memset(count, 0, sizeof count);
	uint64_t seed = 4;
	const int draws = NSYM * DRAWS_PER_SYMBOL;
	for (int k = 0; k < draws; k++) {
		char t[TICKET_TEXT_MAX];
		make_random(&seed, t);
		int v[TICKET_LEN];
		values_of(t, v);
		for (int pos = 0; pos < TICKET_LEN; pos++)
			count[pos][v[pos]]++;
	}
	for (int pos = 0; pos < TICKET_LEN; pos++) {
		double chi2 = 0;
		for (int s = 0; s < NSYM; s++) {
			if (count[pos][s] < 800 || count[pos][s] > 1200)
				fail_msg("symbol %c at position %d drawn %d times of %d", alphabet[s], pos,
					 count[pos][s], draws);
			double d = count[pos][s] - DRAWS_PER_SYMBOL;
			chi2 += d * d / DRAWS_PER_SYMBOL;
		}
		if (chi2 > 90.0)
			fail_msg("position %d: chi-square %.1f", pos, chi2);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_tickets),
		cmocka_unit_test(test_make_is_deterministic_and_uses_every_byte),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_every_substitution_detected_exhaustive),
		cmocka_unit_test(test_every_transposition_detected_exhaustive),
		cmocka_unit_test(test_substitutions_of_random_tickets),
		cmocka_unit_test(test_transpositions_of_random_tickets),
		cmocka_unit_test(test_input_forms_accepted),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_symbol_set),
		cmocka_unit_test(test_err_keys),
		cmocka_unit_test(test_symbols_evenly_spread),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

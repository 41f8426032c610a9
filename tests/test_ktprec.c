/*
 * test_ktprec: the KTP-el demographic record (drivers/ktp.c,
 * ktp_parse_record, ktp_encode_record, ktp_record_size), the BER-TLV layout
 * of docs/card-profile.md.
 *
 * The layout is pinned by exact bytes: a small made-up identity encodes to
 * the bytes the document describes, and those bytes parse back. The card
 * images in tests/cards/ (made-up people) survive encode then parse field
 * for field, and records long enough for the 81 and 82 length forms do too.
 * Every structural fault the document lists is refused with its code and
 * leaves the identity wiped: a wrong template tag, a record cut short or
 * followed by a byte, an inner length running past its parent, non-minimal
 * lengths, a missing, misplaced or unknown version, a repeated field, a
 * constructed or unknown tag, missing required fields, bad values and a NIK
 * the service rules refuse; reserved tags 92-9E are skipped. Every
 * truncation of a real record fails cleanly, encoding into every buffer
 * that is too small returns 0, and seeded random mutations never crash and
 * give either a valid identity or zeros.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktp.h"

static bool all_zero(const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

/* The identity of tests/cards/NAME. */
static ktp_identity card_identity(const char *name)
{
	char path[512];
	snprintf(path, sizeof path, "%s/cards/%s", KIOSK_TEST_DIR, name);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char text[8192];
	size_t len = fread(text, 1, sizeof text, f);
	fclose(f);
	char uid[KTP_UID_CAP];
	ktp_identity id;
	bool has;
	assert_int_equal(ktp_parse_image(text, len, uid, sizeof uid, &id, &has), KTP_OK);
	assert_true(has);
	return id;
}

/* Parse with a garbage-filled output, and check the wipe on failure. */
static ktp_err parse(const uint8_t *rec, size_t n, ktp_identity *out)
{
	memset(out, 0xA5, sizeof *out);
	ktp_err e = ktp_parse_record(rec, n, out);
	if (e != KTP_OK)
		assert_true(all_zero(out, sizeof *out));
	return e;
}

/* A minimal made-up identity and its exact record. */
static ktp_identity minimal(void)
{
	ktp_identity id;
	memset(&id, 0, sizeof id);
	strcpy(id.nik, "3375010101900002");
	strcpy(id.name, "ANA");
	id.birth_y = 1990;
	id.birth_m = 1;
	id.birth_d = 1;
	id.sex = KTP_SEX_MALE;
	return id;
}

static const uint8_t minimal_rec[] = {
	0x70, 0x29,
	0x80, 0x01, 0x01,
	0x81, 0x10, '3', '3', '7', '5', '0', '1', '0', '1', '0', '1', '9', '0', '0', '0', '0', '2',
	0x82, 0x03, 'A', 'N', 'A',
	0x84, 0x0A, '1', '9', '9', '0', '-', '0', '1', '-', '0', '1',
	0x85, 0x01, 'L',
};

static void test_exact_bytes(void **state)
{
	(void)state;
	ktp_identity id = minimal(), back;
	uint8_t buf[256];
	size_t n = ktp_encode_record(&id, buf, sizeof buf);
	assert_int_equal(n, sizeof minimal_rec);
	assert_memory_equal(buf, minimal_rec, n);
	assert_int_equal(parse(minimal_rec, sizeof minimal_rec, &back), KTP_OK);
	assert_memory_equal(&back, &id, sizeof id);
	size_t total;
	assert_int_equal(ktp_record_size(minimal_rec, 2, &total), KTP_OK);
	assert_int_equal(total, sizeof minimal_rec);
}

static void round_trip(const ktp_identity *id)
{
	uint8_t buf[KTP_RECORD_MAX];
	size_t n = ktp_encode_record(id, buf, sizeof buf);
	assert_true(n > 0);
	ktp_identity back;
	assert_int_equal(parse(buf, n, &back), KTP_OK);
	assert_memory_equal(&back, id, sizeof *id);
	size_t total;
	assert_int_equal(ktp_record_size(buf, 4, &total), KTP_OK);
	assert_int_equal(total, n);
	/* Every cut-short record and every buffer too small fail cleanly. */
	for (size_t cut = 0; cut < n; cut++)
		assert_int_not_equal(parse(buf, cut, &back), KTP_OK);
	uint8_t small[KTP_RECORD_MAX];
	for (size_t cap = 0; cap < n; cap++)
		assert_int_equal(ktp_encode_record(id, small, cap), 0);
}

static void test_cards_round_trip(void **state)
{
	(void)state;
	ktp_identity siti = card_identity("siti.card"), budi = card_identity("budi.card");
	round_trip(&siti);
	round_trip(&budi);
}

/* Records of every length form: short (< 128), 81 xx, 82 xx xx. */
static void test_length_forms(void **state)
{
	(void)state;
	ktp_identity id = minimal();
	uint8_t buf[KTP_RECORD_MAX];
	assert_int_equal(ktp_encode_record(&id, buf, sizeof buf), sizeof minimal_rec);
	assert_true(buf[1] < 0x80);

	memset(id.address, 'A', 120); /* the body passes 127 bytes */
	assert_true(ktp_encode_record(&id, buf, sizeof buf) > 0);
	assert_int_equal(buf[1], 0x81);
	assert_int_equal(buf[3 + 41], 0x87); /* the address after the 41 bytes above */
	round_trip(&id);

	memset(id.address, 'B', KTP_ADDRESS_CAP - 1); /* address over 127: 87 81 A0 */
	memset(id.occupation, 'C', KTP_OCCUPATION_CAP - 1);
	memset(id.birth_place, 'D', KTP_PLACE_CAP - 1);
	size_t n = ktp_encode_record(&id, buf, sizeof buf);
	assert_true(n > 255);
	assert_int_equal(buf[1], 0x82);
	round_trip(&id);
}

/* MINIMAL_REC with BYTES spliced in at AT, replacing DROP bytes, and the
 * template length fixed up (short form only). */
static size_t splice(uint8_t *out, size_t at, size_t drop, const uint8_t *bytes, size_t n)
{
	memcpy(out, minimal_rec, at);
	if (n > 0)
		memcpy(out + at, bytes, n);
	memcpy(out + at + n, minimal_rec + at + drop, sizeof minimal_rec - at - drop);
	size_t total = sizeof minimal_rec - drop + n;
	out[1] = (uint8_t)(total - 2);
	return total;
}

static void test_structure_faults(void **state)
{
	(void)state;
	uint8_t rec[256];
	ktp_identity id;
	size_t n;

	memcpy(rec, minimal_rec, sizeof minimal_rec);
	rec[0] = 0x71; /* not the record template */
	assert_int_equal(parse(rec, sizeof minimal_rec, &id), KTP_ERR_TLV);

	memcpy(rec, minimal_rec, sizeof minimal_rec);
	rec[sizeof minimal_rec] = 0x00; /* a byte after the template */
	assert_int_equal(parse(rec, sizeof minimal_rec + 1, &id), KTP_ERR_TLV);

	memcpy(rec, minimal_rec, sizeof minimal_rec);
	rec[1] = 0x2A; /* the template claims one byte more than there is */
	assert_int_equal(parse(rec, sizeof minimal_rec, &id), KTP_ERR_TLV);

	memcpy(rec, minimal_rec, sizeof minimal_rec);
	rec[sizeof minimal_rec - 2] = 0x02; /* the last field runs past the template */
	assert_int_equal(parse(rec, sizeof minimal_rec, &id), KTP_ERR_TLV);

	/* A non-minimal long form: 81 2A for a short length. */
	memcpy(rec, minimal_rec, 1);
	rec[1] = 0x81;
	rec[2] = 0x29;
	memcpy(rec + 3, minimal_rec + 2, sizeof minimal_rec - 2);
	assert_int_equal(parse(rec, sizeof minimal_rec + 1, &id), KTP_ERR_TLV);

	/* A non-minimal inner length: 82 81 03 'A' 'N' 'A'. */
	n = splice(rec, 24, 1, (const uint8_t[]){0x81, 0x03}, 2);
	assert_int_equal(parse(rec, n, &id), KTP_ERR_TLV);

	/* Lengths in forms the profile does not use (80 indefinite, 83). */
	n = splice(rec, 24, 1, (const uint8_t[]){0x80}, 1);
	assert_int_equal(parse(rec, n, &id), KTP_ERR_TLV);
	n = splice(rec, 24, 1, (const uint8_t[]){0x83, 0x00, 0x00, 0x03}, 4);
	assert_int_equal(parse(rec, n, &id), KTP_ERR_TLV);

	/* Version: missing (a field first), repeated, of another value. */
	n = splice(rec, 2, 3, NULL, 0);
	assert_int_equal(parse(rec, n, &id), KTP_ERR_TLV);
	n = splice(rec, 5, 0, (const uint8_t[]){0x80, 0x01, 0x01}, 3);
	assert_int_equal(parse(rec, n, &id), KTP_ERR_TLV);
	memcpy(rec, minimal_rec, sizeof minimal_rec);
	rec[4] = 0x02;
	assert_int_equal(parse(rec, sizeof minimal_rec, &id), KTP_ERR_VERSION);
	n = splice(rec, 3, 2, (const uint8_t[]){0x02, 0x01, 0x00}, 3);
	assert_int_equal(parse(rec, n, &id), KTP_ERR_VERSION);

	/* A repeated field, a constructed tag, an unknown tag, a tag outside. */
	n = splice(rec, 5, 0, (const uint8_t[]){0x82, 0x01, 'B'}, 3);
	assert_int_equal(parse(rec, n, &id), KTP_ERR_TLV);
	n = splice(rec, 5, 0, (const uint8_t[]){0xA1, 0x00}, 2);
	assert_int_equal(parse(rec, n, &id), KTP_ERR_TLV);
	n = splice(rec, 5, 0, (const uint8_t[]){0x5F, 0x00}, 2);
	assert_int_equal(parse(rec, n, &id), KTP_ERR_TLV);
	n = splice(rec, 5, 0, (const uint8_t[]){0x9F, 0x01, 0x00}, 3);
	assert_int_equal(parse(rec, n, &id), KTP_ERR_TLV);

	/* Reserved tags are skipped, whatever they hold. */
	n = splice(rec, 5, 0, (const uint8_t[]){0x92, 0x02, 0x00, 0xFF, 0x9E, 0x00}, 6);
	assert_int_equal(parse(rec, n, &id), KTP_OK);
	assert_string_equal(id.name, "ANA");

	/* Over the cap: refused before reading. */
	uint8_t big[KTP_RECORD_MAX + 8] = {0x70, 0x82, 0x10, 0x00};
	size_t total;
	assert_int_equal(ktp_record_size(big, 4, &total), KTP_ERR_TLV);
	assert_int_equal(ktp_record_size(big, 3, &total), KTP_ERR_MISSING);
	assert_int_equal(ktp_record_size(big, 1, &total), KTP_ERR_MISSING);
	assert_int_equal(parse(big, sizeof big, &id), KTP_ERR_TLV);
}

static void test_field_faults(void **state)
{
	(void)state;
	uint8_t rec[256];
	ktp_identity id;
	size_t n;

	/* Each required field left out. */
	n = splice(rec, 5, 18, NULL, 0); /* NIK */
	assert_int_equal(parse(rec, n, &id), KTP_ERR_MISSING);
	n = splice(rec, 23, 5, NULL, 0); /* name */
	assert_int_equal(parse(rec, n, &id), KTP_ERR_MISSING);
	n = splice(rec, 28, 12, NULL, 0); /* birth date */
	assert_int_equal(parse(rec, n, &id), KTP_ERR_MISSING);
	n = splice(rec, 40, 3, NULL, 0); /* sex */
	assert_int_equal(parse(rec, n, &id), KTP_ERR_MISSING);

	/* Bad values. */
	n = splice(rec, 42, 1, (const uint8_t[]){'X'}, 1); /* sex */
	assert_int_equal(parse(rec, n, &id), KTP_ERR_FIELD);
	n = splice(rec, 25, 1, (const uint8_t[]){0x00}, 1); /* NUL in the name */
	assert_int_equal(parse(rec, n, &id), KTP_ERR_FIELD);
	n = splice(rec, 25, 1, (const uint8_t[]){0x0A}, 1); /* a newline */
	assert_int_equal(parse(rec, n, &id), KTP_ERR_FIELD);
	n = splice(rec, 23, 5, (const uint8_t[]){0x82, 0x00}, 2); /* an empty name */
	assert_int_equal(parse(rec, n, &id), KTP_ERR_FIELD);
	n = splice(rec, 35, 2, (const uint8_t[]){'1', '3'}, 2); /* month 13 */
	assert_int_equal(parse(rec, n, &id), KTP_ERR_FIELD);
	n = splice(rec, 7, 1, (const uint8_t[]){'0'}, 1); /* province 03 */
	assert_int_equal(parse(rec, n, &id), KTP_ERR_NIK);
	n = splice(rec, 8, 1, (const uint8_t[]){'X'}, 1); /* not a digit */
	assert_int_equal(parse(rec, n, &id), KTP_ERR_NIK);
}

static uint64_t next_u64(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void test_mutations(void **state)
{
	(void)state;
	ktp_identity siti = card_identity("siti.card");
	uint8_t good[KTP_RECORD_MAX], rec[KTP_RECORD_MAX];
	size_t n = ktp_encode_record(&siti, good, sizeof good);
	assert_true(n > 0);
	uint64_t seed = 0x9E3779B97F4A7C15u;
	int ok = 0;
	for (int round = 0; round < 20000; round++) {
		memcpy(rec, good, n);
		int flips = 1 + (int)(next_u64(&seed) % 4);
		for (int f = 0; f < flips; f++)
			rec[next_u64(&seed) % n] = (uint8_t)next_u64(&seed);
		ktp_identity id;
		if (parse(rec, n, &id) == KTP_OK) {
			ok++;
			assert_int_equal(strlen(id.nik), 16);
			assert_true(id.name[0] != '\0');
		}
	}
	assert_true(ok < 20000); /* most mutations break something */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact_bytes),
		cmocka_unit_test(test_cards_round_trip),
		cmocka_unit_test(test_length_forms),
		cmocka_unit_test(test_structure_faults),
		cmocka_unit_test(test_field_faults),
		cmocka_unit_test(test_mutations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

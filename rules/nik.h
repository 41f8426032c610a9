/*
 * nik: the two identity numbers of an applicant, the NIK (Nomor Induk
 * Kependudukan, the national ID number on the KTP-el) and the NIP (Nomor
 * Induk Pegawai, the civil-servant number), parsed into their parts, checked,
 * and cross-checked against each other and against data from elsewhere.
 *
 * NIK, 16 digits, no check digit: PP RR DD | DDMMYY | SSSS, province,
 * regency/city, district of first registration, birth date (women: day + 40;
 * the century is not encoded), serial 0001-9999.
 * NIP, 18 digits: YYYYMMDD birth date, YYYYMM start of service, sex digit
 * (1 male, 2 female), serial 001-999.
 * A malformed number is an error naming the wrong part. A well-formed NIK is
 * permanent even when its date or sex disagrees with other data (it is not
 * re-issued when a birth date is corrected), so disagreements are only
 * warnings for the officer. Plain C11, no I/O, no global state.
 */
#ifndef KIOSK_NIK_H
#define KIOSK_NIK_H

#include <stdbool.h>
#include <stddef.h>

#include "val.h"

enum {
	NIK_LEN = 16,
	NIK_CAP = NIK_LEN + 1, /* bytes of a NIK string, NUL included */
	NIP_LEN = 18,
	NIP_CAP = NIP_LEN + 1,
	NIP_BIRTH_YEAR_MIN = 1930, /* any pensioner's record still on file */
	NIP_BIRTH_YEAR_MAX = 2049, /* no clock here: wide enough for this firmware's life */
	NIP_START_AGE_MIN = 14,    /* start year - birth year, inclusive */
	NIP_START_AGE_MAX = 60,
	NIK_CHECK_MAX = 2 /* most warnings one cross-check can give */
};

/* The parts of a NIK. DAY is the real day of birth (1-31): for women the NIK
 * holds DAY + 40 and FEMALE is true. YY is the year modulo 100. */
typedef struct nik_info {
	int province, regency, district;
	int day, month, yy;
	bool female;
	int serial;
} nik_info;

/*
 * Parse and check a NIK. IN is NUL-terminated; surrounding ASCII white space
 * is trimmed (a card reader or a paste may add it), nothing else is: the
 * number itself must be exactly 16 digits with no separators. IN NULL counts
 * as "". OUT (may be NULL) gets the parts on VAL_OK and is zeroed otherwise.
 * Returns, for the first rule broken in this order:
 *   VAL_EMPTY         nothing but white space;
 *   VAL_NIK_DIGITS    a character other than 0-9 (also a space inside);
 *   VAL_NIK_LENGTH    not 16 digits;
 *   VAL_NIK_PROVINCE  digits 1-2 not a province code (nik_province_known);
 *   VAL_NIK_DAY       digits 7-8 are 00, 32-40 or above 71;
 *   VAL_NIK_MONTH     digits 9-10 are 00 or above 12;
 *   VAL_NIK_DATE      the day does not exist in that month in any year
 *                     (30 or 31 February, 31 April...; 29 February is
 *                     accepted, the century being unknown);
 *   VAL_NIK_SERIAL    digits 13-16 are 0000;
 *   VAL_OK.
 * Regency and district codes are not checked (no table is kept here).
 */
val_code nik_parse(const char *in, nik_info *out);

/* True when CODE is a province code in use: 11-19, 21, 31-36, 51-53, 61-65,
 * 71-76, 81-82, 91-97. */
bool nik_province_known(int code);

/*
 * Write the 16 digits of NIK to OUT (CAP bytes, NIK_CAP is enough), the
 * inverse of nik_parse. Returns true; false, with OUT "" (when CAP > 0), when
 * CAP < NIK_CAP or a part is out of range (the same rules as nik_parse).
 */
bool nik_format(const nik_info *nik, char *out, size_t cap);

/* The parts of a NIP. */
typedef struct nip_info {
	int birth_y, birth_m, birth_d;
	int start_y, start_m;
	bool female;
	int serial;
} nip_info;

/*
 * Parse and check a NIP. IN is NUL-terminated; surrounding ASCII white space
 * is trimmed; the number itself must be exactly 18 digits (the spaced
 * written form "19850312 201001 1 005" is refused with VAL_NIP_DIGITS). IN
 * NULL counts as "". OUT (may be NULL) gets the parts on VAL_OK and is
 * zeroed otherwise. Returns, for the first rule broken in this order:
 *   VAL_EMPTY           nothing but white space;
 *   VAL_NIP_DIGITS      a character other than 0-9;
 *   VAL_NIP_LENGTH      not 18 digits;
 *   VAL_NIP_BIRTH_DATE  digits 1-8 are not a real calendar date (29 February
 *                       only in leap years) with the year in
 *                       NIP_BIRTH_YEAR_MIN..NIP_BIRTH_YEAR_MAX;
 *   VAL_NIP_START_DATE  digits 13-14 (month) not 01-12, or the start year
 *                       (digits 9-12) not NIP_START_AGE_MIN..MAX years after
 *                       the birth year;
 *   VAL_NIP_SEX         digit 15 not 1 or 2;
 *   VAL_NIP_SERIAL      digits 16-18 are 000;
 *   VAL_OK.
 */
val_code nip_parse(const char *in, nip_info *out);

/* Write the 18 digits of NIP to OUT (CAP bytes, NIP_CAP is enough), the
 * inverse of nip_parse. Returns true; false, with OUT "" (when CAP > 0), when
 * CAP < NIP_CAP or the parts break a rule of nip_parse. */
bool nip_format(const nip_info *nip, char *out, size_t cap);

/*
 * Cross-check a parsed NIK against a parsed NIP of the same person. Writes
 * at most CAP (and at most NIK_CHECK_MAX) warnings to OUT, in this order, and
 * returns how many it wrote:
 *   VAL_W_NIK_NIP_BIRTH  NIK day, month or YY differ from the NIP birth date
 *                        (YY compared with birth year % 100);
 *   VAL_W_NIK_NIP_SEX    NIK female (day + 40) differs from the NIP sex digit.
 * NIK or NIP NULL, or OUT NULL or CAP <= 0: returns 0.
 */
int nik_nip_check(const nik_info *nik, const nip_info *nip, val_code *out, int cap);

/*
 * Cross-check a parsed NIK against a birth date and sex known from elsewhere
 * (the KTP-el chip, the central service). Any date part <= 0 is unknown and
 * not compared (BIRTH_Y is compared as BIRTH_Y % 100); SEX is 0 unknown, 1
 * male, 2 female (other values count as unknown). Writes at most CAP warnings
 * to OUT, in this order, and returns how many it wrote:
 *   VAL_W_NIK_BIRTH  a known date part differs from the NIK's;
 *   VAL_W_NIK_SEX    the known sex differs from the NIK's.
 * NIK NULL, or OUT NULL or CAP <= 0: returns 0.
 */
int nik_person_check(const nik_info *nik, int birth_y, int birth_m, int birth_d, int sex,
		     val_code *out, int cap);

#endif

/*
 * ktp: the identity read from a KTP-el (the Indonesian electronic identity
 * card), its record on the chip, and the simulator's card image files.
 *
 * A KTP-el is a contactless card whose UID any reader can read, but whose
 * demographic data (NIK, name, birth, address...) is readable only through a
 * SAM issued by the civil-registry directorate. The reader driver fills a
 * ktp_identity and hands it to the UI thread in an rdr_event (rdr.h); the
 * citizen journey uses it to prefill the form. The card layer (ktpcard.h)
 * reads the record from the chip and parses it with ktp_parse_record; the
 * simulated reader (ccidsim.h) builds that record with ktp_encode_record
 * from a card image, a small text file described at ktp_parse_image, with
 * the same field checks. A ktp_identity holds personal data: wipe it
 * with ktp_identity_wipe as soon as it is not needed, and never log any of
 * its fields. Depends on the service rules (rules/nik.h) for the NIK check.
 */
#ifndef KIOSK_KTP_H
#define KIOSK_KTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
	KTP_OK = 0,
	KTP_ERR_SYNTAX = -1,  /* a line is not "key = value", an unknown or repeated key */
	KTP_ERR_UID = -2,     /* the uid is not 4, 7 or 10 bytes of hex, or does not fit */
	KTP_ERR_MISSING = -3, /* a required key is absent */
	KTP_ERR_FIELD = -4,   /* a value is empty, too long, or not of its form */
	KTP_ERR_NIK = -5,     /* the NIK breaks the service rules (nik_parse) */
	KTP_ERR_TLV = -6,     /* a record's TLV structure is malformed (docs/card-profile.md) */
	KTP_ERR_VERSION = -7, /* a record of another profile version */
} ktp_err;

/*
 * Capacities in bytes, the terminating NUL included. Text fields hold
 * printable ASCII only (0x20-0x7E), as printed on the card (capitals), so a
 * byte is a character. The sizes are generous for what the card prints; the
 * UID is 4, 7 or 10 bytes (ISO 14443-3 single, double, triple size) written
 * as upper-case hex without separators.
 */
enum {
	KTP_UID_CAP = 2 * 10 + 1,
	KTP_NIK_CAP = 16 + 1,
	KTP_NAME_CAP = 100 + 1,
	KTP_PLACE_CAP = 60 + 1,     /* birth place, village, district, city, province */
	KTP_BLOOD_CAP = 3 + 1,      /* "A", "B", "AB", "O", optionally + or -; "-" unknown */
	KTP_ADDRESS_CAP = 160 + 1,
	KTP_RT_RW_CAP = 7 + 1,      /* "001/002": 1-3 digits, '/', 1-3 digits */
	KTP_WORD_CAP = 30 + 1,      /* religion, marital status, nationality, validity */
	KTP_OCCUPATION_CAP = 60 + 1,
};

enum { KTP_SEX_MALE = 1, KTP_SEX_FEMALE = 2 };

/*
 * The demographic data of a KTP-el. Every string is NUL-terminated; an
 * optional field the card leaves out is "". nik, name, the birth date and
 * sex are always set in an identity a parser or reader hands out.
 * The NIK is well formed by the service rules (nik_parse); whether its
 * encoded birth date and sex agree with birth_* and sex is NOT checked here:
 * a disagreement is a warning for the officer (nik_person_check), never a
 * reason to refuse the card.
 */
typedef struct ktp_identity {
	char nik[KTP_NIK_CAP];                /* 16 digits */
	char name[KTP_NAME_CAP];
	char birth_place[KTP_PLACE_CAP];
	int birth_y, birth_m, birth_d;        /* a real calendar date, year 1900-2099 */
	int sex;                              /* KTP_SEX_MALE or KTP_SEX_FEMALE */
	char blood_type[KTP_BLOOD_CAP];
	char address[KTP_ADDRESS_CAP];        /* street and number */
	char rt_rw[KTP_RT_RW_CAP];            /* neighbourhood units, "001/002" */
	char village[KTP_PLACE_CAP];          /* kelurahan / desa */
	char district[KTP_PLACE_CAP];         /* kecamatan */
	char city[KTP_PLACE_CAP];             /* kabupaten / kota */
	char province[KTP_PLACE_CAP];
	char religion[KTP_WORD_CAP];
	char marital_status[KTP_WORD_CAP];
	char occupation[KTP_OCCUPATION_CAP];
	char nationality[KTP_WORD_CAP];       /* "WNI", or "WNA" */
	char valid_until[KTP_WORD_CAP];       /* "SEUMUR HIDUP" (for life) or "YYYY-MM-DD" */
} ktp_identity;

/* A short English name of E for logs ("unknown key or bad line", ...). It
 * never contains card data. Never NULL; a value outside the enum gets
 * "unknown card data error". */
const char *ktp_err_name(ktp_err e);

/* Overwrite every byte of *ID with zeros in a way the compiler cannot skip
 * (explicit_bzero). ID may be NULL. */
void ktp_identity_wipe(ktp_identity *id);

/*
 * Parse a simulated card image: LEN bytes of TEXT (no NUL needed; a NUL byte
 * inside is a syntax error), lines separated by "\n" ("\r\n" accepted):
 *
 *   # a comment: a line whose first non-blank character is '#'
 *   uid = 04A1B2C3D4E5F6
 *   nik = 3375014101900001
 *   name = SITI NUR'AINI
 *
 * Blank lines are skipped. Every other line is KEY = VALUE: the key is one of
 * those below, exactly, in lower case; the value is everything after the
 * first '=', with surrounding spaces and tabs trimmed ('#' inside a value is
 * kept). A key may appear once. Keys and what their values must be:
 *   uid             required: 8, 14 or 20 hex digits (4, 7 or 10 bytes),
 *                   either case, no separators
 *   nik             16 digits accepted by nik_parse (rules/nik.h)
 *   name            up to KTP_NAME_CAP - 1 characters
 *   birth_date      YYYY-MM-DD, a real date (29 February only in leap
 *                   years), year 1900-2099
 *   sex             L (laki-laki, male) or P (perempuan, female)
 *   blood_type      A, B, AB or O, optionally followed by + or -; or "-"
 *   rt_rw           1-3 digits, '/', 1-3 digits
 *   valid_until     SEUMUR HIDUP, or a date like birth_date
 *   birth_place, address, village, district, city, province, religion,
 *   marital_status, occupation, nationality: free text
 * Every value is 1 or more printable ASCII characters (0x20-0x7E) that fit
 * its field. An image with only a uid is a card whose demographic data
 * cannot be read; an image with any other key must have all of nik, name,
 * birth_date and sex.
 *
 * UID_HEX (UID_CAP bytes; KTP_UID_CAP is always enough) gets the UID in upper
 * case. OUT gets the identity; *HAS_IDENTITY is true when the image held
 * demographic data, false for a uid-only image (OUT is then all zeros).
 * Pointers must not be NULL (TEXT may be NULL when LEN is 0): a NULL one is
 * a programmer error and aborts.
 * Returns KTP_OK, or the first problem met reading the lines in order
 * (KTP_ERR_SYNTAX, KTP_ERR_UID, KTP_ERR_FIELD, KTP_ERR_NIK), then
 * KTP_ERR_MISSING for an absent uid or required key. A UID longer than
 * UID_CAP - 1 characters is KTP_ERR_UID. On any error *OUT and the UID_CAP
 * bytes of UID_HEX are wiped to zeros and *HAS_IDENTITY is false. Pure: no
 * I/O, no allocation, no state; TEXT is not kept.
 */
ktp_err ktp_parse_image(const char *text, size_t len, char *uid_hex, size_t uid_cap,
			ktp_identity *out, bool *has_identity);

/*
 * The demographic record on the card (docs/card-profile.md, "The record"):
 * BER-TLV, template 0x70, one-byte field tags 0x80 (version) to 0x91.
 */
enum {
	KTP_RECORD_TAG = 0x70,
	KTP_RECORD_VERSION = 1,
	KTP_RECORD_MAX = 4096,   /* the longest record accepted, head included */
};

/*
 * Parse the N bytes of REC, exactly one record template, into *OUT
 * (field by field with the same checks as ktp_parse_image). Returns KTP_OK;
 * KTP_ERR_TLV for a broken structure (lengths, tags, order, repeats,
 * trailing bytes, N > KTP_RECORD_MAX); KTP_ERR_VERSION; KTP_ERR_FIELD,
 * KTP_ERR_NIK for a bad value; KTP_ERR_MISSING without NIK, name, birth
 * date or sex. *OUT is wiped on any error. Pure; REC is not kept.
 */
ktp_err ktp_parse_record(const uint8_t *rec, size_t n, ktp_identity *out);

/*
 * Encode ID as a record into BUF (CAP bytes): version, then every non-empty
 * field in tag order, lengths in the shortest form. Returns the length, or
 * 0 when CAP is too small. (The simulated card builds its record with it;
 * a test checks that parse(encode(id)) == id.) Pure.
 */
size_t ktp_encode_record(const ktp_identity *id, uint8_t *buf, size_t cap);

/*
 * The head of a record: its first 2 to 4 bytes (tag and
 * length) of REC tell its total length (head included) in *TOTAL. Returns
 * KTP_OK, KTP_ERR_TLV (not tag 0x70, a bad length form, total over
 * KTP_RECORD_MAX), or KTP_ERR_MISSING when N is too short to tell.
 */
ktp_err ktp_record_size(const uint8_t *rec, size_t n, size_t *total);

#endif

/*
 * val: the shared result codes of the service rules, and the validators of
 * the free-typed profile fields: e-mail address, Indonesian mobile number,
 * person name and free profile text (position, institution, work unit,
 * province, city, reason).
 *
 * Every rule in rules/ answers with a val_code. VAL_OK means accepted; the
 * codes below VAL_W_FIRST_WARNING are errors (the value is refused, the
 * message says which part is wrong); the codes from VAL_W_FIRST_WARNING on
 * are warnings (the value is accepted and the officer is told). Each code
 * names a catalog key ("val.nik_length") that app/ turns into words in
 * Indonesian and English (assets/i18n), and a stable ASCII name for logs.
 *
 * The validators take NUL-terminated UTF-8 as typed, never crash on any
 * bytes and never read past the terminator. Each writes the normalised value
 * (the form to store, compare and send) to a caller-owned OUT buffer of CAP
 * bytes. OUT is always NUL-terminated on return and is "" on any error. OUT
 * may be NULL (or CAP 0) to check a value without keeping it; nothing is
 * written then. A value that is valid but does not fit in CAP bytes is
 * refused with VAL_TOO_LONG: size OUT with the VAL_*_CAP constants.
 * Plain C11 with no I/O, no allocation and no global state.
 */
#ifndef KIOSK_VAL_H
#define KIOSK_VAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum val_code {
	VAL_OK = 0,

	/* ---- errors: the value is refused ---- */
	/* any field */
	VAL_EMPTY,     /* nothing typed (only spaces) */
	VAL_TOO_SHORT, /* val_text: fewer code points than asked */
	VAL_TOO_LONG,  /* val_text: more code points than asked; any: OUT too small */
	VAL_BAD_UTF8,  /* bytes that are not UTF-8 (never from the on-screen keyboard) */
	VAL_BAD_CHARS, /* val_text: control or invisible direction characters */

	/* NIK (nik.h) */
	VAL_NIK_LENGTH,   /* not 16 digits */
	VAL_NIK_DIGITS,   /* something other than 0-9 */
	VAL_NIK_PROVINCE, /* digits 1-2 are no province code */
	VAL_NIK_DAY,      /* digits 7-8: 00, 32-40 or above 71 */
	VAL_NIK_MONTH,    /* digits 9-10: 00 or above 12 */
	VAL_NIK_DATE,     /* day and month exist but not together (31 April, 30 February) */
	VAL_NIK_SERIAL,   /* digits 13-16 are 0000 */

	/* NIP (nik.h) */
	VAL_NIP_LENGTH,     /* not 18 digits */
	VAL_NIP_DIGITS,     /* something other than 0-9 */
	VAL_NIP_BIRTH_DATE, /* digits 1-8 are no calendar date in NIP_BIRTH_YEAR_MIN..MAX */
	VAL_NIP_START_DATE, /* digits 9-14: month not 1-12 or year implausible for the birth */
	VAL_NIP_SEX,        /* digit 15 is not 1 or 2 */
	VAL_NIP_SERIAL,     /* digits 16-18 are 000 */

	/* e-mail (val_email) */
	VAL_EMAIL_SPACE,         /* a space inside the address */
	VAL_EMAIL_NO_AT,         /* no '@' */
	VAL_EMAIL_MANY_AT,       /* more than one '@' */
	VAL_EMAIL_LOCAL_EMPTY,   /* nothing before '@' */
	VAL_EMAIL_LOCAL_CHARS,   /* before '@': a character other than a-z 0-9 . _ % + - */
	VAL_EMAIL_LOCAL_DOT,     /* before '@': leading, trailing or double dot */
	VAL_EMAIL_LOCAL_LONG,    /* before '@': more than 64 characters */
	VAL_EMAIL_DOMAIN_EMPTY,  /* nothing after '@' */
	VAL_EMAIL_DOMAIN_CHARS,  /* after '@': a character other than a-z 0-9 - . */
	VAL_EMAIL_DOMAIN_DOT,    /* after '@': leading, trailing or double dot */
	VAL_EMAIL_DOMAIN_NO_DOT, /* after '@': one label only ("gmail") */
	VAL_EMAIL_DOMAIN_HYPHEN, /* a domain label starts or ends with '-' */
	VAL_EMAIL_DOMAIN_LONG,   /* a domain label longer than 63 characters */
	VAL_EMAIL_TLD,           /* last label not letters only, or shorter than 2 */
	VAL_EMAIL_LONG,          /* the whole address longer than 254 characters */

	/* mobile phone (val_phone) */
	VAL_PHONE_CHARS,      /* a character other than digits, a leading '+' and separators */
	VAL_PHONE_PREFIX,     /* does not start with 08, +62 or 62 */
	VAL_PHONE_NOT_MOBILE, /* an Indonesian number, but not a mobile one (not 628...) */
	VAL_PHONE_LENGTH,     /* 62 followed by fewer than 9 or more than 13 digits */

	/* person name (val_name) */
	VAL_NAME_DIGITS,    /* a digit */
	VAL_NAME_CHARS,     /* a symbol, or a combining accent on no letter */
	VAL_NAME_NO_LETTER, /* only punctuation */
	VAL_NAME_PUNCT,     /* '.' not after a letter; '-' or '\'' not before a letter */
	VAL_NAME_COMMA,     /* a comma not followed by academic titles */
	VAL_NAME_TOO_SHORT, /* fewer than VAL_NAME_MIN_CHARS characters */
	VAL_NAME_TOO_LONG,  /* more than VAL_NAME_MAX_CHARS characters */

	/* whole request (req.h) and the journey (app/journey.h) */
	VAL_REQ_NO_IDENTITY, /* identity not established (no card read, no NIK typed) */
	VAL_REQ_NO_CONSENT,  /* consent not given */
	VAL_REQ_SAME_VALUE,  /* the requested value equals the current one */
	VAL_REQ_NO_CHANGE,   /* no field chosen for change */
	VAL_REQ_NO_REASON,   /* no reason chosen */
	VAL_REQ_REASON_TEXT, /* reason "other" without an explanation */
	VAL_REQ_DOC_OTHER,   /* document "other" ticked but not named */
	VAL_REQ_OTHER_NIK,   /* a resubmission started with another person's NIK */

	/* ---- warnings: accepted, shown to the officer ---- */
	VAL_W_FIRST_WARNING,
	VAL_W_NAME_TITLE = VAL_W_FIRST_WARNING, /* academic or religious title in a name */
	VAL_W_NIK_NIP_BIRTH, /* NIK birth date (DDMMYY) differs from the NIP's */
	VAL_W_NIK_NIP_SEX,   /* NIK sex (day + 40) differs from the NIP's sex digit */
	VAL_W_NIK_BIRTH,     /* NIK birth date differs from one known elsewhere (the card) */
	VAL_W_NIK_SEX,       /* NIK sex differs from one known elsewhere (the card) */
	VAL_W_TYPED_NIK,     /* NIK typed, not read from the card: check the KTP in person */

	VAL_CODE_COUNT
} val_code;

/*
 * The catalog key of C ("val.nik_length"), to look up in assets/i18n. Never
 * NULL: every code has its own key, and a value outside the enum gets
 * "val.unknown" (also in the catalogs).
 */
const char *val_code_key(val_code c);

/* A stable ASCII name of C for logs and tests ("nik_length"; "unknown" for a
 * value outside the enum). Never NULL. The key is "val." followed by it. */
const char *val_code_name(val_code c);

/* True for the warning codes (VAL_W_FIRST_WARNING up to VAL_CODE_COUNT). */
bool val_code_is_warning(val_code c);

/*
 * Number of Unicode code points in the NUL-terminated string S, or -1 when S
 * is not valid UTF-8 (overlong forms, surrogates, code points above U+10FFFF
 * and cut sequences are invalid). S NULL counts as "" (0).
 */
int val_utf8_len(const char *s);

/*
 * Decode the code point that starts S[0..N) into *CP and return its length in
 * bytes (1-4), or 0 when N is 0 or S starts an invalid or cut sequence (the
 * rules of val_utf8_len()). Bytes are read in order and reading stops at the
 * first that does not fit, so on a NUL-terminated string any N of at least 4
 * never reads past the terminator. A NUL decodes as U+0000 of length 1.
 */
int val_utf8_decode(const char *s, size_t n, uint32_t *cp);

/* S[0..N) is well-formed UTF-8 without a NUL (S NULL only with N 0). */
bool val_utf8_valid(const char *s, size_t n);

/* ---- e-mail ---------------------------------------------------------------- */

enum {
	VAL_EMAIL_MAX = 254,             /* characters of a whole address */
	VAL_EMAIL_CAP = VAL_EMAIL_MAX + 1 /* bytes of an OUT that holds any address */
};

/*
 * Check and normalise an e-mail address, a practical subset of RFC 5321:
 *   - surrounding spaces (ASCII white space) are trimmed; a space inside is
 *     VAL_EMAIL_SPACE;
 *   - exactly one '@' (VAL_EMAIL_NO_AT, VAL_EMAIL_MANY_AT);
 *   - local part: 1-64 characters of letters, digits and . _ % + -, with no
 *     dot at either end and no two dots in a row (VAL_EMAIL_LOCAL_*);
 *     quoted local parts and non-ASCII addresses are not accepted;
 *   - domain: at least two labels separated by single dots, each label 1-63
 *     letters, digits or hyphens, not starting or ending with a hyphen; the
 *     last label (TLD) letters only, at least 2 (VAL_EMAIL_DOMAIN_*,
 *     VAL_EMAIL_TLD); IP literals and non-ASCII domains are not accepted;
 *   - at most 254 characters in all (VAL_EMAIL_LONG).
 * The whole address is lower-cased in OUT. Domains are case-insensitive by
 * definition; local parts may in theory be case-sensitive, but no mailbox
 * provider in use treats them so, and one spelling per person lets the
 * central service compare addresses byte for byte.
 * IN NULL counts as "". OUT (CAP bytes, VAL_EMAIL_CAP is always enough) gets
 * the normalised address, or "" on error.
 * Returns the first rule broken, in this order: VAL_EMPTY, VAL_BAD_UTF8,
 * VAL_EMAIL_SPACE, VAL_EMAIL_NO_AT, VAL_EMAIL_MANY_AT, VAL_EMAIL_LOCAL_EMPTY,
 * _LOCAL_CHARS, _LOCAL_DOT, _LOCAL_LONG, VAL_EMAIL_DOMAIN_EMPTY,
 * _DOMAIN_CHARS, _DOMAIN_DOT, _DOMAIN_NO_DOT, then label by label
 * _DOMAIN_HYPHEN, _DOMAIN_LONG and for the last one VAL_EMAIL_TLD, then
 * VAL_EMAIL_LONG; VAL_TOO_LONG when OUT is too small; else VAL_OK.
 */
val_code val_email(const char *in, char *out, size_t cap);

/* ---- mobile phone ---------------------------------------------------------- */

enum {
	VAL_PHONE_MIN_DIGITS = 11, /* "62" + 9 */
	VAL_PHONE_MAX_DIGITS = 15, /* "62" + 13 */
	VAL_PHONE_CAP = VAL_PHONE_MAX_DIGITS + 1
};

/*
 * Check and normalise an Indonesian mobile number (WhatsApp-capable) to the
 * international form without '+': "62" followed by the national number.
 * The exact rule:
 *   - surrounding ASCII white space is trimmed; spaces, '-', '.', '(' and ')'
 *     anywhere are separators and are dropped; a '+' may come only before
 *     the first digit; anything else is VAL_PHONE_CHARS;
 *   - no digit at all is VAL_EMPTY;
 *   - the digits D are read as:  "+62" N  |  "62" N  |  "0" N  (N not
 *     starting with 0). "+62 (0)8..." and "62 08..." drop that single
 *     trunk '0' ("+62 (0)812-..." is a common written form). "+" with any
 *     other country code, "00..." and anything else is VAL_PHONE_PREFIX;
 *   - N must start with 8 (Indonesian mobile numbers are 08...; 021...
 *     is a landline): otherwise VAL_PHONE_NOT_MOBILE;
 *   - N has 9 to 13 digits, so OUT has 11 to 15 digits ("08" + 8 to 12
 *     digits as written nationally): otherwise VAL_PHONE_LENGTH (also when
 *     D is only the prefix, e.g. "0" or "+62").
 * Examples: "0812-3456-7890", "+62 812 3456 7890", "(62) 812.3456.7890" and
 * "+62 (0)812 3456 7890" all give "6281234567890".
 * IN NULL counts as "". OUT (CAP bytes, VAL_PHONE_CAP is always enough) gets
 * the digits, or "" on error.
 * Returns the first rule broken, in this order: VAL_BAD_UTF8,
 * VAL_PHONE_CHARS, VAL_EMPTY, VAL_PHONE_PREFIX, VAL_PHONE_LENGTH (nothing
 * after the prefix), VAL_PHONE_NOT_MOBILE, VAL_PHONE_LENGTH; VAL_TOO_LONG
 * when OUT is too small; else VAL_OK.
 */
val_code val_phone(const char *in, char *out, size_t cap);

/* ---- person name ----------------------------------------------------------- */

enum {
	VAL_NAME_MIN_CHARS = 2,
	VAL_NAME_MAX_CHARS = 100,
	VAL_NAME_CAP = VAL_NAME_MAX_CHARS * 4 + 1 /* bytes: any valid name fits */
};

/*
 * Check and normalise a person's name as it will appear on a certificate.
 * Allowed characters: letters (ASCII, and Latin letters with diacritics:
 * U+00C0-U+024F except the signs × ÷ and the click letters U+01C0-U+01C3
 * that look like | and !, and U+1E00-U+1EFF, plus combining accents
 * U+0300-U+036F right after a letter), spaces, apostrophes (' and the
 * typographic ’ ‘ ʼ, all stored as '), dots, hyphens, and commas (after a
 * letter or a dot) before an academic-title suffix. A digit is VAL_NAME_DIGITS; any other character
 * (also a combining accent on no letter) is VAL_NAME_CHARS.
 * Normalisation: spaces (ASCII white space, U+00A0, U+2028, U+2029)
 * trimmed and runs collapsed to one ASCII space; no space before a comma
 * and exactly one after it. Case is kept as typed.
 * Structure, on the normalised name: at least one letter
 * (VAL_NAME_NO_LETTER); a '.' right after a letter; a '-' after a letter or
 * '.' and before a letter; a '\'' before a letter (VAL_NAME_PUNCT); every
 * part after a comma made only of academic titles, each a known one
 * ("S.Kom.", "M.T.", "Ph.D", "MBA", ...) or dotted abbreviation-shaped
 * ("S.Tr.Kom.": two or more dot-separated parts of 1-5 ASCII letters, each
 * starting with a capital) (VAL_NAME_COMMA); 2 to 100 code points
 * (VAL_NAME_TOO_SHORT, VAL_NAME_TOO_LONG).
 * Titles are accepted but flagged, because the certificate name must carry
 * none: *WARNING = VAL_W_NAME_TITLE when the name has
 *   - a leading prefix title, with or without its dot, any case, followed
 *     by more of the name or glued to it ("Dr.Budi"): Dr., Drs., Dra.,
 *     dr., drg., Ir., Prof., Ns., Apt., and the religious titles H.
 *     (Haji), Hj. (Hajjah), KH. (Kiai Haji): "H." at the start is taken
 *     as Haji, not an initial;
 *   - a comma-separated suffix (see above); or
 *   - trailing titles without a comma: a known title written with a dot
 *     ("... S.Kom") or a known title in capitals ("... SE", "... MBA"). A
 *     dotted abbreviation that is not a known title counts only after a
 *     comma, because "M.Ali" is a name.
 * The titles stay in OUT; the officer decides.
 * IN NULL counts as "". OUT (CAP bytes, VAL_NAME_CAP is always enough) gets
 * the normalised name, or "" on error. WARNING may be NULL; otherwise it is
 * VAL_W_NAME_TITLE or VAL_OK (always VAL_OK on error).
 * Returns the first rule broken, in this order: VAL_BAD_UTF8; a character
 * rule (VAL_NAME_DIGITS or VAL_NAME_CHARS: the first bad character
 * decides); VAL_EMPTY; VAL_NAME_NO_LETTER; VAL_NAME_TOO_LONG;
 * VAL_NAME_PUNCT; VAL_NAME_COMMA; VAL_NAME_TOO_SHORT; VAL_TOO_LONG when OUT
 * is too small; else VAL_OK.
 */
val_code val_name(const char *in, char *out, size_t cap, val_code *warning);

/* ---- free profile text ------------------------------------------------------ */

/* Bytes of an OUT that holds any text of at most N code points. */
#define VAL_TEXT_CAP(n) ((size_t)(n) * 4 + 1)

/*
 * Check and normalise free profile text (position, institution, work unit,
 * province, city, reason): valid UTF-8 (VAL_BAD_UTF8); white space (ASCII
 * white space, U+00A0, U+2028, U+2029) trimmed and runs collapsed to one
 * ASCII space; refused as VAL_BAD_CHARS: other C0 controls, DEL, C1
 * controls (U+0080-U+009F), the bidirectional embedding, override and
 * isolate controls (U+202A-U+202E, U+2066-U+2069, which can make printed
 * text read differently from what is stored), U+FEFF and the
 * noncharacters U+FFFE, U+FFFF.
 * Length in code points of the normalised text: empty is VAL_EMPTY when
 * MIN_CHARS > 0 (VAL_OK with OUT "" when MIN_CHARS <= 0: an optional
 * field); fewer than MIN_CHARS is VAL_TOO_SHORT; more than MAX_CHARS is
 * VAL_TOO_LONG (so MAX_CHARS < MIN_CHARS refuses everything non-empty).
 * IN NULL counts as "". OUT (CAP bytes, VAL_TEXT_CAP(MAX_CHARS) is always
 * enough) gets the normalised text, or "" on error.
 * Returns the first rule broken, in this order: VAL_BAD_UTF8,
 * VAL_BAD_CHARS, VAL_EMPTY, VAL_TOO_SHORT, VAL_TOO_LONG (also when OUT is
 * too small); else VAL_OK.
 */
val_code val_text(const char *in, char *out, size_t cap, int min_chars, int max_chars);

#endif

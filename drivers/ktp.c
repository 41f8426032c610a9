/*
 * ktp: the KTP-el identity and the card image parser (see ktp.h).
 *
 * The parser walks the image line by line without copying it: each value is
 * checked where it lies and only then copied into its field, so a rejected
 * image leaves nothing behind but the zeros of a wiped *out. Which keys
 * exist, where each one goes and how it is checked is one static table.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktp.h"
#include "nik.h"

_Static_assert((int)KTP_NIK_CAP == (int)NIK_CAP, "a KTP NIK is a service-rules NIK");

const char *ktp_err_name(ktp_err e)
{
	switch (e) {
	case KTP_OK: return "ok";
	case KTP_ERR_SYNTAX: return "card image: bad line, unknown or repeated key";
	case KTP_ERR_UID: return "card image: bad uid";
	case KTP_ERR_MISSING: return "card image: required key missing";
	case KTP_ERR_FIELD: return "card image: bad field value";
	case KTP_ERR_NIK: return "card image: malformed NIK";
	case KTP_ERR_TLV: return "card record: malformed TLV";
	case KTP_ERR_VERSION: return "card record: unknown profile version";
	default: return "unknown card data error";
	}
}

void ktp_identity_wipe(ktp_identity *id)
{
	if (id)
		explicit_bzero(id, sizeof *id);
}

/* How a key's value is checked and stored. */
typedef enum {
	K_UID,
	K_NIK,
	K_TEXT,  /* free printable text */
	K_BIRTH, /* birth_y/m/d */
	K_SEX,
	K_BLOOD,
	K_RT_RW,
	K_VALID, /* "SEUMUR HIDUP" or a date */
} key_kind;

typedef struct key_def {
	const char *key;
	key_kind kind;
	bool required;   /* in an image with demographic data */
	uint8_t tag;     /* in the card's record (docs/card-profile.md); 0: not there */
	size_t off, cap; /* the char[] field in ktp_identity (text-like kinds) */
} key_def;

#define FIELD(k, kind, req, tag, f) \
	{k, kind, req, tag, offsetof(ktp_identity, f), sizeof(((ktp_identity *)0)->f)}

/* "uid" first: KEY_UID below. The record's tags follow the table's order. */
static const key_def keys[] = {
	{"uid", K_UID, true, 0, 0, 0},
	FIELD("nik", K_NIK, true, 0x81, nik),
	FIELD("name", K_TEXT, true, 0x82, name),
	FIELD("birth_place", K_TEXT, false, 0x83, birth_place),
	{"birth_date", K_BIRTH, true, 0x84, 0, 0},
	{"sex", K_SEX, true, 0x85, 0, 0},
	FIELD("blood_type", K_BLOOD, false, 0x86, blood_type),
	FIELD("address", K_TEXT, false, 0x87, address),
	FIELD("rt_rw", K_RT_RW, false, 0x88, rt_rw),
	FIELD("village", K_TEXT, false, 0x89, village),
	FIELD("district", K_TEXT, false, 0x8A, district),
	FIELD("city", K_TEXT, false, 0x8B, city),
	FIELD("province", K_TEXT, false, 0x8C, province),
	FIELD("religion", K_TEXT, false, 0x8D, religion),
	FIELD("marital_status", K_TEXT, false, 0x8E, marital_status),
	FIELD("occupation", K_TEXT, false, 0x8F, occupation),
	FIELD("nationality", K_TEXT, false, 0x90, nationality),
	FIELD("valid_until", K_VALID, false, 0x91, valid_until),
};

#undef FIELD

enum {
	NKEYS = sizeof keys / sizeof keys[0],
	KEY_UID = 0, /* index of "uid" in keys[] */
};
_Static_assert(NKEYS <= 32, "the seen-keys set is a 32-bit mask");

/* The text of one line or part of it: not NUL-terminated. */
typedef struct span {
	const char *p;
	size_t n;
} span;

static bool is_blank(char c) { return c == ' ' || c == '\t'; }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static span trim(span s)
{
	while (s.n > 0 && is_blank(s.p[0])) {
		s.p++;
		s.n--;
	}
	while (s.n > 0 && is_blank(s.p[s.n - 1]))
		s.n--;
	return s;
}

static bool span_is(span s, const char *lit)
{
	size_t n = strlen(lit);
	return s.n == n && memcmp(s.p, lit, n) == 0;
}

static int hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* N digits at P as a number; -1 if any is not a digit. */
static int digits(const char *p, size_t n)
{
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit(p[i]))
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

static int days_in_month(int y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : days[m - 1];
}

/* "YYYY-MM-DD", a real date with the year 1900-2099. */
static bool parse_date(span v, int *y, int *m, int *d)
{
	if (v.n != 10 || v.p[4] != '-' || v.p[7] != '-')
		return false;
	int yy = digits(v.p, 4), mm = digits(v.p + 5, 2), dd = digits(v.p + 8, 2);
	if (yy < 1900 || yy > 2099 || mm < 1 || mm > 12 || dd < 1 || dd > days_in_month(yy, mm))
		return false;
	*y = yy;
	*m = mm;
	*d = dd;
	return true;
}

/* Copy V into the CAP-byte DST: 1 to CAP - 1 printable ASCII characters. */
static ktp_err copy_text(span v, char *dst, size_t cap)
{
	if (v.n == 0 || v.n >= cap)
		return KTP_ERR_FIELD;
	for (size_t i = 0; i < v.n; i++)
		if ((unsigned char)v.p[i] < 0x20 || (unsigned char)v.p[i] > 0x7e)
			return KTP_ERR_FIELD;
	memcpy(dst, v.p, v.n);
	dst[v.n] = '\0';
	return KTP_OK;
}

/* A, B, AB or O, optionally + or -; or "-" (not known). */
static bool blood_ok(span v)
{
	if (span_is(v, "-"))
		return true;
	if (v.n > 0 && (v.p[v.n - 1] == '+' || v.p[v.n - 1] == '-'))
		v.n--;
	return span_is(v, "A") || span_is(v, "B") || span_is(v, "AB") || span_is(v, "O");
}

/* 1-3 digits, '/', 1-3 digits. */
static bool rt_rw_ok(span v)
{
	const char *slash = memchr(v.p, '/', v.n);
	if (!slash)
		return false;
	size_t a = (size_t)(slash - v.p), b = v.n - a - 1;
	return a >= 1 && a <= 3 && b >= 1 && b <= 3 && digits(v.p, a) >= 0 &&
	       digits(slash + 1, b) >= 0;
}

static ktp_err parse_uid(span v, char *uid_hex, size_t uid_cap)
{
	if (v.n != 8 && v.n != 14 && v.n != 20)
		return KTP_ERR_UID;
	if (v.n >= uid_cap)
		return KTP_ERR_UID;
	for (size_t i = 0; i < v.n; i++) {
		int h = hex_val(v.p[i]);
		if (h < 0)
			return KTP_ERR_UID;
		uid_hex[i] = "0123456789ABCDEF"[h];
	}
	uid_hex[v.n] = '\0';
	return KTP_OK;
}

static ktp_err parse_nik(span v, char *dst)
{
	if (v.n >= KTP_NIK_CAP)
		return KTP_ERR_NIK;
	memcpy(dst, v.p, v.n);
	dst[v.n] = '\0';
	nik_info info;
	val_code c = nik_parse(dst, &info);
	explicit_bzero(&info, sizeof info); /* it holds the birth date */
	return c == VAL_OK ? KTP_OK : KTP_ERR_NIK;
}

/* Check and store the value V of key K. */
static ktp_err parse_value(const key_def *k, span v, char *uid_hex, size_t uid_cap,
			   ktp_identity *out)
{
	char *field = (char *)out + k->off;

	switch (k->kind) {
	case K_UID:
		return parse_uid(v, uid_hex, uid_cap);
	case K_NIK:
		return parse_nik(v, field);
	case K_TEXT:
		return copy_text(v, field, k->cap);
	case K_BIRTH:
		if (!parse_date(v, &out->birth_y, &out->birth_m, &out->birth_d))
			return KTP_ERR_FIELD;
		return KTP_OK;
	case K_SEX:
		if (span_is(v, "L"))
			out->sex = KTP_SEX_MALE;
		else if (span_is(v, "P"))
			out->sex = KTP_SEX_FEMALE;
		else
			return KTP_ERR_FIELD;
		return KTP_OK;
	case K_BLOOD:
		if (!blood_ok(v))
			return KTP_ERR_FIELD;
		return copy_text(v, field, k->cap);
	case K_RT_RW:
		if (!rt_rw_ok(v))
			return KTP_ERR_FIELD;
		return copy_text(v, field, k->cap);
	case K_VALID: {
		int y, m, d;
		if (!span_is(v, "SEUMUR HIDUP") && !parse_date(v, &y, &m, &d))
			return KTP_ERR_FIELD;
		return copy_text(v, field, k->cap);
	}
	}
	abort(); /* a kind missing above: a broken table */
}

/* One line without its "\n" (and "\r"). *SEEN collects the keys met. */
static ktp_err parse_line(span line, unsigned long *seen, char *uid_hex, size_t uid_cap,
			  ktp_identity *out)
{
	if (memchr(line.p, '\0', line.n))
		return KTP_ERR_SYNTAX;
	line = trim(line);
	if (line.n == 0 || line.p[0] == '#')
		return KTP_OK;
	const char *eq = memchr(line.p, '=', line.n);
	if (!eq)
		return KTP_ERR_SYNTAX;
	span key = trim((span){line.p, (size_t)(eq - line.p)});
	span val = trim((span){eq + 1, line.n - (size_t)(eq - line.p) - 1});
	for (size_t i = 0; i < NKEYS; i++) {
		if (!span_is(key, keys[i].key))
			continue;
		if (*seen & 1ul << i)
			return KTP_ERR_SYNTAX; /* which of two values would be the card's? */
		*seen |= 1ul << i;
		return parse_value(&keys[i], val, uid_hex, uid_cap, out);
	}
	return KTP_ERR_SYNTAX;
}

ktp_err ktp_parse_image(const char *text, size_t len, char *uid_hex, size_t uid_cap,
			ktp_identity *out, bool *has_identity)
{
	if (!uid_hex || !out || !has_identity || (!text && len > 0))
		abort(); /* a programmer error, not bad input */
	ktp_identity_wipe(out);
	explicit_bzero(uid_hex, uid_cap);
	*has_identity = false;

	unsigned long seen = 0;
	ktp_err e = KTP_OK;
	size_t pos = 0;
	while (pos < len) {
		span line = {text + pos, len - pos};
		const char *nl = memchr(line.p, '\n', line.n);
		if (nl)
			line.n = (size_t)(nl - line.p);
		pos += line.n + (nl ? 1 : 0);
		if (line.n > 0 && line.p[line.n - 1] == '\r')
			line.n--;
		e = parse_line(line, &seen, uid_hex, uid_cap, out);
		if (e != KTP_OK)
			goto fail;
	}
	e = KTP_ERR_MISSING;
	if (!(seen & 1ul << KEY_UID))
		goto fail;
	if (seen & ~(1ul << KEY_UID)) { /* demographic data: all of it that is required */
		for (size_t i = 0; i < NKEYS; i++)
			if (keys[i].required && !(seen & 1ul << i))
				goto fail;
		*has_identity = true;
	}
	return KTP_OK;

fail:
	ktp_identity_wipe(out);
	explicit_bzero(uid_hex, uid_cap);
	return e;
}

/* ---- the card's record (docs/card-profile.md) ------------------------------ */

enum {
	TAG_VERSION = 0x80,
	TAG_RESERVED_FIRST = 0x92, /* skipped: room for later versions */
	TAG_RESERVED_LAST = 0x9E, /* 0x9F would start a two-byte tag */
};

/* A BER length at P (N bytes left): the short form, or 81 xx / 82 xx xx in
 * their minimal use. *LEN gets the length, *USED the bytes it took.
 * false when malformed or cut short. */
static bool ber_length(const uint8_t *p, size_t n, size_t *len, size_t *used)
{
	if (n < 1)
		return false;
	if (p[0] < 0x80) {
		*len = p[0];
		*used = 1;
		return true;
	}
	if (p[0] == 0x81 && n >= 2 && p[1] >= 0x80) {
		*len = p[1];
		*used = 2;
		return true;
	}
	if (p[0] == 0x82 && n >= 3 && p[1] != 0) {
		*len = (size_t)p[1] << 8 | p[2];
		*used = 3;
		return true;
	}
	return false;
}

ktp_err ktp_record_size(const uint8_t *rec, size_t n, size_t *total)
{
	*total = 0;
	if (n < 2)
		return KTP_ERR_MISSING;
	if (rec[0] != KTP_RECORD_TAG)
		return KTP_ERR_TLV;
	if ((rec[1] == 0x81 && n < 3) || (rec[1] == 0x82 && n < 4))
		return KTP_ERR_MISSING;
	size_t len, used;
	if (!ber_length(rec + 1, n - 1, &len, &used) || 1 + used + len > KTP_RECORD_MAX)
		return KTP_ERR_TLV;
	*total = 1 + used + len;
	return KTP_OK;
}

/* The key whose record tag is TAG, or NULL. */
static const key_def *key_by_tag(uint8_t tag)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (keys[i].tag == tag)
			return &keys[i];
	return NULL;
}

static ktp_err parse_fields(const uint8_t *p, size_t n, ktp_identity *out)
{
	unsigned long seen = 0;
	bool first = true;
	size_t pos = 0;
	char no_uid[1];
	while (pos < n) {
		uint8_t tag = p[pos++];
		size_t len, used;
		if (!ber_length(p + pos, n - pos, &len, &used) || len > n - pos - used)
			return KTP_ERR_TLV;
		pos += used;
		span v = {(const char *)p + pos, len};
		pos += len;
		if (first) { /* the version comes first: it says how to read the rest */
			if (tag != TAG_VERSION)
				return KTP_ERR_TLV;
			if (len != 1 || p[pos - 1] != KTP_RECORD_VERSION)
				return KTP_ERR_VERSION;
			first = false;
			continue;
		}
		if (tag >= TAG_RESERVED_FIRST && tag <= TAG_RESERVED_LAST)
			continue;
		const key_def *k = key_by_tag(tag);
		if (!k)
			return KTP_ERR_TLV; /* the version again, a constructed or unknown tag */
		unsigned long bit = 1ul << (size_t)(k - keys);
		if (seen & bit)
			return KTP_ERR_TLV;
		seen |= bit;
		if (memchr(v.p, '\0', v.n))
			return KTP_ERR_FIELD;
		ktp_err e = parse_value(k, v, no_uid, sizeof no_uid, out);
		if (e != KTP_OK)
			return e;
	}
	if (first)
		return KTP_ERR_TLV;
	for (size_t i = 0; i < NKEYS; i++)
		if (keys[i].required && keys[i].tag && !(seen & 1ul << i))
			return KTP_ERR_MISSING;
	return KTP_OK;
}

ktp_err ktp_parse_record(const uint8_t *rec, size_t n, ktp_identity *out)
{
	if (!out || (!rec && n > 0))
		abort(); /* a programmer error, not bad input */
	ktp_identity_wipe(out);
	size_t total;
	ktp_err e = n > KTP_RECORD_MAX ? KTP_ERR_TLV : ktp_record_size(rec, n, &total);
	if (e == KTP_ERR_MISSING || (e == KTP_OK && total != n))
		e = KTP_ERR_TLV; /* cut short, or bytes after the template */
	if (e == KTP_OK) {
		size_t head = rec[1] < 0x80 ? 2 : rec[1] == 0x81 ? 3 : 4;
		e = parse_fields(rec + head, n - head, out);
	}
	if (e != KTP_OK)
		ktp_identity_wipe(out);
	return e;
}

/* The BER length LEN (<= 0xFFFF) in its shortest form at P; its size. */
static size_t put_length(uint8_t *p, size_t len)
{
	if (len < 0x80) {
		p[0] = (uint8_t)len;
		return 1;
	}
	if (len <= 0xFF) {
		p[0] = 0x81;
		p[1] = (uint8_t)len;
		return 2;
	}
	p[0] = 0x82;
	p[1] = (uint8_t)(len >> 8);
	p[2] = (uint8_t)len;
	return 3;
}

/* Append one TLV at *POS of BUF (CAP bytes); false when it does not fit. */
static bool put_tlv(uint8_t *buf, size_t cap, size_t *pos, uint8_t tag, const void *val,
		    size_t len)
{
	uint8_t hdr[4] = {tag};
	size_t h = 1 + put_length(hdr + 1, len);
	if (len > 0xFFFF || cap < *pos || cap - *pos < h + len)
		return false;
	memcpy(buf + *pos, hdr, h);
	memcpy(buf + *pos + h, val, len);
	*pos += h + len;
	return true;
}

size_t ktp_encode_record(const ktp_identity *id, uint8_t *buf, size_t cap)
{
	/* The fields go after room for the longest template head, which then
	 * moves down to sit right before them. */
	enum { HEAD_MAX = 4 };
	size_t pos = HEAD_MAX;
	const uint8_t version = KTP_RECORD_VERSION;
	if (cap < HEAD_MAX || !put_tlv(buf, cap, &pos, TAG_VERSION, &version, 1))
		return 0;
	for (size_t i = 0; i < NKEYS; i++) {
		const key_def *k = &keys[i];
		char tmp[16];
		const char *v;
		switch (k->kind) {
		case K_UID:
			continue;
		case K_BIRTH:
			snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", id->birth_y % 10000,
				 id->birth_m % 100, id->birth_d % 100);
			v = tmp;
			break;
		case K_SEX:
			v = id->sex == KTP_SEX_MALE ? "L" : id->sex == KTP_SEX_FEMALE ? "P" : "";
			break;
		default:
			v = (const char *)id + k->off;
			break;
		}
		size_t len = strlen(v);
		bool ok = len == 0 || put_tlv(buf, cap, &pos, k->tag, v, len);
		explicit_bzero(tmp, sizeof tmp);
		if (!ok)
			return 0;
	}
	size_t body = pos - HEAD_MAX;
	uint8_t head[HEAD_MAX] = {KTP_RECORD_TAG};
	size_t h = 1 + put_length(head + 1, body);
	memmove(buf + h, buf + HEAD_MAX, body);
	memcpy(buf, head, h);
	return h + body;
}

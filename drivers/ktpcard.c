/*
 * ktpcard: the KTP-el reading profile of docs/card-profile.md over the card
 * stack (see ktpcard.h). Each step is one card_exchange and a check of the
 * answer against the document's table, in the document's order; the table
 * decides the result (6A82 at the card's SELECT is "not a KTP-el", at the
 * SAM's "no SAM", 6300/6982 at EXTERNAL AUTHENTICATE "refused"), and any
 * other status word ends the read with the step's name. Everything taken
 * from the card or the SAM (UID, challenge, cryptogram, record) lives in one
 * struct on the stack that is wiped on every way out. This module logs
 * nothing: what went wrong goes back in a ktpcard_detail, without card data.
 */
#include <stdlib.h>
#include <string.h>

#include "ktpcard.h"
#include "ktpprof.h"

const char *ktpcard_result_name(ktpcard_result r)
{
	switch (r) {
	case KTPCARD_OK: return "ok";
	case KTPCARD_IO: return "card transfer failed";
	case KTPCARD_NOT_KTP: return "not a KTP-el";
	case KTPCARD_NO_SAM: return "no usable SAM";
	case KTPCARD_AUTH: return "card refused the SAM's authentication";
	case KTPCARD_RECORD: return "malformed card record";
	case KTPCARD_SW: return "unexpected status word";
	case KTPCARD_UID: return "bad UID length";
	default: return "unknown card read error";
	}
}

enum {
	UID_BUF = 256,            /* GET DATA asks for Ne 256: any answer fits */
	UID_MAX = 10,             /* ISO 14443-3 triple size */
	SW_NOT_FOUND = 0x6A82,    /* file or application not found */
	SW_AUTH_FAILED = 0x6300,  /* verification failed */
	SW_SECURITY = 0x6982,     /* security status not satisfied */
	INS_SELECT = 0xA4,
	INS_GET_CHALLENGE = 0x84,
	INS_EXTERNAL_AUTH = 0x82,
	INS_READ_BINARY = 0xB0,
	SELECT_BY_AID = 0x04,     /* P1: select by DF name */
	SELECT_EF = 0x02,         /* P1: select EF under the current DF */
	SELECT_NO_FCI = 0x0C,     /* P2: no response data */
	NE_EXT_MAX = 65536,
	PCT_SELECTED = 10,
	PCT_AUTHENTICATED = 30,
	PCT_DONE = 100,
};

static const uint8_t card_aid[KTPPROF_AID_LEN] = KTPPROF_CARD_AID;
static const uint8_t sam_aid[KTPPROF_AID_LEN] = KTPPROF_SAM_AID;

/* What one read holds from the card and the SAM: wiped as a whole. */
typedef struct secrets {
	uint8_t uid[UID_BUF];
	size_t uid_len;
	uint8_t rc[KTPPROF_CHALLENGE_LEN];
	uint8_t auth[UID_MAX + KTPPROF_CHALLENGE_LEN];   /* UID || rc */
	uint8_t cryptogram[KTPPROF_CRYPTOGRAM_LEN];
	uint8_t rec[KTP_RECORD_MAX];
} secrets;

/*
 * One step: send C to K, the answer into DATA (CAP bytes), *LEN, *SW.
 * KTPCARD_OK when the card answered (any status word), or KTPCARD_IO with
 * the transport's error and the step in *D.
 */
static ktpcard_result step(card *k, const apdu_cmd *c, uint8_t *data, size_t cap, size_t *len,
			   uint16_t *sw, const char *name, ktpcard_detail *d, int64_t deadline_ms)
{
	apdu_err e = card_exchange(k, c, data, cap, len, sw, deadline_ms);
	if (e == APDU_OK)
		return KTPCARD_OK;
	d->io = e;
	d->step = name;
	return KTPCARD_IO;
}

/* A status word the table does not expect at step NAME. */
static ktpcard_result bad_sw(ktpcard_detail *d, uint16_t sw, const char *name)
{
	d->sw = sw;
	d->step = name;
	return KTPCARD_SW;
}

/* An answer of the wrong length with 9000: a malformed answer. */
static ktpcard_result bad_answer(ktpcard_detail *d, const char *name)
{
	d->io = APDU_ERR_PROTO;
	d->step = name;
	return KTPCARD_IO;
}

/* Step 1: the UID by the PC/SC pseudo-APDU GET DATA. */
static ktpcard_result get_uid(card *k, secrets *s, ktpcard_detail *d, int64_t deadline_ms)
{
	static const apdu_cmd c = {.cla = 0xFF, .ins = 0xCA, .p1 = 0x00, .p2 = 0x00, .ne = 256};
	uint16_t sw;
	ktpcard_result r = step(k, &c, s->uid, sizeof s->uid, &s->uid_len, &sw, "uid", d,
				deadline_ms);
	if (r != KTPCARD_OK)
		return r;
	if (sw != SW_OK)
		return bad_sw(d, sw, "uid");
	if (s->uid_len != 4 && s->uid_len != 7 && s->uid_len != UID_MAX) {
		d->step = "uid";
		return KTPCARD_UID;
	}
	return KTPCARD_OK;
}

static void put_detail(ktpcard_detail *out, const ktpcard_detail *d)
{
	if (out)
		*out = *d;
}

ktpcard_result ktpcard_read_uid(card *k, char uid_hex[KTP_UID_CAP], ktpcard_detail *d,
				int64_t deadline_ms)
{
	if (!k || !uid_hex)
		abort();
	memset(uid_hex, 0, KTP_UID_CAP);
	ktpcard_detail dd = {0};
	secrets *s = malloc(sizeof *s);
	if (!s) {
		dd = (ktpcard_detail){.io = APDU_ERR_NOMEM, .step = "uid"};
		put_detail(d, &dd);
		return KTPCARD_IO;
	}
	ktpcard_result r = get_uid(k, s, &dd, deadline_ms);
	if (r == KTPCARD_OK) {
		static const char hex[] = "0123456789ABCDEF";
		for (size_t i = 0; i < s->uid_len; i++) {
			uid_hex[2 * i] = hex[s->uid[i] >> 4];
			uid_hex[2 * i + 1] = hex[s->uid[i] & 0x0F];
		}
		uid_hex[2 * s->uid_len] = '\0';
	}
	explicit_bzero(s, sizeof *s);
	free(s);
	put_detail(d, &dd);
	return r;
}

static void report(ktpcard_progress_fn progress, void *user, int pct)
{
	if (progress)
		progress(user, pct);
}

/* Steps 8 and 9: the record into S->rec, *TOTAL its length. */
static ktpcard_result read_record(card *k, secrets *s, size_t *total, ktpcard_detail *d,
				  ktpcard_progress_fn progress, void *user, int64_t deadline_ms)
{
	uint16_t sw;
	size_t have = 0;
	apdu_cmd head = {.cla = 0x00, .ins = INS_READ_BINARY, .p1 = 0, .p2 = 0,
			 .ne = KTPPROF_HEAD};
	ktpcard_result r = step(k, &head, s->rec, KTPPROF_HEAD, &have, &sw, "read head", d,
				deadline_ms);
	if (r != KTPCARD_OK)
		return r;
	if (sw != SW_OK)
		return bad_sw(d, sw, "read head");
	/* The head says how long the record is; a length over
	 * KTP_RECORD_MAX is refused here, before any more is read. */
	ktp_err ke = ktp_record_size(s->rec, have, total);
	if (ke != KTP_OK) {
		d->record = ke;
		d->step = "read head";
		return KTPCARD_RECORD;
	}

	/* Short links read in KTPPROF_CHUNK pieces; an extended one takes
	 * the rest in one READ BINARY. */
	size_t piece_max = k->io.ext_ok ? NE_EXT_MAX : KTPPROF_CHUNK;
	while (have < *total) {
		size_t want = *total - have;
		if (want > piece_max)
			want = piece_max;
		/* P1-P2: the offset (at most KTP_RECORD_MAX, so bit 15 clear). */
		apdu_cmd rb = {.cla = 0x00, .ins = INS_READ_BINARY, .p1 = (uint8_t)(have >> 8),
			       .p2 = (uint8_t)have, .ne = want};
		size_t got = 0;
		r = step(k, &rb, s->rec + have, want, &got, &sw, "read record", d, deadline_ms);
		if (r != KTPCARD_OK)
			return r;
		if (sw != SW_OK)
			return bad_sw(d, sw, "read record");
		if (got == 0) {
			/* The file ends before the length its head gives. */
			d->record = KTP_ERR_TLV;
			d->step = "read record";
			return KTPCARD_RECORD;
		}
		have += got;
		/* 100 waits for the parse: a record read is not yet a record. */
		if (have < *total)
			report(progress, user,
			       PCT_AUTHENTICATED +
				       (int)((PCT_DONE - PCT_AUTHENTICATED) * have / *total));
	}
	return KTPCARD_OK;
}

/* Steps 2 to 9 with the UID (step 1) read before the challenge. */
static ktpcard_result read_identity(card *k, card *sam, secrets *s, ktp_identity *out,
				    ktpcard_detail *d, ktpcard_progress_fn progress, void *user,
				    int64_t deadline_ms)
{
	uint16_t sw;
	size_t len;
	ktpcard_result r;

	/* 2: the KTP-el application on the card. */
	apdu_cmd sel = {.cla = 0x00, .ins = INS_SELECT, .p1 = SELECT_BY_AID, .p2 = SELECT_NO_FCI,
			.data = card_aid, .nc = sizeof card_aid};
	r = step(k, &sel, NULL, 0, &len, &sw, "select", d, deadline_ms);
	if (r != KTPCARD_OK)
		return r;
	if (sw == SW_NOT_FOUND) {
		d->sw = sw;
		d->step = "select";
		return KTPCARD_NOT_KTP;
	}
	if (sw != SW_OK)
		return bad_sw(d, sw, "select");

	/* 3: the SAM application on the SAM. */
	sel.data = sam_aid;
	r = step(sam, &sel, NULL, 0, &len, &sw, "select sam", d, deadline_ms);
	if (r != KTPCARD_OK)
		return r;
	if (sw == SW_NOT_FOUND) {
		d->sw = sw;
		d->step = "select sam";
		return KTPCARD_NO_SAM;
	}
	if (sw != SW_OK)
		return bad_sw(d, sw, "select sam");
	report(progress, user, PCT_SELECTED);

	/* 1: the UID, which the SAM's authentication covers. */
	r = get_uid(k, s, d, deadline_ms);
	if (r != KTPCARD_OK)
		return r;

	/* 4: the card's challenge. */
	static const apdu_cmd challenge = {.cla = 0x00, .ins = INS_GET_CHALLENGE,
					   .ne = KTPPROF_CHALLENGE_LEN};
	r = step(k, &challenge, s->rc, sizeof s->rc, &len, &sw, "challenge", d, deadline_ms);
	if (r != KTPCARD_OK)
		return r;
	if (sw != SW_OK)
		return bad_sw(d, sw, "challenge");
	if (len != KTPPROF_CHALLENGE_LEN)
		return bad_answer(d, "challenge");

	/* 5: the SAM's cryptogram over UID || rc. A locked SAM (6982) is a
	 * SAM the kiosk cannot use: no SAM, as far as the citizen goes. */
	memcpy(s->auth, s->uid, s->uid_len);
	memcpy(s->auth + s->uid_len, s->rc, sizeof s->rc);
	apdu_cmd auth = {.cla = KTPPROF_CLA_SAM, .ins = KTPPROF_INS_SAM_AUTH,
			 .data = s->auth, .nc = s->uid_len + sizeof s->rc,
			 .ne = KTPPROF_CRYPTOGRAM_LEN};
	r = step(sam, &auth, s->cryptogram, sizeof s->cryptogram, &len, &sw, "sam authenticate",
		 d, deadline_ms);
	if (r != KTPCARD_OK)
		return r;
	if (sw == SW_SECURITY) {
		d->sw = sw;
		d->step = "sam authenticate";
		return KTPCARD_NO_SAM;
	}
	if (sw != SW_OK)
		return bad_sw(d, sw, "sam authenticate");
	if (len != KTPPROF_CRYPTOGRAM_LEN)
		return bad_answer(d, "sam authenticate");

	/* 6: the cryptogram to the card. */
	apdu_cmd ext = {.cla = 0x00, .ins = INS_EXTERNAL_AUTH, .data = s->cryptogram,
			.nc = sizeof s->cryptogram};
	r = step(k, &ext, NULL, 0, &len, &sw, "external authenticate", d, deadline_ms);
	if (r != KTPCARD_OK)
		return r;
	if (sw == SW_AUTH_FAILED || sw == SW_SECURITY) {
		d->sw = sw;
		d->step = "external authenticate";
		return KTPCARD_AUTH;
	}
	if (sw != SW_OK)
		return bad_sw(d, sw, "external authenticate");
	report(progress, user, PCT_AUTHENTICATED);

	/* 7: the record's file. */
	static const uint8_t ef[2] = {KTPPROF_EF_RECORD >> 8, KTPPROF_EF_RECORD & 0xFF};
	apdu_cmd sel_ef = {.cla = 0x00, .ins = INS_SELECT, .p1 = SELECT_EF, .p2 = SELECT_NO_FCI,
			   .data = ef, .nc = sizeof ef};
	r = step(k, &sel_ef, NULL, 0, &len, &sw, "select record", d, deadline_ms);
	if (r != KTPCARD_OK)
		return r;
	if (sw != SW_OK)
		return bad_sw(d, sw, "select record");

	/* 8, 9: the record, then its fields. */
	size_t total = 0;
	r = read_record(k, s, &total, d, progress, user, deadline_ms);
	if (r != KTPCARD_OK)
		return r;
	ktp_err ke = ktp_parse_record(s->rec, total, out);
	if (ke != KTP_OK) {
		d->record = ke;
		d->step = "record";
		return KTPCARD_RECORD;
	}
	report(progress, user, PCT_DONE);
	return KTPCARD_OK;
}

ktpcard_result ktpcard_read_identity(card *k, card *sam, ktp_identity *out, ktpcard_detail *d,
				     ktpcard_progress_fn progress, void *user,
				     int64_t deadline_ms)
{
	if (!k || !out)
		abort();
	ktp_identity_wipe(out);
	ktpcard_detail dd = {0};
	ktpcard_result r;
	if (!sam) {
		r = KTPCARD_NO_SAM; /* nothing sent: no step failed */
		put_detail(d, &dd);
		return r;
	}
	secrets *s = malloc(sizeof *s);
	if (!s) {
		dd = (ktpcard_detail){.io = APDU_ERR_NOMEM};
		put_detail(d, &dd);
		return KTPCARD_IO;
	}
	r = read_identity(k, sam, s, out, &dd, progress, user, deadline_ms);
	explicit_bzero(s, sizeof *s);
	free(s);
	if (r != KTPCARD_OK) {
		ktp_identity_wipe(out);
	} else {
		dd = (ktpcard_detail){0};
	}
	put_detail(d, &dd);
	return r;
}

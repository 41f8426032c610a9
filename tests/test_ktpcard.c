/*
 * test_ktpcard: the KTP-el reading profile (drivers/ktpcard.c) over the card
 * stack.
 *
 * Transcripts pin the profile independently of the simulator: two fake
 * apdu_io pipes (the card and the SAM) share one script of the exact bytes
 * docs/card-profile.md prescribes, in order, with the answers to give; any
 * other APDU, or one too many, fails the test. They cover a whole read on a
 * short link (the record in 0xF0-byte pieces, offsets past 255) and on an
 * extended one (one extended READ BINARY), the progress reported (10, 30,
 * in proportion, 100), the GET DATA UID of 4, 7 and 10 bytes and of other
 * lengths, the SAM's 6110 answered with GET RESPONSE, and every answer the document's table names: 6A82 at the card's
 * SELECT (not a KTP-el), at the SAM's (no SAM), 6982 from the SAM (locked:
 * no SAM), 6300/6982 at EXTERNAL AUTHENTICATE (refused), and an unexpected
 * status word and a transport error at every step, each ending the read
 * there with the step's name. Record heads ktp_record_size refuses (a
 * length over KTP_RECORD_MAX ends the read before any more is read), files
 * that end early, malformed records and answers of the wrong length end as
 * the header says. On every failure the identity is all zeros.
 *
 * Then the real stack runs against the simulated reader (ccidsim: real CCID
 * bytes through ccid.c, T=0 or T=1 or APDU level, the simulated card and
 * SAM): siti.card and budi.card are read at every level and protocol
 * combination (TPDU with a T=1 card and a T=0 or T=1 SAM, LRC and CRC, a
 * small IFSC forcing chaining, small messages shrinking IFSD and IFSC so
 * that both sides chain, a T=0 card, readers that negotiate
 * themselves, short APDU, extended APDU with tiny messages forcing CCID
 * chaining, time extensions) and compared field by field with
 * ktp_parse_image of the same file; uid-only.card gives NOT_KTP with its
 * UID; a reader without a SAM gives NO_SAM with the UID; and every fault
 * the simulator injects ends as the stack's contracts say.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ccid.h"
#include "ccidsim.h"
#include "ktpcard.h"
#include "ktpprof.h"
#include "xport.h"

enum {
	OP_MS = 2000,        /* a generous deadline for operations that succeed */
	FAULT_MS = 200,      /* the deadline under an injected timeout */
	SLACK_MS = 150,      /* scheduling noise allowed past a deadline */
	TURNS_MAX = 48,
	TURN_CMD_MAX = 300,
	TURN_ANS_MAX = KTP_RECORD_MAX + 2,
	PROGRESS_MAX = 64,
};

#define CARD(name) KIOSK_TEST_DIR "/cards/" name

/* ---- helpers ------------------------------------------------------------ */

static bool all_zero(const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

/* Hex digits in H (spaces allowed) into OUT; returns the byte count. */
static size_t unhex(const char *h, uint8_t *out, size_t cap)
{
	size_t n = 0;
	int hi = -1;
	for (; *h; h++) {
		if (*h == ' ')
			continue;
		int v = *h >= '0' && *h <= '9'   ? *h - '0'
			: *h >= 'A' && *h <= 'F' ? *h - 'A' + 10
			: *h >= 'a' && *h <= 'f' ? *h - 'a' + 10
						 : -1;
		assert_true(v >= 0);
		if (hi < 0) {
			hi = v;
			continue;
		}
		assert_true(n < cap);
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	assert_true(hi < 0);
	return n;
}

/* The whole of the card image at PATH; *LEN its size. The caller frees. */
static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char *buf = malloc(65536);
	assert_non_null(buf);
	*len = fread(buf, 1, 65536, f);
	assert_false(ferror(f));
	assert_true(*len < 65536);
	fclose(f);
	return buf;
}

/* The UID (hex) and identity of the card image at PATH. */
static void load_image(const char *path, char uid[KTP_UID_CAP], ktp_identity *id, bool *has_id)
{
	size_t len;
	char *text = read_file(path, &len);
	assert_int_equal(ktp_parse_image(text, len, uid, KTP_UID_CAP, id, has_id), KTP_OK);
	explicit_bzero(text, len);
	free(text);
}

static void assert_identity_equal(const ktp_identity *a, const ktp_identity *b)
{
	assert_string_equal(a->nik, b->nik);
	assert_string_equal(a->name, b->name);
	assert_string_equal(a->birth_place, b->birth_place);
	assert_int_equal(a->birth_y, b->birth_y);
	assert_int_equal(a->birth_m, b->birth_m);
	assert_int_equal(a->birth_d, b->birth_d);
	assert_int_equal(a->sex, b->sex);
	assert_string_equal(a->blood_type, b->blood_type);
	assert_string_equal(a->address, b->address);
	assert_string_equal(a->rt_rw, b->rt_rw);
	assert_string_equal(a->village, b->village);
	assert_string_equal(a->district, b->district);
	assert_string_equal(a->city, b->city);
	assert_string_equal(a->province, b->province);
	assert_string_equal(a->religion, b->religion);
	assert_string_equal(a->marital_status, b->marital_status);
	assert_string_equal(a->occupation, b->occupation);
	assert_string_equal(a->nationality, b->nationality);
	assert_string_equal(a->valid_until, b->valid_until);
}

typedef struct progress_log {
	int v[PROGRESS_MAX];
	size_t n;
} progress_log;

static void record_progress(void *user, int pct)
{
	progress_log *p = user;
	assert_true(p->n < PROGRESS_MAX);
	p->v[p->n++] = pct;
}

/* 10, 30, then rising, ending at 100. */
static void assert_progress_ok(const progress_log *p)
{
	assert_true(p->n >= 3);
	assert_int_equal(p->v[0], 10);
	assert_int_equal(p->v[1], 30);
	for (size_t i = 1; i < p->n; i++) {
		assert_true(p->v[i] > p->v[i - 1]);
		assert_true(p->v[i] <= 100);
	}
	assert_int_equal(p->v[p->n - 1], 100);
}

/* ---- transcripts: a scripted card and SAM ------------------------------- */

typedef struct turn {
	char who;                     /* 'C' the card, 'S' the SAM */
	uint8_t cmd[TURN_CMD_MAX];
	size_t cmd_len;
	uint8_t ans[TURN_ANS_MAX];
	size_t ans_len;
	apdu_err err;                 /* returned instead of an answer when set */
} turn;

typedef struct script {
	turn t[TURNS_MAX];
	size_t n, at;
} script;

typedef struct endpoint {
	script *s;
	char who;
} endpoint;

static turn *add(script *s, char who, const char *cmd_hex, const char *ans_hex)
{
	assert_true(s->n < TURNS_MAX);
	turn *t = &s->t[s->n++];
	memset(t, 0, sizeof *t);
	t->who = who;
	t->cmd_len = unhex(cmd_hex, t->cmd, sizeof t->cmd);
	t->ans_len = unhex(ans_hex, t->ans, sizeof t->ans);
	return t;
}

/* The fake pipe: the next turn must be for this endpoint and carry exactly
 * the bytes sent. */
static apdu_err fake_xfr(void *ctx, const uint8_t *in, size_t n, uint8_t *out, size_t cap,
			 size_t *got, int64_t deadline_ms)
{
	(void)deadline_ms;
	endpoint *ep = ctx;
	script *s = ep->s;
	*got = 0;
	if (s->at >= s->n)
		fail_msg("APDU %zu to %c beyond the script", s->at, ep->who);
	turn *t = &s->t[s->at++];
	if (t->who != ep->who)
		fail_msg("turn %zu: APDU to %c, expected to %c", s->at - 1, ep->who, t->who);
	if (n != t->cmd_len || memcmp(in, t->cmd, n) != 0)
		fail_msg("turn %zu: unexpected command bytes (%zu, expected %zu)", s->at - 1, n,
			 t->cmd_len);
	if (t->err != APDU_OK)
		return t->err;
	assert_true(t->ans_len <= cap);
	memcpy(out, t->ans, t->ans_len);
	*got = t->ans_len;
	return APDU_OK;
}

/* A card whose channel is the fake pipe of EP (no reader behind it). */
static void fake_card(card *k, endpoint *ep, bool ext_ok)
{
	memset(k, 0, sizeof *k);
	k->proto = CARD_PROTO_APDU;
	k->io = (apdu_io){.xfr = fake_xfr, .ctx = ep, .ext_ok = ext_ok};
	k->buf = malloc(APDU_RESP_MAX);
	assert_non_null(k->buf);
	k->powered = true;
}

/* A scripted pair. */
typedef struct rig_fake {
	script *s;
	endpoint ce, se;
	card k, sam;
} rig_fake;

static void fake_open(rig_fake *f, bool ext_ok)
{
	f->s = calloc(1, sizeof *f->s);
	assert_non_null(f->s);
	f->ce = (endpoint){f->s, 'C'};
	f->se = (endpoint){f->s, 'S'};
	fake_card(&f->k, &f->ce, ext_ok);
	fake_card(&f->sam, &f->se, false);
}

static void fake_close(rig_fake *f)
{
	card_disconnect(&f->k, 0);
	card_disconnect(&f->sam, 0);
	assert_true(all_zero(&f->k, sizeof f->k));
	free(f->s);
}

static const char UID7[] = "04A1B2C3D4E5F6";
static const char RC[] = "1122334455667788";
static const char CRYPTO[] = "A0A1A2A3A4A5A6A7A8A9AAABACADAEAF";

/* The record of an identity with every field long: over 600 bytes. */
static size_t big_record(uint8_t *rec, size_t cap, ktp_identity *want)
{
	char uid[KTP_UID_CAP];
	bool has;
	load_image(CARD("siti.card"), uid, want, &has);
	memset(want->name, 'N', KTP_NAME_CAP - 1);
	memset(want->address, 'A', KTP_ADDRESS_CAP - 1);
	memset(want->birth_place, 'B', KTP_PLACE_CAP - 1);
	memset(want->village, 'V', KTP_PLACE_CAP - 1);
	memset(want->district, 'D', KTP_PLACE_CAP - 1);
	memset(want->city, 'C', KTP_PLACE_CAP - 1);
	memset(want->province, 'P', KTP_PLACE_CAP - 1);
	memset(want->occupation, 'O', KTP_OCCUPATION_CAP - 1);
	size_t n = ktp_encode_record(want, rec, cap);
	assert_true(n > 600);
	return n;
}

/* Steps 2 to 7 answered well; the turn index of each is its step - 2,
 * except the UID read (turn 2) between the SAM's SELECT and GET CHALLENGE. */
static void script_auth(script *s, const char *uid_hex)
{
	char buf[128];
	add(s, 'C', "00 A4 04 0C 07 F0 4B 54 50 45 4C 31", "9000");
	add(s, 'S', "00 A4 04 0C 07 F0 4B 54 50 53 41 4D", "9000");
	snprintf(buf, sizeof buf, "%s 9000", uid_hex);
	add(s, 'C', "FF CA 00 00 00", buf);
	snprintf(buf, sizeof buf, "%s 9000", RC);
	add(s, 'C', "00 84 00 00 08", buf);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "80 8A 00 00 %02zX %s %s 10", strlen(uid_hex) / 2 + 8, uid_hex,
		 RC);
	snprintf(buf, sizeof buf, "%s 9000", CRYPTO);
	add(s, 'S', cmd, buf);
	snprintf(cmd, sizeof cmd, "00 82 00 00 10 %s", CRYPTO);
	add(s, 'C', cmd, "9000");
	add(s, 'C', "00 A4 02 0C 02 4B 01", "9000");
}

static const char *const step_names[] = {
	"select", "select sam", "uid", "challenge", "sam authenticate",
	"external authenticate", "select record", "read head", "read record",
};

/* A READ BINARY turn at OFF for NE bytes, answered with REC[OFF..OFF+NE). */
static void add_read(script *s, size_t off, size_t ne, bool ext, const uint8_t *rec)
{
	assert_true(s->n < TURNS_MAX);
	turn *t = &s->t[s->n++];
	memset(t, 0, sizeof *t);
	t->who = 'C';
	uint8_t *c = t->cmd;
	c[0] = 0x00;
	c[1] = 0xB0;
	c[2] = (uint8_t)(off >> 8);
	c[3] = (uint8_t)off;
	if (ext) {
		c[4] = 0x00;
		c[5] = (uint8_t)(ne >> 8);
		c[6] = (uint8_t)ne;
		t->cmd_len = 7;
	} else {
		c[4] = (uint8_t)ne;
		t->cmd_len = 5;
	}
	memcpy(t->ans, rec + off, ne);
	t->ans[ne] = 0x90;
	t->ans[ne + 1] = 0x00;
	t->ans_len = ne + 2;
}

/* The record REC (N bytes) read on a short link: the head, then 0xF0
 * pieces at offsets 4, 0xF4, 0x1E4... */
static void script_read_short(script *s, const uint8_t *rec, size_t n)
{
	add_read(s, 0, KTPPROF_HEAD, false, rec);
	for (size_t off = KTPPROF_HEAD; off < n; off += KTPPROF_CHUNK)
		add_read(s, off, n - off < KTPPROF_CHUNK ? n - off : KTPPROF_CHUNK, false, rec);
}

static void test_transcript_short(void **state)
{
	(void)state;
	rig_fake f;
	fake_open(&f, false);
	static uint8_t rec[KTP_RECORD_MAX];
	ktp_identity want;
	size_t n = big_record(rec, sizeof rec, &want);
	script_auth(f.s, UID7);
	script_read_short(f.s, rec, n);
	assert_true(f.s->n >= 7 + 1 + 3); /* at least three pieces, one past offset 255 */

	ktp_identity id;
	memset(&id, 0xAA, sizeof id);
	ktpcard_detail d;
	memset(&d, 0xAA, sizeof d);
	progress_log p = {0};
	assert_int_equal(ktpcard_read_identity(&f.k, &f.sam, &id, &d, record_progress, &p,
					       xport_deadline_in(OP_MS)),
			 KTPCARD_OK);
	assert_int_equal(f.s->at, f.s->n);
	assert_identity_equal(&id, &want);
	assert_true(all_zero(&d, sizeof d));
	assert_progress_ok(&p);
	assert_true(p.n >= 4); /* some in proportion between 30 and 100 */
	ktp_identity_wipe(&id);
	ktp_identity_wipe(&want);
	fake_close(&f);
}

static void test_transcript_extended(void **state)
{
	(void)state;
	rig_fake f;
	fake_open(&f, true);
	static uint8_t rec[KTP_RECORD_MAX];
	ktp_identity want;
	size_t n = big_record(rec, sizeof rec, &want);
	script_auth(f.s, UID7);
	add_read(f.s, 0, KTPPROF_HEAD, false, rec);
	add_read(f.s, KTPPROF_HEAD, n - KTPPROF_HEAD, true, rec); /* 00 B0 00 04 00 hi lo */

	ktp_identity id;
	progress_log p = {0};
	assert_int_equal(ktpcard_read_identity(&f.k, &f.sam, &id, NULL, record_progress, &p,
					       xport_deadline_in(OP_MS)),
			 KTPCARD_OK);
	assert_int_equal(f.s->at, f.s->n);
	assert_identity_equal(&id, &want);
	assert_progress_ok(&p);
	ktp_identity_wipe(&id);
	ktp_identity_wipe(&want);
	fake_close(&f);
}

/* A small record fitting one piece, with a 4- and a 10-byte UID. */
static void transcript_small(const char *uid_hex)
{
	rig_fake f;
	fake_open(&f, false);
	uint8_t rec[KTP_RECORD_MAX];
	ktp_identity want;
	char uid[KTP_UID_CAP];
	bool has;
	load_image(CARD("budi.card"), uid, &want, &has);
	size_t n = ktp_encode_record(&want, rec, sizeof rec);
	assert_true(n > KTPPROF_HEAD);
	script_auth(f.s, uid_hex);
	script_read_short(f.s, rec, n);
	ktp_identity id;
	assert_int_equal(ktpcard_read_identity(&f.k, &f.sam, &id, NULL, NULL, NULL,
					       xport_deadline_in(OP_MS)),
			 KTPCARD_OK);
	assert_int_equal(f.s->at, f.s->n);
	assert_identity_equal(&id, &want);
	ktp_identity_wipe(&id);
	ktp_identity_wipe(&want);
	fake_close(&f);
}

static void test_transcript_uid_sizes(void **state)
{
	(void)state;
	transcript_small("01020304");
	transcript_small("04A1B2C3D4E5F6");
	transcript_small("0102030405060708090A");
}

/*
 * Step 5 over T=0: the SAM answers 6110 and the cryptogram is fetched with
 * GET RESPONSE by apdu_exchange. apdu.h has GET RESPONSE carry the CLA of
 * the command (80 here); docs/card-profile.md writes it 00 C0 00 00 10.
 * This pins what the stack sends; the simulated SAM accepts both.
 */
static void test_transcript_get_response(void **state)
{
	(void)state;
	rig_fake f;
	fake_open(&f, false);
	uint8_t rec[KTP_RECORD_MAX];
	ktp_identity want;
	char uid[KTP_UID_CAP];
	bool has;
	load_image(CARD("budi.card"), uid, &want, &has);
	size_t n = ktp_encode_record(&want, rec, sizeof rec);
	script_auth(f.s, UID7);
	/* Turn 4 (AUTHENTICATE CARD) answers 6110; GET RESPONSE goes in after
	 * it, the rest moves down one. */
	assert_true(f.s->n < TURNS_MAX);
	memmove(&f.s->t[6], &f.s->t[5], (f.s->n - 5) * sizeof f.s->t[0]);
	f.s->n++;
	turn *t = &f.s->t[4];
	t->ans_len = unhex("6110", t->ans, sizeof t->ans);
	t = &f.s->t[5];
	memset(t, 0, sizeof *t);
	t->who = 'S';
	t->cmd_len = unhex("80 C0 00 00 10", t->cmd, sizeof t->cmd);
	char ans[64];
	snprintf(ans, sizeof ans, "%s 9000", CRYPTO);
	t->ans_len = unhex(ans, t->ans, sizeof t->ans);
	script_read_short(f.s, rec, n);
	ktp_identity id;
	assert_int_equal(ktpcard_read_identity(&f.k, &f.sam, &id, NULL, NULL, NULL,
					       xport_deadline_in(OP_MS)),
			 KTPCARD_OK);
	assert_int_equal(f.s->at, f.s->n);
	assert_identity_equal(&id, &want);
	ktp_identity_wipe(&id);
	ktp_identity_wipe(&want);
	fake_close(&f);
}

/* Good answers up to turn AT, then ANS_HEX (or ERR) there, and no more. */
static void run_failing(size_t at, const char *ans_hex, apdu_err err, ktpcard_result want,
			ktpcard_detail *d)
{
	rig_fake f;
	fake_open(&f, false);
	static uint8_t rec[KTP_RECORD_MAX];
	ktp_identity full;
	size_t n = big_record(rec, sizeof rec, &full);
	ktp_identity_wipe(&full);
	script_auth(f.s, UID7);
	script_read_short(f.s, rec, n);
	assert_true(at < f.s->n);
	f.s->n = at + 1;
	turn *t = &f.s->t[at];
	t->ans_len = unhex(ans_hex, t->ans, sizeof t->ans);
	t->err = err;

	ktp_identity id;
	memset(&id, 0xAA, sizeof id);
	memset(d, 0xAA, sizeof *d);
	assert_int_equal(ktpcard_read_identity(&f.k, &f.sam, &id, d, NULL, NULL,
					       xport_deadline_in(OP_MS)),
			 want);
	assert_int_equal(f.s->at, f.s->n); /* it stopped right there */
	assert_true(all_zero(&id, sizeof id));
	fake_close(&f);
}

static void test_transcript_unexpected_sw(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof step_names / sizeof step_names[0]; i++) {
		ktpcard_detail d;
		run_failing(i, "6F00", APDU_OK, KTPCARD_SW, &d);
		assert_int_equal(d.sw, 0x6F00);
		assert_string_equal(d.step, step_names[i]);
		assert_int_equal(d.io, APDU_OK);
	}
	/* 6A82 where the table does not name it is unexpected too. */
	ktpcard_detail d;
	run_failing(6, "6A82", APDU_OK, KTPCARD_SW, &d);
	assert_int_equal(d.sw, 0x6A82);
	assert_string_equal(d.step, "select record");
	run_failing(3, "6A82", APDU_OK, KTPCARD_SW, &d);
	assert_string_equal(d.step, "challenge");
}

static void test_transcript_io_error(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof step_names / sizeof step_names[0]; i++) {
		ktpcard_detail d;
		run_failing(i, "", APDU_ERR_NO_CARD, KTPCARD_IO, &d);
		assert_int_equal(d.io, APDU_ERR_NO_CARD);
		assert_string_equal(d.step, step_names[i]);
		assert_int_equal(d.sw, 0);
	}
	ktpcard_detail d;
	run_failing(4, "", APDU_ERR_TIMEOUT, KTPCARD_IO, &d);
	assert_int_equal(d.io, APDU_ERR_TIMEOUT);
	assert_string_equal(d.step, "sam authenticate");
}

static void test_transcript_table(void **state)
{
	(void)state;
	ktpcard_detail d;
	run_failing(0, "6A82", APDU_OK, KTPCARD_NOT_KTP, &d);
	assert_int_equal(d.sw, 0x6A82);
	assert_string_equal(d.step, "select");
	run_failing(1, "6A82", APDU_OK, KTPCARD_NO_SAM, &d);
	assert_int_equal(d.sw, 0x6A82);
	assert_string_equal(d.step, "select sam");
	run_failing(4, "6982", APDU_OK, KTPCARD_NO_SAM, &d);
	assert_int_equal(d.sw, 0x6982);
	assert_string_equal(d.step, "sam authenticate");
	run_failing(5, "6300", APDU_OK, KTPCARD_AUTH, &d);
	assert_int_equal(d.sw, 0x6300);
	assert_string_equal(d.step, "external authenticate");
	run_failing(5, "6982", APDU_OK, KTPCARD_AUTH, &d);
	assert_int_equal(d.sw, 0x6982);
	/* A UID of another length, a challenge or cryptogram of the wrong
	 * size with 9000. */
	run_failing(2, "0102030405 9000", APDU_OK, KTPCARD_UID, &d);
	assert_string_equal(d.step, "uid");
	run_failing(3, "11223344 9000", APDU_OK, KTPCARD_IO, &d);
	assert_int_equal(d.io, APDU_ERR_PROTO);
	assert_string_equal(d.step, "challenge");
	run_failing(4, "A0A1A2A3 9000", APDU_OK, KTPCARD_IO, &d);
	assert_int_equal(d.io, APDU_ERR_PROTO);
	assert_string_equal(d.step, "sam authenticate");
	/* Data where none is expected (SELECT with P2 0C) does not fit. */
	run_failing(0, "6F 9000", APDU_OK, KTPCARD_IO, &d);
	assert_int_equal(d.io, APDU_ERR_TOOBIG);
}

static void test_transcript_bad_head(void **state)
{
	(void)state;
	ktpcard_detail d;
	/* Not the record template. */
	run_failing(7, "71 10 80 01 9000", APDU_OK, KTPCARD_RECORD, &d);
	assert_int_equal(d.record, KTP_ERR_TLV);
	assert_string_equal(d.step, "read head");
	/* Longer than KTP_RECORD_MAX: refused before any more is read
	 * (run_failing checks that nothing follows). */
	run_failing(7, "70 82 10 00 9000", APDU_OK, KTPCARD_RECORD, &d);
	assert_int_equal(d.record, KTP_ERR_TLV);
	/* A non-minimal length form. */
	run_failing(7, "70 81 05 80 9000", APDU_OK, KTPCARD_RECORD, &d);
	/* Too short to tell the length. */
	run_failing(7, "70 9000", APDU_OK, KTPCARD_RECORD, &d);
	assert_int_equal(d.record, KTP_ERR_MISSING);
	/* The file ends before the head's length: an empty piece. */
	run_failing(8, "9000", APDU_OK, KTPCARD_RECORD, &d);
	assert_int_equal(d.record, KTP_ERR_TLV);
	assert_string_equal(d.step, "read record");
	/* More than asked for does not fit. */
	run_failing(7, "70 82 02 00 80 9000", APDU_OK, KTPCARD_IO, &d);
	assert_int_equal(d.io, APDU_ERR_TOOBIG);
	assert_string_equal(d.step, "read head");
}

/* A record whose fields are malformed (a NIK the rules refuse). */
static void test_transcript_bad_record(void **state)
{
	(void)state;
	rig_fake f;
	fake_open(&f, false);
	uint8_t rec[KTP_RECORD_MAX];
	ktp_identity want;
	char uid[KTP_UID_CAP];
	bool has;
	load_image(CARD("budi.card"), uid, &want, &has);
	size_t n = ktp_encode_record(&want, rec, sizeof rec);
	ktp_identity_wipe(&want);
	/* The NIK follows the version: 80 01 01 81 10 <16 digits>. */
	static const uint8_t at[] = {0x80, 0x01, 0x01, 0x81, 0x10};
	size_t i = 0;
	while (i + sizeof at < n && memcmp(rec + i, at, sizeof at) != 0)
		i++;
	assert_true(i + sizeof at < n);
	rec[i + sizeof at] = 'X';
	script_auth(f.s, UID7);
	script_read_short(f.s, rec, n);
	ktp_identity id;
	memset(&id, 0xAA, sizeof id);
	ktpcard_detail d;
	assert_int_equal(ktpcard_read_identity(&f.k, &f.sam, &id, &d, NULL, NULL,
					       xport_deadline_in(OP_MS)),
			 KTPCARD_RECORD);
	assert_int_not_equal(d.record, KTP_OK);
	assert_string_equal(d.step, "record");
	assert_true(all_zero(&id, sizeof id));
	fake_close(&f);
}

static void test_transcript_no_sam(void **state)
{
	(void)state;
	rig_fake f;
	fake_open(&f, false); /* an empty script: nothing may be sent */
	ktp_identity id;
	memset(&id, 0xAA, sizeof id);
	ktpcard_detail d;
	memset(&d, 0xAA, sizeof d);
	assert_int_equal(ktpcard_read_identity(&f.k, NULL, &id, &d, NULL, NULL,
					       xport_deadline_in(OP_MS)),
			 KTPCARD_NO_SAM);
	assert_int_equal(f.s->at, 0);
	assert_true(all_zero(&id, sizeof id));
	assert_null(d.step);
	assert_int_equal(d.sw, 0);
	fake_close(&f);
}

static void uid_case(const char *ans, ktpcard_result want, const char *want_hex, uint16_t sw)
{
	rig_fake f;
	fake_open(&f, false);
	add(f.s, 'C', "FF CA 00 00 00", ans);
	char uid[KTP_UID_CAP];
	memset(uid, 'x', sizeof uid);
	ktpcard_detail d;
	assert_int_equal(ktpcard_read_uid(&f.k, uid, &d, xport_deadline_in(OP_MS)), want);
	assert_int_equal(f.s->at, 1);
	if (want == KTPCARD_OK) {
		assert_string_equal(uid, want_hex);
		assert_true(all_zero(&d, sizeof d));
	} else {
		assert_true(all_zero(uid, sizeof uid));
		assert_string_equal(d.step, "uid");
		assert_int_equal(d.sw, sw);
	}
	fake_close(&f);
}

static void test_read_uid(void **state)
{
	(void)state;
	uid_case("0aB1c2D3 9000", KTPCARD_OK, "0AB1C2D3", 0);
	uid_case("04a1b2c3d4e5f6 9000", KTPCARD_OK, "04A1B2C3D4E5F6", 0);
	uid_case("00112233445566778899 9000", KTPCARD_OK, "00112233445566778899", 0);
	uid_case("6A81", KTPCARD_SW, NULL, 0x6A81);
	uid_case("01020304 6282", KTPCARD_SW, NULL, 0x6282);
	uid_case("010203 9000", KTPCARD_UID, NULL, 0);
	uid_case("0102030405060708 9000", KTPCARD_UID, NULL, 0);
	uid_case("9000", KTPCARD_UID, NULL, 0);

	rig_fake f;
	fake_open(&f, false);
	add(f.s, 'C', "FF CA 00 00 00", "")->err = APDU_ERR_GONE;
	char uid[KTP_UID_CAP];
	ktpcard_detail d;
	assert_int_equal(ktpcard_read_uid(&f.k, uid, &d, xport_deadline_in(OP_MS)), KTPCARD_IO);
	assert_int_equal(d.io, APDU_ERR_GONE);
	assert_true(all_zero(uid, sizeof uid));
	/* *D may be NULL. */
	add(f.s, 'C', "FF CA 00 00 00", "01020304 9000");
	assert_int_equal(ktpcard_read_uid(&f.k, uid, NULL, xport_deadline_in(OP_MS)), KTPCARD_OK);
	fake_close(&f);
}

static void test_result_names(void **state)
{
	(void)state;
	for (int r = KTPCARD_UID; r <= KTPCARD_OK; r++) {
		const char *n = ktpcard_result_name((ktpcard_result)r);
		assert_non_null(n);
		assert_true(strlen(n) > 0);
	}
	assert_string_equal(ktpcard_result_name((ktpcard_result)42), "unknown card read error");
}

/* ---- the real stack against the simulated reader ------------------------- */

typedef struct rig {
	ccidsim *s;
	xport x;
	xport_info info;
	ccid *c;
	card k, sam;
	bool has_sam;
} rig;

/* A simulated reader with O, the card image at PATH (or TEXT, LEN bytes)
 * on it, the card and the SAM connected. */
static void rig_open_image(rig *r, const ccidsim_opts *o, const char *path, const char *text,
			   size_t len)
{
	memset(r, 0, sizeof *r);
	assert_int_equal(ccidsim_new(&r->s, o), CCIDSIM_OK);
	r->x = ccidsim_xport(r->s);
	assert_int_equal(r->x.ops->open(r->x.ctx, &r->info), XPORT_OK);
	const char *why = NULL;
	assert_int_equal(ccid_open(&r->c, r->x, &r->info, &why), CCID_OK);
	if (path)
		assert_int_equal(ccidsim_insert(r->s, path), CCIDSIM_OK);
	else
		assert_int_equal(ccidsim_insert_image(r->s, text, len), CCIDSIM_OK);
	apdu_err e = card_connect(&r->k, r->c, 0, xport_deadline_in(OP_MS), &why);
	if (e != APDU_OK)
		fail_msg("card_connect: %s (%s)", apdu_err_name(e), why ? why : "");
	if (o->sam) {
		e = card_connect(&r->sam, r->c, 1, xport_deadline_in(OP_MS), &why);
		if (e != APDU_OK)
			fail_msg("card_connect SAM: %s (%s)", apdu_err_name(e), why ? why : "");
		r->has_sam = true;
	}
}

static void rig_open(rig *r, const ccidsim_opts *o, const char *path)
{
	rig_open_image(r, o, path, NULL, 0);
}

static void rig_close(rig *r, bool reader_gone)
{
	int64_t dl = reader_gone ? xport_now_ms() : xport_deadline_in(OP_MS);
	card_disconnect(&r->sam, dl);
	card_disconnect(&r->k, dl);
	ccid_free(&r->c);
	r->x.ops->close(r->x.ctx);
	ccidsim_free(&r->s);
}

static void fail_detail(const char *what, ktpcard_result res, const ktpcard_detail *d)
{
	fail_msg("%s: %s (io %s, sw %04X, record %s, step %s)", what, ktpcard_result_name(res),
		 apdu_err_name(d->io), d->sw, ktp_err_name(d->record), d->step ? d->step : "-");
}

/* Read the card of image PATH (or TEXT, LEN bytes) through O's reader
 * and compare with ktp_parse_image of the same image. */
static void read_and_compare_image(const ccidsim_opts *o, const char *path, const char *text,
				   size_t len)
{
	rig r;
	rig_open_image(&r, o, path, text, len);
	char want_uid[KTP_UID_CAP];
	ktp_identity want;
	bool has;
	if (path)
		load_image(path, want_uid, &want, &has);
	else
		assert_int_equal(ktp_parse_image(text, len, want_uid, KTP_UID_CAP, &want, &has),
				 KTP_OK);
	assert_true(has);

	char uid[KTP_UID_CAP];
	ktpcard_detail d;
	ktpcard_result res = ktpcard_read_uid(&r.k, uid, &d, xport_deadline_in(OP_MS));
	if (res != KTPCARD_OK)
		fail_detail("read_uid", res, &d);
	assert_string_equal(uid, want_uid);

	ktp_identity id;
	progress_log p = {0};
	res = ktpcard_read_identity(&r.k, &r.sam, &id, &d, record_progress, &p,
				    xport_deadline_in(OP_MS));
	if (res != KTPCARD_OK)
		fail_detail("read_identity", res, &d);
	assert_identity_equal(&id, &want);
	assert_progress_ok(&p);

	/* Again on the same channel: sequence numbers and state carried over. */
	ktp_identity_wipe(&id);
	res = ktpcard_read_identity(&r.k, &r.sam, &id, &d, NULL, NULL, xport_deadline_in(OP_MS));
	if (res != KTPCARD_OK)
		fail_detail("second read_identity", res, &d);
	assert_identity_equal(&id, &want);

	ktp_identity_wipe(&id);
	ktp_identity_wipe(&want);
	rig_close(&r, false);
}

/* A made-up card whose fields are all long: its record (about 700 bytes)
 * takes three READ BINARY pieces on a short link, the last at an offset
 * past 255. *LEN gets the text's length. */
static const char *big_image(size_t *len)
{
	static char text[2048];
	char n[KTP_NAME_CAP], a[KTP_ADDRESS_CAP], p[KTP_PLACE_CAP], o[KTP_OCCUPATION_CAP];
	memset(n, 'N', sizeof n - 1);
	n[sizeof n - 1] = '\0';
	memset(a, 'A', sizeof a - 1);
	a[sizeof a - 1] = '\0';
	memset(p, 'P', sizeof p - 1);
	p[sizeof p - 1] = '\0';
	memset(o, 'O', sizeof o - 1);
	o[sizeof o - 1] = '\0';
	int k = snprintf(text, sizeof text,
			 "uid = 0102030405060708090A\n"
			 "nik = 3375014101900001\n"
			 "name = %s\n"
			 "birth_place = %s\n"
			 "birth_date = 1990-01-01\n"
			 "sex = P\n"
			 "blood_type = AB+\n"
			 "address = %s\n"
			 "rt_rw = 001/002\n"
			 "village = %s\n"
			 "district = %s\n"
			 "city = %s\n"
			 "province = %s\n"
			 "occupation = %s\n"
			 "valid_until = 2030-12-31\n",
			 n, p, a, p, p, p, p, o);
	assert_true(k > 0 && (size_t)k < sizeof text);
	*len = (size_t)k;
	return text;
}

static void read_and_compare(const ccidsim_opts *o, const char *path)
{
	read_and_compare_image(o, path, NULL, 0);
}

static void read_both(const ccidsim_opts *o)
{
	read_and_compare(o, CARD("siti.card"));
	read_and_compare(o, CARD("budi.card"));
	size_t len;
	const char *text = big_image(&len);
	read_and_compare_image(o, NULL, text, len);
}

static void test_sim_tpdu_defaults(void **state)
{
	(void)state;
	ccidsim_opts o = ccidsim_defaults(); /* TPDU, card T=1, SAM T=0, LRC, IFSC 32 */
	read_both(&o);
}

static void test_sim_tpdu_t1_sam(void **state)
{
	(void)state;
	ccidsim_opts o = ccidsim_defaults();
	o.sam_protocols = 0x02;
	read_both(&o);
}

static void test_sim_tpdu_crc(void **state)
{
	(void)state;
	ccidsim_opts o = ccidsim_defaults();
	o.t1_crc = true;
	o.sam_protocols = 0x02;
	read_both(&o);
}

static void test_sim_tpdu_small_ifsc(void **state)
{
	(void)state;
	ccidsim_opts o = ccidsim_defaults();
	o.ifsc = 16; /* the SAM's 21-byte command and every answer chained */
	o.sam_protocols = 0x02;
	read_both(&o);
	o.t1_crc = true;
	read_both(&o);
}

/* TPDU messages of 64 bytes: our IFSD (and an IFSC of 200) shrink to the
 * 49 bytes a block may carry, so the card's answers come chained too. */
static void test_sim_tpdu_small_msgs(void **state)
{
	(void)state;
	ccidsim_opts o = ccidsim_defaults();
	o.max_msg_len = 64;
	o.sam_protocols = 0x02;
	read_both(&o);
	o.ifsc = 200;
	o.t1_crc = true;
	read_both(&o);
}

static void test_sim_tpdu_t0_card(void **state)
{
	(void)state;
	ccidsim_opts o = ccidsim_defaults();
	o.card_protocols = 0x01;
	read_both(&o);
}

static void test_sim_tpdu_auto_params(void **state)
{
	(void)state;
	ccidsim_opts o = ccidsim_defaults();
	o.auto_params = true;
	read_both(&o);
	o.sam_protocols = 0x02;
	read_both(&o);
}

static void test_sim_short_apdu(void **state)
{
	(void)state;
	ccidsim_opts o = ccidsim_defaults();
	o.level = CCID_LEVEL_SHORT_APDU;
	read_both(&o);
}

static void test_sim_ext_apdu(void **state)
{
	(void)state;
	ccidsim_opts o = ccidsim_defaults();
	o.level = CCID_LEVEL_EXT_APDU;
	read_both(&o);
	o.max_msg_len = 40; /* commands and answers in several CCID messages */
	read_both(&o);
}

/* The extended link reads the rest of the record in one READ BINARY. */
static void test_sim_ext_one_read(void **state)
{
	(void)state;
	unsigned long apdus[2];
	for (int ext = 0; ext < 2; ext++) {
		ccidsim_opts o = ccidsim_defaults();
		o.level = ext ? CCID_LEVEL_EXT_APDU : CCID_LEVEL_SHORT_APDU;
		rig r;
		size_t len;
		const char *text = big_image(&len);
		rig_open_image(&r, &o, NULL, text, len);
		assert_int_equal(r.k.io.ext_ok, ext != 0);
		unsigned long before = ccidsim_card_apdus(r.s);
		ktp_identity id;
		ktpcard_detail d;
		ktpcard_result res = ktpcard_read_identity(&r.k, &r.sam, &id, &d, NULL, NULL,
							   xport_deadline_in(OP_MS));
		if (res != KTPCARD_OK)
			fail_detail("read_identity", res, &d);
		apdus[ext] = ccidsim_card_apdus(r.s) - before;
		ktp_identity_wipe(&id);
		rig_close(&r, false);
	}
	/* The record in 0xF0-byte pieces after its head on the short link,
	 * in one piece on the extended one; the rest is the same. */
	size_t len;
	const char *text = big_image(&len);
	char uid[KTP_UID_CAP];
	ktp_identity id;
	bool has;
	assert_int_equal(ktp_parse_image(text, len, uid, sizeof uid, &id, &has), KTP_OK);
	uint8_t rec[KTP_RECORD_MAX];
	size_t total = ktp_encode_record(&id, rec, sizeof rec);
	ktp_identity_wipe(&id);
	size_t pieces = (total - KTPPROF_HEAD + KTPPROF_CHUNK - 1) / KTPPROF_CHUNK;
	assert_true(pieces >= 3);
	assert_int_equal(apdus[0] - apdus[1], pieces - 1);
}

static void test_sim_time_ext(void **state)
{
	(void)state;
	ccidsim_opts o = ccidsim_defaults();
	o.time_ext = 2;
	rig r;
	rig_open(&r, &o, CARD("budi.card"));
	ktp_identity id;
	ktpcard_detail d;
	ktpcard_result res = ktpcard_read_identity(&r.k, &r.sam, &id, &d, NULL, NULL,
						   xport_deadline_in(OP_MS));
	if (res != KTPCARD_OK)
		fail_detail("read_identity", res, &d);
	assert_true(ccid_time_ext_count(r.c) > 0);
	ktp_identity_wipe(&id);
	rig_close(&r, false);
}

static void test_sim_uid_only(void **state)
{
	(void)state;
	ccidsim_opts o = ccidsim_defaults();
	rig r;
	rig_open(&r, &o, CARD("uid-only.card"));
	char want_uid[KTP_UID_CAP];
	ktp_identity want;
	bool has;
	load_image(CARD("uid-only.card"), want_uid, &want, &has);
	assert_false(has);
	char uid[KTP_UID_CAP];
	assert_int_equal(ktpcard_read_uid(&r.k, uid, NULL, xport_deadline_in(OP_MS)), KTPCARD_OK);
	assert_string_equal(uid, want_uid);
	ktp_identity id;
	memset(&id, 0xAA, sizeof id);
	ktpcard_detail d;
	assert_int_equal(ktpcard_read_identity(&r.k, &r.sam, &id, &d, NULL, NULL,
					       xport_deadline_in(OP_MS)),
			 KTPCARD_NOT_KTP);
	assert_int_equal(d.sw, 0x6A82);
	assert_string_equal(d.step, "select");
	assert_true(all_zero(&id, sizeof id));
	assert_int_equal(ccidsim_sam_apdus(r.s), 0);
	rig_close(&r, false);
}

static void test_sim_no_sam(void **state)
{
	(void)state;
	ccidsim_opts o = ccidsim_defaults();
	o.sam = false;
	rig r;
	rig_open(&r, &o, CARD("siti.card"));
	assert_int_equal(ccid_descriptor(r.c)->max_slot_index, 0);
	char uid[KTP_UID_CAP];
	assert_int_equal(ktpcard_read_uid(&r.k, uid, NULL, xport_deadline_in(OP_MS)), KTPCARD_OK);
	assert_string_equal(uid, "04A1B2C3D4E5F6");
	ktp_identity id;
	memset(&id, 0xAA, sizeof id);
	assert_int_equal(ktpcard_read_identity(&r.k, NULL, &id, NULL, NULL, NULL,
					       xport_deadline_in(OP_MS)),
			 KTPCARD_NO_SAM);
	assert_true(all_zero(&id, sizeof id));
	rig_close(&r, false);
}

/* Arm F, read, and return the result; *MS the time it took. */
static ktpcard_result read_with_fault(rig *r, ccidsim_fault f, ktpcard_detail *d,
				      int64_t deadline_ms, int64_t *ms)
{
	ccidsim_fault_arm(r->s, f, 1);
	ktp_identity id;
	memset(&id, 0xAA, sizeof id);
	int64_t t0 = xport_now_ms();
	ktpcard_result res = ktpcard_read_identity(&r->k, &r->sam, &id, d, NULL, NULL,
						   t0 + deadline_ms);
	if (ms)
		*ms = xport_now_ms() - t0;
	if (res != KTPCARD_OK)
		assert_true(all_zero(&id, sizeof id));
	ktp_identity_wipe(&id);
	return res;
}

static void test_sim_fault_timeout(void **state)
{
	(void)state;
	ccidsim_opts o = ccidsim_defaults();
	rig r;
	rig_open(&r, &o, CARD("siti.card"));
	ktpcard_detail d;
	int64_t ms;
	assert_int_equal(read_with_fault(&r, CCIDSIM_FAULT_TIMEOUT, &d, FAULT_MS, &ms),
			 KTPCARD_IO);
	assert_int_equal(d.io, APDU_ERR_TIMEOUT);
	assert_string_equal(d.step, "select");
	assert_true(ms >= FAULT_MS - 5 && ms < FAULT_MS + SLACK_MS);
	rig_close(&r, false);
}

static void test_sim_fault_short_read(void **state)
{
	(void)state;
	ccidsim_opts o = ccidsim_defaults();
	rig r;
	rig_open(&r, &o, CARD("siti.card"));
	ktpcard_detail d;
	/* A reply cut short is a malformed CCID message (ccid.h:
	 * CCID_ERR_PROTO); T=1 ends the exchange on a transport error. */
	assert_int_equal(read_with_fault(&r, CCIDSIM_FAULT_SHORT_READ, &d, OP_MS, NULL),
			 KTPCARD_IO);
	assert_int_equal(d.io, APDU_ERR_PROTO);
	assert_string_equal(d.step, "select");
	rig_close(&r, false);
}

static void test_sim_fault_wrong_seq(void **state)
{
	(void)state;
	ccidsim_opts o = ccidsim_defaults();
	rig r;
	rig_open(&r, &o, CARD("siti.card"));
	ktpcard_detail d;
	/* ccid.h: a reply with a bSeq never sent (the simulator's is one
	 * ahead) is refused at once, not waited out. */
	int64_t t0 = xport_now_ms();
	ktpcard_result res = read_with_fault(&r, CCIDSIM_FAULT_WRONG_SEQ, &d, OP_MS, NULL);
	assert_int_equal(res, KTPCARD_IO);
	assert_int_equal(d.io, APDU_ERR_PROTO);
	assert_true(xport_now_ms() - t0 < OP_MS);
	assert_int_equal(ccid_stale_count(r.c), 0);
	rig_close(&r, false);
}

static void test_sim_fault_time_ext(void **state)
{
	(void)state;
	ccidsim_opts o = ccidsim_defaults();
	rig r;
	rig_open(&r, &o, CARD("siti.card"));
	ktpcard_detail d;
	int64_t ms;
	assert_int_equal(read_with_fault(&r, CCIDSIM_FAULT_TIME_EXT, &d, OP_MS, &ms), KTPCARD_IO);
	/* CCID_ERR_TIME_EXT after CCID_TIME_EXT_MAX of them; a slower
	 * simulator would hit the deadline first. */
	assert_int_equal(d.io, APDU_ERR_TIMEOUT);
	assert_true(ms < OP_MS + SLACK_MS);
	rig_close(&r, false);
}

static void test_sim_fault_unplug(void **state)
{
	(void)state;
	ccidsim_opts o = ccidsim_defaults();
	rig r;
	rig_open(&r, &o, CARD("siti.card"));
	ktpcard_detail d;
	assert_int_equal(read_with_fault(&r, CCIDSIM_FAULT_UNPLUG, &d, OP_MS, NULL), KTPCARD_IO);
	assert_int_equal(d.io, APDU_ERR_GONE);
	rig_close(&r, true);
}

static void test_sim_fault_card_removed(void **state)
{
	(void)state;
	ccidsim_opts o = ccidsim_defaults();
	rig r;
	rig_open(&r, &o, CARD("siti.card"));
	ktpcard_detail d;
	assert_int_equal(read_with_fault(&r, CCIDSIM_FAULT_CARD_REMOVED, &d, OP_MS, NULL),
			 KTPCARD_IO);
	assert_int_equal(d.io, APDU_ERR_NO_CARD);
	rig_close(&r, false);
}

static void test_sim_fault_bad_tlv(void **state)
{
	(void)state;
	ccidsim_opts o = ccidsim_defaults();
	rig r;
	rig_open(&r, &o, CARD("siti.card"));
	ktpcard_detail d;
	assert_int_equal(read_with_fault(&r, CCIDSIM_FAULT_BAD_TLV, &d, OP_MS, NULL),
			 KTPCARD_RECORD);
	assert_int_not_equal(d.record, KTP_OK);
	rig_close(&r, false);
}

static void test_sim_fault_bad_sw(void **state)
{
	(void)state;
	ccidsim_opts o = ccidsim_defaults();
	rig r;
	rig_open(&r, &o, CARD("siti.card"));
	ktpcard_detail d;
	assert_int_equal(read_with_fault(&r, CCIDSIM_FAULT_BAD_SW, &d, OP_MS, NULL), KTPCARD_SW);
	assert_int_equal(d.sw, 0x6F00);
	assert_string_equal(d.step, "select");
	/* The card recovers: the next read works. */
	assert_int_equal(read_with_fault(&r, CCIDSIM_FAULT_NONE, &d, OP_MS, NULL), KTPCARD_OK);
	rig_close(&r, false);
}

static void test_sim_fault_t1_edc(void **state)
{
	(void)state;
	ccidsim_opts o = ccidsim_defaults();
	for (int crc = 0; crc < 2; crc++) {
		o.t1_crc = crc;
		rig r;
		rig_open(&r, &o, CARD("siti.card"));
		ktpcard_detail d;
		ktpcard_result res = read_with_fault(&r, CCIDSIM_FAULT_T1_EDC, &d, OP_MS, NULL);
		if (res != KTPCARD_OK)
			fail_detail("read with a bad EDC", res, &d);
		assert_true(r.k.t1.retransmits >= 1); /* recovered by an R-block */
		rig_close(&r, false);
	}
}

static void test_sim_fault_mute(void **state)
{
	(void)state;
	ccidsim_opts o = ccidsim_defaults();
	rig r;
	rig_open(&r, &o, CARD("siti.card"));
	ktpcard_detail d;
	assert_int_equal(read_with_fault(&r, CCIDSIM_FAULT_MUTE, &d, OP_MS, NULL), KTPCARD_IO);
	assert_int_equal(d.io, APDU_ERR_MUTE);
	rig_close(&r, false);
}

static void test_sim_fault_auth(void **state)
{
	(void)state;
	ccidsim_opts o = ccidsim_defaults();
	rig r;
	rig_open(&r, &o, CARD("siti.card"));
	ktpcard_detail d;
	assert_int_equal(read_with_fault(&r, CCIDSIM_FAULT_AUTH, &d, OP_MS, NULL), KTPCARD_AUTH);
	assert_int_equal(d.sw, 0x6300);
	assert_string_equal(d.step, "external authenticate");
	rig_close(&r, false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_result_names),
		cmocka_unit_test(test_read_uid),
		cmocka_unit_test(test_transcript_short),
		cmocka_unit_test(test_transcript_extended),
		cmocka_unit_test(test_transcript_uid_sizes),
		cmocka_unit_test(test_transcript_get_response),
		cmocka_unit_test(test_transcript_unexpected_sw),
		cmocka_unit_test(test_transcript_io_error),
		cmocka_unit_test(test_transcript_table),
		cmocka_unit_test(test_transcript_bad_head),
		cmocka_unit_test(test_transcript_bad_record),
		cmocka_unit_test(test_transcript_no_sam),
		cmocka_unit_test(test_sim_tpdu_defaults),
		cmocka_unit_test(test_sim_tpdu_t1_sam),
		cmocka_unit_test(test_sim_tpdu_crc),
		cmocka_unit_test(test_sim_tpdu_small_ifsc),
		cmocka_unit_test(test_sim_tpdu_small_msgs),
		cmocka_unit_test(test_sim_tpdu_t0_card),
		cmocka_unit_test(test_sim_tpdu_auto_params),
		cmocka_unit_test(test_sim_short_apdu),
		cmocka_unit_test(test_sim_ext_apdu),
		cmocka_unit_test(test_sim_ext_one_read),
		cmocka_unit_test(test_sim_time_ext),
		cmocka_unit_test(test_sim_uid_only),
		cmocka_unit_test(test_sim_no_sam),
		cmocka_unit_test(test_sim_fault_timeout),
		cmocka_unit_test(test_sim_fault_short_read),
		cmocka_unit_test(test_sim_fault_wrong_seq),
		cmocka_unit_test(test_sim_fault_time_ext),
		cmocka_unit_test(test_sim_fault_unplug),
		cmocka_unit_test(test_sim_fault_card_removed),
		cmocka_unit_test(test_sim_fault_bad_tlv),
		cmocka_unit_test(test_sim_fault_bad_sw),
		cmocka_unit_test(test_sim_fault_t1_edc),
		cmocka_unit_test(test_sim_fault_mute),
		cmocka_unit_test(test_sim_fault_auth),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_ccidsim: the simulated USB CCID reader (drivers/ccidsim.c), driven
 * through its transport ops with CCID messages built byte by byte here, not
 * through ccid.c: the simulator is the yardstick the whole reader stack is
 * tested against, so it is checked on its own against the specifications
 * (CCID 1.1, ISO/IEC 7816-3 and -4, PC/SC part 3) and docs/card-profile.md.
 *
 * Covered: the descriptor and reader facts per option; the ATR of each slot
 * per level and protocol (with their TCK); GetSlotStatus with and without a
 * card, power on and off, Get/SetParameters; every header check (bad slot,
 * length, type, power select, protocol, level parameter; a message too
 * short to answer is ignored); NotifySlotChange on insert, removal and
 * replug, and its absence without an interrupt endpoint; the whole reading
 * profile at the short-APDU level with tests/cards/siti.card (a made-up
 * person), whose record must decode to what ktp_parse_image reads from the
 * same file, and the status words of each step's failures; a uid-only card;
 * T=0 at the TPDU level (61xx with GET RESPONSE, 6Cxx); T=1 (chaining both
 * ways, the card's IFSC, the host's IFSD and S(IFS), R-block recovery,
 * retransmission, resynchronisation, abort); the extended-APDU level
 * (commands in parts, answers chained); every fault, at the byte level;
 * unplug waking a blocked read within 100 ms, wait_arrival waking on plug,
 * a replugged reader being a fresh one; insert errors (missing file, bad
 * image, too big, a second card); the counters.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ccidsim.h"
#include "ktp.h"
#include "ktpprof.h"
#include "t1.h"

#define CARD(name) KIOSK_TEST_DIR "/cards/" name

enum {
	RMAX = 4096,        /* the longest reply these tests read */
	WAIT_MS = 1000,     /* a reply that is coming comes within this */
	NOTHING_MS = 50,    /* a reply that is not coming: how long to be sure */
	WAKE_MS = 100,      /* an unplug wakes a blocked read within this */
};

/* siti.card's UID. */
static const uint8_t siti_uid[] = {0x04, 0xA1, 0xB2, 0xC3, 0xD4, 0xE5, 0xF6};

/* Historical bytes of the simulated card and SAM (ccidsim.c). */
static const uint8_t card_hist[] = {0x80, 0x31, 0x80, 0x66, 'K', 'T', 'P', 'S', 'I', 'M'};
static const uint8_t sam_hist[] = {0x80, 0x66, 'K', 'T', 'P', 'S', 'A', 'M'};

/* ---- fixture and message helpers ---------------------------------------- */

typedef struct fx {
	ccidsim *s;
	xport x;
	xport_info info;
	uint8_t seq;
} fx;

typedef struct reply {
	uint8_t raw[RMAX];
	size_t n;
	uint8_t type, slot, seq, status, error, spec;
	const uint8_t *data;
	size_t len;
} reply;

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void fx_new(fx *f, const ccidsim_opts *o)
{
	memset(f, 0, sizeof *f);
	assert_int_equal(ccidsim_new(&f->s, o), CCIDSIM_OK);
	assert_non_null(f->s);
	f->x = ccidsim_xport(f->s);
	assert_string_equal(f->x.ops->name, "sim");
	assert_int_equal(f->x.ops->open(f->x.ctx, &f->info), XPORT_OK);
}

static void fx_free(fx *f)
{
	f->x.ops->close(f->x.ctx);
	ccidsim_free(&f->s);
	assert_null(f->s);
}

static ccidsim_opts opts_level(ccid_level level)
{
	ccidsim_opts o = ccidsim_defaults();
	o.level = level;
	return o;
}

/* Build a PC_to_RDR_* message in BUF; its length. */
static size_t build(uint8_t *buf, uint8_t type, uint8_t slot, uint8_t seq, uint8_t p7, uint8_t p8,
		    uint8_t p9, const uint8_t *data, size_t len)
{
	buf[0] = type;
	buf[1] = (uint8_t)len;
	buf[2] = (uint8_t)(len >> 8);
	buf[3] = (uint8_t)(len >> 16);
	buf[4] = (uint8_t)(len >> 24);
	buf[5] = slot;
	buf[6] = seq;
	buf[7] = p7;
	buf[8] = p8;
	buf[9] = p9;
	if (len)
		memcpy(buf + 10, data, len);
	return 10 + len;
}

static void write_raw(fx *f, const uint8_t *m, size_t n)
{
	assert_int_equal(f->x.ops->bulk_write(f->x.ctx, m, n, xport_deadline_in(WAIT_MS)),
			 XPORT_OK);
}

/* Send a command with the next bSeq; that bSeq. */
static uint8_t send_cmd(fx *f, uint8_t type, uint8_t slot, uint8_t p7, uint8_t p8, uint8_t p9,
			const uint8_t *data, size_t len)
{
	static uint8_t m[RMAX]; /* tests run one at a time */
	uint8_t seq = f->seq++;
	write_raw(f, m, build(m, type, slot, seq, p7, p8, p9, data, len));
	return seq;
}

static void parse(reply *r)
{
	assert_true(r->n >= 10);
	r->type = r->raw[0];
	r->slot = r->raw[5];
	r->seq = r->raw[6];
	r->status = r->raw[7];
	r->error = r->raw[8];
	r->spec = r->raw[9];
	r->data = r->raw + 10;
	r->len = le32(r->raw + 1);
	assert_int_equal(r->len, r->n - 10); /* one whole message per read */
}

/* Read one reply (it must come), parsed. */
static void get_reply(fx *f, reply *r)
{
	memset(r, 0, sizeof *r);
	assert_int_equal(f->x.ops->bulk_read(f->x.ctx, r->raw, sizeof r->raw, &r->n,
					     xport_deadline_in(WAIT_MS)),
			 XPORT_OK);
	parse(r);
}

static void expect_no_reply(fx *f)
{
	uint8_t buf[RMAX];
	size_t got = 99;
	assert_int_equal(f->x.ops->bulk_read(f->x.ctx, buf, sizeof buf, &got,
					     xport_deadline_in(NOTHING_MS)),
			 XPORT_ERR_TIMEOUT);
	assert_int_equal(got, 0);
}

/* A command and its reply, which must carry its bSeq and slot. */
static void xchg(fx *f, uint8_t type, uint8_t slot, uint8_t p7, uint8_t p8, uint8_t p9,
		 const uint8_t *data, size_t len, reply *r)
{
	uint8_t seq = send_cmd(f, type, slot, p7, p8, p9, data, len);
	get_reply(f, r);
	assert_int_equal(r->seq, seq);
	assert_int_equal(r->slot, slot);
}

/* A command that must fail with bmICCStatus ICC and bError ERR. */
static void expect_fail(fx *f, uint8_t type, uint8_t slot, uint8_t p7, uint8_t p8, uint8_t p9,
			const uint8_t *data, size_t len, uint8_t want_type, uint8_t icc,
			uint8_t err)
{
	reply r;
	xchg(f, type, slot, p7, p8, p9, data, len, &r);
	assert_int_equal(r.type, want_type);
	assert_int_equal(r.status, 0x40 | icc);
	assert_int_equal(r.error, err);
	assert_int_equal(r.len, 0);
}

static uint8_t slot_status(fx *f, uint8_t slot)
{
	reply r;
	xchg(f, PC_to_RDR_GetSlotStatus, slot, 0, 0, 0, NULL, 0, &r);
	assert_int_equal(r.type, RDR_to_PC_SlotStatus);
	assert_int_equal(r.status & 0xC0, 0); /* never fails */
	assert_int_equal(r.error, 0);
	return r.status & 0x03;
}

/* Power SLOT on; its ATR into ATR (33 bytes), its length returned. */
static size_t power_on(fx *f, uint8_t slot, uint8_t *atr)
{
	reply r;
	xchg(f, PC_to_RDR_IccPowerOn, slot, 0, 0, 0, NULL, 0, &r);
	assert_int_equal(r.type, RDR_to_PC_DataBlock);
	assert_int_equal(r.status, 0x00);
	assert_int_equal(r.error, 0);
	assert_in_range(r.len, 2, 33);
	if (atr)
		memcpy(atr, r.data, r.len);
	return r.len;
}

/* XfrBlock of N bytes to SLOT: a successful, unchained DataBlock whose data
 * goes to OUT (CAP bytes); its length. */
static size_t xfr(fx *f, uint8_t slot, const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
	reply r;
	xchg(f, PC_to_RDR_XfrBlock, slot, 0, 0, 0, in, n, &r);
	assert_int_equal(r.type, RDR_to_PC_DataBlock);
	assert_int_equal(r.status, 0x00);
	assert_int_equal(r.error, 0);
	assert_int_equal(r.spec, 0);
	assert_true(r.len <= cap);
	memcpy(out, r.data, r.len);
	return r.len;
}

/* An APDU (or a T=0 TPDU) to SLOT: the answer's data into OUT (may be
 * NULL), *LEN its length (may be NULL); the status word returned. */
static uint16_t apdu(fx *f, uint8_t slot, const uint8_t *in, size_t n, uint8_t *out,
		     size_t *len)
{
	uint8_t buf[RMAX];
	size_t got = xfr(f, slot, in, n, buf, sizeof buf);
	assert_true(got >= 2);
	if (out)
		memcpy(out, buf, got - 2);
	if (len)
		*len = got - 2;
	return (uint16_t)(buf[got - 2] << 8 | buf[got - 1]);
}

#define APDU(f, slot, ...)                                                     \
	apdu_lit(f, slot, (const uint8_t[]){__VA_ARGS__},                      \
		 sizeof((const uint8_t[]){__VA_ARGS__}))

/* An APDU whose answer has no data: its status word. */
static uint16_t apdu_lit(fx *f, uint8_t slot, const uint8_t *in, size_t n)
{
	size_t len = 99;
	uint8_t out[RMAX];
	uint16_t sw = apdu(f, slot, in, n, out, &len);
	assert_int_equal(len, 0);
	return sw;
}

/* The toy cryptogram documented in ccidsim_card.c: byte i of M = UID || rc
 * (n bytes) is M[i mod n] ^ (0x5A + 7 i). */
static void toy(const uint8_t *uid, size_t uid_len, const uint8_t *rc, uint8_t out[16])
{
	uint8_t m[18];
	size_t n = uid_len + 8;
	memcpy(m, uid, uid_len);
	memcpy(m + uid_len, rc, 8);
	for (size_t i = 0; i < 16; i++)
		out[i] = (uint8_t)(m[i % n] ^ (uint8_t)(0x5A + 7 * i));
}

static void insert_siti(fx *f)
{
	assert_int_equal(ccidsim_insert(f->s, CARD("siti.card")), CCIDSIM_OK);
	assert_true(ccidsim_card_present(f->s));
}

/* The file at PATH into BUF (CAP bytes); its length. */
static size_t slurp(const char *path, char *buf, size_t cap)
{
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	size_t n = fread(buf, 1, cap, fp);
	fclose(fp);
	assert_true(n < cap);
	return n;
}

/* The record must decode to the identity ktp_parse_image reads from the
 * same card image. */
static void expect_record_is(const uint8_t *rec, size_t n, const char *path)
{
	static char text[CCIDSIM_IMAGE_MAX];
	size_t tn = slurp(path, text, sizeof text);
	ktp_identity want, got;
	char uid_hex[KTP_UID_CAP];
	bool has = false;
	memset(&want, 0, sizeof want);
	memset(&got, 0, sizeof got);
	assert_int_equal(ktp_parse_image(text, tn, uid_hex, sizeof uid_hex, &want, &has), KTP_OK);
	assert_true(has);
	assert_int_equal(ktp_parse_record(rec, n, &got), KTP_OK);
	assert_string_equal(got.nik, want.nik);
	assert_string_equal(got.name, want.name);
	assert_string_equal(got.address, want.address);
	assert_string_equal(got.valid_until, want.valid_until);
	assert_int_equal(got.birth_y, want.birth_y);
	assert_int_equal(got.sex, want.sex);
	assert_memory_equal(&got, &want, sizeof got);
	ktp_identity_wipe(&want);
	ktp_identity_wipe(&got);
	explicit_bzero(text, tn);
}

/* ---- the profile's steps, at an APDU level ------------------------------ */

static const uint8_t sel_card[] = {0x00, 0xA4, 0x04, 0x0C, 0x07, 0xF0, 0x4B, 0x54, 0x50, 0x45, 0x4C, 0x31};
static const uint8_t sel_sam[] = {0x00, 0xA4, 0x04, 0x0C, 0x07, 0xF0, 0x4B, 0x54, 0x50, 0x53, 0x41, 0x4D};
static const uint8_t sel_ef[] = {0x00, 0xA4, 0x02, 0x0C, 0x02, 0x4B, 0x01};
static const uint8_t get_uid[] = {0xFF, 0xCA, 0x00, 0x00, 0x00};
static const uint8_t get_challenge[] = {0x00, 0x84, 0x00, 0x00, 0x08};

/* Steps 2-6 on a powered card and SAM: select, challenge, SAM, EXTERNAL
 * AUTHENTICATE. The cryptogram the SAM gave goes to CG. */
static void authenticate(fx *f, uint8_t cg[16])
{
	uint8_t rc[8], buf[RMAX];
	size_t len;
	assert_int_equal(apdu_lit(f, 0, sel_card, sizeof sel_card), 0x9000);
	assert_int_equal(apdu_lit(f, 1, sel_sam, sizeof sel_sam), 0x9000);
	assert_int_equal(apdu(f, 0, get_challenge, sizeof get_challenge, rc, &len), 0x9000);
	assert_int_equal(len, 8);
	uint8_t auth[5 + 7 + 8 + 1] = {0x80, 0x8A, 0x00, 0x00, 15};
	memcpy(auth + 5, siti_uid, 7);
	memcpy(auth + 12, rc, 8);
	auth[20] = 0x10;
	assert_int_equal(apdu(f, 1, auth, sizeof auth, buf, &len), 0x9000);
	assert_int_equal(len, 16);
	uint8_t want[16];
	toy(siti_uid, 7, rc, want);
	assert_memory_equal(buf, want, 16);
	memcpy(cg, buf, 16);
	uint8_t ext[5 + 16] = {0x00, 0x82, 0x00, 0x00, 0x10};
	memcpy(ext + 5, cg, 16);
	assert_int_equal(apdu_lit(f, 0, ext, sizeof ext), 0x9000);
}

/* Steps 7-9 at the short-APDU level: the record into REC; its length. */
static size_t read_record(fx *f, uint8_t *rec)
{
	size_t len, total;
	assert_int_equal(apdu_lit(f, 0, sel_ef, sizeof sel_ef), 0x9000);
	const uint8_t head[] = {0x00, 0xB0, 0x00, 0x00, KTPPROF_HEAD};
	assert_int_equal(apdu(f, 0, head, sizeof head, rec, &len), 0x9000);
	assert_int_equal(len, KTPPROF_HEAD);
	assert_int_equal(ktp_record_size(rec, len, &total), KTP_OK);
	size_t pos = KTPPROF_HEAD;
	while (pos < total) {
		size_t want = total - pos < KTPPROF_CHUNK ? total - pos : KTPPROF_CHUNK;
		const uint8_t rd[] = {0x00, 0xB0, (uint8_t)(pos >> 8), (uint8_t)pos, (uint8_t)want};
		assert_int_equal(apdu(f, 0, rd, sizeof rd, rec + pos, &len), 0x9000);
		assert_int_equal(len, want);
		pos += len;
	}
	return total;
}

/* ---- names, options, descriptor ----------------------------------------- */

static void test_names(void **state)
{
	(void)state;
	for (int e = CCIDSIM_ERR_IMAGE; e <= CCIDSIM_OK; e++)
		assert_non_null(ccidsim_err_name((ccidsim_err)e));
	assert_non_null(ccidsim_err_name((ccidsim_err)42));
	static const char *const words[] = {"timeout", "short-read", "wrong-seq", "time-ext",
					    "unplug", "card-removed", "bad-tlv", "bad-sw",
					    "t1-edc", "mute", "auth"};
	assert_int_equal(sizeof words / sizeof *words, CCIDSIM_FAULT_COUNT - 1);
	for (int f = 1; f < CCIDSIM_FAULT_COUNT; f++) {
		assert_string_equal(ccidsim_fault_name((ccidsim_fault)f), words[f - 1]);
		assert_int_equal(ccidsim_fault_parse(words[f - 1]), f);
	}
	assert_null(ccidsim_fault_name(CCIDSIM_FAULT_NONE));
	assert_null(ccidsim_fault_name(CCIDSIM_FAULT_COUNT));
	assert_int_equal(ccidsim_fault_parse("nope"), CCIDSIM_FAULT_NONE);
	assert_int_equal(ccidsim_fault_parse("TIMEOUT"), CCIDSIM_FAULT_NONE);
	assert_int_equal(ccidsim_fault_parse(NULL), CCIDSIM_FAULT_NONE);

	ccidsim_opts o = ccidsim_defaults();
	assert_int_equal(o.level, CCID_LEVEL_TPDU);
	assert_int_equal(o.card_protocols, 0x02);
	assert_int_equal(o.sam_protocols, 0x01);
	assert_true(o.sam);
	assert_int_equal(o.max_msg_len, 271);
	assert_true(o.interrupt_ep);
	assert_int_equal(o.ifsc, 32);
	assert_false(o.t1_crc);
	assert_false(o.auto_params);
	assert_int_equal(o.time_ext, 0);
}

static void test_descriptor_defaults(void **state)
{
	(void)state;
	fx f;
	fx_new(&f, NULL);
	const xport_info *i = &f.info;
	assert_int_equal(i->vid, 0x1209);
	assert_int_equal(i->pid, 0x4B54);
	assert_string_equal(i->name, "Simulated CCID reader");
	assert_string_equal(i->path, "sim");
	assert_true(i->has_interrupt);
	assert_int_equal(i->max_packet, 64);
	assert_int_equal(i->ccid_desc_len, 54);
	const uint8_t *d = i->ccid_desc;
	assert_int_equal(d[0], 0x36);
	assert_int_equal(d[1], 0x21);
	assert_int_equal(d[2] | d[3] << 8, 0x0110);
	assert_int_equal(d[4], 1);                       /* card and SAM */
	assert_int_equal(le32(d + 6), 0x03);             /* card T=1, SAM T=0 */
	assert_int_equal(le32(d + 10), 4000);
	assert_int_equal(le32(d + 19), 10752);
	assert_int_equal(le32(d + 28), 254);             /* dwMaxIFSD */
	uint32_t feat = le32(d + 40);
	assert_int_equal(feat & CCID_FEAT_LEVEL_MASK, CCID_FEAT_LEVEL_TPDU);
	assert_int_equal(feat & (CCID_FEAT_AUTO_PARAM_ATR | CCID_FEAT_AUTO_PARAM_NEG |
				 CCID_FEAT_AUTO_PPS | CCID_FEAT_AUTO_IFSD), 0);
	assert_int_equal(le32(d + 44), 271);
	assert_int_equal(d[53], 1);
	fx_free(&f);
}

static void test_descriptor_options(void **state)
{
	(void)state;
	ccidsim_opts o = opts_level(CCID_LEVEL_SHORT_APDU);
	o.sam = false;
	o.auto_params = true;
	o.interrupt_ep = false;
	o.max_msg_len = 1034;
	fx f;
	fx_new(&f, &o);
	const uint8_t *d = f.info.ccid_desc;
	assert_false(f.info.has_interrupt);
	assert_int_equal(d[4], 0);
	assert_int_equal(le32(d + 6), 0x02);
	uint32_t feat = le32(d + 40);
	assert_int_equal(feat & CCID_FEAT_LEVEL_MASK, CCID_FEAT_LEVEL_SHORT_APDU);
	uint32_t autos = CCID_FEAT_AUTO_PARAM_ATR | CCID_FEAT_AUTO_PARAM_NEG | CCID_FEAT_AUTO_PPS |
			 CCID_FEAT_AUTO_IFSD;
	assert_int_equal(feat & autos, autos);
	assert_int_equal(le32(d + 44), 1034);
	fx_free(&f);

	o = opts_level(CCID_LEVEL_EXT_APDU);
	fx_new(&f, &o);
	assert_int_equal(le32(f.info.ccid_desc + 40) & CCID_FEAT_LEVEL_MASK,
			 CCID_FEAT_LEVEL_EXT_APDU);
	fx_free(&f);

	/* A TPDU reader for a T=0 card and a T=1 SAM offers both. */
	o = ccidsim_defaults();
	o.card_protocols = 0x01;
	o.sam_protocols = 0x02;
	fx_new(&f, &o);
	assert_int_equal(le32(f.info.ccid_desc + 6), 0x03);
	fx_free(&f);

	/* A character-level reader is described as one (the driver refuses it). */
	o = opts_level(CCID_LEVEL_CHAR);
	fx_new(&f, &o);
	assert_int_equal(le32(f.info.ccid_desc + 40) & CCID_FEAT_LEVEL_MASK, CCID_FEAT_LEVEL_CHAR);
	fx_free(&f);
}

/* ---- slots, ATRs, parameters -------------------------------------------- */

static void test_slot_status_and_power(void **state)
{
	(void)state;
	fx f;
	fx_new(&f, NULL);
	/* No card: absent, command OK; power on fails, ICC_MUTE. */
	assert_int_equal(slot_status(&f, 0), CCID_ICC_ABSENT);
	expect_fail(&f, PC_to_RDR_IccPowerOn, 0, 0, 0, 0, NULL, 0, RDR_to_PC_DataBlock,
		    CCID_ICC_ABSENT, CCID_BERR_ICC_MUTE);
	expect_fail(&f, PC_to_RDR_XfrBlock, 0, 0, 0, 0, get_uid, sizeof get_uid,
		    RDR_to_PC_DataBlock, CCID_ICC_ABSENT, CCID_BERR_ICC_MUTE);
	expect_fail(&f, PC_to_RDR_GetParameters, 0, 0, 0, 0, NULL, 0, RDR_to_PC_Parameters,
		    CCID_ICC_ABSENT, CCID_BERR_ICC_MUTE);
	assert_int_equal(slot_status(&f, 1), CCID_ICC_INACTIVE); /* the SAM is always there */

	insert_siti(&f);
	assert_int_equal(slot_status(&f, 0), CCID_ICC_INACTIVE);
	/* An unpowered card is mute to XfrBlock. */
	expect_fail(&f, PC_to_RDR_XfrBlock, 0, 0, 0, 0, get_uid, sizeof get_uid,
		    RDR_to_PC_DataBlock, CCID_ICC_INACTIVE, CCID_BERR_ICC_MUTE);
	power_on(&f, 0, NULL);
	assert_int_equal(slot_status(&f, 0), CCID_ICC_ACTIVE);
	power_on(&f, 0, NULL); /* a warm reset */
	assert_int_equal(slot_status(&f, 0), CCID_ICC_ACTIVE);

	reply r;
	xchg(&f, PC_to_RDR_IccPowerOff, 0, 0, 0, 0, NULL, 0, &r);
	assert_int_equal(r.type, RDR_to_PC_SlotStatus);
	assert_int_equal(r.status, CCID_ICC_INACTIVE);
	assert_int_equal(r.len, 0);
	assert_int_equal(slot_status(&f, 0), CCID_ICC_INACTIVE);

	power_on(&f, 1, NULL);
	assert_int_equal(slot_status(&f, 1), CCID_ICC_ACTIVE);
	ccidsim_remove(f.s);
	assert_false(ccidsim_card_present(f.s));
	assert_int_equal(slot_status(&f, 0), CCID_ICC_ABSENT);
	ccidsim_remove(f.s); /* no card: a no-op */
	fx_free(&f);
}

/* The ATR of slot SLOT with OPTS must be WANT (N bytes), with a valid TCK
 * when T=1 is offered. */
static void expect_atr(const ccidsim_opts *o, uint8_t slot, const uint8_t *want, size_t n)
{
	fx f;
	fx_new(&f, o);
	insert_siti(&f);
	uint8_t atr[33];
	size_t len = power_on(&f, slot, atr);
	assert_int_equal(len, n);
	assert_memory_equal(atr, want, n);
	if (atr[1] & 0x80) { /* TD1 present: T=1 offered here, TCK required */
		uint8_t x = 0;
		for (size_t i = 1; i < len; i++)
			x ^= atr[i];
		assert_int_equal(x, 0);
	}
	fx_free(&f);
}

/* 3B T0 [interface bytes] HIST [TCK]: TCK computed here. */
static size_t atr_of(uint8_t *b, const uint8_t *iface, size_t ni, const uint8_t *hist, size_t nh,
		     bool tck)
{
	size_t n = 0;
	b[n++] = 0x3B;
	memcpy(b + n, iface, ni);
	n += ni;
	memcpy(b + n, hist, nh);
	n += nh;
	if (tck) {
		uint8_t x = 0;
		for (size_t i = 1; i < n; i++)
			x ^= b[i];
		b[n++] = x;
	}
	return n;
}

static void test_atrs(void **state)
{
	(void)state;
	uint8_t want[33];
	/* PC/SC part 3, by hand: 3B 8A 80 01 <10 historical bytes> TCK 44. */
	static const uint8_t pcsc[] = {0x3B, 0x8A, 0x80, 0x01, 0x80, 0x31, 0x80, 0x66, 'K',
				       'T',  'P',  'S',  'I',  'M',  0x44};
	ccidsim_opts o = ccidsim_defaults();
	expect_atr(&o, 0, pcsc, sizeof pcsc);
	o = opts_level(CCID_LEVEL_SHORT_APDU);
	expect_atr(&o, 0, pcsc, sizeof pcsc);
	o = opts_level(CCID_LEVEL_EXT_APDU);
	o.t1_crc = true; /* irrelevant above the TPDU level */
	expect_atr(&o, 0, pcsc, sizeof pcsc);

	/* TPDU, T=0 only: no TD1, no TCK. */
	o = ccidsim_defaults();
	o.card_protocols = 0x01;
	expect_atr(&o, 0, want, atr_of(want, (const uint8_t[]){0x0A}, 1, card_hist, 10, false));

	/* TPDU, both: TD1 T=0, TD2 T=1 with TA3 = IFSC, TC3 = CRC. By hand: TCK 55. */
	o = ccidsim_defaults();
	o.card_protocols = 0x03;
	o.ifsc = 0x40;
	o.t1_crc = true;
	static const uint8_t both[] = {0x3B, 0x8A, 0x80, 0x51, 0x40, 0x01, 0x80, 0x31, 0x80,
				       0x66, 'K',  'T',  'P',  'S',  'I',  'M',  0x55};
	expect_atr(&o, 0, both, sizeof both);

	/* TPDU, T=1 only with a non-default IFSC: TA3 and TC3 appear. */
	o = ccidsim_defaults();
	o.ifsc = 16;
	expect_atr(&o, 0, want,
		   atr_of(want, (const uint8_t[]){0x8A, 0x80, 0x51, 16, 0x00}, 5, card_hist, 10,
			  true));

	/* The SAM: T=0 by default; T=1 only (TD1 81); both (TD1 80). */
	o = ccidsim_defaults();
	expect_atr(&o, 1, want, atr_of(want, (const uint8_t[]){0x08}, 1, sam_hist, 8, false));
	o.sam_protocols = 0x02;
	static const uint8_t sam_t1[] = {0x3B, 0x88, 0x81, 0x51, 0x20, 0x00, 0x80, 0x66,
					 'K',  'T',  'P',  'S',  'A',  'M',  0x8E};
	expect_atr(&o, 1, sam_t1, sizeof sam_t1);
	o.sam_protocols = 0x03;
	expect_atr(&o, 1, want,
		   atr_of(want, (const uint8_t[]){0x88, 0x80, 0x51, 0x20, 0x00}, 5, sam_hist, 8,
			  true));
}

static void test_parameters(void **state)
{
	(void)state;
	ccidsim_opts o = ccidsim_defaults();
	o.card_protocols = 0x03; /* both: the reader starts in T=0 */
	fx f;
	fx_new(&f, &o);
	insert_siti(&f);
	power_on(&f, 0, NULL);
	reply r;
	xchg(&f, PC_to_RDR_GetParameters, 0, 0, 0, 0, NULL, 0, &r);
	assert_int_equal(r.type, RDR_to_PC_Parameters);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.spec, 0);
	assert_int_equal(r.len, 5);
	assert_memory_equal(r.data, ((const uint8_t[]){0x11, 0x00, 0x00, 0x0A, 0x00}), 5);

	/* To T=1: echoed back; GetParameters agrees. */
	const uint8_t t1p[] = {0x11, 0x10, 0x00, 0x4D, 0x00, 0x20, 0x00};
	xchg(&f, PC_to_RDR_SetParameters, 0, 1, 0, 0, t1p, sizeof t1p, &r);
	assert_int_equal(r.type, RDR_to_PC_Parameters);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.spec, 1);
	assert_int_equal(r.len, 7);
	assert_memory_equal(r.data, t1p, 7);
	xchg(&f, PC_to_RDR_GetParameters, 0, 0, 0, 0, NULL, 0, &r);
	assert_int_equal(r.spec, 1);
	assert_memory_equal(r.data, t1p, 7);
	/* Now the card speaks T=1: an I-block gets an I-block. */
	uint8_t blk[] = {0x00, 0x00, 0x05, 0xFF, 0xCA, 0x00, 0x00, 0x00, 0};
	for (size_t i = 0; i < 8; i++)
		blk[8] ^= blk[i];
	uint8_t out[64];
	size_t n = xfr(&f, 0, blk, sizeof blk, out, sizeof out);
	assert_int_equal(n, 3 + 7 + 2 + 1);
	assert_int_equal(out[1], 0x00);
	assert_memory_equal(out + 3, siti_uid, 7);

	/* Refusals: LRC announced as CRC, IFSC 0, T=1 in 5 bytes, protocol 2. */
	const uint8_t crc[] = {0x11, 0x11, 0x00, 0x4D, 0x00, 0x20, 0x00};
	expect_fail(&f, PC_to_RDR_SetParameters, 0, 1, 0, 0, crc, 7, RDR_to_PC_Parameters, 0, 11);
	const uint8_t ifsc0[] = {0x11, 0x10, 0x00, 0x4D, 0x00, 0x00, 0x00};
	expect_fail(&f, PC_to_RDR_SetParameters, 0, 1, 0, 0, ifsc0, 7, RDR_to_PC_Parameters, 0, 15);
	expect_fail(&f, PC_to_RDR_SetParameters, 0, 1, 0, 0, t1p, 5, RDR_to_PC_Parameters, 0, 1);
	expect_fail(&f, PC_to_RDR_SetParameters, 0, 2, 0, 0, t1p, 7, RDR_to_PC_Parameters, 0, 7);
	/* The SAM has T=0 only. */
	expect_fail(&f, PC_to_RDR_SetParameters, 1, 1, 0, 0, t1p, 7, RDR_to_PC_Parameters, 1, 7);
	fx_free(&f);

	/* A T=1-only card refuses T=0; with auto_params a dual card starts in T=1. */
	fx_new(&f, NULL);
	insert_siti(&f);
	power_on(&f, 0, NULL);
	xchg(&f, PC_to_RDR_GetParameters, 0, 0, 0, 0, NULL, 0, &r);
	assert_int_equal(r.spec, 1);
	const uint8_t t0p[] = {0x11, 0x00, 0x00, 0x0A, 0x00};
	expect_fail(&f, PC_to_RDR_SetParameters, 0, 0, 0, 0, t0p, 5, RDR_to_PC_Parameters, 0, 7);
	fx_free(&f);
	o.auto_params = true;
	fx_new(&f, &o);
	insert_siti(&f);
	power_on(&f, 0, NULL);
	xchg(&f, PC_to_RDR_GetParameters, 0, 0, 0, 0, NULL, 0, &r);
	assert_int_equal(r.spec, 1);
	assert_int_equal(r.len, 7);
	fx_free(&f);
}

static void test_header_checks(void **state)
{
	(void)state;
	fx f;
	fx_new(&f, NULL);
	insert_siti(&f);
	/* bSlot 2 on a two-slot reader: slot error at offset 5, no card there. */
	expect_fail(&f, PC_to_RDR_GetSlotStatus, 2, 0, 0, 0, NULL, 0, RDR_to_PC_SlotStatus,
		    CCID_ICC_ABSENT, 5);
	expect_fail(&f, PC_to_RDR_IccPowerOn, 7, 0, 0, 0, NULL, 0, RDR_to_PC_DataBlock,
		    CCID_ICC_ABSENT, 5);
	/* bPowerSelect 4 (offset 7); data where none belongs (dwLength, offset 1). */
	expect_fail(&f, PC_to_RDR_IccPowerOn, 0, 4, 0, 0, NULL, 0, RDR_to_PC_DataBlock,
		    CCID_ICC_INACTIVE, 7);
	expect_fail(&f, PC_to_RDR_IccPowerOn, 0, 0, 0, 0, get_uid, 2, RDR_to_PC_DataBlock,
		    CCID_ICC_INACTIVE, 1);
	/* An unknown message type: CMD_NOT_SUPPORTED in a SlotStatus. */
	expect_fail(&f, 0x69, 0, 0, 0, 0, NULL, 0, RDR_to_PC_SlotStatus, CCID_ICC_INACTIVE,
		    CCID_BERR_CMD_NOT_SUPPORTED);

	/* dwLength disagreeing with the bytes. */
	uint8_t m[64];
	size_t n = build(m, PC_to_RDR_XfrBlock, 0, 0x33, 0, 0, 0, get_uid, sizeof get_uid);
	m[1] = 9;
	write_raw(&f, m, n);
	reply r;
	get_reply(&f, &r);
	assert_int_equal(r.type, RDR_to_PC_DataBlock);
	assert_int_equal(r.seq, 0x33);
	assert_int_equal(r.status, 0x40 | CCID_ICC_INACTIVE);
	assert_int_equal(r.error, 1);

	/* Too short to be a message: ignored, no reply at all. */
	write_raw(&f, m, 7);
	expect_no_reply(&f);

	/* wLevelParameter other than 0 below the extended-APDU level (offset 8). */
	power_on(&f, 0, NULL);
	expect_fail(&f, PC_to_RDR_XfrBlock, 0, 0, 1, 0, get_uid, sizeof get_uid,
		    RDR_to_PC_DataBlock, CCID_ICC_ACTIVE, 8);

	/* Longer than dwMaxCCIDMessageLength (271). */
	static uint8_t big[300];
	static const uint8_t zeros[262];
	n = build(big, PC_to_RDR_XfrBlock, 0, 0x44, 0, 0, 0, zeros, sizeof zeros);
	write_raw(&f, big, n);
	get_reply(&f, &r);
	assert_int_equal(r.status & 0xC0, 0x40);
	assert_int_equal(r.error, 1);

	/* A reply that does not fit the caller's buffer is lost (overflow). */
	send_cmd(&f, PC_to_RDR_IccPowerOn, 0, 0, 0, 0, NULL, 0);
	uint8_t small[12];
	size_t got = 99;
	assert_int_equal(f.x.ops->bulk_read(f.x.ctx, small, sizeof small, &got,
					    xport_deadline_in(WAIT_MS)),
			 XPORT_ERR_IO);
	expect_no_reply(&f);
	assert_int_equal(slot_status(&f, 0), CCID_ICC_ACTIVE);
	fx_free(&f);
}

/* ---- interrupt endpoint, unplug, replug ----------------------------------- */

static void expect_notify(fx *f, uint8_t state_byte)
{
	uint8_t buf[8];
	size_t got = 0;
	assert_int_equal(f->x.ops->intr_read(f->x.ctx, buf, sizeof buf, &got,
					     xport_deadline_in(WAIT_MS)),
			 XPORT_OK);
	assert_int_equal(got, 2);
	assert_int_equal(buf[0], RDR_to_PC_NotifySlotChange);
	assert_int_equal(buf[1], state_byte);
}

static void expect_no_notify(fx *f)
{
	uint8_t buf[8];
	size_t got = 99;
	assert_int_equal(f->x.ops->intr_read(f->x.ctx, buf, sizeof buf, &got,
					     xport_deadline_in(NOTHING_MS)),
			 XPORT_ERR_TIMEOUT);
	assert_int_equal(got, 0);
}

static void test_notify_slot_change(void **state)
{
	(void)state;
	fx f;
	fx_new(&f, NULL);
	/* A new reader reports its SAM: slot 1 present and changed. */
	expect_notify(&f, 0x0C);
	expect_no_notify(&f);
	insert_siti(&f);
	expect_notify(&f, 0x07);     /* slot 0 present + changed, SAM present */
	ccidsim_remove(f.s);
	expect_notify(&f, 0x06);     /* slot 0 changed, gone */
	expect_no_notify(&f);
	/* Nobody reading: a burst folds into the queue, newest state last. */
	for (int i = 0; i < 12; i++) {
		insert_siti(&f);
		ccidsim_remove(f.s);
	}
	uint8_t buf[8];
	size_t got;
	int seen = 0;
	while (f.x.ops->intr_read(f.x.ctx, buf, sizeof buf, &got, xport_deadline_in(0)) ==
	       XPORT_OK) {
		assert_int_equal(buf[1] & 0x0E, 0x06);
		seen++;
	}
	assert_in_range(seen, 1, 8);
	assert_int_equal(buf[1], 0x06);
	fx_free(&f);

	/* No SAM: one slot, nothing to report at first. */
	ccidsim_opts o = ccidsim_defaults();
	o.sam = false;
	fx_new(&f, &o);
	expect_no_notify(&f);
	insert_siti(&f);
	expect_notify(&f, 0x03);
	fx_free(&f);

	/* No interrupt endpoint. */
	o.interrupt_ep = false;
	fx_new(&f, &o);
	insert_siti(&f);
	assert_int_equal(f.x.ops->intr_read(f.x.ctx, buf, sizeof buf, &got,
					    xport_deadline_in(NOTHING_MS)),
			 XPORT_ERR_UNSUPPORTED);
	fx_free(&f);
}

static void test_unplug_replug(void **state)
{
	(void)state;
	fx f;
	fx_new(&f, NULL);
	expect_notify(&f, 0x0C);
	insert_siti(&f);
	expect_notify(&f, 0x07);
	power_on(&f, 0, NULL);
	send_cmd(&f, PC_to_RDR_GetSlotStatus, 0, 0, 0, 0, NULL, 0); /* left unread */

	ccidsim_unplug(f.s);
	ccidsim_unplug(f.s); /* twice: no-op */
	uint8_t buf[RMAX] = {0};
	size_t got = 99;
	xport_info info;
	assert_int_equal(f.x.ops->bulk_write(f.x.ctx, buf, 10, xport_deadline_in(WAIT_MS)),
			 XPORT_ERR_GONE);
	assert_int_equal(f.x.ops->bulk_read(f.x.ctx, buf, sizeof buf, &got,
					    xport_deadline_in(WAIT_MS)),
			 XPORT_ERR_GONE);
	assert_int_equal(f.x.ops->intr_read(f.x.ctx, buf, sizeof buf, &got,
					    xport_deadline_in(WAIT_MS)),
			 XPORT_ERR_GONE);
	assert_int_equal(f.x.ops->open(f.x.ctx, &info), XPORT_ERR_NOT_FOUND);
	int64_t t0 = xport_now_ms();
	assert_false(f.x.ops->wait_arrival(f.x.ctx, xport_deadline_in(NOTHING_MS)));
	assert_true(xport_now_ms() - t0 >= NOTHING_MS - 1);
	assert_true(ccidsim_card_present(f.s)); /* the card stays on the reader */

	ccidsim_plug(f.s);
	assert_true(f.x.ops->wait_arrival(f.x.ctx, xport_deadline_in(WAIT_MS)));
	/* The old handle is gone for good; a new open gets a fresh reader. */
	assert_int_equal(f.x.ops->bulk_read(f.x.ctx, buf, sizeof buf, &got, xport_deadline_in(0)),
			 XPORT_ERR_GONE);
	assert_int_equal(f.x.ops->open(f.x.ctx, &f.info), XPORT_OK);
	expect_no_reply(&f);                      /* nothing left from before */
	expect_notify(&f, 0x0F);                  /* card and SAM, both "changed" */
	expect_no_notify(&f);
	assert_int_equal(slot_status(&f, 0), CCID_ICC_INACTIVE); /* powered off */

	/* Closed: GONE; reopened: fine. */
	f.x.ops->close(f.x.ctx);
	assert_int_equal(f.x.ops->bulk_read(f.x.ctx, buf, sizeof buf, &got, xport_deadline_in(0)),
			 XPORT_ERR_GONE);
	assert_int_equal(f.x.ops->open(f.x.ctx, &f.info), XPORT_OK);
	assert_int_equal(f.x.ops->open(f.x.ctx, &f.info), XPORT_OK); /* reopen while open */
	assert_int_equal(slot_status(&f, 0), CCID_ICC_INACTIVE);

	/* A card placed on an unplugged reader is there when it comes back. */
	ccidsim_remove(f.s);
	ccidsim_unplug(f.s);
	assert_int_equal(ccidsim_insert(f.s, CARD("siti.card")), CCIDSIM_OK);
	ccidsim_plug(f.s);
	assert_int_equal(f.x.ops->open(f.x.ctx, &f.info), XPORT_OK);
	expect_notify(&f, 0x0F);
	fx_free(&f);
}

typedef struct blocked {
	xport x;
	bool intr;
	xport_err e;
	int64_t returned;
} blocked;

static void *block_in_read(void *arg)
{
	blocked *b = arg;
	uint8_t buf[RMAX];
	size_t got;
	int64_t deadline = xport_deadline_in(5000);
	b->e = b->intr ? b->x.ops->intr_read(b->x.ctx, buf, sizeof buf, &got, deadline)
		       : b->x.ops->bulk_read(b->x.ctx, buf, sizeof buf, &got, deadline);
	b->returned = xport_now_ms();
	return NULL;
}

static void unplug_wakes(bool intr)
{
	ccidsim_opts o = ccidsim_defaults();
	o.sam = false; /* no notification waiting */
	fx f;
	fx_new(&f, &o);
	blocked b = {.x = f.x, .intr = intr};
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, block_in_read, &b), 0);
	usleep(50 * 1000); /* let it block */
	int64_t t0 = xport_now_ms();
	ccidsim_unplug(f.s);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(b.e, XPORT_ERR_GONE);
	assert_true(b.returned - t0 < WAKE_MS);
	fx_free(&f);
}

static void test_unplug_wakes_blocked_read(void **state)
{
	(void)state;
	unplug_wakes(false);
	unplug_wakes(true);
}

typedef struct plugger {
	ccidsim *s;
	int64_t at;
} plugger;

static void *plug_later(void *arg)
{
	plugger *p = arg;
	usleep(50 * 1000);
	p->at = xport_now_ms();
	ccidsim_plug(p->s);
	return NULL;
}

static void test_plug_wakes_wait_arrival(void **state)
{
	(void)state;
	fx f;
	fx_new(&f, NULL);
	ccidsim_unplug(f.s);
	plugger p = {.s = f.s};
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, plug_later, &p), 0);
	assert_true(f.x.ops->wait_arrival(f.x.ctx, xport_deadline_in(5000)));
	int64_t woke = xport_now_ms();
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_true(woke - p.at < WAKE_MS);
	fx_free(&f);
}

/* ---- the profile at the short-APDU level --------------------------------- */

static void test_profile_short_apdu(void **state)
{
	(void)state;
	ccidsim_opts o = opts_level(CCID_LEVEL_SHORT_APDU);
	fx f;
	fx_new(&f, &o);
	insert_siti(&f);
	power_on(&f, 0, NULL);
	power_on(&f, 1, NULL);

	/* Step 1, byte by byte: the XfrBlock and the DataBlock. */
	uint8_t m[32];
	size_t n = build(m, PC_to_RDR_XfrBlock, 0, 0x21, 0, 0, 0, get_uid, sizeof get_uid);
	static const uint8_t cmd1[] = {0x6F, 0x05, 0x00, 0x00, 0x00, 0x00, 0x21, 0x00,
				       0x00, 0x00, 0xFF, 0xCA, 0x00, 0x00, 0x00};
	assert_int_equal(n, sizeof cmd1);
	assert_memory_equal(m, cmd1, n);
	write_raw(&f, m, n);
	reply r;
	get_reply(&f, &r);
	static const uint8_t rep1[] = {0x80, 0x09, 0x00, 0x00, 0x00, 0x00, 0x21, 0x00, 0x00,
				       0x00, 0x04, 0xA1, 0xB2, 0xC3, 0xD4, 0xE5, 0xF6, 0x90, 0x00};
	assert_int_equal(r.n, sizeof rep1);
	assert_memory_equal(r.raw, rep1, sizeof rep1);

	/* Steps 2-6, then 7-9, and the record is siti's. */
	uint8_t cg[16];
	authenticate(&f, cg);
	static uint8_t rec[KTP_RECORD_MAX];
	size_t total = read_record(&f, rec);
	assert_int_equal(rec[0], 0x70);
	expect_record_is(rec, total, CARD("siti.card"));

	/* The end of the file: 6282 with what remains; Le 00 reads to the end;
	 * past it, 6B00. */
	uint8_t buf[RMAX];
	size_t len;
	size_t off = total - 3;
	const uint8_t tail[] = {0x00, 0xB0, (uint8_t)(off >> 8), (uint8_t)off, 0x10};
	assert_int_equal(apdu(&f, 0, tail, sizeof tail, buf, &len), 0x6282);
	assert_int_equal(len, 3);
	assert_memory_equal(buf, rec + off, 3);
	const uint8_t tail00[] = {0x00, 0xB0, (uint8_t)(off >> 8), (uint8_t)off, 0x00};
	assert_int_equal(apdu(&f, 0, tail00, sizeof tail00, buf, &len), 0x9000);
	assert_int_equal(len, 3);
	assert_int_equal(APDU(&f, 0, 0x00, 0xB0, (uint8_t)(total >> 8), (uint8_t)total, 0x01),
			 0x6B00);
	explicit_bzero(rec, sizeof rec);
	explicit_bzero(buf, sizeof buf);

	/* The reader's pseudo-APDU is not the card's. */
	size_t chunks = (total - KTPPROF_HEAD + KTPPROF_CHUNK - 1) / KTPPROF_CHUNK;
	assert_int_equal(ccidsim_card_apdus(f.s), 3 + 2 + chunks + 3);
	assert_int_equal(ccidsim_sam_apdus(f.s), 2);
	assert_int_equal(ccidsim_commands(f.s, PC_to_RDR_XfrBlock), 1 + 5 + 2 + chunks + 3);
	assert_int_equal(ccidsim_commands(f.s, PC_to_RDR_IccPowerOn), 2);
	fx_free(&f);
}

static void test_profile_refusals(void **state)
{
	(void)state;
	ccidsim_opts o = opts_level(CCID_LEVEL_SHORT_APDU);
	fx f;
	fx_new(&f, &o);
	insert_siti(&f);
	power_on(&f, 0, NULL);
	power_on(&f, 1, NULL);

	/* The reader's pseudo-APDUs. */
	uint8_t buf[RMAX];
	size_t len;
	assert_int_equal(APDU(&f, 0, 0xFF, 0xCA, 0x00, 0x00, 0x04), 0x6C07);
	const uint8_t long_le[] = {0xFF, 0xCA, 0x00, 0x00, 0x0A};
	assert_int_equal(apdu(&f, 0, long_le, sizeof long_le, buf, &len), 0x6282);
	assert_int_equal(len, 7);
	assert_int_equal(APDU(&f, 0, 0xFF, 0xCA, 0x01, 0x00, 0x00), 0x6B00);
	assert_int_equal(APDU(&f, 0, 0xFF, 0x00, 0x00, 0x00, 0x00), 0x6A81);
	assert_int_equal(APDU(&f, 1, 0xFF, 0xCA, 0x00, 0x00, 0x00), 0x6E00); /* not on the SAM */

	/* The card before authentication. */
	assert_int_equal(APDU(&f, 0, 0x00, 0x84, 0x00, 0x00, 0x08), 0x6985); /* no app yet */
	assert_int_equal(APDU(&f, 0, 0x00, 0xA4, 0x04, 0x0C, 0x07, 0xF0, 0x4B, 0x54, 0x50, 0x45,
			      0x4C, 0x32), 0x6A82);
	assert_int_equal(apdu_lit(&f, 0, sel_card, sizeof sel_card), 0x9000);
	assert_int_equal(apdu_lit(&f, 0, sel_ef, sizeof sel_ef), 0x6982);
	assert_int_equal(APDU(&f, 0, 0x00, 0xB0, 0x00, 0x00, 0x04), 0x6986);
	uint8_t ext[5 + 16] = {0x00, 0x82, 0x00, 0x00, 0x10};
	assert_int_equal(apdu_lit(&f, 0, ext, sizeof ext), 0x6985); /* no challenge */
	assert_int_equal(APDU(&f, 0, 0x00, 0x84, 0x00, 0x00, 0x04), 0x6C08);
	assert_int_equal(apdu(&f, 0, get_challenge, sizeof get_challenge, buf, &len), 0x9000);
	assert_int_equal(apdu_lit(&f, 0, ext, sizeof ext), 0x6300);  /* zeros: wrong */
	assert_int_equal(apdu_lit(&f, 0, ext, sizeof ext), 0x6985);  /* challenge used up */
	assert_int_equal(apdu_lit(&f, 0, sel_ef, sizeof sel_ef), 0x6982);
	assert_int_equal(APDU(&f, 0, 0x00, 0xA4, 0x02, 0x0C, 0x02, 0x4B, 0x02), 0x6A82);

	/* Classes, instructions, lengths, parameters. */
	assert_int_equal(APDU(&f, 0, 0x80, 0xA4, 0x04, 0x0C, 0x01, 0x00), 0x6E00);
	assert_int_equal(APDU(&f, 0, 0x00, 0x12, 0x00, 0x00), 0x6D00);
	assert_int_equal(APDU(&f, 0, 0x00, 0xA4, 0x04, 0x0C), 0x6700);
	assert_int_equal(APDU(&f, 0, 0x00, 0xA4, 0x01, 0x0C, 0x02, 0x3F, 0x00), 0x6A86);
	assert_int_equal(APDU(&f, 0, 0x00, 0x84, 0x00, 0x00, 0x01, 0xAA, 0x08), 0x6700);
	assert_int_equal(APDU(&f, 0, 0x00, 0x84, 0x01, 0x00, 0x08), 0x6A86);
	assert_int_equal(APDU(&f, 0, 0x00, 0x82, 0x00, 0x00, 0x01, 0x00), 0x6700);
	assert_int_equal(APDU(&f, 0, 0x00, 0xC0, 0x00, 0x00, 0x10), 0x6985);
	assert_int_equal(APDU(&f, 0, 0x00, 0xB0), 0x6700);                /* not an APDU */
	assert_int_equal(APDU(&f, 0, 0x00, 0xA4, 0x04, 0x0C, 0x07, 0xF0), 0x6700); /* Lc lies */
	/* An extended APDU on a short-APDU reader: the card answers 6700. */
	assert_int_equal(APDU(&f, 0, 0x00, 0xB0, 0x00, 0x00, 0x00, 0x01, 0x00), 0x6700);

	/* The SAM. */
	uint8_t auth[21] = {0x80, 0x8A, 0x00, 0x00, 15};
	auth[20] = 0x10;
	assert_int_equal(apdu_lit(&f, 1, auth, sizeof auth), 0x6985);  /* not selected */
	assert_int_equal(apdu_lit(&f, 1, sel_card, sizeof sel_card), 0x6A82);
	assert_int_equal(apdu_lit(&f, 1, sel_sam, sizeof sel_sam), 0x9000);
	auth[20] = 0x08;
	assert_int_equal(apdu_lit(&f, 1, auth, sizeof auth), 0x6C10);
	assert_int_equal(apdu_lit(&f, 1, auth, sizeof auth - 1), 0x6700); /* no Le */
	auth[4] = 9;
	assert_int_equal(apdu_lit(&f, 1, auth, 5 + 9 + 1), 0x6700);      /* a 1-byte UID */
	assert_int_equal(APDU(&f, 1, 0x80, 0x20, 0x00, 0x00), 0x6D00);
	assert_int_equal(APDU(&f, 1, 0x90, 0x8A, 0x00, 0x00), 0x6E00);
	fx_free(&f);
}

static void test_security_reset_on_power_off(void **state)
{
	(void)state;
	ccidsim_opts o = opts_level(CCID_LEVEL_SHORT_APDU);
	fx f;
	fx_new(&f, &o);
	insert_siti(&f);
	power_on(&f, 0, NULL);
	power_on(&f, 1, NULL);
	uint8_t cg[16];
	authenticate(&f, cg);
	assert_int_equal(apdu_lit(&f, 0, sel_ef, sizeof sel_ef), 0x9000);
	reply r;
	xchg(&f, PC_to_RDR_IccPowerOff, 0, 0, 0, 0, NULL, 0, &r);
	power_on(&f, 0, NULL);
	assert_int_equal(APDU(&f, 0, 0x00, 0xB0, 0x00, 0x00, 0x04), 0x6986);
	assert_int_equal(apdu_lit(&f, 0, sel_card, sizeof sel_card), 0x9000);
	assert_int_equal(apdu_lit(&f, 0, sel_ef, sizeof sel_ef), 0x6982);
	/* Removal too, and the SAM forgets its selection when powered off. */
	authenticate(&f, cg);
	ccidsim_remove(f.s);
	insert_siti(&f);
	power_on(&f, 0, NULL);
	assert_int_equal(apdu_lit(&f, 0, sel_card, sizeof sel_card), 0x9000);
	assert_int_equal(apdu_lit(&f, 0, sel_ef, sizeof sel_ef), 0x6982);
	xchg(&f, PC_to_RDR_IccPowerOff, 1, 0, 0, 0, NULL, 0, &r);
	power_on(&f, 1, NULL);
	uint8_t auth[21] = {0x80, 0x8A, 0x00, 0x00, 15};
	auth[20] = 0x10;
	assert_int_equal(apdu_lit(&f, 1, auth, sizeof auth), 0x6985);
	fx_free(&f);
}

static void test_uid_only_card(void **state)
{
	(void)state;
	ccidsim_opts o = opts_level(CCID_LEVEL_SHORT_APDU);
	fx f;
	fx_new(&f, &o);
	assert_int_equal(ccidsim_insert(f.s, CARD("uid-only.card")), CCIDSIM_OK);
	power_on(&f, 0, NULL);
	uint8_t uid[16];
	size_t len;
	assert_int_equal(apdu(&f, 0, get_uid, sizeof get_uid, uid, &len), 0x9000);
	assert_int_equal(len, 7);
	assert_memory_equal(uid, siti_uid, 7);
	assert_int_equal(apdu_lit(&f, 0, sel_card, sizeof sel_card), 0x6A82);
	fx_free(&f);

	/* 4- and 10-byte UIDs come back whole. */
	static const char img4[] = "uid = 0A0B0C0D\n";
	static const char img10[] = "uid = 0102030405060708090a\n";
	fx_new(&f, &o);
	assert_int_equal(ccidsim_insert_image(f.s, img4, strlen(img4)), CCIDSIM_OK);
	power_on(&f, 0, NULL);
	assert_int_equal(apdu(&f, 0, get_uid, sizeof get_uid, uid, &len), 0x9000);
	assert_int_equal(len, 4);
	assert_memory_equal(uid, ((const uint8_t[]){0x0A, 0x0B, 0x0C, 0x0D}), 4);
	ccidsim_remove(f.s);
	assert_int_equal(ccidsim_insert_image(f.s, img10, strlen(img10)), CCIDSIM_OK);
	power_on(&f, 0, NULL);
	assert_int_equal(apdu(&f, 0, get_uid, sizeof get_uid, uid, &len), 0x9000);
	assert_int_equal(len, 10);
	assert_int_equal(uid[9], 0x0A);
	fx_free(&f);
}

/* ---- T=0 at the TPDU level ---------------------------------------------- */

static void test_t0(void **state)
{
	(void)state;
	ccidsim_opts o = ccidsim_defaults();
	o.card_protocols = 0x01; /* card and SAM both T=0 */
	fx f;
	fx_new(&f, &o);
	insert_siti(&f);
	power_on(&f, 0, NULL);
	power_on(&f, 1, NULL);
	uint8_t buf[RMAX], rc[8];
	size_t len;

	/* The reader answers the pseudo-APDU itself: P3 00 is "all of it". */
	assert_int_equal(apdu(&f, 0, get_uid, sizeof get_uid, buf, &len), 0x9000);
	assert_int_equal(len, 7);
	/* Case 3. */
	assert_int_equal(apdu_lit(&f, 0, sel_card, sizeof sel_card), 0x9000);
	assert_int_equal(apdu_lit(&f, 1, sel_sam, sizeof sel_sam), 0x9000);
	/* Case 2 with the wrong P3: 6Cxx, then right. */
	assert_int_equal(APDU(&f, 0, 0x00, 0x84, 0x00, 0x00, 0x10), 0x6C08);
	assert_int_equal(APDU(&f, 0, 0x00, 0x84, 0x00, 0x00, 0x00), 0x6C08);
	assert_int_equal(apdu(&f, 0, get_challenge, sizeof get_challenge, rc, &len), 0x9000);
	assert_int_equal(len, 8);

	/* Case 4 over T=0: the SAM answers 6110, GET RESPONSE fetches it (in
	 * parts, or 6Cxx when asked for more than there is). */
	uint8_t auth[20] = {0x80, 0x8A, 0x00, 0x00, 15};
	memcpy(auth + 5, siti_uid, 7);
	memcpy(auth + 12, rc, 8);
	assert_int_equal(apdu_lit(&f, 1, auth, sizeof auth), 0x6110);
	assert_int_equal(APDU(&f, 1, 0x80, 0xC0, 0x00, 0x00, 0x20), 0x6C10);
	uint8_t cg[16];
	assert_int_equal(apdu(&f, 1, (const uint8_t[]){0x80, 0xC0, 0x00, 0x00, 0x06}, 5, cg, &len),
			 0x610A);
	assert_int_equal(len, 6);
	assert_int_equal(apdu(&f, 1, (const uint8_t[]){0x00, 0xC0, 0x00, 0x00, 0x0A}, 5, cg + 6,
			      &len),
			 0x9000);
	assert_int_equal(len, 10);
	uint8_t want[16];
	toy(siti_uid, 7, rc, want);
	assert_memory_equal(cg, want, 16);
	assert_int_equal(APDU(&f, 1, 0x00, 0xC0, 0x00, 0x00, 0x10), 0x6985); /* nothing left */

	/* The same again, fetched whole; any other command drops what waits. */
	assert_int_equal(apdu_lit(&f, 1, auth, sizeof auth), 0x6110);
	assert_int_equal(apdu_lit(&f, 1, sel_sam, sizeof sel_sam), 0x9000);
	assert_int_equal(APDU(&f, 1, 0x80, 0xC0, 0x00, 0x00, 0x10), 0x6985);

	uint8_t ext[21] = {0x00, 0x82, 0x00, 0x00, 0x10};
	memcpy(ext + 5, cg, 16);
	assert_int_equal(apdu_lit(&f, 0, ext, sizeof ext), 0x9000);
	assert_int_equal(apdu_lit(&f, 0, sel_ef, sizeof sel_ef), 0x9000);

	/* The record, with 6Cxx at its end. */
	static uint8_t rec[KTP_RECORD_MAX];
	size_t total;
	assert_int_equal(apdu(&f, 0, (const uint8_t[]){0x00, 0xB0, 0x00, 0x00, 0x04}, 5, rec, &len),
			 0x9000);
	assert_int_equal(ktp_record_size(rec, 4, &total), KTP_OK);
	assert_true(total - 4 < 0xF0);
	uint16_t sw = APDU(&f, 0, 0x00, 0xB0, 0x00, 0x04, 0xF0);
	assert_int_equal(sw, 0x6C00 | (total - 4));
	const uint8_t rest[] = {0x00, 0xB0, 0x00, 0x04, (uint8_t)(sw & 0xFF)};
	assert_int_equal(apdu(&f, 0, rest, sizeof rest, rec + 4, &len), 0x9000);
	assert_int_equal(len, total - 4);
	expect_record_is(rec, total, CARD("siti.card"));
	explicit_bzero(rec, sizeof rec);

	/* Malformed TPDUs: P3 disagreeing with the data, data missing, too short. */
	assert_int_equal(APDU(&f, 0, 0x00, 0xA4, 0x04, 0x0C, 0x08, 0xF0, 0x4B), 0x6700);
	assert_int_equal(APDU(&f, 0, 0x00, 0xA4, 0x04, 0x0C, 0x07), 0x6700);
	assert_int_equal(APDU(&f, 0, 0x00, 0xA4, 0x04), 0x6700);
	fx_free(&f);
}

/* ---- T=1 at the TPDU level ---------------------------------------------- */

/* A T=1 block with LRC, computed here. Its length. */
static size_t blk(uint8_t *b, uint8_t pcb, const uint8_t *inf, size_t len)
{
	b[0] = 0x00;
	b[1] = pcb;
	b[2] = (uint8_t)len;
	if (len)
		memcpy(b + 3, inf, len);
	uint8_t x = 0;
	for (size_t i = 0; i < 3 + len; i++)
		x ^= b[i];
	b[3 + len] = x;
	return 4 + len;
}

/* Send a block to the card; its answer block (checked with LRC) into *OUT. */
static void t1_xchg(fx *f, const uint8_t *b, size_t n, uint8_t *raw, t1_block *out)
{
	size_t got = xfr(f, 0, b, n, raw, T1_BLOCK_MAX);
	assert_int_equal(t1_block_parse(raw, got, false, out), T1_BLOCK_OK);
}

static void test_t1(void **state)
{
	(void)state;
	ccidsim_opts o = ccidsim_defaults();
	o.ifsc = 16;
	fx f;
	fx_new(&f, &o);
	insert_siti(&f);
	power_on(&f, 0, NULL);
	uint8_t b[300], raw[300];
	t1_block a;

	/* I(0) with the pseudo-APDU, byte for byte both ways. */
	size_t n = blk(b, 0x00, get_uid, sizeof get_uid);
	static const uint8_t i0[] = {0x00, 0x00, 0x05, 0xFF, 0xCA, 0x00, 0x00, 0x00, 0x30};
	assert_memory_equal(b, i0, sizeof i0);
	size_t got = xfr(&f, 0, b, n, raw, sizeof raw);
	static const uint8_t ans0[] = {0x00, 0x00, 0x09, 0x04, 0xA1, 0xB2, 0xC3,
				       0xD4, 0xE5, 0xF6, 0x90, 0x00, 0x8A};
	assert_int_equal(got, sizeof ans0);
	assert_memory_equal(raw, ans0, sizeof ans0);

	/* I(1): SELECT; the card's I(1). */
	t1_xchg(&f, b, blk(b, 0x40, sel_card, sizeof sel_card), raw, &a);
	assert_int_equal(a.pcb, 0x40);
	assert_int_equal(a.len, 2);
	assert_memory_equal(a.inf, ((const uint8_t[]){0x90, 0x00}), 2);

	/* A block bigger than the card's IFSC (16): R-block, "other error",
	 * N(R) = the N(S) still expected (0). */
	uint8_t seventeen[17] = {0};
	t1_xchg(&f, b, blk(b, 0x00, seventeen, sizeof seventeen), raw, &a);
	assert_int_equal(a.kind, T1_R);
	assert_int_equal(a.pcb, 0x82);
	/* A corrupted block: R-block, EDC error. */
	n = blk(b, 0x00, get_challenge, sizeof get_challenge);
	b[n - 1] ^= 0x55;
	t1_xchg(&f, b, n, raw, &a);
	assert_int_equal(a.pcb, 0x81);
	/* A malformed one (LEN disagrees): "other error". */
	n = blk(b, 0x00, get_challenge, sizeof get_challenge);
	b[2] = 4;
	t1_xchg(&f, b, n, raw, &a);
	assert_int_equal(a.pcb, 0x82);

	/* I(0): GET CHALLENGE; the card's I(0). */
	t1_xchg(&f, b, blk(b, 0x00, get_challenge, sizeof get_challenge), raw, &a);
	assert_int_equal(a.pcb, 0x00);
	assert_int_equal(a.len, 10);
	uint8_t rc[8], cg[16];
	memcpy(rc, a.inf, 8);
	toy(siti_uid, 7, rc, cg);

	/* EXTERNAL AUTHENTICATE is 21 bytes: chained 16 + 5 under IFSC 16,
	 * the card acknowledging the first part with R(N(R) = 0). */
	uint8_t ext[21] = {0x00, 0x82, 0x00, 0x00, 0x10};
	memcpy(ext + 5, cg, 16);
	t1_xchg(&f, b, blk(b, 0x40 | 0x20, ext, 16), raw, &a);
	assert_int_equal(a.kind, T1_R);
	assert_int_equal(a.pcb, 0x80);
	t1_xchg(&f, b, blk(b, 0x00, ext + 16, 5), raw, &a);
	assert_int_equal(a.pcb, 0x40);
	assert_memory_equal(a.inf, ((const uint8_t[]){0x90, 0x00}), 2);

	/* I(1): SELECT EF -> I(0) 9000. */
	t1_xchg(&f, b, blk(b, 0x40, sel_ef, sizeof sel_ef), raw, &a);
	assert_int_equal(a.pcb, 0x00);

	/* READ BINARY of the whole record (Le 00): the card chains its answer
	 * in 32-byte I-blocks (the default IFSD), each asked for with R(N(R)). */
	static uint8_t rec[512];
	size_t pos = 0, blocks = 0;
	uint8_t ns = 0, card_ns = 1;
	const uint8_t rd[] = {0x00, 0xB0, 0x00, 0x00, 0x00};
	t1_xchg(&f, b, blk(b, (uint8_t)(ns << 6), rd, sizeof rd), raw, &a);
	for (;;) {
		assert_int_equal(a.kind, T1_I);
		assert_int_equal((a.pcb >> 6) & 1, card_ns);
		assert_true(a.len <= 32);
		memcpy(rec + pos, a.inf, a.len);
		pos += a.len;
		blocks++;
		card_ns ^= 1;
		if (!(a.pcb & 0x20))
			break;
		assert_int_equal(a.len, 32);
		if (blocks == 2) { /* ask for this block again: the same bytes come */
			uint8_t first[64];
			memcpy(first, raw, 3 + 32 + 1);
			t1_xchg(&f, b, blk(b, (uint8_t)(0x80 | (card_ns ^ 1) << 4), NULL, 0), raw, &a);
			assert_memory_equal(raw, first, 3 + 32 + 1);
		}
		t1_xchg(&f, b, blk(b, (uint8_t)(0x80 | card_ns << 4), NULL, 0), raw, &a);
	}
	size_t total;
	assert_int_equal(ktp_record_size(rec, pos, &total), KTP_OK);
	assert_int_equal(pos, total + 2);
	assert_int_equal(blocks, (total + 2 + 31) / 32);
	assert_memory_equal(rec + total, ((const uint8_t[]){0x90, 0x00}), 2);
	expect_record_is(rec, total, CARD("siti.card"));

	/* S(IFS request 254): answered; then the answer comes in one block. */
	uint8_t ifs = 0xFE;
	t1_xchg(&f, b, blk(b, 0xC1, &ifs, 1), raw, &a);
	assert_int_equal(a.pcb, 0xE1);
	assert_int_equal(a.len, 1);
	assert_int_equal(a.inf[0], 0xFE);
	ns ^= 1;
	t1_xchg(&f, b, blk(b, (uint8_t)(ns << 6), rd, sizeof rd), raw, &a);
	assert_int_equal(a.kind, T1_I);
	assert_int_equal(a.pcb & 0x20, 0);
	assert_int_equal(a.len, total + 2);
	assert_memory_equal(a.inf, rec, total);
	explicit_bzero(rec, sizeof rec);
	card_ns ^= 1;

	/* A bad EDC from the card (fault): the host's R-block gets it again. */
	ccidsim_fault_arm(f.s, CCIDSIM_FAULT_T1_EDC, 1);
	ns ^= 1;
	n = blk(b, (uint8_t)(ns << 6), get_uid, sizeof get_uid);
	got = xfr(&f, 0, b, n, raw, sizeof raw);
	assert_int_equal(t1_block_parse(raw, got, false, &a), T1_BLOCK_EDC);
	t1_xchg(&f, b, blk(b, (uint8_t)(0x80 | card_ns << 4 | 0x01), NULL, 0), raw, &a);
	assert_int_equal(a.kind, T1_I);
	assert_int_equal((a.pcb >> 6) & 1, card_ns);
	assert_memory_equal(a.inf, siti_uid, 7);
	/* The host sends the same I-block again (it lost our answer): again. */
	n = blk(b, (uint8_t)(ns << 6), get_uid, sizeof get_uid);
	t1_xchg(&f, b, n, raw, &a);
	assert_int_equal((a.pcb >> 6) & 1, card_ns);
	assert_memory_equal(a.inf, siti_uid, 7);

	/* S(ABORT) and S(RESYNCH): answered; after RESYNCH both sides start at 0. */
	t1_xchg(&f, b, blk(b, 0xC2, NULL, 0), raw, &a);
	assert_int_equal(a.pcb, 0xE2);
	t1_xchg(&f, b, blk(b, 0xC0, NULL, 0), raw, &a);
	assert_int_equal(a.pcb, 0xE0);
	t1_xchg(&f, b, blk(b, 0x00, get_uid, sizeof get_uid), raw, &a);
	assert_int_equal(a.pcb, 0x00);
	/* An S-response nobody asked for, a bad IFS: "other error". */
	t1_xchg(&f, b, blk(b, 0xE3, &ifs, 1), raw, &a);
	assert_int_equal(a.pcb, 0x92);
	ifs = 0;
	t1_xchg(&f, b, blk(b, 0xC1, &ifs, 1), raw, &a);
	assert_int_equal(a.pcb, 0x92);
	fx_free(&f);
}

static void test_t1_crc_and_sam(void **state)
{
	(void)state;
	ccidsim_opts o = ccidsim_defaults();
	o.t1_crc = true;
	o.sam_protocols = 0x02;
	fx f;
	fx_new(&f, &o);
	insert_siti(&f);
	power_on(&f, 0, NULL);
	power_on(&f, 1, NULL);
	uint8_t b[300], raw[300];
	t1_block a;
	/* CRC-16, high byte first, from the shared codec. */
	size_t n = t1_block_build(b, sizeof b, 0x00, 0x00, sel_sam, sizeof sel_sam, true);
	size_t got = xfr(&f, 1, b, n, raw, sizeof raw);
	assert_int_equal(t1_block_parse(raw, got, true, &a), T1_BLOCK_OK);
	assert_int_equal(got, 3 + 2 + 2);
	assert_memory_equal(a.inf, ((const uint8_t[]){0x90, 0x00}), 2);
	/* An LRC block is a bad block to a CRC card. */
	n = blk(b, 0x40, get_uid, sizeof get_uid);
	got = xfr(&f, 0, b, n, raw, sizeof raw);
	assert_int_equal(t1_block_parse(raw, got, true, &a), T1_BLOCK_OK);
	assert_int_equal(a.kind, T1_R);
	fx_free(&f);
}

/* ---- the extended-APDU level ------------------------------------------- */

static void test_extended_chaining(void **state)
{
	(void)state;
	ccidsim_opts o = opts_level(CCID_LEVEL_EXT_APDU);
	o.max_msg_len = 64; /* 54 bytes of data per message */
	fx f;
	fx_new(&f, &o);
	assert_int_equal(le32(f.info.ccid_desc + 44), 64);
	insert_siti(&f);
	power_on(&f, 0, NULL);
	power_on(&f, 1, NULL);

	/* A command in three parts: each part but the last acknowledged by an
	 * empty DataBlock with bChainParameter 0x10. */
	reply r;
	xchg(&f, PC_to_RDR_XfrBlock, 0, 0, 0x01, 0x00, sel_card, 5, &r);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.spec, 0x10);
	assert_int_equal(r.len, 0);
	xchg(&f, PC_to_RDR_XfrBlock, 0, 0, 0x03, 0x00, sel_card + 5, 4, &r);
	assert_int_equal(r.spec, 0x10);
	xchg(&f, PC_to_RDR_XfrBlock, 0, 0, 0x02, 0x00, sel_card + 9, 3, &r);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.spec, 0);
	assert_int_equal(r.len, 2);
	assert_memory_equal(r.data, ((const uint8_t[]){0x90, 0x00}), 2);
	/* Parts out of order: wLevelParameter refused (offset 8). */
	expect_fail(&f, PC_to_RDR_XfrBlock, 0, 0, 0x03, 0x00, sel_card, 5, RDR_to_PC_DataBlock,
		    CCID_ICC_ACTIVE, 8);
	expect_fail(&f, PC_to_RDR_XfrBlock, 0, 0, 0x10, 0x00, NULL, 0, RDR_to_PC_DataBlock,
		    CCID_ICC_ACTIVE, 8);
	expect_fail(&f, PC_to_RDR_XfrBlock, 0, 0, 0x04, 0x00, sel_card, 5, RDR_to_PC_DataBlock,
		    CCID_ICC_ACTIVE, 8);

	uint8_t cg[16];
	authenticate(&f, cg);
	assert_int_equal(apdu_lit(&f, 0, sel_ef, sizeof sel_ef), 0x9000);

	/* One extended READ BINARY (Le 0000): the answer in DataBlocks with
	 * bChainParameter 1, 3, ..., 2, each next one asked for with 0x10. */
	const uint8_t rd[] = {0x00, 0xB0, 0x00, 0x00, 0x00, 0x00, 0x00};
	static uint8_t ans[RMAX];
	size_t pos = 0, parts = 0;
	xchg(&f, PC_to_RDR_XfrBlock, 0, 0, 0, 0, rd, sizeof rd, &r);
	for (;;) {
		assert_int_equal(r.type, RDR_to_PC_DataBlock);
		assert_int_equal(r.status, 0);
		assert_true(r.n <= 64);
		memcpy(ans + pos, r.data, r.len);
		pos += r.len;
		parts++;
		if (parts == 1)
			assert_int_equal(r.spec, 0x01);
		else if (r.spec != 0x02)
			assert_int_equal(r.spec, 0x03);
		if (r.spec == 0x02)
			break;
		assert_int_equal(r.len, 54);
		xchg(&f, PC_to_RDR_XfrBlock, 0, 0, 0x10, 0x00, NULL, 0, &r);
	}
	size_t total;
	assert_int_equal(ktp_record_size(ans, pos, &total), KTP_OK);
	assert_int_equal(pos, total + 2);
	assert_int_equal(parts, (pos + 53) / 54);
	assert_memory_equal(ans + total, ((const uint8_t[]){0x90, 0x00}), 2);
	expect_record_is(ans, total, CARD("siti.card"));

	/* A new command drops the rest of a chained answer. */
	xchg(&f, PC_to_RDR_XfrBlock, 0, 0, 0, 0, rd, sizeof rd, &r);
	assert_int_equal(r.spec, 0x01);
	assert_int_equal(apdu(&f, 0, get_uid, sizeof get_uid, ans, &pos), 0x9000);
	expect_fail(&f, PC_to_RDR_XfrBlock, 0, 0, 0x10, 0x00, NULL, 0, RDR_to_PC_DataBlock,
		    CCID_ICC_ACTIVE, 8);
	explicit_bzero(ans, sizeof ans);

	/* Below the extended level an answer too big for a message overruns. */
	fx_free(&f);
	o = opts_level(CCID_LEVEL_SHORT_APDU);
	o.max_msg_len = 64;
	fx_new(&f, &o);
	insert_siti(&f);
	power_on(&f, 0, NULL);
	power_on(&f, 1, NULL);
	authenticate(&f, cg);
	assert_int_equal(apdu_lit(&f, 0, sel_ef, sizeof sel_ef), 0x9000);
	expect_fail(&f, PC_to_RDR_XfrBlock, 0, 0, 0, 0, (const uint8_t[]){0x00, 0xB0, 0x00, 0x00, 0x00},
		    5, RDR_to_PC_DataBlock, CCID_ICC_ACTIVE, CCID_BERR_XFR_OVERRUN);
	fx_free(&f);
}

/* ---- faults -------------------------------------------------------------- */

static void test_fault_timeout_short_seq(void **state)
{
	(void)state;
	fx f;
	fx_new(&f, NULL);
	insert_siti(&f);
	reply r;

	ccidsim_fault_arm(f.s, CCIDSIM_FAULT_TIMEOUT, 1);
	send_cmd(&f, PC_to_RDR_GetSlotStatus, 0, 0, 0, 0, NULL, 0);
	expect_no_reply(&f);
	assert_int_equal(slot_status(&f, 0), CCID_ICC_INACTIVE); /* once only */

	ccidsim_fault_arm(f.s, CCIDSIM_FAULT_SHORT_READ, 1);
	uint8_t seq = send_cmd(&f, PC_to_RDR_IccPowerOn, 0, 0, 0, 0, NULL, 0);
	memset(&r, 0, sizeof r);
	assert_int_equal(f.x.ops->bulk_read(f.x.ctx, r.raw, sizeof r.raw, &r.n,
					    xport_deadline_in(WAIT_MS)),
			 XPORT_OK);
	size_t full = 10 + 15; /* the PC/SC ATR is 15 bytes */
	assert_int_equal(r.n, full / 2);
	assert_int_equal(r.raw[0], RDR_to_PC_DataBlock);
	assert_int_equal(r.raw[6], seq);
	assert_int_equal(le32(r.raw + 1), 15); /* the header still says 15 */

	ccidsim_fault_arm(f.s, CCIDSIM_FAULT_WRONG_SEQ, 2);
	for (int i = 0; i < 2; i++) {
		seq = send_cmd(&f, PC_to_RDR_GetSlotStatus, 0, 0, 0, 0, NULL, 0);
		get_reply(&f, &r);
		assert_int_equal(r.seq, (uint8_t)(seq + 1));
		expect_no_reply(&f); /* the right one never comes */
	}
	assert_int_equal(slot_status(&f, 0), CCID_ICC_ACTIVE);

	/* Armed, then disarmed with 0. */
	ccidsim_fault_arm(f.s, CCIDSIM_FAULT_TIMEOUT, 3);
	ccidsim_fault_arm(f.s, CCIDSIM_FAULT_TIMEOUT, 0);
	assert_int_equal(slot_status(&f, 0), CCID_ICC_ACTIVE);
	ccidsim_fault_arm(f.s, CCIDSIM_FAULT_NONE, 5); /* nothing */
	assert_int_equal(slot_status(&f, 0), CCID_ICC_ACTIVE);
	fx_free(&f);
}

static void test_time_extensions(void **state)
{
	(void)state;
	/* opts.time_ext: that many before every reply. */
	ccidsim_opts o = ccidsim_defaults();
	o.time_ext = 2;
	fx f;
	fx_new(&f, &o);
	insert_siti(&f);
	reply r;
	uint8_t seq = send_cmd(&f, PC_to_RDR_IccPowerOn, 0, 0, 0, 0, NULL, 0);
	for (int i = 0; i < 2; i++) {
		get_reply(&f, &r);
		assert_int_equal(r.type, RDR_to_PC_DataBlock);
		assert_int_equal(r.seq, seq);
		assert_int_equal(r.status, 0x80);
		assert_int_equal(r.error, 1);
		assert_int_equal(r.len, 0);
	}
	get_reply(&f, &r);
	assert_int_equal(r.status, 0x00);
	assert_int_equal(r.len, 15);
	expect_no_reply(&f);
	fx_free(&f);

	/* The fault: time extensions without end, until the next command. */
	fx_new(&f, NULL);
	insert_siti(&f);
	ccidsim_fault_arm(f.s, CCIDSIM_FAULT_TIME_EXT, 1);
	seq = send_cmd(&f, PC_to_RDR_GetSlotStatus, 0, 0, 0, 0, NULL, 0);
	for (int i = 0; i < CCID_TIME_EXT_MAX + 10; i++) {
		get_reply(&f, &r);
		assert_int_equal(r.type, RDR_to_PC_SlotStatus);
		assert_int_equal(r.seq, seq);
		assert_int_equal(r.status, 0x80 | CCID_ICC_INACTIVE);
		assert_int_equal(r.error, 1);
	}
	assert_int_equal(slot_status(&f, 0), CCID_ICC_INACTIVE);
	expect_no_reply(&f);
	fx_free(&f);
}

static void test_fault_unplug(void **state)
{
	(void)state;
	fx f;
	fx_new(&f, NULL);
	insert_siti(&f);
	ccidsim_fault_arm(f.s, CCIDSIM_FAULT_UNPLUG, 1);
	send_cmd(&f, PC_to_RDR_IccPowerOn, 0, 0, 0, 0, NULL, 0); /* the write succeeds */
	uint8_t buf[64];
	size_t got;
	assert_int_equal(f.x.ops->bulk_read(f.x.ctx, buf, sizeof buf, &got,
					    xport_deadline_in(WAIT_MS)),
			 XPORT_ERR_GONE);
	assert_true(ccidsim_card_present(f.s));
	assert_false(f.x.ops->wait_arrival(f.x.ctx, xport_deadline_in(0)));
	ccidsim_plug(f.s);
	assert_int_equal(f.x.ops->open(f.x.ctx, &f.info), XPORT_OK);
	assert_int_equal(slot_status(&f, 0), CCID_ICC_INACTIVE);
	fx_free(&f);
}

static void test_fault_card_removed_and_mute(void **state)
{
	(void)state;
	fx f;
	fx_new(&f, NULL);
	expect_notify(&f, 0x0C);
	insert_siti(&f);
	expect_notify(&f, 0x07);
	power_on(&f, 0, NULL);
	uint8_t b[32];
	size_t n = blk(b, 0x00, get_uid, sizeof get_uid);

	ccidsim_fault_arm(f.s, CCIDSIM_FAULT_MUTE, 1);
	expect_fail(&f, PC_to_RDR_XfrBlock, 0, 0, 0, 0, b, n, RDR_to_PC_DataBlock,
		    CCID_ICC_ACTIVE, CCID_BERR_ICC_MUTE);
	ccidsim_fault_arm(f.s, CCIDSIM_FAULT_MUTE, 1);
	expect_fail(&f, PC_to_RDR_IccPowerOn, 0, 0, 0, 0, NULL, 0, RDR_to_PC_DataBlock,
		    CCID_ICC_INACTIVE, CCID_BERR_ICC_MUTE);
	power_on(&f, 0, NULL);
	/* The SAM is not the card: no fault there. */
	ccidsim_fault_arm(f.s, CCIDSIM_FAULT_MUTE, 1);
	power_on(&f, 1, NULL);
	ccidsim_fault_arm(f.s, CCIDSIM_FAULT_MUTE, 0);

	ccidsim_fault_arm(f.s, CCIDSIM_FAULT_CARD_REMOVED, 1);
	expect_fail(&f, PC_to_RDR_XfrBlock, 0, 0, 0, 0, b, n, RDR_to_PC_DataBlock,
		    CCID_ICC_ABSENT, CCID_BERR_ICC_MUTE);
	assert_false(ccidsim_card_present(f.s));
	expect_notify(&f, 0x06);
	assert_int_equal(slot_status(&f, 0), CCID_ICC_ABSENT);
	fx_free(&f);
}

static void test_fault_card_answers(void **state)
{
	(void)state;
	ccidsim_opts o = opts_level(CCID_LEVEL_SHORT_APDU);
	fx f;
	fx_new(&f, &o);
	insert_siti(&f);
	power_on(&f, 0, NULL);
	power_on(&f, 1, NULL);

	/* bad-sw: the card's next APDU (not the reader's pseudo-APDU). */
	ccidsim_fault_arm(f.s, CCIDSIM_FAULT_BAD_SW, 1);
	uint8_t uid[16];
	size_t len;
	assert_int_equal(apdu(&f, 0, get_uid, sizeof get_uid, uid, &len), 0x9000);
	assert_int_equal(apdu_lit(&f, 0, sel_card, sizeof sel_card), 0x6F00);
	assert_int_equal(apdu_lit(&f, 0, sel_card, sizeof sel_card), 0x9000);

	/* auth: the SAM's cryptogram is wrong, the card refuses it. */
	ccidsim_fault_arm(f.s, CCIDSIM_FAULT_AUTH, 1);
	uint8_t rc[8], cg[16], want[16];
	assert_int_equal(apdu_lit(&f, 1, sel_sam, sizeof sel_sam), 0x9000);
	assert_int_equal(apdu(&f, 0, get_challenge, sizeof get_challenge, rc, &len), 0x9000);
	uint8_t auth[21] = {0x80, 0x8A, 0x00, 0x00, 15};
	memcpy(auth + 5, siti_uid, 7);
	memcpy(auth + 12, rc, 8);
	auth[20] = 0x10;
	assert_int_equal(apdu(&f, 1, auth, sizeof auth, cg, &len), 0x9000);
	toy(siti_uid, 7, rc, want);
	assert_memory_not_equal(cg, want, 16);
	uint8_t ext[21] = {0x00, 0x82, 0x00, 0x00, 0x10};
	memcpy(ext + 5, cg, 16);
	assert_int_equal(apdu_lit(&f, 0, ext, sizeof ext), 0x6300);

	/* bad-tlv: the record as served has a broken inner length. */
	authenticate(&f, cg);
	ccidsim_fault_arm(f.s, CCIDSIM_FAULT_BAD_TLV, 1);
	static uint8_t rec[KTP_RECORD_MAX];
	size_t total = read_record(&f, rec);
	ktp_identity id;
	assert_int_equal(ktp_parse_record(rec, total, &id), KTP_ERR_TLV);
	/* Once: the next read is whole. */
	total = read_record(&f, rec);
	expect_record_is(rec, total, CARD("siti.card"));
	explicit_bzero(rec, sizeof rec);
	fx_free(&f);
}

/* ---- insert ------------------------------------------------------------- */

static void test_insert_errors(void **state)
{
	(void)state;
	ccidsim_opts o = opts_level(CCID_LEVEL_SHORT_APDU);
	fx f;
	fx_new(&f, &o);
	assert_int_equal(ccidsim_insert(f.s, CARD("no-such.card")), CCIDSIM_ERR_IO);
	assert_int_equal(ccidsim_insert(f.s, KIOSK_TEST_DIR "/cards"), CCIDSIM_ERR_IO);
	assert_int_equal(ccidsim_insert(f.s, CARD("bad-syntax.card")), CCIDSIM_ERR_IMAGE);
	assert_int_equal(ccidsim_insert(f.s, CARD("bad-nik.card")), CCIDSIM_ERR_IMAGE);
	assert_int_equal(ccidsim_insert_image(f.s, "", 0), CCIDSIM_ERR_IMAGE);
	assert_int_equal(ccidsim_insert_image(f.s, "uid = 04\n", 9), CCIDSIM_ERR_IMAGE);
	assert_false(ccidsim_card_present(f.s));

	static char big[CCIDSIM_IMAGE_MAX + 2];
	memset(big, '#', sizeof big);
	assert_int_equal(ccidsim_insert_image(f.s, big, sizeof big), CCIDSIM_ERR_TOOBIG);
	char path[] = "/tmp/test_ccidsim_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, big, sizeof big), (ssize_t)sizeof big);
	close(fd);
	assert_int_equal(ccidsim_insert(f.s, path), CCIDSIM_ERR_TOOBIG);
	unlink(path);
	assert_false(ccidsim_card_present(f.s));
	assert_int_equal(slot_status(&f, 0), CCID_ICC_ABSENT);

	insert_siti(&f);
	assert_int_equal(ccidsim_insert(f.s, CARD("budi.card")), CCIDSIM_ERR_STATE);
	assert_int_equal(ccidsim_insert(f.s, CARD("no-such.card")), CCIDSIM_ERR_STATE);
	static const char img[] = "uid = 0A0B0C0D\n";
	assert_int_equal(ccidsim_insert_image(f.s, img, strlen(img)), CCIDSIM_ERR_STATE);
	/* The first card is untouched. */
	power_on(&f, 0, NULL);
	uint8_t uid[16];
	size_t len;
	assert_int_equal(apdu(&f, 0, get_uid, sizeof get_uid, uid, &len), 0x9000);
	assert_int_equal(len, 7);
	assert_memory_equal(uid, siti_uid, 7);
	fx_free(&f);
}

static void test_xport_free(void **state)
{
	(void)state;
	ccidsim *s = NULL;
	assert_int_equal(ccidsim_new(&s, NULL), CCIDSIM_OK);
	assert_int_equal(ccidsim_insert(s, CARD("siti.card")), CCIDSIM_OK);
	xport x = ccidsim_xport(s);
	xport_info info;
	assert_int_equal(x.ops->open(x.ctx, &info), XPORT_OK);
	x.ops->free(x.ctx); /* closes and frees, card data and all */
	ccidsim_free(NULL);
	s = NULL;
	ccidsim_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_descriptor_defaults),
		cmocka_unit_test(test_descriptor_options),
		cmocka_unit_test(test_slot_status_and_power),
		cmocka_unit_test(test_atrs),
		cmocka_unit_test(test_parameters),
		cmocka_unit_test(test_header_checks),
		cmocka_unit_test(test_notify_slot_change),
		cmocka_unit_test(test_unplug_replug),
		cmocka_unit_test(test_unplug_wakes_blocked_read),
		cmocka_unit_test(test_plug_wakes_wait_arrival),
		cmocka_unit_test(test_profile_short_apdu),
		cmocka_unit_test(test_profile_refusals),
		cmocka_unit_test(test_security_reset_on_power_off),
		cmocka_unit_test(test_uid_only_card),
		cmocka_unit_test(test_t0),
		cmocka_unit_test(test_t1),
		cmocka_unit_test(test_t1_crc_and_sam),
		cmocka_unit_test(test_extended_chaining),
		cmocka_unit_test(test_fault_timeout_short_seq),
		cmocka_unit_test(test_time_extensions),
		cmocka_unit_test(test_fault_unplug),
		cmocka_unit_test(test_fault_card_removed_and_mute),
		cmocka_unit_test(test_fault_card_answers),
		cmocka_unit_test(test_insert_errors),
		cmocka_unit_test(test_xport_free),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_card: the card layer (drivers/card.c), which turns a slot of a CCID
 * reader into an APDU channel, run on the real stack (ccid.c, atr.c, t0.c,
 * t1.c, apdu.c) against the simulated reader (ccidsim: real CCID bytes).
 *
 * card_connect must pick the channel the reader's level and the card's ATR
 * call for: XfrBlock itself at the short and extended APDU levels (extended
 * APDUs allowed only at the latter), T=1 at the TPDU level when the reader
 * and the card both offer it, else T=0; SetParameters only for readers that
 * do not negotiate themselves, and the T=1 IFS request only for readers
 * that do not send it themselves; IFSD and IFSC shrunk to what one CCID
 * message can carry. Exchanges then work on every channel: LRC and CRC, a
 * small IFSC forcing command chaining, small TPDU messages shrinking IFSD
 * and IFSC (answers chained), tiny extended-level messages forcing CCID
 * chaining both ways, and T=0's 61xx through GET RESPONSE on the SAM. Refusals
 * carry their reason: a card and a reader with no protocol in common
 * (either way round: the descriptor is edited to describe such a reader), a
 * character-level reader (refused already by ccid_open), a slot the reader
 * lacks, an empty slot. Faults injected by the simulator end as the
 * contracts say (mute, timeout within the deadline, unplug, card removed,
 * short read, a stale reply skipped, endless time extensions) and a bad
 * T=1 EDC is recovered; after a broken-off T=1 exchange the channel refuses
 * to go on (its sequence numbers are out of step) until reconnected, while
 * T=0 goes on. A
 * failed connect powers the card off again and leaves nothing to free;
 * card_disconnect powers off (not when the deadline has passed) and zeroes
 * the card; a failed exchange leaves the caller's buffer untouched.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "card.h"
#include "ccid.h"
#include "ccidsim.h"
#include "ktpprof.h"
#include "xport.h"

enum {
	OP_MS = 2000,    /* a generous deadline for operations that succeed */
	FAULT_MS = 200,  /* the deadline under an injected timeout */
	SLACK_MS = 150,  /* scheduling noise allowed past a deadline */
	D_PROTOCOLS = 6, /* dwProtocols in the class descriptor */
};

#define CARD(name) KIOSK_TEST_DIR "/cards/" name

static const uint8_t siti_uid[] = {0x04, 0xA1, 0xB2, 0xC3, 0xD4, 0xE5, 0xF6};

/* ---- helpers ------------------------------------------------------------ */

static bool all_zero(const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

typedef struct rig {
	ccidsim *s;
	xport x;
	xport_info info;
	ccid *c;
} rig;

/* A simulated reader with O and siti.card on it (unless NO_CARD), opened
 * through the transport and a CCID session; PROTOCOLS, when not 0, replaces
 * the descriptor's dwProtocols (a reader the simulator cannot be). */
static void rig_open(rig *r, const ccidsim_opts *o, bool no_card, uint32_t protocols)
{
	memset(r, 0, sizeof *r);
	assert_int_equal(ccidsim_new(&r->s, o), CCIDSIM_OK);
	r->x = ccidsim_xport(r->s);
	assert_int_equal(r->x.ops->open(r->x.ctx, &r->info), XPORT_OK);
	if (protocols) {
		r->info.ccid_desc[D_PROTOCOLS] = (uint8_t)protocols;
		r->info.ccid_desc[D_PROTOCOLS + 1] = 0;
		r->info.ccid_desc[D_PROTOCOLS + 2] = 0;
		r->info.ccid_desc[D_PROTOCOLS + 3] = 0;
	}
	const char *why = NULL;
	assert_int_equal(ccid_open(&r->c, r->x, &r->info, &why), CCID_OK);
	if (!no_card)
		assert_int_equal(ccidsim_insert(r->s, CARD("siti.card")), CCIDSIM_OK);
}

static void rig_close(rig *r)
{
	ccid_free(&r->c);
	r->x.ops->close(r->x.ctx);
	ccidsim_free(&r->s);
}

static void connect_ok(card *k, rig *r, uint8_t slot)
{
	const char *why = "unset";
	apdu_err e = card_connect(k, r->c, slot, xport_deadline_in(OP_MS), &why);
	if (e != APDU_OK)
		fail_msg("card_connect slot %u: %s (%s)", slot, apdu_err_name(e), why ? why : "");
	assert_null(why);
	assert_true(k->powered);
	assert_non_null(k->buf);
	assert_true(k->atr_len >= 2);
	assert_int_equal(k->atr[0], 0x3B);
}

/* GET DATA (UID) on the card: siti's seven bytes and 9000. */
static void exchange_uid(card *k)
{
	apdu_cmd c = {.cla = 0xFF, .ins = 0xCA, .ne = 256};
	uint8_t data[256];
	size_t len = 99;
	uint16_t sw = 0;
	assert_int_equal(card_exchange(k, &c, data, sizeof data, &len, &sw,
				       xport_deadline_in(OP_MS)),
			 APDU_OK);
	assert_int_equal(sw, SW_OK);
	assert_int_equal(len, sizeof siti_uid);
	assert_memory_equal(data, siti_uid, sizeof siti_uid);
}

/* SELECT the SAM application and ask for a cryptogram over a made-up UID
 * and challenge: a 21-byte case-4 command (chained in T=1 blocks when the
 * IFSC is small; 61xx and GET RESPONSE over T=0) and a 16-byte answer. */
static void exchange_sam(card *sam)
{
	static const uint8_t aid[] = KTPPROF_SAM_AID;
	apdu_cmd sel = {.cla = 0x00, .ins = 0xA4, .p1 = 0x04, .p2 = 0x0C, .data = aid,
			.nc = sizeof aid};
	size_t len = 99;
	uint16_t sw = 0;
	assert_int_equal(card_exchange(sam, &sel, NULL, 0, &len, &sw, xport_deadline_in(OP_MS)),
			 APDU_OK);
	assert_int_equal(sw, SW_OK);
	assert_int_equal(len, 0);

	uint8_t in[15];
	memcpy(in, siti_uid, sizeof siti_uid);
	memset(in + sizeof siti_uid, 0x5C, sizeof in - sizeof siti_uid);
	apdu_cmd auth = {.cla = KTPPROF_CLA_SAM, .ins = KTPPROF_INS_SAM_AUTH, .data = in,
			 .nc = sizeof in, .ne = KTPPROF_CRYPTOGRAM_LEN};
	uint8_t out[64];
	assert_int_equal(card_exchange(sam, &auth, out, sizeof out, &len, &sw,
				       xport_deadline_in(OP_MS)),
			 APDU_OK);
	assert_int_equal(sw, SW_OK);
	assert_int_equal(len, KTPPROF_CRYPTOGRAM_LEN);
	explicit_bzero(out, sizeof out);
}

/* ---- tests --------------------------------------------------------------- */

static void test_map_ccid(void **state)
{
	(void)state;
	static const struct {
		ccid_err in;
		apdu_err out;
	} map[] = {
		{CCID_OK, APDU_OK},
		{CCID_ERR_TIMEOUT, APDU_ERR_TIMEOUT},
		{CCID_ERR_GONE, APDU_ERR_GONE},
		{CCID_ERR_IO, APDU_ERR_IO},
		{CCID_ERR_PROTO, APDU_ERR_PROTO},
		{CCID_ERR_NO_CARD, APDU_ERR_NO_CARD},
		{CCID_ERR_MUTE, APDU_ERR_MUTE},
		{CCID_ERR_FAILED, APDU_ERR_IO},
		{CCID_ERR_TIME_EXT, APDU_ERR_TIMEOUT},
		{CCID_ERR_UNSUPPORTED, APDU_ERR_UNSUPPORTED},
		{CCID_ERR_TOOBIG, APDU_ERR_TOOBIG},
		{CCID_ERR_NOMEM, APDU_ERR_NOMEM},
		{CCID_ERR_BAD_DESC, APDU_ERR_UNSUPPORTED},
		{(ccid_err)-99, APDU_ERR_IO},
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		assert_int_equal(card_map_ccid(map[i].in), map[i].out);
}

/* The usual reader: TPDU, card T=1 (LRC, IFSC 32), SAM T=0. */
static void test_tpdu_defaults(void **state)
{
	(void)state;
	ccidsim_opts o = ccidsim_defaults();
	rig r;
	rig_open(&r, &o, false, 0);
	card k, sam;
	connect_ok(&k, &r, 0);
	assert_int_equal(k.proto, CARD_PROTO_T1);
	assert_false(k.io.ext_ok);
	assert_false(k.t1.crc);
	assert_int_equal(k.t1.ifsc, 32);
	assert_int_equal(k.t1.ifsd, T1_IFSD);
	connect_ok(&sam, &r, 1);
	assert_int_equal(sam.proto, CARD_PROTO_T0);
	assert_false(sam.io.ext_ok);
	/* Both slots set from their ATR; only T=1 announces its IFSD. */
	assert_int_equal(ccidsim_commands(r.s, PC_to_RDR_SetParameters), 2);
	assert_int_equal(ccidsim_commands(r.s, PC_to_RDR_XfrBlock), 1);
	exchange_uid(&k);
	exchange_sam(&sam);
	/* And again: the T=1 sequence numbers carry on. */
	exchange_uid(&k);
	exchange_uid(&k);
	card_disconnect(&sam, xport_deadline_in(OP_MS));
	card_disconnect(&k, xport_deadline_in(OP_MS));
	assert_int_equal(ccidsim_commands(r.s, PC_to_RDR_IccPowerOff), 2);
	assert_true(all_zero(&k, sizeof k));
	rig_close(&r);
}

static void test_tpdu_t1_both_crc(void **state)
{
	(void)state;
	for (int crc = 0; crc < 2; crc++) {
		ccidsim_opts o = ccidsim_defaults();
		o.sam_protocols = 0x02;
		o.t1_crc = crc;
		rig r;
		rig_open(&r, &o, false, 0);
		card k, sam;
		connect_ok(&k, &r, 0);
		connect_ok(&sam, &r, 1);
		assert_int_equal(k.proto, CARD_PROTO_T1);
		assert_int_equal(sam.proto, CARD_PROTO_T1);
		assert_int_equal(k.t1.crc, crc != 0);
		assert_int_equal(sam.t1.crc, crc != 0);
		assert_int_equal(ccidsim_commands(r.s, PC_to_RDR_XfrBlock), 2);
		exchange_uid(&k);
		exchange_sam(&sam);
		card_disconnect(&sam, xport_deadline_in(OP_MS));
		card_disconnect(&k, xport_deadline_in(OP_MS));
		rig_close(&r);
	}
}

/* IFSC 16: the SAM's 21-byte command goes in two chained I-blocks. */
static void test_tpdu_small_ifsc(void **state)
{
	(void)state;
	ccidsim_opts o = ccidsim_defaults();
	o.sam_protocols = 0x02;
	o.ifsc = 16;
	rig r;
	rig_open(&r, &o, false, 0);
	card sam;
	connect_ok(&sam, &r, 1);
	assert_int_equal(sam.t1.ifsc, 16);
	unsigned long before = ccidsim_commands(r.s, PC_to_RDR_XfrBlock);
	exchange_sam(&sam);
	/* SELECT: one block and its answer; AUTHENTICATE: two blocks. */
	assert_int_equal(ccidsim_commands(r.s, PC_to_RDR_XfrBlock) - before, 3);
	card_disconnect(&sam, xport_deadline_in(OP_MS));
	rig_close(&r);
}

/* 64-byte messages: a block carries 49 bytes, so IFSD and IFSC shrink to it
 * (test_ktpcard reads records through such a reader: answers chained). */
static void test_tpdu_small_messages(void **state)
{
	(void)state;
	ccidsim_opts o = ccidsim_defaults();
	o.max_msg_len = 64;
	o.ifsc = 200;
	rig r;
	rig_open(&r, &o, false, 0);
	card k;
	connect_ok(&k, &r, 0);
	assert_int_equal(k.t1.ifsc, 49);
	assert_int_equal(k.t1.ifsd, 49);
	exchange_uid(&k);
	card_disconnect(&k, xport_deadline_in(OP_MS));
	rig_close(&r);
}

static void test_tpdu_t0_card(void **state)
{
	(void)state;
	ccidsim_opts o = ccidsim_defaults();
	o.card_protocols = 0x01;
	rig r;
	rig_open(&r, &o, false, 0);
	card k;
	connect_ok(&k, &r, 0);
	assert_int_equal(k.proto, CARD_PROTO_T0);
	assert_int_equal(ccidsim_commands(r.s, PC_to_RDR_XfrBlock), 0);
	exchange_uid(&k);
	card_disconnect(&k, xport_deadline_in(OP_MS));
	rig_close(&r);
}

/* A reader that negotiates and announces IFSD itself gets neither. */
static void test_tpdu_auto_params(void **state)
{
	(void)state;
	ccidsim_opts o = ccidsim_defaults();
	o.auto_params = true;
	rig r;
	rig_open(&r, &o, false, 0);
	card k, sam;
	connect_ok(&k, &r, 0);
	connect_ok(&sam, &r, 1);
	assert_int_equal(k.proto, CARD_PROTO_T1);
	assert_int_equal(sam.proto, CARD_PROTO_T0);
	assert_int_equal(ccidsim_commands(r.s, PC_to_RDR_SetParameters), 0);
	assert_int_equal(ccidsim_commands(r.s, PC_to_RDR_XfrBlock), 0);
	exchange_uid(&k);
	exchange_sam(&sam);
	card_disconnect(&sam, xport_deadline_in(OP_MS));
	card_disconnect(&k, xport_deadline_in(OP_MS));
	rig_close(&r);
}

static void test_short_apdu(void **state)
{
	(void)state;
	ccidsim_opts o = ccidsim_defaults();
	o.level = CCID_LEVEL_SHORT_APDU;
	rig r;
	rig_open(&r, &o, false, 0);
	card k, sam;
	connect_ok(&k, &r, 0);
	connect_ok(&sam, &r, 1);
	assert_int_equal(k.proto, CARD_PROTO_APDU);
	assert_false(k.io.ext_ok);
	assert_int_equal(ccidsim_commands(r.s, PC_to_RDR_SetParameters), 0);
	assert_int_equal(ccidsim_commands(r.s, PC_to_RDR_XfrBlock), 0);
	exchange_uid(&k);
	exchange_sam(&sam);
	/* An extended command cannot go over a short link. */
	apdu_cmd big = {.cla = 0x00, .ins = 0xB0, .ne = 1000};
	size_t len;
	uint16_t sw;
	uint8_t data[16];
	assert_int_equal(card_exchange(&k, &big, data, sizeof data, &len, &sw,
				       xport_deadline_in(OP_MS)),
			 APDU_ERR_ARG);
	card_disconnect(&sam, xport_deadline_in(OP_MS));
	card_disconnect(&k, xport_deadline_in(OP_MS));
	rig_close(&r);
}

/* 26-byte messages (the card's ATR just fits): 16 bytes of APDU each way
 * per message. */
static void test_ext_apdu_chained(void **state)
{
	(void)state;
	ccidsim_opts o = ccidsim_defaults();
	o.level = CCID_LEVEL_EXT_APDU;
	o.max_msg_len = 26;
	rig r;
	rig_open(&r, &o, false, 0);
	card k, sam;
	connect_ok(&k, &r, 0);
	connect_ok(&sam, &r, 1);
	assert_int_equal(k.proto, CARD_PROTO_APDU);
	assert_true(k.io.ext_ok);
	exchange_uid(&k);
	/* SELECT in one message; AUTHENTICATE's 21 bytes in two, its 18-byte
	 * answer in two (one empty XfrBlock asking for the rest). */
	unsigned long before = ccidsim_commands(r.s, PC_to_RDR_XfrBlock);
	exchange_sam(&sam);
	assert_int_equal(ccidsim_commands(r.s, PC_to_RDR_XfrBlock) - before, 4);
	card_disconnect(&sam, xport_deadline_in(OP_MS));
	card_disconnect(&k, xport_deadline_in(OP_MS));
	rig_close(&r);
}

/* Refused with the reason, the card powered off again, *K empty. */
static void refused(const ccidsim_opts *o, uint32_t protocols, uint8_t slot, const char *reason)
{
	rig r;
	rig_open(&r, o, false, protocols);
	card k;
	memset(&k, 0xAA, sizeof k);
	const char *why = NULL;
	assert_int_equal(card_connect(&k, r.c, slot, xport_deadline_in(OP_MS), &why),
			 APDU_ERR_UNSUPPORTED);
	assert_non_null(why);
	assert_string_equal(why, reason);
	assert_true(all_zero(&k, sizeof k));
	assert_int_equal(ccidsim_commands(r.s, PC_to_RDR_IccPowerOn), 1);
	assert_int_equal(ccidsim_commands(r.s, PC_to_RDR_IccPowerOff), 1);
	assert_int_equal(ccidsim_commands(r.s, PC_to_RDR_SetParameters), 0);
	card_disconnect(&k, xport_deadline_in(OP_MS)); /* harmless */
	rig_close(&r);
}

static void test_refused_protocols(void **state)
{
	(void)state;
	ccidsim_opts o = ccidsim_defaults();
	o.card_protocols = 0x01;
	refused(&o, 0x02, 0, "the card offers only T=0 and the reader only T=1");
	o = ccidsim_defaults();
	o.sam_protocols = 0x02;
	refused(&o, 0x01, 1, "the card offers only T=1 and the reader only T=0");
}

/* ccid_open refuses a character-level reader already (card_connect's own
 * check is a second line that no ccid session can reach). */
static void test_refused_character_level(void **state)
{
	(void)state;
	ccidsim_opts o = ccidsim_defaults();
	o.level = CCID_LEVEL_CHAR;
	ccidsim *s;
	assert_int_equal(ccidsim_new(&s, &o), CCIDSIM_OK);
	xport x = ccidsim_xport(s);
	xport_info info;
	assert_int_equal(x.ops->open(x.ctx, &info), XPORT_OK);
	ccid *c = NULL;
	const char *why = NULL;
	assert_int_equal(ccid_open(&c, x, &info, &why), CCID_ERR_UNSUPPORTED);
	assert_null(c);
	assert_non_null(why);
	assert_non_null(strstr(why, "character"));
	x.ops->close(x.ctx);
	ccidsim_free(&s);
}

static void test_no_such_slot(void **state)
{
	(void)state;
	ccidsim_opts o = ccidsim_defaults();
	o.sam = false;
	rig r;
	rig_open(&r, &o, false, 0);
	card k;
	const char *why = NULL;
	assert_int_equal(card_connect(&k, r.c, 1, xport_deadline_in(OP_MS), &why),
			 APDU_ERR_NO_CARD);
	assert_string_equal(why, "the reader has no such slot");
	assert_true(all_zero(&k, sizeof k));
	assert_int_equal(ccidsim_commands(r.s, PC_to_RDR_IccPowerOn), 0);
	rig_close(&r);
}

static void test_no_card(void **state)
{
	(void)state;
	ccidsim_opts o = ccidsim_defaults();
	rig r;
	rig_open(&r, &o, true, 0);
	card k;
	const char *why = NULL;
	assert_int_equal(card_connect(&k, r.c, 0, xport_deadline_in(OP_MS), &why),
			 APDU_ERR_NO_CARD);
	assert_non_null(why);
	assert_true(all_zero(&k, sizeof k));
	assert_int_equal(ccidsim_commands(r.s, PC_to_RDR_IccPowerOff), 0);
	/* WHY may be NULL. */
	assert_int_equal(card_connect(&k, r.c, 0, xport_deadline_in(OP_MS), NULL),
			 APDU_ERR_NO_CARD);
	rig_close(&r);
}

static void test_connect_faults(void **state)
{
	(void)state;
	ccidsim_opts o = ccidsim_defaults();
	rig r;
	card k;
	const char *why;

	/* A mute card is powered off again. */
	rig_open(&r, &o, false, 0);
	ccidsim_fault_arm(r.s, CCIDSIM_FAULT_MUTE, 1);
	why = NULL;
	assert_int_equal(card_connect(&k, r.c, 0, xport_deadline_in(OP_MS), &why),
			 APDU_ERR_MUTE);
	assert_non_null(why);
	assert_true(all_zero(&k, sizeof k));
	assert_int_equal(ccidsim_commands(r.s, PC_to_RDR_IccPowerOff), 1);
	connect_ok(&k, &r, 0); /* the next try works */
	card_disconnect(&k, xport_deadline_in(OP_MS));
	rig_close(&r);

	/* No answer to IccPowerOn: a timeout at the deadline. */
	rig_open(&r, &o, false, 0);
	ccidsim_fault_arm(r.s, CCIDSIM_FAULT_TIMEOUT, 1);
	int64_t t0 = xport_now_ms();
	assert_int_equal(card_connect(&k, r.c, 0, t0 + FAULT_MS, &why), APDU_ERR_TIMEOUT);
	int64_t ms = xport_now_ms() - t0;
	assert_true(ms >= FAULT_MS - 5 && ms < FAULT_MS + SLACK_MS);
	assert_true(all_zero(&k, sizeof k));
	rig_close(&r);

	/* Unplugged during IccPowerOn. */
	rig_open(&r, &o, false, 0);
	ccidsim_fault_arm(r.s, CCIDSIM_FAULT_UNPLUG, 1);
	assert_int_equal(card_connect(&k, r.c, 0, xport_deadline_in(OP_MS), &why),
			 APDU_ERR_GONE);
	assert_true(all_zero(&k, sizeof k));
	rig_close(&r);

	/* A reply cut short during the IFS request. */
	rig_open(&r, &o, false, 0);
	ccidsim_fault_arm(r.s, CCIDSIM_FAULT_SHORT_READ, 1);
	assert_int_equal(card_connect(&k, r.c, 0, xport_deadline_in(OP_MS), &why),
			 APDU_ERR_PROTO);
	assert_true(all_zero(&k, sizeof k));
	rig_close(&r);
}

/* Faults during an exchange. */
static void test_exchange_faults(void **state)
{
	(void)state;
	ccidsim_opts o = ccidsim_defaults();
	apdu_cmd uid = {.cla = 0xFF, .ins = 0xCA, .ne = 256};
	uint8_t data[256];
	size_t len;
	uint16_t sw;
	rig r;
	card k;

	/* A bad EDC from the card is recovered by an R-block. */
	rig_open(&r, &o, false, 0);
	connect_ok(&k, &r, 0);
	ccidsim_fault_arm(r.s, CCIDSIM_FAULT_T1_EDC, 1);
	exchange_uid(&k);
	assert_int_equal(k.t1.retransmits, 1);
	card_disconnect(&k, xport_deadline_in(OP_MS));
	rig_close(&r);

	struct {
		ccidsim_fault f;
		apdu_err want;
		int64_t ms;
	} cases[] = {
		{CCIDSIM_FAULT_TIMEOUT, APDU_ERR_TIMEOUT, FAULT_MS},
		{CCIDSIM_FAULT_SHORT_READ, APDU_ERR_PROTO, OP_MS},
		{CCIDSIM_FAULT_WRONG_SEQ, APDU_ERR_PROTO, OP_MS},      /* a bSeq never sent */
		{CCIDSIM_FAULT_TIME_EXT, APDU_ERR_TIMEOUT, OP_MS},     /* CCID_ERR_TIME_EXT */
		{CCIDSIM_FAULT_CARD_REMOVED, APDU_ERR_NO_CARD, OP_MS},
		{CCIDSIM_FAULT_MUTE, APDU_ERR_MUTE, OP_MS},
		{CCIDSIM_FAULT_UNPLUG, APDU_ERR_GONE, OP_MS},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		rig_open(&r, &o, false, 0);
		connect_ok(&k, &r, 0);
		ccidsim_fault_arm(r.s, cases[i].f, 1);
		memset(data, 0xAA, sizeof data);
		len = 99;
		sw = 99;
		int64_t t0 = xport_now_ms();
		apdu_err e = card_exchange(&k, &uid, data, sizeof data, &len, &sw,
					   t0 + cases[i].ms);
		int64_t ms = xport_now_ms() - t0;
		if (e != cases[i].want)
			fail_msg("fault %s: %s, expected %s", ccidsim_fault_name(cases[i].f),
				 apdu_err_name(e), apdu_err_name(cases[i].want));
		assert_true(ms < cases[i].ms + SLACK_MS);
		assert_int_equal(len, 0);
		assert_int_equal(sw, 0);
		/* Nothing of a failed answer reaches the caller's buffer. */
		for (size_t j = 0; j < sizeof data; j++)
			assert_int_equal(data[j], 0xAA);
		/* The T=1 channel is out of step: refused without a word sent. */
		assert_true(k.out_of_step);
		unsigned long xfr = ccidsim_commands(r.s, PC_to_RDR_XfrBlock);
		assert_int_equal(card_exchange(&k, &uid, data, sizeof data, &len, &sw,
					       xport_deadline_in(OP_MS)),
				 APDU_ERR_PROTO);
		assert_int_equal(ccidsim_commands(r.s, PC_to_RDR_XfrBlock), xfr);
		bool gone = cases[i].want == APDU_ERR_GONE;
		unsigned long off = ccidsim_commands(r.s, PC_to_RDR_IccPowerOff);
		card_disconnect(&k, gone ? xport_now_ms() : xport_deadline_in(OP_MS));
		assert_true(all_zero(&k, sizeof k));
		/* A past deadline (the reader's gone) sends no IccPowerOff. */
		assert_int_equal(ccidsim_commands(r.s, PC_to_RDR_IccPowerOff) - off, gone ? 0 : 1);
		rig_close(&r);
	}
}

/* Reconnecting puts a T=1 channel back in step; T=0 (no sequence state)
 * goes on after a lost reply. */
static void test_after_timeout(void **state)
{
	(void)state;
	ccidsim_opts o = ccidsim_defaults();
	rig r;
	rig_open(&r, &o, false, 0);
	card k, sam;
	connect_ok(&k, &r, 0);
	connect_ok(&sam, &r, 1);
	apdu_cmd uid = {.cla = 0xFF, .ins = 0xCA, .ne = 256};
	uint8_t data[256];
	size_t len;
	uint16_t sw;
	ccidsim_fault_arm(r.s, CCIDSIM_FAULT_WRONG_SEQ, 1);
	assert_int_equal(card_exchange(&k, &uid, data, sizeof data, &len, &sw,
				       xport_deadline_in(FAULT_MS)),
			 APDU_ERR_PROTO);
	card_disconnect(&k, xport_deadline_in(OP_MS));
	connect_ok(&k, &r, 0);
	exchange_uid(&k);

	static const uint8_t aid[] = KTPPROF_SAM_AID;
	apdu_cmd sel = {.cla = 0x00, .ins = 0xA4, .p1 = 0x04, .p2 = 0x0C, .data = aid,
			.nc = sizeof aid};
	ccidsim_fault_arm(r.s, CCIDSIM_FAULT_TIMEOUT, 1);
	assert_int_equal(card_exchange(&sam, &sel, NULL, 0, &len, &sw,
				       xport_deadline_in(FAULT_MS)),
			 APDU_ERR_TIMEOUT);
	assert_false(sam.out_of_step);
	ccidsim_fault_arm(r.s, CCIDSIM_FAULT_WRONG_SEQ, 1);
	assert_int_equal(card_exchange(&sam, &sel, NULL, 0, &len, &sw,
				       xport_deadline_in(FAULT_MS)),
			 APDU_ERR_PROTO);
	exchange_sam(&sam);
	card_disconnect(&sam, xport_deadline_in(OP_MS));
	card_disconnect(&k, xport_deadline_in(OP_MS));
	rig_close(&r);
}

/* An answer longer than the caller's buffer. */
static void test_exchange_toobig(void **state)
{
	(void)state;
	ccidsim_opts o = ccidsim_defaults();
	rig r;
	rig_open(&r, &o, false, 0);
	card k;
	connect_ok(&k, &r, 0);
	apdu_cmd uid = {.cla = 0xFF, .ins = 0xCA, .ne = 256};
	uint8_t data[4];
	memset(data, 0xAA, sizeof data);
	size_t len = 99;
	uint16_t sw = 99;
	assert_int_equal(card_exchange(&k, &uid, data, sizeof data, &len, &sw,
				       xport_deadline_in(OP_MS)),
			 APDU_ERR_TOOBIG);
	assert_int_equal(len, 0);
	assert_int_equal(sw, 0);
	for (size_t j = 0; j < sizeof data; j++)
		assert_int_equal(data[j], 0xAA);
	assert_true(all_zero(k.buf, APDU_RESP_MAX)); /* the scratch is wiped */
	exchange_uid(&k); /* the channel is still in step */
	assert_true(all_zero(k.buf, APDU_RESP_MAX));
	card_disconnect(&k, xport_deadline_in(OP_MS));
	rig_close(&r);
}

static void test_disconnect_null(void **state)
{
	(void)state;
	card_disconnect(NULL, 0);
	card k;
	memset(&k, 0, sizeof k);
	card_disconnect(&k, xport_deadline_in(OP_MS));
	assert_true(all_zero(&k, sizeof k));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_map_ccid),
		cmocka_unit_test(test_tpdu_defaults),
		cmocka_unit_test(test_tpdu_t1_both_crc),
		cmocka_unit_test(test_tpdu_small_ifsc),
		cmocka_unit_test(test_tpdu_small_messages),
		cmocka_unit_test(test_tpdu_t0_card),
		cmocka_unit_test(test_tpdu_auto_params),
		cmocka_unit_test(test_short_apdu),
		cmocka_unit_test(test_ext_apdu_chained),
		cmocka_unit_test(test_refused_protocols),
		cmocka_unit_test(test_refused_character_level),
		cmocka_unit_test(test_no_such_slot),
		cmocka_unit_test(test_no_card),
		cmocka_unit_test(test_connect_faults),
		cmocka_unit_test(test_exchange_faults),
		cmocka_unit_test(test_after_timeout),
		cmocka_unit_test(test_exchange_toobig),
		cmocka_unit_test(test_disconnect_null),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_reqjson: the canonical JSON of requests and events (sync/reqjson.c).
 *
 * A full made-up request (every field, non-ASCII text, documents, consent,
 * a card identity) survives encode -> decode unchanged, and encoding it
 * again gives the same bytes; an empty draft encodes to exactly the bytes
 * the format promises. The strict decoder is then fed one defect at a time,
 * each made by editing the valid JSON (wrong types, unknown names, missing,
 * unknown and duplicate keys, strings one byte too long, bad UTF-8, a
 * \u0000, too deep, too large): each gives its code, a short ASCII reason
 * that quotes nothing of the input, and a request wiped back to a fresh
 * draft. Last, 10,000 random mutations of valid request and event JSON
 * (fixed seed, so a failure replays) must never crash the decoder, and
 * whatever it accepts must re-encode canonically. The people are made up.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture_req.h"
#include "reqjson.h"

#define NIK_SITI FX_NIK_SITI
#define T_SUBMIT INT64_C(1767318300) /* 2026-01-02 08:45 WIB */

/* Siti Nur'aini (made up) asks to record her promotion and new work unit. */
static void full_request(req *r)
{
	fx_siti(r);
	fx_ticket(4242, r->ticket);
	fx_ticket(17, r->resubmit_of);
	/* An em dash and an e with acute: non-ASCII must survive as \uXXXX. */
	snprintf(r->reason_text, sizeof r->reason_text,
		 "Kenaikan jabatan sesuai SK Wali Kota \xE2\x80\x94 caf\xC3\xA9 \"lama\" ditutup\\");
	r->consent_at = T_SUBMIT - 300;
	r->submitted_at = T_SUBMIT;
	r->state = RSTATE_QUEUED;
}

static void assert_req_equal(const req *a, const req *b)
{
	assert_string_equal(a->ticket, b->ticket);
	assert_string_equal(a->resubmit_of, b->resubmit_of);
	assert_string_equal(a->kiosk_id, b->kiosk_id);
	assert_int_equal(a->id_source, b->id_source);
	assert_string_equal(a->card_uid, b->card_uid);
	for (int f = 0; f < REQ_F_COUNT; f++) {
		assert_string_equal(a->f[f].current, b->f[f].current);
		assert_string_equal(a->f[f].requested, b->f[f].requested);
		assert_int_equal(a->f[f].change, b->f[f].change);
	}
	assert_int_equal(a->reason, b->reason);
	assert_string_equal(a->reason_text, b->reason_text);
	for (int d = 0; d < REQ_D_COUNT; d++)
		assert_int_equal(a->docs[d], b->docs[d]);
	assert_string_equal(a->doc_other, b->doc_other);
	assert_string_equal(a->consent_version, b->consent_version);
	assert_int_equal(a->consent_at, b->consent_at);
	assert_int_equal(a->submitted_at, b->submitted_at);
	assert_int_equal(a->state, b->state);
}

/* Every byte of *R is what req_init() leaves. */
static void assert_fresh_draft(const req *r)
{
	req fresh;
	req_init(&fresh);
	assert_memory_equal(r, &fresh, sizeof fresh);
}

static void assert_ascii_printable(const char *s)
{
	for (const char *p = s; *p; p++)
		assert_true(*p >= 0x20 && *p < 0x7F);
}

/* S with the first FROM replaced by TO (the test fails when FROM is absent);
 * the caller frees the result. */
static char *replace(const char *s, const char *from, const char *to)
{
	const char *at = strstr(s, from);
	if (at == NULL)
		fail_msg("test bug: \"%s\" not in the JSON", from);
	size_t head = (size_t)(at - s), fl = strlen(from), tl = strlen(to);
	char *out = malloc(strlen(s) - fl + tl + 1);
	assert_non_null(out);
	memcpy(out, s, head);
	memcpy(out + head, to, tl);
	strcpy(out + head + tl, at + fl);
	return out;
}

/* ---- round trip and canonical form ------------------------------------- */

static void test_roundtrip_full(void **state)
{
	(void)state;
	req r, back;
	char *json = NULL, *again = NULL;
	char why[REQJSON_WHY_MAX] = "x";

	full_request(&r);
	assert_int_equal(reqjson_encode(&r, &json), REQJSON_OK);
	assert_non_null(json);
	assert_int_equal(reqjson_decode(json, strlen(json), &back, why, sizeof why), REQJSON_OK);
	assert_string_equal(why, "");
	assert_req_equal(&r, &back);
	assert_int_equal(reqjson_encode(&back, &again), REQJSON_OK);
	assert_string_equal(json, again);

	/* Every field survives in the other direction too: a draft with no
	 * ticket, a typed NIK, every document, the reason "none". */
	req_init(&r);
	fx_value(&r, REQ_F_NAME, "Budi Santoso", "Budi Santoso Wibowo");
	fx_value(&r, REQ_F_NIK, "3375010101900002", NULL);
	r.id_source = REQ_ID_TYPED;
	for (int d = 0; d < REQ_D_COUNT; d++)
		r.docs[d] = true;
	snprintf(r.doc_other, sizeof r.doc_other, "Surat keterangan \xF0\x9F\x93\x84");
	reqjson_free(&json);
	reqjson_free(&again);
	assert_int_equal(reqjson_encode(&r, &json), REQJSON_OK);
	assert_int_equal(reqjson_decode(json, strlen(json), &back, NULL, 0), REQJSON_OK);
	assert_req_equal(&r, &back);
	reqjson_free(&json);
	assert_null(json);
	req_wipe(&r);
	req_wipe(&back);
}

static void test_canonical_bytes(void **state)
{
	(void)state;
	req r;
	char *json = NULL;

	req_init(&r);
	snprintf(r.kiosk_id, sizeof r.kiosk_id, "K1");
	assert_int_equal(reqjson_encode(&r, &json), REQJSON_OK);
#define FIELD(n) "\"" n "\":{\"current\":\"\",\"requested\":\"\",\"change\":false}"
	assert_string_equal(json,
		"{\"v\":1,\"ticket\":\"\",\"resubmit_of\":\"\",\"kiosk_id\":\"K1\","
		"\"state\":\"draft\",\"submitted_at\":0,\"id_source\":\"none\",\"card_uid\":\"\","
		"\"fields\":{" FIELD("name") "," FIELD("nik") "," FIELD("nip") "," FIELD("email") ","
		FIELD("phone") "," FIELD("position") "," FIELD("institution") "," FIELD("work_unit") ","
		FIELD("province") "," FIELD("city") "},"
		"\"reason\":\"none\",\"reason_text\":\"\",\"docs\":[],\"doc_other\":\"\","
		"\"consent_version\":\"\",\"consent_at\":0}");
#undef FIELD
	reqjson_free(&json);

	/* The full request: ASCII only, non-ASCII escaped, quotes and
	 * backslashes escaped, documents in enum order. */
	full_request(&r);
	assert_int_equal(reqjson_encode(&r, &json), REQJSON_OK);
	assert_ascii_printable(json);
	assert_non_null(strstr(json, "Wali Kota \\u2014 caf\\u00E9 \\\"lama\\\" ditutup\\\\\""));
	assert_non_null(strstr(json, "\"docs\":[\"decree\",\"ktp\"]"));
	assert_non_null(strstr(json, "\"state\":\"queued\",\"submitted_at\":1767318300,"));
	assert_non_null(strstr(json, "\"position\":{\"current\":\"Pranata Komputer Ahli Pertama\","
				     "\"requested\":\"Pranata Komputer Ahli Muda\",\"change\":true}"));
	reqjson_free(&json);
	req_wipe(&r);
}

/* The largest request there can be (every buffer full of bytes that need a
 * 6-character escape) encodes within REQJSON_MAX and decodes back. */
static void test_largest_request(void **state)
{
	(void)state;
	req r, back;
	char *json = NULL;

	full_request(&r);
#define FILL(buf) (memset((buf), 0x01, sizeof(buf) - 1), (buf)[sizeof(buf) - 1] = '\0')
	FILL(r.kiosk_id);
	FILL(r.card_uid);
	for (int f = 0; f < REQ_F_COUNT; f++) {
		FILL(r.f[f].current);
		FILL(r.f[f].requested);
	}
	FILL(r.reason_text);
	FILL(r.doc_other);
	FILL(r.consent_version);
#undef FILL
	for (int d = 0; d < REQ_D_COUNT; d++)
		r.docs[d] = true;
	r.consent_at = INT64_MAX;
	r.submitted_at = INT64_MAX;
	assert_int_equal(reqjson_encode(&r, &json), REQJSON_OK);
	print_message("largest request: %zu bytes of JSON, REQJSON_MAX %zu\n", strlen(json),
		      (size_t)REQJSON_MAX);
	assert_true(strlen(json) <= REQJSON_MAX);
	assert_int_equal(reqjson_decode(json, strlen(json), &back, NULL, 0), REQJSON_OK);
	assert_req_equal(&r, &back);
	reqjson_free(&json);
	req_wipe(&r);
	req_wipe(&back);
}

/* ---- encoding refuses requests that break the model --------------------- */

static void expect_encode_invalid(const req *r)
{
	char *json = (char *)1; /* must become NULL */
	assert_int_equal(reqjson_encode(r, &json), REQJSON_ERR_INVALID);
	assert_null(json);
}

static void test_encode_invalid(void **state)
{
	(void)state;
	req r;

	full_request(&r);
	r.f[REQ_F_NAME].current[3] = '\xFF'; /* not UTF-8 */
	expect_encode_invalid(&r);

	full_request(&r);
	memcpy(r.f[REQ_F_CITY].current, "Kota \xED\xA0\x80", 9); /* an encoded surrogate */
	expect_encode_invalid(&r);

	full_request(&r);
	memset(r.reason_text, 'a', sizeof r.reason_text); /* no NUL inside the buffer */
	expect_encode_invalid(&r);

	full_request(&r);
	r.state = RSTATE_COUNT;
	expect_encode_invalid(&r);

	full_request(&r);
	r.reason = (req_reason)99;
	expect_encode_invalid(&r);

	full_request(&r);
	r.id_source = (req_id_source)7;
	expect_encode_invalid(&r);

	full_request(&r);
	snprintf(r.ticket, sizeof r.ticket, "abcd-efgh");
	expect_encode_invalid(&r);

	full_request(&r);
	r.consent_at = -1;
	expect_encode_invalid(&r);
	req_wipe(&r);
}

/* ---- strict decoding, one defect at a time ------------------------------- */

typedef struct defect {
	const char *from, *to; /* edit of the full request's JSON */
	reqjson_err want;
	const char *why_has;   /* a part of the reason */
} defect;

#define LONG40 "0123456789012345678901234567890123456789"

static const defect defects[] = {
	{"\"v\":1", "\"v\":2", REQJSON_ERR_VALUE, "v: unsupported version"},
	{"\"v\":1", "\"v\":\"1\"", REQJSON_ERR_SCHEMA, "v: expected an integer"},
	{"\"v\":1,", "", REQJSON_ERR_SCHEMA, "v: missing"},
	{"\"state\":\"queued\"", "\"state\":\"waiting\"", REQJSON_ERR_VALUE, "state: unknown state"},
	{"\"state\":\"queued\"", "\"state\":\"Queued\"", REQJSON_ERR_VALUE, "state"},
	{"\"state\":\"queued\"", "\"state\":1", REQJSON_ERR_SCHEMA, "state: expected a string"},
	{"\"state\":\"queued\"", "\"state\":null", REQJSON_ERR_SCHEMA, "state"},
	{"\"reason\":\"promotion\"", "\"reason\":\"bribe\"", REQJSON_ERR_VALUE, "reason: unknown"},
	{"\"id_source\":\"card\"", "\"id_source\":\"fingerprint\"", REQJSON_ERR_VALUE, "id_source"},
	{"\"docs\":[\"decree\",\"ktp\"]", "\"docs\":[\"decree\",\"decree\"]", REQJSON_ERR_VALUE, "twice"},
	{"\"docs\":[\"decree\",\"ktp\"]", "\"docs\":[\"passport\"]", REQJSON_ERR_VALUE, "unknown document"},
	{"\"docs\":[\"decree\",\"ktp\"]", "\"docs\":\"decree\"", REQJSON_ERR_SCHEMA, "docs: expected an array"},
	{"\"docs\":[\"decree\",\"ktp\"]", "\"docs\":[1]", REQJSON_ERR_SCHEMA, "docs"},
	{"\"docs\":[\"decree\",\"ktp\"]", "\"docs\":[\"" LONG40 "\"]", REQJSON_ERR_VALUE, "docs"},
	{"\"submitted_at\":1767318300", "\"submitted_at\":-5", REQJSON_ERR_VALUE, "submitted_at"},
	{"\"submitted_at\":1767318300", "\"submitted_at\":1767318300.0", REQJSON_ERR_SCHEMA,
	 "submitted_at: expected an integer"},
	{"\"submitted_at\":1767318300", "\"submitted_at\":\"1767318300\"", REQJSON_ERR_SCHEMA, "submitted_at"},
	{"\"submitted_at\":1767318300", "\"submitted_at\":99999999999999999999999", REQJSON_ERR_SYNTAX, "line 1"},
	{"\"consent_at\":1767318000", "\"consent_at\":true", REQJSON_ERR_SCHEMA, "consent_at"},
	{"\"change\":true", "\"change\":1", REQJSON_ERR_SCHEMA, "change: expected true or false"},
	{"\"change\":false}", "\"change\":false,\"note\":\"\"}", REQJSON_ERR_SCHEMA, "fields.name: unexpected key"},
	{"\"nip\":{", "\"nipx\":{", REQJSON_ERR_SCHEMA, "fields.nip: missing"},
	{"\"city\":{", "\"kota\":{\"current\":\"\",\"requested\":\"\",\"change\":false},\"city\":{",
	 REQJSON_ERR_SCHEMA, "fields: unexpected key"},
	{"\"fields\":{", "\"fields\":[{", REQJSON_ERR_SYNTAX, "syntax"},
	{"\"doc_other\":\"\",", "", REQJSON_ERR_SCHEMA, "doc_other: missing"},
	{"{\"v\":1,", "{\"v\":1,\"x\":0,", REQJSON_ERR_SCHEMA, "top level: unexpected key"},
	{"{\"v\":1,", "{\"v\":1,\"v\":1,", REQJSON_ERR_SCHEMA, "duplicate key"},
	{"Siti", "Si\\u0000ti", REQJSON_ERR_SYNTAX, "syntax"},
	{"Siti", "Si\xFF\xFEti", REQJSON_ERR_SYNTAX, "syntax"},
	{"Siti", "Si\\ud800ti", REQJSON_ERR_SYNTAX, "syntax"},
	{"Siti", "Si\xED\xA0\x80ti", REQJSON_ERR_SYNTAX, "syntax"},
	{"Siti", "Si\tti", REQJSON_ERR_SYNTAX, "syntax"},
	{"\"consent_at\":1767318000}", "\"consent_at\":1767318000}x", REQJSON_ERR_SYNTAX, "column"},
	{"\"consent_at\":1767318000}", "\"consent_at\":1767318000", REQJSON_ERR_SYNTAX, "syntax"},
};

static void check_defect(const char *json, size_t len, reqjson_err want, const char *why_has)
{
	req out;
	char why[REQJSON_WHY_MAX];

	memset(&out, 0xA5, sizeof out); /* a previous request's bytes */
	reqjson_err got = reqjson_decode(json, len, &out, why, sizeof why);
	if (got != want)
		fail_msg("want %s, got %s (%s) for: %.200s", reqjson_err_name(want), reqjson_err_name(got),
			 why, json ? json : "(null)");
	assert_true(why[0] != '\0');
	assert_ascii_printable(why);
	if (why_has && strstr(why, why_has) == NULL)
		fail_msg("reason \"%s\" lacks \"%s\"", why, why_has);
	/* Nothing of the input (or of the previous request) in the reason or the result. */
	assert_null(strstr(why, "Siti"));
	assert_null(strstr(why, "3375"));
	assert_null(strstr(why, "Bidang"));
	assert_null(strstr(why, "0123456789"));
	assert_null(strstr(why, "7777"));
	assert_fresh_draft(&out);
}

static void test_decode_defects(void **state)
{
	(void)state;
	req r;
	char *json = NULL;

	full_request(&r);
	assert_int_equal(reqjson_encode(&r, &json), REQJSON_OK);
	for (size_t i = 0; i < sizeof defects / sizeof defects[0]; i++) {
		char *bad = replace(json, defects[i].from, defects[i].to);
		check_defect(bad, strlen(bad), defects[i].want, defects[i].why_has);
		free(bad);
	}

	/* Strings that fill their buffer with no room for the NUL: one byte too
	 * many (sizes from req.h, so the test follows them). */
	static const struct {
		const char *value; /* as it stands in the JSON */
		size_t cap;
		const char *why;
	} longs[] = {
		{"\"PKL-DISKOMINFO-01\"", REQ_KIOSK_ID_MAX, "kiosk_id: string too long"},
		{"\"Bidang Aplikasi Informatika\"", REQ_VALUE_MAX, "fields.work_unit.requested: string too long"},
		{"\"04A1B2C3D4E5F6\"", REQ_CARD_UID_MAX, "card_uid: string too long"},
		{"\"2026-01\"", REQ_CONSENT_VERSION_MAX, "consent_version: string too long"},
	};
	for (size_t i = 0; i < sizeof longs / sizeof longs[0]; i++) {
		char *v = malloc(longs[i].cap + 3);
		assert_non_null(v);
		v[0] = '"';
		memset(v + 1, '7', longs[i].cap);
		strcpy(v + 1 + longs[i].cap, "\"");
		char *bad = replace(json, longs[i].value, v);
		check_defect(bad, strlen(bad), REQJSON_ERR_VALUE, longs[i].why);
		free(bad);
		/* One byte less fits. */
		strcpy(v + longs[i].cap, "\"");
		bad = replace(json, longs[i].value, v);
		req ok;
		assert_int_equal(reqjson_decode(bad, strlen(bad), &ok, NULL, 0), REQJSON_OK);
		free(bad);
		free(v);
	}

	/* A non-canonical ticket, and a resubmit_of that is no ticket. */
	char *bad = replace(json, r.ticket, "abcd efgh");
	check_defect(bad, strlen(bad), REQJSON_ERR_VALUE, "ticket: not a canonical ticket");
	free(bad);
	bad = replace(json, r.resubmit_of, "ZZZZ-ZZZZ");
	check_defect(bad, strlen(bad), REQJSON_ERR_VALUE, "resubmit_of");
	free(bad);

	/* The whole document wrong. */
	check_defect("[]", 2, REQJSON_ERR_SCHEMA, "top level is not an object");
	check_defect("null", 4, REQJSON_ERR_SYNTAX, NULL);
	check_defect("{}", 2, REQJSON_ERR_SCHEMA, "v: missing");
	check_defect("", 0, REQJSON_ERR_SYNTAX, "empty");
	check_defect(NULL, 0, REQJSON_ERR_SYNTAX, "empty");
	check_defect(json, strlen(json) / 2, REQJSON_ERR_SYNTAX, NULL); /* LEN, not the NUL, ends it */

	/* Too deep: jansson stops at its depth limit, without recursing on. */
	size_t depth = 5000;
	char *deep = malloc(2 * depth + 1);
	assert_non_null(deep);
	memset(deep, '[', depth);
	memset(deep + depth, ']', depth);
	deep[2 * depth] = '\0';
	check_defect(deep, 2 * depth, REQJSON_ERR_SYNTAX, NULL);
	free(deep);

	/* Too large, whatever it holds. */
	char *big = malloc(REQJSON_MAX + 2);
	assert_non_null(big);
	memset(big, ' ', REQJSON_MAX + 1);
	big[REQJSON_MAX + 1] = '\0';
	check_defect(big, REQJSON_MAX + 1, REQJSON_ERR_TOOBIG, NULL);
	free(big);

	reqjson_free(&json);
	req_wipe(&r);
}

static void test_why_buffer(void **state)
{
	(void)state;
	req out;
	char why[8];

	/* Truncated but terminated; NULL with 0 is allowed. */
	memset(why, 'x', sizeof why);
	assert_int_equal(reqjson_decode("{}", 2, &out, why, sizeof why), REQJSON_ERR_SCHEMA);
	assert_int_equal(strlen(why), sizeof why - 1);
	assert_int_equal(reqjson_decode("{}", 2, &out, NULL, 0), REQJSON_ERR_SCHEMA);
	assert_int_equal(reqjson_decode("{", 1, &out, why, 1), REQJSON_ERR_SYNTAX);
	assert_string_equal(why, "");
}

/* ---- events ------------------------------------------------------------------ */

static void test_event_roundtrip(void **state)
{
	(void)state;
	rstate_event ev, back;
	char ticket[TICKET_TEXT_MAX], got_ticket[TICKET_TEXT_MAX];
	char *json = NULL;
	char why[REQJSON_WHY_MAX];

	fx_ticket(4242, ticket);
	memset(&ev, 0, sizeof ev);
	ev.from = RSTATE_IN_VERIFICATION;
	ev.to = RSTATE_REJECTED;
	ev.role = RROLE_OFFICER;
	snprintf(ev.actor, sizeof ev.actor, "verifikator01");
	ev.at = T_SUBMIT + 3600;
	snprintf(ev.reason, sizeof ev.reason, "SK mutasi tidak terlampir \xE2\x80\x94 mohon ajukan ulang");
	assert_int_equal(reqjson_encode_event(ticket, &ev, &json), REQJSON_OK);
	assert_ascii_printable(json);
	char want[256];
	snprintf(want, sizeof want,
		 "{\"v\":1,\"ticket\":\"%s\",\"from\":\"in_verification\",\"to\":\"rejected\","
		 "\"role\":\"officer\",\"actor\":\"verifikator01\",\"at\":1767321900,"
		 "\"reason\":\"SK mutasi tidak terlampir \\u2014 mohon ajukan ulang\"}",
		 ticket);
	assert_string_equal(json, want);
	assert_int_equal(reqjson_decode_event(json, strlen(json), got_ticket, &back, why, sizeof why),
			 REQJSON_OK);
	assert_string_equal(got_ticket, ticket);
	assert_memory_equal(&back, &ev, sizeof ev);

	/* Defects. */
	static const defect ev_defects[] = {
		{"\"role\":\"officer\"", "\"role\":\"boss\"", REQJSON_ERR_VALUE, "role: unknown role"},
		{"\"to\":\"rejected\"", "\"to\":\"gone\"", REQJSON_ERR_VALUE, "to: unknown state"},
		{"\"actor\":\"verifikator01\"", "\"actor\":\"\"", REQJSON_ERR_VALUE, "actor: empty"},
		{"\"at\":1767321900", "\"at\":-1", REQJSON_ERR_VALUE, "at"},
		{"\"v\":1,", "\"v\":1,\"extra\":[],", REQJSON_ERR_SCHEMA, "unexpected key"},
		{"\"reason\":", "\"reasons\":", REQJSON_ERR_SCHEMA, "reason: missing"},
	};
	for (size_t i = 0; i < sizeof ev_defects / sizeof ev_defects[0]; i++) {
		char *bad = replace(json, ev_defects[i].from, ev_defects[i].to);
		memset(&back, 0xA5, sizeof back);
		memset(got_ticket, 'Q', sizeof got_ticket);
		reqjson_err got = reqjson_decode_event(bad, strlen(bad), got_ticket, &back, why, sizeof why);
		if (got != ev_defects[i].want || strstr(why, ev_defects[i].why_has) == NULL)
			fail_msg("event defect %zu: got %s (%s)", i, reqjson_err_name(got), why);
		rstate_event zero;
		memset(&zero, 0, sizeof zero);
		assert_memory_equal(&back, &zero, sizeof zero);
		for (size_t k = 0; k < sizeof got_ticket; k++)
			assert_int_equal(got_ticket[k], 0);
		free(bad);
	}
	char *bad = replace(json, ticket, "");
	assert_int_equal(reqjson_decode_event(bad, strlen(bad), got_ticket, &back, why, sizeof why),
			 REQJSON_ERR_VALUE);
	free(bad);
	reqjson_free(&json);

	/* Encoding refuses an event that breaks the model. */
	assert_int_equal(reqjson_encode_event("", &ev, &json), REQJSON_ERR_INVALID);
	assert_null(json);
	assert_int_equal(reqjson_encode_event("abcd-efgh", &ev, &json), REQJSON_ERR_INVALID);
	rstate_event e2 = ev;
	e2.actor[0] = '\0';
	assert_int_equal(reqjson_encode_event(ticket, &e2, &json), REQJSON_ERR_INVALID);
	e2 = ev;
	e2.role = RROLE_COUNT;
	assert_int_equal(reqjson_encode_event(ticket, &e2, &json), REQJSON_ERR_INVALID);
	e2 = ev;
	memset(e2.reason, 'r', sizeof e2.reason);
	assert_int_equal(reqjson_encode_event(ticket, &e2, &json), REQJSON_ERR_INVALID);
	assert_null(json);
}

/* ---- random mutations ------------------------------------------------------- */

typedef struct rng {
	uint64_t s;
} rng;

static uint64_t rng_next(rng *g) /* xorshift64* */
{
	g->s ^= g->s >> 12;
	g->s ^= g->s << 25;
	g->s ^= g->s >> 27;
	return g->s * UINT64_C(2685821657736338717);
}

static size_t rng_below(rng *g, size_t n)
{
	return n ? (size_t)(rng_next(g) % n) : 0;
}

/* Tokens that turn valid JSON into nearly valid JSON. */
static const char *const tokens[] = {
	"\"", "\\", "{", "}", "[", "]", ",", ":", "0", "-1", "1e3", "1.5", "true", "false",
	"null", "\"\"", "\"x\"", "\\u00e9", "\\ud83d\\ude00", "\\ud800", "\\u0000", "\xC3\xA9",
	"\xFF", "\xE2\x80", "queued", "draft", "closed", "decree", "ktp", "officer", "card",
	"none", "other", "\"v\":1,", "\"docs\":[],", "9223372036854775807", "-9223372036854775808",
	"18446744073709551616", " ", "\n", LONG40,
};

/* Apply 1 to 4 random edits to BUF (LEN bytes, room for CAP). */
static size_t mutate(rng *g, char *buf, size_t len, size_t cap)
{
	int edits = 1 + (int)rng_below(g, 4);
	for (int e = 0; e < edits; e++) {
		size_t at = rng_below(g, len + 1);
		switch (rng_below(g, 6)) {
		case 0: /* flip one byte */
			if (len)
				buf[rng_below(g, len)] ^= (char)(1u << rng_below(g, 8));
			break;
		case 1: { /* insert a token */
			const char *t = tokens[rng_below(g, sizeof tokens / sizeof tokens[0])];
			size_t tl = strlen(t);
			if (len + tl <= cap) {
				memmove(buf + at + tl, buf + at, len - at);
				memcpy(buf + at, t, tl);
				len += tl;
			}
			break;
		}
		case 2: { /* delete a span */
			size_t n = rng_below(g, 16) + 1;
			if (at + n > len)
				n = len - at;
			memmove(buf + at, buf + at + n, len - at - n);
			len -= n;
			break;
		}
		case 3: { /* duplicate a span */
			size_t n = rng_below(g, 64) + 1;
			if (at + n > len)
				n = len - at;
			if (len + n <= cap) {
				memmove(buf + at + n, buf + at, len - at);
				len += n;
			}
			break;
		}
		case 4: /* truncate */
			len = at;
			break;
		default: /* overwrite one byte with a random one */
			if (len)
				buf[rng_below(g, len)] = (char)rng_next(g);
			break;
		}
	}
	return len;
}

static void test_random_mutations(void **state)
{
	(void)state;
	enum { ITERATIONS = 10000 };
	req r, out, again;
	rstate_event ev, ev_out;
	char ticket[TICKET_TEXT_MAX], t_out[TICKET_TEXT_MAX];
	char *seeds[2] = {NULL, NULL};
	char why[REQJSON_WHY_MAX];
	rng g = {UINT64_C(0x9E3779B97F4A7C15)};
	int accepted = 0, by_code[REQJSON_ERR_VALUE + 1] = {0};

	full_request(&r);
	assert_int_equal(reqjson_encode(&r, &seeds[0]), REQJSON_OK);
	fx_ticket(4242, ticket);
	memset(&ev, 0, sizeof ev);
	ev.from = RSTATE_QUEUED;
	ev.to = RSTATE_RECEIVED;
	ev.role = RROLE_CENTRAL;
	snprintf(ev.actor, sizeof ev.actor, "ams");
	ev.at = T_SUBMIT + 60;
	assert_int_equal(reqjson_encode_event(ticket, &ev, &seeds[1]), REQJSON_OK);

	size_t cap = 2 * strlen(seeds[0]) + 256;
	char *buf = malloc(cap);
	assert_non_null(buf);
	for (int i = 0; i < ITERATIONS; i++) {
		int which = i % 2;
		size_t len = strlen(seeds[which]);
		memcpy(buf, seeds[which], len);
		len = mutate(&g, buf, len, cap);
		/* No NUL after LEN: the decoder must respect LEN alone. */
		reqjson_err got;
		if (which == 0)
			got = reqjson_decode(buf, len, &out, why, sizeof why);
		else
			got = reqjson_decode_event(buf, len, t_out, &ev_out, why, sizeof why);
		assert_true(got >= REQJSON_OK && got <= REQJSON_ERR_VALUE);
		assert_int_not_equal(got, REQJSON_ERR_INVALID);
		by_code[got]++;
		assert_true(strlen(why) < sizeof why);
		assert_ascii_printable(why);
		if (got != REQJSON_OK) {
			assert_true(why[0] != '\0');
			if (which == 0)
				assert_fresh_draft(&out);
			continue;
		}
		/* Whatever is accepted encodes again, and that is a fixed point. */
		char *j1 = NULL, *j2 = NULL;
		accepted++;
		if (which == 0) {
			assert_int_equal(reqjson_encode(&out, &j1), REQJSON_OK);
			assert_int_equal(reqjson_decode(j1, strlen(j1), &again, NULL, 0), REQJSON_OK);
			assert_int_equal(reqjson_encode(&again, &j2), REQJSON_OK);
		} else {
			assert_int_equal(reqjson_encode_event(t_out, &ev_out, &j1), REQJSON_OK);
			assert_int_equal(reqjson_decode_event(j1, strlen(j1), t_out, &ev_out, NULL, 0), REQJSON_OK);
			assert_int_equal(reqjson_encode_event(t_out, &ev_out, &j2), REQJSON_OK);
		}
		assert_string_equal(j1, j2);
		reqjson_free(&j1);
		reqjson_free(&j2);
	}
	/* The mutations reached past the parser, into the schema checks. */
	print_message("mutations: %d accepted, syntax %d, schema %d, value %d, too big %d\n", accepted,
		      by_code[REQJSON_ERR_SYNTAX], by_code[REQJSON_ERR_SCHEMA], by_code[REQJSON_ERR_VALUE],
		      by_code[REQJSON_ERR_TOOBIG]);
	assert_true(by_code[REQJSON_ERR_SCHEMA] > 0);
	assert_true(by_code[REQJSON_ERR_VALUE] > 0);
	assert_true(accepted > 0);
	free(buf);
	reqjson_free(&seeds[0]);
	reqjson_free(&seeds[1]);
	req_wipe(&r);
	req_wipe(&out);
	req_wipe(&again);
}

static void test_names_and_free(void **state)
{
	(void)state;
	for (int e = REQJSON_OK; e <= REQJSON_ERR_VALUE; e++) {
		const char *n = reqjson_err_name((reqjson_err)e);
		assert_non_null(n);
		assert_null(strstr(n, "unknown"));
		for (int k = REQJSON_OK; k < e; k++)
			assert_string_not_equal(n, reqjson_err_name((reqjson_err)k));
	}
	assert_non_null(strstr(reqjson_err_name((reqjson_err)99), "unknown"));

	char *s = NULL;
	reqjson_free(&s); /* NULL is fine */
	s = malloc(8);
	assert_non_null(s);
	strcpy(s, "3375");
	reqjson_free(&s);
	assert_null(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_full),
		cmocka_unit_test(test_canonical_bytes),
		cmocka_unit_test(test_largest_request),
		cmocka_unit_test(test_encode_invalid),
		cmocka_unit_test(test_decode_defects),
		cmocka_unit_test(test_why_buffer),
		cmocka_unit_test(test_event_roundtrip),
		cmocka_unit_test(test_random_mutations),
		cmocka_unit_test(test_names_and_free),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

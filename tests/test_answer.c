/*
 * test_answer: what the kiosk makes of the central service's answers
 * (sync/answer.c, docs/sync-protocol.md sections 4-6).
 *
 * Every row of the section 5 table: a good 2xx of each kind is done (and
 * yields its received_at, state or server time); a 2xx that is not JSON,
 * has another content type, the wrong shape or types, an "error" object,
 * is cut or over 1 MiB, and every 3xx, is a bad answer kept for a retry;
 * 401/408/425/429 and 5xx and network failures are retried; any other 4xx
 * is a dead letter whose reason names the error code and never the
 * server's message. Reasons are checked to be one printable ASCII line.
 * Then the change feed: a good page, unknown types skipped, and each
 * defect (ticket mismatch, seq order, next before the cursor, too many
 * changes, bad notes) refused with the page wiped. Tickets and texts are
 * made up.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"

#define T1 "3222-222W" /* canonical tickets (fx_ticket(1) and (2)) */
#define T2 "4222-222S"
#define JSON "application/json"
#define NIK "3375014101900001" /* a made-up NIK a hostile server might echo */

/* ---- helpers ------------------------------------------------------------------------ */

static void assert_reason_clean(const answer *a)
{
	const char *end = memchr(a->reason, '\0', sizeof a->reason);
	assert_non_null(end);
	for (const char *p = a->reason; p < end; p++)
		assert_true(*p >= 0x20 && *p <= 0x7e);
	if (a->verdict != ANSWER_DONE)
		assert_true(end > a->reason);
	else
		assert_string_equal(a->reason, "");
	assert_non_null(memchr(a->code, '\0', sizeof a->code));
	assert_non_null(memchr(a->state, '\0', sizeof a->state));
}

static answer classify_n(answer_kind k, int status, const char *ct, const char *body, size_t len,
			 bool truncated)
{
	answer_raw raw = {
		.status = status, .content_type = ct, .body = body, .body_len = len, .truncated = truncated};
	answer a;
	memset(&a, 0x5a, sizeof a); /* every field must be written */
	answer_classify(k, &raw, &a);
	assert_int_equal(a.status, status);
	assert_reason_clean(&a);
	return a;
}

static answer classify(answer_kind k, int status, const char *ct, const char *body)
{
	return classify_n(k, status, ct, body, body != NULL ? strlen(body) : 0, false);
}

static void assert_done(answer_kind k, int status, const char *ct, const char *body)
{
	answer a = classify(k, status, ct, body);
	if (a.verdict != ANSWER_DONE)
		fail_msg("not done (%s): %s", a.reason, body);
	assert_false(a.bad);
	assert_false(a.auth_refused);
	assert_string_equal(a.code, "");
}

/* A bad answer: retried, flagged, and its reason starts with PREFIX. */
static void assert_bad(answer_kind k, int status, const char *ct, const char *body, const char *prefix)
{
	answer a = classify(k, status, ct, body);
	if (a.verdict != ANSWER_RETRY || !a.bad)
		fail_msg("accepted or not flagged bad: %s", body != NULL ? body : "(none)");
	if (strncmp(a.reason, prefix, strlen(prefix)) != 0)
		fail_msg("reason \"%s\" does not start with \"%s\"", a.reason, prefix);
}

static const char req_ok[] = "{\"ticket\":\"" T1 "\",\"state\":\"received\",\"received_at\":1767225601}";

/* ---- 2xx: good shapes ------------------------------------------------------------------ */

static void test_good_shapes(void **state)
{
	(void)state;
	answer a = classify(ANSWER_REQUEST, 201, JSON, req_ok);
	assert_int_equal(a.verdict, ANSWER_DONE);
	assert_int_equal(a.received_at, 1767225601);
	assert_string_equal(a.state, "received");

	a = classify(ANSWER_EVENT, 201, JSON, "{\"ticket\":\"" T1 "\",\"state\":\"in_verification\"}");
	assert_int_equal(a.verdict, ANSWER_DONE);
	assert_string_equal(a.state, "in_verification");

	/* A state this kiosk does not know is not copied, but the answer is good. */
	a = classify(ANSWER_EVENT, 201, JSON, "{\"ticket\":\"" T1 "\",\"state\":\"archived\"}");
	assert_int_equal(a.verdict, ANSWER_DONE);
	assert_string_equal(a.state, "");

	a = classify(ANSWER_COMPLAINT, 201, JSON, "{\"number\":\"ADU-" T1 "\",\"state\":\"open\"}");
	assert_int_equal(a.verdict, ANSWER_DONE);
	assert_string_equal(a.state, ""); /* "open" is a complaint's state, not a request's */

	assert_done(ANSWER_SURVEY, 201, JSON, "{\"id\":17}");
	assert_done(ANSWER_REVOCATION, 201, JSON,
		    "{\"serial\":\"5A0F\",\"status\":\"revoked\",\"revoked_at\":1767229201}");
	/* Already revoked: the same answer with 200. */
	assert_done(ANSWER_REVOCATION, 200, JSON,
		    "{\"serial\":\"5A0F\",\"status\":\"revoked\",\"revoked_at\":1767229201}");
	assert_done(ANSWER_CHANGES, 200, JSON, "{\"changes\":[],\"next\":0,\"more\":false}");
	assert_done(ANSWER_CERTS, 200, JSON, "{\"certificates\":[]}");

	a = classify(ANSWER_HEALTH, 200, JSON, "{\"status\":\"ok\",\"time\":1767225600,\"version\":\"1.0\"}");
	assert_int_equal(a.verdict, ANSWER_DONE);
	assert_int_equal(a.server_time, 1767225600);

	/* Extra keys (a newer server), white space, any 2xx, content type
	 * parameters and case. */
	assert_done(ANSWER_REQUEST, 200, "Application/JSON; charset=utf-8",
		    " {\"received_at\":1767225601, \"extra\":{\"a\":[1,2]},\"ticket\":\"" T1
		    "\",\"state\":\"received\"}\n");
	assert_done(ANSWER_SURVEY, 202, " application/json ;charset=UTF-8", "{\"id\":-1}");
	assert_done(ANSWER_SURVEY, 299, "APPLICATION/JSON", "{\"id\":0}");
}

/* ---- 2xx: bad answers ------------------------------------------------------------------- */

static void test_wrong_shapes(void **state)
{
	(void)state;
	static const struct {
		answer_kind k;
		const char *body;
		const char *field; /* must appear in the reason */
	} cases[] = {
		{ANSWER_REQUEST, "{\"ticket\":\"" T1 "\",\"state\":\"received\",\"received_at\":\"1767225601\"}",
		 "received_at"},
		{ANSWER_REQUEST, "{\"ticket\":\"" T1 "\",\"state\":\"received\",\"received_at\":1767225601.0}",
		 "received_at"},
		{ANSWER_REQUEST, "{\"ticket\":\"" T1 "\",\"state\":\"received\",\"received_at\":-1}",
		 "received_at"},
		{ANSWER_REQUEST, "{\"ticket\":\"" T1 "\",\"state\":\"received\"}", "received_at"},
		{ANSWER_REQUEST, "{\"state\":\"received\",\"received_at\":1767225601}", "ticket"},
		{ANSWER_REQUEST, "{\"ticket\":\"3222-222X\",\"state\":\"received\",\"received_at\":1}", "ticket"},
		{ANSWER_REQUEST, "{\"ticket\":\"3222-222w\",\"state\":\"received\",\"received_at\":1}", "ticket"},
		{ANSWER_REQUEST, "{\"ticket\":32222,\"state\":\"received\",\"received_at\":1}", "ticket"},
		{ANSWER_REQUEST, "{\"ticket\":\"" T1 "\",\"state\":\"queued\",\"received_at\":1}", "state"},
		{ANSWER_REQUEST, "{\"ticket\":\"" T1 "\",\"state\":null,\"received_at\":1}", "state"},
		{ANSWER_EVENT, "{\"ticket\":\"" T1 "\",\"state\":7}", "state"},
		{ANSWER_EVENT, "{\"ticket\":\"" T1 "\"}", "state"},
		{ANSWER_EVENT, "{\"ticket\":[\"" T1 "\"],\"state\":\"received\"}", "ticket"},
		{ANSWER_COMPLAINT, "{\"number\":\"\",\"state\":\"open\"}", "number"},
		{ANSWER_COMPLAINT, "{\"number\":17,\"state\":\"open\"}", "number"},
		{ANSWER_SURVEY, "{\"id\":\"17\"}", "id"},
		{ANSWER_SURVEY, "{\"id\":true}", "id"},
		{ANSWER_SURVEY, "{}", "id"},
		{ANSWER_REVOCATION, "{\"serial\":\"5A0F\",\"status\":\"valid\",\"revoked_at\":1}", "status"},
		{ANSWER_REVOCATION, "{\"serial\":\"5A0F\",\"status\":\"revoked\"}", "revoked_at"},
		{ANSWER_CHANGES, "{\"changes\":{},\"next\":0,\"more\":false}", "changes"},
		{ANSWER_CHANGES, "{\"changes\":[],\"next\":0,\"more\":\"false\"}", "more"},
		{ANSWER_CHANGES, "{\"changes\":[],\"more\":false}", "next"},
		{ANSWER_HEALTH, "{\"status\":\"starting\",\"time\":1767225600,\"version\":\"1.0\"}", "status"},
		{ANSWER_HEALTH, "{\"status\":\"ok\",\"time\":\"now\",\"version\":\"1.0\"}", "time"},
		{ANSWER_HEALTH, "{\"status\":\"ok\",\"time\":1767225600,\"version\":1}", "version"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		answer a = classify(cases[i].k, 201, JSON, cases[i].body);
		if (a.verdict != ANSWER_RETRY || !a.bad)
			fail_msg("case %zu accepted: %s", i, cases[i].body);
		if (strstr(a.reason, cases[i].field) == NULL)
			fail_msg("case %zu: reason \"%s\" does not name %s", i, a.reason, cases[i].field);
		assert_non_null(strstr(a.reason, "bad answer: HTTP 201"));
	}
	/* An answer of no known kind is never done. */
	assert_bad((answer_kind)ANSWER_KIND_COUNT, 201, JSON, "{\"id\":1}", "bad answer: HTTP 201");
	assert_bad((answer_kind)-1, 201, JSON, "{\"id\":1}", "bad answer: HTTP 201");
}

static void test_error_object_in_2xx(void **state)
{
	(void)state;
	answer a = classify(ANSWER_SURVEY, 200, JSON,
			    "{\"id\":17,\"error\":{\"code\":\"internal\",\"message\":\"NIK " NIK " failed\"}}");
	assert_int_equal(a.verdict, ANSWER_RETRY);
	assert_true(a.bad);
	assert_string_equal(a.reason, "bad answer: HTTP 200 with an error object");
	assert_null(strstr(a.reason, NIK));
	assert_bad(ANSWER_SURVEY, 201, JSON, "{\"id\":17,\"error\":null}", "bad answer: HTTP 201 with an error");
}

static void test_not_json(void **state)
{
	(void)state;
	const char *bad_ans = "bad answer: HTTP 200";
	assert_bad(ANSWER_REQUEST, 200, JSON, "<html><body>Login to the hotspot</body></html>", bad_ans);
	/* Cut in the middle (a dropped proxy connection). */
	assert_bad(ANSWER_REQUEST, 200, JSON, "{\"ticket\":\"" T1 "\",\"state\":\"rec", bad_ans);
	assert_bad(ANSWER_REQUEST, 200, JSON, "", "bad answer: HTTP 200 empty body");
	assert_bad(ANSWER_REQUEST, 200, JSON, NULL, "bad answer: HTTP 200 empty body");
	assert_bad(ANSWER_SURVEY, 200, JSON, "[{\"id\":17}]", "bad answer: HTTP 200 body is not a JSON object");
	assert_bad(ANSWER_SURVEY, 200, JSON, "{\"id\":17} {\"id\":18}", bad_ans);
	assert_bad(ANSWER_SURVEY, 200, JSON, "{\"id\":17,\"id\":18}", "bad answer: HTTP 200 JSON with a duplicate");
	assert_bad(ANSWER_SURVEY, 200, JSON, "{\"id\":17,\"s\":\"\xff\xfe\"}", bad_ans);
	assert_bad(ANSWER_SURVEY, 200, JSON, "{\"id\":17,\"s\":\"a\\u0000b\"}", bad_ans);
	assert_bad(ANSWER_SURVEY, 200, JSON, "{\"id\":99999999999999999999999}", bad_ans);

	/* A raw NUL byte inside the body. */
	static const char nul[] = "{\"id\":17}\0";
	answer a = classify_n(ANSWER_SURVEY, 200, JSON, nul, sizeof nul - 1, false);
	assert_true(a.verdict == ANSWER_RETRY && a.bad);

	/* Nesting far deeper than any answer: refused before jansson builds it. */
	char deep[600];
	size_t n = (size_t)snprintf(deep, sizeof deep, "{\"id\":1,\"x\":");
	for (int i = 0; i < 100; i++)
		deep[n++] = '[';
	for (int i = 0; i < 100; i++)
		deep[n++] = ']';
	deep[n++] = '}';
	deep[n] = '\0';
	assert_bad(ANSWER_SURVEY, 200, JSON, deep, "bad answer: HTTP 200 JSON nested too deep");
	/* Brackets inside strings do not count. */
	n = (size_t)snprintf(deep, sizeof deep, "{\"id\":1,\"x\":\"");
	for (int i = 0; i < 100; i++)
		deep[n++] = '[';
	snprintf(deep + n, sizeof deep - n, "\\\"\"}");
	assert_done(ANSWER_SURVEY, 200, JSON, deep);
}

static void test_content_type(void **state)
{
	(void)state;
	const char *body = "{\"id\":17}";
	static const char *const refused[] = {
		"text/html", "text/html; charset=utf-8", "application/jsonx", "application/json-seq",
		"text/json", "application/problem+json", "", "application/", "json",
	};
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
		assert_bad(ANSWER_SURVEY, 200, refused[i], body, "bad answer: HTTP 200 without JSON");
	assert_bad(ANSWER_SURVEY, 200, NULL, body, "bad answer: HTTP 200 without JSON");
	assert_done(ANSWER_SURVEY, 200, "application/json;charset=utf-8", body);
	assert_done(ANSWER_SURVEY, 200, "application/JSON", body);
}

static void test_size_limits(void **state)
{
	(void)state;
	/* Exactly ANSWER_BODY_MAX bytes is still read; one more is a bad answer. */
	char *big = malloc(ANSWER_BODY_MAX + 2);
	assert_non_null(big);
	memset(big, ' ', ANSWER_BODY_MAX + 1);
	memcpy(big, "{\"id\":17}", 9);
	answer a = classify_n(ANSWER_SURVEY, 200, JSON, big, ANSWER_BODY_MAX, false);
	assert_int_equal(a.verdict, ANSWER_DONE);
	a = classify_n(ANSWER_SURVEY, 200, JSON, big, ANSWER_BODY_MAX + 1, false);
	assert_true(a.verdict == ANSWER_RETRY && a.bad);
	assert_string_equal(a.reason, "bad answer: HTTP 200 body over 1 MiB");
	free(big);

	/* The transport cut it: even a body that happens to parse is refused. */
	a = classify_n(ANSWER_SURVEY, 200, JSON, "{\"id\":17}", 9, true);
	assert_true(a.verdict == ANSWER_RETRY && a.bad);
	assert_string_equal(a.reason, "bad answer: HTTP 200 body over 1 MiB");
}

/* ---- the other rows of the table ---------------------------------------------------------- */

static const char *err_body(const char *code)
{
	static char buf[256];
	snprintf(buf, sizeof buf, "{\"error\":{\"code\":\"%s\",\"message\":\"about " NIK "\"}}", code);
	return buf;
}

static void test_status_table(void **state)
{
	(void)state;
	static const struct {
		int status;
		const char *code; /* in the body, NULL: no body */
		answer_verdict v;
		bool bad, auth;
		const char *reason;
	} rows[] = {
		{301, NULL, ANSWER_RETRY, true, false, "bad answer: HTTP 301 redirect (not followed)"},
		{302, "internal", ANSWER_RETRY, true, false, "bad answer: HTTP 302 redirect (not followed)"},
		{304, NULL, ANSWER_RETRY, true, false, "bad answer: HTTP 304 redirect (not followed)"},
		{307, NULL, ANSWER_RETRY, true, false, "bad answer: HTTP 307 redirect (not followed)"},
		{401, "bad_signature", ANSWER_RETRY, false, true, "HTTP 401 bad_signature"},
		{401, "stale_signature", ANSWER_RETRY, false, true, "HTTP 401 stale_signature"},
		{401, NULL, ANSWER_RETRY, false, true, "HTTP 401"},
		{408, NULL, ANSWER_RETRY, false, false, "HTTP 408"},
		{425, NULL, ANSWER_RETRY, false, false, "HTTP 425"},
		{429, NULL, ANSWER_RETRY, false, false, "HTTP 429"},
		{400, "invalid_body", ANSWER_DEAD, false, false, "HTTP 400 invalid_body"},
		{400, "missing_idempotency_key", ANSWER_DEAD, false, false, "HTTP 400 missing_idempotency_key"},
		{403, "kiosk_mismatch", ANSWER_DEAD, false, false, "HTTP 403 kiosk_mismatch"},
		{404, "unknown_ticket", ANSWER_DEAD, false, false, "HTTP 404 unknown_ticket"},
		{405, "method_not_allowed", ANSWER_DEAD, false, false, "HTTP 405 method_not_allowed"},
		{409, "ticket_exists", ANSWER_DEAD, false, false, "HTTP 409 ticket_exists"},
		{409, "idempotency_in_flight", ANSWER_DEAD, false, false, "HTTP 409 idempotency_in_flight"},
		{413, "body_too_large", ANSWER_DEAD, false, false, "HTTP 413 body_too_large"},
		{415, "unsupported_media_type", ANSWER_DEAD, false, false, "HTTP 415 unsupported_media_type"},
		{422, "idempotency_key_reused", ANSWER_DEAD, false, false, "HTTP 422 idempotency_key_reused"},
		{418, NULL, ANSWER_DEAD, false, false, "HTTP 418"},
		{499, NULL, ANSWER_DEAD, false, false, "HTTP 499"},
		{500, "internal", ANSWER_RETRY, false, false, "HTTP 500 internal"},
		{502, NULL, ANSWER_RETRY, false, false, "HTTP 502"},
		{503, "not_ready", ANSWER_RETRY, false, false, "HTTP 503 not_ready"},
		{504, NULL, ANSWER_RETRY, false, false, "HTTP 504"},
		{599, NULL, ANSWER_RETRY, false, false, "HTTP 599"},
		{100, NULL, ANSWER_RETRY, true, false, "bad answer: HTTP 100"},
		{600, NULL, ANSWER_RETRY, true, false, "bad answer: HTTP status 600"},
		{-3, NULL, ANSWER_RETRY, true, false, "bad answer: HTTP status -3"},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		for (int k = 0; k < ANSWER_KIND_COUNT; k++) {
			const char *body = rows[i].code != NULL ? err_body(rows[i].code) : NULL;
			answer a = classify((answer_kind)k, rows[i].status, rows[i].code ? JSON : "text/html", body);
			if (a.verdict != rows[i].v || a.bad != rows[i].bad || a.auth_refused != rows[i].auth)
				fail_msg("HTTP %d (%s) kind %d: verdict %d bad %d auth %d", rows[i].status,
					 rows[i].code ? rows[i].code : "-", k, a.verdict, a.bad, a.auth_refused);
			if (strncmp(a.reason, rows[i].reason, strlen(rows[i].reason)) != 0)
				fail_msg("HTTP %d: reason \"%s\", want \"%s\"", rows[i].status, a.reason,
					 rows[i].reason);
			if (rows[i].status >= 400 && rows[i].status < 600)
				assert_string_equal(a.code, rows[i].code ? rows[i].code : "");
			assert_null(strstr(a.reason, NIK));
			assert_null(strstr(a.reason, "about"));
		}
	}
}

static void test_network(void **state)
{
	(void)state;
	answer_raw raw = {.status = 0, .net_error = "connection refused"};
	answer a;
	answer_classify(ANSWER_REQUEST, &raw, &a);
	assert_int_equal(a.verdict, ANSWER_RETRY);
	assert_false(a.bad);
	assert_int_equal(a.status, 0);
	assert_string_equal(a.reason, "network: connection refused");

	raw.net_error = NULL;
	answer_classify(ANSWER_REQUEST, &raw, &a);
	assert_string_equal(a.reason, "network: no answer");

	/* Whatever the transport says, the reason stays one printable line. */
	raw.net_error = "drop\n\x1b[31mped\xc3\xa9";
	answer_classify(ANSWER_HEALTH, &raw, &a);
	assert_reason_clean(&a);
	assert_null(strchr(a.reason, '\n'));
	char longer[400];
	memset(longer, 'x', sizeof longer - 1);
	longer[sizeof longer - 1] = '\0';
	raw.net_error = longer;
	answer_classify(ANSWER_HEALTH, &raw, &a);
	assert_reason_clean(&a);
	assert_int_equal(a.verdict, ANSWER_RETRY);
}

/* The server's message, and any code that is not a protocol name, never
 * reaches the reason: only "HTTP 4xx" remains. */
static void test_reason_never_quotes(void **state)
{
	(void)state;
	static const char *const bodies[] = {
		"{\"error\":{\"code\":\"Invalid_Body\",\"message\":\"x\"}}",
		"{\"error\":{\"code\":\"invalid body\",\"message\":\"x\"}}",
		"{\"error\":{\"code\":\"" NIK "\"}}",
		"{\"error\":{\"code\":\"nik_" NIK "\"}}",
		"{\"error\":{\"code\":\"\"}}",
		"{\"error\":{\"code\":\"abcdefghijklmnopqrstuvwxyz_abcdefghijklmnopqrstu\"}}", /* 48 */
		"{\"error\":{\"code\":[\"invalid_body\"]}}",
		"{\"error\":{\"message\":\"Siti Nur'aini, " NIK ", Jl. Merdeka 1\"}}",
		"{\"error\":\"invalid_body\"}",
		"{\"code\":\"invalid_body\"}",
		"{\"error\":{\"code\":\"invalid_body\",\"code\":\"x\"}}",
		("Siti Nur'aini " NIK),
		"{\"error\":{\"code\":\"inv\\u0000alid\"}}",
	};
	for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
		answer a = classify(ANSWER_REQUEST, 422, JSON, bodies[i]);
		assert_int_equal(a.verdict, ANSWER_DEAD);
		if (strcmp(a.reason, "HTTP 422") != 0)
			fail_msg("body %zu: reason \"%s\"", i, a.reason);
		assert_string_equal(a.code, "");
	}
	/* 47 characters is the longest code. */
	answer a = classify(ANSWER_REQUEST, 400, JSON,
			    "{\"error\":{\"code\":\"abcdefghijklmnopqrstuvwxyz_abcdefghijklmnopqrst\"}}");
	assert_string_equal(a.reason, "HTTP 400 abcdefghijklmnopqrstuvwxyz_abcdefghijklmnopqrst");

	/* state_conflict: a known state is copied, anything else is not. */
	a = classify(ANSWER_EVENT, 409, JSON,
		     "{\"error\":{\"code\":\"state_conflict\",\"message\":\"m\",\"state\":\"approved\"}}");
	assert_int_equal(a.verdict, ANSWER_DEAD);
	assert_string_equal(a.code, "state_conflict");
	assert_string_equal(a.state, "approved");
	assert_string_equal(a.reason, "HTTP 409 state_conflict");
	a = classify(ANSWER_EVENT, 409, JSON,
		     "{\"error\":{\"code\":\"state_conflict\",\"state\":\"" NIK "\"}}");
	assert_string_equal(a.state, "");
	a = classify(ANSWER_EVENT, 409, JSON, "{\"error\":{\"code\":\"state_conflict\"},\"state\":\"closed\"}");
	assert_string_equal(a.state, "closed");

	/* A cut error body gives no code. */
	a = classify_n(ANSWER_REQUEST, 422, JSON, err_body("idempotency_key_reused"),
		       strlen(err_body("idempotency_key_reused")), true);
	assert_string_equal(a.reason, "HTTP 422");
}

static void test_kind_for(void **state)
{
	(void)state;
	assert_int_equal(answer_kind_for(QUEUE_KIND_REQUEST), ANSWER_REQUEST);
	assert_int_equal(answer_kind_for(QUEUE_KIND_EVENT), ANSWER_EVENT);
	assert_int_equal(answer_kind_for(QUEUE_KIND_COMPLAINT), ANSWER_COMPLAINT);
	assert_int_equal(answer_kind_for(QUEUE_KIND_SURVEY), ANSWER_SURVEY);
	assert_int_equal(answer_kind_for(QUEUE_KIND_REVOCATION), ANSWER_REVOCATION);
	assert_int_equal(answer_kind_for(QUEUE_KIND_COUNT), ANSWER_KIND_COUNT);
}

/* ---- the change feed ------------------------------------------------------------------------ */

#define EV(tk, from, to)                                                                           \
	"{\"v\":1,\"ticket\":\"" tk "\",\"from\":\"" from "\",\"to\":\"" to                       \
	"\",\"role\":\"officer\",\"actor\":\"verifikator-2\",\"at\":1767229200,\"reason\":\"\"}"
#define CH_EVENT(seq, tk, ev) "{\"seq\":" #seq ",\"type\":\"event\",\"ticket\":\"" tk "\",\"event\":" ev "}"
#define CH_NOTE(seq, tk, channel, kind, text)                                                    \
	"{\"seq\":" #seq ",\"type\":\"notification\",\"ticket\":\"" tk "\",\"channel\":\"" channel \
	"\",\"kind\":\"" kind "\",\"at\":1767230000,\"text\":\"" text "\"}"

static queue_change page[ANSWER_CHANGES_MAX];

static int parse(const char *body, int64_t since, int *n, int *skipped, int64_t *next, bool *more,
		 char *why, size_t why_len)
{
	memset(page, 0xa5, sizeof page);
	return answer_parse_changes(body, strlen(body), since, page, n, skipped, next, more, why, why_len);
}

static void test_changes_good(void **state)
{
	(void)state;
	int n = -1, skipped = -1;
	int64_t next = -1;
	bool more = false;
	char why[QUEUE_REASON_MAX];
	const char *body = "{\"changes\":[" CH_EVENT(41, T1, EV(T1, "received", "in_verification")) ","
			   "{\"seq\":42,\"type\":\"certificate\",\"ticket\":\"" T1 "\",\"x\":[1]},"
			   CH_NOTE(43, T2, "sms", "data_changed", "Data Anda telah diubah \\u2014 terima kasih")
			   "],\"next\":43,\"more\":true,\"server\":\"newer\"}";

	assert_int_equal(parse(body, 40, &n, &skipped, &next, &more, why, sizeof why), 0);
	assert_string_equal(why, "");
	assert_int_equal(n, 2);
	assert_int_equal(skipped, 1);
	assert_int_equal(next, 43);
	assert_true(more);
	assert_int_equal(page[0].seq, 41);
	assert_int_equal(page[0].type, QUEUE_CHANGE_EVENT);
	assert_string_equal(page[0].ticket, T1);
	assert_int_equal(page[0].ev.from, RSTATE_RECEIVED);
	assert_int_equal(page[0].ev.to, RSTATE_IN_VERIFICATION);
	assert_int_equal(page[0].ev.role, RROLE_OFFICER);
	assert_string_equal(page[0].ev.actor, "verifikator-2");
	assert_int_equal(page[0].ev.at, 1767229200);
	assert_int_equal(page[1].seq, 43);
	assert_int_equal(page[1].type, QUEUE_CHANGE_NOTE);
	assert_string_equal(page[1].ticket, T2);
	assert_string_equal(page[1].note.channel, "sms");
	assert_string_equal(page[1].note.kind, "data_changed");
	assert_int_equal(page[1].note.at, 1767230000);
	assert_string_equal(page[1].note.text, "Data Anda telah diubah \xE2\x80\x94 terima kasih");

	/* An empty page: next stays at the cursor; SKIPPED may be NULL. */
	assert_int_equal(parse("{\"changes\":[],\"next\":40,\"more\":false}", 40, &n, NULL, &next, &more,
			       why, sizeof why), 0);
	assert_int_equal(n, 0);
	assert_int_equal(next, 40);
	assert_false(more);

	/* Only unknown types: nothing to apply, but the cursor moves on. */
	assert_int_equal(parse("{\"changes\":[{\"seq\":5,\"type\":\"poll\"}],\"next\":5,\"more\":false}", 0, &n,
			       &skipped, &next, &more, NULL, 0), 0);
	assert_int_equal(n, 0);
	assert_int_equal(skipped, 1);
	assert_int_equal(next, 5);

	/* Every channel, an empty text, a kind of 31 bytes. */
	assert_int_equal(parse("{\"changes\":[" CH_NOTE(1, T1, "email", "k", "") ","
			       CH_NOTE(2, T1, "kiosk", "abcdefghijklmnopqrstuvwxyz01234", "t") "],"
			       "\"next\":9,\"more\":false}", 0, &n, &skipped, &next, &more, why, sizeof why), 0);
	assert_int_equal(n, 2);
	assert_string_equal(page[1].note.kind, "abcdefghijklmnopqrstuvwxyz01234");
}

static void assert_refused(const char *body, int64_t since, const char *why_prefix)
{
	int n = -1, skipped = -1;
	int64_t next = -1;
	bool more = true;
	char why[QUEUE_REASON_MAX];
	static const queue_change zero;

	if (parse(body, since, &n, &skipped, &next, &more, why, sizeof why) != -1)
		fail_msg("accepted: %.200s", body);
	assert_int_equal(n, 0);
	assert_int_equal(skipped, 0);
	assert_false(more);
	for (int i = 0; i < ANSWER_CHANGES_MAX; i++)
		if (memcmp(&page[i], &zero, sizeof zero) != 0)
			fail_msg("change %d not wiped after: %s", i, why);
	for (const char *p = why; *p; p++)
		assert_true(*p >= 0x20 && *p <= 0x7e);
	if (strncmp(why, why_prefix, strlen(why_prefix)) != 0)
		fail_msg("why \"%s\", want \"%s...\"", why, why_prefix);
	assert_null(strstr(why, "verifikator"));
	assert_null(strstr(why, NIK));
}

#define PAGE(changes, next) "{\"changes\":[" changes "],\"next\":" #next ",\"more\":false}"

static void test_changes_refused(void **state)
{
	(void)state;
	const char *ok1 = CH_EVENT(41, T1, EV(T1, "received", "in_verification"));

	assert_refused(PAGE("", 39), 40, "next: before the cursor");
	assert_refused("{\"changes\":[],\"next\":-1,\"more\":false}", 0, "next:");
	assert_refused("{\"changes\":[],\"next\":\"40\",\"more\":false}", 0, "next:");
	assert_refused("{\"changes\":[],\"next\":40}", 0, "more:");
	assert_refused("{\"changes\":{},\"next\":40,\"more\":false}", 0, "changes:");
	assert_refused("{\"next\":40,\"more\":false}", 0, "changes:");
	assert_refused("[]", 0, "body is not a JSON object");
	assert_refused("", 0, "empty body");
	/* Cut in the middle of an event. */
	assert_refused("{\"changes\":[{\"seq\":41,\"type\":\"event\",\"ticket\":\"" T1 "\",\"event\":{\"v\":1,",
		       0, "body is not valid JSON");
	assert_refused("{\"changes\":[],\"next\":40,\"more\":false,\"more\":true}", 0, "JSON with a duplicate");

	/* The event names another ticket than its change. */
	assert_refused(PAGE(CH_EVENT(41, T1, EV(T2, "received", "in_verification")), 41), 0,
		       "changes[0].event.ticket: not the change's ticket");
	/* The event itself is strict (reqjson): unknown key, unknown state, no actor. */
	assert_refused(PAGE(CH_EVENT(41, T1, "{\"v\":1,\"ticket\":\"" T1 "\",\"from\":\"received\","
				      "\"to\":\"in_verification\",\"role\":\"officer\",\"actor\":\"a\","
				      "\"at\":1,\"reason\":\"\",\"extra\":1}"), 41), 0, "changes[0].event: ");
	assert_refused(PAGE(CH_EVENT(41, T1, EV(T1, "received", "lost")), 41), 0, "changes[0].event: ");
	assert_refused(PAGE(CH_EVENT(41, T1, "\"" T1 "\""), 41), 0, "changes[0].event: missing");
	assert_refused(PAGE("{\"seq\":41,\"type\":\"event\",\"ticket\":\"3222-222X\",\"event\":"
			    EV("3222-222X", "received", "in_verification") "}", 41), 0, "changes[0].ticket");

	char buf[2048];
	snprintf(buf, sizeof buf, PAGE("%s," CH_EVENT(42, T2, EV(T1, "received", "in_verification")), 42), ok1);
	assert_refused(buf, 0, "changes[1].event.ticket: not the change's ticket");

	/* seq: after the cursor, increasing, not beyond next. */
	snprintf(buf, sizeof buf, PAGE("%s,%s", 41), ok1, ok1);
	assert_refused(buf, 0, "changes[1].seq: not increasing");
	snprintf(buf, sizeof buf, PAGE("%s", 41), ok1);
	assert_refused(buf, 41, "changes[0].seq: not after the cursor");
	snprintf(buf, sizeof buf, PAGE("%s", 40), ok1);
	assert_refused(buf, 0, "changes[0].seq: after next");
	assert_refused(PAGE("{\"seq\":\"41\",\"type\":\"event\"}", 41), 0, "changes[0].seq");
	assert_refused(PAGE("{\"seq\":41}", 41), 0, "changes[0].type");
	assert_refused(PAGE("7", 41), 0, "changes[0]: not an object");
	/* A later unknown type is still held to the order. */
	snprintf(buf, sizeof buf, PAGE("%s,{\"seq\":41,\"type\":\"poll\"}", 41), ok1);
	assert_refused(buf, 0, "changes[1].seq: not increasing");

	/* Notifications. */
	assert_refused(PAGE(CH_NOTE(41, T1, "fax", "data_changed", "t"), 41), 0, "changes[0].channel");
	assert_refused(PAGE(CH_NOTE(41, T1, "SMS", "data_changed", "t"), 41), 0, "changes[0].channel");
	assert_refused(PAGE(CH_NOTE(41, T1, "sms", "", "t"), 41), 0, "changes[0].kind");
	assert_refused(PAGE(CH_NOTE(41, T1, "sms", "abcdefghijklmnopqrstuvwxyz012345", "t"), 41), 0,
		       "changes[0].kind");
	assert_refused(PAGE("{\"seq\":41,\"type\":\"notification\",\"ticket\":\"" T1 "\",\"channel\":\"sms\","
			    "\"kind\":\"k\",\"at\":-5,\"text\":\"t\"}", 41), 0, "changes[0].at");
	assert_refused(PAGE("{\"seq\":41,\"type\":\"notification\",\"ticket\":\"" T1 "\",\"channel\":\"sms\","
			    "\"kind\":\"k\",\"at\":5}", 41), 0, "changes[0].text");
	char text[300];
	memset(text, 'a', 256);
	text[256] = '\0';
	snprintf(buf, sizeof buf, PAGE(CH_NOTE(41, T1, "sms", "k", "%s"), 41), text);
	assert_refused(buf, 0, "changes[0].text");
	text[255] = '\0'; /* 255 bytes fit */
	snprintf(buf, sizeof buf, PAGE(CH_NOTE(41, T1, "sms", "k", "%s"), 41), text);
	int n;
	int64_t next;
	bool more;
	assert_int_equal(parse(buf, 0, &n, NULL, &next, &more, NULL, 0), 0);
	assert_int_equal(strlen(page[0].note.text), 255);

	/* A good first change is wiped too when the second is refused. */
	snprintf(buf, sizeof buf, PAGE("%s," CH_NOTE(42, T1, "fax", "k", "t"), 42), ok1);
	assert_refused(buf, 0, "changes[1].channel");
}

static void test_changes_too_many(void **state)
{
	(void)state;
	size_t cap = 64 * (ANSWER_CHANGES_MAX + 2);
	char *buf = malloc(cap);
	assert_non_null(buf);
	for (int count = ANSWER_CHANGES_MAX; count <= ANSWER_CHANGES_MAX + 1; count++) {
		size_t n = (size_t)snprintf(buf, cap, "{\"changes\":[");
		for (int i = 1; i <= count; i++)
			n += (size_t)snprintf(buf + n, cap - n, "%s{\"seq\":%d,\"type\":\"poll\"}",
					      i > 1 ? "," : "", i);
		snprintf(buf + n, cap - n, "],\"next\":%d,\"more\":true}", count);
		if (count == ANSWER_CHANGES_MAX) {
			int got, skipped;
			int64_t next;
			bool more;
			assert_int_equal(parse(buf, 0, &got, &skipped, &next, &more, NULL, 0), 0);
			assert_int_equal(skipped, ANSWER_CHANGES_MAX);
		} else {
			assert_refused(buf, 0, "changes: more than 500");
		}
	}
	free(buf);

	/* A body over 1 MiB is refused before parsing. */
	buf = malloc(ANSWER_BODY_MAX + 1);
	assert_non_null(buf);
	memset(buf, ' ', ANSWER_BODY_MAX + 1);
	memcpy(buf, "{\"changes\":[],\"next\":0,\"more\":false}", 36);
	int n;
	int64_t next;
	bool more;
	char why[64];
	assert_int_equal(answer_parse_changes(buf, ANSWER_BODY_MAX + 1, 0, page, &n, NULL, &next, &more, why,
					      sizeof why), -1);
	assert_string_equal(why, "body over 1 MiB");
	assert_int_equal(answer_parse_changes(buf, ANSWER_BODY_MAX, 0, page, &n, NULL, &next, &more, why,
					      sizeof why), 0);
	free(buf);

	/* A short WHY buffer still ends in a NUL. */
	char tiny[8];
	assert_int_equal(answer_parse_changes("{", 1, 0, page, &n, NULL, &next, &more, tiny, sizeof tiny), -1);
	assert_string_equal(tiny, "body is");
}

/* ---- the certificate lookup ------------------------------------------------------------------ */

#define CERT(serial, status) \
	"{\"serial\":\"" serial "\",\"subject\":\"Siti Nur'aini\",\"issuer\":\"BSrE\",\"status\":\"" status \
	"\",\"not_after\":1830297600}"

static answer_cert certs[ANSWER_CERTS_MAX];

static int parse_certs(const char *body, int *n, char *why, size_t why_len)
{
	memset(certs, 0xa5, sizeof certs);
	return answer_parse_certs(body, strlen(body), certs, n, why, why_len);
}

static void test_certs_good(void **state)
{
	(void)state;
	char why[QUEUE_REASON_MAX];
	int n = -1;

	/* The holder owns none. */
	assert_int_equal(parse_certs("{\"certificates\":[]}", &n, why, sizeof why), 0);
	assert_int_equal(n, 0);
	assert_string_equal(why, "");
	/* Valid ones first (the officer revokes those), the subject never kept;
	 * extra keys of a newer server are ignored. */
	assert_int_equal(parse_certs("{\"certificates\":[" CERT("5A0F000000000002", "revoked") ","
				     "{\"serial\":\"5A0F000000000001\",\"subject\":\"\",\"issuer\":\"BSrE\","
				     "\"status\":\"valid\",\"not_after\":1798761600,\"key_usage\":[\"sign\"]}],"
				     "\"server\":\"x\"}",
				     &n, why, sizeof why),
			 0);
	assert_int_equal(n, 2);
	assert_string_equal(certs[0].serial, "5A0F000000000001");
	assert_string_equal(certs[0].status, "valid");
	assert_string_equal(certs[0].issuer, "BSrE");
	assert_int_equal(certs[0].not_after, 1798761600);
	assert_string_equal(certs[1].serial, "5A0F000000000002");
	assert_string_equal(certs[1].status, "revoked");
	for (int i = 2; i < ANSWER_CERTS_MAX; i++)
		for (size_t k = 0; k < sizeof certs[i]; k++)
			assert_int_equal(((const unsigned char *)&certs[i])[k], 0);
	/* No trace of the name in what was kept. */
	assert_null(memmem(certs, sizeof certs, "Siti", 4));

	/* Eight valid ones and many revoked: the valid ones all stay. */
	char body[8192];
	size_t len = (size_t)snprintf(body, sizeof body, "{\"certificates\":[");
	for (int i = 0; i < 20; i++)
		len += (size_t)snprintf(body + len, sizeof body - len,
					"%s{\"serial\":\"%02X\",\"subject\":\"x\",\"issuer\":\"BSrE\","
					"\"status\":\"%s\",\"not_after\":0}",
					i ? "," : "", i, i % 2 == 0 && i < 16 ? "valid" : "revoked");
	snprintf(body + len, sizeof body - len, "]}");
	assert_int_equal(parse_certs(body, &n, why, sizeof why), 0);
	assert_int_equal(n, ANSWER_CERTS_MAX);
	for (int i = 0; i < ANSWER_CERTS_MAX; i++)
		assert_string_equal(certs[i].status, "valid");
	assert_string_equal(certs[7].serial, "0E");
}

static void assert_certs_refused(const char *body, const char *prefix)
{
	char why[QUEUE_REASON_MAX];
	int n = -1;
	if (parse_certs(body, &n, why, sizeof why) != -1)
		fail_msg("accepted: %s", body);
	assert_int_equal(n, 0);
	if (strncmp(why, prefix, strlen(prefix)) != 0)
		fail_msg("why \"%s\", want \"%s...\"", why, prefix);
	assert_null(strstr(why, "Siti"));
	assert_null(strstr(why, NIK));
	for (size_t k = 0; k < sizeof certs; k++)
		assert_int_equal(((const unsigned char *)certs)[k], 0);
}

static void test_certs_refused(void **state)
{
	(void)state;
	assert_certs_refused("", "empty body");
	assert_certs_refused("[]", "body is not a JSON object");
	assert_certs_refused("{\"certificates\":{}}", "certificates: missing or not an array");
	assert_certs_refused("{\"certs\":[]}", "certificates: missing");
	assert_certs_refused("{\"certificates\":[],\"certificates\":[]}", "JSON with a duplicate key");
	assert_certs_refused("{\"certificates\":[1]}", "certificates[0]: not an object");
	assert_certs_refused("{\"certificates\":[" CERT("5a0f", "valid") "]}", "certificates[0].serial");
	assert_certs_refused("{\"certificates\":[" CERT("", "valid") "]}", "certificates[0].serial");
	assert_certs_refused("{\"certificates\":[" CERT("5A0F", "valid") "," CERT("5A0F-1", "valid") "]}",
			     "certificates[1].serial");
	assert_certs_refused("{\"certificates\":[" CERT("0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"
							"0123456789ABCDEF",
							"valid") "]}",
			     "certificates[0].serial");
	assert_certs_refused("{\"certificates\":[{\"serial\":\"5A\",\"issuer\":\"BSrE\",\"status\":\"valid\","
			     "\"not_after\":0}]}",
			     "certificates[0].subject");
	assert_certs_refused("{\"certificates\":[{\"serial\":\"5A\",\"subject\":7,\"issuer\":\"BSrE\","
			     "\"status\":\"valid\",\"not_after\":0}]}",
			     "certificates[0].subject");
	assert_certs_refused("{\"certificates\":[{\"serial\":\"5A\",\"subject\":\"" NIK "\",\"issuer\":\"\","
			     "\"status\":\"valid\",\"not_after\":0}]}",
			     "certificates[0].issuer");
	assert_certs_refused("{\"certificates\":[{\"serial\":\"5A\",\"subject\":\"\",\"issuer\":\"BS\\nrE\","
			     "\"status\":\"valid\",\"not_after\":0}]}",
			     "certificates[0].issuer");
	assert_certs_refused("{\"certificates\":[" CERT("5A", "suspended") "]}", "certificates[0].status");
	assert_certs_refused("{\"certificates\":[{\"serial\":\"5A\",\"subject\":\"\",\"issuer\":\"BSrE\","
			     "\"status\":\"valid\",\"not_after\":-1}]}",
			     "certificates[0].not_after");
	assert_certs_refused("{\"certificates\":[{\"serial\":\"5A\",\"subject\":\"\",\"issuer\":\"BSrE\","
			     "\"status\":\"valid\",\"not_after\":1.5e9}]}",
			     "certificates[0].not_after");
	/* Too many: 9 valid ones, or 65 entries at all. */
	char body[16384];
	for (int count = 9; count <= 65; count += 56) {
		size_t len = (size_t)snprintf(body, sizeof body, "{\"certificates\":[");
		for (int i = 0; i < count; i++)
			len += (size_t)snprintf(body + len, sizeof body - len,
						"%s{\"serial\":\"%02X\",\"subject\":\"\",\"issuer\":\"BSrE\","
						"\"status\":\"%s\",\"not_after\":0}",
						i ? "," : "", i, count == 9 ? "valid" : "revoked");
		snprintf(body + len, sizeof body - len, "]}");
		assert_certs_refused(body, count == 9 ? "certificates: more than 8 valid"
						      : "certificates: more than 64");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_shapes),
		cmocka_unit_test(test_wrong_shapes),
		cmocka_unit_test(test_error_object_in_2xx),
		cmocka_unit_test(test_not_json),
		cmocka_unit_test(test_content_type),
		cmocka_unit_test(test_size_limits),
		cmocka_unit_test(test_status_table),
		cmocka_unit_test(test_network),
		cmocka_unit_test(test_reason_never_quotes),
		cmocka_unit_test(test_kind_for),
		cmocka_unit_test(test_changes_good),
		cmocka_unit_test(test_changes_refused),
		cmocka_unit_test(test_changes_too_many),
		cmocka_unit_test(test_certs_good),
		cmocka_unit_test(test_certs_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

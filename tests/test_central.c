/*
 * test_central: kiosk-central-sim (central/) seen from the wire, as a kiosk
 * and a test harness see it: the built binary is started on port 0 with a
 * temporary database and key, and spoken to with libcurl and sign.h.
 * Covers authentication, idempotency (replay, reuse, in flight), every
 * endpoint, the change feed, fault injection and a restart.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <jansson.h>
#include <sqlite3.h>

#include "fixture_req.h"
#include "fixture_sim.h"
#include "reqjson.h"
#include "sign.h"

#ifndef CENTRAL_SIM_BIN
#error "CENTRAL_SIM_BIN must name the kiosk-central-sim binary (the build defines it)"
#endif

#define KIOSK "TEST-KIOSK-01"
#define NIK_BUDI "3375010101800001" /* seeded: two certificates, one revoked */

typedef struct fx {
	char dir[64], db[128], key[128];
	uint8_t secret[32];
	fxsim sim;
	CURL *c; /* one kept-alive connection, as the kiosk holds */
} fx;

/* How to sign one call; zero = correctly, now, fresh nonce. */
typedef struct how {
	const char *kiosk;  /* X-Kiosk-Id, NULL: KIOSK */
	bool unsigned_call; /* no X-Kiosk-* headers at all */
	bool wrong_secret;
	int64_t skew;          /* added to X-Kiosk-Time */
	const char *nonce;     /* NULL: fresh */
	const char *sign_body; /* sign this body instead of the one sent */
	const char *ctype;     /* Content-Type, NULL: application/json */
	long timeout_ms;       /* give up after this long; 0: 8 s */
} how;

typedef struct resp {
	long status;
	CURLcode cc;
	char body[16384];
	size_t len;
	bool replayed;
	char ctype[64];
	char date[64]; /* the Date header, "" when absent */
	int ndate;     /* how many Date headers came */
} resp;

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	assert_non_null(f);
	snprintf(f->dir, sizeof f->dir, "/tmp/test-central-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->db, sizeof f->db, "%s/central.db", f->dir);
	snprintf(f->key, sizeof f->key, "%s/kiosk.key", f->dir);
	assert_int_equal(fxsim_write_key(f->key, f->secret), 0);
	f->c = curl_easy_init();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	char cmd[128];
	curl_easy_cleanup(f->c);
	if (f->sim.pid > 0)
		assert_int_equal(fxsim_stop(&f->sim), 0); /* SIGTERM: a clean stop, exit 0 */
	snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static void start(fx *f, const char *const *extra)
{
	assert_int_equal(fxsim_start(&f->sim, CENTRAL_SIM_BIN, f->db, KIOSK, f->key, extra), 0);
}

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
	resp *r = ctx;
	size_t len = size * n, room = sizeof r->body - 1 - r->len;
	memcpy(r->body + r->len, p, len < room ? len : room);
	r->len += len < room ? len : room;
	r->body[r->len] = '\0';
	return len;
}

static size_t on_header(char *p, size_t size, size_t n, void *ctx)
{
	resp *r = ctx;
	size_t len = size * n;
	if (len > 21 && strncasecmp(p, "Idempotent-Replayed: true", 25) == 0)
		r->replayed = true;
	if (len > 14 && strncasecmp(p, "Content-Type: ", 14) == 0)
		snprintf(r->ctype, sizeof r->ctype, "%.*s", (int)strcspn(p + 14, "\r\n"), p + 14);
	if (len > 6 && strncasecmp(p, "Date: ", 6) == 0) {
		snprintf(r->date, sizeof r->date, "%.*s", (int)strcspn(p + 6, "\r\n"), p + 6);
		r->ndate++;
	}
	return len;
}

/* METHOD PATH (with query) with BODY (may be NULL) and KEY (NULL: no
 * Idempotency-Key) on handle C; the status (0 when no answer) in R. */
static long call_on(fx *f, CURL *c, const char *method, const char *path, const char *body, const char *key,
		    const how *h, resp *r)
{
	char url[256], hash[SIGN_HEX_LEN + 1], nonce[SIGN_NONCE_LEN + 1], sig[SIGN_HEX_LEN + 1];
	char h_id[80], h_time[48], h_nonce[64], h_sig[96], h_key[80], h_ct[80];
	uint8_t secret[32];
	struct curl_slist *hs = NULL;
	how none = {0};
	int64_t t;

	h = h ? h : &none;
	memset(r, 0, sizeof *r);
	memcpy(secret, f->secret, sizeof secret);
	if (h->wrong_secret)
		secret[0] ^= 0xff;
	t = (int64_t)time(NULL) + h->skew;
	sign_nonce(nonce);
	if (h->nonce)
		snprintf(nonce, sizeof nonce, "%s", h->nonce);
	const char *signed_body = h->sign_body ? h->sign_body : body ? body : "";
	sign_body_hash(signed_body, strlen(signed_body), hash);
	assert_int_equal(sign_request(secret, method, path, t, nonce, hash, sig), 0);
	snprintf(h_id, sizeof h_id, "X-Kiosk-Id: %s", h->kiosk ? h->kiosk : KIOSK);
	snprintf(h_time, sizeof h_time, "X-Kiosk-Time: %lld", (long long)t);
	snprintf(h_nonce, sizeof h_nonce, "X-Kiosk-Nonce: %s", nonce);
	snprintf(h_sig, sizeof h_sig, "X-Kiosk-Signature: %s", sig);
	snprintf(h_ct, sizeof h_ct, "Content-Type: %s", h->ctype ? h->ctype : "application/json");
	if (!h->unsigned_call) {
		hs = curl_slist_append(hs, h_id);
		hs = curl_slist_append(hs, h_time);
		hs = curl_slist_append(hs, h_nonce);
		hs = curl_slist_append(hs, h_sig);
	}
	if (key) {
		snprintf(h_key, sizeof h_key, "Idempotency-Key: %s", key);
		hs = curl_slist_append(hs, h_key);
	}
	hs = curl_slist_append(hs, h_ct);
	hs = curl_slist_append(hs, "Expect:");
	snprintf(url, sizeof url, "http://127.0.0.1:%d%s", f->sim.port, path);
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (body)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hs);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, h->timeout_ms ? h->timeout_ms : 8000L);
	r->cc = curl_easy_perform(c);
	if (r->cc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	curl_slist_free_all(hs);
	return r->status;
}

static long call(fx *f, const char *method, const char *path, const char *body, const char *key, const how *h,
		 resp *r)
{
	return call_on(f, f->c, method, path, body, key, h, r);
}

/* /_sim calls need no signature. */
static long sim(fx *f, const char *method, const char *path, const char *body, resp *r)
{
	how h = {.unsigned_call = true};
	return call(f, method, path, body, NULL, &h, r);
}

/* The answer's JSON (caller decrefs); fails the test when it is not JSON. */
static json_t *js(const resp *r)
{
	json_t *v = json_loadb(r->body, r->len, 0, NULL);
	assert_non_null(v);
	assert_string_equal(r->ctype, "application/json");
	return v;
}

/* The error code of an error answer. */
static void assert_error(const resp *r, long status, const char *code)
{
	json_t *v = js(r);
	assert_int_equal(r->status, status);
	assert_string_equal(json_string_value(json_object_get(json_object_get(v, "error"), "code")), code);
	assert_non_null(json_string_value(json_object_get(json_object_get(v, "error"), "message")));
	json_decref(v);
}

static const char *str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	assert_non_null(s);
	return s;
}

static json_int_t num(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	assert_true(json_is_integer(v));
	return json_integer_value(v);
}

/* A fresh idempotency key. */
static void new_key(char key[SIGN_NONCE_LEN + 1])
{
	sign_nonce(key);
}

/* Siti's request number N from KIOSK_ID (NULL: KIOSK) as the kiosk encodes it. */
static char *request_json(unsigned n, char ticket[TICKET_TEXT_MAX], const char *kiosk_id)
{
	req r;
	char *out = NULL;
	fx_siti(&r);
	fx_ticket(n, r.ticket);
	snprintf(r.kiosk_id, sizeof r.kiosk_id, "%s", kiosk_id ? kiosk_id : KIOSK);
	r.state = RSTATE_QUEUED;
	r.submitted_at = (int64_t)time(NULL);
	r.consent_at = r.submitted_at - 60;
	assert_int_equal(reqjson_encode(&r, &out), REQJSON_OK);
	if (ticket)
		snprintf(ticket, TICKET_TEXT_MAX, "%s", r.ticket);
	req_wipe(&r);
	return out;
}

/* Submit request N; returns its ticket in TICKET. */
static void submit(fx *f, unsigned n, char ticket[TICKET_TEXT_MAX])
{
	char key[SIGN_NONCE_LEN + 1];
	resp r;
	char *body = request_json(n, ticket, NULL);
	new_key(key);
	assert_int_equal(call(f, "POST", "/v1/requests", body, key, NULL, &r), 201);
	reqjson_free(&body);
}

static int64_t db_int(fx *f, const char *sql)
{
	return fxsim_db_int(f->db, sql);
}

static json_int_t stat_of(fx *f, const char *name, const char *fault)
{
	resp r;
	assert_int_equal(sim(f, "GET", "/_sim/stats", NULL, &r), 200);
	json_t *v = js(&r), *o = fault ? json_object_get(v, "faults") : v;
	json_int_t n = num(o, fault ? fault : name);
	json_decref(v);
	return n;
}

/* ---- tests --------------------------------------------------------------------------- */

static void test_health_and_routes(void **state)
{
	fx *f = *state;
	resp r;
	how h = {.unsigned_call = true};

	start(f, NULL);
	assert_int_equal(call(f, "GET", "/v1/health", NULL, NULL, &h, &r), 200);
	json_t *v = js(&r);
	assert_string_equal(str(v, "status"), "ok");
	assert_string_equal(str(v, "version"), "1.0");
	assert_true(llabs((long long)num(v, "time") - (long long)time(NULL)) <= 5);
	json_decref(v);
	/* One Date header (the sim's, not libmicrohttpd's as well), on every answer. */
	assert_int_equal(r.ndate, 1);
	assert_true(llabs((long long)curl_getdate(r.date, NULL) - (long long)time(NULL)) <= 5);
	call(f, "GET", "/v1/nothing-here", NULL, NULL, &h, &r);
	assert_error(&r, 404, "not_found");
	assert_int_equal(r.ndate, 1);
	call(f, "DELETE", "/v1/requests", NULL, NULL, &h, &r);
	assert_error(&r, 405, "method_not_allowed");
	call(f, "POST", "/v1/holidays", "{}", NULL, &h, &r);
	assert_error(&r, 405, "method_not_allowed");
}

static void test_auth_failures(void **state)
{
	fx *f = *state;
	resp r;
	char nonce[SIGN_NONCE_LEN + 1];

	start(f, NULL);
	call(f, "GET", "/v1/holidays?year=2026", NULL, NULL, &(how){.unsigned_call = true}, &r);
	assert_error(&r, 401, "bad_signature");
	call(f, "GET", "/v1/holidays?year=2026", NULL, NULL, &(how){.kiosk = "NOBODY-01"}, &r);
	assert_error(&r, 401, "unknown_kiosk");
	call(f, "GET", "/v1/holidays?year=2026", NULL, NULL, &(how){.wrong_secret = true}, &r);
	assert_error(&r, 401, "bad_signature");
	call(f, "POST", "/v1/certificates/lookup", "{\"nik\":\"" NIK_BUDI "\"}", NULL,
	     &(how){.sign_body = "{\"nik\":\"3375000000000000\"}"}, &r);
	assert_error(&r, 401, "bad_signature");
	call(f, "GET", "/v1/holidays?year=2026", NULL, NULL, &(how){.skew = -301}, &r);
	assert_error(&r, 401, "stale_signature");
	call(f, "GET", "/v1/holidays?year=2026", NULL, NULL, &(how){.skew = 301}, &r);
	assert_error(&r, 401, "stale_signature");
	assert_int_equal(call(f, "GET", "/v1/holidays?year=2026", NULL, NULL, &(how){.skew = -290}, &r), 200);
	/* The same nonce twice: the second is a replay, whatever else is right. */
	sign_nonce(nonce);
	assert_int_equal(call(f, "GET", "/v1/holidays?year=2026", NULL, NULL, &(how){.nonce = nonce}, &r),
			 200);
	call(f, "GET", "/v1/holidays?year=2026", NULL, NULL, &(how){.nonce = nonce}, &r);
	assert_error(&r, 401, "replayed_signature");
	call(f, "GET", "/v1/holidays?year=2026", NULL, NULL, &(how){.nonce = "NOT-HEX"}, &r);
	assert_error(&r, 401, "bad_signature");
}

/* --clock-offset 10800: the server's clock is 3 h ahead, as a real central
 * service with a wrong clock would be. A kiosk on the real time is refused
 * as stale; one that agrees with the server's clock is served; what is
 * stored keeps the real time. */
static void test_clock_offset(void **state)
{
	fx *f = *state;
	const char *ahead[] = {"--clock-offset", "10800", NULL};
	how h = {.unsigned_call = true};
	char key[SIGN_NONCE_LEN + 1], ticket[TICKET_TEXT_MAX];
	char *body = request_json(1, ticket, NULL);
	resp r;

	start(f, ahead);
	assert_int_equal(call(f, "GET", "/v1/health", NULL, NULL, &h, &r), 200);
	json_t *v = js(&r);
	long long server = (long long)num(v, "time");
	json_decref(v);
	assert_true(llabs(server - ((long long)time(NULL) + 10800)) <= 5);
	assert_int_equal(r.ndate, 1);
	assert_true(llabs((long long)curl_getdate(r.date, NULL) - server) <= 2);
	call(f, "GET", "/v1/holidays?year=2026", NULL, NULL, NULL, &r);
	assert_error(&r, 401, "stale_signature");
	assert_true(llabs((long long)curl_getdate(r.date, NULL) - server) <= 5);
	call(f, "GET", "/v1/holidays?year=2026", NULL, NULL, &(how){.skew = 10800 - 301}, &r);
	assert_error(&r, 401, "stale_signature");
	assert_int_equal(call(f, "GET", "/v1/holidays?year=2026", NULL, NULL, &(how){.skew = 10800}, &r),
			 200);
	new_key(key);
	assert_int_equal(call(f, "POST", "/v1/requests", body, key, &(how){.skew = 10790}, &r), 201);
	long long stored = (long long)db_int(f, "SELECT received_at FROM requests");
	assert_true(llabs(stored - (long long)time(NULL)) <= 5);
	reqjson_free(&body);
}

static void test_submit_replay_reuse(void **state)
{
	fx *f = *state;
	char key[SIGN_NONCE_LEN + 1], key2[SIGN_NONCE_LEN + 1], ticket[TICKET_TEXT_MAX], sql[160];
	resp r, again;
	char *body = request_json(1, ticket, NULL), *other = request_json(2, NULL, NULL);

	start(f, NULL);
	new_key(key);
	assert_int_equal(call(f, "POST", "/v1/requests", body, key, NULL, &r), 201);
	assert_false(r.replayed);
	json_t *v = js(&r);
	assert_string_equal(str(v, "ticket"), ticket);
	assert_string_equal(str(v, "state"), "received");
	assert_true(llabs((long long)num(v, "received_at") - (long long)time(NULL)) <= 5);
	json_decref(v);
	/* The resend: the same answer byte for byte, marked replayed, stored once. */
	assert_int_equal(call(f, "POST", "/v1/requests", body, key, NULL, &again), 201);
	assert_true(again.replayed);
	assert_int_equal(again.len, r.len);
	assert_memory_equal(again.body, r.body, r.len);
	call(f, "POST", "/v1/requests", other, key, NULL, &r);
	assert_error(&r, 422, "idempotency_key_reused");
	assert_int_equal(db_int(f, "SELECT count(*) FROM requests"), 1);
	snprintf(sql, sizeof sql,
		 "SELECT count(*) FROM requests WHERE ticket = '%s' AND kiosk_id = '%s'"
		 " AND length(payload) = %zu",
		 ticket, KIOSK, strlen(body));
	assert_int_equal(db_int(f, sql), 1);
	/* The same ticket under a new key is a second submission: refused. */
	new_key(key2);
	call(f, "POST", "/v1/requests", body, key2, NULL, &r);
	assert_error(&r, 409, "ticket_exists");
	call(f, "POST", "/v1/requests", other, NULL, NULL, &r);
	assert_error(&r, 400, "missing_idempotency_key");
	call(f, "POST", "/v1/requests", other, "ABCDEF0123456789ABCDEF0123456789", NULL, &r);
	assert_error(&r, 400, "missing_idempotency_key");
	new_key(key2);
	call(f, "POST", "/v1/requests", "{\"v\":1}", key2, NULL, &r);
	assert_error(&r, 400, "invalid_body");
	call(f, "POST", "/v1/requests", other, key2, &(how){.ctype = "text/plain"}, &r);
	assert_error(&r, 415, "unsupported_media_type");
	char *foreign = request_json(3, NULL, "OTHER-KIOSK");
	new_key(key2);
	call(f, "POST", "/v1/requests", foreign, key2, NULL, &r);
	assert_error(&r, 403, "kiosk_mismatch");
	/* The received notification is recorded, addressed, and in the feed. */
	assert_int_equal(
		db_int(f, "SELECT count(*) FROM notifications WHERE kind = 'received' AND channel = 'sms'"
			  " AND recipient <> ''"),
		1);
	assert_int_equal(db_int(f, "SELECT count(*) FROM requests"), 1);
	reqjson_free(&foreign);
	reqjson_free(&body);
	reqjson_free(&other);
}

typedef struct racer {
	fx *f;
	const char *body, *key;
	long status;
} racer;

static void *race(void *arg)
{
	racer *x = arg;
	resp r;
	CURL *c = curl_easy_init();
	x->status = call_on(x->f, c, "POST", "/v1/requests", x->body, x->key, NULL, &r);
	curl_easy_cleanup(c);
	return NULL;
}

static void test_in_flight(void **state)
{
	fx *f = *state;
	char key[SIGN_NONCE_LEN + 1];
	resp r;
	pthread_t t[2];
	char *body = request_json(4, NULL, NULL);

	start(f, NULL);
	assert_int_equal(sim(f, "POST", "/_sim/faults", "{\"latency_ms\":700}", &r), 200);
	new_key(key);
	racer x[2] = {{f, body, key, 0}, {f, body, key, 0}};
	pthread_create(&t[0], NULL, race, &x[0]);
	usleep(150000); /* the first holds the key, sleeping in its latency */
	pthread_create(&t[1], NULL, race, &x[1]);
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	/* One holds the key and stores, the other finds it in flight (which one
	 * wins depends on thread start-up, slower under sanitizers). */
	assert_true((x[0].status == 201 && x[1].status == 409) ||
		    (x[0].status == 409 && x[1].status == 201));
	assert_int_equal(stat_of(f, "in_flight_conflicts", NULL), 1);
	assert_int_equal(db_int(f, "SELECT count(*) FROM requests"), 1);
	/* A kiosk that gives up during the latency (a timeout, a stop) must not
	 * leave its key in flight: the resend right after is processed. */
	char *next = request_json(5, NULL, NULL);
	assert_int_equal(sim(f, "POST", "/_sim/faults", "{\"latency_ms\":3000}", &r), 200);
	new_key(key);
	assert_int_equal(call(f, "POST", "/v1/requests", next, key, &(how){.timeout_ms = 300}, &r), 0);
	assert_int_equal(sim(f, "POST", "/_sim/faults", "{\"latency_ms\":0}", &r), 200);
	assert_int_equal(call(f, "POST", "/v1/requests", next, key, NULL, &r), 201);
	assert_false(r.replayed);
	assert_int_equal(db_int(f, "SELECT count(*) FROM requests"), 2);
	reqjson_free(&next);
	reqjson_free(&body);
}

/* Post an event FROM -> TO by ROLE about TICKET with a fresh key. */
static long event(fx *f, const char *ticket, const char *from, const char *to, const char *role,
		  const char *reason, resp *r)
{
	char body[512], key[SIGN_NONCE_LEN + 1];
	snprintf(body, sizeof body,
		 "{\"v\":1,\"ticket\":\"%s\",\"from\":\"%s\",\"to\":\"%s\",\"role\":\"%s\","
		 "\"actor\":\"verifikator-1\",\"at\":%lld,\"reason\":\"%s\"}",
		 ticket, from, to, role, (long long)time(NULL), reason);
	new_key(key);
	return call(f, "POST", "/v1/events", body, key, NULL, r);
}

static void test_events(void **state)
{
	fx *f = *state;
	char t1[TICKET_TEXT_MAX], t2[TICKET_TEXT_MAX], unknown[TICKET_TEXT_MAX];
	resp r;

	start(f, NULL);
	submit(f, 10, t1);
	submit(f, 11, t2);
	fx_ticket(999, unknown);
	assert_int_equal(event(f, t1, "received", "in_verification", "officer", "", &r), 201);
	json_t *v = js(&r);
	assert_string_equal(str(v, "state"), "in_verification");
	json_decref(v);
	/* The same move again: the central state moved on. */
	event(f, t1, "received", "in_verification", "officer", "", &r);
	assert_error(&r, 409, "state_conflict");
	v = js(&r);
	assert_string_equal(str(json_object_get(v, "error"), "state"), "in_verification");
	json_decref(v);
	event(f, t1, "in_verification", "rejected", "officer", "", &r);
	assert_error(&r, 400, "invalid_body"); /* a rejection needs a reason */
	event(f, t1, "in_verification", "accepted", "applicant", "", &r);
	assert_error(&r, 403, "forbidden_move");
	event(f, unknown, "received", "in_verification", "officer", "", &r);
	assert_error(&r, 404, "unknown_ticket");
	/* Offline first: verified at the kiosk while still queued there. */
	assert_int_equal(event(f, t2, "queued", "in_verification", "officer", "", &r), 201);
	assert_int_equal(db_int(f, "SELECT count(*) FROM tickets WHERE state = 'in_verification'"), 2);
	call(f, "POST", "/v1/events", "{\"v\":1}", "00000000000000000000000000000001", NULL, &r);
	assert_error(&r, 400, "invalid_body");
	/* A kiosk's own moves never come back in its feed. */
	assert_int_equal(db_int(f, "SELECT count(*) FROM changes WHERE type = 'event'"), 0);
}

static json_t *changes(fx *f, const char *query, long want)
{
	char path[96];
	resp r;
	snprintf(path, sizeof path, "/v1/changes%s", query);
	assert_int_equal(call(f, "GET", path, NULL, NULL, NULL, &r), want);
	return js(&r);
}

static void test_changes_feed(void **state)
{
	fx *f = *state;
	char t[TICKET_TEXT_MAX], body[256], q[64];
	resp r;
	const char *moves[][2] = {{"in_verification", "officer"},
				  {"accepted", "officer"},
				  {"approved", "central"},
				  {"informed", "central"},
				  {"notified", "central"}};

	start(f, NULL);
	submit(f, 20, t);
	for (size_t i = 0; i < 5; i++) {
		snprintf(body, sizeof body,
			 "{\"ticket\":\"%s\",\"to\":\"%s\",\"role\":\"%s\",\"actor\":\"pusat-1\","
			 "\"reason\":\"\"}",
			 t, moves[i][0], moves[i][1]);
		assert_int_equal(sim(f, "POST", "/_sim/events", body, &r), 201);
	}
	snprintf(body, sizeof body, "{\"ticket\":\"%s\",\"to\":\"closed\",\"role\":\"applicant\"}", t);
	sim(f, "POST", "/_sim/events", body, &r);
	assert_error(&r, 403, "forbidden_move");
	snprintf(body, sizeof body, "{\"ticket\":\"%s\",\"to\":\"accepted\",\"role\":\"officer\"}", t);
	sim(f, "POST", "/_sim/events", body, &r);
	assert_error(&r, 409, "state_conflict");
	/* received (sms) + 5 moves + notified (sms, email) = 8 changes, in pages of 3. */
	json_t *p1 = changes(f, "?since=0&limit=3", 200);
	assert_int_equal(json_array_size(json_object_get(p1, "changes")), 3);
	assert_true(json_is_true(json_object_get(p1, "more")));
	json_t *first = json_array_get(json_object_get(p1, "changes"), 0);
	assert_string_equal(str(first, "type"), "notification");
	assert_string_equal(str(first, "kind"), "received");
	json_t *ev = json_object_get(json_array_get(json_object_get(p1, "changes"), 1), "event");
	assert_string_equal(str(ev, "from"), "received");
	assert_string_equal(str(ev, "to"), "in_verification");
	assert_string_equal(str(ev, "ticket"), t);
	json_int_t next = num(p1, "next");
	assert_int_equal(next, num(json_array_get(json_object_get(p1, "changes"), 2), "seq"));
	snprintf(q, sizeof q, "?since=%lld&limit=3", (long long)next);
	json_t *p2 = changes(f, q, 200);
	assert_int_equal(json_array_size(json_object_get(p2, "changes")), 3);
	assert_true(num(json_array_get(json_object_get(p2, "changes"), 0), "seq") > next);
	snprintf(q, sizeof q, "?since=%lld", (long long)num(p2, "next"));
	json_t *p3 = changes(f, q, 200);
	assert_int_equal(json_array_size(json_object_get(p3, "changes")), 2);
	assert_false(json_is_true(json_object_get(p3, "more")));
	json_t *last = json_array_get(json_object_get(p3, "changes"), 1);
	assert_string_equal(str(last, "kind"), "data_changed");
	snprintf(q, sizeof q, "?since=%lld&limit=500", (long long)num(p3, "next"));
	json_t *p4 = changes(f, q, 200);
	assert_int_equal(json_array_size(json_object_get(p4, "changes")), 0);
	assert_int_equal(num(p4, "next"), num(p3, "next"));
	json_decref(p1);
	json_decref(p2);
	json_decref(p3);
	json_decref(p4);
	call(f, "GET", "/v1/changes?limit=501", NULL, NULL, NULL, &r);
	assert_error(&r, 400, "invalid_query");
	call(f, "GET", "/v1/changes?since=-1", NULL, NULL, NULL, &r);
	assert_error(&r, 400, "invalid_query");
}

static void test_certificates_and_revocation(void **state)
{
	fx *f = *state;
	char t[TICKET_TEXT_MAX], body[256], key[SIGN_NONCE_LEN + 1];
	resp r;

	start(f, NULL);
	assert_int_equal(call(f, "POST", "/v1/certificates/lookup", "{\"nik\":\"" NIK_BUDI "\"}", NULL, NULL,
			      &r),
			 200);
	json_t *v = js(&r), *list = json_object_get(v, "certificates");
	assert_int_equal(json_array_size(list), 2);
	assert_string_equal(str(json_array_get(list, 0), "status"), "valid");
	assert_string_equal(str(json_array_get(list, 1), "status"), "revoked");
	assert_string_equal(str(json_array_get(list, 0), "issuer"), "BSrE");
	json_decref(v);
	assert_int_equal(call(f, "POST", "/v1/certificates/lookup", "{\"nik\":\"3375999999999999\"}", NULL,
			      NULL, &r),
			 200);
	v = js(&r);
	assert_int_equal(json_array_size(json_object_get(v, "certificates")), 0);
	json_decref(v);
	call(f, "POST", "/v1/certificates/lookup", "{\"nik\":\"12345\"}", NULL, NULL, &r);
	assert_error(&r, 400, "invalid_body");

	submit(f, 30, t);
	snprintf(body, sizeof body,
		 "{\"v\":1,\"ticket\":\"%s\",\"serial\":\"5A0F000000000001\",\"reason\":"
		 "\"identity_changed\",\"actor\":\"verifikator-2\",\"at\":1767229200}",
		 t);
	new_key(key);
	assert_int_equal(call(f, "POST", "/v1/revocations", body, key, NULL, &r), 201);
	v = js(&r);
	assert_string_equal(str(v, "status"), "revoked");
	json_int_t at = num(v, "revoked_at");
	json_decref(v);
	assert_int_equal(db_int(f, "SELECT count(*) FROM notifications WHERE kind = 'certificate_revoked'"
				   " AND channel IN ('email', 'sms') AND recipient <> ''"),
			 2);
	assert_int_equal(db_int(f, "SELECT count(*) FROM changes WHERE type = 'notification'"
				   " AND data LIKE '%certificate_revoked%'"),
			 2);
	/* Already revoked (another key): 200 with the same answer. */
	new_key(key);
	assert_int_equal(call(f, "POST", "/v1/revocations", body, key, NULL, &r), 200);
	v = js(&r);
	assert_int_equal(num(v, "revoked_at"), at);
	json_decref(v);
	assert_int_equal(call(f, "POST", "/v1/certificates/lookup", "{\"nik\":\"" NIK_BUDI "\"}", NULL, NULL,
			      &r),
			 200);
	assert_null(strstr(r.body, "\"valid\""));
	snprintf(body, sizeof body,
		 "{\"v\":1,\"ticket\":\"%s\",\"serial\":\"5A0FFFFFFFFFFFFF\",\"reason\":"
		 "\"identity_changed\",\"actor\":\"verifikator-2\",\"at\":1767229200}",
		 t);
	new_key(key);
	call(f, "POST", "/v1/revocations", body, key, NULL, &r);
	assert_error(&r, 404, "unknown_certificate");
	snprintf(body, sizeof body,
		 "{\"v\":1,\"ticket\":\"%s\",\"serial\":\"5A0F000000000003\",\"reason\":"
		 "\"lost\",\"actor\":\"verifikator-2\",\"at\":1767229200}",
		 t);
	new_key(key);
	call(f, "POST", "/v1/revocations", body, key, NULL, &r);
	assert_error(&r, 400, "invalid_body");
}

static void test_complaint_survey_holidays(void **state)
{
	fx *f = *state;
	char key[SIGN_NONCE_LEN + 1];
	resp r;
	static const char complaint[] =
		"{\"v\":1,\"number\":\"ADU-ABCD-EFGH\",\"kiosk_id\":\"" KIOSK "\","
		"\"category\":\"service\",\"text\":\"Antrean terlalu lama\",\"ticket\":\"\","
		"\"contact\":\"\",\"at\":1767229200}";

	start(f, NULL);
	new_key(key);
	assert_int_equal(call(f, "POST", "/v1/complaints", complaint, key, NULL, &r), 201);
	json_t *v = js(&r);
	assert_string_equal(str(v, "number"), "ADU-ABCD-EFGH");
	assert_string_equal(str(v, "state"), "open");
	json_decref(v);
	new_key(key);
	call(f, "POST", "/v1/complaints",
	     "{\"v\":1,\"number\":\"ADU-ABCD-EFGH\",\"kiosk_id\":\"" KIOSK "\","
	     "\"category\":\"Service!\",\"text\":\"x\",\"ticket\":\"\",\"contact\":\"\",\"at\":1}",
	     key, NULL, &r);
	assert_error(&r, 400, "invalid_body");
	new_key(key);
	assert_int_equal(call(f, "POST", "/v1/surveys",
			      "{\"v\":1,\"kiosk_id\":\"" KIOSK "\",\"ticket\":\"\","
			      "\"at\":1767229200,\"scores\":{\"q1\":4,\"q2\":3},\"comment\":\"\"}",
			      key, NULL, &r),
			 201);
	v = js(&r);
	assert_true(num(v, "id") > 0);
	json_decref(v);
	new_key(key);
	call(f, "POST", "/v1/surveys",
	     "{\"v\":1,\"kiosk_id\":\"" KIOSK "\",\"ticket\":\"\",\"at\":1,"
	     "\"scores\":{\"q1\":5},\"comment\":\"\"}",
	     key, NULL, &r);
	assert_error(&r, 400, "invalid_body");
	new_key(key);
	call(f, "POST", "/v1/surveys",
	     "{\"v\":1,\"kiosk_id\":\"OTHER-01\",\"ticket\":\"\",\"at\":1,"
	     "\"scores\":{\"q1\":4},\"comment\":\"\"}",
	     key, NULL, &r);
	assert_error(&r, 403, "kiosk_mismatch");

	assert_int_equal(call(f, "GET", "/v1/holidays?year=2026", NULL, NULL, NULL, &r), 200);
	v = js(&r);
	json_t *days = json_object_get(v, "days");
	assert_int_equal(num(v, "year"), 2026);
	assert_true(json_array_size(days) >= 4);
	assert_string_equal(str(json_array_get(days, 0), "date"), "2026-01-01");
	assert_string_equal(str(json_array_get(days, 0), "kind"), "libur");
	json_decref(v);
	assert_int_equal(call(f, "GET", "/v1/holidays?year=2027", NULL, NULL, NULL, &r), 200);
	call(f, "GET", "/v1/holidays?year=2031", NULL, NULL, NULL, &r);
	assert_error(&r, 404, "unknown_year");
	call(f, "GET", "/v1/holidays?year=20x6", NULL, NULL, NULL, &r);
	assert_error(&r, 400, "invalid_query");
}

static void test_fail_before_and_after(void **state)
{
	fx *f = *state;
	char key[SIGN_NONCE_LEN + 1], ticket[TICKET_TEXT_MAX];
	resp r;
	const char *fail[] = {"--fail-rate", "1", "--seed", "7", NULL};
	char *body = request_json(40, ticket, NULL);

	start(f, fail);
	new_key(key);
	call(f, "POST", "/v1/requests", body, key, NULL, &r);
	assert_error(&r, 500, "internal");
	assert_int_equal(db_int(f, "SELECT count(*) FROM requests"), 0);
	assert_int_equal(db_int(f, "SELECT count(*) FROM idempotency"), 0);
	assert_int_equal(stat_of(f, NULL, "fail"), 1);
	/* Processed and committed, then 500: the resend gets the stored 201. */
	assert_int_equal(sim(f, "POST", "/_sim/faults", "{\"fail_rate\":0,\"fail-after-rate\":1}", &r), 200);
	call(f, "POST", "/v1/requests", body, key, NULL, &r);
	assert_error(&r, 500, "internal");
	assert_int_equal(db_int(f, "SELECT count(*) FROM requests"), 1);
	assert_int_equal(sim(f, "POST", "/_sim/faults", "{\"fail_after_rate\":0}", &r), 200);
	assert_int_equal(call(f, "POST", "/v1/requests", body, key, NULL, &r), 201);
	assert_true(r.replayed);
	json_t *v = js(&r);
	assert_string_equal(str(v, "ticket"), ticket);
	json_decref(v);
	assert_int_equal(db_int(f, "SELECT count(*) FROM requests"), 1);
	assert_int_equal(stat_of(f, NULL, "fail_after"), 1);
	reqjson_free(&body);
}

static void test_malformed_drop_slow(void **state)
{
	fx *f = *state;
	char key[SIGN_NONCE_LEN + 1];
	resp r;
	char *body = request_json(50, NULL, NULL);

	start(f, NULL);
	assert_int_equal(sim(f, "POST", "/_sim/faults", "{\"malformed_rate\":1}", &r), 200);
	new_key(key);
	assert_int_equal(call(f, "POST", "/v1/requests", body, key, NULL, &r), 200);
	assert_string_equal(r.ctype, "application/json");
	assert_null(json_loadb(r.body, r.len, 0, NULL)); /* truncated: not JSON */
	assert_int_equal(db_int(f, "SELECT count(*) FROM requests"), 1);
	assert_int_equal(sim(f, "POST", "/_sim/faults", "{\"malformed_rate\":0,\"drop_rate\":1}", &r), 200);
	call(f, "GET", "/v1/holidays?year=2026", NULL, NULL, NULL, &r);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.cc, CURLE_GOT_NOTHING);
	assert_int_equal(sim(f, "POST", "/_sim/faults", "{\"drop_rate\":0,\"slow_body_ms\":400}", &r), 200);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(call(f, "POST", "/v1/requests", body, key, NULL, &r), 201);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true(r.replayed);
	json_decref(js(&r)); /* whole, however slowly */
	assert_true((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 >= 300);
	assert_int_equal(stat_of(f, NULL, "malformed"), 1);
	assert_true(stat_of(f, NULL, "drop") >= 1); /* curl retries once on a reused connection */
	sim(f, "POST", "/_sim/faults", "{\"latency_ms\":-1}", &r);
	assert_error(&r, 400, "invalid_body");
	reqjson_free(&body);
}

static void test_no_ticket_check_and_keepalive(void **state)
{
	fx *f = *state;
	char key[SIGN_NONCE_LEN + 1];
	resp r;
	long connects = 0;
	const char *dup[] = {"--no-ticket-check", NULL};
	char *body = request_json(60, NULL, NULL);

	start(f, dup);
	for (int i = 0; i < 20; i++) {
		new_key(key);
		assert_int_equal(call(f, "POST", "/v1/requests", body, key, NULL, &r), 201);
		curl_easy_getinfo(f->c, CURLINFO_NUM_CONNECTS, &connects);
		if (i > 0)
			assert_int_equal(connects, 0); /* the same kept-alive connection */
	}
	assert_int_equal(db_int(f, "SELECT count(*) FROM requests"), 20);
	assert_int_equal(stat_of(f, "duplicates", NULL), 19);
	reqjson_free(&body);
}

static void test_restart_keeps_data(void **state)
{
	fx *f = *state;
	char key[SIGN_NONCE_LEN + 1], other_key[160];
	uint8_t other[32];
	resp r, again;
	char *body = request_json(70, NULL, NULL);

	start(f, NULL);
	new_key(key);
	assert_int_equal(call(f, "POST", "/v1/requests", body, key, NULL, &r), 201);
	assert_int_equal(fxsim_stop(&f->sim), 0);
	/* Started for another kiosk: ours stays registered in the database. */
	snprintf(other_key, sizeof other_key, "%s/other.key", f->dir);
	assert_int_equal(fxsim_write_key(other_key, other), 0);
	assert_int_equal(fxsim_start(&f->sim, CENTRAL_SIM_BIN, f->db, "OTHER-KIOSK", other_key, NULL), 0);
	assert_int_equal(call(f, "POST", "/v1/requests", body, key, NULL, &again), 201);
	assert_true(again.replayed);
	assert_int_equal(again.len, r.len);
	assert_memory_equal(again.body, r.body, r.len);
	assert_int_equal(db_int(f, "SELECT count(*) FROM requests"), 1);
	assert_int_equal(db_int(f, "SELECT count(*) FROM holders"), 6); /* seeded once */
	reqjson_free(&body);
}

/* Run the sim with ARGS; its exit status and the first line it wrote to stderr. */
static int run_bad(const char *const *args, char *line, size_t cap)
{
	int fds[2], st;
	char *argv[16] = {strdup(CENTRAL_SIM_BIN)};
	int n = 1;
	for (; args[n - 1] && n < 15; n++)
		argv[n] = strdup(args[n - 1]);
	argv[n] = NULL;
	assert_int_equal(pipe(fds), 0);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fds[1], STDERR_FILENO);
		close(fds[0]);
		execv(CENTRAL_SIM_BIN, argv);
		_exit(127);
	}
	for (int i = 0; i < n; i++)
		free(argv[i]);
	close(fds[1]);
	FILE *in = fdopen(fds[0], "r");
	line[0] = '\0';
	if (fgets(line, (int)cap, in) == NULL)
		line[0] = '\0';
	fclose(in);
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_bad_arguments(void **state)
{
	fx *f = *state;
	char line[256], kiosk[192];
	snprintf(kiosk, sizeof kiosk, "K1=%s/missing.key", f->dir);
	const char *no_port[] = {"--db", f->db, NULL};
	const char *bad_port[] = {"--port", "http", "--db", f->db, NULL};
	const char *bad_rate[] = {"--port", "0", "--db", f->db, "--fail-rate", "1.5", NULL};
	const char *unknown[] = {"--port", "0", "--db", f->db, "--frobnicate", NULL};
	const char *no_key[] = {"--port", "0", "--db", f->db, "--kiosk", kiosk, NULL};
	const char *bad_id[] = {"--port", "0", "--db", f->db, "--kiosk", "bad id=x", NULL};
	const char *bad_bind[] = {"--port", "0", "--db", f->db, "--bind", "localhost", NULL};
	const char *bad_offset[] = {"--port", "0", "--db", f->db, "--clock-offset", "3h", NULL};
	const char *far_offset[] = {"--port", "0", "--db", f->db, "--clock-offset", "-315360001", NULL};
	char tls_db[160];
	snprintf(tls_db, sizeof tls_db, "%s/tls.db", f->dir);
	const char *cert_alone[] = {"--port", "0", "--db", tls_db, "--tls-cert", f->key, NULL};
	const char *not_pem[] = {"--port", "0", "--db", tls_db, "--tls-cert", f->key, "--tls-key", f->key,
				 NULL};

	assert_int_equal(run_bad(no_port, line, sizeof line), 2);
	assert_non_null(strstr(line, "--port"));
	assert_int_equal(run_bad(bad_port, line, sizeof line), 2);
	assert_non_null(strstr(line, "--port"));
	assert_int_equal(run_bad(bad_rate, line, sizeof line), 2);
	assert_non_null(strstr(line, "1.5"));
	assert_int_equal(run_bad(unknown, line, sizeof line), 2);
	assert_non_null(strstr(line, "--frobnicate"));
	assert_int_equal(run_bad(no_key, line, sizeof line), 2);
	assert_non_null(strstr(line, "missing.key"));
	assert_int_equal(run_bad(bad_id, line, sizeof line), 2);
	assert_non_null(strstr(line, "--kiosk"));
	assert_int_equal(run_bad(bad_bind, line, sizeof line), 2);
	assert_non_null(strstr(line, "--bind"));
	assert_int_equal(run_bad(bad_offset, line, sizeof line), 2);
	assert_non_null(strstr(line, "--clock-offset"));
	assert_int_equal(run_bad(far_offset, line, sizeof line), 2);
	assert_non_null(strstr(line, "-315360001"));
	assert_int_equal(run_bad(cert_alone, line, sizeof line), 2);
	assert_non_null(strstr(line, "--tls-key"));
	/* The kiosk key file is hex, not PEM: named as the certificate at fault. */
	assert_int_equal(run_bad(not_pem, line, sizeof line), 2);
	assert_non_null(strstr(line, "--tls-cert"));
	assert_non_null(strstr(line, "kiosk.key"));
	/* Refused before the database is created. */
	assert_int_equal(access(tls_db, F_OK), -1);
}

/* A complaint note of KIND by ROLE on NUMBER, as the kiosk writes it. */
static void note_json(char *out, size_t cap, const char *number, const char *kind, const char *role,
		      const char *text)
{
	snprintf(out, cap,
		 "{\"v\":1,\"number\":\"%s\",\"kind\":\"%s\",\"role\":\"%s\",\"actor\":\"1001\","
		 "\"at\":1767232800,\"text\":\"%s\"}",
		 number, kind, role, text);
}

/* POST a note; the answer's state when 201 (else ""). */
static long post_note(fx *f, const char *number, const char *kind, const char *role, const char *text,
		      char *state, size_t cap, resp *r)
{
	char body[1400], key[SIGN_NONCE_LEN + 1];
	note_json(body, sizeof body, number, kind, role, text);
	new_key(key);
	long status = call(f, "POST", "/v1/complaints/notes", body, key, NULL, r);
	snprintf(state, cap, "%s", "");
	if (status == 201) {
		json_t *v = js(r);
		assert_string_equal(str(v, "number"), number);
		snprintf(state, cap, "%s", str(v, "state"));
		json_decref(v);
	}
	return status;
}

static void test_complaint_notes(void **state)
{
	fx *f = *state;
	char key[SIGN_NONCE_LEN + 1], body[1400], st[32], long_text[1002];
	resp r, again;
	static const char complaint[] =
		"{\"v\":1,\"number\":\"ADU-ABCD-EFGH\",\"kiosk_id\":\"" KIOSK "\","
		"\"category\":\"waiting_time\",\"text\":\"Antrean terlalu lama\",\"ticket\":\"\","
		"\"contact\":\"\",\"at\":1767229200}";

	start(f, NULL);
	new_key(key);
	assert_int_equal(call(f, "POST", "/v1/complaints", complaint, key, NULL, &r), 201);

	/* A response: 201 with the state after it; the resend is the same answer. */
	note_json(body, sizeof body, "ADU-ABCD-EFGH", "response", "officer", "Kami tambah petugas loket.");
	new_key(key);
	assert_int_equal(call(f, "POST", "/v1/complaints/notes", body, key, NULL, &r), 201);
	assert_false(r.replayed);
	json_t *v = js(&r);
	assert_string_equal(str(v, "number"), "ADU-ABCD-EFGH");
	assert_string_equal(str(v, "state"), "responded");
	json_decref(v);
	assert_int_equal(call(f, "POST", "/v1/complaints/notes", body, key, NULL, &again), 201);
	assert_true(again.replayed);
	assert_int_equal(again.len, r.len);
	assert_memory_equal(again.body, r.body, r.len);
	note_json(body, sizeof body, "ADU-ABCD-EFGH", "response", "officer", "Teks lain.");
	call(f, "POST", "/v1/complaints/notes", body, key, NULL, &r);
	assert_error(&r, 422, "idempotency_key_reused");
	call(f, "POST", "/v1/complaints/notes", body, NULL, NULL, &r);
	assert_error(&r, 400, "missing_idempotency_key");
	assert_int_equal(db_int(f, "SELECT count(*) FROM complaint_notes"), 1);
	assert_int_equal(db_int(f, "SELECT count(*) FROM complaint_notes WHERE number = 'ADU-ABCD-EFGH'"
				   " AND kind = 'response' AND role = 'officer' AND actor = '1001'"
				   " AND at = 1767232800 AND state = 'responded' AND kiosk_id = '" KIOSK "'"),
			 1);

	/* Escalated: the officer may no longer answer it, the supervisor may
	 * (it stays escalated) and resolves it; nothing moves it after that. */
	assert_int_equal(post_note(f, "ADU-ABCD-EFGH", "escalation", "officer", "Ke kepala seksi.", st, sizeof st,
				   &r),
			 201);
	assert_string_equal(st, "escalated");
	post_note(f, "ADU-ABCD-EFGH", "response", "officer", "Sudah ditangani.", st, sizeof st, &r);
	assert_error(&r, 409, "state_conflict");
	v = js(&r);
	assert_string_equal(str(json_object_get(v, "error"), "state"), "escalated");
	json_decref(v);
	assert_int_equal(post_note(f, "ADU-ABCD-EFGH", "response", "supervisor", "Loket tambahan besok.", st,
				   sizeof st, &r),
			 201);
	assert_string_equal(st, "escalated");
	post_note(f, "ADU-ABCD-EFGH", "escalation", "supervisor", "Ke siapa?", st, sizeof st, &r);
	assert_error(&r, 403, "forbidden_move");
	post_note(f, "ADU-ABCD-EFGH", "response", "applicant", "Terima kasih.", st, sizeof st, &r);
	assert_error(&r, 403, "forbidden_move");
	assert_int_equal(post_note(f, "ADU-ABCD-EFGH", "resolution", "supervisor", "Loket tambahan dibuka.", st,
				   sizeof st, &r),
			 201);
	assert_string_equal(st, "resolved");
	post_note(f, "ADU-ABCD-EFGH", "resolution", "supervisor", "Lagi.", st, sizeof st, &r);
	assert_error(&r, 409, "state_conflict");
	assert_int_equal(db_int(f, "SELECT count(*) FROM complaint_notes"), 4);

	/* An unknown number. */
	post_note(f, "ADU-ZZZZ-ZZZZ", "response", "officer", "Baik.", st, sizeof st, &r);
	assert_error(&r, 404, "unknown_complaint");

	/* Bodies that are not a note of version 1: nothing stored. */
	memset(long_text, 'x', sizeof long_text - 1);
	long_text[sizeof long_text - 1] = '\0';
	static const char *const bad[] = {
		"{\"v\":1,\"number\":\"ADU-ABCD-EFGH\",\"kind\":\"response\",\"role\":\"officer\","
		"\"actor\":\"1001\",\"at\":1}",
		"{\"v\":2,\"number\":\"ADU-ABCD-EFGH\",\"kind\":\"response\",\"role\":\"officer\","
		"\"actor\":\"1001\",\"at\":1,\"text\":\"x\"}",
		"{\"v\":1,\"number\":\"ADU-ABCD-EFGH\",\"kind\":\"response\",\"role\":\"officer\","
		"\"actor\":\"1001\",\"at\":1,\"text\":\"x\",\"extra\":1}",
		"{\"v\":1,\"number\":\"ADU-abcd-EFGH\",\"kind\":\"response\",\"role\":\"officer\","
		"\"actor\":\"1001\",\"at\":1,\"text\":\"x\"}",
		"{\"v\":1,\"number\":\"ADU-ABCD-EFGH\",\"kind\":\"answer\",\"role\":\"officer\","
		"\"actor\":\"1001\",\"at\":1,\"text\":\"x\"}",
		"{\"v\":1,\"number\":\"ADU-ABCD-EFGH\",\"kind\":\"response\",\"role\":\"citizen\","
		"\"actor\":\"1001\",\"at\":1,\"text\":\"x\"}",
		"{\"v\":1,\"number\":\"ADU-ABCD-EFGH\",\"kind\":\"response\",\"role\":\"officer\","
		"\"actor\":\"\",\"at\":1,\"text\":\"x\"}",
		"{\"v\":1,\"number\":\"ADU-ABCD-EFGH\",\"kind\":\"response\",\"role\":\"officer\","
		"\"actor\":\"1001\",\"at\":-1,\"text\":\"x\"}",
		"{\"v\":1,\"number\":\"ADU-ABCD-EFGH\",\"kind\":\"response\",\"role\":\"officer\","
		"\"actor\":\"1001\",\"at\":1,\"text\":\"\"}",
		"[]",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		new_key(key);
		call(f, "POST", "/v1/complaints/notes", bad[i], key, NULL, &r);
		assert_error(&r, 400, "invalid_body");
	}
	post_note(f, "ADU-ABCD-EFGH", "response", "supervisor", long_text, st, sizeof st, &r);
	assert_error(&r, 400, "invalid_body");
	assert_int_equal(db_int(f, "SELECT count(*) FROM complaint_notes"), 4);
	assert_int_equal(call(f, "GET", "/v1/complaints/notes", NULL, NULL, NULL, &r), 405);
}

/* ---- staff mode (issue 6): what the central service makes of an officer's work -------- */

#define NIK_SITI_CERT "3375014101900001" /* seeded: one valid certificate, 5A0F000000000003 */
#define NIK_NO_CERT "3375011508880005"   /* seeded: owns none */

/* The made-up holders the scenario tests rely on (central/README.md). */
static void test_certificate_holders(void **state)
{
	fx *f = *state;
	resp r;

	start(f, NULL);
	assert_int_equal(call(f, "POST", "/v1/certificates/lookup", "{\"nik\":\"" NIK_SITI_CERT "\"}", NULL,
			      NULL, &r),
			 200);
	json_t *v = js(&r), *list = json_object_get(v, "certificates");
	assert_int_equal(json_array_size(list), 1);
	assert_string_equal(str(json_array_get(list, 0), "serial"), "5A0F000000000003");
	assert_string_equal(str(json_array_get(list, 0), "status"), "valid");
	assert_string_equal(str(json_array_get(list, 0), "issuer"), "BSrE");
	assert_string_equal(str(json_array_get(list, 0), "subject"), "Siti Nur'aini");
	assert_int_equal(num(json_array_get(list, 0), "not_after"), 1830297600);
	json_decref(v);
	assert_int_equal(call(f, "POST", "/v1/certificates/lookup", "{\"nik\":\"" NIK_NO_CERT "\"}", NULL, NULL,
			      &r),
			 200);
	v = js(&r);
	assert_int_equal(json_array_size(json_object_get(v, "certificates")), 0);
	json_decref(v);
}

/* Move TICKET along TO[0..N) (FROM first) with kiosk events; each 201. */
static void walk(fx *f, const char *ticket, const char *from, const char *const *to, int n)
{
	resp r;
	for (int i = 0; i < n; i++) {
		if (event(f, ticket, from, to[i], "officer", "", &r) != 201)
			fail_msg("%s -> %s: HTTP %ld %s", from, to[i], r.status, r.body);
		from = to[i];
	}
}

/* The changes of this kiosk's feed from 0 (at most 500). */
static json_t *feed(fx *f)
{
	return changes(f, "?since=0&limit=500", 200);
}

/* Count the changes of FEED of TYPE, and of those with KIND (notes) or
 * whose event goes TO (events) when not NULL. */
static size_t count_changes(json_t *page, const char *type, const char *what)
{
	size_t n = 0, i;
	json_t *c;
	json_array_foreach (json_object_get(page, "changes"), i, c) {
		if (strcmp(str(c, "type"), type) != 0)
			continue;
		if (what == NULL ||
		    (strcmp(type, "event") == 0 ? strcmp(str(json_object_get(c, "event"), "to"), what) == 0
						 : strcmp(str(c, "kind"), what) == 0))
			n++;
	}
	return n;
}

/* A kiosk's move to rejected or notified tells the applicant (sms and
 * e-mail); the notes come back in the kiosk's own feed (its status screen
 * shows what was sent), its own events do not. */
static void test_event_notifications(void **state)
{
	fx *f = *state;
	char t[TICKET_TEXT_MAX], t2[TICKET_TEXT_MAX], t3[TICKET_TEXT_MAX], sql[256];
	char body[2048], reason[600], key[SIGN_NONCE_LEN + 1];
	resp r;
	static const char *const verify[] = {"in_verification"};
	static const char *const finish[] = {"in_verification", "accepted", "approved", "informed", "notified"};

	start(f, NULL);
	submit(f, 40, t);
	walk(f, t, "received", verify, 1);
	assert_int_equal(db_int(f, "SELECT count(*) FROM notifications WHERE kind <> 'received'"), 0);
	assert_int_equal(event(f, t, "in_verification", "rejected", "officer", "data_mismatch: NIP tidak cocok", &r),
			 201);
	snprintf(sql, sizeof sql,
		 "SELECT count(*) FROM notifications WHERE ticket = '%s' AND kind = 'rejected' AND cause = 'event'"
		 " AND recipient <> '' AND text = 'Permohonan perubahan data %s ditolak. Alasan: data_mismatch:"
		 " NIP tidak cocok'",
		 t, t);
	assert_int_equal(db_int(f, sql), 2);
	assert_int_equal(db_int(f, "SELECT count(DISTINCT channel) FROM notifications WHERE kind = 'rejected'"), 2);

	submit(f, 41, t2);
	walk(f, t2, "received", finish, 5);
	snprintf(sql, sizeof sql,
		 "SELECT count(*) FROM notifications WHERE ticket = '%s' AND kind = 'data_changed'"
		 " AND text = 'Data Anda telah diubah sesuai permohonan %s.'",
		 t2, t2);
	assert_int_equal(db_int(f, sql), 2);

	json_t *p = feed(f);
	assert_int_equal(count_changes(p, "event", NULL), 0);
	assert_int_equal(count_changes(p, "notification", "rejected"), 2);
	assert_int_equal(count_changes(p, "notification", "data_changed"), 2);
	assert_int_equal(count_changes(p, "notification", "received"), 2);
	json_decref(p);

	/* A long reason in another script is cut to a note's 255 bytes at a
	 * character boundary (a kiosk refuses longer notes, and the whole page
	 * with them). */
	submit(f, 42, t3);
	walk(f, t3, "received", verify, 1);
	size_t len = (size_t)snprintf(reason, sizeof reason, "other: ");
	while (len + 2 < 500)
		len += (size_t)snprintf(reason + len, sizeof reason - len, "\xC3\xA9");
	snprintf(body, sizeof body,
		 "{\"v\":1,\"ticket\":\"%s\",\"from\":\"in_verification\",\"to\":\"rejected\",\"role\":\"officer\","
		 "\"actor\":\"verifikator-1\",\"at\":%lld,\"reason\":\"%s\"}",
		 t3, (long long)time(NULL), reason);
	new_key(key);
	assert_int_equal(call(f, "POST", "/v1/events", body, key, NULL, &r), 201);
	snprintf(sql, sizeof sql,
		 "SELECT max(length(CAST(text AS BLOB))) FROM notifications WHERE ticket = '%s'"
		 " AND kind = 'rejected'",
		 t3);
	int64_t bytes = db_int(f, sql);
	assert_true(bytes <= 255 && bytes >= 250);
	p = feed(f); /* 200: the cut left valid UTF-8 */
	assert_int_equal(count_changes(p, "notification", "rejected"), 4);
	json_decref(p);
}

/* The central decision wins: once the central desk rejected a request, a
 * kiosk's move from an older state is refused with the central state. */
static void test_central_decision_conflict(void **state)
{
	fx *f = *state;
	char t[TICKET_TEXT_MAX], body[256];
	resp r;

	start(f, NULL);
	submit(f, 50, t);
	snprintf(body, sizeof body, "{\"ticket\":\"%s\",\"to\":\"in_verification\",\"role\":\"officer\"}", t);
	assert_int_equal(sim(f, "POST", "/_sim/events", body, &r), 201);
	snprintf(body, sizeof body, "{\"ticket\":\"%s\",\"to\":\"rejected\",\"role\":\"officer\"}", t);
	sim(f, "POST", "/_sim/events", body, &r);
	assert_error(&r, 400, "invalid_body"); /* a rejection needs a reason */
	snprintf(body, sizeof body,
		 "{\"ticket\":\"%s\",\"to\":\"rejected\",\"role\":\"officer\",\"actor\":\"verif-pusat\","
		 "\"reason\":\"incomplete: KTP tidak dibawa\"}",
		 t);
	assert_int_equal(sim(f, "POST", "/_sim/events", body, &r), 201);
	/* The kiosk, offline meanwhile, verified and accepted it. */
	for (int i = 0; i < 2; i++) {
		event(f, t, i ? "in_verification" : "received", i ? "accepted" : "in_verification", "officer", "",
		      &r);
		assert_error(&r, 409, "state_conflict");
		json_t *v = js(&r);
		assert_string_equal(str(json_object_get(v, "error"), "state"), "rejected");
		json_decref(v);
	}
	/* Its feed carries both central moves and the applicant's notes. */
	json_t *p = feed(f);
	assert_int_equal(count_changes(p, "event", "in_verification"), 1);
	assert_int_equal(count_changes(p, "event", "rejected"), 1);
	assert_int_equal(count_changes(p, "notification", "rejected"), 2);
	size_t i;
	json_t *c;
	json_array_foreach (json_object_get(p, "changes"), i, c) {
		if (strcmp(str(c, "type"), "event") == 0 &&
		    strcmp(str(json_object_get(c, "event"), "to"), "rejected") == 0) {
			assert_string_equal(str(json_object_get(c, "event"), "from"), "in_verification");
			assert_string_equal(str(json_object_get(c, "event"), "reason"), "incomplete: KTP tidak dibawa");
			assert_string_equal(str(json_object_get(c, "event"), "actor"), "verif-pusat");
		}
	}
	json_decref(p);
}

/* A revocation of a request in revocation_required moves it centrally to
 * revoked (central, "bsre"), as the kiosk records it; the submitting kiosk
 * hears of it from its feed only when another kiosk asked. */
static void test_revocation_moves_ticket(void **state)
{
	fx *f = *state;
	char t[TICKET_TEXT_MAX], t2[TICKET_TEXT_MAX], body[256], key[SIGN_NONCE_LEN + 1], other[300], sql[256];
	resp r;
	static const char *const to_rr[] = {"in_verification", "accepted", "approved", "informed",
					    "revocation_required"};

	snprintf(other, sizeof other, "OTHER-KIOSK-2=%s", f->key);
	const char *extra[] = {"--kiosk", other, NULL};
	start(f, extra);
	submit(f, 60, t);
	walk(f, t, "received", to_rr, 5);
	snprintf(body, sizeof body,
		 "{\"v\":1,\"ticket\":\"%s\",\"serial\":\"5A0F000000000003\",\"reason\":\"identity_changed\","
		 "\"actor\":\"1001\",\"at\":%lld}",
		 t, (long long)time(NULL));
	new_key(key);
	assert_int_equal(call(f, "POST", "/v1/revocations", body, key, NULL, &r), 201);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM tickets WHERE ticket = '%s' AND state = 'revoked'", t);
	assert_int_equal(db_int(f, sql), 1);
	snprintf(sql, sizeof sql,
		 "SELECT count(*) FROM events WHERE ticket = '%s' AND from_state = 'revocation_required'"
		 " AND to_state = 'revoked' AND role = 'central' AND actor = 'bsre' AND kiosk_id IS NULL",
		 t);
	assert_int_equal(db_int(f, sql), 1);
	assert_int_equal(db_int(f, "SELECT count(*) FROM notifications WHERE kind = 'certificate_revoked'"
				   " AND text LIKE '%dicabut: identitas berubah%'"),
			 2);
	json_t *p = feed(f);
	assert_int_equal(count_changes(p, "event", NULL), 0); /* its own revocation */
	assert_int_equal(count_changes(p, "notification", "certificate_revoked"), 2);
	json_decref(p);
	/* The kiosk goes on from revoked. */
	assert_int_equal(event(f, t, "revoked", "notified", "officer", "", &r), 201);

	/* Another kiosk asks for the revocation of this kiosk's request. */
	submit(f, 61, t2);
	walk(f, t2, "received", to_rr, 5);
	snprintf(body, sizeof body,
		 "{\"v\":1,\"ticket\":\"%s\",\"serial\":\"5A0F000000000004\",\"reason\":\"identity_changed\","
		 "\"actor\":\"2001\",\"at\":%lld}",
		 t2, (long long)time(NULL));
	new_key(key);
	assert_int_equal(call(f, "POST", "/v1/revocations", body, key, &(how){.kiosk = "OTHER-KIOSK-2"}, &r), 201);
	p = feed(f);
	assert_int_equal(count_changes(p, "event", "revoked"), 1);
	size_t i;
	json_t *c;
	json_array_foreach (json_object_get(p, "changes"), i, c) {
		if (strcmp(str(c, "type"), "event") == 0) {
			json_t *ev = json_object_get(c, "event");
			assert_string_equal(str(ev, "ticket"), t2);
			assert_string_equal(str(ev, "from"), "revocation_required");
			assert_string_equal(str(ev, "role"), "central");
			assert_string_equal(str(ev, "actor"), "bsre");
		}
	}
	json_decref(p);
	/* Already revoked (200), for a ticket not in revocation_required: the
	 * ticket keeps its state. */
	new_key(key);
	assert_int_equal(call(f, "POST", "/v1/revocations", body, key, NULL, &r), 200);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM tickets WHERE ticket = '%s' AND state = 'revoked'", t2);
	assert_int_equal(db_int(f, sql), 1);
	assert_int_equal(db_int(f, "SELECT count(*) FROM events WHERE actor = 'bsre'"), 2);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_health_and_routes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_auth_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clock_offset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_submit_replay_reuse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_in_flight, setup, teardown),
		cmocka_unit_test_setup_teardown(test_events, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changes_feed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_certificates_and_revocation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_complaint_survey_holidays, setup, teardown),
		cmocka_unit_test_setup_teardown(test_complaint_notes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fail_before_and_after, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_drop_slow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_ticket_check_and_keepalive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restart_keeps_data, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_arguments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_certificate_holders, setup, teardown),
		cmocka_unit_test_setup_teardown(test_event_notifications, setup, teardown),
		cmocka_unit_test_setup_teardown(test_central_decision_conflict, setup, teardown),
		cmocka_unit_test_setup_teardown(test_revocation_moves_ticket, setup, teardown),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}

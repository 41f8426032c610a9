/*
 * test_engine: the sync engine (sync/engine.c) against kiosk-central-sim:
 * what reaches the central service, what stays queued, and what staff and
 * citizens see, through offline periods, refusals, bad answers, the change
 * feed and retention.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <sqlite3.h>

#include "desk.h"
#include "engine.h"
#include "fixture_req.h"
#include "fixture_sim.h"
#include "queue.h"

#ifndef CENTRAL_SIM_BIN
#error "CENTRAL_SIM_BIN must name the kiosk-central-sim binary (the build defines it)"
#endif

#define KIOSK "TEST-KIOSK-01"

typedef struct fx {
	char dir[64], kiosk_db[128], central_db[128], key[128];
	uint8_t secret[32];
	fxsim sim;
	queue *q;
	sync_engine *e;
	char log[8192]; /* what the engine logged, one line each */
	size_t log_len;
	int wakes;
} fx;

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Engine log lines are collected (the engine thread writes, the test reads
 * after stopping or between waits; a torn read only affects a message). */
static void collect(void *ctx, sync_log_level level, const char *line)
{
	fx *f = ctx;
	(void)level;
	int n = snprintf(f->log + f->log_len, sizeof f->log - f->log_len, "%s\n", line);
	if (n > 0 && f->log_len + (size_t)n < sizeof f->log)
		f->log_len += (size_t)n;
}

static void woke(void *ctx)
{
	((fx *)ctx)->wakes++;
}

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "/tmp/test-engine-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->kiosk_db, sizeof f->kiosk_db, "%s/kiosk.db", f->dir);
	snprintf(f->central_db, sizeof f->central_db, "%s/central.db", f->dir);
	snprintf(f->key, sizeof f->key, "%s/kiosk.key", f->dir);
	assert_int_equal(fxsim_write_key(f->key, f->secret), 0);
	assert_int_equal(queue_open(&f->q, f->kiosk_db, NULL), QUEUE_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	char cmd[128];
	sync_stop(&f->e);
	queue_close(&f->q);
	if (f->sim.pid > 0)
		fxsim_stop(&f->sim);
	snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static void start_sim(fx *f, const char *const *extra)
{
	assert_int_equal(fxsim_start(&f->sim, CENTRAL_SIM_BIN, f->central_db, KIOSK, f->key, extra), 0);
}

/* Start the engine on URL (NULL: the sim) with fast retries. */
static void start_engine(fx *f, const char *url, int retention_days)
{
	char why[160];
	sync_opts o = {
		.db_path = f->kiosk_db,
		.base_url = url ? url : f->sim.url,
		.kiosk_id = KIOSK,
		.connect_timeout_ms = 500,
		.total_timeout_ms = 2000,
		.retry_base_ms = 20,
		.retry_cap_ms = 200,
		.poll_ms = 200,
		.retention_days = retention_days,
		.log = collect,
		.log_ctx = f,
		.notify = woke,
		.notify_ctx = f,
	};
	memcpy(o.secret, f->secret, sizeof o.secret);
	assert_int_equal(sync_start(&f->e, &o, why, sizeof why), 0);
}

/* Submit made-up request number I; its ticket goes to TICKET. */
static void submit(fx *f, int i, int64_t at, char ticket[TICKET_TEXT_MAX])
{
	req r;
	rstate_event first;
	assert_int_equal(fx_queued(&r, &first, (unsigned)i, KIOSK, at), RSTATE_OK);
	assert_int_equal(queue_submit(f->q, &r, &first, at + 7 * 86400, at + 86400, false), QUEUE_OK);
	snprintf(ticket, TICKET_TEXT_MAX, "%s", r.ticket);
	req_wipe(&r);
}

static int64_t count(fx *f, const char *state)
{
	int64_t n = -1;
	assert_int_equal(queue_outbox_count(f->q, state, &n), QUEUE_OK);
	return n;
}

/* Wait (at most MS) until the outbox has WANT entries in STATE. */
static bool wait_count(fx *f, const char *state, int64_t want, int ms)
{
	int64_t until = mono_ms() + ms;
	while (mono_ms() < until) {
		if (count(f, state) == want)
			return true;
		usleep(10000);
	}
	return count(f, state) == want;
}

static sync_status status(fx *f)
{
	sync_status st;
	sync_get_status(f->e, &st);
	return st;
}

/* An integer from the central database. */
static int64_t central_int(fx *f, const char *sql)
{
	return fxsim_db_int(f->central_db, sql);
}

/* POST JSON to one of the sim's /_sim endpoints; the HTTP status. */
static long sim_post(fx *f, const char *path, const char *json)
{
	char url[128];
	long code = 0;
	CURL *c = curl_easy_init();
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
	snprintf(url, sizeof url, "http://127.0.0.1:%d%s", f->sim.port, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, json);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	FILE *devnull = fopen("/dev/null", "w");
	curl_easy_setopt(c, CURLOPT_WRITEDATA, devnull);
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	fclose(devnull);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return code;
}

/* ---- tests ------------------------------------------------------------------------ */

/* Online: a submitted request reaches the central service once, byte for
 * byte, and the citizen's status shows "received". */
static void test_delivers_and_marks_received(void **state)
{
	fx *f = *state;
	char ticket[TICKET_TEXT_MAX];
	queue_status qs;

	start_sim(f, NULL);
	start_engine(f, NULL, 0);
	submit(f, 0, time(NULL), ticket);
	sync_kick(f->e);
	assert_true(wait_count(f, "done", 1, 5000));
	assert_int_equal(central_int(f, "SELECT count(*) FROM requests"), 1);
	assert_int_equal(queue_lookup(f->q, ticket, "0001", &qs), QUEUE_OK);
	assert_int_equal(qs.r.state, RSTATE_RECEIVED);
	assert_int_equal(qs.events[qs.n_events - 1].role, RROLE_CENTRAL);
	queue_status_wipe(&qs);
	sync_status st = status(f);
	assert_true(st.online);
	assert_int_equal(st.pending, 0);
	assert_true(st.last_success > 0);
	assert_true(f->wakes > 0);
}

/* Offline: nothing is lost, the status says offline with the count, and
 * everything goes once the service is back. */
static void test_offline_then_back(void **state)
{
	fx *f = *state;
	char ticket[TICKET_TEXT_MAX];

	/* A port nobody listens on: reserve one by starting and stopping the sim. */
	start_sim(f, NULL);
	int port = f->sim.port;
	fxsim_stop(&f->sim);
	char url[64];
	snprintf(url, sizeof url, "http://127.0.0.1:%d/v1", port);
	start_engine(f, url, 0);
	for (int i = 0; i < 3; i++)
		submit(f, i, time(NULL), ticket);
	sync_kick(f->e);
	usleep(300000);
	sync_status st = status(f);
	assert_false(st.online);
	assert_int_equal(st.pending, 3);
	assert_non_null(strstr(st.last_error, "network"));
	assert_int_equal(count(f, "done"), 0);
	sync_stop(&f->e);

	start_sim(f, NULL);
	start_engine(f, NULL, 0);
	assert_true(wait_count(f, "done", 3, 5000));
	assert_int_equal(central_int(f, "SELECT count(DISTINCT ticket) FROM requests"), 3);
	assert_non_null(strstr(f->log, "unreachable"));
}

/* A refusal for good (an event for a ticket the service does not know)
 * becomes a dead letter with its reason; it holds nothing back. */
static void test_refusal_is_dead_letter(void **state)
{
	fx *f = *state;
	char ticket[TICKET_TEXT_MAX], other[TICKET_TEXT_MAX];
	rstate_event ev;
	rstate s = RSTATE_RECEIVED;

	start_sim(f, NULL);
	/* An event about a request the central service never got: stored locally
	 * without its request entry being sent (the engine is not running). */
	submit(f, 0, time(NULL), ticket);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(f->kiosk_db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "UPDATE outbox SET state = 'done', payload = ''", NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "UPDATE requests SET state = 'received'", NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(rstate_apply(&s, RSTATE_IN_VERIFICATION, RROLE_OFFICER, "verifikator-1", time(NULL),
				      NULL, &ev), RSTATE_OK);
	assert_int_equal(queue_append_event(f->q, ticket, &ev, true), QUEUE_OK);
	submit(f, 1, time(NULL), other);

	start_engine(f, NULL, 0);
	assert_true(wait_count(f, "dead", 1, 5000));
	assert_true(wait_count(f, "done", 2, 5000)); /* the next request went through */
	queue_letter l[4];
	int n = 0;
	assert_int_equal(queue_outbox_dead(f->q, l, 4, &n), QUEUE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(l[0].kind, QUEUE_KIND_EVENT);
	assert_string_equal(l[0].ticket, ticket);
	assert_non_null(strstr(l[0].reason, "404"));
	assert_non_null(strstr(l[0].reason, "unknown_ticket"));
	assert_int_equal(status(f).dead, 1);
	assert_non_null(strstr(f->log, "refused for good"));
}

/* Malformed answers (a 200 with truncated JSON) leave the entry queued,
 * with one clear line; it goes through once answers are sound again. */
static void test_bad_answers_keep_queue(void **state)
{
	fx *f = *state;
	char ticket[TICKET_TEXT_MAX];
	const char *bad[] = {"--malformed-rate", "1", NULL};

	start_sim(f, bad);
	start_engine(f, NULL, 0);
	submit(f, 0, time(NULL), ticket);
	sync_kick(f->e);
	usleep(400000);
	assert_int_equal(count(f, "done"), 0);
	assert_int_equal(count(f, "dead"), 0);
	/* One query: the engine may claim the entry between two counts. */
	assert_int_equal(fxsim_db_int(f->kiosk_db, "SELECT count(*) FROM outbox"
				      " WHERE state IN ('pending', 'in_flight')"), 1);
	assert_non_null(strstr(f->log, "bad answer"));
	assert_null(strstr(f->log, "Siti")); /* no personal data in any line */
	assert_int_equal(sim_post(f, "/_sim/faults", "{\"malformed_rate\":0}"), 200);
	assert_true(wait_count(f, "done", 1, 5000));
	/* Stored once, although it was "received" several times before. */
	assert_int_equal(central_int(f, "SELECT count(*) FROM requests"), 1);
}

/* A wrong secret: the service says 401; the entry stays and the status
 * says authentication was refused. */
static void test_wrong_secret(void **state)
{
	fx *f = *state;
	char ticket[TICKET_TEXT_MAX];

	start_sim(f, NULL);
	f->secret[0] ^= 0xff;
	start_engine(f, NULL, 0);
	submit(f, 0, time(NULL), ticket);
	sync_kick(f->e);
	usleep(300000);
	sync_status st = status(f);
	assert_true(st.auth_refused);
	assert_int_equal(count(f, "dead"), 0);
	assert_int_equal(count(f, "done"), 0);
	assert_non_null(strstr(f->log, "signature"));
}

/* Changes made centrally arrive as events and notes on the local request,
 * once, even when pulled again. */
static void test_pulls_changes(void **state)
{
	fx *f = *state;
	char ticket[TICKET_TEXT_MAX], body[256];
	queue_status qs;

	start_sim(f, NULL);
	start_engine(f, NULL, 0);
	submit(f, 0, time(NULL), ticket);
	sync_kick(f->e);
	assert_true(wait_count(f, "done", 1, 5000));
	snprintf(body, sizeof body,
		 "{\"ticket\":\"%s\",\"to\":\"in_verification\",\"role\":\"officer\","
		 "\"actor\":\"verifikator-pusat\",\"reason\":\"\"}", ticket);
	assert_int_equal(sim_post(f, "/_sim/events", body), 201);
	int64_t until = mono_ms() + 5000;
	rstate now = RSTATE_RECEIVED;
	while (mono_ms() < until && now != RSTATE_IN_VERIFICATION) {
		sync_kick(f->e);
		usleep(50000);
		assert_int_equal(queue_lookup(f->q, ticket, "0001", &qs), QUEUE_OK);
		now = qs.r.state;
		queue_status_wipe(&qs);
	}
	assert_int_equal(now, RSTATE_IN_VERIFICATION);
	int64_t cursor = 0;
	assert_int_equal(queue_mark_get(f->q, QUEUE_MARK_CHANGES_CURSOR, &cursor), QUEUE_OK);
	assert_true(cursor > 0);
	/* Pull again from scratch: the same change is a repeat, not a second event. */
	assert_int_equal(queue_lookup(f->q, ticket, "0001", &qs), QUEUE_OK);
	int events = qs.n_events;
	queue_status_wipe(&qs);
	sync_kick(f->e);
	usleep(300000);
	assert_int_equal(queue_lookup(f->q, ticket, "0001", &qs), QUEUE_OK);
	assert_int_equal(qs.n_events, events);
	queue_status_wipe(&qs);
}

/* Stopping while the service hangs ends within the exchange's timeout and
 * leaves the entry to be resent with its key. */
static void test_stop_during_slow_answer(void **state)
{
	fx *f = *state;
	char ticket[TICKET_TEXT_MAX];
	const char *slow[] = {"--latency-ms", "1500", NULL};

	start_sim(f, slow);
	start_engine(f, NULL, 0);
	submit(f, 0, time(NULL), ticket);
	sync_kick(f->e);
	usleep(200000);
	int64_t t0 = mono_ms();
	sync_stop(&f->e);
	assert_true(mono_ms() - t0 < 2500);
	assert_int_equal(count(f, "dead"), 0);
	assert_int_equal(fxsim_db_int(f->kiosk_db, "SELECT count(*) FROM outbox"
				      " WHERE state IN ('done', 'pending', 'in_flight')"), 1);
	assert_int_equal(sim_post(f, "/_sim/faults", "{\"latency_ms\":0}"), 200);
	start_engine(f, NULL, 0);
	assert_true(wait_count(f, "done", 1, 5000));
	assert_int_equal(central_int(f, "SELECT count(*) FROM requests"), 1);
}

/* ---- the certificate lookup and staff mode (issue 6) --------------------------------- */

#define NIK_SITI_CERT "3375014101900001" /* the sim's holder of 5A0F000000000003 (valid) */
#define NIK_NO_CERT "3375011508880005"   /* the sim's holder of none */

/* Wait (at most MS) until the lookup is no longer running; its result. */
static sync_lookup wait_lookup(fx *f, int ms)
{
	sync_lookup lk;
	int64_t until = mono_ms() + ms;
	do {
		sync_lookup_get(f->e, &lk);
		if (lk.state != SYNC_LOOKUP_RUNNING)
			break;
		usleep(5000);
	} while (mono_ms() < until);
	return lk;
}

/* A holder with a valid certificate, one with none; bad NIKs refused; one
 * job at a time; the answer's name and the NIK never reach a log line. */
static void test_lookup(void **state)
{
	fx *f = *state;
	sync_lookup lk;

	start_sim(f, NULL);
	start_engine(f, NULL, 0);
	sync_lookup_get(f->e, &lk);
	assert_int_equal(lk.state, SYNC_LOOKUP_IDLE);
	int wakes = f->wakes;
	int64_t t0 = mono_ms();
	assert_int_equal(sync_lookup_start(f->e, NIK_SITI_CERT), 0);
	lk = wait_lookup(f, 5000);
	assert_true(mono_ms() - t0 < 2000); /* not behind the 200 ms poll, and no queue */
	assert_int_equal(lk.state, SYNC_LOOKUP_DONE);
	assert_int_equal(lk.n, 1);
	assert_string_equal(lk.certs[0].serial, "5A0F000000000003");
	assert_string_equal(lk.certs[0].status, "valid");
	assert_string_equal(lk.certs[0].issuer, "BSrE");
	assert_int_equal(lk.certs[0].not_after, 1830297600);
	assert_string_equal(lk.error, "");
	assert_true(f->wakes > wakes);

	assert_int_equal(sync_lookup_start(f->e, NIK_NO_CERT), 0);
	lk = wait_lookup(f, 5000);
	assert_int_equal(lk.state, SYNC_LOOKUP_DONE);
	assert_int_equal(lk.n, 0);

	const char *bad[] = {"", "337501410190000", "33750141019000011", "337501410190000X", NULL};
	for (int i = 0; i < 5; i++)
		assert_int_equal(sync_lookup_start(f->e, bad[i]), -1);

	/* One at a time: a second start while the first is on the (slow) wire. */
	assert_int_equal(sim_post(f, "/_sim/faults", "{\"latency_ms\":300}"), 200);
	assert_int_equal(sync_lookup_start(f->e, NIK_SITI_CERT), 0);
	assert_int_equal(sync_lookup_start(f->e, NIK_NO_CERT), -1);
	lk = wait_lookup(f, 5000);
	assert_int_equal(lk.state, SYNC_LOOKUP_DONE);
	assert_int_equal(lk.n, 1);
	/* Cleared while on the wire: the late answer is dropped, nothing kept. */
	assert_int_equal(sync_lookup_start(f->e, NIK_SITI_CERT), 0);
	usleep(50000);
	sync_lookup_clear(f->e);
	sync_lookup_get(f->e, &lk);
	assert_int_equal(lk.state, SYNC_LOOKUP_IDLE);
	usleep(600000);
	sync_lookup_get(f->e, &lk);
	assert_int_equal(lk.state, SYNC_LOOKUP_IDLE);
	assert_int_equal(lk.n, 0);
	assert_string_equal(lk.certs[0].serial, "");
	/* And a new one after the clear is answered. */
	assert_int_equal(sim_post(f, "/_sim/faults", "{\"latency_ms\":0}"), 200);
	assert_int_equal(sync_lookup_start(f->e, NIK_NO_CERT), 0);
	lk = wait_lookup(f, 5000);
	assert_int_equal(lk.state, SYNC_LOOKUP_DONE);
	assert_int_equal(lk.n, 0);
	sync_stop(&f->e);
	assert_null(strstr(f->log, "3375"));
	assert_null(strstr(f->log, "Siti"));
}

/* The central service is down, or answers nonsense: FAILED with a reason
 * that names the cause and nothing personal. */
static void test_lookup_failures(void **state)
{
	fx *f = *state;
	sync_lookup lk;
	char url[64];

	start_sim(f, NULL);
	int port = f->sim.port;
	fxsim_stop(&f->sim);
	snprintf(url, sizeof url, "http://127.0.0.1:%d/v1", port);
	start_engine(f, url, 0);
	assert_int_equal(sync_lookup_start(f->e, NIK_SITI_CERT), 0);
	lk = wait_lookup(f, 5000);
	assert_int_equal(lk.state, SYNC_LOOKUP_FAILED);
	assert_int_equal(lk.n, 0);
	assert_non_null(strstr(lk.error, "central service unreachable"));
	assert_null(strstr(lk.error, "3375"));
	/* Failed is not running: the officer may try again. */
	assert_int_equal(sync_lookup_start(f->e, NIK_SITI_CERT), 0);
	lk = wait_lookup(f, 5000);
	assert_int_equal(lk.state, SYNC_LOOKUP_FAILED);
	sync_stop(&f->e);

	const char *malformed[] = {"--malformed-rate", "1", NULL};
	start_sim(f, malformed);
	start_engine(f, NULL, 0);
	assert_int_equal(sync_lookup_start(f->e, NIK_SITI_CERT), 0);
	lk = wait_lookup(f, 5000);
	assert_int_equal(lk.state, SYNC_LOOKUP_FAILED);
	assert_non_null(strstr(lk.error, "bad answer"));
	sync_stop(&f->e);
	assert_null(strstr(f->log, "3375"));
	assert_null(strstr(f->log, "Siti"));
}

/* Wait (at most MS, kicking) until TICKET is in state WANT. */
static bool wait_state(fx *f, const char *ticket, rstate want, int ms)
{
	queue_status qs;
	rstate now = RSTATE_DRAFT;
	int64_t until = mono_ms() + ms;
	while (mono_ms() < until && now != want) {
		sync_kick(f->e);
		usleep(20000);
		assert_int_equal(queue_lookup(f->q, ticket, "0001", &qs), QUEUE_OK);
		now = qs.r.state;
		queue_status_wipe(&qs);
	}
	return now == want;
}

/* Offline, an officer here verified and accepted a request; meanwhile the
 * central desk rejected it. Back online: the kiosk's moves are refused
 * (409), the rejection overrides the local state, the refused entries are
 * superseded (no dead letter for a technician), and the officer sees the
 * conflict and the applicant the rejection note. */
static void test_central_rejects_offline_accept(void **state)
{
	fx *f = *state;
	char ticket[TICKET_TEXT_MAX], body[256];
	desk_case c;

	start_sim(f, NULL);
	start_engine(f, NULL, 0);
	submit(f, 0, time(NULL), ticket);
	sync_kick(f->e);
	assert_true(wait_count(f, "done", 1, 5000));
	sync_stop(&f->e); /* offline from here */

	rstate stored = RSTATE_RECEIVED;
	assert_int_equal(desk_move(f->q, ticket, RSTATE_IN_VERIFICATION, RROLE_OFFICER, "1001", NULL, NULL,
				   time(NULL), &stored),
			 QUEUE_OK);
	assert_int_equal(desk_move(f->q, ticket, RSTATE_ACCEPTED, RROLE_OFFICER, "1001", NULL, "docs=decree,ktp",
				   time(NULL), &stored),
			 QUEUE_OK);
	snprintf(body, sizeof body, "{\"ticket\":\"%s\",\"to\":\"in_verification\",\"role\":\"officer\"}", ticket);
	assert_int_equal(sim_post(f, "/_sim/events", body), 201);
	snprintf(body, sizeof body,
		 "{\"ticket\":\"%s\",\"to\":\"rejected\",\"role\":\"officer\",\"actor\":\"verif-pusat\","
		 "\"reason\":\"data_mismatch: NIP tidak cocok\"}",
		 ticket);
	assert_int_equal(sim_post(f, "/_sim/events", body), 201);

	start_engine(f, NULL, 0);
	assert_true(wait_state(f, ticket, RSTATE_REJECTED, 5000));
	assert_true(wait_count(f, "done", 3, 5000));
	assert_int_equal(count(f, "dead"), 0);
	assert_int_equal(fxsim_db_int(f->kiosk_db, "SELECT count(*) FROM outbox WHERE kind = 'event'"
				      " AND last_error LIKE 'superseded by central decision%'"),
			 2);
	assert_int_equal(desk_load(f->q, ticket, &c), QUEUE_OK);
	assert_true(c.conflict.present);
	assert_int_equal(c.conflict.local_state, RSTATE_ACCEPTED);
	assert_int_equal(c.conflict.central_to, RSTATE_REJECTED);
	assert_string_equal(c.conflict.central_actor, "verif-pusat");
	assert_int_equal(c.unsent, 0);
	desk_reason why;
	char text[64];
	assert_int_equal(desk_reason_parse(c.st.events[c.st.n_events - 1].reason, &why, text, sizeof text), 0);
	assert_int_equal(why, DESK_R_DATA_MISMATCH);
	desk_case_wipe(&c);
	/* The applicant's note about the rejection arrives with the feed. */
	int64_t until = mono_ms() + 5000;
	bool noted = false;
	while (!noted && mono_ms() < until) {
		queue_status qs;
		sync_kick(f->e);
		usleep(20000);
		assert_int_equal(queue_lookup(f->q, ticket, "0001", &qs), QUEUE_OK);
		for (int i = 0; i < qs.n_notes; i++)
			noted |= strcmp(qs.notes[i].kind, "rejected") == 0 && strstr(qs.notes[i].text, "ditolak");
		queue_status_wipe(&qs);
	}
	assert_true(noted);
	assert_int_equal(central_int(f, "SELECT count(*) FROM events WHERE kiosk_id IS NOT NULL"), 0);
	sync_stop(&f->e);
	assert_non_null(strstr(f->log, "1 overridden by central decision"));
}

/* Revocation end to end: the officer looks the applicant up, asks for the
 * revocation at the desk; the central service revokes the certificate and
 * the settle moves the request to revoked; the next lookup says revoked. */
static void test_revocation_end_to_end(void **state)
{
	fx *f = *state;
	char ticket[TICKET_TEXT_MAX];
	static const rstate path[] = {RSTATE_IN_VERIFICATION, RSTATE_ACCEPTED, RSTATE_APPROVED, RSTATE_INFORMED,
				      RSTATE_REVOCATION_REQUIRED};
	sync_lookup lk;

	start_sim(f, NULL);
	start_engine(f, NULL, 0);
	submit(f, 0, time(NULL), ticket);
	sync_kick(f->e);
	assert_true(wait_state(f, ticket, RSTATE_RECEIVED, 5000));
	rstate stored = RSTATE_RECEIVED;
	for (size_t i = 0; i < sizeof path / sizeof path[0]; i++)
		assert_int_equal(desk_move(f->q, ticket, path[i], RROLE_OFFICER, "1001", NULL, NULL, time(NULL),
					   &stored),
				 QUEUE_OK);
	assert_int_equal(sync_lookup_start(f->e, NIK_SITI_CERT), 0);
	lk = wait_lookup(f, 5000);
	assert_int_equal(lk.state, SYNC_LOOKUP_DONE);
	assert_int_equal(lk.n, 1);
	assert_int_equal(desk_request_revocation(f->q, ticket, lk.certs[0].serial, "1001", time(NULL)), QUEUE_OK);
	sync_lookup_clear(f->e);
	sync_kick(f->e);
	assert_true(wait_state(f, ticket, RSTATE_REVOKED, 5000));
	assert_int_equal(count(f, "dead"), 0);
	assert_int_equal(central_int(f, "SELECT count(*) FROM certificates WHERE serial = '5A0F000000000003'"
					" AND status = 'revoked'"),
			 1);
	assert_int_equal(central_int(f, "SELECT count(*) FROM tickets WHERE state = 'revoked'"), 1);
	assert_int_equal(sync_lookup_start(f->e, NIK_SITI_CERT), 0);
	lk = wait_lookup(f, 5000);
	assert_int_equal(lk.state, SYNC_LOOKUP_DONE);
	assert_string_equal(lk.certs[0].status, "revoked");
	/* And on: notified is accepted centrally (it is revoked there too). */
	stored = RSTATE_REVOKED;
	assert_int_equal(desk_move(f->q, ticket, RSTATE_NOTIFIED, RROLE_OFFICER, "1001", NULL, NULL, time(NULL),
				   &stored),
			 QUEUE_OK);
	sync_kick(f->e);
	assert_true(wait_count(f, "done", 8, 5000)); /* request, 6 events, revocation */
	assert_int_equal(central_int(f, "SELECT count(*) FROM tickets WHERE state = 'notified'"), 1);
	assert_int_equal(count(f, "dead"), 0);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_delivers_and_marks_received, setup, teardown),
		cmocka_unit_test_setup_teardown(test_offline_then_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusal_is_dead_letter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_answers_keep_queue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_secret, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pulls_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_during_slow_answer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lookup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lookup_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_central_rejects_offline_accept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_revocation_end_to_end, setup, teardown),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}

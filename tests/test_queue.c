/*
 * test_queue: the durable request store (sync/queue.c) on real SQLite files.
 *
 * Every test works on its own file in one mkdtemp directory, removed at the
 * end. A second, raw sqlite3 connection plays the other party: it counts
 * rows behind the queue's back, tries to rewrite history (the events
 * triggers refuse), holds the write lock (submit gives QUEUE_ERR_BUSY within
 * the short busy timeout and adds nothing), and writes a file from the
 * future (user_version 99, refused untouched). A small max_page_count plays
 * the full disk: submits fail cleanly with QUEUE_ERR_FULL and the tables stay
 * consistent. Two forked children play crashes: one dies with a large
 * uncommitted transaction spilled into the WAL, one is SIGKILLed while it
 * submits in a loop; after each, the parent finds whole requests only.
 * The people are made up (Siti Nur'aini, Budi Santoso).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "queue.h"
#include "fixture_req.h"
#include "reqjson.h"

#define NIK_SITI FX_NIK_SITI
#define NIK_BUDI "3375010101900002"
#define T_SUBMIT INT64_C(1767318300) /* Friday 2026-01-02 08:45 WIB */
#define T_DEADLINE INT64_C(1767947100) /* Friday 2026-01-09 15:45 WIB */
#define T_TARGET INT64_C(1767413100)   /* Monday 2026-01-05 11:00 WIB */

typedef struct fixture {
	char dir[256];
} fixture;

/* ---- helpers ---------------------------------------------------------------- */

static void db_path(void **state, const char *name, char *out, size_t cap)
{
	const fixture *fx = *state;
	snprintf(out, cap, "%s/%s.db", fx->dir, name);
}

/* A submitted request of Siti Nur'aini (N picks the ticket), and its first event. */
static void siti_request(unsigned n, req *r, rstate_event *first)
{
	fx_siti(r);
	snprintf(r->reason_text, sizeof r->reason_text, "Kenaikan jabatan \xE2\x80\x94 SK Wali Kota");
	r->consent_at = T_SUBMIT - 300;
	r->submitted_at = T_SUBMIT;
	fx_ticket(n, r->ticket);
	assert_int_equal(rstate_apply(&r->state, RSTATE_QUEUED, RROLE_APPLICANT, r->kiosk_id, T_SUBMIT,
				      NULL, first),
			 RSTATE_OK);
}

/* Budi Santoso's request: another person, another NIK. */
static void budi_request(unsigned n, req *r, rstate_event *first)
{
	siti_request(n, r, first);
	fx_value(r, REQ_F_NAME, "Budi Santoso", "Budi Santoso Wibowo");
	fx_value(r, REQ_F_NIK, NIK_BUDI, NULL);
	fx_value(r, REQ_F_NIP, "", NULL);
	fx_value(r, REQ_F_EMAIL, "budi.santoso@example.go.id", NULL);
	r->reason = REQ_R_NAME_CHANGE;
	r->docs[REQ_D_COURT_ORDER] = true;
}

static queue *open_ok(const char *path, const queue_opts *opts)
{
	queue *q = NULL;
	queue_err e = queue_open(&q, path, opts);
	if (e != QUEUE_OK)
		fail_msg("queue_open: %s", queue_err_name(e));
	assert_non_null(q);
	return q;
}

static void submit_ok(queue *q, const req *r, const rstate_event *first)
{
	queue_err e = queue_submit(q, r, first, T_DEADLINE, T_TARGET, false);
	if (e != QUEUE_OK)
		fail_msg("queue_submit: %s", queue_err_name(e));
}

static sqlite3 *raw_open(const char *path)
{
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 2000);
	return db;
}

/* The one integer SQL gives on a raw connection to PATH. */
static int64_t raw_int(const char *path, const char *sql)
{
	sqlite3 *db = raw_open(path);
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void raw_text(const char *path, const char *sql, char *out, size_t cap)
{
	sqlite3 *db = raw_open(path);
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(out, cap, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
}

typedef struct counts {
	int64_t requests, events, outbox, outbox_requests, notes;
} counts;

static counts count_rows(const char *path)
{
	counts c;
	c.requests = raw_int(path, "SELECT count(*) FROM requests");
	c.events = raw_int(path, "SELECT count(*) FROM events");
	c.outbox = raw_int(path, "SELECT count(*) FROM outbox");
	c.outbox_requests = raw_int(path, "SELECT count(*) FROM outbox WHERE kind = 'request'");
	c.notes = raw_int(path, "SELECT count(*) FROM notifications");
	return c;
}

static void assert_counts(const char *path, int64_t requests, int64_t events, int64_t outbox)
{
	counts c = count_rows(path);
	if (c.requests != requests || c.events != events || c.outbox != outbox)
		fail_msg("rows: requests %lld events %lld outbox %lld, want %lld %lld %lld",
			 (long long)c.requests, (long long)c.events, (long long)c.outbox,
			 (long long)requests, (long long)events, (long long)outbox);
}

/* Every request has exactly one draft -> queued event and one outbox entry. */
static void assert_consistent(const char *path)
{
	counts c = count_rows(path);
	assert_int_equal(c.requests, c.outbox_requests);
	assert_int_equal(c.requests, raw_int(path, "SELECT count(*) FROM events"
						   " WHERE from_state = 'draft' AND to_state = 'queued'"));
	assert_int_equal(0, raw_int(path, "SELECT count(*) FROM requests r WHERE"
					  " (SELECT count(*) FROM outbox o WHERE o.kind = 'request'"
					  "  AND o.ref_id = r.id) != 1"));
	assert_int_equal(0, raw_int(path, "SELECT count(*) FROM events e WHERE NOT EXISTS"
					  " (SELECT 1 FROM requests r WHERE r.id = e.request_id)"));
	char ok[16];
	raw_text(path, "PRAGMA integrity_check", ok, sizeof ok);
	assert_string_equal(ok, "ok");
}

static rstate_event event(rstate from, rstate to, rrole role, const char *actor, int64_t at,
			  const char *reason)
{
	rstate_event ev;
	memset(&ev, 0, sizeof ev);
	ev.from = from;
	ev.to = to;
	ev.role = role;
	snprintf(ev.actor, sizeof ev.actor, "%s", actor);
	ev.at = at;
	snprintf(ev.reason, sizeof ev.reason, "%s", reason ? reason : "");
	return ev;
}

static void assert_event_equal(const rstate_event *a, const rstate_event *b)
{
	assert_int_equal(a->from, b->from);
	assert_int_equal(a->to, b->to);
	assert_int_equal(a->role, b->role);
	assert_string_equal(a->actor, b->actor);
	assert_int_equal(a->at, b->at);
	assert_string_equal(a->reason, b->reason);
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void assert_all_zero(const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		if (b[i] != 0)
			fail_msg("byte %zu of %zu is 0x%02x", i, n, b[i]);
}

/* ---- open, pragmas, migrations ------------------------------------------------ */

static void test_open_fresh(void **state)
{
	char path[512];
	queue_info info;
	db_path(state, "fresh", path, sizeof path);

	queue *q = open_ok(path, NULL);
	assert_int_equal(queue_get_info(q, &info), QUEUE_OK);
	assert_string_equal(info.journal_mode, "wal");
	assert_int_equal(info.synchronous, 2); /* FULL */
	assert_true(info.foreign_keys);
	assert_int_equal(info.user_version, QUEUE_SCHEMA_VERSION);
	assert_int_equal(info.busy_timeout_ms, QUEUE_BUSY_TIMEOUT_DEFAULT_MS);
	queue_close(&q);
	assert_null(q);
	queue_close(&q); /* closing NULL is fine */

	/* What is stored in the file itself, seen by another connection. */
	assert_int_equal(raw_int(path, "PRAGMA user_version"), 1);
	char mode[16];
	raw_text(path, "PRAGMA journal_mode", mode, sizeof mode);
	assert_string_equal(mode, "wal");
	assert_int_equal(raw_int(path, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN"
				       " ('requests', 'events', 'outbox', 'notifications')"),
			 4);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'"), 2);

	/* Options. */
	queue_opts o = {.busy_timeout_ms = 321, .max_page_count = 5000};
	q = open_ok(path, &o);
	assert_int_equal(queue_get_info(q, &info), QUEUE_OK);
	assert_int_equal(info.busy_timeout_ms, 321);
	assert_int_equal(info.max_page_count, 5000);
	queue_close(&q);
	o.busy_timeout_ms = -1;
	assert_int_equal(queue_open(&q, path, &o), QUEUE_ERR_INVALID);
	assert_null(q);
}

static void test_reopen_keeps_data(void **state)
{
	char path[512];
	req r;
	rstate_event first;
	queue_status st;
	db_path(state, "reopen", path, sizeof path);

	queue *q = open_ok(path, NULL);
	siti_request(1, &r, &first);
	submit_ok(q, &r, &first);
	queue_close(&q);

	q = open_ok(path, NULL);
	queue_info info;
	assert_int_equal(queue_get_info(q, &info), QUEUE_OK);
	assert_int_equal(info.user_version, 1);
	assert_int_equal(queue_lookup(q, r.ticket, NIK_SITI + 12, &st), QUEUE_OK);
	assert_string_equal(st.r.f[REQ_F_NAME].current, "Siti Nur'aini");
	rstate_event ev = event(RSTATE_QUEUED, RSTATE_RECEIVED, RROLE_CENTRAL, "ams", T_SUBMIT + 60, NULL);
	assert_int_equal(queue_append_event(q, r.ticket, &ev, false), QUEUE_OK);
	queue_close(&q);
	assert_counts(path, 1, 2, 1);
	queue_status_wipe(&st);
	req_wipe(&r);
}

static void test_newer_version_refused(void **state)
{
	char path[512];
	db_path(state, "future", path, sizeof path);

	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE requests (x); PRAGMA user_version = 99;", NULL,
				      NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);

	queue *q = (queue *)&db; /* must become NULL */
	assert_int_equal(queue_open(&q, path, NULL), QUEUE_ERR_VERSION);
	assert_null(q);
	/* Untouched: neither migrated nor switched to WAL. */
	assert_int_equal(raw_int(path, "PRAGMA user_version"), 99);
	char mode[16];
	raw_text(path, "PRAGMA journal_mode", mode, sizeof mode);
	assert_string_equal(mode, "delete");
}

static void test_not_a_database(void **state)
{
	char path[512];
	db_path(state, "garbage", path, sizeof path);

	FILE *f = fopen(path, "w");
	assert_non_null(f);
	for (int i = 0; i < 200; i++)
		fputs("this is not an SQLite database, only text. ", f);
	fclose(f);
	queue *q = NULL;
	assert_int_equal(queue_open(&q, path, NULL), QUEUE_ERR_IO);
	assert_null(q);

	char missing[600];
	snprintf(missing, sizeof missing, "%s/no/such/dir/x.db", ((fixture *)*state)->dir);
	assert_int_equal(queue_open(&q, missing, NULL), QUEUE_ERR_IO);
	assert_null(q);
}

/* ---- submit and lookup ---------------------------------------------------------- */

static void test_submit_lookup(void **state)
{
	char path[512];
	req r;
	rstate_event first;
	queue_status st;
	db_path(state, "roundtrip", path, sizeof path);

	queue *q = open_ok(path, NULL);
	siti_request(7, &r, &first);
	assert_int_equal(queue_submit(q, &r, &first, T_DEADLINE, T_TARGET, true), QUEUE_OK);
	memset(&st, 0xA5, sizeof st);
	assert_int_equal(queue_lookup(q, r.ticket, "0001", &st), QUEUE_OK);

	/* The request as submitted, field by field. */
	assert_string_equal(st.r.ticket, r.ticket);
	assert_string_equal(st.r.kiosk_id, "PKL-DISKOMINFO-01");
	assert_string_equal(st.r.card_uid, r.card_uid);
	assert_int_equal(st.r.id_source, REQ_ID_CARD);
	for (int f = 0; f < REQ_F_COUNT; f++) {
		assert_string_equal(st.r.f[f].current, r.f[f].current);
		assert_string_equal(st.r.f[f].requested, r.f[f].requested);
		assert_int_equal(st.r.f[f].change, r.f[f].change);
	}
	assert_int_equal(st.r.reason, REQ_R_PROMOTION);
	assert_string_equal(st.r.reason_text, r.reason_text);
	assert_memory_equal(st.r.docs, r.docs, sizeof r.docs);
	assert_string_equal(st.r.consent_version, "2026-01");
	assert_int_equal(st.r.consent_at, r.consent_at);
	assert_int_equal(st.r.submitted_at, T_SUBMIT);
	assert_int_equal(st.r.state, RSTATE_QUEUED);
	/* Deadline, events, notes. */
	assert_int_equal(st.deadline_at, T_DEADLINE);
	assert_int_equal(st.target_at, T_TARGET);
	assert_true(st.deadline_uncovered);
	assert_int_equal(st.n_events, 1);
	assert_event_equal(&st.events[0], &first);
	assert_int_equal(st.n_notes, 0);
	/* The unused tail is zero, not 0xA5 from before. */
	assert_all_zero(&st.events[1], sizeof st.events - sizeof st.events[0]);
	assert_all_zero(st.notes, sizeof st.notes);

	/* The rows behind it. */
	assert_counts(path, 1, 1, 1);
	int64_t n = -1;
	assert_int_equal(queue_outbox_count(q, "pending", &n), QUEUE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(queue_outbox_count(q, NULL, &n), QUEUE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(queue_outbox_count(q, "done", &n), QUEUE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(queue_outbox_count(q, "sent", &n), QUEUE_ERR_INVALID);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM requests WHERE nik_last4 = '0001'"
				       " AND state = 'queued' AND resubmit_of IS NULL AND deadline_uncovered = 1"
				       " AND updated_at = 1767318300"),
			 1);
	/* The outbox carries exactly the stored payload, the request's JSON. */
	assert_int_equal(raw_int(path, "SELECT count(*) FROM outbox o JOIN requests r ON o.ref_id = r.id"
				       " WHERE o.payload = r.payload AND o.kind = 'request'"
				       " AND o.state = 'pending' AND o.attempts = 0"),
			 1);
	char *json = NULL;
	assert_int_equal(reqjson_encode(&r, &json), REQJSON_OK);
	sqlite3 *db = raw_open(path);
	sqlite3_stmt *s = NULL;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT payload FROM requests", -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(s, 0), json);
	sqlite3_finalize(s);
	sqlite3_close(db);
	reqjson_free(&json);

	queue_close(&q);
	queue_status_wipe(&st);
	assert_all_zero(&st, sizeof st);
	req_wipe(&r);
}

static void test_lookup_not_found(void **state)
{
	char path[512], other[TICKET_TEXT_MAX];
	req r;
	rstate_event first;
	queue_status st;
	db_path(state, "notfound", path, sizeof path);

	queue *q = open_ok(path, NULL);
	siti_request(8, &r, &first);
	submit_ok(q, &r, &first);
	fx_ticket(9, other);

	static const char *const bad_digits[] = {"0002", "1000", "0000", "9999", "001", "00011", "00a1", ""};
	for (size_t i = 0; i < sizeof bad_digits / sizeof bad_digits[0]; i++) {
		memset(&st, 0xA5, sizeof st);
		assert_int_equal(queue_lookup(q, r.ticket, bad_digits[i], &st), QUEUE_ERR_NOT_FOUND);
		assert_all_zero(&st, sizeof st);
	}
	/* Unknown and malformed tickets: the same answer, the same wiped output. */
	const char *bad_tickets[] = {other, "ABCD", "", "abcd-efgh", r.ticket + 1};
	for (size_t i = 0; i < sizeof bad_tickets / sizeof bad_tickets[0]; i++) {
		memset(&st, 0xA5, sizeof st);
		assert_int_equal(queue_lookup(q, bad_tickets[i], "0001", &st), QUEUE_ERR_NOT_FOUND);
		assert_all_zero(&st, sizeof st);
	}
	/* A non-canonical spelling of the right ticket is the caller's job
	 * (ticket_parse) and is not found either. */
	char lower[TICKET_TEXT_MAX];
	for (size_t i = 0; i < sizeof lower; i++)
		lower[i] = (char)((r.ticket[i] >= 'A' && r.ticket[i] <= 'Z') ? r.ticket[i] + 32 : r.ticket[i]);
	assert_int_equal(queue_lookup(q, lower, "0001", &st), QUEUE_ERR_NOT_FOUND);
	assert_int_equal(queue_lookup(q, r.ticket, "0001", &st), QUEUE_OK);
	queue_close(&q);
	queue_status_wipe(&st);
	req_wipe(&r);
}

static void test_dup_ticket(void **state)
{
	char path[512];
	req siti, budi;
	rstate_event f1, f2;
	queue_status st;
	db_path(state, "dup", path, sizeof path);

	queue *q = open_ok(path, NULL);
	siti_request(11, &siti, &f1);
	budi_request(11, &budi, &f2); /* the same ticket drawn twice */
	submit_ok(q, &siti, &f1);
	assert_int_equal(queue_submit(q, &budi, &f2, T_DEADLINE, T_TARGET, false), QUEUE_ERR_DUP_TICKET);
	assert_counts(path, 1, 1, 1);
	assert_int_equal(queue_lookup(q, siti.ticket, "0001", &st), QUEUE_OK);
	assert_string_equal(st.r.f[REQ_F_NAME].current, "Siti Nur'aini");
	assert_int_equal(queue_lookup(q, siti.ticket, "0002", &st), QUEUE_ERR_NOT_FOUND);

	/* The caller draws a new ticket and retries. */
	fx_ticket(12, budi.ticket);
	submit_ok(q, &budi, &f2);
	assert_int_equal(queue_lookup(q, budi.ticket, "0002", &st), QUEUE_OK);
	assert_string_equal(st.r.f[REQ_F_NAME].requested, "Budi Santoso Wibowo");
	assert_counts(path, 2, 2, 2);
	assert_consistent(path);
	queue_close(&q);
	queue_status_wipe(&st);
	req_wipe(&siti);
	req_wipe(&budi);
}

static void test_submit_invalid(void **state)
{
	char path[512];
	req r, good;
	rstate_event first, f;
	db_path(state, "invalid", path, sizeof path);

	queue *q = open_ok(path, NULL);
	siti_request(13, &good, &first);

	r = good;
	r.ticket[0] = '\0';
	assert_int_equal(queue_submit(q, &r, &first, T_DEADLINE, T_TARGET, false), QUEUE_ERR_INVALID);
	r = good;
	memmove(r.ticket + 4, r.ticket + 5, 5); /* "XXXXXXXX": no dash */
	assert_int_equal(queue_submit(q, &r, &first, T_DEADLINE, T_TARGET, false), QUEUE_ERR_INVALID);
	r = good;
	r.state = RSTATE_DRAFT;
	assert_int_equal(queue_submit(q, &r, &first, T_DEADLINE, T_TARGET, false), QUEUE_ERR_INVALID);
	r = good;
	r.submitted_at = 0;
	assert_int_equal(queue_submit(q, &r, &first, T_DEADLINE, T_TARGET, false), QUEUE_ERR_INVALID);
	r = good;
	r.kiosk_id[0] = '\0';
	assert_int_equal(queue_submit(q, &r, &first, T_DEADLINE, T_TARGET, false), QUEUE_ERR_INVALID);
	r = good;
	snprintf(r.f[REQ_F_NIK].current, sizeof r.f[REQ_F_NIK].current, "337501410190");
	assert_int_equal(queue_submit(q, &r, &first, T_DEADLINE, T_TARGET, false), QUEUE_ERR_INVALID);
	r = good;
	snprintf(r.resubmit_of, sizeof r.resubmit_of, "nope");
	assert_int_equal(queue_submit(q, &r, &first, T_DEADLINE, T_TARGET, false), QUEUE_ERR_INVALID);
	r = good;
	r.f[REQ_F_CITY].current[2] = '\xFF'; /* cannot be encoded */
	assert_int_equal(queue_submit(q, &r, &first, T_DEADLINE, T_TARGET, false), QUEUE_ERR_INVALID);
	/* The first event must be draft -> queued by a role allowed to make it. */
	f = event(RSTATE_QUEUED, RSTATE_RECEIVED, RROLE_CENTRAL, "ams", T_SUBMIT, NULL);
	assert_int_equal(queue_submit(q, &good, &f, T_DEADLINE, T_TARGET, false), QUEUE_ERR_INVALID);
	f = event(RSTATE_DRAFT, RSTATE_QUEUED, RROLE_OFFICER, "verifikator01", T_SUBMIT, NULL);
	assert_int_equal(queue_submit(q, &good, &f, T_DEADLINE, T_TARGET, false), QUEUE_ERR_INVALID);
	f = first;
	f.actor[0] = '\0';
	assert_int_equal(queue_submit(q, &good, &f, T_DEADLINE, T_TARGET, false), QUEUE_ERR_INVALID);
	assert_counts(path, 0, 0, 0);

	/* A resubmission links to the rejected request's ticket. */
	fx_ticket(99, good.resubmit_of);
	submit_ok(q, &good, &first);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM requests WHERE resubmit_of IS NOT NULL"), 1);
	queue_close(&q);
	req_wipe(&r);
	req_wipe(&good);
}

/* ---- events ------------------------------------------------------------------------ */

static void test_append_event_chain(void **state)
{
	char path[512], other[TICKET_TEXT_MAX];
	req r;
	rstate_event first, ev;
	queue_status st;
	int64_t n;
	db_path(state, "chain", path, sizeof path);

	queue *q = open_ok(path, NULL);
	siti_request(21, &r, &first);
	submit_ok(q, &r, &first);
	int64_t t = T_SUBMIT;

	/* The central service's receipt (pulled: no outbox entry), then the
	 * officer's verification at this kiosk (pushed: an outbox entry). */
	ev = event(RSTATE_QUEUED, RSTATE_RECEIVED, RROLE_CENTRAL, "ams", t += 60, NULL);
	assert_int_equal(queue_append_event(q, r.ticket, &ev, false), QUEUE_OK);
	ev = event(RSTATE_RECEIVED, RSTATE_IN_VERIFICATION, RROLE_OFFICER, "verifikator01", t += 600, NULL);
	assert_int_equal(queue_append_event(q, r.ticket, &ev, true), QUEUE_OK);
	assert_counts(path, 1, 3, 2);

	/* Refused moves change nothing. */
	const rstate_event refused[] = {
		/* not in the table */
		event(RSTATE_IN_VERIFICATION, RSTATE_CLOSED, RROLE_OFFICER, "verifikator01", t, NULL),
		/* rejection needs a reason */
		event(RSTATE_IN_VERIFICATION, RSTATE_REJECTED, RROLE_OFFICER, "verifikator01", t, "  "),
		/* from is not the stored state */
		event(RSTATE_QUEUED, RSTATE_IN_VERIFICATION, RROLE_OFFICER, "verifikator01", t, NULL),
		event(RSTATE_ACCEPTED, RSTATE_APPROVED, RROLE_CENTRAL, "ams", t, NULL),
		/* the wrong role */
		event(RSTATE_IN_VERIFICATION, RSTATE_ACCEPTED, RROLE_APPLICANT, "PKL-DISKOMINFO-01", t, NULL),
		event(RSTATE_IN_VERIFICATION, RSTATE_ACCEPTED, RROLE_SUPERVISOR, "kasi-persandian", t, NULL),
	};
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		queue_err e = queue_append_event(q, r.ticket, &refused[i], true);
		if (e != QUEUE_ERR_STATE)
			fail_msg("refused move %zu: %s", i, queue_err_name(e));
	}
	assert_counts(path, 1, 3, 2);
	assert_int_equal(queue_lookup(q, r.ticket, "0001", &st), QUEUE_OK);
	assert_int_equal(st.r.state, RSTATE_IN_VERIFICATION);
	assert_int_equal(st.n_events, 3);

	/* Bad arguments and unknown tickets. */
	ev = event(RSTATE_IN_VERIFICATION, RSTATE_ACCEPTED, RROLE_OFFICER, "", t, NULL);
	assert_int_equal(queue_append_event(q, r.ticket, &ev, true), QUEUE_ERR_INVALID);
	ev = event(RSTATE_IN_VERIFICATION, RSTATE_ACCEPTED, RROLE_OFFICER, "verifikator01", t, NULL);
	fx_ticket(22, other);
	assert_int_equal(queue_append_event(q, other, &ev, true), QUEUE_ERR_NOT_FOUND);
	assert_int_equal(queue_append_event(q, "ABCD-EFG", &ev, true), QUEUE_ERR_INVALID);
	assert_counts(path, 1, 3, 2);

	/* The rest of the standard's path, with the revocation. */
	const rstate_event path_rest[] = {
		event(RSTATE_IN_VERIFICATION, RSTATE_ACCEPTED, RROLE_OFFICER, "verifikator01", t + 1, NULL),
		event(RSTATE_ACCEPTED, RSTATE_APPROVED, RROLE_CENTRAL, "ams", t + 2, NULL),
		event(RSTATE_APPROVED, RSTATE_INFORMED, RROLE_CENTRAL, "ams", t + 3, NULL),
		event(RSTATE_INFORMED, RSTATE_REVOCATION_REQUIRED, RROLE_OFFICER, "verifikator01", t + 4,
		      "identitas berubah"),
		event(RSTATE_REVOCATION_REQUIRED, RSTATE_REVOKED, RROLE_CENTRAL, "ams", t + 5, NULL),
		event(RSTATE_REVOKED, RSTATE_NOTIFIED, RROLE_CENTRAL, "ams", t + 6, NULL),
		event(RSTATE_NOTIFIED, RSTATE_CLOSED, RROLE_KIOSK, "PKL-DISKOMINFO-01", t + 7, NULL),
	};
	for (size_t i = 0; i < sizeof path_rest / sizeof path_rest[0]; i++)
		assert_int_equal(queue_append_event(q, r.ticket, &path_rest[i], path_rest[i].role != RROLE_CENTRAL),
				 QUEUE_OK);
	assert_int_equal(queue_lookup(q, r.ticket, "0001", &st), QUEUE_OK);
	assert_int_equal(st.r.state, RSTATE_CLOSED);
	assert_int_equal(st.n_events, 10);
	rstate final;
	int bad = 0;
	assert_int_equal(rstate_replay(st.events, st.n_events, &final, &bad), RSTATE_OK);
	assert_int_equal(final, RSTATE_CLOSED);
	assert_string_equal(st.events[6].reason, "identitas berubah");
	assert_event_equal(&st.events[9], &path_rest[6]);
	/* Nothing moves a closed request. */
	ev = event(RSTATE_CLOSED, RSTATE_QUEUED, RROLE_KIOSK, "PKL-DISKOMINFO-01", t + 8, NULL);
	assert_int_equal(queue_append_event(q, r.ticket, &ev, true), QUEUE_ERR_STATE);

	/* Outbox: the request, and one entry per move not made by the central service. */
	assert_int_equal(queue_outbox_count(q, NULL, &n), QUEUE_OK);
	assert_int_equal(n, 1 + 1 + 3);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM outbox WHERE kind = 'event'"), 4);
	assert_int_equal(raw_int(path, "SELECT updated_at FROM requests"), t + 7);
	/* An event entry's payload decodes to the event it refers to. */
	sqlite3 *db = raw_open(path);
	sqlite3_stmt *s = NULL;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT o.payload, e.actor FROM outbox o JOIN events e"
						" ON o.ref_id = e.id WHERE o.kind = 'event' ORDER BY o.seq",
					    -1, &s, NULL),
			 SQLITE_OK);
	int rows = 0;
	while (sqlite3_step(s) == SQLITE_ROW) {
		char tk[TICKET_TEXT_MAX];
		rstate_event dec;
		const char *p = (const char *)sqlite3_column_text(s, 0);
		assert_int_equal(reqjson_decode_event(p, strlen(p), tk, &dec, NULL, 0), REQJSON_OK);
		assert_string_equal(tk, r.ticket);
		assert_string_equal(dec.actor, (const char *)sqlite3_column_text(s, 1));
		rows++;
	}
	assert_int_equal(rows, 4);
	sqlite3_finalize(s);
	sqlite3_close(db);
	assert_consistent(path);
	queue_close(&q);
	queue_status_wipe(&st);
	req_wipe(&r);
}

static void test_events_append_only(void **state)
{
	char path[512];
	req r;
	rstate_event first;
	db_path(state, "append_only", path, sizeof path);

	queue *q = open_ok(path, NULL);
	siti_request(31, &r, &first);
	submit_ok(q, &r, &first);

	/* A second connection tries to rewrite or erase history. */
	sqlite3 *db = raw_open(path);
	int rc = sqlite3_exec(db, "UPDATE events SET actor = 'someone-else'", NULL, NULL, NULL);
	assert_int_equal(rc, SQLITE_CONSTRAINT);
	assert_non_null(strstr(sqlite3_errmsg(db), "append-only"));
	rc = sqlite3_exec(db, "DELETE FROM events", NULL, NULL, NULL);
	assert_int_equal(rc, SQLITE_CONSTRAINT);
	rc = sqlite3_exec(db, "UPDATE events SET at = 0 WHERE id = 1", NULL, NULL, NULL);
	assert_int_equal(rc, SQLITE_CONSTRAINT);
	/* And with foreign keys on, a request with history cannot go either. */
	assert_int_equal(sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL), SQLITE_OK);
	rc = sqlite3_exec(db, "DELETE FROM requests", NULL, NULL, NULL);
	assert_int_equal(rc, SQLITE_CONSTRAINT);
	/* The outbox refuses keys that are not 32 characters, states it does not know. */
	rc = sqlite3_exec(db, "INSERT INTO outbox (idem_key, kind, ref_id, payload) VALUES ('', 'request', 1, '{}')",
			  NULL, NULL, NULL);
	assert_int_equal(rc, SQLITE_CONSTRAINT);
	rc = sqlite3_exec(db, "UPDATE outbox SET state = 'sent'", NULL, NULL, NULL);
	assert_int_equal(rc, SQLITE_CONSTRAINT);
	sqlite3_close(db);

	assert_counts(path, 1, 1, 1);
	char actor[64];
	raw_text(path, "SELECT actor FROM events", actor, sizeof actor);
	assert_string_equal(actor, first.actor);
	queue_close(&q);
	req_wipe(&r);
}

/* ---- notes --------------------------------------------------------------------------- */

static void test_notes(void **state)
{
	char path[512], other[TICKET_TEXT_MAX];
	req r;
	rstate_event first;
	queue_status st;
	queue_note n;
	db_path(state, "notes", path, sizeof path);

	queue *q = open_ok(path, NULL);
	siti_request(41, &r, &first);
	submit_ok(q, &r, &first);
	static const char *const channels[] = {"email", "sms", "kiosk"};
	for (int i = 0; i < 10; i++) {
		memset(&n, 0, sizeof n);
		snprintf(n.channel, sizeof n.channel, "%s", channels[i % 3]);
		snprintf(n.kind, sizeof n.kind, "reminder_%d", i);
		n.at = T_SUBMIT + i;
		snprintf(n.text, sizeof n.text, "Permohonan %s sedang diproses (%d).", r.ticket, i);
		assert_int_equal(queue_add_note(q, r.ticket, &n), QUEUE_OK);
	}
	assert_int_equal(queue_lookup(q, r.ticket, "0001", &st), QUEUE_OK);
	assert_int_equal(st.n_notes, QUEUE_NOTES_MAX);
	for (int i = 0; i < QUEUE_NOTES_MAX; i++) { /* the newest 8, oldest first */
		char kind[32];
		snprintf(kind, sizeof kind, "reminder_%d", i + 2);
		assert_string_equal(st.notes[i].kind, kind);
		assert_string_equal(st.notes[i].channel, channels[(i + 2) % 3]);
		assert_int_equal(st.notes[i].at, T_SUBMIT + i + 2);
	}

	memset(&n, 0, sizeof n);
	snprintf(n.channel, sizeof n.channel, "fax");
	snprintf(n.kind, sizeof n.kind, "data_changed");
	assert_int_equal(queue_add_note(q, r.ticket, &n), QUEUE_ERR_INVALID);
	snprintf(n.channel, sizeof n.channel, "sms");
	n.kind[0] = '\0';
	assert_int_equal(queue_add_note(q, r.ticket, &n), QUEUE_ERR_INVALID);
	snprintf(n.kind, sizeof n.kind, "data_changed");
	memset(n.text, 'x', sizeof n.text); /* not terminated */
	assert_int_equal(queue_add_note(q, r.ticket, &n), QUEUE_ERR_INVALID);
	n.text[0] = '\0';
	fx_ticket(42, other);
	assert_int_equal(queue_add_note(q, other, &n), QUEUE_ERR_NOT_FOUND);
	assert_int_equal(count_rows(path).notes, 10);
	queue_close(&q);
	queue_status_wipe(&st);
	req_wipe(&r);
}

/* ---- outbox keys -------------------------------------------------------------------- */

static void test_outbox_keys(void **state)
{
	char path[512];
	req r;
	rstate_event first;
	db_path(state, "outbox", path, sizeof path);

	queue *q = open_ok(path, NULL);
	for (unsigned i = 0; i < 20; i++) {
		siti_request(100 + i, &r, &first);
		submit_ok(q, &r, &first);
		rstate_event ev = event(RSTATE_QUEUED, RSTATE_IN_VERIFICATION, RROLE_OFFICER, "verifikator01",
					T_SUBMIT + 10, NULL);
		assert_int_equal(queue_append_event(q, r.ticket, &ev, true), QUEUE_OK);
	}
	queue_close(&q);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM outbox"), 40);
	assert_int_equal(raw_int(path, "SELECT count(DISTINCT idem_key) FROM outbox"), 40);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM outbox WHERE length(idem_key) != 32"
				       " OR idem_key GLOB '*[^0-9a-f]*'"),
			 0);
	/* seq follows the order of writing: request, its event, next request, ... */
	assert_int_equal(raw_int(path, "SELECT count(*) FROM outbox a JOIN outbox b ON b.seq = a.seq + 1"
				       " WHERE a.kind = b.kind"),
			 0);
	assert_int_equal(raw_int(path, "SELECT min(seq) FROM outbox"), 1);
	assert_int_equal(raw_int(path, "SELECT max(seq) FROM outbox"), 40);
	req_wipe(&r);
}

/* ---- busy, full, crash ---------------------------------------------------------------- */

static void test_busy(void **state)
{
	char path[512];
	req r, r2;
	rstate_event first, f2;
	queue_status st;
	db_path(state, "busy", path, sizeof path);

	queue_opts o = {.busy_timeout_ms = 200};
	queue *q = open_ok(path, &o);
	siti_request(51, &r, &first);
	submit_ok(q, &r, &first);
	budi_request(52, &r2, &f2);

	/* Another connection holds the write lock. */
	sqlite3 *db = raw_open(path);
	assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	double t0 = now_ms();
	assert_int_equal(queue_submit(q, &r2, &f2, T_DEADLINE, T_TARGET, false), QUEUE_ERR_BUSY);
	double waited = now_ms() - t0;
	print_message("busy after %.1f ms (busy timeout 200 ms)\n", waited);
	assert_true(waited >= 150.0 && waited < 1500.0);
	rstate_event ev = event(RSTATE_QUEUED, RSTATE_RECEIVED, RROLE_CENTRAL, "ams", T_SUBMIT + 5, NULL);
	assert_int_equal(queue_append_event(q, r.ticket, &ev, false), QUEUE_ERR_BUSY);
	queue_note n = {"kiosk", "received", T_SUBMIT, "Diterima"};
	assert_int_equal(queue_add_note(q, r.ticket, &n), QUEUE_ERR_BUSY);
	/* Readers are not blocked by a writer (WAL). */
	assert_int_equal(queue_lookup(q, r.ticket, "0001", &st), QUEUE_OK);
	assert_int_equal(st.r.state, RSTATE_QUEUED);
	assert_int_equal(sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	assert_counts(path, 1, 1, 1);
	assert_int_equal(count_rows(path).notes, 0);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM requests WHERE state = 'queued'"), 1);
	/* The lock gone, the same calls succeed. */
	submit_ok(q, &r2, &f2);
	assert_int_equal(queue_append_event(q, r.ticket, &ev, false), QUEUE_OK);
	assert_counts(path, 2, 3, 2);
	queue_close(&q);
	queue_status_wipe(&st);
	req_wipe(&r);
	req_wipe(&r2);
}

static void test_full(void **state)
{
	char path[512];
	req r;
	rstate_event first;
	queue_status st;
	db_path(state, "full", path, sizeof path);

	queue_opts o = {.max_page_count = 48};
	queue *q = open_ok(path, &o);
	unsigned ok = 0;
	queue_err e = QUEUE_OK;
	while (ok < 1000) {
		siti_request(200 + ok, &r, &first);
		e = queue_submit(q, &r, &first, T_DEADLINE, T_TARGET, false);
		if (e != QUEUE_OK)
			break;
		ok++;
	}
	print_message("%u submits fitted in 48 pages\n", ok);
	assert_int_equal(e, QUEUE_ERR_FULL);
	assert_true(ok >= 3);
	/* Still full: the next one fails the same way. */
	assert_int_equal(queue_submit(q, &r, &first, T_DEADLINE, T_TARGET, false), QUEUE_ERR_FULL);

	/* Consistent and intact: every earlier request whole. */
	assert_counts(path, ok, ok, ok);
	assert_consistent(path);
	for (unsigned i = 0; i < ok; i++) {
		char t[TICKET_TEXT_MAX];
		fx_ticket(200 + i, t);
		assert_int_equal(queue_lookup(q, t, "0001", &st), QUEUE_OK);
		assert_string_equal(st.r.f[REQ_F_EMAIL].current, "siti_nur@example.go.id");
		assert_int_equal(st.n_events, 1);
	}
	queue_close(&q);

	/* With room again, the refused request goes in. */
	q = open_ok(path, NULL);
	submit_ok(q, &r, &first);
	assert_counts(path, ok + 1, ok + 1, ok + 1);
	queue_close(&q);
	queue_status_wipe(&st);
	req_wipe(&r);
}

/* Child of test_crash_uncommitted: one whole submit, then a large second
 * transaction that never commits. Exit codes other than 0 mean a step failed. */
static void crash_child(const char *path)
{
	req r;
	rstate_event first;
	queue *q = NULL;

	if (queue_open(&q, path, NULL) != QUEUE_OK)
		_exit(2);
	siti_request(61, &r, &first);
	if (queue_submit(q, &r, &first, T_DEADLINE, T_TARGET, false) != QUEUE_OK)
		_exit(3);

	/* The second request, by hand on another connection: 2 MiB payloads
	 * and a 16-page cache make SQLite spill uncommitted pages into the
	 * WAL, so the file really holds a half-written transaction. */
	sqlite3 *db = NULL;
	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA cache_size = 16; BEGIN;"
			     "INSERT INTO requests (ticket, kiosk_id, state, nik_last4, payload, submitted_at,"
			     " deadline_at, target_at, updated_at) VALUES ('XXXX-XXXX', 'PKL-DISKOMINFO-01',"
			     " 'queued', '0002', hex(zeroblob(1048576)), 1, 2, 3, 4);"
			     "INSERT INTO events (request_id, from_state, to_state, role, actor, at)"
			     " VALUES (last_insert_rowid(), 'draft', 'queued', 'applicant', 'k', 1);"
			     "INSERT INTO outbox (idem_key, kind, ref_id, payload)"
			     " VALUES (lower(hex(randomblob(16))), 'request', 2, hex(zeroblob(1048576)));",
			     NULL, NULL, NULL) != SQLITE_OK)
		_exit(4);
	_exit(0); /* no COMMIT, no close: as if the power went */
}

static void test_crash_uncommitted(void **state)
{
	char path[512], wal[520];
	queue_status st;
	db_path(state, "crash", path, sizeof path);
	snprintf(wal, sizeof wal, "%s-wal", path);

	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		crash_child(path);
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	struct stat sb;
	assert_int_equal(stat(wal, &sb), 0);
	print_message("WAL after the crash: %lld bytes\n", (long long)sb.st_size);
	assert_true(sb.st_size > 2 * 1024 * 1024); /* the uncommitted pages are in it */

	queue *q = open_ok(path, NULL);
	assert_counts(path, 1, 1, 1);
	assert_consistent(path);
	char t[TICKET_TEXT_MAX];
	fx_ticket(61, t);
	assert_int_equal(queue_lookup(q, t, "0001", &st), QUEUE_OK);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM requests WHERE ticket = 'XXXX-XXXX'"), 0);
	queue_close(&q);
	queue_status_wipe(&st);
}

static void test_crash_kill_during_submits(void **state)
{
	char path[512];
	db_path(state, "kill", path, sizeof path);

	/* Create the file first, so the child spends its time submitting. */
	queue *q = open_ok(path, NULL);
	queue_close(&q);
	int pipefd[2];
	assert_int_equal(pipe(pipefd), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		req r;
		rstate_event first;
		close(pipefd[0]);
		if (queue_open(&q, path, NULL) != QUEUE_OK)
			_exit(2);
		for (unsigned i = 0;; i++) {
			siti_request(1000 + i, &r, &first);
			if (queue_submit(q, &r, &first, T_DEADLINE, T_TARGET, false) != QUEUE_OK)
				_exit(3);
			if (i == 5 && write(pipefd[1], "g", 1) != 1)
				_exit(4);
		}
	}
	close(pipefd[1]);
	char go;
	assert_int_equal(read(pipefd[0], &go, 1), 1); /* a few submits done */
	close(pipefd[0]);
	struct timespec ts = {0, 30 * 1000 * 1000};
	nanosleep(&ts, NULL);
	assert_int_equal(kill(pid, SIGKILL), 0);
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));

	q = open_ok(path, NULL);
	counts c = count_rows(path);
	print_message("killed after %lld whole submits\n", (long long)c.requests);
	assert_true(c.requests >= 6);
	assert_counts(path, c.requests, c.requests, c.requests);
	assert_consistent(path);
	queue_status st;
	for (unsigned i = 0; i < (unsigned)c.requests; i++) {
		char t[TICKET_TEXT_MAX];
		fx_ticket(1000 + i, t);
		assert_int_equal(queue_lookup(q, t, "0001", &st), QUEUE_OK);
	}
	queue_close(&q);
	queue_status_wipe(&st);
}

/* ---- names, wipe ------------------------------------------------------------------------ */

static void test_names_and_wipe(void **state)
{
	(void)state;
	for (int e = QUEUE_OK; e <= QUEUE_ERR_INVALID; e++) {
		const char *n = queue_err_name((queue_err)e);
		assert_null(strstr(n, "unknown"));
		for (int k = QUEUE_OK; k < e; k++)
			assert_string_not_equal(n, queue_err_name((queue_err)k));
	}
	assert_non_null(strstr(queue_err_name((queue_err)-1), "unknown"));

	queue_status *s = malloc(sizeof *s);
	assert_non_null(s);
	memset(s, 0xA5, sizeof *s);
	queue_status_wipe(s);
	assert_all_zero(s, sizeof *s);
	free(s);
}

/* ---- fixture ------------------------------------------------------------------------------ */

static int group_setup(void **state)
{
	fixture *fx = calloc(1, sizeof *fx);
	if (fx == NULL)
		return -1;
	const char *tmp = getenv("TMPDIR");
	snprintf(fx->dir, sizeof fx->dir, "%s/test_queue.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(fx->dir) == NULL) {
		free(fx);
		return -1;
	}
	*state = fx;
	return 0;
}

static int group_teardown(void **state)
{
	fixture *fx = *state;
	DIR *d = opendir(fx->dir);
	if (d) {
		struct dirent *e;
		char p[600];
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			snprintf(p, sizeof p, "%s/%s", fx->dir, e->d_name);
			unlink(p);
		}
		closedir(d);
	}
	int rc = rmdir(fx->dir);
	free(fx);
	return rc;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_fresh),
		cmocka_unit_test(test_reopen_keeps_data),
		cmocka_unit_test(test_newer_version_refused),
		cmocka_unit_test(test_not_a_database),
		cmocka_unit_test(test_submit_lookup),
		cmocka_unit_test(test_lookup_not_found),
		cmocka_unit_test(test_dup_ticket),
		cmocka_unit_test(test_submit_invalid),
		cmocka_unit_test(test_append_event_chain),
		cmocka_unit_test(test_events_append_only),
		cmocka_unit_test(test_notes),
		cmocka_unit_test(test_outbox_keys),
		cmocka_unit_test(test_busy),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_crash_uncommitted),
		cmocka_unit_test(test_crash_kill_during_submits),
		cmocka_unit_test(test_names_and_wipe),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

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
 *
 * Schema version 2 and the outbox the sync engine drains: a version 1 file
 * written with the DDL frozen below is upgraded with every row, seq, key
 * and the sequence's high-water mark kept; the engine's calls (claim,
 * settle, recover, dead letters, marks, change-feed pages) are checked by
 * what they leave in the file; retention is checked by searching the raw
 * database and WAL bytes for the purged person's NIK and name.
 * Schema version 5 and the technician's discard: a version 4 file written
 * with the DDL frozen below, a row in every table, is upgraded with every
 * row, index and the high-water mark kept (and a failed upgrade leaves it
 * as it was); a discarded dead letter loses its payload, keeps its record,
 * is never claimed again and holds nothing back.
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
#include "store.h"
#include "fixture_dir.h"
#include "fixture_outbox.h"

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
	assert_int_equal(raw_int(path, "PRAGMA user_version"), QUEUE_SCHEMA_VERSION);
	char mode[16];
	raw_text(path, "PRAGMA journal_mode", mode, sizeof mode);
	assert_string_equal(mode, "wal");
	assert_int_equal(raw_int(path, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN"
				       " ('requests', 'events', 'outbox', 'notifications', 'marks')"),
			 5);
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
	assert_int_equal(info.user_version, QUEUE_SCHEMA_VERSION);
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
	/* The outbox entry points at the request, whose stored JSON it sends
	 * (no second copy: see the claim tests for the bytes sent). */
	assert_int_equal(raw_int(path, "SELECT count(*) FROM outbox o JOIN requests r ON o.ref_id = r.id"
				       " WHERE o.payload = '' AND o.kind = 'request' AND o.ticket = r.ticket"
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

/* ---- schema version 2: upgrades ----------------------------------------------------- */

/* The schema of version 1 exactly as kiosks in the field wrote it (frozen
 * here: migration 1 in queue.c must never change, and this copy proves
 * upgrades from it). */
static const char v1_ddl[] =
	"CREATE TABLE requests ("
	" id INTEGER PRIMARY KEY,"
	" ticket TEXT UNIQUE NOT NULL,"
	" resubmit_of TEXT,"
	" kiosk_id TEXT NOT NULL,"
	" state TEXT NOT NULL,"
	" nik_last4 TEXT NOT NULL CHECK (length(nik_last4) = 4),"
	" payload TEXT NOT NULL,"
	" submitted_at INTEGER NOT NULL,"
	" deadline_at INTEGER NOT NULL,"
	" target_at INTEGER NOT NULL,"
	" deadline_uncovered INTEGER NOT NULL DEFAULT 0 CHECK (deadline_uncovered IN (0, 1)),"
	" updated_at INTEGER NOT NULL"
	") STRICT;"
	"CREATE TABLE events ("
	" id INTEGER PRIMARY KEY,"
	" request_id INTEGER NOT NULL REFERENCES requests(id),"
	" from_state TEXT NOT NULL,"
	" to_state TEXT NOT NULL,"
	" role TEXT NOT NULL,"
	" actor TEXT NOT NULL,"
	" at INTEGER NOT NULL,"
	" reason TEXT NOT NULL DEFAULT ''"
	") STRICT;"
	"CREATE INDEX events_by_request ON events (request_id, id);"
	"CREATE TRIGGER events_no_update BEFORE UPDATE ON events"
	" BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;"
	"CREATE TRIGGER events_no_delete BEFORE DELETE ON events"
	" BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;"
	"CREATE TABLE outbox ("
	" seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	" idem_key TEXT UNIQUE NOT NULL CHECK (length(idem_key) = 32),"
	" kind TEXT NOT NULL CHECK (kind IN ('request', 'event')),"
	" ref_id INTEGER NOT NULL,"
	" payload TEXT NOT NULL,"
	" attempts INTEGER NOT NULL DEFAULT 0,"
	" next_attempt_at INTEGER NOT NULL DEFAULT 0,"
	" last_error TEXT,"
	" state TEXT NOT NULL DEFAULT 'pending'"
	"  CHECK (state IN ('pending', 'in_flight', 'done', 'dead'))"
	") STRICT;"
	"CREATE INDEX outbox_due ON outbox (state, next_attempt_at, seq);"
	"CREATE TABLE notifications ("
	" id INTEGER PRIMARY KEY,"
	" request_id INTEGER NOT NULL REFERENCES requests(id),"
	" channel TEXT NOT NULL CHECK (channel IN ('email', 'sms', 'kiosk')),"
	" kind TEXT NOT NULL,"
	" at INTEGER NOT NULL,"
	" text TEXT NOT NULL"
	") STRICT;"
	"CREATE INDEX notifications_by_request ON notifications (request_id, id);"
	"PRAGMA user_version = 1;";

/* Run SQL with its ?1.. bound from FMT ('t' text, 'i' int64) on DB. */
static void raw_exec(sqlite3 *db, const char *sql, const char *fmt, ...)
{
	sqlite3_stmt *st = NULL;
	va_list ap;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("prepare: %s", sqlite3_errmsg(db));
	va_start(ap, fmt);
	for (int i = 0; fmt[i]; i++) {
		if (fmt[i] == 't')
			sqlite3_bind_text(st, i + 1, va_arg(ap, const char *), -1, SQLITE_TRANSIENT);
		else
			sqlite3_bind_int64(st, i + 1, va_arg(ap, int64_t));
	}
	va_end(ap);
	if (sqlite3_step(st) != SQLITE_DONE)
		fail_msg("step: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
}

/* Request R as row ID of the old schemas' requests table, in STATE, with
 * its JSON form JSON, the fixture's deadline and target, and the NIK's last
 * four digits "000<ID>" (the made-up people's). */
static void raw_request(sqlite3 *db, int id, const req *r, const char *json, const char *state,
			int64_t submitted, int64_t updated)
{
	char last4[8];
	snprintf(last4, sizeof last4, "%04d", id);
	raw_exec(db, "INSERT INTO requests (id, ticket, kiosk_id, state, nik_last4, payload, submitted_at,"
		     " deadline_at, target_at, updated_at) VALUES (?1, ?2, 'PKL-DISKOMINFO-01', ?3, ?4, ?5,"
		     " ?6, ?7, ?8, ?9)",
		 "ittttiiii", (int64_t)id, r->ticket, state, last4, json, submitted, T_DEADLINE, T_TARGET,
		 updated);
}

/*
 * A version 1 file as the version 1 code left it: Siti's request
 * (verified at the kiosk: an event entry), Budi's request (its entry dead
 * after 3 attempts), a note, and a fourth entry that was written and
 * removed, so sqlite_sequence (4) is above max(seq) (3).
 */
static void make_v1_file(const char *path, char siti_t[TICKET_TEXT_MAX], char budi_t[TICKET_TEXT_MAX])
{
	req r;
	rstate_event first;
	char *json = NULL, *ev_json = NULL;
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, v1_ddl, NULL, NULL, NULL), SQLITE_OK);

	siti_request(500, &r, &first);
	snprintf(siti_t, TICKET_TEXT_MAX, "%s", r.ticket);
	assert_int_equal(reqjson_encode(&r, &json), REQJSON_OK);
	raw_request(db, 1, &r, json, "in_verification", T_SUBMIT, T_SUBMIT + 600);
	raw_exec(
		db,
		"INSERT INTO events VALUES (1, 1, 'draft', 'queued', 'applicant', 'PKL-DISKOMINFO-01',"
		" ?1, '')",
		"i", T_SUBMIT);
	rstate_event ev = event(RSTATE_QUEUED, RSTATE_IN_VERIFICATION, RROLE_OFFICER, "verifikator01",
				T_SUBMIT + 600, NULL);
	assert_int_equal(reqjson_encode_event(r.ticket, &ev, &ev_json), REQJSON_OK);
	raw_exec(db,
		 "INSERT INTO events VALUES (2, 1, 'queued', 'in_verification', 'officer', 'verifikator01',"
		 " ?1, '')",
		 "i", T_SUBMIT + 600);
	raw_exec(db, "INSERT INTO outbox (idem_key, kind, ref_id, payload, next_attempt_at)"
		     " VALUES ('00000000000000000000000000000001', 'request', 1, ?1, ?2)",
		 "ti", json, T_SUBMIT);
	reqjson_free(&json);

	budi_request(501, &r, &first);
	snprintf(budi_t, TICKET_TEXT_MAX, "%s", r.ticket);
	assert_int_equal(reqjson_encode(&r, &json), REQJSON_OK);
	raw_request(db, 2, &r, json, "queued", T_SUBMIT + 60, T_SUBMIT + 60);
	raw_exec(
		db,
		"INSERT INTO events VALUES (3, 2, 'draft', 'queued', 'applicant', 'PKL-DISKOMINFO-01',"
		" ?1, '')",
		"i", T_SUBMIT + 60);
	raw_exec(db,
		 "INSERT INTO outbox (idem_key, kind, ref_id, payload, next_attempt_at, attempts,"
		 " last_error, state) VALUES ('00000000000000000000000000000002', 'request', 2, ?1, ?2, 3,"
		 " 'HTTP 409 ticket_exists', 'dead')",
		 "ti", json, T_SUBMIT + 60);
	raw_exec(db, "INSERT INTO outbox (idem_key, kind, ref_id, payload, next_attempt_at)"
		     " VALUES ('00000000000000000000000000000003', 'event', 2, ?1, ?2)",
		 "ti", ev_json, T_SUBMIT + 600);
	raw_exec(db, "INSERT INTO outbox (idem_key, kind, ref_id, payload)"
		     " VALUES ('00000000000000000000000000000004', 'event', 2, '{}')", "");
	raw_exec(db, "DELETE FROM outbox WHERE seq = 4", "");
	raw_exec(db, "INSERT INTO notifications (request_id, channel, kind, at, text)"
		     " VALUES (2, 'sms', 'received', ?1, 'Permohonan diterima')", "i", T_SUBMIT + 61);
	sqlite3_close(db);
	reqjson_free(&json);
	reqjson_free(&ev_json);
	req_wipe(&r);
}

static void test_upgrade_from_v1(void **state)
{
	char path[512], siti_t[TICKET_TEXT_MAX], budi_t[TICKET_TEXT_MAX], text[256];
	queue_status st;
	queue_entry e[8];
	int n = -1;
	int64_t wait = 0, seq = 0;
	db_path(state, "v1", path, sizeof path);
	make_v1_file(path, siti_t, budi_t);
	assert_int_equal(raw_int(path, "PRAGMA user_version"), 1);
	/* What version 1 would have sent for entries 1 and 3. */
	char *before[2] = {NULL, NULL};
	{
		sqlite3 *db = raw_open(path);
		sqlite3_stmt *s = NULL;
		assert_int_equal(
			sqlite3_prepare_v2(db, "SELECT payload FROM outbox WHERE seq IN (1, 3) ORDER BY seq",
					   -1, &s, NULL),
			SQLITE_OK);
		for (int i = 0; i < 2; i++) {
			assert_int_equal(sqlite3_step(s), SQLITE_ROW);
			before[i] = strdup((const char *)sqlite3_column_text(s, 0));
		}
		sqlite3_finalize(s);
		sqlite3_close(db);
	}

	queue *q = open_ok(path, NULL);
	assert_int_equal(raw_int(path, "PRAGMA user_version"), QUEUE_SCHEMA_VERSION);
	/* Every row kept, with its seq and key; times now in milliseconds; tickets filled. */
	assert_counts(path, 2, 3, 3);
	assert_int_equal(count_rows(path).notes, 1);
	char keys[64];
	raw_text(path, "SELECT group_concat(seq || ':' || substr(idem_key, 32), ',') FROM"
		       " (SELECT * FROM outbox ORDER BY seq)",
		 keys, sizeof keys);
	assert_string_equal(keys, "1:1,2:2,3:3");
	assert_int_equal(raw_int(path, "SELECT next_attempt_at FROM outbox WHERE seq = 1"), T_SUBMIT * 1000);
	assert_int_equal(raw_int(path, "SELECT next_attempt_at FROM outbox WHERE seq = 2"),
			 (T_SUBMIT + 60) * 1000);
	assert_int_equal(raw_int(path, "SELECT next_attempt_at FROM outbox WHERE seq = 3"),
			 (T_SUBMIT + 600) * 1000);
	raw_text(path, "SELECT ticket FROM outbox WHERE seq = 1", text, sizeof text);
	assert_string_equal(text, siti_t);
	raw_text(path, "SELECT ticket FROM outbox WHERE seq = 2", text, sizeof text);
	assert_string_equal(text, budi_t);
	raw_text(path, "SELECT ticket FROM outbox WHERE seq = 3", text, sizeof text); /* via events */
	assert_string_equal(text, siti_t);
	/* Request entries no longer hold a copy of the request's JSON; an
	 * event entry keeps its own. */
	assert_int_equal(raw_int(path, "SELECT count(*) FROM outbox WHERE kind = 'request' AND payload = ''"),
			 2);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM outbox WHERE kind = 'event' AND payload <> ''"),
			 1);
	assert_int_equal(raw_int(path, "SELECT attempts FROM outbox WHERE seq = 2 AND state = 'dead'"
				       " AND last_error = 'HTTP 409 ticket_exists' AND http_status IS NULL"),
			 3);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM requests WHERE purged_at IS NULL"), 2);
	/* The new schema: no old index left, the new ones and marks there. */
	assert_int_equal(raw_int(path, "SELECT count(*) FROM sqlite_schema WHERE name = 'outbox_due'"), 0);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM sqlite_schema WHERE name IN ('outbox_next',"
				       " 'outbox_dead', 'requests_unpurged', 'marks')"),
			 4);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM sqlite_schema WHERE name = 'outbox_v2'"), 0);
	/* The high-water mark moved with the table: seq 4 is never handed out again. */
	assert_int_equal(raw_int(path, "SELECT seq FROM sqlite_sequence WHERE name = 'outbox'"), 4);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM sqlite_sequence"), 1);
	assert_int_equal(queue_outbox_add(q, QUEUE_KIND_COMPLAINT, "{\"v\":1}", 7, &seq), QUEUE_OK);
	assert_int_equal(seq, 5);
	char ok[16];
	raw_text(path, "PRAGMA integrity_check", ok, sizeof ok);
	assert_string_equal(ok, "ok");
	assert_int_equal(raw_int(path, "SELECT count(*) FROM pragma_foreign_key_check"), 0);

	/* The store works on the upgraded file: lookups, and the engine's next batch. */
	assert_int_equal(queue_lookup(q, siti_t, "0001", &st), QUEUE_OK);
	assert_int_equal(st.r.state, RSTATE_IN_VERIFICATION);
	assert_string_equal(st.r.f[REQ_F_NAME].current, "Siti Nur'aini");
	assert_false(st.purged);
	assert_int_equal(st.n_events, 2);
	assert_int_equal(queue_lookup(q, budi_t, "0002", &st), QUEUE_OK);
	assert_int_equal(st.n_notes, 1);
	assert_int_equal(queue_outbox_claim(q, (T_SUBMIT + 600) * 1000, 8, e, &n, &wait), QUEUE_OK);
	assert_int_equal(n, 3); /* the dead one holds nothing back */
	assert_int_equal(e[0].seq, 1);
	assert_int_equal(e[0].kind, QUEUE_KIND_REQUEST);
	assert_string_equal(e[0].ticket, siti_t);
	assert_string_equal(e[0].idem_key, "00000000000000000000000000000001");
	assert_string_equal(e[0].payload, before[0]); /* a resend: the same bytes as before */
	assert_int_equal(e[1].seq, 3);
	assert_int_equal(e[1].kind, QUEUE_KIND_EVENT);
	assert_string_equal(e[1].ticket, siti_t);
	assert_string_equal(e[1].payload, before[1]);
	free(before[0]);
	free(before[1]);
	assert_int_equal(e[2].seq, 5);
	assert_int_equal(e[2].kind, QUEUE_KIND_COMPLAINT);
	assert_string_equal(e[2].ticket, "");
	for (int i = 0; i < n; i++)
		queue_entry_wipe(&e[i]);
	queue_close(&q);
	/* Opened again: nothing more to migrate, nothing changes. */
	q = open_ok(path, NULL);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM outbox"), 4);
	queue_close(&q);
	queue_status_wipe(&st);
}

static void test_upgrade_failure_keeps_v1(void **state)
{
	char path[512], siti_t[TICKET_TEXT_MAX], budi_t[TICKET_TEXT_MAX];
	db_path(state, "v1_fail", path, sizeof path);
	make_v1_file(path, siti_t, budi_t);
	/* A table in the way of migration 2 makes it fail halfway. */
	sqlite3 *db = raw_open(path);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE marks (x)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	queue *q = NULL;
	assert_int_equal(queue_open(&q, path, NULL), QUEUE_ERR_IO);
	assert_null(q);
	/* Still version 1, with the old outbox, every row and the old times. */
	assert_int_equal(raw_int(path, "PRAGMA user_version"), 1);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM sqlite_schema WHERE name IN ('outbox_due',"
				       " 'outbox_next', 'outbox_v2')"),
			 1);
	assert_counts(path, 2, 3, 3);
	assert_int_equal(raw_int(path, "SELECT next_attempt_at FROM outbox WHERE seq = 1"), T_SUBMIT);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM pragma_table_info('requests')"
				       " WHERE name = 'purged_at'"),
			 0);
}

static void test_upgrade_from_v0(void **state)
{
	char path[512];
	db_path(state, "v0", path, sizeof path);
	/* An empty file (0 bytes), as a kiosk's first start finds it. */
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);

	queue *q = open_ok(path, NULL);
	assert_int_equal(raw_int(path, "PRAGMA user_version"), QUEUE_SCHEMA_VERSION);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN"
				       " ('requests', 'events', 'outbox', 'notifications', 'marks')"),
			 5);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM sqlite_schema WHERE name = 'outbox_v2'"), 0);
	req r;
	rstate_event first;
	siti_request(600, &r, &first);
	submit_ok(q, &r, &first);
	/* The first seq is 1, as on a file created at version 2. */
	assert_int_equal(raw_int(path, "SELECT seq FROM outbox"), 1);
	assert_int_equal(raw_int(path, "SELECT next_attempt_at FROM outbox"), 0); /* due now */
	char t[16];
	raw_text(path, "SELECT ticket FROM outbox", t, sizeof t);
	assert_string_equal(t, r.ticket);
	queue_close(&q);
	req_wipe(&r);
}

/* ---- the outbox as the engine drains it ------------------------------------------- */

#define NOW_MS (T_SUBMIT * 1000 + 5000)

static queue_result result(int64_t seq, queue_outcome o, int http, const char *reason, int64_t retry_at_ms,
			   int64_t received_at)
{
	queue_result r;
	memset(&r, 0, sizeof r);
	r.seq = seq;
	r.outcome = o;
	r.http_status = http;
	snprintf(r.reason, sizeof r.reason, "%s", reason ? reason : "");
	r.retry_at_ms = retry_at_ms;
	r.received_at = received_at;
	return r;
}

static void settle1(queue *q, int64_t seq, queue_outcome o, int http, const char *reason, int64_t retry_at_ms,
		    int64_t now_ms)
{
	queue_result r = result(seq, o, http, reason, retry_at_ms, 0);
	queue_err e = queue_outbox_settle(q, &r, 1, now_ms);
	if (e != QUEUE_OK)
		fail_msg("settle %lld: %s", (long long)seq, queue_err_name(e));
}

/* Claim at NOW; the claimed seqs into SEQS (up to 16), their count returned. */
static int claim_seqs(queue *q, int64_t now_ms, int max, int64_t *seqs, int64_t *wait)
{
	queue_entry e[16];
	int n = -1;
	assert_true(max <= 16);
	queue_err err = queue_outbox_claim(q, now_ms, max, e, &n, wait);
	if (err != QUEUE_OK)
		fail_msg("claim: %s", queue_err_name(err));
	for (int i = 0; i < n; i++) {
		seqs[i] = e[i].seq;
		queue_entry_wipe(&e[i]);
	}
	return n;
}

static int64_t count_state(queue *q, const char *s)
{
	int64_t n = -1;
	assert_int_equal(queue_outbox_count(q, s, &n), QUEUE_OK);
	return n;
}

/* Five requests of Siti (tickets N0..N0+4): outbox seqs 1..5. */
static void submit_five(queue *q, unsigned n0)
{
	req r;
	rstate_event first;
	for (unsigned i = 0; i < 5; i++) {
		siti_request(n0 + i, &r, &first);
		submit_ok(q, &r, &first);
	}
	req_wipe(&r);
}

static void test_claim_order_and_limits(void **state)
{
	char path[512];
	queue_entry e[8];
	int64_t seqs[16], wait = 99;
	int n = -1;
	db_path(state, "claim", path, sizeof path);
	queue *q = open_ok(path, NULL);

	/* Nothing at all: nothing to send, nothing pending. */
	assert_int_equal(claim_seqs(q, NOW_MS, 4, seqs, &wait), 0);
	assert_int_equal(wait, -1);

	submit_five(q, 700);
	int64_t seq6 = 0;
	const char *survey = "{\"v\":1,\"scores\":{\"q1\":4}}";
	assert_int_equal(queue_outbox_add(q, QUEUE_KIND_SURVEY, survey, strlen(survey), &seq6), QUEUE_OK);
	assert_int_equal(seq6, 6);

	/* In seq order, at most MAX, with everything the engine sends. */
	assert_int_equal(queue_outbox_claim(q, NOW_MS, 2, e, &n, &wait), QUEUE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(wait, 0);
	char t[TICKET_TEXT_MAX];
	fx_ticket(700, t);
	assert_int_equal(e[0].seq, 1);
	assert_int_equal(e[0].kind, QUEUE_KIND_REQUEST);
	assert_string_equal(e[0].ticket, t);
	assert_int_equal(e[0].attempts, 0);
	assert_int_equal(strlen(e[0].idem_key), QUEUE_IDEM_KEY_LEN);
	assert_int_equal(e[0].payload_len, strlen(e[0].payload));
	char stored[4096];
	raw_text(path, "SELECT payload FROM requests WHERE id = 1", stored, sizeof stored);
	assert_string_equal(e[0].payload, stored); /* the bytes sent are the bytes stored */
	assert_non_null(strstr(e[0].payload, NIK_SITI));
	assert_int_equal(e[1].seq, 2);
	char key[64];
	raw_text(path, "SELECT idem_key FROM outbox WHERE seq = 2", key, sizeof key);
	assert_string_equal(e[1].idem_key, key);
	for (int i = 0; i < n; i++)
		queue_entry_wipe(&e[i]);
	assert_int_equal(count_state(q, "in_flight"), 2);
	assert_int_equal(count_state(q, "pending"), 4);

	/* In-flight entries are not claimed twice. */
	assert_int_equal(claim_seqs(q, NOW_MS, 3, seqs, &wait), 3);
	assert_int_equal(seqs[0], 3);
	assert_int_equal(seqs[2], 5);
	assert_int_equal(claim_seqs(q, NOW_MS, 16, seqs, &wait), 1);
	assert_int_equal(seqs[0], 6);
	assert_int_equal(claim_seqs(q, NOW_MS, 16, seqs, &wait), 0);
	assert_int_equal(wait, -1); /* all in flight: none pending */
	assert_int_equal(count_state(q, "in_flight"), 6);

	/* MAX out of range, a negative time: refused, OUT's entries zero. */
	memset(e, 0x5A, sizeof e);
	n = 7;
	assert_int_equal(queue_outbox_claim(q, NOW_MS, 0, e, &n, &wait), QUEUE_ERR_INVALID);
	assert_int_equal(n, 0);
	queue_entry many[257];
	assert_int_equal(queue_outbox_claim(q, NOW_MS, 257, many, &n, &wait), QUEUE_ERR_INVALID);
	assert_int_equal(queue_outbox_claim(q, -1, 4, e, &n, &wait), QUEUE_ERR_INVALID);
	assert_all_zero(e, 4 * sizeof e[0]);
	assert_int_equal(count_state(q, "in_flight"), 6);
	queue_close(&q);
}

static void test_claim_not_due_and_clamp(void **state)
{
	char path[512];
	int64_t seqs[16], wait = 0;
	db_path(state, "claim_due", path, sizeof path);
	queue *q = open_ok(path, NULL);
	submit_five(q, 720);

	/* Entry 1 fails and is retried in 5 s: it holds back 2..5. */
	assert_int_equal(claim_seqs(q, NOW_MS, 1, seqs, &wait), 1);
	settle1(q, 1, QUEUE_OUT_RETRY, 503, "HTTP 503 unavailable", NOW_MS + 5000, NOW_MS);
	assert_int_equal(claim_seqs(q, NOW_MS, 16, seqs, &wait), 0);
	assert_int_equal(wait, 5000);
	assert_int_equal(claim_seqs(q, NOW_MS + 4999, 16, seqs, &wait), 0);
	assert_int_equal(wait, 1);
	assert_int_equal(count_state(q, "pending"), 5);
	/* Due: the whole run goes, the retried entry first. */
	assert_int_equal(claim_seqs(q, NOW_MS + 5000, 3, seqs, &wait), 3);
	assert_int_equal(seqs[0], 1);
	assert_int_equal(seqs[1], 2);
	/* 1 retried again; 2 and 3 never sent (UNSENT): pending as before. */
	queue_result rs[3] = {
		result(1, QUEUE_OUT_RETRY, 0, "connection refused", NOW_MS + 10000, 0),
		result(2, QUEUE_OUT_UNSENT, 0, NULL, 0, 0),
		result(3, QUEUE_OUT_UNSENT, 0, NULL, 0, 0),
	};
	assert_int_equal(queue_outbox_settle(q, rs, 3, NOW_MS + 5001), QUEUE_OK);
	assert_int_equal(raw_int(path, "SELECT attempts FROM outbox WHERE seq = 1"), 2);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM outbox WHERE seq IN (2, 3) AND attempts = 0"
				       " AND state = 'pending' AND next_attempt_at = 0"),
			 2);
	/* A later entry due and an earlier one not: still nothing (order first). */
	assert_int_equal(claim_seqs(q, NOW_MS + 9999, 16, seqs, &wait), 0);
	assert_int_equal(wait, 1);

	/* The clock was set back by 2 hours: a retry beyond the clamp counts as due. */
	int64_t back = NOW_MS + 10000 - 2 * 3600 * 1000LL;
	assert_int_equal(claim_seqs(q, back, 1, seqs, &wait), 1);
	assert_int_equal(seqs[0], 1);
	/* Exactly at the clamp it is still a wait (of the clamp's length). */
	settle1(q, 1, QUEUE_OUT_RETRY, 429, "HTTP 429", back + QUEUE_RETRY_CLAMP_MS, back);
	assert_int_equal(claim_seqs(q, back, 16, seqs, &wait), 0);
	assert_int_equal(wait, QUEUE_RETRY_CLAMP_MS);
	assert_int_equal(claim_seqs(q, back - 1, 1, seqs, &wait), 1); /* 1 ms beyond: due */

	/* A dead entry holds back nothing. */
	settle1(q, 1, QUEUE_OUT_DEAD, 409, "HTTP 409 ticket_exists", 0, back);
	assert_int_equal(claim_seqs(q, back, 16, seqs, &wait), 4);
	assert_int_equal(seqs[0], 2);
	queue_close(&q);
}

/* The event rows of request ID, as "from>to/role/actor/at". */
static void events_of(const char *path, int id, char *out, size_t cap)
{
	char sql[256];
	snprintf(
		sql, sizeof sql,
		"SELECT group_concat(from_state || '>' || to_state || '/' || role || '/' || actor"
		" || '/' || at, ' ')"
		" FROM (SELECT * FROM events WHERE request_id = %d ORDER BY id)",
		id);
	raw_text(path, sql, out, cap);
}

static void test_settle_outcomes(void **state)
{
	char path[512], evs[512], want[512];
	int64_t seqs[16], wait;
	db_path(state, "settle", path, sizeof path);
	queue *q = open_ok(path, NULL);
	submit_five(q, 740);
	assert_int_equal(claim_seqs(q, NOW_MS, 5, seqs, &wait), 5);

	/* Request 3 was verified by an officer here while its entry was in flight. */
	char t3[TICKET_TEXT_MAX];
	fx_ticket(742, t3);
	rstate_event ev = event(RSTATE_QUEUED, RSTATE_IN_VERIFICATION, RROLE_OFFICER, "verifikator01",
				T_SUBMIT + 2, NULL);
	assert_int_equal(queue_append_event(q, t3, &ev, false), QUEUE_OK);

	queue_result rs[5] = {
		result(1, QUEUE_OUT_DONE, 201, NULL, 0, T_SUBMIT + 7),
		result(2, QUEUE_OUT_DONE, 200, NULL, 0, 0), /* no received_at: now */
		result(3, QUEUE_OUT_DONE, 201, NULL, 0, T_SUBMIT + 8),
		result(4, QUEUE_OUT_RETRY, 503, "HTTP 503 unavailable", NOW_MS + 30000, 0),
		result(5, QUEUE_OUT_DEAD, 422, "HTTP 422 idempotency_key_reused", 0, 0),
	};
	assert_int_equal(queue_outbox_settle(q, rs, 5, NOW_MS + 100), QUEUE_OK);

	/* DONE: payload dropped, request received (central, "central", received_at). */
	assert_int_equal(raw_int(path, "SELECT count(*) FROM outbox WHERE seq IN (1, 2, 3) AND state = 'done'"
				       " AND payload = '' AND attempts = 0"),
			 3);
	assert_int_equal(raw_int(path, "SELECT http_status FROM outbox WHERE seq = 1"), 201);
	assert_int_equal(raw_int(path, "SELECT updated_at FROM outbox WHERE seq = 1"), NOW_MS + 100);
	events_of(path, 1, evs, sizeof evs);
	snprintf(want, sizeof want, "draft>queued/applicant/PKL-DISKOMINFO-01/%lld"
				    " queued>received/central/central/%lld",
		 (long long)T_SUBMIT, (long long)T_SUBMIT + 7);
	assert_string_equal(evs, want);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM requests WHERE id = 1 AND state = 'received'"
				       " AND updated_at = 1767318307"),
			 1);
	events_of(path, 2, evs, sizeof evs);
	snprintf(want, sizeof want, "draft>queued/applicant/PKL-DISKOMINFO-01/%lld"
				    " queued>received/central/central/%lld",
		 (long long)T_SUBMIT, (long long)(NOW_MS + 100) / 1000);
	assert_string_equal(evs, want);
	/* Request 3 had moved on: no received event, its state kept. */
	assert_int_equal(raw_int(path, "SELECT count(*) FROM events WHERE request_id = 3"), 2);
	assert_int_equal(
		raw_int(path, "SELECT count(*) FROM requests WHERE id = 3 AND state = 'in_verification'"), 1);
	/* RETRY: pending, one attempt more, the reason and status, due later. */
	assert_int_equal(raw_int(path,
				 "SELECT count(*) FROM outbox WHERE seq = 4 AND state = 'pending'"
				 " AND attempts = 1 AND next_attempt_at = 1767318335000 AND http_status = 503"
				 " AND last_error = 'HTTP 503 unavailable'"),
			 1);
	/* DEAD: dead, one attempt more, the reason. */
	assert_int_equal(raw_int(path, "SELECT count(*) FROM outbox WHERE seq = 5 AND state = 'dead'"
				       " AND attempts = 1 AND http_status = 422"
				       " AND last_error = 'HTTP 422 idempotency_key_reused'"),
			 1);
	/* The status screen shows the received step. */
	queue_status st;
	char t1[TICKET_TEXT_MAX];
	fx_ticket(740, t1);
	assert_int_equal(queue_lookup(q, t1, "0001", &st), QUEUE_OK);
	assert_int_equal(st.r.state, RSTATE_RECEIVED);
	assert_int_equal(st.n_events, 2);
	assert_string_equal(st.events[1].actor, "central");
	assert_int_equal(st.events[1].role, RROLE_CENTRAL);
	queue_status_wipe(&st);

	/* Any seq not in flight: QUEUE_ERR_STATE, and the whole batch undone. */
	assert_int_equal(claim_seqs(q, NOW_MS + 30000, 1, seqs, &wait), 1); /* 4 in flight again */
	assert_int_equal(seqs[0], 4);
	const int64_t not_in_flight[] = {1 /* done */, 5 /* dead */, 99 /* none */, 4 /* twice */};
	for (size_t i = 0; i < sizeof not_in_flight / sizeof not_in_flight[0]; i++) {
		queue_result bad[2] = {
			result(4, QUEUE_OUT_DONE, 201, NULL, 0, T_SUBMIT + 9),
			result(not_in_flight[i], QUEUE_OUT_DONE, 201, NULL, 0, 0),
		};
		assert_int_equal(queue_outbox_settle(q, bad, 2, NOW_MS + 30001), QUEUE_ERR_STATE);
		assert_int_equal(raw_int(path,
					 "SELECT count(*) FROM outbox WHERE seq = 4 AND state = 'in_flight'"
					 " AND http_status = 503"),
				 1);
		assert_int_equal(
			raw_int(path, "SELECT count(*) FROM requests WHERE id = 4 AND state = 'queued'"), 1);
		assert_int_equal(raw_int(path, "SELECT count(*) FROM events WHERE request_id = 4"), 1);
	}
	/* Bad arguments. */
	queue_result one = result(4, QUEUE_OUT_DONE, 201, NULL, 0, 0);
	assert_int_equal(queue_outbox_settle(q, &one, 0, NOW_MS), QUEUE_ERR_INVALID);
	assert_int_equal(queue_outbox_settle(q, &one, 257, NOW_MS), QUEUE_ERR_INVALID);
	assert_int_equal(queue_outbox_settle(q, NULL, 1, NOW_MS), QUEUE_ERR_INVALID);
	one.outcome = (queue_outcome)9;
	assert_int_equal(queue_outbox_settle(q, &one, 1, NOW_MS), QUEUE_ERR_INVALID);
	one = result(4, QUEUE_OUT_DEAD, 400, NULL, 0, 0);
	memset(one.reason, 'x', sizeof one.reason); /* not terminated */
	assert_int_equal(queue_outbox_settle(q, &one, 1, NOW_MS), QUEUE_ERR_INVALID);
	assert_int_equal(count_state(q, "in_flight"), 1);
	/* And the good one lands. */
	settle1(q, 4, QUEUE_OUT_DONE, 201, NULL, 0, NOW_MS + 30002);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM requests WHERE id = 4 AND state = 'received'"),
			 1);
	assert_int_equal(count_state(q, "done"), 4);
	assert_int_equal(count_state(q, "dead"), 1);
	assert_int_equal(count_state(q, NULL), 5);
	assert_consistent(path);
	queue_close(&q);
}

static void test_recover_after_crash(void **state)
{
	char path[512];
	int64_t seqs[16], wait, n = -1;
	db_path(state, "recover", path, sizeof path);
	queue *q = open_ok(path, NULL);
	submit_five(q, 760);
	assert_int_equal(claim_seqs(q, NOW_MS, 1, seqs, &wait), 1);
	settle1(q, 1, QUEUE_OUT_RETRY, 500, "HTTP 500 internal", NOW_MS, NOW_MS);
	char keys_before[200];
	raw_text(path, "SELECT group_concat(idem_key) FROM (SELECT idem_key FROM outbox ORDER BY seq)",
		 keys_before, sizeof keys_before);
	queue_close(&q);

	/* A child claims three entries and dies before it settles them. */
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		queue_entry e[3];
		int got = 0;
		int64_t w;
		if (queue_open(&q, path, NULL) != QUEUE_OK)
			_exit(2);
		if (queue_outbox_claim(q, NOW_MS, 3, e, &got, &w) != QUEUE_OK || got != 3)
			_exit(3);
		_exit(0); /* no settle, no close */
	}
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);

	q = open_ok(path, NULL);
	assert_int_equal(count_state(q, "in_flight"), 3);
	/* Left in flight, they are not claimed again ... */
	assert_int_equal(claim_seqs(q, NOW_MS, 16, seqs, &wait), 2);
	assert_int_equal(seqs[0], 4);
	settle1(q, 4, QUEUE_OUT_UNSENT, 0, NULL, 0, NOW_MS);
	settle1(q, 5, QUEUE_OUT_UNSENT, 0, NULL, 0, NOW_MS);
	/* ... until the engine's start recovers them, keys and attempts kept. */
	assert_int_equal(queue_outbox_recover(q, &n), QUEUE_OK);
	assert_int_equal(n, 3);
	assert_int_equal(count_state(q, "in_flight"), 0);
	assert_int_equal(count_state(q, "pending"), 5);
	assert_int_equal(raw_int(path, "SELECT attempts FROM outbox WHERE seq = 1"), 1);
	char keys_after[200];
	raw_text(path, "SELECT group_concat(idem_key) FROM (SELECT idem_key FROM outbox ORDER BY seq)",
		 keys_after, sizeof keys_after);
	assert_string_equal(keys_after, keys_before);
	assert_int_equal(claim_seqs(q, NOW_MS, 16, seqs, &wait), 5);
	assert_int_equal(seqs[0], 1);
	assert_int_equal(seqs[4], 5);
	assert_int_equal(queue_outbox_recover(q, NULL), QUEUE_OK);
	assert_int_equal(queue_outbox_recover(q, &n), QUEUE_OK);
	assert_int_equal(n, 0);
	queue_close(&q);
}

static void test_dead_letters_revive(void **state)
{
	char path[512];
	int64_t seqs[16], wait, n = -1;
	queue_letter l[4];
	int got = -1;
	db_path(state, "dead", path, sizeof path);
	queue *q = open_ok(path, NULL);
	submit_five(q, 780);

	assert_int_equal(queue_outbox_dead(q, l, 4, &got), QUEUE_OK);
	assert_int_equal(got, 0);
	assert_int_equal(claim_seqs(q, NOW_MS, 5, seqs, &wait), 5);
	queue_result rs[5] = {
		result(1, QUEUE_OUT_DONE, 201, NULL, 0, 0),
		result(2, QUEUE_OUT_DEAD, 409, "HTTP 409 ticket_exists", 0, 0),
		result(3, QUEUE_OUT_DONE, 201, NULL, 0, 0),
		result(4, QUEUE_OUT_DEAD, 400, "HTTP 400 invalid_body", 0, 0),
		result(5, QUEUE_OUT_DEAD, 403, "HTTP 403 kiosk_mismatch", 0, 0),
	};
	assert_int_equal(queue_outbox_settle(q, rs, 5, NOW_MS), QUEUE_OK);

	/* Oldest first, at most MAX, as staff see them. */
	assert_int_equal(queue_outbox_dead(q, l, 2, &got), QUEUE_OK);
	assert_int_equal(got, 2);
	char t[TICKET_TEXT_MAX];
	fx_ticket(781, t);
	assert_int_equal(l[0].seq, 2);
	assert_int_equal(l[0].kind, QUEUE_KIND_REQUEST);
	assert_string_equal(l[0].ticket, t);
	assert_int_equal(l[0].attempts, 1);
	assert_string_equal(l[0].reason, "HTTP 409 ticket_exists");
	assert_int_equal(l[1].seq, 4);
	assert_int_equal(queue_outbox_dead(q, NULL, 0, &got), QUEUE_OK);
	assert_int_equal(got, 0);
	assert_int_equal(queue_outbox_dead(q, l, -1, &got), QUEUE_ERR_INVALID);
	assert_int_equal(count_state(q, "dead"), 3);

	/* Revive one: pending, due now, the same key. */
	char key[40], key2[40];
	raw_text(path, "SELECT idem_key FROM outbox WHERE seq = 4", key, sizeof key);
	assert_int_equal(queue_outbox_revive(q, 4, &n), QUEUE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(queue_outbox_revive(q, 4, &n), QUEUE_ERR_NOT_FOUND); /* no longer dead */
	assert_int_equal(queue_outbox_revive(q, 1, &n), QUEUE_ERR_NOT_FOUND); /* done */
	assert_int_equal(queue_outbox_revive(q, 77, &n), QUEUE_ERR_NOT_FOUND);
	assert_int_equal(queue_outbox_revive(q, -1, &n), QUEUE_ERR_INVALID);
	queue_entry e[4];
	int k = 0;
	assert_int_equal(queue_outbox_claim(q, NOW_MS, 4, e, &k, &wait), QUEUE_OK);
	assert_int_equal(k, 1);
	assert_int_equal(e[0].seq, 4);
	raw_text(path, "SELECT idem_key FROM outbox WHERE seq = 4", key2, sizeof key2);
	assert_string_equal(e[0].idem_key, key);
	assert_string_equal(key2, key);
	assert_int_equal(e[0].attempts, 1);
	queue_entry_wipe(&e[0]);
	settle1(q, 4, QUEUE_OUT_DONE, 201, NULL, 0, NOW_MS);

	/* Revive all. */
	assert_int_equal(queue_outbox_revive(q, 0, &n), QUEUE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(queue_outbox_dead(q, l, 4, &got), QUEUE_OK);
	assert_int_equal(got, 0);
	assert_int_equal(claim_seqs(q, NOW_MS, 16, seqs, &wait), 2);
	assert_int_equal(seqs[0], 2);
	assert_int_equal(seqs[1], 5);
	assert_int_equal(queue_outbox_revive(q, 0, NULL), QUEUE_OK); /* none: fine */
	queue_close(&q);
}

/* ---- schema version 5: the technician's discard ------------------------------------ */

/* The discard reason a technician might type (UTF-8, an em dash). */
#define WHY_GIVEN_UP "refused for good \xE2\x80\x94 applicant told to come back"

/* Every row of every table of PATH (sqlite_sequence too), table by table in
 * name order and rows in rowid order, each value typed: one malloc()ed
 * string to compare before and after a migration. */
static char *raw_dump(const char *path)
{
	sqlite3 *db = raw_open(path);
	sqlite3_stmt *tables = NULL, *rows = NULL;
	char *out = NULL, sql[160];
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	assert_non_null(f);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT name FROM sqlite_schema WHERE type = 'table'"
						" ORDER BY name",
					    -1, &tables, NULL),
			 SQLITE_OK);
	while (sqlite3_step(tables) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(tables, 0);
		fprintf(f, "[%s]\n", t);
		snprintf(sql, sizeof sql, "SELECT * FROM \"%s\" ORDER BY rowid", t);
		assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &rows, NULL), SQLITE_OK);
		while (sqlite3_step(rows) == SQLITE_ROW) {
			for (int c = 0; c < sqlite3_column_count(rows); c++) {
				int type = sqlite3_column_type(rows, c);
				if (type == SQLITE_NULL)
					fputs(" null", f);
				else if (type == SQLITE_INTEGER)
					fprintf(f, " i:%lld", (long long)sqlite3_column_int64(rows, c));
				else
					fprintf(f, " t:'%s'", (const char *)sqlite3_column_text(rows, c));
			}
			fputc('\n', f);
		}
		sqlite3_finalize(rows);
	}
	sqlite3_finalize(tables);
	sqlite3_close(db);
	fclose(f);
	return out;
}

/* What migrations 2 to 4 made of v1_ddl's tables, frozen here as a
 * version 4 kiosk left them (the outbox as migration 3 rebuilt it, and
 * every index it had): run after v1_ddl, it gives a version 4 file without
 * the code that wrote one. Never edit it: it proves upgrades from 4. */
static const char v4_over_v1_ddl[] =
	"DROP TABLE outbox;" /* and outbox_due */
	"CREATE TABLE outbox ("
	" seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	" idem_key TEXT UNIQUE NOT NULL CHECK (length(idem_key) = 32),"
	" kind TEXT NOT NULL"
	"  CHECK (kind IN ('request', 'event', 'complaint', 'survey', 'revocation', 'complaint_note')),"
	" ref_id INTEGER CHECK ((ref_id IS NOT NULL) = (kind IN ('request', 'event'))),"
	" ticket TEXT NOT NULL DEFAULT '',"
	" payload TEXT NOT NULL,"
	" attempts INTEGER NOT NULL DEFAULT 0,"
	" next_attempt_at INTEGER NOT NULL DEFAULT 0,"
	" last_error TEXT,"
	" http_status INTEGER,"
	" state TEXT NOT NULL DEFAULT 'pending'"
	"  CHECK (state IN ('pending', 'in_flight', 'done', 'dead')),"
	" updated_at INTEGER,"
	" CHECK (state <> 'done' OR payload = '')"
	") STRICT;"
	"CREATE INDEX outbox_next ON outbox (state, seq) WHERE state IN ('pending', 'in_flight');"
	"CREATE INDEX outbox_dead ON outbox (seq) WHERE state = 'dead';"
	"CREATE INDEX outbox_by_ticket ON outbox (ticket, seq) WHERE ticket <> '';"
	"CREATE TABLE marks (name TEXT PRIMARY KEY, value INTEGER NOT NULL) STRICT;"
	"ALTER TABLE requests ADD COLUMN purged_at INTEGER;"
	"CREATE INDEX requests_unpurged ON requests (updated_at) WHERE purged_at IS NULL;"
	"CREATE TABLE staff ("
	" code TEXT PRIMARY KEY CHECK (length(code) BETWEEN 4 AND 8 AND code NOT GLOB '*[^0-9]*'),"
	" name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 64),"
	" role TEXT NOT NULL CHECK (role IN ('officer', 'supervisor', 'technician')),"
	" pin_hash TEXT NOT NULL,"
	" created_at INTEGER NOT NULL,"
	" disabled_at INTEGER"
	") STRICT;"
	"CREATE TABLE audit ("
	" seq INTEGER PRIMARY KEY,"
	" at INTEGER NOT NULL,"
	" actor TEXT NOT NULL,"
	" role TEXT NOT NULL,"
	" action TEXT NOT NULL,"
	" target TEXT NOT NULL DEFAULT '',"
	" detail TEXT NOT NULL DEFAULT '',"
	" prev_hash TEXT NOT NULL,"
	" hash TEXT NOT NULL"
	") STRICT;"
	"CREATE TABLE audit_head ("
	" one INTEGER PRIMARY KEY CHECK (one = 1),"
	" seq INTEGER NOT NULL,"
	" hash TEXT NOT NULL"
	") STRICT;"
	"CREATE TABLE complaints ("
	" id INTEGER PRIMARY KEY,"
	" number TEXT UNIQUE NOT NULL,"
	" kiosk_id TEXT NOT NULL,"
	" category TEXT NOT NULL,"
	" text TEXT NOT NULL,"
	" ticket TEXT NOT NULL DEFAULT '',"
	" contact TEXT NOT NULL DEFAULT '',"
	" state TEXT NOT NULL CHECK (state IN ('open', 'responded', 'escalated', 'resolved')),"
	" created_at INTEGER NOT NULL,"
	" escalated_at INTEGER,"
	" resolved_at INTEGER,"
	" updated_at INTEGER NOT NULL,"
	" purged_at INTEGER"
	") STRICT;"
	"CREATE INDEX complaints_by_state ON complaints (state, created_at);"
	"CREATE TABLE complaint_notes ("
	" id INTEGER PRIMARY KEY,"
	" complaint_id INTEGER NOT NULL REFERENCES complaints(id),"
	" kind TEXT NOT NULL CHECK (kind IN ('response', 'escalation', 'resolution')),"
	" role TEXT NOT NULL,"
	" actor TEXT NOT NULL,"
	" at INTEGER NOT NULL,"
	" text TEXT NOT NULL"
	") STRICT;"
	"CREATE INDEX complaint_notes_by_complaint ON complaint_notes (complaint_id, id);"
	"CREATE TABLE conflicts ("
	" id INTEGER PRIMARY KEY,"
	" request_id INTEGER NOT NULL REFERENCES requests(id),"
	" local_state TEXT NOT NULL,"
	" central_from TEXT NOT NULL,"
	" central_to TEXT NOT NULL,"
	" central_role TEXT NOT NULL,"
	" central_actor TEXT NOT NULL,"
	" at INTEGER NOT NULL,"
	" seen_by TEXT,"
	" seen_at INTEGER"
	") STRICT;"
	"CREATE INDEX conflicts_unseen ON conflicts (request_id) WHERE seen_at IS NULL;"
	"CREATE INDEX requests_by_state ON requests (state, submitted_at);"
	"CREATE INDEX requests_desk_order ON requests ((state IN ('rejected', 'closed')),"
	" (CASE WHEN (state IN ('rejected', 'closed')) THEN -submitted_at ELSE deadline_at END),"
	" (CASE WHEN (state IN ('rejected', 'closed')) THEN -id ELSE submitted_at END), id);"
	"CREATE INDEX events_by_to_state ON events (to_state, request_id, at);"
	"PRAGMA user_version = 4;";

/*
 * A version 4 file as the version 4 code left it, a row in every table:
 * Siti's request (received, then verified here: its event entry waits
 * after a retry, due), Budi's request (its entry dead after 3 attempts,
 * HTTP 409), a complaint whose entry is dead with its contact in the
 * payload, a revocation in flight, a complaint note pending, a survey
 * entry written and removed (sqlite_sequence 7 above max(seq) 6); a note,
 * a mark, a technician with an audit entry, a complaint note, a conflict.
 */
static void make_v4_file(const char *path, char siti_t[TICKET_TEXT_MAX], char budi_t[TICKET_TEXT_MAX])
{
	req r;
	rstate_event first;
	char *json = NULL, *ev_json = NULL;
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, v1_ddl, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, v4_over_v1_ddl, NULL, NULL, NULL), SQLITE_OK);

	siti_request(900, &r, &first);
	snprintf(siti_t, TICKET_TEXT_MAX, "%s", r.ticket);
	assert_int_equal(reqjson_encode(&r, &json), REQJSON_OK);
	raw_request(db, 1, &r, json, "in_verification", T_SUBMIT, T_SUBMIT + 600);
	reqjson_free(&json);
	raw_exec(db, "INSERT INTO events VALUES (1, 1, 'draft', 'queued', 'applicant', 'PKL-DISKOMINFO-01',"
		     " ?1, ''), (2, 1, 'queued', 'received', 'central', 'central', ?2, ''),"
		     " (3, 1, 'received', 'in_verification', 'officer', 'verifikator01', ?3, '')",
		 "iii", T_SUBMIT, T_SUBMIT + 10, T_SUBMIT + 600);
	rstate_event ev = event(RSTATE_RECEIVED, RSTATE_IN_VERIFICATION, RROLE_OFFICER, "verifikator01",
				T_SUBMIT + 600, NULL);
	assert_int_equal(reqjson_encode_event(r.ticket, &ev, &ev_json), REQJSON_OK);
	raw_exec(db, "INSERT INTO outbox VALUES (1, '00000000000000000000000000000001', 'request', 1, ?1,"
		     " '', 0, 0, NULL, 201, 'done', ?2)",
		 "ti", r.ticket, T_SUBMIT * 1000 + 10000);
	raw_exec(db, "INSERT INTO outbox VALUES (3, '00000000000000000000000000000003', 'event', 3, ?1,"
		     " ?2, 1, ?3, 'HTTP 503 unavailable', 503, 'pending', ?4)",
		 "ttii", r.ticket, ev_json, NOW_MS - 1000, NOW_MS - 31000);
	raw_exec(db, "INSERT INTO outbox VALUES (5, '00000000000000000000000000000005', 'revocation', NULL,"
		     " ?1, '{\"ticket\":\"x\"}', 0, 0, NULL, NULL, 'in_flight', ?2)",
		 "ti", r.ticket, NOW_MS - 2000);
	raw_exec(db, "INSERT INTO conflicts VALUES (1, 1, 'queued', 'queued', 'received', 'central',"
		     " 'central', ?1, 'verifikator01', ?2)",
		 "ii", T_SUBMIT + 10, T_SUBMIT + 700);
	reqjson_free(&ev_json);

	budi_request(901, &r, &first);
	snprintf(budi_t, TICKET_TEXT_MAX, "%s", r.ticket);
	assert_int_equal(reqjson_encode(&r, &json), REQJSON_OK);
	raw_request(db, 2, &r, json, "queued", T_SUBMIT + 60, T_SUBMIT + 60);
	reqjson_free(&json);
	raw_exec(db, "INSERT INTO events VALUES (4, 2, 'draft', 'queued', 'applicant', 'PKL-DISKOMINFO-01',"
		     " ?1, '')",
		 "i", T_SUBMIT + 60);
	raw_exec(db, "INSERT INTO outbox VALUES (2, '00000000000000000000000000000002', 'request', 2, ?1,"
		     " '', 3, ?2, 'HTTP 409 ticket_exists', 409, 'dead', ?3)",
		 "tii", r.ticket, NOW_MS - 60000, NOW_MS - 50000);
	raw_exec(db, "INSERT INTO notifications VALUES (1, 2, 'sms', 'received', ?1, 'Permohonan diterima')",
		 "i", T_SUBMIT + 61);

	raw_exec(db, "INSERT INTO complaints (id, number, kiosk_id, category, text, contact, state,"
		     " created_at, updated_at) VALUES (1, 'ADU-K01-20260102-0001', 'PKL-DISKOMINFO-01',"
		     " 'service', 'Antrean terlalu lama', '081200000002', 'open', ?1, ?1)",
		 "i", T_SUBMIT + 120);
	raw_exec(db, "INSERT INTO outbox VALUES (4, '00000000000000000000000000000004', 'complaint', NULL,"
		     " '', '{\"number\":\"ADU-K01-20260102-0001\",\"contact\":\"081200000002\"}', 2, 0,"
		     " 'HTTP 400 invalid_body', 400, 'dead', ?1)",
		 "i", NOW_MS - 40000);
	raw_exec(db, "INSERT INTO complaint_notes VALUES (1, 1, 'response', 'officer', '0421', ?1,"
		     " 'Kami periksa antreannya')",
		 "i", T_SUBMIT + 300);
	raw_exec(db, "INSERT INTO outbox VALUES (6, '00000000000000000000000000000006', 'complaint_note',"
		     " NULL, '', '{\"number\":\"ADU-K01-20260102-0001\",\"kind\":\"response\"}', 0, 0, NULL,"
		     " NULL, 'pending', ?1)",
		 "i", NOW_MS - 30000);
	raw_exec(db, "INSERT INTO outbox (seq, idem_key, kind, payload)"
		     " VALUES (7, '00000000000000000000000000000007', 'survey', '{}')", "");
	raw_exec(db, "DELETE FROM outbox WHERE seq = 7", "");

	raw_exec(db, "INSERT INTO marks VALUES ('changes_cursor', 42)", "");
	raw_exec(db, "INSERT INTO staff VALUES ('0420', 'Teknisi Satu', 'technician',"
		     " '$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA', ?1, NULL)",
		 "i", T_SUBMIT - 86400);
	raw_exec(db, "INSERT INTO audit VALUES (1, ?1, '0420', 'technician', 'unlock', '', 'ok',"
		     " printf('%064d', 0), printf('%064d', 1))",
		 "i", T_SUBMIT + 900);
	raw_exec(db, "INSERT INTO audit_head VALUES (1, 1, printf('%064d', 1))", "");
	sqlite3_close(db);
	req_wipe(&r);
}

/* The names and SQL of every index of PATH (autoindexes by name only). */
static void raw_indexes(const char *path, char *out, size_t cap)
{
	raw_text(path, "SELECT group_concat(tbl_name || '.' || name || '=' || coalesce(sql, ''), char(10))"
		       " FROM (SELECT * FROM sqlite_schema WHERE type = 'index' ORDER BY name)",
		 out, cap);
}

static void test_upgrade_from_v4(void **state)
{
	char path[512], siti_t[TICKET_TEXT_MAX], budi_t[TICKET_TEXT_MAX];
	char idx_before[4096], idx_after[4096], sql[1024];
	int64_t seqs[16], wait, n = -1;
	db_path(state, "v4", path, sizeof path);
	make_v4_file(path, siti_t, budi_t);
	assert_int_equal(raw_int(path, "PRAGMA user_version"), 4);
	char *before = raw_dump(path);
	raw_indexes(path, idx_before, sizeof idx_before);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM sqlite_schema WHERE type = 'index'"
				       " AND tbl_name = 'outbox'"),
			 4); /* outbox_next, outbox_dead, outbox_by_ticket, the idem_key's */

	/* A table in the way of migration 5 makes it fail halfway: the file
	 * stays version 4, every row and index as it was. */
	sqlite3 *db = raw_open(path);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE outbox_v5 (x)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	queue *q = NULL;
	assert_int_equal(queue_open(&q, path, NULL), QUEUE_ERR_IO);
	assert_null(q);
	assert_int_equal(raw_int(path, "PRAGMA user_version"), 4);
	db = raw_open(path);
	assert_int_equal(sqlite3_exec(db, "DROP TABLE outbox_v5", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	char *after = raw_dump(path);
	assert_string_equal(after, before);
	free(after);

	q = open_ok(path, NULL);
	assert_int_equal(raw_int(path, "PRAGMA user_version"), QUEUE_SCHEMA_VERSION);
	/* Every row of every table kept as it was, seqs, keys, times, states,
	 * payloads, and the sequence's high-water mark (7, above max(seq) 6). */
	after = raw_dump(path);
	assert_string_equal(after, before);
	free(after);
	free(before);
	assert_int_equal(raw_int(path, "SELECT seq FROM sqlite_sequence WHERE name = 'outbox'"), 7);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM sqlite_sequence"), 1);
	/* Every index there again, spelled as before; no trace of the copy. */
	raw_indexes(path, idx_after, sizeof idx_after);
	assert_string_equal(idx_after, idx_before);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM sqlite_schema WHERE name LIKE '%outbox_v5%'"),
			 0);
	/* The new CHECKs. */
	raw_text(path, "SELECT sql FROM sqlite_schema WHERE name = 'outbox'", sql, sizeof sql);
	assert_non_null(
		strstr(sql, "CHECK (state IN ('pending', 'in_flight', 'done', 'dead', 'discarded'))"));
	assert_non_null(strstr(sql, "CHECK (state NOT IN ('done', 'discarded') OR payload = '')"));
	char ok[16];
	raw_text(path, "PRAGMA integrity_check", ok, sizeof ok);
	assert_string_equal(ok, "ok");
	assert_int_equal(raw_int(path, "SELECT count(*) FROM pragma_foreign_key_check"), 0);

	/* The store works on it: recovery, the next batch in seq order (the
	 * dead ones hold nothing back), a new entry after the high-water mark,
	 * and the discard. */
	assert_int_equal(count_state(q, "dead"), 2);
	assert_int_equal(count_state(q, "discarded"), 0);
	assert_int_equal(queue_outbox_recover(q, &n), QUEUE_OK);
	assert_int_equal(n, 1);
	int64_t seq = 0;
	assert_int_equal(queue_outbox_add(q, QUEUE_KIND_SURVEY, "{\"v\":1}", 7, &seq), QUEUE_OK);
	assert_int_equal(seq, 8);
	assert_int_equal(claim_seqs(q, NOW_MS, 16, seqs, &wait), 4);
	assert_int_equal(seqs[0], 3);
	assert_int_equal(seqs[1], 5);
	assert_int_equal(seqs[2], 6);
	assert_int_equal(seqs[3], 8);
	assert_int_equal(queue_outbox_discard(q, 4, WHY_GIVEN_UP, &n), QUEUE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM outbox WHERE seq = 4 AND state = 'discarded'"
				       " AND payload = '' AND attempts = 2 AND http_status = 400"),
			 1);
	queue_status st;
	assert_int_equal(queue_lookup(q, budi_t, "0002", &st), QUEUE_OK);
	assert_int_equal(st.n_notes, 1);
	assert_int_equal(queue_lookup(q, siti_t, "0001", &st), QUEUE_OK);
	assert_int_equal(st.r.state, RSTATE_IN_VERIFICATION);
	assert_int_equal(st.n_events, 3);
	queue_status_wipe(&st);
	queue_close(&q);
	/* Opened again: nothing more to migrate. */
	q = open_ok(path, NULL);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM outbox"), 7);
	queue_close(&q);
}

static void test_dead_letters_discard(void **state)
{
	char path[512], text[256], key[40], sql[512];
	int64_t seqs[16], wait, n = -1;
	queue_letter l[8];
	int got = -1;
	db_path(state, "discard", path, sizeof path);
	queue *q = open_ok(path, NULL);
	submit_five(q, 800);
	/* A complaint whose body holds its (made-up) contact: seq 6. */
	static const char complaint[] = "{\"number\":\"ADU-K01-20260102-0002\",\"contact\":\"081200000003\"}";
	assert_int_equal(queue_outbox_add(q, QUEUE_KIND_COMPLAINT, complaint, strlen(complaint), NULL),
			 QUEUE_OK);
	assert_int_equal(claim_seqs(q, NOW_MS, 16, seqs, &wait), 6);
	queue_result rs[6] = {
		result(1, QUEUE_OUT_DEAD, 409, "HTTP 409 ticket_exists", 0, 0),
		result(2, QUEUE_OUT_DONE, 201, NULL, 0, 0),
		result(3, QUEUE_OUT_DEAD, 422, "HTTP 422 invalid_nik", 0, 0),
		result(4, QUEUE_OUT_DEAD, 400, "HTTP 400 invalid_body", 0, 0),
		result(5, QUEUE_OUT_DONE, 201, NULL, 0, 0),
		result(6, QUEUE_OUT_DEAD, 400, "HTTP 400 invalid_body", 0, 0),
	};
	assert_int_equal(queue_outbox_settle(q, rs, 6, NOW_MS), QUEUE_OK);
	/* Request 1 moves on at the kiosk while its own entry is dead: seq 7,
	 * pending behind it. */
	char t1[TICKET_TEXT_MAX];
	fx_ticket(800, t1);
	rstate_event ev = event(RSTATE_QUEUED, RSTATE_IN_VERIFICATION, RROLE_OFFICER, "verifikator01",
				T_SUBMIT + 5, NULL);
	assert_int_equal(queue_append_event(q, t1, &ev, true), QUEUE_OK);
	assert_int_equal(count_state(q, "dead"), 4);
	assert_int_equal(count_state(q, "pending"), 1);
	char *before = raw_dump(path);

	/* Bad arguments change nothing. */
	char long_why[QUEUE_REASON_MAX + 1];
	memset(long_why, 'x', sizeof long_why);
	long_why[QUEUE_REASON_MAX] = '\0'; /* QUEUE_REASON_MAX bytes: one too many */
	assert_int_equal(queue_outbox_discard(q, -1, WHY_GIVEN_UP, &n), QUEUE_ERR_INVALID);
	assert_int_equal(queue_outbox_discard(q, 1, NULL, &n), QUEUE_ERR_INVALID);
	assert_int_equal(queue_outbox_discard(q, 1, "", &n), QUEUE_ERR_INVALID);
	assert_int_equal(queue_outbox_discard(q, 1, long_why, &n), QUEUE_ERR_INVALID);
	assert_int_equal(queue_outbox_discard(q, 0, long_why, &n), QUEUE_ERR_INVALID);
	assert_int_equal(queue_outbox_discard(q, 1, "tolak \xC3\x28", &n), QUEUE_ERR_INVALID); /* bad byte */
	assert_int_equal(queue_outbox_discard(q, 1, "tolak \xE2\x80", &n), QUEUE_ERR_INVALID); /* cut */
	assert_int_equal(queue_outbox_discard(q, 1, "\xC0\xAF", &n), QUEUE_ERR_INVALID);       /* overlong */
	/* No dead letter there: a done, a pending, an in-flight entry, none. */
	assert_int_equal(queue_outbox_discard(q, 2, WHY_GIVEN_UP, &n), QUEUE_ERR_NOT_FOUND);
	assert_int_equal(queue_outbox_discard(q, 7, WHY_GIVEN_UP, &n), QUEUE_ERR_NOT_FOUND);
	assert_int_equal(queue_outbox_discard(q, 99, WHY_GIVEN_UP, &n), QUEUE_ERR_NOT_FOUND);
	assert_int_equal(n, -1); /* untouched on error */
	char *after = raw_dump(path);
	assert_string_equal(after, before);
	free(after);
	free(before);
	assert_int_equal(claim_seqs(q, NOW_MS, 1, seqs, &wait), 1);
	assert_int_equal(seqs[0], 7);
	assert_int_equal(queue_outbox_discard(q, 7, WHY_GIVEN_UP, &n), QUEUE_ERR_NOT_FOUND);
	settle1(q, 7, QUEUE_OUT_UNSENT, 0, NULL, 0, NOW_MS);

	/* Discard one, at its longest reason: discarded, payload gone, the
	 * reason, the record kept. */
	long_why[QUEUE_REASON_MAX - 1] = '\0';
	raw_text(path, "SELECT idem_key FROM outbox WHERE seq = 3", key, sizeof key);
	int64_t t0 = fx_now_ms();
	assert_int_equal(queue_outbox_discard(q, 3, long_why, &n), QUEUE_OK);
	assert_int_equal(n, 1);
	raw_text(path, "SELECT last_error FROM outbox WHERE seq = 3", text, sizeof text);
	assert_string_equal(text, long_why);
	snprintf(sql, sizeof sql,
		 "SELECT count(*) FROM outbox WHERE seq = 3 AND state = 'discarded' AND payload = ''"
		 " AND kind = 'request' AND attempts = 1 AND http_status = 422 AND idem_key = '%s'"
		 " AND next_attempt_at = 0 AND updated_at >= %lld",
		 key, (long long)t0);
	assert_int_equal(raw_int(path, sql), 1);
	/* The request itself stays: it is the store's, not the entry's. */
	char t3[TICKET_TEXT_MAX];
	queue_status st;
	fx_ticket(802, t3);
	assert_int_equal(queue_lookup(q, t3, "0001", &st), QUEUE_OK);
	assert_string_equal(st.r.f[REQ_F_NAME].current, "Siti Nur'aini");
	queue_status_wipe(&st);

	/* The complaint's body, with its contact, is gone; its reason kept. */
	assert_int_equal(queue_outbox_discard(q, 6, WHY_GIVEN_UP, NULL), QUEUE_OK);
	raw_text(path, "SELECT last_error FROM outbox WHERE seq = 6", text, sizeof text);
	assert_string_equal(text, WHY_GIVEN_UP);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM outbox WHERE seq = 6 AND state = 'discarded'"
				       " AND payload = '' AND kind = 'complaint' AND http_status = 400"),
			 1);
	assert_int_equal(
		raw_int(path, "SELECT count(*) FROM outbox WHERE instr(payload, '081200000003') > 0"), 0);
	/* Once discarded, neither discarded again, nor revived, nor a dead letter. */
	assert_int_equal(queue_outbox_discard(q, 3, WHY_GIVEN_UP, &n), QUEUE_ERR_NOT_FOUND);
	assert_int_equal(queue_outbox_revive(q, 3, &n), QUEUE_ERR_NOT_FOUND);
	assert_int_equal(queue_outbox_dead(q, l, 8, &got), QUEUE_OK);
	assert_int_equal(got, 2);
	assert_int_equal(l[0].seq, 1);
	assert_int_equal(l[1].seq, 4);
	assert_int_equal(count_state(q, "discarded"), 2);
	assert_int_equal(count_state(q, "dead"), 2);

	/* Discard all: the remaining dead letters, request 1's own among them;
	 * its later event goes out, held back by nothing. */
	assert_int_equal(queue_outbox_discard(q, 0, WHY_GIVEN_UP, &n), QUEUE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM outbox WHERE seq IN (1, 4)"
				       " AND state = 'discarded' AND payload = '' AND attempts = 1"),
			 2);
	raw_text(path, "SELECT last_error FROM outbox WHERE seq = 1", text, sizeof text);
	assert_string_equal(text, WHY_GIVEN_UP);
	assert_int_equal(queue_outbox_dead(q, l, 8, &got), QUEUE_OK);
	assert_int_equal(got, 0);
	assert_int_equal(queue_outbox_discard(q, 0, WHY_GIVEN_UP, &n), QUEUE_OK); /* none left: fine */
	assert_int_equal(n, 0);
	assert_int_equal(queue_outbox_revive(q, 0, &n), QUEUE_OK); /* nothing dead to revive */
	assert_int_equal(n, 0);
	queue_entry e[8];
	int k = 0;
	assert_int_equal(queue_outbox_claim(q, NOW_MS, 8, e, &k, &wait), QUEUE_OK);
	assert_int_equal(k, 1);
	assert_int_equal(e[0].seq, 7);
	assert_int_equal(e[0].kind, QUEUE_KIND_EVENT);
	assert_string_equal(e[0].ticket, t1);
	queue_entry_wipe(&e[0]);
	settle1(q, 7, QUEUE_OUT_DONE, 201, NULL, 0, NOW_MS);
	/* Never claimed again, not even by recovery. */
	assert_int_equal(queue_outbox_recover(q, &n), QUEUE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(claim_seqs(q, NOW_MS + 3600000, 16, seqs, &wait), 0);
	assert_int_equal(wait, -1); /* nothing pending at all */

	/* Counted by state; all is the sum. */
	assert_int_equal(count_state(q, "discarded"), 4);
	assert_int_equal(count_state(q, "done"), 3);
	assert_int_equal(count_state(q, "dead"), 0);
	assert_int_equal(count_state(q, "pending"), 0);
	assert_int_equal(count_state(q, "in_flight"), 0);
	assert_int_equal(count_state(q, NULL), 7);
	int64_t c = -1;
	assert_int_equal(queue_outbox_count(q, "Discarded", &c), QUEUE_ERR_INVALID);
	assert_int_equal(c, -1);
	/* The schema itself keeps a discarded entry's payload empty. */
	sqlite3 *db = raw_open(path);
	int rc = sqlite3_exec(db, "UPDATE outbox SET payload = '{}' WHERE seq = 6", NULL, NULL, NULL);
	assert_int_equal(rc, SQLITE_CONSTRAINT);
	sqlite3_close(db);
	queue_close(&q);
	/* Durable: the same after a reopen. */
	q = open_ok(path, NULL);
	assert_int_equal(count_state(q, "discarded"), 4);
	assert_int_equal(claim_seqs(q, NOW_MS + 3600000, 16, seqs, &wait), 0);
	queue_close(&q);
	assert_consistent(path);
}

static void test_marks(void **state)
{
	char path[512];
	int64_t v = -1;
	db_path(state, "marks", path, sizeof path);
	queue *q = open_ok(path, NULL);
	assert_int_equal(queue_mark_get(q, QUEUE_MARK_CHANGES_CURSOR, &v), QUEUE_OK);
	assert_int_equal(v, 0); /* never set */
	assert_int_equal(queue_mark_set(q, QUEUE_MARK_CHANGES_CURSOR, 41), QUEUE_OK);
	assert_int_equal(queue_mark_set(q, QUEUE_MARK_LAST_SUCCESS, T_SUBMIT), QUEUE_OK);
	assert_int_equal(queue_mark_set(q, QUEUE_MARK_CHANGES_CURSOR, 42), QUEUE_OK);
	assert_int_equal(queue_mark_set(q, QUEUE_MARK_COUNT, 1), QUEUE_ERR_INVALID);
	assert_int_equal(queue_mark_get(q, (queue_mark)-1, &v), QUEUE_ERR_INVALID);
	queue_close(&q);
	/* They survive a restart. */
	q = open_ok(path, NULL);
	assert_int_equal(queue_mark_get(q, QUEUE_MARK_CHANGES_CURSOR, &v), QUEUE_OK);
	assert_int_equal(v, 42);
	assert_int_equal(queue_mark_get(q, QUEUE_MARK_LAST_SUCCESS, &v), QUEUE_OK);
	assert_int_equal(v, T_SUBMIT);
	queue_close(&q);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM marks"), 2);
}

static queue_change change_event(int64_t seq, const char *ticket, rstate_event ev)
{
	queue_change c;
	memset(&c, 0, sizeof c);
	c.seq = seq;
	c.type = QUEUE_CHANGE_EVENT;
	snprintf(c.ticket, sizeof c.ticket, "%s", ticket);
	c.ev = ev;
	return c;
}

static queue_change change_note(int64_t seq, const char *ticket, const char *channel, const char *text)
{
	queue_change c;
	memset(&c, 0, sizeof c);
	c.seq = seq;
	c.type = QUEUE_CHANGE_NOTE;
	snprintf(c.ticket, sizeof c.ticket, "%s", ticket);
	snprintf(c.note.channel, sizeof c.note.channel, "%s", channel);
	snprintf(c.note.kind, sizeof c.note.kind, "data_changed");
	c.note.at = T_SUBMIT + 900;
	snprintf(c.note.text, sizeof c.note.text, "%s", text);
	return c;
}

static void test_apply_changes(void **state)
{
	char path[512], ta[TICKET_TEXT_MAX], tb[TICKET_TEXT_MAX], tu[TICKET_TEXT_MAX];
	req r;
	rstate_event first;
	queue_apply_stats s;
	int64_t cursor = -1;
	db_path(state, "changes", path, sizeof path);
	queue *q = open_ok(path, NULL);
	siti_request(800, &r, &first);
	submit_ok(q, &r, &first);
	snprintf(ta, sizeof ta, "%s", r.ticket);
	budi_request(801, &r, &first);
	submit_ok(q, &r, &first);
	snprintf(tb, sizeof tb, "%s", r.ticket);
	fx_ticket(802, tu);
	int64_t outbox_before = count_state(q, NULL);

	const queue_change page[] = {
		change_event(
			10, ta,
			event(RSTATE_QUEUED, RSTATE_RECEIVED, RROLE_CENTRAL, "ams", T_SUBMIT + 60, NULL)),
		/* the feed sent it again */
		change_event(
			11, ta,
			event(RSTATE_QUEUED, RSTATE_RECEIVED, RROLE_CENTRAL, "ams", T_SUBMIT + 60, NULL)),
		change_event(12, ta,
			     event(RSTATE_RECEIVED, RSTATE_IN_VERIFICATION, RROLE_OFFICER, "verif-pusat",
				   T_SUBMIT + 70, NULL)),
		/* B is queued: neither from nor to, and the state machine refuses the
		 * move itself (a kiosk may not accept): dropped. (A legal move here
		 * would override: test_apply_central_wins.) */
		change_event(13, tb,
			     event(RSTATE_IN_VERIFICATION, RSTATE_ACCEPTED, RROLE_KIOSK, "verif-pusat",
				   T_SUBMIT + 80, NULL)),
		/* from matches, but the state machine refuses the role */
		change_event(14, tb,
			     event(RSTATE_QUEUED, RSTATE_RECEIVED, RROLE_APPLICANT, "someone", T_SUBMIT + 80,
				   NULL)),
		change_event(15, tu,
			     event(RSTATE_QUEUED, RSTATE_RECEIVED, RROLE_CENTRAL, "ams", T_SUBMIT, NULL)),
		change_note(16, ta, "sms", "Data Anda sedang diverifikasi."),
		change_note(17, ta, "fax", "?"), /* the note rules refuse it */
		change_note(18, tu, "email", "x"),
		change_event(19, "not-a-ticket",
			     event(RSTATE_QUEUED, RSTATE_RECEIVED, RROLE_CENTRAL, "ams", 1, NULL)),
	};
	const int np = (int)(sizeof page / sizeof page[0]);
	assert_int_equal(queue_apply_changes(q, page, np, 19, &s), QUEUE_OK);
	assert_int_equal(s.applied, 3);
	assert_int_equal(s.repeats, 1);
	assert_int_equal(s.overridden, 0);
	assert_int_equal(s.conflicts, 3);
	assert_int_equal(s.unknown, 3);
	assert_int_equal(queue_mark_get(q, QUEUE_MARK_CHANGES_CURSOR, &cursor), QUEUE_OK);
	assert_int_equal(cursor, 19);
	assert_int_equal(raw_int(path,
				 "SELECT count(*) FROM requests WHERE id = 1 AND state = 'in_verification'"
				 " AND updated_at = 1767318370"),
			 1);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM requests WHERE id = 2 AND state = 'queued'"), 1);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM events"), 4);
	assert_int_equal(count_rows(path).notes, 1);
	/* Never to the outbox: the central service knows its own moves. */
	assert_int_equal(count_state(q, NULL), outbox_before);

	/* The last move again (a lost answer): a repeat, nothing applied twice. */
	assert_int_equal(queue_apply_changes(q, page + 2, 1, 19, &s), QUEUE_OK);
	assert_int_equal(s.applied, 0);
	assert_int_equal(s.repeats, 1);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM events"), 4);

	/* The cursor never goes back; refused, nothing applied. */
	const queue_change late[] = {
		change_event(
			5, tb,
			event(RSTATE_QUEUED, RSTATE_RECEIVED, RROLE_CENTRAL, "ams", T_SUBMIT + 90, NULL)),
	};
	assert_int_equal(queue_apply_changes(q, late, 1, 18, &s), QUEUE_ERR_INVALID);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM requests WHERE id = 2 AND state = 'queued'"), 1);
	assert_int_equal(queue_mark_get(q, QUEUE_MARK_CHANGES_CURSOR, &cursor), QUEUE_OK);
	assert_int_equal(cursor, 19);
	/* An empty page still moves the cursor (the server skipped unknown types). */
	assert_int_equal(queue_apply_changes(q, NULL, 0, 25, NULL), QUEUE_OK);
	assert_int_equal(queue_mark_get(q, QUEUE_MARK_CHANGES_CURSOR, &cursor), QUEUE_OK);
	assert_int_equal(cursor, 25);
	assert_int_equal(queue_apply_changes(q, page, 501, 30, &s), QUEUE_ERR_INVALID);
	assert_int_equal(queue_apply_changes(q, page, -1, 30, &s), QUEUE_ERR_INVALID);

	/* Atomic: when the transaction fails halfway (a trigger refuses the
	 * note after the event was written), neither the event nor the cursor
	 * moves. */
	sqlite3 *db = raw_open(path);
	assert_int_equal(sqlite3_exec(db, "CREATE TRIGGER no_notes BEFORE INSERT ON notifications"
					  " BEGIN SELECT RAISE(ABORT, 'disk trouble'); END;",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	const queue_change doomed[] = {
		change_event(
			26, tb,
			event(RSTATE_QUEUED, RSTATE_RECEIVED, RROLE_CENTRAL, "ams", T_SUBMIT + 95, NULL)),
		change_note(27, tb, "sms", "Permohonan diterima."),
	};
	queue_err e = queue_apply_changes(q, doomed, 2, 27, &s);
	assert_int_not_equal(e, QUEUE_OK);
	assert_int_equal(s.applied, 0);
	assert_int_equal(queue_mark_get(q, QUEUE_MARK_CHANGES_CURSOR, &cursor), QUEUE_OK);
	assert_int_equal(cursor, 25);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM requests WHERE id = 2 AND state = 'queued'"), 1);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM events"), 4);
	assert_int_equal(sqlite3_exec(db, "DROP TRIGGER no_notes", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	/* Sent again, the page lands whole. */
	assert_int_equal(queue_apply_changes(q, doomed, 2, 27, &s), QUEUE_OK);
	assert_int_equal(s.applied, 2);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM requests WHERE id = 2 AND state = 'received'"),
			 1);
	assert_consistent(path);
	queue_close(&q);
	req_wipe(&r);
}

/* The events of request ID as "from>to/role/actor" lines joined by spaces. */
static void moves_of(const char *path, int64_t id, char *out, size_t cap)
{
	sqlite3 *db = raw_open(path);
	sqlite3_stmt *st = NULL;
	size_t len = 0;
	out[0] = '\0';
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT from_state || '>' || to_state || '/' || role || '/' || actor"
					    " FROM events WHERE request_id = ?1 ORDER BY id",
					    -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW)
		len += (size_t)snprintf(out + len, cap - len, "%s%s", len ? " " : "",
					(const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/*
 * Central decision wins: an officer here accepted a request offline while
 * the central desk rejected it. The feed's repeat of a move this kiosk made
 * too is a repeat; the rejection overrides the local state (the history
 * shows the break honestly), leaves a conflicts row for the officer, and
 * supersedes this ticket's event and revocation entries that are pending or
 * dead, never one in flight nor another ticket's or kind's. A failure in
 * the middle leaves nothing of the page.
 */
static void test_apply_central_wins(void **state)
{
	char path[512], ta[TICKET_TEXT_MAX], tb[TICKET_TEXT_MAX], got[1024];
	req r;
	rstate_event first;
	queue_apply_stats s;
	int64_t seqs[16], wait, cursor = -1;
	db_path(state, "central-wins", path, sizeof path);
	queue *q = open_ok(path, NULL);
	siti_request(820, &r, &first);
	submit_ok(q, &r, &first);
	snprintf(ta, sizeof ta, "%s", r.ticket);
	assert_int_equal(claim_seqs(q, NOW_MS, 1, seqs, &wait), 1);
	settle1(q, seqs[0], QUEUE_OUT_DONE, 201, NULL, 0, NOW_MS); /* seq 1: received */
	const rstate_event local[] = {
		event(RSTATE_RECEIVED, RSTATE_IN_VERIFICATION, RROLE_OFFICER, "verifikator01", T_SUBMIT + 100,
		      NULL),
		event(RSTATE_IN_VERIFICATION, RSTATE_ACCEPTED, RROLE_OFFICER, "verifikator01", T_SUBMIT + 200,
		      NULL),
	};
	for (int i = 0; i < 2; i++) /* seqs 2 and 3 */
		assert_int_equal(queue_append_event(q, ta, &local[i], true), QUEUE_OK);
	assert_int_equal(claim_seqs(q, NOW_MS, 1, seqs, &wait), 1);
	assert_int_equal(seqs[0], 2);
	settle1(q, 2, QUEUE_OUT_DEAD, 409, "HTTP 409 state_conflict", 0, NOW_MS); /* central moved first */
	assert_int_equal(claim_seqs(q, NOW_MS, 1, seqs, &wait), 1);
	assert_int_equal(seqs[0], 3); /* in flight when the page arrives */
	static const char rev[] = "{\"v\":1,\"serial\":\"5A0F000000000003\"}";
	assert_int_equal(store_begin(q), QUEUE_OK); /* seq 4: a revocation of A */
	assert_int_equal(store_outbox_add_locked(q, QUEUE_KIND_REVOCATION, ta, rev, strlen(rev), NULL), QUEUE_OK);
	assert_int_equal(store_commit(q), QUEUE_OK);
	assert_int_equal(queue_outbox_add(q, QUEUE_KIND_COMPLAINT, "{}", 2, NULL), QUEUE_OK); /* seq 5 */
	budi_request(821, &r, &first); /* seq 6 */
	submit_ok(q, &r, &first);
	snprintf(tb, sizeof tb, "%s", r.ticket);

	const rstate_event reject = event(RSTATE_IN_VERIFICATION, RSTATE_REJECTED, RROLE_OFFICER, "verif-pusat",
					  T_SUBMIT + 300, "data_mismatch: NIP tidak cocok");
	const queue_change page[] = {
		/* the central desk's own verification: this kiosk made the same move */
		change_event(40, ta,
			     event(RSTATE_RECEIVED, RSTATE_IN_VERIFICATION, RROLE_OFFICER, "verif-pusat",
				   T_SUBMIT + 150, NULL)),
		change_event(41, ta, reject),
		change_event(42, ta, reject), /* sent again: a repeat */
		/* not where B stands and no move at all: dropped */
		change_event(43, tb,
			     event(RSTATE_INFORMED, RSTATE_ACCEPTED, RROLE_CENTRAL, "ams", T_SUBMIT + 310, NULL)),
		change_event(44, tb,
			     event(RSTATE_QUEUED, RSTATE_RECEIVED, RROLE_CENTRAL, "ams", T_SUBMIT + 320, NULL)),
	};
	const int np = (int)(sizeof page / sizeof page[0]);

	/* First a failure in the middle (the conflicts row cannot be written):
	 * nothing of the page stays, not even the supersedes. */
	sqlite3 *db = raw_open(path);
	assert_int_equal(sqlite3_exec(db, "CREATE TRIGGER no_conflicts BEFORE INSERT ON conflicts"
					  " BEGIN SELECT RAISE(ABORT, 'disk trouble'); END;",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_not_equal(queue_apply_changes(q, page, np, 44, &s), QUEUE_OK);
	assert_int_equal(s.overridden, 0);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM requests WHERE id = 1 AND state = 'accepted'"), 1);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM events WHERE request_id = 1"), 4);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM outbox WHERE seq IN (2, 4) AND state <> 'done'"), 2);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM requests WHERE id = 2 AND state = 'queued'"), 1);
	assert_int_equal(queue_mark_get(q, QUEUE_MARK_CHANGES_CURSOR, &cursor), QUEUE_OK);
	assert_int_equal(cursor, 0);
	assert_int_equal(sqlite3_exec(db, "DROP TRIGGER no_conflicts", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	assert_int_equal(queue_apply_changes(q, page, np, 44, &s), QUEUE_OK);
	assert_int_equal(s.applied, 1);
	assert_int_equal(s.repeats, 2);
	assert_int_equal(s.overridden, 1);
	assert_int_equal(s.conflicts, 1);
	assert_int_equal(s.unknown, 0);
	/* The break shows: accepted here, then central's move from in_verification. */
	moves_of(path, 1, got, sizeof got);
	assert_string_equal(got, "draft>queued/applicant/PKL-DISKOMINFO-01 queued>received/central/central"
				 " received>in_verification/officer/verifikator01"
				 " in_verification>accepted/officer/verifikator01"
				 " in_verification>rejected/officer/verif-pusat");
	assert_int_equal(raw_int(path, "SELECT count(*) FROM requests WHERE id = 1 AND state = 'rejected'"
				       " AND updated_at = 1767318600"),
			 1);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM conflicts WHERE request_id = 1"
				       " AND local_state = 'accepted' AND central_from = 'in_verification'"
				       " AND central_to = 'rejected' AND central_role = 'officer'"
				       " AND central_actor = 'verif-pusat' AND at = 1767318600"
				       " AND seen_by IS NULL AND seen_at IS NULL"),
			 1);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM conflicts"), 1);
	/* Superseded: the dead event and the pending revocation of A. */
	assert_int_equal(raw_int(path, "SELECT count(*) FROM outbox WHERE seq IN (2, 4) AND state = 'done'"
				       " AND payload = '' AND last_error = 'superseded by central decision'"
				       " AND http_status IS NULL"),
			 2);
	/* Untouched: A's entry in flight, the complaint, B's request. */
	assert_int_equal(raw_int(path, "SELECT count(*) FROM outbox WHERE seq = 3 AND state = 'in_flight'"), 1);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM outbox WHERE seq IN (5, 6) AND state = 'pending'"
				       " AND last_error IS NULL"),
			 2);
	assert_int_equal(count_state(q, "dead"), 0);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM requests WHERE id = 2 AND state = 'received'"), 1);

	/* What the applicant's status screen reads: the rows as they are, the
	 * broken chain included (it no longer replays). */
	queue_status st;
	assert_int_equal(queue_lookup(q, ta, "0001", &st), QUEUE_OK);
	assert_int_equal(st.r.state, RSTATE_REJECTED);
	assert_int_equal(st.n_events, 5);
	assert_int_equal(st.events[4].from, RSTATE_IN_VERIFICATION);
	assert_int_equal(st.events[4].to, RSTATE_REJECTED);
	assert_string_equal(st.events[4].reason, "data_mismatch: NIP tidak cocok");
	rstate final;
	int bad = -2;
	assert_int_equal(rstate_replay(st.events, st.n_events, &final, &bad), RSTATE_ERR_CHAIN);
	assert_int_equal(bad, 4);
	queue_status_wipe(&st);

	/* The answer of the entry in flight settles it as usual (refused). */
	settle1(q, 3, QUEUE_OUT_DEAD, 409, "HTTP 409 state_conflict", 0, NOW_MS + 1);
	assert_int_equal(count_state(q, "dead"), 1);
	/* Everything again (a lost answer): all repeats, no second conflict. */
	assert_int_equal(queue_apply_changes(q, page, 3, 44, &s), QUEUE_OK);
	assert_int_equal(s.repeats, 3);
	assert_int_equal(s.overridden + s.applied + s.conflicts, 0);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM conflicts"), 1);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM events WHERE request_id = 1"), 5);

	/* Offline first: verified here from queued, then accepted; the central
	 * desk verified from received. The same decision reached another way:
	 * a repeat, never a step back to in_verification. */
	siti_request(822, &r, &first);
	submit_ok(q, &r, &first);
	const rstate_event offline[] = {
		event(RSTATE_QUEUED, RSTATE_IN_VERIFICATION, RROLE_OFFICER, "verifikator01", T_SUBMIT + 400,
		      NULL),
		event(RSTATE_IN_VERIFICATION, RSTATE_ACCEPTED, RROLE_OFFICER, "verifikator01", T_SUBMIT + 410,
		      NULL),
	};
	for (int i = 0; i < 2; i++)
		assert_int_equal(queue_append_event(q, r.ticket, &offline[i], false), QUEUE_OK);
	const queue_change desk[] = {change_event(45, r.ticket,
						  event(RSTATE_RECEIVED, RSTATE_IN_VERIFICATION, RROLE_OFFICER,
							"verif-pusat", T_SUBMIT + 405, NULL))};
	assert_int_equal(queue_apply_changes(q, desk, 1, 45, &s), QUEUE_OK);
	assert_int_equal(s.repeats, 1);
	assert_int_equal(s.overridden, 0);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM requests WHERE id = 3 AND state = 'accepted'"), 1);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM conflicts"), 1);
	assert_consistent(path);
	queue_close(&q);
	req_wipe(&r);
}

/* A revocation entry with a ticket, once done, moves its request
 * revocation_required -> revoked (central, "bsre"); not when the request
 * moved on, not for an entry without a ticket, not when it is refused. */
static void test_settle_revocation(void **state)
{
	char path[512], tc[TICKET_TEXT_MAX], td[TICKET_TEXT_MAX], got[1024];
	req r;
	rstate_event first;
	int64_t seqs[16], wait;
	static const char rev[] = "{\"v\":1}";
	db_path(state, "settle-revocation", path, sizeof path);
	queue *q = open_ok(path, NULL);
	siti_request(830, &r, &first);
	submit_ok(q, &r, &first); /* seq 1 */
	snprintf(tc, sizeof tc, "%s", r.ticket);
	budi_request(831, &r, &first);
	submit_ok(q, &r, &first); /* seq 2 */
	snprintf(td, sizeof td, "%s", r.ticket);
	const rstate to[] = {RSTATE_IN_VERIFICATION, RSTATE_ACCEPTED, RSTATE_APPROVED, RSTATE_INFORMED,
			     RSTATE_REVOCATION_REQUIRED};
	for (int k = 0; k < 2; k++) {
		rstate cur = RSTATE_QUEUED;
		for (size_t i = 0; i < sizeof to / sizeof to[0]; i++) {
			rstate_event ev = event(cur, to[i], RROLE_OFFICER, "verifikator01", T_SUBMIT + 10 + (int)i,
						NULL);
			assert_int_equal(queue_append_event(q, k ? td : tc, &ev, false), QUEUE_OK);
			cur = to[i];
		}
	}
	assert_int_equal(store_begin(q), QUEUE_OK);
	assert_int_equal(store_outbox_add_locked(q, QUEUE_KIND_REVOCATION, tc, rev, strlen(rev), NULL),
			 QUEUE_OK); /* seq 3 */
	assert_int_equal(store_outbox_add_locked(q, QUEUE_KIND_REVOCATION, td, rev, strlen(rev), NULL),
			 QUEUE_OK); /* seq 4 */
	assert_int_equal(store_commit(q), QUEUE_OK);
	assert_int_equal(queue_outbox_add(q, QUEUE_KIND_REVOCATION, rev, strlen(rev), NULL), QUEUE_OK); /* 5 */
	/* D was revoked by an officer here meanwhile. */
	rstate_event ev = event(RSTATE_REVOCATION_REQUIRED, RSTATE_REVOKED, RROLE_OFFICER, "verifikator01",
				T_SUBMIT + 20, NULL);
	assert_int_equal(queue_append_event(q, td, &ev, false), QUEUE_OK);

	assert_int_equal(claim_seqs(q, NOW_MS, 5, seqs, &wait), 5);
	/* Refused first: nothing moves. */
	queue_result rs[5] = {
		result(1, QUEUE_OUT_DONE, 201, NULL, 0, 0),
		result(2, QUEUE_OUT_DONE, 201, NULL, 0, 0),
		result(3, QUEUE_OUT_RETRY, 503, "HTTP 503 unavailable", NOW_MS + 10, 0),
		result(4, QUEUE_OUT_DONE, 201, NULL, 0, 0),
		result(5, QUEUE_OUT_DONE, 201, NULL, 0, 0),
	};
	assert_int_equal(queue_outbox_settle(q, rs, 5, NOW_MS + 100), QUEUE_OK);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM requests WHERE id = 1"
				       " AND state = 'revocation_required'"),
			 1);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM events WHERE actor = 'bsre'"), 0);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM events WHERE request_id = 2"), 7);
	assert_int_equal(claim_seqs(q, NOW_MS + 20, 5, seqs, &wait), 1);
	settle1(q, 3, QUEUE_OUT_DONE, 201, NULL, 0, NOW_MS + 2000);
	moves_of(path, 1, got, sizeof got);
	assert_non_null(strstr(got, "informed>revocation_required/officer/verifikator01"
				    " revocation_required>revoked/central/bsre"));
	assert_int_equal(raw_int(path, "SELECT count(*) FROM requests WHERE id = 1 AND state = 'revoked'"
				       " AND updated_at = 1767318307"),
			 1);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM events WHERE actor = 'bsre'"), 1);
	assert_int_equal(raw_int(path, "SELECT at FROM events WHERE actor = 'bsre'"), (NOW_MS + 2000) / 1000);
	queue_status st;
	assert_int_equal(queue_lookup(q, tc, "0001", &st), QUEUE_OK);
	assert_int_equal(st.r.state, RSTATE_REVOKED);
	assert_int_equal(st.events[st.n_events - 1].role, RROLE_CENTRAL);
	queue_status_wipe(&st);
	assert_consistent(path);
	queue_close(&q);
	req_wipe(&r);
}

/* ---- retention -------------------------------------------------------------------------- */

/* Whether NEEDLE appears in the file at PATH (a missing file holds nothing). */
static bool file_has(const char *path, const char *needle)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return false;
	size_t cap = 1 << 20, len = 0;
	char *buf = malloc(cap);
	assert_non_null(buf);
	size_t got;
	while ((got = fread(buf + len, 1, cap - len, f)) > 0) {
		len += got;
		if (len == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
	}
	fclose(f);
	bool found = memmem(buf, len, needle, strlen(needle)) != NULL;
	free(buf);
	return found;
}

static bool store_has(const char *path, const char *needle)
{
	char wal[600];
	snprintf(wal, sizeof wal, "%s-wal", path);
	return file_has(path, needle) || file_has(wal, needle);
}

/* Claim and settle DONE every pending entry, as a healthy engine would. */
static void drain_all(queue *q, int64_t now_ms)
{
	int64_t seqs[16], wait;
	int n;
	while ((n = claim_seqs(q, now_ms, 16, seqs, &wait)) > 0) {
		queue_result rs[16];
		for (int i = 0; i < n; i++)
			rs[i] = result(seqs[i], QUEUE_OUT_DONE, 201, NULL, 0, 0);
		assert_int_equal(queue_outbox_settle(q, rs, n, now_ms), QUEUE_OK);
	}
}

/* Move the request TICKET from received to closed (rejected on the way),
 * at this kiosk (outbox entries); the last move at LAST. */
static void close_request(queue *q, const char *ticket, int64_t last)
{
	const rstate_event moves[] = {
		event(RSTATE_RECEIVED, RSTATE_IN_VERIFICATION, RROLE_OFFICER, "verifikator01", last - 20,
		      NULL),
		event(RSTATE_IN_VERIFICATION, RSTATE_REJECTED, RROLE_OFFICER, "verifikator01", last - 10,
		      "SK belum dilegalisasi"),
		event(RSTATE_REJECTED, RSTATE_CLOSED, RROLE_KIOSK, "PKL-DISKOMINFO-01", last, NULL),
	};
	for (size_t i = 0; i < sizeof moves / sizeof moves[0]; i++)
		assert_int_equal(queue_append_event(q, ticket, &moves[i], true), QUEUE_OK);
}

static void test_purge(void **state)
{
	char path[512], wal[600], tb[TICKET_TEXT_MAX], ts[TICKET_TEXT_MAX], tp[TICKET_TEXT_MAX],
		to[TICKET_TEXT_MAX];
	req r;
	rstate_event first;
	queue_status st;
	int64_t n = -1;
	const int64_t last = T_SUBMIT + 3600;
	const int64_t boundary = last + 30 * 86400; /* 30 days of retention end here */
	db_path(state, "purge", path, sizeof path);
	snprintf(wal, sizeof wal, "%s-wal", path);
	queue *q = open_ok(path, NULL);

	/* Budi's request: closed, every entry done: the one to purge. */
	budi_request(900, &r, &first);
	snprintf(tb, sizeof tb, "%s", r.ticket);
	submit_ok(q, &r, &first);
	/* Siti's: closed later (inside the retention), closed with an entry
	 * still pending, and not closed at all. */
	siti_request(901, &r, &first);
	snprintf(ts, sizeof ts, "%s", r.ticket);
	submit_ok(q, &r, &first);
	siti_request(902, &r, &first);
	snprintf(tp, sizeof tp, "%s", r.ticket);
	submit_ok(q, &r, &first);
	siti_request(903, &r, &first);
	snprintf(to, sizeof to, "%s", r.ticket);
	submit_ok(q, &r, &first);
	drain_all(q, NOW_MS); /* all four received */
	queue_note note = {"sms", "rejected", last, ""};
	snprintf(note.text, sizeof note.text, "Yth. Budi Santoso, permohonan %s ditolak.", tb);
	assert_int_equal(queue_add_note(q, tb, &note), QUEUE_OK);
	close_request(q, tb, last);
	close_request(q, ts, last + 1);
	close_request(q, tp, last);
	rstate_event ev =
		event(RSTATE_RECEIVED, RSTATE_IN_VERIFICATION, RROLE_OFFICER, "verifikator01", last, NULL);
	assert_int_equal(queue_append_event(q, to, &ev, false), QUEUE_OK);
	drain_all(q, NOW_MS);
	/* tp's closing event is re-sent later: a pending entry of it. */
	assert_int_equal(queue_outbox_revive(q, 0, NULL), QUEUE_OK);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM outbox WHERE state <> 'done'"), 0);
	sqlite3 *db = raw_open(path);
	raw_exec(db, "UPDATE outbox SET state = 'dead', attempts = 1"
		     " WHERE seq = (SELECT max(seq) FROM outbox WHERE ticket = ?1)", "t", tp);
	sqlite3_close(db);
	assert_int_equal(queue_checkpoint(q), QUEUE_OK);
	/* Budi's data is in the store now (the test below would prove nothing otherwise). */
	assert_true(store_has(path, NIK_BUDI));
	assert_true(store_has(path, "Budi Santoso"));

	/* Bad arguments. */
	assert_int_equal(queue_purge(q, boundary, 0, &n), QUEUE_ERR_INVALID);
	assert_int_equal(queue_purge(q, boundary, 3651, &n), QUEUE_ERR_INVALID);
	assert_int_equal(queue_purge(q, -1, 30, &n), QUEUE_ERR_INVALID);
	/* One second before the retention ends: nothing. */
	assert_int_equal(queue_purge(q, boundary - 1, 30, &n), QUEUE_OK);
	assert_int_equal(n, 0);
	/* At the boundary: Budi's only (Siti's closed a second later; tp has a
	 * dead entry; to is not closed). */
	assert_int_equal(queue_purge(q, boundary, 30, &n), QUEUE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM requests WHERE purged_at IS NOT NULL"), 1);
	assert_int_equal(raw_int(path, "SELECT purged_at FROM requests WHERE id = 1"), boundary);
	/* Again: already purged, nothing more. */
	assert_int_equal(queue_purge(q, boundary + 86400, 30, &n), QUEUE_OK);
	assert_int_equal(n, 1); /* Siti's (ts) is due by now */
	assert_int_equal(queue_purge(q, boundary + 86400, 30, &n), QUEUE_OK);
	assert_int_equal(n, 0);

	/* The status screen still shows Budi's timeline, without his data. */
	assert_int_equal(queue_lookup(q, tb, "0002", &st), QUEUE_OK);
	assert_true(st.purged);
	assert_int_equal(st.r.state, RSTATE_CLOSED);
	assert_string_equal(st.r.ticket, tb);
	assert_string_equal(st.r.kiosk_id, "PKL-DISKOMINFO-01");
	assert_int_equal(st.r.submitted_at, T_SUBMIT);
	assert_int_equal(st.r.id_source, REQ_ID_CARD);
	assert_int_equal(st.r.reason, REQ_R_NAME_CHANGE);
	assert_true(st.r.f[REQ_F_NAME].change);
	for (int f = 0; f < REQ_F_COUNT; f++) {
		assert_string_equal(st.r.f[f].current, "");
		assert_string_equal(st.r.f[f].requested, "");
	}
	assert_string_equal(st.r.card_uid, "");
	assert_string_equal(st.r.reason_text, "");
	assert_int_equal(st.n_events, 5);
	assert_int_equal(st.events[4].to, RSTATE_CLOSED);
	assert_string_equal(st.events[3].reason, "SK belum dilegalisasi");
	assert_int_equal(st.n_notes, 1);
	assert_string_equal(st.notes[0].text, "");
	assert_string_equal(st.notes[0].kind, "rejected");
	assert_int_equal(queue_lookup(q, tb, "0001", &st), QUEUE_ERR_NOT_FOUND);
	/* The others keep theirs. */
	assert_int_equal(queue_lookup(q, tp, "0001", &st), QUEUE_OK);
	assert_false(st.purged);
	assert_string_equal(st.r.f[REQ_F_NAME].current, "Siti Nur'aini");
	assert_int_equal(queue_lookup(q, to, "0001", &st), QUEUE_OK);
	assert_false(st.purged);

	/* Not a byte of Budi's data left in the database file or its WAL. */
	assert_false(store_has(path, NIK_BUDI));
	assert_false(store_has(path, "Budi Santoso"));
	assert_false(store_has(path, "budi.santoso@example.go.id"));
	assert_true(store_has(path, NIK_SITI)); /* the grep works: tp's data is there */
	assert_int_equal(queue_checkpoint(q), QUEUE_OK);
	queue_close(&q);
	assert_false(file_has(path, NIK_BUDI));
	assert_false(file_has(path, "Budi Santoso"));
	char ok[16];
	raw_text(path, "PRAGMA integrity_check", ok, sizeof ok);
	assert_string_equal(ok, "ok");
	queue_status_wipe(&st);
	req_wipe(&r);
}

/* ---- outbox_add ------------------------------------------------------------------------ */

static void test_outbox_add(void **state)
{
	char path[512];
	int64_t seq = -1, wait;
	queue_entry e[2];
	int n;
	db_path(state, "add", path, sizeof path);
	queue *q = open_ok(path, NULL);

	/* Not NUL-terminated: exactly LEN bytes are stored. */
	const char complaint[] =
		"{\"v\":1,\"number\":\"ADU-ABCD-EFGH\",\"text\":\"Antrean lama \xE2\x80\x94 AC mati\"}XXX";
	size_t len = sizeof complaint - 1 - 3;
	assert_int_equal(queue_outbox_add(q, QUEUE_KIND_COMPLAINT, complaint, len, &seq), QUEUE_OK);
	assert_int_equal(seq, 1);
	assert_int_equal(queue_outbox_add(q, QUEUE_KIND_REVOCATION, "{}", 2, NULL), QUEUE_OK);
	char *big = malloc(65537);
	assert_non_null(big);
	memset(big, ' ', 65537);
	big[0] = '"';
	big[65535] = '"';
	assert_int_equal(queue_outbox_add(q, QUEUE_KIND_SURVEY, big, 65536, &seq), QUEUE_OK); /* the limit */
	assert_int_equal(seq, 3);
	assert_int_equal(queue_outbox_claim(q, NOW_MS, 2, e, &n, &wait), QUEUE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(e[0].kind, QUEUE_KIND_COMPLAINT);
	assert_int_equal(e[0].payload_len, len);
	assert_memory_equal(e[0].payload, complaint, len);
	assert_int_equal(e[0].payload[len], '\0');
	assert_string_equal(e[0].ticket, "");
	assert_int_equal(e[1].kind, QUEUE_KIND_REVOCATION);

	/* queue_entry_wipe zeroes what it frees, and may be called again. */
	queue_entry_wipe(&e[0]);
	assert_all_zero(&e[0], sizeof e[0]);
	queue_entry_wipe(&e[0]);
	queue_entry_wipe(&e[1]);

	/* Refused: nothing written. */
	static const struct {
		const char *bytes;
		size_t len;
	} bad[] = {
		{"", 0},
		{"{\"a\":\"\xC3\x28\"}", 10},         /* a broken sequence */
		{"{\"a\":\"\xC0\xAF\"}", 10},         /* an overlong '/' */
		{"{\"a\":\"\xED\xA0\x80\"}", 11},     /* a UTF-16 surrogate */
		{"{\"a\":\"\xF4\x90\x80\x80\"}", 12}, /* above U+10FFFF */
		{"{\"a\":\"\xE2\x80\"}", 10},         /* cut short */
		{"{\"a\":\"\0\"}", 9},                /* a NUL */
		{"\xFF", 1},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (queue_outbox_add(q, QUEUE_KIND_COMPLAINT, bad[i].bytes, bad[i].len, &seq) !=
		    QUEUE_ERR_INVALID)
			fail_msg("bad payload %zu accepted", i);
	}
	assert_int_equal(queue_outbox_add(q, QUEUE_KIND_SURVEY, big, 65537, &seq), QUEUE_ERR_INVALID);
	assert_int_equal(queue_outbox_add(q, QUEUE_KIND_SURVEY, NULL, 0, &seq), QUEUE_ERR_INVALID);
	assert_int_equal(queue_outbox_add(q, QUEUE_KIND_REQUEST, "{}", 2, &seq), QUEUE_ERR_INVALID);
	assert_int_equal(queue_outbox_add(q, QUEUE_KIND_EVENT, "{}", 2, &seq), QUEUE_ERR_INVALID);
	assert_int_equal(queue_outbox_add(q, QUEUE_KIND_COUNT, "{}", 2, &seq), QUEUE_ERR_INVALID);
	assert_int_equal(count_state(q, NULL), 3);
	free(big);

	/* The store says busy when another connection writes; nothing added. */
	queue_close(&q);
	queue_opts o = {.busy_timeout_ms = 50};
	q = open_ok(path, &o);
	sqlite3 *db = raw_open(path);
	assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(queue_outbox_add(q, QUEUE_KIND_SURVEY, "{}", 2, &seq), QUEUE_ERR_BUSY);
	assert_int_equal(queue_outbox_claim(q, NOW_MS, 2, e, &n, &wait), QUEUE_ERR_BUSY);
	assert_int_equal(n, 0);
	assert_int_equal(sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(count_state(q, NULL), 3);
	/* After the failed claim this connection is durable again (synchronous=FULL). */
	queue_info info;
	assert_int_equal(queue_get_info(q, &info), QUEUE_OK);
	assert_int_equal(info.synchronous, 2);
	assert_int_equal(queue_outbox_claim(q, NOW_MS, 2, e, &n, &wait), QUEUE_OK);
	assert_int_equal(queue_get_info(q, &info), QUEUE_OK);
	assert_int_equal(info.synchronous, 2);
	for (int i = 0; i < n; i++)
		queue_entry_wipe(&e[i]);
	queue_close(&q);
}

/*
 * The next batch stays O(batch) at a million rows because the claim walks
 * the partial index outbox_next (pending and in-flight entries only). The
 * queries name the index (INDEXED BY), so a schema that lost it makes
 * queue_open fail instead of going slow; this shows the plans SQLite picks,
 * and that a store of mostly done entries answers from the index.
 */
/* The EXPLAIN QUERY PLAN details of SQL on a raw connection, joined by "; ". */
static void raw_plan(const char *path, const char *sql, char *out, size_t cap)
{
	char q[1024];
	size_t used = 0;
	snprintf(q, sizeof q, "EXPLAIN QUERY PLAN %s", sql);
	sqlite3 *db = raw_open(path);
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK);
	out[0] = '\0';
	while (sqlite3_step(st) == SQLITE_ROW && used < cap)
		used += (size_t)snprintf(out + used, cap - used, "%s%s", used ? "; " : "",
					 (const char *)sqlite3_column_text(st, 3));
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void test_claim_uses_partial_index(void **state)
{
	char path[512], plan[512];
	int64_t seqs[16], wait;
	db_path(state, "plan", path, sizeof path);
	queue *q = open_ok(path, NULL);
	queue_close(&q);

	raw_plan(path,
		 "SELECT o.seq, o.kind, o.idem_key, o.ticket, o.attempts,"
		 " CASE o.kind WHEN 'request' THEN r.payload ELSE o.payload END, o.next_attempt_at"
		 " FROM outbox o INDEXED BY outbox_next"
		 " LEFT JOIN requests r ON o.kind = 'request' AND r.id = o.ref_id"
		 " WHERE o.state IN ('pending', 'in_flight') AND o.state = 'pending' ORDER BY o.seq LIMIT 32",
		 plan, sizeof plan);
	print_message("claim plan: %s\n", plan);
	assert_non_null(strstr(plan, "SEARCH o USING INDEX outbox_next (state=?)"));
	assert_non_null(strstr(plan, "SEARCH r USING INTEGER PRIMARY KEY (rowid=?)"));
	assert_null(strstr(plan, "TEMP B-TREE")); /* no sort: the index gives seq order */
	raw_plan(path, "SELECT count(*) FROM outbox INDEXED BY outbox_next"
		       " WHERE state IN ('pending', 'in_flight') AND state = 'pending'",
		 plan, sizeof plan);
	print_message("count plan: %s\n", plan);
	assert_non_null(strstr(plan, "COVERING INDEX outbox_next"));
	/* Without the clause, on a file without statistics, SQLite would walk the table. */
	raw_plan(path, "SELECT seq FROM outbox WHERE state = 'pending' ORDER BY seq LIMIT 32", plan,
		 sizeof plan);
	print_message("plan without INDEXED BY: %s\n", plan);

	/* 200,000 done entries and 3 pending at the end: the index holds 3. */
	sqlite3 *db = raw_open(path);
	static const char fill[] =
		"BEGIN;"
		"WITH RECURSIVE i(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM i WHERE n < 200000)"
		" INSERT INTO outbox (idem_key, kind, payload, state)"
		" SELECT printf('%032x', n), 'survey', '', 'done' FROM i;"
		"WITH RECURSIVE i(n) AS (SELECT 200001 UNION ALL SELECT n + 1 FROM i WHERE n < 200003)"
		" INSERT INTO outbox (idem_key, kind, payload)"
		" SELECT printf('%032x', n), 'survey', '{}' FROM i;"
		"COMMIT;";
	assert_int_equal(sqlite3_exec(db, fill, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM outbox INDEXED BY outbox_next"
				       " WHERE state IN ('pending', 'in_flight')"),
			 3);
	q = open_ok(path, NULL);
	double t0 = now_ms();
	assert_int_equal(claim_seqs(q, NOW_MS, 16, seqs, &wait), 3);
	double took = now_ms() - t0;
	print_message("claim at 200,003 rows: %.2f ms\n", took);
	assert_int_equal(seqs[0], 200001);
	assert_int_equal(count_state(q, "in_flight"), 3);
	queue_close(&q);
}

static void test_kind_names(void **state)
{
	(void)state;
	assert_string_equal(queue_kind_name(QUEUE_KIND_REQUEST), "request");
	assert_string_equal(queue_kind_name(QUEUE_KIND_EVENT), "event");
	assert_string_equal(queue_kind_name(QUEUE_KIND_COMPLAINT), "complaint");
	assert_string_equal(queue_kind_name(QUEUE_KIND_SURVEY), "survey");
	assert_string_equal(queue_kind_name(QUEUE_KIND_REVOCATION), "revocation");
	assert_string_equal(queue_kind_name(QUEUE_KIND_COUNT), "?");
	assert_string_equal(queue_kind_name((queue_kind)-1), "?");
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
	if (fxdir_make(fx->dir, sizeof fx->dir, "test_queue") != 0) {
		free(fx);
		return -1;
	}
	*state = fx;
	return 0;
}

static int group_teardown(void **state)
{
	fixture *fx = *state;
	int rc = fxdir_remove(fx->dir);
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
		cmocka_unit_test(test_upgrade_from_v1),
		cmocka_unit_test(test_upgrade_failure_keeps_v1),
		cmocka_unit_test(test_upgrade_from_v0),
		cmocka_unit_test(test_claim_order_and_limits),
		cmocka_unit_test(test_claim_not_due_and_clamp),
		cmocka_unit_test(test_settle_outcomes),
		cmocka_unit_test(test_recover_after_crash),
		cmocka_unit_test(test_dead_letters_revive),
		cmocka_unit_test(test_upgrade_from_v4),
		cmocka_unit_test(test_dead_letters_discard),
		cmocka_unit_test(test_marks),
		cmocka_unit_test(test_apply_changes),
		cmocka_unit_test(test_apply_central_wins),
		cmocka_unit_test(test_settle_revocation),
		cmocka_unit_test(test_purge),
		cmocka_unit_test(test_outbox_add),
		cmocka_unit_test(test_claim_uses_partial_index),
		cmocka_unit_test(test_kind_names),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

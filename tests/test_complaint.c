/*
 * test_complaint: citizens' complaints and staff notes (sync/complaint.c) on
 * real SQLite files, one per test in its own mkdtemp directory.
 *
 * Filing: the number ("ADU-" and a ticket drawn from the random source, a
 * second draw when the first is taken), the outbox entry and its exact
 * body, and every bad input refused with nothing written. Acts: the whole
 * rule table (every state x act x role, allowed or refused, with the
 * state, notes, outbox and audit log checked after each), the note bodies
 * and the audit entries (which never hold the text). Automatic escalation
 * counts working hours with the calendar: a complaint filed on Friday at
 * 10:00 is not due over the weekend. Lists (filters, order, paging), the
 * full view and its wipe, and retention (only resolved, old enough, and
 * sent). The people and their complaints are made up.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "cal.h"
#include "complaint.h"
#include "queue.h"
#include "store.h"

#define KIOSK "PKL-KIOSK-01"

typedef struct fx {
	char dir[64], path[128];
	queue *q;
	char ticket[TICKET_TEXT_MAX]; /* a canonical ticket for "the request it is about" */
	cal c;
} fx;

/* Mon-Fri 08:00-16:00 WIB, no breaks. */
static const cal_week office_week = {{
	{1, {{480, 960}}}, {1, {{480, 960}}}, {1, {{480, 960}}}, {1, {{480, 960}}},
	{1, {{480, 960}}}, {0, {{0, 0}}},     {0, {{0, 0}}},
}};

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	uint8_t bytes[TICKET_RANDOM_BYTES];
	assert_non_null(f);
	snprintf(f->dir, sizeof f->dir, "/tmp/test-complaint-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof f->path, "%s/kiosk.db", f->dir);
	queue_opts o = {.busy_timeout_ms = 200};
	assert_int_equal(queue_open(&f->q, f->path, &o), QUEUE_OK);
	memset(bytes, 0x5a, sizeof bytes);
	ticket_make(bytes, f->ticket);
	cal_init(&f->c, &office_week);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	char cmd[128];
	queue_close(&f->q);
	snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* ---- helpers ------------------------------------------------------------------------ */

/* Random bytes: all of seed SEEDS[i] for the i-th draw (the last repeats). */
typedef struct seeds {
	uint8_t s[8];
	int n, i;
} seeds;

static void seeded(void *ctx, uint8_t out[TICKET_RANDOM_BYTES])
{
	seeds *r = ctx;
	memset(out, r->s[r->i < r->n ? r->i : r->n - 1], TICKET_RANDOM_BYTES);
	r->i++;
}

static void number_of(uint8_t seed, char number[COMPLAINT_NUMBER_MAX])
{
	uint8_t bytes[TICKET_RANDOM_BYTES];
	char t[TICKET_TEXT_MAX];
	memset(bytes, seed, sizeof bytes);
	ticket_make(bytes, t);
	snprintf(number, COMPLAINT_NUMBER_MAX, "ADU-%s", t);
}

static int64_t wib(int y, int m, int d, int hh, int mm) { return cal_from_wib(y, m, d, hh, mm); }

#define T0 wib(2026, 11, 20, 10, 0) /* Friday 10:00 WIB */

static int64_t outbox_all(fx *f)
{
	int64_t n = -1;
	assert_int_equal(queue_outbox_count(f->q, NULL, &n), QUEUE_OK);
	return n;
}

static int64_t sql_int(fx *f, const char *sql)
{
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(store_db(f->q), sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Rows of the complaint tables and the audit log, and outbox entries. */
typedef struct counts {
	int64_t complaints, notes, audit, outbox;
} counts;

static counts count_all(fx *f)
{
	counts c = {sql_int(f, "SELECT count(*) FROM complaints"),
		    sql_int(f, "SELECT count(*) FROM complaint_notes"), sql_int(f, "SELECT count(*) FROM audit"),
		    outbox_all(f)};
	return c;
}

static void assert_counts(fx *f, counts want)
{
	counts got = count_all(f);
	assert_int_equal(got.complaints, want.complaints);
	assert_int_equal(got.notes, want.notes);
	assert_int_equal(got.audit, want.audit);
	assert_int_equal(got.outbox, want.outbox);
}

/* File a plain complaint at AT with a number from SEED (0: libsodium). */
static void file_at(fx *f, int64_t at, uint8_t seed, char number[COMPLAINT_NUMBER_MAX])
{
	complaint_form_data d = {COMPLAINT_CAT_SERVICE, "Antrean terlalu lama di loket dua", "", ""};
	if (seed == 0) {
		assert_int_equal(complaint_file(f->q, KIOSK, &d, at, number), QUEUE_OK);
	} else {
		seeds s = {{seed}, 1, 0};
		assert_int_equal(complaint_file_with(f->q, KIOSK, &d, at, seeded, &s, number), QUEUE_OK);
	}
}

static complaint_state state_of(fx *f, const char *number)
{
	complaint_view *v = malloc(sizeof *v);
	assert_non_null(v);
	assert_int_equal(complaint_load(f->q, number, v), QUEUE_OK);
	complaint_state s = v->row.state;
	complaint_view_wipe(v);
	free(v);
	return s;
}

/* Claim every pending entry; their payloads in order into OUT (caller
 * frees each), their seqs into SEQ. Returns how many. */
static int claim_all(fx *f, char **out, int64_t *seq, int max)
{
	queue_entry e[16];
	int n = 0;
	int64_t wait;
	memset(e, 0, sizeof e);
	assert_true(max <= 16);
	assert_int_equal(queue_outbox_claim(f->q, INT64_C(4102444800000), max, e, &n, &wait), QUEUE_OK);
	for (int i = 0; i < n; i++) {
		out[i] = strdup(e[i].payload);
		seq[i] = e[i].seq;
		assert_string_equal(e[i].ticket, "");
		queue_entry_wipe(&e[i]);
	}
	return n;
}

/* Settle claimed entry SEQ as OUTCOME. */
static void settle(fx *f, int64_t seq, queue_outcome outcome)
{
	queue_result r = {.seq = seq, .outcome = outcome, .http_status = 201};
	if (outcome == QUEUE_OUT_DEAD)
		snprintf(r.reason, sizeof r.reason, "HTTP 400 invalid_body");
	assert_int_equal(queue_outbox_settle(f->q, &r, 1, INT64_C(4102444800000)), QUEUE_OK);
}

/* Send everything pending, all answered 201. */
static void deliver_all(fx *f)
{
	char *p[16];
	int64_t seq[16];
	int n;
	while ((n = claim_all(f, p, seq, 16)) > 0) {
		for (int i = 0; i < n; i++) {
			settle(f, seq[i], QUEUE_OUT_DONE);
			free(p[i]);
		}
	}
}

/* The newest audit entry's fields, "actor|role|action|target|detail". */
static void last_audit(fx *f, char *out, size_t cap)
{
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(store_db(f->q),
					    "SELECT actor || '|' || role || '|' || action || '|' || target || '|'"
					    " || detail FROM audit ORDER BY seq DESC LIMIT 1",
					    -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(out, cap, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

/* ---- names and the rule -------------------------------------------------------------- */

static void test_names(void **state)
{
	(void)state;
	static const char *const cats[] = {"service", "staff", "waiting_time", "kiosk", "data", "other"};
	for (int i = 0; i < COMPLAINT_CAT_COUNT; i++) {
		complaint_category c;
		char key[64];
		assert_string_equal(complaint_category_name((complaint_category)i), cats[i]);
		snprintf(key, sizeof key, "complaint.cat.%s", cats[i]);
		assert_string_equal(complaint_category_key((complaint_category)i), key);
		assert_int_equal(complaint_category_parse(cats[i], &c), 0);
		assert_int_equal(c, i);
		/* The protocol's rule for a category: 1-32 of a-z _. */
		assert_true(strlen(cats[i]) <= 32 && strspn(cats[i], "abcdefghijklmnopqrstuvwxyz_") == strlen(cats[i]));
	}
	complaint_category c = COMPLAINT_CAT_DATA;
	assert_int_equal(complaint_category_parse("Service", &c), -1);
	assert_int_equal(complaint_category_parse(NULL, &c), -1);
	assert_int_equal(c, COMPLAINT_CAT_DATA);
	assert_string_equal(complaint_category_name(COMPLAINT_CAT_COUNT), "?");
	assert_string_equal(complaint_category_key(COMPLAINT_CAT_COUNT), "complaint.cat.unknown");
	assert_string_equal(complaint_state_name(COMPLAINT_ESCALATED), "escalated");
	assert_string_equal(complaint_state_key(COMPLAINT_RESOLVED), "complaint.state.resolved");
	assert_string_equal(complaint_note_kind(COMPLAINT_RESOLVE), "resolution");
	complaint_action a;
	assert_int_equal(complaint_note_kind_parse("escalation", &a), 0);
	assert_int_equal(a, COMPLAINT_ESCALATE);
	assert_int_equal(complaint_note_kind_parse("escalate", &a), -1);
	complaint_state s;
	assert_int_equal(complaint_state_parse("responded", &s), 0);
	assert_int_equal(s, COMPLAINT_RESPONDED);
	assert_int_equal(complaint_state_parse("closed", &s), -1);
}

/* The allowed moves, written out independently of complaint.c. */
typedef struct move {
	complaint_state from;
	complaint_action act;
	rrole role;
	complaint_state to;
} move;

static const move allowed[] = {
	{COMPLAINT_OPEN, COMPLAINT_RESPOND, RROLE_OFFICER, COMPLAINT_RESPONDED},
	{COMPLAINT_RESPONDED, COMPLAINT_RESPOND, RROLE_OFFICER, COMPLAINT_RESPONDED},
	{COMPLAINT_OPEN, COMPLAINT_RESPOND, RROLE_SUPERVISOR, COMPLAINT_RESPONDED},
	{COMPLAINT_RESPONDED, COMPLAINT_RESPOND, RROLE_SUPERVISOR, COMPLAINT_RESPONDED},
	{COMPLAINT_ESCALATED, COMPLAINT_RESPOND, RROLE_SUPERVISOR, COMPLAINT_ESCALATED},
	{COMPLAINT_OPEN, COMPLAINT_ESCALATE, RROLE_OFFICER, COMPLAINT_ESCALATED},
	{COMPLAINT_RESPONDED, COMPLAINT_ESCALATE, RROLE_OFFICER, COMPLAINT_ESCALATED},
	{COMPLAINT_OPEN, COMPLAINT_ESCALATE, RROLE_KIOSK, COMPLAINT_ESCALATED},
	{COMPLAINT_RESPONDED, COMPLAINT_ESCALATE, RROLE_KIOSK, COMPLAINT_ESCALATED},
	{COMPLAINT_OPEN, COMPLAINT_RESOLVE, RROLE_OFFICER, COMPLAINT_RESOLVED},
	{COMPLAINT_RESPONDED, COMPLAINT_RESOLVE, RROLE_OFFICER, COMPLAINT_RESOLVED},
	{COMPLAINT_OPEN, COMPLAINT_RESOLVE, RROLE_SUPERVISOR, COMPLAINT_RESOLVED},
	{COMPLAINT_RESPONDED, COMPLAINT_RESOLVE, RROLE_SUPERVISOR, COMPLAINT_RESOLVED},
	{COMPLAINT_ESCALATED, COMPLAINT_RESOLVE, RROLE_SUPERVISOR, COMPLAINT_RESOLVED},
};

/* Roles that ever do ACT. */
static bool ever(complaint_action act, rrole role)
{
	for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
		if (allowed[i].act == act && allowed[i].role == role)
			return true;
	return false;
}

static const move *find_move(complaint_state from, complaint_action act, rrole role)
{
	for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
		if (allowed[i].from == from && allowed[i].act == act && allowed[i].role == role)
			return &allowed[i];
	return NULL;
}

/* Bring a new complaint to state S (by the officer; escalated by hand). */
static void file_in_state(fx *f, complaint_state s, uint8_t seed, char number[COMPLAINT_NUMBER_MAX])
{
	file_at(f, T0, seed, number);
	if (s == COMPLAINT_RESPONDED)
		assert_int_equal(complaint_act(f->q, number, COMPLAINT_RESPOND, RROLE_OFFICER, "1001",
					       "Kami sedang memeriksa antrean.", T0 + 60),
				 QUEUE_OK);
	else if (s == COMPLAINT_ESCALATED)
		assert_int_equal(complaint_act(f->q, number, COMPLAINT_ESCALATE, RROLE_OFFICER, "1001",
					       "Perlu keputusan kepala seksi.", T0 + 60),
				 QUEUE_OK);
	else if (s == COMPLAINT_RESOLVED)
		assert_int_equal(complaint_act(f->q, number, COMPLAINT_RESOLVE, RROLE_OFFICER, "1001",
					       "Loket tambahan dibuka.", T0 + 60),
				 QUEUE_OK);
	assert_int_equal(state_of(f, number), s);
}

static void test_rule_table(void **state)
{
	fx *f = *state;
	static const rrole roles[] = {RROLE_APPLICANT, RROLE_KIOSK, RROLE_CENTRAL, RROLE_OFFICER,
				      RROLE_SUPERVISOR};
	uint8_t seed = 1;

	for (int s = 0; s < COMPLAINT_STATE_COUNT; s++) {
		for (int a = 0; a < COMPLAINT_ACTION_COUNT; a++) {
			for (size_t r = 0; r < sizeof roles / sizeof roles[0]; r++) {
				char number[COMPLAINT_NUMBER_MAX];
				const move *m = find_move((complaint_state)s, (complaint_action)a, roles[r]);
				queue_err want = m ? QUEUE_OK
						 : ever((complaint_action)a, roles[r]) ? QUEUE_ERR_STATE
										       : QUEUE_ERR_INVALID;
				complaint_state to = COMPLAINT_STATE_COUNT;
				assert_int_equal(complaint_check((complaint_state)s, (complaint_action)a, roles[r], &to),
						 want);
				if (m)
					assert_int_equal(to, m->to);

				file_in_state(f, (complaint_state)s, seed++, number);
				counts before = count_all(f);
				queue_err got = complaint_act(f->q, number, (complaint_action)a, roles[r], "2002",
							      "Catatan petugas.", T0 + 120);
				if (got != want)
					fail_msg("%s by %s from %s: got %s, want %s",
						 complaint_note_kind((complaint_action)a), rrole_name(roles[r]),
						 complaint_state_name((complaint_state)s), queue_err_name(got),
						 queue_err_name(want));
				if (m) {
					assert_int_equal(state_of(f, number), m->to);
					before.notes++, before.audit++, before.outbox++;
				} else {
					assert_int_equal(state_of(f, number), s);
				}
				assert_counts(f, before);
			}
		}
	}
	assert_int_equal(complaint_check(COMPLAINT_STATE_COUNT, COMPLAINT_RESPOND, RROLE_OFFICER, NULL),
			 QUEUE_ERR_INVALID);
	assert_int_equal(complaint_check(COMPLAINT_OPEN, COMPLAINT_ACTION_COUNT, RROLE_OFFICER, NULL),
			 QUEUE_ERR_INVALID);
	assert_int_equal(complaint_check(COMPLAINT_OPEN, COMPLAINT_RESPOND, RROLE_COUNT, NULL), QUEUE_ERR_INVALID);
}

/* ---- filing --------------------------------------------------------------------------------- */

static void test_file_number_and_body(void **state)
{
	fx *f = *state;
	char number[COMPLAINT_NUMBER_MAX], want[COMPLAINT_NUMBER_MAX], body[1024];
	char *p[16];
	int64_t seq[16];
	seeds s = {{7}, 1, 0};
	/* Spaces collapse; quotes, a backslash and non-ASCII are escaped. */
	complaint_form_data d = {COMPLAINT_CAT_WAITING_TIME,
				 "  Antrean \"nomor 12\"   menunggu\\2 jam \xE2\x80\x93 caf\xC3\xA9 \xF0\x9F\x98\x80 ",
				 f->ticket, " siti.contoh@example.go.id "};

	assert_int_equal(complaint_file_with(f->q, KIOSK, &d, T0, seeded, &s, number), QUEUE_OK);
	number_of(7, want);
	assert_string_equal(number, want);
	/* "ADU-" and a canonical ticket: the citizen can type it back. */
	char canon[TICKET_TEXT_MAX];
	assert_int_equal(strlen(number), 13);
	assert_memory_equal(number, "ADU-", 4);
	assert_int_equal(ticket_parse(number + 4, canon), TICKET_OK);
	assert_string_equal(canon, number + 4);

	assert_int_equal(claim_all(f, p, seq, 16), 1);
	snprintf(body, sizeof body,
		 "{\"v\":1,\"number\":\"%s\",\"kiosk_id\":\"" KIOSK "\",\"category\":\"waiting_time\","
		 "\"text\":\"Antrean \\\"nomor 12\\\" menunggu\\\\2 jam \\u2013 caf\\u00E9 \\uD83D\\uDE00\","
		 "\"ticket\":\"%s\",\"contact\":\"siti.contoh@example.go.id\",\"at\":%lld}",
		 number, f->ticket, (long long)T0);
	assert_string_equal(p[0], body);
	free(p[0]);

	complaint_view *v = malloc(sizeof *v);
	assert_non_null(v);
	assert_int_equal(complaint_load(f->q, number, v), QUEUE_OK);
	assert_int_equal(v->row.state, COMPLAINT_OPEN);
	assert_int_equal(v->row.category, COMPLAINT_CAT_WAITING_TIME);
	assert_string_equal(v->row.ticket, f->ticket);
	assert_true(v->row.has_contact);
	assert_int_equal(v->row.created_at, T0);
	assert_int_equal(v->row.escalated_at, 0);
	assert_string_equal(v->kiosk_id, KIOSK);
	assert_string_equal(v->text,
			    "Antrean \"nomor 12\" menunggu\\2 jam \xE2\x80\x93 caf\xC3\xA9 \xF0\x9F\x98\x80");
	assert_string_equal(v->contact, "siti.contoh@example.go.id");
	assert_int_equal(v->notes_total, 0);
	complaint_view_wipe(v);
	free(v);
	/* Filing is the citizen's, not a staff action: no audit entry. */
	assert_int_equal(sql_int(f, "SELECT count(*) FROM audit"), 0);

	/* The real random source: another valid, different number. */
	char other[COMPLAINT_NUMBER_MAX];
	file_at(f, T0 + 1, 0, other);
	assert_int_equal(ticket_parse(other + 4, canon), TICKET_OK);
	assert_string_not_equal(other, number);
}

static void test_file_redraws_taken_number(void **state)
{
	fx *f = *state;
	char first[COMPLAINT_NUMBER_MAX], second[COMPLAINT_NUMBER_MAX], want[COMPLAINT_NUMBER_MAX];
	complaint_form_data d = {COMPLAINT_CAT_KIOSK, "Layar kios tidak merespons sentuhan", "", ""};

	file_at(f, T0, 9, first);
	seeds twice = {{9, 10}, 2, 0};
	assert_int_equal(complaint_file_with(f->q, KIOSK, &d, T0 + 5, seeded, &twice, second), QUEUE_OK);
	assert_int_equal(twice.i, 2); /* drawn again once */
	number_of(10, want);
	assert_string_equal(second, want);
	assert_counts(f, (counts){2, 0, 0, 2});

	/* A source that only ever gives taken numbers: refused, nothing written. */
	seeds stuck = {{9}, 1, 0};
	assert_int_equal(complaint_file_with(f->q, KIOSK, &d, T0 + 6, seeded, &stuck, second),
			 QUEUE_ERR_DUP_TICKET);
	assert_int_equal(stuck.i, COMPLAINT_NUMBER_TRIES);
	assert_string_equal(second, "");
	assert_counts(f, (counts){2, 0, 0, 2});
}

static void test_file_bad_input(void **state)
{
	fx *f = *state;
	char number[COMPLAINT_NUMBER_MAX];
	char long_text[COMPLAINT_TEXT_MAX + 2], wide_text[2 * COMPLAINT_TEXT_MAX + 1];
	char long_contact[COMPLAINT_CONTACT_MAX + 2], long_kiosk[40];
	const char *ok_text = "Petugas tidak ramah";

	memset(long_text, 'a', sizeof long_text - 1);
	long_text[sizeof long_text - 1] = '\0'; /* 2001 bytes */
	for (int i = 0; i < COMPLAINT_TEXT_MAX; i++)
		memcpy(wide_text + 2 * i, "\xC3\xA9", 2); /* 2000 characters, 4000 bytes */
	wide_text[2 * COMPLAINT_TEXT_MAX] = '\0';
	memset(long_contact, 'b', sizeof long_contact - 1);
	long_contact[sizeof long_contact - 1] = '\0'; /* 129 bytes */
	memset(long_kiosk, 'K', 33);
	long_kiosk[33] = '\0';

	struct bad {
		const char *why, *kiosk;
		complaint_form_data d;
		int64_t at;
	} bad[] = {
		{"no kiosk id", "", {COMPLAINT_CAT_STAFF, ok_text, "", ""}, T0},
		{"kiosk id with a space", "PKL KIOSK", {COMPLAINT_CAT_STAFF, ok_text, "", ""}, T0},
		{"kiosk id of 33", long_kiosk, {COMPLAINT_CAT_STAFF, ok_text, "", ""}, T0},
		{"no category", KIOSK, {COMPLAINT_CAT_COUNT, ok_text, "", ""}, T0},
		{"negative category", KIOSK, {(complaint_category)-1, ok_text, "", ""}, T0},
		{"no text", KIOSK, {COMPLAINT_CAT_STAFF, "", "", ""}, T0},
		{"NULL text", KIOSK, {COMPLAINT_CAT_STAFF, NULL, "", ""}, T0},
		{"blank text", KIOSK, {COMPLAINT_CAT_STAFF, "  \t  ", "", ""}, T0},
		{"text of 2001 bytes", KIOSK, {COMPLAINT_CAT_STAFF, long_text, "", ""}, T0},
		{"text of 4000 bytes", KIOSK, {COMPLAINT_CAT_STAFF, wide_text, "", ""}, T0},
		{"text not UTF-8", KIOSK, {COMPLAINT_CAT_STAFF, "caf\xE9", "", ""}, T0},
		{"text with a control", KIOSK, {COMPLAINT_CAT_STAFF, "a\x01" "b", "", ""}, T0},
		{"malformed ticket", KIOSK, {COMPLAINT_CAT_STAFF, ok_text, "ABCD-EFG", ""}, T0},
		{"ticket not canonical", KIOSK, {COMPLAINT_CAT_STAFF, ok_text, "", ""}, T0},
		{"NULL ticket", KIOSK, {COMPLAINT_CAT_STAFF, ok_text, NULL, ""}, T0},
		{"contact of 129 bytes", KIOSK, {COMPLAINT_CAT_STAFF, ok_text, "", long_contact}, T0},
		{"negative time", KIOSK, {COMPLAINT_CAT_STAFF, ok_text, "", ""}, -1},
	};
	char lower[TICKET_TEXT_MAX];
	for (int i = 0; f->ticket[i]; i++)
		lower[i] = (char)(f->ticket[i] >= 'A' && f->ticket[i] <= 'Z' ? f->ticket[i] + 32 : f->ticket[i]);
	lower[TICKET_TEXT_MAX - 1] = '\0';
	bad[13].d.ticket = lower; /* the same ticket, typed in lower case */

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		memset(number, 'X', sizeof number);
		queue_err e = complaint_file(f->q, bad[i].kiosk, &bad[i].d, bad[i].at, number);
		if (e != QUEUE_ERR_INVALID)
			fail_msg("%s: got %s", bad[i].why, queue_err_name(e));
		assert_string_equal(number, "");
		assert_counts(f, (counts){0, 0, 0, 0});
	}
	assert_int_equal(complaint_file(f->q, KIOSK, NULL, T0, number), QUEUE_ERR_INVALID);

	/* The edges that are allowed: 2000 bytes of text, 128 of contact, and a
	 * contact left out (NULL). */
	long_text[COMPLAINT_TEXT_MAX] = '\0';
	long_contact[COMPLAINT_CONTACT_MAX] = '\0';
	complaint_form_data edge = {COMPLAINT_CAT_OTHER, long_text, "", long_contact};
	assert_int_equal(complaint_file(f->q, KIOSK, &edge, T0, number), QUEUE_OK);
	edge.contact = NULL;
	assert_int_equal(complaint_file(f->q, KIOSK, &edge, T0, number), QUEUE_OK);
	assert_counts(f, (counts){2, 0, 0, 2});
}

static void test_file_busy_store(void **state)
{
	fx *f = *state;
	queue *other = NULL;
	char number[COMPLAINT_NUMBER_MAX];
	complaint_form_data d = {COMPLAINT_CAT_DATA, "Nama di sertifikat salah eja", "", ""};

	assert_int_equal(queue_open(&other, f->path, NULL), QUEUE_OK);
	assert_int_equal(queue_hold_write_lock(other, true), QUEUE_OK);
	assert_int_equal(complaint_file(f->q, KIOSK, &d, T0, number), QUEUE_ERR_BUSY);
	assert_string_equal(number, "");
	assert_int_equal(queue_hold_write_lock(other, false), QUEUE_OK);
	queue_close(&other);
	assert_counts(f, (counts){0, 0, 0, 0});
	assert_int_equal(complaint_file(f->q, KIOSK, &d, T0, number), QUEUE_OK);
}

/* ---- acts ------------------------------------------------------------------------------------- */

static void test_act_bodies_audit_and_notes(void **state)
{
	fx *f = *state;
	char number[COMPLAINT_NUMBER_MAX], body[512], audit[256];
	char *p[16];
	int64_t seq[16];

	file_at(f, T0, 3, number);
	deliver_all(f);
	assert_int_equal(complaint_act(f->q, number, COMPLAINT_RESPOND, RROLE_OFFICER, "1001",
				       "Mohon maaf, \"loket 2\" kekurangan petugas.", T0 + 3600),
			 QUEUE_OK);
	assert_int_equal(claim_all(f, p, seq, 16), 1);
	snprintf(body, sizeof body,
		 "{\"v\":1,\"number\":\"%s\",\"kind\":\"response\",\"role\":\"officer\",\"actor\":\"1001\","
		 "\"at\":%lld,\"text\":\"Mohon maaf, \\\"loket 2\\\" kekurangan petugas.\"}",
		 number, (long long)(T0 + 3600));
	assert_string_equal(p[0], body);
	settle(f, seq[0], QUEUE_OUT_DONE);
	free(p[0]);
	last_audit(f, audit, sizeof audit);
	snprintf(body, sizeof body, "1001|officer|complaint_response|%s|open->responded", number);
	assert_string_equal(audit, body);

	assert_int_equal(complaint_act(f->q, number, COMPLAINT_ESCALATE, RROLE_OFFICER, "1001",
				       "Butuh keputusan kepala seksi.", T0 + 7200),
			 QUEUE_OK);
	last_audit(f, audit, sizeof audit);
	snprintf(body, sizeof body, "1001|officer|complaint_escalate|%s|responded->escalated", number);
	assert_string_equal(audit, body);
	assert_int_equal(complaint_act(f->q, number, COMPLAINT_RESPOND, RROLE_SUPERVISOR, "9001",
				       "Kami tambah satu loket mulai besok.", T0 + 9000),
			 QUEUE_OK);
	last_audit(f, audit, sizeof audit);
	snprintf(body, sizeof body, "9001|supervisor|complaint_response|%s|escalated->escalated", number);
	assert_string_equal(audit, body);
	assert_int_equal(complaint_act(f->q, number, COMPLAINT_RESOLVE, RROLE_SUPERVISOR, "9001",
				       "Loket tambahan sudah dibuka.", T0 + 86400),
			 QUEUE_OK);
	last_audit(f, audit, sizeof audit);
	snprintf(body, sizeof body, "9001|supervisor|complaint_resolve|%s|escalated->resolved", number);
	assert_string_equal(audit, body);
	/* The texts are notes, never audit entries. */
	assert_int_equal(sql_int(f, "SELECT count(*) FROM audit WHERE detail LIKE '%loket%'"
				    " OR target LIKE '%loket%' OR action LIKE '%loket%'"),
			 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM audit"), 4);

	assert_int_equal(claim_all(f, p, seq, 16), 3);
	assert_non_null(strstr(p[0], "\"kind\":\"escalation\",\"role\":\"officer\""));
	assert_non_null(strstr(p[1], "\"kind\":\"response\",\"role\":\"supervisor\",\"actor\":\"9001\""));
	assert_non_null(strstr(p[2], "\"kind\":\"resolution\""));
	assert_non_null(strstr(p[2], "\"text\":\"Loket tambahan sudah dibuka.\"}"));
	for (int i = 0; i < 3; i++)
		free(p[i]);

	complaint_view *v = malloc(sizeof *v);
	assert_non_null(v);
	assert_int_equal(complaint_load(f->q, number, v), QUEUE_OK);
	assert_int_equal(v->row.state, COMPLAINT_RESOLVED);
	assert_int_equal(v->row.escalated_at, T0 + 7200);
	assert_int_equal(v->row.resolved_at, T0 + 86400);
	assert_int_equal(v->row.updated_at, T0 + 86400);
	assert_int_equal(v->notes_total, 4);
	assert_int_equal(v->n_notes, 4);
	assert_int_equal(v->notes[0].kind, COMPLAINT_RESPOND);
	assert_int_equal(v->notes[0].role, RROLE_OFFICER);
	assert_string_equal(v->notes[0].actor, "1001");
	assert_int_equal(v->notes[1].kind, COMPLAINT_ESCALATE);
	assert_int_equal(v->notes[2].role, RROLE_SUPERVISOR);
	assert_int_equal(v->notes[3].kind, COMPLAINT_RESOLVE);
	assert_int_equal(v->notes[3].at, T0 + 86400);
	assert_string_equal(v->notes[3].text, "Loket tambahan sudah dibuka.");
	complaint_view_wipe(v);
	free(v);
}

static void test_act_bad_input(void **state)
{
	fx *f = *state;
	char number[COMPLAINT_NUMBER_MAX], unknown[COMPLAINT_NUMBER_MAX], long_note[COMPLAINT_NOTE_MAX + 2];
	char long_actor[RSTATE_ACTOR_MAX + 1];

	file_at(f, T0, 4, number);
	number_of(5, unknown);
	memset(long_note, 'n', sizeof long_note - 1);
	long_note[sizeof long_note - 1] = '\0';
	memset(long_actor, 'a', sizeof long_actor - 1);
	long_actor[sizeof long_actor - 1] = '\0';
	counts before = count_all(f);

	assert_int_equal(complaint_act(f->q, unknown, COMPLAINT_RESPOND, RROLE_OFFICER, "1001", "Baik.", T0),
			 QUEUE_ERR_NOT_FOUND);
	const char *malformed[] = {"", "ADU-", "ABCD-EFGH", "XYZ-ABCD-EFGH", "ADU-ABCD-EFGHJ", NULL};
	for (int i = 0; i < 6; i++)
		assert_int_equal(complaint_act(f->q, malformed[i], COMPLAINT_RESPOND, RROLE_OFFICER, "1001", "Baik.",
					       T0),
				 QUEUE_ERR_INVALID);
	const char *texts[] = {"", "   ", "caf\xE9", "a\x02", long_note, NULL};
	for (int i = 0; i < 6; i++)
		assert_int_equal(complaint_act(f->q, number, COMPLAINT_RESPOND, RROLE_OFFICER, "1001", texts[i], T0),
				 QUEUE_ERR_INVALID);
	const char *actors[] = {"", "  ", "a\nb", long_actor, NULL};
	for (int i = 0; i < 5; i++)
		assert_int_equal(complaint_act(f->q, number, COMPLAINT_RESPOND, RROLE_OFFICER, actors[i], "Baik.", T0),
				 QUEUE_ERR_INVALID);
	assert_int_equal(complaint_act(f->q, number, COMPLAINT_ACTION_COUNT, RROLE_OFFICER, "1001", "Baik.", T0),
			 QUEUE_ERR_INVALID);
	assert_int_equal(complaint_act(f->q, number, COMPLAINT_RESPOND, RROLE_OFFICER, "1001", "Baik.", -1),
			 QUEUE_ERR_INVALID);
	assert_counts(f, before);
	assert_int_equal(state_of(f, number), COMPLAINT_OPEN);

	/* The longest note allowed: 1000 bytes, with line breaks. */
	long_note[COMPLAINT_NOTE_MAX] = '\0';
	long_note[10] = '\n';
	assert_int_equal(complaint_act(f->q, number, COMPLAINT_RESPOND, RROLE_OFFICER, "1001", long_note, T0),
			 QUEUE_OK);
}

/* ---- automatic escalation ---------------------------------------------------------------------- */

static void test_escalate_due_counts_working_hours(void **state)
{
	fx *f = *state;
	char fri[COMPLAINT_NUMBER_MAX], mon[COMPLAINT_NUMBER_MAX], done[COMPLAINT_NUMBER_MAX];
	char answered[COMPLAINT_NUMBER_MAX], audit[256], want[256];
	int n = -1;

	file_at(f, T0, 11, fri); /* Friday 10:00: 6 working hours that day */
	file_in_state(f, COMPLAINT_RESOLVED, 12, done);
	file_in_state(f, COMPLAINT_RESPONDED, 13, answered);
	file_at(f, wib(2026, 11, 23, 10, 0), 14, mon); /* Monday 10:00 */

	/* Over the weekend nothing is due: 6 working hours, however late. */
	assert_int_equal(complaint_escalate_due(f->q, &f->c, 16, KIOSK, wib(2026, 11, 22, 23, 59), &n), QUEUE_OK);
	assert_int_equal(n, 0);
	/* Monday 16:00: 14 hours; Tuesday 09:59: 15 h 59 min. */
	assert_int_equal(complaint_escalate_due(f->q, &f->c, 16, KIOSK, wib(2026, 11, 23, 16, 0), &n), QUEUE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(complaint_escalate_due(f->q, &f->c, 16, KIOSK, wib(2026, 11, 24, 9, 59), &n), QUEUE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(state_of(f, fri), COMPLAINT_OPEN);

	/* Tuesday 10:00: 16 working hours for Friday's and the answered one
	 * (filed at the same time); Monday's has 8. */
	counts before = count_all(f);
	assert_int_equal(complaint_escalate_due(f->q, &f->c, 16, KIOSK, wib(2026, 11, 24, 10, 0), &n), QUEUE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(state_of(f, fri), COMPLAINT_ESCALATED);
	assert_int_equal(state_of(f, answered), COMPLAINT_ESCALATED);
	assert_int_equal(state_of(f, mon), COMPLAINT_OPEN);
	assert_int_equal(state_of(f, done), COMPLAINT_RESOLVED);
	before.notes += 2, before.audit += 2, before.outbox += 2;
	assert_counts(f, before);
	last_audit(f, audit, sizeof audit);
	snprintf(want, sizeof want, KIOSK "|kiosk|complaint_escalate|%s|responded->escalated", answered);
	assert_string_equal(audit, want);

	complaint_view *v = malloc(sizeof *v);
	assert_non_null(v);
	assert_int_equal(complaint_load(f->q, fri, v), QUEUE_OK);
	assert_int_equal(v->n_notes, 1);
	assert_int_equal(v->notes[0].kind, COMPLAINT_ESCALATE);
	assert_int_equal(v->notes[0].role, RROLE_KIOSK);
	assert_string_equal(v->notes[0].actor, KIOSK);
	assert_string_equal(v->notes[0].text, "Dieskalasi otomatis: belum selesai setelah 16 jam kerja");
	assert_int_equal(v->row.escalated_at, wib(2026, 11, 24, 10, 0));
	complaint_view_wipe(v);
	free(v);

	/* Once escalated, never again. */
	assert_int_equal(complaint_escalate_due(f->q, &f->c, 16, KIOSK, wib(2026, 11, 24, 11, 0), &n), QUEUE_OK);
	assert_int_equal(n, 0);
	assert_counts(f, before);

	assert_int_equal(complaint_escalate_due(f->q, &f->c, 0, KIOSK, T0, &n), QUEUE_ERR_INVALID);
	assert_int_equal(complaint_escalate_due(f->q, &f->c, 201, KIOSK, T0, &n), QUEUE_ERR_INVALID);
	assert_int_equal(complaint_escalate_due(f->q, &f->c, 16, "no kiosk", T0, &n), QUEUE_ERR_INVALID);
	assert_int_equal(complaint_escalate_due(f->q, NULL, 16, KIOSK, T0, &n), QUEUE_ERR_INVALID);
}

static void test_escalate_due_skips_days_off(void **state)
{
	fx *f = *state;
	char number[COMPLAINT_NUMBER_MAX];
	static const char days_off[] = "2026-11-23\tlibur\tHari libur contoh\n";
	int line = -1, n = -1;

	assert_int_equal(cal_load_holidays(&f->c, days_off, strlen(days_off), &line), CAL_OK);
	file_at(f, T0, 21, number);
	/* Monday is a day off: by Tuesday 10:00 only 8 working hours. */
	assert_int_equal(complaint_escalate_due(f->q, &f->c, 16, KIOSK, wib(2026, 11, 24, 10, 0), &n), QUEUE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(complaint_escalate_due(f->q, &f->c, 16, KIOSK, wib(2026, 11, 25, 9, 59), &n), QUEUE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(complaint_escalate_due(f->q, &f->c, 16, KIOSK, wib(2026, 11, 25, 10, 0), &n), QUEUE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(state_of(f, number), COMPLAINT_ESCALATED);
}

/* ---- list, load, wipe -------------------------------------------------------------------------- */

static void assert_numbers(const complaint_row *rows, int n, const char *const *want, int nwant)
{
	assert_int_equal(n, nwant);
	for (int i = 0; i < n; i++)
		assert_string_equal(rows[i].number, want[i]);
}

static void test_list_filters_and_order(void **state)
{
	fx *f = *state;
	char a[COMPLAINT_NUMBER_MAX], b[COMPLAINT_NUMBER_MAX], c[COMPLAINT_NUMBER_MAX];
	char d[COMPLAINT_NUMBER_MAX], e[COMPLAINT_NUMBER_MAX];
	complaint_row rows[8];
	int n = -1, total = -1;
	seeds s = {{31}, 1, 0};
	complaint_form_data with_ticket = {COMPLAINT_CAT_DATA, "NIP di profil salah", f->ticket, "0812 3456 7890"};

	assert_int_equal(complaint_file_with(f->q, KIOSK, &with_ticket, T0, seeded, &s, a), QUEUE_OK);
	file_at(f, T0 + 10, 32, b);
	file_at(f, T0 + 20, 33, c);
	file_at(f, T0 + 30, 34, d);
	file_at(f, T0 + 40, 35, e);
	assert_int_equal(
		complaint_act(f->q, b, COMPLAINT_RESPOND, RROLE_OFFICER, "1001", "Sedang diproses.", T0 + 100),
		QUEUE_OK);
	assert_int_equal(
		complaint_act(f->q, c, COMPLAINT_ESCALATE, RROLE_OFFICER, "1001", "Ke kepala seksi.", T0 + 100),
		QUEUE_OK);
	/* D resolved after E: D comes first among the resolved. */
	assert_int_equal(complaint_act(f->q, e, COMPLAINT_RESOLVE, RROLE_OFFICER, "1001", "Selesai.", T0 + 200),
			 QUEUE_OK);
	assert_int_equal(complaint_act(f->q, d, COMPLAINT_RESOLVE, RROLE_OFFICER, "1001", "Selesai.", T0 + 300),
			 QUEUE_OK);

	assert_int_equal(complaint_list(f->q, COMPLAINT_LIST_OPEN, 0, rows, 8, &n, &total), QUEUE_OK);
	assert_numbers(rows, n, (const char *const[]){a, b}, 2);
	assert_int_equal(total, 2);
	assert_int_equal(rows[0].state, COMPLAINT_OPEN);
	assert_int_equal(rows[0].category, COMPLAINT_CAT_DATA);
	assert_string_equal(rows[0].ticket, f->ticket);
	assert_true(rows[0].has_contact);
	assert_int_equal(rows[1].state, COMPLAINT_RESPONDED);
	assert_string_equal(rows[1].ticket, "");
	assert_false(rows[1].has_contact);
	assert_int_equal(rows[1].updated_at, T0 + 100);

	assert_int_equal(complaint_list(f->q, COMPLAINT_LIST_ESCALATED, 0, rows, 8, &n, &total), QUEUE_OK);
	assert_numbers(rows, n, (const char *const[]){c}, 1);
	assert_int_equal(rows[0].escalated_at, T0 + 100);
	assert_int_equal(complaint_list(f->q, COMPLAINT_LIST_RESOLVED, 0, rows, 8, &n, &total), QUEUE_OK);
	assert_numbers(rows, n, (const char *const[]){d, e}, 2);
	assert_int_equal(rows[0].resolved_at, T0 + 300);
	assert_int_equal(complaint_list(f->q, COMPLAINT_LIST_ALL, 0, rows, 8, &n, &total), QUEUE_OK);
	assert_numbers(rows, n, (const char *const[]){a, b, c, d, e}, 5);
	assert_int_equal(total, 5);

	/* Pages: the total is the filter's, the page the window. */
	assert_int_equal(complaint_list(f->q, COMPLAINT_LIST_ALL, 3, rows, 1, &n, &total), QUEUE_OK);
	assert_numbers(rows, n, (const char *const[]){d}, 1);
	assert_int_equal(total, 5);
	assert_int_equal(complaint_list(f->q, COMPLAINT_LIST_OPEN, 5, rows, 8, &n, NULL), QUEUE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(complaint_list(f->q, COMPLAINT_LIST_OPEN, 0, NULL, 0, &n, &total), QUEUE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(total, 2);

	assert_int_equal(complaint_list(f->q, COMPLAINT_LIST_COUNT, 0, rows, 8, &n, NULL), QUEUE_ERR_INVALID);
	assert_int_equal(complaint_list(f->q, COMPLAINT_LIST_OPEN, -1, rows, 8, &n, NULL), QUEUE_ERR_INVALID);
	assert_int_equal(complaint_list(f->q, COMPLAINT_LIST_OPEN, 0, NULL, 8, &n, NULL), QUEUE_ERR_INVALID);
	assert_int_equal(complaint_list(f->q, COMPLAINT_LIST_OPEN, 0, rows, -1, &n, NULL), QUEUE_ERR_INVALID);
}

static bool all_zero(const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

static void test_load_newest_notes_and_wipe(void **state)
{
	fx *f = *state;
	char number[COMPLAINT_NUMBER_MAX], unknown[COMPLAINT_NUMBER_MAX], text[32];
	complaint_view *v = malloc(sizeof *v);
	assert_non_null(v);

	file_at(f, T0, 41, number);
	for (int i = 1; i <= COMPLAINT_NOTES_MAX + 1; i++) {
		snprintf(text, sizeof text, "Tanggapan ke-%d", i);
		assert_int_equal(complaint_act(f->q, number, COMPLAINT_RESPOND, RROLE_OFFICER, "1001", text, T0 + i),
				 QUEUE_OK);
	}
	assert_int_equal(complaint_load(f->q, number, v), QUEUE_OK);
	assert_int_equal(v->notes_total, COMPLAINT_NOTES_MAX + 1);
	assert_int_equal(v->n_notes, COMPLAINT_NOTES_MAX);
	assert_string_equal(v->notes[0].text, "Tanggapan ke-2"); /* the newest 16, oldest first */
	assert_string_equal(v->notes[COMPLAINT_NOTES_MAX - 1].text, "Tanggapan ke-17");
	assert_string_equal(v->text, "Antrean terlalu lama di loket dua");
	complaint_view_wipe(v);
	assert_true(all_zero(v, sizeof *v));

	number_of(42, unknown);
	memset(v, 0xAA, sizeof *v);
	assert_int_equal(complaint_load(f->q, unknown, v), QUEUE_ERR_NOT_FOUND);
	assert_true(all_zero(v, sizeof *v));
	memset(v, 0xAA, sizeof *v);
	assert_int_equal(complaint_load(f->q, "ADU-0000-0000", v), QUEUE_ERR_NOT_FOUND);
	assert_true(all_zero(v, sizeof *v));
	free(v);
}

/* ---- retention ----------------------------------------------------------------------------------- */

static void test_purge(void **state)
{
	fx *f = *state;
	char old[COMPLAINT_NUMBER_MAX], recent[COMPLAINT_NUMBER_MAX], open[COMPLAINT_NUMBER_MAX];
	char dead[COMPLAINT_NUMBER_MAX];
	char *p[16];
	int64_t seq[16], n = -1;
	int64_t day = 86400, now = T0 + 40 * day;
	seeds s = {{51}, 1, 0};
	complaint_form_data d = {COMPLAINT_CAT_STAFF, "Petugas contoh berbicara kasar", "", "0812 0000 1111"};

	assert_int_equal(complaint_file_with(f->q, KIOSK, &d, T0, seeded, &s, old), QUEUE_OK);
	assert_int_equal(
		complaint_act(f->q, old, COMPLAINT_RESPOND, RROLE_OFFICER, "1001", "Kami minta maaf.", T0 + 60),
		QUEUE_OK);
	assert_int_equal(
		complaint_act(f->q, old, COMPLAINT_RESOLVE, RROLE_OFFICER, "1001", "Petugas dibina.", T0 + day),
		QUEUE_OK);
	file_at(f, T0, 52, open);
	file_in_state(f, COMPLAINT_RESOLVED, 53, dead);

	/* Not yet sent: nothing goes, whatever its age. */
	assert_int_equal(complaint_purge(f->q, now, 30, &n), QUEUE_OK);
	assert_int_equal(n, 0);

	/* Everything sent except DEAD's resolution note, refused for good. */
	int got = claim_all(f, p, seq, 16);
	assert_int_equal(got, 6);
	for (int i = 0; i < got; i++) {
		bool dead_note = strstr(p[i], dead) && strstr(p[i], "\"kind\":\"resolution\"");
		settle(f, seq[i], dead_note ? QUEUE_OUT_DEAD : QUEUE_OUT_DONE);
		free(p[i]);
	}
	file_at(f, now - 3600, 54, recent);
	assert_int_equal(complaint_act(f->q, recent, COMPLAINT_RESOLVE, RROLE_OFFICER, "1001", "Selesai.", now - 60),
			 QUEUE_OK);
	deliver_all(f);

	/* OLD was resolved 39 days before NOW: kept with 60 days, purged with
	 * 30; RECENT was resolved a minute ago; OPEN is not resolved; DEAD's
	 * note may still be revived. */
	assert_int_equal(complaint_purge(f->q, now, 60, &n), QUEUE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(complaint_purge(f->q, now, 30, &n), QUEUE_OK);
	assert_int_equal(n, 1);

	complaint_view *v = malloc(sizeof *v);
	assert_non_null(v);
	assert_int_equal(complaint_load(f->q, old, v), QUEUE_OK);
	assert_true(v->purged);
	assert_string_equal(v->text, "");
	assert_string_equal(v->contact, "");
	assert_false(v->row.has_contact);
	assert_int_equal(v->row.state, COMPLAINT_RESOLVED);
	assert_int_equal(v->n_notes, 2);
	assert_int_equal(v->notes[1].kind, COMPLAINT_RESOLVE);
	assert_string_equal(v->notes[1].actor, "1001");
	assert_string_equal(v->notes[0].text, "");
	assert_string_equal(v->notes[1].text, "");
	assert_int_equal(complaint_load(f->q, dead, v), QUEUE_OK);
	assert_false(v->purged);
	assert_string_equal(v->text, "Antrean terlalu lama di loket dua");
	assert_int_equal(complaint_load(f->q, open, v), QUEUE_OK);
	assert_false(v->purged);
	assert_int_equal(complaint_load(f->q, recent, v), QUEUE_OK);
	assert_false(v->purged);
	complaint_view_wipe(v);
	free(v);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM complaints WHERE text LIKE '%kasar%'"
				    " OR contact LIKE '%0812%'"),
			 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM complaint_notes WHERE text LIKE '%dibina%'"), 0);

	/* Purged once: not again. */
	assert_int_equal(complaint_purge(f->q, now, 30, &n), QUEUE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(complaint_purge(f->q, now, 0, &n), QUEUE_ERR_INVALID);
	assert_int_equal(complaint_purge(f->q, now, 3651, &n), QUEUE_ERR_INVALID);
	assert_int_equal(complaint_purge(f->q, -1, 30, &n), QUEUE_ERR_INVALID);
	/* A purged complaint can be acted on no more (it is resolved). */
	assert_int_equal(complaint_act(f->q, old, COMPLAINT_RESPOND, RROLE_SUPERVISOR, "9001", "Tambahan.", now),
			 QUEUE_ERR_STATE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test_setup_teardown(test_rule_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_number_and_body, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_redraws_taken_number, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_bad_input, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_busy_store, setup, teardown),
		cmocka_unit_test_setup_teardown(test_act_bodies_audit_and_notes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_act_bad_input, setup, teardown),
		cmocka_unit_test_setup_teardown(test_escalate_due_counts_working_hours, setup, teardown),
		cmocka_unit_test_setup_teardown(test_escalate_due_skips_days_off, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_filters_and_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_newest_notes_and_wipe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_purge, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

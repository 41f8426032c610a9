/*
 * test_desk: the officer's desk (sync/desk.c) on real SQLite files.
 *
 * A small office's worth of made-up requests (Siti Nur'aini, Budi Santoso)
 * in every part of the state machine: the work queue's filters, order,
 * paging and ticket search; one case loaded whole; every officer move with
 * its event, outbox entry and audit entry, and proof that they are one
 * transaction (an audit append that fails, a busy store: no event, no
 * entry); a screen that went stale; rejection reasons; the revocation
 * request's rules; acknowledging a central decision. A raw sqlite3
 * connection reads what landed in the file, and the audit table is
 * searched for the made-up people's names and NIKs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "audit.h"
#include "desk.h"
#include "fixture_outbox.h"
#include "fixture_req.h"
#include "queue.h"
#include "reqjson.h"

#define NIK_BUDI "3375010101900002"
#define T0 INT64_C(1767318300) /* Friday 2026-01-02 08:45 WIB */
#define DAY INT64_C(86400)
#define OFFICER "1001"

typedef struct fixture {
	char dir[64], path[128];
	queue *q;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	assert_non_null(f);
	snprintf(f->dir, sizeof f->dir, "/tmp/test-desk-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof f->path, "%s/kiosk.db", f->dir);
	queue_opts o = {.busy_timeout_ms = 100};
	assert_int_equal(queue_open(&f->q, f->path, &o), QUEUE_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	char cmd[128];
	queue_close(&f->q);
	snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* ---- helpers ------------------------------------------------------------------------- */

static sqlite3 *raw_open(const char *path)
{
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 2000);
	return db;
}

static int64_t raw_int(const fixture *f, const char *sql)
{
	sqlite3 *db = raw_open(f->path);
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void raw_text(const fixture *f, const char *sql, char *out, size_t cap)
{
	sqlite3 *db = raw_open(f->path);
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(out, cap, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void raw_exec(const fixture *f, const char *sql)
{
	sqlite3 *db = raw_open(f->path);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* Rows of events, outbox entries and audit entries: what one action adds. */
typedef struct rows {
	int64_t events, outbox, audit;
} rows;

static rows rows_now(const fixture *f)
{
	rows r = {raw_int(f, "SELECT count(*) FROM events"), raw_int(f, "SELECT count(*) FROM outbox"),
		  raw_int(f, "SELECT count(*) FROM audit")};
	return r;
}

static void assert_rows(const fixture *f, rows want)
{
	rows got = rows_now(f);
	if (got.events != want.events || got.outbox != want.outbox || got.audit != want.audit)
		fail_msg("events %lld outbox %lld audit %lld, want %lld %lld %lld", (long long)got.events,
			 (long long)got.outbox, (long long)got.audit, (long long)want.events,
			 (long long)want.outbox, (long long)want.audit);
}

/* Submit request N (Budi when BUDI, else Siti; typed NIK when TYPED) at
 * SUBMITTED with deadline DEADLINE; its ticket into TICKET. */
static void submit(fixture *f, unsigned n, bool budi, bool typed, int64_t submitted, int64_t deadline,
		   char ticket[TICKET_TEXT_MAX])
{
	req r;
	rstate_event first;
	assert_int_equal(fx_queued(&r, &first, n, "PKL-DISKOMINFO-01", submitted), RSTATE_OK);
	if (budi) {
		fx_value(&r, REQ_F_NAME, "Budi Santoso", "Budi Santoso Wibowo");
		fx_value(&r, REQ_F_NIK, NIK_BUDI, NULL);
	}
	if (typed) {
		r.id_source = REQ_ID_TYPED;
		r.card_uid[0] = '\0';
	}
	r.consent_at = submitted - 60;
	assert_int_equal(queue_submit(f->q, &r, &first, deadline, deadline - 2 * DAY, false), QUEUE_OK);
	snprintf(ticket, TICKET_TEXT_MAX, "%s", r.ticket);
	req_wipe(&r);
}

/* Empty the outbox as the central service would. */
static void drain(fixture *f)
{
	assert_true(fx_drain_outbox(f->q) >= 0);
}

/* Move TICKET along TO[0..N) from FROM, as an officer here, without outbox
 * entries (history made before the desk existed). */
static void walk(fixture *f, const char *ticket, rstate from, const rstate *to, int n, int64_t at)
{
	for (int i = 0; i < n; i++) {
		rstate_event ev;
		rstate cur = from;
		rrole role = to[i] == RSTATE_CLOSED ? RROLE_KIOSK : RROLE_OFFICER;
		assert_int_equal(rstate_apply(&cur, to[i], role, "verifikator01", at + i,
					      to[i] == RSTATE_REJECTED ? "incomplete" : NULL, &ev),
				 RSTATE_OK);
		assert_int_equal(queue_append_event(f->q, ticket, &ev, false), QUEUE_OK);
		from = to[i];
	}
}

/* The tickets of a desk_list() page joined by spaces. */
static void page_tickets(const desk_row *r, int n, char *out, size_t cap)
{
	size_t len = 0;
	out[0] = '\0';
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(out + len, cap - len, "%s%s", i ? " " : "", r[i].ticket);
}

static void list_ok(fixture *f, desk_filter flt, const char *query, int64_t now, int offset, int max,
		    desk_row *out, int *n, int *total)
{
	queue_err e = desk_list(f->q, flt, query, now, offset, out, max, n, total);
	if (e != QUEUE_OK)
		fail_msg("desk_list: %s", queue_err_name(e));
}

/* Join tickets T[0..N) with spaces. */
static void join(char *out, size_t cap, int n, ...)
{
	va_list ap;
	size_t len = 0;
	out[0] = '\0';
	va_start(ap, n);
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(out + len, cap - len, "%s%s", i ? " " : "", va_arg(ap, const char *));
	va_end(ap);
}

static void assert_page(fixture *f, desk_filter flt, const char *query, int64_t now, int want_total,
			int n_want, ...)
{
	desk_row rows_[DESK_PAGE_MAX];
	char got[1024], want[1024];
	int n = -1, total = -1;
	va_list ap;
	size_t len = 0;

	list_ok(f, flt, query, now, 0, DESK_PAGE_MAX, rows_, &n, &total);
	page_tickets(rows_, n, got, sizeof got);
	want[0] = '\0';
	va_start(ap, n_want);
	for (int i = 0; i < n_want; i++)
		len += (size_t)snprintf(want + len, sizeof want - len, "%s%s", i ? " " : "", va_arg(ap, const char *));
	va_end(ap);
	if (strcmp(got, want) != 0 || total != want_total)
		fail_msg("filter %d query \"%s\": [%s] (total %d), want [%s] (total %d)", (int)flt,
			 query ? query : "(null)", got, total, want, want_total);
	desk_rows_wipe(rows_, n);
}

/* ---- the work queue --------------------------------------------------------------------- */

/*
 * Seven requests, one in each part of the queue: A queued (still unsent),
 * B received, C in verification (typed NIK), E accepted, F and H rejected,
 * G closed. Deadlines: C and B first (C submitted earlier), then E, then A.
 */
typedef struct office {
	char a[TICKET_TEXT_MAX], b[TICKET_TEXT_MAX], c[TICKET_TEXT_MAX], e[TICKET_TEXT_MAX],
		f[TICKET_TEXT_MAX], g[TICKET_TEXT_MAX], h[TICKET_TEXT_MAX];
} office;

static void make_office(fixture *f, office *o)
{
	static const rstate verify[] = {RSTATE_IN_VERIFICATION};
	static const rstate accept[] = {RSTATE_IN_VERIFICATION, RSTATE_ACCEPTED};
	static const rstate reject[] = {RSTATE_IN_VERIFICATION, RSTATE_REJECTED};
	static const rstate closing[] = {RSTATE_IN_VERIFICATION, RSTATE_REJECTED, RSTATE_CLOSED};

	submit(f, 2, true, false, T0 + 3, T0 + 1 * DAY, o->b);
	submit(f, 3, false, true, T0 + 0, T0 + 1 * DAY, o->c);
	submit(f, 4, false, false, T0 + 4, T0 + 2 * DAY, o->e);
	submit(f, 5, true, false, T0 + 5, T0 + 4 * DAY, o->f);
	submit(f, 6, false, false, T0 + 6, T0 + 5 * DAY, o->g);
	submit(f, 7, false, false, T0 + 2, T0 + 6 * DAY, o->h);
	drain(f); /* all received */
	walk(f, o->c, RSTATE_RECEIVED, verify, 1, T0 + 100);
	walk(f, o->e, RSTATE_RECEIVED, accept, 2, T0 + 100);
	walk(f, o->f, RSTATE_RECEIVED, reject, 2, T0 + 100);
	walk(f, o->g, RSTATE_RECEIVED, closing, 3, T0 + 100);
	walk(f, o->h, RSTATE_RECEIVED, reject, 2, T0 + 100);
	submit(f, 1, false, false, T0 + 1, T0 + 3 * DAY, o->a);
}

static void test_list_filters_and_order(void **state)
{
	fixture *f = *state;
	office o;
	make_office(f, &o);
	const int64_t now = T0 + 2 * DAY; /* B's and C's deadlines have passed, E's is now */

	assert_page(f, DESK_F_TO_VERIFY, NULL, now, 3, 3, o.c, o.b, o.a);
	assert_page(f, DESK_F_IN_PROGRESS, NULL, now, 1, 1, o.e);
	assert_page(f, DESK_F_REJECTED, NULL, now, 2, 2, o.f, o.h); /* newest first */
	assert_page(f, DESK_F_CLOSED, NULL, now, 1, 1, o.g);
	assert_page(f, DESK_F_OVERDUE, NULL, now, 2, 2, o.c, o.b);
	assert_page(f, DESK_F_OVERDUE, NULL, T0, 0, 0);
	assert_page(f, DESK_F_OVERDUE, NULL, T0 + 10 * DAY, 4, 4, o.c, o.b, o.e, o.a); /* never F, G, H */
	assert_page(f, DESK_F_CONFLICT, NULL, now, 0, 0);
	assert_page(f, DESK_F_ALL, NULL, now, 7, 7, o.c, o.b, o.e, o.a, o.g, o.f, o.h);

	/* Paging: the same order, total of all. */
	desk_row r[3];
	char got[256], want[256];
	int n = -1, total = -1;
	list_ok(f, DESK_F_ALL, "", now, 0, 3, r, &n, &total);
	page_tickets(r, n, got, sizeof got);
	join(want, sizeof want, 3, o.c, o.b, o.e);
	assert_string_equal(got, want);
	assert_int_equal(total, 7);
	list_ok(f, DESK_F_ALL, "", now, 3, 3, r, &n, &total);
	page_tickets(r, n, got, sizeof got);
	join(want, sizeof want, 3, o.a, o.g, o.f);
	assert_string_equal(got, want);
	list_ok(f, DESK_F_ALL, "", now, 6, 3, r, &n, &total);
	assert_int_equal(n, 1);
	assert_string_equal(r[0].ticket, o.h);
	assert_int_equal(total, 7);
	list_ok(f, DESK_F_ALL, "", now, 50, 3, r, &n, &total);
	assert_int_equal(n, 0);
	assert_int_equal(total, 7);

	/* What each row says. */
	desk_row all[DESK_PAGE_MAX];
	list_ok(f, DESK_F_ALL, NULL, now, 0, DESK_PAGE_MAX, all, &n, &total);
	const desk_row *c = &all[0], *b = &all[1], *a = &all[3];
	assert_string_equal(c->name, "Siti Nur'aini");
	assert_string_equal(b->name, "Budi Santoso"); /* the current name, not the requested one */
	assert_int_equal(c->state, RSTATE_IN_VERIFICATION);
	assert_int_equal(b->state, RSTATE_RECEIVED);
	assert_int_equal(all[4].state, RSTATE_CLOSED);
	assert_int_equal(c->submitted_at, T0);
	assert_int_equal(c->deadline_at, T0 + DAY);
	assert_int_equal(c->target_at, T0 - DAY);
	assert_false(c->deadline_uncovered);
	assert_int_equal(c->changes, 2);
	assert_int_equal(b->changes, 3); /* Budi also changes his name */
	assert_true(c->typed_nik);
	assert_false(b->typed_nik);
	assert_true(a->unsent); /* its request entry has not gone yet */
	assert_false(b->unsent);
	assert_false(c->conflict);
	assert_false(c->purged);
	for (int i = 0; i < n; i++)
		assert_int_equal(all[i].unsent, strcmp(all[i].ticket, o.a) == 0);
	desk_rows_wipe(all, n);
	for (size_t i = 0; i < sizeof all; i++)
		assert_int_equal(((const unsigned char *)all)[i], 0);

	/* A dead entry is unsent too (a technician must look at it). */
	raw_exec(f, "UPDATE outbox SET state = 'dead', last_error = 'HTTP 409 state_conflict'"
		    " WHERE state = 'pending'");
	list_ok(f, DESK_F_TO_VERIFY, NULL, now, 0, 3, r, &n, &total);
	assert_true(r[2].unsent);
	desk_rows_wipe(r, n);

	/* Bad arguments. */
	assert_int_equal(desk_list(f->q, DESK_F_ALL, NULL, now, 0, r, 0, &n, &total), QUEUE_ERR_INVALID);
	assert_int_equal(desk_list(f->q, DESK_F_ALL, NULL, now, 0, all, DESK_PAGE_MAX + 1, &n, &total),
			 QUEUE_ERR_INVALID);
	assert_int_equal(desk_list(f->q, DESK_F_ALL, NULL, now, -1, r, 3, &n, &total), QUEUE_ERR_INVALID);
	assert_int_equal(desk_list(f->q, DESK_F_COUNT, NULL, now, 0, r, 3, &n, &total), QUEUE_ERR_INVALID);
	assert_int_equal(desk_list(f->q, DESK_F_ALL, NULL, -1, 0, r, 3, &n, &total), QUEUE_ERR_INVALID);
	assert_int_equal(desk_list(f->q, DESK_F_ALL, NULL, now, 0, NULL, 3, &n, &total), QUEUE_ERR_INVALID);
	assert_int_equal(n, 0);
	assert_int_equal(total, 0);
}

static void test_list_search(void **state)
{
	fixture *f = *state;
	office o;
	char q[96];
	make_office(f, &o);
	const int64_t now = T0;

	/* A's ticket typed in every way a person types it. */
	snprintf(q, sizeof q, "%.4s", o.a);
	assert_page(f, DESK_F_ALL, q, now, 1, 1, o.a);
	snprintf(q, sizeof q, "%.7s", o.a); /* "XXXX-XX" */
	for (char *p = q; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
	assert_page(f, DESK_F_ALL, q, now, 1, 1, o.a);
	snprintf(q, sizeof q, "%.4s%.2s", o.a, o.a + 5); /* "XXXXXX", no dash */
	assert_page(f, DESK_F_ALL, q, now, 1, 1, o.a);
	snprintf(q, sizeof q, " %.2s-%.2s %.4s ", o.a, o.a + 2, o.a + 5); /* spaces and a dash anywhere */
	assert_page(f, DESK_F_ALL, q, now, 1, 1, o.a);
	assert_page(f, DESK_F_ALL, o.a, now, 1, 1, o.a);
	/* The filter still applies: A is not closed. */
	assert_page(f, DESK_F_CLOSED, o.a, now, 0, 0);
	/* One symbol: every ticket starting with it (B's). */
	snprintf(q, sizeof q, "%.1s", o.b);
	assert_page(f, DESK_F_ALL, q, now, 1, 1, o.b);
	/* Not a ticket symbol (O, 0, 1, I, L are none), or too long: nothing. */
	assert_page(f, DESK_F_ALL, "O", now, 0, 0);
	assert_page(f, DESK_F_ALL, "3%", now, 0, 0);
	assert_page(f, DESK_F_ALL, "3_", now, 0, 0);
	snprintf(q, sizeof q, "%s2", o.a);
	assert_page(f, DESK_F_ALL, q, now, 0, 0);
	/* Empty, or only separators: everything. */
	assert_page(f, DESK_F_TO_VERIFY, "", now, 3, 3, o.c, o.b, o.a);
	assert_page(f, DESK_F_TO_VERIFY, " - ", now, 3, 3, o.c, o.b, o.a);
}

/* ---- one case ------------------------------------------------------------------------------ */

static queue_change central_event(int64_t seq, const char *ticket, rstate from, rstate to, rrole role,
				  const char *actor, int64_t at, const char *reason)
{
	queue_change c;
	memset(&c, 0, sizeof c);
	c.seq = seq;
	c.type = QUEUE_CHANGE_EVENT;
	snprintf(c.ticket, sizeof c.ticket, "%s", ticket);
	c.ev.from = from;
	c.ev.to = to;
	c.ev.role = role;
	snprintf(c.ev.actor, sizeof c.ev.actor, "%s", actor);
	c.ev.at = at;
	snprintf(c.ev.reason, sizeof c.ev.reason, "%s", reason ? reason : "");
	return c;
}

static void test_load(void **state)
{
	fixture *f = *state;
	office o;
	desk_case c;
	char bad[TICKET_TEXT_MAX];
	make_office(f, &o);

	memset(&c, 0x5a, sizeof c);
	assert_int_equal(desk_load(f->q, o.e, &c), QUEUE_OK);
	assert_string_equal(c.st.r.ticket, o.e);
	assert_int_equal(c.st.r.state, RSTATE_ACCEPTED);
	assert_string_equal(c.st.r.f[REQ_F_NIK].current, FX_NIK_SITI);
	assert_int_equal(c.st.n_events, 4); /* queued, received, in_verification, accepted */
	assert_int_equal(c.st.deadline_at, T0 + 2 * DAY);
	assert_false(c.conflict.present);
	assert_int_equal(c.conflict.unseen, 0);
	assert_int_equal(c.unsent, 0);
	assert_int_equal(c.revocation, DESK_E_NONE);
	assert_string_equal(c.revocation_error, "");
	desk_case_wipe(&c);

	assert_int_equal(desk_load(f->q, o.a, &c), QUEUE_OK);
	assert_int_equal(c.st.r.state, RSTATE_QUEUED);
	assert_int_equal(c.unsent, 1);
	desk_case_wipe(&c);

	/* Central rejected E while it was accepted here: the case shows it (and
	 * a revocation still waiting for E is moot now). */
	char sql[256];
	snprintf(sql, sizeof sql,
		 "INSERT INTO outbox (idem_key, kind, ticket, payload) VALUES"
		 " ('0123456789abcdef0123456789abcdef', 'revocation', '%s', '{}')",
		 o.e);
	raw_exec(f, sql);
	assert_int_equal(desk_load(f->q, o.e, &c), QUEUE_OK);
	assert_int_equal(c.revocation, DESK_E_PENDING);
	assert_int_equal(c.unsent, 1);
	desk_case_wipe(&c);
	const queue_change page[] = {central_event(1, o.e, RSTATE_IN_VERIFICATION, RSTATE_REJECTED,
						   RROLE_OFFICER, "verif-pusat", T0 + 500,
						   "documents_mismatch: SK tidak sah")};
	queue_apply_stats st;
	assert_int_equal(queue_apply_changes(f->q, page, 1, 1, &st), QUEUE_OK);
	assert_int_equal(st.overridden, 1);
	assert_int_equal(desk_load(f->q, o.e, &c), QUEUE_OK);
	assert_int_equal(c.st.r.state, RSTATE_REJECTED);
	assert_true(c.conflict.present);
	assert_int_equal(c.conflict.local_state, RSTATE_ACCEPTED);
	assert_int_equal(c.conflict.central_from, RSTATE_IN_VERIFICATION);
	assert_int_equal(c.conflict.central_to, RSTATE_REJECTED);
	assert_int_equal(c.conflict.central_role, RROLE_OFFICER);
	assert_string_equal(c.conflict.central_actor, "verif-pusat");
	assert_int_equal(c.conflict.at, T0 + 500);
	assert_int_equal(c.conflict.unseen, 1);
	assert_int_equal(c.revocation, DESK_E_DONE);
	assert_true(c.revocation_superseded);
	assert_int_equal(c.unsent, 0);
	assert_int_equal(c.st.n_events, 5);
	desk_reason why;
	char text[64];
	assert_int_equal(desk_reason_parse(c.st.events[4].reason, &why, text, sizeof text), 0);
	assert_int_equal(why, DESK_R_DOCUMENTS_MISMATCH);
	assert_string_equal(text, "SK tidak sah");
	desk_case_wipe(&c);
	for (size_t i = 0; i < sizeof c; i++)
		assert_int_equal(((const unsigned char *)&c)[i], 0);

	/* Unknown and malformed tickets. */
	fx_ticket(999, bad);
	memset(&c, 0x5a, sizeof c);
	assert_int_equal(desk_load(f->q, bad, &c), QUEUE_ERR_NOT_FOUND);
	assert_int_equal(c.st.n_events, 0);
	assert_int_equal(desk_load(f->q, "ABCD", &c), QUEUE_ERR_NOT_FOUND);
	assert_int_equal(desk_load(f->q, NULL, &c), QUEUE_ERR_NOT_FOUND);
	char lower[TICKET_TEXT_MAX];
	snprintf(lower, sizeof lower, "%s", o.e);
	for (char *p = lower; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
	assert_int_equal(desk_load(f->q, lower, &c), QUEUE_ERR_NOT_FOUND); /* canonical form only */
}

/* ---- moves ---------------------------------------------------------------------------------- */

/* The newest audit entry as "action|target|detail|actor|role|at". */
static void last_audit(const fixture *f, char *out, size_t cap)
{
	raw_text(f,
		 "SELECT action || '|' || target || '|' || detail || '|' || actor || '|' || role || '|' || at"
		 " FROM audit ORDER BY seq DESC LIMIT 1",
		 out, cap);
}

/* Move TICKET from FROM to TO as the officer at AT; checks what landed. */
static void move_ok(fixture *f, const char *ticket, rstate from, rstate to, const char *reason,
		    const char *detail, int64_t at, const char *want_audit_detail)
{
	rows before = rows_now(f);
	rstate stored = from;
	char got[512], want[512];
	queue_err e = desk_move(f->q, ticket, to, RROLE_OFFICER, OFFICER, reason, detail, at, &stored);
	if (e != QUEUE_OK)
		fail_msg("%s -> %s: %s", rstate_name(from), rstate_name(to), queue_err_name(e));
	assert_int_equal(stored, to);
	before.events++;
	before.outbox++;
	before.audit++;
	assert_rows(f, before);
	/* The audit entry. */
	last_audit(f, got, sizeof got);
	snprintf(want, sizeof want, "request_move|%s|%s|%s|officer|%lld", ticket, want_audit_detail, OFFICER,
		 (long long)at);
	assert_string_equal(got, want);
	/* The outbox entry carries exactly the event, for POST /v1/events. */
	rstate_event ev;
	memset(&ev, 0, sizeof ev);
	ev.from = from;
	ev.to = to;
	ev.role = RROLE_OFFICER;
	snprintf(ev.actor, sizeof ev.actor, "%s", OFFICER);
	ev.at = at;
	snprintf(ev.reason, sizeof ev.reason, "%s", reason ? reason : "");
	char *json = NULL;
	assert_int_equal(reqjson_encode_event(ticket, &ev, &json), REQJSON_OK);
	raw_text(f, "SELECT kind || '|' || ticket || '|' || state || '|' || payload FROM outbox"
		    " ORDER BY seq DESC LIMIT 1",
		 got, sizeof got);
	snprintf(want, sizeof want, "event|%s|pending|%s", ticket, json);
	assert_string_equal(got, want);
	reqjson_free(&json);
}

/* The whole standard path at the desk, each move with its audit entry;
 * the revocation step settles through the outbox. */
static void test_move_standard_path(void **state)
{
	fixture *f = *state;
	char t[TICKET_TEXT_MAX], got[512];
	submit(f, 10, false, false, T0, T0 + 7 * DAY, t);

	/* Offline first: verified while still queued here. */
	move_ok(f, t, RSTATE_QUEUED, RSTATE_IN_VERIFICATION, NULL, NULL, T0 + 10, "queued->in_verification");
	move_ok(f, t, RSTATE_IN_VERIFICATION, RSTATE_ACCEPTED, NULL, "docs=decree,ktp", T0 + 20,
		"in_verification->accepted docs=decree,ktp");
	move_ok(f, t, RSTATE_ACCEPTED, RSTATE_APPROVED, NULL, "", T0 + 30, "accepted->approved");
	move_ok(f, t, RSTATE_APPROVED, RSTATE_INFORMED, NULL, NULL, T0 + 40, "approved->informed");
	move_ok(f, t, RSTATE_INFORMED, RSTATE_REVOCATION_REQUIRED, NULL, "certs=1", T0 + 50,
		"informed->revocation_required certs=1");

	rows before = rows_now(f);
	assert_int_equal(desk_request_revocation(f->q, t, "5A0F000000000003", OFFICER, T0 + 60), QUEUE_OK);
	before.outbox++;
	before.audit++;
	assert_rows(f, before);
	last_audit(f, got, sizeof got);
	char want[512];
	snprintf(want, sizeof want, "revocation_request|%s|serial=5A0F000000000003|%s|officer|%lld", t, OFFICER,
		 (long long)(T0 + 60));
	assert_string_equal(got, want);
	raw_text(f, "SELECT kind || '|' || ticket || '|' || payload FROM outbox ORDER BY seq DESC LIMIT 1", got,
		 sizeof got);
	snprintf(want, sizeof want,
		 "revocation|%s|{\"v\":1,\"ticket\":\"%s\",\"serial\":\"5A0F000000000003\","
		 "\"reason\":\"identity_changed\",\"actor\":\"%s\",\"at\":%lld}",
		 t, t, OFFICER, (long long)(T0 + 60));
	assert_string_equal(got, want);
	desk_case c;
	assert_int_equal(desk_load(f->q, t, &c), QUEUE_OK);
	assert_int_equal(c.revocation, DESK_E_PENDING);
	assert_int_equal(c.unsent, 7); /* the request, five events, the revocation */
	desk_case_wipe(&c);

	/* The central service revoked it: revoked (central, "bsre"). */
	drain(f);
	assert_int_equal(desk_load(f->q, t, &c), QUEUE_OK);
	assert_int_equal(c.st.r.state, RSTATE_REVOKED);
	assert_int_equal(c.st.events[c.st.n_events - 1].role, RROLE_CENTRAL);
	assert_string_equal(c.st.events[c.st.n_events - 1].actor, "bsre");
	assert_int_equal(c.revocation, DESK_E_DONE);
	assert_false(c.revocation_superseded);
	assert_int_equal(c.unsent, 0);
	desk_case_wipe(&c);

	move_ok(f, t, RSTATE_REVOKED, RSTATE_NOTIFIED, NULL, NULL, T0 + 70, "revoked->notified");
	move_ok(f, t, RSTATE_NOTIFIED, RSTATE_CLOSED, NULL, NULL, T0 + 80, "notified->closed");
	assert_int_equal(raw_int(f, "SELECT count(*) FROM audit WHERE action = 'request_move'"), 7);
	/* The entries joined the hash chain like any other. */
	int problems = -1;
	int64_t entries = -1;
	assert_int_equal(audit_verify(f->q, NULL, 0, &problems, &entries), QUEUE_OK);
	assert_int_equal(problems, 0);
	assert_int_equal(entries, 8);

	/* No personal data in the audit log, whatever was moved. */
	assert_int_equal(raw_int(f, "SELECT count(*) FROM audit WHERE actor || role || action || target || detail"
				    " GLOB '*Siti*' OR detail GLOB '*3375*' OR detail GLOB '*Pranata*'"),
			 0);
}

/* A rejection: the reason's category goes to the audit entry, the
 * officer's text only to the event (for the applicant). */
static void test_move_reject(void **state)
{
	fixture *f = *state;
	char t[TICKET_TEXT_MAX], reason[RSTATE_REASON_MAX];
	submit(f, 11, true, false, T0, T0 + 7 * DAY, t);
	move_ok(f, t, RSTATE_QUEUED, RSTATE_IN_VERIFICATION, NULL, NULL, T0 + 10, "queued->in_verification");

	rows before = rows_now(f);
	rstate stored = RSTATE_IN_VERIFICATION;
	/* A rejection needs a reason of the desk's form. */
	assert_int_equal(desk_move(f->q, t, RSTATE_REJECTED, RROLE_OFFICER, OFFICER, NULL, NULL, T0 + 20,
				   &stored),
			 QUEUE_ERR_INVALID);
	assert_int_equal(desk_move(f->q, t, RSTATE_REJECTED, RROLE_OFFICER, OFFICER, "tidak cocok", NULL,
				   T0 + 20, &stored),
			 QUEUE_ERR_INVALID);
	assert_int_equal(desk_move(f->q, t, RSTATE_REJECTED, RROLE_OFFICER, OFFICER, "other", NULL, T0 + 20,
				   &stored),
			 QUEUE_ERR_INVALID);
	assert_rows(f, before);
	assert_int_equal(stored, RSTATE_IN_VERIFICATION);

	assert_int_equal(desk_reason_format(DESK_R_DATA_MISMATCH, "  Nama pada KTP Budi Santoso W.  ", reason,
					    sizeof reason),
			 0);
	move_ok(f, t, RSTATE_IN_VERIFICATION, RSTATE_REJECTED, reason, "docs=ktp", T0 + 20,
		"in_verification->rejected docs=ktp reason=data_mismatch");
	assert_int_equal(raw_int(f, "SELECT count(*) FROM events WHERE reason ="
				    " 'data_mismatch: Nama pada KTP Budi Santoso W.'"),
			 1);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM audit WHERE detail GLOB '*Budi*'"), 0);
	/* And closed at the desk. */
	move_ok(f, t, RSTATE_REJECTED, RSTATE_CLOSED, NULL, NULL, T0 + 30, "rejected->closed");
}

/* One transaction: when the audit entry cannot be written, or the store is
 * busy, neither the event nor its outbox entry is there. */
static void test_move_atomic(void **state)
{
	fixture *f = *state;
	char t[TICKET_TEXT_MAX];
	submit(f, 12, false, false, T0, T0 + 7 * DAY, t);
	static const rstate to_rr[] = {RSTATE_IN_VERIFICATION, RSTATE_ACCEPTED, RSTATE_APPROVED,
				       RSTATE_INFORMED};
	walk(f, t, RSTATE_QUEUED, to_rr, 4, T0 + 10);
	rows before = rows_now(f);

	raw_exec(f, "CREATE TRIGGER audit_fails BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'disk'); END;");
	rstate stored = RSTATE_INFORMED;
	queue_err e = desk_move(f->q, t, RSTATE_REVOCATION_REQUIRED, RROLE_OFFICER, OFFICER, NULL, NULL, T0 + 20,
				&stored);
	assert_int_not_equal(e, QUEUE_OK);
	assert_int_not_equal(e, QUEUE_ERR_STATE);
	assert_int_equal(stored, RSTATE_INFORMED);
	assert_rows(f, before);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM requests WHERE state = 'informed'"), 1);
	raw_exec(f, "DROP TRIGGER audit_fails;");

	/* Now it goes through, then the revocation request fails the same way. */
	move_ok(f, t, RSTATE_INFORMED, RSTATE_REVOCATION_REQUIRED, NULL, NULL, T0 + 20,
		"informed->revocation_required");
	before = rows_now(f);
	raw_exec(f, "CREATE TRIGGER audit_fails BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'disk'); END;");
	e = desk_request_revocation(f->q, t, "5A0F000000000003", OFFICER, T0 + 30);
	assert_int_not_equal(e, QUEUE_OK);
	assert_rows(f, before);
	raw_exec(f, "DROP TRIGGER audit_fails;");

	/* Another connection holds the write lock: busy, nothing written, and
	 * the handle works again afterwards. */
	sqlite3 *db = raw_open(f->path);
	assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	stored = RSTATE_REVOCATION_REQUIRED;
	assert_int_equal(desk_move(f->q, t, RSTATE_REVOKED, RROLE_OFFICER, OFFICER, NULL, NULL, T0 + 40, &stored),
			 QUEUE_ERR_BUSY);
	assert_int_equal(desk_request_revocation(f->q, t, "5A0F000000000003", OFFICER, T0 + 40), QUEUE_ERR_BUSY);
	assert_int_equal(desk_conflict_seen(f->q, t, OFFICER, T0 + 40), QUEUE_ERR_BUSY);
	assert_int_equal(sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_rows(f, before);
	assert_int_equal(desk_request_revocation(f->q, t, "5A0F000000000003", OFFICER, T0 + 50), QUEUE_OK);
}

/* The screen showed one state, the store holds another (the engine applied
 * a central move meanwhile): QUEUE_ERR_STATE and where it is now. Bad
 * arguments write nothing either. */
static void test_move_stale_and_invalid(void **state)
{
	fixture *f = *state;
	char t[TICKET_TEXT_MAX], unknown[TICKET_TEXT_MAX], long_actor[64];
	submit(f, 13, false, false, T0, T0 + 7 * DAY, t);
	drain(f); /* received */
	static const rstate verify[] = {RSTATE_IN_VERIFICATION};
	walk(f, t, RSTATE_RECEIVED, verify, 1, T0 + 10);
	rows before = rows_now(f);

	rstate stored = RSTATE_RECEIVED; /* what the officer saw */
	assert_int_equal(desk_move(f->q, t, RSTATE_IN_VERIFICATION, RROLE_OFFICER, OFFICER, NULL, NULL, T0 + 20,
				   &stored),
			 QUEUE_ERR_STATE);
	assert_int_equal(stored, RSTATE_IN_VERIFICATION);
	/* The right state, but a role that may not make the move. */
	stored = RSTATE_IN_VERIFICATION;
	assert_int_equal(desk_move(f->q, t, RSTATE_ACCEPTED, RROLE_APPLICANT, OFFICER, NULL, NULL, T0 + 20,
				   &stored),
			 QUEUE_ERR_STATE);
	assert_int_equal(stored, RSTATE_IN_VERIFICATION);
	/* No such move at all. */
	assert_int_equal(desk_move(f->q, t, RSTATE_CLOSED, RROLE_OFFICER, OFFICER, NULL, NULL, T0 + 20, &stored),
			 QUEUE_ERR_STATE);
	assert_int_equal(stored, RSTATE_IN_VERIFICATION);
	assert_rows(f, before);

	/* Bad arguments. */
	memset(long_actor, '7', sizeof long_actor - 1);
	long_actor[sizeof long_actor - 1] = '\0';
	const char *bad_actors[] = {"", "   ", long_actor, "10\n01", NULL};
	for (int i = 0; i < 5; i++) {
		stored = RSTATE_IN_VERIFICATION;
		assert_int_equal(desk_move(f->q, t, RSTATE_ACCEPTED, RROLE_OFFICER, bad_actors[i], NULL, NULL,
					   T0 + 20, &stored),
				 QUEUE_ERR_INVALID);
	}
	const char *bad_details[] = {"docs=ktp\n", "nama=Siti Nur\xE2\x80\x99" "aini", NULL};
	for (int i = 0; bad_details[i]; i++)
		assert_int_equal(desk_move(f->q, t, RSTATE_ACCEPTED, RROLE_OFFICER, OFFICER, NULL, bad_details[i],
					   T0 + 20, &stored),
				 QUEUE_ERR_INVALID);
	char huge[300];
	memset(huge, 'x', sizeof huge - 1);
	huge[sizeof huge - 1] = '\0';
	assert_int_equal(desk_move(f->q, t, RSTATE_ACCEPTED, RROLE_OFFICER, OFFICER, NULL, huge, T0 + 20, &stored),
			 QUEUE_ERR_INVALID);
	assert_int_equal(desk_move(f->q, t, RSTATE_ACCEPTED, RROLE_OFFICER, OFFICER, NULL, NULL, -1, &stored),
			 QUEUE_ERR_INVALID);
	assert_int_equal(desk_move(f->q, "ABCD", RSTATE_ACCEPTED, RROLE_OFFICER, OFFICER, NULL, NULL, T0,
				   &stored),
			 QUEUE_ERR_INVALID);
	assert_int_equal(desk_move(f->q, t, RSTATE_ACCEPTED, RROLE_OFFICER, OFFICER, NULL, NULL, T0, NULL),
			 QUEUE_ERR_INVALID);
	assert_int_equal(desk_move(f->q, t, (rstate)99, RROLE_OFFICER, OFFICER, NULL, NULL, T0, &stored),
			 QUEUE_ERR_INVALID);
	fx_ticket(999, unknown);
	assert_int_equal(desk_move(f->q, unknown, RSTATE_ACCEPTED, RROLE_OFFICER, OFFICER, NULL, NULL, T0,
				   &stored),
			 QUEUE_ERR_NOT_FOUND);
	assert_rows(f, before);
	assert_int_equal(stored, RSTATE_IN_VERIFICATION);
	move_ok(f, t, RSTATE_IN_VERIFICATION, RSTATE_ACCEPTED, NULL, NULL, T0 + 30, "in_verification->accepted");
}

/* ---- rejection reasons ------------------------------------------------------------------------ */

static void test_reasons(void **state)
{
	(void)state;
	char out[RSTATE_REASON_MAX], text[RSTATE_REASON_MAX], long_text[400];
	desk_reason code;
	static const char *const names[DESK_R_COUNT] = {"documents_mismatch", "data_mismatch",
							"identity_unverified", "not_eligible", "incomplete",
							"other"};

	for (int r = 0; r < DESK_R_COUNT; r++) {
		char key[64];
		assert_string_equal(desk_reason_name((desk_reason)r), names[r]);
		snprintf(key, sizeof key, "reject.%s", names[r]);
		assert_string_equal(desk_reason_key((desk_reason)r), key);
		/* Round trips, with and without text. */
		if (r != DESK_R_OTHER) {
			assert_int_equal(desk_reason_format((desk_reason)r, NULL, out, sizeof out), 0);
			assert_string_equal(out, names[r]);
			assert_int_equal(desk_reason_parse(out, &code, text, sizeof text), 0);
			assert_int_equal(code, r);
			assert_string_equal(text, "");
		}
		assert_int_equal(desk_reason_format((desk_reason)r, "\t SK belum dilegalisasi \n", out, sizeof out),
				 0);
		snprintf(text, sizeof text, "%s: SK belum dilegalisasi", names[r]);
		assert_string_equal(out, text);
		assert_int_equal(desk_reason_parse(out, &code, text, sizeof text), 0);
		assert_int_equal(code, r);
		assert_string_equal(text, "SK belum dilegalisasi");
	}
	assert_string_equal(desk_reason_name(DESK_R_COUNT), "?");
	assert_string_equal(desk_reason_key((desk_reason)-1), "reject.unknown");

	/* "other" needs text; blank text is none. */
	assert_int_equal(desk_reason_format(DESK_R_OTHER, NULL, out, sizeof out), -1);
	assert_int_equal(desk_reason_format(DESK_R_OTHER, "  \t ", out, sizeof out), -1);
	assert_string_equal(out, "");
	assert_int_equal(desk_reason_format(DESK_R_INCOMPLETE, "   ", out, sizeof out), 0);
	assert_string_equal(out, "incomplete");
	/* 300 characters fit; 301 do not. Non-ASCII counts characters. */
	memset(long_text, 'a', 300);
	long_text[300] = '\0';
	assert_int_equal(desk_reason_format(DESK_R_OTHER, long_text, out, sizeof out), 0);
	assert_int_equal(strlen(out), strlen("other: ") + 300);
	long_text[300] = 'a';
	long_text[301] = '\0';
	assert_int_equal(desk_reason_format(DESK_R_OTHER, long_text, out, sizeof out), -1);
	for (int i = 0; i < 100; i++)
		memcpy(long_text + 2 * i, "\xC3\xA9", 2); /* 100 x e-acute: 100 characters, 200 bytes */
	long_text[200] = '\0';
	assert_int_equal(desk_reason_format(DESK_R_OTHER, long_text, out, sizeof out), 0);
	/* Control characters, bad UTF-8, out of range, too small. */
	assert_int_equal(desk_reason_format(DESK_R_OTHER, "baris satu\nbaris dua", out, sizeof out), -1);
	assert_int_equal(desk_reason_format(DESK_R_OTHER, "tab\there", out, sizeof out), -1);
	assert_int_equal(desk_reason_format(DESK_R_OTHER, "\xC3(", out, sizeof out), -1);
	assert_int_equal(desk_reason_format(DESK_R_COUNT, "x", out, sizeof out), -1);
	assert_int_equal(desk_reason_format(DESK_R_INCOMPLETE, "fotokopi KTP", out, 16), -1);
	assert_string_equal(out, "");

	/* Parsing what is not of the form (an older free-form reason). */
	const char *bad[] = {"", "SK belum dilegalisasi", "data_mismatch:", "data_mismatch: ", "data_mismatchx",
			     "data_mismatch:x", "Data_mismatch", " data_mismatch"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(text, sizeof text, "junk");
		code = DESK_R_INCOMPLETE;
		if (desk_reason_parse(bad[i], &code, text, sizeof text) != -1)
			fail_msg("\"%s\" parsed", bad[i]);
		assert_int_equal(code, DESK_R_OTHER);
		assert_string_equal(text, "");
	}
	assert_int_equal(desk_reason_parse(NULL, &code, NULL, 0), -1);
	/* A small TEXT_OUT is cut at a character boundary. */
	assert_int_equal(desk_reason_parse("other: ab\xC3\xA9", &code, text, 4), 0);
	assert_string_equal(text, "ab");
	assert_int_equal(desk_reason_parse("other: abc", &code, NULL, 0), 0);
	assert_int_equal(code, DESK_R_OTHER);
}

/* ---- revocation request, conflicts -------------------------------------------------------------- */

static void test_revocation_rules(void **state)
{
	fixture *f = *state;
	char t[TICKET_TEXT_MAX], unknown[TICKET_TEXT_MAX], serial64[72];
	submit(f, 14, false, false, T0, T0 + 7 * DAY, t);
	drain(f);
	static const rstate to_informed[] = {RSTATE_IN_VERIFICATION, RSTATE_ACCEPTED, RSTATE_APPROVED,
					     RSTATE_INFORMED};
	walk(f, t, RSTATE_RECEIVED, to_informed, 4, T0 + 10);
	rows before = rows_now(f);

	/* Not yet in revocation_required. */
	assert_int_equal(desk_request_revocation(f->q, t, "5A0F000000000003", OFFICER, T0 + 20), QUEUE_ERR_STATE);
	move_ok(f, t, RSTATE_INFORMED, RSTATE_REVOCATION_REQUIRED, NULL, NULL, T0 + 20,
		"informed->revocation_required");
	before = rows_now(f);
	/* Bad serials, actors, tickets. */
	memset(serial64, 'A', 64);
	serial64[64] = '\0';
	const char *bad_serials[] = {"", "5a0f000000000003", "5A0F-0003", serial64, "5A0F 03", NULL};
	for (int i = 0; i < 6; i++)
		assert_int_equal(desk_request_revocation(f->q, t, bad_serials[i], OFFICER, T0 + 30),
				 QUEUE_ERR_INVALID);
	assert_int_equal(desk_request_revocation(f->q, t, "5A0F000000000003", "", T0 + 30), QUEUE_ERR_INVALID);
	assert_int_equal(desk_request_revocation(f->q, t, "5A0F000000000003", OFFICER, -5), QUEUE_ERR_INVALID);
	assert_int_equal(desk_request_revocation(f->q, "nope", "5A0F000000000003", OFFICER, T0), QUEUE_ERR_INVALID);
	fx_ticket(999, unknown);
	assert_int_equal(desk_request_revocation(f->q, unknown, "5A0F000000000003", OFFICER, T0),
			 QUEUE_ERR_NOT_FOUND);
	assert_rows(f, before);

	/* The first goes in; a second is refused while the first is not done. */
	serial64[63] = '\0';
	assert_int_equal(desk_request_revocation(f->q, t, serial64, OFFICER, T0 + 30), QUEUE_OK);
	before.outbox++;
	before.audit++;
	assert_rows(f, before);
	assert_int_equal(desk_request_revocation(f->q, t, "5A0F000000000003", OFFICER, T0 + 31), QUEUE_ERR_STATE);
	/* Refused for good (a dead letter): still not done, still refused. */
	raw_exec(f, "UPDATE outbox SET state = 'dead', last_error = 'HTTP 404 unknown_certificate'"
		    " WHERE kind = 'revocation'");
	assert_int_equal(desk_request_revocation(f->q, t, "5A0F000000000003", OFFICER, T0 + 32), QUEUE_ERR_STATE);
	assert_rows(f, before);
	desk_case c;
	assert_int_equal(desk_load(f->q, t, &c), QUEUE_OK);
	assert_int_equal(c.revocation, DESK_E_DEAD);
	assert_string_equal(c.revocation_error, "HTTP 404 unknown_certificate");
	assert_int_equal(c.unsent, 2); /* the revocation_required event and the revocation */
	desk_case_wipe(&c);
	/* Once a technician discards it, it no longer counts as unsent and
	 * another one may go. */
	int64_t n = 0;
	assert_int_equal(queue_outbox_discard(f->q, 0, "certificate unknown centrally; asked again", &n),
			 QUEUE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(desk_load(f->q, t, &c), QUEUE_OK);
	assert_int_equal(c.revocation, DESK_E_DISCARDED);
	assert_int_equal(c.unsent, 1); /* only the revocation_required event */
	desk_case_wipe(&c);
	assert_int_equal(desk_request_revocation(f->q, t, "5A0F000000000003", OFFICER, T0 + 33), QUEUE_OK);
}

static void test_conflict_seen(void **state)
{
	fixture *f = *state;
	office o;
	char got[256], unknown[TICKET_TEXT_MAX];
	make_office(f, &o);
	/* Officers here accepted E and verified C; central rejected both. */
	const queue_change page[] = {
		central_event(1, o.e, RSTATE_IN_VERIFICATION, RSTATE_REJECTED, RROLE_OFFICER, "verif-pusat",
			      T0 + 500, "incomplete"),
		central_event(2, o.c, RSTATE_IN_VERIFICATION, RSTATE_REJECTED, RROLE_OFFICER, "verif-pusat",
			      T0 + 501, "incomplete"),
		central_event(3, o.c, RSTATE_REJECTED, RSTATE_CLOSED, RROLE_CENTRAL, "ams", T0 + 502, NULL),
	};
	queue_apply_stats st;
	assert_int_equal(queue_apply_changes(f->q, page, 3, 3, &st), QUEUE_OK);
	/* C was in_verification here: that one is a plain move, not a conflict. */
	assert_int_equal(st.overridden, 1);
	assert_int_equal(st.applied, 2);
	assert_page(f, DESK_F_CONFLICT, NULL, T0, 1, 1, o.e);
	assert_page(f, DESK_F_REJECTED, NULL, T0, 3, 3, o.f, o.e, o.h);
	desk_row r[8];
	int n, total;
	list_ok(f, DESK_F_REJECTED, NULL, T0, 0, 8, r, &n, &total);
	assert_true(r[1].conflict);
	assert_false(r[0].conflict);
	desk_rows_wipe(r, n);

	rows before = rows_now(f);
	assert_int_equal(desk_conflict_seen(f->q, o.e, "1002", T0 + 600), QUEUE_OK);
	before.audit++;
	assert_rows(f, before);
	last_audit(f, got, sizeof got);
	char want[256];
	snprintf(want, sizeof want, "conflict_seen|%s|n=1|1002|officer|%lld", o.e, (long long)(T0 + 600));
	assert_string_equal(got, want);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM conflicts WHERE seen_by = '1002'"
				    " AND seen_at = 1767318900"),
			 1);
	assert_page(f, DESK_F_CONFLICT, NULL, T0, 0, 0);
	desk_case c;
	assert_int_equal(desk_load(f->q, o.e, &c), QUEUE_OK);
	assert_false(c.conflict.present);
	desk_case_wipe(&c);
	/* Again: nothing unseen, nothing written. */
	assert_int_equal(desk_conflict_seen(f->q, o.e, "1002", T0 + 700), QUEUE_OK);
	assert_rows(f, before);
	assert_int_equal(desk_conflict_seen(f->q, o.b, "1002", T0 + 700), QUEUE_OK);
	assert_rows(f, before);
	fx_ticket(999, unknown);
	assert_int_equal(desk_conflict_seen(f->q, unknown, "1002", T0), QUEUE_ERR_NOT_FOUND);
	assert_int_equal(desk_conflict_seen(f->q, o.e, " ", T0), QUEUE_ERR_INVALID);
	assert_int_equal(desk_conflict_seen(f->q, o.e, "1002", -1), QUEUE_ERR_INVALID);
	/* Two conflicts on one request: both seen at once, n=2. */
	const queue_change more[] = {
		central_event(4, o.b, RSTATE_IN_VERIFICATION, RSTATE_ACCEPTED, RROLE_OFFICER, "verif-pusat",
			      T0 + 800, NULL),
		central_event(5, o.b, RSTATE_APPROVED, RSTATE_INFORMED, RROLE_CENTRAL, "ams", T0 + 801, NULL),
	};
	assert_int_equal(queue_apply_changes(f->q, more, 2, 5, &st), QUEUE_OK);
	assert_int_equal(st.overridden, 2);
	assert_int_equal(desk_load(f->q, o.b, &c), QUEUE_OK);
	assert_int_equal(c.conflict.unseen, 2);
	assert_int_equal(c.conflict.local_state, RSTATE_ACCEPTED); /* the newest */
	assert_int_equal(c.conflict.central_to, RSTATE_INFORMED);
	desk_case_wipe(&c);
	assert_int_equal(desk_conflict_seen(f->q, o.b, "1002", T0 + 900), QUEUE_OK);
	last_audit(f, got, sizeof got);
	snprintf(want, sizeof want, "conflict_seen|%s|n=2|1002|officer|%lld", o.b, (long long)(T0 + 900));
	assert_string_equal(got, want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_list_filters_and_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_search, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load, setup, teardown),
		cmocka_unit_test_setup_teardown(test_move_standard_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_move_reject, setup, teardown),
		cmocka_unit_test_setup_teardown(test_move_atomic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_move_stale_and_invalid, setup, teardown),
		cmocka_unit_test(test_reasons),
		cmocka_unit_test_setup_teardown(test_revocation_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conflict_seen, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

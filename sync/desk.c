/*
 * desk: the officer's view of the store and the officer's actions (see
 * desk.h for the contracts).
 *
 * Statements are prepared per call on the queue handle's connection
 * (store.h): staff actions and work-queue pages are rare next to the
 * engine's batches, and this module keeps queue.c's prepared set untouched.
 * Every write goes store_begin() .. store_commit() with the audit entry
 * inside; any failure in between ends in store_abandon(). Strings are bound
 * SQLITE_STATIC; SQLite's error texts never leave this file.
 */
#include "desk.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#include "audit.h"
#include "reqjson.h"
#include "store.h"

/* ---- small helpers ------------------------------------------------------------- */

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* A staff code or other actor: non-blank, fits an event's and an audit
 * entry's arrays, valid UTF-8 without control characters. */
static bool actor_ok(const char *a)
{
	if (a == NULL)
		return false;
	size_t n = strnlen(a, RSTATE_ACTOR_MAX);
	if (n == 0 || n >= RSTATE_ACTOR_MAX || n >= AUDIT_ACTOR_MAX || !audit_text_ok(a, n))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_space(a[i]))
			return true;
	return false;
}

/* NULL or printable ASCII: short facts for the audit entry. */
static bool detail_ok(const char *d)
{
	if (d == NULL)
		return true;
	for (; *d != '\0'; d++)
		if ((unsigned char)*d < 0x20 || (unsigned char)*d > 0x7e)
			return false;
	return true;
}

/* Code points of the valid UTF-8 S[0..N). */
static size_t code_points(const char *s, size_t n)
{
	size_t cp = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			cp++;
	return cp;
}

static bool col_state(sqlite3_stmt *st, int col, rstate *out)
{
	const char *s = (const char *)sqlite3_column_text(st, col);
	return s != NULL && rstate_parse(s, out) == 0;
}

/* ---- the work queue ------------------------------------------------------------- */

/* The SQL condition of filter F on requests r (?3: now). */
static const char *filter_sql(desk_filter f, char *buf, size_t cap)
{
	switch (f) {
	case DESK_F_TO_VERIFY:
		return "r.state IN ('queued', 'received', 'in_verification')";
	case DESK_F_IN_PROGRESS:
		return "r.state IN ('accepted', 'approved', 'informed', 'revocation_required', 'revoked',"
		       " 'notified')";
	case DESK_F_REJECTED:
		return "r.state = 'rejected'";
	case DESK_F_CLOSED:
		return "r.state = 'closed'";
	case DESK_F_OVERDUE: {
		/* The open states from the state machine itself, so the desk and
		 * rstate_is_open() cannot disagree. */
		size_t len = (size_t)snprintf(buf, cap, "r.deadline_at < ?3 AND r.state IN (");
		const char *sep = "";
		for (int s = 0; s < RSTATE_COUNT; s++) {
			if (!rstate_is_open((rstate)s))
				continue;
			len += (size_t)snprintf(buf + len, cap - len, "%s'%s'", sep, rstate_name((rstate)s));
			sep = ", ";
		}
		snprintf(buf + len, cap - len, ")");
		return buf;
	}
	case DESK_F_CONFLICT:
		return "r.id IN (SELECT request_id FROM conflicts WHERE seen_at IS NULL)";
	case DESK_F_ALL:
		return "1";
	default:
		return NULL;
	}
}

/*
 * The ticket prefix QUERY asks for, in canonical form ("ABCD", "ABCD-EF")
 * into PREFIX: 1 when QUERY asks for everything (NULL, or no symbol), 0
 * with PREFIX set, -1 when no ticket can match.
 */
static int ticket_prefix(const char *query, char prefix[TICKET_TEXT_MAX])
{
	char sym[TICKET_LEN];
	int n = 0;

	if (query == NULL)
		return 1;
	for (const char *p = query; *p != '\0'; p++) {
		char c = *p;
		if (c == '-' || c == ' ')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (!ticket_symbol_ok(c) || n == TICKET_LEN)
			return -1;
		sym[n++] = c;
	}
	if (n == 0)
		return 1;
	int len = 0;
	for (int i = 0; i < n; i++) {
		if (i == TICKET_LEN / 2)
			prefix[len++] = '-';
		prefix[len++] = sym[i];
	}
	prefix[len] = '\0';
	return 0;
}

/* Bind ?N of ST to V when the statement has that parameter. */
static int bind_int_if(sqlite3_stmt *st, const char *name, int64_t v)
{
	int i = sqlite3_bind_parameter_index(st, name);
	return i > 0 ? sqlite3_bind_int64(st, i, v) : SQLITE_OK;
}

/* Read the current row of the list statement into R. */
static void read_row(sqlite3_stmt *st, desk_row *r)
{
	memset(r, 0, sizeof *r);
	store_col_text_cut(st, 0, r->ticket, sizeof r->ticket);
	store_col_text_cut(st, 2, r->name, sizeof r->name);
	r->submitted_at = sqlite3_column_int64(st, 3);
	r->deadline_at = sqlite3_column_int64(st, 4);
	r->target_at = sqlite3_column_int64(st, 5);
	r->deadline_uncovered = sqlite3_column_int64(st, 6) != 0;
	r->changes = (int)sqlite3_column_int64(st, 7);
	r->typed_nik = sqlite3_column_int64(st, 8) != 0;
	r->conflict = sqlite3_column_int64(st, 9) != 0;
	r->unsent = sqlite3_column_int64(st, 10) != 0;
	r->purged = sqlite3_column_int64(st, 11) != 0;
}

/* Rejected and closed requests come after the open ones, newest first.
 * The ORDER BY below is queue.c's index requests_desk_order (migration 4)
 * expression for expression: change one, change both, and rerun
 * tests/bench_desk (a page must not sort the whole table). */
#define DONE_FLAG "(r.state IN ('rejected', 'closed'))"

queue_err desk_list(queue *q, desk_filter f, const char *ticket_query, int64_t now, int offset,
		    desk_row *out, int max, int *n, int *total)
{
	char fbuf[512], prefix[TICKET_TEXT_MAX], sql[2048];
	sqlite3_stmt *list = NULL, *count = NULL;
	const char *cond;
	queue_err err;
	int got = 0, rc, want;

	if (n != NULL)
		*n = 0;
	if (total != NULL)
		*total = 0;
	if (n == NULL || total == NULL || out == NULL || max < 1 || max > DESK_PAGE_MAX)
		return QUEUE_ERR_INVALID;
	memset(out, 0, sizeof *out * (size_t)max);
	cond = (unsigned)f < DESK_F_COUNT ? filter_sql(f, fbuf, sizeof fbuf) : NULL;
	if (cond == NULL || offset < 0 || now < 0)
		return QUEUE_ERR_INVALID;
	want = ticket_prefix(ticket_query, prefix);
	if (want < 0)
		return QUEUE_OK; /* no ticket can match: an empty page */

	/* A ticket prefix is a range of the ticket's UNIQUE index ('~' sorts
	 * after every symbol and the dash). */
	static const char by_ticket[] = " AND r.ticket >= ?1 AND r.ticket < ?1 || '~'";
	snprintf(sql, sizeof sql,
		 "SELECT r.ticket, r.state, coalesce(json_extract(r.payload, '$.fields.name.current'), ''),"
		 " r.submitted_at, r.deadline_at, r.target_at, r.deadline_uncovered,"
		 " (SELECT count(*) FROM json_each(r.payload, '$.fields') AS jf"
		 "  WHERE json_extract(jf.value, '$.change') = 1),"
		 " coalesce(json_extract(r.payload, '$.id_source') = 'typed', 0),"
		 " EXISTS (SELECT 1 FROM conflicts c WHERE c.request_id = r.id AND c.seen_at IS NULL),"
		 " EXISTS (SELECT 1 FROM outbox o WHERE o.ticket = r.ticket AND o.ticket <> ''"
		 "  AND o.state IN ('pending', 'in_flight', 'dead')),"
		 " r.purged_at IS NOT NULL"
		 " FROM requests r WHERE %s%s"
		 " ORDER BY " DONE_FLAG ","
		 " CASE WHEN " DONE_FLAG " THEN -r.submitted_at ELSE r.deadline_at END,"
		 " CASE WHEN " DONE_FLAG " THEN -r.id ELSE r.submitted_at END, r.id"
		 " LIMIT ?4 OFFSET ?5",
		 cond, want == 0 ? by_ticket : "");
	rc = store_prepare(q, sql, &list);
	if (rc == SQLITE_OK) {
		snprintf(sql, sizeof sql, "SELECT count(*) FROM requests r WHERE %s%s", cond,
			 want == 0 ? by_ticket : "");
		rc = store_prepare(q, sql, &count);
	}
	if (rc != SQLITE_OK) {
		err = store_read_err(rc);
		goto out;
	}
	for (int i = 0; i < 2 && rc == SQLITE_OK; i++) {
		sqlite3_stmt *st = i == 0 ? list : count;
		if (want == 0)
			rc = sqlite3_bind_text(st, 1, prefix, -1, SQLITE_STATIC);
		if (rc == SQLITE_OK)
			rc = bind_int_if(st, "?3", now);
		if (rc == SQLITE_OK)
			rc = bind_int_if(st, "?4", max);
		if (rc == SQLITE_OK)
			rc = bind_int_if(st, "?5", offset);
	}
	if (rc != SQLITE_OK) {
		err = store_read_err(rc);
		goto out;
	}

	err = store_read_begin(q);
	if (err)
		goto out;
	while ((rc = sqlite3_step(list)) == SQLITE_ROW && got < max) {
		read_row(list, &out[got]);
		if (!col_state(list, 1, &out[got].state) || out[got].ticket[0] == '\0') {
			rc = SQLITE_CORRUPT; /* a state or ticket this code cannot read */
			break;
		}
		got++;
	}
	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		rc = sqlite3_step(count);
	if (rc == SQLITE_ROW)
		*total = (int)sqlite3_column_int64(count, 0);
	else
		err = store_read_err(rc == SQLITE_OK || rc == SQLITE_DONE ? SQLITE_CORRUPT : rc);
	sqlite3_reset(list); /* no statement in progress at the end of the snapshot */
	sqlite3_reset(count);
	err = store_read_end(q, err);
out:
	sqlite3_finalize(list);
	sqlite3_finalize(count);
	if (err) {
		desk_rows_wipe(out, max);
		*total = 0;
		return err;
	}
	*n = got;
	return QUEUE_OK;
}

void desk_rows_wipe(desk_row *rows, int n)
{
	if (rows != NULL && n > 0)
		explicit_bzero(rows, sizeof *rows * (size_t)n);
}

/* ---- one case ----------------------------------------------------------------------- */

static desk_entry_state entry_state(const char *s)
{
	if (s == NULL)
		return DESK_E_NONE;
	if (strcmp(s, "pending") == 0)
		return DESK_E_PENDING;
	if (strcmp(s, "in_flight") == 0)
		return DESK_E_IN_FLIGHT;
	if (strcmp(s, "done") == 0)
		return DESK_E_DONE;
	if (strcmp(s, "dead") == 0)
		return DESK_E_DEAD;
	if (strcmp(s, "discarded") == 0)
		return DESK_E_DISCARDED;
	return DESK_E_NONE;
}

#define SUPERSEDED "superseded by central decision" /* queue.c's last_error */

/* The conflict, outbox and revocation parts of a case, in one snapshot. */
static queue_err load_extras(queue *q, const char *ticket, desk_case *out)
{
	static const char *const sql[3] = {
		("SELECT c.local_state, c.central_from, c.central_to, c.central_role, c.central_actor, c.at,"
		 " (SELECT count(*) FROM conflicts u WHERE u.request_id = c.request_id AND u.seen_at IS NULL)"
		 " FROM conflicts c JOIN requests r ON r.id = c.request_id"
		 " WHERE r.ticket = ?1 AND c.seen_at IS NULL ORDER BY c.id DESC LIMIT 1"),
		("SELECT count(*) FROM outbox WHERE ticket = ?1 AND ticket <> ''"
		 " AND state NOT IN ('done', 'discarded')"),
		("SELECT state, last_error FROM outbox WHERE ticket = ?1 AND ticket <> '' AND kind = 'revocation'"
		 " ORDER BY seq DESC LIMIT 1"),
	};
	queue_err err = store_read_begin(q);
	int rc = SQLITE_OK;

	for (int i = 0; i < 3 && err == QUEUE_OK; i++) {
		sqlite3_stmt *st;
		rc = store_prepare(q, sql[i], &st);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_text(st, 1, ticket, -1, SQLITE_STATIC);
		if (rc == SQLITE_OK)
			rc = sqlite3_step(st);
		if (rc == SQLITE_ROW && i == 0) {
			desk_conflict *c = &out->conflict;
			char role[16];
			store_col_text_cut(st, 3, role, sizeof role);
			c->present = col_state(st, 0, &c->local_state) && col_state(st, 1, &c->central_from) &&
				     col_state(st, 2, &c->central_to) && rrole_parse(role, &c->central_role) == 0;
			store_col_text_cut(st, 4, c->central_actor, sizeof c->central_actor);
			c->at = sqlite3_column_int64(st, 5);
			c->unseen = (int)sqlite3_column_int64(st, 6);
			if (!c->present)
				rc = SQLITE_CORRUPT;
		} else if (rc == SQLITE_ROW && i == 1) {
			out->unsent = (int)sqlite3_column_int64(st, 0);
		} else if (rc == SQLITE_ROW) {
			out->revocation = entry_state((const char *)sqlite3_column_text(st, 0));
			store_col_text_cut(st, 1, out->revocation_error, sizeof out->revocation_error);
			out->revocation_superseded = out->revocation == DESK_E_DONE &&
						     strcmp(out->revocation_error, SUPERSEDED) == 0;
		}
		sqlite3_finalize(st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			err = store_read_err(rc);
	}
	return store_read_end(q, err);
}

queue_err desk_load(queue *q, const char *ticket, desk_case *out)
{
	char last4[5] = {0};
	sqlite3_stmt *st = NULL;
	queue_err err;
	int rc;

	desk_case_wipe(out);
	if (ticket == NULL || !store_ticket_ok(ticket))
		return QUEUE_ERR_NOT_FOUND;
	/* Staff see every request: the NIK check of the citizens' status
	 * screen is satisfied with the stored digits themselves. */
	rc = store_prepare(q, "SELECT nik_last4 FROM requests WHERE ticket = ?1", &st);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 1, ticket, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		store_col_text_cut(st, 0, last4, sizeof last4);
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return QUEUE_ERR_NOT_FOUND;
	if (rc != SQLITE_ROW)
		return store_read_err(rc);

	err = queue_lookup(q, ticket, last4, &out->st);
	explicit_bzero(last4, sizeof last4);
	if (err == QUEUE_ERR_NOT_FOUND)
		err = QUEUE_ERR_IO; /* the row is there but its digits are not readable */
	if (err == QUEUE_OK)
		err = load_extras(q, ticket, out);
	if (err)
		desk_case_wipe(out);
	return err;
}

void desk_case_wipe(desk_case *c)
{
	explicit_bzero(c, sizeof *c);
}

/* ---- rejection reasons ----------------------------------------------------------------- */

static const struct {
	const char *name, *key;
} reasons[DESK_R_COUNT] = {
	[DESK_R_DOCUMENTS_MISMATCH] = {"documents_mismatch", "reject.documents_mismatch"},
	[DESK_R_DATA_MISMATCH] = {"data_mismatch", "reject.data_mismatch"},
	[DESK_R_IDENTITY_UNVERIFIED] = {"identity_unverified", "reject.identity_unverified"},
	[DESK_R_NOT_ELIGIBLE] = {"not_eligible", "reject.not_eligible"},
	[DESK_R_INCOMPLETE] = {"incomplete", "reject.incomplete"},
	[DESK_R_OTHER] = {"other", "reject.other"},
};

const char *desk_reason_name(desk_reason r)
{
	return (unsigned)r < DESK_R_COUNT ? reasons[r].name : "?";
}

const char *desk_reason_key(desk_reason r)
{
	return (unsigned)r < DESK_R_COUNT ? reasons[r].key : "reject.unknown";
}

int desk_reason_format(desk_reason code, const char *text, char *out, size_t cap)
{
	const char *t = text ? text : "";
	size_t len;

	if (cap > 0)
		out[0] = '\0';
	if ((unsigned)code >= DESK_R_COUNT || out == NULL || cap == 0)
		return -1;
	while (is_space(*t))
		t++;
	len = strlen(t);
	while (len > 0 && is_space(t[len - 1]))
		len--;
	if ((len == 0 && code == DESK_R_OTHER) || !audit_text_ok(t, len) ||
	    code_points(t, len) > DESK_REASON_TEXT_CHARS)
		return -1;
	int w = len > 0 ? snprintf(out, cap, "%s: %.*s", reasons[code].name, (int)len, t)
			: snprintf(out, cap, "%s", reasons[code].name);
	if (w < 0 || (size_t)w >= cap) {
		explicit_bzero(out, cap);
		return -1;
	}
	return 0;
}

int desk_reason_parse(const char *reason, desk_reason *code, char *text_out, size_t cap)
{
	*code = DESK_R_OTHER;
	if (text_out != NULL && cap > 0)
		text_out[0] = '\0';
	if (reason == NULL)
		return -1;
	for (int r = 0; r < DESK_R_COUNT; r++) {
		size_t nl = strlen(reasons[r].name);
		if (strncmp(reason, reasons[r].name, nl) != 0)
			continue;
		const char *rest = reason + nl;
		if (rest[0] == '\0') {
			*code = (desk_reason)r;
			return 0;
		}
		if (rest[0] != ':' || rest[1] != ' ' || rest[2] == '\0')
			continue;
		rest += 2;
		*code = (desk_reason)r;
		if (text_out != NULL && cap > 0) {
			size_t n = strlen(rest);
			if (n >= cap) {
				n = cap - 1;
				while (n > 0 && ((unsigned char)rest[n] & 0xC0) == 0x80)
					n--;
			}
			memcpy(text_out, rest, n);
			text_out[n] = '\0';
		}
		return 0;
	}
	return -1;
}

/* ---- actions ----------------------------------------------------------------------------- */

/* The id of request TICKET inside the open transaction: QUEUE_OK and *ID
 * (and *STATE, may be NULL), QUEUE_ERR_NOT_FOUND, or an error. */
static queue_err find(queue *q, const char *ticket, int64_t *id, rstate *state)
{
	sqlite3_stmt *st;
	queue_err err = QUEUE_OK;
	int rc = store_prepare(q, "SELECT id, state FROM requests WHERE ticket = ?1", &st);

	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 1, ticket, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		if (state && !col_state(st, 1, state))
			err = QUEUE_ERR_IO;
	} else {
		err = rc == SQLITE_DONE ? QUEUE_ERR_NOT_FOUND : store_read_err(rc);
	}
	sqlite3_finalize(st);
	return err;
}

/* Finish a write: commit when ERR is QUEUE_OK, else abandon. */
static queue_err finish(queue *q, queue_err err)
{
	if (err == QUEUE_OK)
		return store_commit(q); /* abandons by itself on failure */
	store_abandon(q);
	return err;
}

queue_err desk_move(queue *q, const char *ticket, rstate to, rrole role, const char *actor,
		    const char *reason, const char *audit_detail, int64_t now, rstate *stored)
{
	char detail[AUDIT_DETAIL_MAX + 64];
	rstate_event ev;
	audit_rec rec;
	desk_reason code = DESK_R_OTHER;
	rstate before;
	queue_err err;
	size_t rlen = reason ? strnlen(reason, RSTATE_REASON_MAX) : 0;

	if (stored == NULL || ticket == NULL || !store_ticket_ok(ticket) || !actor_ok(actor) || now < 0 ||
	    rlen >= RSTATE_REASON_MAX || !detail_ok(audit_detail) || (unsigned)*stored >= RSTATE_COUNT ||
	    (unsigned)to >= RSTATE_COUNT || (unsigned)role >= RROLE_COUNT)
		return QUEUE_ERR_INVALID;
	if (to == RSTATE_REJECTED) {
		char some[8]; /* only whether there is any text */
		if (reason == NULL || desk_reason_parse(reason, &code, some, sizeof some) != 0 ||
		    (code == DESK_R_OTHER && some[0] == '\0'))
			return QUEUE_ERR_INVALID;
	}

	memset(&ev, 0, sizeof ev);
	ev.from = *stored;
	ev.to = to;
	ev.role = role;
	memcpy(ev.actor, actor, strlen(actor));
	ev.at = now;
	if (rlen > 0)
		memcpy(ev.reason, reason, rlen);

	/* Only states, document kinds and the reason's category: never the
	 * officer's free text (it may name someone). */
	int w = snprintf(detail, sizeof detail, "%s->%s%s%s%s%s", rstate_name(ev.from), rstate_name(to),
			 audit_detail && audit_detail[0] ? " " : "", audit_detail ? audit_detail : "",
			 to == RSTATE_REJECTED ? " reason=" : "", to == RSTATE_REJECTED ? reasons[code].name : "");
	if (w < 0 || (size_t)w >= AUDIT_DETAIL_MAX ||
	    audit_rec_fill(&rec, now, actor, rrole_name(role), "request_move", ticket, detail) != QUEUE_OK)
		return QUEUE_ERR_INVALID;

	err = store_begin(q);
	if (err)
		return err;
	err = store_append_event_locked(q, ticket, &ev, true, &before);
	if (err == QUEUE_ERR_STATE)
		*stored = before;
	if (err == QUEUE_OK)
		err = audit_append_locked(q, &rec);
	err = finish(q, err);
	if (err == QUEUE_OK)
		*stored = to;
	explicit_bzero(&ev, sizeof ev);
	return err;
}

/* SERIAL: 1-63 of 0-9 A-F (the central service's serials, upper-case hex). */
static bool serial_ok(const char *s)
{
	size_t n = s ? strnlen(s, 64) : 0;
	return n > 0 && n < 64 && strspn(s, "0123456789ABCDEF") == n;
}

queue_err desk_request_revocation(queue *q, const char *ticket, const char *serial, const char *actor,
				  int64_t now)
{
	char detail[AUDIT_DETAIL_MAX];
	sqlite3_stmt *st = NULL;
	audit_rec rec;
	char *body = NULL;
	int64_t id;
	rstate state;
	queue_err err;
	int rc;

	if (ticket == NULL || !store_ticket_ok(ticket) || !serial_ok(serial) || !actor_ok(actor) || now < 0)
		return QUEUE_ERR_INVALID;
	snprintf(detail, sizeof detail, "serial=%s", serial);
	if (audit_rec_fill(&rec, now, actor, "officer", "revocation_request", ticket, detail) != QUEUE_OK)
		return QUEUE_ERR_INVALID;
	/* The protocol's body (docs/sync-protocol.md, POST /v1/revocations). */
	reqjson_init();
	json_t *o = json_pack("{s:i,s:s,s:s,s:s,s:s,s:I}", "v", 1, "ticket", ticket, "serial", serial, "reason",
			      "identity_changed", "actor", actor, "at", (json_int_t)now);
	body = o ? json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
	json_decref(o);
	if (body == NULL)
		return QUEUE_ERR_NOMEM;

	err = store_begin(q);
	if (err)
		goto out;
	err = find(q, ticket, &id, &state);
	if (err == QUEUE_OK && state != RSTATE_REVOCATION_REQUIRED)
		err = QUEUE_ERR_STATE;
	if (err == QUEUE_OK) {
		/* One revocation at a time: a second one would only be refused
		 * (the certificate is revoked, or the first is still on its way). */
		rc = store_prepare(q,
			     "SELECT count(*) FROM outbox WHERE ticket = ?1 AND ticket <> ''"
			     " AND kind = 'revocation' AND state NOT IN ('done', 'discarded')",
			     &st);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_text(st, 1, ticket, -1, SQLITE_STATIC);
		if (rc == SQLITE_OK)
			rc = sqlite3_step(st);
		if (rc != SQLITE_ROW)
			err = store_read_err(rc);
		else if (sqlite3_column_int64(st, 0) > 0)
			err = QUEUE_ERR_STATE;
		sqlite3_finalize(st);
	}
	if (err == QUEUE_OK)
		err = store_outbox_add_locked(q, QUEUE_KIND_REVOCATION, ticket, body, strlen(body), NULL);
	if (err == QUEUE_OK)
		err = audit_append_locked(q, &rec);
	err = finish(q, err);
out:
	explicit_bzero(body, strlen(body));
	free(body);
	return err;
}

queue_err desk_conflict_seen(queue *q, const char *ticket, const char *actor, int64_t now)
{
	char detail[32];
	sqlite3_stmt *st = NULL;
	audit_rec rec;
	int64_t id, seen = 0;
	queue_err err;
	int rc;

	if (ticket == NULL || !store_ticket_ok(ticket) || !actor_ok(actor) || now < 0)
		return QUEUE_ERR_INVALID;
	err = store_begin(q);
	if (err)
		return err;
	err = find(q, ticket, &id, NULL);
	if (err == QUEUE_OK) {
		rc = store_prepare(q,
			     "UPDATE conflicts SET seen_by = ?2, seen_at = ?3"
			     " WHERE request_id = ?1 AND seen_at IS NULL",
			     &st);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_int64(st, 1, id);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_text(st, 2, actor, -1, SQLITE_STATIC);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_int64(st, 3, now);
		if (rc == SQLITE_OK)
			rc = sqlite3_step(st);
		if (rc == SQLITE_DONE)
			seen = sqlite3_changes(store_db(q));
		else
			err = store_map_write(rc);
		sqlite3_finalize(st);
	}
	if (err == QUEUE_OK && seen == 0) {
		store_abandon(q); /* nothing unseen: nothing to record */
		return QUEUE_OK;
	}
	if (err == QUEUE_OK) {
		snprintf(detail, sizeof detail, "n=%lld", (long long)seen);
		err = audit_rec_fill(&rec, now, actor, "officer", "conflict_seen", ticket, detail);
	}
	if (err == QUEUE_OK)
		err = audit_append_locked(q, &rec);
	return finish(q, err);
}

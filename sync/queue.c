/*
 * queue: the SQLite request store and outbox (see queue.h for the
 * contracts).
 *
 * One connection per handle, its statements prepared once at open
 * (SQLITE_PREPARE_PERSISTENT) and reset right after each use. Strings are
 * bound SQLITE_STATIC, so SQLite makes no copy of a citizen's data for a
 * binding. Every write is a BEGIN IMMEDIATE transaction: the write lock is
 * taken (or QUEUE_ERR_BUSY given) before anything is changed, and any
 * failure after it ends in ROLLBACK, which is also what SQLite does itself
 * after SQLITE_FULL, SQLITE_IOERR or SQLITE_NOMEM. SQLite result codes are
 * mapped to queue_err right where they arrive (map_rc); its error messages,
 * which may quote values, never leave this file.
 */
#include "queue.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "reqjson.h"

/* ---- schema ------------------------------------------------------------------ */

/*
 * Migration N (0-based) takes a file from user_version N to N + 1. Append
 * new versions; never edit a published one. STRICT tables (SQLite 3.37,
 * Debian 12 has 3.40) refuse values of the wrong type.
 *
 * requests.payload is the request as submitted (reqjson); requests.state is
 * the current state and wins over the payload's. updated_at is the time of
 * the latest event. events is append-only: its history is evidence. The
 * ticket's UNIQUE constraint is the index for lookups by ticket. outbox.seq
 * (AUTOINCREMENT: never reused, even after deletes) is the local order of
 * sending; ref_id points to requests.id for kind 'request' and to events.id
 * for kind 'event'.
 */
static const char *const migrations[] = {
	/* 1 */
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
	"CREATE INDEX notifications_by_request ON notifications (request_id, id);",
};

#define N_MIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))
_Static_assert(N_MIGRATIONS == QUEUE_SCHEMA_VERSION, "one migration per schema version");

/* ---- statements ---------------------------------------------------------------- */

enum stmt_id {
	ST_BEGIN_WRITE,
	ST_BEGIN_READ,
	ST_COMMIT,
	ST_REQ_INSERT,
	ST_EVENT_INSERT,
	ST_OUTBOX_INSERT,
	ST_REQ_FIND,
	ST_REQ_STATE,
	ST_REQ_SET_STATE,
	ST_EVENTS,
	ST_NOTES,
	ST_NOTE_INSERT,
	ST_OUTBOX_COUNT_ALL,
	ST_OUTBOX_COUNT,
	ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
	[ST_BEGIN_WRITE] = "BEGIN IMMEDIATE",
	[ST_BEGIN_READ] = "BEGIN",
	[ST_COMMIT] = "COMMIT",
	[ST_REQ_INSERT] = "INSERT INTO requests (ticket, resubmit_of, kiosk_id, state, nik_last4,"
			  " payload, submitted_at, deadline_at, target_at, deadline_uncovered,"
			  " updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	[ST_EVENT_INSERT] = "INSERT INTO events (request_id, from_state, to_state, role, actor, at,"
			    " reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	/* The idempotency key is drawn here, inside the transaction that
	 * stores the record: a key exists exactly when its record does.
	 * randomblob() reads SQLite's generator, seeded from /dev/urandom. */
	[ST_OUTBOX_INSERT] = "INSERT INTO outbox (idem_key, kind, ref_id, payload, next_attempt_at)"
			     " VALUES (lower(hex(randomblob(16))), ?1, ?2, ?3, ?4)",
	[ST_REQ_FIND] = "SELECT id, nik_last4, state, payload, deadline_at, target_at,"
			" deadline_uncovered FROM requests WHERE ticket = ?1",
	[ST_REQ_STATE] = "SELECT id, state FROM requests WHERE ticket = ?1",
	[ST_REQ_SET_STATE] = "UPDATE requests SET state = ?2, updated_at = ?3 WHERE id = ?1",
	[ST_EVENTS] = "SELECT from_state, to_state, role, actor, at, reason FROM"
		      " (SELECT * FROM events WHERE request_id = ?1 ORDER BY id DESC LIMIT ?2)"
		      " ORDER BY id",
	[ST_NOTES] = "SELECT channel, kind, at, text FROM"
		     " (SELECT * FROM notifications WHERE request_id = ?1 ORDER BY id DESC LIMIT ?2)"
		     " ORDER BY id",
	[ST_NOTE_INSERT] = "INSERT INTO notifications (request_id, channel, kind, at, text)"
			   " SELECT id, ?2, ?3, ?4, ?5 FROM requests WHERE ticket = ?1",
	[ST_OUTBOX_COUNT_ALL] = "SELECT count(*) FROM outbox",
	[ST_OUTBOX_COUNT] = "SELECT count(*) FROM outbox WHERE state = ?1",
};

struct queue {
	sqlite3 *db;
	sqlite3_stmt *st[ST_COUNT];
};

/* ---- errors ---------------------------------------------------------------------- */

static const char *const err_names[] = {
	[QUEUE_OK] = "ok",
	[QUEUE_ERR_NOMEM] = "out of memory",
	[QUEUE_ERR_IO] = "storage error",
	[QUEUE_ERR_BUSY] = "database busy",
	[QUEUE_ERR_FULL] = "storage full",
	[QUEUE_ERR_VERSION] = "database from a newer version",
	[QUEUE_ERR_DUP_TICKET] = "ticket already used",
	[QUEUE_ERR_NOT_FOUND] = "not found",
	[QUEUE_ERR_STATE] = "transition not allowed",
	[QUEUE_ERR_INVALID] = "invalid argument",
};

const char *queue_err_name(queue_err e)
{
	if ((unsigned)e < sizeof err_names / sizeof err_names[0] && err_names[e])
		return err_names[e];
	return "unknown queue error";
}

/* An SQLite result code (extended or primary) as a queue_err. */
static queue_err map_rc(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return QUEUE_OK;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return QUEUE_ERR_BUSY;
	case SQLITE_FULL:
		return QUEUE_ERR_FULL;
	case SQLITE_NOMEM:
		return QUEUE_ERR_NOMEM;
	case SQLITE_CONSTRAINT:
		return QUEUE_ERR_INVALID;
	default: /* IOERR, CORRUPT, NOTADB, CANTOPEN, READONLY, PROTOCOL, ... */
		return QUEUE_ERR_IO;
	}
}

static queue_err map_reqjson(reqjson_err e)
{
	if (e == REQJSON_OK)
		return QUEUE_OK;
	return e == REQJSON_OK ? QUEUE_OK : e == REQJSON_ERR_NOMEM ? QUEUE_ERR_NOMEM : QUEUE_ERR_INVALID;
}

/* ---- small helpers -------------------------------------------------------------- */

/* BUF (CAP bytes) holds a NUL. */
static bool terminated(const char *buf, size_t cap)
{
	return memchr(buf, '\0', cap) != NULL;
}

/* T is a ticket exactly as ticket_parse() writes it. */
static bool ticket_ok(const char *t)
{
	char canon[TICKET_TEXT_MAX];
	return strnlen(t, TICKET_TEXT_MAX) < TICKET_TEXT_MAX && ticket_parse(t, canon) == TICKET_OK &&
	       strcmp(canon, t) == 0;
}

static bool digits_ok(const char *s, size_t n)
{
	if (strnlen(s, n + 1) != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
	}
	return true;
}

/* The 4 bytes at A and B are equal; every byte is looked at whatever the
 * answer, so the time taken does not say how many digits were right. */
static bool last4_equal(const char *a, const char *b)
{
	unsigned diff = 0;
	for (int i = 0; i < 4; i++)
		diff |= (unsigned)((unsigned char)a[i] ^ (unsigned char)b[i]);
	return diff == 0;
}

/*
 * Bind ST's parameters 1, 2, ... from FMT: 't' a string (const char *;
 * NULL binds SQL NULL), 'i' an int64_t. Strings are bound SQLITE_STATIC:
 * they must stay valid until ST is reset, which every caller does right
 * after stepping.
 */
static int bind(sqlite3_stmt *st, const char *fmt, ...)
{
	va_list ap;
	int rc = SQLITE_OK;

	va_start(ap, fmt);
	for (int i = 0; fmt[i] != '\0' && rc == SQLITE_OK; i++) {
		if (fmt[i] == 't') {
			const char *s = va_arg(ap, const char *);
			rc = s ? sqlite3_bind_text(st, i + 1, s, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i + 1);
		} else {
			rc = sqlite3_bind_int64(st, i + 1, va_arg(ap, int64_t));
		}
	}
	va_end(ap);
	return rc;
}

/* Forget ST's current row and bindings (no pointer into our buffers stays). */
static void done(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

/* Step a statement that returns no row, then reset it; the step's code. */
static int run(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	done(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Reset every statement, roll back any open transaction. Safe at any point. */
static void abandon(queue *q)
{
	for (int i = 0; i < ST_COUNT; i++) {
		if (q->st[i])
			done(q->st[i]);
	}
	if (!sqlite3_get_autocommit(q->db))
		sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Copy the text column COL of ST into BUF (CAP bytes, zero after the NUL).
 * False when it is not text, holds a NUL, or does not fit. */
static bool col_text(sqlite3_stmt *st, int col, char *buf, size_t cap)
{
	if (sqlite3_column_type(st, col) != SQLITE_TEXT)
		return false;
	const char *s = (const char *)sqlite3_column_text(st, col);
	int n = sqlite3_column_bytes(st, col);
	if (s == NULL || n < 0 || (size_t)n >= cap || memchr(s, '\0', (size_t)n) != NULL)
		return false;
	memcpy(buf, s, (size_t)n);
	memset(buf + n, 0, cap - (size_t)n);
	return true;
}

static bool col_state(sqlite3_stmt *st, int col, rstate *out)
{
	char name[40];
	return col_text(st, col, name, sizeof name) && rstate_parse(name, out) == 0;
}

/* One integer from a statement (a PRAGMA) run outside the prepared set. */
static int query_int(sqlite3 *db, const char *sql, int64_t *out)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			*out = sqlite3_column_int64(st, 0);
			rc = SQLITE_OK;
		} else if (rc == SQLITE_DONE) {
			rc = SQLITE_ERROR;
		}
	}
	sqlite3_finalize(st);
	return rc;
}

/* One text from a statement (a PRAGMA) into BUF of CAP bytes. */
static int query_text(sqlite3 *db, const char *sql, char *buf, size_t cap)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			rc = col_text(st, 0, buf, cap) ? SQLITE_OK : SQLITE_MISMATCH;
		else if (rc == SQLITE_DONE)
			rc = SQLITE_ERROR;
	}
	sqlite3_finalize(st);
	return rc;
}

/* ---- open, migrate, close ------------------------------------------------------- */

/* Bring the schema to the newest version, in one transaction. */
static queue_err migrate(queue *q)
{
	char sql[64];
	int64_t v;
	int rc;

	rc = sqlite3_exec(q->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		goto fail;
	/* Another kiosk process may have migrated since we looked. */
	rc = query_int(q->db, "PRAGMA user_version", &v);
	if (rc != SQLITE_OK)
		goto fail;
	if (v > N_MIGRATIONS) {
		sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
		return QUEUE_ERR_VERSION;
	}
	for (; v < N_MIGRATIONS; v++) {
		rc = sqlite3_exec(q->db, migrations[v], NULL, NULL, NULL);
		if (rc != SQLITE_OK)
			goto fail;
		snprintf(sql, sizeof sql, "PRAGMA user_version = %d", (int)v + 1);
		rc = sqlite3_exec(q->db, sql, NULL, NULL, NULL);
		if (rc != SQLITE_OK)
			goto fail;
	}
	rc = sqlite3_exec(q->db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		goto fail;
	return QUEUE_OK;

fail:
	if (!sqlite3_get_autocommit(q->db))
		sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
	/* A migration that breaks a constraint is a broken file, not a bad argument. */
	return map_rc(rc) == QUEUE_ERR_INVALID ? QUEUE_ERR_IO : map_rc(rc);
}

queue_err queue_open(queue **out, const char *path, const queue_opts *opts)
{
	queue_opts o = {0};
	queue *q = NULL;
	queue_err err;
	char mode[16];
	char sql[64];
	int64_t version;
	int rc;

	*out = NULL;
	if (opts)
		o = *opts;
	if (o.busy_timeout_ms < 0 || o.max_page_count < 0)
		return QUEUE_ERR_INVALID;
	if (o.busy_timeout_ms == 0)
		o.busy_timeout_ms = QUEUE_BUSY_TIMEOUT_DEFAULT_MS;

	q = calloc(1, sizeof *q);
	if (q == NULL)
		return QUEUE_ERR_NOMEM;
	rc = sqlite3_open_v2(path, &q->db,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX |
				     SQLITE_OPEN_EXRESCODE,
			     NULL);
	if (rc != SQLITE_OK)
		goto fail_rc;
	/* Hardening: no writable_schema tricks, no SQL functions run from the
	 * schema with side effects. Neither can fail on a fresh connection. */
	sqlite3_db_config(q->db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
	sqlite3_db_config(q->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL);
	rc = sqlite3_busy_timeout(q->db, o.busy_timeout_ms);
	if (rc != SQLITE_OK)
		goto fail_rc;

	/* Refuse a newer schema before changing anything in the file (even
	 * its journal mode). This read is also where a non-database fails. */
	rc = query_int(q->db, "PRAGMA user_version", &version);
	if (rc != SQLITE_OK)
		goto fail_rc;
	if (version > N_MIGRATIONS) {
		err = QUEUE_ERR_VERSION;
		goto fail;
	}

	/* WAL: a commit appends to the log and fsyncs it once (synchronous=FULL),
	 * and readers never block the writer. The mode is stored in the file;
	 * check it was really taken (it is not, e.g., on a read-only medium). */
	rc = query_text(q->db, "PRAGMA journal_mode = WAL", mode, sizeof mode);
	if (rc != SQLITE_OK)
		goto fail_rc;
	if (strcmp(mode, "wal") != 0) {
		err = QUEUE_ERR_IO;
		goto fail;
	}
	/* secure_delete: freed pages are overwritten with zeros, so a removed
	 * request does not linger in the file (UU 27/2022: keep no longer
	 * than needed). */
	rc = sqlite3_exec(q->db,
			  "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;"
			  " PRAGMA secure_delete = ON;",
			  NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		goto fail_rc;
	if (o.manual_checkpoint) {
		rc = sqlite3_exec(q->db, "PRAGMA wal_autocheckpoint = 0", NULL, NULL, NULL);
		if (rc != SQLITE_OK)
			goto fail_rc;
	}
	if (o.max_page_count > 0) {
		snprintf(sql, sizeof sql, "PRAGMA max_page_count = %lld", (long long)o.max_page_count);
		rc = sqlite3_exec(q->db, sql, NULL, NULL, NULL);
		if (rc != SQLITE_OK)
			goto fail_rc;
	}

	if (version < N_MIGRATIONS) {
		err = migrate(q);
		if (err)
			goto fail;
	}

	for (int i = 0; i < ST_COUNT; i++) {
		rc = sqlite3_prepare_v3(q->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &q->st[i], NULL);
		if (rc != SQLITE_OK)
			goto fail_rc;
	}
	*out = q;
	return QUEUE_OK;

fail_rc:
	err = map_rc(rc);
	if (err == QUEUE_OK || err == QUEUE_ERR_INVALID)
		err = QUEUE_ERR_IO;
fail:
	queue_close(&q);
	return err;
}

void queue_close(queue **q)
{
	if (*q == NULL)
		return;
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize((*q)->st[i]);
	sqlite3_close_v2((*q)->db);
	free(*q);
	*q = NULL;
}

/* ---- writes --------------------------------------------------------------------- */

static queue_err submit_check(const req *r, const rstate_event *first)
{
	if (!ticket_ok(r->ticket) || r->state != RSTATE_QUEUED || r->submitted_at <= 0)
		return QUEUE_ERR_INVALID;
	if (!terminated(r->resubmit_of, sizeof r->resubmit_of) ||
	    (r->resubmit_of[0] != '\0' && !ticket_ok(r->resubmit_of)))
		return QUEUE_ERR_INVALID;
	if (!terminated(r->kiosk_id, sizeof r->kiosk_id) || r->kiosk_id[0] == '\0')
		return QUEUE_ERR_INVALID;
	if (!digits_ok(r->f[REQ_F_NIK].current, 16))
		return QUEUE_ERR_INVALID;
	if (first->from != RSTATE_DRAFT || first->to != RSTATE_QUEUED || first->at < 0 ||
	    !terminated(first->actor, sizeof first->actor) || first->actor[0] == '\0' ||
	    !terminated(first->reason, sizeof first->reason) ||
	    rstate_check(first->from, first->to, first->role, first->reason) != RSTATE_OK)
		return QUEUE_ERR_INVALID;
	return QUEUE_OK;
}

/* Insert EV as an event of request REQUEST_ID; *EVENT_ID gets its id. */
static int insert_event(queue *q, int64_t request_id, const rstate_event *ev, int64_t *event_id)
{
	sqlite3_stmt *st = q->st[ST_EVENT_INSERT];
	int rc = bind(st, "ittttit", request_id, rstate_name(ev->from), rstate_name(ev->to),
		      rrole_name(ev->role), ev->actor, ev->at, ev->reason);
	if (rc != SQLITE_OK) {
		done(st);
		return rc;
	}
	rc = run(st);
	if (rc == SQLITE_OK)
		*event_id = sqlite3_last_insert_rowid(q->db);
	return rc;
}

/* Add an outbox entry of KIND for record REF_ID, due at DUE. */
static int insert_outbox(queue *q, const char *kind, int64_t ref_id, const char *payload, int64_t due)
{
	sqlite3_stmt *st = q->st[ST_OUTBOX_INSERT];
	int rc = bind(st, "titi", kind, ref_id, payload, due);
	if (rc != SQLITE_OK) {
		done(st);
		return rc;
	}
	return run(st);
}

queue_err queue_hold_write_lock(queue *q, bool hold)
{
	bool held = !sqlite3_get_autocommit(q->db);
	if (held == hold)
		return QUEUE_ERR_INVALID;
	int rc = sqlite3_exec(q->db, hold ? "BEGIN IMMEDIATE" : "ROLLBACK", NULL, NULL, NULL);
	return rc == SQLITE_OK ? QUEUE_OK : map_rc(rc);
}

queue_err queue_checkpoint(queue *q)
{
	int rc = sqlite3_wal_checkpoint_v2(q->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	return rc == SQLITE_OK ? QUEUE_OK : map_rc(rc);
}

queue_err queue_submit(queue *q, const req *r, const rstate_event *first, int64_t deadline_at,
		       int64_t target_at, bool deadline_uncovered)
{
	sqlite3_stmt *st = q->st[ST_REQ_INSERT];
	char *payload = NULL;
	const char *nik = r->f[REQ_F_NIK].current;
	int64_t request_id, event_id;
	queue_err err;
	int rc;

	err = submit_check(r, first);
	if (err)
		return err;
	/* Encode before taking the write lock: the lock is held for SQL only. */
	err = map_reqjson(reqjson_encode(r, &payload));
	if (err)
		return err;

	rc = run(q->st[ST_BEGIN_WRITE]);
	if (rc != SQLITE_OK)
		goto fail_rc;

	rc = bind(st, "ttttttiiiii", r->ticket, r->resubmit_of[0] ? r->resubmit_of : NULL, r->kiosk_id,
		  rstate_name(r->state), nik + 12, payload, r->submitted_at, deadline_at, target_at,
		  (int64_t)deadline_uncovered, first->at);
	if (rc == SQLITE_OK)
		rc = run(st);
	if (rc != SQLITE_OK) {
		/* The ticket is the only UNIQUE column of requests. */
		err = rc == SQLITE_CONSTRAINT_UNIQUE ? QUEUE_ERR_DUP_TICKET : map_rc(rc);
		goto fail;
	}
	request_id = sqlite3_last_insert_rowid(q->db);

	rc = insert_event(q, request_id, first, &event_id);
	if (rc != SQLITE_OK)
		goto fail_rc;
	rc = insert_outbox(q, "request", request_id, payload, r->submitted_at);
	if (rc != SQLITE_OK)
		goto fail_rc;
	rc = run(q->st[ST_COMMIT]);
	if (rc != SQLITE_OK)
		goto fail_rc;
	reqjson_free(&payload);
	return QUEUE_OK;

fail_rc:
	err = map_rc(rc);
fail:
	abandon(q);
	reqjson_free(&payload);
	return err;
}

queue_err queue_append_event(queue *q, const char *ticket, const rstate_event *ev, bool to_outbox)
{
	char *payload = NULL;
	sqlite3_stmt *st;
	int64_t request_id, event_id;
	rstate stored;
	queue_err err;
	int rc;

	if (!ticket_ok(ticket) || !terminated(ev->actor, sizeof ev->actor) || ev->actor[0] == '\0' ||
	    !terminated(ev->reason, sizeof ev->reason) || ev->at < 0)
		return QUEUE_ERR_INVALID;
	if (rstate_check(ev->from, ev->to, ev->role, ev->reason) != RSTATE_OK)
		return QUEUE_ERR_STATE;
	if (to_outbox) {
		err = map_reqjson(reqjson_encode_event(ticket, ev, &payload));
		if (err)
			return err;
	}

	rc = run(q->st[ST_BEGIN_WRITE]);
	if (rc != SQLITE_OK)
		goto fail_rc;
	st = q->st[ST_REQ_STATE];
	rc = bind(st, "t", ticket);
	if (rc != SQLITE_OK)
		goto fail_rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		err = QUEUE_ERR_NOT_FOUND;
		goto fail;
	}
	if (rc != SQLITE_ROW)
		goto fail_rc;
	request_id = sqlite3_column_int64(st, 0);
	if (!col_state(st, 1, &stored)) {
		err = QUEUE_ERR_IO;
		goto fail;
	}
	done(st);
	if (stored != ev->from) {
		err = QUEUE_ERR_STATE;
		goto fail;
	}

	rc = insert_event(q, request_id, ev, &event_id);
	if (rc != SQLITE_OK)
		goto fail_rc;
	st = q->st[ST_REQ_SET_STATE];
	rc = bind(st, "iti", request_id, rstate_name(ev->to), ev->at);
	if (rc == SQLITE_OK)
		rc = run(st);
	if (rc != SQLITE_OK)
		goto fail_rc;
	if (to_outbox) {
		rc = insert_outbox(q, "event", event_id, payload, ev->at);
		if (rc != SQLITE_OK)
			goto fail_rc;
	}
	rc = run(q->st[ST_COMMIT]);
	if (rc != SQLITE_OK)
		goto fail_rc;
	reqjson_free(&payload);
	return QUEUE_OK;

fail_rc:
	err = map_rc(rc);
fail:
	abandon(q);
	reqjson_free(&payload);
	return err;
}

queue_err queue_add_note(queue *q, const char *ticket, const queue_note *n)
{
	sqlite3_stmt *st = q->st[ST_NOTE_INSERT];
	int rc;

	if (!ticket_ok(ticket) || !terminated(n->channel, sizeof n->channel) ||
	    !terminated(n->kind, sizeof n->kind) || !terminated(n->text, sizeof n->text) ||
	    n->kind[0] == '\0' || n->at < 0)
		return QUEUE_ERR_INVALID;
	if (strcmp(n->channel, "email") != 0 && strcmp(n->channel, "sms") != 0 &&
	    strcmp(n->channel, "kiosk") != 0)
		return QUEUE_ERR_INVALID;
	/* One statement: atomic on its own, no explicit transaction needed. */
	rc = bind(st, "tttit", ticket, n->channel, n->kind, n->at, n->text);
	if (rc == SQLITE_OK)
		rc = run(st);
	else
		done(st);
	if (rc != SQLITE_OK)
		return map_rc(rc);
	return sqlite3_changes(q->db) == 0 ? QUEUE_ERR_NOT_FOUND : QUEUE_OK;
}

/* ---- reads ---------------------------------------------------------------------- */

/* Read the newest events and notes of request ID into OUT. */
static queue_err read_history(queue *q, int64_t id, queue_status *out)
{
	sqlite3_stmt *st = q->st[ST_EVENTS];
	int rc = bind(st, "ii", id, (int64_t)QUEUE_EVENTS_MAX);

	if (rc != SQLITE_OK)
		return map_rc(rc);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		rstate_event *ev = &out->events[out->n_events];
		char role[40];
		if (out->n_events >= QUEUE_EVENTS_MAX || !col_state(st, 0, &ev->from) ||
		    !col_state(st, 1, &ev->to) || !col_text(st, 2, role, sizeof role) ||
		    rrole_parse(role, &ev->role) != 0 || !col_text(st, 3, ev->actor, sizeof ev->actor) ||
		    !col_text(st, 5, ev->reason, sizeof ev->reason))
			return QUEUE_ERR_IO;
		ev->at = sqlite3_column_int64(st, 4);
		out->n_events++;
	}
	if (rc != SQLITE_DONE)
		return map_rc(rc) ? map_rc(rc) : QUEUE_ERR_IO;
	done(st);

	st = q->st[ST_NOTES];
	rc = bind(st, "ii", id, (int64_t)QUEUE_NOTES_MAX);
	if (rc != SQLITE_OK)
		return map_rc(rc);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		queue_note *n = &out->notes[out->n_notes];
		if (out->n_notes >= QUEUE_NOTES_MAX || !col_text(st, 0, n->channel, sizeof n->channel) ||
		    !col_text(st, 1, n->kind, sizeof n->kind) || !col_text(st, 3, n->text, sizeof n->text))
			return QUEUE_ERR_IO;
		n->at = sqlite3_column_int64(st, 2);
		out->n_notes++;
	}
	if (rc != SQLITE_DONE)
		return map_rc(rc) ? map_rc(rc) : QUEUE_ERR_IO;
	done(st);
	return QUEUE_OK;
}

queue_err queue_lookup(queue *q, const char *ticket, const char *nik_last4, queue_status *out)
{
	/* Compared when the ticket is unknown, so both answers take the same path. */
	static const char no_digits[4] = {'\xff', '\xff', '\xff', '\xff'};
	sqlite3_stmt *st = q->st[ST_REQ_FIND];
	char stored[5] = {0};
	char why[REQJSON_WHY_MAX];
	const char *payload;
	bool found, match;
	int len;
	int64_t id;
	queue_err err;
	int rc;

	queue_status_wipe(out);
	if (!ticket_ok(ticket) || !digits_ok(nik_last4, 4))
		return QUEUE_ERR_NOT_FOUND;

	/* One read transaction: request, events and notes from one snapshot. */
	rc = run(q->st[ST_BEGIN_READ]);
	if (rc != SQLITE_OK)
		goto fail_rc;
	rc = bind(st, "t", ticket);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		goto fail_rc;
	found = rc == SQLITE_ROW && col_text(st, 1, stored, sizeof stored) && strlen(stored) == 4;
	match = last4_equal(found ? stored : no_digits, nik_last4);
	explicit_bzero(stored, sizeof stored);
	if (!(found & match)) {
		err = QUEUE_ERR_NOT_FOUND;
		goto fail;
	}

	id = sqlite3_column_int64(st, 0);
	payload = (const char *)sqlite3_column_text(st, 3);
	len = sqlite3_column_bytes(st, 3);
	if (payload == NULL || len < 0 ||
	    reqjson_decode(payload, (size_t)len, &out->r, why, sizeof why) != REQJSON_OK ||
	    !col_state(st, 2, &out->r.state)) {
		/* why names a part of the stored JSON, never a value; there is no
		 * logger in sync/ yet, so it only helps under a debugger. */
		err = QUEUE_ERR_IO;
		goto fail;
	}
	out->deadline_at = sqlite3_column_int64(st, 4);
	out->target_at = sqlite3_column_int64(st, 5);
	out->deadline_uncovered = sqlite3_column_int64(st, 6) != 0;
	done(st);

	err = read_history(q, id, out);
	if (err)
		goto fail;
	rc = run(q->st[ST_COMMIT]);
	if (rc != SQLITE_OK)
		goto fail_rc;
	return QUEUE_OK;

fail_rc:
	err = map_rc(rc) ? map_rc(rc) : QUEUE_ERR_IO;
fail:
	abandon(q);
	queue_status_wipe(out);
	return err;
}

queue_err queue_outbox_count(queue *q, const char *state, int64_t *out)
{
	sqlite3_stmt *st;
	int rc;

	if (state == NULL) {
		st = q->st[ST_OUTBOX_COUNT_ALL];
		rc = SQLITE_OK;
	} else {
		if (strcmp(state, "pending") != 0 && strcmp(state, "in_flight") != 0 &&
		    strcmp(state, "done") != 0 && strcmp(state, "dead") != 0)
			return QUEUE_ERR_INVALID;
		st = q->st[ST_OUTBOX_COUNT];
		rc = bind(st, "t", state);
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	done(st);
	if (rc != SQLITE_ROW)
		return map_rc(rc) ? map_rc(rc) : QUEUE_ERR_IO;
	return QUEUE_OK;
}

queue_err queue_get_info(queue *q, queue_info *out)
{
	int64_t v[7];
	int rc;

	memset(out, 0, sizeof *out);
	rc = query_text(q->db, "PRAGMA journal_mode", out->journal_mode, sizeof out->journal_mode);
	if (rc == SQLITE_OK)
		rc = query_int(q->db, "PRAGMA synchronous", &v[0]);
	if (rc == SQLITE_OK)
		rc = query_int(q->db, "PRAGMA foreign_keys", &v[1]);
	if (rc == SQLITE_OK)
		rc = query_int(q->db, "PRAGMA user_version", &v[2]);
	if (rc == SQLITE_OK)
		rc = query_int(q->db, "PRAGMA busy_timeout", &v[3]);
	if (rc == SQLITE_OK)
		rc = query_int(q->db, "PRAGMA page_size", &v[4]);
	if (rc == SQLITE_OK)
		rc = query_int(q->db, "PRAGMA page_count", &v[5]);
	if (rc == SQLITE_OK)
		rc = query_int(q->db, "PRAGMA max_page_count", &v[6]);
	if (rc != SQLITE_OK) {
		memset(out, 0, sizeof *out);
		return map_rc(rc) ? map_rc(rc) : QUEUE_ERR_IO;
	}
	out->synchronous = (int)v[0];
	out->foreign_keys = v[1] != 0;
	out->user_version = (int)v[2];
	out->busy_timeout_ms = (int)v[3];
	out->page_size = v[4];
	out->page_count = v[5];
	out->max_page_count = v[6];
	return QUEUE_OK;
}

void queue_status_wipe(queue_status *s)
{
	explicit_bzero(s, sizeof *s);
}

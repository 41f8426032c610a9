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
#include <time.h>

#include <sqlite3.h>

#include "reqjson.h"
#include "val.h"
#include "store.h"

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
 *
 * Version 2 (the sync engine): SQLite cannot change a CHECK, so outbox is
 * rebuilt (the usual create, copy, drop, rename) with the new kinds,
 * next_attempt_at in epoch milliseconds, the entry's ticket (so neither the
 * engine nor retention joins through events), the last HTTP status and
 * updated_at (epoch ms of the last change of state). seq values are copied
 * as they are and sqlite_sequence's high-water mark moves to the new table,
 * so no seq is ever handed out twice. A request entry's payload is ''
 * (in version 1 it was a copy of requests.payload): the claim reads the
 * request's own row, so a submit writes the JSON once and the outbox rows
 * that claim and settle rewrite stay small. A done entry's payload is ''
 * (a CHECK): the central service has it, and retention then has no copy
 * to chase. outbox_next indexes only pending and in_flight entries (a
 * small fraction once the kiosk has run a while), so the next batch,
 * recovery and the counts the engine shows are O(batch), not O(rows);
 * outbox_dead does the same for dead letters. marks holds the sync
 * bookkeeping; requests.purged_at says retention removed the personal
 * data (NULL: not yet), and requests_unpurged finds the candidates.
 * Nothing in migration 2 can refuse a row version 1 wrote, so the upgrade
 * cannot leave a kiosk unable to open its store.
 */
/*
 * Version 3 (staff mode): the outbox is rebuilt once more, as in version
 * 2, for the new kind complaint_note (an officer's response, escalation or
 * resolution of a complaint); seq values and the high-water mark carry
 * over. New tables:
 *   staff            accounts: numeric code, name, role, argon2id PIN hash
 *                    (libsodium's encoded string), disabled_at (never deleted:
 *                    audit entries name the code).
 *   audit            the hash-chained log of staff actions and unlock attempts
 *                    (sync/audit.h); audit_head holds the newest entry's seq
 *                    and hash, written in the same transaction, so a removed
 *                    tail is noticed.
 *   complaints, complaint_notes   citizens' complaints and what staff did
 *                    about them (sync/complaint.h).
 *   conflicts        a central decision that overrode the local state of a
 *                    request (central wins); seen_by/seen_at once an officer
 *                    acknowledged it.
 * The PIN pad's lockout counters live in marks.
 */
#define MIGRATION_3 \
	"CREATE TABLE outbox_v3 (" \
	" seq INTEGER PRIMARY KEY AUTOINCREMENT," \
	" idem_key TEXT UNIQUE NOT NULL CHECK (length(idem_key) = 32)," \
	" kind TEXT NOT NULL" \
	"  CHECK (kind IN ('request', 'event', 'complaint', 'survey', 'revocation', 'complaint_note'))," \
	" ref_id INTEGER CHECK ((ref_id IS NOT NULL) = (kind IN ('request', 'event')))," \
	" ticket TEXT NOT NULL DEFAULT ''," \
	" payload TEXT NOT NULL," \
	" attempts INTEGER NOT NULL DEFAULT 0," \
	" next_attempt_at INTEGER NOT NULL DEFAULT 0," \
	" last_error TEXT," \
	" http_status INTEGER," \
	" state TEXT NOT NULL DEFAULT 'pending'" \
	"  CHECK (state IN ('pending', 'in_flight', 'done', 'dead'))," \
	" updated_at INTEGER," \
	" CHECK (state <> 'done' OR payload = '')" \
	") STRICT;" \
	"INSERT INTO outbox_v3 SELECT seq, idem_key, kind, ref_id, ticket, payload, attempts," \
	" next_attempt_at, last_error, http_status, state, updated_at FROM outbox ORDER BY seq;" \
	"DELETE FROM sqlite_sequence WHERE name = 'outbox_v3';" \
	"INSERT INTO sqlite_sequence (name, seq)" \
	" SELECT 'outbox_v3', seq FROM sqlite_sequence WHERE name = 'outbox';" \
	"DROP TABLE outbox;" \
	"ALTER TABLE outbox_v3 RENAME TO outbox;" \
	"CREATE INDEX outbox_next ON outbox (state, seq) WHERE state IN ('pending', 'in_flight');" \
	"CREATE INDEX outbox_dead ON outbox (seq) WHERE state = 'dead';" \
	"CREATE INDEX outbox_by_ticket ON outbox (ticket, seq) WHERE ticket <> '';" \
	"CREATE TABLE staff (" \
	" code TEXT PRIMARY KEY CHECK (length(code) BETWEEN 4 AND 8 AND code NOT GLOB '*[^0-9]*')," \
	" name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 64)," \
	" role TEXT NOT NULL CHECK (role IN ('officer', 'supervisor', 'technician'))," \
	" pin_hash TEXT NOT NULL," \
	" created_at INTEGER NOT NULL," \
	" disabled_at INTEGER" \
	") STRICT;" \
	"CREATE TABLE audit (" \
	" seq INTEGER PRIMARY KEY," \
	" at INTEGER NOT NULL," \
	" actor TEXT NOT NULL," \
	" role TEXT NOT NULL," \
	" action TEXT NOT NULL," \
	" target TEXT NOT NULL DEFAULT ''," \
	" detail TEXT NOT NULL DEFAULT ''," \
	" prev_hash TEXT NOT NULL," \
	" hash TEXT NOT NULL" \
	") STRICT;" \
	"CREATE TABLE audit_head (" \
	" one INTEGER PRIMARY KEY CHECK (one = 1)," \
	" seq INTEGER NOT NULL," \
	" hash TEXT NOT NULL" \
	") STRICT;" \
	"CREATE TABLE complaints (" \
	" id INTEGER PRIMARY KEY," \
	" number TEXT UNIQUE NOT NULL," \
	" kiosk_id TEXT NOT NULL," \
	" category TEXT NOT NULL," \
	" text TEXT NOT NULL," \
	" ticket TEXT NOT NULL DEFAULT ''," \
	" contact TEXT NOT NULL DEFAULT ''," \
	" state TEXT NOT NULL CHECK (state IN ('open', 'responded', 'escalated', 'resolved'))," \
	" created_at INTEGER NOT NULL," \
	" escalated_at INTEGER," \
	" resolved_at INTEGER," \
	" updated_at INTEGER NOT NULL," \
	" purged_at INTEGER" \
	") STRICT;" \
	"CREATE INDEX complaints_by_state ON complaints (state, created_at);" \
	"CREATE TABLE complaint_notes (" \
	" id INTEGER PRIMARY KEY," \
	" complaint_id INTEGER NOT NULL REFERENCES complaints(id)," \
	" kind TEXT NOT NULL CHECK (kind IN ('response', 'escalation', 'resolution'))," \
	" role TEXT NOT NULL," \
	" actor TEXT NOT NULL," \
	" at INTEGER NOT NULL," \
	" text TEXT NOT NULL" \
	") STRICT;" \
	"CREATE INDEX complaint_notes_by_complaint ON complaint_notes (complaint_id, id);" \
	"CREATE TABLE conflicts (" \
	" id INTEGER PRIMARY KEY," \
	" request_id INTEGER NOT NULL REFERENCES requests(id)," \
	" local_state TEXT NOT NULL," \
	" central_from TEXT NOT NULL," \
	" central_to TEXT NOT NULL," \
	" central_role TEXT NOT NULL," \
	" central_actor TEXT NOT NULL," \
	" at INTEGER NOT NULL," \
	" seen_by TEXT," \
	" seen_at INTEGER" \
	") STRICT;" \
	"CREATE INDEX conflicts_unseen ON conflicts (request_id) WHERE seen_at IS NULL;" \
	"CREATE INDEX requests_by_state ON requests (state, submitted_at);"

/*
 * Version 5 (the technician's discard, issue 7): a dead letter the
 * technician gives up on for good (the central service refused it and
 * the applicant was told to come back) becomes 'discarded': never claimed
 * again, holding nothing back, its payload emptied like a done entry's
 * (a CHECK), its attempts, status and technician's reason kept as the
 * record of what happened. SQLite cannot change a CHECK, so outbox is
 * rebuilt exactly as in version 3, with every column, every row as it was,
 * sqlite_sequence's high-water mark and the three indexes it had after
 * version 4 (outbox_next, outbox_dead, outbox_by_ticket; version 4 added
 * none to outbox). No row of version 4 can break the new CHECKs: they only
 * allow more.
 */
#define MIGRATION_5 \
	"CREATE TABLE outbox_v5 (" \
	" seq INTEGER PRIMARY KEY AUTOINCREMENT," \
	" idem_key TEXT UNIQUE NOT NULL CHECK (length(idem_key) = 32)," \
	" kind TEXT NOT NULL" \
	"  CHECK (kind IN ('request', 'event', 'complaint', 'survey', 'revocation', 'complaint_note'))," \
	" ref_id INTEGER CHECK ((ref_id IS NOT NULL) = (kind IN ('request', 'event')))," \
	" ticket TEXT NOT NULL DEFAULT ''," \
	" payload TEXT NOT NULL," \
	" attempts INTEGER NOT NULL DEFAULT 0," \
	" next_attempt_at INTEGER NOT NULL DEFAULT 0," \
	" last_error TEXT," \
	" http_status INTEGER," \
	" state TEXT NOT NULL DEFAULT 'pending'" \
	"  CHECK (state IN ('pending', 'in_flight', 'done', 'dead', 'discarded'))," \
	" updated_at INTEGER," \
	" CHECK (state NOT IN ('done', 'discarded') OR payload = '')" \
	") STRICT;" \
	"INSERT INTO outbox_v5 SELECT seq, idem_key, kind, ref_id, ticket, payload, attempts," \
	" next_attempt_at, last_error, http_status, state, updated_at FROM outbox ORDER BY seq;" \
	"DELETE FROM sqlite_sequence WHERE name = 'outbox_v5';" \
	"INSERT INTO sqlite_sequence (name, seq)" \
	" SELECT 'outbox_v5', seq FROM sqlite_sequence WHERE name = 'outbox';" \
	"DROP TABLE outbox;" \
	"ALTER TABLE outbox_v5 RENAME TO outbox;" \
	"CREATE INDEX outbox_next ON outbox (state, seq) WHERE state IN ('pending', 'in_flight');" \
	"CREATE INDEX outbox_dead ON outbox (seq) WHERE state = 'dead';" \
	"CREATE INDEX outbox_by_ticket ON outbox (ticket, seq) WHERE ticket <> '';"

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

	/* 2 */
	"CREATE TABLE outbox_v2 ("
	" seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	" idem_key TEXT UNIQUE NOT NULL CHECK (length(idem_key) = 32),"
	" kind TEXT NOT NULL"
	"  CHECK (kind IN ('request', 'event', 'complaint', 'survey', 'revocation')),"
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
	"INSERT INTO outbox_v2 (seq, idem_key, kind, ref_id, ticket, payload, attempts,"
	" next_attempt_at, last_error, state)"
	" SELECT o.seq, o.idem_key, o.kind, o.ref_id,"
	"  coalesce(CASE o.kind WHEN 'request' THEN (SELECT r.ticket FROM requests r WHERE r.id = o.ref_id)"
	"   ELSE (SELECT r.ticket FROM events e JOIN requests r ON r.id = e.request_id"
	"    WHERE e.id = o.ref_id) END, ''),"
	"  CASE WHEN o.state = 'done' OR o.kind = 'request' THEN '' ELSE o.payload END,"
	"  o.attempts, o.next_attempt_at * 1000, o.last_error, o.state"
	" FROM outbox o ORDER BY o.seq;"
	/* The high-water mark, not max(seq): a seq once used stays used. */
	"DELETE FROM sqlite_sequence WHERE name = 'outbox_v2';"
	"INSERT INTO sqlite_sequence (name, seq)"
	" SELECT 'outbox_v2', seq FROM sqlite_sequence WHERE name = 'outbox';"
	"DROP TABLE outbox;" /* also its sqlite_sequence row and outbox_due */
	"ALTER TABLE outbox_v2 RENAME TO outbox;" /* renames the sqlite_sequence row too */
	"CREATE INDEX outbox_next ON outbox (state, seq) WHERE state IN ('pending', 'in_flight');"
	"CREATE INDEX outbox_dead ON outbox (seq) WHERE state = 'dead';"
	"CREATE TABLE marks (name TEXT PRIMARY KEY, value INTEGER NOT NULL) STRICT;"
	"ALTER TABLE requests ADD COLUMN purged_at INTEGER;"
	"CREATE INDEX requests_unpurged ON requests (updated_at) WHERE purged_at IS NULL;",

	/* 3 (staff mode, issue 6) */
	MIGRATION_3,

	/* 4: indexes for the officer's desk at tens of thousands of requests
	 * (tests/bench_desk): the work queue's order as an expression index
	 * (desk.c's DONE_FLAG ordering, spelled the same), so a page reads a
	 * page and no temporary sort; events by target state, so the quarterly
	 * figures find the closings, rejections and revocations directly. */
	"CREATE INDEX requests_desk_order ON requests ((state IN ('rejected', 'closed')),"
	" (CASE WHEN (state IN ('rejected', 'closed')) THEN -submitted_at ELSE deadline_at END),"
	" (CASE WHEN (state IN ('rejected', 'closed')) THEN -id ELSE submitted_at END), id);"
	"CREATE INDEX events_by_to_state ON events (to_state, request_id, at);",

	/* 5 (the technician's discard, issue 7) */
	MIGRATION_5,
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
	ST_COUNT_ALL,
	ST_COUNT_PENDING,
	ST_COUNT_IN_FLIGHT,
	ST_COUNT_DONE,
	ST_COUNT_DEAD,
	ST_COUNT_DISCARDED,
	ST_CLAIM_SCAN,
	ST_CLAIM_MARK,
	ST_SETTLE_DONE,
	ST_SETTLE_RETRY,
	ST_SETTLE_DEAD,
	ST_SETTLE_UNSENT,
	ST_RECOVER,
	ST_DEAD_LIST,
	ST_REVIVE_ALL,
	ST_REVIVE_ONE,
	ST_DISCARD_ALL,
	ST_DISCARD_ONE,
	ST_MARK_GET,
	ST_MARK_SET,
	ST_PURGE_FIND,
	ST_REQ_PAYLOAD,
	ST_PURGE_REQ,
	ST_PURGE_NOTES,
	ST_COUNT
};

/*
 * The outbox queries name their partial index (INDEXED BY): without
 * statistics the planner may prefer walking the whole table in seq order,
 * which at a million done rows costs tens of milliseconds per batch. The
 * clause also makes prepare fail, loudly, if the index could not serve the
 * query. outbox_next's queries repeat its WHERE term (state IN (...)) so
 * that SQLite can prove the index usable.
 */
#define NEXT_INDEX "outbox INDEXED BY outbox_next"
#define NEXT_WHERE " WHERE state IN ('pending', 'in_flight')"
#define IN_NEXT NEXT_INDEX NEXT_WHERE

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
	[ST_OUTBOX_INSERT] = "INSERT INTO outbox (idem_key, kind, ref_id, ticket, payload, next_attempt_at,"
			     " updated_at) VALUES (lower(hex(randomblob(16))), ?1, ?2, ?3, ?4, 0, ?5)",
	[ST_REQ_FIND] = "SELECT id, nik_last4, state, payload, deadline_at, target_at,"
			" deadline_uncovered, purged_at IS NOT NULL FROM requests WHERE ticket = ?1",
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
	/* done, discarded and all walk the table (diagnostics only); the others
	 * the small partial indexes, so the engine can show them after each batch. */
	[ST_COUNT_ALL] = "SELECT count(*) FROM outbox",
	[ST_COUNT_PENDING] = "SELECT count(*) FROM " IN_NEXT " AND state = 'pending'",
	[ST_COUNT_IN_FLIGHT] = "SELECT count(*) FROM " IN_NEXT " AND state = 'in_flight'",
	[ST_COUNT_DONE] = "SELECT count(*) FROM outbox WHERE state = 'done'",
	[ST_COUNT_DEAD] = "SELECT count(*) FROM outbox INDEXED BY outbox_dead WHERE state = 'dead'",
	[ST_COUNT_DISCARDED] = "SELECT count(*) FROM outbox WHERE state = 'discarded'",
	/* A request entry sends requests.payload: the bytes stored at submit
	 * (retention only rewrites them once every entry is done). */
	[ST_CLAIM_SCAN] =
		"SELECT o.seq, o.kind, o.idem_key, o.ticket, o.attempts,"
		" CASE o.kind WHEN 'request' THEN r.payload ELSE o.payload END, o.next_attempt_at"
		" FROM outbox o INDEXED BY outbox_next"
		" LEFT JOIN requests r ON o.kind = 'request' AND r.id = o.ref_id"
		" WHERE o.state IN ('pending', 'in_flight') AND o.state = 'pending' ORDER BY o.seq LIMIT ?1",
	/* The claimed entries are exactly the pending ones up to the last
	 * claimed seq (the scan took them in order from the first): one
	 * statement marks them all. */
	[ST_CLAIM_MARK] = "UPDATE " NEXT_INDEX " SET state = 'in_flight', updated_at = ?2" NEXT_WHERE
			  " AND state = 'pending' AND seq <= ?1",
	/* Each settle touches only an in_flight entry and says what it was
	 * (no row: the seq was not in flight). */
	[ST_SETTLE_DONE] = "UPDATE outbox SET state = 'done', payload = '', last_error = NULLIF(?4, ''),"
			   " http_status = ?2, updated_at = ?3 WHERE seq = ?1 AND state = 'in_flight'"
			   " RETURNING kind, ticket",
	[ST_SETTLE_RETRY] = "UPDATE outbox SET state = 'pending', attempts = attempts + 1,"
			    " next_attempt_at = ?2, last_error = ?3, http_status = ?4, updated_at = ?5"
			    " WHERE seq = ?1 AND state = 'in_flight' RETURNING kind, ticket",
	[ST_SETTLE_DEAD] = "UPDATE outbox SET state = 'dead', attempts = attempts + 1, last_error = ?2,"
			   " http_status = ?3, updated_at = ?4 WHERE seq = ?1 AND state = 'in_flight'"
			   " RETURNING kind, ticket",
	[ST_SETTLE_UNSENT] = "UPDATE outbox SET state = 'pending', updated_at = ?2"
			     " WHERE seq = ?1 AND state = 'in_flight' RETURNING kind, ticket",
	[ST_RECOVER] = "UPDATE " NEXT_INDEX " SET state = 'pending', updated_at = ?1" NEXT_WHERE
		       " AND state = 'in_flight'",
	[ST_DEAD_LIST] = "SELECT seq, kind, ticket, attempts, last_error FROM outbox INDEXED BY outbox_dead"
			 " WHERE state = 'dead' ORDER BY seq LIMIT ?1",
	[ST_REVIVE_ALL] = "UPDATE outbox INDEXED BY outbox_dead SET state = 'pending', next_attempt_at = 0,"
			  " updated_at = ?1 WHERE state = 'dead'",
	[ST_REVIVE_ONE] = "UPDATE outbox SET state = 'pending', next_attempt_at = 0, updated_at = ?2"
			  " WHERE seq = ?1 AND state = 'dead'",
	/* Numbered as the revive statements, the technician's reason last:
	 * dead_letters_update() binds either pair the same way. */
	[ST_DISCARD_ALL] = "UPDATE outbox INDEXED BY outbox_dead SET state = 'discarded', payload = '',"
			   " updated_at = ?1, last_error = ?2 WHERE state = 'dead'",
	[ST_DISCARD_ONE] = "UPDATE outbox SET state = 'discarded', payload = '', updated_at = ?2,"
			   " last_error = ?3 WHERE seq = ?1 AND state = 'dead'",
	[ST_MARK_GET] = "SELECT value FROM marks WHERE name = ?1",
	[ST_MARK_SET] = "INSERT INTO marks (name, value) VALUES (?1, ?2)"
			" ON CONFLICT (name) DO UPDATE SET value = excluded.value",
	/* A request whose request or event entry is not done yet keeps its
	 * data: the entry may still need it (a dead one may be revived). A
	 * discarded entry never will: it holds nothing back, as a done one. */
	[ST_PURGE_FIND] = "SELECT id FROM requests INDEXED BY requests_unpurged"
			  " WHERE purged_at IS NULL AND state = 'closed' AND updated_at <= ?1"
			  " AND ticket NOT IN (SELECT ticket FROM " IN_NEXT ")"
			  " AND ticket NOT IN (SELECT ticket FROM outbox INDEXED BY outbox_dead"
			  "  WHERE state = 'dead')"
			  " ORDER BY updated_at",
	[ST_REQ_PAYLOAD] = "SELECT payload FROM requests WHERE id = ?1",
	[ST_PURGE_REQ] = "UPDATE requests SET payload = ?2, purged_at = ?3 WHERE id = ?1",
	[ST_PURGE_NOTES] = "UPDATE notifications SET text = '' WHERE request_id = ?1 AND text <> ''",
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
 * NULL binds SQL NULL), 'n' a string of known length (const char *, then
 * size_t; need not be NUL-terminated), 'i' an int64_t. Strings are bound
 * SQLITE_STATIC: they must stay valid until ST is reset, which every caller
 * does right after stepping.
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
		} else if (fmt[i] == 'n') {
			const char *s = va_arg(ap, const char *);
			size_t len = va_arg(ap, size_t);
			rc = sqlite3_bind_text64(st, i + 1, s, len, SQLITE_STATIC, SQLITE_UTF8);
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

bool store_col_text(sqlite3_stmt *st, int col, char *buf, size_t cap)
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
	return store_col_text(st, col, name, sizeof name) && rstate_parse(name, out) == 0;
}

void store_col_text_cut(sqlite3_stmt *st, int col, char *buf, size_t cap)
{
	const char *s = (const char *)sqlite3_column_text(st, col);
	size_t n = s ? strnlen(s, (size_t)sqlite3_column_bytes(st, col)) : 0;
	if (n >= cap) {
		n = cap - 1;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	if (n > 0)
		memcpy(buf, s, n);
	memset(buf + n, 0, cap - n);
}

static const char *const kind_names[QUEUE_KIND_COUNT] = {
	[QUEUE_KIND_REQUEST] = "request",
	[QUEUE_KIND_EVENT] = "event",
	[QUEUE_KIND_COMPLAINT] = "complaint",
	[QUEUE_KIND_SURVEY] = "survey",
	[QUEUE_KIND_REVOCATION] = "revocation",
	[QUEUE_KIND_COMPLAINT_NOTE] = "complaint_note",
};

const char *queue_kind_name(queue_kind k)
{
	return (unsigned)k < QUEUE_KIND_COUNT ? kind_names[k] : "?";
}

static bool col_kind(sqlite3_stmt *st, int col, queue_kind *out)
{
	char name[16];
	if (!store_col_text(st, col, name, sizeof name))
		return false;
	for (int k = 0; k < QUEUE_KIND_COUNT; k++) {
		if (strcmp(name, kind_names[k]) == 0) {
			*out = (queue_kind)k;
			return true;
		}
	}
	return false;
}

/* The wall clock in epoch milliseconds, for updated_at where the caller
 * passes no time (it is only shown to staff, never compared). */
static int64_t wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One integer from a statement (a PRAGMA) run outside the prepared set. */
int store_query_int(sqlite3 *db, const char *sql, int64_t *out)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			*out = sqlite3_column_int64(st, 0);
			rc = SQLITE_OK;
		} else if (rc == SQLITE_DONE) {
			rc = SQLITE_CORRUPT; /* a PRAGMA without its row */
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
			rc = store_col_text(st, 0, buf, cap) ? SQLITE_OK : SQLITE_MISMATCH;
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
	int64_t v = 0;
	int rc;

	rc = sqlite3_exec(q->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		goto fail;
	/* Another kiosk process may have migrated since we looked. */
	rc = store_query_int(q->db, "PRAGMA user_version", &v);
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
	int64_t version = 0;
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
	rc = store_query_int(q->db, "PRAGMA user_version", &version);
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

/* Add an outbox entry of KIND, due now, for record REF_ID (0: none) of the
 * request TICKET ("" for none), carrying PAYLOAD[0..LEN). */
static int insert_outbox(queue *q, queue_kind kind, int64_t ref_id, const char *ticket, const char *payload,
			 size_t len)
{
	sqlite3_stmt *st = q->st[ST_OUTBOX_INSERT];
	int rc = bind(st, "tttni", kind_names[kind], (const char *)NULL, ticket, payload, len, wall_ms());
	if (rc == SQLITE_OK && ref_id > 0)
		rc = sqlite3_bind_int64(st, 2, ref_id);
	if (rc != SQLITE_OK) {
		done(st);
		return rc;
	}
	return run(st);
}

/* Inside a write transaction: the id and stored state of the request with
 * TICKET. QUEUE_ERR_NOT_FOUND when there is none; QUEUE_ERR_IO for a state
 * this code cannot read. */
static queue_err find_request(queue *q, const char *ticket, int64_t *id, rstate *stored)
{
	sqlite3_stmt *st = q->st[ST_REQ_STATE];
	queue_err err = QUEUE_OK;
	int rc = bind(st, "t", ticket);

	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		if (!col_state(st, 1, stored))
			err = QUEUE_ERR_IO;
	} else if (rc == SQLITE_DONE) {
		err = QUEUE_ERR_NOT_FOUND;
	} else {
		err = map_rc(rc) ? map_rc(rc) : QUEUE_ERR_IO;
	}
	done(st);
	return err;
}

/*
 * Inside a write transaction: append EV (already checked against the stored
 * state and rstate_check()) to request ID with TICKET: the event row, the
 * request's state and updated_at, and, when PAYLOAD is not NULL (the event's
 * reqjson), an outbox entry of kind event. The one place a move is stored:
 * queue_append_event(), queue_outbox_settle() and queue_apply_changes()
 * all come here.
 */
static int append_locked(queue *q, int64_t id, const char *ticket, const rstate_event *ev,
			 const char *payload)
{
	sqlite3_stmt *st = q->st[ST_REQ_SET_STATE];
	int64_t event_id;
	int rc = insert_event(q, id, ev, &event_id);

	if (rc == SQLITE_OK) {
		rc = bind(st, "iti", id, rstate_name(ev->to), ev->at);
		if (rc == SQLITE_OK)
			rc = run(st);
		else
			done(st);
	}
	if (rc == SQLITE_OK && payload)
		rc = insert_outbox(q, QUEUE_KIND_EVENT, event_id, ticket, payload, strlen(payload));
	return rc;
}

/* EV's strings fit their arrays, its actor is not empty, its time not negative. */
static bool event_fields_ok(const rstate_event *ev)
{
	return terminated(ev->actor, sizeof ev->actor) && ev->actor[0] != '\0' &&
	       terminated(ev->reason, sizeof ev->reason) && ev->at >= 0;
}

/* N follows queue_add_note()'s rules. */
static bool note_ok(const queue_note *n)
{
	if (!terminated(n->channel, sizeof n->channel) || !terminated(n->kind, sizeof n->kind) ||
	    !terminated(n->text, sizeof n->text) || n->kind[0] == '\0' || n->at < 0)
		return false;
	return strcmp(n->channel, "email") == 0 || strcmp(n->channel, "sms") == 0 ||
	       strcmp(n->channel, "kiosk") == 0;
}

/* Store note N for the request with TICKET; *ADDED false when there is no
 * such request. One statement: atomic on its own. */
static int insert_note(queue *q, const char *ticket, const queue_note *n, bool *added)
{
	sqlite3_stmt *st = q->st[ST_NOTE_INSERT];
	int rc = bind(st, "tttit", ticket, n->channel, n->kind, n->at, n->text);

	if (rc == SQLITE_OK)
		rc = run(st);
	else
		done(st);
	*added = rc == SQLITE_OK && sqlite3_changes(q->db) > 0;
	return rc;
}

/* A failure inside a transaction whose arguments were all checked: a
 * constraint refusing it means the file is not what this code wrote. */
static queue_err map_write(int rc)
{
	queue_err e = map_rc(rc);
	return e == QUEUE_OK || e == QUEUE_ERR_INVALID ? QUEUE_ERR_IO : e;
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

/* ---- what sibling modules share (store.h) ------------------------------------- */

sqlite3 *store_db(queue *q) { return q->db; }
queue_err store_map(int rc) { return map_rc(rc); }
queue_err store_map_write(int rc) { return map_write(rc); }
int64_t store_wall_ms(void) { return wall_ms(); }
bool store_ticket_ok(const char *ticket) { return ticket_ok(ticket); }
void store_abandon(queue *q) { abandon(q); }

int store_prepare(queue *q, const char *sql, sqlite3_stmt **st)
{
	*st = NULL;
	return sqlite3_prepare_v3(q->db, sql, -1, 0, st, NULL);
}

queue_err store_read_err(int rc)
{
	queue_err e = map_rc(rc);
	return e == QUEUE_OK || e == QUEUE_ERR_INVALID ? QUEUE_ERR_IO : e;
}

queue_err store_read_begin(queue *q)
{
	int rc = sqlite3_exec(q->db, "BEGIN", NULL, NULL, NULL);
	return rc == SQLITE_OK ? QUEUE_OK : store_read_err(rc);
}

queue_err store_read_end(queue *q, queue_err err)
{
	if (err == QUEUE_OK) {
		int rc = sqlite3_exec(q->db, "COMMIT", NULL, NULL, NULL);
		if (rc != SQLITE_OK)
			err = store_read_err(rc);
	}
	if (!sqlite3_get_autocommit(q->db))
		sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
	return err;
}

queue_err store_begin(queue *q)
{
	int rc = run(q->st[ST_BEGIN_WRITE]);
	return rc == SQLITE_OK ? QUEUE_OK : map_rc(rc);
}

queue_err store_commit(queue *q)
{
	int rc = run(q->st[ST_COMMIT]);
	if (rc == SQLITE_OK)
		return QUEUE_OK;
	abandon(q);
	return map_rc(rc);
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
	rc = insert_outbox(q, QUEUE_KIND_REQUEST, request_id, r->ticket, "", 0);
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

queue_err store_append_event_locked(queue *q, const char *ticket, const rstate_event *ev,
				    bool to_outbox, rstate *from_stored)
{
	char *payload = NULL;
	int64_t request_id;
	rstate stored;
	queue_err err;
	int rc;

	if (!ticket_ok(ticket) || !event_fields_ok(ev))
		return QUEUE_ERR_INVALID;
	err = find_request(q, ticket, &request_id, &stored);
	if (err)
		return err;
	if (from_stored)
		*from_stored = stored;
	if (stored != ev->from || rstate_check(ev->from, ev->to, ev->role, ev->reason) != RSTATE_OK)
		return QUEUE_ERR_STATE;
	if (to_outbox) {
		err = map_reqjson(reqjson_encode_event(ticket, ev, &payload));
		if (err)
			return err;
	}
	rc = append_locked(q, request_id, ticket, ev, payload);
	reqjson_free(&payload);
	return rc == SQLITE_OK ? QUEUE_OK : map_write(rc);
}

queue_err queue_append_event(queue *q, const char *ticket, const rstate_event *ev, bool to_outbox)
{
	queue_err err;

	if (!ticket_ok(ticket) || !event_fields_ok(ev))
		return QUEUE_ERR_INVALID;
	if (rstate_check(ev->from, ev->to, ev->role, ev->reason) != RSTATE_OK)
		return QUEUE_ERR_STATE;
	err = store_begin(q);
	if (err)
		return err;
	err = store_append_event_locked(q, ticket, ev, to_outbox, NULL);
	if (err) {
		abandon(q);
		return err;
	}
	return store_commit(q);
}

queue_err queue_add_note(queue *q, const char *ticket, const queue_note *n)
{
	bool added;
	int rc;

	if (!ticket_ok(ticket) || !note_ok(n))
		return QUEUE_ERR_INVALID;
	rc = insert_note(q, ticket, n, &added);
	if (rc != SQLITE_OK)
		return map_rc(rc);
	return added ? QUEUE_OK : QUEUE_ERR_NOT_FOUND;
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
		    !col_state(st, 1, &ev->to) || !store_col_text(st, 2, role, sizeof role) ||
		    rrole_parse(role, &ev->role) != 0 || !store_col_text(st, 3, ev->actor, sizeof ev->actor) ||
		    !store_col_text(st, 5, ev->reason, sizeof ev->reason))
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
		if (out->n_notes >= QUEUE_NOTES_MAX || !store_col_text(st, 0, n->channel, sizeof n->channel) ||
		    !store_col_text(st, 1, n->kind, sizeof n->kind) || !store_col_text(st, 3, n->text, sizeof n->text))
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
	found = rc == SQLITE_ROW && store_col_text(st, 1, stored, sizeof stored) && strlen(stored) == 4;
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
	out->purged = sqlite3_column_int64(st, 7) != 0;
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
	static const struct {
		const char *name;
		enum stmt_id id;
	} by_state[] = {
		{"pending", ST_COUNT_PENDING},
		{"in_flight", ST_COUNT_IN_FLIGHT},
		{"done", ST_COUNT_DONE},
		{"dead", ST_COUNT_DEAD},
		{"discarded", ST_COUNT_DISCARDED},
	};
	sqlite3_stmt *st = NULL;
	int rc;

	if (state == NULL)
		st = q->st[ST_COUNT_ALL];
	for (size_t i = 0; st == NULL && i < sizeof by_state / sizeof by_state[0]; i++) {
		if (strcmp(state, by_state[i].name) == 0)
			st = q->st[by_state[i].id];
	}
	if (st == NULL)
		return QUEUE_ERR_INVALID;
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
	int64_t v[7] = {0};
	int rc;

	memset(out, 0, sizeof *out);
	rc = query_text(q->db, "PRAGMA journal_mode", out->journal_mode, sizeof out->journal_mode);
	if (rc == SQLITE_OK)
		rc = store_query_int(q->db, "PRAGMA synchronous", &v[0]);
	if (rc == SQLITE_OK)
		rc = store_query_int(q->db, "PRAGMA foreign_keys", &v[1]);
	if (rc == SQLITE_OK)
		rc = store_query_int(q->db, "PRAGMA user_version", &v[2]);
	if (rc == SQLITE_OK)
		rc = store_query_int(q->db, "PRAGMA busy_timeout", &v[3]);
	if (rc == SQLITE_OK)
		rc = store_query_int(q->db, "PRAGMA page_size", &v[4]);
	if (rc == SQLITE_OK)
		rc = store_query_int(q->db, "PRAGMA page_count", &v[5]);
	if (rc == SQLITE_OK)
		rc = store_query_int(q->db, "PRAGMA max_page_count", &v[6]);
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

/* ---- the outbox, as the sync engine drains it -------------------------------------- */

#define BATCH_MAX 256   /* entries of one claim or settle (queue.h) */
#define CHANGES_MAX 500 /* changes of one queue_apply_changes() page */
#define PAYLOAD_MAX 65536

static const char *const mark_names[QUEUE_MARK_COUNT] = {
	[QUEUE_MARK_CHANGES_CURSOR] = "changes_cursor",
	[QUEUE_MARK_LAST_SUCCESS] = "last_success",
};

void queue_entry_wipe(queue_entry *e)
{
	if (e->payload) {
		explicit_bzero(e->payload, e->payload_len);
		free(e->payload);
	}
	explicit_bzero(e, sizeof *e);
}

/* KIND may be added by queue_outbox_add(), PAYLOAD[0..LEN) follows its rules. */
static bool outbox_add_ok(queue_kind kind, const char *payload, size_t len)
{
	if (kind != QUEUE_KIND_COMPLAINT && kind != QUEUE_KIND_SURVEY && kind != QUEUE_KIND_REVOCATION &&
	    kind != QUEUE_KIND_COMPLAINT_NOTE)
		return false;
	return payload != NULL && len > 0 && len <= PAYLOAD_MAX &&
	       val_utf8_valid(payload, len);
}

queue_err queue_outbox_add(queue *q, queue_kind kind, const char *payload, size_t len, int64_t *seq)
{
	int rc;

	if (!outbox_add_ok(kind, payload, len))
		return QUEUE_ERR_INVALID;
	/* One statement is its own transaction, committed with synchronous=FULL. */
	rc = insert_outbox(q, kind, 0, "", payload, len);
	if (rc != SQLITE_OK)
		return map_write(rc);
	if (seq)
		*seq = sqlite3_last_insert_rowid(q->db);
	return QUEUE_OK;
}

queue_err store_outbox_add_locked(queue *q, queue_kind kind, const char *ticket, const char *payload,
				  size_t len, int64_t *seq)
{
	if (!outbox_add_ok(kind, payload, len) || ticket == NULL ||
	    (ticket[0] != '\0' && !ticket_ok(ticket)))
		return QUEUE_ERR_INVALID;
	int rc = insert_outbox(q, kind, 0, ticket, payload, len);
	if (rc != SQLITE_OK)
		return map_write(rc);
	if (seq)
		*seq = sqlite3_last_insert_rowid(q->db);
	return QUEUE_OK;
}

queue_err queue_outbox_recover(queue *q, int64_t *n)
{
	sqlite3_stmt *st = q->st[ST_RECOVER];
	int rc = bind(st, "i", wall_ms());

	if (rc == SQLITE_OK)
		rc = run(st);
	else
		done(st);
	if (rc != SQLITE_OK)
		return map_write(rc);
	if (n)
		*n = sqlite3_changes(q->db);
	return QUEUE_OK;
}

/* The claimed row ST holds, into E (zeroed before). */
static queue_err read_entry(sqlite3_stmt *st, queue_entry *e)
{
	const char *p;
	int len;

	e->seq = sqlite3_column_int64(st, 0);
	if (!col_kind(st, 1, &e->kind) || !store_col_text(st, 2, e->idem_key, sizeof e->idem_key) ||
	    strlen(e->idem_key) != QUEUE_IDEM_KEY_LEN || !store_col_text(st, 3, e->ticket, sizeof e->ticket))
		return QUEUE_ERR_IO;
	int64_t attempts = sqlite3_column_int64(st, 4);
	e->attempts = attempts > INT32_MAX ? INT32_MAX : (int)attempts;
	p = (const char *)sqlite3_column_text(st, 5);
	len = sqlite3_column_bytes(st, 5);
	if (p == NULL) /* a request entry whose request is gone, or no memory for the text */
		return sqlite3_column_type(st, 5) == SQLITE_TEXT ? QUEUE_ERR_NOMEM : QUEUE_ERR_IO;
	if (len < 0 || strnlen(p, (size_t)len) != (size_t)len)
		return QUEUE_ERR_IO;
	e->payload = malloc((size_t)len + 1);
	if (e->payload == NULL)
		return QUEUE_ERR_NOMEM;
	memcpy(e->payload, p, (size_t)len + 1);
	e->payload_len = (size_t)len;
	return QUEUE_OK;
}

/* Put this connection back to synchronous=FULL after a claim. Everything
 * else it writes must be durable on return, so a failure here is fatal to
 * the call that asked (it cannot realistically fail: a PRAGMA outside a
 * transaction). */
static int sync_full(queue *q)
{
	return sqlite3_exec(q->db, "PRAGMA synchronous = FULL", NULL, NULL, NULL);
}

/*
 * The claim's commit is not fsynced (synchronous=NORMAL for that one
 * transaction): losing it in a power cut leaves its entries pending, which
 * is exactly what queue_outbox_recover() would make of them anyway, and
 * WAL keeps commits in order, so the next durable commit of any connection
 * syncs it too. That halves the fsyncs of a batch (claim + settle).
 */
queue_err queue_outbox_claim(queue *q, int64_t now_ms, int max, queue_entry *out, int *n,
			     int64_t *wait_ms)
{
	sqlite3_stmt *st = q->st[ST_CLAIM_SCAN];
	queue_err err;
	int got = 0, rc;

	*n = 0;
	if (max < 1 || max > BATCH_MAX)
		return QUEUE_ERR_INVALID;
	memset(out, 0, sizeof *out * (size_t)max);
	if (now_ms < 0 || now_ms > INT64_MAX - QUEUE_RETRY_CLAMP_MS)
		return QUEUE_ERR_INVALID;
	*wait_ms = -1;

	rc = sqlite3_exec(q->db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return map_write(rc);
	rc = run(q->st[ST_BEGIN_WRITE]);
	if (rc != SQLITE_OK)
		goto fail_rc;
	rc = bind(st, "i", (int64_t)max);
	if (rc != SQLITE_OK)
		goto fail_rc;
	/* Read first, then mark: changing rows under an open scan of the index
	 * that orders them is asking for skipped or repeated rows. */
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t due = sqlite3_column_int64(st, 6);
		if (due > now_ms && due <= now_ms + QUEUE_RETRY_CLAMP_MS) {
			/* Not due: it holds back every entry after it. */
			if (got == 0)
				*wait_ms = due - now_ms;
			rc = SQLITE_DONE;
			break;
		}
		err = read_entry(st, &out[got]);
		got++;
		if (err)
			goto fail;
	}
	if (rc != SQLITE_DONE)
		goto fail_rc;
	done(st);
	if (got > 0) {
		sqlite3_stmt *mark = q->st[ST_CLAIM_MARK];
		rc = bind(mark, "ii", out[got - 1].seq, now_ms);
		if (rc == SQLITE_OK)
			rc = run(mark);
		else
			done(mark);
		if (rc == SQLITE_OK && sqlite3_changes(q->db) != got)
			rc = SQLITE_CORRUPT; /* cannot happen under the write lock */
		if (rc != SQLITE_OK)
			goto fail_rc;
	}
	rc = run(q->st[ST_COMMIT]);
	if (rc != SQLITE_OK)
		goto fail_rc;
	rc = sync_full(q);
	if (rc != SQLITE_OK) {
		err = map_write(rc);
		goto fail_wipe;
	}
	*n = got;
	if (got > 0)
		*wait_ms = 0;
	return QUEUE_OK;

fail_rc:
	err = map_write(rc);
fail:
	abandon(q);
	sync_full(q);
fail_wipe:
	for (int i = 0; i < got; i++)
		queue_entry_wipe(&out[i]);
	return err;
}

/* Inside a write transaction: the request TICKET of a done request entry
 * moves queued -> received, as the central service's answer says. */
static queue_err mark_received(queue *q, const char *ticket, int64_t at)
{
	rstate_event ev = {.from = RSTATE_QUEUED, .to = RSTATE_RECEIVED, .role = RROLE_CENTRAL, .at = at};
	int64_t id;
	rstate stored;
	queue_err err;

	snprintf(ev.actor, sizeof ev.actor, "central");
	err = find_request(q, ticket, &id, &stored);
	if (err)
		return err == QUEUE_ERR_NOT_FOUND ? QUEUE_ERR_IO : err; /* an entry without its request */
	if (stored != RSTATE_QUEUED) /* an officer here or the change feed came first */
		return QUEUE_OK;
	int rc = append_locked(q, id, ticket, &ev, NULL);
	return rc == SQLITE_OK ? QUEUE_OK : map_write(rc);
}

/* Inside a write transaction: the request TICKET of a done revocation entry
 * moves revocation_required -> revoked (the central service revoked the
 * certificate at BSrE). Nothing when it has moved on (an officer here or the
 * change feed came first), and nothing for a ticket this kiosk does not
 * hold: the entry is settled either way, and a settle that fails for good
 * would only make the engine resend a revocation that is already done. */
static queue_err mark_revoked(queue *q, const char *ticket, int64_t at)
{
	rstate_event ev = {.from = RSTATE_REVOCATION_REQUIRED, .to = RSTATE_REVOKED, .role = RROLE_CENTRAL,
			   .at = at};
	int64_t id;
	rstate stored;
	queue_err err;

	snprintf(ev.actor, sizeof ev.actor, "bsre");
	err = find_request(q, ticket, &id, &stored);
	if (err)
		return err == QUEUE_ERR_NOT_FOUND ? QUEUE_OK : err;
	if (stored != RSTATE_REVOCATION_REQUIRED)
		return QUEUE_OK;
	int rc = append_locked(q, id, ticket, &ev, NULL);
	return rc == SQLITE_OK ? QUEUE_OK : map_write(rc);
}

static bool result_ok(const queue_result *r)
{
	if (r->seq <= 0 || !terminated(r->reason, sizeof r->reason) || r->received_at < 0)
		return false;
	return r->outcome == QUEUE_OUT_DONE || r->outcome == QUEUE_OUT_RETRY ||
	       r->outcome == QUEUE_OUT_DEAD || r->outcome == QUEUE_OUT_UNSENT;
}

/* Settle the entry R->seq, inside a write transaction. QUEUE_ERR_STATE when
 * it is not in flight. */
static queue_err settle_one(queue *q, const queue_result *r, int64_t now_ms)
{
	char ticket[TICKET_TEXT_MAX];
	queue_kind kind = QUEUE_KIND_COUNT;
	sqlite3_stmt *st;
	queue_err err = QUEUE_OK;
	int rc;

	switch (r->outcome) {
	case QUEUE_OUT_DONE:
		st = q->st[ST_SETTLE_DONE];
		rc = bind(st, "iiit", r->seq, (int64_t)r->http_status, now_ms, r->reason);
		break;
	case QUEUE_OUT_RETRY:
		st = q->st[ST_SETTLE_RETRY];
		rc = bind(st, "iitii", r->seq, r->retry_at_ms, r->reason, (int64_t)r->http_status, now_ms);
		break;
	case QUEUE_OUT_DEAD:
		st = q->st[ST_SETTLE_DEAD];
		rc = bind(st, "itii", r->seq, r->reason, (int64_t)r->http_status, now_ms);
		break;
	default: /* QUEUE_OUT_UNSENT */
		st = q->st[ST_SETTLE_UNSENT];
		rc = bind(st, "ii", r->seq, now_ms);
		break;
	}
	/* 0 is "no answer came": stored as NULL, not as a status. */
	if (rc == SQLITE_OK && r->http_status == 0 && r->outcome != QUEUE_OUT_UNSENT)
		rc = sqlite3_bind_null(st, r->outcome == QUEUE_OUT_RETRY  ? 4
					   : r->outcome == QUEUE_OUT_DEAD ? 3
									  : 2);
	/* RETURNING: the whole UPDATE runs in this first step. */
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		err = QUEUE_ERR_STATE; /* never claimed, settled already, or no such entry */
	else if (rc != SQLITE_ROW)
		err = map_write(rc);
	else if (!col_kind(st, 0, &kind) || !store_col_text(st, 1, ticket, sizeof ticket))
		err = QUEUE_ERR_IO;
	done(st);
	if (err == QUEUE_OK && r->outcome == QUEUE_OUT_DONE && kind == QUEUE_KIND_REQUEST)
		err = mark_received(q, ticket, r->received_at > 0 ? r->received_at : now_ms / 1000);
	else if (err == QUEUE_OK && r->outcome == QUEUE_OUT_DONE && kind == QUEUE_KIND_REVOCATION &&
		 ticket[0] != '\0')
		err = mark_revoked(q, ticket, now_ms / 1000);
	return err;
}

queue_err queue_outbox_settle(queue *q, const queue_result *res, int n, int64_t now_ms)
{
	queue_err err = QUEUE_OK;
	int rc;

	if (res == NULL || n < 1 || n > BATCH_MAX || now_ms < 0)
		return QUEUE_ERR_INVALID;
	for (int i = 0; i < n; i++) {
		if (!result_ok(&res[i]))
			return QUEUE_ERR_INVALID;
	}

	rc = run(q->st[ST_BEGIN_WRITE]);
	if (rc != SQLITE_OK)
		return map_rc(rc);
	for (int i = 0; i < n && err == QUEUE_OK; i++)
		err = settle_one(q, &res[i], now_ms);
	if (err == QUEUE_OK) {
		rc = run(q->st[ST_COMMIT]);
		if (rc != SQLITE_OK)
			err = map_write(rc);
	}
	if (err)
		abandon(q);
	return err;
}

queue_err queue_outbox_dead(queue *q, queue_letter *out, int max, int *n)
{
	sqlite3_stmt *st = q->st[ST_DEAD_LIST];
	int got = 0, rc;

	*n = 0;
	if (max < 0 || (out == NULL && max > 0))
		return QUEUE_ERR_INVALID;
	if (max == 0)
		return QUEUE_OK;
	rc = bind(st, "i", (int64_t)max);
	while (rc == SQLITE_OK && got < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		queue_letter *l = &out[got];
		memset(l, 0, sizeof *l);
		l->seq = sqlite3_column_int64(st, 0);
		int64_t attempts = sqlite3_column_int64(st, 3);
		l->attempts = attempts > INT32_MAX ? INT32_MAX : (int)attempts;
		if (!col_kind(st, 1, &l->kind) || !store_col_text(st, 2, l->ticket, sizeof l->ticket)) {
			rc = SQLITE_CORRUPT;
			break;
		}
		store_col_text_cut(st, 4, l->reason, sizeof l->reason);
		got++;
		rc = SQLITE_OK;
	}
	if (rc == SQLITE_OK) /* MAX letters read: LIMIT ends the scan there */
		rc = SQLITE_DONE;
	done(st);
	if (rc != SQLITE_DONE) {
		memset(out, 0, sizeof *out * (size_t)max);
		return map_write(rc);
	}
	*n = got;
	return QUEUE_OK;
}

/*
 * The technician's move of dead letter SEQ (0: every dead letter) with the
 * statement pair ONE / ALL: the ALL statement takes ?1 the time and ?2
 * WHY, the ONE statement ?1 SEQ, ?2 the time and ?3 WHY; WHY NULL for a
 * pair without a reason. One statement, so one durable transaction.
 */
static queue_err dead_letters_update(queue *q, int64_t seq, enum stmt_id one, enum stmt_id all,
				     const char *why, int64_t *n)
{
	sqlite3_stmt *st = q->st[seq == 0 ? all : one];
	int rc;

	if (seq == 0)
		rc = bind(st, why ? "it" : "i", wall_ms(), why);
	else
		rc = bind(st, why ? "iit" : "ii", seq, wall_ms(), why);
	if (rc == SQLITE_OK)
		rc = run(st);
	else
		done(st);
	if (rc != SQLITE_OK)
		return map_write(rc);
	int64_t changed = sqlite3_changes(q->db);
	if (seq != 0 && changed == 0)
		return QUEUE_ERR_NOT_FOUND;
	if (n)
		*n = changed;
	return QUEUE_OK;
}

queue_err queue_outbox_revive(queue *q, int64_t seq, int64_t *n)
{
	if (seq < 0)
		return QUEUE_ERR_INVALID;
	return dead_letters_update(q, seq, ST_REVIVE_ONE, ST_REVIVE_ALL, NULL, n);
}

queue_err queue_outbox_discard(queue *q, int64_t seq, const char *why, int64_t *n)
{
	size_t len = why ? strnlen(why, QUEUE_REASON_MAX) : 0;

	if (seq < 0 || len == 0 || len >= QUEUE_REASON_MAX || !val_utf8_valid(why, len))
		return QUEUE_ERR_INVALID;
	return dead_letters_update(q, seq, ST_DISCARD_ONE, ST_DISCARD_ALL, why, n);
}

queue_err queue_mark_get(queue *q, queue_mark m, int64_t *out)
{
	sqlite3_stmt *st = q->st[ST_MARK_GET];
	int rc;

	if ((unsigned)m >= QUEUE_MARK_COUNT)
		return QUEUE_ERR_INVALID;
	rc = bind(st, "t", mark_names[m]);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else if (rc == SQLITE_DONE)
		*out = 0;
	done(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? QUEUE_OK : map_write(rc);
}

/* Store mark M = V (inside the caller's transaction, or as its own). */
static int mark_store(queue *q, queue_mark m, int64_t v)
{
	sqlite3_stmt *st = q->st[ST_MARK_SET];
	int rc = bind(st, "ti", mark_names[m], v);
	if (rc == SQLITE_OK)
		return run(st);
	done(st);
	return rc;
}

queue_err queue_mark_set(queue *q, queue_mark m, int64_t v)
{
	if ((unsigned)m >= QUEUE_MARK_COUNT)
		return QUEUE_ERR_INVALID;
	int rc = mark_store(q, m, v);
	return rc == SQLITE_OK ? QUEUE_OK : map_write(rc);
}

/*
 * Central decision wins (issue 6). The helpers below prepare their
 * statements per call: they run only when the feed disagrees with the
 * local history, which is rare, and they keep the handle's statement set
 * untouched.
 */

/* Prepare SQL on Q's connection, bind FMT's arguments as bind() does, step
 * once and finalize. *ROW (may be NULL) says whether a row came. */
static int exec_once(queue *q, const char *sql, bool *row, const char *fmt, ...)
{
	sqlite3_stmt *st = NULL;
	va_list ap;
	int rc = sqlite3_prepare_v3(q->db, sql, -1, 0, &st, NULL);

	va_start(ap, fmt);
	for (int i = 0; rc == SQLITE_OK && fmt[i] != '\0'; i++) {
		if (fmt[i] == 't')
			rc = sqlite3_bind_text(st, i + 1, va_arg(ap, const char *), -1, SQLITE_STATIC);
		else
			rc = sqlite3_bind_int64(st, i + 1, va_arg(ap, int64_t));
	}
	va_end(ap);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (row)
		*row = rc == SQLITE_ROW;
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		rc = SQLITE_OK;
	sqlite3_finalize(st);
	return rc;
}

/*
 * Whether request ID's history already reached TO (this kiosk made the same
 * move itself, or the feed brought it before). Any move into TO counts, not
 * only one from the same state: the state machine has no cycles, so a
 * state reached before is behind the request, and offline first gives
 * in_verification two ways in (an officer here verifies from queued while
 * the central desk verifies from received: the same decision, which must
 * not pull a request that moved on back to in_verification).
 */
static int history_reached(queue *q, int64_t id, rstate to, bool *has)
{
	return exec_once(q,
			 "SELECT 1 FROM events INDEXED BY events_by_request WHERE request_id = ?1"
			 " AND to_state = ?2 LIMIT 1",
			 has, "it", id, rstate_name(to));
}

/*
 * Inside apply_changes' transaction: the central event EV (passes
 * rstate_check(), but does not start where request ID stands: STORED)
 * overrides the local state. The event is stored as it came (its own from:
 * the history shows the break), the request takes its to, a conflicts row
 * tells the officer, and this ticket's event and revocation entries that
 * are pending or dead are settled as superseded: the central service would
 * only refuse them now (409). In-flight entries are left alone: their
 * answer settles them (apply runs between batches, so there are none).
 */
static queue_err override_locked(queue *q, int64_t id, const char *ticket, rstate stored,
				 const rstate_event *ev)
{
	int rc = append_locked(q, id, ticket, ev, NULL);

	if (rc == SQLITE_OK)
		rc = exec_once(q,
			       "INSERT INTO conflicts (request_id, local_state, central_from, central_to,"
			       " central_role, central_actor, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
			       NULL, "ittttti", id, rstate_name(stored), rstate_name(ev->from),
			       rstate_name(ev->to), rrole_name(ev->role), ev->actor, ev->at);
	if (rc == SQLITE_OK)
		rc = exec_once(q,
			       "UPDATE outbox SET state = 'done', payload = '',"
			       " last_error = 'superseded by central decision', http_status = NULL,"
			       " updated_at = ?2 WHERE ticket = ?1 AND ticket <> ''"
			       " AND kind IN ('event', 'revocation') AND state IN ('pending', 'dead')",
			       NULL, "ti", ticket, wall_ms());
	return rc == SQLITE_OK ? QUEUE_OK : map_write(rc);
}

/* Apply one change C inside apply_changes' transaction, counting it in ST. */
static queue_err apply_one(queue *q, const queue_change *c, queue_apply_stats *st)
{
	const rstate_event *ev = &c->ev;
	int64_t id;
	rstate stored;
	queue_err err;
	bool added, legal, seen = false;
	int rc;

	if (!terminated(c->ticket, sizeof c->ticket) || !ticket_ok(c->ticket)) {
		st->unknown++; /* no ticket this kiosk could hold */
		return QUEUE_OK;
	}
	if (c->type == QUEUE_CHANGE_NOTE) {
		if (!note_ok(&c->note)) {
			st->conflicts++;
			return QUEUE_OK;
		}
		rc = insert_note(q, c->ticket, &c->note, &added);
		if (rc != SQLITE_OK)
			return map_write(rc);
		if (added)
			st->applied++;
		else
			st->unknown++;
		return QUEUE_OK;
	}

	err = find_request(q, c->ticket, &id, &stored);
	if (err == QUEUE_ERR_NOT_FOUND) {
		st->unknown++;
		return QUEUE_OK;
	}
	if (err)
		return err;
	legal = event_fields_ok(ev) && rstate_check(ev->from, ev->to, ev->role, ev->reason) == RSTATE_OK;
	if (stored == ev->from && legal) {
		rc = append_locked(q, id, c->ticket, ev, NULL);
		if (rc != SQLITE_OK)
			return map_write(rc);
		st->applied++;
		return QUEUE_OK;
	}
	if (stored == ev->from) { /* where it should start, but the state machine refuses it */
		st->conflicts++;
		return QUEUE_OK;
	}
	/* A repeat: already where it leads, or been there before. */
	if (stored != ev->to) {
		rc = history_reached(q, id, ev->to, &seen);
		if (rc != SQLITE_OK)
			return map_write(rc);
	}
	if (stored == ev->to || seen) {
		st->repeats++;
		return QUEUE_OK;
	}
	if (!legal) {
		st->conflicts++;
		return QUEUE_OK;
	}
	err = override_locked(q, id, c->ticket, stored, ev);
	if (err)
		return err;
	st->overridden++;
	return QUEUE_OK;
}

queue_err queue_apply_changes(queue *q, const queue_change *c, int n, int64_t next, queue_apply_stats *st)
{
	queue_apply_stats counts = {0};
	int64_t cursor = 0;
	queue_err err;
	int rc;

	if (st)
		memset(st, 0, sizeof *st);
	if (n < 0 || n > CHANGES_MAX || (c == NULL && n > 0))
		return QUEUE_ERR_INVALID;
	for (int i = 0; i < n; i++) {
		if (c[i].type != QUEUE_CHANGE_EVENT && c[i].type != QUEUE_CHANGE_NOTE)
			return QUEUE_ERR_INVALID;
	}

	rc = run(q->st[ST_BEGIN_WRITE]);
	if (rc != SQLITE_OK)
		return map_rc(rc);
	/* Read inside the transaction: no other connection moves it meanwhile. */
	err = queue_mark_get(q, QUEUE_MARK_CHANGES_CURSOR, &cursor);
	if (err == QUEUE_OK && next < cursor)
		err = QUEUE_ERR_INVALID; /* the feed never goes back: a server mix-up */
	for (int i = 0; i < n && err == QUEUE_OK; i++)
		err = apply_one(q, &c[i], &counts);
	if (err == QUEUE_OK) {
		rc = mark_store(q, QUEUE_MARK_CHANGES_CURSOR, next);
		if (rc == SQLITE_OK)
			rc = run(q->st[ST_COMMIT]);
		if (rc != SQLITE_OK)
			err = map_write(rc);
	}
	if (err) {
		abandon(q);
		return err;
	}
	if (st)
		*st = counts;
	return QUEUE_OK;
}

/* The skeleton of the stored request JSON[0..LEN): what a purged request
 * keeps (ticket, link, kiosk, state, times, how the identity was
 * established, the reason's category, which documents and which fields),
 * every string that could name or reach a person emptied. *OUT as
 * reqjson_encode(). */
static queue_err skeleton(const char *json, size_t len, char **out)
{
	req *full = malloc(sizeof *full), *sk = malloc(sizeof *sk);
	queue_err err = QUEUE_ERR_NOMEM;

	*out = NULL;
	if (full && sk) {
		err = reqjson_decode(json, len, full, NULL, 0) == REQJSON_OK ? QUEUE_OK : QUEUE_ERR_IO;
		if (err == QUEUE_OK) {
			req_init(sk);
			memcpy(sk->ticket, full->ticket, sizeof sk->ticket);
			memcpy(sk->resubmit_of, full->resubmit_of, sizeof sk->resubmit_of);
			memcpy(sk->kiosk_id, full->kiosk_id, sizeof sk->kiosk_id);
			sk->id_source = full->id_source;
			for (int f = 0; f < REQ_F_COUNT; f++)
				sk->f[f].change = full->f[f].change;
			sk->reason = full->reason;
			memcpy(sk->docs, full->docs, sizeof sk->docs);
			memcpy(sk->consent_version, full->consent_version, sizeof sk->consent_version);
			sk->consent_at = full->consent_at;
			sk->submitted_at = full->submitted_at;
			sk->state = full->state;
			err = map_reqjson(reqjson_encode(sk, out));
			if (err == QUEUE_ERR_INVALID)
				err = QUEUE_ERR_IO;
		}
	}
	if (full)
		req_wipe(full);
	if (sk)
		req_wipe(sk);
	free(full);
	free(sk);
	return err;
}

/* The ids of the requests due for purging (cutoff CUTOFF) into *IDS
 * (malloc()ed), *N how many. Inside purge's transaction. */
static queue_err purge_candidates(queue *q, int64_t cutoff, int64_t **ids, size_t *n)
{
	sqlite3_stmt *st = q->st[ST_PURGE_FIND];
	size_t cap = 0;
	int rc = bind(st, "i", cutoff);

	*ids = NULL;
	*n = 0;
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			int64_t *grown = realloc(*ids, ncap * sizeof **ids);
			if (grown == NULL) {
				rc = SQLITE_NOMEM;
				break;
			}
			*ids = grown;
			cap = ncap;
		}
		(*ids)[(*n)++] = sqlite3_column_int64(st, 0);
		rc = SQLITE_OK;
	}
	done(st);
	if (rc != SQLITE_DONE) {
		free(*ids);
		*ids = NULL;
		*n = 0;
		return map_write(rc);
	}
	return QUEUE_OK;
}

/* Purge request ID (a candidate) at NOW, inside purge's transaction. */
static queue_err purge_one(queue *q, int64_t id, int64_t now)
{
	sqlite3_stmt *st = q->st[ST_REQ_PAYLOAD];
	char *sk = NULL;
	queue_err err;
	int rc = bind(st, "i", id);

	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		done(st);
		return map_write(rc);
	}
	const char *p = (const char *)sqlite3_column_text(st, 0);
	int len = sqlite3_column_bytes(st, 0);
	err = p && len >= 0 ? skeleton(p, (size_t)len, &sk) : QUEUE_ERR_IO;
	done(st);
	if (err)
		return err;

	st = q->st[ST_PURGE_REQ];
	rc = bind(st, "iti", id, sk, now);
	if (rc == SQLITE_OK)
		rc = run(st);
	else
		done(st);
	reqjson_free(&sk);
	if (rc == SQLITE_OK) {
		st = q->st[ST_PURGE_NOTES];
		rc = bind(st, "i", id);
		if (rc == SQLITE_OK)
			rc = run(st);
		else
			done(st);
	}
	/* Its outbox entries are all done or discarded, and such an entry's
	 * payload is '' already (a CHECK of the table): nothing left to empty. */
	return rc == SQLITE_OK ? QUEUE_OK : map_write(rc);
}

queue_err queue_purge(queue *q, int64_t now, int retention_days, int64_t *n)
{
	int64_t *ids = NULL;
	size_t count = 0;
	queue_err err;
	int rc;

	if (retention_days < 1 || retention_days > 3650 || now < 0)
		return QUEUE_ERR_INVALID;
	rc = run(q->st[ST_BEGIN_WRITE]);
	if (rc != SQLITE_OK)
		return map_rc(rc);
	err = purge_candidates(q, now - (int64_t)retention_days * 86400, &ids, &count);
	for (size_t i = 0; i < count && err == QUEUE_OK; i++)
		err = purge_one(q, ids[i], now);
	free(ids);
	if (err == QUEUE_OK) {
		rc = run(q->st[ST_COMMIT]);
		if (rc != SQLITE_OK)
			err = map_write(rc);
	}
	if (err) {
		abandon(q);
		return err;
	}
	/* secure_delete zeroed the old bytes in the database pages, but the
	 * WAL still holds earlier images of those pages until it is
	 * checkpointed and cut: do it now, waiting up to busy_timeout_ms for
	 * readers. If it cannot, the frames go with a later checkpoint. */
	if (count > 0)
		sqlite3_wal_checkpoint_v2(q->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	if (n)
		*n = (int64_t)count;
	return QUEUE_OK;
}

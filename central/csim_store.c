/*
 * csim_store: opening the database, its schema, transactions, the statement
 * cache, and the tables of the protocol's machinery: kiosks, nonces,
 * idempotency keys, counts (see csim_store.h). The service's own records
 * are in csim_store_req.c, csim_store_cert.c and csim_store_complaint.c.
 */
#include "csim_store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SCHEMA_VERSION 1
#define IDEM_KEEP_DAYS 35 /* the protocol promises at least 30 */

/* One transaction: one sync instead of one per statement at every start. */
static const char schema[] =
	"BEGIN IMMEDIATE;"
	"CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS kiosks(id TEXT PRIMARY KEY, secret BLOB NOT NULL,"
	" enabled INTEGER NOT NULL DEFAULT 1, added_at INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS nonces(kiosk_id TEXT NOT NULL, nonce TEXT NOT NULL,"
	" seen_at INTEGER NOT NULL, PRIMARY KEY(kiosk_id, nonce)) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS idempotency(kiosk_id TEXT NOT NULL, key TEXT NOT NULL,"
	" body_hash TEXT NOT NULL, status INTEGER NOT NULL, answer BLOB NOT NULL,"
	" created_at INTEGER NOT NULL, PRIMARY KEY(kiosk_id, key)) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS requests(id INTEGER PRIMARY KEY, kiosk_id TEXT NOT NULL,"
	" ticket TEXT NOT NULL, idem_key TEXT NOT NULL, payload BLOB NOT NULL, received_at INTEGER NOT NULL);"
	"CREATE INDEX IF NOT EXISTS requests_ticket ON requests(ticket);"
	"CREATE TABLE IF NOT EXISTS tickets(ticket TEXT PRIMARY KEY, kiosk_id TEXT NOT NULL,"
	" state TEXT NOT NULL, updated_at INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS events(id INTEGER PRIMARY KEY, ticket TEXT NOT NULL,"
	" from_state TEXT NOT NULL, to_state TEXT NOT NULL, role TEXT NOT NULL, actor TEXT NOT NULL,"
	" at INTEGER NOT NULL, reason TEXT NOT NULL, kiosk_id TEXT, idem_key TEXT, payload BLOB,"
	" received_at INTEGER NOT NULL);"
	"CREATE INDEX IF NOT EXISTS events_ticket ON events(ticket);"
	"CREATE TABLE IF NOT EXISTS changes(seq INTEGER PRIMARY KEY AUTOINCREMENT, kiosk_id TEXT NOT NULL,"
	" ticket TEXT NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL, created_at INTEGER NOT NULL);"
	"CREATE INDEX IF NOT EXISTS changes_kiosk ON changes(kiosk_id, seq);"
	"CREATE TABLE IF NOT EXISTS notifications(id INTEGER PRIMARY KEY, ticket TEXT NOT NULL,"
	" channel TEXT NOT NULL, kind TEXT NOT NULL, recipient TEXT NOT NULL, text TEXT NOT NULL,"
	" cause TEXT NOT NULL, created_at INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS holders(id INTEGER PRIMARY KEY, nik TEXT NOT NULL UNIQUE,"
	" name TEXT NOT NULL, email TEXT NOT NULL, phone TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS certificates(serial TEXT PRIMARY KEY, holder_id INTEGER NOT NULL"
	" REFERENCES holders(id), subject TEXT NOT NULL, issuer TEXT NOT NULL, status TEXT NOT NULL,"
	" not_after INTEGER NOT NULL, revoked_at INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE IF NOT EXISTS revocations(id INTEGER PRIMARY KEY, serial TEXT NOT NULL,"
	" ticket TEXT NOT NULL, kiosk_id TEXT NOT NULL, reason TEXT NOT NULL, actor TEXT NOT NULL,"
	" at INTEGER NOT NULL, revoked_at INTEGER NOT NULL, idem_key TEXT NOT NULL, payload BLOB NOT NULL);"
	"CREATE TABLE IF NOT EXISTS complaints(id INTEGER PRIMARY KEY, number TEXT NOT NULL UNIQUE,"
	" kiosk_id TEXT NOT NULL, category TEXT NOT NULL, text TEXT NOT NULL, ticket TEXT NOT NULL,"
	" contact TEXT NOT NULL, at INTEGER NOT NULL, received_at INTEGER NOT NULL, idem_key TEXT NOT NULL,"
	" payload BLOB NOT NULL);"
	/* A complaint's central state is the state column of its newest note. */
	"CREATE TABLE IF NOT EXISTS complaint_notes(id INTEGER PRIMARY KEY, number TEXT NOT NULL,"
	" kind TEXT NOT NULL, role TEXT NOT NULL, actor TEXT NOT NULL, at INTEGER NOT NULL,"
	" text TEXT NOT NULL, state TEXT NOT NULL, kiosk_id TEXT NOT NULL, idem_key TEXT NOT NULL,"
	" payload BLOB NOT NULL, received_at INTEGER NOT NULL);"
	"CREATE INDEX IF NOT EXISTS complaint_notes_number ON complaint_notes(number, id);"
	"CREATE TABLE IF NOT EXISTS surveys(id INTEGER PRIMARY KEY, kiosk_id TEXT NOT NULL,"
	" ticket TEXT NOT NULL, at INTEGER NOT NULL, scores TEXT NOT NULL, comment TEXT NOT NULL,"
	" received_at INTEGER NOT NULL, idem_key TEXT NOT NULL, payload BLOB NOT NULL);"
	"CREATE TABLE IF NOT EXISTS holidays(date TEXT PRIMARY KEY, year INTEGER NOT NULL,"
	" kind TEXT NOT NULL, name TEXT NOT NULL);"
	"CREATE INDEX IF NOT EXISTS holidays_year ON holidays(year, date);"
	"COMMIT;";

sqlite3_stmt *csim_store_stmt(csim_store *s, const char *sql)
{
	sqlite3_stmt *st = NULL;

	for (int i = 0; i < s->nstmts; i++) {
		if (s->stmts[i].sql == sql) {
			st = s->stmts[i].st;
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			return st;
		}
	}
	if (s->nstmts == CSIM_STMT_MAX ||
	    sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "%s: cannot prepare a statement: %s\n", "kiosk-central-sim",
			sqlite3_errmsg(s->db));
		sqlite3_finalize(st);
		return NULL;
	}
	s->stmts[s->nstmts].sql = sql;
	s->stmts[s->nstmts++].st = st;
	return st;
}

int csim_stmt_done(sqlite3_stmt *st, int rc)
{
	if (st)
		sqlite3_reset(st);
	return rc;
}

int csim_bind_text(sqlite3_stmt *st, int i, const char *v)
{
	return v ? sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
}

int csim_bind_blob(sqlite3_stmt *st, int i, const void *v, size_t len)
{
	/* A zero-length blob must still be a blob, not NULL. */
	return sqlite3_bind_blob64(st, i, v ? v : "", (sqlite3_uint64)len, SQLITE_STATIC);
}

int csim_bind_int(sqlite3_stmt *st, int i, int64_t v)
{
	return sqlite3_bind_int64(st, i, v);
}

int csim_stmt_exec(sqlite3_stmt *st)
{
	int rc;
	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

void csim_col_text(sqlite3_stmt *st, int i, char *out, size_t cap)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	snprintf(out, cap, "%s", t ? (const char *)t : "");
}

/* ---- opening -------------------------------------------------------------------- */

static int exec(sqlite3 *db, const char *sql, char *why, size_t why_len)
{
	char *err = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &err) == SQLITE_OK)
		return 0;
	snprintf(why, why_len, "%s", err ? err : sqlite3_errmsg(db));
	sqlite3_free(err);
	return -1;
}

/* First start: seed holders and holidays once, marked in meta. */
static int seed(sqlite3 *db, const char *holidays_dir, char *why, size_t why_len)
{
	sqlite3_stmt *st = NULL;
	bool seeded;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM meta WHERE key = 'seeded'", -1, &st, NULL) != SQLITE_OK) {
		snprintf(why, why_len, "%s", sqlite3_errmsg(db));
		return -1;
	}
	seeded = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	if (seeded)
		return 0;
	if (exec(db, "BEGIN IMMEDIATE", why, why_len) != 0)
		return -1;
	if (csim_seed_holders(db, why, why_len) != 0 ||
	    csim_seed_holidays(db, holidays_dir, 2026, why, why_len) != 0 ||
	    csim_seed_holidays(db, holidays_dir, 2027, why, why_len) != 0 ||
	    exec(db, "INSERT INTO meta(key, value) VALUES('seeded', '1')", why, why_len) != 0 ||
	    exec(db, "COMMIT", why, why_len) != 0) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

csim_store *csim_store_open(const char *path, const char *holidays_dir, char *why, size_t why_len)
{
	csim_store *s = calloc(1, sizeof *s);
	char sql[160];
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;

	if (s == NULL) {
		snprintf(why, why_len, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&s->mu, NULL);
	if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
		snprintf(why, why_len, "%s", s->db ? sqlite3_errmsg(s->db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(s->db, 5000);
	snprintf(sql, sizeof sql,
		 "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;"
		 " PRAGMA user_version = %d;",
		 SCHEMA_VERSION);
	if (exec(s->db, sql, why, why_len) != 0)
		goto fail;
	if (exec(s->db, schema, why, why_len) != 0) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		goto fail;
	}
	if (seed(s->db, holidays_dir, why, why_len) != 0)
		goto fail;
	snprintf(sql, sizeof sql, "DELETE FROM idempotency WHERE created_at < %lld",
		 (long long)time(NULL) - IDEM_KEEP_DAYS * 86400LL);
	if (exec(s->db, sql, why, why_len) != 0)
		goto fail;
	return s;
fail:
	csim_store_close(&s);
	return NULL;
}

void csim_store_close(csim_store **s)
{
	if (*s == NULL)
		return;
	for (int i = 0; i < (*s)->nstmts; i++)
		sqlite3_finalize((*s)->stmts[i].st);
	sqlite3_close((*s)->db);
	pthread_mutex_destroy(&(*s)->mu);
	free(*s);
	*s = NULL;
}

/* ---- transactions ------------------------------------------------------------------ */

static const char q_begin[] = "BEGIN IMMEDIATE";
static const char q_commit[] = "COMMIT";
static const char q_rollback[] = "ROLLBACK";
static const char q_savepoint[] = "SAVEPOINT handler";
static const char q_undo[] = "ROLLBACK TO handler";
static const char q_release[] = "RELEASE handler";

int csim_store_begin(csim_store *s)
{
	pthread_mutex_lock(&s->mu);
	if (csim_stmt_exec(csim_store_stmt(s, q_begin)) != 0) {
		pthread_mutex_unlock(&s->mu);
		return -1;
	}
	return 0;
}

int csim_store_commit(csim_store *s)
{
	int rc = csim_stmt_exec(csim_store_stmt(s, q_commit));
	if (rc != 0 && !sqlite3_get_autocommit(s->db))
		csim_stmt_exec(csim_store_stmt(s, q_rollback));
	pthread_mutex_unlock(&s->mu);
	return rc;
}

void csim_store_rollback(csim_store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		csim_stmt_exec(csim_store_stmt(s, q_rollback));
	pthread_mutex_unlock(&s->mu);
}

int csim_store_savepoint(csim_store *s)
{
	return csim_stmt_exec(csim_store_stmt(s, q_savepoint));
}

void csim_store_undo(csim_store *s)
{
	csim_stmt_exec(csim_store_stmt(s, q_undo));
	csim_stmt_exec(csim_store_stmt(s, q_release));
}

int csim_store_release(csim_store *s)
{
	return csim_stmt_exec(csim_store_stmt(s, q_release));
}

/* ---- kiosks and nonces --------------------------------------------------------------- */

int csim_store_kiosk_put(csim_store *s, const char *id, const uint8_t secret[SIGN_SECRET_LEN], int64_t now)
{
	static const char q[] = "INSERT INTO kiosks(id, secret, enabled, added_at) VALUES(?1, ?2, 1, ?3)"
				" ON CONFLICT(id) DO UPDATE SET secret = excluded.secret, enabled = 1";
	sqlite3_stmt *st = csim_store_stmt(s, q);
	if (st == NULL)
		return -1;
	csim_bind_text(st, 1, id);
	csim_bind_blob(st, 2, secret, SIGN_SECRET_LEN);
	csim_bind_int(st, 3, now);
	int rc = csim_stmt_exec(st);
	sqlite3_clear_bindings(st); /* the secret's pointer must not outlive the caller's buffer */
	return rc;
}

int csim_store_kiosks_load(csim_store *s, csim_kiosks *k)
{
	static const char q[] = "SELECT id, secret, enabled FROM kiosks ORDER BY id";
	sqlite3_stmt *st = csim_store_stmt(s, q);
	int n = 0, rc;

	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		const void *secret = sqlite3_column_blob(st, 1);
		if (id == NULL || secret == NULL || sqlite3_column_bytes(st, 1) != SIGN_SECRET_LEN)
			continue; /* a row edited by hand into nonsense: not a kiosk */
		if (csim_kiosks_add(k, id, secret, sqlite3_column_int(st, 2) != 0) != 0)
			return csim_stmt_done(st, -1);
		n++;
	}
	return csim_stmt_done(st, rc == SQLITE_DONE ? n : -1);
}

int csim_store_nonce(csim_store *s, const char *kiosk, const char *nonce, int64_t now, int64_t window)
{
	/* A nonce older than the window may come back: it is renewed, not refused. */
	static const char q_put[] = "INSERT INTO nonces(kiosk_id, nonce, seen_at) VALUES(?1, ?2, ?3)"
				    " ON CONFLICT(kiosk_id, nonce) DO UPDATE SET seen_at = excluded.seen_at"
				    " WHERE nonces.seen_at < excluded.seen_at - ?4";
	static const char q_prune[] = "DELETE FROM nonces WHERE seen_at < ?1";
	sqlite3_stmt *st;

	if (now - s->last_prune >= 60) {
		st = csim_store_stmt(s, q_prune);
		if (st == NULL)
			return -1;
		csim_bind_int(st, 1, now - window);
		if (csim_stmt_exec(st) != 0)
			return -1;
		s->last_prune = now;
	}
	st = csim_store_stmt(s, q_put);
	if (st == NULL)
		return -1;
	csim_bind_text(st, 1, kiosk);
	csim_bind_text(st, 2, nonce);
	csim_bind_int(st, 3, now);
	csim_bind_int(st, 4, window);
	if (csim_stmt_exec(st) != 0)
		return -1;
	return sqlite3_changes(s->db) == 0 ? 1 : 0;
}

/* ---- idempotency ------------------------------------------------------------------------ */

int csim_store_idem_get(csim_store *s, const char *kiosk, const char *key, csim_idem *out)
{
	static const char q[] =
		"SELECT body_hash, status, answer FROM idempotency WHERE kiosk_id = ?1 AND key = ?2";
	sqlite3_stmt *st = csim_store_stmt(s, q);
	int rc;

	memset(out, 0, sizeof *out);
	if (st == NULL)
		return -1;
	csim_bind_text(st, 1, kiosk);
	csim_bind_text(st, 2, key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		return csim_stmt_done(st, 0);
	if (rc != SQLITE_ROW)
		return csim_stmt_done(st, -1);
	csim_col_text(st, 0, out->hash, sizeof out->hash);
	out->status = sqlite3_column_int(st, 1);
	out->len = (size_t)sqlite3_column_bytes(st, 2);
	out->body = malloc(out->len + 1);
	if (out->body == NULL)
		return csim_stmt_done(st, -1);
	if (out->len)
		memcpy(out->body, sqlite3_column_blob(st, 2), out->len);
	out->body[out->len] = '\0';
	return csim_stmt_done(st, 1);
}

int csim_store_idem_put(csim_store *s, const char *kiosk, const char *key, const char *hash, int status,
			const char *body, size_t len, int64_t now)
{
	static const char q[] =
		"INSERT INTO idempotency(kiosk_id, key, body_hash, status, answer, created_at)"
		" VALUES(?1, ?2, ?3, ?4, ?5, ?6)";
	sqlite3_stmt *st = csim_store_stmt(s, q);
	if (st == NULL)
		return -1;
	csim_bind_text(st, 1, kiosk);
	csim_bind_text(st, 2, key);
	csim_bind_text(st, 3, hash);
	csim_bind_int(st, 4, status);
	csim_bind_blob(st, 5, body, len);
	csim_bind_int(st, 6, now);
	return csim_stmt_exec(st);
}

/* ---- counts ------------------------------------------------------------------------------- */

int csim_store_counts_get(csim_store *s, csim_store_counts *out)
{
	static const char q[] =
		"SELECT (SELECT count(*) FROM requests), (SELECT count(DISTINCT ticket) FROM requests),"
		" (SELECT count(*) FROM events), (SELECT count(*) FROM notifications),"
		" (SELECT count(*) FROM complaints), (SELECT count(*) FROM surveys),"
		" (SELECT count(*) FROM revocations), (SELECT count(*) FROM changes),"
		" (SELECT count(*) FROM idempotency)";
	sqlite3_stmt *st = csim_store_stmt(s, q);

	memset(out, 0, sizeof *out);
	if (st == NULL || sqlite3_step(st) != SQLITE_ROW)
		return csim_stmt_done(st, -1);
	out->requests = sqlite3_column_int64(st, 0);
	out->tickets = sqlite3_column_int64(st, 1);
	out->events = sqlite3_column_int64(st, 2);
	out->notifications = sqlite3_column_int64(st, 3);
	out->complaints = sqlite3_column_int64(st, 4);
	out->surveys = sqlite3_column_int64(st, 5);
	out->revocations = sqlite3_column_int64(st, 6);
	out->changes = sqlite3_column_int64(st, 7);
	out->keys = sqlite3_column_int64(st, 8);
	return csim_stmt_done(st, 0);
}

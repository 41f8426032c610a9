/*
 * storecheck: the store file seen read-only (see storecheck.h).
 *
 * The file is looked at with stat() and its first 16 bytes before SQLite
 * sees it, so that a missing file is never created and a foreign one is
 * named for what it is. The connection is opened with SQLITE_OPEN_READONLY,
 * hardened as queue.c hardens its own (defensive, no trusted schema), with
 * query_only set and the checkpoint on close switched off: even as the
 * file's last connection it leaves the WAL exactly as it found it. Being
 * open, it also keeps a queue handle closed meanwhile from checkpointing
 * on close (a checkpoint needs every other connection gone), so a check of
 * the outbox through queue.h can run without changing what storage.wal
 * then measures.
 */
#include "storecheck.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "queue.h"
#include "store.h"

enum {
	BUSY_MS = 2000,      /* a reader waits this long for a WAL recovery */
	INTEGRITY_MAX = 100, /* problems integrity_check looks for */
	HEADER_LEN = 16,     /* "SQLite format 3" and its NUL */
};

struct storecheck {
	sqlite3 *db;
};

const char *storecheck_sqlite_version(void)
{
	return sqlite3_libversion();
}

static void set_state(storecheck_facts *f, storecheck_state st, const char *why, const char *detail)
{
	f->state = st;
	snprintf(f->why, sizeof f->why, "%s%s%s", why, detail ? ": " : "", detail ? detail : "");
}

/* The size of PATH-wal, or -1 when there is none. */
static int64_t wal_size(const char *path)
{
	char wal[4096];
	struct stat st;

	if ((size_t)snprintf(wal, sizeof wal, "%s-wal", path) >= sizeof wal || stat(wal, &st) != 0)
		return -1;
	return (int64_t)st.st_size;
}

/* Is PATH (SIZE bytes) an SQLite file by its first bytes? false with a
 * reason in F when it cannot be read or is not. An empty file is one: an
 * SQLite database with nothing in it yet. */
static bool looks_like_sqlite(const char *path, int64_t size, storecheck_facts *f)
{
	static const char magic[HEADER_LEN] = "SQLite format 3";
	char head[HEADER_LEN];

	if (size == 0)
		return true;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		set_state(f, STORECHECK_UNREADABLE, "cannot open it", strerror(errno));
		return false;
	}
	ssize_t n = read(fd, head, sizeof head);
	int err = errno;
	close(fd);
	if (n < 0) {
		set_state(f, STORECHECK_UNREADABLE, "cannot read it", strerror(err));
		return false;
	}
	if (n < (ssize_t)sizeof head || memcmp(head, magic, sizeof head) != 0) {
		set_state(f, STORECHECK_NOT_DB, "not an SQLite database: its header is not SQLite's", NULL);
		return false;
	}
	return true;
}

/* SQLite's primary code RC as a state: damage is NOT_DB, the rest cannot
 * be read. */
static storecheck_state state_of(int rc)
{
	switch (rc & 0xFF) {
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
	case SQLITE_FORMAT: return STORECHECK_NOT_DB;
	default: return STORECHECK_UNREADABLE;
	}
}

int storecheck_open(storecheck **out, const char *path, storecheck_facts *f)
{
	struct stat st;
	sqlite3 *db = NULL;
	int64_t version = -1;
	int rc;

	*out = NULL;
	memset(f, 0, sizeof *f);
	f->size = -1;
	f->schema = -1;
	f->wal_size = wal_size(path);
	if (stat(path, &st) != 0) {
		if (errno == ENOENT)
			set_state(f, STORECHECK_MISSING, "the file does not exist", NULL);
		else
			set_state(f, STORECHECK_UNREADABLE, "cannot look at it", strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		set_state(f, STORECHECK_UNREADABLE, "not a regular file", NULL);
		return -1;
	}
	f->size = (int64_t)st.st_size;
	if (!looks_like_sqlite(path, f->size, f))
		return -1;

	rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE,
			     NULL);
	if (rc == SQLITE_OK) {
		sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
		sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL);
		sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, (int *)NULL);
		rc = sqlite3_busy_timeout(db, BUSY_MS);
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "PRAGMA query_only = 1", NULL, NULL, NULL);
	/* The first read: where a damaged header or schema shows. */
	if (rc == SQLITE_OK)
		rc = store_query_int(db, "PRAGMA user_version", &version);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		set_state(f, state_of(rc), db ? sqlite3_errmsg(db) : sqlite3_errstr(rc), NULL);
		sqlite3_close(db);
		return -1;
	}
	f->schema = (int)version;
	if (version > QUEUE_SCHEMA_VERSION) {
		f->state = STORECHECK_NEWER;
		snprintf(f->why, sizeof f->why,
			 "schema %lld was written by a newer kiosk (this one knows %d)", (long long)version,
			 QUEUE_SCHEMA_VERSION);
		sqlite3_close(db);
		return -1;
	}
	storecheck *s = calloc(1, sizeof *s);
	if (s == NULL) {
		set_state(f, STORECHECK_UNREADABLE, "out of memory", NULL);
		sqlite3_close(db);
		return -1;
	}
	s->db = db;
	f->state = STORECHECK_OK;
	*out = s;
	return 0;
}

void storecheck_close(storecheck **s)
{
	if (*s == NULL)
		return;
	sqlite3_close((*s)->db);
	free(*s);
	*s = NULL;
}

/* One row of integrity_check's answer: "ok", or problems one per line,
 * under a "*** in database main ***" heading that is not one. Counts them
 * into *N and keeps the first in FIRST. */
static void count_problems(const char *text, int *n, char *first, size_t cap)
{
	if (text == NULL || strcmp(text, "ok") == 0)
		return;
	while (*text != '\0') {
		size_t len = strcspn(text, "\n");
		if (len > 0 && strncmp(text, "***", 3) != 0 && (*n)++ == 0)
			snprintf(first, cap, "%.*s", (int)len, text);
		text += len;
		text += *text == '\n';
	}
}

int storecheck_integrity(storecheck *s, char *first, size_t cap, int *problems)
{
	char sql[48];
	sqlite3_stmt *st = NULL;
	int n = 0, rc;

	if (problems)
		*problems = 0;
	if (cap > 0)
		first[0] = '\0';
	snprintf(sql, sizeof sql, "PRAGMA integrity_check(%d)", INTEGRITY_MAX);
	rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		count_problems((const char *)sqlite3_column_text(st, 0), &n, first, cap);
		rc = SQLITE_OK;
	}
	if (rc != SQLITE_DONE && rc != SQLITE_OK) {
		/* The check itself stopped: on damage that is its finding. */
		bool damaged = state_of(rc) == STORECHECK_NOT_DB;
		if (n == 0 || !damaged)
			snprintf(first, cap, "%s", sqlite3_errmsg(s->db));
		sqlite3_finalize(st);
		if (!damaged)
			return -1;
		if (problems)
			*problems = n > 0 ? n : 1;
		return 1;
	}
	sqlite3_finalize(st);
	if (problems)
		*problems = n;
	return n > 0 ? 1 : 0;
}

int storecheck_pending(storecheck *s, int64_t *count, int64_t *since_ms, char *why, size_t wcap)
{
	/* outbox_next covers exactly these rows; the sub-selects are primary
	 * key look-ups. Times: requests and events in epoch s, outbox in ms. */
	static const char sql[] =
	    "SELECT count(*), min(coalesce("
	    " CASE o.kind"
	    "  WHEN 'request' THEN (SELECT r.submitted_at * 1000 FROM requests r WHERE r.id = o.ref_id)"
	    "  WHEN 'event' THEN (SELECT e.at * 1000 FROM events e WHERE e.id = o.ref_id)"
	    " END, o.updated_at, 0))"
	    " FROM outbox o WHERE o.state IN ('pending', 'in_flight')";
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);

	*count = 0;
	*since_ms = 0;
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		*count = sqlite3_column_int64(st, 0);
		*since_ms = *count > 0 ? sqlite3_column_int64(st, 1) : 0;
		rc = SQLITE_OK;
	}
	if (rc != SQLITE_OK)
		snprintf(why, wcap, "%s", sqlite3_errmsg(s->db));
	sqlite3_finalize(st);
	return rc == SQLITE_OK ? 0 : -1;
}

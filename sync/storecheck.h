/*
 * storecheck: the technician's look at the store file (issue 7), beside
 * the queue rather than through it. It opens the file itself, READ-ONLY,
 * and never creates it: a missing, foreign or damaged file is what it is
 * asked about, and queue_open() would create the first, refuse the second
 * and may trip over the third before saying which. It writes nothing into
 * the database or its log: no migration, no journal mode, no checkpoint
 * (also not when it closes). Like every reader of a WAL database, it may
 * create the empty -wal and the -shm index beside it when they are missing.
 *
 * What it reports: the file's size and schema version, its write-ahead
 * log's size, SQLite's integrity check, and the age of the oldest outbox
 * entry not yet delivered. No row content is read: only counts, times,
 * page facts and SQLite's own words about damage (page numbers, index
 * names), so no personal data leaves this module.
 *
 * Threads: a handle is used by one thread at a time. Blocking: every call
 * but storecheck_sqlite_version() reads the file; storecheck_integrity()
 * reads all of it (about a second per 100 MiB on a kiosk's SSD). Reads
 * never wait for a writer (WAL); a read may wait up to 2 s for a
 * connection that is recovering the WAL.
 */
#ifndef KIOSK_STORECHECK_H
#define KIOSK_STORECHECK_H

#include <stddef.h>
#include <stdint.h>

enum { STORECHECK_WHY_MAX = 200 };

typedef enum storecheck_state {
	STORECHECK_OK = 0,     /* an SQLite database: schema is its version (it may be
				  older than QUEUE_SCHEMA_VERSION; 0 for an empty file) */
	STORECHECK_MISSING,    /* no file at the path */
	STORECHECK_UNREADABLE, /* it cannot be opened or read: permission, a folder, I/O */
	STORECHECK_NOT_DB,     /* not an SQLite database, or so damaged (its header, its
				  list of tables) that nothing in it can be found */
	STORECHECK_NEWER,      /* a schema newer than QUEUE_SCHEMA_VERSION: a newer kiosk's */
} storecheck_state;

/* What opening found. */
typedef struct storecheck_facts {
	storecheck_state state;
	int64_t size;                 /* bytes of the database file; -1 when it cannot be seen */
	int64_t wal_size;             /* bytes of its write-ahead log (PATH-wal); -1 when there is none */
	int schema;                   /* PRAGMA user_version; -1 when it could not be read */
	char why[STORECHECK_WHY_MAX]; /* state != OK: a plain reason ("file is not a database") */
} storecheck_facts;

typedef struct storecheck storecheck;

/*
 * Look at the file PATH (not NULL): its size and its WAL's, then, when it
 * is a readable SQLite database of a schema this kiosk knows, open it
 * read-only. FACTS (OUT, not NULL) is filled in every case. *OUT (OUT, not
 * NULL) gets the handle when FACTS->state is STORECHECK_OK, else NULL.
 * Returns 0 when a handle was opened, -1 otherwise (FACTS says why).
 */
int storecheck_open(storecheck **out, const char *path, storecheck_facts *facts);

/* Close *S (may be NULL) and set it to NULL. S must not be NULL. */
void storecheck_close(storecheck **s);

/*
 * SQLite's PRAGMA integrity_check over the whole file. Returns 0 when it
 * says "ok"; 1 when the file is damaged: FIRST (CAP bytes) gets the first
 * problem it names ("database disk image is malformed", "Page 7: btreeInitPage()
 * returns error code 11") and *PROBLEMS (OUT, may be NULL) how many it
 * listed (at most 100 are looked for, so 100 means "100 or more"); -1 when the check could not run
 * (FIRST says why: busy, out of memory, an I/O error).
 */
int storecheck_integrity(storecheck *s, char *first, size_t cap, int *problems);

/*
 * The outbox entries not yet delivered (state pending or in_flight): how
 * many into *COUNT and, when there are any, since when into *SINCE_MS
 * (epoch milliseconds, 0 when none): for a request or event entry the time
 * its request was submitted or its event happened; for the other kinds
 * the time the entry last became pending (a retry moves that forward, so
 * their age is a lower bound). Returns 0, or -1 with a reason in WHY
 * (WCAP bytes): the file is damaged or of a schema without these columns.
 */
int storecheck_pending(storecheck *s, int64_t *count, int64_t *since_ms, char *why, size_t wcap);

/* The SQLite library's version ("3.40.1"): a static string. */
const char *storecheck_sqlite_version(void);

#endif

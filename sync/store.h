/*
 * store: what the sibling modules of sync/ (staff, audit, desk, complaint)
 * share of a queue handle's SQLite connection, so that one staff action is
 * one transaction: the state change, its outbox entry and its audit entry
 * commit together or not at all. Internal to sync/: app/ never includes it
 * (app/ sees only the public headers, which show no SQLite).
 *
 * The schema of every table lives in queue.c's migrations (one place, one
 * version number); the modules only prepare statements against it.
 *
 * Transactions: store_begin() takes the write lock (BEGIN IMMEDIATE) and
 * store_commit() ends it durably (synchronous=FULL); on any failure in
 * between the caller calls store_abandon(), which rolls back and resets
 * every prepared statement of the queue handle. The store_*_locked()
 * calls below must run inside such a transaction and never begin or end
 * one themselves.
 */
#ifndef KIOSK_STORE_H
#define KIOSK_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "queue.h"

/* The handle's connection (owned by Q: never close it). */
sqlite3 *store_db(queue *q);

/* The first column of SQL's first row (a PRAGMA) as an integer into *OUT;
 * an SQLite code (SQLITE_CORRUPT when there is no row). Any connection:
 * storecheck.c uses it on its own read-only one. */
int store_query_int(sqlite3 *db, const char *sql, int64_t *out);

/* An SQLite result code (extended or primary) as a queue_err
 * (SQLITE_OK/ROW/DONE -> QUEUE_OK, CONSTRAINT -> QUEUE_ERR_INVALID). */
queue_err store_map(int rc);
/* The same for a write whose arguments were all checked: a constraint
 * refusing it means the file is not what this code wrote (QUEUE_ERR_IO). */
queue_err store_map_write(int rc);

/* BEGIN IMMEDIATE. QUEUE_OK, QUEUE_ERR_BUSY, QUEUE_ERR_IO, ... */
queue_err store_begin(queue *q);
/* COMMIT. On failure the transaction is rolled back (store_abandon) and the
 * mapped error returned. */
queue_err store_commit(queue *q);
/* Roll back any open transaction and reset every prepared statement of Q.
 * Safe at any point, also outside a transaction. */
void store_abandon(queue *q);

/* Prepare SQL on Q's connection (*ST is NULL on failure); an SQLite code.
 * The caller finalizes the statement. */
int store_prepare(queue *q, const char *sql, sqlite3_stmt **st);

/* An unexpected result code of a read as a queue_err. A constraint cannot
 * refuse a read and OK/ROW/DONE where a row was wanted mean a wrong row, so
 * both are the file's fault: QUEUE_ERR_IO; BUSY, NOMEM... map as usual. */
queue_err store_read_err(int rc);

/* Open a read snapshot (BEGIN): the first read fixes what every later read
 * of the transaction sees. QUEUE_OK, or store_read_err()'s error. */
queue_err store_read_begin(queue *q);
/* End the snapshot: COMMIT when ERR is QUEUE_OK, else (or when the COMMIT
 * fails) ROLLBACK. Returns ERR, or the COMMIT's error. */
queue_err store_read_end(queue *q, queue_err err);

/* Copy the text column COL of ST into BUF (CAP bytes, zeroed after the
 * NUL). False when it is not text (NULL included), holds a NUL or does not
 * fit: only a file this code did not write has such a value. */
bool store_col_text(sqlite3_stmt *st, int col, char *buf, size_t cap);
/* The same, NULL reading as "" and a longer text cut at a UTF-8 character
 * boundary: for staff-facing texts, where a shortened reason beats none. */
void store_col_text_cut(sqlite3_stmt *st, int col, char *buf, size_t cap);

/* Wall-clock epoch milliseconds (what the outbox's times use). */
int64_t store_wall_ms(void);

/* TICKET (NUL-terminated) is a canonical ticket (ticket_parse()'s form). */
bool store_ticket_ok(const char *ticket);

/*
 * Inside a write transaction: append EV to the request TICKET exactly as
 * queue_append_event() does (checks the stored state and rstate_check(),
 * the event row, the request's state and updated_at, and, when TO_OUTBOX,
 * the outbox entry of kind event). *FROM_STORED (may be NULL) gets the
 * stored state before the move (also on QUEUE_ERR_STATE).
 * Returns QUEUE_OK, QUEUE_ERR_INVALID, QUEUE_ERR_NOT_FOUND, QUEUE_ERR_STATE,
 * QUEUE_ERR_NOMEM, QUEUE_ERR_FULL, QUEUE_ERR_IO, QUEUE_ERR_BUSY. On an
 * error the caller abandons the transaction.
 */
queue_err store_append_event_locked(queue *q, const char *ticket, const rstate_event *ev,
				    bool to_outbox, rstate *from_stored);

/*
 * Inside a write transaction: a new outbox entry of KIND (COMPLAINT,
 * SURVEY, REVOCATION, COMPLAINT_NOTE) for request TICKET ("" for none; a
 * canonical ticket otherwise) carrying PAYLOAD[0..LEN) (the rules of
 * queue_outbox_add()), due now, with a fresh idempotency key. *SEQ (may be
 * NULL) gets its seq.
 */
queue_err store_outbox_add_locked(queue *q, queue_kind kind, const char *ticket, const char *payload,
				  size_t len, int64_t *seq);

#endif

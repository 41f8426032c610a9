/*
 * audit: the hash-chained, append-only log of every staff action and every
 * PIN-pad unlock attempt at this kiosk (tables audit and audit_head of
 * queue.c's migration 3).
 *
 * Each entry's hash is the lowercase hex SHA-256 of an unambiguous encoding
 * of (prev_hash, at, actor, role, action, target, detail), and its prev_hash
 * is the hash of the entry before it (64 '0' for the first): changing,
 * removing or reordering an entry breaks the chain where it happened.
 * audit_head holds the newest entry's seq and hash, written in the same
 * transaction as each append, so removing the newest entries is noticed
 * too. The encoding ("kiosk-audit-v1\n", then each field as its decimal
 * byte length, ':', the bytes, '\n'; at in decimal) never changes for
 * stored entries. seq is not part of the hash: the chain gives the order.
 *
 * The log is evidence for a supervisor or an inspector, so it is kept
 * whole: nothing here deletes or rewrites an entry, and retention never
 * touches it.
 *
 * !!! PERSONAL DATA NEVER GOES INTO AN AUDIT ENTRY. !!!
 * Not a NIK, not a citizen's or an officer's name, address, phone number
 * or e-mail, not a PIN, not the text of a complaint. The log cannot be
 * purged (that would break the chain), so whatever is written stays for the
 * life of the kiosk. Name people by their staff code, requests by ticket,
 * complaints by number; put states, document kinds and counts in DETAIL.
 * This module cannot tell a name from a word: keeping it out is the
 * caller's duty.
 *
 * Threads and blocking: as queue.h (one handle per thread); every call
 * except audit_problem_describe(), audit_kind_name(), audit_text_ok() and
 * audit_rec_fill() reads or writes the file.
 */
#ifndef KIOSK_AUDIT_H
#define KIOSK_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "queue.h"

/* Array sizes, NUL included (so an actor is at most 47 bytes). */
#define AUDIT_ACTOR_MAX 48
#define AUDIT_ROLE_MAX 16
#define AUDIT_ACTION_MAX 32
#define AUDIT_TARGET_MAX 48
#define AUDIT_DETAIL_MAX 256
#define AUDIT_HASH_HEX 65 /* 64 lowercase hex digits and the NUL */

/*
 * One thing that happened. Every string is NUL-terminated inside its array
 * and is valid UTF-8 without control characters (no tab, no newline).
 *   at      epoch seconds (>= 0) by the kiosk's clock.
 *   actor   who acted: a staff code ("1001"), the kiosk id, "cli" (the
 *           command line), "unknown" (a PIN-pad attempt with no valid code);
 *           non-empty.
 *   role    the actor's role: "officer", "supervisor", "technician",
 *           "kiosk" or "cli"; non-empty, only a-z and '_'.
 *   action  a stable snake_case verb: "unlock_ok", "unlock_failed",
 *           "unlock_locked", "logout", "logout_idle", "pad_reset",
 *           "staff_add", "staff_disable", "request_move",
 *           "revocation_request", "conflict_seen", "complaint_response",
 *           "complaint_escalate", "complaint_resolve", ...; non-empty, only
 *           a-z and '_'. Never rename one: reports group by it.
 *   target  what it was done to: a ticket, a complaint number, a staff code,
 *           or "".
 *   detail  short facts, "in_verification->accepted docs=decree,ktp", or "".
 * NO PERSONAL DATA in any of them (see the top of this file).
 */
typedef struct audit_rec {
	int64_t at;
	char actor[AUDIT_ACTOR_MAX];
	char role[AUDIT_ROLE_MAX];
	char action[AUDIT_ACTION_MAX];
	char target[AUDIT_TARGET_MAX];
	char detail[AUDIT_DETAIL_MAX];
} audit_rec;

/* A stored entry, as audit_list() reads it. */
typedef struct audit_entry {
	int64_t seq; /* the local order; the newest has the highest */
	audit_rec rec;
	char prev_hash[AUDIT_HASH_HEX];
	char hash[AUDIT_HASH_HEX];
} audit_entry;

/* S[0..N) is well-formed UTF-8 (no overlong form, no surrogate, nothing
 * above U+10FFFF) without a control character (C0 including tab and
 * newline, DEL, C1): the rule for every audit string, shared with the
 * staff module's names. S may be NULL only when N is 0. */
bool audit_text_ok(const char *s, size_t n);

/*
 * Fill *R (OUT, not NULL; every byte set) from plain strings: ACTOR, ROLE,
 * ACTION (not NULL), TARGET and DETAIL (NULL counts as ""). Returns
 * QUEUE_OK, or QUEUE_ERR_INVALID when a string does not fit its array or R
 * would break audit_append()'s rules (then *R is zeroed). Touches no file.
 */
queue_err audit_rec_fill(audit_rec *r, int64_t at, const char *actor, const char *role, const char *action,
			 const char *target, const char *detail);

/*
 * Append R (not NULL) to the log inside the caller's write transaction
 * (store_begin() .. store_commit(), store.h), so that the action and its
 * entry commit together or not at all. Sets the entry's seq and prev_hash
 * from the head row, computes its hash, inserts it and moves the head, all
 * in that transaction; a rollback leaves neither.
 * The chain continues from the head, never from the highest stored row: an
 * entry appended after someone removed the newest entries names the
 * removed entry's hash, so the gap stays visible to audit_verify(). When
 * the head row is gone the entry follows the highest row and the head is
 * NOT recreated, so audit_verify() keeps reporting the missing head.
 * Returns QUEUE_OK; QUEUE_ERR_INVALID when R breaks the rules of audit_rec
 * (strings not terminated in their arrays, empty actor, role or action,
 * role or action outside [a-z_], invalid UTF-8 or a control character,
 * negative at) or when no transaction is open; QUEUE_ERR_BUSY,
 * QUEUE_ERR_FULL, QUEUE_ERR_IO, QUEUE_ERR_NOMEM. On an error the caller
 * abandons the transaction (store_abandon()).
 */
queue_err audit_append_locked(queue *q, const audit_rec *r);

/*
 * audit_append_locked() in its own durable transaction (BEGIN IMMEDIATE ..
 * COMMIT; waits up to the handle's busy timeout for the write lock). Must
 * not be called inside a transaction. Same returns; on an error nothing
 * was written.
 */
queue_err audit_append(queue *q, const audit_rec *r);

/* What audit_verify() found wrong. */
typedef enum audit_kind {
	AUDIT_EDITED,        /* entry SEQ's hash does not match its content: it was edited */
	AUDIT_REORDERED,     /* entry SEQ is self-consistent but its prev_hash is the hash of
				entry OTHER_SEQ (of the genesis when !HAS_OTHER), not of the entry
				before it in seq order: it was moved, or entries were swapped */
	AUDIT_REMOVED,       /* entry SEQ's prev_hash matches no entry: one or more entries
				between OTHER_SEQ (the entry before it in seq order; none when
				!HAS_OTHER, i.e. at the start of the log) and SEQ are gone */
	AUDIT_TAIL_REMOVED,  /* the head names entry OTHER_SEQ as the newest, but the log
				ends at entry SEQ: the entries after SEQ are gone */
	AUDIT_HEAD_MISSING,  /* entries exist (the newest is SEQ) but the head row is gone;
				or, with HAS_OTHER, the head names entry OTHER_SEQ but the log is
				empty: every entry is gone */
	AUDIT_HEAD_MISMATCH, /* the head and the newest entries disagree in another way:
				HAS_OTHER: the head names entry OTHER_SEQ but that content is
				stored as entry SEQ, or entries after OTHER_SEQ up to SEQ were
				added without moving the head; !HAS_OTHER: the head names entry
				SEQ with a hash no entry has (the head or that entry was changed) */
	AUDIT_DUPLICATE,     /* entry SEQ is an exact copy of entry OTHER_SEQ */
	AUDIT_KIND_COUNT
} audit_kind;

typedef struct audit_problem {
	audit_kind kind;
	int64_t seq;       /* the entry the problem is about (see audit_kind) */
	int64_t other_seq; /* the other entry named, when HAS_OTHER */
	bool has_other;
} audit_problem;

/* Stable name of K for logs and tests ("edited", "reordered", "removed",
 * "tail_removed", "head_missing", "head_mismatch", "duplicate"); "?" out
 * of range. Static storage. */
const char *audit_kind_name(audit_kind k);

/*
 * Walk the whole log in seq order, in one read snapshot, and check it: each
 * entry's hash against its content, each entry's prev_hash against the
 * entry before it, and the head against the newest entry.
 * The diagnosis names each plain-SQL tampering of the file: one field of an
 * entry edited (EDITED at that entry); a middle entry deleted (REMOVED at
 * the entry after it); the newest deleted (TAIL_REMOVED); the contents of
 * two entries swapped (REORDERED at both: each names the entry it belongs
 * after); an entry moved by changing its seq (REORDERED at its new seq,
 * naming the entry it belongs after). The entries that merely follow a moved
 * one are not reported again. Someone who rewrites the whole chain and the
 * head consistently is NOT detected (no secret is involved).
 * OUT (OUT; may be NULL when MAX is 0) gets up to MAX (>= 0) problems, in
 * the order found: entries in seq order, then the head; the first is the
 * earliest place the log went wrong. Further problems are dropped. *N
 * (OUT, not NULL) how many were stored (0: the log is intact). *ENTRIES
 * (OUT, may be NULL) the number of entries.
 * Memory: about 300 bytes per entry while it runs (freed before return).
 * Returns QUEUE_OK (whatever it found: problems are data, not errors);
 * QUEUE_ERR_INVALID (MAX < 0, N NULL, OUT NULL with MAX > 0);
 * QUEUE_ERR_BUSY, QUEUE_ERR_IO, QUEUE_ERR_NOMEM (then *N is 0). Writes
 * nothing.
 */
queue_err audit_verify(queue *q, audit_problem *out, int max, int *n, int64_t *entries);

/*
 * P (not NULL) in plain English into BUF (LEN bytes, always NUL-terminated
 * when LEN > 0): "entry 17 was edited: its hash does not match its
 * content". Names seqs only, never content. Touches no file.
 */
void audit_problem_describe(const audit_problem *p, char *buf, size_t len);

/*
 * Up to MAX (>= 0) entries, newest first, with seq < BEFORE_SEQ (0: from
 * the newest; pass the last seq of a page to get the next), into OUT (may
 * be NULL when MAX is 0); *N (OUT, not NULL) how many. A stored string
 * longer than its array (only a tampered file has one) is cut at a
 * character boundary. Entries are shown as stored: run audit_verify() to
 * know whether to trust them.
 * Returns QUEUE_OK; QUEUE_ERR_INVALID (MAX or BEFORE_SEQ negative, N NULL);
 * QUEUE_ERR_BUSY, QUEUE_ERR_IO, QUEUE_ERR_NOMEM. Writes nothing.
 */
queue_err audit_list(queue *q, int64_t before_seq, audit_entry *out, int max, int *n);

#endif

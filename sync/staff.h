/*
 * staff: the kiosk's staff accounts and the PIN pad that unlocks staff mode
 * (table staff of queue.c's migration 3; the pad's counters in marks).
 *
 * An account is a numeric code (4-8 digits, what the officer types on the
 * pad), a name (shown to the officer and in the account list, never logged,
 * never audited), a role, and the argon2id hash of a 6-12 digit PIN
 * (libsodium's crypto_pwhash_str, OPSLIMIT/MEMLIMIT_INTERACTIVE: about 0.1 s
 * and 64 MiB per hash). Accounts are disabled, never deleted: audit entries
 * name their codes.
 *
 * The pad has one lockout for the whole kiosk (not per account, so trying
 * many codes is no faster than trying many PINs): after pol.attempts wrong
 * attempts in a row it refuses every attempt, even a right one, until a
 * lock ends; the k-th lock (k = 0, 1, ...) lasts min(max_lock_s,
 * first_lock_s * 2^k) and a successful unlock resets the count. The
 * counters live in the database, so a restart does not clear them.
 *
 * Every change to an account and every unlock attempt leaves an entry in the
 * audit log (audit.h) in the same transaction. Neither a name nor a PIN is
 * ever written to the audit log, a log line or an error name; PINs are
 * never copied by this module (libsodium wipes its own work areas) and are
 * stored only as their hash.
 *
 * Errors: the calls that change something return a staff_err; when it is
 * STAFF_ERR_STORE the database failed and *QERR (the last parameter, may be
 * NULL) says how (QUEUE_ERR_BUSY: try again; QUEUE_ERR_FULL; QUEUE_ERR_IO;
 * QUEUE_ERR_NOMEM, also when the PIN hash could not get its memory). *QERR
 * is QUEUE_OK for every other result. Read-only calls return a queue_err.
 *
 * Threads and blocking: as queue.h (one handle per thread). staff_add() and
 * staff_unlock() spend about 0.1 s of CPU on the PIN hash, outside any
 * transaction (the write lock is held only for the short write after it):
 * call them off the UI thread or accept the pause. Every call except the
 * name/parse/check functions and staff_lock_length() reads or writes the
 * file.
 */
#ifndef KIOSK_STAFF_H
#define KIOSK_STAFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "queue.h"
#include "rstate.h"

#define STAFF_CODE_MAX 9  /* bytes of a code, NUL included (4-8 digits) */
#define STAFF_NAME_MAX 65 /* bytes of a name, NUL included (1-64 bytes of UTF-8) */
#define STAFF_PIN_MIN 6
#define STAFF_PIN_MAX 12  /* digits; a buffer for one needs STAFF_PIN_MAX + 1 bytes */

typedef enum staff_role {
	STAFF_OFFICER,    /* "officer": the verifikator, moves requests */
	STAFF_SUPERVISOR, /* "supervisor": oversees, manages accounts, moves no request */
	STAFF_TECHNICIAN, /* "technician": maintains the kiosk, manages accounts, sees no request */
	STAFF_ROLE_COUNT
} staff_role;

/* Wire name of R ("officer"), as stored; "?" out of range. Static storage. */
const char *staff_role_name(staff_role r);
/* Parse an exact wire name into *OUT: 0, or -1 (NULL or unknown; *OUT untouched). */
int staff_role_parse(const char *s, staff_role *out);
/* The request state machine's role of R: officer -> RROLE_OFFICER, supervisor
 * -> RROLE_SUPERVISOR, technician (and out of range) -> RROLE_COUNT, which
 * means "makes no request move". */
rrole staff_rrole(staff_role r);

typedef enum staff_err {
	STAFF_OK = 0,
	STAFF_ERR_CODE,       /* the staff code is not 4-8 digits */
	STAFF_ERR_NAME,       /* the name is empty, blank, over 64 bytes, not UTF-8, or has a
				 control character */
	STAFF_ERR_ROLE,       /* the role is out of range */
	STAFF_ERR_PIN_FORMAT, /* the PIN is not 6-12 digits */
	STAFF_ERR_PIN_WEAK,   /* the PIN is one digit repeated, a straight run up or down
				 (123456, 987654, also across 9-0: 890123), or the code itself */
	STAFF_ERR_EXISTS,     /* an account with this code exists (also a disabled one) */
	STAFF_ERR_UNKNOWN,    /* no account has this code */
	STAFF_ERR_DISABLED,   /* the account is already disabled */
	STAFF_ERR_ACTOR,      /* the actor is neither "cli" nor an active supervisor's or
				 technician's code */
	STAFF_ERR_INVALID,    /* another argument breaks the call's contract (NULL, negative
				 time, a policy out of range) */
	STAFF_ERR_STORE,      /* the database failed: see *QERR */
} staff_err;

/* Name of E for logs and messages ("staff code already exists"); never
 * NULL, never personal data. */
const char *staff_err_name(staff_err e);

/* The format rules, for a form or a command line to check input before it
 * asks for more (touch no file). Each returns STAFF_OK or the error named. */
staff_err staff_check_code(const char *code);             /* STAFF_ERR_CODE */
staff_err staff_check_name(const char *name);             /* STAFF_ERR_NAME */
/* PIN (and CODE, may be NULL, for the "PIN is the code" rule):
 * STAFF_ERR_PIN_FORMAT or STAFF_ERR_PIN_WEAK. */
staff_err staff_check_pin(const char *pin, const char *code);

/*
 * How the pad locks, and how PINs are hashed.
 *   attempts      wrong attempts in a row that lock the pad (1..100; 5)
 *   first_lock_s  length of the first lock in seconds (1..86400; 60)
 *   max_lock_s    the cap of a lock's length (first_lock_s..604800; 3600)
 *   fast_hash_for_tests  TESTS ONLY: hash new PINs with libsodium's minimum
 *                 cost (microseconds, trivially brute-forced) and verify
 *                 unknown codes against a hash of that cost. Never set in the
 *                 kiosk: production is OPSLIMIT/MEMLIMIT_INTERACTIVE.
 * A NULL policy means STAFF_POLICY_DEFAULT.
 */
typedef struct staff_policy {
	int attempts;
	int first_lock_s;
	int max_lock_s;
	bool fast_hash_for_tests;
} staff_policy;

#define STAFF_POLICY_DEFAULT \
	((staff_policy){.attempts = 5, .first_lock_s = 60, .max_lock_s = 3600, .fast_hash_for_tests = false})

/* Length in seconds of the lock after K (>= 0) earlier lockouts:
 * min(max_lock_s, first_lock_s * 2^K), without overflow. POL may be NULL. */
int64_t staff_lock_length(const staff_policy *pol, int k);

/* An account as listed (the PIN hash stays inside). NAME is personal data:
 * show it, never log it. */
typedef struct staff_info {
	char code[STAFF_CODE_MAX];
	char name[STAFF_NAME_MAX];
	staff_role role;
	int64_t created_at;  /* epoch s */
	int64_t disabled_at; /* epoch s; 0 = active */
} staff_info;

/*
 * Create an account. CODE, NAME, PIN (NUL-terminated, not NULL) must pass
 * staff_check_code/name/pin; ROLE in range; NOW (epoch s, >= 0) becomes
 * created_at. ACTOR (not NULL) is who does it: "cli" (the command line, role
 * "cli" in the audit log) or the code of an active supervisor or technician.
 * POL (may be NULL) only matters for fast_hash_for_tests.
 * The PIN is hashed first, outside any transaction; then ONE transaction
 * checks the actor and that CODE is free, inserts the account and appends
 * the audit entry "staff_add" (target CODE, detail "role=ROLE"; never the
 * name or the PIN).
 * Returns STAFF_OK; STAFF_ERR_CODE, _NAME, _ROLE, _PIN_FORMAT, _PIN_WEAK,
 * _INVALID (nothing hashed or written); STAFF_ERR_EXISTS, STAFF_ERR_ACTOR,
 * STAFF_ERR_STORE (nothing written).
 */
staff_err staff_add(queue *q, const staff_policy *pol, const char *code, const char *name, staff_role role,
		    const char *pin, int64_t now, const char *actor, queue_err *qerr);

/*
 * Disable the account CODE as of NOW (epoch s, >= 0): it can no longer
 * unlock the pad. ACTOR as staff_add(). One transaction: the account's
 * disabled_at and the audit entry "staff_disable" (target CODE, detail
 * "role=ROLE").
 * Returns STAFF_OK; STAFF_ERR_CODE, STAFF_ERR_INVALID; STAFF_ERR_UNKNOWN;
 * STAFF_ERR_DISABLED (already disabled: nothing changes); STAFF_ERR_ACTOR;
 * STAFF_ERR_STORE. On every error nothing was written.
 */
staff_err staff_disable(queue *q, const char *code, int64_t now, const char *actor, queue_err *qerr);

/*
 * Up to MAX (>= 0) accounts, ordered by code, into OUT (may be NULL when MAX
 * is 0), disabled ones included; *N (OUT, not NULL) how many were stored.
 * Returns QUEUE_OK, QUEUE_ERR_INVALID, QUEUE_ERR_BUSY, QUEUE_ERR_IO (also for
 * a stored row this code cannot read), QUEUE_ERR_NOMEM. Writes nothing.
 */
queue_err staff_list(queue *q, staff_info *out, int max, int *n);

/* The account CODE into *OUT (OUT, not NULL). Returns QUEUE_OK,
 * QUEUE_ERR_NOT_FOUND (also for a malformed code), QUEUE_ERR_BUSY,
 * QUEUE_ERR_IO, QUEUE_ERR_NOMEM. Writes nothing. */
queue_err staff_get(queue *q, const char *code, staff_info *out);

/* The pad's counters. */
typedef struct staff_pad {
	int failures;         /* wrong attempts since the last success or lock */
	int lockouts;         /* locks since the last success */
	int64_t locked_until; /* epoch s; 0 = never locked */
	bool locked;          /* NOW < locked_until, for the NOW asked about */
} staff_pad;

/* The pad's counters as of NOW (epoch s) into *OUT (OUT, not NULL; zeroed
 * on error). Attempts left before the next lock: pol.attempts - failures.
 * Returns QUEUE_OK, QUEUE_ERR_BUSY, QUEUE_ERR_IO, QUEUE_ERR_NOMEM. */
queue_err staff_pad_state(queue *q, int64_t now, staff_pad *out);

typedef enum staff_unlock_result {
	STAFF_UNLOCK_OK,     /* right code and PIN: *ACCOUNT is who it is */
	STAFF_UNLOCK_WRONG,  /* wrong code, wrong PIN or a disabled account (the pad does not
				say which); pol.attempts - pad_after.failures attempts are left */
	STAFF_UNLOCK_LOCKED, /* refused: the pad is locked until pad_after.locked_until (also
				right after the attempt that locked it) */
} staff_unlock_result;

/* Who unlocked the pad. NAME is personal data: show it, never log it. */
typedef struct staff_account {
	char code[STAFF_CODE_MAX];
	char name[STAFF_NAME_MAX];
	staff_role role;
} staff_account;

/*
 * One attempt on the PIN pad with the typed CODE and PIN (NUL-terminated,
 * not NULL; anything typed is accepted: a malformed code or PIN is simply a
 * wrong attempt) at NOW (epoch s, >= 0), under POL (may be NULL).
 *  - Pad locked at NOW: *RESULT = STAFF_UNLOCK_LOCKED, audit "unlock_locked"
 *    (detail "refused until=T"); no hash work at all, counters unchanged.
 *  - Otherwise the PIN is checked with crypto_pwhash_str_verify outside any
 *    transaction; for an unknown, disabled or malformed code against a fixed
 *    dummy hash of the same cost, so the time taken does not tell whether a
 *    code exists. Then ONE transaction:
 *      right: failures = 0, lockouts = 0, audit "unlock_ok" (actor CODE,
 *        role the account's); *RESULT = STAFF_UNLOCK_OK, *ACCOUNT filled.
 *      wrong: failures + 1, audit "unlock_failed" (actor CODE when it is 4-8
 *        digits, else "unknown"; role "kiosk"; detail the reason
 *        (wrong_pin, unknown_code, disabled, bad_format) and the count);
 *        *RESULT = STAFF_UNLOCK_WRONG. When failures reaches pol.attempts:
 *        locked_until = NOW + staff_lock_length(pol, lockouts), lockouts +
 *        1, failures = 0, a second audit entry "unlock_locked" (detail
 *        "lock_s=L lockouts=K"), and *RESULT = STAFF_UNLOCK_LOCKED.
 *    A lock set by another connection while the hash ran wins (LOCKED).
 * ACCOUNT (OUT, may be NULL) is zeroed unless the result is OK. PAD_AFTER
 * (OUT, may be NULL) gets the counters after the attempt. The caller wipes
 * its PIN buffer; this module makes no copy of it.
 * Returns STAFF_OK (the attempt was judged and recorded: see *RESULT, not
 * NULL); STAFF_ERR_INVALID (NULL argument, negative NOW, policy out of
 * range: nothing recorded); STAFF_ERR_STORE (nothing recorded, counters
 * unchanged: show "try again", never "unlocked").
 */
staff_err staff_unlock(queue *q, const staff_policy *pol, const char *code, const char *pin, int64_t now,
		       staff_account *account, staff_unlock_result *result, staff_pad *pad_after,
		       queue_err *qerr);

/*
 * Clear the pad's counters (failures, lockouts, lock) at NOW: a technician's
 * or supervisor's reset after a lockout they have looked into. ACTOR as
 * staff_add(). One transaction with the audit entry "pad_reset" (detail the
 * counters before). Returns STAFF_OK, STAFF_ERR_INVALID, STAFF_ERR_ACTOR,
 * STAFF_ERR_STORE.
 */
staff_err staff_pad_reset(queue *q, int64_t now, const char *actor, queue_err *qerr);

#endif

/*
 * staff: accounts and the PIN pad (see staff.h for the contracts).
 *
 * The expensive part of every call, the argon2id hash, runs before the
 * write transaction begins, so a 0.1 s hash never holds the write lock that
 * a citizen's submit waits for. What the hash decided is then written in
 * one short transaction together with its audit entry; whatever the hash
 * was based on (the account, the pad's lock) is read again inside that
 * transaction, so another connection's change in between is not lost.
 *
 * Statements are prepared per call on the queue handle's connection
 * (store_db): staff actions are rare. SQLite's error texts never leave
 * this file, and neither a name nor a PIN reaches an error or the audit log.
 */
#include "staff.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>
#include <sqlite3.h>

#include "audit.h"
#include "store.h"

/*
 * Hashes of a string no pad can type (it has letters), checked against for
 * an unknown or disabled code so that such an attempt costs what a real one
 * does. The first has the parameters crypto_pwhash_str() writes for
 * OPSLIMIT/MEMLIMIT_INTERACTIVE (t=2, 64 MiB), the second libsodium's
 * minimum, matching fast_hash_for_tests. test_staff measures that an
 * unknown code takes about as long as a known one, which also catches a
 * libsodium whose INTERACTIVE parameters moved away from these.
 */
static const char dummy_hash[crypto_pwhash_STRBYTES] =
	"$argon2id$v=19$m=65536,t=2,p=1$K3ADEzS4a057v71VX0VSvg$Ruk1nd1tJsZWhhMO1/A+AaPdLEzj2uad7uBUIxaCcVA";
static const char dummy_hash_fast[crypto_pwhash_STRBYTES] =
	"$argon2id$v=19$m=8,t=1,p=1$YBsk48E0Qzsia/5Z4AC7+w$w4efQGCeVRZX0q/CnvTGIJJBH6EoUqcjLTKAI3wTNv4";

#define MARK_FAILURES "unlock_failures"
#define MARK_LOCKOUTS "unlock_lockouts"
#define MARK_UNTIL "unlock_until"

/* Longest typed PIN that is hashed (a pad never sends more; a longer one is
 * wrong anyway, and is cut so its length cannot stretch the hash). */
#define PIN_TYPED_MAX 64

/* ---- names ----------------------------------------------------------------------- */

static const char *const role_names[STAFF_ROLE_COUNT] = {
	[STAFF_OFFICER] = "officer",
	[STAFF_SUPERVISOR] = "supervisor",
	[STAFF_TECHNICIAN] = "technician",
};

const char *staff_role_name(staff_role r)
{
	return (unsigned)r < STAFF_ROLE_COUNT ? role_names[r] : "?";
}

int staff_role_parse(const char *s, staff_role *out)
{
	if (!s || !out)
		return -1;
	for (int i = 0; i < STAFF_ROLE_COUNT; i++) {
		if (strcmp(s, role_names[i]) == 0) {
			*out = (staff_role)i;
			return 0;
		}
	}
	return -1;
}

rrole staff_rrole(staff_role r)
{
	switch (r) {
	case STAFF_OFFICER: return RROLE_OFFICER;
	case STAFF_SUPERVISOR: return RROLE_SUPERVISOR;
	default: return RROLE_COUNT;
	}
}

const char *staff_err_name(staff_err e)
{
	static const char *const names[] = {
		[STAFF_OK] = "ok",
		[STAFF_ERR_CODE] = "staff code must be 4-8 digits",
		[STAFF_ERR_NAME] = "name must be 1-64 bytes of text without control characters",
		[STAFF_ERR_ROLE] = "role must be officer, supervisor or technician",
		[STAFF_ERR_PIN_FORMAT] = "PIN must be 6-12 digits",
		[STAFF_ERR_PIN_WEAK] = "PIN too easy to guess",
		[STAFF_ERR_EXISTS] = "staff code already exists",
		[STAFF_ERR_UNKNOWN] = "no such staff code",
		[STAFF_ERR_DISABLED] = "account is disabled",
		[STAFF_ERR_ACTOR] = "actor may not manage staff",
		[STAFF_ERR_INVALID] = "invalid argument",
		[STAFF_ERR_STORE] = "database error",
	};
	if ((unsigned)e < sizeof names / sizeof names[0] && names[e])
		return names[e];
	return "unknown staff error";
}

/* ---- format rules ----------------------------------------------------------------- */

/* S is MIN..MAX digits. */
static bool digits(const char *s, size_t min, size_t max)
{
	if (!s)
		return false;
	size_t n = strnlen(s, max + 1);
	if (n < min || n > max)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
	}
	return true;
}

staff_err staff_check_code(const char *code)
{
	return digits(code, 4, 8) ? STAFF_OK : STAFF_ERR_CODE;
}

staff_err staff_check_name(const char *name)
{
	if (!name)
		return STAFF_ERR_NAME;
	size_t n = strnlen(name, STAFF_NAME_MAX);
	if (n == 0 || n >= STAFF_NAME_MAX || !audit_text_ok(name, n) || strspn(name, " ") == n)
		return STAFF_ERR_NAME;
	return STAFF_OK;
}

staff_err staff_check_pin(const char *pin, const char *code)
{
	if (!digits(pin, STAFF_PIN_MIN, STAFF_PIN_MAX))
		return STAFF_ERR_PIN_FORMAT;
	size_t n = strlen(pin);
	bool same = true, up = true, down = true;
	for (size_t i = 1; i < n; i++) {
		int d = pin[i] - '0', p = pin[i - 1] - '0';
		same = same && d == p;
		up = up && d == (p + 1) % 10;
		down = down && d == (p + 9) % 10;
	}
	if (same || up || down || (code && strcmp(pin, code) == 0))
		return STAFF_ERR_PIN_WEAK;
	return STAFF_OK;
}

static bool policy_ok(const staff_policy *p)
{
	return p->attempts >= 1 && p->attempts <= 100 && p->first_lock_s >= 1 && p->first_lock_s <= 86400 &&
	       p->max_lock_s >= p->first_lock_s && p->max_lock_s <= 604800;
}

int64_t staff_lock_length(const staff_policy *pol, int k)
{
	staff_policy def = STAFF_POLICY_DEFAULT;
	if (!pol)
		pol = &def;
	int64_t len = pol->first_lock_s, cap = pol->max_lock_s;
	for (int i = 0; i < k && len < cap; i++)
		len *= 2;
	return len < cap ? len : cap;
}

/* ---- SQLite helpers -------------------------------------------------------------- */

static int prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st)
{
	return sqlite3_prepare_v3(db, sql, -1, 0, st, NULL);
}

/* Copy text column COL of ST into DST (CAP bytes); false when it does not
 * fit (only a file this code did not write has such a value). */
static bool column_fits(sqlite3_stmt *st, int col, char *dst, size_t cap)
{
	const unsigned char *s = sqlite3_column_text(st, col);
	size_t n = (size_t)sqlite3_column_bytes(st, col);
	memset(dst, 0, cap);
	if (!s || n >= cap)
		return false;
	memcpy(dst, s, n);
	return true;
}

static staff_err store_fail(queue_err e, queue_err *qerr)
{
	if (qerr)
		*qerr = e == QUEUE_OK ? QUEUE_ERR_IO : e;
	return STAFF_ERR_STORE;
}

/* After an error inside a transaction: roll it back and say why. */
static staff_err abandon(queue *q, staff_err e, queue_err qe, queue_err *qerr)
{
	store_abandon(q);
	return e == STAFF_ERR_STORE ? store_fail(qe, qerr) : e;
}

/* The pad's counters, read on Q's connection (inside a transaction or not). */
static queue_err pad_read(sqlite3 *db, int64_t now, staff_pad *pad)
{
	sqlite3_stmt *st = NULL;
	memset(pad, 0, sizeof *pad);
	int rc = prepare(db,
			 "SELECT name, value FROM marks WHERE name IN ('" MARK_FAILURES "', '" MARK_LOCKOUTS
			 "', '" MARK_UNTIL "')",
			 &st);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		int64_t v = sqlite3_column_int64(st, 1);
		/* Counters out of range can only come from an edited file: clamp
		 * them to what still locks (never to "unlocked forever"). */
		int64_t small = v < 0 ? 0 : v > 1000 ? 1000 : v;
		if (!name)
			continue;
		if (strcmp(name, MARK_FAILURES) == 0)
			pad->failures = (int)small;
		else if (strcmp(name, MARK_LOCKOUTS) == 0)
			pad->lockouts = (int)small;
		else if (strcmp(name, MARK_UNTIL) == 0)
			pad->locked_until = v < 0 ? 0 : v;
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		memset(pad, 0, sizeof *pad);
		return store_map(rc);
	}
	pad->locked = now < pad->locked_until;
	return QUEUE_OK;
}

/* Store all three counters of PAD (inside a write transaction). */
static queue_err pad_write(sqlite3 *db, const staff_pad *pad)
{
	sqlite3_stmt *st = NULL;
	int rc = prepare(db,
			 "INSERT INTO marks (name, value) VALUES ('" MARK_FAILURES "', ?1), ('" MARK_LOCKOUTS
			 "', ?2), ('" MARK_UNTIL "', ?3)"
			 " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
			 &st);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, pad->failures);
		sqlite3_bind_int64(st, 2, pad->lockouts);
		sqlite3_bind_int64(st, 3, pad->locked_until);
		rc = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? QUEUE_OK : store_map_write(rc);
}

/* An account's row. */
typedef struct row {
	bool found;
	staff_info info;
	char pin_hash[crypto_pwhash_STRBYTES];
	bool hash_fits;
} row;

static queue_err row_read(sqlite3 *db, const char *code, row *r)
{
	sqlite3_stmt *st = NULL;
	memset(r, 0, sizeof *r);
	int rc = prepare(db,
			 "SELECT code, name, role, created_at, disabled_at, pin_hash FROM staff"
			 " WHERE code = ?1",
			 &st);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
	}
	queue_err err = QUEUE_OK;
	if (rc == SQLITE_ROW) {
		r->found = true;
		const char *role = (const char *)sqlite3_column_text(st, 2);
		if (!column_fits(st, 0, r->info.code, sizeof r->info.code) ||
		    !column_fits(st, 1, r->info.name, sizeof r->info.name) ||
		    staff_role_parse(role, &r->info.role) != 0)
			err = QUEUE_ERR_IO;
		r->info.created_at = sqlite3_column_int64(st, 3);
		r->info.disabled_at =
			sqlite3_column_type(st, 4) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, 4);
		r->hash_fits = column_fits(st, 5, r->pin_hash, sizeof r->pin_hash);
	} else if (rc != SQLITE_DONE) {
		err = store_map(rc);
	}
	sqlite3_finalize(st);
	if (err != QUEUE_OK)
		sodium_memzero(r, sizeof *r);
	return err;
}

static bool row_active(const row *r)
{
	return r->found && r->info.disabled_at == 0 && r->hash_fits;
}

/* Who ACTOR is, as the audit log names its role (inside a transaction):
 * "cli", or an active supervisor's or technician's code. */
static staff_err actor_role(sqlite3 *db, const char *actor, char role[AUDIT_ROLE_MAX], queue_err *qe)
{
	*qe = QUEUE_OK;
	if (strcmp(actor, "cli") == 0) {
		snprintf(role, AUDIT_ROLE_MAX, "cli");
		return STAFF_OK;
	}
	if (staff_check_code(actor) != STAFF_OK)
		return STAFF_ERR_ACTOR;
	row r;
	*qe = row_read(db, actor, &r);
	if (*qe != QUEUE_OK)
		return STAFF_ERR_STORE;
	bool ok = r.found && r.info.disabled_at == 0 &&
		  (r.info.role == STAFF_SUPERVISOR || r.info.role == STAFF_TECHNICIAN);
	if (ok)
		snprintf(role, AUDIT_ROLE_MAX, "%s", staff_role_name(r.info.role));
	sodium_memzero(&r, sizeof r);
	return ok ? STAFF_OK : STAFF_ERR_ACTOR;
}

/* Append one audit entry inside the open transaction. */
static queue_err audit_locked(queue *q, int64_t at, const char *actor, const char *role, const char *action,
			      const char *target, const char *detail)
{
	audit_rec r;
	queue_err e = audit_rec_fill(&r, at, actor, role, action, target, detail);
	/* Every string here was checked or built by this module: a refusal is
	 * a bug, reported as a storage error rather than a wrong argument. */
	return e == QUEUE_OK ? audit_append_locked(q, &r) : e == QUEUE_ERR_INVALID ? QUEUE_ERR_IO : e;
}

/* ---- accounts --------------------------------------------------------------------- */

staff_err staff_add(queue *q, const staff_policy *pol, const char *code, const char *name, staff_role role,
		    const char *pin, int64_t now, const char *actor, queue_err *qerr)
{
	if (qerr)
		*qerr = QUEUE_OK;
	if (!q || !code || !name || !pin || !actor || now < 0)
		return STAFF_ERR_INVALID;
	staff_err se = staff_check_code(code);
	if (se == STAFF_OK)
		se = staff_check_name(name);
	if (se == STAFF_OK && (unsigned)role >= STAFF_ROLE_COUNT)
		se = STAFF_ERR_ROLE;
	if (se == STAFF_OK)
		se = staff_check_pin(pin, code);
	if (se != STAFF_OK)
		return se;
	if (sodium_init() < 0)
		return store_fail(QUEUE_ERR_IO, qerr);

	bool fast = pol && pol->fast_hash_for_tests;
	char hash[crypto_pwhash_STRBYTES];
	if (crypto_pwhash_str(hash, pin, strlen(pin),
			      fast ? crypto_pwhash_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      fast ? crypto_pwhash_MEMLIMIT_MIN : crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return store_fail(QUEUE_ERR_NOMEM, qerr); /* argon2 could not get its memory */

	sqlite3 *db = store_db(q);
	queue_err qe = store_begin(q);
	if (qe != QUEUE_OK) {
		sodium_memzero(hash, sizeof hash);
		return store_fail(qe, qerr);
	}
	char arole[AUDIT_ROLE_MAX];
	se = actor_role(db, actor, arole, &qe);
	row existing;
	if (se == STAFF_OK) {
		qe = row_read(db, code, &existing);
		se = qe != QUEUE_OK ? STAFF_ERR_STORE : existing.found ? STAFF_ERR_EXISTS : STAFF_OK;
		sodium_memzero(&existing, sizeof existing);
	}
	if (se == STAFF_OK) {
		sqlite3_stmt *st = NULL;
		int rc = prepare(db,
				 "INSERT INTO staff (code, name, role, pin_hash, created_at)"
				 " VALUES (?1, ?2, ?3, ?4, ?5)",
				 &st);
		if (rc == SQLITE_OK) {
			sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 3, staff_role_name(role), -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 4, hash, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 5, now);
			rc = sqlite3_step(st);
		}
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE) {
			se = STAFF_ERR_STORE;
			qe = store_map_write(rc);
		}
	}
	sodium_memzero(hash, sizeof hash);
	if (se == STAFF_OK) {
		char detail[32];
		snprintf(detail, sizeof detail, "role=%s", staff_role_name(role));
		qe = audit_locked(q, now, actor, arole, "staff_add", code, detail);
		if (qe != QUEUE_OK)
			se = STAFF_ERR_STORE;
	}
	if (se != STAFF_OK)
		return abandon(q, se, qe, qerr);
	qe = store_commit(q);
	return qe == QUEUE_OK ? STAFF_OK : store_fail(qe, qerr);
}

staff_err staff_disable(queue *q, const char *code, int64_t now, const char *actor, queue_err *qerr)
{
	if (qerr)
		*qerr = QUEUE_OK;
	if (!q || !code || !actor || now < 0)
		return STAFF_ERR_INVALID;
	if (staff_check_code(code) != STAFF_OK)
		return STAFF_ERR_CODE;

	sqlite3 *db = store_db(q);
	queue_err qe = store_begin(q);
	if (qe != QUEUE_OK)
		return store_fail(qe, qerr);
	char arole[AUDIT_ROLE_MAX];
	staff_err se = actor_role(db, actor, arole, &qe);
	row r;
	memset(&r, 0, sizeof r);
	if (se == STAFF_OK) {
		qe = row_read(db, code, &r);
		se = qe != QUEUE_OK ? STAFF_ERR_STORE
		     : !r.found     ? STAFF_ERR_UNKNOWN
		     : r.info.disabled_at != 0 ? STAFF_ERR_DISABLED
					       : STAFF_OK;
	}
	if (se == STAFF_OK) {
		sqlite3_stmt *st = NULL;
		int rc = prepare(db, "UPDATE staff SET disabled_at = ?2 WHERE code = ?1", &st);
		if (rc == SQLITE_OK) {
			sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 2, now);
			rc = sqlite3_step(st);
		}
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE) {
			se = STAFF_ERR_STORE;
			qe = store_map_write(rc);
		}
	}
	if (se == STAFF_OK) {
		char detail[32];
		snprintf(detail, sizeof detail, "role=%s", staff_role_name(r.info.role));
		qe = audit_locked(q, now, actor, arole, "staff_disable", code, detail);
		if (qe != QUEUE_OK)
			se = STAFF_ERR_STORE;
	}
	sodium_memzero(&r, sizeof r);
	if (se != STAFF_OK)
		return abandon(q, se, qe, qerr);
	qe = store_commit(q);
	return qe == QUEUE_OK ? STAFF_OK : store_fail(qe, qerr);
}

queue_err staff_list(queue *q, staff_info *out, int max, int *n)
{
	if (n)
		*n = 0;
	if (!q || !n || max < 0 || (max > 0 && !out))
		return QUEUE_ERR_INVALID;
	if (max == 0)
		return QUEUE_OK;
	sqlite3_stmt *st = NULL;
	int rc = prepare(store_db(q),
			 "SELECT code, name, role, created_at, disabled_at FROM staff ORDER BY code LIMIT ?1",
			 &st);
	if (rc == SQLITE_OK)
		sqlite3_bind_int(st, 1, max);
	int count = 0;
	queue_err err = QUEUE_OK;
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		staff_info *s = &out[count];
		memset(s, 0, sizeof *s);
		if (!column_fits(st, 0, s->code, sizeof s->code) ||
		    !column_fits(st, 1, s->name, sizeof s->name) ||
		    staff_role_parse((const char *)sqlite3_column_text(st, 2), &s->role) != 0) {
			err = QUEUE_ERR_IO;
			break;
		}
		s->created_at = sqlite3_column_int64(st, 3);
		s->disabled_at = sqlite3_column_type(st, 4) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, 4);
		count++;
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (err == QUEUE_OK && rc != SQLITE_DONE)
		err = store_map(rc);
	if (err != QUEUE_OK) {
		memset(out, 0, (size_t)max * sizeof *out);
		return err;
	}
	*n = count;
	return QUEUE_OK;
}

queue_err staff_get(queue *q, const char *code, staff_info *out)
{
	if (!q || !out)
		return QUEUE_ERR_INVALID;
	memset(out, 0, sizeof *out);
	if (staff_check_code(code) != STAFF_OK)
		return QUEUE_ERR_NOT_FOUND;
	row r;
	queue_err err = row_read(store_db(q), code, &r);
	if (err == QUEUE_OK && !r.found)
		err = QUEUE_ERR_NOT_FOUND;
	if (err == QUEUE_OK)
		*out = r.info;
	sodium_memzero(&r, sizeof r);
	return err;
}

/* ---- the PIN pad ------------------------------------------------------------------ */

queue_err staff_pad_state(queue *q, int64_t now, staff_pad *out)
{
	if (!out)
		return QUEUE_ERR_INVALID;
	memset(out, 0, sizeof *out);
	if (!q)
		return QUEUE_ERR_INVALID;
	return pad_read(store_db(q), now, out);
}

/* Record an attempt refused because the pad is locked (no hash work). */
static staff_err refuse_locked(queue *q, const char *actor, int64_t now, staff_unlock_result *result,
			       staff_pad *pad_after, queue_err *qerr)
{
	queue_err qe = store_begin(q);
	if (qe != QUEUE_OK)
		return store_fail(qe, qerr);
	staff_pad pad;
	qe = pad_read(store_db(q), now, &pad);
	if (qe == QUEUE_OK) {
		char detail[64];
		snprintf(detail, sizeof detail, "refused until=%" PRId64, pad.locked_until);
		qe = audit_locked(q, now, actor, "kiosk", "unlock_locked", "", detail);
	}
	if (qe != QUEUE_OK)
		return abandon(q, STAFF_ERR_STORE, qe, qerr);
	qe = store_commit(q);
	if (qe != QUEUE_OK)
		return store_fail(qe, qerr);
	*result = STAFF_UNLOCK_LOCKED;
	if (pad_after)
		*pad_after = pad;
	return STAFF_OK;
}

staff_err staff_unlock(queue *q, const staff_policy *pol, const char *code, const char *pin, int64_t now,
		       staff_account *account, staff_unlock_result *result, staff_pad *pad_after,
		       queue_err *qerr)
{
	if (qerr)
		*qerr = QUEUE_OK;
	if (account)
		memset(account, 0, sizeof *account);
	if (pad_after)
		memset(pad_after, 0, sizeof *pad_after);
	staff_policy def = STAFF_POLICY_DEFAULT;
	if (!pol)
		pol = &def;
	if (!q || !code || !pin || !result || now < 0 || !policy_ok(pol))
		return STAFF_ERR_INVALID;
	*result = STAFF_UNLOCK_WRONG;
	if (sodium_init() < 0)
		return store_fail(QUEUE_ERR_IO, qerr);
	sqlite3 *db = store_db(q);

	bool code_ok = staff_check_code(code) == STAFF_OK;
	const char *actor = code_ok ? code : "unknown";

	staff_pad pad;
	queue_err qe = pad_read(db, now, &pad);
	if (qe != QUEUE_OK)
		return store_fail(qe, qerr);
	if (pad.locked)
		return refuse_locked(q, actor, now, result, pad_after, qerr);

	row acct;
	memset(&acct, 0, sizeof acct);
	if (code_ok) {
		qe = row_read(db, code, &acct);
		if (qe != QUEUE_OK)
			return store_fail(qe, qerr);
	}
	bool pin_ok = digits(pin, STAFF_PIN_MIN, STAFF_PIN_MAX);
	const char *reason = !code_ok || !pin_ok ? "bad_format"
			     : !acct.found       ? "unknown_code"
			     : !row_active(&acct) ? "disabled"
						  : NULL;
	/* The same work whatever the reason: an unknown code costs what a
	 * known one does (the pad must not tell which codes exist). */
	const char *dummy = pol->fast_hash_for_tests ? dummy_hash_fast : dummy_hash;
	const char *against = reason ? dummy : acct.pin_hash;
	bool right = crypto_pwhash_str_verify(against, pin, strnlen(pin, PIN_TYPED_MAX)) == 0 && !reason;
	if (!right && !reason)
		reason = "wrong_pin";

	qe = store_begin(q);
	if (qe != QUEUE_OK) {
		sodium_memzero(&acct, sizeof acct);
		return store_fail(qe, qerr);
	}
	/* What the hash was judged on may have changed meanwhile: a lock set
	 * by another connection wins, and a right PIN counts only for an
	 * account that is still active with the same hash. */
	qe = pad_read(db, now, &pad);
	if (qe == QUEUE_OK && pad.locked) {
		store_abandon(q);
		sodium_memzero(&acct, sizeof acct);
		return refuse_locked(q, actor, now, result, pad_after, qerr);
	}
	if (qe == QUEUE_OK && right) {
		row again;
		qe = row_read(db, code, &again);
		if (qe == QUEUE_OK && (!row_active(&again) || strcmp(again.pin_hash, acct.pin_hash) != 0)) {
			right = false;
			reason = "disabled";
		}
		sodium_memzero(&again, sizeof again);
	}

	staff_unlock_result res = STAFF_UNLOCK_WRONG;
	if (qe == QUEUE_OK && right) {
		pad.failures = 0;
		pad.lockouts = 0;
		qe = pad_write(db, &pad);
		if (qe == QUEUE_OK)
			qe = audit_locked(q, now, code, staff_role_name(acct.info.role), "unlock_ok", "", "");
		res = STAFF_UNLOCK_OK;
	} else if (qe == QUEUE_OK) {
		pad.failures++;
		char detail[64];
		snprintf(detail, sizeof detail, "reason=%s failures=%d/%d", reason, pad.failures,
			 pol->attempts);
		qe = audit_locked(q, now, actor, "kiosk", "unlock_failed", "", detail);
		if (qe == QUEUE_OK && pad.failures >= pol->attempts) {
			int64_t len = staff_lock_length(pol, pad.lockouts);
			pad.locked_until = now > INT64_MAX - len ? INT64_MAX : now + len;
			pad.lockouts++;
			pad.failures = 0;
			pad.locked = true;
			snprintf(detail, sizeof detail, "lock_s=%" PRId64 " lockouts=%d", len, pad.lockouts);
			qe = audit_locked(q, now, actor, "kiosk", "unlock_locked", "", detail);
			res = STAFF_UNLOCK_LOCKED;
		}
		if (qe == QUEUE_OK)
			qe = pad_write(db, &pad);
	}
	if (qe != QUEUE_OK) {
		sodium_memzero(&acct, sizeof acct);
		return abandon(q, STAFF_ERR_STORE, qe, qerr);
	}
	qe = store_commit(q);
	if (qe != QUEUE_OK) {
		sodium_memzero(&acct, sizeof acct);
		return store_fail(qe, qerr);
	}
	*result = res;
	if (pad_after)
		*pad_after = pad;
	if (res == STAFF_UNLOCK_OK && account) {
		memcpy(account->code, acct.info.code, sizeof account->code);
		memcpy(account->name, acct.info.name, sizeof account->name);
		account->role = acct.info.role;
	}
	sodium_memzero(&acct, sizeof acct);
	return STAFF_OK;
}

staff_err staff_pad_reset(queue *q, int64_t now, const char *actor, queue_err *qerr)
{
	if (qerr)
		*qerr = QUEUE_OK;
	if (!q || !actor || now < 0)
		return STAFF_ERR_INVALID;
	sqlite3 *db = store_db(q);
	queue_err qe = store_begin(q);
	if (qe != QUEUE_OK)
		return store_fail(qe, qerr);
	char arole[AUDIT_ROLE_MAX];
	staff_err se = actor_role(db, actor, arole, &qe);
	staff_pad pad;
	if (se == STAFF_OK) {
		qe = pad_read(db, now, &pad);
		if (qe != QUEUE_OK)
			se = STAFF_ERR_STORE;
	}
	if (se == STAFF_OK) {
		char detail[96];
		snprintf(detail, sizeof detail, "failures=%d lockouts=%d until=%" PRId64, pad.failures,
			 pad.lockouts, pad.locked_until);
		qe = audit_locked(q, now, actor, arole, "pad_reset", "", detail);
		if (qe == QUEUE_OK) {
			staff_pad zero = {0};
			qe = pad_write(db, &zero);
		}
		if (qe != QUEUE_OK)
			se = STAFF_ERR_STORE;
	}
	if (se != STAFF_OK)
		return abandon(q, se, qe, qerr);
	qe = store_commit(q);
	return qe == QUEUE_OK ? STAFF_OK : store_fail(qe, qerr);
}

/*
 * test_staff: staff accounts and the PIN pad (sync/staff.c) on real SQLite
 * files.
 *
 * Accounts are added, listed and disabled through the calls and checked in
 * the file and in the audit log (code and role there, never the name or the
 * PIN). Every format rule is tried with bad input and leaves nothing
 * stored. The pad is driven through wrong PINs, unknown and malformed codes
 * and disabled accounts into its lockout: the right PIN is refused while
 * locked, the lock doubles and caps, a success resets it, and a closed and
 * reopened store (a restart) still knows it. An unknown code must cost
 * about as long as a known one (argon2id at INTERACTIVE against a dummy
 * hash), and a locked pad no hash at all. Every attempt leaves an audit
 * entry and the chain verifies clean; the PIN's digits appear nowhere in
 * the database files. Most tests hash at libsodium's minimum cost
 * (fast_hash_for_tests) to stay fast; the timing test uses production cost.
 * The people are made up (Dewi Lestari, Agus Prasetyo, Rina Wulandari).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "audit.h"
#include "queue.h"
#include "staff.h"
#include "fixture_dir.h"

#define T0 INT64_C(1767318300) /* Friday 2026-01-02 08:45 WIB */
#define PIN_DEWI "246813"
#define NAME_DEWI "Dewi Lestari"

typedef struct fixture {
	char dir[256];
	int n;
} fixture;

static const staff_policy fast = {.attempts = 5, .first_lock_s = 60, .max_lock_s = 3600,
				  .fast_hash_for_tests = true};

/* ---- helpers ---------------------------------------------------------------------- */

static void new_path(void **state, char *out, size_t cap)
{
	fixture *fx = *state;
	snprintf(out, cap, "%s/staff-%d.db", fx->dir, fx->n++);
}

static queue *open_ok(const char *path)
{
	queue *q = NULL;
	queue_err e = queue_open(&q, path, NULL);
	if (e != QUEUE_OK)
		fail_msg("queue_open: %s", queue_err_name(e));
	return q;
}

static void add_ok(queue *q, const staff_policy *pol, const char *code, const char *name, staff_role role,
		   const char *pin, const char *actor)
{
	queue_err qe = QUEUE_ERR_IO;
	staff_err e = staff_add(q, pol, code, name, role, pin, T0, actor, &qe);
	if (e != STAFF_OK)
		fail_msg("staff_add %s: %s (%s)", code, staff_err_name(e), queue_err_name(qe));
	assert_int_equal(qe, QUEUE_OK);
}

static int64_t raw_int(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 2000);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("raw SQL: %s", sqlite3_errmsg(db));
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* One attempt; returns the result, checks that it was recorded. */
static staff_unlock_result attempt(queue *q, const staff_policy *pol, const char *code, const char *pin,
				   int64_t now, staff_account *acct, staff_pad *pad)
{
	staff_unlock_result res = (staff_unlock_result)-1;
	queue_err qe = QUEUE_ERR_IO;
	staff_err e = staff_unlock(q, pol, code, pin, now, acct, &res, pad, &qe);
	if (e != STAFF_OK)
		fail_msg("staff_unlock: %s (%s)", staff_err_name(e), queue_err_name(qe));
	assert_int_equal(qe, QUEUE_OK);
	return res;
}

static void assert_audit_clean(queue *q, int64_t want_entries)
{
	audit_problem p[4];
	int n = -1;
	int64_t entries = -1;
	assert_int_equal(audit_verify(q, p, 4, &n, &entries), QUEUE_OK);
	if (n != 0) {
		char text[256];
		audit_problem_describe(&p[0], text, sizeof text);
		fail_msg("audit not clean: %s", text);
	}
	if (want_entries >= 0)
		assert_int_equal(entries, want_entries);
}

/* The newest audit entry. */
static audit_entry newest(queue *q)
{
	audit_entry e;
	int n = 0;
	assert_int_equal(audit_list(q, 0, &e, 1, &n), QUEUE_OK);
	assert_int_equal(n, 1);
	return e;
}

static double mono(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* A whole file's bytes contain NEEDLE (the file may not exist: false). */
static bool file_contains(const char *path, const char *needle)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	size_t cap = 1 << 20, len = 0;
	char *buf = malloc(cap);
	assert_non_null(buf);
	size_t got;
	while ((got = fread(buf + len, 1, cap - len, f)) > 0) {
		len += got;
		if (len == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
	}
	fclose(f);
	bool found = memmem(buf, len, needle, strlen(needle)) != NULL;
	free(buf);
	return found;
}

/* ---- names and rules ---------------------------------------------------------------- */

static void test_names_and_lock_length(void **state)
{
	(void)state;
	staff_role r = STAFF_ROLE_COUNT;
	assert_int_equal(staff_role_parse("supervisor", &r), 0);
	assert_int_equal(r, STAFF_SUPERVISOR);
	assert_int_equal(staff_role_parse("Supervisor", &r), -1);
	assert_int_equal(staff_role_parse("admin", &r), -1);
	assert_int_equal(staff_role_parse(NULL, &r), -1);
	assert_int_equal(r, STAFF_SUPERVISOR);
	assert_string_equal(staff_role_name(STAFF_TECHNICIAN), "technician");
	assert_string_equal(staff_role_name((staff_role)7), "?");
	assert_int_equal(staff_rrole(STAFF_OFFICER), RROLE_OFFICER);
	assert_int_equal(staff_rrole(STAFF_SUPERVISOR), RROLE_SUPERVISOR);
	assert_int_equal(staff_rrole(STAFF_TECHNICIAN), RROLE_COUNT);
	for (int e = STAFF_OK; e <= STAFF_ERR_STORE; e++) {
		assert_true(strlen(staff_err_name((staff_err)e)) > 1);
		for (int f = STAFF_OK; f < e; f++)
			assert_string_not_equal(staff_err_name((staff_err)e), staff_err_name((staff_err)f));
	}
	assert_string_equal(staff_err_name((staff_err)99), "unknown staff error");

	staff_policy def = STAFF_POLICY_DEFAULT;
	static const int64_t want[] = {60, 120, 240, 480, 960, 1920, 3600, 3600};
	for (int k = 0; k < 8; k++) {
		assert_int_equal(staff_lock_length(&def, k), want[k]);
		assert_int_equal(staff_lock_length(NULL, k), want[k]);
	}
	assert_int_equal(staff_lock_length(&def, 1000000), 3600);
}

static void test_check_rules(void **state)
{
	(void)state;
	assert_int_equal(staff_check_code("1001"), STAFF_OK);
	assert_int_equal(staff_check_code("12345678"), STAFF_OK);
	const char *bad_codes[] = {"123", "123456789", "12a4", "", " 1001", "1001 ", "-100", NULL};
	for (size_t i = 0; i < sizeof bad_codes / sizeof bad_codes[0]; i++)
		assert_int_equal(staff_check_code(bad_codes[i]), STAFF_ERR_CODE);

	assert_int_equal(staff_check_name(NAME_DEWI), STAFF_OK);
	assert_int_equal(staff_check_name("Ni Luh Putu Ay\xC3\xBC"), STAFF_OK);
	char name64[65], name65[66];
	memset(name64, 'a', 64);
	name64[64] = '\0';
	memset(name65, 'a', 65);
	name65[65] = '\0';
	assert_int_equal(staff_check_name(name64), STAFF_OK);
	const char *bad_names[] = {"", "   ", name65, "Dewi\nLestari", "Dewi\tLestari", "Dewi \xC3", NULL};
	for (size_t i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++)
		assert_int_equal(staff_check_name(bad_names[i]), STAFF_ERR_NAME);

	assert_int_equal(staff_check_pin("246813", "1001"), STAFF_OK);
	assert_int_equal(staff_check_pin("135790", NULL), STAFF_OK);
	assert_int_equal(staff_check_pin("583920174652", "1001"), STAFF_OK);
	const char *bad_format[] = {"24681", "5839201746521", "24681a", "246 813", "", "-24681", NULL};
	for (size_t i = 0; i < sizeof bad_format / sizeof bad_format[0]; i++)
		assert_int_equal(staff_check_pin(bad_format[i], NULL), STAFF_ERR_PIN_FORMAT);
	const char *weak[] = {"111111", "000000000000", "123456", "987654", "0123456789", "890123",
			      "3210987", "456789012345"};
	for (size_t i = 0; i < sizeof weak / sizeof weak[0]; i++)
		assert_int_equal(staff_check_pin(weak[i], NULL), STAFF_ERR_PIN_WEAK);
	assert_int_equal(staff_check_pin("20250817", "20250817"), STAFF_ERR_PIN_WEAK);
	assert_int_equal(staff_check_pin("20250817", "1001"), STAFF_OK);
}

/* ---- accounts ----------------------------------------------------------------------- */

static void test_add_list_disable(void **state)
{
	char path[300];
	new_path(state, path, sizeof path);
	queue *q = open_ok(path);
	add_ok(q, &fast, "2001", "Agus Prasetyo", STAFF_SUPERVISOR, "864209", "cli");
	add_ok(q, &fast, "1001", NAME_DEWI, STAFF_OFFICER, PIN_DEWI, "cli");
	/* A supervisor and a technician may add accounts; an officer may not. */
	add_ok(q, &fast, "3001", "Rina Wulandari", STAFF_TECHNICIAN, "975318", "2001");
	add_ok(q, &fast, "1002", "Budi Hartono", STAFF_OFFICER, "357913", "3001");
	queue_err qe;
	assert_int_equal(staff_add(q, &fast, "1003", "Sri Rahayu", STAFF_OFFICER, "802468", T0, "1001", &qe),
			 STAFF_ERR_ACTOR);
	assert_int_equal(staff_add(q, &fast, "1003", "Sri Rahayu", STAFF_OFFICER, "802468", T0, "9999", &qe),
			 STAFF_ERR_ACTOR);
	assert_int_equal(staff_add(q, &fast, "1003", "Sri Rahayu", STAFF_OFFICER, "802468", T0, "root", &qe),
			 STAFF_ERR_ACTOR);
	assert_int_equal(qe, QUEUE_OK);

	staff_info list[8];
	int n = 0;
	assert_int_equal(staff_list(q, list, 8, &n), QUEUE_OK);
	assert_int_equal(n, 4);
	assert_string_equal(list[0].code, "1001");
	assert_string_equal(list[0].name, NAME_DEWI);
	assert_int_equal(list[0].role, STAFF_OFFICER);
	assert_int_equal(list[0].created_at, T0);
	assert_int_equal(list[0].disabled_at, 0);
	assert_string_equal(list[1].code, "1002");
	assert_string_equal(list[2].code, "2001");
	assert_int_equal(list[2].role, STAFF_SUPERVISOR);
	assert_string_equal(list[3].code, "3001");
	assert_int_equal(list[3].role, STAFF_TECHNICIAN);
	assert_int_equal(staff_list(q, list, 2, &n), QUEUE_OK);
	assert_int_equal(n, 2);

	/* Disable, by a supervisor. */
	assert_int_equal(staff_disable(q, "1001", T0 + 600, "2001", &qe), STAFF_OK);
	staff_info one;
	assert_int_equal(staff_get(q, "1001", &one), QUEUE_OK);
	assert_int_equal(one.disabled_at, T0 + 600);
	assert_int_equal(staff_disable(q, "1001", T0 + 700, "2001", &qe), STAFF_ERR_DISABLED);
	assert_int_equal(staff_disable(q, "9999", T0 + 700, "2001", &qe), STAFF_ERR_UNKNOWN);
	assert_int_equal(staff_disable(q, "99x9", T0 + 700, "2001", &qe), STAFF_ERR_CODE);
	assert_int_equal(staff_disable(q, "1002", T0 + 700, "1001", &qe), STAFF_ERR_ACTOR);
	assert_int_equal(staff_disable(q, "1002", -1, "cli", &qe), STAFF_ERR_INVALID);
	assert_int_equal(staff_get(q, "1001", &one), QUEUE_OK);
	assert_int_equal(one.disabled_at, T0 + 600);
	assert_int_equal(staff_get(q, "4444", &one), QUEUE_ERR_NOT_FOUND);
	assert_int_equal(staff_get(q, "x", &one), QUEUE_ERR_NOT_FOUND);
	/* A disabled code stays taken: the audit log names it. */
	assert_int_equal(staff_add(q, &fast, "1001", "Sri Rahayu", STAFF_OFFICER, "802468", T0, "cli", &qe),
			 STAFF_ERR_EXISTS);

	/* The audit log: who did what to which code, never a name or a PIN. */
	audit_entry e[8];
	assert_int_equal(audit_list(q, 0, e, 8, &n), QUEUE_OK);
	assert_int_equal(n, 5);
	assert_string_equal(e[0].rec.action, "staff_disable");
	assert_string_equal(e[0].rec.actor, "2001");
	assert_string_equal(e[0].rec.role, "supervisor");
	assert_string_equal(e[0].rec.target, "1001");
	assert_string_equal(e[0].rec.detail, "role=officer");
	assert_int_equal(e[0].rec.at, T0 + 600);
	assert_string_equal(e[1].rec.action, "staff_add");
	assert_string_equal(e[1].rec.actor, "3001");
	assert_string_equal(e[1].rec.role, "technician");
	assert_string_equal(e[1].rec.target, "1002");
	assert_string_equal(e[4].rec.actor, "cli");
	assert_string_equal(e[4].rec.role, "cli");
	assert_string_equal(e[4].rec.target, "2001");
	assert_string_equal(e[4].rec.detail, "role=supervisor");
	assert_audit_clean(q, 5);
	queue_close(&q);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM audit WHERE actor || role || action || target ||"
				       " detail LIKE '%Dewi%' OR detail LIKE '%Agus%'"
				       " OR detail LIKE '%" PIN_DEWI "%'"),
			 0);
	/* The PIN is stored as an argon2id string at INTERACTIVE cost unless
	 * the test asked for the fast one. */
	assert_int_equal(raw_int(path, "SELECT count(*) FROM staff WHERE pin_hash LIKE '$argon2id$%'"), 4);
}

static void test_add_errors(void **state)
{
	char path[300];
	new_path(state, path, sizeof path);
	queue *q = open_ok(path);
	add_ok(q, &fast, "1001", NAME_DEWI, STAFF_OFFICER, PIN_DEWI, "cli");
	static const struct {
		const char *code, *name;
		int role;
		const char *pin;
		staff_err want;
	} cases[] = {
		{"101", "Sri Rahayu", STAFF_OFFICER, "802468", STAFF_ERR_CODE},
		{"123456789", "Sri Rahayu", STAFF_OFFICER, "802468", STAFF_ERR_CODE},
		{"10a3", "Sri Rahayu", STAFF_OFFICER, "802468", STAFF_ERR_CODE},
		{"1003", "", STAFF_OFFICER, "802468", STAFF_ERR_NAME},
		{"1003", "  ", STAFF_OFFICER, "802468", STAFF_ERR_NAME},
		{"1003", "Sri\nRahayu", STAFF_OFFICER, "802468", STAFF_ERR_NAME},
		{"1003", "Sri Rahayu", 3, "802468", STAFF_ERR_ROLE},
		{"1003", "Sri Rahayu", -1, "802468", STAFF_ERR_ROLE},
		{"1003", "Sri Rahayu", STAFF_OFFICER, "80246", STAFF_ERR_PIN_FORMAT},
		{"1003", "Sri Rahayu", STAFF_OFFICER, "8024681357913", STAFF_ERR_PIN_FORMAT},
		{"1003", "Sri Rahayu", STAFF_OFFICER, "80246x", STAFF_ERR_PIN_FORMAT},
		{"1003", "Sri Rahayu", STAFF_OFFICER, "777777", STAFF_ERR_PIN_WEAK},
		{"1003", "Sri Rahayu", STAFF_OFFICER, "123456", STAFF_ERR_PIN_WEAK},
		{"1003", "Sri Rahayu", STAFF_OFFICER, "654321", STAFF_ERR_PIN_WEAK},
		{"100300", "Sri Rahayu", STAFF_OFFICER, "100300", STAFF_ERR_PIN_WEAK},
		{"1001", "Sri Rahayu", STAFF_OFFICER, "802468", STAFF_ERR_EXISTS},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		queue_err qe = QUEUE_ERR_IO;
		staff_err e = staff_add(q, &fast, cases[i].code, cases[i].name, (staff_role)cases[i].role,
					cases[i].pin, T0, "cli", &qe);
		if (e != cases[i].want)
			fail_msg("case %zu: %s, want %s", i, staff_err_name(e),
				 staff_err_name(cases[i].want));
		assert_int_equal(qe, QUEUE_OK);
	}
	queue_err qe;
	assert_int_equal(staff_add(q, &fast, NULL, "Sri", STAFF_OFFICER, "802468", T0, "cli", &qe),
			 STAFF_ERR_INVALID);
	assert_int_equal(staff_add(q, &fast, "1003", "Sri", STAFF_OFFICER, NULL, T0, "cli", &qe),
			 STAFF_ERR_INVALID);
	assert_int_equal(staff_add(q, &fast, "1003", "Sri", STAFF_OFFICER, "802468", -1, "cli", &qe),
			 STAFF_ERR_INVALID);
	assert_int_equal(staff_add(q, &fast, "1003", "Sri", STAFF_OFFICER, "802468", T0, NULL, &qe),
			 STAFF_ERR_INVALID);
	queue_close(&q);
	/* Nothing but the first account and its audit entry. */
	assert_int_equal(raw_int(path, "SELECT count(*) FROM staff"), 1);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM audit"), 1);
}

/* ---- the pad -------------------------------------------------------------------------- */

static void test_unlock_right_and_wrong(void **state)
{
	char path[300];
	new_path(state, path, sizeof path);
	queue *q = open_ok(path);
	add_ok(q, &fast, "1001", NAME_DEWI, STAFF_OFFICER, PIN_DEWI, "cli");
	add_ok(q, &fast, "1002", "Budi Hartono", STAFF_OFFICER, "357913", "cli");
	assert_int_equal(staff_disable(q, "1002", T0, "cli", NULL), STAFF_OK);

	staff_account acct;
	staff_pad pad;
	int64_t t = T0 + 3600;
	assert_int_equal(attempt(q, &fast, "1001", PIN_DEWI, t, &acct, &pad), STAFF_UNLOCK_OK);
	assert_string_equal(acct.code, "1001");
	assert_string_equal(acct.name, NAME_DEWI);
	assert_int_equal(acct.role, STAFF_OFFICER);
	assert_int_equal(pad.failures, 0);
	assert_false(pad.locked);
	audit_entry e = newest(q);
	assert_string_equal(e.rec.action, "unlock_ok");
	assert_string_equal(e.rec.actor, "1001");
	assert_string_equal(e.rec.role, "officer");

	/* Wrong PIN, unknown code, malformed input, disabled account: all just
	 * "wrong", each one counted and recorded. */
	static const struct {
		const char *code, *pin, *actor, *reason;
	} wrong[] = {
		{"1001", "246814", "1001", "wrong_pin"},
		{"4321", PIN_DEWI, "4321", "unknown_code"},
		{"12", PIN_DEWI, "unknown", "bad_format"},
		{"1002", "357913", "1002", "disabled"},
	};
	for (int i = 0; i < 4; i++) {
		memset(&acct, 0x5A, sizeof acct);
		assert_int_equal(attempt(q, &fast, wrong[i].code, wrong[i].pin, t + i, &acct, &pad),
				 STAFF_UNLOCK_WRONG);
		staff_account zero;
		memset(&zero, 0, sizeof zero);
		assert_memory_equal(&acct, &zero, sizeof zero);
		assert_int_equal(pad.failures, i + 1);
		assert_int_equal(fast.attempts - pad.failures, 4 - i);
		assert_false(pad.locked);
		e = newest(q);
		assert_string_equal(e.rec.action, "unlock_failed");
		assert_string_equal(e.rec.actor, wrong[i].actor);
		assert_string_equal(e.rec.role, "kiosk");
		char detail[64];
		snprintf(detail, sizeof detail, "reason=%s failures=%d/5", wrong[i].reason, i + 1);
		assert_string_equal(e.rec.detail, detail);
	}
	staff_pad now;
	assert_int_equal(staff_pad_state(q, t, &now), QUEUE_OK);
	assert_int_equal(now.failures, 4);

	/* A success resets the count. */
	assert_int_equal(attempt(q, &fast, "1001", PIN_DEWI, t + 10, &acct, &pad), STAFF_UNLOCK_OK);
	assert_int_equal(pad.failures, 0);
	assert_int_equal(staff_pad_state(q, t, &now), QUEUE_OK);
	assert_int_equal(now.failures, 0);
	/* 3 audit entries for the accounts, 6 attempts. */
	assert_audit_clean(q, 9);
	queue_close(&q);
}

static void test_lockout_grows_and_resets(void **state)
{
	char path[300];
	new_path(state, path, sizeof path);
	queue *q = open_ok(path);
	add_ok(q, &fast, "1001", NAME_DEWI, STAFF_OFFICER, PIN_DEWI, "cli");
	staff_account acct;
	staff_pad pad;
	int64_t t = T0 + 3600;
	int64_t entries = 1;

	static const int64_t want[] = {60, 120, 240, 480, 960, 1920, 3600, 3600};
	for (int k = 0; k < 8; k++) {
		for (int i = 0; i < 4; i++) {
			assert_int_equal(attempt(q, &fast, "1001", "000111", t++, &acct, &pad),
					 STAFF_UNLOCK_WRONG);
			entries++;
		}
		/* The fifth wrong attempt locks the pad. */
		int64_t at = t++;
		assert_int_equal(attempt(q, &fast, "1001", "000111", at, &acct, &pad), STAFF_UNLOCK_LOCKED);
		entries += 2;
		assert_true(pad.locked);
		assert_int_equal(pad.locked_until, at + want[k]);
		assert_int_equal(pad.lockouts, k + 1);
		assert_int_equal(pad.failures, 0);
		audit_entry e = newest(q);
		assert_string_equal(e.rec.action, "unlock_locked");
		char detail[64];
		snprintf(detail, sizeof detail, "lock_s=%lld lockouts=%d", (long long)want[k], k + 1);
		assert_string_equal(e.rec.detail, detail);

		/* The right PIN is refused while locked, and counts nothing. */
		assert_int_equal(attempt(q, &fast, "1001", PIN_DEWI, at + 1, &acct, &pad),
				 STAFF_UNLOCK_LOCKED);
		entries++;
		assert_string_equal(acct.code, "");
		assert_int_equal(pad.failures, 0);
		assert_int_equal(pad.locked_until, at + want[k]);
		e = newest(q);
		assert_string_equal(e.rec.action, "unlock_locked");
		assert_string_equal(e.rec.actor, "1001");
		assert_int_equal(attempt(q, &fast, "1001", PIN_DEWI, at + want[k] - 1, &acct, &pad),
				 STAFF_UNLOCK_LOCKED);
		entries++;
		t = at + want[k]; /* the lock is over at locked_until */
	}
	/* Over: the right PIN works and resets the lock's growth. */
	assert_int_equal(attempt(q, &fast, "1001", PIN_DEWI, t, &acct, &pad), STAFF_UNLOCK_OK);
	entries++;
	assert_int_equal(pad.lockouts, 0);
	assert_int_equal(pad.failures, 0);
	for (int i = 0; i < 5; i++) {
		staff_unlock_result r = attempt(q, &fast, "1001", "000111", ++t, &acct, &pad);
		assert_int_equal(r, i < 4 ? STAFF_UNLOCK_WRONG : STAFF_UNLOCK_LOCKED);
		entries += i < 4 ? 1 : 2;
	}
	assert_int_equal(pad.locked_until, t + 60);
	assert_audit_clean(q, entries);
	queue_close(&q);
}

static void test_lockout_survives_restart(void **state)
{
	char path[300];
	new_path(state, path, sizeof path);
	queue *q = open_ok(path);
	add_ok(q, &fast, "1001", NAME_DEWI, STAFF_OFFICER, PIN_DEWI, "cli");
	staff_pad pad;
	int64_t t = T0 + 3600;
	for (int i = 0; i < 4; i++)
		assert_int_equal(attempt(q, &fast, "1001", "000111", t++, NULL, &pad), STAFF_UNLOCK_WRONG);
	queue_close(&q);

	/* Restart: the count goes on. */
	q = open_ok(path);
	assert_int_equal(staff_pad_state(q, t, &pad), QUEUE_OK);
	assert_int_equal(pad.failures, 4);
	assert_int_equal(attempt(q, &fast, "9999", "000111", t, NULL, &pad), STAFF_UNLOCK_LOCKED);
	int64_t until = pad.locked_until;
	assert_int_equal(until, t + 60);
	queue_close(&q);

	/* Restart: still locked, the right PIN refused. */
	q = open_ok(path);
	assert_int_equal(staff_pad_state(q, t + 30, &pad), QUEUE_OK);
	assert_true(pad.locked);
	assert_int_equal(pad.locked_until, until);
	assert_int_equal(pad.lockouts, 1);
	staff_account acct;
	assert_int_equal(attempt(q, &fast, "1001", PIN_DEWI, t + 30, &acct, &pad), STAFF_UNLOCK_LOCKED);
	assert_int_equal(attempt(q, &fast, "1001", PIN_DEWI, until, &acct, &pad), STAFF_UNLOCK_OK);
	assert_audit_clean(q, 1 + 4 + 2 + 2);
	queue_close(&q);
	assert_int_equal(raw_int(path, "SELECT value FROM marks WHERE name = 'unlock_lockouts'"), 0);
	assert_int_equal(raw_int(path, "SELECT value FROM marks WHERE name = 'unlock_until'"), until);
}

static void test_unknown_code_costs_the_same(void **state)
{
	char path[300];
	new_path(state, path, sizeof path);
	queue *q = open_ok(path);
	/* Production cost, with room for many attempts. */
	staff_policy prod = STAFF_POLICY_DEFAULT;
	prod.attempts = 100;
	add_ok(q, NULL, "1001", NAME_DEWI, STAFF_OFFICER, PIN_DEWI, "cli");
	add_ok(q, NULL, "1002", "Budi Hartono", STAFF_OFFICER, "357913", "cli");
	assert_int_equal(staff_disable(q, "1002", T0, "cli", NULL), STAFF_OK);
	queue_close(&q);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM staff"
				       " WHERE pin_hash LIKE '$argon2id$v=19$m=65536,t=2,p=1$%'"),
			 2);
	q = open_ok(path);

	/* Interleaved, so a machine that slows down hits both alike. */
	double known = 1e9, unknown = 1e9, disabled = 1e9;
	for (int i = 0; i < 3; i++) {
		double a = mono();
		assert_int_equal(attempt(q, &prod, "1001", "000111", T0 + i, NULL, NULL), STAFF_UNLOCK_WRONG);
		double b = mono();
		assert_int_equal(attempt(q, &prod, "7777", "000111", T0 + i, NULL, NULL), STAFF_UNLOCK_WRONG);
		double c = mono();
		assert_int_equal(attempt(q, &prod, "1002", "357913", T0 + i, NULL, NULL), STAFF_UNLOCK_WRONG);
		double d = mono();
		known = b - a < known ? b - a : known;
		unknown = c - b < unknown ? c - b : unknown;
		disabled = d - c < disabled ? d - c : disabled;
	}
	print_message("fastest attempt: known %.3f s, unknown %.3f s, disabled %.3f s\n", known, unknown,
		      disabled);
	assert_true(known > 0.005); /* a real argon2id ran */
	assert_true(unknown / known > 0.5 && unknown / known < 2.0);
	assert_true(disabled / known > 0.5 && disabled / known < 2.0);

	/* A locked pad does no hash work at all. */
	staff_policy one = STAFF_POLICY_DEFAULT;
	one.attempts = 1;
	assert_int_equal(attempt(q, &one, "1001", "000111", T0 + 10, NULL, NULL), STAFF_UNLOCK_LOCKED);
	double a = mono();
	assert_int_equal(attempt(q, &one, "1001", PIN_DEWI, T0 + 11, NULL, NULL), STAFF_UNLOCK_LOCKED);
	double locked = mono() - a;
	print_message("locked attempt: %.4f s\n", locked);
	assert_true(locked < known / 3);
	assert_audit_clean(q, -1);
	queue_close(&q);
}

static void test_pin_never_stored(void **state)
{
	char path[300], wal[310];
	new_path(state, path, sizeof path);
	snprintf(wal, sizeof wal, "%s-wal", path);
	const char *pin = "583920174652", *wrong = "583920174653";
	queue *q = open_ok(path);
	add_ok(q, &fast, "1001", NAME_DEWI, STAFF_OFFICER, pin, "cli");
	assert_int_equal(attempt(q, &fast, "1001", pin, T0 + 1, NULL, NULL), STAFF_UNLOCK_OK);
	assert_int_equal(attempt(q, &fast, "1001", wrong, T0 + 2, NULL, NULL), STAFF_UNLOCK_WRONG);
	assert_int_equal(attempt(q, &fast, "583920", wrong, T0 + 3, NULL, NULL), STAFF_UNLOCK_WRONG);
	/* Both files, while open (the WAL holds the newest pages)... */
	assert_false(file_contains(path, pin));
	assert_false(file_contains(wal, pin));
	assert_false(file_contains(path, wrong));
	assert_false(file_contains(wal, wrong));
	queue_close(&q);
	/* ...and after the closing checkpoint. */
	assert_false(file_contains(path, pin));
	assert_false(file_contains(path, wrong));
	assert_true(file_contains(path, NAME_DEWI)); /* the search works: the name is in staff */
	assert_true(file_contains(path, "unlock_failed"));
	assert_int_equal(raw_int(path, "SELECT count(*) FROM audit WHERE detail LIKE '%Dewi%'"
				       " OR actor LIKE '%Dewi%' OR target LIKE '%Dewi%'"),
			 0);
}

static void test_pad_reset_and_bad_args(void **state)
{
	char path[300];
	new_path(state, path, sizeof path);
	queue *q = open_ok(path);
	add_ok(q, &fast, "1001", NAME_DEWI, STAFF_OFFICER, PIN_DEWI, "cli");
	add_ok(q, &fast, "3001", "Rina Wulandari", STAFF_TECHNICIAN, "975318", "cli");
	staff_pad pad;
	for (int i = 0; i < 5; i++)
		attempt(q, &fast, "1001", "000111", T0 + i, NULL, &pad);
	assert_true(pad.locked);

	queue_err qe;
	assert_int_equal(staff_pad_reset(q, T0 + 10, "1001", &qe), STAFF_ERR_ACTOR);
	assert_int_equal(staff_pad_reset(q, T0 + 10, "3001", &qe), STAFF_OK);
	audit_entry e = newest(q);
	assert_string_equal(e.rec.action, "pad_reset");
	assert_string_equal(e.rec.actor, "3001");
	assert_string_equal(e.rec.role, "technician");
	char detail[96];
	snprintf(detail, sizeof detail, "failures=0 lockouts=1 until=%lld", (long long)(T0 + 4 + 60));
	assert_string_equal(e.rec.detail, detail);
	assert_int_equal(staff_pad_state(q, T0 + 10, &pad), QUEUE_OK);
	assert_false(pad.locked);
	assert_int_equal(pad.lockouts, 0);
	assert_int_equal(attempt(q, &fast, "1001", PIN_DEWI, T0 + 11, NULL, NULL), STAFF_UNLOCK_OK);

	/* Broken calls record nothing. */
	int64_t before = 0;
	int n = 0;
	audit_problem p;
	assert_int_equal(audit_verify(q, &p, 1, &n, &before), QUEUE_OK);
	staff_unlock_result res;
	staff_policy bad = fast;
	bad.attempts = 0;
	staff_unlock_result *no_res = NULL;
	assert_int_equal(staff_unlock(q, &fast, "1001", PIN_DEWI, T0, NULL, no_res, NULL, &qe),
			 STAFF_ERR_INVALID);
	assert_int_equal(staff_unlock(q, &fast, NULL, PIN_DEWI, T0, NULL, &res, NULL, &qe),
			 STAFF_ERR_INVALID);
	assert_int_equal(staff_unlock(q, &fast, "1001", NULL, T0, NULL, &res, NULL, &qe),
			 STAFF_ERR_INVALID);
	assert_int_equal(staff_unlock(q, &fast, "1001", PIN_DEWI, -1, NULL, &res, NULL, &qe),
			 STAFF_ERR_INVALID);
	assert_int_equal(staff_unlock(q, &bad, "1001", PIN_DEWI, T0, NULL, &res, NULL, &qe),
			 STAFF_ERR_INVALID);
	bad = fast;
	bad.max_lock_s = 10;
	assert_int_equal(staff_unlock(q, &bad, "1001", PIN_DEWI, T0, NULL, &res, NULL, &qe),
			 STAFF_ERR_INVALID);
	assert_int_equal(staff_pad_reset(q, -1, "cli", &qe), STAFF_ERR_INVALID);
	assert_int_equal(staff_list(q, NULL, 3, &n), QUEUE_ERR_INVALID);
	assert_int_equal(staff_pad_state(q, T0, NULL), QUEUE_ERR_INVALID);
	int64_t after = 0;
	assert_int_equal(audit_verify(q, &p, 1, &n, &after), QUEUE_OK);
	assert_int_equal(after, before);
	assert_int_equal(n, 0);
	queue_close(&q);
}

static void test_busy_store(void **state)
{
	char path[300];
	new_path(state, path, sizeof path);
	queue_opts o = {.busy_timeout_ms = 50};
	queue *q = NULL, *other = NULL;
	assert_int_equal(queue_open(&q, path, &o), QUEUE_OK);
	assert_int_equal(queue_open(&other, path, &o), QUEUE_OK);
	add_ok(q, &fast, "1001", NAME_DEWI, STAFF_OFFICER, PIN_DEWI, "cli");
	assert_int_equal(queue_hold_write_lock(other, true), QUEUE_OK);
	queue_err qe = QUEUE_OK;
	staff_unlock_result res;
	assert_int_equal(staff_unlock(q, &fast, "1001", PIN_DEWI, T0, NULL, &res, NULL, &qe),
			 STAFF_ERR_STORE);
	assert_int_equal(qe, QUEUE_ERR_BUSY);
	assert_int_equal(staff_add(q, &fast, "1002", "Budi Hartono", STAFF_OFFICER, "357913", T0, "cli", &qe),
			 STAFF_ERR_STORE);
	assert_int_equal(qe, QUEUE_ERR_BUSY);
	assert_int_equal(queue_hold_write_lock(other, false), QUEUE_OK);
	staff_pad pad;
	assert_int_equal(staff_pad_state(q, T0, &pad), QUEUE_OK);
	assert_int_equal(pad.failures, 0);
	int n = 0;
	staff_info list[4];
	assert_int_equal(staff_list(q, list, 4, &n), QUEUE_OK);
	assert_int_equal(n, 1);
	assert_audit_clean(q, 1);
	queue_close(&other);
	queue_close(&q);
}

/* ---- fixture ---------------------------------------------------------------------------- */

static int group_setup(void **state)
{
	fixture *fx = calloc(1, sizeof *fx);
	if (fx == NULL)
		return -1;
	if (fxdir_make(fx->dir, sizeof fx->dir, "test_staff") != 0) {
		free(fx);
		return -1;
	}
	*state = fx;
	return 0;
}

static int group_teardown(void **state)
{
	fixture *fx = *state;
	int rc = fxdir_remove(fx->dir);
	free(fx);
	return rc;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_and_lock_length),
		cmocka_unit_test(test_check_rules),
		cmocka_unit_test(test_add_list_disable),
		cmocka_unit_test(test_add_errors),
		cmocka_unit_test(test_unlock_right_and_wrong),
		cmocka_unit_test(test_lockout_grows_and_resets),
		cmocka_unit_test(test_lockout_survives_restart),
		cmocka_unit_test(test_unknown_code_costs_the_same),
		cmocka_unit_test(test_pin_never_stored),
		cmocka_unit_test(test_pad_reset_and_bad_args),
		cmocka_unit_test(test_busy_store),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

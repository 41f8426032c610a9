/*
 * test_audit: the hash-chained staff audit log (sync/audit.c) on real SQLite
 * files.
 *
 * Each test writes a small log through audit_append(), closes the queue,
 * then plays the person with a copy of the file and the sqlite3 library:
 * plain SQL edits one field, deletes a middle entry or the newest, swaps
 * the contents of two entries, moves an entry by changing its seq, drops
 * the head row. audit_verify() must name each tampering with the right
 * kind and the right entry, and say it in plain English. The hash itself is
 * recomputed here from the documented encoding, independently of audit.c,
 * so the stored format is pinned. Bad input, a reopen, and a rolled-back
 * transaction complete the picture. Entries carry staff codes and tickets
 * only: no personal data.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "audit.h"
#include "queue.h"
#include "store.h"
#include "fixture_dir.h"

#define T0 INT64_C(1767318300) /* Friday 2026-01-02 08:45 WIB */

typedef struct fixture {
	char dir[256];
	int n; /* files made so far */
} fixture;

/* ---- helpers ---------------------------------------------------------------------- */

static void new_path(void **state, char *out, size_t cap)
{
	fixture *fx = *state;
	snprintf(out, cap, "%s/audit-%d.db", fx->dir, fx->n++);
}

static queue *open_ok(const char *path)
{
	queue *q = NULL;
	queue_err e = queue_open(&q, path, NULL);
	if (e != QUEUE_OK)
		fail_msg("queue_open: %s", queue_err_name(e));
	return q;
}

static audit_rec rec(int64_t at, const char *actor, const char *role, const char *action, const char *target,
		     const char *detail)
{
	audit_rec r;
	queue_err e = audit_rec_fill(&r, at, actor, role, action, target, detail);
	if (e != QUEUE_OK)
		fail_msg("audit_rec_fill(%s): %s", action, queue_err_name(e));
	return r;
}

/* Entry I of a made-up morning at the kiosk. */
static audit_rec sample(int i)
{
	static const char *const actions[] = {"unlock_ok", "request_move", "conflict_seen", "logout"};
	char target[32], detail[64];
	snprintf(target, sizeof target, "PKL-260102-%04d", i);
	snprintf(detail, sizeof detail, "in_verification->accepted docs=decree,ktp n=%d", i);
	return rec(T0 + i * 60, "1001", "officer", actions[i % 4], target, detail);
}

/* A fresh log of N entries at PATH (closed again). */
static void make_log(const char *path, int n)
{
	queue *q = open_ok(path);
	for (int i = 1; i <= n; i++) {
		audit_rec r = sample(i);
		assert_int_equal(audit_append(q, &r), QUEUE_OK);
	}
	queue_close(&q);
}

/* Run SQL on a raw connection to PATH, as someone with the file would. */
static void raw_exec(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("raw SQL failed: %s", msg ? msg : "?");
	sqlite3_close(db);
}

static int64_t raw_int(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

typedef struct report {
	audit_problem p[16];
	int n;
	int64_t entries;
} report;

static report verify(const char *path)
{
	report r;
	memset(&r, 0, sizeof r);
	queue *q = open_ok(path);
	assert_int_equal(audit_verify(q, r.p, 16, &r.n, &r.entries), QUEUE_OK);
	queue_close(&q);
	return r;
}

static void assert_problem(const report *r, int i, audit_kind kind, int64_t seq, bool has_other,
			   int64_t other)
{
	if (i >= r->n)
		fail_msg("problem %d expected (%s at %lld), only %d found", i, audit_kind_name(kind),
			 (long long)seq, r->n);
	const audit_problem *p = &r->p[i];
	char text[256];
	audit_problem_describe(p, text, sizeof text);
	if (p->kind != kind || p->seq != seq || p->has_other != has_other ||
	    (has_other && p->other_seq != other))
		fail_msg("problem %d: got %s seq %lld other %lld (%d): \"%s\";"
			 " want %s seq %lld other %lld (%d)",
			 i, audit_kind_name(p->kind), (long long)p->seq, (long long)p->other_seq,
			 p->has_other, text, audit_kind_name(kind), (long long)seq, (long long)other,
			 has_other);
}

/* The documented hash, computed here from the encoding in audit.h. */
static void field(crypto_hash_sha256_state *h, const char *s)
{
	char len[24];
	int k = snprintf(len, sizeof len, "%zu:", strlen(s));
	crypto_hash_sha256_update(h, (const unsigned char *)len, (unsigned long long)k);
	crypto_hash_sha256_update(h, (const unsigned char *)s, strlen(s));
	crypto_hash_sha256_update(h, (const unsigned char *)"\n", 1);
}

static void expected_hash(const char *prev, const audit_rec *r, char out[AUDIT_HASH_HEX])
{
	crypto_hash_sha256_state h;
	unsigned char sum[32];
	char at[24];
	snprintf(at, sizeof at, "%lld", (long long)r->at);
	crypto_hash_sha256_init(&h);
	crypto_hash_sha256_update(&h, (const unsigned char *)"kiosk-audit-v1\n", 15);
	field(&h, prev);
	field(&h, at);
	field(&h, r->actor);
	field(&h, r->role);
	field(&h, r->action);
	field(&h, r->target);
	field(&h, r->detail);
	crypto_hash_sha256_final(&h, sum);
	sodium_bin2hex(out, AUDIT_HASH_HEX, sum, sizeof sum);
}

/* ---- a clean log -------------------------------------------------------------------- */

static void test_append_verify_list(void **state)
{
	char path[300];
	new_path(state, path, sizeof path);
	make_log(path, 5);

	report r = verify(path);
	assert_int_equal(r.n, 0);
	assert_int_equal(r.entries, 5);

	queue *q = open_ok(path);
	audit_entry e[8];
	int n = 0;
	assert_int_equal(audit_list(q, 0, e, 8, &n), QUEUE_OK);
	assert_int_equal(n, 5);
	/* Newest first, each entry chained to the one before, the first to 64 zeros. */
	for (int i = 0; i < 5; i++) {
		assert_int_equal(e[i].seq, 5 - i);
		audit_rec want = sample(5 - i);
		assert_memory_equal(&e[i].rec, &want, sizeof want);
		char h[AUDIT_HASH_HEX];
		expected_hash(e[i].prev_hash, &want, h);
		assert_string_equal(e[i].hash, h);
		if (i < 4)
			assert_string_equal(e[i].prev_hash, e[i + 1].hash);
	}
	assert_string_equal(e[4].prev_hash,
			    "0000000000000000000000000000000000000000000000000000000000000000");

	/* Paging: before seq 4, two at a time. */
	assert_int_equal(audit_list(q, 4, e, 2, &n), QUEUE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(e[0].seq, 3);
	assert_int_equal(e[1].seq, 2);
	assert_int_equal(audit_list(q, 2, e, 8, &n), QUEUE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(e[0].seq, 1);
	assert_int_equal(audit_list(q, 1, e, 8, &n), QUEUE_OK);
	assert_int_equal(n, 0);
	queue_close(&q);

	/* The head names the newest entry. */
	assert_int_equal(raw_int(path, "SELECT seq FROM audit_head"), 5);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM audit_head h JOIN audit a"
				       " ON a.seq = 5 AND a.hash = h.hash"),
			 1);
}

static void test_empty_log_is_clean(void **state)
{
	char path[300];
	new_path(state, path, sizeof path);
	report r = verify(path);
	assert_int_equal(r.n, 0);
	assert_int_equal(r.entries, 0);
}

static void test_survives_reopen(void **state)
{
	char path[300];
	new_path(state, path, sizeof path);
	make_log(path, 3);
	queue *q = open_ok(path);
	for (int i = 4; i <= 6; i++) {
		audit_rec a = sample(i);
		assert_int_equal(audit_append(q, &a), QUEUE_OK);
	}
	queue_close(&q);
	report r = verify(path);
	assert_int_equal(r.n, 0);
	assert_int_equal(r.entries, 6);
	assert_int_equal(raw_int(path, "SELECT seq FROM audit_head"), 6);
}

static void test_rollback_leaves_nothing(void **state)
{
	char path[300];
	new_path(state, path, sizeof path);
	make_log(path, 2);
	queue *q = open_ok(path);
	assert_int_equal(store_begin(q), QUEUE_OK);
	audit_rec a = sample(3), b = sample(4);
	assert_int_equal(audit_append_locked(q, &a), QUEUE_OK);
	assert_int_equal(audit_append_locked(q, &b), QUEUE_OK);
	store_abandon(q);
	/* And one committed with the action it belongs to. */
	assert_int_equal(store_begin(q), QUEUE_OK);
	audit_rec c = sample(5);
	assert_int_equal(audit_append_locked(q, &c), QUEUE_OK);
	assert_int_equal(store_commit(q), QUEUE_OK);
	queue_close(&q);

	assert_int_equal(raw_int(path, "SELECT count(*) FROM audit"), 3);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM audit"
				       " WHERE detail LIKE '%n=3' OR detail LIKE '%n=4'"),
			 0);
	assert_int_equal(raw_int(path, "SELECT seq FROM audit_head"), 3);
	report r = verify(path);
	assert_int_equal(r.n, 0);
	assert_int_equal(r.entries, 3);
}

/* ---- tampering ---------------------------------------------------------------------- */

static void test_edit_one_field(void **state)
{
	static const char *const edits[] = {
		"UPDATE audit SET detail = 'in_verification->rejected docs=ktp' WHERE seq = 3",
		"UPDATE audit SET actor = '2002' WHERE seq = 3",
		"UPDATE audit SET at = at - 3600 WHERE seq = 3",
		"UPDATE audit SET target = '' WHERE seq = 3",
		"UPDATE audit SET prev_hash = (SELECT hash FROM audit WHERE seq = 1) WHERE seq = 3",
		/* Someone who also recomputes the hash by hand still breaks the
		 * link of the entry after it; here the stored hash is just wrong. */
		"UPDATE audit SET hash = (SELECT hash FROM audit WHERE seq = 1) WHERE seq = 3",
	};
	for (size_t i = 0; i < sizeof edits / sizeof edits[0]; i++) {
		char path[300];
		new_path(state, path, sizeof path);
		make_log(path, 6);
		raw_exec(path, edits[i]);
		report r = verify(path);
		assert_problem(&r, 0, AUDIT_EDITED, 3, false, 0);
		if (r.n != 1)
			fail_msg("edit %zu: %d problems, want 1", i, r.n);
		assert_int_equal(r.entries, 6);
	}
}

static void test_delete_middle(void **state)
{
	char path[300];
	new_path(state, path, sizeof path);
	make_log(path, 6);
	raw_exec(path, "DELETE FROM audit WHERE seq = 3");
	report r = verify(path);
	assert_int_equal(r.n, 1);
	assert_problem(&r, 0, AUDIT_REMOVED, 4, true, 2);
	assert_int_equal(r.entries, 5);

	/* Two in a row, and the first entry. */
	new_path(state, path, sizeof path);
	make_log(path, 6);
	raw_exec(path, "DELETE FROM audit WHERE seq IN (1, 4, 5)");
	r = verify(path);
	assert_int_equal(r.n, 2);
	assert_problem(&r, 0, AUDIT_REMOVED, 2, false, 0);
	assert_problem(&r, 1, AUDIT_REMOVED, 6, true, 3);
}

static void test_delete_last(void **state)
{
	char path[300];
	new_path(state, path, sizeof path);
	make_log(path, 6);
	raw_exec(path, "DELETE FROM audit WHERE seq = 6");
	report r = verify(path);
	assert_int_equal(r.n, 1);
	assert_problem(&r, 0, AUDIT_TAIL_REMOVED, 5, true, 6);

	/* The kiosk keeps logging: the next entry chains from the head, so the
	 * gap stays visible where it is. */
	queue *q = open_ok(path);
	audit_rec a = sample(7);
	assert_int_equal(audit_append(q, &a), QUEUE_OK);
	queue_close(&q);
	assert_int_equal(raw_int(path, "SELECT max(seq) FROM audit"), 7);
	r = verify(path);
	assert_int_equal(r.n, 1);
	assert_problem(&r, 0, AUDIT_REMOVED, 7, true, 5);
}

static void test_swap_two_entries(void **state)
{
	char path[300];
	new_path(state, path, sizeof path);
	make_log(path, 8);
	raw_exec(path, "CREATE TEMP TABLE t AS SELECT * FROM audit WHERE seq IN (3, 6);"
		       "UPDATE audit SET (at, actor, role, action, target, detail, prev_hash, hash) ="
		       " (SELECT at, actor, role, action, target, detail, prev_hash, hash FROM t"
		       "  WHERE t.seq = CASE audit.seq WHEN 3 THEN 6 ELSE 3 END)"
		       " WHERE seq IN (3, 6);");
	assert_int_equal(raw_int(path, "SELECT count(*) FROM audit WHERE seq = 3 AND detail LIKE '%n=6'"), 1);
	report r = verify(path);
	assert_int_equal(r.n, 2);
	/* Entry 3 now holds what came after 5, entry 6 what came after 2. */
	assert_problem(&r, 0, AUDIT_REORDERED, 3, true, 5);
	assert_problem(&r, 1, AUDIT_REORDERED, 6, true, 2);

	/* Neighbours, and the very first with the newest. */
	new_path(state, path, sizeof path);
	make_log(path, 5);
	raw_exec(path, "CREATE TEMP TABLE t AS SELECT * FROM audit WHERE seq IN (1, 5);"
		       "UPDATE audit SET (at, actor, role, action, target, detail, prev_hash, hash) ="
		       " (SELECT at, actor, role, action, target, detail, prev_hash, hash FROM t"
		       "  WHERE t.seq = CASE audit.seq WHEN 1 THEN 5 ELSE 1 END)"
		       " WHERE seq IN (1, 5);");
	r = verify(path);
	assert_int_equal(r.n, 2);
	assert_problem(&r, 0, AUDIT_REORDERED, 1, true, 4);
	assert_problem(&r, 1, AUDIT_REORDERED, 5, false, 0);
}

static void test_move_by_seq(void **state)
{
	char path[300];
	new_path(state, path, sizeof path);
	make_log(path, 6);
	raw_exec(path, "UPDATE audit SET seq = 20 WHERE seq = 3");
	report r = verify(path);
	assert_int_equal(r.n, 1);
	assert_problem(&r, 0, AUDIT_REORDERED, 20, true, 2);

	/* Before the start. */
	new_path(state, path, sizeof path);
	make_log(path, 6);
	raw_exec(path, "UPDATE audit SET seq = 0 WHERE seq = 4");
	r = verify(path);
	assert_true(r.n >= 1);
	assert_problem(&r, 0, AUDIT_REORDERED, 0, true, 3);

	/* The newest, further up: the order holds, the head does not. */
	new_path(state, path, sizeof path);
	make_log(path, 6);
	raw_exec(path, "UPDATE audit SET seq = 9 WHERE seq = 6");
	r = verify(path);
	assert_int_equal(r.n, 1);
	assert_problem(&r, 0, AUDIT_HEAD_MISMATCH, 9, true, 6);
}

static void test_head_missing(void **state)
{
	char path[300];
	new_path(state, path, sizeof path);
	make_log(path, 4);
	raw_exec(path, "DELETE FROM audit_head");
	report r = verify(path);
	assert_int_equal(r.n, 1);
	assert_problem(&r, 0, AUDIT_HEAD_MISSING, 4, false, 0);

	/* Appending does not quietly heal it. */
	queue *q = open_ok(path);
	audit_rec a = sample(5);
	assert_int_equal(audit_append(q, &a), QUEUE_OK);
	queue_close(&q);
	r = verify(path);
	assert_int_equal(r.n, 1);
	assert_problem(&r, 0, AUDIT_HEAD_MISSING, 5, false, 0);
	assert_int_equal(r.entries, 5);

	/* Every entry gone, the head still there. */
	new_path(state, path, sizeof path);
	make_log(path, 4);
	raw_exec(path, "DELETE FROM audit");
	r = verify(path);
	assert_int_equal(r.n, 1);
	assert_problem(&r, 0, AUDIT_HEAD_MISSING, 0, true, 4);
	assert_int_equal(r.entries, 0);
}

static void test_duplicate_and_head_edit(void **state)
{
	char path[300];
	new_path(state, path, sizeof path);
	make_log(path, 4);
	raw_exec(path, "INSERT INTO audit SELECT 10, at, actor, role, action, target, detail, prev_hash, hash"
		       " FROM audit WHERE seq = 2");
	report r = verify(path);
	assert_int_equal(r.n, 1);
	assert_problem(&r, 0, AUDIT_DUPLICATE, 10, true, 2);

	new_path(state, path, sizeof path);
	make_log(path, 4);
	raw_exec(path, "UPDATE audit_head SET hash = (SELECT hash FROM audit WHERE seq = 1)");
	r = verify(path);
	assert_int_equal(r.n, 1);
	assert_problem(&r, 0, AUDIT_HEAD_MISMATCH, 4, true, 4);

	new_path(state, path, sizeof path);
	make_log(path, 4);
	raw_exec(path, "UPDATE audit_head SET hash = 'abc'");
	r = verify(path);
	assert_int_equal(r.n, 1);
	assert_problem(&r, 0, AUDIT_HEAD_MISMATCH, 4, false, 0);
}

static void test_max_problems_and_many_edits(void **state)
{
	char path[300];
	new_path(state, path, sizeof path);
	make_log(path, 6);
	raw_exec(path, "UPDATE audit SET detail = 'x'");
	queue *q = open_ok(path);
	audit_problem p[3];
	int n = -1;
	int64_t entries = -1;
	assert_int_equal(audit_verify(q, p, 3, &n, &entries), QUEUE_OK);
	assert_int_equal(n, 3);
	assert_int_equal(entries, 6);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(p[i].kind, AUDIT_EDITED);
		assert_int_equal(p[i].seq, i + 1);
	}
	assert_int_equal(audit_verify(q, NULL, 0, &n, NULL), QUEUE_OK);
	assert_int_equal(n, 0);
	queue_close(&q);
}

/* ---- words ---------------------------------------------------------------------------- */

static void test_describe(void **state)
{
	(void)state;
	static const struct {
		audit_problem p;
		const char *text;
	} cases[] = {
		{{AUDIT_EDITED, 17, 0, false}, "entry 17 was edited: its hash does not match its content"},
		{{AUDIT_REORDERED, 3, 5, true},
		 "entry 3 is out of order: its chain link says it comes right after entry 5"
		 " (entries were moved or swapped)"},
		{{AUDIT_REORDERED, 5, 0, false},
		 "entry 5 is out of order: its chain link says it is the first entry"
		 " (entries were moved or swapped)"},
		{{AUDIT_REMOVED, 4, 2, true},
		 "entries between entry 2 and entry 4 were removed:"
		 " entry 4 does not follow any entry in the log"},
		{{AUDIT_REMOVED, 2, 0, false},
		 "entries before entry 2 were removed:"
		 " it is the first in the log but does not start the chain"},
		{{AUDIT_TAIL_REMOVED, 5, 6, true},
		 "entries after entry 5 were removed: the head names entry 6 as the newest"},
		{{AUDIT_HEAD_MISSING, 4, 0, false},
		 "the head row is missing (the newest entry is 4):"
		 " removed newest entries can no longer be noticed"},
		{{AUDIT_HEAD_MISSING, 0, 4, true},
		 "every entry was removed: the log is empty but its head names entry 4"},
		{{AUDIT_HEAD_MISMATCH, 9, 6, true},
		 "the head names entry 6 as the newest, but the newest entry is 9:"
		 " a seq was changed or entries were added behind the log's back"},
		{{AUDIT_HEAD_MISMATCH, 4, 0, false},
		 "the head names entry 4 with a hash no entry has:"
		 " the head or the newest entries were changed"},
		{{AUDIT_DUPLICATE, 10, 2, true}, "entry 10 is a copy of entry 2"},
	};
	char buf[256];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		audit_problem_describe(&cases[i].p, buf, sizeof buf);
		assert_string_equal(buf, cases[i].text);
	}
	/* Cut, still terminated. */
	char small[8];
	audit_problem_describe(&cases[0].p, small, sizeof small);
	assert_string_equal(small, "entry 1");
	assert_string_equal(audit_kind_name(AUDIT_TAIL_REMOVED), "tail_removed");
	assert_string_equal(audit_kind_name((audit_kind)99), "?");
}

/* ---- bad input ------------------------------------------------------------------------ */

static void test_bad_input(void **state)
{
	audit_rec r;
	char long_actor[60];
	memset(long_actor, '1', sizeof long_actor - 1);
	long_actor[sizeof long_actor - 1] = '\0';
	char long_detail[300];
	memset(long_detail, 'a', sizeof long_detail - 1);
	long_detail[sizeof long_detail - 1] = '\0';

	assert_int_equal(audit_rec_fill(&r, T0, "", "officer", "logout", "", ""), QUEUE_ERR_INVALID);
	assert_int_equal(audit_rec_fill(&r, T0, "1001", "", "logout", "", ""), QUEUE_ERR_INVALID);
	assert_int_equal(audit_rec_fill(&r, T0, "1001", "officer", "", "", ""), QUEUE_ERR_INVALID);
	assert_int_equal(audit_rec_fill(&r, T0, "1001", "officer", "Logout", "", ""), QUEUE_ERR_INVALID);
	assert_int_equal(audit_rec_fill(&r, T0, "1001", "officer", "log-out", "", ""), QUEUE_ERR_INVALID);
	assert_int_equal(audit_rec_fill(&r, T0, "1001", "Officer", "logout", "", ""), QUEUE_ERR_INVALID);
	assert_int_equal(audit_rec_fill(&r, T0, "1001", "officer", "logout", "", "a\nb"), QUEUE_ERR_INVALID);
	assert_int_equal(audit_rec_fill(&r, T0, "1001", "officer", "logout", "", "a\tb"), QUEUE_ERR_INVALID);
	assert_int_equal(audit_rec_fill(&r, T0, "1001", "officer", "logout", "\x1b[2J", ""),
			 QUEUE_ERR_INVALID);
	assert_int_equal(audit_rec_fill(&r, T0, "1001", "officer", "logout", "", "bad \xC3\x28 utf8"),
			 QUEUE_ERR_INVALID);
	assert_int_equal(audit_rec_fill(&r, T0, "1001", "officer", "logout", "", "overlong \xC0\xAF"),
			 QUEUE_ERR_INVALID);
	assert_int_equal(audit_rec_fill(&r, T0, long_actor, "officer", "logout", "", ""), QUEUE_ERR_INVALID);
	assert_int_equal(audit_rec_fill(&r, T0, "1001", "officer", "logout", "", long_detail),
			 QUEUE_ERR_INVALID);
	assert_int_equal(audit_rec_fill(&r, -1, "1001", "officer", "logout", "", ""), QUEUE_ERR_INVALID);
	assert_int_equal(audit_rec_fill(&r, T0, NULL, "officer", "logout", "", ""), QUEUE_ERR_INVALID);
	/* Non-ASCII text is fine (a reason word with an em dash). */
	assert_int_equal(audit_rec_fill(&r, T0, "1001", "officer", "request_move", "PKL-260102-0001",
					"SK Wali Kota \xE2\x80\x94 ok"),
			 QUEUE_OK);

	char path[300];
	new_path(state, path, sizeof path);
	queue *q = open_ok(path);
	/* A record built by hand with an unterminated string. */
	audit_rec bad = sample(1);
	memset(bad.target, 'x', sizeof bad.target);
	assert_int_equal(audit_append(q, &bad), QUEUE_ERR_INVALID);
	bad = sample(1);
	bad.at = -5;
	assert_int_equal(audit_append(q, &bad), QUEUE_ERR_INVALID);
	assert_int_equal(audit_append(q, NULL), QUEUE_ERR_INVALID);
	/* _locked needs the caller's transaction; the plain one must not have one. */
	audit_rec good = sample(1);
	assert_int_equal(audit_append_locked(q, &good), QUEUE_ERR_INVALID);
	assert_int_equal(store_begin(q), QUEUE_OK);
	assert_int_equal(audit_append(q, &good), QUEUE_ERR_INVALID);
	store_abandon(q);

	int n = 0;
	audit_problem p[2];
	audit_entry e[2];
	assert_int_equal(audit_verify(q, p, -1, &n, NULL), QUEUE_ERR_INVALID);
	assert_int_equal(audit_verify(q, NULL, 2, &n, NULL), QUEUE_ERR_INVALID);
	assert_int_equal(audit_verify(q, p, 2, NULL, NULL), QUEUE_ERR_INVALID);
	assert_int_equal(audit_list(q, -1, e, 2, &n), QUEUE_ERR_INVALID);
	assert_int_equal(audit_list(q, 0, NULL, 2, &n), QUEUE_ERR_INVALID);
	assert_int_equal(audit_list(q, 0, e, -1, &n), QUEUE_ERR_INVALID);
	queue_close(&q);
	/* Nothing of the refused calls reached the file. */
	assert_int_equal(raw_int(path, "SELECT count(*) FROM audit"), 0);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM audit_head"), 0);
}

/* ---- fixture ---------------------------------------------------------------------------- */

static int group_setup(void **state)
{
	fixture *fx = calloc(1, sizeof *fx);
	if (fx == NULL)
		return -1;
	if (fxdir_make(fx->dir, sizeof fx->dir, "test_audit") != 0) {
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
		cmocka_unit_test(test_append_verify_list),
		cmocka_unit_test(test_empty_log_is_clean),
		cmocka_unit_test(test_survives_reopen),
		cmocka_unit_test(test_rollback_leaves_nothing),
		cmocka_unit_test(test_edit_one_field),
		cmocka_unit_test(test_delete_middle),
		cmocka_unit_test(test_delete_last),
		cmocka_unit_test(test_swap_two_entries),
		cmocka_unit_test(test_move_by_seq),
		cmocka_unit_test(test_head_missing),
		cmocka_unit_test(test_duplicate_and_head_edit),
		cmocka_unit_test(test_max_problems_and_many_edits),
		cmocka_unit_test(test_describe),
		cmocka_unit_test(test_bad_input),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

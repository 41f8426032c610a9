/*
 * test_diag: the technician's checks (app/diag*.c, issue 7) and what they
 * stand on: the report model and its writers (JSON read back with
 * jansson), the readiness report's export, truncation, the read-only store
 * check (sync/storecheck.h) on a good, a missing, a garbage, an empty and
 * a damaged file, each area's checks with its faults, the structured
 * reader check (reader_probe_ex), the [diagnostics] configuration and the
 * masked configuration, and the log's ring of recent lines.
 *
 * End to end with the central service simulator and the kiosk binary:
 * tests/diagnose.sh. Here the network is only 127.0.0.1 port 9 (nobody
 * answers: connection refused). Files live in a mkdtemp folder per test.
 * The made-up cards come from tests/cards/.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>

#include "ccidsim.h"
#include "conf.h"
#include "diag.h"
#include "diag_internal.h"
#include "fixture_dir.h"
#include "log.h"
#include "queue.h"
#include "reader.h"
#include "storecheck.h"

#define CARD(name) KIOSK_TEST_DIR "/cards/" name
#define REFUSED_URL "http://127.0.0.1:9/v1" /* the discard port: connection refused */

typedef struct fx {
	char dir[256];
	char db[320];
	conf cfg;
} fx;

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	assert_non_null(f);
	assert_int_equal(fxdir_make(f->dir, sizeof f->dir, "test_diag"), 0);
	snprintf(f->db, sizeof f->db, "%s/kiosk.db", f->dir);
	assert_int_equal(conf_load(&f->cfg, KIOSK_SOURCE_DIR "/kiosk.conf", stderr), 0);
	f->cfg.central.timeout_ms = 2000;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	fxdir_remove(f->dir);
	free(f);
	return 0;
}

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

static void make_store(const char *path)
{
	queue *q = NULL;
	assert_int_equal(queue_open(&q, path, NULL), QUEUE_OK);
	queue_close(&q);
}

/* Run AREAS on F's configuration and store (URL: the central service). */
static void run(fx *f, unsigned areas, const char *url, diag_report *r)
{
	diag_env env = {.cfg = &f->cfg, .db_path = f->db, .central_url = url, .uptime_s = -1};
	diag_run(&env, areas, r);
}

/* The check NAME, which must be there. */
static const diag_check *check(const diag_report *r, const char *name)
{
	const diag_check *c = diag_find(r, name);
	if (c == NULL)
		fail_msg("no check %s in the report", name);
	return c;
}

static void expect(const diag_report *r, const char *name, diag_status s, const char *reason_part)
{
	const diag_check *c = check(r, name);
	if (c->status != s || (reason_part && strstr(c->reason, reason_part) == NULL))
		fail_msg("%s: %s \"%s\" / \"%s\", expected %s with \"%s\"", name, diag_status_name(c->status),
			 c->value, c->reason, diag_status_name(s), reason_part ? reason_part : "");
}

/* No check of R fails except those named in ALLOWED (NULL-terminated). */
static void only_fails(const diag_report *r, const char *const *allowed)
{
	for (int i = 0; i < r->n; i++) {
		if (r->checks[i].status != DIAG_FAIL)
			continue;
		bool ok = false;
		for (int k = 0; allowed && allowed[k]; k++)
			ok = ok || strcmp(allowed[k], r->checks[i].name) == 0;
		if (!ok)
			fail_msg("%s fails unexpectedly: %s", r->checks[i].name, r->checks[i].reason);
	}
}

/* ---- the report model and its writers ------------------------------------ */

static void sample(diag_report *r)
{
	memset(r, 0, sizeof *r);
	r->started = 1795485600; /* 2026-11-24 09:00:00 WIB */
	r->duration_ms = 42;
	snprintf(r->kiosk_id, sizeof r->kiosk_id, "PKL-KIOSK-01");
	snprintf(r->version, sizeof r->version, "0.1.0");
	diag_add(r, "reader.found", DIAG_OK, "ACS ACR1252 (072f:223b), CCID 1.10, 2 slots", "%s", "");
	diag_add(r, "network.clock", DIAG_WARN, "+120 s", "the kiosk's clock is %d min behind", 2);
	diag_add(r, "storage.disk", DIAG_FAIL, "120.0 MiB free", "only %d MiB free on %s; \"quoted\"\nnext",
		 120, "/var/lib/kiosk");
}

static void test_report_json(void **state)
{
	(void)state;
	diag_report r;
	sample(&r);
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	assert_int_equal(diag_write_json(&r, m), 0);
	fclose(m);
	json_error_t err;
	json_t *root = json_loads(buf, 0, &err);
	if (root == NULL)
		fail_msg("not JSON: %s: %s", err.text, buf);
	assert_string_equal(json_string_value(json_object_get(root, "status")), "fail");
	assert_string_equal(json_string_value(json_object_get(root, "kiosk")), "PKL-KIOSK-01");
	assert_int_equal(json_integer_value(json_object_get(root, "started")), 1795485600);
	json_t *checks = json_object_get(root, "checks");
	assert_true(json_is_array(checks));
	assert_int_equal(json_array_size(checks), 3);
	static const char *const names[] = {"reader.found", "network.clock", "storage.disk"};
	static const char *const statuses[] = {"ok", "warn", "fail"};
	for (size_t i = 0; i < 3; i++) {
		json_t *c = json_array_get(checks, i);
		assert_int_equal(json_object_size(c), 4);
		assert_string_equal(json_string_value(json_object_get(c, "name")), names[i]);
		assert_string_equal(json_string_value(json_object_get(c, "status")), statuses[i]);
		assert_true(json_is_string(json_object_get(c, "value")));
		assert_true(json_is_string(json_object_get(c, "reason")));
	}
	/* Quotes and a line break survive the round trip. */
	assert_string_equal(json_string_value(json_object_get(json_array_get(checks, 2), "reason")),
			    "only 120 MiB free on /var/lib/kiosk; \"quoted\"\nnext");
	json_decref(root);
	free(buf);

	/* Nothing fails: the overall status is the worst, warn. */
	r.n = 2;
	assert_int_equal(diag_worst(&r), DIAG_WARN);
	r.n = 0;
	assert_int_equal(diag_worst(&r), DIAG_OK);
}

static void test_report_text(void **state)
{
	(void)state;
	diag_report r;
	sample(&r);
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	assert_int_equal(diag_write_text(&r, m), 0);
	fclose(m);
	assert_non_null(strstr(buf, "Kiosk PKL-KIOSK-01 readiness report, 2026-11-24 09:00:00 WIB"));
	assert_non_null(strstr(buf, "Overall: fail (1 ok, 1 warn, 1 fail; checks took 42 ms)"));
	assert_non_null(strstr(buf, "\nfail  storage.disk         120.0 MiB free\n"));
	assert_non_null(strstr(buf, "\nwarn  network.clock        +120 s\n"));
	assert_non_null(strstr(buf, "the kiosk's clock is 2 min behind"));
	free(buf);
}

static void test_truncation(void **state)
{
	(void)state;
	diag_report r;
	char name[DIAG_NAME_MAX], longer[400];
	memset(&r, 0, sizeof r);
	memset(longer, 'x', sizeof longer - 1);
	longer[sizeof longer - 1] = '\0';
	for (int i = 0; i < DIAG_CHECKS_MAX + 3; i++) {
		snprintf(name, sizeof name, "t.check%d", i);
		diag_add(&r, name, DIAG_OK, longer, "%s", longer);
	}
	assert_int_equal(r.n, DIAG_CHECKS_MAX);
	assert_string_equal(r.checks[DIAG_CHECKS_MAX - 1].name, "diag.truncated");
	assert_int_equal(r.checks[DIAG_CHECKS_MAX - 1].status, DIAG_FAIL);
	assert_int_equal(diag_worst(&r), DIAG_FAIL);
	assert_string_equal(r.checks[DIAG_CHECKS_MAX - 2].name, "t.check30");
	/* Texts are cut at their arrays, never overflow them. */
	assert_int_equal(strlen(r.checks[0].value), DIAG_VALUE_MAX - 1);
	assert_int_equal(strlen(r.checks[0].reason), DIAG_REASON_MAX - 1);
	/* A whole run never needs the truncation slot. */
	fx *f = *state;
	run(f, DIAG_AREA_ALL & ~DIAG_AREA_READER & ~DIAG_AREA_DISPLAY, REFUSED_URL, &r);
	assert_null(diag_find(&r, "diag.truncated"));
}

/* ---- the readiness report's export --------------------------------------- */

static int count_files(const char *dir)
{
	DIR *d = opendir(dir);
	int n = 0;
	struct dirent *e;
	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static void test_export(void **state)
{
	fx *f = *state;
	diag_report r;
	char base[600], why[256], path[640];
	sample(&r);

	assert_int_equal(diag_export(&r, f->dir, base, sizeof base, why, sizeof why), 0);
	char expect_base[600];
	snprintf(expect_base, sizeof expect_base, "%s/kesiapan-PKL-KIOSK-01-20261124-090000", f->dir);
	assert_string_equal(base, expect_base);
	snprintf(path, sizeof path, "%s.json", base);
	json_error_t err;
	json_t *root = json_load_file(path, 0, &err);
	assert_non_null(root);
	assert_int_equal(json_array_size(json_object_get(root, "checks")), 3);
	json_decref(root);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	snprintf(path, sizeof path, "%s.txt", base);
	FILE *t = fopen(path, "r");
	assert_non_null(t);
	char line[200];
	assert_non_null(fgets(line, sizeof line, t));
	assert_non_null(strstr(line, "readiness report"));
	fclose(t);
	assert_int_equal(count_files(f->dir), 2);

	/* The same report again: the files exist, nothing is overwritten and
	 * nothing half-written is left. */
	assert_int_equal(diag_export(&r, f->dir, base, sizeof base, why, sizeof why), -1);
	assert_non_null(strstr(why, "cannot create"));
	assert_int_equal(count_files(f->dir), 2);
	unlink(path);
	/* Only the JSON is in the way: the text written first is taken back. */
	assert_int_equal(diag_export(&r, f->dir, base, sizeof base, why, sizeof why), -1);
	assert_non_null(strstr(why, ".json"));
	assert_false(exists(path));
	snprintf(path, sizeof path, "%s.json", base);
	unlink(path);

	/* A folder that is not there (no USB stick). */
	char missing[300];
	snprintf(missing, sizeof missing, "%s/usb0", f->dir);
	assert_int_equal(diag_export(&r, missing, base, sizeof base, why, sizeof why), -1);
	assert_non_null(strstr(why, "is not a folder"));
	assert_false(exists(missing));
	assert_int_equal(count_files(f->dir), 0);
}

static void test_export_read_only(void **state)
{
	fx *f = *state;
	diag_report r;
	char base[600], why[256], ro[300];
	if (geteuid() == 0)
		skip(); /* root writes into a 0555 folder anyway; a read-only mount is not at hand */
	sample(&r);
	snprintf(ro, sizeof ro, "%s/ro", f->dir);
	assert_int_equal(mkdir(ro, 0555), 0);
	int rc = diag_export(&r, ro, base, sizeof base, why, sizeof why);
	int files = count_files(ro);
	chmod(ro, 0755);
	rmdir(ro);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(why, "cannot be written"));
	assert_int_equal(files, 0);
}

/* ---- the store, read-only ------------------------------------------------ */

/* Overwrite page PAGE (1-based) of PATH with garbage. */
static void clobber_page(const char *path, int page, int page_size)
{
	unsigned char junk[65536];
	for (int i = 0; i < page_size; i++)
		junk[i] = (unsigned char)(i * 131 + 7);
	int fd = open(path, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, junk, (size_t)page_size, (off_t)(page - 1) * page_size), page_size);
	close(fd);
}

/* The root page of table NAME in PATH, and the page size. */
static int root_page(const char *path, const char *name, int *page_size)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int root = -1;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	static const char root_sql[] = "SELECT rootpage FROM sqlite_schema WHERE name = ?1";
	assert_int_equal(sqlite3_prepare_v2(db, root_sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		root = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA page_size", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	*page_size = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	assert_true(root > 1);
	return root;
}

static void sql(const char *path, const char *text)
{
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, text, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void test_storecheck_good(void **state)
{
	fx *f = *state;
	storecheck *s = NULL;
	storecheck_facts facts;
	char first[200];
	int problems = -1;
	int64_t count = -1, since = -1;
	char why[200];

	make_store(f->db);
	assert_int_equal(storecheck_open(&s, f->db, &facts), 0);
	assert_non_null(s);
	assert_int_equal(facts.state, STORECHECK_OK);
	assert_int_equal(facts.schema, QUEUE_SCHEMA_VERSION);
	assert_true(facts.size > 4096);
	assert_int_equal(storecheck_integrity(s, first, sizeof first, &problems), 0);
	assert_int_equal(problems, 0);
	assert_int_equal(storecheck_pending(s, &count, &since, why, sizeof why), 0);
	assert_int_equal(count, 0);
	assert_int_equal(since, 0);
	storecheck_close(&s);
	assert_null(s);

	/* Two entries waiting: counted, and the oldest's time is now. */
	queue *q = NULL;
	assert_int_equal(queue_open(&q, f->db, NULL), QUEUE_OK);
	int64_t before = (int64_t)time(NULL) * 1000;
	assert_int_equal(queue_outbox_add(q, QUEUE_KIND_SURVEY, "{\"a\":1}", 7, NULL), QUEUE_OK);
	assert_int_equal(queue_outbox_add(q, QUEUE_KIND_SURVEY, "{\"a\":2}", 7, NULL), QUEUE_OK);
	int64_t wal_before = -1;
	assert_int_equal(storecheck_open(&s, f->db, &facts), 0);
	wal_before = facts.wal_size;
	assert_true(wal_before > 0);
	/* The queue handle closing while the check is open: no checkpoint. */
	queue_close(&q);
	assert_int_equal(storecheck_pending(s, &count, &since, why, sizeof why), 0);
	assert_int_equal(count, 2);
	assert_true(since >= before && since <= before + 5000);
	storecheck_close(&s);
	struct stat st;
	char wal[400];
	snprintf(wal, sizeof wal, "%s-wal", f->db);
	assert_int_equal(stat(wal, &st), 0);
	assert_int_equal(st.st_size, wal_before);
	assert_non_null(storecheck_sqlite_version());
}

static void test_storecheck_missing_and_foreign(void **state)
{
	fx *f = *state;
	storecheck *s = NULL;
	storecheck_facts facts;

	assert_int_equal(storecheck_open(&s, f->db, &facts), -1);
	assert_null(s);
	assert_int_equal(facts.state, STORECHECK_MISSING);
	assert_false(exists(f->db)); /* never created */

	/* Garbage. */
	FILE *g = fopen(f->db, "w");
	assert_non_null(g);
	for (int i = 0; i < 5000; i++)
		fputc((i * 37) & 0xFF, g);
	fclose(g);
	assert_int_equal(storecheck_open(&s, f->db, &facts), -1);
	assert_int_equal(facts.state, STORECHECK_NOT_DB);
	assert_int_equal(facts.size, 5000);
	assert_non_null(strstr(facts.why, "not an SQLite database"));

	/* An empty file is an empty database, schema 0. */
	assert_int_equal(truncate(f->db, 0), 0);
	assert_int_equal(storecheck_open(&s, f->db, &facts), 0);
	assert_int_equal(facts.schema, 0);
	storecheck_close(&s);
	unlink(f->db);

	/* A folder where the file should be. */
	assert_int_equal(mkdir(f->db, 0700), 0);
	assert_int_equal(storecheck_open(&s, f->db, &facts), -1);
	assert_int_equal(facts.state, STORECHECK_UNREADABLE);
	rmdir(f->db);
}

static void test_storecheck_damaged(void **state)
{
	fx *f = *state;
	storecheck *s = NULL;
	storecheck_facts facts;
	char first[200], why[200];
	int problems = 0, page_size = 0;
	int64_t count, since;

	make_store(f->db);
	int outbox = root_page(f->db, "outbox_next", &page_size);
	clobber_page(f->db, outbox, page_size);
	assert_int_equal(storecheck_open(&s, f->db, &facts), 0); /* its list of tables is intact */
	assert_int_equal(storecheck_integrity(s, first, sizeof first, &problems), 1);
	assert_true(problems >= 1);
	assert_true(first[0] != '\0');
	assert_null(strstr(first, "***")); /* the heading is not a problem */
	assert_int_equal(storecheck_pending(s, &count, &since, why, sizeof why), -1);
	assert_non_null(strstr(why, "malformed"));
	storecheck_close(&s);

	/* The header clobbered: not a database any more. */
	clobber_page(f->db, 1, 100);
	assert_int_equal(storecheck_open(&s, f->db, &facts), -1);
	assert_int_equal(facts.state, STORECHECK_NOT_DB);
	unlink(f->db);

	/* A newer kiosk's file. */
	make_store(f->db);
	sql(f->db, "PRAGMA user_version = 99");
	assert_int_equal(storecheck_open(&s, f->db, &facts), -1);
	assert_int_equal(facts.state, STORECHECK_NEWER);
	assert_int_equal(facts.schema, 99);
	assert_non_null(strstr(facts.why, "newer kiosk"));
}

/* ---- each area's checks -------------------------------------------------- */

static void test_storage_checks(void **state)
{
	fx *f = *state;
	diag_report r;
	static const char *const names[] = {"storage.database", "storage.integrity", "storage.disk",
					    "storage.wal", "storage.pending"};

	/* Missing: only storage.database fails, and the file stays missing. */
	run(f, DIAG_AREA_STORAGE, NULL, &r);
	assert_int_equal(r.n, 5);
	for (int i = 0; i < 5; i++)
		assert_string_equal(r.checks[i].name, names[i]);
	expect(&r, "storage.database", DIAG_FAIL, "does not exist");
	expect(&r, "storage.integrity", DIAG_WARN, "not checked");
	only_fails(&r, (const char *const[]){"storage.database", NULL});
	assert_false(exists(f->db));

	make_store(f->db);
	run(f, DIAG_AREA_STORAGE, NULL, &r);
	only_fails(&r, NULL);
	expect(&r, "storage.database", DIAG_OK, NULL);
	expect(&r, "storage.integrity", DIAG_OK, NULL);
	expect(&r, "storage.pending", DIAG_OK, NULL);
	assert_string_equal(check(&r, "storage.pending")->value, "none pending");

	/* "Disk nearly full": more MiB asked for than any test disk has. */
	f->cfg.diag.min_free_disk_mb = 10000000;
	run(f, DIAG_AREA_STORAGE, NULL, &r);
	expect(&r, "storage.disk", DIAG_FAIL, "MiB free on ");
	assert_non_null(strstr(check(&r, "storage.disk")->reason, "at least 10000000 MiB needed"));
	only_fails(&r, (const char *const[]){"storage.disk", NULL});
	f->cfg.diag.min_free_disk_mb = 200;

	/* A damaged page: integrity fails, the rest does not. */
	int page_size = 0;
	int page = root_page(f->db, "notifications", &page_size);
	clobber_page(f->db, page, page_size);
	run(f, DIAG_AREA_STORAGE, NULL, &r);
	expect(&r, "storage.integrity", DIAG_FAIL, "damaged");
	only_fails(&r, (const char *const[]){"storage.integrity", NULL});
	unlink(f->db);

	/* An entry waiting more than a day. */
	make_store(f->db);
	queue *q = NULL;
	assert_int_equal(queue_open(&q, f->db, NULL), QUEUE_OK);
	assert_int_equal(queue_outbox_add(q, QUEUE_KIND_SURVEY, "{}", 2, NULL), QUEUE_OK);
	queue_close(&q);
	sql(f->db, "UPDATE outbox SET updated_at = updated_at - 2 * 86400000");
	run(f, DIAG_AREA_STORAGE, NULL, &r);
	expect(&r, "storage.pending", DIAG_WARN, "more than a day");
	assert_non_null(strstr(check(&r, "storage.pending")->value, "1 pending, the oldest for 2 d"));
}

/* One dead letter in F's store. */
static void dead_letter(fx *f)
{
	queue *q = NULL;
	queue_entry e[1];
	int n = 0;
	int64_t wait = 0, seq = 0;
	int64_t now = (int64_t)time(NULL) * 1000;

	assert_int_equal(queue_open(&q, f->db, NULL), QUEUE_OK);
	assert_int_equal(queue_outbox_add(q, QUEUE_KIND_SURVEY, "{}", 2, &seq), QUEUE_OK);
	memset(e, 0, sizeof e);
	assert_int_equal(queue_outbox_claim(q, now, 1, e, &n, &wait), QUEUE_OK);
	assert_int_equal(n, 1);
	queue_result res = {.seq = seq, .outcome = QUEUE_OUT_DEAD, .http_status = 422};
	snprintf(res.reason, sizeof res.reason, "HTTP 422 invalid_survey");
	assert_int_equal(queue_outbox_settle(q, &res, 1, now), QUEUE_OK);
	queue_entry_wipe(&e[0]);
	queue_close(&q);
}

static void test_network_checks(void **state)
{
	fx *f = *state;
	diag_report r;

	/* Down, and no store: network.central fails alone. */
	run(f, DIAG_AREA_NETWORK, REFUSED_URL, &r);
	static const char *const names[] = {"network.central", "network.tls", "network.clock",
					    "sync.last",       "sync.outbox", "sync.dead"};
	assert_int_equal(r.n, 6);
	for (int i = 0; i < 6; i++)
		assert_string_equal(r.checks[i].name, names[i]);
	expect(&r, "network.central", DIAG_FAIL, "connection refused: is the central service running at");
	expect(&r, "network.tls", DIAG_WARN, "not encrypted (http://)");
	expect(&r, "network.clock", DIAG_WARN, "not checked: central not reachable");
	expect(&r, "sync.outbox", DIAG_WARN, "not checked: the store cannot be opened");
	only_fails(&r, (const char *const[]){"network.central", NULL});
	assert_false(exists(f->db)); /* the sync checks did not create it */

	/* https to nobody: TLS is not checked (it was never reached). */
	run(f, DIAG_AREA_NETWORK, "https://127.0.0.1:9/v1", &r);
	expect(&r, "network.tls", DIAG_WARN, "not checked: central not reachable");

	/* A store with a dead letter. */
	make_store(f->db);
	dead_letter(f);
	run(f, DIAG_AREA_NETWORK, REFUSED_URL, &r);
	expect(&r, "sync.dead", DIAG_FAIL, "1 dead letter waits for a technician: retry or discard it");
	expect(&r, "sync.outbox", DIAG_OK, NULL);
	assert_non_null(strstr(check(&r, "sync.outbox")->value, "0 pending, 0 in flight, 0 done, 1 dead"));
	expect(&r, "sync.last", DIAG_WARN, "nothing has reached the central service");

	/* The last success is a date in WIB; sync off without a secret. */
	queue *q = NULL;
	assert_int_equal(queue_open(&q, f->db, NULL), QUEUE_OK);
	assert_int_equal(queue_mark_set(q, QUEUE_MARK_LAST_SUCCESS, (int64_t)time(NULL) - 300), QUEUE_OK);
	queue_close(&q);
	run(f, DIAG_AREA_NETWORK, REFUSED_URL, &r);
	expect(&r, "sync.last", DIAG_OK, NULL);
	assert_non_null(strstr(check(&r, "sync.last")->value, "WIB (5 min ago)"));
	f->cfg.central.secret_file[0] = '\0';
	run(f, DIAG_AREA_NETWORK, REFUSED_URL, &r);
	expect(&r, "sync.last", DIAG_WARN, "sync is off");
}

static void test_system_checks(void **state)
{
	fx *f = *state;
	diag_report r;
	diag_env env = {.cfg = &f->cfg, .db_path = f->db, .uptime_s = -1};

	diag_run(&env, DIAG_AREA_SYSTEM, &r);
	assert_int_equal(r.n, 3);
	expect(&r, "system.version", DIAG_OK, "SQLite ");
	assert_non_null(strstr(check(&r, "system.version")->reason, "SDL "));
	assert_non_null(strstr(check(&r, "system.version")->reason, "libcurl "));
	assert_non_null(strstr(check(&r, "system.version")->value, KIOSK_VERSION));
	expect(&r, "system.config", DIAG_OK, "valid");
	expect(&r, "system.uptime", DIAG_OK, NULL);
	assert_string_equal(check(&r, "system.uptime")->value, "not running");

	env.uptime_s = 2 * 86400 + 3 * 3600 + 125;
	f->cfg.central.secret_file[0] = '\0';
	diag_run(&env, DIAG_AREA_SYSTEM, &r);
	assert_string_equal(check(&r, "system.uptime")->value, "2 d 3 h");
	expect(&r, "system.config", DIAG_WARN, "the kiosk keeps requests but sends nothing");

	/* The file gone since start: the next start would fail. */
	snprintf(f->cfg.path, sizeof f->cfg.path, "%s/gone.conf", f->dir);
	diag_run(&env, DIAG_AREA_SYSTEM, &r);
	expect(&r, "system.config", DIAG_FAIL, "cannot be opened");
}

static void test_display_checks(void **state)
{
	fx *f = *state;
	diag_report r;
	diag_env env = {.cfg = &f->cfg,
			.uptime_s = -1,
			.have_display = true,
			.display_w = 1080,
			.display_h = 1920,
			.refresh_hz = 60,
			.touch_devices = 1,
			.frame_ms_p50 = 6.5,
			.frame_ms_p99 = 14.0};

	diag_run(&env, DIAG_AREA_DISPLAY, &r);
	assert_int_equal(r.n, 3);
	only_fails(&r, NULL);
	assert_string_equal(check(&r, "display.screen")->value, "1080x1920 at 60 Hz");
	expect(&r, "display.touch", DIAG_OK, NULL);
	assert_string_equal(check(&r, "display.frames")->value, "p50 6.5 ms, p99 14.0 ms");

	env.touch_devices = 0;
	env.frame_ms_p99 = 40.0;
	diag_run(&env, DIAG_AREA_DISPLAY, &r);
	expect(&r, "display.touch", DIAG_WARN, "no touch panel found: only a mouse works");
	expect(&r, "display.frames", DIAG_WARN, "frames slower than 30 per second");

	/* kiosk --diagnose under the tests' SDL_VIDEODRIVER=dummy: no display,
	 * which warns and never fails. */
	env.have_display = false;
	diag_run(&env, DIAG_AREA_DISPLAY, &r);
	only_fails(&r, NULL);
	const char *driver = getenv("SDL_VIDEODRIVER");
	if (driver && strcmp(driver, "dummy") == 0) {
		expect(&r, "display.screen", DIAG_WARN, "no display found (only SDL's dummy driver");
		expect(&r, "display.touch", DIAG_WARN, "not checked without a display");
		expect(&r, "display.frames", DIAG_WARN, "not measured without a display");
	}
}

static void test_reader_live(void **state)
{
	fx *f = *state;
	diag_report r;
	reader_status st;
	diag_env env = {.cfg = &f->cfg, .uptime_s = -1, .reader_live = &st};

	memset(&st, 0, sizeof st);
	st.last_error = "";
	st.refused_why = "";
	diag_run(&env, DIAG_AREA_READER, &r);
	expect(&r, "reader.found", DIAG_FAIL, "no card reader found");
	expect(&r, "reader.card", DIAG_WARN, "not tried: no reader");
	expect(&r, "reader.read", DIAG_WARN, "not tried: no reader");

	st.attached = true;
	snprintf(st.name, sizeof st.name, "ACS ACR1252 Dual Reader");
	st.vid = 0x072f;
	st.pid = 0x223b;
	st.desc_ok = true;
	st.desc.bcd_ccid = 0x0110;
	st.desc.max_slot_index = 1;
	st.has_sam_slot = true;
	st.has_interrupt = true;
	st.card_present = true;
	snprintf(st.atr_hex, sizeof st.atr_hex, "3B8F8001804F0CA000000306030001000000006A");
	st.reads_ok = 12;
	st.reads_unreadable = 1;
	st.reads_failed = 2;
	diag_run(&env, DIAG_AREA_READER, &r);
	only_fails(&r, NULL);
	assert_string_equal(check(&r, "reader.found")->value,
			    "ACS ACR1252 Dual Reader (072f:223b), CCID 1.10, 2 slots");
	assert_string_equal(check(&r, "reader.card")->value, "ATR 3B8F8001804F0CA000000306030001000000006A");
	assert_string_equal(check(&r, "reader.read")->value, "12 read, 1 UID only, 2 failed since start");
	expect(&r, "reader.read", DIAG_OK, NULL);
	st.last_error = "card removed during the read";
	st.card_present = false;
	diag_run(&env, DIAG_AREA_READER, &r);
	expect(&r, "reader.read", DIAG_WARN, "the last card was not read: card removed during the read");
	expect(&r, "reader.card", DIAG_WARN, "place a KTP-el for a test read");
}

static void test_reader_probe(void **state)
{
	fx *f = *state;
	diag_report r;
	diag_env env = {.cfg = &f->cfg, .uptime_s = -1, .card_path = CARD("siti.card")};

	diag_run(&env, DIAG_AREA_READER, &r);
	only_fails(&r, NULL);
	expect(&r, "reader.found", DIAG_OK, NULL);
	assert_non_null(strstr(check(&r, "reader.found")->value, "CCID 1.10, 2 slots"));
	assert_non_null(strstr(check(&r, "reader.card")->value, "ATR 3B"));
	assert_string_equal(check(&r, "reader.read")->value, "record read");
	/* Never the card's UID or data. */
	for (int i = 0; i < r.n; i++) {
		assert_null(strstr(r.checks[i].value, "04A1B2C3D4E5F6"));
		assert_null(strstr(r.checks[i].reason, "04A1B2C3D4E5F6"));
		assert_null(strstr(r.checks[i].reason, "3375014101900001"));
	}

	env.card_path = CARD("uid-only.card");
	diag_run(&env, DIAG_AREA_READER, &r);
	expect(&r, "reader.read", DIAG_WARN, "not a KTP-el");
	assert_string_equal(check(&r, "reader.read")->value, "UID only");

	/* A broken card image: the card cannot be read. */
	env.card_path = CARD("bad-syntax.card");
	diag_run(&env, DIAG_AREA_READER, &r);
	expect(&r, "reader.read", DIAG_FAIL, "malformed card image");
	only_fails(&r, (const char *const[]){"reader.read", NULL});

	env.card_path = NULL;
	diag_run(&env, DIAG_AREA_READER, &r);
	expect(&r, "reader.card", DIAG_WARN, "no card on the reader: place a KTP-el for a test read");
	expect(&r, "reader.read", DIAG_WARN, "not tried: no card");

	/* No USB bus in a container or on CI: no reader. */
	f->cfg.reader.type = CONF_READER_USB;
	diag_run(&env, DIAG_AREA_READER, &r);
	expect(&r, "reader.found", DIAG_FAIL, "no card reader found");
	only_fails(&r, (const char *const[]){"reader.found", NULL});
	f->cfg.reader.type = CONF_READER_SIM;
}

/* reader_probe_ex: a card read error carries the driver's reason. */
static void test_probe_faults(void **state)
{
	(void)state;
	ccidsim *sim = NULL;
	reader_probe_result p;

	assert_int_equal(ccidsim_new(&sim, NULL), CCIDSIM_OK);
	assert_int_equal(reader_probe_ex(ccidsim_xport(sim), NULL, 100, &p), 2);
	assert_int_equal(p.end, READER_PROBE_NO_CARD);
	assert_null(p.slot_error);

	assert_int_equal(ccidsim_insert(sim, CARD("siti.card")), CCIDSIM_OK);
	assert_int_equal(reader_probe_ex(ccidsim_xport(sim), NULL, 100, &p), 0);
	assert_int_equal(p.end, READER_PROBE_DONE);
	assert_true(p.record_read);
	assert_true(p.uid_read);
	assert_int_equal(p.sam, READER_PROBE_SAM_PRESENT);

	ccidsim_fault_arm(sim, CCIDSIM_FAULT_BAD_TLV, 1);
	assert_int_equal(reader_probe_ex(ccidsim_xport(sim), NULL, 100, &p), 1);
	assert_false(p.record_read);
	assert_int_equal(p.record_err, RDR_OK);
	assert_int_equal(p.record_why, RDR_WHY_RECORD);
	assert_non_null(p.record_error);

	ccidsim_fault_arm(sim, CCIDSIM_FAULT_MUTE, 1);
	assert_int_equal(reader_probe_ex(ccidsim_xport(sim), NULL, 100, &p), 2);
	assert_int_equal(p.end, READER_PROBE_NO_POWER);
	assert_non_null(p.power_error);

	ccidsim_unplug(sim);
	assert_int_equal(reader_probe_ex(ccidsim_xport(sim), NULL, 100, &p), 2);
	assert_int_equal(p.end, READER_PROBE_NO_READER);
	assert_int_equal(p.open_err, XPORT_ERR_NOT_FOUND);
	ccidsim_free(&sim);
}

/* ---- configuration ------------------------------------------------------- */

/* kiosk.conf with its relative paths made absolute and LINE added to
 * [diagnostics], written to F's folder; conf_load's result and errors. */
static int load_variant(fx *f, const char *line, conf *out, char *errs, size_t cap)
{
	char *text = NULL, path[320];
	size_t len = 0;
	assert_int_equal(conf_read_file(KIOSK_SOURCE_DIR "/kiosk.conf", 256 * 1024, &text, &len), 0);
	snprintf(path, sizeof path, "%s/variant.conf", f->dir);
	FILE *o = fopen(path, "w");
	assert_non_null(o);
	for (char *l = strtok(text, "\n"); l; l = strtok(NULL, "\n")) {
		if (strncmp(l, "secret_file = ", 14) == 0 || strncmp(l, "holidays = ", 11) == 0)
			fprintf(o, "%.*s= " KIOSK_SOURCE_DIR "/%s\n", (int)(strchr(l, '=') - l), l,
				strchr(l, '=') + 2);
		else if (strncmp(l, "database = ", 11) == 0)
			fprintf(o, "database = %s\n", f->db);
		else if (strncmp(l, "min_free_disk_mb = ", 19) == 0)
			fprintf(o, "%s\n", line);
		else
			fprintf(o, "%s\n", l);
	}
	fclose(o);
	free(text);
	FILE *e = fmemopen(errs, cap, "w");
	assert_non_null(e);
	int rc = conf_load(out, path, e);
	fclose(e);
	unlink(path);
	return rc;
}

static void test_conf_diagnostics(void **state)
{
	fx *f = *state;
	conf *c = malloc(sizeof *c);
	char errs[1024];
	assert_non_null(c);

	assert_int_equal(load_variant(f, "min_free_disk_mb = 500\nexport_dirs = /media/usb0; /media/usb1", c,
				      errs, sizeof errs),
			 0);
	assert_int_equal(c->diag.min_free_disk_mb, 500);
	assert_int_equal(c->diag.n_export_dirs, 2);
	assert_string_equal(c->diag.export_dirs[1], "/media/usb1");

	assert_int_equal(load_variant(f, "# defaults", c, errs, sizeof errs), 0);
	assert_int_equal(c->diag.min_free_disk_mb, 200);
	assert_int_equal(c->diag.n_export_dirs, 0);

	memset(errs, 0, sizeof errs);
	assert_int_equal(load_variant(f, "min_free_disk_mb = 0", c, errs, sizeof errs), 1);
	assert_non_null(strstr(errs, "diagnostics.min_free_disk_mb: "
				     "must be a whole number of MiB between 1 and 10000000"));
	memset(errs, 0, sizeof errs);
	assert_int_equal(load_variant(f, "export_dirs = media/usb0", c, errs, sizeof errs), 1);
	assert_non_null(strstr(errs, "diagnostics.export_dirs: folder 1 must be an absolute path"));
	memset(errs, 0, sizeof errs);
	assert_int_equal(load_variant(f, "export_dirs = /a; /b; /c; /d; /e", c, errs, sizeof errs), 1);
	assert_non_null(strstr(errs, "diagnostics.export_dirs: at most 4 folders, got 5"));
	memset(errs, 0, sizeof errs);
	assert_int_equal(load_variant(f, "export_dirs = /a;; /b", c, errs, sizeof errs), 1);
	assert_non_null(strstr(errs, "folder 2 is empty"));
	free(c);
}

static void test_conf_masked(void **state)
{
	fx *f = *state;
	conf c = f->cfg;
	char *buf = NULL, *key = NULL;
	size_t len = 0, klen = 0;

	snprintf(c.central.pin, sizeof c.central.pin, "%s;%s",
		 "sha256//YhKJKSzoTt2b5FP18fvpHo7fJYqQCjAa3HWY3tvRMwE=",
		 "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
	snprintf(c.central.url, sizeof c.central.url, "https://kiosk:hunter2@ams.example.go.id/v1");
	FILE *m = open_memstream(&buf, &len);
	conf_write_masked(&c, m);
	fclose(m);
	assert_non_null(strstr(buf, "kiosk.id = PKL-KIOSK-01\n"));
	assert_non_null(strstr(buf, "central.pin = sha256//... (set: 2 keys pinned)\n"));
	assert_null(strstr(buf, "YhKJKSzo"));
	assert_non_null(strstr(buf, "central.url = https://***@ams.example.go.id/v1\n"));
	assert_null(strstr(buf, "hunter2"));
	assert_non_null(strstr(buf, "central.ca_file = (not set)\n"));
	assert_non_null(strstr(buf, "hours.saturday = closed\n"));
	assert_non_null(strstr(buf, "hours.monday = 08:00-12:00,13:00-15:45\n"));
	assert_non_null(strstr(buf, "reader.type = sim\n"));
	assert_non_null(strstr(buf, "log.level = info\n"));
	assert_non_null(strstr(buf, "diagnostics.min_free_disk_mb = 200\n"));
	/* The secret file's path, never its contents. */
	char line[CONF_PATH_MAX + 32];
	snprintf(line, sizeof line, "central.secret_file = %s\n", c.central.secret_file);
	assert_non_null(strstr(buf, line));
	assert_int_equal(conf_read_file(c.central.secret_file, 4096, &key, &klen), 0);
	key[strcspn(key, "\r\n")] = '\0';
	assert_true(strlen(key) == 64);
	assert_null(strstr(buf, key));
	free(key);
	/* One line per key: as many as conf_print_keys lists. */
	char *keys = NULL;
	size_t klen2 = 0;
	m = open_memstream(&keys, &klen2);
	conf_print_keys(m);
	fclose(m);
	int a = 0, b = 0;
	for (char *p = buf; (p = strchr(p, '\n')) != NULL; p++)
		a++;
	for (char *p = keys; (p = strchr(p, '\n')) != NULL; p++)
		b++;
	assert_int_equal(a, b);
	free(keys);
	free(buf);
}

/* ---- the log's recent lines ---------------------------------------------- */

static void test_log_recent(void **state)
{
	(void)state;
	static char lines[LOG_RECENT_MAX + 2][LOG_LINE_MAX];

	for (int i = 0; i < 70; i++)
		log_info("test", "ring line %d", i);
	log_debug("test", "a debug line is below the level and not kept");
	assert_int_equal(log_recent(lines, LOG_RECENT_MAX + 2), LOG_RECENT_MAX);
	assert_non_null(strstr(lines[0], " info test: ring line 6"));
	assert_non_null(strstr(lines[LOG_RECENT_MAX - 1], " info test: ring line 69"));
	/* The plain form with its UTC time, no newline. */
	assert_int_equal(lines[0][4], '-');
	assert_int_equal(lines[0][10], 'T');
	assert_int_equal(lines[0][19], 'Z');
	assert_null(strchr(lines[0], '\n'));

	assert_int_equal(log_recent(lines, 3), 3);
	assert_non_null(strstr(lines[0], "ring line 67"));
	assert_non_null(strstr(lines[2], "ring line 69"));
	assert_int_equal(log_recent(lines, 0), 0);
	assert_int_equal(log_recent(lines, -1), 0);

	/* A message with line breaks is one line. */
	log_warn("test", "two\nlines\n");
	assert_int_equal(log_recent(lines, 1), 1);
	assert_non_null(strstr(lines[0], " warn test: two lines"));
	assert_null(strchr(lines[0], '\n'));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_report_json, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_report_text, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_truncation, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_export, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_export_read_only, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_storecheck_good, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_storecheck_missing_and_foreign, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_storecheck_damaged, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_storage_checks, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_network_checks, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_system_checks, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_display_checks, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reader_live, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reader_probe, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_probe_faults, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_conf_diagnostics, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_conf_masked, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_log_recent, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * soak_exactly_once: the exactly-once test of issue 5 (run by ctest).
 *
 *   soak_exactly_once SIM_BIN [--control] [--requests N] [--kills K] [--seed S]
 *
 * A kiosk process (a forked worker that runs what the kiosk runs for this:
 * queue_submit() for each new request and the sync engine on its thread,
 * with the same library code) submits N made-up requests (default 1000)
 * while kiosk-central-sim fails 20 % of the calls (10 % with a 500 before
 * it stores anything, 10 % with a 500 after it stored the request: the
 * case that duplicates without idempotency). The worker is killed with
 * SIGKILL K times (default 50) at random moments and started again on the
 * same database; after the last kill it runs until everything is sent.
 *
 * Then the central database must hold every ticket exactly once, each
 * payload byte-identical to the kiosk's stored request, and the kiosk's
 * outbox must have nothing pending, in flight or dead. Exit 0 when that
 * holds, 1 otherwise.
 *
 * --control sends a fresh idempotency key with every attempt (the key
 * "switched off") to a sim started with --no-ticket-check. It must find
 * duplicates: exit 0 when it does (the test can fail), 1 when it does not.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "engine.h"
#include "fixture_req.h"
#include "fixture_sim.h"
#include "queue.h"
#include "rstate.h"

#define KIOSK_ID "SOAK-KIOSK-01"

typedef struct soak {
	const char *sim_bin;
	bool control;
	int requests, kills;
	unsigned seed;
	char dir[64], kiosk_db[128], central_db[128], key[128];
	fxsim sim;
} soak;

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Request I: a made-up applicant whose name and NIK carry the number. */
static void make_request(int i, int64_t now, req *r, rstate_event *first)
{
	char name[64], nik[32];
	fx_queued(r, first, (unsigned)i, KIOSK_ID, now);
	snprintf(name, sizeof name, "Pemohon Uji %04d", i);
	snprintf(nik, sizeof nik, "33750101019%05d", i % 100000);
	fx_value(r, REQ_F_NAME, name, NULL);
	fx_value(r, REQ_F_NIK, nik, NULL);
}

/* ---- the worker: one run of the kiosk process ------------------------------------ */

static void worker_log(void *ctx, sync_log_level level, const char *line)
{
	(void)ctx;
	if (level <= SYNC_LOG_ERROR)
		fprintf(stderr, "worker: %s\n", line);
}

static int worker(const soak *s, int target)
{
	uint8_t secret[SIGN_SECRET_LEN];
	char why[160];
	queue *q = NULL;
	sync_engine *e = NULL;

	if (sign_load_secret(s->key, secret, why, sizeof why) != 0 ||
	    queue_open(&q, s->kiosk_db, NULL) != QUEUE_OK)
		return 3;
	sync_opts o = {
		.db_path = s->kiosk_db,
		.base_url = s->sim.url,
		.kiosk_id = KIOSK_ID,
		.connect_timeout_ms = 1000,
		.total_timeout_ms = 3000,
		.retry_base_ms = 5,
		.retry_cap_ms = 100,
		.batch_max = 16,
		.poll_ms = 60000,
		.no_idempotency = s->control,
		.log = worker_log,
	};
	memcpy(o.secret, secret, sizeof secret);
	if (sync_start(&e, &o, why, sizeof why) != 0) {
		fprintf(stderr, "worker: %s\n", why);
		return 3;
	}
	/* Submit what is not stored yet, up to TARGET, while the engine sends. */
	int64_t now = time(NULL);
	for (int i = 0; i < target; i++) {
		req r;
		rstate_event first;
		make_request(i, now, &r, &first);
		queue_err qe = queue_submit(q, &r, &first, now + 7 * 86400, now + 86400, false);
		req_wipe(&r);
		if (qe != QUEUE_OK && qe != QUEUE_ERR_DUP_TICKET) {
			fprintf(stderr, "worker: submit %d: %s\n", i, queue_err_name(qe));
			return 3;
		}
		if (qe == QUEUE_OK && i % 8 == 0)
			sync_kick(e);
	}
	sync_kick(e);
	/* Until the outbox is empty (or two minutes: a hang is a failure). */
	int64_t give_up = mono_ms() + 120000;
	for (;;) {
		int64_t pending = 0, in_flight = 0;
		if (queue_outbox_count(q, "pending", &pending) == QUEUE_OK &&
		    queue_outbox_count(q, "in_flight", &in_flight) == QUEUE_OK && pending + in_flight == 0)
			break;
		if (mono_ms() > give_up) {
			fprintf(stderr, "worker: %" PRId64 " entries still to send after 120 s\n",
				pending + in_flight);
			return 4;
		}
		usleep(20000);
	}
	sync_stop(&e);
	queue_close(&q);
	return 0;
}

/* ---- the parent: kills, restarts, checks ------------------------------------------ */

static pid_t spawn_worker(const soak *s, int target)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0)
		_exit(worker(s, target));
	return pid;
}

/* Outbox entries left in flight (the kill landed mid-exchange). */
static int64_t in_flight(const soak *s)
{
	return fxsim_db_int(s->kiosk_db, "SELECT count(*) FROM outbox WHERE state = 'in_flight'");
}

/* Compare both databases. Returns the number of duplicates (or -1 on a
 * problem, described on stderr); *MISSING, *DIFFERENT, *OPEN get counts. */
static int check(const soak *s, int *missing, int *different, int64_t *open_entries)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char attach[300];
	int dups = 0;

	*missing = *different = 0;
	*open_entries = -1;
	if (sqlite3_open_v2(s->kiosk_db, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL) != SQLITE_OK)
		return -1;
	snprintf(attach, sizeof attach, "ATTACH 'file:%s?mode=ro' AS c", s->central_db);
	if (sqlite3_exec(db, attach, NULL, NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "check: cannot attach the central database: %s\n", sqlite3_errmsg(db));
		sqlite3_close(db);
		return -1;
	}
	/* For every local request: how many central copies, and are they all
	 * byte-identical to the local payload? */
	const char *sql = "SELECT r.ticket, (SELECT count(*) FROM c.requests x WHERE x.ticket = r.ticket),"
			  " (SELECT count(*) FROM c.requests x WHERE x.ticket = r.ticket"
			  "  AND CAST(x.payload AS BLOB) = CAST(r.payload AS BLOB))"
			  " FROM main.requests r";
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "check: %s\n", sqlite3_errmsg(db));
		sqlite3_close(db);
		return -1;
	}
	int local = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		int copies = sqlite3_column_int(st, 1), same = sqlite3_column_int(st, 2);
		local++;
		if (copies == 0)
			(*missing)++;
		if (copies > 1)
			dups += copies - 1;
		if (same != copies)
			(*different)++;
	}
	sqlite3_finalize(st);
	if (local != s->requests) {
		fprintf(stderr, "check: the kiosk holds %d requests, not %d\n", local, s->requests);
		*missing += s->requests - local;
	}
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM main.outbox WHERE state <> 'done'", -1, &st,
			       NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		*open_entries = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return dups;
}

static int parse_args(int argc, char **argv, soak *s)
{
	*s = (soak){.requests = 1000, .kills = 50, .seed = (unsigned)time(NULL)};
	if (argc < 2)
		return -1;
	s->sim_bin = argv[1];
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--control") == 0)
			s->control = true;
		else if (strcmp(argv[i], "--requests") == 0 && i + 1 < argc)
			s->requests = atoi(argv[++i]);
		else if (strcmp(argv[i], "--kills") == 0 && i + 1 < argc)
			s->kills = atoi(argv[++i]);
		else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
			s->seed = (unsigned)strtoul(argv[++i], NULL, 10);
		else
			return -1;
	}
	return s->requests > 0 && s->requests <= 100000 && s->kills >= 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	soak s;
	uint8_t secret[32];
	char seed_arg[24];

	if (parse_args(argc, argv, &s) != 0) {
		fprintf(stderr, "usage: soak_exactly_once SIM_BIN [--control] [--requests N] [--kills K]"
				" [--seed S]\n");
		return 2;
	}
	snprintf(s.dir, sizeof s.dir, "/tmp/soak-XXXXXX");
	if (mkdtemp(s.dir) == NULL)
		return 2;
	snprintf(s.kiosk_db, sizeof s.kiosk_db, "%s/kiosk.db", s.dir);
	snprintf(s.central_db, sizeof s.central_db, "%s/central.db", s.dir);
	snprintf(s.key, sizeof s.key, "%s/kiosk.key", s.dir);
	if (fxsim_write_key(s.key, secret) != 0)
		return 2;
	snprintf(seed_arg, sizeof seed_arg, "%u", s.seed);
	const char *faults[] = {"--fail-rate", "0.1", "--fail-after-rate", "0.1", "--seed", seed_arg,
				s.control ? "--no-ticket-check" : NULL, NULL};
	if (fxsim_start(&s.sim, s.sim_bin, s.central_db, KIOSK_ID, s.key, faults) != 0) {
		fprintf(stderr, "soak: cannot start %s\n", s.sim_bin);
		return 2;
	}
	printf("soak: %s run, %d requests, %d kills, seed %u, central %s\n",
	       s.control ? "control (no idempotency key)" : "exactly-once", s.requests, s.kills, s.seed,
	       s.sim.url);

	srand(s.seed);
	int64_t t0 = mono_ms();
	/* Each run gets a share of the requests to submit, so runs have work
	 * to be killed in, and is killed at a random moment within the time a
	 * run takes (learnt from the runs that finish before their kill). A
	 * run that finishes first is not a kill; the next one gets more work. */
	int killed = 0, finished_early = 0, mid_exchange = 0;
	int64_t run_ms = 150;
	for (int runs = 0; killed < s.kills && runs < 20 * s.kills; runs++) {
		int target = (int)((int64_t)s.requests * (runs + 1) / (2 * s.kills));
		if (target > s.requests)
			target = s.requests;
		int64_t start = mono_ms();
		pid_t pid = spawn_worker(&s, target);
		usleep((useconds_t)(rand() % (run_ms + 1)) * 1000);
		kill(pid, SIGKILL);
		int st;
		waitpid(pid, &st, 0);
		if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) {
			killed++;
			if (in_flight(&s) > 0)
				mid_exchange++;
		} else {
			finished_early++;
			run_ms = (run_ms + (mono_ms() - start)) / 2;
		}
	}
	pid_t pid = spawn_worker(&s, s.requests);
	int st;
	waitpid(pid, &st, 0);
	int64_t took = mono_ms() - t0;
	int rc_stop = fxsim_stop(&s.sim);

	int missing, different;
	int64_t open_entries;
	int dups = check(&s, &missing, &different, &open_entries);
	printf("soak: %d SIGKILLs (%d of them with entries in flight; %d runs finished before"
	       " their kill), last run exit %d, %.1f s\n",
	       killed, mid_exchange, finished_early, WIFEXITED(st) ? WEXITSTATUS(st) : -1,
	       (double)took / 1000.0);
	printf("soak: central holds duplicates %d, missing %d, not byte-identical %d;"
	       " kiosk outbox entries not done %" PRId64 "; sim exit %d\n",
	       dups, missing, different, open_entries, rc_stop);

	if (killed < s.kills) {
		printf("soak: FAIL: only %d of %d kills landed in a running kiosk\n", killed, s.kills);
		return 1;
	}
	bool clean = dups == 0 && missing == 0 && different == 0 && open_entries == 0 &&
		     WIFEXITED(st) && WEXITSTATUS(st) == 0;
	if (s.control) {
		if (dups > 0) {
			printf("soak: PASS: without the idempotency key the central service got %d"
			       " duplicates, so the check can fail\n", dups);
			return 0;
		}
		printf("soak: FAIL: the control run found no duplicates\n");
		return 1;
	}
	if (!clean) {
		printf("soak: FAIL (files kept in %s)\n", s.dir);
		return 1;
	}
	printf("soak: PASS: every request exactly once, byte-identical, outbox empty\n");
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", s.dir);
	if (system(cmd) != 0)
		fprintf(stderr, "soak: could not remove %s\n", s.dir);
	return 0;
}

/*
 * bench_outbox: what the sync engine's outbox costs on a store that has run
 * for years (not a ctest test; no cmocka).
 *
 *   bench_outbox [ROWS [DIR]]   (default 1000000 rows, DIR /tmp)
 *
 * In a fresh mkdtemp directory under DIR it creates the store with
 * queue_open() and fills the outbox to ROWS entries with raw SQL in one
 * transaction: 99% done (payload '', as settle leaves them) and the newest
 * 1% pending, each pending one a real submitted request (requests row,
 * first event, reqjson payload of about 1.5 KB). Then, on two handles as
 * the UI and the sync engine hold them, both with manual_checkpoint, it
 * times with CLOCK_MONOTONIC, N = 2000 samples each after 20 uncounted
 * ones:
 *   enqueue     queue_outbox_add() of a 1.5 KB complaint on the UI handle
 *               (one durable transaction, synchronous=FULL);
 *   next batch  queue_outbox_claim() of 32 plus queue_outbox_settle() of
 *               the 32 as DONE on the engine handle (every request entry
 *               also moves its request queued -> received); after each
 *               sample, untimed, new pending requests are appended so the
 *               backlog stays at 1%;
 *   batch of 1  the same for one entry (a kiosk that is not catching up);
 *   claim       queue_outbox_claim() of 32 alone (then, untimed, settled
 *               UNSENT, which puts the same 32 back);
 *   fsync       pwrite 4 KiB + fdatasync of a file in the same directory:
 *               the floor under every durable commit;
 *   checkpoint  queue_checkpoint() every CKPT_EVERY samples (about 1000 WAL
 *               pages, SQLite's automatic interval), timed apart: with
 *               automatic checkpoints it lands inside some commit instead,
 *               and the p99 of that series is the checkpoint's cost.
 * It prints one line per figure ("outbox enqueue at 1000000 rows: p50 0.41
 * ms p99 0.93 ms max ..."), the file system of DIR (on tmpfs an fsync does
 * nothing and the figures say nothing about a disk), and whether the
 * targets (enqueue and next batch p99 <= 1 ms) were met. The directory is
 * removed at the end. Exit 0 when it could measure, 1 otherwise.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "fixture_req.h"
#include "queue.h"
#include "reqjson.h"

enum {
	N = 2000,
	WARMUP = 20,
	BATCH = 32,
	BLOCK = 4096,
	PAYLOAD = 1536,
	CKPT_EVERY = 12, /* samples between checkpoints: about 1000 WAL pages */
};

#define TARGET_MS 1.0
#define T0 INT64_C(1767318300) /* Friday 2026-01-02 08:45 WIB */

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int cmp_i64(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
	return (a > b) - (a < b);
}

/* Sort T[0..N) and print its p50, p99 and max; *P99 gets the p99 in ms. */
static void report(const char *what, long long rows, int64_t *t, int n, double *p99)
{
	qsort(t, (size_t)n, sizeof *t, cmp_i64);
	*p99 = (double)t[(n * 99) / 100] / 1e6;
	printf("%s at %lld rows: p50 %.2f ms p99 %.2f ms (max %.2f ms, n %d)\n", what, rows,
	       (double)t[n / 2] / 1e6, *p99, (double)t[n - 1] / 1e6, n);
}

static int fail_sql(sqlite3 *db, const char *what)
{
	fprintf(stderr, "bench_outbox: %s: %s\n", what, sqlite3_errmsg(db));
	return -1;
}

/* The statements that add pending requests behind the queue's back. */
typedef struct filler {
	sqlite3 *db;
	sqlite3_stmt *req, *ev, *entry;
	req r;         /* Siti's request: its ticket changes per row */
	unsigned next; /* the next ticket number */
} filler;

static int filler_open(filler *f, const char *path)
{
	memset(f, 0, sizeof *f);
	if (sqlite3_open_v2(path, &f->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		return fail_sql(f->db, "open");
	sqlite3_busy_timeout(f->db, 5000);
	if (sqlite3_exec(f->db, "PRAGMA cache_size = -262144", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(
		    f->db,
		    "INSERT INTO requests (ticket, kiosk_id, state, nik_last4, payload, submitted_at,"
		    " deadline_at, target_at, updated_at) VALUES (?1, 'PKL-DISKOMINFO-01', 'queued',"
		    " '0001', ?2, ?3, ?3 + 604800, ?3 + 86400, ?3)",
		    -1, &f->req, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(f->db,
			       "INSERT INTO events (request_id, from_state, to_state, role, actor, at)"
			       " VALUES (?1, 'draft', 'queued', 'applicant', 'PKL-DISKOMINFO-01', ?2)",
			       -1, &f->ev, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(f->db,
			       "INSERT INTO outbox (idem_key, kind, ref_id, ticket, payload, updated_at)"
			       " VALUES (lower(hex(randomblob(16))), 'request', ?1, ?2, '', ?3)",
			       -1, &f->entry, NULL) != SQLITE_OK)
		return fail_sql(f->db, "prepare");
	fx_siti(&f->r);
	/* A long reason, as citizens write them: the JSON comes to about 1.5 KB. */
	snprintf(f->r.reason_text, sizeof f->r.reason_text,
		 "Kenaikan jabatan sesuai SK Wali Kota Pekalongan Nomor 800/123/2026 tanggal 2 Januari 2026,"
		 " berlaku mulai 1 Februari 2026; mohon data sertifikat elektronik disesuaikan dengan jabatan"
		 " dan unit kerja yang baru.");
	f->r.consent_at = T0 - 120;
	f->r.submitted_at = T0;
	f->r.state = RSTATE_QUEUED;
	f->next = 1;
	return 0;
}

static void filler_close(filler *f)
{
	sqlite3_finalize(f->req);
	sqlite3_finalize(f->ev);
	sqlite3_finalize(f->entry);
	sqlite3_close(f->db);
	req_wipe(&f->r);
}

static int step_reset(filler *f, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : fail_sql(f->db, "insert");
}

/* Append one pending request (inside the caller's transaction); *LEN
 * (may be NULL) gets its payload's size. */
static int add_pending(filler *f, size_t *len)
{
	char *json = NULL;
	fx_ticket(f->next++, f->r.ticket);
	if (reqjson_encode(&f->r, &json) != REQJSON_OK) {
		fprintf(stderr, "bench_outbox: reqjson_encode failed\n");
		return -1;
	}
	if (len)
		*len = strlen(json);
	sqlite3_bind_text(f->req, 1, f->r.ticket, -1, SQLITE_STATIC);
	sqlite3_bind_text(f->req, 2, json, -1, SQLITE_STATIC);
	sqlite3_bind_int64(f->req, 3, T0);
	int rc = step_reset(f, f->req);
	int64_t id = sqlite3_last_insert_rowid(f->db);
	if (rc == 0) {
		sqlite3_bind_int64(f->ev, 1, id);
		sqlite3_bind_int64(f->ev, 2, T0);
		rc = step_reset(f, f->ev);
	}
	if (rc == 0) {
		sqlite3_bind_int64(f->entry, 1, id);
		sqlite3_bind_text(f->entry, 2, f->r.ticket, -1, SQLITE_STATIC);
		sqlite3_bind_int64(f->entry, 3, wall_ms());
		rc = step_reset(f, f->entry);
	}
	sqlite3_clear_bindings(f->req);
	sqlite3_clear_bindings(f->entry);
	reqjson_free(&json);
	return rc;
}

/* ROWS entries: the oldest 99% done, the newest pending requests. */
static int fill(filler *f, long long rows, long long *pending)
{
	long long done_rows = rows - rows / 100;
	size_t len = 0;
	char sql[512];
	int64_t t0 = now_ns();

	*pending = rows - done_rows;
	if (sqlite3_exec(f->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return fail_sql(f->db, "begin");
	/* Done entries as settle leaves them: request and event entries of
	 * long-closed requests, payload ''. Their requests are not needed by
	 * anything timed here, so they are left out (they would only make the
	 * file bigger, not the outbox). */
	snprintf(sql, sizeof sql,
		 "WITH RECURSIVE i(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM i WHERE n < %lld)"
		 " INSERT INTO outbox (idem_key, kind, ref_id, ticket, payload, attempts, http_status, state,"
		 " updated_at) SELECT lower(hex(randomblob(16))),"
		 " CASE n %% 3 WHEN 0 THEN 'request' ELSE 'event' END, n, 'HDX7-KPQ2', '', 1, 201, 'done',"
		 " %lld FROM i",
		 done_rows, (long long)wall_ms());
	if (sqlite3_exec(f->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return fail_sql(f->db, "fill done");
	for (long long i = 0; i < *pending; i++) {
		if (add_pending(f, &len) != 0)
			return -1;
	}
	if (sqlite3_exec(f->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		return fail_sql(f->db, "commit");
	printf("filled %lld rows (%lld done, %lld pending requests of %zu bytes) in %.1f s\n", rows,
	       done_rows, *pending, len, (double)(now_ns() - t0) / 1e9);
	return 0;
}

/* N more pending requests, untimed, in one transaction. */
static int refill(filler *f, int n)
{
	if (sqlite3_exec(f->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return fail_sql(f->db, "begin");
	for (int i = 0; i < n; i++) {
		if (add_pending(f, NULL) != 0)
			return -1;
	}
	return sqlite3_exec(f->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK ? 0 : fail_sql(f->db, "commit");
}

static int64_t one_fsync(int fd, const unsigned char *block)
{
	int64_t t0 = now_ns();
	if (pwrite(fd, block, BLOCK, 0) != BLOCK || fdatasync(fd) != 0)
		return -1;
	return now_ns() - t0;
}

static int64_t one_enqueue(queue *q, const char *payload)
{
	int64_t seq = 0;
	int64_t t0 = now_ns();
	queue_err e = queue_outbox_add(q, QUEUE_KIND_COMPLAINT, payload, strlen(payload), &seq);
	int64_t dt = now_ns() - t0;
	if (e != QUEUE_OK) {
		fprintf(stderr, "bench_outbox: queue_outbox_add: %s\n", queue_err_name(e));
		return -1;
	}
	return dt;
}

/* Claim MAX (timed as *CLAIM_NS), then settle them with OUTCOME (the
 * whole timed as the return value). */
static int64_t one_batch(queue *q, int max, queue_entry *e, queue_result *res, queue_outcome outcome,
			 int64_t *claim_ns)
{
	int n = 0;
	int64_t wait = 0;
	int64_t t0 = now_ns();
	queue_err err = queue_outbox_claim(q, wall_ms(), max, e, &n, &wait);
	*claim_ns = now_ns() - t0;
	if (err != QUEUE_OK || n != max) {
		fprintf(stderr, "bench_outbox: claim: %s, %d entries\n", queue_err_name(err), n);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		memset(&res[i], 0, sizeof res[i]);
		res[i].seq = e[i].seq;
		res[i].outcome = outcome;
		res[i].http_status = outcome == QUEUE_OUT_DONE ? 201 : 0;
		res[i].received_at = outcome == QUEUE_OUT_DONE ? wall_ms() / 1000 : 0;
		queue_entry_wipe(&e[i]);
	}
	err = queue_outbox_settle(q, res, n, wall_ms());
	int64_t dt = now_ns() - t0;
	if (err != QUEUE_OK) {
		fprintf(stderr, "bench_outbox: settle: %s\n", queue_err_name(err));
		return -1;
	}
	return dt;
}

static void remove_dir(const char *dir)
{
	static const char *const names[] = {"outbox.db", "outbox.db-wal", "outbox.db-shm", "fsync.bin"};
	char p[600];
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		snprintf(p, sizeof p, "%s/%s", dir, names[i]);
		unlink(p);
	}
	rmdir(dir);
}

int main(int argc, char **argv)
{
	static int64_t t_enq[N], t_batch[N], t_one[N], t_claim[N], t_fsync[N], t_ckpt[N / CKPT_EVERY];
	static queue_entry entries[BATCH];
	static queue_result results[BATCH];
	static unsigned char block[BLOCK];
	long long rows = 1000000, pending = 0;
	const char *base = argc > 2 ? argv[2] : "/tmp";
	char dir[512], path[600], fpath[600], complaint[PAYLOAD + 1];
	queue *ui = NULL, *engine = NULL;
	filler f;
	int fd = -1, status = 1;
	double p99_enq, p99_batch, p99_one, p99_claim, p99_fsync, p99_ckpt;
	int n_ckpt = 0;

	if (argc > 1) {
		char *end;
		rows = strtoll(argv[1], &end, 10);
		if (*end != '\0' || rows < 10000 || rows > 100000000) {
			fprintf(stderr, "usage: bench_outbox [ROWS (10000..100000000) [DIR]]\n");
			return 1;
		}
	}
	snprintf(dir, sizeof dir, "%s/bench_outbox.XXXXXX", base);
	if (mkdtemp(dir) == NULL) {
		perror("bench_outbox: mkdtemp");
		return 1;
	}
	snprintf(path, sizeof path, "%s/outbox.db", dir);
	snprintf(fpath, sizeof fpath, "%s/fsync.bin", dir);
	struct statfs sfs;
	if (statfs(dir, &sfs) == 0)
		printf("directory %s, file system type 0x%lx%s\n", dir, (unsigned long)sfs.f_type,
		       (unsigned long)sfs.f_type == 0x01021994 ? " (tmpfs: fsync does nothing here)" : "");

	/* A complaint as the kiosk's form writes it, 1.5 KB of JSON. */
	int head = snprintf(
		complaint, sizeof complaint,
		"{\"v\":1,\"number\":\"ADU-HDX7-KPQ2\",\"kiosk_id\":\"PKL-DISKOMINFO-01\","
		"\"category\":\"service\",\"ticket\":\"\",\"contact\":\"\",\"at\":1767318300,\"text\":\"");
	for (int i = head; i < PAYLOAD - 2; i++)
		complaint[i] = "Antrean panjang dan pendingin ruangan mati. "[(i - head) % 44];
	snprintf(complaint + PAYLOAD - 2, 3, "\"}");

	queue_err e = queue_open(&engine, path, NULL);
	if (e != QUEUE_OK) {
		fprintf(stderr, "bench_outbox: queue_open: %s\n", queue_err_name(e));
		goto out;
	}
	queue_close(&engine);
	if (filler_open(&f, path) != 0)
		goto out_filler;
	if (fill(&f, rows, &pending) != 0)
		goto out_filler;

	queue_opts manual = {.manual_checkpoint = true};
	if (queue_open(&ui, path, &manual) != QUEUE_OK || queue_open(&engine, path, &manual) != QUEUE_OK ||
	    queue_checkpoint(ui) != QUEUE_OK) {
		fprintf(stderr, "bench_outbox: cannot open the filled store\n");
		goto out_filler;
	}
	/* Let the disk write back the fill (a few hundred MB at 1M rows)
	 * before timing: the figures are for a store at rest, not for the
	 * minute after it was created. */
	sync();
	fd = open(fpath, O_CREAT | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0) {
		perror("bench_outbox: open");
		goto out_filler;
	}
	memset(block, 0xA5, sizeof block);

	/* Interleaved, so that load changes on the machine hit every series alike. */
	for (int i = -WARMUP; i < N; i++) {
		int64_t fs = one_fsync(fd, block);
		int64_t enq = one_enqueue(ui, complaint);
		int64_t claim_ns = 0, claim2_ns = 0;
		int64_t batch = one_batch(engine, BATCH, entries, results, QUEUE_OUT_DONE, &claim_ns);
		int64_t one = one_batch(engine, 1, entries, results, QUEUE_OUT_DONE, &claim_ns);
		int64_t unsent = one_batch(engine, BATCH, entries, results, QUEUE_OUT_UNSENT, &claim2_ns);
		if (fs < 0 || enq < 0 || batch < 0 || one < 0 || unsent < 0 || refill(&f, BATCH + 1) != 0)
			goto out_filler;
		if (i >= 0) {
			t_fsync[i] = fs;
			t_enq[i] = enq;
			t_batch[i] = batch;
			t_one[i] = one;
			t_claim[i] = claim2_ns;
		}
		/* Checkpoints at quiet times, timed apart: about 1000 WAL pages each. */
		if (i % CKPT_EVERY == CKPT_EVERY - 1) {
			int64_t t0 = now_ns();
			if (queue_checkpoint(engine) != QUEUE_OK)
				goto out_filler;
			if (i >= 0 && n_ckpt < N / CKPT_EVERY)
				t_ckpt[n_ckpt++] = now_ns() - t0;
		}
	}
	report("outbox enqueue", rows, t_enq, N, &p99_enq);
	report("outbox next batch (claim 32 + settle done)", rows, t_batch, N, &p99_batch);
	report("outbox next batch of 1 (claim + settle done)", rows, t_one, N, &p99_one);
	report("outbox claim 32", rows, t_claim, N, &p99_claim);
	report("fsync alone", rows, t_fsync, N, &p99_fsync);
	report("checkpoint (apart from the above)", rows, t_ckpt, n_ckpt, &p99_ckpt);
	int64_t left = 0;
	if (queue_outbox_count(engine, "pending", &left) == QUEUE_OK)
		printf("pending at the end: %lld (at the start: %lld)\n", (long long)left, pending);
	printf("target p99 <= %.1f ms: enqueue %s, next batch %s%s\n", TARGET_MS,
	       p99_enq <= TARGET_MS ? "met" : "MISSED", p99_batch <= TARGET_MS ? "met" : "MISSED",
	       p99_fsync > TARGET_MS ? " (fsync alone exceeds it on this disk)" : "");
	status = 0;

out_filler:
	filler_close(&f);
out:
	if (fd >= 0)
		close(fd);
	queue_close(&ui);
	queue_close(&engine);
	remove_dir(dir);
	return status;
}

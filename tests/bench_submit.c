/*
 * bench_submit: what a durable submit costs, measured against one fsync of
 * the same disk (run by tests/bench.sh; not a ctest test).
 *
 *   bench_submit [DIR]   (default: a fresh directory under the build tree)
 *
 * A citizen's request is on disk when queue_submit() returns: one
 * transaction on a WAL database with synchronous=FULL, so at least one
 * fsync of the WAL, sometimes a checkpoint on top. The target is a submit
 * p99 within 3 fsyncs. In a fresh mkdtemp directory under DIR the program
 * interleaves N = 300 samples of each, timed with CLOCK_MONOTONIC:
 *   fsync   pwrite 4 KiB at offset 0 of a file, then fsync it (the steady
 *           state of a log that is rewritten in place);
 *   submit  draw a ticket (getrandom), req_validate() a full made-up
 *           request, rstate_apply() draft -> queued, queue_submit().
 * Five of each are run first and not counted (file creation, first WAL
 * growth). It prints p50/p99/max of both in microseconds, the ratios
 * submit_p99/fsync_p50 and submit_p99/fsync_p99, and the file system of
 * DIR (statfs): on tmpfs an fsync does nothing and the figures say nothing
 * about a disk, which is why the default is the build tree, not /tmp.
 * Exit 0 when it could measure (whatever the figures), 1 otherwise.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include "fixture_req.h"
#include "queue.h"

#ifndef KIOSK_BENCH_DIR
#define KIOSK_BENCH_DIR "."
#endif

enum {
	N = 300,
	WARMUP = 5,
	BLOCK = 4096,
	TARGET_RATIO = 3,
};

/* statfs f_type values (linux/magic.h and the file systems' sources). */
static const struct {
	unsigned long magic;
	const char *name;
} fs_names[] = {
	{0xEF53, "ext2/3/4"},    {0x01021994, "tmpfs"},     {0x58465342, "xfs"},
	{0x9123683E, "btrfs"},   {0xF2F52010, "f2fs"},      {0x794C7630, "overlayfs"},
	{0x6969, "nfs"},         {0x01021997, "9p"},        {0x65735546, "fuse"},
	{0x2FC12FC1, "zfs"},     {0x858458F6, "ramfs"},     {0x4D44, "vfat"},
	{0x5346544E, "ntfs"},    {0x73717368, "squashfs"},  {0xFF534D42, "cifs"},
};

static const char *fs_name(unsigned long magic)
{
	for (size_t i = 0; i < sizeof fs_names / sizeof fs_names[0]; i++) {
		if (fs_names[i].magic == magic)
			return fs_names[i].name;
	}
	return NULL;
}

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int cmp_i64(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
	return (a > b) - (a < b);
}

/* Siti Nur'aini (made up): every profile field, two changes, two documents. */
static void full_request(req *r, int64_t now)
{
	fx_siti(r);
	snprintf(r->reason_text, sizeof r->reason_text,
		 "Kenaikan jabatan sesuai SK Wali Kota Pekalongan tanggal 2 Januari 2026.");
	r->consent_at = now - 120;
}

/* One sample of the fsync baseline. */
static int64_t one_fsync(int fd, const unsigned char *block)
{
	int64_t t0 = now_ns();
	if (pwrite(fd, block, BLOCK, 0) != BLOCK || fsync(fd) != 0)
		return -1;
	return now_ns() - t0;
}

/* One submit, as the kiosk makes it from a filled form. */
static int64_t one_submit(queue *q, const req *tmpl, int64_t now, int *issues, int *retries)
{
	uint8_t rnd[TICKET_RANDOM_BYTES];
	rstate_event first;
	queue_err e;
	req r;

	int64_t t0 = now_ns();
	r = *tmpl;
	r.state = RSTATE_DRAFT;
	req_issue found[8];
	int n = req_validate(&r, found, 8);
	*issues = req_issue_errors(found, n < 8 ? n : 8);
	r.submitted_at = now;
	if (rstate_apply(&r.state, RSTATE_QUEUED, RROLE_APPLICANT, r.kiosk_id, now, NULL, &first) != RSTATE_OK)
		return -1;
	do {
		if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
			return -1;
		ticket_make(rnd, r.ticket);
		e = queue_submit(q, &r, &first, now + 7 * 86400, now + 86400, false);
	} while (e == QUEUE_ERR_DUP_TICKET && ++*retries < 100);
	int64_t dt = now_ns() - t0;
	req_wipe(&r);
	if (e != QUEUE_OK) {
		fprintf(stderr, "bench_submit: queue_submit: %s\n", queue_err_name(e));
		return -1;
	}
	return dt;
}

static void report(const char *what, int64_t *t, int n, int64_t *p50, int64_t *p99)
{
	qsort(t, (size_t)n, sizeof *t, cmp_i64);
	*p50 = t[n / 2];
	*p99 = t[(n * 99) / 100];
	printf("%-6s p50_us=%.1f p99_us=%.1f max_us=%.1f min_us=%.1f n=%d\n", what, (double)*p50 / 1e3,
	       (double)*p99 / 1e3, (double)t[n - 1] / 1e3, (double)t[0] / 1e3, n);
}

static void remove_file(const char *dir, const char *name)
{
	char p[4200];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	unlink(p);
}

int main(int argc, char **argv)
{
	static int64_t t_fsync[N], t_submit[N];
	static unsigned char block[BLOCK];
	const char *base = argc > 1 ? argv[1] : KIOSK_BENCH_DIR;
	char dir[4096], path[4200];
	queue *q = NULL;
	req tmpl;
	int fd = -1, status = 1, issues = 0, max_issues = 0, retries = 0;
	int64_t now, f50, f99, s50, s99;
	const char *fs;
	struct statfs sf;
	queue_err e;

	req_init(&tmpl);
	if (argc > 2) {
		fprintf(stderr, "usage: bench_submit [DIR]\n");
		return 2;
	}
	if (snprintf(dir, sizeof dir, "%s/bench-submit.XXXXXX", base) >= (int)sizeof dir ||
	    mkdtemp(dir) == NULL) {
		fprintf(stderr, "bench_submit: cannot make a directory under %s\n", base);
		return 1;
	}
	if (statfs(dir, &sf) != 0) {
		fprintf(stderr, "bench_submit: statfs %s failed\n", dir);
		goto out;
	}
	fs = fs_name((unsigned long)sf.f_type);
	printf("dir:    %s\n", dir);
	if (fs)
		printf("fs:     %s\n", fs);
	else
		printf("fs:     unknown (statfs f_type 0x%lx)\n", (unsigned long)sf.f_type);
	if ((unsigned long)sf.f_type == 0x01021994 || (unsigned long)sf.f_type == 0x858458F6)
		printf("note:   %s keeps files in memory: fsync does nothing, the figures say nothing "
		       "about a disk\n", fs);

	memset(block, 0x5A, sizeof block);
	snprintf(path, sizeof path, "%s/fsync.bin", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		fprintf(stderr, "bench_submit: cannot create %s\n", path);
		goto out;
	}
	snprintf(path, sizeof path, "%s/queue.db", dir);
	/* As the kiosk opens it: no automatic checkpoint inside a submit; the
	 * kiosk checkpoints when the session ends, as here after each sample
	 * (untimed: nobody waits for it). */
	queue_opts qo = {.manual_checkpoint = true};
	e = queue_open(&q, path, &qo);
	if (e != QUEUE_OK) {
		fprintf(stderr, "bench_submit: queue_open: %s\n", queue_err_name(e));
		goto out;
	}
	now = (int64_t)time(NULL);
	full_request(&tmpl, now);

	for (int i = 0; i < WARMUP; i++) {
		if (one_fsync(fd, block) < 0 || one_submit(q, &tmpl, now, &issues, &retries) < 0)
			goto io_fail;
	}
	/* Interleaved, so a change in the machine's load hits both series alike. */
	for (int i = 0; i < N; i++) {
		t_fsync[i] = one_fsync(fd, block);
		t_submit[i] = one_submit(q, &tmpl, now, &issues, &retries);
		if (queue_checkpoint(q) != QUEUE_OK)
			goto io_fail;
		if (t_fsync[i] < 0 || t_submit[i] < 0)
			goto io_fail;
		if (issues > max_issues)
			max_issues = issues;
	}

	printf("%d samples each (after %d warm-up), interleaved; times in microseconds\n", N, WARMUP);
	report("fsync", t_fsync, N, &f50, &f99);
	report("submit", t_submit, N, &s50, &s99);
	double r50 = (double)s99 / (double)f50, r99 = (double)s99 / (double)f99;
	printf("ratio  submit_p99/fsync_p50=%.2f submit_p99/fsync_p99=%.2f target<=%d %s\n", r50, r99,
	       TARGET_RATIO, r50 <= TARGET_RATIO ? "ok" : "over");
	if (max_issues > 0)
		printf("note:   req_validate found %d errors in the made-up request (still submitted)\n",
		       max_issues);
	if (retries > 0)
		printf("note:   %d ticket collisions redrawn\n", retries);
	status = 0;
	goto out;

io_fail:
	fprintf(stderr, "bench_submit: a write or fsync failed\n");
out:
	req_wipe(&tmpl);
	queue_close(&q);
	if (fd >= 0)
		close(fd);
	remove_file(dir, "fsync.bin");
	remove_file(dir, "queue.db");
	remove_file(dir, "queue.db-wal");
	remove_file(dir, "queue.db-shm");
	rmdir(dir);
	return status;
}

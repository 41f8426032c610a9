/*
 * bench_reader: an identity read through the simulated reader, protocol
 * work only (docs/benchmarks.md, target p99 <= 10 ms). Each sample is what
 * the reader thread does for a card: power the card and the SAM on, read
 * the UID, select, authenticate through the SAM, read the record and parse
 * it, power off. The card image is parsed once, before timing: file reading
 * is not protocol work. Every exchange level the driver supports is timed,
 * so a slow path shows. A failed read fails the benchmark (exit 1).
 *
 * For scale, the same read end to end as the citizen meets it: from the
 * card going onto the reader (ccidsim_insert, which also parses the image
 * file) to the IDENTITY event in the UI's queue, through the reader thread
 * and its interrupt-endpoint wait; 200 cards.
 *
 *   bench_reader [SAMPLES]      (default 2000 per level, after 100 warm-up)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "card.h"
#include "ccidsim.h"
#include "ktpcard.h"
#include "reader.h"

enum { WARMUP = 100, TIMEOUT_MS = 3000, TARGET_P99_US = 10000 };

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

static long now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000L + ts.tv_nsec / 1000;
}

/* One identity read; 0 on success. */
static int read_once(ccid *c)
{
	card k, sam;
	char uid[KTP_UID_CAP];
	ktp_identity id;
	ktpcard_detail d;
	int64_t dl = xport_deadline_in(TIMEOUT_MS);
	if (card_connect(&k, c, 0, dl, NULL) != APDU_OK)
		return -1;
	int rc = -1;
	if (card_connect(&sam, c, 1, dl, NULL) != APDU_OK)
		goto out;
	if (ktpcard_read_uid(&k, uid, &d, dl) == KTPCARD_OK &&
	    ktpcard_read_identity(&k, &sam, &id, &d, NULL, NULL, dl) == KTPCARD_OK)
		rc = 0;
	ktp_identity_wipe(&id);
	card_disconnect(&sam, dl);
out:
	card_disconnect(&k, dl);
	return rc;
}

static int bench_level(const char *name, const ccidsim_opts *so, int n, const char *card_path)
{
	ccidsim *sim = NULL;
	ccid *c = NULL;
	long *t = calloc((size_t)n, sizeof *t);
	int status = 1;
	if (!t || ccidsim_new(&sim, so) != CCIDSIM_OK || ccidsim_insert(sim, card_path) != CCIDSIM_OK)
		goto out;
	xport x = ccidsim_xport(sim);
	xport_info info;
	if (x.ops->open(x.ctx, &info) != XPORT_OK || ccid_open(&c, x, &info, NULL) != CCID_OK)
		goto out;
	for (int i = 0; i < WARMUP + n; i++) {
		long t0 = now_us();
		if (read_once(c) != 0) {
			fprintf(stderr, "bench_reader: %s: read %d failed\n", name, i);
			goto out;
		}
		if (i >= WARMUP)
			t[i - WARMUP] = now_us() - t0;
	}
	qsort(t, (size_t)n, sizeof *t, cmp_long);
	long p50 = t[n / 2], p99 = t[(n * 99 + 99) / 100 - 1];
	printf("%-28s p50=%6ld us  p99=%6ld us  max=%6ld us  target p99<=%d us %s\n", name, p50,
	       p99, t[n - 1], TARGET_P99_US, p99 <= TARGET_P99_US ? "ok" : "over");
	status = 0;
out:
	ccid_free(&c);
	if (sim)
		x.ops->close(x.ctx);
	ccidsim_free(&sim);
	free(t);
	return status;
}

/* Card on the reader -> IDENTITY in the queue, through the reader thread. */
static int bench_thread(int n, const char *card_path)
{
	ccidsim *sim = NULL;
	rdr_evq *q = NULL;
	reader *r = NULL;
	long *t = calloc((size_t)n, sizeof *t);
	int status = 1;
	if (!t || ccidsim_new(&sim, NULL) != CCIDSIM_OK || rdr_evq_new(&q, 64) != RDR_OK ||
	    reader_start(&r, ccidsim_xport(sim), q, NULL) != RDR_OK)
		goto out;
	for (int i = 0; i < n; i++) {
		long t0 = now_us();
		if (ccidsim_insert(sim, card_path) != CCIDSIM_OK)
			goto out;
		bool got = false;
		while (!got) {
			unsigned long seen = rdr_evq_pushed(q);
			rdr_event e;
			while (rdr_evq_pop(q, &e)) {
				if (e.type == RDR_EV_ERROR || e.type == RDR_EV_CARD_UNREADABLE) {
					fprintf(stderr, "bench_reader: thread: read %d failed\n", i);
					rdr_event_wipe(&e);
					goto out;
				}
				got |= e.type == RDR_EV_IDENTITY;
				rdr_event_wipe(&e);
			}
			if (!got && !rdr_evq_wait(q, seen, TIMEOUT_MS)) {
				fprintf(stderr, "bench_reader: thread: no identity within %d ms\n", TIMEOUT_MS);
				goto out;
			}
		}
		t[i] = now_us() - t0;
		ccidsim_remove(sim);
		rdr_event e;
		for (bool gone = false; !gone;) { /* the removal, before the next card */
			unsigned long seen = rdr_evq_pushed(q);
			while (rdr_evq_pop(q, &e)) {
				gone |= e.type == RDR_EV_CARD_REMOVED;
				rdr_event_wipe(&e);
			}
			if (!gone && !rdr_evq_wait(q, seen, TIMEOUT_MS))
				goto out;
		}
	}
	qsort(t, (size_t)n, sizeof *t, cmp_long);
	printf("%-28s p50=%6ld us  p99=%6ld us  max=%6ld us  (for scale)\n",
	       "end to end, reader thread", t[n / 2], t[(n * 99 + 99) / 100 - 1], t[n - 1]);
	status = 0;
out:
	reader_stop(&r);
	ccidsim_free(&sim);
	rdr_evq_free(&q);
	free(t);
	return status;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 2000;
	if (n < 10) {
		fprintf(stderr, "usage: bench_reader [SAMPLES >= 10]\n");
		return 2;
	}
	const char *card_path = KIOSK_TEST_DIR "/cards/siti.card";
	struct {
		const char *name;
		ccid_level level;
		uint8_t card, sam;
	} levels[] = {
		{"TPDU, card T=1, SAM T=0", CCID_LEVEL_TPDU, 2, 1},
		{"TPDU, card T=0, SAM T=0", CCID_LEVEL_TPDU, 1, 1},
		{"short APDU", CCID_LEVEL_SHORT_APDU, 2, 1},
		{"extended APDU", CCID_LEVEL_EXT_APDU, 2, 1},
	};
	printf("identity read through the simulated reader, %d samples per level (after %d warm-up)\n",
	       n, WARMUP);
	int status = 0;
	for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++) {
		ccidsim_opts so = ccidsim_defaults();
		so.level = levels[i].level;
		so.card_protocols = levels[i].card;
		so.sam_protocols = levels[i].sam;
		status |= bench_level(levels[i].name, &so, n, card_path);
	}
	status |= bench_thread(200, card_path);
	return status;
}

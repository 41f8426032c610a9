/*
 * bench_sync: how fast the sync engine drains its outbox, next to raw
 * libcurl keep-alive POSTs to the same server in the same run (run by
 * tests/bench.sh; not a ctest test).
 *
 *   bench_sync SIM_BIN [N [DIR]]   (default N = 10000, DIR the build tree:
 *                                   /tmp may be tmpfs, where fsync is free)
 *
 * One kiosk-central-sim (no faults) serves both. First N raw POSTs of
 * /v1/requests on one kept-alive libcurl handle, each signed with a fresh
 * nonce and its own idempotency key, bodies prepared in memory: the most a
 * client could do against this server. Then N requests are queued in the
 * kiosk's store with queue_submit() (not timed), and the engine is started
 * and timed until every outbox entry is done: claims, signed sends,
 * classification, settles (with their fsyncs) and the received events.
 * Target: engine rate >= 0.25 of the raw rate.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "engine.h"
#include "fixture_req.h"
#include "fixture_sim.h"
#include "queue.h"
#include "reqjson.h"
#include "sign.h"

#define KIOSK "BENCH-KIOSK-01"

static int64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void make(int i, int64_t now, req *r, rstate_event *first)
{
	fx_queued(r, first, (unsigned)i, KIOSK, now);
}

static size_t discard(char *p, size_t size, size_t n, void *ctx)
{
	(void)p;
	(void)ctx;
	return size * n;
}

/* N signed keep-alive POSTs of requests FROM..FROM+N-1; returns requests/s. */
static double raw_posts(const char *url_base, const uint8_t secret[32], int from, int n)
{
	CURL *c = curl_easy_init();
	char url[128], path[] = "/v1/requests";
	char **bodies = calloc((size_t)n, sizeof *bodies);
	int64_t now = time(NULL);

	for (int i = 0; i < n; i++) {
		req r;
		rstate_event first;
		make(from + i, now, &r, &first);
		if (reqjson_encode(&r, &bodies[i]) != REQJSON_OK)
			abort();
		req_wipe(&r);
	}
	snprintf(url, sizeof url, "%s/requests", url_base);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	int ok = 0;
	int64_t t0 = mono_us();
	for (int i = 0; i < n; i++) {
		char hash[SIGN_HEX_LEN + 1], nonce[SIGN_NONCE_LEN + 1], key[SIGN_NONCE_LEN + 1];
		char sig[SIGN_HEX_LEN + 1], h[5][128];
		struct curl_slist *hs = NULL;
		size_t len = strlen(bodies[i]);
		int64_t t = time(NULL);
		sign_body_hash(bodies[i], len, hash);
		sign_nonce(nonce);
		sign_nonce(key);
		sign_request(secret, "POST", path, t, nonce, hash, sig);
		snprintf(h[0], sizeof h[0], "X-Kiosk-Id: %s", KIOSK);
		snprintf(h[1], sizeof h[1], "X-Kiosk-Time: %" PRId64, t);
		snprintf(h[2], sizeof h[2], "X-Kiosk-Nonce: %s", nonce);
		snprintf(h[3], sizeof h[3], "X-Kiosk-Signature: %s", sig);
		snprintf(h[4], sizeof h[4], "Idempotency-Key: %s", key);
		for (int k = 0; k < 5; k++)
			hs = curl_slist_append(hs, h[k]);
		hs = curl_slist_append(hs, "Content-Type: application/json");
		hs = curl_slist_append(hs, "Expect:"); /* no 100-continue round trip */
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hs);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, bodies[i]);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)len);
		long code = 0;
		if (curl_easy_perform(c) == CURLE_OK)
			curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
		if (code == 201)
			ok++;
		curl_slist_free_all(hs);
	}
	int64_t dt = mono_us() - t0;
	long conns = 0;
	curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &conns);
	curl_easy_cleanup(c);
	for (int i = 0; i < n; i++)
		reqjson_free(&bodies[i]);
	free(bodies);
	if (ok != n)
		fprintf(stderr, "bench_sync: only %d of %d raw POSTs were stored\n", ok, n);
	return (double)n * 1e6 / (double)dt;
}

int main(int argc, char **argv)
{
	char dir[PATH_MAX], kdb[PATH_MAX + 16], cdb[PATH_MAX + 16], key[PATH_MAX + 16], why[160];
	uint8_t secret[32];
	fxsim sim;
	queue *q = NULL;
	sync_engine *e = NULL;
	int n = argc > 2 ? atoi(argv[2]) : 10000;

	if (argc < 2 || n <= 0) {
		fprintf(stderr, "usage: bench_sync SIM_BIN [N]\n");
		return 2;
	}
	snprintf(dir, sizeof dir, "%s/bench-sync-XXXXXX", argc > 3 ? argv[3] : KIOSK_BENCH_DIR);
	if (!mkdtemp(dir)) {
		fprintf(stderr, "bench_sync: cannot create %s\n", dir);
		return 2;
	}
	snprintf(kdb, sizeof kdb, "%s/kiosk.db", dir);
	snprintf(cdb, sizeof cdb, "%s/central.db", dir);
	snprintf(key, sizeof key, "%s/kiosk.key", dir);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (fxsim_write_key(key, secret) != 0 || fxsim_start(&sim, argv[1], cdb, KIOSK, key, NULL) != 0) {
		fprintf(stderr, "bench_sync: cannot start %s\n", argv[1]);
		return 2;
	}

	double raw = raw_posts(sim.url, secret, 1000000, n);

	if (queue_open(&q, kdb, NULL) != QUEUE_OK)
		return 2;
	int64_t now = time(NULL);
	for (int i = 0; i < n; i++) {
		req r;
		rstate_event first;
		make(i, now, &r, &first);
		if (queue_submit(q, &r, &first, now + 7 * 86400, now + 86400, false) != QUEUE_OK)
			return 2;
		req_wipe(&r);
	}
	sync_opts o = {.db_path = kdb, .base_url = sim.url, .kiosk_id = KIOSK, .poll_ms = 600000};
	memcpy(o.secret, secret, sizeof secret);
	int64_t t0 = mono_us();
	if (sync_start(&e, &o, why, sizeof why) != 0) {
		fprintf(stderr, "bench_sync: %s\n", why);
		return 2;
	}
	int64_t done = 0;
	while (done < n) {
		usleep(2000);
		if (queue_outbox_count(q, "done", &done) != QUEUE_OK)
			return 2;
	}
	int64_t dt = mono_us() - t0;
	sync_stop(&e);
	queue_close(&q);
	fxsim_stop(&sim);
	double engine = (double)n * 1e6 / (double)dt;

	printf("sync drain of %d queued requests: engine %.0f req/s, raw keep-alive POSTs %.0f req/s,"
	       " ratio %.2f (target >= 0.25)\n", n, engine, raw, engine / raw);
	char cmd[PATH_MAX + 16];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench_sync: could not remove %s\n", dir);
	curl_global_cleanup();
	return 0;
}

/*
 * fixture_outbox: play a healthy central service for the tests that need the
 * outbox emptied between steps. Header-only (static inline), no cmocka.
 */
#ifndef KIOSK_FIXTURE_OUTBOX_H
#define KIOSK_FIXTURE_OUTBOX_H

#include <stdint.h>
#include <string.h>
#include <time.h>

#include "queue.h"

/* The wall clock in milliseconds, the outbox's time base. */
static inline int64_t fx_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Claim every entry due now and settle each DONE with HTTP 201, as the
 * central service taking them would. Returns how many were settled, or -1
 * when a claim or a settle fails. */
static inline int fx_drain_outbox(queue *q)
{
	int total = 0;

	for (;;) {
		queue_entry e[16];
		queue_result res[16];
		int64_t wait;
		int n;

		if (queue_outbox_claim(q, fx_now_ms(), 16, e, &n, &wait) != QUEUE_OK)
			return -1;
		if (n == 0)
			return total;
		for (int i = 0; i < n; i++) {
			memset(&res[i], 0, sizeof res[i]);
			res[i].seq = e[i].seq;
			res[i].outcome = QUEUE_OUT_DONE;
			res[i].http_status = 201;
			queue_entry_wipe(&e[i]);
		}
		if (queue_outbox_settle(q, res, n, fx_now_ms()) != QUEUE_OK)
			return -1;
		total += n;
	}
}

#endif

/*
 * test_rdr: the card-reader seam (drivers/rdr.c): the event queue that
 * carries reader events from the reader thread to the UI thread.
 *
 * The queue must hand events over in FIFO order, never block, report an
 * empty queue, and when full drop the oldest event and count it. Two stress
 * tests run two producer threads and one consumer: with room for every event
 * none may be lost, duplicated or reordered per producer; with a small queue
 * every event is either delivered or counted as dropped. Events carrying a
 * card's identity survive the ring intact, a full queue of them drops the
 * oldest, and rdr_event_wipe leaves zeros.
 *
 * The UI thread is woken by a notify hook called after every push, on the
 * pushing thread; the scenario runner waits for events with rdr_evq_wait,
 * which must return as soon as another thread pushes and must time out when
 * nothing comes. Every error and reason has a distinct name for the logs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rdr.h"

enum {
	STRESS_EVENTS = 100000, /* in total, from two producers */
	/* Room for every event, and no more: an event is about 1 KiB. */
	STRESS_BIG_CAP = STRESS_EVENTS,
	STRESS_SMALL_CAP = 64,
};

/*
 * The stress tests carry a sequence number in the error field. rdr_err has
 * negative members, so the compiler gives it the range of int; any int fits.
 */
_Static_assert(sizeof(rdr_err) == sizeof(int), "rdr_err is int-sized");

/* ---- helpers ------------------------------------------------------------ */

static rdr_event ev(rdr_event_type type, int n)
{
	return (rdr_event){.type = type, .error = (rdr_err)n};
}

static bool push(rdr_evq *q, rdr_event e) { return rdr_evq_push(q, &e); }

static bool all_zero(const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

/* Pop one event and check its type. */
static void expect_event(rdr_evq *q, rdr_event_type type)
{
	rdr_event e;
	assert_true(rdr_evq_pop(q, &e));
	assert_int_equal(e.type, type);
}

static void expect_empty(rdr_evq *q)
{
	rdr_event e = {.type = RDR_EV_ERROR};
	assert_false(rdr_evq_pop(q, &e));
	assert_int_equal(e.type, RDR_EV_ERROR); /* untouched */
}

/* ---- queue -------------------------------------------------------------- */

static void test_evq_fifo(void **state)
{
	(void)state;
	rdr_evq *q = NULL;
	assert_int_equal(rdr_evq_new(&q, 4), RDR_OK);
	assert_non_null(q);
	expect_empty(q);
	assert_true(push(q, ev(RDR_EV_ATTACHED, 0)));
	assert_true(push(q, ev(RDR_EV_CARD_PRESENT, 0)));
	assert_true(push(q, ev(RDR_EV_CARD_REMOVED, 0)));
	expect_event(q, RDR_EV_ATTACHED);
	/* Interleaved pushes and pops wrap around the ring in order. */
	assert_true(push(q, ev(RDR_EV_ERROR, RDR_ERR_IO)));
	assert_true(push(q, ev(RDR_EV_DETACHED, 0)));
	expect_event(q, RDR_EV_CARD_PRESENT);
	expect_event(q, RDR_EV_CARD_REMOVED);
	rdr_event e;
	assert_true(rdr_evq_pop(q, &e));
	assert_int_equal(e.type, RDR_EV_ERROR);
	assert_int_equal(e.error, RDR_ERR_IO);
	expect_event(q, RDR_EV_DETACHED);
	expect_empty(q);
	assert_int_equal(rdr_evq_dropped(q), 0);
	rdr_evq_free(&q);
	assert_null(q);
	rdr_evq_free(&q); /* accepts NULL */
}

static void test_evq_overflow_drops_oldest(void **state)
{
	(void)state;
	rdr_evq *q = NULL;
	assert_int_equal(rdr_evq_new(&q, 3), RDR_OK);
	for (int i = 0; i < 3; i++)
		assert_true(push(q, ev(RDR_EV_CARD_PRESENT, i)));
	/* Full: each push drops the oldest and says so. */
	assert_false(push(q, ev(RDR_EV_CARD_PRESENT, 3)));
	assert_false(push(q, ev(RDR_EV_CARD_REMOVED, 4)));
	assert_int_equal(rdr_evq_dropped(q), 2);
	/* The newest three survive, oldest first. */
	for (int i = 2; i <= 4; i++) {
		rdr_event e;
		assert_true(rdr_evq_pop(q, &e));
		assert_int_equal((int)e.error, i);
		assert_int_equal(e.type, i == 4 ? RDR_EV_CARD_REMOVED : RDR_EV_CARD_PRESENT);
	}
	expect_empty(q);
	/* The count is since creation: draining does not reset it. */
	assert_int_equal(rdr_evq_dropped(q), 2);
	rdr_evq_free(&q);
}

static void test_evq_zero_capacity_refused(void **state)
{
	(void)state;
	static int sentinel;
	rdr_evq *q = (rdr_evq *)(void *)&sentinel; /* must be overwritten with NULL */
	assert_int_not_equal(rdr_evq_new(&q, 0), RDR_OK);
	assert_null(q);
}

typedef struct producer {
	rdr_evq *q;
	rdr_event_type type; /* tells the producers apart */
	int count;
} producer;

static void *produce(void *arg)
{
	producer *p = arg;
	for (int i = 0; i < p->count; i++) {
		push(p->q, ev(p->type, i));
		if (i % 1024 == 0)
			sched_yield();
	}
	return NULL;
}

/*
 * Two producers, one consumer popping until every event is accounted for.
 * Per producer, sequence numbers must arrive strictly increasing; with
 * EXPECT_ALL, also without gaps. Returns the number of events received.
 */
static long stress(size_t cap, bool expect_all)
{
	rdr_evq *q = NULL;
	assert_int_equal(rdr_evq_new(&q, cap), RDR_OK);
	producer p[2] = {{q, RDR_EV_CARD_PRESENT, STRESS_EVENTS / 2},
			 {q, RDR_EV_CARD_REMOVED, STRESS_EVENTS / 2}};
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, produce, &p[i]), 0);

	int last[2] = {-1, -1};
	long got = 0;
	bool done = false;
	while (!done) {
		rdr_event e;
		if (!rdr_evq_pop(q, &e)) {
			/* Empty, and every event delivered or dropped: nothing more comes. */
			if ((size_t)got + rdr_evq_dropped(q) == STRESS_EVENTS)
				done = true;
			else
				sched_yield();
			continue;
		}
		int who = e.type == RDR_EV_CARD_PRESENT ? 0 : 1;
		assert_true(e.type == RDR_EV_CARD_PRESENT || e.type == RDR_EV_CARD_REMOVED);
		int seq = (int)e.error;
		if (expect_all && seq != last[who] + 1)
			fail_msg("producer %d: got event %d after %d (lost or reordered)", who, seq,
				 last[who]);
		if (seq <= last[who])
			fail_msg("producer %d: event %d after %d (duplicated or reordered)", who,
				 seq, last[who]);
		last[who] = seq;
		got++;
	}
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	expect_empty(q);
	/* Every event was delivered or counted as dropped: none vanished. */
	assert_int_equal((size_t)got + rdr_evq_dropped(q), STRESS_EVENTS);
	if (expect_all)
		assert_int_equal(rdr_evq_dropped(q), 0);
	rdr_evq_free(&q);
	return got;
}

static void test_evq_threads_nothing_lost(void **state)
{
	(void)state;
	assert_int_equal(stress(STRESS_BIG_CAP, true), STRESS_EVENTS);
}

static void test_evq_threads_small_queue_counts_drops(void **state)
{
	(void)state;
	long got = stress(STRESS_SMALL_CAP, false);
	assert_true(got > 0);
}

/* An identity event numbered N: a made-up NIK and name that tell it apart. */
static rdr_event identity_event(int n)
{
	rdr_event e = {.type = RDR_EV_IDENTITY};
	snprintf(e.uid, sizeof e.uid, "04A1B2C3D4E5%02X", (unsigned)n);
	snprintf(e.id.nik, sizeof e.id.nik, "337501410190%04u", (unsigned)(n + 1) % 10000u);
	snprintf(e.id.name, sizeof e.id.name, "WARGA UJI %d", n);
	e.id.sex = KTP_SEX_FEMALE;
	return e;
}

/* A full queue of identity events drops (and counts) the oldest; the newest
 * arrive whole, oldest first. The wipes of dropped and popped slots are not
 * visible through the API; what is visible is that no slot's data turns up
 * in another event. */
static void test_evq_identity_overflow(void **state)
{
	(void)state;
	enum { CAP = 4, PUSHED = 11 };
	rdr_evq *q = NULL;
	assert_int_equal(rdr_evq_new(&q, CAP), RDR_OK);
	for (int i = 0; i < PUSHED; i++) {
		rdr_event e = identity_event(i);
		assert_true(rdr_evq_push(q, &e) == (i < CAP));
		rdr_event_wipe(&e);
	}
	assert_int_equal(rdr_evq_dropped(q), PUSHED - CAP);
	for (int i = PUSHED - CAP; i < PUSHED; i++) {
		rdr_event want = identity_event(i), got;
		memset(&got, 0xA5, sizeof got);
		assert_true(rdr_evq_pop(q, &got));
		assert_int_equal(got.type, RDR_EV_IDENTITY);
		assert_string_equal(got.uid, want.uid);
		assert_string_equal(got.id.nik, want.id.nik);
		assert_string_equal(got.id.name, want.id.name);
		assert_int_equal(got.id.sex, KTP_SEX_FEMALE);
		assert_string_equal(got.id.address, ""); /* no stale bytes */
		rdr_event_wipe(&got);
		rdr_event_wipe(&want);
	}
	expect_empty(q);
	/* Slots reused after identities carry only what the new event has. */
	assert_true(push(q, ev(RDR_EV_CARD_REMOVED, 0)));
	rdr_event e;
	assert_true(rdr_evq_pop(q, &e));
	assert_int_equal(e.type, RDR_EV_CARD_REMOVED);
	assert_string_equal(e.uid, "");
	assert_true(all_zero(&e.id, sizeof e.id));
	/* Freed with identities still queued (they are wiped on free). */
	for (int i = 0; i < CAP; i++) {
		rdr_event id = identity_event(i);
		rdr_evq_push(q, &id);
		rdr_event_wipe(&id);
	}
	rdr_evq_free(&q);
	assert_null(q);
}

static void notified(void *ctx) { (*(int *)ctx)++; }

static void test_evq_notify(void **state)
{
	(void)state;
	rdr_evq *q = NULL;
	assert_int_equal(rdr_evq_new(&q, 2), RDR_OK);
	int calls = 0;
	rdr_evq_set_notify(q, notified, &calls);
	push(q, ev(RDR_EV_ATTACHED, 0));
	push(q, ev(RDR_EV_CARD_PRESENT, 0));
	push(q, ev(RDR_EV_CARD_REMOVED, 0)); /* drops one: still a wake-up */
	assert_int_equal(calls, 3);
	assert_int_equal(rdr_evq_pushed(q), 3);
	rdr_evq_set_notify(q, NULL, NULL);
	push(q, ev(RDR_EV_DETACHED, 0));
	assert_int_equal(calls, 3);
	assert_int_equal(rdr_evq_pushed(q), 4);
	rdr_evq_free(&q);
}

static void *push_later(void *arg)
{
	struct timespec ts = {0, 50 * 1000000L};
	nanosleep(&ts, NULL);
	push(arg, ev(RDR_EV_CARD_PRESENT, 0));
	return NULL;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* rdr_evq_wait returns when another thread pushes, well before its
 * timeout; with nothing pushed it times out; with events pushed already it
 * returns at once. */
static void test_evq_wait(void **state)
{
	(void)state;
	rdr_evq *q = NULL;
	assert_int_equal(rdr_evq_new(&q, 4), RDR_OK);
	int64_t t0 = now_ms();
	assert_false(rdr_evq_wait(q, 0, 100));
	assert_true(now_ms() - t0 >= 95);

	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, push_later, q), 0);
	t0 = now_ms();
	assert_true(rdr_evq_wait(q, 0, 5000));
	assert_true(now_ms() - t0 < 2500); /* woken, not timed out */
	pthread_join(th, NULL);

	t0 = now_ms();
	assert_true(rdr_evq_wait(q, 0, 5000)); /* 1 > 0 already */
	assert_false(rdr_evq_wait(q, 1, 0));
	assert_true(now_ms() - t0 < 1000);
	rdr_evq_free(&q);
}

static void test_err_names(void **state)
{
	(void)state;
	const rdr_err all[] = {RDR_OK,		    RDR_ERR_NOMEM,    RDR_ERR_IO,
			       RDR_ERR_TIMEOUT,	    RDR_ERR_CARD_GONE, RDR_ERR_UNPLUGGED,
			       RDR_ERR_UNSUPPORTED, RDR_ERR_PROTOCOL, RDR_ERR_CARD_MUTE};
	size_t n = sizeof all / sizeof all[0];
	for (size_t i = 0; i < n; i++) {
		const char *a = rdr_err_name(all[i]);
		assert_non_null(a);
		assert_true(a[0] != '\0');
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(a, rdr_err_name(all[j]));
	}
	assert_non_null(rdr_err_name((rdr_err)-99));
	for (int w = RDR_WHY_NONE; w <= RDR_WHY_CARD_ERROR; w++)
		for (int v = RDR_WHY_NONE; v < w; v++)
			assert_string_not_equal(rdr_why_name((rdr_why)w), rdr_why_name((rdr_why)v));
	assert_non_null(rdr_why_name((rdr_why)99));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_evq_fifo),
		cmocka_unit_test(test_evq_overflow_drops_oldest),
		cmocka_unit_test(test_evq_zero_capacity_refused),
		cmocka_unit_test(test_evq_threads_nothing_lost),
		cmocka_unit_test(test_evq_threads_small_queue_counts_drops),
		cmocka_unit_test(test_evq_identity_overflow),
		cmocka_unit_test(test_evq_notify),
		cmocka_unit_test(test_evq_wait),
		cmocka_unit_test(test_err_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

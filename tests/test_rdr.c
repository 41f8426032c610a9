/*
 * test_rdr: the card-reader seam (drivers/rdr.c): the event queue that
 * carries reader events to the UI thread, and the simulated reader.
 *
 * The queue must hand events over in FIFO order, never block, report an
 * empty queue, and when full drop the oldest event and count it. Two stress
 * tests run two producer threads and one consumer: with room for every event
 * none may be lost, duplicated or reordered per producer; with a small queue
 * every event is either delivered or counted as dropped. Events carrying a
 * card's identity survive the ring intact, a full queue of them drops the
 * oldest, and rdr_event_wipe leaves zeros.
 *
 * The simulator is driven with the card images in tests/cards/ (made-up
 * people only) and with images made with mkstemp under /tmp: it posts
 * ATTACHED when created; for a card CARD_PRESENT, then IDENTITY (siti.card,
 * budi.card: the NIK and name arrive) or CARD_UNREADABLE (uid-only.card: the
 * UID only); CARD_REMOVED on removal. It refuses a missing or unreadable
 * file (RDR_ERR_IO), an image over RDR_IMAGE_MAX (RDR_ERR_TOOBIG), a
 * malformed image (RDR_ERR_IMAGE: bad NIK, bad syntax, empty, binary) and a
 * second card (RDR_ERR_STATE) without posting anything or changing state.
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
#include <unistd.h>

#include "rdr.h"

enum {
	STRESS_EVENTS = 100000, /* in total, from two producers */
	/* Room for every event, and no more: an event is about 1 KiB. */
	STRESS_BIG_CAP = STRESS_EVENTS,
	STRESS_SMALL_CAP = 64,
};

#define CARD(name) KIOSK_TEST_DIR "/cards/" name

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

/* A temporary file holding the LEN bytes at P; *PATH gets its name. */
static void make_file(char path[32], const void *p, size_t len)
{
	snprintf(path, 32, "/tmp/test_rdr.XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char *b = p;
	while (len > 0) {
		ssize_t w = write(fd, b, len);
		assert_true(w > 0);
		b += w;
		len -= (size_t)w;
	}
	assert_int_equal(close(fd), 0);
}

/* A temporary, valid uid-only card image of exactly LEN bytes (LEN >= 64):
 * the uid line, then comment lines. *PATH gets its name. */
static void make_image(char path[32], size_t len)
{
	static const char head[] = "uid = 04A1B2C3D4E5F6\n";
	assert_true(len >= 64);
	char *buf = malloc(len);
	assert_non_null(buf);
	memcpy(buf, head, sizeof head - 1);
	for (size_t i = sizeof head - 1; i < len; i++) /* "#xxx...x\n" lines */
		buf[i] = (i % 64 == 0) ? '#' : (i % 64 == 63 || i == len - 1) ? '\n' : 'x';
	buf[sizeof head - 1] = '#';
	make_file(path, buf, len);
	free(buf);
}

/* Each simulator test gets a queue and a simulator whose ATTACHED event has
 * already been checked and drained. */
typedef struct simfx {
	rdr_evq *q;
	rdr_sim *s;
	char path[32]; /* a temporary file, removed in teardown ("" = none) */
} simfx;

static int sim_setup(void **state)
{
	simfx *f = calloc(1, sizeof *f);
	if (!f || rdr_evq_new(&f->q, 16) != RDR_OK || rdr_sim_new(&f->s, f->q) != RDR_OK)
		return -1;
	rdr_event e;
	if (!rdr_evq_pop(f->q, &e) || e.type != RDR_EV_ATTACHED)
		return -1;
	*state = f;
	return 0;
}

static int sim_teardown(void **state)
{
	simfx *f = *state;
	if (f->path[0])
		unlink(f->path);
	rdr_sim_free(&f->s);
	rdr_evq_free(&f->q);
	free(f);
	return 0;
}

/* ---- queue -------------------------------------------------------------- */

static void test_evq_fifo(void **state)
{
	(void)state;
	rdr_evq *q = NULL;
	assert_int_equal(rdr_evq_new(&q, 4), RDR_OK);
	assert_non_null(q);
	expect_empty(q);
	assert_true(rdr_evq_push(q, ev(RDR_EV_ATTACHED, 0)));
	assert_true(rdr_evq_push(q, ev(RDR_EV_CARD_PRESENT, 0)));
	assert_true(rdr_evq_push(q, ev(RDR_EV_CARD_REMOVED, 0)));
	expect_event(q, RDR_EV_ATTACHED);
	/* Interleaved pushes and pops wrap around the ring in order. */
	assert_true(rdr_evq_push(q, ev(RDR_EV_ERROR, RDR_ERR_IO)));
	assert_true(rdr_evq_push(q, ev(RDR_EV_DETACHED, 0)));
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
		assert_true(rdr_evq_push(q, ev(RDR_EV_CARD_PRESENT, i)));
	/* Full: each push drops the oldest and says so. */
	assert_false(rdr_evq_push(q, ev(RDR_EV_CARD_PRESENT, 3)));
	assert_false(rdr_evq_push(q, ev(RDR_EV_CARD_REMOVED, 4)));
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
		rdr_evq_push(p->q, ev(p->type, i));
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

/* ---- simulator ---------------------------------------------------------- */

static void test_sim_posts_attached(void **state)
{
	(void)state;
	rdr_evq *q = NULL;
	rdr_sim *s = NULL;
	assert_int_equal(rdr_evq_new(&q, 8), RDR_OK);
	assert_int_equal(rdr_sim_new(&s, q), RDR_OK);
	assert_non_null(s);
	expect_event(q, RDR_EV_ATTACHED);
	expect_empty(q);
	assert_false(rdr_sim_card_present(s));
	rdr_sim_free(&s);
	assert_null(s);
	rdr_sim_free(&s); /* accepts NULL */
	rdr_evq_free(&q);
}

static void test_sim_insert_missing_file(void **state)
{
	simfx *f = *state;
	assert_int_equal(rdr_sim_insert(f->s, "/tmp/test_rdr.no-such-card-image"), RDR_ERR_IO);
	assert_false(rdr_sim_card_present(f->s));
	expect_empty(f->q);
}

static void test_sim_insert_unreadable(void **state)
{
	simfx *f = *state;
	/* A directory opens but cannot be read. */
	assert_int_equal(rdr_sim_insert(f->s, "/tmp"), RDR_ERR_IO);
	assert_false(rdr_sim_card_present(f->s));
	expect_empty(f->q);
}

static void test_sim_insert_too_big(void **state)
{
	simfx *f = *state;
	make_image(f->path, (size_t)RDR_IMAGE_MAX + 1);
	assert_int_equal(rdr_sim_insert(f->s, f->path), RDR_ERR_TOOBIG);
	assert_false(rdr_sim_card_present(f->s));
	expect_empty(f->q);
	/* Nothing changed: a good card still goes in afterwards. */
	unlink(f->path);
	make_image(f->path, 1024);
	assert_int_equal(rdr_sim_insert(f->s, f->path), RDR_OK);
	expect_event(f->q, RDR_EV_CARD_PRESENT);
	expect_event(f->q, RDR_EV_CARD_UNREADABLE);
}

static void test_sim_insert_max_size(void **state)
{
	simfx *f = *state;
	make_image(f->path, RDR_IMAGE_MAX);
	assert_int_equal(rdr_sim_insert(f->s, f->path), RDR_OK);
	assert_true(rdr_sim_card_present(f->s));
	expect_event(f->q, RDR_EV_CARD_PRESENT);
	expect_event(f->q, RDR_EV_CARD_UNREADABLE);
}

static void test_sim_insert_remove(void **state)
{
	simfx *f = *state;
	make_image(f->path, 2000);
	assert_int_equal(rdr_sim_insert(f->s, f->path), RDR_OK);
	assert_true(rdr_sim_card_present(f->s));
	expect_event(f->q, RDR_EV_CARD_PRESENT);
	expect_event(f->q, RDR_EV_CARD_UNREADABLE);
	expect_empty(f->q);

	/* A second card while one is present. */
	assert_int_equal(rdr_sim_insert(f->s, f->path), RDR_ERR_STATE);
	assert_true(rdr_sim_card_present(f->s));
	expect_empty(f->q);

	rdr_sim_remove(f->s);
	assert_false(rdr_sim_card_present(f->s));
	expect_event(f->q, RDR_EV_CARD_REMOVED);
	expect_empty(f->q);

	/* Removing again is a no-op and posts nothing. */
	rdr_sim_remove(f->s);
	assert_false(rdr_sim_card_present(f->s));
	expect_empty(f->q);

	/* The reader is usable again. */
	assert_int_equal(rdr_sim_insert(f->s, f->path), RDR_OK);
	expect_event(f->q, RDR_EV_CARD_PRESENT);
	expect_event(f->q, RDR_EV_CARD_UNREADABLE);
}

/* Pop one IDENTITY event and check its UID, NIK and name; its copy is
 * wiped afterwards, as the consumer must do. */
static void expect_identity(rdr_evq *q, const char *uid, const char *nik, const char *name)
{
	rdr_event e;
	assert_true(rdr_evq_pop(q, &e));
	assert_int_equal(e.type, RDR_EV_IDENTITY);
	assert_int_equal(e.error, RDR_OK);
	assert_string_equal(e.uid, uid);
	assert_string_equal(e.id.nik, nik);
	assert_string_equal(e.id.name, name);
	rdr_event_wipe(&e);
	assert_true(all_zero(&e, sizeof e));
}

/* CARD_PRESENT comes first and carries no card data. */
static void expect_present(rdr_evq *q)
{
	rdr_event e;
	assert_true(rdr_evq_pop(q, &e));
	assert_int_equal(e.type, RDR_EV_CARD_PRESENT);
	assert_string_equal(e.uid, "");
	assert_true(all_zero(&e.id, sizeof e.id));
}

static void test_sim_insert_identity(void **state)
{
	simfx *f = *state;
	assert_int_equal(rdr_sim_insert(f->s, CARD("siti.card")), RDR_OK);
	assert_true(rdr_sim_card_present(f->s));
	expect_present(f->q);
	rdr_event e;
	assert_true(rdr_evq_pop(f->q, &e));
	assert_int_equal(e.type, RDR_EV_IDENTITY);
	assert_string_equal(e.uid, "04A1B2C3D4E5F6");
	assert_string_equal(e.id.nik, "3375014101900001");
	assert_string_equal(e.id.name, "SITI NUR'AINI");
	assert_int_equal(e.id.birth_y, 1990);
	assert_int_equal(e.id.birth_m, 1);
	assert_int_equal(e.id.birth_d, 1);
	assert_int_equal(e.id.sex, KTP_SEX_FEMALE);
	assert_string_equal(e.id.city, "KOTA PEKALONGAN");
	assert_string_equal(e.id.valid_until, "SEUMUR HIDUP");
	rdr_event_wipe(&e);
	assert_true(all_zero(&e, sizeof e));
	rdr_event_wipe(NULL); /* accepted */
	expect_empty(f->q);

	rdr_sim_remove(f->s);
	expect_event(f->q, RDR_EV_CARD_REMOVED);
	expect_empty(f->q);

	/* The next citizen's card. */
	assert_int_equal(rdr_sim_insert(f->s, CARD("budi.card")), RDR_OK);
	expect_present(f->q);
	expect_identity(f->q, "04B2C3D4E5F607", "3375010101900002", "BUDI SANTOSO");
	expect_empty(f->q);
}

static void test_sim_insert_uid_only(void **state)
{
	simfx *f = *state;
	assert_int_equal(rdr_sim_insert(f->s, CARD("uid-only.card")), RDR_OK);
	assert_true(rdr_sim_card_present(f->s));
	expect_present(f->q);
	rdr_event e;
	assert_true(rdr_evq_pop(f->q, &e));
	assert_int_equal(e.type, RDR_EV_CARD_UNREADABLE);
	assert_string_equal(e.uid, "04A1B2C3D4E5F6");
	assert_true(all_zero(&e.id, sizeof e.id));
	expect_empty(f->q);
}

/* Each malformed image is refused with RDR_ERR_IMAGE; nothing is posted and
 * the reader stays empty and usable. */
static void test_sim_insert_bad_image(void **state)
{
	simfx *f = *state;
	assert_int_equal(rdr_sim_insert(f->s, CARD("bad-nik.card")), RDR_ERR_IMAGE);
	assert_false(rdr_sim_card_present(f->s));
	expect_empty(f->q);
	assert_int_equal(rdr_sim_insert(f->s, CARD("bad-syntax.card")), RDR_ERR_IMAGE);
	assert_false(rdr_sim_card_present(f->s));
	expect_empty(f->q);

	/* An empty file: no uid. */
	make_file(f->path, "", 0);
	assert_int_equal(rdr_sim_insert(f->s, f->path), RDR_ERR_IMAGE);
	assert_false(rdr_sim_card_present(f->s));
	expect_empty(f->q);
	unlink(f->path);

	/* Binary bytes, as the old UID-less images were. */
	unsigned char bin[2000];
	for (size_t i = 0; i < sizeof bin; i++)
		bin[i] = (unsigned char)(i * 7u + 1u);
	make_file(f->path, bin, sizeof bin);
	assert_int_equal(rdr_sim_insert(f->s, f->path), RDR_ERR_IMAGE);
	assert_false(rdr_sim_card_present(f->s));
	expect_empty(f->q);

	assert_int_equal(rdr_sim_insert(f->s, CARD("siti.card")), RDR_OK);
	expect_present(f->q);
	expect_identity(f->q, "04A1B2C3D4E5F6", "3375014101900001", "SITI NUR'AINI");
}

/* A bad image while a card is present: the card stays, nothing is posted. */
static void test_sim_bad_image_keeps_card(void **state)
{
	simfx *f = *state;
	assert_int_equal(rdr_sim_insert(f->s, CARD("uid-only.card")), RDR_OK);
	expect_present(f->q);
	expect_event(f->q, RDR_EV_CARD_UNREADABLE);
	assert_int_equal(rdr_sim_insert(f->s, CARD("bad-syntax.card")), RDR_ERR_STATE);
	assert_true(rdr_sim_card_present(f->s));
	expect_empty(f->q);
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
		assert_true(rdr_evq_push(q, e) == (i < CAP));
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
	assert_true(rdr_evq_push(q, ev(RDR_EV_CARD_REMOVED, 0)));
	rdr_event e;
	assert_true(rdr_evq_pop(q, &e));
	assert_int_equal(e.type, RDR_EV_CARD_REMOVED);
	assert_string_equal(e.uid, "");
	assert_true(all_zero(&e.id, sizeof e.id));
	/* Freed with identities still queued (they are wiped on free). */
	for (int i = 0; i < CAP; i++) {
		rdr_event id = identity_event(i);
		rdr_evq_push(q, id);
		rdr_event_wipe(&id);
	}
	rdr_evq_free(&q);
	assert_null(q);
}

static void test_err_names(void **state)
{
	(void)state;
	const rdr_err all[] = {RDR_OK,	       RDR_ERR_NOMEM, RDR_ERR_IO,
			       RDR_ERR_TOOBIG, RDR_ERR_STATE, RDR_ERR_IMAGE};
	size_t n = sizeof all / sizeof all[0];
	for (size_t i = 0; i < n; i++) {
		const char *a = rdr_err_name(all[i]);
		assert_non_null(a);
		assert_true(a[0] != '\0');
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(a, rdr_err_name(all[j]));
	}
	assert_non_null(rdr_err_name((rdr_err)-99));
}

#define SIM(t) cmocka_unit_test_setup_teardown(t, sim_setup, sim_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_evq_fifo),
		cmocka_unit_test(test_evq_overflow_drops_oldest),
		cmocka_unit_test(test_evq_zero_capacity_refused),
		cmocka_unit_test(test_evq_threads_nothing_lost),
		cmocka_unit_test(test_evq_threads_small_queue_counts_drops),
		cmocka_unit_test(test_evq_identity_overflow),
		cmocka_unit_test(test_sim_posts_attached),
		SIM(test_sim_insert_missing_file),
		SIM(test_sim_insert_unreadable),
		SIM(test_sim_insert_too_big),
		SIM(test_sim_insert_max_size),
		SIM(test_sim_insert_remove),
		SIM(test_sim_insert_identity),
		SIM(test_sim_insert_uid_only),
		SIM(test_sim_insert_bad_image),
		SIM(test_sim_bad_image_keeps_card),
		cmocka_unit_test(test_err_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

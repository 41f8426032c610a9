/*
 * test_log: the stderr logger (app/log.c).
 *
 * Each test points file descriptor 2 at a temporary file (dup2), logs, puts
 * the real stderr back and compares what was written byte for byte: level
 * filtering, the journald form ("<N>module: message", chosen by
 * JOURNAL_STREAM) and the plain form with a UTC timestamp, line breaks
 * flattened to spaces, the 1023-byte line cap with its "..." and UTF-8-safe
 * cut, errno left alone, and whole lines from concurrent threads.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

/* ---- stderr capture ------------------------------------------------------ */

struct capture {
	char path[32];
	int fd;    /* the temporary file */
	int saved; /* the real stderr */
};

static void capture_start(struct capture *cap)
{
	snprintf(cap->path, sizeof(cap->path), "/tmp/test_log.XXXXXX");
	cap->fd = mkstemp(cap->path);
	assert_true(cap->fd >= 0);
	fflush(stderr);
	cap->saved = dup(2);
	assert_true(cap->saved >= 0);
	assert_int_equal(dup2(cap->fd, 2), 2);
}

/* Restore stderr and return everything written meanwhile (caller frees). */
static char *capture_end(struct capture *cap)
{
	char *text;
	off_t len;

	fflush(stderr);
	assert_int_equal(dup2(cap->saved, 2), 2);
	close(cap->saved);
	len = lseek(cap->fd, 0, SEEK_END);
	assert_true(len >= 0);
	text = malloc((size_t)len + 1);
	assert_non_null(text);
	assert_int_equal(pread(cap->fd, text, (size_t)len, 0), len);
	text[len] = '\0';
	close(cap->fd);
	unlink(cap->path);
	return text;
}

/* Every test starts at the default level with JOURNAL_STREAM unset. */
static int setup(void **state)
{
	(void)state;
	log_set_level(LOG_INFO);
	return unsetenv("JOURNAL_STREAM");
}

static int teardown(void **state)
{
	(void)state;
	log_set_level(LOG_INFO);
	return unsetenv("JOURNAL_STREAM");
}

/* ---- tests ---------------------------------------------------------------- */

/* Runs first: nothing has set the level yet. */
static void test_default_level(void **state)
{
	(void)state;
	assert_int_equal(log_get_level(), LOG_INFO);
}

static void test_names(void **state)
{
	log_level l = LOG_ERROR;

	(void)state;
	assert_string_equal(log_level_name(LOG_ERROR), "error");
	assert_string_equal(log_level_name(LOG_WARN), "warn");
	assert_string_equal(log_level_name(LOG_INFO), "info");
	assert_string_equal(log_level_name(LOG_DEBUG), "debug");

	assert_int_equal(log_level_parse("debug", &l), 0);
	assert_int_equal(l, LOG_DEBUG);
	assert_int_equal(log_level_parse("warn", &l), 0);
	assert_int_equal(l, LOG_WARN);
	assert_int_equal(log_level_parse("error", &l), 0);
	assert_int_equal(l, LOG_ERROR);
	assert_int_equal(log_level_parse("info", &l), 0);
	assert_int_equal(l, LOG_INFO);
	assert_int_equal(log_level_parse("warning", &l), -1);
	assert_int_equal(log_level_parse("INFO", &l), -1);
	assert_int_equal(log_level_parse("", &l), -1);
	assert_int_equal(log_level_parse(NULL, &l), -1);
	assert_int_equal(l, LOG_INFO); /* untouched on failure */

	log_set_level(LOG_DEBUG);
	assert_int_equal(log_get_level(), LOG_DEBUG);
}

static void log_all_four(void)
{
	log_debug("t", "d");
	log_info("t", "i");
	log_warn("t", "w");
	log_error("t", "e");
}

static void test_filtering(void **state)
{
	struct capture cap;
	char *out;

	(void)state;
	setenv("JOURNAL_STREAM", "8:1234", 1);

	capture_start(&cap);
	log_all_four(); /* default: info */
	out = capture_end(&cap);
	assert_string_equal(out, "<6>t: i\n<4>t: w\n<3>t: e\n");
	free(out);

	log_set_level(LOG_WARN);
	capture_start(&cap);
	log_all_four();
	out = capture_end(&cap);
	assert_string_equal(out, "<4>t: w\n<3>t: e\n");
	free(out);

	log_set_level(LOG_ERROR);
	capture_start(&cap);
	log_all_four();
	out = capture_end(&cap);
	assert_string_equal(out, "<3>t: e\n");
	free(out);

	log_set_level(LOG_DEBUG);
	capture_start(&cap);
	log_all_four();
	out = capture_end(&cap);
	assert_string_equal(out, "<7>t: d\n<6>t: i\n<4>t: w\n<3>t: e\n");
	free(out);
}

static void test_journal_format(void **state)
{
	struct capture cap;
	char *out;

	(void)state;
	setenv("JOURNAL_STREAM", "8:1234", 1);
	log_set_level(LOG_DEBUG);
	capture_start(&cap);
	log_error("app", "cannot open %s: %s", "kiosk.conf", "No such file or directory");
	log_warn("ui", "frame took %d ms", 41);
	log_info("sync", "queue %u pending", 3u);
	log_debug("drv", "sw %04X", 0x6a82);
	out = capture_end(&cap);
	assert_string_equal(out, "<3>app: cannot open kiosk.conf: No such file or directory\n"
				 "<4>ui: frame took 41 ms\n"
				 "<6>sync: queue 3 pending\n"
				 "<7>drv: sw 6A82\n");
	free(out);
}

/* Checks "YYYY-MM-DDTHH:MM:SSZ " at OUT and that it lies in [LO, HI]. */
static void check_timestamp(const char *out, time_t lo, time_t hi)
{
	struct tm tm;
	const char *end;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	end = strptime(out, "%Y-%m-%dT%H:%M:%SZ ", &tm);
	assert_non_null(end);
	assert_int_equal(end - out, 21);
	t = timegm(&tm);
	assert_true(t >= lo && t <= hi);
}

static void test_plain_format(void **state)
{
	struct capture cap;
	time_t lo, hi;
	char *out, *second;

	(void)state;
	lo = time(NULL);
	capture_start(&cap);
	log_info("app", "kiosk %s started", "0.1.0");
	log_error("conf", "line %d: bad value", 12);
	out = capture_end(&cap);
	hi = time(NULL);

	check_timestamp(out, lo, hi);
	second = strchr(out, '\n');
	assert_non_null(second);
	second++;
	assert_memory_equal(out + 20, " info app: kiosk 0.1.0 started\n", 31);
	check_timestamp(second, lo, hi);
	assert_string_equal(second + 20, " error conf: line 12: bad value\n");
	assert_int_equal(out[4], '-');
	assert_int_equal(out[10], 'T');
	assert_int_equal(out[19], 'Z');
	free(out);

	/* An empty JOURNAL_STREAM is not a journal. */
	setenv("JOURNAL_STREAM", "", 1);
	capture_start(&cap);
	log_warn("ui", "x");
	out = capture_end(&cap);
	assert_int_equal(strlen(out), 20 + strlen(" warn ui: x\n"));
	assert_string_equal(out + 20, " warn ui: x\n");
	free(out);
}

static void test_newlines_flattened(void **state)
{
	struct capture cap;
	char *out;

	(void)state;
	setenv("JOURNAL_STREAM", "8:1234", 1);
	capture_start(&cap);
	log_warn("app", "first\nsecond\r\nthird %s", "a\nb");
	log_info("app", "trailing newline\n");
	log_info("app", "%s", "\n");
	out = capture_end(&cap);
	assert_string_equal(out, "<4>app: first second  third a b\n"
				 "<6>app: trailing newline\n"
				 "<6>app: \n");
	free(out);

	/* The plain form flattens the same way. */
	unsetenv("JOURNAL_STREAM");
	capture_start(&cap);
	log_info("app", "a\nb");
	out = capture_end(&cap);
	assert_string_equal(out + 20, " info app: a b\n");
	free(out);
}

static void test_truncation(void **state)
{
	struct capture cap;
	char msg[2001], want[1100];
	char *out;

	(void)state;
	setenv("JOURNAL_STREAM", "8:1234", 1);

	/* "<6>app: " is 8 bytes; a line holds at most 1023 with its newline. */
	memset(msg, 'x', sizeof(msg) - 1);
	msg[sizeof(msg) - 1] = '\0';

	capture_start(&cap);
	log_info("app", "%.1014s", msg); /* fits exactly */
	log_info("app", "%.1015s", msg); /* one byte too many */
	log_info("app", "%s", msg);
	out = capture_end(&cap);

	snprintf(want, sizeof(want), "<6>app: %.1014s\n", msg);
	assert_int_equal(strlen(want), 1023);
	assert_memory_equal(out, want, 1023);

	snprintf(want, sizeof(want), "<6>app: %.1011s...\n", msg);
	assert_int_equal(strlen(want), 1023);
	assert_memory_equal(out + 1023, want, 1023);
	assert_string_equal(out + 2046, want);
	free(out);

	/* A cut never splits a UTF-8 character: "é" is 2 bytes, 1011 is odd. */
	{
		char wide[1201];

		for (int i = 0; i < 600; i++)
			memcpy(wide + 2 * i, "\xc3\xa9", 2);
		wide[1200] = '\0';
		capture_start(&cap);
		log_info("app", "%s", wide);
		out = capture_end(&cap);
		snprintf(want, sizeof(want), "<6>app: %.1010s...\n", wide);
		assert_string_equal(out, want);
		assert_int_equal(strlen(out), 1022);
		free(out);
	}

	/* The plain form obeys the same cap. */
	unsetenv("JOURNAL_STREAM");
	capture_start(&cap);
	log_info("app", "%s", msg);
	out = capture_end(&cap);
	assert_int_equal(strlen(out), 1023);
	assert_memory_equal(out + 1023 - 5, "x...\n", 5);
	free(out);
}

static void test_errno_kept(void **state)
{
	struct capture cap;
	int after_info, after_debug;
	char *out;

	(void)state;
	capture_start(&cap);
	errno = ENOENT;
	log_info("app", "x");
	after_info = errno;
	log_debug("app", "dropped");
	after_debug = errno;
	out = capture_end(&cap);
	assert_int_equal(after_info, ENOENT);
	assert_int_equal(after_debug, ENOENT);
	assert_string_equal(out + 20, " info app: x\n");
	free(out);
}

enum { THREADS = 4, LINES = 300 };

static void *log_thread(void *arg)
{
	char fill[901];
	int id = (int)(intptr_t)arg;

	memset(fill, 'a' + id, sizeof(fill) - 1);
	fill[sizeof(fill) - 1] = '\0';
	for (int i = 0; i < LINES; i++)
		log_info("t", "%d %s", id, fill);
	return NULL;
}

/* Lines written at the same time from several threads come out whole. */
static void test_threads(void **state)
{
	pthread_t th[THREADS];
	struct capture cap;
	int count[THREADS] = {0};
	char *out, *line, *save = NULL;

	(void)state;
	setenv("JOURNAL_STREAM", "8:1234", 1);
	capture_start(&cap);
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, log_thread, (void *)(intptr_t)i), 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	out = capture_end(&cap);

	for (line = strtok_r(out, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		int id;

		assert_int_equal(strncmp(line, "<6>t: ", 6), 0);
		id = line[6] - '0';
		assert_true(id >= 0 && id < THREADS);
		assert_int_equal(strlen(line), 6 + 2 + 900);
		assert_int_equal(strspn(line + 8, (char[]){(char)('a' + id), '\0'}), 900);
		count[id]++;
	}
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(count[i], LINES);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_level),
		cmocka_unit_test_setup_teardown(test_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filtering, setup, teardown),
		cmocka_unit_test_setup_teardown(test_journal_format, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plain_format, setup, teardown),
		cmocka_unit_test_setup_teardown(test_newlines_flattened, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errno_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_threads, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

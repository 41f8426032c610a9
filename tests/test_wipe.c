/*
 * test_wipe: after a session ends, nothing a citizen typed is left anywhere
 * in the kiosk's writable memory: not in the session's form, the widget
 * layer's frames, the renderer's text cache, freed heap blocks or the stack.
 *
 * The kiosk runs headless in this process. A scenario types a made-up NIK and
 * name in two halves each (so the script's own buffers never hold them whole),
 * then the test scans every writable mapping of the process (/proc/self/maps,
 * read through /proc/self/mem) for the whole values. The scan must find them
 * while the session runs (the control: the test can fail) and must not find
 * them after the idle timeout has ended the session. The needles are kept
 * XOR-masked so the test's own copy cannot match.
 *
 * The same for a KTP-el read through the whole reader stack (the reader
 * thread, CCID, T=1, the SAM profile, the event queue) from the simulated
 * reader: the card's NIK and name are in memory while the session runs and
 * the card lies on the reader, and nowhere once the card is taken away and
 * the session has ended. The card image is written with write(2) from a
 * buffer that is wiped, so no stdio buffer of the test holds it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "conf.h"
#include "log.h"
#include "script.h"

enum { MASK = 0x5A };

typedef struct needle {
	unsigned char masked[64];
	size_t len;
} needle;

static needle make_needle(const char *a, const char *b)
{
	needle n = {{0}, 0};
	for (const char *p = a; *p; p++)
		n.masked[n.len++] = (unsigned char)(*p ^ MASK);
	for (const char *p = b; *p; p++)
		n.masked[n.len++] = (unsigned char)(*p ^ MASK);
	return n;
}

static bool match_at(const unsigned char *m, size_t avail, const needle *n)
{
	if (avail < n->len)
		return false;
	for (size_t k = 0; k < n->len; k++)
		if ((m[k] ^ MASK) != n->masked[k])
			return false;
	return true;
}

/* Number of places in writable memory holding the needle. */
static int scan_memory(const needle *n, char *where, size_t wlen)
{
	FILE *maps = fopen("/proc/self/maps", "r");
	int mem = open("/proc/self/mem", O_RDONLY);
	assert_non_null(maps);
	assert_true(mem >= 0);
	int found = 0;
	where[0] = '\0';
	char line[512];
	unsigned char *buf = malloc(1 << 20);
	assert_non_null(buf);
	while (fgets(line, sizeof line, maps)) {
		unsigned long lo, hi;
		char perms[8];
		if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3 || perms[1] != 'w')
			continue;
		/* Sanitizer shadow and other reserved ranges are gigabytes of
		 * untouched pages; the kiosk's own memory is a few dozen MiB. */
		if (hi - lo > (1ul << 30))
			continue;
		for (unsigned long at = lo; at < hi;) {
			size_t chunk = hi - at > (1u << 20) ? (1u << 20) : hi - at;
			ssize_t got = pread(mem, buf, chunk, (off_t)at);
			if (got <= 0)
				break;
			for (size_t i = 0; i + n->len <= (size_t)got; i++) {
				/* The scan buffer holds what was just read: skip it. */
				unsigned long addr = at + i;
				if (addr >= (unsigned long)(uintptr_t)buf &&
				    addr < (unsigned long)(uintptr_t)buf + (1u << 20))
					continue;
				if (match_at(buf + i, (size_t)got - i, n)) {
					found++;
					if (!where[0])
						snprintf(where, wlen, "%s", line);
				}
			}
			/* Overlap chunks by len-1 so a match across a boundary is seen. */
			at += (size_t)got > n->len ? (size_t)got - (n->len - 1) : (size_t)got;
		}
	}
	explicit_bzero(buf, 1 << 20);
	free(buf);
	close(mem);
	fclose(maps);
	return found;
}

static void write_script(const char *path, const char *body)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(body, f);
	fclose(f);
}

static void test_nothing_typed_survives_the_session(void **state)
{
	(void)state;
	log_set_level(LOG_WARN);
	static conf cfg;
	assert_int_equal(conf_load(&cfg, KIOSK_SOURCE_DIR "/kiosk.conf", stderr), 0);
	app_opts opts = {.headless = true};
	app *a = NULL;
	assert_int_equal(app_open(&a, &cfg, &opts), 0);

	char dir[] = "/tmp/kiosk-wipe-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char typing[64], waiting[64];
	snprintf(typing, sizeof typing, "%s/typing.scn", dir);
	snprintf(waiting, sizeof waiting, "%s/waiting.scn", dir);
	/* Made-up person; each value typed in two halves. */
	write_script(typing, "goto gallery\n"
			     "tap \"NIK\"\n"
			     "type \"33750141\"\n"
			     "type \"01907788\"\n"
			     "tap \"Selesai\"\n"
			     "tap \"Nama lengkap\"\n"
			     "type \"Zubaidah Q\"\n"
			     "type \"uratul Wirya\"\n"
			     "tap \"Selesai\"\n"
			     "expect text \"16/16\"\n");
	write_script(waiting, "wait 115s\n"
			      "expect screen welcome\n"
			      "expect no text \"Zubaidah\"\n");
	needle nik = make_needle("33750141", "01907788");
	needle name = make_needle("Zubaidah Q", "uratul Wirya");
	char where[512];

	assert_int_equal(script_run(a, typing, NULL), 0);
	/* Control: while the session runs, the values are in memory. */
	assert_true(scan_memory(&nik, where, sizeof where) > 0);
	assert_true(scan_memory(&name, where, sizeof where) > 0);

	assert_int_equal(script_run(a, waiting, NULL), 0);
	int left = scan_memory(&nik, where, sizeof where);
	if (left)
		fprintf(stderr, "the NIK is still in memory (%d places), first in %s", left, where);
	assert_int_equal(left, 0);
	left = scan_memory(&name, where, sizeof where);
	if (left)
		fprintf(stderr, "the name is still in memory (%d places), first in %s", left, where);
	assert_int_equal(left, 0);

	app_close(&a);
	unlink(typing);
	unlink(waiting);
	rmdir(dir);
}

/* A made-up card image at PATH, assembled from parts and wiped after. */
static void write_card(const char *path)
{
	char text[512];
	int n = snprintf(text, sizeof text,
			 "uid = 04D1E2F3A4B5C6\nnik = %s%s\nname = %s%s\nbirth_date = 1988-05-25\n"
			 "sex = P\ncity = KOTA PEKALONGAN\nprovince = JAWA TENGAH\n",
			 "33750165", "05880003", "KARTINAH W", "ULANSARI");
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, (size_t)n), n);
	close(fd);
	explicit_bzero(text, sizeof text);
}

static void test_nothing_read_from_a_card_survives_the_session(void **state)
{
	(void)state;
	log_set_level(LOG_WARN);
	static conf cfg;
	assert_int_equal(conf_load(&cfg, KIOSK_SOURCE_DIR "/kiosk.conf", stderr), 0);
	assert_int_equal(cfg.reader.type, CONF_READER_SIM);
	char dir[] = "/tmp/kiosk-wipe-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char card[64], db[64], reading[64], waiting[64];
	snprintf(card, sizeof card, "%s/made-up.card", dir);
	snprintf(db, sizeof db, "%s/k.db", dir);
	snprintf(reading, sizeof reading, "%s/reading.scn", dir);
	snprintf(waiting, sizeof waiting, "%s/waiting.scn", dir);
	write_card(card);
	app_opts opts = {.headless = true, .db_path = db};
	app *a = NULL;
	assert_int_equal(app_open(&a, &cfg, &opts), 0);
	write_script(reading, "tap \"Sentuh layar untuk mulai\"\n"
			      "tap \"Ajukan perubahan data\"\n"
			      "tap \"Saya setuju\"\n"
			      "card insert made-up.card\n"
			      "expect screen current\n");
	write_script(waiting, "card remove\n"
			      "wait 115s\n"
			      "expect screen welcome\n");
	needle nik = make_needle("33750165", "05880003");
	needle name = make_needle("KARTINAH W", "ULANSARI");
	char where[512];

	assert_int_equal(script_run(a, reading, NULL), 0);
	assert_true(scan_memory(&nik, where, sizeof where) > 0); /* control */
	assert_true(scan_memory(&name, where, sizeof where) > 0);

	assert_int_equal(script_run(a, waiting, NULL), 0);
	int left = scan_memory(&nik, where, sizeof where);
	if (left)
		fprintf(stderr, "the card's NIK is still in memory (%d places), first in %s", left,
			where);
	assert_int_equal(left, 0);
	left = scan_memory(&name, where, sizeof where);
	if (left)
		fprintf(stderr, "the card's name is still in memory (%d places), first in %s", left,
			where);
	assert_int_equal(left, 0);

	app_close(&a);
	unlink(card);
	unlink(reading);
	unlink(waiting);
	unlink(db);
	char side[96];
	snprintf(side, sizeof side, "%s-wal", db);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", db);
	unlink(side);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nothing_typed_survives_the_session),
		cmocka_unit_test(test_nothing_read_from_a_card_survives_the_session),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

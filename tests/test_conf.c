/*
 * test_conf: the configuration loader (app/conf.c) against the shipped
 * kiosk.conf and against small temporary files, one mistake each, asserting
 * the exact error lines a technician would read from `kiosk -n`.
 *
 * Temporary files go to /tmp (mkstemp/mkdtemp) and are removed again. They
 * point at the real font files of the Debian packages fonts-open-sans and
 * fonts-dejavu-core and at the shipped holiday table. "{F}" in an expected
 * message stands for the temporary file's path.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"

#ifndef KIOSK_SOURCE_DIR
#error "KIOSK_SOURCE_DIR must name the source tree (the build defines it)"
#endif

#define FONT_REGULAR "/usr/share/fonts/truetype/open-sans/OpenSans-Regular.ttf"
#define FONT_BOLD "/usr/share/fonts/truetype/open-sans/OpenSans-Bold.ttf"
#define FONT_SYMBOLS "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
#define HOLIDAYS KIOSK_SOURCE_DIR "/assets/holidays/2026.txt"

/* A valid configuration that differs from the shipped one where it can. */
static const char BASE[] =
	/*  1 */ "# test configuration\n"
	/*  2 */ "[kiosk]\n"
	/*  3 */ "id = TEST-01\n"
	/*  4 */ "language = en\n"
	/*  5 */ "[display]\n"
	/*  6 */ "fullscreen = yes\n"
	/*  7 */ "orientation = landscape\n"
	/*  8 */ "[session]\n"
	/*  9 */ "idle_timeout = 120\n"
	/* 10 */ "idle_warning = 15\n"
	/* 11 */ "[fonts]\n"
	/* 12 */ "regular = " FONT_REGULAR "\n"
	/* 13 */ "bold = " FONT_BOLD "\n"
	/* 14 */ "symbols = " FONT_SYMBOLS "\n"
	/* 15 */ "[reader]\n"
	/* 16 */ "type = usb\n"
	/* 17 */ "allow = 072f:2200, 04E6:5116\n"
	/* 18 */ "[central]\n"
	/* 19 */ "url = https://ams.example.go.id/api\n"
	/* 20 */ "[hours]\n"
	/* 21 */ "monday = 07:30-12:00,13:00-16:00\n"
	/* 22 */ "tuesday = 07:30-16:00\n"
	/* 23 */ "wednesday = closed\n"
	/* 24 */ "thursday = 08:00-12:00, 12:30 - 15:00\n"
	/* 25 */ "friday = 08:00-11:00\n"
	/* 26 */ "saturday = closed\n"
	/* 27 */ "sunday = 00:00-10:00,10:00-24:00\n"
	/* 28 */ "holidays = " HOLIDAYS "\n"
	/* 29 */ "[complaints]\n"
	/* 30 */ "phones = (0285) 421243\n"
	/* 31 */ "email = help@example.go.id\n"
	/* 32 */ "website = example.go.id\n"
	/* 33 */ "twitter = @example\n"
	/* 34 */ "instagram = @example_ig\n"
	/* 35 */ "officer_name = Petugas Contoh\n"
	/* 36 */ "officer_phone = +62 811-0000-0000\n"
	/* 37 */ "[log]\n"
	/* 38 */ "level = debug\n"
	/* 39 */ "[storage]\n"
	/* 40 */ "database = var/kiosk-test.db\n"
	/* 41 */ "retention_days = 45\n";

enum { REQUIRED_KEYS = 27 };

struct result {
	int rc;
	char *errs; /* everything conf_load printed */
	char path[64];
	conf c;
};

/* TEXT with each "{F}" replaced by PATH; the caller frees it. */
static char *expand(const char *text, const char *path)
{
	size_t cap = strlen(text) * 2 + 1024, used = 0;
	char *out = malloc(cap);
	const char *p;

	assert_non_null(out);
	for (p = text; *p;) {
		if (strncmp(p, "{F}", 3) == 0) {
			size_t n = strlen(path);
			assert_true(used + n < cap);
			memcpy(out + used, path, n);
			used += n;
			p += 3;
		} else {
			assert_true(used + 1 < cap);
			out[used++] = *p++;
		}
	}
	out[used] = '\0';
	return out;
}

/*
 * TEXT with whole lines replaced: pairs of (old line, new text), NULL-ended.
 * Each old line must occur; the new text may hold several lines or none.
 * The caller frees the result.
 */
static char *edit(const char *text, ...)
{
	char *cur = strdup(text);
	const char *old;
	va_list ap;

	assert_non_null(cur);
	va_start(ap, text);
	while ((old = va_arg(ap, const char *)) != NULL) {
		const char *repl = va_arg(ap, const char *);
		size_t olen = strlen(old), rlen = strlen(repl);
		char *hit = cur, *next;

		/* Only a whole line matches. */
		while ((hit = strstr(hit, old)) != NULL &&
		       ((hit != cur && hit[-1] != '\n') || hit[olen] != '\n'))
			hit++;
		assert_non_null(hit);
		next = malloc(strlen(cur) - olen + rlen + 1);
		assert_non_null(next);
		memcpy(next, cur, (size_t)(hit - cur));
		memcpy(next + (hit - cur), repl, rlen);
		strcpy(next + (hit - cur) + rlen, hit + olen);
		free(cur);
		cur = next;
	}
	va_end(ap);
	return cur;
}

/* Write TEXT to a fresh temporary file, load it, remove it. */
static void load_text(struct result *r, const char *text)
{
	size_t len = strlen(text), size = 0;
	FILE *m;
	int fd;

	strcpy(r->path, "/tmp/kiosk-conf-XXXXXX");
	fd = mkstemp(r->path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
	m = open_memstream(&r->errs, &size);
	assert_non_null(m);
	r->rc = conf_load(&r->c, r->path, m);
	fclose(m);
	unlink(r->path);
}

/* Load TEXT and assert the return code and the exact error output. */
static void check(const char *text, int rc, const char *expected)
{
	struct result r;
	char *want;

	load_text(&r, text);
	want = expand(expected, r.path);
	assert_string_equal(r.errs, want);
	assert_int_equal(r.rc, rc);
	free(want);
	free(r.errs);
}

/* check() on BASE after one line replacement. */
static void check1(const char *old, const char *repl, int rc, const char *expected)
{
	char *text = edit(BASE, old, repl, NULL);

	check(text, rc, expected);
	free(text);
}

static void assert_window(const conf_day *d, int i, int start, int end)
{
	assert_true(i < d->n);
	assert_int_equal(d->w[i].start, start);
	assert_int_equal(d->w[i].end, end);
}

static void test_shipped_conf(void **state)
{
	char *errs = NULL, resolved[PATH_MAX];
	size_t size = 0;
	FILE *m = open_memstream(&errs, &size);
	conf c;
	int i, rc;

	(void)state;
	assert_non_null(m);
	rc = conf_load(&c, KIOSK_SOURCE_DIR "/kiosk.conf", m);
	fclose(m);
	assert_string_equal(errs, "");
	assert_int_equal(rc, 0);
	free(errs);

	assert_string_equal(c.path, KIOSK_SOURCE_DIR "/kiosk.conf");
	assert_string_equal(c.kiosk.id, "PKL-KIOSK-01");
	assert_int_equal(c.kiosk.language, 0);
	assert_false(c.display.fullscreen);
	assert_int_equal(c.display.orientation, CONF_PORTRAIT);
	assert_int_equal(c.display.window_w, 540);
	assert_int_equal(c.display.window_h, 960);
	assert_int_equal(c.session.idle_timeout_s, 90);
	assert_int_equal(c.session.idle_warning_s, 20);
	assert_non_null(realpath(FONT_REGULAR, resolved));
	assert_string_equal(c.fonts.regular, resolved);
	assert_non_null(realpath(FONT_BOLD, resolved));
	assert_string_equal(c.fonts.bold, resolved);
	assert_non_null(realpath(FONT_SYMBOLS, resolved));
	assert_string_equal(c.fonts.symbols, resolved);
	assert_int_equal(c.reader.type, CONF_READER_SIM);
	assert_int_equal(c.reader.n_allow, 0);
	assert_string_equal(c.central.url, "http://127.0.0.1:8470/v1");

	for (i = 0; i < 4; i++) { /* Monday to Thursday */
		assert_int_equal(c.hours.day[i].n, 2);
		assert_window(&c.hours.day[i], 0, 8 * 60, 12 * 60);
		assert_window(&c.hours.day[i], 1, 13 * 60, 15 * 60 + 45);
	}
	assert_int_equal(c.hours.day[4].n, 1);
	assert_window(&c.hours.day[4], 0, 8 * 60, 11 * 60);
	assert_int_equal(c.hours.day[5].n, 0);
	assert_int_equal(c.hours.day[6].n, 0);
	/* Relative in the file, so resolved against the file's folder. */
	assert_non_null(realpath(HOLIDAYS, resolved));
	assert_string_equal(c.hours.holidays, resolved);

	assert_int_equal(c.complaints.n_phones, 2);
	assert_string_equal(c.complaints.phones[0], "(0285) 421243");
	assert_string_equal(c.complaints.phones[1], "(0285) 420223");
	assert_string_equal(c.complaints.email, "diskominfo@gafe.pekalongankota.go.id");
	assert_string_equal(c.complaints.website, "kominfo.pekalongankota.go.id");
	assert_string_equal(c.complaints.twitter, "@pkl.diskominfo");
	assert_string_equal(c.complaints.instagram, "@pkl.diskominfo");
	assert_string_equal(c.complaints.officer_name, "Meidy Prasetyo Utomo, S.Kom");
	assert_string_equal(c.complaints.officer_phone, "0856-4381-2110");
	assert_int_equal(c.log.level, 2);
}

static void test_base_valid(void **state)
{
	struct result r;

	(void)state;
	load_text(&r, BASE);
	assert_string_equal(r.errs, "");
	assert_int_equal(r.rc, 0);
	free(r.errs);
	assert_string_equal(r.c.kiosk.id, "TEST-01");
	assert_int_equal(r.c.kiosk.language, 1);
	assert_true(r.c.display.fullscreen);
	assert_int_equal(r.c.display.orientation, CONF_LANDSCAPE);
	/* No window key: the landscape default. */
	assert_int_equal(r.c.display.window_w, 960);
	assert_int_equal(r.c.display.window_h, 540);
	assert_int_equal(r.c.session.idle_timeout_s, 120);
	assert_int_equal(r.c.session.idle_warning_s, 15);
	assert_int_equal(r.c.reader.type, CONF_READER_USB);
	assert_int_equal(r.c.reader.n_allow, 2);
	assert_int_equal(r.c.reader.timeout_ms, 3000); /* the default */
	assert_int_equal(r.c.reader.allow[0].vid, 0x072f);
	assert_int_equal(r.c.reader.allow[0].pid, 0x2200);
	assert_int_equal(r.c.reader.allow[1].vid, 0x04e6);
	assert_int_equal(r.c.reader.allow[1].pid, 0x5116);
	assert_string_equal(r.c.central.url, "https://ams.example.go.id/api");
	assert_window(&r.c.hours.day[0], 0, 7 * 60 + 30, 12 * 60);
	assert_window(&r.c.hours.day[0], 1, 13 * 60, 16 * 60);
	assert_int_equal(r.c.hours.day[2].n, 0);
	assert_window(&r.c.hours.day[3], 1, 12 * 60 + 30, 15 * 60); /* "12:30 - 15:00" */
	assert_int_equal(r.c.hours.day[6].n, 2);                    /* touching windows */
	assert_window(&r.c.hours.day[6], 0, 0, 10 * 60);
	assert_window(&r.c.hours.day[6], 1, 10 * 60, 24 * 60);
	assert_int_equal(r.c.complaints.n_phones, 1);
	assert_string_equal(r.c.complaints.officer_phone, "+62 811-0000-0000");
	assert_int_equal(r.c.log.level, 3);
}

static void test_window_and_log_defaults(void **state)
{
	struct result r;
	char *text = edit(BASE, "orientation = landscape", "orientation = portrait",
			  "level = debug", "", NULL);

	(void)state;
	load_text(&r, text);
	assert_string_equal(r.errs, "");
	assert_int_equal(r.c.display.window_w, 540);
	assert_int_equal(r.c.display.window_h, 960);
	assert_int_equal(r.c.log.level, 2);
	free(r.errs);
	free(text);

	text = edit(BASE, "orientation = landscape", "orientation = landscape\nwindow = 1920x1080",
		    NULL);
	load_text(&r, text);
	assert_string_equal(r.errs, "");
	assert_int_equal(r.c.display.window_w, 1920);
	assert_int_equal(r.c.display.window_h, 1080);
	free(r.errs);
	free(text);
}

static void test_crlf_and_bom(void **state)
{
	size_t n = strlen(BASE), i, j = 3;
	char *text = malloc(2 * n + 4);

	(void)state;
	assert_non_null(text);
	memcpy(text, "\xEF\xBB\xBF", 3);
	for (i = 0; i < n; i++) {
		if (BASE[i] == '\n')
			text[j++] = '\r';
		text[j++] = BASE[i];
	}
	text[j] = '\0';
	check(text, 0, "");
	free(text);
}

static void test_unknown_key(void **state)
{
	(void)state;
	check1("idle_warning = 15", "idle_warning = 15\nidle_timout = 60", 1,
	       "{F}:11: session.idle_timout: unknown key\n");
}

static void test_unknown_section(void **state)
{
	(void)state;
	/* Reported once, at the header; the keys under it are not. */
	check1("level = debug", "level = debug\n[printer]\nmodel = TM-T82\npaper = 80", 1,
	       "{F}:39: printer: unknown section\n");
}

static void test_missing_key(void **state)
{
	char *text;

	(void)state;
	/* At the section's header when the section is there. */
	check1("email = help@example.go.id", "# no e-mail", 1,
	       "{F}:29: complaints.email: required key is missing\n");
	/* At the last line when the whole section is missing. */
	text = edit(BASE, "[central]", "#", "url = https://ams.example.go.id/api", "#", NULL);
	check(text, 1, "{F}:41: central.url: required key is missing\n");
	free(text);
	/* An optional key may be left out (window, allow, level). */
	text = edit(BASE, "allow = 072f:2200, 04E6:5116", "#", "level = debug", "#", NULL);
	check(text, 0, "");
	free(text);
}

static void test_empty_file(void **state)
{
	struct result r;

	(void)state;
	load_text(&r, "");
	assert_int_equal(r.rc, REQUIRED_KEYS);
	assert_true(strncmp(r.errs + strlen(r.path), ":1: kiosk.id: required key is missing\n",
			    38) == 0);
	free(r.errs);
}

static void test_idle_timeout_range(void **state)
{
	(void)state;
	check1("idle_timeout = 120", "idle_timeout = 5", 1,
	       "{F}:9: session.idle_timeout: must be between 30 and 900 seconds, got 5\n");
	check1("idle_timeout = 120", "idle_timeout = 901", 1,
	       "{F}:9: session.idle_timeout: must be between 30 and 900 seconds, got 901\n");
	check1("idle_timeout = 120", "idle_timeout = 99999999999999999999", 1,
	       "{F}:9: session.idle_timeout: must be between 30 and 900 seconds, "
	       "got 99999999999999999999\n");
	check1("idle_timeout = 120", "idle_timeout = 90s", 1,
	       "{F}:9: session.idle_timeout: must be a whole number of seconds, got \"90s\"\n");
	check1("idle_timeout = 120", "idle_timeout = -60", 1,
	       "{F}:9: session.idle_timeout: must be a whole number of seconds, got \"-60\"\n");
	check1("idle_warning = 15", "idle_warning = 4", 1,
	       "{F}:10: session.idle_warning: must be between 5 and 120 seconds, got 4\n");
}

static void test_idle_warning_not_less(void **state)
{
	char *text = edit(BASE, "idle_timeout = 120", "idle_timeout = 60", "idle_warning = 15",
			  "idle_warning = 60", NULL);

	(void)state;
	check(text, 1,
	      "{F}:10: session.idle_warning: must be less than session.idle_timeout "
	      "(60 seconds), got 60\n");
	free(text);
	/* On idle_warning's line even when it comes first. */
	text = edit(BASE, "idle_timeout = 120", "idle_warning = 100", "idle_warning = 15",
		    "idle_timeout = 90", NULL);
	check(text, 1,
	      "{F}:9: session.idle_warning: must be less than session.idle_timeout "
	      "(90 seconds), got 100\n");
	free(text);
}

static void test_bad_choices(void **state)
{
	(void)state;
	check1("orientation = landscape", "orientation = sideways", 1,
	       "{F}:7: display.orientation: must be portrait or landscape, got \"sideways\"\n");
	check1("fullscreen = yes", "fullscreen = Yes", 1,
	       "{F}:6: display.fullscreen: must be yes, no, true or false, got \"Yes\"\n");
	check1("language = en", "language = fr", 1,
	       "{F}:4: kiosk.language: must be id or en, got \"fr\"\n");
	check1("type = usb", "type = pcsc", 1,
	       "{F}:16: reader.type: must be sim or usb, got \"pcsc\"\n");
	check1("level = debug", "level = verbose", 1,
	       "{F}:38: log.level: must be error, warn, info or debug, got \"verbose\"\n");
	check1("id = TEST-01", "id = TEST 01", 1,
	       "{F}:3: kiosk.id: may contain only A-Z, a-z, 0-9 and '-', got \"TEST 01\"\n");
}

static void test_bad_window(void **state)
{
	(void)state;
	check1("orientation = landscape", "orientation = landscape\nwindow = 100x540", 1,
	       "{F}:8: display.window: width must be between 320 and 3840, got 100\n");
	check1("orientation = landscape", "orientation = landscape\nwindow = 960x4000", 1,
	       "{F}:8: display.window: height must be between 320 and 3840, got 4000\n");
	check1("orientation = landscape", "orientation = landscape\nwindow = 960 x 540", 1,
	       "{F}:8: display.window: must be WIDTHxHEIGHT like 540x960, got \"960 x 540\"\n");
}

static void test_bad_hours(void **state)
{
	char *text = edit(BASE, "monday = 07:30-12:00,13:00-16:00", "monday = 12:00-08:00",
			  "tuesday = 07:30-16:00", "tuesday = 08:00-12:00,11:00-13:00", NULL);

	(void)state;
	check(text, 2,
	      "{F}:21: hours.monday: window 1 (12:00-08:00) must end after it starts\n"
	      "{F}:22: hours.tuesday: window 2 (11:00-13:00) starts before window 1 "
	      "(08:00-12:00) ends; windows must be in order and must not overlap\n");
	free(text);

	check1("friday = 08:00-11:00", "friday = 13:00-15:00,08:00-11:00", 1,
	       "{F}:25: hours.friday: window 2 (08:00-11:00) starts before window 1 "
	       "(13:00-15:00) ends; windows must be in order and must not overlap\n");
	check1("friday = 08:00-11:00", "friday = 8-11", 1,
	       "{F}:25: hours.friday: window 1 must be HH:MM-HH:MM between 00:00 and 24:00, "
	       "got \"8-11\"\n");
	check1("friday = 08:00-11:00", "friday = 08:00-24:30", 1,
	       "{F}:25: hours.friday: window 1 must be HH:MM-HH:MM between 00:00 and 24:00, "
	       "got \"08:00-24:30\"\n");
	check1("friday = 08:00-11:00", "friday = 08:00-11:00,", 1,
	       "{F}:25: hours.friday: window 2 is empty (write closed for a closed day)\n");
	check1("friday = 08:00-11:00",
	       "friday = 01:00-02:00,03:00-04:00,05:00-06:00,07:00-08:00,09:00-10:00", 1,
	       "{F}:25: hours.friday: at most 4 windows, got 5\n");
}

static void test_too_long(void **state)
{
	char line[1024], *text;
	struct result r;

	(void)state;
	check1("id = TEST-01", "id = ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456", 1,
	       "{F}:3: kiosk.id: too long, at most 32 characters\n");
	snprintf(line, sizeof line, "twitter = @%070d", 0);
	check1("twitter = @example", line, 1,
	       "{F}:33: complaints.twitter: too long, at most 63 characters\n");
	snprintf(line, sizeof line, "officer_name = %0200d", 0);
	check1("officer_name = Petugas Contoh", line, 1,
	       "{F}:35: complaints.officer_name: too long, at most 127 characters\n");
	/* Longer than inih's 200-byte line: still one line, still checked. */
	snprintf(line, sizeof line, "regular = /%0600d", 0);
	check1("regular = " FONT_REGULAR, line, 1,
	       "{F}:12: fonts.regular: too long, at most 511 characters\n");
	snprintf(line, sizeof line, "url = https://ams.example.go.id/%0230d", 0);
	check1("url = https://ams.example.go.id/api", line, 1,
	       "{F}:19: central.url: too long, at most 255 characters\n");

	/* A 255-character URL fits the field and survives whole. */
	snprintf(line, sizeof line, "url = https://ams.example.go.id/%0229d", 0);
	text = edit(BASE, "url = https://ams.example.go.id/api", line, NULL);
	load_text(&r, text);
	assert_string_equal(r.errs, "");
	assert_int_equal(strlen(r.c.central.url), 255);
	assert_string_equal(r.c.central.url, line + 6);
	free(r.errs);
	free(text);

	/* A physical line over 1023 characters. */
	text = malloc(4000);
	assert_non_null(text);
	snprintf(text, 4000, "%s# %01200d\n", BASE, 0);
	check(text, 1, "{F}:42: syntax error: line too long, at most 1023 characters\n");
	free(text);
}

static void test_bad_phones(void **state)
{
	(void)state;
	check1("phones = (0285) 421243", "phones = (0285) 421243; 0285/420223", 1,
	       "{F}:30: complaints.phones: number 2 may contain only digits, spaces and "
	       "( ) + -, got \"0285/420223\"\n");
	check1("phones = (0285) 421243", "phones = 1; 2; 3; 4; 5", 1,
	       "{F}:30: complaints.phones: at most 4 numbers, got 5\n");
	check1("phones = (0285) 421243", "phones = (0285) 421243;", 1,
	       "{F}:30: complaints.phones: number 2 is empty\n");
	check1("officer_phone = +62 811-0000-0000", "officer_phone = call me", 1,
	       "{F}:36: complaints.officer_phone: may contain only digits, spaces and "
	       "( ) + -, got \"call me\"\n");
	check1("officer_phone = +62 811-0000-0000", "officer_phone = ( )", 1,
	       "{F}:36: complaints.officer_phone: has no digits, got \"( )\"\n");
}

static void test_bad_contacts(void **state)
{
	(void)state;
	check1("email = help@example.go.id", "email = help.example.go.id", 1,
	       "{F}:31: complaints.email: must be an e-mail address like name@example.go.id, "
	       "got \"help.example.go.id\"\n");
	check1("email = help@example.go.id", "email = help@example", 1,
	       "{F}:31: complaints.email: must be an e-mail address like name@example.go.id, "
	       "got \"help@example\"\n");
	check1("email = help@example.go.id", "email = @example.go.id", 1,
	       "{F}:31: complaints.email: must be an e-mail address like name@example.go.id, "
	       "got \"@example.go.id\"\n");
	check1("twitter = @example", "twitter = example", 1,
	       "{F}:33: complaints.twitter: must start with @, got \"example\"\n");
	check1("instagram = @example_ig", "instagram = @", 1,
	       "{F}:34: complaints.instagram: must start with @, got \"@\"\n");
	check1("website = example.go.id", "website = example go id", 1,
	       "{F}:32: complaints.website: must not contain spaces\n");
	check1("url = https://ams.example.go.id/api", "url = ftp://ams.example.go.id/", 1,
	       "{F}:19: central.url: must start with http:// or https://, "
	       "got \"ftp://ams.example.go.id/\"\n");
	check1("url = https://ams.example.go.id/api", "url = http:///v1", 1,
	       "{F}:19: central.url: has no host name, got \"http:///v1\"\n");
	check1("allow = 072f:2200, 04E6:5116", "allow = 072f:2200, 4e6-5116", 1,
	       "{F}:17: reader.allow: entry 2 must be VID:PID in hexadecimal like 072f:2200, "
	       "got \"4e6-5116\"\n");
	check1("allow = 072f:2200, 04E6:5116",
	       "allow = 0001:0001,0001:0002,0001:0003,0001:0004,0001:0005,0001:0006,"
	       "0001:0007,0001:0008,0001:0009",
	       1, "{F}:17: reader.allow: at most 8 entries, got 9\n");
}

static void test_missing_font(void **state)
{
	(void)state;
	check1("regular = " FONT_REGULAR, "regular = /nonexistent/kiosk-test/font.ttf", 1,
	       "{F}:12: fonts.regular: cannot read \"/nonexistent/kiosk-test/font.ttf\": "
	       "No such file or directory\n");
	check1("bold = " FONT_BOLD, "bold = /usr/share/fonts", 1,
	       "{F}:13: fonts.bold: cannot read \"/usr/share/fonts\": not a regular file\n");
	check1("holidays = " HOLIDAYS, "holidays = /nonexistent/2026.txt", 1,
	       "{F}:28: hours.holidays: cannot read \"/nonexistent/2026.txt\": "
	       "No such file or directory\n");
}

/* The central service: secret file, pinned key, timeouts and retries. */
static void test_central(void **state)
{
	const char *url = "url = https://ams.example.go.id/api";
	char line[600];
	struct result r;

	(void)state;
	snprintf(line, sizeof line, "%s\nsecret_file = %s/assets/dev/kiosk.key\n"
		 "pin = sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=;"
		 "sha256//BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB=\n"
		 "timeout_ms = 5000\nretry_base_ms = 200\nretry_cap_ms = 60000\npoll_seconds = 10",
		 url, KIOSK_SOURCE_DIR);
	char *text = edit(BASE, url, line, NULL);
	load_text(&r, text);
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.c.central.secret_file, "/assets/dev/kiosk.key"));
	assert_int_equal(r.c.central.timeout_ms, 5000);
	assert_int_equal(r.c.central.retry_base_ms, 200);
	assert_int_equal(r.c.central.retry_cap_ms, 60000);
	assert_int_equal(r.c.central.poll_s, 10);
	assert_non_null(strstr(r.c.central.pin, ";sha256//BBBB"));
	free(r.errs);
	free(text);
	/* Defaults when absent: no secret (nothing is sent), 15 s, 1 s, 5 min, 30 s. */
	load_text(&r, BASE);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.c.central.secret_file, "");
	assert_int_equal(r.c.central.timeout_ms, 15000);
	assert_int_equal(r.c.central.retry_base_ms, 1000);
	assert_int_equal(r.c.central.retry_cap_ms, 300000);
	assert_int_equal(r.c.central.poll_s, 30);
	free(r.errs);

	snprintf(line, sizeof line, "%s\nsecret_file = no-such.key", url);
	text = edit(BASE, url, line, NULL);
	load_text(&r, text);
	assert_int_equal(r.rc, 1);
	assert_non_null(strstr(r.errs, ":20: central.secret_file: cannot read \"no-such.key\""));
	free(r.errs);
	free(text);
	snprintf(line, sizeof line, "%s\npin = sha256//short=", url);
	check1(url, line, 1,
	       "{F}:20: central.pin: must be sha256// and the base64 SHA-256 of the public key (44 "
	       "characters), several separated by ';', got \"sha256//short=\"\n");
	snprintf(line, sizeof line, "%s\nretry_base_ms = 5000\nretry_cap_ms = 2000", url);
	check1(url, line, 1,
	       "{F}:21: central.retry_cap_ms: must be at least central.retry_base_ms (5000), got 2000\n");
	snprintf(line, sizeof line, "%s\ntimeout_ms = 999", url);
	check1(url, line, 1,
	       "{F}:20: central.timeout_ms: must be a whole number of milliseconds between 1000 and "
	       "60000, got \"999\"\n");
	snprintf(line, sizeof line, "%s\npoll_seconds = 4", url);
	check1(url, line, 1,
	       "{F}:20: central.poll_seconds: must be a whole number of seconds between 5 and 3600, "
	       "got \"4\"\n");
}

/* The request store: a file whose folder may be created, and a retention. */
static void test_storage(void **state)
{
	(void)state;
	check1("database = var/kiosk-test.db", "database = /nonexistent/deeper/kiosk.db", 1,
	       "{F}:40: storage.database: folder \"/nonexistent\" does not exist\n");
	check1("database = var/kiosk-test.db", "database = /usr/share", 1,
	       "{F}:40: storage.database: \"/usr/share\" exists and is not a regular file\n");
	check1("database = var/kiosk-test.db", "database = /tmp/", 1,
	       "{F}:40: storage.database: must name a file, got \"/tmp/\"\n");
	check1("retention_days = 45", "retention_days = 0", 1,
	       "{F}:41: storage.retention_days: must be a whole number of days between 1 and 365, "
	       "got \"0\"\n");
	check1("retention_days = 45", "retention_days = 30 days", 1,
	       "{F}:41: storage.retention_days: must be a whole number of days between 1 and 365, "
	       "got \"30 days\"\n");
	check1("retention_days = 45", "retention_days = 365", 0, "");
	/* The reader's deadline: milliseconds, 500..10000. */
	check1("allow = 072f:2200, 04E6:5116", "timeout_ms = 500", 0, "");
	check1("allow = 072f:2200, 04E6:5116", "timeout_ms = 10000", 0, "");
	check1("allow = 072f:2200, 04E6:5116", "timeout_ms = 499", 1,
	       "{F}:17: reader.timeout_ms: must be a whole number of milliseconds between 500 and "
	       "10000, got \"499\"\n");
	check1("allow = 072f:2200, 04E6:5116", "timeout_ms = 3s", 1,
	       "{F}:17: reader.timeout_ms: must be a whole number of milliseconds between 500 and "
	       "10000, got \"3s\"\n");
}

/* A holiday table that does not parse is reported with its own file and line. */
static void test_bad_holidays(void **state)
{
	char path[] = "/tmp/kiosk-hol-XXXXXX";
	char line[128], want[256];
	int fd = mkstemp(path);
	(void)state;
	assert_true(fd >= 0);
	const char *text = "# test\n2026-01-01\tlibur\tTahun Baru\n2026-02-30\tlibur\tBukan tanggal\n";
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	snprintf(line, sizeof line, "holidays = %s", path);
	snprintf(want, sizeof want, "{F}:28: hours.holidays: %s:3: %s\n", path,
		 cal_err_name(CAL_ERR_DATE));
	check1("holidays = " HOLIDAYS, line, 1, want);
	unlink(path);
}

/* Relative paths are taken from the configuration file's folder, not the cwd. */
static void test_relative_paths(void **state)
{
	char dir[] = "/tmp/kiosk-conf-dir-XXXXXX", path[256], real[PATH_MAX], want[PATH_MAX + 64];
	char *text, *errs = NULL;
	size_t size = 0;
	FILE *f, *m;
	conf c;
	int rc;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_non_null(realpath(dir, real));
	snprintf(path, sizeof path, "%s/fonts", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof path, "%s/fonts/ui.ttf", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);

	text = edit(BASE, "regular = " FONT_REGULAR, "regular = fonts/ui.ttf",
		    "bold = " FONT_BOLD, "bold = ./fonts/../fonts/ui.ttf", NULL);
	snprintf(path, sizeof path, "%s/kiosk.conf", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(text);

	m = open_memstream(&errs, &size);
	assert_non_null(m);
	rc = conf_load(&c, path, m);
	fclose(m);
	assert_string_equal(errs, "");
	assert_int_equal(rc, 0);
	free(errs);
	snprintf(want, sizeof want, "%s/fonts/ui.ttf", real);
	assert_string_equal(c.fonts.regular, want);
	assert_string_equal(c.fonts.bold, want);

	/* A missing relative file names the path that was tried. */
	text = edit(BASE, "symbols = " FONT_SYMBOLS, "symbols = fonts/none.ttf", NULL);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(text);
	errs = NULL;
	m = open_memstream(&errs, &size);
	assert_non_null(m);
	rc = conf_load(&c, path, m);
	fclose(m);
	snprintf(want, sizeof want,
		 "%s:14: fonts.symbols: cannot read \"fonts/none.ttf\" (%s/fonts/none.ttf): "
		 "No such file or directory\n",
		 path, dir);
	assert_string_equal(errs, want);
	assert_int_equal(rc, 1);
	free(errs);

	unlink(path);
	snprintf(path, sizeof path, "%s/fonts/ui.ttf", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/fonts", dir);
	rmdir(path);
	rmdir(dir);
}

static void test_syntax_errors(void **state)
{
	char *text = edit(BASE, "# test configuration", "this line is wrong", "level = debug",
			  "level = debug\noops\n[kiosk\n[]\n[log] trailing\n= 5\nmy key = 1", NULL);

	(void)state;
	check(text, 7,
	      "{F}:1: syntax error: expected \"[section]\" or \"key = value\", "
	      "got \"this line is wrong\"\n"
	      "{F}:39: syntax error: expected \"[section]\" or \"key = value\", got \"oops\"\n"
	      "{F}:40: syntax error: missing ']' in section header\n"
	      "{F}:41: syntax error: empty section name\n"
	      "{F}:42: syntax error: unexpected text after ']'\n"
	      "{F}:43: syntax error: missing key name before '='\n"
	      "{F}:44: syntax error: key name \"my key\" may contain only letters, digits, "
	      "'_', '-' and '.'\n");
	free(text);
}

static void test_other_rules(void **state)
{
	(void)state;
	check1("# test configuration", "id = X", 1, "{F}:1: id: key before the first [section]\n");
	check1("idle_timeout = 120", "idle_timeout = 120 ; seconds", 1,
	       "{F}:9: session.idle_timeout: a ';' after a space starts a comment; put comments "
	       "on their own line (or write \"a; b\")\n");
	check1("language = en", "language =", 1, "{F}:4: kiosk.language: empty value\n");
	check1("level = debug", "level =", 1,
	       "{F}:38: log.level: empty value; leave the key out to use the default\n");
	check1("officer_name = Petugas Contoh", "officer_name = Petugas\tContoh", 1,
	       "{F}:35: complaints.officer_name: contains a control character (a tab?)\n");
	/* Indentation is insignificant: no multi-line values. */
	check1("idle_warning = 15", "    idle_warning = 15", 0, "");
	check1("idle_warning = 15", "idle_warning = 15\n    more", 1,
	       "{F}:11: syntax error: expected \"[section]\" or \"key = value\", got \"more\"\n");
}

static void test_duplicates(void **state)
{
	(void)state;
	check1("idle_warning = 15", "idle_warning = 15\nidle_warning = 25", 1,
	       "{F}:11: session.idle_warning: duplicate key, first set on line 10\n");
	check1("level = debug", "level = debug\n[session]\nidle_timeout = 100", 2,
	       "{F}:39: session: duplicate section, first on line 8\n"
	       "{F}:40: session.idle_timeout: duplicate key, first set on line 9\n");
}

/* Many mistakes at once: every one reported, sorted by line. */
static void test_multiple_errors(void **state)
{
	char *text = edit(BASE, "id = TEST-01", "id = TEST_01", "orientation = landscape",
			  "orientation = upside-down", "idle_timeout = 120", "idle_timeout = 10",
			  "email = help@example.go.id", "", "level = debug",
			  "level = debug\nfoo = bar\nnot a pair", NULL);

	(void)state;
	check(text, 6,
	      "{F}:3: kiosk.id: may contain only A-Z, a-z, 0-9 and '-', got \"TEST_01\"\n"
	      "{F}:7: display.orientation: must be portrait or landscape, got \"upside-down\"\n"
	      "{F}:9: session.idle_timeout: must be between 30 and 900 seconds, got 10\n"
	      "{F}:29: complaints.email: required key is missing\n"
	      "{F}:39: log.foo: unknown key\n"
	      "{F}:40: syntax error: expected \"[section]\" or \"key = value\", got \"not a pair\"\n");
	free(text);
}

static void test_quiet_and_missing_file(void **state)
{
	char *errs = NULL;
	size_t size = 0;
	FILE *m;
	conf c;

	(void)state;
	/* ERRORS may be NULL: the count is still right. */
	assert_int_equal(conf_load(&c, "/nonexistent/kiosk.conf", NULL), -1);

	m = open_memstream(&errs, &size);
	assert_non_null(m);
	assert_int_equal(conf_load(&c, "/nonexistent/kiosk.conf", m), -1);
	fclose(m);
	assert_string_equal(errs, "/nonexistent/kiosk.conf: cannot open: No such file or directory\n");
	free(errs);

	errs = NULL;
	m = open_memstream(&errs, &size);
	assert_non_null(m);
	assert_int_equal(conf_load(&c, "/tmp", m), -1);
	fclose(m);
	assert_string_equal(errs, "/tmp: cannot open: not a regular file\n");
	free(errs);
}

static void test_quiet_count(void **state)
{
	char path[] = "/tmp/kiosk-conf-XXXXXX";
	char *text = edit(BASE, "idle_timeout = 120", "idle_timeout = 1", "type = usb", "type = x",
			  NULL);
	int fd = mkstemp(path);
	conf c;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(conf_load(&c, path, NULL), 2);
	unlink(path);
	free(text);
}

static void test_fmt(void **state)
{
	char buf[64];
	conf_day day = {.w = {{480, 720}, {780, 945}}, .n = 2};
	conf_day closed = {.n = 0};

	(void)state;
	conf_fmt_time(480, buf, sizeof buf);
	assert_string_equal(buf, "08.00");
	conf_fmt_time(945, buf, sizeof buf);
	assert_string_equal(buf, "15.45");
	conf_fmt_time(0, buf, sizeof buf);
	assert_string_equal(buf, "00.00");
	conf_fmt_time(24 * 60, buf, sizeof buf);
	assert_string_equal(buf, "24.00");

	assert_int_equal(conf_fmt_day(&day, buf, sizeof buf), 24);
	assert_string_equal(buf, "08.00-12.00, 13.00-15.45");
	assert_int_equal(conf_fmt_day(&day, buf, 10), 24); /* cut, and says so */
	assert_string_equal(buf, "08.00-12.");
	assert_int_equal(conf_fmt_day(&closed, buf, sizeof buf), 0);
	assert_string_equal(buf, "");
}

static void test_print_keys(void **state)
{
	char *out = NULL;
	size_t size = 0;
	FILE *m = open_memstream(&out, &size);
	int lines = 0, required = 0;
	const char *p;

	(void)state;
	assert_non_null(m);
	conf_print_keys(m);
	fclose(m);
	for (p = out; (p = strchr(p, '\n')) != NULL; p++)
		lines++;
	for (p = out; (p = strstr(p, " required ")) != NULL; p++)
		required++;
	/* Optional: window, allow, reader timeout_ms, level, retention_days and
	 * central secret_file, pin, ca_file, timeout_ms, retry_base_ms,
	 * retry_cap_ms, poll_seconds; complaints escalate_after_hours; staff
	 * idle_logout, pin_attempts, lockout_seconds, lockout_max_seconds;
	 * diagnostics min_free_disk_mb, export_dirs. */
	assert_int_equal(lines, REQUIRED_KEYS + 19);
	assert_int_equal(required, REQUIRED_KEYS);
	assert_non_null(strstr(out, "session.idle_timeout"));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_conf),
		cmocka_unit_test(test_base_valid),
		cmocka_unit_test(test_window_and_log_defaults),
		cmocka_unit_test(test_crlf_and_bom),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_unknown_section),
		cmocka_unit_test(test_missing_key),
		cmocka_unit_test(test_empty_file),
		cmocka_unit_test(test_idle_timeout_range),
		cmocka_unit_test(test_idle_warning_not_less),
		cmocka_unit_test(test_bad_choices),
		cmocka_unit_test(test_bad_window),
		cmocka_unit_test(test_bad_hours),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_bad_phones),
		cmocka_unit_test(test_bad_contacts),
		cmocka_unit_test(test_missing_font),
		cmocka_unit_test(test_relative_paths),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_other_rules),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_multiple_errors),
		cmocka_unit_test(test_quiet_and_missing_file),
		cmocka_unit_test(test_quiet_count),
		cmocka_unit_test(test_fmt),
		cmocka_unit_test(test_print_keys),
		cmocka_unit_test(test_storage),
		cmocka_unit_test(test_central),
		cmocka_unit_test(test_bad_holidays),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

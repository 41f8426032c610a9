/*
 * conf: the kiosk's configuration, read from an INI file (kiosk.conf) with inih.
 *
 * conf_load() fills a caller-owned struct conf from a file and validates every
 * entry: unknown sections or keys, missing required keys, malformed and
 * out-of-range values are all errors. Each error is reported on its own line
 * as "FILE:LINE: section.key: what is wrong" so `kiosk -n` can show them all
 * at once. Relative paths in the file (fonts, holidays) are resolved against
 * the directory holding the configuration file. The struct holds no pointers
 * into the file and needs no cleanup.
 */
#ifndef KIOSK_CONF_H
#define KIOSK_CONF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cal.h"

enum {
	CONF_PATH_MAX = 512,
	CONF_TEXT_MAX = 128,
	CONF_WINDOWS_MAX = 4, /* service windows per day */
	CONF_PHONES_MAX = 4,
	CONF_ALLOW_MAX = 8,   /* USB VID:PID allowlist entries */
	CONF_EXPORT_DIRS_MAX = 4, /* [diagnostics] export_dirs entries */
};

typedef enum { CONF_PORTRAIT = 0, CONF_LANDSCAPE = 1 } conf_orientation;
typedef enum { CONF_READER_SIM = 0, CONF_READER_USB = 1 } conf_reader_type;

/* One opening window of a day, minutes since local (WIB) midnight, start < end. */
typedef struct conf_window {
	uint16_t start;
	uint16_t end;
} conf_window;

/* The windows of one weekday, sorted, non-overlapping; n == 0 means closed. */
typedef struct conf_day {
	conf_window w[CONF_WINDOWS_MAX];
	int n;
} conf_day;

typedef struct conf {
	char path[CONF_PATH_MAX]; /* the file this was loaded from */

	struct {
		char id[33];  /* [kiosk] id: 1-32 of A-Z a-z 0-9 '-' */
		int language; /* [kiosk] language: 0 = id (Indonesian), 1 = en */
	} kiosk;

	struct {
		bool fullscreen;              /* [display] fullscreen: yes|no */
		conf_orientation orientation; /* [display] orientation */
		int window_w, window_h;       /* [display] window = WxH, 320..3840 each */
	} display;

	struct {
		int idle_timeout_s; /* [session] idle_timeout, 30..900 */
		int idle_warning_s; /* [session] idle_warning, 5..120, < idle_timeout */
	} session;

	struct {
		char regular[CONF_PATH_MAX]; /* [fonts] regular: readable file */
		char bold[CONF_PATH_MAX];    /* [fonts] bold */
		char symbols[CONF_PATH_MAX]; /* [fonts] symbols: glyphs such as ✓ ⌫ ⇧ */
	} fonts;

	struct {
		conf_reader_type type; /* [reader] type: sim|usb */
		struct {
			uint16_t vid, pid;
		} allow[CONF_ALLOW_MAX]; /* [reader] allow = 072f:2200, ... (optional) */
		int n_allow;
		int timeout_ms;        /* [reader] timeout_ms: each operation's deadline (optional, 3000) */
	} reader;

	struct {
		char url[256];                  /* [central] url: http:// or https:// */
		char secret_file[CONF_PATH_MAX]; /* [central] secret_file: readable file (64 hex) */
		char pin[256];                  /* [central] pin: "sha256//BASE64[;...]" or "" */
		char ca_file[CONF_PATH_MAX];    /* [central] ca_file: readable file or "" */
		int timeout_ms;                 /* [central] timeout_ms (optional, 15000) */
		int retry_base_ms;              /* [central] retry_base_ms (optional, 1000) */
		int retry_cap_ms;               /* [central] retry_cap_ms (optional, 300000) */
		int poll_s;                     /* [central] poll_seconds (optional, 30) */
	} central;

	struct {
		conf_day day[7];                   /* [hours] monday..sunday; index 0 = Monday */
		char holidays[CONF_PATH_MAX];      /* [hours] holidays: readable file */
	} hours;

	struct {
		char phones[CONF_PHONES_MAX][40]; /* [complaints] phones = a; b (1..4) */
		int n_phones;
		char email[CONF_TEXT_MAX];        /* [complaints] email */
		char website[CONF_TEXT_MAX];      /* [complaints] website */
		char twitter[64];                 /* [complaints] twitter, starts with @ */
		char instagram[64];               /* [complaints] instagram, starts with @ */
		char officer_name[CONF_TEXT_MAX]; /* [complaints] officer_name */
		char officer_phone[40];           /* [complaints] officer_phone */
		int escalate_after_h;             /* [complaints] escalate_after_hours (optional, 16) */
	} complaints;

	struct {
		int idle_logout_s;  /* [staff] idle_logout (optional, 120) */
		int pin_attempts;   /* [staff] pin_attempts (optional, 5) */
		int lockout_s;      /* [staff] lockout_seconds (optional, 60) */
		int lockout_max_s;  /* [staff] lockout_max_seconds (optional, 3600, >= lockout_s) */
	} staff;

	struct {
		char database[CONF_PATH_MAX]; /* [storage] database: absolute path */
		int retention_days;           /* [storage] retention_days (optional, 30) */
	} storage;

	struct {
		int min_free_disk_mb; /* [diagnostics] min_free_disk_mb: below it storage.disk fails
					 (optional, 200; warns below twice that) */
		char export_dirs[CONF_EXPORT_DIRS_MAX][CONF_PATH_MAX]; /* [diagnostics] export_dirs =
									  a; b (optional) */
		int n_export_dirs;
	} diag;

	struct {
		int level; /* [log] level: error|warn|info|debug -> 0..3 (optional, info) */
	} log;
} conf;

/*
 * Load and validate PATH into OUT.
 *
 * Every problem is printed to ERRORS (one line each, "PATH:LINE: section.key:
 * message", newline-terminated, sorted by LINE); ERRORS may be NULL to stay
 * quiet. A problem with no key in it reads "PATH:LINE: syntax error: ..." or
 * "PATH:LINE: section: ..." (unknown or repeated section).
 * Returns 0 when the file is valid, the number of errors (> 0) otherwise, or
 * -1 when the file cannot be opened (one line is printed saying why).
 * On failure OUT holds defaults plus whatever parsed; do not use it.
 * Does not block beyond reading the file and checking referenced files exist.
 */
int conf_load(conf *out, const char *path, FILE *errors);

/* Fill OUT with built-in defaults (not a valid configuration on its own). */
void conf_defaults(conf *out);

/* "HH.MM" (Indonesian time notation) for minutes since midnight into BUF (>= 6 bytes). */
void conf_fmt_time(uint16_t minutes, char *buf, size_t len);

/*
 * A day's windows as "08.00-12.00, 13.00-15.45" into BUF (LEN bytes, always
 * NUL-terminated when LEN > 0); "" for a closed day, so the caller picks the
 * word for "closed" in the session's language. Returns the length the full
 * text needs, as snprintf does (compare with LEN to detect a cut), or -1.
 */
int conf_fmt_day(const conf_day *day, char *buf, size_t len);

/* The complaint phone numbers of C on one line, "a  ·  b", into BUF (LEN
 * bytes, CONF_PHONES_TEXT_MAX always enough; always NUL-terminated). */
#define CONF_PHONES_TEXT_MAX (CONF_PHONES_MAX * (40 + 6))
void conf_fmt_phones(const conf *c, char *buf, size_t len);

/* The service hours of C as the calendar's week. */
void conf_week(const conf *c, cal_week *out);

#define CONF_HOLIDAYS_FILE_MAX (256 * 1024)
/*
 * Read the whole file PATH (at most MAX bytes) into *OUT (malloc'd, NUL-
 * terminated, caller frees) and its length into *LEN. Returns 0, or -1 with
 * errno set (EFBIG when larger than MAX).
 */
int conf_read_file(const char *path, size_t max, char **out, size_t *len);

/* Print every section.key with "required"/"optional" and one line of help to OUT. */
void conf_print_keys(FILE *out);

/*
 * The effective configuration C for the technician's System page and the
 * readiness report: one "section.key = value" line per key the kiosk knows,
 * in the file's order, defaults included, "(not set)" for an empty
 * optional value. Secrets are masked: [central] pin shows only how many
 * keys are pinned ("sha256//... (set: 1 key pinned)"), a user name and
 * password inside [central] url become "***"; [central] secret_file is a
 * path and shown as one (the file is never read here). Writes to OUT,
 * ignoring write errors (the caller checks ferror()). Never blocks beyond
 * the write.
 */
void conf_write_masked(const conf *c, FILE *out);

/* URL with any "user:password@" before its host replaced by "***@", into
 * BUF (N bytes, always NUL-terminated when N > 0): conf_write_masked()'s
 * rule for a URL, for reports that name the central service. */
void conf_mask_url(const char *url, char *buf, size_t n);

#endif

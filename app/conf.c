/*
 * conf: loads and validates kiosk.conf (see conf.h for the contract).
 *
 * One static const table, KEYS, names every section and key the kiosk knows,
 * whether it is required, the function that parses and checks its value, and
 * a line of help. inih drives the parse through ini_parse_stream() with our
 * own line reader, conf_reader(), which counts lines (Debian's libinih is
 * built without INI_HANDLER_LINENO, so the handler is not told the line),
 * reports syntax errors itself so each bad line gets its own message, and
 * hands inih only lines it will read exactly as we do. Errors are collected,
 * sorted by line and printed one per line as "PATH:LINE: section.key: what".
 * Pure configuration: the only I/O is reading the file and opening the files
 * it names (fonts, holidays) to check that they are readable. The same
 * table prints the effective configuration back, secrets masked
 * (conf_write_masked, for the technician's System page).
 */
#include "conf.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
	LINE_CAP = 1024,     /* line buffer: 1023 characters + NUL */
	WHY_MAX = 1536,      /* one error message; holds two paths of CONF_PATH_MAX */
	SNIP_MAX = 40,       /* bytes of an offending value quoted in a message */
	ERR_STORE_MAX = 256, /* errors kept for sorting; later ones print at once */
	SECT_NONE = -1,      /* no [section] seen yet */
	SECT_UNKNOWN = -2,   /* inside an unknown section: its keys are skipped */
};

struct loader;
struct conf_key;

/*
 * A value parser: checks V (trimmed, non-empty, no control characters) and
 * stores it into the field of LD->c that K names. Returns 0, or -1 with a
 * one-line reason in WHY (N bytes) and the field left as it was.
 */
typedef int conf_parse_fn(struct loader *ld, const struct conf_key *k, const char *v,
			  char *why, size_t n);

struct conf_key {
	const char *section;
	const char *name;
	bool required;
	conf_parse_fn *parse;
	size_t off, size; /* the destination field inside struct conf */
	const char *help;
};

static conf_parse_fn parse_text, parse_path, parse_kiosk_id, parse_language, parse_bool,
	parse_orientation, parse_window, parse_idle_timeout, parse_idle_warning,
	parse_reader_type, parse_allow, parse_url, parse_day, parse_phones, parse_phone,
	parse_email, parse_website, parse_handle, parse_log_level, parse_db_path,
	parse_retention, parse_reader_timeout,
	parse_pin, parse_central_timeout, parse_retry_base, parse_retry_cap, parse_poll,
	parse_staff_idle, parse_pin_attempts, parse_lockout, parse_lockout_max, parse_escalate,
	parse_min_free_disk, parse_export_dirs;

#define FIELD(m) offsetof(conf, m), sizeof(((conf *)0)->m)

/* Sections in the order kiosk.conf presents them. */
static const char *const SECTIONS[] = {
	"kiosk", "display", "session", "fonts", "reader",
	"central", "hours", "complaints", "staff", "storage", "diagnostics", "log",
};
enum { N_SECTIONS = sizeof SECTIONS / sizeof SECTIONS[0] };

static const struct conf_key KEYS[] = {
	{"kiosk", "id", true, parse_kiosk_id, FIELD(kiosk.id),
	 "kiosk identifier on receipts and in reports: 1-32 of A-Z a-z 0-9 -"},
	{"kiosk", "language", true, parse_language, FIELD(kiosk.language),
	 "language a session starts in: id or en"},
	{"display", "fullscreen", true, parse_bool, FIELD(display.fullscreen),
	 "cover the whole screen: yes|no|true|false"},
	{"display", "orientation", true, parse_orientation, FIELD(display.orientation),
	 "portrait or landscape"},
	{"display", "window", false, parse_window, FIELD(display.window_w),
	 "window size WxH, 320..3840 each; default 540x960 portrait, 960x540 landscape"},
	{"session", "idle_timeout", true, parse_idle_timeout, FIELD(session.idle_timeout_s),
	 "seconds without a touch before a session is wiped: 30..900"},
	{"session", "idle_warning", true, parse_idle_warning, FIELD(session.idle_warning_s),
	 "seconds of warning before the wipe: 5..120, less than idle_timeout"},
	{"fonts", "regular", true, parse_path, FIELD(fonts.regular),
	 "regular text font file; relative to the configuration's folder"},
	{"fonts", "bold", true, parse_path, FIELD(fonts.bold),
	 "bold text font file"},
	{"fonts", "symbols", true, parse_path, FIELD(fonts.symbols),
	 "font with the UI symbols (check mark, backspace, shift)"},
	{"reader", "type", true, parse_reader_type, FIELD(reader.type),
	 "card reader: sim (simulated) or usb (CCID reader)"},
	{"reader", "allow", false, parse_allow, FIELD(reader.allow),
	 "USB readers to accept, VID:PID in hex, comma-separated; default any CCID reader"},
	{"reader", "timeout_ms", false, parse_reader_timeout, FIELD(reader.timeout_ms),
	 "deadline of each card reader operation in milliseconds: 500..10000; default 3000"},
	{"central", "url", true, parse_url, FIELD(central.url),
	 "base URL of the central service: http:// or https://"},
	{"central", "secret_file", false, parse_path, FIELD(central.secret_file),
	 "file holding this kiosk's 64-hex-digit secret; without it nothing is synced"},
	{"central", "pin", false, parse_pin, FIELD(central.pin),
	 "pinned public key of the central service: sha256//BASE64[;sha256//BASE64]"},
	{"central", "ca_file", false, parse_path, FIELD(central.ca_file),
	 "CA certificates to trust instead of the system's (PEM file)"},
	{"central", "timeout_ms", false, parse_central_timeout, FIELD(central.timeout_ms),
	 "deadline of one exchange with the central service: 1000..60000; default 15000"},
	{"central", "retry_base_ms", false, parse_retry_base, FIELD(central.retry_base_ms),
	 "first retry delay ceiling in milliseconds: 100..60000; default 1000"},
	{"central", "retry_cap_ms", false, parse_retry_cap, FIELD(central.retry_cap_ms),
	 "largest retry delay in milliseconds: 1000..3600000; default 300000"},
	{"central", "poll_seconds", false, parse_poll, FIELD(central.poll_s),
	 "how often to ask for changes made centrally: 5..3600; default 30"},
	{"hours", "monday", true, parse_day, FIELD(hours.day[0]),
	 "service windows: closed, or HH:MM-HH:MM[,HH:MM-HH:MM...] (WIB)"},
	{"hours", "tuesday", true, parse_day, FIELD(hours.day[1]), "as monday"},
	{"hours", "wednesday", true, parse_day, FIELD(hours.day[2]), "as monday"},
	{"hours", "thursday", true, parse_day, FIELD(hours.day[3]), "as monday"},
	{"hours", "friday", true, parse_day, FIELD(hours.day[4]), "as monday"},
	{"hours", "saturday", true, parse_day, FIELD(hours.day[5]), "as monday"},
	{"hours", "sunday", true, parse_day, FIELD(hours.day[6]), "as monday"},
	{"hours", "holidays", true, parse_path, FIELD(hours.holidays),
	 "holiday table file (YYYY-MM-DD<TAB>libur|cuti<TAB>name)"},
	{"complaints", "phones", true, parse_phones, FIELD(complaints.phones),
	 "1-4 complaint phone numbers separated by ';'"},
	{"complaints", "email", true, parse_email, FIELD(complaints.email),
	 "complaint e-mail address"},
	{"complaints", "website", true, parse_website, FIELD(complaints.website),
	 "office website"},
	{"complaints", "twitter", true, parse_handle, FIELD(complaints.twitter),
	 "Twitter/X account, starting with @"},
	{"complaints", "instagram", true, parse_handle, FIELD(complaints.instagram),
	 "Instagram account, starting with @"},
	{"complaints", "officer_name", true, parse_text, FIELD(complaints.officer_name),
	 "name of the complaints officer"},
	{"complaints", "officer_phone", true, parse_phone, FIELD(complaints.officer_phone),
	 "mobile number of the complaints officer"},
	{"complaints", "escalate_after_hours", false, parse_escalate, FIELD(complaints.escalate_after_h),
	 "working hours before an unresolved complaint goes to the supervisor: 1..200; default 16"},
	{"staff", "idle_logout", false, parse_staff_idle, FIELD(staff.idle_logout_s),
	 "seconds without a touch before staff mode logs out: 30..900; default 120"},
	{"staff", "pin_attempts", false, parse_pin_attempts, FIELD(staff.pin_attempts),
	 "wrong PINs in a row that lock the PIN pad: 3..10; default 5"},
	{"staff", "lockout_seconds", false, parse_lockout, FIELD(staff.lockout_s),
	 "first lockout of the PIN pad, doubling with each lockout: 10..3600; default 60"},
	{"staff", "lockout_max_seconds", false, parse_lockout_max, FIELD(staff.lockout_max_s),
	 "longest lockout: 60..86400, at least lockout_seconds; default 3600"},
	{"storage", "database", true, parse_db_path, FIELD(storage.database),
	 "SQLite file of requests and the outbox; its folder is created if missing"},
	{"storage", "retention_days", false, parse_retention, FIELD(storage.retention_days),
	 "days personal data of a closed request is kept: 1..365; default 30"},
	{"diagnostics", "min_free_disk_mb", false, parse_min_free_disk, FIELD(diag.min_free_disk_mb),
	 "free disk space (MiB) below which the storage check fails, warning below twice it:"
	 " 1..10000000; default 200"},
	{"diagnostics", "export_dirs", false, parse_export_dirs, FIELD(diag.export_dirs),
	 "folders offered for the readiness report (USB stick mount points), absolute, ';'-separated, 1-4"},
	{"log", "level", false, parse_log_level, FIELD(log.level),
	 "error, warn, info or debug; default info"},
};
enum { N_KEYS = sizeof KEYS / sizeof KEYS[0] };

struct conf_err {
	int line;
	unsigned seq; /* keeps errors of one line in the order they were found */
	char *msg;    /* "section.key: what", no newline */
};

/* Everything one conf_load() call needs; lives on its stack. */
struct loader {
	conf *c;
	FILE *fp;
	FILE *errors; /* NULL: count errors, print nothing */
	char dir[CONF_PATH_MAX]; /* folder of the file, for relative paths */
	char line[LINE_CAP];
	int lineno;
	int cur;                    /* index into SECTIONS, or SECT_NONE/SECT_UNKNOWN */
	bool inline_comment;        /* this line's value holds " ;" (see on_pair) */
	int sect_line[N_SECTIONS];  /* line of each section's first header, 0 if absent */
	int key_line[N_KEYS];       /* line each key was set on, 0 if absent */
	bool key_ok[N_KEYS];        /* the value parsed and was stored */
	int nerr;
	struct conf_err *errs;
	size_t nerrs, cap;
	unsigned seq;
};

static void *field(struct loader *ld, const struct conf_key *k)
{
	return (char *)ld->c + k->off;
}

static int fail(char *why, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *why, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, n, fmt, ap);
	va_end(ap);
	return -1;
}

/*
 * Copy at most SNIP_MAX bytes of S into OUT (at least SNIP_MAX + 4 bytes) for
 * quoting in a message: control characters become '?', a cut never splits a
 * UTF-8 sequence, and a cut value ends in "...". Returns OUT.
 */
static const char *snip(char out[static SNIP_MAX + 4], const char *s)
{
	size_t len = strlen(s), i, cut = len;

	if (len > SNIP_MAX) {
		cut = SNIP_MAX;
		while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
			cut--;
	}
	for (i = 0; i < cut; i++) {
		unsigned char ch = (unsigned char)s[i];
		out[i] = (ch < 0x20 || ch == 0x7F) ? '?' : (char)ch;
	}
	strcpy(out + i, cut < len ? "..." : "");
	return out;
}

/*
 * Record one error for line LINE. Errors are kept to be printed sorted by
 * line at the end; if memory runs out or more than ERR_STORE_MAX pile up, the
 * error is printed at once instead, so none is ever lost.
 */
static void add_error(struct loader *ld, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void add_error(struct loader *ld, int line, const char *fmt, ...)
{
	va_list ap;
	char *msg = NULL;
	int r;

	ld->nerr++;
	if (!ld->errors)
		return;
	va_start(ap, fmt);
	r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r >= 0 && ld->nerrs == ld->cap && ld->cap < ERR_STORE_MAX) {
		size_t cap = ld->cap ? ld->cap * 2 : 16;
		struct conf_err *e = realloc(ld->errs, cap * sizeof *e);
		if (e) {
			ld->errs = e;
			ld->cap = cap;
		}
	}
	if (r >= 0 && ld->nerrs < ld->cap) {
		ld->errs[ld->nerrs++] = (struct conf_err){line, ld->seq++, msg};
		return;
	}
	if (r >= 0) {
		fprintf(ld->errors, "%s:%d: %s\n", ld->c->path, line, msg);
		free(msg);
	} else {
		/* vasprintf failed: no room even for the message; say where at least. */
		fprintf(ld->errors, "%s:%d: error (out of memory describing it)\n",
			ld->c->path, line);
	}
}

static int cmp_err(const void *a, const void *b)
{
	const struct conf_err *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void flush_errors(struct loader *ld)
{
	size_t i;

	if (ld->nerrs)
		qsort(ld->errs, ld->nerrs, sizeof *ld->errs, cmp_err);
	for (i = 0; i < ld->nerrs; i++) {
		fprintf(ld->errors, "%s:%d: %s\n", ld->c->path, ld->errs[i].line,
			ld->errs[i].msg);
		free(ld->errs[i].msg);
	}
	free(ld->errs);
	ld->errs = NULL;
	ld->nerrs = ld->cap = 0;
}

static int find_section(const char *name)
{
	int i;

	for (i = 0; i < N_SECTIONS; i++)
		if (strcmp(SECTIONS[i], name) == 0)
			return i;
	return -1;
}

static const struct conf_key *find_key(const char *section, const char *name)
{
	size_t i;

	for (i = 0; i < N_KEYS; i++)
		if (strcmp(KEYS[i].section, section) == 0 && strcmp(KEYS[i].name, name) == 0)
			return &KEYS[i];
	return NULL;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* True when S holds a byte below 0x20 or DEL (a tab included). */
static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7F)
			return true;
	return false;
}

/* ASCII only: isalnum() would also accept letters of the current locale. */
static bool is_alnum(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

static bool has_space(const char *s)
{
	for (; *s; s++)
		if (isspace((unsigned char)*s))
			return true;
	return false;
}

/*
 * Split S in place at each SEP into at most MAX trimmed parts stored in PARTS.
 * Returns the number of parts found, which may exceed MAX (only MAX stored).
 */
static int split(char *s, char sep, char **parts, int max)
{
	int n = 0;

	for (;;) {
		char *end = strchr(s, sep);
		if (end)
			*end = '\0';
		if (n < max)
			parts[n] = trim(s);
		n++;
		if (!end)
			return n;
		s = end + 1;
	}
}

/* --- value parsers ------------------------------------------------------ */

static int copy_text(char *dst, size_t size, const char *v, char *why, size_t n)
{
	size_t len = strlen(v);

	if (len >= size)
		return fail(why, n, "too long, at most %zu characters", size - 1);
	memcpy(dst, v, len + 1);
	return 0;
}

static int parse_text(struct loader *ld, const struct conf_key *k, const char *v,
		      char *why, size_t n)
{
	return copy_text(field(ld, k), k->size, v, why, n);
}

/*
 * A file the kiosk will open later: resolved against the configuration's
 * folder when relative, checked to be a readable regular file, and stored as
 * its canonical absolute path. stat() comes first so that a FIFO is never
 * opened (that would block); the open() proves readability for this user,
 * which access() would judge by the real rather than the effective uid.
 */
static int parse_path(struct loader *ld, const struct conf_key *k, const char *v,
		      char *why, size_t n)
{
	char joined[PATH_MAX], resolved[PATH_MAX], q[SNIP_MAX + 4];
	const char *what = NULL;
	struct stat st;
	int fd;

	if (strlen(v) >= k->size)
		return fail(why, n, "too long, at most %zu characters", k->size - 1);
	/* Both parts are below CONF_PATH_MAX, so JOINED (PATH_MAX) always fits. */
	if (v[0] == '/')
		snprintf(joined, sizeof joined, "%s", v);
	else
		snprintf(joined, sizeof joined, "%s/%s", ld->dir, v);

	if (stat(joined, &st) != 0)
		what = strerror(errno);
	else if (!S_ISREG(st.st_mode))
		what = "not a regular file";
	else if ((fd = open(joined, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		what = strerror(errno);
	else
		close(fd);
	if (what && v[0] == '/')
		return fail(why, n, "cannot read \"%s\": %s", v, what);
	if (what)
		return fail(why, n, "cannot read \"%s\" (%s): %s", v, joined, what);

	if (!realpath(joined, resolved))
		return fail(why, n, "cannot resolve \"%s\": %s", joined, strerror(errno));
	if (strlen(resolved) >= k->size)
		return fail(why, n, "resolved path \"%s\" is too long, at most %zu characters",
			    snip(q, resolved), k->size - 1);
	strcpy(field(ld, k), resolved);
	return 0;
}

static bool read_uint(const char **p, long *out);

/*
 * A file the kiosk will create or write: resolved against the configuration's
 * folder when relative. Its folder need not exist yet (the kiosk creates it),
 * but the folder above must, so a typo in the path is caught here.
 */
static int parse_db_path(struct loader *ld, const struct conf_key *k, const char *v,
			 char *why, size_t n)
{
	char joined[PATH_MAX], dir[PATH_MAX];
	struct stat st;

	if (strlen(v) >= k->size)
		return fail(why, n, "too long, at most %zu characters", k->size - 1);
	if (v[0] == '/')
		snprintf(joined, sizeof joined, "%s", v);
	else
		snprintf(joined, sizeof joined, "%s/%s", ld->dir, v);
	if (strlen(joined) >= k->size)
		return fail(why, n, "\"%s\" is too long, at most %zu characters", joined,
			    k->size - 1);
	const char *base = strrchr(joined, '/');
	if (!base || base[1] == '\0' || strcmp(base + 1, ".") == 0 || strcmp(base + 1, "..") == 0)
		return fail(why, n, "must name a file, got \"%s\"", v);
	if (stat(joined, &st) == 0 && !S_ISREG(st.st_mode))
		return fail(why, n, "\"%s\" exists and is not a regular file", v);
	/* The folder above the file's folder must exist. */
	snprintf(dir, sizeof dir, "%.*s", (int)(base - joined), joined);
	char *up = strrchr(dir, '/');
	if (up && up != dir)
		*up = '\0';
	else if (up)
		up[1] = '\0';
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return fail(why, n, "folder \"%s\" does not exist", dir);
	strcpy(field(ld, k), joined);
	return 0;
}

/* A whole number of UNIT ("days", "milliseconds") from MIN to MAX. */
static int parse_count(struct loader *ld, const struct conf_key *k, const char *v, long min,
		       long max, const char *unit, char *why, size_t n)
{
	char q[SNIP_MAX + 4];
	const char *p = v;
	long x;
	if (!read_uint(&p, &x) || *p || x < min || x > max)
		return fail(why, n, "must be a whole number of %s between %ld and %ld, got \"%s\"",
			    unit, min, max, snip(q, v));
	*(int *)field(ld, k) = (int)x;
	return 0;
}

static int parse_retention(struct loader *ld, const struct conf_key *k, const char *v,
			   char *why, size_t n)
{
	return parse_count(ld, k, v, 1, 365, "days", why, n);
}

static int parse_reader_timeout(struct loader *ld, const struct conf_key *k, const char *v,
				char *why, size_t n)
{
	return parse_count(ld, k, v, 500, 10000, "milliseconds", why, n);
}

static int parse_central_timeout(struct loader *ld, const struct conf_key *k, const char *v,
				 char *why, size_t n)
{
	return parse_count(ld, k, v, 1000, 60000, "milliseconds", why, n);
}

static int parse_retry_base(struct loader *ld, const struct conf_key *k, const char *v,
			    char *why, size_t n)
{
	return parse_count(ld, k, v, 100, 60000, "milliseconds", why, n);
}

static int parse_retry_cap(struct loader *ld, const struct conf_key *k, const char *v,
			   char *why, size_t n)
{
	return parse_count(ld, k, v, 1000, 3600000, "milliseconds", why, n);
}

static int parse_poll(struct loader *ld, const struct conf_key *k, const char *v, char *why,
		      size_t n)
{
	return parse_count(ld, k, v, 5, 3600, "seconds", why, n);
}

static int parse_staff_idle(struct loader *ld, const struct conf_key *k, const char *v, char *why,
			    size_t n)
{
	return parse_count(ld, k, v, 30, 900, "seconds", why, n);
}

static int parse_pin_attempts(struct loader *ld, const struct conf_key *k, const char *v, char *why,
			      size_t n)
{
	return parse_count(ld, k, v, 3, 10, "attempts", why, n);
}

static int parse_lockout(struct loader *ld, const struct conf_key *k, const char *v, char *why,
			 size_t n)
{
	return parse_count(ld, k, v, 10, 3600, "seconds", why, n);
}

static int parse_lockout_max(struct loader *ld, const struct conf_key *k, const char *v, char *why,
			     size_t n)
{
	return parse_count(ld, k, v, 60, 86400, "seconds", why, n);
}

static int parse_escalate(struct loader *ld, const struct conf_key *k, const char *v, char *why,
			  size_t n)
{
	return parse_count(ld, k, v, 1, 200, "working hours", why, n);
}

/* Up to 10 TB: a test injects "disk nearly full" by asking for more than
 * the disk has (tests/diagnose.sh). */
static int parse_min_free_disk(struct loader *ld, const struct conf_key *k, const char *v, char *why,
			       size_t n)
{
	return parse_count(ld, k, v, 1, 10000000, "MiB", why, n);
}

/*
 * Folders the technician may export the readiness report to: absolute
 * paths separated by ';'. They are not checked to exist: a USB stick's
 * mount point exists only while it is plugged in, and the export says so
 * when it is not (diag_export).
 */
static int parse_export_dirs(struct loader *ld, const struct conf_key *k, const char *v, char *why,
			     size_t n)
{
	char buf[LINE_CAP], q[SNIP_MAX + 4], *parts[CONF_EXPORT_DIRS_MAX];
	struct conf *c = ld->c;
	int count, i;

	(void)k;
	snprintf(buf, sizeof buf, "%s", v); /* V came from a LINE_CAP line */
	count = split(buf, ';', parts, CONF_EXPORT_DIRS_MAX);
	if (count > CONF_EXPORT_DIRS_MAX)
		return fail(why, n, "at most %d folders, got %d", CONF_EXPORT_DIRS_MAX, count);
	for (i = 0; i < count; i++) {
		if (!*parts[i])
			return fail(why, n, "folder %d is empty", i + 1);
		if (parts[i][0] != '/')
			return fail(why, n, "folder %d must be an absolute path, got \"%s\"", i + 1,
				    snip(q, parts[i]));
		if (strlen(parts[i]) >= sizeof c->diag.export_dirs[0])
			return fail(why, n, "folder %d is too long, at most %zu characters", i + 1,
				    sizeof c->diag.export_dirs[0] - 1);
	}
	for (i = 0; i < count; i++)
		strcpy(c->diag.export_dirs[i], parts[i]);
	c->diag.n_export_dirs = count;
	return 0;
}

/* libcurl's pinned-key form: one or more "sha256//" + base64 of a SHA-256
 * (44 characters ending in '='), separated by ';'. */
static int parse_pin(struct loader *ld, const struct conf_key *k, const char *v, char *why,
		     size_t n)
{
	char q[SNIP_MAX + 4];
	const char *p = v;

	if (strlen(v) >= k->size)
		return fail(why, n, "too long, at most %zu characters", k->size - 1);
	for (;;) {
		size_t len = 0;
		if (strncmp(p, "sha256//", 8) != 0)
			break;
		p += 8;
		while (p[len] && (isalnum((unsigned char)p[len]) || p[len] == '+' || p[len] == '/' ||
				  p[len] == '='))
			len++;
		if (len != 44 || p[43] != '=')
			break;
		p += len;
		if (*p == '\0') {
			strcpy(field(ld, k), v);
			return 0;
		}
		if (*p++ != ';')
			break;
	}
	return fail(why, n, "must be sha256// and the base64 SHA-256 of the public key (44 characters),"
		    " several separated by ';', got \"%s\"", snip(q, v));
}

static int parse_kiosk_id(struct loader *ld, const struct conf_key *k, const char *v,
			  char *why, size_t n)
{
	char q[SNIP_MAX + 4];
	const char *p;

	if (strlen(v) >= k->size)
		return fail(why, n, "too long, at most %zu characters", k->size - 1);
	for (p = v; *p; p++)
		if (!is_alnum(*p) && *p != '-')
			return fail(why, n, "may contain only A-Z, a-z, 0-9 and '-', got \"%s\"",
				    snip(q, v));
	strcpy(field(ld, k), v);
	return 0;
}

/*
 * The position of V in the NUL-separated, double-NUL-terminated list NAMES,
 * or -1 with "must be EXPECT, got V" in WHY.
 */
static int choice(const char *v, const char *names, const char *expect, char *why,
		  size_t n)
{
	char q[SNIP_MAX + 4];
	int i;

	for (i = 0; *names; i++, names += strlen(names) + 1)
		if (strcmp(v, names) == 0)
			return i;
	return fail(why, n, "must be %s, got \"%s\"", expect, snip(q, v));
}

static int parse_language(struct loader *ld, const struct conf_key *k, const char *v,
			  char *why, size_t n)
{
	int i = choice(v, "id\0en\0", "id or en", why, n);

	(void)k;
	if (i < 0)
		return -1;
	ld->c->kiosk.language = i;
	return 0;
}

static int parse_bool(struct loader *ld, const struct conf_key *k, const char *v,
		      char *why, size_t n)
{
	int i = choice(v, "yes\0no\0true\0false\0", "yes, no, true or false", why, n);

	(void)k;
	if (i < 0)
		return -1;
	ld->c->display.fullscreen = i % 2 == 0; /* yes and true are at even positions */
	return 0;
}

static int parse_orientation(struct loader *ld, const struct conf_key *k, const char *v,
			     char *why, size_t n)
{
	int i = choice(v, "portrait\0landscape\0", "portrait or landscape", why, n);

	(void)k;
	if (i < 0)
		return -1;
	ld->c->display.orientation = i == 0 ? CONF_PORTRAIT : CONF_LANDSCAPE;
	return 0;
}

static int parse_reader_type(struct loader *ld, const struct conf_key *k, const char *v,
			     char *why, size_t n)
{
	int i = choice(v, "sim\0usb\0", "sim or usb", why, n);

	(void)k;
	if (i < 0)
		return -1;
	ld->c->reader.type = i == 0 ? CONF_READER_SIM : CONF_READER_USB;
	return 0;
}

/* The positions match log.h's log_level: LOG_ERROR 0 .. LOG_DEBUG 3. */
static int parse_log_level(struct loader *ld, const struct conf_key *k, const char *v,
			   char *why, size_t n)
{
	int i = choice(v, "error\0warn\0info\0debug\0", "error, warn, info or debug", why, n);

	(void)k;
	if (i < 0)
		return -1;
	ld->c->log.level = i;
	return 0;
}

/*
 * Read 1 to 9 decimal digits at *P into *OUT and advance *P. Returns false
 * when there is no digit or too many (so nothing can overflow).
 */
static bool read_uint(const char **p, long *out)
{
	long x = 0;
	int digits = 0;

	while (isdigit((unsigned char)**p)) {
		if (++digits > 9)
			return false;
		x = x * 10 + (**p - '0');
		(*p)++;
	}
	*out = x;
	return digits > 0;
}

static int parse_window(struct loader *ld, const struct conf_key *k, const char *v,
			char *why, size_t n)
{
	char q[SNIP_MAX + 4];
	const char *p = v;
	long w, h;

	(void)k;
	if (!read_uint(&p, &w) || *p++ != 'x' || !read_uint(&p, &h) || *p)
		return fail(why, n, "must be WIDTHxHEIGHT like 540x960, got \"%s\"", snip(q, v));
	if (w < 320 || w > 3840)
		return fail(why, n, "width must be between 320 and 3840, got %ld", w);
	if (h < 320 || h > 3840)
		return fail(why, n, "height must be between 320 and 3840, got %ld", h);
	ld->c->display.window_w = (int)w;
	ld->c->display.window_h = (int)h;
	return 0;
}

static int parse_seconds(struct loader *ld, const struct conf_key *k, const char *v,
			 long min, long max, char *why, size_t n)
{
	char q[SNIP_MAX + 4];
	const char *p;
	long x;

	for (p = v; isdigit((unsigned char)*p); p++)
		;
	if (p == v || *p)
		return fail(why, n, "must be a whole number of seconds, got \"%s\"", snip(q, v));
	p = v;
	if (!read_uint(&p, &x) || x < min || x > max)
		return fail(why, n, "must be between %ld and %ld seconds, got %s", min, max,
			    snip(q, v));
	*(int *)field(ld, k) = (int)x;
	return 0;
}

static int parse_idle_timeout(struct loader *ld, const struct conf_key *k, const char *v,
			      char *why, size_t n)
{
	return parse_seconds(ld, k, v, 30, 900, why, n);
}

static int parse_idle_warning(struct loader *ld, const struct conf_key *k, const char *v,
			      char *why, size_t n)
{
	return parse_seconds(ld, k, v, 5, 120, why, n);
}

static bool is_hex4(const char *s, uint16_t *out)
{
	unsigned x = 0;
	int i;

	for (i = 0; i < 4; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return false;
		x = x * 16 + (unsigned)(isdigit((unsigned char)s[i])
						? s[i] - '0'
						: tolower((unsigned char)s[i]) - 'a' + 10);
	}
	*out = (uint16_t)x;
	return true;
}

static int parse_allow(struct loader *ld, const struct conf_key *k, const char *v,
		       char *why, size_t n)
{
	char buf[LINE_CAP], q[SNIP_MAX + 4], *parts[CONF_ALLOW_MAX];
	struct conf *c = ld->c;
	uint16_t vid[CONF_ALLOW_MAX], pid[CONF_ALLOW_MAX];
	int count, i;

	(void)k;
	snprintf(buf, sizeof buf, "%s", v); /* V came from a LINE_CAP line */
	count = split(buf, ',', parts, CONF_ALLOW_MAX);
	if (count > CONF_ALLOW_MAX)
		return fail(why, n, "at most %d entries, got %d", CONF_ALLOW_MAX, count);
	for (i = 0; i < count; i++) {
		const char *e = parts[i];
		if (!*e)
			return fail(why, n, "entry %d is empty", i + 1);
		if (strlen(e) != 9 || e[4] != ':' || !is_hex4(e, &vid[i]) ||
		    !is_hex4(e + 5, &pid[i]))
			return fail(why, n,
				    "entry %d must be VID:PID in hexadecimal like 072f:2200, got \"%s\"",
				    i + 1, snip(q, e));
	}
	for (i = 0; i < count; i++) {
		c->reader.allow[i].vid = vid[i];
		c->reader.allow[i].pid = pid[i];
	}
	c->reader.n_allow = count;
	return 0;
}

static int parse_url(struct loader *ld, const struct conf_key *k, const char *v,
		     char *why, size_t n)
{
	char q[SNIP_MAX + 4];
	const char *host, *end, *at;

	if (strlen(v) >= k->size)
		return fail(why, n, "too long, at most %zu characters", k->size - 1);
	if (strncmp(v, "http://", 7) == 0)
		host = v + 7;
	else if (strncmp(v, "https://", 8) == 0)
		host = v + 8;
	else
		return fail(why, n, "must start with http:// or https://, got \"%s\"", snip(q, v));
	if (has_space(v))
		return fail(why, n, "must not contain spaces");
	end = host + strcspn(host, "/?#");
	/* Skip "user:password@" so that "http://@/" does not pass for a host. */
	at = memchr(host, '@', (size_t)(end - host));
	if (at)
		host = at + 1;
	if (host == end || *host == ':')
		return fail(why, n, "has no host name, got \"%s\"", snip(q, v));
	strcpy(field(ld, k), v);
	return 0;
}

/* "HH:MM" at *P, 00:00 to 24:00, into minutes; advances *P past it. */
static bool read_time(const char **p, uint16_t *out)
{
	const char *s = *p;
	int h, m;

	if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) || s[2] != ':' ||
	    !isdigit((unsigned char)s[3]) || !isdigit((unsigned char)s[4]))
		return false;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	if (h > 24 || m > 59 || (h == 24 && m != 0))
		return false;
	*out = (uint16_t)(h * 60 + m);
	*p = s + 5;
	return true;
}

static int parse_day(struct loader *ld, const struct conf_key *k, const char *v,
		     char *why, size_t n)
{
	char buf[LINE_CAP], q[SNIP_MAX + 4], *parts[CONF_WINDOWS_MAX];
	conf_day day = {0};
	int count, i;

	if (strcmp(v, "closed") == 0) {
		*(conf_day *)field(ld, k) = day;
		return 0;
	}
	snprintf(buf, sizeof buf, "%s", v); /* V came from a LINE_CAP line */
	count = split(buf, ',', parts, CONF_WINDOWS_MAX);
	if (count > CONF_WINDOWS_MAX)
		return fail(why, n, "at most %d windows, got %d", CONF_WINDOWS_MAX, count);
	for (i = 0; i < count; i++) {
		const char *p = parts[i];
		conf_window *w = &day.w[i];

		if (!*p)
			return fail(why, n, "window %d is empty (write closed for a closed day)",
				    i + 1);
		if (!read_time(&p, &w->start))
			goto malformed;
		while (*p == ' ')
			p++;
		if (*p++ != '-')
			goto malformed;
		while (*p == ' ')
			p++;
		if (!read_time(&p, &w->end) || *p)
			goto malformed;
		if (w->end <= w->start)
			return fail(why, n, "window %d (%s) must end after it starts", i + 1,
				    snip(q, parts[i]));
		if (i > 0 && w->start < day.w[i - 1].end) {
			char prev[SNIP_MAX + 4];
			return fail(why, n,
				    "window %d (%s) starts before window %d (%s) ends; "
				    "windows must be in order and must not overlap",
				    i + 1, snip(q, parts[i]), i, snip(prev, parts[i - 1]));
		}
		continue;
malformed:
		return fail(why, n,
			    "window %d must be HH:MM-HH:MM between 00:00 and 24:00, got \"%s\"",
			    i + 1, snip(q, parts[i]));
	}
	day.n = count;
	*(conf_day *)field(ld, k) = day;
	return 0;
}

/* Digits, spaces and ( ) + - only, at least one digit. LABEL prefixes the reason. */
static int check_phone(const char *s, const char *label, char *why, size_t n)
{
	char q[SNIP_MAX + 4];
	bool digit = false;
	const char *p;

	for (p = s; *p; p++) {
		if (isdigit((unsigned char)*p))
			digit = true;
		else if (!strchr(" ()+-", *p))
			return fail(why, n, "%smay contain only digits, spaces and ( ) + -, got \"%s\"",
				    label, snip(q, s));
	}
	if (!digit)
		return fail(why, n, "%shas no digits, got \"%s\"", label, snip(q, s));
	return 0;
}

static int parse_phones(struct loader *ld, const struct conf_key *k, const char *v,
			char *why, size_t n)
{
	char buf[LINE_CAP], label[32], *parts[CONF_PHONES_MAX];
	struct conf *c = ld->c;
	int count, i;

	(void)k;
	snprintf(buf, sizeof buf, "%s", v); /* V came from a LINE_CAP line */
	count = split(buf, ';', parts, CONF_PHONES_MAX);
	if (count > CONF_PHONES_MAX)
		return fail(why, n, "at most %d numbers, got %d", CONF_PHONES_MAX, count);
	for (i = 0; i < count; i++) {
		snprintf(label, sizeof label, "number %d ", i + 1);
		if (!*parts[i])
			return fail(why, n, "number %d is empty", i + 1);
		if (strlen(parts[i]) >= sizeof c->complaints.phones[0])
			return fail(why, n, "number %d is too long, at most %zu characters", i + 1,
				    sizeof c->complaints.phones[0] - 1);
		if (check_phone(parts[i], label, why, n) != 0)
			return -1;
	}
	for (i = 0; i < count; i++)
		strcpy(c->complaints.phones[i], parts[i]);
	c->complaints.n_phones = count;
	return 0;
}

static int parse_phone(struct loader *ld, const struct conf_key *k, const char *v,
		       char *why, size_t n)
{
	if (strlen(v) >= k->size)
		return fail(why, n, "too long, at most %zu characters", k->size - 1);
	if (check_phone(v, "", why, n) != 0)
		return -1;
	strcpy(field(ld, k), v);
	return 0;
}

/*
 * A basic shape check, not RFC 5322: one '@', a non-empty local part, and a
 * domain with a dot that neither starts nor ends with one and has no "..".
 */
static int parse_email(struct loader *ld, const struct conf_key *k, const char *v,
		       char *why, size_t n)
{
	char q[SNIP_MAX + 4];
	const char *at = strchr(v, '@'), *dom;

	if (strlen(v) >= k->size)
		return fail(why, n, "too long, at most %zu characters", k->size - 1);
	dom = at ? at + 1 : NULL;
	if (!at || at == v || strchr(dom, '@') || has_space(v) || !strchr(dom, '.') ||
	    dom[0] == '.' || dom[strlen(dom) - 1] == '.' || strstr(dom, ".."))
		return fail(why, n, "must be an e-mail address like name@example.go.id, got \"%s\"",
			    snip(q, v));
	strcpy(field(ld, k), v);
	return 0;
}

static int parse_website(struct loader *ld, const struct conf_key *k, const char *v,
			 char *why, size_t n)
{
	if (strlen(v) >= k->size)
		return fail(why, n, "too long, at most %zu characters", k->size - 1);
	if (has_space(v))
		return fail(why, n, "must not contain spaces");
	strcpy(field(ld, k), v);
	return 0;
}

static int parse_handle(struct loader *ld, const struct conf_key *k, const char *v,
			char *why, size_t n)
{
	char q[SNIP_MAX + 4];

	if (strlen(v) >= k->size)
		return fail(why, n, "too long, at most %zu characters", k->size - 1);
	if (v[0] != '@' || v[1] == '\0')
		return fail(why, n, "must start with @, got \"%s\"", snip(q, v));
	if (has_space(v))
		return fail(why, n, "must not contain spaces");
	strcpy(field(ld, k), v);
	return 0;
}

/* --- the parse ----------------------------------------------------------- */

/* One key = value of a known section, on line LD->lineno. */
static void on_key(struct loader *ld, const char *section, const char *name,
		   const char *value)
{
	const struct conf_key *k = find_key(section, name);
	char why[WHY_MAX];
	size_t i;

	if (!k) {
		add_error(ld, ld->lineno, "%s.%s: unknown key", section, name);
		return;
	}
	i = (size_t)(k - KEYS);
	if (ld->key_line[i]) {
		add_error(ld, ld->lineno, "%s.%s: duplicate key, first set on line %d",
			  section, name, ld->key_line[i]);
		return;
	}
	ld->key_line[i] = ld->lineno;
	if (ld->inline_comment) {
		add_error(ld, ld->lineno,
			  "%s.%s: a ';' after a space starts a comment; put comments on their "
			  "own line (or write \"a; b\")",
			  section, name);
		return;
	}
	if (!*value) {
		add_error(ld, ld->lineno, "%s.%s: empty value%s", section, name,
			  k->required ? "" : "; leave the key out to use the default");
		return;
	}
	if (has_control(value)) {
		add_error(ld, ld->lineno, "%s.%s: contains a control character (a tab?)",
			  section, name);
		return;
	}
	if (k->parse(ld, k, value, why, sizeof why) == 0)
		ld->key_ok[i] = true;
	else
		add_error(ld, ld->lineno, "%s.%s: %s", section, name, why);
}

/* inih's handler: the reader has already checked the line, so never fail. */
static int ini_handler_cb(void *user, const char *section, const char *name,
			  const char *value)
{
	on_key(user, section, name, value);
	return 1;
}

/*
 * Read the next physical line into LD->line and point *OUT at it, stripped of
 * surrounding white space (so "\r\n" endings are fine). Returns false at the
 * end of the file or on a read error (reported). Reading byte by byte keeps
 * memory bounded and sees every byte: a line longer than LINE_CAP - 1
 * characters or holding a NUL byte is reported and replaced by an empty line,
 * so the numbering stays right.
 */
static bool next_line(struct loader *ld, char **out)
{
	size_t len = 0;
	bool any = false, nul = false;
	int ch;

	while ((ch = getc(ld->fp)) != EOF) {
		any = true;
		if (ch == '\n')
			break;
		if (ch == '\0')
			nul = true;
		if (len < sizeof ld->line - 1)
			ld->line[len] = (char)ch;
		len++;
	}
	if (ch == EOF && ferror(ld->fp)) {
		add_error(ld, ld->lineno + 1, "read error: %s", strerror(errno));
		return false;
	}
	if (!any)
		return false;
	ld->lineno++;
	ld->line[len < sizeof ld->line ? len : sizeof ld->line - 1] = '\0';
	if (len > sizeof ld->line - 1) {
		add_error(ld, ld->lineno, "syntax error: line too long, at most %zu characters",
			  sizeof ld->line - 1);
		ld->line[0] = '\0';
	} else if (nul) {
		add_error(ld, ld->lineno, "syntax error: line contains a NUL byte");
		ld->line[0] = '\0';
	}
	*out = ld->line;
	/* A UTF-8 byte-order mark, as Windows editors write it. */
	if (ld->lineno == 1 && strncmp(*out, "\xEF\xBB\xBF", 3) == 0)
		*out += 3;
	*out = trim(*out);
	return true;
}

static bool is_key_char(char ch)
{
	return is_alnum(ch) || ch == '_' || ch == '-' || ch == '.';
}

/* A "[name]" line (S starts with '['). Returns what to hand inih. */
static const char *on_section(struct loader *ld, char *s, char *str, int num)
{
	char q[SNIP_MAX + 4], *close = strchr(s, ']'), *name, *rest;
	int idx;

	ld->cur = SECT_UNKNOWN;
	if (!close) {
		add_error(ld, ld->lineno, "syntax error: missing ']' in section header");
		return "";
	}
	*close = '\0';
	rest = trim(close + 1);
	if (*rest && *rest != '#' && *rest != ';') {
		add_error(ld, ld->lineno, "syntax error: unexpected text after ']'");
		return "";
	}
	name = trim(s + 1);
	if (!*name) {
		add_error(ld, ld->lineno, "syntax error: empty section name");
		return "";
	}
	idx = find_section(name);
	if (idx < 0) {
		add_error(ld, ld->lineno, "%s: unknown section", snip(q, name));
		return "";
	}
	if (ld->sect_line[idx])
		add_error(ld, ld->lineno, "%s: duplicate section, first on line %d", name,
			  ld->sect_line[idx]);
	else
		ld->sect_line[idx] = ld->lineno;
	ld->cur = idx;
	snprintf(str, (size_t)num, "[%s]", name); /* section names are short */
	return str;
}

/* A line with '='. Returns what to hand inih. */
static const char *on_pair(struct loader *ld, char *s, char *str, int num)
{
	char q[SNIP_MAX + 4], *eq = strchr(s, '='), *name, *value, *p;
	const char *section;
	size_t nlen, vlen;

	*eq = '\0';
	name = trim(s);
	value = trim(eq + 1);
	if (!*name) {
		add_error(ld, ld->lineno, "syntax error: missing key name before '='");
		return "";
	}
	for (p = name; *p; p++) {
		if (!is_key_char(*p)) {
			add_error(ld, ld->lineno,
				  "syntax error: key name \"%s\" may contain only letters, "
				  "digits, '_', '-' and '.'",
				  snip(q, name));
			return "";
		}
	}
	if (ld->cur == SECT_UNKNOWN)
		return ""; /* reported once, at the section header */
	if (ld->cur == SECT_NONE) {
		add_error(ld, ld->lineno, "%s: key before the first [section]", name);
		return "";
	}
	section = SECTIONS[ld->cur];
	/*
	 * inih (Debian's build) ends a value at a ';' that follows white space,
	 * which would silently cut "a ; b" to "a". Refuse instead of guessing.
	 */
	for (p = value; *p; p++) {
		if (*p == ';' && p > value && isspace((unsigned char)p[-1])) {
			ld->inline_comment = true;
			on_key(ld, section, name, value);
			ld->inline_comment = false;
			return "";
		}
	}
	/*
	 * Debian's inih reads into a 200-byte buffer (ini_max_line) and would
	 * split a longer line in two. A pair that does not fit is dispatched
	 * here; inih gets an empty line so its count stays in step with ours.
	 */
	nlen = strlen(name);
	vlen = strlen(value);
	if (nlen + 1 + vlen + 1 > (size_t)num) {
		on_key(ld, section, name, value);
		return "";
	}
	memcpy(str, name, nlen);
	str[nlen] = '=';
	memcpy(str + nlen + 1, value, vlen + 1);
	return str;
}

/*
 * inih's fgets-style reader: exactly one physical line per call, so inih's
 * line count matches LD->lineno while the handler runs. Every line is
 * classified here; inih sees only empty lines, "[known-section]" and a
 * normalized "name=value" it parses exactly as we did (no leading blanks, so
 * no multi-line continuation; no ':' in names; no inline comments).
 */
static char *conf_reader(char *str, int num, void *stream)
{
	struct loader *ld = stream;
	const char *give = "";
	char q[SNIP_MAX + 4], *s;

	if (num < 2 || !next_line(ld, &s))
		return NULL;
	if (*s == '\0' || *s == '#' || *s == ';')
		give = "";
	else if (*s == '[')
		give = on_section(ld, s, str, num);
	else if (strchr(s, '='))
		give = on_pair(ld, s, str, num);
	else
		add_error(ld, ld->lineno,
			  "syntax error: expected \"[section]\" or \"key = value\", got \"%s\"",
			  snip(q, s));
	if (give != str)
		snprintf(str, (size_t)num, "%s", give);
	return str;
}

void conf_fmt_phones(const conf *c, char *buf, size_t len)
{
	size_t n = 0;
	if (len == 0)
		return;
	buf[0] = '\0';
	for (int i = 0; i < c->complaints.n_phones && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? "  \xC2\xB7  " : "",
				      c->complaints.phones[i]);
}

void conf_week(const conf *c, cal_week *out)
{
	memset(out, 0, sizeof *out);
	for (int d = 0; d < 7; d++) {
		const conf_day *cd = &c->hours.day[d];
		out->day[d].n = cd->n < CAL_WINDOWS_MAX ? cd->n : CAL_WINDOWS_MAX;
		for (int i = 0; i < out->day[d].n; i++) {
			out->day[d].w[i].start_min = cd->w[i].start;
			out->day[d].w[i].end_min = cd->w[i].end;
		}
	}
}

int conf_read_file(const char *path, size_t max, char **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	char *buf = malloc(max + 1);
	if (!buf) {
		fclose(f);
		errno = ENOMEM;
		return -1;
	}
	size_t n = fread(buf, 1, max + 1, f);
	int err = ferror(f) ? EIO : n > max ? EFBIG : 0;
	fclose(f);
	if (err) {
		free(buf);
		errno = err;
		return -1;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

/* The holiday table must parse: a bad line is reported as the key's error,
 * naming the table's own file and line. */
static void check_holidays(struct loader *ld, int line)
{
	char *text;
	size_t len;
	if (conf_read_file(ld->c->hours.holidays, CONF_HOLIDAYS_FILE_MAX, &text, &len) != 0) {
		add_error(ld, line, "hours.holidays: cannot read \"%s\": %s", ld->c->hours.holidays,
			  strerror(errno));
		return;
	}
	cal c;
	cal_week week;
	conf_week(ld->c, &week);
	cal_init(&c, &week);
	int bad = 0;
	cal_err e = cal_load_holidays(&c, text, len, &bad);
	free(text);
	if (e != CAL_OK)
		add_error(ld, line, "hours.holidays: %s:%d: %s", ld->c->hours.holidays, bad,
			  cal_err_name(e));
}

/* Checks that need the whole file: missing keys, cross-field rules, defaults. */
static void finish(struct loader *ld)
{
	conf *c = ld->c;
	int last = ld->lineno > 0 ? ld->lineno : 1;
	size_t i;
	size_t warn = (size_t)(find_key("session", "idle_warning") - KEYS);
	size_t timeout = (size_t)(find_key("session", "idle_timeout") - KEYS);
	size_t window = (size_t)(find_key("display", "window") - KEYS);

	for (i = 0; i < N_KEYS; i++) {
		const struct conf_key *k = &KEYS[i];
		int s = find_section(k->section);

		if (k->required && !ld->key_line[i])
			add_error(ld, ld->sect_line[s] ? ld->sect_line[s] : last,
				  "%s.%s: required key is missing", k->section, k->name);
	}
	if (ld->key_ok[warn] && ld->key_ok[timeout] &&
	    c->session.idle_warning_s >= c->session.idle_timeout_s)
		add_error(ld, ld->key_line[warn],
			  "session.idle_warning: must be less than session.idle_timeout "
			  "(%d seconds), got %d",
			  c->session.idle_timeout_s, c->session.idle_warning_s);
	size_t base = (size_t)(find_key("central", "retry_base_ms") - KEYS);
	size_t cap = (size_t)(find_key("central", "retry_cap_ms") - KEYS);
	if ((ld->key_ok[cap] || ld->key_ok[base]) && c->central.retry_cap_ms < c->central.retry_base_ms)
		add_error(ld, ld->key_line[cap],
			  "central.retry_cap_ms: must be at least central.retry_base_ms (%d), got %d",
			  c->central.retry_base_ms, c->central.retry_cap_ms);
	size_t lock = (size_t)(find_key("staff", "lockout_seconds") - KEYS);
	size_t lmax = (size_t)(find_key("staff", "lockout_max_seconds") - KEYS);
	if ((ld->key_ok[lock] || ld->key_ok[lmax]) && c->staff.lockout_max_s < c->staff.lockout_s)
		add_error(ld, ld->key_line[lmax] ? ld->key_line[lmax] : ld->key_line[lock],
			  "staff.lockout_max_seconds: must be at least staff.lockout_seconds (%d), got %d",
			  c->staff.lockout_s, c->staff.lockout_max_s);
	size_t hol = (size_t)(find_key("hours", "holidays") - KEYS);
	if (ld->key_ok[hol])
		check_holidays(ld, ld->key_line[hol]);
	if (!ld->key_line[window]) {
		bool portrait = c->display.orientation == CONF_PORTRAIT;
		c->display.window_w = portrait ? 540 : 960;
		c->display.window_h = portrait ? 960 : 540;
	}
}

void conf_defaults(conf *out)
{
	memset(out, 0, sizeof *out);
	out->kiosk.language = 0;
	out->display.fullscreen = true;
	out->display.orientation = CONF_PORTRAIT;
	out->display.window_w = 540;
	out->display.window_h = 960;
	out->session.idle_timeout_s = 90;
	out->session.idle_warning_s = 20;
	out->reader.type = CONF_READER_SIM;
	out->log.level = 2; /* info */
	out->storage.retention_days = 30;
	out->diag.min_free_disk_mb = 200;
	out->reader.timeout_ms = 3000;
	out->central.timeout_ms = 15000;
	out->central.retry_base_ms = 1000;
	out->central.retry_cap_ms = 300000;
	out->central.poll_s = 30;
	out->complaints.escalate_after_h = 16;
	out->staff.idle_logout_s = 120;
	out->staff.pin_attempts = 5;
	out->staff.lockout_s = 60;
	out->staff.lockout_max_s = 3600;
}

int conf_load(conf *out, const char *path, FILE *errors)
{
	struct loader ld = {.c = out, .errors = errors, .cur = SECT_NONE};
	struct stat st;
	const char *slash;
	int fd, r;

	conf_defaults(out);
	if (strlen(path) >= sizeof out->path) {
		if (errors)
			fprintf(errors, "%s: cannot open: name too long, at most %zu characters\n",
				path, sizeof out->path - 1);
		return -1;
	}
	strcpy(out->path, path);

	/* O_NONBLOCK: opening a FIFO named by mistake must not hang start-up. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    !(ld.fp = fdopen(fd, "r"))) {
		const char *why = fd >= 0 && !S_ISREG(st.st_mode) ? "not a regular file"
								  : strerror(errno);
		if (errors)
			fprintf(errors, "%s: cannot open: %s\n", path, why);
		if (fd >= 0)
			close(fd);
		return -1;
	}

	slash = strrchr(path, '/');
	if (!slash)
		strcpy(ld.dir, ".");
	else if (slash == path)
		strcpy(ld.dir, "/");
	else
		snprintf(ld.dir, sizeof ld.dir, "%.*s", (int)(slash - path), path);

	r = ini_parse_stream(conf_reader, &ld, ini_handler_cb, &ld);
	fclose(ld.fp);
	if (r == -2)
		add_error(&ld, ld.lineno, "out of memory while parsing");
	else if (r > 0 && ld.nerr == 0)
		/* inih disagreed with the reader's checks; not expected, never ignored. */
		add_error(&ld, r, "syntax error");
	finish(&ld);
	if (errors)
		flush_errors(&ld);
	return ld.nerr;
}

void conf_fmt_time(uint16_t minutes, char *buf, size_t len)
{
	snprintf(buf, len, "%02u.%02u", (unsigned)(minutes / 60), (unsigned)(minutes % 60));
}

int conf_fmt_day(const conf_day *day, char *buf, size_t len)
{
	size_t used = 0;
	int i;

	if (len)
		buf[0] = '\0';
	for (i = 0; i < day->n; i++) {
		char a[8], b[8];
		int r;

		conf_fmt_time(day->w[i].start, a, sizeof a);
		conf_fmt_time(day->w[i].end, b, sizeof b);
		r = snprintf(used < len ? buf + used : NULL, used < len ? len - used : 0,
			     "%s%s-%s", i ? ", " : "", a, b);
		if (r < 0)
			return -1;
		used += (size_t)r;
	}
	return (int)used;
}

void conf_print_keys(FILE *out)
{
	size_t i;

	for (i = 0; i < N_KEYS; i++) {
		char name[48];
		snprintf(name, sizeof name, "%s.%s", KEYS[i].section, KEYS[i].name);
		fprintf(out, "%-24s %-8s  %s\n", name, KEYS[i].required ? "required" : "optional",
			KEYS[i].help);
	}
}

/* ---- the effective configuration, masked ---------------------------------- */

/* "HH:MM-HH:MM,..." as the file writes it, or "closed". */
static void fmt_day_conf(const conf_day *d, char *buf, size_t n)
{
	size_t used = 0;

	snprintf(buf, n, "%s", d->n == 0 ? "closed" : "");
	for (int i = 0; i < d->n && used < n; i++)
		used += (size_t)snprintf(buf + used, n - used, "%s%02u:%02u-%02u:%02u", i ? "," : "",
					 (unsigned)(d->w[i].start / 60), (unsigned)(d->w[i].start % 60),
					 (unsigned)(d->w[i].end / 60), (unsigned)(d->w[i].end % 60));
}

/* ITEMS[0..N) of STRIDE bytes each, NUL-terminated texts, joined by SEP. */
static void fmt_list(const char *items, size_t stride, int count, const char *sep, char *buf, size_t n)
{
	size_t used = 0;

	snprintf(buf, n, "%s", "");
	for (int i = 0; i < count && used < n; i++)
		used += (size_t)snprintf(buf + used, n - used, "%s%s", i ? sep : "",
					 items + (size_t)i * stride);
}

void conf_mask_url(const char *url, char *buf, size_t n)
{
	const char *host = strstr(url, "://");
	host = host ? host + 3 : url;
	size_t hlen = strcspn(host, "/?#");
	const char *at = memchr(host, '@', hlen);
	if (at == NULL)
		snprintf(buf, n, "%s", url);
	else
		snprintf(buf, n, "%.*s***@%s", (int)(host - url), url, at + 1);
}

/*
 * The value of K in C as the file would write it, with secrets masked:
 * the pin shows only how many keys are pinned, a URL's credentials are
 * stars. The secret file is a path (shown); its contents are never read.
 */
static void fmt_value(const conf *c, const struct conf_key *k, char *buf, size_t n)
{
	static const char *const levels[] = {"error", "warn", "info", "debug"};
	const char *f = (const char *)c + k->off;

	if (k->parse == parse_language) {
		snprintf(buf, n, "%s", c->kiosk.language ? "en" : "id");
	} else if (k->parse == parse_bool) {
		snprintf(buf, n, "%s", c->display.fullscreen ? "yes" : "no");
	} else if (k->parse == parse_orientation) {
		snprintf(buf, n, "%s", c->display.orientation == CONF_LANDSCAPE ? "landscape" : "portrait");
	} else if (k->parse == parse_window) {
		snprintf(buf, n, "%dx%d", c->display.window_w, c->display.window_h);
	} else if (k->parse == parse_reader_type) {
		snprintf(buf, n, "%s", c->reader.type == CONF_READER_USB ? "usb" : "sim");
	} else if (k->parse == parse_allow) {
		size_t used = 0;
		snprintf(buf, n, "%s", c->reader.n_allow ? "" : "any CCID reader");
		for (int i = 0; i < c->reader.n_allow && used < n; i++)
			used += (size_t)snprintf(buf + used, n - used, "%s%04x:%04x", i ? ", " : "",
						 c->reader.allow[i].vid, c->reader.allow[i].pid);
	} else if (k->parse == parse_day) {
		fmt_day_conf((const conf_day *)(const void *)f, buf, n);
	} else if (k->parse == parse_phones) {
		fmt_list(c->complaints.phones[0], sizeof c->complaints.phones[0], c->complaints.n_phones,
			 "; ", buf, n);
	} else if (k->parse == parse_export_dirs) {
		fmt_list(c->diag.export_dirs[0], sizeof c->diag.export_dirs[0], c->diag.n_export_dirs,
			 "; ", buf, n);
	} else if (k->parse == parse_log_level) {
		snprintf(buf, n, "%s", c->log.level >= 0 && c->log.level <= 3 ? levels[c->log.level] : "?");
	} else if (k->parse == parse_pin) {
		int keys = 0;
		for (const char *p = c->central.pin; (p = strstr(p, "sha256//")) != NULL; p += 8)
			keys++;
		if (keys == 0)
			snprintf(buf, n, "%s", "");
		else
			snprintf(buf, n, "sha256//... (set: %d key%s pinned)", keys, keys == 1 ? "" : "s");
	} else if (k->parse == parse_url) {
		conf_mask_url(f, buf, n);
	} else if (k->size == sizeof(int)) {
		/* Every other fixed-size field is a count (parse_count, parse_seconds). */
		snprintf(buf, n, "%d", *(const int *)(const void *)f);
	} else {
		snprintf(buf, n, "%s", f);
	}
}

void conf_write_masked(const conf *c, FILE *out)
{
	char value[LINE_CAP * 2];

	for (size_t i = 0; i < N_KEYS; i++) {
		fmt_value(c, &KEYS[i], value, sizeof value);
		fprintf(out, "%s.%s = %s\n", KEYS[i].section, KEYS[i].name, value[0] ? value : "(not set)");
	}
}

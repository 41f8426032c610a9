/*
 * log: leveled one-line diagnostics on stderr; the contract is in log.h.
 *
 * Each call formats its whole line into a 1024-byte stack buffer and hands
 * it to stdio in one fwrite(), so lines from different threads never mix
 * (stderr is unbuffered and stdio locks the stream per call). Under systemd
 * (JOURNAL_STREAM set) a line is "<N>module: message" with the sd-daemon
 * priority N (3 error, 4 warning, 6 info, 7 debug) and no timestamp, since
 * journald adds its own; otherwise it is
 * "YYYY-MM-DDTHH:MM:SSZ level module: message" in UTC, the level in lower
 * case as log_level_name() spells it. Line breaks inside a message become
 * spaces (one event, one line; trailing ones are dropped), and an over-long
 * line (more than 1023 bytes with its newline) is cut at a UTF-8 character
 * boundary and ends in "...". The last LOG_RECENT_MAX lines are also kept,
 * always in the timestamped form, in a ring under a mutex (log_recent).
 */
#include "log.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Set once at start-up before threads exist, read-only afterwards (log.h). */
static log_level log_current = LOG_INFO;

/* The ring of recent lines (log.h): NEXT is where the next line goes, N
 * how many are kept. Every access holds LOCK. */
static struct {
	pthread_mutex_t lock;
	char lines[LOG_RECENT_MAX][LOG_LINE_MAX];
	int next, n;
} log_ring = {.lock = PTHREAD_MUTEX_INITIALIZER};

static const char *const log_names[] = {"error", "warn", "info", "debug"};
static const int log_priority[] = {3, 4, 6, 7}; /* sd-daemon.h SD_ERR .. SD_DEBUG */

static int log_level_valid(log_level level)
{
	return level >= LOG_ERROR && level <= LOG_DEBUG;
}

void log_set_level(log_level level)
{
	if (!log_level_valid(level)) {
		fprintf(stderr, "log_set_level: invalid level %d\n", (int)level);
		abort();
	}
	log_current = level;
}

log_level log_get_level(void)
{
	return log_current;
}

const char *log_level_name(log_level level)
{
	return log_level_valid(level) ? log_names[level] : "?";
}

int log_level_parse(const char *s, log_level *out)
{
	if (s == NULL)
		return -1;
	for (int i = LOG_ERROR; i <= LOG_DEBUG; i++) {
		if (strcmp(s, log_names[i]) == 0) {
			*out = (log_level)i;
			return 0;
		}
	}
	return -1;
}

/* "YYYY-MM-DDTHH:MM:SSZ" of now, UTC, into TS (at least 21 bytes). */
static void utc_stamp(char *ts, size_t cap)
{
	struct tm tm;
	time_t now = time(NULL);

	if (gmtime_r(&now, &tm) == NULL || strftime(ts, cap, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(ts, cap, "%s", "0000-00-00T00:00:00Z");
}

/* Keep LINE[0..LEN) (no newline) in the ring. */
static void ring_add(const char *line, size_t len)
{
	pthread_mutex_lock(&log_ring.lock);
	char *slot = log_ring.lines[log_ring.next];
	memcpy(slot, line, len);
	slot[len] = '\0';
	log_ring.next = (log_ring.next + 1) % LOG_RECENT_MAX;
	if (log_ring.n < LOG_RECENT_MAX)
		log_ring.n++;
	pthread_mutex_unlock(&log_ring.lock);
}

int log_recent(char lines[][LOG_LINE_MAX], int max)
{
	pthread_mutex_lock(&log_ring.lock);
	int n = max < log_ring.n ? max : log_ring.n;
	if (n < 0)
		n = 0;
	/* The newest N, oldest first: they start N slots before NEXT. */
	for (int i = 0; i < n; i++) {
		int slot = (log_ring.next - n + i + LOG_RECENT_MAX) % LOG_RECENT_MAX;
		memcpy(lines[i], log_ring.lines[slot], LOG_LINE_MAX);
	}
	pthread_mutex_unlock(&log_ring.lock);
	return n;
}

/*
 * Format "PREFIX" then the message into BUF (LOG_LINE_MAX bytes) as one
 * line without its newline: line breaks inside become spaces, trailing
 * ones are dropped, an over-long message is cut at a UTF-8 boundary and
 * ends in "...". Returns the length (at most LOG_LINE_MAX - 2, leaving room
 * for the newline and the NUL).
 */
static size_t format_line(char *buf, const char *prefix, const char *fmt, va_list ap)
{
	size_t pre, len;
	int n = snprintf(buf, LOG_LINE_MAX, "%s", prefix);

	pre = n < 0 ? 0 : (size_t)n;
	if (pre > LOG_LINE_MAX - 2)
		pre = LOG_LINE_MAX - 2; /* an absurd module name; cut below */

	/* Room is left for the newline; n is the length the message wanted. */
	n = vsnprintf(buf + pre, LOG_LINE_MAX - 1 - pre, fmt, ap);
	if (n < 0) { /* an encoding error: keep the prefix */
		n = 0;
		buf[pre] = '\0';
	}
	len = pre + (size_t)n;

	if (len > LOG_LINE_MAX - 2) {
		/* Cut so the line, "..." and the newline fit, backing off to the
		 * start of a UTF-8 character so journald shows no broken glyph. */
		len = LOG_LINE_MAX - 2 - 3;
		while (len > pre && ((unsigned char)buf[len] & 0xc0) == 0x80)
			len--;
		memcpy(buf + len, "...", 3);
		len += 3;
	} else {
		/* The line gets its own newline: a caller's trailing one is not a
		 * line break inside the message. */
		while (len > pre && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
			len--;
	}
	for (size_t i = pre; i < len; i++)
		if (buf[i] == '\n' || buf[i] == '\r')
			buf[i] = ' ';
	buf[len] = '\0';
	return len;
}

void log_msg(log_level level, const char *module, const char *fmt, ...)
{
	char buf[LOG_LINE_MAX], prefix[LOG_LINE_MAX], ts[32];
	const char *js;
	size_t len;
	va_list ap;
	int saved_errno = errno; /* callers may log between a failure and its errno check */

	if (!log_level_valid(level))
		level = LOG_ERROR; /* a caller's bug, but its message must not be lost */
	if (level > log_current)
		return;
	if (module == NULL)
		module = "?";

	/* The ring always keeps the timestamped form: the System page has no
	 * journal to add the time. */
	utc_stamp(ts, sizeof ts);
	snprintf(prefix, sizeof prefix, "%s %s %s: ", ts, log_names[level], module);
	va_start(ap, fmt);
	len = format_line(buf, prefix, fmt, ap);
	va_end(ap);
	ring_add(buf, len);

	js = getenv("JOURNAL_STREAM");
	if (js != NULL && *js != '\0') {
		snprintf(prefix, sizeof prefix, "<%d>%s: ", log_priority[level], module);
		va_start(ap, fmt);
		len = format_line(buf, prefix, fmt, ap);
		va_end(ap);
	}
	buf[len++] = '\n';
	fwrite(buf, 1, len, stderr);
	errno = saved_errno;
}

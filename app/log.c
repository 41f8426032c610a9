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
 * boundary and ends in "...".
 */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { LOG_LINE_MAX = 1024 }; /* bytes per line, newline and NUL included */

/* Set once at start-up before threads exist, read-only afterwards (log.h). */
static log_level log_current = LOG_INFO;

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

void log_msg(log_level level, const char *module, const char *fmt, ...)
{
	char buf[LOG_LINE_MAX];
	const char *js;
	size_t pre, len;
	va_list ap;
	int n, saved_errno = errno; /* callers may log between a failure and its errno check */

	if (!log_level_valid(level))
		level = LOG_ERROR; /* a caller's bug, but its message must not be lost */
	if (level > log_current)
		return;
	if (module == NULL)
		module = "?";

	js = getenv("JOURNAL_STREAM");
	if (js != NULL && *js != '\0') {
		n = snprintf(buf, sizeof(buf), "<%d>%s: ", log_priority[level], module);
	} else {
		struct tm tm;
		time_t now = time(NULL);
		char ts[32];

		if (gmtime_r(&now, &tm) == NULL ||
		    strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
			snprintf(ts, sizeof(ts), "%s", "0000-00-00T00:00:00Z");
		n = snprintf(buf, sizeof(buf), "%s %s %s: ", ts, log_names[level], module);
	}
	pre = n < 0 ? 0 : (size_t)n;
	if (pre > sizeof(buf) - 2)
		pre = sizeof(buf) - 2; /* an absurd module name; cut below */

	/* Room is left for the newline; n is the length the message wanted. */
	va_start(ap, fmt);
	n = vsnprintf(buf + pre, sizeof(buf) - 1 - pre, fmt, ap);
	va_end(ap);
	if (n < 0) { /* an encoding error: keep the prefix */
		n = 0;
		buf[pre] = '\0';
	}
	len = pre + (size_t)n;

	if (len > sizeof(buf) - 2) {
		/* Cut so the line, "..." and the newline fit, backing off to the
		 * start of a UTF-8 character so journald shows no broken glyph. */
		len = sizeof(buf) - 2 - 3;
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
	buf[len++] = '\n';

	fwrite(buf, 1, len, stderr);
	errno = saved_errno;
}

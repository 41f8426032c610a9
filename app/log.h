/*
 * log: leveled diagnostics to stderr, where journald collects them.
 *
 * When stderr is connected to the journal (JOURNAL_STREAM is set) each line
 * starts with the sd-daemon priority prefix ("<3>") so journald keeps the
 * level; otherwise lines carry a UTC timestamp and the level name.
 *
 * Rule: never pass personal data (NIK, names, addresses, phone numbers,
 * e-mail addresses, card contents) to these functions. Log ticket numbers,
 * states, counts and error codes instead.
 *
 * Process-wide state, besides signal flags: the level, set once at start-up
 * before any thread starts and only read afterwards; and a ring of the
 * last LOG_RECENT_MAX lines written, for the technician's System page,
 * which every thread that logs writes under its own mutex.
 */
#ifndef KIOSK_LOG_H
#define KIOSK_LOG_H

typedef enum { LOG_ERROR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 } log_level;

enum {
	LOG_LINE_MAX = 1024, /* bytes of one line, newline and NUL included */
	LOG_RECENT_MAX = 64, /* lines the ring of recent lines keeps */
};

/* Messages above LEVEL are dropped. Default LOG_INFO. */
void log_set_level(log_level level);
log_level log_get_level(void);

/* "error", "warn", "info", "debug" */
const char *log_level_name(log_level level);

/* Parse a level name; returns 0, or -1 when S is not one of the names above. */
int log_level_parse(const char *s, log_level *out);

/* One line: MODULE is a short subsystem name ("app", "ui", "conf"). */
void log_msg(log_level level, const char *module, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Copy the newest lines written (at most MAX, at most LOG_RECENT_MAX),
 * oldest first, into LINES. Each is a whole line as written but always in
 * the plain form, "YYYY-MM-DDTHH:MM:SSZ level module: message" (UTC, also
 * under journald), without its newline, NUL-terminated. Lines below the
 * level are not written, so not kept. Returns how many were copied (0 when
 * MAX <= 0). Thread-safe; waits only for a log_msg() in progress.
 */
int log_recent(char lines[][LOG_LINE_MAX], int max);

#define log_error(mod, ...) log_msg(LOG_ERROR, (mod), __VA_ARGS__)
#define log_warn(mod, ...) log_msg(LOG_WARN, (mod), __VA_ARGS__)
#define log_info(mod, ...) log_msg(LOG_INFO, (mod), __VA_ARGS__)
#define log_debug(mod, ...) log_msg(LOG_DEBUG, (mod), __VA_ARGS__)

#endif

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
 * The level is the one piece of process-wide state besides signal flags: it
 * is set once at start-up, before any thread starts, and only read afterwards.
 */
#ifndef KIOSK_LOG_H
#define KIOSK_LOG_H

typedef enum { LOG_ERROR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 } log_level;

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

#define log_error(mod, ...) log_msg(LOG_ERROR, (mod), __VA_ARGS__)
#define log_warn(mod, ...) log_msg(LOG_WARN, (mod), __VA_ARGS__)
#define log_info(mod, ...) log_msg(LOG_INFO, (mod), __VA_ARGS__)
#define log_debug(mod, ...) log_msg(LOG_DEBUG, (mod), __VA_ARGS__)

#endif

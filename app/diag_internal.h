/*
 * diag_internal: what the check files of diag (diag_reader.c, diag_display.c,
 * diag_network.c, diag_storage.c, diag_system.c) share with diag.c. Not for
 * the rest of the kiosk: use diag.h.
 */
#ifndef KIOSK_DIAG_INTERNAL_H
#define KIOSK_DIAG_INTERNAL_H

#include "diag.h"

/*
 * Append one check to R: NAME, status S, VALUE (may be NULL: "") and the
 * reason printf-style. Both texts are cut at their arrays. When R is full
 * the last slot becomes "diag.truncated" (fail) and the check is dropped.
 */
void diag_add(diag_report *r, const char *name, diag_status s, const char *value, const char *reason_fmt,
	      ...) __attribute__((format(printf, 5, 6)));

/* Texts the checks share (diag_system.c), each into BUF (CAP bytes, always
 * NUL-terminated when CAP > 0):
 * a duration of S seconds (negative: its size) as "42 s", "5 min", "3 h 0 min", "2 d 3 h";
 * a size as "812 B", "96.0 KiB", "3.2 MiB", "1.2 GiB";
 * an epoch time in WIB (UTC+7, the kiosk's zone) as STYLE says. */
void diag_fmt_duration(int64_t s, char *buf, size_t cap);
void diag_fmt_bytes(int64_t bytes, char *buf, size_t cap);
typedef enum {
	DIAG_TIME_DATE,   /* "2026-11-24" */
	DIAG_TIME_MINUTE, /* "2026-11-24 09:00 WIB" */
	DIAG_TIME_SECOND, /* "2026-11-24 09:00:05 WIB" */
	DIAG_TIME_STAMP,  /* "20261124-090005", for file names */
} diag_time_style;
void diag_fmt_time(int64_t when, diag_time_style style, char *buf, size_t cap);

/* Each area's checks, in the order they are run and shown. */
void diag_reader_checks(const diag_env *env, diag_report *r);
void diag_display_checks(const diag_env *env, diag_report *r);
void diag_network_checks(const diag_env *env, diag_report *r);
void diag_storage_checks(const diag_env *env, diag_report *r);
void diag_system_checks(const diag_env *env, diag_report *r);

#endif

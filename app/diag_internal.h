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

/* Each area's checks, in the order they are run and shown. */
void diag_reader_checks(const diag_env *env, diag_report *r);
void diag_display_checks(const diag_env *env, diag_report *r);
void diag_network_checks(const diag_env *env, diag_report *r);
void diag_storage_checks(const diag_env *env, diag_report *r);
void diag_system_checks(const diag_env *env, diag_report *r);

#endif

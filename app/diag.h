/*
 * diag: the technician's checks, one model for the diagnostics screen and
 * for `kiosk --diagnose [--json]` (issue 7).
 *
 * A check has a stable dotted name ("network.clock"), a status (ok, warn,
 * fail), the value it measured ("+10802 s") and a plain-language reason a
 * technician can act on ("the kiosk's clock is 3 h 0 min behind the
 * server's: signed exchanges are refused beyond 5 minutes"). Values and
 * reasons are English (they go into reports and the technician's tools);
 * the screen shows them as they are, its own labels are in the catalog.
 *
 * Checks never read or print personal data: no card contents, no request
 * fields, only counts, states, ticket-free figures and facts about devices.
 *
 * diag_run() runs every check of the areas asked for, in a fixed order, and
 * blocks: the network checks wait up to [central] timeout_ms. The kiosk
 * runs it on a worker thread (diag_job) so the screen never freezes.
 */
#ifndef KIOSK_DIAG_H
#define KIOSK_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "conf.h"
#include "reader.h"

typedef enum { DIAG_OK = 0, DIAG_WARN = 1, DIAG_FAIL = 2 } diag_status;

enum {
	DIAG_NAME_MAX = 32,    /* "storage.integrity" and its NUL */
	DIAG_VALUE_MAX = 96,
	DIAG_REASON_MAX = 240,
	DIAG_CHECKS_MAX = 32,
};

typedef struct diag_check {
	char name[DIAG_NAME_MAX];
	diag_status status;
	char value[DIAG_VALUE_MAX];
	char reason[DIAG_REASON_MAX];
} diag_check;

/* The areas, one bit each; a page of the screen shows one. */
typedef enum {
	DIAG_AREA_READER = 1 << 0,
	DIAG_AREA_DISPLAY = 1 << 1, /* display and touch panel */
	DIAG_AREA_NETWORK = 1 << 2, /* central service and sync queue */
	DIAG_AREA_STORAGE = 1 << 3,
	DIAG_AREA_SYSTEM = 1 << 4,
	DIAG_AREA_ALL = 0x1F,
} diag_area;

typedef struct diag_report {
	int64_t started;   /* epoch s */
	int duration_ms;   /* how long the checks took */
	char kiosk_id[33];
	char version[32];
	int n;
	diag_check checks[DIAG_CHECKS_MAX];
} diag_report;

/* What the checks look at. Every pointer is borrowed for the call (the job
 * copies what it keeps). */
typedef struct diag_env {
	const conf *cfg;
	const char *db_path;     /* NULL: cfg->storage.database */
	const char *central_url; /* NULL: cfg->central.url */
	/* The reader. A running kiosk passes the reader thread's snapshot
	 * (READER_LIVE, not NULL) and the checks only read it: the thread owns
	 * the transport. Without one (kiosk --diagnose) the checks open the
	 * reader themselves and probe it, with CARD_PATH (reader type sim, may
	 * be NULL: no card) as the card on the simulated reader. */
	const reader_status *reader_live;
	const char *card_path;
	/* The display. A running kiosk passes what it measured; without it
	 * (HAVE_DISPLAY false) the checks ask SDL whether a display and a
	 * touch panel can be found at all. */
	bool have_display;
	int display_w, display_h, refresh_hz, touch_devices;
	double frame_ms_p50, frame_ms_p99; /* measured frame times, 0: none yet */
	int64_t uptime_s;                  /* -1: not running (kiosk --diagnose) */
} diag_env;

/* "ok", "warn", "fail"; "?" out of range. */
const char *diag_status_name(diag_status s);

/*
 * Run the checks of AREAS (diag_area bits) into *OUT (zeroed first; at most
 * DIAG_CHECKS_MAX, extra checks are dropped with a last "diag.truncated"
 * fail). Blocks (see above). Never fails as a whole: what cannot be checked
 * is a check that fails with its reason.
 */
void diag_run(const diag_env *env, unsigned areas, diag_report *out);

/* The worst status in R (DIAG_OK for an empty report). */
diag_status diag_worst(const diag_report *r);
/* The check named NAME in R, or NULL. */
const diag_check *diag_find(const diag_report *r, const char *name);

/*
 * The report as text (a header, then one line per check: status, name,
 * value, reason) or as JSON ({"kiosk", "version", "started", "duration_ms",
 * "status", "checks": [{name, status, value, reason}]}) to OUT. Return 0, or
 * -1 when writing failed.
 */
int diag_write_text(const diag_report *r, FILE *out);
int diag_write_json(const diag_report *r, FILE *out);

/*
 * Write the readiness report into directory DIR as two files,
 * "kesiapan-<kiosk>-<YYYYMMDD-HHMMSS>.txt" and ".json" (time of R->started,
 * WIB), created exclusively with mode 0644, written and fsynced. BASE (OUT,
 * CAP bytes) gets the path without the extension. Returns 0, or -1 with a
 * plain reason in WHY (WCAP bytes): the directory is missing or not
 * writable, the disk is full. Nothing half-written is left behind.
 */
int diag_export(const diag_report *r, const char *dir, char *base, size_t cap, char *why, size_t wcap);

/* ---- the kiosk's worker ------------------------------------------------- */

typedef struct diag_job diag_job;

/*
 * Start diag_run(ENV, AREAS) on a new thread; ENV and what it points to are
 * copied (CFG stays borrowed and must outlive the job). WAKE(CTX) is called
 * from the worker when the report is ready (may be NULL). Returns 0, or -1
 * when the thread cannot start (*OUT NULL).
 */
int diag_job_start(diag_job **out, const diag_env *env, unsigned areas, void (*wake)(void *), void *ctx);

/* True once the report is ready; then copies it into *OUT. Never blocks. */
bool diag_job_done(diag_job *j, diag_report *out);

/* Join the worker (waits for a running check to end: at most the central
 * timeout) and free; *J NULL. J or *J may be NULL. */
void diag_job_free(diag_job **j);

#endif

/*
 * tech: the technician's diagnostics screen (issue 7), its state and the
 * drawing its pages share.
 *
 * Staff mode with the technician role opens it from the staff home. It
 * runs every check of diag.h on a worker thread (diag_job: the screen never
 * waits for a check) and shows them by area on six pages chosen with chips:
 * reader, touch panel, display, network and sync, storage, system. Each
 * page shows its area's checks (tech_checks) and what it can show live: the
 * reader's descriptor and counters with a test read, a touch grid, colour
 * bars and frame times, the outbox and its dead letters, the configuration
 * and the recent log. Below every page: run the checks again, export the
 * readiness report, restart the kiosk. scr_tech.c draws the frame, one
 * scr_tech_*.c file each page.
 *
 * The state lives in struct app (a->tech), not in staff mode's struct admin:
 * the worker thread may still be running when staff mode ends, and joining
 * it there could freeze the screen for the central service's timeout.
 * Ending staff mode calls tech_reset(), which drops what the pages showed
 * and lets a running job finish on its own; tech_close() joins it when the
 * kiosk closes. Nothing here holds personal data: the checks never read
 * any, the test read only counts reads, and the dead letters show a ticket
 * and the central service's reason.
 */
#ifndef KIOSK_TECH_H
#define KIOSK_TECH_H

#include <stdbool.h>
#include <stdint.h>

#include "conf.h"
#include "diag.h"
#include "queue.h"
#include "ui.h"

struct app;

typedef enum tech_page {
	TECH_PAGE_READER,
	TECH_PAGE_TOUCH,
	TECH_PAGE_DISPLAY,
	TECH_PAGE_NETWORK, /* network and sync */
	TECH_PAGE_STORAGE,
	TECH_PAGE_SYSTEM,
	TECH_PAGE_COUNT
} tech_page;

typedef enum tech_dialog {
	TECH_DLG_NONE,
	TECH_DLG_EXPORT,  /* where to write the report */
	TECH_DLG_RESTART, /* "restart the kiosk?" */
	TECH_DLG_DISCARD, /* "discard dead letter N for good?" */
	TECH_DLG_MESSAGE, /* the result of an action: msg_title + msg */
} tech_dialog;

/* The test read on the reader page, judged by the reader's counters. */
typedef enum tech_read {
	TECH_READ_NONE,
	TECH_READ_WAITING,    /* asked; no counter moved yet */
	TECH_READ_OK,         /* reads_ok moved: the record was read */
	TECH_READ_UNREADABLE, /* only the UID */
	TECH_READ_FAILED,     /* the read failed: last_error says why */
	TECH_READ_NO_CARD,    /* nothing to read */
	TECH_READ_NO_READER,
} tech_read;

enum {
	TECH_GRID_MAX = 24,    /* cells per side of the touch grid, at most */
	TECH_EXPORT_DIRS = 12, /* folders the export dialog lists */
	TECH_LOG_LINES = 40,   /* recent log lines the system page shows */
	TECH_MSG_MAX = 640,
};

/* The touch page: what the fingers reached. The rectangles are where the
 * last frame drew the grid and the corner targets (design pixels), so the
 * loop can map raw finger points onto them between frames. */
typedef struct tech_touch {
	int cols, rows;
	ui_rect grid;
	bool painted[TECH_GRID_MAX][TECH_GRID_MAX]; /* [row][col] */
	ui_rect corner[4];                          /* top-left, top-right, bottom-left, bottom-right */
	bool corner_hit[4];
	int max_fingers; /* the most fingers down at once */
} tech_touch;

typedef struct tech_export_dir {
	char path[CONF_PATH_MAX];
	int64_t free_bytes; /* -1: unknown */
} tech_export_dir;

typedef struct tech {
	int page;      /* tech_page */
	diag_job *job; /* the checks running, or NULL */
	bool have_report;
	diag_report report; /* the last finished run */
	int64_t ran_at;     /* wall time (app_wall_time) the last run started */
	int64_t started_at; /* ... and the one running now */

	tech_read read;             /* the reader page's test read */
	unsigned long read_base[3]; /* reads_ok, reads_unreadable, reads_failed when asked */
	char read_error[96];        /* TECH_READ_FAILED: the reader's last error */

	tech_touch touch;

	tech_dialog dialog;
	int64_t discard_seq;                    /* TECH_DLG_DISCARD: the dead letter */
	char discard_what[96];                  /* ... as the dialog names it ("#12, Pengaduan") */
	tech_export_dir dirs[TECH_EXPORT_DIRS]; /* TECH_DLG_EXPORT: found when it opened */
	int n_dirs;
	const char *msg_title_key; /* TECH_DLG_MESSAGE */
	char msg[TECH_MSG_MAX];
	bool msg_bad;

	/* The network page's last action ("sent again: 1"), until the page changes. */
	char note[160];
	bool note_bad;
	/* The outbox's done and discarded counts walk the whole table (tens of
	 * ms on a store that has run for years): read at most every few
	 * seconds, and at once after an action (OUTBOX_READ_MS 0). */
	int64_t outbox_done, outbox_discarded;
	bool outbox_done_ok;
	uint64_t outbox_read_ms;

	/* The system page, read when it opens (heap, freed by tech_reset). */
	char *config_text; /* conf_write_masked() */
	char *log_text;    /* log_recent(), one line after another */
} tech;

/* ---- life cycle (the loop and staff mode) --------------------------------- */

/* Show the diagnostics screen on its reader page and run every check. */
void tech_open(struct app *a);

/* Start a run of every check unless one is running. False (and a message
 * dialog) when the worker cannot start. */
bool tech_run(struct app *a);

/* The loop, once per pump: take a finished run's report. True when one
 * arrived (a frame must show it). Never blocks. */
bool tech_pump(struct app *a);

/* Staff mode ended: forget what the pages showed (a running job finishes
 * on its own; its report is kept, it holds no personal data). */
void tech_reset(struct app *a);

/* The kiosk closes: join a running job (at most the central service's
 * timeout) and free everything. */
void tech_close(struct app *a);

/* A finger (any finger, not only the one the widgets follow) moved from
 * (X0, Y0) to (X1, Y1), design pixels (a press: the same point twice),
 * with FINGERS down now. Paints the touch page's grid and corners. */
void tech_finger(struct app *a, int x0, int y0, int x1, int y1, int fingers);

/* ---- what the pages share -------------------------------------------------- */

/* The page a check belongs to, by its name ("storage.wal": storage). */
tech_page tech_page_of(const char *check_name);

/* The worst status among page P's checks; false when the report has none. */
bool tech_page_worst(const tech *t, tech_page p, diag_status *out);

/* Colour of status S. */
ui_color tech_status_color(const struct app *a, diag_status s);

/* A status pill (✓ ! ✗ on its colour) in the square R. */
void tech_pill(struct app *a, diag_status s, ui_rect r);

/*
 * Page P's checks from the last report, one row each, taken from COL: the
 * pill, the check's name in the current language with its dotted name small
 * underneath, the value, and the reason (COMPACT: the reason only when not
 * ok). While the first run is going: "Memeriksa…".
 */
void tech_checks(struct app *a, ui_col *col, tech_page p, bool compact);

/* A section heading (catalog KEY) taken from COL. */
void tech_heading(struct app *a, ui_col *col, const char *key);

/* One "caption: value" fact of a page (caption a catalog key, VALUE raw
 * text) taken from COL, the caption in a left column. */
void tech_fact(struct app *a, ui_col *col, const char *key, const char *value);

/* A block of monospace-free raw lines TEXT (configuration, log) in the
 * small font taken from COL, on a tinted panel; EMPTY_KEY when TEXT is
 * NULL or empty. */
void tech_lines(struct app *a, ui_col *col, const char *text, const char *empty_key);

/* "12,3 GB", "512 MB", "80 kB" in the current language (frame arena). */
const char *tech_bytes(struct app *a, int64_t bytes);
/* "4,2 ms" (frame arena). */
const char *tech_ms(struct app *a, double ms);
/* "1,2 dtk": MS milliseconds as seconds (frame arena). */
const char *tech_secs(struct app *a, double ms);
/* "3 j 12 mnt", "45 dtk" (frame arena). */
const char *tech_duration(struct app *a, int64_t seconds);

/* A one-line note in COL (an action's result), in the warning colour when BAD. */
void tech_note(struct app *a, ui_col *col, const char *text, bool bad);

/* Open the message dialog: TITLE_KEY and the raw BODY. */
void tech_message(struct app *a, const char *title_key, const char *body, bool bad);

/* A confirmation dialog titled TITLE_KEY with the raw BODY, "Batal" and
 * YES_KEY (a danger button: what it confirms cannot be undone). Returns 1
 * when confirmed, -1 for "Batal", 0 while it stays open. */
int tech_confirm(struct app *a, const char *title_key, const char *body, const char *yes_key);

/*
 * A page's body in R: in landscape two finger-scrolled columns side by side
 * (the page's checks on the left, what it shows live on the right), in
 * portrait one column holding both. tech_body_begin opens the first column;
 * tech_body_next closes it and opens the second (portrait: a gap in the
 * same column); tech_body_end closes the body. Each page scrolls on its own.
 */
typedef struct tech_body {
	ui_rect r, view;
	ui_col col;
	bool second;
} tech_body;
ui_col *tech_body_begin(struct app *a, tech_body *b, ui_rect r);
ui_col *tech_body_next(struct app *a, tech_body *b);
void tech_body_end(struct app *a, tech_body *b);

/* ---- the pages (scr_tech_*.c), each in its rectangle R ---------------------- */

void tech_page_reader(struct app *a, ui_rect r);
void tech_page_touch(struct app *a, ui_rect r);
void tech_page_display(struct app *a, ui_rect r);
void tech_page_network(struct app *a, ui_rect r);
void tech_page_storage(struct app *a, ui_rect r);
void tech_page_system(struct app *a, ui_rect r);

/* The touch page's corner targets, drawn last over the whole screen (the
 * physical corners of the panel). */
void tech_touch_corners(struct app *a);

/* The network page's discard dialog (TECH_DLG_DISCARD). */
void tech_discard_dialog(struct app *a);

/*
 * Send dead letter SEQ (every dead letter when SEQ is 0) again: back to
 * pending (queue_outbox_revive), audited ("dead_letter_retry" or
 * "dead_letters_retry"), and the sync engine told. *N (may be NULL) gets
 * how many. Returns the store's answer. The staff home's retry uses it too.
 */
queue_err tech_dead_retry(struct app *a, int64_t seq, int64_t *n);

/* Leaving the network page, or opening the system page: refresh what the page
 * reads once (the configuration and the log). */
void tech_system_load(struct app *a);

#endif

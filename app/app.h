/*
 * app: the running kiosk. One struct app owns every module of the UI side
 * (window, renderer, widget context, catalogs, session, reader seam) and is
 * passed explicitly; there are no globals.
 *
 * The loop: wait for an event or the next timer (SDL_WaitEventTimeout where
 * the video driver can really wait, otherwise a poll() on the wake pipe),
 * feed pointer events one per frame to the widget layer, run frames until
 * nothing asks for another, and render + present only when the frame's
 * command list changed. In headless runs time is virtual and advances only
 * when the scenario runner says so.
 */
#ifndef KIOSK_APP_H
#define KIOSK_APP_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include <SDL.h>

#include "admin.h"
#include "cal.h"
#include "cat.h"
#include "conf.h"
#include "queue.h"
#include "engine.h"
#include "ccidsim.h"
#include "rdr.h"
#include "reader.h"
#include "render.h"
#include "screen.h"
#include "session.h"
#include "tech.h"
#include "theme.h"
#include "ui.h"
#include "usb.h"

typedef struct app_opts {
	bool headless;             /* dummy video driver, virtual clock, no waiting */
	const char *start_screen;  /* NULL = welcome */
	bool exit_after_first_frame; /* benchmarks: present once, print the time, exit */
	const char *db_path;       /* NULL = the configuration's storage.database */
	const char *central_url;   /* NULL = [central] url; also syncs headless runs */
	bool no_sync;              /* never start the sync engine */
} app_opts;

/* What the card reader did on the identify step. */
typedef enum {
	IDCARD_WAITING,    /* no card yet (or its data was taken) */
	IDCARD_READING,    /* a card is on the reader, its data not read yet */
	IDCARD_UNREADABLE, /* only its UID could be read: type the NIK */
	IDCARD_REFUSED,    /* read, but its NIK cannot be used (journey's error) */
	IDCARD_FAILED,     /* the read failed (card_error says how): tap again or type */
} identify_card;

/* Per-screen state that is not personal data (tabs, scroll positions). */
typedef struct app_screens {
	int info_tab;
	bool gallery_dialog;
	uint64_t goodbye_at;   /* when the goodbye screen returns to welcome */
	uint64_t identify_anim; /* start of the identify screen's card animation */
	identify_card card_state;
	int card_progress;     /* IDCARD_READING: 0..100 */
	rdr_err card_error;    /* IDCARD_FAILED: why */
	int submit_phase;      /* scr_submit: 0 saving, 2 failed */
	uint64_t submit_at;    /* scr_submit: when to write (after the frame shows) */
	int submit_error;      /* queue_err of the failed write */
	bool review_confirm;   /* the review's "data benar" box */
} app_screens;

/* Fingers on the glass, all of them (the widgets follow only the first). */
enum { APP_FINGERS_MAX = 10, APP_FRAME_RING = 128 };
typedef struct app_finger {
	SDL_FingerID id;
	int x, y; /* design pixels, last seen */
} app_finger;

typedef struct app {
	const conf *cfg;
	app_opts opts;
	cat *cat;
	theme th;
	SDL_Window *win;
	SDL_Renderer *sdl;
	render *rd;
	ui *ui;
	rdr_evq *rdr_q;
	ccidsim *sim;        /* reader type sim: the simulated reader (scenarios drive it) */
	usb *usb;            /* reader type usb */
	reader *reader;      /* the reader thread, on whichever of the two */
	bool reader_attached;
	/* Reader events handled, by type: the scenario runner waits on them. */
	unsigned long reader_seen[RDR_EV_TYPES];
	queue *q;  /* the request store (sync/queue.h) */
	sync_engine *sync;   /* NULL when not syncing (uplink.h) */
	sync_status sync_st; /* its status as of the last pump */
	cal cal;   /* service hours and holidays: deadlines and targets */

	bool native_wait; /* the video driver can sleep until input arrives */
	int wake_pipe[2];
	bool quit;

	uint64_t vclock_ms;   /* headless: virtual monotonic time */
	int64_t vwall_epoch;  /* headless: wall-clock seconds at vclock 0 */
	int win_w, win_h;

	screen_id screen;
	app_screens scr;
	session sess;
	admin adm;             /* staff mode (admin.h): off unless unlocked */
	uint64_t admin_next_ms; /* when staff mode's idle policy next changes */
	uint64_t adm_housekeep_ms; /* admin_housekeeping(): when it next runs */
	int idle_seconds_left;
	uint64_t idle_next_ms; /* when the idle policy next changes, from the last frame */

	bool in_frame;        /* between ui_begin and ui_end */
	bool end_pending;     /* a session end asked for mid-frame, done after it */
	bool dirty;           /* the last frame differs from what is presented */
	bool finger_down;     /* a finger is on the glass: others are ignored */
	SDL_FingerID finger;  /* ... and this is the one we follow */
	bool have_move;       /* a coalesced finger/mouse motion is pending */
	int move_x, move_y;
	uint64_t frames_presented;
	uint64_t frames_run;

	/* Every finger down (the touch test counts them; SDL_FINGERDOWN/UP). */
	app_finger fingers[APP_FINGERS_MAX];
	int n_fingers;
	/* Recent frame times, ms: building the frame, drawing and presenting it
	 * (headless runs draw only for screenshots). A ring: app_frame_times(). */
	float frame_ms[APP_FRAME_RING];
	int frame_n, frame_next;
	uint64_t frame_build_us; /* the last frame's building time */
	uint64_t started_ms;     /* app_now() when the kiosk opened: uptime */
	/* The technician asked for a restart (app_request_restart): app_run
	 * returned for it and main starts the kiosk again. */
	bool restart;
	tech tech;               /* the diagnostics screen (tech.h) */
	/* Headless: a folder the scenario runner mounted as a USB stick would
	 * be ("" none); the export dialog lists it with /media/... */
	char test_mount[CONF_PATH_MAX];
} app;

/*
 * Create the window and every UI module for configuration CFG (borrowed, must
 * outlive the app). Returns 0, or -1 after logging one line saying what failed
 * (SDL init, window, renderer, fonts, catalogs); *OUT is then NULL.
 */
int app_open(app **out, const conf *cfg, const app_opts *opts);
/* Wake the loop from another thread (the reader's, the sync engine's):
 * CTX is the app. Only thread-safe calls inside. */
void app_wake(void *ctx);

/* Wipe the session, close everything in reverse order, set *A to NULL. */
void app_close(app **a);

/* Run the interactive loop until SIGTERM/SIGINT or a restart request
 * (a->restart set: main starts the kiosk again). Returns the exit status. */
int app_run(app *a);

/* Drain pending SDL and reader events, run due frames, render if needed.
 * Never blocks. */
void app_pump(app *a);

/* Monotonic milliseconds (virtual in headless runs). */
uint64_t app_now(const app *a);
/* Headless: move virtual time forward by MS, running every due frame on the
 * way (countdowns, animations) exactly as real time would. */
void app_advance(app *a, uint64_t ms);

/* Seconds since the epoch, for the date and time shown (virtual when headless). */
int64_t app_wall_time(const app *a);

/* Switch screens: leaving for the welcome screen ends the session. */
void app_goto(app *a, screen_id s);
/* End the session: wipe form data, caches and screen state; back to welcome.
 * Asked for during a frame (a button), it happens right after that frame. */
void app_end_session(app *a);
/* Toggle Indonesian / English for the rest of the session. */
void app_set_lang(app *a, cat_lang lang);

/* Render the current frame and write it to PATH as PNG. Returns 0 or -1 with
 * a reason in ERR. */
int app_screenshot(app *a, const char *path, char *err, size_t errlen);

/* Convert design pixels to window pixels (the scenario runner taps with it). */
void app_to_window(const app *a, int dx, int dy, int *wx, int *wy);

/* Render and present one full frame now, unconditionally (benchmarks). */
void app_render_present(app *a);

/* The median and 99th percentile of the recent frame times (ms) into *P50
 * and *P99; both 0 before the first frame was drawn. */
void app_frame_times(const app *a, double *p50, double *p99);

/* Seconds since the kiosk opened (virtual in headless runs). */
int64_t app_uptime_s(const app *a);

/* The technician asked to restart the kiosk: set a->restart and end the
 * loop, so app_run returns and main starts the kiosk again. Headless runs
 * (scenarios) only log "restart requested" and set a->restart, and go on. */
void app_request_restart(app *a);

#endif

/*
 * app: window, event loop, frames and session life cycle (see app.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "log.h"
#include "png.h"
#include "readertest.h"
#include "uplink.h"

enum {
	MAX_FRAMES_PER_PUMP = 8, /* a frame may request another; bounded */
	MAX_WAIT_MS = 1000,      /* wake at least once a second (signals, clock) */
	READER_QUEUE = 32,
};

/* Headless runs show a fixed, plausible moment: Tuesday 2026-11-24 09:00 WIB. */
static const int64_t HEADLESS_EPOCH = 1795485600; /* 2026-11-24T02:00:00Z */

uint64_t app_now(const app *a) { return a->opts.headless ? a->vclock_ms : SDL_GetTicks64(); }

int64_t app_wall_time(const app *a)
{
	if (a->opts.headless)
		return a->vclock_ms / 1000 + a->vwall_epoch;
	return (int64_t)time(NULL);
}

static void set_hints(bool headless)
{
	/* With no GPU, SDL's default path loads Mesa (+110 MiB, 3x frame time):
	 * render in software straight into the window surface. */
	SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software");
	SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
	/* Touch is touch: do not also synthesise mouse events (double taps). */
	SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "0");
	SDL_SetHint(SDL_HINT_MOUSE_TOUCH_EVENTS, "0");
	/* A closed window is not a reason to quit: only SIGTERM/SIGINT are. */
	SDL_SetHint(SDL_HINT_QUIT_ON_LAST_WINDOW_CLOSE, "0");
	SDL_SetHint(SDL_HINT_ALLOW_ALT_TAB_WHILE_GRABBED, "0");
	SDL_SetHint(SDL_HINT_GRAB_KEYBOARD, "1");
	SDL_SetHint(SDL_HINT_VIDEO_MINIMIZE_ON_FOCUS_LOSS, "0");
	SDL_SetHint(SDL_HINT_VIDEO_ALLOW_SCREENSAVER, "0");
	if (headless)
		SDL_SetHint(SDL_HINT_VIDEODRIVER, "dummy");
}

/* (Re)open the renderer backend for the current output size. */
static int open_renderer(app *a)
{
	char err[256];
	const char *faces[3] = {a->cfg->fonts.regular, a->cfg->fonts.bold, a->cfg->fonts.symbols};
	render_close(&a->rd);
	if (render_open(&a->rd, a->sdl, &a->th, faces, a->win_w, a->win_h, err, sizeof err) != 0) {
		log_error("app", "%s", err);
		return -1;
	}
	if (a->ui)
		ui_set_measure(a->ui, render_measure, a->rd);
	return 0;
}

/* The window changed size (a window manager applied fullscreen, a display was
 * swapped): lay out and draw for the new size. */
static void resized(app *a)
{
	int w, h;
	SDL_GetRendererOutputSize(a->sdl, &w, &h);
	if (w == a->win_w && h == a->win_h)
		return;
	log_info("app", "output is now %dx%d", w, h);
	a->win_w = w;
	a->win_h = h;
	if (open_renderer(a) != 0) {
		log_error("app", "cannot draw at the new size; closing");
		a->quit = true;
		return;
	}
	ui_request_frame(a->ui);
	a->dirty = true;
}

/* Service hours from the configuration and the holiday table's file. */
static int open_calendar(app *a)
{
	cal_week week;
	conf_week(a->cfg, &week);
	cal_init(&a->cal, &week);
	const char *path = a->cfg->hours.holidays;
	char *text = NULL;
	size_t len = 0;
	if (conf_read_file(path, CONF_HOLIDAYS_FILE_MAX, &text, &len) != 0) {
		log_error("app", "cannot read the holiday table %s: %s", path, strerror(errno));
		return -1;
	}
	int line = 0;
	cal_err e = cal_load_holidays(&a->cal, text, len, &line);
	free(text);
	if (e != CAL_OK) {
		log_error("app", "%s:%d: %s", path, line, cal_err_name(e));
		return -1;
	}
	return 0;
}

/* The request store; its folder is created when missing. */
static int open_store(app *a)
{
	const char *path = a->opts.db_path ? a->opts.db_path : a->cfg->storage.database;
	char dir[CONF_PATH_MAX];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			log_error("app", "cannot create %s: %s", dir, strerror(errno));
			return -1;
		}
	}
	/* The UI thread checkpoints after a session, never inside a submit. */
	queue_opts qo = {.manual_checkpoint = true};
	queue_err e = queue_open(&a->q, path, &qo);
	if (e != QUEUE_OK) {
		log_error("app", "cannot open the request store %s: %s", path, queue_err_name(e));
		return -1;
	}
	return 0;
}

/* On another thread: only thread-safe calls (SDL_PushEvent, write). */
void app_wake(void *ctx)
{
	app *a = ctx;
	if (a->native_wait) {
		SDL_Event ev = {.type = SDL_USEREVENT};
		SDL_PushEvent(&ev);
	} else {
		ssize_t w = write(a->wake_pipe[1], "r", 1);
		(void)w; /* a full pipe is already a wake-up */
	}
}

/* The card reader: the simulator or USB, and the thread reading it. A USB
 * stack that cannot start leaves the kiosk without a reader, not closed:
 * citizens type their NIK. */
static int open_reader(app *a)
{
	if (rdr_evq_new(&a->rdr_q, READER_QUEUE) != RDR_OK) {
		log_error("app", "out of memory");
		return -1;
	}
	rdr_evq_set_notify(a->rdr_q, app_wake, a);
	xport x;
	if (a->cfg->reader.type == CONF_READER_SIM) {
		if (ccidsim_new(&a->sim, NULL) != CCIDSIM_OK) {
			log_error("app", "out of memory");
			return -1;
		}
		x = ccidsim_xport(a->sim);
	} else {
		xport_err e = readertest_usb_new(a->cfg, &a->usb);
		if (e != XPORT_OK) {
			log_warn("app", "USB is not available (%s): running without a card reader",
				 xport_err_name(e));
			return 0;
		}
		x = usb_xport(a->usb);
	}
	reader_opts ro = {.timeout_ms = a->cfg->reader.timeout_ms, .card_slot = 0, .sam_slot = 1};
	if (reader_start(&a->reader, x, a->rdr_q, &ro) != RDR_OK) {
		log_error("app", "cannot start the card reader thread");
		return -1;
	}
	return 0;
}

int app_open(app **out, const conf *cfg, const app_opts *opts)
{
	*out = NULL;
	app *a = calloc(1, sizeof *a);
	if (!a) {
		log_error("app", "out of memory");
		return -1;
	}
	a->cfg = cfg;
	a->opts = *opts;
	a->wake_pipe[0] = a->wake_pipe[1] = -1;
	a->vwall_epoch = HEADLESS_EPOCH;
	session_wipe(&a->sess);
	theme_init(&a->th, cfg->display.orientation == CONF_LANDSCAPE);

	set_hints(opts->headless);
	if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
		log_error("app", "SDL_Init: %s", SDL_GetError());
		goto fail;
	}
	Uint32 flags = SDL_WINDOW_SHOWN;
	int w = cfg->display.window_w, h = cfg->display.window_h;
	if (opts->headless) {
		w = a->th.design_w; /* screenshots at full design resolution */
		h = a->th.design_h;
	} else if (cfg->display.fullscreen) {
		/* Created at the display's size, borderless, at 0,0: on a bare X
		 * server without a window manager nobody else would resize it. */
		SDL_DisplayMode dm;
		if (SDL_GetDesktopDisplayMode(0, &dm) == 0) {
			w = dm.w;
			h = dm.h;
		}
		flags |= SDL_WINDOW_FULLSCREEN_DESKTOP | SDL_WINDOW_BORDERLESS;
	}
	int pos = cfg->display.fullscreen && !opts->headless ? 0 : (int)SDL_WINDOWPOS_CENTERED;
	a->win = SDL_CreateWindow("Kiosk Layanan Sertifikat Elektronik", pos, pos, w, h, flags);
	if (!a->win) {
		log_error("app", "cannot create window: %s", SDL_GetError());
		goto fail;
	}
	a->sdl = SDL_CreateRenderer(a->win, -1, SDL_RENDERER_SOFTWARE);
	if (!a->sdl) {
		log_error("app", "cannot create software renderer: %s", SDL_GetError());
		goto fail;
	}
	SDL_GetRendererOutputSize(a->sdl, &a->win_w, &a->win_h);
	if (cfg->display.fullscreen && !opts->headless) {
		SDL_ShowCursor(SDL_DISABLE);
		SDL_SetWindowKeyboardGrab(a->win, SDL_TRUE);
	}
	const char *drv = SDL_GetCurrentVideoDriver();
	a->native_wait = drv && (strcmp(drv, "x11") == 0 || strcmp(drv, "wayland") == 0);

	if (cat_open(&a->cat, KIOSK_ASSETS_DIR "/i18n", stderr) != 0) {
		log_error("app", "string catalogs in %s are invalid", KIOSK_ASSETS_DIR "/i18n");
		goto fail;
	}
	if (open_renderer(a) != 0)
		goto fail;
	a->ui = ui_new(&a->th, a->cat, render_measure, a->rd);
	if (!a->ui) {
		log_error("app", "out of memory");
		goto fail;
	}
	ui_set_lang(a->ui, (cat_lang)cfg->kiosk.language);

	if (pipe2(a->wake_pipe, O_NONBLOCK | O_CLOEXEC) != 0) {
		log_error("app", "pipe: %s", strerror(errno));
		goto fail;
	}
	if (open_calendar(a) != 0 || open_store(a) != 0 || open_reader(a) != 0)
		goto fail;
	uplink_open(a);

	a->started_ms = app_now(a);
	a->screen = SCREEN_WELCOME;
	if (opts->start_screen) {
		screen_id s;
		if (screen_parse(opts->start_screen, &s) != 0) {
			log_error("app", "unknown screen '%s'", opts->start_screen);
			goto fail;
		}
		app_goto(a, s);
	}
	log_info("app", "kiosk %s ready: %dx%d %s, video driver %s, %s wait", cfg->kiosk.id,
		 a->win_w, a->win_h, a->th.landscape ? "landscape" : "portrait", drv ? drv : "?",
		 a->native_wait ? "native" : "poll");
	*out = a;
	return 0;
fail:
	app_close(&a);
	return -1;
}

void app_close(app **ap)
{
	if (!ap || !*ap)
		return;
	app *a = *ap;
	/* First: the reader and sync threads write to the queue and wake the loop. */
	reader_stop(&a->reader);
	uplink_close(a);
	tech_close(a);
	session_wipe(&a->sess);
	admin_wipe(&a->adm);
	queue_close(&a->q);
	ui_free(&a->ui);
	render_close(&a->rd);
	ccidsim_free(&a->sim);
	usb_free(&a->usb);
	rdr_evq_free(&a->rdr_q);
	cat_free(&a->cat);
	if (a->sdl)
		SDL_DestroyRenderer(a->sdl);
	if (a->win)
		SDL_DestroyWindow(a->win);
	for (int i = 0; i < 2; i++)
		if (a->wake_pipe[i] >= 0)
			close(a->wake_pipe[i]);
	SDL_Quit();
	free(a);
	*ap = NULL;
}

/* ---- session and screens ------------------------------------------------------ */

void app_end_session(app *a)
{
	if (a->in_frame) { /* never wipe the frame being built */
		a->end_pending = true;
		ui_request_frame(a->ui);
		return;
	}
	a->end_pending = false;
	if (a->adm.active) /* staff mode ends with the session it replaced */
		admin_audit(a, "logout", "", "");
	admin_wipe(&a->adm);
	tech_reset(a);
	bool was = a->sess.active;
	session_wipe(&a->sess);
	ui_wipe(a->ui);
	render_purge(a->rd);
	memset(&a->scr, 0, sizeof a->scr);
	ui_set_lang(a->ui, (cat_lang)a->cfg->kiosk.language);
	a->screen = SCREEN_WELCOME;
	ui_request_frame(a->ui);
	if (was) {
		log_info("app", "session ended; data wiped");
		/* Nobody waits now: move the WAL into the database. */
		queue_err e = queue_checkpoint(a->q);
		if (e != QUEUE_OK)
			log_warn("app", "store checkpoint postponed: %s", queue_err_name(e));
	}
}

void app_goto(app *a, screen_id s)
{
	const screen_def *def = screen_get(s);
	if (s == SCREEN_WELCOME) {
		app_end_session(a);
		return;
	}
	if (def->staff && s != SCREEN_STAFF_PIN && !a->adm.active) {
		log_warn("app", "staff screen %s refused: staff mode is off", def->name);
		app_end_session(a);
		return;
	}
	if (def->in_session && !a->sess.active) {
		session_begin(&a->sess, app_now(a));
		log_info("app", "session started");
	}
	ui_unfocus(a->ui);
	if (s == SCREEN_IDENTIFY && a->screen != s) {
		a->scr.identify_anim = 0; /* the animation again */
		/* A card already lying on the reader was read before the
		 * consent and its data dropped: read it again now. */
		if (a->reader)
			reader_request_read(a->reader);
	}
	a->screen = s;
	ui_request_frame(a->ui);
}

void app_set_lang(app *a, cat_lang lang)
{
	ui_set_lang(a->ui, lang);
	ui_request_frame(a->ui);
}

/* ---- frames -------------------------------------------------------------------- */

static uint64_t next_wake(app *a)
{
	uint64_t now = app_now(a);
	uint64_t wake = ui_next_wake(a->ui);
	/* Every touch runs a frame, so the idle deadline computed there is
	 * current; at worst it is early, which only costs a frame. */
	if (a->idle_next_ms < wake)
		wake = a->idle_next_ms;
	if (a->admin_next_ms < wake)
		wake = a->admin_next_ms;
	if (ui_frame_requested(a->ui))
		wake = now;
	/* The header clock shows minutes: redraw at the next minute boundary. */
	int64_t wall = app_wall_time(a);
	uint64_t minute = now + (uint64_t)(60 - wall % 60) * 1000u;
	return minute < wake ? minute : wake;
}

static void run_frames(app *a)
{
	admin_housekeeping(a, app_now(a));
	for (int i = 0; i < MAX_FRAMES_PER_PUMP; i++) {
		uint64_t now = app_now(a);
		session_state st = session_tick(&a->sess, now, a->cfg->session.idle_timeout_s,
						a->cfg->session.idle_warning_s,
						&a->idle_seconds_left, &a->idle_next_ms);
		if (st == SESSION_EXPIRED) {
			log_info("app", "no answer to the idle warning");
			app_end_session(a);
		}
		admin_tick(a, now, &a->admin_next_ms);
		uint64_t t0 = SDL_GetPerformanceCounter();
		ui_begin(a->ui, now);
		a->in_frame = true;
		shell_frame(a);
		a->in_frame = false;
		if (ui_end(a->ui))
			a->dirty = true;
		a->frame_build_us =
			(SDL_GetPerformanceCounter() - t0) * 1000000u / SDL_GetPerformanceFrequency();
		if (a->adm.logout_pending)
			admin_logout(a, a->adm.logout_pending == 2);
		if (a->end_pending)
			app_end_session(a);
		a->frames_run++;
		if (!ui_frame_requested(a->ui))
			break;
	}
}

static void pointer(app *a, ui_ptr_event ev, int wx, int wy)
{
	int x, y;
	render_to_design(a->rd, wx, wy, &x, &y);
	if (ev == UI_PTR_MOVE) { /* coalesced: only the latest position matters */
		a->have_move = true;
		a->move_x = x;
		a->move_y = y;
		return;
	}
	if (a->have_move) {
		a->have_move = false;
		ui_pointer(a->ui, UI_PTR_MOVE, a->move_x, a->move_y);
		run_frames(a);
	}
	if (ev == UI_PTR_DOWN) {
		session_touch(&a->sess, app_now(a));
		admin_touch(a, app_now(a));
	}
	ui_pointer(a->ui, ev, x, y);
	run_frames(a); /* one frame per press or release: taps never merge */
}

/* The mouse's "finger id": touch panels number theirs from 0 up. */
#define MOUSE_FINGER ((SDL_FingerID)-1)

/*
 * Keep the set of fingers on the glass (window pixels WX, WY) up to date
 * from every finger event, whichever finger the widgets follow: the touch
 * test counts them and paints where each one goes. A finger down also
 * keeps staff mode awake.
 */
static void track_finger(app *a, Uint32 type, SDL_FingerID id, int wx, int wy)
{
	int x, y, i = 0;
	render_to_design(a->rd, wx, wy, &x, &y);
	while (i < a->n_fingers && a->fingers[i].id != id)
		i++;
	int x0 = x, y0 = y;
	if (type == SDL_FINGERDOWN) {
		if (i == a->n_fingers && a->n_fingers < APP_FINGERS_MAX)
			a->n_fingers++;
		else if (i == a->n_fingers)
			return; /* more fingers than a panel reports: ignore the extra one */
		admin_touch(a, app_now(a));
	} else if (i == a->n_fingers) {
		return; /* went down before we looked (or was dropped) */
	} else {
		x0 = a->fingers[i].x;
		y0 = a->fingers[i].y;
	}
	a->fingers[i] = (app_finger){id, x, y};
	if (a->screen == SCREEN_TECH)
		tech_finger(a, x0, y0, x, y, a->n_fingers);
	if (type == SDL_FINGERUP)
		a->fingers[i] = a->fingers[--a->n_fingers];
}

static void handle_event(app *a, const SDL_Event *ev)
{
	switch (ev->type) {
	case SDL_QUIT: /* only from SIGTERM/SIGINT: see SDL_HINT_QUIT_ON_LAST_WINDOW_CLOSE */
		log_info("app", "termination requested");
		a->quit = true;
		break;
	case SDL_WINDOWEVENT:
		if (ev->window.event == SDL_WINDOWEVENT_CLOSE)
			log_info("app", "window close ignored: a kiosk stays open");
		else if (ev->window.event == SDL_WINDOWEVENT_EXPOSED)
			a->dirty = true;
		else if (ev->window.event == SDL_WINDOWEVENT_SIZE_CHANGED)
			resized(a);
		break;
	case SDL_KEYDOWN:
		/* No physical keys do anything (Escape, Alt+F4, Ctrl+Q...). */
		log_debug("app", "key ignored");
		break;
	case SDL_FINGERDOWN:
	case SDL_FINGERUP:
	case SDL_FINGERMOTION: {
		track_finger(a, ev->type, ev->tfinger.fingerId, (int)(ev->tfinger.x * (float)a->win_w),
			     (int)(ev->tfinger.y * (float)a->win_h));
		/* Follow one finger: a palm or a second finger must not press
		 * anything while the first is down. */
		if (ev->type == SDL_FINGERDOWN) {
			if (a->finger_down)
				break;
			a->finger_down = true;
			a->finger = ev->tfinger.fingerId;
		} else if (!a->finger_down || ev->tfinger.fingerId != a->finger) {
			break;
		} else if (ev->type == SDL_FINGERUP) {
			a->finger_down = false;
		}
		int wx = (int)(ev->tfinger.x * (float)a->win_w), wy = (int)(ev->tfinger.y * (float)a->win_h);
		ui_ptr_event pe = ev->type == SDL_FINGERDOWN ? UI_PTR_DOWN
				  : ev->type == SDL_FINGERUP ? UI_PTR_UP
							     : UI_PTR_MOVE;
		pointer(a, pe, wx, wy);
		break;
	}
	case SDL_MOUSEBUTTONDOWN:
	case SDL_MOUSEBUTTONUP:
		if (ev->button.which != SDL_TOUCH_MOUSEID && ev->button.button == SDL_BUTTON_LEFT) {
			/* A mouse (development desktops) is one more finger. */
			Uint32 type = ev->type == SDL_MOUSEBUTTONDOWN ? SDL_FINGERDOWN : SDL_FINGERUP;
			track_finger(a, type, MOUSE_FINGER, ev->button.x, ev->button.y);
			pointer(a, ev->type == SDL_MOUSEBUTTONDOWN ? UI_PTR_DOWN : UI_PTR_UP,
				ev->button.x, ev->button.y);
		}
		break;
	case SDL_MOUSEMOTION:
		if (ev->motion.which != SDL_TOUCH_MOUSEID && (ev->motion.state & SDL_BUTTON_LMASK)) {
			track_finger(a, SDL_FINGERMOTION, MOUSE_FINGER, ev->motion.x, ev->motion.y);
			pointer(a, UI_PTR_MOVE, ev->motion.x, ev->motion.y);
		}
		break;
	default:
		break;
	}
}

static void reader_event(app *a, const rdr_event *ev)
{
	switch (ev->type) {
	case RDR_EV_ATTACHED:
		a->reader_attached = true;
		log_info("app", "card reader attached");
		break;
	case RDR_EV_DETACHED:
		a->reader_attached = false;
		log_warn("app", "card reader detached");
		break;
	case RDR_EV_ERROR:
		if (ev->error == RDR_ERR_UNSUPPORTED && a->reader) {
			reader_status st;
			reader_get_status(a->reader, &st);
			log_warn("app", "card reader refused: %s", st.refused_why[0] ? st.refused_why
									: st.last_error);
		} else {
			log_warn("app", "card read failed: %s", rdr_err_name(ev->error));
		}
		break;
	case RDR_EV_CARD_PRESENT: log_info("app", "card present"); break;
	case RDR_EV_CARD_REMOVED: log_info("app", "card removed"); break;
	case RDR_EV_CARD_UNREADABLE:
		log_info("app", "card data cannot be read: %s", rdr_why_name(ev->why));
		break;
	case RDR_EV_IDENTITY:
	case RDR_EV_READING:
	default:
		break;
	}
	scr_identify_reader_event(a, ev);
	if ((unsigned)ev->type < RDR_EV_TYPES)
		a->reader_seen[ev->type]++;
}

/* One frame's time: building it (the last frame built) and drawing it
 * (since T0, SDL_GetPerformanceCounter). */
static void frame_time(app *a, uint64_t t0)
{
	uint64_t draw_us = (SDL_GetPerformanceCounter() - t0) * 1000000u / SDL_GetPerformanceFrequency();
	a->frame_ms[a->frame_next] = (float)(a->frame_build_us + draw_us) / 1000.0f;
	a->frame_next = (a->frame_next + 1) % APP_FRAME_RING;
	if (a->frame_n < APP_FRAME_RING)
		a->frame_n++;
}

static int cmp_float(const void *x, const void *y)
{
	float p = *(const float *)x, q = *(const float *)y;
	return (p > q) - (p < q);
}

void app_frame_times(const app *a, double *p50, double *p99)
{
	float sorted[APP_FRAME_RING];
	int n = a->frame_n;
	*p50 = *p99 = 0;
	if (n == 0)
		return;
	memcpy(sorted, a->frame_ms, sizeof(float) * (size_t)n);
	qsort(sorted, (size_t)n, sizeof sorted[0], cmp_float);
	/* Nearest rank: the smallest value at least P percent of the frames reach. */
	*p50 = sorted[(n * 50 + 99) / 100 - 1];
	*p99 = sorted[(n * 99 + 99) / 100 - 1];
}

int64_t app_uptime_s(const app *a) { return (int64_t)((app_now(a) - a->started_ms) / 1000u); }

void app_request_restart(app *a)
{
	log_info("app", "restart requested");
	a->restart = true;
	if (!a->opts.headless)
		a->quit = true; /* app_run returns after this pump; main starts the kiosk again */
}

void app_render_present(app *a)
{
	uint64_t t0 = SDL_GetPerformanceCounter();
	render_draw(a->rd, a->ui);
	SDL_RenderPresent(a->sdl);
	frame_time(a, t0);
	a->frames_presented++;
	a->dirty = false;
}

void app_pump(app *a)
{
	SDL_Event ev;
	while (SDL_PollEvent(&ev))
		handle_event(a, &ev);
	if (a->have_move) {
		a->have_move = false;
		ui_pointer(a->ui, UI_PTR_MOVE, a->move_x, a->move_y);
		run_frames(a);
	}
	rdr_event rev;
	while (rdr_evq_pop(a->rdr_q, &rev)) {
		reader_event(a, &rev);
		rdr_event_wipe(&rev);
	}
	bool news = uplink_poll(a);
	news |= tech_pump(a);
	if (news)
		run_frames(a);
	if (a->frames_run == 0 || app_now(a) >= next_wake(a))
		run_frames(a);
	/* Headless runs render only for screenshots: tests stay fast. */
	if (a->dirty && !a->opts.headless)
		app_render_present(a);
}

void app_advance(app *a, uint64_t ms)
{
	uint64_t target = a->vclock_ms + ms;
	app_pump(a);
	for (;;) {
		uint64_t next = next_wake(a);
		if (next > target)
			break;
		a->vclock_ms = next > a->vclock_ms ? next : a->vclock_ms + 1;
		app_pump(a);
	}
	a->vclock_ms = target;
	app_pump(a);
}

static void drain_pipe(int fd)
{
	char buf[64];
	while (read(fd, buf, sizeof buf) > 0)
		;
}

int app_run(app *a)
{
	while (!a->quit) {
		app_pump(a);
		if (a->quit) /* SIGTERM arrived with this batch: no more waiting */
			break;
		if (a->opts.exit_after_first_frame && a->frames_presented > 0) {
			struct timespec ts;
			clock_gettime(CLOCK_MONOTONIC, &ts);
			printf("first-frame-monotonic-ns %lld\n",
			       (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
			fflush(stdout);
			break;
		}
		uint64_t now = app_now(a), wake = next_wake(a);
		int timeout = wake <= now ? 0 : wake - now > MAX_WAIT_MS ? MAX_WAIT_MS : (int)(wake - now);
		if (timeout == 0)
			continue;
		if (a->native_wait) {
			SDL_WaitEventTimeout(NULL, timeout);
		} else {
			/* Drivers without a real wait (dummy, offscreen) would make SDL poll
			 * every millisecond; sleep on our wake pipe instead. Signals
			 * interrupt poll(), and SDL turns them into SDL_QUIT. */
			struct pollfd p = {a->wake_pipe[0], POLLIN, 0};
			if (poll(&p, 1, timeout) > 0)
				drain_pipe(a->wake_pipe[0]);
		}
	}
	log_info("app", "closing");
	return 0;
}

int app_screenshot(app *a, const char *path, char *err, size_t errlen)
{
	uint64_t t0 = SDL_GetPerformanceCounter();
	render_draw(a->rd, a->ui);
	frame_time(a, t0); /* headless runs draw only here */
	uint8_t *px;
	int w, h;
	if (render_read_rgba(a->rd, &px, &w, &h) != 0) {
		snprintf(err, errlen, "cannot read pixels: %s", SDL_GetError());
		return -1;
	}
	int rc = png_write_rgba(path, px, w, h, w * 4, err, errlen);
	free(px);
	return rc;
}


void app_to_window(const app *a, int dx, int dy, int *wx, int *wy)
{
	render_to_window(a->rd, dx, dy, wx, wy);
}

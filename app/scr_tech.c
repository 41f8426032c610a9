/*
 * scr_tech: the diagnostics screen's frame (tech.h). The staff banner and
 * the title "Diagnostik" with the way back home beside it; the overall
 * status of the last run (Siap / Perlu perhatian / Ada masalah, the counts,
 * when it ran) or "Memeriksa…" while one runs; the page chips, each marked
 * with its page's worst status; the page; and the action bar: run every
 * check again, export the readiness report to a folder (the configured
 * export_dirs and whatever is mounted under /media and /run/media), restart
 * the kiosk. Portrait stacks them; landscape puts the chips in a column on
 * the left. The dialogs of those actions are drawn here too.
 */
#include <glob.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>

#include "admin.h"
#include "app.h"
#include "log.h"

static const char *const page_keys[TECH_PAGE_COUNT] = {
	[TECH_PAGE_READER] = "tech.page.reader",   [TECH_PAGE_TOUCH] = "tech.page.touch",
	[TECH_PAGE_DISPLAY] = "tech.page.display", [TECH_PAGE_NETWORK] = "tech.page.network",
	[TECH_PAGE_STORAGE] = "tech.page.storage", [TECH_PAGE_SYSTEM] = "tech.page.system",
};

static void (*const page_draw[TECH_PAGE_COUNT])(app *, ui_rect) = {
	[TECH_PAGE_READER] = tech_page_reader,   [TECH_PAGE_TOUCH] = tech_page_touch,
	[TECH_PAGE_DISPLAY] = tech_page_display, [TECH_PAGE_NETWORK] = tech_page_network,
	[TECH_PAGE_STORAGE] = tech_page_storage, [TECH_PAGE_SYSTEM] = tech_page_system,
};

/* "09.00.12": the time of day of WHEN (epoch s) in WIB (frame arena). */
static const char *wib_time(app *a, int64_t when)
{
	time_t t = (time_t)(when + 7 * 3600);
	struct tm tm;
	char b[16];
	gmtime_r(&t, &tm);
	snprintf(b, sizeof b, "%02d.%02d.%02d", tm.tm_hour, tm.tm_min, tm.tm_sec);
	return ui_intern(a->ui, b);
}

/*
 * The overall status of the last run at the top of R: a pill, the verdict,
 * the counts and when it ran; "Memeriksa…" with a spinner while a run goes
 * on. Returns the height used.
 */
static int status_bar(app *a, ui_rect r)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	tech *t = &a->tech;
	enum { MARK = 80 }; /* the spinner (spinner_d) fits around it */
	diag_status worst = diag_worst(&t->report);
	bool running = t->job != NULL;
	int pad = th->gap_small + 6;
	ui_rect text = {r.x + pad + MARK + th->gap, r.y + pad, r.w - MARK - th->gap - 2 * pad, 0};
	static const char *const verdict[3] = {"tech.ready", "tech.attention", "tech.problem"};
	const char *head = ui_tr(u, running          ? "tech.running"
				    : t->have_report ? verdict[worst]
						     : "tech.no_report");
	const char *line = "";
	if (running) {
		line = ui_tr(u, "tech.running_body");
	} else if (t->have_report) {
		char n[3][12];
		int count[3] = {0};
		for (int i = 0; i < t->report.n; i++)
			count[t->report.checks[i].status]++;
		for (int i = 0; i < 3; i++)
			snprintf(n[i], sizeof n[i], "%d", count[i]);
		const char *ca[3] = {n[0], n[1], n[2]};
		int ms = t->report.duration_ms;
		const char *wa[3] = {ui_trf(u, "tech.counts", ca, 3), wib_time(a, t->ran_at),
				     ms < 1000 ? tech_ms(a, ms) : tech_secs(a, ms)};
		line = ui_trf(u, "tech.summary", wa, 3);
	}
	int hw, hh, lw, lh = 0;
	ui_measure(u, UI_FONT_SUBTITLE, head, text.w, &hw, &hh);
	if (line[0])
		ui_measure(u, UI_FONT_SMALL, line, text.w, &lw, &lh);
	int h = 2 * pad + (hh + lh > MARK ? hh + lh : MARK);
	ui_rect box = {r.x, r.y, r.w, h};
	ui_color edge = running || !t->have_report ? th->color.primary : tech_status_color(a, worst);
	ui_draw_rect(u, box, th->color.surface, th->radius);
	ui_draw_frame(u, box, edge, th->radius, th->focus_ring);
	ui_rect mark = {r.x + pad, r.y + (h - MARK) / 2, MARK, MARK};
	if (running)
		ui_spinner(u, "tech.running", mark);
	else if (t->have_report)
		tech_pill(a, worst, mark);
	text.y = r.y + (h - hh - lh) / 2;
	ui_label_text(u, head, (ui_rect){text.x, text.y, text.w, hh}, UI_FONT_SUBTITLE,
		      running || !t->have_report ? th->color.primary : tech_status_color(a, worst),
		      UI_ALIGN_LEFT);
	if (line[0])
		ui_label_text(u, line, (ui_rect){text.x, text.y + hh, text.w, lh}, UI_FONT_SMALL,
			      th->color.text_muted, UI_ALIGN_LEFT);
	return h;
}

/* The page chips in R, PER_ROW a row, each marked with its page's worst
 * status. Returns the height used. */
static int page_chips(app *a, ui_rect r, int per_row)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	tech *t = &a->tech;
	int rows = (TECH_PAGE_COUNT + per_row - 1) / per_row;
	for (int i = 0; i < TECH_PAGE_COUNT; i++) {
		ui_rect row = {r.x, r.y + (i / per_row) * (th->touch_min + th->gap_small), r.w,
			       th->touch_min};
		ui_rect b = ui_split(row, per_row, th->gap_small, i % per_row);
		bool chosen = i == t->page;
		if (ui_button_ex(u, page_keys[i], ui_tr(u, page_keys[i]), NULL, b,
				 chosen ? UI_BTN_PRIMARY : UI_BTN_SECONDARY, true) &&
		    !chosen) {
			t->page = i;
			t->note[0] = '\0';
			t->read = TECH_READ_NONE;
			if (i == TECH_PAGE_SYSTEM)
				tech_system_load(a);
		}
		/* A badge on the chip's corner, clear of its centred words. */
		diag_status s;
		if (tech_page_worst(t, (tech_page)i, &s) && s != DIAG_OK) {
			int d = 36;
			tech_pill(a, s, (ui_rect){b.x + b.w - d + 8, b.y - 8, d, d});
		}
	}
	return rows * th->touch_min + (rows - 1) * th->gap_small;
}

/* ---- the export dialog ----------------------------------------------------------- */

/* Add DIR to the export dialog's list when it is a directory not listed yet. */
static void add_dir(tech *t, const char *dir)
{
	struct stat st;
	if (!dir[0] || t->n_dirs >= TECH_EXPORT_DIRS || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return;
	for (int i = 0; i < t->n_dirs; i++)
		if (strcmp(t->dirs[i].path, dir) == 0)
			return;
	tech_export_dir *d = &t->dirs[t->n_dirs++];
	snprintf(d->path, sizeof d->path, "%s", dir);
	struct statvfs vfs;
	d->free_bytes = statvfs(dir, &vfs) == 0 ? (int64_t)vfs.f_bavail * (int64_t)vfs.f_frsize : -1;
}

/* True when DIR is a mount point: on another device than its parent. */
static bool mounted(const char *dir)
{
	char parent[CONF_PATH_MAX];
	snprintf(parent, sizeof parent, "%s", dir);
	char *slash = strrchr(parent, '/');
	if (!slash || slash == parent)
		return false;
	*slash = '\0';
	struct stat d, p;
	return stat(dir, &d) == 0 && stat(parent, &p) == 0 && d.st_dev != p.st_dev;
}

/* The folders a report may go to, now: the configured ones, then the USB
 * sticks mounted where desktops mount them (udisks: /run/media/USER/LABEL
 * or /media/USER/LABEL; older setups /media/LABEL). */
static void find_dirs(app *a)
{
	static const char *const patterns[] = {"/media/*", "/media/*/*", "/run/media/*/*"};
	tech *t = &a->tech;
	t->n_dirs = 0;
	for (int i = 0; i < a->cfg->diag.n_export_dirs; i++)
		add_dir(t, a->cfg->diag.export_dirs[i]);
	add_dir(t, a->test_mount);
	for (size_t p = 0; p < sizeof patterns / sizeof patterns[0]; p++) {
		glob_t g;
		if (glob(patterns[p], GLOB_ONLYDIR, NULL, &g) != 0)
			continue;
		for (size_t i = 0; i < g.gl_pathc; i++)
			if (mounted(g.gl_pathv[i]))
				add_dir(t, g.gl_pathv[i]);
		globfree(&g);
	}
}

static void export_to(app *a, const char *dir)
{
	tech *t = &a->tech;
	char base[CONF_PATH_MAX + 80], why[200];
	if (diag_export(&t->report, dir, base, sizeof base, why, sizeof why) != 0) {
		log_warn("tech", "readiness report not exported to %s: %s", dir, why);
		admin_audit(a, "diag_export", "", "failed");
		const char *args[1] = {why};
		tech_message(a, "tech.export_failed", ui_trf(a->ui, "tech.export_failed_body", args, 1),
			     true);
		return;
	}
	log_info("tech", "readiness report exported: %s.txt, .json", base);
	char detail[32];
	snprintf(detail, sizeof detail, "status=%s", diag_status_name(diag_worst(&t->report)));
	admin_audit(a, "diag_export", "", detail);
	const char *slash = strrchr(base, '/');
	const char *args[2] = {dir, slash ? slash + 1 : base};
	tech_message(a, "tech.export_done", ui_trf(a->ui, "tech.export_done_body", args, 2), false);
}

static void export_dialog(app *a)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	tech *t = &a->tech;
	int row_h = th->touch_min + 40;
	int n = t->n_dirs;
	int content = (n ? n * (row_h + th->gap_small) : 140) + 60 + th->gap + th->button_h;
	ui_rect c =
		ui_dialog_begin_w(u, "tech.export_title", content, th->landscape ? 1200 : th->dialog_max_w);
	ui_col col = ui_col_make(c, th->gap_small);
	col.y += ui_label(u, n ? "tech.export_pick" : "tech.export_none",
			  (ui_rect){c.x, col.y, c.w, n ? 60 : 200}, UI_FONT_BODY, th->color.text,
			  UI_ALIGN_LEFT) +
		 th->gap_small;
	const char *chosen = NULL;
	for (int i = 0; i < n; i++) {
		ui_rect r = ui_col_take(&col, row_h);
		ui_push_id(u, 0x657870u + (uint32_t)i);
		if (ui_tap_area_text(u, "tech.export_dir", t->dirs[i].path, r))
			chosen = t->dirs[i].path;
		ui_draw_rect(u, r, th->color.surface_alt, th->radius);
		ui_draw_frame(u, r, th->color.primary, th->radius, th->border);
		ui_rect in = ui_inset(r, th->gap, th->gap_small);
		ui_label_text(u, t->dirs[i].path, (ui_rect){in.x, in.y, in.w, 48}, UI_FONT_STRONG,
			      th->color.primary, UI_ALIGN_LEFT);
		const char *fa[1] = {t->dirs[i].free_bytes >= 0 ? tech_bytes(a, t->dirs[i].free_bytes) : "?"};
		ui_label_text(u, ui_trf(u, "tech.export_free", fa, 1), (ui_rect){in.x, in.y + 52, in.w, 40},
			      UI_FONT_SMALL, th->color.text_muted, UI_ALIGN_LEFT);
		ui_pop_id(u);
	}
	ui_rect b = {c.x, c.y + c.h - th->button_h, c.w, th->button_h};
	bool cancel = ui_button(u, "tech.cancel", b, UI_BTN_SECONDARY);
	ui_dialog_end(u);
	if (chosen) {
		char dir[CONF_PATH_MAX];
		snprintf(dir, sizeof dir, "%s", chosen);
		t->dialog = TECH_DLG_NONE;
		export_to(a, dir);
	} else if (cancel) {
		t->dialog = TECH_DLG_NONE;
	}
}

/* ---- the other dialogs ------------------------------------------------------------ */

static void message_dialog(app *a)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	tech *t = &a->tech;
	int bw, bh;
	ui_measure(u, UI_FONT_BODY, t->msg, ui_dialog_content_w(u), &bw, &bh);
	ui_rect c = ui_dialog_begin(u, t->msg_title_key, bh + th->gap + th->button_h);
	ui_label_text(u, t->msg, (ui_rect){c.x, c.y, c.w, bh}, UI_FONT_BODY,
		      t->msg_bad ? th->color.danger : th->color.text, UI_ALIGN_LEFT);
	if (ui_button(u, "tech.close", (ui_rect){c.x, c.y + bh + th->gap, c.w, th->button_h}, UI_BTN_PRIMARY))
		t->dialog = TECH_DLG_NONE;
	ui_dialog_end(u);
}

static void restart(app *a)
{
	a->tech.dialog = TECH_DLG_NONE;
	admin_audit(a, "kiosk_restart", "", "");
	app_request_restart(a);
	tech_message(a, "tech.restart_title", ui_tr(a->ui, "tech.restart_now"), false);
}

static void dialogs(app *a)
{
	tech *t = &a->tech;
	int rc;
	switch (t->dialog) {
	case TECH_DLG_EXPORT: export_dialog(a); break;
	case TECH_DLG_RESTART:
		rc = tech_confirm(a, "tech.restart_title", ui_tr(a->ui, "tech.restart_body"),
				  "tech.restart_yes");
		if (rc > 0)
			restart(a);
		else if (rc < 0)
			t->dialog = TECH_DLG_NONE;
		break;
	case TECH_DLG_DISCARD: tech_discard_dialog(a); break;
	case TECH_DLG_MESSAGE: message_dialog(a); break;
	case TECH_DLG_NONE:
	default: break;
	}
}

/* ---- the action bar ---------------------------------------------------------------- */

/* Width of a button labelled with catalog KEY. */
static int button_w(app *a, const char *key)
{
	int w, h;
	ui_measure(a->ui, UI_FONT_BUTTON, ui_tr(a->ui, key), 0, &w, &h);
	return w + 4 * a->th.gap;
}

/* The actions in R: portrait two rows (the run across, export and restart
 * halves), landscape one row sized by the words. */
static void action_bar(app *a, ui_rect r)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	tech *t = &a->tech;
	static const char *const keys[3] = {"tech.run", "tech.export", "tech.restart"};
	ui_rect b[3];
	if (th->landscape) {
		int w[3], sum = 0;
		for (int i = 0; i < 3; i++)
			sum += w[i] = button_w(a, keys[i]);
		int spare = r.w - sum - 2 * th->gap, x = r.x;
		for (int i = 0; i < 3; i++) {
			int extra = spare > 0 ? spare / 3 : 0;
			b[i] = (ui_rect){x, r.y, w[i] + extra, th->button_h};
			x += b[i].w + th->gap;
		}
	} else {
		b[0] = (ui_rect){r.x, r.y, r.w, th->button_h};
		ui_rect row = {r.x, r.y + th->button_h + th->gap_small, r.w, th->button_h};
		b[1] = ui_split(row, 2, th->gap_small, 0);
		b[2] = ui_split(row, 2, th->gap_small, 1);
	}
	if (ui_button_ex(u, keys[0], ui_tr(u, keys[0]), NULL, b[0], UI_BTN_PRIMARY, t->job == NULL))
		tech_run(a);
	if (ui_button_ex(u, keys[1], ui_tr(u, keys[1]), NULL, b[1], UI_BTN_SECONDARY, t->have_report)) {
		find_dirs(a);
		t->dialog = TECH_DLG_EXPORT;
	}
	if (ui_button_ex(u, keys[2], ui_tr(u, keys[2]), NULL, b[2], UI_BTN_SECONDARY, true))
		t->dialog = TECH_DLG_RESTART;
}

/* Height of the action bar. */
static int action_bar_h(const theme *th)
{
	return th->landscape ? th->button_h : 2 * th->button_h + th->gap_small;
}

/* ---- the frame ----------------------------------------------------------------------- */

enum { SIDE_W = 460, BACK_W = 520 }; /* landscape's chip column; the way home */

void scr_tech_draw(app *a, ui_rect full)
{
	(void)full;
	const theme *th = &a->th;
	tech *t = &a->tech;
	if (a->adm.who.role != STAFF_TECHNICIAN) { /* the technician's screen only */
		app_goto(a, SCREEN_STAFF_HOME);
		return;
	}
	if (t->page < 0 || t->page >= TECH_PAGE_COUNT)
		t->page = TECH_PAGE_READER;
	ui_rect c = admin_chrome(a, "tech.title");
	/* The title "Diagnostik" is short: its line also holds the way home
	 * and, in landscape, the status beside the page column. */
	int tw, tth;
	ui_measure(a->ui, UI_FONT_TITLE, ui_tr(a->ui, "tech.title"), c.w, &tw, &tth);
	int line_y = c.y - th->gap_small - tth, below = c.y;
	ui_rect back = {c.x + c.w - BACK_W, line_y + tth / 2 - th->touch_min / 2, BACK_W, th->touch_min};
	/* The touch test needs every row it can get: its page goes without
	 * the status (the chips' marks still tell what is wrong). */
	bool touch = t->page == TECH_PAGE_TOUCH, status_here = th->landscape && !touch;
	if (status_here) {
		ui_rect sr = {c.x + SIDE_W + 2 * th->gap, back.y,
			      back.x - th->gap - (c.x + SIDE_W + 2 * th->gap), 0};
		int sh = status_bar(a, sr);
		below = sr.y + sh + th->gap;
	}
	int bh;
	if (admin_back(a, "staff.back_home", back, &bh)) {
		app_goto(a, SCREEN_STAFF_HOME);
		return;
	}
	if (back.y + bh + th->gap_small > below)
		below = back.y + bh + th->gap_small;
	int bar_h = action_bar_h(th), bottom = c.y + c.h - bar_h - th->gap;
	ui_rect bar = {c.x, c.y + c.h - bar_h, c.w, bar_h};
	ui_rect page;
	if (th->landscape) {
		/* The chips in a column on the left under the title, the page
		 * beside them under the status. */
		page_chips(a, (ui_rect){c.x, c.y, SIDE_W, bottom - c.y}, 1);
		int x = c.x + SIDE_W + th->gap * 2;
		page = (ui_rect){x, below, c.x + c.w - x, bottom - below};
	} else {
		ui_rect body = {c.x, below, c.w, bottom - below};
		int y = body.y + (touch ? 0 : status_bar(a, body) + th->gap);
		y += page_chips(a, (ui_rect){body.x, y, body.w, 0}, 2) + th->gap;
		page = (ui_rect){body.x, y, body.w, body.y + body.h - y};
	}
	page_draw[t->page](a, page);
	action_bar(a, bar);
	if (touch)
		tech_touch_corners(a);
	dialogs(a);
}

/*
 * tech: the diagnostics screen's life cycle (the worker running the checks,
 * the touch test fed by the loop) and the drawing its pages share: check
 * rows, facts, blocks of lines, sizes and durations (see tech.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "log.h"
#include "step.h"

/* ---- life cycle ------------------------------------------------------------ */

void tech_open(app *a)
{
	tech *t = &a->tech;
	t->page = TECH_PAGE_READER;
	t->dialog = TECH_DLG_NONE;
	t->read = TECH_READ_NONE;
	t->note[0] = '\0';
	/* A report from an earlier visit is not what the reader is now. */
	if (!t->job)
		t->have_report = false;
	app_goto(a, SCREEN_TECH);
	tech_run(a);
}

bool tech_run(app *a)
{
	tech *t = &a->tech;
	if (t->job)
		return true;
	/* The live facts only this process knows; the job copies them. */
	reader_status rs;
	const reader_status *live = NULL;
	if (a->reader) {
		reader_get_status(a->reader, &rs);
		live = &rs;
	}
	double p50, p99;
	app_frame_times(a, &p50, &p99);
	SDL_DisplayMode dm;
	int hz = 0, idx = SDL_GetWindowDisplayIndex(a->win);
	if (idx >= 0 && SDL_GetCurrentDisplayMode(idx, &dm) == 0)
		hz = dm.refresh_rate;
	diag_env env = {
		.cfg = a->cfg,
		.db_path = a->opts.db_path,
		.central_url = a->opts.central_url,
		.reader_live = live,
		.card_path = NULL,
		.have_display = true,
		.display_w = a->win_w,
		.display_h = a->win_h,
		.refresh_hz = hz,
		.touch_devices = SDL_GetNumTouchDevices(),
		.frame_ms_p50 = p50,
		.frame_ms_p99 = p99,
		.uptime_s = app_uptime_s(a),
	};
	if (diag_job_start(&t->job, &env, DIAG_AREA_ALL, app_wake, a) != 0) {
		log_error("tech", "the diagnostics worker cannot start");
		tech_message(a, "tech.run_failed", ui_tr(a->ui, "tech.run_failed_body"), true);
		return false;
	}
	t->started_at = app_wall_time(a);
	log_info("tech", "diagnostics started");
	ui_request_frame(a->ui);
	return true;
}

bool tech_pump(app *a)
{
	tech *t = &a->tech;
	if (!t->job || !diag_job_done(t->job, &t->report))
		return false;
	diag_job_free(&t->job); /* the worker has ended: no wait */
	t->have_report = true;
	t->ran_at = t->started_at;
	int count[3] = {0};
	for (int i = 0; i < t->report.n; i++)
		count[t->report.checks[i].status]++;
	log_info("tech", "diagnostics done in %d ms: %d ok, %d warn, %d fail", t->report.duration_ms,
		 count[DIAG_OK], count[DIAG_WARN], count[DIAG_FAIL]);
	ui_request_frame(a->ui);
	return true;
}

void tech_reset(app *a)
{
	tech *t = &a->tech;
	diag_job *job = t->job;
	free(t->config_text);
	free(t->log_text);
	memset(t, 0, sizeof *t);
	t->job = job; /* finishes on its own: tech_pump takes it */
}

void tech_close(app *a)
{
	diag_job_free(&a->tech.job);
	tech_reset(a);
}

/* Paint the cell under (X, Y) and a corner target there. */
static void touch_at(tech_touch *tt, int x, int y)
{
	for (int i = 0; i < 4; i++)
		if (tt->corner[i].w > 0 && x >= tt->corner[i].x && x < tt->corner[i].x + tt->corner[i].w &&
		    y >= tt->corner[i].y && y < tt->corner[i].y + tt->corner[i].h)
			tt->corner_hit[i] = true;
	ui_rect g = tt->grid;
	if (tt->cols <= 0 || tt->rows <= 0 || x < g.x || y < g.y || x >= g.x + g.w || y >= g.y + g.h)
		return;
	int c = (x - g.x) * tt->cols / g.w, r = (y - g.y) * tt->rows / g.h;
	tt->painted[r][c] = true;
}

void tech_finger(app *a, int x0, int y0, int x1, int y1, int fingers)
{
	tech *t = &a->tech;
	if (t->page != TECH_PAGE_TOUCH || t->dialog != TECH_DLG_NONE)
		return;
	tech_touch *tt = &t->touch;
	if (fingers > tt->max_fingers)
		tt->max_fingers = fingers;
	/* A fast stroke moves far between two events: paint every cell on
	 * the way, in steps shorter than the smallest cell. */
	int dx = abs(x1 - x0), dy = abs(y1 - y0), d = dx > dy ? dx : dy;
	int steps = d / 16 + 1;
	for (int i = 0; i <= steps; i++)
		touch_at(tt, x0 + (x1 - x0) * i / steps, y0 + (y1 - y0) * i / steps);
	ui_request_frame(a->ui);
}

/* ---- pages and checks --------------------------------------------------------- */

tech_page tech_page_of(const char *name)
{
	/* First match wins: the touch panel is a display check with a page of its own. */
	static const struct {
		const char *prefix;
		tech_page page;
	} map[] = {
		{"reader.", TECH_PAGE_READER},   {"display.touch", TECH_PAGE_TOUCH},
		{"display.", TECH_PAGE_DISPLAY}, {"network.", TECH_PAGE_NETWORK},
		{"sync.", TECH_PAGE_NETWORK},    {"storage.", TECH_PAGE_STORAGE},
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strncmp(name, map[i].prefix, strlen(map[i].prefix)) == 0)
			return map[i].page;
	return TECH_PAGE_SYSTEM; /* system.* and whatever else a run adds (diag.truncated) */
}

bool tech_page_worst(const tech *t, tech_page p, diag_status *out)
{
	bool any = false;
	*out = DIAG_OK;
	if (!t->have_report)
		return false;
	for (int i = 0; i < t->report.n; i++) {
		const diag_check *c = &t->report.checks[i];
		if (tech_page_of(c->name) != p)
			continue;
		any = true;
		if (c->status > *out)
			*out = c->status;
	}
	return any;
}

ui_color tech_status_color(const app *a, diag_status s)
{
	const theme *th = &a->th;
	return s == DIAG_OK ? th->color.success : s == DIAG_WARN ? th->color.warning : th->color.danger;
}

void tech_pill(app *a, diag_status s, ui_rect r)
{
	const theme *th = &a->th;
	bool small = r.h < 56;
	ui_draw_rect(a->ui, r, tech_status_color(a, s), r.h / 4);
	/* ✓ and ✗ come from the symbols face; "!" from the bold one. */
	if (s == DIAG_WARN)
		ui_text_centered(a->ui, r, "!", small ? UI_FONT_STRONG : UI_FONT_TITLE,
				 th->color.text_inverse);
	else
		ui_text_centered(a->ui, r, s == DIAG_OK ? "\xE2\x9C\x93" : "\xE2\x9C\x97", UI_FONT_SYMBOL,
				 th->color.text_inverse);
}

/* The check's name in the current language, or its dotted name when the
 * catalog has none (a check added after these words were written). */
static const char *check_title(app *a, const char *name, bool *translated)
{
	char key[64];
	snprintf(key, sizeof key, "tech.check.%s", name);
	*translated = cat_has(a->cat, key);
	return *translated ? ui_tr(a->ui, key) : name;
}

/* One check's row in R (R.h ignored); returns its height. */
static int check_row(app *a, const diag_check *c, ui_rect r, bool compact)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	enum { PILL = 64 };
	bool translated;
	const char *title = check_title(a, c->name, &translated);
	bool show_reason = c->reason[0] && (!compact || c->status != DIAG_OK);
	int pad = th->gap_small + 4;
	ui_rect in = {r.x + pad + PILL + th->gap, r.y + pad, r.w - 2 * pad - PILL - th->gap, 0};
	/* The value beside the title when both fit on one line, else under it. */
	int tw, tth, vw, vh, nw = 0, nh = 0, rw = 0, rh = 0;
	ui_measure(u, UI_FONT_STRONG, title, 0, &tw, &tth);
	ui_measure(u, UI_FONT_BODY, c->value, 0, &vw, &vh);
	bool beside = tw + th->gap + vw <= in.w;
	if (!beside)
		ui_measure(u, UI_FONT_BODY, c->value, in.w, &vw, &vh);
	if (translated)
		ui_measure(u, UI_FONT_SMALL, c->name, in.w, &nw, &nh);
	if (show_reason)
		ui_measure(u, UI_FONT_BODY, c->reason, in.w, &rw, &rh);
	int h = tth + (beside || !c->value[0] ? 0 : vh) + nh + (show_reason ? th->gap_small / 2 + rh : 0);
	if (h < PILL)
		h = PILL;
	ui_rect box = {r.x, r.y, r.w, h + 2 * pad};
	ui_draw_rect(u, box, th->color.surface, th->radius);
	ui_draw_frame(u, box, c->status == DIAG_OK ? th->color.border : tech_status_color(a, c->status),
		      th->radius, c->status == DIAG_OK ? th->border : th->focus_ring);
	tech_pill(a, c->status, (ui_rect){r.x + pad, r.y + pad, PILL, PILL});

	int y = in.y;
	ui_label_text(u, title, (ui_rect){in.x, y, beside ? in.w - vw - th->gap : in.w, tth}, UI_FONT_STRONG,
		      th->color.text, UI_ALIGN_LEFT);
	if (beside && c->value[0])
		ui_label_text(u, c->value, (ui_rect){in.x + in.w - vw, y, vw, vh}, UI_FONT_BODY,
			      th->color.text, UI_ALIGN_RIGHT);
	y += tth;
	if (!beside && c->value[0]) {
		ui_label_text(u, c->value, (ui_rect){in.x, y, in.w, vh}, UI_FONT_BODY, th->color.text,
			      UI_ALIGN_LEFT);
		y += vh;
	}
	if (translated) {
		ui_label_text(u, c->name, (ui_rect){in.x, y, in.w, nh}, UI_FONT_SMALL, th->color.text_muted,
			      UI_ALIGN_LEFT);
		y += nh;
	}
	if (show_reason)
		ui_label_text(u, c->reason, (ui_rect){in.x, y + th->gap_small / 2, in.w, rh}, UI_FONT_BODY,
			      c->status == DIAG_OK ? th->color.text_muted : th->color.text, UI_ALIGN_LEFT);
	return box.h;
}

void tech_checks(app *a, ui_col *col, tech_page p, bool compact)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	tech *t = &a->tech;
	if (!t->have_report) {
		ui_rect row = ui_col_take(col, th->spinner_d);
		if (t->job) {
			ui_spinner(u, "tech.running", (ui_rect){row.x, row.y, th->spinner_d, th->spinner_d});
			ui_label(u, "tech.running",
				 (ui_rect){row.x + th->spinner_d + th->gap, row.y + th->spinner_d / 2 - 22,
					   row.w - th->spinner_d - th->gap, 60},
				 UI_FONT_STRONG, th->color.text, UI_ALIGN_LEFT);
		} else {
			ui_label(u, "tech.no_report", row, UI_FONT_BODY, th->color.text_muted, UI_ALIGN_LEFT);
		}
		return;
	}
	int shown = 0;
	for (int i = 0; i < t->report.n; i++) {
		const diag_check *c = &t->report.checks[i];
		if (tech_page_of(c->name) != p)
			continue;
		ui_push_id(u, 0x636b00u + (uint32_t)i);
		col->y += check_row(a, c, ui_col_rest(col), compact) + th->gap_small;
		ui_pop_id(u);
		shown++;
	}
	if (shown == 0)
		col->y += ui_label(u, "tech.no_checks", ui_col_rest(col), UI_FONT_BODY, th->color.text_muted,
				   UI_ALIGN_LEFT) +
			  th->gap_small;
}

void tech_heading(app *a, ui_col *col, const char *key)
{
	col->y += ui_label(a->ui, key, ui_col_rest(col), UI_FONT_SUBTITLE, a->th.color.text, UI_ALIGN_LEFT) +
		  a->th.gap_small;
}

void tech_fact(app *a, ui_col *col, const char *key, const char *value)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	ui_rect r = ui_col_rest(col);
	int cw = r.w * 2 / 5;
	int h1 = ui_label(u, key, (ui_rect){r.x, r.y, cw - th->gap, r.h}, UI_FONT_BODY, th->color.text_muted,
			  UI_ALIGN_LEFT);
	int h2 = ui_label_text(u, value && value[0] ? value : "\xE2\x80\x94",
			       (ui_rect){r.x + cw, r.y, r.w - cw, r.h}, UI_FONT_STRONG, th->color.text,
			       UI_ALIGN_LEFT);
	col->y += (h1 > h2 ? h1 : h2) + th->gap_small / 2;
}

void tech_lines(app *a, ui_col *col, const char *text, const char *empty_key)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	if (!text || !text[0]) {
		col->y += ui_label(u, empty_key, ui_col_rest(col), UI_FONT_BODY, th->color.text_muted,
				   UI_ALIGN_LEFT) +
			  th->gap_small;
		return;
	}
	/* The panel goes under the lines: measure them first. */
	ui_rect r = ui_col_rest(col);
	int pad = th->gap_small, w = r.w - 2 * pad, h = 0, lw, lh;
	char line[1024];
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, "\n");
		snprintf(line, sizeof line, "%.*s", (int)(n < sizeof line ? n : sizeof line - 1), p);
		ui_measure(u, UI_FONT_SMALL, line[0] ? line : " ", w, &lw, &lh);
		h += lh;
		p += n + (p[n] == '\n');
	}
	ui_draw_rect(u, (ui_rect){r.x, r.y, r.w, h + 2 * pad}, th->color.surface_alt, th->radius);
	int y = r.y + pad;
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, "\n");
		snprintf(line, sizeof line, "%.*s", (int)(n < sizeof line ? n : sizeof line - 1), p);
		if (line[0])
			y += ui_label_text(u, line, (ui_rect){r.x + pad, y, w, r.h}, UI_FONT_SMALL,
					   th->color.text, UI_ALIGN_LEFT);
		else {
			ui_measure(u, UI_FONT_SMALL, " ", w, &lw, &lh);
			y += lh;
		}
		p += n + (p[n] == '\n');
	}
	col->y += h + 2 * pad + th->gap_small;
}

/* "{1},{2} UNIT" with one decimal, through catalog KEY (the decimal mark). */
static const char *decimal(app *a, const char *key, double v)
{
	long tenths = (long)(v * 10.0 + 0.5);
	char i[24], f[8];
	snprintf(i, sizeof i, "%ld", tenths / 10);
	snprintf(f, sizeof f, "%ld", tenths % 10);
	const char *args[2] = {i, f};
	return ui_trf(a->ui, key, args, 2);
}

const char *tech_bytes(app *a, int64_t bytes)
{
	/* Binary units, as the checks' values (diag_fmt_bytes) on the same screen. */
	char n[24];
	if (bytes >= 1024LL * 1024 * 1024)
		return decimal(a, "tech.gb", (double)bytes / (1024.0 * 1024 * 1024));
	const char *key = bytes >= 1024LL * 1024 ? "tech.mb" : "tech.kb";
	snprintf(n, sizeof n, "%lld",
		 (long long)(bytes >= 1024LL * 1024 ? bytes / (1024 * 1024) : (bytes + 1023) / 1024));
	const char *args[1] = {n};
	return ui_trf(a->ui, key, args, 1);
}

const char *tech_ms(app *a, double ms) { return decimal(a, "tech.ms", ms); }
const char *tech_secs(app *a, double ms) { return decimal(a, "tech.secs", ms / 1000.0); }

const char *tech_duration(app *a, int64_t s)
{
	char x[24], y[24];
	const char *key;
	if (s < 0)
		s = 0;
	if (s >= 86400) {
		key = "tech.dur_dh";
		snprintf(x, sizeof x, "%lld", (long long)(s / 86400));
		snprintf(y, sizeof y, "%lld", (long long)(s % 86400 / 3600));
	} else if (s >= 3600) {
		key = "tech.dur_hm";
		snprintf(x, sizeof x, "%lld", (long long)(s / 3600));
		snprintf(y, sizeof y, "%lld", (long long)(s % 3600 / 60));
	} else if (s >= 60) {
		key = "tech.dur_ms";
		snprintf(x, sizeof x, "%lld", (long long)(s / 60));
		snprintf(y, sizeof y, "%lld", (long long)(s % 60));
	} else {
		key = "tech.dur_s";
		snprintf(x, sizeof x, "%lld", (long long)s);
		y[0] = '\0';
	}
	const char *args[2] = {x, y};
	return ui_trf(a->ui, key, args, 2);
}

void tech_note(app *a, ui_col *col, const char *text, bool bad)
{
	step_frame sf = {.a = a};
	col->y +=
		step_note(&sf, ui_col_rest(col), bad ? STEP_NOTE_WARN : STEP_NOTE_OK, NULL, text) + a->th.gap;
}

void tech_message(app *a, const char *title_key, const char *body, bool bad)
{
	tech *t = &a->tech;
	t->dialog = TECH_DLG_MESSAGE;
	t->msg_title_key = title_key;
	t->msg_bad = bad;
	snprintf(t->msg, sizeof t->msg, "%s", body);
	ui_request_frame(a->ui);
}

int tech_confirm(app *a, const char *title_key, const char *body, const char *yes_key)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	int bw, bh;
	ui_measure(u, UI_FONT_BODY, body, ui_dialog_content_w(u), &bw, &bh);
	ui_rect c = ui_dialog_begin(u, title_key, bh + th->gap + th->button_h);
	ui_label_text(u, body, (ui_rect){c.x, c.y, c.w, bh}, UI_FONT_BODY, th->color.text, UI_ALIGN_LEFT);
	ui_rect row = {c.x, c.y + bh + th->gap, c.w, th->button_h};
	int rc = 0;
	if (ui_button(u, "tech.cancel", ui_split(row, 2, th->gap, 0), UI_BTN_SECONDARY))
		rc = -1;
	else if (ui_button(u, yes_key, ui_split(row, 2, th->gap, 1), UI_BTN_DANGER))
		rc = 1;
	ui_dialog_end(u);
	return rc;
}

/* Open the scrolled column of B in R (the id scope is the page's). */
static ui_col *body_open(app *a, tech_body *b, ui_rect r, const char *key)
{
	b->view = ui_scroll_begin(a->ui, key, r);
	/* Room on the right for the scroll bar. */
	b->col = ui_col_make((ui_rect){b->view.x, b->view.y, b->view.w - 24, b->view.h}, a->th.gap_small);
	return &b->col;
}

static void body_close(app *a, tech_body *b) { ui_scroll_end(a->ui, b->col.y - b->view.y + a->th.gap); }

ui_col *tech_body_begin(app *a, tech_body *b, ui_rect r)
{
	*b = (tech_body){.r = r};
	ui_push_id(a->ui, 0x746563u + (uint32_t)a->tech.page);
	if (a->th.landscape)
		r.w = (r.w - a->th.gap) / 2;
	return body_open(a, b, r, "tech.body_first");
}

ui_col *tech_body_next(app *a, tech_body *b)
{
	const theme *th = &a->th;
	if (!th->landscape) {
		b->col.y += th->gap;
		return &b->col;
	}
	body_close(a, b);
	b->second = true;
	int w = (b->r.w - th->gap) / 2;
	ui_rect r = {b->r.x + w + th->gap, b->r.y, b->r.w - w - th->gap, b->r.h};
	return body_open(a, b, r, "tech.body_second");
}

void tech_body_end(app *a, tech_body *b)
{
	body_close(a, b);
	ui_pop_id(a->ui);
}

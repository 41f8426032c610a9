/*
 * scr_staff_figures: the quarterly performance figures (service.md section
 * 3: the officer's performance is evaluated every three months), for
 * officers and supervisors. One quarter at a time, the current one first,
 * earlier ones a tap away: requests received, closed and how many of them
 * on time (the 5-working-day standard), rejected, certificates revoked,
 * open and overdue, the working time to close (median and longest), and
 * complaints. sync/figures.h computes them; nothing here is personal data.
 */
#include <stdio.h>

#include "admin.h"
#include "app.h"
#include "figures.h"

static const char *const roman[4] = {"I", "II", "III", "IV"};

/* "7,5 jam kerja": working seconds S as hours with one decimal. */
static const char *hours(app *a, int64_t s)
{
	if (s < 0)
		return ui_tr(a->ui, "staff.fig_none");
	int64_t tenths = (s + 180) / 360;
	char h[24], t[8];
	snprintf(h, sizeof h, "%lld", (long long)(tenths / 10));
	snprintf(t, sizeof t, "%lld", (long long)(tenths % 10));
	const char *args[2] = {h, t};
	return ui_trf(a->ui, "staff.fig_hours", args, 2);
}

static const char *num(app *a, int n)
{
	char b[16];
	snprintf(b, sizeof b, "%d", n);
	return ui_intern(a->ui, b);
}

/* One figure: its value large, what it is below. */
static void tile(app *a, ui_rect r, const char *value, const char *caption_key, bool warn)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	ui_draw_rect(u, r, th->color.surface, th->radius * 2);
	ui_draw_frame(u, r, warn ? th->color.warning : th->color.border, th->radius * 2, th->border);
	ui_rect in = ui_inset(r, th->gap, th->gap);
	int h = ui_label_text(u, value, in, UI_FONT_TITLE, warn ? th->color.warning : th->color.primary,
			      UI_ALIGN_LEFT);
	ui_label(u, caption_key, (ui_rect){in.x, in.y + h, in.w, in.h - h}, UI_FONT_BODY, th->color.text,
		 UI_ALIGN_LEFT);
}

/* The quarter shown: the current one until the officer pages back. */
static void shown_quarter(app *a, int *year, int *quarter)
{
	admin *m = &a->adm;
	if (m->fig_year == 0 && figures_quarter_of(app_wall_time(a), &m->fig_year, &m->fig_quarter) != 0) {
		m->fig_year = 2026;
		m->fig_quarter = 1;
	}
	*year = m->fig_year;
	*quarter = m->fig_quarter;
}

static void step_quarter(app *a, int by)
{
	admin *m = &a->adm;
	int idx = m->fig_year * 4 + (m->fig_quarter - 1) + by;
	if (idx / 4 < 2000 || idx / 4 > 2999)
		return;
	m->fig_year = idx / 4;
	m->fig_quarter = idx % 4 + 1;
	m->fig_valid = false;
}

/* The figures of the quarter shown: read when the quarter changes, and
 * once a minute while it is still running (a read walks the quarter's
 * events: tens of milliseconds at 20,000 requests, not for every frame). */
static queue_err read_figures(app *a, int year, int quarter, int64_t now)
{
	admin *m = &a->adm;
	enum { REFRESH_MS = 60000 };
	if (m->fig_valid && !(m->fig.partial && app_now(a) - m->fig_read_ms >= REFRESH_MS))
		return QUEUE_OK;
	queue_err e = figures_quarter(a->q, &a->cal, year, quarter, now, &m->fig);
	m->fig_valid = e == QUEUE_OK;
	m->fig_read_ms = app_now(a);
	if (m->fig.partial)
		ui_request_wake(a->ui, m->fig_read_ms + REFRESH_MS);
	return e;
}

void scr_staff_figures_draw(app *a, ui_rect full)
{
	(void)full;
	ui *u = a->ui;
	const theme *th = &a->th;
	ui_rect c = admin_chrome(a, "staff.fig_title");
	ui_rect view = ui_scroll_begin(u, "staff.fig", c);
	ui_col col = ui_col_make((ui_rect){view.x, view.y, view.w - 24, view.h}, th->gap);
	int h;
	if (admin_back(a, "staff.back_home", ui_col_rest(&col), &h)) {
		ui_scroll_end(u, h);
		app_goto(a, SCREEN_STAFF_HOME);
		return;
	}
	col.y += h + th->gap;

	int year, quarter, now_year, now_quarter;
	shown_quarter(a, &year, &quarter);
	int64_t now = app_wall_time(a);
	bool at_current = figures_quarter_of(now, &now_year, &now_quarter) == 0 && year == now_year &&
			  quarter == now_quarter;
	queue_err e = read_figures(a, year, quarter, now);
	const figures f = a->adm.fig;

	/* Which quarter, and paging between quarters. */
	char y[8];
	snprintf(y, sizeof y, "%d", year);
	const char *qa[4] = {roman[quarter - 1], y, shell_fmt_when(a, f.from, false),
			     shell_fmt_when(a, f.to - 1, false)};
	col.y += ui_label_text(u, ui_trf(u, "staff.fig_quarter", qa, 2), ui_col_rest(&col), UI_FONT_SUBTITLE,
			       th->color.text, UI_ALIGN_LEFT);
	col.y += ui_label_text(u, ui_trf(u, f.partial ? "staff.fig_span_partial" : "staff.fig_span", qa + 2, 2),
			       ui_col_rest(&col), UI_FONT_SMALL, th->color.text_muted, UI_ALIGN_LEFT) +
		 th->gap;
	ui_rect nav = ui_col_take(&col, th->button_h);
	if (ui_button_ex(u, "staff.fig_prev", ui_tr(u, "staff.fig_prev"), "\xE2\x86\x90",
			 ui_split(nav, 2, th->gap, 0), UI_BTN_SECONDARY, true))
		step_quarter(a, -1);
	if (ui_button_ex(u, "staff.fig_next", ui_tr(u, "staff.fig_next"), NULL, ui_split(nav, 2, th->gap, 1),
			 UI_BTN_SECONDARY, !at_current))
		step_quarter(a, 1);
	col.y += th->gap;

	if (e != QUEUE_OK) {
		col.y += ui_label(u, "staff.msg_store", ui_col_rest(&col), UI_FONT_BODY, th->color.danger,
				  UI_ALIGN_LEFT);
		ui_scroll_end(u, col.y - view.y + th->gap);
		return;
	}

	/* The standard first: closed on time out of closed. */
	char pct[16] = "";
	if (f.closed > 0)
		snprintf(pct, sizeof pct, "%d%%", (f.closed_on_time * 100 + f.closed / 2) / f.closed);
	const char *ot[3] = {num(a, f.closed_on_time), num(a, f.closed), pct};
	const char *on_time =
		f.closed > 0 ? ui_trf(u, "staff.fig_on_time_value", ot, 3) : ui_tr(u, "staff.fig_none");
	struct {
		const char *value;
		const char *key;
		bool warn;
	} tiles[] = {
		{on_time, "staff.fig_on_time", f.closed_on_time < f.closed},
		{num(a, f.received), "staff.fig_received", false},
		{num(a, f.closed), "staff.fig_closed", false},
		{num(a, f.open_overdue), "staff.fig_open_overdue", f.open_overdue > 0},
		{num(a, f.rejected), "staff.fig_rejected", false},
		{num(a, f.revoked), "staff.fig_revoked", false},
		{hours(a, f.median_work_s), "staff.fig_median", false},
		{hours(a, f.max_work_s), "staff.fig_max", false},
		{num(a, f.complaints), "staff.fig_complaints", false},
		{num(a, f.complaints_resolved), "staff.fig_complaints_resolved", false},
		{num(a, f.complaints_escalated), "staff.fig_complaints_escalated", f.complaints_escalated > 0},
	};
	int n = (int)(sizeof tiles / sizeof tiles[0]), per_row = th->landscape ? 4 : 2;
	int tile_h = th->landscape ? 190 : 220;
	for (int i = 0; i < n; i += per_row) {
		ui_rect row = ui_col_take(&col, tile_h);
		for (int k = 0; k < per_row && i + k < n; k++) {
			ui_push_id(u, 0x666967u + (uint32_t)(i + k));
			tile(a, ui_split(row, per_row, th->gap, k), tiles[i + k].value, tiles[i + k].key,
			     tiles[i + k].warn);
			ui_pop_id(u);
		}
	}
	col.y += th->gap_small;
	col.y += ui_label(u, "staff.fig_explain", ui_col_rest(&col), UI_FONT_SMALL, th->color.text_muted,
			  UI_ALIGN_LEFT);
	if (f.uncovered)
		col.y += ui_label(u, "staff.fig_uncovered", ui_col_rest(&col), UI_FONT_SMALL, th->color.warning,
				  UI_ALIGN_LEFT);
	ui_scroll_end(u, col.y - view.y + th->gap);
}

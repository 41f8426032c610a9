/*
 * screen: the screen table and the shell around every screen (see screen.h):
 * header with title, date and language toggle; footer with the way home; the
 * on-screen keyboard when a field has the focus; and the idle dialog.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app.h"

static const screen_def screens[SCREEN_COUNT] = {
	[SCREEN_WELCOME] = {"welcome", "welcome.title", false, false, scr_welcome_draw},
	[SCREEN_MENU] = {"menu", "menu.title", true, true, scr_menu_draw},
	[SCREEN_INFO] = {"info", "info.title", true, true, scr_info_draw},
	[SCREEN_CONSENT] = {"consent", "journey.title", true, true, scr_consent_draw},
	[SCREEN_IDENTIFY] = {"identify", "journey.title", true, true, scr_identify_draw},
	[SCREEN_CURRENT] = {"current", "journey.title", true, true, scr_current_draw},
	[SCREEN_CHOOSE] = {"choose", "journey.title", true, true, scr_choose_draw},
	[SCREEN_NEWVALS] = {"newvals", "journey.title", true, true, scr_newvals_draw},
	[SCREEN_REASON] = {"reason", "journey.title", true, true, scr_reason_draw},
	[SCREEN_DOCS] = {"docs", "journey.title", true, true, scr_docs_draw},
	[SCREEN_IMPACT] = {"impact", "journey.title", true, true, scr_impact_draw},
	[SCREEN_REVIEW] = {"review", "journey.title", true, true, scr_review_draw},
	[SCREEN_SUBMIT] = {"submit", "journey.title", true, true, scr_submit_draw},
	[SCREEN_RECEIPT] = {"receipt", "receipt.title", true, true, scr_receipt_draw},
	[SCREEN_STATUS] = {"status", "status.title", true, true, scr_status_draw},
	[SCREEN_GOODBYE] = {"goodbye", "goodbye.title", true, true, scr_goodbye_draw},
	[SCREEN_GALLERY] = {"gallery", "gallery.title", true, true, scr_gallery_draw},
	[SCREEN_COMPLAINT] = {"complaint", "complaint.title", true, true, scr_complaint_draw},
	[SCREEN_COMPLAINT_DONE] = {"complaint_done", "complaint.title", true, true, scr_complaint_done_draw},
	[SCREEN_STAFF_PIN] = {"staff_pin", "staff.pin_title", false, false, scr_pin_draw, true},
	[SCREEN_STAFF_HOME] = {"staff_home", "staff.home_title", false, false, scr_staff_home_draw, true},
	[SCREEN_STAFF_QUEUE] = {"staff_queue", "staff.queue_title", false, false, scr_staff_queue_draw, true},
	[SCREEN_STAFF_CASE] = {"staff_case", "staff.case_title", false, false, scr_staff_case_draw, true},
	[SCREEN_STAFF_COMPLAINTS] = {"staff_complaints", "staff.complaints_title", false, false,
				     scr_staff_complaints_draw, true},
	[SCREEN_STAFF_COMPLAINT] = {"staff_complaint", "staff.complaint_title", false, false,
				    scr_staff_complaint_draw, true},
	[SCREEN_STAFF_FIGURES] = {"staff_figures", "staff.fig_title", false, false, scr_staff_figures_draw, true},
	[SCREEN_TECH] = {"tech", "tech.title", false, false, scr_tech_draw, true},
};

const screen_def *screen_get(screen_id id) { return &screens[id]; }

int screen_parse(const char *name, screen_id *out)
{
	for (int i = 0; i < SCREEN_COUNT; i++)
		if (strcmp(screens[i].name, name) == 0) {
			*out = (screen_id)i;
			return 0;
		}
	return -1;
}

int shell_lang_toggle(app *a, ui_rect r)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	/* The label names the other language, in that language; the button is as
	 * wide as its label needs, at the right end of R. */
	const char *label = ui_tr(u, "common.lang_toggle");
	int tw, tth;
	ui_measure(u, UI_FONT_BUTTON, label, 0, &tw, &tth);
	int w = tw + 3 * th->gap;
	if (w < 260)
		w = 260;
	ui_rect b = {r.x + r.w - w, r.y, w, th->touch_min};
	if (ui_button_ex(u, "common.lang_toggle", label, NULL, b, UI_BTN_SECONDARY, true))
		app_set_lang(a, ui_lang(u) == CAT_ID ? CAT_EN : CAT_ID);
	return b.x;
}

const char *shell_fmt_when(app *a, int64_t when, bool with_time)
{
	static const char *const days[7] = {"day.sun", "day.mon", "day.tue", "day.wed",
					    "day.thu", "day.fri", "day.sat"};
	static const char *const months[12] = {"month.1", "month.2", "month.3",	 "month.4",
					       "month.5", "month.6", "month.7",	 "month.8",
					       "month.9", "month.10", "month.11", "month.12"};
	time_t t = (time_t)(when + 7 * 3600); /* WIB, whatever the machine's zone */
	struct tm tm;
	gmtime_r(&t, &tm);
	char d[16], y[16], hm[32];
	snprintf(d, sizeof d, "%d", tm.tm_mday);
	snprintf(y, sizeof y, "%d", tm.tm_year + 1900);
	snprintf(hm, sizeof hm, "%02d.%02d", tm.tm_hour, tm.tm_min);
	const char *args[3] = {ui_tr(a->ui, days[tm.tm_wday]), d, ui_tr(a->ui, months[tm.tm_mon])};
	const char *date = ui_trf(a->ui, "common.date", args, 3);
	const char *args2[3] = {date, y, hm};
	return ui_trf(a->ui, with_time ? "common.datetime" : "common.date_year", args2, 3);
}

const char *shell_datetime(app *a) { return shell_fmt_when(a, app_wall_time(a), true); }

bool shell_card(app *a, const char *title_key, const char *body, const char *glyph, ui_rect r,
		bool primary)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	bool hit = ui_tap_area(u, title_key, r);
	ui_draw_rect(u, r, primary ? th->color.primary : th->color.surface, th->radius * 2);
	if (!primary)
		ui_draw_frame(u, r, th->color.border, th->radius * 2, th->border);
	ui_color fg = primary ? th->color.text_inverse : th->color.text;
	ui_color muted = primary ? th->color.text_inverse : th->color.text_muted;
	int icon = 96;
	ui_rect ic = {r.x + th->gap * 2, r.y + (r.h - icon) / 2, icon, icon};
	ui_draw_rect(u, ic, primary ? th->color.primary_pressed : th->color.primary_soft, icon / 2);
	ui_text_centered(u, ic, glyph, UI_FONT_SYMBOL, primary ? fg : th->color.primary);
	int tx = ic.x + icon + th->gap * 2;
	ui_rect t = {tx, r.y, r.x + r.w - tx - th->gap * 2, 0};
	int th1, bh, w;
	ui_measure(u, UI_FONT_SUBTITLE, ui_tr(u, title_key), t.w, &w, &th1);
	ui_measure(u, UI_FONT_BODY, body, t.w, &w, &bh);
	t.y = r.y + (r.h - th1 - th->gap_small - bh) / 2;
	t.y += ui_label(u, title_key, t, UI_FONT_SUBTITLE, fg, UI_ALIGN_LEFT) + th->gap_small;
	ui_label_text(u, body, t, UI_FONT_BODY, muted, UI_ALIGN_LEFT);
	return hit;
}

static void header(app *a, const screen_def *def)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	ui_rect bar = {0, 0, th->design_w, th->header_h};
	ui_draw_rect(u, bar, th->color.header_bg, 0);
	ui_rect text = {th->margin, 18, bar.w - 2 * th->margin - 420, bar.h};
	ui_label(u, "common.office", text, UI_FONT_SMALL, th->color.header_text_muted,
		 UI_ALIGN_LEFT);
	text.y += 40;
	ui_label(u, def->title_key, text, UI_FONT_SUBTITLE, th->color.header_text, UI_ALIGN_LEFT);
	shell_lang_toggle(a, (ui_rect){th->margin, (bar.h - th->touch_min) / 2, bar.w - 2 * th->margin,
				       th->touch_min});
}

static void footer(app *a, ui_rect r)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	ui_draw_rect(u, r, th->color.surface, 0);
	ui_draw_rect(u, (ui_rect){r.x, r.y, r.w, 2}, th->color.border, 0);
	ui_rect inner = ui_inset(r, th->margin, (r.h - th->button_h) / 2);
	const char *when = shell_datetime(a);
	int ww, wh;
	ui_measure(u, UI_FONT_SMALL, when, 0, &ww, &wh);
	ui_rect home = {inner.x, inner.y, inner.w - ww - th->gap, inner.h};
	if (home.w > 560)
		home.w = 560;
	if (ui_button_ex(u, "common.home", ui_tr(u, "common.home"), "\xE2\x86\x90", home,
			 UI_BTN_SECONDARY, true))
		app_goto(a, SCREEN_WELCOME);
	ui_label_text(u, when, (ui_rect){inner.x + inner.w - ww, inner.y + (inner.h - wh) / 2, ww, wh},
		      UI_FONT_SMALL, th->color.text_muted, UI_ALIGN_RIGHT);
}

static void idle_dialog(app *a)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	char secs[12];
	snprintf(secs, sizeof secs, "%d", a->idle_seconds_left);
	const char *args[1] = {secs};
	const char *body = ui_trf(u, "idle.body", args, 1);
	int bw, bh;
	ui_measure(u, UI_FONT_BODY, body, ui_dialog_content_w(u), &bw, &bh);
	int count_h = 120;
	ui_rect c = ui_dialog_begin(u, "idle.title", bh + th->gap + count_h + th->gap + th->button_h);
	ui_col col = ui_col_make(c, th->gap);
	ui_label_text(u, body, ui_col_take(&col, bh), UI_FONT_BODY, th->color.text, UI_ALIGN_CENTER);
	ui_label_text(u, secs, ui_col_take(&col, count_h), UI_FONT_DISPLAY, th->color.primary,
		      UI_ALIGN_CENTER);
	ui_rect row = ui_col_take(&col, th->button_h);
	if (ui_button(u, "idle.end", ui_split(row, 2, th->gap, 0), UI_BTN_SECONDARY))
		app_goto(a, SCREEN_WELCOME);
	else if (ui_button(u, "idle.continue", ui_split(row, 2, th->gap, 1), UI_BTN_PRIMARY))
		session_continue(&a->sess, app_now(a));
	ui_dialog_end(u);
}

void shell_frame(app *a)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	const screen_def *def = screen_get(a->screen);
	ui_rect full = {0, 0, th->design_w, th->design_h};
	bool kbd = ui_keyboard_wanted(u);
	int kbd_h = kbd ? ui_keyboard_height(u, full.w) : 0;

	if (!def->chrome) {
		def->draw(a, full);
	} else {
		header(a, def);
		int top = th->header_h + th->gap;
		int bottom = kbd ? full.h - kbd_h : full.h - th->footer_h;
		int w = full.w - 2 * th->margin;
		if (w > th->content_max_w)
			w = th->content_max_w;
		ui_rect content = {(full.w - w) / 2, top, w, bottom - th->gap - top};
		def->draw(a, content);
		if (!kbd)
			footer(a, (ui_rect){0, full.h - th->footer_h, full.w, th->footer_h});
	}
	if (kbd)
		ui_keyboard(u, (ui_rect){0, full.h - kbd_h, full.w, kbd_h});
	if (a->sess.active && a->sess.idle_dialog)
		idle_dialog(a);
}

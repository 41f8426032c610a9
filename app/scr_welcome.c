/*
 * scr_welcome: the attract screen. Names the service in large type, shows
 * that it is free and how long it takes, and invites the citizen to touch
 * the screen (or place the KTP-el on the reader) to start. The whole screen
 * is one tap target; the language toggle sits on top of it.
 */
#include "app.h"
#include "uplink.h"

/* A stylised KTP-el card drawn from theme shapes (no image files needed). */
static void card_art(app *a, ui_rect r)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	int w = 440, h = 278;
	ui_rect card = {r.x + (r.w - w) / 2, r.y, w, h};
	ui_draw_rect(u, (ui_rect){card.x + 10, card.y + 14, w, h}, theme_alpha(th->color.text, 40),
		     th->radius * 2);
	ui_draw_rect(u, card, th->color.primary_soft, th->radius * 2);
	ui_draw_frame(u, card, th->color.primary, th->radius * 2, th->border);
	ui_draw_rect(u, (ui_rect){card.x, card.y, w, 56}, th->color.primary, th->radius * 2);
	ui_draw_rect(u, (ui_rect){card.x, card.y + 36, w, 20}, th->color.primary, 0);
	ui_rect chip = {card.x + 36, card.y + 96, 80, 62};
	ui_draw_rect(u, chip, th->color.focus, 10);
	ui_draw_frame(u, chip, th->color.warning, 10, 2);
	ui_rect photo = {card.x + w - 140, card.y + 84, 104, 136};
	ui_draw_rect(u, photo, th->color.surface, 10);
	ui_draw_rect(u, (ui_rect){photo.x + 32, photo.y + 22, 40, 40}, th->color.border, 20);
	ui_draw_rect(u, (ui_rect){photo.x + 18, photo.y + 72, 68, 48}, th->color.border, 24);
	for (int i = 0; i < 3; i++)
		ui_draw_rect(u, (ui_rect){card.x + 36, card.y + 184 + i * 26, 220 - i * 50, 12},
			     th->color.border, 6);
	ui_label(u, "welcome.card", (ui_rect){card.x + 24, card.y + 8, 200, 40}, UI_FONT_STRONG,
		 th->color.text_inverse, UI_ALIGN_LEFT);
}

/* Small facts under the title: free, how long it takes. */
static int facts(app *a, ui_rect r, ui_color fg, ui_color bg)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	static const char *const keys[] = {"welcome.fact_free", "welcome.fact_time"};
	int x = r.x, h = 72;
	for (int i = 0; i < 2; i++) {
		int tw, tth;
		const char *t = ui_tr(u, keys[i]);
		ui_measure(u, UI_FONT_STRONG, t, 0, &tw, &tth);
		ui_rect chip = {x, r.y, tw + 2 * th->gap, h};
		ui_draw_rect(u, chip, bg, h / 2);
		ui_label(u, keys[i], (ui_rect){chip.x + th->gap, chip.y + (h - tth) / 2, tw + 4, tth},
			 UI_FONT_STRONG, fg, UI_ALIGN_LEFT);
		x += chip.w + th->gap_small;
	}
	return h;
}

void scr_welcome_draw(app *a, ui_rect full)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	ui_color white = th->color.header_text;

	/* Everything is one big "start" target; widgets drawn later sit on top. */
	bool start = ui_tap_area(u, "welcome.touch", full);

	ui_rect hero = th->landscape ? (ui_rect){0, 0, 1000, full.h} : (ui_rect){0, 0, full.w, 1010};
	ui_draw_rect(u, hero, th->color.header_bg, 0);
	ui_col col = ui_col_make(ui_inset(hero, th->margin, th->margin), th->gap);

	ui_rect top = ui_col_take(&col, th->touch_min);
	ui_rect office = th->landscape ? top : (ui_rect){top.x, top.y, top.w - 420, top.h};
	int oh = ui_label(u, "common.city", office, UI_FONT_STRONG, white, UI_ALIGN_LEFT);
	ui_label(u, "common.office", (ui_rect){office.x, office.y + oh, office.w, 40}, UI_FONT_SMALL,
		 th->color.header_text_muted, UI_ALIGN_LEFT);
	ui_rect toggle = {th->margin, th->margin, full.w - 2 * th->margin, th->touch_min};

	col.y += th->landscape ? 120 : 90;
	ui_rect badge = ui_col_take(&col, 56);
	int bw, bh;
	ui_measure(u, UI_FONT_SMALL, ui_tr(u, "welcome.badge"), 0, &bw, &bh);
	ui_draw_rect(u, (ui_rect){badge.x, badge.y, bw + 2 * th->gap, badge.h}, th->color.primary,
		     badge.h / 2);
	ui_label(u, "welcome.badge", (ui_rect){badge.x + th->gap, badge.y + (badge.h - bh) / 2, bw + 4, bh},
		 UI_FONT_SMALL, white, UI_ALIGN_LEFT);

	int title_h = ui_label(u, "welcome.title", ui_col_rest(&col), UI_FONT_DISPLAY, white,
			       UI_ALIGN_LEFT);
	col.y += title_h + th->gap;
	int sub_h = ui_label(u, "welcome.subtitle", ui_col_rest(&col), UI_FONT_BODY,
			     th->color.header_text_muted, UI_ALIGN_LEFT);
	col.y += sub_h + th->gap * 2;
	facts(a, ui_col_rest(&col), white, th->color.primary);

	/* The invitation: the card, one sentence, one big button. */
	ui_rect side = th->landscape ? (ui_rect){hero.w, th->margin + th->touch_min, full.w - hero.w,
						 full.h - th->margin - th->touch_min}
				     : (ui_rect){0, hero.h, full.w, full.h - hero.h};
	ui_col sc = ui_col_make(ui_inset(side, th->margin * 2, th->margin), th->gap);
	sc.y += th->landscape ? 110 : 40;
	card_art(a, ui_col_take(&sc, 300));
	sc.y += th->gap;
	int ih = ui_label(u, "welcome.instruction", ui_col_rest(&sc), UI_FONT_BODY, th->color.text,
			  UI_ALIGN_CENTER);
	sc.y += ih + th->gap * 2;
	ui_rect cta = ui_col_take(&sc, 150);
	if (ui_button_ex(u, "welcome.start", ui_tr(u, "welcome.start"), "\xE2\x86\x92", cta,
			 UI_BTN_PRIMARY, true))
		start = true;

	/* Date and time at the foot: the kiosk is alive and in service. */
	const char *when = shell_datetime(a);
	int ww, wh;
	ui_measure(u, UI_FONT_BODY, when, 0, &ww, &wh);
	ui_rect foot = th->landscape ? (ui_rect){th->margin, full.h - th->margin - wh, hero.w - 2 * th->margin, wh}
				     : (ui_rect){th->margin, full.h - th->margin - wh, full.w - 2 * th->margin, wh};
	ui_color foot_fg = th->landscape ? th->color.header_text_muted : th->color.text_muted;
	ui_label_text(u, when, foot, UI_FONT_BODY, foot_fg,
		      th->landscape ? UI_ALIGN_LEFT : UI_ALIGN_CENTER);
	/* Above it, whether requests reach the central service right now. */
	int lh = uplink_line_height(a, foot.w);
	ui_rect link = {foot.x, foot.y - th->gap_small - lh, foot.w, lh};
	uplink_line(a, link, foot_fg, th->landscape ? UI_ALIGN_LEFT : UI_ALIGN_CENTER);

	shell_lang_toggle(a, toggle);
	/* Staff mode's hidden door: a long press in the top-left corner. A
	 * short tap there starts a session like anywhere else. */
	ui_hold hold = ui_hold_area(u, "welcome.staff", (ui_rect){0, 0, ADMIN_HOLD_SIDE, ADMIN_HOLD_SIDE},
				    ADMIN_HOLD_MS);
	if (hold == UI_HOLD_LONG) {
		admin_open_pad(a);
		return;
	}
	if (hold == UI_HOLD_TAP)
		start = true;
	if (start)
		app_goto(a, SCREEN_MENU);
}

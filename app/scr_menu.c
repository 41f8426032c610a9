/*
 * scr_menu: what the citizen came for, after touching the welcome screen:
 * start a data-change request, check a request's status, or read about the
 * service. Three large cards, one per choice, each with a line saying what
 * it is for.
 */
#include "app.h"

typedef struct menu_item {
	const char *title_key;
	const char *body_key;
	const char *glyph;
	screen_id to;
} menu_item;

static const menu_item items[] = {
	{"menu.request", "menu.request_body", "\xE2\x9C\x8E", SCREEN_CONSENT}, /* ✎ */
	{"menu.status", "menu.status_body", "\xE2\x8C\x95", SCREEN_STATUS},    /* ⌕ */
	{"menu.info", "menu.info_body", "\xE2\x93\x98", SCREEN_INFO},	      /* ⓘ */
};

/* One card: returns true when tapped. */
static bool card(app *a, const menu_item *it, ui_rect r, bool primary)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	bool hit = ui_tap_area(u, it->title_key, r);
	ui_draw_rect(u, r, primary ? th->color.primary : th->color.surface, th->radius * 2);
	if (!primary)
		ui_draw_frame(u, r, th->color.border, th->radius * 2, th->border);
	ui_color fg = primary ? th->color.text_inverse : th->color.text;
	ui_color muted = primary ? th->color.text_inverse : th->color.text_muted;
	int icon = 96;
	ui_rect ic = {r.x + th->gap * 2, r.y + (r.h - icon) / 2, icon, icon};
	ui_draw_rect(u, ic, primary ? th->color.primary_pressed : th->color.primary_soft, icon / 2);
	ui_text_centered(u, ic, it->glyph, UI_FONT_SYMBOL, primary ? fg : th->color.primary);
	int tx = ic.x + icon + th->gap * 2;
	ui_rect t = {tx, r.y, r.x + r.w - tx - th->gap * 2, 0};
	int th1, bh, w;
	ui_measure(u, UI_FONT_SUBTITLE, ui_tr(u, it->title_key), t.w, &w, &th1);
	ui_measure(u, UI_FONT_BODY, ui_tr(u, it->body_key), t.w, &w, &bh);
	t.y = r.y + (r.h - th1 - th->gap_small - bh) / 2;
	t.y += ui_label(u, it->title_key, t, UI_FONT_SUBTITLE, fg, UI_ALIGN_LEFT) + th->gap_small;
	ui_label(u, it->body_key, t, UI_FONT_BODY, muted, UI_ALIGN_LEFT);
	return hit;
}

void scr_menu_draw(app *a, ui_rect r)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	ui_col col = ui_col_make(r, th->gap);
	col.y += ui_label(u, "menu.heading", ui_col_rest(&col), UI_FONT_TITLE, th->color.text,
			  UI_ALIGN_LEFT);
	col.y += th->gap;
	int n = (int)(sizeof items / sizeof items[0]);
	int h = th->landscape ? 200 : 260;
	for (int i = 0; i < n; i++) {
		if (card(a, &items[i], ui_col_take(&col, h), i == 0)) {
			if (items[i].to == SCREEN_CONSENT)
				journey_init(&a->sess.j, a->cfg->kiosk.id);
			app_goto(a, items[i].to);
		}
	}
}

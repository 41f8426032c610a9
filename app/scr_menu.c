/*
 * scr_menu: what the citizen came for, after touching the welcome screen:
 * start a data-change request, check a request's status, read about the
 * service, or make a complaint. Four large cards, one per choice, each with
 * a line saying what it is for.
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
	{"menu.complaint", "menu.complaint_body", "\xE2\x9C\x89", SCREEN_COMPLAINT}, /* ✉ */
};

void scr_menu_draw(app *a, ui_rect r)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	ui_col col = ui_col_make(r, th->gap);
	col.y += ui_label(u, "menu.heading", ui_col_rest(&col), UI_FONT_TITLE, th->color.text,
			  UI_ALIGN_LEFT);
	col.y += th->gap;
	int n = (int)(sizeof items / sizeof items[0]);
	/* One column in portrait; two in landscape, where four cards in a
	 * column would leave each too little height for its two lines. */
	int cols = th->landscape ? 2 : 1;
	int rows = (n + cols - 1) / cols;
	int h = th->landscape ? 320 : 260;
	int room = (r.y + r.h - col.y - (rows - 1) * th->gap) / rows;
	if (h > room)
		h = room;
	for (int row = 0; row < rows; row++) {
		ui_rect line = ui_col_take(&col, h);
		for (int c = 0; c < cols && row * cols + c < n; c++) {
			const menu_item *it = &items[row * cols + c];
			if (!shell_card(a, it->title_key, ui_tr(u, it->body_key), it->glyph,
					ui_split(line, cols, th->gap, c), it == &items[0]))
				continue;
			if (it->to == SCREEN_CONSENT)
				journey_init(&a->sess.j, a->cfg->kiosk.id);
			app_goto(a, it->to);
		}
	}
}

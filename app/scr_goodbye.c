/*
 * scr_goodbye: the polite end of a session the citizen declined (no consent):
 * nothing was stored, here is where to ask questions, and the kiosk returns
 * to the welcome screen by itself after GOODBYE_S seconds (or at a tap).
 */
#include "app.h"

enum { GOODBYE_S = 15 };

void scr_goodbye_draw(app *a, ui_rect r)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	uint64_t now = app_now(a);
	if (a->scr.goodbye_at == 0)
		a->scr.goodbye_at = now + GOODBYE_S * 1000u;
	if (now >= a->scr.goodbye_at) {
		app_goto(a, SCREEN_WELCOME);
		return;
	}
	ui_request_wake(u, a->scr.goodbye_at);

	ui_col col = ui_col_make(r, th->gap);
	col.y += th->landscape ? 40 : 160;
	col.y += ui_label(u, "goodbye.heading", ui_col_rest(&col), UI_FONT_TITLE, th->color.text,
			  UI_ALIGN_CENTER) + th->gap;
	col.y += ui_label(u, "goodbye.body", ui_col_rest(&col), UI_FONT_BODY, th->color.text,
			  UI_ALIGN_CENTER) + th->gap;
	col.y += ui_label(u, "goodbye.help", ui_col_rest(&col), UI_FONT_BODY, th->color.text_muted,
			  UI_ALIGN_CENTER) + th->gap * 2;
	ui_rect b = ui_col_take(&col, th->button_h);
	b = (ui_rect){b.x + b.w / 4, b.y, b.w / 2, b.h};
	if (ui_button(u, "goodbye.done", b, UI_BTN_PRIMARY))
		app_goto(a, SCREEN_WELCOME);
}

/*
 * scr_complaint_done: the proof that a complaint is stored: its number in
 * large type (the citizen notes or photographs it), what happens next
 * (staff answer within COMPLAINT_RESPONSE_DAYS working days: through the
 * contact given, or at the office when asked with the number), and the
 * other complaint channels from kiosk.conf. Nothing the citizen wrote is
 * shown: the screen may be photographed by anyone standing near.
 * "Selesai" ends the session.
 */
#include <stdio.h>

#include "step.h"

/* The number card: caption, number, what to do with it. */
static int number_card(app *a, ui_rect r)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	const char *number = a->sess.complaint.number;
	int pad = th->gap * 2;
	ui_rect in = {r.x + pad, 0, r.w - 2 * pad, 0};
	int w, h1, h2, h3;
	ui_measure(u, UI_FONT_STRONG, ui_tr(u, "complaint.done_number"), in.w, &w, &h1);
	ui_measure(u, UI_FONT_DISPLAY, number, in.w, &w, &h2);
	ui_measure(u, UI_FONT_BODY, ui_tr(u, "complaint.done_keep"), in.w, &w, &h3);
	int h = pad + h1 + th->gap_small + h2 + th->gap_small + h3 + pad;
	ui_rect card = {r.x, r.y, r.w, h};
	ui_draw_rect(u, card, th->color.primary_soft, th->radius * 2);
	ui_draw_frame(u, card, th->color.primary, th->radius * 2, th->border);
	in.y = card.y + pad;
	in.y += ui_label(u, "complaint.done_number", in, UI_FONT_STRONG, th->color.text_muted, UI_ALIGN_LEFT) +
		th->gap_small;
	in.y += ui_label_text(u, number, in, UI_FONT_DISPLAY, th->color.primary, UI_ALIGN_LEFT) + th->gap_small;
	ui_label(u, "complaint.done_keep", in, UI_FONT_BODY, th->color.text, UI_ALIGN_LEFT);
	return h;
}

void scr_complaint_done_draw(app *a, ui_rect r)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	const conf *c = a->cfg;
	const complaint_form *f = &a->sess.complaint;
	step_frame sf = {.a = a};

	if (th->landscape) { /* as the receipt: the whole width */
		r.x = th->margin;
		r.w = th->design_w - 2 * th->margin;
	}
	ui_rect done = {r.x, r.y + r.h - th->button_h, r.w, th->button_h};
	ui_rect body = {r.x, r.y, r.w, r.h - th->button_h - th->gap};

	/* The number always in view: on top in portrait, on the left in
	 * landscape; what follows scrolls under or beside it. */
	ui_rect fixed = body, rest = body;
	if (th->landscape) {
		fixed = ui_split(body, 2, th->gap * 2, 0);
		rest = ui_split(body, 2, th->gap * 2, 1);
	}
	ui_col top = ui_col_make(fixed, th->gap);
	top.y += ui_label(u, "complaint.done_heading", ui_col_rest(&top), UI_FONT_TITLE, th->color.success,
			  UI_ALIGN_LEFT) + th->gap_small;
	top.y += ui_label(u, "complaint.done_stored", ui_col_rest(&top), UI_FONT_BODY, th->color.text,
			  UI_ALIGN_LEFT) + th->gap;
	top.y += number_card(a, ui_col_rest(&top)) + th->gap;
	if (!th->landscape) {
		rest.y = top.y;
		rest.h = body.y + body.h - top.y;
	}

	ui_rect in = ui_scroll_begin(u, "complaint.done_body", rest);
	ui_col col = ui_col_make((ui_rect){in.x, in.y, in.w - 24, in.h}, th->gap);
	char days[8];
	snprintf(days, sizeof days, "%d", COMPLAINT_RESPONSE_DAYS);
	const char *args[1] = {days};
	step_section(&sf, &col, "complaint.done_next_title", NULL, ui_trf(u, "complaint.done_next", args, 1));
	step_section(&sf, &col, NULL, f->had_contact ? "complaint.done_contact" : "complaint.done_office", NULL);
	step_section(&sf, &col, NULL, "complaint.done_escalate", NULL);

	char phones[CONF_PHONES_TEXT_MAX];
	conf_fmt_phones(c, phones, sizeof phones);
	col.y += ui_label(u, "complaint.done_channels_title", ui_col_rest(&col), UI_FONT_SUBTITLE, th->color.text,
			  UI_ALIGN_LEFT) + th->gap_small;
	col.y += step_pair(&sf, ui_col_rest(&col), "info.cmp.phone", phones) + th->gap_small;
	col.y += step_pair(&sf, ui_col_rest(&col), "info.cmp.email", c->complaints.email) + th->gap;
	ui_scroll_end(u, col.y - in.y);

	if (ui_button(u, "complaint.done", done, UI_BTN_PRIMARY))
		app_goto(a, SCREEN_WELCOME);
}
